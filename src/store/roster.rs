//! Writing checked roster rows: insert or update by ID number, team members matched by name
//! and phone (created when new), one audit row per patient changed. The caller owns the
//! transaction, so a problem found here still rolls the whole file back.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

use super::rows::{self, PATIENT_COLUMNS};
use super::{Result, audit, patients, persons};
use crate::domain::alert::RoleSet;
use crate::domain::patient::Patient;
use crate::domain::team::{Person, Role, check_assignment, home_jurisdiction};
use crate::import::columns::Field;
use crate::import::rows::{Level, Problem, Reason, RosterRow};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RosterCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub persons_created: usize,
}

/// What an audit row of the import says about one patient.
#[derive(Serialize)]
struct RowAudit<'a> {
    patient: &'a Patient,
    team: &'a [(Role, i64)],
    #[serde(skip_serializing_if = "<[Person]>::is_empty")]
    persons_created: &'a [Person],
}

/// What writing a roster did: the counts, problems found on the way, and every patient it
/// added or changed (as stored, with the roles its team now fills) for alert derivation.
pub struct Applied {
    pub counts: RosterCounts,
    pub problems: Vec<Problem>,
    pub touched: Vec<(Patient, RoleSet)>,
}

pub fn apply(
    tx: &Transaction,
    rows: &[RosterRow],
    today: NaiveDate,
    now: DateTime<Utc>,
    operator: &str,
) -> Result<Applied> {
    let mut touched = Vec::new();
    let mut counts = RosterCounts::default();
    let mut problems = Vec::new();
    // Two reads up front instead of two per row: which ID numbers are registered, and every
    // person by name and phone (the matching rule for team members).
    let registered: HashSet<String> = tx
        .prepare("SELECT id_number FROM patients")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut people: HashMap<(String, String), Person> = persons::all_in(tx)?
        .into_iter()
        .map(|p| ((p.name.clone(), p.phone.clone()), p))
        .collect();
    for row in rows {
        let existing: Option<Patient> = if registered.contains(row.id_number.as_str()) {
            tx.prepare_cached(&format!(
                "SELECT {PATIENT_COLUMNS} FROM patients WHERE id_number=?1"
            ))?
            .query_row([row.id_number.as_str()], rows::patient)
            .optional()?
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
                    let p = persons::insert(tx, &m.name, &m.phone, &unit, &j, now)?;
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
                persons::put_assignment(tx, id, *role, *person_id, now, operator)?;
            }
        }
        let before = existing.as_ref().map(|p| {
            serde_json::to_string(&RowAudit {
                patient: p,
                team: &before_team,
                persons_created: &[],
            })
            .expect("serialisable")
        });
        let mut stored = patient;
        stored.id = id;
        // Persons first named by this row are recorded in the row's own audit entry.
        let after = serde_json::to_string(&RowAudit {
            patient: &stored,
            team: &after_team,
            persons_created: &created_persons,
        })
        .expect("serialisable");
        let action = if existing.is_some() {
            "patient.import_update"
        } else {
            "patient.import_add"
        };
        let pid = id.to_string();
        audit::record_text(
            tx,
            now,
            operator,
            action,
            "patient",
            Some(&pid),
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
