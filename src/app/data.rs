//! What the console shows, as loaded from the store for one operator's scope: a snapshot of
//! the lists and the open patient's detail. Loading happens on the store thread; the console
//! only ever reads these values.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use super::search;
use crate::config::Config;
use crate::domain::alert::{AlertStatus, Severity};
use crate::domain::clock::beijing_date;
use crate::domain::control::{in_force_for, in_force_for_desk};
use crate::domain::followup::FollowUp;
use crate::domain::key_population::{KeyCategory, categories};
use crate::domain::patient::Patient;
use crate::domain::schedule::{ControlWindow, days_overdue, followup_due, visit_due};
use crate::domain::team::{Person, Role, missing_roles};
use crate::store::alerts::AlertRow;
use crate::store::incidents::IncidentRow;
use crate::store::operators::Operator;
use crate::store::patients::PatientQuery;
use crate::store::persons::TeamMember;
use crate::store::{AuditEntry, Result, Store};

/// A patient with what the lists show and search precomputed.
#[derive(Debug, Clone)]
pub struct PatientRow {
    pub patient: Patient,
    pub masked_id: String,
    pub key: Vec<KeyCategory>,
    pub due: NaiveDate,
    /// Days past the follow-up due date; zero or less when not overdue.
    pub days_overdue: i64,
    pub visit_due: NaiveDate,
    /// Name, masked ID, township, village and station, as written and in pinyin, for the
    /// filter (see `search`).
    pub haystack: String,
    /// The name's pinyin order.
    pub name_order: String,
    /// Station then village, in pinyin order.
    pub village_order: String,
}

impl PatientRow {
    pub fn new(
        p: Patient,
        now: DateTime<Utc>,
        control: Option<&ControlWindow>,
        config: &Config,
    ) -> Self {
        let due = followup_due(&p, &config.followup);
        let masked_id = p.id_number.masked();
        let j = &p.jurisdiction;
        let haystack = search::key([
            p.name.as_str(),
            masked_id.as_str(),
            j.township.as_str(),
            j.village.as_str(),
            j.station.as_str(),
        ]);
        let name_order = search::sort_key(&p.name);
        let village_order = format!(
            "{}\u{1e}{}",
            search::sort_key(&j.station),
            search::sort_key(&j.village)
        );
        PatientRow {
            name_order,
            village_order,
            key: categories(&p),
            days_overdue: days_overdue(due, beijing_date(now)),
            visit_due: visit_due(&p, now, control, &config.followup, &config.control).date,
            masked_id,
            due,
            haystack,
            patient: p,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PersonRow {
    pub person: Person,
    pub roles: Vec<Role>,
    pub patients: usize,
    pub high_risk: u32,
    /// (patient id, role) of everyone this person serves in scope.
    pub serves: Vec<(i64, Role)>,
    pub haystack: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub patients: usize,
    /// P1 alerts nobody has acknowledged yet.
    pub p1: usize,
    pub new_alerts: usize,
    pub open_incidents: usize,
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub taken_at: DateTime<Utc>,
    pub alerts: Vec<AlertRow>,
    pub patients: Vec<PatientRow>,
    pub persons: Vec<PersonRow>,
    pub incidents: Vec<IncidentRow>,
    pub audit: Vec<AuditEntry>,
    pub control: Option<ControlWindow>,
    pub counts: Counts,
    /// False for the quick first load (alerts, counts, incidents); the lists follow.
    pub complete: bool,
    /// The search key of each alert, in the order of `alerts` (see `search`).
    pub alert_keys: Vec<String>,
    /// The search key of each audit row (its sentence in both languages), in the order of
    /// `audit`: built once when loaded, not at every keystroke of the filter.
    pub audit_keys: Vec<String>,
    /// Patient id → position in `patients`.
    pub patient_index: HashMap<i64, usize>,
    /// This operator's open shift, if any.
    pub shift: Option<crate::store::shifts::ShiftRow>,
    /// Operators' display names by login, so the console names desks, never logins.
    pub operator_names: HashMap<String, String>,
}

impl Snapshot {
    pub fn patient(&self, id: i64) -> Option<&PatientRow> {
        self.patient_index.get(&id).map(|&i| &self.patients[i])
    }

    /// The display name of an operator (a desk), or the login if unknown.
    pub fn operator_name<'a>(&'a self, login: &'a str) -> &'a str {
        self.operator_names
            .get(login)
            .map(String::as_str)
            .unwrap_or(login)
    }

    /// The name of the patient an audit row's entity id names, if in scope.
    pub fn patient_name(&self, entity_id: &str) -> Option<&str> {
        let id: i64 = entity_id.parse().ok()?;
        self.patient(id).map(|p| p.patient.name.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct PatientDetail {
    pub row: PatientRow,
    pub team: Vec<TeamMember>,
    pub missing: Vec<Role>,
    pub followups: Vec<FollowUp>,
    pub alerts: Vec<AlertRow>,
    pub incidents: Vec<IncidentRow>,
    /// The full ID number and phone, present only after an audited reveal.
    pub revealed: Option<(String, String)>,
    /// The timeline of status, risk, condition, treatment and jurisdiction, oldest first.
    pub history: Vec<crate::domain::history::HistoryEntry>,
}

/// How many audit rows the log view keeps.
const AUDIT_ROWS: usize = 500;

/// The quick first load: what the alerts view and the header need, in a fraction of the time
/// the whole register takes.
pub fn load_first(store: &Store, operator: &Operator, now: DateTime<Utc>) -> Result<Snapshot> {
    let scope = operator.scope();
    let alerts = store.alerts(&scope, true)?;
    let incidents = store.incidents(&scope)?;
    let counts = Counts {
        patients: store.patient_count(&scope)? as usize,
        p1: alerts
            .iter()
            .filter(|a| {
                a.severity == Severity::P1
                    && a.status == AlertStatus::New
                    && !a.is_snoozed(beijing_date(now))
            })
            .count(),
        new_alerts: alerts
            .iter()
            .filter(|a| a.status == AlertStatus::New)
            .count(),
        open_incidents: incidents.iter().filter(|i| i.closed_at.is_none()).count(),
    };
    Ok(Snapshot {
        taken_at: now,
        alert_keys: alert_keys(&alerts),
        alerts,
        patients: Vec::new(),
        persons: Vec::new(),
        incidents,
        audit: Vec::new(),
        audit_keys: Vec::new(),
        control: store.control_for_desk(scope.station(), now)?,
        counts,
        complete: false,
        patient_index: HashMap::new(),
        shift: store.current_shift(&operator.login)?,
        operator_names: operator_names(store)?,
    })
}

pub fn load_snapshot(
    store: &Store,
    operator: &Operator,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Snapshot> {
    let scope = operator.scope();
    let t0 = std::time::Instant::now();
    let orders = store.control_orders()?;
    let control = in_force_for_desk(&orders, scope.station(), now);
    let patients: Vec<PatientRow> = store
        .patients(&PatientQuery {
            scope: scope.clone(),
            ..Default::default()
        })?
        .into_iter()
        .map(|p| {
            let window = in_force_for(&orders, &p.jurisdiction, now);
            PatientRow::new(p, now, window.as_ref(), config)
        })
        .collect();
    let patient_index: HashMap<i64, usize> = patients
        .iter()
        .enumerate()
        .map(|(i, p)| (p.patient.id, i))
        .collect();
    let t_patients = t0.elapsed();
    let alerts = store.alerts(&scope, true)?;
    let t_alerts = t0.elapsed();
    let incidents = store.incidents(&scope)?;
    let mut persons: HashMap<i64, PersonRow> = store
        .persons(&scope)?
        .into_iter()
        .map(|p| {
            let haystack = search::key([p.name.as_str(), p.unit.as_str(), p.phone.as_str()]);
            (
                p.id,
                PersonRow {
                    person: p,
                    roles: vec![],
                    patients: 0,
                    high_risk: 0,
                    serves: vec![],
                    haystack,
                },
            )
        })
        .collect();
    for seat in store.seats(&scope)? {
        if let Some(row) = persons.get_mut(&seat.person_id) {
            if !row.roles.contains(&seat.role) {
                row.roles.push(seat.role);
            }
            row.serves.push((seat.patient_id, seat.role));
            row.patients += 1;
            row.high_risk += u32::from(seat.high_risk);
        }
    }
    let mut persons: Vec<PersonRow> = persons.into_values().collect();
    // Those carrying the most come first: the staff, then guardians.
    persons.sort_by(|a, b| {
        (b.patients, &a.person.name, a.person.id).cmp(&(a.patients, &b.person.name, b.person.id))
    });
    let t_persons = t0.elapsed();
    let audit = store.audit_entries(&scope, AUDIT_ROWS)?;
    let audit_keys = audit_keys(&audit);
    tracing::debug!(
        patients_ms = t_patients.as_millis() as u64,
        alerts_ms = (t_alerts - t_patients).as_millis() as u64,
        persons_ms = (t_persons - t_alerts).as_millis() as u64,
        audit_ms = (t0.elapsed() - t_persons).as_millis() as u64,
        "snapshot parts"
    );
    let counts = Counts {
        patients: patients.len(),
        p1: alerts
            .iter()
            .filter(|a| {
                a.severity == Severity::P1
                    && a.status == AlertStatus::New
                    && !a.is_snoozed(beijing_date(now))
            })
            .count(),
        new_alerts: alerts
            .iter()
            .filter(|a| a.status == AlertStatus::New)
            .count(),
        open_incidents: incidents.iter().filter(|i| i.closed_at.is_none()).count(),
    };
    Ok(Snapshot {
        taken_at: now,
        alert_keys: alert_keys(&alerts),
        alerts,
        patients,
        persons,
        incidents,
        audit,
        audit_keys,
        control,
        counts,
        complete: true,
        patient_index,
        shift: store.current_shift(&operator.login)?,
        operator_names: operator_names(store)?,
    })
}

/// An alert is found by its patient, its kind and status in either language, its village
/// and station, and its severity (`P1`).
/// An audit row is found by its operator and its sentence in either language.
fn audit_keys(audit: &[AuditEntry]) -> Vec<String> {
    use crate::i18n::Lang;
    audit
        .iter()
        .map(|e| {
            search::key([
                e.operator.as_str(),
                Lang::Zh.audit_sentence(e).as_str(),
                Lang::En.audit_sentence(e).as_str(),
            ])
        })
        .collect()
}

fn alert_keys(alerts: &[AlertRow]) -> Vec<String> {
    use crate::i18n::Lang;
    alerts
        .iter()
        .map(|a| {
            search::key([
                a.patient_name.as_str(),
                Lang::Zh.alert_kind(a.kind),
                Lang::En.alert_kind(a.kind),
                Lang::Zh.alert_status(a.status),
                Lang::En.alert_status(a.status),
                a.village.as_str(),
                a.station.as_str(),
                a.severity.code(),
            ])
        })
        .collect()
}

fn operator_names(store: &Store) -> Result<HashMap<String, String>> {
    Ok(store
        .operators(&crate::store::Scope::All)?
        .into_iter()
        .map(|o| (o.login, o.display_name))
        .collect())
}

pub fn load_detail(
    store: &Store,
    operator: &Operator,
    config: &Config,
    patient_id: i64,
    revealed: bool,
    now: DateTime<Utc>,
) -> Result<Option<PatientDetail>> {
    let scope = operator.scope();
    let Some(p) = store.patient(patient_id, &scope)? else {
        return Ok(None);
    };
    let control = in_force_for(&store.control_orders()?, &p.jurisdiction, now);
    let team = store.team(patient_id, &scope)?;
    let roles: Vec<Role> = team.iter().map(|m| m.role).collect();
    let missing = missing_roles(&p, &roles, &config.team);
    let incidents = store
        .incidents(&scope)?
        .into_iter()
        .filter(|i| i.patient_id == Some(patient_id))
        .collect();
    let revealed = revealed.then(|| (p.id_number.to_string(), p.phone.clone()));
    Ok(Some(PatientDetail {
        row: PatientRow::new(p, now, control.as_ref(), config),
        team,
        missing,
        followups: store.followups(patient_id, &scope)?,
        history: store.patient_history(patient_id, &scope)?,
        alerts: store.patient_alerts(patient_id, &scope)?,
        incidents,
        revealed,
    }))
}

/// The reports view's figures, loaded only while that view is open.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub stats: Vec<crate::report::stats::StatRow>,
    pub compliance: Vec<crate::domain::incident::StepCompliance>,
    /// Audited actions today in scope, by action.
    pub today: Vec<(crate::domain::audit::AuditAction, i64)>,
    /// Control orders (管控) that apply to this desk: in force, to come, or ended within a
    /// week, as the order they were set in.
    pub controls: Vec<crate::domain::control::ControlOrder>,
}

pub fn load_report(
    store: &Store,
    operator: &Operator,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<ReportData> {
    use chrono::Datelike;
    let scope = operator.scope();
    let to = beijing_date(now);
    let from = to.with_day(1).expect("day 1 exists");
    let stats = crate::report::statistics(store, &scope, from, to, config)?;
    let start = crate::domain::clock::beijing_midnight(from);
    let incidents =
        store.incidents_opened_between(start, now + chrono::Duration::seconds(1), &scope)?;
    let timed: Vec<_> = incidents
        .iter()
        .map(|i| {
            (
                i.opened_at,
                i.steps.iter().map(|s| (s.deadline, s.done_at)).collect(),
            )
        })
        .collect();
    let compliance =
        crate::domain::incident::compliance(&timed, config.quick_response.steps.len(), now);
    // A station sees its own station's actions; the filter is in the query.
    let today =
        store.action_counts_since(crate::domain::clock::beijing_midnight(to), &scope, None)?;
    let week_ago = now - chrono::Duration::days(7);
    let controls = store
        .control_orders()?
        .into_iter()
        .filter(|o| o.concerns(scope.station()) && o.window().ends_at > week_ago)
        .collect();
    Ok(ReportData {
        from,
        to,
        stats,
        compliance,
        today,
        controls,
    })
}
