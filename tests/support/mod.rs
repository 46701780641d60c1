//! Builders shared by the engine's integration tests: a ready account, evidence items with
//! who, what and when filled in, and a passing stop-rule answer, so each test states only what
//! its rule is about.

#![allow(dead_code, reason = "each test file uses a different subset of the builders")]
#![allow(unreachable_pub, reason = "a test helper module; `pub` only reaches the test crate")]

use chrono::NaiveDate;
use relationship_ladder::method::activation::Money;
use relationship_ladder::method::design::{MoveKind, PlanInput};
use relationship_ladder::method::evidence::{EvidenceItem, StopRuleAnswer};
use relationship_ladder::method::process::{AccountInput, DiagnoseInput, Diagnosis};
use relationship_ladder::method::trust::TrustObservation;
use relationship_ladder::method::{
    Domain, Limits, Observation, Rule, Rung, TrustDimension, TrustSignal, diagnose,
};

/// The card date every test diagnoses on; METHOD.md's own example date (Q14).
pub fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn rung(n: u8) -> Rung {
    Rung::new(n).unwrap()
}

/// An observable item of kind `observation` dated `when`.
pub fn item(observation: &str, text: &str, when: &str) -> EvidenceItem {
    EvidenceItem {
        id: None,
        observation: Observation::from_id(observation)
            .unwrap_or_else(|| panic!("{observation} is not in the catalogue")),
        text: text.to_owned(),
        who: Some("Marcus Lee, Director of Operations".to_owned()),
        what: Some("recorded in the account plan".to_owned()),
        when: Some(when.parse().unwrap()),
        source: None,
    }
}

/// `n` observable items of one kind, dated inside the quarter.
pub fn items(observation: &str, n: usize) -> Vec<EvidenceItem> {
    (0..n)
        .map(|i| {
            item(observation, &format!("Observed event number {i} on the account"), "2026-11-10")
        })
        .collect()
}

pub fn passing_stop_rule() -> StopRuleAnswer {
    StopRuleAnswer {
        text: "Their dispatchers re-keyed exceptions by hand; we built an export in November."
            .to_owned(),
        need: Some("dispatchers re-keying exceptions by hand".to_owned()),
        action_taken: Some("built and shipped an exception export".to_owned()),
        when: Some("2026-11-12".parse().unwrap()),
        same_as: None,
    }
}

pub fn blank_stop_rule(text: &str) -> StopRuleAnswer {
    StopRuleAnswer {
        text: text.to_owned(),
        need: None,
        action_taken: None,
        when: None,
        same_as: None,
    }
}

pub fn account() -> AccountInput {
    AccountInput {
        name: "Northwind Logistics".to_owned(),
        domain: Domain::Saas,
        owner: "Dana Whitfield".to_owned(),
        relationship_owner: None,
        claimed_rung: None,
        acv: Some(Money {
            amount: 84_000.0,
            currency: "USD".to_owned(),
            period: Default::default(),
        }),
        customer_count: Some(140),
        arms_length: Default::default(),
        category_level_problem: false,
    }
}

pub fn input(evidence: Vec<EvidenceItem>) -> DiagnoseInput {
    DiagnoseInput {
        account: account(),
        date: date(),
        evidence,
        stop_rule: Some(passing_stop_rule()),
        proprietary_asset: None,
        trust: Vec::new(),
        overall_trust_score: None,
        barrier: None,
        plan: None,
        rationalizations: Vec::new(),
    }
}

pub fn plan(action: &str) -> PlanInput {
    PlanInput {
        target_rung: None,
        action: action.to_owned(),
        owner: "Priya Nair".to_owned(),
        due: day("2027-03-31"),
        success_evidence: "Northwind's planners cite our analysis in their Q2 planning deck"
            .to_owned(),
        trust_dependency: vec![TrustDimension::Competence],
        move_kind: MoveKind::Operational,
    }
}

pub fn good_plan() -> PlanInput {
    plan(
        "Assign Priya Nair to Northwind's monthly ops planning and build an exception-cost \
          analysis from their dispatch data",
    )
}

pub fn trust(signal: &str, when: &str) -> TrustObservation {
    TrustObservation {
        signal: TrustSignal::from_id(signal).unwrap(),
        text: "Recorded in the account log".to_owned(),
        who: Some("Marcus Lee".to_owned()),
        what: Some("the event, as recorded".to_owned()),
        when: Some(when.parse().unwrap()),
    }
}

/// A pass on all three trust dimensions, inside the quarter.
pub fn trust_all_pass() -> Vec<TrustObservation> {
    vec![
        trust("competence_delivered_as_committed", "2026-11-01"),
        trust("integrity_disclosed_own_mistake", "2026-11-02"),
        trust("benevolence_shared_bad_news_early", "2026-11-03"),
    ]
}

pub fn run(input: &DiagnoseInput) -> Diagnosis {
    diagnose(input, Limits::default()).unwrap_or_else(|e| panic!("refused: {e}"))
}

pub fn current(d: &Diagnosis) -> Option<Rung> {
    d.diagnose.as_ref().and_then(|x| x.standing.rung())
}

pub fn caps(d: &Diagnosis) -> Vec<Rule> {
    d.diagnose.as_ref().map(|x| x.caps.iter().map(|c| c.rule).collect()).unwrap_or_default()
}

pub fn tags(d: &Diagnosis) -> Vec<Option<Rung>> {
    d.diagnose.as_ref().map(|x| x.items.iter().map(|i| i.tag).collect()).unwrap_or_default()
}

pub fn item_rules(d: &Diagnosis, index: usize) -> Vec<Rule> {
    d.diagnose.as_ref().unwrap().items[index].findings.iter().map(|f| f.rule).collect()
}

pub fn all_rules(d: &Diagnosis) -> &[Rule] {
    &d.rules
}

pub fn example() -> DiagnoseInput {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/northwind-saas.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}
