//! The five responsible persons (五位一体): which roles a patient needs, who may fill them, and
//! when a person carries too many high-risk patients.

use serde::{Deserialize, Serialize};

use super::patient::{Condition, Guardianship, Jurisdiction, Patient, Vocabulary, vocabulary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    TownshipCadre,
    StationOfficer,
    VillageCadre,
    Doctor,
    Guardian,
}

impl Vocabulary for Role {
    const ALL: &'static [Self] = &[
        Role::TownshipCadre,
        Role::StationOfficer,
        Role::VillageCadre,
        Role::Doctor,
        Role::Guardian,
    ];
    fn zh(self) -> &'static str {
        match self {
            Role::TownshipCadre => "乡镇包村干部",
            Role::StationOfficer => "派出所包村民警",
            Role::VillageCadre => "村（社区）干部",
            Role::Doctor => "基层精防医生",
            Role::Guardian => "监护人",
        }
    }
    fn code(self) -> &'static str {
        match self {
            Role::TownshipCadre => "township_cadre",
            Role::StationOfficer => "station_officer",
            Role::VillageCadre => "village_cadre",
            Role::Doctor => "doctor",
            Role::Guardian => "guardian",
        }
    }
}

vocabulary!(PersonKind {
    Cadre => "cadre", "干部", ["包村干部", "村干部", "乡镇干部"];
    Officer => "officer", "民警", ["警察", "包村民警"];
    Doctor => "doctor", "医生", ["精防医生", "医师"];
    Guardian => "guardian", "监护人";
    Other => "other", "其他";
});

impl Role {
    /// The kind of person who may fill the role (revision 2): cadres for the two cadre roles,
    /// an officer, a doctor, a guardian.
    pub fn kind(self) -> PersonKind {
        match self {
            Role::TownshipCadre | Role::VillageCadre => PersonKind::Cadre,
            Role::StationOfficer => PersonKind::Officer,
            Role::Doctor => PersonKind::Doctor,
            Role::Guardian => PersonKind::Guardian,
        }
    }
}

/// The team's parameters (configuration `[team]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TeamConfig {
    /// Roles required for patients below risk 3 who are not unstable (those need all five).
    pub required_roles_low_risk: Vec<Role>,
    /// High-risk patients one person may serve before the console warns.
    pub workload_threshold: u32,
}

impl Default for TeamConfig {
    fn default() -> Self {
        TeamConfig {
            required_roles_low_risk: vec![Role::Guardian, Role::Doctor],
            workload_threshold: 15,
        }
    }
}

/// A person who can serve on teams. The jurisdiction fields that matter depend on the role:
/// an officer's station, a township cadre's township, a village cadre's village.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub jurisdiction: Jurisdiction,
    pub kind: PersonKind,
    /// A county-level hospital's doctor, who may serve any township.
    #[serde(default)]
    pub county_wide: bool,
}

/// Where a person newly named for `role` belongs: the part of the patient's jurisdiction that
/// role is bound to (an officer to the station, cadres to the township or village), and the
/// unit that goes with it. Doctors and guardians are not bound.
pub fn home_jurisdiction(role: Role, j: &Jurisdiction) -> (Jurisdiction, String) {
    match role {
        Role::StationOfficer => (
            Jurisdiction {
                station: j.station.clone(),
                ..Default::default()
            },
            j.station.clone(),
        ),
        Role::TownshipCadre => (
            Jurisdiction {
                township: j.township.clone(),
                ..Default::default()
            },
            j.township.clone(),
        ),
        Role::VillageCadre => (
            Jurisdiction {
                township: j.township.clone(),
                village: j.village.clone(),
                ..Default::default()
            },
            j.village.clone(),
        ),
        // A doctor belongs to a health unit of the township.
        Role::Doctor => (
            Jurisdiction {
                township: j.township.clone(),
                ..Default::default()
            },
            String::new(),
        ),
        Role::Guardian => (Jurisdiction::default(), String::new()),
    }
}

/// Whether a person could fill `role` for a patient in `j`, for narrowing a picker.
pub fn fits_role(role: Role, person: &Person, j: &Jurisdiction) -> bool {
    let q = &person.jurisdiction;
    person.kind == role.kind()
        && match role {
            Role::StationOfficer => q.station == j.station,
            Role::TownshipCadre => q.township == j.township,
            Role::VillageCadre => q.township == j.township && q.village == j.village,
            Role::Doctor => person.county_wide || q.township.is_empty() || q.township == j.township,
            Role::Guardian => true,
        }
        && person.kind == role.kind()
}

/// Risk ≥3 or unstable: all five (五包一). Others: the configured roles.
pub fn required_roles(patient: &Patient, config: &TeamConfig) -> Vec<Role> {
    if patient.is_high_risk() || patient.condition == Condition::Unstable {
        Role::ALL.to_vec()
    } else {
        let mut roles = config.required_roles_low_risk.clone();
        // Weak or absent guardianship: the village or unit must designate a guardian.
        if patient.guardianship != Guardianship::Normal && !roles.contains(&Role::Guardian) {
            roles.push(Role::Guardian);
        }
        roles.sort();
        roles.dedup();
        roles
    }
}

/// Required roles that nobody fills, in role order.
pub fn missing_roles(patient: &Patient, assigned: &[Role], config: &TeamConfig) -> Vec<Role> {
    required_roles(patient, config)
        .into_iter()
        .filter(|r| !assigned.contains(r))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignmentRefusal {
    /// An officer must belong to the patient's police station.
    OfficerOutsideStation {
        person_station: String,
        patient_station: String,
    },
    /// A township cadre must belong to the patient's township.
    CadreOutsideTownship {
        person_township: String,
        patient_township: String,
    },
    /// A village cadre must belong to the patient's village (in its township).
    CadreOutsideVillage {
        person_village: String,
        patient_village: String,
    },
    /// A doctor must belong to a health unit of the patient's township, unless county-wide.
    DoctorOutsideTownship {
        person_township: String,
        patient_township: String,
    },
    /// Only a person of the role's kind may fill it (an officer is not a doctor).
    WrongKind { kind: PersonKind, role: Role },
}

/// The constraints of the team: the person's kind fits the role, an officer belongs to the
/// patient's station, cadres to the township and village, a doctor to the township (unless
/// county-wide; a doctor with no township recorded is not bound). Guardians may come from
/// anywhere.
pub fn check_assignment(
    p: &Jurisdiction,
    role: Role,
    person: &Person,
) -> Result<(), AssignmentRefusal> {
    let q = &person.jurisdiction;
    if person.kind != role.kind() {
        return Err(AssignmentRefusal::WrongKind {
            kind: person.kind,
            role,
        });
    }
    match role {
        Role::Doctor
            if !person.county_wide && !q.township.is_empty() && q.township != p.township =>
        {
            Err(AssignmentRefusal::DoctorOutsideTownship {
                person_township: q.township.clone(),
                patient_township: p.township.clone(),
            })
        }
        Role::StationOfficer if q.station != p.station => {
            Err(AssignmentRefusal::OfficerOutsideStation {
                person_station: q.station.clone(),
                patient_station: p.station.clone(),
            })
        }
        Role::TownshipCadre if q.township != p.township => {
            Err(AssignmentRefusal::CadreOutsideTownship {
                person_township: q.township.clone(),
                patient_township: p.township.clone(),
            })
        }
        Role::VillageCadre if q.village != p.village || q.township != p.township => {
            Err(AssignmentRefusal::CadreOutsideVillage {
                person_village: q.village.clone(),
                patient_village: p.village.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// A warning, not a refusal: taking on this patient would put the person over the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkloadWarning {
    pub high_risk_after: u32,
    pub threshold: u32,
}

pub fn workload_warning(
    current_high_risk: u32,
    patient_high_risk: bool,
    config: &TeamConfig,
) -> Option<WorkloadWarning> {
    let after = current_high_risk + u32::from(patient_high_risk);
    (after > config.workload_threshold).then_some(WorkloadWarning {
        high_risk_after: after,
        threshold: config.workload_threshold,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::risk::RiskLevel;
    use crate::domain::testing::patient;

    fn person(station: &str, township: &str, village: &str) -> Person {
        Person {
            id: 1,
            name: "测试甲".into(),
            phone: "13800000001".into(),
            unit: String::new(),
            jurisdiction: Jurisdiction {
                township: township.into(),
                village: village.into(),
                station: station.into(),
            },
            kind: PersonKind::Other,
            county_wide: false,
        }
    }

    fn of_kind(kind: PersonKind, station: &str, township: &str, village: &str) -> Person {
        Person {
            kind,
            ..person(station, township, village)
        }
    }

    #[test]
    fn high_risk_patient_requires_all_five_roles() {
        let mut p = patient();
        p.risk_level = RiskLevel::new(3).unwrap();
        assert_eq!(
            required_roles(&p, &TeamConfig::default()),
            Role::ALL.to_vec()
        );
    }

    #[test]
    fn unstable_patient_requires_all_five_roles() {
        let mut p = patient();
        p.condition = Condition::Unstable;
        assert_eq!(required_roles(&p, &TeamConfig::default()).len(), 5);
    }

    #[test]
    fn low_risk_stable_patient_requires_guardian_and_doctor_by_default() {
        let p = patient();
        assert_eq!(
            required_roles(&p, &TeamConfig::default()),
            vec![Role::Doctor, Role::Guardian]
        );
        assert_eq!(
            missing_roles(&p, &[Role::Doctor], &TeamConfig::default()),
            vec![Role::Guardian]
        );
    }

    #[test]
    fn weak_guardianship_requires_a_designated_guardian() {
        let mut p = patient();
        p.guardianship = Guardianship::Weak;
        let config = TeamConfig {
            required_roles_low_risk: vec![Role::Doctor],
            ..Default::default()
        };
        assert!(required_roles(&p, &config).contains(&Role::Guardian));
    }

    #[test]
    fn officer_must_belong_to_patients_station() {
        let p = patient();
        let j = &p.jurisdiction;
        let ok = of_kind(PersonKind::Officer, &j.station, "", "");
        let other = of_kind(PersonKind::Officer, "别处派出所", "", "");
        assert!(check_assignment(&p.jurisdiction, Role::StationOfficer, &ok).is_ok());
        assert!(matches!(
            check_assignment(&p.jurisdiction, Role::StationOfficer, &other),
            Err(AssignmentRefusal::OfficerOutsideStation { .. })
        ));
    }

    #[test]
    fn cadres_must_belong_to_patients_township_and_village() {
        let p = patient();
        let j = &p.jurisdiction;
        let cadre = |t: &str, v: &str| of_kind(PersonKind::Cadre, "", t, v);
        assert!(
            check_assignment(
                &p.jurisdiction,
                Role::TownshipCadre,
                &cadre(&j.township, "")
            )
            .is_ok()
        );
        assert!(
            check_assignment(&p.jurisdiction, Role::TownshipCadre, &cadre("别的镇", "")).is_err()
        );
        assert!(
            check_assignment(
                &p.jurisdiction,
                Role::VillageCadre,
                &cadre(&j.township, &j.village)
            )
            .is_ok()
        );
        assert!(matches!(
            check_assignment(
                &p.jurisdiction,
                Role::VillageCadre,
                &cadre(&j.township, "别的村")
            ),
            Err(AssignmentRefusal::CadreOutsideVillage { .. })
        ));
        // Guardians are not bound to the jurisdiction.
        let guardian = of_kind(PersonKind::Guardian, "x", "y", "z");
        assert!(check_assignment(&p.jurisdiction, Role::Guardian, &guardian).is_ok());
    }

    #[test]
    fn a_person_fills_only_roles_of_their_kind() {
        let p = patient();
        let j = &p.jurisdiction;
        let officer = of_kind(PersonKind::Officer, &j.station, &j.township, "");
        assert_eq!(
            check_assignment(&p.jurisdiction, Role::Doctor, &officer),
            Err(AssignmentRefusal::WrongKind {
                kind: PersonKind::Officer,
                role: Role::Doctor
            })
        );
        assert!(!fits_role(Role::Doctor, &officer, j));
        let other = of_kind(PersonKind::Other, &j.station, &j.township, &j.village);
        for role in Role::ALL {
            assert!(
                check_assignment(&p.jurisdiction, *role, &other).is_err(),
                "{role:?}"
            );
        }
    }

    #[test]
    fn doctor_must_belong_to_patients_township_unless_county_wide() {
        let p = patient();
        let j = &p.jurisdiction;
        let here = of_kind(PersonKind::Doctor, "", &j.township, "");
        let elsewhere = of_kind(PersonKind::Doctor, "", "别的镇", "");
        assert!(check_assignment(&p.jurisdiction, Role::Doctor, &here).is_ok());
        assert!(matches!(
            check_assignment(&p.jurisdiction, Role::Doctor, &elsewhere),
            Err(AssignmentRefusal::DoctorOutsideTownship { .. })
        ));
        let county = Person {
            county_wide: true,
            ..elsewhere
        };
        assert!(check_assignment(&p.jurisdiction, Role::Doctor, &county).is_ok());
    }

    #[test]
    fn workload_above_threshold_warns() {
        let mut p = patient();
        p.risk_level = RiskLevel::new(4).unwrap();
        let c = TeamConfig::default();
        assert_eq!(workload_warning(14, p.is_high_risk(), &c), None);
        assert_eq!(
            workload_warning(15, p.is_high_risk(), &c),
            Some(WorkloadWarning {
                high_risk_after: 16,
                threshold: 15
            })
        );
        // A low-risk patient adds nothing to the high-risk count.
        p.risk_level = RiskLevel::new(1).unwrap();
        assert_eq!(workload_warning(15, p.is_high_risk(), &c), None);
    }
}
