//! Snapshot tests of the Diagnostic Card (R33, Q30) in each format: the example account, an
//! unconfirmed account, and the coach's provisional card. The snapshots live in
//! `tests/snapshots/`; review a change with `cargo insta review` or by reading the diff.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod support;

use relationship_ladder::method::coach::{self, Answer};
use relationship_ladder::method::{Lever, Limits};
use support::*;

#[test]
fn r33_example_card_as_text() {
    let card = run(&example()).card.unwrap();
    insta::assert_snapshot!(card.to_text());
}

#[test]
fn r33_example_card_as_markdown() {
    let card = run(&example()).card.unwrap();
    insta::assert_snapshot!(card.to_markdown());
}

#[test]
fn r33_example_card_as_json() {
    let card = run(&example()).card.unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&card).unwrap());
}

#[test]
fn q36_unconfirmed_card_as_text() {
    let mut i = input(vec![item("reliable_delivery", "SLA met for six months", "2026-11-01")]);
    i.stop_rule = Some(blank_stop_rule("none"));
    insta::assert_snapshot!(run(&i).card.unwrap().to_text());
}

#[test]
fn q30_provisional_coach_card_as_text() {
    let (mut state, _) =
        coach::start(date(), Some("Northwind".into()), Some("Dana Whitfield".into()));
    let answers = [
        Answer { step: 1, text: "Nothing really".into(), ..Answer::default() },
        Answer {
            step: 2,
            text: "We noticed their dispatchers re-keying exceptions and built an export".into(),
            concrete: Some(true),
            ..Answer::default()
        },
        Answer { step: 3, text: "no".into(), ..Answer::default() },
        Answer { step: 4, choice: Some(Lever::Knowledge), ..Answer::default() },
        Answer {
            step: 5,
            action: Some("Assign Priya Nair to shadow their dispatch planners for two days".into()),
            owner: Some("Priya Nair".into()),
            due: Some(day("2026-12-20")),
            ..Answer::default()
        },
    ];
    let mut last = None;
    for a in &answers {
        let (next, reply) = coach::answer(&state, a, Limits::default()).unwrap();
        state = next;
        last = Some(reply);
    }
    let card = last.unwrap().card.unwrap();
    insta::assert_snapshot!(card.to_text());
}

#[test]
fn markdown_escapes_user_text() {
    let mut i = input(items("reliable_delivery", 3));
    i.evidence[0].text = "<script>alert(1)</script> **bold** [link](http://x)".into();
    i.account.name = "Acme | <b>".into();
    let md = run(&i).card.unwrap().to_markdown();
    assert!(!md.contains("<script>") && !md.contains("<b>"), "{md}");
    assert!(md.contains("&lt;script&gt;"));
    assert!(md.contains("\\[link\\]"));
}
