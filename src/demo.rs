//! Synthetic rosters: the demo data in `data/demo/` and the large rosters benchmarks use.
//! Everything is fictional: ID numbers use region code 99xxxx, which no province has, and the
//! names are drawn from syllable lists. The generator is deterministic for a seed.

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::config::Config;
use crate::desk::{Desk, DeskError, Session};
use crate::domain::alert::Severity;
use crate::domain::clock::{FixedClock, beijing_date};
use crate::domain::followup::*;
use crate::domain::patient::{Compliance, Condition, Medication, Status};
use crate::domain::risk::RiskLevel;
use crate::import::table::read_csv;
use crate::store::operators::{Operator, OperatorRole};
use crate::store::{Scope, Store, StoreError};

use crate::domain::id_number::check_char;
use crate::export::Sheet;
use crate::import::table::{Cell, Table};

/// The date the demo files in `data/demo/` are written against. Building the demo shifts every
/// date by (today − anchor), so the demo is always alive: some patients are always overdue.
pub const DEMO_ANCHOR: &str = "2026-11-01";
pub const DEMO_SEED: u64 = 20_261_101;
pub const DEMO_PATIENTS: usize = 360;

pub struct Place {
    pub township: &'static str,
    pub village: &'static str,
    pub station: &'static str,
    pub region: &'static str,
}

/// 2 townships, 6 villages, 3 police stations.
pub const PLACES: [Place; 6] = [
    Place {
        township: "望江街道",
        village: "桃源社区",
        station: "望江派出所",
        region: "990101",
    },
    Place {
        township: "望江街道",
        village: "杏林社区",
        station: "望江派出所",
        region: "990102",
    },
    Place {
        township: "望江街道",
        village: "柳岸社区",
        station: "新港派出所",
        region: "990103",
    },
    Place {
        township: "青石镇",
        village: "石桥村",
        station: "新港派出所",
        region: "990201",
    },
    Place {
        township: "青石镇",
        village: "云岭村",
        station: "青石派出所",
        region: "990202",
    },
    Place {
        township: "青石镇",
        village: "梅溪村",
        station: "青石派出所",
        region: "990203",
    },
];

const SURNAMES: &[&str] = &[
    "赵", "钱", "孙", "李", "周", "吴", "郑", "王", "冯", "陈", "褚", "卫", "蒋", "沈", "韩", "杨",
    "朱", "秦", "尤", "许", "何", "吕", "施", "张", "孔", "曹", "严", "华", "金", "魏", "欧阳",
];
const GIVEN: &[&str] = &[
    "明", "华", "建", "国", "秀", "英", "桂", "芳", "志", "强", "丽", "军", "平", "红", "玉", "兰",
    "德", "文", "海", "霞", "春", "梅", "云", "松", "晓", "东", "林", "波", "敏", "静", "𠮷", "翀",
];

/// A small deterministic generator (splitmix64) so the same seed gives the same roster.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn name(rng: &mut Rng, i: usize) -> String {
    // A few names carry a middle dot, as transliterated minority names do.
    if i % 97 == 13 {
        return format!(
            "{}{}·{}{}",
            rng.pick(GIVEN),
            rng.pick(GIVEN),
            rng.pick(GIVEN),
            rng.pick(GIVEN)
        );
    }
    let given_len = 1 + rng.below(2) as usize;
    let mut s = rng.pick(SURNAMES).to_string();
    for _ in 0..given_len {
        let given = rng.pick::<&str>(GIVEN);
        s.push_str(given);
    }
    s
}

fn phone(n: u64) -> String {
    // 1380000xxxx style numbers, a block used for examples, never assigned to a person here.
    format!("1380000{:04}", n % 10_000)
}

fn id_number(rng: &mut Rng, region: &str, seq: usize, female: bool, anchor: NaiveDate) -> String {
    let age_days = 18 * 365 + rng.below(60 * 365);
    let birth = anchor - Days::new(age_days);
    let mut order = (seq % 500) as u32 * 2 + 1;
    if female {
        order += 1;
    }
    let first17 = format!("{region}{}{:03}", birth.format("%Y%m%d"), order % 1000);
    // Keep the sequence digit's parity meaning the gender after the modulo.
    let mut chars: Vec<char> = first17.chars().collect();
    let d = chars[16].to_digit(10).unwrap_or(0);
    let parity_ok = d.is_multiple_of(2) == female;
    if !parity_ok {
        chars[16] = char::from_digit((d + 1) % 10, 10).unwrap_or('0');
    }
    let first17: String = chars.into_iter().collect();
    format!("{first17}{}", check_char(&first17))
}

pub const HEADERS: &[&str] = &[
    "姓名",
    "身份证号",
    "性别",
    "联系电话",
    "诊断",
    "危险性评估",
    "既往最高危险性",
    "病情",
    "管理状态",
    "外出去向",
    "监护情况",
    "住址",
    "乡镇街道",
    "村居",
    "派出所",
    "末次随访日期",
    "末次面访日期",
    "治疗方式",
    "用药方式",
    "服药依从性",
    "公安列管",
    "肇事肇祸史",
    "流动人口",
    "流浪乞讨",
    "重症专班",
    "曾失访",
    "监护人",
    "监护人电话",
    "精防医生",
    "精防医生电话",
    "包村干部",
    "包村干部电话",
    "包村民警",
    "包村民警电话",
    "村干部",
    "村干部电话",
];

const DIAGNOSES: &[&str] = &[
    "精神分裂症",
    "精神分裂症",
    "精神分裂症",
    "双相（情感）障碍",
    "分裂情感性障碍",
    "持久的妄想性障碍（偏执性精神病）",
    "癫痫所致精神障碍",
    "精神发育迟滞伴发精神障碍",
];

/// The roster's people who serve many patients, by place: cadres, officers, doctors.
struct Staff {
    township_cadres: Vec<(String, String)>,
    officers: Vec<(String, String)>,
    village_cadres: Vec<(String, String)>,
    doctors: Vec<(String, String)>,
}

fn staff_for(place_index: usize) -> Staff {
    let p = &PLACES[place_index];
    let t = if p.township == PLACES[0].township {
        0
    } else {
        1
    };
    let s = PLACES
        .iter()
        .position(|q| q.station == p.station)
        .unwrap_or(0);
    let who = |tag: &str, k: usize, base: u64| {
        (
            format!("{tag}{}", ["甲", "乙", "丙"][k]),
            phone(base + k as u64),
        )
    };
    Staff {
        township_cadres: (0..2)
            .map(|k| {
                who(
                    &format!("{}干部", &p.township[..6]),
                    k,
                    1000 + t as u64 * 10,
                )
            })
            .collect(),
        officers: (0..3)
            .map(|k| who(&format!("{}民警", &p.station[..6]), k, 2000 + s as u64 * 10))
            .collect(),
        village_cadres: (0..2)
            .map(|k| {
                who(
                    &format!("{}村干", &p.village[..6]),
                    k,
                    3000 + place_index as u64 * 10,
                )
            })
            .collect(),
        doctors: (0..3)
            .map(|k| {
                who(
                    &format!("{}医生", &p.township[..6]),
                    k,
                    4000 + t as u64 * 10,
                )
            })
            .collect(),
    }
}

/// A roster of `count` fictional patients with dates relative to `anchor`.
pub fn roster(count: usize, seed: u64, anchor: NaiveDate) -> Sheet {
    let mut rng = Rng::new(seed);
    let staff: Vec<Staff> = (0..PLACES.len()).map(staff_for).collect();
    let mut rows = Vec::with_capacity(count);
    let mut issued = std::collections::HashSet::with_capacity(count);
    for i in 0..count {
        let place_index = i % PLACES.len();
        let place = &PLACES[place_index];
        let female = rng.chance(45);
        let mut id = id_number(&mut rng, place.region, i / PLACES.len(), female, anchor);
        // Large rosters can draw the same birth date and sequence twice; draw again.
        while !issued.insert(id.clone()) {
            id = id_number(&mut rng, place.region, i / PLACES.len() + 1, female, anchor);
        }
        let risk: u8 = match rng.below(100) {
            0..=44 => 0,
            45..=64 => 1,
            65..=79 => 2,
            80..=89 => 3,
            90..=96 => 4,
            _ => 5,
        };
        let highest = (risk
            + if rng.chance(15) {
                1 + rng.below(2) as u8
            } else {
                0
            })
        .min(5);
        let condition = match risk {
            3..=5 => "不稳定",
            1 | 2 => "基本稳定",
            _ if rng.chance(20) => "基本稳定",
            _ => "稳定",
        };
        let status = match rng.below(100) {
            0..=77 => "在管",
            78..=82 => "住院",
            83..=87 => "外出",
            88..=90 => "失访",
            91..=93 => "拒访",
            94..=95 => "迁出",
            96..=97 => "死亡",
            _ => "销案",
        };
        let destination = if status == "外出" {
            *rng.pick(&["广州", "深圳", "上海", "杭州"])
        } else {
            ""
        };
        let guardianship = match rng.below(100) {
            0..=84 => "有",
            85..=94 => "弱",
            _ => "无",
        };
        // Follow-ups spread so that at the anchor some are overdue by days or weeks and some
        // are months past their face-to-face visit.
        let within = match condition {
            "不稳定" => 18,
            "基本稳定" => 36,
            _ => 100,
        };
        let last_followup = anchor - Days::new(rng.below(within));
        let last_visit = if rng.chance(15) {
            anchor - Days::new(185 + rng.below(120))
        } else {
            last_followup - Days::new(rng.below(60))
        };
        let treatment = if status == "住院" {
            "住院"
        } else {
            "居家"
        };
        let medication = match rng.below(10) {
            0 | 1 => "长效针剂",
            2 => "未服药",
            _ => "口服",
        };
        let compliance = match (medication, rng.below(100)) {
            ("未服药", _) => "不服药",
            (_, 0..=79) => "规律",
            _ => "间断",
        };
        let yes = |b: bool| if b { "是" } else { "否" }.to_string();
        let police_listed = risk >= 3 || rng.chance(5);
        let incident = rng.chance(8) || risk == 5;
        let floating = rng.chance(5);
        let vagrant = rng.chance(1) || i == 7;
        let special_team = risk >= 4 && rng.chance(60);
        let ever_missing = status == "失访" || rng.chance(4);
        let st = &staff[place_index];
        let patient_name = name(&mut rng, i);
        let surname: String = patient_name
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default();
        let guardian = (
            format!("{surname}{}", rng.pick(GIVEN)),
            phone(5000 + i as u64),
        );
        let mut team: [(String, String); 5] = [
            guardian,
            rng.pick(&st.doctors).clone(),
            rng.pick(&st.township_cadres).clone(),
            rng.pick(&st.officers).clone(),
            rng.pick(&st.village_cadres).clone(),
        ];
        // About a third of teams have holes; weak guardianship sometimes has no guardian yet.
        if rng.chance(30) {
            let hole = 1 + rng.below(4) as usize;
            team[hole] = Default::default();
        }
        if guardianship != "有" && rng.chance(50) {
            team[0] = Default::default();
        }
        let mut row = vec![
            patient_name,
            id.clone(),
            if female { "女" } else { "男" }.to_string(),
            phone(6000 + i as u64),
            rng.pick(DIAGNOSES).to_string(),
            format!("{risk}级"),
            highest.to_string(),
            condition.to_string(),
            status.to_string(),
            destination.to_string(),
            guardianship.to_string(),
            format!(
                "{}{}{}号",
                place.village,
                ["一组", "二组", "三组"][i % 3],
                1 + i % 80
            ),
            place.township.to_string(),
            place.village.to_string(),
            place.station.to_string(),
            last_followup.to_string(),
            last_visit.to_string(),
            treatment.to_string(),
            medication.to_string(),
            compliance.to_string(),
            yes(police_listed),
            yes(incident),
            yes(floating),
            yes(vagrant),
            yes(special_team),
            yes(ever_missing),
        ];
        for (n, p) in team {
            row.push(n);
            row.push(p);
        }
        rows.push(row);
    }
    Sheet {
        name: "患者花名册".into(),
        headers: HEADERS.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

/// Shifts every date column of a demo roster by `days`, so a roster written against
/// `DEMO_ANCHOR` reads as if written today.
pub fn shift_dates(table: &mut Table, days: i64) {
    let cols: Vec<usize> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.ends_with("日期"))
        .map(|(i, _)| i)
        .collect();
    for (_, row) in &mut table.rows {
        for &c in &cols {
            let shifted = row.get(c).and_then(crate::import::values::date);
            if let Some(d) = shifted {
                row[c] = Cell::Date(d + chrono::Duration::days(days));
            }
        }
    }
}

/// Operators of the demo: a center desk, one desk per station, an auditor.
pub const DEMO_OPERATORS: &str = include_str!("../data/demo/operators.csv");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::id_number::IdNumber;

    #[test]
    fn synthetic_ids_are_valid_and_agree_with_gender() {
        let anchor: NaiveDate = DEMO_ANCHOR.parse().unwrap();
        let sheet = roster(500, 7, anchor);
        for row in &sheet.rows {
            let id = IdNumber::parse_as_of(&row[1], anchor).expect("valid ID");
            let gender = if row[2] == "女" { "female" } else { "male" };
            assert_eq!(
                crate::domain::patient::Vocabulary::code(id.gender()),
                gender
            );
        }
    }

    #[test]
    fn same_seed_gives_same_roster() {
        let anchor: NaiveDate = DEMO_ANCHOR.parse().unwrap();
        assert_eq!(roster(50, 1, anchor), roster(50, 1, anchor));
    }
}

/// The demo roster as shipped in `data/demo/roster.csv` (built into the binary so `demo`
/// works from any directory).
pub const DEMO_ROSTER_CSV: &[u8] = include_bytes!("../data/demo/roster.csv");

#[derive(Debug, Clone, Copy)]
pub struct DemoSummary {
    pub patients: usize,
    pub alerts: usize,
}

/// Fills an empty store with the demo: operators, the roster with its dates moved to today,
/// a few follow-ups, reported alerts and alerts already taken in hand, as a live shift has.
/// Everything goes through the one-door API, as the center's and the desks' operators.
pub fn build(
    store: &mut Store,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<DemoSummary, DeskError> {
    let today = beijing_date(now);
    let clock = FixedClock(now);
    let operators = demo_operators();
    let center = operators
        .iter()
        .find(|o| o.login == "center")
        .expect("the demo has a center operator")
        .clone();
    crate::desk::admin::bootstrap_operator(store, &center, DEMO_OPERATOR, now)?;
    let center_login = center.login.clone();
    let session = Session::new(center, DEMO_OPERATOR);
    let mut table = read_csv(DEMO_ROSTER_CSV, "data/demo/roster.csv")
        .map_err(|e| DeskError::Store(StoreError::Refused(e.to_string())))?;
    let anchor: NaiveDate = DEMO_ANCHOR.parse().expect("valid anchor");
    shift_dates(&mut table, (today - anchor).num_days());
    let mut desk = Desk::new(store, &session, config, &clock);
    let report = desk.import_roster(&table, false)?;
    if !report.committed {
        return Err(DeskError::Store(StoreError::Refused(format!(
            "demo roster has {} errors",
            report.errors
        ))));
    }
    // The stations exist now that the roster named them.
    for op in operators.iter().filter(|o| o.login != center_login) {
        desk.add_operator(op)?;
    }
    let everyone = desk.reader().patients(None, None)?;
    // Three basically-stable follow-ups in a row since the roster's last one, so the guidance
    // alert shows.
    let candidates = everyone.iter().filter(|p| {
        p.status == Status::Managed
            && p.condition == Condition::BasicallyStable
            && p.risk_level.value() == 1
            && p.last_followup.is_some_and(|d| (today - d).num_days() >= 9)
    });
    for p in candidates.take(3) {
        let last = p.last_followup.unwrap_or(today);
        let gap = (today - last).num_days() as u64;
        for date in [
            last + Days::new(gap / 3),
            last + Days::new(2 * gap / 3),
            today - Days::new(1),
        ] {
            desk.record_followup(p.id, &basically_stable_followup(date))?;
        }
    }
    store.refresh_alerts(now, config)?;
    let mut desk = Desk::new(store, &session, config, &clock);
    // Reports from a call and from a grid worker.
    let reports = [
        (Severity::P1, "群众来电：患者在村口持棍吵闹，情绪激动"),
        (Severity::P2, "网格员报告：患者近一周拒绝服药，家属求助"),
    ];
    let mut highs = everyone
        .iter()
        .filter(|p| p.status == Status::Managed && p.is_high_risk());
    for (severity, note) in reports {
        if let Some(p) = highs.next() {
            desk.report_alert(p.id, severity, note)?;
        }
    }
    let open = desk.reader().alerts(true)?;
    // Some alerts already taken in hand by the desks, as in the middle of a shift.
    for (n, a) in open
        .iter()
        .filter(|a| a.severity != Severity::P1)
        .take(12)
        .enumerate()
    {
        let login = match a.station.as_str() {
            "望江派出所" => "wangjiang",
            "新港派出所" => "xingang",
            _ => "qingshi",
        };
        let Some(op) = operators.iter().find(|o| o.login == login) else {
            continue;
        };
        let desk_session = Session::new(op.clone(), DEMO_OPERATOR);
        let mut desk = Desk::new(store, &desk_session, config, &clock);
        if n % 3 == 0 {
            desk.take_in_hand(a.id)?;
        } else {
            desk.acknowledge(a.id)?;
        }
    }
    Ok(DemoSummary {
        patients: everyone.len(),
        alerts: store.alerts(&Scope::All, true)?.len(),
    })
}

const DEMO_OPERATOR: &str = "demo";

fn demo_operators() -> Vec<Operator> {
    DEMO_OPERATORS
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let role = OperatorRole::from_code(f.get(2)?)?;
            Some(Operator {
                login: f[0].into(),
                display_name: f.get(1)?.to_string(),
                role,
                station: f.get(3).filter(|s| !s.is_empty()).map(|s| s.to_string()),
                disabled: false,
            })
        })
        .collect()
}

fn basically_stable_followup(date: NaiveDate) -> FollowUp {
    FollowUp {
        date,
        form: FollowUpForm::HomeVisit,
        outcome: FollowUpOutcome::Reached(Box::new(Assessment {
            informant: Informant::Patient,
            risk_level: RiskLevel::new(1).expect("valid"),
            symptoms: vec![Symptom::Withdrawn],
            symptoms_other: vec![],
            symptom_state: SymptomState::Present,
            insight: Insight::Partial,
            sleep: Grade::Fair,
            diet: Grade::Good,
            social_function: Grade::Fair,
            dangerous: Default::default(),
            locked_up: LockUp::NotLocked,
            hospitalised: HospitalStay::NeverAdmitted,
            compliance: Compliance::Regular,
            drug_reaction: DrugReaction::None,
            serious_physical_illness: false,
            treatment_effect: TreatmentEffect::Unchanged,
            referral: false,
            medication: Medication::Oral,
            class: Condition::BasicallyStable,
            risk_override_reason: None,
            guardian_refuses_admission: false,
        })),
        next_date: Some(date + Days::new(30)),
        by_whom: "演示医生".into(),
        joint_visitors: Vec::new(),
        guidance: None,
    }
}

/// A synthetic roster as an import table, for benchmarks and tests at any size.
pub fn roster_table(count: usize, seed: u64, anchor: NaiveDate) -> Table {
    let sheet = roster(count, seed, anchor);
    Table {
        name: format!("synthetic-roster-{count}.csv"),
        headers: sheet.headers,
        header_row: 1,
        rows: sheet
            .rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i + 2, r.into_iter().map(Cell::Text).collect()))
            .collect(),
    }
}
