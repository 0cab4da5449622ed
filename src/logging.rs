//! Where the program's log goes, never to the screen (the console owns it): the journal when
//! running under systemd, else a private (0600, in a 0700 directory) daily-rotated file in the
//! data directory. Log lines never carry full ID numbers or phone numbers: calls log names and
//! counts, and whatever reaches a file or stderr is masked once more on the way out.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::fmt::MakeWriter;

/// Daily files kept, today's included.
const KEEP_FILES: usize = 14;
const PREFIX: &str = "dutydesk";
const SUFFIX: &str = "log";

/// Where log events go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// journald, through its socket (structured fields, priorities).
    Journal,
    /// Standard error, when systemd connected it to the journal but its socket is unusable.
    Stderr,
    /// Daily files in this directory.
    Files(PathBuf),
}

/// What decides the sink, read from the process's surroundings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Surroundings {
    /// systemd started this process or one of its ancestors (`INVOCATION_ID`).
    pub under_systemd: bool,
    /// Standard error is the journal stream systemd gave the service (`JOURNAL_STREAM` names
    /// stderr's device and inode). A console on a pseudo-terminal under the SSH service
    /// inherits `INVOCATION_ID` but its stderr is the desk's screen: not this.
    pub stderr_is_journal: bool,
    /// The journal's socket accepts messages.
    pub journal_reachable: bool,
}

/// The journal under systemd; stderr only when it is the journal itself; otherwise the file.
pub fn choose(s: Surroundings, log_dir: &Path) -> Sink {
    if (s.under_systemd || s.stderr_is_journal) && s.journal_reachable {
        Sink::Journal
    } else if s.stderr_is_journal {
        Sink::Stderr
    } else {
        Sink::Files(log_dir.to_path_buf())
    }
}

/// True when `JOURNAL_STREAM` (`DEVICE:INODE`) names the file standard error is open on.
fn stderr_is_journal() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Some(v) = std::env::var_os("JOURNAL_STREAM") else {
            return false;
        };
        let v = v.to_string_lossy();
        let Some((dev, ino)) = v.split_once(':') else {
            return false;
        };
        let (Ok(dev), Ok(ino)) = (dev.parse::<u64>(), ino.parse::<u64>()) else {
            return false;
        };
        // /proc/self/fd/2 follows the descriptor to the socket or file it is open on.
        std::fs::metadata("/proc/self/fd/2").is_ok_and(|m| m.dev() == dev && m.ino() == ino)
    }
    #[cfg(not(unix))]
    false
}

/// Starts logging; the log directory is used only outside systemd. If nothing can be opened
/// the program runs without a log.
pub fn init(log_dir: &Path) {
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_env("DUTYDESK_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
    };
    let journal = tracing_journald::layer();
    let surroundings = Surroundings {
        under_systemd: std::env::var_os("INVOCATION_ID").is_some_and(|v| !v.is_empty()),
        stderr_is_journal: stderr_is_journal(),
        journal_reachable: journal.is_ok(),
    };
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    match (choose(surroundings, log_dir), journal) {
        (Sink::Journal, Ok(layer)) => {
            let _ = tracing_subscriber::registry()
                .with(filter())
                .with(layer.with_syslog_identifier("dutydesk".into()))
                .try_init();
        }
        (Sink::Stderr, _) => {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter())
                .with_writer(|| Masked(std::io::stderr()))
                .with_ansi(false)
                .without_time()
                .try_init();
        }
        // (A journal chosen is a journal reached; the file is the fallback all the same.)
        (Sink::Files(_), _) | (Sink::Journal, Err(_)) => {
            let Some(files) = PrivateFiles::open(log_dir) else {
                return;
            };
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter())
                .with_writer(files)
                .with_ansi(false)
                .try_init();
        }
    }
}

/// A directory of daily log files readable by their owner only: the directory is 0700 and
/// each day's file is created 0600 before the appender opens it.
pub struct PrivateFiles {
    dir: PathBuf,
    appender: tracing_appender::rolling::RollingFileAppender,
    /// The day whose file was last made private.
    day: Mutex<String>,
}

impl PrivateFiles {
    pub fn open(dir: &Path) -> Option<PrivateFiles> {
        private_dir(dir).ok()?;
        let files = PrivateFiles {
            dir: dir.to_path_buf(),
            appender: tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix(PREFIX)
                .filename_suffix(SUFFIX)
                .max_log_files(KEEP_FILES)
                .build(dir)
                .ok()?,
            day: Mutex::new(String::new()),
        };
        // The appender opened today's file as it was built; make sure it is private.
        files.make_today_private();
        Some(files)
    }

    /// The file the appender writes to on `day` (UTC, as the appender names it).
    pub fn file_for(dir: &Path, day: &str) -> PathBuf {
        dir.join(format!("{PREFIX}.{day}.{SUFFIX}"))
    }

    /// Creates today's file 0600 if the appender has not yet, and narrows it to 0600 if it has.
    fn make_today_private(&self) {
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let Ok(mut day) = self.day.lock() else {
            return;
        };
        if *day == today {
            return;
        }
        if private_file(&Self::file_for(&self.dir, &today)).is_ok() {
            *day = today;
        }
    }
}

impl<'a> MakeWriter<'a> for PrivateFiles {
    type Writer = Masked<tracing_appender::rolling::RollingWriter<'a>>;

    fn make_writer(&'a self) -> Self::Writer {
        self.make_today_private();
        Masked(self.appender.make_writer())
    }
}

fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

fn private_file(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        o.mode(0o600);
        o.open(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
    }
    #[cfg(not(unix))]
    o.open(path).map(|_| ())
}

/// A writer that masks ID numbers and mobile phone numbers in what passes through it. The
/// formatter hands it one whole event at a time, so a number is never split between writes.
pub struct Masked<W>(pub W);

impl<W: Write> Write for Masked<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(s) => self.0.write_all(mask(s).as_bytes())?,
            Err(_) => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Masks every 18-character ID number (17 digits and a digit or X) as `420102********1234`
/// and every 11-digit mobile number as `138****5678`, as lists show them. Other numbers
/// (counts, milliseconds, row numbers) pass.
pub fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut end = i;
        if end - start == 17 && end < b.len() && (b[end] == b'X' || b[end] == b'x') {
            end += 1;
        }
        let bounded = end == b.len() || !b[end].is_ascii_alphanumeric();
        let masked = match end - start {
            18 if bounded => Some(format!(
                "{}********{}",
                &text[start..start + 6],
                &text[end - 4..end]
            )),
            11 if bounded && b[start] == b'1' => Some(format!(
                "{}****{}",
                &text[start..start + 3],
                &text[end - 4..end]
            )),
            _ => None,
        };
        if let Some(m) = masked {
            out.push_str(&text[copied..start]);
            out.push_str(&m);
            copied = end;
        }
        i = end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_and_mobile_numbers_are_masked_in_log_lines() {
        assert_eq!(
            mask("import row 3: 99010219800101123X refused, phone 13800001234."),
            "import row 3: 990102********123X refused, phone 138****1234."
        );
        assert_eq!(
            mask("id=990102198001011234 tel=13800005678"),
            "id=990102********1234 tel=138****5678"
        );
    }

    #[test]
    fn counts_times_and_other_numbers_are_left_as_they_are() {
        let line = "rows=360 check_ms=12 at=1763877195000 port 2222 23800001234 SHA256:ab12";
        assert_eq!(mask(line), line);
        // Digits inside a longer token (a key fingerprint, a hash) are not a number of their own.
        let fp = "SHA256:x13800001234y a990102198001011234";
        assert_eq!(mask(fp), fp);
    }

    #[test]
    fn under_systemd_logs_go_to_the_journal() {
        let s = Surroundings {
            under_systemd: true,
            stderr_is_journal: true,
            journal_reachable: true,
        };
        assert_eq!(choose(s, Path::new("/x")), Sink::Journal);
    }

    #[test]
    fn a_console_on_a_pty_under_the_ssh_service_never_logs_to_its_screen() {
        // Inherited INVOCATION_ID, stderr is the desk's pty: the journal, else the file.
        let s = Surroundings {
            under_systemd: true,
            stderr_is_journal: false,
            journal_reachable: true,
        };
        assert_eq!(choose(s, Path::new("/x")), Sink::Journal);
        let s = Surroundings {
            journal_reachable: false,
            ..s
        };
        assert_eq!(choose(s, Path::new("/x")), Sink::Files("/x".into()));
    }

    #[test]
    fn a_service_whose_journal_socket_is_closed_logs_to_its_journal_stream() {
        let s = Surroundings {
            under_systemd: true,
            stderr_is_journal: true,
            journal_reachable: false,
        };
        assert_eq!(choose(s, Path::new("/x")), Sink::Stderr);
    }

    #[test]
    fn outside_systemd_logs_go_to_the_private_files() {
        assert_eq!(
            choose(Surroundings::default(), Path::new("/x")),
            Sink::Files("/x".into())
        );
        // A journal that happens to be reachable is not used by a program run by hand.
        let s = Surroundings {
            journal_reachable: true,
            ..Default::default()
        };
        assert_eq!(choose(s, Path::new("/x")), Sink::Files("/x".into()));
    }

    #[cfg(unix)]
    #[test]
    fn log_files_are_created_0600_in_a_0700_directory() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("logs");
        let files = PrivateFiles::open(&dir).unwrap();
        let mut w = files.make_writer();
        w.write_all(b"hello 13800001234\n").unwrap();
        w.flush().unwrap();
        drop(w);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        let logs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert_eq!(mode(&logs[0]), 0o600);
        assert_eq!(
            std::fs::read_to_string(&logs[0]).unwrap(),
            "hello 138****1234\n"
        );
    }
}
