//! Accepting connections: at most `max_unauthenticated` still logging in at once (more are
//! closed as they arrive, so a flood cannot hold the server), each given the login grace time
//! to log in, and each watched by a task that can end it from outside (access withdrawn, too
//! many failures, the server stopping): first the console, so the desk's terminal is restored
//! and the desk reads why, then the connection.

use russh::Disconnect;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::connection::{Connection, Link, Shared};
use crate::i18n::{Msg, SshText};

/// How long a hung-up console has to restore the desk's terminal before the link is cut.
const CONSOLE_END: Duration = Duration::from_secs(6);
/// How long a client whose channel closed has to leave before it is disconnected.
const CLIENT_LEAVES: Duration = Duration::from_secs(3);
/// How long a stopping server waits for its connections to end.
const STOP_WAIT: Duration = Duration::from_secs(10);

pub struct Limits {
    pub login_grace: Duration,
    pub max_unauthenticated: usize,
}

/// One place among the connections still logging in; given back on log-in or when the
/// connection ends.
struct PreAuth(Arc<AtomicUsize>);

impl PreAuth {
    fn take(count: &Arc<AtomicUsize>, max: usize) -> Option<PreAuth> {
        count
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| PreAuth(count.clone()))
    }
}

impl Drop for PreAuth {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Accepts until `stop` turns true, then ends every connection and waits for them (at most
/// `STOP_WAIT`).
pub async fn accept(
    listener: TcpListener,
    config: Arc<russh::server::Config>,
    shared: Arc<Shared>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let pre_auth = Arc::new(AtomicUsize::new(0));
    let ids = AtomicU64::new(1);
    let mut connections = JoinSet::new();
    let mut last_refusal_log: Option<Instant> = None;
    let stop_for_each = stop.clone();
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let Some(slot) = PreAuth::take(&pre_auth, limits.max_unauthenticated) else {
                        // Closed at once; logged at most once a second, a flood must not fill
                        // the log either.
                        if last_refusal_log.is_none_or(|t| t.elapsed() > Duration::from_secs(1)) {
                            tracing::warn!(%peer, max = limits.max_unauthenticated, "ssh connection refused: too many logging in");
                            last_refusal_log = Some(Instant::now());
                        }
                        drop(stream);
                        continue;
                    };
                    let id = ids.fetch_add(1, Ordering::SeqCst);
                    connections.spawn(watch_over(
                        stream,
                        peer,
                        id,
                        config.clone(),
                        shared.clone(),
                        slot,
                        limits.login_grace,
                        stop_for_each.clone(),
                    ));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "ssh accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    drop(listener);
    let all_ended = tokio::time::timeout(STOP_WAIT, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if all_ended.is_err() {
        tracing::warn!("ssh connections still open at stop; cut");
        connections.abort_all();
    }
}

/// Resolves once the server is stopping.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

#[allow(clippy::too_many_arguments)]
async fn watch_over(
    stream: TcpStream,
    peer: SocketAddr,
    id: u64,
    config: Arc<russh::server::Config>,
    shared: Arc<Shared>,
    slot: PreAuth,
    grace: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let deadline = Instant::now() + grace;
    let _ = stream.set_nodelay(true);
    let (end, mut ends) = mpsc::unbounded_channel();
    let (authenticated, mut logged_in) = watch::channel(false);
    let link = Arc::new(Link {
        id,
        peer: Some(peer),
        end,
        authenticated,
        console: Default::default(),
    });
    let handler = Connection::new(shared.clone(), link.clone());
    // The version exchange is inside the grace time too: a client that says nothing is closed.
    let session =
        match tokio::time::timeout_at(deadline, russh::server::run_stream(config, stream, handler))
            .await
        {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "ssh connection failed before log-in");
                return;
            }
            Err(_) => {
                tracing::info!(%peer, "ssh connection closed: silent past the login grace time");
                return;
            }
        };
    let handle = session.handle();
    tokio::pin!(session);
    let mut slot = Some(slot);
    let why = loop {
        tokio::select! {
            _ = &mut session => return,
            _ = tokio::time::sleep_until(deadline), if slot.is_some() => {
                tracing::info!(%peer, "ssh connection closed: not logged in within the grace time");
                break SshText::LoginTimeout { seconds: grace.as_secs() as u32 };
            }
            changed = logged_in.changed(), if slot.is_some() => {
                if changed.is_err() || *logged_in.borrow() {
                    slot = None;
                }
            }
            Some(why) = ends.recv() => break why,
            _ = stopped(&mut stop) => break SshText::ServerStopping,
        }
    };
    drop(slot);
    if let Some(mut console) = link.console() {
        console.hang_up(Some(why.clone()));
        if console.ended(CONSOLE_END).await {
            // The channel closed after the farewell, so the client leaves by itself once it
            // has printed everything; a disconnect now could overtake the farewell there.
            if tokio::time::timeout(CLIENT_LEAVES, &mut session)
                .await
                .is_ok()
            {
                return;
            }
        } else {
            tracing::warn!(%peer, "console did not end in time; link cut");
        }
    }
    // OpenSSH prints a disconnect reason with every non-ASCII byte escaped (\346\223…), so the
    // reason on the wire is the English text; the desk read its own language on the channel.
    let text = crate::i18n::Lang::En.text(&Msg::Ssh(why));
    let _ = handle
        .disconnect(Disconnect::ByApplication, text, "".into())
        .await;
    let _ = tokio::time::timeout(Duration::from_secs(5), session).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_for_connections_logging_in_are_capped_and_given_back() {
        let count = Arc::new(AtomicUsize::new(0));
        let a = PreAuth::take(&count, 2).unwrap();
        let b = PreAuth::take(&count, 2).unwrap();
        assert!(PreAuth::take(&count, 2).is_none());
        drop(a);
        let c = PreAuth::take(&count, 2);
        assert!(c.is_some());
        drop((b, c));
        assert_eq!(count.load(Ordering::SeqCst), 0);
    }
}
