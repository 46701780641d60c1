//! The observation catalogue (Q16, with R20, R21, R26 and Q31 folded in): one value per kind of
//! evidence the method knows, each with its dimension, the rung it evidences and the rule it
//! comes from.
//!
//! The calling assistant classifies every evidence item against this catalogue; the JSON
//! schema of the tools lists the values with the descriptions written here, so a model picks
//! from well-described options instead of inventing a rung. The rung an item finally gets can
//! be lower than its catalogue rung when the item's own words say otherwise (see `diagnose`);
//! it is never higher.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::rules::Rule;
use super::rung::{Dimension, Domain, Rung, TrustDimension};

/// What the catalogue knows about one kind of observation.
#[derive(Debug, Clone, Copy)]
pub struct ObservationSpec {
    /// The value's name on the wire.
    pub id: &'static str,
    /// The dimension it is evidence on; `None` for team opinion, which is on none.
    pub dimension: Option<Dimension>,
    /// The rung it evidences when observable; `None` when it never counts (Q15).
    pub rung: Option<Rung>,
    /// The rule that fixes its rung.
    pub rule: Rule,
    /// What it is, for a model choosing among values.
    pub description: &'static str,
}

macro_rules! observations {
    ($($variant:ident = $id:literal, $dim:expr, $rung:expr, $rule:ident, $desc:literal;)*) => {
        /// A kind of evidence the method knows (Q16). See the catalogue table in this module.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs, reason = "each variant's text is in its ObservationSpec")]
        pub enum Observation {
            $($variant,)*
        }

        impl Observation {
            /// Every kind, in catalogue order.
            pub const ALL: &'static [Observation] = &[$(Observation::$variant,)*];

            /// The catalogue entry for this kind.
            pub fn spec(self) -> &'static ObservationSpec {
                match self {
                    $(Observation::$variant => &ObservationSpec {
                        id: $id, dimension: $dim, rung: $rung, rule: Rule::$rule,
                        description: $desc,
                    },)*
                }
            }
        }
    };
}

const IF: Option<Dimension> = Some(Dimension::InformationFlow);
const VS: Option<Dimension> = Some(Dimension::VendorSubstitutability);
const PS: Option<Dimension> = Some(Dimension::ProblemSource);
const MC: Option<Dimension> = Some(Dimension::MeetingCadence);
const RUNG1: Option<Rung> = Some(Rung::ONE);
const RUNG2: Option<Rung> = Some(Rung::TWO);
const RUNG3: Option<Rung> = Some(Rung::THREE);
const RUNG4: Option<Rung> = Some(Rung::FOUR);
const RUNG5: Option<Rung> = Some(Rung::FIVE);

observations! {
    SpecsOnly = "specs_only", IF, RUNG1, Q16,
        "The customer tells the vendor only specifications and stated requirements.";
    TicketsAndInvoicesOnly = "tickets_and_invoices_only", IF, RUNG1, R21b,
        "Red flag: the customer contacts the vendor only for support tickets and invoicing; \
         there is no strategic dialogue (caps the account at Rung 3).";
    OperationalDataShared = "operational_data_shared", IF, RUNG2, Q16,
        "The customer shares the operational data the vendor needs to deliver.";
    StrategySharedAfterPublic = "strategy_shared_after_public", IF, RUNG2, R21c,
        "Red flag: the customer shared its strategy or plans only after they were public \
         (that is PR, not partnership).";
    GenericContentSent = "generic_content_sent", IF, RUNG2, R20d,
        "Fake move: the vendor sent generic content (an industry-trends report, newsletter, \
         webinar or a benchmark not built on this customer's own data).";
    InsideKnowledge = "inside_knowledge", IF, RUNG3, Q16,
        "The vendor demonstrably holds inside knowledge of needs the customer never stated \
         (say who learned what, and from where inside the customer).";
    CustomerSpecificInsight = "customer_specific_insight", IF, RUNG3, R20d,
        "The vendor proactively delivered insight specific to this customer's situation, \
         built from inside knowledge (not generic content).";
    RoadmapSharedBeforeFinal = "roadmap_shared_before_final", IF, RUNG4, Q16,
        "The customer shared its roadmap, strategy or restructuring plan with the vendor \
         before it was final or public.";
    VendorShapedStrategy = "vendor_shaped_strategy", IF, RUNG5, Q16,
        "The vendor's input demonstrably changed the customer's strategy (a decision, plan or \
         document of the customer's shows it).";
    DemandForecastOnVendorData = "demand_forecast_on_vendor_data", IF, RUNG3, R26,
        "Manufacturing pack, 2 to 3: demand-side forecasting built on the vendor's data is in \
         use by the customer.";
    AlternativesKeptWarm = "alternatives_kept_warm", VS, RUNG1, Q16,
        "The customer keeps alternatives warm: competitive bids, dual sourcing, a tender at \
         renewal.";
    PriceBasedRetention = "price_based_retention", VS, RUNG1, R20e,
        "Fake move: the customer stayed after a discount or price concession (price-based \
         retention is Rung 1).";
    VerbalLoyalty = "verbal_loyalty", VS, RUNG1, R20g,
        "Fake move: the customer said it could not imagine switching (verbal loyalty is not \
         lock-in).";
    StoppedShopping = "stopped_shopping", VS, RUNG2, Q16,
        "The customer has stopped shopping around: renewal without a tender, sole sourcing.";
    Tenure = "tenure", VS, RUNG2, R20b,
        "Fake move: the vendor has served the customer for many years (tenure without an \
         information advantage is Rung 2 plus inertia).";
    ReliesOnVendorInsight = "relies_on_vendor_insight", VS, RUNG3, Q16,
        "The customer relies on insight from the vendor that is specific to it (a decision of \
         the customer's waited for or cited the vendor's analysis).";
    JointAssetSwitchingCost = "joint_asset_switching_cost", VS, RUNG4, Q16,
        "Switching cost from assets built jointly with the customer (a custom integration, \
         multi-year joint capacity).";
    CustomIntegrationCodeveloped = "custom_integration_codeveloped", VS, RUNG4, R26,
        "SaaS pack, 3 to 4: the vendor and the customer co-developed a custom integration that \
         is in production.";
    RetainedAdvisoryFixedFee = "retained_advisory_fixed_fee", VS, RUNG4, R26,
        "Professional-services pack, 3 to 4: the client signed a retained advisory on a fixed \
         fee.";
    JointCapacityPlanning = "joint_capacity_planning", VS, RUNG4, R26,
        "Manufacturing pack, 3 to 4: joint multi-year capacity planning with the customer is \
         in place.";
    CustomerDesignsAroundVendor = "customer_designs_around_vendor", VS, RUNG5, R20g,
        "The customer designs its systems or products around the vendor's constraints (real \
         lock-in).";
    ProductLinesOnVendorConstraints = "product_lines_on_vendor_constraints", VS, RUNG5, R26,
        "Manufacturing pack, 4 to 5: the customer designs product lines with the vendor's \
         constraints as the primary input.";
    CustomerSpecifies = "customer_specifies", PS, RUNG1, Q16,
        "The customer specifies the problem (an RFP, a ticket, a stated requirement).";
    SatisfactionScore = "satisfaction_score", PS, RUNG1, R20c,
        "Fake move: a satisfaction score, CSAT, NPS or QBR rating (measures Rung 1-2 delivery; \
         high CSAT at Rung 1 is still Rung 1).";
    JointCaseStudy = "joint_case_study", PS, RUNG1, R20f,
        "Fake move: a joint case study or customer story (marketing activity, not joint \
         planning).";
    ReliableDelivery = "reliable_delivery", PS, RUNG2, Q16,
        "The vendor reliably solves what the customer specifies (SLAs met, on-time delivery).";
    UnstatedNeedAddressed = "unstated_need_addressed", PS, RUNG3, Q16,
        "The vendor surfaced a problem or need the customer had not raised and acted on it \
         (done, not planned).";
    CustomerBenchmarkUnsolicited = "customer_benchmark_unsolicited", PS, RUNG3, R26,
        "Professional-services pack, 2 to 3: an unsolicited benchmarking report built on this \
         client's own data or situation.";
    JointProblemDefinition = "joint_problem_definition", PS, RUNG4, Q16,
        "Problems are defined jointly, with shared stakes: both parties committed resources to \
         a joint initiative.";
    VendorSetsAgenda = "vendor_sets_agenda", PS, RUNG5, Q16,
        "The vendor sets the agenda: the customer's new initiatives are co-created with the \
         vendor.";
    SocialEvent = "social_event", MC, RUNG1, Q31,
        "A social event with the customer (dinner, golf, hospitality).";
    Accessibility = "accessibility", MC, RUNG2, R20a,
        "Fake move: the customer takes the vendor's calls (accessibility is Rung 2 at best; \
         strategic partners call you).";
    VendorHostedReview = "vendor_hosted_review", MC, RUNG2, Q31,
        "A review the vendor hosts: a QBR, a business review, a steering call (Rung 2 at best, \
         whatever the frequency).";
    AdvisoryBoardMember = "advisory_board_member", MC, RUNG2, Q23,
        "The customer sits on the vendor's product advisory board (membership alone is a \
         vendor-hosted forum).";
    InvitedToCustomerPlanning = "invited_to_customer_planning", MC, RUNG3, Q31,
        "The vendor is invited into the customer's own planning forum.";
    CsePlanningSeat = "cse_planning_seat", MC, RUNG3, R26,
        "SaaS pack, 2 to 3: a vendor customer-success engineer attends the customer's internal \
         product planning.";
    JointPlanningForum = "joint_planning_forum", MC, RUNG4, Q31,
        "A joint planning forum to which both sides commit resources.";
    CustomerStrategyForum = "customer_strategy_forum", MC, RUNG5, Q31,
        "The vendor has a seat in the customer's strategy or board forum.";
    AdvisoryBoardShapesStrategy = "advisory_board_shapes_strategy", MC, RUNG5, Q23,
        "The vendor's advisory board is demonstrably where the customer's own strategy is \
         shaped.";
    IntroducedToBoard = "introduced_to_board", MC, RUNG5, R26,
        "Professional-services pack, 4 to 5: the client introduced the firm to its board and \
         portfolio companies.";
    TeamOpinion = "team_opinion", None, None, Q15,
        "Team opinion, a feeling, a self-rating or a forecast (\"they love us\"): kept on \
         record, never counted as evidence.";
}

impl Observation {
    /// The value's name on the wire.
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    /// The kind named `id`, if the catalogue has it.
    pub fn from_id(id: &str) -> Option<Observation> {
        Observation::ALL.iter().copied().find(|o| o.id() == id)
    }

    /// Whether the kind shows a need the customer had not stated, addressed by the vendor:
    /// what the stop-rule (R17) and the two-quarter red flag (R21a) look for.
    pub fn shows_unstated_need(self) -> bool {
        matches!(
            self,
            Observation::UnstatedNeedAddressed
                | Observation::CustomerBenchmarkUnsolicited
                | Observation::CustomerSpecificInsight
        )
    }

    /// The fake move of R20 the kind is, if it is one.
    pub fn fake_move(self) -> Option<Rule> {
        let rule = self.spec().rule;
        let is_fake = matches!(
            rule,
            Rule::R20a
                | Rule::R20b
                | Rule::R20c
                | Rule::R20d
                | Rule::R20e
                | Rule::R20f
                | Rule::R20g
        );
        // CustomerSpecificInsight and CustomerDesignsAroundVendor cite R20 for their reality
        // column, not as fake moves.
        (is_fake && self.spec().rung <= Some(Rung::TWO)).then_some(rule)
    }

    /// The domain pack (R26) the kind belongs to, if any.
    pub fn pack(self) -> Option<Domain> {
        use Observation::*;
        match self {
            CsePlanningSeat | CustomIntegrationCodeveloped => Some(Domain::Saas),
            CustomerBenchmarkUnsolicited | RetainedAdvisoryFixedFee | IntroducedToBoard => {
                Some(Domain::ProfessionalServices)
            }
            DemandForecastOnVendorData
            | JointCapacityPlanning
            | ProductLinesOnVendorConstraints => Some(Domain::Manufacturing),
            _ => None,
        }
    }
}

impl fmt::Display for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Observation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Observation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        Observation::from_id(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not in the observation catalogue: expected one of {}",
                Observation::ALL.iter().map(|o| o.id()).collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

impl JsonSchema for Observation {
    fn schema_name() -> Cow<'static, str> {
        "Observation".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let one_of: Vec<_> = Observation::ALL
            .iter()
            .map(|o| {
                let spec = o.spec();
                let rung = spec.rung.map_or("never counts".to_owned(), |r| format!("rung {r}"));
                let dimension = spec.dimension.map_or("no dimension", Dimension::label);
                serde_json::json!({
                    "const": spec.id,
                    "description": format!(
                        "{} [{}, {}, {}]", spec.description, dimension, rung, spec.rule
                    ),
                })
            })
            .collect();
        json_schema!({
            "type": "string",
            "description": "The kind of observation this item is, from the engine's catalogue \
                            (METHOD.md Q16). Pick the most literal match; the engine checks the \
                            text and the stricter reading wins.",
            "oneOf": one_of,
        })
    }
}

/// What a trust observation shows (R29, R30, Q26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrustVerdict {
    /// The observation shows the dimension holding.
    Pass,
    /// The observation shows the dimension failing.
    Fail,
}

/// What the catalogue knows about one kind of trust observation.
#[derive(Debug, Clone, Copy)]
pub struct TrustSignalSpec {
    /// The value's name on the wire.
    pub id: &'static str,
    /// The dimension it speaks to.
    pub dimension: TrustDimension,
    /// Pass or fail when observable; `None` for an opinion or score (Q26).
    pub verdict: Option<TrustVerdict>,
    /// What it is, for a model choosing among values.
    pub description: &'static str,
}

macro_rules! trust_signals {
    ($($variant:ident = $id:literal, $dim:ident, $verdict:expr, $desc:literal;)*) => {
        /// A kind of trust observation (R29, Q26).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs, reason = "each variant's text is in its TrustSignalSpec")]
        pub enum TrustSignal {
            $($variant,)*
        }

        impl TrustSignal {
            /// Every kind, in catalogue order.
            pub const ALL: &'static [TrustSignal] = &[$(TrustSignal::$variant,)*];

            /// The catalogue entry for this kind.
            pub fn spec(self) -> &'static TrustSignalSpec {
                match self {
                    $(TrustSignal::$variant => &TrustSignalSpec {
                        id: $id, dimension: TrustDimension::$dim, verdict: $verdict,
                        description: $desc,
                    },)*
                }
            }
        }
    };
}

const PASS: Option<TrustVerdict> = Some(TrustVerdict::Pass);
const FAIL: Option<TrustVerdict> = Some(TrustVerdict::Fail);

trust_signals! {
    CompetenceDeliveredAsCommitted = "competence_delivered_as_committed", Competence, PASS,
        "The vendor delivered what it committed, on time, and the customer acknowledged it.";
    CompetenceGivenHarderWork = "competence_given_harder_work", Competence, PASS,
        "The customer handed the vendor a harder or more critical piece of work because of \
         its delivery.";
    CompetenceMissedCommitment = "competence_missed_commitment", Competence, FAIL,
        "The vendor missed a commitment: an SLA breach, a late or failed delivery.";
    CompetenceDoubtVoiced = "competence_doubt_voiced", Competence, FAIL,
        "The customer escalated, questioned the vendor's ability to deliver, or moved work to \
         another vendor over delivery.";
    CompetenceOpinion = "competence_opinion", Competence, None,
        "An opinion or score about competence: recorded, never counted.";
    IntegrityAdvisedAgainstOwnRevenue = "integrity_advised_against_own_revenue", Integrity,
        PASS, "The vendor advised the customer against a purchase or scope that would have \
         earned the vendor more.";
    IntegrityDisclosedOwnMistake = "integrity_disclosed_own_mistake", Integrity, PASS,
        "The vendor told the customer about its own mistake before the customer found it.";
    IntegrityActedAgainstCustomer = "integrity_acted_against_customer", Integrity, FAIL,
        "The vendor acted against the customer's interest: overselling, a hidden fee, \
         billing for work not done.";
    IntegrityBrokeConfidence = "integrity_broke_confidence", Integrity, FAIL,
        "The vendor broke a confidence or misused information the customer shared.";
    IntegrityConcealedProblem = "integrity_concealed_problem", Integrity, FAIL,
        "The vendor hid or played down a problem the customer later discovered.";
    IntegrityOpinion = "integrity_opinion", Integrity, None,
        "An opinion or score about integrity: recorded, never counted.";
    BenevolenceSharedBadNewsEarly = "benevolence_shared_bad_news_early", Benevolence, PASS,
        "The customer told the vendor bad news early: a budget cut, a failed project, a \
         complaint from its own side.";
    BenevolenceDisclosedCompetitorTalks = "benevolence_disclosed_competitor_talks", Benevolence,
        PASS, "The customer told the vendor, unprompted, that it was talking to a competitor.";
    BenevolenceBadNewsLearnedElsewhere = "benevolence_bad_news_learned_elsewhere", Benevolence,
        FAIL, "The vendor learned bad news about the account from a third party or too late.";
    BenevolenceWithheldProblem = "benevolence_withheld_problem", Benevolence, FAIL,
        "The customer kept a problem with the vendor from it until it escalated.";
    BenevolenceOpinion = "benevolence_opinion", Benevolence, None,
        "An opinion or score about benevolence: recorded, never counted.";
}

impl TrustSignal {
    /// The value's name on the wire.
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    /// The kind named `id`, if the catalogue has it.
    pub fn from_id(id: &str) -> Option<TrustSignal> {
        TrustSignal::ALL.iter().copied().find(|s| s.id() == id)
    }
}

impl Serialize for TrustSignal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for TrustSignal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        TrustSignal::from_id(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not a trust signal: expected one of {}",
                TrustSignal::ALL.iter().map(|o| o.id()).collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

impl JsonSchema for TrustSignal {
    fn schema_name() -> Cow<'static, str> {
        "TrustSignal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let one_of: Vec<_> = TrustSignal::ALL
            .iter()
            .map(|s| {
                let spec = s.spec();
                let verdict = match spec.verdict {
                    Some(TrustVerdict::Pass) => "pass",
                    Some(TrustVerdict::Fail) => "fail",
                    None => "never counts",
                };
                serde_json::json!({
                    "const": spec.id,
                    "description": format!("{} [{verdict}]", spec.description),
                })
            })
            .collect();
        json_schema!({
            "type": "string",
            "description": "What the trust observation shows, from the engine's catalogue \
                            (METHOD.md R29, Q26); the prefix is its dimension.",
            "oneOf": one_of,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q16_ids_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for o in Observation::ALL {
            assert!(seen.insert(o.id()), "{o} twice");
            assert!(o.id().chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{o}");
            assert_eq!(Observation::from_id(o.id()), Some(*o));
        }
        for s in TrustSignal::ALL {
            assert!(s.id().starts_with(&s.spec().dimension.label().to_ascii_lowercase()));
            assert_eq!(TrustSignal::from_id(s.id()), Some(*s));
        }
    }

    #[test]
    fn r20_every_fake_move_has_its_value() {
        let value = |rule| {
            Observation::ALL
                .iter()
                .find(|o| o.fake_move() == Some(rule))
                .and_then(|o| o.spec().rung)
        };
        assert_eq!(value(Rule::R20a), Some(Rung::TWO));
        assert_eq!(value(Rule::R20b), Some(Rung::TWO));
        assert_eq!(value(Rule::R20c), Some(Rung::ONE));
        assert_eq!(value(Rule::R20d), Some(Rung::TWO));
        assert_eq!(value(Rule::R20e), Some(Rung::ONE));
        assert_eq!(value(Rule::R20f), Some(Rung::ONE));
        assert_eq!(value(Rule::R20g), Some(Rung::ONE));
    }

    #[test]
    fn r26_every_pack_cell_has_an_observation_at_its_destination_rung() {
        for (domain, rungs) in [
            (Domain::Saas, [3, 4, 2]),
            (Domain::ProfessionalServices, [3, 4, 5]),
            (Domain::Manufacturing, [3, 4, 5]),
        ] {
            let mut found: Vec<u8> = Observation::ALL
                .iter()
                .filter(|o| o.pack() == Some(domain))
                .filter_map(|o| o.spec().rung.map(Rung::get))
                .collect();
            found.sort_unstable();
            let mut want = rungs.to_vec();
            want.sort_unstable();
            // SaaS 4→5 (advisory board) is tagged by Q23 outside the pack list.
            if domain == Domain::Saas {
                want.retain(|r| *r != 2);
            }
            assert_eq!(found, want, "{domain:?}");
        }
        assert_eq!(Observation::AdvisoryBoardMember.spec().rung, Some(Rung::TWO));
        assert_eq!(Observation::AdvisoryBoardShapesStrategy.spec().rung, Some(Rung::FIVE));
    }

    #[test]
    fn q31_meeting_cadence_follows_the_forum_ladder() {
        use Observation::*;
        let rungs: Vec<u8> = [
            SocialEvent,
            VendorHostedReview,
            InvitedToCustomerPlanning,
            JointPlanningForum,
            CustomerStrategyForum,
        ]
        .iter()
        .map(|o| o.spec().rung.map_or(0, Rung::get))
        .collect();
        assert_eq!(rungs, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn q15_team_opinion_never_has_a_rung() {
        assert_eq!(Observation::TeamOpinion.spec().rung, None);
        for s in TrustSignal::ALL.iter().filter(|s| s.id().ends_with("_opinion")) {
            assert_eq!(s.spec().verdict, None);
        }
    }
}
