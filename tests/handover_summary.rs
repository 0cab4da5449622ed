//! The handover (交班) summary as the next operator reads it, on screen and from the command
//! line: the note first, open alerts by severity with every unacknowledged P1 by patient, open
//! incidents with their steps, and what was done on the shift in words.

mod common;

use chrono::Duration;
use common::*;
use dutydesk::config::Config;
use dutydesk::desk::Session;
use dutydesk::desk::incidents::Subject;
use dutydesk::domain::alert::{AlertStatus, Severity};
use dutydesk::i18n::Lang;
use dutydesk::report::handover::lines;
use dutydesk::store::Store;

fn session(store: &Store, login: &str) -> Session {
    Session::new(store.operator(login).unwrap().unwrap(), "test-os-user")
}

#[test]
fn the_handover_puts_the_note_first_then_unacknowledged_p1s_incidents_and_what_was_done() {
    let db = TempDb::new();
    let mut store = db.open();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let desk = session(&store, "wangjiang");
    let start = now() + Duration::minutes(1);
    with_desk_at(&mut store, &desk, start, |d| d.take_over()).unwrap();
    let scope = desk.scope();
    let p1s: Vec<_> = store
        .alerts(&scope, true)
        .unwrap()
        .into_iter()
        .filter(|a| a.severity == Severity::P1 && a.status == AlertStatus::New)
        .collect();
    assert!(p1s.len() >= 2);
    let taken = &p1s[0];
    let t = start + Duration::minutes(5);
    with_desk_at(&mut store, &desk, t, |d| d.acknowledge(taken.id)).unwrap();
    let inc = with_desk_at(&mut store, &desk, t, |d| {
        d.open_incident(&Subject::Alert(taken.id), "桃源村口", "")
    })
    .unwrap();
    with_desk_at(&mut store, &desk, t + Duration::seconds(30), |d| {
        d.skip_step(inc, 1, "无人在场")
    })
    .unwrap();
    with_desk_at(&mut store, &desk, t + Duration::seconds(90), |d| {
        d.mark_step(inc, 2, "社区民警")
    })
    .unwrap();
    let h = with_desk_at(&mut store, &desk, start + Duration::hours(8), |d| {
        d.hand_over("桃源村口一起仍在处置\n明早复核服药")
    })
    .unwrap();
    let text = lines(Lang::Zh, &h);
    // The operator's own note comes first, every line of it.
    assert_eq!(text[1], "交班说明：");
    assert_eq!(text[2], "  桃源村口一起仍在处置");
    assert_eq!(text[3], "  明早复核服药");
    let all = text.join("\n");
    // Every unacknowledged P1 by patient name; the one taken is not among them.
    let still: Vec<_> = store
        .alerts(&scope, true)
        .unwrap()
        .into_iter()
        .filter(|a| a.severity == Severity::P1 && a.status == AlertStatus::New)
        .collect();
    assert!(
        all.contains(&format!("未签收的P1：{} 条", still.len())),
        "{all}"
    );
    for a in &still {
        assert!(
            all.contains(&format!("  {} ", a.patient_name)),
            "{}",
            a.patient_name
        );
    }
    // The open incident: patient, place and its steps in words.
    assert!(
        all.contains(&format!(
            "#{inc} {} 桃源村口 [第1步 已跳过 · 第2步",
            taken.patient_name
        )),
        "{all}"
    );
    // What was done, in words, in order.
    let done = text.iter().position(|l| l.starts_with("本班所做")).unwrap();
    let ack = text.iter().position(|l| l.contains("签收了")).unwrap();
    let skip = text.iter().position(|l| l.contains("标为跳过")).unwrap();
    assert!(done < ack && ack < skip, "{all}");
    assert!(
        !all.contains("alert.") && !all.contains("incident."),
        "no codes: {all}"
    );
    // Never a full phone or ID number in the stored summary.
    let json = serde_json::to_string(&h).unwrap();
    assert!(!json.contains("\"1380000"), "{json}");
}
