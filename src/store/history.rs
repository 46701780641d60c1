//! An account quarter by quarter, read from its records: the rung and its evidence, trust per
//! dimension, the stop-rule answer, actions and their outcomes, information shared, and what
//! changed since the quarter before. Pure: the same records give the same history whatever
//! store they came from.
//!
//! A quarter's rung, trust and stop-rule answer are those of its latest diagnosis (a trust
//! audit recorded on its own counts for trust when it is later than the diagnosis). The
//! information-sharing indicator (R32) counts the sharing events of the twelve months ending
//! on the latest record, the share that came before the news was public, and the trend: the
//! last six months against the six before.

use chrono::{Datelike, Months, NaiveDate};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::{Account, Kind, Stored};

/// A calendar quarter, such as `2026-Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    year: i32,
    number: u32,
}

impl Quarter {
    /// The quarter a day falls in.
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter { year: date.year(), number: date.month0() / 3 + 1 }
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

/// Trust per dimension in a quarter (R29): pass, fail or unassessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TrustLine {
    /// Competence.
    pub competence: String,
    /// Integrity.
    pub integrity: String,
    /// Benevolence.
    pub benevolence: String,
}

impl TrustLine {
    fn dimensions(&self) -> [(&'static str, &str); 3] {
        [
            ("competence", &self.competence),
            ("integrity", &self.integrity),
            ("benevolence", &self.benevolence),
        ]
    }
}

/// The stop-rule answer of a quarter (R14, R21a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct StopRuleLine {
    /// The answer, in the user's words; empty when it was left blank.
    pub answer: String,
    /// Whether it passed: a need the customer never stated, and what was done about it.
    pub passes: bool,
}

/// One quarter of an account.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct QuarterLine {
    /// The quarter, `YYYY-Qn`.
    pub quarter: String,
    /// The rung of the quarter's latest diagnosis; absent when unconfirmed or not diagnosed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rung: Option<u64>,
    /// Whether a diagnosis was recorded in the quarter.
    pub diagnosed: bool,
    /// The rung the team claimed, when it claimed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed: Option<u64>,
    /// The evidence the card shows for the rung.
    pub evidence: Vec<String>,
    /// The rule of each cap on the rung (R17, R21, R22).
    pub caps: Vec<String>,
    /// The role of the customer's relationship owner, as the diagnosis read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship_owner: Option<String>,
    /// Trust per dimension, from the quarter's latest audit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<TrustLine>,
    /// The stop-rule answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_rule: Option<StopRuleLine>,
    /// Actions due in the quarter, with their outcomes.
    pub actions: Vec<Value>,
    /// Sharing events in the quarter, and how many came before the news was public.
    pub shared: usize,
    /// Of those, how many before public.
    pub shared_before_public: usize,
    /// What changed since the previous quarter with records.
    pub changes: Vec<String>,
    /// Who recorded what in the quarter, and when, in the order of the records' dates.
    pub recorded: Vec<Entry>,
}

/// One record of a quarter: what it is, the day it is about, who wrote it and when.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Entry {
    /// The record's id in the store.
    pub record: i64,
    /// What it is.
    pub kind: Kind,
    /// The day it is about.
    pub date: NaiveDate,
    /// Who recorded it, when they said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// When it was written (UTC, RFC 3339).
    pub recorded_at: String,
}

/// The twelve-month information-sharing indicator (R32).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SharingIndicator {
    /// The last day of the twelve months.
    pub through: Option<NaiveDate>,
    /// Sharing events in the twelve months.
    pub events: usize,
    /// The share of them that came before the news was public, from 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_public_share: Option<f64>,
    /// Events in the last six months.
    pub last_six_months: usize,
    /// Events in the six months before.
    pub previous_six_months: usize,
    /// rising, steady or falling.
    pub trend: String,
}

/// An account's history.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct History {
    /// The account.
    pub account: Account,
    /// The quarters with records, oldest first.
    pub quarters: Vec<QuarterLine>,
    /// The information-sharing indicator (R32).
    pub sharing: SharingIndicator,
    /// How many records the history was read from.
    pub records: usize,
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn trust_line(dimensions: &Value) -> Option<TrustLine> {
    let status = |name: &str| {
        dimensions
            .as_array()?
            .iter()
            .find(|d| d["dimension"] == name)
            .and_then(|d| text(&d["status"]))
    };
    Some(TrustLine {
        competence: status("competence")?,
        integrity: status("integrity")?,
        benevolence: status("benevolence")?,
    })
}

/// The history of `account` from its `records` (in any order).
pub fn history(account: Account, records: &[Stored]) -> History {
    let mut records: Vec<&Stored> = records.iter().collect();
    records.sort_by_key(|r| (r.date, r.id));
    let mut quarters: Vec<(Quarter, QuarterLine)> = Vec::new();
    for record in &records {
        let quarter = Quarter::of(record.date);
        if quarters.last().is_none_or(|(q, _)| *q != quarter) {
            quarters.push((
                quarter,
                QuarterLine {
                    quarter: quarter.to_string(),
                    rung: None,
                    diagnosed: false,
                    claimed: None,
                    evidence: Vec::new(),
                    caps: Vec::new(),
                    relationship_owner: None,
                    trust: None,
                    stop_rule: None,
                    actions: Vec::new(),
                    shared: 0,
                    shared_before_public: 0,
                    changes: Vec::new(),
                    recorded: Vec::new(),
                },
            ));
        }
        let Some((_, line)) = quarters.last_mut() else { continue };
        line.recorded.push(Entry {
            record: record.id,
            kind: record.kind,
            date: record.date,
            recorded_by: record.recorded_by.clone(),
            recorded_at: record.recorded_at.clone(),
        });
        let body = &record.body;
        match record.kind {
            Kind::Diagnosis => {
                let result = &body["result"];
                line.diagnosed = true;
                line.rung = result["card"]["rung"]["rung"].as_u64();
                line.claimed = result["diagnose"]["claimed"].as_u64();
                line.evidence = result["card"]["evidence"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| text(&e["text"]))
                    .collect();
                line.caps = result["diagnose"]["caps"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| text(&c["rule"]))
                    .collect();
                line.relationship_owner = text(&result["diagnose"]["owner_role"]);
                line.trust = trust_line(&result["trust"]["dimensions"]).or(line.trust.take());
                let stop = &result["diagnose"]["stop_rule"];
                line.stop_rule = stop["asked"].as_bool().filter(|a| *a).map(|_| StopRuleLine {
                    answer: text(&stop["answer"]).unwrap_or_default(),
                    passes: stop["passes"].as_bool().unwrap_or(false),
                });
            }
            Kind::TrustAudit => {
                if let Some(trust) = trust_line(&body["result"]["dimensions"]) {
                    line.trust = Some(trust);
                }
            }
            Kind::Action => line.actions.push(body.clone()),
            Kind::Sharing => {
                line.shared += 1;
                if body["before_public"] == Value::Bool(true) {
                    line.shared_before_public += 1;
                }
            }
        }
    }
    let mut lines: Vec<QuarterLine> = quarters.into_iter().map(|(_, l)| l).collect();
    for i in 1..lines.len() {
        let changes = changes(&lines[i - 1], &lines[i]);
        lines[i].changes = changes;
    }
    History { account, quarters: lines, sharing: sharing(&records), records: records.len() }
}

/// What changed from one quarter to the next.
fn changes(before: &QuarterLine, after: &QuarterLine) -> Vec<String> {
    let mut out = Vec::new();
    if before.diagnosed && after.diagnosed {
        match (before.rung, after.rung) {
            (Some(b), Some(a)) if a > b => out.push(format!("rung up from {b} to {a}")),
            (Some(b), Some(a)) if a < b => out.push(format!("rung down from {b} to {a} (R31)")),
            (Some(b), None) => out.push(format!("rung {b} no longer confirmed by the evidence")),
            (None, Some(a)) => out.push(format!("rung {a} confirmed")),
            _ => {}
        }
    }
    if let (Some(b), Some(a)) = (&before.trust, &after.trust) {
        for ((name, was), (_, now)) in b.dimensions().into_iter().zip(a.dimensions()) {
            if was != now {
                out.push(format!("{name} trust {was} -> {now} (R29)"));
            }
        }
    }
    if let (Some(b), Some(a)) = (&before.relationship_owner, &after.relationship_owner)
        && b != a
    {
        out.push(format!("relationship owner moved from {b} to {a}"));
    }
    let blank = |s: &Option<StopRuleLine>| s.as_ref().is_some_and(|s| !s.passes);
    if blank(&before.stop_rule) && blank(&after.stop_rule) {
        out.push("the stop-rule answer failed two quarters running (R21a)".to_owned());
    }
    out
}

fn sharing(records: &[&Stored]) -> SharingIndicator {
    let through = records.last().map(|r| r.date);
    let events: Vec<&&Stored> = records.iter().filter(|r| r.kind == Kind::Sharing).collect();
    let Some(end) = through else {
        return SharingIndicator {
            through,
            events: 0,
            before_public_share: None,
            last_six_months: 0,
            previous_six_months: 0,
            trend: "steady".into(),
        };
    };
    let back = |months: u32| end.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN);
    let (six, twelve) = (back(6), back(12));
    let in_year: Vec<&&&Stored> = events.iter().filter(|r| r.date > twelve).collect();
    let before_public =
        in_year.iter().filter(|r| r.body["before_public"] == Value::Bool(true)).count();
    let last = in_year.iter().filter(|r| r.date > six).count();
    let previous = in_year.len() - last;
    let trend = match last.cmp(&previous) {
        std::cmp::Ordering::Greater => "rising",
        std::cmp::Ordering::Less => "falling",
        std::cmp::Ordering::Equal => "steady",
    };
    SharingIndicator {
        through,
        events: in_year.len(),
        before_public_share: (!in_year.is_empty())
            .then(|| before_public as f64 / in_year.len() as f64),
        last_six_months: last,
        previous_six_months: previous,
        trend: trend.into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "in a test, a failed unwrap is a failure")]

    use super::*;
    use serde_json::json;

    fn account() -> Account {
        Account {
            id: 1,
            name: "Acme".into(),
            domain: None,
            acv_usd: None,
            renewal: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            created_by: None,
        }
    }

    fn record(id: i64, kind: Kind, date: &str, body: Value) -> Stored {
        Stored {
            id,
            kind,
            date: date.parse().unwrap(),
            body,
            recorded_at: String::new(),
            recorded_by: None,
        }
    }

    fn diagnosis(rung: u64, benevolence: &str, owner: &str, stop_passes: bool) -> Value {
        json!({"result": {
            "card": {"rung": {"rung": rung}, "evidence": [{"text": format!("rung {rung} item")}]},
            "diagnose": {"claimed": 4, "owner_role": owner,
                         "stop_rule": {"asked": true, "answer": "x", "passes": stop_passes}},
            "trust": {"dimensions": [
                {"dimension": "competence", "status": "pass"},
                {"dimension": "integrity", "status": "pass"},
                {"dimension": "benevolence", "status": benevolence}]}
        }})
    }

    #[test]
    fn quarters_read_their_latest_diagnosis_and_say_what_changed() {
        let records = [
            record(1, Kind::Diagnosis, "2026-05-10", diagnosis(3, "pass", "other", false)),
            record(2, Kind::Diagnosis, "2026-08-01", diagnosis(3, "pass", "other", false)),
            record(3, Kind::Diagnosis, "2026-08-20", diagnosis(2, "fail", "procurement", false)),
            record(4, Kind::Sharing, "2026-09-01", json!({"before_public": true})),
            record(5, Kind::Diagnosis, "2026-11-15", diagnosis(3, "fail", "procurement", true)),
        ];
        let h = history(account(), &records);
        let quarters: Vec<&str> = h.quarters.iter().map(|q| q.quarter.as_str()).collect();
        assert_eq!(quarters, ["2026-Q2", "2026-Q3", "2026-Q4"]);
        assert_eq!(h.quarters[1].rung, Some(2), "the quarter's latest diagnosis counts");
        let q3 = &h.quarters[1].changes;
        assert!(q3.contains(&"rung down from 3 to 2 (R31)".to_owned()), "{q3:?}");
        assert!(q3.contains(&"benevolence trust pass -> fail (R29)".to_owned()), "{q3:?}");
        assert!(q3.iter().any(|c| c.contains("moved from other to procurement")), "{q3:?}");
        assert!(q3.iter().any(|c| c.contains("R21a")), "{q3:?}");
        assert_eq!(h.quarters[2].changes, ["rung up from 2 to 3"]);
        assert_eq!((h.quarters[1].shared, h.quarters[1].shared_before_public), (1, 1));
        assert_eq!(h.records, 5);
    }

    #[test]
    fn r32_counts_twelve_months_the_share_before_public_and_the_trend() {
        let records = [
            record(1, Kind::Sharing, "2025-10-01", json!({"before_public": true})),
            record(2, Kind::Sharing, "2026-03-01", json!({"before_public": false})),
            record(3, Kind::Sharing, "2026-04-01", json!({"before_public": true})),
            record(4, Kind::Sharing, "2026-09-01", json!({"before_public": true})),
            record(5, Kind::Sharing, "2026-11-01", json!({"before_public": true})),
            record(6, Kind::Sharing, "2026-11-20", json!({"before_public": false})),
        ];
        let s = history(account(), &records).sharing;
        assert_eq!(s.through, Some("2026-11-20".parse().unwrap()));
        assert_eq!(s.events, 5, "the 2025-10-01 event is outside the twelve months");
        assert_eq!(s.before_public_share, Some(0.6));
        assert_eq!((s.last_six_months, s.previous_six_months), (3, 2));
        assert_eq!(s.trend, "rising");
    }
}
