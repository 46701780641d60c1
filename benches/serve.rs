//! The server against the floor: what a framework-free program answering the same requests over
//! the same pipes achieves on this machine. Run with `cargo bench --bench serve`.
//!
//! Three programs are driven with identical requests, interleaved, over several repetitions:
//!
//! - **echo floor**: a plain loop over stdin and stdout that parses each JSON-RPC line and answers
//!   with a fixed result. It does no work, so it is the cost of the pipes, the process and JSON.
//! - **engine floor**: the same loop, answering each `tools/call` with the server's own tool
//!   functions (`server::tools`), so its answers are the server's answers, checked equal below.
//!   It is the floor for a call that does real work: no protocol framework, no async runtime.
//! - **relationship-ladder**: the real binary, `serve` over stdio: the one `cargo build --release`
//!   makes and users install. The binary `cargo bench` itself builds is not that one: a bench
//!   build adds the dev-dependencies' features to the dependencies (rmcp's client, for one),
//!   which changes the code, and it is not laid out by `build.rs`. So the benchmark builds
//!   the release binary first and measures it.
//!
//! Both floors are this benchmark's own executable, re-run with an environment variable, so no
//! other build is needed. The report gives medians over repetitions of: cold start (spawn until
//! the `initialize` answer is read), `tools/call` round-trip p50 and p99 for `check_activation`
//! and for `diagnose` on the Northwind example, pipelined throughput with 16 requests in flight,
//! and peak resident memory (`VmHWM`). Then an HTTP load test: 64 concurrent clients, each with
//! its own session, calling `check_activation` for a fixed time; calls per second, p50, p99 and
//! errors. The ratios are against the floor measured in the same run, so they hold on a noisy
//! machine where the absolute figures do not.
//!
//! `LADDER_BENCH_QUICK=1` runs fewer repetitions (for a smoke run); `LADDER_BENCH_SERVER=PATH`
//! measures another build of the server instead. Nothing here is asserted as a test, the figures
//! are for people.

#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed benchmark stops with its cause"
)]

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The release binary, built on first use (see the module comment).
fn server() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        // Another build to measure instead, such as one made with other settings.
        if let Ok(other) = std::env::var("LADDER_BENCH_SERVER") {
            return other;
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "--release", "--locked", "--quiet", "--bin", "relationship-ladder"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(built.success(), "cargo build --release failed");
        let target = std::env::var("CARGO_TARGET_DIR")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target").into());
        format!("{target}/release/relationship-ladder")
    })
}
const ROLE: &str = "LADDER_BENCH_ROLE";
const PROTOCOL: &str = "2025-11-25";

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("echo") => return floor::serve(floor::Answer::Echo),
        Ok("engine") => return floor::serve(floor::Answer::Engine),
        _ => {}
    }
    // `cargo bench` passes `--bench`; a filter word picks one part.
    let only: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let quick = std::env::var_os("LADDER_BENCH_QUICK").is_some();
    let want = |part: &str| only.as_deref().is_none_or(|o| o == part);
    println!("relationship-ladder serve benchmark ({})", machine());
    // Built before anything is pinned or timed.
    println!("server: {}, as `cargo build --release` makes it", server());
    if want("stdio") {
        // On its own thread: affinity belongs to a thread and what it starts, so the HTTP part
        // below, run from the main thread, is not pinned.
        std::thread::spawn(move || {
            match pin() {
                Some(cpu) => println!("stdio: the driver and every server pinned to CPU {cpu}"),
                None => println!("stdio: not pinned"),
            }
            stdio::run(if quick { 2 } else { 5 });
        })
        .join()
        .expect("the stdio part");
    }
    if want("http") {
        http::run(if quick { Duration::from_secs(3) } else { Duration::from_secs(10) });
    }
}

/// Pins this thread, and so every process and thread it starts, to the last CPU, unless
/// `LADDER_BENCH_PIN=none`. On a virtual machine a wake-up on another CPU costs tens of
/// microseconds, and where the scheduler happens to put a server decides whether it pays them;
/// on one CPU, every program pays the same hand-offs.
fn pin() -> Option<usize> {
    if std::env::var("LADDER_BENCH_PIN").is_ok_and(|v| v == "none") {
        return None;
    }
    let core = core_affinity::get_core_ids()?.pop()?;
    core_affinity::set_for_current(core).then_some(core.id)
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split_once(':').map_or("", |(_, v)| v).trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!("{cores} cores, {model}")
}

/// The Northwind example's arguments, as the tools take them.
fn example() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/northwind-saas.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the example exists"))
        .expect("the example is JSON")
}

fn activation() -> Value {
    json!({"account_acv": {"amount": 84000}, "customer_count": 140, "triggers": ["where_do_we_stand"]})
}

fn initialize(id: u64) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "initialize", "params": {
        "protocolVersion": PROTOCOL, "capabilities": {},
        "clientInfo": {"name": "serve-bench", "version": "1"}}})
    .to_string()
}

const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

/// A `tools/call` line with `id`, from the call's pre-rendered `params`.
fn call_line(id: u64, params: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{params}}}"#)
}

fn call_params(tool: &str, arguments: Value) -> String {
    json!({"name": tool, "arguments": arguments}).to_string()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The floor servers: a JSON-RPC loop over blocking stdin and stdout, nothing more.
mod floor {
    use super::*;
    use relationship_ladder::method::Limits;
    use relationship_ladder::server::{today, tools};
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Copy)]
    pub(super) enum Answer {
        Echo,
        Engine,
    }

    #[derive(Deserialize)]
    struct Message {
        id: Option<Value>,
        method: String,
        #[serde(default)]
        params: Option<CallParams>,
    }

    #[derive(Deserialize)]
    struct CallParams {
        #[serde(default)]
        name: String,
        #[serde(default)]
        arguments: serde_json::Map<String, Value>,
    }

    #[derive(Serialize)]
    struct Reply<'a, T> {
        jsonrpc: &'static str,
        id: &'a Value,
        result: T,
    }

    pub(super) fn serve(answer: Answer) {
        let stdin = std::io::stdin().lock();
        let mut out = BufWriter::new(std::io::stdout().lock());
        let init = json!({"protocolVersion": PROTOCOL, "capabilities": {"tools": {}},
            "serverInfo": {"name": "floor", "version": "1"}});
        let echo = json!({"content": [{"type": "text", "text": "ok"}]});
        for line in stdin.lines() {
            let Ok(line) = line else { return };
            // Initialize requests carry params of another shape; parse the envelope first.
            let Ok(message) = serde_json::from_str::<Message>(&line).or_else(|_| {
                serde_json::from_str::<Value>(&line).map(|v| Message {
                    id: v.get("id").cloned(),
                    method: v["method"].as_str().unwrap_or_default().to_owned(),
                    params: None,
                })
            }) else {
                continue;
            };
            let Some(id) = message.id.as_ref() else { continue };
            let written = match (message.method.as_str(), answer, message.params) {
                ("initialize", ..) => write(&mut out, id, &init),
                ("tools/call", Answer::Engine, Some(p)) => {
                    let result = match p.name.as_str() {
                        "check_activation" => tools::check_activation(p.arguments),
                        "diagnose" => tools::diagnose(p.arguments, today(), Limits::default()),
                        other => panic!("the engine floor answers no tool {other}"),
                    };
                    write(&mut out, id, &result)
                }
                _ => write(&mut out, id, &echo),
            };
            if written.is_err() {
                return;
            }
        }
    }

    fn write<T: Serialize>(out: &mut impl Write, id: &Value, result: &T) -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, &Reply { jsonrpc: "2.0", id, result })?;
        out.write_all(b"\n")?;
        out.flush()
    }
}

/// The three programs over stdio.
mod stdio {
    use super::*;

    #[derive(Clone, Copy, PartialEq)]
    enum Program {
        Echo,
        Engine,
        Ladder,
    }

    impl Program {
        const ALL: [Program; 3] = [Program::Echo, Program::Engine, Program::Ladder];

        fn name(self) -> &'static str {
            match self {
                Program::Echo => "echo floor",
                Program::Engine => "engine floor",
                Program::Ladder => "relationship-ladder",
            }
        }

        fn command(self) -> Command {
            let mut command = match self {
                Program::Ladder => {
                    let mut c = Command::new(server());
                    c.arg("serve");
                    c
                }
                Program::Echo | Program::Engine => {
                    let mut c = Command::new(std::env::current_exe().expect("own path"));
                    c.env(ROLE, if self == Program::Echo { "echo" } else { "engine" });
                    c
                }
            };
            command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
            command
        }
    }

    struct Conn {
        child: Child,
        input: Option<BufWriter<ChildStdin>>,
        output: BufReader<ChildStdout>,
        line: String,
        next_id: u64,
    }

    impl Conn {
        fn spawn(program: Program) -> Conn {
            let mut child = program.command().spawn().expect("the server starts");
            let input = Some(BufWriter::new(child.stdin.take().expect("stdin")));
            let output = BufReader::new(child.stdout.take().expect("stdout"));
            Conn { child, input, output, line: String::new(), next_id: 1 }
        }

        fn send(&mut self, line: &str) {
            let input = self.input.as_mut().expect("open");
            input.write_all(line.as_bytes()).expect("write");
            input.write_all(b"\n").expect("write");
            input.flush().expect("flush");
        }

        fn receive(&mut self) -> &str {
            self.line.clear();
            let n = self.output.read_line(&mut self.line).expect("read");
            assert!(n > 0, "the server closed stdout");
            &self.line
        }

        /// Spawned and initialized; returns the time from spawn to the `initialize` answer.
        fn ready(program: Program) -> (Conn, Duration) {
            let start = Instant::now();
            let mut conn = Conn::spawn(program);
            conn.send(&initialize(0));
            conn.receive();
            let elapsed = start.elapsed();
            conn.send(INITIALIZED);
            (conn, elapsed)
        }

        fn call(&mut self, params: &str) -> Duration {
            let line = call_line(self.next_id, params);
            self.next_id += 1;
            let start = Instant::now();
            self.send(&line);
            self.receive();
            start.elapsed()
        }

        /// Peak resident set size in KiB, from `/proc`.
        fn peak_rss_kib(&self) -> u64 {
            let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
                .unwrap_or_default();
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0)
        }

        /// `total` calls with `depth` in flight; calls per second.
        fn pipelined(&mut self, params: &str, total: u64, depth: u64) -> f64 {
            let mut input = self.input.take().expect("open");
            let (credit, credits) = std::sync::mpsc::channel::<()>();
            let first = self.next_id;
            let lines: Vec<String> =
                (first..first + total).map(|id| call_line(id, params)).collect();
            self.next_id += total;
            let start = Instant::now();
            let writer = std::thread::spawn(move || {
                for (i, line) in lines.iter().enumerate() {
                    if i as u64 >= depth {
                        credits.recv().expect("credit");
                    }
                    input.write_all(line.as_bytes()).expect("write");
                    input.write_all(b"\n").expect("write");
                    input.flush().expect("flush");
                }
                input
            });
            for _ in 0..total {
                self.receive();
                let _ = credit.send(());
            }
            let rate = total as f64 / start.elapsed().as_secs_f64();
            self.input = Some(writer.join().expect("writer"));
            rate
        }

        fn close(mut self) {
            drop(self.input.take());
            let _ = self.child.wait();
        }
    }

    /// One repetition's figures for one program.
    #[derive(Default, Clone)]
    struct Figures {
        cold_ms: Vec<f64>,
        activation_p50: Vec<f64>,
        activation_p99: Vec<f64>,
        diagnose_p50: Vec<f64>,
        diagnose_p99: Vec<f64>,
        pipelined: Vec<f64>,
        rss_kib: Vec<f64>,
    }

    fn latencies(conn: &mut Conn, params: &str, n: usize) -> (f64, f64) {
        for _ in 0..n / 10 {
            conn.call(params);
        }
        let mut times: Vec<Duration> = (0..n).map(|_| conn.call(params)).collect();
        times.sort();
        (micros(percentile(&times, 0.5)), micros(percentile(&times, 0.99)))
    }

    fn measure(program: Program, figures: &mut Figures, activation: &str, diagnose: &str) {
        let mut colds: Vec<f64> = (0..10)
            .map(|_| {
                let (conn, cold) = Conn::ready(program);
                conn.close();
                cold.as_secs_f64() * 1e3
            })
            .collect();
        figures.cold_ms.push(median(&mut colds));
        let (mut conn, _) = Conn::ready(program);
        let (p50, p99) = latencies(&mut conn, activation, 2000);
        figures.activation_p50.push(p50);
        figures.activation_p99.push(p99);
        if program != Program::Echo {
            let (p50, p99) = latencies(&mut conn, diagnose, 1000);
            figures.diagnose_p50.push(p50);
            figures.diagnose_p99.push(p99);
        }
        figures.pipelined.push(conn.pipelined(activation, 20_000, 16));
        figures.rss_kib.push(conn.peak_rss_kib() as f64);
        conn.close();
    }

    /// The floor's and the server's answers to the same calls must be the same JSON.
    fn check_same_answers(activation: &str, diagnose: &str) {
        let answer = |program: Program, params: &str| -> Value {
            let (mut conn, _) = Conn::ready(program);
            let line = call_line(7, params);
            conn.send(&line);
            let mut reply: Value = serde_json::from_str(conn.receive()).expect("a JSON answer");
            conn.close();
            // rmcp leaves out `resultType` for 2025 clients; the floor writes the struct as is.
            if let Some(result) = reply["result"].as_object_mut() {
                result.remove("resultType");
            }
            reply
        };
        for (tool, params) in [("check_activation", activation), ("diagnose", diagnose)] {
            let floor = answer(Program::Engine, params);
            let ladder = answer(Program::Ladder, params);
            assert_eq!(floor, ladder, "the engine floor and the server answer {tool} differently");
            assert_eq!(ladder["result"]["isError"], false, "{tool} failed: {ladder}");
        }
        println!("answers: the engine floor and the server return identical JSON for both calls");
    }

    pub(super) fn run(repetitions: usize) {
        let activation = call_params("check_activation", activation());
        let diagnose = call_params("diagnose", example());
        check_same_answers(&activation, &diagnose);
        let mut all = vec![Figures::default(); Program::ALL.len()];
        for rep in 0..repetitions {
            // Alternate the order, so neither program always runs on a warmer machine.
            let mut order: Vec<usize> = (0..Program::ALL.len()).collect();
            if rep % 2 == 1 {
                order.reverse();
            }
            for i in order {
                measure(Program::ALL[i], &mut all[i], &activation, &diagnose);
            }
        }
        report(repetitions, &mut all);
    }

    fn report(repetitions: usize, all: &mut [Figures]) {
        println!();
        println!("stdio, medians of {repetitions} repetitions (cold start: median of 10 spawns)");
        println!(
            "| program | cold start | check_activation p50 (p99) | diagnose p50 (p99) \
             | pipelined, 16 in flight | peak RSS |"
        );
        println!("| --- | ---: | ---: | ---: | ---: | ---: |");
        let mut rows = Vec::new();
        for (program, f) in Program::ALL.iter().zip(all.iter_mut()) {
            let row = [
                median(&mut f.cold_ms),
                median(&mut f.activation_p50),
                median(&mut f.activation_p99),
                median(&mut f.diagnose_p50),
                median(&mut f.diagnose_p99),
                median(&mut f.pipelined),
                median(&mut f.rss_kib) / 1024.0,
            ];
            let diagnose = if row[3].is_nan() {
                "–".to_owned()
            } else {
                format!("{:.0} µs ({:.0} µs)", row[3], row[4])
            };
            println!(
                "| {} | {:.2} ms | {:.0} µs ({:.0} µs) | {diagnose} | {:.0} calls/s | {:.1} MiB |",
                program.name(),
                row[0],
                row[1],
                row[2],
                row[5],
                row[6]
            );
            rows.push(row);
        }
        let (echo, engine, ladder) = (&rows[0], &rows[1], &rows[2]);
        println!();
        println!("targets, against the floor measured in this run:");
        let verdict = |ok: bool| if ok { "met" } else { "NOT MET" };
        let cold = ladder[0] / echo[0];
        println!(
            "  cold start            {cold:.2}× the echo floor (≤ 2×): {}",
            verdict(cold <= 2.0)
        );
        let act = ladder[1] / engine[1];
        println!(
            "  check_activation p50  {act:.2}× the engine floor, {:.2}× the echo floor (≤ 2×): {}",
            ladder[1] / echo[1],
            verdict(act <= 2.0)
        );
        let diag = ladder[3] / engine[3];
        println!(
            "  diagnose p50          {diag:.2}× the engine floor (≤ 2×): {}",
            verdict(diag <= 2.0)
        );
        let pipe = ladder[5] / engine[5];
        println!(
            "  pipelined             {pipe:.2}× the engine floor, {:.2}× the echo floor (≥ 0.5×): {}",
            ladder[5] / echo[5],
            verdict(pipe >= 0.5)
        );
        println!(
            "  peak RSS              {:.1} MiB (≤ 8 MiB): {}",
            ladder[6],
            verdict(ladder[6] <= 8.0)
        );
    }
}

/// Streamable HTTP under load: 64 clients with their own sessions.
mod http {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
    use tokio::net::TcpStream;

    const CLIENTS: usize = 64;

    struct Server {
        child: Child,
        port: u16,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn start() -> Server {
        let mut child = Command::new(server())
            .args(["serve", "--http", "127.0.0.1:0", "--log-level", "warn"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).expect("the address line");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches("/mcp").parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = stderr.read_to_end(&mut sink);
        });
        Server { child, port }
    }

    /// One HTTP/1.1 keep-alive connection speaking just enough of the protocol for MCP.
    struct Connection {
        stream: BufStream<TcpStream>,
        host: String,
        session: Option<String>,
        head: String,
        body: Vec<u8>,
    }

    struct Reply {
        status: u16,
        session: Option<String>,
    }

    impl Connection {
        async fn open(port: u16) -> std::io::Result<Connection> {
            let stream = TcpStream::connect(("127.0.0.1", port)).await?;
            stream.set_nodelay(true)?;
            Ok(Connection {
                stream: BufStream::new(stream),
                host: format!("127.0.0.1:{port}"),
                session: None,
                head: String::new(),
                body: Vec::new(),
            })
        }

        async fn post(&mut self, body: &str) -> std::io::Result<Reply> {
            let mut request = format!(
                "POST /mcp HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
                 Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: {PROTOCOL}\r\n\
                 Content-Length: {}\r\n",
                self.host,
                body.len()
            );
            if let Some(session) = &self.session {
                request.push_str("Mcp-Session-Id: ");
                request.push_str(session);
                request.push_str("\r\n");
            }
            request.push_str("\r\n");
            self.stream.write_all(request.as_bytes()).await?;
            self.stream.write_all(body.as_bytes()).await?;
            self.stream.flush().await?;
            self.read_reply().await
        }

        async fn read_reply(&mut self) -> std::io::Result<Reply> {
            let bad =
                |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
            self.head.clear();
            self.stream.read_line(&mut self.head).await?;
            let status: u16 = self
                .head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("status line"))?;
            let (mut length, mut chunked, mut session) = (None, false, None);
            loop {
                self.head.clear();
                self.stream.read_line(&mut self.head).await?;
                let line = self.head.trim_end();
                if line.is_empty() {
                    break;
                }
                let Some((name, value)) = line.split_once(':') else { continue };
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse::<usize>().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.eq_ignore_ascii_case("chunked");
                } else if name.eq_ignore_ascii_case("mcp-session-id") {
                    session = Some(value.to_owned());
                }
            }
            self.body.clear();
            if chunked {
                loop {
                    self.head.clear();
                    self.stream.read_line(&mut self.head).await?;
                    let size = usize::from_str_radix(self.head.trim(), 16)
                        .map_err(|_| bad("chunk size"))?;
                    let start = self.body.len();
                    self.body.resize(start + size + 2, 0);
                    self.stream.read_exact(&mut self.body[start..]).await?;
                    self.body.truncate(start + size);
                    if size == 0 {
                        break;
                    }
                }
            } else if let Some(length) = length {
                self.body.resize(length, 0);
                self.stream.read_exact(&mut self.body).await?;
            }
            Ok(Reply { status, session })
        }

        /// The JSON-RPC message in the last body, plain JSON or the `data:` of an SSE event.
        fn message(&self) -> Option<Value> {
            let text = std::str::from_utf8(&self.body).ok()?;
            if text.trim_start().starts_with('{') {
                return serde_json::from_str(text).ok();
            }
            text.lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
                .find(|m| m.get("id").is_some())
        }
    }

    #[derive(Default)]
    struct Tally {
        latencies: Vec<Duration>,
        errors: u64,
        first_error: Option<String>,
    }

    async fn client(
        port: u16,
        params: Arc<String>,
        stop: Arc<AtomicBool>,
        started: Arc<AtomicU64>,
    ) -> Tally {
        let mut tally = Tally::default();
        let fail = |tally: &mut Tally, what: String| {
            tally.errors += 1;
            tally.first_error.get_or_insert(what);
        };
        let mut conn = match Connection::open(port).await {
            Ok(c) => c,
            Err(e) => {
                fail(&mut tally, format!("connect: {e}"));
                return tally;
            }
        };
        match conn.post(&initialize(0)).await {
            Ok(reply) if reply.status == 200 && reply.session.is_some() => {
                conn.session = reply.session
            }
            Ok(reply) => {
                fail(&mut tally, format!("initialize: HTTP {}", reply.status));
                return tally;
            }
            Err(e) => {
                fail(&mut tally, format!("initialize: {e}"));
                return tally;
            }
        }
        if let Err(e) = conn.post(INITIALIZED).await {
            fail(&mut tally, format!("initialized: {e}"));
            return tally;
        }
        started.fetch_add(1, Ordering::SeqCst);
        let mut id = 1;
        while !stop.load(Ordering::Relaxed) {
            let line = call_line(id, &params);
            id += 1;
            let begin = Instant::now();
            match conn.post(&line).await {
                Ok(reply) if reply.status == 200 => match conn.message() {
                    Some(m) if m["result"]["isError"] == false => {
                        tally.latencies.push(begin.elapsed())
                    }
                    other => fail(&mut tally, format!("tools/call answered {other:?}")),
                },
                Ok(reply) => fail(&mut tally, format!("tools/call: HTTP {}", reply.status)),
                Err(e) => {
                    fail(&mut tally, format!("tools/call: {e}"));
                    break;
                }
            }
        }
        tally
    }

    pub(super) fn run(duration: Duration) {
        let server = start();
        let runtime =
            tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        let params = Arc::new(call_params("check_activation", activation()));
        let stop = Arc::new(AtomicBool::new(false));
        let started = Arc::new(AtomicU64::new(0));
        let (tallies, elapsed) = runtime.block_on(async {
            let tasks: Vec<_> = (0..CLIENTS)
                .map(|_| {
                    tokio::spawn(client(server.port, params.clone(), stop.clone(), started.clone()))
                })
                .collect();
            while started.load(Ordering::SeqCst) < CLIENTS as u64 {
                if tasks.iter().all(|t| t.is_finished()) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let begin = Instant::now();
            tokio::time::sleep(duration).await;
            stop.store(true, Ordering::SeqCst);
            let mut tallies = Vec::new();
            for task in tasks {
                tallies.push(task.await.expect("client task"));
            }
            (tallies, begin.elapsed())
        });
        let rss = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().to_owned()))
            .unwrap_or_default();
        let errors: u64 = tallies.iter().map(|t| t.errors).sum();
        let first_error = tallies.iter().find_map(|t| t.first_error.clone());
        let mut all: Vec<Duration> = tallies.into_iter().flat_map(|t| t.latencies).collect();
        all.sort();
        let rate = all.len() as f64 / elapsed.as_secs_f64();
        println!();
        println!(
            "HTTP, {CLIENTS} concurrent clients (one session each, keep-alive), check_activation \
             for {:.0} s",
            duration.as_secs_f64()
        );
        println!("| calls | calls/s | p50 | p99 | errors | server peak RSS |");
        println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
        if all.is_empty() {
            println!("| 0 | 0 | – | – | {errors} | {rss} |");
        } else {
            println!(
                "| {} | {rate:.0} | {:.0} µs | {:.0} µs | {errors} | {rss} |",
                all.len(),
                micros(percentile(&all, 0.5)),
                micros(percentile(&all, 0.99)),
            );
        }
        if let Some(e) = first_error {
            println!("first error: {e}");
        }
        let ok = rate >= 5000.0 && errors == 0;
        println!(
            "target: ≥ 5,000 calls/s with zero errors: {}",
            if ok { "met" } else { "NOT MET" }
        );
    }
}
