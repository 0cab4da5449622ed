//! The change sequence (`changes`, filled by triggers): what a console reads to reload only
//! the patients, alerts and incidents that changed since the last sequence it saw, and the
//! pruning that keeps the table small.

use rusqlite::{Connection, Transaction, params};
use std::collections::BTreeSet;

use super::{Result, Store};

/// How many change rows writers keep; a console further behind than this reloads whole.
pub const KEEP_CHANGES: i64 = 100_000;

/// What changed since a sequence, by kind. Ids of patients (a follow-up or a team change
/// counts for its patient), alerts and incidents; the rest only says that something changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// The last sequence read: the next look starts after it.
    pub upto: i64,
    pub patients: BTreeSet<i64>,
    pub alerts: BTreeSet<i64>,
    pub incidents: BTreeSet<i64>,
    /// Patients whose five responsible persons changed, and persons edited or created:
    /// the persons directory's counts change.
    pub team: bool,
    pub shifts: bool,
    /// An audit row was written (every write is audited; an export or a phone number
    /// revealed is only audited): the audit view reloads.
    pub audit: bool,
    /// A control order (管控) changes every patient's visit due date: reload whole.
    pub control: bool,
    pub operators: bool,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.patients.is_empty()
            && self.alerts.is_empty()
            && self.incidents.is_empty()
            && !self.team
            && !self.shifts
            && !self.audit
            && !self.control
            && !self.operators
    }
}

/// The answer to "what changed since `seq`?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// The rows after `seq` were pruned: only a whole reload is right.
    Pruned {
        upto: i64,
    },
    /// More than the limit changed (an import): a whole reload is cheaper.
    TooMany {
        upto: i64,
    },
    Changes(ChangeSet),
}

/// Deletes all but the last `KEEP_CHANGES` rows. Called at every commit: when nothing is old
/// enough it is one look at the end of the primary key.
pub(crate) fn prune_in(tx: &Transaction) -> Result<usize> {
    prune_keeping(tx, KEEP_CHANGES)
}

pub(crate) fn prune_keeping(conn: &Connection, keep: i64) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM changes WHERE seq <= (SELECT COALESCE(max(seq), 0) FROM changes) - ?1",
        )?
        .execute([keep])?)
}

/// What a bulk write set aside with `hold_in`: the triggers to make again at `release_in`.
#[must_use = "the triggers set aside are made again by `release_in`"]
pub(crate) struct Held {
    triggers: Vec<String>,
}

/// The bookkeeping triggers a bulk write sets aside: the change rows and the alert-due marks
/// of the tables an import writes. The audit log's own triggers (append-only, the chain) are
/// never among them: only its change row is.
const HELD_TRIGGERS: &str = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
    AND tbl_name IN ('patients', 'persons', 'team_assignments', 'alerts', 'audit_log')
    AND (name LIKE 'changes\\_%' ESCAPE '\\' OR name LIKE 'alert\\_due\\_%' ESCAPE '\\')
    ORDER BY name";

/// Sets aside, until `release_in`, the per-row bookkeeping of a bulk write (a large import)
/// in `tx`: the change rows of patients, alerts, teams and persons (a console would reload
/// whole after so many changes anyway) and the alert-due marks (the caller refreshes the
/// alerts and due instants of every patient it writes, `alerts::refresh_derived_in`).
/// The triggers are dropped and made again from their own SQL inside the transaction, so no
/// other writer ever runs without them and a failed write rolls back to them: even a trigger
/// that does nothing made each of the million rows of a 100k import a statement with a
/// sub-program and a statement journal, a second of the import.
pub(crate) fn hold_in(tx: &Transaction) -> Result<Held> {
    let found: Vec<(String, String)> = tx
        .prepare(HELD_TRIGGERS)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut triggers = Vec::with_capacity(found.len());
    for (name, sql) in found {
        tx.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
        triggers.push(sql);
    }
    Ok(Held { triggers })
}

/// Ends `hold_in`: makes the triggers again and, when the bulk write `wrote` anything,
/// records one row that tells every console to reload whole (a roster re-imported unchanged
/// makes no console reload).
pub(crate) fn release_in(tx: &Transaction, held: Held, wrote: bool) -> Result<()> {
    for sql in &held.triggers {
        tx.execute_batch(sql)?;
    }
    if wrote {
        tx.prepare_cached("INSERT INTO changes (kind, entity_id) VALUES ('reload', 0)")?
            .execute([])?;
    }
    Ok(())
}

fn last_in(conn: &Connection) -> Result<i64> {
    // AUTOINCREMENT keeps the highest sequence ever given in sqlite_sequence, even when every
    // row was pruned, so a sequence is never given twice.
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)",
        )?
        .query_row([], |r| r.get(0))?)
}

impl Store {
    /// The last change sequence committed.
    pub fn last_change(&self) -> Result<i64> {
        last_in(self.conn())
    }

    /// What changed after `seq`, unless more than `limit` rows did or they were pruned.
    pub fn changes_since(&self, seq: i64, limit: usize) -> Result<Since> {
        let conn = self.conn();
        let upto = last_in(conn)?;
        if upto <= seq {
            return Ok(Since::Changes(ChangeSet {
                upto: seq,
                ..Default::default()
            }));
        }
        let first: Option<i64> = conn
            .prepare_cached("SELECT min(seq) FROM changes")?
            .query_row([], |r| r.get(0))?;
        if first.is_none_or(|f| f > seq + 1) {
            return Ok(Since::Pruned { upto });
        }
        let mut stmt = conn.prepare_cached(
            "SELECT seq, kind, entity_id FROM changes WHERE seq > ?1 AND seq <= ?2 ORDER BY seq
             LIMIT ?3",
        )?;
        let mut rows = stmt.query(params![seq, upto, limit as i64 + 1])?;
        let mut set = ChangeSet {
            upto,
            ..Default::default()
        };
        let mut n = 0;
        while let Some(r) = rows.next()? {
            n += 1;
            if n > limit {
                return Ok(Since::TooMany { upto });
            }
            let kind: String = r.get(1)?;
            let id: i64 = r.get(2)?;
            match kind.as_str() {
                "patient" => {
                    set.patients.insert(id);
                }
                "alert" => {
                    set.alerts.insert(id);
                }
                "incident" => {
                    set.incidents.insert(id);
                }
                "team" => {
                    set.patients.insert(id);
                    set.team = true;
                }
                "person" => set.team = true,
                "shift" => set.shifts = true,
                "audit" => set.audit = true,
                "control" => set.control = true,
                "operator" => set.operators = true,
                // A bulk write held its rows back (`hold_in`): reload whole.
                "reload" => set.control = true,
                // A kind a later version writes: reload whole rather than miss it.
                _ => set.control = true,
            }
        }
        Ok(Since::Changes(set))
    }

    /// How many change rows are kept now (for tests and the benchmark).
    pub fn change_rows(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))?)
    }

    /// Prunes keeping only the last `keep` rows; writers prune with `KEEP_CHANGES` at every
    /// commit, this is for tests and maintenance.
    pub fn prune_changes(&mut self, keep: i64) -> Result<usize> {
        self.write(|tx| prune_keeping(tx, keep))
    }
}
