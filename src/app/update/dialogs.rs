//! Dialogs and popups: the choices (quit, severity, role, workload), the generic one-line
//! dialog, the handover editor, text to read, help. Forms and the person picker have files of
//! their own.

use super::super::action::{Action, Edit, Effect, Event, Request};
use super::super::one_line::{OneLine, Purpose};
use super::super::state::*;
use super::{assign, forms};
use crate::domain::alert::Severity;
use crate::domain::clock::beijing;
use crate::i18n::T;
use crate::store::AuditEntry;

/// The top dialog takes the event; it stays open unless the event closes it.
pub(super) fn dialog(s: &mut AppState, ev: Event, fx: &mut Vec<Effect>) {
    let Some(d) = s.take_dialog() else { return };
    let page = s.height.saturating_sub(6);
    let keep = match d {
        Dialog::ConfirmQuit => {
            if matches!(ev, Event::Char('y' | 'Y')) {
                fx.push(Effect::Quit);
            }
            None
        }
        Dialog::OneLine(line) => one_line(s, ev, line, fx),
        Dialog::ActorPick(pick) => actor_pick(s, ev, pick, fx),
        Dialog::ChooseStep { incident_id } => match ev {
            Event::Char(c @ '1'..='9') => {
                let step = c as u8 - b'0';
                let seen = s
                    .open_incident()
                    .filter(|i| i.id == incident_id)
                    .and_then(|i| i.steps.iter().find(|st| st.step == step))
                    .and_then(|st| Some((st.actor.clone()?, st.done_at?)));
                match seen {
                    Some(seen) => {
                        let actor = seen.0.clone();
                        Some(Dialog::ActorPick(ActorPick::new(
                            ActorFor::Correct {
                                incident_id,
                                step,
                                seen,
                            },
                            &actor,
                        )))
                    }
                    // Only a recorded step can be corrected: the dialog stays.
                    None => {
                        super::complain(s, s.t(T::NoStepRecorded).to_string());
                        Some(Dialog::ChooseStep { incident_id })
                    }
                }
            }
            Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::ChooseStep { incident_id }),
        },
        Dialog::ReportSeverity { patient_id } => match ev {
            Event::Char(c @ '1'..='3') => {
                let severity =
                    [Severity::P1, Severity::P2, Severity::P3][c as usize - '1' as usize];
                Some(Dialog::OneLine(OneLine::new(Purpose::Report {
                    patient_id,
                    severity,
                })))
            }
            Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::ReportSeverity { patient_id }),
        },
        d @ (Dialog::AssignRole { .. }
        | Dialog::UnassignRole { .. }
        | Dialog::AssignPerson { .. }
        | Dialog::NewPerson { .. }
        | Dialog::ConfirmWorkload { .. }
        | Dialog::ConfirmTeamChange { .. }) => assign::dialog(s, d, ev, fx),
        Dialog::FollowUp(mut form) => {
            forms::event(form.as_mut(), s.lang, ev, fx).then_some(Dialog::FollowUp(form))
        }
        Dialog::Control(mut form) => {
            forms::event(form.as_mut(), s.lang, ev, fx).then_some(Dialog::Control(form))
        }
        Dialog::CloseIncident(mut form) => {
            forms::event(form.as_mut(), s.lang, ev, fx).then_some(Dialog::CloseIncident(form))
        }
        Dialog::HandOver(mut editor) => match ev {
            Event::Editor(input) => {
                editor.area.input(input);
                editor.asked = false;
                Some(Dialog::HandOver(editor))
            }
            // A note with text is not thrown away on one key.
            Event::Edit(Edit::Cancel) if !editor.asked && !editor.text().trim().is_empty() => {
                editor.asked = true;
                super::complain(s, s.t(T::DiscardAsk).to_string());
                Some(Dialog::HandOver(editor))
            }
            Event::Edit(Edit::Save) => {
                fx.push(Effect::Request(Request::HandOver(
                    editor.text().trim().to_string(),
                )));
                None
            }
            Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::HandOver(editor)),
        },
        Dialog::Read(mut r) => match ev {
            Event::Edit(Edit::Cancel) => None,
            // A new P1 is announced: the reading closes and the banner's alert is taken.
            Event::Action(Action::Acknowledge) if s.banner().is_some() => {
                super::screens::command(s, Action::Acknowledge, fx);
                None
            }
            Event::Edit(e) => {
                if let Some(m) = scroll_move(e) {
                    r.scroll.apply(m, page);
                }
                Some(Dialog::Read(r))
            }
            _ => Some(Dialog::Read(r)),
        },
    };
    if let Some(d) = keep {
        s.open(d);
    }
}

/// The actor picker: typing filters the persons (pinyin too), ↑↓ move, Enter takes the one
/// picked, which is the name as typed when no person matches. A step's actor is sent; a
/// correction goes on to ask the time.
fn actor_pick(
    s: &mut AppState,
    ev: Event,
    mut pick: ActorPick,
    fx: &mut Vec<Effect>,
) -> Option<Dialog> {
    let choices = s.actor_choices(pick.search.value());
    match ev {
        Event::Text(r) => {
            pick.search.handle(r);
            pick.cursor = 0;
            Some(Dialog::ActorPick(pick))
        }
        Event::Edit(Edit::Up) => {
            pick.cursor = pick.cursor.saturating_sub(1);
            Some(Dialog::ActorPick(pick))
        }
        Event::Edit(Edit::Down) => {
            pick.cursor = (pick.cursor + 1).min(choices.len().saturating_sub(1));
            Some(Dialog::ActorPick(pick))
        }
        Event::Edit(Edit::Submit) => {
            let Some(chosen) = choices.get(pick.cursor.min(choices.len().saturating_sub(1))) else {
                return Some(Dialog::ActorPick(pick));
            };
            let actor = chosen.name.clone();
            match pick.purpose {
                ActorFor::Step { incident_id, step } => {
                    fx.push(Effect::Request(Request::MarkStep {
                        incident_id,
                        step,
                        actor,
                    }));
                    None
                }
                ActorFor::Correct {
                    incident_id,
                    step,
                    seen,
                } => Some(Dialog::OneLine(OneLine::new(Purpose::CorrectTime {
                    incident_id,
                    step,
                    seen,
                    actor,
                }))),
            }
        }
        Event::Edit(Edit::Cancel) => None,
        _ => Some(Dialog::ActorPick(pick)),
    }
}

fn scroll_move(e: Edit) -> Option<ScrollMove> {
    Some(match e {
        Edit::Up => ScrollMove::Up,
        Edit::Down => ScrollMove::Down,
        Edit::PageUp => ScrollMove::PageUp,
        Edit::PageDown => ScrollMove::PageDown,
        Edit::Home => ScrollMove::Home,
        Edit::End => ScrollMove::End,
        _ => return None,
    })
}

/// The one-line dialog: typing edits the line, Enter with something written sends the
/// request its purpose makes of the trimmed text, Esc closes. Returns whether it stays open.
fn one_line(
    s: &mut AppState,
    ev: Event,
    mut line: OneLine,
    fx: &mut Vec<Effect>,
) -> Option<Dialog> {
    match ev {
        Event::Text(r) => {
            line.input.handle(r);
            Some(Dialog::OneLine(line))
        }
        Event::Edit(Edit::Submit) if !line.input.value().trim().is_empty() => {
            let text = line.input.value().trim().to_string();
            let today = crate::domain::clock::beijing_date(s.now);
            match line.purpose.next(text, today) {
                Some(crate::app::one_line::Next::Send(r)) => {
                    fx.push(Effect::Request(r));
                    None
                }
                Some(crate::app::one_line::Next::Ask(p)) => Some(Dialog::OneLine(OneLine::new(p))),
                // Not understood (a day that is not a date): the line stays for correcting,
                // and the message bar says what it expects.
                None => {
                    let expected = match line.purpose {
                        Purpose::WrittenReportAt { .. } => T::WrittenReportAt,
                        Purpose::EndControl { .. } => T::ControlNumber,
                        _ => T::SnoozeUntil,
                    };
                    super::complain(s, s.t(expected).to_string());
                    Some(Dialog::OneLine(line))
                }
            }
        }
        Event::Edit(Edit::Cancel) => None,
        _ => Some(Dialog::OneLine(line)),
    }
}

pub(super) fn help(s: &mut AppState, ev: Event) {
    let page = s.height.saturating_sub(6);
    let Some(Layer::Help(h)) = s.layers.last_mut() else {
        return;
    };
    match ev {
        Event::Text(req) => {
            h.search.handle(req);
            h.scroll = Scroll::default();
        }
        Event::Edit(Edit::Cancel) => {
            s.layers.pop();
        }
        Event::Edit(e) => {
            if let Some(m) = scroll_move(e) {
                h.scroll.apply(m, page);
            }
        }
        _ => {}
    }
}

/// An audit row to read: when, who, what, about whom, and the fields before and after (never
/// an ID number or a phone).
pub(super) fn audit_lines(s: &AppState, e: &AuditEntry) -> Vec<String> {
    // The entry in words: when, who (and the identity behind them), what, and each field it
    // changed from what to what. ID numbers and phones are masked by the catalogue.
    let mut lines = vec![
        format!(
            "{}  {}",
            s.t(T::ColTime),
            e.at.with_timezone(&beijing()).format("%Y-%m-%d %H:%M:%S")
        ),
        if e.os_user.is_empty() {
            format!("{}  {}", s.t(T::Operator), e.who())
        } else {
            // The identity behind the operator: the OS user, or the SSH key a desk used.
            format!("{}  {}（{}）", s.t(T::Operator), e.who(), e.os_user)
        },
    ];
    lines.push(String::new());
    lines.push(s.lang.audit_sentence(e));
    let changes = s.lang.audit_changes(e);
    if !changes.is_empty() {
        lines.push(String::new());
        lines.push(s.t(T::AuditChanges).to_string());
        lines.extend(changes.into_iter().map(|c| format!("  {c}")));
    }
    lines
}
