//! One deriver, incremental: only the lease holder derives, another process takes over when
//! the holder is gone, and deriving only the patients whose time has come gives the same
//! alerts as deriving the whole register, across midnights, days, a snooze ending, a hand
//! resolution and a control window opening and closing.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use dutydesk::config::Config;
use dutydesk::demo::roster_table;
use dutydesk::desk::Session;
use dutydesk::desk::control::NewControl;
use dutydesk::domain::alert::AlertKind;
use dutydesk::domain::clock::beijing_date;
use dutydesk::domain::lease::{Holder, HolderKind, LEASE_LENGTH};
use dutydesk::domain::schedule::ControlLevel;
use dutydesk::store::{Scope, Store};

const PATIENTS: usize = 600;

/// 2026-11-01 09:00 Beijing, when the synthetic register is imported.
fn t0() -> DateTime<Utc> {
    at("2026-11-01", 9)
}

fn register(store: &mut Store) -> Session {
    let session =
        dutydesk::desk::admin::first_center_session(store, "tester", "测试值班员", t0()).unwrap();
    let table = roster_table(PATIENTS, 7, "2026-11-01".parse().unwrap());
    let report = with_desk_at(store, &session, t0(), |d| d.import_roster(&table, false)).unwrap();
    assert!(report.committed);
    session
}

/// What the desks see of the open alerts, ids aside (the two stores number them alike
/// only by chance).
type Seen = Vec<(
    i64,
    AlertKind,
    String,
    Option<NaiveDate>,
    String,
    i64,
    Option<NaiveDate>,
)>;

fn open_alerts(store: &Store) -> Seen {
    let mut v: Seen = store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                a.patient_id,
                a.kind,
                a.severity.code().to_string(),
                a.since,
                a.status.code().to_string(),
                a.raised_at.timestamp_millis(),
                a.snoozed_until,
            )
        })
        .collect();
    v.sort_by_key(|a| (a.0, a.1));
    v
}

fn holder(pid: u32, kind: HolderKind) -> Holder {
    Holder {
        pid,
        host: "duty-pc".into(),
        login: "tester".into(),
        kind,
    }
}

/// The first open alert of `kind`.
fn first_open(store: &Store, kind: AlertKind) -> i64 {
    store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .find(|a| a.kind == kind)
        .map(|a| a.id)
        .unwrap_or_else(|| panic!("an open {kind:?} alert"))
}

#[test]
fn incremental_derivation_equals_full_rederivation_across_days_midnights_and_a_snooze_end() {
    let config = Config::default();
    let mut inc = Store::open_in_memory().unwrap();
    let mut full = Store::open_in_memory().unwrap();
    let s_inc = register(&mut inc);
    let s_full = register(&mut full);
    assert_eq!(open_alerts(&inc), open_alerts(&full), "after the import");
    let me = holder(1, HolderKind::Console);

    // An hour later nothing has come due but what the import itself marked: few patients.
    let t = t0() + Duration::hours(1);
    let run = inc
        .derive_as_holder(&me, t, &config)
        .unwrap()
        .expect("the lease");
    assert!(run.derived < PATIENTS / 10, "incremental: {run:?}");
    full.refresh_alerts(t, &config).unwrap();
    assert_eq!(open_alerts(&inc), open_alerts(&full), "an hour later");

    // A desk snoozes one alert for two days and resolves a 失访 alert with its written
    // report while the patient is still missing (it must not come back).
    let until = beijing_date(t) + chrono::Days::new(2);
    for (store, session) in [(&mut inc, &s_inc), (&mut full, &s_full)] {
        let snoozed = first_open(store, AlertKind::FollowupOverdue);
        with_desk_at(store, session, t, |d| {
            d.snooze(snoozed, until, "家属陪同复诊")
        })
        .unwrap();
        let reported = first_open(store, AlertKind::Missing);
        with_desk_at(store, session, t, |d| {
            d.resolve_with_written_report(reported, "县政法委", t, "书面报告已送达")
        })
        .unwrap();
    }
    // The center switches 一级管控 on for a window starting ten days out.
    let from = beijing_date(t0()) + chrono::Days::new(12);
    let order = NewControl {
        level: ControlLevel::Level1,
        from,
        to: from + chrono::Days::new(6),
        townships: vec![],
        stations: vec![],
        reason: "重大活动安保".into(),
    };
    for (store, session) in [(&mut inc, &s_inc), (&mut full, &s_full)] {
        with_desk_at(store, session, t, |d| d.set_control(&order)).unwrap();
    }

    let steps = [
        Duration::hours(2),
        Duration::hours(15), // past Beijing midnight
        Duration::days(2),
        Duration::days(4),                       // the snooze has ended
        Duration::days(12) + Duration::hours(1), // the control window is open
        Duration::days(15),
        Duration::days(19) + Duration::hours(1), // and closed again
        Duration::days(31),
        Duration::days(45),
        Duration::days(95),
        Duration::days(200),
        Duration::days(400),
    ];
    let mut derived_total = 0;
    for step in steps {
        let t = t0() + step;
        let run = inc
            .derive_as_holder(&me, t, &config)
            .unwrap()
            .expect("the lease");
        derived_total += run.derived;
        full.refresh_alerts(t, &config).unwrap();
        assert_eq!(open_alerts(&inc), open_alerts(&full), "at {t}");
    }
    assert!(
        derived_total < steps.len() * PATIENTS,
        "incremental runs derive fewer patients than full ones: {derived_total}"
    );
}

#[test]
fn only_the_lease_holder_derives_and_another_process_takes_over_when_it_is_gone() {
    let config = Config::default();
    let db = TempDb::new();
    let mut console = db.open();
    register(&mut console);
    let mut serve = db.open();
    let a = holder(100, HolderKind::Console);
    let b = holder(200, HolderKind::Serve);
    let t = t0() + Duration::minutes(1);

    assert!(console.derive_as_holder(&a, t, &config).unwrap().is_some());
    let lease = serve.deriver_lease().unwrap().unwrap();
    assert_eq!(lease.holder, a);
    // While the console renews its lease, the server leaves derivation to it.
    for minute in 1..6 {
        let t = t + Duration::minutes(minute);
        assert!(serve.derive_as_holder(&b, t, &config).unwrap().is_none());
        assert!(console.derive_as_holder(&a, t, &config).unwrap().is_some());
    }
    // The console is gone (no renewal): once the lease expires the server takes it.
    let last_renewal = t + Duration::minutes(5);
    let before_expiry = last_renewal + LEASE_LENGTH - Duration::seconds(1);
    assert!(
        serve
            .derive_as_holder(&b, before_expiry, &config)
            .unwrap()
            .is_none()
    );
    let expired = last_renewal + LEASE_LENGTH;
    assert!(
        serve
            .derive_as_holder(&b, expired, &config)
            .unwrap()
            .is_some()
    );
    assert_eq!(console.deriver_lease().unwrap().unwrap().holder, b);
    // A console that closes hands the lease back at once.
    serve.release_deriver_lease(&b, expired).unwrap();
    assert!(
        console
            .derive_as_holder(&a, expired + Duration::seconds(1), &config)
            .unwrap()
            .is_some()
    );
}

#[test]
fn a_register_left_alone_for_days_gets_everything_due_derived_on_the_next_start() {
    let config = Config::default();
    let db = TempDb::new();
    {
        let mut store = db.open();
        register(&mut store);
        let me = holder(1, HolderKind::Console);
        store.derive_as_holder(&me, t0(), &config).unwrap().unwrap();
        assert_eq!(store.deriver_last_run().unwrap(), Some(t0()));
    }
    // Nobody opens a console for 40 days; then one starts.
    let later = t0() + Duration::days(40);
    let mut store = db.open();
    let run = store
        .derive_as_holder(&holder(2, HolderKind::Console), later, &config)
        .unwrap()
        .expect("the old holder's lease has long expired");
    assert!(run.derived > 0 && !run.alerts.is_empty(), "{run:?}");
    assert_eq!(store.deriver_last_run().unwrap(), Some(later));
    let derived_now = open_alerts(&store);
    store.refresh_alerts(later, &config).unwrap();
    assert_eq!(
        open_alerts(&store),
        derived_now,
        "as a full derivation finds them"
    );
}

#[test]
fn a_one_shot_command_derives_what_is_due_without_writing_when_nothing_is() {
    let config = Config::default();
    let db = TempDb::new();
    let mut store = db.open();
    register(&mut store);
    let t = t0() + Duration::days(100);
    let run = store.derive_due(t, &config).unwrap();
    assert!(run.derived > 0);
    let version = dump(&db.path);
    let again = store.derive_due(t + Duration::minutes(1), &config).unwrap();
    assert_eq!(again.derived, 0);
    assert_eq!(dump(&db.path), version, "nothing due: nothing written");
}
