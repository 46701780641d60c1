//! The text block of each tool result, for hosts that show the model only text. The structured
//! content carries everything; this is its readable face: the card, or a few lines that say
//! what the engine decided and which rules it applied.

use std::fmt::Write as _;

use crate::method::activation::{Activation, Decision, Mode};
use crate::method::coach::{Prompt, Reply};
use crate::method::input::InputErrors;
use crate::method::process::{Diagnosis, Status};
use crate::method::trust::TrustAudit;

/// The text of an activation check.
pub fn activation(a: &Activation) -> String {
    let mut out = String::new();
    let _ = match (a.decision, a.mode) {
        (Decision::Activate, Some(Mode::Coach)) => writeln!(
            out,
            "Activate, in coach mode: start \
            a `coach` session and put its first question to the user."
        ),
        (Decision::Activate, _) => writeln!(
            out,
            "Activate, in engine mode: collect evidence and \
            call `diagnose`."
        ),
        (Decision::Decline, _) => writeln!(out, "Do not activate."),
        (Decision::Ask, _) => writeln!(out, "Ask the user first:"),
    };
    for e in &a.exclusions {
        let _ = writeln!(out, "- {} ({})", e.reason, e.rule);
    }
    for q in &a.questions {
        let _ = writeln!(out, "- {} (`{}`, {})", q.question, q.field, q.rule);
    }
    for h in &a.handoffs {
        let _ = writeln!(out, "- Hand off to `{}`: {} ({})", h.skill.name(), h.why, h.rule);
    }
    out
}

/// The text of a coach turn: the one question and the instruction to stop, or the card.
pub fn coach(handle: Option<&str>, reply: &Reply) -> String {
    let mut out = String::new();
    if let Some(p) = &reply.prompt {
        prompt(&mut out, p);
    }
    if let Some(card) = &reply.card {
        let _ = writeln!(
            out,
            "The coach is finished. Provisional card (unverified until V1, V2 \
            and V4 pass in engine mode):\n"
        );
        out.push_str(&card.to_text());
    }
    if let Some(h) = handle.filter(|_| reply.prompt.is_some()) {
        let _ = writeln!(out, "\nSession: {h} (pass it back as `session` with the user's answer)");
    }
    out
}

/// The text of a refused coach answer: what was wrong, then the pending question again.
pub fn coach_refusal(problem: &str, pending: Option<&Prompt>) -> String {
    let mut out = format!("Refused: {problem}\n\n");
    if let Some(p) = pending {
        prompt(&mut out, p);
    }
    out
}

fn prompt(out: &mut String, p: &Prompt) {
    let _ = writeln!(out, "Step {} of 5. Ask the user exactly this, then end your turn:", p.step);
    let _ = writeln!(out, "\n    {}\n", p.question);
    if let Some(earlier) = &p.earlier {
        let _ = writeln!(
            out,
            "Earlier the user said: \"{earlier}\". Ask them to confirm or \
            correct it."
        );
    }
    let _ = writeln!(out, "{}", p.instruction);
}

/// The text of a diagnosis: the card and the lines a reader needs first.
pub fn diagnosis(d: &Diagnosis) -> String {
    let mut out = String::new();
    match d.status {
        Status::Declined | Status::NeedsFacts => return activation(&d.activation),
        Status::Diagnosed => {}
    }
    if let Some(card) = &d.card {
        out.push_str(&card.to_text());
    }
    if let Some(diag) = &d.diagnose {
        for cap in &diag.caps {
            let _ = writeln!(out, "Cap at Rung {}: {} ({})", cap.rung, cap.reason, cap.rule);
        }
        for f in diag.findings.iter().filter(|f| f.rule == crate::method::Rule::R18) {
            let _ = writeln!(out, "{} ({})", f.message, f.rule);
        }
    }
    for h in &d.handoffs {
        let _ = writeln!(out, "Hand off to `{}`: {} ({})", h.skill.name(), h.why, h.rule);
    }
    let ids: Vec<&str> = d.rules.iter().map(|r| r.id()).collect();
    let _ = writeln!(out, "Rules applied: {}", ids.join(", "));
    out
}

/// The text of a trust audit.
pub fn trust(a: &TrustAudit) -> String {
    let mut out = format!("Trust audit for the 90 days ending {}:\n", a.date);
    for d in &a.dimensions {
        let _ = writeln!(
            out,
            "- {}: {} ({} counted, {} context only) — {}",
            d.dimension.label(),
            d.status.label(),
            d.counted,
            d.context,
            d.question
        );
    }
    for f in &a.findings {
        let _ = writeln!(out, "{} ({})", f.message, f.rule);
    }
    out
}

/// The text of refused input: one line per field.
pub fn input_errors(e: &InputErrors) -> String {
    format!("The input was refused:\n{e}")
}
