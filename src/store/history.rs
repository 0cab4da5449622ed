//! The patients' history rows (SPEC *r2* History): written by `patients::save`, the one
//! function every change of a patient goes through, and read for the timeline and the reports.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, params};
use std::collections::HashMap;

use super::{Result, Scope, Store, from_millis, millis};
use crate::domain::history::{HistoryEntry, HistoryField, changes};
use crate::domain::patient::Patient;

/// Records, at `at`, every field of `after` that differs from `before`.
pub(crate) fn record(
    tx: &Transaction,
    patient_id: i64,
    before: Option<&Patient>,
    after: &Patient,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO patient_history (patient_id, field, value, began_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (field, value) in changes(before, after) {
        stmt.execute(params![patient_id, field.code(), value, millis(at)])?;
    }
    Ok(())
}

fn entry(r: &rusqlite::Row) -> rusqlite::Result<Option<(i64, HistoryEntry)>> {
    let field: String = r.get(1)?;
    Ok(
        HistoryField::from_code(&field).map(|field| -> rusqlite::Result<_> {
            Ok((
                r.get(0)?,
                HistoryEntry {
                    field,
                    value: r.get(2)?,
                    began_at: from_millis(r.get(3)?),
                },
            ))
        }),
    )
    .and_then(|o| o.transpose())
}

/// Every history row up to `until` of the patients in scope, by patient.
pub(crate) fn history_until_in(
    conn: &Connection,
    until: DateTime<Utc>,
    scope: &Scope,
) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
    // A station reads the patients it holds now and those whose history passed through it.
    let mut stmt = conn.prepare_cached(
        "SELECT h.patient_id, h.field, h.value, h.began_at FROM patient_history h
         WHERE h.began_at <= ?1 AND (?2 IS NULL OR h.patient_id IN (
             SELECT id FROM patients WHERE station = ?2))
         ORDER BY h.patient_id, h.began_at, h.id",
    )?;
    let mut out: HashMap<i64, Vec<HistoryEntry>> = HashMap::new();
    for row in stmt.query_map(params![millis(until), scope.station()], entry)? {
        if let Some((id, e)) = row? {
            out.entry(id).or_default().push(e);
        }
    }
    Ok(out)
}

impl Store {
    /// One patient's timeline, oldest first; empty when the scope does not hold the patient.
    pub fn patient_history(&self, patient_id: i64, scope: &Scope) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT h.patient_id, h.field, h.value, h.began_at FROM patient_history h
             JOIN patients p ON p.id = h.patient_id
             WHERE h.patient_id = ?1 AND (?2 IS NULL OR p.station = ?2)
             ORDER BY h.began_at, h.id",
        )?;
        let mut out = Vec::new();
        for row in stmt.query_map(params![patient_id, scope.station()], entry)? {
            if let Some((_, e)) = row? {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Every patient's history up to `until`, in scope (for a report's period end).
    pub fn history_until(
        &self,
        until: DateTime<Utc>,
        scope: &Scope,
    ) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
        history_until_in(self.conn(), until, scope)
    }
}
