//! Every view and dialog drawn to ratatui's TestBackend at 80×24 and 120×40, in Chinese and
//! English, against the demo at a fixed instant. A changed screen shows up as a snapshot diff.

mod common;

use common::*;
use dutydesk::app::action::{Action, Event, Reply};
use dutydesk::app::data::{load_detail, load_snapshot};
use dutydesk::app::{AppState, update};
use dutydesk::config::Config;
use dutydesk::console::keys::KeyMap;
use dutydesk::i18n::Lang;
use dutydesk::store::Store;
use dutydesk::ui::Ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_input::InputRequest;

struct Scene {
    name: &'static str,
    steps: &'static [Step],
}

enum Step {
    Do(Action),
    Ev(fn() -> Event),
    Type(&'static str),
    Detail,
    /// Loads the reports view's figures, as the store thread does when the view opens.
    Report,
    /// Opens an incident 90 s ago for the first alert's patient, step 1 done at 50 s, and
    /// reloads.
    WithIncident,
}

use Step::*;

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
        steps: &[WithIncident, Do(Action::ShowIncidents), Do(Action::Open)],
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
            Do(Action::ShowPatients),
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
            Ev(|| Event::Char('\u{e}')),
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
            Ev(|| Event::FieldDown),
            Ev(|| Event::FieldDown),
            Ev(|| Event::FieldDown),
            Ev(|| Event::ValueRight),
            Ev(|| Event::ValueRight),
            Ev(|| Event::ValueRight),
            // Six fields up from the risk level, past the top, is the class.
            Ev(|| Event::FieldUp),
            Ev(|| Event::FieldUp),
            Ev(|| Event::FieldUp),
            Ev(|| Event::FieldUp),
            Ev(|| Event::FieldUp),
            Ev(|| Event::FieldUp),
            Ev(|| Event::ValueLeft),
            Ev(|| Event::ValueLeft),
            Ev(|| Event::Submit),
        ],
    },
];

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
            Ev(f) => {
                update(&mut s, f());
            }
            Type(text) => {
                for c in text.chars() {
                    update(&mut s, Event::Text(InputRequest::InsertChar(c)));
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
            Report => {
                let r = dutydesk::app::data::load_report(&store, &op, &Config::default(), now())
                    .unwrap();
                update(&mut s, Event::Store(Reply::Report(Box::new(r))));
            }
            Detail => {
                let id = s.detail.as_ref().unwrap().patient_id;
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
