//! Calendar arithmetic for the method's windows: the quarter and two-quarter windows ending on
//! the card date (Q14), twelve months of evidence age (Q33), the 30 days of coach step 5 (Q13)
//! and a deploy timeline in whole quarters (Q25).
//!
//! Dates are plain calendar days; the engine never reads a clock. The caller passes the card
//! date, so the same input always gives the same verdict.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Days in the quarter window that ends on the card date (Q14).
pub const QUARTER_DAYS: i64 = 90;
/// Days in the two-quarter window that ends on the card date (Q14, R21a).
pub const TWO_QUARTER_DAYS: i64 = 180;
/// Days a coach step-5 action may lie after the session date (R14, Q13).
pub const COACH_ACTION_DAYS: i64 = 30;

/// When something happened: a day, or a whole month when that is all the user knows.
///
/// A month counts as inside a window only if the whole month is (Q14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EvidenceDate {
    /// A known day.
    Day(NaiveDate),
    /// A month, as its first day.
    Month(NaiveDate),
}

impl EvidenceDate {
    /// The first day the date can mean.
    pub fn first_day(self) -> NaiveDate {
        match self {
            EvidenceDate::Day(d) | EvidenceDate::Month(d) => d,
        }
    }

    /// The last day the date can mean.
    pub fn last_day(self) -> NaiveDate {
        match self {
            EvidenceDate::Day(d) => d,
            EvidenceDate::Month(first) => first
                .checked_add_months(Months::new(1))
                .and_then(|next| next.pred_opt())
                .unwrap_or(NaiveDate::MAX),
        }
    }

    /// Whether every day the date can mean lies in the window of `days` days ending on `end`.
    pub fn within(self, end: NaiveDate, days: i64) -> bool {
        let Some(start) = window_start(end, days) else { return false };
        start <= self.first_day() && self.last_day() <= end
    }
}

/// The first day of the window of `days` days that ends on `end`: `end - days`, both ends
/// included, as METHOD.md's example reads (Q14: 2026-09-04 to 2026-12-03 for 90 days).
pub fn window_start(end: NaiveDate, days: i64) -> Option<NaiveDate> {
    end.checked_sub_signed(chrono::TimeDelta::try_days(days)?)
}

/// The number of whole quarters from `start` to `due`, counting a started quarter as a whole one:
/// ceil(months / 3), where a started month counts as a whole one (Q25). `None` when `due` is
/// not after `start`.
pub fn quarters_between(start: NaiveDate, due: NaiveDate) -> Option<u32> {
    if due <= start {
        return None;
    }
    let mut months = (due.year() - start.year()) * 12 + due.month() as i32 - start.month() as i32;
    let whole = start.checked_add_months(Months::new(months.max(0) as u32));
    if whole.is_none_or(|d| d < due) {
        months += 1;
    }
    Some((months.max(1) as u32).div_ceil(3))
}

impl fmt::Display for EvidenceDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvidenceDate::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            EvidenceDate::Month(d) => write!(f, "{}", d.format("%Y-%m")),
        }
    }
}

/// The accepted forms of an [`EvidenceDate`], for error messages.
pub const DATE_FORMS: &str = "a calendar date YYYY-MM-DD, or a month YYYY-MM";

impl FromStr for EvidenceDate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a date: expected {DATE_FORMS}");
        match s.len() {
            10 => {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map(EvidenceDate::Day).map_err(|_| bad())
            }
            7 => NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
                .map(EvidenceDate::Month)
                .map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

impl Serialize for EvidenceDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EvidenceDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for EvidenceDate {
    fn schema_name() -> Cow<'static, str> {
        "EvidenceDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$",
            "description": "When it happened: YYYY-MM-DD, or YYYY-MM when only the month is known.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn q14_windows_for_the_method_md_example_date() {
        assert_eq!(window_start(day("2026-12-03"), QUARTER_DAYS), Some(day("2026-09-04")));
        assert_eq!(window_start(day("2026-12-03"), TWO_QUARTER_DAYS), Some(day("2026-06-06")));
    }

    #[test]
    fn q14_a_month_counts_only_when_the_whole_month_is_inside() {
        let end = day("2026-12-03");
        let oct: EvidenceDate = "2026-10".parse().unwrap();
        let sep: EvidenceDate = "2026-09".parse().unwrap();
        let dec: EvidenceDate = "2026-12".parse().unwrap();
        assert!(oct.within(end, QUARTER_DAYS));
        assert!(!sep.within(end, QUARTER_DAYS));
        assert!(!dec.within(end, QUARTER_DAYS), "December runs past the card date");
    }

    #[test]
    fn q25_quarters_count_started_months_and_quarters() {
        let start = day("2026-12-03");
        assert_eq!(quarters_between(start, day("2026-12-04")), Some(1));
        assert_eq!(quarters_between(start, day("2027-03-03")), Some(1));
        assert_eq!(quarters_between(start, day("2027-03-04")), Some(2));
        assert_eq!(quarters_between(start, day("2027-12-03")), Some(4));
        assert_eq!(quarters_between(start, day("2027-12-04")), Some(5));
        assert_eq!(quarters_between(start, start), None);
        assert_eq!(quarters_between(start, day("2026-01-01")), None);
    }

    #[test]
    fn dates_parse_and_print_in_both_forms() {
        for s in ["2026-02-28", "2026-02"] {
            assert_eq!(s.parse::<EvidenceDate>().unwrap().to_string(), s);
        }
        for bad in ["2026-13", "2026-02-30", "yesterday", "", "2026-1-1"] {
            let err = bad.parse::<EvidenceDate>().unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{err}");
        }
    }
}
