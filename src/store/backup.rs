//! Copies of the database and the way back: an online backup published whole and owner-only,
//! the proof that a file is a sound dutydesk database (SQLite integrity, foreign keys, schema,
//! the audit log's guards), and restoring such a file in place of the live database while no
//! other process has it open, keeping the old file beside it.

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Store, StoreError, schema};
use crate::files::{self, Existing, FileError};

/// What a verified copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub version: usize,
    pub patients: i64,
    pub audit_rows: i64,
}

/// A restore done: the database now holds the copy; the old file is kept under `kept`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub kept: Option<PathBuf>,
    pub verified: Verified,
}

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0} is not a regular file")]
    NotRegular(PathBuf),
    #[error("{0} is not an SQLite database")]
    NotDatabase(PathBuf),
    #[error("{0} is the database itself")]
    SameFile(PathBuf),
    #[error("{path} is not a sound dutydesk database: {problems:?}")]
    Unsound {
        path: PathBuf,
        problems: Vec<String>,
    },
    #[error("{0} is in use by another program")]
    InUse(PathBuf),
}

impl From<rusqlite::Error> for CopyError {
    fn from(e: rusqlite::Error) -> Self {
        CopyError::Store(e.into())
    }
}

impl Store {
    /// An online copy to `dest` (which must not exist), consistent even while others write.
    /// The copy is self-contained (no `-wal`), mode 0600, and appears under its name only when
    /// complete; with `verify` it is checked (see `verify_connection`) before it gets the name,
    /// so a copy that fails the check never looks like a backup.
    pub fn backup_to(&self, dest: &Path, verify: bool) -> Result<Option<Verified>, CopyError> {
        let mut verified = None;
        files::write_private_at(dest, Existing::Refuse, |tmp| {
            let mut target = Connection::open(tmp).map_err(|e| e.to_string())?;
            {
                let backup = rusqlite::backup::Backup::new(self.conn(), &mut target)
                    .map_err(|e| e.to_string())?;
                backup
                    .run_to_completion(256, Duration::from_millis(5), None)
                    .map_err(|e| e.to_string())?;
            }
            self_contained(&target).map_err(|e| e.to_string())?;
            if verify {
                verified = Some(verify_connection(&target, dest).map_err(|e| e.to_string())?);
            }
            target.close().map_err(|(_, e)| e.to_string())
        })?;
        Ok(verified)
    }
}

/// Switches a copy out of WAL, so that the one file holds everything and opens anywhere.
fn self_contained(conn: &Connection) -> rusqlite::Result<()> {
    let _: String = conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
    Ok(())
}

/// Opens the database file at `path` (a copy this process owns) and checks it.
pub fn verify_file(path: &Path) -> Result<Verified, CopyError> {
    if !files::is_sqlite_database(path) {
        return Err(CopyError::NotDatabase(path.to_path_buf()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    self_contained(&conn)?;
    verify_connection(&conn, path)
}

/// SQLite's integrity and foreign-key checks, the schema version, and the audit log's own
/// guards. Any problem refuses the copy, naming what is wrong.
pub fn verify_connection(conn: &Connection, path: &Path) -> Result<Verified, CopyError> {
    let unsound = |problems: Vec<String>| CopyError::Unsound {
        path: path.to_path_buf(),
        problems,
    };
    // A file that is not a database at all fails here, not with a panic later.
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| unsound(vec![e.to_string()]))?;
    let version = version as usize;
    if version == 0 {
        return Err(unsound(vec!["no dutydesk schema".into()]));
    }
    if version > schema::CURRENT_VERSION {
        return Err(CopyError::Store(StoreError::TooNew {
            found: version,
            known: schema::CURRENT_VERSION,
        }));
    }
    let mut problems = integrity_problems(conn).map_err(|e| unsound(vec![e.to_string()]))?;
    if problems.is_empty() {
        problems.extend(audit_problems(conn).map_err(|e| unsound(vec![e.to_string()]))?);
    }
    if !problems.is_empty() {
        return Err(unsound(problems));
    }
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    Ok(Verified {
        version,
        patients: count("SELECT count(*) FROM patients")?,
        audit_rows: count("SELECT count(*) FROM audit_log")?,
    })
}

/// `PRAGMA integrity_check` and `foreign_key_check`; empty means sound.
fn integrity_problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = line?;
        if line != "ok" {
            problems.push(line);
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
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

/// The audit log's own proof, checked on every backup `--verify` and every restore: the
/// triggers keeping it append-only are in place and its hash chain is whole, so that a copy
/// whose history was rewritten is never restored or reported as a good backup.
pub fn audit_problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let fail = |e: super::StoreError| match e {
        super::StoreError::Sqlite(e) => e,
        other => rusqlite::Error::ToSqlConversionFailure(other.to_string().into()),
    };
    let mut problems = Vec::new();
    for trigger in super::audit::missing_triggers(conn).map_err(fail)? {
        problems.push(format!("audit log guard missing: trigger {trigger}"));
    }
    let chain = super::audit::verify_chain(conn, None).map_err(fail)?;
    if let Some(b) = chain.first_break {
        problems.push(format!("audit log hash chain broken at row {}", b.id()));
    }
    Ok(problems)
}

/// Replaces the database at `db` with a verified copy of `source`. The copy is made and
/// checked beside the database first; then, holding the database exclusively (refused while
/// any other process has it open), the old file is kept as `NAME.before-restore-STAMP` and
/// the copy takes the database's name in one rename.
pub fn restore(db: &Path, source: &Path, stamp: &str) -> Result<Restored, CopyError> {
    let meta = std::fs::metadata(source).map_err(|e| FileError::Io {
        path: source.to_path_buf(),
        source: e,
    })?;
    if !meta.is_file() {
        return Err(CopyError::NotRegular(source.to_path_buf()));
    }
    if same_file(db, source) {
        return Err(CopyError::SameFile(source.to_path_buf()));
    }
    if !files::is_sqlite_database(source) {
        return Err(CopyError::NotDatabase(source.to_path_buf()));
    }
    let (tmp, mut file) = files::create_temp_beside(db)?;
    let cleanup = |tmp: &Path| {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut p = tmp.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    };
    let prepared = (|| {
        let mut from = std::fs::File::open(source).map_err(|e| FileError::Io {
            path: source.to_path_buf(),
            source: e,
        })?;
        std::io::copy(&mut from, &mut file)
            .and_then(|_| file.sync_all())
            .map_err(|e| FileError::Io {
                path: tmp.clone(),
                source: e,
            })?;
        verify_file(&tmp).map_err(|e| match e {
            // Name the file the operator gave, not the temporary copy.
            CopyError::Unsound { problems, .. } => CopyError::Unsound {
                path: source.to_path_buf(),
                problems,
            },
            other => other,
        })
    })();
    drop(file);
    let verified = match prepared {
        Ok(v) => v,
        Err(e) => {
            cleanup(&tmp);
            return Err(e);
        }
    };
    let switched = switch(db, &tmp, stamp);
    if switched.is_err() {
        cleanup(&tmp);
    }
    Ok(Restored {
        kept: switched?,
        verified,
    })
}

/// Puts `tmp` in place of `db`, keeping the old file. Returns where the old file went.
fn switch(db: &Path, tmp: &Path, stamp: &str) -> Result<Option<PathBuf>, CopyError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| CopyError::File(FileError::Io { path, source: e })
    };
    if !db.exists() {
        // A standby machine: nothing to keep, and the name must still be free.
        std::fs::hard_link(tmp, db).map_err(io(db))?;
        std::fs::remove_file(tmp).map_err(io(tmp))?;
        return Ok(None);
    }
    let lock = match lock_exclusively(db) {
        Ok(c) => Some(c),
        // A file SQLite cannot read at all is no database anyone is using: it is replaced.
        Err(CopyError::Store(StoreError::Sqlite(e)))
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) =>
        {
            None
        }
        Err(e) => return Err(e),
    };
    let kept = kept_name(db, stamp);
    // The kept name gets the old file and the database name gets the copy, each atomically:
    // at no instant is there no database under its name.
    std::fs::hard_link(db, &kept).map_err(io(&kept))?;
    std::fs::rename(tmp, db).map_err(io(db))?;
    for suffix in ["-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    drop(lock);
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(Some(kept))
}

/// A connection holding the database exclusively, its WAL folded back into the file. SQLite
/// can leave WAL only when no other connection has the file open, which is the test that
/// nobody is using it; in exclusive locking mode the lock is then kept until this connection
/// is dropped.
fn lock_exclusively(db: &Path) -> Result<Connection, CopyError> {
    let in_use = || CopyError::InUse(db.to_path_buf());
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(Duration::from_millis(500))?;
    let busy = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => in_use(),
        _ => CopyError::from(e),
    };
    let _: String = conn
        .query_row("PRAGMA locking_mode=EXCLUSIVE", [], |r| r.get(0))
        .map_err(busy)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))
        .map_err(busy)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(in_use());
    }
    conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")
        .map_err(busy)?;
    Ok(conn)
}

fn kept_name(db: &Path, stamp: &str) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut candidate = db.with_file_name(format!("{name}.before-restore-{stamp}"));
    let mut n = 2;
    while std::fs::symlink_metadata(&candidate).is_ok() {
        candidate = db.with_file_name(format!("{name}.before-restore-{stamp}-{n}"));
        n += 1;
    }
    candidate
}

fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}
