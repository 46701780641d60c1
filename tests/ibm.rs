//! The skill's worked example, IBM 1993–2001 (examples/ibm-transformation-1993-2001.md), as an
//! end-to-end test: the 1993 evidence diagnoses at Rung 1–2, and each later year's evidence
//! climbs exactly one rung, with the target always the next rung up (R23).

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod support;

use relationship_ladder::method::design::Target;
use relationship_ladder::method::evidence::{
    AssetKind, EvidenceItem, ProprietaryAsset, StopRuleAnswer,
};
use relationship_ladder::method::process::DiagnoseInput;
use relationship_ladder::method::{Domain, Rung};
use support::*;

fn at(
    card_date: &str,
    evidence: Vec<EvidenceItem>,
    stop_rule: Option<StopRuleAnswer>,
) -> DiagnoseInput {
    let mut i = input(evidence);
    i.date = day(card_date);
    i.account.name = "A mid-1990s banking client (composite)".into();
    i.account.owner = "IBM client executive".into();
    i.account.domain = Domain::ProfessionalServices;
    i.stop_rule = stop_rule;
    i
}

fn stop_rule(when: &str) -> StopRuleAnswer {
    StopRuleAnswer {
        text: "Our on-site team saw the branch network's batch window overrunning, which the bank \
               never raised, and rescheduled the settlement jobs"
            .into(),
        need: Some("the settlement batch window overrunning every month-end".into()),
        action_taken: Some("rescheduled and re-sequenced the settlement jobs".into()),
        when: Some(when.parse().unwrap()),
        same_as: None,
    }
}

#[test]
fn ibm_1993_is_rung_1_to_2() {
    let evidence = vec![
        item("customer_specifies", "The bank sent IBM an RFP for mainframe capacity", "1993-09-01"),
        item(
            "alternatives_kept_warm",
            "The bank dual-sourced storage with a plug-compatible rival",
            "1993-10-01",
        ),
        item(
            "vendor_hosted_review",
            "IBM's account reviews were IBM's own product briefings",
            "1993-11-01",
        ),
        item("tenure", "IBM had been the bank's vendor for 20 years", "1993-11-15"),
    ];
    let d = run(&at("1993-12-15", evidence, Some(blank_stop_rule("none"))));
    let rung = current(&d).unwrap();
    assert!(rung <= Rung::TWO, "1993 diagnoses at Rung {rung}");
}

#[test]
fn ibm_climbs_one_rung_at_a_time() {
    let years = [
        (
            "1995-12-15",
            vec![
                item(
                    "reliable_delivery",
                    "IBM met the outage SLA every month of 1995",
                    "1995-11-01",
                ),
                item(
                    "reliable_delivery",
                    "Data-centre migration delivered on the committed date",
                    "1995-10-01",
                ),
                item(
                    "stopped_shopping",
                    "The bank renewed the hardware contract without a tender",
                    "1995-09-20",
                ),
            ],
            None,
            Rung::TWO,
        ),
        (
            "1997-12-15",
            vec![
                item(
                    "inside_knowledge",
                    "IBM consultants embedded in the bank's branch operations \
                    mapped needs the bank had never stated",
                    "1997-11-01",
                ),
                item(
                    "invited_to_customer_planning",
                    "The bank's COO invited IBM into its annual \
                    operations planning",
                    "1997-10-15",
                ),
                item(
                    "unstated_need_addressed",
                    "IBM found and fixed the month-end settlement \
                    backlog the bank had not raised",
                    "1997-11-20",
                ),
            ],
            Some(stop_rule("1997-11-20")),
            Rung::THREE,
        ),
        (
            "1999-12-15",
            vec![
                item(
                    "roadmap_shared_before_final",
                    "The bank shared its restructuring plan with \
                    IBM before its own board saw it",
                    "1999-10-01",
                ),
                item(
                    "joint_problem_definition",
                    "IBM and the bank staffed a joint programme office \
                    for the branch consolidation, both committing people and budget",
                    "1999-11-01",
                ),
                item(
                    "joint_asset_switching_cost",
                    "A ten-year outsourcing agreement runs the bank's \
                    data centres on jointly built processes",
                    "1999-09-01",
                ),
            ],
            Some(stop_rule("1999-11-20")),
            Rung::FOUR,
        ),
    ];
    let mut previous = Rung::TWO;
    for (card_date, evidence, stop, expected) in years {
        let mut i = at(card_date, evidence, stop);
        if expected == Rung::FOUR {
            i.proprietary_asset = Some(ProprietaryAsset {
                name: "IBM's cross-industry outsourcing delivery method and its staff".into(),
                kind: AssetKind::Methodology,
                why_unique: "no other vendor ran data centres for that many banks at once".into(),
            });
        }
        let d = run(&i);
        let rung = current(&d).unwrap();
        assert_eq!(rung, expected, "{card_date}");
        assert!(rung.get() <= previous.get() + 1, "{card_date} skipped a rung");
        let target = d.design.unwrap().target.target;
        assert_eq!(target, Target::Climb { rung: rung.next().unwrap() }, "{card_date}");
        previous = rung;
    }
}
