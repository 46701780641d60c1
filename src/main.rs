//! The `relationship-ladder` command line: parses arguments and hands off to the library.
//!
//! Exit codes: 0 success, 1 the engine refused the input, 2 a usage error (clap's own).

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

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
    let mut out = std::io::stdout().lock();
    match cli.command {
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
