//! The patient screen: who they are (ID masked until an audited reveal), risk and condition,
//! schedule, the five roles, follow-up history, the timeline of changes, alerts and incidents. Two columns when wide.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Ui;
use super::text::fit;
use crate::app::AppState;
use crate::app::state::Detail;
use crate::domain::alert::{AlertStatus, Severity};
use crate::domain::followup::FollowUpOutcome;
use crate::domain::id_number::mask_phone;
use crate::domain::patient::{Status, Vocabulary};
use crate::domain::team::Role;
use crate::i18n::T;

pub fn draw(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState, d: &Detail) {
    let th = ui.theme();
    let Some(data) = &d.data else {
        f.render_widget(
            Paragraph::new(Span::styled(s.t(T::Loading), th.muted())),
            area,
        );
        return;
    };
    let r = &data.row;
    let p = &data.patient;
    let labels = [
        T::ColIdNumber,
        T::ColPhone,
        T::Address,
        T::Jurisdiction,
        T::Diagnosis,
        T::ColRisk,
        T::Guardianship,
        T::KeyPopulation,
        T::LastFollowUp,
        T::LastVisit,
        T::Destination2,
    ];
    let label_width = labels
        .iter()
        .map(|t| super::text::width(s.t(*t)))
        .max()
        .unwrap_or(10)
        + 1;
    let label = |t: T| Span::styled(fit(s.t(t), label_width), th.muted());
    let (id_text, phone_text) = match &data.revealed {
        Some((id, phone)) => (
            format!("{id}  ({})", s.t(T::Revealed)),
            format!("{phone}  ({})", s.t(T::Revealed)),
        ),
        None => (r.masked_id(), mask_phone(&p.phone)),
    };
    let today = crate::domain::clock::beijing_date(s.now);
    let age = today.years_since(p.id_number.birth_date()).unwrap_or(0);
    let mut left = vec![
        Line::from(vec![
            Span::styled(p.name.clone(), th.title()),
            Span::raw(format!(
                "  {} {}{}  ",
                s.lang.label(p.gender),
                age,
                s.t(T::Age)
            )),
            Span::styled(
                format!("{}: {}", s.t(T::Status), s.lang.label(p.status)),
                th.title(),
            ),
        ]),
        Line::from(vec![label(T::ColIdNumber), Span::raw(id_text)]),
        Line::from(vec![label(T::ColPhone), Span::raw(phone_text)]),
        Line::from(vec![label(T::Address), Span::raw(p.address.clone())]),
        Line::from(vec![
            label(T::Jurisdiction),
            Span::raw(format!(
                "{} {} · {}",
                p.jurisdiction.township, p.jurisdiction.village, p.jurisdiction.station
            )),
        ]),
        Line::from(vec![
            label(T::Diagnosis),
            Span::raw(s.lang.label(p.diagnosis).to_string()),
        ]),
        Line::from(vec![
            label(T::ColRisk),
            Span::styled(
                format!("{} / {}", p.risk_level, p.risk_highest),
                if p.is_high_risk() {
                    th.severity(Severity::P1)
                } else {
                    Style::new()
                },
            ),
            Span::raw(format!(
                "   {} {}",
                s.t(T::Condition),
                s.lang.label(p.condition)
            )),
        ]),
        Line::from(vec![
            label(T::Guardianship),
            Span::raw(s.lang.label(p.guardianship).to_string()),
            Span::raw(format!(
                "   {} {}",
                s.t(T::Treatment),
                [
                    p.treatment_place.map(|x| s.lang.label(x)),
                    p.medication.map(|x| s.lang.label(x)),
                    p.compliance.map(|x| s.lang.label(x))
                ]
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join("/")
            )),
        ]),
    ];
    if p.status == Status::Away && !p.away_destination.is_empty() {
        left.push(Line::from(vec![
            label(T::Destination2),
            Span::raw(p.away_destination.clone()),
        ]));
    }
    if !r.key.is_empty() {
        let badges: Vec<Span> = r
            .key
            .iter()
            .flat_map(|c| {
                [
                    Span::styled(format!("[{}]", s.t(AppState::key_label(c))), th.warn()),
                    Span::raw(" "),
                ]
            })
            .collect();
        left.push(Line::from([vec![label(T::KeyPopulation)], badges].concat()));
    }
    let never = s.t(T::Never).to_string();
    let follow_state = if r.days_overdue > 0 && p.status.is_active() {
        Span::styled(
            format!("  {}", super::lists::overdue(s.lang, r.days_overdue)),
            th.warn(),
        )
    } else {
        Span::raw("")
    };
    left.push(Line::from(vec![
        label(T::LastFollowUp),
        Span::raw(
            p.last_followup
                .map(|d| d.to_string())
                .unwrap_or(never.clone()),
        ),
        Span::raw(format!("  {} {}", s.t(T::NextFollowUp), r.due)),
        follow_state,
    ]));
    left.push(Line::from(vec![
        label(T::LastVisit),
        Span::raw(p.last_visit.map(|d| d.to_string()).unwrap_or(never.clone())),
        Span::raw(format!("  {} {}", s.t(T::NextVisit), r.visit_due)),
    ]));
    left.push(Line::from(""));
    left.push(Line::from(Span::styled(s.t(T::Team), th.title())));
    // Role names padded to the longest, with a space before the person, so none runs into it.
    let role_w = <Role as Vocabulary>::ALL
        .iter()
        .map(|r| super::text::width(s.lang.label(*r)))
        .max()
        .unwrap_or(8)
        .min(24);
    for (n, role) in <Role as Vocabulary>::ALL.iter().enumerate() {
        let member = data.team.iter().find(|m| m.role == *role);
        let who = match member {
            Some(m) => Span::raw(format!(
                "{}  {}  {}",
                m.person.name,
                mask_phone(&m.person.phone),
                m.person.unit
            )),
            None if data.missing.contains(role) => {
                Span::styled(format!("✗ {}", s.t(T::Unassigned)), th.error())
            }
            None => Span::styled(s.t(T::Unassigned), th.muted()),
        };
        left.push(Line::from(vec![
            Span::raw(format!("{} ", n + 1)),
            Span::styled(format!("{} ", fit(s.lang.label(*role), role_w)), th.muted()),
            who,
        ]));
    }

    let mut right = vec![Line::from(Span::styled(s.t(T::PatientAlerts), th.title()))];
    for a in data.alerts.iter().take(8) {
        let style = if a.status == AlertStatus::Resolved {
            th.muted()
        } else {
            th.severity(a.severity)
        };
        right.push(Line::from(Span::styled(
            format!(
                "{} {}  {}  {}",
                a.severity.code(),
                s.lang.alert_kind(a.kind),
                s.lang.alert_status(a.status),
                a.note
            ),
            style,
        )));
    }
    if data.alerts.is_empty() {
        right.push(Line::from(Span::styled(s.t(T::NoRows), th.muted())));
    }
    right.push(Line::from(""));
    right.push(Line::from(Span::styled(s.t(T::FollowUps), th.title())));
    for fu in data.followups.iter().take(10) {
        let what = match &fu.outcome {
            FollowUpOutcome::Reached(a) => format!(
                "{} {}{}",
                s.lang.label(a.class),
                s.t(T::ColRisk),
                a.risk_level
            ),
            FollowUpOutcome::NotReached { .. } => s.t(T::NotReachedShort).to_string(),
            FollowUpOutcome::Died { .. } => s.t(T::DiedShort).to_string(),
        };
        right.push(Line::from(format!("{}  {}  {}", fu.date, what, fu.by_whom)));
    }
    if data.followups.is_empty() {
        right.push(Line::from(Span::styled(s.t(T::NoRows), th.muted())));
    }
    timeline(s, &th, data, &mut right);
    if !data.incidents.is_empty() {
        right.push(Line::from(""));
        right.push(Line::from(Span::styled(s.t(T::TabIncidents), th.title())));
        for i in &data.incidents {
            right.push(Line::from(format!(
                "{}  {}",
                i.opened_at
                    .with_timezone(&crate::domain::clock::beijing())
                    .format("%m-%d %H:%M"),
                i.location
            )));
        }
    }
    if data.revealed.is_none() {
        right.push(Line::from(""));
        right.push(Line::from(Span::styled(s.t(T::RevealHint), th.muted())));
    }

    if area.width >= 110 {
        let [l, rr] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(area);
        scrolled(f, l, Paragraph::new(left), &d.scroll, s, &th);
        let block = Block::new().borders(Borders::LEFT);
        f.render_widget(
            Paragraph::new(right)
                .block(block)
                .wrap(Wrap { trim: false }),
            rr,
        );
    } else {
        left.push(Line::from(""));
        left.extend(right);
        scrolled(f, area, Paragraph::new(left), &d.scroll, s, &th);
    }
}

/// Draws a scrolled page; when more of it lies below, the last row says so. At 80×24 the
/// patient's own alerts fall below the first screen, and a heading with nothing under it read
/// as "no alerts".
fn scrolled(
    f: &mut Frame,
    area: Rect,
    p: Paragraph,
    scroll: &crate::app::state::Scroll,
    s: &AppState,
    th: &super::theme::Theme,
) {
    let p = p.wrap(Wrap { trim: false });
    let lines = p.line_count(area.width);
    if lines <= usize::from(area.height) || area.height < 2 {
        scroll.fit(lines, area.height);
        f.render_widget(p.scroll((scroll.top(), 0)), area);
        return;
    }
    let [body, hint] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    scroll.fit(lines, body.height);
    f.render_widget(p.scroll((scroll.top(), 0)), body);
    // Under a dialog the screen does not scroll: the hint would read as the dialog's.
    if usize::from(scroll.top()) + usize::from(body.height) < lines && !s.has_overlay() {
        f.render_widget(
            Paragraph::new(Span::styled(s.t(T::MoreBelow), th.muted())),
            hint,
        );
    }
}

/// The timeline (SPEC *r2* History), newest first: each change of status, risk, condition,
/// treatment or jurisdiction with the minute it began. The first value of each field (when
/// the patient entered the register, or the history began) is the baseline, not a change.
fn timeline<'a>(
    s: &AppState,
    th: &super::theme::Theme,
    data: &crate::app::data::PatientDetail,
    out: &mut Vec<Line<'a>>,
) {
    let mut last: std::collections::HashMap<_, &str> = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for e in &data.history {
        if let Some(before) = last.insert(e.field, e.value.as_str()) {
            lines.push((
                e.began_at,
                s.lang.history_change(e.field, Some(before), &e.value),
            ));
        }
    }
    if lines.is_empty() {
        return;
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(s.t(T::Timeline), th.title())));
    for (at, what) in lines.into_iter().rev().take(10) {
        out.push(Line::from(vec![
            Span::styled(
                format!(
                    "{}  ",
                    at.with_timezone(&crate::domain::clock::beijing())
                        .format("%Y-%m-%d %H:%M")
                ),
                th.muted(),
            ),
            Span::raw(what),
        ]));
    }
}
