//! The novice coach (R9–R14, Q7–Q13) driven turn by turn through its public transition
//! function, as the MCP server will drive it.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod support;

use relationship_ladder::method::coach::{self, Answer, Reply, State, Step, YesNo};
use relationship_ladder::method::report::Skill;
use relationship_ladder::method::{Lever, Limits, Rule, Rung};
use support::*;

fn started() -> State {
    coach::start(date(), Some("Northwind".into()), Some("Dana Whitfield".into())).0
}

fn say(state: &State, answer: Answer) -> (State, Reply) {
    coach::answer(state, &answer, Limits::default()).unwrap_or_else(|r| panic!("refused: {r}"))
}

fn refused(state: &State, answer: Answer) -> Rule {
    let refusal = coach::answer(state, &answer, Limits::default()).expect_err("should refuse");
    let pending = refusal.pending.as_ref().expect("a refusal repeats the pending question");
    assert_eq!(Some(pending.step), state.pending.map(Step::number));
    assert!(pending.must_end_turn);
    refusal.error.rule
}

fn text(step: u8, words: &str) -> Answer {
    Answer { step, text: words.into(), ..Answer::default() }
}

/// Drives steps 1–3 with the given answers and returns the state awaiting step 4.
fn through_step3(step1: &str, step2: Option<&str>, step3: Option<YesNo>) -> (State, Reply) {
    let (s, _) = say(&started(), text(1, step1));
    let a2 = match step2 {
        Some(words) => Answer { concrete: Some(true), ..text(2, words) },
        None => text(2, ""),
    };
    let (s, _) = say(&s, a2);
    let a3 = match step3 {
        Some(yn) => Answer { shared_before_final: Some(yn), ..text(3, "see the flag") },
        None => text(3, ""),
    };
    say(&s, a3)
}

fn step5(action: &str, owner: &str, due: &str) -> Answer {
    Answer {
        step: 5,
        action: Some(action.into()),
        owner: Some(owner.into()),
        due: Some(day(due)),
        ..Answer::default()
    }
}

#[test]
fn r9_every_reply_asks_one_question_and_ends_the_turn() {
    let (state, reply) = coach::start(date(), None, None);
    let prompt = reply.prompt.unwrap();
    assert_eq!(prompt.step, 1);
    assert!(prompt.must_end_turn);
    assert!(prompt.instruction.contains("end your turn"));
    assert!(prompt.question.ends_with('.') || prompt.question.ends_with('?'));
    let (_, reply) = say(&state, text(1, "Fixed their label printer; trained two new dispatchers"));
    assert_eq!(reply.prompt.unwrap().step, 2, "exactly the next step, never two");
}

#[test]
fn r9_q7_skipping_or_repeating_a_step_is_refused_and_changes_nothing() {
    let state = started();
    for step in [0, 2, 3, 5, 6] {
        assert_eq!(refused(&state, text(step, "We shadowed their planners")), Rule::Q7);
    }
    let (after1, _) = say(&state, text(1, "Trained their new dispatchers"));
    assert_eq!(refused(&after1, text(1, "again")), Rule::Q7);
    assert_eq!(after1.pending, Some(Step::Unrequested));
}

#[test]
fn r9_a_finished_session_cannot_be_resumed() {
    let (s, _) = through_step3("Trained their dispatchers", Some("Built the export"), None);
    let (s, _) = say(&s, Answer { step: 4, choice: Some(Lever::Access), ..Answer::default() });
    let (s, reply) =
        say(&s, step5("Assign Priya Nair to map their exception flow", "Priya Nair", "2026-12-20"));
    assert!(reply.prompt.is_none() && reply.card.is_some());
    let refusal = coach::answer(&s, &text(5, "more"), Limits::default()).unwrap_err();
    assert_eq!(refusal.error.rule, Rule::R9);
    assert!(refusal.pending.is_none());
}

#[test]
fn r10_a_blank_step_1_bounds_the_range_at_rung_1_to_2() {
    for blank in ["", "none", "🤷", "nada"] {
        let (_, reply) = say(&started(), text(1, blank));
        assert_eq!(reply.range, (rung(1), rung(2)), "{blank:?}");
    }
    let (_, reply) = say(&started(), text(1, "Fixed their label printing"));
    assert_eq!(reply.range, (rung(1), rung(5)));
}

#[test]
fn r10_step_1_items_are_checked_against_the_fake_moves() {
    let (_, reply) = say(&started(), text(1, "We gave them a discount and sent a trends report"));
    let rules: Vec<_> = reply.findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&Rule::R20e) && rules.contains(&Rule::R20d), "{rules:?}");
}

#[test]
fn r11_a_concrete_step_2_puts_the_account_at_the_2_to_3_boundary() {
    let (s, _) = say(&started(), text(1, "Trained their dispatchers"));
    let (_, reply) =
        say(&s, Answer { concrete: Some(true), ..text(2, "Built an exception export") });
    assert_eq!(reply.range, (rung(2), rung(3)));
}

#[test]
fn r11_q10_a_planned_or_generic_step_2_is_not_concrete() {
    let (s, _) = say(&started(), text(1, "Trained their dispatchers"));
    for words in ["We will build them an export", "We sent an industry trends report"] {
        let (_, reply) = say(&s, Answer { concrete: Some(true), ..text(2, words) });
        assert_eq!(reply.range.1, rung(2), "{words}");
        assert_eq!(reply.handoffs[0].skill, Skill::JobsToBeDone, "Q35");
    }
    assert_eq!(refused(&s, text(2, "We built an export")), Rule::Q10, "concrete must be stated");
}

#[test]
fn r12_yes_at_step_3_means_approaching_rung_4() {
    let (_, reply) = through_step3("Trained them", Some("Built the export"), Some(YesNo::Yes));
    assert_eq!(reply.range, (rung(3), rung(3)));
}

#[test]
fn r12_q11_plans_shared_after_publication_count_as_no() {
    let (s, _) = say(&started(), text(1, "Trained them"));
    let (s, _) = say(&s, Answer { concrete: Some(true), ..text(2, "Built the export") });
    let (_, reply) = say(
        &s,
        Answer {
            shared_before_final: Some(YesNo::Yes),
            ..text(3, "Yes, they share them after the announcement")
        },
    );
    assert_eq!(reply.range, (rung(2), rung(3)));
    assert!(reply.findings.iter().any(|f| f.rule == Rule::R21c));
}

#[test]
fn r13_step_4_maps_a_b_c_and_refuses_blank_or_unclear_answers() {
    let (s, _) = through_step3("Trained them", Some("Built the export"), Some(YesNo::No));
    for (answer, lever) in [
        (text(4, "a"), Lever::Knowledge),
        (text(4, "(b)"), Lever::Mandate),
        (text(4, "Honestly, they don't engage with us"), Lever::Access),
        (text(4, "Wir kennen ihr Geschäft nicht"), Lever::Knowledge),
        (Answer { step: 4, choice: Some(Lever::Mandate), ..Answer::default() }, Lever::Mandate),
    ] {
        let (next, _) = say(&s, answer);
        assert_eq!(next.lever, Some(lever));
        assert_eq!(next.pending, Some(Step::Action));
    }
    assert_eq!(refused(&s, text(4, "")), Rule::Q8);
    assert_eq!(refused(&s, text(4, "budget season")), Rule::Q12);
    assert_eq!(
        refused(&s, text(4, "We're afraid to overstep and they don't engage")),
        Rule::Q12,
        "several apply: the user picks the primary one"
    );
}

#[test]
fn r14_q13_step_5_needs_one_action_a_named_owner_and_a_date_within_30_days() {
    let (s, _) = through_step3("Trained them", Some("Built the export"), Some(YesNo::No));
    let (s, _) = say(&s, text(4, "a"));
    let good = "Assign Priya Nair to shadow their dispatch planners for two days";
    let cases = [
        (step5(good, "the team", "2026-12-20"), "owner"),
        (step5(good, "Priya Nair", "2027-01-03"), "due"),
        (step5(good, "Priya Nair", "2026-12-02"), "due"),
        (step5("Shadow their planners; build a forecast", "Priya Nair", "2026-12-20"), "action"),
        (step5("Schedule more calls and a dinner", "Priya Nair", "2026-12-20"), "action"),
        (Answer { step: 5, ..Answer::default() }, "action"),
    ];
    for (answer, field) in cases {
        let refusal = coach::answer(&s, &answer, Limits::default()).unwrap_err();
        assert_eq!(refusal.error.field, field, "{answer:?}");
    }
    let (done, reply) = say(&s, step5(good, "Priya Nair", "2027-01-02"));
    assert!(done.pending.is_none());
    let card = reply.card.unwrap();
    assert!(card.provisional && !card.verified());
    assert_eq!(card.action_owner.as_deref(), Some("Priya Nair"));
}

#[test]
fn q7_volunteered_answers_are_kept_and_shown_when_their_step_comes() {
    let answer = Answer {
        volunteered: vec![coach::Volunteered { step: 3, text: "they send us drafts".into() }],
        ..text(1, "Trained them")
    };
    let (s, _) = say(&started(), answer);
    let (_, reply) = say(&s, Answer { concrete: Some(true), ..text(2, "Built the export") });
    let prompt = reply.prompt.unwrap();
    assert_eq!(prompt.step, 3, "the volunteered step is still asked");
    assert_eq!(prompt.earlier.as_deref(), Some("they send us drafts"));
}

#[test]
fn q9_the_method_md_examples_give_their_ranges() {
    let (_, r) = through_step3("", Some("Built the export"), Some(YesNo::No));
    assert_eq!(r.range, (rung(2), rung(2)), "blank / concrete / no");
    let (_, r) = through_step3("Trained them", Some("Built the export"), Some(YesNo::Yes));
    assert_eq!(r.range, (rung(3), rung(3)), "non-blank / concrete / yes");
    let (_, r) = through_step3("", Some("Built the export"), Some(YesNo::Yes));
    assert_eq!(r.range, (rung(2), rung(2)), "blank / concrete / yes: step 3 dropped");
    assert!(r.findings.iter().any(|f| f.rule == Rule::Q9));
}

#[test]
fn q9_a_wide_range_plans_from_its_lower_bound() {
    let (s, r) = through_step3("Trained them", Some("Built the export"), Some(YesNo::No));
    assert_eq!(r.range, (rung(2), rung(3)));
    let (s, _) = say(&s, text(4, "c"));
    let (_, reply) =
        say(&s, step5("Assign Priya Nair to map the exception flow", "Priya Nair", "2026-12-20"));
    let card = reply.card.unwrap();
    assert_eq!(
        card.target,
        relationship_ladder::method::card::CardTarget::Climb { rung: Rung::new(3).unwrap() }
    );
}

#[test]
fn q13_a_session_date_at_the_end_of_the_calendar_is_refused_not_a_panic() {
    let (s, _) = coach::start(chrono::NaiveDate::MAX, None, None);
    let (s, _) = say(&s, text(1, "Trained them"));
    let (s, _) = say(&s, Answer { concrete: Some(true), ..text(2, "Built the export") });
    let (s, _) = say(&s, Answer { shared_before_final: Some(YesNo::No), ..text(3, "no") });
    let (s, _) = say(&s, text(4, "a"));
    let refusal = coach::answer(
        &s,
        &step5("Assign Priya Nair to map it", "Priya Nair", "2026-12-20"),
        Limits::default(),
    )
    .unwrap_err();
    assert_eq!(refusal.error.field, "due");
}
