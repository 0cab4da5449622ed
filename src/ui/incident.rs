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
        StepState::Skipped => ("-", s.t(T::StepSkipped).to_string(), th.muted()),
        StepState::Unfinished { .. } => ("✗", s.t(T::StepUnfinished).to_string(), th.warn()),
    }
}

/// The patient's five persons: role, name, phone (masked until `r`), and the roles no one
/// holds.
fn team_lines(ui: &Ui, s: &AppState, incident_id: i64) -> Vec<Line<'static>> {
    let th = ui.theme();
    let team = s
        .incident_team
        .as_ref()
        .filter(|t| t.incident_id == incident_id);
    let mut title = vec![Span::styled(s.t(T::Team).to_string(), th.title())];
    if team.is_some_and(|t| !t.revealed && !t.seats.is_empty()) {
        title.push(Span::styled(
            format!("  {}", s.t(T::TeamPhoneHint)),
            th.muted(),
        ));
    }
    let mut out = vec![Line::from(title)];
    let Some(team) = team else {
        out.push(Line::from(Span::styled(
            format!("  {}", s.t(T::Loading)),
            th.muted(),
        )));
        return out;
    };
    // Roles padded to the longest label shown, so names line up and no label is cut.
    let role_w = team
        .seats
        .iter()
        .map(|x| x.role)
        .chain(team.missing.iter().copied())
        .map(|r| super::text::width(s.lang.label(r)))
        .max()
        .unwrap_or(0)
        .min(26);
    // In the order of the five roles, the empty ones where they belong.
    for role in <crate::domain::team::Role as crate::domain::patient::Vocabulary>::ALL {
        let label = Span::styled(
            format!("  {} ", fit(s.lang.label(*role), role_w)),
            th.muted(),
        );
        if let Some(seat) = team.seats.iter().find(|x| x.role == *role) {
            out.push(Line::from(vec![
                label,
                Span::raw(format!("{} ", fit(&seat.name, 10))),
                Span::raw(seat.phone.clone()),
            ]));
        } else if team.missing.contains(role) {
            out.push(Line::from(vec![
                label,
                Span::styled(format!("({})", s.t(T::NotAssigned)), th.warn()),
            ]));
        }
    }
    out
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
            // The desk's name, never its login.
            s.snapshot
                .as_ref()
                .map_or(inc.opened_by.as_str(), |x| x.operator_name(&inc.opened_by))
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
        let done = match (&st.done_at, &st.actor, &st.skip_reason) {
            (Some(d), Some(a), _) => {
                let corrected = if st.corrected_at.is_some() {
                    format!(" ({})", s.t(T::Corrected))
                } else {
                    String::new()
                };
                format!(
                    "  {} {a}{corrected}",
                    d.with_timezone(&beijing()).format("%H:%M:%S")
                )
            }
            (None, _, Some(reason)) => format!(": {reason}"),
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
    if inc.patient_id.is_some() {
        lines.push(Line::from(""));
        lines.extend(team_lines(ui, s, inc.id));
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
            // The desk's name, never its login.
            let by = s
                .snapshot
                .as_ref()
                .map_or(n.by.as_str(), |x| x.operator_name(&n.by));
            lines.push(Line::from(format!(
                "{} {}  {}",
                n.at.with_timezone(&beijing()).format("%H:%M:%S"),
                by,
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
