//! Every rule R1–R36 of METHOD.md has at least one test named after it (`fn r17_…`), in the
//! unit tests under src/ or the integration tests under tests/. Removing a rule's last test
//! fails this one.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

use std::fs;
use std::path::Path;

fn sources(dir: &Path, out: &mut String) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_rule_has_a_test_named_after_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    sources(&root.join("src"), &mut text);
    sources(&root.join("tests"), &mut text);
    let missing: Vec<String> = (1..=36)
        .map(|n| format!("r{n}"))
        .filter(|id| {
            let plain = format!("fn {id}_");
            let lettered = (b'a'..=b'g').any(|c| text.contains(&format!("fn {id}{}_", c as char)));
            !text.contains(&plain) && !lettered
        })
        .collect();
    assert!(missing.is_empty(), "rules without a named test: {missing:?}");
}
