//! The reports view: the statistical report (附件2, month to date, hand-entry rows marked),
//! today's actions from the audit log, quick-response compliance and the open alerts by kind.
//! `w` writes them to files.

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
    let mut stats = vec![Line::from(Span::styled(
        format!("{}  {} ~ {}", s.t(T::StatsTitle), r.from, r.to),
        th.title(),
    ))];
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
