//! `update` against a real snapshot of the demo: every action does what its name says, and
//! store work leaves as requests.

mod common;

use common::*;
use crossterm::event::{Event as TermEvent, KeyEvent, KeyModifiers};
use dutydesk::app::action::{Effect, Event, Reply, Request};
use dutydesk::app::data::{load_detail, load_snapshot};
use dutydesk::app::keys::{Key, KeyMap};
use dutydesk::app::state::Layer;
use dutydesk::app::state::{Dialog, QuickFilter, Sort};
use dutydesk::app::{AppState, View, update};
use dutydesk::app::{InputMode, ScreenKind};
use dutydesk::config::Config;
use dutydesk::domain::alert::{AlertStatus, Severity};
use dutydesk::i18n::Lang;
use dutydesk::store::Store;

fn state_for(login: &str) -> (Store, AppState) {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator(login).unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    (store, s)
}

/// A key as the terminal sends it, through the real key map in the mode the state derives.
fn press(s: &mut AppState, name: &str) -> Vec<Effect> {
    let keys = KeyMap::new(&Default::default()).unwrap();
    let k = Key::parse(name).unwrap_or_else(|| panic!("key {name}"));
    let mut mods = KeyModifiers::NONE;
    if k.ctrl {
        mods |= KeyModifiers::CONTROL;
    }
    if k.alt {
        mods |= KeyModifiers::ALT;
    }
    let ev = TermEvent::Key(KeyEvent::new(k.code, mods));
    let mut fx = Vec::new();
    for e in keys.translate(&ev, s.input_mode()) {
        fx.extend(update(s, e));
    }
    fx
}

/// When the role is held, the console asks before replacing (naming both persons): answers
/// yes with the real key and returns what that sends; otherwise returns `fx` as it is.
fn yes_if_asked_to_replace(s: &mut AppState, fx: Vec<Effect>) -> Vec<Effect> {
    match s.dialog() {
        Some(Dialog::ConfirmTeamChange { question, .. }) if fx.is_empty() => {
            assert!(question.contains("改为"), "{question}");
            press(s, "y")
        }
        _ => fx,
    }
}

/// Types text key by key, as an operator would.
fn type_text(s: &mut AppState, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        let name = if c == ' ' {
            "space".to_string()
        } else {
            c.to_string()
        };
        fx.extend(press(s, &name));
    }
    fx
}

#[test]
fn views_switch_by_number_tab_and_back_tab() {
    let (_, mut s) = state_for("center");
    assert_eq!(s.view, View::Alerts);
    press(&mut s, "4");
    assert_eq!(s.view, View::Persons);
    press(&mut s, "tab");
    assert_eq!(s.view, View::Reports);
    press(&mut s, "backtab");
    press(&mut s, "backtab");
    assert_eq!(s.view, View::Incidents);
    for (k, v) in [
        ("1", View::Alerts),
        ("2", View::Patients),
        ("3", View::Incidents),
        ("5", View::Reports),
        ("6", View::Audit),
    ] {
        press(&mut s, k);
        assert_eq!(s.view, v);
    }
}

#[test]
fn cursor_moves_pages_and_stays_inside_the_list() {
    let (_, mut s) = state_for("center");
    let len = s.alerts.visible.len();
    press(&mut s, "k");
    assert_eq!(s.alerts.cursor.index, 0);
    press(&mut s, "j");
    press(&mut s, "down");
    assert_eq!(s.alerts.cursor.index, 2);
    press(&mut s, "pagedown");
    assert_eq!(s.alerts.cursor.index, 2 + s.page());
    press(&mut s, "G");
    assert_eq!(s.alerts.cursor.index, len - 1);
    assert!(s.alerts.cursor.offset + s.page() >= len);
    press(&mut s, "pageup");
    press(&mut s, "g");
    assert_eq!((s.alerts.cursor.index, s.alerts.cursor.offset), (0, 0));
}

#[test]
fn selection_follows_its_row_across_a_reload() {
    let (store, mut s) = state_for("center");
    for _ in 0..5 {
        press(&mut s, "j");
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
        press(&mut s, "a"),
        vec![Effect::Request(Request::Acknowledge(id))]
    );
    assert_eq!(
        press(&mut s, "p"),
        vec![Effect::Request(Request::InProgress(id))]
    );
    assert!(press(&mut s, "d").is_empty());
    assert!(matches!(s.dialog(), Some(Dialog::OneLine(_))));
    assert_eq!(s.input_mode(), InputMode::Line);
    // An empty note is not accepted; a note is.
    assert!(press(&mut s, "enter").is_empty());
    type_text(&mut s, "已送医");
    assert_eq!(
        press(&mut s, "enter"),
        vec![Effect::Request(Request::Resolve(id, "已送医".into()))]
    );
    assert!(s.dialog().is_none());
}

#[test]
fn report_asks_severity_then_note() {
    let (_, mut s) = state_for("center");
    let pid = s.selected_alert().unwrap().patient_id;
    press(&mut s, "n");
    assert_eq!(s.input_mode(), InputMode::Choice);
    press(&mut s, "1");
    type_text(&mut s, "来电");
    let fx = press(&mut s, "enter");
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
        press(&mut s, "enter"),
        vec![Effect::Request(Request::OpenDetail(pid))]
    );
    assert_eq!(s.focused_patient_id(), Some(pid));
    assert_eq!(s.input_mode(), InputMode::Normal(ScreenKind::Detail));
    assert_eq!(
        press(&mut s, "r"),
        vec![Effect::Request(Request::Reveal(pid))]
    );
    press(&mut s, "j");
    assert_eq!(s.detail().unwrap().scroll.top(), 1);
    assert_eq!(
        press(&mut s, "esc"),
        vec![Effect::Request(Request::CloseDetail)]
    );
    assert!(s.detail().is_none());
}

#[test]
fn patient_filter_is_incremental_and_esc_clears_it() {
    let (_, mut s) = state_for("center");
    press(&mut s, "2");
    let all = s.patients.visible.len();
    press(&mut s, "/");
    assert!(s.filtering());
    type_text(&mut s, "梅溪");
    let some = s.patients.visible.len();
    assert!(some > 0 && some < all);
    assert!(s.patients.visible.iter().all(|&i| {
        let p = &s.snapshot.as_ref().unwrap().patients[i];
        p.jurisdiction().village == "梅溪村"
    }));
    press(&mut s, "enter");
    assert!(!s.filtering());
    assert_eq!(s.patients.visible.len(), some, "Enter keeps the filter");
    press(&mut s, "esc");
    assert_eq!(s.patients.visible.len(), all);
}

#[test]
fn quick_filters_and_sort_cycle() {
    let (_, mut s) = state_for("center");
    press(&mut s, "2");
    press(&mut s, "v");
    assert_eq!(s.quick, QuickFilter::HighRisk);
    let snap = s.snapshot.as_ref().unwrap();
    assert!(
        s.patients
            .visible
            .iter()
            .all(|&i| snap.patients[i].is_high_risk())
    );
    press(&mut s, "o");
    assert_eq!(s.sort, Sort::Overdue);
    let snap = s.snapshot.as_ref().unwrap();
    // The active patients most overdue first; those no follow-up is due for after them.
    let days: Vec<(bool, i64)> = s
        .patients
        .visible
        .iter()
        .map(|&i| {
            let r = &snap.patients[i];
            (r.status.is_active(), r.days_overdue)
        })
        .collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
}

#[test]
fn assignment_checks_jurisdiction_before_sending() {
    let (_, mut s) = state_for("center");
    press(&mut s, "2");
    let p = s.selected_patient().unwrap().clone();
    press(&mut s, "s");
    press(&mut s, "2"); // station officer
    let Some(Dialog::AssignPerson { .. }) = s.dialog() else {
        panic!("{:?}", s.dialog())
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
            .all(|r| r.person.jurisdiction.station == p.jurisdiction().station)
    );
    let fx = press(&mut s, "enter");
    let fx = yes_if_asked_to_replace(&mut s, fx);
    assert!(
        matches!(fx.as_slice(), [Effect::Request(Request::Assign { .. })])
            || matches!(s.dialog(), Some(Dialog::ConfirmWorkload { .. }))
    );
}

#[test]
fn new_person_needs_a_name_and_takes_the_roles_jurisdiction() {
    let (_, mut s) = state_for("center");
    press(&mut s, "2");
    let p = s.selected_patient().unwrap().clone();
    press(&mut s, "s");
    press(&mut s, "3"); // village cadre
    press(&mut s, "ctrl-n");
    assert!(matches!(s.dialog(), Some(Dialog::NewPerson { .. })));
    assert!(press(&mut s, "enter").is_empty(), "no name, nothing sent");
    type_text(&mut s, "新干部");
    press(&mut s, "down");
    type_text(&mut s, "１３８００００９９９９");
    let fx = press(&mut s, "enter");
    let fx = yes_if_asked_to_replace(&mut s, fx);
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
            assert_eq!(jurisdiction.village, p.jurisdiction().village);
        }
        other => panic!("{other:?}"),
    }
}

fn follow_up_form(s: &AppState) -> &dutydesk::app::followup_form::FollowUpForm {
    match s.dialog() {
        Some(Dialog::FollowUp(f)) => f,
        other => panic!("{other:?}"),
    }
}

/// Moves the form's focus down to the row labelled `label` with the real keys.
fn focus_row(s: &mut AppState, label: &str) {
    use dutydesk::app::form::Form;
    for _ in 0..60 {
        let (rows, at) = match s.dialog() {
            Some(Dialog::FollowUp(f)) => (f.rows(s.lang), f.focus()),
            Some(Dialog::CloseIncident(f)) => (f.rows(s.lang), f.focus()),
            other => panic!("{other:?}"),
        };
        if rows[at].label == label {
            return;
        }
        press(s, "tab");
    }
    panic!("no row {label}");
}

#[test]
fn f_then_enter_on_the_alert_list_saves_nothing() {
    let (_, mut s) = state_for("center");
    press(&mut s, "f");
    assert!(matches!(s.dialog(), Some(Dialog::FollowUp(_))));
    for _ in 0..40 {
        assert!(press(&mut s, "enter").is_empty(), "Enter never submits");
    }
    assert!(
        press(&mut s, "ctrl-s").is_empty(),
        "nothing entered, nothing saved"
    );
    assert!(matches!(s.dialog(), Some(Dialog::FollowUp(_))));
    assert!(
        follow_up_form(&s)
            .problem
            .as_deref()
            .unwrap()
            .contains("随访日期")
    );
}

#[test]
fn follow_up_form_opens_with_the_patients_current_values_and_no_answers() {
    let (_, mut s) = state_for("center");
    let pid = s.selected_alert().unwrap().patient_id;
    let p = s.snapshot.as_ref().unwrap().patient(pid).unwrap().clone();
    press(&mut s, "f");
    let f = follow_up_form(&s);
    assert_eq!(f.risk, p.risk_level.value());
    assert_eq!(f.class, Some(p.condition));
    assert!(f.date.value().is_empty() && f.by.value().is_empty());
    assert_eq!((f.form, f.informant), (None, None));
}

#[test]
fn follow_up_form_refuses_a_contradiction_then_saves_after_the_summary() {
    let (_, mut s) = state_for("center");
    press(&mut s, "2");
    let p = s.selected_patient().unwrap().clone();
    press(&mut s, "f");
    type_text(&mut s, "2025-03-10");
    press(&mut s, "enter"); // to 随访方式
    assert!(matches!(
        s.input_mode(),
        InputMode::Form {
            on_choice: true,
            ..
        }
    ));
    press(&mut s, "right"); // 家庭访视
    press(&mut s, "enter"); // to 随访对象
    press(&mut s, "space"); // 患者
    // The answers of a reached patient, each chosen with →.
    for label in [
        "精神症状",
        "自知力",
        "睡眠",
        "饮食",
        "社会功能",
        "关锁",
        "住院",
        "药物不良反应",
        "严重躯体疾病",
        "治疗效果",
        "转诊",
    ] {
        let rows: Vec<String> = {
            use dutydesk::app::form::Form;
            follow_up_form(&s)
                .rows(s.lang)
                .into_iter()
                .map(|r| r.label)
                .collect()
        };
        let Some(full) = rows.iter().find(|r| r.as_str() == label) else {
            panic!("{label} in {rows:?}")
        };
        let full = full.clone();
        focus_row(&mut s, &full);
        press(&mut s, "right");
    }
    if follow_up_form(&s).compliance.is_none() {
        focus_row(&mut s, "服药依从性");
        press(&mut s, "right");
    }
    if follow_up_form(&s).medication.is_none() {
        focus_row(&mut s, "用药");
        press(&mut s, "right");
    }
    // A blank count of dangerous behaviour is not an answer: refused until typed.
    focus_row(&mut s, "随访人");
    type_text(&mut s, "望江医生丙");
    assert!(press(&mut s, "ctrl-s").is_empty());
    let problem = follow_up_form(&s).problem.clone().unwrap();
    assert!(problem.contains("轻度滋事"), "{problem}");
    for label in ["轻度滋事", "肇事", "肇祸", "其他危害", "自伤", "自杀未遂"] {
        let rows: Vec<String> = {
            use dutydesk::app::form::Form;
            follow_up_form(&s)
                .rows(s.lang)
                .into_iter()
                .map(|r| r.label)
                .collect()
        };
        let full = rows
            .iter()
            .find(|r| r.starts_with(label))
            .unwrap_or_else(|| panic!("{label} in {rows:?}"))
            .clone();
        focus_row(&mut s, &full);
        type_text(&mut s, "0");
    }
    // Risk 4 recorded as stable is refused with the reason.
    focus_row(&mut s, "危险性");
    for _ in 0..5 {
        press(&mut s, "left");
    }
    for _ in 0..4 {
        press(&mut s, "right");
    }
    focus_row(&mut s, "本次随访分类");
    for _ in 0..3 {
        press(&mut s, "left");
    }
    assert!(press(&mut s, "ctrl-s").is_empty());
    assert!(follow_up_form(&s).problem.is_some());
    assert!(!follow_up_form(&s).confirming);
    press(&mut s, "right");
    press(&mut s, "right");
    // Ctrl-S shows the summary; Esc goes back to the form; Enter on the summary saves.
    assert!(press(&mut s, "ctrl-s").is_empty());
    assert_eq!(s.input_mode(), InputMode::Confirm);
    press(&mut s, "esc");
    assert!(matches!(s.input_mode(), InputMode::Form { .. }));
    press(&mut s, "ctrl-s");
    let fx = press(&mut s, "enter");
    match fx.as_slice() {
        [
            Effect::Request(Request::FollowUp {
                patient_id,
                followup,
                correct: false,
            }),
        ] => {
            assert_eq!(*patient_id, p.id);
            assert_eq!(followup.by_whom, "望江医生丙");
            assert_eq!(followup.date.to_string(), "2025-03-10");
        }
        other => panic!("{other:?}"),
    }
    assert!(s.dialog().is_none());
}

#[test]
fn unassign_asks_naming_the_holder_then_sends_the_role_and_the_holder_seen() {
    let (store, mut s) = state_for("center");
    press(&mut s, "2");
    let pid = s.selected_patient().unwrap().id;
    press(&mut s, "enter");
    let detail = load_detail(&store, &s.operator, &Config::default(), pid, false, now())
        .unwrap()
        .unwrap();
    let guardian = detail
        .team
        .iter()
        .find(|m| m.role == dutydesk::domain::team::Role::Guardian)
        .unwrap()
        .person
        .clone();
    update(&mut s, Event::Store(Reply::Detail(Box::new(detail))));
    press(&mut s, "x");
    // Removing someone is asked first, naming them; nothing is sent before `y`.
    assert!(press(&mut s, "5").is_empty());
    match s.layers.last() {
        Some(Layer::Dialog(Dialog::ConfirmTeamChange { question, .. })) => {
            assert!(question.contains(&guardian.name), "{question}")
        }
        other => panic!("no confirmation: {other:?}"),
    }
    let fx = press(&mut s, "y");
    let guardian = guardian.id;
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
    assert!(press(&mut s, "a").is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("只读"));
    press(&mut s, "2");
    press(&mut s, "f");
    assert!(s.dialog().is_none());
}

#[test]
fn station_desk_sees_only_its_station() {
    let (_, s) = state_for("wangjiang");
    let snap = s.snapshot.as_ref().unwrap();
    assert!(
        snap.patients
            .iter()
            .all(|p| p.jurisdiction().station == "望江派出所")
    );
    assert!(snap.alerts.iter().all(|a| a.station() == "望江派出所"));
    assert_eq!(snap.counts.patients, snap.patients.len());
}

#[test]
fn help_opens_searches_scrolls_and_closes() {
    let (_, mut s) = state_for("center");
    press(&mut s, "?");
    assert_eq!(s.input_mode(), InputMode::Help);
    type_text(&mut s, "ack");
    assert_eq!(s.help().unwrap().search.value(), "ack");
    press(&mut s, "esc");
    assert!(s.help().is_none());
}

#[test]
fn quit_quits_and_suspend_suspends() {
    let (_, mut s) = state_for("center");
    assert_eq!(press(&mut s, "ctrl-z"), vec![Effect::Suspend]);
    assert_eq!(press(&mut s, "q"), vec![Effect::Quit]);
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
    press(&mut s, "end");
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
    press(&mut s, "i");
    type_text(&mut s, "村口");
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::OpenIncident {
            patient_id: Some(a.patient_id),
            alert_id: Some(a.id),
            location: "村口".into(),
            station: None,
        })]
    );
    update(&mut s, Event::Store(Reply::IncidentOpened(7)));
    assert_eq!((s.view, s.incident()), (View::Incidents, Some(7)));
}

#[test]
fn from_the_incidents_view_the_center_names_the_station_of_an_unknown_persons_incident() {
    let (_, mut s) = state_for("center");
    press(&mut s, "3");
    press(&mut s, "i");
    type_text(&mut s, "车站");
    // r2: the location first, then the station of the location, so that desk sees it.
    assert!(press(&mut s, "enter").is_empty());
    type_text(&mut s, "望江派出所");
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::OpenIncident {
            patient_id: None,
            alert_id: None,
            location: "车站".into(),
            station: Some("望江派出所".into()),
        })]
    );
}

fn with_incident(store: &mut Store, s: &mut AppState) -> i64 {
    let a = s.selected_alert().unwrap().clone();
    let center = dutydesk::desk::Session::new(s.operator.clone(), "test-os-user");
    let id = with_desk(store, &center, |d| {
        d.open_incident(&dutydesk::desk::incidents::Subject::Alert(a.id), "村口", "")
    })
    .unwrap();
    let op = s.operator.clone();
    let snap = load_snapshot(store, &op, &Config::default(), now()).unwrap();
    update(s, Event::Store(Reply::Snapshot(Box::new(snap))));
    id
}

#[test]
fn on_the_incident_screen_digits_mark_steps_and_do_not_switch_views() {
    let (mut store, mut s) = state_for("center");
    let id = with_incident(&mut store, &mut s);
    press(&mut s, "3");
    press(&mut s, "enter");
    assert_eq!(s.incident(), Some(id));
    assert_eq!(s.input_mode(), InputMode::Normal(ScreenKind::Incident));
    press(&mut s, "2");
    assert_eq!(s.view, View::Incidents, "2 does not switch views here");
    assert!(s.dialog().is_none(), "steps are recorded in order: 1 first");
    press(&mut s, "1");
    type_text(&mut s, "过路司机");
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::MarkStep {
            incident_id: id,
            step: 1,
            actor: "过路司机".into()
        })]
    );
    press(&mut s, "esc");
    assert_eq!(s.incident(), None);
}

#[test]
fn the_close_form_records_the_three_synchronisations_with_keys() {
    let (mut store, mut s) = state_for("center");
    let id = with_incident(&mut store, &mut s);
    press(&mut s, "3");
    press(&mut s, "enter");
    press(&mut s, "c");
    assert!(matches!(
        s.input_mode(),
        InputMode::Form {
            on_choice: true,
            ..
        }
    ));
    // Outcome with →, the three items with their keys, the counts, reported upward with Space.
    press(&mut s, "right");
    press(&mut s, "1");
    press(&mut s, "2");
    press(&mut s, "3");
    // The counts are typed: none is preset.
    for (row, n) in [("涉及人数", "1"), ("伤", "0"), ("亡", "0")] {
        focus_row(&mut s, row);
        type_text(&mut s, n);
    }
    focus_row(&mut s, "已上报上级");
    press(&mut s, "space");
    press(&mut s, "ctrl-s");
    assert_eq!(s.input_mode(), InputMode::Confirm);
    let fx = press(&mut s, "enter");
    match fx.as_slice() {
        [
            Effect::Request(Request::CloseIncident {
                incident_id,
                closing,
                resolve_alert: true,
            }),
        ] => {
            assert_eq!(*incident_id, id);
            assert!(
                closing.sync.legal.done && closing.sync.opinion.done && closing.sync.social.done
            );
            assert!(closing.reported_upward);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn enter_in_the_close_form_never_closes_the_incident() {
    let (mut store, mut s) = state_for("center");
    with_incident(&mut store, &mut s);
    press(&mut s, "3");
    press(&mut s, "enter");
    press(&mut s, "c");
    for _ in 0..30 {
        assert!(press(&mut s, "enter").is_empty());
    }
    assert!(matches!(s.dialog(), Some(Dialog::CloseIncident(_))));
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
            &dutydesk::desk::incidents::Subject::Unknown {
                station: Some("望江派出所".into()),
            },
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
        press(&mut s, "5"),
        vec![Effect::Request(Request::WatchReport(true))]
    );
    let op = s.operator.clone();
    let r = dutydesk::app::data::load_report(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Report(Box::new(r))));
    assert!(s.report.is_some());
    assert_eq!(
        press(&mut s, "w"),
        vec![Effect::Request(Request::ExportReport)]
    );
    press(&mut s, "j");
    assert_eq!(s.report_scroll.top(), 1);
    assert_eq!(
        press(&mut s, "1"),
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
    let mine = s.snapshot.as_ref().unwrap().patients[0].id;
    assert!(
        dutydesk::app::data::load_detail(&store, &op, &Config::default(), mine, false, now())
            .unwrap()
            .is_some()
    );
}

#[test]
fn the_input_mode_comes_from_the_top_layer() {
    let (_, mut s) = state_for("center");
    assert_eq!(
        s.input_mode(),
        InputMode::Normal(ScreenKind::List(View::Alerts))
    );
    press(&mut s, "enter");
    assert!(matches!(s.layers.last(), Some(Layer::Detail(_))));
    press(&mut s, "n");
    assert_eq!(s.input_mode(), InputMode::Choice);
    press(&mut s, "esc");
    assert_eq!(s.input_mode(), InputMode::Normal(ScreenKind::Detail));
    press(&mut s, "esc");
    assert!(s.layers.is_empty());
}

#[test]
fn footer_and_help_name_only_commands_the_keys_run() {
    use dutydesk::app::commands;
    let keys = KeyMap::new(&Default::default()).unwrap();
    let (mut store, mut s) = state_for("center");
    let with = |s: &AppState, k: &str| commands::footer(s, &keys).iter().any(|(x, _)| x == k);
    // Alerts: incident, follow-up and the rest are in the footer and in help.
    for k in ["i", "a", "f"] {
        assert!(with(&s, k), "{k} in the alerts footer");
    }
    let help: Vec<String> = commands::help(&s, &keys)
        .into_iter()
        .map(|c| c.name)
        .collect();
    for name in ["open-incident", "follow-up", "acknowledge", "quick-filter"] {
        assert!(help.contains(&name.to_string()), "{name} in help");
    }
    // Reports: export.
    press(&mut s, "5");
    let help: Vec<String> = commands::help(&s, &keys)
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(help.contains(&"export".to_string()));
    // The incident screen: digits are steps, not views.
    with_incident(&mut store, &mut s);
    press(&mut s, "3");
    press(&mut s, "enter");
    let help = commands::help(&s, &keys);
    assert!(help.iter().all(|c| c.name != "show-alerts"));
    assert!(help.iter().any(|c| c.name == "step1"));
    // Suspend is called suspend, not quit.
    let z = help.iter().find(|c| c.name == "suspend").unwrap();
    assert_ne!(z.label, dutydesk::i18n::T::KeyQuit);
    // A form's footer says save with Ctrl-S, never "Enter open".
    press(&mut s, "c");
    let f = commands::footer(&s, &keys);
    assert!(
        f.iter()
            .any(|(k, t)| k == "^S" && *t == dutydesk::i18n::T::Save)
    );
    assert!(f.iter().all(|(_, t)| *t != dutydesk::i18n::T::KeyOpen));
}

/// The same snapshot again with one alert added or changed, as another desk's write makes
/// the next reload show.
fn reload_with(
    s: &mut AppState,
    change: impl FnOnce(&mut Vec<dutydesk::app::alert_entry::AlertEntry>),
) {
    let mut snap = s.snapshot.clone().unwrap();
    change(&mut snap.alerts);
    let p1 = snap
        .alerts
        .iter()
        .filter(|a| a.severity == Severity::P1 && a.status == AlertStatus::New)
        .count();
    snap.counts.p1 = p1;
    update(s, Event::Store(Reply::Snapshot(Box::new(snap))))
        .into_iter()
        .for_each(drop);
}

fn new_p1(s: &AppState) -> dutydesk::app::alert_entry::AlertEntry {
    let snap = s.snapshot.as_ref().unwrap();
    let mut a = snap
        .alerts
        .iter()
        .find(|a| a.severity == Severity::P1)
        .unwrap()
        .clone();
    a.id = snap.alerts.iter().map(|a| a.id).max().unwrap() + 1;
    a.status = AlertStatus::New;
    a.taken_by = None;
    a.raised_at = now() + chrono::Duration::seconds(30);
    a
}

#[test]
fn a_new_p1_shows_a_banner_naming_patient_and_kind_until_someone_acknowledges_it() {
    let (_, mut s) = state_for("center");
    assert!(s.banner().is_none(), "what was there at start is not news");
    let a = new_p1(&s);
    let id = a.id;
    let mut snap = s.snapshot.clone().unwrap();
    snap.alerts.push(a.clone());
    let fx = update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    assert_eq!(fx, vec![Effect::Bell], "a new P1 rings");
    let (shown, more) = s.banner().unwrap();
    assert_eq!((shown.id, more), (id, 0));
    assert_eq!(shown.patient_name(), a.patient_name());
    // The banner takes a row: the list's page is one shorter.
    assert_eq!(s.chrome_rows(), 6);
    // Another desk acknowledges it: the banner goes.
    reload_with(&mut s, |alerts| {
        let x = alerts.iter_mut().find(|x| x.id == id).unwrap();
        x.status = AlertStatus::Acknowledged;
        x.taken_by = Some("wangjiang".into());
    });
    assert!(s.banner().is_none());
}

#[test]
fn a_snoozed_p1_leaves_the_banner_as_it_leaves_the_count() {
    let (_, mut s) = state_for("center");
    let a = new_p1(&s);
    let id = a.id;
    reload_with(&mut s, |alerts| alerts.push(a));
    assert_eq!(s.banner().map(|(x, _)| x.id), Some(id));
    reload_with(&mut s, |alerts| {
        let x = alerts.iter_mut().find(|x| x.id == id).unwrap();
        x.snoozed_until = Some(dutydesk::domain::clock::beijing_date(now()) + chrono::Days::new(1));
    });
    assert!(s.banner().is_none(), "a snoozed P1 is not announced");
}

#[test]
fn over_the_last_handover_a_still_takes_the_announced_p1() {
    let (_, mut s) = state_for("center");
    let took_over = || {
        Event::Store(Reply::Handover {
            taking_over: true,
            handover: None,
        })
    };
    // Without a banner, `a` over the reading does nothing and the reading stays.
    update(&mut s, took_over());
    assert_eq!(s.input_mode(), InputMode::Read);
    assert!(press(&mut s, "a").is_empty());
    assert_eq!(s.input_mode(), InputMode::Read);
    press(&mut s, "esc");
    // A P1 arrives while the next reading is open: `a` closes it and takes that P1.
    let a = new_p1(&s);
    let id = a.id;
    reload_with(&mut s, |alerts| alerts.push(a));
    update(&mut s, took_over());
    assert_eq!(s.input_mode(), InputMode::Read);
    let fx = press(&mut s, "a");
    assert!(
        fx.contains(&Effect::Request(Request::Acknowledge(id))),
        "{fx:?}"
    );
    assert!(s.dialog().is_none());
}

#[test]
fn unacknowledged_alerts_sort_first_within_a_severity_newest_first() {
    let (_, mut s) = state_for("center");
    let a = new_p1(&s);
    let id = a.id;
    reload_with(&mut s, |alerts| alerts.push(a));
    let snap = s.snapshot.as_ref().unwrap();
    let rows: Vec<_> = s.alerts.visible.iter().map(|&i| &snap.alerts[i]).collect();
    assert_eq!(rows[0].id, id, "the newest unacknowledged P1 is on top");
    for w in rows.windows(2) {
        let key =
            |a: &dutydesk::app::alert_entry::AlertEntry| (a.severity, a.status != AlertStatus::New);
        assert!(key(w[0]) <= key(w[1]));
        if key(w[0]) == key(w[1]) {
            assert!(w[0].raised_at >= w[1].raised_at);
        }
    }
}

#[test]
fn the_header_counts_unacknowledged_p1s_and_v_filters_them() {
    let (_, mut s) = state_for("center");
    let snap = s.snapshot.as_ref().unwrap();
    let unack = snap
        .alerts
        .iter()
        .filter(|a| a.severity == Severity::P1 && a.status == AlertStatus::New)
        .count();
    assert_eq!(snap.counts.p1, unack);
    press(&mut s, "v");
    assert_eq!(s.alert_quick, dutydesk::app::state::AlertQuick::NewP1);
    let snap = s.snapshot.as_ref().unwrap();
    assert_eq!(s.alerts.visible.len(), unack);
    assert!(s.alerts.visible.iter().all(|&i| {
        let a = &snap.alerts[i];
        a.severity == Severity::P1 && a.status == AlertStatus::New
    }));
}

#[test]
fn filter_words_are_and_ed_and_severity_words_match() {
    let (_, mut s) = state_for("center");
    press(&mut s, "/");
    type_text(&mut s, "P2");
    let snap = s.snapshot.as_ref().unwrap();
    assert!(!s.alerts.visible.is_empty());
    assert!(
        s.alerts
            .visible
            .iter()
            .all(|&i| snap.alerts[i].severity == Severity::P2)
    );
}

#[test]
fn the_patient_filter_matches_pinyin_initials_full_pinyin_and_several_words() {
    use dutydesk::app::search::pinyin;
    let (_, mut s) = state_for("center");
    press(&mut s, "2");
    let p = s
        .patients
        .visible
        .first()
        .map(|&i| s.snapshot.as_ref().unwrap().patients[i].clone())
        .unwrap();
    let (full, initials) = pinyin(p.name());
    for typed in [
        initials.clone(),
        full.clone(),
        format!("{} {}", initials, p.jurisdiction().village),
    ] {
        press(&mut s, "/");
        type_text(&mut s, &typed);
        let snap = s.snapshot.as_ref().unwrap();
        assert!(
            s.patients
                .visible
                .iter()
                .any(|&i| snap.patients[i].id == p.id),
            "{typed} finds {}",
            p.name()
        );
        press(&mut s, "esc");
    }
    // Two words narrow: every row shown matches both.
    press(&mut s, "/");
    type_text(
        &mut s,
        &format!("{} {}", p.jurisdiction().station, initials),
    );
    let snap = s.snapshot.as_ref().unwrap();
    assert!(s.patients.visible.iter().all(|&i| {
        let x = &snap.patients[i];
        x.jurisdiction().station == p.jurisdiction().station
    }));
}

#[test]
fn names_sort_by_pinyin() {
    use dutydesk::app::search::sort_key;
    let (_, mut s) = state_for("center");
    press(&mut s, "2");
    press(&mut s, "o");
    press(&mut s, "o");
    assert_eq!(s.sort, Sort::Name);
    let snap = s.snapshot.as_ref().unwrap();
    let keys: Vec<String> = s
        .patients
        .visible
        .iter()
        .map(|&i| sort_key(snap.patients[i].name()))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn quitting_with_an_open_incident_asks_and_y_quits() {
    let (mut store, mut s) = state_for("center");
    with_incident(&mut store, &mut s);
    assert!(press(&mut s, "q").is_empty());
    assert_eq!(s.input_mode(), InputMode::Choice);
    assert!(press(&mut s, "n").is_empty(), "anything but y stays");
    assert!(s.dialog().is_none());
    press(&mut s, "q");
    assert_eq!(press(&mut s, "y"), vec![Effect::Quit]);
}

#[test]
fn e_on_the_incident_screen_adds_a_note() {
    let (mut store, mut s) = state_for("center");
    let id = with_incident(&mut store, &mut s);
    press(&mut s, "3");
    press(&mut s, "enter");
    press(&mut s, "e");
    assert_eq!(s.input_mode(), InputMode::Line);
    type_text(&mut s, "家属已到场");
    assert_eq!(
        press(&mut s, "enter"),
        vec![Effect::Request(Request::IncidentNote {
            incident_id: id,
            text: "家属已到场".into()
        })]
    );
}

/// On shift, as the store thread reports it after a take-over; nothing is written.
fn on_shift(s: &mut AppState) {
    let mut snap = s.snapshot.clone().unwrap();
    snap.shift = Some(dutydesk::store::shifts::ShiftRow {
        id: 1,
        operator: s.operator.login.clone(),
        started_at: now() - chrono::Duration::hours(1),
        ended_at: None,
        handover: None,
    });
    update(s, Event::Store(Reply::Snapshot(Box::new(snap))));
}

#[test]
fn the_handover_note_is_multi_line_and_ctrl_s_hands_over() {
    let (_, mut s) = state_for("center");
    on_shift(&mut s);
    press(&mut s, "t");
    assert_eq!(s.input_mode(), InputMode::Editor);
    type_text(&mut s, "第一行");
    assert!(press(&mut s, "enter").is_empty(), "Enter is a new line");
    type_text(&mut s, "第二行 q");
    assert!(s.dialog().is_some(), "q is typed, not quit");
    press(&mut s, "esc");
    assert!(s.dialog().is_some(), "one Esc does not throw the note away");
    assert_eq!(
        press(&mut s, "ctrl-s"),
        vec![Effect::Request(Request::HandOver(
            "第一行\n第二行 q".into()
        ))]
    );
    assert!(s.dialog().is_none());
}

#[test]
fn the_last_handover_scrolls_to_its_end_and_closes() {
    let (_, mut s) = state_for("center");
    update(
        &mut s,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    let handover = dutydesk::store::shifts::Handover {
        operator: "center".into(),
        display_name: "值班员".into(),
        started_at: now() - chrono::Duration::hours(9),
        ended_at: now() - chrono::Duration::hours(1),
        open_alerts: [0, 0, 0],
        urgent: Vec::new(),
        open_incidents: Vec::new(),
        actions: Vec::new(),
        note: "很长的交班说明。".repeat(200),
        unacknowledged_p1: Vec::new(),
        done: Vec::new(),
        audit_head: None,
    };
    update(
        &mut s,
        Event::Store(Reply::Handover {
            taking_over: true,
            handover: Some(Box::new(handover)),
        }),
    );
    assert_eq!(s.input_mode(), InputMode::Read);
    // Drawing tells the popup how long its text is; then End stops at the last page.
    let keys = KeyMap::new(&Default::default()).unwrap();
    let ui = dutydesk::ui::Ui {
        keys: &keys,
        color: false,
    };
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| ui.draw(f, &s)).unwrap();
    press(&mut s, "G");
    let Some(Dialog::Read(r)) = s.dialog() else {
        panic!("{:?}", s.dialog())
    };
    let end = r.scroll.top();
    assert!(end > 0, "a long note scrolls");
    press(&mut s, "j");
    let Some(Dialog::Read(r)) = s.dialog() else {
        panic!()
    };
    assert_eq!(r.scroll.top(), end, "no scrolling past the last line");
    press(&mut s, "esc");
    assert!(s.dialog().is_none());
}

#[test]
fn a_workload_warning_asks_and_y_assigns() {
    let (_, mut s) = state_for("center");
    s.config.team.workload_threshold = 0;
    press(&mut s, "2");
    press(&mut s, "s");
    press(&mut s, "4"); // the doctor
    let fx = press(&mut s, "enter");
    assert!(fx.is_empty());
    let Some(Dialog::ConfirmWorkload { .. }) = s.dialog() else {
        panic!("{:?}", s.dialog())
    };
    assert_eq!(s.input_mode(), InputMode::Choice);
    let fx = press(&mut s, "y");
    let fx = yes_if_asked_to_replace(&mut s, fx);
    assert!(matches!(
        fx.as_slice(),
        [Effect::Request(Request::Assign { .. })]
    ));
}

#[test]
fn esc_on_a_form_with_answers_asks_before_throwing_them_away() {
    let (_, mut s) = state_for("center");
    press(&mut s, "f");
    press(&mut s, "esc");
    assert!(s.dialog().is_none(), "an untouched form closes at once");
    press(&mut s, "f");
    type_text(&mut s, "2025-03-10");
    press(&mut s, "esc");
    assert!(s.dialog().is_some(), "answers are not dropped on one key");
    assert!(follow_up_form(&s).problem.is_some());
    type_text(&mut s, "1");
    press(&mut s, "esc");
    assert!(s.dialog().is_some(), "typing again cancels the question");
    press(&mut s, "esc");
    assert!(s.dialog().is_none(), "a second Esc discards");
}

/// Ctrl-N in the picker names a person: when name and phone match a registered cadre of
/// another township, the one-door API refuses the assignment for that person's jurisdiction,
/// in words, and writes nothing (no person, no assignment).
#[test]
fn ctrl_n_naming_a_cadre_of_another_township_is_refused_and_writes_nothing() {
    let db = TempDb::new();
    let mut store = db.open();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    // A 青石镇 township cadre, and a patient of 望江街道.
    let outsider = store
        .persons(&dutydesk::store::Scope::All)
        .unwrap()
        .into_iter()
        .find(|p| {
            p.kind == dutydesk::domain::team::PersonKind::Cadre
                && p.jurisdiction.township == "青石镇"
                && p.jurisdiction.village.is_empty()
        })
        .expect("the demo has a 青石镇 township cadre");
    press(&mut s, "2");
    press(&mut s, "/");
    let target = store
        .patients(&Default::default())
        .unwrap()
        .into_iter()
        .find(|p| p.jurisdiction.township == "望江街道")
        .unwrap();
    type_text(&mut s, &target.name);
    press(&mut s, "enter");
    assert_eq!(s.selected_patient().unwrap().id, target.id);
    press(&mut s, "s");
    press(&mut s, "1"); // township cadre
    press(&mut s, "ctrl-n");
    type_text(&mut s, &outsider.name);
    press(&mut s, "down");
    type_text(&mut s, &outsider.phone);
    let fx = press(&mut s, "enter");
    let fx = yes_if_asked_to_replace(&mut s, fx);
    let request = match fx.as_slice() {
        [Effect::Request(r @ Request::CreateAndAssign { .. })] => r.clone(),
        other => panic!("{other:?}"),
    };
    drop(store);
    let before = dump(&db.path);
    // The store thread carries it out through the one door, as the console's does.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let requests = dutydesk::console::worker::spawn(
        db.path.clone(),
        dutydesk::desk::Session::new(op, "test-os-user"),
        Config::default(),
        Lang::Zh,
        std::sync::Arc::new(dutydesk::domain::clock::FixedClock(now())),
        tx,
    );
    requests.send(request).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let text = loop {
        assert!(std::time::Instant::now() < deadline, "no answer");
        match rx.try_recv() {
            Ok(Reply::Failed(text)) => break text,
            Ok(Reply::Done(t)) => panic!("assigned across jurisdictions: {t:?}"),
            Ok(_) => {}
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    };
    assert!(
        text.contains("青石镇") && text.contains("望江街道"),
        "{text}"
    );
    drop(requests);
    assert_eq!(dump(&db.path), before, "a refusal writes nothing");
}

/// A derived alert whose condition holds cannot be resolved; `z` snoozes it instead: the day
/// first (a line that is not a date stays open for correcting), then the reason.
#[test]
fn z_snoozes_the_selected_alert_until_a_day_with_a_reason() {
    let (_, mut s) = state_for("center");
    let alert = s.selected_alert().unwrap().id;
    assert!(press(&mut s, "z").is_empty());
    type_text(&mut s, "明天");
    assert!(
        press(&mut s, "enter").is_empty(),
        "not a date: nothing sent"
    );
    assert!(matches!(s.dialog(), Some(Dialog::OneLine(_))));
    for _ in 0..2 {
        press(&mut s, "backspace");
    }
    type_text(&mut s, "2025-03-20");
    assert!(
        press(&mut s, "enter").is_empty(),
        "the reason is asked next"
    );
    type_text(&mut s, "已住院观察");
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::Snooze {
            alert_id: alert,
            until: "2025-03-20".parse().unwrap(),
            reason: "已住院观察".into(),
        })]
    );
}

/// A P1 that arrives after the console loaded is announced in a banner offering `a`; `a`
/// then takes that alert, whichever row is highlighted and on whichever list.
#[test]
fn the_banners_a_acknowledges_the_announced_p1_not_the_highlighted_row() {
    let (mut store, mut s) = state_for("center");
    press(&mut s, "down");
    press(&mut s, "down");
    let highlighted = s.selected_alert().unwrap().id;
    // Another desk reports a P1; the next snapshot brings it.
    let patient = store.patients(&Default::default()).unwrap()[5].id;
    let desk = dutydesk::desk::Session::new(store.operator("center2").unwrap().unwrap(), "t");
    let new = with_desk(&mut store, &desk, |d| {
        d.report_alert(patient, Severity::P1, "群众来电")
    })
    .unwrap();
    let snap = load_snapshot(&store, &s.operator, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    assert_eq!(s.banner().map(|(a, _)| a.id), Some(new));
    assert_eq!(
        press(&mut s, "a"),
        vec![Effect::Request(Request::Acknowledge(new))]
    );
    assert_ne!(new, highlighted);
    // On the patients list too, and on a patient's screen.
    press(&mut s, "2");
    assert_eq!(
        press(&mut s, "a"),
        vec![Effect::Request(Request::Acknowledge(new))]
    );
    press(&mut s, "enter");
    assert_eq!(s.screen(), dutydesk::app::action::ScreenKind::Detail);
    assert_eq!(
        press(&mut s, "a"),
        vec![Effect::Request(Request::Acknowledge(new))]
    );
}

/// Away from the alerts list the highlighted alert is not on screen: with no banner, `a`
/// acknowledges nothing there.
#[test]
fn without_a_banner_a_off_the_alerts_list_acknowledges_nothing() {
    let (_, mut s) = state_for("center");
    assert!(s.banner().is_none());
    press(&mut s, "2");
    assert!(press(&mut s, "a").is_empty());
    press(&mut s, "enter");
    assert!(press(&mut s, "a").is_empty());
    press(&mut s, "esc");
    press(&mut s, "1");
    let id = s.selected_alert().unwrap().id;
    assert_eq!(
        press(&mut s, "a"),
        vec![Effect::Request(Request::Acknowledge(id))]
    );
}

#[test]
fn d_on_a_missing_alert_asks_to_whom_and_when_the_written_report_went() {
    use dutydesk::domain::alert::AlertKind;
    let (_, mut s) = state_for("center");
    while s.selected_alert().unwrap().kind != AlertKind::Missing {
        press(&mut s, "j");
    }
    let id = s.selected_alert().unwrap().id;
    assert!(press(&mut s, "d").is_empty());
    type_text(&mut s, "县委政法委");
    assert!(press(&mut s, "enter").is_empty());
    // A time that cannot be read keeps the line open and says what it expects.
    type_text(&mut s, "昨晚");
    assert!(press(&mut s, "enter").is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("报送时间"));
    for _ in 0.."昨晚".chars().count() {
        press(&mut s, "backspace");
    }
    // The test clock is 09:00 Beijing: 08:30 is this morning.
    type_text(&mut s, "08:30");
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::ResolveWithReport {
            alert_id: id,
            to: "县委政法委".into(),
            at: now() - chrono::Duration::minutes(30),
        })]
    );
}

fn on_reports(login: &str) -> (Store, AppState) {
    let (store, mut s) = state_for(login);
    press(&mut s, "5");
    let r =
        dutydesk::app::data::load_report(&store, &s.operator, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Report(Box::new(r))));
    (store, s)
}

#[test]
fn the_center_sets_a_control_level_from_the_reports_view_through_the_keys() {
    use dutydesk::domain::schedule::ControlLevel;
    let (_, mut s) = on_reports("center");
    assert!(press(&mut s, "L").is_empty());
    // Nothing is preset: saving at once names the level as missing.
    press(&mut s, "ctrl-s");
    assert!(press(&mut s, "enter").is_empty());
    press(&mut s, "up");
    press(&mut s, "right");
    press(&mut s, "right");
    press(&mut s, "down");
    type_text(&mut s, "2025-03-10");
    press(&mut s, "down");
    type_text(&mut s, "2025-03-16");
    press(&mut s, "down");
    type_text(&mut s, "望江街道");
    press(&mut s, "down");
    press(&mut s, "down");
    type_text(&mut s, "两会期间");
    assert!(press(&mut s, "ctrl-s").is_empty());
    let Some(Dialog::Control(form)) = s.dialog() else {
        panic!("the summary stays in the form")
    };
    use dutydesk::app::form::Form;
    let summary = form.summary(Lang::Zh);
    assert!(summary.contains(&("乡镇街道".to_string(), "望江街道".to_string())));
    let fx = press(&mut s, "enter");
    let Some(Effect::Request(Request::SetControl(c))) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(c.level, ControlLevel::Level2);
    assert_eq!(c.from.to_string(), "2025-03-10");
    assert_eq!(c.to.to_string(), "2025-03-16");
    assert_eq!(c.townships, vec!["望江街道".to_string()]);
    assert!(c.stations.is_empty());
    assert_eq!(c.reason, "两会期间");
}

#[test]
fn a_station_desk_cannot_set_a_control_level() {
    let (_, mut s) = on_reports("wangjiang");
    assert!(press(&mut s, "L").is_empty());
    assert!(s.dialog().is_none());
    assert!(s.message.as_ref().unwrap().error);
}

#[test]
fn the_center_ends_a_control_by_its_number_in_the_list() {
    let (mut store, _) = state_for("center");
    let center = tester(&mut store);
    let id = with_desk(&mut store, &center, |d| {
        d.set_control(&dutydesk::desk::control::NewControl {
            level: dutydesk::domain::schedule::ControlLevel::Level1,
            from: today(),
            to: today() + chrono::Days::new(3),
            townships: vec![],
            stations: vec![],
            reason: "重大活动".into(),
        })
    })
    .unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    press(&mut s, "5");
    let r = dutydesk::app::data::load_report(&store, &op, &Config::default(), now()).unwrap();
    assert_eq!(r.controls.len(), 1);
    update(&mut s, Event::Store(Reply::Report(Box::new(r))));
    press(&mut s, "E");
    type_text(&mut s, "2");
    assert!(press(&mut s, "enter").is_empty(), "there is no second");
    press(&mut s, "backspace");
    type_text(&mut s, "1");
    assert_eq!(
        press(&mut s, "enter"),
        vec![Effect::Request(Request::EndControl(id))]
    );
}

/// The center's console with the register loaded as the store thread sends it while no
/// screen reads the persons directory: without it.
fn without_persons() -> (Store, AppState) {
    let (store, mut s) = state_for("center");
    let snap = dutydesk::app::data::load_snapshot_with(
        &store,
        &s.operator,
        &Config::default(),
        now(),
        false,
    )
    .unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    (store, s)
}

#[test]
fn persons_are_asked_for_on_entering_their_view_and_dropped_at_the_tick_after_leaving() {
    let (store, mut s) = without_persons();
    let op = s.operator.clone();
    assert!(s.snapshot.as_ref().unwrap().persons.is_empty());
    assert_eq!(
        press(&mut s, "4"),
        vec![Effect::Request(Request::WatchPersons(true))]
    );
    let rows = dutydesk::app::data::load_persons_for(&store, &op).unwrap();
    assert!(!rows.is_empty());
    update(&mut s, Event::Store(Reply::Persons(Box::new(rows))));
    assert!(
        !s.persons.visible.is_empty(),
        "the view lists them once they arrive"
    );
    // Leaving keeps them until the next tick, then drops them and stops their reloads.
    assert!(press(&mut s, "1").is_empty());
    assert!(!s.snapshot.as_ref().unwrap().persons.is_empty());
    assert_eq!(
        update(&mut s, Event::Tick(now() + chrono::Duration::seconds(1))),
        vec![Effect::Request(Request::WatchPersons(false))]
    );
    assert!(s.snapshot.as_ref().unwrap().persons.is_empty());
    assert!(s.persons.visible.is_empty());
    // A directory arriving after it was dropped is not kept.
    let late = dutydesk::app::data::load_persons_for(&store, &op).unwrap();
    update(&mut s, Event::Store(Reply::Persons(Box::new(late))));
    assert!(s.snapshot.as_ref().unwrap().persons.is_empty());
}

#[test]
fn a_follow_up_form_opened_before_the_persons_arrive_offers_them_once_they_do() {
    let (store, mut s) = without_persons();
    let op = s.operator.clone();
    press(&mut s, "2");
    assert_eq!(
        press(&mut s, "f"),
        vec![Effect::Request(Request::WatchPersons(true))]
    );
    let offered = |s: &AppState| match s.dialog() {
        Some(Dialog::FollowUp(f)) => f.matches(dutydesk::app::followup_form::Field::By).len(),
        other => panic!("{other:?}"),
    };
    assert_eq!(offered(&s), 0);
    let rows = dutydesk::app::data::load_persons_for(&store, &op).unwrap();
    update(&mut s, Event::Store(Reply::Persons(Box::new(rows))));
    assert!(offered(&s) > 0);
}

/// A delta that changes patients where they stand (same place in the register) puts them
/// back in the list's order one by one; the order is the one a whole sort gives, for every
/// sort, and a row the quick filter no longer admits leaves the list.
#[test]
fn a_patient_changed_in_place_lands_where_a_whole_sort_puts_it() {
    use dutydesk::app::data::Delta;
    use dutydesk::app::update::order_patients;
    use dutydesk::domain::risk::RiskLevel;
    for sort in [Sort::Risk, Sort::Overdue, Sort::Name, Sort::Village] {
        for quick in [QuickFilter::All, QuickFilter::HighRisk] {
            let (_, mut s) = state_for("center");
            s.sort = sort;
            s.quick = quick;
            order_patients(&mut s);
            let snap = s.snapshot.clone().unwrap();
            // The first listed becomes the least risky and most overdue; the last the reverse.
            let first = snap.patients[s.patient_order[0]].clone();
            let last = snap.patients[*s.patient_order.last().unwrap()].clone();
            let mut a = first.clone();
            a.risk_level = RiskLevel::new(0).unwrap();
            a.days_overdue = 400;
            let mut b = last.clone();
            b.risk_level = RiskLevel::new(5).unwrap();
            b.days_overdue = -400;
            let d = Delta {
                patient_ids: vec![a.id, b.id],
                patients: vec![a, b],
                ..Default::default()
            };
            update(&mut s, Event::Store(Reply::Delta(Box::new(d))));
            let patched = s.patient_order.clone();
            order_patients(&mut s);
            assert_eq!(patched, s.patient_order, "{sort:?} {quick:?}");
            let ids: Vec<i64> = patched
                .iter()
                .map(|&i| s.snapshot.as_ref().unwrap().patients[i].id)
                .collect();
            if quick == QuickFilter::HighRisk {
                assert!(!ids.contains(&first.id), "level 0 is not high risk");
            }
            assert!(ids.contains(&last.id), "{sort:?} {quick:?}");
        }
    }
}

/// Sorted by overdue, the patients no follow-up is due for (deceased, moved out, closed) come
/// after every active one, however long ago their last due date was.
#[test]
fn sorted_by_overdue_those_no_follow_up_is_due_for_come_last() {
    use dutydesk::app::update::order_patients;
    let (_, mut s) = state_for("center");
    s.sort = Sort::Overdue;
    order_patients(&mut s);
    let snap = s.snapshot.as_ref().unwrap();
    let active: Vec<bool> = s
        .patient_order
        .iter()
        .map(|&i| snap.patients[i].status.is_active())
        .collect();
    assert!(active.contains(&false), "the demo has a deceased patient");
    let first_inactive = active.iter().position(|a| !a).unwrap();
    assert!(
        active[first_inactive..].iter().all(|a| !a),
        "an active patient after an inactive one: {active:?}"
    );
}
