//! `?`: every key of the current view with what it does, searchable by typing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;

use super::Ui;
use super::text::{centered, clear_popup, fit};
use crate::app::{Action, AppState, View};
use crate::i18n::T;

/// The actions that mean something on the current screen.
pub fn actions_here(s: &AppState) -> Vec<Action> {
    // What this screen does first, so a short terminal never cuts it off; moving around after.
    let mut v = Vec::new();
    if s.incident.is_some() {
        v.extend([Action::Note, Action::CloseIncident, Action::Back]);
    } else if s.detail.is_some() {
        v.extend([
            Action::Back,
            Action::FollowUp,
            Action::Assign,
            Action::Unassign,
            Action::Reveal,
            Action::Report,
        ]);
    } else {
        match s.view {
            View::Alerts => v.extend([
                Action::Acknowledge,
                Action::InProgress,
                Action::Resolve,
                Action::Report,
            ]),
            View::Patients => v.extend([
                Action::OpenIncident,
                Action::QuickFilter,
                Action::Sort,
                Action::FollowUp,
                Action::Assign,
                Action::Unassign,
                Action::Report,
            ]),
            _ => {}
        }
        v.extend([Action::Open, Action::Filter, Action::Back]);
    }
    v.extend([
        Action::Help,
        Action::Shift,
        Action::Quit,
        Action::NextView,
        Action::PrevView,
        Action::ShowAlerts,
        Action::ShowPatients,
        Action::ShowIncidents,
        Action::ShowPersons,
        Action::ShowReports,
        Action::ShowAudit,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Home,
        Action::End,
        Action::Suspend,
    ]);
    v
}

pub fn draw(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState, search: &Input) {
    let th = ui.theme();
    let needle = search.value().to_lowercase();
    let mut lines = vec![Line::from(vec![
        Span::styled("/ ", th.key()),
        Span::raw(search.value().to_string()),
        Span::styled("▏", th.key()),
    ])];
    for a in actions_here(s) {
        let keys = ui.keys.all(a);
        let name = serde_json::to_value(a)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let label = s.t(a.label());
        let text = format!("{} {} ({name})", fit(&keys, 16), label);
        if needle.is_empty() || text.to_lowercase().contains(&needle) {
            lines.push(Line::from(vec![
                Span::styled(fit(&keys, 16), th.key()),
                Span::raw(format!(" {label}  ")),
                Span::styled(name, th.muted()),
            ]));
        }
    }
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let popup = centered(area, 56, h);
    clear_popup(f.buffer_mut(), popup);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(s.t(T::HelpTitle), th.title()));
    f.render_widget(Paragraph::new(lines).block(block), popup);
}
