//! The reports view: the scope's register and open alerts in counts. The statistical report,
//! exchange list and rewards come with the reports work.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Ui;
use super::text::fit;
use crate::app::AppState;
use crate::domain::alert::{AlertKind, Severity};
use crate::domain::key_population::KeyCategory;
use crate::domain::patient::{Condition, Status, Vocabulary};
use crate::i18n::T;

pub fn draw(ui: &Ui, f: &mut Frame, area: Rect, s: &AppState) {
    let th = ui.theme();
    let Some(snap) = s.snapshot.as_ref().filter(|x| x.complete) else {
        f.render_widget(
            Paragraph::new(Span::styled(s.t(T::Loading), th.muted())),
            area,
        );
        return;
    };
    let ps = &snap.patients;
    let row = |label: &str, n: usize| Line::from(format!("{} {n:>6}", fit(label, 16)));
    let mut a = vec![Line::from(Span::styled(s.t(T::ByRisk), th.title()))];
    for level in 0..=5u8 {
        let n = ps
            .iter()
            .filter(|p| p.patient.risk_level.value() == level)
            .count();
        a.push(row(&format!("{level}"), n));
    }
    a.push(row(s.t(T::Total), ps.len()));
    a.push(Line::from(""));
    a.push(Line::from(Span::styled(s.t(T::ByCondition), th.title())));
    for c in Condition::ALL {
        a.push(row(
            s.lang.label(*c),
            ps.iter().filter(|p| p.patient.condition == *c).count(),
        ));
    }
    let mut b = vec![Line::from(Span::styled(s.t(T::ByStatus), th.title()))];
    for st in Status::ALL {
        b.push(row(
            s.lang.label(*st),
            ps.iter().filter(|p| p.patient.status == *st).count(),
        ));
    }
    b.push(Line::from(""));
    b.push(Line::from(Span::styled(s.t(T::ByKey), th.title())));
    for k in KeyCategory::ALL {
        b.push(row(
            s.t(AppState::key_label(k)),
            ps.iter().filter(|p| p.key.contains(&k)).count(),
        ));
    }
    let mut c = vec![Line::from(Span::styled(s.t(T::AlertsByKind), th.title()))];
    c.push(Line::from(format!("{}   P1    P2    P3", fit("", 14))));
    for kind in AlertKind::ALL {
        let n = |sev: Severity| {
            snap.alerts
                .iter()
                .filter(|x| x.kind == kind && x.severity == sev)
                .count()
        };
        c.push(Line::from(format!(
            "{} {:>4}  {:>4}  {:>4}",
            fit(s.lang.alert_kind(kind), 14),
            n(Severity::P1),
            n(Severity::P2),
            n(Severity::P3)
        )));
    }
    // Quick-response compliance over the last 30 days, from the incidents in scope.
    let since = s.now - chrono::Duration::days(30);
    let recent: Vec<_> = snap
        .incidents
        .iter()
        .filter(|i| i.opened_at >= since)
        .map(|i| {
            (
                i.opened_at,
                i.steps.iter().map(|st| (st.deadline, st.done_at)).collect(),
            )
        })
        .collect();
    let steps = s.config.quick_response.steps.len();
    c.push(Line::from(""));
    c.push(Line::from(Span::styled(
        format!("{} ({})", s.t(T::Compliance), recent.len()),
        th.title(),
    )));
    for (sc, cfg) in crate::domain::incident::compliance(&recent, steps, s.now)
        .iter()
        .zip(&s.config.quick_response.steps)
    {
        c.push(Line::from(format!(
            "{} {} {}/{} {}  {} {}",
            sc.step,
            fit(
                if s.lang == crate::i18n::Lang::En {
                    &cfg.label_en
                } else {
                    &cfg.label_zh
                },
                12
            ),
            sc.met,
            sc.counted,
            sc.share_met
                .map(|x| format!("{:.0}%", x * 100.0))
                .unwrap_or_else(|| "—".into()),
            s.t(T::Median),
            sc.median_seconds
                .map(|m| super::incident::clock(m.round() as i64))
                .unwrap_or_else(|| "—".into()),
        )));
    }
    if area.width >= 100 {
        let [x, y, z] = Layout::horizontal([
            Constraint::Length(26),
            Constraint::Length(26),
            Constraint::Min(34),
        ])
        .areas(area);
        f.render_widget(Paragraph::new(a), x);
        f.render_widget(Paragraph::new(b), y);
        f.render_widget(Paragraph::new(c), z);
    } else {
        let [x, y] = Layout::horizontal([Constraint::Length(26), Constraint::Min(30)]).areas(area);
        a.push(Line::from(""));
        a.extend(b);
        f.render_widget(Paragraph::new(a), x);
        f.render_widget(Paragraph::new(c), y);
    }
}
