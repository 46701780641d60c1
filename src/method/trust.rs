//! The trust audit (R29–R31, Q26, Q29): competence, integrity and benevolence, each judged on
//! its own observable observations from the quarter window.
//!
//! Each dimension is pass, fail or unassessed; there is no composite (Q26). One observable
//! failure in the window fails its dimension however many passes stand beside it, because one
//! breach matters (R31). An integrity failure raises the regression-risk flag but does not lower
//! the rung by itself (Q29).

use std::borrow::Cow;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::catalogue::{TrustSignal, TrustVerdict};
use super::date::{EvidenceDate, QUARTER_DAYS};
use super::input::{Checker, InputErrors, Limits};
use super::lexicon::Cue;
use super::report::Finding;
use super::rules::Rule;
use super::rung::TrustDimension;
use super::text::{self, Reading};

/// One observation for the trust audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustObservation {
    /// What it shows, from the trust catalogue; its prefix is its dimension.
    pub signal: TrustSignal,
    /// The user's own words.
    pub text: String,
    /// Who did it.
    #[serde(default)]
    pub who: Option<String>,
    /// What happened, so someone outside the team could check it.
    #[serde(default)]
    pub what: Option<String>,
    /// When it happened; only the 90 days ending on the audit date count (Q26).
    #[serde(default)]
    pub when: Option<EvidenceDate>,
}

/// A dimension's verdict (Q26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrustStatus {
    /// At least one observable observation shows it holding, and none shows it failing.
    Pass,
    /// An observable observation in the quarter shows it failing.
    Fail,
    /// No observable observation in the quarter: opinion alone, older or undated items.
    Unassessed,
}

impl TrustStatus {
    /// The status as the card writes it.
    pub fn label(self) -> &'static str {
        match self {
            TrustStatus::Pass => "pass",
            TrustStatus::Fail => "fail",
            TrustStatus::Unassessed => "unassessed",
        }
    }
}

/// The audit of one dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DimensionAudit {
    /// The dimension.
    pub dimension: TrustDimension,
    /// The skill's question for it.
    pub question: String,
    /// Its verdict.
    pub status: TrustStatus,
    /// Observable observations in the quarter that decided it.
    pub counted: usize,
    /// Observations kept as context only: opinion, older than the quarter, or undated.
    pub context: usize,
    /// Why each observation counted or did not.
    pub findings: Vec<Finding>,
}

/// The quarterly trust audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TrustAudit {
    /// The date the audit's quarter window ends on.
    pub date: NaiveDate,
    /// Competence, integrity and benevolence, in that order.
    pub dimensions: Vec<DimensionAudit>,
    /// An integrity failure: one breach commonly knocks an account down a rung (R31, Q29).
    pub regression_risk: bool,
    /// Whether next quarter's audit is mandatory (Q29).
    pub next_audit_mandatory: bool,
    /// Whether all three dimensions were assessed (V4).
    pub all_assessed: bool,
    /// Audit-wide notes, such as an overall score that was recorded and ignored (Q26).
    pub findings: Vec<Finding>,
}

impl TrustAudit {
    /// The status of `dimension`.
    pub fn status(&self, dimension: TrustDimension) -> TrustStatus {
        self.dimensions
            .iter()
            .find(|d| d.dimension == dimension)
            .map_or(TrustStatus::Unassessed, |d| d.status)
    }

    /// The failing dimensions, integrity first, then benevolence, then competence (Q28).
    pub fn failing(&self) -> Vec<TrustDimension> {
        [TrustDimension::Integrity, TrustDimension::Benevolence, TrustDimension::Competence]
            .into_iter()
            .filter(|d| self.status(*d) == TrustStatus::Fail)
            .collect()
    }
}

/// A trust audit on its own, outside a diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustAuditInput {
    /// The date the quarter window ends on (YYYY-MM-DD).
    pub date: NaiveDate,
    /// The observations, each with its signal and the user's own words.
    #[serde(default)]
    pub trust: Vec<TrustObservation>,
    /// An overall trust score the user offered: recorded and ignored (Q26).
    #[serde(default)]
    pub overall_trust_score: Option<String>,
}

/// Runs the quarterly audit alone (R29–R31): refuses input over the limits (Q34), then audits.
pub fn audit_input(input: &TrustAuditInput, limits: Limits) -> Result<TrustAudit, InputErrors> {
    let mut check = Checker::new(limits);
    check_trust(&mut check, &input.trust, "trust");
    check.opt_text(|| "overall_trust_score".into(), input.overall_trust_score.as_deref());
    check.finish()?;
    Ok(audit(input.date, &input.trust, input.overall_trust_score.as_deref(), "trust"))
}

pub(crate) fn check_trust(check: &mut Checker, observations: &[TrustObservation], field: &str) {
    for dim in TrustDimension::ALL {
        let n = observations.iter().filter(|o| o.signal.spec().dimension == dim).count();
        let what = format!("{} observations", dim.label().to_lowercase());
        check.count(field, n, check.limits().trust_per_dimension, &what);
    }
    for (i, o) in observations.iter().enumerate() {
        check.text(|| format!("{field}[{i}].text"), &o.text);
        check.opt_text(|| format!("{field}[{i}].who"), o.who.as_deref());
        check.opt_text(|| format!("{field}[{i}].what"), o.what.as_deref());
    }
}

/// Audits trust as of `date` (R29, R30, Q26, Q29). `overall_score` is a score the user offered
/// for trust as a whole: it is recorded and ignored.
pub fn audit(
    date: NaiveDate,
    observations: &[TrustObservation],
    overall_score: Option<&str>,
    field: &str,
) -> TrustAudit {
    let dimensions: Vec<DimensionAudit> = TrustDimension::ALL
        .iter()
        .map(|&dim| audit_dimension(dim, date, observations, field))
        .collect();
    let integrity_fail = dimensions
        .iter()
        .any(|d| d.dimension == TrustDimension::Integrity && d.status == TrustStatus::Fail);
    let mut findings = Vec::new();
    if integrity_fail {
        findings.push(Finding::new(
            Rule::Q29,
            "integrity is failing: regression risk (one breach commonly knocks an account down a \
             rung, R31); next quarter's audit is mandatory. The rung is not lowered by this alone",
        ));
    }
    if let Some(score) = overall_score.filter(|s| !text::is_blank(s)) {
        findings.push(Finding::at(
            Rule::Q26,
            "overall_trust_score",
            format!(
                "an overall trust score ({score:?}) was recorded and ignored: each dimension \
                     is judged on its own evidence"
            ),
        ));
    }
    let all_assessed = dimensions.iter().all(|d| d.status != TrustStatus::Unassessed);
    TrustAudit {
        date,
        dimensions,
        regression_risk: integrity_fail,
        next_audit_mandatory: integrity_fail,
        all_assessed,
        findings,
    }
}

fn audit_dimension(
    dimension: TrustDimension,
    date: NaiveDate,
    observations: &[TrustObservation],
    field: &str,
) -> DimensionAudit {
    let mut findings = Vec::new();
    let (mut passes, mut fails, mut context) = (0, 0, 0);
    for (i, o) in observations.iter().enumerate() {
        if o.signal.spec().dimension != dimension {
            continue;
        }
        let at = |name: &str| super::report::field_path(field, i, name);
        match counts(o, date) {
            Ok(TrustVerdict::Pass) => passes += 1,
            Ok(TrustVerdict::Fail) => fails += 1,
            Err((name, why)) => {
                context += 1;
                findings.push(Finding::at(Rule::Q26, at(name), why));
            }
        }
    }
    let status = if fails > 0 {
        TrustStatus::Fail
    } else if passes > 0 {
        TrustStatus::Pass
    } else {
        TrustStatus::Unassessed
    };
    DimensionAudit {
        dimension,
        question: dimension.question().to_owned(),
        status,
        counted: passes + fails,
        context,
        findings,
    }
}

/// Whether an observation decides its dimension, or the field and reason it does not (Q15,
/// Q26).
/// Why an observation is context rather than a count: the field at fault and the reason.
type Context = (&'static str, Cow<'static, str>);

fn counts(o: &TrustObservation, date: NaiveDate) -> Result<TrustVerdict, Context> {
    let Some(verdict) = o.signal.spec().verdict else {
        return Err(("signal", "an opinion or score: recorded, never counted".into()));
    };
    if text::is_blank(&o.text) {
        return Err(("text", "blank text carries no evidence".into()));
    }
    if o.who.as_deref().is_none_or(text::is_blank) {
        return Err(("who", "no who: not observable, kept as context".into()));
    }
    if o.what.as_deref().is_none_or(text::is_blank) {
        return Err(("what", "no what: not observable, kept as context".into()));
    }
    let fields = std::iter::once(o.text.as_str()).chain(o.what.as_deref());
    let cues = text::scan_fields(fields, Reading::Opinion);
    if let Some(phrase) = cues.phrase(Cue::Opinion) {
        return Err(("text", format!("reads as opinion (\"{phrase}\"): kept as context").into()));
    }
    match o.when {
        None => Err(("when", "undated: it cannot be placed in this quarter".into())),
        Some(when) if !when.within(date, QUARTER_DAYS) => Err((
            "when",
            format!("{when} is outside the 90 days ending on {date}: context only").into(),
        )),
        Some(_) => Ok(verdict),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    fn obs(signal: TrustSignal, when: &str) -> TrustObservation {
        TrustObservation {
            signal,
            text: "On the November steering call their COO told us first".into(),
            who: Some("Acme COO".into()),
            what: Some("told us about the budget cut before the announcement".into()),
            when: Some(when.parse().unwrap()),
        }
    }

    #[test]
    fn r30_dimensions_fail_independently() {
        let a = audit(
            date(),
            &[
                obs(TrustSignal::CompetenceDeliveredAsCommitted, "2026-11-02"),
                obs(TrustSignal::IntegrityActedAgainstCustomer, "2026-10-10"),
                obs(TrustSignal::BenevolenceSharedBadNewsEarly, "2026-11-20"),
            ],
            None,
            "trust",
        );
        assert_eq!(a.status(TrustDimension::Competence), TrustStatus::Pass);
        assert_eq!(a.status(TrustDimension::Integrity), TrustStatus::Fail);
        assert_eq!(a.status(TrustDimension::Benevolence), TrustStatus::Pass);
        assert!(a.all_assessed);
    }

    #[test]
    fn r31_q29_one_integrity_breach_fails_and_raises_regression_risk() {
        let mut list: Vec<_> = (0..5)
            .map(|_| obs(TrustSignal::IntegrityAdvisedAgainstOwnRevenue, "2026-11-01"))
            .collect();
        list.push(obs(TrustSignal::IntegrityBrokeConfidence, "2026-11-15"));
        let a = audit(date(), &list, None, "trust");
        assert_eq!(a.status(TrustDimension::Integrity), TrustStatus::Fail);
        assert!(a.regression_risk && a.next_audit_mandatory);
    }

    #[test]
    fn q26_opinion_old_and_undated_observations_leave_a_dimension_unassessed() {
        let mut undated = obs(TrustSignal::CompetenceDeliveredAsCommitted, "2026-11-01");
        undated.when = None;
        let a = audit(
            date(),
            &[
                obs(TrustSignal::CompetenceOpinion, "2026-11-01"),
                obs(TrustSignal::CompetenceMissedCommitment, "2026-06-01"),
                undated,
            ],
            Some("9/10"),
            "trust",
        );
        let c = &a.dimensions[0];
        assert_eq!(c.status, TrustStatus::Unassessed);
        assert_eq!((c.counted, c.context), (0, 3));
        assert!(!a.all_assessed);
        assert!(a.findings.iter().any(|f| f.rule == Rule::Q26));
    }

    #[test]
    fn r29_the_audit_asks_the_skills_three_questions() {
        let a = audit(date(), &[], None, "trust");
        let questions: Vec<_> = a.dimensions.iter().map(|d| d.question.as_str()).collect();
        assert_eq!(
            questions,
            [
                "Do they believe you can deliver?",
                "Do they believe you act in their interest?",
                "Do they bring you bad news?",
            ]
        );
    }
}
