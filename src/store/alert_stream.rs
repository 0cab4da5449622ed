//! Alerts handed to the caller one at a time, for outputs as large as the register: the
//! stored ones in the order an index keeps (no sort, no vector of all rows), and the ones
//! derived at another instant patient by patient, a chunk of patients at a time.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use std::collections::HashMap;

use super::alerts::{
    ALERT_SELECT, AlertPatient, AlertRow, LIFECYCLE_SELECT, Lifecycle, OPEN_ALERT_COLUMNS,
    OpenAlert, SYSTEM, alert_row, lifecycle, open_alert, sort_alerts,
};
use super::rows::{self, PATIENT_COLUMNS};
use super::{Scope, Store, StoreError};
use crate::config::Config;
use crate::domain::alert::{AlertKind, AlertStatus, RoleSet, Severity, derive};
use crate::domain::control::in_force_for;
use crate::domain::patient::Patient;

/// How many patients `each_alert_as_of` holds at once.
const CHUNK: i64 = 1000;

impl Store {
    /// A smaller page cache for a command that walks the register once and ends: the
    /// operating system caches the file anyway, and 32 MB of pages would be most of such a
    /// command's memory.
    pub fn use_small_cache(&self) -> Result<(), StoreError> {
        self.conn().execute_batch("PRAGMA cache_size=-4096;")?;
        Ok(())
    }

    /// Stored alerts in scope, most urgent first (severity, raised, id), each handed to `f`;
    /// `open_only` leaves out resolved ones. An error from `f` ends the walk and is returned.
    pub fn each_alert<E: From<StoreError>>(
        &self,
        scope: &Scope,
        open_only: bool,
        mut f: impl FnMut(&AlertRow) -> Result<(), E>,
    ) -> Result<(), E> {
        // Open alerts come in this order straight from the `alerts_open_order` index.
        let sql = if open_only {
            format!(
                "{ALERT_SELECT} WHERE a.status <> 'resolved' AND (?1 IS NULL OR p.station = ?1)
                 ORDER BY a.severity, a.raised_at, a.id"
            )
        } else {
            format!(
                "{ALERT_SELECT} WHERE (?1 IS NULL OR p.station = ?1)
                 ORDER BY a.severity, a.raised_at, a.id"
            )
        };
        let mut stmt = self.conn().prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt
            .query(params![scope.station()])
            .map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            f(&alert_row(r).map_err(StoreError::from)?)?;
        }
        Ok(())
    }

    /// The open alerts in scope in no promised order, each handed to `f`, for a caller that
    /// sorts what it keeps. Read in the table's order (the whole county) or the station's
    /// patients' (a station), a patient's page is read once for all of their alerts; the
    /// urgency index's order jumps between patients, and at 100k patients took three times
    /// as long (0.10 s against 0.03 s, the console's first screen waiting on it).
    pub fn each_open_alert<E: From<StoreError>>(
        &self,
        scope: &Scope,
        mut f: impl FnMut(OpenAlert) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = match scope.station() {
            None => format!(
                "SELECT {OPEN_ALERT_COLUMNS} FROM alerts a NOT INDEXED
                 JOIN patients p ON p.id = a.patient_id WHERE a.status <> 'resolved'"
            ),
            // The planner starts from the station's patients and their alerts' index.
            Some(_) => format!(
                "SELECT {OPEN_ALERT_COLUMNS} FROM alerts a JOIN patients p ON p.id = a.patient_id
                 WHERE a.status <> 'resolved' AND p.station = ?1"
            ),
        };
        let mut stmt = self.conn().prepare(&sql).map_err(StoreError::from)?;
        let mut rows = match scope.station() {
            None => stmt.query([]),
            Some(station) => stmt.query([station]),
        }
        .map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            f(open_alert(r).map_err(StoreError::from)?)?;
        }
        Ok(())
    }

    /// The alerts as they would stand at `at`, without writing: each patient in scope (in id
    /// order) derived at that instant and joined with the stored lifecycle of the same kind,
    /// with their open reported and transfer alerts; a patient's alerts most urgent first.
    /// Only `CHUNK` patients and their alerts are held at a time.
    pub fn each_alert_as_of<E: From<StoreError>>(
        &self,
        at: DateTime<Utc>,
        config: &Config,
        scope: &Scope,
        mut f: impl FnMut(&AlertRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let orders = self.control_orders()?;
        let mut after = 0_i64;
        loop {
            let chunk = self.chunk_of_patients(scope, after)?;
            let (Some((first, _)), Some((last, _))) = (chunk.first(), chunk.last()) else {
                return Ok(());
            };
            let (first, last) = (first.id, last.id);
            after = last;
            let mut stored = self.open_alerts_between(scope, first, last)?;
            for (p, team) in &chunk {
                let mut mine: Vec<AlertRow> = Vec::new();
                let mut out: Vec<AlertRow> = Vec::new();
                for a in stored.remove(&p.id).unwrap_or_default() {
                    // Reported and transfer alerts stand as stored; derived kinds are joined
                    // with what derivation says at `at`.
                    if a.kind.is_derived() {
                        mine.push(a.with_patient(patient_part(p)));
                    } else {
                        out.push(a.with_patient(patient_part(p)));
                    }
                }
                let control = in_force_for(&orders, &p.jurisdiction, at);
                for d in derive(p, *team, at, control.as_ref(), config) {
                    let row = match mine.iter().position(|a| a.kind == d.kind) {
                        Some(i) => {
                            let mut a = mine.swap_remove(i);
                            a.severity = d.severity;
                            a.since = d.since;
                            a
                        }
                        None => derived_row(p, d.kind, d.severity, d.since, at),
                    };
                    out.push(row);
                }
                sort_alerts(&mut out);
                for a in &out {
                    f(a)?;
                }
            }
        }
    }

    /// Up to `CHUNK` patients in scope with ids above `after`, with their teams' roles.
    fn chunk_of_patients(
        &self,
        scope: &Scope,
        after: i64,
    ) -> Result<Vec<(Patient, RoleSet)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {PATIENT_COLUMNS} FROM patients WHERE id > ?1
               AND (?2 IS NULL OR station = ?2) ORDER BY id LIMIT ?3"
        ))?;
        let patients = stmt
            .query_map(params![after, scope.station(), CHUNK], rows::patient)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let (Some(first), Some(last)) = (patients.first(), patients.last()) else {
            return Ok(Vec::new());
        };
        let mut teams: HashMap<i64, RoleSet> = HashMap::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT patient_id, role FROM team_assignments WHERE patient_id BETWEEN ?1 AND ?2",
        )?;
        let mut rows = stmt.query(params![first.id, last.id])?;
        while let Some(r) = rows.next()? {
            if let Some(role) = super::persons::role_from(r.get(1)?) {
                teams.entry(r.get(0)?).or_default().insert(role);
            }
        }
        Ok(patients
            .into_iter()
            .map(|p| {
                let team = teams.get(&p.id).copied().unwrap_or_default();
                (p, team)
            })
            .collect())
    }

    /// Open stored alerts of the patients with ids from `first` to `last`, by patient. The
    /// patients' own columns are not joined in: the caller holds the patients already, and
    /// reading them again for each alert was a third of the walk.
    fn open_alerts_between(
        &self,
        scope: &Scope,
        first: i64,
        last: i64,
    ) -> Result<HashMap<i64, Vec<Lifecycle>>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{LIFECYCLE_SELECT} WHERE a.patient_id BETWEEN ?1 AND ?2 AND a.status <> 'resolved'
               AND (?3 IS NULL OR a.patient_id IN (SELECT id FROM patients
                   WHERE id BETWEEN ?1 AND ?2 AND station = ?3))"
        ))?;
        let mut out: HashMap<i64, Vec<Lifecycle>> = HashMap::new();
        for a in stmt.query_map(params![first, last, scope.station()], lifecycle)? {
            let a = a?;
            out.entry(a.patient_id).or_default().push(a);
        }
        Ok(out)
    }
}

/// The patient's part of an alert row, from the patient the walk holds.
fn patient_part(p: &Patient) -> AlertPatient {
    AlertPatient {
        name: p.name.clone(),
        id_number: p.id_number.to_string(),
        risk_level: p.risk_level.value(),
        condition: p.condition,
        village: p.jurisdiction.village.clone(),
        station: p.jurisdiction.station.clone(),
    }
}

/// An alert derivation raises at `at` that is not stored: new, by the system, with no id.
fn derived_row(
    p: &Patient,
    kind: AlertKind,
    severity: Severity,
    since: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> AlertRow {
    Lifecycle {
        id: 0,
        patient_id: p.id,
        kind,
        severity,
        status: AlertStatus::New,
        since,
        note: String::new(),
        raised_at: at,
        raised_by: SYSTEM.into(),
        acknowledged_at: None,
        acknowledged_by: None,
        in_progress_by: None,
        resolved_at: None,
        resolved_by: None,
        resolution: None,
        in_progress_at: None,
        incident_id: None,
        snoozed_until: None,
        snooze_reason: None,
    }
    .with_patient(patient_part(p))
}
