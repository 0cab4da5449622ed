//! The 1-3-5 quick response: opening an incident (from an alert, for a patient, or for an
//! unknown person at a station's location), recording steps, notes, closing. The first desk
//! to record a step wins; a second is told who did it. A step is never dated before the
//! incident was opened.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::error::Field;
use super::{Act, Conflict, Desk, DeskError, Need, Refusal, Result, Thing};
use crate::domain::audit::AuditAction;
use crate::domain::clock::beijing;
use crate::domain::incident::{Closing, Outcome, check_closing, earlier_unsettled};
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
            let current = find_step(&incident, step)?;
            if act.now < incident.opened_at {
                return Err(DeskError::Refused(Refusal::StepBeforeOpening));
            }
            settled_or_conflict(act, current)?;
            in_order(&incident, step, act.now)?;
            let login = act.operator.login.clone();
            stored::mark_step_in(act.tx, incident_id, step, &actor, &login, act.now)?;
            act.audit(
                incident_event(AuditAction::IncidentStepDone, &incident).after(json!({
                    "step": step, "label": current.label_zh, "actor": actor,
                })),
            )?;
            reload_step(act, incident_id, step)
        })
    }

    /// Marks step `step` skipped with a reason, so that later steps can be recorded; like a
    /// step done, only once and in order.
    pub fn skip_step(&mut self, incident_id: i64, step: u8, reason: &str) -> Result<StepRow> {
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(Field::Reason)));
        }
        self.act(Need::Write, |act| {
            let incident = open_incident_in_scope(act, incident_id)?;
            let current = find_step(&incident, step)?;
            settled_or_conflict(act, current)?;
            in_order(&incident, step, act.now)?;
            let login = act.operator.login.clone();
            stored::skip_step_in(act.tx, incident_id, step, &reason, &login, act.now)?;
            act.audit(
                incident_event(AuditAction::IncidentStepSkipped, &incident).after(json!({
                    "step": step, "label": current.label_zh, "reason": reason,
                })),
            )?;
            reload_step(act, incident_id, step)
        })
    }

    /// Corrects a recorded step's actor and/or time. `seen` is the entry as the operator saw
    /// it (actor, time): if someone changed it meanwhile, they are told who. The step row says
    /// it was corrected; the audit row keeps the original as its "before".
    pub fn correct_step(
        &mut self,
        incident_id: i64,
        step: u8,
        seen: (&str, DateTime<Utc>),
        actor: Option<&str>,
        done_at: Option<DateTime<Utc>>,
    ) -> Result<StepRow> {
        let actor = actor.map(str::trim);
        if actor.is_some_and(str::is_empty) {
            return Err(DeskError::Refused(Refusal::Missing(Field::Actor)));
        }
        self.act(Need::Write, |act| {
            let incident = incident_in_scope(act, incident_id)?;
            let current = find_step(&incident, step)?;
            let (Some(was_actor), Some(was_at)) = (&current.actor, current.done_at) else {
                return Err(DeskError::Refused(Refusal::StepNotRecorded { step }));
            };
            let new_actor = actor.unwrap_or(was_actor).to_string();
            let new_at = done_at.unwrap_or(was_at);
            if new_at < incident.opened_at {
                return Err(DeskError::Refused(Refusal::StepBeforeOpening));
            }
            if new_at > incident.closed_at.unwrap_or(act.now).min(act.now) {
                return Err(DeskError::Refused(Refusal::StepAfterNow));
            }
            let login = act.operator.login.clone();
            if !stored::correct_step_in(
                act.tx,
                incident_id,
                step,
                seen,
                &new_actor,
                new_at,
                &login,
                act.now,
            )? {
                return Err(DeskError::Conflict(Conflict::StepChanged {
                    step,
                    actor: was_actor.clone(),
                    by: super::alerts::display_name(
                        act,
                        current
                            .corrected_by
                            .as_deref()
                            .or(current.recorded_by.as_deref())
                            .unwrap_or(""),
                    ),
                }));
            }
            // Times as an operator reads them, to the second, Beijing time.
            let at = |t: DateTime<Utc>| {
                t.with_timezone(&beijing())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            };
            act.audit(
                incident_event(AuditAction::IncidentStepCorrected, &incident)
                    .before(json!({
                        "step": step, "label": current.label_zh, "actor": was_actor,
                        "done_at": at(was_at),
                    }))
                    .after(json!({
                        "step": step, "label": current.label_zh, "actor": new_actor,
                        "done_at": at(new_at),
                    })),
            )?;
            reload_step(act, incident_id, step)
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
            let record = match incident.patient_id {
                Some(pid) => Some(put_on_the_record(act, pid, closing)?),
                None => None,
            };
            let mut after = serde_json::to_value(closing).unwrap_or_default();
            if let (Some(m), Some(r)) = (after.as_object_mut(), record) {
                m.insert("patient_record".into(), r);
            }
            act.audit(incident_event(AuditAction::IncidentClosed, &incident).after(after))?;
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

/// Closing an incident of a known patient writes to their record (*r2*): 肇事肇祸史 when anyone
/// was hurt or killed or the case went to the police, and a reassessment due from today.
/// Returns what changed, for the audit row.
fn put_on_the_record(act: &Act, patient_id: i64, closing: &Closing) -> Result<serde_json::Value> {
    let before = crate::store::patients::load(act.tx, patient_id)?;
    let mut after = before.clone();
    let harm = closing.injured + closing.dead > 0 || closing.outcome == Outcome::Police;
    if harm {
        after.flags.incident_history = true;
    }
    let today = crate::domain::clock::beijing_date(act.now);
    after.reassess_since = Some(today);
    crate::store::patients::save(act.tx, &after, act.now, today)?;
    act.refresh(patient_id)?;
    Ok(json!({
        "incident_history": after.flags.incident_history,
        "incident_history_before": before.flags.incident_history,
        "reassess_since": today,
    }))
}

/// The station an unknown person's incident belongs to: a station desk's own; for the center,
/// the one it names, which must be registered.
fn unknown_station(act: &Act, named: &Option<String>) -> Result<Option<String>> {
    if let Some(own) = act.scope.station() {
        return Ok(Some(own.to_string()));
    }
    match named.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // *r2*: the center names the station of the location, so that desk sees it.
        None => Err(DeskError::Refused(Refusal::Missing(Field::Station))),
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

fn find_step(incident: &IncidentRow, step: u8) -> Result<&StepRow> {
    incident
        .steps
        .iter()
        .find(|s| s.step == step)
        .ok_or(DeskError::NotFound(Thing::Step {
            incident: incident.id,
            step,
        }))
}

/// A step already done or skipped is a conflict: the second desk is told who did what.
fn settled_or_conflict(act: &Act, current: &StepRow) -> Result<()> {
    let by = || super::alerts::display_name(act, current.recorded_by.as_deref().unwrap_or(""));
    if let Some(done_by) = &current.actor {
        return Err(DeskError::Conflict(Conflict::Step {
            step: current.step,
            actor: done_by.clone(),
            recorded_by: by(),
        }));
    }
    if let Some(reason) = &current.skip_reason {
        return Err(DeskError::Conflict(Conflict::StepSkipped {
            step: current.step,
            reason: reason.clone(),
            by: by(),
        }));
    }
    Ok(())
}

/// Steps are recorded (or skipped) in order.
fn in_order(incident: &IncidentRow, step: u8, now: DateTime<Utc>) -> Result<()> {
    let settled: Vec<bool> = incident
        .steps
        .iter()
        .map(|s| s.state(now).is_settled())
        .collect();
    match earlier_unsettled(&settled, step) {
        Some(earlier) => Err(DeskError::Refused(Refusal::StepOutOfOrder {
            step,
            earlier,
        })),
        None => Ok(()),
    }
}

fn reload_step(act: &Act, incident_id: i64, step: u8) -> Result<StepRow> {
    let after = incident_in_scope(act, incident_id)?;
    after
        .steps
        .into_iter()
        .find(|s| s.step == step)
        .ok_or(DeskError::NotFound(Thing::Step {
            incident: incident_id,
            step,
        }))
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
