//! The real binary in a pseudo-terminal at 80×24, driven by keys like an operator: open a
//! patient, assign a doctor, find that `f` then Enter saves nothing, record a real follow-up,
//! quit; then the database is checked.

mod common;

use dutydesk::domain::audit::AuditAction;

use common::TempDb;
use common::pty::Console;
use dutydesk::domain::patient::{Condition, Status};
use dutydesk::domain::team::Role;
use dutydesk::store::Scope;
use dutydesk::store::patients::PatientQuery;

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
                    .team(p.id, &Scope::All)
                    .unwrap()
                    .iter()
                    .all(|m| m.role != Role::Doctor)
        })
        .expect("the demo has such a patient")
        .clone();
    drop(store);

    let data = db.dir.path().to_str().unwrap().to_string();
    let mut screen = Console::start(
        &[
            "--db",
            db.path.to_str().unwrap(),
            "--operator",
            "center",
            "console",
        ],
        &[("XDG_DATA_HOME", data.as_str())],
        24,
        80,
    );
    screen.wait_for("1 预警");
    screen.wait_for("!!P1");
    screen.press("2");
    screen.wait_for("姓名");
    screen.press("/");
    screen.press(&patient.name);
    screen.press("\r");
    screen.press("\r");
    screen.wait_for("五位一体");
    screen.wait_for(&patient.name);

    screen.press("s");
    screen.press("4");
    screen.wait_for("指定责任人");
    screen.press("医生");
    screen.press("\r");
    screen.wait_for("已指定");

    // f then Enter (many times) saves nothing: Enter only moves between fields.
    screen.press("f");
    screen.wait_for("随访记录");
    for _ in 0..5 {
        screen.press("\r");
    }
    screen.press("\x13"); // Ctrl-S: the form says what is missing instead of saving.
    screen.wait_for("必填");
    screen.press("\x1b");
    screen.wait_until("the form closed", |c| !c.text().contains("随访记录"));
    assert_eq!(
        db.open().followups(patient.id, &Scope::All).unwrap().len(),
        0
    );

    // A real follow-up: every answer given with the keys.
    const DOWN: &str = "\x1b[B";
    const RIGHT: &str = "\x1b[C";
    screen.press("f");
    screen.wait_for("随访记录");
    let today = dutydesk::domain::clock::beijing_date(chrono::Utc::now()).to_string();
    screen.press(&today);
    screen.press("\r");
    screen.press(RIGHT); // form: home visit
    screen.press("\r");
    screen.press(RIGHT); // seen: the patient
    // Up from 随访对象 wraps round to 随访人, typed as the directory does not hold them.
    for _ in 0..4 {
        screen.press("\x1b[A");
    }
    screen.press("医生乙");
    for _ in 0..5 {
        // joint visitors, date, form, seen, to risk: as recorded
        screen.press(DOWN);
    }
    screen.press(DOWN); // 目前症状: none ticked
    for _ in 0..5 {
        // symptoms, insight, sleep, diet, social function
        screen.press(DOWN);
        screen.press(RIGHT);
    }
    for _ in 0..6 {
        // six counts of dangerous behaviour: none, typed (a blank is not an answer)
        screen.press(DOWN);
        screen.press("0");
    }
    screen.press(DOWN); // 关锁
    screen.press(RIGHT);
    screen.press(DOWN); // 住院
    screen.press(RIGHT);
    screen.press(DOWN); // compliance: as recorded, or chosen
    if patient.compliance.is_none() {
        screen.press(RIGHT);
    }
    for _ in 0..2 {
        // drug reaction, physical illness
        screen.press(DOWN);
        screen.press(RIGHT);
    }
    screen.press(DOWN); // medication: as recorded, or chosen
    if patient.medication.is_none() {
        screen.press(RIGHT);
    }
    for _ in 0..2 {
        // treatment effect, referral
        screen.press(DOWN);
        screen.press(RIGHT);
    }
    // class as recorded, next date left to the schedule
    screen.press("\x13");
    screen.wait_for("请核对后保存");
    screen.press("\r");
    screen.wait_for("已保存");

    screen.press("q");
    assert!(screen.wait_exit().success());
    // The console waited for its store thread: the deriver's lease is given back at quit,
    // not left to run out.
    let expires: i64 = rusqlite::Connection::open(&db.path)
        .unwrap()
        .query_row("SELECT expires_at FROM deriver_lease", [], |r| r.get(0))
        .unwrap();
    assert!(expires <= chrono::Utc::now().timestamp_millis());

    let store = db.open();
    let team = store.team(patient.id, &Scope::All).unwrap();
    let doctor = team
        .iter()
        .find(|m| m.role == Role::Doctor)
        .expect("a doctor is assigned");
    assert!(doctor.person.name.contains("医生"));
    let followups = store.followups(patient.id, &Scope::All).unwrap();
    assert_eq!(followups.len(), 1);
    assert_eq!(followups[0].by_whom, "医生乙");
    let after = store.patient(patient.id, &Scope::All).unwrap().unwrap();
    assert_eq!(
        after.last_followup,
        Some(dutydesk::domain::clock::beijing_date(chrono::Utc::now()))
    );
    let actions: Vec<AuditAction> = store
        .audit_entries(&Scope::All, 50)
        .unwrap()
        .into_iter()
        .filter(|e| e.operator == "center")
        .filter_map(|e| e.action)
        .collect();
    assert!(actions.contains(&AuditAction::TeamAssigned), "{actions:?}");
    assert!(
        actions.contains(&AuditAction::FollowUpRecorded),
        "{actions:?}"
    );
}
