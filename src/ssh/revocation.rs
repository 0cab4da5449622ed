//! Who is logged in now, and ending the sessions whose right to be there was taken away: a
//! watcher re-reads the operators and keys whenever the database changes (`PRAGMA
//! data_version`) and every few seconds anyway, and ends each session whose key was removed or
//! whose operator was disabled, telling the desk why.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

use crate::i18n::SshText;
use crate::store::Store;
use crate::store::operators::Operator;

/// How often the watcher looks at `data_version`.
const POLL: Duration = Duration::from_millis(500);
/// Re-read even when nothing seems to have changed (a copy of the database swapped in).
const FULL_RECHECK: Duration = Duration::from_secs(5);

struct Live {
    login: String,
    fingerprint: String,
    end: UnboundedSender<SshText>,
    ended: bool,
}

/// The logged-in sessions, by connection id.
#[derive(Default)]
pub struct LiveSessions {
    sessions: Mutex<HashMap<u64, Live>>,
    /// Bumped at every log-in, so the watcher checks a newcomer without waiting.
    generation: AtomicU64,
}

impl LiveSessions {
    pub fn register(&self, id: u64, login: &str, fingerprint: &str, end: UnboundedSender<SshText>) {
        self.lock().insert(
            id,
            Live {
                login: login.into(),
                fingerprint: fingerprint.into(),
                end,
                ended: false,
            },
        );
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Live>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends every session whose key (`keys`: login, fingerprint) is gone or no longer its
    /// operator's, or whose operator is disabled or gone; each session once. Returns whom.
    pub fn revoke(&self, keys: &[(String, String)], operators: &[Operator]) -> Vec<(u64, SshText)> {
        let owner: HashMap<&str, &str> = keys
            .iter()
            .map(|(login, fp)| (fp.as_str(), login.as_str()))
            .collect();
        let mut ended = Vec::new();
        for (id, live) in self.lock().iter_mut().filter(|(_, l)| !l.ended) {
            let why = if owner.get(live.fingerprint.as_str()) != Some(&live.login.as_str()) {
                SshText::KeyRemoved
            } else if operators
                .iter()
                .any(|o| o.login == live.login && !o.disabled)
            {
                continue;
            } else {
                SshText::OperatorDisabled {
                    login: live.login.clone(),
                }
            };
            live.ended = true;
            let _ = live.end.send(why.clone());
            ended.push((*id, why));
        }
        ended
    }
}

/// (login, fingerprint) of keys.
pub type Keys = Vec<(String, String)>;

/// Every key and every operator, whatever their station: the one read
/// the server makes of who may be logged in.
pub fn keys_and_operators(store: &Store) -> crate::store::Result<(Keys, Vec<Operator>)> {
    Ok((
        store.keys(&crate::store::Scope::All)?,
        store.operators(&crate::store::Scope::All)?,
    ))
}

/// The watcher's loop, on its own thread (the store is blocking); returns when `stop` is
/// dropped or signalled.
pub fn watch(db: PathBuf, live: std::sync::Arc<LiveSessions>, stop: std::sync::mpsc::Receiver<()>) {
    let mut store: Option<Store> = None;
    let mut seen: Option<(i64, u64)> = None;
    let mut checked = Instant::now();
    loop {
        match stop.recv_timeout(POLL) {
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        if live.is_empty() {
            continue;
        }
        if store.is_none() {
            match Store::open(&db) {
                Ok(s) => store = Some(s),
                Err(e) => {
                    tracing::warn!(error = %e, "ssh watcher cannot open the database");
                    continue;
                }
            }
        }
        let Some(s) = &store else { continue };
        let now = (
            s.data_version().unwrap_or(-1),
            live.generation.load(Ordering::SeqCst),
        );
        if seen == Some(now) && checked.elapsed() < FULL_RECHECK {
            continue;
        }
        let (keys, operators) = match keys_and_operators(s) {
            Ok(both) => both,
            Err(e) => {
                // A busy or swapped database: try again on the next tick with a fresh handle.
                tracing::warn!(error = %e, "ssh watcher cannot read operators and keys");
                store = None;
                continue;
            }
        };
        seen = Some(now);
        checked = Instant::now();
        for (id, why) in live.revoke(&keys, &operators) {
            tracing::warn!(session = id, reason = ?why, "ssh session ended: access withdrawn");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::operators::OperatorRole;

    fn op(login: &str, disabled: bool) -> Operator {
        Operator {
            login: login.into(),
            display_name: login.into(),
            role: OperatorRole::Station,
            station: Some("望江派出所".into()),
            disabled,
        }
    }

    fn keys(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(l, f)| (l.to_string(), f.to_string()))
            .collect()
    }

    #[test]
    fn a_disabled_operators_and_a_removed_keys_sessions_end_once_each() {
        let live = LiveSessions::default();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        live.register(1, "desk", "SHA256:a", tx.clone());
        live.register(2, "desk", "SHA256:b", tx.clone());
        live.register(3, "other", "SHA256:c", tx);
        let all_keys = keys(&[
            ("desk", "SHA256:a"),
            ("desk", "SHA256:b"),
            ("other", "SHA256:c"),
        ]);
        let ops = [op("desk", false), op("other", false)];
        assert!(live.revoke(&all_keys, &ops).is_empty());

        // Key b removed: only session 2 ends.
        let without_b = keys(&[("desk", "SHA256:a"), ("other", "SHA256:c")]);
        assert_eq!(
            live.revoke(&without_b, &ops),
            vec![(2, SshText::KeyRemoved)]
        );
        assert_eq!(rx.try_recv().unwrap(), SshText::KeyRemoved);

        // "other" disabled: session 3 ends, and nothing ends twice.
        let ops = [op("desk", false), op("other", true)];
        let ended = live.revoke(&without_b, &ops);
        assert_eq!(
            ended,
            vec![(
                3,
                SshText::OperatorDisabled {
                    login: "other".into()
                }
            )]
        );
        assert!(live.revoke(&without_b, &ops).is_empty());
    }

    #[test]
    fn a_key_given_to_another_operator_ends_the_old_owners_session() {
        let live = LiveSessions::default();
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        live.register(1, "desk", "SHA256:a", tx);
        let moved = keys(&[("other", "SHA256:a")]);
        let ops = [op("desk", false), op("other", false)];
        assert_eq!(live.revoke(&moved, &ops), vec![(1, SshText::KeyRemoved)]);
    }
}
