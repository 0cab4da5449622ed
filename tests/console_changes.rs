//! The change sequence and the console's incremental refresh: every writer records what it
//! touched, old rows are pruned, and a console reloads only the changed patients — a patient
//! moved out of a station's jurisdiction leaves that station's list, one moved in appears.

mod common;

use common::*;
use dutydesk::app::action::{Event, Reply, Request};
use dutydesk::app::data::{Delta, Snapshot, load_snapshot};
use dutydesk::app::{AppState, View, update};
use dutydesk::config::Config;
use dutydesk::desk::Session;
use dutydesk::i18n::Lang;
use dutydesk::store::changes::Since;
use dutydesk::store::operators::OperatorRole;
use dutydesk::store::patients::PatientQuery;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

/// Two patients of 望江派出所 (甲 risk 3, 乙 risk 0) and one of 新港派出所 (丙), and a desk of
/// each station.
fn three_patients() -> TempDb {
    let db = TempDb::new();
    let mut store = db.open();
    let mut a = row("测试甲", &id("19800101", 123));
    a[5] = "3".into();
    let b = row("测试乙", &id("19810101", 125));
    let c = moved(row("测试丙", &id("19820101", 127)), "新港派出所");
    let r = import_csv(&mut store, &csv(&[a, b, c]), false);
    assert!(r.committed, "{:?}", r.problems);
    operator(
        &mut store,
        "wangjiang",
        OperatorRole::Station,
        Some("望江派出所"),
    );
    operator(
        &mut store,
        "xingang",
        OperatorRole::Station,
        Some("新港派出所"),
    );
    db
}

/// The row under another station, without the old station's officer.
fn moved(mut r: Vec<String>, station: &str) -> Vec<String> {
    r[12] = station.into();
    r[21] = String::new();
    r[22] = String::new();
    r
}

fn patient_id(db: &TempDb, name: &str) -> i64 {
    db.open()
        .patients(&PatientQuery::default())
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap()
        .id
}

fn start(db: &TempDb, login: &str) -> (std::sync::mpsc::Sender<Request>, UnboundedReceiver<Reply>) {
    let operator = db.open().operator(login).unwrap().unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let requests = dutydesk::console::worker::spawn(
        db.path.clone(),
        Session::new(operator, "test-os-user"),
        Config::default(),
        Lang::Zh,
        std::sync::Arc::new(dutydesk::domain::clock::FixedClock(now())),
        tx,
    );
    (requests, rx)
}

/// The first reply for which `want` says yes, within 20 s.
fn wait_for(rx: &mut UnboundedReceiver<Reply>, want: impl Fn(&Reply) -> bool) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(Instant::now() < deadline, "no such reply within 20 s");
        match rx.try_recv() {
            Ok(r) if want(&r) => return r,
            Ok(_) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn full_snapshot(rx: &mut UnboundedReceiver<Reply>) -> Snapshot {
    match wait_for(rx, |r| matches!(r, Reply::Snapshot(s) if s.complete)) {
        Reply::Snapshot(s) => *s,
        _ => unreachable!(),
    }
}

fn delta(rx: &mut UnboundedReceiver<Reply>) -> Delta {
    match wait_for(rx, |r| matches!(r, Reply::Delta(_) | Reply::Snapshot(_))) {
        Reply::Delta(d) => *d,
        Reply::Snapshot(_) => panic!("the whole snapshot was reloaded, not a delta"),
        _ => unreachable!(),
    }
}

/// Re-imports rows from another connection, as another process would.
fn reimport(db: &TempDb, rows: &[Vec<String>]) {
    let mut other = db.open();
    let r = import_csv(&mut other, &csv(rows), false);
    assert!(r.committed, "{:?}", r.problems);
}

fn state_with(db: &TempDb, login: &str, snap: Snapshot) -> AppState {
    let op = db.open().operator(login).unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op, now());
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    s
}

fn listed_names(s: &AppState) -> Vec<String> {
    let snap = s.snapshot.as_ref().unwrap();
    s.patients
        .visible
        .iter()
        .map(|&i| snap.patients[i].name().to_string())
        .collect()
}

#[test]
fn every_writer_records_the_patients_it_touched_in_the_change_sequence() {
    let db = three_patients();
    let store = db.open();
    let seq = store.last_change().unwrap();
    assert!(seq > 0, "the import recorded its rows");
    let b = patient_id(&db, "测试乙");
    let mut r = row("测试乙", &id("19810101", 125));
    r[5] = "1".into();
    reimport(&db, &[r]);
    match store.changes_since(seq, 1000).unwrap() {
        Since::Changes(set) => {
            assert_eq!(set.patients.iter().copied().collect::<Vec<_>>(), vec![b]);
            assert!(set.upto > seq);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn change_rows_are_pruned_and_a_console_that_far_behind_reloads_whole() {
    let db = three_patients();
    let mut store = db.open();
    let before = store.last_change().unwrap();
    assert!(store.change_rows().unwrap() > 2);
    store.prune_changes(2).unwrap();
    assert_eq!(store.change_rows().unwrap(), 2);
    // The sequence goes on from where it was: nothing is numbered twice.
    assert_eq!(store.last_change().unwrap(), before);
    assert!(matches!(
        store.changes_since(0, 1000).unwrap(),
        Since::Pruned { .. }
    ));
    // A look from the latest sequence is still answered row by row.
    assert!(matches!(
        store.changes_since(before, 1000).unwrap(),
        Since::Changes(set) if set.is_empty()
    ));
}

#[test]
fn a_change_over_the_limit_asks_for_a_whole_reload() {
    let db = three_patients();
    let store = db.open();
    assert!(matches!(
        store.changes_since(0, 2).unwrap(),
        Since::TooMany { .. }
    ));
}

#[test]
fn a_change_in_another_connection_reaches_the_console_as_a_delta_of_that_patient_only() {
    let db = three_patients();
    let (_requests, mut replies) = start(&db, "wangjiang");
    let snap = full_snapshot(&mut replies);
    let mut s = state_with(&db, "wangjiang", snap);
    let b = patient_id(&db, "测试乙");
    let mut r = row("测试乙", &id("19810101", 125));
    r[5] = "2".into();
    reimport(&db, &[r]);
    let d = delta(&mut replies);
    assert_eq!(d.patient_ids, vec![b]);
    assert_eq!(d.patients.len(), 1);
    assert_eq!(d.patients[0].risk_level.value(), 2);
    update(&mut s, Event::Store(Reply::Delta(Box::new(d))));
    let snap = s.snapshot.as_ref().unwrap();
    assert_eq!(snap.patient(b).unwrap().risk_level.value(), 2);
    assert_eq!(snap.patients.len(), 2);
    assert_eq!(snap.counts.patients, 2);
}

#[test]
fn a_patient_moved_out_of_a_stations_jurisdiction_leaves_its_list_and_appears_in_the_other() {
    let db = three_patients();
    let (_wj_requests, mut wj) = start(&db, "wangjiang");
    let (_xg_requests, mut xg) = start(&db, "xingang");
    let mut wangjiang = state_with(&db, "wangjiang", full_snapshot(&mut wj));
    let mut xingang = state_with(&db, "xingang", full_snapshot(&mut xg));
    let a = patient_id(&db, "测试甲");
    assert!(wangjiang.snapshot.as_ref().unwrap().patient(a).is_some());
    assert!(xingang.snapshot.as_ref().unwrap().patient(a).is_none());
    let mut r = row("测试甲", &id("19800101", 123));
    r[5] = "3".into();
    reimport(&db, &[moved(r, "新港派出所")]);

    let d = delta(&mut wj);
    assert!(d.patient_ids.contains(&a));
    assert!(d.patients.iter().all(|p| p.id != a));
    update(&mut wangjiang, Event::Store(Reply::Delta(Box::new(d))));
    let snap = wangjiang.snapshot.as_ref().unwrap();
    assert!(snap.patient(a).is_none());
    assert!(snap.alerts.iter().all(|x| x.patient_id != a));
    assert_eq!(snap.counts.patients, 1);
    assert_eq!(listed_names(&wangjiang), vec!["测试乙".to_string()]);

    let d = delta(&mut xg);
    update(&mut xingang, Event::Store(Reply::Delta(Box::new(d))));
    let snap = xingang.snapshot.as_ref().unwrap();
    assert_eq!(
        snap.patient(a).unwrap().jurisdiction().station,
        "新港派出所"
    );
    assert!(snap.alerts.iter().any(|x| x.patient_id == a));
    assert_eq!(snap.counts.patients, 2);
    let mut names = listed_names(&xingang);
    names.sort();
    let mut want = vec!["测试甲".to_string(), "测试丙".to_string()];
    want.sort();
    assert_eq!(names, want);
    // The console's whole reload agrees with what the delta built.
    let store = db.open();
    let op = store.operator("xingang").unwrap().unwrap();
    let whole = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    let ids = |s: &Snapshot| s.patients.iter().map(|p| p.id).collect::<Vec<_>>();
    let alert_ids = |s: &Snapshot| s.alerts.iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(ids(snap), ids(&whole));
    assert_eq!(alert_ids(snap), alert_ids(&whole));
    let alert_rows = |s: &Snapshot| {
        s.alerts
            .iter()
            .map(|a| {
                let (subject, place) = (&a.subject, &a.locality);
                let searched = (subject.key().to_string(), place.key.to_string());
                let what = (a.kind, a.severity, a.status, a.risk_level);
                (
                    what,
                    a.taken_by.clone(),
                    subject.name().to_string(),
                    searched,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(alert_rows(snap), alert_rows(&whole));
    assert_eq!(snap.counts, whole.counts);
    assert_eq!(xingang.view, View::Alerts);
}

#[test]
fn a_write_that_is_only_audited_reaches_the_consoles_audit_view() {
    let db = three_patients();
    let (_requests, mut rx) = start(&db, "tester");
    let before = full_snapshot(&mut rx);
    let exported = |s: &[dutydesk::store::audit::AuditEntry]| {
        s.iter()
            .filter(|e| e.action == Some(dutydesk::domain::audit::AuditAction::ReportExported))
            .count()
    };
    assert_eq!(exported(&before.audit), 0);
    // An export from another process touches no patient, alert or incident: only the log.
    let mut other = db.open();
    let session = tester(&mut other);
    with_desk(&mut other, &session, |d| {
        d.record_export(
            dutydesk::desk::records::ExportKind::Exchange,
            3,
            false,
            None,
        )
    })
    .unwrap();
    let d = delta(&mut rx);
    assert!(d.patient_ids.is_empty() && d.alert_ids.is_empty());
    assert_eq!(exported(&d.audit), 1, "the audit view shows the export");
}
