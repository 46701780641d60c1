//! Load over HTTP: 1,000 coach sessions open at once, driven through real MCP clients (rmcp's
//! Streamable HTTP client, one MCP session per worker) with the other tools called between
//! the coach's turns, for `LADDER_LOAD_SECONDS` (at least the sessions' time-to-live and two
//! seconds, 10 s by default; `.ci/run` runs a minute each): once on one server holding the
//! sessions in memory, and once through three replicas on one PostgreSQL database, which holds
//! the sessions and takes a record between turns too, the workers spread over the replicas.
//!
//! Every call must succeed: no transport error, no refusal. Sessions abandoned at the start
//! must be reclaimed once their time-to-live has passed, and memory must stay bounded. The
//! test prints the counts and the servers' peak resident memory.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a test failure")]
#![allow(clippy::print_stderr, reason = "the counts printed are the load test's report")]

mod mcp;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mcp::{Client, Era, HttpServer, example, structured};
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

/// MCP sessions, each driving `PER_WORKER` coach sessions in turn.
const WORKERS: usize = 100;
const PER_WORKER: usize = 10;
/// Coach sessions each worker starts and abandons, for the server to reclaim.
const ABANDONED_PER_WORKER: usize = 2;
/// The server's coach-session time-to-live in this test: short, so abandoned sessions are seen
/// reclaimed within the run, and longer than a session waits between two of its turns.
const TTL_SECONDS: u64 = 8;
/// The same through three replicas on PostgreSQL, where each coach turn is a transaction that
/// waits for the disk: the turns come slower on two cores, so the sessions idle longer.
const SHARED_TTL_SECONDS: u64 = 20;

fn seconds() -> u64 {
    std::env::var("LADDER_LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3)
}

#[derive(Default)]
struct Counts {
    calls: AtomicU64,
    errors: AtomicU64,
    finished: AtomicU64,
    records: AtomicU64,
}

/// One tool call; anything but an accepted result counts as an error.
async fn call(client: &Client, counts: &Counts, tool: &str, args: Value) -> Option<Value> {
    counts.calls.fetch_add(1, Ordering::Relaxed);
    let Value::Object(args) = args else { unreachable!("arguments are objects") };
    let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(args);
    match client.call_tool(params).await {
        Ok(result) if result.is_error != Some(true) => {
            if tool == "record" {
                counts.records.fetch_add(1, Ordering::Relaxed);
            }
            Some(Value::Object(structured(&result).clone()))
        }
        Ok(result) => {
            counts.errors.fetch_add(1, Ordering::Relaxed);
            eprintln!("{tool} refused: {}", mcp::text(&result));
            None
        }
        Err(e) => {
            counts.errors.fetch_add(1, Ordering::Relaxed);
            eprintln!("{tool} failed: {e}");
            None
        }
    }
}

async fn start_coach(client: &Client, counts: &Counts) -> Option<String> {
    let args = json!({"acv": {"amount": 84000}, "customer_count": 140, "date": "2026-12-03",
                      "account": "Northwind Logistics"});
    let started = call(client, counts, "coach", args).await?;
    started["session"].as_str().map(str::to_owned)
}

/// Drives `PER_WORKER` coach sessions round-robin until `until`, with another tool call after
/// every coach turn; returns the handles it abandoned.
async fn worker(
    server: Arc<HttpServer>,
    counts: Arc<Counts>,
    until: Instant,
    records: bool,
) -> Vec<String> {
    let client = server.client(Era::V2025_11, None).await;
    let mut abandoned = Vec::new();
    for _ in 0..ABANDONED_PER_WORKER {
        abandoned.extend(start_coach(&client, &counts).await);
    }
    let mut sessions = Vec::new();
    for _ in 0..PER_WORKER {
        if let Some(handle) = start_coach(&client, &counts).await {
            sessions.push((handle, 0usize));
        }
    }
    let answers = mcp::coach_answers();
    let mut others = vec![
        ("check_activation", json!({"account_acv": {"amount": 84000}, "customer_count": 140})),
        ("diagnose", example()),
        ("audit_trust", json!({"date": "2026-12-03", "trust": example()["trust"]})),
        ("read_skill", json!({"section": "Output: Diagnostic Card"})),
    ];
    if records {
        let event = json!({"account": {"name": "Northwind Logistics"}, "sharing": {
            "what": "their 2027 routing plan", "by": "CTO", "date": "2026-11-01",
            "before_public": true}});
        others.push(("record", event));
    }
    let mut turn = 0usize;
    while Instant::now() < until {
        let slot = turn % sessions.len().max(1);
        turn += 1;
        let Some((handle, step)) = sessions.get_mut(slot) else { break };
        let mut args = answers[*step].clone();
        args["session"] = json!(handle);
        if call(&client, &counts, "coach", args).await.is_some() {
            *step += 1;
        }
        if *step == answers.len() {
            counts.finished.fetch_add(1, Ordering::Relaxed);
            match start_coach(&client, &counts).await {
                Some(fresh) => sessions[slot] = (fresh, 0),
                None => {
                    sessions.remove(slot);
                }
            }
        }
        let (tool, args) = &others[turn % others.len()];
        call(&client, &counts, tool, args.clone()).await;
    }
    client.cancel().await.unwrap();
    abandoned
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_coach_sessions_with_mixed_calls_and_no_errors() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let ttl = format!("{TTL_SECONDS}s");
    let server = HttpServer::start(&["--session-ttl", &ttl, "--log-level", "info"]).await;
    load("one server", vec![Arc::new(server)], false, TTL_SECONDS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_coach_sessions_through_three_replicas_on_postgres() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let db = mcp::fresh_database("load");
    let ttl = format!("{SHARED_TTL_SECONDS}s");
    let mut servers = Vec::new();
    for _ in 0..3 {
        let args = ["--db", &db, "--session-ttl", &ttl, "--log-level", "info"];
        servers.push(Arc::new(HttpServer::start(&args).await));
    }
    let recorded = load("three replicas on PostgreSQL", servers, true, SHARED_TTL_SECONDS).await;
    let stored: i64 = mcp::on_postgres(&db, |client| {
        client.query_one("SELECT count(*) FROM record", &[]).unwrap().get(0)
    });
    assert_eq!(stored as u64, recorded, "every acknowledged record is stored, once");
}

/// One load at a time: two at once on two cores would each slow the other until sessions idle
/// past their (short) time-to-live between turns, which is the test's timing, not a fault.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs the load through `servers` (workers spread over them); returns how many records were
/// acknowledged.
async fn load(label: &str, servers: Vec<Arc<HttpServer>>, records: bool, ttl: u64) -> u64 {
    let counts = Arc::new(Counts::default());
    let duration = Duration::from_secs(seconds().max(ttl + 2));
    let begun = Instant::now();
    let until = begun + duration;
    let workers: Vec<_> = (0..WORKERS)
        .map(|i| {
            let server = Arc::clone(&servers[i % servers.len()]);
            tokio::spawn(worker(server, Arc::clone(&counts), until, records))
        })
        .collect();
    let mut abandoned = Vec::new();
    for w in workers {
        abandoned.extend(w.await.unwrap());
    }
    let elapsed = begun.elapsed();
    let calls = counts.calls.load(Ordering::Relaxed);
    let errors = counts.errors.load(Ordering::Relaxed);
    let finished = counts.finished.load(Ordering::Relaxed);
    let peak = servers.iter().filter_map(|s| s.peak_rss_kib()).max().unwrap_or(0);
    eprintln!(
        "load ({label}): {} coach sessions open at once over {WORKERS} MCP sessions, {calls} \
         calls in {:.1} s ({:.0} calls/s), {finished} coach sessions finished, {} records, \
         {errors} errors, peak RSS of a server {:.1} MiB",
        WORKERS * PER_WORKER,
        elapsed.as_secs_f64(),
        calls as f64 / elapsed.as_secs_f64(),
        counts.records.load(Ordering::Relaxed),
        peak as f64 / 1024.0,
    );
    assert_eq!(errors, 0, "every call must succeed");
    assert_eq!(abandoned.len(), WORKERS * ABANDONED_PER_WORKER, "every start succeeded");

    // The abandoned sessions idle past their time-to-live, and the sweeper (twice per
    // time-to-live, on every server) reclaims them: within two time-to-lives of the last
    // one's start.
    let reclaimed_so_far = || -> u64 {
        let mut sum = 0;
        for server in &servers {
            sum += server
                .log
                .lock()
                .unwrap()
                .iter()
                .filter(|l| l.contains("reclaimed expired coach sessions"))
                .filter_map(|l| {
                    l.split("reclaimed=").nth(1)?.split_whitespace().next()?.parse::<u64>().ok()
                })
                .sum::<u64>();
        }
        sum
    };
    let deadline = Instant::now() + Duration::from_secs(2 * ttl + 2);
    let mut reclaimed = reclaimed_so_far();
    while reclaimed < abandoned.len() as u64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        reclaimed = reclaimed_so_far();
    }
    assert!(
        reclaimed >= abandoned.len() as u64,
        "{reclaimed} sessions reclaimed, {} abandoned",
        abandoned.len()
    );
    let client = servers[servers.len() - 1].client(Era::V2025_11, None).await;
    let stale =
        mcp::call(&client, "coach", json!({"session": abandoned[0], "step": 1, "text": "x"})).await;
    assert_eq!(stale.is_error, Some(true));
    assert!(mcp::text(&stale).contains("no coach session"), "{}", mcp::text(&stale));
    // Memory stays bounded: well under what holding every call's data would take.
    assert!(peak < 256 * 1024, "server peak RSS {peak} KiB");
    eprintln!("load ({label}): {reclaimed} expired coach sessions reclaimed");
    client.cancel().await.unwrap();
    counts.records.load(Ordering::Relaxed)
}
