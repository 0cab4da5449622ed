//! Persisted alerts: derived ones reconciled with the data, reported ones raised by operators,
//! and the lifecycle new → acknowledged → in progress → resolved with who and when.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;

use super::audit::{self, AuditEvent, Author};
use super::deriver;
use super::rows::{self, PATIENT_COLUMNS};
use super::{Result, Scope, Store, from_millis, millis};
use crate::config::Config;
use crate::domain::alert::{AlertKind, AlertStatus, DerivedAlert, RoleSet, Severity, derive};
use crate::domain::audit::AuditAction;
use crate::domain::clock::beijing_date;
use crate::domain::control::in_force_for;
use crate::domain::patient::{Condition, Patient};

pub use super::audit::SYSTEM;

/// An alert as operators see it: the stored lifecycle joined with its patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRow {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub id_number: String,
    pub risk_level: u8,
    pub condition: Condition,
    pub village: String,
    pub station: String,
    pub kind: AlertKind,
    pub severity: Severity,
    pub status: AlertStatus,
    /// The due date for the overdue kinds.
    pub since: Option<NaiveDate>,
    pub note: String,
    pub raised_at: DateTime<Utc>,
    pub raised_by: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub in_progress_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
    pub in_progress_at: Option<DateTime<Utc>>,
    pub incident_id: Option<i64>,
    /// Silenced until this day (inclusive) with a reason; shows again after it, or as soon as
    /// the patient's state changes the alert.
    pub snoozed_until: Option<NaiveDate>,
    pub snooze_reason: Option<String>,
}

impl AlertRow {
    /// Whole days past the due date on `today`, for the overdue kinds.
    pub fn days_overdue(&self, today: NaiveDate) -> Option<i64> {
        crate::domain::alert::days_past_due(self.kind, self.since, today)
    }

    /// Whether the alert is silenced on `today`.
    pub fn is_snoozed(&self, today: NaiveDate) -> bool {
        crate::domain::alert::is_snoozed(self.status, self.snoozed_until, today)
    }

    /// Who moved the alert last, and when: for telling a second desk who acted first.
    pub fn last_actor(&self) -> (Option<&str>, Option<DateTime<Utc>>) {
        match self.status {
            AlertStatus::Resolved => (self.resolved_by.as_deref(), self.resolved_at),
            AlertStatus::InProgress => (self.in_progress_by.as_deref(), self.in_progress_at),
            AlertStatus::Acknowledged => (self.acknowledged_by.as_deref(), self.acknowledged_at),
            AlertStatus::New => (None, None),
        }
    }

    /// Who took the alert in hand, if anyone.
    pub fn taken_by(&self) -> Option<&str> {
        self.in_progress_by
            .as_deref()
            .or(self.acknowledged_by.as_deref())
    }
}

/// What one reconciliation changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileSummary {
    pub opened: usize,
    pub closed: usize,
    pub updated: usize,
}

impl ReconcileSummary {
    pub fn is_empty(&self) -> bool {
        self.opened + self.closed + self.updated == 0
    }
}

/// An alert's own columns, in the order `lifecycle` reads them (positions 0 to 18).
macro_rules! lifecycle_columns {
    () => {
        "a.id, a.patient_id, a.kind, a.severity, a.status, a.since, a.note, a.raised_at,
        a.raised_by, a.acknowledged_at, a.acknowledged_by, a.in_progress_by, a.resolved_at,
        a.resolved_by, a.resolution, a.in_progress_at, a.incident_id, a.snoozed_until,
        a.snooze_reason"
    };
}

/// An alert's own columns, then its patient's (positions 19 to 24, see `alert_row`).
macro_rules! alert_columns {
    () => {
        concat!(
            lifecycle_columns!(),
            ", p.name, p.id_number, p.risk_level, p.condition, p.village, p.station"
        )
    };
}

pub(super) const ALERT_SELECT: &str = concat!(
    "SELECT ",
    alert_columns!(),
    " FROM alerts a JOIN patients p ON p.id = a.patient_id"
);

/// An open alert as a list shows it, borrowed from the row being read: what the console
/// keeps of each alert (`each_open_alert`), with no string made for it.
#[derive(Debug, Clone, Copy)]
pub struct OpenAlert<'a> {
    pub id: i64,
    pub patient_id: i64,
    pub kind: AlertKind,
    pub severity: Severity,
    pub status: AlertStatus,
    pub since: Option<NaiveDate>,
    pub raised_at: DateTime<Utc>,
    pub snoozed_until: Option<NaiveDate>,
    /// The desk that has it in hand, else the one that acknowledged it.
    pub taken_by: Option<&'a str>,
    pub patient_name: &'a str,
    pub risk_level: u8,
    pub village: &'a str,
    pub station: &'a str,
}

impl AlertRow {
    pub fn as_open(&self) -> OpenAlert<'_> {
        OpenAlert {
            id: self.id,
            patient_id: self.patient_id,
            kind: self.kind,
            severity: self.severity,
            status: self.status,
            since: self.since,
            raised_at: self.raised_at,
            snoozed_until: self.snoozed_until,
            taken_by: self.taken_by(),
            patient_name: &self.patient_name,
            risk_level: self.risk_level,
            village: &self.village,
            station: &self.station,
        }
    }
}

/// The columns `open_alert` reads.
pub(super) const OPEN_ALERT_COLUMNS: &str = "a.id, a.patient_id, a.kind, a.severity, a.status,
    a.since, a.raised_at, a.snoozed_until, coalesce(a.in_progress_by, a.acknowledged_by),
    p.name, p.risk_level, p.village, p.station";

/// Reads `OPEN_ALERT_COLUMNS` in place.
pub(super) fn open_alert<'a>(r: &'a rusqlite::Row) -> rusqlite::Result<OpenAlert<'a>> {
    let (kind, severity, status) = what(r)?;
    Ok(OpenAlert {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        kind,
        severity,
        status,
        since: day_at(r, 5)?,
        raised_at: from_millis(r.get(6)?),
        snoozed_until: day_at(r, 7)?,
        taken_by: r.get_ref(8)?.as_str_or_null()?,
        patient_name: text_at(r, 9)?,
        risk_level: r.get(10)?,
        village: text_at(r, 11)?,
        station: text_at(r, 12)?,
    })
}

/// A text column read in place.
fn text_at<'a>(r: &'a rusqlite::Row, i: usize) -> rusqlite::Result<&'a str> {
    Ok(r.get_ref(i)?.as_str()?)
}

/// A stored day (`YYYY-MM-DD`) read in place.
fn day_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    Ok(r.get_ref(i)?
        .as_str_or_null()?
        .and_then(super::rows::parse_date))
}

/// Kind, severity and status: columns 2 to 4 of both `lifecycle_columns!` and
/// `OPEN_ALERT_COLUMNS`.
fn what(r: &rusqlite::Row) -> rusqlite::Result<(AlertKind, Severity, AlertStatus)> {
    Ok((
        AlertKind::from_code(text_at(r, 2)?).ok_or_else(|| bad_code(2, "kind"))?,
        Severity::from_code(text_at(r, 3)?).ok_or_else(|| bad_code(3, "severity"))?,
        AlertStatus::from_code(text_at(r, 4)?).ok_or_else(|| bad_code(4, "status"))?,
    ))
}

/// Only the alerts' own columns (`FROM alerts a`), for a caller that holds the patients.
pub(super) const LIFECYCLE_SELECT: &str =
    concat!("SELECT ", lifecycle_columns!(), " FROM alerts a");

fn bad_code(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("unknown {what}").into(),
    )
}

/// A stored alert's own columns, without its patient's: what `alert_row` reads joined, and
/// what `alerts --as-of` joins with the patients it already holds (`with_patient`).
pub(super) struct Lifecycle {
    pub id: i64,
    pub patient_id: i64,
    pub kind: AlertKind,
    pub severity: Severity,
    pub status: AlertStatus,
    pub since: Option<NaiveDate>,
    pub note: String,
    pub raised_at: DateTime<Utc>,
    pub raised_by: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub in_progress_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
    pub in_progress_at: Option<DateTime<Utc>>,
    pub incident_id: Option<i64>,
    pub snoozed_until: Option<NaiveDate>,
    pub snooze_reason: Option<String>,
}

/// The patient's part of an alert row as lists show it.
pub(super) struct AlertPatient {
    pub name: String,
    pub id_number: String,
    pub risk_level: u8,
    pub condition: Condition,
    pub village: String,
    pub station: String,
}

/// Reads `lifecycle_columns!`. Codes and dates are read in place: the console's first load
/// reads every open alert.
pub(super) fn lifecycle(r: &rusqlite::Row) -> rusqlite::Result<Lifecycle> {
    let (kind, severity, status) = what(r)?;
    let millis = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_millis))
    };
    Ok(Lifecycle {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        kind,
        severity,
        status,
        since: day_at(r, 5)?,
        note: r.get(6)?,
        raised_at: from_millis(r.get(7)?),
        raised_by: r.get(8)?,
        acknowledged_at: millis(9)?,
        acknowledged_by: r.get(10)?,
        in_progress_by: r.get(11)?,
        resolved_at: millis(12)?,
        resolved_by: r.get(13)?,
        resolution: r.get(14)?,
        in_progress_at: millis(15)?,
        incident_id: r.get(16)?,
        snoozed_until: day_at(r, 17)?,
        snooze_reason: r.get(18)?,
    })
}

/// Reads `ALERT_SELECT`.
pub(super) fn alert_row(r: &rusqlite::Row) -> rusqlite::Result<AlertRow> {
    use crate::domain::patient::Vocabulary;
    let condition = text_at(r, 22)?;
    let patient = AlertPatient {
        name: r.get(19)?,
        id_number: r.get(20)?,
        risk_level: r.get(21)?,
        condition: Condition::from_code(condition).ok_or_else(|| bad_code(22, "condition"))?,
        village: r.get(23)?,
        station: r.get(24)?,
    };
    Ok(lifecycle(r)?.with_patient(patient))
}

impl Lifecycle {
    /// The alert as every list shows it: its own columns with its patient's.
    pub(super) fn with_patient(self, p: AlertPatient) -> AlertRow {
        AlertRow {
            id: self.id,
            patient_id: self.patient_id,
            patient_name: p.name,
            id_number: p.id_number,
            risk_level: p.risk_level,
            condition: p.condition,
            village: p.village,
            station: p.station,
            kind: self.kind,
            severity: self.severity,
            status: self.status,
            since: self.since,
            note: self.note,
            raised_at: self.raised_at,
            raised_by: self.raised_by,
            acknowledged_at: self.acknowledged_at,
            acknowledged_by: self.acknowledged_by,
            in_progress_by: self.in_progress_by,
            resolved_at: self.resolved_at,
            resolved_by: self.resolved_by,
            resolution: self.resolution,
            in_progress_at: self.in_progress_at,
            incident_id: self.incident_id,
            snoozed_until: self.snoozed_until,
            snooze_reason: self.snooze_reason,
        }
    }
}

/// Most urgent first, then oldest: the order every list of alerts keeps.
pub fn sort_alerts(v: &mut [AlertRow]) {
    v.sort_by_key(|a| (a.severity, a.raised_at, a.id));
}

/// Up to this many patients, `reconcile` reads their open alerts patient by patient (an
/// indexed query each) instead of reading every open alert of the register.
const PER_PATIENT_LOAD: usize = 4096;

/// Brings the open derived alerts in line with `derived`: inserts what is new, closes what no
/// longer holds (with that reason), updates severity or due date in place. Acknowledgements and
/// who took an alert are left as they are. `patients` limits the reconciliation to those
/// patients; `None` means the whole register.
pub fn reconcile(
    tx: &Transaction,
    derived: &[DerivedAlert],
    patients: Option<&[i64]>,
    now: DateTime<Utc>,
) -> Result<ReconcileSummary> {
    let mut open: HashMap<(i64, AlertKind), (i64, Severity, Option<String>)> = HashMap::new();
    {
        // The open alerts of the patients whose ids lie in a range, or of everyone.
        let mut load = |ids: Option<(i64, i64)>| -> Result<()> {
            // Two statements: `?1 IS NULL OR patient_id BETWEEN ?1 AND ?2` would keep SQLite
            // from using the patient index, scanning every alert for each patient.
            let mut stmt = tx.prepare_cached(if ids.is_some() {
                "SELECT id, patient_id, kind, severity, since FROM alerts
                 WHERE patient_id BETWEEN ?1 AND ?2 AND status <> 'resolved'
                   AND kind NOT IN ('reported', 'transferred_in')"
            } else {
                "SELECT id, patient_id, kind, severity, since FROM alerts
                 WHERE status <> 'resolved' AND kind NOT IN ('reported', 'transferred_in')"
            })?;
            let mut rows = match ids {
                Some((first, last)) => stmt.query([first, last])?,
                None => stmt.query([])?,
            };
            while let Some(r) = rows.next()? {
                let kind: String = r.get(2)?;
                let sev: String = r.get(3)?;
                if let (Some(kind), Some(sev)) =
                    (AlertKind::from_code(&kind), Severity::from_code(&sev))
                {
                    open.insert((r.get(1)?, kind), (r.get(0)?, sev, r.get(4)?));
                }
            }
            Ok(())
        };
        match patients {
            // Up to a few thousand patients (a midnight's worth for the deriver): a query
            // each, so memory follows them. More (an import's group): one pass over the open
            // alerts of their range of ids, then keep only theirs; the patients an import
            // adds have the newest ids, past every alert.
            Some(ids) if ids.len() <= PER_PATIENT_LOAD => {
                for id in ids {
                    load(Some((*id, *id)))?;
                }
            }
            Some(ids) => {
                let first = ids.iter().copied().min().unwrap_or_default();
                let last = ids.iter().copied().max().unwrap_or_default();
                load(Some((first, last)))?
            }
            None => load(None)?,
        }
    }
    if let Some(ids) = patients.filter(|ids| ids.len() > PER_PATIENT_LOAD) {
        let wanted: std::collections::HashSet<i64> = ids.iter().copied().collect();
        open.retain(|(pid, _), _| wanted.contains(pid));
    }
    let mut summary = ReconcileSummary::default();
    let ts = millis(now);
    let mut opened: Vec<(&DerivedAlert, Option<String>)> = Vec::new();
    for d in derived {
        let since = d.since.map(|s| s.to_string());
        match open.remove(&(d.patient_id, d.kind)) {
            Some((id, sev, old_since)) => {
                if sev != d.severity || old_since != since {
                    // A change of the patient's state ends a snooze: it shows again.
                    tx.prepare_cached(
                        "UPDATE alerts SET severity=?1, since=?2,
                            snoozed_until = CASE WHEN severity = ?1 THEN snoozed_until END,
                            snooze_reason = CASE WHEN severity = ?1 THEN snooze_reason END
                         WHERE id=?3",
                    )?
                    .execute(params![d.severity.code(), since, id])?;
                    summary.updated += 1;
                }
            }
            None if reported_in_writing(tx, d.patient_id, d.kind)? => {
                // This 失访/拒访 episode was reported in writing and resolved: the desk's duty
                // for it is done; a new episode (the status changes again) raises a new one.
            }
            None => {
                opened.push((d, since));
                summary.opened += 1;
            }
        }
    }
    // A refresh after an import opens a hundred thousand alerts: many to a statement.
    super::many::insert(
        tx,
        "alerts (patient_id, kind, severity, status, since, raised_at, raised_by)",
        7,
        &opened,
        |stmt, i, (d, since)| {
            stmt.raw_bind_parameter(i, d.patient_id)?;
            stmt.raw_bind_parameter(i + 1, d.kind.code())?;
            stmt.raw_bind_parameter(i + 2, d.severity.code())?;
            stmt.raw_bind_parameter(i + 3, "new")?;
            stmt.raw_bind_parameter(i + 4, since)?;
            stmt.raw_bind_parameter(i + 5, ts)?;
            stmt.raw_bind_parameter(i + 6, SYSTEM)
        },
    )?;
    for (id, _, _) in open.into_values() {
        tx.prepare_cached(
            "UPDATE alerts SET status='resolved', resolved_at=?1, resolved_by=?2,
                resolution='condition_cleared', auto_closed=1 WHERE id=?3",
        )?
        .execute(params![ts, SYSTEM, id])?;
        summary.closed += 1;
    }
    if !summary.is_empty() {
        let mut event = AuditEvent::new(AuditAction::AlertsReconciled, "alerts", "");
        event.entity_id = None;
        if let Some([one]) = patients {
            let station: Option<String> = tx
                .prepare_cached("SELECT station FROM patients WHERE id = ?1")?
                .query_row([one], |r| r.get(0))
                .optional()?;
            event.patient_id = Some(*one);
            event.station = station;
        }
        let event = event.after(serde_json::to_value(summary).unwrap_or_default());
        audit::append(tx, now, &Author::system(), &event)?;
    }
    Ok(summary)
}

fn patients_with_teams_in(conn: &Connection) -> Result<Vec<(Patient, RoleSet)>> {
    let teams = super::persons::team_role_sets_in(conn)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PATIENT_COLUMNS} FROM patients
         WHERE status NOT IN ('moved_out', 'deceased', 'closed')"
    ))?;
    let rows = stmt.query_map([], rows::patient)?;
    let mut out = Vec::new();
    for p in rows {
        let p = p?;
        let team = teams.get(&p.id).copied().unwrap_or_default();
        out.push((p, team));
    }
    Ok(out)
}

/// Derives every alert at `now` from the data as this transaction sees it and reconciles the
/// stored alerts with the result, so derivation and reconciliation see the same snapshot.
pub fn refresh_in(
    tx: &Transaction,
    now: DateTime<Utc>,
    config: &Config,
) -> Result<ReconcileSummary> {
    let orders = super::control::orders_in(tx)?;
    let patients = patients_with_teams_in(tx)?;
    let derived: Vec<DerivedAlert> = patients
        .iter()
        .flat_map(|(p, team)| {
            let control = in_force_for(&orders, &p.jurisdiction, now);
            derive(p, *team, now, control.as_ref(), config)
        })
        .collect();
    let summary = reconcile(tx, &derived, None, now)?;
    // Every patient's next due instant, after reconciling (closing an alert marks it due).
    deriver::clear_inactive_due_in(tx)?;
    deriver::set_due_in(
        tx,
        deriver::due_of(patients.iter().map(|(p, _)| p), now, &orders, config),
    )?;
    Ok(summary)
}

/// The alerts and due instants worked out for some patients (`alert_due::derive_with_due`),
/// for `refresh_derived_in` to write.
#[derive(Debug, Default)]
pub struct Derived {
    pub patients: Vec<i64>,
    pub alerts: Vec<DerivedAlert>,
    pub due: Vec<(i64, Option<DateTime<Utc>>)>,
}

impl Derived {
    /// Room for `patients` patients and about two alerts each.
    pub fn with_capacity(patients: usize) -> Derived {
        Derived {
            patients: Vec::with_capacity(patients),
            alerts: Vec::with_capacity(2 * patients),
            due: Vec::with_capacity(patients),
        }
    }

    /// Adds what was derived for the patient `id` (alerts derived before it had its id take
    /// it now).
    pub fn add(&mut self, id: i64, (alerts, due): (Vec<DerivedAlert>, Option<DateTime<Utc>>)) {
        self.patients.push(id);
        self.alerts.extend(alerts.into_iter().map(|a| DerivedAlert {
            patient_id: id,
            ..a
        }));
        self.due.push((id, due));
    }

    pub fn len(&self) -> usize {
        self.patients.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patients.is_empty()
    }
}

/// Reconciles only `derived.patients`' stored alerts with what was derived for them, and sets
/// their due instants: for a write that knows exactly whom it changed and has derived their
/// alerts already (an import works them out on its checking core).
pub fn refresh_derived_in(
    tx: &Transaction,
    derived: &Derived,
    now: DateTime<Utc>,
) -> Result<ReconcileSummary> {
    let summary = reconcile(tx, &derived.alerts, Some(&derived.patients), now)?;
    deriver::set_due_in(tx, derived.due.iter().copied())?;
    Ok(summary)
}

/// Re-derives the alerts of one patient after a change to it, inside the caller's transaction.
pub fn refresh_patient_in(
    tx: &Transaction,
    patient_id: i64,
    now: DateTime<Utc>,
    config: &Config,
) -> Result<ReconcileSummary> {
    let p = super::patients::load(tx, patient_id)?;
    let team: RoleSet = super::persons::assignments_in(tx, patient_id)?
        .into_iter()
        .map(|(role, _)| role)
        .collect();
    let orders = super::control::orders_in(tx)?;
    let control = in_force_for(&orders, &p.jurisdiction, now);
    let derived = derive(&p, team, now, control.as_ref(), config);
    let summary = reconcile(tx, &derived, Some(&[patient_id]), now)?;
    deriver::set_due_in(tx, deriver::due_of([&p], now, &orders, config))?;
    Ok(summary)
}

/// Stored alerts in scope, most urgent first; `open_only` leaves out resolved ones.
pub(crate) fn alerts_in(
    conn: &Connection,
    scope: &Scope,
    open_only: bool,
) -> Result<Vec<AlertRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ALERT_SELECT} WHERE (?1 IS NULL OR p.station = ?1)
           AND (?2 = 0 OR a.status <> 'resolved')"
    ))?;
    let rows = stmt.query_map(params![scope.station(), open_only], alert_row)?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    sort_alerts(&mut out);
    Ok(out)
}

/// The alert as stored, inside a transaction.
pub(crate) fn load_in(tx: &Transaction, id: i64) -> Result<Option<AlertRow>> {
    Ok(tx
        .prepare_cached(&format!("{ALERT_SELECT} WHERE a.id = ?1"))?
        .query_row([id], alert_row)
        .optional()?)
}

/// Moves an alert from `from` to `to`, only if it is still `from` (compare-and-set): a second
/// desk acting on the same alert at the same moment changes nothing. True when it moved.
/// Whether the patient's current 失访/拒访 episode was resolved with a written report: a
/// report made since the status last changed.
fn reported_in_writing(tx: &Transaction, patient_id: i64, kind: AlertKind) -> Result<bool> {
    if !kind.needs_written_report() {
        return Ok(false);
    }
    Ok(tx
        .prepare_cached(
            "SELECT 1 FROM alerts a WHERE a.patient_id = ?1 AND a.kind = ?2
               AND a.status = 'resolved' AND a.reported_at IS NOT NULL
               AND a.resolved_at >= COALESCE((SELECT MAX(h.began_at) FROM patient_history h
                     WHERE h.patient_id = ?1 AND h.status IS NOT NULL), 0)
             LIMIT 1",
        )?
        .query_row(params![patient_id, kind.code()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records the written report (to whom, when) on an alert just resolved.
pub(crate) fn record_written_report_in(
    tx: &Transaction,
    id: i64,
    to: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached("UPDATE alerts SET reported_to = ?1, reported_at = ?2 WHERE id = ?3")?
        .execute(params![to, millis(at), id])?;
    Ok(())
}

/// A written report of a `missing` or `refused` episode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrittenReport {
    pub patient_id: i64,
    pub kind: AlertKind,
    pub to: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// The latest written report of each patient in scope whose 失访/拒访 episode is still
    /// going (recorded since the status last changed), for the exchange list.
    pub fn written_reports(&self, scope: &Scope) -> Result<HashMap<i64, WrittenReport>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.patient_id, a.kind, a.reported_to, a.reported_at FROM alerts a
             JOIN patients p ON p.id = a.patient_id
             WHERE a.reported_at IS NOT NULL AND (?1 IS NULL OR p.station = ?1)
               AND a.resolved_at >= COALESCE((SELECT MAX(h.began_at) FROM patient_history h
                     WHERE h.patient_id = a.patient_id AND h.status IS NOT NULL), 0)
             ORDER BY a.reported_at",
        )?;
        let mut out = HashMap::new();
        let rows = stmt.query_map(params![scope.station()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (patient_id, kind, to, at) = row?;
            if let Some(kind) = AlertKind::from_code(&kind) {
                out.insert(
                    patient_id,
                    WrittenReport {
                        patient_id,
                        kind,
                        to,
                        at: from_millis(at),
                    },
                );
            }
        }
        Ok(out)
    }
}

pub(crate) fn move_status_in(
    tx: &Transaction,
    id: i64,
    from: AlertStatus,
    to: AlertStatus,
    note: Option<&str>,
    login: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = match to {
        AlertStatus::Acknowledged => {
            "UPDATE alerts SET status=?1, acknowledged_at=?2, acknowledged_by=?3
             WHERE id=?4 AND status=?5"
        }
        AlertStatus::InProgress => {
            "UPDATE alerts SET status=?1, in_progress_at=?2, in_progress_by=?3,
                acknowledged_at=COALESCE(acknowledged_at, ?2),
                acknowledged_by=COALESCE(acknowledged_by, ?3)
             WHERE id=?4 AND status=?5"
        }
        AlertStatus::Resolved => {
            "UPDATE alerts SET status=?1, resolved_at=?2, resolved_by=?3, snoozed_until=NULL,
                snooze_reason=NULL WHERE id=?4 AND status=?5"
        }
        AlertStatus::New => return Ok(false),
    };
    let changed =
        tx.prepare_cached(sql)?
            .execute(params![to.code(), millis(now), login, id, from.code()])?;
    if changed == 1
        && let Some(note) = note
    {
        tx.prepare_cached(
            "UPDATE alerts SET resolution = ?1, note = CASE WHEN note = '' THEN ?1
                ELSE note || char(10) || ?1 END WHERE id = ?2",
        )?
        .execute(params![note, id])?;
    }
    Ok(changed == 1)
}

/// Silences an open alert until `until` with a reason.
pub(crate) fn snooze_in(tx: &Transaction, id: i64, until: NaiveDate, reason: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "UPDATE alerts SET snoozed_until = ?1, snooze_reason = ?2
             WHERE id = ?3 AND status <> 'resolved'",
        )?
        .execute(params![until.to_string(), reason, id])?
        == 1)
}

/// Raises a `reported` alert; returns its id.
pub(crate) fn insert_reported_in(
    tx: &Transaction,
    patient_id: i64,
    severity: Severity,
    note: &str,
    login: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO alerts (patient_id, kind, severity, status, note, raised_at, raised_by)
         VALUES (?1, 'reported', ?2, 'new', ?3, ?4, ?5)",
    )?
    .execute(params![
        patient_id,
        severity.code(),
        note,
        millis(now),
        login
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Raises a `transferred_in` alert (P2) for the station that now holds the patient; the note
/// names the station they came from. Returns its id.
pub(crate) fn insert_transferred_in(
    tx: &Transaction,
    patient_id: i64,
    from_station: &str,
    login: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO alerts (patient_id, kind, severity, status, note, raised_at, raised_by)
         VALUES (?1, 'transferred_in', 'P2', 'new', ?2, ?3, ?4)",
    )?
    .execute(params![patient_id, from_station, millis(now), login])?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// Every active patient with the roles their team fills; the input of alert derivation.
    pub fn patients_with_teams(&self) -> Result<Vec<(Patient, RoleSet)>> {
        patients_with_teams_in(self.conn())
    }

    /// Derives every alert at `now` and persists the result in one transaction.
    pub fn refresh_alerts(
        &mut self,
        now: DateTime<Utc>,
        config: &Config,
    ) -> Result<ReconcileSummary> {
        self.write(|tx| refresh_in(tx, now, config))
    }

    /// Stored alerts in scope, most urgent first; `open_only` leaves out resolved ones.
    pub fn alerts(&self, scope: &Scope, open_only: bool) -> Result<Vec<AlertRow>> {
        alerts_in(self.conn(), scope, open_only)
    }

    /// The alerts as they would stand at `at`, without writing: derived at that instant and
    /// joined with the stored lifecycle of the same patient and kind; open reported alerts too.
    pub fn alerts_as_of(
        &self,
        at: DateTime<Utc>,
        config: &Config,
        scope: &Scope,
    ) -> Result<Vec<AlertRow>> {
        let mut out = Vec::new();
        self.each_alert_as_of(at, config, scope, |a| {
            out.push(a.clone());
            Ok::<(), super::StoreError>(())
        })?;
        sort_alerts(&mut out);
        Ok(out)
    }

    /// All alerts of one patient in scope, open and resolved, most urgent and newest first.
    pub fn patient_alerts(&self, patient_id: i64, scope: &Scope) -> Result<Vec<AlertRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{ALERT_SELECT} WHERE a.patient_id = ?1 AND (?2 IS NULL OR p.station = ?2)
             ORDER BY a.status = 'resolved', a.raised_at DESC"
        ))?;
        let rows = stmt.query_map(params![patient_id, scope.station()], alert_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The open alerts of one patient in scope.
    pub fn open_patient_alerts(&self, patient_id: i64, scope: &Scope) -> Result<Vec<AlertRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{ALERT_SELECT} WHERE a.patient_id = ?1 AND (?2 IS NULL OR p.station = ?2)
               AND a.status <> 'resolved'"
        ))?;
        let rows = stmt.query_map(params![patient_id, scope.station()], alert_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn alert(&self, id: i64, scope: &Scope) -> Result<Option<AlertRow>> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "{ALERT_SELECT} WHERE a.id = ?1 AND (?2 IS NULL OR p.station = ?2)"
            ))?
            .query_row(params![id, scope.station()], alert_row)
            .optional()?)
    }
}

/// Today's date in Beijing for `at`, for callers computing days overdue.
pub fn today_at(at: DateTime<Utc>) -> NaiveDate {
    beijing_date(at)
}
