//! Serving over stdio, what desktop hosts launch: stdout carries only the protocol, logs go to
//! stderr.
//!
//! The byte streams are rmcp's `stdio_pipes()`: when the host connects pipes, as hosts do, they
//! are driven from tokio's reactor instead of the blocking thread pool, which removes a thread
//! hand-off from every read and write. The framing on top is this module's [`Lines`] transport
//! rather than rmcp's line codec, for one reason measured with callgrind: rmcp decodes every
//! incoming line through its generic message enum, which buffers the whole message and tries
//! each shape in turn, building (and discarding) an error for every shape that does not fit. For
//! a `tools/call`, that decoding cost more instructions than the call itself. [`Lines`] decodes
//! `tools/call` requests straight into their one type and hands every other line to rmcp's own
//! decoder, so the messages rmcp receives are the ones it would have built itself (a test checks
//! this), and the rules for malformed input are rmcp's rules.
//!
//! Once a session is initialized, [`Lines`] also answers the engine's own tool calls itself
//! ([`super::is_engine_call`]: a call answered from its arguments alone, with no `_meta`, so no
//! progress token, protocol metadata or peer is involved), with the same function rmcp's
//! handler calls. rmcp's service spawns a task, passes channels and moves its large futures
//! for every request: measured with callgrind, about half the instructions of a
//! `check_activation` call. Everything else, and every call with `_meta`, goes to rmcp.

use std::future::Future;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, ClientJsonRpcMessage,
    ClientNotification, ClientRequest, ErrorData, JsonRpcMessage, JsonRpcVersion2_0, RequestId,
    ServerJsonRpcMessage, ServerResult,
};
use rmcp::service::ServerInitializeError;
use rmcp::transport::Transport;
use rmcp::{RoleServer, ServiceExt};
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

use super::{LadderServer, envelope};

/// The longest line accepted, as rmcp's own stdio transport: 16 MiB. A longer line is dropped
/// (and logged) without being buffered, and the connection stays open.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// How a stdio session ended.
#[derive(Debug)]
pub enum Ended {
    /// The client closed the connection after a session.
    Closed,
    /// The client closed stdin without starting a session: a 2026-07-28 client that only
    /// probed with `server/discover`, or a host checking that the binary starts. A normal end.
    NoSession,
}

/// Serves one client over stdin and stdout until it disconnects.
///
/// # Errors
///
/// The transport failed, or the client's first message was not a valid start of a session.
pub async fn serve(server: LadderServer) -> anyhow::Result<Ended> {
    let (read, write) = rmcp::transport::stdio_pipes();
    let lines = Lines::new(read, write).answering(server.clone());
    let running = match server.serve(lines).await {
        Ok(running) => running,
        Err(ServerInitializeError::ConnectionClosed(_)) => return Ok(Ended::NoSession),
        Err(e) => return Err(e.into()),
    };
    tracing::info!("stdio session started");
    let reason = running.waiting().await?;
    tracing::info!(?reason, "stdio session ended");
    Ok(Ended::Closed)
}

/// Newline-delimited JSON-RPC over a byte stream, for the server side.
///
/// Receiving follows rmcp's line transport: a leading byte-order mark and a trailing `\r` are
/// dropped, blank lines skipped, lines over [`MAX_LINE_BYTES`] discarded, text that is not JSON
/// ignored (answering it could start an error storm with a peer that echoes), JSON that is not a
/// message answered with "Invalid Request", and notifications outside MCP (an editor's LSP
/// traffic, say) ignored.
///
/// Sending encodes each message as one line into an outbox, in the order rmcp sends them; the
/// first send to reach the writer writes everything waiting, so responses that finish together
/// (a client with many requests in flight) leave in one write call instead of one each.
pub struct Lines<R, W> {
    read: BufReader<R>,
    line: Vec<u8>,
    discarding: bool,
    max_line: usize,
    out: Arc<Outbox<W>>,
    /// The server whose engine calls this transport answers itself, once `initialized`.
    engine: Option<LadderServer>,
    /// Whether the client has sent `notifications/initialized`.
    initialized: bool,
    /// Whether answers this transport gave itself wait in the outbox, to leave with the next.
    unflushed: bool,
}

struct Outbox<W> {
    /// Encoded lines not yet written. Locked only between awaits, never across one.
    pending: std::sync::Mutex<Vec<u8>>,
    writer: Mutex<Option<W>>,
}

/// Writes an answer the transport gives itself, ahead of any response still being worked on;
/// `false` when the output is gone.
async fn answer_now<W: AsyncWrite + Unpin>(
    out: &Arc<Outbox<W>>,
    answer: &ServerJsonRpcMessage,
) -> bool {
    let out = Arc::clone(out);
    out.push(answer).is_ok() && out.flush().await.is_ok()
}

impl<W: AsyncWrite + Unpin> Outbox<W> {
    fn push(&self, message: &ServerJsonRpcMessage) -> serde_json::Result<()> {
        let mut pending = self.lock();
        let start = pending.len();
        if let Err(e) = serde_json::to_writer(&mut *pending, message) {
            pending.truncate(start);
            return Err(e);
        }
        pending.push(b'\n');
        Ok(())
    }

    /// Writes whatever is waiting; nothing if an earlier flush already took it.
    ///
    /// Cancel-safe: the transport flushes from inside `receive`, which rmcp polls in a
    /// `select!` and may drop at any await. A write that completes is counted at once, and
    /// whatever was not yet written goes back to the front of the outbox when the flush is
    /// dropped, so no line is ever cut or lost.
    async fn flush(&self) -> std::io::Result<()> {
        let mut writer = self.writer.lock().await;
        let Some(writer) = writer.as_mut() else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotConnected,
                "the stdio transport is closed",
            ));
        };
        let mut unsent = Unsent { out: self, bytes: std::mem::take(&mut *self.lock()), sent: 0 };
        if unsent.bytes.is_empty() {
            return Ok(());
        }
        while unsent.sent < unsent.bytes.len() {
            let n = writer.write(&unsent.bytes[unsent.sent..]).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            unsent.sent += n;
        }
        writer.flush().await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Bytes taken from the outbox to be written; what is left unwritten when it is dropped goes
/// back in front of whatever was queued since, and a fully written buffer is handed back so the
/// next lines need no new allocation.
struct Unsent<'a, W> {
    out: &'a Outbox<W>,
    bytes: Vec<u8>,
    sent: usize,
}

impl<W> Drop for Unsent<'_, W> {
    fn drop(&mut self) {
        let mut pending =
            self.out.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.sent < self.bytes.len() {
            self.bytes.drain(..self.sent);
            self.bytes.extend_from_slice(&pending);
            *pending = std::mem::take(&mut self.bytes);
        } else if pending.is_empty() {
            self.bytes.clear();
            *pending = std::mem::take(&mut self.bytes);
        }
    }
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> Lines<R, W> {
    /// Frames `read` and `write`.
    pub fn new(read: R, write: W) -> Self {
        Lines {
            read: BufReader::with_capacity(64 * 1024, read),
            line: Vec::new(),
            discarding: false,
            max_line: MAX_LINE_BYTES,
            out: Arc::new(Outbox {
                pending: std::sync::Mutex::new(Vec::with_capacity(4096)),
                writer: Mutex::new(Some(write)),
            }),
            engine: None,
            initialized: false,
            unflushed: false,
        }
    }

    /// The same, answering `server`'s engine calls itself once the session is initialized.
    pub fn answering(mut self, server: LadderServer) -> Self {
        self.engine = Some(server);
        self
    }

    /// Whether a whole line is already buffered, so an answer can wait to leave with the next.
    fn line_waiting(&self) -> bool {
        memchr::memchr(b'\n', self.read.buffer()).is_some()
    }

    /// The same, with another line limit.
    pub fn with_max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Reads until a whole line is in `self.line`. Cancel-safe: `receive` is polled inside a
    /// `select!`, and a cancelled read leaves its partial line in `self.line` for the next call,
    /// because nothing is consumed from the reader without being copied in the same step.
    async fn next_line(&mut self) -> std::io::Result<Next> {
        loop {
            let available = self.read.fill_buf().await?;
            if available.is_empty() {
                return Ok(Next::End);
            }
            let newline = memchr::memchr(b'\n', available);
            let take = newline.map_or(available.len(), |i| i + 1);
            let mut next = None;
            if self.discarding {
                if newline.is_some() {
                    self.discarding = false;
                }
            } else if self.line.len().saturating_add(take) > self.max_line {
                self.line.clear();
                self.discarding = newline.is_none();
                next = Some(Next::Oversized);
            } else {
                self.line.extend_from_slice(&available[..take]);
                if newline.is_some() {
                    next = Some(Next::Line);
                }
            }
            self.read.consume(take);
            if let Some(next) = next {
                return Ok(next);
            }
        }
    }
}

enum Next {
    Line,
    Oversized,
    End,
}

/// What one line decodes to.
enum Decoded {
    Message(Box<ClientJsonRpcMessage>),
    /// A call of the engine's own tools with no `_meta` ([`super::is_engine_call`]).
    Engine(RequestId, Box<CallToolRequestParams>),
    /// A notification this server has no use for, or a malformed response: nothing to answer.
    Ignore,
    /// A line that is not a message: answered at once with the error that says why.
    Refuse(Box<ServerJsonRpcMessage>),
}

/// A `tools/call` request, decoded into its own type in one pass.
#[derive(Deserialize)]
struct ToolCall<'a> {
    #[serde(rename = "jsonrpc")]
    _jsonrpc: JsonRpcVersion2_0,
    id: RequestId,
    #[serde(borrow)]
    method: std::borrow::Cow<'a, str>,
    params: CallToolRequestParams,
}

const TOOLS_CALL: &[u8] = b"\"tools/call\"";

/// Decodes one line as rmcp would.
fn decode(line: &[u8]) -> Decoded {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    if memchr::memmem::find(line, TOOLS_CALL).is_some()
        && let Ok(call) = serde_json::from_slice::<ToolCall<'_>>(line)
        && call.method == "tools/call"
    {
        let params = call.params;
        if params.meta.is_none() && super::is_engine_call(&params.name, params.arguments.as_ref()) {
            return Decoded::Engine(call.id, Box::new(params));
        }
        return Decoded::Message(Box::new(tool_call(call.id, params)));
    }
    match serde_json::from_slice::<ClientJsonRpcMessage>(line) {
        Ok(message) => Decoded::Message(Box::new(message)),
        Err(e) => {
            if ignored_notification(line) {
                return Decoded::Ignore;
            }
            tracing::debug!("a line that is not a JSON-RPC message: {e}");
            match envelope::refuse(line) {
                Some(answer) => Decoded::Refuse(Box::new(answer)),
                None => Decoded::Ignore,
            }
        }
    }
}

/// The `tools/call` message rmcp would have decoded.
fn tool_call(id: RequestId, mut params: CallToolRequestParams) -> ClientJsonRpcMessage {
    // rmcp keeps a request's `_meta` in the request's extensions, not in its params.
    let meta = params.meta.take();
    let mut request = CallToolRequest::new(params);
    if let Some(meta) = meta {
        request.extensions.insert(meta);
    }
    JsonRpcMessage::request(ClientRequest::CallToolRequest(request), id)
}

/// A notification this server may ignore rather than refuse: any method outside MCP, or an
/// MCP-looking `notifications/…` method the protocol does not define.
fn ignored_notification(line: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Head<'a> {
        #[serde(borrow)]
        method: Option<std::borrow::Cow<'a, str>>,
        id: Option<serde::de::IgnoredAny>,
    }
    let Ok(head) = serde_json::from_slice::<Head<'_>>(line) else { return false };
    let Some(method) = head.method else { return false };
    let known_notification = matches!(
        method.as_ref(),
        "notifications/cancelled"
            | "notifications/initialized"
            | "notifications/message"
            | "notifications/progress"
            | "notifications/prompts/list_changed"
            | "notifications/resources/list_changed"
            | "notifications/resources/updated"
            | "notifications/roots/list_changed"
            | "notifications/subscriptions/acknowledged"
            | "notifications/tools/list_changed"
    );
    if method.starts_with("notifications/") {
        return !known_notification;
    }
    let mcp_method = matches!(
        method.as_ref(),
        "initialize"
            | "ping"
            | "server/discover"
            | "prompts/get"
            | "prompts/list"
            | "resources/list"
            | "resources/read"
            | "resources/subscribe"
            | "resources/unsubscribe"
            | "resources/templates/list"
            | "subscriptions/listen"
            | "tools/call"
            | "tools/list"
            | "completion/complete"
            | "elicitation/create"
            | "logging/setLevel"
            | "roots/list"
            | "sampling/createMessage"
    );
    head.id.is_none() && !mcp_method
}

impl<R, W> Transport<RoleServer> for Lines<R, W>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        // Queued here, before the future runs, so lines leave in the order rmcp sent them.
        let queued = self.out.push(&item).map_err(std::io::Error::from);
        let out = self.out.clone();
        async move {
            queued?;
            out.flush().await
        }
    }

    async fn receive(&mut self) -> Option<ClientJsonRpcMessage> {
        loop {
            if self.unflushed && !self.line_waiting() {
                // Cleared only once written: a flush dropped half-way (rmcp polls `receive` in a
                // `select!`) leaves its bytes in the outbox and this flag set, for the next call.
                if self.out.flush().await.is_err() {
                    return None;
                }
                self.unflushed = false;
            }
            match self.next_line().await {
                Ok(Next::Line) => {}
                Ok(Next::Oversized) => {
                    tracing::error!(
                        limit = self.max_line,
                        "dropped an incoming line longer than the limit"
                    );
                    let answer = ServerJsonRpcMessage::error(
                        ErrorData::invalid_request(
                            format!(
                                "Invalid Request: the line is over the limit of {} bytes, and was \
                                 not read",
                                self.max_line
                            ),
                            None,
                        ),
                        None,
                    );
                    if !answer_now(&self.out, &answer).await {
                        return None;
                    }
                    continue;
                }
                Ok(Next::End) => return None,
                Err(e) => {
                    tracing::error!("reading stdin failed: {e}");
                    return None;
                }
            }
            let line = self.line.strip_suffix(b"\n").unwrap_or(&self.line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let decoded = if line.is_empty() { Decoded::Ignore } else { decode(line) };
            self.line.clear();
            match decoded {
                Decoded::Message(message) => {
                    if let JsonRpcMessage::Notification(n) = message.as_ref()
                        && matches!(n.notification, ClientNotification::InitializedNotification(_))
                    {
                        self.initialized = true;
                    }
                    return Some(*message);
                }
                Decoded::Engine(id, params) => {
                    let Some(server) = self.engine.as_ref().filter(|_| self.initialized) else {
                        return Some(tool_call(id, *params));
                    };
                    let result = {
                        let _span =
                            tracing::info_span!("request", method = "tools/call", %id).entered();
                        let result =
                            server.engine_call(&params.name, params.arguments.unwrap_or_default());
                        tracing::debug!(
                            tool = %params.name,
                            is_error = ?result.is_error,
                            "tool called, answered by the stdio transport"
                        );
                        result
                    };
                    // What rmcp's handler does to a result for a session of the 2025
                    // protocols, the only sessions that send `notifications/initialized`.
                    let mut result = ServerResult::from(CallToolResponse::from(result));
                    result.strip_result_type_for_legacy_peer();
                    result.strip_non_object_output_for_legacy_peer();
                    let answer = ServerJsonRpcMessage::response(result, id);
                    // Answers to pipelined calls leave together: written before the next read
                    // that would wait for input (at the top of this loop).
                    match self.out.push(&answer) {
                        Ok(()) => self.unflushed = true,
                        Err(e) => tracing::error!("encoding an answer failed: {e}"),
                    }
                }
                Decoded::Ignore => {}
                Decoded::Refuse(answer) => {
                    if !answer_now(&self.out, &answer).await {
                        return None;
                    }
                }
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        let flushed = self.out.flush().await;
        if let Some(mut writer) = self.out.writer.lock().await.take() {
            writer.flush().await?;
        }
        match flushed {
            Err(e) if e.kind() != std::io::ErrorKind::NotConnected => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure")]

    use super::*;
    use serde_json::json;

    fn rmcp_decode(line: &str) -> serde_json::Value {
        let message: ClientJsonRpcMessage = serde_json::from_str(line).unwrap();
        serde_json::to_value(message).unwrap()
    }

    fn ours(line: &str) -> serde_json::Value {
        match decode(line.as_bytes()) {
            Decoded::Message(m) => serde_json::to_value(*m).unwrap(),
            Decoded::Engine(id, params) => serde_json::to_value(tool_call(id, *params)).unwrap(),
            Decoded::Ignore => json!("ignored"),
            Decoded::Refuse(answer) => {
                let answer = serde_json::to_value(*answer).unwrap();
                json!({"refused": answer["error"]["code"], "id": answer["id"]})
            }
        }
    }

    #[test]
    fn tool_calls_decode_to_the_message_rmcp_builds() {
        let lines = [
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "diagnose", "arguments": {"account": {"name": "A"}}}}),
            json!({"jsonrpc": "2.0", "id": "x-7", "method": "tools/call",
                "params": {"name": "coach", "_meta": {"progressToken": 3,
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28"}}}),
            json!({"method": "tools/call", "params": {"name": "coach", "requestState": "s",
                "inputResponses": {}}, "id": 9, "jsonrpc": "2.0", "extra": [1, {"a": null}]}),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}),
            json!({"jsonrpc": "2.0", "id": 3, "method": "ping",
                "params": {"name": "tools/call"}}),
        ];
        for line in lines {
            let line = line.to_string();
            assert_eq!(ours(&line), rmcp_decode(&line), "{line}");
        }
    }

    #[test]
    fn malformed_lines_are_answered_with_the_error_that_says_why() {
        let parse_error = json!({"refused": -32700, "id": null});
        assert_eq!(ours("{not json"), parse_error);
        assert_eq!(ours(r#"{"jsonrpc":"2.0","id":1,"method":"tools/call""#), parse_error);
        assert_eq!(ours("[1, 2]"), json!({"refused": -32600, "id": null}));
        assert_eq!(
            ours(r#"{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{}}"#),
            json!({"refused": -32600, "id": 1})
        );
        // A malformed response has no request to answer.
        assert_eq!(ours(r#"{"jsonrpc":"2.0","id":1,"result":7,"error":{}}"#), json!("ignored"));
        // Methods rmcp does not know reach it as custom messages, which it answers or ignores.
        for line in [
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen"}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/unheard_of"}"#,
            r#"{"jsonrpc":"2.0","id":4,"method":"no/such"}"#,
        ] {
            assert_eq!(ours(line), rmcp_decode(line), "{line}");
        }
    }

    #[tokio::test]
    async fn lines_are_framed_bounded_and_answered() {
        let (mut client, server) = tokio::io::duplex(1 << 16);
        let (read, write) = tokio::io::split(server);
        let mut lines = Lines::new(read, write).with_max_line(100);
        let call = r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"x"}}"#;
        let long = format!("{{\"pad\":\"{}\"}}", "x".repeat(300));
        let input = format!("\u{feff}{call}\r\n\n{long}\n[1]\n{call}\n");
        let writer = tokio::spawn(async move {
            client.write_all(input.as_bytes()).await.unwrap();
            client
        });
        assert!(matches!(lines.receive().await, Some(JsonRpcMessage::Request(_))));
        assert!(matches!(lines.receive().await, Some(JsonRpcMessage::Request(_))));
        let mut client = writer.await.unwrap();
        drop(lines);
        let mut answer = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut client, &mut answer).await.unwrap();
        let answers: Vec<serde_json::Value> =
            answer.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(answers.len(), 2, "{answer}");
        // The line over the limit, then the array: each refused with what was wrong.
        assert_eq!(answers[0]["error"]["code"], -32600, "{answer}");
        assert!(answers[0]["error"]["message"].as_str().unwrap().contains("limit of 100 bytes"));
        assert_eq!(answers[1]["error"]["code"], -32600, "{answer}");
        assert!(answers[1]["error"]["message"].as_str().unwrap().contains("not an array"));
    }

    #[tokio::test]
    async fn sends_leave_in_order_whoever_writes_them() {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (read, write) = tokio::io::split(server);
        let mut lines = Lines::new(read, write);
        let answer = |n: i64| {
            ServerJsonRpcMessage::error(
                ErrorData::invalid_params(format!("call {n}"), None),
                Some(RequestId::Number(n)),
            )
        };
        let first = lines.send(answer(1));
        let second = lines.send(answer(2));
        let third = lines.send(answer(3));
        // The last send writes all three; the others find nothing left to write.
        third.await.unwrap();
        second.await.unwrap();
        first.await.unwrap();
        lines.close().await.unwrap();
        drop(lines);
        let mut text = String::new();
        let mut client = client;
        tokio::io::AsyncReadExt::read_to_string(&mut client, &mut text).await.unwrap();
        let ids: Vec<i64> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [1, 2, 3], "{text}");
    }
}
