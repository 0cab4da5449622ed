//! Why an action did not happen, as values the catalogue renders in the operator's language.
//! A refusal always leaves the database as it was: the transaction is rolled back.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::alert::{AlertKind, AlertStatus};
use crate::domain::followup::FollowUpRefusal;
use crate::domain::incident::ClosingRefusal;
use crate::domain::team::{AssignmentRefusal, PersonKind, Role};
use crate::store::StoreError;
use crate::store::places::PlaceKind;

/// What was looked for and not found (or is outside the operator's jurisdiction, which reads
/// the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thing {
    Patient(i64),
    PatientIdNumber(String),
    Alert(i64),
    Incident(i64),
    Step { incident: i64, step: u8 },
    Person(i64),
    PersonNamed(String),
    Operator(String),
    Key(String),
    Shift,
    ControlOrder(i64),
}

/// Somebody else acted first; says who, when and what the thing is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The alert had already moved on.
    Alert {
        status: AlertStatus,
        by: String,
        at: Option<DateTime<Utc>>,
    },
    /// The step had already been recorded.
    Step {
        step: u8,
        actor: String,
        recorded_by: String,
    },
    /// The role's holder is not the one the operator saw.
    Assignment {
        role: Role,
        holder: Option<String>,
        by: String,
    },
    IncidentClosed {
        by: String,
    },
    AlreadyOnShift,
    NotOnShift,
    /// The step had already been marked skipped.
    StepSkipped {
        step: u8,
        reason: String,
        by: String,
    },
    /// The step's entry is no longer what the operator saw (someone corrected it).
    StepChanged {
        step: u8,
        actor: String,
        by: String,
    },
}

/// A rule said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Assignment(AssignmentRefusal),
    /// A person of one kind cannot fill a role of another (an officer as the doctor).
    PersonKind {
        person: String,
        kind: PersonKind,
        role: Role,
    },
    /// The role is held by someone else: replacing them must be confirmed.
    ReplaceUnconfirmed {
        role: Role,
        holder: String,
    },
    FollowUp(FollowUpRefusal),
    /// The day already has a follow-up: a second one corrects it and must be asked for.
    SameDayFollowUp {
        date: NaiveDate,
    },
    Closing(ClosingRefusal),
    /// A station or township that is not in the register.
    UnknownPlace {
        kind: PlaceKind,
        name: String,
    },
    PlaceExists {
        kind: PlaceKind,
        name: String,
    },
    AlertTransition {
        from: AlertStatus,
        to: AlertStatus,
    },
    /// A derived alert cannot be resolved while what raised it still holds.
    ConditionHolds {
        kind: AlertKind,
    },
    /// Only 失访 and 拒访 alerts are resolved by a written report.
    NoWrittenReport {
        kind: AlertKind,
    },
    /// A written report cannot be dated after now.
    WrittenReportLater,
    SnoozeNotAfterToday {
        until: NaiveDate,
    },
    IncidentClosed,
    /// A step cannot be dated before the incident was opened.
    StepBeforeOpening,
    /// Text that must be given was empty (a location, who acted, a note, a reason).
    Missing(Field),
    OperatorExists(String),
    StationRequired,
    PersonExists {
        name: String,
        phone: String,
    },
    /// `--as-of` on a write: only a drill database takes one.
    AsOfOnLiveDatabase,
    /// An operator cannot disable themselves (the desk would lock itself out mid-shift).
    SelfDisable,
    Control(crate::domain::control::ControlRefusal),
    /// The control order had already ended.
    ControlEnded,
    /// Steps are recorded in order: an earlier one is neither done nor skipped.
    StepOutOfOrder {
        step: u8,
        earlier: u8,
    },
    /// Only a step that was recorded can be corrected.
    StepNotRecorded {
        step: u8,
    },
    /// A corrected time cannot be later than now or than the closing.
    StepAfterNow,
    /// An incident of an unknown person has no five responsible persons.
    NoTeam,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Location,
    Actor,
    Note,
    Reason,
    Name,
    DisplayName,
    /// The station of an unknown person's location.
    Station,
    /// To whom a 失访/拒访 episode was reported in writing.
    ReportedTo,
}

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("operator {login} is not registered")]
    UnknownOperator { login: String },
    #[error("operator {login} is disabled")]
    Disabled { login: String },
    #[error("operator {login} may not do this")]
    NotAllowed { login: String },
    #[error("not found: {0:?}")]
    NotFound(Thing),
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        DeskError::Store(e)
    }
}

impl From<rusqlite::Error> for DeskError {
    fn from(e: rusqlite::Error) -> Self {
        DeskError::Store(e.into())
    }
}

impl DeskError {
    /// True when the action was refused before anything was written because of who asked
    /// (role, registration, disabled), as opposed to a rule or a conflict.
    pub fn is_permission(&self) -> bool {
        matches!(
            self,
            DeskError::UnknownOperator { .. }
                | DeskError::Disabled { .. }
                | DeskError::NotAllowed { .. }
        )
    }
}
