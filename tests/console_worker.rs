//! The console's store thread as operators meet it through the one-door API: an auditor's
//! reports view loads (reading is not writing), an auditor's key presses that would write are
//! refused in words, and a desk disabled while its console is open is told so and ends.

mod common;

use common::*;
use dutydesk::app::action::{Reply, Request};
use dutydesk::desk::Session;
use dutydesk::store::Store;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

fn demo() -> TempDb {
    let db = TempDb::new();
    let mut store = db.open();
    dutydesk::demo::build(&mut store, &dutydesk::config::Config::default(), now()).unwrap();
    db
}

fn start(db: &TempDb, login: &str) -> (std::sync::mpsc::Sender<Request>, UnboundedReceiver<Reply>) {
    let (requests, replies, _) = start_joinable(db, login);
    (requests, replies)
}

/// The store thread as the console starts it, with its handle to wait on.
fn start_joinable(
    db: &TempDb,
    login: &str,
) -> (
    std::sync::mpsc::Sender<Request>,
    UnboundedReceiver<Reply>,
    std::thread::JoinHandle<()>,
) {
    let store = db.open();
    let operator = store.operator(login).unwrap().unwrap();
    drop(store);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (requests, thread) = dutydesk::console::worker::spawn_joinable(
        db.path.clone(),
        Session::new(operator, "test-os-user"),
        dutydesk::config::Config::default(),
        dutydesk::i18n::Lang::Zh,
        std::sync::Arc::new(dutydesk::domain::clock::FixedClock(now())),
        tx,
    );
    (requests, rx, thread)
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

#[test]
fn an_auditors_reports_view_loads_and_its_writes_are_refused_in_words() {
    let db = demo();
    let before = db.open().audit_count().unwrap();
    let (requests, mut replies) = start(&db, "auditor");
    wait_for(
        &mut replies,
        |r| matches!(r, Reply::Snapshot(s) if s.complete),
    );
    requests.send(Request::WatchReport(true)).unwrap();
    match wait_for(&mut replies, |r| {
        matches!(r, Reply::Report(_) | Reply::Failed(_))
    }) {
        Reply::Report(r) => assert!(!r.stats.is_empty()),
        other => panic!("the reports view did not load: {other:?}"),
    }
    let alert = db.open().alerts(&Default::default(), true).unwrap()[0].id;
    requests.send(Request::Acknowledge(alert)).unwrap();
    match wait_for(&mut replies, |r| {
        matches!(r, Reply::Failed(_) | Reply::Done(_))
    }) {
        Reply::Failed(text) => assert!(text.contains("无权"), "{text}"),
        other => panic!("an auditor acknowledged: {other:?}"),
    }
    assert_eq!(db.open().audit_count().unwrap(), before);
}

#[test]
fn a_desk_disabled_while_its_console_is_open_cannot_write_and_is_ended() {
    let db = demo();
    let (requests, mut replies) = start(&db, "wangjiang");
    wait_for(
        &mut replies,
        |r| matches!(r, Reply::Snapshot(s) if s.complete),
    );
    // The center disables the desk from another connection.
    let mut other = Store::open(&db.path).unwrap();
    let center = Session::new(other.operator("center").unwrap().unwrap(), "test-os-user");
    with_desk(&mut other, &center, |d| {
        d.set_operator_enabled("wangjiang", false)
    })
    .unwrap();
    // The open console notices within a second and is told to end.
    match wait_for(&mut replies, |r| matches!(r, Reply::Ended(_))) {
        Reply::Ended(text) => assert!(text.contains("已停用"), "{text}"),
        _ => unreachable!(),
    }
    // Whatever it still sends writes nothing.
    let before = other.audit_count().unwrap();
    let alert = other
        .alerts(&dutydesk::store::Scope::Station("望江派出所".into()), true)
        .unwrap()[0]
        .id;
    let _ = requests.send(Request::Acknowledge(alert));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(other.audit_count().unwrap(), before);
}

/// Quitting right after a key press loses nothing: the console waits for its store thread,
/// which writes what was still queued, then gives back the deriver's lease so another console
/// or `serve` can take it at once rather than after the lease runs out.
#[test]
fn a_request_queued_at_quit_is_written_and_the_deriver_lease_is_given_back() {
    let db = demo();
    let store = db.open();
    let alert = store
        .alerts(&Default::default(), true)
        .unwrap()
        .into_iter()
        .find(|a| a.status == dutydesk::domain::alert::AlertStatus::New)
        .unwrap()
        .id;
    drop(store);
    let (requests, mut replies, thread) = start_joinable(&db, "center");
    wait_for(
        &mut replies,
        |r| matches!(r, Reply::Snapshot(s) if s.complete),
    );
    let lease = |db: &TempDb| -> i64 {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.query_row("SELECT expires_at FROM deriver_lease", [], |r| r.get(0))
            .unwrap()
    };
    assert!(
        lease(&db) > now().timestamp_millis(),
        "the console holds the lease"
    );
    requests.send(Request::Acknowledge(alert)).unwrap();
    drop(requests);
    thread.join().unwrap();
    let a = db
        .open()
        .alerts(&Default::default(), true)
        .unwrap()
        .into_iter()
        .find(|a| a.id == alert)
        .unwrap();
    assert_eq!(a.status, dutydesk::domain::alert::AlertStatus::Acknowledged);
    assert!(
        lease(&db) <= now().timestamp_millis(),
        "the lease is given back"
    );
}

#[test]
fn the_persons_directory_comes_only_when_asked_for_and_then_with_every_snapshot() {
    let db = demo();
    let (requests, mut replies) = start(&db, "center");
    match wait_for(
        &mut replies,
        |r| matches!(r, Reply::Snapshot(s) if s.complete),
    ) {
        Reply::Snapshot(s) => assert!(s.persons.is_empty(), "not loaded unasked"),
        _ => unreachable!(),
    }
    requests.send(Request::WatchPersons(true)).unwrap();
    match wait_for(&mut replies, |r| {
        matches!(r, Reply::Persons(_) | Reply::Failed(_))
    }) {
        Reply::Persons(rows) => assert!(!rows.is_empty()),
        other => panic!("the directory did not load: {other:?}"),
    }
}
