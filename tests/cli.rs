//! The command line as an agent developer uses it: `tools`, `call` through the in-process MCP
//! client, `skill`, and the exit codes (0 answered, 1 refused, 2 usage).

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_relationship-ladder");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn call_diagnose_on_the_example_prints_the_card() {
    let o = run(&["call", "diagnose", "--file", "examples/northwind-saas.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("Account: Northwind Logistics"), "{}", stdout(&o));
    let o =
        run(&["call", "diagnose", "--file", "examples/northwind-saas.json", "--output", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(value["diagnose"]["standing"]["rung"], 2);
}

#[test]
fn every_tool_answers_from_the_command_line() {
    let diagnosis =
        run(&["call", "diagnose", "--file", "examples/northwind-saas.json", "--output", "json"]);
    let card =
        serde_json::from_slice::<serde_json::Value>(&diagnosis.stdout).unwrap()["card"].clone();
    let render = serde_json::json!({"card": card, "format": "markdown"}).to_string();
    for (tool, args) in [
        (
            "check_activation",
            r#"{"account_acv": {"amount": 84000}, "customer_count": 140,
                "explicit_request": true}"#,
        ),
        ("coach", r#"{"acv": {"amount": 84000}, "customer_count": 140}"#),
        ("audit_trust", "{}"),
        ("render_card", render.as_str()),
        ("read_skill", r#"{"section": "The Process"}"#),
    ] {
        let o = run(&["call", tool, "--json", args]);
        assert_eq!(o.status.code(), Some(0), "{tool}: {}", stdout(&o));
        assert!(!stdout(&o).is_empty(), "{tool}");
    }
}

#[test]
fn a_refusal_exits_1_and_unreadable_arguments_exit_2() {
    let o = run(&["call", "diagnose", "--json", r#"{"account": {}}"#]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("account.name"), "{}", stdout(&o));
    assert_eq!(run(&["call", "diagnose", "--json", "not json"]).status.code(), Some(2));
    assert_eq!(run(&["call", "diagnose", "--json", "[1]"]).status.code(), Some(2));
    assert_eq!(run(&["call", "diagnose", "--file", "/no/such/file.json"]).status.code(), Some(2));
    assert_eq!(run(&["call"]).status.code(), Some(2));
    assert_eq!(
        run(&["call", "dance"]).status.code(),
        Some(1),
        "an unknown tool is a protocol error"
    );
}

#[test]
fn tools_lists_every_tool_and_skill_prints_sections() {
    let o = run(&["tools"]);
    assert_eq!(stdout(&o).lines().filter(|l| l.contains(" — ")).count(), 10);
    let o = run(&["tools", "--json"]);
    let tools: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(tools.iter().all(|t| t["inputSchema"]["type"] == "object"));
    let o = run(&["skill", "Domain Packs"]);
    assert!(stdout(&o).starts_with("## Domain Packs"));
    assert_eq!(run(&["skill", "Nope"]).status.code(), Some(1));
    for sub in ["serve", "tools", "call", "skill"] {
        assert!(run(&[sub, "--help"]).status.success(), "{sub} --help");
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    // Like `relationship-ladder tools --json 2>&1 | head -2` once `head` has left: stdout and
    // stderr both go to a pipe nobody reads any more.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(BIN)
        .args(["tools", "--json"])
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "no panic, no error: the reader chose to stop");
}
