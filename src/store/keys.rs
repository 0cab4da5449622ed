//! Operators' SSH public keys: added from an OpenSSH public key file, matched by SHA-256
//! fingerprint when a desk connects.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::operators::Operator;
use super::{Result, Scope, Store, millis};

/// Stores an OpenSSH public key line for an operator under its fingerprint.
pub(crate) fn insert_in(
    tx: &Transaction,
    login: &str,
    fingerprint: &str,
    key_text: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO operator_keys (fingerprint, login, key, added_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (fingerprint) DO UPDATE SET login = excluded.login, key = excluded.key",
        params![fingerprint, login, key_text.trim(), millis(now)],
    )?;
    Ok(())
}

/// The login a key belongs to.
pub(crate) fn owner_in(conn: &rusqlite::Connection, fingerprint: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT login FROM operator_keys WHERE fingerprint = ?1",
            [fingerprint],
            |r| r.get(0),
        )
        .optional()?)
}

/// Removes a key; true when there was one.
pub(crate) fn remove_in(tx: &Transaction, fingerprint: &str) -> Result<bool> {
    Ok(tx.execute(
        "DELETE FROM operator_keys WHERE fingerprint = ?1",
        [fingerprint],
    )? == 1)
}

impl Store {
    /// The enabled operator a key fingerprint belongs to.
    pub fn operator_by_key(&self, fingerprint: &str) -> Result<Option<Operator>> {
        match owner_in(self.conn(), fingerprint)? {
            Some(l) => Ok(self.operator(&l)?.filter(|o| !o.disabled)),
            None => Ok(None),
        }
    }

    /// (login, fingerprint) of every key of operators in scope.
    pub fn keys(&self, scope: &Scope) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT k.login, k.fingerprint FROM operator_keys k
             JOIN operators o ON o.login = k.login
             WHERE ?1 IS NULL OR o.station = ?1 ORDER BY k.login",
        )?;
        let rows = stmt.query_map([scope.station()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
