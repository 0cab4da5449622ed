//! Queries for the reports: when patients first became high risk, the follow-ups of a period,
//! each patient's guardian, and what operators did.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use rusqlite::params;

use super::{Result, Scope, Store};
use crate::domain::audit::AuditAction;
use crate::domain::team::Person;

impl Store {
    /// The first day each patient in scope was recorded at risk ≥3.
    pub fn high_risk_since(&self, scope: &Scope) -> Result<HashMap<i64, NaiveDate>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, high_risk_since FROM patients
             WHERE high_risk_since IS NOT NULL AND (?1 IS NULL OR station = ?1)",
        )?;
        let rows = stmt.query_map([scope.station()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, d) = row?;
            if let Ok(d) = d.parse() {
                out.insert(id, d);
            }
        }
        Ok(out)
    }

    /// (patient id, date, by whom) of follow-ups dated in `[from, to]`, in scope.
    pub fn followups_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &Scope,
    ) -> Result<Vec<(i64, NaiveDate, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT f.patient_id, f.date, f.by_whom FROM followups f JOIN patients p ON p.id = f.patient_id
             WHERE f.date >= ?1 AND f.date <= ?2 AND (?3 IS NULL OR p.station = ?3)",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![from.to_string(), to.to_string(), scope.station()],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (id, d, by) = row?;
            if let Ok(d) = d.parse() {
                out.push((id, d, by));
            }
        }
        Ok(out)
    }

    /// Each patient in scope's guardian, where one is assigned.
    pub fn guardians(&self, scope: &Scope) -> Result<HashMap<i64, Person>> {
        let mut stmt = self.conn().prepare(
            "SELECT t.patient_id, p.id, p.name, p.phone, p.unit, p.township, p.village, p.station,
                p.kind, p.county_wide
             FROM team_assignments t JOIN persons p ON p.id = t.person_id
             JOIN patients q ON q.id = t.patient_id
             WHERE t.role = 'guardian' AND (?1 IS NULL OR q.station = ?1)",
        )?;
        let rows = stmt.query_map([scope.station()], |r| {
            Ok((r.get::<_, i64>(0)?, super::persons::person_at(r, 1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// How many of each audited action operators took since `since`: within the scope (a
    /// station's rows by station, in SQL), and, when given, by one operator only.
    pub fn action_counts_since(
        &self,
        since: DateTime<Utc>,
        scope: &Scope,
        operator: Option<&str>,
    ) -> Result<Vec<(AuditAction, i64)>> {
        action_counts_in(self.conn(), since, scope, operator)
    }
}

/// See `Store::action_counts_since`.
pub(crate) fn action_counts_in(
    conn: &rusqlite::Connection,
    since: DateTime<Utc>,
    scope: &Scope,
    operator: Option<&str>,
) -> Result<Vec<(AuditAction, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.action, count(*) FROM audit_log a
             LEFT JOIN patients p ON p.id = a.patient_id
             WHERE a.at >= ?1 AND a.operator <> 'system'
               AND (?2 IS NULL OR a.station = ?2 OR p.station = ?2)
               AND (?3 IS NULL OR a.operator = ?3)
             GROUP BY a.action ORDER BY a.action",
    )?;
    let rows = stmt.query_map(
        params![super::millis(since), scope.station(), operator],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (code, n) = row?;
        if let Some(a) = AuditAction::from_code(&code) {
            out.push((a, n));
        }
    }
    Ok(out)
}
