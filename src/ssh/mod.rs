//! The embedded SSH server: police-station desks connect with their operator's key and get the
//! console as that operator, nothing else (no shell, no exec, no forwarding). Each session runs
//! its own console process on its own pseudo-terminal, so crossterm reads input as usual and
//! window changes arrive as the OS delivers them. A dropped link ends only that session.

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};
use russh::keys::{HashAlg, PrivateKey, PublicKey};
use russh::server::{
    Auth, ChannelOpenHandle, Handle, Msg, Server as _, Session, VerifiedPublicKey,
};
use russh::{Channel, ChannelId, ChannelOpenFailure};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::i18n::Lang;
use crate::store::Store;
use crate::store::operators::Operator;

/// A pty is never smaller or larger than this, whatever the client asks.
const MIN_COLS: u16 = 20;
const MIN_ROWS: u16 = 5;
const MAX_COLS: u16 = 500;
const MAX_ROWS: u16 = 300;

pub fn clamp_size(cols: u32, rows: u32) -> (u16, u16) {
    let c = if cols == 0 {
        80
    } else {
        cols.min(u32::from(MAX_COLS)) as u16
    };
    let r = if rows == 0 {
        24
    } else {
        rows.min(u32::from(MAX_ROWS)) as u16
    };
    (c.max(MIN_COLS), r.max(MIN_ROWS))
}

/// The SHA-256 fingerprint OpenSSH prints (`SHA256:…`).
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Reads an OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
pub fn parse_public_key(text: &str) -> Result<PublicKey, String> {
    PublicKey::from_openssh(text.trim()).map_err(|e| e.to_string())
}

/// The program each session runs: this binary, or, after it was replaced on disk by an
/// upgrade while serving, the new binary at the same path.
fn console_program() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    if exe.exists() {
        return Ok(exe);
    }
    let text = exe.to_string_lossy();
    match text.strip_suffix(" (deleted)") {
        Some(path) if Path::new(path).exists() => Ok(PathBuf::from(path)),
        _ => Err(format!("{} is gone", exe.display())),
    }
}

/// The server's host key: read from `path`, or created there (mode 0600) on first start so
/// clients can pin it.
pub fn host_key(path: &Path) -> Result<PrivateKey, String> {
    if path.exists() {
        return russh::keys::load_secret_key(path, None)
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut seed))
        .map_err(|e| e.to_string())?;
    let pair = russh::keys::ssh_key::private::Ed25519Keypair::from_seed(&seed);
    let key = PrivateKey::from(pair);
    let text = key
        .to_openssh(russh::keys::ssh_key::LineEnding::LF)
        .map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| e.to_string())?;
    Ok(key)
}

pub struct ServeSetup {
    pub db: PathBuf,
    pub addr: String,
    pub host_key: PathBuf,
    pub lang: Lang,
    pub max_sessions: usize,
    /// Extra environment for each console process (data directories).
    pub config_path: Option<PathBuf>,
}

#[derive(Clone)]
struct Server {
    db: PathBuf,
    lang: Lang,
    sessions: Arc<AtomicUsize>,
    max_sessions: usize,
    config_path: Option<PathBuf>,
}

impl russh::server::Server for Server {
    type Handler = Connection;
    fn new_client(&mut self, peer: Option<SocketAddr>) -> Connection {
        Connection {
            server: self.clone(),
            peer,
            operator: None,
            pty: None,
            term: "xterm-256color".into(),
            console: None,
            counted: false,
        }
    }
}

/// One console process on its pty.
struct Console {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

pub struct Connection {
    server: Server,
    peer: Option<SocketAddr>,
    operator: Option<Operator>,
    pty: Option<(u16, u16)>,
    term: String,
    console: Option<Console>,
    counted: bool,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(mut c) = self.console.take() {
            let _ = c.child.kill();
            let _ = c.child.wait();
        }
        if self.counted {
            self.server.sessions.fetch_sub(1, Ordering::SeqCst);
        }
        tracing::info!(peer = ?self.peer, operator = ?self.operator.as_ref().map(|o| &o.login), "ssh session ended");
    }
}

impl Connection {
    fn start_console(&mut self, channel: ChannelId, handle: Handle) -> Result<(), String> {
        let op = self.operator.clone().ok_or("not authenticated")?;
        let (cols, rows) = self.pty.unwrap_or((80, 24));
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| e.to_string())?;
        let exe = console_program()?;
        let mut cmd = CommandBuilder::new(exe);
        cmd.args([std::ffi::OsStr::new("--db"), self.server.db.as_os_str()]);
        cmd.args(["--operator", op.login.as_str()]);
        cmd.args([
            "--lang",
            match self.server.lang {
                Lang::Zh => "zh",
                Lang::En => "en",
            },
        ]);
        if let Some(c) = &self.server.config_path {
            cmd.args([std::ffi::OsStr::new("--config"), c.as_os_str()]);
        }
        cmd.arg("console");
        cmd.env("TERM", &self.term);
        let child = pair.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().map_err(|e| e.to_string())?;
        let writer = pair.master.take_writer().map_err(|e| e.to_string())?;
        let rt = tokio::runtime::Handle::current();
        // The console's output goes to the client as it comes; when the console ends (quit,
        // or killed), the channel closes.
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if rt
                            .block_on(
                                handle.data(channel, bytes::Bytes::copy_from_slice(&buf[..n])),
                            )
                            .is_err()
                        {
                            break;
                        }
                    }
                }
            }
            let _ = rt.block_on(handle.exit_status_request(channel, 0));
            let _ = rt.block_on(handle.eof(channel));
            let _ = rt.block_on(handle.close(channel));
        });
        self.console = Some(Console {
            master: pair.master,
            writer,
            child,
        });
        Ok(())
    }
}

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, _: &str) -> Result<Auth, Self::Error> {
        tracing::warn!(peer = ?self.peer, user, "ssh password refused");
        Ok(Auth::reject())
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let fp = fingerprint(key.public_key);
        let op = Store::open(&self.server.db)
            .ok()
            .and_then(|s| s.operator_by_key(&fp).ok().flatten());
        match op {
            Some(op) => {
                tracing::info!(peer = ?self.peer, user, operator = %op.login, "ssh key accepted");
                self.operator = Some(op);
                Ok(Auth::Accept)
            }
            None => {
                tracing::warn!(peer = ?self.peer, user, fingerprint = %fp, "ssh key refused");
                Ok(Auth::reject())
            }
        }
    }

    async fn channel_open_session(
        &mut self,
        _channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let open = self.server.sessions.fetch_add(1, Ordering::SeqCst);
        if open >= self.server.max_sessions || self.counted {
            self.server.sessions.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!(peer = ?self.peer, "ssh session refused: limit reached");
            reply.reject(ChannelOpenFailure::ResourceShortage).await;
            return Ok(());
        }
        self.counted = true;
        reply.accept().await;
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
        self.pty = Some(clamp_size(cols, rows));
        if !term.is_empty() {
            self.term = term.to_string();
        }
        session.channel_success(channel)?;
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.start_console(channel, session.handle()) {
            Ok(()) => session.channel_success(channel)?,
            Err(e) => {
                tracing::warn!(peer = ?self.peer, error = %e, "console did not start");
                session.channel_failure(channel)?;
            }
        }
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Only the console: no commands.
        session.channel_failure(channel)?;
        session.close(channel)?;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        session.close(channel)?;
        Ok(())
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(c) = &mut self.console {
            let _ = c.writer.write_all(data);
            let _ = c.writer.flush();
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _: ChannelId,
        cols: u32,
        rows: u32,
        _: u32,
        _: u32,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        let (cols, rows) = clamp_size(cols, rows);
        self.pty = Some((cols, rows));
        if let Some(c) = &self.console {
            let _ = c.master.resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            });
        }
        Ok(())
    }
}

/// Serves until killed.
pub fn serve(setup: ServeSetup) -> Result<(), String> {
    let key = host_key(&setup.host_key)?;
    tracing::info!(addr = %setup.addr, fingerprint = %fingerprint(key.public_key()), "ssh server starting");
    let config = russh::server::Config {
        methods: russh::MethodSet::from(&[russh::MethodKind::PublicKey][..]),
        keys: vec![key],
        max_auth_attempts: 3,
        auth_rejection_time: std::time::Duration::from_millis(500),
        auth_rejection_time_initial: Some(std::time::Duration::from_millis(0)),
        inactivity_timeout: Some(std::time::Duration::from_secs(12 * 3600)),
        keepalive_interval: Some(std::time::Duration::from_secs(30)),
        nodelay: true,
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        db: setup.db,
        lang: setup.lang,
        sessions: Arc::new(AtomicUsize::new(0)),
        max_sessions: setup.max_sessions,
        config_path: setup.config_path,
    };
    runtime.block_on(async move {
        server
            .run_on_address(Arc::new(config), setup.addr.as_str())
            .await
            .map_err(|e| e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::clamp_size;

    #[test]
    fn absurd_window_sizes_are_clamped() {
        assert_eq!(clamp_size(0, 0), (80, 24));
        assert_eq!(clamp_size(3, 2), (20, 5));
        assert_eq!(clamp_size(100_000, 100_000), (500, 300));
        assert_eq!(clamp_size(120, 40), (120, 40));
    }
}
