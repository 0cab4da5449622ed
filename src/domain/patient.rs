//! The patient record (一人一档) and the closed vocabularies its fields take. The Chinese names
//! are the words rosters and the national system use; `parse_zh` accepts them and their
//! common variants.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::id_number::IdNumber;
use super::risk::RiskLevel;

pub use super::id_number::Gender;
pub use super::vocabulary::Vocabulary;
pub(crate) use super::vocabulary::vocabulary;

vocabulary!(Diagnosis {
    Schizophrenia => "schizophrenia", "精神分裂症";
    Schizoaffective => "schizoaffective", "分裂情感性障碍";
    DelusionalDisorder => "delusional_disorder", "持久的妄想性障碍（偏执性精神病）",
        ["持久的妄想性障碍", "偏执性精神病", "持久性妄想性障碍"];
    Bipolar => "bipolar", "双相（情感）障碍", ["双相情感障碍", "双相障碍"];
    EpilepsyPsychosis => "epilepsy_psychosis", "癫痫所致精神障碍";
    IntellectualDisabilityPsychosis => "intellectual_disability_psychosis",
        "精神发育迟滞伴发精神障碍";
});

vocabulary!(Condition {
    Stable => "stable", "稳定";
    BasicallyStable => "basically_stable", "基本稳定";
    Unstable => "unstable", "不稳定";
});

vocabulary!(Guardianship {
    Normal => "normal", "有", ["正常", "有监护"];
    Weak => "weak", "弱", ["监护弱", "监护薄弱"];
    Absent => "none", "无", ["无监护", "监护缺失"];
});

vocabulary!(Status {
    Managed => "managed", "在管", ["在册", "正常管理"];
    InHospital => "in_hospital", "住院";
    Away => "away", "外出";
    Missing => "missing", "失访", ["去向不明", "失联"];
    Refuses => "refuses", "拒访";
    MovedOut => "moved_out", "迁出";
    Deceased => "deceased", "死亡";
    Closed => "closed", "销案";
});

vocabulary!(TreatmentPlace {
    Home => "home", "居家", ["居家治疗"];
    Hospital => "hospital", "住院", ["住院治疗"];
});

vocabulary!(Medication {
    LongActingInjection => "long_acting_injection", "长效针剂", ["长效针剂治疗"];
    Oral => "oral", "口服", ["口服药", "口服药物"];
    None => "none", "未服药", ["不服药"];
});

vocabulary!(Compliance {
    Regular => "regular", "规律", ["规律服药"];
    Intermittent => "intermittent", "间断", ["间断服药"];
    NotTaking => "not_taking", "不服药";
    NotNeeded => "not_needed", "医嘱勿需", ["医嘱无需"];
});

impl Status {
    /// Deceased, moved-out and closed patients are no longer watched and raise nothing.
    pub fn is_active(self) -> bool {
        !matches!(self, Status::MovedOut | Status::Deceased | Status::Closed)
    }
}

/// The yes/no marks a roster carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientFlags {
    pub police_listed: bool,
    pub incident_history: bool,
    pub floating: bool,
    pub vagrant: bool,
    pub special_team: bool,
    pub ever_missing: bool,
}

/// Where a patient belongs; the station decides which duty desk sees them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Jurisdiction {
    pub township: String,
    pub village: String,
    pub station: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    /// Row id in the store; 0 before it is stored.
    pub id: i64,
    pub id_number: IdNumber,
    pub name: String,
    pub gender: Gender,
    pub phone: String,
    pub address: String,
    pub jurisdiction: Jurisdiction,
    pub diagnosis: Diagnosis,
    pub risk_level: RiskLevel,
    pub risk_highest: RiskLevel,
    pub condition: Condition,
    pub guardianship: Guardianship,
    pub status: Status,
    pub away_destination: String,
    pub treatment_place: Option<TreatmentPlace>,
    pub medication: Option<Medication>,
    pub compliance: Option<Compliance>,
    pub flags: PatientFlags,
    pub last_followup: Option<NaiveDate>,
    pub last_visit: Option<NaiveDate>,
    /// When the patient entered the register; the schedule counts from here before any visit.
    pub registered_on: NaiveDate,
    /// Basically-stable follow-ups in a row, for the psychiatrist-guidance rule.
    pub basic_stable_streak: u32,
    /// Follow-ups in a row that did not reach the patient, for the 失访 rule.
    pub not_reached_streak: u32,
    /// Times the condition fell back to unstable, for "repeated relapse".
    pub relapses: u32,
    /// The day the patient left for `away_destination` (外出日期), when 外出.
    pub away_since: Option<NaiveDate>,
    /// The last discharge from hospital (出院日期); the next follow-up is due soon after it.
    pub discharged_on: Option<NaiveDate>,
    /// A missing episode before the present one (the roster's 曾失访 on a patient now 失访, or
    /// an episode that ended): it makes a new `missing` alert P1.
    pub earlier_missing: bool,
    /// The day an incident of this patient was closed, until a follow-up reassesses them.
    pub reassess_since: Option<NaiveDate>,
}

impl Patient {
    pub fn is_high_risk(&self) -> bool {
        self.risk_level.is_high()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_accepts_canonical_words_aliases_and_codes() {
        assert_eq!(
            Diagnosis::parse_zh("双相情感障碍"),
            Some(Diagnosis::Bipolar)
        );
        assert_eq!(
            Diagnosis::parse_zh("持久的妄想性障碍(偏执性精神病)"),
            Some(Diagnosis::DelusionalDisorder)
        );
        assert_eq!(
            Condition::parse_zh(" 基本稳定 "),
            Some(Condition::BasicallyStable)
        );
        assert_eq!(Status::parse_zh("去向不明"), Some(Status::Missing));
        assert_eq!(Status::parse_zh("missing"), Some(Status::Missing));
        assert_eq!(Status::parse_zh("出国"), None);
    }

    #[test]
    fn there_are_exactly_six_diagnoses() {
        assert_eq!(Diagnosis::ALL.len(), 6);
    }

    #[test]
    fn deceased_moved_out_and_closed_are_not_active() {
        let inactive: Vec<_> = Status::ALL.iter().filter(|s| !s.is_active()).collect();
        assert_eq!(
            inactive,
            vec![&Status::MovedOut, &Status::Deceased, &Status::Closed]
        );
    }
}
