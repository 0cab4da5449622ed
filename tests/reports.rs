//! The reports on a small roster whose figures are worked out by hand, the xlsx read back cell by
//! cell, CSV with BOM, rewards over months, and a station's report counting only its station.

mod common;

use chrono::NaiveDate;
use common::*;
use dutydesk::config::Config;
use dutydesk::domain::incident::{Closing, Outcome, SyncChecklist, SyncItem};
use dutydesk::files::Existing;
use dutydesk::report::rewards::{Month, RewardDecision};
use dutydesk::report::stats::StatRow;
use dutydesk::report::{self, write};
use dutydesk::store::{Scope, Store};

/// Six patients at 2025-03-10 (all rows have a full team unless said):
/// - 甲 risk 0 stable 在管, oral, followed 2025-03-01.
/// - 乙 risk 2 basically stable 在管, long-acting injection, floating, followed 2025-02-20.
/// - 丙 risk 4 unstable 住院 (treatment 住院), police-listed, special team, followed 2025-03-05.
/// - 丁 risk 3 unstable 在管, incident history, vagrant, followed 2025-01-10, 新港派出所.
/// - 戊 risk 1 basically stable 迁出 (off the register).
/// - 己 risk 0 stable 在管, no guardian, followed 2025-03-02.
fn roster() -> String {
    let mut jia = row("测试甲", &id("19800101", 123));
    jia.push("口服".into());
    jia.push("否".into());
    jia.push("否".into());
    jia.push("否".into());
    jia.push("否".into());
    let mut yi = row("测试乙", &id("19800101", 125));
    (yi[5], yi[6], yi[13]) = ("2".into(), "基本稳定".into(), "2025-02-20".into());
    yi.extend(["长效针剂", "是", "否", "否", "否"].map(String::from));
    let mut bing = row("测试丙", &id("19800101", 127));
    (bing[5], bing[6], bing[7], bing[13]) = (
        "4".into(),
        "不稳定".into(),
        "住院".into(),
        "2025-03-05".into(),
    );
    bing.extend(["口服", "否", "否", "是", "是"].map(String::from));
    let mut ding = row("测试丁", &id("19800101", 129));
    (ding[5], ding[6], ding[13], ding[12]) = (
        "3".into(),
        "不稳定".into(),
        "2025-01-10".into(),
        "新港派出所".into(),
    );
    (ding[21], ding[22]) = ("民警乙".into(), "13800002002".into());
    ding.extend(["口服", "否", "是", "否", "否"].map(String::from));
    let mut wu = row("测试戊", &id("19800101", 131));
    (wu[5], wu[6], wu[7]) = ("1".into(), "基本稳定".into(), "迁出".into());
    wu.extend(["口服", "否", "否", "否", "否"].map(String::from));
    let mut ji = row("测试己", &id("19800101", 133));
    (ji[13], ji[15], ji[16]) = ("2025-03-02".into(), String::new(), String::new());
    ji.extend(["口服", "否", "否", "否", "否"].map(String::from));
    // Extra columns after HEADER's: 用药方式, 流动人口, 肇事肇祸史, 公安列管, 重症专班.
    let text = csv(&[jia, yi, bing, ding, wu, ji]);
    text.replacen(
        HEADER,
        &format!("{HEADER},用药方式,流动人口,肇事肇祸史,公安列管,重症专班"),
        1,
    )
}

fn value(rows: &[StatRow], label: &str, sub: &str) -> Option<f64> {
    rows.iter()
        .find(|r| r.label == label && r.sub == sub)
        .unwrap_or_else(|| panic!("no row {label} {sub}"))
        .value
}

fn store_with_roster() -> (TempDb, Store) {
    let db = TempDb::new();
    let mut store = db.open();
    let r = import_csv(&mut store, &roster(), false);
    assert!(r.committed, "{:?}", r.problems);
    // 丁 is a vagrant too.
    let ding = store
        .patient_by_id_number(&id("19800101", 129), &Scope::All)
        .unwrap()
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute("UPDATE patients SET vagrant = 1 WHERE id = ?1", [ding.id])
        .unwrap();
    drop(conn);
    (
        TempDb {
            dir: db.dir,
            path: db.path.clone(),
        },
        Store::open(&db.path).unwrap(),
    )
}

fn closing(injured: u32, dead: u32) -> Closing {
    let done = SyncItem {
        done: true,
        reason: String::new(),
    };
    Closing {
        outcome: Outcome::Hospital,
        sync: SyncChecklist {
            legal: done.clone(),
            opinion: done.clone(),
            social: done,
        },
        persons_involved: 2,
        injured,
        dead,
        reported_upward: true,
    }
}

/// Period 2025-03-01..2025-03-31. Two incidents in March: 丁 on 03-05 (1 injured) and an
/// unknown person on 03-08 (1 dead); one in February for 丙 (outside the period).
fn with_incidents(store: &mut Store) {
    use dutydesk::desk::incidents::Subject;
    let t = tester(store);
    let ding = store
        .patient_by_id_number(&id("19800101", 129), &Scope::All)
        .unwrap()
        .unwrap();
    let bing = store
        .patient_by_id_number(&id("19800101", 127), &Scope::All)
        .unwrap()
        .unwrap();
    let a = with_desk_at(store, &t, at("2025-03-05", 10), |d| {
        d.open_incident(&Subject::Patient(ding.id), "村口", "")
    })
    .unwrap();
    with_desk_at(store, &t, at("2025-03-05", 11), |d| {
        d.close_incident(a, &closing(1, 0), false)
    })
    .unwrap();
    let b = with_desk_at(store, &t, at("2025-03-08", 10), |d| {
        d.open_incident(
            &Subject::Unknown {
                station: Some("新港派出所".into()),
            },
            "车站",
            "",
        )
    })
    .unwrap();
    with_desk_at(store, &t, at("2025-03-08", 11), |d| {
        d.close_incident(b, &closing(0, 1), false)
    })
    .unwrap();
    with_desk_at(store, &t, at("2025-02-10", 10), |d| {
        d.open_incident(&Subject::Patient(bing.id), "家中", "")
    })
    .unwrap();
}

#[test]
fn statistical_report_figures_match_the_hand_count() {
    let (_db, mut store) = store_with_roster();
    with_incidents(&mut store);
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let rows = report::statistics(
        &store,
        &Scope::All,
        d("2025-03-01"),
        d("2025-03-31"),
        &Config::default(),
    )
    .unwrap();
    let v = |l: &str, s: &str| value(&rows, l, s);
    // On the register: 甲 乙 丙 丁 己 (戊 moved out).
    assert_eq!(v("患者总数(≤系统中在册患者总数)", ""), Some(5.0));
    assert_eq!(v("0级患者数", ""), Some(2.0)); // 甲 己
    assert_eq!(v("1～2级患者数", ""), Some(1.0)); // 乙
    // 丙 (risk 4) and 丁 (risk 3) came in with the first import: the baseline, 既往 (r2).
    assert_eq!(v("3～5级患者数", "目前新发"), Some(0.0));
    assert_eq!(v("3～5级患者数", "既往人数"), Some(2.0));
    assert_eq!(v("住院治疗人数(3～6月期间)", ""), Some(1.0)); // 丙
    assert_eq!(v("居家治疗人数", ""), Some(4.0));
    assert_eq!(v("长效针剂治疗人数", ""), Some(1.0)); // 乙
    assert_eq!(v("口服药治疗人数", ""), Some(4.0)); // 甲 丙 丁 己
    assert_eq!(v("流动人口患者数", ""), Some(1.0)); // 乙
    assert_eq!(v("流浪乞讨人员患者数", ""), Some(1.0)); // 丁
    assert_eq!(v("易肇事肇祸患者人数", ""), Some(2.0)); // 丙 (risk 4), 丁 (risk 3, history)
    assert_eq!(v("列入公安机关重点管控人数", ""), Some(1.0)); // 丙
    assert_eq!(v("列入重症患者管理专班人数", ""), Some(1.0)); // 丙
    assert_eq!(v("行动期间肇事肇祸人数", ""), Some(2.0)); // 丁 + one unknown person
    assert_eq!(v("行动期间肇事肇祸起数", ""), Some(2.0));
    assert_eq!(v("行动期间肇事肇祸伤人数", ""), Some(1.0));
    assert_eq!(v("行动期间肇事肇祸死亡人数", ""), Some(1.0));
    // Last follow-up in March: 甲 (03-01), 丙 (03-05), 己 (03-02).
    assert_eq!(v("随访患者数", ""), Some(3.0));
    assert_eq!(
        v("参加随访的工作人员数", ""),
        Some(0.0),
        "no follow-up was recorded in the system"
    );
    // Rewards for March: eligible 丙 (risk 4; incident in Feb → suspended) and 丁 (risk 3;
    // incident in March → not due). Nobody is due.
    assert_eq!(v("奖补监护人数", "3～5级"), Some(0.0));
    assert_eq!(v("奖补金额(万元)", "3～5级"), Some(0.0));
    // The standard is 200 × 12 = 2400 a year: the first of the form's two rows; nobody is due.
    assert_eq!(v("奖补标准(元/年/人)", "2400元"), Some(0.0));
    assert_eq!(v("奖补标准(元/年/人)", ">2400元"), Some(0.0));
    assert_eq!(v("筛查人口总数", ""), None, "left for hand entry");
}

#[test]
fn rewards_resume_after_the_suspension_and_name_the_reason_when_not_due() {
    let (_db, mut store) = store_with_roster();
    with_incidents(&mut store);
    let lines = report::reward_lines(
        &store,
        &Scope::All,
        Month::parse("2025-03").unwrap(),
        Month::parse("2025-03").unwrap(),
        &Config::default(),
    )
    .unwrap();
    let by_name = |n: &str| lines.iter().find(|l| l.patient_name == n).unwrap().decision;
    assert_eq!(by_name("测试丁"), RewardDecision::IncidentThisMonth);
    assert_eq!(
        by_name("测试丙"),
        RewardDecision::Suspended {
            until: Month::parse("2026-02").unwrap()
        }
    );
    assert!(
        lines.iter().all(|l| l.patient_name != "测试甲"),
        "low-risk stable guarded patients are not eligible"
    );
    let later = report::reward_lines(
        &store,
        &Scope::All,
        Month::parse("2026-03").unwrap(),
        Month::parse("2026-03").unwrap(),
        &Config::default(),
    )
    .unwrap();
    let bing = later.iter().find(|l| l.patient_name == "测试丙").unwrap();
    assert_eq!(
        (bing.decision, bing.amount_yuan),
        (RewardDecision::Due, 200)
    );
}

#[test]
fn stats_xlsx_reads_back_cell_by_cell_and_csv_has_a_bom() {
    use calamine::{Data, Reader};
    let (db, mut store) = store_with_roster();
    with_incidents(&mut store);
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let rows = report::statistics(
        &store,
        &Scope::All,
        d("2025-03-01"),
        d("2025-03-31"),
        &Config::default(),
    )
    .unwrap();
    let xlsx = db.dir.path().join("stats.xlsx");
    write::stats(
        &rows,
        "示范区统计表",
        "示范区综治中心",
        "2025-03-31",
        &xlsx,
        Existing::Refuse,
    )
    .unwrap();
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(cell(0, 0), Data::String("示范区统计表".into()));
    assert_eq!(
        cell(1, 0),
        Data::String("报表填报单位：示范区综治中心".into())
    );
    assert_eq!(cell(2, 3), Data::String("数值".into()));
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        assert_eq!(cell(row, 1), Data::String(r.label.into()), "row {row}");
        match r.value {
            Some(v) => assert_eq!(cell(row, 3), Data::Float(v), "{} {}", r.label, r.sub),
            None => assert_eq!(cell(row, 3), Data::String(write::MANUAL_MARK.into())),
        }
    }
    let csv_path = db.dir.path().join("stats.csv");
    write::stats(&rows, "t", "u", "d", &csv_path, Existing::Refuse).unwrap();
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("3～5级患者数,目前新发,0,"));
}

#[test]
fn a_stations_report_counts_only_its_station_and_the_exchange_list_masks_ids() {
    let (_db, mut store) = store_with_roster();
    with_incidents(&mut store);
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let wj = Scope::Station("望江派出所".into());
    let rows = report::statistics(
        &store,
        &wj,
        d("2025-03-01"),
        d("2025-03-31"),
        &Config::default(),
    )
    .unwrap();
    assert_eq!(
        value(&rows, "患者总数(≤系统中在册患者总数)", ""),
        Some(4.0),
        "丁 belongs to 新港派出所"
    );
    assert_eq!(
        value(&rows, "行动期间肇事肇祸起数", ""),
        Some(0.0),
        "丁's incident and the unknown person's are both 新港's"
    );
    let list = report::exchange::list(&store, &wj, false).unwrap();
    let names: Vec<&str> = list.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, vec!["测试丙"]);
    assert!(list.rows[0][1].contains("********"));
    let full = report::exchange::list(&store, &wj, true).unwrap();
    assert_eq!(full.rows[0][1], id("19800101", 127));
}
