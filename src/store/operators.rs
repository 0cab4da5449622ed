//! Operators: who may use the console, in which role, for which station.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Result, Scope, Store, millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorRole {
    /// The center sees every patient.
    Center,
    /// A police-station desk sees its station's jurisdiction only.
    Station,
    /// Read-only.
    Auditor,
}

impl OperatorRole {
    pub fn code(self) -> &'static str {
        match self {
            OperatorRole::Center => "center",
            OperatorRole::Station => "station",
            OperatorRole::Auditor => "auditor",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "center" => Some(OperatorRole::Center),
            "station" => Some(OperatorRole::Station),
            "auditor" => Some(OperatorRole::Auditor),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub login: String,
    pub display_name: String,
    pub role: OperatorRole,
    pub station: Option<String>,
    pub disabled: bool,
}

impl Operator {
    /// The patients this operator may see.
    pub fn scope(&self) -> Scope {
        match (&self.role, &self.station) {
            (OperatorRole::Station, Some(s)) => Scope::Station(s.clone()),
            _ => Scope::All,
        }
    }

    pub fn can_write(&self) -> bool {
        self.role != OperatorRole::Auditor && !self.disabled
    }
}

fn operator_row(r: &rusqlite::Row) -> rusqlite::Result<Operator> {
    let role: String = r.get(2)?;
    Ok(Operator {
        login: r.get(0)?,
        display_name: r.get(1)?,
        role: OperatorRole::from_code(&role).unwrap_or(OperatorRole::Auditor),
        station: r.get(3)?,
        disabled: r.get(4)?,
    })
}

/// Inserts an operator; false when the login is taken.
pub(crate) fn insert_in(
    tx: &rusqlite::Transaction,
    op: &Operator,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(tx.execute(
        "INSERT OR IGNORE INTO operators (login, display_name, role, station, disabled, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            op.login,
            op.display_name,
            op.role.code(),
            op.station,
            op.disabled,
            millis(now)
        ],
    )? == 1)
}

/// Disables or enables an operator (kept for the audit trail, never deleted); true when it
/// changed.
pub(crate) fn set_disabled_in(
    tx: &rusqlite::Transaction,
    login: &str,
    disabled: bool,
) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE operators SET disabled = ?1 WHERE login = ?2 AND disabled <> ?1",
        params![disabled, login],
    )? == 1)
}

pub(crate) fn count_in(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM operators", [], |r| r.get(0))?)
}

/// The operator as stored, read inside a transaction (the one-door API re-reads its operator
/// in every write, so a disabled operator's open console cannot write).
pub(crate) fn load_in(conn: &rusqlite::Connection, login: &str) -> Result<Option<Operator>> {
    Ok(conn
        .prepare_cached(
            "SELECT login, display_name, role, station, disabled FROM operators WHERE login=?1",
        )?
        .query_row([login], operator_row)
        .optional()?)
}

impl Store {
    /// Operators in scope (a station sees its own station's), by login.
    pub fn operators(&self, scope: &Scope) -> Result<Vec<Operator>> {
        let mut stmt = self.conn().prepare(
            "SELECT login, display_name, role, station, disabled FROM operators
             WHERE ?1 IS NULL OR station = ?1 ORDER BY login",
        )?;
        let rows = stmt.query_map([scope.station()], operator_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn operator(&self, login: &str) -> Result<Option<Operator>> {
        load_in(self.conn(), login)
    }
}
