//! Serving over stdio, what desktop hosts launch: stdout carries only the protocol, logs go to
//! stderr.
//!
//! rmcp's `stdio_pipes()` is used rather than `stdio()`: when the host connects pipes, as hosts
//! do, it drives them from tokio's reactor instead of the blocking thread pool, which removes a
//! thread hand-off from every read and write.

use rmcp::ServiceExt;
use rmcp::service::ServerInitializeError;

use super::LadderServer;

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
    let transport = rmcp::transport::stdio_pipes();
    let running = match server.serve(transport).await {
        Ok(running) => running,
        Err(ServerInitializeError::ConnectionClosed(_)) => return Ok(Ended::NoSession),
        Err(e) => return Err(e.into()),
    };
    tracing::info!("stdio session started");
    let reason = running.waiting().await?;
    tracing::info!(?reason, "stdio session ended");
    Ok(Ended::Closed)
}
