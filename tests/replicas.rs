//! Three `serve --http` replicas on one PostgreSQL database, as a team runs them behind a load
//! balancer: a coach session started through one replica continues through the others (in
//! both protocol eras, 2025 clients served without MCP sessions), two answers to one step on
//! two replicas land once, an elicited (MRTR) round sealed by one replica is opened by another
//! and answers only once across all three, and records written through all three at once are
//! each stored exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a test failure")]

mod mcp;

use mcp::{Client, Era, HttpServer, call, structured, text};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientCapabilities, ClientConfig, Implementation,
    ProtocolVersion,
};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, ClientLifecycleMode, ClientServiceExt, RoleClient};
use serde_json::{Value, json};

const TOKEN: &str = "team-token-for-the-replica-test";

async fn replicas(db: &str) -> Vec<HttpServer> {
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(HttpServer::start(&["--db", db, "--token", TOKEN]).await);
    }
    servers
}

async fn coach(client: &Client, args: Value) -> Value {
    let r = call(client, "coach", args).await;
    let mut s = Value::Object(structured(&r).clone());
    s["is_error"] = json!(r.is_error == Some(true));
    s["text"] = json!(text(&r));
    s
}

fn start_args() -> Value {
    json!({"account": "Northwind", "account_owner": "Dana", "date": "2026-12-03",
           "acv": {"amount": 84000}, "customer_count": 140})
}

#[tokio::test]
async fn a_coach_session_moves_between_replicas_and_each_step_lands_once() {
    let db = mcp::fresh_database("replica_coach");
    let servers = replicas(&db).await;
    for era in [Era::V2025_11, Era::V2026] {
        let mut clients = Vec::new();
        for server in &servers {
            clients.push(server.client(era, Some(TOKEN)).await);
        }
        let started = coach(&clients[0], start_args()).await;
        assert_eq!(started["prompt"]["step"], 1, "{started}");
        let session = started["session"].as_str().unwrap().to_owned();
        let steps = mcp::coach_answers();
        for (i, mut step) in steps.into_iter().enumerate() {
            step["session"] = json!(session);
            // Each step through the next replica: replica 1, 2, 0, 1, 2.
            let via = &clients[(i + 1) % 3];
            if i == 2 {
                // The same answer through two replicas at once: one lands, the other is
                // refused as an answer to a step no longer pending.
                let other = &clients[(i + 2) % 3];
                let (a, b) = tokio::join!(coach(via, step.clone()), coach(other, step.clone()));
                let landed = [&a, &b].iter().filter(|r| r["is_error"] == false).count();
                assert_eq!(landed, 1, "{era:?}: exactly one of two concurrent answers: {a} {b}");
                continue;
            }
            let reply = coach(via, step).await;
            assert_eq!(reply["is_error"], false, "{era:?} step {}: {reply}", i + 1);
            if i < 4 {
                assert_eq!(reply["prompt"]["step"], i + 2, "{era:?}: exactly the next step");
            } else {
                assert_eq!(reply["status"], "finished", "{reply}");
                assert_eq!(reply["card"]["action_owner"], "Priya Nair");
            }
        }
        // A handle no replica issued is unknown to all of them.
        let forged = coach(
            &clients[2],
            json!({"session": "AAAAAAAAAAAAAAAAAAAAAA", "step": 1,
                                               "text": "x"}),
        )
        .await;
        assert!(forged["text"].as_str().unwrap().contains("no coach session"), "{forged}");
        for client in clients {
            client.cancel().await.unwrap();
        }
    }
    // The sessions are rows in the shared database, not in any replica's memory.
    // Each bound to the team's token (a digest of it), whichever replica started it.
    let held: Vec<Option<String>> = mcp::on_postgres(&db, |client| {
        let rows = client.query("SELECT caller FROM coach_session", &[]).unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    });
    assert_eq!(held.len(), 2, "one session per era");
    assert!(held.iter().all(|c| c.as_ref().is_some_and(|c| c.len() == 32)), "{held:?}");
}

#[tokio::test]
async fn records_written_through_three_replicas_at_once_are_each_stored_once() {
    let db = mcp::fresh_database("replica_records");
    let servers = replicas(&db).await;
    let mut writers = tokio::task::JoinSet::new();
    for (r, server) in servers.iter().enumerate() {
        let client = server.client(Era::V2025_11, Some(TOKEN)).await;
        writers.spawn(async move {
            for i in 0..25 {
                // Every replica creates the same new accounts at the same time, too.
                let account = format!("Account {}", i % 5);
                let args = json!({"account": {"name": account}, "recorded_by": format!("r{r}"),
                    "sharing": {"what": format!("replica {r} event {i}"), "by": "CTO",
                                "date": "2026-11-01", "before_public": true}});
                let result = call(&client, "record", args).await;
                assert_eq!(result.is_error, Some(false), "{}", text(&result));
            }
            client.cancel().await.unwrap();
        });
    }
    while let Some(done) = writers.join_next().await {
        done.unwrap();
    }
    let export =
        std::process::Command::new(mcp::BIN).args(["--db", &db, "export"]).output().unwrap();
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let all: Value = serde_json::from_slice(&export.stdout).unwrap();
    let accounts = all["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 5, "each account once, whichever replica created it");
    let mut events: Vec<String> = accounts
        .iter()
        .flat_map(|a| a["records"].as_array().unwrap())
        .map(|r| r["body"]["what"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events.len(), 75);
    events.sort();
    events.dedup();
    assert_eq!(events.len(), 75, "no record twice");
}

/// A 2026 host that declares elicitation, so the coach asks through forms (MRTR); the test
/// sends each round itself.
#[derive(Clone)]
struct Host;

impl ClientHandler for Host {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_elicitation().build(),
            Implementation::new("replica-host", "0.0.0"),
        )
        .with_protocol_version(ProtocolVersion::V_2026_07_28)
    }
}

async fn host(server: &HttpServer) -> RunningService<RoleClient, Host> {
    let config =
        StreamableHttpClientTransportConfig::with_uri(server.url.clone()).auth_header(TOKEN);
    let lifecycle =
        ClientLifecycleMode::Discover { preferred_versions: vec![ProtocolVersion::V_2026_07_28] };
    Host.serve_with_lifecycle(StreamableHttpClientTransport::from_config(config), lifecycle)
        .await
        .unwrap()
}

/// The coach's request for `answer` to the round sealed in `state`.
fn round(state: Option<String>, answer: Value) -> CallToolRequestParams {
    let args = json!({"acv": {"amount": 84000}, "customer_count": 140});
    let mut params =
        CallToolRequestParams::new("coach").with_arguments(args.as_object().unwrap().clone());
    params.request_state = state;
    if !answer.is_null() {
        let content = json!({"action": "accept", "content": answer});
        params.input_responses = Some([("answer".to_owned(), content)].into());
    }
    params
}

fn sealed(response: CallToolResponse) -> String {
    let CallToolResponse::InputRequired(form) = response else {
        panic!("a form for the next step: {response:?}");
    };
    form.request_state.unwrap()
}

#[tokio::test]
async fn an_elicited_coach_round_sealed_on_one_replica_is_answered_on_another_and_only_once() {
    let db = mcp::fresh_database("replica_mrtr");
    let servers = replicas(&db).await;
    let mut hosts = Vec::new();
    for server in &servers {
        hosts.push(host(server).await);
    }
    let first = sealed(hosts[0].call_tool_once(round(None, Value::Null)).await.unwrap());
    let answer = json!({"text": "Fixed their label printer; trained two dispatchers"});
    let second = hosts[1].call_tool_once(round(Some(first.clone()), answer.clone())).await;
    let second = sealed(second.unwrap());
    // The same state again, through the third replica: already used.
    let replay = hosts[2].call_tool_once(round(Some(first), answer)).await.unwrap_err();
    assert!(replay.to_string().contains("already used"), "{replay}");
    let step2 = json!({"text": "Built an exception export they never asked for",
                       "concrete": true});
    let third = hosts[2].call_tool_once(round(Some(second), step2)).await;
    assert!(!sealed(third.unwrap()).is_empty(), "step 3 comes next, from the third replica");
    for host in hosts {
        host.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn a_replica_whose_database_cannot_be_reached_says_so_at_start_up_and_on_each_call() {
    // Nothing listens on port 1; the password must not reach the log or the caller.
    let db = "postgres://ladder:s3cret@127.0.0.1:1/ladder";
    let server = HttpServer::start(&["--db", db, "--token", TOKEN]).await;
    let logged = server.log.lock().unwrap().join("\n");
    assert!(logged.contains("the account store is unavailable"), "{logged}");
    assert!(logged.contains("127.0.0.1:1") && !logged.contains("s3cret"), "{logged}");
    let client = server.client(Era::V2025_11, Some(TOKEN)).await;
    for _ in 0..2 {
        let refused = call(&client, "history", json!({"account": "Acme"})).await;
        assert_eq!(refused.is_error, Some(true));
        let text = text(&refused);
        assert!(text.contains("could not be opened") && !text.contains("s3cret"), "{text}");
    }
    // The engine's tools need no store.
    let engine = call(&client, "check_activation", json!({"account_acv": {"amount": 84000}})).await;
    assert_eq!(engine.is_error, Some(false));
    client.cancel().await.unwrap();
}
