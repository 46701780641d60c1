//! The Diagnostic Card (R33, Q30): the method's output, as a plain structure and rendered in
//! the skill's plain-text layout or as Markdown.
//!
//! The text layout keeps the template's labels, order and one line per field, then adds one
//! line for the checklist (R34). User text is folded onto one line and never shortened; the
//! Markdown rendering escapes it so that evidence cannot inject formatting or links.

use std::fmt::Write as _;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::evidence::Cap;
use super::input::{Checker, InputErrors, Limits};
use super::rules::Rule;
use super::rung::Rung;
use super::trust::TrustStatus;

/// The card's current-rung field (Q30): one box ticked, unconfirmed, or a coach's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CardRung {
    /// The evidence confirms the rung.
    Confirmed {
        /// The current rung.
        rung: Rung,
    },
    /// Fewer than three observable items (Q36).
    Unconfirmed {
        /// The lowest cap that applies, if any.
        #[serde(default)]
        ceiling: Option<Rung>,
    },
    /// The coach's provisional range (Q9, Q30), unverified.
    Provisional {
        /// The lowest rung of the range.
        low: Rung,
        /// The highest rung of the range.
        high: Rung,
    },
}

/// The card's target field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CardTarget {
    /// One rung up.
    Climb {
        /// The target rung.
        rung: Rung,
    },
    /// Hold at Rung 5.
    Hold,
    /// No target until the rung is confirmed.
    None,
}

/// One evidence line of the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardEvidence {
    /// The item in the user's words.
    pub text: String,
    /// The rung it counts for.
    pub rung: Rung,
    /// The rule that fixed its rung.
    pub rule: Rule,
}

/// The card's trust field (R29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardTrust {
    /// Do they believe you can deliver?
    pub competence: TrustStatus,
    /// Do they believe you act in their interest?
    pub integrity: TrustStatus,
    /// Do they bring you bad news?
    pub benevolence: TrustStatus,
}

/// A checklist item's outcome (R34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The check passes.
    Pass,
    /// The check fails.
    Fail,
    /// The check does not apply (V6 below Rung 4).
    NotApplicable,
}

/// One checklist item with its outcome (R34).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// V1 to V6.
    pub id: Rule,
    /// The outcome.
    pub status: CheckStatus,
    /// Why.
    pub why: String,
}

/// The Diagnostic Card (R33).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// The account's name.
    pub account: String,
    /// The diagnosis date (Q30).
    pub date: NaiveDate,
    /// The vendor person accountable for the account and the card (Q30).
    pub owner: String,
    /// The current rung.
    pub rung: CardRung,
    /// Every cap on the rung with its rule and reason (R17, R21, R22). Not a line of the
    /// skill's template, so the text and Markdown layouts leave it out; the picture of the
    /// ladder (SVG, the MCP App view) draws it.
    #[serde(default)]
    pub caps: Vec<Cap>,
    /// The three highest-tagged pool items, most recent first on ties (Q30).
    pub evidence: Vec<CardEvidence>,
    /// The target rung.
    pub target: CardTarget,
    /// The rung-up requirement, when there is a target.
    #[serde(default)]
    pub requirement: Option<String>,
    /// The action.
    #[serde(default)]
    pub action: Option<String>,
    /// The person who executes the action (Q30).
    #[serde(default)]
    pub action_owner: Option<String>,
    /// The action's due date.
    #[serde(default)]
    pub due: Option<NaiveDate>,
    /// The observable behaviour that will show the action worked.
    #[serde(default)]
    pub success_evidence: Option<String>,
    /// Trust per dimension.
    pub trust: CardTrust,
    /// The primary constraint (Q28).
    pub primary_constraint: String,
    /// The stop-rule answer, when one was given.
    #[serde(default)]
    pub stop_rule_answer: Option<String>,
    /// Whether the stop-rule answer passed (Q10).
    #[serde(default)]
    pub stop_rule_passes: bool,
    /// The verification checklist (R34).
    #[serde(default)]
    pub checklist: Vec<Check>,
    /// Whether the card is provisional (the coach's, Q30).
    #[serde(default)]
    pub provisional: bool,
}

/// Checks a card given as fields, before it is rendered: the text limits and the hidden
/// characters of Q34, as for any other input.
pub fn validate(card: &Card, limits: Limits) -> Result<(), InputErrors> {
    let mut check = Checker::new(limits);
    check.text(|| "card.account".into(), &card.account);
    check.text(|| "card.owner".into(), &card.owner);
    check.text(|| "card.primary_constraint".into(), &card.primary_constraint);
    check.count("card.evidence", card.evidence.len(), limits.evidence_items, "evidence lines");
    for (i, e) in card.evidence.iter().enumerate() {
        check.text(|| format!("card.evidence[{i}].text"), &e.text);
    }
    check.count("card.caps", card.caps.len(), limits.evidence_items, "caps");
    for (i, c) in card.caps.iter().enumerate() {
        check.text(|| format!("card.caps[{i}].reason"), &c.reason);
    }
    for (name, text) in [
        ("card.requirement", &card.requirement),
        ("card.action", &card.action),
        ("card.action_owner", &card.action_owner),
        ("card.success_evidence", &card.success_evidence),
        ("card.stop_rule_answer", &card.stop_rule_answer),
    ] {
        check.opt_text(|| name.into(), text.as_deref());
    }
    for (i, c) in card.checklist.iter().enumerate() {
        check.text(|| format!("card.checklist[{i}].why"), &c.why);
    }
    check.finish()
}

/// A rendering of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardFormat {
    /// The skill's plain-text layout.
    #[default]
    Text,
    /// Markdown.
    Markdown,
    /// The structure as JSON.
    Json,
    /// A picture of the ladder with the card's fields, as an SVG document.
    Svg,
}

/// The stop-rule question as the card prints it.
pub const STOP_RULE_QUESTION: &str = "What unstated need did we address this quarter?";

/// What the card writes for a field left empty.
pub(crate) const BLANK: &str = "___";

impl Card {
    /// Whether every checklist item passes or does not apply.
    pub fn verified(&self) -> bool {
        !self.provisional
            && !self.checklist.is_empty()
            && self.checklist.iter().all(|c| c.status != CheckStatus::Fail)
    }

    /// The card in the skill's plain-text layout.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let line = |s: &str| one_line(s);
        let opt = |s: &Option<String>| s.as_deref().map_or(BLANK.to_owned(), one_line);
        let _ = writeln!(
            out,
            "Account: {} Date: {} Owner: {}",
            line(&self.account),
            self.date,
            line(&self.owner)
        );
        let _ = writeln!(out, "CURRENT RUNG: {}", self.rung_boxes());
        let _ = writeln!(out, "Evidence: {}", self.evidence_line(one_line));
        let _ = writeln!(out, "TARGET RUNG: {}", self.target_text());
        let _ = writeln!(out, "Rung-up requirement: {}", opt(&self.requirement));
        let _ = writeln!(
            out,
            "Action: {} Owner: {} Due: {}",
            opt(&self.action),
            opt(&self.action_owner),
            self.due.map_or(BLANK.to_owned(), |d| d.to_string())
        );
        let _ = writeln!(
            out,
            "Success evidence (observable behavior): {}",
            opt(&self.success_evidence)
        );
        let t = &self.trust;
        let _ = writeln!(
            out,
            "Trust: Competence[{}] Integrity[{}] Benevolence[{}]",
            trust_box(t.competence),
            trust_box(t.integrity),
            trust_box(t.benevolence)
        );
        let _ = writeln!(out, "Primary constraint: {}", line(&self.primary_constraint));
        let _ = writeln!(
            out,
            "Stop-rule: \"{STOP_RULE_QUESTION}\" → {}",
            self.stop_rule_text(one_line)
        );
        let _ = writeln!(out, "Checklist: {}", self.checklist_line());
        out
    }

    /// The card as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let md = |s: &str| escape_md(s);
        let opt = |s: &Option<String>| s.as_deref().map_or(BLANK.to_owned(), escape_md);
        let title =
            if self.provisional { "Provisional Diagnostic Card" } else { "Diagnostic Card" };
        let _ = writeln!(out, "### {title}: {}\n", md(&self.account));
        let _ = writeln!(
            out,
            "- **Account:** {} · **Date:** {} · **Owner:** {}",
            md(&self.account),
            self.date,
            md(&self.owner)
        );
        let _ = writeln!(out, "- **Current rung:** {}", self.rung_words());
        let _ = writeln!(out, "- **Evidence:**");
        if self.evidence.is_empty() {
            let _ = writeln!(out, "  1. {BLANK}");
        }
        for (i, e) in self.evidence.iter().take(3).enumerate() {
            let _ = writeln!(out, "  {}. {} *(Rung {}, {})*", i + 1, md(&e.text), e.rung, e.rule);
        }
        let _ = writeln!(out, "- **Target rung:** {}", self.target_words());
        let _ = writeln!(out, "- **Rung-up requirement:** {}", opt(&self.requirement));
        let _ = writeln!(
            out,
            "- **Action:** {} · **Owner:** {} · **Due:** {}",
            opt(&self.action),
            opt(&self.action_owner),
            self.due.map_or(BLANK.to_owned(), |d| d.to_string())
        );
        let _ = writeln!(
            out,
            "- **Success evidence (observable behavior):** {}",
            opt(&self.success_evidence)
        );
        let t = &self.trust;
        let _ = writeln!(
            out,
            "- **Trust:** Competence {} · Integrity {} · Benevolence {}",
            t.competence.label(),
            t.integrity.label(),
            t.benevolence.label()
        );
        let _ = writeln!(out, "- **Primary constraint:** {}", md(&self.primary_constraint));
        let _ = writeln!(
            out,
            "- **Stop-rule:** \"{STOP_RULE_QUESTION}\" → {}",
            self.stop_rule_text(escape_md)
        );
        let _ = writeln!(out, "- **Checklist:** {}", self.checklist_line());
        out
    }

    fn rung_boxes(&self) -> String {
        let ticked = |r: Rung| match self.rung {
            CardRung::Confirmed { rung } => rung == r,
            CardRung::Provisional { low, high } => low <= r && r <= high,
            CardRung::Unconfirmed { .. } => false,
        };
        let boxes: Vec<String> = Rung::ALL
            .iter()
            .map(|&r| if ticked(r) { format!("[*{r}*]") } else { format!("[ {r} ]") })
            .collect();
        let mut s = boxes.join(" ");
        match self.rung {
            CardRung::Confirmed { .. } => {}
            CardRung::Unconfirmed { ceiling } => {
                s.push_str(" unconfirmed: fewer than three observable evidence items");
                if let Some(c) = ceiling {
                    let _ = write!(s, " (ceiling Rung {c})");
                }
            }
            CardRung::Provisional { .. } => s.push_str(" provisional, unverified (coach)"),
        }
        s
    }

    /// The current-rung field in words.
    pub(crate) fn rung_words(&self) -> String {
        match self.rung {
            CardRung::Confirmed { rung } => format!("{rung} — {}", rung.name()),
            CardRung::Unconfirmed { ceiling: Some(c) } => {
                format!("unconfirmed (fewer than three observable items; ceiling Rung {c})")
            }
            CardRung::Unconfirmed { ceiling: None } => {
                "unconfirmed (fewer than three observable items)".to_owned()
            }
            CardRung::Provisional { low, high } if low == high => {
                format!("{low} — {} (provisional, unverified)", low.name())
            }
            CardRung::Provisional { low, high } => {
                format!("{low}–{high} (provisional, unverified)")
            }
        }
    }

    fn evidence_line(&self, render: impl Fn(&str) -> String) -> String {
        if self.evidence.is_empty() {
            return format!("1.{BLANK} 2.{BLANK} 3.{BLANK}");
        }
        let mut parts: Vec<String> = self
            .evidence
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, e)| format!("{}.{} (Rung {}, {})", i + 1, render(&e.text), e.rung, e.rule))
            .collect();
        for i in parts.len()..3 {
            parts.push(format!("{}.{BLANK}", i + 1));
        }
        parts.join(" ")
    }

    fn target_text(&self) -> String {
        match self.target {
            CardTarget::Climb { rung } => rung.to_string(),
            CardTarget::Hold => "hold at 5".to_owned(),
            CardTarget::None => format!("{BLANK} (none until the current rung is confirmed)"),
        }
    }

    fn target_words(&self) -> String {
        match self.target {
            CardTarget::Climb { rung } => format!("{rung} — {}", rung.name()),
            _ => self.target_text(),
        }
    }

    fn stop_rule_text(&self, render: impl Fn(&str) -> String) -> String {
        match (&self.stop_rule_answer, self.stop_rule_passes) {
            (Some(answer), true) => render(answer),
            (Some(answer), false) => {
                format!("{} (counts as blank) = cap at Rung 2", render(answer))
            }
            (None, _) => "blank = cap at Rung 2".to_owned(),
        }
    }

    fn checklist_line(&self) -> String {
        if self.checklist.is_empty() {
            return BLANK.to_owned();
        }
        self.checklist
            .iter()
            .map(|c| {
                let mark = match c.status {
                    CheckStatus::Pass => "pass",
                    CheckStatus::Fail => "FAIL",
                    CheckStatus::NotApplicable => "n/a",
                };
                format!("{} {mark}", c.id)
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

fn trust_box(status: TrustStatus) -> &'static str {
    match status {
        TrustStatus::Pass => "pass",
        TrustStatus::Fail => "fail",
        TrustStatus::Unassessed => " ",
    }
}

/// Folds a text onto one line: every run of white space or control characters becomes one
/// space. Nothing is cut.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Escapes a text for Markdown, folded onto one line: characters with a meaning in Markdown or
/// HTML get a backslash or an entity, so user text reads as text.
pub fn escape_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in one_line(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}
