//! The list views: alerts, patients, incidents, persons and the audit log.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Ui;
use super::table::{self, Row, col};
use super::theme::Theme;
use crate::app::AppState;
use crate::app::state::ListView;
use crate::domain::clock::beijing;
use crate::i18n::{Lang, T};

/// How long ago, in the largest whole unit: 5分 / 3小时 / 2天.
pub fn age(lang: Lang, from: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - from).num_seconds().max(0);
    let (n, unit) = if secs < 3600 {
        (secs / 60, T::Minutes)
    } else if secs < 86_400 {
        (secs / 3600, T::Hours)
    } else {
        (secs / 86_400, T::DaysShort)
    };
    format!("{n}{}", lang.t(unit))
}

/// "逾期3天" / "overdue 3d": English keeps a space between the word and the number.
pub fn overdue(lang: Lang, days: i64) -> String {
    let sep = if lang == Lang::En { " " } else { "" };
    format!("{}{sep}{days}{}", lang.t(T::Overdue), lang.t(T::DaysShort))
}

fn page<'a, T>(items: &'a [T], list: &ListView, rows: usize) -> Vec<&'a T> {
    list.visible
        .iter()
        .skip(list.cursor.offset)
        .take(rows)
        .map(|&i| &items[i])
        .collect()
}

fn selected_in_page(list: &ListView) -> Option<usize> {
    (!list.visible.is_empty()).then(|| list.cursor.index - list.cursor.offset)
}

fn empty(f: &mut Frame, area: Rect, s: &AppState, th: &Theme) {
    let loading = s.snapshot.as_ref().is_none_or(|x| !x.complete);
    let text = if loading {
        s.t(T::Loading)
    } else {
        s.t(T::NoRows)
    };
    f.render_widget(Paragraph::new(Span::styled(text, th.muted())), area);
}

pub fn alerts(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState) {
    let th = ui.theme();
    let Some(snap) = &s.snapshot else {
        return empty(f, area, s, &th);
    };
    let cols = vec![
        col(s.t(T::ColSeverity), 5, 0),
        col(s.t(T::ColKind), 12, 0),
        col(s.t(T::ColPatient), 10, 0),
        // 危险性 (r2 wording) is six columns; the village gives two back so that the desk
        // that took the alert still shows at 80 columns.
        col(s.t(T::ColRisk), 6, 1),
        col(s.t(T::ColVillage), 8, 4),
        col(s.t(T::ColStation), 10, 3),
        col(s.t(T::ColAge), 5, 2),
        // The status names the desk that took the alert, so it shows at 80 columns too.
        col(s.t(T::ColStatus), 14, 0),
    ];
    let today = crate::domain::clock::beijing_date(s.now);
    let rows: Vec<Row> = page(
        &snap.alerts,
        &s.alerts,
        usize::from(area.height.saturating_sub(1)),
    )
    .into_iter()
    .map(|a| {
        let mut kind = s.lang.alert_kind(a.kind).to_string();
        if let Some(d) = a.days_overdue(today) {
            kind = format!("{kind} {d}{}", s.t(T::DaysShort));
        }
        let style = if s.is_escalated(a) {
            th.escalated()
        } else {
            Style::new()
        };
        Row {
            cells: vec![
                (
                    format!("{}{}", Theme::severity_mark(a.severity), a.severity.code()),
                    th.severity(a.severity),
                ),
                (kind, Style::new()),
                (a.patient_name().to_string(), Style::new()),
                (a.risk_level().to_string(), Style::new()),
                (a.village().to_string(), Style::new()),
                (a.station().to_string(), Style::new()),
                (age(s.lang, a.raised_at, s.now), Style::new()),
                (
                    match (a.snoozed_until, a.taken_by()) {
                        // Snoozed: silent until the day shown, then it asks again.
                        (Some(until), _)
                            if a.is_snoozed(crate::domain::clock::beijing_date(s.now)) =>
                        {
                            format!("{} {}", s.t(T::KeySnooze), until.format("%m-%d"))
                        }
                        (_, Some(login)) => format!(
                            "{} {}",
                            s.lang.alert_status(a.status),
                            snap.operator_name(login)
                        ),
                        _ => s.lang.alert_status(a.status).to_string(),
                    },
                    Style::new(),
                ),
            ],
            style,
        }
    })
    .collect();
    if rows.is_empty() {
        return empty(f, area, s, &th);
    }
    table::draw(f, area, &cols, &rows, selected_in_page(&s.alerts), &th);
}

pub fn patients(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState) {
    let th = ui.theme();
    let Some(snap) = &s.snapshot else {
        return empty(f, area, s, &th);
    };
    let cols = vec![
        col(s.t(T::ColName), 10, 0),
        col(s.t(T::ColIdNumber), 18, 5),
        col(s.t(T::ColRisk), 6, 0),
        col(s.t(T::ColCondition), 8, 1),
        col(s.t(T::ColStatus), 6, 1),
        col(s.t(T::ColVillage), 10, 3),
        col(s.t(T::ColStation), 10, 4),
        col(s.t(T::ColFollowUp), 10, 2),
        col(s.t(T::ColKey), 8, 6),
    ];
    let rows: Vec<Row> = page(
        &snap.patients,
        &s.patients,
        usize::from(area.height.saturating_sub(1)),
    )
    .into_iter()
    .map(|r| {
        let p = r;
        let follow = if !p.status.is_active() {
            // Deceased, moved out or closed: no follow-up is due.
            ("—".to_string(), th.muted())
        } else if r.days_overdue > 0 {
            (overdue(s.lang, r.days_overdue), th.warn())
        } else {
            (r.due.format("%m-%d").to_string(), Style::new())
        };
        let risk_style = if p.is_high_risk() {
            th.severity(crate::domain::alert::Severity::P1)
        } else {
            Style::new()
        };
        Row {
            cells: vec![
                (p.name().to_string(), Style::new()),
                (r.masked_id(), th.muted()),
                (p.risk_level.to_string(), risk_style),
                (s.lang.label(p.condition).to_string(), Style::new()),
                (s.lang.label(p.status).to_string(), Style::new()),
                (p.jurisdiction().village.clone(), Style::new()),
                (p.jurisdiction().station.clone(), Style::new()),
                follow,
                (r.key.len().to_string().replace('0', ""), th.muted()),
            ],
            style: Style::new(),
        }
    })
    .collect();
    if rows.is_empty() {
        return empty(f, area, s, &th);
    }
    table::draw(f, area, &cols, &rows, selected_in_page(&s.patients), &th);
}

pub fn incidents(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState) {
    let th = ui.theme();
    let Some(snap) = &s.snapshot else {
        return empty(f, area, s, &th);
    };
    let cols = vec![
        col(s.t(T::ColOpened), 14, 0),
        col(s.t(T::ColPatient), 10, 0),
        col(s.t(T::ColLocation), 14, 2),
        col(s.t(T::Elapsed), 7, 1),
        col(s.t(T::Step), 22, 0),
        col(s.t(T::ColState), 6, 0),
    ];
    let rows: Vec<Row> = page(
        &snap.incidents,
        &s.incidents,
        usize::from(area.height.saturating_sub(1)),
    )
    .into_iter()
    .map(|i| {
        let end = i.closed_at.unwrap_or(s.now);
        let mut worst = Style::new();
        let steps: Vec<String> = i
            .steps
            .iter()
            .map(|st| {
                let state = st.state(s.now);
                let (mark, _, style) = super::incident::state_parts(ui, s, state);
                if matches!(state, crate::domain::incident::StepState::Overdue { .. }) {
                    worst = style;
                }
                match state {
                    crate::domain::incident::StepState::Pending { seconds_left } => {
                        format!("{}{mark}{}", st.step, super::incident::clock(seconds_left))
                    }
                    _ => format!("{}{mark}", st.step),
                }
            })
            .collect();
        let open = i.is_open();
        Row {
            cells: vec![
                (
                    i.opened_at
                        .with_timezone(&beijing())
                        .format("%m-%d %H:%M")
                        .to_string(),
                    Style::new(),
                ),
                (
                    i.patient_name
                        .clone()
                        .unwrap_or_else(|| s.t(T::UnknownPerson).to_string()),
                    Style::new(),
                ),
                (i.location.clone(), th.muted()),
                (
                    super::incident::clock((end - i.opened_at).num_seconds()),
                    Style::new(),
                ),
                (steps.join(" "), if open { worst } else { th.muted() }),
                (
                    if open {
                        s.t(T::OpenState)
                    } else {
                        s.t(T::Closed)
                    }
                    .to_string(),
                    if open { th.warn() } else { th.muted() },
                ),
            ],
            style: Style::new(),
        }
    })
    .collect();
    if rows.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled(s.t(T::NoIncidentsYet), th.muted())),
            area,
        );
        return;
    }
    table::draw(f, area, &cols, &rows, selected_in_page(&s.incidents), &th);
}

pub fn persons(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState) {
    let th = ui.theme();
    let Some(snap) = &s.snapshot else {
        return empty(f, area, s, &th);
    };
    // Wide terminals show whom the selected person serves beside the list.
    let (list_area, side) = if area.width >= 110 {
        let [l, r] = Layout::horizontal([Constraint::Min(60), Constraint::Length(36)]).areas(area);
        (l, Some(r))
    } else {
        (area, None)
    };
    let cols = vec![
        col(s.t(T::ColName), 10, 0),
        col(s.t(T::ColRoles), 16, 2),
        col(s.t(T::ColUnit), 12, 3),
        col(s.t(T::ColPhone), 11, 1),
        col(s.t(T::ColServes), 4, 0),
        col(s.t(T::ColHighRisk), 6, 0),
    ];
    let threshold = s.config.team.workload_threshold;
    let rows: Vec<Row> = page(
        &snap.persons,
        &s.persons,
        usize::from(list_area.height.saturating_sub(1)),
    )
    .into_iter()
    .map(|r| {
        let roles: Vec<&str> = r.roles.iter().map(|x| s.lang.label(*x)).collect();
        let load_style = if r.high_risk > threshold {
            th.warn()
        } else {
            Style::new()
        };
        Row {
            cells: vec![
                (r.person.name.clone(), Style::new()),
                (roles.join("/"), Style::new()),
                (r.person.unit.clone(), th.muted()),
                (
                    crate::domain::id_number::mask_phone(&r.person.phone),
                    th.muted(),
                ),
                (r.patients.to_string(), Style::new()),
                (r.high_risk.to_string(), load_style),
            ],
            style: Style::new(),
        }
    })
    .collect();
    if rows.is_empty() {
        return empty(f, list_area, s, &th);
    }
    table::draw(
        f,
        list_area,
        &cols,
        &rows,
        selected_in_page(&s.persons),
        &th,
    );
    if let (Some(side), Some(&i)) = (side, s.persons.visible.get(s.persons.cursor.index)) {
        let r = &snap.persons[i];
        let lines: Vec<Line> = r
            .serves
            .iter()
            .filter_map(|(id, role)| {
                let name = snap.patient(*id)?.name();
                Some(Line::from(format!(
                    "{}  {}",
                    super::text::fit(name, 10),
                    s.lang.label(*role)
                )))
            })
            .collect();
        let block = Block::new()
            .borders(Borders::LEFT)
            .title(Span::styled(r.person.name.clone(), th.title()));
        f.render_widget(Paragraph::new(lines).block(block), side);
    }
}

pub fn audit(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState) {
    let th = ui.theme();
    let Some(snap) = &s.snapshot else {
        return empty(f, area, s, &th);
    };
    // Each row reads as a sentence with names; what changed follows it, in words.
    let cols = vec![
        col(s.t(T::ColTime), 14, 0),
        col(s.t(T::ColAction), 56, 0),
        col(s.t(T::ColDetail), 30, 1),
    ];
    let rows: Vec<Row> = page(
        &snap.audit,
        &s.audit,
        usize::from(area.height.saturating_sub(1)),
    )
    .into_iter()
    .map(|e| Row {
        cells: vec![
            (
                e.at.with_timezone(&beijing())
                    .format("%m-%d %H:%M:%S")
                    .to_string(),
                th.muted(),
            ),
            (s.lang.audit_sentence(e), Style::new()),
            (s.lang.audit_changes(e).join("；"), th.muted()),
        ],
        style: Style::new(),
    })
    .collect();
    if rows.is_empty() {
        return empty(f, area, s, &th);
    }
    table::draw(f, area, &cols, &rows, selected_in_page(&s.audit), &th);
}
