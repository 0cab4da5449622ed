//! The follow-up record (随访服务记录表), the class the norm gives its answers, and what a saved
//! follow-up does to the patient: risk, condition, status, dates and streaks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::patient::{Compliance, Condition, Medication, Patient, Status};
use super::policy::FollowUpConfig;
use super::risk::RiskLevel;

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

/// The answers gathered when the patient (or an informant) was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub informant: Informant,
    pub risk_level: RiskLevel,
    pub symptoms: Vec<String>,
    pub symptom_state: SymptomState,
    pub insight: Insight,
    pub sleep: Grade,
    pub diet: Grade,
    pub social_function: Grade,
    pub dangerous: DangerousBehaviour,
    pub locked_up: bool,
    pub hospitalised: bool,
    pub compliance: Compliance,
    pub drug_reaction: DrugReaction,
    pub serious_physical_illness: bool,
    pub treatment_effect: Grade,
    pub referral: bool,
    pub medication: Medication,
    pub class: Condition,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FollowUpOutcome {
    Reached(Box<Assessment>),
    NotReached {
        reason: NotReachedReason,
        destination: String,
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
    pub by_whom: String,
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
        check_class(a).map_err(FollowUpRefusal::Contradiction)?;
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
            next.basic_stable_streak = if a.class == Condition::BasicallyStable {
                p.basic_stable_streak + 1
            } else {
                0
            };
            next.not_reached_streak = 0;
            if a.dangerous.trouble + a.dangerous.disaster > 0 {
                next.flags.incident_history = true;
            }
            // Reaching a missing or away patient means they are back under management.
            if matches!(p.status, Status::Missing | Status::Away) {
                next.status = Status::Managed;
                next.away_destination.clear();
            }
            if a.hospitalised {
                next.status = Status::InHospital;
            }
        }
        FollowUpOutcome::NotReached {
            reason,
            destination,
        } => {
            next.not_reached_streak = p.not_reached_streak + 1;
            let no_destination = destination.trim().is_empty();
            let missing = next.not_reached_streak >= config.missing_after_not_reached
                || *reason == NotReachedReason::ThreeMisses
                || *reason == NotReachedReason::Wandered
                || (*reason == NotReachedReason::MovedAway && no_destination);
            if missing {
                next.status = Status::Missing;
                next.flags.ever_missing = true;
            } else if matches!(
                reason,
                NotReachedReason::WorkingAway | NotReachedReason::MovedAway
            ) {
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
            symptom_state: SymptomState::Gone,
            insight: Insight::Full,
            sleep: Grade::Good,
            diet: Grade::Good,
            social_function: Grade::Fair,
            dangerous: DangerousBehaviour::default(),
            locked_up: false,
            hospitalised: false,
            compliance: Compliance::Regular,
            drug_reaction: DrugReaction::None,
            serious_physical_illness: false,
            treatment_effect: Grade::Good,
            referral: false,
            medication: Medication::Oral,
            class: Condition::Stable,
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
            },
            next_date: None,
            by_whom: "测试医生".into(),
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
        };
        let p = apply(&patient(), &f, &FollowUpConfig::default());
        assert_eq!(p.status, Status::Deceased);
    }
}
