//! One desk's connection as russh sees it: who logged in (public keys only), the one session
//! channel it may open, the one console that channel may start, and a failure reply to every
//! other request (exec, subsystem, x11, env, agent and port forwarding, a second shell).

use russh::keys::PublicKey;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelOpenFailure};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, watch};

use super::auth::{Attempt, AuthTally, Verdict};
use super::console::{ConsoleControl, ConsoleProcess, Desk, Launch, clamp_size};
use super::keys::{fingerprint, signature_accepted};
use super::revocation::LiveSessions;
use crate::i18n::{Lang, SshText};
use crate::store::Store;
use crate::store::operators::Operator;

/// What every connection of one server shares.
pub struct Shared {
    pub db: PathBuf,
    pub lang: Lang,
    pub config_path: Option<PathBuf>,
    pub max_sessions: usize,
    pub max_auth_tries: u32,
    /// Session channels open now.
    pub sessions: AtomicUsize,
    pub live: Arc<LiveSessions>,
}

/// What a connection's handler shares with the task that watches over it (login grace time,
/// ending it from outside).
pub struct Link {
    pub id: u64,
    pub peer: Option<SocketAddr>,
    /// Asks the watching task to end the connection, telling the desk why.
    pub end: mpsc::UnboundedSender<SshText>,
    pub authenticated: watch::Sender<bool>,
    pub console: Mutex<Option<ConsoleControl>>,
}

impl Link {
    pub fn console(&self) -> Option<ConsoleControl> {
        self.console
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

pub struct Connection {
    shared: Arc<Shared>,
    link: Arc<Link>,
    tally: AuthTally,
    operator: Option<Operator>,
    fingerprint: Option<String>,
    /// The one session channel, once open.
    channel: Option<ChannelId>,
    pty: Option<(u16, u16)>,
    term: String,
    shell_asked: bool,
    console: Option<ConsoleProcess>,
}

impl Connection {
    pub fn new(shared: Arc<Shared>, link: Arc<Link>) -> Connection {
        let tally = AuthTally::new(shared.max_auth_tries);
        Connection {
            shared,
            link,
            tally,
            operator: None,
            fingerprint: None,
            channel: None,
            pty: None,
            term: "xterm-256color".into(),
            shell_asked: false,
            console: None,
        }
    }

    fn count(&mut self, attempt: Attempt) {
        if self.tally.record(attempt) == Verdict::Disconnect {
            tracing::warn!(peer = ?self.link.peer, failures = self.tally.failures(), "ssh login: too many failures");
            let _ = self.link.end.send(SshText::TooManyFailures);
        }
    }

    fn ours(&self, channel: ChannelId) -> bool {
        self.channel == Some(channel)
    }

    fn refuse(
        &self,
        channel: ChannelId,
        what: &str,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        tracing::info!(peer = ?self.link.peer, request = what, "ssh request refused");
        session.channel_failure(channel)
    }

    fn start_console(&mut self, channel: ChannelId, session: &mut Session) -> Result<(), String> {
        let op = self.operator.clone().ok_or("not authenticated")?;
        let fingerprint = self.fingerprint.clone().ok_or("not authenticated")?;
        let launch = Launch {
            db: &self.shared.db,
            login: &op.login,
            fingerprint: &fingerprint,
            lang: self.shared.lang,
            config_path: self.shared.config_path.as_deref(),
            term: &self.term,
            size: self.pty.unwrap_or((80, 24)),
        };
        let desk = Desk {
            channel,
            handle: session.handle(),
            runtime: tokio::runtime::Handle::current(),
        };
        let console = ConsoleProcess::start(launch, desk)?;
        *self.link.console.lock().unwrap_or_else(|p| p.into_inner()) = Some(console.control());
        self.console = Some(console);
        Ok(())
    }

    fn hang_up(&mut self) {
        if let Some(c) = &self.console {
            c.control().hang_up(None);
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Dropping the console hangs it up; its own thread reaps it.
        self.console.take();
        if self.channel.is_some() {
            self.shared.sessions.fetch_sub(1, Ordering::SeqCst);
        }
        self.shared.live.remove(self.link.id);
        if let Some(op) = &self.operator {
            tracing::info!(peer = ?self.link.peer, operator = %op.login, "ssh session ended");
        }
    }
}

/// The enabled operator owning a key, read off the async threads.
async fn owner(db: PathBuf, fp: &str) -> Option<Operator> {
    let fp = fp.to_string();
    tokio::task::spawn_blocking(move || match Store::open(&db) {
        Ok(s) => s.operator_by_key(&fp).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "ssh key look-up failed");
            None
        }),
        Err(e) => {
            tracing::warn!(error = %e, "ssh key look-up cannot open the database");
            None
        }
    })
    .await
    .ok()
    .flatten()
}

fn refused_open(what: &str, peer: Option<SocketAddr>) -> ChannelOpenFailure {
    tracing::info!(?peer, channel = what, "ssh channel refused");
    ChannelOpenFailure::AdministrativelyProhibited
}

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, _: &str) -> Result<Auth, Self::Error> {
        self.count(Attempt::None);
        Ok(Auth::reject())
    }

    async fn auth_password(&mut self, user: &str, _: &str) -> Result<Auth, Self::Error> {
        tracing::warn!(peer = ?self.link.peer, user, "ssh password refused");
        self.count(Attempt::Password);
        Ok(Auth::reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _: &str,
        _: &str,
        _: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        self.count(Attempt::KeyboardInteractive);
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        let fp = fingerprint(offer.public_key);
        if !signature_accepted(offer.algorithm) {
            tracing::warn!(peer = ?self.link.peer, user, fingerprint = %fp, "ssh-rsa (SHA-1) signature refused; use rsa-sha2-256/512");
            self.count(Attempt::UnknownKey);
            return Ok(Auth::reject());
        }
        if owner(self.shared.db.clone(), &fp).await.is_some() {
            self.count(Attempt::KnownKey);
            Ok(Auth::Accept)
        } else {
            tracing::info!(peer = ?self.link.peer, user, fingerprint = %fp, "ssh key not registered");
            self.count(Attempt::UnknownKey);
            Ok(Auth::reject())
        }
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let public: &PublicKey = key.public_key;
        let fp = fingerprint(public);
        match owner(self.shared.db.clone(), &fp).await {
            Some(op) => {
                self.count(Attempt::Verified { accepted: true });
                tracing::info!(peer = ?self.link.peer, user, operator = %op.login, fingerprint = %fp, algorithm = %key.algorithm, "ssh key accepted");
                self.operator = Some(op);
                self.fingerprint = Some(fp);
                Ok(Auth::Accept)
            }
            None => {
                tracing::warn!(peer = ?self.link.peer, user, fingerprint = %fp, "ssh key refused");
                self.count(Attempt::Verified { accepted: false });
                Ok(Auth::reject())
            }
        }
    }

    async fn auth_succeeded(&mut self, _: &mut Session) -> Result<(), Self::Error> {
        if let (Some(op), Some(fp)) = (&self.operator, &self.fingerprint) {
            self.shared
                .live
                .register(self.link.id, &op.login, fp, self.link.end.clone());
        }
        let _ = self.link.authenticated.send(true);
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel.is_some() {
            // One console per connection: a second session channel is refused.
            reply
                .reject(refused_open("second session", self.link.peer))
                .await;
            return Ok(());
        }
        let open = self.shared.sessions.fetch_add(1, Ordering::SeqCst);
        if open >= self.shared.max_sessions {
            self.shared.sessions.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!(peer = ?self.link.peer, max = self.shared.max_sessions, "ssh session refused: limit reached");
            reply.reject(ChannelOpenFailure::ResourceShortage).await;
            return Ok(());
        }
        self.channel = Some(channel.id());
        reply.accept().await;
        Ok(())
    }

    async fn channel_open_x11(
        &mut self,
        _: Channel<Msg>,
        _: &str,
        _: u32,
        reply: ChannelOpenHandle,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        reply.reject(refused_open("x11", self.link.peer)).await;
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _: Channel<Msg>,
        _: &str,
        _: u32,
        _: &str,
        _: u32,
        reply: ChannelOpenHandle,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        reply
            .reject(refused_open("direct-tcpip", self.link.peer))
            .await;
        Ok(())
    }

    async fn channel_open_forwarded_tcpip(
        &mut self,
        _: Channel<Msg>,
        _: &str,
        _: u32,
        _: &str,
        _: u32,
        reply: ChannelOpenHandle,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        reply
            .reject(refused_open("forwarded-tcpip", self.link.peer))
            .await;
        Ok(())
    }

    async fn channel_open_direct_streamlocal(
        &mut self,
        _: Channel<Msg>,
        _: &str,
        reply: ChannelOpenHandle,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        reply
            .reject(refused_open("direct-streamlocal", self.link.peer))
            .await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _: u32,
        _: u32,
        _: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) || self.shell_asked {
            return self.refuse(channel, "pty-req", session);
        }
        self.pty = Some(clamp_size(cols, rows));
        // A terminal name is passed to the console's environment: keep it a plain word.
        if !term.is_empty()
            && term.len() <= 64
            && term
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b))
        {
            self.term = term.to_string();
        }
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) || self.shell_asked {
            // One console per session, however often the client asks.
            return self.refuse(channel, "second shell", session);
        }
        self.shell_asked = true;
        // The operator may have been disabled between log-in and now.
        let still = match self.fingerprint.clone() {
            Some(fp) => owner(self.shared.db.clone(), &fp).await,
            None => None,
        };
        if still.is_none() {
            self.refuse(channel, "shell (access withdrawn)", session)?;
            let login = self
                .operator
                .as_ref()
                .map(|o| o.login.clone())
                .unwrap_or_default();
            let _ = self.link.end.send(SshText::OperatorDisabled { login });
            return Ok(());
        }
        self.operator = still;
        match self.start_console(channel, session) {
            Ok(()) => session.channel_success(channel),
            Err(e) => {
                tracing::warn!(peer = ?self.link.peer, error = %e, "console did not start");
                session.channel_failure(channel)?;
                session.close(channel)
            }
        }
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Only the console: no commands.
        self.refuse(channel, "exec", session)?;
        if self.ours(channel) && self.console.is_none() {
            session.close(channel)?;
        }
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse(channel, "subsystem", session)?;
        if self.ours(channel) && self.console.is_none() {
            session.close(channel)?;
        }
        Ok(())
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _: bool,
        _: &str,
        _: &str,
        _: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse(channel, "x11-req", session)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _: &str,
        _: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The console's environment is the server's choice, never the client's.
        self.refuse(channel, "env", session)
    }

    async fn agent_request(&mut self, _: ChannelId, _: &mut Session) -> Result<bool, Self::Error> {
        // russh replies with a failure.
        Ok(false)
    }

    async fn tcpip_forward(
        &mut self,
        _: &str,
        _: &mut u32,
        _: &mut Session,
    ) -> Result<bool, Self::Error> {
        tracing::info!(peer = ?self.link.peer, "ssh port forwarding refused");
        Ok(false)
    }

    async fn streamlocal_forward(&mut self, _: &str, _: &mut Session) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if let (true, Some(c)) = (self.ours(channel), &self.console) {
            c.input(data);
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        cols: u32,
        rows: u32,
        _: u32,
        _: u32,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) {
            return Ok(());
        }
        let size = clamp_size(cols, rows);
        self.pty = Some(size);
        if let Some(c) = &self.console {
            c.resize(size);
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The desk will send nothing more: the session ends (the console is hung up and the
        // channel closes when it has gone).
        if self.ours(channel) {
            if self.console.is_some() {
                self.hang_up();
            } else {
                session.close(channel)?;
            }
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.ours(channel) {
            self.hang_up();
        }
        Ok(())
    }
}
