//! A night shift driven in a pseudo-terminal at 80×24 with TERM=xterm, as an operator would,
//! with the database read after each step: take over and read a long handover, a P1 reported
//! by another desk's console (another process) shows its banner, acknowledge it, open an
//! incident from it, record two steps, close it with 三同步 done via keys and 已上报上级,
//! hand over a 200-character note. Every write goes through the consoles' keys.

mod common;

use common::TempDb;
use common::pty::Console;
use dutydesk::domain::alert::{AlertStatus, Severity};
use dutydesk::store::Scope;

const DOWN: &str = "\x1b[B";
const RIGHT: &str = "\x1b[C";
const CTRL_S: &str = "\x13";
const ESC: &str = "\x1b";

/// The note the previous shift left: longer than any one line of the popup.
/// What the other desk reports.
const NOTE: &str = "群众来电：有人持刀在村口";

const LAST_NOTE: &str = "上一班说明：望江村张某某凌晨情绪激动，监护人来电，已通知社区民警和精防医生上门，现已平稳；\
                         桃源村李某某外出务工未归，已联系村干部核实去向；两条失访预警已签收待跟进。末尾标记甲乙丙。";

/// The incident `id` as the database holds it now.
fn stored_incident(db: &TempDb, id: i64) -> dutydesk::store::incidents::IncidentRow {
    db.open()
        .incidents(&Scope::All)
        .unwrap()
        .into_iter()
        .find(|i| i.id == id)
        .unwrap()
}

#[test]
fn a_night_shift_at_80x24() {
    let db = TempDb::new();
    let exe = env!("CARGO_BIN_EXE_dutydesk");
    let out = std::process::Command::new(exe)
        .args(["--db", db.path.to_str().unwrap(), "init", "--demo"])
        .env("XDG_DATA_HOME", db.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());

    let data = db.dir.path().to_str().unwrap().to_string();
    let envs = [("XDG_DATA_HOME", data.as_str()), ("TERM", "xterm")];
    let console = |login: &str| {
        Console::start(
            &[
                "--db",
                db.path.to_str().unwrap(),
                "--operator",
                login,
                "console",
            ],
            &envs,
            24,
            80,
        )
    };
    let mut screen = console("center");
    screen.wait_for("1 预警");
    screen.wait_for("未接班");

    // The previous shift of this desk: taken over and handed over with a long note.
    screen.press("t");
    screen.wait_for("在班");
    screen.press(ESC);
    screen.press("t");
    screen.wait_for("交班说明");
    screen.press(LAST_NOTE);
    screen.press(CTRL_S);
    screen.wait_for("已交班");
    screen.press(ESC);
    screen.wait_for("未接班");

    // Take over: the last handover opens, whole, to be read to its end.
    screen.press("t");
    screen.wait_for("上一班交班记录");
    screen.press("G");
    screen.wait_for("末尾标记甲乙丙");
    assert!(db.open().current_shift("center").unwrap().is_some());
    screen.press(ESC);
    screen.wait_until("the handover closed", |c| {
        !c.text().contains("上一班交班记录")
    });
    screen.wait_for("在班");

    // Another desk, in its own process, reports a P1 on its first alert's patient: the
    // banner here names the patient and the kind.
    let mut station = console("wangjiang");
    station.wait_for("1 预警");
    // The first alert row is there (the header's P1 count shows before any row does).
    station.wait_for("!!P1");
    station.press("n");
    station.wait_for("上报");
    station.press("1");
    station.press(NOTE);
    station.press("\r");
    station.wait_for("已上报");
    let raised = db
        .open()
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .find(|a| a.note == NOTE)
        .expect("the reported alert");
    assert_eq!(
        (raised.severity, raised.status),
        (Severity::P1, AlertStatus::New)
    );
    let alert_id = raised.id;
    screen.wait_for("新P1预警");
    assert!(
        screen.row(2).contains(&raised.patient_name),
        "{}",
        screen.text()
    );
    station.press("q");
    assert!(station.wait_exit().success());

    // Acknowledge it: it is the top row (unacknowledged P1s first, newest first).
    screen.press("g");
    screen.press("a");
    screen.wait_until("the banner gone", |c| !c.text().contains("新P1预警"));
    let a = db.open().alert(alert_id, &Scope::All).unwrap().unwrap();
    assert_eq!(a.status, AlertStatus::Acknowledged);
    assert_eq!(a.acknowledged_by.as_deref(), Some("center"));

    // An incident from the alert.
    screen.press("i");
    screen.wait_for("快反开案");
    screen.press("村口小卖部");
    screen.press("\r");
    screen.wait_for("快反处置");
    let store = db.open();
    let inc = store
        .incidents(&Scope::All)
        .unwrap()
        .into_iter()
        .find(|i| i.alert_id == Some(alert_id))
        .expect("an incident from the alert");
    assert_eq!(inc.location, "村口小卖部");
    drop(store);

    // Two steps, each with who acted.
    for (key, actor) in [("1", "网格员甲"), ("2", "社区民警乙")] {
        screen.press(key);
        screen.press(actor);
        screen.press("\r");
        screen.wait_for(actor);
    }
    let steps = stored_incident(&db, inc.id).steps;
    assert!(steps[0].done_at.is_some() && steps[1].done_at.is_some());

    // Close it: outcome with →, 三同步 with 1 2 3, the counts typed, reported upward with Space; Enter on the
    // form only moves, Ctrl-S shows the summary, Enter there closes.
    screen.press("c");
    screen.wait_for("结案");
    screen.press(RIGHT);
    screen.press("1");
    screen.press("2");
    screen.press("3");
    // Down to 涉及人数, 伤, 亡 (typed: none is preset), then 已上报上级.
    for _ in 0..4 {
        screen.press(DOWN);
    }
    for count in ["1", "0", "0"] {
        screen.press(count);
        screen.press(DOWN);
    }
    screen.press(" ");
    screen.press(CTRL_S);
    screen.wait_for("请核对后保存");
    screen.press("\r");
    screen.wait_until("the incident closed", |c| {
        !c.text().contains("请核对后保存")
    });
    // The console saves on its worker: the dialog may close a moment before the commit.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let closing = loop {
        let closed = stored_incident(&db, inc.id);
        match closed.closing {
            Some(closing) => break closing,
            None if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            None => panic!(
                "the incident was never closed; the screen shows:\n{}",
                screen.text()
            ),
        }
    };
    assert!(closing.sync.legal.done && closing.sync.opinion.done && closing.sync.social.done);
    assert!(closing.reported_upward);

    // Hand over with a 200-character note, typed into the editor.
    let note: String = "夜班平稳，快反一起已结案，三同步已落实并上报。"
        .chars()
        .cycle()
        .take(200)
        .collect();
    screen.press(ESC);
    screen.press("t");
    screen.wait_for("交班说明");
    screen.press(&note);
    screen.press(CTRL_S);
    screen.wait_for("已交班");
    // The summary opens with the note, then the open alerts and the unacknowledged P1s.
    screen.wait_for("未签收的P1");
    let store = db.open();
    assert!(store.current_shift("center").unwrap().is_none());
    let center = store.operator("center").unwrap().unwrap();
    let last = store.last_handover(&center).unwrap().unwrap();
    assert_eq!(last.handover.unwrap().note, note, "the whole note is kept");
    drop(store);

    screen.press(ESC);
    screen.press("q");
    assert!(screen.wait_exit().success());
}
