//! An added patient's writes, worked out on the import's checking core rather than by the
//! writer, which holds the transaction and is the import's bottleneck: the patient as its row
//! gives it, its first history row, the alerts it raises and when they may next change. All
//! of it is pure given what the writer read in its transaction (`Ground`).

use chrono::{DateTime, NaiveDate, Utc};
use foldhash::HashSet;

use crate::config::Config;
use crate::domain::alert::{DerivedAlert, RoleSet};
use crate::domain::alert_due::derive_with_due;
use crate::domain::control::ControlOrder;
use crate::domain::patient::Patient;
use crate::import::rows::RosterRow;
use crate::store::history;

/// What an import's rows are worked out against, read in its transaction: the ID numbers
/// already registered and the control orders, with the import's instant and rules.
pub(super) struct Ground<'c> {
    pub registered: HashSet<String>,
    pub orders: Vec<ControlOrder>,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub config: &'c Config,
    /// Whether alerts are derived: a dry run writes none.
    pub alerts: bool,
}

impl Ground<'_> {
    /// The alerts `p` raises with the roles `team` fills, and its next due instant.
    pub fn derive(&self, p: &Patient, team: RoleSet) -> (Vec<DerivedAlert>, Option<DateTime<Utc>>) {
        if !self.alerts {
            return (Vec::new(), None);
        }
        derive_with_due(p, team, self.now, &self.orders, self.config)
    }

    /// Each row's writes if its patient is new to the register, in the rows' order.
    pub fn added(&self, rows: &[RosterRow]) -> Vec<Option<Added>> {
        rows.iter()
            .map(|row| {
                (!self.registered.contains(row.id_number.as_str())).then(|| Added::of(row, self))
            })
            .collect()
    }
}

/// What the row of a patient new to the register writes, but for the ids the writer gives.
pub(super) struct Added {
    /// As stored, without its id.
    pub patient: Patient,
    /// Its first high-risk day, if it is high risk.
    pub high_risk_on: NaiveDate,
    /// The roles the row names a member for: the team it has once the writer seats them.
    pub team: RoleSet,
    pub history: Option<[Option<String>; 9]>,
    /// Derived for `team`, with no patient id yet.
    pub alerts: Vec<DerivedAlert>,
    pub due: Option<DateTime<Utc>>,
}

impl Added {
    pub fn of(row: &RosterRow, ground: &Ground) -> Added {
        let patient = row.merge_into(None, ground.today);
        // A roster says when the level was last assessed, not when it first reached 3: the
        // last follow-up date (else registration) is the earliest day the store can vouch for.
        let high_risk_on = patient.last_followup.unwrap_or(patient.registered_on);
        let team: RoleSet = row.members.iter().map(|m| m.role).collect();
        let (alerts, due) = ground.derive(&patient, team);
        Added {
            history: history::first_of(&patient),
            patient,
            high_risk_on,
            team,
            alerts,
            due,
        }
    }
}
