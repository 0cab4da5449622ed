//! At 3 a.m. on an 80×24 desk: `d` on an alert whose condition holds says at once what would
//! clear it (no note typed for nothing), a long message is cut with an ellipsis and read whole
//! with a key, a blank count of dangerous behaviour is not saved as 0, and the open-incident
//! dialog names whom it is for. Keys go through the real key map.

mod common;

use common::*;
use crossterm::event::{Event as TermEvent, KeyEvent, KeyModifiers};
use dutydesk::app::action::{Effect, Event, Reply, Request};
use dutydesk::app::data::{load_first, load_snapshot};
use dutydesk::app::keys::{Key, KeyMap};
use dutydesk::app::state::Dialog;
use dutydesk::app::{AppState, InputMode, update};
use dutydesk::config::Config;
use dutydesk::desk::Session;
use dutydesk::domain::alert::AlertKind;
use dutydesk::i18n::Lang;
use dutydesk::store::Store;

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

fn state() -> (Store, AppState) {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    (store, s)
}

fn draw(s: &AppState) -> String {
    let keys = KeyMap::new(&Default::default()).unwrap();
    let ui = dutydesk::ui::Ui {
        keys: &keys,
        color: false,
    };
    let mut t =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(s.width, s.height)).unwrap();
    t.draw(|f| ui.draw(f, s)).unwrap();
    t.backend().to_string()
}

use dutydesk::app::followup_form::{Field, FormProblem};

/// Moves the follow-up form's focus to `field` with Tab, as an operator would.
fn focus_row(s: &mut AppState, field: Field) {
    for _ in 0..60 {
        let Some(Dialog::FollowUp(f)) = s.dialog() else {
            panic!("{:?}", s.dialog())
        };
        if f.focused() == field {
            return;
        }
        press(s, "tab");
    }
    panic!("no field {field:?}");
}

fn select_alert(s: &mut AppState, kind: AlertKind) -> i64 {
    for _ in 0..s.alerts.visible.len() {
        if let Some(a) = s.selected_alert()
            && a.kind == kind
        {
            return a.id;
        }
        press(s, "j");
    }
    panic!("no {kind:?} alert");
}

#[test]
fn d_on_an_alert_whose_condition_holds_asks_the_store_first_and_says_what_would_clear_it() {
    let (mut store, mut s) = state();
    let id = select_alert(&mut s, AlertKind::Unstable);
    let fx = press(&mut s, "d");
    assert_eq!(fx, vec![Effect::Request(Request::CheckResolvable(id))]);
    assert!(s.dialog().is_none(), "no note asked for yet");
    // What the store thread answers, through the one door.
    let center = Session::new(s.operator.clone(), "test-os-user");
    let err = with_desk(&mut store, &center, |d| d.check_resolvable(id)).unwrap_err();
    let before = store.audit_count().unwrap();
    update(
        &mut s,
        Event::Store(Reply::Failed(Lang::Zh.desk_error(&err))),
    );
    assert_eq!(
        store.audit_count().unwrap(),
        before,
        "the check writes nothing"
    );
    let m = s.message.clone().unwrap();
    assert!(m.error);
    assert!(
        m.text.contains("随访") && m.text.contains("暂缓（z）"),
        "{}",
        m.text
    );
    assert!(s.dialog().is_none());
    // z is the way offered: it opens at once.
    press(&mut s, "z");
    assert_eq!(s.input_mode(), InputMode::Line);
}

#[test]
fn d_on_a_reported_alert_asks_for_the_note_at_once_and_a_resolvable_answer_opens_it() {
    let (_, mut s) = state();
    let id = select_alert(&mut s, AlertKind::Reported);
    assert!(press(&mut s, "d").is_empty());
    assert_eq!(s.input_mode(), InputMode::Line);
    press(&mut s, "esc");
    // A derived alert the store says can be resolved (its condition just ended).
    update(&mut s, Event::Store(Reply::Resolvable(id)));
    assert_eq!(s.input_mode(), InputMode::Line);
}

#[test]
fn a_long_message_at_80_columns_is_cut_with_an_ellipsis_and_m_shows_it_whole() {
    let (_, mut s) = state();
    let long = "该预警已由 望江派出所值班室 03:12:05 处理，现为“处置中”。未作任何改动。请与该值班室联系后再处置，或在预警详情中查看处置记录。";
    update(&mut s, Event::Store(Reply::Failed(long.to_string())));
    let screen = draw(&s);
    let status = screen.lines().nth(22).unwrap();
    assert!(status.contains('…'), "{status}");
    assert!(status.contains("M 消息全文"), "{status}");
    press(&mut s, "M");
    assert_eq!(s.input_mode(), InputMode::Read);
    let screen = draw(&s);
    // Each row between its quotes (TestBackend adds a note on wide glyphs after them).
    let joined: String = screen
        .lines()
        .filter_map(|l| Some(&l[l.find('"')? + 1..l.rfind('"')?]))
        // The popup's rows: between its borders.
        .filter_map(|l| {
            let (a, b) = (l.find('│')?, l.rfind('│')?);
            (a < b).then(|| &l[a + '│'.len_utf8()..b])
        })
        .collect::<Vec<_>>()
        .join("");
    let joined: String = joined.chars().filter(|c| *c != ' ').collect();
    let wanted: String = long.chars().filter(|c| *c != ' ').collect();
    assert!(joined.contains(&wanted), "the whole message:\n{screen}");
    press(&mut s, "esc");
    // After it leaves the status line, M still shows it.
    update(&mut s, Event::Tick(now() + chrono::Duration::seconds(30)));
    assert!(s.message.is_none());
    press(&mut s, "M");
    assert_eq!(s.input_mode(), InputMode::Read);
}

#[test]
fn a_blank_count_of_dangerous_behaviour_is_not_saved_as_zero() {
    let (_, mut s) = state();
    press(&mut s, "2");
    press(&mut s, "f");
    let keys = |s: &mut AppState, seq: &str| {
        let mut fx = Vec::new();
        for k in seq.split_whitespace() {
            fx.extend(press(s, k));
        }
        fx
    };
    for c in "2025-03-09".chars() {
        press(&mut s, &c.to_string());
    }
    // Every choice answered with the keys; the six counts passed over, left blank.
    keys(
        &mut s,
        "enter right enter right down down right down right down right down right down right \
         down down down down down down down right down right down right down right down right \
         down right down right down right down right down down down",
    );
    // Every choice left unset is answered with →; then 随访人.
    loop {
        let Some(Dialog::FollowUp(form)) = s.dialog() else {
            panic!()
        };
        match form.to_followup() {
            Err(FormProblem::Missing(f)) if f != Field::Minor && f != Field::By => {
                focus_row(&mut s, f);
                press(&mut s, "right");
            }
            _ => break,
        }
    }
    focus_row(&mut s, Field::By);
    for c in "医生乙".chars() {
        press(&mut s, &c.to_string());
    }
    assert!(keys(&mut s, "ctrl-s").is_empty());
    assert!(
        matches!(s.input_mode(), InputMode::Form { .. }),
        "no summary"
    );
    let Some(Dialog::FollowUp(form)) = s.dialog() else {
        panic!()
    };
    let problem = form.problem.clone().unwrap();
    assert!(
        problem.contains("轻度滋事"),
        "{problem} {:?}",
        form.date.value()
    );
    // None, typed in each count.
    focus_row(&mut s, Field::Minor);
    keys(&mut s, "0 down 0 down 0 down 0 down 0 down 0 ctrl-s");
    assert_eq!(s.input_mode(), InputMode::Confirm);
    let fx = press(&mut s, "enter");
    let [Effect::Request(Request::FollowUp { followup, .. })] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let dutydesk::domain::followup::FollowUpOutcome::Reached(a) = &followup.outcome else {
        panic!()
    };
    assert_eq!(a.dangerous, Default::default(), "zeros that were typed");
}

#[test]
fn the_open_incident_dialog_names_the_patient_even_before_the_register_has_loaded() {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    // Only the quick first load (alerts, counts, incidents): no register yet.
    let first = load_first(&store, &op, now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(first))));
    let name = s.selected_alert().unwrap().patient_name().to_string();
    press(&mut s, "i");
    assert_eq!(s.input_mode(), InputMode::Line);
    let screen = draw(&s);
    let title = screen
        .lines()
        .find(|l| l.contains("快反开案"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(title.contains(&name), "{title}");
    assert!(!title.contains('…'), "nothing cut: {title}");
}
