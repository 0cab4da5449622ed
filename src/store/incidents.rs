//! Incidents (案事件) and their 1-3-5 quick-response steps: opening one (from an alert, for a
//! patient, or for an unknown person), marking steps done, notes, and closing with the 三同步
//! checklist. Step deadlines are stored at opening, so every process computes the same states.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use rusqlite::{Connection, Transaction};

use super::{Result, Scope, Store, from_millis, millis};
use crate::config::QuickResponseConfig;
use crate::domain::incident::{Closing, StepState, deadlines, step_state};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRow {
    pub step: u8,
    pub label_zh: String,
    pub label_en: String,
    pub deadline: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub actor: Option<String>,
    pub recorded_by: Option<String>,
    /// Marked skipped (not done) with this reason, when and by whom (`recorded_by`).
    pub skipped_at: Option<DateTime<Utc>>,
    pub skip_reason: Option<String>,
    /// The entry (actor or time) was corrected after it was recorded; the audit keeps the
    /// original.
    pub corrected_at: Option<DateTime<Utc>>,
    pub corrected_by: Option<String>,
    /// When the incident was closed: the step's clock stops there.
    #[serde(skip)]
    pub closed_at: Option<DateTime<Utc>>,
}

impl StepRow {
    /// The step's state at `now`, or at the closing if the incident is closed: a closed
    /// incident's steps no longer count down.
    pub fn state(&self, now: DateTime<Utc>) -> StepState {
        if self.done_at.is_none() && self.skip_reason.is_some() {
            return StepState::Skipped;
        }
        let at = self.closed_at.map_or(now, |c| c.min(now));
        match step_state(self.deadline, self.done_at, at) {
            StepState::Pending { seconds_left } if self.closed_at.is_some_and(|c| c <= now) => {
                StepState::Unfinished { seconds_left }
            }
            state => state,
        }
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
    "SELECT i.id, i.opened_at, i.opened_by, i.patient_id, p.name, i.station, i.alert_id,
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

/// The steps and notes of an incident, read with `conn` (a transaction or the store's).
fn fill_in(conn: &Connection, mut row: IncidentRow) -> Result<IncidentRow> {
    let mut stmt = conn.prepare_cached(
        "SELECT step, label, label_en, deadline_at, done_at, actor, recorded_by, skipped_at,
            skip_reason, corrected_at, corrected_by
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
                skipped_at: r.get::<_, Option<i64>>(7)?.map(from_millis),
                skip_reason: r.get(8)?,
                corrected_at: r.get::<_, Option<i64>>(9)?.map(from_millis),
                corrected_by: r.get(10)?,
                closed_at: row.closed_at,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
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

/// The incident if the scope sees it: the station filter is part of the query. An incident
/// carries the station that sees it (its patient's, or for an unknown person the station of
/// the location, as named when opened).
pub(crate) fn load_in(conn: &Connection, id: i64, scope: &Scope) -> Result<Option<IncidentRow>> {
    let row = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE i.id = ?1 AND (?2 IS NULL OR i.station = ?2)"
        ))?
        .query_row(params![id, scope.station()], incident_row)
        .optional()?;
    row.map(|r| fill_in(conn, r)).transpose()
}

/// What opening an incident writes.
pub(crate) struct NewIncident<'a> {
    pub patient_id: Option<i64>,
    pub alert_id: Option<i64>,
    pub station: Option<&'a str>,
    pub location: &'a str,
    pub description: &'a str,
}

/// Inserts an incident opened at `now` with the configured steps; returns its id.
pub(crate) fn insert_in(
    tx: &Transaction,
    n: &NewIncident,
    login: &str,
    config: &QuickResponseConfig,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO incidents (opened_at, opened_by, patient_id, alert_id, location, description,
            station)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            millis(now),
            login,
            n.patient_id,
            n.alert_id,
            n.location,
            n.description,
            n.station
        ],
    )?;
    let id = tx.last_insert_rowid();
    for (k, (step, deadline)) in config.steps.iter().zip(deadlines(now, config)).enumerate() {
        tx.execute(
            "INSERT INTO incident_steps (incident_id, step, label, label_en, deadline_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                k as i64 + 1,
                step.label_zh,
                step.label_en,
                millis(deadline)
            ],
        )?;
    }
    Ok(id)
}

/// Links an alert to the incident opened from it and moves it to in progress (if still open).
pub(crate) fn link_alert_in(
    tx: &Transaction,
    alert_id: i64,
    incident_id: i64,
    login: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let ts = millis(now);
    Ok(tx.execute(
        "UPDATE alerts SET status = 'in_progress', incident_id = ?1,
            in_progress_at = COALESCE(in_progress_at, ?2),
            in_progress_by = COALESCE(in_progress_by, ?3),
            acknowledged_at = COALESCE(acknowledged_at, ?2),
            acknowledged_by = COALESCE(acknowledged_by, ?3)
         WHERE id = ?4 AND status <> 'resolved'",
        params![incident_id, ts, login, alert_id],
    )? == 1)
}

/// Records step `step` done, only if nobody has (compare-and-set). True when recorded.
pub(crate) fn mark_step_in(
    tx: &Transaction,
    incident_id: i64,
    step: u8,
    actor: &str,
    login: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE incident_steps SET done_at = ?1, actor = ?2, recorded_by = ?3
         WHERE incident_id = ?4 AND step = ?5 AND done_at IS NULL AND skip_reason IS NULL",
        params![millis(now), actor, login, incident_id, step],
    )? == 1)
}

/// Marks step `step` skipped with a reason, only if it is neither done nor skipped
/// (compare-and-set). True when marked.
pub(crate) fn skip_step_in(
    tx: &Transaction,
    incident_id: i64,
    step: u8,
    reason: &str,
    login: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE incident_steps SET skipped_at = ?1, skip_reason = ?2, recorded_by = ?3
         WHERE incident_id = ?4 AND step = ?5 AND done_at IS NULL AND skip_reason IS NULL",
        params![millis(now), reason, login, incident_id, step],
    )? == 1)
}

/// Corrects a done step's actor and time, only if it still reads as the operator saw it
/// (compare-and-set on the actor and time). True when corrected.
#[allow(clippy::too_many_arguments)]
pub(crate) fn correct_step_in(
    tx: &Transaction,
    incident_id: i64,
    step: u8,
    seen: (&str, DateTime<Utc>),
    actor: &str,
    done_at: DateTime<Utc>,
    login: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE incident_steps SET actor = ?1, done_at = ?2, corrected_at = ?3, corrected_by = ?4
         WHERE incident_id = ?5 AND step = ?6 AND actor = ?7 AND done_at = ?8",
        params![
            actor,
            millis(done_at),
            millis(now),
            login,
            incident_id,
            step,
            seen.0,
            millis(seen.1)
        ],
    )? == 1)
}

pub(crate) fn add_note_in(
    tx: &Transaction,
    incident_id: i64,
    text: &str,
    login: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO incident_notes (incident_id, at, by, text) VALUES (?1, ?2, ?3, ?4)",
        params![incident_id, millis(now), login, text],
    )?;
    Ok(())
}

/// Closes the incident with its record, only if still open (compare-and-set).
pub(crate) fn close_in(
    tx: &Transaction,
    incident_id: i64,
    closing: &Closing,
    login: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sync = serde_json::to_string(&closing.sync).expect("serialisable");
    Ok(tx.execute(
        "UPDATE incidents SET closed_at = ?1, closed_by = ?2, outcome = ?3, sync_checklist = ?4,
            persons_involved = ?5, injured = ?6, dead = ?7, reported_upward = ?8
         WHERE id = ?9 AND closed_at IS NULL",
        params![
            millis(now),
            login,
            closing.outcome.code(),
            sync,
            closing.persons_involved,
            closing.injured,
            closing.dead,
            closing.reported_upward,
            incident_id
        ],
    )? == 1)
}

/// Incidents in scope with their steps, newest first.
pub(crate) fn incidents_in(conn: &Connection, scope: &Scope) -> Result<Vec<IncidentRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE (?1 IS NULL OR i.station = ?1) ORDER BY i.opened_at DESC"
    ))?;
    let rows: Vec<IncidentRow> = stmt
        .query_map([scope.station()], incident_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|r| fill_in(conn, r)).collect()
}

impl Store {
    /// The incidents `incidents` would list, in the same order, each with its steps handed to
    /// `f` as it is read, so a long history is never held whole.
    pub fn for_each_incident(
        &self,
        scope: &Scope,
        mut f: impl FnMut(IncidentRow) -> Result<()>,
    ) -> Result<()> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "{SELECT} WHERE (?1 IS NULL OR i.station = ?1) ORDER BY i.opened_at DESC"
        ))?;
        let mut cursor = stmt.query([scope.station()])?;
        while let Some(r) = cursor.next()? {
            f(fill_in(conn, incident_row(r)?)?)?;
        }
        Ok(())
    }

    /// Incidents in scope with their steps, newest first.
    pub fn incidents(&self, scope: &Scope) -> Result<Vec<IncidentRow>> {
        incidents_in(self.conn(), scope)
    }

    /// Incidents in scope opened in `[from, to)`, for compliance.
    pub fn incidents_opened_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        scope: &Scope,
    ) -> Result<Vec<IncidentRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SELECT} WHERE i.opened_at >= ?1 AND i.opened_at < ?2
               AND (?3 IS NULL OR i.station = ?3) ORDER BY i.opened_at"
        ))?;
        let rows: Vec<IncidentRow> = stmt
            .query_map(
                params![millis(from), millis(to), scope.station()],
                incident_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|r| fill_in(self.conn(), r)).collect()
    }

    pub fn incident(&self, id: i64, scope: &Scope) -> Result<Option<IncidentRow>> {
        load_in(self.conn(), id, scope)
    }
}
