//! The coach for clients on protocol 2026-07-28 that declare elicitation: each step's question
//! goes to the host as an `InputRequiredResult` whose elicitation form the host puts to the
//! human, so the model cannot answer in the user's place.
//!
//! The session travels in a `requestState` sealed with rmcp's `RequestStateCodec`: bound to the
//! `coach` tool and the caller, with the session's time-to-live. The client's copy is untrusted
//! input: a state that was tampered with, expired, bound elsewhere or already used is refused.
//! Each state is good for one answer; a digest of every used state is kept until it would
//! have expired anyway, which refuses replays without holding sessions in memory. With a
//! PostgreSQL store, the key and the used digests are kept in it, so replicas behind a load
//! balancer open each other's states and a state answers once on any of them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rmcp::ErrorData;
use rmcp::model::{
    CallToolResponse, ElicitRequest, ElicitRequestParams, ElicitResult, ElicitationAction,
    ElicitationSchema, EnumSchema, InputRequest, InputRequiredResult, RequestStateCodec,
    SealOptions, StringFormat,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::tools::{self, CoachArgs};
use crate::method::coach::{self, Answer, State, Step, YesNo};
use crate::method::{Lever, Limits};
use crate::store::{Lazy, Store};

/// The key of the one input request in each round.
const ANSWER: &str = "answer";

/// Seals and opens coach states, and remembers which were used.
pub struct Mrtr {
    /// The codec of this process alone, with a random key.
    local: RequestStateCodec,
    /// A shared store, when replicas share one: its key seals, and it remembers used states.
    shared: Option<Arc<Lazy>>,
    /// The codec with the shared store's key, once read.
    shared_codec: OnceLock<RequestStateCodec>,
    ttl: Duration,
    spent: Mutex<HashMap<[u8; 32], Instant>>,
}

impl Mrtr {
    /// A codec with a fresh random key: states do not outlive the process, and a key never
    /// leaves it.
    pub fn new(ttl: Duration) -> Self {
        Mrtr {
            local: codec(&random_key()),
            shared: None,
            shared_codec: OnceLock::new(),
            ttl,
            spent: Mutex::new(HashMap::new()),
        }
    }

    /// States sealed with the key of `store` when it is shared (PostgreSQL), so any replica
    /// opens what another sealed, and spent in the store, so a state answers once on any of
    /// them; else as [`Mrtr::new`].
    pub fn in_store(store: Arc<Lazy>, ttl: Duration) -> Self {
        let mut mrtr = Mrtr::new(ttl);
        mrtr.shared = store.is_shared().then_some(store);
        mrtr
    }

    /// Whether rounds reach a shared store, and so block on the network.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    fn coach_store(&self) -> Option<Result<Arc<dyn Store>, ErrorData>> {
        let store = self.shared.as_ref()?.get().map_err(|e| unavailable(&e.to_string()));
        Some(store.and_then(|s| {
            if s.coach().is_some() { Ok(s) } else { Err(unavailable("the store has no sessions")) }
        }))
    }

    /// The codec: this process's own, or the one with the shared store's key.
    fn codec(&self) -> Result<&RequestStateCodec, ErrorData> {
        let Some(store) = self.coach_store() else { return Ok(&self.local) };
        if let Some(codec) = self.shared_codec.get() {
            return Ok(codec);
        }
        let store = store?;
        let coach = store.coach().ok_or_else(|| unavailable("the store has no sessions"))?;
        let key = coach.coach_key(&random_key()).map_err(|e| unavailable(&e.to_string()))?;
        if key.len() < 32 {
            return Err(unavailable("the stored coach key is shorter than 32 bytes"));
        }
        Ok(self.shared_codec.get_or_init(|| codec(&key)))
    }

    /// One round of the coach: starts, or takes the answer to the pending step, and returns
    /// the next form or the finished result.
    ///
    /// # Errors
    ///
    /// `-32602` when the request state is invalid, tampered with, expired, bound to another
    /// caller or already used, or the response is missing.
    pub fn round(
        &self,
        args: &CoachArgs,
        request_state: Option<&str>,
        responses: Option<&BTreeMap<String, Value>>,
        caller: Option<&str>,
        today: chrono::NaiveDate,
        limits: Limits,
    ) -> Result<CallToolResponse, ErrorData> {
        let binding = binding(caller);
        let Some(sealed) = request_state else {
            let (state, _) = match tools::coach_start(args, today, limits) {
                Ok(started) => started,
                Err(refused) => return Ok(refused.into()),
            };
            return self.ask(&state, None, &binding);
        };
        let state: State = self.codec()?.open_json_with(sealed, &binding).map_err(|_| {
            bad_state("it is invalid, was altered, expired or belongs to another caller")
        })?;
        let Some(pending) = state.pending else {
            return Err(bad_state("its session is finished"));
        };
        // The response is read before the state is spent, so a malformed retry can be sent
        // again with the same state.
        let response = responses
            .and_then(|r| r.get(ANSWER))
            .ok_or_else(|| ErrorData::invalid_params("inputResponses.answer is missing", None))?;
        let result: ElicitResult = serde_json::from_value(response.clone()).map_err(|e| {
            ErrorData::invalid_params(
                format!("inputResponses.answer is not an elicitation result: {e}"),
                None,
            )
        })?;
        self.spend(sealed)?;
        if result.action != ElicitationAction::Accept {
            let reply = coach::Reply {
                prompt: None,
                range: coach::range(&state.answers).0,
                findings: Vec::new(),
                card: None,
                handoffs: Vec::new(),
            };
            let mut out = tools::CoachOutput::from_reply(None, reply);
            out.status = tools::CoachStatus::Cancelled;
            out.instruction = format!(
                "The user stopped the coach at step {} ({:?}). Ask whether they want to resume \
                 later; do not answer the step for them.",
                pending.number(),
                result.action
            );
            let text = out.instruction.clone();
            return Ok(tools::ok_result(&out, text).into());
        }
        let answer = answer_from(pending, result.content.as_ref().unwrap_or(&Value::Null));
        match coach::answer(&state, &answer, limits) {
            Ok((next, reply)) if next.pending.is_none() => {
                Ok(tools::coach_turn(None, reply).into())
            }
            // What the coach noticed about the answer (a fake move, a stricter reading) is put
            // to the human with the next question, so no disagreement passes silently (Q34).
            Ok((next, reply)) => {
                let noted: Vec<String> =
                    reply.findings.iter().map(|f| format!("{} ({})", f.message, f.rule)).collect();
                let note = (!noted.is_empty()).then(|| format!("Noted: {}", noted.join("; ")));
                self.ask(&next, note, &binding)
            }
            Err(refusal) => {
                let problem = format!("That answer could not be taken: {}", refusal.error);
                self.ask(&state, Some(problem), &binding)
            }
        }
    }

    /// The form for the pending step, with the state sealed for the answer's round.
    fn ask(
        &self,
        state: &State,
        problem: Option<String>,
        binding: &[u8],
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(step) = state.pending else {
            return Err(bad_state("its session is finished"));
        };
        let sealed = self
            .codec()?
            .seal_json_with(state, &SealOptions::new().associated_data(binding).ttl(self.ttl))
            .map_err(|e| {
                ErrorData::internal_error(format!("sealing the coach state: {e}"), None)
            })?;
        let prompt = coach::prompt(state, step);
        let mut message = format!("Step {} of 5. {}", step.number(), prompt.question);
        if let Some(earlier) = &prompt.earlier {
            message.push_str(&format!(" (Earlier you said: \"{earlier}\".)"));
        }
        if let Some(note) = problem {
            message = format!("{note}\n\n{message}");
        }
        let params = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message,
            requested_schema: form(step),
        };
        let mut requests = BTreeMap::new();
        requests.insert(ANSWER.to_owned(), InputRequest::Elicitation(ElicitRequest::new(params)));
        Ok(InputRequiredResult::new(Some(requests), Some(sealed)).into())
    }

    /// Marks a sealed state used, refusing it if it already was.
    fn spend(&self, sealed: &str) -> Result<(), ErrorData> {
        let digest: [u8; 32] = Sha256::digest(sealed.as_bytes()).into();
        if let Some(store) = self.coach_store() {
            let store = store?;
            let coach = store.coach().ok_or_else(|| unavailable("the store has no sessions"))?;
            let fresh =
                coach.coach_spend(&digest, self.ttl).map_err(|e| unavailable(&e.to_string()))?;
            return if fresh { Ok(()) } else { Err(already_used()) };
        }
        let mut spent = self.spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let ttl = self.ttl;
        spent.retain(|_, used| used.elapsed() <= ttl);
        if spent.insert(digest, Instant::now()).is_some() {
            return Err(already_used());
        }
        Ok(())
    }
}

fn already_used() -> ErrorData {
    bad_state("it was already used: each step's state answers once")
}

fn unavailable(why: &str) -> ErrorData {
    ErrorData::internal_error(format!("coach sessions are unavailable: {why}"), None)
}

fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    // Without the operating system's generator the key would be guessable: stop instead.
    getrandom::fill(&mut key).expect("the operating system's random generator is available");
    key
}

fn codec(key: &[u8]) -> RequestStateCodec {
    RequestStateCodec::try_new(key.to_vec())
        .expect("a 32-byte key meets the codec's minimum length")
}

fn binding(caller: Option<&str>) -> Vec<u8> {
    format!("tools/call:coach|{}", caller.unwrap_or("")).into_bytes()
}

fn bad_state(why: &str) -> ErrorData {
    ErrorData::invalid_params(
        format!("the coach's requestState was refused: {why}. Start the coach again."),
        None,
    )
}

/// The elicitation form for a step: the fields the human fills in.
fn form(step: Step) -> ElicitationSchema {
    let text =
        |description: &'static str| move |s: rmcp::model::StringSchema| s.description(description);
    let builder =
        ElicitationSchema::builder().title(format!("Relationship Ladder, step {}", step.number()));
    let builder = match step {
        Step::OutsideContract => builder.required_string_with(
            ANSWER_TEXT,
            text(
                "The last three things you did for this customer that were not in the contract \
             (leave it blank if you can't name any).",
            ),
        ),
        Step::Unrequested => builder
            .required_string_with(ANSWER_TEXT, text("What you did, and what need it met."))
            .required_bool_with("concrete", |b| {
                b.description("Was this done (not planned), and had the customer not asked for it?")
            }),
        Step::PlansShared => builder
            .required_enum_schema(
                "shared_before_final",
                EnumSchema::builder(vec!["yes".into(), "no".into()])
                    .description(
                        "Do their strategic plans reach you before they are final or public?",
                    )
                    .build(),
            )
            .optional_string(ANSWER_TEXT),
        Step::Barrier => builder.required_enum_schema(
            "choice",
            EnumSchema::builder(vec!["a".into(), "b".into(), "c".into()])
                .enum_titles(vec![
                    "(a) We don't know their business".into(),
                    "(b) We're afraid to overstep".into(),
                    "(c) They don't engage".into(),
                ])
                .unwrap_or_else(|_| EnumSchema::builder(vec!["a".into(), "b".into(), "c".into()]))
                .build(),
        ),
        Step::Action => builder
            .required_string_with(
                "action",
                text("The one action that would evidence one rung climbed."),
            )
            .required_string_with("owner", text("The named person who owns it."))
            .required_string_with("due", |s| {
                s.format(StringFormat::Date).description("When it is due: within 30 days.")
            }),
    };
    // The forms above are fixed and well-formed; an empty form is the fallback if a builder
    // rule ever changed, and the coach would then refuse the empty answer.
    builder.build().unwrap_or_else(|_| ElicitationSchema::new(BTreeMap::new()))
}

const ANSWER_TEXT: &str = "text";

/// The coach answer a form's content carries for `step`.
fn answer_from(step: Step, content: &Value) -> Answer {
    let get = |k: &str| content.get(k).and_then(Value::as_str).map(str::to_owned);
    Answer {
        step: step.number(),
        text: get(ANSWER_TEXT).unwrap_or_default(),
        concrete: content.get("concrete").and_then(Value::as_bool),
        shared_before_final: match get("shared_before_final").as_deref() {
            Some("yes") => Some(YesNo::Yes),
            Some("no") => Some(YesNo::No),
            _ => None,
        },
        choice: get("choice").and_then(|c| c.chars().next()).and_then(Lever::from_letter),
        action: get("action"),
        owner: get("owner"),
        due: get("due").and_then(|d| d.parse().ok()),
        volunteered: Vec::new(),
    }
}
