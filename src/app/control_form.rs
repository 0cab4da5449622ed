//! The form a center operator sets a control level (管控等级) with: the level, the first and
//! last day, the townships and stations it covers (none: the whole area) and why. Nothing is
//! preset: the level, both days and the reason must be given.

use tui_input::{Input, InputRequest};

use super::action::Request;
use super::form::{Form, FormRow};
use crate::desk::control::NewControl;
use crate::domain::schedule::ControlLevel;
use crate::i18n::{Lang, T};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlField {
    Level,
    From,
    To,
    Townships,
    Stations,
    Reason,
}

impl ControlField {
    pub const ALL: [ControlField; 6] = [
        ControlField::Level,
        ControlField::From,
        ControlField::To,
        ControlField::Townships,
        ControlField::Stations,
        ControlField::Reason,
    ];

    pub fn label(self) -> T {
        match self {
            ControlField::Level => T::ControlLevel,
            ControlField::From => T::ControlFrom,
            ControlField::To => T::ControlTo,
            ControlField::Townships => T::ControlTownships,
            ControlField::Stations => T::ControlStations,
            ControlField::Reason => T::SnoozeReason,
        }
    }
}

const LEVELS: [ControlLevel; 3] = [
    ControlLevel::Level1,
    ControlLevel::Level2,
    ControlLevel::Level3,
];

#[derive(Debug, Clone, Default)]
pub struct ControlForm {
    level: Option<usize>,
    inputs: [Input; 5],
    focus: usize,
    problem: Option<String>,
    confirming: bool,
    touched: bool,
}

impl ControlForm {
    pub fn new() -> Self {
        Self::default()
    }

    fn focused(&self) -> ControlField {
        ControlField::ALL[self.focus]
    }

    fn input(&self, f: ControlField) -> Option<&Input> {
        match f {
            ControlField::Level => None,
            _ => self.inputs.get(f as usize - 1),
        }
    }

    fn text(&self, f: ControlField) -> String {
        self.input(f)
            .map(|i| i.value().trim().to_string())
            .unwrap_or_default()
    }

    /// Names typed with 、，, or spaces between them.
    fn names(&self, f: ControlField) -> Vec<String> {
        self.text(f)
            .split(['、', '，', ',', ' ', '；', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn level_label(lang: Lang, l: ControlLevel) -> &'static str {
        match l {
            ControlLevel::Level1 => lang.t(T::ControlLevel1),
            ControlLevel::Level2 => lang.t(T::ControlLevel2),
            ControlLevel::Level3 => lang.t(T::ControlLevel3),
        }
    }

    /// The order the answers make, or the first answer missing or unreadable.
    pub fn to_control(&self, lang: Lang) -> Result<NewControl, String> {
        let missing =
            |f: ControlField| format!("{}: {}", lang.t(f.label()), lang.t(T::FormProblemMissing));
        let level = self
            .level
            .map(|i| LEVELS[i])
            .ok_or_else(|| missing(ControlField::Level))?;
        let day = |f: ControlField| {
            let t = self.text(f);
            if t.is_empty() {
                return Err(missing(f));
            }
            crate::import::values::date(&crate::import::table::Cell::Text(t))
                .ok_or_else(|| format!("{}: {}", lang.t(f.label()), lang.t(T::FormProblemDate)))
        };
        let from = day(ControlField::From)?;
        let to = day(ControlField::To)?;
        let reason = self.text(ControlField::Reason);
        if reason.is_empty() {
            return Err(missing(ControlField::Reason));
        }
        Ok(NewControl {
            level,
            from,
            to,
            townships: self.names(ControlField::Townships),
            stations: self.names(ControlField::Stations),
            reason,
        })
    }
}

impl Form for ControlForm {
    fn title(&self) -> T {
        T::ControlTitle
    }

    fn rows(&self, lang: Lang) -> Vec<FormRow> {
        ControlField::ALL
            .iter()
            .map(|f| {
                let (value, text) = match f {
                    ControlField::Level => (
                        self.level
                            .map(|i| Self::level_label(lang, LEVELS[i]).to_string())
                            .unwrap_or_default(),
                        false,
                    ),
                    _ => (self.text(*f), true),
                };
                let note = match f {
                    ControlField::Townships | ControlField::Stations
                        if self.text(ControlField::Townships).is_empty()
                            && self.text(ControlField::Stations).is_empty() =>
                    {
                        lang.t(T::ControlWholeArea).to_string()
                    }
                    _ => String::new(),
                };
                FormRow {
                    label: lang.t(f.label()).to_string(),
                    unset: !text && value.is_empty(),
                    value,
                    text,
                    note,
                }
            })
            .collect()
    }

    /// The answers to confirm; no township and no station reads as the whole area.
    fn summary(&self, lang: Lang) -> Vec<(String, String)> {
        let whole = self.text(ControlField::Townships).is_empty()
            && self.text(ControlField::Stations).is_empty();
        self.rows(lang)
            .into_iter()
            .zip(ControlField::ALL)
            .filter(|(_, f)| !(whole && *f == ControlField::Stations))
            .map(|(r, f)| {
                if whole && f == ControlField::Townships {
                    (
                        lang.t(T::ControlScope).to_string(),
                        lang.t(T::ControlAllArea).to_string(),
                    )
                } else {
                    (r.label, r.value)
                }
            })
            .collect()
    }

    fn focus(&self) -> usize {
        self.focus
    }

    fn move_focus(&mut self, down: bool) {
        let n = ControlField::ALL.len();
        self.focus = if down {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    fn on_text(&self) -> bool {
        self.focused() != ControlField::Level
    }

    fn change(&mut self, forward: bool) {
        if self.focused() == ControlField::Level {
            self.level = Some(match (self.level, forward) {
                (None, true) => 0,
                (None, false) => LEVELS.len() - 1,
                (Some(i), true) => (i + 1) % LEVELS.len(),
                (Some(i), false) => (i + LEVELS.len() - 1) % LEVELS.len(),
            });
            self.problem = None;
        }
    }

    fn edit(&mut self, r: InputRequest) {
        let f = self.focused();
        if f != ControlField::Level {
            self.inputs[f as usize - 1].handle(r);
            self.problem = None;
        }
    }

    fn check(&self, lang: Lang) -> Result<Request, String> {
        self.to_control(lang)
            .map(|c| Request::SetControl(Box::new(c)))
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
