//! Importing a roster through the one door: the checked rows are written in one transaction
//! (all or nothing) by a center operator. Patients insert or update by ID number; team
//! members are matched by name and phone (registered when new, with the kind of the column
//! that named them) and held to the same kind and jurisdiction rules as any assignment; the
//! places the roster names enter the register; each changed patient gets one audit row
//! holding the fields that changed (a new one: the fields the roster gave); the alerts of the
//! patients it touched are refreshed in the same commit. Rows are checked and written a batch
//! at a time, so memory follows the batch, not the roster.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Transaction;
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use super::followups::diff;
use super::{Act, Desk, Need, Result};
use crate::domain::alert::RoleSet;
use crate::domain::audit::AuditAction;
use crate::domain::clock::beijing_date;
use crate::domain::patient::{Jurisdiction, Patient};
use crate::domain::team::{Person, Role, check_assignment, home_jurisdiction};
use crate::import::columns::Field;
use crate::import::rows::{self, Level, Problem, Reason, RosterRow};
use crate::import::table::RosterRows;
use crate::store::StoreError;
use crate::store::alerts::{self, ReconcileSummary};
use crate::store::audit::{AuditEvent, AuditLog, Author};
use crate::store::import_audit::{self, KeptRoster, Link, role_bits};
use crate::store::persons::{self, NewPerson};
use crate::store::{changes, patients, places};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RosterCounts {
    /// Patients who moved to another station's jurisdiction.
    pub transferred: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub persons_created: usize,
    pub places_added: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    #[serde(flatten)]
    pub counts: RosterCounts,
    pub errors: usize,
    pub warnings: usize,
    /// Problems counted but not listed (only the first `MAX_LISTED_PROBLEMS` are).
    pub problems_omitted: usize,
    pub dry_run: bool,
    pub committed: bool,
    pub alerts: Option<ReconcileSummary>,
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

/// How many rows are checked and written at a time: enough to keep both cores busy
/// checking, few enough that a batch's parsed cells stay a few megabytes whatever the file.
const BATCH: usize = 4096;

/// Touched patients held for one alert refresh. A refresh of more than a few patients reads
/// every open alert once (and one of a few patients still scans them: its query cannot use
/// the index), so patients are refreshed in large groups: a pass per 50,000, and the memory
/// for them bounded, whatever the roster.
const REFRESH_AT: usize = 50_000;

/// A roster of more rows than this writes more change rows (a patient, its team, its alerts)
/// than a console takes as a delta (5,000), so it reloads whole anyway: the import holds the
/// per-row change rows back and records one "reload whole" instead.
const HOLD_CHANGES_OVER: usize = 500;

impl Desk<'_> {
    /// Checks and writes a roster; any error writes nothing, and so does a dry run. Rows are
    /// checked and written a batch at a time in one transaction, so a CSV's rows are never
    /// all parsed at once; after the first error the rest is only checked, so that the report
    /// still lists every problem, and the transaction is rolled back.
    pub fn import_roster(
        &mut self,
        roster: &dyn RosterRows,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let started = std::time::Instant::now();
        let today = beijing_date(self.now());
        let (checker, mut problems) =
            rows::Checker::new(roster.headers(), roster.header_row(), today);
        let mut report = ImportReport {
            rows: roster.row_count(),
            counts: RosterCounts::default(),
            errors: 0,
            warnings: 0,
            problems_omitted: 0,
            dry_run,
            committed: false,
            alerts: None,
            problems: Vec::new(),
        };
        if let Some(mut checker) = checker {
            // Only an import that may commit keeps its roster: a dry run neither renders nor
            // compresses it.
            let name = roster.name();
            let text = (!dry_run).then(|| roster.as_read());
            let ((counts, more, refreshed), committed) = std::thread::scope(|threads| {
                // The roster is compressed for keeping on the other core while rows are
                // checked and written.
                let keeping = text
                    .as_deref()
                    .map(|text| threads.spawn(|| KeptRoster::new(&name, text)));
                self.act_or_roll_back(Need::Center, |act| {
                    let (tx, now, config) = (act.tx, act.now, act.config);
                    let hold = roster.row_count() > HOLD_CHANGES_OVER;
                    if hold {
                        changes::hold_in(tx)?;
                    }
                    let mut writer = RosterWriter::open(act, today, name.clone())?;
                    let mut summary = ReconcileSummary::default();
                    let mut touched: Vec<(Patient, RoleSet)> = Vec::new();
                    let mut refresh = |touched: &mut Vec<(Patient, RoleSet)>| -> Result<()> {
                        if !dry_run && !touched.is_empty() {
                            let s = alerts::refresh_patients_in(tx, touched, now, config)?;
                            summary.opened += s.opened;
                            summary.closed += s.closed;
                            summary.updated += s.updated;
                        }
                        touched.clear();
                        Ok(())
                    };
                    let mut failed = None;
                    let mut write = |rows: &[RosterRow]| -> Result<()> {
                        touched.extend(writer.apply(rows)?);
                        if touched.len() >= REFRESH_AT {
                            refresh(&mut touched)?;
                        }
                        Ok(())
                    };
                    let mut writing = true;
                    roster
                        .each_batch(BATCH, &mut |batch| {
                            let (rows, found) = checker.batch(batch);
                            problems.append(found);
                            writing &= !problems.has_errors();
                            if writing && let Err(e) = write(&rows) {
                                failed = Some(e);
                                return ControlFlow::Break(());
                            }
                            ControlFlow::Continue(())
                        })
                        .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
                    if let Some(e) = failed {
                        return Err(e);
                    }
                    if !problems.has_errors() {
                        refresh(&mut touched)?;
                    }
                    if hold {
                        changes::release_in(tx)?;
                    }
                    // A file with errors reports them alone, as if nothing had been tried.
                    let (counts, more) = if problems.has_errors() {
                        (RosterCounts::default(), Vec::new())
                    } else {
                        (writer.counts, writer.problems)
                    };
                    let keep = !dry_run && !problems.has_errors() && !has_errors(&more);
                    if keep && let Some(keeping) = keeping {
                        let kept = keeping
                            .join()
                            .unwrap_or_else(|_| Err(std::io::Error::other("compressing failed")))
                            .map_err(StoreError::Io)?;
                        let mut links = std::mem::take(&mut writer.links);
                        let rows = roster.row_count();
                        import_audit::write(
                            tx,
                            act.audit_at(),
                            act.author(),
                            &kept,
                            import_summary(rows, &counts),
                            &mut links,
                        )?;
                    }
                    Ok(((counts, more, keep.then_some(summary)), keep))
                })
            })?;
            report.counts = counts;
            report.committed = committed;
            report.alerts = refreshed;
            for p in more {
                problems.push(p);
            }
        } else {
            // Nothing to write, but the operator must still be one who may import.
            self.act_or_roll_back(Need::Center, |_| Ok(((), false)))?;
        }
        problems
            .listed
            .sort_by_key(|p| (p.row, p.level == Level::Warning));
        report.errors = problems.errors;
        report.warnings = problems.warnings;
        report.problems_omitted = problems.omitted();
        report.problems = problems.listed;
        tracing::info!(
            rows = report.rows,
            errors = report.errors,
            committed = report.committed,
            ms = started.elapsed().as_millis() as u64,
            "roster import"
        );
        Ok(report)
    }
}

fn has_errors(p: &[Problem]) -> bool {
    p.iter().any(|p| p.level == Level::Error)
}

/// Writes checked rows inside the import's transaction, keeping what every row needs (which
/// ID numbers are registered, every person by name and phone, the end of the audit chain)
/// instead of reading it again per row.
struct RosterWriter<'a> {
    tx: &'a Transaction<'a>,
    now: DateTime<Utc>,
    today: NaiveDate,
    login: String,
    author: Author,
    audit_at: DateTime<Utc>,
    log: AuditLog,
    registered: HashSet<String>,
    /// Every person by name and phone (the matching rule for team members), and their names
    /// by id for the audit rows.
    people: HashMap<(String, String), Person>,
    names: HashMap<i64, String>,
    /// Places already registered by this import.
    places: HashSet<Jurisdiction>,
    counts: RosterCounts,
    problems: Vec<Problem>,
    /// Each added patient and the row that gave them, for the import's one audit row.
    links: Vec<Link>,
    /// The roster's file name, which an updated patient's audit row names with its row.
    file: String,
}

impl<'a> RosterWriter<'a> {
    fn open(act: &Act<'a>, today: NaiveDate, file: String) -> Result<RosterWriter<'a>> {
        let tx = act.tx;
        let people: HashMap<(String, String), Person> = persons::all_in(tx)?
            .into_iter()
            .map(|p| ((p.name.clone(), p.phone.clone()), p))
            .collect();
        let names = people.values().map(|p| (p.id, p.name.clone())).collect();
        Ok(RosterWriter {
            tx,
            now: act.now,
            today,
            login: act.operator.login.clone(),
            author: act.author().clone(),
            audit_at: act.audit_at(),
            log: act.audit_log()?,
            registered: patients::id_numbers_in(tx)?,
            people,
            names,
            places: HashSet::new(),
            counts: RosterCounts::default(),
            problems: Vec::new(),
            links: Vec::new(),
            file,
        })
    }

    /// Writes `rows`; returns every patient it added or changed (as stored, with the roles
    /// its team now fills) for alert derivation.
    fn apply(&mut self, rows: &[RosterRow]) -> Result<Vec<(Patient, RoleSet)>> {
        // Refreshing the last batch's alerts appended rows of its own: continue after them.
        self.log = AuditLog::open(self.tx)?;
        let mut touched = Vec::new();
        for row in rows {
            if let Some(t) = self.apply_row(row)? {
                touched.push(t);
            }
        }
        Ok(touched)
    }

    fn apply_row(&mut self, row: &RosterRow) -> Result<Option<(Patient, RoleSet)>> {
        let (tx, now, today) = (self.tx, self.now, self.today);
        let login = self.login.as_str();
        let counts = &mut self.counts;
        if !self.places.contains(&row.jurisdiction) {
            counts.places_added +=
                places::register_jurisdiction(tx, &row.jurisdiction, now, login)?;
            self.places.insert(row.jurisdiction.clone());
        }
        let existing: Option<Patient> = if self.registered.contains(row.id_number.as_str()) {
            patients::by_id_number_in(tx, row.id_number.as_str())?
        } else {
            None
        };
        let patient = row.merge_into(existing.as_ref(), today);
        let mut team: Vec<(Role, i64)> = Vec::new();
        let mut created_persons: Vec<Role> = Vec::new();
        for m in &row.members {
            let key = (m.name.clone(), m.phone.clone());
            let person = match self.people.get(&key) {
                Some(p) => p.clone(),
                None => {
                    let (j, unit) = home_jurisdiction(m.role, &patient.jurisdiction);
                    let new = NewPerson {
                        name: m.name.clone(),
                        phone: m.phone.clone(),
                        unit,
                        jurisdiction: j,
                        kind: m.role.kind(),
                        county_wide: false,
                    };
                    let p = persons::insert(tx, &new, now)?;
                    counts.persons_created += 1;
                    created_persons.push(m.role);
                    self.names.insert(p.id, p.name.clone());
                    self.people.insert(key, p.clone());
                    p
                }
            };
            match check_assignment(&patient.jurisdiction, m.role, &person) {
                Ok(()) => team.push((m.role, person.id)),
                Err(refusal) => self.problems.push(Problem {
                    row: row.line,
                    column: Field::MemberName(m.role).header().into(),
                    value: m.name.clone(),
                    reason: Reason::OutsideJurisdiction(refusal),
                    level: Level::Error,
                }),
            }
        }
        let before_team = match &existing {
            Some(p) => persons::assignments_in(tx, p.id)?,
            None => Vec::new(),
        };
        // Roles the roster leaves blank keep whoever holds them.
        let mut after_team = before_team.clone();
        for (role, id) in &team {
            match after_team.iter_mut().find(|(r, _)| r == role) {
                Some(slot) => slot.1 = *id,
                None => after_team.push((*role, *id)),
            }
        }
        // A move (*r2*): whoever the roster did not name again and who no longer fits the new
        // jurisdiction leaves the team in this transaction, audited by name.
        let moved_from = existing
            .as_ref()
            .filter(|e| e.jurisdiction != patient.jurisdiction)
            .map(|e| e.jurisdiction.clone());
        let mut dropped: Vec<(Role, Person)> = Vec::new();
        if moved_from.is_some() {
            let mut kept = Vec::new();
            for (role, person_id) in after_team {
                let named = team.iter().any(|(r, _)| *r == role);
                let person = persons::load(tx, person_id)?;
                if named || check_assignment(&patient.jurisdiction, role, &person).is_ok() {
                    kept.push((role, person_id));
                } else {
                    dropped.push((role, person));
                }
            }
            after_team = kept;
        }
        after_team.sort();
        if existing.as_ref() == Some(&patient) && before_team == after_team {
            counts.unchanged += 1;
            return Ok(None);
        }
        // A roster says when the level was last assessed, not when it first reached 3: the
        // last follow-up date (else registration) is the earliest day the store can vouch for.
        let high_risk_on = patient.last_followup.unwrap_or(patient.registered_on);
        let id = patients::save(tx, &patient, now, high_risk_on)?;
        for (role, person_id) in &team {
            if !before_team.contains(&(*role, *person_id)) {
                persons::put_assignment(tx, id, *role, *person_id, now, login)?;
            }
        }
        for (role, person) in &dropped {
            persons::remove_assignment(tx, id, *role, person.id)?;
            let event = AuditEvent::new(AuditAction::TeamUnassigned, "patient", id)
                .patient(id, &patient.jurisdiction.station);
            let before = json!({"role": role, "person_id": person.id, "person": person.name});
            let after = json!({"reason": "moved", "township": patient.jurisdiction.township,
                "village": patient.jurisdiction.village, "station": patient.jurisdiction.station});
            self.log.append_text(
                tx,
                self.audit_at,
                &self.author,
                &event,
                Some(&before.to_string()),
                Some(&after.to_string()),
            )?;
        }
        if let Some(from) = moved_from
            .as_ref()
            .filter(|f| f.station != patient.jurisdiction.station)
        {
            alerts::insert_transferred_in(tx, id, &from.station, login, now)?;
            counts.transferred += 1;
        }
        let mut stored = patient;
        stored.id = id;
        match &existing {
            // An added patient is the file's row, which the import's audit row keeps.
            None => self.links.push(Link {
                patient_id: id,
                line: row.line,
                registered: role_bits(&created_persons),
            }),
            Some(before) => {
                let changed = (&before_team[..], &stored, &after_team[..]);
                self.audit_update(before, changed, &created_persons, row.line)?
            }
        }
        if existing.is_some() {
            self.counts.updated += 1;
        } else {
            self.counts.added += 1;
        }
        Ok(Some((stored, after_team.iter().map(|(r, _)| *r).collect())))
    }
}

/// A team as roles and the ids of the persons holding them.
type Seats = [(Role, i64)];

impl RosterWriter<'_> {
    /// An updated patient's audit row: only what changed, before and after, and the file row
    /// that changed it (`source`, which the sentence reads and the changes leave out).
    fn audit_update(
        &mut self,
        existing: &Patient,
        (before_team, stored, after_team): (&Seats, &Patient, &Seats),
        created_persons: &[Role],
        line: usize,
    ) -> Result<()> {
        let names = &self.names;
        let team_names = |t: &[(Role, i64)]| -> serde_json::Value {
            t.iter()
                .map(|(r, id)| (r, names.get(id).map(String::as_str).unwrap_or("")))
                .map(|(r, n)| (serde_json::to_value(r).unwrap_or_default(), n))
                .filter_map(|(r, n)| r.as_str().map(|r| (r.to_string(), json!(n))))
                .collect::<serde_json::Map<_, _>>()
                .into()
        };
        let whole = |p: &Patient, t: &[(Role, i64)]| {
            let mut v = serde_json::to_value(p).unwrap_or_default();
            if let Some(m) = v.as_object_mut() {
                m.insert("team".into(), team_names(t));
            }
            v
        };
        let (before, mut after) = diff(&whole(existing, before_team), &whole(stored, after_team));
        // The persons this row registered, by the role that named them: their names are in
        // `team` and their kind follows from the role, so neither is written twice.
        if !created_persons.is_empty()
            && let Some(m) = after.as_object_mut()
        {
            m.insert("persons_created".into(), json!(created_persons));
        }
        if let Some(m) = after.as_object_mut() {
            m.insert("source".into(), json!({"file": self.file, "line": line}));
        }
        let event = AuditEvent::new(AuditAction::PatientReimported, "patient", stored.id)
            .patient(stored.id, &stored.jurisdiction.station);
        self.log.append_text(
            self.tx,
            self.audit_at,
            &self.author,
            &event,
            Some(&before.to_string()),
            Some(&after.to_string()),
        )?;
        Ok(())
    }
}

/// The import row's own words: what the roster held and what it did.
fn import_summary(rows: usize, c: &RosterCounts) -> serde_json::Map<String, serde_json::Value> {
    let v = json!({
        "rows": rows,
        "added": c.added,
        "updated": c.updated,
        "unchanged": c.unchanged,
        "transferred": c.transferred,
        "persons_created": c.persons_created,
        "places_added": c.places_added,
    });
    v.as_object().cloned().unwrap_or_default()
}
