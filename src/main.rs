//! The `relationship-ladder` command line: parses arguments and hands off to the library.
//!
//! Exit codes: 0 success, 1 the tool refused the input (or the server failed), 2 a usage error:
//! a bad flag (clap's own) or arguments that cannot be read.

use std::io::Write;
use std::process::ExitCode;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use relationship_ladder::server::{self, Config, LadderServer, http::HttpConfig};
use relationship_ladder::skill;

/// Run the Customer Relationship Ladder method with its rules enforced in code.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// The account store: a SQLite file, created on first use, or a PostgreSQL URL
    /// (postgres://user@host/db) shared by several `serve --http` replicas, which then also
    /// share the coach sessions. Default: $XDG_DATA_HOME/relationship-ladder/ladder.db
    /// (~/.local/share/... without XDG_DATA_HOME).
    #[arg(long, global = true, env = "RELATIONSHIP_LADDER_DB", value_name = "PATH|URL")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the tools with their arguments (--json for the raw definitions).
    Tools {
        /// Print the tool definitions as JSON, schemas included.
        #[arg(long)]
        json: bool,
    },
    /// Call a tool through the server's own MCP path and print its result.
    ///
    /// Exit status: 0 when the tool answered, 1 when it refused the input (the result has
    /// isError), 2 for a usage error.
    Call {
        /// The tool: check_activation, coach, diagnose, audit_trust, render_card, read_skill.
        tool: String,
        /// The arguments as a JSON object.
        #[arg(long, value_name = "ARGS", conflicts_with = "file")]
        json: Option<String>,
        /// Read the arguments from a JSON file (- for standard input).
        #[arg(long, value_name = "FILE")]
        file: Option<std::path::PathBuf>,
        /// What to print: text (the card or a summary) or json (the full structured content).
        #[arg(long, value_enum, default_value = "text")]
        output: Output,
    },
    /// Serve the method over MCP: stdio by default, Streamable HTTP with --http.
    Serve {
        /// Serve Streamable HTTP at /mcp on this address; without one, 127.0.0.1:8790.
        #[arg(
            long,
            value_name = "ADDR",
            num_args = 0..=1,
            default_missing_value = "127.0.0.1:8790"
        )]
        http: Option<SocketAddr>,
        /// Require this bearer token on every HTTP request.
        #[arg(long, env = "RELATIONSHIP_LADDER_TOKEN", hide_env_values = true, requires = "http")]
        token: Option<String>,
        /// Accept this Host header too (repeatable), when bound beyond loopback.
        #[arg(long, value_name = "HOST", requires = "http")]
        allow_host: Vec<String>,
        /// Accept requests from pages of this origin too (repeatable), e.g. https://app.example.
        #[arg(long, value_name = "ORIGIN", requires = "http")]
        allow_origin: Vec<String>,
        /// How long a coach session may sit idle before it expires: 30m, 90s, 2h (a bare
        /// number is minutes).
        #[arg(long, default_value = "30m", value_name = "DURATION", value_parser = duration)]
        session_ttl: Duration,
        /// How long an HTTP request may take to arrive and be answered: 30s, 2m (a bare
        /// number is seconds).
        #[arg(
            long,
            default_value = "30s",
            value_name = "DURATION",
            value_parser = seconds,
            requires = "http"
        )]
        request_timeout: Duration,
        /// Log level on stderr: error, warn, info, debug or trace (RUST_LOG overrides).
        #[arg(long, default_value = "warn", value_name = "LEVEL")]
        log_level: String,
    },
    /// Print everything in the account store as one JSON document.
    Export,
    /// Delete an account and everything recorded about it.
    Delete {
        /// The account's name (case and spacing ignored).
        account: String,
        /// Confirm the deletion; without it nothing is deleted.
        #[arg(long)]
        yes: bool,
    },
    /// Print the shipped SKILL.md, or one section of it.
    Skill {
        /// A section heading, such as "Domain Packs"; without it, the whole file.
        section: Option<String>,
        /// List the section headings instead.
        #[arg(long, conflicts_with = "section")]
        list: bool,
    },
}

/// What `call` prints.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Output {
    /// The result's text block: the card, or a summary.
    Text,
    /// The result's structured content, as JSON.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // A reader that stopped reading (`… | head`) is not an error: stop quietly, as Unix
        // tools do.
        Err(err) if broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err);
            ExitCode::from(1)
        }
    }
}

fn broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Reports the command's one error on stderr; a closed stderr is no reason to panic.
fn report(err: &anyhow::Error) {
    let _ = writeln!(std::io::stderr(), "relationship-ladder: {err:#}");
}

/// A duration such as `90s`, `30m` or `2h`; a bare number counts in `unit` seconds.
fn parse_duration(text: &str, unit: u64) -> Result<Duration, String> {
    let text = text.trim();
    let (digits, scale) = match text.char_indices().last() {
        Some((i, 's')) => (&text[..i], 1),
        Some((i, 'm')) => (&text[..i], 60),
        Some((i, 'h')) => (&text[..i], 3600),
        _ => (text, unit),
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .map(Duration::from_secs)
        .ok_or_else(|| {
            format!("{text:?} is not a duration: expected a whole number with s, m or h")
        })
}

fn duration(text: &str) -> Result<Duration, String> {
    parse_duration(text, 60)
}

fn seconds(text: &str) -> Result<Duration, String> {
    parse_duration(text, 1)
}

fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Serve {
        http,
        token,
        allow_host,
        allow_origin,
        session_ttl,
        request_timeout,
        log_level,
    } = cli.command
    {
        init_logging(&log_level)?;
        let config = Config { session_ttl, store: cli.db.clone(), ..Config::default() };
        let server = LadderServer::new(config);
        return match http {
            Some(addr) => {
                let mut http = HttpConfig::new(addr);
                http.token = token;
                http.allowed_hosts = allow_host;
                http.allowed_origins = allow_origin;
                http.request_timeout = request_timeout;
                // Replicas on one PostgreSQL store may sit behind a load balancer: no request may
                // depend on an MCP session held by the replica that answered an earlier one.
                http.stateless =
                    cli.db.as_deref().is_some_and(relationship_ladder::store::is_postgres);
                if http.stateless && http.token.is_none() {
                    // Without MCP sessions there is nothing but a token to bind a coach session
                    // to its caller: the handle alone then opens it.
                    tracing::warn!(
                        "replicas on a shared store serve without MCP sessions: without --token, \
                         coach sessions are bound to no caller, only to their unguessable handle"
                    );
                }
                // A team's server says at once when its named store cannot be reached; it keeps
                // serving, and each store call tries again and gives the same clear error until
                // the store is back.
                if cli.db.is_some() {
                    match server.store() {
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "the account store is unavailable"),
                    }
                }
                // HTTP serves many callers at once: one worker per core.
                let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
                runtime.block_on(server::http::serve(server, http))?;
                Ok(ExitCode::SUCCESS)
            }
            None => {
                // One client over one pipe: a single thread avoids hand-offs between threads.
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                runtime.block_on(server::stdio::serve(server))?;
                Ok(ExitCode::SUCCESS)
            }
        };
    }
    let db = cli.db.clone();
    if let Command::Tools { json } = cli.command {
        return local(db, |session| async move { print_tools(&session.tools().await?, json) });
    }
    if let Command::Call { tool, json, file, output } = cli.command {
        // Arguments that cannot be read are a usage error, like a bad flag.
        let args = match read_args(json, file) {
            Ok(args) => args,
            Err(err) => {
                report(&err);
                return Ok(ExitCode::from(2));
            }
        };
        return local(db, |session| async move {
            let result = session.call(&tool, args).await?;
            print_result(&result, output)?;
            Ok(if result.is_error == Some(true) { ExitCode::from(1) } else { ExitCode::SUCCESS })
        });
    }
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Serve { .. } | Command::Tools { .. } | Command::Call { .. } => {
            unreachable!("handled above")
        }
        Command::Export => {
            let store = open_store(db)?;
            let all = relationship_ladder::store::export(store.as_ref())?;
            serde_json::to_writer_pretty(&mut out, &all)?;
            writeln!(out)?;
        }
        Command::Delete { account, yes } => {
            let store = open_store(db)?;
            let Some(found) = store.account(&account)? else {
                anyhow::bail!("no account {account:?} in the store");
            };
            if !yes {
                let records = store.records(found.id)?.len();
                report(&anyhow::anyhow!(
                    "this deletes {:?} and its {records} records for good: add --yes to do it",
                    found.name
                ));
                return Ok(ExitCode::from(2));
            }
            let deleted = store.delete(&account)?.unwrap_or(0);
            writeln!(out, "deleted {:?} and its {deleted} records", found.name)?;
        }
        Command::Skill { list: true, .. } => {
            for heading in skill::sections() {
                writeln!(out, "{heading}")?;
            }
        }
        Command::Skill { section: None, .. } => out.write_all(skill::skill_md().as_bytes())?,
        Command::Skill { section: Some(name), .. } => {
            let text = skill::section(&name).with_context(|| {
                format!(
                    "no section {name:?} in SKILL.md; the sections are: {}",
                    skill::sections().join(", ")
                )
            })?;
            writeln!(out, "{text}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Logs to stderr only (stdout carries the protocol over stdio), without colours, at `level`
/// unless RUST_LOG says otherwise.
fn init_logging(level: &str) -> Result<()> {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let bad = || format!("--log-level {level:?}: expected error, warn, info, debug or trace");
    if !["error", "warn", "info", "debug", "trace"].contains(&level) {
        anyhow::bail!(bad());
    }
    // rmcp's warnings quote the requests they reject, which can carry a user's words: they
    // appear only when the user asks for debug output.
    let default = if matches!(level, "debug" | "trace") {
        level.to_owned()
    } else {
        format!("{level},rmcp=error")
    };
    // `Targets` reads the same `level,target=level` directives as RUST_LOG usually carries,
    // without the regular-expression engine a full `EnvFilter` links in and starts up: that
    // engine was a fifth of the code a stdio session touched.
    let filter: Targets = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => spec
            .parse()
            .with_context(|| format!("RUST_LOG {spec:?}: expected level,target=level"))?,
        _ => default.parse().with_context(bad)?,
    };
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false))
        .with(filter)
        .init();
    Ok(())
}

/// Runs `f` against an in-process server on a single-threaded runtime.
fn local<F, Fut>(db: Option<String>, f: F) -> Result<ExitCode>
where
    F: FnOnce(server::local::Local) -> Fut,
    Fut: std::future::Future<Output = Result<ExitCode>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let server = LadderServer::new(Config { store: db, ..Config::default() });
        let session = server::local::Local::connect(server).await?;
        f(session).await
    })
}

/// The account store for `export` and `delete`.
fn open_store(db: Option<String>) -> Result<std::sync::Arc<dyn relationship_ladder::store::Store>> {
    let server = LadderServer::new(Config { store: db, ..Config::default() });
    Ok(server.store()?)
}

fn read_args(
    json: Option<String>,
    file: Option<std::path::PathBuf>,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let text = match (json, file) {
        (Some(text), _) => text,
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("reading standard input")?;
            text
        }
        (None, Some(path)) => {
            std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?
        }
        (None, None) => "{}".to_owned(),
    };
    match serde_json::from_str(&text).context("the arguments are not JSON")? {
        serde_json::Value::Object(map) => Ok(map),
        other => anyhow::bail!("the arguments must be a JSON object, not {}", kind(&other)),
    }
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn print_tools(tools: &[rmcp::model::Tool], json: bool) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(tools)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for tool in tools {
        writeln!(out, "{} — {}", tool.name, tool.title.as_deref().unwrap_or_default())?;
        writeln!(out, "    {}", tool.description.as_deref().unwrap_or_default())?;
        let schema = &tool.input_schema;
        let required: Vec<&str> = schema
            .get("required")
            .and_then(|r| r.as_array())
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        if let Some(props) = schema.get("properties").and_then(|p| p.as_object()) {
            let args: Vec<String> = props
                .keys()
                .map(|k| {
                    if required.contains(&k.as_str()) {
                        format!("{k} (required)")
                    } else {
                        k.clone()
                    }
                })
                .collect();
            writeln!(out, "    arguments: {}", args.join(", "))?;
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_result(result: &rmcp::model::CallToolResult, output: Output) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match output {
        Output::Json => {
            let value = result.structured_content.clone().unwrap_or(serde_json::Value::Null);
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        Output::Text => {
            for block in &result.content {
                if let Some(text) = block.as_text() {
                    writeln!(out, "{}", text.text.trim_end())?;
                }
            }
        }
    }
    Ok(())
}
