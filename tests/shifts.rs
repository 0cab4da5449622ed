//! Shifts: taking over, handing over with a summary, and the next operator of the same desk
//! reading it.

mod common;

use chrono::Duration;
use common::*;
use dutydesk::config::Config;
use dutydesk::domain::alert::{AlertStatus, Severity};
use dutydesk::store::Store;

fn demo() -> (TempDb, Store) {
    let db = TempDb::new();
    let mut store = db.open();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    (db, store)
}

#[test]
fn handover_summarises_open_alerts_incidents_and_this_shifts_actions() {
    let (_db, mut store) = demo();
    let desk = store.operator("wangjiang").unwrap().unwrap();
    // The demo's own actions happened at now(); this shift starts a minute later.
    let start = now() + Duration::minutes(1);
    store.take_over(&desk, start).unwrap();
    assert!(
        store.take_over(&desk, start).is_err(),
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
    store
        .set_alert_status(
            alert.id,
            AlertStatus::Acknowledged,
            None,
            "wangjiang",
            &scope,
            t,
        )
        .unwrap();
    let qr = Config::default().quick_response;
    store
        .open_incident(
            Some(alert.patient_id),
            None,
            "村口",
            "",
            "wangjiang",
            &scope,
            &qr,
            t,
        )
        .unwrap();
    let h = store
        .hand_over(&desk, "村口一起仍在处置", start + Duration::hours(8))
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
        store.hand_over(&desk, "", start).is_err(),
        "not on shift any more"
    );
}

#[test]
fn the_next_operator_of_the_same_desk_reads_the_last_handover() {
    let (_db, mut store) = demo();
    let center = store.operator("center").unwrap().unwrap();
    let center2 = store.operator("center2").unwrap().unwrap();
    let station = store.operator("xingang").unwrap().unwrap();
    store.take_over(&center, now()).unwrap();
    store
        .hand_over(&center, "平稳", now() + Duration::hours(12))
        .unwrap();
    let seen = store.last_handover(&center2).unwrap().unwrap();
    assert_eq!(seen.operator, "center");
    assert_eq!(seen.handover.unwrap().note, "平稳");
    assert!(
        store.last_handover(&station).unwrap().is_none(),
        "a station desk reads its own desk's handovers"
    );
}
