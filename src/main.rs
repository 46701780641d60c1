//! The `relationship-ladder` command line: parses arguments and hands off to the library.
//!
//! Exit codes: 0 success, 1 the engine refused the input, 2 a usage error (clap's own).

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
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the method over MCP: stdio by default, Streamable HTTP with --http.
    Serve {
        /// Serve Streamable HTTP at /mcp on this address; without one, 127.0.0.1:8790.
        #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:8790")]
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
        /// Minutes a coach session may sit idle before it expires.
        #[arg(long, default_value_t = 30, value_name = "MINUTES")]
        session_ttl: u64,
        /// Log level on stderr: error, warn, info, debug or trace (RUST_LOG overrides).
        #[arg(long, default_value = "warn", value_name = "LEVEL")]
        log_level: String,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            #[allow(clippy::print_stderr, reason = "the command line reports its one error")]
            {
                eprintln!("relationship-ladder: {err:#}");
            }
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Serve { http, token, allow_host, allow_origin, session_ttl, log_level } =
        cli.command
    {
        init_logging(&log_level)?;
        let config =
            Config { session_ttl: Duration::from_secs(session_ttl * 60), ..Config::default() };
        let server = LadderServer::new(config);
        return match http {
            Some(addr) => {
                let mut http = HttpConfig::new(addr);
                http.token = token;
                http.allowed_hosts = allow_host;
                http.allowed_origins = allow_origin;
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
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Serve { .. } => unreachable!("serve returned above"),
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
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => tracing_subscriber::EnvFilter::try_new(spec)?,
        _ => tracing_subscriber::EnvFilter::try_new(default).with_context(bad)?,
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    Ok(())
}
