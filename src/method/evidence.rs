//! Diagnose (R16–R22, Q14–Q21, Q32–Q33, Q36): from evidence items to the current rung, with
//! every cap and its reason.
//!
//! The pool holds only observable items (Q15). Each item's tag is its catalogue rung, lowered
//! when its own words read as a fake move or a red flag (Q16, Q34); the stricter reading wins
//! and the disagreement is reported. The rung is the highest N with three pool items tagged N
//! or higher (Q17), capped by the stop-rule and the red flags; a claimed rung is never evidence.

use std::sync::Arc;

use chrono::{Months, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::catalogue::Observation;
use super::date::{EvidenceDate, QUARTER_DAYS, TWO_QUARTER_DAYS};
use super::input::Checker;
use super::lexicon::{self, Cue};
use super::report::Finding;
use super::rules::Rule;
use super::rung::{Dimension, Rung};
use super::text::{self, Reading};

/// One piece of evidence, classified by the assistant, in the user's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceItem {
    /// A short id the stop-rule answer can refer to (`same_as`); optional.
    // Shared, not copied: the verdict on the item carries the same id.
    #[serde(default)]
    pub id: Option<Arc<str>>,
    /// The kind of observation, from the catalogue.
    pub observation: Observation,
    /// The user's own words for the item, unedited.
    pub text: String,
    /// Who did it: a named person or role on either side.
    #[serde(default)]
    pub who: Option<String>,
    /// What happened or what artefact exists, so someone outside the team could check it.
    #[serde(default)]
    pub what: Option<String>,
    /// When it happened (YYYY-MM-DD, or YYYY-MM).
    #[serde(default)]
    pub when: Option<EvidenceDate>,
    /// Where it is recorded (an email, a CRM note, a contract clause); optional.
    #[serde(default)]
    pub source: Option<String>,
}

/// The team's answer to "What specific unstated need did we address this quarter?" (R17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StopRuleAnswer {
    /// The answer in the team's own words; empty or "none" when they could not answer.
    pub text: String,
    /// The customer's need that the customer had not stated or asked for.
    #[serde(default)]
    pub need: Option<String>,
    /// What the vendor actually did about it (done, not planned).
    #[serde(default)]
    pub action_taken: Option<String>,
    /// When the vendor did it; must fall within the 90 days ending on the card date (Q14).
    #[serde(default)]
    pub when: Option<EvidenceDate>,
    /// The id of an evidence item that describes the same event, so it is counted once (Q18).
    #[serde(default)]
    pub same_as: Option<String>,
}

/// The customer-side role that owns the vendor relationship (R21d, Q20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OwnerRole {
    /// Procurement, purchasing, sourcing or vendor management.
    Procurement,
    /// IT operations or infrastructure operations.
    ItOperations,
    /// A strategy role.
    Strategy,
    /// A C-suite officer: CEO, COO, CFO, CTO, CIO, CPO, General Counsel.
    CSuite,
    /// Any other role, such as a line-of-business director.
    Other,
    /// Not known.
    #[default]
    Unknown,
}

/// The customer-side owner of the relationship.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationshipOwner {
    /// The owner's role, as the assistant classifies it.
    pub role: OwnerRole,
    /// The owner's title in the user's words ("Head of Strategic Sourcing"); checked against
    /// the role.
    #[serde(default)]
    pub title: Option<String>,
}

/// What a proprietary asset is made of (R24d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    /// Proprietary data.
    Data,
    /// A proprietary methodology.
    Methodology,
    /// Proprietary talent.
    Talent,
}

/// A proprietary asset the customer cannot source elsewhere (R22, V6, Q21).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProprietaryAsset {
    /// The asset, named specifically ("our anonymised benchmark of 340 mid-market plants").
    pub name: String,
    /// Data, methodology or talent.
    pub kind: AssetKind,
    /// Why the customer cannot get it elsewhere.
    pub why_unique: String,
}

/// A rationalization the team observed in real use, an `[O]` entry of the skill's table
/// (R36): wording that, wherever it appears in an item, holds the item at `tag` at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rationalization {
    /// The wording, as the team heard it ("they invited us to the offsite").
    pub phrase: String,
    /// The highest rung an item with that wording can count for.
    pub tag: Rung,
    /// What it really evidences, in the skill table's "Reality" column.
    pub reality: String,
}

/// How one evidence item was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ItemVerdict {
    /// The item's position in the input, from 0.
    pub index: usize,
    /// The item's id, if it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Arc<str>>,
    /// The assistant's classification.
    pub observation: Observation,
    /// The dimension it is evidence on.
    pub dimension: Option<Dimension>,
    /// The rung its classification evidences, before the text check.
    pub classified_rung: Option<Rung>,
    /// The rung it counts for after the text check; `None` when it is not counted.
    pub tag: Option<Rung>,
    /// The rule that fixed the tag: the catalogue's, or the one whose wording lowered it.
    pub rule: Rule,
    /// Whether someone outside the team could check it (Q15).
    pub observable: bool,
    /// Whether it falls within the 90 days ending on the card date (Q14).
    pub in_quarter: bool,
    /// What the engine noticed about the item.
    pub findings: Vec<Finding>,
}

/// A ceiling on the current rung, with the reason it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// The highest rung the account can be at while the cap holds.
    pub rung: Rung,
    /// The rule that sets it.
    pub rule: Rule,
    /// Why it holds for this account.
    pub reason: String,
}

/// How the stop-rule answer was judged (R17, Q10, Q18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct StopRuleVerdict {
    /// Whether the question was asked at all (V2).
    pub asked: bool,
    /// Whether the answer names an unstated need addressed this quarter (Q10); anything else
    /// counts as blank.
    pub passes: bool,
    /// The team's answer, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Why it passes or counts as blank.
    pub findings: Vec<Finding>,
    /// Whether a passing answer joined the pool as its own item (false when it repeats an
    /// evidence item, Q18).
    pub joined_pool: bool,
}

/// The current rung, or why there is none yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Standing {
    /// Evidence supports a rung.
    Confirmed {
        /// The current rung: the evidenced rung under every cap (Q17).
        rung: Rung,
    },
    /// Fewer than three observable items (V1, Q36): no rung, only a ceiling.
    Unconfirmed {
        /// The lowest cap that applies, if any.
        ceiling: Option<Rung>,
    },
}

impl Standing {
    /// The confirmed rung, if there is one.
    pub fn rung(self) -> Option<Rung> {
        match self {
            Standing::Confirmed { rung } => Some(rung),
            Standing::Unconfirmed { .. } => None,
        }
    }
}

/// Evidence on one of the four dimensions (Q32).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Coverage {
    /// The dimension.
    pub dimension: Dimension,
    /// How many counted items are on it.
    pub items: usize,
    /// The highest tag among them.
    pub highest: Option<Rung>,
    /// What would evidence the next rung on this dimension (Q16's guide).
    pub next_evidence: Option<String>,
}

/// The Diagnose step's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Diagnose {
    /// Each item as read, in input order.
    pub items: Vec<ItemVerdict>,
    /// The stop-rule answer as judged.
    pub stop_rule: StopRuleVerdict,
    /// How many items the pool holds, the stop-rule answer included.
    pub pool_size: usize,
    /// The rung the pool supports before caps (Q17); `None` with fewer than three items.
    pub evidenced: Option<Rung>,
    /// Every cap that holds, lowest first.
    pub caps: Vec<Cap>,
    /// The current rung or its absence.
    pub standing: Standing,
    /// The rung the team claimed, if it did (never evidence, R18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed: Option<Rung>,
    /// How many rungs the claim exceeds the evidence by.
    pub claim_gap: u8,
    /// Evidence per dimension.
    pub coverage: Vec<Coverage>,
    /// The relationship owner's role after the title check.
    pub owner_role: OwnerRole,
    /// Whether a valid proprietary asset was named (Q21).
    pub asset_valid: bool,
    /// Warnings about the evidence as a whole.
    pub findings: Vec<Finding>,
}

/// What Diagnose reads.
#[derive(Debug, Clone, Copy)]
pub struct DiagnoseFacts<'a> {
    /// The card date, which ends every window.
    pub date: NaiveDate,
    /// The evidence items.
    pub evidence: &'a [EvidenceItem],
    /// The stop-rule answer, if the question was asked.
    pub stop_rule: Option<&'a StopRuleAnswer>,
    /// The customer-side relationship owner.
    pub owner: Option<&'a RelationshipOwner>,
    /// The proprietary asset, if one was named.
    pub asset: Option<&'a ProprietaryAsset>,
    /// The rung the team claims.
    pub claimed: Option<Rung>,
    /// The team's observed rationalizations (R36).
    pub rationalizations: &'a [Rationalization],
}

/// The wording of each fake move, with its R20 rule and value (Q16).
const FAKE_CUES: [(Cue, Rule, Rung); 7] = [
    (Cue::FakeAccessibility, Rule::R20a, Rung::TWO),
    (Cue::FakeTenure, Rule::R20b, Rung::TWO),
    (Cue::FakeSatisfaction, Rule::R20c, Rung::ONE),
    (Cue::FakeGenericContent, Rule::R20d, Rung::TWO),
    (Cue::FakeDiscount, Rule::R20e, Rung::ONE),
    (Cue::FakeCaseStudy, Rule::R20f, Rung::ONE),
    (Cue::FakeVerbalLoyalty, Rule::R20g, Rung::ONE),
];

pub(crate) fn check_evidence(check: &mut Checker, evidence: &[EvidenceItem]) {
    check.count("evidence", evidence.len(), check.limits().evidence_items, "evidence items");
    for (i, item) in evidence.iter().enumerate() {
        check.opt_text(|| format!("evidence[{i}].id"), item.id.as_deref());
        check.text(|| format!("evidence[{i}].text"), &item.text);
        check.opt_text(|| format!("evidence[{i}].who"), item.who.as_deref());
        check.opt_text(|| format!("evidence[{i}].what"), item.what.as_deref());
        check.opt_text(|| format!("evidence[{i}].source"), item.source.as_deref());
    }
}

pub(crate) fn check_rationalizations(check: &mut Checker, list: &[Rationalization]) {
    check.count("rationalizations", list.len(), check.limits().evidence_items, "rationalizations");
    for (i, r) in list.iter().enumerate() {
        check.text(|| format!("rationalizations[{i}].phrase"), &r.phrase);
        check.text(|| format!("rationalizations[{i}].reality"), &r.reality);
        if text::word_count(&text::bare(&r.phrase).replace('#', "")) < 2 {
            check.refuse(
                format!("rationalizations[{i}].phrase"),
                format!("{:?} is too short to match only what the team meant", r.phrase),
                "a phrase of two words or more",
                Rule::R36,
            );
        }
    }
}

pub(crate) fn check_stop_rule(check: &mut Checker, answer: &StopRuleAnswer) {
    check.text(|| "stop_rule.text".into(), &answer.text);
    check.opt_text(|| "stop_rule.need".into(), answer.need.as_deref());
    check.opt_text(|| "stop_rule.action_taken".into(), answer.action_taken.as_deref());
    check.opt_text(|| "stop_rule.same_as".into(), answer.same_as.as_deref());
}

pub(crate) fn check_owner_and_asset(
    check: &mut Checker,
    owner: Option<&RelationshipOwner>,
    asset: Option<&ProprietaryAsset>,
) {
    if let Some(owner) = owner {
        check.opt_text(|| "account.relationship_owner.title".into(), owner.title.as_deref());
    }
    if let Some(asset) = asset {
        check.text(|| "proprietary_asset.name".into(), &asset.name);
        check.text(|| "proprietary_asset.why_unique".into(), &asset.why_unique);
    }
}

/// Runs Diagnose over facts that passed the input checks.
pub fn diagnose(facts: &DiagnoseFacts<'_>) -> Diagnose {
    let items: Vec<ItemVerdict> = facts
        .evidence
        .iter()
        .enumerate()
        .map(|(i, item)| read_item(i, item, facts.date, facts.rationalizations))
        .collect();
    let mut findings = Vec::new();

    // Q18: a passing stop-rule answer is one more pool item, tagged 3, unless it repeats one.
    let stop_rule = judge_stop_rule(facts.stop_rule, facts.evidence, &items, facts.date);
    let mut tags: Vec<Rung> = items.iter().filter_map(|v| v.tag).collect();
    if stop_rule.joined_pool {
        tags.push(Rung::THREE);
    }
    let evidenced = evidenced_rung(&tags);

    let (owner_role, owner_findings) = owner_role(facts.owner);
    findings.extend(owner_findings);
    let (asset_valid, asset_findings) = judge_asset(facts.asset);
    findings.extend(asset_findings);

    let caps = caps(facts, &items, &stop_rule, evidenced, owner_role, asset_valid);
    let lowest_cap = caps.iter().map(|c| c.rung).min();
    let standing = match evidenced {
        Some(e) => Standing::Confirmed { rung: lowest_cap.map_or(e, |c| c.min(e)) },
        None => Standing::Unconfirmed { ceiling: lowest_cap },
    };

    // R18, Q17.5: the claim is reported against the evidence, never used as evidence.
    let claim_gap = match (facts.claimed, standing.rung()) {
        (Some(claim), Some(rung)) => claim.get().saturating_sub(rung.get()),
        (Some(claim), None) => claim.get(),
        (None, _) => 0,
    };
    if let Some(claim) = facts.claimed.filter(|_| claim_gap > 0) {
        let evidenced_text =
            standing.rung().map_or("no rung yet (unconfirmed)".to_owned(), |r| format!("Rung {r}"));
        findings.push(Finding::at(
            Rule::R18,
            "account.claimed_rung",
            format!(
                "the team claims Rung {claim}; the evidence supports {evidenced_text}. Teams rate \
                 themselves about one rung too high; the claim is not evidence (Q17)"
            ),
        ));
    }

    let coverage = coverage(&items);
    for c in coverage.iter().filter(|c| c.items == 0) {
        findings.push(Finding::at(
            Rule::Q32,
            "evidence",
            format!("no evidence collected on {} (R16)", c.dimension),
        ));
    }
    if let Some(rung) = standing.rung() {
        findings.extend(age_warning(&items, &stop_rule, facts, rung));
    } else {
        findings.push(Finding::at(
            Rule::Q36,
            "evidence",
            format!(
                "{} observable item(s) in the pool; at least three are needed before any rung is \
                 confirmed (V1). Every active account is at least Rung 1, but it is not confirmed \
                 until the evidence says so",
                tags.len()
            ),
        ));
    }

    Diagnose {
        items,
        pool_size: tags.len(),
        stop_rule,
        evidenced,
        caps,
        standing,
        claimed: facts.claimed,
        claim_gap,
        coverage,
        owner_role,
        asset_valid,
        findings,
    }
}

/// The rung three pool items support (Q17): the highest N with at least three tags ≥ N.
pub fn evidenced_rung(tags: &[Rung]) -> Option<Rung> {
    Rung::ALL.iter().rev().copied().find(|n| tags.iter().filter(|t| *t >= n).count() >= 3)
}

fn read_item(
    index: usize,
    item: &EvidenceItem,
    date: NaiveDate,
    observed: &[Rationalization],
) -> ItemVerdict {
    let spec = item.observation.spec();
    let field = |name: &str| super::report::field_path("evidence", index, name);
    let mut findings = Vec::new();
    let fields = std::iter::once(item.text.as_str()).chain(item.what.as_deref());
    let cues = text::scan_fields(fields, Reading::Evidence);

    // Q15: observable means an event someone outside the team could check: who did what.
    let mut observable = spec.rung.is_some();
    if spec.rung.is_none() {
        findings.push(Finding::at(
            Rule::Q15,
            field("observation"),
            "team opinion is kept on record but never counted as evidence",
        ));
    }
    let missing = |v: &Option<String>| v.as_deref().is_none_or(text::is_blank);
    if text::is_blank(&item.text) {
        observable = false;
        findings.push(Finding::at(Rule::Q15, field("text"), "blank text carries no evidence"));
    }
    for (name, value) in [("who", &item.who), ("what", &item.what)] {
        if spec.rung.is_some() && missing(value) {
            observable = false;
            findings.push(Finding::at(
                Rule::Q15,
                field(name),
                format!(
                    "no {name}: an item counts only when someone outside the team could check \
                         who did what; ask the user for it"
                ),
            ));
        }
    }
    for (cue, why) in [
        (Cue::Opinion, "reads as opinion or belief"),
        (Cue::Planned, "describes something planned, not done"),
    ] {
        if let Some(phrase) = cues.phrase(cue).filter(|_| spec.rung.is_some()) {
            observable = false;
            findings.push(Finding::at(
                Rule::Q15,
                field("text"),
                format!(
                    "the text {why} (\"{phrase}\"): not counted, whatever its classification \
                         (Q34, the stricter reading wins)"
                ),
            ));
        }
    }

    // Q16, Q34: the item's own words can lower its tag, never raise it.
    let mut tag = spec.rung;
    let mut rule_of_tag = spec.rule;
    for (cue, rule, value) in FAKE_CUES {
        let Some(phrase) = cues.phrase(cue) else { continue };
        if item.observation.fake_move() == Some(rule) || tag.is_none_or(|t| t <= value) {
            continue;
        }
        tag = Some(value);
        rule_of_tag = rule;
        findings.push(Finding::at(
            rule,
            field("text"),
            format!(
                "classified as {} but the text reads as the fake move {rule} (\"{phrase}\", {}): \
                 tagged Rung {value}, the stricter reading (Q34)",
                item.observation,
                rule.summary()
            ),
        ));
    }
    // R36: the team's own observed rationalizations hold an item down like the designed ones.
    for r in observed {
        let said = text::contains_phrase(&item.text, &r.phrase)
            || item.what.as_deref().is_some_and(|w| text::contains_phrase(w, &r.phrase));
        if said && tag.is_some_and(|t| t > r.tag) {
            tag = Some(r.tag);
            rule_of_tag = Rule::R36;
            findings.push(Finding::at(
                Rule::R36,
                field("text"),
                format!(
                    "matches the team's observed rationalization \"{}\": {} (tagged Rung {})",
                    r.phrase, r.reality, r.tag
                ),
            ));
        }
    }
    if let Some(phrase) = cues.phrase(Cue::AfterPublic)
        && tag.is_some_and(|t| t > Rung::TWO)
    {
        tag = Some(Rung::TWO);
        rule_of_tag = Rule::R21c;
        findings.push(Finding::at(
            Rule::R21c,
            field("text"),
            format!(
                "the text says it was shared after it was public (\"{phrase}\"): that is \
                     PR, not partnership; tagged Rung 2 (Q16)"
            ),
        ));
    }
    if let Some(phrase) = cues.phrase(Cue::TicketsOnly)
        && item.observation != Observation::TicketsAndInvoicesOnly
    {
        tag = tag.map(|t| t.min(Rung::ONE));
        rule_of_tag = Rule::R21b;
        findings.push(Finding::at(
            Rule::R21b,
            field("text"),
            format!(
                "the text says customer contact is only tickets and invoicing \
                     (\"{phrase}\"): red flag raised, tagged Rung 1 (Q34)"
            ),
        ));
    }
    if item.when.is_none() && observable {
        findings.push(Finding::at(
            Rule::Q14,
            field("when"),
            "no date: the item counts for the rung but cannot show anything happened this \
             quarter (Q33)",
        ));
    }

    ItemVerdict {
        index,
        id: item.id.clone(),
        observation: item.observation,
        dimension: spec.dimension,
        classified_rung: spec.rung,
        tag: tag.filter(|_| observable),
        rule: rule_of_tag,
        observable,
        in_quarter: item.when.is_some_and(|w| w.within(date, QUARTER_DAYS)),
        findings,
    }
}

fn judge_stop_rule(
    answer: Option<&StopRuleAnswer>,
    evidence: &[EvidenceItem],
    items: &[ItemVerdict],
    date: NaiveDate,
) -> StopRuleVerdict {
    let Some(answer) = answer else {
        return StopRuleVerdict {
            asked: false,
            passes: false,
            answer: None,
            findings: vec![Finding::at(
                Rule::V2,
                "stop_rule",
                "the stop-rule was not asked: ask \"What specific unstated need did we address \
                 this quarter?\". Until it is answered the account is capped at Rung 2 (R17)",
            )],
            joined_pool: false,
        };
    };
    let mut findings = Vec::new();
    let mut fail = |field: &str, why: String| {
        findings.push(Finding::at(Rule::Q10, format!("stop_rule.{field}"), why));
    };

    // Q10: a need the customer had not stated, what was done about it, not a fake move, and
    // inside the quarter window; anything else counts as blank.
    if text::is_blank(&answer.text) {
        fail("text", "blank: the team could not name an unstated need (Q8)".to_owned());
    } else {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(text::is_blank);
        if blank(&answer.need) {
            fail("need", "no specific need of this customer is named".to_owned());
        }
        if blank(&answer.action_taken) {
            fail("action_taken", "nothing the vendor actually did is named".to_owned());
        }
        let fields = std::iter::once(answer.text.as_str()).chain(answer.action_taken.as_deref());
        let cues = text::scan_fields(fields, Reading::Evidence);
        if let Some(phrase) = cues.phrase(Cue::Planned) {
            fail("action_taken", format!("it is planned, not done (\"{phrase}\")"));
        }
        for (cue, rule, _) in FAKE_CUES {
            if let Some(phrase) = cues.phrase(cue) {
                fail("text", format!("it reads as the fake move {rule} (\"{phrase}\")"));
            }
        }
        match answer.when {
            None => fail("when", "no date: it cannot be placed inside this quarter (Q14)".into()),
            Some(when) if !when.within(date, QUARTER_DAYS) => fail(
                "when",
                format!("{when} is outside the 90 days ending on the card date {date} (Q14)"),
            ),
            Some(_) => {}
        }
    }
    let passes = findings.is_empty();
    let repeats = passes && repeats_item(answer, evidence, items);
    if passes {
        findings.push(Finding::at(
            Rule::Q18,
            "stop_rule",
            if repeats {
                "passes; it describes an event already in the evidence, so it is counted once"
            } else {
                "passes: it joins the evidence pool as one item tagged Rung 3"
            },
        ));
    } else {
        findings.push(Finding::at(
            Rule::R17,
            "stop_rule",
            "counts as blank: the account is capped at Rung 2",
        ));
    }
    StopRuleVerdict {
        asked: true,
        passes,
        answer: (!answer.text.is_empty()).then(|| answer.text.clone()),
        findings,
        joined_pool: passes && !repeats,
    }
}

/// Whether the answer describes an event already counted in the pool (Q18). An item that is
/// not counted does not stand in for the answer, or the event would count zero times.
fn repeats_item(answer: &StopRuleAnswer, evidence: &[EvidenceItem], items: &[ItemVerdict]) -> bool {
    let folded = text::fold(&answer.text);
    evidence.iter().zip(items).filter(|(_, v)| v.tag.is_some()).any(|(e, _)| {
        let same_id = answer.same_as.is_some() && e.id.as_deref() == answer.same_as.as_deref();
        same_id || text::same_as_folded(&e.text, &folded)
    })
}

fn owner_role(owner: Option<&RelationshipOwner>) -> (OwnerRole, Vec<Finding>) {
    let field = "account.relationship_owner";
    let Some(owner) = owner else {
        let f = Finding::at(
            Rule::Q20,
            field,
            "relationship owner unknown: the Rung 3 ceiling of \
            R21d was not evaluated",
        );
        return (OwnerRole::Unknown, vec![f]);
    };
    let mut findings = Vec::new();
    let mut role = owner.role;

    // Q20, Q34: a title that names procurement or IT operations holds the ceiling, whatever
    // the classification says.
    let cues =
        owner.title.as_deref().map(|t| text::scan_for(t, Reading::Title)).unwrap_or_default();
    let from_title = if cues.has(Cue::Procurement) {
        Some((OwnerRole::Procurement, Cue::Procurement))
    } else if cues.has(Cue::ItOperations) {
        Some((OwnerRole::ItOperations, Cue::ItOperations))
    } else {
        None
    };
    // A title that also names an officer ("Chief Procurement Officer") keeps a C-suite or
    // strategy classification: Q20 lists the officers as carrying no ceiling.
    let officer =
        cues.has(Cue::Executive) && matches!(role, OwnerRole::CSuite | OwnerRole::Strategy);
    if let Some((_, cue)) = from_title.filter(|_| officer) {
        findings.push(Finding::at(
            Rule::Q20,
            format!("{field}.title"),
            format!(
                "the title names both an officer and a ceiling role (\"{}\"): kept as {role:?}, \
                 which carries no ceiling; check who really owns the relationship",
                cues.phrase(cue).unwrap_or_default()
            ),
        ));
    }
    if let Some((title_role, cue)) = from_title
        && !officer
        && !matches!(role, OwnerRole::Procurement | OwnerRole::ItOperations)
    {
        findings.push(Finding::at(
            Rule::Q20,
            format!("{field}.title"),
            format!(
                "the role was given as {role:?} but the title names {} (\"{}\"): the stricter \
                     reading holds (Q34)",
                if title_role == OwnerRole::Procurement { "procurement" } else { "IT operations" },
                cues.phrase(cue).unwrap_or_default()
            ),
        ));
        role = title_role;
    }
    if role == OwnerRole::Unknown {
        findings.push(Finding::at(
            Rule::Q20,
            field,
            "role unknown: the Rung 3 ceiling of R21d \
            was not evaluated",
        ));
    }
    (role, findings)
}

fn judge_asset(asset: Option<&ProprietaryAsset>) -> (bool, Vec<Finding>) {
    let Some(asset) = asset else { return (false, Vec::new()) };
    let mut findings = Vec::new();
    if text::is_blank(&asset.name) || text::is_one_of(&asset.name, &lexicon::GENERIC_ASSETS) {
        findings.push(Finding::at(
            Rule::Q21,
            "proprietary_asset.name",
            format!(
                "{:?} names nothing the customer could not source elsewhere: name the \
                     specific data, methodology or talent",
                asset.name
            ),
        ));
    }
    if text::is_blank(&asset.why_unique) || text::word_count(&asset.why_unique) < 4 {
        findings.push(Finding::at(
            Rule::Q21,
            "proprietary_asset.why_unique",
            "give the reason the customer cannot get it elsewhere, in a sentence",
        ));
    }
    (findings.is_empty(), findings)
}

fn caps(
    facts: &DiagnoseFacts<'_>,
    items: &[ItemVerdict],
    stop_rule: &StopRuleVerdict,
    evidenced: Option<Rung>,
    owner_role: OwnerRole,
    asset_valid: bool,
) -> Vec<Cap> {
    let mut caps = Vec::new();

    // R17: a stop-rule that is blank, fails Q10 or was never asked caps at 2.
    if !stop_rule.passes {
        let reason = if stop_rule.asked {
            "the team could not name a specific unstated need addressed this quarter"
        } else {
            "the stop-rule question was not asked"
        };
        caps.push(Cap { rung: Rung::TWO, rule: Rule::R17, reason: reason.to_owned() });
    }

    // R21a, Q19: blank stop-rule and no unrequested need addressed in two quarters.
    let recent_need = facts.evidence.iter().zip(items).any(|(item, verdict)| {
        item.observation.shows_unstated_need()
            && verdict.tag.is_some_and(|t| t >= Rung::THREE)
            && item.when.is_some_and(|w| w.within(facts.date, TWO_QUARTER_DAYS))
    });
    if stop_rule.asked && !stop_rule.passes && !recent_need {
        caps.push(Cap {
            rung: Rung::TWO,
            rule: Rule::R21a,
            reason: "no unstated need addressed in the 180 days ending on the card date: a Rung 2 \
                     ceiling that persists"
                .to_owned(),
        });
    }

    // R21b, Q19: contact only through tickets and invoices; no strategic dialogue.
    let tickets_only = items.iter().filter(|v| v.observable).any(|v| {
        v.observation == Observation::TicketsAndInvoicesOnly
            || v.findings.iter().any(|f| f.rule == Rule::R21b)
    });
    if tickets_only {
        caps.push(Cap {
            rung: Rung::THREE,
            rule: Rule::R21b,
            reason: "customer-initiated contact is only support tickets and invoicing: there is \
                     no strategic dialogue"
                .to_owned(),
        });
    }

    // R21d, Q20: a relationship owned by procurement or IT operations.
    if matches!(owner_role, OwnerRole::Procurement | OwnerRole::ItOperations) {
        let who =
            if owner_role == OwnerRole::Procurement { "procurement" } else { "IT operations" };
        caps.push(Cap {
            rung: Rung::THREE,
            rule: Rule::R21d,
            reason: format!(
                "the customer's relationship owner sits in {who}, not strategy or the \
                             C-suite: a structural ceiling"
            ),
        });
    }

    // R22, Q21, V6: Rung 4 or 5, evidenced or claimed, needs a valid proprietary asset.
    let high = evidenced.is_some_and(|e| e >= Rung::FOUR)
        || facts.claimed.is_some_and(|c| c >= Rung::FOUR);
    if high && !asset_valid {
        caps.push(Cap {
            rung: Rung::THREE,
            rule: Rule::R22,
            reason: "Rung 4 or 5 without a named proprietary asset the customer cannot source \
                     elsewhere (V6)"
                .to_owned(),
        });
    }

    caps.sort_by_key(|c| c.rung);
    caps
}

fn coverage(items: &[ItemVerdict]) -> Vec<Coverage> {
    Dimension::ALL
        .iter()
        .map(|&dimension| {
            let tags: Vec<Rung> = items
                .iter()
                .filter(|v| v.dimension == Some(dimension))
                .filter_map(|v| v.tag)
                .collect();
            let highest = tags.iter().max().copied();
            let next = highest.map_or(Some(Rung::TWO), Rung::next);
            Coverage {
                dimension,
                items: tags.len(),
                highest,
                next_evidence: next.map(|r| format!("Rung {r}: {}", dimension.guide(r))),
            }
        })
        .collect()
}

fn age_warning(
    items: &[ItemVerdict],
    stop_rule: &StopRuleVerdict,
    facts: &DiagnoseFacts<'_>,
    rung: Rung,
) -> Option<Finding> {
    // Q33, R32: rung evidence has no expiry, but fewer than three supporting items in the last
    // twelve months is a warning.
    let start = facts.date.checked_sub_months(Months::new(12))?;
    let recent = facts
        .evidence
        .iter()
        .zip(items)
        .filter(|(_, v)| v.tag.is_some_and(|t| t >= rung))
        .filter(|(item, _)| {
            item.when.is_some_and(|w| w.first_day() >= start && w.last_day() <= facts.date)
        })
        .count()
        + usize::from(stop_rule.joined_pool && rung <= Rung::THREE);
    (recent < 3).then(|| {
        Finding::at(
            Rule::Q33,
            "evidence",
            format!(
                "only {recent} item(s) supporting Rung {rung} fall within the 12 months ending on \
                 {}: evidence is ageing; collect recent items",
                facts.date
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q17_the_evidenced_rung_needs_three_items_at_or_above_it() {
        let r = |n| Rung::new(n).unwrap();
        assert_eq!(evidenced_rung(&[]), None);
        assert_eq!(evidenced_rung(&[r(5), r(5)]), None);
        assert_eq!(evidenced_rung(&[r(1), r(1), r(1)]), Some(r(1)));
        assert_eq!(evidenced_rung(&[r(4), r(3), r(2), r(5)]), Some(r(3)));
        assert_eq!(evidenced_rung(&[r(4), r(4), r(4), r(1)]), Some(r(4)));
    }
}
