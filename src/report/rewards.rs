//! Guardian reward (以奖代补): a guardian is due the configured amount for each month the
//! patient they guard — risk ≥3, unstable or key population — caused no incident; after a month
//! with an incident the reward stops from the next month for the configured number of months.
//! *r2*: no reward for a month in which the patient was 失访 on any day — the guardian did not
//! keep the supervision agreement [001].

use serde::Serialize;
use std::collections::HashMap;

use crate::config::RewardConfig;
use crate::domain::key_population::is_key_population;
use crate::domain::patient::{Condition, Patient};
use crate::domain::team::Person;

pub use crate::domain::reward::{Month, RewardDecision};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RewardLine {
    pub month: Month,
    pub patient_id: i64,
    pub patient_name: String,
    pub risk_level: u8,
    pub guardian: Option<Person>,
    pub decision: RewardDecision,
    pub amount_yuan: u32,
}

/// Whether a patient's guardian can be rewarded at all: an active patient at risk ≥3, unstable,
/// or in the key population.
pub fn eligible(p: &Patient) -> bool {
    p.status.is_active()
        && (p.is_high_risk() || p.condition == Condition::Unstable || is_key_population(p))
}

/// The months each patient had an incident in, and the months they were 失访 on any day.
#[derive(Debug, Clone, Default)]
pub struct PatientMonths {
    pub incidents: HashMap<i64, Vec<Month>>,
    pub missing: HashMap<i64, Vec<Month>>,
}

/// The reward lines of `month` for every eligible patient.
pub fn month_lines(
    month: Month,
    patients: &[Patient],
    guardians: &HashMap<i64, Person>,
    history: &PatientMonths,
    config: &RewardConfig,
) -> Vec<RewardLine> {
    let incident_months = &history.incidents;
    let mut out = Vec::new();
    for p in patients.iter().filter(|p| eligible(p)) {
        let months = incident_months.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
        let guardian = guardians.get(&p.id).cloned();
        let decision = if guardian.is_none() {
            RewardDecision::NoGuardian
        } else if months.contains(&month) {
            RewardDecision::IncidentThisMonth
        } else if history
            .missing
            .get(&p.id)
            .is_some_and(|ms| ms.contains(&month))
        {
            RewardDecision::MissingThisMonth
        } else {
            // The latest incident month M with M < month ≤ M + suspension.
            let stop = i64::from(config.suspension_months);
            match months
                .iter()
                .filter(|m| **m < month && month <= m.plus(stop))
                .max()
            {
                Some(m) => RewardDecision::Suspended {
                    until: m.plus(stop),
                },
                None => RewardDecision::Due,
            }
        };
        let amount_yuan = if decision == RewardDecision::Due {
            config.monthly_yuan
        } else {
            0
        };
        out.push(RewardLine {
            month,
            patient_id: p.id,
            patient_name: p.name.clone(),
            risk_level: p.risk_level.value(),
            guardian,
            decision,
            amount_yuan,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::risk::RiskLevel;
    use crate::domain::testing::patient;

    fn guardian() -> Person {
        Person {
            id: 9,
            name: "监护甲".into(),
            phone: "13800005001".into(),
            unit: String::new(),
            jurisdiction: Default::default(),
            kind: crate::domain::team::PersonKind::Guardian,
            county_wide: false,
        }
    }

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn decide(month: &str, incidents: &[&str], with_guardian: bool) -> RewardDecision {
        let mut p = patient();
        p.risk_level = RiskLevel::new(3).unwrap();
        let guardians: HashMap<i64, Person> = if with_guardian {
            [(p.id, guardian())].into()
        } else {
            HashMap::new()
        };
        let months = PatientMonths {
            incidents: [(p.id, incidents.iter().map(|s| m(s)).collect())].into(),
            missing: HashMap::new(),
        };
        month_lines(
            m(month),
            &[p],
            &guardians,
            &months,
            &RewardConfig::default(),
        )[0]
        .decision
    }

    #[test]
    fn guardian_of_a_high_risk_patient_without_incidents_is_due_200_yuan() {
        let mut p = patient();
        p.risk_level = RiskLevel::new(4).unwrap();
        let lines = month_lines(
            m("2025-03"),
            &[p.clone()],
            &[(p.id, guardian())].into(),
            &PatientMonths::default(),
            &RewardConfig::default(),
        );
        assert_eq!(lines[0].decision, RewardDecision::Due);
        assert_eq!(lines[0].amount_yuan, 200);
    }

    #[test]
    fn no_reward_for_a_month_with_any_day_missing() {
        let mut p = patient();
        p.risk_level = RiskLevel::new(4).unwrap();
        let months = PatientMonths {
            incidents: HashMap::new(),
            missing: [(p.id, vec![m("2025-03")])].into(),
        };
        let guardians: HashMap<i64, Person> = [(p.id, guardian())].into();
        let cfg = RewardConfig::default();
        let march = month_lines(m("2025-03"), &[p.clone()], &guardians, &months, &cfg);
        assert_eq!(march[0].decision, RewardDecision::MissingThisMonth);
        assert_eq!(march[0].amount_yuan, 0);
        let april = month_lines(m("2025-04"), &[p], &guardians, &months, &cfg);
        assert_eq!(april[0].decision, RewardDecision::Due);
    }

    #[test]
    fn no_reward_in_the_month_of_an_incident_and_twelve_months_after() {
        assert_eq!(
            decide("2025-03", &["2025-03"], true),
            RewardDecision::IncidentThisMonth
        );
        assert_eq!(
            decide("2025-04", &["2025-03"], true),
            RewardDecision::Suspended {
                until: m("2026-03")
            }
        );
        assert_eq!(
            decide("2026-03", &["2025-03"], true),
            RewardDecision::Suspended {
                until: m("2026-03")
            }
        );
        assert_eq!(decide("2026-04", &["2025-03"], true), RewardDecision::Due);
        assert_eq!(decide("2025-02", &["2025-03"], true), RewardDecision::Due);
    }

    #[test]
    fn a_patient_without_a_guardian_rewards_nobody() {
        assert_eq!(decide("2025-03", &[], false), RewardDecision::NoGuardian);
    }

    #[test]
    fn low_risk_stable_guarded_patients_are_not_eligible() {
        assert!(!eligible(&patient()));
        let mut p = patient();
        p.condition = Condition::Unstable;
        assert!(eligible(&p));
    }

    #[test]
    fn months_parse_add_and_range() {
        assert_eq!(m("2025-11").plus(3), m("2026-02"));
        assert_eq!(Month::range(m("2025-11"), m("2026-01")).len(), 3);
        assert!(Month::parse("2025-13").is_none());
    }
}
