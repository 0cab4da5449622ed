//! Shifts (接班/交班): an operator takes over, and hands over with a summary of open alerts by
//! severity, open incidents and what was done during the shift (from the audit log). The
//! summary is stored, so the next operator reads it when taking over.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::operators::Operator;
use super::{Result, Store, StoreError, audit, from_millis, millis};
use crate::domain::alert::Severity;
use crate::domain::incident::StepState;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverAlert {
    pub severity: String,
    pub kind: String,
    pub patient: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverIncident {
    pub id: i64,
    pub patient: Option<String>,
    pub location: String,
    pub opened_at: DateTime<Utc>,
    /// Step states at handover, e.g. "1:met 2:overdue 3:pending".
    pub steps: String,
}

/// What one operator leaves the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub operator: String,
    pub display_name: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    /// Open alerts by severity: [P1, P2, P3].
    pub open_alerts: [usize; 3],
    /// The most urgent open alerts, at most 20.
    pub urgent: Vec<HandoverAlert>,
    pub open_incidents: Vec<HandoverIncident>,
    /// Audited actions of this operator during the shift, by action.
    pub actions: Vec<(String, i64)>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftRow {
    pub id: i64,
    pub operator: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub handover: Option<Handover>,
}

fn shift_row(r: &rusqlite::Row) -> rusqlite::Result<ShiftRow> {
    let summary: Option<String> = r.get(4)?;
    Ok(ShiftRow {
        id: r.get(0)?,
        operator: r.get(1)?,
        started_at: from_millis(r.get(2)?),
        ended_at: r.get::<_, Option<i64>>(3)?.map(from_millis),
        handover: summary.and_then(|s| serde_json::from_str(&s).ok()),
    })
}

impl Store {
    pub fn current_shift(&self, login: &str) -> Result<Option<ShiftRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, operator, started_at, ended_at, summary FROM shifts
                 WHERE operator = ?1 AND ended_at IS NULL",
                [login],
                shift_row,
            )
            .optional()?)
    }

    /// The last handover left for this desk: by an operator of the same role and station.
    pub fn last_handover(&self, op: &Operator) -> Result<Option<ShiftRow>> {
        let mut stmt = self.conn().prepare(
            "SELECT s.id, s.operator, s.started_at, s.ended_at, s.summary FROM shifts s
             JOIN operators o ON o.login = s.operator
             WHERE s.ended_at IS NOT NULL AND o.role = ?1 AND COALESCE(o.station, '') = ?2
             ORDER BY s.ended_at DESC LIMIT 1",
        )?;
        Ok(stmt
            .query_row(
                params![op.role.code(), op.station.clone().unwrap_or_default()],
                shift_row,
            )
            .optional()?)
    }

    /// 接班: starts a shift for the operator; refused when one is already open.
    pub fn take_over(&mut self, op: &Operator, now: DateTime<Utc>) -> Result<i64> {
        if self.current_shift(&op.login)?.is_some() {
            return Err(StoreError::Refused("already on shift".into()));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO shifts (operator, started_at) VALUES (?1, ?2)",
                params![op.login, millis(now)],
            )?;
            let id = tx.last_insert_rowid();
            audit::record(
                tx,
                now,
                &op.login,
                "shift.take_over",
                "shift",
                Some(&id.to_string()),
                None,
                None,
            )?;
            Ok(id)
        })
    }

    /// 交班: ends the operator's shift with its handover summary, computed now within the
    /// operator's scope, and the note they leave.
    pub fn hand_over(&mut self, op: &Operator, note: &str, now: DateTime<Utc>) -> Result<Handover> {
        let shift = self
            .current_shift(&op.login)?
            .ok_or_else(|| StoreError::Refused("not on shift".into()))?;
        let scope = op.scope();
        let alerts = self.alerts(&scope, true)?;
        let count = |s: Severity| alerts.iter().filter(|a| a.severity == s).count();
        let urgent = alerts
            .iter()
            .take(20)
            .map(|a| HandoverAlert {
                severity: a.severity.code().into(),
                kind: a.kind.code().into(),
                patient: a.patient_name.clone(),
                status: a.status.code().into(),
            })
            .collect();
        let open_incidents = self
            .incidents(&scope, std::slice::from_ref(&op.login))?
            .into_iter()
            .filter(|i| i.is_open())
            .map(|i| HandoverIncident {
                id: i.id,
                patient: i.patient_name.clone(),
                location: i.location.clone(),
                opened_at: i.opened_at,
                steps: i
                    .steps
                    .iter()
                    .map(|s| {
                        let st: StepState = s.state(now);
                        format!("{}:{}", s.step, st.code())
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect();
        let actions = self
            .action_counts_since(shift.started_at, Some(std::slice::from_ref(&op.login)))?
            .into_iter()
            .filter(|(a, _)| !a.starts_with("shift."))
            .collect();
        let handover = Handover {
            operator: op.login.clone(),
            display_name: op.display_name.clone(),
            started_at: shift.started_at,
            ended_at: now,
            open_alerts: [
                count(Severity::P1),
                count(Severity::P2),
                count(Severity::P3),
            ],
            urgent,
            open_incidents,
            actions,
            note: note.trim().to_string(),
        };
        let text = serde_json::to_string(&handover).expect("serialisable");
        self.write(|tx| {
            tx.execute(
                "UPDATE shifts SET ended_at = ?1, summary = ?2, note = ?3 WHERE id = ?4 AND ended_at IS NULL",
                params![millis(now), text, note.trim(), shift.id],
            )?;
            let after = serde_json::json!({"open_alerts": handover.open_alerts, "open_incidents": handover.open_incidents.len()});
            audit::record(tx, now, &op.login, "shift.hand_over", "shift", Some(&shift.id.to_string()), None, Some(&after))
        })?;
        Ok(handover)
    }

    /// Shifts newest first.
    pub fn shifts(&self, limit: usize) -> Result<Vec<ShiftRow>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, operator, started_at, ended_at, summary FROM shifts ORDER BY started_at DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], shift_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
