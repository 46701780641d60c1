//! The coach for 2026-07-28 clients that declare elicitation: each question goes to the human
//! through the host's form (an `InputRequiredResult`), the state rides in a sealed
//! `requestState`, and a tampered, replayed or expired state is refused.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod mcp;

use std::sync::{Arc, Mutex};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientCapabilities, ClientConfig, ElicitRequestParams,
    ElicitResult, ElicitationAction, Implementation, ProtocolVersion,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{ClientHandler, ClientLifecycleMode, ClientServiceExt, ErrorData, RoleClient};
use serde_json::{Value, json};

/// A person at the host who answers each form from a script and remembers what was asked.
#[derive(Clone, Default)]
struct Human {
    script: Arc<Mutex<Vec<Value>>>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl ClientHandler for Human {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_elicitation().build(),
            Implementation::new("human-at-host", "0.0.0"),
        )
        .with_protocol_version(ProtocolVersion::V_2026_07_28)
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let ElicitRequestParams::FormElicitationParams { message, .. } = request else {
            return Ok(ElicitResult::new(ElicitationAction::Decline));
        };
        self.asked.lock().unwrap().push(message);
        let mut script = self.script.lock().unwrap();
        if script.is_empty() {
            return Ok(ElicitResult::new(ElicitationAction::Cancel));
        }
        Ok(ElicitResult::new(ElicitationAction::Accept).with_content(script.remove(0)))
    }
}

async fn connect(human: Human, extra: &[&str]) -> RunningService<RoleClient, Human> {
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    let command = tokio::process::Command::new(mcp::BIN).configure(|c| {
        c.arg("serve").args(&extra);
    });
    human
        .serve_with_lifecycle(
            TokioChildProcess::new(command).unwrap(),
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .unwrap()
}

fn start_params() -> CallToolRequestParams {
    let args = json!({"acv": {"amount": 84000}, "customer_count": 140});
    CallToolRequestParams::new("coach").with_arguments(args.as_object().unwrap().clone())
}

fn script() -> Vec<Value> {
    vec![
        json!({"text": "Fixed their label printer; trained two dispatchers"}),
        json!({"text": "Built an exception export they never asked for", "concrete": true}),
        json!({"shared_before_final": "no"}),
        json!({"choice": "a"}),
        json!({"action": "Assign Priya Nair to shadow their dispatch planners",
               "owner": "Priya Nair", "due": (relationship_ladder::server::today()
                   + chrono::TimeDelta::days(10)).to_string()}),
    ]
}

#[tokio::test]
async fn the_host_asks_the_human_each_step_and_the_call_ends_with_the_card() {
    let human = Human { script: Arc::new(Mutex::new(script())), ..Human::default() };
    let client = connect(human.clone(), &[]).await;
    let result = client
        .call_tool(
            CallToolRequestParams::new("coach").with_arguments(
                json!({"account": "Northwind", "acv": {"amount": 84000}, "customer_count": 140})
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let s = result.structured_content.unwrap();
    assert_eq!(s["status"], "finished");
    assert_eq!(s["card"]["provisional"], true);
    let asked = human.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 5, "one form per step: {asked:#?}");
    for (i, message) in asked.iter().enumerate() {
        assert!(message.contains(&format!("Step {} of 5", i + 1)), "{message}");
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn an_invalid_answer_is_asked_again_with_the_reason() {
    let mut answers = script();
    answers.insert(
        4,
        json!({"action": "Book more executive dinners", "owner": "Dana",
        "due": relationship_ladder::server::today().to_string()}),
    );
    let human = Human { script: Arc::new(Mutex::new(answers)), ..Human::default() };
    let client = connect(human.clone(), &[]).await;
    let result = client.call_tool(start_params()).await.unwrap();
    assert_eq!(result.structured_content.unwrap()["status"], "finished");
    let asked = human.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 6);
    assert!(asked[5].contains("That answer could not be taken"), "{}", asked[5]);
    assert!(asked[5].contains("Step 5 of 5"));
    client.cancel().await.unwrap();
}

/// The first round's sealed state and the request that answers it.
async fn first_round(
    client: &RunningService<RoleClient, Human>,
) -> (String, CallToolRequestParams) {
    let CallToolResponse::InputRequired(round) =
        client.call_tool_once(start_params()).await.unwrap()
    else {
        panic!("a 2026 client with elicitation gets a form");
    };
    let state = round.request_state.unwrap();
    let mut responses = std::collections::BTreeMap::new();
    responses.insert(
        "answer".to_owned(),
        json!({"action": "accept", "content": {"text": "Trained their dispatchers"}}),
    );
    let mut retry = start_params();
    retry.input_responses = Some(responses);
    (state, retry)
}

#[tokio::test]
async fn a_tampered_or_replayed_request_state_is_refused() {
    let client = connect(Human::default(), &[]).await;
    let (state, retry) = first_round(&client).await;

    let mut tampered = retry.clone();
    let mut bytes = state.clone().into_bytes();
    let at = bytes.len() - 3;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    tampered.request_state = Some(String::from_utf8(bytes).unwrap());
    let err = client.call_tool_once(tampered).await.unwrap_err();
    assert!(err.to_string().contains("requestState was refused"), "{err}");

    let mut honest = retry.clone();
    honest.request_state = Some(state.clone());
    let next = client.call_tool_once(honest.clone()).await.unwrap();
    assert!(matches!(next, CallToolResponse::InputRequired(_)), "step 2's form comes next");
    let err = client.call_tool_once(honest).await.unwrap_err();
    assert!(err.to_string().contains("already used"), "{err}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn an_expired_request_state_is_refused() {
    let client = connect(Human::default(), &["--session-ttl", "0"]).await;
    let (state, mut retry) = first_round(&client).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    retry.request_state = Some(state);
    let err = client.call_tool_once(retry).await.unwrap_err();
    assert!(err.to_string().contains("requestState was refused"), "{err}");
    client.cancel().await.unwrap();
}
