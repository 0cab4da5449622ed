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
        Action::Resolve => match s.selected_alert().map(|a| (a.id, a.kind)) {
            // A reported alert has no condition: its note is asked at once.
            Some((id, crate::domain::alert::AlertKind::Reported)) => {
                s.open(Dialog::OneLine(OneLine::new(Purpose::Resolve {
                    alert_id: id,
                })));
            }
            // 失访 and 拒访 are resolved by the written report to 政法/公安 (r2): to whom,
            // then when, while the patient is still missing or refusing.
            Some((id, kind)) if kind.needs_written_report() => {
                s.open(Dialog::OneLine(OneLine::new(Purpose::WrittenReportTo {
                    alert_id: id,
                })));
            }
            // A derived one is asked about first, so nobody types a note that is refused.
            Some((id, _)) => fx.push(Effect::Request(Request::CheckResolvable(id))),
            None => {}
        },
        Action::LastMessage => {
            if let Some(m) = s.message.as_ref().or(s.last_message.as_ref()) {
                let lines = m.text.lines().map(str::to_string).collect();
                let title = s.t(T::MessageTitle).to_string();
                s.open(Dialog::Read(Reading {
                    title,
                    lines,
                    scroll: Scroll::default(),
                }));
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
            if let Some(id) = s.incident().filter(|_| screen == ScreenKind::Incident) {
                fx.push(Effect::Request(Request::RevealTeam(id)));
            } else if let Some(d) = s.detail() {
                fx.push(Effect::Request(Request::Reveal(d.patient_id)));
            }
        }
        Action::GoToPatient => {
            // Pushed over the incident: Esc comes back to it.
            if let Some(pid) = s.open_incident().and_then(|i| i.patient_id) {
                open_detail(s, pid, fx);
            }
        }
        Action::SkipStep => {
            let next = s
                .open_incident()
                .and_then(|i| commands::first_unsettled(i, s.now).map(|st| (i.id, st)));
            if let Some((incident_id, step)) = next {
                s.open(Dialog::OneLine(OneLine::new(Purpose::SkipReason {
                    incident_id,
                    step,
                })));
            }
        }
        Action::CorrectStep => {
            let recorded: Vec<(i64, u8, String, chrono::DateTime<chrono::Utc>)> = s
                .open_incident()
                .map(|i| {
                    i.steps
                        .iter()
                        .filter_map(|st| Some((i.id, st.step, st.actor.clone()?, st.done_at?)))
                        .collect()
                })
                .unwrap_or_default();
            match recorded.as_slice() {
                // One step recorded: nothing to choose.
                [(incident_id, step, actor, at)] => s.open(Dialog::ActorPick(ActorPick::new(
                    ActorFor::Correct {
                        incident_id: *incident_id,
                        step: *step,
                        seen: (actor.clone(), *at),
                    },
                    actor,
                ))),
                [(incident_id, ..), ..] => s.open(Dialog::ChooseStep {
                    incident_id: *incident_id,
                }),
                [] => {}
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
                .cloned();
            if let Some(p) = patient {
                let team = team_names(s, p.id);
                let directory = directory_for(s, &p);
                s.open(Dialog::FollowUp(Box::new(
                    FollowUpForm::new(&p)
                        .with_team(team)
                        .with_directory(directory),
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
                ScreenKind::List(View::Patients) => (s.selected_patient().map(|p| p.id), None),
                // From the incidents view: a person nobody has identified yet.
                _ => (None, None),
            };
            let ask_station = patient_id.is_none() && s.operator.station.is_none();
            s.open(Dialog::OneLine(OneLine::new(Purpose::OpenIncident {
                patient_id,
                alert_id,
                ask_station,
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
                s.open(Dialog::ActorPick(ActorPick::new(
                    ActorFor::Step {
                        incident_id: id,
                        step,
                    },
                    "",
                )));
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
        Action::SetControl => s.open(Dialog::Control(Box::default())),
        Action::EndControl => {
            // The orders in force or to come, numbered as the reports view lists them.
            let orders: Vec<i64> = s
                .report
                .as_ref()
                .map(|r| {
                    r.controls
                        .iter()
                        .filter(|o| o.is_open(s.now))
                        .map(|o| o.id)
                        .collect()
                })
                .unwrap_or_default();
            s.open(Dialog::OneLine(OneLine::new(Purpose::EndControl {
                orders,
            })));
        }
    }
}

/// Fills an open follow-up form's team and offered persons from the persons directory that
/// has just arrived.
pub(super) fn offer_persons(s: &mut AppState) {
    let Some(id) = s.layers.iter().find_map(|l| match l {
        Layer::Dialog(Dialog::FollowUp(f)) => Some(f.patient_id),
        _ => None,
    }) else {
        return;
    };
    let Some(p) = s.snapshot.as_ref().and_then(|x| x.patient(id)).cloned() else {
        return;
    };
    let team = team_names(s, id);
    let directory = directory_for(s, &p);
    for l in s.layers.iter_mut() {
        if let Layer::Dialog(Dialog::FollowUp(f)) = l {
            f.set_persons(team, directory);
            break;
        }
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

/// The persons a follow-up of `p` offers as 随访人, joint visitors and guidance doctor: the
/// patient's team first (with their role), then the persons of the patient's township or
/// station (with their unit), then county-wide doctors.
fn directory_for(
    s: &AppState,
    p: &crate::app::data::PatientRow,
) -> Vec<crate::app::followup_form::Candidate> {
    use crate::app::followup_form::Candidate;
    use crate::domain::team::PersonKind;
    let Some(snap) = s.snapshot.as_ref() else {
        return Vec::new();
    };
    let mut team: Vec<(crate::domain::team::Role, Candidate)> = Vec::new();
    let mut area: Vec<(u8, String, Candidate)> = Vec::new();
    for r in &snap.persons {
        let person = &r.person;
        let doctor = person.kind == PersonKind::Doctor;
        if let Some((_, role)) = r.serves.iter().find(|(id, _)| *id == p.id) {
            let c = Candidate::new(&person.name, s.lang.label(*role), doctor);
            team.push((*role, c));
            continue;
        }
        let j = &person.jurisdiction;
        let near = (!j.township.is_empty() && j.township == p.jurisdiction().township)
            || (!j.station.is_empty() && j.station == p.jurisdiction().station);
        let rank = if near {
            1
        } else if doctor && person.county_wide {
            2
        } else {
            continue;
        };
        let note = if person.unit.is_empty() {
            s.lang.label(person.kind).to_string()
        } else {
            person.unit.clone()
        };
        area.push((
            rank,
            crate::app::search::sort_key(&person.name),
            Candidate::new(&person.name, &note, doctor),
        ));
    }
    // In the order of the five roles.
    team.sort_by_key(|t| t.0);
    area.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    team.into_iter()
        .map(|(_, c)| c)
        .chain(area.into_iter().map(|(_, _, c)| c))
        .collect()
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
                open_incident_screen(s, id, fx);
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
                View::Patients => s.selected_patient().map(|p| p.id),
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
    match s.layers.pop() {
        Some(Layer::Detail(_)) => match s.detail() {
            Some(d) => {
                let id = d.patient_id;
                fx.push(Effect::Request(Request::OpenDetail(id)));
            }
            None => fx.push(Effect::Request(Request::CloseDetail)),
        },
        Some(Layer::Incident(_)) => {
            let under = s.incident();
            if under.is_none() {
                s.incident_team = None;
            }
            fx.push(Effect::Request(Request::WatchIncident(under)));
        }
        _ => {}
    }
}

/// Pushes an incident's screen and asks the store thread for its team.
pub(super) fn open_incident_screen(s: &mut AppState, id: i64, fx: &mut Vec<Effect>) {
    s.layers.push(Layer::Incident(id));
    if s.incident_team
        .as_ref()
        .is_some_and(|t| t.incident_id != id)
    {
        s.incident_team = None;
    }
    fx.push(Effect::Request(Request::WatchIncident(Some(id))));
}

fn open_detail(s: &mut AppState, patient_id: i64, fx: &mut Vec<Effect>) {
    s.layers.push(Layer::Detail(Box::new(Detail {
        patient_id,
        data: None,
        scroll: Scroll::default(),
    })));
    fx.push(Effect::Request(Request::OpenDetail(patient_id)));
}
