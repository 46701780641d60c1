//! Fuzz targets: each reads arbitrary bytes as a recipe for hostile input, feeds it to one part
//! of the server, and panics if an invariant breaks. The same functions run under `cargo fuzz`
//! (`fuzz/`, with libFuzzer choosing the bytes) and as time-bounded property tests
//! (`tests/fuzz.rs`, with a seeded generator choosing them) where `cargo fuzz` cannot run.
//!
//! The recipes start from valid inputs and mutate them (replace a value, drop or add a key,
//! repeat an item, swap in hostile text), so most executions get past parsing into the
//! engine's rules, where a plain stream of random bytes would rarely reach.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use chrono::NaiveDate;
use rmcp::model::CallToolResponse;
use serde_json::{Map, Value, json};

use crate::method::card::Card;
use crate::method::coach::{self, Answer, Step, YesNo};
use crate::method::{Lever, Limits};
use crate::server::memory;
use crate::server::mrtr::Mrtr;
use crate::server::sessions::{SessionError, Sessions};
use crate::server::tools::{self, CoachArgs, names};

/// The date every target runs on: the example account's.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default()
}

/// The example account, as the tools receive it.
pub fn example() -> Value {
    static EXAMPLE: LazyLock<Value> = LazyLock::new(|| {
        serde_json::from_str(include_str!("../examples/northwind-saas.json"))
            .expect("the shipped example is valid JSON, and a test reads it")
    });
    EXAMPLE.clone()
}

/// The example's card, as `diagnose` makes it.
fn example_card() -> Value {
    static CARD: LazyLock<Value> = LazyLock::new(|| {
        tools::diagnose(object(example()), today(), Limits::default())
            .structured_content
            .map(|s| s["card"].clone())
            .unwrap_or_default()
    });
    CARD.clone()
}

/// Bytes read as a stream of choices; past the end every choice is 0.
struct Choices<'a> {
    data: &'a [u8],
    at: usize,
}

/// Texts that have broken parsers, renderers and lexicons before: blanks and nil answers,
/// emoji, invisible and bidirectional characters, markup, the method's own trigger words.
const TEXTS: &[&str] = &[
    "",
    " ",
    "none",
    "n/a",
    "なし",
    "🙂🚀",
    "\u{202E}evah ew",
    "a\u{7}b",
    "line one\nline two\r\n",
    "after it was announced",
    "We sent them our industry trends report",
    "The QBR rated us 9/10",
    "They walked us through their 2027 plan before the board saw it",
    "<script>alert(1)</script>",
    "]]></svg><svg onload=alert(1)>",
    "| pipe | table |",
    "**bold** _it_ `code` # heading",
    "\"quoted\" & 'apostrophe'",
    "e\u{301}te\u{301} Müller straße",
    "顧客の計画を事前に共有された",
    "2026-12-03",
    "Dana Whitfield",
];

impl<'a> Choices<'a> {
    fn new(data: &'a [u8]) -> Self {
        Choices { data, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at = self.at.saturating_add(1);
        b
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { usize::from(self.byte()) % n }
    }

    fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// A text: a known hostile one, raw bytes from the input, or a long repetition.
    fn text(&mut self) -> String {
        match self.below(8) {
            0..=4 => TEXTS[self.below(TEXTS.len())].to_owned(),
            5 => {
                let len = self.below(48);
                let start = self.at.min(self.data.len());
                let end = start.saturating_add(len).min(self.data.len());
                self.at = end;
                String::from_utf8_lossy(&self.data[start..end]).into_owned()
            }
            6 => TEXTS[self.below(TEXTS.len())].repeat(1 + self.below(400)),
            _ => format!("{} {}", TEXTS[self.below(TEXTS.len())], TEXTS[self.below(TEXTS.len())]),
        }
    }

    /// A scalar of any JSON type, biased to the edges.
    fn scalar(&mut self) -> Value {
        match self.below(10) {
            0 => Value::Null,
            1 => json!(self.flag()),
            2 => json!([0, -1, 1, 5, 51, 9_007_199_254_740_993_i64][self.below(6)]),
            3 => json!([0.5, -0.0, 1e300, -1e-300, 84_000.0][self.below(5)]),
            4 => json!([]),
            5 => json!({}),
            _ => json!(self.text()),
        }
    }

    /// Mutates `value` in place, a few times, anywhere in its tree.
    fn mutate(&mut self, value: &mut Value) {
        for _ in 0..=self.below(6) {
            self.mutate_once(value, 0);
        }
    }

    fn mutate_once(&mut self, value: &mut Value, depth: usize) {
        let descend = depth < 8 && self.below(3) > 0;
        match value {
            Value::Object(map) if descend && !map.is_empty() => {
                let key = map.keys().nth(self.below(map.len())).cloned().unwrap_or_default();
                match self.below(6) {
                    0 => {
                        map.remove(&key);
                    }
                    1 => {
                        let key = if self.flag() { self.text() } else { format!("{key}_x") };
                        map.insert(key, self.scalar());
                    }
                    _ => {
                        if let Some(inner) = map.get_mut(&key) {
                            self.mutate_once(inner, depth + 1);
                        }
                    }
                }
            }
            Value::Array(items) if descend && !items.is_empty() => {
                let i = self.below(items.len());
                match self.below(6) {
                    0 => {
                        items.remove(i);
                    }
                    1 => {
                        let copies = 1 + self.below(60);
                        let item = items[i].clone();
                        items.extend(std::iter::repeat_n(item, copies));
                    }
                    _ => self.mutate_once(&mut items[i], depth + 1),
                }
            }
            _ => *value = self.scalar(),
        }
    }
}

/// Valid arguments for each tool, the starting point of the mutations.
fn base_arguments(tool: &str) -> Value {
    let example = example();
    match tool {
        names::CHECK_ACTIVATION => json!({
            "account_acv": {"amount": 84000}, "customer_count": 140,
            "triggers": ["where_do_we_stand"], "new_to_method": false,
        }),
        names::COACH => json!({
            "acv": {"amount": 84000}, "customer_count": 140, "account": "Northwind Logistics",
            "account_owner": "Dana Whitfield", "date": "2026-12-03",
        }),
        names::AUDIT_TRUST => json!({"date": example["date"], "trust": example["trust"]}),
        names::RENDER_CARD => json!({"card": example_card(), "format": "markdown"}),
        names::READ_SKILL => json!({"section": "Output: Diagnostic Card"}),
        names::RECORD => json!({
            "account": {"name": "Northwind Logistics", "acv": {"amount": 84000}},
            "diagnosis": example,
        }),
        names::HISTORY => json!({"account": "Northwind Logistics"}),
        names::ALERTS => json!({"account": "Northwind Logistics", "date": "2026-12-03"}),
        names::PORTFOLIO => json!({"date": "2026-12-03"}),
        _ => example,
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => Map::from_iter([("value".to_owned(), other)]),
    }
}

/// Mutated arguments into one tool, as the server would call it: the answer is always a
/// result with text, refusals carry structured errors, and an accepted diagnosis never puts
/// the rung above its evidence or a cap, nor the target more than one rung up.
pub fn tool_arguments(data: &[u8]) {
    let mut choices = Choices::new(data);
    let tool = tools::NAMES[choices.below(tools::NAMES.len())];
    let mut args = base_arguments(tool);
    choices.mutate(&mut args);
    let Value::Object(args) = args else { return };
    let limits = Limits::default();
    let result = match tool {
        names::CHECK_ACTIVATION => tools::check_activation(args),
        names::DIAGNOSE => tools::diagnose(args, today(), limits),
        names::AUDIT_TRUST => tools::audit_trust(args, today(), limits),
        names::RENDER_CARD => tools::render_card(args, limits),
        names::READ_SKILL => tools::read_skill(args),
        // The store's tools: everything up to the write, which needs no store to check.
        names::RECORD => match tools::parse::<memory::RecordArgs>(args) {
            Ok(args) => match memory::prepare(args, limits) {
                Ok((facts, record)) => {
                    assert!(!facts.name.trim().is_empty(), "a record for a blank account");
                    if record.kind == crate::store::Kind::Diagnosis {
                        let result = &record.body["result"];
                        check_rung_invariants(&result["diagnose"], Some(&result["design"]));
                    }
                    return;
                }
                Err(refused) => refused,
            },
            Err(refused) => refused,
        },
        names::HISTORY => match tools::parse::<memory::HistoryArgs>(args) {
            Ok(_) => return,
            Err(refused) => refused,
        },
        names::ALERTS => match tools::parse::<memory::AlertsArgs>(args) {
            Ok(_) => return,
            Err(refused) => refused,
        },
        names::PORTFOLIO => match tools::parse::<memory::PortfolioArgs>(args) {
            Ok(_) => return,
            Err(refused) => refused,
        },
        _ => match tools::parse::<CoachArgs>(args) {
            Ok(args) => match tools::coach_start(&args, today(), limits) {
                Ok((state, reply)) => {
                    assert_eq!(
                        state.pending,
                        Some(Step::OutsideContract),
                        "a session starts at step 1"
                    );
                    tools::coach_turn(None, reply)
                }
                Err(refused) => refused,
            },
            Err(refused) => refused,
        },
    };
    let text = result.content.iter().find_map(|c| c.as_text()).map(|t| t.text.as_str());
    assert!(text.is_some_and(|t| !t.is_empty()), "{tool}: a result without text");
    let structured = result.structured_content.as_ref();
    assert!(structured.is_some(), "{tool}: a result without structured content");
    if tool == names::DIAGNOSE && result.is_error != Some(true) {
        let diagnosis = structured.map(|s| s["diagnose"].clone()).unwrap_or_default();
        check_rung_invariants(&diagnosis, structured.map(|s| &s["design"]));
    }
}

fn check_rung_invariants(diagnosis: &Value, design: Option<&Value>) {
    let rung = diagnosis["standing"]["rung"].as_u64();
    if let Some(rung) = rung {
        for cap in diagnosis["caps"].as_array().into_iter().flatten() {
            let cap_rung = cap["rung"].as_u64().unwrap_or(5);
            assert!(rung <= cap_rung, "rung {rung} above the cap {cap}");
        }
        if let Some(evidenced) = diagnosis["evidenced"].as_u64() {
            assert!(rung <= evidenced, "rung {rung} above the evidence ({evidenced})");
        }
        let target = design.and_then(|d| d["target"]["rung"].as_u64());
        if let Some(target) = target {
            assert!(target <= (rung + 1).min(5), "target {target} is more than one rung up");
        }
    }
}

/// Any sequence of answers through the coach's transition function: a refusal leaves the
/// state as it was, an accepted answer moves to exactly the next step, and a finished session
/// renders its provisional card.
pub fn coach_transitions(data: &[u8]) {
    let mut choices = Choices::new(data);
    let (mut state, _) = coach::start(today(), Some(choices.text()), Some(choices.text()));
    let limits = Limits::default();
    for _ in 0..=choices.below(12) {
        let pending = state.pending;
        let step = match choices.below(4) {
            0 => choices.byte() % 8,
            _ => pending.map_or(5, Step::number),
        };
        let answer = Answer {
            step,
            text: choices.text(),
            concrete: choices.flag().then(|| choices.flag()),
            shared_before_final: match choices.below(3) {
                0 => None,
                1 => Some(YesNo::Yes),
                _ => Some(YesNo::No),
            },
            choice: [None, Some(Lever::Knowledge), Some(Lever::Mandate), Some(Lever::Access)]
                [choices.below(4)],
            action: choices.flag().then(|| choices.text()),
            owner: choices.flag().then(|| choices.text()),
            due: today().checked_add_days(chrono::Days::new(choices.below(60) as u64)),
            volunteered: Vec::new(),
        };
        match coach::answer(&state, &answer, limits) {
            Ok((next, _reply)) => {
                let expected = pending.and_then(|p| Step::from_number(p.number() + 1));
                assert_eq!(next.pending, expected, "an accepted answer moves one step");
                assert_eq!(Some(answer.step), pending.map(Step::number), "answered the wrong step");
                state = next;
            }
            Err(_) => {
                // The caller keeps its state; the function had no way to change it.
            }
        }
        if state.pending.is_none() {
            let card = coach::provisional_card(&state);
            check_card(&card);
            break;
        }
    }
}

/// Handles and sealed request states that were not issued, or were altered, are refused;
/// the issued ones are honoured once (a sealed state) or by their owner only (a handle).
pub fn session_tokens(data: &[u8]) {
    let mut choices = Choices::new(data);
    let sessions = Sessions::new(Duration::from_secs(60), 8);
    let (state, _) = coach::start(today(), None, None);
    let owner = Some("owner");
    let Ok(handle) = sessions.create(state, owner.map(str::to_owned)) else { return };
    let forged = alter(&mut choices, &handle);
    let caller = if choices.flag() { owner } else { Some("someone else") };
    match sessions.peek(&forged, caller) {
        Ok(_) => assert!(forged == handle && caller == owner, "{forged:?} opened a session"),
        Err(e) => assert!(
            forged != handle || caller != owner || e == SessionError::Expired,
            "the issued handle was refused: {e}"
        ),
    }

    let mrtr = Mrtr::new(Duration::from_secs(60));
    let Ok(args) = tools::parse::<CoachArgs>(object(base_arguments(names::COACH))) else {
        unreachable!("the base coach arguments parse")
    };
    let limits = Limits::default();
    let Ok(first) = mrtr.round(&args, None, None, owner, today(), limits) else {
        unreachable!("a valid start is answered with the first form")
    };
    let CallToolResponse::InputRequired(first) = first else {
        unreachable!("the coach's first round asks for input")
    };
    let sealed = first.request_state.unwrap_or_default();
    let responses = BTreeMap::from([(
        "answer".to_owned(),
        json!({"action": "accept", "content": {"text": choices.text()}}),
    )]);
    let altered = alter(&mut choices, &sealed);
    let outcome = mrtr.round(&args, Some(&altered), Some(&responses), owner, today(), limits);
    if altered != sealed {
        assert!(outcome.is_err(), "an altered requestState was honoured: {altered:?}");
    } else if outcome.is_ok() {
        let replay = mrtr.round(&args, Some(&sealed), Some(&responses), owner, today(), limits);
        assert!(replay.is_err(), "a requestState was honoured twice");
    }
}

/// A token changed in one of the ways an attacker would: a character flipped, cut short,
/// extended, replaced with text, or left alone.
fn alter(choices: &mut Choices<'_>, token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    match choices.below(6) {
        0 if !chars.is_empty() => {
            let i = choices.below(chars.len());
            chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
            chars.into_iter().collect()
        }
        1 => chars[..choices.below(chars.len() + 1)].iter().collect(),
        2 => format!("{token}{}", choices.text()),
        3 => choices.text(),
        _ => token.to_owned(),
    }
}

/// A card whose every text is hostile renders in every layout: the text and Markdown keep one
/// line per field, whatever new lines the texts hold, and the SVG carries no live markup.
pub fn card_rendering(data: &[u8]) {
    let mut choices = Choices::new(data);
    let Ok(mut card) = serde_json::from_value::<Card>(example_card()) else {
        unreachable!("the diagnosed example's card reads back")
    };
    let baseline_lines = card.to_text().lines().count();
    card.account = choices.text();
    card.owner = choices.text();
    card.primary_constraint = choices.text();
    card.requirement = choices.flag().then(|| choices.text());
    card.action = choices.flag().then(|| choices.text());
    card.action_owner = choices.flag().then(|| choices.text());
    card.success_evidence = choices.flag().then(|| choices.text());
    card.stop_rule_answer = choices.flag().then(|| choices.text());
    for item in &mut card.evidence {
        item.text = choices.text();
    }
    let text = card.to_text();
    assert_eq!(text.lines().count(), baseline_lines, "a text broke the card's layout:\n{text}");
    check_card(&card);
}

fn check_card(card: &Card) {
    let _ = card.to_text();
    let _ = card.to_markdown();
    let svg = card.to_svg();
    let lower = svg.to_lowercase();
    assert!(!lower.contains("<script"), "live markup in the SVG");
    assert!(!lower.contains("<svg onload"), "live markup in the SVG");
    assert_eq!(svg.matches("<svg").count(), 1, "one SVG element only");
}
