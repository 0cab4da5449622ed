//! Shifts: taking over, handing over with a summary, and the next operator of the same desk
//! reading it.

mod common;

use chrono::Duration;
use common::*;
use dutydesk::config::Config;
use dutydesk::desk::Session;
use dutydesk::desk::incidents::Subject;
use dutydesk::domain::alert::{AlertStatus, Severity};
use dutydesk::store::Store;

fn session(store: &Store, login: &str) -> Session {
    Session::new(store.operator(login).unwrap().unwrap(), "test-os-user")
}

fn demo() -> (TempDb, Store) {
    let db = TempDb::new();
    let mut store = db.open();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    (db, store)
}

#[test]
fn handover_summarises_open_alerts_incidents_and_this_shifts_actions() {
    let (_db, mut store) = demo();
    let desk = session(&store, "wangjiang");
    // The demo's own actions happened at now(); this shift starts a minute later.
    let start = now() + Duration::minutes(1);
    with_desk_at(&mut store, &desk, start, |d| d.take_over()).unwrap();
    assert!(
        with_desk_at(&mut store, &desk, start, |d| d.take_over()).is_err(),
        "one open shift per operator"
    );
    let scope = desk.scope();
    let alert = store
        .alerts(&scope, true)
        .unwrap()
        .into_iter()
        .find(|a| a.status == AlertStatus::New)
        .unwrap();
    let t = start + Duration::minutes(5);
    with_desk_at(&mut store, &desk, t, |d| d.acknowledge(alert.id)).unwrap();
    with_desk_at(&mut store, &desk, t, |d| {
        d.open_incident(&Subject::Patient(alert.patient_id), "村口", "")
    })
    .unwrap();
    let h = with_desk_at(&mut store, &desk, start + Duration::hours(8), |d| {
        d.hand_over("村口一起仍在处置")
    })
    .unwrap();
    let open = store.alerts(&scope, true).unwrap();
    let p1 = open.iter().filter(|a| a.severity == Severity::P1).count();
    assert_eq!(h.open_alerts[0], p1);
    assert_eq!(h.open_alerts.iter().sum::<usize>(), open.len());
    assert_eq!(h.open_incidents.len(), 1);
    assert_eq!(
        h.actions,
        vec![
            ("alert.acknowledged".to_string(), 1),
            ("incident.open".to_string(), 1)
        ]
    );
    assert_eq!(h.note, "村口一起仍在处置");
    assert!(store.current_shift("wangjiang").unwrap().is_none());
    assert!(
        with_desk_at(&mut store, &desk, start, |d| d.hand_over("")).is_err(),
        "not on shift any more"
    );
    // The handover pins the audit log: its head is the hand-over's own row.
    let (row, hash) = h.audit_head.clone().unwrap();
    assert_eq!(store.audit_head().unwrap(), (row, hash));
}

#[test]
fn the_next_operator_of_the_same_desk_reads_the_last_handover() {
    let (_db, mut store) = demo();
    let center = session(&store, "center");
    let center2 = store.operator("center2").unwrap().unwrap();
    let station = store.operator("xingang").unwrap().unwrap();
    with_desk(&mut store, &center, |d| d.take_over()).unwrap();
    with_desk_at(&mut store, &center, now() + Duration::hours(12), |d| {
        d.hand_over("平稳")
    })
    .unwrap();
    let seen = store.last_handover(&center2).unwrap().unwrap();
    assert_eq!(seen.operator, "center");
    assert_eq!(seen.handover.unwrap().note, "平稳");
    assert!(
        store.last_handover(&station).unwrap().is_none(),
        "a station desk reads its own desk's handovers"
    );
}
