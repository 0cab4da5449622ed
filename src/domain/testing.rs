//! A well-managed fixture patient for rule tests: stable, risk 0, guarded, seen on 2025-03-01.

use super::id_number::{IdNumber, check_char};
use super::patient::*;
use super::risk::RiskLevel;

pub fn patient() -> Patient {
    let first17 = "42010219800101123";
    let id = IdNumber::parse(&format!("{first17}{}", check_char(first17))).expect("valid");
    Patient {
        id: 1,
        gender: id.gender(),
        id_number: id,
        name: "测试甲".into(),
        phone: "13800000000".into(),
        address: "演示路1号".into(),
        jurisdiction: Jurisdiction {
            township: "望江街道".into(),
            village: "桃源社区".into(),
            station: "望江派出所".into(),
        },
        diagnosis: Diagnosis::Schizophrenia,
        risk_level: RiskLevel::ZERO,
        risk_highest: RiskLevel::ZERO,
        condition: Condition::Stable,
        guardianship: Guardianship::Normal,
        status: Status::Managed,
        away_destination: String::new(),
        treatment_place: Some(TreatmentPlace::Home),
        medication: Some(Medication::Oral),
        compliance: Some(Compliance::Regular),
        flags: PatientFlags::default(),
        last_followup: Some("2025-03-01".parse().unwrap()),
        last_visit: Some("2025-03-01".parse().unwrap()),
        registered_on: "2020-01-01".parse().unwrap(),
        basic_stable_streak: 0,
        not_reached_streak: 0,
        relapses: 0,
        away_since: None,
        discharged_on: None,
        earlier_missing: false,
        reassess_since: None,
    }
}
