//! A patient's history (SPEC *r2* History): which value each of status, risk, condition,
//! treatment and jurisdiction took and the instant it began, so that a report for a past
//! period reads the state as it was then and the patient screen can show a timeline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::patient::{Condition, Patient, Status, Vocabulary};
use super::risk::RiskLevel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryField {
    Status,
    Risk,
    Condition,
    TreatmentPlace,
    Medication,
    Compliance,
    Township,
    Village,
    Station,
}

impl HistoryField {
    pub const ALL: [HistoryField; 9] = [
        HistoryField::Status,
        HistoryField::Risk,
        HistoryField::Condition,
        HistoryField::TreatmentPlace,
        HistoryField::Medication,
        HistoryField::Compliance,
        HistoryField::Township,
        HistoryField::Village,
        HistoryField::Station,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HistoryField::Status => "status",
            HistoryField::Risk => "risk",
            HistoryField::Condition => "condition",
            HistoryField::TreatmentPlace => "treatment_place",
            HistoryField::Medication => "medication",
            HistoryField::Compliance => "compliance",
            HistoryField::Township => "township",
            HistoryField::Village => "village",
            HistoryField::Station => "station",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == s)
    }

    /// The value this field has on `p`, as stored (codes for vocabularies, empty for none).
    pub fn value_of(self, p: &Patient) -> String {
        match self {
            HistoryField::Status => p.status.code().into(),
            HistoryField::Risk => p.risk_level.value().to_string(),
            HistoryField::Condition => p.condition.code().into(),
            HistoryField::TreatmentPlace => {
                p.treatment_place.map(|v| v.code()).unwrap_or("").into()
            }
            HistoryField::Medication => p.medication.map(|v| v.code()).unwrap_or("").into(),
            HistoryField::Compliance => p.compliance.map(|v| v.code()).unwrap_or("").into(),
            HistoryField::Township => p.jurisdiction.township.clone(),
            HistoryField::Village => p.jurisdiction.village.clone(),
            HistoryField::Station => p.jurisdiction.station.clone(),
        }
    }
}

/// One value and the instant it began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub field: HistoryField,
    pub value: String,
    pub began_at: DateTime<Utc>,
}

/// The fields whose value differs between `before` (none for a new patient: every field) and
/// `after`, with the new values.
pub fn changes(before: Option<&Patient>, after: &Patient) -> Vec<(HistoryField, String)> {
    HistoryField::ALL
        .into_iter()
        .filter_map(|f| {
            let new = f.value_of(after);
            match before {
                Some(b) if f.value_of(b) == new => None,
                _ => Some((f, new)),
            }
        })
        .collect()
}

/// `p` as the history says it stood at `at`: each recorded field takes its last value up to
/// then. `None` when nothing was recorded by `at` (the patient was not on the register yet).
pub fn patient_at(p: &Patient, entries: &[HistoryEntry], at: DateTime<Utc>) -> Option<Patient> {
    use super::patient::{Compliance, Medication, TreatmentPlace};
    let mut sorted: Vec<&HistoryEntry> = entries.iter().filter(|e| e.began_at <= at).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by_key(|e| e.began_at);
    let mut q = p.clone();
    for e in sorted {
        let v = e.value.as_str();
        match e.field {
            HistoryField::Status => {
                if let Some(s) = Status::from_code(v) {
                    q.status = s;
                }
            }
            HistoryField::Risk => {
                if let Some(r) = v.parse().ok().and_then(RiskLevel::new) {
                    q.risk_level = r;
                }
            }
            HistoryField::Condition => {
                if let Some(c) = Condition::from_code(v) {
                    q.condition = c;
                }
            }
            HistoryField::TreatmentPlace => q.treatment_place = TreatmentPlace::from_code(v),
            HistoryField::Medication => q.medication = Medication::from_code(v),
            HistoryField::Compliance => q.compliance = Compliance::from_code(v),
            HistoryField::Township => q.jurisdiction.township = v.to_string(),
            HistoryField::Village => q.jurisdiction.village = v.to_string(),
            HistoryField::Station => q.jurisdiction.station = v.to_string(),
        }
    }
    Some(q)
}

/// A patient's state at an instant, as the history tells it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StateAt {
    pub status: Option<Status>,
    pub risk: Option<RiskLevel>,
    pub condition: Option<Condition>,
    pub medication: Option<String>,
    pub station: Option<String>,
    /// Statuses held at any moment in `[from, at]` (for "in hospital during the period").
    pub statuses_in_period: Vec<Status>,
    /// The first instant the risk reached 3 or more, up to `at`.
    pub first_high_at: Option<DateTime<Utc>>,
    /// The first instant anything was recorded: the patient's baseline.
    pub first_at: Option<DateTime<Utc>>,
}

/// The state at `at` from `entries` (any order), and what held at any moment from `from`.
pub fn state_at(entries: &[HistoryEntry], from: DateTime<Utc>, at: DateTime<Utc>) -> StateAt {
    let mut sorted: Vec<&HistoryEntry> = entries.iter().filter(|e| e.began_at <= at).collect();
    sorted.sort_by_key(|e| e.began_at);
    let mut s = StateAt::default();
    let mut status_at_from: Option<Status> = None;
    for e in sorted {
        s.first_at.get_or_insert(e.began_at);
        match e.field {
            HistoryField::Status => {
                let v = Status::from_code(&e.value);
                if e.began_at <= from {
                    status_at_from = v;
                } else if let Some(v) = v {
                    s.statuses_in_period.push(v);
                }
                s.status = v;
            }
            HistoryField::Risk => {
                let v = e.value.parse().ok().and_then(RiskLevel::new);
                if v.is_some_and(|r| r.is_high()) && s.first_high_at.is_none() {
                    s.first_high_at = Some(e.began_at);
                }
                s.risk = v;
            }
            HistoryField::Condition => s.condition = Condition::from_code(&e.value),
            HistoryField::Medication => s.medication = Some(e.value.clone()),
            HistoryField::Station => s.station = Some(e.value.clone()),
            _ => {}
        }
    }
    if let Some(v) = status_at_from {
        s.statuses_in_period.insert(0, v);
    }
    s
}

/// The stretches during which the status was `status`: (began, ended), `None` while it holds.
pub fn status_spans(
    entries: &[HistoryEntry],
    status: Status,
) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let mut changes: Vec<&HistoryEntry> = entries
        .iter()
        .filter(|e| e.field == HistoryField::Status)
        .collect();
    changes.sort_by_key(|e| e.began_at);
    let mut out = Vec::new();
    let mut open: Option<DateTime<Utc>> = None;
    for e in changes {
        let is = e.value == status.code();
        match (open, is) {
            (None, true) => open = Some(e.began_at),
            (Some(start), false) => {
                out.push((start, Some(e.began_at)));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        out.push((start, None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::patient;

    fn at(s: &str) -> DateTime<Utc> {
        format!("{s}T00:00:00Z").parse().unwrap()
    }

    fn entry(field: HistoryField, value: &str, when: &str) -> HistoryEntry {
        HistoryEntry {
            field,
            value: value.into(),
            began_at: at(when),
        }
    }

    #[test]
    fn a_new_patient_records_every_field() {
        assert_eq!(changes(None, &patient()).len(), HistoryField::ALL.len());
    }

    #[test]
    fn history_records_only_the_fields_that_changed() {
        let before = patient();
        let mut after = before.clone();
        after.status = Status::InHospital;
        after.jurisdiction.station = "江北派出所".into();
        assert_eq!(
            changes(Some(&before), &after),
            vec![
                (HistoryField::Status, "in_hospital".to_string()),
                (HistoryField::Station, "江北派出所".to_string()),
            ]
        );
    }

    #[test]
    fn report_reads_the_state_at_the_period_end_not_today() {
        let h = vec![
            entry(HistoryField::Risk, "1", "2026-01-01"),
            entry(HistoryField::Risk, "4", "2026-03-10"),
            entry(HistoryField::Risk, "2", "2026-07-01"),
            entry(HistoryField::Status, "managed", "2026-01-01"),
        ];
        let s = state_at(&h, at("2026-03-01"), at("2026-06-30"));
        assert_eq!(s.risk.map(|r| r.value()), Some(4));
        assert_eq!(s.first_high_at, Some(at("2026-03-10")));
        let later = state_at(&h, at("2026-07-01"), at("2026-09-30"));
        assert_eq!(later.risk.map(|r| r.value()), Some(2));
    }

    #[test]
    fn in_hospital_on_any_day_of_the_period_is_seen() {
        let h = vec![
            entry(HistoryField::Status, "managed", "2026-01-01"),
            entry(HistoryField::Status, "in_hospital", "2026-04-02"),
            entry(HistoryField::Status, "managed", "2026-04-20"),
        ];
        let s = state_at(&h, at("2026-04-01"), at("2026-06-30"));
        assert_eq!(s.status, Some(Status::Managed));
        assert!(s.statuses_in_period.contains(&Status::InHospital));
        let before = state_at(&h, at("2026-05-01"), at("2026-06-30"));
        assert!(!before.statuses_in_period.contains(&Status::InHospital));
    }

    #[test]
    fn a_patient_registered_after_the_period_has_no_state_in_it() {
        let h = vec![entry(HistoryField::Status, "managed", "2026-08-01")];
        assert_eq!(
            state_at(&h, at("2026-04-01"), at("2026-06-30")).status,
            None
        );
    }

    #[test]
    fn status_spans_follow_each_episode() {
        let h = vec![
            entry(HistoryField::Status, "managed", "2026-01-01"),
            entry(HistoryField::Status, "missing", "2026-02-10"),
            entry(HistoryField::Status, "managed", "2026-03-02"),
            entry(HistoryField::Status, "missing", "2026-05-01"),
        ];
        assert_eq!(
            status_spans(&h, Status::Missing),
            vec![
                (at("2026-02-10"), Some(at("2026-03-02"))),
                (at("2026-05-01"), None)
            ]
        );
    }

    #[test]
    fn patient_at_takes_each_field_as_it_stood_then() {
        let p = patient();
        let h = vec![
            entry(HistoryField::Status, "managed", "2026-01-01"),
            entry(HistoryField::Risk, "0", "2026-01-01"),
            entry(HistoryField::Risk, "3", "2026-02-01"),
            entry(HistoryField::Status, "in_hospital", "2026-07-01"),
        ];
        let then = patient_at(&p, &h, at("2026-06-30")).unwrap();
        assert_eq!(then.risk_level.value(), 3);
        assert_eq!(then.status, Status::Managed);
        assert!(patient_at(&p, &h, at("2025-12-31")).is_none());
    }
}
