//! The one generic one-line dialog: a purpose (what the line is for, which request it
//! becomes) and the line being typed. Resolving an alert, the note of a report, the location
//! of a new incident, who acted for a step and an incident note are all this dialog.

use chrono::{DateTime, Utc};
use tui_input::Input;

use super::action::Request;
use crate::domain::alert::Severity;
use crate::i18n::T;

#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    Resolve {
        alert_id: i64,
    },
    Report {
        patient_id: i64,
        severity: Severity,
    },
    OpenIncident {
        patient_id: Option<i64>,
        alert_id: Option<i64>,
        /// The center opening one for an unknown person names the station of the location
        /// next (*r2*), so that desk sees it; a station desk's own station is taken.
        ask_station: bool,
    },
    /// …the station of an unknown person's incident, after its location.
    IncidentStation {
        location: String,
    },
    StepActor {
        incident_id: i64,
        step: u8,
    },
    IncidentNote {
        incident_id: i64,
    },
    /// Ending a control order: its number in the reports view's list of those in force.
    EndControl {
        orders: Vec<i64>,
    },
    /// Resolving 失访/拒访: first to whom the written report went…
    WrittenReportTo {
        alert_id: i64,
    },
    /// …then when (Beijing time, as typed: "23:40", "11-22 23:40").
    WrittenReportAt {
        alert_id: i64,
        to: String,
    },
    /// Snoozing: first the day (inclusive) the alert stays silent until…
    SnoozeUntil {
        alert_id: i64,
    },
    /// …then why.
    SnoozeReason {
        alert_id: i64,
        until: chrono::NaiveDate,
    },
    /// Why step `step` (the first not done) is skipped.
    SkipReason {
        incident_id: i64,
        step: u8,
    },
    /// Correcting a step: after the actor is picked, the time it was done (Beijing `HH:MM` or
    /// `HH:MM:SS` on the day it was recorded), shown as recorded.
    CorrectTime {
        incident_id: i64,
        step: u8,
        seen: (String, DateTime<Utc>),
        actor: String,
    },
}

impl Purpose {
    pub fn title(&self) -> T {
        match self {
            Purpose::Resolve { .. } => T::ResolveTitle,
            Purpose::EndControl { .. } => T::KeyEndControl,
            Purpose::WrittenReportTo { .. } | Purpose::WrittenReportAt { .. } => {
                T::WrittenReportTitle
            }
            Purpose::Report { .. } => T::ReportTitle,
            Purpose::OpenIncident { .. } | Purpose::IncidentStation { .. } => T::OpenIncidentTitle,
            Purpose::StepActor { .. } => T::StepActorTitle,
            Purpose::IncidentNote { .. } => T::NoteTitle,
            Purpose::SnoozeUntil { .. } | Purpose::SnoozeReason { .. } => T::SnoozeTitle,
            Purpose::SkipReason { .. } => T::SkipTitle,
            Purpose::CorrectTime { .. } => T::CorrectTitle,
        }
    }

    /// The label before the line.
    pub fn label(&self) -> T {
        match self {
            Purpose::OpenIncident { .. } => T::Location,
            Purpose::IncidentStation { .. } => T::IncidentStation,
            Purpose::WrittenReportTo { .. } => T::WrittenReportTo,
            Purpose::EndControl { .. } => T::ControlNumber,
            Purpose::WrittenReportAt { .. } => T::WrittenReportAt,
            Purpose::StepActor { .. } => T::StepActorTitle,
            Purpose::SnoozeUntil { .. } => T::SnoozeUntil,
            Purpose::SnoozeReason { .. } => T::SnoozeReason,
            Purpose::SkipReason { .. } => T::SkipReason,
            Purpose::CorrectTime { .. } => T::DoneAt,
            _ => T::Note,
        }
    }

    /// What the line becomes: a request, the next line to ask (the snooze's reason after
    /// its day), or nothing yet when the text is not understood (the line stays open). A
    /// typed time of day is read as on `today` (Beijing).
    pub fn next(&self, text: String, today: chrono::NaiveDate) -> Option<Next> {
        match *self {
            Purpose::EndControl { ref orders } => {
                let n: usize = text.trim().parse().ok()?;
                let id = *orders.get(n.checked_sub(1)?)?;
                Some(Next::Send(Request::EndControl(id)))
            }
            Purpose::WrittenReportTo { alert_id } => {
                Some(Next::Ask(Purpose::WrittenReportAt { alert_id, to: text }))
            }
            Purpose::WrittenReportAt { alert_id, ref to } => {
                let at = crate::domain::clock::parse_beijing_time(&text, today)?;
                Some(Next::Send(Request::ResolveWithReport {
                    alert_id,
                    to: to.clone(),
                    at,
                }))
            }
            Purpose::OpenIncident {
                ask_station: true, ..
            } => Some(Next::Ask(Purpose::IncidentStation { location: text })),
            Purpose::IncidentStation { ref location } => Some(Next::Send(Request::OpenIncident {
                patient_id: None,
                alert_id: None,
                location: location.clone(),
                station: Some(text),
            })),
            Purpose::SnoozeUntil { alert_id } => {
                let until = crate::import::values::date(&crate::import::table::Cell::Text(text))?;
                Some(Next::Ask(Purpose::SnoozeReason { alert_id, until }))
            }
            Purpose::SnoozeReason { alert_id, until } => Some(Next::Send(Request::Snooze {
                alert_id,
                until,
                reason: text,
            })),
            Purpose::SkipReason { incident_id, step } => Some(Next::Send(Request::SkipStep {
                incident_id,
                step,
                reason: text,
            })),
            Purpose::CorrectTime {
                incident_id,
                step,
                ref seen,
                ref actor,
            } => {
                // The time as shown (to the second) leaves the recorded instant as it was.
                let done_at = if text.trim() == self.initial() {
                    seen.1
                } else {
                    time_on_day_of(seen.1, &text)?
                };
                Some(Next::Send(Request::CorrectStep {
                    incident_id,
                    step,
                    seen: seen.clone(),
                    actor: actor.clone(),
                    done_at,
                }))
            }
            _ => Some(Next::Send(self.request(text))),
        }
    }

    /// The text the line opens with: a correction shows the time as recorded.
    pub fn initial(&self) -> String {
        match self {
            Purpose::CorrectTime { seen, .. } => seen
                .1
                .with_timezone(&crate::domain::clock::beijing())
                .format("%H:%M:%S")
                .to_string(),
            _ => String::new(),
        }
    }

    /// The request the line becomes.
    fn request(&self, text: String) -> Request {
        match *self {
            Purpose::SnoozeUntil { .. }
            | Purpose::SnoozeReason { .. }
            | Purpose::IncidentStation { .. }
            | Purpose::WrittenReportTo { .. }
            | Purpose::WrittenReportAt { .. }
            | Purpose::EndControl { .. }
            | Purpose::SkipReason { .. }
            | Purpose::CorrectTime { .. } => {
                unreachable!("these lines are read by `next`")
            }
            Purpose::Resolve { alert_id } => Request::Resolve(alert_id, text),
            Purpose::Report {
                patient_id,
                severity,
            } => Request::Report {
                patient_id,
                severity,
                note: text,
            },
            Purpose::OpenIncident {
                patient_id,
                alert_id,
                ..
            } => Request::OpenIncident {
                patient_id,
                alert_id,
                location: text,
                station: None,
            },
            Purpose::StepActor { incident_id, step } => Request::MarkStep {
                incident_id,
                step,
                actor: text,
            },
            Purpose::IncidentNote { incident_id } => Request::IncidentNote { incident_id, text },
        }
    }
}

/// What a submitted line leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    Send(Request),
    Ask(Purpose),
}

#[derive(Debug, Clone)]
pub struct OneLine {
    pub purpose: Purpose,
    pub input: Input,
}

impl OneLine {
    pub fn new(purpose: Purpose) -> Self {
        OneLine {
            input: Input::new(purpose.initial()),
            purpose,
        }
    }
}

/// `HH:MM` or `HH:MM:SS`, Beijing time, on the Beijing day of `day`.
fn time_on_day_of(day: DateTime<Utc>, text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim().replace('：', ":");
    let t = chrono::NaiveTime::parse_from_str(&text, "%H:%M:%S")
        .or_else(|_| chrono::NaiveTime::parse_from_str(&text, "%H:%M"))
        .ok()?;
    let date = day
        .with_timezone(&crate::domain::clock::beijing())
        .date_naive();
    date.and_time(t)
        .and_local_timezone(crate::domain::clock::beijing())
        .single()
        .map(|d| d.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_corrected_time_is_read_in_beijing_time_on_the_day_it_was_recorded() {
        // 2025-03-10 23:50 Beijing is 15:50 UTC.
        let recorded = Utc.with_ymd_and_hms(2025, 3, 10, 15, 50, 0).unwrap();
        assert_eq!(
            time_on_day_of(recorded, "23:48"),
            Some(Utc.with_ymd_and_hms(2025, 3, 10, 15, 48, 0).unwrap())
        );
        assert_eq!(
            time_on_day_of(recorded, "23：47：30"),
            Some(Utc.with_ymd_and_hms(2025, 3, 10, 15, 47, 30).unwrap())
        );
        assert_eq!(time_on_day_of(recorded, "half past"), None);
    }

    #[test]
    fn a_correction_that_keeps_the_time_as_shown_keeps_the_recorded_instant_to_the_millisecond() {
        let recorded = Utc.with_ymd_and_hms(2025, 3, 10, 15, 50, 0).unwrap()
            + chrono::Duration::milliseconds(130);
        let p = Purpose::CorrectTime {
            incident_id: 1,
            step: 2,
            seen: ("甲".into(), recorded),
            actor: "乙".into(),
        };
        let shown = OneLine::new(p.clone()).input.value().to_string();
        assert_eq!(shown, "23:50:00");
        match p.next(shown, chrono::NaiveDate::MIN) {
            Some(Next::Send(Request::CorrectStep { done_at, actor, .. })) => {
                assert_eq!(done_at, recorded);
                assert_eq!(actor, "乙");
            }
            other => panic!("{other:?}"),
        }
    }
}
