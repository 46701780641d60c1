//! The card as a picture: the MCP App view (`ui://relationship-ladder/card`) through rmcp's
//! client, the SVG format of `render_card` parsed as XML, and the view driven in headless
//! Chromium by `tests/browser/card-view.mjs`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "in a test, a failure is the point")]

mod mcp;

use std::process::Command;

use mcp::{ERAS, call, example, stdio, structured, text};
use relationship_ladder::method::Rung;
use rmcp::model::{ReadResourceRequestParams, ResourceContents};
use serde_json::{Value, json};

const URI: &str = "ui://relationship-ladder/card";
const MIME: &str = "text/html;profile=mcp-app";

#[tokio::test]
async fn the_view_is_a_listed_resource_that_asks_for_no_network() {
    for era in ERAS {
        let client = stdio(era).await;
        let listed = client.list_all_resources().await.unwrap();
        let view = listed.iter().find(|r| r.uri == URI).expect("the view is listed");
        assert_eq!(view.mime_type.as_deref(), Some(MIME), "{era:?}");
        let read = client.read_resource(ReadResourceRequestParams::new(URI)).await.unwrap();
        let ResourceContents::TextResourceContents { text, mime_type, meta, .. } =
            &read.contents[0]
        else {
            panic!("the view is text");
        };
        assert_eq!(mime_type.as_deref(), Some(MIME));
        let ui = &meta.as_ref().expect("the view carries _meta.ui").0["ui"];
        assert_eq!(ui["csp"]["connectDomains"], json!([]), "no origin to connect to");
        assert_eq!(ui["csp"]["resourceDomains"], json!([]), "no origin to load from");
        // Self-contained: no external script, style, font or image, and a policy that forbids
        // anything but its own inline script and style.
        for external in ["src=\"http", "href=\"http", "url(http", "@import", "src=\"//"] {
            assert!(!text.contains(external), "{external} in the view");
        }
        assert!(text.contains("Content-Security-Policy\" content=\"default-src 'none'"));
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn diagnose_and_render_card_point_at_the_view_and_no_other_tool_does() {
    let client = stdio(mcp::Era::V2025_11).await;
    let info = client.peer_info().expect("the server answered initialize");
    let extensions = info.capabilities.extensions.as_ref().expect("the server declares extensions");
    assert_eq!(extensions["io.modelcontextprotocol/ui"]["mimeTypes"], json!([MIME]));
    for tool in client.list_all_tools().await.unwrap() {
        let uri =
            tool.meta.as_ref().and_then(|m| m.0.get("ui")).map(|ui| ui["resourceUri"].clone());
        let expected = ["diagnose", "render_card"].contains(&tool.name.as_ref());
        assert_eq!(uri, expected.then(|| json!(URI)), "{}", tool.name);
    }
    client.cancel().await.unwrap();
}

#[test]
fn the_view_names_the_rungs_as_the_engine_does() {
    let html = include_str!("../view/card.html");
    for rung in Rung::ALL {
        let entry = format!("{}: \"{}\",", rung.get(), rung.name());
        assert!(html.contains(&entry), "the view lacks {entry}");
    }
}

/// The text of every `<text>` element of an SVG document, in order, and its element names.
fn svg_text(svg: &str) -> (String, Vec<String>) {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
    let lines: Vec<String> = root
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect();
    let names =
        root.descendants().filter(|n| n.is_element()).map(|n| n.tag_name().name().to_owned());
    (lines.join(" "), names.collect())
}

/// `text` with runs of white space as one space, as the SVG wraps it.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_svg_card_parses_and_carries_the_same_facts_as_the_card() {
    let client = stdio(mcp::Era::V2025_11).await;
    let mut input = example();
    let hostile = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> & ]]>";
    input["account"]["name"] = json!(format!("Northwind {hostile}"));
    for item in input["evidence"].as_array_mut().unwrap() {
        let text = item["text"].as_str().unwrap().to_owned();
        item["text"] = json!(format!("{hostile} {text}"));
    }
    let diagnosis = call(&client, "diagnose", input).await;
    let card = structured(&diagnosis)["card"].clone();
    let rendered = call(&client, "render_card", json!({ "card": card, "format": "svg" })).await;
    assert_ne!(rendered.is_error, Some(true), "{}", text(&rendered));
    let svg = structured(&rendered)["text"].as_str().unwrap().to_owned();
    let (all, elements) = svg_text(&svg);
    let all = words(&all);
    // The account, and every rung by name.
    assert!(all.contains(&words(card["account"].as_str().unwrap())), "{all}");
    for rung in Rung::ALL {
        assert!(all.contains(&format!("Rung {}: {}", rung.get(), rung.name())), "{all}");
    }
    // The current rung is marked, in its drawn rung and its accessible name.
    let current = card["rung"]["rung"].as_u64().unwrap();
    let marked = format!("Rung {current}: {} (current", Rung::new(current as u8).unwrap().name());
    assert!(all.contains(&marked), "{all}");
    // Every cap with its rule and reason; every evidence line with its rung and rule.
    let caps = card["caps"].as_array().unwrap();
    assert!(!caps.is_empty());
    for cap in caps {
        let line = format!(
            "Capped at Rung {} ({}): {}",
            cap["rung"],
            str(&cap["rule"]),
            str(&cap["reason"])
        );
        assert!(all.contains(&words(&line)), "{line} in {all}");
    }
    for e in card["evidence"].as_array().unwrap() {
        let line = format!("Rung {} ({}): {}", e["rung"], str(&e["rule"]), str(&e["text"]));
        assert!(all.contains(&words(&line)), "{line} in {all}");
    }
    // Trust per dimension, the action with owner and due date, the checklist.
    for (name, key) in
        [("Competence", "competence"), ("Integrity", "integrity"), ("Benevolence", "benevolence")]
    {
        assert!(all.contains(&format!("{name}: {}", str(&card["trust"][key]))), "{all}");
    }
    assert!(all.contains(&words(str(&card["action"]))));
    assert!(all.contains(&format!("Owner: {}", str(&card["action_owner"]))));
    assert!(all.contains(&format!("Due: {}", str(&card["due"]))));
    for check in card["checklist"].as_array().unwrap() {
        assert!(all.contains(&format!("{} ", str(&check["id"]))), "{all}");
    }
    // Hostile text stayed text: no element but the drawing's own.
    assert!(all.contains(hostile), "{all}");
    for element in &elements {
        assert!(
            ["svg", "title", "style", "g", "rect", "text", "line"].contains(&element.as_str()),
            "{element}"
        );
    }
    client.cancel().await.unwrap();
}

fn str(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// The view in headless Chromium: the DOM checks and screenshots of `card-view.mjs`.
///
/// This needs Chromium (`/usr/bin/chromium`, or `CHROMIUM`) and the script's one npm package
/// (`npm ci` in `tests/browser`); `.ci/run` installs both. Without them the test fails and says
/// so, unless `LADDER_SKIP_BROWSER=1` asks, in so many words, to skip it.
#[test]
#[allow(clippy::print_stdout, clippy::print_stderr, reason = "the browser's report is the output")]
fn the_view_in_headless_chromium() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser");
    let browser = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let ready = std::path::Path::new(&browser).exists()
        && std::path::Path::new(dir).join("node_modules/playwright-core").exists();
    if !ready {
        if std::env::var("LADDER_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("skipped: LADDER_SKIP_BROWSER=1");
            return;
        }
        panic!(
            "the browser test needs Chromium at {browser} and `npm ci` in tests/browser \
             (.ci/run installs both); set LADDER_SKIP_BROWSER=1 to skip it"
        );
    }
    let artifacts = concat!(env!("CARGO_TARGET_TMPDIR"), "/../artifacts");
    let out = Command::new("node")
        .arg(format!("{dir}/card-view.mjs"))
        .env("LADDER_BIN", mcp::BIN)
        .env("LADDER_ARTIFACTS", artifacts)
        .env("CHROMIUM", &browser)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}
