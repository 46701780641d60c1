//! A battery of hostile inputs, sent to the built server over its stdin and over HTTP, each with
//! the answer it must get: a JSON-RPC error with its code, an `isError` result naming the field
//! at fault, an accepted call, or silence where the protocol says not to answer. After every
//! input the server must still answer, and over stdio it must never write anything but
//! JSON-RPC messages. The arguments part is generated from the tool definitions the server
//! ships, so a new argument is attacked without a new test.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a test failure")]
#![allow(clippy::print_stderr, reason = "the counts printed are the battery's report")]

mod mcp;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use mcp::HttpServer;
use serde_json::{Value, json};

/// How long one answer may take before the case fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// The answer an input must get.
#[derive(Debug, Clone)]
enum Expect {
    /// A JSON-RPC error with this code, for the request with this id (null when the server
    /// could not read one).
    Error(Value, i64),
    /// A `tools/call` result flagged `isError` whose text names this (a field, a reason).
    Refused(Value, String),
    /// Either an accepted call or a refusal naming this: inputs that are odd but may be valid,
    /// such as emoji in a free-text field or a null for an optional argument.
    RefusedOrAccepted(Value, String),
    /// A successful answer.
    Accepted(Value),
    /// No answer at all.
    Ignored,
}

struct Case {
    name: String,
    line: Vec<u8>,
    /// The body to send over HTTP when it differs from the line (the size limits differ).
    http_body: Option<Vec<u8>>,
    stdio: Expect,
    /// Over HTTP the framing differs: an unreadable body gets an HTTP status instead of
    /// silence. `None` means the same answer as over stdio.
    http: Option<HttpExpect>,
}

#[derive(Debug, Clone, Copy)]
enum HttpExpect {
    /// This status, whatever the body.
    Status(u16),
    /// Accepted with no body (a notification or a response from the client).
    NoContent,
}

fn case(name: impl Into<String>, line: impl Into<Vec<u8>>, stdio: Expect) -> Case {
    Case { name: name.into(), line: line.into(), http_body: None, stdio, http: None }
}

/// A line that is not a message: over stdio the JSON-RPC error with id null; over HTTP the
/// same error as the body of a 400 (checked by `http_framing`).
fn framing(name: &str, line: impl Into<Vec<u8>>, code: i64) -> Case {
    Case {
        name: name.into(),
        line: line.into(),
        http_body: None,
        stdio: Expect::Error(Value::Null, code),
        http: Some(HttpExpect::Status(400)),
    }
}

fn request(id: impl Into<Value>, method: &str, params: Value) -> Vec<u8> {
    let mut message = json!({"jsonrpc": "2.0", "id": id.into(), "method": method});
    if !params.is_null() {
        message["params"] = params;
    }
    message.to_string().into_bytes()
}

fn tool_call(id: &str, tool: &str, arguments: Value) -> Vec<u8> {
    request(id, "tools/call", json!({"name": tool, "arguments": arguments}))
}

fn example() -> Value {
    mcp::example()
}

/// Arguments each tool accepts, so one argument at a time can be made hostile.
fn valid_arguments() -> Vec<(&'static str, Value)> {
    let example = example();
    // A card as `diagnose` makes it, through the engine itself.
    let input: relationship_ladder::method::DiagnoseInput =
        serde_json::from_value(example.clone()).unwrap();
    let diagnosis = relationship_ladder::method::diagnose(
        &input,
        relationship_ladder::method::Limits::default(),
    )
    .unwrap();
    let card = serde_json::to_value(diagnosis.card.unwrap()).unwrap();
    vec![
        ("check_activation", json!({"account_acv": {"amount": 84000}, "customer_count": 140})),
        ("coach", json!({"acv": {"amount": 84000}, "customer_count": 140, "account": "Acme"})),
        ("diagnose", example.clone()),
        ("audit_trust", json!({"date": example["date"], "trust": example["trust"]})),
        ("render_card", json!({"card": card, "format": "markdown"})),
        ("read_skill", json!({})),
        (
            "record",
            json!({"account": {"name": "Northwind Logistics"}, "sharing": {
                "what": "their 2027 plan", "by": "CFO", "date": "2026-11-01",
                "before_public": true}}),
        ),
        ("history", json!({"account": "Northwind Logistics"})),
        ("alerts", json!({"account": "Northwind Logistics", "date": "2026-12-03"})),
        ("portfolio", json!({"date": "2026-12-03"})),
    ]
}

/// The shipped tool definitions, read the way a client reads `tools/list`.
fn definitions() -> Vec<Value> {
    let text = include_str!("../src/server/tools.json");
    serde_json::from_str(text).unwrap()
}

/// The JSON types a property's schema allows, looking through `anyOf` and `$ref`-free
/// combinations the definitions use.
fn schema_types(schema: &Value) -> Vec<String> {
    let mut types = Vec::new();
    match &schema["type"] {
        Value::String(t) => types.push(t.clone()),
        Value::Array(list) => types.extend(list.iter().filter_map(Value::as_str).map(String::from)),
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        for branch in schema[key].as_array().into_iter().flatten() {
            types.extend(schema_types(branch));
        }
    }
    if schema.get("enum").is_some() || schema.get("const").is_some() {
        types.push("string".into());
    }
    types.sort();
    types.dedup();
    types
}

/// A value of a JSON type the schema does not allow.
fn wrong_type(types: &[String]) -> Value {
    if !types.iter().any(|t| t == "number" || t == "integer") {
        json!(42)
    } else if !types.iter().any(|t| t == "string") {
        json!("forty-two")
    } else {
        json!([true])
    }
}

/// Every argument of every tool, attacked one at a time.
fn argument_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let valid = valid_arguments();
    for tool in definitions() {
        let name = tool["name"].as_str().unwrap().to_owned();
        let base = valid.iter().find(|(t, _)| *t == name).map(|(_, a)| a.clone()).unwrap();
        let schema = &tool["inputSchema"];
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = schema["properties"].as_object().cloned().unwrap_or_default();
        for (field, property) in &properties {
            let is_required = required.contains(&field.as_str());
            let types = schema_types(property);
            let with = |value: Option<Value>| {
                let mut args = base.as_object().cloned().unwrap_or_default();
                match value {
                    Some(v) => args.insert(field.clone(), v),
                    None => args.remove(field),
                };
                Value::Object(args)
            };
            let id = |variant: &str| format!("{name}.{field}.{variant}");
            let mut push =
                |variant: &str, value: Option<Value>, expect: fn(Value, String) -> Expect| {
                    let id = id(variant);
                    cases.push(case(
                        id.clone(),
                        tool_call(&id, &name, with(value)),
                        expect(json!(id), field.clone()),
                    ));
                };
            if is_required {
                push("missing", None, Expect::Refused);
                push("null", Some(Value::Null), Expect::Refused);
            } else {
                push("null", Some(Value::Null), Expect::RefusedOrAccepted);
            }
            push("wrong-type", Some(wrong_type(&types)), Expect::Refused);
            let is_text = types.iter().any(|t| t == "string");
            if is_text {
                push("empty", Some(json!("")), Expect::RefusedOrAccepted);
                push("over-long", Some(json!("long ".repeat(1000))), Expect::Refused);
                push("control", Some(json!("before\u{7}after")), Expect::Refused);
                push("bidi", Some(json!("paid \u{202E}evah ew")), Expect::Refused);
                push("emoji", Some(json!("🙂🚀🙂")), Expect::RefusedOrAccepted);
                let is_enum = property.get("enum").is_some()
                    || property["oneOf"]
                        .as_array()
                        .is_some_and(|o| o.iter().all(|b| b.get("const").is_some()));
                if is_enum {
                    push("unknown-enum", Some(json!("not_a_value")), Expect::Refused);
                }
            }
            if types.iter().any(|t| t == "number" || t == "integer") {
                push("negative", Some(json!(-1)), Expect::RefusedOrAccepted);
                push("huge", Some(json!(1e300)), Expect::RefusedOrAccepted);
                push("fraction", Some(json!(0.5)), Expect::RefusedOrAccepted);
            }
            if types.iter().any(|t| t == "array") {
                push("empty", Some(json!([])), Expect::RefusedOrAccepted);
                push("wrong-items", Some(json!([1, "two", null])), Expect::Refused);
            }
            if types.iter().any(|t| t == "object") {
                push("empty", Some(json!({})), Expect::RefusedOrAccepted);
                push("unknown-key", Some(json!({"no_such_key": 1})), Expect::Refused);
            }
        }
        // An argument no tool has.
        let mut extra = base.as_object().cloned().unwrap_or_default();
        extra.insert("no_such_argument".into(), json!(1));
        let id = format!("{name}.unknown-argument");
        cases.push(case(
            id.clone(),
            tool_call(&id, &name, Value::Object(extra)),
            Expect::RefusedOrAccepted(json!(id), "no_such_argument".into()),
        ));
        // Arguments that are not an object at all.
        for (variant, args) in [("array", json!([1, 2])), ("string", json!("diagnose me"))] {
            let id = format!("{name}.arguments-{variant}");
            cases.push(case(
                id.clone(),
                tool_call(&id, &name, args),
                Expect::Error(json!(id), -32602),
            ));
        }
    }
    cases
}

/// Nested fields of the diagnosis, where most of the user's words go.
fn nested_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut push = |variant: &str, edit: &dyn Fn(&mut Value), mentions: &str| {
        let mut args = example();
        edit(&mut args);
        let id = format!("diagnose.{variant}");
        cases.push(case(
            id.clone(),
            tool_call(&id, "diagnose", args),
            Expect::Refused(json!(id), mentions.into()),
        ));
    };
    push(
        "evidence-text-over-long",
        &|a| a["evidence"][0]["text"] = json!("word ".repeat(900)),
        "evidence[0].text",
    );
    push(
        "evidence-text-bidi",
        &|a| a["evidence"][0]["text"] = json!("ok \u{202E}on"),
        "evidence[0].text",
    );
    push(
        "evidence-observation-unknown",
        &|a| a["evidence"][1]["observation"] = json!("vibes"),
        "evidence[1].observation",
    );
    push(
        "evidence-when-not-a-date",
        &|a| a["evidence"][0]["when"] = json!("last tuesday"),
        "evidence[0].when",
    );
    push(
        "evidence-when-impossible",
        &|a| a["evidence"][0]["when"] = json!("2026-02-30"),
        "evidence[0].when",
    );
    push(
        "evidence-too-many",
        &|a| {
            let item = a["evidence"][0].clone();
            a["evidence"] = Value::Array(vec![item; 51]);
        },
        "evidence",
    );
    push(
        "trust-signal-unknown",
        &|a| a["trust"][0]["signal"] = json!("good_vibes"),
        "trust[0].signal",
    );
    push("acv-negative", &|a| a["account"]["acv"]["amount"] = json!(-5), "account.acv.amount");
    push(
        "claimed-rung-out-of-range",
        &|a| a["account"]["claimed_rung"] = json!(9),
        "account.claimed_rung",
    );
    push("domain-unknown", &|a| a["account"]["domain"] = json!("crypto"), "account.domain");
    cases
}

/// A request line for `method` with `params` (left out when null).
fn rpc(id: &str, method: &str, params: Value) -> Vec<u8> {
    request(id, method, params)
}

/// A message sent as written, for the envelope cases.
fn raw(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// A message the server must accept quietly over stdio and with 202 over HTTP.
fn quiet(name: &str, line: &str) -> Case {
    Case {
        name: name.into(),
        line: raw(line),
        http_body: None,
        stdio: Expect::Ignored,
        http: Some(HttpExpect::NoContent),
    }
}

/// Framing, envelope and method cases: the same over both transports but for framing.
fn protocol_cases() -> Vec<Case> {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let deep_line = tool_call("deep", "diagnose", json!({"x": "DEEP"}))
        .into_iter()
        .map(char::from)
        .collect::<String>()
        .replace("\"DEEP\"", &deep);
    let padded = |bytes: usize| {
        let mut line = raw(r#"{"jsonrpc":"2.0","id":"huge","method":"ping","params":{"pad":""#);
        line.extend(std::iter::repeat_n(b'a', bytes));
        line.extend(raw(r#""}}"#));
        line
    };
    let mut bad_utf8 = raw(r#"{"jsonrpc":"2.0","id":"utf8","method":"ping","params":{"x":""#);
    bad_utf8.extend([0xff, 0xfe, 0xc3]);
    bad_utf8.extend(raw(r#""}}"#));
    let invalid = |id: Value| Expect::Error(id, -32600);
    let params = |id: &str| Expect::Error(json!(id), -32602);
    let missing = |id: &str| Expect::Error(json!(id), -32002);
    let null = Value::Null;
    let skill = "skill://customer-relationship-ladder";
    let read = |id: &str, uri: String| rpc(id, "resources/read", json!({"uri": uri}));
    let truncated = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"na"#;
    vec![
        framing("not JSON", "hello, server", -32700),
        framing("truncated JSON", truncated, -32700),
        framing("invalid UTF-8", bad_utf8, -32700),
        framing("nesting 5000 deep", deep_line, -32700),
        Case {
            name: "a line over the size limit".into(),
            line: padded(17 << 20),
            http_body: Some(padded((1 << 20) + 10)),
            stdio: Expect::Error(Value::Null, -32600),
            http: Some(HttpExpect::Status(413)),
        },
        framing("a bare number", "42", -32600),
        case("an array where a message belongs", "[1,2,3]", invalid(null.clone())),
        case("an empty batch", "[]", invalid(null.clone())),
        case("a batch", r#"[{"jsonrpc":"2.0","id":"b1","method":"ping"}]"#, invalid(null.clone())),
        case("a string where a message belongs", r#""ping""#, invalid(null.clone())),
        case("an empty object", "{}", invalid(null.clone())),
        case("jsonrpc 1.0", r#"{"jsonrpc":"1.0","id":"v1","method":"ping"}"#, invalid(json!("v1"))),
        case("jsonrpc missing", r#"{"id":"v0","method":"ping"}"#, invalid(json!("v0"))),
        case(
            "jsonrpc a number",
            r#"{"jsonrpc":2.0,"id":"v2","method":"ping"}"#,
            invalid(json!("v2")),
        ),
        case("method a number", r#"{"jsonrpc":"2.0","id":"m1","method":7}"#, invalid(json!("m1"))),
        case("id true", r#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, invalid(null.clone())),
        case(
            "id an object",
            r#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
            invalid(null.clone()),
        ),
        case("id an array", r#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#, invalid(null.clone())),
        case(
            "id a fraction",
            r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
            invalid(null.clone()),
        ),
        case(
            "id empty",
            r#"{"jsonrpc":"2.0","id":"","method":"ping"}"#,
            Expect::Accepted(json!("")),
        ),
        case(
            "id negative",
            r#"{"jsonrpc":"2.0","id":-7,"method":"ping"}"#,
            Expect::Accepted(json!(-7)),
        ),
        case(
            "id the largest 64-bit integer",
            r#"{"jsonrpc":"2.0","id":9223372036854775807,"method":"ping"}"#,
            Expect::Accepted(json!(i64::MAX)),
        ),
        case(
            "unknown method",
            rpc("u1", "tools/destroy", null.clone()),
            Expect::Error(json!("u1"), -32601),
        ),
        case("empty method", rpc("u2", "", null.clone()), Expect::Error(json!("u2"), -32601)),
        case("unknown tool", rpc("u3", "tools/call", json!({"name": "rm_rf"})), params("u3")),
        case("tool name missing", rpc("u4", "tools/call", json!({"arguments": {}})), params("u4")),
        case("params a string", rpc("u5", "tools/call", json!("diagnose")), params("u5")),
        case("params an array", rpc("u6", "tools/list", json!([1])), params("u6")),
        case(
            "unknown prompt",
            rpc("u7", "prompts/get", json!({"name": "jailbreak"})),
            params("u7"),
        ),
        case("unknown resource", read("u8", format!("{skill}/secret.md")), missing("u8")),
        case(
            "path traversal",
            read("u9", format!("{skill}/../../../../etc/passwd")),
            missing("u9"),
        ),
        case(
            "encoded traversal",
            read("u10", format!("{skill}/%2e%2e/%2e%2e/etc/passwd")),
            missing("u10"),
        ),
        case("a file URI", read("u11", "file:///etc/passwd".into()), missing("u11")),
        case("resource URI missing", rpc("u12", "resources/read", json!({})), params("u12")),
        case(
            "completion for an unknown prompt",
            rpc(
                "u13",
                "completion/complete",
                json!({"ref": {"type": "ref/prompt", "name": "nope"},
                       "argument": {"name": "domain", "value": ""}}),
            ),
            Expect::Accepted(json!("u13")),
        ),
        quiet("unknown notification", r#"{"jsonrpc":"2.0","method":"notifications/whatever"}"#),
        quiet(
            "cancel of an unknown request",
            r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"x"}}"#,
        ),
        quiet("a response nobody asked for", r#"{"jsonrpc":"2.0","id":"stray","result":{}}"#),
        case(
            "a forged coach handle",
            tool_call("c1", "coach", json!({"session": "AAAAAAAAAAAAAAAAAAAAAA", "step": 1})),
            Expect::Refused(json!("c1"), "no coach session".into()),
        ),
        case(
            "a coach handle with path characters",
            tool_call("c2", "coach", json!({"session": "../../sessions/all", "step": 1})),
            Expect::Refused(json!("c2"), "no coach session".into()),
        ),
        case(
            "a coach start that is refused",
            tool_call("c3", "coach", json!({"acv": {"amount": "lots"}, "customer_count": 140})),
            Expect::Refused(json!("c3"), "acv".into()),
        ),
    ]
}

fn all_cases() -> Vec<Case> {
    let mut cases = protocol_cases();
    cases.extend(nested_cases());
    cases.extend(argument_cases());
    cases
}

/// Checks one answer against its expectation; `Err` says what was wrong.
fn check(expect: &Expect, answer: Option<&Value>) -> Result<(), String> {
    let text_of = |answer: &Value| -> String {
        answer["result"]["content"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let refused = |answer: &Value, id: &Value, mentions: &str| -> Result<(), String> {
        if answer["id"] != *id {
            return Err(format!("answer for id {} instead of {id}", answer["id"]));
        }
        if answer["result"]["isError"] != json!(true) {
            return Err(format!("not an isError result: {answer}"));
        }
        let text = text_of(answer);
        if !text.to_lowercase().contains(&mentions.to_lowercase()) {
            return Err(format!("the refusal does not name {mentions:?}: {text}"));
        }
        Ok(())
    };
    match (expect, answer) {
        (Expect::Ignored, None) => Ok(()),
        (Expect::Ignored, Some(a)) => Err(format!("expected no answer, got {a}")),
        (_, None) => Err("no answer".into()),
        (Expect::Error(id, code), Some(a)) => {
            if a["id"] != *id {
                return Err(format!("answer for id {} instead of {id}: {a}", a["id"]));
            }
            if a["error"]["code"] != json!(code) {
                return Err(format!("expected error {code}, got {a}"));
            }
            if a["error"]["message"].as_str().is_none_or(str::is_empty) {
                return Err(format!("an error without a message: {a}"));
            }
            Ok(())
        }
        (Expect::Refused(id, mentions), Some(a)) => refused(a, id, mentions),
        (Expect::RefusedOrAccepted(id, mentions), Some(a)) => {
            if a["result"]["isError"] == json!(false) && a["id"] == *id {
                Ok(())
            } else {
                refused(a, id, mentions)
            }
        }
        (Expect::Accepted(id), Some(a)) => {
            if a["id"] != *id || a.get("result").is_none() || a["result"]["isError"] == json!(true)
            {
                return Err(format!("expected a result for id {id}, got {a}"));
            }
            Ok(())
        }
    }
}

/// The server as a child process, spoken to in raw lines.
struct Pipe {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Vec<u8>>,
    probes: u64,
}

impl Pipe {
    fn start() -> Pipe {
        let mut child = mcp::spawn_stdio(&[]);
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let mut server = Pipe { child, stdin, lines, probes: 0 };
        server.send(&request(
            "init",
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "hostile", "version": "0"}}),
        ));
        let init = server.next().expect("initialize is answered");
        assert_eq!(init["id"], "init", "{init}");
        server.send(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        server
    }

    fn send(&mut self, line: &[u8]) {
        self.stdin.write_all(line).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next message; every line the server writes must be one JSON-RPC 2.0 message.
    fn next(&mut self) -> Option<Value> {
        match self.lines.recv_timeout(PATIENCE) {
            Ok(line) => {
                let message: Value = serde_json::from_slice(&line).unwrap_or_else(|e| {
                    panic!(
                        "stdout carried a line that is not JSON ({e}): {:?}",
                        String::from_utf8_lossy(&line)
                    )
                });
                assert_eq!(message["jsonrpc"], "2.0", "stdout carried a non-JSON-RPC message");
                Some(message)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its stdout"),
        }
    }

    /// Sends a case's line, then a ping; returns what came back before the ping's answer.
    fn exchange(&mut self, line: &[u8]) -> Vec<Value> {
        self.probes += 1;
        let probe = format!("probe-{}", self.probes);
        self.send(line);
        self.send(&request(probe.clone(), "ping", Value::Null));
        let mut answers = Vec::new();
        let deadline = Instant::now() + PATIENCE;
        let mut probed = false;
        // The ping may overtake a slower answer: wait for both when an answer is due.
        while Instant::now() < deadline {
            let Some(message) = self.next() else { break };
            if message["id"] == json!(probe) {
                probed = true;
                if !answers.is_empty() {
                    break;
                }
                // Give a late answer a moment to arrive, then stop.
                match self.lines.recv_timeout(Duration::from_millis(300)) {
                    Ok(line) => answers.push(serde_json::from_slice(&line).unwrap()),
                    Err(_) => break,
                }
                break;
            }
            answers.push(message);
            if probed {
                break;
            }
        }
        assert!(probed, "the server stopped answering: no reply to {probe}");
        answers
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn every_hostile_input_over_stdio_gets_its_answer_and_the_server_stays_up() {
    let cases = all_cases();
    assert!(cases.len() >= 60, "the battery has {} inputs", cases.len());
    let mut server = Pipe::start();
    let mut failures = Vec::new();
    for case in &cases {
        let answers = server.exchange(&case.line);
        if answers.len() > 1 {
            failures.push(format!("{}: {} answers: {answers:?}", case.name, answers.len()));
            continue;
        }
        if let Err(why) = check(&case.stdio, answers.first()) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    // Still up, and still right.
    let answers = server.exchange(&tool_call("after", "diagnose", example()));
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0]["result"]["isError"], false, "{}", answers[0]);
    assert!(
        failures.is_empty(),
        "{} of {} inputs failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("stdio: {} hostile inputs, each answered as expected", cases.len());
}

/// A session over raw HTTP: the `Mcp-Session-Id` from `initialize`.
struct HttpSession {
    client: reqwest::Client,
    url: String,
    session: String,
}

impl HttpSession {
    async fn start(server: &HttpServer) -> HttpSession {
        let client = reqwest::Client::new();
        let url = server.url.clone();
        let init = request(
            "init",
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "hostile", "version": "0"}}),
        );
        let response = post(&client, &url, None, init).await;
        assert_eq!(response.status(), 200);
        let session = response.headers()["mcp-session-id"].to_str().unwrap().to_owned();
        let _ = response.bytes().await;
        let session = HttpSession { client, url, session };
        let done = session
            .post(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.to_vec())
            .await;
        assert_eq!(done.status(), 202);
        session
    }

    async fn post(&self, body: Vec<u8>) -> reqwest::Response {
        post(&self.client, &self.url, Some(&self.session), body).await
    }
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    session: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = client
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2025-11-25")
        .timeout(PATIENCE)
        .body(body);
    if let Some(session) = session {
        request = request.header("mcp-session-id", session);
    }
    request.send().await.unwrap()
}

/// The JSON-RPC messages in an HTTP answer: a JSON body or the events of a stream.
async fn messages(response: reqwest::Response) -> Vec<Value> {
    let event_stream = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let body = response.text().await.unwrap();
    if !event_stream {
        return serde_json::from_str::<Value>(&body).into_iter().collect();
    }
    body.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
        .filter(|m| m.get("jsonrpc").is_some())
        .collect()
}

#[tokio::test]
async fn every_hostile_input_over_http_gets_its_answer_and_the_server_stays_up() {
    let cases = all_cases();
    let server = HttpServer::start(&[]).await;
    let session = HttpSession::start(&server).await;
    let mut failures = Vec::new();
    for case in &cases {
        let body = case.http_body.clone().unwrap_or_else(|| case.line.clone());
        let response = session.post(body).await;
        let status = response.status().as_u16();
        match case.http {
            Some(HttpExpect::Status(want)) => {
                if status != want {
                    failures.push(format!("{}: HTTP {status}, expected {want}", case.name));
                } else if want == 400 {
                    // The body is the JSON-RPC error the line gets over stdio.
                    let answers = messages(response).await;
                    if let Err(why) = check(&case.stdio, answers.first()) {
                        failures.push(format!("{}: HTTP 400 body: {why}", case.name));
                    }
                }
            }
            Some(HttpExpect::NoContent) => {
                if status != 202 {
                    failures.push(format!("{}: HTTP {status}, expected 202", case.name));
                }
            }
            None => {
                let answers = messages(response).await;
                if answers.len() > 1 {
                    failures.push(format!("{}: {} answers", case.name, answers.len()));
                } else if let Err(why) = check(&case.stdio, answers.first()) {
                    failures.push(format!("{}: HTTP {status}: {why}", case.name));
                }
            }
        }
    }
    let after = messages(session.post(tool_call("after", "diagnose", example())).await).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["result"]["isError"], false, "{}", after[0]);
    assert!(
        failures.is_empty(),
        "{} of {} inputs failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("http: {} hostile inputs, each answered as expected", cases.len());
}

/// A refused answer changes nothing: the session still waits on the same step, and the
/// right answer is then accepted. Two answers to one step at once: exactly one lands.
#[test]
fn refused_and_concurrent_coach_answers_leave_the_session_consistent() {
    let mut server = Pipe::start();
    let started = server.exchange(&tool_call(
        "s",
        "coach",
        json!({"acv": {"amount": 84000}, "customer_count": 140, "account": "Acme"}),
    ));
    let handle = started[0]["result"]["structuredContent"]["session"].as_str().unwrap().to_owned();
    let step_of = |answer: &Value| answer["result"]["structuredContent"]["prompt"]["step"].clone();
    assert_eq!(step_of(&started[0]), 1);

    let refused_inputs = [
        json!({"session": handle, "step": 3, "text": "wrong step"}),
        json!({"session": handle, "step": 1, "text": "bad \u{202E} text"}),
        json!({"session": handle, "step": 1, "text": "x".repeat(5000)}),
        json!({"session": handle, "step": 9, "text": "no such step"}),
        json!({"session": handle, "step": "one", "text": "a word for a number"}),
    ];
    for (i, args) in refused_inputs.iter().enumerate() {
        let answers = server.exchange(&tool_call(&format!("r{i}"), "coach", args.clone()));
        assert_eq!(answers[0]["result"]["isError"], true, "{}", answers[0]);
    }
    // Two answers to step 1 written back to back, read concurrently by the server.
    let first = tool_call(
        "a1",
        "coach",
        json!({"session": handle, "step": 1, "text": "Trained their dispatchers"}),
    );
    let second =
        tool_call("a2", "coach", json!({"session": handle, "step": 1, "text": "Fixed the export"}));
    let mut both = first.clone();
    both.push(b'\n');
    both.extend(&second);
    let answers = server.exchange(&both);
    assert_eq!(answers.len(), 2, "{answers:?}");
    let landed: Vec<&Value> =
        answers.iter().filter(|a| a["result"]["isError"] == json!(false)).collect();
    assert_eq!(landed.len(), 1, "exactly one answer to step 1 lands: {answers:?}");
    assert_eq!(step_of(landed[0]), 2);
    // The session moved on once: step 2 is pending.
    let next = server.exchange(&tool_call(
        "n",
        "coach",
        json!({"session": handle, "step": 1, "text": "again"}),
    ));
    assert_eq!(next[0]["result"]["isError"], true, "step 1 was already answered: {}", next[0]);
}
