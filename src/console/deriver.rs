//! The deriver as a process runs it: a console with write rights, or `serve`, asks for the
//! lease once a minute and, while it holds it, derives the patients whose time has come.
//! The policy is `domain::lease`; the SQL is `store::deriver`.

use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::domain::clock::Clock;
use crate::domain::lease::{Holder, HolderKind};
use crate::store::Store;
use crate::store::deriver::DeriverRun;

/// How often the holder derives.
pub const DERIVE_EVERY: Duration = Duration::from_secs(60);

/// This process as a candidate holder.
pub struct Deriver {
    me: Holder,
}

impl Deriver {
    /// This process (its id and host) deriving for `login`.
    pub fn new(login: &str, kind: HolderKind) -> Self {
        Deriver {
            me: Holder {
                pid: std::process::id(),
                host: host_name(),
                login: login.to_string(),
                kind,
            },
        }
    }

    pub fn holder(&self) -> &Holder {
        &self.me
    }

    /// One minute's turn: `Some` when this process holds the lease and derived. A busy or
    /// failing database is logged and tried again next minute.
    pub fn tick(
        &self,
        store: &mut Store,
        now: DateTime<Utc>,
        config: &Config,
    ) -> Option<DeriverRun> {
        match store.derive_as_holder(&self.me, now, config) {
            Ok(run) => {
                if let Some(r) = run
                    && r.derived > 0
                {
                    tracing::debug!(patients = r.derived, "time-based alerts derived");
                }
                run
            }
            Err(e) => {
                tracing::warn!(error = %e, "alert derivation");
                None
            }
        }
    }

    /// Gives the lease up on the way out, so another process takes over at once.
    pub fn release(&self, store: &mut Store, now: DateTime<Utc>) {
        if let Err(e) = store.release_deriver_lease(&self.me, now) {
            tracing::warn!(error = %e, "deriver lease release");
        }
    }
}

/// Runs the deriver on its own thread with its own connection until `stop` is set: for
/// `serve`, which has no console of its own.
pub fn spawn(
    db: PathBuf,
    login: String,
    config: Config,
    clock: Arc<dyn Clock>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("deriver".into())
        .spawn(move || {
            let mut store = match Store::open(&db) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "deriver cannot open the database");
                    return;
                }
            };
            let deriver = Deriver::new(&login, HolderKind::Serve);
            let mut last: Option<Instant> = None;
            while !stop.load(Ordering::Relaxed) {
                if last.is_none_or(|l| l.elapsed() >= DERIVE_EVERY) {
                    last = Some(Instant::now());
                    deriver.tick(&mut store, clock.now(), &config);
                }
                std::thread::sleep(Duration::from_millis(500));
            }
            deriver.release(&mut store, clock.now());
        })
}

/// The machine's name, as the lease records it; empty where the system does not say.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}
