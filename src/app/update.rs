//! `update(state, event) -> effects`: the only place the console's state changes. Store work
//! leaves as `Effect::Request`; its answers come back as `Event::Store`.

use chrono::Duration;
use tui_input::Input;
use unicode_width::UnicodeWidthStr;

use super::action::{Action, Effect, Event, Reply, Request};
use super::close_form::CloseForm;
use super::data::PersonRow;
use super::followup_form::FollowUpForm;
use super::state::*;
use crate::domain::alert::{AlertStatus, Severity};
use crate::domain::clock::beijing_date;
use crate::domain::incident::StepState;
use crate::domain::patient::Vocabulary;
use crate::domain::team::{Role, check_assignment, fits_role, home_jurisdiction, workload_warning};
use crate::i18n::{Msg, T};

/// How long a status message stays.
const MESSAGE_SECONDS: i64 = 6;
/// How many people the assignment picker lists at most.
const PICKER_ROWS: usize = 200;

pub fn update(s: &mut AppState, ev: Event) -> Vec<Effect> {
    let mut fx = Vec::new();
    match ev {
        Event::Tick(now) => tick(s, now, &mut fx),
        Event::Resize { width, height } => {
            s.width = width;
            s.height = height;
            clamp_all(s);
        }
        Event::Store(reply) => store_reply(s, reply),
        Event::Click { column, row } => click(s, column, row, &mut fx),
        ev if s.help.is_some() => help(s, ev),
        ev if s.dialog.is_some() => dialog(s, ev, &mut fx),
        ev if s.detail.is_none() && s.current_list().is_some_and(|l| l.filtering) => {
            filtering(s, ev)
        }
        Event::Action(a) => action(s, a, &mut fx),
        _ => {}
    }
    fx
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
        s.message = None;
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

fn store_reply(s: &mut AppState, reply: Reply) {
    match reply {
        Reply::Snapshot(snap) => {
            s.snapshot = Some(*snap);
            refresh_lists(s);
        }
        Reply::Detail(d) => {
            if let Some(open) = &mut s.detail
                && open.patient_id == d.row.patient.id
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
            s.dialog = Some(Dialog::ShowHandover {
                taking_over,
                handover,
            });
        }
        Reply::IncidentOpened(id) => {
            s.detail = None;
            s.view = View::Incidents;
            s.incident = Some(id);
            say(s, T::IncidentOpenedMsg);
        }
        Reply::Failed(text) => {
            match &mut s.dialog {
                Some(Dialog::AssignPerson { error, .. })
                | Some(Dialog::NewPerson { error, .. }) => {
                    *error = Some(text.clone());
                }
                _ => {}
            }
            complain(s, text);
        }
        // The runtime ends the console before this is reached; shown if it is not.
        Reply::Ended(text) => complain(s, text),
    }
}

/// Recomputes every list's visible rows from the snapshot, keeping each selection on its row.
pub fn refresh_lists(s: &mut AppState) {
    order_patients(s);
    for v in [
        View::Alerts,
        View::Patients,
        View::Incidents,
        View::Persons,
        View::Audit,
    ] {
        refresh_view(s, v);
    }
}

/// The patients in quick-filter and sort order; the text filter then only narrows this, so
/// a keystroke never sorts the register again.
pub fn order_patients(s: &mut AppState) {
    let Some(snap) = &s.snapshot else { return };
    let ps = &snap.patients;
    let mut rows: Vec<usize> = (0..ps.len()).filter(|&i| s.quick.admits(&ps[i])).collect();
    match s.sort {
        Sort::Risk => rows.sort_by(|&a, &b| {
            let (x, y) = (&ps[a], &ps[b]);
            (y.patient.risk_level, y.days_overdue, &x.patient.name).cmp(&(
                x.patient.risk_level,
                x.days_overdue,
                &y.patient.name,
            ))
        }),
        Sort::Overdue => rows.sort_by_key(|&i| std::cmp::Reverse(ps[i].days_overdue)),
        Sort::Name => rows.sort_by(|&a, &b| ps[a].patient.name.cmp(&ps[b].patient.name)),
        Sort::Village => rows.sort_by(|&a, &b| {
            let (x, y) = (&ps[a].patient.jurisdiction, &ps[b].patient.jurisdiction);
            (&x.station, &x.village).cmp(&(&y.station, &y.village))
        }),
    }
    s.patient_order = rows;
}

/// Recomputes one list's visible rows (after its filter changed, or a reload).
pub fn refresh_view(s: &mut AppState, view: View) {
    let page = s.page();
    let Some(snap) = &s.snapshot else { return };
    match view {
        View::Alerts => {
            let needle = s.alerts.filter.value().to_lowercase();
            s.alerts.visible = (0..snap.alerts.len())
                .filter(|&i| {
                    let a = &snap.alerts[i];
                    needle.is_empty()
                        || format!(
                            "{} {} {} {}",
                            a.patient_name,
                            s.lang.alert_kind(a.kind),
                            a.village,
                            a.station
                        )
                        .to_lowercase()
                        .contains(&needle)
                })
                .collect();
            let keys: Vec<i64> = s
                .alerts
                .visible
                .iter()
                .map(|&i| snap.alerts[i].id)
                .collect();
            s.alerts
                .cursor
                .follow(keys.into_iter(), s.alerts.visible.len(), page);
        }
        View::Patients => {
            let needle = s.patients.filter.value().to_lowercase();
            let ps = &snap.patients;
            s.patients.visible = if needle.is_empty() {
                s.patient_order.clone()
            } else {
                s.patient_order
                    .iter()
                    .copied()
                    .filter(|&i| ps[i].haystack.contains(&needle))
                    .collect()
            };
            let keys: Vec<i64> = s
                .patients
                .visible
                .iter()
                .map(|&i| ps[i].patient.id)
                .collect();
            s.patients
                .cursor
                .follow(keys.into_iter(), s.patients.visible.len(), page);
        }
        View::Persons => {
            let needle = s.persons.filter.value().to_lowercase();
            s.persons.visible = (0..snap.persons.len())
                .filter(|&i| needle.is_empty() || snap.persons[i].haystack.contains(&needle))
                .collect();
            let keys: Vec<i64> = s
                .persons
                .visible
                .iter()
                .map(|&i| snap.persons[i].person.id)
                .collect();
            s.persons
                .cursor
                .follow(keys.into_iter(), s.persons.visible.len(), page);
        }
        View::Incidents => {
            let needle = s.incidents.filter.value().to_lowercase();
            let now = s.now;
            let mut order: Vec<usize> = (0..snap.incidents.len()).collect();
            // Open incidents first, the most urgent (an overdue step, then the nearest
            // deadline) at the top; closed ones after, newest first.
            order.sort_by_key(|&i| {
                let x = &snap.incidents[i];
                (
                    !x.is_open(),
                    if x.is_open() {
                        x.urgency(now)
                    } else {
                        (true, 0)
                    },
                    std::cmp::Reverse(x.opened_at),
                )
            });
            s.incidents.visible = order
                .into_iter()
                .filter(|&i| {
                    let x = &snap.incidents[i];
                    needle.is_empty()
                        || format!("{} {}", x.patient_name.as_deref().unwrap_or(""), x.location)
                            .to_lowercase()
                            .contains(&needle)
                })
                .collect();
            let keys: Vec<i64> = s
                .incidents
                .visible
                .iter()
                .map(|&i| snap.incidents[i].id)
                .collect();
            s.incidents
                .cursor
                .follow(keys.into_iter(), s.incidents.visible.len(), page);
        }
        View::Audit => {
            let needle = s.audit.filter.value().to_lowercase();
            s.audit.visible = (0..snap.audit.len())
                .filter(|&i| {
                    let e = &snap.audit[i];
                    needle.is_empty() || s.lang.audit_sentence(e).to_lowercase().contains(&needle)
                })
                .collect();
            let keys: Vec<i64> = s.audit.visible.iter().map(|&i| snap.audit[i].id).collect();
            s.audit
                .cursor
                .follow(keys.into_iter(), s.audit.visible.len(), page);
        }
        View::Reports => {}
    }
}

fn clamp_all(s: &mut AppState) {
    let page = s.page();
    for l in [
        &mut s.alerts,
        &mut s.patients,
        &mut s.incidents,
        &mut s.persons,
        &mut s.audit,
    ] {
        let len = l.visible.len();
        l.cursor.clamp(len, page);
    }
}

/// Remembers the id of the row under the cursor so a reload keeps it selected.
fn remember_key(s: &mut AppState) {
    let Some(snap) = &s.snapshot else { return };
    let l = match s.view {
        View::Alerts => {
            let k = s
                .alerts
                .visible
                .get(s.alerts.cursor.index)
                .map(|&i| snap.alerts[i].id);
            s.alerts.cursor.key = k;
            return;
        }
        View::Patients => (
            &mut s.patients,
            snap.patients
                .iter()
                .map(|p| p.patient.id)
                .collect::<Vec<_>>(),
        ),
        View::Persons => (
            &mut s.persons,
            snap.persons.iter().map(|p| p.person.id).collect(),
        ),
        View::Incidents => (
            &mut s.incidents,
            snap.incidents.iter().map(|p| p.id).collect(),
        ),
        View::Audit => (&mut s.audit, snap.audit.iter().map(|p| p.id).collect()),
        View::Reports => return,
    };
    let (list, ids) = l;
    list.cursor.key = list.visible.get(list.cursor.index).map(|&i| ids[i]);
}

fn move_cursor(s: &mut AppState, a: Action) {
    if s.view == View::Reports && s.detail.is_none() {
        s.report_scroll = match a {
            Action::Up => s.report_scroll.saturating_sub(1),
            Action::Down => s.report_scroll.saturating_add(1),
            Action::PageUp => s.report_scroll.saturating_sub(10),
            Action::PageDown => s.report_scroll.saturating_add(10),
            Action::Home => 0,
            _ => s.report_scroll.saturating_add(100),
        };
        return;
    }
    if let Some(d) = &mut s.detail {
        d.scroll = match a {
            Action::Up => d.scroll.saturating_sub(1),
            Action::Down => d.scroll.saturating_add(1),
            Action::PageUp => d.scroll.saturating_sub(10),
            Action::PageDown => d.scroll.saturating_add(10),
            Action::Home => 0,
            _ => d.scroll.saturating_add(1000),
        };
        return;
    }
    let page = s.page();
    let Some(list) = s.current_list_mut() else {
        return;
    };
    let len = list.visible.len();
    match a {
        Action::Up => list.cursor.step(-1, len, page),
        Action::Down => list.cursor.step(1, len, page),
        Action::PageUp => list.cursor.step(-(page as isize), len, page),
        Action::PageDown => list.cursor.step(page as isize, len, page),
        Action::Home => list.cursor.step(-(len as isize), len, page),
        _ => list.cursor.step(len as isize, len, page),
    }
    remember_key(s);
}

fn switch(s: &mut AppState, v: View, fx: &mut Vec<Effect>) {
    close_detail(s, fx);
    s.incident = None;
    // The report figures cost a query of their own: only while the view is open.
    if v == View::Reports && s.view != View::Reports {
        fx.push(Effect::Request(Request::WatchReport(true)));
    } else if v != View::Reports && s.view == View::Reports {
        fx.push(Effect::Request(Request::WatchReport(false)));
        s.report = None;
    }
    s.view = v;
}

fn close_detail(s: &mut AppState, fx: &mut Vec<Effect>) {
    if s.detail.take().is_some() {
        fx.push(Effect::Request(Request::CloseDetail));
    }
}

fn open_detail(s: &mut AppState, patient_id: i64, fx: &mut Vec<Effect>) {
    s.detail = Some(Detail {
        patient_id,
        data: None,
        scroll: 0,
    });
    fx.push(Effect::Request(Request::OpenDetail(patient_id)));
}

fn can_write(s: &mut AppState) -> bool {
    if s.operator.can_write() {
        true
    } else {
        say(s, T::ReadOnly);
        false
    }
}

fn action(s: &mut AppState, a: Action, fx: &mut Vec<Effect>) {
    if s.incident.is_some() && incident_action(s, a) {
        return;
    }
    match a {
        Action::Quit => {
            let open = s
                .snapshot
                .as_ref()
                .is_some_and(|x| x.counts.open_incidents > 0);
            if open {
                s.dialog = Some(Dialog::ConfirmQuit);
            } else {
                fx.push(Effect::Quit);
            }
        }
        Action::Suspend => fx.push(Effect::Suspend),
        Action::Help => s.help = Some(Input::default()),
        Action::NextView => {
            let i = (s.view.index() + 1) % View::ALL.len();
            switch(s, View::ALL[i], fx);
        }
        Action::PrevView => {
            let i = (s.view.index() + View::ALL.len() - 1) % View::ALL.len();
            switch(s, View::ALL[i], fx);
        }
        Action::ShowAlerts => switch(s, View::Alerts, fx),
        Action::ShowPatients => switch(s, View::Patients, fx),
        Action::ShowIncidents => switch(s, View::Incidents, fx),
        Action::ShowPersons => switch(s, View::Persons, fx),
        Action::ShowReports => switch(s, View::Reports, fx),
        Action::ShowAudit => switch(s, View::Audit, fx),
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Home
        | Action::End => move_cursor(s, a),
        Action::Filter => {
            if s.detail.is_none()
                && let Some(l) = s.current_list_mut()
            {
                l.filtering = true;
            }
        }
        Action::Open => {
            if s.detail.is_some() {
                return;
            }
            if s.view == View::Incidents {
                let id = s.snapshot.as_ref().and_then(|x| {
                    let i = *s.incidents.visible.get(s.incidents.cursor.index)?;
                    Some(x.incidents[i].id)
                });
                match id {
                    Some(id) => s.incident = Some(id),
                    None => say(s, T::NothingSelected),
                }
                return;
            }
            let target = match s.view {
                View::Alerts => s.selected_alert().map(|a| a.patient_id),
                View::Patients => s.selected_patient().map(|p| p.patient.id),
                View::Incidents => s.snapshot.as_ref().and_then(|x| {
                    let i = *s.incidents.visible.get(s.incidents.cursor.index)?;
                    x.incidents[i].patient_id
                }),
                View::Persons => s.snapshot.as_ref().and_then(|x| {
                    let i = *s.persons.visible.get(s.persons.cursor.index)?;
                    x.persons[i].serves.first().map(|(id, _)| *id)
                }),
                _ => None,
            };
            match target {
                Some(id) => open_detail(s, id, fx),
                None => say(s, T::NothingSelected),
            }
        }
        Action::Back => {
            if s.detail.is_some() {
                close_detail(s, fx);
            } else if let Some(l) = s.current_list_mut()
                && !l.filter.value().is_empty()
            {
                l.filter.reset();
                let v = s.view;
                refresh_view(s, v);
            }
        }
        Action::Acknowledge | Action::InProgress | Action::Resolve => {
            if s.view != View::Alerts || s.detail.is_some() {
                return;
            }
            let Some(alert) = s.selected_alert().map(|a| (a.id, a.status)) else {
                say(s, T::NothingSelected);
                return;
            };
            if !can_write(s) {
                return;
            }
            let (id, status) = alert;
            let next = match a {
                Action::Acknowledge => AlertStatus::Acknowledged,
                Action::InProgress => AlertStatus::InProgress,
                _ => AlertStatus::Resolved,
            };
            if !status.can_move_to(next) {
                complain(
                    s,
                    format!(
                        "{} → {}",
                        s.lang.alert_status(status),
                        s.lang.alert_status(next)
                    ),
                );
                return;
            }
            match a {
                Action::Acknowledge => fx.push(Effect::Request(Request::Acknowledge(id))),
                Action::InProgress => fx.push(Effect::Request(Request::InProgress(id))),
                _ => {
                    s.dialog = Some(Dialog::Resolve {
                        alert_id: id,
                        note: Input::default(),
                    })
                }
            }
        }
        Action::Report => {
            if let Some(id) = s.focused_patient_id() {
                if can_write(s) {
                    s.dialog = Some(Dialog::ReportSeverity { patient_id: id });
                }
            } else {
                say(s, T::NothingSelected);
            }
        }
        Action::Reveal => {
            if let Some(d) = &s.detail {
                let id = d.patient_id;
                fx.push(Effect::Request(Request::Reveal(id)));
            }
        }
        Action::Assign | Action::Unassign | Action::FollowUp => {
            let Some(id) = s.focused_patient_id() else {
                say(s, T::NothingSelected);
                return;
            };
            if !can_write(s) {
                return;
            }
            s.dialog = Some(match a {
                Action::Assign => Dialog::AssignRole { patient_id: id },
                Action::Unassign => Dialog::UnassignRole { patient_id: id },
                _ => {
                    let today = beijing_date(s.now);
                    let by = s.operator.display_name.clone();
                    Dialog::FollowUp(Box::new(FollowUpForm::new(id, today, &by)))
                }
            });
        }
        Action::QuickFilter => {
            if s.view == View::Patients && s.detail.is_none() {
                let i = QuickFilter::ALL
                    .iter()
                    .position(|q| *q == s.quick)
                    .unwrap_or(0);
                s.quick = QuickFilter::ALL[(i + 1) % QuickFilter::ALL.len()];
                s.patients.cursor = Cursor::default();
                order_patients(s);
                refresh_view(s, View::Patients);
            }
        }
        Action::OpenIncident => {
            if !can_write(s) {
                return;
            }
            let (patient_id, alert_id) = match (s.view, &s.detail) {
                (_, Some(d)) => (Some(d.patient_id), None),
                (View::Alerts, None) => match s.selected_alert() {
                    Some(a) => (Some(a.patient_id), Some(a.id)),
                    None => (None, None),
                },
                (View::Patients, None) => (s.selected_patient().map(|p| p.patient.id), None),
                // From the incidents view: a person nobody has identified yet.
                _ => (None, None),
            };
            s.dialog = Some(Dialog::OpenIncident {
                patient_id,
                alert_id,
                location: Input::default(),
            });
        }
        Action::Note | Action::CloseIncident => {}
        Action::Shift => {
            if !can_write(s) {
                return;
            }
            let on_shift = s.snapshot.as_ref().is_some_and(|x| x.shift.is_some());
            if on_shift {
                s.dialog = Some(Dialog::HandOver {
                    note: Input::default(),
                });
            } else {
                fx.push(Effect::Request(Request::TakeOver));
            }
        }
        Action::Export => {
            if s.view == View::Reports {
                fx.push(Effect::Request(Request::ExportReport));
            }
        }
        Action::Sort => {
            if s.view == View::Patients && s.detail.is_none() {
                s.sort = s.sort.next();
                order_patients(s);
                refresh_view(s, View::Patients);
            }
        }
    }
}

/// Keys on the incident screen: the view digits name the steps, `e` adds a note, `c` closes,
/// Esc goes back to the list. Returns false for keys that keep their usual meaning.
fn incident_action(s: &mut AppState, a: Action) -> bool {
    let Some(inc) = s.open_incident().cloned() else {
        s.incident = None;
        return false;
    };
    let step = match a {
        Action::ShowAlerts => Some(1u8),
        Action::ShowPatients => Some(2),
        Action::ShowIncidents => Some(3),
        Action::ShowPersons => Some(4),
        Action::ShowReports => Some(5),
        Action::ShowAudit => Some(6),
        _ => None,
    };
    match (a, step) {
        (_, Some(n)) if inc.steps.iter().any(|st| st.step == n) => {
            if !inc.is_open() || !can_write(s) {
                return true;
            }
            if inc
                .steps
                .iter()
                .any(|st| st.step == n && st.done_at.is_some())
            {
                return true;
            }
            s.dialog = Some(Dialog::StepActor {
                incident_id: inc.id,
                step: n,
                actor: Input::default(),
            });
            true
        }
        (Action::Note, _) => {
            if can_write(s) {
                s.dialog = Some(Dialog::IncidentNote {
                    incident_id: inc.id,
                    note: Input::default(),
                });
            }
            true
        }
        (Action::CloseIncident, _) => {
            if inc.is_open() && can_write(s) {
                let form = CloseForm::new(inc.id, inc.alert_id.is_some());
                s.dialog = Some(Dialog::CloseIncident(Box::new(form)));
            }
            true
        }
        (Action::Back, _) => {
            s.incident = None;
            true
        }
        (
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End,
            _,
        ) => true,
        (Action::Open | Action::Filter | Action::OpenIncident, _) => true,
        _ => false,
    }
}

fn help(s: &mut AppState, ev: Event) {
    match ev {
        Event::Text(req) => {
            if let Some(h) = &mut s.help {
                h.handle(req);
            }
        }
        Event::Cancel
        | Event::Submit
        | Event::Action(Action::Help)
        | Event::Action(Action::Back) => {
            s.help = None;
        }
        _ => {}
    }
}

fn filtering(s: &mut AppState, ev: Event) {
    let page = s.page();
    let Some(l) = s.current_list_mut() else {
        return;
    };
    match ev {
        Event::Text(req) => {
            l.filter.handle(req);
            l.cursor = Cursor::default();
            let v = s.view;
            refresh_view(s, v);
        }
        Event::Submit => l.filtering = false,
        Event::Cancel => {
            l.filter.reset();
            l.filtering = false;
            let v = s.view;
            refresh_view(s, v);
        }
        Event::FieldUp => {
            let len = l.visible.len();
            l.cursor.step(-1, len, page);
            remember_key(s);
        }
        Event::FieldDown => {
            let len = l.visible.len();
            l.cursor.step(1, len, page);
            remember_key(s);
        }
        _ => {}
    }
}

/// People who could fill `role` for the patient, matching the search, most loaded last.
pub fn assign_candidates<'a>(
    s: &'a AppState,
    patient_id: i64,
    role: Role,
    search: &str,
) -> Vec<&'a PersonRow> {
    let Some(snap) = &s.snapshot else {
        return Vec::new();
    };
    let Some(p) = snap.patients.iter().find(|p| p.patient.id == patient_id) else {
        return Vec::new();
    };
    let needle = search.trim().to_lowercase();
    let mut found: Vec<&PersonRow> = snap
        .persons
        .iter()
        .filter(|r| fits_role(role, &r.person, &p.patient.jurisdiction))
        .filter(|r| needle.is_empty() || r.haystack.contains(&needle))
        .collect();
    // People who already serve in this role come first.
    found.sort_by_key(|r| !r.roles.contains(&role));
    found.truncate(PICKER_ROWS);
    found
}

fn role_from_digit(c: char) -> Option<Role> {
    let n = c.to_digit(10)? as usize;
    (1..=5).contains(&n).then(|| Role::ALL[n - 1])
}

fn dialog(s: &mut AppState, ev: Event, fx: &mut Vec<Effect>) {
    let Some(d) = s.dialog.take() else { return };
    let keep = match d {
        Dialog::ConfirmQuit => {
            if matches!(ev, Event::Char('y' | 'Y')) {
                fx.push(Effect::Quit);
            }
            None
        }
        Dialog::Resolve { alert_id, mut note } => {
            one_line(ev, &mut note, fx, |t| Request::Resolve(alert_id, t))
                .then_some(Dialog::Resolve { alert_id, note })
        }
        Dialog::ReportSeverity { patient_id } => match ev {
            Event::Char(c @ '1'..='3') => {
                let severity =
                    [Severity::P1, Severity::P2, Severity::P3][c as usize - '1' as usize];
                Some(Dialog::ReportNote {
                    patient_id,
                    severity,
                    note: Input::default(),
                })
            }
            Event::Cancel => None,
            _ => Some(Dialog::ReportSeverity { patient_id }),
        },
        Dialog::ReportNote {
            patient_id,
            severity,
            mut note,
        } => one_line(ev, &mut note, fx, |note| Request::Report {
            patient_id,
            severity,
            note,
        })
        .then_some(Dialog::ReportNote {
            patient_id,
            severity,
            note,
        }),
        Dialog::AssignRole { patient_id } => match ev {
            Event::Char(c) => match role_from_digit(c) {
                Some(role) => Some(Dialog::AssignPerson {
                    patient_id,
                    role,
                    search: Input::default(),
                    cursor: Cursor::default(),
                    error: None,
                }),
                None => Some(Dialog::AssignRole { patient_id }),
            },
            Event::Cancel => None,
            _ => Some(Dialog::AssignRole { patient_id }),
        },
        Dialog::UnassignRole { patient_id } => match ev {
            Event::Char(c) => match role_from_digit(c) {
                Some(role) => {
                    if let Some(person_id) = holder_of(s, patient_id, role) {
                        fx.push(Effect::Request(Request::Unassign {
                            patient_id,
                            role,
                            person_id,
                        }));
                    }
                    None
                }
                None => Some(Dialog::UnassignRole { patient_id }),
            },
            Event::Cancel => None,
            _ => Some(Dialog::UnassignRole { patient_id }),
        },
        Dialog::AssignPerson {
            patient_id,
            role,
            mut search,
            mut cursor,
            error,
        } => match ev {
            Event::Text(r) => {
                search.handle(r);
                Some(Dialog::AssignPerson {
                    patient_id,
                    role,
                    search,
                    cursor: Cursor::default(),
                    error: None,
                })
            }
            Event::FieldUp | Event::FieldDown => {
                let len = assign_candidates(s, patient_id, role, search.value()).len();
                cursor.step(if matches!(ev, Event::FieldUp) { -1 } else { 1 }, len, 10);
                Some(Dialog::AssignPerson {
                    patient_id,
                    role,
                    search,
                    cursor,
                    error,
                })
            }
            Event::Action(Action::Report) | Event::Char('\u{e}') => Some(Dialog::NewPerson {
                patient_id,
                role,
                fields: [
                    Input::new(search.value().to_string()),
                    Input::default(),
                    Input::default(),
                ],
                focus: 0,
                error: None,
            }),
            Event::Submit => choose_person(s, patient_id, role, search, cursor, fx),
            Event::Cancel => None,
            _ => Some(Dialog::AssignPerson {
                patient_id,
                role,
                search,
                cursor,
                error,
            }),
        },
        Dialog::NewPerson {
            patient_id,
            role,
            mut fields,
            mut focus,
            error,
        } => match ev {
            Event::Text(r) => {
                fields[focus].handle(r);
                Some(Dialog::NewPerson {
                    patient_id,
                    role,
                    fields,
                    focus,
                    error: None,
                })
            }
            Event::FieldUp => {
                focus = (focus + 2) % 3;
                Some(Dialog::NewPerson {
                    patient_id,
                    role,
                    fields,
                    focus,
                    error,
                })
            }
            Event::FieldDown => {
                focus = (focus + 1) % 3;
                Some(Dialog::NewPerson {
                    patient_id,
                    role,
                    fields,
                    focus,
                    error,
                })
            }
            Event::Submit => {
                let name = fields[0].value().trim().to_string();
                let phone = crate::import::values::normalize(fields[1].value());
                let unit = fields[2].value().trim().to_string();
                let patient = s.snapshot.as_ref().and_then(|x| {
                    x.patients
                        .iter()
                        .find(|p| p.patient.id == patient_id)
                        .map(|p| p.patient.jurisdiction.clone())
                });
                match patient {
                    Some(j) if !name.is_empty() => {
                        let (jurisdiction, default_unit) = home_jurisdiction(role, &j);
                        let unit = if unit.is_empty() { default_unit } else { unit };
                        let replacing = holder_of(s, patient_id, role);
                        fx.push(Effect::Request(Request::CreateAndAssign {
                            patient_id,
                            role,
                            name,
                            phone,
                            unit,
                            jurisdiction,
                            replacing,
                        }));
                        None
                    }
                    _ => {
                        let error = Some(format!(
                            "{}: {}",
                            s.t(T::PersonName),
                            s.t(T::FormProblemMissing)
                        ));
                        Some(Dialog::NewPerson {
                            patient_id,
                            role,
                            fields,
                            focus,
                            error,
                        })
                    }
                }
            }
            Event::Cancel => None,
            _ => Some(Dialog::NewPerson {
                patient_id,
                role,
                fields,
                focus,
                error,
            }),
        },
        Dialog::ConfirmWorkload {
            patient_id,
            role,
            person_id,
            after,
            threshold,
        } => match ev {
            Event::Char('y' | 'Y') => {
                let replacing = holder_of(s, patient_id, role);
                fx.push(Effect::Request(Request::Assign {
                    patient_id,
                    role,
                    person_id,
                    replacing,
                }));
                None
            }
            Event::Char(_) | Event::Cancel => None,
            _ => Some(Dialog::ConfirmWorkload {
                patient_id,
                role,
                person_id,
                after,
                threshold,
            }),
        },
        Dialog::FollowUp(mut form) => match ev {
            Event::FieldUp => {
                form.move_focus(false);
                Some(Dialog::FollowUp(form))
            }
            Event::FieldDown => {
                form.move_focus(true);
                Some(Dialog::FollowUp(form))
            }
            Event::ValueLeft => {
                form.change(false);
                Some(Dialog::FollowUp(form))
            }
            Event::ValueRight => {
                form.change(true);
                Some(Dialog::FollowUp(form))
            }
            Event::Text(r) => {
                let f = form.focused();
                if let Some(input) = form.input_mut(f) {
                    input.handle(r);
                    form.problem = None;
                }
                Some(Dialog::FollowUp(form))
            }
            Event::Submit => match form.to_followup() {
                Ok(followup) => {
                    fx.push(Effect::Request(Request::FollowUp {
                        patient_id: form.patient_id,
                        followup: Box::new(followup),
                    }));
                    None
                }
                Err(p) => {
                    form.problem = Some(p);
                    Some(Dialog::FollowUp(form))
                }
            },
            Event::Cancel => None,
            _ => Some(Dialog::FollowUp(form)),
        },
        Dialog::OpenIncident {
            patient_id,
            alert_id,
            mut location,
        } => one_line(ev, &mut location, fx, |location| Request::OpenIncident {
            patient_id,
            alert_id,
            location,
        })
        .then_some(Dialog::OpenIncident {
            patient_id,
            alert_id,
            location,
        }),
        Dialog::StepActor {
            incident_id,
            step,
            mut actor,
        } => one_line(ev, &mut actor, fx, |actor| Request::MarkStep {
            incident_id,
            step,
            actor,
        })
        .then_some(Dialog::StepActor {
            incident_id,
            step,
            actor,
        }),
        Dialog::IncidentNote {
            incident_id,
            mut note,
        } => one_line(ev, &mut note, fx, |text| Request::IncidentNote {
            incident_id,
            text,
        })
        .then_some(Dialog::IncidentNote { incident_id, note }),
        Dialog::HandOver { mut note } => match ev {
            Event::Text(r) => {
                note.handle(r);
                Some(Dialog::HandOver { note })
            }
            Event::Submit => {
                fx.push(Effect::Request(Request::HandOver(
                    note.value().trim().to_string(),
                )));
                None
            }
            Event::Cancel => None,
            _ => Some(Dialog::HandOver { note }),
        },
        Dialog::ShowHandover {
            taking_over,
            handover,
        } => match ev {
            Event::Cancel | Event::Submit | Event::Char(_) => None,
            _ => Some(Dialog::ShowHandover {
                taking_over,
                handover,
            }),
        },
        Dialog::CloseIncident(mut form) => match ev {
            Event::FieldUp | Event::FieldDown => {
                form.move_focus(matches!(ev, Event::FieldDown));
                Some(Dialog::CloseIncident(form))
            }
            Event::ValueLeft | Event::ValueRight => {
                form.change(matches!(ev, Event::ValueRight));
                Some(Dialog::CloseIncident(form))
            }
            Event::Text(r) => {
                let f = form.focused();
                if let Some(input) = form.input_mut(f) {
                    input.handle(r);
                    form.problem = None;
                }
                Some(Dialog::CloseIncident(form))
            }
            Event::Submit => match form.to_closing() {
                Ok(closing) => {
                    fx.push(Effect::Request(Request::CloseIncident {
                        incident_id: form.incident_id,
                        closing: Box::new(closing),
                        resolve_alert: form.resolve_alert,
                    }));
                    None
                }
                Err(p) => {
                    form.problem = Some(p);
                    Some(Dialog::CloseIncident(form))
                }
            },
            Event::Cancel => None,
            _ => Some(Dialog::CloseIncident(form)),
        },
    };
    s.dialog = keep;
}

/// A one-line text dialog: typing edits the field, Enter with something written sends what
/// `send` makes of the trimmed text, Esc closes. Returns whether the dialog stays open.
fn one_line(
    ev: Event,
    input: &mut Input,
    fx: &mut Vec<Effect>,
    send: impl FnOnce(String) -> Request,
) -> bool {
    match ev {
        Event::Text(r) => {
            input.handle(r);
            true
        }
        Event::Submit if !input.value().trim().is_empty() => {
            fx.push(Effect::Request(send(input.value().trim().to_string())));
            false
        }
        Event::Cancel => false,
        _ => true,
    }
}

/// The person under the picker's cursor: checked against the jurisdiction rules, then
/// against the workload threshold (a warning to confirm), then assigned.
fn choose_person(
    s: &mut AppState,
    patient_id: i64,
    role: Role,
    search: Input,
    cursor: Cursor,
    fx: &mut Vec<Effect>,
) -> Option<Dialog> {
    let candidates = assign_candidates(s, patient_id, role, search.value());
    let Some(person) = candidates
        .get(cursor.index)
        .map(|r| (r.person.clone(), r.high_risk))
    else {
        return Some(Dialog::AssignPerson {
            patient_id,
            role,
            search,
            cursor,
            error: None,
        });
    };
    let patient = s
        .snapshot
        .as_ref()
        .and_then(|x| x.patients.iter().find(|p| p.patient.id == patient_id));
    let patient = patient.map(|p| p.patient.clone())?;
    if let Err(refusal) = check_assignment(&patient, role, &person.0) {
        let error = Some(s.lang.text(&Msg::Assignment(refusal)));
        return Some(Dialog::AssignPerson {
            patient_id,
            role,
            search,
            cursor,
            error,
        });
    }
    match workload_warning(person.1, &patient, &s.config.team) {
        Some(w) => Some(Dialog::ConfirmWorkload {
            patient_id,
            role,
            person_id: person.0.id,
            after: w.high_risk_after,
            threshold: w.threshold,
        }),
        None => {
            let replacing = holder_of(s, patient_id, role);
            fx.push(Effect::Request(Request::Assign {
                patient_id,
                role,
                person_id: person.0.id,
                replacing,
            }));
            None
        }
    }
}

/// Who holds `role` for the patient as this console last saw it: the store refuses the
/// assignment if someone else changed it meanwhile.
fn holder_of(s: &AppState, patient_id: i64, role: Role) -> Option<i64> {
    s.detail
        .as_ref()
        .filter(|d| d.patient_id == patient_id)
        .and_then(|d| d.data.as_ref())
        .and_then(|d| d.team.iter().find(|m| m.role == role))
        .map(|m| m.person.id)
}

fn click(s: &mut AppState, column: u16, row: u16, fx: &mut Vec<Effect>) {
    if s.dialog.is_some() || s.help.is_some() || s.too_small() {
        return;
    }
    if row == 1 {
        let mut x = 0u16;
        for v in View::ALL {
            let w = tab_text(v, s.lang).width() as u16;
            if column >= x && column < x + w {
                switch(s, v, fx);
                return;
            }
            x += w + TAB_SEPARATOR.width() as u16;
        }
        return;
    }
    if s.detail.is_some() || row < LIST_FIRST_ROW || row >= s.height.saturating_sub(2) {
        return;
    }
    let page = s.page();
    if let Some(l) = s.current_list_mut() {
        let i = l.cursor.offset + usize::from(row - LIST_FIRST_ROW);
        if i < l.visible.len() {
            l.cursor.index = i;
            let len = l.visible.len();
            l.cursor.clamp(len, page);
            remember_key(s);
        }
    }
}
