//! Responsible persons and who serves on which patient's team (五位一体).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;

use super::{Result, Scope, Store, StoreError, millis};
use crate::domain::alert::RoleSet;
use crate::domain::patient::{Jurisdiction, Vocabulary};
use crate::domain::team::{Person, PersonKind, Role};

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
        kind: PersonKind::from_code(&r.get::<_, String>(first + 7)?).unwrap_or(PersonKind::Other),
        county_wide: r.get(first + 8)?,
    })
}

pub(crate) const PERSON_COLUMNS: &str =
    "id, name, phone, unit, township, village, station, kind, county_wide";

pub fn load(tx: &Transaction, id: i64) -> Result<Person> {
    tx.query_row(
        &format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id=?1"),
        [id],
        person_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
}

/// The person with this name and phone, if any.
pub(crate) fn find_in(conn: &Connection, name: &str, phone: &str) -> Result<Option<Person>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE name=?1 AND phone=?2"
        ))?
        .query_row(params![name, phone], person_row)
        .optional()?)
}

/// A role as `team_assignments` stores it since V13: its place in `Role::ALL`, from 1 (a
/// number instead of its code, which 460k seats of a 100k register repeated in the table
/// and its person index).
pub(crate) fn role_number(role: Role) -> i64 {
    Role::ALL
        .iter()
        .position(|r| *r == role)
        .map_or(0, |i| i as i64 + 1)
}

/// The role a stored number stands for (`None` for one this build does not know).
pub(crate) fn role_from(n: i64) -> Option<Role> {
    usize::try_from(n - 1)
        .ok()
        .and_then(|i| Role::ALL.get(i).copied())
}

/// Every patient's filled roles, for alert derivation over the whole register.
pub(crate) fn team_role_sets_in(conn: &Connection) -> Result<HashMap<i64, RoleSet>> {
    let mut stmt = conn.prepare_cached("SELECT patient_id, role FROM team_assignments")?;
    let mut out: HashMap<i64, RoleSet> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(role) = role_from(r.get(1)?) {
            out.entry(r.get(0)?).or_default().insert(role);
        }
    }
    Ok(out)
}

/// How many high-risk patients (risk ≥3) the person serves.
pub(crate) fn high_risk_workload_in(conn: &Connection, person_id: i64) -> Result<u32> {
    Ok(conn
        .prepare_cached(
            "SELECT count(DISTINCT t.patient_id) FROM team_assignments t
             JOIN patients q ON q.id = t.patient_id
             WHERE t.person_id = ?1 AND q.risk_level >= 3",
        )?
        .query_row([person_id], |r| r.get(0))?)
}

/// What a new person is: everything but the id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPerson {
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub jurisdiction: Jurisdiction,
    pub kind: PersonKind,
    pub county_wide: bool,
}

/// Inserts a person row only; the caller audits the change it is part of.
pub(crate) fn insert(tx: &Transaction, p: &NewPerson, now: DateTime<Utc>) -> Result<Person> {
    tx.prepare_cached(
        "INSERT INTO persons (name, phone, unit, township, village, station, kind, county_wide,
            created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        p.name,
        p.phone,
        p.unit,
        p.jurisdiction.township,
        p.jurisdiction.village,
        p.jurisdiction.station,
        p.kind.code(),
        p.county_wide,
        millis(now)
    ])?;
    Ok(Person {
        id: tx.last_insert_rowid(),
        name: p.name.clone(),
        phone: p.phone.clone(),
        unit: p.unit.clone(),
        jurisdiction: p.jurisdiction.clone(),
        kind: p.kind,
        county_wide: p.county_wide,
    })
}

/// Inserts persons registered in bulk (an import) with the ids the caller gave them (past
/// every id in use: the caller holds the write transaction), many to a statement.
pub(crate) fn insert_new(tx: &Transaction, added: &[Person], now: DateTime<Utc>) -> Result<()> {
    let at = millis(now);
    super::many::insert(
        tx,
        "persons (name, phone, unit, township, village, station, kind, county_wide, created_at,
            id)",
        10,
        added,
        |stmt, i, p| {
            stmt.raw_bind_parameter(i, &p.name)?;
            stmt.raw_bind_parameter(i + 1, &p.phone)?;
            stmt.raw_bind_parameter(i + 2, &p.unit)?;
            stmt.raw_bind_parameter(i + 3, &p.jurisdiction.township)?;
            stmt.raw_bind_parameter(i + 4, &p.jurisdiction.village)?;
            stmt.raw_bind_parameter(i + 5, &p.jurisdiction.station)?;
            stmt.raw_bind_parameter(i + 6, p.kind.code())?;
            stmt.raw_bind_parameter(i + 7, p.county_wide)?;
            stmt.raw_bind_parameter(i + 8, at)?;
            stmt.raw_bind_parameter(i + 9, p.id)
        },
    )
}

/// Every person, inside a transaction.
pub(crate) fn all_in(tx: &Transaction) -> Result<Vec<Person>> {
    let mut stmt = tx.prepare(&format!("SELECT {PERSON_COLUMNS} FROM persons"))?;
    let rows = stmt.query_map([], person_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Who holds `role` for the patient, if anyone.
pub(crate) fn holder(tx: &Transaction, patient_id: i64, role: Role) -> Result<Option<i64>> {
    Ok(tx
        .query_row(
            "SELECT person_id FROM team_assignments WHERE patient_id=?1 AND role=?2",
            params![patient_id, role_number(role)],
            |r| r.get(0),
        )
        .optional()?)
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
        role_number(role),
        person_id,
        millis(now),
        operator
    ])?;
    Ok(())
}

/// Seats patients added in this transaction (who hold no seat yet), many to a statement: an
/// import of 100k writes 460k seats. Each seat is (patient, role, person).
pub(crate) fn seat_new_patients(
    tx: &Transaction,
    seats: &[(i64, Role, i64)],
    now: DateTime<Utc>,
    operator: &str,
) -> Result<()> {
    let at = millis(now);
    super::many::insert(
        tx,
        "team_assignments (patient_id, role, person_id, assigned_at, assigned_by)",
        5,
        seats,
        |stmt, i, (patient_id, role, person_id)| {
            stmt.raw_bind_parameter(i, patient_id)?;
            stmt.raw_bind_parameter(i + 1, role_number(*role))?;
            stmt.raw_bind_parameter(i + 2, person_id)?;
            stmt.raw_bind_parameter(i + 3, at)?;
            stmt.raw_bind_parameter(i + 4, operator)
        },
    )
}

/// The roles filled for a patient and by whom, inside a transaction.
pub(crate) fn assignments_in(tx: &Transaction, patient_id: i64) -> Result<Vec<(Role, i64)>> {
    let mut stmt =
        tx.prepare_cached("SELECT role, person_id FROM team_assignments WHERE patient_id=?1")?;
    let rows = stmt.query_map([patient_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (n, id) = row?;
        if let Some(role) = role_from(n) {
            out.push((role, id));
        }
    }
    out.sort();
    Ok(out)
}

/// Empties `role` for the patient, only if `person_id` still holds it (compare-and-set);
/// the caller audits. True when a row was removed.
pub(crate) fn remove_assignment(
    tx: &Transaction,
    patient_id: i64,
    role: Role,
    person_id: i64,
) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "DELETE FROM team_assignments WHERE patient_id=?1 AND role=?2 AND person_id=?3",
        )?
        .execute(params![patient_id, role_number(role), person_id])?
        == 1)
}

/// Who assigned the role's current holder (for telling a second desk who acted first).
pub(crate) fn assigned_by(tx: &Transaction, patient_id: i64, role: Role) -> Result<Option<String>> {
    Ok(tx
        .prepare_cached("SELECT assigned_by FROM team_assignments WHERE patient_id=?1 AND role=?2")?
        .query_row(params![patient_id, role_number(role)], |r| r.get(0))
        .optional()?)
}

impl Store {
    /// The team of a patient in scope, in role order.
    pub fn team(&self, patient_id: i64, scope: &Scope) -> Result<Vec<TeamMember>> {
        team_in(self.conn(), patient_id, scope)
    }

    /// Persons serving at least one patient in scope, or belonging to the scope's station.
    pub fn persons(&self, scope: &Scope) -> Result<Vec<Person>> {
        let station = scope.station();
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.name, p.phone, p.unit, p.township, p.village, p.station, p.kind,
                p.county_wide FROM persons p
             WHERE ?1 IS NULL OR p.station = ?1 OR EXISTS (
                 SELECT 1 FROM team_assignments t JOIN patients q ON q.id = t.patient_id
                 WHERE t.person_id = p.id AND q.station = ?1)
             ORDER BY name, phone",
        )?;
        let rows = stmt.query_map([station], person_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many high-risk patients (risk ≥3) the person serves.
    pub fn high_risk_workload(&self, person_id: i64) -> Result<u32> {
        high_risk_workload_in(self.conn(), person_id)
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
                r.get::<_, i64>(1)?,
                r.get(2)?,
                r.get::<_, u8>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (person_id, n, patient_id, risk) = row?;
            if let Some(role) = role_from(n) {
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
}

/// A patient's five responsible persons, in the order of the roles, if the scope sees the
/// patient; read with `conn` (a transaction or the store's).
pub(crate) fn team_in(
    conn: &rusqlite::Connection,
    patient_id: i64,
    scope: &Scope,
) -> Result<Vec<TeamMember>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.role, p.id, p.name, p.phone, p.unit, p.township, p.village, p.station,
            p.kind, p.county_wide
         FROM team_assignments t JOIN persons p ON p.id = t.person_id
         JOIN patients q ON q.id = t.patient_id
         WHERE t.patient_id = ?1 AND (?2 IS NULL OR q.station = ?2)",
    )?;
    let rows = stmt.query_map(params![patient_id, scope.station()], |r| {
        Ok((r.get::<_, i64>(0)?, person_at(r, 1)?))
    })?;
    let mut team = Vec::new();
    for row in rows {
        let (n, person) = row?;
        if let Some(role) = role_from(n) {
            team.push(TeamMember { role, person });
        }
    }
    team.sort_by_key(|m| m.role);
    Ok(team)
}
