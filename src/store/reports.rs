//! Queries for the reports: when patients first became high risk, the follow-ups of a period,
//! each patient's guardian, and what operators did.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use rusqlite::params;

use super::{Result, Scope, Store};
use crate::domain::audit::AuditAction;
use crate::domain::team::Person;

impl Store {
    /// (patient id, date, visitors) of the follow-ups dated in `[from, to]`, in scope, that
    /// reached the patient or an informant (not-reached attempts are not follow-ups done); the
    /// visitors are the 随访人 and the joint visitors.
    pub fn followups_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &Scope,
    ) -> Result<Vec<(i64, NaiveDate, Vec<String>)>> {
        let mut stmt = self.conn().prepare(
            "SELECT f.patient_id, f.date, f.by_whom, f.record FROM followups f
             JOIN patients p ON p.id = f.patient_id
             WHERE f.date >= ?1 AND f.date <= ?2 AND (?3 IS NULL OR p.station = ?3)
               AND f.outcome = 'reached'",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![from.to_string(), to.to_string(), scope.station()],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (id, d, by, record) = row?;
            let mut visitors = vec![by];
            if let Ok(f) = serde_json::from_str::<crate::domain::followup::FollowUp>(&record) {
                visitors.extend(f.joint_visitors);
            }
            if let Ok(d) = d.parse() {
                out.push((id, d, visitors));
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
             WHERE t.role = ?2 AND (?1 IS NULL OR q.station = ?1)",
        )?;
        let guardian = super::persons::role_number(crate::domain::team::Role::Guardian);
        let rows = stmt.query_map(rusqlite::params![scope.station(), guardian], |r| {
            Ok((r.get::<_, i64>(0)?, super::persons::person_at(r, 1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// Every operator's login and display name: names that are never counted as follow-up
    /// staff (the person who typed the record is not the person who visited).
    pub fn operator_names(&self) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT login, display_name FROM operators")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = std::collections::HashSet::new();
        for row in rows {
            let (login, name) = row?;
            out.insert(login);
            out.insert(name);
        }
        Ok(out)
    }

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
