//! An import's audit (V12): one audit row names the roster as it was read, kept whole and
//! compressed under its SHA-256, and each patient the import added is linked to the row of
//! that file which gave them. The file is what the operator handed in, so the link says all
//! a copy of the record would, for a few bytes instead of a few hundred. The import row's
//! hash covers the file's SHA-256 and a digest of its links, so a changed file or a link added,
//! changed or removed by hand is found where the chain is verified.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::Result;
use super::audit::{AuditEvent, AuditLog, Author, hex};
use super::persons::{role_from, role_number};
use crate::domain::audit::AuditAction;
use crate::domain::team::Role;

/// How hard the roster is compressed: zstd's level 3 packs a 35 MB CSV of 100k patients to
/// about 5 MB in a tenth of a second.
const LEVEL: i32 = 3;

/// The roster as read, compressed for keeping (made on the import's checking core once every
/// row is checked).
#[derive(Debug, Clone)]
pub struct KeptRoster {
    pub name: String,
    pub sha256: String,
    pub bytes: usize,
    data: Vec<u8>,
}

impl KeptRoster {
    pub fn new(name: &str, text: &[u8]) -> std::io::Result<KeptRoster> {
        Ok(KeptRoster {
            name: name.to_string(),
            sha256: hex(&Sha256::digest(text)),
            bytes: text.len(),
            data: zstd::bulk::compress(text, LEVEL)?,
        })
    }
}

/// One added patient and the file row that gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub patient_id: i64,
    pub line: usize,
    /// The roles whose person this row registered in the directory (`role_bits`).
    pub registered: u8,
}

/// The roles as bits: bit n-1 for the role stored as number n (`persons::role_number`).
pub fn role_bits(roles: &[Role]) -> u8 {
    roles
        .iter()
        .fold(0, |bits, r| bits | 1 << (role_number(*r) - 1))
}

fn roles_of(bits: i64) -> Vec<Role> {
    (1..=8)
        .filter(|n| bits & (1 << (n - 1)) != 0)
        .filter_map(role_from)
        .collect()
}

/// SHA-256 over the links in file order, one `patient line registered` line each.
fn link_digest(links: impl Iterator<Item = Link>) -> String {
    let mut h = Sha256::new();
    for l in links {
        h.update(format!("{} {} {}\n", l.patient_id, l.line, l.registered).as_bytes());
    }
    hex(&h.finalize())
}

/// Writes the import's audit: keeps the file (once, however often it is imported), appends
/// the row (`summary` plus the file's name and SHA-256 and the links' digest) and links the
/// added patients to it. Returns the row's id.
pub(crate) fn write(
    tx: &Transaction,
    at: DateTime<Utc>,
    author: &Author,
    kept: &KeptRoster,
    mut summary: Map<String, Value>,
    links: &mut [Link],
) -> Result<i64> {
    links.sort_by_key(|l| (l.line, l.patient_id));
    tx.prepare_cached(
        "INSERT OR IGNORE INTO roster_files (sha256, name, bytes, data) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        kept.sha256,
        kept.name,
        kept.bytes as i64,
        kept.data
    ])?;
    summary.insert("file".into(), json!(kept.name));
    summary.insert("sha256".into(), json!(kept.sha256));
    summary.insert("links".into(), json!(link_digest(links.iter().copied())));
    let event = AuditEvent::new(AuditAction::RosterImported, "roster", &kept.sha256)
        .after(Value::Object(summary));
    let id = AuditLog::open(tx)?.append(tx, at, author, &event)?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO audit_patients (patient_id, audit_id, line, registered)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for l in links.iter() {
        stmt.execute(params![l.patient_id, id, l.line as i64, l.registered])?;
    }
    Ok(id)
}

/// What a link row says, as the `after` of the patient's own entry: the file, its row, and
/// the roles whose person the row registered.
pub(crate) fn link_after(import_after: Option<&str>, line: i64, registered: i64) -> Value {
    let file = import_after
        .and_then(|a| serde_json::from_str::<Value>(a).ok())
        .and_then(|v| v.get("file").cloned())
        .unwrap_or(Value::Null);
    let mut m = Map::new();
    m.insert("file".into(), file);
    m.insert("line".into(), json!(line));
    let roles = roles_of(registered);
    if !roles.is_empty() {
        m.insert("persons_created".into(), json!(roles));
    }
    Value::Object(m)
}

/// Whether an import row's file and links still give the digests its (hashed) `after` holds.
pub(crate) fn intact(conn: &Connection, audit_id: i64, after: Option<&str>) -> Result<bool> {
    let after: Value = match after.map(serde_json::from_str) {
        Some(Ok(v)) => v,
        _ => return Ok(false),
    };
    let (Some(sha), Some(links)) = (
        after.get("sha256").and_then(Value::as_str),
        after.get("links").and_then(Value::as_str),
    ) else {
        return Ok(false);
    };
    let data: Option<Vec<u8>> = conn
        .query_row(
            "SELECT data FROM roster_files WHERE sha256 = ?1",
            [sha],
            |r| r.get(0),
        )
        .optional()?;
    let file_intact = data
        .and_then(|d| zstd::stream::decode_all(d.as_slice()).ok())
        .is_some_and(|text| hex(&Sha256::digest(&text)) == sha);
    let mut stmt = conn.prepare_cached(
        "SELECT patient_id, line, registered FROM audit_patients WHERE audit_id = ?1
         ORDER BY line, patient_id",
    )?;
    let stored = stmt
        .query_map([audit_id], |r| {
            Ok(Link {
                patient_id: r.get(0)?,
                line: r.get::<_, i64>(1)? as usize,
                registered: r.get::<_, i64>(2)? as u8,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(file_intact && link_digest(stored.into_iter()) == links)
}

/// A kept roster: when and by whom it was imported, and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptRosterRow {
    pub at: DateTime<Utc>,
    pub operator: String,
    pub operator_name: Option<String>,
    pub name: String,
    pub sha256: String,
    pub rows: i64,
    pub added: i64,
    pub updated: i64,
    pub unchanged: i64,
}

/// Every import that kept a roster, newest first.
pub(crate) fn imports(conn: &Connection) -> Result<Vec<KeptRosterRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.at, a.operator, o.display_name, a.after FROM audit_log a
         LEFT JOIN operators o ON o.login = a.operator
         WHERE a.action = ?1 ORDER BY a.id DESC",
    )?;
    let rows = stmt.query_map([AuditAction::RosterImported.code()], |r| {
        let after: Option<String> = r.get(3)?;
        let v: Value = after
            .and_then(|a| serde_json::from_str(&a).ok())
            .unwrap_or_default();
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let number = |k: &str| v.get(k).and_then(Value::as_i64).unwrap_or(0);
        Ok(KeptRosterRow {
            at: super::from_millis(r.get(0)?),
            operator: r.get(1)?,
            operator_name: r.get(2)?,
            name: text("file"),
            sha256: text("sha256"),
            rows: number("rows"),
            added: number("added"),
            updated: number("updated"),
            unchanged: number("unchanged"),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The kept roster whose SHA-256 starts with `prefix` (its name and text), if exactly one does.
pub(crate) fn roster_text(conn: &Connection, prefix: &str) -> Result<Option<(String, Vec<u8>)>> {
    let prefix = prefix.to_ascii_lowercase();
    if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT name, data FROM roster_files WHERE substr(sha256, 1, length(?1)) = ?1 LIMIT 2",
    )?;
    let mut found = stmt
        .query_map([&prefix], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if found.len() != 1 {
        return Ok(None);
    }
    let (name, data) = found.remove(0);
    Ok(Some((name, zstd::stream::decode_all(data.as_slice())?)))
}
