//! The quick response across processes and restarts: the same clock everywhere, one winner
//! when two desks record the same step, the alert it came from, the close, and compliance
//! figures worked out by hand.

mod common;

use chrono::Duration;
use common::*;
use dutydesk::config::Config;
use dutydesk::desk::incidents::Subject;
use dutydesk::desk::{Conflict, DeskError, Session};
use dutydesk::domain::alert::AlertStatus;
use dutydesk::domain::audit::AuditAction;
use dutydesk::domain::incident::{Closing, Outcome, StepState, SyncChecklist, SyncItem};
use dutydesk::store::{Scope, Store};

fn desk_of(store: &Store, login: &str) -> Session {
    Session::new(store.operator(login).unwrap().unwrap(), "test-os-user")
}

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
    let opened = now();
    let id = {
        let mut store = db.open();
        let c = desk_of(&store, "center");
        let id = with_desk_at(&mut store, &c, opened, |d| {
            d.open_incident(&Subject::Alert(aid), "村口", "")
        })
        .unwrap();
        with_desk_at(&mut store, &c, opened + Duration::seconds(45), |d| {
            d.mark_step(id, 1, "网格员")
        })
        .unwrap();
        id
    };
    // The process is gone; a new one opens the file at 3 min 30 s.
    let at = opened + Duration::seconds(210);
    let store = Store::open(&db.path).unwrap();
    let inc = store.incident(id, &Scope::All).unwrap().unwrap();
    assert_eq!(inc.patient_id, Some(pid));
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
    let mut store = db.open();
    let c = desk_of(&store, "center");
    let id = with_desk(&mut store, &c, |d| {
        d.open_incident(&Subject::Patient(pid), "村口", "")
    })
    .unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let handles: Vec<_> = [("center", "甲"), ("center2", "乙")]
        .into_iter()
        .map(|(login, who)| {
            let path = db.path.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                let session = desk_of(&store, login);
                barrier.wait();
                with_desk_at(&mut store, &session, now() + Duration::seconds(30), |d| {
                    d.mark_step(id, 1, who)
                })
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    let refused = results.iter().find(|r| r.is_err()).unwrap();
    // The second desk is told who recorded it and who acted.
    assert!(
        matches!(
            refused,
            Err(DeskError::Conflict(Conflict::Step { step: 1, .. }))
        ),
        "{refused:?}"
    );
    let inc = db.open().incident(id, &Scope::All).unwrap().unwrap();
    let audit = db.open().audit_entries(&Scope::All, 5).unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == Some(AuditAction::IncidentStepDone))
            .count(),
        1
    );
    assert!(inc.steps[0].done_at.is_some());
}

#[test]
fn closing_requires_the_checklist_and_can_resolve_the_alert() {
    let (db, pid, aid) = demo();
    let mut store = db.open();
    let center = desk_of(&store, "center");
    let id = with_desk(&mut store, &center, |d| {
        d.open_incident(&Subject::Alert(aid), "村口", "持棍")
    })
    .unwrap();
    let mut c = closing();
    c.sync.social = SyncItem::default();
    assert!(with_desk(&mut store, &center, |d| d.close_incident(id, &c, true)).is_err());
    // A reported alert's condition does not hold, so closing can resolve it; a derived one
    // whose condition still holds stays open (it is in progress, linked to the incident).
    with_desk_at(&mut store, &center, now() + Duration::minutes(20), |d| {
        d.close_incident(id, &closing(), true)
    })
    .unwrap();
    let inc = store.incident(id, &Scope::All).unwrap().unwrap();
    assert!(!inc.is_open());
    assert_eq!(inc.closing.unwrap().outcome, Outcome::Hospital);
    let alert = store.alert(aid, &Scope::All).unwrap().unwrap();
    assert_eq!(
        alert.kind,
        dutydesk::domain::alert::AlertKind::Unstable,
        "the demo's first new alert"
    );
    assert_eq!(
        alert.status,
        AlertStatus::InProgress,
        "an unstable patient's alert is not resolved by closing while still unstable"
    );
    // A reported alert is resolved with the incident opened from it.
    let reported = store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .find(|a| a.kind == dutydesk::domain::alert::AlertKind::Reported)
        .unwrap();
    let id2 = with_desk(&mut store, &center, |d| {
        d.open_incident(&Subject::Alert(reported.id), "村口", "")
    })
    .unwrap();
    with_desk(&mut store, &center, |d| {
        d.close_incident(id2, &closing(), true)
    })
    .unwrap();
    assert_eq!(
        store
            .alert(reported.id, &Scope::All)
            .unwrap()
            .unwrap()
            .status,
        AlertStatus::Resolved
    );
    // A closed incident takes no more steps.
    assert!(with_desk(&mut store, &center, |d| d.mark_step(id, 2, "x")).is_err());
    let _ = pid;
}

#[test]
fn a_station_desk_cannot_reach_another_stations_incident() {
    let (db, _, _) = demo();
    let mut store = db.open();
    let other = store
        .patients(&Default::default())
        .unwrap()
        .into_iter()
        .find(|p| p.jurisdiction.station == "青石派出所")
        .unwrap();
    let center = desk_of(&store, "center");
    let id = with_desk(&mut store, &center, |d| {
        d.open_incident(&Subject::Patient(other.id), "云岭", "")
    })
    .unwrap();
    let wangjiang = Scope::Station("望江派出所".into());
    let desk = desk_of(&store, "wangjiang");
    assert!(store.incident(id, &wangjiang).unwrap().is_none());
    assert!(
        store
            .incidents(&wangjiang)
            .unwrap()
            .iter()
            .all(|i| i.id != id)
    );
    assert!(matches!(
        with_desk(&mut store, &desk, |d| d.mark_step(id, 1, "x")),
        Err(DeskError::NotFound(_))
    ));
    // An unknown person's incident opened by a station desk belongs to its station.
    let unknown = with_desk(&mut store, &desk, |d| {
        d.open_incident(&Subject::Unknown { station: None }, "车站", "")
    })
    .unwrap();
    assert!(store.incident(unknown, &wangjiang).unwrap().is_some());
    assert!(
        store
            .incident(unknown, &Scope::Station("新港派出所".into()))
            .unwrap()
            .is_none()
    );
    // The center names the station of the location, and that desk sees it.
    let named = with_desk(&mut store, &center, |d| {
        d.open_incident(
            &Subject::Unknown {
                station: Some("新港派出所".into()),
            },
            "港口",
            "",
        )
    })
    .unwrap();
    assert!(
        store
            .incident(named, &Scope::Station("新港派出所".into()))
            .unwrap()
            .is_some()
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
    run(&[
        "operator",
        "add",
        "tester",
        "--name",
        "测试值班员",
        "--role",
        "center",
    ]);
    // An unknown person's incident names the station of the location (r2).
    run(&[
        "--operator",
        "tester",
        "place",
        "add",
        "station",
        "车站派出所",
    ]);
    // Writes at a chosen instant are for a drill copy, never the live database.
    let drill = cli_db.dir.path().join("drill.db");
    let drill = drill.to_str().unwrap();
    let o = std::process::Command::new(exe)
        .args([
            "--db",
            db,
            "--operator",
            "tester",
            "incident",
            "open",
            "--unknown",
        ])
        .args(["--location", "x", "--as-of", "2025-03-10T09:00:00+08:00"])
        .output()
        .unwrap();
    assert!(!o.status.success(), "a live database refuses --as-of");
    run(&["--operator", "tester", "drill", drill]);
    let run = |args: &[&str]| {
        let o = std::process::Command::new(exe)
            .args(["--db", drill, "--operator", "tester"])
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
            "--station",
            "车站派出所",
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

/// Elapsed time and the steps' clocks stop at closing: a step neither done nor skipped by then
/// reads as left undone at closing (with the time it still had), never as a countdown.
#[test]
fn a_closed_incidents_steps_stop_counting_at_the_close_and_an_open_step_reads_unfinished() {
    let (db, pid, _) = demo();
    let mut store = db.open();
    let c = desk_of(&store, "center");
    let id = with_desk(&mut store, &c, |d| {
        d.open_incident(&Subject::Patient(pid), "村口", "")
    })
    .unwrap();
    // Closed 2 minutes in: step 3 (5 minutes) had 3 minutes left.
    with_desk_at(&mut store, &c, now() + Duration::minutes(2), |d| {
        d.close_incident(id, &closing(), false)
    })
    .unwrap();
    let inc = store.incident(id, &Scope::All).unwrap().unwrap();
    let much_later = now() + Duration::hours(5);
    assert_eq!(
        inc.steps[2].state(much_later),
        StepState::Unfinished { seconds_left: 180 }
    );
    // Before closing, the same step was simply pending.
    let open_before = now() + Duration::minutes(1);
    assert_eq!(
        inc.steps[2].state(open_before),
        StepState::Pending { seconds_left: 240 }
    );
}
