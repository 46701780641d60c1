//! Regression and risk alerts, and the portfolio roll-up, read from accounts' histories. Pure:
//! the same histories and day give the same alerts whatever store they came from.
//!
//! The alerts: an integrity failure in the latest audit (R31, Q29); a trust dimension that
//! passed the quarter before and fails now (R29); a rung drop between the last two diagnosed
//! quarters (R31); the stop-rule answer failing in the last two diagnosed quarters (R21a); the
//! customer's relationship owner moving to procurement or IT operations (R21d); an action still
//! open past its due date; a renewal within 90 days while the rung is 2 or below, or not
//! confirmed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::history::{History, QuarterLine};

/// Days before a renewal from which an account at Rung 2 or below is at risk.
pub const RENEWAL_WINDOW_DAYS: i64 = 90;

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Integrity fails in the latest audit: regression risk (R31, Q29).
    IntegrityFailure,
    /// A trust dimension went from pass to fail (R29).
    TrustFailing,
    /// The rung dropped (R31).
    RungDrop,
    /// The stop-rule answer failed two quarters running (R21a).
    StopRuleFailingTwice,
    /// The relationship owner moved to procurement or IT operations (R21d).
    OwnerMovedToProcurementOrIt,
    /// An action is open past its due date.
    ActionOverdue,
    /// The renewal is near and the rung is 2 or below, or not confirmed.
    RenewalAtRisk,
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Alert {
    /// The account.
    pub account: String,
    /// What it is about.
    pub kind: AlertKind,
    /// What happened, in words, with the rule it comes from.
    pub message: String,
}

/// The quarters that carry a diagnosis, most recent last.
fn diagnosed(h: &History) -> Vec<&QuarterLine> {
    h.quarters.iter().filter(|q| q.diagnosed).collect()
}

/// The latest state of every action, keyed by what it is and who owns it: a later record of
/// the same action (an outcome) replaces the earlier one.
fn actions(h: &History) -> Vec<&Value> {
    let mut latest: BTreeMap<(String, String), &Value> = BTreeMap::new();
    for action in h.quarters.iter().flat_map(|q| &q.actions) {
        let key = (
            action["action"].as_str().unwrap_or_default().to_lowercase(),
            action["owner"].as_str().unwrap_or_default().to_lowercase(),
        );
        latest.insert(key, action);
    }
    latest.into_values().collect()
}

/// The alerts of one account on `today`.
pub fn alerts(h: &History, today: NaiveDate) -> Vec<Alert> {
    let account = h.account.name.clone();
    let mut out = Vec::new();
    let mut raise =
        |kind, message: String| out.push(Alert { account: account.clone(), kind, message });
    let trusted: Vec<&QuarterLine> = h.quarters.iter().filter(|q| q.trust.is_some()).collect();
    if let Some(last) = trusted.last()
        && let Some(trust) = &last.trust
    {
        if trust.integrity == "fail" {
            raise(
                AlertKind::IntegrityFailure,
                format!(
                    "integrity fails in {}: regression risk, and next quarter's audit is \
                     mandatory (R31, Q29)",
                    last.quarter
                ),
            );
        }
        if let [.., before, _] = trusted.as_slice()
            && let Some(was) = &before.trust
        {
            let pairs = [
                ("competence", &was.competence, &trust.competence),
                ("integrity", &was.integrity, &trust.integrity),
                ("benevolence", &was.benevolence, &trust.benevolence),
            ];
            for (name, then, now) in pairs {
                if then == "pass" && now == "fail" {
                    raise(
                        AlertKind::TrustFailing,
                        format!(
                            "{name} went from pass in {} to fail in {} (R29)",
                            before.quarter, last.quarter
                        ),
                    );
                }
            }
        }
    }
    let diagnosed = diagnosed(h);
    if let [.., before, last] = diagnosed.as_slice() {
        if let (Some(then), Some(now)) = (before.rung, last.rung)
            && now < then
        {
            raise(
                AlertKind::RungDrop,
                format!(
                    "Rung {then} in {} to Rung {now} in {} (R31)",
                    before.quarter, last.quarter
                ),
            );
        }
        let failed = |q: &QuarterLine| q.stop_rule.as_ref().is_some_and(|s| !s.passes);
        if failed(before) && failed(last) {
            raise(
                AlertKind::StopRuleFailingTwice,
                format!(
                    "no unstated need addressed, in {} and {}: Rung 2 ceiling (R21a)",
                    before.quarter, last.quarter
                ),
            );
        }
        let structural = |q: &QuarterLine| {
            matches!(q.relationship_owner.as_deref(), Some("procurement" | "it_operations"))
        };
        if structural(last) && !structural(before) {
            raise(
                AlertKind::OwnerMovedToProcurementOrIt,
                format!(
                    "the customer's relationship owner moved to {} in {}: Rung 3 ceiling (R21d)",
                    last.relationship_owner.as_deref().unwrap_or_default().replace('_', " "),
                    last.quarter
                ),
            );
        }
    }
    for action in actions(h) {
        let due = action["due"].as_str().and_then(|d| d.parse::<NaiveDate>().ok());
        if action["outcome"] == "open"
            && let Some(due) = due.filter(|d| *d < today)
        {
            raise(
                AlertKind::ActionOverdue,
                format!(
                    "{:?}, owned by {}, was due {due} and is still open",
                    action["action"].as_str().unwrap_or_default(),
                    action["owner"].as_str().unwrap_or_default()
                ),
            );
        }
    }
    if let Some(renewal) = h.account.renewal {
        let days = (renewal - today).num_days();
        let rung = diagnosed.last().and_then(|q| q.rung);
        if (0..=RENEWAL_WINDOW_DAYS).contains(&days) && rung.is_none_or(|r| r <= 2) {
            let at = rung.map_or("an unconfirmed rung".to_owned(), |r| format!("Rung {r}"));
            raise(
                AlertKind::RenewalAtRisk,
                format!("renewal on {renewal}, in {days} days, at {at}: replaceable at renewal"),
            );
        }
    }
    out
}

/// Accounts and ACV under one heading of the roll-up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Tally {
    /// The accounts.
    pub accounts: Vec<String>,
    /// Their annual contract value in US dollars, where known.
    pub acv_usd: f64,
}

impl Tally {
    fn add(&mut self, h: &History) {
        self.accounts.push(h.account.name.clone());
        self.acv_usd += h.account.acv_usd.unwrap_or(0.0);
    }
}

/// One account's line in the roll-up.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PortfolioLine {
    /// The account.
    pub account: String,
    /// Its latest rung, if confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rung: Option<u64>,
    /// The rung the team claimed in that diagnosis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed: Option<u64>,
    /// Claimed minus evidenced, when both are known (R18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_gap: Option<i64>,
    /// Its latest quarter's changes.
    pub moved: Vec<String>,
    /// Sharing events in the twelve months (R32), and the share before public.
    pub shared_12_months: usize,
    /// The share of them before public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_before_public: Option<f64>,
}

/// The portfolio roll-up.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Portfolio {
    /// Accounts and ACV by latest rung (`unconfirmed` when not confirmed, `not diagnosed`).
    pub by_rung: BTreeMap<String, Tally>,
    /// Accounts and ACV by the rule of each cap on their latest diagnosis.
    pub by_cap: BTreeMap<String, Tally>,
    /// Accounts failing each trust dimension in their latest audit.
    pub failing_trust: BTreeMap<String, Vec<String>>,
    /// Every open alert, overdue actions among them.
    pub alerts: Vec<Alert>,
    /// One line per account.
    pub accounts: Vec<PortfolioLine>,
    /// The mean claim gap over accounts with a claim and a confirmed rung (R18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_claim_gap: Option<f64>,
}

/// The roll-up of `histories` on `today`.
pub fn portfolio(histories: &[History], today: NaiveDate) -> Portfolio {
    let mut by_rung: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_cap: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failing_trust: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut lines = Vec::new();
    let mut all_alerts = Vec::new();
    for h in histories {
        let last = diagnosed(h).last().copied();
        let heading = match last {
            None => "not diagnosed".to_owned(),
            Some(q) => q.rung.map_or("unconfirmed".to_owned(), |r| format!("rung {r}")),
        };
        by_rung.entry(heading).or_default().add(h);
        for cap in last.map(|q| q.caps.as_slice()).unwrap_or_default() {
            by_cap.entry(cap.clone()).or_default().add(h);
        }
        if let Some(trust) = h.quarters.iter().rev().find_map(|q| q.trust.as_ref()) {
            for (name, status) in [
                ("competence", &trust.competence),
                ("integrity", &trust.integrity),
                ("benevolence", &trust.benevolence),
            ] {
                if status == "fail" {
                    failing_trust.entry(name.to_owned()).or_default().push(h.account.name.clone());
                }
            }
        }
        let rung = last.and_then(|q| q.rung);
        let claimed = last.and_then(|q| q.claimed);
        let claim_gap = rung.zip(claimed).map(|(r, c)| c as i64 - r as i64);
        lines.push(PortfolioLine {
            account: h.account.name.clone(),
            rung,
            claimed,
            claim_gap,
            moved: h.quarters.last().map(|q| q.changes.clone()).unwrap_or_default(),
            shared_12_months: h.sharing.events,
            shared_before_public: h.sharing.before_public_share,
        });
        all_alerts.extend(alerts(h, today));
    }
    let gaps: Vec<i64> = lines.iter().filter_map(|l| l.claim_gap).collect();
    let mean_claim_gap =
        (!gaps.is_empty()).then(|| gaps.iter().sum::<i64>() as f64 / gaps.len() as f64);
    Portfolio {
        by_rung,
        by_cap,
        failing_trust,
        alerts: all_alerts,
        accounts: lines,
        mean_claim_gap,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure")]

    use super::*;
    use crate::store::history::history;
    use crate::store::{Account, Kind, Stored};
    use serde_json::json;

    fn diagnosis(id: i64, date: &str, rung: u64, benevolence: &str, owner: &str) -> Stored {
        let body = json!({"result": {
            "card": {"rung": {"rung": rung}, "evidence": []},
            "diagnose": {"claimed": 4, "owner_role": owner, "caps": [{"rule": "R21a"}],
                         "stop_rule": {"asked": true, "answer": "", "passes": false}},
            "trust": {"dimensions": [
                {"dimension": "competence", "status": "pass"},
                {"dimension": "integrity", "status": "pass"},
                {"dimension": "benevolence", "status": benevolence}]}}});
        Stored {
            id,
            kind: Kind::Diagnosis,
            date: date.parse().unwrap(),
            body,
            recorded_at: String::new(),
            recorded_by: None,
        }
    }

    fn account() -> Account {
        Account {
            id: 1,
            name: "Acme".into(),
            domain: None,
            acv_usd: Some(50_000.0),
            renewal: None,
            created_at: String::new(),
            created_by: None,
        }
    }

    #[test]
    fn a_drop_a_failing_dimension_a_twice_blank_stop_rule_and_a_move_to_procurement_alert() {
        let records = [
            diagnosis(1, "2026-08-01", 3, "pass", "strategy"),
            diagnosis(2, "2026-11-01", 2, "fail", "procurement"),
        ];
        let h = history(account(), &records);
        let kinds: Vec<AlertKind> =
            alerts(&h, "2026-12-01".parse().unwrap()).into_iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            [
                AlertKind::TrustFailing,
                AlertKind::RungDrop,
                AlertKind::StopRuleFailingTwice,
                AlertKind::OwnerMovedToProcurementOrIt
            ]
        );
        // One quarter alone has nothing to compare with.
        let h = history(account(), &records[..1]);
        assert!(alerts(&h, "2026-12-01".parse().unwrap()).is_empty());
    }

    #[test]
    fn the_roll_up_counts_accounts_and_acv_by_rung_and_cap_and_the_claim_gap() {
        let h = history(account(), &[diagnosis(1, "2026-11-01", 2, "fail", "strategy")]);
        let p = portfolio(&[h], "2026-12-01".parse().unwrap());
        assert_eq!(p.by_rung["rung 2"].accounts, ["Acme"]);
        assert_eq!(p.by_rung["rung 2"].acv_usd, 50_000.0);
        assert_eq!(p.by_cap["R21a"].accounts, ["Acme"]);
        assert_eq!(p.failing_trust["benevolence"], ["Acme"]);
        assert_eq!(p.mean_claim_gap, Some(2.0));
    }
}
