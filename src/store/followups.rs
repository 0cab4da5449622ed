//! Follow-up records: writing one, or replacing the day's one (inside the one-door API's
//! transaction), and reading a patient's.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Scope, Store, millis};
use crate::domain::followup::{FollowUp, FollowUpOutcome};
use crate::domain::patient::Vocabulary;

/// Inserts a follow-up record; returns its id. The caller has checked it against the patient
/// and writes the patient and the audit row in the same transaction.
pub(crate) fn insert_in(
    tx: &Transaction,
    patient_id: i64,
    f: &FollowUp,
    login: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (outcome, class, risk) = columns(f);
    let record = serde_json::to_string(f).expect("serialisable");
    let form = serde_json::to_value(f.form).expect("serialisable");
    tx.execute(
        "INSERT INTO followups (patient_id, date, form, outcome, class, risk_level, record,
            next_date, by_whom, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            patient_id,
            f.date.to_string(),
            form.as_str(),
            outcome,
            class,
            risk,
            record,
            f.next_date.map(|d| d.to_string()),
            f.by_whom,
            login,
            millis(now)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The follow-up a patient already has on `date`, if any: its id and the record as stored.
pub(crate) fn on_day_in(
    tx: &Transaction,
    patient_id: i64,
    date: chrono::NaiveDate,
) -> Result<Option<(i64, FollowUp)>> {
    let row: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, record FROM followups WHERE patient_id = ?1 AND date = ?2
             ORDER BY id DESC LIMIT 1",
            params![patient_id, date.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(id, rec)| serde_json::from_str(&rec).ok().map(|f| (id, f))))
}

/// The patient's fields as they were before the day's follow-up `followup_id` changed them:
/// the `before` of the audit row that last wrote it (a record or a correction).
pub(crate) fn patient_before_in(
    tx: &Transaction,
    patient_id: i64,
    followup_id: i64,
) -> Result<Option<serde_json::Value>> {
    let before: Option<Option<String>> = tx
        .query_row(
            "SELECT before FROM audit_log
             WHERE action IN ('followup.record', 'followup.correct') AND entity = 'patient'
               AND entity_id = ?1 AND json_extract(after, '$.followup_id') = ?2
             ORDER BY id DESC LIMIT 1",
            params![patient_id.to_string(), followup_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(before.flatten().and_then(|b| serde_json::from_str(&b).ok()))
}

/// Replaces the record of follow-up `id` (a correction on the same day).
pub(crate) fn replace_in(
    tx: &Transaction,
    id: i64,
    f: &FollowUp,
    login: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let (outcome, class, risk) = columns(f);
    let record = serde_json::to_string(f).expect("serialisable");
    let form = serde_json::to_value(f.form).expect("serialisable");
    tx.execute(
        "UPDATE followups SET form = ?2, outcome = ?3, class = ?4, risk_level = ?5, record = ?6,
            next_date = ?7, by_whom = ?8, recorded_by = ?9, recorded_at = ?10
         WHERE id = ?1",
        params![
            id,
            form.as_str(),
            outcome,
            class,
            risk,
            record,
            f.next_date.map(|d| d.to_string()),
            f.by_whom,
            login,
            millis(now)
        ],
    )?;
    Ok(())
}

fn columns(f: &FollowUp) -> (&'static str, Option<&'static str>, Option<u8>) {
    match &f.outcome {
        FollowUpOutcome::Reached(a) => {
            ("reached", Some(a.class.code()), Some(a.risk_level.value()))
        }
        FollowUpOutcome::NotReached { .. } => ("not_reached", None, None),
        FollowUpOutcome::Died { .. } => ("died", None, None),
    }
}

impl Store {
    /// The follow-ups of a patient in scope, newest first.
    pub fn followups(&self, patient_id: i64, scope: &Scope) -> Result<Vec<FollowUp>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.record FROM followups f JOIN patients p ON p.id = f.patient_id
             WHERE f.patient_id = ?1 AND (?2 IS NULL OR p.station = ?2)
             ORDER BY f.date DESC, f.id DESC",
        )?;
        let rows = stmt.query_map(params![patient_id, scope.station()], |r| {
            r.get::<_, String>(0)
        })?;
        let mut out = Vec::new();
        for r in rows {
            if let Ok(f) = serde_json::from_str(&r?) {
                out.push(f);
            }
        }
        Ok(out)
    }
}
