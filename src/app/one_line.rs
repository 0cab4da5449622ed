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
}

impl Purpose {
    pub fn title(&self) -> T {
        match self {
            Purpose::Resolve { .. } => T::ResolveTitle,
            Purpose::Report { .. } => T::ReportTitle,
            Purpose::OpenIncident { .. } => T::OpenIncidentTitle,
            Purpose::StepActor { .. } => T::StepActorTitle,
            Purpose::IncidentNote { .. } => T::NoteTitle,
        }
    }

    /// The label before the line.
    pub fn label(&self) -> T {
        match self {
            Purpose::OpenIncident { .. } => T::Location,
            Purpose::StepActor { .. } => T::StepActorTitle,
            _ => T::Note,
        }
    }

    /// The request the line becomes.
    pub fn request(&self, text: String) -> Request {
        match *self {
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
