//! Responsible persons and who serves on which patient's team (五位一体).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;

use super::{Result, Scope, Store, StoreError, audit, millis};
use crate::domain::alert::RoleSet;
use crate::domain::patient::{Jurisdiction, Vocabulary};
use crate::domain::team::{Person, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    pub role: Role,
    pub person: Person,
}

fn person_row(r: &rusqlite::Row) -> rusqlite::Result<Person> {
    person_at(r, 0)
}

/// A person read from `PERSON_COLUMNS` starting at column `first` of a row.
pub(crate) fn person_at(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(first)?,
        name: r.get(first + 1)?,
        phone: r.get(first + 2)?,
        unit: r.get(first + 3)?,
        jurisdiction: Jurisdiction {
            township: r.get(first + 4)?,
            village: r.get(first + 5)?,
            station: r.get(first + 6)?,
        },
    })
}

const PERSON_COLUMNS: &str = "id, name, phone, unit, township, village, station";

pub fn load(tx: &Transaction, id: i64) -> Result<Person> {
    tx.query_row(
        &format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id=?1"),
        [id],
        person_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
}

/// The person with this name and phone, created (and audited) when there is none.
/// Returns the person and whether it was created.
pub fn find_or_create(
    tx: &Transaction,
    name: &str,
    phone: &str,
    unit: &str,
    jurisdiction: &Jurisdiction,
    now: DateTime<Utc>,
    operator: &str,
) -> Result<(Person, bool)> {
    let found = tx
        .prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE name=?1 AND phone=?2"
        ))?
        .query_row(params![name, phone], person_row)
        .optional()?;
    if let Some(p) = found {
        return Ok((p, false));
    }
    let person = insert(tx, name, phone, unit, jurisdiction, now)?;
    let after = serde_json::to_value(&person).ok();
    let id = person.id.to_string();
    audit::record(
        tx,
        now,
        operator,
        "person.create",
        "person",
        Some(&id),
        None,
        after.as_ref(),
    )?;
    Ok((person, true))
}

/// Every patient's filled roles, for alert derivation over the whole register.
pub(crate) fn team_role_sets_in(conn: &Connection) -> Result<HashMap<i64, RoleSet>> {
    let mut stmt = conn.prepare_cached("SELECT patient_id, role FROM team_assignments")?;
    let mut out: HashMap<i64, RoleSet> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let code: String = r.get(1)?;
        if let Some(role) = Role::from_code(&code) {
            out.entry(r.get(0)?).or_default().insert(role);
        }
    }
    Ok(out)
}

/// Inserts a person row only; the caller audits the change it is part of.
pub(crate) fn insert(
    tx: &Transaction,
    name: &str,
    phone: &str,
    unit: &str,
    jurisdiction: &Jurisdiction,
    now: DateTime<Utc>,
) -> Result<Person> {
    tx.prepare_cached(
        "INSERT INTO persons (name, phone, unit, township, village, station, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        name,
        phone,
        unit,
        jurisdiction.township,
        jurisdiction.village,
        jurisdiction.station,
        millis(now)
    ])?;
    Ok(Person {
        id: tx.last_insert_rowid(),
        name: name.into(),
        phone: phone.into(),
        unit: unit.into(),
        jurisdiction: jurisdiction.clone(),
    })
}

/// Every person, inside a transaction.
pub(crate) fn all_in(tx: &Transaction) -> Result<Vec<Person>> {
    let mut stmt = tx.prepare(&format!("SELECT {PERSON_COLUMNS} FROM persons"))?;
    let rows = stmt.query_map([], person_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Who holds `role` for the patient, if anyone.
fn holder(tx: &Transaction, patient_id: i64, role: Role) -> Result<Option<i64>> {
    Ok(tx
        .query_row(
            "SELECT person_id FROM team_assignments WHERE patient_id=?1 AND role=?2",
            params![patient_id, role.code()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Puts `person_id` in `role` for the patient, replacing whoever held it; audited with both.
/// Returns false when that person already held the role (nothing written).
pub fn assign(
    tx: &Transaction,
    patient_id: i64,
    role: Role,
    person_id: i64,
    now: DateTime<Utc>,
    operator: &str,
) -> Result<bool> {
    let before = holder(tx, patient_id, role)?;
    if before == Some(person_id) {
        return Ok(false);
    }
    put_assignment(tx, patient_id, role, person_id, now, operator)?;
    let b = before.map(|id| serde_json::json!({"role": role, "person_id": id}));
    let a = serde_json::json!({"role": role, "person_id": person_id});
    let pid = patient_id.to_string();
    audit::record(
        tx,
        now,
        operator,
        "team.assign",
        "patient",
        Some(&pid),
        b.as_ref(),
        Some(&a),
    )?;
    Ok(true)
}

/// Writes the assignment row only; the caller audits the change it is part of.
pub(crate) fn put_assignment(
    tx: &Transaction,
    patient_id: i64,
    role: Role,
    person_id: i64,
    now: DateTime<Utc>,
    operator: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO team_assignments (patient_id, role, person_id, assigned_at, assigned_by)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (patient_id, role) DO UPDATE SET person_id=excluded.person_id,
             assigned_at=excluded.assigned_at, assigned_by=excluded.assigned_by",
    )?
    .execute(params![
        patient_id,
        role.code(),
        person_id,
        millis(now),
        operator
    ])?;
    Ok(())
}

/// The roles filled for a patient and by whom, inside a transaction.
pub(crate) fn assignments_in(tx: &Transaction, patient_id: i64) -> Result<Vec<(Role, i64)>> {
    let mut stmt =
        tx.prepare_cached("SELECT role, person_id FROM team_assignments WHERE patient_id=?1")?;
    let rows = stmt.query_map([patient_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (code, id) = row?;
        if let Some(role) = Role::from_code(&code) {
            out.push((role, id));
        }
    }
    out.sort();
    Ok(out)
}

/// Empties `role` for the patient; audited. Returns false when it was already empty.
pub fn unassign(
    tx: &Transaction,
    patient_id: i64,
    role: Role,
    now: DateTime<Utc>,
    operator: &str,
) -> Result<bool> {
    let before = holder(tx, patient_id, role)?;
    let Some(before) = before else {
        return Ok(false);
    };
    tx.execute(
        "DELETE FROM team_assignments WHERE patient_id=?1 AND role=?2",
        params![patient_id, role.code()],
    )?;
    let b = serde_json::json!({"role": role, "person_id": before});
    let pid = patient_id.to_string();
    audit::record(
        tx,
        now,
        operator,
        "team.unassign",
        "patient",
        Some(&pid),
        Some(&b),
        None,
    )?;
    Ok(true)
}

impl Store {
    /// The patient's team in role order.
    pub fn team(&self, patient_id: i64) -> Result<Vec<TeamMember>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT t.role, p.id, p.name, p.phone, p.unit, p.township, p.village, p.station
             FROM team_assignments t JOIN persons p ON p.id = t.person_id
             WHERE t.patient_id = ?1",
        )?;
        let rows = stmt.query_map([patient_id], |r| {
            Ok((r.get::<_, String>(0)?, person_at(r, 1)?))
        })?;
        let mut team = Vec::new();
        for row in rows {
            let (code, person) = row?;
            if let Some(role) = Role::from_code(&code) {
                team.push(TeamMember { role, person });
            }
        }
        team.sort_by_key(|m| m.role);
        Ok(team)
    }

    /// Persons serving at least one patient in scope, or belonging to the scope's station.
    pub fn persons(&self, scope: &Scope) -> Result<Vec<Person>> {
        let station = scope.station();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons p
             WHERE ?1 IS NULL OR p.station = ?1 OR EXISTS (
                 SELECT 1 FROM team_assignments t JOIN patients q ON q.id = t.patient_id
                 WHERE t.person_id = p.id AND q.station = ?1)
             ORDER BY name, phone"
        ))?;
        let rows = stmt.query_map([station], person_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many high-risk patients (risk ≥3) the person serves.
    pub fn high_risk_workload(&self, person_id: i64) -> Result<u32> {
        Ok(self.conn().query_row(
            "SELECT count(DISTINCT t.patient_id) FROM team_assignments t
             JOIN patients q ON q.id = t.patient_id
             WHERE t.person_id = ?1 AND q.risk_level >= 3",
            [person_id],
            |r| r.get(0),
        )?)
    }
}

/// One team seat: who serves whom in which role, and whether that patient is high risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub person_id: i64,
    pub role: Role,
    pub patient_id: i64,
    pub high_risk: bool,
}

impl Store {
    /// Every seat on the teams of patients in scope.
    pub fn seats(&self, scope: &Scope) -> Result<Vec<Seat>> {
        let station = scope.station();
        let mut stmt = self.conn().prepare_cached(
            "SELECT t.person_id, t.role, t.patient_id, q.risk_level
             FROM team_assignments t JOIN patients q ON q.id = t.patient_id
             WHERE ?1 IS NULL OR q.station = ?1",
        )?;
        let rows = stmt.query_map([station], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get::<_, u8>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (person_id, code, patient_id, risk) = row?;
            if let Some(role) = Role::from_code(&code) {
                out.push(Seat {
                    person_id,
                    role,
                    patient_id,
                    high_risk: risk >= 3,
                });
            }
        }
        Ok(out)
    }

    /// Creates a person (name + phone unique) and seats them in `role` for the patient, in one
    /// write with its audit rows.
    #[allow(clippy::too_many_arguments)]
    pub fn create_and_assign(
        &mut self,
        patient_id: i64,
        role: Role,
        name: &str,
        phone: &str,
        unit: &str,
        jurisdiction: &Jurisdiction,
        operator: &str,
        now: DateTime<Utc>,
    ) -> Result<Person> {
        self.write(|tx| {
            let (person, _) = find_or_create(tx, name, phone, unit, jurisdiction, now, operator)?;
            assign(tx, patient_id, role, person.id, now, operator)?;
            Ok(person)
        })
    }
}
