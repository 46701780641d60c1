//! The stdio transport answers the engine's own tool calls itself once a session is
//! initialized (src/server/stdio.rs); every such answer must be the one rmcp's handler gives.
//! A call carrying `_meta` always goes through rmcp, so each call is sent both ways and the
//! answers compared, for accepted and refused input of every engine tool; pipelined calls must
//! all be answered, in any order, each with its own id.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a test failure")]

mod mcp;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};

use serde_json::{Value, json};

struct Pipe {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: BufReader<std::process::ChildStdout>,
    /// Counts the log lines of calls the transport answered; drains stderr meanwhile, so the
    /// server never waits on a full pipe.
    log: Option<std::thread::JoinHandle<usize>>,
}

impl Pipe {
    fn start() -> Pipe {
        let mut child = std::process::Command::new(mcp::BIN)
            .env("RELATIONSHIP_LADDER_DB", mcp::scratch_store())
            .args(["serve", "--log-level", "debug"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let log = std::thread::spawn(move || {
            let direct = |l: &String| l.contains("answered by the stdio transport");
            stderr.lines().map_while(Result::ok).filter(direct).count()
        });
        Pipe { child, stdin, stdout, log: Some(log) }
    }

    /// Closes the session and returns how many calls the transport answered itself.
    fn answered_by_transport(mut self) -> usize {
        drop(self.stdin.take());
        self.child.wait().unwrap();
        self.log.take().unwrap().join().unwrap()
    }

    fn send(&mut self, message: &Value) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        assert!(self.stdout.read_line(&mut line).unwrap() > 0, "the server closed stdout");
        serde_json::from_str(&line).unwrap()
    }

    fn initialize(&mut self) {
        self.send(&json!({"jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                       "clientInfo": {"name": "engine-calls", "version": "0"}}}));
        assert!(self.read()["result"].is_object());
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    }

    fn call(&mut self, id: u64, tool: &str, args: &Value, meta: bool) -> Value {
        let mut params = json!({"name": tool, "arguments": args});
        if meta {
            params["_meta"] = json!({"progressToken": id});
        }
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params}));
        let answer = self.read();
        assert_eq!(answer["id"], id, "{answer}");
        answer
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_transport_answers_engine_calls_as_rmcp_does() {
    let example = mcp::example();
    let mut broken = example.clone();
    broken["evidence"][0]["when"] = json!("last spring");
    let card = {
        let mut pipe = Pipe::start();
        pipe.initialize();
        pipe.call(1, "diagnose", &example, true)["result"]["structuredContent"]["card"].clone()
    };
    let calls = [
        ("check_activation", json!({"account_acv": {"amount": 84000}, "customer_count": 140})),
        ("check_activation", json!({"account_acv": {"amount": 300}, "customer_count": 4})),
        ("check_activation", json!({"account_acv": "lots"})),
        ("diagnose", example.clone()),
        ("diagnose", broken),
        ("diagnose", json!({})),
        ("audit_trust", json!({"date": "2026-12-03", "trust": example["trust"]})),
        ("render_card", json!({"card": card, "format": "markdown"})),
        ("render_card", json!({"card": card, "format": "svg"})),
        ("render_card", json!({"card": {"rung": 9}})),
        ("read_skill", json!({"section": "Output: Diagnostic Card"})),
        ("read_skill", json!({"section": "No such section"})),
    ];
    let mut pipe = Pipe::start();
    pipe.initialize();
    for (i, (tool, args)) in calls.iter().enumerate() {
        let id = 10 + 2 * i as u64;
        let direct = pipe.call(id, tool, args, false);
        let through_rmcp = pipe.call(id + 1, tool, args, true);
        assert!(direct["result"].is_object(), "{tool}: {direct}");
        assert_eq!(direct["result"], through_rmcp["result"], "{tool} {args}");
    }
    assert_eq!(pipe.answered_by_transport(), calls.len(), "each call without _meta, directly");
}

#[test]
fn pipelined_engine_calls_are_each_answered_once() {
    let mut pipe = Pipe::start();
    pipe.initialize();
    let args = json!({"account_acv": {"amount": 84000}, "customer_count": 140});
    let mut batch = String::new();
    for id in 0..200 {
        // Every fourth through rmcp, so both kinds of answer interleave.
        let mut params = json!({"name": "check_activation", "arguments": args});
        if id % 4 == 0 {
            params["_meta"] = json!({"progressToken": id});
        }
        let line = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params});
        batch.push_str(&format!("{line}\n"));
    }
    let stdin = pipe.stdin.as_mut().unwrap();
    stdin.write_all(batch.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let mut seen = BTreeMap::new();
    for _ in 0..200 {
        let answer = pipe.read();
        assert_eq!(answer["result"]["isError"], false, "{answer}");
        *seen.entry(answer["id"].as_u64().unwrap()).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 200);
    assert!(seen.values().all(|n| *n == 1));
    // And the session goes on: a request after the batch is answered.
    pipe.send(&json!({"jsonrpc": "2.0", "id": "after", "method": "ping"}));
    assert_eq!(pipe.read()["id"], "after");
    assert_eq!(pipe.answered_by_transport(), 150);
}

#[test]
fn engine_calls_before_the_session_is_initialized_go_to_rmcp() {
    let mut pipe = Pipe::start();
    pipe.send(&json!({"jsonrpc": "2.0", "id": "init", "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "engine-calls", "version": "0"}}}));
    pipe.read();
    // No `notifications/initialized` yet: rmcp decides what this call gets.
    let args = json!({"account_acv": {"amount": 84000}, "customer_count": 140});
    pipe.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": "check_activation", "arguments": args}}));
    pipe.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    pipe.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                      "params": {"name": "check_activation", "arguments": args}}));
    // Two answers, in whichever order they were written.
    let mut ids: Vec<Value> = (0..2).map(|_| pipe.read()["id"].clone()).collect();
    ids.sort_by_key(Value::to_string);
    assert_eq!(ids, [json!(1), json!(2)]);
    assert_eq!(pipe.answered_by_transport(), 1, "only the call after initialized");
}
