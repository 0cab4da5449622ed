//! `?`: every command of the screen under help, with its keys and its configuration name,
//! built from the same registry as the footer and the key handling; searchable by typing and
//! scrolled inside a popup sized to the screen. Commands that cannot run now are dimmed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Ui;
use super::text::{centered, clear_popup, fit};
use crate::app::AppState;
use crate::app::commands;
use crate::app::state::Help;
use crate::i18n::T;

pub fn draw(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState, help: &Help) {
    let th = ui.theme();
    let needle = help.search.value().to_lowercase();
    let search = Line::from(vec![
        Span::styled("/ ", th.key()),
        Span::raw(help.search.value().to_string()),
        Span::styled("▏", th.key()),
    ]);
    let mut lines = Vec::new();
    for c in commands::help(s, ui.keys) {
        let label = s.t(c.label);
        let text = format!("{} {} {}", c.keys, label, c.name);
        if !needle.is_empty() && !text.to_lowercase().contains(&needle) {
            continue;
        }
        let style = if c.enabled {
            ratatui::style::Style::new()
        } else {
            th.muted()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", fit(&c.keys, 14)), th.key()),
            Span::styled(format!("{} ", fit(label, 18)), style),
            Span::styled(c.name, th.muted()),
        ]));
    }
    let w = 60u16.min(area.width.saturating_sub(2));
    let h = (lines.len() as u16 + 3).min(area.height);
    let popup = centered(area, w, h);
    clear_popup(f.buffer_mut(), popup);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(s.t(T::HelpTitle), th.title()));
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let [top, rest] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Length(1),
        ratatui::layout::Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(search), top);
    help.scroll.fit(lines.len(), rest.height);
    f.render_widget(Paragraph::new(lines).scroll((help.scroll.top(), 0)), rest);
}
