//! Which alerts a patient raises at an instant, and how severe they are (SPEC's alert table).
//! Derivation is pure; the store persists the result so that who took an alert survives.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::clock::beijing_date;
use super::key_population::{KeyCategory, categories};
use super::patient::{Condition, Guardianship, Patient, Status};
use super::policy::Rules;
use super::schedule::{ControlWindow, days_overdue, followup_due, needs_guidance, visit_due};
use super::team::{Role, missing_roles};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Missing,
    LeftArea,
    Unstable,
    FollowupOverdue,
    VisitOverdue,
    TeamIncomplete,
    Guardianship,
    GuidanceNeeded,
    Reported,
    Refused,
    AwayLong,
    ReassessmentDue,
    TransferredIn,
}

/// Whole days past an alert's due date (`since`) on `today`, for the overdue kinds.
pub fn days_past_due(kind: AlertKind, since: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    match kind {
        AlertKind::FollowupOverdue | AlertKind::VisitOverdue | AlertKind::AwayLong => {
            since.map(|due| days_overdue(due, today).max(0))
        }
        _ => None,
    }
}

/// Whether an alert snoozed until `until` (inclusive) is silent on `today`.
pub fn is_snoozed(status: AlertStatus, until: Option<NaiveDate>, today: NaiveDate) -> bool {
    status != AlertStatus::Resolved && until.is_some_and(|d| today <= d)
}

impl AlertKind {
    pub const ALL: [AlertKind; 13] = [
        AlertKind::Missing,
        AlertKind::LeftArea,
        AlertKind::Unstable,
        AlertKind::FollowupOverdue,
        AlertKind::VisitOverdue,
        AlertKind::TeamIncomplete,
        AlertKind::Guardianship,
        AlertKind::GuidanceNeeded,
        AlertKind::Reported,
        AlertKind::Refused,
        AlertKind::AwayLong,
        AlertKind::ReassessmentDue,
        AlertKind::TransferredIn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AlertKind::Missing => "missing",
            AlertKind::LeftArea => "left_area",
            AlertKind::Unstable => "unstable",
            AlertKind::FollowupOverdue => "followup_overdue",
            AlertKind::VisitOverdue => "visit_overdue",
            AlertKind::TeamIncomplete => "team_incomplete",
            AlertKind::Guardianship => "guardianship",
            AlertKind::GuidanceNeeded => "guidance_needed",
            AlertKind::Reported => "reported",
            AlertKind::Refused => "refused",
            AlertKind::AwayLong => "away_long",
            AlertKind::ReassessmentDue => "reassessment_due",
            AlertKind::TransferredIn => "transferred_in",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// *r2*: 失访 and 拒访 are reported in writing to 政法/公安; recording that report (to whom,
    /// when) is what resolves them, while the patient is still missing or refusing.
    pub fn needs_written_report(self) -> bool {
        matches!(self, AlertKind::Missing | AlertKind::Refused)
    }

    /// Derived kinds come and go with the data; a reported alert is raised by a person, and a
    /// transfer is raised once by the move and stays until a desk takes it.
    pub fn is_derived(self) -> bool {
        !matches!(self, AlertKind::Reported | AlertKind::TransferredIn)
    }
}

/// P1 is the most urgent; the derived `Ord` sorts P1 first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    P1,
    P2,
    P3,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "P1" => Some(Severity::P1),
            "P2" => Some(Severity::P2),
            "P3" => Some(Severity::P3),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    New,
    Acknowledged,
    InProgress,
    Resolved,
}

impl AlertStatus {
    pub fn code(self) -> &'static str {
        match self {
            AlertStatus::New => "new",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::InProgress => "in_progress",
            AlertStatus::Resolved => "resolved",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [
            AlertStatus::New,
            AlertStatus::Acknowledged,
            AlertStatus::InProgress,
            AlertStatus::Resolved,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }

    /// The lifecycle only moves forward: new → acknowledged → in progress → resolved.
    pub fn can_move_to(self, next: AlertStatus) -> bool {
        use AlertStatus::*;
        matches!(
            (self, next),
            (New, Acknowledged)
                | (New, InProgress)
                | (Acknowledged, InProgress)
                | (New, Resolved)
                | (Acknowledged, Resolved)
                | (InProgress, Resolved)
        )
    }
}

/// The roles a patient's team has filled, as a small set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoleSet(u8);

impl RoleSet {
    pub fn insert(&mut self, r: Role) {
        self.0 |= 1 << r as u8;
    }
    pub fn contains(self, r: Role) -> bool {
        self.0 & (1 << r as u8) != 0
    }
    pub fn to_vec(self) -> Vec<Role> {
        use super::patient::Vocabulary;
        Role::ALL
            .iter()
            .copied()
            .filter(|r| self.contains(*r))
            .collect()
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        let mut s = RoleSet::default();
        for r in iter {
            s.insert(r);
        }
        s
    }
}

/// An alert the data raises now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedAlert {
    pub patient_id: i64,
    pub kind: AlertKind,
    pub severity: Severity,
    /// For the overdue kinds: whole days past the due date.
    pub days_overdue: Option<i64>,
    /// When the condition began, where the data tells (the due date for overdue kinds).
    pub since: Option<NaiveDate>,
}

/// The alerts `p` raises at `at`, given the roles its team fills and any control window.
pub fn derive(
    p: &Patient,
    team: RoleSet,
    at: DateTime<Utc>,
    control: Option<&ControlWindow>,
    config: &dyn Rules,
) -> Vec<DerivedAlert> {
    let mut out = Vec::new();
    if !p.status.is_active() {
        return out;
    }
    let today = beijing_date(at);
    let high = p.is_high_risk();
    let unstable = p.condition == Condition::Unstable;
    let mut push = |kind, severity, days_overdue, since| {
        out.push(DerivedAlert {
            patient_id: p.id,
            kind,
            severity,
            days_overdue,
            since,
        })
    };

    if p.status == Status::Missing {
        // Being missing puts anyone in the "ever missing" category (and sets its flag), so that
        // category alone does not make it P1; every other key-population category does.
        let key = categories(p)
            .into_iter()
            .any(|c| c != KeyCategory::EverMissing);
        // An earlier episode (曾失访 before this one) counts; this episode itself does not.
        let sev = if high || unstable || key || p.earlier_missing {
            Severity::P1
        } else {
            Severity::P2
        };
        push(AlertKind::Missing, sev, None, None);
    }
    if p.status == Status::Refuses {
        push(
            AlertKind::Refused,
            if high { Severity::P1 } else { Severity::P2 },
            None,
            None,
        );
    }
    if p.status == Status::Away {
        let sev = if high || unstable {
            Severity::P1
        } else {
            Severity::P3
        };
        push(AlertKind::LeftArea, sev, None, None);
        if let Some(left) = p.away_since {
            let limit = left + chrono::Days::new(u64::from(config.alerts().away_long_days));
            if today > limit {
                push(
                    AlertKind::AwayLong,
                    Severity::P2,
                    Some(days_overdue(limit, today)),
                    Some(limit),
                );
            }
        }
    }
    // In hospital the ward treats the condition; the community alert waits for discharge.
    let in_hospital = p.status == Status::InHospital;
    if unstable && !in_hospital {
        push(
            AlertKind::Unstable,
            if high { Severity::P1 } else { Severity::P2 },
            None,
            None,
        );
    }
    // A patient in hospital is followed by the hospital while admitted, so the community
    // schedule raises nothing for them; everyone else active stays on it, missing ones too.
    if !in_hospital {
        let due = followup_due(p, config.followup());
        let late = days_overdue(due, today);
        if late > 0 {
            push(
                AlertKind::FollowupOverdue,
                Severity::P2,
                Some(late),
                Some(due),
            );
        }
        let vdue = visit_due(p, at, control, config.followup(), config.control());
        let vlate = days_overdue(vdue.date, today);
        if vlate > 0 {
            push(
                AlertKind::VisitOverdue,
                if vdue.capped {
                    Severity::P1
                } else {
                    Severity::P3
                },
                Some(vlate),
                Some(vdue.date),
            );
        }
    }
    if !missing_roles(p, &team.to_vec(), config.team()).is_empty() {
        push(
            AlertKind::TeamIncomplete,
            if high { Severity::P2 } else { Severity::P3 },
            None,
            None,
        );
    }
    if p.guardianship != Guardianship::Normal && !team.contains(Role::Guardian) {
        push(AlertKind::Guardianship, Severity::P2, None, None);
    }
    if needs_guidance(p, config.followup()) {
        push(AlertKind::GuidanceNeeded, Severity::P3, None, None);
    }
    if let Some(closed) = p.reassess_since {
        let due = closed + chrono::Days::new(u64::from(config.alerts().reassess_within_days));
        push(
            AlertKind::ReassessmentDue,
            Severity::P2,
            Some(days_overdue(due, today).max(0)),
            Some(closed),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    // The tests read the defaults as the configuration file gives them.
    use crate::config::Config;
    use crate::domain::clock::beijing_midnight;
    use crate::domain::patient::Vocabulary;
    use crate::domain::risk::RiskLevel;
    use crate::domain::testing::patient;

    fn at(s: &str) -> DateTime<Utc> {
        beijing_midnight(s.parse().unwrap()) + chrono::Duration::hours(9)
    }

    fn full_team() -> RoleSet {
        Role::ALL.iter().copied().collect()
    }

    fn kinds(p: &Patient, team: RoleSet, when: &str) -> Vec<(AlertKind, Severity)> {
        derive(p, team, at(when), None, &Config::default())
            .into_iter()
            .map(|a| (a.kind, a.severity))
            .collect()
    }

    /// The fixture patient was followed up and visited on 2025-03-01 and is stable.
    const SOON: &str = "2025-03-10";

    #[test]
    fn well_managed_patient_raises_nothing() {
        assert!(kinds(&patient(), full_team(), SOON).is_empty());
    }

    #[test]
    fn missing_high_risk_patient_is_p1() {
        let mut p = patient();
        p.status = Status::Missing;
        p.risk_level = RiskLevel::new(3).unwrap();
        assert!(kinds(&p, full_team(), SOON).contains(&(AlertKind::Missing, Severity::P1)));
    }

    #[test]
    fn missing_key_population_patient_is_p1() {
        let mut p = patient();
        p.status = Status::Missing;
        p.flags.incident_history = true;
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::Missing, Severity::P1)]
        );
    }

    #[test]
    fn missing_patient_stays_on_the_follow_up_schedule() {
        let mut p = patient();
        p.status = Status::Missing;
        let k = kinds(&p, full_team(), "2025-06-11");
        assert!(k.contains(&(AlertKind::FollowupOverdue, Severity::P2)));
    }

    #[test]
    fn missing_low_risk_stable_patient_is_p2() {
        let mut p = patient();
        p.status = Status::Missing;
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::Missing, Severity::P2)]
        );
    }

    #[test]
    fn away_high_risk_patient_is_left_area_p1_others_p3() {
        let mut p = patient();
        p.status = Status::Away;
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::LeftArea, Severity::P3)]
        );
        p.risk_level = RiskLevel::new(4).unwrap();
        assert!(kinds(&p, full_team(), SOON).contains(&(AlertKind::LeftArea, Severity::P1)));
    }

    #[test]
    fn away_unstable_patient_is_left_area_p1() {
        let mut p = patient();
        p.status = Status::Away;
        p.condition = Condition::Unstable;
        assert!(kinds(&p, full_team(), SOON).contains(&(AlertKind::LeftArea, Severity::P1)));
    }

    #[test]
    fn unstable_patient_is_p1_when_high_risk_else_p2() {
        let mut p = patient();
        p.condition = Condition::Unstable;
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::Unstable, Severity::P2)]
        );
        p.risk_level = RiskLevel::new(3).unwrap();
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::Unstable, Severity::P1)]
        );
    }

    #[test]
    fn followup_overdue_is_p2_with_days_overdue() {
        let p = patient(); // stable, last follow-up 2025-03-01: due 2025-06-01
        let alerts = derive(&p, full_team(), at("2025-06-11"), None, &Config::default());
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::FollowupOverdue);
        assert_eq!(alerts[0].severity, Severity::P2);
        assert_eq!(alerts[0].days_overdue, Some(10));
        assert!(kinds(&p, full_team(), "2025-06-01").is_empty());
    }

    #[test]
    fn no_face_to_face_visit_for_six_months_is_p3() {
        let mut p = patient();
        p.last_followup = Some("2025-08-20".parse().unwrap()); // by phone
        let alerts = derive(&p, full_team(), at("2025-09-05"), None, &Config::default());
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::VisitOverdue);
        assert_eq!(alerts[0].severity, Severity::P3);
        assert_eq!(alerts[0].days_overdue, Some(4));
    }

    #[test]
    fn incomplete_team_is_p2_for_high_risk_else_p3() {
        let mut p = patient();
        let no_doctor: RoleSet = [Role::Guardian].into_iter().collect();
        assert_eq!(
            kinds(&p, no_doctor, SOON),
            vec![(AlertKind::TeamIncomplete, Severity::P3)]
        );
        p.risk_level = RiskLevel::new(3).unwrap();
        let four: RoleSet = [
            Role::Guardian,
            Role::Doctor,
            Role::VillageCadre,
            Role::TownshipCadre,
        ]
        .into_iter()
        .collect();
        assert_eq!(
            kinds(&p, four, SOON),
            vec![(AlertKind::TeamIncomplete, Severity::P2)]
        );
    }

    #[test]
    fn weak_guardianship_without_guardian_is_p2() {
        let mut p = patient();
        p.guardianship = Guardianship::Weak;
        let no_guardian: RoleSet = [Role::Doctor].into_iter().collect();
        let k = kinds(&p, no_guardian, SOON);
        assert!(k.contains(&(AlertKind::Guardianship, Severity::P2)));
        assert!(kinds(&p, full_team(), SOON).is_empty());
    }

    #[test]
    fn three_basically_stable_follow_ups_raise_guidance_needed_p3() {
        let mut p = patient();
        p.condition = Condition::BasicallyStable;
        p.risk_level = RiskLevel::new(1).unwrap();
        p.basic_stable_streak = 3;
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::GuidanceNeeded, Severity::P3)]
        );
    }

    #[test]
    fn deceased_moved_out_and_closed_patients_raise_nothing() {
        for status in [Status::Deceased, Status::MovedOut, Status::Closed] {
            let mut p = patient();
            p.status = status;
            p.condition = Condition::Unstable;
            p.risk_level = RiskLevel::new(5).unwrap();
            p.last_followup = None;
            assert!(
                kinds(&p, RoleSet::default(), "2030-01-01").is_empty(),
                "{status:?}"
            );
        }
    }

    #[test]
    fn in_hospital_patient_raises_no_schedule_alerts() {
        let mut p = patient();
        p.status = Status::InHospital;
        assert!(kinds(&p, full_team(), "2026-01-01").is_empty());
    }

    #[test]
    fn inpatient_raises_no_unstable_alert_while_in_a_ward() {
        let mut p = patient();
        p.status = Status::InHospital;
        p.condition = Condition::Unstable;
        p.risk_level = RiskLevel::new(4).unwrap();
        assert!(
            !kinds(&p, full_team(), SOON)
                .iter()
                .any(|(k, _)| *k == AlertKind::Unstable)
        );
    }

    #[test]
    fn missing_is_p1_when_an_earlier_episode_is_on_record() {
        let mut p = patient();
        p.status = Status::Missing;
        p.flags.ever_missing = true;
        p.earlier_missing = true;
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::Missing, Severity::P1)]
        );
    }

    #[test]
    fn refusing_follow_up_raises_refused_p1_for_high_risk_else_p2() {
        let mut p = patient();
        p.status = Status::Refuses;
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::Refused, Severity::P2)]
        );
        p.risk_level = RiskLevel::new(3).unwrap();
        p.condition = Condition::Unstable;
        assert!(kinds(&p, full_team(), SOON).contains(&(AlertKind::Refused, Severity::P1)));
    }

    #[test]
    fn away_more_than_thirty_days_raises_away_long_p2() {
        let mut p = patient();
        p.status = Status::Away;
        p.away_since = Some("2025-02-01".parse().unwrap());
        // 30 days after 1 February is 3 March: still within the limit that day.
        assert!(
            !kinds(&p, full_team(), "2025-03-03")
                .iter()
                .any(|(k, _)| *k == AlertKind::AwayLong)
        );
        assert!(
            kinds(&p, full_team(), "2025-03-04").contains(&(AlertKind::AwayLong, Severity::P2))
        );
    }

    #[test]
    fn a_closed_incident_raises_reassessment_due_p2_until_a_follow_up() {
        let mut p = patient();
        p.reassess_since = Some("2025-03-05".parse().unwrap());
        assert_eq!(
            kinds(&p, full_team(), SOON),
            vec![(AlertKind::ReassessmentDue, Severity::P2)]
        );
    }

    #[test]
    fn visit_overdue_is_p1_under_a_control_level() {
        use crate::domain::schedule::{ControlLevel, ControlWindow};
        let mut p = patient();
        p.risk_level = RiskLevel::new(3).unwrap();
        p.condition = Condition::Unstable;
        p.last_followup = Some("2025-03-08".parse().unwrap());
        let w = ControlWindow {
            level: ControlLevel::Level3,
            starts_at: at("2025-03-01"),
            ends_at: at("2025-04-01"),
        };
        let alerts = derive(
            &p,
            full_team(),
            at("2025-03-10"),
            Some(&w),
            &Config::default(),
        );
        let visit = alerts
            .iter()
            .find(|a| a.kind == AlertKind::VisitOverdue)
            .expect("capped visit overdue");
        assert_eq!(visit.severity, Severity::P1);
        assert_eq!(visit.since, Some("2025-03-08".parse().unwrap()));
    }

    #[test]
    fn alert_lifecycle_only_moves_forward() {
        assert!(AlertStatus::New.can_move_to(AlertStatus::Acknowledged));
        assert!(AlertStatus::Acknowledged.can_move_to(AlertStatus::InProgress));
        assert!(AlertStatus::InProgress.can_move_to(AlertStatus::Resolved));
        assert!(!AlertStatus::Resolved.can_move_to(AlertStatus::New));
        assert!(!AlertStatus::InProgress.can_move_to(AlertStatus::Acknowledged));
    }

    #[test]
    fn severity_sorts_p1_first() {
        let mut v = vec![Severity::P3, Severity::P1, Severity::P2];
        v.sort();
        assert_eq!(v, vec![Severity::P1, Severity::P2, Severity::P3]);
        let _ = Role::ALL;
    }
}
