//! Follow-up records: writing one (inside the one-door API's transaction) and reading a
//! patient's.

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};

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
    let (outcome, class, risk) = match &f.outcome {
        FollowUpOutcome::Reached(a) => {
            ("reached", Some(a.class.code()), Some(a.risk_level.value()))
        }
        FollowUpOutcome::NotReached { .. } => ("not_reached", None, None),
        FollowUpOutcome::Died { .. } => ("died", None, None),
    };
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
