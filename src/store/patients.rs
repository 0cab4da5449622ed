//! Patient rows: saving one (inside a caller's transaction) and the scoped queries.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Transaction};

use super::rows::{self, PATIENT_COLUMNS, date_text};
use super::{Result, Scope, Store, StoreError, millis};
use crate::domain::patient::{Patient, Vocabulary};

/// Which patients a listing wants, inside the caller's scope.
#[derive(Debug, Clone, Default)]
pub struct PatientQuery {
    pub scope: Scope,
    pub station: Option<String>,
    pub risk_min: Option<u8>,
}

/// The columns a patient is written with, in `bind`'s order; an insert adds `id` last.
const WRITTEN: usize = 36;
const INTO: &str = "patients (id_number, name, gender, phone, address, township,
    village, station, diagnosis, risk_level, risk_highest, condition, guardianship, status,
    away_destination, treatment_place, medication, compliance, police_listed, incident_history,
    floating, vagrant, special_team, ever_missing, last_followup, last_visit, registered_on,
    basic_stable_streak, not_reached_streak, relapses, high_risk_since, updated_at, away_since,
    discharged_on, earlier_missing, reassess_since, id)";

/// Binds `p`'s written columns from parameter `at` on. `high_risk_on` is the first high-risk
/// day written if the patient is high risk now (an update keeps an earlier one).
fn bind(
    stmt: &mut rusqlite::Statement,
    at: usize,
    p: &Patient,
    now: DateTime<Utc>,
    high_risk_on: NaiveDate,
) -> rusqlite::Result<()> {
    let f = &p.flags;
    let j = &p.jurisdiction;
    let high_risk_since = p.is_high_risk().then(|| high_risk_on.to_string());
    let values: [&dyn rusqlite::ToSql; WRITTEN] = [
        &p.id_number.as_str(),
        &p.name,
        &p.gender.code(),
        &p.phone,
        &p.address,
        &j.township,
        &j.village,
        &j.station,
        &p.diagnosis.code(),
        &p.risk_level.value(),
        &p.risk_highest.value(),
        &p.condition.code(),
        &p.guardianship.code(),
        &p.status.code(),
        &p.away_destination,
        &p.treatment_place.map(|v| v.code()),
        &p.medication.map(|v| v.code()),
        &p.compliance.map(|v| v.code()),
        &f.police_listed,
        &f.incident_history,
        &f.floating,
        &f.vagrant,
        &f.special_team,
        &f.ever_missing,
        &date_text(p.last_followup),
        &date_text(p.last_visit),
        &p.registered_on.to_string(),
        &p.basic_stable_streak,
        &p.not_reached_streak,
        &p.relapses,
        &high_risk_since,
        &millis(now),
        &date_text(p.away_since),
        &date_text(p.discharged_on),
        &p.earlier_missing,
        &date_text(p.reassess_since),
    ];
    for (i, v) in values.into_iter().enumerate() {
        stmt.raw_bind_parameter(at + i, v)?;
    }
    Ok(())
}

/// Inserts `p` (when `p.id == 0`) or overwrites the row with its id; returns the row id.
/// `high_risk_on` is recorded as the first high-risk day if the patient is high risk now and
/// was never recorded so before.
pub fn save(
    tx: &Transaction,
    p: &Patient,
    now: DateTime<Utc>,
    high_risk_on: NaiveDate,
) -> Result<i64> {
    if p.id == 0 {
        // No id: SQLite gives the next one.
        super::many::insert(tx, INTO, WRITTEN + 1, &[p], |stmt, at, p| {
            bind(stmt, at, p, now, high_risk_on)?;
            stmt.raw_bind_parameter(at + WRITTEN, rusqlite::types::Null)
        })?;
        let id = tx.last_insert_rowid();
        super::history::record(tx, id, None, p, now)?;
        Ok(id)
    } else {
        let before = load(tx, p.id).ok();
        let mut stmt = tx.prepare_cached(
            "UPDATE patients SET id_number=?1, name=?2, gender=?3, phone=?4, address=?5,
                township=?6, village=?7, station=?8, diagnosis=?9, risk_level=?10,
                risk_highest=?11, condition=?12, guardianship=?13, status=?14,
                away_destination=?15, treatment_place=?16, medication=?17, compliance=?18,
                police_listed=?19, incident_history=?20, floating=?21, vagrant=?22,
                special_team=?23, ever_missing=?24, last_followup=?25, last_visit=?26,
                registered_on=?27, basic_stable_streak=?28, not_reached_streak=?29,
                relapses=?30, high_risk_since=COALESCE(high_risk_since, ?31),
                updated_at=?32, away_since=?33, discharged_on=?34, earlier_missing=?35,
                reassess_since=?36
             WHERE id=?37",
        )?;
        bind(&mut stmt, 1, p, now, high_risk_on)?;
        stmt.raw_bind_parameter(WRITTEN + 1, p.id)?;
        if stmt.raw_execute()? == 0 {
            return Err(StoreError::NotFound(format!("patient {}", p.id)));
        }
        super::history::record(tx, p.id, before.as_ref(), p, now)?;
        Ok(p.id)
    }
}

/// Inserts patients added in bulk (an import) with the ids the caller gave them (past every
/// id in use: the caller holds the write transaction), many to a statement: what `save` does
/// for each, at a fraction of its cost; the caller writes their first history rows
/// (`history::record_new`). Each is the patient and its first high-risk day (see `save`).
pub(crate) fn insert_new(
    tx: &Transaction,
    added: &[(&Patient, NaiveDate)],
    now: DateTime<Utc>,
) -> Result<()> {
    super::many::insert(
        tx,
        INTO,
        WRITTEN + 1,
        added,
        |stmt, at, (p, high_risk_on)| {
            bind(stmt, at, p, now, *high_risk_on)?;
            stmt.raw_bind_parameter(at + WRITTEN, p.id)
        },
    )
}

/// Reads one patient inside a transaction (for read-modify-write).
pub fn load(tx: &Transaction, id: i64) -> Result<Patient> {
    tx.query_row(
        &format!("SELECT {PATIENT_COLUMNS} FROM patients WHERE id=?1"),
        [id],
        rows::patient,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("patient {id}")))
}

/// Every registered ID number (an import's first read).
pub(crate) fn id_numbers_in(conn: &rusqlite::Connection) -> Result<foldhash::HashSet<String>> {
    Ok(conn
        .prepare("SELECT id_number FROM patients")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn by_id_number_in(
    conn: &rusqlite::Connection,
    id_number: &str,
) -> Result<Option<Patient>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PATIENT_COLUMNS} FROM patients WHERE id_number=?1"
        ))?
        .query_row([id_number], rows::patient)
        .optional()?)
}

impl Store {
    pub fn patient(&self, id: i64, scope: &Scope) -> Result<Option<Patient>> {
        let p = self
            .conn()
            .query_row(
                &format!("SELECT {PATIENT_COLUMNS} FROM patients WHERE id=?1"),
                [id],
                rows::patient,
            )
            .optional()?;
        Ok(p.filter(|p| scope.admits_station(&p.jurisdiction.station)))
    }

    /// The patient with this ID number, as an operator types it: read as the import reads
    /// it (`IdNumber::parse`: spaces around it, a lowercase or full-width `x`, full-width
    /// digits), so it matches the stored form.
    pub fn patient_by_id_number(&self, id_number: &str, scope: &Scope) -> Result<Option<Patient>> {
        let typed = crate::domain::id_number::IdNumber::parse(id_number)
            .map(|n| n.as_str().to_owned())
            .unwrap_or_else(|_| id_number.trim().to_owned());
        let p = self
            .conn()
            .query_row(
                &format!("SELECT {PATIENT_COLUMNS} FROM patients WHERE id_number=?1"),
                [typed],
                rows::patient,
            )
            .optional()?;
        Ok(p.filter(|p| scope.admits_station(&p.jurisdiction.station)))
    }

    /// Patients in scope matching the query, by station, village and name.
    pub fn patients(&self, q: &PatientQuery) -> Result<Vec<Patient>> {
        let mut stmt = self.conn().prepare_cached(&list_sql())?;
        let rows = stmt.query_map(list_params(q), rows::patient)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The patients `patients` would list, in the same order, handed to `f` one at a time as
    /// they are read: an output the size of the register never holds the register.
    pub fn for_each_patient(
        &self,
        q: &PatientQuery,
        mut f: impl FnMut(&Patient) -> Result<()>,
    ) -> Result<()> {
        self.each_patient(q, |p| f(&p))
    }

    /// As `for_each_patient`, handing each record over to keep: the console's register is
    /// built row by row, never from a whole vector of records first.
    pub fn each_patient(
        &self,
        q: &PatientQuery,
        mut f: impl FnMut(Patient) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(&list_sql())?;
        let mut cursor = stmt.query(list_params(q))?;
        while let Some(r) = cursor.next()? {
            f(rows::patient(r)?)?;
        }
        Ok(())
    }

    pub fn patient_count(&self, scope: &Scope) -> Result<i64> {
        let station = scope.station();
        Ok(self.conn().query_row(
            "SELECT count(*) FROM patients WHERE ?1 IS NULL OR station = ?1",
            [station],
            |r| r.get(0),
        )?)
    }
}

/// The patients in scope matching a query, by station, village and name: one statement for
/// the list and its streamed form, so the two cannot drift.
fn list_sql() -> String {
    format!(
        "SELECT {PATIENT_COLUMNS} FROM patients
         WHERE (?1 IS NULL OR station = ?1) AND (?2 IS NULL OR station = ?2)
           AND risk_level >= ?3
         ORDER BY station, township, village, name, id"
    )
}

fn list_params(q: &PatientQuery) -> impl rusqlite::Params + '_ {
    (
        q.scope.station(),
        q.station.as_deref(),
        q.risk_min.unwrap_or(0),
    )
}
