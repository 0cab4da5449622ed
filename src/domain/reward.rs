//! The values of the guardian reward rule (以奖代补) that other layers speak of: a calendar
//! month, and the decision for one guardian in one month. The rule itself is in
//! `crate::report::rewards`.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// Reads `2025-03`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        let month: u32 = m.parse().ok()?;
        (1..=12).contains(&month).then_some(Month {
            year: y.parse().ok()?,
            month,
        })
    }

    /// Months since year 0, for arithmetic.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(i: i64) -> Month {
        Month {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }

    pub fn plus(self, n: i64) -> Month {
        Month::from_index(self.index() + n)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    /// Every month from `a` to `b`, both included.
    pub fn range(a: Month, b: Month) -> Vec<Month> {
        (a.index()..=b.index()).map(Month::from_index).collect()
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum RewardDecision {
    Due,
    /// The patient caused an incident this month.
    IncidentThisMonth,
    /// An incident in an earlier month stops the reward until (and including) this month.
    Suspended {
        until: Month,
    },
    /// The patient has nobody in the guardian role.
    NoGuardian,
    /// The patient was 失访 on some day of this month.
    MissingThisMonth,
}
