//! Operators: who may use the console, in which role, for which station.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Result, Scope, Store, StoreError, audit, millis};

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

impl Store {
    /// Adds an operator; a station operator must name a station.
    pub fn add_operator(&mut self, op: &Operator, by: &str, now: DateTime<Utc>) -> Result<()> {
        if op.role == OperatorRole::Station && op.station.as_deref().unwrap_or("").is_empty() {
            return Err(StoreError::Refused(
                "a station operator needs a station".into(),
            ));
        }
        self.write(|tx| {
            let exists: Option<String> = tx
                .query_row(
                    "SELECT login FROM operators WHERE login=?1",
                    [&op.login],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::Refused(format!("operator {} exists", op.login)));
            }
            tx.execute(
                "INSERT INTO operators (login, display_name, role, station, disabled, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    op.login,
                    op.display_name,
                    op.role.code(),
                    op.station,
                    op.disabled,
                    millis(now)
                ],
            )?;
            let after = serde_json::to_value(op).ok();
            audit::record(
                tx,
                now,
                by,
                "operator.add",
                "operator",
                Some(&op.login),
                None,
                after.as_ref(),
            )
        })
    }

    /// Disables an operator (kept for the audit trail, never deleted).
    pub fn disable_operator(&mut self, login: &str, by: &str, now: DateTime<Utc>) -> Result<()> {
        let before = self
            .operator(login)?
            .ok_or_else(|| StoreError::NotFound(format!("operator {login}")))?;
        self.write(|tx| {
            tx.execute(
                "UPDATE operators SET disabled = 1 WHERE login = ?1",
                [login],
            )?;
            let b = serde_json::to_value(&before).ok();
            let a = serde_json::json!({"disabled": true});
            audit::record(
                tx,
                now,
                by,
                "operator.disable",
                "operator",
                Some(login),
                b.as_ref(),
                Some(&a),
            )
        })
    }

    pub fn operators(&self) -> Result<Vec<Operator>> {
        let mut stmt = self.conn().prepare(
            "SELECT login, display_name, role, station, disabled FROM operators ORDER BY login",
        )?;
        let rows = stmt.query_map([], operator_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn operator(&self, login: &str) -> Result<Option<Operator>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT login, display_name, role, station, disabled FROM operators WHERE login=?1",
                [login],
                operator_row,
            )
            .optional()?)
    }
}
