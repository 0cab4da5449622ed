//! Importing a roster through the one door: the checked rows are written in one transaction
//! (all or nothing) by a center operator. Patients insert or update by ID number; team
//! members are matched by name and phone (registered when new, with the kind of the column
//! that named them) and held to the same kind and jurisdiction rules as any assignment; the
//! places the roster names enter the register; each changed patient gets one audit row
//! holding the fields that changed; the alerts of the patients it touched are refreshed in
//! the same commit.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

use super::followups::diff;
use super::{Desk, Need, Result};
use crate::domain::alert::RoleSet;
use crate::domain::audit::AuditAction;
use crate::domain::clock::beijing_date;
use crate::domain::patient::Patient;
use crate::domain::team::{Person, Role, check_assignment, home_jurisdiction};
use crate::import::columns::Field;
use crate::import::rows::{self, Level, Problem, Reason, RosterRow};
use crate::import::table::Table;
use crate::store::alerts::{self, ReconcileSummary};
use crate::store::audit::AuditEvent;
use crate::store::persons::{self, NewPerson};
use crate::store::{patients, places};

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

impl Desk<'_> {
    /// Checks and writes a roster table; any error writes nothing, and so does a dry run.
    pub fn import_roster(&mut self, table: &Table, dry_run: bool) -> Result<ImportReport> {
        let started = std::time::Instant::now();
        let today = beijing_date(self.now());
        let (rows, mut problems) = rows::check(table, today);
        let checked = started.elapsed();
        let mut report = ImportReport {
            rows: table.rows.len(),
            counts: RosterCounts::default(),
            errors: 0,
            warnings: 0,
            problems_omitted: 0,
            dry_run,
            committed: false,
            alerts: None,
            problems: Vec::new(),
        };
        let has_errors = |p: &[Problem]| p.iter().any(|p| p.level == Level::Error);
        if !problems.has_errors() {
            // Writing can still find problems (a team member who belongs elsewhere); the
            // transaction is rolled back then, and on a dry run.
            let ((counts, more, refreshed), committed) =
                self.act_or_roll_back(Need::Center, |act| {
                    let applied = apply(act, &rows, today)?;
                    let keep = !dry_run && !has_errors(&applied.problems);
                    let refreshed = if keep {
                        Some(alerts::refresh_patients_in(
                            act.tx,
                            &applied.touched,
                            act.now,
                            act.config,
                        )?)
                    } else {
                        None
                    };
                    Ok(((applied.counts, applied.problems, refreshed), keep))
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
            check_ms = checked.as_millis() as u64,
            write_ms = (started.elapsed() - checked).as_millis() as u64,
            "roster import"
        );
        Ok(report)
    }
}

/// What writing a roster did: the counts, problems found on the way, and every patient it
/// added or changed (as stored, with the roles its team now fills) for alert derivation.
struct Applied {
    counts: RosterCounts,
    problems: Vec<Problem>,
    touched: Vec<(Patient, RoleSet)>,
}

fn apply(act: &mut super::Act, rows: &[RosterRow], today: NaiveDate) -> Result<Applied> {
    let tx = act.tx;
    let now = act.now;
    let login = act.operator.login.clone();
    let mut log = act.audit_log()?;
    let author = act.author().clone();
    let audit_at = act.audit_at();
    let mut touched = Vec::new();
    let mut counts = RosterCounts::default();
    let mut problems = Vec::new();
    // Two reads up front instead of two per row: which ID numbers are registered, and every
    // person by name and phone (the matching rule for team members).
    let registered: HashSet<String> = patients::id_numbers_in(tx)?;
    let mut people: HashMap<(String, String), Person> = persons::all_in(tx)?
        .into_iter()
        .map(|p| ((p.name.clone(), p.phone.clone()), p))
        .collect();
    for row in rows {
        counts.places_added += places::register_jurisdiction(tx, &row.jurisdiction, now, &login)?;
        let existing: Option<Patient> = if registered.contains(row.id_number.as_str()) {
            patients::by_id_number_in(tx, row.id_number.as_str())?
        } else {
            None
        };
        let patient = row.merge_into(existing.as_ref(), today);
        let mut team: Vec<(Role, i64)> = Vec::new();
        let mut created_persons: Vec<Person> = Vec::new();
        for m in &row.members {
            let key = (m.name.clone(), m.phone.clone());
            let person = match people.get(&key) {
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
                    created_persons.push(p.clone());
                    people.insert(key, p.clone());
                    p
                }
            };
            match check_assignment(&patient, m.role, &person) {
                Ok(()) => team.push((m.role, person.id)),
                Err(refusal) => problems.push(Problem {
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
                if named || check_assignment(&patient, role, &person).is_ok() {
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
            continue;
        }
        // A roster says when the level was last assessed, not when it first reached 3: the
        // last follow-up date (else registration) is the earliest day the store can vouch for.
        let high_risk_on = patient.last_followup.unwrap_or(patient.registered_on);
        let id = patients::save(tx, &patient, now, high_risk_on)?;
        for (role, person_id) in &team {
            if !before_team.contains(&(*role, *person_id)) {
                persons::put_assignment(tx, id, *role, *person_id, now, &login)?;
            }
        }
        for (role, person) in &dropped {
            persons::remove_assignment(tx, id, *role, person.id)?;
            let event = AuditEvent::new(AuditAction::TeamUnassigned, "patient", id)
                .patient(id, &patient.jurisdiction.station);
            let before = json!({"role": role, "person_id": person.id, "person": person.name});
            let after = json!({"reason": "moved", "township": patient.jurisdiction.township,
                "village": patient.jurisdiction.village, "station": patient.jurisdiction.station});
            log.append_text(
                tx,
                audit_at,
                &author,
                &event,
                Some(&before.to_string()),
                Some(&after.to_string()),
            )?;
        }
        if let Some(from) = moved_from
            .as_ref()
            .filter(|f| f.station != patient.jurisdiction.station)
        {
            alerts::insert_transferred_in(tx, id, &from.station, &login, now)?;
            counts.transferred += 1;
        }
        let mut stored = patient;
        stored.id = id;
        let team_names = |t: &[(Role, i64)]| -> serde_json::Value {
            let by_id: HashMap<i64, &str> =
                people.values().map(|p| (p.id, p.name.as_str())).collect();
            t.iter()
                .map(|(r, id)| (r, by_id.get(id).copied().unwrap_or("")))
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
        // An added patient's row holds the record; an updated one's only what changed.
        let (before, mut after) = match &existing {
            Some(p) => {
                let (b, a) = diff(&whole(p, &before_team), &whole(&stored, &after_team));
                (Some(b), a)
            }
            None => (None, whole(&stored, &after_team)),
        };
        if !created_persons.is_empty()
            && let Some(m) = after.as_object_mut()
        {
            m.insert(
                "persons_created".into(),
                created_persons
                    .iter()
                    .map(|p| json!({"name": p.name, "kind": p.kind}))
                    .collect(),
            );
        }
        let action = if existing.is_some() {
            AuditAction::PatientReimported
        } else {
            AuditAction::PatientImported
        };
        let event =
            AuditEvent::new(action, "patient", id).patient(id, &stored.jurisdiction.station);
        let before = before.map(|b| b.to_string());
        let after = after.to_string();
        log.append_text(
            tx,
            audit_at,
            &author,
            &event,
            before.as_deref(),
            Some(&after),
        )?;
        if existing.is_some() {
            counts.updated += 1;
        } else {
            counts.added += 1;
        }
        touched.push((stored, after_team.iter().map(|(r, _)| *r).collect()));
    }
    Ok(Applied {
        counts,
        problems,
        touched,
    })
}
