//! The SQLite store: the only module that writes SQL. One file per database, WAL so that many
//! consoles read while one writes, `synchronous=FULL` so that a commit survives power loss,
//! every write one `BEGIN IMMEDIATE` transaction with its audit row.

pub mod alert_stream;
pub mod alerts;
pub mod audit;
pub mod backup;
pub mod changes;
pub mod control;
pub mod deriver;
pub mod followups;
pub mod history;
pub mod import_audit;
pub mod incidents;
pub mod keys;
pub(crate) mod many;
pub mod operators;
pub mod patients;
pub mod persons;
pub mod places;
pub mod reports;
mod rows;
pub mod schema;
pub mod settings;
pub mod shifts;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use audit::AuditEntry;

/// How long a write waits for another process's write to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is busy: another program is writing to it")]
    Busy,
    #[error("the database file cannot be opened: {path}: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("the database schema is newer ({found}) than this program knows ({known})")]
    TooNew { found: usize, known: usize },
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("step {step} was already recorded by {actor}")]
    StepAlreadyDone { step: u8, actor: String },
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Which patients a caller may see. The check lives here so that no view or command can forget
/// it: every query that lists patients, alerts or incidents takes a scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    All,
    Station(String),
}

impl Scope {
    /// The station a query must stay within, or `None` for the whole register.
    pub fn station(&self) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::Station(s) => Some(s.as_str()),
        }
    }

    pub fn admits_station(&self, station: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Station(s) => s == station,
        }
    }
}

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

/// Process-wide SQLite settings, made once before the first connection (SQLite refuses them
/// after it has started, which leaves its defaults: no harm). Without memory statistics every
/// allocation SQLite makes skips a global mutex; nothing here reads those statistics or sets
/// a heap limit, which are what they serve.
fn tune_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is called before any connection of this process is opened,
        // with the integer argument SQLITE_CONFIG_MEMSTATUS takes.
        unsafe {
            rusqlite::ffi::sqlite3_config(
                rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS,
                0 as std::ffi::c_int,
            );
        }
    });
}

impl Store {
    /// Opens (creating with mode 0600 where absent) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        tune_sqlite();
        let open_err = |e: &dyn std::fmt::Display| StoreError::Open {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(&e))?;
        }
        create_private(path).map_err(|e| open_err(&e))?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_err(&e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.configure(true)?;
        store.migrate()?;
        Ok(store)
    }

    /// A private database in memory, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        tune_sqlite();
        let conn = Connection::open_in_memory()?;
        let mut store = Store { conn, path: None };
        store.configure(false)?;
        store.migrate()?;
        Ok(store)
    }

    fn configure(&mut self, on_disk: bool) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        // Import and reconciliation use more distinct statements than rusqlite's default 16;
        // evicting them would mean preparing the same SQL again for every row.
        self.conn.set_prepared_statement_cache_capacity(64);
        if on_disk {
            // WAL persists in the file; the others are per connection and set at every open.
            let mode: String = self
                .conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Refused(format!(
                    "journal mode {mode}, expected wal"
                )));
            }
        }
        // A 16 MB page cache (SQLite's default is 2 MB) keeps the pages a large import keeps
        // going back to (the ends of its tables, the ID-number and person indexes); it is only
        // taken as pages are used. 32 and 48 MB imported 100k patients no faster.
        self.conn.execute_batch(
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16384;
             PRAGMA temp_store=MEMORY;",
        )?;
        Ok(())
    }

    /// Makes this connection enforce foreign keys or not (they are on, unless a bulk import
    /// turned them off for its own transaction: `Desk::act_bulk`). SQLite changes this only
    /// between transactions.
    pub(crate) fn enforce_foreign_keys(&self, on: bool) -> Result<()> {
        self.conn.pragma_update(None, "foreign_keys", on)?;
        Ok(())
    }

    /// Whether this connection enforces foreign keys now.
    pub fn enforces_foreign_keys(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))?)
    }

    /// This connection's page cache setting as SQLite gives it (negative: KiB; positive:
    /// pages), for `set_page_cache`.
    pub fn page_cache(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?)
    }

    pub(crate) fn set_page_cache(&self, setting: i64) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", setting)?;
        Ok(())
    }

    /// The database's size in bytes, as its pages count it.
    pub(crate) fn bytes(&self) -> Result<u64> {
        let (pages, size): (i64, i64) = self.conn.query_row(
            "SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((pages * size).max(0) as u64)
    }

    /// Sets this connection's page cache to `kib` KiB. The console reads the register once
    /// in a scan and then single rows by index, which a small cache serves as well as a large
    /// one; the 16 MB a command's connection takes would be held for the whole session.
    pub fn set_page_cache_kib(&self, kib: u32) -> Result<()> {
        self.set_page_cache(-i64::from(kib))
    }

    fn migrate(&mut self) -> Result<()> {
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let found = found as usize;
        if found > schema::CURRENT_VERSION {
            return Err(StoreError::TooNew {
                found,
                known: schema::CURRENT_VERSION,
            });
        }
        if found < schema::CURRENT_VERSION {
            // Two programs may open a fresh file at once: take the write lock first so only one
            // of them runs the migration and the other sees it done.
            self.conn.execute_batch("BEGIN IMMEDIATE; COMMIT;")?;
            schema::migrations()
                .to_latest(&mut self.conn)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
        }
        Ok(())
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` as one write transaction, taken at once (`BEGIN IMMEDIATE`) so it waits for
    /// another writer instead of failing half-way. Rolls back on error.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        changes::prune_in(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Like `write`, for callers with their own error type (the one-door API): `f`'s error
    /// rolls the transaction back and is returned as it is.
    pub fn transact<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Transaction) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| E::from(e.into()))?;
        let out = f(&tx)?;
        changes::prune_in(&tx).map_err(E::from)?;
        tx.commit().map_err(|e| E::from(e.into()))?;
        Ok(out)
    }

    /// Whether this database is a drill copy, where writes may be dated with `--as-of`.
    pub fn is_drill(&self) -> Result<bool> {
        settings::flag_in(self.conn(), settings::DRILL_KEY)
    }

    /// Marks this database as a drill copy.
    pub fn mark_drill(&mut self) -> Result<()> {
        self.write(|tx| settings::set_flag_in(tx, settings::DRILL_KEY))
    }

    /// Like `transact`, but `f` decides whether its work stays: `(value, true)` commits,
    /// `(value, false)` rolls back (a dry run, or problems found half-way).
    pub fn transact_or_roll_back<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Transaction) -> std::result::Result<(T, bool), E>,
    ) -> std::result::Result<(T, bool), E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| E::from(e.into()))?;
        let (out, keep) = f(&tx)?;
        if keep {
            changes::prune_in(&tx).map_err(E::from)?;
            tx.commit().map_err(|e| E::from(e.into()))?;
        } else {
            tx.rollback().map_err(|e| E::from(e.into()))?;
        }
        Ok((out, keep))
    }

    /// Like `write`, but `f` decides whether its work stays: `(value, true)` commits,
    /// `(value, false)` rolls back (a dry run, or problems found half-way).
    pub fn write_or_roll_back<T>(
        &mut self,
        f: impl FnOnce(&Transaction) -> Result<(T, bool)>,
    ) -> Result<(T, bool)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (out, keep) = f(&tx)?;
        if keep {
            changes::prune_in(&tx)?;
            tx.commit()?;
        } else {
            tx.rollback()?;
        }
        Ok((out, keep))
    }

    /// Read access for queries.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A number that changes whenever another connection (any process) commits. Cheap enough
    /// to poll several times a second.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    pub fn schema_version(&self) -> Result<usize> {
        let v: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok(v as usize)
    }

    /// `PRAGMA integrity_check` and foreign keys; an empty list means sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = row?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        for row in stmt.query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })? {
            problems.push(row?);
        }
        Ok(problems)
    }
}

/// Creates an empty file readable only by its owner, unless it exists already. SQLite gives
/// the -wal and -shm files the same mode.
fn create_private(path: &Path) -> std::io::Result<()> {
    use std::fs::OpenOptions;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    opts.mode(0o600);
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Unix milliseconds, the form instants take in the store.
pub(crate) fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
