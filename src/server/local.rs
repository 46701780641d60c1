//! An in-process MCP client connected to the server over an in-memory pipe: what the command
//! line's `tools` and `call` use, so a call from a shell goes through the same protocol path
//! as a call from a host (argument parsing, schemas, errors), not a shortcut around it.

use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject, Tool};
use rmcp::service::RunningService;
use rmcp::{RoleClient, ServiceExt};

use super::LadderServer;

/// A client session with an in-process server.
pub struct Local {
    client: RunningService<RoleClient, ()>,
}

impl Local {
    /// Starts `server` on one end of an in-memory pipe and connects a client to the other.
    ///
    /// # Errors
    ///
    /// The session could not be set up.
    pub async fn connect(server: LadderServer) -> anyhow::Result<Local> {
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            if let Ok(running) = server.serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let client = ().serve(client_io).await?;
        Ok(Local { client })
    }

    /// Every tool the server offers.
    ///
    /// # Errors
    ///
    /// The request failed.
    pub async fn tools(&self) -> anyhow::Result<Vec<Tool>> {
        Ok(self.client.list_all_tools().await?)
    }

    /// Calls `tool` with `args`.
    ///
    /// # Errors
    ///
    /// The request failed at the protocol level (for example an unknown tool); a refusal by the
    /// tool itself is an `Ok` result with `is_error` set.
    pub async fn call(&self, tool: &str, args: JsonObject) -> anyhow::Result<CallToolResult> {
        let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(args);
        Ok(self.client.call_tool(params).await?)
    }

    /// Ends the session.
    pub async fn close(self) {
        let _ = self.client.cancel().await;
    }
}
