//! The patients' history rows (SPEC *r2* History): written by `patients::save`, the one
//! function every change of a patient goes through, and read for the timeline and the reports.
//! Since V11 a row is one change event: a column per tracked field (named by the field's
//! code), holding the value it took then, NULL where the field did not change. Readers unfold
//! a row into one entry per field it holds, in the fields' order, so the timeline and the
//! reports read exactly what the per-field rows of V6–V10 gave.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, params, params_from_iter};
use std::collections::HashMap;

use super::{Result, Scope, Store, from_millis, millis};
use crate::domain::history::{HistoryEntry, HistoryField, changes};
use crate::domain::patient::Patient;

/// The field columns in `HistoryField::ALL` order, as inserted and (of `h`) selected.
const FIELD_COLUMNS: &str =
    "status, risk, condition, treatment_place, medication, compliance, township, village, station";
const H_FIELD_COLUMNS: &str = "h.status, h.risk, h.condition, h.treatment_place, h.medication,
    h.compliance, h.township, h.village, h.station";

/// Records, at `at`, one event holding every field of `after` that differs from `before`
/// (nothing when none does).
pub(crate) fn record(
    tx: &Transaction,
    patient_id: i64,
    before: Option<&Patient>,
    after: &Patient,
    at: DateTime<Utc>,
) -> Result<()> {
    if let Some(values) = event_of(before, after) {
        insert_event(tx, patient_id, millis(at), &values)?;
    }
    Ok(())
}

/// The event row's field columns for the change from `before` to `after`, if any changed.
fn event_of(before: Option<&Patient>, after: &Patient) -> Option<[Option<String>; 9]> {
    let mut values: [Option<String>; 9] = Default::default();
    let mut any = false;
    for (field, value) in changes(before, after) {
        values[column_of(field)] = Some(value);
        any = true;
    }
    any.then_some(values)
}

/// A new patient's first history row: every field, as `record` writes it with nothing
/// before (`None` if there is nothing to record).
pub(crate) fn first_of(p: &Patient) -> Option<[Option<String>; 9]> {
    event_of(None, p)
}

/// The first history rows (`first_of`) of patients added in bulk, many to a statement.
pub(crate) fn record_new(
    tx: &Transaction,
    rows: &[(i64, [Option<String>; 9])],
    at: DateTime<Utc>,
) -> Result<()> {
    let began_at = millis(at);
    super::many::insert(
        tx,
        &format!("patient_history (patient_id, began_at, {FIELD_COLUMNS})"),
        11,
        rows,
        |stmt, i, (patient_id, values)| {
            stmt.raw_bind_parameter(i, patient_id)?;
            stmt.raw_bind_parameter(i + 1, began_at)?;
            for (k, v) in values.iter().enumerate() {
                stmt.raw_bind_parameter(i + 2 + k, v)?;
            }
            Ok(())
        },
    )
}

fn column_of(field: HistoryField) -> usize {
    HistoryField::ALL
        .iter()
        .position(|f| *f == field)
        .unwrap_or_default()
}

fn insert_event(
    conn: &Connection,
    patient_id: i64,
    began_at: i64,
    values: &[Option<String>; 9],
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT INTO patient_history (patient_id, began_at, {FIELD_COLUMNS})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))?;
    let head: [rusqlite::types::Value; 2] = [patient_id.into(), began_at.into()];
    let values = values
        .iter()
        .map(|v| rusqlite::types::Value::from(v.clone()));
    stmt.execute(params_from_iter(head.into_iter().chain(values)))?;
    Ok(())
}

/// Reads one event row (patient id, began_at, then the field columns) as its entries.
fn event(r: &rusqlite::Row) -> rusqlite::Result<(i64, Vec<HistoryEntry>)> {
    let began_at = from_millis(r.get(1)?);
    let mut entries = Vec::new();
    for (i, field) in HistoryField::ALL.into_iter().enumerate() {
        if let Some(value) = r.get::<_, Option<String>>(2 + i)? {
            entries.push(HistoryEntry {
                field,
                value,
                began_at,
            });
        }
    }
    Ok((r.get(0)?, entries))
}

/// Moves V10's rows (one per field) into events (V11 migration): consecutive rows of one
/// patient at one instant are one event, as `record` wrote them, unless a field repeats (two
/// writes at the same instant), which starts the next event, so no value is lost. The old
/// table is read in its own order (patient, instant, id) and dropped afterwards by the caller.
pub(crate) fn regroup_field_rows(tx: &Transaction, old_table: &str) -> rusqlite::Result<u64> {
    let mut stmt = tx.prepare(&format!(
        "SELECT patient_id, field, value, began_at FROM {old_table}
         ORDER BY patient_id, began_at, id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut current: Option<(i64, i64, [Option<String>; 9])> = None;
    let mut written = 0u64;
    let flush = |e: &Option<(i64, i64, [Option<String>; 9])>| -> rusqlite::Result<u64> {
        match e {
            Some((p, at, values)) => {
                insert_event(tx, *p, *at, values)?;
                Ok(1)
            }
            None => Ok(0),
        }
    };
    while let Some(r) = rows.next()? {
        let (patient, code, value, at): (i64, String, String, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        // A code this build does not know cannot be kept in a column; V10 never wrote one.
        let Some(field) = HistoryField::from_code(&code) else {
            continue;
        };
        let col = column_of(field);
        let continues =
            matches!(&current, Some((p, t, v)) if *p == patient && *t == at && v[col].is_none());
        if !continues {
            written += flush(&current)?;
            current = Some((patient, at, Default::default()));
        }
        if let Some((_, _, values)) = current.as_mut() {
            values[col] = Some(value);
        }
    }
    written += flush(&current)?;
    Ok(written)
}

/// Every history row up to `until` of the patients in scope, by patient.
pub(crate) fn history_until_in(
    conn: &Connection,
    until: DateTime<Utc>,
    scope: &Scope,
) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
    // A station reads the patients it holds now and those whose history passed through it.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT h.patient_id, h.began_at, {H_FIELD_COLUMNS} FROM patient_history h
         WHERE h.began_at <= ?1 AND (?2 IS NULL OR h.patient_id IN (
             SELECT id FROM patients WHERE station = ?2))
         ORDER BY h.patient_id, h.began_at, h.id"
    ))?;
    let mut out: HashMap<i64, Vec<HistoryEntry>> = HashMap::new();
    for row in stmt.query_map(params![millis(until), scope.station()], event)? {
        let (id, entries) = row?;
        out.entry(id).or_default().extend(entries);
    }
    Ok(out)
}

impl Store {
    /// One patient's timeline, oldest first; empty when the scope does not hold the patient.
    pub fn patient_history(&self, patient_id: i64, scope: &Scope) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT h.patient_id, h.began_at, {H_FIELD_COLUMNS} FROM patient_history h
             JOIN patients p ON p.id = h.patient_id
             WHERE h.patient_id = ?1 AND (?2 IS NULL OR p.station = ?2)
             ORDER BY h.began_at, h.id"
        ))?;
        let mut out = Vec::new();
        for row in stmt.query_map(params![patient_id, scope.station()], event)? {
            out.extend(row?.1);
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
