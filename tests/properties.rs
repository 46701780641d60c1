//! Property tests of the method's invariants over generated accounts and coach sessions: no
//! rung above an applicable cap or its evidence, no target beyond one rung, no rung without
//! three observable items, no coach advance without a valid answer, and no panic on any input.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod support;

use proptest::prelude::*;
use relationship_ladder::method::coach::{self, Answer, YesNo};
use relationship_ladder::method::design::{MoveKind, PlanInput, Target};
use relationship_ladder::method::evidence::{
    AssetKind, EvidenceItem, OwnerRole, ProprietaryAsset, RelationshipOwner, Standing,
    StopRuleAnswer,
};
use relationship_ladder::method::process::{DiagnoseInput, Status};
use relationship_ladder::method::{Lever, Limits, Observation, Rung, TrustDimension, diagnose};
use support::*;

/// Texts mixing plain evidence, fake moves in several languages, opinion and red flags.
const TEXTS: &[&str] = &[
    "Built the exception export they never asked for",
    "They always take our calls",
    "Wir sind seit 10 Jahren Lieferant",
    "The QBR rated us 9/10",
    "Nous avons envoyé un rapport de tendances",
    "Les dimos un descuento",
    "乗り換えは考えられないと言われた",
    "I think they love us",
    "They shared the plan after it was announced",
    "They contact us only for tickets and invoices",
    "We will build an integration next quarter",
    "",
    "🙂",
    "Their COO invited Priya into the planning forum",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(TEXTS).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn when() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        4 => (2024i32..=2027, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| {
            Some(format!("{y:04}-{m:02}-{d:02}"))
        }),
        1 => (2024i32..=2026, 1u32..=12).prop_map(|(y, m)| Some(format!("{y:04}-{m:02}"))),
    ]
}

fn item() -> impl Strategy<Value = EvidenceItem> {
    let observation = prop::sample::select(Observation::ALL);
    let who =
        prop::option::weighted(0.85, prop::sample::select(&["Marcus Lee", "🙂", "their COO"]));
    (observation, text(), who, prop::option::weighted(0.85, text()), when()).prop_map(
        |(observation, text, who, what, when)| EvidenceItem {
            id: None,
            observation,
            text,
            who: who.map(str::to_owned),
            what,
            when: when.map(|w| w.parse().unwrap()),
            source: None,
        },
    )
}

fn stop_rule() -> impl Strategy<Value = Option<StopRuleAnswer>> {
    prop_oneof![
        Just(None),
        Just(Some(passing_stop_rule())),
        text().prop_map(|t| Some(blank_stop_rule(&t))),
    ]
}

fn owner() -> impl Strategy<Value = Option<RelationshipOwner>> {
    let role = prop::sample::select(&[
        OwnerRole::Procurement,
        OwnerRole::ItOperations,
        OwnerRole::Strategy,
        OwnerRole::CSuite,
        OwnerRole::Other,
        OwnerRole::Unknown,
    ]);
    prop::option::of(role.prop_map(|role| RelationshipOwner { role, title: None }))
}

fn account_input() -> impl Strategy<Value = DiagnoseInput> {
    (
        prop::collection::vec(item(), 0..20),
        stop_rule(),
        owner(),
        any::<bool>(),
        prop::option::of(1u8..=5),
        prop::option::of(1u8..=5),
    )
        .prop_map(|(evidence, stop_rule, owner, asset, claimed, proposed)| {
            let mut i = input(evidence);
            i.stop_rule = stop_rule;
            i.account.relationship_owner = owner;
            i.account.claimed_rung = claimed.and_then(Rung::new);
            i.proprietary_asset = asset.then(|| ProprietaryAsset {
                name: "anonymised dispatch benchmark of 1,900 carriers".into(),
                kind: AssetKind::Data,
                why_unique: "no other vendor sees dispatch data at that scale".into(),
            });
            i.plan = Some(PlanInput {
                target_rung: proposed.and_then(Rung::new),
                trust_dependency: vec![TrustDimension::Integrity],
                move_kind: MoveKind::Operational,
                ..good_plan()
            });
            i
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_rung_never_exceeds_a_cap_or_its_evidence(i in account_input()) {
        let d = run(&i);
        let diag = d.diagnose.unwrap();
        if let Standing::Confirmed { rung } = diag.standing {
            for cap in &diag.caps {
                prop_assert!(rung <= cap.rung, "{rung} above cap {:?}", cap);
            }
            prop_assert!(Some(rung) <= diag.evidenced);
        }
    }

    #[test]
    fn the_target_is_one_rung_up_or_a_hold_at_5(i in account_input()) {
        let d = run(&i);
        let target = d.design.as_ref().unwrap().target.target;
        match current(&d) {
            None => prop_assert_eq!(target, Target::None),
            Some(r) if r == Rung::FIVE => prop_assert_eq!(target, Target::Hold),
            Some(r) => prop_assert_eq!(target, Target::Climb { rung: r.next().unwrap() }),
        }
    }

    #[test]
    fn fewer_than_three_observable_items_is_unconfirmed(i in account_input()) {
        let d = run(&i);
        let diag = d.diagnose.unwrap();
        let observable = diag.items.iter().filter(|v| v.tag.is_some()).count()
            + usize::from(diag.stop_rule.joined_pool);
        if observable < 3 {
            let unconfirmed = matches!(diag.standing, Standing::Unconfirmed { .. });
            prop_assert!(unconfirmed);
        }
        prop_assert_eq!(observable, diag.pool_size);
    }

    #[test]
    fn the_coach_advances_one_step_per_valid_answer_only(
        answers in prop::collection::vec(coach_answer(), 0..30)
    ) {
        let (mut state, _) = coach::start(date(), None, None);
        for a in &answers {
            let before = state.pending;
            match coach::answer(&state, a, Limits::default()) {
                Ok((next, reply)) => {
                    let step = before.expect("a finished session accepted an answer");
                    prop_assert_eq!(a.step, step.number());
                    prop_assert_eq!(next.pending.map(|s| s.number()),
                        (step.number() < 5).then_some(step.number() + 1));
                    prop_assert_eq!(reply.prompt.is_some(), next.pending.is_some());
                    prop_assert!(reply.prompt.iter().all(|p| p.must_end_turn));
                    state = next;
                }
                Err(refusal) => {
                    prop_assert_eq!(refusal.pending.map(|p| p.step), before.map(|s| s.number()));
                }
            }
        }
    }

    #[test]
    fn no_input_panics_the_engine(i in account_input(), long in ".{0,5000}") {
        let mut i = i;
        if let Some(first) = i.evidence.first_mut() {
            first.text = long.clone();
        }
        i.account.name = long;
        let _ = diagnose(&i, Limits::default());
    }

    #[test]
    fn no_json_panics_the_input_parser(s in ".{0,300}") {
        let _ = serde_json::from_str::<DiagnoseInput>(&s);
        let _ = serde_json::from_str::<Answer>(&s);
    }
}

fn coach_answer() -> impl Strategy<Value = Answer> {
    (
        0u8..=6,
        text(),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::sample::select(&[YesNo::Yes, YesNo::No])),
        prop::option::of(prop::sample::select(&[Lever::Knowledge, Lever::Mandate, Lever::Access])),
        prop::option::of(prop::sample::select(&[
            "Assign Priya Nair to map their exception flow",
            "more dinners",
            "",
        ])),
        prop::option::of(prop::sample::select(&["Priya Nair", "the team", ""])),
        prop::option::of(0i64..=40),
    )
        .prop_map(|(step, text, concrete, yes, choice, action, owner, days)| Answer {
            step,
            text,
            concrete,
            shared_before_final: yes,
            choice,
            action: action.map(str::to_owned),
            owner: owner.map(str::to_owned),
            due: days.map(|d| date() + chrono::TimeDelta::days(d)),
            volunteered: Vec::new(),
        })
}

#[test]
fn declined_accounts_never_get_a_rung() {
    let mut i = input(items("vendor_shaped_strategy", 5));
    i.account.acv = Some(relationship_ladder::method::activation::Money {
        amount: 120.0,
        currency: "USD".into(),
        period: Default::default(),
    });
    let d = run(&i);
    assert_eq!(d.status, Status::Declined);
    assert!(d.card.is_none());
}
