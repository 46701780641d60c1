//! The host packaging files carry the fields their hosts require: the Claude Code plugin and
//! its marketplace, the plugin's MCP configuration, and the Claude Desktop bundle manifest
//! (which `scripts/mcpb.sh` also validates with the official CLI in CI).

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

use serde_json::Value;

fn read(path: &str) -> Value {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(full).unwrap()).unwrap()
}

#[test]
fn the_plugin_and_its_marketplace_have_the_fields_claude_code_requires() {
    let plugin = read(".claude-plugin/plugin.json");
    let name = plugin["name"].as_str().unwrap();
    assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{name}");
    let market = read(".claude-plugin/marketplace.json");
    assert!(market["name"].is_string());
    assert!(market["owner"]["name"].is_string());
    let entry = &market["plugins"][0];
    assert_eq!(entry["name"], name, "the marketplace names the plugin as plugin.json does");
    assert!(entry["source"].is_string());
    for skill in plugin["skills"].as_array().unwrap() {
        let dir = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), skill.as_str().unwrap());
        assert!(std::path::Path::new(&dir).join("SKILL.md").exists(), "{dir}");
    }
}

#[test]
fn tool_names_stay_within_the_hosts_64_character_limit() {
    let plugin = read(".claude-plugin/plugin.json");
    let servers = read(".mcp.json");
    let servers = servers["mcpServers"].as_object().unwrap();
    assert_eq!(servers.len(), 1);
    let (server, config) = servers.iter().next().unwrap();
    assert_eq!(config["args"][0], "serve");
    let plugin = plugin["name"].as_str().unwrap();
    for tool in
        ["check_activation", "coach", "diagnose", "audit_trust", "render_card", "read_skill"]
    {
        // Claude Code calls a plugin's tool mcp__plugin_<plugin>_<server>__<tool>.
        let full = format!("mcp__plugin_{plugin}_{server}__{tool}");
        assert!(full.len() <= 64, "{full} is {} characters", full.len());
    }
}

#[test]
fn the_bundle_manifest_is_a_binary_server_on_manifest_0_4() {
    let manifest = read("manifest.json");
    assert_eq!(manifest["manifest_version"], "0.4");
    assert_eq!(manifest["server"]["type"], "binary");
    let command = manifest["server"]["mcp_config"]["command"].as_str().unwrap();
    assert!(command.starts_with("${__dirname}/"), "{command}");
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    let tools: Vec<&str> =
        manifest["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tools, relationship_ladder::server::tools::NAMES, "the bundle lists every tool");
}
