//! Running the real binary in a pseudo-terminal and reading its screen with vt100.

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

pub struct Console {
    pub parser: vt100::Parser,
    bytes: Receiver<Vec<u8>>,
    keys: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Console {
    pub fn start(args: &[&str], envs: &[(&str, &str)], rows: u16, cols: u16) -> Console {
        Console::start_program(env!("CARGO_BIN_EXE_dutydesk"), args, envs, rows, cols)
    }

    /// Any program (the OpenSSH client, say) in a pseudo-terminal.
    pub fn start_program(
        program: &str,
        args: &[&str],
        envs: &[(&str, &str)],
        rows: u16,
        cols: u16,
    ) -> Console {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let keys = pair.master.take_writer().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Console {
            parser: vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0),
            bytes: rx,
            keys,
            child,
            _master: pair.master,
        }
    }

    pub fn pump(&mut self, wait: Duration) {
        if let Ok(b) = self.bytes.recv_timeout(wait) {
            self.parser.process(&b);
        }
        while let Ok(b) = self.bytes.try_recv() {
            self.parser.process(&b);
        }
    }

    pub fn text(&self) -> String {
        self.parser.screen().contents()
    }

    pub fn row(&self, r: u16) -> String {
        let cols = self.parser.screen().size().1;
        self.parser.screen().contents_between(r, 0, r, cols.into())
    }

    /// Waits until `check` holds for the screen, failing with what it shows instead.
    pub fn wait_until(&mut self, what: &str, check: impl Fn(&Console) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if check(self) {
                return;
            }
            self.pump(Duration::from_millis(30));
        }
        panic!("screen never showed {what}; it shows:\n{}", self.text());
    }

    pub fn wait_for(&mut self, needle: &str) {
        let n = needle.to_string();
        self.wait_until(needle, move |c| c.text().contains(&n));
    }

    pub fn press(&mut self, s: &str) {
        self.keys.write_all(s.as_bytes()).unwrap();
        self.keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "console did not quit");
            self.pump(Duration::from_millis(50));
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
