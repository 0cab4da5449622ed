//! Roster import as an operator meets it: every accepted format, every reported problem, all
//! rows or none, re-import by ID number, and the alerts a small roster raises, worked out by
//! hand from SPEC.md.

mod common;

use common::*;
use dutydesk::domain::alert::{AlertKind, Severity};
use dutydesk::domain::patient::{Condition, Guardianship, Status};
use dutydesk::domain::team::Role;
use dutydesk::import::rows::{Level, Reason};
use dutydesk::store::Scope;
use dutydesk::store::patients::PatientQuery;

#[test]
fn csv_with_every_accepted_variant_imports() {
    let db = TempDb::new();
    let mut store = db.open();
    // Header order shuffled, aliases, a BOM, full-width digits, Chinese-numeral levels,
    // 是/否 flags, three date forms, spaces around values, and an unknown column.
    let text = format!(
        "\u{feff}备注,公民身份号码,姓名,疾病诊断,危险性等级,病情评估,社区,街道,派出所,\
         末次随访日期,末次面访日期,公安列管,肇事肇祸史,监护情况,既往最高危险性\n\
         无,{},  测试甲 ,双相情感障碍,三级,不稳定,桃源社区,望江街道,望江派出所,2025/3/5,\
         2025年3月1日,是,否,弱,4级\n\
         无,{},测试乙,精神分裂症,１,基本稳定,桃源社区,望江街道,望江派出所,2025-03-05,2025.2.28,否,是,有,\n",
        id("19800101", 123),
        id("19900202", 124)
            .replace('9', "９")
            .replacen("９", "9", 1),
    );
    let r = import_csv(&mut store, &text, false);
    assert!(r.committed, "{:?}", r.problems);
    assert_eq!(r.counts.added, 2);
    assert_eq!(r.warnings, 1, "only the unknown column: {:?}", r.problems);
    assert_eq!(r.problems[0].reason, Reason::UnknownColumn);
    assert_eq!(r.problems[0].column, "备注");
    let ps = store.patients(&PatientQuery::default()).unwrap();
    let a = ps.iter().find(|p| p.name == "测试甲").unwrap();
    assert_eq!(a.risk_level.value(), 3);
    assert_eq!(a.risk_highest.value(), 4);
    assert_eq!(a.condition, Condition::Unstable);
    assert_eq!(a.guardianship, Guardianship::Weak);
    assert!(a.flags.police_listed && !a.flags.incident_history);
    assert_eq!(a.last_followup, Some("2025-03-05".parse().unwrap()));
    assert_eq!(a.last_visit, Some("2025-03-01".parse().unwrap()));
    assert_eq!(a.status, Status::Managed, "管理状态 defaults to 在管");
    let b = ps.iter().find(|p| p.name == "测试乙").unwrap();
    assert_eq!(b.risk_level.value(), 1);
    assert_eq!(
        b.risk_highest.value(),
        1,
        "highest defaults to the current level"
    );
    assert_eq!(
        b.last_visit,
        Some("2025-02-28".parse().unwrap()),
        "dotted date"
    );
    assert!(b.flags.incident_history);
}

#[test]
fn gbk_encoded_csv_imports() {
    let db = TempDb::new();
    let mut store = db.open();
    let text = csv(&[row("测试甲", &id("19800101", 123))]);
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    let path = db.dir.path().join("gbk.csv");
    std::fs::write(&path, &bytes).unwrap();
    let report = import_file_at(&mut store, &path, now());
    assert!(report.committed);
    assert_eq!(
        store.patients(&PatientQuery::default()).unwrap()[0]
            .jurisdiction
            .village,
        "桃源社区"
    );
}

#[test]
fn xlsx_with_date_cells_and_numbers_imports() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let db = TempDb::new();
    let path = db.dir.path().join("roster.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let headers = [
        "姓名",
        "身份证号",
        "诊断",
        "危险性评估",
        "病情",
        "乡镇",
        "村",
        "派出所",
        "末次随访日期",
        "联系电话",
        "监护人",
        "监护人电话",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date_format = Format::new().set_num_format("yyyy/m/d");
    let values = ["测试丙", &id("19750505", 131), "精神分裂症"];
    for (c, v) in values.iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_number(1, 3, 2.0).unwrap();
    ws.write_string(1, 4, "基本稳定").unwrap();
    ws.write_string(1, 5, "青石镇").unwrap();
    ws.write_string(1, 6, "石桥村").unwrap();
    ws.write_string(1, 7, "新港派出所").unwrap();
    let d = ExcelDateTime::from_ymd(2025, 2, 20).unwrap();
    ws.write_datetime_with_format(1, 8, &d, &date_format)
        .unwrap();
    ws.write_number(1, 9, 13800007777.0).unwrap();
    ws.write_string(1, 10, "监护丙").unwrap();
    ws.write_number(1, 11, 13800005003.0).unwrap();
    book.save(&path).unwrap();

    let mut store = db.open();
    let report = import_file_at(&mut store, &path, now());
    assert!(report.committed, "{:?}", report.problems);
    let p = &store.patients(&PatientQuery::default()).unwrap()[0];
    assert_eq!(p.last_followup, Some("2025-02-20".parse().unwrap()));
    assert_eq!(p.phone, "13800007777");
    assert_eq!(p.risk_level.value(), 2);
    let team = store.team(p.id, &Scope::All).unwrap();
    assert_eq!(team[0].role, Role::Guardian);
    assert_eq!(team[0].person.phone, "13800005003");
}

#[test]
fn every_problem_is_reported_by_row_column_value_and_reason() {
    let db = TempDb::new();
    let mut store = db.open();
    let good = id("19800101", 123);
    let mut bad_checksum = row("测试乙", &id("19800101", 125));
    bad_checksum[1].pop();
    bad_checksum[1].push(if id("19800101", 125).ends_with('0') {
        '1'
    } else {
        '0'
    });
    let mut bad_date = row("测试丙", &id("19800101", 127));
    bad_date[13] = "2025-13-01".into();
    let mut bad_diagnosis = row("测试丁", &id("19800101", 129));
    bad_diagnosis[4] = "抑郁症".into();
    let mut bad_level = row("测试戊", &id("19800101", 131));
    bad_level[5] = "6级".into();
    let mut bad_condition = row("测试己", &id("19800101", 133));
    bad_condition[6] = "好转".into();
    let mut bad_status = row("测试庚", &id("19800101", 135));
    bad_status[7] = "出国".into();
    let duplicate = row("测试辛", &good);
    let mut wrong_gender = row("测试壬", &id("19800101", 137));
    wrong_gender[2] = "女".into();
    let rows = vec![
        row("测试甲", &good),
        bad_checksum,
        bad_date,
        bad_diagnosis,
        bad_level,
        bad_condition,
        bad_status,
        duplicate,
        wrong_gender,
    ];
    let report = import_csv(&mut store, &csv(&rows), false);
    assert!(!report.committed);
    let errors: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.level == Level::Error)
        .collect();
    let expect = |row: usize, column: &str| {
        errors
            .iter()
            .find(|p| p.row == row && p.column == column)
            .unwrap_or_else(|| panic!("no problem at row {row} {column}: {errors:?}"))
    };
    assert!(matches!(expect(3, "身份证号").reason, Reason::IdNumber(_)));
    assert_eq!(expect(4, "末次随访日期").value, "2025-13-01");
    assert_eq!(expect(4, "末次随访日期").reason, Reason::BadDate);
    assert_eq!(expect(5, "诊断").reason, Reason::UnknownDiagnosis);
    assert_eq!(expect(6, "危险性评估").reason, Reason::UnknownLevel);
    assert_eq!(expect(7, "病情").reason, Reason::UnknownCondition);
    assert_eq!(expect(8, "管理状态").reason, Reason::UnknownStatus);
    assert_eq!(
        expect(9, "身份证号").reason,
        Reason::DuplicateId { first_row: 2 }
    );
    assert!(matches!(
        expect(10, "性别").reason,
        Reason::GenderMismatch { .. }
    ));
    assert_eq!(errors.len(), 8);
    assert_eq!(
        store.patient_count(&Scope::All).unwrap(),
        0,
        "all rows or none"
    );
}

#[test]
fn missing_required_column_is_reported_and_nothing_written() {
    let db = TempDb::new();
    let mut store = db.open();
    let text = format!(
        "姓名,身份证号,诊断,危险性评估,病情,乡镇街道,村居\n测试甲,{},精神分裂症,0,稳定,望江街道,桃源社区\n",
        id("19800101", 123)
    );
    let report = import_csv(&mut store, &text, false);
    assert!(!report.committed);
    assert_eq!(report.problems[0].column, "派出所");
    assert_eq!(report.problems[0].reason, Reason::MissingColumn);
    assert_eq!(report.problems[0].row, 1);
}

#[test]
fn broken_roster_leaves_the_database_content_unchanged() {
    let db = TempDb::new();
    let mut store = db.open();
    import_csv(
        &mut store,
        &csv(&[row("测试甲", &id("19800101", 123))]),
        false,
    );
    let before = dump(&db.path);
    let mut changed = row("测试甲", &id("19800101", 123));
    changed[5] = "4".into();
    changed[6] = "不稳定".into();
    let mut broken = row("测试乙", &id("19800101", 125));
    broken[13] = "去年".into();
    let report = import_csv(&mut store, &csv(&[changed, broken]), false);
    assert!(!report.committed);
    assert_eq!(dump(&db.path), before);
}

#[test]
fn team_member_from_another_station_rolls_back_the_whole_file() {
    let db = TempDb::new();
    let mut store = db.open();
    let first = row("测试甲", &id("19800101", 123));
    import_csv(&mut store, &csv(&[first]), false);
    let before = dump(&db.path);
    // The same officer (name + phone) named for a patient of another station.
    let mut other = row("测试乙", &id("19800101", 125));
    other[12] = "新港派出所".into();
    let fine = row("测试丙", &id("19800101", 127));
    let report = import_csv(&mut store, &csv(&[fine, other]), false);
    assert!(!report.committed);
    let p = report
        .problems
        .iter()
        .find(|p| p.level == Level::Error)
        .unwrap();
    assert_eq!(
        (p.row, p.column.as_str(), p.value.as_str()),
        (3, "包村民警", "民警甲")
    );
    assert!(matches!(p.reason, Reason::OutsideJurisdiction(_)));
    assert_eq!(dump(&db.path), before);
}

#[test]
fn dry_run_reports_counts_and_writes_nothing() {
    let db = TempDb::new();
    let mut store = db.open();
    tester(&mut store);
    let before = dump(&db.path);
    let report = import_csv(
        &mut store,
        &csv(&[row("测试甲", &id("19800101", 123))]),
        true,
    );
    assert!(!report.committed);
    assert_eq!(report.counts.added, 1);
    assert_eq!(dump(&db.path), before);
}

#[test]
fn reimport_updates_by_id_number_and_counts_unchanged_rows() {
    let db = TempDb::new();
    let mut store = db.open();
    let a = row("测试甲", &id("19800101", 123));
    let b = row("测试乙", &id("19800101", 125));
    let first = import_csv(&mut store, &csv(&[a.clone(), b.clone()]), false);
    assert_eq!(first.counts.added, 2);
    let mut a2 = a.clone();
    a2[5] = "2".into();
    a2[6] = "基本稳定".into();
    a2[7] = "".into(); // blank status keeps what is stored
    let second = import_csv(&mut store, &csv(&[a2, b]), false);
    assert_eq!(
        (
            second.counts.added,
            second.counts.updated,
            second.counts.unchanged
        ),
        (0, 1, 1)
    );
    let p = store
        .patient_by_id_number(&id("19800101", 123), &Scope::All)
        .unwrap()
        .unwrap();
    assert_eq!(p.risk_level.value(), 2);
    assert_eq!(p.condition, Condition::BasicallyStable);
    assert_eq!(store.patient_count(&Scope::All).unwrap(), 2);
}

#[test]
fn team_members_are_matched_by_name_and_phone() {
    let db = TempDb::new();
    let mut store = db.open();
    let a = row("测试甲", &id("19800101", 123));
    let b = row("测试乙", &id("19800101", 125));
    let mut c = row("测试丙", &id("19800101", 127));
    c[16] = "13800005999".into(); // same guardian name, another phone: another person
    let report = import_csv(&mut store, &csv(&[a, b, c]), false);
    // Doctor, cadres and officer shared by all three (4 persons); guardians: two distinct.
    assert_eq!(report.counts.persons_created, 6);
    let persons = store.persons(&Scope::All).unwrap();
    assert_eq!(persons.iter().filter(|p| p.name == "监护甲").count(), 2);
}

#[test]
fn risk_condition_contradiction_is_a_warning_not_an_error() {
    let db = TempDb::new();
    let mut store = db.open();
    let mut r = row("测试甲", &id("19800101", 123));
    r[5] = "4".into(); // risk 4 recorded as stable
    let report = import_csv(&mut store, &csv(&[r]), false);
    assert!(report.committed);
    assert_eq!(report.warnings, 1);
    assert!(matches!(
        report.problems[0].reason,
        Reason::RiskConditionMismatch { risk: 4, .. }
    ));
}

/// Five patients whose alerts at 2025-03-10 follow from SPEC's table, worked out by hand:
/// - 甲: risk 0, stable, followed 2025-03-01, full team → nothing.
/// - 乙: 失访, risk 1, basically stable, guarded, no key category other than being missing →
///   missing P2; followed 2025-03-01, due 2025-04-01: not yet overdue.
/// - 丙: 外出 to 广州, risk 3, unstable → left_area P1, unstable P1; all five roles present.
/// - 丁: risk 0, stable, followed 2024-11-20 (due 2025-02-20: 18 days late), seen face to face
///   2024-08-01 (due 2025-02-01: 37 days late) → followup_overdue P2 (18), visit_overdue P3 (37).
/// - 戊: risk 3, unstable, guardianship 无, no guardian, no officer → unstable P1,
///   team_incomplete P2, guardianship P2.
#[test]
fn small_roster_raises_the_alerts_worked_out_by_hand() {
    let db = TempDb::new();
    let mut store = db.open();
    let jia = row("测试甲", &id("19800101", 123));
    let mut yi = row("测试乙", &id("19800101", 125));
    (yi[5], yi[6], yi[7]) = ("1".into(), "基本稳定".into(), "失访".into());
    let mut bing = row("测试丙", &id("19800101", 127));
    (bing[5], bing[6], bing[7], bing[8]) =
        ("3".into(), "不稳定".into(), "外出".into(), "广州".into());
    let mut ding = row("测试丁", &id("19800101", 129));
    (ding[13], ding[14]) = ("2024-11-20".into(), "2024-08-01".into());
    let mut wu = row("测试戊", &id("19800101", 131));
    (wu[5], wu[6], wu[9]) = ("3".into(), "不稳定".into(), "无".into());
    for i in [15, 16, 21, 22] {
        wu[i] = String::new();
    }
    let report = import_csv(&mut store, &csv(&[jia, yi, bing, ding, wu]), false);
    assert!(report.committed, "{:?}", report.problems);
    let mut got: Vec<(String, AlertKind, Severity, Option<i64>)> = store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                a.patient_name.clone(),
                a.kind,
                a.severity,
                a.days_overdue(today()),
            )
        })
        .collect();
    got.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let n = |s: &str| s.to_string();
    let mut want = vec![
        (n("测试乙"), AlertKind::Missing, Severity::P2, None),
        (n("测试丙"), AlertKind::LeftArea, Severity::P1, None),
        (n("测试丙"), AlertKind::Unstable, Severity::P1, None),
        (
            n("测试丁"),
            AlertKind::FollowupOverdue,
            Severity::P2,
            Some(18),
        ),
        (n("测试丁"), AlertKind::VisitOverdue, Severity::P3, Some(37)),
        (n("测试戊"), AlertKind::Unstable, Severity::P1, None),
        (n("测试戊"), AlertKind::TeamIncomplete, Severity::P2, None),
        (n("测试戊"), AlertKind::Guardianship, Severity::P2, None),
    ];
    want.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    assert_eq!(got, want);
    // Listed most urgent first.
    let listed = store.alerts(&Scope::All, true).unwrap();
    assert!(listed.windows(2).all(|w| w[0].severity <= w[1].severity));
}

#[test]
fn reimport_that_fixes_a_patient_closes_its_alert_and_leaves_others_alone() {
    let db = TempDb::new();
    let mut store = db.open();
    let mut a = row("测试甲", &id("19800101", 123));
    a[13] = "2024-10-01".into(); // overdue
    let mut b = row("测试乙", &id("19800101", 125));
    b[13] = "2024-10-01".into(); // overdue too
    import_csv(&mut store, &csv(&[a.clone(), b]), false);
    let open = store.alerts(&Scope::All, true).unwrap();
    assert_eq!(open.len(), 2);
    let other = open.iter().find(|x| x.patient_name == "测试乙").unwrap().id;
    a[13] = "2025-03-08".into(); // followed up since
    let r = import_csv(&mut store, &csv(&[a]), false);
    assert_eq!(r.alerts.unwrap().closed, 1);
    let open = store.alerts(&Scope::All, true).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        open[0].id, other,
        "the other patient's alert is the same row, untouched"
    );
}
