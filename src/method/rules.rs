//! The ids of METHOD.md: every rule (`R`), resolution (`Q`), checklist item (`V`) and
//! activation trigger (`T`) the engine can cite.
//!
//! Each verdict, warning and refusal the engine produces carries one of these ids, so a person
//! can check it against its line in METHOD.md. This module only names the ids and says in one
//! line what each one is about; the rules themselves live in the modules that apply them.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! rules {
    ($($id:ident => $summary:literal,)*) => {
        /// An id from METHOD.md.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs, reason = "each variant is an id whose summary is in `summary`")]
        pub enum Rule {
            $($id,)*
        }

        impl Rule {
            /// Every id, in METHOD.md order.
            pub const ALL: &'static [Rule] = &[$(Rule::$id,)*];

            /// The id as METHOD.md writes it, for example `R20a` or `Q17`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Rule::$id => stringify!($id),)*
                }
            }

            /// What the id is about, in a few words.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Rule::$id => $summary,)*
                }
            }
        }
    };
}

rules! {
    R1 => "five rungs",
    R2 => "rungs are climbed in order; friendliness is not a climb",
    R3 => "activation triggers",
    R4 => "exclusion: ACV under $500",
    R5 => "exclusion: customer explicitly prefers arms-length",
    R6 => "exclusion: fewer than 10 customers, use lean-startup",
    R7 => "exclusions override triggers",
    R8 => "engine mode and coach mode",
    R9 => "coach discipline and the WAIT stops",
    R10 => "coach step 1: three things outside the contract",
    R11 => "coach step 2: one unrequested thing the customer needed",
    R12 => "coach step 3: strategic plans shared before final",
    R13 => "coach step 4: what prevents being more proactive",
    R14 => "coach step 5: one rung-up action, owner and date",
    R15 => "Diagnose, Design, Deploy, anchored by Trust",
    R16 => "the four diagnose dimensions",
    R17 => "stop-rule: no unstated need this quarter caps at Rung 2",
    R18 => "evidence before opinion",
    R19 => "three observable evidence items",
    R20 => "rationalizations: fake moves",
    R20a => "fake move: accessibility is Rung 2 at best",
    R20b => "fake move: tenure is Rung 2 plus inertia",
    R20c => "fake move: satisfaction scores measure Rung 1-2",
    R20d => "fake move: generic content is Rung 2",
    R20e => "fake move: price-based retention is Rung 1",
    R20f => "fake move: a joint case study is marketing",
    R20g => "fake move: verbal loyalty is not Rung 5",
    R21 => "red flags",
    R21a => "red flag: no unstated need in two quarters, Rung 2 ceiling",
    R21b => "red flag: customer contact is only tickets and invoices",
    R21c => "red flag: strategy shared only after it is public",
    R21d => "red flag: relationship owner in procurement or IT operations",
    R21e => "red flag: the plan is more executive dinners",
    R22 => "Rung 4-5 needs a proprietary asset",
    R23 => "one rung at a time",
    R24 => "rung-up requirement per transition",
    R24a => "1 to 2: reliability",
    R24b => "2 to 3: embedded knowledge",
    R24c => "3 to 4: shared stakes",
    R24d => "4 to 5: co-creation through proprietary data, methodology or talent",
    R25 => "operational, not relational",
    R26 => "domain packs",
    R27 => "deploy fields",
    R28 => "deploy timeline of 1-4 quarters",
    R29 => "quarterly trust audit",
    R30 => "trust dimensions audited separately and observably",
    R31 => "one integrity breach commonly costs a rung",
    R32 => "information sharing over 12 months is the leading indicator",
    R33 => "Diagnostic Card fields",
    R34 => "verification checklist",
    R35 => "composition with sibling skills",
    R36 => "the rationalization table grows with observed entries",
    Q1 => "exclusions are checked first and all are reported",
    Q2 => "ACV: annual, USD, per account",
    Q3 => "arms-length only on an explicit customer preference",
    Q4 => "customer count: paying accounts",
    Q5 => "triggers are routing hints",
    Q6 => "a novice with a concrete account gets the coach",
    Q7 => "one question per reply, a stop after every step",
    Q8 => "blank answers",
    Q9 => "the coach's ranges as bounds",
    Q10 => "what makes an answer concrete",
    Q11 => "step 3 yes only before finalization",
    Q12 => "step 4 maps to a lever on the next transition",
    Q13 => "step 5: one action, named owner, within 30 days",
    Q14 => "quarter windows of 90 and 180 days",
    Q15 => "observable evidence versus team opinion",
    Q16 => "tagging an item with a rung",
    Q17 => "scoring a rung without weights",
    Q18 => "a passing stop-rule answer joins the pool",
    Q19 => "red flags that give no number",
    Q20 => "relationship owner roles",
    Q21 => "what makes a proprietary asset valid",
    Q22 => "target rung",
    Q23 => "gaps in the domain packs",
    Q24 => "operational versus relational moves",
    Q25 => "owner, action, success evidence and timeline validity",
    Q26 => "trust scale: pass, fail, unassessed",
    Q27 => "trust dependency of a move",
    Q28 => "primary constraint",
    Q29 => "integrity breach raises regression risk",
    Q30 => "card details",
    Q31 => "meeting cadence is forum, not frequency",
    Q32 => "coverage of the four dimensions",
    Q33 => "evidence age",
    Q34 => "language, emoji and size limits",
    Q35 => "hand-offs to sibling skills",
    Q36 => "Rung 1 floor and unconfirmed",
    Q37 => "industry front doors are out of scope",
    Q38 => "text outside the method",
    V1 => "at least three observable evidence items",
    V2 => "the stop-rule was asked",
    V3 => "the rung-up move is operational",
    V4 => "trust audited across all three dimensions",
    V5 => "named owner, specific action, observable success evidence, 1-4 quarters",
    V6 => "a proprietary asset for Rung 4-5",
    T1 => "trigger: key-account renewal at risk",
    T2 => "trigger: how to become a strategic partner",
    T3 => "trigger: where does the relationship stand",
    T4 => "trigger: claimed strategic without proactive insight",
    T5 => "trigger: deal lost on relationship",
    T6 => "trigger: board asks how to become indispensable",
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl Rule {
    /// The rule whose id is `id`, as METHOD.md writes it.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        Rule::from_id(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not an id of METHOD.md: expected R1-R36 (with letters R20a-g, R21a-e, \
                 R24a-d), Q1-Q38, V1-V6 or T1-T6"
            ))
        })
    }
}

impl JsonSchema for Rule {
    fn schema_name() -> Cow<'static, str> {
        "Rule".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An id from METHOD.md: R# rule, Q# resolution, V# checklist item, \
                            T# trigger.",
            "pattern": "^(R[0-9]{1,2}[a-g]?|Q[0-9]{1,2}|V[1-6]|T[1-6])$",
        })
    }
}

/// A set of ids, one bit each: gathering the ids a result applied costs a few bit operations
/// per id, and listing them gives METHOD.md's order with no sort and no duplicates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RuleSet([u64; 2]);

// Every id has its bit.
const _: () = assert!(Rule::ALL.len() <= 128);

impl RuleSet {
    /// Adds `rule` to the set.
    pub(crate) fn insert(&mut self, rule: Rule) {
        let bit = rule as usize;
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    /// Whether `rule` is in the set.
    pub(crate) fn contains(self, rule: Rule) -> bool {
        let bit = rule as usize;
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// The ids in the set, in METHOD.md order.
    pub(crate) fn to_vec(self) -> Vec<Rule> {
        let len = self.0.iter().map(|w| w.count_ones() as usize).sum();
        let mut rules = Vec::with_capacity(len);
        rules.extend(Rule::ALL.iter().copied().filter(|r| self.contains(*r)));
        rules
    }
}

impl Extend<Rule> for RuleSet {
    fn extend<I: IntoIterator<Item = Rule>>(&mut self, rules: I) {
        rules.into_iter().for_each(|r| self.insert(r));
    }
}

impl<'a> Extend<&'a Rule> for RuleSet {
    fn extend<I: IntoIterator<Item = &'a Rule>>(&mut self, rules: I) {
        rules.into_iter().for_each(|r| self.insert(*r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_unique_and_matches_its_schema_pattern() {
        let mut seen = std::collections::HashSet::new();
        for rule in Rule::ALL {
            assert!(seen.insert(rule.id()), "{} twice", rule.id());
            let id = rule.id();
            let (head, tail) = id.split_at(1);
            assert!(matches!(head, "R" | "Q" | "V" | "T"), "{id}");
            assert!(tail.chars().next().is_some_and(|c| c.is_ascii_digit()), "{id}");
        }
    }

    #[test]
    fn method_md_counts_are_covered() {
        let count = |prefix: char| {
            Rule::ALL
                .iter()
                .filter(|r| r.id().starts_with(prefix))
                .filter(|r| r.id()[1..].chars().all(|c| c.is_ascii_digit()))
                .count()
        };
        assert_eq!(count('R'), 36);
        assert_eq!(count('Q'), 38);
        assert_eq!(count('V'), 6);
        assert_eq!(count('T'), 6);
    }

    #[test]
    fn a_rule_set_lists_its_ids_sorted_and_once() {
        let mut set = RuleSet::default();
        let picked: Vec<Rule> = Rule::ALL.iter().rev().step_by(3).copied().collect();
        set.extend(&picked);
        set.extend(picked.iter().copied());
        set.insert(*Rule::ALL.last().expect("ids"));
        let mut expected = picked.clone();
        expected.push(*Rule::ALL.last().expect("ids"));
        expected.sort();
        expected.dedup();
        assert_eq!(set.to_vec(), expected);
        assert!(Rule::ALL.iter().all(|r| set.contains(*r) == expected.contains(r)));
        assert!(RuleSet::default().to_vec().is_empty());
    }
}
