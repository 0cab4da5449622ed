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
use crate::domain::patient::Patient;
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
    let months = incident_months(store, scope)?;
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
    let ps = patients(store, scope)?;
    let since = store.high_risk_since(scope)?;
    let followups = store.followups_between(from, to, scope)?;
    let start: DateTime<Utc> = beijing_midnight(from);
    let end: DateTime<Utc> = beijing_midnight(to + chrono::Days::new(1));
    let incidents = store.incidents_opened_between(start, end, scope)?;
    let rewards = reward_lines(store, scope, Month::of(from), Month::of(to), config)?;
    Ok(stats::compute(&stats::StatsInput {
        from,
        to,
        patients: &ps,
        high_risk_since: &since,
        followups: &followups,
        incidents: &incidents,
        rewards: &rewards,
        reward_config: &config.rewards,
    }))
}
