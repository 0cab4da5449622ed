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

    /// Removes a key by its fingerprint and returns whose it was. Sessions that logged in with
    /// it end within seconds: the SSH server re-checks the keys whenever the database changes.
    pub fn remove_key(
        &mut self,
        fingerprint: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        self.write(|tx| {
            let login: Option<String> = tx
                .query_row(
                    "SELECT login FROM operator_keys WHERE fingerprint = ?1",
                    [fingerprint],
                    |r| r.get(0),
                )
                .optional()?;
            let login = login.ok_or_else(|| StoreError::NotFound(format!("key {fingerprint}")))?;
            tx.execute(
                "DELETE FROM operator_keys WHERE fingerprint = ?1",
                [fingerprint],
            )?;
            let before = serde_json::json!({"login": login, "fingerprint": fingerprint});
            audit::record(
                tx,
                now,
                by,
                "key.remove",
                "operator",
                Some(&login),
                Some(&before),
                None,
            )?;
            Ok(login)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::operators::OperatorRole;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 10, 1, 0, 0).unwrap()
    }

    fn store_with_desk_key() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("k.db")).unwrap();
        let desk = Operator {
            login: "desk".into(),
            display_name: "望江派出所值班室".into(),
            role: OperatorRole::Station,
            station: Some("望江派出所".into()),
            disabled: false,
        };
        store.add_operator(&desk, "admin", now()).unwrap();
        store
            .add_key(
                "desk",
                "SHA256:abc",
                "ssh-ed25519 AAAA desk",
                "admin",
                now(),
            )
            .unwrap();
        (dir, store)
    }

    #[test]
    fn a_removed_key_no_longer_names_an_operator_and_its_removal_is_audited() {
        let (_dir, mut store) = store_with_desk_key();
        assert!(store.operator_by_key("SHA256:abc").unwrap().is_some());
        let login = store.remove_key("SHA256:abc", "center", now()).unwrap();
        assert_eq!(login, "desk");
        assert!(store.operator_by_key("SHA256:abc").unwrap().is_none());
        assert!(store.keys().unwrap().is_empty());
        let last = &store.audit_entries(1).unwrap()[0];
        assert_eq!(
            (last.action.as_str(), last.operator.as_str()),
            ("key.remove", "center")
        );
        assert_eq!(last.entity_id.as_deref(), Some("desk"));
    }

    #[test]
    fn removing_an_unknown_key_is_refused_and_writes_nothing() {
        let (_dir, mut store) = store_with_desk_key();
        let before = store.audit_count().unwrap();
        assert!(matches!(
            store.remove_key("SHA256:nope", "center", now()),
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(store.audit_count().unwrap(), before);
        assert_eq!(store.keys().unwrap().len(), 1);
    }
}
