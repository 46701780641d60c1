//! The ladder view: an MCP App (the `io.modelcontextprotocol/ui` extension) that hosts render
//! beside the result of `diagnose` or `render_card`.
//!
//! The view is one self-contained HTML document, `view/card.html`, embedded in the binary. It
//! is finished once, on first read: the Northwind example's card is embedded as the sample it
//! shows when opened on its own, and a content security policy is written into it that allows
//! exactly its own inline script and style (by hash) and no request of any kind. The same
//! policy is declared to hosts in the resource's `_meta.ui.csp` (no connect or resource
//! domains), so a host's sandbox and the page agree.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rmcp::model::{MetaObject, Resource, ResourceContents};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::method::process::DiagnoseInput;
use crate::method::{Limits, diagnose};

/// The view's resource URI, which tools name in `_meta.ui.resourceUri`.
pub const URI: &str = "ui://relationship-ladder/card";

/// The MCP Apps extension's identifier, under which the server declares the view's media type.
pub const EXTENSION: &str = "io.modelcontextprotocol/ui";

/// The MCP Apps media type of an HTML view.
pub const MIME: &str = "text/html;profile=mcp-app";

const TEMPLATE: &str = include_str!("../../view/card.html");
const EXAMPLE: &str = include_str!("../../examples/northwind-saas.json");

/// The finished document: the sample card embedded and the content security policy written.
pub static HTML: LazyLock<String> = LazyLock::new(|| finish(TEMPLATE, &sample()));

/// The policy the page carries: only its own script and style, no request, no form, no base.
pub fn policy(html: &str) -> String {
    let script = hash(between(html, "<script>", "</script>"));
    let style = hash(between(html, "<style>", "</style>"));
    format!(
        "default-src 'none'; script-src 'sha256-{script}'; style-src 'sha256-{style}'; \
         img-src data:; base-uri 'none'; form-action 'none'"
    )
}

fn finish(template: &str, sample: &str) -> String {
    let meta =
        format!(r#"<meta http-equiv="Content-Security-Policy" content="{}">"#, policy(template));
    template.replacen("<!--LADDER:CSP-->", &meta, 1).replacen("/*LADDER:SAMPLE*/", sample, 1)
}

/// The example account's card as JSON safe inside a `<script>` data block: `<` is written as
/// its JSON escape, so no text in it can close the block.
fn sample() -> String {
    let card = serde_json::from_str::<DiagnoseInput>(EXAMPLE)
        .ok()
        .and_then(|input| diagnose(&input, Limits::default()).ok())
        .and_then(|d| d.card);
    serde_json::to_string(&card).unwrap_or_else(|_| "null".to_owned()).replace('<', "\\u003c")
}

fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    html.split_once(open).and_then(|(_, rest)| rest.split_once(close)).map_or("", |(body, _)| body)
}

fn hash(text: &str) -> String {
    STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// `_meta.ui` of the resource: no network origins at all, and a border from the host.
fn meta() -> MetaObject {
    let ui =
        json!({ "csp": { "connectDomains": [], "resourceDomains": [] }, "prefersBorder": true });
    let mut meta = MetaObject::default();
    meta.0.insert("ui".to_owned(), ui);
    meta
}

/// `_meta` of a tool whose result the view draws. The flat `ui/resourceUri` key is the form
/// hosts written against the extension's first drafts read.
pub fn tool_meta() -> MetaObject {
    let mut meta = MetaObject::default();
    meta.0.insert("ui".to_owned(), json!({ "resourceUri": URI }));
    meta.0.insert("ui/resourceUri".to_owned(), json!(URI));
    meta
}

/// The view as `resources/list` shows it.
pub fn resource() -> Resource {
    Resource::new(URI, "ladder-card")
        .with_title("Diagnostic Card: the ladder view")
        .with_description(
            "The MCP App that draws a Diagnostic Card: the five rungs with the current and \
             target rung, every cap and its rule, the evidence, trust, the action and the \
             checklist.",
        )
        .with_mime_type(MIME)
        .with_size(HTML.len() as u64)
        .with_meta(meta())
}

/// The view as `resources/read` returns it.
pub fn contents() -> ResourceContents {
    ResourceContents::text(HTML.as_str(), URI).with_mime_type(MIME).with_meta(meta())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_finished_view_carries_its_policy_and_the_sample() {
        assert!(HTML.contains("Content-Security-Policy"));
        assert!(!HTML.contains("<!--LADDER:CSP-->"));
        assert!(!HTML.contains("/*LADDER:SAMPLE*/"));
        assert!(HTML.contains("\"account\":\"Northwind Logistics\""));
        // The hashes are of the finished page's script and style, which the finishing steps
        // leave as they were in the template.
        assert_eq!(policy(&HTML), policy(TEMPLATE));
    }

    #[test]
    fn sample_text_cannot_close_its_script_block() {
        let card = r#"{"a":"</script><script>alert(1)</script>"}"#.replace('<', "\\u003c");
        let html = finish(TEMPLATE, &card);
        assert_eq!(html.matches("</script>").count(), TEMPLATE.matches("</script>").count());
    }
}
