//! The reports view: the statistical report (附件2, month to date, hand-entry rows marked),
//! today's actions from the audit log, quick-response compliance and the open alerts by kind;
//! first the control levels (管控) that apply, which the center sets (`L`) and ends (`E`) here.
//! `w` writes the reports to files.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Ui;
use super::text::fit;
use crate::app::AppState;
use crate::domain::alert::{AlertKind, Severity};
use crate::i18n::{Lang, T};

pub fn draw(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState) {
    let th = ui.theme();
    let (Some(snap), Some(r)) = (s.snapshot.as_ref().filter(|x| x.complete), &s.report) else {
        f.render_widget(
            Paragraph::new(Span::styled(s.t(T::Loading), th.muted())),
            area,
        );
        return;
    };
    let mut stats = controls(s, &th, r);
    stats.push(Line::from(Span::styled(
        format!("{}  {} ~ {}", s.t(T::StatsTitle), r.from, r.to),
        th.title(),
    )));
    let mut section = "";
    for row in &r.stats {
        if row.section != section {
            section = row.section;
            stats.push(Line::from(Span::styled(row.section, th.key())));
        }
        let label = if row.sub.is_empty() {
            row.label.to_string()
        } else {
            format!("{} {}", row.label, row.sub)
        };
        let value = if row.is_manual() {
            Span::styled(s.t(T::ManualEntry), th.muted())
        } else {
            Span::styled(row.value_text(), th.title())
        };
        stats.push(Line::from(vec![
            Span::raw(format!("  {} ", fit(&label, 34))),
            value,
        ]));
    }

    let mut side = vec![Line::from(Span::styled(s.t(T::ShiftFigures), th.title()))];
    if r.today.is_empty() {
        side.push(Line::from(Span::styled(s.t(T::NoRows), th.muted())));
    }
    for (action, n) in &r.today {
        side.push(Line::from(format!(
            "  {} {n:>5}",
            fit(s.lang.audit_action(*action), 22)
        )));
    }
    side.push(Line::from(""));
    side.push(Line::from(Span::styled(s.t(T::Compliance), th.title())));
    for (c, cfg) in r.compliance.iter().zip(&s.config.quick_response.steps) {
        let label = if s.lang == Lang::En {
            &cfg.label_en
        } else {
            &cfg.label_zh
        };
        side.push(Line::from(format!(
            "  {} {} {}/{} {}  {} {}",
            c.step,
            fit(label, 12),
            c.met,
            c.counted,
            c.share_met
                .map(|x| format!("{:.0}%", x * 100.0))
                .unwrap_or_else(|| "—".into()),
            s.t(T::Median),
            c.median_seconds
                .map(|m| super::incident::clock(m.round() as i64))
                .unwrap_or_else(|| "—".into()),
        )));
    }
    side.push(Line::from(""));
    side.push(Line::from(Span::styled(s.t(T::AlertsByKind), th.title())));
    side.push(Line::from(format!("  {}   P1    P2    P3", fit("", 14))));
    for kind in AlertKind::ALL {
        let n = |sev: Severity| {
            snap.alerts
                .iter()
                .filter(|x| x.kind == kind && x.severity == sev)
                .count()
        };
        side.push(Line::from(format!(
            "  {} {:>4}  {:>4}  {:>4}",
            fit(s.lang.alert_kind(kind), 14),
            n(Severity::P1),
            n(Severity::P2),
            n(Severity::P3)
        )));
    }

    if area.width >= 110 {
        let [a, b] = Layout::horizontal([Constraint::Min(60), Constraint::Length(48)]).areas(area);
        let p = Paragraph::new(stats);
        s.report_scroll.fit(p.line_count(a.width), a.height);
        f.render_widget(p.scroll((s.report_scroll.top(), 0)), a);
        f.render_widget(
            Paragraph::new(side).block(Block::new().borders(Borders::LEFT)),
            b,
        );
    } else {
        stats.push(Line::from(""));
        stats.extend(side);
        let p = Paragraph::new(stats);
        s.report_scroll.fit(p.line_count(area.width), area.height);
        f.render_widget(p.scroll((s.report_scroll.top(), 0)), area);
    }
}

/// The control orders that apply to this desk: those in force or to come numbered (the
/// number `E` asks for), then those ended within the week.
fn controls<'a>(
    s: &AppState,
    th: &super::theme::Theme,
    r: &crate::app::data::ReportData,
) -> Vec<Line<'a>> {
    use crate::domain::schedule::ControlLevel;
    let title = Span::styled(format!("{}  ", s.t(T::ControlsTitle)), th.title());
    if r.controls.is_empty() {
        return vec![
            Line::from(vec![title, Span::styled(s.t(T::ControlNone), th.muted())]),
            Line::from(""),
        ];
    }
    let mut out = vec![Line::from(title)];
    let day = |at: chrono::DateTime<chrono::Utc>| crate::domain::clock::beijing_date(at);
    let open = r.controls.iter().filter(|o| o.is_open(s.now));
    let over = r.controls.iter().filter(|o| !o.is_open(s.now));
    let numbered = open.enumerate().map(|(n, o)| (Some(n + 1), o));
    for (n, o) in numbered.chain(over.map(|o| (None, o))) {
        let w = o.window();
        let level = match o.level {
            ControlLevel::Level1 => T::ControlLevel1,
            ControlLevel::Level2 => T::ControlLevel2,
            ControlLevel::Level3 => T::ControlLevel3,
        };
        let (state, style) = if !o.is_open(s.now) {
            (T::ControlOver, th.muted())
        } else if w.starts_at > s.now {
            (T::ControlUpcoming, th.key())
        } else {
            (T::ControlInForce, th.warn())
        };
        let whom = if o.is_whole_area() {
            s.t(T::ControlAllArea).to_string()
        } else {
            o.townships
                .iter()
                .chain(&o.stations)
                .cloned()
                .collect::<Vec<_>>()
                .join("、")
        };
        let last = day(w.ends_at - chrono::Duration::milliseconds(1));
        let number = n.map(|n| format!("{n:>2}")).unwrap_or_else(|| "  ".into());
        out.push(Line::from(vec![
            Span::raw(format!("{number} ")),
            Span::styled(format!("{} ", s.t(level)), style),
            Span::raw(format!(
                "{}～{} {} {} · {}",
                day(w.starts_at).format("%m-%d"),
                last.format("%m-%d"),
                s.t(state),
                whom,
                o.reason
            )),
        ]));
    }
    out.push(Line::from(""));
    out
}
