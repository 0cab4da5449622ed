//! The text catalogues: every sentence an operator reads, in Simplified Chinese (default) and
//! English. A message is a `Msg` value; each language renders every variant, so a missing
//! translation is a compile error, not a blank on screen.

pub mod audit;
mod en;
mod en_desk;
mod en_ui;
pub mod help_words;
mod lang;
pub mod ui;
mod zh;
mod zh_desk;
mod zh_ui;

pub use lang::Lang;
pub use ui::T;

use crate::domain::alert::{AlertKind, AlertStatus};
use crate::domain::followup::{ClassReason, FollowUpRefusal};
use crate::domain::id_number::IdNumberError;
use crate::domain::patient::Vocabulary;
use crate::domain::team::AssignmentRefusal;
use crate::import::rows::Reason;

// The SSH server's sentences, in their own catalogue.
mod en_ssh;
pub mod ssh;
mod zh_ssh;
pub use ssh::SshText;

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

    /// Why an action of the one-door API did not happen.
    pub fn desk_error(self, e: &crate::desk::DeskError) -> String {
        match self {
            Lang::Zh => zh_desk::error(e),
            Lang::En => en_desk::error(e),
        }
    }

    /// An audit row as one sentence with names: "王江 签收了 陈德红 的 病情不稳定 预警".
    pub fn audit_sentence(self, e: &crate::store::audit::AuditEntry) -> String {
        let said = audit::said(e);
        match self {
            Lang::Zh => zh_desk::sentence(&said),
            Lang::En => en_desk::sentence(&said),
        }
    }

    /// What an audit row changed, one line a field: "危险性：1级 → 3级".
    pub fn audit_changes(self, e: &crate::store::audit::AuditEntry) -> Vec<String> {
        audit::changes(e)
            .iter()
            .map(|c| match self {
                Lang::Zh => zh_desk::change(c),
                Lang::En => en_desk::change(c),
            })
            .collect()
    }

    /// One step of a patient's history in words: "危险性：1级 → 3级", "状态：在管 → 外出".
    pub fn history_change(
        self,
        field: crate::domain::history::HistoryField,
        before: Option<&str>,
        after: &str,
    ) -> String {
        use crate::domain::history::HistoryField;
        use serde_json::Value;
        let (code, as_value): (&str, fn(&str) -> Option<Value>) = match field {
            // Risk is a number, said as a level ("3级").
            HistoryField::Risk => ("risk_level", |v| v.parse::<u64>().ok().map(Value::from)),
            f => (f.code(), |v| {
                (!v.is_empty()).then(|| Value::String(v.to_string()))
            }),
        };
        let c = audit::Change {
            field: code.to_string(),
            before: before.and_then(as_value),
            after: as_value(after),
        };
        match self {
            Lang::Zh => zh_desk::change(&c),
            Lang::En => en_desk::change(&c),
        }
    }

    /// The name of an audited action, for counts ("记录随访 3").
    pub fn audit_action(self, a: crate::domain::audit::AuditAction) -> &'static str {
        match self {
            Lang::Zh => zh_desk::action(a),
            Lang::En => en_desk::action(a),
        }
    }

    /// A code (role, kind, outcome, report…) in words.
    pub fn code_label(self, code: &str) -> String {
        match self {
            Lang::Zh => zh_desk::label(code),
            Lang::En => en_desk::label(code),
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
        file: String,
        rows: usize,
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
    /// A wall-clock time the operator typed that could not be read.
    BadTime(String),
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
    NoFollowups,
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
    RewardReason(crate::domain::reward::RewardDecision),
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
    OperatorEnabled {
        login: String,
    },
    KeyRemoved {
        fingerprint: String,
    },
    AuditTriggerMissing {
        name: String,
    },
    AuditChainBroken {
        row: i64,
    },
    /// No kept roster's SHA-256 starts with `sha` (or more than one does).
    RosterNotKept {
        sha: String,
    },
    /// No import has kept a roster yet.
    NoKeptRosters,
    KeptRosterRows {
        rows: i64,
        added: i64,
        updated: i64,
        unchanged: i64,
    },
    AuditChainOk {
        rows: u64,
        rosters: u64,
    },
    AuditHead {
        row: i64,
        hash: String,
    },
    DrillMade {
        path: String,
    },
    ConfirmReplace {
        old: String,
        new: String,
        patient: String,
        role: String,
    },
    ConfirmUnassign {
        person: String,
        patient: String,
        role: String,
    },
    BadRole(String),
    NoSuchPerson(String),
    AmbiguousPerson(String),
    WorkloadWarning {
        person: String,
        after: u32,
        threshold: u32,
    },
    RoleEmpty(String),
    FlagRequired(String),
    RiskLevel(u8),
    PersonAdded {
        name: String,
        kind: String,
    },
    PlaceAdded {
        kind: String,
        name: String,
    },
    ControlSet {
        id: i64,
        level: u8,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    ControlEnded {
        id: i64,
    },
    ControlLine {
        id: i64,
        level: u8,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        /// Townships and stations named; empty for the whole area.
        area: String,
        reason: String,
        in_force: bool,
        ended: bool,
    },
    Disabled,
    BadKey {
        action: String,
        key: String,
    },
    // Files written out (exports, handovers, backups): see `crate::files`.
    OutputExists {
        path: String,
    },
    /// Said after `OutputExists` where the command takes `--force`.
    ForceHint,
    OutputSymlink {
        path: String,
    },
    OutputDatabase {
        path: String,
    },
    OutputNotRegular {
        path: String,
    },
    OutputFailed {
        path: String,
        reason: String,
    },
    /// A roster file refused as a whole (see `crate::import::table`).
    Table(crate::import::table::TableError),
    ProblemsOmitted {
        count: usize,
    },
    // Backup and restore: see `crate::store::backup`.
    CopyVerified {
        path: String,
        version: usize,
        patients: i64,
        audit_rows: i64,
    },
    CopyNotDatabase {
        path: String,
    },
    CopySameFile {
        path: String,
    },
    CopyUnsound {
        path: String,
        problems: Vec<String>,
    },
    CopyInUse {
        path: String,
    },
    RestoreDone {
        path: String,
        kept: Option<String>,
    },
    /// The embedded SSH server's messages.
    Ssh(SshText),
    StepSkipped {
        step: u8,
    },
    StepCorrected {
        step: u8,
        actor: String,
        at: String,
    },
    /// One of the five persons, as `incident team` prints them.
    TeamSeat {
        role: String,
        name: String,
        phone: String,
    },
    TeamSeatEmpty {
        role: String,
    },
    /// `--symptom` named a word that is not on the national list: the word, then the list.
    UnknownSymptom(String, String),
}

impl Msg {
    /// Why an export, handover or backup file was not written.
    pub fn file_refused(e: &crate::files::FileError) -> Msg {
        use crate::files::FileError;
        let path = e.path().display().to_string();
        match e {
            FileError::Exists(_) => Msg::OutputExists { path },
            FileError::Symlink(_) => Msg::OutputSymlink { path },
            FileError::Database(_) => Msg::OutputDatabase { path },
            FileError::NotRegular(_) => Msg::OutputNotRegular { path },
            FileError::Io { source, .. } => Msg::OutputFailed {
                path,
                reason: source.to_string(),
            },
            FileError::Write { reason, .. } => Msg::OutputFailed {
                path,
                reason: reason.clone(),
            },
        }
    }
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
        all_english::<crate::domain::followup::TreatmentEffect>();
        all_english::<crate::domain::followup::LockUp>();
        all_english::<crate::domain::followup::HospitalStay>();
        all_english::<crate::domain::followup::Symptom>();
    }

    #[test]
    fn language_names_are_read_loosely() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
