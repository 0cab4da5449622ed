//! Audited reads: revealing a patient's full ID number and phone (or the team's phones during
//! a response), and exporting a report. Auditors may do these; each leaves an audit row.

use serde_json::json;

use super::{Desk, DeskError, Need, Refusal, Result, Thing};
use crate::domain::audit::AuditAction;
use crate::store::audit::AuditEvent;

/// What was exported, for the audit row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Stats,
    Exchange,
    Rewards,
    Handover,
    Compliance,
    ConsoleReport,
    /// A roster an import kept for its audit, written out again.
    KeptRoster,
}

impl ExportKind {
    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Stats => "stats",
            ExportKind::Exchange => "exchange",
            ExportKind::Rewards => "rewards",
            ExportKind::Handover => "handover",
            ExportKind::Compliance => "quick_response",
            ExportKind::ConsoleReport => "console_report",
            ExportKind::KeptRoster => "kept_roster",
        }
    }
}

impl Desk<'_> {
    /// Records that the operator looked at a patient's full ID number and phone, and the phones
    /// of the five responsible persons.
    pub fn reveal(&mut self, patient_id: i64) -> Result<()> {
        self.act(Need::Read, |act| {
            let p = act.patient(patient_id)?;
            act.audit(
                AuditEvent::new(AuditAction::PatientRevealed, "patient", patient_id)
                    .patient(patient_id, &p.jurisdiction.station),
            )?;
            Ok(())
        })
    }

    /// Shows the phones of the five responsible persons of an incident's patient, during a
    /// response: one audited action naming the patient and the incident. Returns the team
    /// with full phones.
    pub fn reveal_incident_team(
        &mut self,
        incident_id: i64,
    ) -> Result<Vec<crate::store::persons::TeamMember>> {
        self.act(Need::Read, |act| {
            let incident = crate::store::incidents::load_in(act.tx, incident_id, &act.scope)?
                .ok_or(DeskError::NotFound(Thing::Incident(incident_id)))?;
            let patient_id = incident
                .patient_id
                .ok_or(DeskError::Refused(Refusal::NoTeam))?;
            let p = act.patient(patient_id)?;
            let team = crate::store::persons::team_in(act.tx, patient_id, &act.scope)?;
            let names: Vec<String> = team.iter().map(|m| m.person.name.clone()).collect();
            act.audit(
                AuditEvent::new(AuditAction::IncidentTeamRevealed, "incident", incident_id)
                    .patient(patient_id, &p.jurisdiction.station)
                    .after(json!({"persons": names})),
            )?;
            Ok(team)
        })
    }

    /// Records an export: which report, how many rows, whether ID numbers and phones were
    /// written in full, and where. Returns the audit log's head (id, hash) for the file.
    pub fn record_export(
        &mut self,
        kind: ExportKind,
        rows: usize,
        unmasked: bool,
        path: Option<&str>,
    ) -> Result<(i64, String)> {
        self.act(Need::Read, |act| {
            let station = act.scope.station().map(str::to_string);
            let id = act.audit(
                AuditEvent::new(AuditAction::ReportExported, "report", kind.code())
                    .station(station.as_deref())
                    .after(json!({
                        "report": kind.code(), "rows": rows, "unmasked": unmasked, "file": path,
                    })),
            )?;
            let (_, hash) = crate::store::audit::head_in_tx(act.tx)?;
            Ok((id, hash))
        })
    }
}
