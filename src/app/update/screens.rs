//! Commands of the screens: the six list views, a patient's record and the incident screen.
//! A command runs only if the registry lists it for the screen and it is enabled now; when it
//! is not, the operator is told why.

use super::super::action::{Action, Effect, Request, ScreenKind};
use super::super::close_form::CloseForm;
use super::super::commands;
use super::super::followup_form::FollowUpForm;
use super::super::one_line::{OneLine, Purpose};
use super::super::state::*;
use super::lists::{move_cursor, order_patients, refresh_view};
use super::{complain, say};
use crate::i18n::T;

pub(super) fn command(s: &mut AppState, a: Action, fx: &mut Vec<Effect>) {
    let screen = s.screen();
    if !commands::screen_actions(screen).contains(&a) {
        return;
    }
    if let Err(why) = commands::check(s, a) {
        // For an alert's status, say which move is not allowed.
        let next = match a {
            Action::Acknowledge => Some(crate::domain::alert::AlertStatus::Acknowledged),
            Action::InProgress => Some(crate::domain::alert::AlertStatus::InProgress),
            Action::Resolve => Some(crate::domain::alert::AlertStatus::Resolved),
            _ => None,
        };
        let text = match (why, next, s.selected_alert().map(|x| x.status)) {
            (T::NotNow, Some(next), Some(now)) => format!(
                "{} → {}",
                s.lang.alert_status(now),
                s.lang.alert_status(next)
            ),
            _ => s.t(why).to_string(),
        };
        complain(s, text);
        return;
    }
    match a {
        Action::Quit => {
            let open = s
                .snapshot
                .as_ref()
                .is_some_and(|x| x.counts.open_incidents > 0);
            if open {
                s.open(Dialog::ConfirmQuit);
            } else {
                fx.push(Effect::Quit);
            }
        }
        Action::Suspend => fx.push(Effect::Suspend),
        Action::Help => s.layers.push(Layer::Help(Help::default())),
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
        | Action::End => {
            // The incident screen fits on one page: nothing scrolls there.
            if screen != ScreenKind::Incident {
                move_cursor(s, a)
            }
        }
        Action::Filter => s.layers.push(Layer::Filter),
        Action::Open => open(s, fx),
        Action::Back => match screen {
            ScreenKind::Detail | ScreenKind::Incident => close_screen(s, fx),
            ScreenKind::List(v) => {
                if let Some(l) = s.current_list_mut()
                    && !l.filter.value().is_empty()
                {
                    l.filter.reset();
                    refresh_view(s, v);
                }
            }
        },
        Action::Acknowledge | Action::InProgress => {
            // The banner says "a 签收": while a new P1 is announced, `a` takes that one.
            let banner = s
                .banner()
                .map(|(b, _)| b.id)
                .filter(|_| a == Action::Acknowledge);
            if let Some(id) = banner.or_else(|| s.selected_alert().map(|a| a.id)) {
                fx.push(Effect::Request(if a == Action::Acknowledge {
                    Request::Acknowledge(id)
                } else {
                    Request::InProgress(id)
                }));
            }
        }
        Action::Resolve => {
            if let Some(id) = s.selected_alert().map(|a| a.id) {
                s.open(Dialog::OneLine(OneLine::new(Purpose::Resolve {
                    alert_id: id,
                })));
            }
        }
        Action::Snooze => {
            if let Some(id) = s.selected_alert().map(|a| a.id) {
                s.open(Dialog::OneLine(OneLine::new(Purpose::SnoozeUntil {
                    alert_id: id,
                })));
            }
        }
        Action::Report => {
            if let Some(id) = s.focused_patient_id() {
                s.open(Dialog::ReportSeverity { patient_id: id });
            }
        }
        Action::Reveal => {
            if let Some(d) = s.detail() {
                fx.push(Effect::Request(Request::Reveal(d.patient_id)));
            }
        }
        Action::Assign | Action::Unassign => {
            if let Some(id) = s.focused_patient_id() {
                s.open(if a == Action::Assign {
                    Dialog::AssignRole { patient_id: id }
                } else {
                    Dialog::UnassignRole { patient_id: id }
                });
            }
        }
        Action::FollowUp => {
            let patient = s
                .focused_patient_id()
                .and_then(|id| s.snapshot.as_ref()?.patient(id))
                .map(|p| p.patient.clone());
            if let Some(p) = patient {
                let team = team_names(s, p.id);
                s.open(Dialog::FollowUp(Box::new(
                    FollowUpForm::new(&p).with_team(team),
                )));
            }
        }
        Action::QuickFilter => match screen {
            ScreenKind::List(View::Patients) => {
                let i = QuickFilter::ALL
                    .iter()
                    .position(|q| *q == s.quick)
                    .unwrap_or(0);
                s.quick = QuickFilter::ALL[(i + 1) % QuickFilter::ALL.len()];
                s.patients.cursor = Cursor::default();
                order_patients(s);
                refresh_view(s, View::Patients);
            }
            ScreenKind::List(View::Alerts) => {
                s.alert_quick = s.alert_quick.next();
                s.alerts.cursor = Cursor::default();
                refresh_view(s, View::Alerts);
            }
            _ => {}
        },
        Action::Sort => {
            s.sort = s.sort.next();
            order_patients(s);
            refresh_view(s, View::Patients);
        }
        Action::OpenIncident => {
            let (patient_id, alert_id) = match screen {
                ScreenKind::Detail => (s.focused_patient_id(), None),
                ScreenKind::List(View::Alerts) => match s.selected_alert() {
                    Some(a) => (Some(a.patient_id), Some(a.id)),
                    None => (None, None),
                },
                ScreenKind::List(View::Patients) => {
                    (s.selected_patient().map(|p| p.patient.id), None)
                }
                // From the incidents view: a person nobody has identified yet.
                _ => (None, None),
            };
            s.open(Dialog::OneLine(OneLine::new(Purpose::OpenIncident {
                patient_id,
                alert_id,
            })));
        }
        Action::Note => {
            if let Some(id) = s.incident() {
                s.open(Dialog::OneLine(OneLine::new(Purpose::IncidentNote {
                    incident_id: id,
                })));
            }
        }
        Action::CloseIncident => {
            if let Some(inc) = s.open_incident() {
                let form = CloseForm::new(inc.id, inc.alert_id.is_some());
                s.open(Dialog::CloseIncident(Box::new(form)));
            }
        }
        Action::Step1
        | Action::Step2
        | Action::Step3
        | Action::Step4
        | Action::Step5
        | Action::Step6 => {
            if let (Some(id), Some(step)) = (s.incident(), a.step()) {
                s.open(Dialog::OneLine(OneLine::new(Purpose::StepActor {
                    incident_id: id,
                    step,
                })));
            }
        }
        Action::Shift => {
            let on_shift = s.snapshot.as_ref().is_some_and(|x| x.shift.is_some());
            if on_shift {
                s.open(Dialog::HandOver(Box::default()));
            } else {
                fx.push(Effect::Request(Request::TakeOver));
            }
        }
        Action::Export => fx.push(Effect::Request(Request::ExportReport)),
    }
}

/// The names of the patient's responsible persons, as the persons directory has them.
fn team_names(s: &AppState, patient_id: i64) -> Vec<String> {
    let Some(snap) = s.snapshot.as_ref() else {
        return Vec::new();
    };
    // In the order of the five roles.
    let mut team: Vec<(crate::domain::team::Role, String)> = snap
        .persons
        .iter()
        .flat_map(|r| {
            r.serves
                .iter()
                .filter(move |(id, _)| *id == patient_id)
                .map(move |(_, role)| (*role, r.person.name.clone()))
        })
        .collect();
    team.sort();
    team.into_iter().map(|(_, name)| name).collect()
}

/// `Enter` on a list: the incident's screen, an audit entry, else the row's patient.
fn open(s: &mut AppState, fx: &mut Vec<Effect>) {
    let ScreenKind::List(view) = s.screen() else {
        return;
    };
    let Some(snap) = s.snapshot.as_ref() else {
        return;
    };
    let row = |l: &ListView| l.visible.get(l.cursor.index).copied();
    match view {
        View::Incidents => {
            if let Some(i) = row(&s.incidents) {
                let id = snap.incidents[i].id;
                s.layers.push(Layer::Incident(id));
            }
        }
        View::Audit => {
            if let Some(i) = row(&s.audit) {
                let e = &snap.audit[i];
                let lines = super::dialogs::audit_lines(s, e);
                let title = s.t(T::TabAudit).to_string();
                s.open(Dialog::Read(Reading {
                    title,
                    lines,
                    scroll: Scroll::default(),
                }));
            }
        }
        _ => {
            let target = match view {
                View::Alerts => s.selected_alert().map(|a| a.patient_id),
                View::Patients => s.selected_patient().map(|p| p.patient.id),
                View::Persons => {
                    row(&s.persons).and_then(|i| snap.persons[i].serves.first().map(|(id, _)| *id))
                }
                _ => None,
            };
            match target {
                Some(id) => open_detail(s, id, fx),
                None => say(s, T::NothingSelected),
            }
        }
    }
}

pub(super) fn switch(s: &mut AppState, v: View, fx: &mut Vec<Effect>) {
    while s.detail().is_some() || s.incident().is_some() {
        close_screen(s, fx);
    }
    s.layers.clear();
    // The report figures cost a query of their own: only while the view is open.
    if v == View::Reports && s.view != View::Reports {
        fx.push(Effect::Request(Request::WatchReport(true)));
    } else if v != View::Reports && s.view == View::Reports {
        fx.push(Effect::Request(Request::WatchReport(false)));
        s.report = None;
    }
    s.view = v;
}

/// Closes the top screen (a patient or an incident), and tells the store thread when the
/// patient it was watching is no longer shown.
fn close_screen(s: &mut AppState, fx: &mut Vec<Effect>) {
    while s.has_overlay() {
        s.layers.pop();
    }
    if let Some(Layer::Detail(_)) = s.layers.pop() {
        match s.detail() {
            Some(d) => {
                let id = d.patient_id;
                fx.push(Effect::Request(Request::OpenDetail(id)));
            }
            None => fx.push(Effect::Request(Request::CloseDetail)),
        }
    }
}

fn open_detail(s: &mut AppState, patient_id: i64, fx: &mut Vec<Effect>) {
    s.layers.push(Layer::Detail(Box::new(Detail {
        patient_id,
        data: None,
        scroll: Scroll::default(),
    })));
    fx.push(Effect::Request(Request::OpenDetail(patient_id)));
}
