//! Reports for the people upstairs: the statistical report (附件2), the police exchange list
//! and the guardian reward, computed for an operator's scope, and written as xlsx or csv.

pub mod exchange;
pub mod handover;
pub mod rewards;
pub mod stats;
pub mod write;

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use crate::config::Config;
use crate::domain::clock::beijing_midnight;
use crate::domain::history;
use crate::domain::patient::Patient;
use crate::domain::patient::Status;
use crate::store::patients::PatientQuery;
use crate::store::{Result, Scope, Store};
use rewards::{Month, RewardLine};

/// The months in which each patient in scope had an incident opened.
fn incident_months(store: &Store, scope: &Scope) -> Result<HashMap<i64, Vec<Month>>> {
    let mut out: HashMap<i64, Vec<Month>> = HashMap::new();
    for i in store.incidents(scope)? {
        if let Some(pid) = i.patient_id {
            let m = Month::of(crate::domain::clock::beijing_date(i.opened_at));
            out.entry(pid).or_default().push(m);
        }
    }
    Ok(out)
}

/// The months in which each patient in scope was 失访 on any day, from the history up to the
/// end of month `to`.
fn missing_months(store: &Store, scope: &Scope, to: Month) -> Result<HashMap<i64, Vec<Month>>> {
    use crate::domain::clock::beijing_date;
    use crate::domain::history::status_spans;
    use crate::domain::patient::Status;
    let end = beijing_midnight(to.plus(1).first_day());
    let mut out: HashMap<i64, Vec<Month>> = HashMap::new();
    for (pid, entries) in store.history_until(end, scope)? {
        for (start, stop) in status_spans(&entries, Status::Missing) {
            let first = Month::of(beijing_date(start));
            // A span that ends at a month's first instant did not touch that month.
            let last = match stop {
                Some(s) => Month::of(beijing_date(s - chrono::Duration::milliseconds(1))),
                None => to,
            };
            if first <= last {
                out.entry(pid)
                    .or_default()
                    .extend(Month::range(first, last));
            }
        }
    }
    Ok(out)
}

fn patients(store: &Store, scope: &Scope) -> Result<Vec<Patient>> {
    store.patients(&PatientQuery {
        scope: scope.clone(),
        ..Default::default()
    })
}

/// Reward lines for every month from `from` to `to`.
pub fn reward_lines(
    store: &Store,
    scope: &Scope,
    from: Month,
    to: Month,
    config: &Config,
) -> Result<Vec<RewardLine>> {
    let ps = patients(store, scope)?;
    let guardians = store.guardians(scope)?;
    let months = rewards::PatientMonths {
        incidents: incident_months(store, scope)?,
        missing: missing_months(store, scope, to)?,
    };
    Ok(Month::range(from, to)
        .into_iter()
        .flat_map(|m| rewards::month_lines(m, &ps, &guardians, &months, &config.rewards))
        .collect())
}

/// The statistical report for `[from, to]` (Beijing dates, both included) in `scope`.
pub fn statistics(
    store: &Store,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    config: &Config,
) -> Result<Vec<stats::StatRow>> {
    let start: DateTime<Utc> = beijing_midnight(from);
    let end: DateTime<Utc> = beijing_midnight(to + chrono::Days::new(1));
    let last_instant = end - chrono::Duration::milliseconds(1);
    let history = store.history_until(last_instant, scope)?;
    let mut then = Vec::new();
    let mut newly_high = std::collections::HashSet::new();
    let mut in_hospital_during = std::collections::HashSet::new();
    for p in patients(store, scope)? {
        let entries = history.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
        let Some(q) = history::patient_at(&p, entries, last_instant) else {
            continue;
        };
        // A station's report counts the patients it held at the period's end.
        if !scope.admits_station(&q.jurisdiction.station) || !q.status.is_active() {
            continue;
        }
        let state = history::state_at(entries, start, last_instant);
        if state
            .first_high_at
            .is_some_and(|t| t >= start && Some(t) != state.first_at)
        {
            newly_high.insert(q.id);
        }
        if state.statuses_in_period.contains(&Status::InHospital) {
            in_hospital_during.insert(q.id);
        }
        then.push(q);
    }
    let followups = store.followups_between(from, to, scope)?;
    let operator_names = store.operator_names()?;
    let incidents = store.incidents_opened_between(start, end, scope)?;
    let rewards = reward_lines(store, scope, Month::of(from), Month::of(to), config)?;
    Ok(stats::compute(&stats::StatsInput {
        from,
        to,
        patients: &then,
        newly_high: &newly_high,
        in_hospital_during: &in_hospital_during,
        followups: &followups,
        operator_names: &operator_names,
        incidents: &incidents,
        rewards: &rewards,
        reward_config: &config.rewards,
    }))
}
