//! When a patient's derived alerts can next change with nothing but time passing: the next
//! Beijing midnight at which a follow-up, a visit or an `away_long` limit falls due, and the
//! start or end of a control order that reaches a high-risk patient. The deriver re-derives a
//! patient only once this instant has passed; any write to the patient computes it again.

use chrono::{DateTime, NaiveDate, Utc};

use super::alert::{AlertKind, DerivedAlert, RoleSet, derive};
use super::clock::{beijing_date, beijing_midnight};
use super::control::{ControlOrder, in_force_for};
use super::patient::{Patient, Status};
use super::policy::Rules;
use super::schedule::{followup_due, visit_due};

/// What a refresh writes for one patient: the alerts `p` raises at `now` with the roles its
/// team fills (under the strictest control order that reaches it), and the instant they may
/// next change with time alone.
pub fn derive_with_due(
    p: &Patient,
    team: RoleSet,
    now: DateTime<Utc>,
    orders: &[ControlOrder],
    config: &dyn Rules,
) -> (Vec<DerivedAlert>, Option<DateTime<Utc>>) {
    let control = in_force_for(orders, &p.jurisdiction, now);
    let alerts = derive(p, team, now, control.as_ref(), config);
    (alerts, next_change(p, now, orders, config))
}

/// The first instant after `now` at which `derive` may give another answer for `p` (another
/// kind, severity or due date), or `None` when only a change to the data can. `orders` are
/// all control orders; those that do not reach the patient are ignored.
pub fn next_change(
    p: &Patient,
    now: DateTime<Utc>,
    orders: &[ControlOrder],
    config: &dyn Rules,
) -> Option<DateTime<Utc>> {
    if !p.status.is_active() {
        return None;
    }
    let today = beijing_date(now);
    let mut next: Option<DateTime<Utc>> = None;
    let mut consider = |at: DateTime<Utc>| {
        if at > now {
            next = Some(next.map_or(at, |n| n.min(at)));
        }
    };
    // A date-based rule turns on the day after its date: `today > date`.
    let mut after_day = |date: NaiveDate| {
        if today <= date
            && let Some(day_after) = date.succ_opt()
        {
            consider(beijing_midnight(day_after));
        }
    };
    if p.status == Status::Away
        && let Some(left) = p.away_since
    {
        after_day(left + chrono::Days::new(u64::from(config.alerts().away_long_days)));
    }
    if p.status != Status::InHospital {
        after_day(followup_due(p, config.followup()));
        let control = in_force_for(orders, &p.jurisdiction, now);
        after_day(
            visit_due(
                p,
                now,
                control.as_ref(),
                config.followup(),
                config.control(),
            )
            .date,
        );
        // A control level caps a high-risk patient's visits only while its window is open.
        if p.is_high_risk() {
            for o in orders.iter().filter(|o| o.covers(&p.jurisdiction)) {
                let w = o.window();
                consider(w.starts_at);
                consider(w.ends_at);
            }
        }
    }
    next
}

/// Whether resolving an alert of this kind by hand leaves the patient to be derived again:
/// a derived alert whose condition still holds comes back on the next derivation.
pub fn resolving_makes_due(kind: AlertKind) -> bool {
    kind.is_derived()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::alert::{RoleSet, derive};
    use crate::domain::patient::Vocabulary;
    use crate::domain::risk::RiskLevel;
    use crate::domain::schedule::ControlLevel;
    use crate::domain::team::Role;
    use crate::domain::testing::patient;

    fn at(s: &str, hour: i64) -> DateTime<Utc> {
        beijing_midnight(s.parse().unwrap()) + chrono::Duration::hours(hour)
    }

    fn midnight(s: &str) -> DateTime<Utc> {
        beijing_midnight(s.parse().unwrap())
    }

    fn order(from: &str, to: &str) -> ControlOrder {
        ControlOrder {
            id: 1,
            level: ControlLevel::Level1,
            starts_at: midnight(from),
            ends_at: midnight(to),
            townships: vec![],
            stations: vec![],
            reason: "演练".into(),
            set_by: "center".into(),
            ended_at: None,
        }
    }

    fn full_team() -> RoleSet {
        Role::ALL.iter().copied().collect()
    }

    #[test]
    fn stable_patient_is_next_due_the_midnight_after_the_follow_up_date() {
        // Followed up and visited 2025-03-01: follow-up due 2025-06-01, overdue from 06-02.
        let p = patient();
        assert_eq!(
            next_change(&p, at("2025-03-10", 9), &[], &Config::default()),
            Some(midnight("2025-06-02"))
        );
    }

    #[test]
    fn an_overdue_patient_waits_for_the_visit_date_next() {
        let p = patient();
        // Follow-up overdue since 06-02; the face-to-face visit falls due 2025-09-01.
        assert_eq!(
            next_change(&p, at("2025-06-05", 9), &[], &Config::default()),
            Some(midnight("2025-09-02"))
        );
        // Both overdue: nothing but new data changes the alerts.
        assert_eq!(
            next_change(&p, at("2025-10-01", 9), &[], &Config::default()),
            None
        );
    }

    #[test]
    fn away_patient_is_due_when_the_away_long_limit_passes() {
        let mut p = patient();
        p.status = Status::Away;
        p.away_since = Some("2025-03-02".parse().unwrap());
        // 30 days after 2 March is 1 April: away_long from 2 April.
        assert_eq!(
            next_change(&p, at("2025-03-10", 9), &[], &Config::default()),
            Some(midnight("2025-04-02"))
        );
    }

    #[test]
    fn a_control_order_makes_a_high_risk_patient_due_at_its_start_and_end() {
        let mut p = patient();
        p.risk_level = RiskLevel::new(3).unwrap();
        let orders = [order("2025-03-20", "2025-03-25")];
        let now = at("2025-03-10", 9);
        assert_eq!(
            next_change(&p, now, &orders, &Config::default()),
            Some(midnight("2025-03-20"))
        );
        // Inside the window the capped visit falls due first (一级: a day after the start)...
        assert_eq!(
            next_change(&p, at("2025-03-20", 9), &orders, &Config::default()),
            Some(midnight("2025-03-22"))
        );
        // ...and once it is overdue, the window's end changes it back.
        assert_eq!(
            next_change(&p, at("2025-03-23", 9), &orders, &Config::default()),
            Some(midnight("2025-03-25"))
        );
        // A low-risk patient is not capped, so the order does not concern them.
        p.risk_level = RiskLevel::ZERO;
        assert_eq!(
            next_change(&p, now, &orders, &Config::default()),
            Some(midnight("2025-06-02"))
        );
    }

    #[test]
    fn inactive_and_in_hospital_patients_change_only_with_their_data() {
        let mut p = patient();
        p.status = Status::Deceased;
        assert_eq!(
            next_change(&p, at("2025-03-10", 9), &[], &Config::default()),
            None
        );
        p.status = Status::InHospital;
        assert_eq!(
            next_change(&p, at("2025-03-10", 9), &[], &Config::default()),
            None
        );
    }

    /// The promise the deriver relies on: between now and the next change, derivation gives
    /// the same kinds, severities and due dates at every hour.
    #[test]
    fn derivation_does_not_change_before_the_next_change_instant() {
        let config = Config::default();
        let mut variants = Vec::new();
        for status in [Status::Managed, Status::Away, Status::Missing] {
            for risk in [0, 3] {
                let mut p = patient();
                p.status = status;
                p.risk_level = RiskLevel::new(risk).unwrap();
                p.away_since = Some("2025-02-20".parse().unwrap());
                p.discharged_on = Some("2025-03-05".parse().unwrap());
                variants.push(p);
            }
        }
        let orders = [order("2025-03-12", "2025-04-20")];
        let key = |p: &Patient, t| {
            derive(
                p,
                full_team(),
                t,
                in_force_for(&orders, &p.jurisdiction, t).as_ref(),
                &config,
            )
            .into_iter()
            .map(|a| (a.kind, a.severity, a.since))
            .collect::<Vec<_>>()
        };
        for p in &variants {
            let mut now = at("2025-03-01", 10);
            let end = at("2025-12-31", 0);
            while now < end {
                let next = next_change(p, now, &orders, &config);
                let mut t = now + chrono::Duration::hours(5);
                while t < end && next.is_none_or(|n| t < n) {
                    assert_eq!(key(p, t), key(p, now), "{:?} at {t} from {now}", p.status);
                    t += chrono::Duration::hours(5);
                }
                now = match next {
                    Some(n) => n,
                    None => break,
                };
            }
        }
    }
}
