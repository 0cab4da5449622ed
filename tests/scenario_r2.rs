//! A scenario worked out by hand from SPEC revision 2 before the test was first run: a roster of
//! five patients imported on 2026-01-05, then a follow-up, a move, an incident and a control
//! level, with the alerts at three instants and the statistical report of a closed period
//! (2026-01-01..2026-01-15) run afterwards.
//!
//! Roster (望江街道/桃源社区/望江派出所, last follow-up and visit 2025-12-31, full team, each
//! with a guardian of their own):
//! - 甲 risk 0 stable 在管
//! - 乙 risk 3 unstable 在管
//! - 丙 risk 1 basically stable 失访, 曾失访=是 (an earlier episode)
//! - 丁 risk 2 unstable 住院
//! - 戊 risk 0 stable 外出 to 广州 since 2025-12-20
//!
//! Events: 01-10 甲 home visit, risk 3 unstable (肇事 1), by 医生甲 with 村干甲; 01-12 乙 moves
//! to 江北街道/北岸社区/江北派出所 with only the guardian and a 江北 doctor named; 01-15 an
//! incident of 甲 closed with one injured; 01-20 一级管控 for 望江派出所 until 01-31.

mod common;

use common::*;
use dutydesk::config::Config;
use dutydesk::desk::control::NewControl;
use dutydesk::desk::incidents::Subject;
use dutydesk::domain::alert::{AlertKind, Severity};
use dutydesk::domain::followup::*;
use dutydesk::domain::incident::{Closing, Outcome, SyncChecklist, SyncItem};
use dutydesk::domain::patient::{Compliance, Condition, Medication};
use dutydesk::domain::risk::RiskLevel;
use dutydesk::domain::schedule::ControlLevel;
use dutydesk::import::table::read_csv;
use dutydesk::report;
use dutydesk::store::{Scope, Store};

const EXTRA: &str = ",曾失访,外出日期";

fn patient_row(name: &str, seq: u32, risk: &str, condition: &str, status: &str) -> Vec<String> {
    let mut r = row(name, &id("19800101", seq));
    r[5] = risk.into();
    r[6] = condition.into();
    r[7] = status.into();
    r[13] = "2025-12-31".into();
    r[14] = "2025-12-31".into();
    r[15] = format!("监护{name}");
    r[16] = format!("1380000{:04}", 5100 + seq);
    r.push("否".into());
    r.push(String::new());
    r
}

fn roster() -> Vec<Vec<String>> {
    let jia = patient_row("甲", 141, "0", "稳定", "在管");
    let yi = patient_row("乙", 143, "3", "不稳定", "在管");
    let mut bing = patient_row("丙", 145, "1", "基本稳定", "失访");
    bing[25] = "是".into();
    let ding = patient_row("丁", 147, "2", "不稳定", "住院");
    let mut wu = patient_row("戊", 149, "0", "稳定", "外出");
    wu[8] = "广州".into();
    wu[26] = "2025-12-20".into();
    vec![jia, yi, bing, ding, wu]
}

fn import_at(store: &mut Store, rows: &[Vec<String>], at: chrono::DateTime<chrono::Utc>) {
    let mut text = format!("{HEADER}{EXTRA}\n");
    for r in rows {
        text.push_str(&r.join(","));
        text.push('\n');
    }
    let table = read_csv(text.as_bytes(), "roster.csv").unwrap();
    let t = tester(store);
    let report = with_desk_at(store, &t, at, |d| d.import_roster(&table, false)).unwrap();
    assert_eq!(report.errors, 0, "{:?}", report.problems);
}

fn pid(store: &Store, seq: u32) -> i64 {
    store
        .patient_by_id_number(&id("19800101", seq), &Scope::All)
        .unwrap()
        .unwrap()
        .id
}

fn alerts_at(
    store: &Store,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<(String, AlertKind, Severity)> {
    let mut v: Vec<_> = store
        .alerts_as_of(at, &Config::default(), &Scope::All)
        .unwrap()
        .into_iter()
        .map(|a| (a.patient_name, a.kind, a.severity))
        .collect();
    v.sort();
    v
}

fn expect(list: &[(&str, AlertKind, Severity)]) -> Vec<(String, AlertKind, Severity)> {
    let mut v: Vec<_> = list
        .iter()
        .map(|(n, k, s)| (n.to_string(), *k, *s))
        .collect();
    v.sort();
    v
}

fn jia_home_visit() -> FollowUp {
    FollowUp {
        date: "2026-01-10".parse().unwrap(),
        form: FollowUpForm::HomeVisit,
        outcome: FollowUpOutcome::Reached(Box::new(Assessment {
            informant: Informant::Patient,
            risk_level: RiskLevel::new(3).unwrap(),
            symptoms: vec![],
            symptoms_other: vec![],
            symptom_state: SymptomState::Marked,
            insight: Insight::Partial,
            sleep: Grade::Fair,
            diet: Grade::Fair,
            social_function: Grade::Fair,
            dangerous: DangerousBehaviour {
                trouble: 1,
                ..Default::default()
            },
            locked_up: LockUp::NotLocked,
            hospitalised: HospitalStay::NeverAdmitted,
            compliance: Compliance::Intermittent,
            drug_reaction: DrugReaction::None,
            serious_physical_illness: false,
            treatment_effect: TreatmentEffect::Unchanged,
            referral: true,
            medication: Medication::Oral,
            class: Condition::Unstable,
            risk_override_reason: None,
            guardian_refuses_admission: false,
        })),
        next_date: None,
        by_whom: "医生甲".into(),
        joint_visitors: vec!["村干甲".into()],
        guidance: None,
    }
}

fn closing_with_one_injured() -> Closing {
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
        injured: 1,
        dead: 0,
        reported_upward: true,
    }
}

#[test]
fn scenario_alerts_at_three_instants_and_the_report_of_a_closed_period_match_the_hand_count() {
    use AlertKind::*;
    use Severity::*;
    let db = TempDb::new();
    let mut store = db.open();
    import_at(&mut store, &roster(), at("2026-01-05", 9));

    // T1, 2026-01-06 09:00. 乙 unstable and high risk: P1. 丙 missing with an earlier episode:
    // P1. 丁 in hospital: nothing. 戊 away, low risk: left_area P3, away 17 days (< 30).
    assert_eq!(
        alerts_at(&store, at("2026-01-06", 9)),
        expect(&[
            ("乙", Unstable, P1),
            ("丙", Missing, P1),
            ("戊", LeftArea, P3),
        ])
    );

    let t = tester(&mut store);
    let jia = pid(&store, 141);
    with_desk_at(&mut store, &t, at("2026-01-10", 10), |d| {
        d.record_followup(jia, &jia_home_visit())
    })
    .unwrap();
    let mut moved = roster()[1].clone();
    moved[10] = "江北街道".into();
    moved[11] = "北岸社区".into();
    moved[12] = "江北派出所".into();
    moved[17] = "医生乙".into();
    moved[18] = "13800004002".into();
    for cell in &mut moved[19..25] {
        cell.clear();
    }
    import_at(&mut store, &[moved], at("2026-01-12", 10));
    let incident = with_desk_at(&mut store, &t, at("2026-01-15", 10), |d| {
        d.open_incident(&Subject::Patient(jia), "桃源社区2组", "持棍伤人")
    })
    .unwrap();
    with_desk_at(&mut store, &t, at("2026-01-15", 11), |d| {
        d.close_incident(incident, &closing_with_one_injured(), false)
    })
    .unwrap();

    // T2, 2026-01-16 09:00. 甲 risk 3 unstable since 01-10 (due 01-24) and reassessment due
    // after the incident closed 01-15. 乙 unstable P1, due 12-31 + 14 = 01-14: overdue; moved
    // with three roles emptied: team incomplete P2 (high risk); transferred in P2.
    assert_eq!(
        alerts_at(&store, at("2026-01-16", 9)),
        expect(&[
            ("甲", Unstable, P1),
            ("甲", ReassessmentDue, P2),
            ("乙", Unstable, P1),
            ("乙", FollowupOverdue, P2),
            ("乙", TeamIncomplete, P2),
            ("乙", TransferredIn, P2),
            ("丙", Missing, P1),
            ("戊", LeftArea, P3),
        ])
    );

    with_desk_at(&mut store, &t, at("2026-01-20", 8), |d| {
        d.set_control(&NewControl {
            level: ControlLevel::Level1,
            from: "2026-01-20".parse().unwrap(),
            to: "2026-01-31".parse().unwrap(),
            townships: vec![],
            stations: vec!["望江派出所".into()],
            reason: "重大活动安保".into(),
        })
    })
    .unwrap();

    // T3, 2026-01-22 09:00. 一级管控 for 望江 from 01-20: 甲 (high risk, seen 01-10) is due a
    // visit by 01-21: P1. 乙 is 江北's now: untouched by it. 戊 away since 12-20: more than 30
    // days (limit 01-19): away_long P2.
    assert_eq!(
        alerts_at(&store, at("2026-01-22", 9)),
        expect(&[
            ("甲", Unstable, P1),
            ("甲", VisitOverdue, P1),
            ("甲", ReassessmentDue, P2),
            ("乙", Unstable, P1),
            ("乙", FollowupOverdue, P2),
            ("乙", TeamIncomplete, P2),
            ("乙", TransferredIn, P2),
            ("丙", Missing, P1),
            ("戊", LeftArea, P3),
            ("戊", AwayLong, P2),
        ])
    );

    // The report of 2026-01-01..2026-01-15, run after all this.
    let rows = report::statistics(
        &store,
        &Scope::All,
        "2026-01-01".parse().unwrap(),
        "2026-01-15".parse().unwrap(),
        &Config::default(),
    )
    .unwrap();
    let v = |label: &str, sub: &str| {
        rows.iter()
            .find(|r| r.label == label && r.sub == sub)
            .unwrap_or_else(|| panic!("no row {label} {sub}"))
            .value
    };
    assert_eq!(v("患者总数(≤系统中在册患者总数)", ""), Some(5.0));
    assert_eq!(v("0级患者数", ""), Some(1.0)); // 戊
    assert_eq!(v("1～2级患者数", ""), Some(2.0)); // 丙 丁
    assert_eq!(v("3～5级患者数", "目前新发"), Some(1.0)); // 甲, by the 01-10 follow-up
    assert_eq!(v("3～5级患者数", "既往人数"), Some(1.0)); // 乙, the import's baseline
    assert_eq!(v("住院治疗人数(3～6月期间)", ""), Some(1.0)); // 丁
    assert_eq!(v("居家治疗人数", ""), Some(3.0)); // 甲 乙 戊
    assert_eq!(v("口服药治疗人数", ""), Some(1.0)); // 甲, from the follow-up
    assert_eq!(v("长效针剂治疗人数", ""), Some(0.0));
    assert_eq!(v("随访患者数", ""), Some(1.0)); // 甲 (the roster's 12-31 is outside)
    assert_eq!(v("参加随访的工作人员数", ""), Some(2.0)); // 医生甲, 村干甲
    assert_eq!(v("易肇事肇祸患者人数", ""), Some(2.0)); // 甲 乙
    assert_eq!(v("行动期间肇事肇祸人数", ""), Some(1.0));
    assert_eq!(v("行动期间肇事肇祸起数", ""), Some(1.0));
    assert_eq!(v("行动期间肇事肇祸伤人数", ""), Some(1.0));
    assert_eq!(v("行动期间肇事肇祸死亡人数", ""), Some(0.0));
    // January rewards: 甲 had an incident, 丙 was missing, 戊 is not eligible; 乙 (risk 3) and
    // 丁 (risk 2, unstable) are due 200 yuan each, to two different guardians.
    assert_eq!(v("奖补监护人数", "0～2级"), Some(1.0));
    assert_eq!(v("奖补监护人数", "3～5级"), Some(1.0));
    assert_eq!(v("奖补金额(万元)", "0～2级"), Some(0.02));
    assert_eq!(v("奖补金额(万元)", "3～5级"), Some(0.02));
    assert_eq!(v("奖补标准(元/年/人)", "2400元"), Some(2.0));
    assert_eq!(v("奖补标准(元/年/人)", ">2400元"), Some(0.0));
}
