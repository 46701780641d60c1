//! The Process in one call (R15, R33–R35, Q28, Q30, Q35): activation, Diagnose, Design,
//! Deploy and the trust audit, then the checklist, the primary constraint, the hand-offs and
//! the Diagnostic Card.
//!
//! This module composes the steps; each rule lives in the step's own module. Its one function,
//! [`diagnose`], is what the `diagnose` tool calls.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::activation::{self, Activation, ActivationFacts, ArmsLength, Decision, Money};
use super::card::{Card, CardEvidence, CardRung, CardTarget, CardTrust, Check, CheckStatus};
use super::design::{
    self, LeverMove, PackMove, PlanInput, PlanVerdict, Requirement, Target, TargetVerdict,
};
use super::evidence::{
    self, Diagnose, DiagnoseFacts, EvidenceItem, OwnerRole, ProprietaryAsset, Rationalization,
    RelationshipOwner, Standing, StopRuleAnswer,
};
use super::input::{Checker, InputErrors, Limits};
use super::report::{Finding, Handoff, Skill};
use super::rules::{Rule, RuleSet};
use super::rung::{Domain, Lever, Rung, TrustDimension};
use super::trust::{self, TrustAudit, TrustObservation};

/// The account being diagnosed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    /// The account's name.
    pub name: String,
    /// The vendor's domain, which selects the domain pack (R26).
    #[serde(default)]
    pub domain: Domain,
    /// The vendor person accountable for the account and the card (Q30).
    pub owner: String,
    /// The customer-side owner of the relationship (R21d, Q20).
    #[serde(default)]
    pub relationship_owner: Option<RelationshipOwner>,
    /// The rung the team believes the account is at; reported against the evidence, never
    /// used as evidence (R18).
    #[serde(default)]
    pub claimed_rung: Option<Rung>,
    /// The account's annual contract value (R4, Q2).
    #[serde(default)]
    pub acv: Option<Money>,
    /// The vendor's number of paying customer accounts (R6, Q4).
    #[serde(default)]
    pub customer_count: Option<u64>,
    /// Whether the customer prefers an arms-length relationship (R5, Q3).
    #[serde(default)]
    pub arms_length: ArmsLength,
    /// The problem is category-level: across accounts, customers arrive at the RFP stage (Q35).
    #[serde(default)]
    pub category_level_problem: bool,
}

/// Everything the Process reads for one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnoseInput {
    /// The account.
    pub account: AccountInput,
    /// The card date (YYYY-MM-DD); every window ends on it (Q14).
    pub date: NaiveDate,
    /// The evidence items (R16, R19).
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
    /// The answer to "What specific unstated need did we address this quarter?" (R17); leave
    /// out only if the question was not asked.
    #[serde(default)]
    pub stop_rule: Option<StopRuleAnswer>,
    /// The proprietary asset, if one is named (R22, Q21).
    #[serde(default)]
    pub proprietary_asset: Option<ProprietaryAsset>,
    /// Trust observations (R29, R30).
    #[serde(default)]
    pub trust: Vec<TrustObservation>,
    /// An overall trust score the user offered: recorded and ignored (Q26).
    #[serde(default)]
    pub overall_trust_score: Option<String>,
    /// What stops the team from being more proactive, if known (Q12).
    #[serde(default)]
    pub barrier: Option<Lever>,
    /// The proposed rung-up move, if any (R27).
    #[serde(default)]
    pub plan: Option<PlanInput>,
    /// The team's observed rationalizations, `[O]` entries applied like the designed fake moves
    /// (R36).
    #[serde(default)]
    pub rationalizations: Vec<Rationalization>,
}

/// Whether the Process ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Diagnosed.
    Diagnosed,
    /// An exclusion holds (R4–R7): the method does not apply.
    Declined,
    /// A fact needed for activation is missing (Q1–Q4): ask, then call again.
    NeedsFacts,
}

/// The Design step's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Design {
    /// The target and how a proposed one was corrected.
    pub target: TargetVerdict,
    /// What the climb requires (R24).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
    /// The domain pack's move (R26).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pack_move: Option<PackMove>,
    /// The move the step-4 lever selects (Q12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lever_move: Option<LeverMove>,
    /// Design warnings: assets for Rung 4–5, relationship-owner roles (Q20, Q21).
    pub findings: Vec<Finding>,
}

/// The card's primary constraint (Q28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Constraint {
    /// What holds the account back.
    pub text: String,
    /// The rule behind it.
    pub rule: Rule,
}

/// The Process's result.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Diagnosis {
    /// Whether the Process ran.
    pub status: Status,
    /// The activation check it started with (Q1).
    pub activation: Activation,
    /// Diagnose: items, pool, caps, the current rung.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnose: Option<Diagnose>,
    /// Design: target, requirement, pack move, lever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design: Option<Design>,
    /// Deploy: the proposed move's checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanVerdict>,
    /// The trust audit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<TrustAudit>,
    /// The verification checklist V1–V6 (R34).
    pub checklist: Vec<Check>,
    /// The primary constraint (Q28).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_constraint: Option<Constraint>,
    /// Sibling skills to run (Q35).
    pub handoffs: Vec<Handoff>,
    /// The Diagnostic Card (R33).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    /// Every rule the verdict applied, sorted.
    pub rules: Vec<Rule>,
}

/// Checks the form of a whole input: sizes, text, figures (Q34).
pub fn validate(input: &DiagnoseInput, limits: Limits) -> Result<(), InputErrors> {
    let mut check = Checker::new(limits);
    check.text(|| "account.name".into(), &input.account.name);
    check.text(|| "account.owner".into(), &input.account.owner);
    activation::check_facts(&mut check, &activation_facts(&input.account), &account_field);
    evidence::check_evidence(&mut check, &input.evidence);
    evidence::check_rationalizations(&mut check, &input.rationalizations);
    if let Some(answer) = &input.stop_rule {
        evidence::check_stop_rule(&mut check, answer);
    }
    evidence::check_owner_and_asset(
        &mut check,
        input.account.relationship_owner.as_ref(),
        input.proprietary_asset.as_ref(),
    );
    trust::check_trust(&mut check, &input.trust, "trust");
    check.opt_text(|| "overall_trust_score".into(), input.overall_trust_score.as_deref());
    if let Some(plan) = &input.plan {
        design::check_plan(&mut check, plan);
    }
    check.finish()
}

/// An activation fact's name as the diagnosis input spells it: under `account`, the ACV as
/// `acv`.
fn account_field(fact: &str) -> String {
    match fact {
        "account_acv" => "account.acv".to_owned(),
        other => format!("account.{other}"),
    }
}

fn activation_facts(account: &AccountInput) -> ActivationFacts {
    ActivationFacts {
        account_acv: account.acv.clone(),
        customer_count: account.customer_count,
        arms_length: account.arms_length,
        explicit_request: true,
        wants_engine: true,
        ..ActivationFacts::default()
    }
}

/// Runs the Process for one account (R15): refuses input of the wrong form or size, checks
/// activation first (Q1), then diagnoses, designs, checks the move and audits trust.
pub fn diagnose(input: &DiagnoseInput, limits: Limits) -> Result<Diagnosis, InputErrors> {
    validate(input, limits)?;
    let activation =
        activation::activate(&activation_facts(&input.account)).naming_fields(&account_field);
    if activation.decision != Decision::Activate {
        let status = if activation.decision == Decision::Decline {
            Status::Declined
        } else {
            Status::NeedsFacts
        };
        let mut rules = RuleSet::default();
        rules.extend(&activation.rules);
        let rules = rules.to_vec();
        return Ok(Diagnosis {
            status,
            handoffs: activation.handoffs.clone(),
            activation,
            diagnose: None,
            design: None,
            plan: None,
            trust: None,
            checklist: Vec::new(),
            primary_constraint: None,
            card: None,
            rules,
        });
    }

    let found = evidence::diagnose(&DiagnoseFacts {
        date: input.date,
        evidence: &input.evidence,
        stop_rule: input.stop_rule.as_ref(),
        owner: input.account.relationship_owner.as_ref(),
        asset: input.proprietary_asset.as_ref(),
        claimed: input.account.claimed_rung,
        rationalizations: &input.rationalizations,
    });
    let audit =
        trust::audit(input.date, &input.trust, input.overall_trust_score.as_deref(), "trust");
    let current = found.standing.rung();
    let design = design_step(input, &found);
    let failing = audit.failing();
    let plan = input
        .plan
        .as_ref()
        .filter(|_| design.target.target != Target::None)
        .map(|p| design::check_move(p, input.date, &failing));
    let checklist = checklist(&found, input.plan.is_some(), plan.as_ref(), &design, &audit);
    let constraint = primary_constraint(&found, &design, input, &audit);
    let handoffs = handoffs(&found, &design, &input.account);
    let card = card(input, &found, &design, &audit, &constraint, &checklist);

    let mut rules = RuleSet::default();
    rules.extend(&activation.rules);
    rules.extend([Rule::R1, Rule::R2, Rule::R15, Rule::R16, Rule::R19, Rule::Q15, Rule::Q16]);
    rules.extend([Rule::Q17, Rule::R29, Rule::R30, Rule::R33, Rule::R34, Rule::Q28, Rule::Q30]);
    let finding_rules = found
        .items
        .iter()
        .flat_map(|i| &i.findings)
        .chain(&found.findings)
        .chain(&found.stop_rule.findings)
        .chain(&design.findings)
        .chain(&design.target.findings)
        .chain(plan.iter().flat_map(|p| &p.findings))
        .chain(&audit.findings)
        .chain(audit.dimensions.iter().flat_map(|d| &d.findings))
        .map(|f| f.rule);
    rules.extend(finding_rules);
    rules.extend(found.caps.iter().map(|c| c.rule));
    rules.extend(checklist.iter().map(|c| c.id));
    rules.extend(design.requirement.iter().map(|r| r.rule));
    rules.extend(design.pack_move.iter().map(|p| p.rule));
    rules.extend(handoffs.iter().map(|h| h.rule));
    rules.insert(constraint.rule);
    if current.is_some() {
        rules.extend([Rule::R23, Rule::Q22]);
    }
    let rules = rules.to_vec();

    Ok(Diagnosis {
        status: Status::Diagnosed,
        activation,
        diagnose: Some(found),
        design: Some(design),
        plan,
        trust: Some(audit),
        checklist,
        primary_constraint: Some(constraint),
        handoffs,
        card: Some(card),
        rules,
    })
}

fn design_step(input: &DiagnoseInput, found: &Diagnose) -> Design {
    let current = found.standing.rung();
    let proposed = input.plan.as_ref().and_then(|p| p.target_rung);
    let target = design::target(current, proposed);
    let from = current.filter(|_| matches!(target.target, Target::Climb { .. }));
    let mut findings = Vec::new();

    if let Target::Climb { rung } = target.target {
        // R24d, Q21: a plan for Rung 5 must name the asset; for Rung 4 it is recommended.
        if rung == Rung::FIVE && !found.asset_valid {
            findings.push(Finding::at(
                Rule::R24d,
                "proprietary_asset",
                "a climb to Rung 5 must name the proprietary data, methodology or talent it is \
                 built on (Q21)",
            ));
        } else if rung == Rung::FOUR && !found.asset_valid {
            findings.push(Finding::at(
                Rule::Q21,
                "proprietary_asset",
                "recommended: name the proprietary asset now; Rung 4 cannot be confirmed without \
                 one (V6)",
            ));
        }
        // Q20: another role carries no ceiling, but warns before Rung 4–5.
        if rung >= Rung::FOUR && found.owner_role == OwnerRole::Other {
            findings.push(Finding::at(
                Rule::Q20,
                "account.relationship_owner",
                "the relationship owner is neither strategy nor C-suite: check that they can \
                 commit to joint planning before targeting Rung 4 or 5",
            ));
        }
    }
    if target.target == Target::Hold {
        findings.push(Finding::new(
            Rule::Q22,
            "hold at Rung 5: defend the position — protect the proprietary asset, keep the \
             quarterly trust audit, watch integrity (R31)",
        ));
    }

    Design {
        requirement: from.and_then(design::requirement),
        pack_move: from.and_then(|f| design::pack_move(input.account.domain, f)),
        lever_move: input.barrier.zip(from).map(|(lever, f)| design::lever_move(lever, f)),
        target,
        findings,
    }
}

fn check(id: Rule, pass: bool, why: impl Into<String>) -> Check {
    let status = if pass { CheckStatus::Pass } else { CheckStatus::Fail };
    Check { id, status, why: why.into() }
}

fn checklist(
    found: &Diagnose,
    plan_given: bool,
    plan: Option<&PlanVerdict>,
    design: &Design,
    audit: &TrustAudit,
) -> Vec<Check> {
    let mut list = Vec::with_capacity(6);
    list.push(check(
        Rule::V1,
        found.evidenced.is_some(),
        format!(
            "{} observable item(s) in the pool; three at or above the rung are needed",
            found.pool_size
        ),
    ));
    let v2 = match (found.stop_rule.asked, found.stop_rule.passes) {
        (false, _) => "not asked",
        (true, true) => "asked and answered with an unstated need addressed this quarter",
        (true, false) => "asked; the answer counts as blank, so the account is capped at Rung 2",
    };
    list.push(check(Rule::V2, found.stop_rule.asked, v2));
    let no_plan = if design.target.target == Target::None {
        "no move until the current rung is confirmed (R18)"
    } else if plan_given {
        "the move was not checked"
    } else {
        "no rung-up move was proposed"
    };
    list.push(match plan {
        Some(p) => check(
            Rule::V3,
            p.operational,
            if p.operational {
                "the move's core is an operational change"
            } else {
                "the move's core is more contact, not an operational change (R25, Q24)"
            },
        ),
        None => check(Rule::V3, false, no_plan),
    });
    let statuses: Vec<String> = audit
        .dimensions
        .iter()
        .map(|d| format!("{} {}", d.dimension.label(), d.status.label()))
        .collect();
    list.push(check(Rule::V4, audit.all_assessed, statuses.join(", ")));
    list.push(match plan {
        Some(p) => {
            let mut missing = Vec::new();
            for (ok, what) in [
                (p.owner_named, "a named owner"),
                (p.action_specific, "a specific action"),
                (p.evidence_observable, "observable success evidence"),
                (p.timeline_ok, "a timeline of 1-4 quarters"),
            ] {
                if !ok {
                    missing.push(what);
                }
            }
            let why = if missing.is_empty() {
                "named owner, specific action, observable success evidence, 1-4 quarters".to_owned()
            } else {
                format!("missing: {}", missing.join(", "))
            };
            check(Rule::V5, p.v5(), why)
        }
        None => check(Rule::V5, false, no_plan),
    });
    let high = found.evidenced.is_some_and(|e| e >= Rung::FOUR)
        || found.claimed.is_some_and(|c| c >= Rung::FOUR);
    list.push(if high {
        check(
            Rule::V6,
            found.asset_valid,
            if found.asset_valid {
                "a proprietary asset is named"
            } else {
                "Rung 4-5 without a named proprietary asset: capped at Rung 3 (R22)"
            },
        )
    } else {
        Check { id: Rule::V6, status: CheckStatus::NotApplicable, why: "below Rung 4".to_owned() }
    });
    list
}

fn primary_constraint(
    found: &Diagnose,
    design: &Design,
    input: &DiagnoseInput,
    audit: &TrustAudit,
) -> Constraint {
    let Some(current) = found.standing.rung() else {
        return Constraint {
            text: "not enough evidence: collect at least three observable items before planning"
                .to_owned(),
            rule: Rule::V1,
        };
    };

    // Q28 (1): a cap at the current rung blocks the climb, in Q28's order.
    let climbing = matches!(design.target.target, Target::Climb { .. });
    let order = [Rule::R21d, Rule::R22, Rule::R17, Rule::R21a, Rule::R21b];
    let blocking = order
        .iter()
        .filter_map(|rule| found.caps.iter().find(|c| c.rule == *rule && c.rung <= current))
        .next()
        .filter(|_| climbing);
    if let Some(cap) = blocking {
        return Constraint {
            text: format!("cap at Rung {}: {}", cap.rung, cap.reason),
            rule: cap.rule,
        };
    }

    // Q28 (2) and (3): a failing trust dimension, the move's own first.
    let failing = audit.failing();
    // The move's own dependencies, and the one its step-4 lever relies on (Q12).
    let mut depends: Vec<TrustDimension> =
        input.plan.as_ref().map_or_else(Vec::new, |p| p.trust_dependency.clone());
    depends.extend(design.lever_move.as_ref().and_then(|l| l.trust_dependency));
    let failing_dependency = failing.iter().find(|d| depends.contains(d));
    if let Some(dim) = failing_dependency.or(failing.first()) {
        let rule = if failing_dependency.is_some() { Rule::Q27 } else { Rule::Q28 };
        return Constraint {
            text: format!("{} is failing ({})", dim.label(), dim.question()),
            rule,
        };
    }

    // Q28 (4) and (5): the step-4 lever, then the requirement itself.
    if let Some(lever) = &design.lever_move {
        return Constraint {
            text: format!("({}) {}: {}", lever.lever.letter(), lever.lever.answer(), lever.text),
            rule: Rule::Q12,
        };
    }
    match &design.requirement {
        Some(r) => Constraint { text: format!("{}: {}", r.name, r.text), rule: r.rule },
        None => {
            Constraint { text: "hold at Rung 5: defend the position".to_owned(), rule: Rule::Q22 }
        }
    }
}

fn handoffs(found: &Diagnose, design: &Design, account: &AccountInput) -> Vec<Handoff> {
    let mut list = Vec::new();
    if found.stop_rule.asked && !found.stop_rule.passes {
        list.push(Handoff::new(
            Skill::JobsToBeDone,
            Rule::Q35,
            "the team cannot name an unstated need: jobs-to-be-done surfaces candidates; then ask \
             the stop-rule again",
        ));
    }
    let high_target = match design.target.target {
        Target::Climb { rung } => rung >= Rung::FOUR,
        Target::Hold => true,
        Target::None => false,
    };
    if high_target {
        list.push(Handoff::new(
            Skill::PrincipalAgent,
            Rule::R35,
            "check incentive alignment before Rung 4-5 joint planning",
        ));
    }
    let secure = found.standing.rung().is_some_and(|r| r >= Rung::THREE);
    if account.category_level_problem || secure {
        let why = if account.category_level_problem {
            "the problem is category-level: customers across accounts arrive at the RFP stage"
        } else {
            "Rung 3 is secure: look at demand on the category side"
        };
        list.push(Handoff::new(Skill::DemandLeadership, Rule::Q35, why));
    }
    list
}

fn card(
    input: &DiagnoseInput,
    found: &Diagnose,
    design: &Design,
    audit: &TrustAudit,
    constraint: &Constraint,
    checklist: &[Check],
) -> Card {
    // Q30: the highest-tagged pool items, most recent first on ties; the stop-rule answer
    // takes its place among them by its tag and date. Three are shown, the rest stay in the
    // diagnosis.
    let mut ranked: Vec<(&str, Rung, Rule, Option<NaiveDate>)> = input
        .evidence
        .iter()
        .zip(&found.items)
        .filter_map(|(item, v)| {
            v.tag.map(|t| (item.text.as_str(), t, v.rule, item.when.map(|w| w.last_day())))
        })
        .collect();
    if found.stop_rule.joined_pool
        && let Some(answer) = &input.stop_rule
    {
        let when = answer.when.map(|w| w.last_day());
        ranked.push((answer.text.as_str(), Rung::THREE, Rule::Q18, when));
    }
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.3.cmp(&a.3)));
    let evidence: Vec<CardEvidence> = ranked
        .iter()
        .take(3)
        .map(|(text, rung, rule, _)| CardEvidence {
            text: (*text).to_owned(),
            rung: *rung,
            rule: *rule,
        })
        .collect();

    let rung = match found.standing {
        Standing::Confirmed { rung } => CardRung::Confirmed { rung },
        Standing::Unconfirmed { ceiling } => CardRung::Unconfirmed { ceiling },
    };
    let target = match design.target.target {
        Target::Climb { rung } => CardTarget::Climb { rung },
        Target::Hold => CardTarget::Hold,
        Target::None => CardTarget::None,
    };
    let plan = input.plan.as_ref().filter(|_| target != CardTarget::None);
    Card {
        account: input.account.name.clone(),
        date: input.date,
        owner: input.account.owner.clone(),
        rung,
        caps: found.caps.clone(),
        evidence,
        target,
        requirement: design
            .requirement
            .as_ref()
            .map(|r| format!("{}: {} ({})", r.name, r.text, r.rule)),
        action: plan.map(|p| p.action.clone()),
        action_owner: plan.map(|p| p.owner.clone()),
        due: plan.map(|p| p.due),
        success_evidence: plan.map(|p| p.success_evidence.clone()),
        trust: CardTrust {
            competence: audit.status(TrustDimension::Competence),
            integrity: audit.status(TrustDimension::Integrity),
            benevolence: audit.status(TrustDimension::Benevolence),
        },
        primary_constraint: format!("{} ({})", constraint.text, constraint.rule),
        stop_rule_answer: found.stop_rule.answer.clone(),
        stop_rule_passes: found.stop_rule.passes,
        checklist: checklist.to_vec(),
        provisional: false,
    }
}
