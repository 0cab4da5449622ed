//! SPEC revision 2 rules that cross the one door: moves between jurisdictions, incidents on the
//! patient's record, an earlier missing episode from the roster, time away, and the history
//! every change leaves. Each test is named after its rule.

mod common;

use common::*;
use dutydesk::config::Config;
use dutydesk::desk::incidents::Subject;
use dutydesk::domain::alert::{AlertKind, Severity};
use dutydesk::domain::history::HistoryField;
use dutydesk::domain::incident::{Closing, Outcome, SyncChecklist, SyncItem};
use dutydesk::store::Scope;
use dutydesk::store::operators::OperatorRole;

fn closing(outcome: Outcome, injured: u32) -> Closing {
    let done = SyncItem {
        done: true,
        reason: String::new(),
    };
    Closing {
        outcome,
        sync: SyncChecklist {
            legal: done.clone(),
            opinion: done.clone(),
            social: done,
        },
        persons_involved: 1,
        injured,
        dead: 0,
        reported_upward: true,
    }
}

fn kinds_of(store: &dutydesk::store::Store, pid: i64, scope: &Scope) -> Vec<(AlertKind, Severity)> {
    let mut v: Vec<_> = store
        .alerts(scope, true)
        .unwrap()
        .into_iter()
        .filter(|a| a.patient_id == pid)
        .map(|a| (a.kind, a.severity))
        .collect();
    v.sort();
    v
}

#[test]
fn a_move_unassigns_the_team_members_outside_the_new_jurisdiction_and_tells_the_new_station() {
    let db = TempDb::new();
    let mut store = db.open();
    let mut r = row("迁移甲", &id("19800101", 111));
    r[5] = "3".into();
    r[6] = "不稳定".into();
    import_csv(&mut store, &csv(&[r.clone()]), false);
    let pid = store
        .patient_by_id_number(&id("19800101", 111), &Scope::All)
        .unwrap()
        .unwrap()
        .id;
    let old_desk = operator(
        &mut store,
        "wangjiang",
        OperatorRole::Station,
        Some("望江派出所"),
    );
    // The same patient re-imported into another township and station, with only the guardian
    // and the doctor named: the township cadre, the officer and the village cadre of the old
    // jurisdiction no longer fit.
    let mut moved = r.clone();
    moved[10] = "江北街道".into();
    moved[11] = "北岸社区".into();
    moved[12] = "江北派出所".into();
    for cell in &mut moved[19..25] {
        cell.clear();
    }
    moved[17] = "医生乙".into();
    moved[18] = "13800004002".into();
    let report = import_csv(&mut store, &csv(&[moved]), false);
    assert_eq!(report.errors, 0, "{:?}", report.problems);
    assert_eq!(report.counts.transferred, 1);
    let team = store.team(pid, &Scope::All).unwrap();
    let roles: Vec<_> = team.iter().map(|m| m.role).collect();
    assert_eq!(roles.len(), 2, "{team:?}");
    let new_desk = operator(
        &mut store,
        "jiangbei",
        OperatorRole::Station,
        Some("江北派出所"),
    );
    let kinds = kinds_of(&store, pid, &new_desk.scope());
    assert!(
        kinds.contains(&(AlertKind::TransferredIn, Severity::P2)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(AlertKind::TeamIncomplete, Severity::P2)),
        "{kinds:?}"
    );
    assert!(kinds_of(&store, pid, &old_desk.scope()).is_empty());
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let audit: Vec<String> = conn
        .prepare(
            "SELECT COALESCE(before, '') FROM audit_log
             WHERE patient_id = ?1 AND action = 'team.unassign'",
        )
        .unwrap()
        .query_map([pid], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(audit.iter().any(|t| t.contains("干部甲")), "{audit:?}");
    assert!(audit.iter().any(|t| t.contains("民警甲")), "{audit:?}");
    // The history keeps both stations with the instant each began.
    let stations: Vec<String> = store
        .patient_history(pid, &Scope::All)
        .unwrap()
        .into_iter()
        .filter(|e| e.field == HistoryField::Station)
        .map(|e| e.value)
        .collect();
    assert_eq!(stations, vec!["望江派出所", "江北派出所"]);
}

#[test]
fn closing_an_incident_with_an_injury_sets_incident_history_and_raises_reassessment_due() {
    let db = TempDb::new();
    let mut store = db.open();
    import_csv(
        &mut store,
        &csv(&[row("肇事甲", &id("19800101", 113))]),
        false,
    );
    let pid = store
        .patient_by_id_number(&id("19800101", 113), &Scope::All)
        .unwrap()
        .unwrap()
        .id;
    let t = tester(&mut store);
    let iid = with_desk(&mut store, &t, |d| {
        d.open_incident(&Subject::Patient(pid), "桃源社区3组", "持刀")
    })
    .unwrap();
    with_desk(&mut store, &t, |d| {
        d.close_incident(iid, &closing(Outcome::Hospital, 1), false)
    })
    .unwrap();
    let p = store.patient(pid, &Scope::All).unwrap().unwrap();
    assert!(p.flags.incident_history);
    assert!(
        kinds_of(&store, pid, &Scope::All).contains(&(AlertKind::ReassessmentDue, Severity::P2))
    );
}

#[test]
fn closing_an_incident_handed_to_the_police_sets_incident_history_even_without_injury() {
    let db = TempDb::new();
    let mut store = db.open();
    import_csv(
        &mut store,
        &csv(&[row("移交甲", &id("19800101", 115))]),
        false,
    );
    let pid = store
        .patient_by_id_number(&id("19800101", 115), &Scope::All)
        .unwrap()
        .unwrap()
        .id;
    let t = tester(&mut store);
    let iid = with_desk(&mut store, &t, |d| {
        d.open_incident(&Subject::Patient(pid), "桃源社区", "")
    })
    .unwrap();
    with_desk(&mut store, &t, |d| {
        d.close_incident(iid, &closing(Outcome::Police, 0), false)
    })
    .unwrap();
    assert!(
        store
            .patient(pid, &Scope::All)
            .unwrap()
            .unwrap()
            .flags
            .incident_history
    );
}

#[test]
fn an_unknown_person_incident_opened_by_the_center_names_the_station_of_the_location() {
    let db = TempDb::new();
    let mut store = db.open();
    import_csv(
        &mut store,
        &csv(&[row("某甲", &id("19800101", 117))]),
        false,
    );
    let t = tester(&mut store);
    let refused = with_desk(&mut store, &t, |d| {
        d.open_incident(&Subject::Unknown { station: None }, "车站", "")
    });
    assert!(refused.is_err());
    let iid = with_desk(&mut store, &t, |d| {
        d.open_incident(
            &Subject::Unknown {
                station: Some("望江派出所".into()),
            },
            "车站",
            "",
        )
    })
    .unwrap();
    let desk = operator(
        &mut store,
        "wangjiang",
        OperatorRole::Station,
        Some("望江派出所"),
    );
    assert!(store.incident(iid, &desk.scope()).unwrap().is_some());
}

#[test]
fn missing_is_p1_when_the_roster_records_an_earlier_missing_episode() {
    let db = TempDb::new();
    let mut store = db.open();
    let header = format!("{HEADER},曾失访");
    let mut earlier = row("曾失甲", &id("19800101", 119));
    earlier[7] = "失访".into();
    earlier.push("是".into());
    let mut first = row("初失甲", &id("19800101", 121));
    first[7] = "失访".into();
    first.push("否".into());
    let text = format!("{header}\n{}\n{}\n", earlier.join(","), first.join(","));
    let report = import_csv(&mut store, &text, false);
    assert_eq!(report.errors, 0, "{:?}", report.problems);
    let sev = |n: u32| {
        let pid = store
            .patient_by_id_number(&id("19800101", n), &Scope::All)
            .unwrap()
            .unwrap()
            .id;
        kinds_of(&store, pid, &Scope::All)
            .into_iter()
            .find(|(k, _)| *k == AlertKind::Missing)
            .map(|(_, s)| s)
    };
    assert_eq!(sev(119), Some(Severity::P1));
    assert_eq!(sev(121), Some(Severity::P2));
}

#[test]
fn away_on_the_roster_without_destination_or_date_is_a_warning_and_away_long_counts_from_the_date()
{
    let db = TempDb::new();
    let mut store = db.open();
    let header = format!("{HEADER},外出日期");
    let mut no_dest = row("外出甲", &id("19800101", 123));
    no_dest[7] = "外出".into();
    no_dest.push(String::new());
    let mut long = row("外出乙", &id("19800101", 125));
    long[7] = "外出".into();
    long[8] = "广州".into();
    long.push("2025-01-20".into());
    let text = format!("{header}\n{}\n{}\n", no_dest.join(","), long.join(","));
    let report = import_csv(&mut store, &text, false);
    assert_eq!(report.errors, 0);
    let rows_warned: Vec<usize> = report.problems.iter().map(|p| p.row).collect();
    assert_eq!(rows_warned, vec![2, 2]);
    let pid = store
        .patient_by_id_number(&id("19800101", 125), &Scope::All)
        .unwrap()
        .unwrap()
        .id;
    let alerts = store
        .alerts_as_of(now(), &Config::default(), &Scope::All)
        .unwrap();
    let away_long = alerts
        .iter()
        .find(|a| a.patient_id == pid && a.kind == AlertKind::AwayLong)
        .expect("away more than 30 days on 2025-03-10");
    assert_eq!(away_long.severity, Severity::P2);
}

#[test]
fn import_row_numbers_are_the_spreadsheets_whatever_the_line_endings_and_bom() {
    let good = row("好甲", &id("19800101", 151));
    let mut bad = row("坏乙", &id("19800101", 153));
    bad[1] = "990101198001011530".into(); // wrong check digit
    let lines = [HEADER.to_string(), good.join(","), bad.join(",")];
    for eol in ["\n", "\r\n", "\r"] {
        for bom in ["", "\u{feff}"] {
            let text = format!("{bom}{}{eol}", lines.join(eol));
            let db = TempDb::new();
            let mut store = db.open();
            let report = import_csv(&mut store, &text, true);
            let rows: Vec<usize> = report.problems.iter().map(|p| p.row).collect();
            assert_eq!(rows, vec![3], "{eol:?} {bom:?}: {:?}", report.problems);
        }
    }
}

#[test]
fn a_roster_that_brings_a_patient_home_from_hospital_makes_the_next_follow_up_due_within_fourteen_days()
 {
    let db = TempDb::new();
    let mut store = db.open();
    let mut r = row("出院甲", &id("19800101", 155));
    r[7] = "住院".into();
    import_csv(&mut store, &csv(&[r.clone()]), false);
    let pid = store
        .patient_by_id_number(&id("19800101", 155), &Scope::All)
        .unwrap()
        .unwrap()
        .id;
    let overdue = |store: &dutydesk::store::Store, day: &str| {
        store
            .alerts_as_of(at(day, 9), &Config::default(), &Scope::All)
            .unwrap()
            .into_iter()
            .any(|a| a.patient_id == pid && a.kind == AlertKind::FollowupOverdue)
    };
    // In hospital: no schedule, even months later.
    assert!(!overdue(&store, "2025-07-01"));
    // Home by the roster of 2025-03-10 (no 出院日期 column): due by 03-24, not 06-01.
    r[7] = "在管".into();
    import_csv(&mut store, &csv(&[r]), false);
    let p = store.patient(pid, &Scope::All).unwrap().unwrap();
    assert_eq!(p.discharged_on, Some(today()));
    assert!(!overdue(&store, "2025-03-24"));
    assert!(overdue(&store, "2025-03-25"));
}

#[test]
fn resolving_missing_records_the_written_report_and_the_episode_raises_no_new_alert() {
    use dutydesk::desk::{DeskError, Refusal};
    let db = TempDb::new();
    let mut store = db.open();
    let mut r = row("失访甲", &id("19800101", 121));
    r[5] = "3".into();
    r[7] = "失访".into();
    import_csv(&mut store, &csv(&[r]), false);
    let pid = store
        .patient_by_id_number(&id("19800101", 121), &Scope::All)
        .unwrap()
        .unwrap()
        .id;
    let missing = |store: &dutydesk::store::Store| {
        store
            .alerts(&Scope::All, true)
            .unwrap()
            .into_iter()
            .find(|a| a.patient_id == pid && a.kind == AlertKind::Missing)
    };
    let alert = missing(&store).expect("a missing patient raises 失访");
    let center = tester(&mut store);
    // A plain resolve is refused while she is still missing…
    let plain = with_desk(&mut store, &center, |d| d.resolve(alert.id, "已处理"));
    assert!(matches!(
        plain,
        Err(DeskError::Refused(Refusal::ConditionHolds { .. }))
    ));
    // …a report dated after now is refused…
    let later = now() + chrono::Duration::minutes(5);
    let future = with_desk(&mut store, &center, |d| {
        d.resolve_with_written_report(alert.id, "县委政法委", later, "")
    });
    assert!(matches!(
        future,
        Err(DeskError::Refused(Refusal::WrittenReportLater))
    ));
    // …and the written report (to whom, when) resolves it.
    let at = now() - chrono::Duration::minutes(20);
    with_desk(&mut store, &center, |d| {
        d.resolve_with_written_report(alert.id, "县委政法委", at, "电话后补书面报告")
    })
    .unwrap();
    assert!(missing(&store).is_none());
    // The next derivation does not raise the same episode again.
    store.refresh_alerts(now(), &Config::default()).unwrap();
    assert!(
        missing(&store).is_none(),
        "the reported episode stays resolved"
    );
    // The exchange list and the audit say to whom and when, in words.
    let reports = store.written_reports(&Scope::All).unwrap();
    assert_eq!(reports[&pid].to, "县委政法委");
    assert_eq!(reports[&pid].at, at);
    let said: Vec<String> = store
        .audit_entries(&Scope::All, 50)
        .unwrap()
        .iter()
        .map(|e| dutydesk::i18n::Lang::Zh.audit_sentence(e))
        .collect();
    assert!(
        said.iter()
            .any(|t| t.contains("办结了 失访甲 的 失访") && t.contains("已书面报告 县委政法委")),
        "{said:?}"
    );
}

#[test]
fn a_written_report_resolves_only_missing_and_refusing_alerts() {
    use dutydesk::desk::{DeskError, Refusal};
    let db = TempDb::new();
    let mut store = db.open();
    let mut r = row("不稳定甲", &id("19800101", 131));
    r[5] = "3".into();
    r[6] = "不稳定".into();
    import_csv(&mut store, &csv(&[r]), false);
    let alert = store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .find(|a| a.kind == AlertKind::Unstable)
        .unwrap();
    let center = tester(&mut store);
    let refused = with_desk(&mut store, &center, |d| {
        d.resolve_with_written_report(alert.id, "县委政法委", now(), "")
    });
    assert!(matches!(
        refused,
        Err(DeskError::Refused(Refusal::NoWrittenReport { .. }))
    ));
}

#[test]
fn a_new_missing_episode_after_a_reported_one_raises_a_new_alert() {
    let db = TempDb::new();
    let mut store = db.open();
    let mut r = row("失访乙", &id("19800101", 141));
    r[7] = "失访".into();
    import_csv(&mut store, &csv(&[r.clone()]), false);
    let center = tester(&mut store);
    let first = store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .find(|a| a.kind == AlertKind::Missing)
        .unwrap();
    with_desk(&mut store, &center, |d| {
        d.resolve_with_written_report(first.id, "派出所", now(), "")
    })
    .unwrap();
    // Found (在管) a day later, then missing again two days later: a new episode.
    let mut found = r.clone();
    found[7] = "在管".into();
    let day = |n| now() + chrono::Duration::days(n);
    for (rows, at) in [(vec![found], day(1)), (vec![r], day(2))] {
        let table = dutydesk::import::table::read_csv(csv(&rows).as_bytes(), "t.csv").unwrap();
        with_desk_at(&mut store, &center, at, |d| d.import_roster(&table, false)).unwrap();
    }
    let open: Vec<_> = store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .filter(|a| a.kind == AlertKind::Missing)
        .collect();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_ne!(open[0].id, first.id);
}
