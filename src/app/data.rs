//! What the console shows, as loaded from the store for one operator's scope: a snapshot of
//! the lists and the open patient's detail. Loading happens on the store thread; the console
//! only ever reads these values.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::Arc;

use super::alert_entry::{AlertEntry, Entries};
use super::search;
use super::subject::Subject;
use crate::config::Config;
use crate::domain::alert::{AlertStatus, Severity};
use crate::domain::clock::beijing_date;
use crate::domain::control::{in_force_for, in_force_for_desk};
use crate::domain::followup::FollowUp;
use crate::domain::key_population::KeySet;
use crate::domain::patient::{Compliance, Condition, Jurisdiction, Medication, Patient, Status};
use crate::domain::risk::RiskLevel;
use crate::domain::schedule::{ControlWindow, days_overdue, followup_due, visit_due};
use crate::domain::team::{Person, Role, missing_roles};
use crate::store::alerts::AlertRow;
use crate::store::incidents::IncidentRow;
use crate::store::operators::Operator;
use crate::store::patients::PatientQuery;
use crate::store::persons::TeamMember;
use crate::store::{AuditEntry, Result, Store};

/// A patient as the lists show, filter and sort them: what a row draws and what search and
/// the sorts read, a couple of hundred bytes. The whole record (phone, address, history) is
/// read only for the open patient (`PatientDetail`); at 100k patients holding every record
/// was most of a console's memory.
#[derive(Debug, Clone)]
pub struct PatientRow {
    pub id: i64,
    /// The name, its search key and its order, shared with the patient's alerts.
    pub subject: Subject,
    /// The ID number's region code and last four, the only parts a list shows.
    id_shown: [u8; 10],
    pub risk_level: RiskLevel,
    pub condition: Condition,
    pub status: Status,
    /// What a follow-up form starts from.
    pub compliance: Option<Compliance>,
    pub medication: Option<Medication>,
    /// A follow-up form warns when its date repeats this one.
    pub last_followup: Option<NaiveDate>,
    /// Township, village and station with their search key and order, shared by every
    /// patient of the place.
    pub place: Arc<Place>,
    pub key: KeySet,
    pub due: NaiveDate,
    /// Days past the follow-up due date; zero or less when not overdue.
    pub days_overdue: i64,
    pub visit_due: NaiveDate,
}

/// A place (township, village, station) as its patients share it: a register holds a few
/// thousand of these, not one a patient.
#[derive(Debug)]
pub struct Place {
    pub jurisdiction: Jurisdiction,
    /// Township, village and station, as written and in pinyin.
    pub key: Box<str>,
    /// Station then village, in pinyin order.
    pub village_order: Box<str>,
}

/// Which patients every word finds, walked in the register's order: there the patients of
/// one place stand together, so a place's key is searched once for each run of its patients,
/// not once a patient.
pub fn patients_matching(patients: &[PatientRow], words: &search::Needles) -> Vec<bool> {
    let mut place: Option<(*const Place, Vec<bool>)> = None;
    patients
        .iter()
        .map(|p| {
            let at = Arc::as_ptr(&p.place);
            let in_place = match &place {
                Some((q, hits)) if *q == at => hits,
                _ => &place.insert((at, words.each_in(p.place.key.as_bytes()))).1,
            };
            p.matches_with_place(words, in_place)
        })
        .collect()
}

/// The places met while loading, handed out shared to the patients of each.
#[derive(Debug, Default)]
pub struct Places {
    known: HashMap<Jurisdiction, Arc<Place>>,
}

impl Places {
    fn get(&mut self, j: &Jurisdiction) -> Arc<Place> {
        if let Some(p) = self.known.get(j) {
            return p.clone();
        }
        let place = Arc::new(Place {
            key: search::key([j.township.as_str(), j.village.as_str(), j.station.as_str()])
                .into_boxed_str(),
            village_order: format!(
                "{}\u{1e}{}",
                search::sort_key(&j.station),
                search::sort_key(&j.village)
            )
            .into_boxed_str(),
            jurisdiction: j.clone(),
        });
        self.known.insert(j.clone(), place.clone());
        place
    }
}

impl PatientRow {
    pub fn new(
        p: &Patient,
        now: DateTime<Utc>,
        control: Option<&ControlWindow>,
        config: &Config,
    ) -> Self {
        Self::with_places(p, now, control, config, &mut Places::default())
    }

    /// As `new`, sharing the place with the other patients of the same place.
    pub fn with_places(
        p: &Patient,
        now: DateTime<Utc>,
        control: Option<&ControlWindow>,
        config: &Config,
        places: &mut Places,
    ) -> Self {
        let due = followup_due(p, &config.followup);
        let mut id_shown = [b'0'; 10];
        let digits = p.id_number.as_str().as_bytes();
        id_shown[..6].copy_from_slice(&digits[..6]);
        id_shown[6..].copy_from_slice(&digits[14..18]);
        PatientRow {
            id: p.id,
            subject: Subject::new(&p.name),
            id_shown,
            risk_level: p.risk_level,
            condition: p.condition,
            status: p.status,
            compliance: p.compliance,
            medication: p.medication,
            last_followup: p.last_followup,
            place: places.get(&p.jurisdiction),
            key: KeySet::of(p),
            days_overdue: days_overdue(due, beijing_date(now)),
            visit_due: visit_due(p, now, control, &config.followup, &config.control).date,
            due,
        }
    }

    pub fn name(&self) -> &str {
        self.subject.name()
    }

    pub fn jurisdiction(&self) -> &Jurisdiction {
        &self.place.jurisdiction
    }

    pub fn is_high_risk(&self) -> bool {
        self.risk_level.is_high()
    }

    /// The ID number as lists show it (`IdNumber::masked`), made when drawn.
    pub fn masked_id(&self) -> String {
        let shown = String::from_utf8_lossy(&self.id_shown);
        format!("{}********{}", &shown[..6], &shown[6..])
    }

    /// Whether every word is in the patient's name, masked ID number or place. A typed word
    /// never spans two fields (a key keeps them apart by a separator), so this is the match
    /// of one key holding all five fields.
    /// (A register is searched by `patients_matching`, which builds the words' searchers once.)
    pub fn matches(&self, words: &[String]) -> bool {
        let words = search::Needles::new(words);
        self.matches_with_place(&words, &words.each_in(self.place.key.as_bytes()))
    }

    /// As `matches`, told which words the patient's place holds.
    fn matches_with_place(&self, words: &search::Needles, in_place: &[bool]) -> bool {
        let mut masked = None;
        words.all(|i, w| {
            in_place[i]
                || w.in_(self.subject.searched().as_bytes())
                || (w.ascii && w.in_(masked.get_or_insert_with(|| self.masked_id_searched())))
        })
    }

    /// The masked ID number lower-cased, as a key holds it: made on the stack when searched
    /// rather than held a row.
    fn masked_id_searched(&self) -> [u8; 18] {
        let mut masked = [b'*'; 18];
        masked[..6].copy_from_slice(&self.id_shown[..6]);
        masked[14..].copy_from_slice(&self.id_shown[6..]);
        masked.make_ascii_lowercase();
        masked
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
    /// The open alerts in scope, in the store's order (most urgent, then oldest).
    pub alerts: Vec<AlertEntry>,
    pub patients: Vec<PatientRow>,
    pub persons: Vec<PersonRow>,
    pub incidents: Vec<IncidentRow>,
    pub audit: Vec<AuditEntry>,
    pub control: Option<ControlWindow>,
    pub counts: Counts,
    /// False for the quick first load (alerts, counts, incidents); the lists follow.
    pub complete: bool,
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
        self.patient(id).map(|p| p.name())
    }
}

#[derive(Debug, Clone)]
pub struct PatientDetail {
    /// The whole record, read for this screen only.
    pub patient: Patient,
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
    let alerts = open_alerts(store, &scope, &[], None)?;
    let incidents = store.incidents(&scope)?;
    let counts = counts(
        store.patient_count(&scope)? as usize,
        &alerts,
        &incidents,
        now,
    );
    Ok(Snapshot {
        taken_at: now,
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
    load_snapshot_with(store, operator, config, now, true)
}

/// As `load_snapshot`, with the persons directory only when `persons` (the console holds it
/// only while a screen that reads it is open).
pub fn load_snapshot_with(
    store: &Store,
    operator: &Operator,
    config: &Config,
    now: DateTime<Utc>,
    persons: bool,
) -> Result<Snapshot> {
    let scope = operator.scope();
    let t0 = std::time::Instant::now();
    let orders = store.control_orders()?;
    let control = in_force_for_desk(&orders, scope.station(), now);
    let mut places = Places::default();
    // Sized once from the count: pushing into a doubling vector would leave a free hole
    // the size of the register behind.
    let mut patients: Vec<PatientRow> =
        Vec::with_capacity(store.patient_count(&scope)?.max(0) as usize);
    store.each_patient(
        &PatientQuery {
            scope: scope.clone(),
            ..Default::default()
        },
        |p| {
            let window = in_force_for(&orders, &p.jurisdiction, now);
            patients.push(PatientRow::with_places(
                &p,
                now,
                window.as_ref(),
                config,
                &mut places,
            ));
            Ok(())
        },
    )?;
    drop(places);
    let patient_index: HashMap<i64, usize> = patients
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let t_patients = t0.elapsed();
    let alerts = open_alerts(store, &scope, &patients, Some(&patient_index))?;
    let t_alerts = t0.elapsed();
    let incidents = store.incidents(&scope)?;
    let persons = if persons {
        load_persons(store, &scope)?
    } else {
        Vec::new()
    };
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
    let counts = counts(patients.len(), &alerts, &incidents, now);
    Ok(Snapshot {
        taken_at: now,
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

/// The persons directory of the operator's scope, as the persons view and the assign and
/// follow-up dialogs read it.
pub fn load_persons_for(store: &Store, operator: &Operator) -> Result<Vec<PersonRow>> {
    load_persons(store, &operator.scope())
}

/// The persons directory of a scope: each person with the roles they fill and the patients
/// they serve, those carrying the most first.
fn load_persons(store: &Store, scope: &crate::store::Scope) -> Result<Vec<PersonRow>> {
    let mut persons: HashMap<i64, PersonRow> = store
        .persons(scope)?
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
    for seat in store.seats(scope)? {
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
    Ok(persons)
}

/// The header's counts, from the lists as loaded.
fn counts(
    patients: usize,
    alerts: &[AlertEntry],
    incidents: &[IncidentRow],
    now: DateTime<Utc>,
) -> Counts {
    Counts {
        patients,
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
    }
}

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

/// The open alerts in scope as the console holds them, in the store's order (most urgent, then
/// oldest): read in whatever order is quickest, then sorted.
/// `patients` are the rows already loaded (and `index` theirs), whose names the alerts share.
fn open_alerts(
    store: &Store,
    scope: &crate::store::Scope,
    patients: &[PatientRow],
    index: Option<&HashMap<i64, usize>>,
) -> Result<Vec<AlertEntry>> {
    let mut entries = Entries::sharing(patients, index);
    let mut out = Vec::new();
    store.each_open_alert(scope, |a| {
        out.push(entries.entry(a));
        Ok::<_, crate::store::StoreError>(())
    })?;
    out.sort_unstable_by_key(alert_order);
    out.shrink_to_fit();
    Ok(out)
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
        row: PatientRow::new(&p, now, control.as_ref(), config),
        patient: p,
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

/// What changed since the console's last load, for its scope: the rows that replace those of
/// the touched patients, alerts and incidents (a touched id with no row here left the scope
/// or closed), the audit log's tail, and the persons directory when a team changed. Applied
/// to the snapshot in place (`Snapshot::apply`) instead of reloading the register.
#[derive(Debug, Clone, Default)]
pub struct Delta {
    pub taken_at: Option<DateTime<Utc>>,
    pub patient_ids: Vec<i64>,
    pub patients: Vec<PatientRow>,
    pub alert_ids: Vec<i64>,
    /// The open alerts in scope among the touched alerts and of the touched patients.
    pub alerts: Vec<AlertEntry>,
    pub incident_ids: Vec<i64>,
    pub incidents: Vec<IncidentRow>,
    pub audit: Vec<AuditEntry>,
    pub audit_keys: Vec<String>,
    pub persons: Option<Vec<PersonRow>>,
    pub shift: Option<crate::store::shifts::ShiftRow>,
    pub operator_names: Option<HashMap<String, String>>,
}

/// Loads the rows a change set touched, as this operator may see them.
pub fn load_delta(
    store: &Store,
    operator: &Operator,
    config: &Config,
    changes: &crate::store::changes::ChangeSet,
    now: DateTime<Utc>,
) -> Result<Delta> {
    load_delta_with(store, operator, config, changes, now, true)
}

/// As `load_delta`; the persons directory is reloaded on a team change only when `persons`
/// (the console holds it).
pub fn load_delta_with(
    store: &Store,
    operator: &Operator,
    config: &Config,
    changes: &crate::store::changes::ChangeSet,
    now: DateTime<Utc>,
    persons: bool,
) -> Result<Delta> {
    let scope = operator.scope();
    let orders = store.control_orders()?;
    let mut patients = Vec::new();
    let mut alerts = Vec::new();
    for &id in &changes.patients {
        if let Some(p) = store.patient(id, &scope)? {
            let window = in_force_for(&orders, &p.jurisdiction, now);
            patients.push(PatientRow::new(&p, now, window.as_ref(), config));
            alerts.extend(store.open_patient_alerts(id, &scope)?);
        }
    }
    for &id in &changes.alerts {
        alerts.extend(
            store
                .alert(id, &scope)?
                .filter(|a| a.status != AlertStatus::Resolved),
        );
    }
    alerts.sort_by_key(|a| a.id);
    alerts.dedup_by_key(|a| a.id);
    let mut entries = Entries::sharing(&patients, None);
    let alerts = alerts.iter().map(|a| entries.entry(a.as_open())).collect();
    let mut incidents = Vec::new();
    for &id in &changes.incidents {
        incidents.extend(store.incident(id, &scope)?);
    }
    let audit = store.audit_entries(&scope, AUDIT_ROWS)?;
    Ok(Delta {
        taken_at: Some(now),
        patient_ids: changes.patients.iter().copied().collect(),
        patients,
        alert_ids: changes.alerts.iter().copied().collect(),
        alerts,
        incident_ids: changes.incidents.iter().copied().collect(),
        incidents,
        audit_keys: audit_keys(&audit),
        audit,
        persons: if changes.team && persons {
            Some(load_persons(store, &scope)?)
        } else {
            None
        },
        shift: store.current_shift(&operator.login)?,
        operator_names: if changes.operators {
            Some(operator_names(store)?)
        } else {
            None
        },
    })
}

/// The order the store gives patients in (station, township, village, name, id), kept when
/// a changed row is put back.
fn register_order(p: &PatientRow) -> (&str, &str, &str, &str, i64) {
    let j = p.jurisdiction();
    (
        j.station.as_str(),
        j.township.as_str(),
        j.village.as_str(),
        p.name(),
        p.id,
    )
}

/// The order the store gives alerts in: most urgent, then oldest.
fn alert_order(a: &AlertEntry) -> (Severity, DateTime<Utc>, i64) {
    (a.severity, a.raised_at, a.id)
}

impl Snapshot {
    /// Puts a delta's rows in place of the touched ones, keeping the store's order, and
    /// recounts the header. Only a complete snapshot holds the register a delta patches.
    pub fn apply(&mut self, d: Delta) -> PatientsPatched {
        use std::collections::HashSet;
        if let Some(at) = d.taken_at {
            self.taken_at = at;
        }
        let touched: HashSet<i64> = d.patient_ids.iter().copied().collect();
        let mut patched = PatientsPatched::None;
        if !touched.is_empty() && self.patch_in_place(&d) {
            patched = PatientsPatched::InPlace(
                d.patients
                    .iter()
                    .filter_map(|r| self.patient_index.get(&r.id).copied())
                    .collect(),
            );
            for row in d.patients {
                let at = self.patient_index[&row.id];
                self.patients[at] = row;
            }
        } else if !touched.is_empty() {
            patched = PatientsPatched::Moved;
            self.patients.retain(|p| !touched.contains(&p.id));
            for row in d.patients {
                let at = self
                    .patients
                    .partition_point(|p| register_order(p) < register_order(&row));
                self.patients.insert(at, row);
            }
            self.patient_index = self
                .patients
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id, i))
                .collect();
        }
        let gone: HashSet<i64> = d.alert_ids.iter().copied().collect();
        if !gone.is_empty() || !touched.is_empty() {
            let keep: Vec<bool> = self
                .alerts
                .iter()
                .map(|a| !gone.contains(&a.id) && !touched.contains(&a.patient_id))
                .collect();
            let mut flags = keep.iter();
            self.alerts.retain(|_| *flags.next().unwrap_or(&true));
            for row in d.alerts {
                let at = self
                    .alerts
                    .partition_point(|a| alert_order(a) < alert_order(&row));
                self.alerts.insert(at, row);
            }
        }
        if !d.incident_ids.is_empty() {
            let gone: HashSet<i64> = d.incident_ids.iter().copied().collect();
            self.incidents.retain(|i| !gone.contains(&i.id));
            for row in d.incidents {
                // Newest first, as the store gives them.
                let at = self
                    .incidents
                    .partition_point(|i| i.opened_at >= row.opened_at);
                self.incidents.insert(at, row);
            }
        }
        self.audit = d.audit;
        self.audit_keys = d.audit_keys;
        if let Some(persons) = d.persons {
            self.persons = persons;
        }
        self.shift = d.shift;
        if let Some(names) = d.operator_names {
            self.operator_names = names;
        }
        self.counts = counts(
            self.patients.len(),
            &self.alerts,
            &self.incidents,
            self.taken_at,
        );
        patched
    }

    /// Whether every touched patient is still here, in scope, at the same place in the
    /// register's order: then the rows are replaced where they stand and no index moves.
    fn patch_in_place(&self, d: &Delta) -> bool {
        d.patients.len() == d.patient_ids.len()
            && d.patients.iter().all(|row| {
                self.patient(row.id)
                    .is_some_and(|old| register_order(old) == register_order(row))
            })
    }
}

/// What a delta did to the register's rows, so the console re-sorts only what it must.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientsPatched {
    /// No patient changed.
    None,
    /// These rows were replaced where they stood; every other index is unchanged.
    InPlace(Vec<usize>),
    /// Rows came, went or moved in the register: every index may have changed.
    Moved,
}
