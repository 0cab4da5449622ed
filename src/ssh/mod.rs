//! The embedded SSH server: police-station desks connect with their operator's key and get the
//! console as that operator, nothing else (no shell, no exec, no forwarding). Each session runs
//! its own console process on its own pseudo-terminal, so crossterm reads input as usual and
//! window changes arrive as the OS delivers them. A dropped link ends only that session; a
//! disabled operator's or removed key's sessions end within seconds; SIGTERM or SIGINT ends
//! every session cleanly and the server exits 0.
//!
//! `keys` host key and fingerprints · `auth` what counts as a failed login · `connection` one
//! connection's requests · `console` the console process on its pty · `listener` accepting,
//! grace time and ending connections · `revocation` the logged-in sessions and the watcher that
//! ends them when access is withdrawn.

mod auth;
mod connection;
mod console;
mod keys;
mod listener;
mod revocation;

pub use console::clamp_size;
pub use keys::{fingerprint, host_key, parse_public_key};

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::config::SshConfig;
use crate::i18n::{Lang, SshText};
use crate::store::Store;
use connection::Shared;
use revocation::LiveSessions;

pub struct ServeSetup {
    pub db: PathBuf,
    pub addr: String,
    pub host_key: PathBuf,
    pub lang: Lang,
    /// Limits from the configuration's `[ssh]` table.
    pub limits: SshConfig,
    /// `--max-sessions`, over the configuration's.
    pub max_sessions: Option<usize>,
    /// The configuration file given on the command line, passed on to each console.
    pub config_path: Option<PathBuf>,
    /// Where the server says what it does (start, stop), in the operator's language.
    pub say: Box<dyn Fn(SshText) + Send + Sync>,
}

/// Operators who can log in now: enabled, with at least one key.
fn operators_with_keys(store: &Store) -> Result<usize, String> {
    let (keys, ops) = revocation::keys_and_operators(store).map_err(|e| e.to_string())?;
    Ok(ops
        .iter()
        .filter(|o| !o.disabled && keys.iter().any(|(login, _)| *login == o.login))
        .count())
}

/// Serves until SIGTERM or SIGINT, then ends every session and returns.
pub fn serve(setup: ServeSetup) -> Result<(), String> {
    // Each console starts in its own directory: relative paths would name other files there.
    let absolute = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
    let db = absolute(&setup.db);
    let config_path = setup.config_path.as_ref().map(absolute);
    let key = host_key(&setup.host_key)?;
    let host_fingerprint = fingerprint(key.public_key());
    let with_keys = operators_with_keys(&Store::open(&db).map_err(|e| e.to_string())?)?;
    let max_tries = setup.limits.max_auth_tries;
    let config = Arc::new(russh::server::Config {
        methods: russh::MethodSet::from(&[russh::MethodKind::PublicKey][..]),
        keys: vec![key],
        preferred: russh::Preferred {
            key: keys::offered_algorithms().into(),
            ..russh::Preferred::DEFAULT
        },
        // The tally in `auth` decides; russh's own count is only a ceiling.
        max_auth_attempts: auth::AuthTally::russh_ceiling(max_tries),
        // Each refusal waits this long: it slows a guesser, but each key an agent offers before
        // the desk's own waits too, so it stays short (keys, not passwords, decide here).
        auth_rejection_time: Duration::from_millis(200),
        auth_rejection_time_initial: Some(Duration::from_millis(0)),
        inactivity_timeout: Some(Duration::from_secs(12 * 3600)),
        keepalive_interval: Some(Duration::from_secs(30)),
        nodelay: true,
        ..Default::default()
    });
    let live = Arc::new(LiveSessions::default());
    let shared = Arc::new(Shared {
        db: db.clone(),
        lang: setup.lang,
        config_path,
        max_sessions: setup
            .max_sessions
            .unwrap_or(setup.limits.max_sessions as usize),
        max_auth_tries: max_tries,
        sessions: AtomicUsize::new(0),
        live: live.clone(),
    });
    let limits = listener::Limits {
        login_grace: Duration::from_secs(u64::from(setup.limits.login_grace_seconds)),
        max_unauthenticated: setup.limits.max_unauthenticated as usize,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    let (stop_watcher, watcher_stop) = std::sync::mpsc::channel::<()>();
    let watcher = {
        let db = db.clone();
        std::thread::spawn(move || revocation::watch(db, live, watcher_stop))
    };
    let say = setup.say;
    let addr = setup.addr;
    let outcome = runtime.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        let cannot = |reason: String| {
            tracing::error!(addr = %addr, %reason, "ssh server cannot listen");
            SshText::CannotListen {
                addr: addr.clone(),
                reason,
            }
        };
        let listener = tokio::net::TcpListener::bind(addr.as_str())
            .await
            .map_err(|e| cannot(e.to_string()))?;
        let mut term = signal(SignalKind::terminate()).map_err(|e| cannot(e.to_string()))?;
        let mut int = signal(SignalKind::interrupt()).map_err(|e| cannot(e.to_string()))?;
        let local = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| addr.clone());
        tracing::info!(addr = %local, fingerprint = %host_fingerprint, operators = with_keys, "ssh server listening");
        say(SshText::Listening {
            addr: local,
            fingerprint: host_fingerprint,
            operators_with_keys: with_keys,
        });
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let accepting = tokio::spawn(listener::accept(
            listener,
            config,
            shared.clone(),
            limits,
            stopped,
        ));
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        let sessions = shared.sessions.load(Ordering::SeqCst);
        tracing::info!(sessions, "ssh server stopping");
        say(SshText::Stopping { sessions });
        let _ = stop.send(true);
        let _ = accepting.await;
        tracing::info!(sessions, "ssh server stopped");
        say(SshText::Stopped { sessions });
        Ok::<(), SshText>(())
    });
    drop(stop_watcher);
    let _ = watcher.join();
    // Console threads still finishing their farewells must not hold the exit.
    runtime.shutdown_timeout(Duration::from_secs(2));
    outcome.map_err(|t| setup.lang.text(&crate::i18n::Msg::Ssh(t)))
}
