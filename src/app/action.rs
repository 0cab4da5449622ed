//! Everything an operator can ask for with a key, as a closed list with kebab-case names that
//! the configuration file binds keys to; and the other events `update` takes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tui_input::InputRequest;

use super::data::{Delta, PatientDetail, Snapshot};
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
    Snooze,
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
    /// On the reports view, for the center: set a control level (管控) / end one.
    SetControl,
    EndControl,
    /// On the incident screen: record who acted for step n of the quick response.
    Step1,
    Step2,
    Step3,
    Step4,
    Step5,
    Step6,
    /// On the incident screen: mark the first step not yet done as skipped, with a reason.
    SkipStep,
    /// On the incident screen: correct a recorded step's actor or time.
    CorrectStep,
    /// From the incident screen to its patient's record (Esc comes back).
    GoToPatient,
    /// Read the last message whole, in a popup (a long one is cut on the status line).
    LastMessage,
}

impl Action {
    pub const ALL: [Action; 48] = [
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
        Action::Snooze,
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
        Action::SetControl,
        Action::EndControl,
        Action::Step1,
        Action::Step2,
        Action::Step3,
        Action::Step4,
        Action::Step5,
        Action::Step6,
        Action::SkipStep,
        Action::CorrectStep,
        Action::GoToPatient,
        Action::LastMessage,
    ];

    /// The quick-response step an action records, if it is one.
    pub fn step(self) -> Option<u8> {
        Some(match self {
            Action::Step1 => 1,
            Action::Step2 => 2,
            Action::Step3 => 3,
            Action::Step4 => 4,
            Action::Step5 => 5,
            Action::Step6 => 6,
            _ => return None,
        })
    }

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
            Action::Snooze => T::KeySnooze,
            Action::Report => T::KeyReport,
            Action::Reveal => T::KeyReveal,
            Action::Assign => T::KeyAssign,
            Action::Unassign => T::KeyUnassign,
            Action::FollowUp => T::KeyFollowUp,
            Action::QuickFilter => T::KeyQuick,
            Action::Sort => T::KeySort,
            Action::Suspend => T::KeySuspend,
            Action::OpenIncident => T::KeyOpenIncident,
            Action::Note => T::KeyNote,
            Action::CloseIncident => T::KeyClose,
            Action::Export => T::KeyExport,
            Action::Shift => T::KeyShift,
            Action::SetControl => T::KeySetControl,
            Action::EndControl => T::KeyEndControl,
            Action::Step1
            | Action::Step2
            | Action::Step3
            | Action::Step4
            | Action::Step5
            | Action::Step6 => T::KeyStep,
            Action::SkipStep => T::KeySkipStep,
            Action::CorrectStep => T::KeyCorrectStep,
            Action::GoToPatient => T::KeyGoToPatient,
            Action::LastMessage => T::KeyLastMessage,
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
    /// A control level (管控) for a window, set by the center.
    SetControl(Box<crate::desk::control::NewControl>),
    /// End a control order early.
    EndControl(i64),
    /// Resolve a 失访/拒访 alert by its written report: to whom, when.
    ResolveWithReport {
        alert_id: i64,
        to: String,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// Silence an alert until a day (inclusive) with a reason.
    Snooze {
        alert_id: i64,
        until: chrono::NaiveDate,
        reason: String,
    },
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
        /// The day already has a follow-up and the operator confirmed replacing it.
        correct: bool,
    },
    OpenIncident {
        patient_id: Option<i64>,
        alert_id: Option<i64>,
        location: String,
        /// The station of an unknown person's incident, named by the center.
        station: Option<String>,
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
    /// Start (or stop) sending the persons directory: loaded only while a screen or dialog
    /// that reads it is open.
    WatchPersons(bool),
    /// Write the reports view's figures to files in the data directory.
    ExportReport,
    TakeOver,
    HandOver(String),
    /// Before asking for a resolving note: can this alert be resolved now?
    CheckResolvable(i64),
    /// Keep sending the team of the incident on screen (or stop).
    WatchIncident(Option<i64>),
    /// Show the phones of the incident's patient's five persons (audited).
    RevealTeam(i64),
    SkipStep {
        incident_id: i64,
        step: u8,
        reason: String,
    },
    /// `seen`: the entry as the operator saw it; the store refuses if it changed meanwhile.
    CorrectStep {
        incident_id: i64,
        step: u8,
        seen: (String, DateTime<Utc>),
        actor: String,
        done_at: DateTime<Utc>,
    },
}

/// What the store thread answers.
#[derive(Debug, Clone)]
pub enum Reply {
    Snapshot(Box<Snapshot>),
    /// What changed since the last snapshot or delta, applied in place.
    Delta(Box<Delta>),
    Detail(Box<PatientDetail>),
    /// A write succeeded; the label says what was done.
    Done(T),
    /// An incident was opened; the console shows it.
    IncidentOpened(i64),
    Report(Box<super::data::ReportData>),
    /// The persons directory, as asked for by `WatchPersons(true)`.
    Persons(Box<Vec<super::data::PersonRow>>),
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
    /// The alert can be resolved: ask for the note.
    Resolvable(i64),
    /// The team of the incident on screen.
    IncidentTeam(Box<super::incident_team::IncidentTeam>),
}

/// Everything `update` takes.
#[derive(Debug, Clone)]
pub enum Event {
    /// A command of the current screen, from the key map.
    Action(Action),
    /// A key with a fixed meaning in a dialog, form, filter or popup.
    Edit(Edit),
    /// Editing the focused one-line field.
    Text(InputRequest),
    /// A key for the multi-line editor.
    Editor(ratatui_textarea::Input),
    /// A plain character where a dialog chooses (a digit, y/n).
    Char(char),
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

/// The fixed keys of dialogs, forms, the filter line and text popups, by what they mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Enter where Enter sends (a one-line field, a confirmation).
    Submit,
    /// Esc: close the dialog without doing anything.
    Cancel,
    /// Ctrl-S: a form or the editor asks to save (a form shows its summary first).
    Save,
    /// Previous / next field, or one line up / down in a text popup.
    Up,
    Down,
    /// Change the focused choice.
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    /// A key that ticks item n of a form's checklist (the close form's 三同步).
    Toggle(u8),
    /// In the person picker: create a new person instead of picking one.
    New,
}

/// What `update` asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Request(Request),
    Bell,
    Quit,
    Suspend,
}

/// The kind of screen under any overlays, which decides what the command keys mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreenKind {
    List(super::state::View),
    Detail,
    Incident,
}

/// Which form is open, for its own keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormKind {
    FollowUp,
    Close,
    Control,
    /// A form's person row (随访人, joint visitors, the guidance doctor): typing filters the
    /// directory, ←→ move among the matches, Enter takes one.
    Person,
}

/// How the runtime should read keys right now; derived from the top layer in one place
/// (`AppState::input_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputMode {
    /// Keys are the screen's commands from the key map.
    Normal(ScreenKind),
    /// Keys edit a one-line field; Enter sends, Esc cancels, ↑↓ move the list or the field.
    Text,
    /// The one-line dialog: keys edit its line; Enter sends, Esc cancels.
    Line,
    /// The person picker: typing searches, ↑↓ pick, Enter chooses, Ctrl-N creates one.
    Picker,
    /// The multi-line editor: Enter is a new line, Ctrl-S sends, Esc cancels.
    Editor,
    /// Keys choose: digits or y/n; Esc cancels.
    Choice,
    /// A form: ↑↓/Tab/Enter move between fields, ←→/Space change a choice, typing edits a
    /// text field, Ctrl-S asks to save. Enter never saves.
    Form { kind: FormKind, on_choice: bool },
    /// A form's summary before saving: Enter or y saves, Esc or n goes back to the form.
    Confirm,
    /// A popup of text to read: scroll keys move, Esc/Enter/q close.
    Read,
    /// Help: typing searches, ↑↓ PgUp PgDn scroll, Esc closes.
    Help,
    /// Picking who acted: typing filters the persons, ↑↓ pick, Enter takes the one picked
    /// (or the name as typed), Esc cancels.
    Actor,
}
