//! The skill folder through the MCP Skills extension (SEP-2640): the skill's entry with its
//! frontmatter and a digest of every file, and directory reads, all from the files embedded in
//! the binary.
//!
//! The same files are ordinary resources too (see `resources`), for clients that do not speak
//! the extension.

use std::sync::LazyLock;

use rmcp::ErrorData;
use rmcp::model::{
    DIRECTORY_MIME_TYPE, ListResourcesResult, Resource, Skill, SkillFrontmatter, SkillResource,
    SkillResources,
};

use crate::skill;

/// The skill folder's URI, which is also its directory resource.
pub const ROOT: &str = "skill://customer-relationship-ladder";

/// The URI of a file of the skill folder.
pub fn uri(path: &str) -> String {
    format!("{ROOT}/{path}")
}

/// The skill's entry: its SKILL.md, frontmatter and files with their digests, built on first use.
pub static SKILL: LazyLock<Skill> = LazyLock::new(|| {
    let fields = skill::frontmatter();
    let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
    let mut frontmatter = SkillFrontmatter::new(
        get("name").unwrap_or_default(),
        get("description").unwrap_or_default(),
    );
    for (key, value) in fields.iter().filter(|(k, _)| !matches!(*k, "name" | "description")) {
        frontmatter = frontmatter.with_field(*key, value.clone());
    }
    let files =
        skill::FILES.iter().map(|f| SkillResource::from_bytes(uri(f.path), f.text.as_bytes()));
    Skill::new(uri("SKILL.md"), frontmatter, SkillResources::Files(files.collect()))
});

/// The resources of the skill folder, as `resources/list` shows them: SKILL.md named and
/// described by its frontmatter, the other files by their paths.
pub fn resources() -> Vec<Resource> {
    skill::FILES
        .iter()
        .map(|f| {
            let resource = if f.path == "SKILL.md" {
                Resource::new(uri(f.path), SKILL.frontmatter.name.clone())
                    .with_description(SKILL.frontmatter.description.clone())
            } else {
                Resource::new(uri(f.path), f.path)
            };
            resource.with_mime_type("text/markdown").with_size(f.text.len() as u64)
        })
        .collect()
}

/// The direct children of a directory of the skill folder (`resources/directory/read`).
///
/// # Errors
///
/// `-32602` when `dir` is not a directory of the folder (a file, or anything else).
pub fn directory(dir: &str) -> Result<ListResourcesResult, ErrorData> {
    let prefix = match dir.strip_prefix(ROOT) {
        Some("") => String::new(),
        Some(rest) if rest.starts_with('/') && !rest.ends_with('/') => format!("{}/", &rest[1..]),
        _ => return Err(not_a_directory(dir)),
    };
    let mut children: Vec<Resource> = Vec::new();
    let mut dirs: Vec<&str> = Vec::new();
    for f in skill::FILES.iter().filter(|f| f.path.starts_with(&prefix)) {
        match f.path[prefix.len()..].split_once('/') {
            None => children.push(
                Resource::new(uri(f.path), &f.path[prefix.len()..])
                    .with_mime_type("text/markdown")
                    .with_size(f.text.len() as u64),
            ),
            Some((sub, _)) if !dirs.contains(&sub) => dirs.push(sub),
            Some(_) => {}
        }
    }
    if children.is_empty() && dirs.is_empty() {
        return Err(not_a_directory(dir));
    }
    for sub in dirs {
        children.push(
            Resource::new(uri(&format!("{prefix}{sub}")), sub).with_mime_type(DIRECTORY_MIME_TYPE),
        );
    }
    Ok(ListResourcesResult::with_all_items(children))
}

fn not_a_directory(dir: &str) -> ErrorData {
    ErrorData::invalid_params(
        format!(
            "{dir:?} is not a directory of the skill: the directories are {ROOT}, \
                 {ROOT}/examples and {ROOT}/references"
        ),
        Some(serde_json::json!({ "uri": dir })),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skill_entry_is_valid_and_lists_every_file() {
        SKILL.validate().expect("the embedded skill is a valid SEP-2640 skill");
        let SkillResources::Files(files) = &SKILL.resources else { panic!("a static manifest") };
        assert_eq!(files.len(), skill::FILES.len());
        assert!(files.iter().all(|f| f.digest.starts_with("sha256:")));
        assert_eq!(SKILL.frontmatter.name, "customer-relationship-ladder");
    }

    #[test]
    fn directories_list_their_direct_children() {
        let root = directory(ROOT).unwrap();
        let names: Vec<_> = root.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["SKILL.md", "examples", "references"]);
        let examples = directory(&format!("{ROOT}/examples")).unwrap();
        assert_eq!(examples.resources.len(), 1);
        for bad in [uri("SKILL.md"), format!("{ROOT}/"), format!("{ROOT}/nope"), "skill://x".into()]
        {
            assert!(directory(&bad).is_err(), "{bad}");
        }
    }
}
