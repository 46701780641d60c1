//! The pieces every verdict is reported in: findings (a warning, a disagreement between the
//! assistant's classification and the text, a flag) and hand-offs to sibling skills (R35,
//! Q35). Each names the rule it comes from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rules::Rule;

/// Something the engine noticed and applied, with the rule behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The rule that fired.
    pub rule: Rule,
    /// The input field it is about, as a path (`evidence[2].text`), when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What was found and what the engine did about it.
    pub message: String,
}

impl Finding {
    /// A finding about the input as a whole.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Finding { rule, field: None, message: message.into() }
    }

    /// A finding about one field.
    pub fn at(rule: Rule, field: impl Into<String>, message: impl Into<String>) -> Self {
        Finding { rule, field: Some(field.into()), message: message.into() }
    }
}

/// A sibling skill the method hands off to (R35, METHOD.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Skill {
    /// Surfaces the jobs, and so the unstated needs, at each rung.
    JobsToBeDone,
    /// Checks incentive alignment before Rung 4–5 joint planning.
    PrincipalAgent,
    /// The demand side: category-level commoditization across accounts.
    DemandLeadership,
    /// Build–measure–learn, first when the vendor has fewer than 10 customers.
    LeanStartup,
    /// The insurance agents' front door.
    InsuranceRenewalRetentionLadder,
    /// The realtors' front door.
    RealtorSphereOfInfluenceLadder,
    /// The travel advisors' front door.
    TravelRepeatClientLadder,
}

impl Skill {
    /// The skill's name as the library spells it.
    pub fn name(self) -> &'static str {
        match self {
            Skill::JobsToBeDone => "jobs-to-be-done",
            Skill::PrincipalAgent => "principal-agent",
            Skill::DemandLeadership => "demand-leadership",
            Skill::LeanStartup => "lean-startup",
            Skill::InsuranceRenewalRetentionLadder => "insurance-renewal-retention-ladder",
            Skill::RealtorSphereOfInfluenceLadder => "realtor-sphere-of-influence-ladder",
            Skill::TravelRepeatClientLadder => "travel-repeat-client-ladder",
        }
    }
}

/// A recommendation to run a sibling skill; never an automatic call (Q35).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Handoff {
    /// The skill to run.
    pub skill: Skill,
    /// Why, for this account.
    pub why: String,
    /// The rule behind the recommendation.
    pub rule: Rule,
}

impl Handoff {
    /// A hand-off to `skill` for the reason given.
    pub fn new(skill: Skill, rule: Rule, why: impl Into<String>) -> Self {
        Handoff { skill, why: why.into(), rule }
    }
}
