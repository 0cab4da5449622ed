//! The follow-up form of SPEC revision 2 driven by the real keys (`KeyMap::translate` in the
//! mode the state derives) against the demo: 随访人 and joint visitors picked from the
//! directory, symptoms ticked with Space, a risk below the behaviour asking for its reason at
//! once, 监护人拒绝住院 and guidance obtained, 外出务工 with destination and departure date, and
//! a second follow-up the same day sent as a correction.

mod common;

use common::*;
use crossterm::event::{Event as TermEvent, KeyEvent, KeyModifiers};
use dutydesk::app::action::{Effect, Event, FormKind, Reply, Request};
use dutydesk::app::data::load_snapshot;
use dutydesk::app::followup_form::{Field, FollowUpForm};
use dutydesk::app::form::Form;
use dutydesk::app::keys::{Key, KeyMap};
use dutydesk::app::state::Dialog;
use dutydesk::app::{AppState, InputMode, update};
use dutydesk::config::Config;
use dutydesk::domain::followup::{FollowUpOutcome, HospitalStay, LockUp, Symptom, TreatmentEffect};
use dutydesk::domain::patient::Condition;
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

fn press(s: &mut AppState, name: &str) -> Vec<Effect> {
    let keys = KeyMap::new(&Default::default()).unwrap();
    let k = Key::parse(name).unwrap_or_else(|| panic!("key {name}"));
    let mut mods = KeyModifiers::NONE;
    if k.ctrl {
        mods |= KeyModifiers::CONTROL;
    }
    let ev = TermEvent::Key(KeyEvent::new(k.code, mods));
    let mut fx = Vec::new();
    for e in keys.translate(&ev, s.input_mode()) {
        fx.extend(update(s, e));
    }
    fx
}

fn type_text(s: &mut AppState, text: &str) {
    for c in text.chars() {
        press(s, &c.to_string());
    }
}

fn form(s: &AppState) -> &FollowUpForm {
    match s.dialog() {
        Some(Dialog::FollowUp(f)) => f,
        other => panic!("{other:?}"),
    }
}

fn labels(s: &AppState) -> Vec<String> {
    form(s).rows(s.lang).into_iter().map(|r| r.label).collect()
}

/// Tabs down to the row labelled `label`.
fn focus_row(s: &mut AppState, label: &str) {
    for _ in 0..80 {
        let f = form(s);
        if f.rows(s.lang)[f.focus()].label == label {
            return;
        }
        press(s, "tab");
    }
    panic!("no row {label} in {:?}", labels(s));
}

fn row_note(s: &AppState, label: &str) -> String {
    form(s)
        .rows(s.lang)
        .into_iter()
        .find(|r| r.label == label)
        .map(|r| r.note)
        .unwrap_or_else(|| panic!("no row {label}"))
}

/// Opens the form on the first patient of the list whose condition is `condition`.
fn open_on(s: &mut AppState, condition: Condition) -> i64 {
    press(s, "2");
    for _ in 0..200 {
        let p = s.selected_patient().unwrap();
        if p.condition == condition && p.status.is_active() {
            let id = p.id;
            press(s, "f");
            assert!(matches!(s.dialog(), Some(Dialog::FollowUp(_))));
            return id;
        }
        press(s, "down");
    }
    panic!("no {condition:?} patient in the demo");
}

/// Date, home visit, the patient seen.
fn start_reached(s: &mut AppState, date: &str) {
    type_text(s, date);
    press(s, "enter");
    press(s, "right"); // 家庭访视
    press(s, "enter");
    press(s, "right"); // 患者
}

/// Every choice still unset gets its first option with →; every behaviour count left blank
/// gets a typed 0 (a blank count is not given, and refused).
fn answer_the_rest(s: &mut AppState) {
    for _ in 0..40 {
        let rows = form(s).rows(s.lang);
        if let Some(r) = rows
            .iter()
            .find(|r| r.label.ends_with("（次）") && r.value.is_empty())
        {
            let label = r.label.clone();
            focus_row(s, &label);
            type_text(s, "0");
            continue;
        }
        let Some(r) = rows.iter().find(|r| r.unset) else {
            return;
        };
        let label = r.label.clone();
        focus_row(s, &label);
        press(s, "right");
    }
}

/// On a person row: → then ← (back to the first match), Enter takes it.
fn take_first(s: &mut AppState) {
    press(s, "right");
    press(s, "left");
    press(s, "enter");
}

/// The initials of a name in pinyin, as an operator types them.
fn initials(name: &str) -> String {
    dutydesk::app::search::pinyin(name).1
}

#[test]
fn the_visitor_is_picked_from_the_team_first_filtered_by_pinyin_or_typed_freely() {
    let (_, mut s) = state_for("center");
    open_on(&mut s, Condition::Unstable);
    focus_row(&mut s, "随访人");
    assert_eq!(
        s.input_mode(),
        InputMode::Form {
            kind: FormKind::Person,
            on_choice: false
        }
    );
    let team = form(&s).team.clone();
    assert!(!team.is_empty());
    // Enter pressed blindly names nobody: it only moves on.
    press(&mut s, "enter");
    assert!(form(&s).by.value().is_empty() && !form(&s).touched);
    press(&mut s, "up");
    let offered: Vec<String> = form(&s)
        .matches(Field::By)
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(offered[..team.len()], team[..], "the team comes first");
    assert!(offered.len() > team.len(), "then the area's persons");
    // Typing the initials of a team member narrows the list to them; Enter takes them.
    let doctor = team[team.len() - 2].clone();
    type_text(&mut s, &initials(&doctor));
    assert_eq!(form(&s).matches(Field::By)[0].name, doctor);
    assert!(row_note(&s, "随访人").starts_with(&format!("▸{doctor}")));
    press(&mut s, "enter");
    assert_eq!(form(&s).by.value(), doctor);
    // Enter moved on to the joint visitors: two picked, the second with → among matches.
    assert_eq!(form(&s).rows(s.lang)[form(&s).focus()].label, "联合随访人");
    let officer = team[1].clone();
    type_text(&mut s, &initials(&officer));
    press(&mut s, "enter");
    assert_eq!(form(&s).joint_visitors, vec![officer.clone()]);
    let all = form(&s).matches(Field::Joint).len();
    assert!(all > 1);
    press(&mut s, "right");
    let second = form(&s).matches(Field::Joint)[1].name.clone();
    press(&mut s, "enter");
    assert_eq!(form(&s).joint_visitors, vec![officer.clone(), second]);
    // Backspace on the empty row takes the last one back.
    press(&mut s, "backspace");
    assert_eq!(form(&s).joint_visitors, vec![officer.clone()]);
    // Someone not in the directory is typed freely and kept as typed.
    type_text(&mut s, "外来志愿者");
    assert!(row_note(&s, "联合随访人").contains("人员库中无此人"));
    press(&mut s, "enter");
    assert_eq!(
        form(&s).joint_visitors,
        vec![officer, "外来志愿者".to_string()]
    );
}

#[test]
fn symptoms_are_several_ticked_with_space_and_options_are_the_national_records() {
    let (_, mut s) = state_for("center");
    open_on(&mut s, Condition::BasicallyStable);
    start_reached(&mut s, "2025-03-10");
    focus_row(&mut s, "目前症状");
    press(&mut s, "space"); // 幻觉
    press(&mut s, "right");
    press(&mut s, "right");
    press(&mut s, "space"); // 猜疑
    press(&mut s, "right");
    press(&mut s, "space"); // 喜怒无常
    press(&mut s, "space"); // and off again
    assert_eq!(
        form(&s).symptom_list,
        vec![Symptom::Hallucination, Symptom::Suspicion]
    );
    focus_row(&mut s, "关锁");
    press(&mut s, "right");
    press(&mut s, "right");
    press(&mut s, "right");
    focus_row(&mut s, "住院");
    press(&mut s, "left");
    let rows = form(&s).rows(s.lang);
    let value = |l: &str| rows.iter().find(|r| r.label == l).unwrap().value.clone();
    assert_eq!(value("目前症状"), "幻觉、猜疑");
    assert_eq!(value("关锁"), "关锁已解除");
    assert_eq!(value("住院"), "既往住院，现未住院");
    focus_row(&mut s, "治疗效果");
    press(&mut s, "right");
    assert_eq!(form(&s).rows(s.lang)[form(&s).focus()].value, "痊愈");
    answer_the_rest(&mut s);
    let f = save(&mut s);
    let FollowUpOutcome::Reached(a) = &f.outcome else {
        panic!()
    };
    assert_eq!(a.symptoms, vec![Symptom::Hallucination, Symptom::Suspicion]);
    assert_eq!(a.locked_up, LockUp::LockReleased);
    assert_eq!(a.hospitalised, HospitalStay::AdmittedBefore);
    assert_eq!(a.treatment_effect, TreatmentEffect::Cured);
}

/// The class set to the proposal, 随访人 the first offered, saved and confirmed: the record sent.
fn save(s: &mut AppState) -> dutydesk::domain::followup::FollowUp {
    focus_row(s, "本次随访分类");
    let proposed = form(s).proposed().0;
    for key in ["right", "right", "left", "left", "left"] {
        if form(s).class() == proposed {
            break;
        }
        press(s, key);
    }
    focus_row(s, "随访人");
    take_first(s);
    press(s, "ctrl-s");
    assert_eq!(s.input_mode(), InputMode::Confirm, "{:?}", form(s).problem);
    match press(s, "enter").as_slice() {
        [Effect::Request(Request::FollowUp { followup, .. })] => (**followup).clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_risk_below_the_behaviour_is_flagged_at_once_and_asks_for_the_reason_in_the_form() {
    let (_, mut s) = state_for("center");
    let pid = open_on(&mut s, Condition::Unstable);
    start_reached(&mut s, "2025-03-10");
    focus_row(&mut s, "危险性");
    for _ in 0..5 {
        press(&mut s, "left");
    }
    press(&mut s, "right"); // risk 1
    assert!(!labels(&s).contains(&"低于所示等级的理由".to_string()));
    focus_row(&mut s, "肇事（次）");
    type_text(&mut s, "1");
    // At once, before any save: the risk row says so and the reason row appears.
    assert!(
        row_note(&s, "危险性").contains("3"),
        "{}",
        row_note(&s, "危险性")
    );
    assert!(labels(&s).contains(&"低于所示等级的理由".to_string()));
    answer_the_rest(&mut s);
    focus_row(&mut s, "本次随访分类");
    press(&mut s, "left"); // basically stable, as risk 1 gives
    focus_row(&mut s, "随访人");
    type_text(&mut s, "医生");
    press(&mut s, "enter");
    press(&mut s, "ctrl-s");
    assert!(
        form(&s)
            .problem
            .as_deref()
            .unwrap()
            .contains("低于所示等级的理由"),
        "{:?}",
        form(&s).problem
    );
    focus_row(&mut s, "低于所示等级的理由");
    type_text(&mut s, "邻里口角无后果");
    press(&mut s, "ctrl-s");
    assert!(form(&s).problem.is_none(), "{:?}", form(&s).problem);
    let fx = press(&mut s, "enter");
    let [
        Effect::Request(Request::FollowUp {
            patient_id,
            followup,
            correct: false,
        }),
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(*patient_id, pid);
    let FollowUpOutcome::Reached(a) = &followup.outcome else {
        panic!()
    };
    assert_eq!(a.dangerous.trouble, 1);
    assert_eq!(a.risk_level.value(), 1);
    assert_eq!(a.risk_override_reason.as_deref(), Some("邻里口角无后果"));
}

#[test]
fn guardian_refusing_admission_and_guidance_obtained_are_answered_in_the_form() {
    let (_, mut s) = state_for("center");
    open_on(&mut s, Condition::Unstable);
    start_reached(&mut s, "2025-03-10");
    focus_row(&mut s, "危险性");
    for _ in 0..3 {
        press(&mut s, "right");
    }
    answer_the_rest(&mut s);
    focus_row(&mut s, "本次随访分类");
    press(&mut s, "right");
    press(&mut s, "right");
    assert_eq!(form(&s).class(), Condition::Unstable);
    focus_row(&mut s, "监护人拒绝住院");
    press(&mut s, "space");
    focus_row(&mut s, "已获技术指导");
    press(&mut s, "space");
    focus_row(&mut s, "指导医师");
    let doctors: Vec<_> = form(&s)
        .matches(Field::GuidanceBy)
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert!(!doctors.is_empty());
    take_first(&mut s);
    assert_eq!(form(&s).guidance_by.value(), doctors[0]);
    focus_row(&mut s, "指导日期");
    type_text(&mut s, "2025-03-08");
    focus_row(&mut s, "随访人");
    take_first(&mut s);
    press(&mut s, "ctrl-s");
    assert_eq!(s.input_mode(), InputMode::Confirm, "{:?}", form(&s).problem);
    // The summary says what the refusal means for the next visit.
    let summary = form(&s).summary(s.lang);
    let next = summary
        .iter()
        .find(|(l, _)| l == "下次随访日期")
        .unwrap_or_else(|| panic!("{summary:?}"));
    assert!(
        next.1.contains("联合随访") && next.1.contains("2025-03-24"),
        "{next:?}"
    );
    let fx = press(&mut s, "enter");
    let [Effect::Request(Request::FollowUp { followup, .. })] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let FollowUpOutcome::Reached(a) = &followup.outcome else {
        panic!()
    };
    assert!(a.guardian_refuses_admission);
    let g = followup.guidance.as_ref().unwrap();
    assert_eq!(
        (g.doctor.as_str(), g.date.to_string().as_str()),
        (doctors[0].as_str(), "2025-03-08")
    );
}

#[test]
fn not_reached_working_away_asks_for_destination_and_departure_date() {
    let (_, mut s) = state_for("center");
    open_on(&mut s, Condition::BasicallyStable);
    type_text(&mut s, "2025-03-10");
    press(&mut s, "enter");
    press(&mut s, "left"); // 电话
    focus_row(&mut s, "随访对象");
    for _ in 0..4 {
        press(&mut s, "right"); // 未访到
    }
    focus_row(&mut s, "未访到原因");
    press(&mut s, "right"); // 外出务工
    assert!(labels(&s).contains(&"去向".to_string()));
    assert!(labels(&s).contains(&"外出日期".to_string()));
    focus_row(&mut s, "随访人");
    type_text(&mut s, "医生");
    press(&mut s, "enter");
    press(&mut s, "ctrl-s");
    assert!(form(&s).problem.as_deref().unwrap().contains("去向"));
    focus_row(&mut s, "去向");
    type_text(&mut s, "广东省广州市");
    press(&mut s, "ctrl-s");
    assert!(form(&s).problem.as_deref().unwrap().contains("外出日期"));
    focus_row(&mut s, "外出日期");
    type_text(&mut s, "2025-01-20");
    press(&mut s, "ctrl-s");
    let fx = press(&mut s, "enter");
    let [Effect::Request(Request::FollowUp { followup, .. })] = fx.as_slice() else {
        panic!("{fx:?} {:?}", s.dialog())
    };
    assert_eq!(
        followup.outcome,
        FollowUpOutcome::NotReached {
            reason: dutydesk::domain::followup::NotReachedReason::WorkingAway,
            destination: "广东省广州市".into(),
            departed_on: Some("2025-01-20".parse().unwrap()),
        }
    );
    // 迁居 asks the destination only; 走失 neither.
    let (_, mut s) = state_for("center");
    open_on(&mut s, Condition::BasicallyStable);
    focus_row(&mut s, "随访对象");
    press(&mut s, "left"); // 死亡
    press(&mut s, "left"); // 未访到
    focus_row(&mut s, "未访到原因");
    press(&mut s, "right");
    press(&mut s, "right"); // 迁居他处
    assert!(labels(&s).contains(&"去向".to_string()));
    assert!(!labels(&s).contains(&"外出日期".to_string()));
    press(&mut s, "right"); // 走失
    assert!(!labels(&s).contains(&"去向".to_string()));
}

#[test]
fn a_second_follow_up_the_same_day_says_it_corrects_the_first_and_asks_before_sending() {
    let (_, mut s) = state_for("center");
    open_on(&mut s, Condition::BasicallyStable);
    let last = form(&s)
        .last_followup
        .expect("the demo patient was followed up");
    start_reached(&mut s, &last.to_string());
    assert!(form(&s).corrects());
    assert!(row_note(&s, "随访日期").contains("更正"));
    answer_the_rest(&mut s);
    focus_row(&mut s, "本次随访分类");
    let proposed = form(&s).proposed().0;
    for _ in 0..3 {
        if form(&s).class() == proposed {
            break;
        }
        press(&mut s, "right");
    }
    for _ in 0..3 {
        if form(&s).class() == proposed {
            break;
        }
        press(&mut s, "left");
    }
    focus_row(&mut s, "随访人");
    take_first(&mut s);
    assert!(press(&mut s, "ctrl-s").is_empty());
    assert_eq!(s.input_mode(), InputMode::Confirm, "{:?}", form(&s).problem);
    let summary = form(&s).summary(s.lang);
    assert_eq!(summary[0].0, "更正", "{summary:?}");
    assert!(summary[0].1.contains("替换"));
    let fx = press(&mut s, "enter");
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Request(Request::FollowUp { correct: true, .. })]
        ),
        "{fx:?}"
    );
}
