//! The dialogs: the generic one-line dialog, choosing a severity or a role, the person picker,
//! a new person, the workload warning, any `Form` and its summary, the handover editor, text
//! to read, and quitting. Popups stay between the header and the footer, so the keys that
//! work stay in view, and are never larger than the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;

use super::Ui;
use super::text::{centered, clear_popup, fit};
use crate::app::AppState;
use crate::app::form::Form;
use crate::app::one_line::Purpose;
use crate::app::state::{Dialog, Editor, Reading};
use crate::app::update::assign_candidates;
use crate::domain::id_number::mask_phone;
use crate::domain::patient::Vocabulary;
use crate::i18n::T;

/// The part of a one-line field that fits `width` columns, scrolled by display width so the
/// cursor stays in view (CJK characters take two columns), split at the cursor.
pub fn visible_part(input: &Input, width: usize) -> (String, String) {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(2);
    // One column is kept for the cursor mark.
    let scroll = input.visual_scroll(width - 1);
    let mut skipped = 0;
    let mut before = String::new();
    let mut after = String::new();
    let mut used = 0;
    for (i, c) in input.value().chars().enumerate() {
        let w = c.width().unwrap_or(0);
        if skipped < scroll {
            skipped += w;
            continue;
        }
        if used + w > width - 1 {
            break;
        }
        used += w;
        if i < input.cursor() {
            before.push(c);
        } else {
            after.push(c);
        }
    }
    (before, after)
}

fn input_line<'a>(ui: &Ui, label: &str, input: &'a Input, focused: bool, width: usize) -> Line<'a> {
    let th = ui.theme();
    let (before, after) = visible_part(input, width);
    let mut spans = vec![
        Span::styled(format!("{label} "), th.muted()),
        Span::raw(before),
    ];
    if focused {
        spans.push(Span::styled("▏", th.key()));
    }
    spans.push(Span::raw(after));
    Line::from(spans)
}

fn popup(ui: &Ui, f: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, w: u16) {
    let th = ui.theme();
    let w = w.min(area.width.saturating_sub(2));
    // Rows as wrapped at this width, so a long line does not push the last ones out.
    let rows = Paragraph::new(lines.clone())
        .wrap(Wrap { trim: false })
        .line_count(w.saturating_sub(2));
    let h = (rows as u16).saturating_add(2).min(area.height);
    let r = centered(area, w, h);
    clear_popup(f.buffer_mut(), r);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), th.title()));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}

/// The patient's name from whatever is loaded: the register, else an alert or incident row
/// naming them, else the open record (the register arrives after the first, quick load).
fn patient_name(s: &AppState, id: i64) -> String {
    let snap = s.snapshot.as_ref();
    snap.and_then(|x| x.patient(id))
        .map(|p| p.name().to_string())
        .or_else(|| {
            snap.and_then(|x| x.alerts.iter().find(|a| a.patient_id == id))
                .map(|a| a.patient_name().to_string())
        })
        .or_else(|| {
            snap.and_then(|x| x.incidents.iter().find(|i| i.patient_id == Some(id)))
                .and_then(|i| i.patient_name.clone())
        })
        .or_else(|| {
            s.detail()
                .and_then(|d| d.data.as_ref())
                .filter(|d| d.patient.id == id)
                .map(|d| d.patient.name.clone())
        })
        .unwrap_or_default()
}

/// A step's label as the incident screen names it.
fn step_label_of(s: &AppState, incident_id: i64, step: u8) -> String {
    s.snapshot
        .as_ref()
        .and_then(|x| x.incidents.iter().find(|i| i.id == incident_id))
        .and_then(|i| i.steps.iter().find(|st| st.step == step))
        .map(|st| super::incident::step_label(s, st))
        .unwrap_or_default()
}

pub fn draw(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState, d: &Dialog) {
    let th = ui.theme();
    match d {
        Dialog::ConfirmQuit => popup(
            ui,
            f,
            area,
            s.t(T::KeyQuit),
            vec![Line::from(s.t(T::ConfirmQuitOpenIncident))],
            50,
        ),
        Dialog::OneLine(line) => {
            let who = |id: Option<i64>| match id {
                Some(id) => patient_name(s, id),
                None => s.t(T::UnknownPerson).to_string(),
            };
            let title = match &line.purpose {
                Purpose::Report {
                    patient_id,
                    severity,
                } => format!(
                    "{} · {} · {}",
                    s.t(T::ReportTitle),
                    patient_name(s, *patient_id),
                    severity.code()
                ),
                Purpose::OpenIncident { patient_id, .. } => {
                    format!("{} · {}", s.t(T::OpenIncidentTitle), who(*patient_id))
                }
                Purpose::StepActor { incident_id, step } => {
                    let label = s
                        .snapshot
                        .as_ref()
                        .and_then(|x| x.incidents.iter().find(|i| i.id == *incident_id))
                        .and_then(|i| i.steps.iter().find(|st| st.step == *step))
                        .map(|st| super::incident::step_label(s, st))
                        .unwrap_or_default();
                    format!("{} · {step} {label}", s.t(T::StepActorTitle))
                }
                Purpose::SkipReason { incident_id, step } => format!(
                    "{} · {step} {}",
                    s.t(T::SkipTitle),
                    step_label_of(s, *incident_id, *step)
                ),
                Purpose::CorrectTime {
                    incident_id,
                    step,
                    actor,
                    ..
                } => format!(
                    "{} · {step} {} · {actor}",
                    s.t(T::CorrectTitle),
                    step_label_of(s, *incident_id, *step)
                ),
                other => s.t(other.title()).to_string(),
            };
            let w = 64u16.min(area.width.saturating_sub(2));
            let label = s.t(line.purpose.label());
            let field = usize::from(w).saturating_sub(4 + super::text::width(label));
            popup(
                ui,
                f,
                area,
                &title,
                vec![input_line(ui, label, &line.input, true, field)],
                w,
            )
        }
        Dialog::ActorPick(pick) => {
            let (title, incident_id, step) = match &pick.purpose {
                crate::app::state::ActorFor::Step { incident_id, step } => {
                    (s.t(T::StepActorTitle), *incident_id, *step)
                }
                crate::app::state::ActorFor::Correct {
                    incident_id, step, ..
                } => (s.t(T::CorrectTitle), *incident_id, *step),
            };
            let w = 64u16.min(area.width.saturating_sub(2));
            let inner = usize::from(w).saturating_sub(4);
            let choices = s.actor_choices(pick.search.value());
            let rows = usize::from(area.height.saturating_sub(9)).clamp(3, 12);
            let cursor = pick.cursor.min(choices.len().saturating_sub(1));
            let start = cursor.saturating_sub(rows.saturating_sub(1));
            let mut lines = vec![
                input_line(ui, "/", &pick.search, true, inner.saturating_sub(2)),
                Line::from(Span::styled(s.t(T::ActorPickHint), th.muted())),
            ];
            for (i, c) in choices.iter().enumerate().skip(start).take(rows) {
                let style = if i == cursor {
                    th.selected()
                } else if c.typed {
                    th.muted()
                } else {
                    Style::new()
                };
                let name_w = 16.min(inner / 2);
                lines.push(Line::from(Span::styled(
                    format!(
                        "{} {}",
                        fit(&c.name, name_w),
                        fit(&c.detail, inner.saturating_sub(name_w + 1))
                    ),
                    style,
                )));
            }
            if choices.is_empty() {
                lines.push(Line::from(Span::styled(s.t(T::NoRows), th.muted())));
            }
            let title = format!("{title} · {step} {}", step_label_of(s, incident_id, step));
            popup(ui, f, area, &title, lines, w);
        }
        Dialog::ChooseStep { incident_id } => {
            let mut lines = vec![Line::from(s.t(T::ChooseStepTitle))];
            if let Some(i) = s.open_incident().filter(|i| i.id == *incident_id) {
                for st in &i.steps {
                    let (Some(actor), Some(at)) = (&st.actor, st.done_at) else {
                        continue;
                    };
                    lines.push(Line::from(vec![
                        Span::styled(format!("{} ", st.step), th.key()),
                        Span::raw(format!(
                            "{} {} {actor}",
                            fit(&super::incident::step_label(s, st), 18),
                            at.with_timezone(&crate::domain::clock::beijing())
                                .format("%H:%M:%S")
                        )),
                    ]));
                }
            }
            popup(ui, f, area, s.t(T::CorrectTitle), lines, 56);
        }
        Dialog::ReportSeverity { patient_id } => popup(
            ui,
            f,
            area,
            &format!("{} · {}", s.t(T::ReportTitle), patient_name(s, *patient_id)),
            vec![
                Line::from(s.t(T::ReportSeverity)),
                Line::from(Span::styled(
                    format!("1 {}", s.t(T::SeverityP1)),
                    th.severity(crate::domain::alert::Severity::P1),
                )),
                Line::from(Span::styled(
                    format!("2 {}", s.t(T::SeverityP2)),
                    th.severity(crate::domain::alert::Severity::P2),
                )),
                Line::from(format!("3 {}", s.t(T::SeverityP3))),
            ],
            50,
        ),
        Dialog::AssignRole { patient_id } | Dialog::UnassignRole { patient_id } => {
            let title = if matches!(d, Dialog::AssignRole { .. }) {
                T::AssignTitle
            } else {
                T::UnassignTitle
            };
            let mut lines = vec![Line::from(s.t(T::AssignChooseRole))];
            for (n, r) in <crate::domain::team::Role as Vocabulary>::ALL
                .iter()
                .enumerate()
            {
                lines.push(Line::from(vec![
                    Span::styled(format!("{} ", n + 1), th.key()),
                    Span::raw(s.lang.label(*r)),
                ]));
            }
            popup(
                ui,
                f,
                area,
                &format!("{} · {}", s.t(title), patient_name(s, *patient_id)),
                lines,
                50,
            );
        }
        Dialog::AssignPerson {
            patient_id,
            role,
            search,
            cursor,
            error,
        } => {
            let candidates = assign_candidates(s, *patient_id, *role, search.value());
            let rows = usize::from(area.height.saturating_sub(10)).clamp(3, 14);
            let start = cursor.index.saturating_sub(rows.saturating_sub(1));
            let mut lines = vec![
                input_line(ui, "/", search, true, 40),
                Line::from(Span::styled(s.t(T::AssignPickPerson), th.muted())),
            ];
            for (i, r) in candidates.iter().enumerate().skip(start).take(rows) {
                let style = if i == cursor.index {
                    th.selected()
                } else {
                    Style::new()
                };
                lines.push(Line::from(Span::styled(
                    format!(
                        "{} {} {} {:>3}",
                        fit(&r.person.name, 10),
                        fit(&mask_phone(&r.person.phone), 11),
                        fit(&r.person.unit, 12),
                        r.high_risk
                    ),
                    style,
                )));
            }
            if candidates.is_empty() {
                lines.push(Line::from(Span::styled(s.t(T::NoRows), th.muted())));
            }
            if let Some(e) = error {
                lines.push(Line::from(Span::styled(e.clone(), th.error())));
            }
            let title = format!(
                "{} · {} · {}",
                s.t(T::AssignTitle),
                patient_name(s, *patient_id),
                s.lang.label(*role)
            );
            popup(ui, f, area, &title, lines, 64);
        }
        Dialog::NewPerson {
            role,
            fields,
            focus,
            error,
            ..
        } => {
            let labels = [T::PersonName, T::PersonPhone, T::PersonUnit];
            let mut lines: Vec<Line> = fields
                .iter()
                .zip(labels)
                .enumerate()
                .map(|(i, (input, l))| input_line(ui, &fit(s.t(l), 6), input, i == *focus, 40))
                .collect();
            if let Some(e) = error {
                lines.push(Line::from(Span::styled(e.clone(), th.error())));
            }
            popup(
                ui,
                f,
                area,
                &format!("{} · {}", s.t(T::NewPersonTitle), s.lang.label(*role)),
                lines,
                56,
            );
        }
        Dialog::ConfirmWorkload {
            after, threshold, ..
        } => popup(
            ui,
            f,
            area,
            s.t(T::WorkloadTitle),
            vec![
                Line::from(Span::styled(
                    format!(
                        "{} {after} ({} {threshold})",
                        s.t(T::WorkloadWarn),
                        s.t(T::WorkloadThreshold)
                    ),
                    th.warn(),
                )),
                Line::from(s.t(T::ConfirmYN)),
            ],
            56,
        ),
        Dialog::ConfirmTeamChange { question, .. } => popup(
            ui,
            f,
            area,
            s.t(T::TeamChangeTitle),
            vec![
                Line::from(Span::styled(question.clone(), th.warn())),
                Line::from(s.t(T::ConfirmYN)),
            ],
            56,
        ),
        Dialog::FollowUp(form) => {
            let title = format!(
                "{} · {}",
                s.t(T::FollowUpTitle),
                patient_name(s, form.patient_id)
            );
            draw_form(ui, f, area, s, form.as_ref(), &title);
        }
        Dialog::CloseIncident(form) => {
            let title = s.t(T::CloseTitle).to_string();
            draw_form(ui, f, area, s, form.as_ref(), &title);
        }
        Dialog::Control(form) => {
            let title = s.t(T::ControlTitle).to_string();
            draw_form(ui, f, area, s, form.as_ref(), &title);
        }
        Dialog::HandOver(editor) => draw_editor(ui, f, area, s, editor),
        Dialog::Read(r) => draw_reading(ui, f, area, r),
    }
}

/// The widest a form's label column gets: the longest English label of the follow-up form
/// ("Guardian refuses admission") fits whole.
const LABEL_MAX: usize = 26;

/// Any form: its rows around the focus (so a short screen keeps the focused row in view),
/// labels padded to one width with a space before the value, unset choices marked; or, when
/// saving, the summary of the answers to confirm.
fn draw_form(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState, form: &dyn Form, title: &str) {
    let th = ui.theme();
    let rows = form.rows(s.lang);
    let label_w = rows
        .iter()
        .map(|r| super::text::width(&r.label))
        .max()
        .unwrap_or(0)
        .min(LABEL_MAX);
    let w = 76u16.min(area.width.saturating_sub(2));
    if form.confirming() {
        let summary = form.summary(s.lang);
        let sw = summary
            .iter()
            .map(|(l, _)| super::text::width(l))
            .max()
            .unwrap_or(0)
            .min(LABEL_MAX);
        let lines: Vec<Line> = summary
            .into_iter()
            .map(|(l, v)| {
                Line::from(vec![
                    Span::styled(format!("{} ", fit(&l, sw)), th.muted()),
                    Span::raw(v),
                ])
            })
            .collect();
        let title = format!("{} · {}", title, s.t(T::SummaryTitle));
        return popup(ui, f, area, &title, lines, w);
    }
    let focus = form.focus();
    // Rows for fields: the popup's inner height less the problem line.
    let room = usize::from(area.height.saturating_sub(3)).max(3);
    let start = focus.saturating_sub(room.saturating_sub(1));
    let mut lines = Vec::new();
    for (i, r) in rows.iter().enumerate().skip(start).take(room) {
        let on = i == focus;
        let mut spans = vec![Span::styled(
            format!("{} ", fit(&r.label, label_w)),
            if on { th.key() } else { th.muted() },
        )];
        if r.text {
            spans.push(Span::raw(r.value.clone()));
            if on {
                spans.push(Span::styled("▏", th.key()));
            }
        } else {
            let (text, style) = if r.unset {
                (s.t(T::Unset).to_string(), th.warn())
            } else {
                (r.value.clone(), Style::new())
            };
            if on {
                spans.push(Span::styled(format!("◀ {text} ▶"), th.selected()));
            } else {
                spans.push(Span::styled(text, style));
            }
        }
        if !r.note.is_empty() {
            // A note never wraps the form: it gets what is left of the row.
            let used: usize = spans.iter().map(|x| super::text::width(&x.content)).sum();
            let room = usize::from(w.saturating_sub(2)).saturating_sub(used + 2);
            if room > 4 {
                spans.push(Span::styled(
                    format!("  {}", super::text::fit(&r.note, room).trim_end()),
                    th.muted(),
                ));
            }
        }
        lines.push(Line::from(spans));
    }
    if let Some(p) = form.problem() {
        lines.push(Line::from(Span::styled(p, th.error())));
    }
    popup(ui, f, area, title, lines, w);
}

/// The handover editor: as tall as the screen allows, wrapping by display width.
fn draw_editor(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState, editor: &Editor) {
    let th = ui.theme();
    let w = 72u16.min(area.width.saturating_sub(2));
    let h = 14u16.min(area.height);
    let r = centered(area, w, h);
    clear_popup(f.buffer_mut(), r);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(
            format!(" {} · {} ", s.t(T::HandoverTitle), s.t(T::HandOverNote)),
            th.title(),
        ))
        .title_bottom(Span::styled(
            format!(" {} ", editor.text().chars().count()),
            th.muted(),
        ));
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(&editor.area, inner);
}

/// Text to read, scrolled, as large as the screen allows.
fn draw_reading(ui: &Ui, f: &mut Frame, area: Rect, r: &Reading) {
    let th = ui.theme();
    let w = 76u16.min(area.width.saturating_sub(2));
    let inner_w = w.saturating_sub(2);
    // Wrapped here by display width: ratatui's word wrapper lets a run of CJK overrun the
    // box by a column.
    let lines: Vec<Line> = r
        .lines
        .iter()
        .flat_map(|l| super::text::wrap(l, usize::from(inner_w)))
        .map(Line::from)
        .collect();
    let total = lines.len();
    let p = Paragraph::new(lines);
    let h = (total as u16).saturating_add(2).min(area.height);
    let rect = centered(area, w, h);
    clear_popup(f.buffer_mut(), rect);
    r.scroll.fit(total, h.saturating_sub(2));
    let more = total > usize::from(h.saturating_sub(2));
    let mut block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {} ", r.title), th.title()));
    if more {
        block = block.title_bottom(Span::styled(
            format!(
                " {}/{} ",
                (usize::from(r.scroll.top()) + usize::from(h.saturating_sub(2))).min(total),
                total
            ),
            th.muted(),
        ));
    }
    f.render_widget(p.block(block).scroll((r.scroll.top(), 0)), rect);
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn a_long_chinese_line_scrolls_by_display_width_and_keeps_its_end_in_view() {
        let text: String = "值班记录测试文字".repeat(8);
        let input = Input::new(text.clone());
        let (before, after) = visible_part(&input, 40);
        assert!(after.is_empty());
        assert!(before.width() <= 39 && before.width() >= 37, "{before}");
        assert!(text.ends_with(&before));
        // At the start, the start shows.
        let input = input.with_cursor(0);
        let (before, after) = visible_part(&input, 40);
        assert!(before.is_empty() && text.starts_with(&after));
    }
}
