//! What the server answers to a message it cannot take: bytes that are not JSON, JSON that is
//! not a JSON-RPC 2.0 message, and requests for an MCP method whose parameters do not fit it.
//! Both transports use it, so a line over stdio and a body over HTTP get the same answer, and
//! every answer says what was wrong and what was expected.
//!
//! rmcp decodes messages itself; this module is consulted only once its decoder has refused
//! one (stdio, HTTP) or has taken a request for a known method as a custom request because its
//! parameters did not decode (both, through the handler's `on_custom_request`).

use rmcp::model::{
    CallToolRequestParams, CompleteRequestParams, ErrorCode, ErrorData, GetPromptRequestParams,
    GetSkillRequestParams, InitializeRequestParams, NumberOrString, PaginatedRequestParams,
    ReadResourceDirectoryRequestParams, ReadResourceRequestParams, ServerJsonRpcMessage,
    SubscribeRequestParams, UnsubscribeRequestParams,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The answer to bytes rmcp's decoder refused, or `None` when the protocol says to stay
/// silent (a malformed response or notification: there is no request to answer).
pub fn refuse(bytes: &[u8]) -> Option<ServerJsonRpcMessage> {
    let answer =
        |id: Option<NumberOrString>, error: ErrorData| Some(ServerJsonRpcMessage::error(error, id));
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => {
            return answer(
                None,
                ErrorData::new(
                    ErrorCode::PARSE_ERROR,
                    format!("Parse error: not JSON ({e}); a message is one JSON object"),
                    None,
                ),
            );
        }
    };
    let Value::Object(message) = value else {
        let what = match value {
            Value::Array(_) => "an array: batches are not part of MCP since protocol 2025-06-18",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return answer(None, invalid_request(format!("a message is a JSON object, not {what}")));
    };
    let id = match message.get("id") {
        None => None,
        Some(Value::String(s)) => Some(NumberOrString::String(s.as_str().into())),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => match n.as_i64() {
            Some(n) => Some(NumberOrString::Number(n)),
            None => {
                return answer(None, invalid_request(format!("id {n} is beyond a 64-bit integer")));
            }
        },
        Some(other) => {
            return answer(
                None,
                invalid_request(format!(
                    "id {other} is not a string or an integer (ids are strings or integers)"
                )),
            );
        }
    };
    match message.get("jsonrpc") {
        Some(Value::String(v)) if v == "2.0" => {}
        Some(other) => {
            return answer(id, invalid_request(format!("jsonrpc is {other}; it must be \"2.0\"")));
        }
        None => {
            return answer(id, invalid_request("jsonrpc is missing; it must be \"2.0\"".into()));
        }
    }
    let method = match message.get("method") {
        Some(Value::String(method)) => method,
        Some(other) => {
            return answer(id, invalid_request(format!("method {other} is not a string")));
        }
        // A response or an error the client sent: nothing to answer, whatever its shape.
        None if message.contains_key("result") || message.contains_key("error") => return None,
        None => {
            return answer(id, invalid_request("a request needs a method".into()));
        }
    };
    // A notification is never answered, even a malformed one.
    let id = id?;
    let params = message.get("params");
    if let Some(params) = params.filter(|p| !p.is_object()) {
        let kind = match params {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return answer(
            Some(id),
            ErrorData::invalid_params(
                format!("the params of {method:?} must be an object, not {kind}"),
                None,
            ),
        );
    }
    answer(Some(id), request_error(method, params))
}

/// The methods protocol 2026-07-28 removed: a request for one in that era is a method that
/// does not exist, whatever its parameters.
pub const REMOVED_IN_2026: &[&str] =
    &["initialize", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"];

fn invalid_request(why: String) -> ErrorData {
    ErrorData::invalid_request(format!("Invalid Request: {why}"), None)
}

#[allow(deprecated, reason = "logging/setLevel is deprecated, and still answered")]
/// The error for a request whose method is not served, or whose parameters do not fit its
/// method: for the latter, the path of the parameter at fault and what it should be.
pub fn request_error(method: &str, params: Option<&Value>) -> ErrorData {
    let problem = match method {
        "initialize" => problem::<InitializeRequestParams>(params),
        "tools/call" => problem::<CallToolRequestParams>(params),
        "resources/read" => problem::<ReadResourceRequestParams>(params),
        "resources/subscribe" => problem::<SubscribeRequestParams>(params),
        "resources/unsubscribe" => problem::<UnsubscribeRequestParams>(params),
        "resources/directory/read" => problem::<ReadResourceDirectoryRequestParams>(params),
        "prompts/get" => problem::<GetPromptRequestParams>(params),
        "completion/complete" => problem::<CompleteRequestParams>(params),
        "logging/setLevel" => problem::<rmcp::model::SetLevelRequestParams>(params),
        "skills/get" => problem::<GetSkillRequestParams>(params),
        "tools/list"
        | "prompts/list"
        | "resources/list"
        | "resources/templates/list"
        | "skills/list" => problem::<PaginatedRequestParams>(params),
        _ => {
            return ErrorData::new(
                ErrorCode::METHOD_NOT_FOUND,
                format!(
                    "method {method:?} is not served here: the server answers MCP's methods for \
                     tools, resources, prompts, skills and completions"
                ),
                None,
            );
        }
    };
    match problem {
        Some(why) => ErrorData::invalid_params(format!("{method}: {why}"), None),
        // The parameters fit, so rmcp routed the method here because the request's protocol
        // version does not have it.
        None => ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!("{method} is not part of the protocol version of this request"),
            None,
        ),
    }
}

/// What is wrong with `params` as the parameters `T`, naming the parameter at fault.
fn problem<T: DeserializeOwned>(params: Option<&Value>) -> Option<String> {
    let params = params.cloned().unwrap_or_else(|| Value::Object(Default::default()));
    let error = serde_path_to_error::deserialize::<_, T>(params).err()?;
    let path = error.path().to_string();
    let inner = error.into_inner();
    Some(if path == "." { format!("params: {inner}") } else { format!("params.{path}: {inner}") })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure")]

    use super::*;
    use serde_json::json;

    fn answer(line: &str) -> Value {
        serde_json::to_value(refuse(line.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn unreadable_lines_get_the_json_rpc_error_that_names_the_problem() {
        let parse = answer("hello");
        assert_eq!(parse["error"]["code"], -32700);
        assert_eq!(parse["id"], Value::Null);
        let batch = answer("[1]");
        assert_eq!(batch["error"]["code"], -32600);
        assert!(batch["error"]["message"].as_str().unwrap().contains("batches"));
        let id = answer(r#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#);
        assert_eq!((id["error"]["code"].clone(), id["id"].clone()), (json!(-32600), Value::Null));
        let version = answer(r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#);
        assert_eq!(
            (version["error"]["code"].clone(), version["id"].clone()),
            (json!(-32600), json!(3))
        );
        let params = answer(r#"{"jsonrpc":"2.0","id":"p","method":"tools/call","params":[1]}"#);
        assert_eq!(params["error"]["code"], -32602);
        assert!(params["error"]["message"].as_str().unwrap().contains("an array"));
    }

    #[test]
    fn responses_and_notifications_are_never_answered() {
        assert!(refuse(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#).is_none());
        assert!(refuse(br#"{"jsonrpc":"2.0","method":"notifications/x","params":7}"#).is_none());
    }

    #[test]
    fn bad_parameters_of_a_known_method_name_the_parameter() {
        let error = request_error("tools/call", Some(&json!({"arguments": {}})));
        assert_eq!(error.code, ErrorCode::INVALID_PARAMS);
        assert!(error.message.contains("name"), "{}", error.message);
        let error = request_error("tools/call", Some(&json!({"name": "x", "arguments": [1]})));
        assert!(error.message.contains("params.arguments"), "{}", error.message);
        let error = request_error("", None);
        assert_eq!(error.code, ErrorCode::METHOD_NOT_FOUND);
        assert!(error.message.contains("\"\""), "{}", error.message);
    }
}
