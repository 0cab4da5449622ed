//! One desk's console: this program's `console` command on its own pseudo-terminal, with the
//! threads that carry its output to the SSH channel and the desk's keys to it, and the one that
//! waits for it, so no console is ever left a zombie. A hang-up (the link dropped, the operator
//! disabled, the server stopping) sends SIGHUP, the console restores the desk's terminal and
//! exits; one that does not exit in time is killed. Then the desk reads why, and the channel
//! closes with the console's exit status.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use russh::ChannelId;
use russh::server::Handle;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, TrySendError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

use crate::i18n::{Lang, Msg, SshText};

/// A pty is never smaller or larger than this, whatever the client asks.
const MIN_COLS: u16 = 20;
const MIN_ROWS: u16 = 5;
const MAX_COLS: u16 = 500;
const MAX_ROWS: u16 = 300;

/// How often the waiting thread looks at its console.
const POLL: Duration = Duration::from_millis(100);
/// How long a hung-up console has to restore the terminal and exit before it is killed.
const HANGUP_GRACE: Duration = Duration::from_secs(3);
/// Keystroke chunks queued for a console that is not reading; past this it is stuck and input
/// is dropped rather than blocking the server.
const INPUT_QUEUE: usize = 256;

/// Puts a desk's terminal back as it was (mouse off, bracketed paste off, cursor shown, colours
/// reset, main screen) after a console that did not end by itself: sent whatever the console
/// managed, so a killed console never leaves a desk in the alternate screen.
const TERMINAL_RESET: &str =
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?25h\x1b[0m\x1b[?1049l";

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

/// What a console is started with.
pub struct Launch<'a> {
    pub db: &'a Path,
    pub login: &'a str,
    /// The key the desk logged in with: the audit records it behind the operator.
    pub fingerprint: &'a str,
    pub lang: Lang,
    pub config_path: Option<&'a Path>,
    pub term: &'a str,
    pub size: (u16, u16),
}

/// Where a console's output goes.
#[derive(Clone)]
pub struct Desk {
    pub channel: ChannelId,
    pub handle: Handle,
    pub runtime: tokio::runtime::Handle,
}

impl Desk {
    fn send(&self, bytes: &[u8]) -> bool {
        self.runtime
            .block_on(
                self.handle
                    .data(self.channel, bytes::Bytes::copy_from_slice(bytes)),
            )
            .is_ok()
    }
}

/// Ends a console from anywhere (the connection, the server's watcher, a stop signal).
#[derive(Clone)]
pub struct ConsoleControl {
    hangup: Sender<Option<SshText>>,
    ended: watch::Receiver<bool>,
}

impl ConsoleControl {
    /// Hangs the console up; `why` is told to the desk once the console is gone.
    pub fn hang_up(&self, why: Option<SshText>) {
        let _ = self.hangup.send(why);
    }

    /// Waits until the console has exited and its channel is closed, at most `within`.
    pub async fn ended(&mut self, within: Duration) -> bool {
        tokio::time::timeout(within, self.ended.wait_for(|e| *e))
            .await
            .is_ok_and(|r| r.is_ok())
    }
}

pub struct ConsoleProcess {
    input: SyncSender<Vec<u8>>,
    master: Box<dyn MasterPty + Send>,
    control: ConsoleControl,
}

impl ConsoleProcess {
    pub fn start(launch: Launch<'_>, desk: Desk) -> Result<ConsoleProcess, String> {
        let (cols, rows) = launch.size;
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| e.to_string())?;
        let mut cmd = CommandBuilder::new(console_program()?);
        cmd.args([std::ffi::OsStr::new("--db"), launch.db.as_os_str()]);
        cmd.args(["--operator", launch.login]);
        cmd.args([
            "--lang",
            match launch.lang {
                Lang::Zh => "zh",
                Lang::En => "en",
            },
        ]);
        if let Some(c) = launch.config_path {
            cmd.args([std::ffi::OsStr::new("--config"), c.as_os_str()]);
        }
        cmd.arg("console");
        cmd.env("TERM", launch.term);
        cmd.env("DUTYDESK_SSH_KEY", launch.fingerprint);
        let child = pair.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
        // Only the console holds the terminal side, so its exit ends our reads.
        drop(pair.slave);
        let reader = pair.master.try_clone_reader().map_err(|e| e.to_string())?;
        let writer = pair.master.take_writer().map_err(|e| e.to_string())?;

        let (hangup, hangups) = std::sync::mpsc::channel();
        let (ended_tx, ended) = watch::channel(false);
        let (input, keys) = std::sync::mpsc::sync_channel(INPUT_QUEUE);
        let pump = {
            let desk = desk.clone();
            let hangup = hangup.clone();
            std::thread::spawn(move || pump_output(reader, desk, hangup))
        };
        std::thread::spawn(move || feed_input(writer, keys));
        let lang = launch.lang;
        std::thread::spawn(move || wait_for_exit(child, hangups, pump, desk, lang, ended_tx));
        Ok(ConsoleProcess {
            input,
            master: pair.master,
            control: ConsoleControl { hangup, ended },
        })
    }

    pub fn control(&self) -> ConsoleControl {
        self.control.clone()
    }

    /// The desk's keys; never blocks the server.
    pub fn input(&self, bytes: &[u8]) {
        match self.input.try_send(bytes.to_vec()) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => tracing::warn!("console not reading; input dropped"),
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    pub fn resize(&self, (cols, rows): (u16, u16)) {
        let _ = self.master.resize(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        });
    }
}

impl Drop for ConsoleProcess {
    fn drop(&mut self) {
        self.control.hang_up(None);
    }
}

/// Console output to the desk as it comes. A desk that went away hangs the console up.
fn pump_output(mut reader: Box<dyn Read + Send>, desk: Desk, hangup: Sender<Option<SshText>>) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if !desk.send(&buf[..n]) {
                    let _ = hangup.send(None);
                    break;
                }
            }
        }
    }
}

fn feed_input(mut writer: Box<dyn Write + Send>, keys: Receiver<Vec<u8>>) {
    for bytes in keys {
        if writer
            .write_all(&bytes)
            .and_then(|()| writer.flush())
            .is_err()
        {
            break;
        }
    }
}

/// Waits for the console to exit (reaping it), hanging it up when asked and killing it when it
/// does not go; then tells the desk why, if there is a why, and closes the channel.
fn wait_for_exit(
    mut child: Box<dyn Child + Send + Sync>,
    hangups: Receiver<Option<SshText>>,
    pump: std::thread::JoinHandle<()>,
    desk: Desk,
    lang: Lang,
    ended: watch::Sender<bool>,
) {
    let mut signaller = child.clone_killer();
    let mut why: Option<SshText> = None;
    let mut hung_up: Option<Instant> = None;
    let mut callers_gone = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot wait for the console");
                break None;
            }
        }
        let asked = if callers_gone {
            std::thread::sleep(POLL);
            None
        } else {
            match hangups.recv_timeout(POLL) {
                Ok(w) => Some(w),
                Err(RecvTimeoutError::Timeout) => None,
                // The connection is gone: nobody is there to read the console.
                Err(RecvTimeoutError::Disconnected) => {
                    callers_gone = true;
                    Some(None)
                }
            }
        };
        if let Some(w) = asked {
            if why.is_none() {
                why = w;
            }
            if hung_up.is_none() {
                hung_up = Some(Instant::now());
                // SIGHUP: the console restores the terminal and exits.
                let _ = signaller.kill();
            }
        }
        if hung_up.is_some_and(|t| t.elapsed() > HANGUP_GRACE) {
            tracing::warn!("console did not exit after SIGHUP; killed");
            // SIGHUP again, then SIGKILL.
            let _ = child.kill();
        }
    };
    // Everything the console wrote reaches the desk before the farewell.
    let _ = pump.join();
    if hung_up.is_some() {
        let mut farewell = String::from(TERMINAL_RESET);
        if let Some(w) = &why {
            farewell.push_str("\r\n");
            farewell.push_str(&lang.text(&Msg::Ssh(w.clone())).replace('\n', "\r\n"));
            farewell.push_str("\r\n");
        }
        let _ = desk.send(farewell.as_bytes());
    }
    let code = status.map_or(1, |s| s.exit_code());
    let rt = &desk.runtime;
    let _ = rt.block_on(desk.handle.exit_status_request(desk.channel, code));
    let _ = rt.block_on(desk.handle.eof(desk.channel));
    let _ = rt.block_on(desk.handle.close(desk.channel));
    let _ = ended.send(true);
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
