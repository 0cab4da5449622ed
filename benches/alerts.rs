//! Alert derivation and reconciliation over large registers (10k and 100k synthetic
//! patients). Target on a 2-core machine: derive + reconcile for 100k ≤ 100 ms.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use dutydesk::config::Config;
use dutydesk::demo::roster_table;
use dutydesk::domain::alert::{DerivedAlert, derive};
use dutydesk::store::Store;
use dutydesk::store::alerts::reconcile;

fn filled_store(n: usize, dir: &tempfile::TempDir) -> Store {
    let anchor = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 1, 0, 0).unwrap();
    let mut store = Store::open(&dir.path().join(format!("bench{n}.db"))).unwrap();
    let table = roster_table(n, 42, anchor);
    let config = Config::default();
    let report = {
        let session =
            dutydesk::desk::admin::first_center_session(&mut store, "bench", "bench", now).unwrap();
        let clock = dutydesk::domain::clock::FixedClock(now);
        dutydesk::desk::Desk::new(&mut store, &session, &config, &clock)
            .import_roster(&table, false)
            .unwrap()
    };
    assert!(report.committed);
    store
}

fn alerts(c: &mut Criterion) {
    let config = Config::default();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    let mut group = c.benchmark_group("alerts");
    group.sample_size(20);
    for n in [10_000usize, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = filled_store(n, &dir);
        let patients = store.patients_with_teams().unwrap();
        store.refresh_alerts(now, &config).unwrap();

        group.bench_function(format!("derive/{n}"), |b| {
            b.iter(|| {
                patients
                    .iter()
                    .flat_map(|(p, t)| derive(p, *t, now, None, &config))
                    .count()
            })
        });
        group.bench_function(format!("derive_and_reconcile/{n}"), |b| {
            b.iter(|| {
                let derived: Vec<DerivedAlert> = patients
                    .iter()
                    .flat_map(|(p, t)| derive(p, *t, now, None, &config))
                    .collect();
                let s = store
                    .write(|tx| reconcile(tx, &derived, None, now))
                    .unwrap();
                assert!(s.is_empty());
            })
        });
        group.bench_function(format!("load_derive_reconcile/{n}"), |b| {
            b.iter(|| store.refresh_alerts(now, &config).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, alerts);
criterion_main!(benches);
