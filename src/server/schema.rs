//! JSON schemas for the tools, generated from the engine's own types so that the argument
//! descriptions and the observation catalogue's enum cannot drift from the rules.
//!
//! Every definition is inlined: some hosts do not follow `$ref`. Only the root is checked to be
//! a plain object, since hosts reject a top-level `oneOf`, `anyOf` or `allOf`.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

/// The schema of `T` as arguments read by the tool.
///
/// A field the caller may leave out is written with its own type alone, not as nullable: absent
/// and `null` read the same, and a `type` array (`["string", "null"]`) is what hosts that map
/// schemas onto a single-type dialect (Gemini's function declarations, say) reject.
pub fn input<T: JsonSchema>() -> Map<String, Value> {
    let mut map = root::<T>(SchemaSettings::draft2020_12().for_deserialize());
    optional_not_null(&mut map);
    map
}

/// Rewrites every property an object does not require from "this type or null" to its type.
fn optional_not_null(schema: &mut Map<String, Value>) {
    let required: Vec<String> = match schema.get("required") {
        Some(Value::Array(r)) => r.iter().filter_map(|f| f.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            let Value::Object(p) = prop else { continue };
            if required.contains(name) {
                continue;
            }
            let Some(Value::Array(branches)) = p.get("anyOf") else { continue };
            let is_null = |b: &Value| b.get("type").is_some_and(|t| t == "null");
            if branches.len() == 2 && branches.iter().any(is_null) {
                let Some(Value::Object(other)) = branches.iter().find(|b| !is_null(b)).cloned()
                else {
                    continue;
                };
                p.remove("anyOf");
                for (k, v) in other {
                    p.entry(k).or_insert(v);
                }
            }
        }
    }
    for_children(schema, optional_not_null);
}

/// Calls `f` on every schema directly inside `schema`: its object values and the objects in
/// its array values.
fn for_children(schema: &mut Map<String, Value>, f: fn(&mut Map<String, Value>)) {
    for value in schema.values_mut() {
        match value {
            Value::Object(inner) => f(inner),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(inner) = item {
                        f(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Adds the property `name`, of type `T`, to an input or output schema: `T`'s definitions join
/// the schema's own.
pub fn add_property(
    schema: &mut Map<String, Value>,
    name: &str,
    description: &str,
    mut property: Map<String, Value>,
) {
    for key in ["$schema", "title"] {
        property.remove(key);
    }
    if let Some(Value::Object(defs)) = property.remove("$defs") {
        let own = schema.entry("$defs").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(own) = own {
            for (k, v) in defs {
                own.entry(k).or_insert(v);
            }
        }
    }
    property.insert("description".into(), Value::String(description.into()));
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.insert(name.into(), Value::Object(property));
    }
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

/// Cuts an output schema that had properties added to the depth [`output`] keeps.
pub fn cut_output(schema: &mut Map<String, Value>) {
    shallow(schema, 0);
}

/// Keeps `properties`, `items` and `type` down to [`OUTPUT_DEPTH`] levels and descriptions on
/// the first, replacing everything deeper with its bare JSON type.
fn shallow(schema: &mut Map<String, Value>, depth: usize) {
    if depth > 0 {
        schema.remove("description");
    }
    if depth >= OUTPUT_DEPTH {
        let cut = cut_to_type(schema);
        *schema = cut;
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

/// A schema cut to what its values are: its JSON type, or for a choice between constants, the
/// constants. The empty schema only for a value that may be anything.
fn cut_to_type(schema: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(ty) = schema.get("type") {
        out.insert("type".into(), ty.clone());
        if let Some(values) = schema.get("enum") {
            out.insert("enum".into(), values.clone());
        }
        return out;
    }
    let branches = ["oneOf", "anyOf"].iter().find_map(|k| schema.get(*k).and_then(Value::as_array));
    if let Some(branches) = branches {
        let consts: Option<Vec<Value>> = branches.iter().map(|b| b.get("const").cloned()).collect();
        if let Some(consts) = consts.filter(|c| c.iter().all(Value::is_string)) {
            out.insert("type".into(), "string".into());
            out.insert("enum".into(), Value::Array(consts));
            return out;
        }
        let mut types: Vec<Value> = Vec::new();
        for branch in branches.iter().filter_map(Value::as_object) {
            let cut = Value::Object(cut_to_type(branch));
            if !types.contains(&cut) {
                types.push(cut);
            }
        }
        if types.len() == 1
            && let Some(Value::Object(only)) = types.pop()
        {
            return only;
        }
        out.insert("anyOf".into(), Value::Array(types));
        return out;
    }
    let ty = if schema.contains_key("properties") {
        "object"
    } else if schema.contains_key("items") {
        "array"
    } else {
        // A value of any kind (or a constant): the cut keeps it as it was.
        if let Some(c) = schema.get("const") {
            out.insert("const".into(), c.clone());
        }
        return out;
    };
    out.insert("type".into(), ty.into());
    out
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

/// Drops what carries no information for a model (`"default": null`, integer formats), unwraps
/// descriptions that doc comments broke across lines, and writes a nullable type as an `anyOf`
/// of single types, the portable spelling of `"type": [T, "null"]`.
fn tidy(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = schema.get("type")
        && types.len() == 2
        && types.iter().any(|t| t == "null")
    {
        let other = types.iter().find(|t| *t != "null").cloned().unwrap_or(Value::Null);
        let description = schema.remove("description");
        let default = schema.remove("default");
        let mut branch = std::mem::take(schema);
        branch.insert("type".into(), other);
        let null = serde_json::json!({ "type": "null" });
        schema.insert("anyOf".into(), Value::Array(vec![Value::Object(branch), null]));
        if let Some(d) = description {
            schema.insert("description".into(), d);
        }
        if let Some(d) = default.filter(|d| !d.is_null()) {
            schema.insert("default".into(), d);
        }
    }
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
    for_children(schema, tidy);
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
