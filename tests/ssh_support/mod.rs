//! Shared by the SSH tests: a demo database with desks' keys, the real server as a child
//! process (its standard output read line by line), the OpenSSH client in a pseudo-terminal,
//! and the server's own children as /proc shows them. Loopback addresses only.
#![allow(dead_code)]

use crate::common::TempDb;
use crate::common::pty::Console;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

pub struct Desks {
    pub db: TempDb,
    data: String,
}

impl Desks {
    /// A demo database (stations 望江 and others; operators `center`, `wangjiang`…).
    pub fn new() -> Desks {
        let db = TempDb::new();
        let data = db.dir.path().to_str().unwrap().to_string();
        let d = Desks { db, data };
        d.dd(&["init", "--demo"]);
        d
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_dutydesk"))
            .args(["--db", self.db.path.to_str().unwrap()])
            .args(args)
            .env("XDG_DATA_HOME", &self.data)
            .env("DUTYDESK_OPERATOR", "center")
            .output()
            .unwrap()
    }

    pub fn dd(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.db.dir.path().join(name)
    }

    /// A new key pair (`kind`: ed25519, rsa, ecdsa), its private key's path.
    pub fn keygen(&self, name: &str, kind: &str, bits: Option<&str>) -> String {
        let path = self.path(name);
        let mut cmd = Command::new("ssh-keygen");
        cmd.args(["-q", "-t", kind, "-N", "", "-C", name, "-f"])
            .arg(&path);
        if let Some(b) = bits {
            cmd.args(["-b", b]);
        }
        let ok = cmd
            .status()
            .expect("ssh-keygen is installed (openssh-client; .ci/run installs it)");
        assert!(ok.success());
        path.to_str().unwrap().to_string()
    }

    pub fn add_key(&self, login: &str, key: &str) {
        self.dd(&["key", "add", login, &format!("{key}.pub")]);
    }

    /// `serve` with `[ssh]` settings (TOML lines) and extra arguments.
    pub fn serve(&self, ssh_settings: &str, extra: &[&str]) -> Served {
        let config = self.path("dutydesk.toml");
        std::fs::write(&config, format!("[ssh]\n{ssh_settings}\n")).unwrap();
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_dutydesk"))
            .args(["--db", self.db.path.to_str().unwrap()])
            .arg("--config")
            .arg(&config)
            .args(["serve", "--ssh", &format!("127.0.0.1:{port}")])
            .arg("--host-key")
            .arg(self.path("host_key"))
            .args(extra)
            .env("XDG_DATA_HOME", &self.data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut s = Served {
            child,
            port,
            lines,
            said: Vec::new(),
        };
        s.wait_line("127.0.0.1", Duration::from_secs(20));
        s
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Served {
    pub child: Child,
    pub port: u16,
    lines: Receiver<String>,
    /// Every line the server printed so far.
    pub said: Vec<String>,
}

impl Served {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for a printed line containing `needle`.
    pub fn wait_line(&mut self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        if let Some(l) = self.said.iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.said.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("serve never said {needle:?}; it said {:?}", self.said);
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    pub fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "serve did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's child processes and their states (`R`, `S`, `Z`…), from /proc.
    pub fn children(&self) -> Vec<(u32, char)> {
        let me = self.pid();
        let mut out = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // "pid (comm) state ppid …": the name may hold spaces, so read after its ')'.
            let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
                continue;
            };
            let mut fields = rest.split_whitespace();
            let state = fields.next().and_then(|s| s.chars().next()).unwrap_or('?');
            let ppid: u32 = fields.next().and_then(|p| p.parse().ok()).unwrap_or(0);
            if ppid == me {
                out.push((pid, state));
            }
        }
        out
    }

    /// Waits until the server has exactly `n` children and none is a zombie.
    pub fn wait_children(&self, n: usize, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let c = self.children();
            if c.len() == n && c.iter().all(|(_, s)| *s != 'Z') {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "serve has children {c:?}, expected {n} and no zombie"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A desk: the OpenSSH client in a pseudo-terminal with `key` (and any extra options).
    pub fn desk(&self, key: &str, extra: &[&str], rows: u16, cols: u16) -> Console {
        let port = self.port.to_string();
        let mut args: Vec<&str> = vec!["-tt"];
        args.extend_from_slice(extra);
        args.extend(ssh_args(key, &port));
        args.push("duty@127.0.0.1");
        Console::start_program("ssh", &args, &[], rows, cols)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn ssh_args<'a>(key: &'a str, port: &'a str) -> Vec<&'a str> {
    vec![
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "IdentityAgent=none",
        "-i",
        key,
        "-p",
        port,
    ]
}

/// The SHA256 fingerprint `ssh-keygen -lf` prints for a key file.
pub fn keygen_fingerprint(path: &Path) -> String {
    let o = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string()
}
