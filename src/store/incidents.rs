//! Incidents (案事件) and their 1-3-5 quick-response steps: opening one (from an alert, for a
//! patient, or for an unknown person), marking steps done, notes, and closing with the 三同步
//! checklist. Step deadlines are stored at opening, so every process computes the same states.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Result, Scope, Store, StoreError, audit, from_millis, millis};
use crate::config::QuickResponseConfig;
use crate::domain::incident::{Closing, StepState, check_closing, deadlines, step_state};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRow {
    pub step: u8,
    pub label_zh: String,
    pub label_en: String,
    pub deadline: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub actor: Option<String>,
    pub recorded_by: Option<String>,
}

impl StepRow {
    pub fn state(&self, now: DateTime<Utc>) -> StepState {
        step_state(self.deadline, self.done_at, now)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteRow {
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentRow {
    pub id: i64,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub patient_id: Option<i64>,
    pub patient_name: Option<String>,
    pub station: Option<String>,
    pub alert_id: Option<i64>,
    pub location: String,
    pub description: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub closing: Option<Closing>,
    pub steps: Vec<StepRow>,
    pub notes: Vec<NoteRow>,
}

impl IncidentRow {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// How urgent an open incident is at `now`: overdue steps first, then the nearest deadline.
    pub fn urgency(&self, now: DateTime<Utc>) -> (bool, i64) {
        let mut overdue = false;
        let mut nearest = i64::MAX;
        for s in &self.steps {
            match s.state(now) {
                StepState::Overdue { .. } => overdue = true,
                StepState::Pending { seconds_left } => nearest = nearest.min(seconds_left),
                _ => {}
            }
        }
        (!overdue, nearest)
    }
}

const SELECT: &str =
    "SELECT i.id, i.opened_at, i.opened_by, i.patient_id, p.name, p.station, i.alert_id,
    i.location, i.description, i.closed_at, i.closed_by, i.outcome, i.sync_checklist,
    i.persons_involved, i.injured, i.dead, i.reported_upward
    FROM incidents i LEFT JOIN patients p ON p.id = i.patient_id";

fn incident_row(r: &rusqlite::Row) -> rusqlite::Result<IncidentRow> {
    let outcome: Option<String> = r.get(11)?;
    let sync: Option<String> = r.get(12)?;
    let closing = match (
        outcome.and_then(|o| crate::domain::incident::Outcome::parse(&o)),
        sync,
    ) {
        (Some(outcome), Some(sync)) => Some(Closing {
            outcome,
            sync: serde_json::from_str(&sync).unwrap_or_default(),
            persons_involved: r.get::<_, Option<u32>>(13)?.unwrap_or(0),
            injured: r.get::<_, Option<u32>>(14)?.unwrap_or(0),
            dead: r.get::<_, Option<u32>>(15)?.unwrap_or(0),
            reported_upward: r.get::<_, Option<bool>>(16)?.unwrap_or(false),
        }),
        _ => None,
    };
    Ok(IncidentRow {
        id: r.get(0)?,
        opened_at: from_millis(r.get(1)?),
        opened_by: r.get(2)?,
        patient_id: r.get(3)?,
        patient_name: r.get(4)?,
        station: r.get(5)?,
        alert_id: r.get(6)?,
        location: r.get(7)?,
        description: r.get(8)?,
        closed_at: r.get::<_, Option<i64>>(9)?.map(from_millis),
        closed_by: r.get(10)?,
        closing,
        steps: Vec::new(),
        notes: Vec::new(),
    })
}

/// Who may see an incident: its patient's station, or for an unknown person the operator who
/// opened it (and the center).
fn visible(row: &IncidentRow, scope: &Scope, own_logins: &[String]) -> bool {
    match (&row.station, scope) {
        (_, Scope::All) => true,
        (Some(s), scope) => scope.admits_station(s),
        (None, _) => own_logins.contains(&row.opened_by),
    }
}

impl Store {
    fn fill(&self, mut row: IncidentRow) -> Result<IncidentRow> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT step, label, label_en, deadline_at, done_at, actor, recorded_by
             FROM incident_steps WHERE incident_id = ?1 ORDER BY step",
        )?;
        row.steps = stmt
            .query_map([row.id], |r| {
                Ok(StepRow {
                    step: r.get(0)?,
                    label_zh: r.get(1)?,
                    label_en: r.get(2)?,
                    deadline: from_millis(r.get(3)?),
                    done_at: r.get::<_, Option<i64>>(4)?.map(from_millis),
                    actor: r.get(5)?,
                    recorded_by: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT at, by, text FROM incident_notes WHERE incident_id = ?1 ORDER BY id",
        )?;
        row.notes = stmt
            .query_map([row.id], |r| {
                Ok(NoteRow {
                    at: from_millis(r.get(0)?),
                    by: r.get(1)?,
                    text: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(row)
    }

    /// Incidents in scope with their steps: open ones first, the most urgent first, then
    /// closed ones newest first.
    pub fn incidents(&self, scope: &Scope, own_logins: &[String]) -> Result<Vec<IncidentRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("{SELECT} ORDER BY i.opened_at DESC"))?;
        let rows: Vec<IncidentRow> = stmt
            .query_map([], incident_row)?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for row in rows {
            if visible(&row, scope, own_logins) {
                out.push(self.fill(row)?);
            }
        }
        Ok(out)
    }

    /// Incidents in scope opened in `[from, to)`, for compliance.
    pub fn incidents_opened_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        scope: &Scope,
        own_logins: &[String],
    ) -> Result<Vec<IncidentRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SELECT} WHERE i.opened_at >= ?1 AND i.opened_at < ?2 ORDER BY i.opened_at"
        ))?;
        let rows: Vec<IncidentRow> = stmt
            .query_map([millis(from), millis(to)], incident_row)?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for row in rows {
            if visible(&row, scope, own_logins) {
                out.push(self.fill(row)?);
            }
        }
        Ok(out)
    }

    pub fn incident(
        &self,
        id: i64,
        scope: &Scope,
        own_logins: &[String],
    ) -> Result<Option<IncidentRow>> {
        let row = self
            .conn()
            .query_row(&format!("{SELECT} WHERE i.id = ?1"), [id], incident_row)
            .optional()?;
        match row {
            Some(r) if visible(&r, scope, own_logins) => Ok(Some(self.fill(r)?)),
            _ => Ok(None),
        }
    }

    /// Opens an incident at `now` with the configured steps. From an alert, the alert moves to
    /// in progress and is linked. Returns the new incident's id.
    #[allow(clippy::too_many_arguments)]
    pub fn open_incident(
        &mut self,
        patient_id: Option<i64>,
        alert_id: Option<i64>,
        location: &str,
        description: &str,
        operator: &str,
        scope: &Scope,
        config: &QuickResponseConfig,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if let Some(pid) = patient_id
            && self.patient(pid, scope)?.is_none()
        {
            return Err(StoreError::NotFound(format!("patient {pid}")));
        }
        if let Some(aid) = alert_id
            && self.alert(aid, scope)?.is_none()
        {
            return Err(StoreError::NotFound(format!("alert {aid}")));
        }
        if location.trim().is_empty() {
            return Err(StoreError::Refused("location".into()));
        }
        let ts = millis(now);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO incidents (opened_at, opened_by, patient_id, alert_id, location, description)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![ts, operator, patient_id, alert_id, location.trim(), description.trim()],
            )?;
            let id = tx.last_insert_rowid();
            for (n, (step, deadline)) in config.steps.iter().zip(deadlines(now, config)).enumerate() {
                tx.execute(
                    "INSERT INTO incident_steps (incident_id, step, label, label_en, deadline_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, n as i64 + 1, step.label_zh, step.label_en, millis(deadline)],
                )?;
            }
            if let Some(aid) = alert_id {
                tx.execute(
                    "UPDATE alerts SET status = 'in_progress', incident_id = ?1,
                        in_progress_at = COALESCE(in_progress_at, ?2),
                        in_progress_by = COALESCE(in_progress_by, ?3),
                        acknowledged_at = COALESCE(acknowledged_at, ?2),
                        acknowledged_by = COALESCE(acknowledged_by, ?3)
                     WHERE id = ?4 AND status <> 'resolved'",
                    params![id, ts, operator, aid],
                )?;
            }
            let after = serde_json::json!({
                "patient_id": patient_id, "alert_id": alert_id, "location": location.trim(),
                "description": description.trim(),
            });
            audit::record(tx, now, operator, "incident.open", "incident", Some(&id.to_string()), None, Some(&after))?;
            Ok(id)
        })
    }

    /// Records that step `step` was done at `now` by `actor`. The first to record a step wins;
    /// a second attempt (another desk at the same moment) is refused naming who did it.
    #[allow(clippy::too_many_arguments)]
    pub fn mark_step(
        &mut self,
        incident_id: i64,
        step: u8,
        actor: &str,
        operator: &str,
        scope: &Scope,
        own_logins: &[String],
        now: DateTime<Utc>,
    ) -> Result<StepRow> {
        let incident = self
            .incident(incident_id, scope, own_logins)?
            .ok_or_else(|| StoreError::NotFound(format!("incident {incident_id}")))?;
        if !incident.is_open() {
            return Err(StoreError::Refused(format!(
                "incident {incident_id} is closed"
            )));
        }
        if !incident.steps.iter().any(|s| s.step == step) {
            return Err(StoreError::NotFound(format!("step {step}")));
        }
        let actor = actor.trim();
        if actor.is_empty() {
            return Err(StoreError::Refused("who acted".into()));
        }
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE incident_steps SET done_at = ?1, actor = ?2, recorded_by = ?3
                 WHERE incident_id = ?4 AND step = ?5 AND done_at IS NULL",
                params![millis(now), actor, operator, incident_id, step],
            )?;
            if changed == 0 {
                let by: Option<String> = tx
                    .query_row(
                        "SELECT actor FROM incident_steps WHERE incident_id = ?1 AND step = ?2",
                        params![incident_id, step],
                        |r| r.get(0),
                    )
                    .optional()?
                    .flatten();
                return Err(StoreError::StepAlreadyDone {
                    step,
                    actor: by.unwrap_or_default(),
                });
            }
            let after = serde_json::json!({"step": step, "actor": actor});
            audit::record(
                tx,
                now,
                operator,
                "incident.step",
                "incident",
                Some(&incident_id.to_string()),
                None,
                Some(&after),
            )
        })?;
        let row = self
            .incident(incident_id, scope, own_logins)?
            .expect("just written");
        Ok(row
            .steps
            .into_iter()
            .find(|s| s.step == step)
            .expect("step exists"))
    }

    pub fn add_incident_note(
        &mut self,
        incident_id: i64,
        text: &str,
        operator: &str,
        scope: &Scope,
        own_logins: &[String],
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.incident(incident_id, scope, own_logins)?
            .ok_or_else(|| StoreError::NotFound(format!("incident {incident_id}")))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO incident_notes (incident_id, at, by, text) VALUES (?1, ?2, ?3, ?4)",
                params![incident_id, millis(now), operator, text.trim()],
            )?;
            let after = serde_json::json!({"note": text.trim()});
            audit::record(
                tx,
                now,
                operator,
                "incident.note",
                "incident",
                Some(&incident_id.to_string()),
                None,
                Some(&after),
            )
        })
    }

    /// Closes an incident with its record; with `resolve_alert`, the alert it came from is
    /// resolved too. The checklist must be answered.
    #[allow(clippy::too_many_arguments)]
    pub fn close_incident(
        &mut self,
        incident_id: i64,
        closing: &Closing,
        resolve_alert: bool,
        operator: &str,
        scope: &Scope,
        own_logins: &[String],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let incident = self
            .incident(incident_id, scope, own_logins)?
            .ok_or_else(|| StoreError::NotFound(format!("incident {incident_id}")))?;
        if !incident.is_open() {
            return Err(StoreError::Refused(format!(
                "incident {incident_id} is already closed"
            )));
        }
        check_closing(closing).map_err(|r| StoreError::Refused(format!("{r:?}")))?;
        let ts = millis(now);
        let sync = serde_json::to_string(&closing.sync).expect("serialisable");
        self.write(|tx| {
            tx.execute(
                "UPDATE incidents SET closed_at = ?1, closed_by = ?2, outcome = ?3, sync_checklist = ?4,
                    persons_involved = ?5, injured = ?6, dead = ?7, reported_upward = ?8
                 WHERE id = ?9 AND closed_at IS NULL",
                params![
                    ts,
                    operator,
                    closing.outcome.code(),
                    sync,
                    closing.persons_involved,
                    closing.injured,
                    closing.dead,
                    closing.reported_upward,
                    incident_id
                ],
            )?;
            if let (true, Some(aid)) = (resolve_alert, incident.alert_id) {
                tx.execute(
                    "UPDATE alerts SET status = 'resolved', resolved_at = ?1, resolved_by = ?2,
                        resolution = ?3 WHERE id = ?4 AND status <> 'resolved'",
                    params![ts, operator, format!("incident {incident_id}: {}", closing.outcome.zh()), aid],
                )?;
            }
            let after = serde_json::to_value(closing).ok();
            audit::record(tx, now, operator, "incident.close", "incident", Some(&incident_id.to_string()), None, after.as_ref())
        })
    }
}
