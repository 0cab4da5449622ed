//! Everything an operator can ask for with a key, as a closed list with kebab-case names that
//! the configuration file binds keys to; and the other events `update` takes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tui_input::InputRequest;

use super::data::{PatientDetail, Snapshot};
use crate::domain::alert::Severity;
use crate::domain::followup::FollowUp;
use crate::domain::incident::Closing;
use crate::domain::patient::Jurisdiction;
use crate::domain::team::Role;
use crate::i18n::T;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Quit,
    Help,
    NextView,
    PrevView,
    ShowAlerts,
    ShowPatients,
    ShowIncidents,
    ShowPersons,
    ShowReports,
    ShowAudit,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Filter,
    Open,
    Back,
    Acknowledge,
    InProgress,
    Resolve,
    Report,
    Reveal,
    Assign,
    Unassign,
    FollowUp,
    QuickFilter,
    Sort,
    Suspend,
    OpenIncident,
    Note,
    CloseIncident,
    Export,
    Shift,
}

impl Action {
    pub const ALL: [Action; 35] = [
        Action::Quit,
        Action::Help,
        Action::NextView,
        Action::PrevView,
        Action::ShowAlerts,
        Action::ShowPatients,
        Action::ShowIncidents,
        Action::ShowPersons,
        Action::ShowReports,
        Action::ShowAudit,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Home,
        Action::End,
        Action::Filter,
        Action::Open,
        Action::Back,
        Action::Acknowledge,
        Action::InProgress,
        Action::Resolve,
        Action::Report,
        Action::Reveal,
        Action::Assign,
        Action::Unassign,
        Action::FollowUp,
        Action::QuickFilter,
        Action::Sort,
        Action::Suspend,
        Action::OpenIncident,
        Action::Note,
        Action::CloseIncident,
        Action::Export,
        Action::Shift,
    ];

    /// What the footer and help call it.
    pub fn label(self) -> T {
        match self {
            Action::Quit => T::KeyQuit,
            Action::Help => T::KeyHelp,
            Action::NextView | Action::PrevView => T::KeySwitch,
            Action::ShowAlerts => T::TabAlerts,
            Action::ShowPatients => T::TabPatients,
            Action::ShowIncidents => T::TabIncidents,
            Action::ShowPersons => T::TabPersons,
            Action::ShowReports => T::TabReports,
            Action::ShowAudit => T::TabAudit,
            Action::Up | Action::Down | Action::Home | Action::End => T::KeyMove,
            Action::PageUp | Action::PageDown => T::KeyScroll,
            Action::Filter => T::KeyFilter,
            Action::Open => T::KeyOpen,
            Action::Back => T::KeyBack,
            Action::Acknowledge => T::KeyAck,
            Action::InProgress => T::KeyProgress,
            Action::Resolve => T::KeyResolve,
            Action::Report => T::KeyReport,
            Action::Reveal => T::KeyReveal,
            Action::Assign => T::KeyAssign,
            Action::Unassign => T::KeyUnassign,
            Action::FollowUp => T::KeyFollowUp,
            Action::QuickFilter => T::KeyQuick,
            Action::Sort => T::KeySort,
            Action::Suspend => T::KeyQuit,
            Action::OpenIncident => T::KeyOpenIncident,
            Action::Note => T::KeyNote,
            Action::CloseIncident => T::KeyClose,
            Action::Export => T::KeyExport,
            Action::Shift => T::KeyShift,
        }
    }
}

/// What the console asks the store thread to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Reload,
    OpenDetail(i64),
    CloseDetail,
    Reveal(i64),
    Acknowledge(i64),
    InProgress(i64),
    Resolve(i64, String),
    Report {
        patient_id: i64,
        severity: Severity,
        note: String,
    },
    /// `replacing`: who held the role when the operator chose (they confirmed replacing
    /// them); the store refuses if that is no longer so.
    Assign {
        patient_id: i64,
        role: Role,
        person_id: i64,
        replacing: Option<i64>,
    },
    CreateAndAssign {
        patient_id: i64,
        role: Role,
        name: String,
        phone: String,
        unit: String,
        jurisdiction: Jurisdiction,
        replacing: Option<i64>,
    },
    Unassign {
        patient_id: i64,
        role: Role,
        person_id: i64,
    },
    FollowUp {
        patient_id: i64,
        followup: Box<FollowUp>,
    },
    OpenIncident {
        patient_id: Option<i64>,
        alert_id: Option<i64>,
        location: String,
    },
    MarkStep {
        incident_id: i64,
        step: u8,
        actor: String,
    },
    IncidentNote {
        incident_id: i64,
        text: String,
    },
    CloseIncident {
        incident_id: i64,
        closing: Box<Closing>,
        resolve_alert: bool,
    },
    /// Start (or stop) sending the reports view's figures with every reload.
    WatchReport(bool),
    /// Write the reports view's figures to files in the data directory.
    ExportReport,
    TakeOver,
    HandOver(String),
}

/// What the store thread answers.
#[derive(Debug, Clone)]
pub enum Reply {
    Snapshot(Box<Snapshot>),
    Detail(Box<PatientDetail>),
    /// A write succeeded; the label says what was done.
    Done(T),
    /// An incident was opened; the console shows it.
    IncidentOpened(i64),
    Report(Box<super::data::ReportData>),
    /// A handover to show: the last one when taking over (if any), or the one just left.
    Handover {
        taking_over: bool,
        handover: Option<Box<crate::store::shifts::Handover>>,
    },
    /// A sentence to show as done (a file written, with its path).
    Info(String),
    /// A write was refused or failed; the sentence is in the operator's language.
    Failed(String),
    /// The console must end (its operator was disabled); the sentence says why.
    Ended(String),
}

/// Everything `update` takes.
#[derive(Debug, Clone)]
pub enum Event {
    Action(Action),
    /// Editing the focused text field.
    Text(InputRequest),
    /// A plain character where a dialog chooses (a digit, y/n).
    Char(char),
    Submit,
    Cancel,
    FieldUp,
    FieldDown,
    ValueLeft,
    ValueRight,
    Tick(DateTime<Utc>),
    Resize {
        width: u16,
        height: u16,
    },
    Click {
        column: u16,
        row: u16,
    },
    Store(Reply),
}

/// What `update` asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Request(Request),
    Bell,
    Quit,
    Suspend,
}

/// How the runtime should read keys right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMode {
    /// Keys are actions from the key map.
    Normal,
    /// Keys edit a text field; Enter submits, Esc cancels, ↑↓ move between fields.
    Text,
    /// Keys choose: digits or y/n; Esc cancels.
    Choice,
    /// A form: ↑↓ fields, ←→ change a choice field, typing edits a text field.
    Form { on_choice: bool },
}
