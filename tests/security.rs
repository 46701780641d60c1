//! The HTTP transport against hostile callers, beyond the Origin, Host, body-size and token
//! checks of `tests/http.rs`: header limits, a body that never finishes arriving, session ids
//! and coach handles nobody can guess, one caller's coach session closed to every other, no
//! customer text in the logs above `debug`, and a warning when bound beyond loopback without a
//! token.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a test failure")]

mod mcp;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use mcp::{Era, HttpServer, call, example, structured, text};
use serde_json::json;

fn initialize() -> String {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}})
    .to_string()
}

/// Sends `head` and then `body` over a raw connection and reads the status line that comes
/// back (or an empty string when the server closes without one).
fn raw_exchange(port: u16, head: &str, body: &[u8], pause: Duration) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(pause);
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn too_many_or_too_large_headers_are_refused_and_the_server_stays_up() {
    let server = HttpServer::start(&[]).await;
    let body = initialize();
    let many: String = (0..200).map(|i| format!("x-filler-{i}: {i}\r\n")).collect();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         accept: application/json, text/event-stream\r\ncontent-length: {}\r\n{many}\r\n",
        body.len()
    );
    let status = raw_exchange(server.port, &head, body.as_bytes(), Duration::ZERO);
    assert!(status.contains(" 431 "), "200 headers: {status:?}");
    let huge = format!("x-huge: {}\r\n", "h".repeat(1 << 20));
    let head = format!(
        "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n{huge}\r\n",
        body.len()
    );
    let status = raw_exchange(server.port, &head, body.as_bytes(), Duration::ZERO);
    assert!(status.contains(" 431 ") || status.is_empty(), "a 1 MiB header: {status:?}");
    let client = server.client(Era::V2025_11, None).await;
    assert_eq!(client.list_all_tools().await.unwrap().len(), 10, "still serving");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_body_that_never_finishes_arriving_gets_408_within_the_time_limit() {
    let server = HttpServer::start(&["--request-timeout", "1s"]).await;
    let port = server.port;
    let begun = Instant::now();
    let status = tokio::task::spawn_blocking(move || {
        let head = "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
                    accept: application/json, text/event-stream\r\ncontent-length: 500\r\n\r\n";
        raw_exchange(port, head, b"{\"jsonrpc\":", Duration::ZERO)
    })
    .await
    .unwrap();
    assert!(status.contains(" 408 "), "{status:?}");
    assert!(begun.elapsed() < Duration::from_secs(15), "the limit held the connection open");
    let client = server.client(Era::V2025_11, None).await;
    assert_eq!(client.list_all_tools().await.unwrap().len(), 10, "still serving");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn session_ids_and_coach_handles_are_distinct_and_long_enough_not_to_guess() {
    let server = HttpServer::start(&[]).await;
    let http = reqwest::Client::new();
    let mut ids = HashSet::new();
    for _ in 0..64 {
        let response = http
            .post(&server.url)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(initialize())
            .send()
            .await
            .unwrap();
        let id = response.headers()["mcp-session-id"].to_str().unwrap().to_owned();
        // A random (version 4) UUID: 122 random bits.
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(id.as_bytes()[14], b'4', "{id} is not a random UUID");
        assert!(ids.insert(id), "a session id came twice");
    }
    let client = server.client(Era::V2025_11, None).await;
    let mut handles = HashSet::new();
    for _ in 0..64 {
        let started =
            call(&client, "coach", json!({"acv": {"amount": 84000}, "customer_count": 140})).await;
        let handle = structured(&started)["session"].as_str().unwrap().to_owned();
        // 128 random bits, URL-safe base64.
        assert_eq!(handle.len(), 22, "{handle}");
        assert!(handle.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(handles.insert(handle), "a coach handle came twice");
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn another_caller_can_neither_read_nor_answer_a_coach_session() {
    let server = HttpServer::start(&[]).await;
    let alice = server.client(Era::V2025_11, None).await;
    let mallory = server.client(Era::V2025_11, None).await;
    let started =
        call(&alice, "coach", json!({"acv": {"amount": 84000}, "customer_count": 140})).await;
    let handle = structured(&started)["session"].as_str().unwrap().to_owned();
    for attempt in [
        json!({"session": handle}),
        json!({"session": handle, "step": 1, "text": "Trained their dispatchers"}),
        json!({"session": handle, "step": 2, "text": "skip ahead"}),
    ] {
        let stolen = call(&mallory, "coach", attempt.clone()).await;
        assert_eq!(stolen.is_error, Some(true), "{attempt}");
        let said = text(&stolen);
        assert!(said.contains("another caller"), "{said}");
        assert!(!said.contains("Tell me the last 3 things"), "the question leaked: {said}");
    }
    // The owner's session was not moved by any of it.
    let own =
        call(&alice, "coach", json!({"session": handle, "step": 1, "text": "Trained them"})).await;
    assert_eq!(own.is_error, Some(false), "{}", text(&own));
    assert_eq!(structured(&own)["prompt"]["step"], 2);
    alice.cancel().await.unwrap();
    mallory.cancel().await.unwrap();
}

#[tokio::test]
async fn no_customer_text_reaches_the_log_above_debug() {
    let marker = "Zebulon-Quartz-7731";
    let mut args = example();
    args["account"]["name"] = json!(format!("{marker} Logistics"));
    args["evidence"][0]["text"] = json!(format!("{marker} renewed without a tender"));
    for level in ["info", "warn", "error"] {
        let server = HttpServer::start(&["--log-level", level]).await;
        let client = server.client(Era::V2025_11, None).await;
        let result = call(&client, "diagnose", args.clone()).await;
        assert_eq!(result.is_error, Some(false), "{}", text(&result));
        let coach = json!({"acv": {"amount": 84000}, "customer_count": 140, "account": marker});
        call(&client, "coach", coach).await;
        let refused = call(&client, "audit_trust", json!({"trust": [{"text": marker}]})).await;
        assert_eq!(refused.is_error, Some(true));
        client.cancel().await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let log = server.log.lock().unwrap().join("\n");
        assert!(!log.contains(marker), "customer text in the {level} log:\n{log}");
    }
}

#[test]
fn binding_beyond_loopback_without_a_token_warns() {
    let mut child = std::process::Command::new(mcp::BIN)
        .args(["serve", "--http", "0.0.0.0:0"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    for _ in 0..4 {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut stderr, &mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if line.contains("serving MCP at") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains("WARN") && seen.contains("without a bearer token"), "{seen}");
}
