//! Queries for the reports: when patients first became high risk, the follow-ups of a period,
//! each patient's guardian, and an audited reveal of ID numbers for the exchange list.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use super::{Result, Scope, Store, audit};
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
            "SELECT t.patient_id, p.id, p.name, p.phone, p.unit, p.township, p.village, p.station
             FROM team_assignments t JOIN persons p ON p.id = t.person_id
             JOIN patients q ON q.id = t.patient_id
             WHERE t.role = 'guardian' AND (?1 IS NULL OR q.station = ?1)",
        )?;
        let rows = stmt.query_map([scope.station()], |r| {
            Ok((r.get::<_, i64>(0)?, super::persons::person_at(r, 1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records that full ID numbers were exported, and by whom.
    pub fn record_export(
        &mut self,
        what: &str,
        rows: usize,
        unmasked: bool,
        operator: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let after = serde_json::json!({"report": what, "rows": rows, "unmasked": unmasked});
            audit::record(
                tx,
                now,
                operator,
                "report.export",
                "report",
                Some(what),
                None,
                Some(&after),
            )
        })
    }
}

impl Store {
    /// How many of each audited action happened since `since`, by operators of the scope
    /// (a station sees its own desk's actions; the center sees all).
    pub fn action_counts_since(
        &self,
        since: DateTime<Utc>,
        operators: Option<&[String]>,
    ) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn().prepare(
            "SELECT action, operator, count(*) FROM audit_log WHERE at >= ?1 AND operator <> 'system'
             GROUP BY action, operator",
        )?;
        let rows = stmt.query_map([super::millis(since)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut totals: std::collections::BTreeMap<String, i64> = Default::default();
        for row in rows {
            let (action, op, n) = row?;
            if operators.is_none_or(|ops| ops.contains(&op)) {
                *totals.entry(action).or_default() += n;
            }
        }
        Ok(totals.into_iter().collect())
    }
}
