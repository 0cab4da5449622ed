//! The real binary in a pseudo-terminal at 80×24, driven by keys like an operator: open a
//! patient, assign a doctor, record a follow-up, quit; then the database is checked.

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
    screen.wait_for("P1 ");
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

    screen.press("f");
    screen.wait_for("随访记录");
    screen.press("\r");
    screen.wait_for("已保存");

    screen.press("q");
    assert!(screen.wait_exit().success());

    let store = db.open();
    let team = store.team(patient.id, &Scope::All).unwrap();
    let doctor = team
        .iter()
        .find(|m| m.role == Role::Doctor)
        .expect("a doctor is assigned");
    assert!(doctor.person.name.contains("医生"));
    assert_eq!(store.followups(patient.id, &Scope::All).unwrap().len(), 1);
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
