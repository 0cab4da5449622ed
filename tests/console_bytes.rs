//! What the console costs on a slow link, through the real crossterm backend: a full 80×24
//! frame fits in 8 KB, and an idle second (only the clock changes) costs under 200 bytes.

mod common;

use common::*;
use dutydesk::app::action::{Event, Reply};
use dutydesk::app::data::load_snapshot;
use dutydesk::app::keys::KeyMap;
use dutydesk::app::{AppState, update};
use dutydesk::config::Config;
use dutydesk::i18n::Lang;
use dutydesk::store::Store;
use dutydesk::ui::Ui;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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

#[test]
fn full_frame_fits_8kb_and_an_idle_second_costs_under_200_bytes() {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    for color in [true, false] {
        let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
        let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
        update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
        let keys = KeyMap::new(&Default::default()).unwrap();
        let ui = Ui { keys: &keys, color };
        let counter = Counter::default();
        let mut t = Terminal::with_options(
            CrosstermBackend::new(counter.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
            },
        )
        .unwrap();
        t.draw(|f| ui.draw(f, &s)).unwrap();
        let full = counter.0.load(Ordering::Relaxed);
        assert!(full <= 8 * 1024, "full frame {full} bytes (color {color})");
        let before = counter.0.load(Ordering::Relaxed);
        for sec in 1..=10 {
            update(&mut s, Event::Tick(now() + chrono::Duration::seconds(sec)));
            t.draw(|f| ui.draw(f, &s)).unwrap();
        }
        let per_second = (counter.0.load(Ordering::Relaxed) - before) / 10;
        assert!(
            per_second <= 200,
            "idle {per_second} bytes/s (color {color})"
        );
    }
}
