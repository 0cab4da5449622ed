//! `update(state, event) -> effects`: the only place the console's state changes. The event
//! goes to the top layer (help, the filter line, a dialog, else the screen's commands); store
//! work leaves as `Effect::Request` and its answers come back as `Event::Store`. One file per
//! layer: `screens` (lists, patient, incident), `lists` (order, filter, cursor), `dialogs`
//! (choices, one-line, text popups, help, the editor), `forms`, `assign`.

mod assign;
mod dialogs;
mod forms;
mod lists;
mod screens;

use chrono::Duration;
use unicode_width::UnicodeWidthStr;

use super::action::{Effect, Event, Reply};
use super::state::*;
use crate::domain::incident::StepState;
use crate::i18n::T;

pub use assign::assign_candidates;
pub use lists::{order_patients, refresh_lists, refresh_view};

/// How long a status message stays.
const MESSAGE_SECONDS: i64 = 6;

pub fn update(s: &mut AppState, ev: Event) -> Vec<Effect> {
    let mut fx = Vec::new();
    let ticked = matches!(ev, Event::Tick(_));
    match ev {
        Event::Tick(now) => tick(s, now, &mut fx),
        Event::Resize { width, height } => {
            s.width = width;
            s.height = height;
            lists::clamp_all(s);
        }
        Event::Store(reply) => store_reply(s, reply, &mut fx),
        Event::Click { column, row } => click(s, column, row, &mut fx),
        ev => match s.layers.last() {
            Some(Layer::Help(_)) => dialogs::help(s, ev),
            Some(Layer::Filter) => lists::filtering(s, ev),
            Some(Layer::Dialog(_)) => dialogs::dialog(s, ev, &mut fx),
            _ => {
                if let Event::Action(a) = ev {
                    screens::command(s, a, &mut fx)
                }
            }
        },
    }
    watch_persons(s, ticked, &mut fx);
    fx
}

/// Asks the store thread for the persons directory as soon as a screen or dialog that reads
/// it opens, and drops it (and stops its reloads) at the next second's tick after the last
/// one closed: a dialog's answer leaves alone as the one request it is, and a quick return
/// to the directory does not load it again.
fn watch_persons(s: &mut AppState, tick: bool, fx: &mut Vec<Effect>) {
    let want = s.wants_persons();
    if want == s.persons_watched || (!want && !tick) {
        return;
    }
    s.persons_watched = want;
    fx.push(Effect::Request(super::action::Request::WatchPersons(want)));
    if !want && let Some(snap) = s.snapshot.as_mut() {
        snap.persons = Vec::new();
        // The view keeps its filter for the next visit; its rows are gone.
        s.persons.visible.clear();
    }
}

fn say(s: &mut AppState, t: T) {
    s.message = Some(Message {
        text: s.t(t).to_string(),
        error: false,
        at: s.now,
    });
}

fn complain(s: &mut AppState, text: String) {
    s.message = Some(Message {
        text,
        error: true,
        at: s.now,
    });
}

fn tick(s: &mut AppState, now: chrono::DateTime<chrono::Utc>, fx: &mut Vec<Effect>) {
    s.now = now;
    if s.message
        .as_ref()
        .is_some_and(|m| now - m.at > Duration::seconds(MESSAGE_SECONDS))
    {
        s.last_message = s.message.take();
    }
    let escalated: Vec<i64> = match &s.snapshot {
        Some(snap) => snap
            .alerts
            .iter()
            .filter(|a| s.is_escalated(a))
            .map(|a| a.id)
            .collect(),
        None => Vec::new(),
    };
    let mut ring = false;
    for id in escalated {
        ring |= s.rung.insert(id);
    }
    // A quick-response step that has just gone overdue rings once.
    let overdue: Vec<(i64, u8)> = match &s.snapshot {
        Some(snap) => snap
            .incidents
            .iter()
            .filter(|i| i.is_open())
            .flat_map(|i| {
                i.steps
                    .iter()
                    .filter(|st| matches!(st.state(now), StepState::Overdue { .. }))
                    .map(move |st| (i.id, st.step))
            })
            .collect(),
        None => Vec::new(),
    };
    for key in overdue {
        ring |= s.rung_steps.insert(key);
    }
    if ring {
        fx.push(Effect::Bell);
    }
}

/// A P1 newly announced rings once.
fn ring_for_new_p1(s: &AppState, before: Option<(i64, usize)>, fx: &mut Vec<Effect>) {
    let after = s.banner().map(|(a, n)| (a.id, n));
    if after.is_some_and(|(id, n)| before.is_none_or(|(b, m)| b != id && n >= m)) {
        fx.push(Effect::Bell);
    }
}

fn store_reply(s: &mut AppState, reply: Reply, fx: &mut Vec<Effect>) {
    match reply {
        Reply::Snapshot(snap) => {
            let before = s.banner().map(|(a, n)| (a.id, n));
            if s.known_alerts.is_none() {
                let mut known: Vec<i64> = snap.alerts.iter().map(|a| a.id).collect();
                known.sort_unstable();
                s.known_alerts = Some(known);
            }
            s.snapshot = Some(*snap);
            s.announce();
            refresh_lists(s);
            ring_for_new_p1(s, before, fx);
        }
        Reply::Delta(d) => {
            // A delta patches the whole register; before that is loaded the next snapshot
            // carries the change anyway.
            let before = s.banner().map(|(a, n)| (a.id, n));
            let Some(snap) = s.snapshot.as_mut().filter(|x| x.complete) else {
                return;
            };
            let patched = snap.apply(*d);
            s.announce();
            lists::refresh_after(s, patched);
            ring_for_new_p1(s, before, fx);
        }
        Reply::Detail(d) => {
            if let Some(open) = s.detail_mut()
                && open.patient_id == d.patient.id
            {
                open.data = Some(*d);
            }
        }
        Reply::Done(t) => say(s, t),
        Reply::Info(text) => {
            s.message = Some(Message {
                text,
                error: false,
                at: s.now,
            })
        }
        Reply::Persons(rows) => {
            let Some(snap) = s.snapshot.as_mut().filter(|_| s.persons_watched) else {
                return;
            };
            snap.persons = *rows;
            refresh_lists(s);
            screens::offer_persons(s);
        }
        Reply::Report(r) => {
            if s.view == View::Reports {
                s.report = Some(*r);
            }
        }
        Reply::Handover {
            taking_over,
            handover,
        } => {
            say(
                s,
                if taking_over {
                    T::TookOver
                } else {
                    T::HandedOver
                },
            );
            let title = s
                .t(if taking_over {
                    T::LastHandover
                } else {
                    T::HandoverTitle
                })
                .to_string();
            let lines = match handover {
                Some(h) => crate::report::handover::lines(s.lang, &h),
                None => vec![s.t(T::NoHandover).to_string()],
            };
            s.open(Dialog::Read(Reading {
                title,
                lines,
                scroll: Scroll::default(),
            }));
        }
        Reply::IncidentOpened(id) => {
            // The new incident's screen replaces whatever was open: it is what matters now.
            s.layers.clear();
            s.view = View::Incidents;
            screens::open_incident_screen(s, id, fx);
            say(s, T::IncidentOpenedMsg);
        }
        Reply::Failed(text) => {
            if let Some(Layer::Dialog(
                Dialog::AssignPerson { error, .. } | Dialog::NewPerson { error, .. },
            )) = s.layers.last_mut()
            {
                *error = Some(text.clone());
            }
            complain(s, text);
        }
        // The runtime ends the console before this is reached; shown if it is not.
        Reply::Ended(text) => complain(s, text),
        Reply::IncidentTeam(t) => s.incident_team = Some(*t),
        Reply::Resolvable(id) => {
            // Only if the operator is still where they pressed `d`.
            if s.selected_alert().is_some_and(|a| a.id == id) && !s.has_overlay() {
                s.open(Dialog::OneLine(crate::app::one_line::OneLine::new(
                    crate::app::one_line::Purpose::Resolve { alert_id: id },
                )));
            }
        }
    }
}

fn click(s: &mut AppState, column: u16, row: u16, fx: &mut Vec<Effect>) {
    if s.has_overlay() || s.too_small() {
        return;
    }
    if row == 1 {
        let mut x = 0u16;
        for v in View::ALL {
            let w = tab_text(v, s.lang).width() as u16;
            if column >= x && column < x + w {
                screens::switch(s, v, fx);
                return;
            }
            x += w + TAB_SEPARATOR.width() as u16;
        }
        return;
    }
    let first = s.list_first_row();
    if s.screen() != crate::app::action::ScreenKind::List(s.view)
        || row < first
        || row >= s.height.saturating_sub(2)
    {
        return;
    }
    let page = s.page();
    if let Some(l) = s.current_list_mut() {
        let i = l.cursor.offset + usize::from(row - first);
        if i < l.visible.len() {
            l.cursor.index = i;
            let len = l.visible.len();
            l.cursor.clamp(len, page);
            lists::remember_key(s);
        }
    }
}
