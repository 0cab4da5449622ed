//! The follow-up form: the fields of the national record, which of them apply to the answer
//! "who was seen", the class proposed from the answers, and turning it into a `FollowUp`.
//! It never saves what nobody entered: it opens with the patient's current risk, condition,
//! compliance and medication; every other answer starts unset and must be given. 随访人, joint
//! visitors and the guidance doctor are picked from the persons directory (the patient's team
//! first), filtered as typed, or typed freely when not in it.

use chrono::NaiveDate;
use tui_input::{Input, InputRequest};

use super::action::Request;
use super::data::PatientRow;
use super::form::{Form, FormRow};
use super::search;
use crate::domain::followup::*;
use crate::domain::patient::{Compliance, Condition, Medication};
use crate::domain::risk::RiskLevel;
use crate::domain::vocabulary::Vocabulary;
use crate::i18n::{Lang, Msg, T};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Date,
    Form,
    Informant,
    Risk,
    SymptomList,
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
    /// Why the risk is below what the behaviour implies; only while it is.
    RiskReason,
    Locked,
    Hospital,
    Compliance,
    Reaction,
    Physical,
    Medication,
    Effect,
    Referral,
    Class,
    /// 监护人拒绝住院, only for an unstable class.
    GuardianRefuses,
    Guidance,
    GuidanceBy,
    GuidanceDate,
    Reason,
    Destination,
    Departed,
    DeathDate,
    DeathCause,
    Next,
    By,
    Joint,
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
            Field::SymptomList => T::FuSymptomList,
            Field::RiskReason => T::FuRiskReason,
            Field::GuardianRefuses => T::FuGuardianRefuses,
            Field::Guidance => T::FuGuidance,
            Field::GuidanceBy => T::FuGuidanceBy,
            Field::GuidanceDate => T::FuGuidanceDate,
            Field::Departed => T::FuDeparted,
            Field::Joint => T::FuJoint,
        }
    }

    /// Rows whose typed text filters the persons directory.
    pub fn is_person(self) -> bool {
        matches!(self, Field::By | Field::Joint | Field::GuidanceBy)
    }

    /// How many options a choice row has (the national record's, for 关锁, 住院, 治疗效果).
    pub fn option_count(self) -> usize {
        match self {
            Field::Locked => LockUp::ALL.len(),
            Field::Hospital => HospitalStay::ALL.len(),
            Field::Effect => TreatmentEffect::ALL.len(),
            Field::SymptomList => Symptom::ALL.len(),
            f => f.options().len(),
        }
    }

    /// Option `i` of a choice row, in words.
    pub fn option_label(self, i: usize, lang: Lang) -> String {
        match self {
            Field::Locked => LockUp::ALL.get(i).map(|v| lang.label(*v)),
            Field::Hospital => HospitalStay::ALL.get(i).map(|v| lang.label(*v)),
            Field::Effect => TreatmentEffect::ALL.get(i).map(|v| lang.label(*v)),
            Field::SymptomList => Symptom::ALL.get(i).map(|v| lang.label(*v)),
            f => f.options().get(i).map(|t| lang.t(*t)),
        }
        .unwrap_or_default()
        .to_string()
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
                | Field::RiskReason
                | Field::GuidanceBy
                | Field::GuidanceDate
                | Field::Departed
                | Field::Joint
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
            Field::Sleep | Field::Diet | Field::Social => {
                &[T::GradeGood, T::GradeFair, T::GradePoor]
            }
            Field::Physical | Field::Referral | Field::GuardianRefuses | Field::Guidance => {
                &[T::No, T::Yes]
            }
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
    /// 目前症状 ticked, in the order of the national list.
    pub symptom_list: Vec<Symptom>,
    /// The symptom under the cursor of the 目前症状 row.
    pub symptom_cursor: usize,
    pub risk_reason: Input,
    pub guardian_refuses: Option<usize>,
    pub guidance: Option<usize>,
    pub guidance_by: Input,
    pub guidance_date: Input,
    pub departed: Input,
    /// Joint visitors picked so far; the `joint` input filters the directory for the next.
    pub joint_visitors: Vec<String>,
    pub joint: Input,
    /// The match under the cursor of the focused person row.
    pub pick: usize,
    /// ←/→ moved that cursor: Enter takes the match even with nothing typed.
    pub pick_moved: bool,
    /// The persons directory as the form offers it: the patient's team first.
    pub directory: Vec<Candidate>,
    /// The day of the patient's last follow-up: a second one that day corrects it.
    pub last_followup: Option<NaiveDate>,
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

/// A person of the directory as a person row offers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    /// The role for this patient, or the person's unit, in words.
    pub note: String,
    pub doctor: bool,
    /// Name, pinyin and initials (see `search::key`), built once when the form opens.
    pub key: String,
}

impl Candidate {
    pub fn new(name: &str, note: &str, doctor: bool) -> Self {
        Candidate {
            name: name.to_string(),
            note: note.to_string(),
            doctor,
            key: search::key([name]),
        }
    }
}

/// Between the items of a list written in a row: 、 in Chinese, a comma in English.
fn list_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    }
}

/// Option `i` of a vocabulary (the first when unset: only the class proposal reads that).
fn nth<V: Copy>(i: Option<usize>, all: &[V]) -> V {
    all[i.unwrap_or(0).min(all.len() - 1)]
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
    pub fn new(patient: &PatientRow) -> Self {
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
            symptom_list: Vec::new(),
            symptom_cursor: 0,
            risk_reason: Input::default(),
            // Events rather than answers: "no" until the operator says otherwise.
            guardian_refuses: Some(0),
            guidance: Some(0),
            guidance_by: Input::default(),
            guidance_date: Input::default(),
            departed: Input::default(),
            joint_visitors: Vec::new(),
            joint: Input::default(),
            pick: 0,
            pick_moved: false,
            directory: Vec::new(),
            last_followup: patient.last_followup,
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

    /// The same form, offering these persons (team first) in its person rows.
    pub fn with_directory(mut self, directory: Vec<Candidate>) -> Self {
        self.directory = directory;
        self
    }

    /// Puts the team and the directory in place once the persons directory has arrived
    /// (the form may open before it does).
    pub fn set_persons(&mut self, team: Vec<String>, directory: Vec<Candidate>) {
        self.team = team;
        self.directory = directory;
    }

    /// The persons matching what is typed in person row `f`, doctors only for the guidance.
    pub fn matches(&self, f: Field) -> Vec<&Candidate> {
        let typed = self.input(f).map(|i| i.value()).unwrap_or_default();
        let words = search::words(typed);
        self.directory
            .iter()
            .filter(|c| f != Field::GuidanceBy || c.doctor)
            .filter(|c| {
                f != Field::Joint
                    || !(self.joint_visitors.contains(&c.name) || c.name == self.by.value().trim())
            })
            .filter(|c| search::matches(&c.key, &words))
            .collect()
    }

    /// Enter on a person row: takes the match under the cursor (or what was typed when nobody
    /// matches) and moves on; for joint visitors it stays for the next. With nothing typed and
    /// the cursor not moved it only moves on, so Enter pressed blindly names nobody. Returns
    /// whether someone was taken.
    pub fn pick(&mut self) -> bool {
        let f = self.focused();
        let typed = self
            .input(f)
            .map(|i| i.value().trim().to_string())
            .unwrap_or_default();
        if !f.is_person() || (typed.is_empty() && !self.pick_moved) {
            self.move_focus(true);
            return false;
        }
        let matches = self.matches(f);
        let chosen = matches
            .get(self.pick.min(matches.len().saturating_sub(1)))
            .map(|c| c.name.clone())
            .or_else(|| (!typed.is_empty()).then_some(typed));
        self.pick = 0;
        self.pick_moved = false;
        self.problem = None;
        match (f, chosen) {
            (Field::Joint, Some(name)) => {
                if !self.joint_visitors.contains(&name) {
                    self.joint_visitors.push(name);
                }
                self.joint = Input::default();
                true
            }
            (_, Some(name)) => {
                if let Some(i) = self.input_mut(f) {
                    *i = Input::new(name);
                }
                self.move_focus(true);
                true
            }
            (_, None) => {
                self.move_focus(true);
                false
            }
        }
    }

    /// The lowest risk the behaviour counts allow, when the risk chosen is below it.
    pub fn risk_below(&self) -> Option<RiskLevel> {
        let minimum = minimum_risk(&self.assessment_parts().dangerous);
        (self.risk < minimum.value()).then_some(minimum)
    }

    /// Whether the date typed is the day of the last follow-up: saving corrects that one.
    pub fn corrects(&self) -> bool {
        let typed = crate::import::values::date(&crate::import::table::Cell::Text(
            self.date.value().into(),
        ));
        typed.is_some() && typed == self.last_followup
    }

    /// The fields that apply to the current answer of "who was seen".
    pub fn fields(&self) -> Vec<Field> {
        use Field::*;
        let mut f = vec![Date, Form, Informant];
        match self.informant {
            None => {}
            Some(0..=2) => {
                f.extend([
                    Risk,
                    SymptomList,
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
                ]);
                if self.risk_below().is_some() {
                    f.push(RiskReason);
                }
                f.extend([
                    Locked, Hospital, Compliance, Reaction, Physical, Medication, Effect, Referral,
                    Class,
                ]);
                if self.class() == Condition::Unstable {
                    f.push(GuardianRefuses);
                }
                f.push(Guidance);
                if self.guidance == Some(1) {
                    f.extend([GuidanceBy, GuidanceDate]);
                }
            }
            Some(3) => {
                f.push(Reason);
                // 外出务工 and 迁居 say where to; 外出务工 also since when (*r2*).
                if matches!(self.reason, Some(0) | Some(1)) {
                    f.push(Destination);
                }
                if self.reason == Some(0) {
                    f.push(Departed);
                }
            }
            Some(_) => f.extend([DeathDate, DeathCause]),
        }
        f.extend([Next, By, Joint]);
        f
    }

    pub fn focused(&self) -> Field {
        let f = self.fields();
        f[self.focus.min(f.len() - 1)]
    }

    pub fn move_focus(&mut self, down: bool) {
        self.pick = 0;
        self.pick_moved = false;
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
            Field::GuardianRefuses => &mut self.guardian_refuses,
            Field::Guidance => &mut self.guidance,
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
            Field::RiskReason => &mut self.risk_reason,
            Field::GuidanceBy => &mut self.guidance_by,
            Field::GuidanceDate => &mut self.guidance_date,
            Field::Departed => &mut self.departed,
            Field::Joint => &mut self.joint,
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
            Field::RiskReason => &self.risk_reason,
            Field::GuidanceBy => &self.guidance_by,
            Field::GuidanceDate => &self.guidance_date,
            Field::Departed => &self.departed,
            Field::Joint => &self.joint,
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
            Field::SymptomList => {
                let n = Symptom::ALL.len();
                self.symptom_cursor = if forward {
                    (self.symptom_cursor + 1) % n
                } else {
                    (self.symptom_cursor + n - 1) % n
                };
            }
            f if f.is_person() => {
                self.pick_moved = true;
                let n = self.matches(f).len().max(1);
                self.pick = if forward {
                    (self.pick + 1) % n
                } else {
                    (self.pick + n - 1) % n
                };
            }
            _ => {
                let n = f.option_count();
                if let Some(v) = self.choice_mut(f) {
                    // The first press on an unset choice picks the first (→) or last (←).
                    *v = Some(match (*v, forward) {
                        (None, true) => 0,
                        (None, false) => n - 1,
                        (Some(i), true) => (i + 1) % n,
                        (Some(i), false) => (i + n - 1) % n,
                    });
                }
                let len = self.fields().len();
                self.focus = self.focus.min(len - 1);
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
            symptoms: self.symptom_list.clone(),
            symptoms_other: Vec::new(),
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
            locked_up: nth(self.locked, LockUp::ALL),
            hospitalised: nth(self.hospital, HospitalStay::ALL),
            compliance: COMPLIANCE[self.compliance.unwrap_or(0).min(3)],
            drug_reaction: [DrugReaction::None, DrugReaction::Mild, DrugReaction::Severe]
                [self.reaction.unwrap_or(0).min(2)],
            serious_physical_illness: self.physical == Some(1),
            treatment_effect: nth(self.effect, TreatmentEffect::ALL),
            referral: self.referral == Some(1),
            medication: MEDICATION[self.medication.unwrap_or(0).min(2)],
            class: Condition::Stable,
            risk_override_reason: None,
            guardian_refuses_admission: false,
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
                Field::SymptomList => false,
                Field::RiskReason | Field::GuidanceBy | Field::Destination | Field::Departed => {
                    self.input(f).is_some_and(|i| i.value().trim().is_empty())
                }
                _ => f.option_count() > 1 && self.choice(f).is_none(),
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
            // A blank count is not an answer: 0 is typed, never assumed (SPEC §Follow-up r2).
            if v.is_empty() && self.fields().contains(&f) {
                return Err(FormProblem::Missing(f));
            }
            if !v.is_empty() && v.parse::<u32>().is_err() {
                return Err(FormProblem::BadNumber(f));
            }
        }
        if self.by.value().trim().is_empty() {
            return Err(FormProblem::Missing(Field::By));
        }
        let unstable = self.class() == Condition::Unstable;
        let outcome = match informant {
            0..=2 => {
                let a = Assessment {
                    class: self.class(),
                    risk_override_reason: self
                        .risk_below()
                        .map(|_| self.risk_reason.value().trim().to_string()),
                    guardian_refuses_admission: unstable && self.guardian_refuses == Some(1),
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
                destination: if matches!(self.reason, Some(0) | Some(1)) {
                    self.destination.value().trim().to_string()
                } else {
                    String::new()
                },
                departed_on: if self.reason == Some(0) {
                    Some(date(Field::Departed, &self.departed)?)
                } else {
                    None
                },
            },
            _ => FollowUpOutcome::Died {
                date: date(Field::DeathDate, &self.death_date)?,
                cause: self.death_cause.value().trim().to_string(),
            },
        };
        if let FollowUpOutcome::NotReached {
            departed_on: Some(d),
            ..
        } = &outcome
            && *d > when
        {
            return Err(FormProblem::Refused(FollowUpRefusal::DepartureAfterVisit));
        }
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
            joint_visitors: self.joint_visitors.clone(),
            guidance: match (informant, self.guidance) {
                (0..=2, Some(1)) => Some(Guidance {
                    date: date(Field::GuidanceDate, &self.guidance_date)?,
                    doctor: self.guidance_by.value().trim().to_string(),
                }),
                _ => None,
            },
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
        if f == Field::Joint {
            let mut v = self.joint_visitors.join(list_separator(lang));
            if !self.joint.value().is_empty() {
                if !v.is_empty() {
                    v.push(' ');
                }
                v.push_str(self.joint.value());
            }
            return v;
        }
        if let Some(input) = self.input(f) {
            return input.value().to_string();
        }
        match f {
            Field::Risk => format!("{}", self.risk),
            Field::SymptomList if self.symptom_list.is_empty() => lang.t(T::SymListNone).into(),
            Field::SymptomList => self
                .symptom_list
                .iter()
                .map(|x| lang.label(*x))
                .collect::<Vec<_>>()
                .join(list_separator(lang)),
            Field::Class => self
                .class
                .map(|c| lang.label(c).to_string())
                .unwrap_or_default(),
            other => self
                .choice(other)
                .map(|i| other.option_label(i, lang))
                .unwrap_or_default(),
        }
    }

    /// Words after a row's value: the proposal beside the class, the matches of a person
    /// row, the symptom under the cursor, the risk the behaviour implies, a correction.
    fn note(&self, f: Field, lang: Lang) -> String {
        let focused = self.focused() == f;
        match f {
            Field::Class => {
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
            }
            Field::Date if self.corrects() => lang.t(T::FuSameDay).to_string(),
            Field::Risk => match self.risk_below() {
                Some(min) => format!("{} {}", lang.t(T::FuRiskBelow), min.value()),
                None => String::new(),
            },
            Field::SymptomList if focused => {
                let cur = Symptom::ALL[self.symptom_cursor.min(Symptom::ALL.len() - 1)];
                let mark = if self.symptom_list.contains(&cur) {
                    "[x]"
                } else {
                    "[ ]"
                };
                format!("{mark} {}  {}", lang.label(cur), lang.t(T::FuSpaceToggle))
            }
            f if f.is_person() && focused => {
                let matches = self.matches(f);
                if matches.is_empty() {
                    return lang.t(T::FuNotInDirectory).to_string();
                }
                let at = self.pick.min(matches.len() - 1);
                // The match under the cursor first, then the ones after it.
                matches
                    .iter()
                    .enumerate()
                    .skip(at)
                    .map(|(i, c)| {
                        let mark = if i == at { "▸" } else { "" };
                        if c.note.is_empty() {
                            format!("{mark}{}", c.name)
                        } else {
                            format!("{mark}{}({})", c.name, c.note)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            Field::By if !self.team.is_empty() => {
                format!("{}: {}", lang.t(T::Team), self.team.join(" "))
            }
            _ => String::new(),
        }
    }

    /// What saving means for the next visit, when the guardian refuses admission.
    pub fn joint_visit_due(&self) -> Option<NaiveDate> {
        let f = self.to_followup().ok()?;
        match &f.outcome {
            FollowUpOutcome::Reached(a) if needs_joint_visit(a) => {
                Some(f.date + chrono::Days::new(JOINT_VISIT_DAYS))
            }
            _ => None,
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
                let note = self.note(f, lang);
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

    fn on_person(&self) -> bool {
        self.focused().is_person()
    }

    fn change(&mut self, forward: bool) {
        FollowUpForm::change(self, forward)
    }

    /// Space: ticks the symptom under the cursor in 目前症状; elsewhere the next option.
    fn toggle(&mut self, _n: u8) {
        if self.focused() == Field::SymptomList {
            let cur = Symptom::ALL[self.symptom_cursor.min(Symptom::ALL.len() - 1)];
            if let Some(i) = self.symptom_list.iter().position(|x| *x == cur) {
                self.symptom_list.remove(i);
            } else {
                self.symptom_list.push(cur);
                // Kept in the order of the national list.
                self.symptom_list.sort();
            }
            self.problem = None;
        } else {
            self.change(true);
        }
    }

    fn pick(&mut self) -> bool {
        FollowUpForm::pick(self)
    }

    fn edit(&mut self, r: InputRequest) {
        let f = self.focused();
        // Backspace on an empty joint-visitor row takes back the last one picked.
        if f == Field::Joint
            && self.joint.value().is_empty()
            && matches!(r, InputRequest::DeletePrevChar)
        {
            self.joint_visitors.pop();
            return;
        }
        if let Some(input) = self.input_mut(f) {
            input.handle(r);
            self.problem = None;
            self.pick = 0;
        }
    }

    fn check(&self, lang: Lang) -> Result<Request, String> {
        self.to_followup()
            .map(|followup| Request::FollowUp {
                patient_id: self.patient_id,
                followup: Box::new(followup),
                correct: self.corrects(),
            })
            .map_err(|p| FollowUpForm::problem_text(&p, lang))
    }

    fn summary(&self, lang: Lang) -> Vec<(String, String)> {
        // The summary names only what was answered (counts of zero are left out), and puts
        // short answers side by side, so that it fits one screen at 80×24.
        const BESIDE: [(Field, Field); 12] = [
            (Field::Form, Field::Date),
            (Field::Informant, Field::Date),
            (Field::Insight, Field::Symptoms),
            (Field::Diet, Field::Sleep),
            (Field::Social, Field::Sleep),
            (Field::Hospital, Field::Locked),
            (Field::Medication, Field::Compliance),
            (Field::Physical, Field::Reaction),
            (Field::Referral, Field::Effect),
            (Field::Guidance, Field::Class),
            (Field::Departed, Field::Destination),
            (Field::DeathCause, Field::DeathDate),
        ];
        // Rows the summary adds (the correction, the joint visit) host nothing: `None`.
        let mut out: Vec<(Option<Field>, String, String)> = Vec::new();
        if self.corrects() {
            out.push((
                None,
                lang.t(T::FuCorrection).to_string(),
                lang.t(T::FuSameDay).to_string(),
            ));
        }
        for f in self.fields() {
            // Guidance obtained reads as one answer: yes, the doctor, the date, on its own line.
            if matches!(f, Field::GuidanceBy | Field::GuidanceDate) {
                continue;
            }
            if f == Field::Guidance && self.guidance == Some(1) {
                out.push((
                    Some(f),
                    lang.t(f.label()).to_string(),
                    format!(
                        "{}  {}  {}",
                        self.value(f, lang),
                        self.guidance_by.value().trim(),
                        self.guidance_date.value().trim()
                    ),
                ));
                continue;
            }
            let v = self.value(f, lang);
            let empty = f.is_text() && f != Field::By && f != Field::Date && {
                let n = crate::import::values::normalize(&v);
                n.is_empty() || n == "0"
            };
            if empty {
                continue;
            }
            let label = lang.t(f.label()).to_string();
            let host = BESIDE.iter().find(|(x, _)| *x == f).map(|(_, h)| *h);
            match host.and_then(|h| out.iter_mut().find(|(g, _, _)| *g == Some(h))) {
                Some((_, _, value)) => value.push_str(&format!("  {label} {v}")),
                None => out.push((Some(f), label, v)),
            }
        }
        if let Some(due) = self.joint_visit_due() {
            out.push((
                None,
                lang.t(T::FuNext).to_string(),
                format!("{} {due}", lang.t(T::FuJointNext)),
            ));
        }
        out.into_iter().map(|(_, l, v)| (l, v)).collect()
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
