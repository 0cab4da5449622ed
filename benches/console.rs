//! The console at 100k patients: time to the first frame and to the first frame with data,
//! a filter keystroke to its frame, and the bytes a frame costs on the wire (a full 80×24
//! redraw, and one idle second when only the clock changes). Targets: first frame ≤ 300 ms,
//! keystroke to frame ≤ 16 ms, idle ≤ 200 bytes/s, full redraw ≤ 8 KB.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use dutydesk::app::action::{Action, Event, Reply};
use dutydesk::app::data::{load_delta, load_first, load_snapshot};
use dutydesk::app::keys::KeyMap;
use dutydesk::app::{AppState, update};
use dutydesk::config::Config;
use dutydesk::i18n::Lang;
use dutydesk::store::Store;
use dutydesk::store::changes::Since;
use dutydesk::ui::Ui;
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tui_input::InputRequest;

const N: usize = 100_000;

fn console(c: &mut Criterion) {
    let anchor = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 1, 0, 0).unwrap();
    let config = Config::default();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("c.db")).unwrap();
    dutydesk::demo::build(&mut store, &config, now).unwrap();
    let table = dutydesk::demo::roster_table(N, 7, anchor);
    {
        // The demo's center operator imports the large roster on top of it.
        let session =
            dutydesk::desk::Session::new(store.operator("center").unwrap().unwrap(), "bench");
        let clock = dutydesk::domain::clock::FixedClock(now);
        dutydesk::desk::Desk::new(&mut store, &session, &config, &clock)
            .import_roster(&table, false)
            .unwrap()
    };
    let op = store.operator("center").unwrap().unwrap();
    let keys = KeyMap::new(&Default::default()).unwrap();
    let ui = Ui {
        keys: &keys,
        color: true,
    };

    let mut group = c.benchmark_group("console");
    group.sample_size(10);
    group.bench_function("first_frame", |b| {
        b.iter(|| {
            let s = AppState::new(Lang::Zh, config.clone(), op.clone(), now);
            let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
            t.draw(|f| ui.draw(f, &s)).unwrap();
        })
    });
    // The alerts view with its data: what the store thread sends first.
    group.bench_function("first_frame_with_alerts_100k", |b| {
        b.iter(|| {
            let mut s = AppState::new(Lang::Zh, config.clone(), op.clone(), now);
            let snap = load_first(&store, &op, now).unwrap();
            update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
            let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
            t.draw(|f| ui.draw(f, &s)).unwrap();
        })
    });
    // Every list loaded (patients, persons, audit), arriving after the first frame.
    group.bench_function("whole_register_loaded_100k", |b| {
        b.iter(|| {
            let mut s = AppState::new(Lang::Zh, config.clone(), op.clone(), now);
            let snap = load_snapshot(&store, &op, &config, now).unwrap();
            update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
            let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
            t.draw(|f| ui.draw(f, &s)).unwrap();
        })
    });

    let mut s = AppState::new(Lang::Zh, config.clone(), op.clone(), now);
    let snap = load_snapshot(&store, &op, &config, now).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    update(&mut s, Event::Action(Action::ShowPatients));
    update(&mut s, Event::Action(Action::Filter));
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    group.sample_size(50);
    group.bench_function("filter_keystroke_to_frame_100k", |b| {
        b.iter_batched(
            || (),
            |_| {
                update(&mut s, Event::Text(InputRequest::InsertChar('梅')));
                t.draw(|f| ui.draw(f, &s)).unwrap();
                update(&mut s, Event::Text(InputRequest::DeletePrevChar));
                t.draw(|f| ui.draw(f, &s)).unwrap();
            },
            BatchSize::SmallInput,
        )
    });
    // A digit: no place holds it, so every name and every ID number is searched.
    group.bench_function("filter_keystroke_digit_to_frame_100k", |b| {
        b.iter_batched(
            || (),
            |_| {
                update(&mut s, Event::Text(InputRequest::InsertChar('7')));
                t.draw(|f| ui.draw(f, &s)).unwrap();
                update(&mut s, Event::Text(InputRequest::DeletePrevChar));
                t.draw(|f| ui.draw(f, &s)).unwrap();
            },
            BatchSize::SmallInput,
        )
    });

    // A change committed by another connection (another desk acknowledging one alert) to the
    // console's frame: read the change sequence, load the delta, apply it, draw. The store
    // thread's 200 ms look for `data_version` comes on top of this.
    let mut other = Store::open(&dir.path().join("c.db")).unwrap();
    let alert_ids: Vec<i64> = other
        .alerts(&Default::default(), true)
        .unwrap()
        .iter()
        .filter(|a| a.status == dutydesk::domain::alert::AlertStatus::New)
        .map(|a| a.id)
        .collect();
    let mut next = alert_ids.into_iter();
    let mut seq = store.last_change().unwrap();
    update(&mut s, Event::Action(Action::ShowAlerts));
    group.sample_size(20);
    group.bench_function("change_in_other_process_to_frame_100k", |b| {
        b.iter_batched(
            || {
                let id = next.next().expect("enough new alerts");
                let session = dutydesk::desk::Session::new(
                    other.operator("center").unwrap().unwrap(),
                    "bench",
                );
                let clock = dutydesk::domain::clock::FixedClock(now);
                dutydesk::desk::Desk::new(&mut other, &session, &config, &clock)
                    .acknowledge(id)
                    .unwrap();
            },
            |_| {
                let Since::Changes(set) = store.changes_since(seq, 5_000).unwrap() else {
                    panic!("one change is a delta");
                };
                let d = load_delta(&store, &op, &config, &set, now).unwrap();
                seq = set.upto;
                update(&mut s, Event::Store(Reply::Delta(Box::new(d))));
                t.draw(|f| ui.draw(f, &s)).unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // Bytes on the wire, through the real crossterm backend.
    let mut s = AppState::new(Lang::Zh, config.clone(), op.clone(), now);
    let snap = load_snapshot(&store, &op, &config, now).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    let counter = Counter::default();
    let mut t = Terminal::with_options(
        CrosstermBackend::new(counter.clone()),
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 80, 24)),
        },
    )
    .unwrap();
    t.draw(|f| ui.draw(f, &s)).unwrap();
    let full = counter.0.load(Ordering::Relaxed);
    let mut idle = Vec::new();
    for sec in 1..=10 {
        let before = counter.0.load(Ordering::Relaxed);
        update(&mut s, Event::Tick(now + chrono::Duration::seconds(sec)));
        t.draw(|f| ui.draw(f, &s)).unwrap();
        idle.push(counter.0.load(Ordering::Relaxed) - before);
    }
    let idle_avg = idle.iter().sum::<usize>() as f64 / idle.len() as f64;
    println!("console/full_redraw_80x24: {full} bytes (target 8192)");
    println!("console/idle_bytes_per_second: {idle_avg:.0} bytes/s (target 200)");
}

/// A writer that only counts what passes through it.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

criterion_group!(benches, console);
criterion_main!(benches);
