//! Importing a roster through the one door: the checked rows are written in one transaction
//! (all or nothing) by a center operator. Patients insert or update by ID number; team
//! members are matched by name and phone (registered when new, with the kind of the column
//! that named them) and held to the same kind and jurisdiction rules as any assignment; the
//! places the roster names enter the register; each changed patient gets one audit row
//! holding the fields that changed (a new one: the fields the roster gave); the alerts of the
//! patients it touched are refreshed in the same commit. Rows are parsed and checked on the
//! other core a batch ahead of the writer and written a batch at a time, so memory follows
//! the batch, not the roster; added patients and persons are written many to a statement.

use chrono::{DateTime, NaiveDate, Utc};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rusqlite::Transaction;
use serde::Serialize;
use serde_json::json;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use super::added::{Added, Ground};
use super::followups::diff;
use super::{Act, Desk, Need, Result};
use crate::domain::alert::RoleSet;
use crate::domain::audit::AuditAction;
use crate::domain::clock::beijing_date;
use crate::domain::patient::{Jurisdiction, Patient};
use crate::domain::team::{Person, Role, check_assignment, home_jurisdiction};
use crate::import::columns::Field;
use crate::import::rows::{self, Level, MemberCell, Problem, Reason, RosterRow};
use crate::import::table::RosterRows;
use crate::store::StoreError;
use crate::store::alerts::{self, Derived, ReconcileSummary};
use crate::store::audit::{AuditEvent, AuditLog, Author};
use crate::store::import_audit::{self, KeptRoster, Link, role_bits};
use crate::store::persons;
use crate::store::{changes, control, history, many, patients, places};

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

impl RosterCounts {
    /// Whether the import wrote anything: a patient, a person or a place (a transfer is an
    /// update).
    fn wrote(&self) -> bool {
        self.added + self.updated + self.persons_created + self.places_added > 0
    }
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

/// How many rows are checked and written at a time: enough that a batch's statements are
/// few, few enough that the batches in flight (parsed cells, checked rows, the patients they
/// add) stay a few megabytes whatever the file.
const BATCH: usize = 2048;

/// How many rows of the first batch are checked and sent on their own, so that the writer
/// starts after a few milliseconds rather than after a whole batch.
const FIRST: usize = 256;

/// How many checked batches may wait for the writer: enough that it never waits for the
/// checker, few enough that memory still follows the batch.
const AHEAD: usize = 2;

/// Touched patients held for one alert refresh: the memory for them stays a few megabytes
/// whatever the roster. A refresh of this many reads the open alerts of their range of ids
/// in one pass (`alerts::reconcile`), which for added patients, the newest ids, is none.
const REFRESH_AT: usize = 10_000;

/// A roster of more rows than this writes more change rows (a patient, its team, its alerts)
/// than a console takes as a delta (5,000), so it reloads whole anyway: the import sets the
/// per-row bookkeeping aside (`changes::hold_in`), records one "reload whole" instead and
/// refreshes the alerts and due instants of every patient it wrote itself.
const HOLD_CHANGES_OVER: usize = 500;

/// A batch of checked rows, each with what its patient's row writes if it is new.
type Checked = (Vec<RosterRow>, Vec<Option<Added>>);

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
            let found = std::mem::take(&mut problems);
            let bulk = roster.row_count() > HOLD_CHANGES_OVER;
            let import = |desk: &mut Self| {
                std::thread::scope(|threads| {
                    let keep_text = text.as_deref();
                    let keep_name = name.as_str();
                    // Rows are parsed and checked on the other core a batch ahead of the writer,
                    // which holds the transaction: at most `AHEAD` checked batches wait for it.
                    // After the first error nothing more is sent, but the rest is still checked,
                    // so that the report lists every problem.
                    let (send, checked) = std::sync::mpsc::sync_channel::<Checked>(AHEAD);
                    // What an added patient's row writes is worked out there too, against what
                    // the writer read in its transaction, which it sends once it has begun.
                    let (give_ground, ground) = std::sync::mpsc::sync_channel::<Arc<Ground>>(1);
                    let checking = threads.spawn(move || {
                        let mut problems = found;
                        let mut sending = true;
                        let mut first = true;
                        let mut grounds = ground.iter();
                        let mut ground: Option<Arc<Ground>> = None;
                        let read = roster.each_batch(BATCH, &mut |batch| {
                            // The writer waits for the first rows: a few are sent on their own.
                            let (head, rest) = if std::mem::take(&mut first) {
                                batch.split_at(batch.len().min(FIRST))
                            } else {
                                (batch, &[][..])
                            };
                            for part in [head, rest].into_iter().filter(|p| !p.is_empty()) {
                                let (rows, found) = checker.batch(part);
                                problems.append(found);
                                sending &= !problems.has_errors();
                                if !sending {
                                    continue;
                                }
                                if ground.is_none() {
                                    ground = grounds.next();
                                }
                                // The writer stopped (it failed): nothing more to check for it.
                                let Some(g) = &ground else {
                                    return ControlFlow::Break(());
                                };
                                let added = g.added(&rows);
                                if send.send((rows, added)).is_err() {
                                    return ControlFlow::Break(());
                                }
                            }
                            ControlFlow::Continue(())
                        });
                        // The roster is compressed for keeping once every row is checked, while
                        // the writer works through the last batches: earlier, it would slow the
                        // checking the writer waits for.
                        let kept = keep_text
                            .filter(|_| !problems.has_errors())
                            .map(|text| KeptRoster::new(keep_name, text));
                        (problems, read, kept)
                    });
                    // What the writer is done with (a batch's rows, a refresh's patients) is freed
                    // on the other core: the writer only ever waits for SQLite.
                    let (spent, bin) = std::sync::mpsc::channel::<Box<dyn Send>>();
                    threads.spawn(move || bin.into_iter().for_each(drop));
                    let file = name.clone();
                    let config = desk.config;
                    desk.act_or_roll_back(Need::Center, move |act| {
                        let tx = act.tx;
                        let held = bulk.then(|| changes::hold_in(tx)).transpose()?;
                        let ground = Arc::new(Ground {
                            registered: patients::id_numbers_in(tx)?,
                            orders: control::orders_in(tx)?,
                            now: act.now,
                            today,
                            config,
                            alerts: !dry_run,
                        });
                        let _ = give_ground.send(ground.clone());
                        drop(give_ground);
                        let mut writer = RosterWriter::open(act, ground, file, spent)?;
                        let mut summary = ReconcileSummary::default();
                        for (rows, added) in checked.iter() {
                            writer.apply(&rows, added)?;
                            let _ = writer.spent.send(Box::new(rows));
                            if writer.derived.len() >= REFRESH_AT {
                                writer.refresh(&mut summary)?;
                            }
                        }
                        // Checking rows does not panic; if it did, that is a bug to surface whole.
                        let (problems, read, kept) = checking
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                        read.map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
                        if !problems.has_errors() {
                            writer.refresh(&mut summary)?;
                        }
                        if bulk {
                            writer.check_written()?;
                        }
                        if let Some(held) = held {
                            let wrote = writer.counts.wrote() || !summary.is_empty();
                            changes::release_in(tx, held, wrote)?;
                        }
                        // A file with errors reports them alone, as if nothing had been tried.
                        let (counts, more) = if problems.has_errors() {
                            (RosterCounts::default(), Vec::new())
                        } else {
                            (writer.counts, writer.problems)
                        };
                        let keep = !dry_run && !problems.has_errors() && !has_errors(&more);
                        if keep && let Some(kept) = kept {
                            let kept = kept.map_err(StoreError::Io)?;
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
                        Ok(((counts, more, keep.then_some(summary), problems), keep))
                    })
                })
            };
            let ((counts, more, refreshed, found), committed) = if bulk {
                self.act_bulk(roster.row_count(), import)?
            } else {
                import(self)?
            };
            problems = found;
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
/// instead of reading it again per row. Added patients and persons take the next ids and are
/// written together, many to a statement, at the end of the batch or before the next row of
/// a registered patient, whose writes may read them back (`flush`).
struct RosterWriter<'a> {
    tx: &'a Transaction<'a>,
    now: DateTime<Utc>,
    login: String,
    author: Author,
    audit_at: DateTime<Utc>,
    log: AuditLog,
    /// The registered ID numbers and what alerts are derived against, shared with the
    /// checking core.
    ground: Arc<Ground<'a>>,
    /// Every person by name, then phone (the matching rule for team members): looked up
    /// without building a key for each of the roster's half a million members, and in
    /// constant time however many persons share a name.
    people: HashMap<String, HashMap<String, Person>>,
    /// Every person's name by id, gathered for the first updated patient's audit row.
    names: Option<HashMap<i64, String>>,
    /// Places already registered by this import.
    places: HashSet<Jurisdiction>,
    counts: RosterCounts,
    problems: Vec<Problem>,
    /// Each added patient and the row that gave them, for the import's one audit row.
    links: Vec<Link>,
    /// The roster's file name, which an updated patient's audit row names with its row.
    file: String,
    /// The ids the first and the next added patient and person take.
    first_patient: i64,
    next_patient: i64,
    first_person: i64,
    next_person: i64,
    /// The alerts and due instants of the patients written since the last `refresh`.
    derived: Derived,
    /// Not yet written: persons registered, patients added (with their first high-risk day),
    /// their first history rows and their seats.
    new_persons: Vec<Person>,
    new_patients: Vec<(Patient, NaiveDate)>,
    new_history: Vec<(i64, [Option<String>; 9])>,
    new_seats: Vec<(i64, Role, i64)>,
    /// What the writer is done with, freed on another thread.
    spent: Sender<Box<dyn Send>>,
}

impl<'a> RosterWriter<'a> {
    fn open(
        act: &Act<'a>,
        ground: Arc<Ground<'a>>,
        file: String,
        spent: Sender<Box<dyn Send>>,
    ) -> Result<RosterWriter<'a>> {
        let tx = act.tx;
        // Hashed with foldhash: a roster's cells are the operator's own file, not input an
        // attacker shapes to collide, and the writer hashes several keys for every row.
        let mut people: HashMap<String, HashMap<String, Person>> = HashMap::new();
        for p in persons::all_in(tx)? {
            people
                .entry(p.name.clone())
                .or_default()
                .insert(p.phone.clone(), p);
        }
        let next_patient = many::next_id(tx, "patients")?;
        let next_person = many::next_id(tx, "persons")?;
        Ok(RosterWriter {
            tx,
            now: act.now,
            login: act.operator.login.clone(),
            author: act.author().clone(),
            audit_at: act.audit_at(),
            log: act.audit_log()?,
            ground,
            people,
            names: None,
            places: HashSet::new(),
            counts: RosterCounts::default(),
            problems: Vec::new(),
            links: Vec::new(),
            file,
            first_patient: next_patient,
            next_patient,
            first_person: next_person,
            next_person,
            derived: Derived::with_capacity(REFRESH_AT + BATCH),
            new_persons: Vec::new(),
            new_patients: Vec::new(),
            new_history: Vec::new(),
            new_seats: Vec::new(),
            spent,
        })
    }

    /// Writes `rows`, each with what the checking core worked out for it if it is new; keeps
    /// the alerts derived for every patient it adds or changes for `refresh`.
    fn apply(&mut self, rows: &[RosterRow], added: Vec<Option<Added>>) -> Result<()> {
        // Refreshing the last batch's alerts appended rows of its own: continue after them.
        self.log = AuditLog::open(self.tx)?;
        let mut added = added.into_iter();
        for row in rows {
            self.apply_row(row, added.next().flatten())?;
        }
        self.flush()
    }

    /// Writes the persons, patients (with their first history) and seats added since the
    /// last flush, in that order: each refers to the ones before.
    fn flush(&mut self) -> Result<()> {
        let (tx, now) = (self.tx, self.now);
        persons::insert_new(tx, &self.new_persons, now)?;
        let added: Vec<(&Patient, NaiveDate)> =
            self.new_patients.iter().map(|(p, on)| (p, *on)).collect();
        patients::insert_new(tx, &added, now)?;
        history::record_new(tx, &self.new_history, now)?;
        persons::seat_new_patients(tx, &self.new_seats, now, &self.login)?;
        // The next batch's rows fill vectors made to their size, not grown row by row.
        let written = (
            std::mem::take(&mut self.new_persons),
            std::mem::replace(&mut self.new_patients, Vec::with_capacity(BATCH)),
            std::mem::replace(&mut self.new_history, Vec::with_capacity(BATCH)),
        );
        let _ = self.spent.send(Box::new(written));
        self.new_seats.clear();
        Ok(())
    }

    /// Writes the alerts and due instants derived since the last refresh, adding what it did
    /// to `summary`.
    fn refresh(&mut self, summary: &mut ReconcileSummary) -> Result<()> {
        if !self.derived.is_empty() {
            let s = alerts::refresh_derived_in(self.tx, &self.derived, self.now)?;
            summary.opened += s.opened;
            summary.closed += s.closed;
            summary.updated += s.updated;
        }
        let done = std::mem::replace(
            &mut self.derived,
            Derived::with_capacity(REFRESH_AT + BATCH),
        );
        let _ = self.spent.send(Box::new(done));
        Ok(())
    }

    /// Refuses the import unless every patient and person id this writer handed out was
    /// written: what a bulk import's seats, history and alerts refer to without SQLite
    /// enforcing it (`Desk::act_bulk`).
    fn check_written(&self) -> Result<()> {
        let written = |table: &str, from: i64| -> Result<i64> {
            let sql = format!("SELECT count(*) FROM {table} WHERE id >= ?1");
            Ok(self.tx.query_row(&sql, [from], |r| r.get(0))?)
        };
        let patients = written("patients", self.first_patient)?;
        let persons = written("persons", self.first_person)?;
        if patients != self.next_patient - self.first_patient
            || persons != self.next_person - self.first_person
        {
            return Err(StoreError::Refused(format!(
                "import wrote {patients} of {} patients and {persons} of {} persons it added",
                self.next_patient - self.first_patient,
                self.next_person - self.first_person
            ))
            .into());
        }
        Ok(())
    }

    /// The person a roster member names (by name and phone), registering them when new with
    /// the kind of the column that named them; whether they were registered now.
    fn person(&mut self, m: &MemberCell, home: &Jurisdiction) -> (&Person, bool) {
        let known = self
            .people
            .get(m.name.as_str())
            .is_some_and(|by_phone| by_phone.contains_key(m.phone.as_str()));
        if known {
            return (&self.people[m.name.as_str()][m.phone.as_str()], false);
        }
        let (jurisdiction, unit) = home_jurisdiction(m.role, home);
        let person = Person {
            id: self.next_person,
            name: m.name.clone(),
            phone: m.phone.clone(),
            unit,
            jurisdiction,
            kind: m.role.kind(),
            county_wide: false,
        };
        self.next_person += 1;
        if let Some(names) = &mut self.names {
            names.insert(person.id, person.name.clone());
        }
        self.new_persons.push(person.clone());
        let by_phone = self.people.entry(m.name.clone()).or_default();
        (by_phone.entry(m.phone.clone()).or_insert(person), true)
    }

    fn apply_row(&mut self, row: &RosterRow, added: Option<Added>) -> Result<()> {
        let (tx, now) = (self.tx, self.now);
        if !self.places.contains(&row.jurisdiction) {
            self.counts.places_added +=
                places::register_jurisdiction(tx, &row.jurisdiction, now, &self.login)?;
            self.places.insert(row.jurisdiction.clone());
        }
        let found = if self.ground.registered.contains(row.id_number.as_str()) {
            patients::by_id_number_in(tx, row.id_number.as_str())?
        } else {
            None
        };
        let found = match found {
            Some(existing) => {
                let merged = row.merge_into(Some(&existing), self.ground.today);
                Found::Registered(existing, merged)
            }
            // Worked out on the checking core, unless a source it did not see gave the row.
            None => Found::New(added.unwrap_or_else(|| Added::of(row, &self.ground))),
        };
        let patient = match &found {
            Found::Registered(_, merged) => merged,
            Found::New(added) => &added.patient,
        };
        let mut team: Vec<(Role, i64)> = Vec::new();
        let mut created_persons: Vec<Role> = Vec::new();
        for m in &row.members {
            let (person, created) = self.person(m, &patient.jurisdiction);
            let checked = check_assignment(&patient.jurisdiction, m.role, person);
            let id = person.id;
            if created {
                self.counts.persons_created += 1;
                created_persons.push(m.role);
            }
            match checked {
                Ok(()) => team.push((m.role, id)),
                Err(refusal) => self.problems.push(Problem {
                    row: row.line,
                    column: Field::MemberName(m.role).header().into(),
                    value: m.name.clone(),
                    reason: Reason::OutsideJurisdiction(refusal),
                    level: Level::Error,
                }),
            }
        }
        let (existing, patient) = match found {
            Found::Registered(existing, merged) => (existing, merged),
            Found::New(added) => return self.add(row, added, &team, &created_persons),
        };
        // A registered patient's writes read persons and seats back: what was added before
        // is written first.
        self.flush()?;
        let login = self.login.as_str();
        let before_team = persons::assignments_in(tx, existing.id)?;
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
        let moved_from =
            (existing.jurisdiction != patient.jurisdiction).then(|| existing.jurisdiction.clone());
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
        if existing == patient && before_team == after_team {
            self.counts.unchanged += 1;
            return Ok(());
        }
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
            self.counts.transferred += 1;
        }
        let mut stored = patient;
        stored.id = id;
        let changed = (&before_team[..], &stored, &after_team[..]);
        self.audit_update(&existing, changed, &created_persons, row.line)?;
        self.counts.updated += 1;
        if self.ground.alerts {
            let filled: RoleSet = after_team.iter().map(|(r, _)| *r).collect();
            self.derived
                .add(stored.id, self.ground.derive(&stored, filled));
        }
        let _ = self.spent.send(Box::new((existing, stored)));
        Ok(())
    }

    /// A patient new to the register: it takes the next id and is written with the batch
    /// (`flush`); its row is the file's, which the import's audit row keeps.
    fn add(
        &mut self,
        row: &RosterRow,
        added: Added,
        team: &[(Role, i64)],
        created_persons: &[Role],
    ) -> Result<()> {
        let id = self.next_patient;
        self.next_patient += 1;
        self.new_seats
            .extend(team.iter().map(|(role, person)| (id, *role, *person)));
        self.links.push(Link {
            patient_id: id,
            line: row.line,
            registered: role_bits(created_persons),
        });
        let Added {
            mut patient,
            high_risk_on,
            team: named,
            history,
            alerts,
            due,
        } = added;
        patient.id = id;
        if self.ground.alerts {
            // Derived for the team the row names; if a member was refused (the import then
            // fails), for the team it has.
            let filled: RoleSet = team.iter().map(|(r, _)| *r).collect();
            let derived = if filled == named {
                (alerts, due)
            } else {
                self.ground.derive(&patient, filled)
            };
            self.derived.add(id, derived);
        }
        if let Some(history) = history {
            self.new_history.push((id, history));
        }
        self.new_patients.push((patient, high_risk_on));
        self.counts.added += 1;
        Ok(())
    }
}

/// A row's patient: registered (as stored, and with the row merged in) or new.
enum Found {
    Registered(Patient, Patient),
    New(Added),
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
        // Only an updated patient's audit names its team: the names by id are gathered at
        // the first one, and kept up as persons are registered.
        let people = &self.people;
        let names = self.names.get_or_insert_with(|| {
            people
                .values()
                .flat_map(HashMap::values)
                .map(|p| (p.id, p.name.clone()))
                .collect()
        });
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
