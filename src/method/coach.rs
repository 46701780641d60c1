//! The novice coach (R9–R14, Q7–Q13, Q30): an enum of steps and a pure transition function.
//!
//! Every reply carries exactly one step's question and ends there (Q7). An answer must name the
//! step it answers; it is refused, with the pending question repeated, when it names another
//! step, when the session is finished, or when step 4 or step 5 cannot be read (Q8). A refusal
//! never changes the state: the caller keeps the state it had. After step 5 the coach issues a
//! provisional card, unverified until the engine's V1, V2 and V4 pass (Q30).

use std::fmt;

use chrono::{NaiveDate, TimeDelta};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::card::{Card, CardRung, CardTarget, CardTrust, Check, CheckStatus};
use super::date::COACH_ACTION_DAYS;
use super::design::{self, MoveKind};
use super::input::{Checker, InputError, Limits};
use super::lexicon::Cue;
use super::report::{Finding, Handoff, Skill};
use super::rules::Rule;
use super::rung::{Lever, Rung};
use super::text::{self, Reading};
use super::trust::TrustStatus;

/// A step of the coach (R10–R14).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Step 1: three things done outside the contract.
    OutsideContract,
    /// Step 2: one unrequested thing the customer needed.
    Unrequested,
    /// Step 3: strategic plans shared before they are final.
    PlansShared,
    /// Step 4: what prevents being more proactive.
    Barrier,
    /// Step 5: one rung-up action, with an owner and a date.
    Action,
}

impl Step {
    /// The five steps in order.
    pub const ALL: [Step; 5] =
        [Step::OutsideContract, Step::Unrequested, Step::PlansShared, Step::Barrier, Step::Action];

    /// The step's number, 1 to 5.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The step numbered `n`.
    pub fn from_number(n: u8) -> Option<Step> {
        Step::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The question the step asks, in the skill's words.
    pub fn question(self) -> &'static str {
        match self {
            Step::OutsideContract => {
                "Tell me the last 3 things you did for this customer that were not in the contract."
            }
            Step::Unrequested => {
                "Name one thing you did that they didn't ask for, but you knew they needed."
            }
            Step::PlansShared => {
                "Does the customer share internal strategic plans before they're finalized?"
            }
            Step::Barrier => {
                "What would prevent you from being more proactive? (a) we don't know their \
                 business, (b) we're afraid to overstep, (c) they don't engage."
            }
            Step::Action => {
                "Name one rung-up action with an owner and a date: the single thing in the next 30 \
                 days that would evidence one rung climbed."
            }
        }
    }

    /// The rule that defines the step.
    pub fn rule(self) -> Rule {
        match self {
            Step::OutsideContract => Rule::R10,
            Step::Unrequested => Rule::R11,
            Step::PlansShared => Rule::R12,
            Step::Barrier => Rule::R13,
            Step::Action => Rule::R14,
        }
    }

    /// Whether the skill prints a `[WAIT]` marker after the step (R9); the engine stops after
    /// every step regardless (Q7).
    pub fn marked_wait(self) -> bool {
        self >= Step::PlansShared
    }

    fn next(self) -> Option<Step> {
        Step::from_number(self.number() + 1)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {}", self.number())
    }
}

/// A yes or no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum YesNo {
    /// Yes.
    Yes,
    /// No.
    No,
}

/// Words the user volunteered for a later step, kept as context (Q7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volunteered {
    /// The later step (2 to 5) the words answer.
    pub step: u8,
    /// The user's words.
    pub text: String,
}

/// An answer to the pending step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The step answered, 1 to 5; it must be the pending step.
    pub step: u8,
    /// The user's answer in their own words.
    #[serde(default)]
    pub text: String,
    /// Step 2: whether the answer names a specific need the customer had not stated and what
    /// the vendor actually did about it (Q10).
    #[serde(default)]
    pub concrete: Option<bool>,
    /// Step 3: whether the plans reach the vendor before they are final or public (Q11).
    #[serde(default)]
    pub shared_before_final: Option<YesNo>,
    /// Step 4: the user's choice, (a) knowledge, (b) mandate or (c) access (Q12).
    #[serde(default)]
    pub choice: Option<Lever>,
    /// Step 5: the one action (Q13).
    #[serde(default)]
    pub action: Option<String>,
    /// Step 5: the named person who owns it.
    #[serde(default)]
    pub owner: Option<String>,
    /// Step 5: the due date, at most 30 days after the session date.
    #[serde(default)]
    pub due: Option<NaiveDate>,
    /// Words the user offered for later steps; kept and shown when that step comes (Q7).
    #[serde(default)]
    pub volunteered: Vec<Volunteered>,
}

/// How the coach read one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Recorded {
    /// The step.
    pub step: Step,
    /// The user's words.
    pub text: String,
    /// Whether the answer was blank (Q8).
    pub blank: bool,
    /// The bound on the rung it contributes (Q9), as `[low, high]`.
    pub bound: Option<(Rung, Rung)>,
    /// Step 2: concrete; step 3: yes.
    #[serde(default)]
    pub positive: bool,
    /// What the coach noticed.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// The step-5 action as accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Commitment {
    /// The action.
    pub action: String,
    /// Its owner.
    pub owner: String,
    /// Its due date.
    pub due: NaiveDate,
}

/// A coach session's state. It is plain data: the caller stores it between turns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct State {
    /// The session date; step 5's 30 days count from it.
    pub date: NaiveDate,
    /// The account's name, if given.
    pub account: Option<String>,
    /// The vendor person accountable for the account, if given.
    pub owner: Option<String>,
    /// The step awaiting an answer; `None` once the session is finished.
    pub pending: Option<Step>,
    /// The answers to steps 1 to 3.
    pub answers: Vec<Recorded>,
    /// The step-4 lever.
    pub lever: Option<Lever>,
    /// The step-5 action.
    pub commitment: Option<Commitment>,
    /// Words kept for later steps (Q7).
    pub volunteered: Vec<Volunteered>,
}

/// The question to put to the user, and the instruction to stop there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Prompt {
    /// The step asked.
    pub step: u8,
    /// The question, exactly as it must be put to the user.
    pub question: String,
    /// Words the user volunteered earlier for this step, to confirm (Q7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier: Option<String>,
    /// Always true: put exactly this question to the user and end the turn (R9).
    pub must_end_turn: bool,
    /// The instruction for the assistant, in words.
    pub instruction: String,
}

/// What a turn produces: the next question, or the provisional card.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Reply {
    /// The next question, until the session is finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Prompt>,
    /// The provisional range so far (Q9), as `[low, high]`.
    pub range: (Rung, Rung),
    /// What the coach noticed about the answer just given.
    pub findings: Vec<Finding>,
    /// The provisional card, once step 5 is accepted (Q30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    /// Sibling skills to run (Q35).
    pub handoffs: Vec<Handoff>,
}

/// An answer the coach would not take, with the question to ask again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Refusal {
    /// What was wrong.
    pub error: InputError,
    /// The pending question, to put to the user again; `None` when the session is finished.
    pub pending: Option<Prompt>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)
    }
}

impl std::error::Error for Refusal {}

const END_TURN: &str = "Put exactly this question to the user, in their language, and end your \
                        turn. Do not answer it yourself, do not add another question, and do not \
                        call coach again until the user has replied (R9 WAIT).";

/// Starts a session on `date`: the state and the first question.
pub fn start(date: NaiveDate, account: Option<String>, owner: Option<String>) -> (State, Reply) {
    let state = State {
        date,
        account,
        owner,
        pending: Some(Step::OutsideContract),
        answers: Vec::new(),
        lever: None,
        commitment: None,
        volunteered: Vec::new(),
    };
    let reply = Reply {
        prompt: Some(prompt(&state, Step::OutsideContract)),
        range: range(&state.answers).0,
        findings: Vec::new(),
        card: None,
        handoffs: Vec::new(),
    };
    (state, reply)
}

/// The question for `step`, with any words volunteered for it earlier.
pub fn prompt(state: &State, step: Step) -> Prompt {
    let earlier: Vec<&str> = state
        .volunteered
        .iter()
        .filter(|v| v.step == step.number())
        .map(|v| v.text.as_str())
        .collect();
    Prompt {
        step: step.number(),
        question: step.question().to_owned(),
        earlier: (!earlier.is_empty()).then(|| earlier.join(" / ")),
        must_end_turn: true,
        instruction: END_TURN.to_owned(),
    }
}

/// Checks the sizes of a start call's texts (Q34).
pub fn check_start(
    account: Option<&str>,
    owner: Option<&str>,
    limits: Limits,
) -> Result<(), super::input::InputErrors> {
    let mut check = Checker::new(limits);
    check.opt_text(|| "account".into(), account);
    check.opt_text(|| "account_owner".into(), owner);
    check.finish()
}

/// Takes the answer to the pending step: the next state and reply, or a refusal that leaves
/// `state` as it was (R9, Q7, Q8).
pub fn answer(
    state: &State,
    answer: &Answer,
    limits: Limits,
) -> Result<(State, Reply), Box<Refusal>> {
    let Some(pending) = state.pending else {
        return Err(refuse(
            state,
            "step",
            "the session is finished: start a new one".into(),
            "a new session",
            Rule::R9,
        ));
    };
    let refuse_here = |field: &str, problem: String, accepted: &str, rule: Rule| {
        refuse(state, field, problem, accepted, rule)
    };
    if answer.step != pending.number() {
        return Err(refuse_here(
            "step",
            format!("step {} is not the pending step", answer.step),
            &format!("step {}: the coach takes one step at a time, in order", pending.number()),
            Rule::Q7,
        ));
    }
    check_sizes(state, answer, limits)?;
    for v in &answer.volunteered {
        if v.step <= pending.number() || v.step > 5 {
            return Err(refuse_here(
                "volunteered.step",
                format!("step {} is not a later step", v.step),
                &format!("a step from {} to 5", pending.number() + 1),
                Rule::Q7,
            ));
        }
    }

    let mut next = state.clone();
    next.volunteered.retain(|v| v.step != pending.number());
    next.volunteered
        .extend(answer.volunteered.iter().filter(|v| !text::is_blank(&v.text)).cloned());
    let findings = match pending {
        Step::OutsideContract => record(&mut next, step1(&answer.text)),
        Step::Unrequested => record(&mut next, step2(state, answer)?),
        Step::PlansShared => record(&mut next, step3(state, answer)?),
        Step::Barrier => {
            let (lever, findings) = step4(state, answer)?;
            next.lever = Some(lever);
            findings
        }
        Step::Action => {
            let commitment = step5(state, answer)?;
            next.commitment = Some(commitment);
            Vec::new()
        }
    };
    next.pending = pending.next();

    let (range, mut range_findings) = range(&next.answers);
    let mut all = findings;
    all.append(&mut range_findings);
    let handoffs = handoffs(&next);
    let reply = Reply {
        prompt: next.pending.map(|step| prompt(&next, step)),
        range,
        card: next.pending.is_none().then(|| provisional_card(&next)),
        findings: all,
        handoffs,
    };
    Ok((next, reply))
}

fn refuse(state: &State, field: &str, problem: String, accepted: &str, rule: Rule) -> Box<Refusal> {
    Box::new(Refusal {
        error: InputError { field: field.to_owned(), problem, accepted: accepted.to_owned(), rule },
        pending: state.pending.map(|step| prompt(state, step)),
    })
}

fn check_sizes(state: &State, answer: &Answer, limits: Limits) -> Result<(), Box<Refusal>> {
    let mut check = Checker::new(limits);
    check.text(|| "text".into(), &answer.text);
    check.opt_text(|| "action".into(), answer.action.as_deref());
    check.opt_text(|| "owner".into(), answer.owner.as_deref());
    for (i, v) in answer.volunteered.iter().enumerate() {
        check.text(|| format!("volunteered[{i}].text"), &v.text);
    }
    check.count("volunteered", answer.volunteered.len(), 4, "volunteered answers");
    check.finish().map_err(|errors| {
        Box::new(Refusal {
            error: errors.errors.into_iter().next().unwrap_or_else(|| InputError {
                field: "answer".into(),
                problem: "invalid".into(),
                accepted: "a valid answer".into(),
                rule: Rule::Q34,
            }),
            pending: state.pending.map(|step| prompt(state, step)),
        })
    })
}

fn record(state: &mut State, recorded: Recorded) -> Vec<Finding> {
    let findings = recorded.findings.clone();
    state.answers.retain(|r| r.step != recorded.step);
    state.answers.push(recorded);
    findings
}

fn step1(words: &str) -> Recorded {
    let blank = text::is_blank(words);
    let mut findings = Vec::new();
    if blank {
        findings.push(Finding::at(
            Rule::R10,
            "text",
            "blank: nothing beyond the contract, so Rung \
            1-2 (Q9 bound [1, 2])",
        ));
    } else {
        // Q9: non-blank items become candidate evidence, checked against R20.
        for (cue, phrase) in text::scan_for(words, Reading::Evidence).iter() {
            if let Some(rule) = fake_rule(cue) {
                findings.push(Finding::at(
                    rule,
                    "text",
                    format!(
                        "\"{phrase}\" reads as the fake \
                    move {rule} ({}); it is not evidence of a higher rung",
                        rule.summary()
                    ),
                ));
            }
        }
    }
    Recorded {
        step: Step::OutsideContract,
        text: words.to_owned(),
        blank,
        bound: blank.then_some((Rung::ONE, Rung::TWO)),
        positive: !blank,
        findings,
    }
}

fn fake_rule(cue: Cue) -> Option<Rule> {
    Some(match cue {
        Cue::FakeAccessibility => Rule::R20a,
        Cue::FakeTenure => Rule::R20b,
        Cue::FakeSatisfaction => Rule::R20c,
        Cue::FakeGenericContent => Rule::R20d,
        Cue::FakeDiscount => Rule::R20e,
        Cue::FakeCaseStudy => Rule::R20f,
        Cue::FakeVerbalLoyalty => Rule::R20g,
        _ => return None,
    })
}

fn step2(state: &State, answer: &Answer) -> Result<Recorded, Box<Refusal>> {
    let blank = text::is_blank(&answer.text);
    let mut findings = Vec::new();
    let concrete = if blank {
        false
    } else {
        let Some(claimed) = answer.concrete else {
            return Err(refuse(
                state,
                "concrete",
                "not given".into(),
                "true when the answer names \
                a specific need the customer had not stated and what was actually done about it, \
                else false",
                Rule::Q10,
            ));
        };
        // Q10, Q34: planned work, opinion or a fake move is not concrete, whatever the
        // classification says.
        let cues = text::scan_for(&answer.text, Reading::Evidence);
        let mut stricter = None;
        for (cue, phrase) in cues.iter() {
            let why = match cue {
                Cue::Planned => "it is planned, not done".to_owned(),
                Cue::Opinion => "it is opinion".to_owned(),
                _ => match fake_rule(cue) {
                    Some(rule) => format!("it is the fake move {rule} ({})", rule.summary()),
                    None => continue,
                },
            };
            stricter.get_or_insert((phrase, why));
        }
        match (claimed, stricter) {
            (true, Some((phrase, why))) => {
                findings.push(Finding::at(
                    Rule::Q10,
                    "concrete",
                    format!(
                        "classified concrete, but \
                    {why} (\"{phrase}\"): not concrete, the stricter reading (Q34)"
                    ),
                ));
                false
            }
            (claimed, _) => claimed,
        }
    };
    findings.push(if concrete {
        Finding::at(Rule::R11, "text", "concrete: the Rung 2 to 3 boundary (Q9 bound [2, 3])")
    } else {
        Finding::at(
            Rule::R11,
            "text",
            "not concrete: no unstated need shown, upper bound Rung 2 \
            (Q9, as R17)",
        )
    });
    Ok(Recorded {
        step: Step::Unrequested,
        text: answer.text.clone(),
        blank,
        bound: Some(if concrete { (Rung::TWO, Rung::THREE) } else { (Rung::ONE, Rung::TWO) }),
        positive: concrete,
        findings,
    })
}

fn step3(state: &State, answer: &Answer) -> Result<Recorded, Box<Refusal>> {
    let blank = text::is_blank(&answer.text) && answer.shared_before_final.is_none();
    let mut findings = Vec::new();
    let yes = if blank {
        false
    } else {
        let Some(said) = answer.shared_before_final else {
            return Err(refuse(
                state,
                "shared_before_final",
                "not given".into(),
                "yes when the \
                plans reach the vendor before they are final or public, else no",
                Rule::Q11,
            ));
        };
        let after = text::scan_for(&answer.text, Reading::Evidence).phrase(Cue::AfterPublic);
        match (said, after) {
            (YesNo::Yes, Some(phrase)) => {
                findings.push(Finding::at(
                    Rule::R21c,
                    "shared_before_final",
                    format!(
                        "the plans \
                    arrive after they are public (\"{phrase}\"): that is PR, so the answer counts \
                    as no (Q11)"
                    ),
                ));
                false
            }
            (said, _) => said == YesNo::Yes,
        }
    };
    findings.push(if yes {
        Finding::at(Rule::R12, "text", "yes: approaching Rung 4 (Q9 bound [3, 3], next target 4)")
    } else {
        Finding::at(Rule::R12, "text", "not yes: the Rung 4 signal is missing, upper bound Rung 3")
    });
    Ok(Recorded {
        step: Step::PlansShared,
        text: answer.text.clone(),
        blank,
        bound: Some(if yes { (Rung::THREE, Rung::THREE) } else { (Rung::ONE, Rung::THREE) }),
        positive: yes,
        findings,
    })
}

fn step4(state: &State, answer: &Answer) -> Result<(Lever, Vec<Finding>), Box<Refusal>> {
    const OPTIONS: &str = "(a) we don't know their business, (b) we're afraid to overstep, or \
                           (c) they don't engage; one of them, the primary one if several apply";
    if let Some(lever) = answer.choice {
        return Ok((
            lever,
            vec![Finding::at(
                Rule::Q12,
                "choice",
                format!("({}) {}: the {:?} lever", lever.letter(), lever.answer(), lever),
            )],
        ));
    }
    if text::is_blank(&answer.text) {
        return Err(refuse(
            state,
            "text",
            "blank: step 4 must be answered (Q8)".into(),
            OPTIONS,
            Rule::Q8,
        ));
    }
    // Q12: free text maps to a lever only when exactly one reading fits.
    let bare = answer.text.trim().trim_matches(|c: char| "().:- ".contains(c));
    let mut chars = bare.chars();
    let letter = chars.next().filter(|_| chars.next().is_none()).and_then(Lever::from_letter);
    let cues = text::scan_for(&answer.text, Reading::Barrier);
    let read: Vec<Lever> = [
        (Cue::BarrierKnowledge, Lever::Knowledge),
        (Cue::BarrierMandate, Lever::Mandate),
        (Cue::BarrierAccess, Lever::Access),
    ]
    .into_iter()
    .filter(|(cue, _)| cues.has(*cue))
    .map(|(_, lever)| lever)
    .collect();
    match (letter, read.as_slice()) {
        (Some(lever), _) | (None, &[lever]) => Ok((
            lever,
            vec![Finding::at(
                Rule::Q12,
                "text",
                format!("read as ({}) {}", lever.letter(), lever.answer()),
            )],
        )),
        (None, []) => Err(refuse(
            state,
            "text",
            "the answer does not map to a, b or c".into(),
            OPTIONS,
            Rule::Q12,
        )),
        (None, _) => {
            Err(refuse(state, "choice", "several answers apply".into(), OPTIONS, Rule::Q12))
        }
    }
}

fn step5(state: &State, answer: &Answer) -> Result<Commitment, Box<Refusal>> {
    let refuse5 = |field: &str, problem: String, accepted: &str, rule: Rule| {
        Err(refuse(state, field, problem, accepted, rule))
    };
    let action = answer.action.as_deref().unwrap_or("");
    if text::is_blank(action) {
        return refuse5("action", "no action given (Q8)".into(), "one specific action", Rule::Q13);
    }
    let parts = action.split([';', '\n']).filter(|p| !text::is_blank(p)).count();
    if parts > 1 {
        return refuse5(
            "action",
            format!("{parts} actions were given"),
            "exactly one action: the \
            single thing that evidences one rung climbed",
            Rule::Q13,
        );
    }
    let (relational, _) = design::relational(action, MoveKind::Operational);
    if relational {
        return refuse5(
            "action",
            "its core is more contact, not an operational change".into(),
            "an operational change: a named person assigned, a deliverable built from customer \
             data, a commitment, a process change (Q24)",
            Rule::R25,
        );
    }
    let owner = answer.owner.as_deref().unwrap_or("");
    if !design::owner_is_named(owner) {
        return refuse5(
            "owner",
            format!("{owner:?} is not a named individual"),
            "one named person, \
            or a role held by exactly one person (as Q25 reads it)",
            Rule::Q13,
        );
    }
    let Some(last) = state.date.checked_add_signed(TimeDelta::days(COACH_ACTION_DAYS)) else {
        return refuse5(
            "due",
            format!("the session date {} leaves no 30 days", state.date),
            "a session started on a date before the end of the calendar",
            Rule::Q13,
        );
    };
    match answer.due {
        None => refuse5(
            "due",
            "no date given".into(),
            &format!("a date from {} to {last}", state.date),
            Rule::Q13,
        ),
        Some(due) if due < state.date || due > last => refuse5(
            "due",
            format!(
                "{due} is outside \
            the 30 days"
            ),
            &format!("a date from {} to {last} (R14)", state.date),
            Rule::Q13,
        ),
        Some(due) => Ok(Commitment { action: action.to_owned(), owner: owner.to_owned(), due }),
    }
}

/// The provisional range from the answers' bounds (Q9): their intersection, dropping the
/// highest-rung signal first (step 3, then step 2) while it is empty.
pub fn range(answers: &[Recorded]) -> ((Rung, Rung), Vec<Finding>) {
    let mut used: Vec<&Recorded> = answers.iter().filter(|a| a.bound.is_some()).collect();
    let mut findings = Vec::new();
    loop {
        let (low, high) = used
            .iter()
            .filter_map(|a| a.bound)
            .fold((Rung::ONE, Rung::FIVE), |(lo, hi), (a, b)| (lo.max(a), hi.min(b)));
        if low <= high {
            return ((low, high), findings);
        }
        let Some(pos) = used.iter().rposition(|a| a.step != Step::OutsideContract) else {
            return ((Rung::ONE, Rung::TWO), findings);
        };
        let dropped = used.remove(pos);
        findings.push(Finding::at(
            Rule::Q9,
            format!("step {}", dropped.step.number()),
            format!(
                "the answer to {} contradicts the others: unverified, evidence needed",
                dropped.step
            ),
        ));
    }
}

fn handoffs(state: &State) -> Vec<Handoff> {
    let mut list = Vec::new();
    if state.answers.iter().any(|a| a.step == Step::Unrequested && !a.positive) {
        list.push(Handoff::new(
            Skill::JobsToBeDone,
            Rule::Q35,
            "step 2 named no unstated need: jobs-to-be-done surfaces candidates",
        ));
    }
    // R35, Q35: a provisional target of Rung 4 or 5 needs the incentive check first.
    let ((low, _), _) = range(&state.answers);
    if low.next().is_some_and(|t| t >= Rung::FOUR) {
        list.push(Handoff::new(
            Skill::PrincipalAgent,
            Rule::R35,
            "check incentive alignment before Rung 4-5 joint planning",
        ));
    }
    list
}

/// The provisional card after step 5 (Q30): the range, the step-5 action, and the checks the
/// coach cannot pass marked as failing.
pub fn provisional_card(state: &State) -> Card {
    let ((low, high), _) = range(&state.answers);
    let target = low.next();
    let requirement =
        design::requirement(low).map(|r| format!("{}: {} ({})", r.name, r.text, r.rule));
    let constraint = match state.lever {
        Some(lever) => {
            let m = design::lever_move(lever, low);
            format!("({}) {}: {} (Q12)", lever.letter(), lever.answer(), m.text)
        }
        None => "not yet known (Q28)".to_owned(),
    };
    let commitment = state.commitment.as_ref();
    let fail = |id: Rule, why: &str| Check { id, status: CheckStatus::Fail, why: why.to_owned() };
    let v3 = if commitment.is_some() {
        Check {
            id: Rule::V3,
            status: CheckStatus::Pass,
            why: "the step-5 action is operational".into(),
        }
    } else {
        fail(Rule::V3, "no action")
    };
    Card {
        account: state.account.clone().unwrap_or_else(|| "(not named)".to_owned()),
        date: state.date,
        owner: state
            .owner
            .clone()
            .or_else(|| commitment.map(|c| c.owner.clone()))
            .unwrap_or_else(|| "(not named)".to_owned()),
        rung: CardRung::Provisional { low, high },
        caps: Vec::new(),
        evidence: Vec::new(),
        target: target.map_or(CardTarget::Hold, |rung| CardTarget::Climb { rung }),
        requirement,
        action: commitment.map(|c| c.action.clone()),
        action_owner: commitment.map(|c| c.owner.clone()),
        due: commitment.map(|c| c.due),
        success_evidence: None,
        trust: CardTrust {
            competence: TrustStatus::Unassessed,
            integrity: TrustStatus::Unassessed,
            benevolence: TrustStatus::Unassessed,
        },
        primary_constraint: constraint,
        stop_rule_answer: None,
        stop_rule_passes: false,
        checklist: vec![
            fail(Rule::V1, "the coach collects no evidence items: run the engine"),
            fail(Rule::V2, "the coach does not ask the stop-rule: run the engine"),
            v3,
            fail(Rule::V4, "the coach does not audit trust: run the engine"),
            fail(Rule::V5, "no observable success evidence yet"),
            Check { id: Rule::V6, status: CheckStatus::NotApplicable, why: "provisional".into() },
        ],
        provisional: true,
    }
}
