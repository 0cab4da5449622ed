//! When a patient is next due: the follow-up interval by condition, the six-month face-to-face
//! rule, and the cap that a control level (一级/二级/三级管控) puts on high-risk patients for
//! its time window.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::clock::beijing_date;
use super::patient::{Condition, Patient};
use super::policy::{ControlConfig, FollowUpConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlLevel {
    Level1,
    Level2,
    Level3,
}

impl ControlLevel {
    pub fn cap_days(self, config: &ControlConfig) -> u32 {
        match self {
            ControlLevel::Level1 => config.level1_days,
            ControlLevel::Level2 => config.level2_days,
            ControlLevel::Level3 => config.level3_days,
        }
    }

    pub fn from_number(n: u8) -> Option<Self> {
        match n {
            1 => Some(ControlLevel::Level1),
            2 => Some(ControlLevel::Level2),
            3 => Some(ControlLevel::Level3),
            _ => None,
        }
    }

    pub fn number(self) -> u8 {
        match self {
            ControlLevel::Level1 => 1,
            ControlLevel::Level2 => 2,
            ControlLevel::Level3 => 3,
        }
    }
}

/// A control level switched on by the center for a sensitive period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlWindow {
    pub level: ControlLevel,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl ControlWindow {
    /// The window includes its start and excludes its end.
    pub fn is_active(&self, at: DateTime<Utc>) -> bool {
        self.starts_at <= at && at < self.ends_at
    }
}

/// The stretch between two follow-ups that the condition allows.
fn interval_after(base: NaiveDate, condition: Condition, config: &FollowUpConfig) -> NaiveDate {
    match condition {
        Condition::Stable => add_months(base, config.stable_months),
        Condition::BasicallyStable => add_months(base, config.basically_stable_months),
        Condition::Unstable => base + chrono::Days::new(u64::from(config.unstable_days)),
    }
}

fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    // Adding months to 31 January gives the end of February, as the calendar expects.
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The date the next follow-up is due: counted from the last follow-up (or registration) by
/// the condition's interval. Control levels cap face-to-face visits (`visit_due`), not this.
pub fn followup_due(p: &Patient, followup: &FollowUpConfig) -> NaiveDate {
    let base = p.last_followup.unwrap_or(p.registered_on);
    let normal = interval_after(base, p.condition, followup);
    // After a discharge with no follow-up since, the next one is due soon after it (*r2*).
    match p.discharged_on {
        Some(d) if p.last_followup.is_none_or(|f| f < d) => {
            normal.min(d + chrono::Days::new(u64::from(followup.after_discharge_days)))
        }
        _ => normal,
    }
}

/// When the next face-to-face visit is due, and whether a control level set that date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitDue {
    pub date: NaiveDate,
    pub capped: bool,
}

/// The date by which the patient must next be seen face to face (走访: a clinic or home visit
/// seeing the patient). Under an active control level a high-risk patient's interval is capped
/// (*r2*: the cap is on visits, a phone call does not satisfy it), counted from the later of the
/// last visit and the start of the window, so switching a level on does not make everyone
/// overdue at once.
pub fn visit_due(
    p: &Patient,
    at: DateTime<Utc>,
    control: Option<&ControlWindow>,
    followup: &FollowUpConfig,
    control_config: &ControlConfig,
) -> VisitDue {
    let base = p.last_visit.unwrap_or(p.registered_on);
    let normal = add_months(base, followup.face_to_face_months);
    match control {
        Some(w) if w.is_active(at) && p.is_high_risk() => {
            let from = base.max(beijing_date(w.starts_at));
            let capped = from + chrono::Days::new(u64::from(w.level.cap_days(control_config)));
            if capped < normal {
                VisitDue {
                    date: capped,
                    capped: true,
                }
            } else {
                VisitDue {
                    date: normal,
                    capped: false,
                }
            }
        }
        _ => VisitDue {
            date: normal,
            capped: false,
        },
    }
}

/// Three basically-stable follow-ups in a row without reaching stable ask for guidance.
pub fn needs_guidance(p: &Patient, followup: &FollowUpConfig) -> bool {
    p.condition == Condition::BasicallyStable
        && p.basic_stable_streak >= followup.guidance_after_basically_stable
}

/// Whole days past `due` on `today`; zero or less means not overdue.
pub fn days_overdue(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::beijing_midnight;
    use crate::domain::risk::RiskLevel;
    use crate::domain::testing::patient;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn noon(s: &str) -> DateTime<Utc> {
        beijing_midnight(d(s)) + chrono::Duration::hours(12)
    }

    fn due(p: &Patient) -> NaiveDate {
        followup_due(p, &FollowUpConfig::default())
    }

    fn visit(p: &Patient, at: &str, w: Option<&ControlWindow>) -> VisitDue {
        visit_due(
            p,
            noon(at),
            w,
            &FollowUpConfig::default(),
            &ControlConfig::default(),
        )
    }

    #[test]
    fn stable_patient_is_due_after_three_months() {
        let mut p = patient();
        p.condition = Condition::Stable;
        p.last_followup = Some(d("2025-01-31"));
        assert_eq!(due(&p), d("2025-04-30"));
    }

    #[test]
    fn basically_stable_patient_is_due_after_one_month() {
        let mut p = patient();
        p.condition = Condition::BasicallyStable;
        p.last_followup = Some(d("2025-01-31"));
        assert_eq!(due(&p), d("2025-02-28"));
    }

    #[test]
    fn unstable_patient_is_due_within_two_weeks() {
        let mut p = patient();
        p.condition = Condition::Unstable;
        p.last_followup = Some(d("2025-03-01"));
        assert_eq!(due(&p), d("2025-03-15"));
    }

    #[test]
    fn without_any_follow_up_the_schedule_counts_from_registration() {
        let mut p = patient();
        p.last_followup = None;
        p.registered_on = d("2025-01-10");
        assert_eq!(due(&p), d("2025-04-10"));
    }

    #[test]
    fn every_patient_is_seen_face_to_face_every_six_months() {
        let mut p = patient();
        p.last_visit = Some(d("2025-01-15"));
        assert_eq!(visit(&p, "2025-02-01", None).date, d("2025-07-15"));
        assert_eq!(days_overdue(d("2025-07-15"), d("2025-07-15")), 0);
        assert_eq!(days_overdue(d("2025-07-15"), d("2025-07-20")), 5);
    }

    #[test]
    fn control_level_caps_face_to_face_visits_of_high_risk_patients_inside_its_window() {
        let mut p = patient();
        p.risk_level = RiskLevel::new(3).unwrap();
        p.condition = Condition::BasicallyStable;
        p.last_followup = Some(d("2025-03-01"));
        p.last_visit = Some(d("2025-03-01"));
        let w = ControlWindow {
            level: ControlLevel::Level2,
            starts_at: noon("2025-03-05"),
            ends_at: noon("2025-03-20"),
        };
        // Counted from the start of the window, not from the last visit.
        let capped = visit(&p, "2025-03-06", Some(&w));
        assert_eq!(capped.date, d("2025-03-08"));
        assert!(capped.capped);
        // Outside the window the six-month rule holds; the follow-up schedule is untouched.
        assert_eq!(visit(&p, "2025-03-21", Some(&w)).date, d("2025-09-01"));
        assert_eq!(due(&p), d("2025-04-01"));
    }

    #[test]
    fn a_phone_call_does_not_satisfy_a_control_level_cap() {
        let mut p = patient();
        p.risk_level = RiskLevel::new(4).unwrap();
        p.condition = Condition::Unstable;
        p.last_visit = Some(d("2025-03-01"));
        p.last_followup = Some(d("2025-03-07")); // by phone: the visit date stays
        let w = ControlWindow {
            level: ControlLevel::Level1,
            starts_at: noon("2025-03-05"),
            ends_at: noon("2025-03-20"),
        };
        assert_eq!(visit(&p, "2025-03-07", Some(&w)).date, d("2025-03-06"));
    }

    #[test]
    fn after_discharge_the_next_follow_up_is_due_within_fourteen_days() {
        let mut p = patient();
        p.condition = Condition::Stable;
        p.last_followup = Some(d("2025-03-01"));
        p.discharged_on = Some(d("2025-04-10"));
        assert_eq!(due(&p), d("2025-04-24"));
        p.last_followup = Some(d("2025-04-15"));
        assert_eq!(due(&p), d("2025-07-15"));
    }

    #[test]
    fn control_level_caps_are_one_three_and_seven_days_by_default() {
        let c = ControlConfig::default();
        assert_eq!(ControlLevel::Level1.cap_days(&c), 1);
        assert_eq!(ControlLevel::Level2.cap_days(&c), 3);
        assert_eq!(ControlLevel::Level3.cap_days(&c), 7);
    }

    #[test]
    fn control_level_does_not_touch_low_risk_patients() {
        let mut p = patient();
        p.last_followup = Some(d("2025-03-01"));
        let w = ControlWindow {
            level: ControlLevel::Level1,
            starts_at: noon("2025-03-01"),
            ends_at: noon("2025-04-01"),
        };
        assert!(!visit(&p, "2025-03-02", Some(&w)).capped);
        assert_eq!(visit(&p, "2025-03-02", Some(&w)).date, d("2025-09-01"));
    }

    #[test]
    fn three_basically_stable_follow_ups_in_a_row_need_guidance() {
        let mut p = patient();
        p.condition = Condition::BasicallyStable;
        p.basic_stable_streak = 2;
        assert!(!needs_guidance(&p, &FollowUpConfig::default()));
        p.basic_stable_streak = 3;
        assert!(needs_guidance(&p, &FollowUpConfig::default()));
    }
}
