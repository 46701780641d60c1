//! Limits on what one call may carry (Q34), and the error that refuses input over them or of
//! the wrong form.
//!
//! Input over a limit is refused whole, never cut: a truncated item could lose the very words
//! that made it observable. Every refusal names the field, what is wrong with the value and the
//! form that would be accepted, so a model can repair its call in one step.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rules::Rule;

/// The engine's limits per call (Q34). The defaults are the method's; a deployment may tune
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Limits {
    /// Characters (Unicode scalar values) in one free-text field.
    pub text_chars: usize,
    /// Evidence items in one diagnosis.
    pub evidence_items: usize,
    /// Trust observations per trust dimension.
    pub trust_per_dimension: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { text_chars: 4_000, evidence_items: 50, trust_per_dimension: 20 }
    }
}

/// One thing wrong with a call's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct InputError {
    /// The field, as a path into the input (`evidence[3].text`).
    pub field: String,
    /// What is wrong with the value.
    pub problem: String,
    /// The form the field accepts.
    pub accepted: String,
    /// The rule that sets the form or limit.
    pub rule: Rule,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; expected {} ({})", self.field, self.problem, self.accepted, self.rule)
    }
}

/// Everything wrong with a call's input, reported together so it can be repaired at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct InputErrors {
    /// The errors, in the order of the fields.
    pub errors: Vec<InputError>,
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

/// Collects input errors while a call's fields are checked.
#[derive(Debug)]
pub(crate) struct Checker {
    limits: Limits,
    errors: Vec<InputError>,
}

impl Checker {
    pub(crate) fn new(limits: Limits) -> Self {
        Checker { limits, errors: Vec::new() }
    }

    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Records an error.
    pub(crate) fn refuse(
        &mut self,
        field: impl Into<String>,
        problem: String,
        accepted: &str,
        rule: Rule,
    ) {
        self.errors.push(InputError {
            field: field.into(),
            problem,
            accepted: accepted.to_owned(),
            rule,
        });
    }

    /// Checks one free-text field: its length against the limit, and that it carries no
    /// control or bidirectional-override characters, which could hide words from the person
    /// reading the card.
    pub(crate) fn text(&mut self, field: impl Fn() -> String, text: &str) {
        // A text no longer in bytes than the limit in characters is within it: count only
        // when the bytes say it might not be.
        let chars = if text.len() <= self.limits.text_chars { 0 } else { text.chars().count() };
        if chars > self.limits.text_chars {
            let accepted = format!("at most {} characters", self.limits.text_chars);
            self.refuse(
                field(),
                format!("{chars} characters is over the limit"),
                &accepted,
                Rule::Q34,
            );
        }
        // One branch-free pass over the bytes, then the character check only where needed.
        let suspect = text.bytes().fold(false, |any, b| any | !(0x20..0x7F).contains(&b));
        if suspect && let Some(bad) = text.chars().find(|c| is_hidden(*c)) {
            self.refuse(
                field(),
                format!("contains the invisible control character U+{:04X}", bad as u32),
                "text without control or bidirectional-override characters (new lines and \
                 tabs are fine)",
                Rule::Q34,
            );
        }
    }

    /// Checks an optional free-text field.
    pub(crate) fn opt_text(&mut self, field: impl Fn() -> String, text: Option<&str>) {
        if let Some(text) = text {
            self.text(field, text);
        }
    }

    /// Checks a list's length against a limit.
    pub(crate) fn count(&mut self, field: &str, len: usize, max: usize, what: &str) {
        if len > max {
            self.refuse(
                field,
                format!("{len} {what} is over the limit"),
                &format!("at most {max} {what}"),
                Rule::Q34,
            );
        }
    }

    /// The collected errors, if any.
    pub(crate) fn finish(self) -> Result<(), InputErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(InputErrors { errors: self.errors }) }
    }
}

fn is_hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q34_over_long_text_is_refused_with_field_size_and_limit() {
        let mut c = Checker::new(Limits::default());
        c.text(|| "evidence[0].text".into(), &"x".repeat(4_001));
        let err = c.finish().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("evidence[0].text"), "{msg}");
        assert!(msg.contains("4001 characters"), "{msg}");
        assert!(msg.contains("at most 4000 characters"), "{msg}");
        assert!(msg.contains("Q34"), "{msg}");
    }

    #[test]
    fn q34_text_at_the_limit_and_emoji_are_accepted() {
        let mut c = Checker::new(Limits::default());
        c.text(|| "f".into(), &"é".repeat(4_000));
        c.text(|| "f".into(), "🙂 line one\nline two\ttab");
        assert!(c.finish().is_ok());
    }

    #[test]
    fn q34_bidirectional_overrides_and_controls_are_refused() {
        for bad in ["abc\u{202E}cba", "nul\u{0}", "bell\u{7}"] {
            let mut c = Checker::new(Limits::default());
            c.text(|| "f".into(), bad);
            assert!(c.finish().is_err(), "{bad:?}");
        }
    }
}
