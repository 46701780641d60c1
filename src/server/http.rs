//! Serving over Streamable HTTP on `/mcp`: both protocol eras on one endpoint (2025 clients with
//! `initialize` and sessions, 2026-07-28 clients stateless), with the checks a local server
//! needs against hostile pages and callers.
//!
//! rmcp validates `Host` (DNS rebinding), `Origin` once an allow-list is set, and the body size
//! (413). This module adds what rmcp leaves to the application: the bearer token (401, compared
//! in constant time), the allow-lists for a non-loopback bind, and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::{LadderServer, envelope};

/// How the HTTP transport is configured.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// The address to bind.
    pub addr: SocketAddr,
    /// A bearer token every request must carry, if set.
    pub token: Option<String>,
    /// Extra `Host` values to accept besides loopback ones (for a non-loopback bind).
    pub allowed_hosts: Vec<String>,
    /// Extra `Origin` values to accept besides loopback pages.
    pub allowed_origins: Vec<String>,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a request may take to arrive and be answered (the head of a stream's answer);
    /// a client that sends its body slower than this gets 408.
    pub request_timeout: Duration,
    /// Serve 2025 clients without MCP sessions too, each request on its own, as 2026 clients
    /// always are: for replicas behind a load balancer, which then hold nothing a later
    /// request needs (the coach sessions being in the shared store).
    pub stateless: bool,
}

impl HttpConfig {
    /// Loopback on `addr`, no token, a 1 MiB body limit, 30 seconds a request.
    pub fn new(addr: SocketAddr) -> Self {
        HttpConfig {
            addr,
            token: None,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_body_bytes: 1 << 20,
            request_timeout: Duration::from_secs(30),
            stateless: false,
        }
    }
}

/// The router serving `/mcp`, and the token that shuts its streams down.
pub fn router(server: LadderServer, config: &HttpConfig, shutdown: CancellationToken) -> Router {
    let mut hosts: Vec<String> =
        ["localhost", "127.0.0.1", "::1", "[::1]"].map(String::from).into();
    hosts.extend(config.allowed_hosts.iter().cloned());
    let mut origins: Vec<String> =
        ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"].map(String::from).into();
    origins.extend(config.allowed_origins.iter().cloned());
    let mcp_config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .with_max_request_body_bytes(config.max_body_bytes)
        .with_legacy_session_mode(!config.stateless)
        .with_cancellation_token(shutdown.child_token());
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        mcp_config,
    );
    let token = config.token.as_deref().map(|t| Arc::new(Sha256::digest(t.as_bytes()).to_vec()));
    let limits = Limits { body: config.max_body_bytes, time: config.request_timeout };
    Router::new()
        .nest_service("/mcp", service)
        .layer(middleware::from_fn_with_state(limits, json_rpc_errors))
        .layer(middleware::from_fn_with_state(token, require_token))
}

/// The body and time limits of one request.
#[derive(Debug, Clone, Copy)]
struct Limits {
    body: usize,
    time: Duration,
}

/// Reads a POST body within the limits, and turns rmcp's answer to a body it cannot decode
/// (415 and a line of text) into what a JSON-RPC client expects: 400 with the JSON-RPC error
/// that says what was wrong, the same answer the line would get over stdio.
async fn json_rpc_errors(
    State(limits): State<Limits>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(limits.time, axum::body::to_bytes(body, limits.body)).await;
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            return if too_large {
                let why = format!("Payload Too Large: request body exceeds {} bytes", limits.body);
                (StatusCode::PAYLOAD_TOO_LARGE, why).into_response()
            } else {
                (StatusCode::BAD_REQUEST, format!("the request body could not be read: {e}"))
                    .into_response()
            };
        }
        Err(_) => {
            let why = format!("the request body did not arrive within {:?}", limits.time);
            return (StatusCode::REQUEST_TIMEOUT, why).into_response();
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    let Ok(response) = tokio::time::timeout(limits.time, next.run(request)).await else {
        let why = format!("Service Unavailable: no answer within {:?}", limits.time);
        return (StatusCode::SERVICE_UNAVAILABLE, why).into_response();
    };
    if response.status() != StatusCode::UNSUPPORTED_MEDIA_TYPE || !json {
        return response;
    }
    match envelope::refuse(&bytes).map(|answer| serde_json::to_string(&answer)) {
        Some(Ok(body)) => {
            (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "application/json")], body)
                .into_response()
        }
        // A malformed response or notification: accepted, as there is nothing to answer.
        _ => StatusCode::ACCEPTED.into_response(),
    }
}

/// Refuses a request without the configured bearer token with 401 and `WWW-Authenticate`.
async fn require_token(
    State(token): State<Option<Arc<Vec<u8>>>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let Some(expected) = token else { return next.run(request).await };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| Sha256::digest(t.as_bytes()));
    // Comparing digests of equal length with a fold over every byte takes the same time
    // whatever the token, so the comparison leaks nothing about where a guess goes wrong.
    let matches = given
        .is_some_and(|g| g.iter().zip(expected.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0);
    if matches {
        return next.run(request).await;
    }
    let mut response =
        (StatusCode::UNAUTHORIZED, "a valid bearer token is required").into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"mcp\""));
    response
}

/// Serves until SIGINT or SIGTERM, then drains: open streams are cancelled, in-flight requests
/// finish, and the call returns.
///
/// # Errors
///
/// The address could not be bound, or the server failed.
pub async fn serve(server: LadderServer, config: HttpConfig) -> anyhow::Result<()> {
    if !config.addr.ip().is_loopback() && config.token.is_none() {
        tracing::warn!(addr = %config.addr, "serving beyond loopback without a bearer token");
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let local = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let app = router(server.clone(), &config, shutdown.clone());
    tracing::info!(addr = %local, "serving MCP over HTTP at /mcp");
    // One line on stderr says where the server listens, whatever the log level: with port 0
    // the system picks the port, and whoever started the server needs to know it.
    #[allow(
        clippy::print_stderr,
        reason = "the startup line belongs to the person at the terminal"
    )]
    {
        eprintln!("relationship-ladder: serving MCP at http://{local}/mcp");
    }

    // Expired coach sessions are reclaimed in the background, not only when touched: twice per
    // time-to-live, at most once a minute.
    let sweeper = {
        let server = server.clone();
        let stop = shutdown.clone();
        let every =
            (server.sessions().ttl() / 2).clamp(Duration::from_secs(1), Duration::from_secs(60));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        // A shared store is swept over the network: off the async threads.
                        let swept = {
                            let server = server.clone();
                            tokio::task::spawn_blocking(move || server.sessions().sweep()).await
                        };
                        match swept {
                            Ok(Ok((0, _))) => {}
                            Ok(Ok((reclaimed, held))) => {
                                tracing::info!(reclaimed, held, "reclaimed expired coach sessions");
                            }
                            Ok(Err(e)) => tracing::warn!(error = %e, "sweeping coach sessions"),
                            Err(e) => tracing::warn!(error = %e, "the session sweeper stopped"),
                        }
                    }
                    () = stop.cancelled() => break,
                }
            }
        })
    };

    // Without TCP_NODELAY, a response written in more than one segment (headers, then the event
    // stream's chunks) waits for the client's delayed ACK: 40 ms a call, measured.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {e}");
        }
    });
    let stop = shutdown.clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            signal().await;
            tracing::info!("shutting down");
            stop.cancel();
        })
        .await?;
    sweeper.abort();
    Ok(())
}

async fn signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
