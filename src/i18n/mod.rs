//! The text catalogues: every sentence an operator reads, in Simplified Chinese (default) and
//! English. A message is a `Msg` value; each language renders every variant, so a missing
//! translation is a compile error, not a blank on screen.

mod en;
mod en_ui;
pub mod help_words;
mod lang;
pub mod ui;
mod zh;
mod zh_ui;

pub use lang::Lang;
pub use ui::T;

use crate::domain::alert::{AlertKind, AlertStatus};
use crate::domain::followup::{ClassReason, FollowUpRefusal};
use crate::domain::id_number::IdNumberError;
use crate::domain::patient::Vocabulary;
use crate::domain::team::AssignmentRefusal;
use crate::import::rows::Reason;

impl Lang {
    pub fn text(self, m: &Msg) -> String {
        match self {
            Lang::Zh => zh::text(m),
            Lang::En => en::text(m),
        }
    }

    /// The label of a vocabulary value (diagnosis, status, role…): the Chinese word itself, or
    /// its English name.
    pub fn label<T: Vocabulary>(self, v: T) -> &'static str {
        match self {
            Lang::Zh => v.zh(),
            Lang::En => en::vocabulary(v.code()),
        }
    }

    /// A console label.
    pub fn t(self, t: T) -> &'static str {
        match self {
            Lang::Zh => zh_ui::ui(t),
            Lang::En => en_ui::ui(t),
        }
    }

    pub fn alert_kind(self, k: AlertKind) -> &'static str {
        match self {
            Lang::Zh => zh::alert_kind(k),
            Lang::En => en::alert_kind(k),
        }
    }

    pub fn alert_status(self, s: AlertStatus) -> &'static str {
        match self {
            Lang::Zh => zh::alert_status(s),
            Lang::En => en::alert_status(s),
        }
    }
}

/// Everything the command line says. Views add their own variants as they come.
#[derive(Debug, Clone)]
pub enum Msg {
    ImportSummary {
        file: String,
        rows: usize,
        added: usize,
        updated: usize,
        unchanged: usize,
        persons_created: usize,
        warnings: usize,
    },
    ImportDryRun,
    ImportRefused {
        errors: usize,
        warnings: usize,
    },
    ImportAlerts {
        opened: usize,
        closed: usize,
    },
    ProblemLine {
        row: usize,
        column: String,
        value: String,
        reason: String,
        warning: bool,
    },
    Reason(Reason),
    IdNumber(IdNumberError),
    Assignment(AssignmentRefusal),
    ConfigError {
        path: String,
        line: Option<usize>,
        column: Option<usize>,
        reason: String,
    },
    StoreBusy,
    StoreOpen {
        path: String,
        reason: String,
    },
    StoreTooNew {
        found: usize,
        known: usize,
    },
    StoreOther(String),
    NotFound(String),
    TableUnreadable {
        path: String,
        reason: String,
    },
    TableEmpty {
        path: String,
    },
    TableUnsupported {
        path: String,
    },
    DatabaseCreated {
        path: String,
    },
    DatabaseExists {
        path: String,
    },
    /// `init` registered the first center operator of a new (or operator-less) database.
    FirstOperator {
        path: String,
        login: String,
        created: bool,
    },
    /// `init` was run by a system account without `--admin`.
    AdminNeeded {
        user: String,
    },
    /// `init --admin` on a database that already has operators.
    OperatorsExist {
        path: String,
    },
    DemoBuilt {
        path: String,
        patients: usize,
        alerts: usize,
    },
    DemoExists {
        path: String,
    },
    CheckOk {
        version: usize,
        patients: i64,
        audit_rows: i64,
    },
    CheckProblems {
        version: usize,
        problems: Vec<String>,
    },
    BackupDone {
        path: String,
    },
    BackupExists {
        path: String,
    },
    BadAsOf(String),
    NoAlerts,
    NoPatients,
    AlertHeader,
    PatientHeader,
    DaysOverdue(i64),
    FollowUpRefused(FollowUpRefusal),
    ClassReason(ClassReason),
    UnknownOperator {
        login: String,
    },
    OperatorDisabled {
        login: String,
    },
    ConsoleNeedsTerminal,
    StationRequired,
    NoIncidents,
    BadKeyFile {
        path: String,
        reason: String,
    },
    KeyAdded {
        login: String,
        fingerprint: String,
    },
    ShiftTaken,
    ShiftHandedOver,
    NoHandover,
    NotAllowed {
        login: String,
    },
    ReportWritten {
        path: String,
    },
    BadPeriod,
    RewardDue,
    RewardNotDue,
    RewardReason(crate::report::rewards::RewardDecision),
    RewardTotal {
        month: String,
        guardians: usize,
        yuan: u32,
    },
    StepAlreadyDone {
        step: u8,
        actor: String,
    },
    StepState(crate::domain::incident::StepState),
    IncidentOpened {
        id: i64,
    },
    StepRecorded {
        step: u8,
        state: crate::domain::incident::StepState,
    },
    NoteAdded,
    BadOutcome(String),
    ClosingRefused(crate::domain::incident::ClosingRefusal),
    IncidentClosed {
        id: i64,
    },
    ComplianceHeader {
        from: String,
        to: String,
        incidents: usize,
    },
    ComplianceLine {
        step: usize,
        label: String,
        met: usize,
        counted: usize,
        share: Option<f64>,
        median: Option<f64>,
    },
    OperatorAdded {
        login: String,
    },
    Disabled,
    BadKey {
        action: String,
        key: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::patient::*;
    use crate::domain::team::Role;

    fn all_english<T: Vocabulary>() {
        for v in T::ALL {
            assert_ne!(Lang::En.label(*v), "?", "no English label for {}", v.code());
        }
    }

    #[test]
    fn every_vocabulary_value_has_an_english_label() {
        all_english::<Gender>();
        all_english::<Diagnosis>();
        all_english::<Condition>();
        all_english::<Guardianship>();
        all_english::<Status>();
        all_english::<TreatmentPlace>();
        all_english::<Medication>();
        all_english::<Compliance>();
        all_english::<Role>();
    }

    #[test]
    fn language_names_are_read_loosely() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
