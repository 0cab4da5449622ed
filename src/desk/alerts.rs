//! Taking alerts in hand: acknowledge (签收), in progress (处置中), resolve (办结), snooze, and
//! raising a reported alert (上报). Every move is compare-and-set on the status the alert had
//! when read in the same transaction, so of two desks acting at once the first wins and the
//! second is told who acted.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;

use super::{Act, Conflict, Desk, DeskError, Need, Refusal, Result, Thing};
use crate::domain::alert::{AlertKind, AlertStatus, Severity, derive};
use crate::domain::audit::AuditAction;
use crate::domain::clock::beijing_date;
use crate::store::alerts::{self as stored, AlertRow};
use crate::store::audit::AuditEvent;
use crate::store::operators::Operator;
use crate::store::persons;

/// What an alert action did, for the caller to say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertMoved {
    pub alert_id: i64,
    pub patient: String,
    pub kind: AlertKind,
    pub from: AlertStatus,
    pub to: AlertStatus,
}

impl Desk<'_> {
    pub fn acknowledge(&mut self, alert_id: i64) -> Result<AlertMoved> {
        self.move_alert(alert_id, AlertStatus::Acknowledged, None, None)
    }

    pub fn take_in_hand(&mut self, alert_id: i64) -> Result<AlertMoved> {
        self.move_alert(alert_id, AlertStatus::InProgress, None, None)
    }

    /// Resolves with a note. A derived alert whose condition still holds is refused: what
    /// raised it must change (a follow-up, an assignment, a status), or it can be snoozed.
    pub fn resolve(&mut self, alert_id: i64, note: &str) -> Result<AlertMoved> {
        let note = note.trim();
        if note.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(
                super::error::Field::Note,
            )));
        }
        self.move_alert(alert_id, AlertStatus::Resolved, Some(note), None)
    }

    /// Resolves a 失访 or 拒访 alert by recording the written report to 政法/公安 (*r2*): to
    /// whom and when. This is allowed while the patient is still missing or refusing (the
    /// report is the desk's duty for the episode), and the episode raises no new alert.
    pub fn resolve_with_written_report(
        &mut self,
        alert_id: i64,
        to: &str,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<AlertMoved> {
        let to = to.trim();
        if to.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(
                super::error::Field::ReportedTo,
            )));
        }
        self.move_alert(
            alert_id,
            AlertStatus::Resolved,
            Some(note.trim()).filter(|n| !n.is_empty()),
            Some((to, at)),
        )
    }

    /// Whether `resolve` could be accepted now, asked before the operator writes a note: a
    /// derived alert whose condition still holds is refused with what would clear it.
    /// Writes nothing.
    pub fn check_resolvable(&mut self, alert_id: i64) -> Result<()> {
        self.act_or_roll_back(Need::Write, |act| {
            let alert = alert_in_scope(act, alert_id)?;
            if alert.status == AlertStatus::Resolved
                || !alert.status.can_move_to(AlertStatus::Resolved)
            {
                return Err(conflict_or_refusal(act, &alert, AlertStatus::Resolved));
            }
            if condition_holds(act, &alert)? {
                return Err(DeskError::Refused(Refusal::ConditionHolds {
                    kind: alert.kind,
                }));
            }
            Ok(((), false))
        })
        .map(drop)
    }

    fn move_alert(
        &mut self,
        alert_id: i64,
        to: AlertStatus,
        note: Option<&str>,
        report: Option<(&str, DateTime<Utc>)>,
    ) -> Result<AlertMoved> {
        self.act(Need::Write, |act| {
            let alert = alert_in_scope(act, alert_id)?;
            if alert.status == to || !alert.status.can_move_to(to) {
                return Err(conflict_or_refusal(act, &alert, to));
            }
            if let Some((_, at)) = report {
                if !alert.kind.needs_written_report() {
                    return Err(DeskError::Refused(Refusal::NoWrittenReport {
                        kind: alert.kind,
                    }));
                }
                if at > act.now {
                    return Err(DeskError::Refused(Refusal::WrittenReportLater));
                }
            } else if to == AlertStatus::Resolved && condition_holds(act, &alert)? {
                return Err(DeskError::Refused(Refusal::ConditionHolds {
                    kind: alert.kind,
                }));
            }
            let login = act.operator.login.clone();
            if !stored::move_status_in(act.tx, alert_id, alert.status, to, note, &login, act.now)? {
                // Unreachable under BEGIN IMMEDIATE, kept as the guard it is.
                let now_row = stored::load_in(act.tx, alert_id)?
                    .ok_or(DeskError::NotFound(Thing::Alert(alert_id)))?;
                return Err(conflict_or_refusal(act, &now_row, to));
            }
            let mut after = json!({"status": to, "kind": alert.kind, "note": note});
            if let Some((whom, at)) = report {
                stored::record_written_report_in(act.tx, alert_id, whom, at)?;
                after["reported_to"] = json!(whom);
                after["reported_at"] = json!(
                    at.with_timezone(&crate::domain::clock::beijing())
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                );
            }
            let action = match to {
                AlertStatus::Acknowledged => AuditAction::AlertAcknowledged,
                AlertStatus::InProgress => AuditAction::AlertInProgress,
                _ => AuditAction::AlertResolved,
            };
            act.audit(
                AuditEvent::new(action, "alert", alert_id)
                    .patient(alert.patient_id, &alert.station)
                    .before(json!({"status": alert.status, "kind": alert.kind}))
                    .after(after),
            )?;
            Ok(AlertMoved {
                alert_id,
                patient: alert.patient_name.clone(),
                kind: alert.kind,
                from: alert.status,
                to,
            })
        })
    }

    /// Silences an open alert until `until` (inclusive) with a reason: it shows again after
    /// that day, or as soon as the patient's state changes it.
    pub fn snooze(&mut self, alert_id: i64, until: NaiveDate, reason: &str) -> Result<AlertMoved> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(
                super::error::Field::Reason,
            )));
        }
        self.act(Need::Write, |act| {
            let alert = alert_in_scope(act, alert_id)?;
            if alert.status == AlertStatus::Resolved {
                return Err(conflict_or_refusal(act, &alert, AlertStatus::Resolved));
            }
            if until <= beijing_date(act.now) {
                return Err(DeskError::Refused(Refusal::SnoozeNotAfterToday { until }));
            }
            stored::snooze_in(act.tx, alert_id, until, reason)?;
            act.audit(
                AuditEvent::new(AuditAction::AlertSnoozed, "alert", alert_id)
                    .patient(alert.patient_id, &alert.station)
                    .before(json!({"kind": alert.kind, "snoozed_until": alert.snoozed_until}))
                    .after(json!({"kind": alert.kind, "snoozed_until": until, "reason": reason})),
            )?;
            Ok(AlertMoved {
                alert_id,
                patient: alert.patient_name.clone(),
                kind: alert.kind,
                from: alert.status,
                to: alert.status,
            })
        })
    }

    /// Raises a `reported` alert for a patient from a call or a grid report.
    pub fn report_alert(&mut self, patient_id: i64, severity: Severity, note: &str) -> Result<i64> {
        let note = note.trim().to_string();
        if note.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(
                super::error::Field::Note,
            )));
        }
        self.act(Need::Write, |act| {
            let p = act.patient(patient_id)?;
            let login = act.operator.login.clone();
            let id =
                stored::insert_reported_in(act.tx, patient_id, severity, &note, &login, act.now)?;
            act.audit(
                AuditEvent::new(AuditAction::AlertReported, "alert", id)
                    .patient(patient_id, &p.jurisdiction.station)
                    .after(
                        json!({"kind": AlertKind::Reported, "severity": severity, "note": note}),
                    ),
            )?;
            Ok(id)
        })
    }
}

/// The alert, if the operator's scope holds its patient.
fn alert_in_scope(act: &Act, alert_id: i64) -> Result<AlertRow> {
    match stored::load_in(act.tx, alert_id)? {
        Some(a) if act.scope.admits_station(&a.station) => Ok(a),
        _ => Err(DeskError::NotFound(Thing::Alert(alert_id))),
    }
}

/// The alert is not where the operator saw it: someone moved it (a conflict naming them), or
/// the move makes no sense from where it is.
fn conflict_or_refusal(act: &Act, alert: &AlertRow, to: AlertStatus) -> DeskError {
    let (by, at) = alert.last_actor();
    match by {
        Some(by) if alert.status != AlertStatus::New => DeskError::Conflict(Conflict::Alert {
            status: alert.status,
            by: display_name(act, by),
            at,
        }),
        _ => DeskError::Refused(Refusal::AlertTransition {
            from: alert.status,
            to,
        }),
    }
}

/// An operator's display name where the login is registered, else the login.
pub(crate) fn display_name(act: &Act, login: &str) -> String {
    crate::store::operators::load_in(act.tx, login)
        .ok()
        .flatten()
        .map(|o: Operator| o.display_name)
        .unwrap_or_else(|| login.to_string())
}

/// Whether what raised a derived alert still holds now (a reported alert never does).
pub(crate) fn condition_holds(act: &Act, alert: &AlertRow) -> Result<bool> {
    if alert.kind == AlertKind::Reported {
        return Ok(false);
    }
    let p = crate::store::patients::load(act.tx, alert.patient_id)?;
    let team = persons::assignments_in(act.tx, p.id)?
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    let orders = crate::store::control::orders_in(act.tx)?;
    let control = crate::domain::control::in_force_for(&orders, &p.jurisdiction, act.now);
    Ok(derive(&p, team, act.now, control.as_ref(), act.config)
        .iter()
        .any(|d| d.kind == alert.kind))
}
