//! The account-memory tools, `record` and `history`, over the store of [`crate::store`].
//!
//! `record` runs a diagnosis or a trust audit through the engine and stores the input with the
//! engine's result, or stores an action's outcome or an information-sharing event as given;
//! every text is checked against the engine's limits (Q34) first. `history` reads an account
//! back quarter by quarter.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::tools::{decode, error_result, ok_result, refusal};
use crate::method::activation::{self, ActivationFacts, Money, Period};
use crate::method::input::{Checker, InputError, InputErrors};
use crate::method::process::{self, DiagnoseInput};
use crate::method::trust::{self, TrustAuditInput};
use crate::method::{Domain, Limits, Rule};
use crate::store::alerts::{self, Alert, Portfolio};
use crate::store::history::{self, History};
use crate::store::{Account, AccountFacts, Kind, NewRecord, Store};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};

/// The account a record is about.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountArg {
    /// The account's name: found with case and spacing ignored, created the first time.
    pub name: String,
    /// Its domain pack, when known; updates the stored one.
    #[serde(default)]
    pub domain: Option<Domain>,
    /// Its annual contract value, when known; updates the stored one.
    #[serde(default)]
    pub acv: Option<Money>,
    /// Its next renewal date (YYYY-MM-DD), when known; updates the stored one.
    #[serde(default)]
    pub renewal: Option<NaiveDate>,
}

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not done yet.
    Open,
    /// Done, and its success evidence was seen.
    Done,
    /// Its due date passed without it being done, or without its evidence.
    Missed,
}

/// A rung-up action and where it stands.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRecord {
    /// The one action.
    pub action: String,
    /// The named person who owns it.
    pub owner: String,
    /// Its due date (YYYY-MM-DD).
    pub due: NaiveDate,
    /// The observable behaviour that will show it worked.
    #[serde(default)]
    pub success_evidence: Option<String>,
    /// open, done or missed.
    pub outcome: Outcome,
    /// What happened, in the user's words.
    #[serde(default)]
    pub note: Option<String>,
}

/// Something the customer shared (R32).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharingEvent {
    /// What was shared, in the user's words.
    pub what: String,
    /// Who at the customer shared it.
    pub by: String,
    /// When (YYYY-MM-DD).
    pub date: NaiveDate,
    /// Whether it reached the vendor before it was public or final.
    pub before_public: bool,
}

/// Arguments of `record`: the account, and exactly one thing to record.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordArgs {
    /// The account the record is about.
    pub account: AccountArg,
    /// Who is recording it.
    #[serde(default)]
    pub recorded_by: Option<String>,
    /// A diagnosis to run and record: exactly the arguments of the `diagnose` tool (see its
    /// schema), with their `date`. What is stored is the engine's result, with the input.
    // Taken as an object and read as the diagnose input here: repeating that whole schema
    // inside this tool's would double the definitions every client downloads.
    #[serde(default)]
    pub diagnosis: Option<JsonObject>,
    /// A trust audit to run and record: exactly the arguments of `audit_trust` (see its
    /// schema), with their `date`.
    #[serde(default)]
    pub trust_audit: Option<JsonObject>,
    /// An action and its outcome.
    #[serde(default)]
    pub action: Option<ActionRecord>,
    /// Something the customer shared.
    #[serde(default)]
    pub sharing: Option<SharingEvent>,
}

/// The `record` option of `diagnose` and `audit_trust`: which account to record the result
/// for, and who records it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordTo {
    /// The account's name. For `diagnose`, its `account.name` when left out (and it must be
    /// that account); its domain and a USD `acv` are recorded with it. Needed for
    /// `audit_trust`.
    #[serde(default)]
    pub account: Option<String>,
    /// Who is recording it.
    #[serde(default)]
    pub recorded_by: Option<String>,
    /// The account's next renewal date (YYYY-MM-DD), when known; updates the stored one.
    #[serde(default)]
    pub renewal: Option<NaiveDate>,
}

/// The arguments of a `diagnose` or `audit_trust` call that carries `record`.
#[derive(Debug, Clone, Deserialize)]
struct WithRecord {
    record: RecordTo,
}

/// Splits `record` off the arguments of `diagnose` (`audit` false) or `audit_trust` (`audit`
/// true), and returns what `record` would be given for the rest: the arguments, dated, as the
/// diagnosis or the trust audit.
///
/// # Errors
///
/// `record` is not the object its schema describes, or names no account for an audit; the
/// refusal names the field.
pub fn split_record(
    mut args: JsonObject,
    audit: bool,
    today: NaiveDate,
) -> Result<RecordArgs, CallToolResult> {
    let mut with = JsonObject::new();
    with.insert("record".into(), args.remove("record").unwrap_or_default());
    let to = decode::<WithRecord>(with).map_err(|e| refusal(InputErrors { errors: vec![e] }))?;
    let to = to.record;
    super::tools::fill_date(&mut args, today);
    // A diagnosis names its account, with the domain and the contract value.
    let own = args.get("account").filter(|_| !audit);
    let fact = |key: &str| own.and_then(|a| a.get(key)).cloned();
    let name = to.account.or_else(|| fact("name").and_then(|n| n.as_str().map(str::to_owned)));
    let Some(name) = name else {
        return Err(refuse(
            "record.account",
            "no account was named".into(),
            "the name of the account the audit is about",
        ));
    };
    let account = AccountArg {
        name,
        domain: fact("domain").and_then(|d| serde_json::from_value(d).ok()),
        acv: fact("acv")
            .and_then(|m| serde_json::from_value::<Money>(m).ok())
            .filter(|m| m.currency == "USD"),
        renewal: to.renewal,
    };
    let (diagnosis, trust_audit) = if audit { (None, Some(args)) } else { (Some(args), None) };
    Ok(RecordArgs {
        account,
        recorded_by: to.recorded_by,
        diagnosis,
        trust_audit,
        action: None,
        sharing: None,
    })
}

/// What `record` stored.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Recorded {
    /// The account, as stored after the record.
    pub account: Account,
    /// The record's id.
    pub record: i64,
    /// What was recorded.
    pub kind: Kind,
    /// The day it is about.
    pub date: NaiveDate,
    /// The rung, for a diagnosis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rung: Option<u64>,
}

/// Arguments of `alerts`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertsArgs {
    /// One account's alerts (case and spacing ignored); every account's when left out.
    #[serde(default)]
    pub account: Option<String>,
    /// The day (YYYY-MM-DD) to judge on, today when left out: records about later days are
    /// left out, and overdue actions and renewals are counted from it.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// The alerts on a day.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AlertsOutput {
    /// The day they were judged on.
    pub date: NaiveDate,
    /// The alerts, account by account.
    pub alerts: Vec<Alert>,
}

/// Arguments of `portfolio`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortfolioArgs {
    /// The day (YYYY-MM-DD) to judge on, today when left out: records about later days are
    /// left out, and overdue actions and renewals are counted from it.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// The portfolio on a day.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PortfolioOutput {
    /// The day it was judged on.
    pub date: NaiveDate,
    /// The roll-up.
    #[serde(flatten)]
    pub portfolio: Portfolio,
}

/// Arguments of `history`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryArgs {
    /// The account's name (case and spacing ignored).
    pub account: String,
}

fn refuse(field: &str, problem: String, accepted: &str) -> CallToolResult {
    let error =
        InputError { field: field.into(), problem, accepted: accepted.into(), rule: Rule::Q34 };
    refusal(InputErrors { errors: vec![error] })
}

/// Prefixes the fields of a refusal from a nested input, so they name the argument sent.
fn nested(prefix: &str, mut errors: InputErrors) -> CallToolResult {
    for e in &mut errors.errors {
        e.field = format!("{prefix}.{}", e.field);
    }
    refusal(errors)
}

/// What a `record` call will store, checked and (for a diagnosis or audit) run, before the
/// store is touched.
pub fn prepare(
    args: RecordArgs,
    limits: Limits,
) -> Result<(AccountFacts, NewRecord), CallToolResult> {
    let mut check = Checker::new(limits);
    check.text(|| "account.name".into(), &args.account.name);
    check.opt_text(|| "recorded_by".into(), args.recorded_by.as_deref());
    if let Some(a) = &args.action {
        check.text(|| "action.action".into(), &a.action);
        check.text(|| "action.owner".into(), &a.owner);
        check.opt_text(|| "action.success_evidence".into(), a.success_evidence.as_deref());
        check.opt_text(|| "action.note".into(), a.note.as_deref());
    }
    if let Some(s) = &args.sharing {
        check.text(|| "sharing.what".into(), &s.what);
        check.text(|| "sharing.by".into(), &s.by);
    }
    check.finish().map_err(refusal)?;
    if args.account.name.trim().is_empty() {
        return Err(refuse("account.name", "the name is blank".into(), "the account's name"));
    }
    if let Some(money) = &args.account.acv {
        // The amount and the code are checked as activation checks them (Q2); the store keeps
        // US dollars only, since the engine does not guess exchange rates.
        let facts = ActivationFacts { account_acv: Some(money.clone()), ..Default::default() };
        activation::validate(&facts, &|_| "account.acv".to_owned()).map_err(refusal)?;
        if money.currency != "USD" {
            return Err(refuse(
                "account.acv.currency",
                format!("{:?} is not US dollars", money.currency),
                "an amount in USD",
            ));
        }
    }
    let given = [
        ("diagnosis", args.diagnosis.is_some()),
        ("trust_audit", args.trust_audit.is_some()),
        ("action", args.action.is_some()),
        ("sharing", args.sharing.is_some()),
    ];
    let chosen: Vec<&str> = given.iter().filter(|(_, g)| *g).map(|(n, _)| *n).collect();
    if chosen.len() != 1 {
        return Err(refuse(
            "record",
            format!("{} things to record were given ({})", chosen.len(), chosen.join(", ")),
            "exactly one of diagnosis, trust_audit, action, sharing",
        ));
    }
    let acv_usd = args.account.acv.as_ref().map(|m| match m.period {
        Period::Monthly => m.amount * 12.0,
        Period::Annual => m.amount,
    });
    let facts = AccountFacts {
        name: args.account.name.trim().to_owned(),
        domain: args.account.domain.map(|d| d.id().to_owned()),
        acv_usd,
        renewal: args.account.renewal,
    };
    let by = args.recorded_by.clone();
    let record = |kind, date, body| NewRecord { kind, date, body, recorded_by: by.clone() };
    if let Some(input) = args.diagnosis {
        let input: DiagnoseInput =
            decode(input).map_err(|e| nested("diagnosis", InputErrors { errors: vec![e] }))?;
        let same = crate::store::account_key(&input.account.name)
            == crate::store::account_key(&facts.name);
        if !same {
            return Err(refuse(
                "diagnosis.account.name",
                format!("{:?} is not the account {:?}", input.account.name, facts.name),
                "the same account as `account.name`",
            ));
        }
        let diagnosis = process::diagnose(&input, limits).map_err(|e| nested("diagnosis", e))?;
        let body = json!({"input": input, "result": diagnosis});
        return Ok((facts, record(Kind::Diagnosis, input.date, body)));
    }
    if let Some(input) = args.trust_audit {
        let input: TrustAuditInput =
            decode(input).map_err(|e| nested("trust_audit", InputErrors { errors: vec![e] }))?;
        let audit = trust::audit_input(&input, limits).map_err(|e| nested("trust_audit", e))?;
        let body = json!({"input": input, "result": audit});
        return Ok((facts, record(Kind::TrustAudit, input.date, body)));
    }
    if let Some(action) = args.action {
        let date = action.due;
        return Ok((facts, record(Kind::Action, date, json!(action))));
    }
    let Some(sharing) = args.sharing else { unreachable!("exactly one kind was given") };
    let date = sharing.date;
    Ok((facts, record(Kind::Sharing, date, json!(sharing))))
}

/// Stores a prepared record and says what was stored.
pub fn save(store: &dyn Store, facts: &AccountFacts, record: &NewRecord) -> CallToolResult {
    match saved(store, facts, record) {
        Ok((out, text)) => ok_result(&out, text),
        Err(refused) => refused,
    }
}

/// Saves the record of a `diagnose` or `audit_trust` call made with `record`, and returns that
/// call's own `result` with what was stored added: `recorded` in the structure, a line in the
/// text.
pub fn save_with(
    store: &dyn Store,
    facts: &AccountFacts,
    record: &NewRecord,
    mut result: CallToolResult,
) -> CallToolResult {
    let (out, text) = match saved(store, facts, record) {
        Ok(saved) => saved,
        Err(refused) => return refused,
    };
    if let Some(serde_json::Value::Object(structure)) = result.structured_content.as_mut() {
        structure.insert("recorded".into(), serde_json::to_value(&out).unwrap_or_default());
    }
    result.content.push(ContentBlock::text(text));
    result
}

fn saved(
    store: &dyn Store,
    facts: &AccountFacts,
    record: &NewRecord,
) -> Result<(Recorded, String), CallToolResult> {
    let (account, id) = store.save(facts, record).map_err(|e| store_error(&e))?;
    let rung = record.body["result"]["card"]["rung"]["rung"].as_u64();
    let text = format!(
        "Recorded the {} of {} for {} (record {id}){}.",
        record.kind.id().replace('_', " "),
        record.date,
        account.name,
        rung.map_or(String::new(), |r| format!(": Rung {r}"))
    );
    Ok((Recorded { account, record: id, kind: record.kind, date: record.date, rung }, text))
}

/// The history of an account.
pub fn history(store: &dyn Store, args: &HistoryArgs) -> CallToolResult {
    let account = match store.account(&args.account) {
        Ok(Some(account)) => account,
        Ok(None) => {
            let known = store.accounts().map(|a| a.into_iter().map(|a| a.name).collect::<Vec<_>>());
            let known = known.map(|k| k.join(", ")).unwrap_or_default();
            return refuse(
                "account",
                format!("no account {:?} has been recorded", args.account),
                &format!("one of the recorded accounts: {known}"),
            );
        }
        Err(e) => return store_error(&e),
    };
    match store.records(account.id) {
        Ok(records) => {
            let h = history::history(account, &records);
            let text = render(&h);
            ok_result(&h, text)
        }
        Err(e) => store_error(&e),
    }
}

/// The histories of every account, or of the one named, from what was recorded about days up
/// to `as_of` (actions: recorded by then): alerts and the portfolio on a past day read what was
/// known then, and an account with nothing recorded by then is left out.
fn histories(
    store: &dyn Store,
    only: Option<&str>,
    as_of: NaiveDate,
) -> Result<Vec<History>, CallToolResult> {
    let accounts = match only {
        Some(name) => match store.account(name) {
            Ok(Some(account)) => vec![account],
            Ok(None) => {
                return Err(refuse(
                    "account",
                    format!("no account {name:?} has been recorded"),
                    "the name of a recorded account, or no account for all of them",
                ));
            }
            Err(e) => return Err(store_error(&e)),
        },
        None => store.accounts().map_err(|e| store_error(&e))?,
    };
    let mut out = Vec::new();
    for account in accounts {
        let mut records = store.records(account.id).map_err(|e| store_error(&e))?;
        // An action is dated by its due day; whether it was known, open or done on a day is
        // when it was recorded.
        records.retain(|r| match r.kind {
            Kind::Action => r.recorded_at.get(..10).and_then(|d| d.parse().ok()) <= Some(as_of),
            _ => r.date <= as_of,
        });
        if !records.is_empty() {
            out.push(history::history(account, &records));
        }
    }
    Ok(out)
}

/// The alerts of one account or of all.
pub fn alerts(store: &dyn Store, args: &AlertsArgs, today: NaiveDate) -> CallToolResult {
    let date = args.date.unwrap_or(today);
    let histories = match histories(store, args.account.as_deref(), date) {
        Ok(h) => h,
        Err(refused) => return refused,
    };
    let found: Vec<Alert> = histories.iter().flat_map(|h| alerts::alerts(h, date)).collect();
    let mut text = format!("{} alert(s) on {date}\n", found.len());
    for a in &found {
        text.push_str(&format!("- {}: {}\n", a.account, a.message));
    }
    ok_result(&AlertsOutput { date, alerts: found }, text)
}

/// The portfolio roll-up.
pub fn portfolio(store: &dyn Store, args: &PortfolioArgs, today: NaiveDate) -> CallToolResult {
    let date = args.date.unwrap_or(today);
    let histories = match histories(store, None, date) {
        Ok(h) => h,
        Err(refused) => return refused,
    };
    let portfolio = alerts::portfolio(&histories, date);
    let mut text = format!("Portfolio on {date}: {} account(s)\n", histories.len());
    for (rung, tally) in &portfolio.by_rung {
        text.push_str(&format!(
            "- {rung}: {} account(s), ${:.0} ACV ({})\n",
            tally.accounts.len(),
            tally.acv_usd,
            tally.accounts.join(", ")
        ));
    }
    for (dimension, accounts) in &portfolio.failing_trust {
        text.push_str(&format!("- {dimension} failing: {}\n", accounts.join(", ")));
    }
    text.push_str(&format!("- {} alert(s)\n", portfolio.alerts.len()));
    if let Some(gap) = portfolio.mean_claim_gap {
        text.push_str(&format!("- claimed minus evidenced rung, on average: {gap:.1} (R18)\n"));
    }
    ok_result(&PortfolioOutput { date, portfolio }, text)
}

/// The result for a store that failed: an error result saying where and why.
pub fn store_error(e: &crate::store::StoreError) -> CallToolResult {
    error_result(&json!({"error": e.to_string()}), e.to_string())
}

fn render(h: &History) -> String {
    use std::fmt::Write as _;
    let mut out = format!("History of {} ({} records)\n", h.account.name, h.records);
    for q in &h.quarters {
        let rung = q.rung.map_or_else(
            || if q.diagnosed { "unconfirmed".to_owned() } else { "not diagnosed".to_owned() },
            |r| format!("Rung {r}"),
        );
        let _ = write!(out, "{}: {rung}", q.quarter);
        if let Some(t) = &q.trust {
            let _ = write!(
                out,
                "; trust competence {}, integrity {}, benevolence {}",
                t.competence, t.integrity, t.benevolence
            );
        }
        if let Some(s) = &q.stop_rule {
            let _ = write!(out, "; stop-rule {}", if s.passes { "passed" } else { "failed" });
        }
        if !q.actions.is_empty() {
            let _ = write!(out, "; {} action(s)", q.actions.len());
        }
        if q.shared > 0 {
            let _ = write!(out, "; shared {} ({} before public)", q.shared, q.shared_before_public);
        }
        out.push('\n');
        for c in &q.changes {
            let _ = writeln!(out, "  changed: {c}");
        }
        for r in &q.recorded {
            let by = r.recorded_by.as_deref().unwrap_or("someone unnamed");
            let kind = r.kind.id().replace('_', " ");
            let _ = writeln!(out, "  recorded: {kind} of {} by {by} at {}", r.date, r.recorded_at);
        }
    }
    let s = &h.sharing;
    let share = s.before_public_share.map_or("n/a".to_owned(), |x| format!("{:.0}%", x * 100.0));
    let _ = writeln!(
        out,
        "Information shared, 12 months (R32): {} events, {share} before public, trend {}",
        s.events, s.trend
    );
    out
}

/// The prefix of the account resources: `ladder://accounts/{account}/card` and
/// `ladder://accounts/{account}/history`, the account's name percent-encoded.
pub const ACCOUNT_URI: &str = "ladder://accounts/";

/// What an account resource shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountView {
    /// The Diagnostic Card of the latest recorded diagnosis, in Markdown.
    Card,
    /// The history, as JSON.
    History,
}

/// The resource templates of the account memory.
pub fn templates() -> Vec<rmcp::model::ResourceTemplate> {
    vec![
        rmcp::model::ResourceTemplate::new(
            format!("{ACCOUNT_URI}{{account}}/card"),
            "account-card",
        )
        .with_title("An account's latest Diagnostic Card")
        .with_description("The card of the account's latest recorded diagnosis")
        .with_mime_type("text/markdown"),
        rmcp::model::ResourceTemplate::new(
            format!("{ACCOUNT_URI}{{account}}/history"),
            "account-history",
        )
        .with_title("An account's history")
        .with_description("The account quarter by quarter, as the history tool gives it")
        .with_mime_type("application/json"),
    ]
}

/// The URI of an account resource.
pub fn account_uri(name: &str, view: AccountView) -> String {
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let view = match view {
        AccountView::Card => "card",
        AccountView::History => "history",
    };
    format!("{ACCOUNT_URI}{encoded}/{view}")
}

/// The account name and view an account URI names, if it is one.
pub fn parse_account_uri(uri: &str) -> Option<(String, AccountView)> {
    let rest = uri.strip_prefix(ACCOUNT_URI)?;
    let (encoded, view) = rest.rsplit_once('/')?;
    let view = match view {
        "card" => AccountView::Card,
        "history" => AccountView::History,
        _ => return None,
    };
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let name = String::from_utf8(decoded).ok().filter(|n| !n.trim().is_empty())?;
    Some((name, view))
}

/// The contents of an account resource.
///
/// # Errors
///
/// `-32002` when no such account, or no diagnosis for its card, is recorded; an internal
/// error when the store fails.
pub fn read_account(
    store: &dyn Store,
    uri: &str,
    name: &str,
    view: AccountView,
) -> Result<rmcp::model::ResourceContents, rmcp::ErrorData> {
    let failed = |e: crate::store::StoreError| rmcp::ErrorData::internal_error(e.to_string(), None);
    let not_found =
        |why: String| rmcp::ErrorData::resource_not_found(why, Some(json!({"uri": uri})));
    let account = store
        .account(name)
        .map_err(failed)?
        .ok_or_else(|| not_found(format!("no account {name:?} has been recorded")))?;
    let records = store.records(account.id).map_err(failed)?;
    let contents = match view {
        AccountView::History => {
            let h = history::history(account, &records);
            let text = serde_json::to_string_pretty(&h)
                .map_err(|e| rmcp::ErrorData::internal_error(e.to_string(), None))?;
            rmcp::model::ResourceContents::text(text, uri).with_mime_type("application/json")
        }
        AccountView::Card => {
            let card = records
                .iter()
                .rev()
                .filter(|r| r.kind == Kind::Diagnosis)
                .find_map(|r| {
                    serde_json::from_value::<crate::method::Card>(r.body["result"]["card"].clone())
                        .ok()
                })
                .ok_or_else(|| {
                    not_found(format!("no diagnosis of {:?} has been recorded", account.name))
                })?;
            rmcp::model::ResourceContents::text(card.to_markdown(), uri)
                .with_mime_type("text/markdown")
        }
    };
    Ok(contents)
}

/// Recorded account names starting (case ignored) with `prefix`, for completions.
pub fn account_names(store: &dyn Store, prefix: &str) -> Vec<String> {
    let prefix = prefix.to_lowercase();
    store
        .accounts()
        .map(|accounts| {
            accounts
                .into_iter()
                .map(|a| a.name)
                .filter(|n| n.to_lowercase().starts_with(&prefix))
                .collect()
        })
        .unwrap_or_default()
}
