//! The six tools: their definitions (names, titles, descriptions, schemas, annotations) and
//! their handlers, each of which parses the arguments, calls the engine and renders the result.
//!
//! No rule of the method lives here. A refusal by the engine (input over a limit, an answer the
//! coach will not take) comes back as a tool result with `isError`, so the model can read and
//! repair it; only arguments that cannot be parsed at all are refused the same way with the
//! field that failed, and unknown tools are protocol errors.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::render;
use super::schema;
use crate::method::activation::{self, Activation, ActivationFacts};
use crate::method::card::{Card, CardFormat};
use crate::method::coach::{self, Answer, Prompt, Reply, Volunteered, YesNo};
use crate::method::input::{InputError, InputErrors};
use crate::method::process::{self, DiagnoseInput, Diagnosis};
use crate::method::report::{Finding, Handoff};
use crate::method::trust::{self, TrustAudit, TrustAuditInput};
use crate::method::{Lever, Limits, Rule, Rung};
use crate::skill;

/// Arguments of `coach`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoachArgs {
    /// The session handle from the previous reply. Leave it out to start a new session.
    #[serde(default)]
    pub session: Option<String>,
    /// Starting only: the account's name, for the provisional card.
    #[serde(default)]
    pub account: Option<String>,
    /// Starting only: the vendor person accountable for the account.
    #[serde(default)]
    pub account_owner: Option<String>,
    /// Starting only: the session date (YYYY-MM-DD); today when left out.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Starting only: the account's annual contract value (R4, Q2). The coach checks the
    /// exclusions before its first question (Q1).
    #[serde(default)]
    pub acv: Option<activation::Money>,
    /// Starting only: the vendor's number of paying customer accounts (R6, Q4).
    #[serde(default)]
    pub customer_count: Option<u64>,
    /// Starting only: whether the customer prefers an arms-length relationship (R5, Q3).
    #[serde(default)]
    pub arms_length: activation::ArmsLength,
    /// Answering: the number (1-5) of the pending step this answer is for.
    #[serde(default)]
    pub step: Option<u8>,
    /// Answering: the user's answer in their own words.
    #[serde(default)]
    pub text: Option<String>,
    /// Step 2: true only when the answer names a specific need the customer had not stated
    /// AND what the vendor actually did about it.
    #[serde(default)]
    pub concrete: Option<bool>,
    /// Step 3: yes only when the plans reach the vendor before they are final or public.
    #[serde(default)]
    pub shared_before_final: Option<YesNo>,
    /// Step 4: the user's choice: knowledge (a), mandate (b) or access (c).
    #[serde(default)]
    pub choice: Option<Lever>,
    /// Step 5: the one action.
    #[serde(default)]
    pub action: Option<String>,
    /// Step 5: the named person who owns the action.
    #[serde(default)]
    pub owner: Option<String>,
    /// Step 5: the due date (YYYY-MM-DD), within 30 days of the session date.
    #[serde(default)]
    pub due: Option<NaiveDate>,
    /// Words the user offered for later steps, kept until their step comes.
    #[serde(default)]
    pub volunteered: Vec<Volunteered>,
}

impl CoachArgs {
    /// The first argument that does not belong in this kind of call, refused rather than
    /// dropped: an answer's fields when starting (there is no step to answer yet), or the
    /// starting facts when answering (the session already has them). Dropping either would
    /// lose the user's words without saying so.
    pub fn misplaced(&self) -> Option<InputError> {
        let answering = self.session.is_some();
        let given = |present: bool, name: &str| present.then(|| name.to_owned());
        let field = if answering {
            given(self.account.is_some(), "account")
                .or_else(|| given(self.account_owner.is_some(), "account_owner"))
                .or_else(|| given(self.date.is_some(), "date"))
                .or_else(|| given(self.acv.is_some(), "acv"))
                .or_else(|| given(self.customer_count.is_some(), "customer_count"))
                .or_else(|| {
                    given(self.arms_length != activation::ArmsLength::default(), "arms_length")
                })
        } else {
            given(self.step.is_some(), "step")
                .or_else(|| given(self.text.is_some(), "text"))
                .or_else(|| given(self.concrete.is_some(), "concrete"))
                .or_else(|| given(self.shared_before_final.is_some(), "shared_before_final"))
                .or_else(|| given(self.choice.is_some(), "choice"))
                .or_else(|| given(self.action.is_some(), "action"))
                .or_else(|| given(self.owner.is_some(), "owner"))
                .or_else(|| given(self.due.is_some(), "due"))
                .or_else(|| given(!self.volunteered.is_empty(), "volunteered"))
        }?;
        Some(if answering {
            InputError {
                problem: format!("`{field}` is for starting a session, and this call answers one"),
                accepted: "with `session`: the step and the answer's fields only; to change the \
                           starting facts, start a new session"
                    .into(),
                field,
                rule: Rule::R9,
            }
        } else {
            InputError {
                problem: format!("`{field}` answers a step, and no session was given"),
                accepted: "no answer fields when starting (leave out `session` and `step`), or \
                           the `session` handle of the session being answered"
                    .into(),
                field,
                rule: Rule::R9,
            }
        })
    }

    /// The answer these arguments carry, if they carry one.
    pub fn answer(&self) -> Option<Answer> {
        Some(Answer {
            step: self.step?,
            text: self.text.clone().unwrap_or_default(),
            concrete: self.concrete,
            shared_before_final: self.shared_before_final,
            choice: self.choice,
            action: self.action.clone(),
            owner: self.owner.clone(),
            due: self.due,
            volunteered: self.volunteered.clone(),
        })
    }
}

/// What a coach turn produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoachStatus {
    /// A question is pending: ask it and end the turn.
    Question,
    /// Step 5 was accepted: the provisional card is ready.
    Finished,
    /// The answer was refused: the same question is pending.
    Refused,
    /// The user declined or cancelled the coach's form.
    Cancelled,
}

/// The result of `coach`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CoachOutput {
    /// What the turn produced.
    pub status: CoachStatus,
    /// The session handle to pass back with the next answer; absent once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The one question to put to the user now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Prompt>,
    /// True while a question is pending: put exactly that question to the user and end your
    /// turn (R9).
    pub must_end_turn: bool,
    /// What to do with this result, in words.
    pub instruction: String,
    /// The provisional range so far (Q9), as [low, high].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<(Rung, Rung)>,
    /// What the coach noticed about the last answer.
    pub findings: Vec<Finding>,
    /// The provisional card, once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    /// Sibling skills to run (Q35).
    pub handoffs: Vec<Handoff>,
    /// Why the answer was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<InputError>,
}

impl CoachOutput {
    /// The output of an accepted turn.
    pub fn from_reply(session: Option<String>, reply: Reply) -> Self {
        let status =
            if reply.card.is_some() { CoachStatus::Finished } else { CoachStatus::Question };
        let instruction = match &reply.prompt {
            Some(p) => p.instruction.clone(),
            None => "Show the provisional card to the user. It is unverified until V1, V2 and V4 \
                     pass: suggest running `diagnose` with written evidence next."
                .to_owned(),
        };
        CoachOutput {
            status,
            session: session.filter(|_| reply.prompt.is_some()),
            must_end_turn: reply.prompt.is_some(),
            prompt: reply.prompt,
            instruction,
            range: Some(reply.range),
            findings: reply.findings,
            card: reply.card,
            handoffs: reply.handoffs,
            error: None,
        }
    }

    /// The output of a refused turn, which repeats the pending question.
    pub fn refused(session: Option<String>, error: InputError, pending: Option<Prompt>) -> Self {
        let instruction = match &pending {
            Some(p) => {
                format!(
                    "The answer was refused ({}): tell the user briefly why, put the same question \
                 to them again, and end your turn.",
                    error.rule
                ) + " "
                    + &p.instruction
            }
            None => "Start a new coach session.".to_owned(),
        };
        CoachOutput {
            status: CoachStatus::Refused,
            session,
            must_end_turn: pending.is_some(),
            prompt: pending,
            instruction,
            range: None,
            findings: Vec::new(),
            card: None,
            handoffs: Vec::new(),
            error: Some(error),
        }
    }
}

/// Arguments of `audit_trust`: the engine's audit input, with the date optional.
pub type AuditArgs = TrustAuditInput;

/// Arguments of `render_card`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderArgs {
    /// The card: the `card` field of a `diagnose` or `coach` result, or the fields filled in by
    /// hand.
    pub card: Card,
    /// text (the skill's layout), markdown, json, or svg (a picture of the ladder).
    #[serde(default)]
    pub format: CardFormat,
}

/// The result of `render_card`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Rendered {
    /// The format rendered.
    pub format: CardFormat,
    /// The rendered card.
    pub text: String,
    /// Whether the card's own checklist marks every item pass or not applicable (R34). The
    /// engine re-checks nothing on a card filled in by hand: run `diagnose` to verify one.
    pub checklist_passes: bool,
}

/// Arguments of `read_skill`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadSkillArgs {
    /// A section heading of SKILL.md, such as "The Process" or "Domain Packs"; without it, the
    /// whole file.
    #[serde(default)]
    pub section: Option<String>,
    /// Another file of the skill folder instead: examples/ibm-transformation-1993-2001.md or
    /// references/sources.md.
    #[serde(default)]
    pub file: Option<String>,
}

/// The result of `read_skill`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SkillText {
    /// The file read.
    pub file: String,
    /// The section, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The text.
    pub text: String,
    /// SKILL.md's section headings, to ask for one.
    pub sections: Vec<String>,
}

/// Refused input, as the structured content of an `isError` result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Refusal {
    /// Every field that was wrong.
    pub errors: Vec<InputError>,
}

/// The names of the tools, as hosts see them.
pub mod names {
    /// `check_activation`.
    pub const CHECK_ACTIVATION: &str = "check_activation";
    /// `coach`.
    pub const COACH: &str = "coach";
    /// `diagnose`.
    pub const DIAGNOSE: &str = "diagnose";
    /// `audit_trust`.
    pub const AUDIT_TRUST: &str = "audit_trust";
    /// `render_card`.
    pub const RENDER_CARD: &str = "render_card";
    /// `read_skill`.
    pub const READ_SKILL: &str = "read_skill";
    /// `record`.
    pub const RECORD: &str = "record";
    /// `history`.
    pub const HISTORY: &str = "history";
    /// `alerts`.
    pub const ALERTS: &str = "alerts";
    /// `portfolio`.
    pub const PORTFOLIO: &str = "portfolio";
}

struct Def {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    input: JsonObject,
    output: JsonObject,
}

/// The tool definitions as the server ships them: [`generate`]'s output, written to
/// `tools.json` and embedded, so serving them derives no schema at run time. Deriving them
/// (schemars, then the portability passes of `schema`) was a megabyte of the server's peak
/// memory and a fifth of a megabyte of code. A test fails when the file and the types differ,
/// and says how to regenerate it.
pub const DEFINITIONS: &str = include_str!("tools.json");

/// Every tool definition, parsed from [`DEFINITIONS`].
///
/// Parsed, the definitions take about 0.4 MiB (a map per schema object). A stdio session
/// lists the tools once, so there they are parsed for the answer and given back to the
/// allocator after, rather than held for the life of the process; see [`tool`] for lookups.
pub fn definitions() -> Vec<Tool> {
    serde_json::from_str(DEFINITIONS)
        .expect("tools.json is generated from the tool types, and a test reads it back")
}

/// The definitions kept once something has asked for one tool by name. Over HTTP, rmcp looks
/// a tool's schema up on every `tools/call` (to check `Mcp-Param-*` headers), which must not
/// parse the file each time.
static KEPT: OnceLock<Vec<Tool>> = OnceLock::new();

/// The tool named `name`, if there is one.
pub fn tool(name: &str) -> Option<Tool> {
    KEPT.get_or_init(definitions).iter().find(|t| t.name == name).cloned()
}

/// Every tool definition: the kept ones when they are kept, else parsed for the caller.
pub fn all() -> Vec<Tool> {
    KEPT.get().cloned().unwrap_or_else(definitions)
}

/// The tools' names, in the order `tools/list` gives them.
pub const NAMES: [&str; 10] = [
    names::CHECK_ACTIVATION,
    names::COACH,
    names::DIAGNOSE,
    names::AUDIT_TRUST,
    names::RENDER_CARD,
    names::READ_SKILL,
    names::RECORD,
    names::HISTORY,
    names::ALERTS,
    names::PORTFOLIO,
];

/// Every tool definition, derived from the engine's and the tools' own types.
pub fn generate() -> Vec<Tool> {
    let today = "When left out, the server uses today's date (UTC).";
    let mut diagnose_in = schema::input::<DiagnoseInput>();
    schema::make_optional(&mut diagnose_in, "date", today);
    let mut audit_in = schema::input::<AuditArgs>();
    schema::make_optional(&mut audit_in, "date", today);
    let mut diagnose_out = schema::output::<Diagnosis>();
    let mut audit_out = schema::output::<TrustAudit>();
    let record = "Also record the result in the account's memory (see the `record` tool): the \
        account, and who is recording. Left out, nothing is stored.";
    let recorded = "With `record`: what was stored.";
    for (input, output) in [(&mut diagnose_in, &mut diagnose_out), (&mut audit_in, &mut audit_out)]
    {
        schema::add_property(input, "record", record, schema::input::<super::memory::RecordTo>());
        schema::add_property(
            output,
            "recorded",
            recorded,
            schema::output::<super::memory::Recorded>(),
        );
        schema::cut_output(output);
    }
    let defs = [
        Def {
            name: names::CHECK_ACTIVATION,
            title: "Check whether the ladder applies",
            description: "Run first. Decides whether the Customer Relationship Ladder applies to \
                the user's situation (R3-R7): activate (and in which mode: the novice coach or the \
                engine), decline with every exclusion that holds (ACV under $500, an explicit \
                arms-length customer, fewer than 10 customers) and the skill to use instead, or \
                ask for the missing fact. Leave unknown facts out; never guess them.",
            input: schema::input::<ActivationFacts>(),
            output: schema::output::<Activation>(),
        },
        Def {
            name: names::COACH,
            title: "Coach a newcomer step by step",
            description: "The novice coach: five questions, one per turn, with hard WAIT stops \
                (R9). Call without `session` to start, with the account's `acv` and the vendor's \
                `customer_count` (the exclusions are checked first); every reply holds exactly \
                one question and a session handle. Put that question to the user verbatim, then \
                END YOUR TURN. \
                When the user answers, call again with `session`, the pending `step` number and \
                their words (plus the field that step needs: step 2 `concrete`, step 3 \
                `shared_before_final`, step 4 `choice`, step 5 `action`, `owner`, `due`). Never \
                answer for the user and never skip a step; refused answers repeat the question.",
            input: schema::input::<CoachArgs>(),
            output: schema::output::<CoachOutput>(),
        },
        Def {
            name: names::DIAGNOSE,
            title: "Diagnose an account and design its next rung",
            description: "Engine mode: Diagnose, Design, Deploy and the trust audit in one call \
                (R15-R34). Give the account's facts, each evidence item classified into the \
                `observation` catalogue with the user's own words and who / what / when, the \
                stop-rule answer, trust observations and, if there is one, the proposed move. \
                Returns the current rung with every cap and its rule, the one-rung target, the \
                rung-up requirement and domain-pack move, the plan checks, trust per dimension, \
                the checklist V1-V6, the primary constraint, hand-offs and the Diagnostic Card. \
                The engine checks every item's words: classify literally, it holds inflated \
                readings down and says so.",
            input: diagnose_in,
            output: diagnose_out,
        },
        Def {
            name: names::AUDIT_TRUST,
            title: "Audit trust for the quarter",
            description: "The quarterly trust audit alone (R29-R31): competence, integrity and \
                benevolence, each pass, fail or unassessed from observable observations dated in \
                the 90 days ending on the date. One observable failure fails its dimension; an \
                integrity failure raises the regression-risk flag. Scores and feelings are \
                recorded and ignored.",
            input: audit_in,
            output: audit_out,
        },
        Def {
            name: names::RENDER_CARD,
            title: "Render a Diagnostic Card",
            description: "Renders a Diagnostic Card (the `card` of a diagnose or coach result, or \
                one filled in by hand) as the skill's plain-text layout, Markdown, JSON, or an SVG \
                picture of the ladder with its caps for hosts that show images. Hosts with MCP \
                Apps show it in the ladder view.",
            input: schema::input::<RenderArgs>(),
            output: schema::output::<Rendered>(),
        },
        Def {
            name: names::READ_SKILL,
            title: "Read the skill",
            description: "Returns the Customer Relationship Ladder skill text (SKILL.md), one of \
                its sections, or the worked IBM example or the sources, for hosts that show the \
                model only tools.",
            input: schema::input::<ReadSkillArgs>(),
            output: schema::output::<SkillText>(),
        },
        Def {
            name: names::RECORD,
            title: "Record to the account's memory",
            description: "Saves one dated record for an account, so later quarters can be \
                compared: a `diagnosis` (the input of diagnose, with its date: the engine runs it \
                and stores its result), a `trust_audit` (the input of audit_trust), an `action` \
                with its owner, due date and outcome, or a `sharing` event (what the customer \
                shared, by whom, when, and whether before it was public, R32). The account is \
                found by name, or created. Record only what the user said happened.",
            input: schema::input::<super::memory::RecordArgs>(),
            output: schema::output::<super::memory::Recorded>(),
        },
        Def {
            name: names::HISTORY,
            title: "Read an account's history",
            description: "An account quarter by quarter from its records: the rung and its \
                evidence, trust per dimension, the stop-rule answer, actions and outcomes, \
                information shared, and what changed since the quarter before (a rung drop, a \
                trust dimension failing, the relationship owner moving, the stop-rule failing \
                two quarters running); with the 12-month information-sharing indicator (R32).",
            input: schema::input::<super::memory::HistoryArgs>(),
            output: schema::output::<crate::store::history::History>(),
        },
        Def {
            name: names::ALERTS,
            title: "Check an account's regression and risk alerts",
            description: "Alerts from the recorded history of one account, or of all: integrity \
                failing (R31), a trust dimension gone from pass to fail (R29), a rung drop, the \
                stop-rule answer failing two quarters running (R21a), the relationship owner \
                moved to procurement or IT operations (R21d), an action open past its due date, \
                and a renewal within 90 days while the rung is 2 or below.",
            input: schema::input::<super::memory::AlertsArgs>(),
            output: schema::output::<super::memory::AlertsOutput>(),
        },
        Def {
            name: names::PORTFOLIO,
            title: "Roll up the portfolio",
            description: "Every recorded account: accounts and ACV by rung and by cap, accounts \
                failing each trust dimension, every alert (overdue actions among them), each \
                account's movement in its latest quarter, the information shared in 12 months \
                (R32), and the gap between claimed and evidenced rungs (R18).",
            input: schema::input::<super::memory::PortfolioArgs>(),
            output: schema::output::<super::memory::PortfolioOutput>(),
        },
    ];
    defs.into_iter()
        .map(|d| {
            debug_assert!(schema::is_flat(&d.input), "{} input is not a flat object", d.name);
            // `diagnose` and `audit_trust` write to the account store when given `record`.
            let writes = [names::RECORD, names::DIAGNOSE, names::AUDIT_TRUST].contains(&d.name);
            let annotations = ToolAnnotations::with_title(d.title)
                .read_only(!writes)
                .destructive(false)
                .idempotent(d.name != names::COACH && !writes)
                .open_world(false);
            let tool = Tool::new(d.name, d.description, d.input)
                .with_title(d.title)
                .with_raw_output_schema(Arc::new(d.output))
                .with_annotations(annotations);
            // The ladder view draws the card these two return.
            if d.name == names::DIAGNOSE || d.name == names::RENDER_CARD {
                tool.with_meta(super::view::tool_meta())
            } else {
                tool
            }
        })
        .collect()
}

/// Parses a tool's arguments, naming the field that failed and the form it accepts.
pub fn parse<T: for<'de> Deserialize<'de>>(args: JsonObject) -> Result<T, CallToolResult> {
    decode(args).map_err(|error| refusal(InputErrors { errors: vec![error] }))
}

/// Reads `args` as `T`, or says which field did not fit and why.
pub fn decode<T: for<'de> Deserialize<'de>>(args: JsonObject) -> Result<T, InputError> {
    let value = Value::Object(args);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let problem = e.inner().to_string();
        // A missing field is reported at its parent's path: name the field itself.
        let missing = problem.strip_prefix("missing field `").and_then(|r| r.split('`').next());
        let field = match (e.path().to_string(), missing) {
            (p, Some(name)) if p == "." => name.to_owned(),
            (p, Some(name)) => format!("{p}.{name}"),
            (p, None) if p == "." => "arguments".to_owned(),
            (p, None) => p,
        };
        InputError {
            field,
            problem,
            accepted: "the form given in the tool's input schema".to_owned(),
            rule: Rule::Q34,
        }
    })
}

/// The `isError` result for refused input.
pub fn refusal(errors: InputErrors) -> CallToolResult {
    let text = render::input_errors(&errors);
    error_result(&Refusal { errors: errors.errors }, text)
}

/// A successful result: the structure, and the text block for text-only hosts.
pub fn ok_result<T: Serialize>(value: &T, text: String) -> CallToolResult {
    // Built from `success` rather than rmcp's `structured`, which would also print the whole
    // structure as JSON text only for this function to replace it.
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(to_value(value));
    result
}

/// An `isError` result with its structure and text.
pub fn error_result<T: Serialize>(value: &T, text: String) -> CallToolResult {
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    result.structured_content = Some(to_value(value));
    result
}

fn to_value<T: Serialize>(value: &T) -> Value {
    // The engine's result types serialise plain data (strings, numbers, maps with string keys),
    // which serde_json cannot fail on.
    serde_json::to_value(value).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
}

/// `check_activation`.
pub fn check_activation(args: JsonObject) -> CallToolResult {
    let facts: ActivationFacts = match parse(args) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(errors) = activation::validate(&facts, &str::to_owned) {
        return refusal(errors);
    }
    let outcome = activation::activate(&facts);
    ok_result(&outcome, render::activation(&outcome))
}

/// `diagnose`, with today's date filled in when the caller left it out.
pub fn diagnose(mut args: JsonObject, today: NaiveDate, limits: Limits) -> CallToolResult {
    fill_date(&mut args, today);
    let input: DiagnoseInput = match parse(args) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match process::diagnose(&input, limits) {
        Ok(d) => ok_result(&d, render::diagnosis(&d)),
        Err(errors) => refusal(errors),
    }
}

/// `audit_trust`, with today's date filled in when the caller left it out.
pub fn audit_trust(mut args: JsonObject, today: NaiveDate, limits: Limits) -> CallToolResult {
    fill_date(&mut args, today);
    let input: AuditArgs = match parse(args) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match trust::audit_input(&input, limits) {
        Ok(a) => ok_result(&a, render::trust(&a)),
        Err(errors) => refusal(errors),
    }
}

/// `render_card`.
pub fn render_card(args: JsonObject, limits: Limits) -> CallToolResult {
    let args: RenderArgs = match parse(args) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Err(errors) = crate::method::card::validate(&args.card, limits) {
        return refusal(errors);
    }
    let text = match args.format {
        CardFormat::Text => args.card.to_text(),
        CardFormat::Markdown => args.card.to_markdown(),
        CardFormat::Json => serde_json::to_string_pretty(&args.card).unwrap_or_default(),
        CardFormat::Svg => args.card.to_svg(),
    };
    let out = Rendered {
        format: args.format,
        checklist_passes: args.card.verified(),
        text: text.clone(),
    };
    ok_result(&out, text)
}

/// `read_skill`.
pub fn read_skill(args: JsonObject) -> CallToolResult {
    let args: ReadSkillArgs = match parse(args) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let sections: Vec<String> = skill::sections().into_iter().map(str::to_owned).collect();
    let not_found = |field: &str, value: &str, accepted: String| {
        refusal(InputErrors {
            errors: vec![InputError {
                field: field.to_owned(),
                problem: format!("{value:?} is not in the skill"),
                accepted,
                rule: Rule::Q38,
            }],
        })
    };
    let file = args.file.as_deref().unwrap_or("SKILL.md");
    let Some(found) = skill::FILES.iter().find(|f| f.path == file) else {
        let files: Vec<&str> = skill::FILES.iter().map(|f| f.path).collect();
        return not_found("file", file, format!("one of {}", files.join(", ")));
    };
    let text = match (&args.section, found.path) {
        (Some(name), "SKILL.md") => match skill::section(name) {
            Some(text) => text.to_owned(),
            None => return not_found("section", name, format!("one of {}", sections.join("; "))),
        },
        (Some(_), _) => {
            return not_found("section", "section", "a section of SKILL.md only".to_owned());
        }
        (None, _) => found.text.to_owned(),
    };
    let out = SkillText { file: found.path.to_owned(), section: args.section, text, sections };
    let text = out.text.clone();
    ok_result(&out, text)
}

pub(super) fn fill_date(args: &mut JsonObject, today: NaiveDate) {
    if args.get("date").is_none_or(Value::is_null) {
        args.insert("date".into(), Value::String(today.to_string()));
    }
}

/// The text and structure of a refused coach answer.
pub fn coach_refused(
    session: Option<String>,
    error: InputError,
    pending: Option<Prompt>,
) -> CallToolResult {
    let text = render::coach_refusal(&error.to_string(), pending.as_ref());
    error_result(&CoachOutput::refused(session, error, pending), text)
}

/// The text and structure of an accepted coach turn.
pub fn coach_turn(session: Option<String>, reply: Reply) -> CallToolResult {
    let text = render::coach(session.as_deref(), &reply);
    ok_result(&CoachOutput::from_reply(session, reply), text)
}

/// An activation fact's name as the coach's arguments spell it.
fn coach_field(fact: &str) -> String {
    match fact {
        "account_acv" => "acv".to_owned(),
        other => other.to_owned(),
    }
}

/// Starts a coach session's state from the start arguments, or refuses them.
pub fn coach_start(
    args: &CoachArgs,
    today: NaiveDate,
    limits: Limits,
) -> Result<(coach::State, Reply), CallToolResult> {
    if let Some(error) = args.misplaced() {
        return Err(refusal(InputErrors { errors: vec![error] }));
    }
    coach::check_start(args.account.as_deref(), args.account_owner.as_deref(), limits)
        .map_err(refusal)?;
    // Q1: the exclusions come first in coach mode too; a missing fact is asked for.
    let facts = ActivationFacts {
        account_acv: args.acv.clone(),
        customer_count: args.customer_count,
        arms_length: args.arms_length,
        explicit_request: true,
        new_to_method: true,
        ..ActivationFacts::default()
    };
    if let Err(errors) = activation::validate(&facts, &coach_field) {
        return Err(refusal(errors));
    }
    let outcome = activation::activate(&facts).naming_fields(&coach_field);
    if outcome.decision != activation::Decision::Activate {
        let text = render::activation(&outcome);
        return Err(error_result(&outcome, text));
    }
    Ok(coach::start(args.date.unwrap_or(today), args.account.clone(), args.account_owner.clone()))
}
