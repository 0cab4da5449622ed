//! One shape for the console's forms (the follow-up and the close-incident form): rows with a
//! focus, choices changed with ←/→/Space, text typed into text rows, and a save that checks
//! the answers and shows a one-screen summary before anything is sent.

use tui_input::InputRequest;

use super::action::Request;
use crate::i18n::{Lang, T};

/// One row as a form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRow {
    pub label: String,
    /// The answer in words; empty when nothing was entered.
    pub value: String,
    /// Typed (text) rather than chosen.
    pub text: bool,
    /// A choice nobody has made yet.
    pub unset: bool,
    /// Words after the value (the proposed class and why).
    pub note: String,
}

pub trait Form {
    fn title(&self) -> T;
    fn rows(&self, lang: Lang) -> Vec<FormRow>;
    /// The focused row, an index into `rows`.
    fn focus(&self) -> usize;
    fn move_focus(&mut self, down: bool);
    /// Whether the focused row is typed into.
    fn on_text(&self) -> bool;
    /// Whether the focused row picks a person: typing filters, ←→ move, Enter takes one.
    fn on_person(&self) -> bool {
        false
    }
    /// Enter on a person row: takes the match under the cursor; whether someone was taken.
    fn pick(&mut self) -> bool {
        false
    }
    /// ←/→/Space on the focused choice.
    fn change(&mut self, forward: bool);
    /// A key that ticks item `n` of the form's checklist; forms without one ignore it.
    fn toggle(&mut self, _n: u8) {}
    /// Typing into the focused text row.
    fn edit(&mut self, r: InputRequest);
    /// The request that saves the form, or what is wrong, in the operator's language.
    fn check(&self, lang: Lang) -> Result<Request, String>;
    /// The answers to confirm, as label and value.
    fn summary(&self, lang: Lang) -> Vec<(String, String)> {
        self.rows(lang)
            .into_iter()
            .map(|r| (r.label, r.value))
            .collect()
    }
    fn problem(&self) -> Option<String>;
    fn set_problem(&mut self, p: Option<String>);
    fn confirming(&self) -> bool;
    fn set_confirming(&mut self, on: bool);
    /// Whether the operator has changed anything since the form opened.
    fn touched(&self) -> bool;
    fn set_touched(&mut self);
}
