//! Starting the built server and connecting rmcp's own client to it, over a child process's
//! pipes or over HTTP, in either protocol era.

#![allow(dead_code, reason = "each test file uses a different subset of the helpers")]
#![allow(unreachable_pub, reason = "a test helper module; `pub` only reaches the test crate")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers fail loudly")]

use std::process::Stdio;

use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, Implementation,
    JsonObject, ProtocolVersion,
};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{ConfigureCommandExt, StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient, ServiceExt};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_relationship-ladder");

/// The protocol era a test client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// 2025-06-18 with `initialize`.
    V2025_06,
    /// 2025-11-25 with `initialize`.
    V2025_11,
    /// 2026-07-28, stateless: `server/discover` and per-request `_meta`.
    V2026,
}

pub const ERAS: [Era; 3] = [Era::V2025_06, Era::V2025_11, Era::V2026];

pub type Client = RunningService<RoleClient, ClientConfig>;

fn client_config(era: Era) -> ClientConfig {
    let version = match era {
        Era::V2025_06 => ProtocolVersion::V_2025_06_18,
        Era::V2025_11 => ProtocolVersion::V_2025_11_25,
        Era::V2026 => ProtocolVersion::V_2026_07_28,
    };
    ClientConfig::new(ClientCapabilities::default(), Implementation::new("ladder-tests", "0.0.0"))
        .with_protocol_version(version)
}

async fn connect<T, E, A>(era: Era, transport: T) -> Client
where
    T: rmcp::transport::IntoTransport<RoleClient, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let config = client_config(era);
    match era {
        Era::V2026 => config
            .serve_with_lifecycle(
                transport,
                ClientLifecycleMode::Discover {
                    preferred_versions: vec![ProtocolVersion::V_2026_07_28],
                },
            )
            .await
            .expect("a 2026 client connects"),
        _ => config.serve(transport).await.expect("a 2025 client connects"),
    }
}

/// The two account-store backends the store tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A database on a real PostgreSQL server.
    Postgres,
}

impl Backend {
    /// A fresh, empty store for the test `name`: a file in a new directory, or a new database
    /// on the test server.
    pub fn fresh(self, name: &str) -> String {
        match self {
            Backend::Sqlite => {
                let dir = std::env::temp_dir()
                    .join(format!("ladder-store-{}-{name}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                dir.join("ladder.db").display().to_string()
            }
            Backend::Postgres => fresh_database(name),
        }
    }
}

/// The test PostgreSQL server's URL: `LADDER_TEST_POSTGRES`, or else a throwaway server that
/// `scripts/postgres.sh` starts (and reuses) under `target/postgres`.
pub fn postgres_url() -> &'static str {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        if let Some(url) = std::env::var("LADDER_TEST_POSTGRES").ok().filter(|u| !u.is_empty()) {
            return url;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/postgres.sh");
        let out = std::process::Command::new("bash").arg(script).output().unwrap();
        assert!(
            out.status.success(),
            "the PostgreSQL store tests need a server: set LADDER_TEST_POSTGRES to an admin URL, \
             or let scripts/postgres.sh start one (it needs Debian's postgresql package); it \
             said: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    })
}

/// A new, empty database on the test server, named for this process and `name`; its URL.
pub fn fresh_database(name: &str) -> String {
    let admin = postgres_url();
    let db: String = format!("ladder_{}_{name}", std::process::id())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    let (drop, create) =
        (format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"), format!("CREATE DATABASE {db}"));
    on_postgres(admin, move |client| {
        client.batch_execute(&drop).unwrap();
        client.batch_execute(&create).unwrap();
    });
    let (base, _) = admin
        .rsplit_once('/')
        .filter(|(b, _)| b.contains("://") && !b.ends_with('/'))
        .expect("LADDER_TEST_POSTGRES names a database: postgres://user@host:port/postgres");
    format!("{base}/{db}")
}

/// Runs `work` on a connection to `url`, on a thread of its own: the synchronous client must
/// not run inside an async test's runtime.
pub fn on_postgres<T: Send + 'static>(
    url: &str,
    work: impl FnOnce(&mut postgres::Client) -> T + Send + 'static,
) -> T {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("the test PostgreSQL server at {url}: {e}"));
        work(&mut client)
    })
    .join()
    .unwrap()
}

/// A store file of this test process's own, so no test writes to the user's data directory.
/// Servers started by the helpers use it unless a test passes `--db`.
pub fn scratch_store() -> String {
    std::env::temp_dir()
        .join(format!("ladder-tests-{}", std::process::id()))
        .join("ladder.db")
        .display()
        .to_string()
}

/// `serve` with `args` as a child process: stdin and stdout piped, stderr discarded.
pub fn spawn_stdio(args: &[&str]) -> std::process::Child {
    std::process::Command::new(BIN)
        .env("RELATIONSHIP_LADDER_DB", scratch_store())
        .arg("serve")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts")
}

/// A client connected to a fresh `serve` child process over its stdin and stdout.
pub async fn stdio(era: Era) -> Client {
    let command = tokio::process::Command::new(BIN).configure(|c| {
        c.env("RELATIONSHIP_LADDER_DB", scratch_store()).arg("serve").stderr(Stdio::inherit());
    });
    connect(era, TokioChildProcess::new(command).expect("the server starts")).await
}

/// A `serve --http` child process on a free loopback port; killed when dropped.
pub struct HttpServer {
    pub url: String,
    pub port: u16,
    child: std::process::Child,
    /// Every line the server has written to stderr since it started listening.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl HttpServer {
    /// Starts the server on a port the system picks and waits for the line that names it.
    pub async fn start(extra: &[&str]) -> HttpServer {
        use std::io::BufRead;
        let mut child = std::process::Command::new(BIN)
            .env("RELATIONSHIP_LADDER_DB", scratch_store())
            .args(["serve", "--http", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        // Log lines may come first; the line that names the address comes whatever the level.
        let mut earlier = Vec::new();
        let url = loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                panic!("the server exited before listening: {earlier:?}");
            }
            match line.trim().strip_prefix("relationship-ladder: serving MCP at ") {
                Some(url) => break url.to_owned(),
                None => earlier.push(line.trim_end().to_owned()),
            }
        };
        let port = url.rsplit(':').next().unwrap().trim_end_matches("/mcp").parse().unwrap();
        // Keep draining stderr so the server never blocks on a full pipe, and keep the lines.
        let log = std::sync::Arc::new(std::sync::Mutex::new(earlier));
        let kept = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        HttpServer { url, port, child, log }
    }

    /// The server's peak resident memory so far, in KiB (VmHWM).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// A client of `era`, optionally with a bearer token.
    pub async fn client(&self, era: Era, token: Option<&str>) -> Client {
        let mut config = StreamableHttpClientTransportConfig::with_uri(self.url.clone());
        if let Some(token) = token {
            config = config.auth_header(token.to_owned());
        }
        connect(era, StreamableHttpClientTransport::from_config(config)).await
    }
}

/// Calls a tool with JSON arguments.
pub async fn call(client: &Client, tool: &str, args: Value) -> CallToolResult {
    let Value::Object(map) = args else { panic!("arguments must be an object") };
    let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(map);
    client.call_tool(params).await.unwrap_or_else(|e| panic!("{tool} failed: {e}"))
}

/// The structured content of a result.
pub fn structured(result: &CallToolResult) -> &JsonObject {
    result
        .structured_content
        .as_ref()
        .and_then(Value::as_object)
        .expect("every result carries structured content")
}

/// The text of a result's first text block.
pub fn text(result: &CallToolResult) -> String {
    result.content.iter().find_map(|c| c.as_text().map(|t| t.text.clone())).unwrap_or_default()
}

/// A novice's answers to the coach's five steps, in order, each passing its step.
pub fn coach_answers() -> [Value; 5] {
    use serde_json::json;
    [
        json!({"step": 1, "text": "Fixed their label printer; trained two dispatchers"}),
        json!({"step": 2, "text": "Built an exception export they never asked for",
            "concrete": true}),
        json!({"step": 3, "text": "No, we see plans after the board",
            "shared_before_final": "no"}),
        json!({"step": 4, "text": "a"}),
        json!({"step": 5, "action": "Assign Priya Nair to shadow their dispatch planners",
            "owner": "Priya Nair", "due": "2026-12-20"}),
    ]
}

/// The example account's arguments.
pub fn example() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/northwind-saas.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
