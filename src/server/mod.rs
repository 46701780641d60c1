//! The MCP layer: serves the engine's steps as tools, the skill folder as resources (and through
//! the Skills extension), and the three prompts, over stdio or Streamable HTTP.
//!
//! This module is thin by design: each request is parsed, handed to the engine, and rendered.
//! It holds no rule of the method; what it owns is the protocol (capabilities, schemas, errors),
//! the coach's session state between turns, and the transports.

pub mod envelope;
pub mod http;
pub mod local;
pub mod memory;
pub mod mrtr;
pub mod render;
pub mod schema;
pub mod sessions;
pub mod skills;
pub mod stdio;
pub mod tools;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CompleteRequestParams, CompleteResult, CompletionInfo,
    CustomRequest, CustomResult, GetPromptRequestParams, GetPromptResponse, GetPromptResult,
    GetSkillRequestParams, GetSkillResult, Implementation, ListPromptsResult, ListResourcesResult,
    ListSkillsResult, ListToolsResult, PaginatedRequestParams, Prompt, PromptArgument,
    PromptMessage, ReadResourceDirectoryRequestParams, ReadResourceDirectoryResult,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, ResourceContents, Role,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use sha2::{Digest, Sha256};

use crate::method::Limits;
use crate::skill;
use crate::store::{Store, StoreError};
use sessions::Sessions;
use tools::names;

/// How the server is configured; the same for every transport.
#[derive(Debug, Clone)]
pub struct Config {
    /// The engine's input limits (Q34).
    pub limits: Limits,
    /// How long a coach session may sit idle before it expires.
    pub session_ttl: Duration,
    /// How many coach sessions may be open at once.
    pub max_sessions: usize,
    /// Where the account store is (a SQLite file path or a PostgreSQL URL); the user's data
    /// directory when `None`. It is opened on the first call that needs it.
    pub store: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: Limits::default(),
            session_ttl: Duration::from_secs(30 * 60),
            max_sessions: 10_000,
            store: None,
        }
    }
}

/// The server: cheap to clone, one per connection, all sharing the same session store.
#[derive(Clone)]
pub struct LadderServer {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    sessions: Sessions,
    mrtr: mrtr::Mrtr,
    /// The account store, opened on first use.
    store: Arc<crate::store::Lazy>,
}

/// A store tool's work, run on a blocking thread.
type StoreWork = Box<dyn FnOnce(&dyn Store) -> rmcp::model::CallToolResult + Send>;

/// The URI prefix of the skill folder's resources.
pub const SKILL_URI: &str = "skill://customer-relationship-ladder/";

const INSTRUCTIONS: &str = "Runs the Customer Relationship Ladder method with its rules \
    enforced. Start with check_activation. New users: the coach tool asks one question per turn \
    — put it to the user and end your turn. Concrete accounts: collect written evidence, then \
    call diagnose. Every verdict names its rule ids from the method.";

impl LadderServer {
    /// A server with `config`.
    pub fn new(config: Config) -> Self {
        let store = Arc::new(crate::store::Lazy::new(config.store.clone()));
        // With a PostgreSQL store the coach sessions live in it, for replicas that share it.
        let sessions =
            Sessions::in_store(Arc::clone(&store), config.session_ttl, config.max_sessions);
        let mrtr = mrtr::Mrtr::in_store(Arc::clone(&store), config.session_ttl);
        LadderServer { inner: Arc::new(Inner { config, sessions, mrtr, store }) }
    }

    /// The coach session store, for sweeping expired sessions.
    pub fn sessions(&self) -> &Sessions {
        &self.inner.sessions
    }

    fn limits(&self) -> Limits {
        self.inner.config.limits
    }

    /// The account store, opened (created, migrated) on first use. Blocks on the disk or the
    /// network: call it off the async threads.
    ///
    /// # Errors
    ///
    /// It cannot be opened; the error says where and why.
    pub fn store(&self) -> Result<Arc<dyn Store>, StoreError> {
        self.inner.store.get()
    }

    /// `record` or `history`.
    async fn memory_tool(
        &self,
        name: &str,
        args: rmcp::model::JsonObject,
        limits: Limits,
    ) -> rmcp::model::CallToolResult {
        let day = today();
        let work: Result<StoreWork, _> = match name {
            names::RECORD => tools::parse::<memory::RecordArgs>(args)
                .and_then(|a| memory::prepare(a, limits))
                .map(|(facts, record)| -> StoreWork {
                    Box::new(move |store| memory::save(store, &facts, &record))
                }),
            names::HISTORY => tools::parse::<memory::HistoryArgs>(args)
                .map(|a| -> StoreWork { Box::new(move |store| memory::history(store, &a)) }),
            names::ALERTS => tools::parse::<memory::AlertsArgs>(args)
                .map(|a| -> StoreWork { Box::new(move |store| memory::alerts(store, &a, day)) }),
            _ => tools::parse::<memory::PortfolioArgs>(args)
                .map(|a| -> StoreWork { Box::new(move |store| memory::portfolio(store, &a, day)) }),
        };
        match work {
            Ok(work) => self.with_store(work).await,
            Err(refused) => refused,
        }
    }

    /// `diagnose` or `audit_trust` (`audit`) called with `record`: the tool's own result, and,
    /// when the engine accepted the input, the same input and result stored as `record` would
    /// store them. Nothing is stored for refused input.
    async fn run_and_record(
        &self,
        audit: bool,
        mut args: rmcp::model::JsonObject,
        limits: Limits,
    ) -> rmcp::model::CallToolResult {
        let day = today();
        let record = match memory::split_record(args.clone(), audit, day) {
            Ok(record) => record,
            Err(refused) => return refused,
        };
        args.remove("record");
        let result = if audit {
            tools::audit_trust(args, day, limits)
        } else {
            tools::diagnose(args, day, limits)
        };
        if result.is_error == Some(true) {
            return result;
        }
        let (facts, record) = match memory::prepare(record, limits) {
            Ok(prepared) => prepared,
            Err(refused) => return refused,
        };
        let work: StoreWork =
            Box::new(move |store: &dyn Store| memory::save_with(store, &facts, &record, result));
        self.with_store(work).await
    }

    /// A call [`is_engine_call`] accepts: the engine's answer, from the arguments alone.
    pub fn engine_call(
        &self,
        name: &str,
        args: rmcp::model::JsonObject,
    ) -> rmcp::model::CallToolResult {
        let limits = self.limits();
        match name {
            names::CHECK_ACTIVATION => tools::check_activation(args),
            names::DIAGNOSE => tools::diagnose(args, today(), limits),
            names::AUDIT_TRUST => tools::audit_trust(args, today(), limits),
            names::RENDER_CARD => tools::render_card(args, limits),
            _ => tools::read_skill(args),
        }
    }

    /// One round of the coach for a client that elicits (MRTR).
    fn elicited_round(
        &self,
        params: CallToolRequestParams,
        caller: Option<&str>,
        limits: Limits,
    ) -> Result<CallToolResponse, ErrorData> {
        let args: tools::CoachArgs = match tools::parse(params.arguments.unwrap_or_default()) {
            Ok(a) => a,
            Err(refused) => return Ok(refused.into()),
        };
        self.inner.mrtr.round(
            &args,
            params.request_state.as_deref(),
            params.input_responses.as_ref(),
            caller,
            today(),
            limits,
        )
    }

    /// Runs a store tool off the async threads: SQLite blocks on the disk.
    async fn with_store(
        &self,
        work: impl FnOnce(&dyn Store) -> rmcp::model::CallToolResult + Send + 'static,
    ) -> rmcp::model::CallToolResult {
        let server = self.clone();
        let joined = tokio::task::spawn_blocking(move || match server.store() {
            Ok(store) => work(store.as_ref()),
            Err(e) => memory::store_error(&e),
        })
        .await;
        joined.unwrap_or_else(|e| {
            memory::store_error(&StoreError::Failed {
                location: "the account store".into(),
                why: format!("the store task stopped: {e}"),
            })
        })
    }

    fn coach(
        &self,
        args: rmcp::model::JsonObject,
        caller: Option<&str>,
    ) -> rmcp::model::CallToolResult {
        let args: tools::CoachArgs = match tools::parse(args) {
            Ok(a) => a,
            Err(r) => return r,
        };
        let limits = self.limits();
        let sessions = &self.inner.sessions;
        let Some(handle) = args.session.clone() else {
            return match tools::coach_start(&args, today(), limits) {
                Ok((state, reply)) => match sessions.create(state, caller.map(str::to_owned)) {
                    Ok(handle) => tools::coach_turn(Some(handle), reply),
                    Err(e) => session_error(None, e),
                },
                Err(refused) => refused,
            };
        };
        if let Some(error) = args.misplaced() {
            return tools::coach_refused(Some(handle), error, None);
        }
        let Some(answer) = args.answer() else {
            return match sessions.peek(&handle, caller) {
                Ok(state) => tools::coach_refused(
                    Some(handle),
                    crate::method::InputError {
                        field: "step".into(),
                        problem: "no step number was given".into(),
                        accepted: "the number of the pending step, with the user's answer".into(),
                        rule: crate::method::Rule::Q7,
                    },
                    state.pending.map(|s| crate::method::coach::prompt(&state, s)),
                ),
                Err(e) => session_error(Some(handle), e),
            };
        };
        let turn = sessions
            .advance(&handle, caller, |state| crate::method::coach::answer(state, &answer, limits));
        match turn {
            Ok(Ok(reply)) => tools::coach_turn(Some(handle), reply),
            Ok(Err(refusal)) => {
                let refusal = *refusal;
                tools::coach_refused(Some(handle), refusal.error, refusal.pending)
            }
            Err(e) => session_error(Some(handle), e),
        }
    }
}

fn session_error(handle: Option<String>, e: sessions::SessionError) -> rmcp::model::CallToolResult {
    let error = crate::method::InputError {
        field: "session".into(),
        problem: e.to_string(),
        accepted: "the handle returned by the last coach reply of your own session, or no \
                   session to start a new one"
            .into(),
        rule: crate::method::Rule::R9,
    };
    tools::coach_refused(handle, error, None)
}

/// Whether a call of `name` with `args` is answered by the engine from its arguments alone,
/// with no store, session, caller or peer: `check_activation`, `diagnose` and `audit_trust`
/// (without `record`), `render_card`, `read_skill`. Such a call has one answer whatever the
/// transport, which lets the stdio transport answer it without a round through rmcp's service.
pub fn is_engine_call(name: &str, args: Option<&rmcp::model::JsonObject>) -> bool {
    let recording = args.is_some_and(|a| a.contains_key("record"));
    match name {
        names::CHECK_ACTIVATION | names::RENDER_CARD | names::READ_SKILL => true,
        names::DIAGNOSE | names::AUDIT_TRUST => !recording,
        _ => false,
    }
}

/// Today's date in UTC, the default card and session date.
pub fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    let days = i32::try_from(days).unwrap_or(0);
    // 719_163 days lie between 0001-01-01 (day 1 of the common era) and 1970-01-01.
    NaiveDate::from_num_days_from_ce_opt(719_163 + days).unwrap_or(NaiveDate::MIN)
}

/// The span every request runs in: its method and JSON-RPC id, nothing the user wrote.
fn request_span(
    method: &'static str,
    ctx: &RequestContext<RoleServer>,
) -> tracing::span::EnteredSpan {
    tracing::info_span!("request", method, id = %ctx.id).entered()
}

/// Whether the coach should ask through the host's elicitation (MRTR): the client speaks
/// 2026-07-28 and declared the elicitation capability for this request.
fn elicits_inline(ctx: &RequestContext<RoleServer>) -> bool {
    let modern =
        ctx.protocol_version().is_some_and(|v| v >= rmcp::model::ProtocolVersion::V_2026_07_28);
    modern && ctx.client_capabilities().is_some_and(|c| c.elicitation.is_some())
}

/// Who is calling, for binding coach sessions: over HTTP, a digest of the bearer token, or
/// the MCP session id when there is no token; over stdio, nobody in particular (the process
/// has one user).
fn caller(ctx: &RequestContext<RoleServer>) -> Option<String> {
    let parts = ctx.extensions.get::<::http::request::Parts>()?;
    let auth = parts.headers.get(::http::header::AUTHORIZATION);
    let session = parts.headers.get("mcp-session-id");
    let key = auth.or(session)?;
    let digest = Sha256::digest(key.as_bytes());
    Some(digest.iter().take(16).map(|b| format!("{b:02x}")).collect())
}

/// The values the prompts' `domain` argument takes: the engine's own domain ids.
fn domains() -> impl Iterator<Item = &'static str> {
    crate::method::Domain::ALL.into_iter().map(crate::method::Domain::id)
}

fn prompts() -> Vec<Prompt> {
    let args = || {
        Some(vec![
            PromptArgument::new("account")
                .with_description("The account's name")
                .with_required(false),
            PromptArgument::new("domain")
                .with_description("saas, professional_services, manufacturing or other")
                .with_required(false),
        ])
    };
    vec![
        Prompt::new("engine_mode", Some("Diagnose a concrete account with the engine"), args())
            .with_title("Ladder: engine mode"),
        Prompt::new("coach_mode", Some("Coach a newcomer through the five questions"), args())
            .with_title("Ladder: coach mode"),
        Prompt::new("trust_audit", Some("Run the quarterly trust audit"), args())
            .with_title("Ladder: trust audit"),
    ]
}

impl ServerHandler for LadderServer {
    fn get_info(&self) -> ServerConfig {
        let mut caps = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_prompts()
            .enable_completions()
            .enable_skills_with_directory_read()
            .build();
        // MCP Apps: the ladder view is an HTML resource that `diagnose` and `render_card` name.
        let mut ui = serde_json::Map::new();
        ui.insert("mimeTypes".to_owned(), serde_json::json!([view::MIME]));
        caps.extensions.get_or_insert_with(Default::default).insert(view::EXTENSION.to_owned(), ui);
        ServerConfig::new(caps)
            .with_server_info(
                Implementation::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
                    .with_title("Customer Relationship Ladder"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let _span = request_span("tools/list", &ctx);
        Ok(ListToolsResult::with_all_items(tools::all()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        tools::tool(name)
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let limits = self.limits();
        let recording = [names::DIAGNOSE, names::AUDIT_TRUST].contains(&params.name.as_ref())
            && params.arguments.as_ref().is_some_and(|a| a.contains_key("record"));
        if recording {
            let args = params.arguments.unwrap_or_default();
            let audit = params.name == names::AUDIT_TRUST;
            return Ok(self.run_and_record(audit, args, limits).await.into());
        }
        if [names::RECORD, names::HISTORY, names::ALERTS, names::PORTFOLIO]
            .contains(&params.name.as_ref())
        {
            // The store's tools wait on the disk on another thread: no span is held open across
            // that wait (a span guard cannot move between threads).
            let args = params.arguments.unwrap_or_default();
            return Ok(self.memory_tool(&params.name, args, limits).await.into());
        }
        if params.name == names::COACH && self.inner.sessions.is_shared() && !elicits_inline(&ctx) {
            // The sessions are in the shared store: the turn waits on the network, on another
            // thread, with no span held across the wait.
            let args = params.arguments.unwrap_or_default();
            let caller = caller(&ctx);
            let server = self.clone();
            let turn =
                tokio::task::spawn_blocking(move || server.coach(args, caller.as_deref())).await;
            return Ok(turn
                .unwrap_or_else(|e| {
                    session_error(None, sessions::SessionError::Store(format!("stopped: {e}")))
                })
                .into());
        }
        if params.name == names::COACH && self.inner.mrtr.is_shared() && elicits_inline(&ctx) {
            // The key and the used states are in the shared store: off the async threads.
            let server = self.clone();
            let caller = caller(&ctx);
            let round = tokio::task::spawn_blocking(move || {
                server.elicited_round(params, caller.as_deref(), limits)
            });
            return round.await.unwrap_or_else(|e| {
                Err(ErrorData::internal_error(format!("the coach round stopped: {e}"), None))
            });
        }
        let _span = request_span("tools/call", &ctx);
        if params.name == names::COACH && elicits_inline(&ctx) {
            return self.elicited_round(params, caller(&ctx).as_deref(), limits);
        }
        let args = params.arguments.unwrap_or_default();
        let result = match params.name.as_ref() {
            names::COACH => self.coach(args, caller(&ctx).as_deref()),
            name if is_engine_call(name, Some(&args)) => self.engine_call(name, args),
            other => {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool {other:?}: the tools are {}", tools::NAMES.join(", ")),
                    None,
                ));
            }
        };
        tracing::debug!(tool = %params.name, is_error = ?result.is_error, "tool called");
        Ok(result.into())
    }

    async fn on_custom_request(
        &self,
        request: CustomRequest,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        // rmcp takes a request for one of MCP's methods as a custom request when its params do
        // not decode: say which parameter is wrong, not that the method does not exist.
        let _span = request_span("custom", &ctx);
        let modern =
            ctx.protocol_version().is_some_and(|v| v >= rmcp::model::ProtocolVersion::V_2026_07_28);
        if modern && envelope::REMOVED_IN_2026.contains(&request.method.as_str()) {
            return Err(ErrorData::new(
                rmcp::model::ErrorCode::METHOD_NOT_FOUND,
                format!("{} is not part of protocol 2026-07-28", request.method),
                None,
            ));
        }
        Err(envelope::request_error(&request.method, request.params.as_ref()))
    }

    async fn list_resources(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let _span = request_span("resources/list", &ctx);
        let mut resources = skills::resources();
        resources.push(view::resource());
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn list_resource_templates(
        &self,
        _: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourceTemplatesResult, ErrorData> {
        Ok(rmcp::model::ListResourceTemplatesResult::with_all_items(memory::templates()))
    }

    async fn read_resource(
        &self,
        params: ReadResourceRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if let Some((name, view)) = memory::parse_account_uri(&params.uri) {
            // Read off the async threads, with no span held across the wait.
            let server = self.clone();
            let uri = params.uri.clone();
            let read = tokio::task::spawn_blocking(move || {
                let store =
                    server.store().map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
                memory::read_account(store.as_ref(), &uri, &name, view)
            })
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))??;
            return Ok(ReadResourceResult::new(vec![read]).into());
        }
        let _span = request_span("resources/read", &ctx);
        if params.uri == view::URI {
            return Ok(ReadResourceResult::new(vec![view::contents()]).into());
        }
        let file = params
            .uri
            .strip_prefix(SKILL_URI)
            .and_then(|path| skill::FILES.iter().find(|f| f.path == path));
        let Some(file) = file else {
            return Err(ErrorData::resource_not_found(
                format!(
                    "no resource {:?}: the skill's files are under {SKILL_URI}, the ladder view \
                     is {}",
                    params.uri,
                    view::URI
                ),
                Some(serde_json::json!({ "uri": params.uri })),
            ));
        };
        let contents =
            ResourceContents::text(file.text, params.uri.clone()).with_mime_type("text/markdown");
        Ok(ReadResourceResult::new(vec![contents]).into())
    }

    async fn list_skills(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListSkillsResult, ErrorData> {
        let _span = request_span("skills/list", &ctx);
        Ok(ListSkillsResult::with_all_items(vec![skills::SKILL.clone()]))
    }

    async fn get_skill(
        &self,
        params: GetSkillRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<GetSkillResult, ErrorData> {
        let _span = request_span("skills/get", &ctx);
        if params.uri == skills::SKILL.uri {
            return Ok(GetSkillResult::new(skills::SKILL.clone()));
        }
        Err(ErrorData::invalid_params(
            format!("no skill {:?}: this server serves {}", params.uri, skills::SKILL.uri),
            Some(serde_json::json!({ "uri": params.uri })),
        ))
    }

    async fn read_resource_directory(
        &self,
        params: ReadResourceDirectoryRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceDirectoryResult, ErrorData> {
        let _span = request_span("resources/directory/read", &ctx);
        skills::directory(&params.uri)
    }

    async fn list_prompts(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let _span = request_span("prompts/list", &ctx);
        Ok(ListPromptsResult::with_all_items(prompts()))
    }

    async fn get_prompt(
        &self,
        params: GetPromptRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let _span = request_span("prompts/get", &ctx);
        let args = params.arguments.unwrap_or_default();
        let arg = |name: &str| args.get(name).and_then(|v| v.as_str()).unwrap_or("").to_owned();
        let domain = arg("domain");
        if !domain.is_empty() && !domains().any(|d| d == domain) {
            return Err(ErrorData::invalid_params(
                format!(
                    "domain {domain:?} is not a domain: expected one of {}",
                    domains().collect::<Vec<_>>().join(", ")
                ),
                None,
            ));
        }
        let domain = if domain.is_empty() { "other".to_owned() } else { domain };
        let Some(text) = skill::prompt(&params.name, &arg("account"), &domain) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown prompt {:?}: the prompts are engine_mode, coach_mode, \
                         trust_audit",
                    params.name
                ),
                None,
            ));
        };
        let description = prompts()
            .into_iter()
            .find(|p| p.name == params.name)
            .and_then(|p| p.description)
            .unwrap_or_default();
        let result = GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(description);
        Ok(result.into())
    }

    async fn complete(
        &self,
        params: CompleteRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        if let rmcp::model::Reference::Resource(resource) = &params.r#ref
            && resource.uri.starts_with(memory::ACCOUNT_URI)
            && params.argument.name == "account"
        {
            let server = self.clone();
            let prefix = params.argument.value.clone();
            let names = tokio::task::spawn_blocking(move || match server.store() {
                Ok(store) => memory::account_names(store.as_ref(), &prefix),
                Err(_) => Vec::new(),
            })
            .await
            .unwrap_or_default();
            let info = CompletionInfo::with_all_values(names)
                .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
            return Ok(CompleteResult::new(info));
        }
        let _span = request_span("completion/complete", &ctx);
        // Only the prompts' `domain` argument has values to offer. Anything else, an unknown
        // prompt included, gets an empty list rather than an error: the official conformance
        // suite completes a prompt of its own fixture and expects an answer.
        let prefix = params.argument.value.to_lowercase();
        let values: Vec<String> = match params.argument.name.as_str() {
            "domain" => domains().filter(|d| d.starts_with(&prefix)).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let info = CompletionInfo::with_all_values(values)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        Ok(CompleteResult::new(info))
    }
}
