//! The coach's WAIT stops as a client sees them, over stdio: one question per reply with the
//! instruction to end the turn, a session handle, and a refusal (repeating the pending
//! question) for every way of skipping or faking a step.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod mcp;

use mcp::{Client, ERAS, Era, call, stdio, structured, text};
use serde_json::{Value, json};

async fn start(client: &Client) -> String {
    let r = call(
        client,
        "coach",
        json!({"account": "Northwind", "account_owner": "Dana",
        "date": "2026-12-03", "acv": {"amount": 84000}, "customer_count": 140}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let s = structured(&r);
    assert_eq!(s["status"], "question");
    assert_eq!(s["prompt"]["step"], 1);
    assert_eq!(s["must_end_turn"], true);
    s["session"].as_str().unwrap().to_owned()
}

async fn answer(client: &Client, session: &str, mut args: Value) -> Value {
    args["session"] = json!(session);
    let r = call(client, "coach", args).await;
    let mut s = Value::Object(structured(&r).clone());
    s["is_error"] = json!(r.is_error == Some(true));
    s["text"] = json!(text(&r));
    s
}

fn assert_refused(reply: &Value, pending: u64, field: &str) {
    assert_eq!(reply["is_error"], true, "{reply}");
    assert_eq!(reply["status"], "refused");
    assert_eq!(reply["error"]["field"], field, "{reply}");
    assert_eq!(reply["prompt"]["step"], pending, "the pending question is repeated");
    assert_eq!(reply["must_end_turn"], true);
    assert!(reply["text"].as_str().unwrap().contains("end your turn"));
}

#[tokio::test]
async fn a_whole_coach_session_one_question_per_turn_in_every_era() {
    for era in ERAS {
        let client = stdio(era).await;
        let session = start(&client).await;
        let steps = mcp::coach_answers();
        for (i, step) in steps.into_iter().enumerate() {
            let reply = answer(&client, &session, step).await;
            assert_eq!(reply["is_error"], false, "{era:?} step {}: {reply}", i + 1);
            if i < 4 {
                assert_eq!(reply["prompt"]["step"], i as u64 + 2, "exactly the next step");
                assert_eq!(reply["must_end_turn"], true);
                let question = reply["prompt"]["question"].as_str().unwrap();
                assert!(reply["text"].as_str().unwrap().contains(question));
            } else {
                assert_eq!(reply["status"], "finished");
                assert_eq!(reply["card"]["provisional"], true);
                assert_eq!(reply["card"]["action_owner"], "Priya Nair");
                assert!(reply["session"].is_null());
            }
        }
        let after = answer(&client, &session, json!({"step": 5, "text": "again"})).await;
        assert_eq!(after["is_error"], true, "a finished session cannot be resumed");
        assert_eq!(after["error"]["field"], "step");
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn every_way_of_skipping_a_step_is_refused() {
    let client = stdio(Era::V2025_11).await;
    let session = start(&client).await;

    // Skipping ahead, a wrong step number, and no step at all.
    assert_refused(&answer(&client, &session, json!({"step": 3, "text": "yes"})).await, 1, "step");
    assert_refused(&answer(&client, &session, json!({"step": 9, "text": "yes"})).await, 1, "step");
    assert_refused(&answer(&client, &session, json!({"text": "an answer"})).await, 1, "step");

    // Steps 1-3, then the refusals of step 4 and step 5.
    answer(&client, &session, json!({"step": 1, "text": "Trained their dispatchers"})).await;
    answer(&client, &session, json!({"step": 2, "text": "Built the export", "concrete": true}))
        .await;
    answer(&client, &session, json!({"step": 3, "text": "no", "shared_before_final": "no"})).await;
    assert_refused(&answer(&client, &session, json!({"step": 4, "text": ""})).await, 4, "text");
    assert_refused(
        &answer(&client, &session, json!({"step": 4, "text": "budget season"})).await,
        4,
        "text",
    );
    let go = answer(&client, &session, json!({"step": 4, "choice": "access"})).await;
    assert_eq!(go["prompt"]["step"], 5);
    let bad_date = json!({"step": 5, "action": "Assign Priya Nair to map their exceptions",
        "owner": "Priya Nair", "due": "2027-02-01"});
    assert_refused(&answer(&client, &session, bad_date).await, 5, "due");
    let no_owner = json!({"step": 5, "action": "Assign Priya Nair to map their exceptions",
        "owner": "the team", "due": "2026-12-20"});
    assert_refused(&answer(&client, &session, no_owner).await, 5, "owner");
    let dinners = json!({"step": 5, "action": "Book more executive dinners", "owner": "Dana",
        "due": "2026-12-20"});
    assert_refused(&answer(&client, &session, dinners).await, 5, "action");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_forged_handle_is_refused() {
    let client = stdio(Era::V2025_06).await;
    let reply = answer(&client, "AAAAAAAAAAAAAAAAAAAAAA", json!({"step": 1, "text": "x"})).await;
    assert_eq!(reply["is_error"], true);
    assert_eq!(reply["error"]["field"], "session");
    let reply = answer(&client, "", json!({"step": 1, "text": "x"})).await;
    assert_eq!(reply["error"]["field"], "session");
    // An answer without any session is refused too, not taken as a start.
    let r = call(&client, "coach", json!({"step": 1, "text": "x"})).await;
    assert_eq!(r.is_error, Some(true));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn q1_the_coach_checks_the_exclusions_before_its_first_question() {
    let client = stdio(Era::V2025_11).await;
    let declined =
        call(&client, "coach", json!({"acv": {"amount": 300}, "customer_count": 7})).await;
    assert_eq!(declined.is_error, Some(true));
    let s = structured(&declined);
    assert_eq!(s["decision"], "decline");
    assert_eq!(s["handoffs"][0]["skill"], "lean-startup");
    let asked = call(&client, "coach", json!({})).await;
    assert_eq!(asked.is_error, Some(true));
    assert_eq!(structured(&asked)["decision"], "ask");
    client.cancel().await.unwrap();
}
