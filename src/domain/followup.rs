//! The follow-up record (随访服务记录表), the class the norm gives its answers, and what a saved
//! follow-up does to the patient: risk, condition, status, dates and streaks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::patient::{Compliance, Condition, Medication, Patient, Status};
use super::policy::FollowUpConfig;
use super::risk::RiskLevel;
use super::vocabulary::{Vocabulary, vocabulary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpForm {
    Clinic,
    HomeVisit,
    Phone,
}

impl FollowUpForm {
    /// Clinic and home visits are face to face; a phone call is not.
    pub fn is_face_to_face(self) -> bool {
        !matches!(self, FollowUpForm::Phone)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Informant {
    Patient,
    Guardian,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotReachedReason {
    WorkingAway,
    MovedAway,
    Wandered,
    ThreeMisses,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymptomState {
    /// 基本消失
    Gone,
    /// present but not marked
    Present,
    /// 明显
    Marked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Insight {
    Full,
    Partial,
    Lacking,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Good,
    Fair,
    Poor,
}

// The options of the national record (随访服务记录表), *r2*.
vocabulary!(TreatmentEffect {
    Cured => "cured", "痊愈";
    Improved => "improved", "好转";
    Unchanged => "unchanged", "无变化";
    Worse => "worse", "加重";
});

vocabulary!(LockUp {
    NotLocked => "not_locked", "无关锁", ["未关锁", "否"];
    Locked => "locked", "关锁", ["是"];
    LockReleased => "lock_released", "关锁已解除";
});

vocabulary!(HospitalStay {
    NeverAdmitted => "never_admitted", "从未住院";
    AdmittedNow => "admitted_now", "目前正在住院", ["住院中", "在院"];
    AdmittedBefore => "admitted_before", "既往住院，现未住院", ["既往住院现未住院", "既往住院,现未住院", "既往住院"];
});

vocabulary!(Symptom {
    Hallucination => "hallucination", "幻觉";
    Communication => "communication", "交流困难";
    Suspicion => "suspicion", "猜疑";
    Moody => "moody", "喜怒无常";
    Bizarre => "bizarre", "行为怪异";
    Talkative => "talkative", "兴奋话多";
    Violence => "violence", "伤人毁物";
    Pessimism => "pessimism", "悲观厌世";
    Wandering => "wandering", "无故外走";
    SelfTalk => "self_talk", "自语自笑";
    Withdrawn => "withdrawn", "孤僻懒散";
    Other => "other", "其他";
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrugReaction {
    None,
    Mild,
    Severe,
}

/// Dangerous behaviour since the last follow-up, as counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DangerousBehaviour {
    pub minor_trouble: u32,
    pub trouble: u32,
    pub disaster: u32,
    pub other_harm: u32,
    pub self_harm: u32,
    pub attempted_suicide: u32,
}

/// The answers gathered when the patient (or an informant) was reached. Records written
/// before the national options (a bool for 关锁 and 住院, a grade for 治疗效果, free symptom
/// words) still read: see `StoredAssessment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredAssessment")]
pub struct Assessment {
    pub informant: Informant,
    pub risk_level: RiskLevel,
    /// 目前症状, several at once.
    pub symptoms: Vec<Symptom>,
    /// Symptom words of an older record that are none of the national list, kept as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub symptoms_other: Vec<String>,
    pub symptom_state: SymptomState,
    pub insight: Insight,
    pub sleep: Grade,
    pub diet: Grade,
    pub social_function: Grade,
    pub dangerous: DangerousBehaviour,
    pub locked_up: LockUp,
    pub hospitalised: HospitalStay,
    pub compliance: Compliance,
    pub drug_reaction: DrugReaction,
    pub serious_physical_illness: bool,
    pub treatment_effect: TreatmentEffect,
    pub referral: bool,
    pub medication: Medication,
    pub class: Condition,
    /// Why the risk recorded is below what the dangerous behaviour implies (*r2*: a lower risk
    /// is refused unless the operator gives a reason, stored with the record).
    #[serde(default)]
    pub risk_override_reason: Option<String>,
    /// 监护人拒绝住院: for an unstable patient the next follow-up is a joint visit in 2 weeks.
    #[serde(default)]
    pub guardian_refuses_admission: bool,
}

/// An assessment as any release stored it. The first releases wrote 关锁 and 住院 as yes/no,
/// 治疗效果 as good/fair/poor and symptoms as free words; they read as the national options:
/// 关锁 yes → 关锁, no → 无关锁; 住院 yes → 目前正在住院 (it meant "in hospital now"), no → 从未住院
/// (nothing else was asked); good → 好转, fair → 无变化, poor → 加重 (痊愈 was never offered).
#[derive(Deserialize)]
struct StoredAssessment {
    informant: Informant,
    risk_level: RiskLevel,
    #[serde(default)]
    symptoms: Vec<String>,
    #[serde(default)]
    symptoms_other: Vec<String>,
    symptom_state: SymptomState,
    insight: Insight,
    sleep: Grade,
    diet: Grade,
    social_function: Grade,
    dangerous: DangerousBehaviour,
    locked_up: Stored<LockUp>,
    hospitalised: Stored<HospitalStay>,
    compliance: Compliance,
    drug_reaction: DrugReaction,
    serious_physical_illness: bool,
    treatment_effect: StoredEffect,
    referral: bool,
    medication: Medication,
    class: Condition,
    #[serde(default)]
    risk_override_reason: Option<String>,
    #[serde(default)]
    guardian_refuses_admission: bool,
}

/// A yes/no of the first releases, or the option as written now.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored<T> {
    Option(T),
    YesNo(bool),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StoredEffect {
    Option(TreatmentEffect),
    Grade(Grade),
}

impl From<StoredAssessment> for Assessment {
    fn from(s: StoredAssessment) -> Self {
        let mut symptoms = Vec::new();
        let mut symptoms_other = s.symptoms_other;
        for w in s.symptoms {
            match Symptom::parse_zh(&w) {
                Some(x) if !symptoms.contains(&x) => symptoms.push(x),
                Some(_) => {}
                None => symptoms_other.push(w),
            }
        }
        Assessment {
            informant: s.informant,
            risk_level: s.risk_level,
            symptoms,
            symptoms_other,
            symptom_state: s.symptom_state,
            insight: s.insight,
            sleep: s.sleep,
            diet: s.diet,
            social_function: s.social_function,
            dangerous: s.dangerous,
            locked_up: match s.locked_up {
                Stored::Option(v) => v,
                Stored::YesNo(true) => LockUp::Locked,
                Stored::YesNo(false) => LockUp::NotLocked,
            },
            hospitalised: match s.hospitalised {
                Stored::Option(v) => v,
                Stored::YesNo(true) => HospitalStay::AdmittedNow,
                Stored::YesNo(false) => HospitalStay::NeverAdmitted,
            },
            compliance: s.compliance,
            drug_reaction: s.drug_reaction,
            serious_physical_illness: s.serious_physical_illness,
            treatment_effect: match s.treatment_effect {
                StoredEffect::Option(v) => v,
                StoredEffect::Grade(Grade::Good) => TreatmentEffect::Improved,
                StoredEffect::Grade(Grade::Fair) => TreatmentEffect::Unchanged,
                StoredEffect::Grade(Grade::Poor) => TreatmentEffect::Worse,
            },
            referral: s.referral,
            medication: s.medication,
            class: s.class,
            risk_override_reason: s.risk_override_reason,
            guardian_refuses_admission: s.guardian_refuses_admission,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FollowUpOutcome {
    Reached(Box<Assessment>),
    NotReached {
        reason: NotReachedReason,
        destination: String,
        /// 外出日期: the day the patient left (*r2*); `away_long` counts from it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        departed_on: Option<NaiveDate>,
    },
    Died {
        date: NaiveDate,
        cause: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub date: NaiveDate,
    pub form: FollowUpForm,
    pub outcome: FollowUpOutcome,
    pub next_date: Option<NaiveDate>,
    /// 随访人: who did the visit (a person of the directory, by name).
    pub by_whom: String,
    /// Joint visitors (联合随访: village cadre, officer, …), by name.
    #[serde(default)]
    pub joint_visitors: Vec<String>,
    /// A psychiatrist's guidance obtained (*r2*): resets the basically-stable count.
    #[serde(default)]
    pub guidance: Option<Guidance>,
}

/// 精神科医师技术指导 obtained: when, and from which doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guidance {
    pub date: NaiveDate,
    pub doctor: String,
}

/// The lowest risk level the dangerous behaviour since the last follow-up allows, by the
/// level definitions (*r2*): 轻度滋事 → 1, 肇事 → 3, 肇祸 → 4, 自伤 or 自杀未遂 → 4.
pub fn minimum_risk(d: &DangerousBehaviour) -> RiskLevel {
    let n = if d.disaster > 0 || d.self_harm > 0 || d.attempted_suicide > 0 {
        4
    } else if d.trouble > 0 {
        3
    } else if d.minor_trouble > 0 {
        1
    } else {
        0
    };
    RiskLevel::new(n).unwrap_or(RiskLevel::ZERO)
}

/// Days to the next follow-up when the guardian of an unstable patient refuses admission: it
/// is a joint visit with the village cadre and the officer within 2 weeks (*r2*).
pub const JOINT_VISIT_DAYS: u64 = 14;

/// Whether the next follow-up must be a joint visit: an unstable patient whose guardian
/// refuses admission.
pub fn needs_joint_visit(a: &Assessment) -> bool {
    a.class == Condition::Unstable && a.guardian_refuses_admission
}

/// Why the answers demand one class; each maps to a sentence in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassReason {
    RiskThreeToFive,
    MarkedSymptoms,
    NoInsight,
    SevereDrugReaction,
    SeriousPhysicalIllness,
    RiskOneToTwo,
    SymptomsPresent,
    InsightPartial,
    SocialFunctionPoor,
}

/// The class the norm gives these answers, and the answers that decided it.
pub fn propose_class(a: &Assessment) -> (Condition, Vec<ClassReason>) {
    let mut unstable = Vec::new();
    if a.risk_level.is_high() {
        unstable.push(ClassReason::RiskThreeToFive);
    }
    if a.symptom_state == SymptomState::Marked {
        unstable.push(ClassReason::MarkedSymptoms);
    }
    if a.insight == Insight::Lacking {
        unstable.push(ClassReason::NoInsight);
    }
    if a.drug_reaction == DrugReaction::Severe {
        unstable.push(ClassReason::SevereDrugReaction);
    }
    if a.serious_physical_illness {
        unstable.push(ClassReason::SeriousPhysicalIllness);
    }
    if !unstable.is_empty() {
        return (Condition::Unstable, unstable);
    }
    let mut basic = Vec::new();
    if a.risk_level.value() > 0 {
        basic.push(ClassReason::RiskOneToTwo);
    }
    if a.symptom_state != SymptomState::Gone {
        basic.push(ClassReason::SymptomsPresent);
    }
    if a.insight == Insight::Partial {
        basic.push(ClassReason::InsightPartial);
    }
    if a.social_function == Grade::Poor {
        basic.push(ClassReason::SocialFunctionPoor);
    }
    if basic.is_empty() {
        (Condition::Stable, basic)
    } else {
        (Condition::BasicallyStable, basic)
    }
}

/// A recorded class that the answers contradict (risk 4 recorded as stable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassContradiction {
    pub recorded: Condition,
    pub required: Condition,
    pub reasons: Vec<ClassReason>,
}

pub fn check_class(a: &Assessment) -> Result<(), ClassContradiction> {
    let (required, reasons) = propose_class(a);
    if required == a.class {
        Ok(())
    } else {
        Err(ClassContradiction {
            recorded: a.class,
            required,
            reasons,
        })
    }
}

/// Why a follow-up cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpRefusal {
    Contradiction(ClassContradiction),
    DateInFuture,
    DateBeforeLastFollowUp,
    NextDateNotAfterVisit,
    PatientInactive,
    /// The risk is below what the dangerous behaviour implies, and no reason was given.
    RiskBelowBehaviour {
        minimum: RiskLevel,
    },
    /// 外出 needs a destination (*r2*).
    AwayWithoutDestination,
    /// 外出务工 needs the departure date (*r2*).
    AwayWithoutDepartureDate,
    /// The departure date is after the day of the follow-up.
    DepartureAfterVisit,
}

/// Checks a follow-up against the patient and the day it is entered.
pub fn validate(p: &Patient, f: &FollowUp, today: NaiveDate) -> Result<(), FollowUpRefusal> {
    if !p.status.is_active() {
        return Err(FollowUpRefusal::PatientInactive);
    }
    if f.date > today {
        return Err(FollowUpRefusal::DateInFuture);
    }
    if p.last_followup.is_some_and(|last| f.date < last) {
        return Err(FollowUpRefusal::DateBeforeLastFollowUp);
    }
    if f.next_date.is_some_and(|n| n <= f.date) {
        return Err(FollowUpRefusal::NextDateNotAfterVisit);
    }
    if let FollowUpOutcome::Reached(a) = &f.outcome {
        let minimum = minimum_risk(&a.dangerous);
        let reason_given = a
            .risk_override_reason
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        if a.risk_level < minimum && !reason_given {
            return Err(FollowUpRefusal::RiskBelowBehaviour { minimum });
        }
        check_class(a).map_err(FollowUpRefusal::Contradiction)?;
    }
    if let FollowUpOutcome::NotReached {
        reason,
        destination,
        departed_on,
    } = &f.outcome
    {
        let working_away = *reason == NotReachedReason::WorkingAway;
        if working_away && destination.trim().is_empty() {
            return Err(FollowUpRefusal::AwayWithoutDestination);
        }
        if working_away && departed_on.is_none() {
            return Err(FollowUpRefusal::AwayWithoutDepartureDate);
        }
        if departed_on.is_some_and(|d| d > f.date) {
            return Err(FollowUpRefusal::DepartureAfterVisit);
        }
    }
    Ok(())
}

/// The patient as a saved follow-up leaves them. Assumes `validate` passed.
pub fn apply(p: &Patient, f: &FollowUp, config: &FollowUpConfig) -> Patient {
    let mut next = p.clone();
    match &f.outcome {
        FollowUpOutcome::Reached(a) => {
            next.risk_level = a.risk_level;
            next.risk_highest = p.risk_highest.max(a.risk_level);
            if a.class == Condition::Unstable && p.condition != Condition::Unstable {
                next.relapses += 1;
            }
            next.condition = a.class;
            next.compliance = Some(a.compliance);
            next.medication = Some(a.medication);
            next.last_followup = Some(f.date);
            if f.form.is_face_to_face() && a.informant == Informant::Patient {
                next.last_visit = Some(f.date);
            }
            // A second follow-up on the same day corrects the first; it does not count again.
            let same_day = p.last_followup == Some(f.date);
            next.basic_stable_streak = match (a.class, same_day) {
                (Condition::BasicallyStable, false) => p.basic_stable_streak + 1,
                (Condition::BasicallyStable, true) => p.basic_stable_streak.max(1),
                _ => 0,
            };
            // Guidance obtained starts the count again and closes `guidance_needed`.
            if f.guidance.is_some() {
                next.basic_stable_streak = 0;
            }
            next.not_reached_streak = 0;
            if a.dangerous.trouble + a.dangerous.disaster > 0 {
                next.flags.incident_history = true;
            }
            next.reassess_since = None;
            // Reaching a missing patient ends the episode, which becomes an earlier one. An away
            // patient is back only when seen (*r2*): a phone call, or the guardian alone, does
            // not end 外出.
            let seen = f.form.is_face_to_face() && a.informant == Informant::Patient;
            if p.status == Status::Missing {
                next.status = Status::Managed;
                next.earlier_missing = true;
            }
            if p.status == Status::Away && seen {
                next.status = Status::Managed;
                next.away_destination.clear();
                next.away_since = None;
            }
            if a.hospitalised == HospitalStay::AdmittedNow {
                next.status = Status::InHospital;
            } else if p.status == Status::InHospital {
                // Reached at home after a stay: discharged, the next follow-up comes soon.
                next.status = Status::Managed;
                next.discharged_on = Some(f.date);
            }
        }
        FollowUpOutcome::NotReached {
            reason,
            destination,
            departed_on,
        } => {
            next.not_reached_streak = p.not_reached_streak + 1;
            let no_destination = destination.trim().is_empty();
            let missing = next.not_reached_streak >= config.missing_after_not_reached
                || *reason == NotReachedReason::ThreeMisses
                || *reason == NotReachedReason::Wandered
                || (*reason == NotReachedReason::MovedAway && no_destination);
            if missing {
                if p.flags.ever_missing && p.status != Status::Missing {
                    next.earlier_missing = true;
                }
                next.status = Status::Missing;
                next.flags.ever_missing = true;
            } else if matches!(
                reason,
                NotReachedReason::WorkingAway | NotReachedReason::MovedAway
            ) {
                // Time away counts from the departure date when given, else from this attempt.
                if p.status != Status::Away || departed_on.is_some() {
                    next.away_since = Some(departed_on.unwrap_or(f.date));
                }
                next.status = Status::Away;
                next.away_destination = destination.trim().to_string();
            }
        }
        FollowUpOutcome::Died { .. } => {
            next.status = Status::Deceased;
        }
    }
    next
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::testing::patient;

    pub fn stable_answers() -> Assessment {
        Assessment {
            informant: Informant::Patient,
            risk_level: RiskLevel::ZERO,
            symptoms: vec![],
            symptoms_other: vec![],
            symptom_state: SymptomState::Gone,
            insight: Insight::Full,
            sleep: Grade::Good,
            diet: Grade::Good,
            social_function: Grade::Fair,
            dangerous: DangerousBehaviour::default(),
            locked_up: LockUp::NotLocked,
            hospitalised: HospitalStay::NeverAdmitted,
            compliance: Compliance::Regular,
            drug_reaction: DrugReaction::None,
            serious_physical_illness: false,
            treatment_effect: TreatmentEffect::Improved,
            referral: false,
            medication: Medication::Oral,
            class: Condition::Stable,
            risk_override_reason: None,
            guardian_refuses_admission: false,
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn reached(a: Assessment, date: &str) -> FollowUp {
        FollowUp {
            date: d(date),
            form: FollowUpForm::HomeVisit,
            outcome: FollowUpOutcome::Reached(Box::new(a)),
            next_date: None,
            by_whom: "测试医生".into(),
            joint_visitors: Vec::new(),
            guidance: None,
        }
    }

    #[test]
    fn stable_class_needs_risk_zero_symptoms_gone_insight_restored_function_fair() {
        assert_eq!(propose_class(&stable_answers()).0, Condition::Stable);
    }

    #[test]
    fn risk_three_to_five_is_unstable() {
        for level in 3..=5 {
            let a = Assessment {
                risk_level: RiskLevel::new(level).unwrap(),
                ..stable_answers()
            };
            let (class, reasons) = propose_class(&a);
            assert_eq!(class, Condition::Unstable);
            assert_eq!(reasons, vec![ClassReason::RiskThreeToFive]);
        }
    }

    #[test]
    fn marked_symptoms_no_insight_severe_reaction_or_illness_are_unstable() {
        let variants = [
            Assessment {
                symptom_state: SymptomState::Marked,
                ..stable_answers()
            },
            Assessment {
                insight: Insight::Lacking,
                ..stable_answers()
            },
            Assessment {
                drug_reaction: DrugReaction::Severe,
                ..stable_answers()
            },
            Assessment {
                serious_physical_illness: true,
                ..stable_answers()
            },
        ];
        for a in variants {
            assert_eq!(propose_class(&a).0, Condition::Unstable, "{a:?}");
        }
    }

    #[test]
    fn risk_one_to_two_or_one_poor_area_is_basically_stable() {
        let variants = [
            Assessment {
                risk_level: RiskLevel::new(1).unwrap(),
                ..stable_answers()
            },
            Assessment {
                risk_level: RiskLevel::new(2).unwrap(),
                ..stable_answers()
            },
            Assessment {
                symptom_state: SymptomState::Present,
                ..stable_answers()
            },
            Assessment {
                insight: Insight::Partial,
                ..stable_answers()
            },
            Assessment {
                social_function: Grade::Poor,
                ..stable_answers()
            },
        ];
        for a in variants {
            assert_eq!(propose_class(&a).0, Condition::BasicallyStable, "{a:?}");
        }
    }

    #[test]
    fn risk_four_recorded_as_stable_is_refused_with_the_reason() {
        let a = Assessment {
            risk_level: RiskLevel::new(4).unwrap(),
            class: Condition::Stable,
            ..stable_answers()
        };
        let err = validate(&patient(), &reached(a, "2025-03-01"), d("2025-03-02")).unwrap_err();
        assert_eq!(
            err,
            FollowUpRefusal::Contradiction(ClassContradiction {
                recorded: Condition::Stable,
                required: Condition::Unstable,
                reasons: vec![ClassReason::RiskThreeToFive],
            })
        );
    }

    #[test]
    fn follow_up_in_the_future_or_before_the_last_is_refused() {
        let mut p = patient();
        p.last_followup = Some(d("2025-02-01"));
        let f = reached(stable_answers(), "2025-03-05");
        assert_eq!(
            validate(&p, &f, d("2025-03-04")),
            Err(FollowUpRefusal::DateInFuture)
        );
        let f = reached(stable_answers(), "2025-01-05");
        assert_eq!(
            validate(&p, &f, d("2025-03-04")),
            Err(FollowUpRefusal::DateBeforeLastFollowUp)
        );
    }

    #[test]
    fn saved_follow_up_updates_risk_condition_and_dates() {
        let mut p = patient();
        p.risk_highest = RiskLevel::new(2).unwrap();
        let a = Assessment {
            risk_level: RiskLevel::new(3).unwrap(),
            class: Condition::Unstable,
            ..stable_answers()
        };
        let next = apply(&p, &reached(a, "2025-03-01"), &FollowUpConfig::default());
        assert_eq!(next.risk_level.value(), 3);
        assert_eq!(next.risk_highest.value(), 3);
        assert_eq!(next.condition, Condition::Unstable);
        assert_eq!(next.last_followup, Some(d("2025-03-01")));
        assert_eq!(next.last_visit, Some(d("2025-03-01")));
        assert_eq!(next.relapses, 1);
    }

    #[test]
    fn phone_follow_up_is_not_a_face_to_face_visit() {
        let mut f = reached(stable_answers(), "2025-03-01");
        f.form = FollowUpForm::Phone;
        let next = apply(&patient(), &f, &FollowUpConfig::default());
        assert_eq!(next.last_followup, Some(d("2025-03-01")));
        assert_eq!(next.last_visit, patient().last_visit);
    }

    #[test]
    fn three_basically_stable_in_a_row_are_counted() {
        let a = Assessment {
            risk_level: RiskLevel::new(1).unwrap(),
            class: Condition::BasicallyStable,
            ..stable_answers()
        };
        let cfg = FollowUpConfig::default();
        let mut p = patient();
        for day in ["2025-01-01", "2025-02-01", "2025-03-01"] {
            p = apply(&p, &reached(a.clone(), day), &cfg);
        }
        assert_eq!(p.basic_stable_streak, 3);
        p = apply(&p, &reached(stable_answers(), "2025-04-01"), &cfg);
        assert_eq!(p.basic_stable_streak, 0);
    }

    fn not_reached(reason: NotReachedReason, destination: &str) -> FollowUp {
        FollowUp {
            date: d("2025-03-01"),
            form: FollowUpForm::Phone,
            outcome: FollowUpOutcome::NotReached {
                reason,
                destination: destination.into(),
                departed_on: (reason == NotReachedReason::WorkingAway).then(|| d("2025-02-20")),
            },
            next_date: None,
            by_whom: "测试医生".into(),
            joint_visitors: Vec::new(),
            guidance: None,
        }
    }

    #[test]
    fn three_not_reached_in_a_row_make_the_patient_missing() {
        let cfg = FollowUpConfig::default();
        let mut p = patient();
        p = apply(&p, &not_reached(NotReachedReason::Other, ""), &cfg);
        p = apply(&p, &not_reached(NotReachedReason::Other, ""), &cfg);
        assert_eq!(p.status, Status::Managed);
        p = apply(&p, &not_reached(NotReachedReason::Other, ""), &cfg);
        assert_eq!(p.status, Status::Missing);
        assert!(p.flags.ever_missing);
    }

    #[test]
    fn wandered_or_moved_without_destination_is_missing_at_once() {
        let cfg = FollowUpConfig::default();
        let p = apply(
            &patient(),
            &not_reached(NotReachedReason::Wandered, ""),
            &cfg,
        );
        assert_eq!(p.status, Status::Missing);
        let p = apply(
            &patient(),
            &not_reached(NotReachedReason::MovedAway, " "),
            &cfg,
        );
        assert_eq!(p.status, Status::Missing);
        let p = apply(
            &patient(),
            &not_reached(NotReachedReason::MovedAway, "广州"),
            &cfg,
        );
        assert_eq!(p.status, Status::Away);
        assert_eq!(p.away_destination, "广州");
    }

    #[test]
    fn death_makes_the_patient_deceased() {
        let f = FollowUp {
            date: d("2025-03-01"),
            form: FollowUpForm::Phone,
            outcome: FollowUpOutcome::Died {
                date: d("2025-02-20"),
                cause: "病故".into(),
            },
            next_date: None,
            by_whom: "x".into(),
            joint_visitors: Vec::new(),
            guidance: None,
        };
        let p = apply(&patient(), &f, &FollowUpConfig::default());
        assert_eq!(p.status, Status::Deceased);
    }

    fn reached_by(form: FollowUpForm, informant: Informant, day: &str) -> FollowUp {
        let mut a = stable_answers();
        a.informant = informant;
        let mut f = reached(a, day);
        f.form = form;
        f
    }

    #[test]
    fn a_phone_call_does_not_end_time_away() {
        let cfg = FollowUpConfig::default();
        let away = apply(
            &patient(),
            &not_reached(NotReachedReason::WorkingAway, "广州"),
            &cfg,
        );
        assert_eq!(away.away_since, Some(d("2025-02-20")));
        let p = apply(
            &away,
            &reached_by(FollowUpForm::Phone, Informant::Patient, "2025-03-10"),
            &cfg,
        );
        assert_eq!(p.status, Status::Away);
        assert_eq!(p.away_destination, "广州");
        let p = apply(
            &away,
            &reached_by(FollowUpForm::HomeVisit, Informant::Guardian, "2025-03-10"),
            &cfg,
        );
        assert_eq!(p.status, Status::Away);
        let p = apply(
            &away,
            &reached_by(FollowUpForm::HomeVisit, Informant::Patient, "2025-03-10"),
            &cfg,
        );
        assert_eq!(p.status, Status::Managed);
        assert_eq!(p.away_since, None);
    }

    #[test]
    fn a_missing_episode_that_ends_counts_as_an_earlier_one() {
        let cfg = FollowUpConfig::default();
        let mut p = patient();
        p.status = Status::Missing;
        p.flags.ever_missing = true;
        let back = apply(
            &p,
            &reached_by(FollowUpForm::HomeVisit, Informant::Patient, "2025-03-10"),
            &cfg,
        );
        assert_eq!(back.status, Status::Managed);
        assert!(back.earlier_missing);
    }

    #[test]
    fn a_follow_up_at_home_after_a_stay_records_the_discharge() {
        let cfg = FollowUpConfig::default();
        let mut p = patient();
        p.status = Status::InHospital;
        let home = apply(
            &p,
            &reached_by(FollowUpForm::HomeVisit, Informant::Patient, "2025-03-10"),
            &cfg,
        );
        assert_eq!(home.status, Status::Managed);
        assert_eq!(home.discharged_on, Some(d("2025-03-10")));
    }

    #[test]
    fn a_follow_up_that_reaches_the_patient_reassesses_after_an_incident() {
        let mut p = patient();
        p.reassess_since = Some(d("2025-03-05"));
        let p = apply(
            &p,
            &reached_by(FollowUpForm::Phone, Informant::Patient, "2025-03-06"),
            &FollowUpConfig::default(),
        );
        assert_eq!(p.reassess_since, None);
    }

    #[test]
    fn dangerous_behaviour_sets_a_minimum_risk_and_a_lower_one_needs_a_reason() {
        let mut a = stable_answers();
        a.dangerous.disaster = 1;
        a.risk_level = RiskLevel::ZERO;
        let f = reached(a.clone(), "2025-03-05");
        assert_eq!(
            validate(&patient(), &f, d("2025-03-10")),
            Err(FollowUpRefusal::RiskBelowBehaviour {
                minimum: RiskLevel::new(4).unwrap()
            })
        );
        a.risk_override_reason = Some("系多年前旧事，本期无发作".into());
        let f = reached(a, "2025-03-05");
        assert_eq!(validate(&patient(), &f, d("2025-03-10")), Ok(()));
        let mut minor = DangerousBehaviour {
            minor_trouble: 1,
            ..Default::default()
        };
        assert_eq!(minimum_risk(&minor).value(), 1);
        minor.attempted_suicide = 1;
        assert_eq!(minimum_risk(&minor).value(), 4);
        let trouble = DangerousBehaviour {
            trouble: 1,
            ..Default::default()
        };
        assert_eq!(minimum_risk(&trouble).value(), 3);
    }

    #[test]
    fn follow_ups_on_the_same_day_count_once_for_guidance() {
        let cfg = FollowUpConfig::default();
        let mut a = stable_answers();
        a.risk_level = RiskLevel::new(1).unwrap();
        a.class = Condition::BasicallyStable;
        let mut p = patient();
        for _ in 0..3 {
            p = apply(&p, &reached(a.clone(), "2025-03-05"), &cfg);
        }
        assert_eq!(p.basic_stable_streak, 1);
    }

    #[test]
    fn guidance_obtained_resets_the_basically_stable_count() {
        let cfg = FollowUpConfig::default();
        let mut a = stable_answers();
        a.risk_level = RiskLevel::new(1).unwrap();
        a.class = Condition::BasicallyStable;
        let mut p = patient();
        p.condition = Condition::BasicallyStable;
        p.basic_stable_streak = 3;
        let mut f = reached(a, "2025-03-05");
        f.guidance = Some(Guidance {
            date: d("2025-03-04"),
            doctor: "精神科医师甲".into(),
        });
        let p = apply(&p, &f, &cfg);
        assert_eq!(p.basic_stable_streak, 0);
        assert!(!crate::domain::schedule::needs_guidance(&p, &cfg));
    }

    #[test]
    fn working_away_without_a_destination_is_refused() {
        let f = not_reached(NotReachedReason::WorkingAway, " ");
        assert_eq!(
            validate(&patient(), &f, d("2025-03-10")),
            Err(FollowUpRefusal::AwayWithoutDestination)
        );
    }

    #[test]
    fn working_away_needs_a_departure_date_and_time_away_counts_from_it() {
        let mut f = not_reached(NotReachedReason::WorkingAway, "广州");
        if let FollowUpOutcome::NotReached { departed_on, .. } = &mut f.outcome {
            *departed_on = None;
        }
        assert_eq!(
            validate(&patient(), &f, d("2025-03-10")),
            Err(FollowUpRefusal::AwayWithoutDepartureDate)
        );
        if let FollowUpOutcome::NotReached { departed_on, .. } = &mut f.outcome {
            *departed_on = Some(d("2025-03-02"));
        }
        assert_eq!(
            validate(&patient(), &f, d("2025-03-10")),
            Err(FollowUpRefusal::DepartureAfterVisit)
        );
        if let FollowUpOutcome::NotReached { departed_on, .. } = &mut f.outcome {
            *departed_on = Some(d("2025-01-15"));
        }
        assert_eq!(validate(&patient(), &f, d("2025-03-10")), Ok(()));
        let p = apply(&patient(), &f, &FollowUpConfig::default());
        assert_eq!(p.status, Status::Away);
        assert_eq!(p.away_since, Some(d("2025-01-15")));
    }

    #[test]
    fn options_are_the_national_records_words() {
        assert_eq!(
            TreatmentEffect::ALL
                .iter()
                .map(|v| v.zh())
                .collect::<Vec<_>>(),
            ["痊愈", "好转", "无变化", "加重"]
        );
        assert_eq!(
            LockUp::ALL.iter().map(|v| v.zh()).collect::<Vec<_>>(),
            ["无关锁", "关锁", "关锁已解除"]
        );
        assert_eq!(
            HospitalStay::ALL.iter().map(|v| v.zh()).collect::<Vec<_>>(),
            ["从未住院", "目前正在住院", "既往住院，现未住院"]
        );
        assert_eq!(Symptom::ALL.len(), 12);
        assert_eq!(
            HospitalStay::parse_zh("既往住院，现未住院"),
            Some(HospitalStay::AdmittedBefore)
        );
    }

    #[test]
    fn a_follow_up_stored_before_the_national_options_still_reads() {
        // As the first releases wrote it: yes/no for 关锁 and 住院, a grade for 治疗效果,
        // free symptom words.
        let old = r#"{"date":"2025-03-01","form":"home_visit","outcome":{"outcome":"reached",
            "informant":"patient","risk_level":1,"symptoms":["幻觉","睡眠差"],
            "symptom_state":"present","insight":"partial","sleep":"fair","diet":"good",
            "social_function":"fair","dangerous":{"minor_trouble":0,"trouble":0,"disaster":0,
            "other_harm":0,"self_harm":0,"attempted_suicide":0},"locked_up":true,
            "hospitalised":false,"compliance":"regular","drug_reaction":"none",
            "serious_physical_illness":false,"treatment_effect":"good","referral":false,
            "medication":"oral","class":"basically_stable"},"next_date":null,"by_whom":"甲"}"#;
        let f: FollowUp = serde_json::from_str(old).unwrap();
        let FollowUpOutcome::Reached(a) = &f.outcome else {
            panic!("{f:?}")
        };
        assert_eq!(a.locked_up, LockUp::Locked);
        assert_eq!(a.hospitalised, HospitalStay::NeverAdmitted);
        assert_eq!(a.treatment_effect, TreatmentEffect::Improved);
        assert_eq!(a.symptoms, vec![Symptom::Hallucination]);
        assert_eq!(a.symptoms_other, vec!["睡眠差".to_string()]);
        // Written again, it reads back as itself.
        let again: FollowUp = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(again, f);
        let old_in_hospital = old
            .replace(r#""hospitalised":false"#, r#""hospitalised":true"#)
            .replace(
                r#""treatment_effect":"good""#,
                r#""treatment_effect":"poor""#,
            );
        let f: FollowUp = serde_json::from_str(&old_in_hospital).unwrap();
        let FollowUpOutcome::Reached(a) = &f.outcome else {
            panic!()
        };
        assert_eq!(a.hospitalised, HospitalStay::AdmittedNow);
        assert_eq!(a.treatment_effect, TreatmentEffect::Worse);
    }

    #[test]
    fn guardian_refusing_admission_of_an_unstable_patient_means_a_joint_visit_in_two_weeks() {
        let mut a = stable_answers();
        a.risk_level = RiskLevel::new(3).unwrap();
        a.class = Condition::Unstable;
        a.guardian_refuses_admission = true;
        assert!(needs_joint_visit(&a));
        assert_eq!(JOINT_VISIT_DAYS, 14);
        a.class = Condition::BasicallyStable;
        assert!(!needs_joint_visit(&a));
    }

    #[test]
    fn in_hospital_now_sets_the_status_but_an_earlier_stay_does_not() {
        let mut a = stable_answers();
        a.hospitalised = HospitalStay::AdmittedBefore;
        let p = apply(
            &patient(),
            &reached(a.clone(), "2025-03-01"),
            &FollowUpConfig::default(),
        );
        assert_eq!(p.status, Status::Managed);
        a.hospitalised = HospitalStay::AdmittedNow;
        let p = apply(
            &patient(),
            &reached(a, "2025-03-01"),
            &FollowUpConfig::default(),
        );
        assert_eq!(p.status, Status::InHospital);
    }
}
