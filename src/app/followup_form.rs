//! The follow-up form: the fields of the national record, which of them apply to the answer
//! "who was seen", the class proposed from the answers, and turning it into a `FollowUp`.
//! It never saves what nobody entered: it opens with the patient's current risk, condition,
//! compliance and medication; every other answer starts unset and must be given.

use chrono::NaiveDate;
use tui_input::{Input, InputRequest};

use super::action::Request;
use super::form::{Form, FormRow};
use crate::domain::followup::*;
use crate::domain::patient::{Compliance, Condition, Medication, Patient};
use crate::domain::risk::RiskLevel;
use crate::i18n::{Lang, Msg, T};

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
            Field::Compliance => &[
                T::CompRegular,
                T::CompIntermittent,
                T::CompNot,
                T::CompNotNeeded,
            ],
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
    pub form: Option<usize>,
    pub informant: Option<usize>,
    pub risk: u8,
    pub symptoms: Option<usize>,
    pub insight: Option<usize>,
    pub sleep: Option<usize>,
    pub diet: Option<usize>,
    pub social: Option<usize>,
    pub minor: Input,
    pub trouble: Input,
    pub disaster: Input,
    pub other_harm: Input,
    pub self_harm: Input,
    pub suicide: Input,
    pub effect: Option<usize>,
    pub referral: Option<usize>,
    pub locked: Option<usize>,
    pub hospital: Option<usize>,
    pub compliance: Option<usize>,
    pub reaction: Option<usize>,
    pub physical: Option<usize>,
    pub medication: Option<usize>,
    /// `None` follows the proposal; a value is the operator's own choice.
    pub class: Option<Condition>,
    pub reason: Option<usize>,
    pub destination: Input,
    pub death_date: Input,
    pub death_cause: Input,
    pub next: Input,
    pub by: Input,
    /// Why the last save was refused, in words.
    pub problem: Option<String>,
    /// The summary is on screen, waiting for the operator to confirm.
    pub confirming: bool,
    /// The patient's responsible persons (name and role), named beside 随访人 so the operator
    /// types a real name.
    pub team: Vec<String>,
    /// Something was entered: Esc asks before throwing it away.
    pub touched: bool,
}

const COMPLIANCE: [Compliance; 4] = [
    Compliance::Regular,
    Compliance::Intermittent,
    Compliance::NotTaking,
    Compliance::NotNeeded,
];
const MEDICATION: [Medication; 3] = [
    Medication::Oral,
    Medication::LongActingInjection,
    Medication::None,
];

impl FollowUpForm {
    /// A form for `patient` as the record has them now: risk, condition, compliance and
    /// medication are the patient's current values; the rest is unset.
    pub fn new(patient: &Patient) -> Self {
        FollowUpForm {
            patient_id: patient.id,
            focus: 0,
            date: Input::default(),
            form: None,
            informant: None,
            risk: patient.risk_level.value(),
            symptoms: None,
            insight: None,
            sleep: None,
            diet: None,
            social: None,
            minor: Input::default(),
            trouble: Input::default(),
            disaster: Input::default(),
            other_harm: Input::default(),
            self_harm: Input::default(),
            suicide: Input::default(),
            effect: None,
            referral: None,
            locked: None,
            hospital: None,
            compliance: patient
                .compliance
                .and_then(|c| COMPLIANCE.iter().position(|x| *x == c)),
            reaction: None,
            physical: None,
            medication: patient
                .medication
                .and_then(|m| MEDICATION.iter().position(|x| *x == m)),
            class: Some(patient.condition),
            reason: None,
            destination: Input::default(),
            death_date: Input::default(),
            death_cause: Input::default(),
            next: Input::default(),
            by: Input::default(),
            problem: None,
            confirming: false,
            touched: false,
            team: Vec::new(),
        }
    }

    /// The same form, naming the patient's responsible persons beside 随访人.
    pub fn with_team(mut self, team: Vec<String>) -> Self {
        self.team = team;
        self
    }

    /// The fields that apply to the current answer of "who was seen".
    pub fn fields(&self) -> Vec<Field> {
        use Field::*;
        let mut f = vec![Date, Form, Informant];
        match self.informant {
            None => {}
            Some(0..=2) => f.extend([
                Risk, Symptoms, Insight, Sleep, Diet, Social, Minor, Trouble, Disaster, OtherHarm,
                SelfHarm, Suicide, Locked, Hospital, Compliance, Reaction, Physical, Medication,
                Effect, Referral, Class,
            ]),
            Some(3) => f.extend([Reason, Destination]),
            Some(_) => f.extend([DeathDate, DeathCause]),
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

    fn choice_mut(&mut self, f: Field) -> Option<&mut Option<usize>> {
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

    /// The chosen option of a choice field; `None` when unset or not a choice.
    pub fn choice(&self, f: Field) -> Option<usize> {
        let mut copy = self.clone();
        copy.choice_mut(f).and_then(|v| *v)
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
                    // The first press on an unset choice picks the first (→) or last (←).
                    *v = Some(match (*v, forward) {
                        (None, true) => 0,
                        (None, false) => n - 1,
                        (Some(i), true) => (i + 1) % n,
                        (Some(i), false) => (i + n - 1) % n,
                    });
                }
                if f == Field::Informant {
                    let len = self.fields().len();
                    self.focus = self.focus.min(len - 1);
                }
            }
        }
    }

    /// The answers as an assessment; unset answers read as the mildest only for the
    /// proposal shown beside the class: `to_followup` refuses a form with unset answers.
    fn assessment_parts(&self) -> Assessment {
        let grade =
            |i: Option<usize>| [Grade::Good, Grade::Fair, Grade::Poor][i.unwrap_or(0).min(2)];
        let count = |input: &Input| {
            crate::import::values::normalize(input.value())
                .parse::<u32>()
                .unwrap_or(0)
        };
        Assessment {
            informant: [Informant::Patient, Informant::Guardian, Informant::Other]
                [self.informant.unwrap_or(0).min(2)],
            risk_level: RiskLevel::new(self.risk).unwrap_or(RiskLevel::ZERO),
            symptoms: Vec::new(),
            symptom_state: [
                SymptomState::Gone,
                SymptomState::Present,
                SymptomState::Marked,
            ][self.symptoms.unwrap_or(0).min(2)],
            insight: [Insight::Full, Insight::Partial, Insight::Lacking]
                [self.insight.unwrap_or(0).min(2)],
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
            locked_up: self.locked == Some(1),
            hospitalised: self.hospital == Some(1),
            compliance: COMPLIANCE[self.compliance.unwrap_or(0).min(3)],
            drug_reaction: [DrugReaction::None, DrugReaction::Mild, DrugReaction::Severe]
                [self.reaction.unwrap_or(0).min(2)],
            serious_physical_illness: self.physical == Some(1),
            treatment_effect: grade(self.effect),
            referral: self.referral == Some(1),
            medication: MEDICATION[self.medication.unwrap_or(0).min(2)],
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
        if self.date.value().trim().is_empty() {
            return Err(FormProblem::Missing(Field::Date));
        }
        let when = date(Field::Date, &self.date)?;
        let form = self.form.ok_or(FormProblem::Missing(Field::Form))?;
        let informant = self
            .informant
            .ok_or(FormProblem::Missing(Field::Informant))?;
        for f in self.fields() {
            let unset = match f {
                Field::Compliance => self.compliance.is_none(),
                Field::Medication => self.medication.is_none(),
                _ => f.options().len() > 1 && self.choice(f).is_none(),
            };
            if unset {
                return Err(FormProblem::Missing(f));
            }
        }
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
                .map(|i| crate::import::values::normalize(i.value()))
                .unwrap_or_default();
            if !v.is_empty() && v.parse::<u32>().is_err() {
                return Err(FormProblem::BadNumber(f));
            }
        }
        if self.by.value().trim().is_empty() {
            return Err(FormProblem::Missing(Field::By));
        }
        let outcome = match informant {
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
                ][self.reason.unwrap_or(4).min(4)],
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
            ][form.min(2)],
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

impl FollowUpForm {
    fn value(&self, f: Field, lang: Lang) -> String {
        if let Some(input) = self.input(f) {
            return input.value().to_string();
        }
        match f {
            Field::Risk => format!("{}", self.risk),
            Field::Class => self
                .class
                .map(|c| lang.label(c).to_string())
                .unwrap_or_default(),
            other => self
                .choice(other)
                .and_then(|i| other.options().get(i))
                .map(|t| lang.t(*t).to_string())
                .unwrap_or_default(),
        }
    }

    pub fn problem_text(p: &FormProblem, lang: Lang) -> String {
        match p {
            FormProblem::BadDate(f) => {
                format!("{}: {}", lang.t(f.label()), lang.t(T::FormProblemDate))
            }
            FormProblem::BadNumber(f) => {
                format!("{}: {}", lang.t(f.label()), lang.t(T::FormProblemNumber))
            }
            FormProblem::Missing(f) => {
                format!("{}: {}", lang.t(f.label()), lang.t(T::FormProblemMissing))
            }
            FormProblem::Refused(r) => lang.text(&Msg::FollowUpRefused(r.clone())),
        }
    }
}

impl Form for FollowUpForm {
    fn title(&self) -> T {
        T::FollowUpTitle
    }

    fn rows(&self, lang: Lang) -> Vec<FormRow> {
        self.fields()
            .into_iter()
            .map(|f| {
                let value = self.value(f, lang);
                let note = if f == Field::Class {
                    let (proposed, reasons) = self.proposed();
                    let why: Vec<String> = reasons
                        .iter()
                        .map(|r| lang.text(&Msg::ClassReason(*r)))
                        .collect();
                    format!(
                        "{} {} {}",
                        lang.t(T::FuProposed),
                        lang.label(proposed),
                        why.join("、")
                    )
                } else if f == Field::By && !self.team.is_empty() {
                    format!("{}: {}", lang.t(T::Team), self.team.join(" "))
                } else {
                    String::new()
                };
                FormRow {
                    label: lang.t(f.label()).to_string(),
                    unset: !f.is_text() && value.is_empty(),
                    value,
                    text: f.is_text(),
                    note,
                }
            })
            .collect()
    }

    fn focus(&self) -> usize {
        self.focus.min(self.fields().len() - 1)
    }

    fn move_focus(&mut self, down: bool) {
        FollowUpForm::move_focus(self, down)
    }

    fn on_text(&self) -> bool {
        self.focused().is_text()
    }

    fn change(&mut self, forward: bool) {
        FollowUpForm::change(self, forward)
    }

    fn edit(&mut self, r: InputRequest) {
        let f = self.focused();
        if let Some(input) = self.input_mut(f) {
            input.handle(r);
            self.problem = None;
        }
    }

    fn check(&self, lang: Lang) -> Result<Request, String> {
        self.to_followup()
            .map(|followup| Request::FollowUp {
                patient_id: self.patient_id,
                followup: Box::new(followup),
            })
            .map_err(|p| FollowUpForm::problem_text(&p, lang))
    }

    fn summary(&self, lang: Lang) -> Vec<(String, String)> {
        // The summary names only what was answered (counts of zero are left out) so that it
        // fits one screen.
        self.fields()
            .into_iter()
            .filter_map(|f| {
                let v = self.value(f, lang);
                let zero = f.is_text() && f != Field::By && f != Field::Date && {
                    let n = crate::import::values::normalize(&v);
                    n.is_empty() || n == "0"
                };
                (!zero).then(|| (lang.t(f.label()).to_string(), v))
            })
            .collect()
    }

    fn problem(&self) -> Option<String> {
        self.problem.clone()
    }

    fn set_problem(&mut self, p: Option<String>) {
        self.problem = p;
    }

    fn confirming(&self) -> bool {
        self.confirming
    }

    fn set_confirming(&mut self, on: bool) {
        self.confirming = on;
    }

    fn touched(&self) -> bool {
        self.touched
    }

    fn set_touched(&mut self) {
        self.touched = true;
    }
}
