//! The console's state: which view, what is selected, which dialog is open, and the data last
//! loaded. No terminal types: the UI reads this, `update` changes it.

use chrono::{DateTime, Utc};
use std::collections::HashSet;
use tui_input::Input;

use super::action::InputMode;
use super::close_form::CloseForm;
use super::data::{PatientDetail, PatientRow, Snapshot};
use super::followup_form::FollowUpForm;
use crate::config::Config;
use crate::domain::alert::{AlertStatus, Severity};
use crate::domain::key_population::KeyCategory;
use crate::domain::patient::{Condition, Status};
use crate::domain::team::Role;
use crate::i18n::{Lang, T};
use crate::store::alerts::AlertRow;
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
        let p = &r.patient;
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

/// A list with a filter line.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub cursor: Cursor,
    pub filter: Input,
    pub filtering: bool,
    /// Indexes into the snapshot's list, in display order, after filter and sort.
    pub visible: Vec<usize>,
}

#[derive(Debug, Clone)]
pub enum Dialog {
    ConfirmQuit,
    Resolve {
        alert_id: i64,
        note: Input,
    },
    ReportSeverity {
        patient_id: i64,
    },
    ReportNote {
        patient_id: i64,
        severity: Severity,
        note: Input,
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
    FollowUp(Box<FollowUpForm>),
    OpenIncident {
        patient_id: Option<i64>,
        alert_id: Option<i64>,
        location: Input,
    },
    StepActor {
        incident_id: i64,
        step: u8,
        actor: Input,
    },
    IncidentNote {
        incident_id: i64,
        note: Input,
    },
    CloseIncident(Box<CloseForm>),
    HandOver {
        note: Input,
    },
    ShowHandover {
        taking_over: bool,
        handover: Option<Box<crate::store::shifts::Handover>>,
    },
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub patient_id: i64,
    pub data: Option<PatientDetail>,
    pub scroll: u16,
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
    pub sort: Sort,
    pub incidents: ListView,
    pub persons: ListView,
    pub audit: ListView,
    pub detail: Option<Detail>,
    /// The incident screen, when open.
    pub incident: Option<i64>,
    /// The reports view's figures, while it is open.
    pub report: Option<super::data::ReportData>,
    pub report_scroll: u16,
    pub dialog: Option<Dialog>,
    pub help: Option<Input>,
    pub message: Option<Message>,
    /// Escalated P1 alerts the bell has already rung for.
    pub rung: HashSet<i64>,
    /// Overdue quick-response steps the bell has already rung for.
    pub rung_steps: HashSet<(i64, u8)>,
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
            sort: Sort::Risk,
            incidents: ListView::default(),
            persons: ListView::default(),
            audit: ListView::default(),
            detail: None,
            incident: None,
            report: None,
            report_scroll: 0,
            dialog: None,
            help: None,
            message: None,
            rung: HashSet::new(),
            rung_steps: HashSet::new(),
        }
    }

    pub fn t(&self, t: T) -> &'static str {
        self.lang.t(t)
    }

    /// Rows a list shows at the current height.
    pub fn page(&self) -> usize {
        usize::from(self.height.saturating_sub(LIST_CHROME_ROWS)).max(1)
    }

    pub fn too_small(&self) -> bool {
        self.width < MIN_WIDTH || self.height < MIN_HEIGHT
    }

    /// An unacknowledged P1 older than the configured minutes escalates on screen.
    pub fn is_escalated(&self, a: &AlertRow) -> bool {
        a.severity == Severity::P1
            && a.status == AlertStatus::New
            && (self.now - a.raised_at).num_seconds()
                >= i64::from(self.config.alerts.p1_escalate_minutes) * 60
    }

    pub fn input_mode(&self) -> InputMode {
        if self.help.is_some() {
            return InputMode::Text;
        }
        match &self.dialog {
            Some(Dialog::ConfirmQuit)
            | Some(Dialog::ShowHandover { .. })
            | Some(Dialog::ReportSeverity { .. })
            | Some(Dialog::AssignRole { .. })
            | Some(Dialog::UnassignRole { .. })
            | Some(Dialog::ConfirmWorkload { .. }) => InputMode::Choice,
            Some(Dialog::FollowUp(f)) => InputMode::Form {
                on_choice: !f.focused().is_text(),
            },
            Some(_) => InputMode::Text,
            None if self.detail.is_none()
                && self.incident.is_none()
                && self.current_list().is_some_and(|l| l.filtering) =>
            {
                InputMode::Text
            }
            None => InputMode::Normal,
        }
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

    pub fn selected_alert(&self) -> Option<&AlertRow> {
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
        if let Some(d) = &self.detail {
            return Some(d.patient_id);
        }
        match self.view {
            View::Alerts => self.selected_alert().map(|a| a.patient_id),
            View::Patients => self.selected_patient().map(|p| p.patient.id),
            _ => None,
        }
    }

    /// The incident shown on the incident screen.
    pub fn open_incident(&self) -> Option<&crate::store::incidents::IncidentRow> {
        let id = self.incident?;
        self.snapshot
            .as_ref()?
            .incidents
            .iter()
            .find(|i| i.id == id)
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
