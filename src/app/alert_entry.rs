//! An open alert as the console holds it: what a list row draws, the banner names, the
//! header counts and the filter searches, about a hundred bytes. The alert's whole record
//! (note, lifecycle times, resolution) is read for the open patient only (`PatientDetail`).
//! The patient's name and risk, the place and the label are shared: one for all of a
//! patient's alerts, one per village, one per kind, status and severity. At 100k patients the
//! console held 123k whole alert rows, about 70 MB.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::Arc;

use super::data::PatientRow;
use super::search;
use super::subject::Subject;
use crate::domain::alert::{AlertKind, AlertStatus, Severity};
use crate::i18n::Lang;
use crate::store::alerts::OpenAlert;

/// The village and station of an alert's patient, shared by the alerts of the place.
#[derive(Debug, PartialEq, Eq)]
pub struct Locality {
    pub village: Box<str>,
    pub station: Box<str>,
    pub key: Box<str>,
}

#[derive(Debug, Clone)]
pub struct AlertEntry {
    pub id: i64,
    pub patient_id: i64,
    /// The patient's name and its key, shared with the patient's row and other alerts.
    pub subject: Subject,
    pub risk_level: u8,
    pub locality: Arc<Locality>,
    pub kind: AlertKind,
    pub severity: Severity,
    pub status: AlertStatus,
    /// The due date for the overdue kinds.
    pub since: Option<NaiveDate>,
    pub raised_at: DateTime<Utc>,
    pub snoozed_until: Option<NaiveDate>,
    /// The desk (login) that has it in hand or acknowledged it.
    pub taken_by: Option<Arc<str>>,
}

impl AlertEntry {
    pub fn patient_name(&self) -> &str {
        self.subject.name()
    }

    pub fn risk_level(&self) -> u8 {
        self.risk_level
    }

    pub fn village(&self) -> &str {
        &self.locality.village
    }

    pub fn station(&self) -> &str {
        &self.locality.station
    }

    pub fn taken_by(&self) -> Option<&str> {
        self.taken_by.as_deref()
    }

    /// Whole days past the due date on `today`, for the overdue kinds (as `AlertRow`).
    pub fn days_overdue(&self, today: NaiveDate) -> Option<i64> {
        crate::domain::alert::days_past_due(self.kind, self.since, today)
    }

    pub fn is_snoozed(&self, today: NaiveDate) -> bool {
        crate::domain::alert::is_snoozed(self.status, self.snoozed_until, today)
    }

    /// Whether every word is in the alert's patient, place or label. A typed word never spans
    /// two fields (they are kept apart by a separator), so a word found in any part is a
    /// word found in one key holding them all.
    pub fn matches(&self, words: &[String]) -> bool {
        self.matches_all(&search::Needles::new(words))
    }

    /// As `matches`, with the words' searchers built once for the whole list.
    pub fn matches_all(&self, words: &search::Needles) -> bool {
        words.all(|_, w| {
            w.in_(self.subject.searched().as_bytes())
                || w.in_(self.locality.key.as_bytes())
                || w.in_(label(self.kind, self.status, self.severity).as_bytes())
        })
    }
}

/// Makes entries from stored alert rows, sharing what repeats. One is used per load; what
/// two loads made is simply not shared.
#[derive(Debug, Default)]
pub struct Entries<'a> {
    /// Patient rows already loaded, whose subjects the alerts share: found through the
    /// register's index, or by a look through the few rows of a delta.
    rows: &'a [PatientRow],
    index: Option<&'a HashMap<i64, usize>>,
    /// The subjects of patients with no row here (the quick first load has none).
    subjects: HashMap<i64, Subject>,
    /// Station, then village: looked up by the row's own strings, with no key made.
    localities: HashMap<Box<str>, HashMap<Box<str>, Arc<Locality>>>,
    logins: HashMap<Box<str>, Arc<str>>,
}

impl<'a> Entries<'a> {
    /// Entries that share the names of these patients' rows; `index` (id → position) is the
    /// register's, when there is one.
    pub fn sharing(rows: &'a [PatientRow], index: Option<&'a HashMap<i64, usize>>) -> Self {
        Entries {
            rows,
            index,
            ..Default::default()
        }
    }

    fn row_subject(&self, patient_id: i64) -> Option<&Subject> {
        let row = match self.index {
            Some(index) => index.get(&patient_id).map(|&i| &self.rows[i]),
            None => self.rows.iter().find(|p| p.id == patient_id),
        };
        row.map(|p| &p.subject)
    }

    pub fn entry(&mut self, a: OpenAlert) -> AlertEntry {
        let known = self
            .row_subject(a.patient_id)
            .or_else(|| self.subjects.get(&a.patient_id));
        let subject = match known {
            Some(s) if s.name() == a.patient_name => s.clone(),
            _ => {
                let s = Subject::named(a.patient_name);
                self.subjects.insert(a.patient_id, s.clone());
                s
            }
        };
        if !self.localities.contains_key(a.station) {
            self.localities.insert(a.station.into(), HashMap::new());
        }
        let villages = self.localities.get_mut(a.station).expect("inserted above");
        let locality = match villages.get(a.village) {
            Some(l) => l.clone(),
            None => {
                let l = Arc::new(Locality {
                    village: a.village.into(),
                    station: a.station.into(),
                    key: search::key([a.village, a.station]).into_boxed_str(),
                });
                villages.insert(a.village.into(), l.clone());
                l
            }
        };
        let taken_by = a.taken_by.map(|login| match self.logins.get(login) {
            Some(l) => l.clone(),
            None => {
                let l: Arc<str> = login.into();
                self.logins.insert(login.into(), l.clone());
                l
            }
        });
        AlertEntry {
            id: a.id,
            patient_id: a.patient_id,
            subject,
            risk_level: a.risk_level,
            locality,
            kind: a.kind,
            severity: a.severity,
            status: a.status,
            since: a.since,
            raised_at: a.raised_at,
            snoozed_until: a.snoozed_until,
            taken_by,
        }
    }
}

/// The searched words of a kind, status and severity: the kind and status in both languages
/// and the severity's code, made once per combination for the process.
fn label(kind: AlertKind, status: AlertStatus, severity: Severity) -> &'static str {
    use std::sync::OnceLock;
    static LABELS: OnceLock<HashMap<(AlertKind, AlertStatus, Severity), Box<str>>> =
        OnceLock::new();
    let labels = LABELS.get_or_init(|| {
        let mut all = HashMap::new();
        for kind in AlertKind::ALL {
            for status in [
                AlertStatus::New,
                AlertStatus::Acknowledged,
                AlertStatus::InProgress,
                AlertStatus::Resolved,
            ] {
                for severity in [Severity::P1, Severity::P2, Severity::P3] {
                    let key = search::key([
                        Lang::Zh.alert_kind(kind),
                        Lang::En.alert_kind(kind),
                        Lang::Zh.alert_status(status),
                        Lang::En.alert_status(status),
                        severity.code(),
                    ]);
                    all.insert((kind, status, severity), key.into_boxed_str());
                }
            }
        }
        all
    });
    labels.get(&(kind, status, severity)).map_or("", |k| k)
}
