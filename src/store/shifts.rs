//! Shifts (接班/交班): an operator takes over, and hands over with a summary of open alerts by
//! severity, open incidents and what was done during the shift (from the audit log). The
//! summary is stored, so the next operator reads it when taking over.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use rusqlite::{Connection, Transaction};

use super::operators::Operator;
use super::{Result, Scope, Store, from_millis, millis};
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
    /// Audited actions of this operator during the shift, by action code.
    pub actions: Vec<(String, i64)>,
    pub note: String,
    /// P1 alerts nobody has acknowledged (by patient name), all of them.
    #[serde(default)]
    pub unacknowledged_p1: Vec<HandoverAlert>,
    /// What this operator did during the shift, oldest first, as audit rows to read in words
    /// (at most `DONE_ROWS`).
    #[serde(default)]
    pub done: Vec<super::audit::AuditEntry>,
    /// The audit log's last row and hash when the handover was written: printed, it pins the
    /// history up to that moment.
    #[serde(default)]
    pub audit_head: Option<(i64, String)>,
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

pub(crate) fn current_in(conn: &Connection, login: &str) -> Result<Option<ShiftRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, operator, started_at, ended_at, summary FROM shifts
             WHERE operator = ?1 AND ended_at IS NULL",
        )?
        .query_row([login], shift_row)
        .optional()?)
}

/// Starts a shift (the unique index refuses a second open one); returns its id.
pub(crate) fn start_in(tx: &Transaction, login: &str, now: DateTime<Utc>) -> Result<i64> {
    tx.execute(
        "INSERT INTO shifts (operator, started_at) VALUES (?1, ?2)",
        params![login, millis(now)],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The handover summary of `op`'s shift at `now`, within the operator's scope, read in the
/// same transaction that ends the shift.
pub(crate) fn summary_in(
    conn: &Connection,
    op: &Operator,
    shift: &ShiftRow,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Handover> {
    let scope = op.scope();
    let alerts = super::alerts::alerts_in(conn, &scope, true)?;
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
    let open_incidents = super::incidents::incidents_in(conn, &scope)?
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
    let actions =
        super::reports::action_counts_in(conn, shift.started_at, &scope, Some(&op.login))?
            .into_iter()
            .filter(|(a, _)| {
                !matches!(
                    a,
                    crate::domain::audit::AuditAction::ShiftTakenOver
                        | crate::domain::audit::AuditAction::ShiftHandedOver
                )
            })
            .map(|(a, n)| (a.code().to_string(), n))
            .collect();
    let unacknowledged_p1 = alerts
        .iter()
        .filter(|a| {
            a.severity == Severity::P1 && a.status == crate::domain::alert::AlertStatus::New
        })
        .map(|a| HandoverAlert {
            severity: a.severity.code().into(),
            kind: a.kind.code().into(),
            patient: a.patient_name.clone(),
            status: a.status.code().into(),
        })
        .collect();
    let mut done: Vec<super::audit::AuditEntry> = super::audit::audit_in(
        conn,
        &super::audit::AuditQuery {
            scope: scope.clone(),
            operator: Some(op.login.clone()),
            from: Some(shift.started_at),
            limit: DONE_ROWS,
            ..Default::default()
        },
    )?
    .into_iter()
    .filter(|e| {
        !matches!(
            e.action,
            Some(
                crate::domain::audit::AuditAction::ShiftTakenOver
                    | crate::domain::audit::AuditAction::ShiftHandedOver
            )
        )
    })
    .map(|mut e| {
        // The summary is printed and exported: numbers stay masked as in any list.
        mask_numbers(&mut e.before);
        mask_numbers(&mut e.after);
        e
    })
    .collect();
    done.reverse();
    Ok(Handover {
        unacknowledged_p1,
        done,
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
        audit_head: None,
    })
}

/// Masks ID numbers and phones anywhere in an audit row's JSON.
fn mask_numbers(v: &mut Option<serde_json::Value>) {
    fn walk(key: &str, v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => m.iter_mut().for_each(|(k, x)| walk(k, x)),
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(key, x)),
            serde_json::Value::String(s) if key.ends_with("phone") => {
                *s = crate::domain::id_number::mask_phone(s)
            }
            serde_json::Value::String(s) if key == "id_number" => {
                *s = crate::domain::id_number::mask_id_text(s)
            }
            _ => {}
        }
    }
    if let Some(v) = v {
        walk("", v);
    }
}

/// How many of the shift's own actions a handover lists in words (the counts cover all).
pub const DONE_ROWS: usize = 300;

/// Ends the shift with its stored summary, only if still open (compare-and-set).
pub(crate) fn end_in(
    tx: &Transaction,
    shift_id: i64,
    handover: &Handover,
    now: DateTime<Utc>,
) -> Result<bool> {
    let text = serde_json::to_string(handover).expect("serialisable");
    Ok(tx.execute(
        "UPDATE shifts SET ended_at = ?1, summary = ?2, note = ?3 WHERE id = ?4 AND ended_at IS NULL",
        params![millis(now), text, handover.note, shift_id],
    )? == 1)
}

impl Store {
    pub fn current_shift(&self, login: &str) -> Result<Option<ShiftRow>> {
        current_in(self.conn(), login)
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

    /// Shifts of operators in scope (a station sees its own desk's), newest first.
    pub fn shifts(&self, scope: &Scope, limit: usize) -> Result<Vec<ShiftRow>> {
        let mut stmt = self.conn().prepare(
            "SELECT s.id, s.operator, s.started_at, s.ended_at, s.summary FROM shifts s
             LEFT JOIN operators o ON o.login = s.operator
             WHERE ?1 IS NULL OR o.station = ?1
             ORDER BY s.started_at DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![scope.station(), limit as i64], shift_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
