//! JSON schemas for the tools, generated from the engine's own types so that the argument
//! descriptions and the observation catalogue's enum cannot drift from the rules.
//!
//! Every definition is inlined: some hosts do not follow `$ref`. Only the root is checked to be
//! a plain object, since hosts reject a top-level `oneOf`, `anyOf` or `allOf`.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

/// The schema of `T` as arguments read by the tool.
pub fn input<T: JsonSchema>() -> Map<String, Value> {
    root::<T>(SchemaSettings::draft2020_12().for_deserialize())
}

/// The schema of `T` as a result the tool returns, cut to the top two levels of properties.
///
/// Output schemas let a host check a result's shape; the model reads the result itself. The full
/// schema of a diagnosis is about 40 KB, which every `tools/list` would carry, so below the
/// second level each value is described by its JSON type alone.
pub fn output<T: JsonSchema>() -> Map<String, Value> {
    let mut map = root::<T>(SchemaSettings::draft2020_12().for_serialize());
    shallow(&mut map, 0);
    map
}

/// Keeps `properties`, `items` and `type` down to [`OUTPUT_DEPTH`] levels and descriptions on
/// the first, replacing everything deeper with its bare JSON type.
fn shallow(schema: &mut Map<String, Value>, depth: usize) {
    if depth > 0 {
        schema.remove("description");
    }
    if depth >= OUTPUT_DEPTH {
        let ty = schema.get("type").cloned();
        schema.clear();
        if let Some(ty) = ty {
            schema.insert("type".into(), ty);
        }
        return;
    }
    for key in ["properties"] {
        if let Some(Value::Object(props)) = schema.get_mut(key) {
            for prop in props.values_mut() {
                if let Value::Object(p) = prop {
                    shallow(p, depth + 1);
                }
            }
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(Value::Object(p)) = schema.get_mut(key) {
            shallow(p, depth + 1);
        }
    }
    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(list)) = schema.get_mut(key) {
            for item in list {
                if let Value::Object(p) = item {
                    shallow(p, depth + 1);
                }
            }
        }
    }
}

/// How many levels of an output schema keep their structure.
const OUTPUT_DEPTH: usize = 2;

fn root<T: JsonSchema>(settings: SchemaSettings) -> Map<String, Value> {
    let settings = settings.with(|s| {
        s.inline_subschemas = true;
        s.meta_schema = None;
    });
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let Value::Object(mut map) = schema.to_value() else {
        unreachable!("a struct's schema is an object: {}", std::any::type_name::<T>())
    };
    map.remove("title");
    map.remove("$defs");
    tidy(&mut map);
    map
}

/// Drops what carries no information for a model (`"default": null`, integer formats) and
/// unwraps descriptions that doc comments broke across lines.
fn tidy(schema: &mut Map<String, Value>) {
    if schema.get("default").is_some_and(Value::is_null) {
        schema.remove("default");
    }
    if let Some(Value::String(format)) = schema.get("format")
        && (format.starts_with("uint") || format.starts_with("int"))
    {
        schema.remove("format");
    }
    if let Some(Value::String(d)) = schema.get_mut("description") {
        *d = d.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    for value in schema.values_mut() {
        match value {
            Value::Object(inner) => tidy(inner),
            Value::Array(items) => items.iter_mut().for_each(|item| {
                if let Value::Object(inner) = item {
                    tidy(inner);
                }
            }),
            _ => {}
        }
    }
}

/// Marks `field` optional in an object schema, for a field the server fills in when the
/// caller leaves it out (the card date: today).
pub fn make_optional(schema: &mut Map<String, Value>, field: &str, note: &str) {
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|f| f.as_str() != Some(field));
    }
    if let Some(Value::Object(props)) = schema.get_mut("properties")
        && let Some(Value::Object(prop)) = props.get_mut(field)
    {
        let old = prop.get("description").and_then(Value::as_str).unwrap_or_default();
        let text = format!("{old} {note}").trim().to_owned();
        prop.insert("description".into(), Value::String(text));
    }
}

/// Whether a schema is flat at the root: an object with no top-level combinator.
pub fn is_flat(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        && !["oneOf", "anyOf", "allOf", "$ref"].iter().any(|k| schema.contains_key(*k))
}
