//! Saving a follow-up: the record, the patient it changes and that patient's alerts, in one
//! transaction, after the domain has checked it against the patient as stored at that moment.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;

use super::alerts::ReconcileSummary;
use super::{Result, Scope, Store, StoreError, audit, millis, patients};
use crate::config::Config;
use crate::domain::followup::{self, FollowUp, FollowUpOutcome, FollowUpRefusal};
use crate::domain::patient::{Patient, Vocabulary};

#[derive(Debug, Clone, Serialize)]
pub struct FollowUpSaved {
    pub followup_id: i64,
    pub patient: Patient,
    pub alerts: ReconcileSummary,
}

#[derive(Debug, thiserror::Error)]
pub enum FollowUpError {
    #[error("follow-up refused: {0:?}")]
    Refused(FollowUpRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    #[allow(clippy::too_many_arguments)]
    pub fn record_followup(
        &mut self,
        patient_id: i64,
        f: &FollowUp,
        operator: &str,
        scope: &Scope,
        config: &Config,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> std::result::Result<FollowUpSaved, FollowUpError> {
        if self.patient(patient_id, scope)?.is_none() {
            return Err(StoreError::NotFound(format!("patient {patient_id}")).into());
        }
        let mut refusal = None;
        let saved = self.write(|tx| {
            let before = patients::load(tx, patient_id)?;
            if let Err(r) = followup::validate(&before, f, today) {
                refusal = Some(r);
                return Err(StoreError::Refused("follow-up".into()));
            }
            let after = followup::apply(&before, f, &config.followup);
            patients::save(tx, &after, now, f.date)?;
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
                    operator,
                    millis(now)
                ],
            )?;
            let followup_id = tx.last_insert_rowid();
            let b = serde_json::to_value(&before).ok();
            let a = serde_json::json!({"followup_id": followup_id, "patient": after});
            let pid = patient_id.to_string();
            audit::record(
                tx,
                now,
                operator,
                "followup.record",
                "patient",
                Some(&pid),
                b.as_ref(),
                Some(&a),
            )?;
            let alerts = Store::refresh_patient_alerts(tx, patient_id, now, config)?;
            Ok(FollowUpSaved {
                followup_id,
                patient: after,
                alerts,
            })
        });
        match (saved, refusal) {
            (_, Some(r)) => Err(FollowUpError::Refused(r)),
            (Ok(s), None) => Ok(s),
            (Err(e), None) => Err(e.into()),
        }
    }

    /// The patient's follow-ups, newest first.
    pub fn followups(&self, patient_id: i64) -> Result<Vec<FollowUp>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT record FROM followups WHERE patient_id=?1 ORDER BY date DESC, id DESC",
        )?;
        let rows = stmt.query_map([patient_id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            if let Ok(f) = serde_json::from_str(&r?) {
                out.push(f);
            }
        }
        Ok(out)
    }
}
