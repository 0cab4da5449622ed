//! Control levels (管控) through the one door and the command line: a center sets a level for
//! a window over some stations; high-risk patients there become P1 `visit_overdue` past the
//! cap; a station desk cannot set one; ending it brings the six-month rule back.

mod common;

use common::*;
use dutydesk::config::Config;
use dutydesk::desk::control::NewControl;
use dutydesk::domain::alert::{AlertKind, Severity};
use dutydesk::domain::schedule::ControlLevel;
use dutydesk::store::Scope;
use dutydesk::store::operators::OperatorRole;

fn roster() -> String {
    // Two high-risk unstable patients seen face to face on 2025-03-01, at two stations.
    let mut a = row("管控甲", &id("19800101", 131));
    a[5] = "4".into();
    a[6] = "不稳定".into();
    let mut b = a.clone();
    b[0] = "管控乙".into();
    b[1] = id("19800101", 133);
    b[10] = "青石镇".into();
    b[11] = "梅溪村".into();
    b[12] = "青石派出所".into();
    b[17] = "医生丙".into();
    b[18] = "13800004003".into();
    for cell in &mut b[19..25] {
        cell.clear();
    }
    csv(&[a, b])
}

fn visit_overdue(
    store: &dutydesk::store::Store,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<(String, Severity)> {
    store
        .alerts_as_of(at, &Config::default(), &Scope::All)
        .unwrap()
        .into_iter()
        .filter(|a| a.kind == AlertKind::VisitOverdue)
        .map(|a| (a.patient_name, a.severity))
        .collect()
}

#[test]
fn a_control_level_caps_face_to_face_visits_of_high_risk_patients_in_its_stations_at_p1() {
    let db = TempDb::new();
    let mut store = db.open();
    let r = import_csv(&mut store, &roster(), false);
    assert_eq!(r.errors, 0, "{:?}", r.problems);
    let t = tester(&mut store);
    let new = NewControl {
        level: ControlLevel::Level2,
        from: "2025-03-05".parse().unwrap(),
        to: "2025-03-20".parse().unwrap(),
        townships: vec![],
        stations: vec!["望江派出所".into()],
        reason: "重大活动".into(),
    };
    let id = with_desk(&mut store, &t, |d| d.set_control(&new)).unwrap();
    // Level 2 caps at 3 days from the window's start: due 2025-03-08, overdue on 03-09.
    assert!(visit_overdue(&store, at("2025-03-08", 9)).is_empty());
    assert_eq!(
        visit_overdue(&store, at("2025-03-09", 9)),
        vec![("管控甲".to_string(), Severity::P1)]
    );
    // The header of a desk in scope shows the level; another station's does not.
    assert_eq!(
        store
            .control_for_desk(Some("望江派出所"), at("2025-03-09", 9))
            .unwrap()
            .map(|w| w.level),
        Some(ControlLevel::Level2)
    );
    assert!(
        store
            .control_for_desk(Some("青石派出所"), at("2025-03-09", 9))
            .unwrap()
            .is_none()
    );
    // Ending it brings back the six-month rule.
    with_desk_at(&mut store, &t, at("2025-03-09", 10), |d| d.end_control(id)).unwrap();
    assert!(visit_overdue(&store, at("2025-03-10", 9)).is_empty());
    let words: Vec<String> = store
        .audit_entries(&Scope::All, 50)
        .unwrap()
        .iter()
        .map(|e| dutydesk::i18n::Lang::Zh.audit_sentence(e))
        .collect();
    assert!(
        words
            .iter()
            .any(|w| w.contains("二级管控") && w.contains("望江派出所") && w.contains("重大活动")),
        "{words:?}"
    );
}

#[test]
fn only_the_center_sets_a_control_level_and_only_for_registered_places() {
    let db = TempDb::new();
    let mut store = db.open();
    import_csv(&mut store, &roster(), false);
    let desk = operator(
        &mut store,
        "wangjiang",
        OperatorRole::Station,
        Some("望江派出所"),
    );
    let new = NewControl {
        level: ControlLevel::Level1,
        from: "2025-03-05".parse().unwrap(),
        to: "2025-03-06".parse().unwrap(),
        townships: vec![],
        stations: vec![],
        reason: "节日".into(),
    };
    assert!(with_desk(&mut store, &desk, |d| d.set_control(&new)).is_err());
    let t = tester(&mut store);
    let unknown = NewControl {
        stations: vec!["不存在派出所".into()],
        ..new.clone()
    };
    assert!(with_desk(&mut store, &t, |d| d.set_control(&unknown)).is_err());
    let backwards = NewControl {
        from: "2025-03-07".parse().unwrap(),
        ..new.clone()
    };
    assert!(with_desk(&mut store, &t, |d| d.set_control(&backwards)).is_err());
    assert!(store.control_orders().unwrap().is_empty());
}
