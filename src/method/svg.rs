//! The Diagnostic Card as a picture of the ladder (SVG), for hosts that show images but not MCP
//! Apps: the five rungs with the current and target rung and every cap, then the card's fields.
//!
//! The drawing is plain SVG 1.1 with no script, no external reference and no font that has to
//! be fetched. All user text is XML-escaped and wrapped onto as many lines as it needs; nothing
//! is shortened.

use std::fmt::Write as _;

use super::card::{BLANK, Card, CardRung, CardTarget, CheckStatus, one_line};
use super::rung::Rung;
use super::trust::TrustStatus;

const WIDTH: u32 = 720;
const MARGIN: u32 = 24;
const LINE: u32 = 18;
const RUNG_HEIGHT: u32 = 40;
/// Characters per line of body text at the drawing's font size: a wrap, never a cut.
const WRAP: usize = 92;

impl Card {
    /// The card drawn as an SVG document.
    pub fn to_svg(&self) -> String {
        let mut body = String::new();
        let mut y = MARGIN + 20;
        let title = format!("Diagnostic Card: {}", one_line(&self.account));
        let _ =
            writeln!(body, r#"<text class="title" x="{MARGIN}" y="{y}">{}</text>"#, xml(&title));
        y += LINE + 4;
        let mut meta = format!("Date {} · Owner {}", self.date, one_line(&self.owner));
        if self.provisional {
            meta.push_str(" · provisional (the coach's range, unverified)");
        }
        if let CardRung::Unconfirmed { .. } = self.rung {
            meta.push_str(" · unconfirmed: fewer than three observable items");
        }
        y = text_block(&mut body, y, "", &meta);
        y += 8;
        y = self.ladder(&mut body, y);
        y += 12;

        let caps: Vec<String> = self
            .caps
            .iter()
            .map(|c| format!("Capped at Rung {} ({}): {}", c.rung, c.rule, c.reason))
            .collect();
        y = section(&mut body, y, "Caps", &caps, "no cap holds");
        let evidence: Vec<String> = self
            .evidence
            .iter()
            .map(|e| format!("Rung {} ({}): {}", e.rung, e.rule, e.text))
            .collect();
        y = section(&mut body, y, "Evidence", &evidence, "no counted evidence");
        let target = match self.target {
            CardTarget::Climb { rung } => format!("Rung {rung}: {}", rung.name()),
            CardTarget::Hold => "hold at Rung 5".to_owned(),
            CardTarget::None => "none until the current rung is confirmed".to_owned(),
        };
        y = section(&mut body, y, "Target", &[target], "");
        let requirement: Vec<String> = self.requirement.iter().cloned().collect();
        y = section(&mut body, y, "Rung-up requirement", &requirement, "none");
        let blank = || BLANK.to_owned();
        let action = format!(
            "{} · Owner: {} · Due: {}",
            self.action.clone().unwrap_or_else(blank),
            self.action_owner.clone().unwrap_or_else(blank),
            self.due.map_or_else(blank, |d| d.to_string())
        );
        let mut deploy = vec![action];
        if let Some(evidence) = &self.success_evidence {
            deploy.push(format!("Success evidence: {evidence}"));
        }
        y = section(&mut body, y, "Action", &deploy, "");
        y = heading(&mut body, y, "Trust");
        for (name, status) in [
            ("Competence", self.trust.competence),
            ("Integrity", self.trust.integrity),
            ("Benevolence", self.trust.benevolence),
        ] {
            let class = match status {
                TrustStatus::Pass => "pass",
                TrustStatus::Fail => "fail",
                TrustStatus::Unassessed => "",
            };
            y = text_block(&mut body, y, class, &format!("{name}: {}", status.label()));
        }
        y = section(
            &mut body,
            y,
            "Primary constraint",
            std::slice::from_ref(&self.primary_constraint),
            "",
        );
        let checklist: Vec<String> = self
            .checklist
            .iter()
            .map(|c| format!("{} {}: {}", c.id, check_label(c.status), c.why))
            .collect();
        y = section(&mut body, y, "Checklist", &checklist, "not run");
        let height = y + MARGIN;
        let label = xml(&format!("{title}, current rung {}", self.rung_words()));
        format!(
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" "#,
                r#"viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{label}">"#,
                r#"
<title>{label}</title>
<style>
text {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 13px;
  fill: #1d232b; }}
.title {{ font-size: 18px; font-weight: 700; }}
.head {{ font-weight: 700; }}
.rung {{ fill: #f1f3f6; stroke: #9aa4b2; }}
.rung.current {{ fill: #1f6feb; stroke: #1f6feb; }}
.rung.range {{ fill: #b6cff7; stroke: #1f6feb; }}
.rung.target {{ stroke: #1a7f37; stroke-width: 3; stroke-dasharray: 6 4; }}
text.on-current {{ fill: #ffffff; font-weight: 700; }}
.cap {{ stroke: #cf222e; stroke-width: 3; }}
text.cap-label {{ fill: #cf222e; font-weight: 700; }}
text.fail {{ fill: #cf222e; }}
text.pass {{ fill: #1a7f37; }}
@media (prefers-color-scheme: dark) {{
  svg {{ background: #0d1117; }}
  text {{ fill: #e6edf3; }}
  .rung {{ fill: #161b22; stroke: #6e7681; }}
  text.cap-label, text.fail {{ fill: #ff7b72; }}
  text.pass {{ fill: #3fb950; }}
}}
</style>
{body}</svg>
"#
            ),
            WIDTH = WIDTH,
            height = height,
            label = label,
            body = body,
        )
    }

    /// The five rungs, Rung 5 at the top, each cap drawn as a bar over the rung it holds.
    fn ladder(&self, out: &mut String, top: u32) -> u32 {
        let width = 380;
        for (row, rung) in Rung::ALL.iter().rev().enumerate() {
            let y = top + row as u32 * (RUNG_HEIGHT + 6);
            let (current, in_range) = match self.rung {
                CardRung::Confirmed { rung: r } => (r == *rung, false),
                CardRung::Provisional { low, high } => (false, low <= *rung && *rung <= high),
                CardRung::Unconfirmed { .. } => (false, false),
            };
            let target = matches!(self.target, CardTarget::Climb { rung: r } if r == *rung);
            let mut class = String::from("rung");
            let mut marks = Vec::new();
            if current {
                class.push_str(" current");
                marks.push("current");
            }
            if in_range {
                class.push_str(" range");
                marks.push("in the provisional range");
            }
            if target {
                class.push_str(" target");
                marks.push("target");
            }
            let name = format!("Rung {rung}: {}", rung.name());
            let title = if marks.is_empty() {
                name.clone()
            } else {
                format!("{name} ({})", marks.join(", "))
            };
            let text_class = if current { r#" class="on-current""# } else { "" };
            let _ = writeln!(
                out,
                concat!(
                    r#"<g data-rung="{rung}"><title>{}</title><rect class="{class}" "#,
                    r#"x="{MARGIN}" y="{y}" width="{width}" height="{RUNG_HEIGHT}" rx="6"/>"#,
                    r#"<text{text_class} x="{}" y="{}">{}</text></g>"#
                ),
                xml(&title),
                MARGIN + 12,
                y + 25,
                xml(&title),
                rung = rung,
                class = class,
                MARGIN = MARGIN,
                y = y,
                width = width,
                RUNG_HEIGHT = RUNG_HEIGHT,
                text_class = text_class,
            );
            let caps: Vec<String> =
                self.caps.iter().filter(|c| c.rung == *rung).map(|c| c.rule.to_string()).collect();
            if !caps.is_empty() {
                let x = MARGIN + width + 12;
                let _ = writeln!(
                    out,
                    concat!(
                        r#"<line class="cap" x1="{MARGIN}" y1="{y}" x2="{}" y2="{y}"/>"#,
                        r#"<text class="cap-label" x="{x}" y="{}">cap {}</text>"#
                    ),
                    MARGIN + width,
                    y + 14,
                    xml(&caps.join(", ")),
                    MARGIN = MARGIN,
                    y = y,
                    x = x,
                );
            }
        }
        top + 5 * (RUNG_HEIGHT + 6)
    }
}

/// A section's heading; returns the next line's baseline.
fn heading(out: &mut String, y: u32, head: &str) -> u32 {
    let y = y + 8;
    let _ = writeln!(out, r#"<text class="head" x="{MARGIN}" y="{y}">{}</text>"#, xml(head));
    y + LINE
}

/// A heading and its lines, or `empty` when there are none.
fn section(out: &mut String, y: u32, head: &str, lines: &[String], empty: &str) -> u32 {
    let mut y = heading(out, y, head);
    if lines.is_empty() {
        return text_block(out, y, "", empty);
    }
    for line in lines {
        y = text_block(out, y, "", line);
    }
    y
}

/// One text, wrapped onto as many lines as it needs; returns the next line's baseline.
fn text_block(out: &mut String, mut y: u32, class: &str, text: &str) -> u32 {
    let class = if class.is_empty() { String::new() } else { format!(r#" class="{class}""#) };
    for line in wrap(&one_line(text), WRAP) {
        let _ = writeln!(out, r#"<text{class} x="{}" y="{y}">{}</text>"#, MARGIN + 8, xml(&line));
        y += LINE;
    }
    y
}

fn check_label(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "pass",
        CheckStatus::Fail => "FAIL",
        CheckStatus::NotApplicable => "n/a",
    }
}

/// Splits a one-line text into lines of at most `width` characters at spaces; a word longer
/// than a line is split inside the word. Every character of the text is kept.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(' ') {
        let mut word = word;
        let mut word_len = word.chars().count();
        if len > 0 && len + 1 + word_len > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        while word_len > width {
            let cut = word.char_indices().nth(width).map_or(word.len(), |(i, _)| i);
            lines.push(word[..cut].to_owned());
            word = &word[cut..];
            word_len -= width;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += word_len;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Escapes text for XML character data and attribute values. Characters XML 1.0 cannot carry
/// at all (C0 controls other than white space) become U+FFFD; card input refuses them anyway.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() && (c as u32) < 0x20 => out.push('\u{FFFD}'),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_character() {
        let text = "a ".repeat(120) + &"x".repeat(200);
        let lines = wrap(text.trim(), 40);
        assert!(lines.iter().all(|l| l.chars().count() <= 40));
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn xml_escapes_markup_and_replaces_controls() {
        assert_eq!(
            xml(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;&lt;/script&gt;"
        );
        assert_eq!(xml("a\u{1}b"), "a\u{FFFD}b");
    }
}
