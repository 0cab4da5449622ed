//! Operators' SSH public keys: added from an OpenSSH public key file, matched by SHA-256
//! fingerprint when a desk connects.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::operators::Operator;
use super::{Result, Store, StoreError, audit, millis};

impl Store {
    /// Stores `key_text` (an OpenSSH public key line) for an operator; returns its fingerprint.
    pub fn add_key(
        &mut self,
        login: &str,
        fingerprint: &str,
        key_text: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.operator(login)?.is_none() {
            return Err(StoreError::NotFound(format!("operator {login}")));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO operator_keys (fingerprint, login, key, added_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (fingerprint) DO UPDATE SET login = excluded.login, key = excluded.key",
                params![fingerprint, login, key_text.trim(), millis(now)],
            )?;
            let after = serde_json::json!({"login": login, "fingerprint": fingerprint});
            audit::record(tx, now, by, "key.add", "operator", Some(login), None, Some(&after))
        })
    }

    /// The enabled operator a key fingerprint belongs to.
    pub fn operator_by_key(&self, fingerprint: &str) -> Result<Option<Operator>> {
        let login: Option<String> = self
            .conn()
            .query_row(
                "SELECT login FROM operator_keys WHERE fingerprint = ?1",
                [fingerprint],
                |r| r.get(0),
            )
            .optional()?;
        match login {
            Some(l) => Ok(self.operator(&l)?.filter(|o| !o.disabled)),
            None => Ok(None),
        }
    }

    /// (login, fingerprint) of every key.
    pub fn keys(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT login, fingerprint FROM operator_keys ORDER BY login")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
