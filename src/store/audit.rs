//! The append-only audit log: who, when, what, before and after. Written inside the same
//! transaction as the change it describes, so neither exists without the other.

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};
use serde::Serialize;

use super::{Result, Store, from_millis, millis};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub operator: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Appends one audit row whose before/after are already JSON text (the fast path for bulk
/// writes that serialize their own structs).
#[allow(clippy::too_many_arguments)]
pub fn record_text(
    tx: &Transaction,
    at: DateTime<Utc>,
    operator: &str,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_log (at, operator, action, entity, entity_id, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        millis(at),
        operator,
        action,
        entity,
        entity_id,
        before,
        after
    ])?;
    Ok(())
}

/// Appends one audit row in `tx`.
#[allow(clippy::too_many_arguments)]
pub fn record(
    tx: &Transaction,
    at: DateTime<Utc>,
    operator: &str,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    let before = before.map(|v| v.to_string());
    let after = after.map(|v| v.to_string());
    record_text(
        tx,
        at,
        operator,
        action,
        entity,
        entity_id,
        before.as_deref(),
        after.as_deref(),
    )
}

impl Store {
    /// The newest `limit` entries, newest first.
    pub fn audit_entries(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, at, operator, action, entity, entity_id, before, after
             FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
            Ok(AuditEntry {
                id: r.get(0)?,
                at: from_millis(r.get(1)?),
                operator: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                before: parse(r.get(6)?),
                after: parse(r.get(7)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
    }
}
