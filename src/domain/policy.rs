//! The rules' parameters: every value SPEC.md calls a *default* that a rule of the domain
//! reads (schedules, control levels, the team, escalation, the quick response, rewards). They
//! are read from the configuration file (`crate::config` re-exports them) but belong to the
//! domain, so that the rules depend on nothing above them.

use serde::{Deserialize, Serialize};

pub use super::team::TeamConfig;

/// What a rule needs of the configuration: implemented by `crate::config::Config`, so the
/// domain takes its parameters without knowing the file they come from.
pub trait Rules {
    fn followup(&self) -> &FollowUpConfig;
    fn control(&self) -> &ControlConfig;
    fn team(&self) -> &TeamConfig;
    fn alerts(&self) -> &AlertConfig;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FollowUpConfig {
    pub stable_months: u32,
    pub basically_stable_months: u32,
    pub unstable_days: u32,
    pub face_to_face_months: u32,
    /// Basically-stable follow-ups in a row that ask for a psychiatrist's guidance.
    pub guidance_after_basically_stable: u32,
    /// Follow-ups in a row that did not reach the patient before they count as 失访.
    pub missing_after_not_reached: u32,
    /// Days after a discharge within which the next follow-up is due.
    pub after_discharge_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ControlConfig {
    /// Longest visit interval for high-risk patients under 一级/二级/三级管控.
    pub level1_days: u32,
    pub level2_days: u32,
    pub level3_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertConfig {
    /// Minutes after which an unacknowledged P1 escalates on screen.
    pub p1_escalate_minutes: u32,
    /// Days 外出 before the receiving area must be told (`away_long`).
    pub away_long_days: u32,
    /// Days after an incident closes within which the patient is reassessed.
    pub reassess_within_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuickResponseConfig {
    pub steps: Vec<QuickResponseStepConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickResponseStepConfig {
    pub minutes: u32,
    pub label_zh: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RewardConfig {
    pub monthly_yuan: u32,
    /// Months without reward after a month with an incident.
    pub suspension_months: u32,
}

impl Default for FollowUpConfig {
    fn default() -> Self {
        FollowUpConfig {
            stable_months: 3,
            basically_stable_months: 1,
            unstable_days: 14,
            face_to_face_months: 6,
            guidance_after_basically_stable: 3,
            missing_after_not_reached: 3,
            after_discharge_days: 14,
        }
    }
}

impl Default for ControlConfig {
    fn default() -> Self {
        ControlConfig {
            level1_days: 1,
            level2_days: 3,
            level3_days: 7,
        }
    }
}

impl Default for AlertConfig {
    fn default() -> Self {
        AlertConfig {
            p1_escalate_minutes: 2,
            away_long_days: 30,
            reassess_within_days: 1,
        }
    }
}

impl Default for QuickResponseConfig {
    fn default() -> Self {
        let step = |minutes, zh: &str, en: &str| QuickResponseStepConfig {
            minutes,
            label_zh: zh.into(),
            label_en: en.into(),
        };
        QuickResponseConfig {
            steps: vec![
                step(
                    1,
                    "最小作战单元先期处置",
                    "Nearest unit starts first handling",
                ),
                step(3, "周边力量增援到场", "Reinforcements arrive"),
                step(5, "区域警力到场处置", "Area police force takes control"),
            ],
        }
    }
}

impl Default for RewardConfig {
    fn default() -> Self {
        RewardConfig {
            monthly_yuan: 200,
            suspension_months: 12,
        }
    }
}
