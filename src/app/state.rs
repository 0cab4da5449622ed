//! The console's state: which view, what is selected, which dialog is open, and the data last
//! loaded. No terminal types: the UI reads this, `update` changes it.

use chrono::{DateTime, Utc};
use std::collections::HashSet;
use tui_input::Input;

use super::action::{FormKind, InputMode, ScreenKind};
use super::alert_entry::AlertEntry;
use super::close_form::CloseForm;
use super::data::{PatientDetail, PatientRow, Snapshot};
use super::followup_form::FollowUpForm;
use super::form::Form;
use super::one_line::OneLine;
use crate::config::Config;
use crate::domain::alert::{AlertStatus, Severity};
use crate::domain::key_population::KeyCategory;
use crate::domain::patient::{Condition, Status};
use crate::domain::team::Role;
use crate::i18n::{Lang, T};
use crate::store::operators::Operator;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Alerts,
    Patients,
    Incidents,
    Persons,
    Reports,
    Audit,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Alerts,
        View::Patients,
        View::Incidents,
        View::Persons,
        View::Reports,
        View::Audit,
    ];

    pub fn label(self) -> T {
        match self {
            View::Alerts => T::TabAlerts,
            View::Patients => T::TabPatients,
            View::Incidents => T::TabIncidents,
            View::Persons => T::TabPersons,
            View::Reports => T::TabReports,
            View::Audit => T::TabAudit,
        }
    }

    pub fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }
}

/// The text of one tab as the tab bar draws it; shared with mouse hit-testing.
pub fn tab_text(view: View, lang: Lang) -> String {
    format!(" {} {} ", view.index() + 1, lang.t(view.label()))
}

/// The tab bar's separator, one column wide.
pub const TAB_SEPARATOR: &str = "│";

/// Screen rows the layout reserves around a list: header, tabs, column titles, status line
/// and footer.
pub const LIST_CHROME_ROWS: u16 = 5;
/// The first screen row of a list's body (after header, tabs and column titles).
pub const LIST_FIRST_ROW: u16 = 3;
/// Below this the console shows a message instead of a layout.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// A selection in a list that survives reloads: it follows the selected row's id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub index: usize,
    pub offset: usize,
    pub key: Option<i64>,
}

impl Cursor {
    pub fn clamp(&mut self, len: usize, page: usize) {
        if len == 0 {
            self.index = 0;
            self.offset = 0;
            return;
        }
        self.index = self.index.min(len - 1);
        let page = page.max(1);
        if self.index < self.offset {
            self.offset = self.index;
        } else if self.index >= self.offset + page {
            self.offset = self.index + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }

    pub fn step(&mut self, delta: isize, len: usize, page: usize) {
        if len == 0 {
            return;
        }
        let i = self.index as isize + delta;
        self.index = i.clamp(0, len as isize - 1) as usize;
        self.clamp(len, page);
    }

    /// After a reload: find the row that was selected, else stay at the same position.
    pub fn follow(&mut self, keys: impl Iterator<Item = i64>, len: usize, page: usize) {
        if let Some(k) = self.key
            && let Some(i) = keys.into_iter().position(|x| x == k)
        {
            self.index = i;
        }
        self.clamp(len, page);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuickFilter {
    #[default]
    All,
    HighRisk,
    Unstable,
    KeyPopulation,
    MissingOrAway,
    Overdue,
}

impl QuickFilter {
    pub const ALL: [QuickFilter; 6] = [
        QuickFilter::All,
        QuickFilter::HighRisk,
        QuickFilter::Unstable,
        QuickFilter::KeyPopulation,
        QuickFilter::MissingOrAway,
        QuickFilter::Overdue,
    ];

    pub fn label(self) -> T {
        match self {
            QuickFilter::All => T::QuickAll,
            QuickFilter::HighRisk => T::QuickHighRisk,
            QuickFilter::Unstable => T::QuickUnstable,
            QuickFilter::KeyPopulation => T::QuickKey,
            QuickFilter::MissingOrAway => T::QuickMissingAway,
            QuickFilter::Overdue => T::QuickOverdue,
        }
    }

    pub fn admits(self, r: &PatientRow) -> bool {
        let p = r;
        match self {
            QuickFilter::All => true,
            QuickFilter::HighRisk => p.is_high_risk(),
            QuickFilter::Unstable => p.condition == Condition::Unstable,
            QuickFilter::KeyPopulation => !r.key.is_empty(),
            QuickFilter::MissingOrAway => matches!(p.status, Status::Missing | Status::Away),
            QuickFilter::Overdue => r.days_overdue > 0 && p.status.is_active(),
        }
    }
}

/// The alerts view's quick filters, by status and severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlertQuick {
    #[default]
    All,
    /// New (nobody has taken it) P1 alerts.
    NewP1,
    /// New alerts of any severity.
    New,
    P1,
    /// Taken (acknowledged or in progress), not resolved.
    Taken,
}

impl AlertQuick {
    pub const ALL: [AlertQuick; 5] = [
        AlertQuick::All,
        AlertQuick::NewP1,
        AlertQuick::New,
        AlertQuick::P1,
        AlertQuick::Taken,
    ];

    pub fn label(self) -> T {
        match self {
            AlertQuick::All => T::QuickAll,
            AlertQuick::NewP1 => T::QuickNewP1,
            AlertQuick::New => T::QuickNew,
            AlertQuick::P1 => T::QuickP1,
            AlertQuick::Taken => T::QuickTaken,
        }
    }

    pub fn next(self) -> AlertQuick {
        let i = AlertQuick::ALL.iter().position(|q| *q == self).unwrap_or(0);
        AlertQuick::ALL[(i + 1) % AlertQuick::ALL.len()]
    }

    pub fn admits(self, a: &AlertEntry) -> bool {
        let new = a.status == AlertStatus::New;
        match self {
            AlertQuick::All => true,
            AlertQuick::NewP1 => new && a.severity == Severity::P1,
            AlertQuick::New => new,
            AlertQuick::P1 => a.severity == Severity::P1,
            AlertQuick::Taken => matches!(
                a.status,
                AlertStatus::Acknowledged | AlertStatus::InProgress
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Risk,
    Overdue,
    Name,
    Village,
}

impl Sort {
    pub fn label(self) -> T {
        match self {
            Sort::Risk => T::SortRisk,
            Sort::Overdue => T::SortOverdue,
            Sort::Name => T::SortName,
            Sort::Village => T::SortVillage,
        }
    }

    pub fn next(self) -> Sort {
        match self {
            Sort::Risk => Sort::Overdue,
            Sort::Overdue => Sort::Name,
            Sort::Name => Sort::Village,
            Sort::Village => Sort::Risk,
        }
    }
}

/// How far a page of text is scrolled. The page's length is known only when it is drawn: the
/// view records the last line that can be at the top (`fit`), and moving stops there, so `End`
/// shows the last page instead of a blank one.
#[derive(Debug, Clone)]
pub struct Scroll {
    pos: u16,
    max: std::cell::Cell<u16>,
}

impl Default for Scroll {
    fn default() -> Self {
        Scroll {
            pos: 0,
            max: std::cell::Cell::new(u16::MAX),
        }
    }
}

/// A move of a scrolled page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrollMove {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Scroll {
    /// The first line shown.
    pub fn top(&self) -> u16 {
        self.pos.min(self.max.get())
    }

    /// Called by the view that draws `lines` lines in `height` rows.
    pub fn fit(&self, lines: usize, height: u16) {
        let max = u16::try_from(lines.saturating_sub(usize::from(height))).unwrap_or(u16::MAX);
        self.max.set(max);
    }

    pub fn apply(&mut self, m: ScrollMove, page: u16) {
        let page = page.max(1);
        let max = self.max.get();
        let pos = self.pos.min(max);
        self.pos = match m {
            ScrollMove::Up => pos.saturating_sub(1),
            ScrollMove::Down => pos.saturating_add(1),
            ScrollMove::PageUp => pos.saturating_sub(page),
            ScrollMove::PageDown => pos.saturating_add(page),
            ScrollMove::Home => 0,
            ScrollMove::End => max,
        }
        .min(max);
    }
}

/// A list with a filter line.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub cursor: Cursor,
    pub filter: Input,
    /// Indexes into the snapshot's list, in display order, after filter and sort.
    pub visible: Vec<usize>,
}

/// A dialog over the screen. The top one gets the keys.
#[derive(Debug, Clone)]
pub enum Dialog {
    ConfirmQuit,
    /// One line of text that becomes one request (a note, a location, who acted).
    OneLine(OneLine),
    ReportSeverity {
        patient_id: i64,
    },
    AssignRole {
        patient_id: i64,
    },
    AssignPerson {
        patient_id: i64,
        role: Role,
        search: Input,
        cursor: Cursor,
        error: Option<String>,
    },
    NewPerson {
        patient_id: i64,
        role: Role,
        fields: [Input; 3],
        focus: usize,
        error: Option<String>,
    },
    ConfirmWorkload {
        patient_id: i64,
        role: Role,
        person_id: i64,
        after: u32,
        threshold: u32,
    },
    UnassignRole {
        patient_id: i64,
    },
    /// Replacing or removing a responsible person: the question names both persons, `y`
    /// sends the request (which still fails if someone changed the role meanwhile).
    ConfirmTeamChange {
        question: String,
        request: Box<crate::app::action::Request>,
    },
    FollowUp(Box<FollowUpForm>),
    CloseIncident(Box<CloseForm>),
    /// Setting a control level (the center).
    Control(Box<crate::app::control_form::ControlForm>),
    /// The handover note: a multi-line editor.
    HandOver(Box<Editor>),
    /// Text to read (a handover, an audit entry), scrolled inside a popup sized to the screen.
    Read(Reading),
    /// Who acted for a step: picked from the persons directory as typed, or typed freely.
    ActorPick(ActorPick),
    /// Which recorded step of an incident to correct (a digit).
    ChooseStep {
        incident_id: i64,
    },
}

/// What a picked actor is for.
#[derive(Debug, Clone, PartialEq)]
pub enum ActorFor {
    Step {
        incident_id: i64,
        step: u8,
    },
    /// A correction: the entry as seen, then the time is asked.
    Correct {
        incident_id: i64,
        step: u8,
        seen: (String, DateTime<Utc>),
    },
}

#[derive(Debug, Clone)]
pub struct ActorPick {
    pub purpose: ActorFor,
    pub search: Input,
    /// Index into `actor_choices`.
    pub cursor: usize,
}

impl ActorPick {
    pub fn new(purpose: ActorFor, typed: &str) -> Self {
        ActorPick {
            purpose,
            search: Input::new(typed.to_string()),
            cursor: 0,
        }
    }
}

/// One choice of the actor picker: a person of the directory, or the name as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorChoice {
    pub name: String,
    pub detail: String,
    pub typed: bool,
}

/// The multi-line editor of a note, wrapping by display width.
#[derive(Debug, Clone)]
pub struct Editor {
    pub area: ratatui_textarea::TextArea<'static>,
    /// Esc was pressed once on a note with text: a second Esc discards it.
    pub asked: bool,
}

impl Editor {
    pub fn new() -> Self {
        let mut area = ratatui_textarea::TextArea::default();
        area.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        area.set_cursor_line_style(ratatui::style::Style::new());
        Editor { area, asked: false }
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }
}

impl Default for Editor {
    fn default() -> Self {
        Editor::new()
    }
}

/// Lines of text in a popup, and how far they are scrolled.
#[derive(Debug, Clone)]
pub struct Reading {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: Scroll,
}

/// The help popup: its search and how far it is scrolled.
#[derive(Debug, Clone, Default)]
pub struct Help {
    pub search: Input,
    pub scroll: Scroll,
}

/// One layer of the console: the screens that cover the view (a patient, an incident), then
/// the overlays (the filter line, dialogs, help). The top layer gets the keys.
#[derive(Debug, Clone)]
pub enum Layer {
    Detail(Box<Detail>),
    Incident(i64),
    /// Typing the current list's filter.
    Filter,
    Dialog(Dialog),
    Help(Help),
}

impl Layer {
    fn is_screen(&self) -> bool {
        matches!(self, Layer::Detail(_) | Layer::Incident(_))
    }
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub patient_id: i64,
    pub data: Option<PatientDetail>,
    pub scroll: Scroll,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

pub struct AppState {
    pub lang: Lang,
    pub config: Config,
    pub operator: Operator,
    pub now: DateTime<Utc>,
    pub width: u16,
    pub height: u16,
    pub view: View,
    pub snapshot: Option<Snapshot>,
    pub alerts: ListView,
    pub patients: ListView,
    /// Patients after the quick filter, in sort order; the text filter narrows this.
    pub patient_order: Vec<usize>,
    pub quick: QuickFilter,
    pub alert_quick: AlertQuick,
    pub sort: Sort,
    pub incidents: ListView,
    pub persons: ListView,
    pub audit: ListView,
    /// The screens and overlays over the view, bottom first.
    pub layers: Vec<Layer>,
    /// The reports view's figures, while it is open.
    pub report: Option<super::data::ReportData>,
    /// Whether the store thread was asked for the persons directory (`wants_persons`).
    pub persons_watched: bool,
    pub report_scroll: Scroll,
    pub message: Option<Message>,
    /// Alerts present when the console first loaded: only P1s that arrive after are announced
    /// by the banner. Sorted ids: a tenth of a set's memory at 100k alerts.
    pub known_alerts: Option<Vec<i64>>,
    /// The banner's P1, by its place in the alerts' order, and how many more wait: worked out
    /// when the alerts change (`announce`), not at every frame. At 100k alerts a scan of all of
    /// them at each draw was most of an idle console's CPU.
    pub announced: Option<(AlertPlace, usize)>,
    /// Escalated P1 alerts the bell has already rung for.
    pub rung: HashSet<i64>,
    /// Overdue quick-response steps the bell has already rung for.
    pub rung_steps: HashSet<(i64, u8)>,
    /// The last message shown, kept after it leaves the status line so it can be read whole.
    pub last_message: Option<Message>,
    /// The five persons of the incident on screen, and whom its actors are picked from.
    pub incident_team: Option<super::incident_team::IncidentTeam>,
}

/// Where an alert stands in the order the alerts are kept: most urgent, then oldest.
pub type AlertPlace = (Severity, DateTime<Utc>, i64);

fn alert_place(a: &AlertEntry) -> AlertPlace {
    (a.severity, a.raised_at, a.id)
}

impl AppState {
    pub fn new(lang: Lang, config: Config, operator: Operator, now: DateTime<Utc>) -> Self {
        AppState {
            lang,
            config,
            operator,
            now,
            width: 80,
            height: 24,
            view: View::Alerts,
            snapshot: None,
            alerts: ListView::default(),
            patients: ListView::default(),
            patient_order: Vec::new(),
            quick: QuickFilter::All,
            alert_quick: AlertQuick::All,
            sort: Sort::Risk,
            incidents: ListView::default(),
            persons: ListView::default(),
            audit: ListView::default(),
            layers: Vec::new(),
            report: None,
            persons_watched: false,
            report_scroll: Scroll::default(),
            message: None,
            known_alerts: None,
            announced: None,
            rung: HashSet::new(),
            rung_steps: HashSet::new(),
            incident_team: None,
            last_message: None,
        }
    }

    pub fn t(&self, t: T) -> &'static str {
        self.lang.t(t)
    }

    /// Rows a list shows at the current height.
    pub fn page(&self) -> usize {
        usize::from(self.height.saturating_sub(self.chrome_rows())).max(1)
    }

    /// Rows around a list: the layout's chrome and the banner when one shows.
    pub fn chrome_rows(&self) -> u16 {
        LIST_CHROME_ROWS + u16::from(self.banner().is_some())
    }

    /// The first screen row of a list's body.
    pub fn list_first_row(&self) -> u16 {
        LIST_FIRST_ROW + u16::from(self.banner().is_some())
    }

    /// The P1 to announce: the newest unacknowledged P1 that arrived after this console first
    /// loaded, and how many more such are waiting. It shows until someone (any desk)
    /// acknowledges it.
    pub fn banner(&self) -> Option<(&AlertEntry, usize)> {
        let (place, more) = self.announced?;
        let alerts = &self.snapshot.as_ref()?.alerts;
        // The alerts are kept in this order (the store's, and `Snapshot::apply`'s); a list
        // given out of order is searched whole.
        let at = alerts.partition_point(|a| alert_place(a) < place);
        alerts
            .get(at)
            .filter(|a| a.id == place.2)
            .or_else(|| alerts.iter().find(|a| a.id == place.2))
            .map(|a| (a, more))
    }

    /// Works out the banner again; called whenever the alerts change.
    pub fn announce(&mut self) {
        self.announced = (|| {
            let snap = self.snapshot.as_ref()?;
            let known = self.known_alerts.as_ref()?;
            let today = crate::domain::clock::beijing_date(self.now);
            let mut count = 0;
            let newest = snap
                .alerts
                .iter()
                .filter(|a| {
                    a.severity == Severity::P1
                        && a.status == AlertStatus::New
                        && known.binary_search(&a.id).is_err()
                        // Snoozed, it is silent everywhere, the header's count too.
                        && !a.is_snoozed(today)
                })
                .inspect(|_| count += 1)
                .max_by_key(|a| (a.raised_at, a.id))?;
            Some((alert_place(newest), count - 1))
        })();
    }

    pub fn too_small(&self) -> bool {
        self.width < MIN_WIDTH || self.height < MIN_HEIGHT
    }

    /// An unacknowledged P1 older than the configured minutes escalates on screen.
    pub fn is_escalated(&self, a: &AlertEntry) -> bool {
        a.severity == Severity::P1
            && a.status == AlertStatus::New
            && !a.is_snoozed(crate::domain::clock::beijing_date(self.now))
            && (self.now - a.raised_at).num_seconds()
                >= i64::from(self.config.alerts.p1_escalate_minutes) * 60
    }

    /// How keys are read now: from the top layer, in this one place.
    pub fn input_mode(&self) -> InputMode {
        match self.layers.last() {
            None | Some(Layer::Detail(_)) | Some(Layer::Incident(_)) => {
                InputMode::Normal(self.screen())
            }
            Some(Layer::Filter) => InputMode::Text,
            Some(Layer::Help(_)) => InputMode::Help,
            Some(Layer::Dialog(d)) => match d {
                Dialog::ConfirmQuit
                | Dialog::ReportSeverity { .. }
                | Dialog::AssignRole { .. }
                | Dialog::UnassignRole { .. }
                | Dialog::ConfirmWorkload { .. }
                | Dialog::ConfirmTeamChange { .. }
                | Dialog::ChooseStep { .. } => InputMode::Choice,
                Dialog::ActorPick(_) => InputMode::Actor,
                Dialog::OneLine(_) => InputMode::Line,
                Dialog::AssignPerson { .. } => InputMode::Picker,
                Dialog::NewPerson { .. } => InputMode::Text,
                Dialog::FollowUp(f) => form_mode(f.as_ref(), FormKind::FollowUp),
                Dialog::CloseIncident(f) => form_mode(f.as_ref(), FormKind::Close),
                Dialog::Control(f) => form_mode(f.as_ref(), FormKind::Control),
                Dialog::HandOver(_) => InputMode::Editor,
                Dialog::Read(_) => InputMode::Read,
            },
        }
    }

    /// The screen under the overlays: the topmost patient or incident, else the view's list.
    pub fn screen(&self) -> ScreenKind {
        match self.layers.iter().rev().find(|l| l.is_screen()) {
            Some(Layer::Detail(_)) => ScreenKind::Detail,
            Some(Layer::Incident(_)) => ScreenKind::Incident,
            _ => ScreenKind::List(self.view),
        }
    }

    /// The patient record on screen, if it is the top screen.
    pub fn detail(&self) -> Option<&Detail> {
        match self.layers.iter().rev().find(|l| l.is_screen()) {
            Some(Layer::Detail(d)) => Some(d),
            _ => None,
        }
    }

    pub fn detail_mut(&mut self) -> Option<&mut Detail> {
        match self.layers.iter_mut().rev().find(|l| l.is_screen()) {
            Some(Layer::Detail(d)) => Some(d),
            _ => None,
        }
    }

    /// The incident on screen, if it is the top screen.
    pub fn incident(&self) -> Option<i64> {
        match self.layers.iter().rev().find(|l| l.is_screen()) {
            Some(Layer::Incident(id)) => Some(*id),
            _ => None,
        }
    }

    /// The dialog on top, if the top layer is one.
    pub fn dialog(&self) -> Option<&Dialog> {
        match self.layers.last() {
            Some(Layer::Dialog(d)) => Some(d),
            _ => None,
        }
    }

    pub fn help(&self) -> Option<&Help> {
        match self.layers.last() {
            Some(Layer::Help(h)) => Some(h),
            _ => None,
        }
    }

    /// Whether the current list's filter line is being typed.
    pub fn filtering(&self) -> bool {
        matches!(self.layers.last(), Some(Layer::Filter))
    }

    /// Opens a dialog over everything.
    pub fn open(&mut self, d: Dialog) {
        self.layers.push(Layer::Dialog(d));
    }

    /// Closes the top layer if it is a dialog, giving it back.
    pub fn take_dialog(&mut self) -> Option<Dialog> {
        match self.layers.last() {
            Some(Layer::Dialog(_)) => match self.layers.pop() {
                Some(Layer::Dialog(d)) => Some(d),
                _ => None,
            },
            _ => None,
        }
    }

    /// Overlays that are not screens (dialogs, help, the filter line) are open.
    /// Whether a screen or dialog that reads the persons directory is open: the persons
    /// view, the assign dialogs (who serves whom, whom to pick) and the follow-up form (whom
    /// it offers). The directory is held only meanwhile.
    pub fn wants_persons(&self) -> bool {
        self.view == View::Persons
            || self.layers.iter().any(|l| {
                matches!(
                    l,
                    Layer::Dialog(
                        Dialog::AssignRole { .. }
                            | Dialog::AssignPerson { .. }
                            | Dialog::NewPerson { .. }
                            | Dialog::ConfirmWorkload { .. }
                            | Dialog::UnassignRole { .. }
                            | Dialog::ConfirmTeamChange { .. }
                            | Dialog::FollowUp(_)
                    )
                )
            })
    }

    pub fn has_overlay(&self) -> bool {
        self.layers.last().is_some_and(|l| !l.is_screen())
    }

    pub fn current_list(&self) -> Option<&ListView> {
        match self.view {
            View::Alerts => Some(&self.alerts),
            View::Patients => Some(&self.patients),
            View::Incidents => Some(&self.incidents),
            View::Persons => Some(&self.persons),
            View::Audit => Some(&self.audit),
            View::Reports => None,
        }
    }

    pub fn current_list_mut(&mut self) -> Option<&mut ListView> {
        match self.view {
            View::Alerts => Some(&mut self.alerts),
            View::Patients => Some(&mut self.patients),
            View::Incidents => Some(&mut self.incidents),
            View::Persons => Some(&mut self.persons),
            View::Audit => Some(&mut self.audit),
            View::Reports => None,
        }
    }

    pub fn selected_alert(&self) -> Option<&AlertEntry> {
        let s = self.snapshot.as_ref()?;
        let i = *self.alerts.visible.get(self.alerts.cursor.index)?;
        s.alerts.get(i)
    }

    pub fn selected_patient(&self) -> Option<&PatientRow> {
        let s = self.snapshot.as_ref()?;
        let i = *self.patients.visible.get(self.patients.cursor.index)?;
        s.patients.get(i)
    }

    /// The patient the current screen is about: the open detail, else the selected row.
    pub fn focused_patient_id(&self) -> Option<i64> {
        if let Some(d) = self.detail() {
            return Some(d.patient_id);
        }
        match self.view {
            View::Alerts => self.selected_alert().map(|a| a.patient_id),
            View::Patients => self.selected_patient().map(|p| p.id),
            _ => None,
        }
    }

    /// The incident shown on the incident screen.
    pub fn open_incident(&self) -> Option<&crate::store::incidents::IncidentRow> {
        let id = self.incident()?;
        self.snapshot
            .as_ref()?
            .incidents
            .iter()
            .find(|i| i.id == id)
    }

    /// The team of the incident on screen, once loaded.
    pub fn team_on_screen(&self) -> Option<&super::incident_team::IncidentTeam> {
        let id = self.incident()?;
        self.incident_team.as_ref().filter(|t| t.incident_id == id)
    }

    /// The choices of the actor picker for what is typed: matching persons (the patient's team
    /// first), then the name as typed, unless it is one of them.
    pub fn actor_choices(&self, typed: &str) -> Vec<ActorChoice> {
        let typed = typed.trim();
        let mut out: Vec<ActorChoice> = self
            .team_on_screen()
            .map(|t| t.matching(typed))
            .unwrap_or_default()
            .into_iter()
            .map(|c| ActorChoice {
                name: c.name.clone(),
                detail: match c.role {
                    Some(r) => self.lang.label(r).to_string(),
                    None => {
                        if c.unit.is_empty() {
                            self.lang.label(c.kind).to_string()
                        } else {
                            c.unit.clone()
                        }
                    }
                },
                typed: false,
            })
            .collect();
        if !typed.is_empty() && !out.iter().any(|c| c.name == typed) {
            out.push(ActorChoice {
                name: typed.to_string(),
                detail: self.t(T::AsTyped).to_string(),
                typed: true,
            });
        }
        out
    }

    pub fn key_label(c: KeyCategory) -> T {
        match c {
            KeyCategory::IncidentHistory => T::KeyIncidentHistory,
            KeyCategory::HighRisk => T::KeyHighRisk,
            KeyCategory::WeakGuardianship => T::KeyWeakGuard,
            KeyCategory::PoorCompliance => T::KeyCompliance,
            KeyCategory::RefusesFollowUp => T::KeyRefuses,
            KeyCategory::EverMissing => T::KeyMissing,
            KeyCategory::Unstable => T::KeyUnstable,
        }
    }
}

fn form_mode(f: &dyn Form, kind: FormKind) -> InputMode {
    if f.confirming() {
        InputMode::Confirm
    } else if f.on_person() {
        InputMode::Form {
            kind: FormKind::Person,
            on_choice: false,
        }
    } else {
        InputMode::Form {
            kind,
            on_choice: !f.on_text(),
        }
    }
}
