//! The form that closes an incident: outcome, the 三同步 checklist (each ticked or with a
//! reason), persons involved, injured, dead, reported upward, and whether to resolve the alert.

use tui_input::{Input, InputRequest};

use super::action::Request;
use super::form::{Form, FormRow};
use crate::domain::incident::{
    Closing, ClosingRefusal, Outcome, SyncChecklist, SyncItem, check_closing,
};
use crate::i18n::{Lang, Msg, T};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseField {
    Outcome,
    Legal,
    LegalReason,
    Opinion,
    OpinionReason,
    Social,
    SocialReason,
    Persons,
    Injured,
    Dead,
    Reported,
    ResolveAlert,
}

impl CloseField {
    pub const ALL: [CloseField; 12] = [
        CloseField::Outcome,
        CloseField::Legal,
        CloseField::LegalReason,
        CloseField::Opinion,
        CloseField::OpinionReason,
        CloseField::Social,
        CloseField::SocialReason,
        CloseField::Persons,
        CloseField::Injured,
        CloseField::Dead,
        CloseField::Reported,
        CloseField::ResolveAlert,
    ];

    pub fn label(self) -> T {
        match self {
            CloseField::Outcome => T::Outcome,
            CloseField::Legal => T::SyncLegal,
            CloseField::Opinion => T::SyncOpinion,
            CloseField::Social => T::SyncSocial,
            CloseField::LegalReason | CloseField::OpinionReason | CloseField::SocialReason => {
                T::WhyNot
            }
            CloseField::Persons => T::PersonsInvolved,
            CloseField::Injured => T::Injured,
            CloseField::Dead => T::Dead,
            CloseField::Reported => T::ReportedUpward,
            CloseField::ResolveAlert => T::ResolveAlert,
        }
    }

    pub fn is_text(self) -> bool {
        matches!(
            self,
            CloseField::LegalReason
                | CloseField::OpinionReason
                | CloseField::SocialReason
                | CloseField::Persons
                | CloseField::Injured
                | CloseField::Dead
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseProblem {
    Missing(CloseField),
    Number(CloseField),
    Refused(ClosingRefusal),
}

#[derive(Debug, Clone)]
pub struct CloseForm {
    pub incident_id: i64,
    pub has_alert: bool,
    pub focus: usize,
    /// Unset until the operator chooses.
    pub outcome: Option<usize>,
    /// The 三同步 items: 依法处置, 舆论引导, 社会面管控.
    pub ticks: [bool; 3],
    pub reasons: [Input; 3],
    pub counts: [Input; 3],
    /// Unset until the operator answers.
    pub reported: Option<bool>,
    pub resolve_alert: bool,
    pub problem: Option<String>,
    pub confirming: bool,
    /// Something was entered: Esc asks before throwing it away.
    pub touched: bool,
}

impl CloseForm {
    pub fn new(incident_id: i64, has_alert: bool) -> Self {
        CloseForm {
            incident_id,
            has_alert,
            focus: 0,
            outcome: None,
            ticks: [false; 3],
            reasons: Default::default(),
            // Persons involved, injured and dead are typed (0 too): a preset count would be
            // saved though nobody said it.
            counts: Default::default(),
            reported: None,
            resolve_alert: has_alert,
            problem: None,
            confirming: false,
            touched: false,
        }
    }

    /// The rows that apply: a reason only for an item not done, resolving the alert only
    /// when the incident came from one.
    pub fn fields(&self) -> Vec<CloseField> {
        CloseField::ALL
            .into_iter()
            .filter(|f| match f {
                CloseField::ResolveAlert => self.has_alert,
                CloseField::LegalReason => !self.ticks[0],
                CloseField::OpinionReason => !self.ticks[1],
                CloseField::SocialReason => !self.ticks[2],
                _ => true,
            })
            .collect()
    }

    pub fn focused(&self) -> CloseField {
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

    pub fn change(&mut self, forward: bool) {
        self.problem = None;
        match self.focused() {
            CloseField::Outcome => {
                let n = Outcome::ALL.len();
                self.outcome = Some(match (self.outcome, forward) {
                    (None, true) => 0,
                    (None, false) => n - 1,
                    (Some(i), true) => (i + 1) % n,
                    (Some(i), false) => (i + n - 1) % n,
                });
            }
            CloseField::Legal => self.tick(0),
            CloseField::Opinion => self.tick(1),
            CloseField::Social => self.tick(2),
            CloseField::Reported => self.reported = Some(!self.reported.unwrap_or(false)),
            CloseField::ResolveAlert => self.resolve_alert = !self.resolve_alert,
            _ => {}
        }
    }

    /// Ticks or unticks item `i` of the checklist; the focus stays on the row it was on.
    pub fn tick(&mut self, i: usize) {
        let on = self.focused();
        self.ticks[i] = !self.ticks[i];
        self.problem = None;
        self.focus = self.fields().iter().position(|f| *f == on).unwrap_or(0);
    }

    pub fn input_mut(&mut self, f: CloseField) -> Option<&mut Input> {
        Some(match f {
            CloseField::LegalReason => &mut self.reasons[0],
            CloseField::OpinionReason => &mut self.reasons[1],
            CloseField::SocialReason => &mut self.reasons[2],
            CloseField::Persons => &mut self.counts[0],
            CloseField::Injured => &mut self.counts[1],
            CloseField::Dead => &mut self.counts[2],
            _ => return None,
        })
    }

    pub fn to_closing(&self) -> Result<Closing, CloseProblem> {
        let outcome = self
            .outcome
            .ok_or(CloseProblem::Missing(CloseField::Outcome))?;
        let reported = self
            .reported
            .ok_or(CloseProblem::Missing(CloseField::Reported))?;
        let n = |i: usize, f: CloseField| -> Result<u32, CloseProblem> {
            let v = crate::import::values::normalize(self.counts[i].value());
            if v.is_empty() {
                Err(CloseProblem::Missing(f))
            } else {
                v.parse().map_err(|_| CloseProblem::Number(f))
            }
        };
        let item = |i: usize| SyncItem {
            done: self.ticks[i],
            reason: if self.ticks[i] {
                String::new()
            } else {
                self.reasons[i].value().trim().to_string()
            },
        };
        let c = Closing {
            outcome: Outcome::ALL[outcome],
            sync: SyncChecklist {
                legal: item(0),
                opinion: item(1),
                social: item(2),
            },
            persons_involved: n(0, CloseField::Persons)?,
            injured: n(1, CloseField::Injured)?,
            dead: n(2, CloseField::Dead)?,
            reported_upward: reported,
        };
        check_closing(&c).map_err(CloseProblem::Refused)?;
        Ok(c)
    }
}

impl CloseForm {
    fn value(&self, f: CloseField, lang: Lang) -> String {
        let yes_no = |b: bool| lang.t(if b { T::Yes } else { T::No }).to_string();
        match f {
            CloseField::Outcome => self
                .outcome
                .map(|i| lang.t(outcome_label(Outcome::ALL[i])).to_string())
                .unwrap_or_default(),
            CloseField::Legal => yes_no(self.ticks[0]),
            CloseField::Opinion => yes_no(self.ticks[1]),
            CloseField::Social => yes_no(self.ticks[2]),
            CloseField::LegalReason => self.reasons[0].value().to_string(),
            CloseField::OpinionReason => self.reasons[1].value().to_string(),
            CloseField::SocialReason => self.reasons[2].value().to_string(),
            CloseField::Persons => self.counts[0].value().to_string(),
            CloseField::Injured => self.counts[1].value().to_string(),
            CloseField::Dead => self.counts[2].value().to_string(),
            CloseField::Reported => self.reported.map(yes_no).unwrap_or_default(),
            CloseField::ResolveAlert => yes_no(self.resolve_alert),
        }
    }
}

pub fn outcome_label(o: Outcome) -> T {
    match o {
        Outcome::Hospital => T::OutHospital,
        Outcome::Home => T::OutHome,
        Outcome::Police => T::OutPolice,
        Outcome::Other => T::OutOther,
    }
}

impl Form for CloseForm {
    fn title(&self) -> T {
        T::CloseTitle
    }

    fn rows(&self, lang: Lang) -> Vec<FormRow> {
        self.fields()
            .into_iter()
            .map(|f| {
                let value = self.value(f, lang);
                FormRow {
                    label: lang.t(f.label()).to_string(),
                    unset: !f.is_text() && value.is_empty(),
                    value,
                    text: f.is_text(),
                    note: String::new(),
                }
            })
            .collect()
    }

    fn focus(&self) -> usize {
        self.focus.min(self.fields().len() - 1)
    }

    fn move_focus(&mut self, down: bool) {
        CloseForm::move_focus(self, down)
    }

    fn on_text(&self) -> bool {
        self.focused().is_text()
    }

    fn change(&mut self, forward: bool) {
        CloseForm::change(self, forward)
    }

    fn toggle(&mut self, n: u8) {
        if (1..=3).contains(&n) {
            self.tick(usize::from(n - 1));
        }
    }

    fn edit(&mut self, r: InputRequest) {
        let f = self.focused();
        if let Some(input) = self.input_mut(f) {
            input.handle(r);
            self.problem = None;
        }
    }

    fn check(&self, lang: Lang) -> Result<Request, String> {
        self.to_closing()
            .map(|closing| Request::CloseIncident {
                incident_id: self.incident_id,
                closing: Box::new(closing),
                resolve_alert: self.has_alert && self.resolve_alert,
            })
            .map_err(|p| match p {
                CloseProblem::Missing(f) => {
                    format!("{}: {}", lang.t(f.label()), lang.t(T::FormProblemMissing))
                }
                CloseProblem::Number(f) => {
                    format!("{}: {}", lang.t(f.label()), lang.t(T::FormProblemNumber))
                }
                CloseProblem::Refused(r) => lang.text(&Msg::ClosingRefused(r)),
            })
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
