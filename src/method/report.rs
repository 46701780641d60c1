//! The pieces every verdict is reported in: findings (a warning, a disagreement between the
//! assistant's classification and the text, a flag) and hand-offs to sibling skills (R35,
//! Q35). Each names the rule it comes from.

use std::borrow::Cow;

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
    pub field: Option<Cow<'static, str>>,
    /// What was found and what the engine did about it.
    // Most fields and messages are fixed texts: borrowed, they cost no allocation.
    pub message: Cow<'static, str>,
}

/// The path of a field in a list of the input, `list[index].name`, built without the formatting
/// machinery: the engine names a field in most of the findings it makes.
pub fn field_path(list: &str, index: usize, name: &str) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = index;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = std::str::from_utf8(&digits[at..]).unwrap_or_default();
    let mut path = String::with_capacity(list.len() + digits.len() + name.len() + 3);
    path.push_str(list);
    path.push('[');
    path.push_str(digits);
    path.push_str("].");
    path.push_str(name);
    path
}

impl Finding {
    /// A finding about the input as a whole.
    pub fn new(rule: Rule, message: impl Into<Cow<'static, str>>) -> Self {
        Finding { rule, field: None, message: message.into() }
    }

    /// A finding about one field.
    pub fn at(
        rule: Rule,
        field: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
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

#[cfg(test)]
mod tests {
    use super::field_path;

    #[test]
    fn field_paths_read_as_written() {
        assert_eq!(field_path("evidence", 0, "text"), "evidence[0].text");
        assert_eq!(field_path("integrity", 1234, "who"), "integrity[1234].who");
        assert_eq!(field_path("x", usize::MAX, "y"), format!("x[{}].y", usize::MAX));
    }
}
