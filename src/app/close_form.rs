//! The form that closes an incident: outcome, the 三同步 checklist (each ticked or with a
//! reason), persons involved, injured, dead, reported upward, and whether to resolve the alert.

use tui_input::Input;

use crate::domain::incident::{
    Closing, ClosingRefusal, Outcome, SyncChecklist, SyncItem, check_closing,
};
use crate::i18n::T;

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
    Number(CloseField),
    Refused(ClosingRefusal),
}

#[derive(Debug, Clone)]
pub struct CloseForm {
    pub incident_id: i64,
    pub has_alert: bool,
    pub focus: usize,
    pub outcome: usize,
    pub ticks: [bool; 3],
    pub reasons: [Input; 3],
    pub counts: [Input; 3],
    pub reported: bool,
    pub resolve_alert: bool,
    pub problem: Option<CloseProblem>,
}

impl CloseForm {
    pub fn new(incident_id: i64, has_alert: bool) -> Self {
        CloseForm {
            incident_id,
            has_alert,
            focus: 0,
            outcome: 0,
            ticks: [false; 3],
            reasons: Default::default(),
            counts: [
                Input::new("1".into()),
                Input::new("0".into()),
                Input::new("0".into()),
            ],
            reported: false,
            resolve_alert: has_alert,
            problem: None,
        }
    }

    pub fn fields(&self) -> Vec<CloseField> {
        CloseField::ALL
            .into_iter()
            .filter(|f| self.has_alert || *f != CloseField::ResolveAlert)
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
                self.outcome = if forward {
                    (self.outcome + 1) % n
                } else {
                    (self.outcome + n - 1) % n
                };
            }
            CloseField::Legal => self.ticks[0] = !self.ticks[0],
            CloseField::Opinion => self.ticks[1] = !self.ticks[1],
            CloseField::Social => self.ticks[2] = !self.ticks[2],
            CloseField::Reported => self.reported = !self.reported,
            CloseField::ResolveAlert => self.resolve_alert = !self.resolve_alert,
            _ => {}
        }
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
        let n = |i: usize, f: CloseField| -> Result<u32, CloseProblem> {
            let v = crate::import::values::normalize(self.counts[i].value());
            if v.is_empty() {
                Ok(0)
            } else {
                v.parse().map_err(|_| CloseProblem::Number(f))
            }
        };
        let item = |i: usize| SyncItem {
            done: self.ticks[i],
            reason: self.reasons[i].value().trim().to_string(),
        };
        let c = Closing {
            outcome: Outcome::ALL[self.outcome],
            sync: SyncChecklist {
                legal: item(0),
                opinion: item(1),
                social: item(2),
            },
            persons_involved: n(0, CloseField::Persons)?,
            injured: n(1, CloseField::Injured)?,
            dead: n(2, CloseField::Dead)?,
            reported_upward: self.reported,
        };
        check_closing(&c).map_err(CloseProblem::Refused)?;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_form_needs_the_checklist_answered() {
        let mut f = CloseForm::new(1, true);
        assert!(matches!(f.to_closing(), Err(CloseProblem::Refused(_))));
        f.ticks = [true, true, false];
        f.reasons[2] = Input::new("现场无围观".into());
        let c = f.to_closing().unwrap();
        assert!(c.sync.legal.done && !c.sync.social.done);
        assert!(f.resolve_alert, "resolving the alert is offered");
    }
}
