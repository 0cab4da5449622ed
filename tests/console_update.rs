//! `update` against a real snapshot of the demo: every action does what its name says, and
//! store work leaves as requests.

mod common;

use common::*;
use dutydesk::app::action::{Action, Effect, Event, Reply, Request};
use dutydesk::app::data::{load_detail, load_snapshot};
use dutydesk::app::state::{Dialog, QuickFilter, Sort};
use dutydesk::app::{AppState, View, update};
use dutydesk::config::Config;
use dutydesk::domain::alert::{AlertStatus, Severity};
use dutydesk::i18n::Lang;
use dutydesk::store::Store;
use tui_input::InputRequest;

fn state_for(login: &str) -> (Store, AppState) {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator(login).unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    (store, s)
}

fn act(s: &mut AppState, a: Action) -> Vec<Effect> {
    update(s, Event::Action(a))
}

fn type_text(s: &mut AppState, text: &str) {
    for c in text.chars() {
        update(s, Event::Text(InputRequest::InsertChar(c)));
    }
}

#[test]
fn views_switch_by_number_tab_and_back_tab() {
    let (_, mut s) = state_for("center");
    assert_eq!(s.view, View::Alerts);
    act(&mut s, Action::ShowPersons);
    assert_eq!(s.view, View::Persons);
    act(&mut s, Action::NextView);
    assert_eq!(s.view, View::Reports);
    act(&mut s, Action::PrevView);
    act(&mut s, Action::PrevView);
    assert_eq!(s.view, View::Incidents);
    for (a, v) in [
        (Action::ShowAlerts, View::Alerts),
        (Action::ShowPatients, View::Patients),
        (Action::ShowIncidents, View::Incidents),
        (Action::ShowReports, View::Reports),
        (Action::ShowAudit, View::Audit),
    ] {
        act(&mut s, a);
        assert_eq!(s.view, v);
    }
}

#[test]
fn cursor_moves_pages_and_stays_inside_the_list() {
    let (_, mut s) = state_for("center");
    let len = s.alerts.visible.len();
    act(&mut s, Action::Up);
    assert_eq!(s.alerts.cursor.index, 0);
    act(&mut s, Action::Down);
    act(&mut s, Action::Down);
    assert_eq!(s.alerts.cursor.index, 2);
    act(&mut s, Action::PageDown);
    assert_eq!(s.alerts.cursor.index, 2 + s.page());
    act(&mut s, Action::End);
    assert_eq!(s.alerts.cursor.index, len - 1);
    assert!(s.alerts.cursor.offset + s.page() >= len);
    act(&mut s, Action::PageUp);
    act(&mut s, Action::Home);
    assert_eq!((s.alerts.cursor.index, s.alerts.cursor.offset), (0, 0));
}

#[test]
fn selection_follows_its_row_across_a_reload() {
    let (store, mut s) = state_for("center");
    for _ in 0..5 {
        act(&mut s, Action::Down);
    }
    let chosen = s.selected_alert().unwrap().id;
    let op = s.operator.clone();
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    assert_eq!(s.selected_alert().unwrap().id, chosen);
}

#[test]
fn alert_actions_send_requests_and_resolve_asks_for_a_note() {
    let (_, mut s) = state_for("center");
    let id = s.selected_alert().unwrap().id;
    assert_eq!(
        act(&mut s, Action::Acknowledge),
        vec![Effect::Request(Request::Acknowledge(id))]
    );
    assert_eq!(
        act(&mut s, Action::InProgress),
        vec![Effect::Request(Request::InProgress(id))]
    );
    assert!(act(&mut s, Action::Resolve).is_empty());
    assert!(matches!(s.dialog, Some(Dialog::Resolve { .. })));
    // An empty note is not accepted; a note is.
    assert!(update(&mut s, Event::Submit).is_empty());
    type_text(&mut s, "已送医");
    assert_eq!(
        update(&mut s, Event::Submit),
        vec![Effect::Request(Request::Resolve(id, "已送医".into()))]
    );
    assert!(s.dialog.is_none());
}

#[test]
fn report_asks_severity_then_note() {
    let (_, mut s) = state_for("center");
    let pid = s.selected_alert().unwrap().patient_id;
    act(&mut s, Action::Report);
    update(&mut s, Event::Char('1'));
    type_text(&mut s, "来电");
    let fx = update(&mut s, Event::Submit);
    assert_eq!(
        fx,
        vec![Effect::Request(Request::Report {
            patient_id: pid,
            severity: Severity::P1,
            note: "来电".into()
        })]
    );
}

#[test]
fn open_shows_the_patient_and_back_closes_it() {
    let (_, mut s) = state_for("center");
    let pid = s.selected_alert().unwrap().patient_id;
    assert_eq!(
        act(&mut s, Action::Open),
        vec![Effect::Request(Request::OpenDetail(pid))]
    );
    assert_eq!(s.focused_patient_id(), Some(pid));
    assert_eq!(
        act(&mut s, Action::Reveal),
        vec![Effect::Request(Request::Reveal(pid))]
    );
    act(&mut s, Action::Down);
    assert_eq!(s.detail.as_ref().unwrap().scroll, 1);
    assert_eq!(
        act(&mut s, Action::Back),
        vec![Effect::Request(Request::CloseDetail)]
    );
    assert!(s.detail.is_none());
}

#[test]
fn patient_filter_is_incremental_and_esc_clears_it() {
    let (_, mut s) = state_for("center");
    act(&mut s, Action::ShowPatients);
    let all = s.patients.visible.len();
    act(&mut s, Action::Filter);
    type_text(&mut s, "梅溪");
    let some = s.patients.visible.len();
    assert!(some > 0 && some < all);
    assert!(s.patients.visible.iter().all(|&i| {
        let p = &s.snapshot.as_ref().unwrap().patients[i].patient;
        p.jurisdiction.village == "梅溪村"
    }));
    update(&mut s, Event::Submit);
    assert!(!s.patients.filtering);
    assert_eq!(s.patients.visible.len(), some, "Enter keeps the filter");
    act(&mut s, Action::Back);
    assert_eq!(s.patients.visible.len(), all);
}

#[test]
fn quick_filters_and_sort_cycle() {
    let (_, mut s) = state_for("center");
    act(&mut s, Action::ShowPatients);
    act(&mut s, Action::QuickFilter);
    assert_eq!(s.quick, QuickFilter::HighRisk);
    let snap = s.snapshot.as_ref().unwrap();
    assert!(
        s.patients
            .visible
            .iter()
            .all(|&i| snap.patients[i].patient.is_high_risk())
    );
    act(&mut s, Action::Sort);
    assert_eq!(s.sort, Sort::Overdue);
    let snap = s.snapshot.as_ref().unwrap();
    let days: Vec<i64> = s
        .patients
        .visible
        .iter()
        .map(|&i| snap.patients[i].days_overdue)
        .collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn assignment_checks_jurisdiction_before_sending() {
    let (_, mut s) = state_for("center");
    act(&mut s, Action::ShowPatients);
    let p = s.selected_patient().unwrap().patient.clone();
    act(&mut s, Action::Assign);
    update(&mut s, Event::Char('2')); // station officer
    let Some(Dialog::AssignPerson { .. }) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    // Every officer offered belongs to the patient's station.
    let offered = dutydesk::app::update::assign_candidates(
        &s,
        p.id,
        dutydesk::domain::team::Role::StationOfficer,
        "",
    );
    assert!(!offered.is_empty());
    assert!(
        offered
            .iter()
            .all(|r| r.person.jurisdiction.station == p.jurisdiction.station)
    );
    let fx = update(&mut s, Event::Submit);
    assert!(
        matches!(fx.as_slice(), [Effect::Request(Request::Assign { .. })])
            || matches!(s.dialog, Some(Dialog::ConfirmWorkload { .. }))
    );
}

#[test]
fn new_person_needs_a_name_and_takes_the_roles_jurisdiction() {
    let (_, mut s) = state_for("center");
    act(&mut s, Action::ShowPatients);
    let p = s.selected_patient().unwrap().patient.clone();
    act(&mut s, Action::Assign);
    update(&mut s, Event::Char('3')); // village cadre
    update(&mut s, Event::Char('\u{e}'));
    assert!(matches!(s.dialog, Some(Dialog::NewPerson { .. })));
    assert!(
        update(&mut s, Event::Submit).is_empty(),
        "no name, nothing sent"
    );
    type_text(&mut s, "新干部");
    update(&mut s, Event::FieldDown);
    type_text(&mut s, "１３８００００９９９９");
    let fx = update(&mut s, Event::Submit);
    match fx.as_slice() {
        [
            Effect::Request(Request::CreateAndAssign {
                name,
                phone,
                jurisdiction,
                ..
            }),
        ] => {
            assert_eq!(name, "新干部");
            assert_eq!(phone, "13800009999");
            assert_eq!(jurisdiction.village, p.jurisdiction.village);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn follow_up_form_refuses_a_contradiction_and_sends_a_valid_record() {
    let (_, mut s) = state_for("center");
    act(&mut s, Action::ShowPatients);
    act(&mut s, Action::FollowUp);
    let Some(Dialog::FollowUp(form)) = &mut s.dialog else {
        panic!()
    };
    form.risk = 4;
    form.class = Some(dutydesk::domain::patient::Condition::Stable);
    assert!(update(&mut s, Event::Submit).is_empty());
    let Some(Dialog::FollowUp(form)) = &mut s.dialog else {
        panic!()
    };
    assert!(form.problem.is_some());
    form.class = None;
    let fx = update(&mut s, Event::Submit);
    assert!(matches!(
        fx.as_slice(),
        [Effect::Request(Request::FollowUp { .. })]
    ));
}

#[test]
fn unassign_sends_the_chosen_role_and_the_holder_seen() {
    let (store, mut s) = state_for("center");
    act(&mut s, Action::ShowPatients);
    let pid = s.selected_patient().unwrap().patient.id;
    act(&mut s, Action::Open);
    let detail = load_detail(&store, &s.operator, &Config::default(), pid, false, now())
        .unwrap()
        .unwrap();
    let guardian = detail
        .team
        .iter()
        .find(|m| m.role == dutydesk::domain::team::Role::Guardian)
        .unwrap()
        .person
        .id;
    update(&mut s, Event::Store(Reply::Detail(Box::new(detail))));
    act(&mut s, Action::Unassign);
    let fx = update(&mut s, Event::Char('5'));
    assert_eq!(
        fx,
        vec![Effect::Request(Request::Unassign {
            patient_id: pid,
            role: dutydesk::domain::team::Role::Guardian,
            person_id: guardian,
        })]
    );
}

#[test]
fn auditor_cannot_write() {
    let (_, mut s) = state_for("auditor");
    assert!(act(&mut s, Action::Acknowledge).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("只读"));
    act(&mut s, Action::ShowPatients);
    act(&mut s, Action::FollowUp);
    assert!(s.dialog.is_none());
}

#[test]
fn station_desk_sees_only_its_station() {
    let (_, s) = state_for("wangjiang");
    let snap = s.snapshot.as_ref().unwrap();
    assert!(
        snap.patients
            .iter()
            .all(|p| p.patient.jurisdiction.station == "望江派出所")
    );
    assert!(snap.alerts.iter().all(|a| a.station == "望江派出所"));
    assert_eq!(snap.counts.patients, snap.patients.len());
}

#[test]
fn help_opens_searches_and_closes() {
    let (_, mut s) = state_for("center");
    act(&mut s, Action::Help);
    type_text(&mut s, "ack");
    assert_eq!(s.help.as_ref().unwrap().value(), "ack");
    update(&mut s, Event::Cancel);
    assert!(s.help.is_none());
}

#[test]
fn quit_quits_and_suspend_suspends() {
    let (_, mut s) = state_for("center");
    assert_eq!(act(&mut s, Action::Suspend), vec![Effect::Suspend]);
    assert_eq!(act(&mut s, Action::Quit), vec![Effect::Quit]);
}

#[test]
fn unacknowledged_p1_escalates_after_the_configured_minutes_and_rings_once() {
    let (_, mut s) = state_for("center");
    assert!(update(&mut s, Event::Tick(now() + chrono::Duration::seconds(60))).is_empty());
    let later = now() + chrono::Duration::minutes(2);
    assert_eq!(update(&mut s, Event::Tick(later)), vec![Effect::Bell]);
    assert!(
        update(&mut s, Event::Tick(later + chrono::Duration::seconds(1))).is_empty(),
        "once"
    );
    let a = s.selected_alert().unwrap();
    assert!(s.is_escalated(a));
    let _ = AlertStatus::New;
}

#[test]
fn clicks_select_tabs_and_rows() {
    let (_, mut s) = state_for("center");
    update(&mut s, Event::Click { column: 10, row: 1 });
    assert_eq!(s.view, View::Patients);
    update(&mut s, Event::Click { column: 5, row: 6 });
    assert_eq!(s.patients.cursor.index, 3);
}

#[test]
fn resize_keeps_the_cursor_on_screen() {
    let (_, mut s) = state_for("center");
    act(&mut s, Action::End);
    update(
        &mut s,
        Event::Resize {
            width: 80,
            height: 16,
        },
    );
    let c = s.alerts.cursor;
    assert!(c.index >= c.offset && c.index < c.offset + s.page());
}

#[test]
fn i_opens_an_incident_from_the_alert_in_two_keystrokes_plus_the_location() {
    let (_, mut s) = state_for("center");
    let a = s.selected_alert().unwrap().clone();
    act(&mut s, Action::OpenIncident);
    type_text(&mut s, "村口");
    let fx = update(&mut s, Event::Submit);
    assert_eq!(
        fx,
        vec![Effect::Request(Request::OpenIncident {
            patient_id: Some(a.patient_id),
            alert_id: Some(a.id),
            location: "村口".into()
        })]
    );
    update(&mut s, Event::Store(Reply::IncidentOpened(7)));
    assert_eq!((s.view, s.incident), (View::Incidents, Some(7)));
}

#[test]
fn from_the_incidents_view_i_opens_one_for_an_unknown_person() {
    let (_, mut s) = state_for("center");
    act(&mut s, Action::ShowIncidents);
    act(&mut s, Action::OpenIncident);
    type_text(&mut s, "车站");
    let fx = update(&mut s, Event::Submit);
    assert_eq!(
        fx,
        vec![Effect::Request(Request::OpenIncident {
            patient_id: None,
            alert_id: None,
            location: "车站".into()
        })]
    );
}

#[test]
fn on_the_incident_screen_digits_mark_steps_and_c_closes() {
    let (mut store, mut s) = state_for("center");
    let a = s.selected_alert().unwrap().clone();
    let center = dutydesk::desk::Session::new(s.operator.clone(), "test-os-user");
    let id = with_desk(&mut store, &center, |d| {
        d.open_incident(&dutydesk::desk::incidents::Subject::Alert(a.id), "村口", "")
    })
    .unwrap();
    let op = s.operator.clone();
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    act(&mut s, Action::ShowIncidents);
    act(&mut s, Action::Open);
    assert_eq!(s.incident, Some(id));
    act(&mut s, Action::ShowPatients); // the "2" key: step 2
    type_text(&mut s, "社区民警");
    let fx = update(&mut s, Event::Submit);
    assert_eq!(
        fx,
        vec![Effect::Request(Request::MarkStep {
            incident_id: id,
            step: 2,
            actor: "社区民警".into()
        })]
    );
    act(&mut s, Action::CloseIncident);
    let Some(Dialog::CloseIncident(form)) = &mut s.dialog else {
        panic!("{:?}", s.dialog)
    };
    form.ticks = [true, true, true];
    let fx = update(&mut s, Event::Submit);
    assert!(matches!(
        fx.as_slice(),
        [Effect::Request(Request::CloseIncident {
            resolve_alert: true,
            ..
        })]
    ));
    act(&mut s, Action::Back);
    assert_eq!(s.incident, None);
}

#[test]
fn a_step_going_overdue_rings_the_bell_once() {
    let (mut store, mut s) = state_for("center");
    // Acknowledge everything so only the incident can ring.
    for a in s.snapshot.as_ref().unwrap().alerts.clone() {
        s.rung.insert(a.id);
    }
    let center = dutydesk::desk::Session::new(s.operator.clone(), "test-os-user");
    with_desk(&mut store, &center, |d| {
        d.open_incident(
            &dutydesk::desk::incidents::Subject::Unknown { station: None },
            "车站",
            "",
        )
    })
    .unwrap();
    let op = s.operator.clone();
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    assert!(
        update(&mut s, Event::Tick(now() + chrono::Duration::seconds(60))).is_empty(),
        "at the deadline: pending"
    );
    assert_eq!(
        update(&mut s, Event::Tick(now() + chrono::Duration::seconds(61))),
        vec![Effect::Bell]
    );
    assert!(update(&mut s, Event::Tick(now() + chrono::Duration::seconds(62))).is_empty());
}

#[test]
fn the_reports_view_asks_for_its_figures_only_while_open_and_w_exports() {
    let (store, mut s) = state_for("center");
    assert_eq!(
        act(&mut s, Action::ShowReports),
        vec![Effect::Request(Request::WatchReport(true))]
    );
    let op = s.operator.clone();
    let r = dutydesk::app::data::load_report(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Report(Box::new(r))));
    assert!(s.report.is_some());
    assert_eq!(
        act(&mut s, Action::Export),
        vec![Effect::Request(Request::ExportReport)]
    );
    act(&mut s, Action::Down);
    assert_eq!(s.report_scroll, 1);
    assert_eq!(
        act(&mut s, Action::ShowAlerts),
        vec![Effect::Request(Request::WatchReport(false))]
    );
    assert!(s.report.is_none());
}

#[test]
fn a_station_desk_cannot_open_another_stations_patient_by_id() {
    let (store, s) = state_for("wangjiang");
    let other = store
        .patients(&Default::default())
        .unwrap()
        .into_iter()
        .find(|p| p.jurisdiction.station != "望江派出所")
        .unwrap();
    let op = s.operator.clone();
    let d =
        dutydesk::app::data::load_detail(&store, &op, &Config::default(), other.id, true, now())
            .unwrap();
    assert!(
        d.is_none(),
        "no detail, no revealed ID, for another station's patient"
    );
    let mine = s.snapshot.as_ref().unwrap().patients[0].patient.id;
    assert!(
        dutydesk::app::data::load_detail(&store, &op, &Config::default(), mine, false, now())
            .unwrap()
            .is_some()
    );
}
