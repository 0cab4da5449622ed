//! Drawing the console from `AppState`. Views draw; they do not decide. One file per view and
//! for the dialogs; the chrome (header, tabs, status line, footer) is here.

mod detail;
mod dialogs;
mod help;
pub mod incident;
mod lists;
mod reports;
pub mod table;
pub mod text;
pub mod theme;

use chrono::DateTime;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::keys::KeyMap;
use crate::app::state::Layer;
use crate::app::state::{MIN_HEIGHT, MIN_WIDTH, TAB_SEPARATOR, tab_text};
use crate::app::{Action, AppState, ScreenKind, View};
use crate::domain::clock::beijing;
use crate::domain::schedule::ControlLevel;
use crate::i18n::T;
use crate::store::operators::OperatorRole;
use text::width;
use theme::Theme;

pub struct Ui<'a> {
    pub keys: &'a KeyMap,
    pub color: bool,
}

impl Ui<'_> {
    pub fn theme(&self) -> Theme {
        Theme { color: self.color }
    }

    pub fn draw(&self, f: &mut Frame, s: &AppState) {
        let area = f.area();
        if s.too_small() || area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            self.too_small(f, area, s);
            return;
        }
        let banner = s.banner();
        let [header, tabs, banner_row, body, status, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(u16::from(banner.is_some())),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.header(f, header, s);
        self.tabs(f, tabs, s);
        if let Some((alert, more)) = banner {
            self.banner(f, banner_row, s, alert, more);
        }
        match s.screen() {
            ScreenKind::Incident => match s.open_incident() {
                Some(inc) => incident::draw(self, f, body, s, inc),
                None => lists::incidents(self, f, body, s),
            },
            ScreenKind::Detail => {
                if let Some(d) = s.detail() {
                    detail::draw(self, f, body, s, d)
                }
            }
            ScreenKind::List(View::Alerts) => lists::alerts(self, f, body, s),
            ScreenKind::List(View::Patients) => lists::patients(self, f, body, s),
            ScreenKind::List(View::Incidents) => lists::incidents(self, f, body, s),
            ScreenKind::List(View::Persons) => lists::persons(self, f, body, s),
            ScreenKind::List(View::Reports) => reports::draw(self, f, body, s),
            ScreenKind::List(View::Audit) => lists::audit(self, f, body, s),
        }
        self.status(f, status, s);
        self.footer(f, footer, s);
        // Overlays sit between the header and the status line: what was just done and the
        // keys that work stay in view.
        let middle = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(3),
            ..area
        };
        match s.layers.last() {
            Some(Layer::Dialog(d)) => dialogs::draw(self, f, middle, s, d),
            Some(Layer::Help(h)) => help::draw(self, f, middle, s, h),
            _ => {}
        }
    }

    fn too_small(&self, f: &mut Frame, area: Rect, s: &AppState) {
        let lines = vec![
            Line::from(Span::styled(s.t(T::TooSmall), self.theme().error())),
            Line::from(format!(
                "{} {MIN_WIDTH}×{MIN_HEIGHT}, {} {}×{}",
                s.t(T::TooSmallNeed),
                s.t(T::Now),
                area.width,
                area.height
            )),
            Line::from(format!("q {}", s.t(T::KeyQuit))),
        ];
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
    }

    /// Area, operator, Beijing time, counts: the most useful that fits, dropping words first.
    fn header(&self, f: &mut Frame, area: Rect, s: &AppState) {
        let th = self.theme();
        let clock = s.now.with_timezone(&beijing());
        let role = match s.operator.role {
            OperatorRole::Center => s.t(T::RoleCenter),
            OperatorRole::Station => s.operator.station.as_deref().unwrap_or(s.t(T::RoleStation)),
            OperatorRole::Auditor => s.t(T::RoleAuditor),
        };
        let c = s.snapshot.as_ref().map(|x| x.counts).unwrap_or_default();
        let control = s
            .snapshot
            .as_ref()
            .and_then(|x| x.control)
            .filter(|w| w.is_active(s.now))
            .map(|w| {
                let level = match w.level {
                    ControlLevel::Level1 => T::Level1,
                    ControlLevel::Level2 => T::Level2,
                    ControlLevel::Level3 => T::Level3,
                };
                format!("{}{}", s.t(T::Control), s.t(level))
            });
        let time_long = format_time(clock, true);
        let time_mid = clock.format("%m-%d %H:%M:%S").to_string();
        let p1 = format!("{} {}", s.t(T::UnackP1), c.p1);
        let counts_long = format!(
            "{p1}  {} {}  {} {}  {} {}",
            s.t(T::NewAlerts),
            c.new_alerts,
            s.t(T::OpenIncidents),
            c.open_incidents,
            s.t(T::PatientsInScope),
            c.patients
        );
        let counts_short = format!("{p1} {} {}", s.t(T::OpenIncidents), c.open_incidents);
        let shift_row = s.snapshot.as_ref().and_then(|x| x.shift.as_ref());
        let shift = match shift_row {
            Some(sh) => format!(
                " {}{}",
                sh.started_at.with_timezone(&beijing()).format("%H:%M"),
                s.t(T::OnShiftSince)
            ),
            None => format!(" {}", s.t(T::NoShift)),
        };
        // At 80 columns the shift is one word: on shift or not.
        let shift_short = if shift_row.is_some() {
            s.t(T::OnShift)
        } else {
            s.t(T::NoShift)
        };
        let who = format!("{}·{}{}", s.operator.display_name, role, shift);
        let who_short = format!("{}·{}", s.operator.display_name, shift_short);
        let ctl = control.map(|c| format!(" [{c}]")).unwrap_or_default();
        let candidates = [
            format!(
                " {} │ {} │ {} {} │ {}{}",
                s.config.area.name,
                who,
                s.t(T::BeijingTime),
                time_long,
                counts_long,
                ctl
            ),
            format!(
                " {} │ {} {} │ {}{}",
                who,
                s.t(T::BeijingTime),
                time_long,
                counts_long,
                ctl
            ),
            format!(" {} │ {} │ {}{}", who, time_long, counts_long, ctl),
            format!(" {who_short} │ {time_mid} │ {counts_short}{ctl}"),
            format!(" {who_short} │ {time_mid} │ {p1}{ctl}"),
            format!(" {shift_short} {time_mid} │ {p1}{ctl}"),
        ];
        let w = usize::from(area.width);
        let text = candidates
            .iter()
            .find(|t| width(t) <= w)
            .cloned()
            .unwrap_or_else(|| candidates[candidates.len() - 1].clone());
        let mut style = th.header();
        if c.p1 > 0 && th.color {
            style = style.bg(ratatui::style::Color::Red);
        }
        f.render_widget(Paragraph::new(text::fit(&text, w)).style(style), area);
    }

    /// A new P1, where the eye is: the patient and the kind, until a desk acknowledges it.
    fn banner(
        &self,
        f: &mut Frame,
        area: Rect,
        s: &AppState,
        a: &crate::app::alert_entry::AlertEntry,
        more: usize,
    ) {
        let th = self.theme();
        let mut text = format!(
            " {} {} · {} · {} · {} {}",
            Theme::severity_mark(a.severity),
            s.t(T::BannerNewP1),
            a.patient_name(),
            s.lang.alert_kind(a.kind),
            a.station(),
            lists::age(s.lang, a.raised_at, s.now),
        );
        if more > 0 {
            text.push_str(&format!("  (+{more})"));
        }
        text.push_str(&format!(
            "  {} {}",
            self.keys.first(Action::Acknowledge),
            s.t(T::KeyAck)
        ));
        f.render_widget(
            Paragraph::new(text::fit(&text, usize::from(area.width))).style(th.banner()),
            area,
        );
    }

    fn tabs(&self, f: &mut Frame, area: Rect, s: &AppState) {
        let th = self.theme();
        let mut spans = Vec::new();
        for (i, v) in View::ALL.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(TAB_SEPARATOR, th.muted()));
            }
            let style = if *v == s.view {
                th.selected().patch(th.title())
            } else {
                ratatui::style::Style::new()
            };
            spans.push(Span::styled(tab_text(*v, s.lang), style));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    /// The message of the last action, or the filter being typed, or the list's counts.
    fn status(&self, f: &mut Frame, area: Rect, s: &AppState) {
        let th = self.theme();
        if let Some(m) = &s.message {
            let style = if m.error { th.error() } else { th.ok() };
            let text = m.text.replace('\n', " ");
            let room = usize::from(area.width);
            // A message wider than the line is cut with an ellipsis and says which key shows
            // it whole.
            let line = if width(&text) <= room {
                Line::from(Span::styled(text, style))
            } else {
                let key = self.keys.first(Action::LastMessage);
                let hint = format!(" {} {}", key, s.t(T::KeyLastMessage));
                let cut = text::cut(&text, room.saturating_sub(width(&hint)));
                Line::from(vec![Span::styled(cut, style), Span::styled(hint, th.key())])
            };
            f.render_widget(Paragraph::new(line), area);
            return;
        }
        let mut spans = Vec::new();
        if let ScreenKind::List(_) = s.screen()
            && let Some(l) = s.current_list()
        {
            if s.filtering() || !l.filter.value().is_empty() {
                spans.push(Span::styled(format!("/{}", l.filter.value()), th.key()));
                if s.filtering() {
                    spans.push(Span::styled("▏", th.key()));
                    spans.push(Span::styled(
                        format!("  {}", s.t(T::FilterHint)),
                        th.muted(),
                    ));
                }
                spans.push(Span::raw("  "));
            }
            let total = s.snapshot.as_ref().map(|x| match s.view {
                View::Alerts => x.alerts.len(),
                View::Patients => x.patients.len(),
                View::Incidents => x.incidents.len(),
                View::Persons => x.persons.len(),
                View::Audit => x.audit.len(),
                View::Reports => 0,
            });
            match total {
                Some(t) => {
                    let at = if l.visible.is_empty() {
                        0
                    } else {
                        l.cursor.index + 1
                    };
                    spans.push(Span::styled(
                        format!("{at}/{} ({t})", l.visible.len()),
                        th.muted(),
                    ));
                }
                None => spans.push(Span::styled(s.t(T::Loading), th.muted())),
            }
            if s.view == View::Alerts {
                spans.push(Span::styled(
                    format!("  [{}]", s.t(s.alert_quick.label())),
                    th.muted(),
                ));
            }
            if s.view == View::Patients {
                spans.push(Span::styled(
                    format!(
                        "  [{}] {}:{}",
                        s.t(s.quick.label()),
                        s.t(T::SortBy),
                        s.t(s.sort.label())
                    ),
                    th.muted(),
                ));
            }
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    /// The keys that work now, from the command registry, as many as fit; help is last
    /// wherever help opens.
    fn footer(&self, f: &mut Frame, area: Rect, s: &AppState) {
        let th = self.theme();
        let items = crate::app::commands::footer(s, self.keys);
        let mut spans = Vec::new();
        let mut used = 0;
        let help = matches!(s.input_mode(), crate::app::InputMode::Normal(_))
            .then(|| (self.keys.first(Action::Help), s.t(T::KeyHelp).to_string()));
        let help_w = help
            .as_ref()
            .map(|h| width(&h.0) + width(&h.1) + 2)
            .unwrap_or(0);
        let limit = usize::from(area.width).saturating_sub(help_w);
        for (k, label) in items.iter() {
            let label = s.t(*label);
            let w = width(k) + width(label) + 2;
            if used + w > limit {
                break;
            }
            spans.push(Span::styled(k.clone(), th.key()));
            spans.push(Span::raw(format!(" {label} ")));
            used += w;
        }
        if let Some(help) = help {
            spans.push(Span::styled(help.0, th.key()));
            spans.push(Span::raw(format!(" {}", help.1)));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }
}

fn format_time(t: DateTime<chrono::FixedOffset>, with_date: bool) -> String {
    if with_date {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}
