//! What the audit log can say happened: a closed list of actions. Each has a stable code
//! (stored in the database, never shown) and is rendered in words for the operator by the
//! i18n catalogue. The codes of the first release are kept so old rows still read.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumIter, EnumString, IntoStaticStr};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    AsRefStr,
    IntoStaticStr,
    EnumString,
    EnumIter,
)]
pub enum AuditAction {
    #[strum(serialize = "alert.acknowledged")]
    #[serde(rename = "alert.acknowledged")]
    AlertAcknowledged,
    #[strum(serialize = "alert.in_progress")]
    #[serde(rename = "alert.in_progress")]
    AlertInProgress,
    #[strum(serialize = "alert.resolved")]
    #[serde(rename = "alert.resolved")]
    AlertResolved,
    #[strum(serialize = "alert.snoozed")]
    #[serde(rename = "alert.snoozed")]
    AlertSnoozed,
    #[strum(serialize = "alert.report")]
    #[serde(rename = "alert.report")]
    AlertReported,
    /// The system's own reconciliation of derived alerts.
    #[strum(serialize = "alerts.reconcile")]
    #[serde(rename = "alerts.reconcile")]
    AlertsReconciled,
    #[strum(serialize = "team.assign")]
    #[serde(rename = "team.assign")]
    TeamAssigned,
    #[strum(serialize = "team.unassign")]
    #[serde(rename = "team.unassign")]
    TeamUnassigned,
    #[strum(serialize = "person.create")]
    #[serde(rename = "person.create")]
    PersonCreated,
    #[strum(serialize = "place.add")]
    #[serde(rename = "place.add")]
    PlaceAdded,
    #[strum(serialize = "followup.record")]
    #[serde(rename = "followup.record")]
    FollowUpRecorded,
    #[strum(serialize = "patient.reveal")]
    #[serde(rename = "patient.reveal")]
    PatientRevealed,
    #[strum(serialize = "patient.import_add")]
    #[serde(rename = "patient.import_add")]
    PatientImported,
    #[strum(serialize = "patient.import_update")]
    #[serde(rename = "patient.import_update")]
    PatientReimported,
    /// A roster import as a whole (V12): the file kept, the patients it added linked to it.
    #[strum(serialize = "roster.import")]
    #[serde(rename = "roster.import")]
    RosterImported,
    #[strum(serialize = "incident.open")]
    #[serde(rename = "incident.open")]
    IncidentOpened,
    #[strum(serialize = "incident.step")]
    #[serde(rename = "incident.step")]
    IncidentStepDone,
    #[strum(serialize = "incident.note")]
    #[serde(rename = "incident.note")]
    IncidentNoted,
    #[strum(serialize = "incident.close")]
    #[serde(rename = "incident.close")]
    IncidentClosed,
    #[strum(serialize = "shift.take_over")]
    #[serde(rename = "shift.take_over")]
    ShiftTakenOver,
    #[strum(serialize = "shift.hand_over")]
    #[serde(rename = "shift.hand_over")]
    ShiftHandedOver,
    #[strum(serialize = "operator.add")]
    #[serde(rename = "operator.add")]
    OperatorAdded,
    #[strum(serialize = "operator.disable")]
    #[serde(rename = "operator.disable")]
    OperatorDisabled,
    #[strum(serialize = "operator.enable")]
    #[serde(rename = "operator.enable")]
    OperatorEnabled,
    #[strum(serialize = "key.add")]
    #[serde(rename = "key.add")]
    KeyAdded,
    #[strum(serialize = "key.remove")]
    #[serde(rename = "key.remove")]
    KeyRemoved,
    #[strum(serialize = "control.set")]
    #[serde(rename = "control.set")]
    ControlSet,
    #[strum(serialize = "control.end")]
    #[serde(rename = "control.end")]
    ControlEnded,
    #[strum(serialize = "report.export")]
    #[serde(rename = "report.export")]
    ReportExported,
    #[strum(serialize = "database.restore")]
    #[serde(rename = "database.restore")]
    DatabaseRestored,
    #[strum(serialize = "incident.step_skip")]
    #[serde(rename = "incident.step_skip")]
    IncidentStepSkipped,
    #[strum(serialize = "incident.step_correct")]
    #[serde(rename = "incident.step_correct")]
    IncidentStepCorrected,
    /// The phones of an incident's patient's five responsible persons were shown.
    #[strum(serialize = "incident.team_reveal")]
    #[serde(rename = "incident.team_reveal")]
    IncidentTeamRevealed,
    /// A second follow-up on the same day replaced the first (*r2*); the row holds both.
    #[strum(serialize = "followup.correct")]
    #[serde(rename = "followup.correct")]
    FollowUpCorrected,
}

impl AuditAction {
    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<AuditAction> {
        code.parse().ok()
    }

    /// Whether the system did it by itself (not an operator's action).
    pub fn is_system(self) -> bool {
        matches!(self, AuditAction::AlertsReconciled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_audit_action_code_reads_back_as_itself() {
        for a in AuditAction::iter() {
            assert_eq!(AuditAction::from_code(a.code()), Some(a), "{a:?}");
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.code()));
        }
    }

    #[test]
    fn first_release_codes_still_read() {
        for code in [
            "alert.acknowledged",
            "alert.in_progress",
            "alert.resolved",
            "alert.report",
            "alerts.reconcile",
            "team.assign",
            "team.unassign",
            "person.create",
            "followup.record",
            "patient.reveal",
            "patient.import_add",
            "patient.import_update",
            "incident.open",
            "incident.step",
            "incident.note",
            "incident.close",
            "shift.take_over",
            "shift.hand_over",
            "operator.add",
            "operator.disable",
            "key.add",
            "control.set",
            "report.export",
        ] {
            assert!(AuditAction::from_code(code).is_some(), "{code}");
        }
    }
}
