//! Activation (R3–R8, Q1–Q6, Q37): from the facts of a request to activate, decline or ask, and
//! which mode to run in.
//!
//! Exclusions are checked first and all of them are reported (Q1, R7): a vendor with a $300 ACV
//! and seven customers hears both reasons at once. Missing facts are asked for rather than
//! assumed (Q2, Q4), and a team's impression of arms-length is confirmed with the user rather
//! than acted on (Q3).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Checker, InputErrors, Limits};
use super::report::{Handoff, Skill};
use super::rules::Rule;

/// An annual contract value as given by the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// The amount, in `currency`, per `period`.
    pub amount: f64,
    /// ISO 4217 code. Only USD is compared with the $500 threshold; any other currency is asked
    /// for again in USD, since the engine does not guess exchange rates (Q2).
    #[serde(default = "usd")]
    pub currency: String,
    /// Whether the amount is per year or per month (monthly is multiplied by 12, Q2).
    #[serde(default)]
    pub period: Period,
}

fn usd() -> String {
    "USD".to_owned()
}

/// The period of a contract value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Per year.
    #[default]
    Annual,
    /// Per month.
    Monthly,
}

/// Whether the customer prefers an arms-length vendor relationship (R5, Q3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArmsLength {
    /// Nothing has been said either way.
    #[default]
    NoneStated,
    /// The customer said or wrote it, or a customer policy requires it.
    Explicit,
    /// The team's impression only ("they never come to our events").
    Inferred,
}

/// An activation trigger (R3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// T1: a key-account renewal is at risk and the team cannot explain why the customer
    /// values them.
    RenewalAtRisk,
    /// T2: someone asks how to become a strategic partner.
    BecomeStrategicPartner,
    /// T3: a CSM needs to know where a relationship really stands.
    WhereDoWeStand,
    /// T4: the team says it is strategic but delivered no proactive insight this quarter.
    ClaimedStrategicNoInsight,
    /// T5: a deal was lost on relationship although the product was best.
    LostOnRelationship,
    /// T6: the board asks how to become indispensable to the top accounts.
    BecomeIndispensable,
}

impl Trigger {
    /// The trigger's id in METHOD.md.
    pub fn rule(self) -> Rule {
        match self {
            Trigger::RenewalAtRisk => Rule::T1,
            Trigger::BecomeStrategicPartner => Rule::T2,
            Trigger::WhereDoWeStand => Rule::T3,
            Trigger::ClaimedStrategicNoInsight => Rule::T4,
            Trigger::LostOnRelationship => Rule::T5,
            Trigger::BecomeIndispensable => Rule::T6,
        }
    }
}

/// A consumer-book industry with a ladder of its own (Q37, METHOD.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrontDoor {
    /// An insurance agent working a household or small-business book.
    Insurance,
    /// A real-estate agent working a sphere of influence.
    Realtor,
    /// A travel advisor working repeat clients.
    Travel,
}

/// The facts activation is decided on. Unknown facts are left out, not guessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivationFacts {
    /// The annual contract value of the account being diagnosed (Q2: wins over the typical
    /// value when both are known).
    #[serde(default)]
    pub account_acv: Option<Money>,
    /// The typical ACV across the vendor's base, used when the account's own is unknown (Q2).
    #[serde(default)]
    pub typical_acv: Option<Money>,
    /// The vendor's number of paying customer accounts; a group counts once (Q4).
    #[serde(default)]
    pub customer_count: Option<u64>,
    /// Whether the customer prefers an arms-length relationship (Q3).
    #[serde(default)]
    pub arms_length: ArmsLength,
    /// The situations that bring the user here (R3); hints, not requirements (Q5).
    #[serde(default)]
    pub triggers: Vec<Trigger>,
    /// The user asked for the ladder to be run on an account (Q5: enough on its own).
    #[serde(default)]
    pub explicit_request: bool,
    /// The user is unfamiliar with the method (R8, Q6).
    #[serde(default)]
    pub new_to_method: bool,
    /// The user asked for engine mode although new to the method (Q6).
    #[serde(default)]
    pub wants_engine: bool,
    /// The user works a consumer book in one of the industries with a ladder of its own (Q37).
    #[serde(default)]
    pub front_door: Option<FrontDoor>,
}

/// What activation decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Run the method, in `mode`.
    Activate,
    /// Do not run the method: see the exclusions.
    Decline,
    /// A fact is missing or unsettled: ask the questions, then check again.
    Ask,
}

/// Which mode the method runs in (R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The user brings a concrete account: run Diagnose, Design, Deploy and Trust.
    Engine,
    /// The user is unfamiliar with the method: the step-by-step coach.
    Coach,
}

/// A reason not to activate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Exclusion {
    /// The exclusion's rule.
    pub rule: Rule,
    /// Why it holds, with the user's figure.
    pub reason: String,
}

/// A fact to ask the user for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Question {
    /// The input field the answer goes into.
    pub field: String,
    /// The question to put to the user.
    pub question: String,
    /// The rule that needs the fact.
    pub rule: Rule,
}

/// The outcome of an activation check.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Activation {
    /// Activate, decline or ask.
    pub decision: Decision,
    /// The mode, when activating.
    pub mode: Option<Mode>,
    /// Every exclusion that holds (Q1).
    pub exclusions: Vec<Exclusion>,
    /// The facts still needed before activating.
    pub questions: Vec<Question>,
    /// Skills to run instead or first.
    pub handoffs: Vec<Handoff>,
    /// The ACV compared with the threshold, in USD per year, when known.
    pub acv_usd: Option<f64>,
    /// The triggers present, by id (R3).
    pub triggers: Vec<Rule>,
    /// Every rule the decision applied.
    pub rules: Vec<Rule>,
}

impl Activation {
    /// The same outcome with each question's field named by `field`: for a caller whose
    /// arguments spell the facts differently (the coach's `acv`, the diagnosis's
    /// `account.acv`), so the question says which argument the answer goes into.
    pub fn naming_fields(mut self, field: &dyn Fn(&str) -> String) -> Self {
        for q in &mut self.questions {
            q.field = field(&q.field);
        }
        self
    }
}

/// The ACV under which Rungs 3–5 are structurally impossible (R4).
pub const ACV_THRESHOLD_USD: f64 = 500.0;
/// The customer count under which `lean-startup` comes first (R6).
pub const MIN_CUSTOMERS: u64 = 10;

/// Checks the facts' form before they are used. `field` names a fact (`account_acv`) as the
/// caller's input spells it, so a refusal names the field the caller sent.
pub fn validate(
    facts: &ActivationFacts,
    field: &dyn Fn(&str) -> String,
) -> Result<(), InputErrors> {
    let mut check = Checker::new(Limits::default());
    check_facts(&mut check, facts, field);
    check.finish()
}

pub(crate) fn check_facts(
    check: &mut Checker,
    facts: &ActivationFacts,
    field: &dyn Fn(&str) -> String,
) {
    for (name, money) in [("account_acv", &facts.account_acv), ("typical_acv", &facts.typical_acv)]
    {
        let Some(money) = money else { continue };
        if !money.amount.is_finite() || money.amount < 0.0 {
            check.refuse(
                format!("{}.amount", field(name)),
                format!("{} is not an amount", money.amount),
                "a number of zero or more",
                Rule::Q2,
            );
        }
        let code = &money.currency;
        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_alphabetic()) {
            check.refuse(
                format!("{}.currency", field(name)),
                format!("{code:?} is not a currency code"),
                "a three-letter ISO 4217 code such as USD",
                Rule::Q2,
            );
        }
    }
}

/// Decides activation (R3–R8, Q1–Q6, Q37). The facts must have passed [`validate`].
pub fn activate(facts: &ActivationFacts) -> Activation {
    let mut rules = vec![Rule::Q1];
    let mut exclusions = Vec::new();
    let mut questions = Vec::new();
    let mut handoffs = Vec::new();

    // Q37: consumer-book industries go to their own front door before anything else.
    if let Some(door) = facts.front_door {
        let skill = match door {
            FrontDoor::Insurance => Skill::InsuranceRenewalRetentionLadder,
            FrontDoor::Realtor => Skill::RealtorSphereOfInfluenceLadder,
            FrontDoor::Travel => Skill::TravelRepeatClientLadder,
        };
        exclusions.push(Exclusion {
            rule: Rule::Q37,
            reason: "a consumer book has rungs of its own; this engine's five B2B rungs do not \
                     apply"
                .to_owned(),
        });
        handoffs.push(Handoff::new(skill, Rule::Q37, "its front door owns this kind of book"));
        rules.push(Rule::Q37);
    }

    // R4, Q2: the account's own ACV wins; monthly figures are annualised; USD only.
    let acv = facts.account_acv.as_ref().or(facts.typical_acv.as_ref());
    let acv_usd = acv.filter(|m| m.currency.eq_ignore_ascii_case("USD")).map(|m| match m.period {
        Period::Annual => m.amount,
        Period::Monthly => m.amount * 12.0,
    });
    rules.push(Rule::Q2);
    match (acv, acv_usd) {
        (None, _) => questions.push(Question {
            field: "account_acv".to_owned(),
            question: "What is this account's annual contract value, in US dollars?".to_owned(),
            rule: Rule::Q2,
        }),
        (Some(m), None) => questions.push(Question {
            field: "account_acv".to_owned(),
            question: format!(
                "What is the annual contract value in US dollars? ({} {} was given; the engine \
                 does not convert currencies.)",
                m.amount, m.currency
            ),
            rule: Rule::Q2,
        }),
        (Some(_), Some(usd)) if usd < ACV_THRESHOLD_USD => {
            exclusions.push(Exclusion {
                rule: Rule::R4,
                reason: format!(
                    "an ACV of ${usd:.2} a year is under $500: at that value Rungs 3 to 5 are \
                     structurally impossible"
                ),
            });
            rules.push(Rule::R4);
        }
        (Some(_), Some(_)) => rules.push(Rule::R4),
    }

    // R5, Q3: only the customer's explicit preference excludes; an impression is confirmed.
    rules.push(Rule::Q3);
    match facts.arms_length {
        ArmsLength::Explicit => {
            exclusions.push(Exclusion {
                rule: Rule::R5,
                reason: "the customer explicitly prefers an arms-length vendor relationship"
                    .to_owned(),
            });
            rules.push(Rule::R5);
        }
        ArmsLength::Inferred => questions.push(Question {
            field: "arms_length".to_owned(),
            question: "Has the customer itself said or written that it prefers an arms-length \
                       vendor relationship, or is that the team's impression?"
                .to_owned(),
            rule: Rule::Q3,
        }),
        ArmsLength::NoneStated => {}
    }

    // R6, Q4: fewer than ten paying customers hands off to lean-startup.
    rules.push(Rule::Q4);
    match facts.customer_count {
        None => questions.push(Question {
            field: "customer_count".to_owned(),
            question: "How many paying customer accounts does the vendor have (a group counts \
                       once)?"
                .to_owned(),
            rule: Rule::Q4,
        }),
        Some(n) if n < MIN_CUSTOMERS => {
            exclusions.push(Exclusion {
                rule: Rule::R6,
                reason: format!("{n} paying customers is fewer than 10"),
            });
            handoffs.push(Handoff::new(
                Skill::LeanStartup,
                Rule::R6,
                "with fewer than 10 customers, find a repeatable customer first",
            ));
            rules.push(Rule::R6);
        }
        Some(_) => rules.push(Rule::R6),
    }

    // Q5: a trigger or an explicit request is enough; with neither, ask what brings the user.
    rules.push(Rule::Q5);
    let triggers: Vec<Rule> = facts.triggers.iter().map(|t| t.rule()).collect();
    if triggers.is_empty() && !facts.explicit_request {
        questions.push(Question {
            field: "triggers".to_owned(),
            question: "What brings you to the ladder: a renewal at risk, a lost deal, a wish to \
                       become a strategic partner, or a request to diagnose a specific account?"
                .to_owned(),
            rule: Rule::Q5,
        });
    }

    // R7, Q1: any exclusion declines, whatever else holds.
    let decision = if !exclusions.is_empty() {
        rules.push(Rule::R7);
        Decision::Decline
    } else if !questions.is_empty() {
        Decision::Ask
    } else {
        Decision::Activate
    };
    let mode = (decision == Decision::Activate).then(|| {
        rules.push(Rule::Q6);
        if facts.new_to_method && !facts.wants_engine { Mode::Coach } else { Mode::Engine }
    });
    if decision == Decision::Activate {
        rules.push(Rule::R8);
    }
    if decision == Decision::Decline {
        questions.clear();
    }

    Activation { decision, mode, exclusions, questions, handoffs, acv_usd, triggers, rules }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: f64) -> Option<Money> {
        Some(Money { amount, currency: "USD".into(), period: Period::Annual })
    }

    fn ready() -> ActivationFacts {
        ActivationFacts {
            account_acv: usd(48_000.0),
            customer_count: Some(120),
            explicit_request: true,
            ..ActivationFacts::default()
        }
    }

    #[test]
    fn r3_any_trigger_is_enough() {
        for trigger in [
            Trigger::RenewalAtRisk,
            Trigger::BecomeStrategicPartner,
            Trigger::WhereDoWeStand,
            Trigger::ClaimedStrategicNoInsight,
            Trigger::LostOnRelationship,
            Trigger::BecomeIndispensable,
        ] {
            let facts =
                ActivationFacts { explicit_request: false, triggers: vec![trigger], ..ready() };
            let a = activate(&facts);
            assert_eq!(a.decision, Decision::Activate, "{trigger:?}");
            assert_eq!(a.triggers, vec![trigger.rule()]);
        }
    }

    #[test]
    fn r4_acv_under_500_declines_and_500_exactly_does_not() {
        let a = activate(&ActivationFacts { account_acv: usd(499.99), ..ready() });
        assert_eq!(a.decision, Decision::Decline);
        assert_eq!(a.exclusions[0].rule, Rule::R4);
        let a = activate(&ActivationFacts { account_acv: usd(500.0), ..ready() });
        assert_eq!(a.decision, Decision::Activate);
    }

    #[test]
    fn q2_monthly_is_annualised_and_the_account_figure_wins() {
        let monthly = Money { amount: 40.0, currency: "USD".into(), period: Period::Monthly };
        let a = activate(&ActivationFacts { account_acv: Some(monthly), ..ready() });
        assert_eq!(a.acv_usd, Some(480.0));
        assert_eq!(a.decision, Decision::Decline);
        let a = activate(&ActivationFacts {
            account_acv: usd(9_000.0),
            typical_acv: usd(200.0),
            ..ready()
        });
        assert_eq!(a.decision, Decision::Activate);
        let a =
            activate(&ActivationFacts { account_acv: None, typical_acv: usd(200.0), ..ready() });
        assert_eq!(a.decision, Decision::Decline);
    }

    #[test]
    fn q2_non_usd_and_unknown_acv_are_asked_for() {
        let eur = Money { amount: 9_000.0, currency: "EUR".into(), period: Period::Annual };
        let a = activate(&ActivationFacts { account_acv: Some(eur), ..ready() });
        assert_eq!(a.decision, Decision::Ask);
        assert_eq!(a.questions[0].field, "account_acv");
        assert!(a.questions[0].question.contains("EUR"));
        let a = activate(&ActivationFacts { account_acv: None, ..ready() });
        assert_eq!(a.decision, Decision::Ask);
    }

    #[test]
    fn r5_explicit_arms_length_declines_and_q3_inferred_asks() {
        let a = activate(&ActivationFacts { arms_length: ArmsLength::Explicit, ..ready() });
        assert_eq!(a.decision, Decision::Decline);
        assert_eq!(a.exclusions[0].rule, Rule::R5);
        let a = activate(&ActivationFacts { arms_length: ArmsLength::Inferred, ..ready() });
        assert_eq!(a.decision, Decision::Ask);
        assert_eq!(a.questions[0].rule, Rule::Q3);
    }

    #[test]
    fn r6_nine_customers_declines_with_lean_startup_and_ten_proceeds() {
        let a = activate(&ActivationFacts { customer_count: Some(9), ..ready() });
        assert_eq!(a.decision, Decision::Decline);
        assert_eq!(a.exclusions[0].rule, Rule::R6);
        assert_eq!(a.handoffs[0].skill, Skill::LeanStartup);
        let a = activate(&ActivationFacts { customer_count: Some(10), ..ready() });
        assert_eq!(a.decision, Decision::Activate);
        let a = activate(&ActivationFacts { customer_count: None, ..ready() });
        assert_eq!(a.decision, Decision::Ask);
    }

    #[test]
    fn r7_q1_exclusions_override_triggers_and_all_are_reported() {
        let facts = ActivationFacts {
            account_acv: usd(300.0),
            customer_count: Some(7),
            arms_length: ArmsLength::Explicit,
            triggers: vec![Trigger::RenewalAtRisk, Trigger::LostOnRelationship],
            ..ready()
        };
        let a = activate(&facts);
        assert_eq!(a.decision, Decision::Decline);
        let rules: Vec<Rule> = a.exclusions.iter().map(|e| e.rule).collect();
        assert_eq!(rules, [Rule::R4, Rule::R5, Rule::R6]);
        assert!(a.rules.contains(&Rule::R7));
        assert!(a.questions.is_empty());
    }

    #[test]
    fn r8_q6_unfamiliar_users_get_the_coach_unless_they_ask_for_the_engine() {
        assert_eq!(activate(&ready()).mode, Some(Mode::Engine));
        let novice = ActivationFacts { new_to_method: true, ..ready() };
        assert_eq!(activate(&novice).mode, Some(Mode::Coach));
        let insists = ActivationFacts { new_to_method: true, wants_engine: true, ..ready() };
        assert_eq!(activate(&insists).mode, Some(Mode::Engine));
    }

    #[test]
    fn q5_no_trigger_and_no_request_asks_what_brings_the_user() {
        let a = activate(&ActivationFacts { explicit_request: false, ..ready() });
        assert_eq!(a.decision, Decision::Ask);
        assert_eq!(a.questions[0].rule, Rule::Q5);
    }

    #[test]
    fn q37_consumer_books_go_to_their_front_door() {
        let a = activate(&ActivationFacts { front_door: Some(FrontDoor::Realtor), ..ready() });
        assert_eq!(a.decision, Decision::Decline);
        assert_eq!(a.handoffs[0].skill, Skill::RealtorSphereOfInfluenceLadder);
    }

    #[test]
    fn q2_bad_amounts_and_codes_are_refused_by_field() {
        let facts = ActivationFacts {
            account_acv: Some(Money {
                amount: f64::NAN,
                currency: "dollars".into(),
                period: Period::Annual,
            }),
            ..ready()
        };
        let err = validate(&facts, &|name| format!("account.{name}")).unwrap_err();
        let fields: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["account.account_acv.amount", "account.account_acv.currency"]);
    }
}
