//! Every view and dialog drawn to ratatui's TestBackend at 80×24 and 120×40, in Chinese and
//! English, against the demo at a fixed instant. A changed screen shows up as a snapshot diff.

mod common;

use common::*;
use dutydesk::app::action::{Action, Event, Reply};
use dutydesk::app::data::{load_detail, load_snapshot};
use dutydesk::app::keys::{Key, KeyMap};
use dutydesk::app::{AppState, update};
use dutydesk::config::Config;
use dutydesk::i18n::Lang;
use dutydesk::store::Store;
use dutydesk::ui::Ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

struct Scene {
    name: &'static str,
    steps: &'static [Step],
}

enum Step {
    Do(Action),
    /// Keys as the terminal sends them, through the real key map, space separated.
    Press(&'static str),
    Ev(fn() -> Event),
    Type(&'static str),
    Detail,
    /// Loads the reports view's figures, as the store thread does when the view opens.
    Report,
    /// On shift (taken over an hour ago), and the last handover, with a long note, arrives
    /// to be read as it does on taking over.
    LongHandover,
    /// On shift (taken over an hour ago).
    OnShift,
    /// Opens an incident 90 s ago for the first alert's patient, step 1 done at 50 s, and
    /// reloads.
    WithIncident,
    /// The team of the incident on screen arrives, as the store thread sends it.
    Team,
}

use Step::*;

/// A handover note of 200 characters, in Chinese, as a night shift writes it.
const NOTE: &str = "夜班情况：望江村张某某凌晨两点情绪激动，监护人来电求助，已通知社区民警和精防医生上门，现已平稳，明早需复核服药情况；桃源村李某某外出务工未归，已联系村干部核实去向，请白班继续跟进；另有两条失访预警尚未处理，已签收，待白班联系家属。高危患者名单已更新，请注意查看三级以上人员的随访期限，今日到期四人。";

/// A refusal longer than the status line at 80 columns.
const LONG_MESSAGE: &str = "“病情不稳定”预警的情形仍然存在，不能办结：随访评估病情好转，或患者住院；或选择暂缓（z）至某日并说明原因。未作任何改动。";

const SCENES: &[Scene] = &[
    Scene {
        name: "alerts",
        steps: &[],
    },
    Scene {
        name: "alerts_selected",
        steps: &[Do(Action::Down), Do(Action::Down)],
    },
    Scene {
        name: "patients",
        steps: &[Do(Action::ShowPatients)],
    },
    Scene {
        name: "patients_filtering",
        steps: &[Do(Action::ShowPatients), Do(Action::Filter), Type("桃源")],
    },
    Scene {
        name: "patients_high_risk",
        steps: &[Do(Action::ShowPatients), Do(Action::QuickFilter)],
    },
    Scene {
        name: "incidents",
        steps: &[Do(Action::ShowIncidents)],
    },
    Scene {
        name: "incidents_open",
        steps: &[WithIncident, Do(Action::ShowIncidents)],
    },
    Scene {
        name: "incident_screen",
        steps: &[
            WithIncident,
            Do(Action::ShowIncidents),
            Do(Action::Open),
            Team,
        ],
    },
    Scene {
        name: "incident_skip",
        steps: &[
            WithIncident,
            Do(Action::ShowIncidents),
            Do(Action::Open),
            Team,
            Press("s"),
            Type("现场无人"),
        ],
    },
    Scene {
        name: "incident_correct",
        steps: &[
            WithIncident,
            Do(Action::ShowIncidents),
            Do(Action::Open),
            Team,
            Press("m"),
        ],
    },
    Scene {
        name: "long_message",
        steps: &[Ev(|| Event::Store(Reply::Failed(LONG_MESSAGE.into())))],
    },
    Scene {
        name: "long_message_read",
        steps: &[
            Ev(|| Event::Store(Reply::Failed(LONG_MESSAGE.into()))),
            Press("M"),
        ],
    },
    Scene {
        name: "open_incident",
        steps: &[Do(Action::OpenIncident), Type("村口小卖部")],
    },
    Scene {
        name: "incident_step",
        steps: &[
            WithIncident,
            Do(Action::ShowIncidents),
            Do(Action::Open),
            Team,
            Press("2"),
            Type("社区民警"),
        ],
    },
    Scene {
        name: "incident_close",
        steps: &[
            WithIncident,
            Do(Action::ShowIncidents),
            Do(Action::Open),
            Do(Action::CloseIncident),
            Press("right 1 2"),
        ],
    },
    Scene {
        name: "persons",
        steps: &[Do(Action::ShowPersons)],
    },
    Scene {
        name: "reports",
        steps: &[Do(Action::ShowReports), Report],
    },
    Scene {
        name: "audit",
        steps: &[Do(Action::ShowAudit)],
    },
    Scene {
        name: "detail",
        steps: &[Do(Action::Open), Detail],
    },
    Scene {
        name: "help",
        steps: &[Do(Action::Help)],
    },
    Scene {
        name: "resolve",
        steps: &[Do(Action::Resolve), Type("已联系家属")],
    },
    Scene {
        name: "report_severity",
        steps: &[Do(Action::Report)],
    },
    Scene {
        name: "report_note",
        steps: &[
            Do(Action::Report),
            Ev(|| Event::Char('2')),
            Type("网格员报告"),
        ],
    },
    Scene {
        name: "assign_role",
        steps: &[Do(Action::ShowPatients), Do(Action::Assign)],
    },
    Scene {
        name: "assign_person",
        steps: &[
            Do(Action::ShowPatients),
            Do(Action::Assign),
            Ev(|| Event::Char('2')),
        ],
    },
    Scene {
        name: "new_person",
        steps: &[
            Do(Action::ShowPatients),
            Do(Action::Assign),
            Ev(|| Event::Char('5')),
            Press("ctrl-n"),
            Type("测试监护"),
        ],
    },
    Scene {
        name: "unassign_role",
        steps: &[Do(Action::ShowPatients), Do(Action::Unassign)],
    },
    Scene {
        name: "followup",
        steps: &[Do(Action::ShowPatients), Do(Action::FollowUp)],
    },
    Scene {
        name: "followup_refused",
        steps: &[
            Do(Action::ShowPatients),
            Do(Action::FollowUp),
            Type("2025-03-09"),
            Press("enter right enter right ctrl-s"),
        ],
    },
    Scene {
        name: "followup_summary",
        steps: &[
            Do(Action::ShowPatients),
            Do(Action::FollowUp),
            Type("2025-03-09"),
            // Up from 随访对象 wraps round to 随访人, typed first.
            Press("enter right enter right up up up up"),
            Type("望江医生丙"),
            // A joint visitor picked from the directory.
            Press("down"),
            Type("wj"),
            // To 目前症状: tick two; then the first option of every choice to 转诊; then
            // 监护人拒绝住院 (the class is unstable).
            Press(
                "enter down down down down down space right right space \
                 down right down right down right down right down right \
                 down 0 down 0 down 0 down 0 down 0 down 0 down right \
                 down right down right down right down right down right down right down right \
                 down down space ctrl-s",
            ),
        ],
    },
    Scene {
        name: "followup_visitor",
        steps: &[
            Do(Action::ShowPatients),
            Do(Action::FollowUp),
            Press("down down down down"),
            Type("wj"),
        ],
    },
    Scene {
        name: "handover_editor",
        steps: &[OnShift, Press("t"), Type(NOTE)],
    },
    Scene {
        name: "last_handover",
        steps: &[LongHandover],
    },
    Scene {
        name: "last_handover_end",
        steps: &[LongHandover, Press("end")],
    },
    Scene {
        name: "audit_entry",
        steps: &[Do(Action::ShowAudit), Press("enter")],
    },
];

/// The handover the night shift left: a long note and the alerts it counted.
fn long_handover(op: &dutydesk::store::operators::Operator) -> dutydesk::store::shifts::Handover {
    dutydesk::store::shifts::Handover {
        operator: op.login.clone(),
        display_name: op.display_name.clone(),
        started_at: now() - chrono::Duration::hours(9),
        ended_at: now() - chrono::Duration::hours(1),
        open_alerts: [82, 114, 113],
        urgent: ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"]
            .iter()
            .map(|n| dutydesk::store::shifts::HandoverAlert {
                severity: "P1".into(),
                kind: "unstable".into(),
                patient: format!("患者{n}"),
                status: "new".into(),
            })
            .collect(),
        open_incidents: Vec::new(),
        actions: vec![
            ("followup.record".into(), 9),
            ("alert.report".into(), 2),
            ("alert.acknowledged".into(), 14),
        ],
        note: NOTE.to_string(),
        unacknowledged_p1: Vec::new(),
        done: Vec::new(),
        audit_head: None,
    }
}

fn render(scene: &Scene, lang: Lang, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    draw(&mut terminal, scene, lang, w, h);
    terminal.backend().to_string()
}

fn draw(terminal: &mut Terminal<TestBackend>, scene: &Scene, lang: Lang, w: u16, h: u16) {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let mut s = AppState::new(lang, Config::default(), op.clone(), now());
    update(
        &mut s,
        Event::Resize {
            width: w,
            height: h,
        },
    );
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    for step in scene.steps {
        match step {
            Do(a) => {
                update(&mut s, Event::Action(*a));
            }
            Press(keys) => {
                let map = KeyMap::new(&Default::default()).unwrap();
                for name in keys.split_whitespace() {
                    let k = Key::parse(name).unwrap();
                    let mut mods = crossterm::event::KeyModifiers::NONE;
                    if k.ctrl {
                        mods |= crossterm::event::KeyModifiers::CONTROL;
                    }
                    let ev =
                        crossterm::event::Event::Key(crossterm::event::KeyEvent::new(k.code, mods));
                    for e in map.translate(&ev, s.input_mode()) {
                        update(&mut s, e);
                    }
                }
            }
            Ev(f) => {
                update(&mut s, f());
            }
            Type(text) => {
                // Typed key by key through the real key map, as a terminal sends them.
                let map = KeyMap::new(&Default::default()).unwrap();
                for c in text.chars() {
                    let ev = crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
                        crossterm::event::KeyCode::Char(c),
                        crossterm::event::KeyModifiers::NONE,
                    ));
                    for e in map.translate(&ev, s.input_mode()) {
                        update(&mut s, e);
                    }
                }
            }
            WithIncident => {
                let a = store.alerts(&dutydesk::store::Scope::All, true).unwrap()[0].clone();
                let at = now() - chrono::Duration::seconds(90);
                let center = dutydesk::desk::Session::new(op.clone(), "test-os-user");
                let id = with_desk_at(&mut store, &center, at, |d| {
                    d.open_incident(
                        &dutydesk::desk::incidents::Subject::Alert(a.id),
                        "杏林社区二组",
                        "",
                    )
                })
                .unwrap();
                with_desk_at(
                    &mut store,
                    &center,
                    at + chrono::Duration::seconds(50),
                    |d| d.mark_step(id, 1, "网格员甲"),
                )
                .unwrap();
                let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
                update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
            }
            Team => {
                if let Some(id) = s.incident() {
                    let t =
                        dutydesk::app::incident_team::load_incident_team(&store, &op, id, false)
                            .unwrap()
                            .unwrap();
                    update(&mut s, Event::Store(Reply::IncidentTeam(Box::new(t))));
                }
            }
            OnShift | LongHandover => {
                // As the store thread sends them; nothing is written.
                let mut snap = s.snapshot.clone().unwrap();
                snap.shift = Some(dutydesk::store::shifts::ShiftRow {
                    id: 2,
                    operator: op.login.clone(),
                    started_at: now() - chrono::Duration::hours(1),
                    ended_at: None,
                    handover: None,
                });
                update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
                if matches!(step, LongHandover) {
                    update(
                        &mut s,
                        Event::Store(Reply::Handover {
                            taking_over: true,
                            handover: Some(Box::new(long_handover(&op))),
                        }),
                    );
                }
            }
            Report => {
                let r = dutydesk::app::data::load_report(&store, &op, &Config::default(), now())
                    .unwrap();
                update(&mut s, Event::Store(Reply::Report(Box::new(r))));
            }
            Detail => {
                let id = s.detail().unwrap().patient_id;
                let d = load_detail(&store, &op, &Config::default(), id, false, now())
                    .unwrap()
                    .unwrap();
                update(&mut s, Event::Store(Reply::Detail(Box::new(d))));
            }
        }
    }
    let keys = KeyMap::new(&Default::default()).unwrap();
    let ui = Ui {
        keys: &keys,
        color: true,
    };
    terminal.draw(|f| ui.draw(f, &s)).unwrap();
}

#[test]
fn every_view_and_dialog_at_80x24_and_120x40_in_both_languages() {
    for scene in SCENES {
        for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            for (w, h) in [(80, 24), (120, 40)] {
                let name = format!("{}_{tag}_{w}x{h}", scene.name);
                insta::assert_snapshot!(name, render(scene, lang, w, h));
            }
        }
    }
}

#[test]
fn too_small_terminal_says_so() {
    let scene = Scene {
        name: "alerts",
        steps: &[],
    };
    insta::assert_snapshot!("too_small_zh_50x12", render(&scene, Lang::Zh, 50, 12));
}

#[test]
fn popups_over_wide_characters_leave_no_half_glyph() {
    // Dialogs sit over CJK text; a wide glyph whose second half is covered by a border would be
    // drawn torn. Every wide glyph on screen must be followed by the blank cell it spills into.
    for scene in SCENES.iter().filter(|s| !s.steps.is_empty()) {
        for (w, h) in (80..=87).map(|w| (w, 24)).chain([(120, 40), (121, 40)]) {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            draw(&mut terminal, scene, Lang::Zh, w, h);
            let buf = terminal.backend().buffer();
            for y in 0..h {
                for x in 0..w.saturating_sub(1) {
                    let sym = buf[(x, y)].symbol();
                    if unicode_width::UnicodeWidthStr::width(sym) == 2 {
                        let next = buf[(x + 1, y)].symbol();
                        assert!(
                            next == " " || next.is_empty(),
                            "{} {w}x{h}: torn {sym:?} at ({x},{y}) before {next:?}",
                            scene.name
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn taken_alerts_name_the_desk_not_the_login_at_80_columns() {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let desk = store.operator("wangjiang").unwrap().unwrap().display_name;
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    update(
        &mut s,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    let mut snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    let first = snap
        .alerts
        .iter_mut()
        .find(|a| a.severity == dutydesk::domain::alert::Severity::P2)
        .unwrap();
    first.status = dutydesk::domain::alert::AlertStatus::Acknowledged;
    first.taken_by = Some("wangjiang".into());
    let name = first.patient_name().to_string();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    update(&mut s, Event::Action(Action::Filter));
    for c in name.chars() {
        update(&mut s, Event::Text(tui_input::InputRequest::InsertChar(c)));
    }
    let keys = KeyMap::new(&Default::default()).unwrap();
    let ui = Ui {
        keys: &keys,
        color: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| ui.draw(f, &s)).unwrap();
    let text: String = {
        let buf = terminal.backend().buffer();
        (0..24)
            .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let short: String = desk.chars().take(3).collect();
    assert!(text.replace(' ', "").contains(&short), "{desk} in\n{text}");
    assert!(!text.contains("wangjiang"), "no login on screen:\n{text}");
}

#[test]
fn the_patient_screen_shows_the_timeline_of_changes_in_words() {
    use dutydesk::domain::followup::{FollowUp, FollowUpForm, FollowUpOutcome, NotReachedReason};
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let mut s = AppState::new(Lang::Zh, Config::default(), op.clone(), now());
    update(
        &mut s,
        Event::Resize {
            width: 120,
            height: 60,
        },
    );
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    // The first alert's patient, 在管 in the demo.
    let pid = s.selected_alert().unwrap().patient_id;
    // Reached nobody: the patient went to work elsewhere, so the status changes to 外出.
    let away = FollowUp {
        date: common::today(),
        form: FollowUpForm::Phone,
        outcome: FollowUpOutcome::NotReached {
            reason: NotReachedReason::WorkingAway,
            destination: "广东省东莞市".into(),
            departed_on: Some(common::today() - chrono::Days::new(2)),
        },
        next_date: None,
        by_whom: "医生甲".into(),
        joint_visitors: Vec::new(),
        guidance: None,
    };
    let session = dutydesk::desk::Session::new(op.clone(), "test-os-user");
    common::with_desk(&mut store, &session, |d| d.record_followup(pid, &away)).unwrap();
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    update(&mut s, Event::Store(Reply::Snapshot(Box::new(snap))));
    update(&mut s, Event::Action(Action::Open));
    assert_eq!(s.detail().unwrap().patient_id, pid);
    let d = load_detail(&store, &op, &Config::default(), pid, false, now())
        .unwrap()
        .unwrap();
    update(&mut s, Event::Store(Reply::Detail(Box::new(d))));
    let keys = KeyMap::new(&Default::default()).unwrap();
    let ui = Ui {
        keys: &keys,
        color: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 60)).unwrap();
    terminal.draw(|f| ui.draw(f, &s)).unwrap();
    let text: String = {
        let buf = terminal.backend().buffer();
        (0..60)
            .map(|y| (0..120).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Each wide glyph is followed by its blank cell in the buffer.
    let text = text.replace(' ', "");
    assert!(text.contains("变更经过"), "{text}");
    assert!(text.contains("状态：在管→外出"), "{text}");
}
