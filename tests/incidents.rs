//! The quick response across processes and restarts: the same clock everywhere, one winner
//! when two desks record the same step, the alert it came from, the close, and compliance
//! figures worked out by hand.

mod common;

use chrono::Duration;
use common::*;
use dutydesk::config::Config;
use dutydesk::domain::alert::AlertStatus;
use dutydesk::domain::incident::{Closing, Outcome, StepState, SyncChecklist, SyncItem};
use dutydesk::store::{Scope, Store, StoreError};

fn demo() -> (TempDb, i64, i64) {
    let db = TempDb::new();
    let mut store = db.open();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let alert = store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .find(|a| a.status == AlertStatus::New)
        .unwrap();
    (db, alert.patient_id, alert.id)
}

fn closing() -> Closing {
    let done = SyncItem {
        done: true,
        reason: String::new(),
    };
    Closing {
        outcome: Outcome::Hospital,
        sync: SyncChecklist {
            legal: done.clone(),
            opinion: done.clone(),
            social: done,
        },
        persons_involved: 1,
        injured: 0,
        dead: 0,
        reported_upward: true,
    }
}

#[test]
fn a_restart_in_the_middle_of_an_incident_shows_the_same_states() {
    let (db, pid, aid) = demo();
    let qr = Config::default().quick_response;
    let opened = now();
    let id = {
        let mut store = db.open();
        let id = store
            .open_incident(
                Some(pid),
                Some(aid),
                "村口",
                "",
                "desk",
                &Scope::All,
                &qr,
                opened,
            )
            .unwrap();
        store
            .mark_step(
                id,
                1,
                "网格员",
                "desk",
                &Scope::All,
                &[],
                opened + Duration::seconds(45),
            )
            .unwrap();
        id
    };
    // The process is gone; a new one opens the file at 3 min 30 s.
    let at = opened + Duration::seconds(210);
    let store = Store::open(&db.path).unwrap();
    let inc = store.incident(id, &Scope::All, &[]).unwrap().unwrap();
    let states: Vec<StepState> = inc.steps.iter().map(|s| s.state(at)).collect();
    assert_eq!(
        states,
        vec![
            StepState::Met { seconds_early: 15 },
            StepState::Overdue { seconds_late: 30 },
            StepState::Pending { seconds_left: 90 },
        ]
    );
    // The alert it came from is in progress and linked.
    let alert = store.alert(aid, &Scope::All).unwrap().unwrap();
    assert_eq!(alert.status, AlertStatus::InProgress);
}

#[test]
fn two_processes_marking_the_same_step_at_once_record_it_once() {
    let (db, pid, _) = demo();
    let qr = Config::default().quick_response;
    let id = db
        .open()
        .open_incident(Some(pid), None, "村口", "", "desk", &Scope::All, &qr, now())
        .unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let handles: Vec<_> = ["甲", "乙"]
        .into_iter()
        .map(|who| {
            let path = db.path.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                barrier.wait();
                store.mark_step(
                    id,
                    1,
                    who,
                    who,
                    &Scope::All,
                    &[],
                    now() + Duration::seconds(30),
                )
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    let refused = results.iter().find(|r| r.is_err()).unwrap();
    assert!(
        matches!(refused, Err(StoreError::StepAlreadyDone { step: 1, .. })),
        "{refused:?}"
    );
    let inc = db.open().incident(id, &Scope::All, &[]).unwrap().unwrap();
    let audit = db.open().audit_entries(5).unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "incident.step").count(),
        1
    );
    assert!(inc.steps[0].done_at.is_some());
}

#[test]
fn closing_requires_the_checklist_and_can_resolve_the_alert() {
    let (db, pid, aid) = demo();
    let qr = Config::default().quick_response;
    let mut store = db.open();
    let id = store
        .open_incident(
            Some(pid),
            Some(aid),
            "村口",
            "持棍",
            "desk",
            &Scope::All,
            &qr,
            now(),
        )
        .unwrap();
    let mut c = closing();
    c.sync.social = SyncItem::default();
    assert!(
        store
            .close_incident(id, &c, true, "desk", &Scope::All, &[], now())
            .is_err()
    );
    store
        .close_incident(
            id,
            &closing(),
            true,
            "desk",
            &Scope::All,
            &[],
            now() + Duration::minutes(20),
        )
        .unwrap();
    let inc = store.incident(id, &Scope::All, &[]).unwrap().unwrap();
    assert!(!inc.is_open());
    assert_eq!(inc.closing.unwrap().outcome, Outcome::Hospital);
    assert_eq!(
        store.alert(aid, &Scope::All).unwrap().unwrap().status,
        AlertStatus::Resolved
    );
    // A closed incident takes no more steps.
    assert!(
        store
            .mark_step(id, 2, "x", "desk", &Scope::All, &[], now())
            .is_err()
    );
}

#[test]
fn a_station_desk_cannot_reach_another_stations_incident() {
    let (db, _, _) = demo();
    let qr = Config::default().quick_response;
    let mut store = db.open();
    let other = store
        .patients(&Default::default())
        .unwrap()
        .into_iter()
        .find(|p| p.jurisdiction.station == "青石派出所")
        .unwrap();
    let id = store
        .open_incident(
            Some(other.id),
            None,
            "云岭",
            "",
            "center",
            &Scope::All,
            &qr,
            now(),
        )
        .unwrap();
    let wangjiang = Scope::Station("望江派出所".into());
    assert!(
        store
            .incident(id, &wangjiang, &["wangjiang".into()])
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .incidents(&wangjiang, &["wangjiang".into()])
            .unwrap()
            .iter()
            .all(|i| i.id != id)
    );
    assert!(
        store
            .mark_step(
                id,
                1,
                "x",
                "wangjiang",
                &wangjiang,
                &["wangjiang".into()],
                now()
            )
            .is_err()
    );
    // An unknown person's incident is seen by the desk that opened it.
    let unknown = store
        .open_incident(None, None, "车站", "", "wangjiang", &wangjiang, &qr, now())
        .unwrap();
    assert!(
        store
            .incident(unknown, &wangjiang, &["wangjiang".into()])
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .incident(
                unknown,
                &Scope::Station("新港派出所".into()),
                &["xingang".into()]
            )
            .unwrap()
            .is_none()
    );
}

/// Three incidents worked out by hand, opened 09:00, 10:00 and 11:00 Beijing on 2025-03-10:
/// step 1 done at +40 s, +60 s (at the deadline) and +100 s (late); step 2 done at +150 s, not at
/// all (overdue), and +200 s (late). Step 1: 2 of 3 on time, median 60 s. Step 2: 1 of 3 on
/// time, median of 150 and 200 = 175 s.
#[test]
fn compliance_report_matches_figures_worked_out_by_hand() {
    let cli_db = TempDb::new();
    let exe = env!("CARGO_BIN_EXE_dutydesk");
    let db = cli_db.path.to_str().unwrap();
    let run = |args: &[&str]| {
        let o = std::process::Command::new(exe)
            .arg("--db")
            .arg(db)
            .args(args)
            .env("XDG_DATA_HOME", cli_db.dir.path())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o
    };
    run(&["init"]);
    let plan = [
        ("09", Some(40), Some(150)),
        ("10", Some(60), None),
        ("11", Some(100), Some(200)),
    ];
    for (n, (hour, s1, s2)) in plan.iter().enumerate() {
        let at = |secs: i64| {
            (chrono::DateTime::parse_from_rfc3339(&format!("2025-03-10T{hour}:00:00+08:00"))
                .unwrap()
                + Duration::seconds(secs))
            .to_rfc3339()
        };
        run(&[
            "incident",
            "open",
            "--unknown",
            "--location",
            "车站广场",
            "--as-of",
            &at(0),
        ]);
        let id = (n + 1).to_string();
        if let Some(x) = s1 {
            run(&[
                "incident",
                "step",
                &id,
                "1",
                "--by",
                "巡逻组",
                "--as-of",
                &at(*x),
            ]);
        }
        if let Some(x) = s2 {
            run(&[
                "incident",
                "step",
                &id,
                "2",
                "--by",
                "社区民警",
                "--as-of",
                &at(*x),
            ]);
        }
    }
    let o = run(&[
        "report",
        "quick-response",
        "--from",
        "2025-03-10",
        "--to",
        "2025-03-10",
        "--json",
        "--as-of",
        "2025-03-10T18:00:00+08:00",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["incidents"], 3);
    assert_eq!(v["steps"][0]["met"], 2);
    assert_eq!(v["steps"][0]["counted"], 3);
    assert_eq!(v["steps"][0]["median_seconds"], 60.0);
    assert_eq!(v["steps"][1]["met"], 1);
    assert_eq!(v["steps"][1]["median_seconds"], 175.0);
    assert_eq!(v["steps"][2]["met"], 0);
    // The JSON list agrees with the store: incident 2's second step is overdue at 10:04:00.
    let o = run(&[
        "incidents",
        "--json",
        "--as-of",
        "2025-03-10T10:04:00+08:00",
    ]);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let two = list.iter().find(|i| i["id"] == 2).unwrap();
    assert_eq!(two["steps"][1]["state"], "overdue");
    assert_eq!(two["steps"][1]["seconds_late"], 60);
    assert_eq!(two["steps"][2]["state"], "pending");
    assert_eq!(two["steps"][2]["seconds_left"], 60);
    assert_eq!(two["state"], "open");
}
