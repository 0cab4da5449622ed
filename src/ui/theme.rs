//! Colours and marks. Severity is always readable without colour (a mark and "P1"), colours
//! are the 16 basic ones, and with NO_COLOR only bold and reverse are used.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::alert::Severity;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::P1 => self.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            Severity::P2 => self.fg(Color::Yellow),
            Severity::P3 => self.fg(Color::Reset),
        }
    }

    /// The mark before the severity text: `!!` urgent, `! ` important, `- ` routine.
    pub fn severity_mark(s: Severity) -> &'static str {
        match s {
            Severity::P1 => "!!",
            Severity::P2 => "! ",
            Severity::P3 => "- ",
        }
    }

    /// Reversed and underlined. Escalated rows are not reversed, so the cursor row stays
    /// distinct on them, in colour and without.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED)
    }

    /// An unacknowledged P1 past its escalation time: bold, blinking, red where there is colour.
    pub fn escalated(&self) -> Style {
        self.fg(Color::LightRed)
            .add_modifier(Modifier::SLOW_BLINK | Modifier::BOLD)
    }

    /// The new-P1 banner: red where there is colour, reversed and bold without.
    pub fn banner(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Red)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn header(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn muted(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn error(&self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::LightGreen)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_row_stays_distinct_on_an_escalated_row_with_and_without_colour() {
        for color in [true, false] {
            let th = Theme { color };
            let plain = th.escalated();
            let cursor = th.escalated().patch(th.selected());
            assert_ne!(plain, cursor);
            assert!(cursor.add_modifier.contains(Modifier::REVERSED));
            assert!(!plain.add_modifier.contains(Modifier::REVERSED));
        }
    }
}
