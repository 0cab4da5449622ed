//! The dialogs: resolving and reporting alerts, assigning and unassigning the five roles,
//! creating a person, the workload warning, the follow-up form, and quitting.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;

use super::Ui;
use super::text::{centered, clear_popup, fit};
use crate::app::AppState;
use crate::app::followup_form::{Field, FormProblem};
use crate::app::state::Dialog;
use crate::app::update::assign_candidates;
use crate::domain::id_number::mask_phone;
use crate::domain::patient::Vocabulary;
use crate::i18n::{Msg, T};

fn input_line<'a>(ui: &Ui, label: &str, input: &'a Input, focused: bool, width: usize) -> Line<'a> {
    let th = ui.theme();
    let value = input.value();
    // Keep the cursor's end in view for long values.
    let scroll = input.visual_scroll(width.saturating_sub(1));
    let shown: String = value.chars().skip(scroll).collect();
    let mut spans = vec![
        Span::styled(format!("{label} "), th.muted()),
        Span::raw(shown),
    ];
    if focused {
        spans.push(Span::styled("▏", th.key()));
    }
    Line::from(spans)
}

fn popup(ui: &Ui, f: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, w: u16) {
    let th = ui.theme();
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(1));
    let r = centered(area, w.min(area.width.saturating_sub(2)), h);
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

fn patient_name(s: &AppState, id: i64) -> String {
    s.snapshot
        .as_ref()
        .and_then(|x| x.patients.iter().find(|p| p.patient.id == id))
        .map(|p| p.patient.name.clone())
        .unwrap_or_default()
}

pub fn draw(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState, d: &Dialog) {
    let th = ui.theme();
    let hint = Line::from(Span::styled(s.t(T::EnterToSave), th.muted()));
    match d {
        Dialog::ConfirmQuit => popup(
            ui,
            f,
            area,
            s.t(T::KeyQuit),
            vec![Line::from(s.t(T::ConfirmQuitOpenIncident))],
            50,
        ),
        Dialog::Resolve { note, .. } => popup(
            ui,
            f,
            area,
            s.t(T::ResolveTitle),
            vec![input_line(ui, s.t(T::Note), note, true, 50), hint],
            60,
        ),
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
        Dialog::ReportNote {
            patient_id,
            severity,
            note,
        } => popup(
            ui,
            f,
            area,
            &format!(
                "{} · {} · {}",
                s.t(T::ReportTitle),
                patient_name(s, *patient_id),
                severity.code()
            ),
            vec![input_line(ui, s.t(T::Note), note, true, 50), hint],
            60,
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
            lines.push(hint);
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
        Dialog::FollowUp(form) => {
            let focus = form.focused();
            let (proposed, reasons) = form.proposed();
            let mut lines = Vec::new();
            let fields = form.fields();
            // Keep the focused field in view on short terminals.
            let rows = usize::from(area.height.saturating_sub(8)).max(5);
            let at = fields.iter().position(|x| *x == focus).unwrap_or(0);
            let start = at.saturating_sub(rows.saturating_sub(1));
            for field in fields.iter().skip(start).take(rows) {
                let on = *field == focus;
                let label = Span::styled(
                    fit(s.t(field.label()), 18),
                    if on { th.key() } else { th.muted() },
                );
                let value = if let Some(input) = form.input(*field) {
                    let mut v = vec![Span::raw(input.value().to_string())];
                    if on {
                        v.push(Span::styled("▏", th.key()));
                    }
                    v
                } else {
                    let text = match field {
                        Field::Risk => format!("{}", form.risk),
                        Field::Class => s.lang.label(form.class()).to_string(),
                        other => other
                            .options()
                            .get(form.choice(*other).unwrap_or(0))
                            .map(|t| s.t(*t).to_string())
                            .unwrap_or_default(),
                    };
                    let shown = if on { format!("◀ {text} ▶") } else { text };
                    vec![Span::styled(
                        shown,
                        if on { th.selected() } else { Style::new() },
                    )]
                };
                let mut spans = vec![label];
                spans.extend(value);
                if *field == Field::Class {
                    let why: Vec<String> = reasons
                        .iter()
                        .map(|r| s.lang.text(&Msg::ClassReason(*r)))
                        .collect();
                    spans.push(Span::styled(
                        format!(
                            "  {} {} {}",
                            s.t(T::FuProposed),
                            s.lang.label(proposed),
                            why.join("、")
                        ),
                        th.muted(),
                    ));
                }
                lines.push(Line::from(spans));
            }
            if let Some(p) = &form.problem {
                let text = match p {
                    FormProblem::BadDate(f) => {
                        format!("{}: {}", s.t(f.label()), s.t(T::FormProblemDate))
                    }
                    FormProblem::BadNumber(f) => {
                        format!("{}: {}", s.t(f.label()), s.t(T::FormProblemNumber))
                    }
                    FormProblem::Missing(f) => {
                        format!("{}: {}", s.t(f.label()), s.t(T::FormProblemMissing))
                    }
                    FormProblem::Refused(r) => s.lang.text(&Msg::FollowUpRefused(r.clone())),
                };
                lines.push(Line::from(Span::styled(text, th.error())));
            }
            lines.push(Line::from(Span::styled(s.t(T::FuHint), th.muted())));
            let title = format!(
                "{} · {}",
                s.t(T::FollowUpTitle),
                patient_name(s, form.patient_id)
            );
            popup(ui, f, area, &title, lines, 76);
        }
        Dialog::OpenIncident {
            patient_id,
            location,
            ..
        } => {
            let who = match patient_id {
                Some(id) => patient_name(s, *id),
                None => s.t(T::UnknownPerson).to_string(),
            };
            popup(
                ui,
                f,
                area,
                &format!("{} · {who}", s.t(T::OpenIncidentTitle)),
                vec![input_line(ui, s.t(T::Location), location, true, 50), hint],
                60,
            );
        }
        Dialog::StepActor {
            step,
            actor,
            incident_id,
        } => {
            let label = s
                .snapshot
                .as_ref()
                .and_then(|x| x.incidents.iter().find(|i| i.id == *incident_id))
                .and_then(|i| i.steps.iter().find(|st| st.step == *step))
                .map(|st| super::incident::step_label(s, st))
                .unwrap_or_default();
            popup(
                ui,
                f,
                area,
                &format!("{} · {step} {label}", s.t(T::StepActorTitle)),
                vec![
                    input_line(ui, s.t(T::StepActorTitle), actor, true, 50),
                    hint,
                ],
                64,
            );
        }
        Dialog::IncidentNote { note, .. } => popup(
            ui,
            f,
            area,
            s.t(T::NoteTitle),
            vec![input_line(ui, s.t(T::Note), note, true, 50), hint],
            64,
        ),
        Dialog::CloseIncident(form) => {
            use crate::app::close_form::{CloseField, CloseProblem};
            let focus = form.focused();
            let mut lines = Vec::new();
            for field in form.fields() {
                let on = field == focus;
                let label = Span::styled(
                    fit(s.t(field.label()), 14),
                    if on { th.key() } else { th.muted() },
                );
                let yes_no = |b: bool| if b { s.t(T::Yes) } else { s.t(T::No) };
                let value = match field {
                    CloseField::Outcome => {
                        let o = crate::domain::incident::Outcome::ALL[form.outcome];
                        s.t(match o {
                            crate::domain::incident::Outcome::Hospital => T::OutHospital,
                            crate::domain::incident::Outcome::Home => T::OutHome,
                            crate::domain::incident::Outcome::Police => T::OutPolice,
                            crate::domain::incident::Outcome::Other => T::OutOther,
                        })
                        .to_string()
                    }
                    CloseField::Legal => yes_no(form.ticks[0]).to_string(),
                    CloseField::Opinion => yes_no(form.ticks[1]).to_string(),
                    CloseField::Social => yes_no(form.ticks[2]).to_string(),
                    CloseField::LegalReason => form.reasons[0].value().to_string(),
                    CloseField::OpinionReason => form.reasons[1].value().to_string(),
                    CloseField::SocialReason => form.reasons[2].value().to_string(),
                    CloseField::Persons => form.counts[0].value().to_string(),
                    CloseField::Injured => form.counts[1].value().to_string(),
                    CloseField::Dead => form.counts[2].value().to_string(),
                    CloseField::Reported => yes_no(form.reported).to_string(),
                    CloseField::ResolveAlert => yes_no(form.resolve_alert).to_string(),
                };
                let shown = match (on, field.is_text()) {
                    (true, false) => Span::styled(format!("◀ {value} ▶"), th.selected()),
                    (true, true) => Span::styled(format!("{value}▏"), th.key()),
                    _ => Span::raw(value),
                };
                lines.push(Line::from(vec![label, shown]));
            }
            if let Some(p) = &form.problem {
                let text = match p {
                    CloseProblem::Number(f) => {
                        format!("{}: {}", s.t(f.label()), s.t(T::FormProblemNumber))
                    }
                    CloseProblem::Refused(r) => s.lang.text(&Msg::ClosingRefused(*r)),
                };
                lines.push(Line::from(Span::styled(text, th.error())));
            }
            lines.push(Line::from(Span::styled(s.t(T::FuHint), th.muted())));
            popup(ui, f, area, s.t(T::CloseTitle), lines, 64);
        }
        Dialog::HandOver { note } => popup(
            ui,
            f,
            area,
            s.t(T::HandoverTitle),
            vec![input_line(ui, s.t(T::HandOverNote), note, true, 50), hint],
            64,
        ),
        Dialog::ShowHandover {
            taking_over,
            handover,
        } => {
            let title = if *taking_over {
                s.t(T::LastHandover)
            } else {
                s.t(T::HandoverTitle)
            };
            let lines: Vec<Line> = match handover {
                Some(h) => crate::report::handover::lines(s.lang, h)
                    .into_iter()
                    .map(Line::from)
                    .collect(),
                None => vec![Line::from(s.t(T::NoHandover))],
            };
            popup(ui, f, area, title, lines, 72);
        }
    }
}
