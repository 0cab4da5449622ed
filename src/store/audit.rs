//! The append-only audit log: who (operator and the OS user or SSH key behind them), when,
//! what, about which patient and station, before and after. Written inside the same
//! transaction as the change it describes, so neither exists without the other. Each row
//! carries a SHA-256 hash over its content and the previous row's hash, so a row changed,
//! removed or replaced by hand breaks the chain at that row, and the head hash printed on a
//! handover or report pins the history up to that moment. Since V11 a row stores its hash as
//! 32 bytes and leaves its previous hash empty (it is the hash of the row before, which the
//! verifier holds anyway); older rows keep both as hex text. Either way the chain is the same
//! hex-text chain, so old and new rows verify, and tampering is found, alike.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Result, Scope, Store, from_millis, millis};
use crate::domain::audit::AuditAction;

/// The append-only triggers of the audit log (since V5): no update, no delete, and an insert
/// must extend the chain (a higher id, the last row's hash as its previous hash), so that
/// `INSERT OR REPLACE` cannot overwrite a row either.
pub const AUDIT_TRIGGERS: &str = r#"
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_extends_chain BEFORE INSERT ON audit_log
WHEN NEW.id <= COALESCE((SELECT MAX(id) FROM audit_log), 0)
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '')
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: a row must extend the chain');
END;
"#;

/// The chain trigger since V11: a row's previous hash may be left empty (it is the last row's
/// hash); one that is given must still be that hash, whether stored as bytes or as hex.
pub const CHAIN_TRIGGER_V11: &str = r#"
DROP TRIGGER audit_log_extends_chain;
CREATE TRIGGER audit_log_extends_chain BEFORE INSERT ON audit_log
WHEN NEW.id <= COALESCE((SELECT MAX(id) FROM audit_log), 0)
  OR (NEW.prev_hash <> '' AND NEW.prev_hash IS NOT COALESCE((
      SELECT CASE typeof(hash) WHEN 'blob' THEN lower(hex(hash)) ELSE hash END
      FROM audit_log ORDER BY id DESC LIMIT 1), ''))
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: a row must extend the chain');
END;
"#;

/// The names of the triggers `dutydesk check` expects.
pub const AUDIT_TRIGGER_NAMES: [&str; 7] = [
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_log_extends_chain",
    "roster_files_no_update",
    "roster_files_no_delete",
    "audit_patients_no_update",
    "audit_patients_no_delete",
];

/// The operator name the system uses for what it does by itself.
pub const SYSTEM: &str = "system";

/// Who a row names: the operator, and the identity the system saw behind them (the OS user
/// in local mode, `ssh:SHA256:…` for a key over SSH). The system itself has an empty one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    pub login: String,
    pub os_user: String,
}

impl Author {
    pub fn new(login: impl Into<String>, os_user: impl Into<String>) -> Author {
        Author {
            login: login.into(),
            os_user: os_user.into(),
        }
    }

    /// The system, for what it does by itself (reconciling derived alerts).
    pub fn system() -> Author {
        Author::new(SYSTEM, "")
    }
}

/// What a write says happened.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    /// The patient the action concerns, so that the row is found with the patient and seen
    /// by the desks whose scope holds that patient.
    pub patient_id: Option<i64>,
    /// The station whose desk may read the row (the patient's, the incident's, the operator's).
    pub station: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEvent {
    pub fn new(action: AuditAction, entity: &'static str, entity_id: impl ToString) -> Self {
        AuditEvent {
            action,
            entity,
            entity_id: Some(entity_id.to_string()),
            patient_id: None,
            station: None,
            before: None,
            after: None,
        }
    }

    pub fn patient(mut self, id: i64, station: &str) -> Self {
        self.patient_id = Some(id);
        self.station = Some(station.to_string());
        self
    }

    pub fn station(mut self, station: Option<&str>) -> Self {
        self.station = station.map(str::to_string);
        self
    }

    pub fn before(mut self, v: serde_json::Value) -> Self {
        self.before = Some(v);
        self
    }

    pub fn after(mut self, v: serde_json::Value) -> Self {
        self.after = Some(v);
        self
    }
}

/// The fields a row's hash covers, in order.
struct RowContent<'a> {
    id: i64,
    at: i64,
    operator: &'a str,
    os_user: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
    patient_id: Option<i64>,
    station: Option<&'a str>,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

/// SHA-256 over the previous hash and the row's fields, each written with its length so that
/// no two different rows serialise alike.
fn row_hash(prev: &str, c: &RowContent) -> String {
    hex(&row_digest(prev, c))
}

/// The hash's 32 bytes, as new rows store it.
fn row_digest(prev: &str, c: &RowContent) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    let opt = |s: Option<&str>| s.map(|s| format!("+{s}")).unwrap_or_else(|| "-".into());
    field(prev);
    field(&c.id.to_string());
    field(&c.at.to_string());
    field(c.operator);
    field(c.os_user);
    field(c.action);
    field(c.entity);
    field(&opt(c.entity_id));
    field(&opt(c.patient_id.map(|p| p.to_string()).as_deref()));
    field(&opt(c.station));
    field(&opt(c.before));
    field(&opt(c.after));
    h.finalize().into()
}

/// A stored hash as hex text: new rows hold 32 bytes, rows before V11 hex text.
fn hash_text(v: rusqlite::types::ValueRef) -> rusqlite::Result<String> {
    use rusqlite::types::{FromSqlError, ValueRef};
    match v {
        ValueRef::Blob(b) => Ok(hex(b)),
        ValueRef::Text(t) => Ok(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Null => Ok(String::new()),
        _ => Err(rusqlite::Error::FromSqlConversionFailure(
            0,
            v.data_type(),
            Box::new(FromSqlError::InvalidType),
        )),
    }
}

pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The end of the chain as one transaction sees it: appends continue from here. Keeping it
/// in memory lets a bulk write (an import) append thousands of rows without a query each.
pub struct AuditLog {
    next_id: i64,
    prev_hash: String,
}

impl AuditLog {
    pub fn open(tx: &Transaction) -> Result<AuditLog> {
        let (last, hash) = head_in(tx)?;
        Ok(AuditLog {
            next_id: last + 1,
            prev_hash: hash,
        })
    }

    /// Appends one row; returns its id.
    pub fn append(
        &mut self,
        tx: &Transaction,
        at: DateTime<Utc>,
        author: &Author,
        e: &AuditEvent,
    ) -> Result<i64> {
        let before = e.before.as_ref().map(|v| v.to_string());
        let after = e.after.as_ref().map(|v| v.to_string());
        self.append_text(tx, at, author, e, before.as_deref(), after.as_deref())
    }

    /// Like `append`, with before/after already JSON text (bulk writes serialise their own).
    pub fn append_text(
        &mut self,
        tx: &Transaction,
        at: DateTime<Utc>,
        author: &Author,
        e: &AuditEvent,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Result<i64> {
        let content = RowContent {
            id: self.next_id,
            at: millis(at),
            operator: &author.login,
            os_user: &author.os_user,
            action: e.action.code(),
            entity: e.entity,
            entity_id: e.entity_id.as_deref(),
            patient_id: e.patient_id,
            station: e.station.as_deref(),
            before,
            after,
        };
        let digest = row_digest(&self.prev_hash, &content);
        // The previous hash is not repeated: it is the last row's, which the trigger and the
        // verifier know.
        tx.prepare_cached(
            "INSERT INTO audit_log (id, at, operator, os_user, action, entity, entity_id,
                patient_id, station, before, after, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            content.id,
            content.at,
            content.operator,
            content.os_user,
            content.action,
            content.entity,
            content.entity_id,
            content.patient_id,
            content.station,
            before,
            after,
            "",
            &digest[..]
        ])?;
        let id = self.next_id;
        self.next_id += 1;
        self.prev_hash = hex(&digest);
        Ok(id)
    }
}

/// Appends one row in `tx` (a write with a single audit row).
pub fn append(tx: &Transaction, at: DateTime<Utc>, author: &Author, e: &AuditEvent) -> Result<i64> {
    AuditLog::open(tx)?.append(tx, at, author, e)
}

/// The last row's id and hash inside a transaction.
pub fn head_in_tx(tx: &Transaction) -> Result<(i64, String)> {
    head_in(tx)
}

/// The last row's id and hash (0 and "" for an empty log).
fn head_in(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, hash_text(r.get_ref(1)?)?)),
        )
        .optional()?
        .unwrap_or((0, String::new())))
}

fn content_of(r: &rusqlite::Row) -> rusqlite::Result<(i64, OwnedContent, String, String)> {
    Ok((
        r.get(0)?,
        OwnedContent {
            at: r.get(1)?,
            operator: r.get(2)?,
            os_user: r.get(3)?,
            action: r.get(4)?,
            entity: r.get(5)?,
            entity_id: r.get(6)?,
            patient_id: r.get(7)?,
            station: r.get(8)?,
            before: r.get(9)?,
            after: r.get(10)?,
        },
        hash_text(r.get_ref(11)?)?,
        hash_text(r.get_ref(12)?)?,
    ))
}

struct OwnedContent {
    at: i64,
    operator: String,
    os_user: String,
    action: String,
    entity: String,
    entity_id: Option<String>,
    patient_id: Option<i64>,
    station: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

impl OwnedContent {
    fn hash(&self, id: i64, prev: &str) -> String {
        row_hash(
            prev,
            &RowContent {
                id,
                at: self.at,
                operator: &self.operator,
                os_user: &self.os_user,
                action: &self.action,
                entity: &self.entity,
                entity_id: self.entity_id.as_deref(),
                patient_id: self.patient_id,
                station: self.station.as_deref(),
                before: self.before.as_deref(),
                after: self.after.as_deref(),
            },
        )
    }
}

const CONTENT_COLUMNS: &str = "id, at, operator, os_user, action, entity, entity_id, patient_id,
    station, before, after, prev_hash, hash";

/// Computes the chain over every row, in id order (the migration that introduced it).
pub(crate) fn chain_all(tx: &Transaction) -> rusqlite::Result<()> {
    let mut prev = String::new();
    let rows: Vec<(i64, OwnedContent)> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {CONTENT_COLUMNS} FROM audit_log ORDER BY id"
        ))?;
        stmt.query_map([], content_of)?
            .map(|r| r.map(|(id, c, _, _)| (id, c)))
            .collect::<rusqlite::Result<_>>()?
    };
    let mut update = tx.prepare("UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE id = ?3")?;
    for (id, c) in rows {
        let hash = c.hash(id, &prev);
        update.execute(params![prev, hash, id])?;
        prev = hash;
    }
    Ok(())
}

/// Where the chain first fails, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainBreak {
    /// The row's content no longer gives its hash: it was changed.
    Altered { id: i64 },
    /// The row does not follow the one before it: a row was removed, inserted or replaced.
    Unlinked { id: i64 },
}

impl ChainBreak {
    pub fn id(&self) -> i64 {
        match self {
            ChainBreak::Altered { id } | ChainBreak::Unlinked { id } => *id,
        }
    }
}

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub rows_checked: u64,
    /// Imports whose kept roster and links were checked against their row (V12).
    pub rosters_checked: u64,
    pub head_id: i64,
    pub head_hash: String,
    pub first_break: Option<ChainBreak>,
}

/// Verifies the chain from the first row at or after `from` (every row when `None`) to the
/// head: each row's hash from its content and the previous row's hash.
pub fn verify_chain(conn: &Connection, from: Option<DateTime<Utc>>) -> Result<ChainReport> {
    let start: i64 = match from {
        Some(at) => conn
            .query_row(
                "SELECT COALESCE(MIN(id), 0) FROM audit_log WHERE at >= ?1",
                [millis(at)],
                |r| r.get(0),
            )
            .unwrap_or(0),
        None => 0,
    };
    let mut prev: String = conn
        .query_row(
            "SELECT hash FROM audit_log WHERE id < ?1 ORDER BY id DESC LIMIT 1",
            [start.max(1)],
            |r| hash_text(r.get_ref(0)?),
        )
        .optional()?
        .unwrap_or_default();
    let mut stmt = conn.prepare(&format!(
        "SELECT {CONTENT_COLUMNS} FROM audit_log WHERE id >= ?1 ORDER BY id"
    ))?;
    let mut rows = stmt.query([start])?;
    let mut report = ChainReport {
        rows_checked: 0,
        rosters_checked: 0,
        head_id: 0,
        head_hash: String::new(),
        first_break: None,
    };
    while let Some(r) = rows.next()? {
        let (id, content, prev_hash, hash) = content_of(r)?;
        report.rows_checked += 1;
        if report.first_break.is_none() {
            // An empty previous hash is not repeated (V11): only the hash can tell.
            if !prev_hash.is_empty() && prev_hash != prev {
                report.first_break = Some(ChainBreak::Unlinked { id });
            } else if content.hash(id, &prev) != hash {
                report.first_break = Some(ChainBreak::Altered { id });
            } else if content.action == AuditAction::RosterImported.code() {
                // An import's row stands for its kept file and links too (V12).
                report.rosters_checked += 1;
                if !super::import_audit::intact(conn, id, content.after.as_deref())? {
                    report.first_break = Some(ChainBreak::Altered { id });
                }
            }
        }
        report.head_id = id;
        report.head_hash = hash.clone();
        prev = hash;
    }
    Ok(report)
}

/// The append-only triggers that are missing (dropped by hand).
pub fn missing_triggers(conn: &Connection) -> Result<Vec<&'static str>> {
    let mut missing = Vec::new();
    for name in AUDIT_TRIGGER_NAMES {
        let found: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        if found.is_none() {
            missing.push(name);
        }
    }
    Ok(missing)
}

/// One row as the operator reads it: the action typed, the operator and patient with their
/// names.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub operator: String,
    /// The operator's display name, where the login is a registered operator.
    pub operator_name: Option<String>,
    pub os_user: String,
    /// `None` for a code this build does not know (a newer program wrote it).
    pub action: Option<AuditAction>,
    pub code: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<i64>,
    pub patient_name: Option<String>,
    pub station: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub hash: String,
}

impl AuditEntry {
    /// The name to show for whoever acted.
    pub fn who(&self) -> &str {
        self.operator_name.as_deref().unwrap_or(&self.operator)
    }
}

/// Which rows to read. The scope's station filter is applied in SQL, on the row's own station
/// and on its patient's current station.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub scope: Scope,
    pub operator: Option<String>,
    pub patient_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Rows older than this id (for paging back).
    pub before_id: Option<i64>,
    /// Leave out what the system does by itself.
    pub operators_only: bool,
    pub limit: usize,
}

/// Rows matching `q`, newest first, read with `conn` (a transaction or the store's). About one
/// patient, an import that added them reads as their own row (from the link, V12): the
/// import's time, operator and hash, with the file and its row as what it says.
pub(crate) fn audit_in(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM (
         SELECT a.id, a.at, a.operator, o.display_name, a.os_user, a.action, a.entity,
            a.entity_id, a.patient_id, p.name, a.station, a.before, a.after, a.hash,
            NULL AS line, NULL AS registered
         FROM audit_log a
         LEFT JOIN operators o ON o.login = a.operator
         LEFT JOIN patients p ON p.id = a.patient_id
         WHERE (?1 IS NULL OR a.station = ?1 OR p.station = ?1
                OR (a.action = ?9 AND EXISTS (SELECT 1 FROM audit_patients l
                    JOIN patients q ON q.id = l.patient_id
                    WHERE l.audit_id = a.id AND q.station = ?1)))
           AND (?2 IS NULL OR a.operator = ?2)
           AND (?3 IS NULL OR a.patient_id = ?3)
           AND (?4 IS NULL OR a.at >= ?4)
           AND (?5 IS NULL OR a.at <= ?5)
           AND (?6 IS NULL OR a.id < ?6)
           AND (?7 = 0 OR a.operator <> 'system')
         UNION ALL
         SELECT a.id, a.at, a.operator, o.display_name, a.os_user, ?10, 'patient',
            CAST(l.patient_id AS TEXT), l.patient_id, p.name, p.station, NULL, a.after, a.hash,
            l.line, l.registered
         FROM audit_patients l
         JOIN audit_log a ON a.id = l.audit_id
         LEFT JOIN operators o ON o.login = a.operator
         JOIN patients p ON p.id = l.patient_id
         WHERE ?3 IS NOT NULL AND l.patient_id = ?3
           AND (?1 IS NULL OR p.station = ?1)
           AND (?2 IS NULL OR a.operator = ?2)
           AND (?4 IS NULL OR a.at >= ?4)
           AND (?5 IS NULL OR a.at <= ?5)
           AND (?6 IS NULL OR a.id < ?6)
         ) ORDER BY id DESC LIMIT ?8",
    )?;
    let rows = stmt.query_map(
        params![
            q.scope.station(),
            q.operator,
            q.patient_id,
            q.from.map(millis),
            q.to.map(millis),
            q.before_id,
            q.operators_only,
            if q.limit == 0 { -1 } else { q.limit as i64 },
            AuditAction::RosterImported.code(),
            AuditAction::PatientImported.code(),
        ],
        |r| {
            let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
            let code: String = r.get(5)?;
            let line: Option<i64> = r.get(14)?;
            let after: Option<String> = r.get(12)?;
            let after = match line {
                Some(line) => Some(super::import_audit::link_after(
                    after.as_deref(),
                    line,
                    r.get::<_, Option<i64>>(15)?.unwrap_or(0),
                )),
                None => parse(after),
            };
            Ok(AuditEntry {
                id: r.get(0)?,
                at: from_millis(r.get(1)?),
                operator: r.get(2)?,
                operator_name: r.get(3)?,
                os_user: r.get(4)?,
                action: AuditAction::from_code(&code),
                code,
                entity: r.get(6)?,
                entity_id: r.get(7)?,
                patient_id: r.get(8)?,
                patient_name: r.get(9)?,
                station: r.get(10)?,
                before: parse(r.get(11)?),
                after,
                hash: hash_text(r.get_ref(13)?)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Store {
    /// Rows matching `q`, newest first.
    pub fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        audit_in(self.conn(), q)
    }

    /// The newest `limit` entries in scope, newest first.
    pub fn audit_entries(&self, scope: &Scope, limit: usize) -> Result<Vec<AuditEntry>> {
        self.audit(&AuditQuery {
            scope: scope.clone(),
            limit,
            ..Default::default()
        })
    }

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
    }

    /// The last row's id and hash: printed on handovers and reports so that a paper copy pins
    /// the history up to that moment.
    pub fn audit_head(&self) -> Result<(i64, String)> {
        head_in(self.conn())
    }

    pub fn verify_audit_chain(&self, from: Option<DateTime<Utc>>) -> Result<ChainReport> {
        verify_chain(self.conn(), from)
    }

    pub fn missing_audit_triggers(&self) -> Result<Vec<&'static str>> {
        missing_triggers(self.conn())
    }

    /// Every import that kept its roster, newest first.
    pub fn kept_rosters(&self) -> Result<Vec<super::import_audit::KeptRosterRow>> {
        super::import_audit::imports(self.conn())
    }

    /// The kept roster whose SHA-256 starts with `prefix`: its file name and text.
    pub fn kept_roster(&self, prefix: &str) -> Result<Option<(String, Vec<u8>)>> {
        super::import_audit::roster_text(self.conn(), prefix)
    }
}
