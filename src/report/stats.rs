//! The statistical report of the special action (附件2 of [004]): the rows the store can answer,
//! computed for a period and a scope, each with its definition; the rest present and left for
//! hand entry. Row labels are the form's own, notes included. *r2*: every "now" figure is the
//! state at the end of the period, read from the patients' history, whatever day it is run.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

use super::rewards::{RewardDecision, RewardLine};
use crate::config::RewardConfig;
use crate::domain::patient::{Medication, Patient, Status, TreatmentPlace};
use crate::store::incidents::IncidentRow;

/// One row of the form. `value` is `None` for rows filled by hand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatRow {
    pub section: &'static str,
    pub label: &'static str,
    /// A sub-label within the row (目前新发 / 既往人数, 0～2级 / 3～5级).
    pub sub: &'static str,
    pub value: Option<f64>,
    /// True for amounts (万元); counts are whole numbers.
    pub amount: bool,
    pub definition_zh: &'static str,
    pub definition_en: &'static str,
}

impl StatRow {
    pub fn is_manual(&self) -> bool {
        self.value.is_none()
    }

    pub fn value_text(&self) -> String {
        match self.value {
            None => String::new(),
            Some(v) if self.amount => format!("{v:.4}"),
            Some(v) => format!("{}", v as i64),
        }
    }
}

/// What the report is computed from, loaded for the operator's scope.
pub struct StatsInput<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The patients as they stood at the end of the period (from the history); those not yet
    /// registered then are absent.
    pub patients: &'a [Patient],
    /// Patients at risk ≥3 at the period's end who first reached ≥3 inside it, by a follow-up
    /// or a later import (a first import is the baseline and counts as 既往).
    pub newly_high: &'a HashSet<i64>,
    /// Patients in hospital on any day of the period.
    pub in_hospital_during: &'a HashSet<i64>,
    /// (patient id, date, visitors) of follow-ups in the period that reached someone.
    pub followups: &'a [(i64, NaiveDate, Vec<String>)],
    /// Operators' logins and names, never counted as follow-up staff.
    pub operator_names: &'a HashSet<String>,
    /// Incidents opened in the period.
    pub incidents: &'a [IncidentRow],
    /// Reward lines of every month in the period.
    pub rewards: &'a [RewardLine],
    pub reward_config: &'a RewardConfig,
}

const MANUAL: &str = "不由本系统统计，请手工填报";
const MANUAL_EN: &str = "not kept by this system; fill in by hand";

pub fn compute(input: &StatsInput) -> Vec<StatRow> {
    let active: Vec<&Patient> = input
        .patients
        .iter()
        .filter(|p| p.status.is_active())
        .collect();
    let count = |f: &dyn Fn(&Patient) -> bool| Some(active.iter().filter(|p| f(p)).count() as f64);
    let newly_high = |p: &Patient| p.is_high_risk() && input.newly_high.contains(&p.id);
    let in_hospital = |p: &Patient| input.in_hospital_during.contains(&p.id);
    // At home: active at the end, not in hospital then, not 失访.
    let at_home = |p: &Patient| {
        p.status != Status::InHospital
            && p.status != Status::Missing
            && p.treatment_place != Some(TreatmentPlace::Hospital)
    };
    // A roster's 末次随访日期 inside the period is a follow-up done too (recorded elsewhere).
    let followed: HashSet<i64> = input
        .followups
        .iter()
        .map(|(id, _, _)| *id)
        .chain(
            active
                .iter()
                .filter(|p| {
                    p.last_followup
                        .is_some_and(|d| input.from <= d && d <= input.to)
                })
                .map(|p| p.id),
        )
        .collect();
    let staff: HashSet<&str> = input
        .followups
        .iter()
        .flat_map(|(_, _, by)| by.iter().map(|s| s.trim()))
        .filter(|s| !s.is_empty() && !input.operator_names.contains(*s))
        .collect();
    let incident_persons: usize = {
        let known: HashSet<i64> = input
            .incidents
            .iter()
            .filter_map(|i| i.patient_id)
            .collect();
        known.len()
            + input
                .incidents
                .iter()
                .filter(|i| i.patient_id.is_none())
                .count()
    };
    let injured: u32 = input
        .incidents
        .iter()
        .filter_map(|i| i.closing.as_ref())
        .map(|c| c.injured)
        .sum();
    let dead: u32 = input
        .incidents
        .iter()
        .filter_map(|i| i.closing.as_ref())
        .map(|c| c.dead)
        .sum();
    let due: Vec<&RewardLine> = input
        .rewards
        .iter()
        .filter(|l| l.decision == RewardDecision::Due)
        .collect();
    let guardians = |high: bool| {
        let set: HashSet<i64> = due
            .iter()
            .filter(|l| (l.risk_level >= 3) == high)
            .filter_map(|l| l.guardian.as_ref().map(|g| g.id))
            .collect();
        Some(set.len() as f64)
    };
    let amount = |high: bool| {
        let yuan: u32 = due
            .iter()
            .filter(|l| (l.risk_level >= 3) == high)
            .map(|l| l.amount_yuan)
            .sum();
        Some(f64::from(yuan) / 10_000.0)
    };

    let rewarded: HashSet<i64> = due
        .iter()
        .filter_map(|l| l.guardian.as_ref().map(|g| g.id))
        .collect();
    let above_2400 = input.reward_config.monthly_yuan * 12 > 2400;
    let standard = |above: bool| {
        Some(if above == above_2400 {
            rewarded.len() as f64
        } else {
            0.0
        })
    };
    let row = |section, label, sub, value: Option<f64>, amount_row, zh, en| StatRow {
        section,
        label,
        sub,
        value,
        amount: amount_row,
        definition_zh: zh,
        definition_en: en,
    };
    let manual = |section, label| row(section, label, "", None, false, MANUAL, MANUAL_EN);
    let s1 = "一、筛查情况(政法)";
    let s2 = "二、随访情况(卫生健康)";
    let s3 = "三、患者情况(卫生健康)";
    let s4 = "四、管理情况(公安)";
    let s5 = "五、帮扶情况(医保、残联、民政)";
    let s6 = "六、以奖代补";
    let s7 = "七、心理服务情况(卫生健康)";
    let s8 = "八、康复情况(民政、残联)";
    let s9 = "九、工作经费情况(卫生健康)";
    vec![
        manual(s1, "参加筛查工作人员数"),
        manual(s1, "筛查人口总数"),
        manual(s1, "筛查流浪人口数"),
        manual(s1, "筛查流动人口数"),
        row(
            s2,
            "参加随访的工作人员数",
            "",
            Some(staff.len() as f64),
            false,
            "统计期内随访记录中的随访人（去重），不含系统操作员",
            "distinct people named as the visitor on the period's follow-ups, never console operators",
        ),
        row(
            s2,
            "随访患者数",
            "",
            Some(followed.len() as f64),
            false,
            "统计期内至少有一次见到患者或知情人的随访的患者（未访到不计）",
            "patients with at least one follow-up in the period that reached the patient or an informant (not-reached attempts do not count)",
        ),
        row(
            s3,
            "患者总数(≤系统中在册患者总数)",
            "",
            count(&|_| true),
            false,
            "统计期末在册的患者（在管、住院、外出、失访、拒访）",
            "patients on the register at the period's end (managed, in hospital, away, missing, refusing)",
        ),
        row(
            s3,
            "0级患者数",
            "",
            count(&|p| p.risk_level.value() == 0),
            false,
            "统计期末危险性0级",
            "risk level 0 at the period's end",
        ),
        row(
            s3,
            "1～2级患者数",
            "",
            count(&|p| (1..=2).contains(&p.risk_level.value())),
            false,
            "统计期末危险性1～2级",
            "risk level 1-2 at the period's end",
        ),
        row(
            s3,
            "3～5级患者数",
            "目前新发",
            count(&newly_high),
            false,
            "统计期末3级以上，且在统计期内经随访或再次导入首次达到3级以上（首次导入为基线，计入既往）",
            "risk ≥3 at the period's end, first reached ≥3 inside the period by a follow-up or a later import (a first import is the baseline and counts as previous)",
        ),
        row(
            s3,
            "3～5级患者数",
            "既往人数",
            count(&|p| p.is_high_risk() && !newly_high(p)),
            false,
            "统计期末3级以上，且不属目前新发",
            "risk ≥3 at the period's end and not newly so",
        ),
        row(
            s3,
            "住院治疗人数(3～6月期间)",
            "",
            count(&in_hospital),
            false,
            "统计期内任何一天管理状态为住院",
            "in hospital on any day of the period",
        ),
        row(
            s3,
            "居家治疗人数",
            "",
            count(&at_home),
            false,
            "统计期末在册、不在住院、未失访",
            "on the register at the period's end, not in hospital, not missing",
        ),
        row(
            s3,
            "长效针剂治疗人数",
            "",
            count(&|p| p.medication == Some(Medication::LongActingInjection)),
            false,
            "统计期末用药方式为长效针剂",
            "on long-acting injection at the period's end",
        ),
        row(
            s3,
            "口服药治疗人数",
            "",
            count(&|p| p.medication == Some(Medication::Oral)),
            false,
            "统计期末用药方式为口服",
            "on oral medication at the period's end",
        ),
        row(
            s3,
            "流动人口患者数",
            "",
            count(&|p| p.flags.floating),
            false,
            "流动人口标记为是",
            "flagged floating population",
        ),
        row(
            s3,
            "流浪乞讨人员患者数",
            "",
            count(&|p| p.flags.vagrant),
            false,
            "流浪乞讨标记为是",
            "flagged vagrant",
        ),
        row(
            s4,
            "易肇事肇祸患者人数",
            "",
            count(&|p| p.flags.incident_history || p.is_high_risk()),
            false,
            "有肇事肇祸史或统计期末3级以上",
            "incident history, or risk ≥3 at the period's end",
        ),
        row(
            s4,
            "列入公安机关重点管控人数",
            "",
            count(&|p| p.flags.police_listed),
            false,
            "公安列管标记为是",
            "flagged police-listed",
        ),
        row(
            s4,
            "列入重症患者管理专班人数",
            "",
            count(&|p| p.flags.special_team),
            false,
            "重症专班标记为是",
            "flagged special team",
        ),
        row(
            s4,
            "行动期间肇事肇祸人数",
            "",
            Some(incident_persons as f64),
            false,
            "统计期内开案的案事件涉及的患者（去重），身份不明者每起计1人",
            "patients in incidents opened in the period; an unknown person counts once per incident",
        ),
        row(
            s4,
            "行动期间肇事肇祸起数",
            "",
            Some(input.incidents.len() as f64),
            false,
            "统计期内开案的案事件数",
            "incidents opened in the period",
        ),
        row(
            s4,
            "行动期间肇事肇祸伤人数",
            "",
            Some(f64::from(injured)),
            false,
            "上述案事件结案记录的受伤人数之和",
            "injured, from those incidents' closing records",
        ),
        row(
            s4,
            "行动期间肇事肇祸死亡人数",
            "",
            Some(f64::from(dead)),
            false,
            "上述案事件结案记录的死亡人数之和",
            "dead, from those incidents' closing records",
        ),
        manual(s5, "办理医保患者人数(医保)"),
        manual(s5, "纳入医疗救助患者人数(医保)"),
        manual(s5, "纳入门诊慢特病患者人数(医保)"),
        manual(s5, "纳入职工大额医疗费用补助患者人数(医保)"),
        manual(s5, "纳入城乡居民大病保险患者人数(医保)"),
        manual(s5, "纳入残疾人两项补贴患者人数(民政)"),
        manual(s5, "办理低保患者人数(民政)"),
        manual(s5, "救助金额(万元)(民政)"),
        manual(s5, "就业年龄段的持证精神残疾人托养人数(残联)"),
        row(
            s6,
            "奖补监护人数",
            "0～2级",
            guardians(false),
            false,
            "统计期内应发以奖代补的监护人（去重），患者0～2级",
            "guardians due the reward in the period, patient at risk 0-2",
        ),
        row(
            s6,
            "奖补监护人数",
            "3～5级",
            guardians(true),
            false,
            "统计期内应发以奖代补的监护人（去重），患者3～5级",
            "guardians due the reward in the period, patient at risk 3-5",
        ),
        row(
            s6,
            "奖补金额(万元)",
            "0～2级",
            amount(false),
            true,
            "上述监护人应发金额合计（万元）",
            "amount due to those guardians (10k yuan)",
        ),
        row(
            s6,
            "奖补金额(万元)",
            "3～5级",
            amount(true),
            true,
            "上述监护人应发金额合计（万元）",
            "amount due to those guardians (10k yuan)",
        ),
        row(
            s6,
            "奖补标准(元/年/人)",
            "2400元",
            standard(false),
            false,
            "按每年不超过2400元标准奖补的监护人数（配置的每月奖补额×12≤2400）",
            "guardians rewarded at up to 2400 yuan a year (configured monthly amount × 12 ≤ 2400)",
        ),
        row(
            s6,
            "奖补标准(元/年/人)",
            ">2400元",
            standard(true),
            false,
            "按每年高于2400元标准奖补的监护人数（配置的每月奖补额×12>2400）",
            "guardians rewarded at more than 2400 yuan a year (configured monthly amount × 12 > 2400)",
        ),
        manual(
            s7,
            "市(州)级服务机构建成数(含精神专科、综合医院精神科、中医院神志科等)",
        ),
        manual(s7, "市(州)级服务机构人数(参与上述筛查机构的医护人数)"),
        manual(s7, "县(市、区)级服务机构建成数"),
        manual(s7, "县(市、区)级服务机构人数"),
        manual(s7, "乡镇(街道)级服务机构建成数"),
        manual(s7, "乡镇(街道)级服务机构人数"),
        manual(s7, "社区(村)级服务机构建成数"),
        manual(s7, "社区(村)级服务机构人数"),
        manual(s8, "开展精康试点县(市、区)康复机构数(民政)"),
        manual(s8, "开展精康试点县(市、区)接受康复服务人数(民政)"),
        manual(s8, "安排精神残疾就业人数(残联)"),
        manual(s9, "全年计划投入工作经费数(万元)"),
        manual(s9, "专项行动期间投入工作经费数(万元)"),
    ]
}
