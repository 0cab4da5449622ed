//! Roster import at 10k and 100k synthetic rows (and 1M from CSV with `DUTYDESK_BENCH_1M=1`),
//! from CSV and from xlsx, into a fresh on-disk database each time (WAL, synchronous=FULL, as
//! in production), including the alert refresh that an import commits with its rows.
//! Targets on a 2-core machine: 100k from CSV ≤ 3 s, from xlsx ≤ 15 s; 1M from CSV ≤ 30 s.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use dutydesk::config::Config;
use dutydesk::demo::roster;
use dutydesk::store::Store;

fn import(c: &mut Criterion) {
    let anchor = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 1, 0, 0).unwrap();
    let config = Config::default();
    let files = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    let mut sizes = vec![10_000usize, 100_000];
    if std::env::var_os("DUTYDESK_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    for n in sizes {
        let sheet = roster(n, 42, anchor);
        let csv_path = files.path().join(format!("r{n}.csv"));
        let xlsx_path = files.path().join(format!("r{n}.xlsx"));
        dutydesk::export::write_csv_file(&sheet, &csv_path, dutydesk::files::Existing::Replace)
            .unwrap();
        // A million-row workbook is past the unpacked-size cap: 1M is read from CSV only.
        let mut kinds = vec![("csv", &csv_path)];
        if n <= 100_000 {
            dutydesk::export::write_xlsx_file(
                &sheet,
                &xlsx_path,
                dutydesk::files::Existing::Replace,
            )
            .unwrap();
            kinds.push(("xlsx", &xlsx_path));
        }
        drop(sheet);
        for (kind, path) in kinds {
            group.bench_function(format!("{kind}/{n}"), |b| {
                b.iter_batched(
                    || {
                        let dir = tempfile::tempdir().unwrap();
                        let store = Store::open(&dir.path().join("i.db")).unwrap();
                        (dir, store)
                    },
                    |(dir, mut store)| {
                        let report = {
                            let table = dutydesk::import::read(path).unwrap();
                            let session = dutydesk::desk::admin::first_center_session(
                                &mut store, "bench", "bench", now,
                            )
                            .unwrap();
                            let clock = dutydesk::domain::clock::FixedClock(now);
                            dutydesk::desk::Desk::new(&mut store, &session, &config, &clock)
                                .import_roster(&table, false)
                                .unwrap()
                        };
                        assert!(report.committed);
                        (dir, store)
                    },
                    BatchSize::PerIteration,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
