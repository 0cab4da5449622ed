//! The incident screen: elapsed time large enough to read across a room (big digits when the
//! terminal is large, plain at 80×24), each step's deadline counting down to the second, its
//! state by symbol, text and colour, and the notes.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Ui;
use super::text::fit;
use crate::app::AppState;
use crate::domain::clock::beijing;
use crate::domain::incident::StepState;
use crate::i18n::{Lang, T};
use crate::store::incidents::{IncidentRow, StepRow};

pub fn step_label(s: &AppState, st: &StepRow) -> String {
    match s.lang {
        Lang::En if !st.label_en.is_empty() => st.label_en.clone(),
        _ => st.label_zh.clone(),
    }
}

/// `m:ss`, or `h:mm:ss` past an hour.
pub fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The mark, the words and the style of a step's state.
pub fn state_parts(ui: &Ui, s: &AppState, state: StepState) -> (&'static str, String, Style) {
    let th = ui.theme();
    match state {
        StepState::Pending { seconds_left } => {
            let style = if seconds_left <= 30 {
                th.warn()
            } else {
                Style::new()
            };
            (
                "…",
                format!(
                    "{} {} {}",
                    s.t(T::StepPending),
                    s.t(T::Left),
                    clock(seconds_left)
                ),
                style,
            )
        }
        StepState::Met { .. } => ("✓", s.t(T::StepMet).to_string(), th.ok()),
        StepState::Late { seconds_late } => (
            "!",
            format!(
                "{} {} {}",
                s.t(T::StepLate),
                s.t(T::LateBy),
                clock(seconds_late)
            ),
            th.warn(),
        ),
        StepState::Overdue { seconds_late } => (
            "✗",
            format!("{} {}", s.t(T::StepOverdue), clock(seconds_late)),
            th.error().add_modifier(Modifier::REVERSED),
        ),
    }
}

/// 3×5 digit shapes, drawn as reversed blank cells so no glyph width can break them.
const DIGITS: [[&str; 5]; 11] = [
    ["###", "# #", "# #", "# #", "###"],
    [" # ", "## ", " # ", " # ", "###"],
    ["###", "  #", "###", "#  ", "###"],
    ["###", "  #", "###", "  #", "###"],
    ["# #", "# #", "###", "  #", "  #"],
    ["###", "#  ", "###", "  #", "###"],
    ["###", "#  ", "###", "# #", "###"],
    ["###", "  #", "  #", "  #", "  #"],
    ["###", "# #", "###", "# #", "###"],
    ["###", "# #", "###", "  #", "###"],
    ["   ", " # ", "   ", " # ", "   "],
];

fn big_clock(buf: &mut Buffer, area: Rect, text: &str, style: Style) {
    // Each cell of a shape is two columns wide so the digits look square.
    let mut x = area.x;
    for c in text.chars() {
        let shape = match c {
            '0'..='9' => &DIGITS[c as usize - '0' as usize],
            ':' => &DIGITS[10],
            _ => continue,
        };
        if x + 8 > area.right() {
            break;
        }
        for (row, line) in shape.iter().enumerate() {
            let y = area.y + row as u16;
            if y >= area.bottom() {
                break;
            }
            for (col, ch) in line.chars().enumerate() {
                if ch == '#' {
                    for dx in 0..2 {
                        let cell = &mut buf[(x + col as u16 * 2 + dx, y)];
                        cell.set_symbol(" ");
                        cell.set_style(style.add_modifier(Modifier::REVERSED));
                    }
                }
            }
        }
        x += 8;
    }
}

pub fn draw(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState, inc: &IncidentRow) {
    let th = ui.theme();
    let now: DateTime<Utc> = s.now;
    let end = inc.closed_at.unwrap_or(now);
    let elapsed = (end - inc.opened_at).num_seconds();
    let who = inc
        .patient_name
        .clone()
        .unwrap_or_else(|| s.t(T::UnknownPerson).to_string());
    let state = if inc.is_open() {
        s.t(T::OpenState)
    } else {
        s.t(T::Closed)
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{} #{} ", s.t(T::IncidentTitle), inc.id),
            th.title(),
        ),
        Span::raw(format!(
            "{who} · {} · {} {}",
            inc.location,
            inc.opened_at
                .with_timezone(&beijing())
                .format("%m-%d %H:%M:%S"),
            inc.opened_by
        )),
        Span::styled(
            format!("  [{state}]"),
            if inc.is_open() { th.warn() } else { th.ok() },
        ),
    ])];
    let big = area.height >= 30 && area.width >= 100;
    let clock_text = clock(elapsed);
    if big {
        lines.push(Line::from(Span::styled(s.t(T::Elapsed), th.muted())));
        lines.extend(std::iter::repeat_n(Line::from(""), 6));
    } else {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", s.t(T::Elapsed)), th.muted()),
            Span::styled(
                clock_text.clone(),
                th.title().add_modifier(Modifier::REVERSED),
            ),
        ]));
        lines.push(Line::from(""));
    }
    for st in &inc.steps {
        let (mark, words, style) = state_parts(ui, s, st.state(now));
        let done = match (&st.done_at, &st.actor) {
            (Some(d), Some(a)) => {
                format!("  {} {a}", d.with_timezone(&beijing()).format("%H:%M:%S"))
            }
            _ => String::new(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", st.step), th.key()),
            Span::styled(format!("{mark} "), style),
            Span::raw(fit(&step_label(s, st), 22)),
            Span::styled(
                format!(
                    " {} {} ",
                    s.t(T::Deadline),
                    st.deadline.with_timezone(&beijing()).format("%H:%M:%S")
                ),
                th.muted(),
            ),
            Span::styled(words, style),
            Span::raw(done),
        ]));
    }
    if let Some(c) = &inc.closing {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!(
                "{}: {}  {} {} {} {} {} {}",
                s.t(T::Outcome),
                c.outcome.zh(),
                s.t(T::PersonsInvolved),
                c.persons_involved,
                s.t(T::Injured),
                c.injured,
                s.t(T::Dead),
                c.dead
            ),
            th.ok(),
        )));
    }
    if !inc.notes.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(s.t(T::Notes), th.title())));
        for n in &inc.notes {
            lines.push(Line::from(format!(
                "{} {}  {}",
                n.at.with_timezone(&beijing()).format("%H:%M:%S"),
                n.by,
                n.text
            )));
        }
    }
    // A long location wraps rather than hiding the incident's state at 80 columns.
    f.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
    if big {
        let clock_area = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width - 4,
            height: 5,
        };
        let style = if inc.is_open() { th.warn() } else { th.ok() };
        big_clock(f.buffer_mut(), clock_area, &clock_text, style);
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn clock_reads_minutes_and_hours() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(65), "1:05");
        assert_eq!(clock(3725), "1:02:05");
    }
}
