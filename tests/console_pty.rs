//! The real binary in a pseudo-terminal at 80×24, driven by keys like an operator: open a
//! patient, assign a doctor, record a follow-up, quit; then the database is checked.

mod common;

use common::TempDb;
use dutydesk::domain::patient::{Condition, Status};
use dutydesk::domain::team::Role;
use dutydesk::store::Scope;
use dutydesk::store::patients::PatientQuery;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

struct Screen {
    parser: vt100::Parser,
    bytes: Receiver<Vec<u8>>,
}

impl Screen {
    fn pump(&mut self, wait: Duration) {
        if let Ok(b) = self.bytes.recv_timeout(wait) {
            self.parser.process(&b);
        }
        while let Ok(b) = self.bytes.try_recv() {
            self.parser.process(&b);
        }
    }

    fn text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen shows `needle`, failing with what it shows instead.
    fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.text().contains(needle) {
                return;
            }
            self.pump(Duration::from_millis(50));
        }
        panic!("screen never showed {needle:?}; it shows:\n{}", self.text());
    }
}

#[test]
fn operator_opens_patient_assigns_doctor_and_records_follow_up_at_80x24() {
    let db = TempDb::new();
    let exe = env!("CARGO_BIN_EXE_dutydesk");
    let out = std::process::Command::new(exe)
        .args(["--db", db.path.to_str().unwrap(), "init", "--demo"])
        .env("XDG_DATA_HOME", db.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());

    // A managed, stable, risk-0 patient with a unique name and no doctor yet.
    let store = db.open();
    let all = store.patients(&PatientQuery::default()).unwrap();
    let patient = all
        .iter()
        .find(|p| {
            p.status == Status::Managed
                && p.condition == Condition::Stable
                && p.risk_level.value() == 0
                && all.iter().filter(|q| q.name == p.name).count() == 1
                && store
                    .team(p.id)
                    .unwrap()
                    .iter()
                    .all(|m| m.role != Role::Doctor)
        })
        .expect("the demo has such a patient")
        .clone();
    drop(store);

    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(exe);
    cmd.args([
        "--db",
        db.path.to_str().unwrap(),
        "--operator",
        "center",
        "console",
    ]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_DATA_HOME", db.dir.path());
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut keys = pair.master.take_writer().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = Screen {
        parser: vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0),
        bytes: rx,
    };
    let mut press = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    };

    screen.wait_for("1 预警");
    screen.wait_for("P1 ");
    press("2");
    screen.wait_for("姓名");
    press("/");
    press(&patient.name);
    press("\r");
    press("\r");
    screen.wait_for("五位一体");
    screen.wait_for(&patient.name);

    press("s");
    press("4");
    screen.wait_for("指定责任人");
    press("医生");
    press("\r");
    screen.wait_for("已指定");

    press("f");
    screen.wait_for("随访记录");
    press("\r");
    screen.wait_for("已保存");

    press("q");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "console did not quit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());

    let store = db.open();
    let team = store.team(patient.id).unwrap();
    let doctor = team
        .iter()
        .find(|m| m.role == Role::Doctor)
        .expect("a doctor is assigned");
    assert!(doctor.person.name.contains("医生"));
    assert_eq!(store.followups(patient.id).unwrap().len(), 1);
    let after = store.patient(patient.id, &Scope::All).unwrap().unwrap();
    assert_eq!(
        after.last_followup,
        Some(dutydesk::domain::clock::beijing_date(chrono::Utc::now()))
    );
    let actions: Vec<String> = store
        .audit_entries(50)
        .unwrap()
        .into_iter()
        .filter(|e| e.operator == "center")
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"team.assign".to_string()), "{actions:?}");
    assert!(
        actions.contains(&"followup.record".to_string()),
        "{actions:?}"
    );
}
