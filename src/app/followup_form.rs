//! The follow-up form: the fields of the national record, which of them apply to the answer
//! "who was seen", the class proposed from the answers, and turning it into a `FollowUp`.

use chrono::NaiveDate;
use tui_input::Input;

use crate::domain::followup::*;
use crate::domain::patient::{Compliance, Condition, Medication};
use crate::domain::risk::RiskLevel;
use crate::i18n::T;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Date,
    Form,
    Informant,
    Risk,
    Symptoms,
    Insight,
    Sleep,
    Diet,
    Social,
    Minor,
    Trouble,
    Disaster,
    OtherHarm,
    SelfHarm,
    Suicide,
    Locked,
    Hospital,
    Compliance,
    Reaction,
    Physical,
    Medication,
    Effect,
    Referral,
    Class,
    Reason,
    Destination,
    DeathDate,
    DeathCause,
    Next,
    By,
}

impl Field {
    pub fn label(self) -> T {
        match self {
            Field::Date => T::FuDate,
            Field::Form => T::FuForm,
            Field::Informant => T::FuInformant,
            Field::Risk => T::FuRisk,
            Field::Symptoms => T::FuSymptoms,
            Field::Insight => T::FuInsight,
            Field::Sleep => T::FuSleep,
            Field::Diet => T::FuDiet,
            Field::Social => T::FuSocial,
            Field::Minor => T::FuMinor,
            Field::Trouble => T::FuTrouble,
            Field::Disaster => T::FuDisaster,
            Field::OtherHarm => T::FuOtherHarm,
            Field::SelfHarm => T::FuSelfHarm,
            Field::Suicide => T::FuSuicide,
            Field::Effect => T::FuEffect,
            Field::Referral => T::FuReferral,
            Field::Locked => T::FuLocked,
            Field::Hospital => T::FuHospital,
            Field::Compliance => T::FuCompliance,
            Field::Reaction => T::FuReaction,
            Field::Physical => T::FuPhysical,
            Field::Medication => T::FuMedication,
            Field::Class => T::FuClass,
            Field::Reason => T::FuReason,
            Field::Destination => T::FuDestination,
            Field::DeathDate => T::FuDeathDate,
            Field::DeathCause => T::FuDeathCause,
            Field::Next => T::FuNext,
            Field::By => T::FuBy,
        }
    }

    pub fn is_text(self) -> bool {
        matches!(
            self,
            Field::Date
                | Field::Minor
                | Field::Trouble
                | Field::Disaster
                | Field::OtherHarm
                | Field::SelfHarm
                | Field::Suicide
                | Field::Destination
                | Field::DeathDate
                | Field::DeathCause
                | Field::Next
                | Field::By
        )
    }

    /// The labels of a choice field's options, in order.
    pub fn options(self) -> &'static [T] {
        match self {
            Field::Form => &[T::FormHome, T::FormClinic, T::FormPhone],
            Field::Informant => &[
                T::InfPatient,
                T::InfGuardian,
                T::InfOther,
                T::InfNotReached,
                T::InfDied,
            ],
            Field::Symptoms => &[T::SymGone, T::SymPresent, T::SymMarked],
            Field::Insight => &[T::InsFull, T::InsPartial, T::InsLacking],
            Field::Sleep | Field::Diet | Field::Social | Field::Effect => {
                &[T::GradeGood, T::GradeFair, T::GradePoor]
            }
            Field::Locked | Field::Hospital | Field::Physical | Field::Referral => &[T::No, T::Yes],
            Field::Compliance => &[T::CompRegular, T::CompIntermittent, T::CompNot],
            Field::Reaction => &[T::ReactNone, T::ReactMild, T::ReactSevere],
            Field::Medication => &[T::MedOral, T::MedInjection, T::MedNone],
            Field::Reason => &[
                T::ReasonWork,
                T::ReasonMoved,
                T::ReasonWandered,
                T::ReasonThree,
                T::ReasonOther,
            ],
            _ => &[],
        }
    }
}

/// Why the form cannot be saved yet, shown inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormProblem {
    BadDate(Field),
    BadNumber(Field),
    Missing(Field),
    Refused(FollowUpRefusal),
}

#[derive(Debug, Clone)]
pub struct FollowUpForm {
    pub patient_id: i64,
    pub focus: usize,
    pub date: Input,
    pub form: usize,
    pub informant: usize,
    pub risk: u8,
    pub symptoms: usize,
    pub insight: usize,
    pub sleep: usize,
    pub diet: usize,
    pub social: usize,
    pub minor: Input,
    pub trouble: Input,
    pub disaster: Input,
    pub other_harm: Input,
    pub self_harm: Input,
    pub suicide: Input,
    pub effect: usize,
    pub referral: usize,
    pub locked: usize,
    pub hospital: usize,
    pub compliance: usize,
    pub reaction: usize,
    pub physical: usize,
    pub medication: usize,
    /// `None` follows the proposal; a value is the operator's own choice.
    pub class: Option<Condition>,
    pub reason: usize,
    pub destination: Input,
    pub death_date: Input,
    pub death_cause: Input,
    pub next: Input,
    pub by: Input,
    pub problem: Option<FormProblem>,
}

const COMPLIANCE: [Compliance; 3] = [
    Compliance::Regular,
    Compliance::Intermittent,
    Compliance::NotTaking,
];
const MEDICATION: [Medication; 3] = [
    Medication::Oral,
    Medication::LongActingInjection,
    Medication::None,
];

impl FollowUpForm {
    pub fn new(patient_id: i64, today: NaiveDate, by: &str) -> Self {
        FollowUpForm {
            patient_id,
            focus: 0,
            date: Input::new(today.to_string()),
            form: 0,
            informant: 0,
            risk: 0,
            symptoms: 0,
            insight: 0,
            sleep: 0,
            diet: 0,
            social: 0,
            minor: Input::new("0".into()),
            trouble: Input::new("0".into()),
            disaster: Input::new("0".into()),
            other_harm: Input::new("0".into()),
            self_harm: Input::new("0".into()),
            suicide: Input::new("0".into()),
            effect: 0,
            referral: 0,
            locked: 0,
            hospital: 0,
            compliance: 0,
            reaction: 0,
            physical: 0,
            medication: 0,
            class: None,
            reason: 0,
            destination: Input::default(),
            death_date: Input::default(),
            death_cause: Input::default(),
            next: Input::default(),
            by: Input::new(by.into()),
            problem: None,
        }
    }

    /// The fields that apply to the current answer of "who was seen".
    pub fn fields(&self) -> Vec<Field> {
        use Field::*;
        let mut f = vec![Date, Form, Informant];
        match self.informant {
            0..=2 => f.extend([
                Risk, Symptoms, Insight, Sleep, Diet, Social, Minor, Trouble, Disaster, OtherHarm,
                SelfHarm, Suicide, Locked, Hospital, Compliance, Reaction, Physical, Medication,
                Effect, Referral, Class,
            ]),
            3 => f.extend([Reason, Destination]),
            _ => f.extend([DeathDate, DeathCause]),
        }
        f.extend([Next, By]);
        f
    }

    pub fn focused(&self) -> Field {
        let f = self.fields();
        f[self.focus.min(f.len() - 1)]
    }

    pub fn move_focus(&mut self, down: bool) {
        let n = self.fields().len();
        self.focus = if down {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    fn choice_mut(&mut self, f: Field) -> Option<&mut usize> {
        Some(match f {
            Field::Form => &mut self.form,
            Field::Informant => &mut self.informant,
            Field::Symptoms => &mut self.symptoms,
            Field::Insight => &mut self.insight,
            Field::Sleep => &mut self.sleep,
            Field::Diet => &mut self.diet,
            Field::Social => &mut self.social,
            Field::Locked => &mut self.locked,
            Field::Hospital => &mut self.hospital,
            Field::Compliance => &mut self.compliance,
            Field::Reaction => &mut self.reaction,
            Field::Physical => &mut self.physical,
            Field::Medication => &mut self.medication,
            Field::Reason => &mut self.reason,
            Field::Effect => &mut self.effect,
            Field::Referral => &mut self.referral,
            _ => return None,
        })
    }

    pub fn choice(&self, f: Field) -> Option<usize> {
        let mut copy = self.clone();
        copy.choice_mut(f).map(|v| *v)
    }

    pub fn input_mut(&mut self, f: Field) -> Option<&mut Input> {
        Some(match f {
            Field::Date => &mut self.date,
            Field::Minor => &mut self.minor,
            Field::Trouble => &mut self.trouble,
            Field::Disaster => &mut self.disaster,
            Field::OtherHarm => &mut self.other_harm,
            Field::SelfHarm => &mut self.self_harm,
            Field::Suicide => &mut self.suicide,
            Field::Destination => &mut self.destination,
            Field::DeathDate => &mut self.death_date,
            Field::DeathCause => &mut self.death_cause,
            Field::Next => &mut self.next,
            Field::By => &mut self.by,
            _ => return None,
        })
    }

    pub fn input(&self, f: Field) -> Option<&Input> {
        Some(match f {
            Field::Date => &self.date,
            Field::Minor => &self.minor,
            Field::Trouble => &self.trouble,
            Field::Disaster => &self.disaster,
            Field::OtherHarm => &self.other_harm,
            Field::SelfHarm => &self.self_harm,
            Field::Suicide => &self.suicide,
            Field::Destination => &self.destination,
            Field::DeathDate => &self.death_date,
            Field::DeathCause => &self.death_cause,
            Field::Next => &self.next,
            Field::By => &self.by,
            _ => return None,
        })
    }

    /// ←/→ on the focused choice field (and on the risk level and the class).
    pub fn change(&mut self, forward: bool) {
        self.problem = None;
        let f = self.focused();
        match f {
            Field::Risk => {
                self.risk = if forward {
                    (self.risk + 1).min(5)
                } else {
                    self.risk.saturating_sub(1)
                };
            }
            Field::Class => {
                let order = [
                    Condition::Stable,
                    Condition::BasicallyStable,
                    Condition::Unstable,
                ];
                let now = self.class.unwrap_or(self.proposed().0);
                let i = order.iter().position(|c| *c == now).unwrap_or(0);
                let j = if forward {
                    (i + 1).min(2)
                } else {
                    i.saturating_sub(1)
                };
                self.class = Some(order[j]);
            }
            _ => {
                let n = f.options().len();
                if let Some(v) = self.choice_mut(f) {
                    *v = if forward {
                        (*v + 1) % n
                    } else {
                        (*v + n - 1) % n
                    };
                }
                if f == Field::Informant {
                    let len = self.fields().len();
                    self.focus = self.focus.min(len - 1);
                }
            }
        }
    }

    fn assessment_parts(&self) -> Assessment {
        let grade = |i: usize| [Grade::Good, Grade::Fair, Grade::Poor][i.min(2)];
        let count = |input: &Input| input.value().trim().parse::<u32>().unwrap_or(0);
        Assessment {
            informant: [Informant::Patient, Informant::Guardian, Informant::Other]
                [self.informant.min(2)],
            risk_level: RiskLevel::new(self.risk).unwrap_or(RiskLevel::ZERO),
            symptoms: Vec::new(),
            symptom_state: [
                SymptomState::Gone,
                SymptomState::Present,
                SymptomState::Marked,
            ][self.symptoms.min(2)],
            insight: [Insight::Full, Insight::Partial, Insight::Lacking][self.insight.min(2)],
            sleep: grade(self.sleep),
            diet: grade(self.diet),
            social_function: grade(self.social),
            dangerous: DangerousBehaviour {
                minor_trouble: count(&self.minor),
                trouble: count(&self.trouble),
                disaster: count(&self.disaster),
                other_harm: count(&self.other_harm),
                self_harm: count(&self.self_harm),
                attempted_suicide: count(&self.suicide),
            },
            locked_up: self.locked == 1,
            hospitalised: self.hospital == 1,
            compliance: COMPLIANCE[self.compliance.min(2)],
            drug_reaction: [DrugReaction::None, DrugReaction::Mild, DrugReaction::Severe]
                [self.reaction.min(2)],
            serious_physical_illness: self.physical == 1,
            treatment_effect: [Grade::Good, Grade::Fair, Grade::Poor][self.effect.min(2)],
            referral: self.referral == 1,
            medication: MEDICATION[self.medication.min(2)],
            class: Condition::Stable,
        }
    }

    /// The class the answers give, with the deciding answers.
    pub fn proposed(&self) -> (Condition, Vec<ClassReason>) {
        propose_class(&self.assessment_parts())
    }

    pub fn class(&self) -> Condition {
        self.class.unwrap_or(self.proposed().0)
    }

    /// The record the form describes, or what is wrong with it. The domain check of the class
    /// happens here too so the operator sees the reason before anything is sent.
    pub fn to_followup(&self) -> Result<FollowUp, FormProblem> {
        let date = |f: Field, i: &Input| -> Result<NaiveDate, FormProblem> {
            crate::import::values::date(&crate::import::table::Cell::Text(i.value().into()))
                .ok_or(FormProblem::BadDate(f))
        };
        let when = date(Field::Date, &self.date)?;
        let next = if self.next.value().trim().is_empty() {
            None
        } else {
            Some(date(Field::Next, &self.next)?)
        };
        for f in [
            Field::Minor,
            Field::Trouble,
            Field::Disaster,
            Field::OtherHarm,
            Field::SelfHarm,
            Field::Suicide,
        ] {
            let v = self
                .input(f)
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            if !v.is_empty() && v.parse::<u32>().is_err() {
                return Err(FormProblem::BadNumber(f));
            }
        }
        if self.by.value().trim().is_empty() {
            return Err(FormProblem::Missing(Field::By));
        }
        let outcome = match self.informant {
            0..=2 => {
                let a = Assessment {
                    class: self.class(),
                    ..self.assessment_parts()
                };
                check_class(&a)
                    .map_err(|c| FormProblem::Refused(FollowUpRefusal::Contradiction(c)))?;
                FollowUpOutcome::Reached(Box::new(a))
            }
            3 => FollowUpOutcome::NotReached {
                reason: [
                    NotReachedReason::WorkingAway,
                    NotReachedReason::MovedAway,
                    NotReachedReason::Wandered,
                    NotReachedReason::ThreeMisses,
                    NotReachedReason::Other,
                ][self.reason.min(4)],
                destination: self.destination.value().trim().to_string(),
            },
            _ => FollowUpOutcome::Died {
                date: date(Field::DeathDate, &self.death_date)?,
                cause: self.death_cause.value().trim().to_string(),
            },
        };
        Ok(FollowUp {
            date: when,
            form: [
                FollowUpForm::HOME,
                FollowUpForm::CLINIC,
                FollowUpForm::PHONE,
            ][self.form.min(2)],
            outcome,
            next_date: next,
            by_whom: self.by.value().trim().to_string(),
        })
    }

    const HOME: crate::domain::followup::FollowUpForm =
        crate::domain::followup::FollowUpForm::HomeVisit;
    const CLINIC: crate::domain::followup::FollowUpForm =
        crate::domain::followup::FollowUpForm::Clinic;
    const PHONE: crate::domain::followup::FollowUpForm =
        crate::domain::followup::FollowUpForm::Phone;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> FollowUpForm {
        FollowUpForm::new(1, "2025-03-10".parse().unwrap(), "医生甲")
    }

    #[test]
    fn class_follows_the_answers_until_the_operator_changes_it() {
        let mut f = form();
        assert_eq!(f.class(), Condition::Stable);
        f.focus = f.fields().iter().position(|x| *x == Field::Risk).unwrap();
        for _ in 0..4 {
            f.change(true);
        }
        assert_eq!(f.risk, 4);
        assert_eq!(f.class(), Condition::Unstable);
    }

    #[test]
    fn risk_four_recorded_as_stable_is_refused_in_the_form() {
        let mut f = form();
        f.risk = 4;
        f.class = Some(Condition::Stable);
        assert!(matches!(f.to_followup(), Err(FormProblem::Refused(_))));
    }

    #[test]
    fn not_reached_and_died_show_their_own_fields() {
        let mut f = form();
        f.informant = 3;
        assert!(f.fields().contains(&Field::Reason));
        assert!(!f.fields().contains(&Field::Risk));
        f.informant = 4;
        assert!(f.fields().contains(&Field::DeathDate));
        assert_eq!(f.to_followup(), Err(FormProblem::BadDate(Field::DeathDate)));
    }

    #[test]
    fn a_complete_form_becomes_a_follow_up() {
        let mut f = form();
        f.next = Input::new("2025/4/10".into());
        let fu = f.to_followup().unwrap();
        assert_eq!(fu.date, "2025-03-10".parse::<NaiveDate>().unwrap());
        assert_eq!(fu.next_date, Some("2025-04-10".parse().unwrap()));
        assert!(matches!(fu.outcome, FollowUpOutcome::Reached(_)));
    }
}
