//! The MCP server through rmcp's own client, over a child process's stdio, in each protocol
//! era: every tool (happy path and refusals), the resources and the prompts.

#![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure with its location")]

mod mcp;

use mcp::{ERAS, Era, call, example, stdio, structured, text};
use rmcp::model::{
    ArgumentInfo, CompleteRequestParams, GetPromptRequestParams, ReadResourceRequestParams,
    Reference,
};
use serde_json::{Value, json};

/// The definitions the server ships (`src/server/tools.json`) are the ones its types derive.
/// After changing a tool's types or text, regenerate the file with
/// `LADDER_WRITE_TOOLS=1 cargo test --test server shipped_tool_definitions`.
#[test]
fn shipped_tool_definitions_are_the_derived_ones() {
    use relationship_ladder::server::tools::{DEFINITIONS, NAMES, definitions, generate};
    let derived = serde_json::to_value(generate()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/server/tools.json");
    if std::env::var_os("LADDER_WRITE_TOOLS").is_some() {
        let text = serde_json::to_string_pretty(&derived).unwrap() + "\n";
        std::fs::write(path, text).unwrap();
        return;
    }
    let shipped: Value = serde_json::from_str(DEFINITIONS).unwrap();
    assert!(
        shipped == derived,
        "src/server/tools.json is out of date: regenerate it with \
         LADDER_WRITE_TOOLS=1 cargo test --test server shipped_tool_definitions"
    );
    // And what the server reads from the file is what it would have derived.
    let shipped = definitions();
    assert_eq!(serde_json::to_value(&shipped).unwrap(), derived);
    let names: Vec<&str> = shipped.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, NAMES, "tools::NAMES lists the shipped tools in order");
}

#[tokio::test]
async fn tools_list_offers_ten_flat_annotated_tools_in_every_era() {
    for era in ERAS {
        let client = stdio(era).await;
        let tools = client.list_all_tools().await.unwrap();
        let mut names: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "alerts",
                "audit_trust",
                "check_activation",
                "coach",
                "diagnose",
                "history",
                "portfolio",
                "read_skill",
                "record",
                "render_card"
            ],
            "{era:?}"
        );
        for tool in &tools {
            let schema = Value::Object((*tool.input_schema).clone());
            assert_eq!(schema["type"], "object", "{}", tool.name);
            for combinator in ["oneOf", "anyOf", "allOf", "$ref"] {
                assert!(
                    schema.get(combinator).is_none(),
                    "{} has a top-level {combinator}",
                    tool.name
                );
            }
            assert!(tool.output_schema.is_some(), "{}", tool.name);
            assert!(tool.title.is_some(), "{}", tool.name);
            let a = tool.annotations.as_ref().unwrap();
            // Only `record` writes (and `diagnose` and `audit_trust` given `record`); it only adds.
            let writes = ["record", "diagnose", "audit_trust"].contains(&tool.name.as_ref());
            assert_eq!(a.read_only_hint, Some(!writes), "{}", tool.name);
            assert_eq!(a.destructive_hint, Some(false), "{}", tool.name);
            assert_eq!(a.open_world_hint, Some(false), "{}", tool.name);
            assert!(
                tool.name.len() <= 16
                    && tool.name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            );
        }
        let diagnose = tools.iter().find(|t| t.name == "diagnose").unwrap();
        let schema = serde_json::to_string(&*diagnose.input_schema).unwrap();
        assert!(schema.contains("roadmap_shared_before_final"), "the catalogue is in the schema");
        assert!(schema.contains("Rung 4") || schema.contains("rung 4"));
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn diagnose_returns_the_card_and_the_rules_in_every_era() {
    for era in ERAS {
        let client = stdio(era).await;
        let result = call(&client, "diagnose", example()).await;
        assert_eq!(result.is_error, Some(false), "{era:?}: {}", text(&result));
        let s = structured(&result);
        assert_eq!(s["status"], "diagnosed");
        assert_eq!(s["diagnose"]["standing"]["rung"], 2);
        assert_eq!(s["card"]["target"]["rung"], 3);
        let rules: Vec<&str> =
            s["rules"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert!(rules.contains(&"R17") || rules.contains(&"Q18"));
        assert!(rules.contains(&"R20d") && rules.contains(&"R21c"));
        let body = text(&result);
        assert!(body.contains("CURRENT RUNG: [ 1 ] [*2*]"), "{body}");
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn diagnose_fills_in_todays_date_when_it_is_left_out() {
    let client = stdio(Era::V2025_11).await;
    let mut args = example();
    args.as_object_mut().unwrap().remove("date");
    let result = call(&client, "diagnose", args).await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    let today = relationship_ladder::server::today().to_string();
    assert_eq!(structured(&result)["card"]["date"], today.as_str());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn refused_input_is_an_error_result_naming_the_field() {
    let client = stdio(Era::V2025_06).await;
    let cases = [
        (
            "diagnose",
            json!({"account": {"name": "A", "owner": "B"},
                "evidence": [{"observation": "great_vibes", "text": "x"}]}),
            "evidence[0].observation",
        ),
        ("diagnose", json!({"account": {"name": "A", "owner": "B"}, "date": "yesterday"}), "date"),
        (
            "diagnose",
            json!({"account": {"name": "A", "owner": "B"}, "evidence": [{"observation": "tenure",
                "text": "x".repeat(4001), "who": "w", "what": "w"}]}),
            "evidence[0].text",
        ),
        ("check_activation", json!({"customer_count": -3}), "customer_count"),
        ("check_activation", json!({"surprise": true}), "surprise"),
        (
            "audit_trust",
            json!({"trust": [{"signal": "competence_vibes", "text": "x"}]}),
            "trust[0].signal",
        ),
        ("read_skill", json!({"section": "No Such Section"}), "section"),
        ("render_card", json!({"format": "pdf"}), "format"),
        ("render_card", json!({}), "card"),
    ];
    for (tool, args, field) in cases {
        let result = call(&client, tool, args).await;
        assert_eq!(result.is_error, Some(true), "{tool} {field}");
        let message = text(&result);
        assert!(message.contains(field), "{tool}: {message:?} should name {field}");
        let errors = structured(&result)["errors"].as_array().unwrap();
        assert!(errors.iter().any(|e| e["field"].as_str().unwrap().contains(field)), "{errors:?}");
    }
    // The server is still up and answers the next valid request.
    let ok = call(&client, "read_skill", json!({})).await;
    assert_eq!(ok.is_error, Some(false));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn an_unknown_tool_is_a_protocol_error() {
    let client = stdio(Era::V2025_11).await;
    let params = rmcp::model::CallToolRequestParams::new("dance");
    let err = client.call_tool(params).await.unwrap_err();
    assert!(err.to_string().contains("unknown tool"), "{err}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn check_activation_declines_with_every_exclusion() {
    let client = stdio(Era::V2026).await;
    let result = call(
        &client,
        "check_activation",
        json!({
            "account_acv": {"amount": 300},
            "customer_count": 7,
            "arms_length": "explicit",
            "triggers": ["renewal_at_risk"]
        }),
    )
    .await;
    let s = structured(&result);
    assert_eq!(s["decision"], "decline");
    let rules: Vec<_> =
        s["exclusions"].as_array().unwrap().iter().map(|e| e["rule"].clone()).collect();
    assert_eq!(rules, [json!("R4"), json!("R5"), json!("R6")]);
    assert_eq!(s["handoffs"][0]["skill"], "lean-startup");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn audit_trust_and_render_card_and_read_skill_work() {
    let client = stdio(Era::V2025_11).await;
    let audit = call(
        &client,
        "audit_trust",
        json!({
            "date": "2026-12-03",
            "trust": [{"signal": "integrity_broke_confidence",
                       "text": "Shared their pricing with a rival",
                       "who": "our AE", "what": "pricing deck forwarded", "when": "2026-11-20"}]
        }),
    )
    .await;
    let s = structured(&audit);
    assert_eq!(s["regression_risk"], true);
    assert_eq!(s["dimensions"][1]["status"], "fail");

    let diagnosis = call(&client, "diagnose", example()).await;
    let card = structured(&diagnosis)["card"].clone();
    for (format, marker) in
        [("text", "CURRENT RUNG:"), ("markdown", "### Diagnostic Card"), ("json", "\"account\"")]
    {
        let r = call(&client, "render_card", json!({"card": card, "format": format})).await;
        assert_eq!(r.is_error, Some(false));
        assert!(text(&r).contains(marker), "{format}");
    }

    let skill = call(&client, "read_skill", json!({"section": "Domain Packs"})).await;
    assert!(text(&skill).starts_with("## Domain Packs"));
    let example =
        call(&client, "read_skill", json!({"file": "examples/ibm-transformation-1993-2001.md"}))
            .await;
    assert!(text(&example).contains("IBM"));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn the_skill_folder_is_served_as_resources() {
    for era in ERAS {
        let client = stdio(era).await;
        let resources = client.list_all_resources().await.unwrap();
        let uris: Vec<_> = resources.iter().map(|r| r.uri.as_str()).collect();
        assert!(uris.contains(&"skill://customer-relationship-ladder/SKILL.md"), "{uris:?}");
        assert!(uris.contains(&"skill://customer-relationship-ladder/references/sources.md"));
        for uri in uris {
            let read =
                client.read_resource(ReadResourceRequestParams::new(uri.to_owned())).await.unwrap();
            assert!(!read.contents.is_empty(), "{uri}");
        }
        let missing = client
            .read_resource(ReadResourceRequestParams::new(
                "skill://customer-relationship-ladder/../../etc/passwd",
            ))
            .await;
        assert!(missing.is_err(), "{era:?}: path traversal is not found");
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn prompts_fill_their_arguments_and_complete_the_domain() {
    let client = stdio(Era::V2025_11).await;
    let prompts = client.list_all_prompts().await.unwrap();
    let names: Vec<_> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["engine_mode", "coach_mode", "trust_audit"]);
    let mut args = serde_json::Map::new();
    args.insert("account".into(), json!("Northwind"));
    args.insert("domain".into(), json!("saas"));
    let prompt = client
        .get_prompt(GetPromptRequestParams::new("coach_mode").with_arguments(args))
        .await
        .unwrap();
    let body = serde_json::to_string(&prompt.messages).unwrap();
    assert!(body.contains("Northwind") && !body.contains("{{"), "{body}");

    let completion = client
        .complete(CompleteRequestParams::new(
            Reference::for_prompt("engine_mode"),
            ArgumentInfo::new("domain", "ma"),
        ))
        .await
        .unwrap();
    assert_eq!(completion.completion.values, ["manufacturing"]);
    let mut bad = serde_json::Map::new();
    bad.insert("domain".into(), json!("fintech"));
    assert!(
        client
            .get_prompt(GetPromptRequestParams::new("engine_mode").with_arguments(bad))
            .await
            .is_err()
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn the_skill_is_served_through_the_skills_extension_with_digests() {
    use rmcp::model::{GetSkillRequestParams, ReadResourceDirectoryRequestParams, SkillResources};
    for era in ERAS {
        let client = stdio(era).await;
        let skills = client.list_all_skills().await.unwrap();
        assert_eq!(skills.len(), 1, "{era:?}");
        let skill = &skills[0];
        assert_eq!(skill.uri, "skill://customer-relationship-ladder/SKILL.md");
        assert_eq!(skill.frontmatter.name, "customer-relationship-ladder");
        let SkillResources::Files(files) = &skill.resources else { panic!("a manifest") };
        // Each digest matches the bytes the resource read serves.
        for file in files {
            let read = client
                .read_resource(ReadResourceRequestParams::new(file.uri.clone()))
                .await
                .unwrap();
            let body = serde_json::to_value(&read.contents[0]).unwrap();
            let text = body["text"].as_str().unwrap();
            file.verify(text.as_bytes()).unwrap();
        }
        let got = client.get_skill(GetSkillRequestParams::new(skill.uri.clone())).await.unwrap();
        assert_eq!(got.skill.uri, skill.uri);
        let missing = GetSkillRequestParams::new("skill://nope/SKILL.md");
        assert!(client.get_skill(missing).await.is_err());
        let dir = client
            .read_resource_directory(ReadResourceDirectoryRequestParams::new(
                "skill://customer-relationship-ladder",
            ))
            .await
            .unwrap();
        assert!(dir.resources.iter().any(|r| r.mime_type.as_deref() == Some("inode/directory")));
        client.cancel().await.unwrap();
    }
}

/// Whether `schema` or any schema inside it writes `type` as an array, which hosts that map
/// schemas onto a single-type dialect reject.
fn type_arrays(schema: &Value, path: &str, found: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if map.get("type").is_some_and(Value::is_array) {
                found.push(path.to_owned());
            }
            for (key, value) in map {
                type_arrays(value, &format!("{path}.{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                type_arrays(item, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn tool_schemas_use_single_types_only() {
    let client = stdio(Era::V2025_11).await;
    let mut found = Vec::new();
    for tool in client.list_all_tools().await.unwrap() {
        let input = Value::Object((*tool.input_schema).clone());
        type_arrays(&input, &format!("{}.inputSchema", tool.name), &mut found);
        if let Some(output) = &tool.output_schema {
            let output = Value::Object((**output).clone());
            type_arrays(&output, &format!("{}.outputSchema", tool.name), &mut found);
        }
    }
    assert!(found.is_empty(), "type arrays at {found:?}");
    client.cancel().await.unwrap();
}
