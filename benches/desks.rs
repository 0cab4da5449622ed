//! Twenty desks on one database: twenty real console processes on pseudo-terminals, a writer
//! raising an alert every second. Measures how long each change takes to reach every screen
//! (target ≤ 1 s), CPU per idle console, and whether any write met "database is locked".
//! Run with `cargo bench --bench desks`; prints its figures.

use chrono::Utc;
use dutydesk::config::Config;
use dutydesk::domain::alert::Severity;
use dutydesk::store::Store;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DESKS: usize = 20;
const CHANGES: usize = 15;

fn new_alerts(screen: &vt100::Parser) -> Option<usize> {
    let s = screen.screen();
    let header = s.contents_between(0, 0, 0, 80);
    header
        .split("新预警")
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    f.get(11).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desks.db");
    {
        let mut store = Store::open(&db).unwrap();
        dutydesk::demo::build(&mut store, &Config::default(), Utc::now()).unwrap();
    }
    let mut screens = Vec::new();
    let mut children = Vec::new();
    let mut masters = Vec::new();
    for _ in 0..DESKS {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_dutydesk"));
        cmd.args([
            "--db",
            db.to_str().unwrap(),
            "--operator",
            "center",
            "console",
        ]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_DATA_HOME", dir.path());
        let child = pair.slave.spawn_command(cmd).unwrap();
        let mut reader = pair.master.try_clone_reader().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            24.try_into().unwrap(),
            80.try_into().unwrap(),
            0,
        )));
        let s2 = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s2.lock().unwrap().process(&buf[..n]);
            }
        });
        screens.push(screen);
        children.push(child);
        masters.push(pair.master);
    }
    // Wait for every console to show its data.
    let deadline = Instant::now() + Duration::from_secs(60);
    while screens
        .iter()
        .any(|s| new_alerts(&s.lock().unwrap()).unwrap_or(0) == 0)
    {
        assert!(Instant::now() < deadline, "consoles did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));

    // Idle CPU over 10 s (only the clock changes).
    let pids: Vec<u32> = children.iter().filter_map(|c| c.process_id()).collect();
    let before: Vec<u64> = pids.iter().map(|p| cpu_ticks(*p)).collect();
    let idle = Duration::from_secs(10);
    std::thread::sleep(idle);
    let after: Vec<u64> = pids.iter().map(|p| cpu_ticks(*p)).collect();
    let hz = 100.0; // USER_HZ on Linux
    let cpu: Vec<f64> = before
        .iter()
        .zip(&after)
        .map(|(b, a)| (a - b) as f64 / hz / idle.as_secs_f64() * 100.0)
        .collect();
    let cpu_avg = cpu.iter().sum::<f64>() / cpu.len() as f64;

    // A writer makes a change a second; each change's latency to every screen.
    let mut writer = Store::open(&db).unwrap();
    let patient = writer.patients(&Default::default()).unwrap()[0].id;
    let center = dutydesk::desk::Session::new(writer.operator("center").unwrap().unwrap(), "bench");
    let config = Config::default();
    let clock = dutydesk::domain::clock::SystemClock;
    let mut latencies = Vec::new();
    let mut busy = 0;
    for n in 0..CHANGES {
        let expected: Vec<usize> = screens
            .iter()
            .map(|s| new_alerts(&s.lock().unwrap()).unwrap_or(0) + 1)
            .collect();
        let t0 = Instant::now();
        match dutydesk::desk::Desk::new(&mut writer, &center, &config, &clock).report_alert(
            patient,
            Severity::P3,
            &format!("演练{n}"),
        ) {
            Ok(_) => {}
            Err(dutydesk::desk::DeskError::Store(dutydesk::store::StoreError::Busy)) => busy += 1,
            Err(e) => panic!("{e}"),
        }
        let mut pending: Vec<usize> = (0..DESKS).collect();
        while !pending.is_empty() && t0.elapsed() < Duration::from_secs(10) {
            pending.retain(|&i| {
                let seen = new_alerts(&screens[i].lock().unwrap()).unwrap_or(0) >= expected[i];
                if seen {
                    latencies.push(t0.elapsed());
                }
                !seen
            });
            std::thread::sleep(Duration::from_millis(5));
        }
        for _ in pending {
            latencies.push(Duration::from_secs(10));
        }
        std::thread::sleep(Duration::from_secs(1).saturating_sub(t0.elapsed()));
    }
    let locked_on_screen = screens
        .iter()
        .filter(|s| s.lock().unwrap().screen().contents().contains("数据库忙"))
        .count();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| ms(latencies[((latencies.len() as f64 - 1.0) * q).round() as usize]);
    println!(
        "desks/consoles: {DESKS}, changes: {CHANGES}, observations: {}",
        latencies.len()
    );
    println!(
        "desks/change_to_screen_ms: median {:.0}, p95 {:.0}, max {:.0} (target 1000)",
        p(0.5),
        p(0.95),
        p(1.0)
    );
    println!("desks/idle_cpu_per_console: {cpu_avg:.2}% of one core");
    println!("desks/writes_busy: {busy}, consoles showing a busy database: {locked_on_screen}");
    for mut c in children {
        let _ = c.kill();
    }
}
