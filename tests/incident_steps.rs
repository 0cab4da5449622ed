//! Steps of the quick response recorded in order, skipped with a reason, corrected with the
//! original kept; the team's phones revealed during a response as one audited action in the
//! station's scope. All through the one door, at fixed instants.

mod common;

use chrono::Duration;
use common::*;
use dutydesk::config::Config;
use dutydesk::desk::incidents::Subject;
use dutydesk::desk::{Conflict, DeskError, Refusal, Session};
use dutydesk::domain::audit::AuditAction;
use dutydesk::domain::incident::StepState;
use dutydesk::i18n::Lang;
use dutydesk::store::{Scope, Store};

fn desk_of(store: &Store, login: &str) -> Session {
    Session::new(store.operator(login).unwrap().unwrap(), "test-os-user")
}

/// The demo, and an incident opened at `now()` by the center for a patient of 望江派出所.
fn opened() -> (TempDb, i64, i64) {
    let db = TempDb::new();
    let mut store = db.open();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let p = store
        .patients(&Default::default())
        .unwrap()
        .into_iter()
        .find(|p| p.jurisdiction.station == "望江派出所")
        .unwrap();
    let c = desk_of(&store, "center");
    let id = with_desk_at(&mut store, &c, now(), |d| {
        d.open_incident(&Subject::Patient(p.id), "村口", "")
    })
    .unwrap();
    (db, p.id, id)
}

fn last_audit(store: &Store, action: AuditAction) -> dutydesk::store::AuditEntry {
    store
        .audit_entries(&Scope::All, 50)
        .unwrap()
        .into_iter()
        .find(|e| e.action == Some(action))
        .unwrap_or_else(|| panic!("no {action:?} in the audit"))
}

#[test]
fn step_three_before_steps_one_and_two_is_refused_naming_the_first_missing_step() {
    let (db, _, id) = opened();
    let mut store = db.open();
    let c = desk_of(&store, "center");
    let r = with_desk_at(&mut store, &c, now() + Duration::seconds(200), |d| {
        d.mark_step(id, 3, "民警甲")
    });
    assert!(
        matches!(
            r,
            Err(DeskError::Refused(Refusal::StepOutOfOrder {
                step: 3,
                earlier: 1
            }))
        ),
        "{r:?}"
    );
    let inc = store.incident(id, &Scope::All).unwrap().unwrap();
    assert!(
        inc.steps.iter().all(|s| s.done_at.is_none()),
        "nothing written"
    );
}

#[test]
fn a_skipped_step_with_a_reason_lets_the_next_be_recorded_and_is_audited_in_words() {
    let (db, _, id) = opened();
    let mut store = db.open();
    let c = desk_of(&store, "center");
    let t = |s| now() + Duration::seconds(s);
    // A skip needs a reason.
    assert!(matches!(
        with_desk_at(&mut store, &c, t(70), |d| d.skip_step(id, 1, "  ")),
        Err(DeskError::Refused(Refusal::Missing(_)))
    ));
    let skipped = with_desk_at(&mut store, &c, t(70), |d| {
        d.skip_step(id, 1, "现场无网格员")
    })
    .unwrap();
    assert_eq!(skipped.state(t(400)), StepState::Skipped);
    assert_eq!(skipped.skip_reason.as_deref(), Some("现场无网格员"));
    // Skipped once: a second desk is told who skipped it and why.
    let again = with_desk_at(&mut store, &c, t(71), |d| d.mark_step(id, 1, "网格员"));
    assert!(
        matches!(
            again,
            Err(DeskError::Conflict(Conflict::StepSkipped { step: 1, .. }))
        ),
        "{again:?}"
    );
    with_desk_at(&mut store, &c, t(150), |d| d.mark_step(id, 2, "民警乙")).unwrap();
    with_desk_at(&mut store, &c, t(250), |d| d.mark_step(id, 3, "所长")).unwrap();
    let e = last_audit(&store, AuditAction::IncidentStepSkipped);
    let words = Lang::Zh.audit_sentence(&e);
    assert!(words.contains("第1步"), "{words}");
    assert!(words.contains("现场无网格员"), "{words}");
    assert!(words.contains(&format!("#{id}")), "{words}");
    // incidents --json says it too.
    let inc = store.incident(id, &Scope::All).unwrap().unwrap();
    let v = dutydesk::commands::incidents::incident_json(Lang::Zh, &inc, t(400));
    assert_eq!(v["steps"][0]["state"], "skipped");
    assert_eq!(v["steps"][0]["skip_reason"], "现场无网格员");
}

#[test]
fn a_corrected_step_keeps_the_original_in_the_audit_and_says_it_was_corrected() {
    let (db, _, id) = opened();
    let mut store = db.open();
    let c = desk_of(&store, "center");
    let t = |s| now() + Duration::seconds(s);
    let recorded = with_desk_at(&mut store, &c, t(50), |d| d.mark_step(id, 1, "网格员丙")).unwrap();
    assert!(recorded.corrected_at.is_none());
    let fixed = with_desk_at(&mut store, &c, t(300), |d| {
        d.correct_step(id, 1, ("网格员丙", t(50)), Some("网格员丁"), Some(t(40)))
    })
    .unwrap();
    assert_eq!(fixed.actor.as_deref(), Some("网格员丁"));
    assert_eq!(fixed.done_at, Some(t(40)));
    assert!(fixed.corrected_at.is_some());
    let e = last_audit(&store, AuditAction::IncidentStepCorrected);
    assert_eq!(e.before.as_ref().unwrap()["actor"], "网格员丙");
    assert_eq!(e.after.as_ref().unwrap()["actor"], "网格员丁");
    let changes = Lang::Zh.audit_changes(&e).join(" ");
    assert!(changes.contains("网格员丙 → 网格员丁"), "{changes}");
    // A correction made from a stale view is refused with who changed it.
    let stale = with_desk_at(&mut store, &c, t(310), |d| {
        d.correct_step(id, 1, ("网格员丙", t(50)), Some("别人"), None)
    });
    assert!(
        matches!(
            stale,
            Err(DeskError::Conflict(Conflict::StepChanged { step: 1, .. }))
        ),
        "{stale:?}"
    );
    // A time before the opening or in the future is refused; a step not recorded cannot be.
    assert!(matches!(
        with_desk_at(&mut store, &c, t(320), |d| {
            d.correct_step(id, 1, ("网格员丁", t(40)), None, Some(t(-10)))
        }),
        Err(DeskError::Refused(Refusal::StepBeforeOpening))
    ));
    assert!(matches!(
        with_desk_at(&mut store, &c, t(320), |d| {
            d.correct_step(id, 1, ("网格员丁", t(40)), None, Some(t(900)))
        }),
        Err(DeskError::Refused(Refusal::StepAfterNow))
    ));
    assert!(matches!(
        with_desk_at(&mut store, &c, t(320), |d| {
            d.correct_step(id, 2, ("x", t(40)), Some("y"), None)
        }),
        Err(DeskError::Refused(Refusal::StepNotRecorded { step: 2 }))
    ));
}

#[test]
fn revealing_the_team_during_an_incident_is_one_audited_action_in_the_stations_scope() {
    let (db, pid, id) = opened();
    let mut store = db.open();
    let before = store.audit_count().unwrap();
    let wangjiang = desk_of(&store, "wangjiang");
    let team = with_desk(&mut store, &wangjiang, |d| d.reveal_incident_team(id)).unwrap();
    assert!(!team.is_empty());
    assert!(
        team.iter().all(|m| !m.person.phone.contains('*')),
        "full phones"
    );
    assert_eq!(store.audit_count().unwrap(), before + 1, "one audit row");
    let e = last_audit(&store, AuditAction::IncidentTeamRevealed);
    assert_eq!(e.patient_id, Some(pid));
    let name = store.patient(pid, &Scope::All).unwrap().unwrap().name;
    let words = Lang::Zh.audit_sentence(&e);
    assert!(
        words.contains(&name) && words.contains(&format!("#{id}")),
        "{words}"
    );
    // Another station's desk is not told the incident exists.
    let other = operator(
        &mut store,
        "qingshi",
        dutydesk::store::operators::OperatorRole::Station,
        Some("青石派出所"),
    );
    assert!(matches!(
        with_desk(&mut store, &other, |d| d.reveal_incident_team(id)),
        Err(DeskError::NotFound(_))
    ));
    // An unknown person has no team to reveal.
    let unknown = with_desk(&mut store, &wangjiang, |d| {
        d.open_incident(&Subject::Unknown { station: None }, "车站", "")
    })
    .unwrap();
    assert!(matches!(
        with_desk(&mut store, &wangjiang, |d| d.reveal_incident_team(unknown)),
        Err(DeskError::Refused(Refusal::NoTeam))
    ));
}

#[test]
fn a_closed_incidents_steps_stop_counting_and_its_json_says_which_were_left_undone() {
    let (db, _, id) = opened();
    let mut store = db.open();
    let c = desk_of(&store, "center");
    let done = dutydesk::domain::incident::SyncItem {
        done: true,
        reason: String::new(),
    };
    let closing = dutydesk::domain::incident::Closing {
        outcome: dutydesk::domain::incident::Outcome::Home,
        sync: dutydesk::domain::incident::SyncChecklist {
            legal: done.clone(),
            opinion: done.clone(),
            social: done,
        },
        persons_involved: 1,
        injured: 0,
        dead: 0,
        reported_upward: true,
    };
    with_desk_at(&mut store, &c, now() + Duration::seconds(100), |d| {
        d.close_incident(id, &closing, false)
    })
    .unwrap();
    let inc = store.incident(id, &Scope::All).unwrap().unwrap();
    let later = now() + Duration::hours(3);
    let v = dutydesk::commands::incidents::incident_json(Lang::Zh, &inc, later);
    assert_eq!(v["elapsed_seconds"], 100);
    assert_eq!(v["steps"][2]["state"], "unfinished");
    assert_eq!(v["steps"][2]["seconds_left_at_closing"], 200);
    assert!(
        v["steps"][2].get("seconds_left").is_none(),
        "no countdown after closing"
    );
}

/// The command line does what the console's keys do, through the same door.
#[test]
fn the_cli_skips_records_corrects_and_reveals_the_team_with_audit_rows() {
    let db = TempDb::new();
    let run = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_dutydesk"))
            .args(args)
            .env("HOME", db.dir.path())
            .env("XDG_DATA_HOME", db.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", db.dir.path().join("config"))
            .env("DUTYDESK_DB", &db.path)
            .env("DUTYDESK_OPERATOR", "center")
            .env_remove("DUTYDESK_LANG")
            .env_remove("DUTYDESK_CONFIG")
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    assert_eq!(run(&["init", "--demo"]).0, Some(0));
    let (pid, full): (i64, String) = rusqlite::Connection::open(&db.path)
        .unwrap()
        .query_row(
            "SELECT p.id, p.id_number FROM patients p
             WHERE (SELECT count(*) FROM team_assignments t WHERE t.patient_id = p.id) >= 2
             ORDER BY p.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let _ = pid;
    let ok = |args: &[&str]| {
        let (code, out, err) = run(args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        out
    };
    ok(&["incident", "open", "--patient", &full, "--location", "村口"]);
    let (code, _, err) = run(&["incident", "step", "1", "2", "--by", "民警乙"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("按顺序") && err.contains("第1步"), "{err}");
    assert!(ok(&["incident", "skip", "1", "1", "--reason", "无人在场"]).contains("跳过"));
    ok(&["incident", "step", "1", "2", "--by", "民警乙"]);
    let out = ok(&["incident", "correct", "1", "2", "--by", "民警丙"]);
    assert!(out.contains("民警丙"), "{out}");
    let masked = ok(&["incident", "team", "1"]);
    assert!(masked.contains("****"), "{masked}");
    let shown = ok(&["incident", "team", "1", "--reveal"]);
    assert!(
        !shown.contains("****") && shown.contains("1380000"),
        "{shown}"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&["incidents", "--json"])).unwrap();
    assert_eq!(v[0]["steps"][0]["state"], "skipped");
    assert_eq!(v[0]["steps"][1]["actor"], "民警丙");
    assert_eq!(v[0]["steps"][1]["corrected"], true);
    let audit = ok(&["audit", "list"]);
    for words in ["标为跳过", "更正了案事件 #1", "五位一体人员电话"] {
        assert!(audit.contains(words), "{words} not in:\n{audit}");
    }
}
