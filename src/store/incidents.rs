//! Incidents (案事件) as lists show them. Opening and timing them is the quick-response work.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Result, Scope, Store, from_millis};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentRow {
    pub id: i64,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub patient_id: Option<i64>,
    pub patient_name: Option<String>,
    pub station: Option<String>,
    pub location: String,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Incidents in scope, open ones first, newest first. A station sees incidents of its
    /// patients and those opened for unknown persons by its own operators.
    pub fn incidents(&self, scope: &Scope, own_logins: &[String]) -> Result<Vec<IncidentRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT i.id, i.opened_at, i.opened_by, i.patient_id, p.name, p.station, i.location,
                    i.closed_at
             FROM incidents i LEFT JOIN patients p ON p.id = i.patient_id
             ORDER BY i.closed_at IS NOT NULL, i.opened_at DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(IncidentRow {
                id: r.get(0)?,
                opened_at: from_millis(r.get(1)?),
                opened_by: r.get(2)?,
                patient_id: r.get(3)?,
                patient_name: r.get(4)?,
                station: r.get(5)?,
                location: r.get(6)?,
                closed_at: r.get::<_, Option<i64>>(7)?.map(from_millis),
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            let visible = match (&row.station, scope) {
                (_, Scope::All) => true,
                (Some(s), scope) => scope.admits_station(s),
                (None, _) => own_logins.contains(&row.opened_by),
            };
            if visible {
                out.push(row);
            }
        }
        Ok(out)
    }
}
