//! The skill folder and the MCP prompts, embedded in the binary at build time so an installed
//! binary needs nothing beside it.
//!
//! This module only carries the files and finds sections in SKILL.md; it interprets nothing
//! (Q38: the attribution footer is shipped, never parsed).

/// The skill's name, which is also its folder's name.
pub const SKILL_NAME: &str = "customer-relationship-ladder";

/// A file of the skill folder.
#[derive(Debug, Clone, Copy)]
pub struct SkillFile {
    /// The path inside the skill folder, with `/` separators.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// Every file of the skill folder, SKILL.md first.
pub const FILES: &[SkillFile] = &[
    SkillFile {
        path: "SKILL.md",
        text: include_str!("../skill/customer-relationship-ladder/SKILL.md"),
    },
    SkillFile {
        path: "examples/ibm-transformation-1993-2001.md",
        text: include_str!(
            "../skill/customer-relationship-ladder/examples/ibm-transformation-1993-2001.md"
        ),
    },
    SkillFile {
        path: "references/sources.md",
        text: include_str!("../skill/customer-relationship-ladder/references/sources.md"),
    },
];

/// An MCP prompt's text, with `{{account}}` and `{{domain}}` placeholders.
#[derive(Debug, Clone, Copy)]
pub struct PromptText {
    /// The prompt's name.
    pub name: &'static str,
    /// The Markdown text.
    pub text: &'static str,
}

/// The three prompts: engine mode, coach mode and the trust audit.
pub const PROMPTS: &[PromptText] = &[
    PromptText { name: "engine_mode", text: include_str!("../prompts/engine-mode.md") },
    PromptText { name: "coach_mode", text: include_str!("../prompts/coach-mode.md") },
    PromptText { name: "trust_audit", text: include_str!("../prompts/trust-audit.md") },
];

/// SKILL.md's text.
pub fn skill_md() -> &'static str {
    FILES[0].text
}

/// The fields of SKILL.md's YAML frontmatter, in order, as `(key, value)`.
///
/// The frontmatter is the simple subset Agent Skills use: one `key: value` per line, the value
/// plain or in double quotes. Serving the skill through the Skills extension needs the same
/// fields the file declares, so they are read from the file rather than written twice.
pub fn frontmatter() -> Vec<(&'static str, String)> {
    let text = skill_md();
    let Some(rest) = text.strip_prefix("---\n") else { return Vec::new() };
    let Some(end) = rest.find("\n---") else { return Vec::new() };
    rest[..end]
        .lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            let value = value.trim();
            let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\\\"", "\"").replace("\\\\", "\\"),
                None => value.to_owned(),
            };
            Some((key.trim(), value))
        })
        .collect()
}

/// The headings of SKILL.md's sections (`##` and `###`), in order.
pub fn sections() -> Vec<&'static str> {
    skill_md()
        .lines()
        .filter_map(|l| l.strip_prefix("### ").or_else(|| l.strip_prefix("## ")))
        .map(str::trim)
        .collect()
}

/// One section of SKILL.md, heading included, found by its heading without regard to case;
/// a `##` section runs to the next `##` heading and includes its `###` subsections.
pub fn section(name: &str) -> Option<&'static str> {
    let text = skill_md();
    let wanted = name.trim().trim_start_matches('#').trim();
    let mut offset = 0;
    let mut start: Option<(usize, usize)> = None;
    for line in text.split_inclusive('\n') {
        let level = line.chars().take_while(|c| *c == '#').count();
        let heading = line[level..].trim();
        if let Some((begin, open_level)) = start {
            if (2..=open_level).contains(&level) {
                return Some(text[begin..offset].trim_end());
            }
        } else if (2..=3).contains(&level) && heading.eq_ignore_ascii_case(wanted) {
            start = Some((offset, level));
        }
        offset += line.len();
    }
    start.map(|(begin, _)| text[begin..].trim_end())
}

/// The prompt named `name`, with its placeholders filled.
pub fn prompt(name: &str, account: &str, domain: &str) -> Option<String> {
    PROMPTS
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.text.replace("{{account}}", account).replace("{{domain}}", domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_found_by_heading_and_stop_at_the_next_one() {
        let coach = section("coaching novices (adaptive front door)").unwrap();
        assert!(coach.starts_with("## Coaching Novices"));
        assert!(coach.contains("[WAIT"));
        assert!(!coach.contains("## The Process"));
        let card = section("Output: Diagnostic Card").unwrap();
        assert!(card.contains("CURRENT RUNG"));
        assert!(section("no such section").is_none());
        assert!(sections().contains(&"Domain Packs"));
    }

    #[test]
    fn the_frontmatter_names_the_folder_and_carries_the_description() {
        let fields = frontmatter();
        let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["name", "description", "license"]);
        assert_eq!(fields[0].1, SKILL_NAME);
        assert!(fields[1].1.starts_with("Activate when: a key account renewal"));
        assert!(fields[1].1.ends_with("arms-length vendor relationships."));
    }

    #[test]
    fn prompts_fill_their_placeholders() {
        for p in PROMPTS {
            let text = prompt(p.name, "Acme", "saas").unwrap();
            assert!(!text.contains("{{"), "{} keeps a placeholder", p.name);
        }
    }
}
