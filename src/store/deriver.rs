//! The deriver's SQL: the lease row (taken and renewed by compare-and-set inside a write
//! transaction), each patient's next due instant, and the incremental run that re-derives
//! only the patients whose instant has passed.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;

use super::alerts::{ReconcileSummary, reconcile};
use super::rows::{self, PATIENT_COLUMNS};
use super::{Result, Store, from_millis, millis};
use crate::config::Config;
use crate::domain::alert::{DerivedAlert, RoleSet, derive};
use crate::domain::alert_due::next_change;
use crate::domain::control::{ControlOrder, in_force_for};
use crate::domain::lease::{self, Holder, HolderKind, Lease, LeaseStep};
use crate::domain::patient::Patient;

/// What one incremental run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeriverRun {
    /// Patients whose due instant had passed and who were derived again.
    pub derived: usize,
    pub alerts: ReconcileSummary,
}

/// The lease as stored, if anyone ever took it.
pub(crate) fn lease_in(conn: &Connection) -> Result<Option<Lease>> {
    Ok(conn
        .prepare_cached(
            "SELECT pid, host, login, kind, expires_at FROM deriver_lease WHERE id = 1",
        )?
        .query_row([], |r| {
            let kind: String = r.get(3)?;
            Ok(Lease {
                holder: Holder {
                    pid: r.get(0)?,
                    host: r.get(1)?,
                    login: r.get(2)?,
                    // An unknown kind (a newer program) is still someone else's lease.
                    kind: if kind == HolderKind::Serve.as_ref() {
                        HolderKind::Serve
                    } else {
                        HolderKind::Console
                    },
                },
                expires_at: from_millis(r.get(4)?),
            })
        })
        .optional()?)
}

/// Takes or renews the lease for `me` when the policy allows, compare-and-set against the
/// row as read in this same transaction. True when `me` holds it afterwards.
pub(crate) fn claim_in(tx: &Transaction, me: &Holder, now: DateTime<Utc>) -> Result<bool> {
    let current = lease_in(tx)?;
    let step = lease::step(current.as_ref(), me, now);
    if !step.derives() {
        return Ok(false);
    }
    let expires = millis(lease::expiry(now));
    let changed = match (&current, step) {
        (Some(_), LeaseStep::Renew) => tx
            .prepare_cached(
                "UPDATE deriver_lease SET expires_at = ?1
                 WHERE id = 1 AND pid = ?2 AND host = ?3 AND login = ?4 AND kind = ?5",
            )?
            .execute(params![
                expires,
                me.pid,
                me.host,
                me.login,
                me.kind.as_ref()
            ])?,
        (Some(old), _) => tx
            .prepare_cached(
                "UPDATE deriver_lease SET pid = ?1, host = ?2, login = ?3, kind = ?4,
                    taken_at = ?5, expires_at = ?6
                 WHERE id = 1 AND expires_at = ?7",
            )?
            .execute(params![
                me.pid,
                me.host,
                me.login,
                me.kind.as_ref(),
                millis(now),
                expires,
                millis(old.expires_at)
            ])?,
        (None, _) => tx
            .prepare_cached(
                "INSERT OR IGNORE INTO deriver_lease (id, pid, host, login, kind, taken_at,
                    expires_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                me.pid,
                me.host,
                me.login,
                me.kind.as_ref(),
                millis(now),
                expires
            ])?,
    };
    Ok(changed == 1)
}

/// Gives the lease up (a console closing) so that another process need not wait out the
/// expiry; only the holder's own lease is touched.
pub(crate) fn release_in(tx: &Transaction, me: &Holder, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE deriver_lease SET expires_at = MIN(expires_at, ?1)
         WHERE id = 1 AND pid = ?2 AND host = ?3 AND login = ?4 AND kind = ?5",
    )?
    .execute(params![
        millis(now),
        me.pid,
        me.host,
        me.login,
        me.kind.as_ref()
    ])?;
    Ok(())
}

/// Stores each patient's next due instant (`None`: only new data changes their alerts).
pub(crate) fn set_due_in(
    tx: &Transaction,
    due: impl IntoIterator<Item = (i64, Option<DateTime<Utc>>)>,
) -> Result<()> {
    // An import sets a hundred thousand at once: many to a statement.
    let due: Vec<(i64, Option<i64>)> = due
        .into_iter()
        .map(|(id, at)| (id, at.map(millis)))
        .collect();
    super::many::insert_then(
        tx,
        "alert_due (patient_id, due_at)",
        2,
        &due,
        "ON CONFLICT(patient_id) DO UPDATE SET due_at = excluded.due_at",
        |stmt, i, (id, at)| {
            stmt.raw_bind_parameter(i, id)?;
            stmt.raw_bind_parameter(i + 1, at)
        },
    )
}

/// The due instants of `patients` as derived at `now`, for `set_due_in`.
pub(crate) fn due_of<'a>(
    patients: impl IntoIterator<Item = &'a Patient> + 'a,
    now: DateTime<Utc>,
    orders: &'a [ControlOrder],
    config: &'a Config,
) -> impl Iterator<Item = (i64, Option<DateTime<Utc>>)> + 'a {
    patients
        .into_iter()
        .map(move |p| (p.id, next_change(p, now, orders, config)))
}

/// Marks patients no longer active as never due: nothing time-based concerns them.
pub(crate) fn clear_inactive_due_in(tx: &Transaction) -> Result<()> {
    tx.prepare_cached(
        "UPDATE alert_due SET due_at = NULL WHERE due_at IS NOT NULL AND patient_id IN
            (SELECT id FROM patients WHERE status IN ('moved_out', 'deceased', 'closed'))",
    )?
    .execute([])?;
    Ok(())
}

/// The patients whose due instant has passed at `now`, with the roles their teams fill.
fn due_patients_in(tx: &Transaction, now: DateTime<Utc>) -> Result<Vec<(Patient, RoleSet)>> {
    let at = millis(now);
    let mut teams: HashMap<i64, RoleSet> = HashMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT patient_id, role FROM team_assignments WHERE patient_id IN
                (SELECT patient_id FROM alert_due WHERE due_at <= ?1)",
        )?;
        let mut rows = stmt.query([at])?;
        while let Some(r) = rows.next()? {
            if let Some(role) = super::persons::role_from(r.get(1)?) {
                teams.entry(r.get(0)?).or_default().insert(role);
            }
        }
    }
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {PATIENT_COLUMNS} FROM patients WHERE id IN
            (SELECT patient_id FROM alert_due WHERE due_at <= ?1) ORDER BY id"
    ))?;
    let rows = stmt.query_map([at], rows::patient)?;
    let mut out = Vec::new();
    for p in rows {
        let p = p?;
        let team = teams.remove(&p.id).unwrap_or_default();
        out.push((p, team));
    }
    Ok(out)
}

/// One incremental run at `now`: re-derives the patients whose due instant has passed,
/// reconciles only their alerts, stores their next instants and the run's instant. The
/// result equals a full re-derivation, because nobody else's alerts can have changed.
pub(crate) fn derive_due_in(
    tx: &Transaction,
    now: DateTime<Utc>,
    config: &Config,
) -> Result<DeriverRun> {
    let due = due_patients_in(tx, now)?;
    let mut run = DeriverRun {
        derived: due.len(),
        ..DeriverRun::default()
    };
    if !due.is_empty() {
        let orders = super::control::orders_in(tx)?;
        let derived: Vec<DerivedAlert> = due
            .iter()
            .flat_map(|(p, team)| {
                let control = in_force_for(&orders, &p.jurisdiction, now);
                derive(p, *team, now, control.as_ref(), config)
            })
            .collect();
        let ids: Vec<i64> = due.iter().map(|(p, _)| p.id).collect();
        run.alerts = reconcile(tx, &derived, Some(&ids), now)?;
        // After reconciling: closing an alert marks its patient due, and this sets it right.
        set_due_in(tx, due_of(due.iter().map(|(p, _)| p), now, &orders, config))?;
    }
    set_last_run_in(tx, now)?;
    Ok(run)
}

fn set_last_run_in(tx: &Transaction, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO deriver_runs (id, last_run_at) VALUES (1, ?1)
         ON CONFLICT(id) DO UPDATE SET last_run_at = excluded.last_run_at",
    )?
    .execute([millis(now)])?;
    Ok(())
}

impl Store {
    /// Who holds the deriver's lease, and until when.
    pub fn deriver_lease(&self) -> Result<Option<Lease>> {
        lease_in(self.conn())
    }

    /// When time-based alerts were last derived, by anyone.
    pub fn deriver_last_run(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT last_run_at FROM deriver_runs WHERE id = 1")?
            .query_row([], |r| r.get::<_, i64>(0))
            .optional()?
            .map(from_millis))
    }

    /// One minute's work of the deriver: if `me` may hold the lease (free, expired or its
    /// own), takes or renews it and derives the patients now due, in one write transaction.
    /// `None` when another live process holds it; reading the lease first keeps those
    /// processes from taking the write lock every minute for nothing.
    pub fn derive_as_holder(
        &mut self,
        me: &Holder,
        now: DateTime<Utc>,
        config: &Config,
    ) -> Result<Option<DeriverRun>> {
        let current = lease_in(self.conn())?;
        if !lease::step(current.as_ref(), me, now).derives() {
            return Ok(None);
        }
        self.write(|tx| {
            if !claim_in(tx, me, now)? {
                return Ok(None);
            }
            derive_due_in(tx, now, config).map(Some)
        })
    }

    /// Derives the patients now due without the lease: a one-shot command (`alerts`) brings
    /// the stored alerts up to date before it reads them. Cheap when a deriver is running.
    pub fn derive_due(&mut self, now: DateTime<Utc>, config: &Config) -> Result<DeriverRun> {
        // Nothing due: no write at all, so the consoles have nothing to reload.
        let any_due = self
            .conn()
            .prepare_cached("SELECT 1 FROM alert_due WHERE due_at <= ?1 LIMIT 1")?
            .query_row([millis(now)], |_| Ok(()))
            .optional()?
            .is_some();
        if !any_due {
            return Ok(DeriverRun::default());
        }
        self.write(|tx| derive_due_in(tx, now, config))
    }

    /// Gives the lease up if `me` holds it.
    pub fn release_deriver_lease(&mut self, me: &Holder, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| release_in(tx, me, now))
    }
}
