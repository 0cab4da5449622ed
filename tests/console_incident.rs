//! The incident screen during a response, driven by keys through the real key map in the mode
//! the state derives: the five persons and their phones, the jump to the patient and back,
//! steps in order or skipped with a reason, a correction, and actors picked as typed.

mod common;

use chrono::Duration;
use common::*;
use crossterm::event::{Event as TermEvent, KeyEvent, KeyModifiers};
use dutydesk::app::action::{Effect, Event, Reply, Request};
use dutydesk::app::data::load_snapshot;
use dutydesk::app::incident_team::load_incident_team;
use dutydesk::app::keys::{Key, KeyMap};
use dutydesk::app::state::Dialog;
use dutydesk::app::{AppState, InputMode, ScreenKind, View, update};
use dutydesk::config::Config;
use dutydesk::desk::Session;
use dutydesk::desk::incidents::Subject;
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

fn type_text(s: &mut AppState, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(press(s, &c.to_string()));
    }
    fx
}

fn reload(store: &Store, s: &mut AppState) {
    let op = s.operator.clone();
    let snap = load_snapshot(store, &op, &Config::default(), s.now).unwrap();
    update(s, Event::Store(Reply::Snapshot(Box::new(snap))));
    if let Some(id) = s.incident() {
        let revealed = s.incident_team.as_ref().is_some_and(|t| t.revealed);
        let t = load_incident_team(store, &op, id, revealed)
            .unwrap()
            .unwrap();
        update(s, Event::Store(Reply::IncidentTeam(Box::new(t))));
    }
}

/// The demo as the center sees it, with an incident opened a minute ago from the first alert,
/// its screen on top (as the store thread answers an opening).
fn on_incident_screen() -> (Store, AppState, i64) {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    reload(&store, &mut s);
    let a = s.selected_alert().unwrap().clone();
    let center = Session::new(op, "test-os-user");
    let id = with_desk_at(&mut store, &center, now() - Duration::seconds(60), |d| {
        d.open_incident(&Subject::Alert(a.id), "村口", "")
    })
    .unwrap();
    let fx = update(&mut s, Event::Store(Reply::IncidentOpened(id)));
    assert!(fx.contains(&Effect::Request(Request::WatchIncident(Some(id)))));
    reload(&store, &mut s);
    assert_eq!(s.input_mode(), InputMode::Normal(ScreenKind::Incident));
    (store, s, id)
}

fn carry_out(store: &mut Store, s: &mut AppState, fx: Vec<Effect>) {
    let center = Session::new(s.operator.clone(), "test-os-user");
    for e in fx {
        let Effect::Request(r) = e else { continue };
        with_desk(store, &center, |d| match r {
            Request::SkipStep {
                incident_id,
                step,
                reason,
            } => d.skip_step(incident_id, step, &reason).map(drop),
            Request::MarkStep {
                incident_id,
                step,
                actor,
            } => d.mark_step(incident_id, step, &actor).map(drop),
            Request::CorrectStep {
                incident_id,
                step,
                seen,
                actor,
                done_at,
            } => d
                .correct_step(
                    incident_id,
                    step,
                    (&seen.0, seen.1),
                    Some(&actor),
                    Some(done_at),
                )
                .map(drop),
            Request::IncidentNote { incident_id, text } => {
                d.add_incident_note(incident_id, &text).map(drop)
            }
            other => panic!("unexpected {other:?}"),
        })
        .unwrap();
    }
    reload(store, s);
}

fn screen(s: &AppState, w: u16, h: u16) -> String {
    let keys = KeyMap::new(&Default::default()).unwrap();
    let ui = dutydesk::ui::Ui {
        keys: &keys,
        color: false,
    };
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    let mut st = AppState::new(s.lang, s.config.clone(), s.operator.clone(), s.now);
    st.width = w;
    st.height = h;
    st.snapshot = s.snapshot.clone();
    st.layers = s.layers.clone();
    st.view = s.view;
    st.incident_team = s.incident_team.clone();
    st.message = s.message.clone();
    t.draw(|f| ui.draw(f, &st)).unwrap();
    t.backend().to_string()
}

#[test]
fn the_incident_screen_shows_the_five_persons_with_masked_phones_at_80_by_24() {
    let (_, s, _) = on_incident_screen();
    let team = s.incident_team.clone().unwrap();
    assert!(!team.seats.is_empty());
    let text = screen(&s, 80, 24);
    assert!(text.contains("五位一体"), "{text}");
    for seat in &team.seats {
        assert!(text.contains(&seat.name), "{} missing:\n{text}", seat.name);
        assert!(seat.phone.contains('*'), "masked until revealed");
    }
    assert!(text.contains("r 显示电话"), "{text}");
}

#[test]
fn r_reveals_the_teams_phones_once_and_enter_jumps_to_the_patient_and_esc_comes_back() {
    let (_, mut s, id) = on_incident_screen();
    assert_eq!(
        press(&mut s, "r"),
        vec![Effect::Request(Request::RevealTeam(id))]
    );
    let pid = s.open_incident().unwrap().patient_id.unwrap();
    let fx = press(&mut s, "enter");
    assert_eq!(fx, vec![Effect::Request(Request::OpenDetail(pid))]);
    assert_eq!(s.screen(), ScreenKind::Detail);
    let fx = press(&mut s, "esc");
    assert_eq!(s.incident(), Some(id), "back on the incident");
    assert_eq!(s.screen(), ScreenKind::Incident);
    assert!(
        fx.contains(&Effect::Request(Request::CloseDetail)),
        "{fx:?}"
    );
    // Leaving the incident stops watching its team.
    let fx = press(&mut s, "esc");
    assert!(
        fx.contains(&Effect::Request(Request::WatchIncident(None))),
        "{fx:?}"
    );
    assert_eq!(s.view, View::Incidents);
}

#[test]
fn a_later_step_before_the_earlier_ones_is_refused_at_once_without_asking_who_acted() {
    let (_, mut s, _) = on_incident_screen();
    let fx = press(&mut s, "3");
    assert!(fx.is_empty());
    assert!(s.dialog().is_none(), "no actor asked for: {:?}", s.dialog());
    let m = s.message.clone().unwrap();
    assert!(m.error && m.text.contains("按顺序"), "{}", m.text);
}

#[test]
fn s_skips_the_first_open_step_with_a_reason_then_steps_two_and_three_record_in_order() {
    let (mut store, mut s, id) = on_incident_screen();
    press(&mut s, "s");
    assert_eq!(s.input_mode(), InputMode::Line);
    // Enter on an empty reason sends nothing.
    assert!(press(&mut s, "enter").is_empty());
    type_text(&mut s, "无人在场");
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::SkipStep {
            incident_id: id,
            step: 1,
            reason: "无人在场".into()
        })]
    );
    carry_out(&mut store, &mut s, fx);
    assert!(screen(&s, 80, 24).contains("无人在场"));
    press(&mut s, "2");
    assert_eq!(s.input_mode(), InputMode::Actor);
    type_text(&mut s, "过路司机");
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::MarkStep {
            incident_id: id,
            step: 2,
            actor: "过路司机".into()
        })]
    );
    carry_out(&mut store, &mut s, fx);
    press(&mut s, "3");
    assert_eq!(s.input_mode(), InputMode::Actor);
}

#[test]
fn the_actor_is_picked_from_the_patients_team_first_by_pinyin_initials() {
    let (_, mut s, id) = on_incident_screen();
    let team = s.incident_team.clone().unwrap();
    let first = &team.candidates[0];
    assert!(first.role.is_some(), "the team comes first");
    let initials: String = dutydesk::app::search::pinyin(&first.name).0;
    press(&mut s, "1");
    // Nothing typed: the list shows the team; Enter takes the first.
    let choices = s.actor_choices("");
    assert_eq!(choices[0].name, first.name);
    type_text(&mut s, &initials);
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::MarkStep {
            incident_id: id,
            step: 1,
            actor: first.name.clone()
        })]
    );
    // ↓ moves to the next choice; the name as typed is always last.
    press(&mut s, "1");
    type_text(&mut s, "网格员甲");
    let choices = s.actor_choices("网格员甲");
    assert!(choices.last().unwrap().typed);
    press(&mut s, "down");
    let fx = press(&mut s, "enter");
    assert!(
        matches!(fx.as_slice(), [Effect::Request(Request::MarkStep { actor, .. })] if actor == "网格员甲"),
        "{fx:?}"
    );
}

#[test]
fn m_corrects_a_recorded_steps_actor_and_time_showing_them_as_recorded() {
    let (mut store, mut s, id) = on_incident_screen();
    press(&mut s, "1");
    type_text(&mut s, "网格员丙");
    let fx = press(&mut s, "enter");
    carry_out(&mut store, &mut s, fx);
    let recorded = s.open_incident().unwrap().steps[0].clone();
    // One step recorded: m goes straight to its actor, typed as recorded.
    press(&mut s, "m");
    assert_eq!(s.input_mode(), InputMode::Actor);
    let Some(Dialog::ActorPick(p)) = s.dialog() else {
        panic!("{:?}", s.dialog())
    };
    assert_eq!(p.search.value(), "网格员丙");
    for _ in 0.."网格员丙".chars().count() {
        press(&mut s, "backspace");
    }
    type_text(&mut s, "网格员丁");
    press(&mut s, "enter");
    assert_eq!(s.input_mode(), InputMode::Line);
    let Some(Dialog::OneLine(line)) = s.dialog() else {
        panic!()
    };
    let shown = recorded
        .done_at
        .unwrap()
        .with_timezone(&dutydesk::domain::clock::beijing())
        .format("%H:%M:%S")
        .to_string();
    assert_eq!(line.input.value(), shown, "the time as recorded");
    // A time that is not a time keeps the line open.
    for _ in 0..8 {
        press(&mut s, "backspace");
    }
    type_text(&mut s, "xx");
    assert!(press(&mut s, "enter").is_empty());
    assert_eq!(s.input_mode(), InputMode::Line);
    press(&mut s, "backspace");
    press(&mut s, "backspace");
    let earlier = recorded.done_at.unwrap() - Duration::seconds(20);
    let t = earlier
        .with_timezone(&dutydesk::domain::clock::beijing())
        .format("%H:%M:%S")
        .to_string();
    type_text(&mut s, &t);
    let fx = press(&mut s, "enter");
    assert_eq!(
        fx,
        vec![Effect::Request(Request::CorrectStep {
            incident_id: id,
            step: 1,
            seen: ("网格员丙".into(), recorded.done_at.unwrap()),
            actor: "网格员丁".into(),
            done_at: earlier,
        })]
    );
    carry_out(&mut store, &mut s, fx);
    let text = screen(&s, 80, 24);
    assert!(
        text.contains("网格员丁") && text.contains("已更正"),
        "{text}"
    );
}

#[test]
fn the_footer_and_help_of_the_incident_screen_come_from_the_registry() {
    let (_, s, _) = on_incident_screen();
    let keys = KeyMap::new(&Default::default()).unwrap();
    let footer = dutydesk::app::commands::footer(&s, &keys);
    let has = |k: &str, t: dutydesk::i18n::T| footer.iter().any(|(a, b)| a == k && *b == t);
    use dutydesk::i18n::T;
    assert!(
        has("1", T::KeyStep),
        "only step 1 can be recorded now: {footer:?}"
    );
    assert!(has("s", T::KeySkipStep), "{footer:?}");
    assert!(has("r", T::KeyReveal), "{footer:?}");
    assert!(has("Enter", T::KeyGoToPatient), "{footer:?}");
    let help = dutydesk::app::commands::help(&s, &keys);
    assert!(
        help.iter()
            .any(|h| h.keys == "m" && h.label == T::KeyCorrectStep)
    );
}

#[test]
fn an_incident_note_names_the_desk_that_wrote_it_not_its_login() {
    let (mut store, mut s, _) = on_incident_screen();
    press(&mut s, "e");
    type_text(&mut s, "家属已到场");
    let fx = press(&mut s, "enter");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Request(Request::IncidentNote { .. }))),
        "{fx:?}"
    );
    carry_out(&mut store, &mut s, fx);
    let text = screen(&s, 80, 24);
    let line = text
        .lines()
        .find(|l| l.contains("家属已到场"))
        .unwrap_or_else(|| panic!("the note is on screen:\n{text}"));
    assert!(line.contains("综治中心值班员"), "{line}");
    assert!(!line.contains("center"), "{line}");
}

#[test]
fn the_patient_screens_more_below_hint_is_not_shown_under_a_dialog() {
    let (store, mut s, _) = on_incident_screen();
    let pid = s.open_incident().unwrap().patient_id.unwrap();
    press(&mut s, "enter");
    let detail = dutydesk::app::data::load_detail(
        &store,
        &s.operator,
        &Config::default(),
        pid,
        false,
        s.now,
    )
    .unwrap()
    .unwrap();
    update(&mut s, Event::Store(Reply::Detail(Box::new(detail))));
    assert!(
        screen(&s, 80, 24).contains("下面还有"),
        "{}",
        screen(&s, 80, 24)
    );
    press(&mut s, "f");
    assert!(s.dialog().is_some());
    assert!(
        !screen(&s, 80, 24).contains("下面还有"),
        "{}",
        screen(&s, 80, 24)
    );
}
