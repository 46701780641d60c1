//! The server over Streamable HTTP: both protocol eras through rmcp's own client, and the
//! transport's defences (Origin, Host, body size, bearer token) through raw requests.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod mcp;

use mcp::{ERAS, Era, HttpServer, call, example, structured, text};
use serde_json::json;

fn initialize() -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}})
}

async fn post(server: &HttpServer, headers: &[(&str, &str)], body: String) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(&server.url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn both_eras_call_tools_over_http() {
    let server = HttpServer::start(&[]).await;
    for era in ERAS {
        let client = server.client(era, None).await;
        assert_eq!(client.list_all_tools().await.unwrap().len(), 10, "{era:?}");
        let result = call(&client, "diagnose", example()).await;
        assert_eq!(result.is_error, Some(false), "{era:?}: {}", text(&result));
        assert_eq!(structured(&result)["diagnose"]["standing"]["rung"], 2);
        let coach =
            call(&client, "coach", json!({"acv": {"amount": 84000}, "customer_count": 140})).await;
        assert_eq!(structured(&coach)["prompt"]["step"], 1);
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn a_coach_session_cannot_be_answered_from_another_http_session() {
    let server = HttpServer::start(&[]).await;
    let alice = server.client(Era::V2025_11, None).await;
    let bob = server.client(Era::V2025_11, None).await;
    let started =
        call(&alice, "coach", json!({"acv": {"amount": 84000}, "customer_count": 140})).await;
    let handle = structured(&started)["session"].as_str().unwrap().to_owned();
    let stolen = call(&bob, "coach", json!({"session": handle, "step": 1, "text": "x"})).await;
    assert_eq!(stolen.is_error, Some(true));
    assert!(text(&stolen).contains("another caller"), "{}", text(&stolen));
    let own =
        call(&alice, "coach", json!({"session": handle, "step": 1, "text": "Trained them"})).await;
    assert_eq!(own.is_error, Some(false), "{}", text(&own));
    alice.cancel().await.unwrap();
    bob.cancel().await.unwrap();
}

#[tokio::test]
async fn a_foreign_origin_or_host_is_refused_and_local_ones_are_served() {
    let server = HttpServer::start(&[]).await;
    let body = initialize().to_string();
    let foreign = post(&server, &[("origin", "http://evil.example.com")], body.clone()).await;
    assert_eq!(foreign.status(), 403);
    let host = post(&server, &[("host", "evil.example.com")], body.clone()).await;
    assert_eq!(host.status(), 403);
    let local_origin = format!("http://127.0.0.1:{}", server.port);
    let ok = post(&server, &[("origin", local_origin.as_str())], body).await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn an_oversized_body_gets_413_and_the_server_stays_up() {
    let server = HttpServer::start(&[]).await;
    let mut big = initialize();
    big["params"]["clientInfo"]["name"] = json!("x".repeat(2 << 20));
    let response = post(&server, &[], big.to_string()).await;
    assert_eq!(response.status(), 413);
    let ok = post(&server, &[], initialize().to_string()).await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_bearer_token_is_required_when_configured() {
    let server = HttpServer::start(&["--token", "s3cret-token"]).await;
    let body = initialize().to_string();
    let none = post(&server, &[], body.clone()).await;
    assert_eq!(none.status(), 401);
    assert!(none.headers().contains_key("www-authenticate"));
    let wrong = post(&server, &[("authorization", "Bearer guess")], body.clone()).await;
    assert_eq!(wrong.status(), 401);
    let right = post(&server, &[("authorization", "Bearer s3cret-token")], body).await;
    assert_eq!(right.status(), 200);
    let client = server.client(Era::V2026, Some("s3cret-token")).await;
    assert_eq!(client.list_all_tools().await.unwrap().len(), 10);
    client.cancel().await.unwrap();
}
