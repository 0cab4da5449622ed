//! The seven key-population categories (重点人员) of the special action [004]. Shown as badges
//! and usable as filters.

use serde::{Deserialize, Serialize};

use super::patient::{Compliance, Condition, Guardianship, Patient, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyCategory {
    IncidentHistory,
    HighRisk,
    WeakGuardianship,
    PoorCompliance,
    RefusesFollowUp,
    EverMissing,
    Unstable,
}

impl KeyCategory {
    pub const ALL: [KeyCategory; 7] = [
        KeyCategory::IncidentHistory,
        KeyCategory::HighRisk,
        KeyCategory::WeakGuardianship,
        KeyCategory::PoorCompliance,
        KeyCategory::RefusesFollowUp,
        KeyCategory::EverMissing,
        KeyCategory::Unstable,
    ];

    pub fn applies(self, p: &Patient) -> bool {
        match self {
            KeyCategory::IncidentHistory => p.flags.incident_history,
            KeyCategory::HighRisk => p.risk_level.is_high() || p.risk_highest.is_high(),
            KeyCategory::WeakGuardianship => p.guardianship != Guardianship::Normal,
            // Repeated relapse: fell back to unstable at least twice.
            KeyCategory::PoorCompliance => {
                matches!(
                    p.compliance,
                    Some(Compliance::Intermittent | Compliance::NotTaking)
                ) || p.relapses >= 2
            }
            KeyCategory::RefusesFollowUp => p.status == Status::Refuses,
            KeyCategory::EverMissing => p.flags.ever_missing || p.status == Status::Missing,
            KeyCategory::Unstable => p.condition == Condition::Unstable,
        }
    }
}

pub fn categories(p: &Patient) -> Vec<KeyCategory> {
    KeyCategory::ALL
        .into_iter()
        .filter(|c| c.applies(p))
        .collect()
}

/// The categories a patient is in, as one byte: a list row holds this, not a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeySet(u8);

impl KeySet {
    pub fn of(p: &Patient) -> Self {
        KeySet(
            KeyCategory::ALL
                .iter()
                .enumerate()
                .filter(|(_, c)| c.applies(p))
                .fold(0, |bits, (i, _)| bits | 1 << i),
        )
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The categories in the order of `KeyCategory::ALL`, as `categories` lists them.
    pub fn iter(self) -> impl Iterator<Item = KeyCategory> {
        KeyCategory::ALL
            .into_iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & 1 << i != 0)
            .map(|(_, c)| c)
    }
}

pub fn is_key_population(p: &Patient) -> bool {
    KeyCategory::ALL.iter().any(|c| c.applies(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::risk::RiskLevel;
    use crate::domain::testing::patient;

    #[test]
    fn stable_low_risk_guarded_patient_is_not_key_population() {
        assert!(categories(&patient()).is_empty());
    }

    #[test]
    fn each_of_the_seven_categories_is_recognised() {
        type Change = Box<dyn Fn(&mut Patient)>;
        let cases: Vec<(KeyCategory, Change)> = vec![
            (
                KeyCategory::IncidentHistory,
                Box::new(|p| p.flags.incident_history = true),
            ),
            (
                KeyCategory::HighRisk,
                Box::new(|p| p.risk_level = RiskLevel::new(3).unwrap()),
            ),
            (
                KeyCategory::WeakGuardianship,
                Box::new(|p| p.guardianship = Guardianship::Absent),
            ),
            (
                KeyCategory::PoorCompliance,
                Box::new(|p| p.compliance = Some(Compliance::NotTaking)),
            ),
            (
                KeyCategory::RefusesFollowUp,
                Box::new(|p| p.status = Status::Refuses),
            ),
            (
                KeyCategory::EverMissing,
                Box::new(|p| p.flags.ever_missing = true),
            ),
            (
                KeyCategory::Unstable,
                Box::new(|p| p.condition = Condition::Unstable),
            ),
        ];
        for (category, change) in cases {
            let mut p = patient();
            change(&mut p);
            assert_eq!(categories(&p), vec![category]);
            assert_eq!(KeySet::of(&p).iter().collect::<Vec<_>>(), vec![category]);
            assert_eq!(KeySet::of(&p).len(), 1);
        }
    }

    #[test]
    fn risk_three_ever_counts_as_high_risk_category() {
        let mut p = patient();
        p.risk_highest = RiskLevel::new(4).unwrap();
        assert!(KeyCategory::HighRisk.applies(&p));
    }

    #[test]
    fn repeated_relapse_counts_as_poor_compliance_category() {
        let mut p = patient();
        p.relapses = 2;
        assert!(KeyCategory::PoorCompliance.applies(&p));
    }
}
