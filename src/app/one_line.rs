//! The one generic one-line dialog: a purpose (what the line is for, which request it
//! becomes) and the line being typed. Resolving an alert, the note of a report, the location
//! of a new incident, who acted for a step and an incident note are all this dialog.

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
    },
    StepActor {
        incident_id: i64,
        step: u8,
    },
    IncidentNote {
        incident_id: i64,
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
}

impl Purpose {
    pub fn title(&self) -> T {
        match self {
            Purpose::Resolve { .. } => T::ResolveTitle,
            Purpose::Report { .. } => T::ReportTitle,
            Purpose::OpenIncident { .. } => T::OpenIncidentTitle,
            Purpose::StepActor { .. } => T::StepActorTitle,
            Purpose::IncidentNote { .. } => T::NoteTitle,
            Purpose::SnoozeUntil { .. } | Purpose::SnoozeReason { .. } => T::SnoozeTitle,
        }
    }

    /// The label before the line.
    pub fn label(&self) -> T {
        match self {
            Purpose::OpenIncident { .. } => T::Location,
            Purpose::StepActor { .. } => T::StepActorTitle,
            Purpose::SnoozeUntil { .. } => T::SnoozeUntil,
            Purpose::SnoozeReason { .. } => T::SnoozeReason,
            _ => T::Note,
        }
    }

    /// What the line becomes: a request, the next line to ask (the snooze's reason after
    /// its day), or nothing yet when the text is not understood (the line stays open).
    pub fn next(&self, text: String) -> Option<Next> {
        match *self {
            Purpose::SnoozeUntil { alert_id } => {
                let until = crate::import::values::date(&crate::import::table::Cell::Text(text))?;
                Some(Next::Ask(Purpose::SnoozeReason { alert_id, until }))
            }
            Purpose::SnoozeReason { alert_id, until } => Some(Next::Send(Request::Snooze {
                alert_id,
                until,
                reason: text,
            })),
            _ => Some(Next::Send(self.request(text))),
        }
    }

    /// The request the line becomes.
    fn request(&self, text: String) -> Request {
        match *self {
            Purpose::SnoozeUntil { .. } | Purpose::SnoozeReason { .. } => {
                unreachable!("snoozing is asked in two lines (see next)")
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
            } => Request::OpenIncident {
                patient_id,
                alert_id,
                location: text,
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
            purpose,
            input: Input::default(),
        }
    }
}
