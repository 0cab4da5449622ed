//! The follow-up rules of SPEC revision 2 through the one door: one follow-up per patient per
//! day (a second corrects the first, both kept in the audit), guidance obtained closing
//! `guidance_needed` in the same write, 外出务工 with destination and departure date, and a risk
//! below the behaviour stored with its reason. Each test is named after its rule.

mod common;

use common::*;
use dutydesk::desk::{DeskError, Refusal};
use dutydesk::domain::alert::AlertKind;
use dutydesk::domain::audit::AuditAction;
use dutydesk::domain::followup::*;
use dutydesk::domain::patient::{Compliance, Condition, Medication, Status};
use dutydesk::domain::risk::RiskLevel;
use dutydesk::store::audit::AuditQuery;
use dutydesk::store::{Scope, Store};

fn one_patient() -> (TempDb, Store, i64) {
    let db = TempDb::new();
    let mut store = db.open();
    let r = import_csv(
        &mut store,
        &csv(&[row("随访甲", &id("19800101", 321))]),
        false,
    );
    assert!(r.committed, "{:?}", r.problems);
    let pid = store
        .patient_by_id_number(&id("19800101", 321), &Scope::All)
        .unwrap()
        .unwrap()
        .id;
    (db, store, pid)
}

fn answers(risk: u8, class: Condition) -> Assessment {
    Assessment {
        informant: Informant::Patient,
        risk_level: RiskLevel::new(risk).unwrap(),
        symptoms: vec![Symptom::Withdrawn],
        symptoms_other: vec![],
        symptom_state: if class == Condition::Stable {
            SymptomState::Gone
        } else {
            SymptomState::Present
        },
        insight: if class == Condition::Stable {
            Insight::Full
        } else {
            Insight::Partial
        },
        sleep: Grade::Good,
        diet: Grade::Good,
        social_function: Grade::Fair,
        dangerous: DangerousBehaviour::default(),
        locked_up: LockUp::NotLocked,
        hospitalised: HospitalStay::NeverAdmitted,
        compliance: Compliance::Regular,
        drug_reaction: DrugReaction::None,
        serious_physical_illness: false,
        treatment_effect: TreatmentEffect::Improved,
        referral: false,
        medication: Medication::Oral,
        class,
        risk_override_reason: None,
        guardian_refuses_admission: false,
    }
}

fn visit(date: &str, a: Assessment) -> FollowUp {
    FollowUp {
        date: date.parse().unwrap(),
        form: FollowUpForm::HomeVisit,
        outcome: FollowUpOutcome::Reached(Box::new(a)),
        next_date: None,
        by_whom: "医生甲".into(),
        joint_visitors: vec!["村干甲".into()],
        guidance: None,
    }
}

fn followup_audit(store: &Store, pid: i64) -> Vec<dutydesk::store::audit::AuditEntry> {
    let mut rows = store
        .audit(&AuditQuery {
            patient_id: Some(pid),
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    rows.retain(|e| {
        matches!(
            e.action,
            Some(AuditAction::FollowUpRecorded | AuditAction::FollowUpCorrected)
        )
    });
    rows.reverse();
    rows
}

#[test]
fn a_second_follow_up_the_same_day_is_refused_unless_it_corrects_the_first() {
    let (_db, mut store, pid) = one_patient();
    let t = tester(&mut store);
    let first = visit("2025-03-09", answers(1, Condition::BasicallyStable));
    with_desk(&mut store, &t, |d| d.record_followup(pid, &first)).unwrap();
    let second = visit("2025-03-09", answers(0, Condition::Stable));
    let err = with_desk(&mut store, &t, |d| d.record_followup(pid, &second)).unwrap_err();
    assert!(
        matches!(
            err,
            DeskError::Refused(Refusal::SameDayFollowUp { date }) if date.to_string() == "2025-03-09"
        ),
        "{err:?}"
    );
    let saved = with_desk(&mut store, &t, |d| d.correct_followup(pid, &second)).unwrap();
    assert_eq!(saved.patient.condition, Condition::Stable);
    // One follow-up that day, the second one.
    let stored = store.followups(pid, &Scope::All).unwrap();
    assert_eq!(stored, vec![second.clone()]);
    // Both kept in the audit: the correction's row holds the replaced record and the new one.
    let rows = followup_audit(&store, pid);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1].action, Some(AuditAction::FollowUpCorrected));
    let old: FollowUp =
        serde_json::from_value(rows[1].before.as_ref().unwrap()["record"].clone()).unwrap();
    let new: FollowUp =
        serde_json::from_value(rows[1].after.as_ref().unwrap()["record"].clone()).unwrap();
    assert_eq!((old, new), (first, second));
    // In words, in both languages.
    let zh = dutydesk::i18n::Lang::Zh.audit_sentence(&rows[1]);
    assert!(zh.contains("更正了") && zh.contains("2025-03-09"), "{zh}");
    let en = dutydesk::i18n::Lang::En.audit_sentence(&rows[1]);
    assert!(en.contains("corrected"), "{en}");
    // What was corrected, answer by answer, in words.
    let changed = dutydesk::i18n::Lang::Zh.audit_changes(&rows[1]);
    for said in [
        "危险性：1级 → 0级",
        "本次随访分类：基本稳定 → 稳定",
        "精神症状：存在 → 基本消失",
    ] {
        assert!(changed.iter().any(|c| c == said), "{said} in {changed:?}");
    }
}

#[test]
fn a_correction_starts_from_the_patient_before_the_days_first_follow_up() {
    let (_db, mut store, pid) = one_patient();
    let t = tester(&mut store);
    let before = store.patient(pid, &Scope::All).unwrap().unwrap();
    // Entered as unstable at risk 3 by mistake: a relapse, a new highest risk.
    let wrong = visit("2025-03-09", answers(3, Condition::Unstable));
    let p = with_desk(&mut store, &t, |d| d.record_followup(pid, &wrong))
        .unwrap()
        .patient;
    assert_eq!(p.relapses, before.relapses + 1);
    assert_eq!(p.risk_highest.value(), 3);
    // Corrected twice the same day: each time from the patient as they were that morning.
    for risk in [1, 2] {
        let right = visit("2025-03-09", answers(risk, Condition::BasicallyStable));
        let p = with_desk(&mut store, &t, |d| d.correct_followup(pid, &right))
            .unwrap()
            .patient;
        assert_eq!(p.relapses, before.relapses);
        assert_eq!(
            p.risk_highest,
            before.risk_highest.max(RiskLevel::new(risk).unwrap())
        );
        assert_eq!(p.risk_level.value(), risk);
        assert_eq!(p.basic_stable_streak, before.basic_stable_streak + 1);
        assert_eq!(p.condition, Condition::BasicallyStable);
    }
    assert_eq!(store.followups(pid, &Scope::All).unwrap().len(), 1);
    assert_eq!(followup_audit(&store, pid).len(), 3);
}

fn open_kinds(store: &Store, pid: i64) -> Vec<AlertKind> {
    store
        .alerts(&Scope::All, true)
        .unwrap()
        .into_iter()
        .filter(|a| a.patient_id == pid)
        .map(|a| a.kind)
        .collect()
}

#[test]
fn guidance_obtained_resets_the_count_and_closes_guidance_needed_in_the_same_write() {
    let (_db, mut store, pid) = one_patient();
    let t = tester(&mut store);
    for day in ["2025-03-02", "2025-03-04", "2025-03-06"] {
        let f = visit(day, answers(1, Condition::BasicallyStable));
        with_desk(&mut store, &t, |d| d.record_followup(pid, &f)).unwrap();
    }
    assert!(open_kinds(&store, pid).contains(&AlertKind::GuidanceNeeded));
    let audit_before = store.audit_count().unwrap();
    let mut f = visit("2025-03-09", answers(1, Condition::BasicallyStable));
    f.guidance = Some(Guidance {
        date: "2025-03-08".parse().unwrap(),
        doctor: "医生甲".into(),
    });
    let saved = with_desk(&mut store, &t, |d| d.record_followup(pid, &f)).unwrap();
    assert_eq!(saved.patient.basic_stable_streak, 0);
    // Closed by the same write: the follow-up's own row and the alert's, nothing left open.
    assert!(!open_kinds(&store, pid).contains(&AlertKind::GuidanceNeeded));
    assert!(store.audit_count().unwrap() > audit_before);
    assert_eq!(
        store.followups(pid, &Scope::All).unwrap()[0].guidance,
        f.guidance
    );
}

#[test]
fn working_away_is_stored_with_destination_and_departure_and_away_long_counts_from_it() {
    let (_db, mut store, pid) = one_patient();
    let t = tester(&mut store);
    let mut f = FollowUp {
        date: "2025-03-09".parse().unwrap(),
        form: FollowUpForm::Phone,
        outcome: FollowUpOutcome::NotReached {
            reason: NotReachedReason::WorkingAway,
            destination: "广东省广州市".into(),
            departed_on: None,
        },
        next_date: None,
        by_whom: "医生甲".into(),
        joint_visitors: vec![],
        guidance: None,
    };
    let err = with_desk(&mut store, &t, |d| d.record_followup(pid, &f)).unwrap_err();
    assert!(
        matches!(
            err,
            DeskError::Refused(Refusal::FollowUp(FollowUpRefusal::AwayWithoutDepartureDate))
        ),
        "{err:?}"
    );
    f.outcome = FollowUpOutcome::NotReached {
        reason: NotReachedReason::WorkingAway,
        destination: "广东省广州市".into(),
        departed_on: Some("2025-01-20".parse().unwrap()),
    };
    let p = with_desk(&mut store, &t, |d| d.record_followup(pid, &f))
        .unwrap()
        .patient;
    assert_eq!(p.status, Status::Away);
    assert_eq!(p.away_destination, "广东省广州市");
    assert_eq!(p.away_since, Some("2025-01-20".parse().unwrap()));
    // Away since 20 January: more than 30 days by 10 March, though entered only yesterday.
    assert!(open_kinds(&store, pid).contains(&AlertKind::AwayLong));
    assert_eq!(store.followups(pid, &Scope::All).unwrap()[0], f);
}

#[test]
fn a_risk_below_the_behaviour_is_stored_with_its_reason() {
    let (_db, mut store, pid) = one_patient();
    let t = tester(&mut store);
    let mut a = answers(1, Condition::BasicallyStable);
    a.dangerous.trouble = 1;
    let f = visit("2025-03-09", a.clone());
    let err = with_desk(&mut store, &t, |d| d.record_followup(pid, &f)).unwrap_err();
    assert!(matches!(
        err,
        DeskError::Refused(Refusal::FollowUp(
            FollowUpRefusal::RiskBelowBehaviour { .. }
        ))
    ));
    a.risk_override_reason = Some("系邻里口角，未造成后果".into());
    let f = visit("2025-03-09", a);
    with_desk(&mut store, &t, |d| d.record_followup(pid, &f)).unwrap();
    let stored = store.followups(pid, &Scope::All).unwrap();
    let FollowUpOutcome::Reached(a) = &stored[0].outcome else {
        panic!()
    };
    assert_eq!(
        a.risk_override_reason.as_deref(),
        Some("系邻里口角，未造成后果")
    );
}
