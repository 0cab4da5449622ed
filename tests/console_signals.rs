//! SIGTERM, SIGHUP, SIGINT and SIGQUIT end the console like `q`: the terminal is given back
//! (raw mode off, the main screen, no mouse reports, the cursor shown) and the process exits
//! cleanly. The console runs under a shell in a pseudo-terminal; after it ends, the shell runs
//! `stty -a` on the same terminal.

mod common;

use common::TempDb;
use common::pty::Console;
use std::time::{Duration, Instant};

/// The pid of the shell's child (the console), found in /proc.
fn child_of(parent: u32) -> Option<i32> {
    for entry in std::fs::read_dir("/proc").ok()? {
        let entry = entry.ok()?;
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
        let after = &stat[stat.rfind(')')? + 2..];
        let ppid: u32 = after.split(' ').nth(1)?.parse().ok()?;
        if ppid == parent {
            return Some(pid);
        }
    }
    None
}

#[test]
fn each_ending_signal_restores_the_terminal_and_exits_cleanly() {
    let db = TempDb::new();
    let exe = env!("CARGO_BIN_EXE_dutydesk");
    let out = std::process::Command::new(exe)
        .args(["--db", db.path.to_str().unwrap(), "init", "--demo"])
        .env("XDG_DATA_HOME", db.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let data = db.dir.path().to_str().unwrap().to_string();
    for (sig, name) in [
        (libc::SIGTERM, "TERM"),
        (libc::SIGHUP, "HUP"),
        (libc::SIGINT, "INT"),
        (libc::SIGQUIT, "QUIT"),
    ] {
        let script = format!(
            "'{exe}' --db '{}' --operator center console; echo \"EXIT=$?\"; stty -a; sleep 5",
            db.path.display()
        );
        let mut screen = Console::start_program(
            "/bin/sh",
            &["-c", &script],
            &[("XDG_DATA_HOME", data.as_str())],
            24,
            80,
        );
        screen.wait_for("1 预警");
        assert!(screen.parser.screen().alternate_screen());
        assert_ne!(
            screen.parser.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::AnyMotion,
            "no all-motion mouse tracking"
        );
        let shell = screen.child.process_id().unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let console = loop {
            if let Some(pid) = child_of(shell) {
                break pid;
            }
            assert!(Instant::now() < deadline, "no console process");
            std::thread::sleep(Duration::from_millis(20));
        };
        // SAFETY: sending a signal to the child process this test started.
        assert_eq!(unsafe { libc::kill(console, sig) }, 0);
        screen.wait_for("EXIT=");
        screen.wait_for("icanon");
        let text = screen.text();
        assert!(text.contains("EXIT=0"), "SIG{name}: {text}");
        assert!(!screen.parser.screen().alternate_screen(), "SIG{name}");
        assert!(!screen.parser.screen().hide_cursor(), "SIG{name}");
        assert_eq!(
            screen.parser.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "SIG{name}"
        );
        // stty shows cooked mode again: line editing and echo on.
        let words: Vec<&str> = text.split_whitespace().collect();
        for mode in ["icanon", "echo", "isig"] {
            assert!(words.contains(&mode), "SIG{name}: {mode} in {text}");
            assert!(!words.contains(&format!("-{mode}").as_str()), "SIG{name}");
        }
    }
}
