//! Driving any `Form`: ↑↓ move, ←→/Space change, typing edits, a checklist key ticks, Enter
//! on a person row takes the match under the cursor, Ctrl-S
//! checks the answers and shows the summary, and only Enter (or y) on the summary sends. Esc
//! on a form with answers asks first: a second Esc throws them away.

use super::super::action::{Edit, Effect, Event};
use super::super::form::Form;
use crate::i18n::{Lang, T};

/// Returns whether the form stays open.
pub(super) fn event(form: &mut dyn Form, lang: Lang, ev: Event, fx: &mut Vec<Effect>) -> bool {
    let discard = lang.t(T::DiscardAsk).to_string();
    let asked = form.problem().as_deref() == Some(discard.as_str());
    if asked && !matches!(ev, Event::Edit(Edit::Cancel)) {
        form.set_problem(None);
    }
    if form.confirming() {
        match ev {
            Event::Edit(Edit::Submit) => match form.check(lang) {
                Ok(request) => {
                    fx.push(Effect::Request(request));
                    return false;
                }
                Err(p) => {
                    form.set_confirming(false);
                    form.set_problem(Some(p));
                }
            },
            Event::Edit(Edit::Cancel) => form.set_confirming(false),
            _ => {}
        }
        return true;
    }
    match ev {
        Event::Edit(Edit::Up) => form.move_focus(false),
        Event::Edit(Edit::Down) => form.move_focus(true),
        Event::Edit(Edit::Left) => {
            form.change(false);
            form.set_touched();
        }
        Event::Edit(Edit::Right) => {
            form.change(true);
            form.set_touched();
        }
        Event::Edit(Edit::Submit) => {
            // Only a person taken is an answer: a blind Enter leaves the form untouched.
            let taken = form.pick();
            if taken {
                form.set_touched();
            }
        }
        Event::Edit(Edit::Toggle(n)) => {
            form.toggle(n);
            form.set_touched();
        }
        Event::Text(r) => {
            form.edit(r);
            form.set_touched();
        }
        Event::Edit(Edit::Save) => match form.check(lang) {
            Ok(_) => {
                form.set_problem(None);
                form.set_confirming(true);
            }
            Err(p) => form.set_problem(Some(p)),
        },
        Event::Edit(Edit::Cancel) if form.touched() && !asked => form.set_problem(Some(discard)),
        Event::Edit(Edit::Cancel) => return false,
        _ => {}
    }
    true
}
