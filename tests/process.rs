//! The server as a process: how it starts and ends, what it writes to stdout, and how it
//! answers requests a client should not have sent.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod mcp;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn wait_with_timeout(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < limit, "the server did not exit within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_client_that_closes_stdin_without_initialize_ends_normally() {
    let mut child = mcp::spawn_stdio(&[]);
    drop(child.stdin.take());
    let status = wait_with_timeout(&mut child, Duration::from_secs(10));
    assert!(status.success(), "{status}");
}

/// Sends raw lines to a stdio server and returns every line it wrote to stdout.
fn exchange(lines: &[String]) -> Vec<Value> {
    let mut child = mcp::spawn_stdio(&[]);
    let mut stdin = child.stdin.take().unwrap();
    for line in lines {
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
    }
    drop(stdin);
    let out: Vec<Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| {
            let l = l.unwrap();
            serde_json::from_str(&l)
                .unwrap_or_else(|e| panic!("stdout is not JSON-RPC: {l:?}: {e}"))
        })
        .collect();
    assert!(wait_with_timeout(&mut child, Duration::from_secs(10)).success());
    out
}

#[test]
fn params_of_the_wrong_type_get_an_error_reply_and_stdout_carries_only_json_rpc() {
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}});
    let lines = [
        init.to_string(),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": [1, 2]}).to_string(),
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": "diagnose"})
            .to_string(),
        json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": 7}})
            .to_string(),
        json!({"jsonrpc": "2.0", "id": 5, "method": "tools/list"}).to_string(),
    ];
    let out = exchange(&lines);
    let reply = |id: i64| out.iter().find(|m| m["id"] == id);
    for m in &out {
        assert_eq!(m["jsonrpc"], "2.0");
    }
    // Params that are not an object make the request unreadable, so rmcp answers -32600
    // without an id (it cannot tell which request it was); a readable request with a bad
    // field is answered under its own id.
    let errors: Vec<&Value> = out.iter().filter(|m| m.get("error").is_some()).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(reply(4).unwrap()["error"]["code"].is_i64());
    assert_eq!(reply(5).unwrap()["result"]["tools"].as_array().unwrap().len(), 10);
}

#[test]
fn an_expired_coach_session_is_refused() {
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}});
    let mut child = mcp::spawn_stdio(&["--session-ttl", "0"]);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |v: Value| {
        stdin.write_all(format!("{v}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    };
    let mut read = || {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        serde_json::from_str::<Value>(&line).unwrap()
    };
    send(init);
    read();
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "coach",
            "arguments": {"acv": {"amount": 84000}, "customer_count": 140}}}));
    let started = read();
    let handle = started["result"]["structuredContent"]["session"].as_str().unwrap().to_owned();
    std::thread::sleep(Duration::from_millis(20));
    send(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "coach",
        "arguments": {"session": handle, "step": 1, "text": "Trained them"}}}));
    let late = read();
    assert_eq!(late["result"]["isError"], true);
    assert!(
        late["result"]["structuredContent"]["error"]["problem"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    drop(stdin);
    assert!(wait_with_timeout(&mut child, Duration::from_secs(10)).success());
}

#[tokio::test]
async fn the_http_server_shuts_down_gracefully_on_sigterm() {
    let mut child = Command::new(mcp::BIN)
        .args(["serve", "--http", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(child.try_wait().unwrap().is_none(), "the server is running");
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(10));
    assert!(status.success(), "{status}");
}

#[test]
fn bad_flags_are_usage_errors() {
    let out = Command::new(mcp::BIN).args(["serve", "--log-level", "loud"]).output().unwrap();
    assert!(!out.status.success());
    let out = Command::new(mcp::BIN).args(["serve", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(mcp::BIN).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}
