//! The 1-3-5 quick response: opening an incident (from an alert, for a patient, or for an
//! unknown person at a station's location), recording steps, notes, closing. The first desk
//! to record a step wins; a second is told who did it. A step is never dated before the
//! incident was opened.

use serde_json::json;

use super::error::Field;
use super::{Act, Conflict, Desk, DeskError, Need, Refusal, Result, Thing};
use crate::domain::audit::AuditAction;
use crate::domain::incident::{Closing, check_closing};
use crate::store::audit::AuditEvent;
use crate::store::incidents::{self as stored, IncidentRow, NewIncident, StepRow};
use crate::store::places::{self, PlaceKind};

/// Where an incident is opened from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// An alert: its patient, and the alert moves to in progress, linked.
    Alert(i64),
    Patient(i64),
    /// An unknown person, at a location in this station's jurisdiction (a station desk's own
    /// when `None`; the center names one so that desk sees it).
    Unknown {
        station: Option<String>,
    },
}

impl Desk<'_> {
    pub fn open_incident(
        &mut self,
        subject: &Subject,
        location: &str,
        description: &str,
    ) -> Result<i64> {
        let location = location.trim().to_string();
        if location.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(Field::Location)));
        }
        let description = description.trim().to_string();
        self.act(Need::Write, |act| {
            let (patient_id, alert_id, station) = match subject {
                Subject::Alert(aid) => {
                    let a = crate::store::alerts::load_in(act.tx, *aid)?
                        .filter(|a| act.scope.admits_station(&a.station))
                        .ok_or(DeskError::NotFound(Thing::Alert(*aid)))?;
                    (Some(a.patient_id), Some(*aid), Some(a.station))
                }
                Subject::Patient(pid) => {
                    let p = act.patient(*pid)?;
                    (Some(*pid), None, Some(p.jurisdiction.station))
                }
                Subject::Unknown { station } => (None, None, unknown_station(act, station)?),
            };
            let login = act.operator.login.clone();
            let qr = act.config.quick_response.clone();
            let new = NewIncident {
                patient_id,
                alert_id,
                station: station.as_deref(),
                location: &location,
                description: &description,
            };
            let id = stored::insert_in(act.tx, &new, &login, &qr, act.now)?;
            if let Some(aid) = alert_id {
                stored::link_alert_in(act.tx, aid, id, &login, act.now)?;
            }
            let mut event = AuditEvent::new(AuditAction::IncidentOpened, "incident", id)
                .station(station.as_deref())
                .after(json!({
                    "alert_id": alert_id, "location": location, "description": description,
                    "station": station,
                }));
            event.patient_id = patient_id;
            act.audit(event)?;
            Ok(id)
        })
    }

    /// Records that step `step` was done now by `actor`.
    pub fn mark_step(&mut self, incident_id: i64, step: u8, actor: &str) -> Result<StepRow> {
        let actor = actor.trim().to_string();
        if actor.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(Field::Actor)));
        }
        self.act(Need::Write, |act| {
            let incident = open_incident_in_scope(act, incident_id)?;
            let current =
                incident
                    .steps
                    .iter()
                    .find(|s| s.step == step)
                    .ok_or(DeskError::NotFound(Thing::Step {
                        incident: incident_id,
                        step,
                    }))?;
            if act.now < incident.opened_at {
                return Err(DeskError::Refused(Refusal::StepBeforeOpening));
            }
            if let (Some(done_by), Some(recorded_by)) = (&current.actor, &current.recorded_by) {
                return Err(DeskError::Conflict(Conflict::Step {
                    step,
                    actor: done_by.clone(),
                    recorded_by: super::alerts::display_name(act, recorded_by),
                }));
            }
            let login = act.operator.login.clone();
            stored::mark_step_in(act.tx, incident_id, step, &actor, &login, act.now)?;
            act.audit(
                incident_event(AuditAction::IncidentStepDone, &incident).after(json!({
                    "step": step, "label": current.label_zh, "actor": actor,
                })),
            )?;
            let after = stored::load_in(act.tx, incident_id, &act.scope)?
                .ok_or(DeskError::NotFound(Thing::Incident(incident_id)))?;
            Ok(after
                .steps
                .into_iter()
                .find(|s| s.step == step)
                .expect("the step exists"))
        })
    }

    pub fn add_incident_note(&mut self, incident_id: i64, text: &str) -> Result<()> {
        let text = text.trim().to_string();
        if text.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(Field::Note)));
        }
        self.act(Need::Write, |act| {
            let incident = incident_in_scope(act, incident_id)?;
            let login = act.operator.login.clone();
            stored::add_note_in(act.tx, incident_id, &text, &login, act.now)?;
            act.audit(
                incident_event(AuditAction::IncidentNoted, &incident).after(json!({"note": text})),
            )?;
            Ok(())
        })
    }

    /// Closes with the outcome and the 三同步 checklist; with `resolve_alert`, the alert it
    /// came from is resolved too.
    pub fn close_incident(
        &mut self,
        incident_id: i64,
        closing: &Closing,
        resolve_alert: bool,
    ) -> Result<()> {
        check_closing(closing).map_err(|r| DeskError::Refused(Refusal::Closing(r)))?;
        self.act(Need::Write, |act| {
            let incident = open_incident_in_scope(act, incident_id)?;
            let login = act.operator.login.clone();
            if !stored::close_in(act.tx, incident_id, closing, &login, act.now)? {
                return Err(DeskError::Conflict(Conflict::IncidentClosed {
                    by: incident.closed_by.clone().unwrap_or_default(),
                }));
            }
            act.audit(
                incident_event(AuditAction::IncidentClosed, &incident)
                    .after(serde_json::to_value(closing).unwrap_or_default()),
            )?;
            // The alert it came from is resolved with it, unless what raised it still holds
            // (an unstable patient is still unstable): then it stays in hand, linked.
            if let (true, Some(aid)) = (resolve_alert, incident.alert_id)
                && let Some(alert) = crate::store::alerts::load_in(act.tx, aid)?
                && alert.status != crate::domain::alert::AlertStatus::Resolved
                && !super::alerts::condition_holds(act, &alert)?
            {
                let note = format!("#{incident_id} {}", closing.outcome.zh());
                crate::store::alerts::move_status_in(
                    act.tx,
                    aid,
                    alert.status,
                    crate::domain::alert::AlertStatus::Resolved,
                    Some(&note),
                    &login,
                    act.now,
                )?;
                act.audit(
                    AuditEvent::new(AuditAction::AlertResolved, "alert", aid)
                        .patient(alert.patient_id, &alert.station)
                        .before(json!({"status": alert.status, "kind": alert.kind}))
                        .after(json!({"status": "resolved", "kind": alert.kind, "note": note})),
                )?;
                act.refresh(alert.patient_id)?;
            }
            Ok(())
        })
    }
}

/// The station an unknown person's incident belongs to: a station desk's own; for the center,
/// the one it names (which must be registered) or none (only the center sees it).
fn unknown_station(act: &Act, named: &Option<String>) -> Result<Option<String>> {
    if let Some(own) = act.scope.station() {
        return Ok(Some(own.to_string()));
    }
    match named.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            if !places::exists_in(act.tx, PlaceKind::Station, s, "")? {
                return Err(DeskError::Refused(Refusal::UnknownPlace {
                    kind: PlaceKind::Station,
                    name: s.to_string(),
                }));
            }
            Ok(Some(s.to_string()))
        }
    }
}

fn incident_in_scope(act: &Act, id: i64) -> Result<IncidentRow> {
    stored::load_in(act.tx, id, &act.scope)?.ok_or(DeskError::NotFound(Thing::Incident(id)))
}

fn open_incident_in_scope(act: &Act, id: i64) -> Result<IncidentRow> {
    let incident = incident_in_scope(act, id)?;
    if !incident.is_open() {
        return Err(DeskError::Refused(Refusal::IncidentClosed));
    }
    Ok(incident)
}

fn incident_event(action: AuditAction, i: &IncidentRow) -> AuditEvent {
    let mut e = AuditEvent::new(action, "incident", i.id).station(i.station.as_deref());
    e.patient_id = i.patient_id;
    e
}
