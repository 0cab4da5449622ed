//! The running console: one loop that selects over terminal input, the store thread's
//! answers, a clock tick and the signals that end a session (SIGTERM, SIGHUP, SIGINT,
//! SIGQUIT), updates the state and redraws when something changed. The store never runs on
//! this loop, so a busy database cannot freeze the screen. A signal quits like `q` does: the
//! loop returns and the terminal is given back (raw mode off, main screen, mouse off, cursor
//! shown); nothing half-typed is sent, and each write the store thread makes is one
//! transaction, so nothing half-done is committed.

pub mod deriver;
pub mod export;
pub mod memory;
pub mod worker;

use chrono::Timelike;
use crossterm::event::EventStream;
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::app::keys::KeyMap;
use crate::app::{AppState, Effect, Event, update};
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::i18n::{Lang, Msg};
use crate::store::operators::Operator;

pub struct ConsoleSetup {
    pub db: PathBuf,
    pub lang: Lang,
    pub config: Config,
    pub operator: Operator,
    /// Who the system saw behind the operator: the OS user, or `ssh:SHA256:…` for a key.
    pub os_user: String,
    pub clock: Arc<dyn Clock>,
    /// Monochrome: NO_COLOR set, or asked for.
    pub color: bool,
}

/// Why the console could not run, in the operator's language.
pub fn run(setup: ConsoleSetup) -> Result<(), String> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(setup.lang.text(&Msg::ConsoleNeedsTerminal));
    }
    memory::one_arena();
    let keymap = KeyMap::new(&setup.config.keys)
        .map_err(|(action, key)| setup.lang.text(&Msg::BadKey { action, key }))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| e.to_string())?;
    let signals = end_signals().map_err(|e| e.to_string())?;
    crate::term::install_panic_hook();
    crate::term::enter().map_err(|e| e.to_string())?;
    let result = runtime.block_on(event_loop(setup, keymap, signals));
    crate::term::leave();
    result
}

/// The signals that end a session, delivered into the event loop. Registered before the
/// terminal is taken, so a signal can never leave it in raw mode.
fn end_signals() -> std::io::Result<tokio::sync::mpsc::UnboundedReceiver<i32>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if tx.send(sig).is_err() {
                    break;
                }
            }
        })?;
    Ok(rx)
}

async fn event_loop(
    setup: ConsoleSetup,
    keymap: KeyMap,
    mut signals: tokio::sync::mpsc::UnboundedReceiver<i32>,
) -> Result<(), String> {
    // A 16-colour terminal (TERM=xterm, linux, vt100) gets the classic colour codes.
    let sixteen = !crate::term::has_256_colours(
        std::env::var("TERM").ok().as_deref(),
        std::env::var("COLORTERM").ok().as_deref(),
    );
    let out: Box<dyn Write> = if sixteen {
        Box::new(crate::term::Ansi16::new(std::io::stdout()))
    } else {
        Box::new(std::io::stdout())
    };
    let backend = CrosstermBackend::new(std::io::BufWriter::with_capacity(64 * 1024, out));
    let mut terminal = Terminal::new(backend).map_err(|e| e.to_string())?;
    let size = terminal.size().map_err(|e| e.to_string())?;
    let (reply_tx, mut replies) = tokio::sync::mpsc::unbounded_channel();
    let (requests, store_thread) = worker::spawn_joinable(
        setup.db.clone(),
        crate::desk::Session::new(setup.operator.clone(), setup.os_user.clone()),
        setup.config.clone(),
        setup.lang,
        setup.clock.clone(),
        reply_tx,
    );
    let mut state = AppState::new(
        setup.lang,
        setup.config.clone(),
        setup.operator.clone(),
        setup.clock.now(),
    );
    state.width = size.width;
    state.height = size.height;
    let ui = crate::ui::Ui {
        keys: &keymap,
        color: setup.color,
    };
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut second = setup.clock.now().second();
    let mut dirty = true;
    // `return` inside the block ends the loop, not the function: the store thread is then
    // let finish what was asked of it (a write, giving back the deriver's lease).
    let mut trim_after = false;
    let ended: Result<(), String> = async {
        loop {
            if dirty {
                terminal
                    .draw(|f| ui.draw(f, &state))
                    .map_err(|e| e.to_string())?;
                dirty = false;
            }
            let events: Vec<Event> = tokio::select! {
                ev = input.next() => match ev {
                    Some(Ok(ev)) => keymap.translate(&ev, state.input_mode()),
                    Some(Err(e)) => return Err(e.to_string()),
                    None => return Ok(()),
                },
                Some(reply) = replies.recv() => match reply {
                    // The operator was disabled: the session ends, saying why.
                    crate::app::Reply::Ended(text) => return Err(text),
                    reply @ crate::app::Reply::Snapshot(_) => {
                        trim_after = true;
                        vec![Event::Store(reply)]
                    }
                    reply => vec![Event::Store(reply)],
                },
                Some(sig) = signals.recv() => {
                    tracing::info!(signal = sig, "console ends on a signal");
                    return Ok(());
                }
                _ = tick.tick() => {
                    let now = setup.clock.now();
                    // Only the second shown on screen matters; the tick is faster so the
                    // displayed clock never lags by most of a second.
                    if now.second() == second { continue; }
                    second = now.second();
                    vec![Event::Tick(now)]
                }
            };
            for ev in events {
                if let Event::Resize { .. } = ev {
                    // A resize invalidates what ratatui thinks is on screen: clear to avoid residue.
                    let _ = terminal.autoresize();
                    let _ = terminal.clear();
                }
                for effect in update(&mut state, ev) {
                    match effect {
                        Effect::Request(r) => {
                            // Leaving the persons directory dropped it.
                            trim_after |=
                                matches!(r, crate::app::action::Request::WatchPersons(false));
                            if requests.send(r).is_err() {
                                return Err("store thread stopped".into());
                            }
                        }
                        Effect::Bell => {
                            let out = terminal.backend_mut();
                            let _ = out.write_all(b"\x07");
                            let _ = out.flush();
                        }
                        Effect::Quit => return Ok(()),
                        Effect::Suspend => {
                            let _ = crate::term::suspend();
                            let _ = terminal.clear();
                        }
                    }
                }
                dirty = true;
            }
            if trim_after {
                // The snapshot it replaced (or the persons directory left) is dropped by now.
                trim_after = false;
                memory::give_back();
            }
        }
    }
    .await;
    drop(requests);
    let waited = std::time::Instant::now();
    while !store_thread.is_finished() && waited.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    ended
}
