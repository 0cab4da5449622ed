//! Persisted alerts: derived ones reconciled with the data, reported ones raised by operators,
//! and the lifecycle new → acknowledged → in progress → resolved with who and when.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;

use super::rows::{self, PATIENT_COLUMNS};
use super::{Result, Scope, Store, StoreError, audit, from_millis, millis};
use crate::config::Config;
use crate::domain::alert::{AlertKind, AlertStatus, DerivedAlert, RoleSet, Severity, derive};
use crate::domain::clock::beijing_date;
use crate::domain::patient::{Condition, Patient};
use crate::domain::schedule::days_overdue;

/// The operator name the system uses for what it does by itself.
pub const SYSTEM: &str = "system";

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
}

impl AlertRow {
    /// Whole days past the due date on `today`, for the overdue kinds.
    pub fn days_overdue(&self, today: NaiveDate) -> Option<i64> {
        match self.kind {
            AlertKind::FollowupOverdue | AlertKind::VisitOverdue => {
                self.since.map(|due| days_overdue(due, today).max(0))
            }
            _ => None,
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

const ALERT_SELECT: &str = "SELECT a.id, a.patient_id, p.name, p.id_number, p.risk_level,
    p.condition, p.village, p.station, a.kind, a.severity, a.status, a.since, a.note,
    a.raised_at, a.raised_by, a.acknowledged_at, a.acknowledged_by, a.in_progress_by,
    a.resolved_at, a.resolved_by, a.resolution
    FROM alerts a JOIN patients p ON p.id = a.patient_id";

fn alert_row(r: &rusqlite::Row) -> rusqlite::Result<AlertRow> {
    use crate::domain::patient::Vocabulary;
    let bad = |i, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown {what}").into(),
        )
    };
    let kind: String = r.get(8)?;
    let severity: String = r.get(9)?;
    let status: String = r.get(10)?;
    let condition: String = r.get(5)?;
    let since: Option<String> = r.get(11)?;
    Ok(AlertRow {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        patient_name: r.get(2)?,
        id_number: r.get(3)?,
        risk_level: r.get(4)?,
        condition: Condition::from_code(&condition).ok_or_else(|| bad(5, "condition"))?,
        village: r.get(6)?,
        station: r.get(7)?,
        kind: AlertKind::from_code(&kind).ok_or_else(|| bad(8, "kind"))?,
        severity: Severity::from_code(&severity).ok_or_else(|| bad(9, "severity"))?,
        status: AlertStatus::from_code(&status).ok_or_else(|| bad(10, "status"))?,
        since: since.and_then(|s| s.parse().ok()),
        note: r.get(12)?,
        raised_at: from_millis(r.get(13)?),
        raised_by: r.get(14)?,
        acknowledged_at: r.get::<_, Option<i64>>(15)?.map(from_millis),
        acknowledged_by: r.get(16)?,
        in_progress_by: r.get(17)?,
        resolved_at: r.get::<_, Option<i64>>(18)?.map(from_millis),
        resolved_by: r.get(19)?,
        resolution: r.get(20)?,
    })
}

fn sort_alerts(v: &mut [AlertRow]) {
    v.sort_by_key(|a| (a.severity, a.raised_at, a.id));
}

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
        let mut load = |pid: Option<i64>| -> Result<()> {
            let mut stmt = tx.prepare_cached(
                "SELECT id, patient_id, kind, severity, since FROM alerts
                 WHERE status <> 'resolved' AND kind <> 'reported'
                   AND (?1 IS NULL OR patient_id = ?1)",
            )?;
            let mut rows = stmt.query([pid])?;
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
            // A few patients: a query each. Many: one pass over the open alerts, then keep
            // only theirs.
            Some(ids) if ids.len() <= 64 => {
                for id in ids {
                    load(Some(*id))?;
                }
            }
            _ => load(None)?,
        }
    }
    if let Some(ids) = patients.filter(|ids| ids.len() > 64) {
        let wanted: std::collections::HashSet<i64> = ids.iter().copied().collect();
        open.retain(|(pid, _), _| wanted.contains(pid));
    }
    let mut summary = ReconcileSummary::default();
    let ts = millis(now);
    for d in derived {
        let since = d.since.map(|s| s.to_string());
        match open.remove(&(d.patient_id, d.kind)) {
            Some((id, sev, old_since)) => {
                if sev != d.severity || old_since != since {
                    tx.prepare_cached("UPDATE alerts SET severity=?1, since=?2 WHERE id=?3")?
                        .execute(params![d.severity.code(), since, id])?;
                    summary.updated += 1;
                }
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO alerts (patient_id, kind, severity, status, since, raised_at,
                        raised_by) VALUES (?1, ?2, ?3, 'new', ?4, ?5, ?6)",
                )?
                .execute(params![
                    d.patient_id,
                    d.kind.code(),
                    d.severity.code(),
                    since,
                    ts,
                    SYSTEM
                ])?;
                summary.opened += 1;
            }
        }
    }
    for (id, _, _) in open.into_values() {
        tx.prepare_cached(
            "UPDATE alerts SET status='resolved', resolved_at=?1, resolved_by=?2,
                resolution='condition_cleared', auto_closed=1 WHERE id=?3",
        )?
        .execute(params![ts, SYSTEM, id])?;
        summary.closed += 1;
    }
    if !summary.is_empty() {
        let after = serde_json::to_value(summary).ok();
        audit::record(
            tx,
            now,
            SYSTEM,
            "alerts.reconcile",
            "alerts",
            None,
            None,
            after.as_ref(),
        )?;
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
    let control = super::settings::control_window_in(tx)?;
    let derived: Vec<DerivedAlert> = patients_with_teams_in(tx)?
        .iter()
        .flat_map(|(p, team)| derive(p, *team, now, control.as_ref(), config))
        .collect();
    reconcile(tx, &derived, None, now)
}

/// Derives the alerts of `patients` (as given, with their teams) and reconciles only their
/// stored alerts: for a write that knows exactly whom it changed.
pub fn refresh_patients_in(
    tx: &Transaction,
    patients: &[(Patient, RoleSet)],
    now: DateTime<Utc>,
    config: &Config,
) -> Result<ReconcileSummary> {
    let control = super::settings::control_window_in(tx)?;
    let derived: Vec<DerivedAlert> = patients
        .iter()
        .flat_map(|(p, team)| derive(p, *team, now, control.as_ref(), config))
        .collect();
    let ids: Vec<i64> = patients.iter().map(|(p, _)| p.id).collect();
    reconcile(tx, &derived, Some(&ids), now)
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

    /// Re-derives the alerts of one patient after a change to it, inside the caller's
    /// transaction.
    pub fn refresh_patient_alerts(
        tx: &Transaction,
        patient_id: i64,
        now: DateTime<Utc>,
        config: &Config,
    ) -> Result<ReconcileSummary> {
        let p = super::patients::load(tx, patient_id)?;
        let mut team = RoleSet::default();
        {
            let mut stmt =
                tx.prepare_cached("SELECT role FROM team_assignments WHERE patient_id=?1")?;
            let mut rows = stmt.query([patient_id])?;
            while let Some(r) = rows.next()? {
                let code: String = r.get(0)?;
                if let Some(role) =
                    <crate::domain::team::Role as crate::domain::patient::Vocabulary>::from_code(
                        &code,
                    )
                {
                    team.insert(role);
                }
            }
        }
        let control = super::settings::control_window_in(tx)?;
        let derived = derive(&p, team, now, control.as_ref(), config);
        reconcile(tx, &derived, Some(&[patient_id]), now)
    }

    /// Stored alerts in scope, most urgent first; `open_only` leaves out resolved ones.
    pub fn alerts(&self, scope: &Scope, open_only: bool) -> Result<Vec<AlertRow>> {
        let station = scope.station();
        let mut stmt = self.conn().prepare_cached(&format!(
            "{ALERT_SELECT} WHERE (?1 IS NULL OR p.station = ?1)
               AND (?2 = 0 OR a.status <> 'resolved')"
        ))?;
        let rows = stmt.query_map(params![station, open_only], alert_row)?;
        let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        sort_alerts(&mut out);
        Ok(out)
    }

    /// The alerts as they would stand at `at`, without writing: derived at that instant and
    /// joined with the stored lifecycle of the same patient and kind; open reported alerts too.
    pub fn alerts_as_of(
        &self,
        at: DateTime<Utc>,
        config: &Config,
        scope: &Scope,
    ) -> Result<Vec<AlertRow>> {
        let control = self.control_window()?;
        let stored = self.alerts(scope, true)?;
        let mut by_key: HashMap<(i64, AlertKind), AlertRow> = HashMap::new();
        let mut out = Vec::new();
        for a in stored {
            if a.kind == AlertKind::Reported {
                out.push(a);
            } else {
                by_key.insert((a.patient_id, a.kind), a);
            }
        }
        for (p, team) in self.patients_with_teams()? {
            if !scope.admits_station(&p.jurisdiction.station) {
                continue;
            }
            for d in derive(&p, team, at, control.as_ref(), config) {
                let row = match by_key.remove(&(p.id, d.kind)) {
                    Some(mut a) => {
                        a.severity = d.severity;
                        a.since = d.since;
                        a
                    }
                    None => AlertRow {
                        id: 0,
                        patient_id: p.id,
                        patient_name: p.name.clone(),
                        id_number: p.id_number.to_string(),
                        risk_level: p.risk_level.value(),
                        condition: p.condition,
                        village: p.jurisdiction.village.clone(),
                        station: p.jurisdiction.station.clone(),
                        kind: d.kind,
                        severity: d.severity,
                        status: AlertStatus::New,
                        since: d.since,
                        note: String::new(),
                        raised_at: at,
                        raised_by: SYSTEM.into(),
                        acknowledged_at: None,
                        acknowledged_by: None,
                        in_progress_by: None,
                        resolved_at: None,
                        resolved_by: None,
                        resolution: None,
                    },
                };
                out.push(row);
            }
        }
        sort_alerts(&mut out);
        Ok(out)
    }

    /// All alerts of one patient, open and resolved, most urgent and newest first.
    pub fn patient_alerts(&self, patient_id: i64) -> Result<Vec<AlertRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{ALERT_SELECT} WHERE a.patient_id = ?1 ORDER BY a.status = 'resolved', a.raised_at DESC"
        ))?;
        let rows = stmt.query_map([patient_id], alert_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn alert(&self, id: i64, scope: &Scope) -> Result<Option<AlertRow>> {
        let a = self
            .conn()
            .query_row(&format!("{ALERT_SELECT} WHERE a.id = ?1"), [id], alert_row)
            .optional()?;
        Ok(a.filter(|a| scope.admits_station(&a.station)))
    }

    /// Moves an alert along its lifecycle; audited with the status before and after.
    pub fn set_alert_status(
        &mut self,
        id: i64,
        next: AlertStatus,
        note: Option<&str>,
        operator: &str,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let current = self
            .alert(id, scope)?
            .ok_or_else(|| StoreError::NotFound(format!("alert {id}")))?;
        if !current.status.can_move_to(next) {
            return Err(StoreError::Refused(format!(
                "alert {id} is {} and cannot become {}",
                current.status.code(),
                next.code()
            )));
        }
        let ts = millis(now);
        self.write(|tx| {
            let sql = match next {
                AlertStatus::Acknowledged => {
                    "UPDATE alerts SET status=?1, acknowledged_at=?2, acknowledged_by=?3 WHERE id=?4"
                }
                AlertStatus::InProgress => {
                    "UPDATE alerts SET status=?1, in_progress_at=?2, in_progress_by=?3,
                        acknowledged_at=COALESCE(acknowledged_at, ?2),
                        acknowledged_by=COALESCE(acknowledged_by, ?3) WHERE id=?4"
                }
                AlertStatus::Resolved => {
                    "UPDATE alerts SET status=?1, resolved_at=?2, resolved_by=?3 WHERE id=?4"
                }
                AlertStatus::New => unreachable!("no transition leads back to new"),
            };
            let changed = tx.execute(sql, params![next.code(), ts, operator, id])?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("alert {id}")));
            }
            if let Some(note) = note {
                tx.execute(
                    "UPDATE alerts SET resolution = ?1, note = CASE WHEN note = '' THEN ?1
                        ELSE note || char(10) || ?1 END WHERE id = ?2",
                    params![note, id],
                )?;
            }
            let before = serde_json::json!({"status": current.status});
            let after = serde_json::json!({"status": next, "note": note});
            let aid = id.to_string();
            let action = format!("alert.{}", next.code());
            audit::record(tx, now, operator, &action, "alert", Some(&aid), Some(&before), Some(&after))
        })
    }

    /// Raises a `reported` alert for a patient from a call or a grid report.
    pub fn raise_reported_alert(
        &mut self,
        patient_id: i64,
        severity: Severity,
        note: &str,
        operator: &str,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if self.patient(patient_id, scope)?.is_none() {
            return Err(StoreError::NotFound(format!("patient {patient_id}")));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO alerts (patient_id, kind, severity, status, note, raised_at, raised_by)
                 VALUES (?1, 'reported', ?2, 'new', ?3, ?4, ?5)",
                params![patient_id, severity.code(), note, millis(now), operator],
            )?;
            let id = tx.last_insert_rowid();
            let after =
                serde_json::json!({"patient_id": patient_id, "severity": severity, "note": note});
            audit::record(
                tx,
                now,
                operator,
                "alert.report",
                "alert",
                Some(&id.to_string()),
                None,
                Some(&after),
            )?;
            Ok(id)
        })
    }
}

/// Today's date in Beijing for `at`, for callers computing days overdue.
pub fn today_at(at: DateTime<Utc>) -> NaiveDate {
    beijing_date(at)
}
