//! The store as other programs and operators meet it: file mode, WAL, the append-only audit
//! log, change watching, alert reconciliation, follow-ups, backup.

mod common;

use common::*;
use dutydesk::config::Config;
use dutydesk::domain::alert::{AlertKind, AlertStatus, Severity};
use dutydesk::domain::patient::{Condition, Status};
use dutydesk::domain::team::Role;
use dutydesk::store::Scope;
use dutydesk::store::patients::PatientQuery;

fn one_patient_db() -> (TempDb, i64) {
    let db = TempDb::new();
    let mut store = db.open();
    let r = import_csv(
        &mut store,
        &csv(&[row("测试甲", &id("19800101", 123))]),
        false,
    );
    assert!(r.committed, "{:?}", r.problems);
    let p = store.patients(&PatientQuery::default()).unwrap();
    (db, p[0].id)
}

#[test]
fn database_file_is_created_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let db = TempDb::new();
    let _store = db.open();
    let mode = std::fs::metadata(&db.path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn database_uses_wal_and_foreign_keys() {
    let db = TempDb::new();
    let _store = db.open();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version as usize, dutydesk::store::schema::CURRENT_VERSION);
}

#[test]
fn audit_log_refuses_update_and_delete() {
    let (db, _) = one_patient_db();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(n > 0);
    let upd = conn.execute("UPDATE audit_log SET operator='x'", []);
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = conn.execute("DELETE FROM audit_log", []);
    assert!(del.unwrap_err().to_string().contains("append-only"));
    let after: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, n);
}

#[test]
fn data_version_changes_when_another_connection_commits() {
    let (db, pid) = one_patient_db();
    let watcher = db.open();
    let mut writer = db.open();
    let v0 = watcher.data_version().unwrap();
    assert_eq!(
        watcher.data_version().unwrap(),
        v0,
        "no change, same version"
    );
    let t = tester(&mut writer);
    with_desk(&mut writer, &t, |d| {
        d.report_alert(pid, Severity::P2, "来电")
    })
    .unwrap();
    assert_ne!(watcher.data_version().unwrap(), v0);
}

#[test]
fn every_write_leaves_an_audit_row_with_before_and_after() {
    let (db, pid) = one_patient_db();
    let mut store = db.open();
    let desk1 = operator(
        &mut store,
        "desk1",
        dutydesk::store::operators::OperatorRole::Station,
        Some("望江派出所"),
    );
    let before = store.audit_count().unwrap();
    let id = with_desk(&mut store, &desk1, |d| {
        d.report_alert(pid, Severity::P1, "持械")
    })
    .unwrap();
    with_desk(&mut store, &desk1, |d| d.acknowledge(id)).unwrap();
    assert_eq!(store.audit_count().unwrap(), before + 2);
    let last = &store.audit_entries(&Scope::All, 1).unwrap()[0];
    assert_eq!(last.operator, "desk1");
    assert_eq!(last.os_user, "test-os-user");
    assert_eq!(
        last.action,
        Some(dutydesk::domain::audit::AuditAction::AlertAcknowledged)
    );
    assert_eq!(last.patient_id, Some(pid));
    assert_eq!(last.before.as_ref().unwrap()["status"], "new");
    assert_eq!(last.after.as_ref().unwrap()["status"], "acknowledged");
}

#[test]
fn reconcile_opens_new_alerts_closes_cleared_ones_and_keeps_acknowledgements() {
    let (db, pid) = one_patient_db();
    let mut store = db.open();
    let config = Config::default();
    // Stable, seen 2025-03-01: due 2025-06-01. On 2025-06-11 the follow-up is overdue.
    let late = at("2025-06-11", 9);
    let s = store.refresh_alerts(late, &config).unwrap();
    assert_eq!(s.opened, 1);
    let alerts = store.alerts(&Scope::All, true).unwrap();
    assert_eq!(alerts[0].kind, AlertKind::FollowupOverdue);
    assert_eq!(
        alerts[0].days_overdue(dutydesk::store::alerts::today_at(late)),
        Some(10)
    );
    let desk1 = operator(
        &mut store,
        "desk1",
        dutydesk::store::operators::OperatorRole::Station,
        Some("望江派出所"),
    );
    with_desk_at(&mut store, &desk1, late, |d| d.acknowledge(alerts[0].id)).unwrap();
    // A second reconcile at a later instant changes nothing and keeps who took it.
    let s2 = store
        .refresh_alerts(late + chrono::Duration::days(1), &config)
        .unwrap();
    assert!(s2.is_empty(), "{s2:?}");
    let kept = store.alerts(&Scope::All, true).unwrap();
    assert_eq!(kept[0].status, AlertStatus::Acknowledged);
    assert_eq!(kept[0].acknowledged_by.as_deref(), Some("desk1"));
    // Back before the due date the condition no longer holds: it closes itself with the reason.
    let s3 = store.refresh_alerts(at("2025-05-01", 9), &config).unwrap();
    assert_eq!(s3.closed, 1);
    assert!(store.alerts(&Scope::All, true).unwrap().is_empty());
    let all = store.alerts(&Scope::All, false).unwrap();
    assert_eq!(all[0].status, AlertStatus::Resolved);
    assert_eq!(all[0].resolution.as_deref(), Some("condition_cleared"));
    let _ = pid;
}

#[test]
fn alert_lifecycle_cannot_go_backwards() {
    let (db, pid) = one_patient_db();
    let mut store = db.open();
    let t = tester(&mut store);
    let id = with_desk(&mut store, &t, |d| d.report_alert(pid, Severity::P2, "x")).unwrap();
    with_desk(&mut store, &t, |d| d.resolve(id, "已处置")).unwrap();
    let err = with_desk(&mut store, &t, |d| d.acknowledge(id));
    assert!(err.is_err());
    assert_eq!(
        store.alert(id, &Scope::All).unwrap().unwrap().status,
        AlertStatus::Resolved
    );
}

#[test]
fn station_scope_hides_other_stations_patients_and_alerts() {
    let db = TempDb::new();
    let mut store = db.open();
    let mut other = row("测试乙", &id("19800101", 125));
    other[12] = "新港派出所".into();
    other[21] = "民警乙".into();
    other[22] = "13800002002".into();
    let mut unstable = row("测试甲", &id("19800101", 123));
    unstable[5] = "3".into();
    unstable[6] = "不稳定".into();
    other[5] = "3".into();
    other[6] = "不稳定".into();
    import_csv(&mut store, &csv(&[unstable, other]), false);
    let scope = Scope::Station("望江派出所".into());
    let q = PatientQuery {
        scope: scope.clone(),
        ..Default::default()
    };
    let seen = store.patients(&q).unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].name, "测试甲");
    assert!(
        store
            .alerts(&scope, true)
            .unwrap()
            .iter()
            .all(|a| a.station == "望江派出所")
    );
    let hidden = store
        .patient_by_id_number(&id("19800101", 125), &scope)
        .unwrap();
    assert!(hidden.is_none());
    assert_eq!(store.patient_count(&scope).unwrap(), 1);
}

#[test]
fn follow_up_updates_patient_and_its_alerts_in_one_write() {
    use dutydesk::domain::followup::*;
    use dutydesk::domain::risk::RiskLevel;
    let (db, pid) = one_patient_db();
    let mut store = db.open();
    let a = Assessment {
        informant: Informant::Patient,
        risk_level: RiskLevel::new(3).unwrap(),
        symptoms: vec![],
        symptoms_other: vec![],
        symptom_state: SymptomState::Marked,
        insight: Insight::Lacking,
        sleep: Grade::Poor,
        diet: Grade::Fair,
        social_function: Grade::Poor,
        dangerous: DangerousBehaviour {
            trouble: 1,
            ..Default::default()
        },
        locked_up: LockUp::NotLocked,
        hospitalised: HospitalStay::NeverAdmitted,
        compliance: dutydesk::domain::patient::Compliance::Intermittent,
        drug_reaction: DrugReaction::None,
        serious_physical_illness: false,
        treatment_effect: TreatmentEffect::Worse,
        referral: true,
        medication: dutydesk::domain::patient::Medication::Oral,
        class: Condition::Stable,
        risk_override_reason: None,
        guardian_refuses_admission: false,
    };
    let mut f = FollowUp {
        date: "2025-03-09".parse().unwrap(),
        form: FollowUpForm::HomeVisit,
        outcome: FollowUpOutcome::Reached(Box::new(a.clone())),
        next_date: None,
        by_whom: "医生甲".into(),
        joint_visitors: Vec::new(),
        guidance: None,
    };
    // Risk 3 recorded as stable is refused, and nothing is written.
    let t = tester(&mut store);
    let audit_before = store.audit_count().unwrap();
    let err = with_desk(&mut store, &t, |d| d.record_followup(pid, &f));
    assert!(matches!(
        err,
        Err(dutydesk::desk::DeskError::Refused(
            dutydesk::desk::Refusal::FollowUp(_)
        ))
    ));
    assert_eq!(store.audit_count().unwrap(), audit_before);
    f.outcome = FollowUpOutcome::Reached(Box::new(Assessment {
        class: Condition::Unstable,
        ..a
    }));
    let saved = with_desk(&mut store, &t, |d| d.record_followup(pid, &f)).unwrap();
    assert_eq!(saved.patient.condition, Condition::Unstable);
    assert!(saved.patient.flags.incident_history);
    let alerts = store.alerts(&Scope::All, true).unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == AlertKind::Unstable && a.severity == Severity::P1)
    );
    assert_eq!(store.followups(pid, &Scope::All).unwrap().len(), 1);
    let p = store.patient(pid, &Scope::All).unwrap().unwrap();
    assert_eq!(p.status, Status::Managed);
    assert_eq!(p.risk_level.value(), 3);
}

#[test]
fn team_assignment_is_audited_and_replaces_the_holder() {
    use dutydesk::desk::team::Holder;
    use dutydesk::domain::patient::Jurisdiction;
    use dutydesk::domain::team::PersonKind;
    use dutydesk::store::persons::NewPerson;
    let (db, pid) = one_patient_db();
    let mut store = db.open();
    let t = tester(&mut store);
    let old = store.team(pid, &Scope::All).unwrap();
    let old = old
        .iter()
        .find(|m| m.role == Role::Doctor)
        .unwrap()
        .person
        .clone();
    let new = NewPerson {
        name: "医生乙".into(),
        phone: "13800004002".into(),
        unit: String::new(),
        jurisdiction: Jurisdiction {
            township: "望江街道".into(),
            ..Default::default()
        },
        kind: PersonKind::Doctor,
        county_wide: false,
    };
    // Replacing the doctor without saying whom one saw there is refused.
    let err = with_desk(&mut store, &t, |d| {
        d.assign_new(pid, Role::Doctor, &new, Holder::Empty)
    });
    assert!(matches!(
        err,
        Err(dutydesk::desk::DeskError::Refused(
            dutydesk::desk::Refusal::ReplaceUnconfirmed { .. }
        ))
    ));
    let done = with_desk(&mut store, &t, |d| {
        d.assign_new(pid, Role::Doctor, &new, Holder::Person(old.id))
    })
    .unwrap();
    assert!(done.person_created);
    assert_eq!(
        done.replaced.as_ref().map(|p| p.name.as_str()),
        Some(old.name.as_str())
    );
    let team = store.team(pid, &Scope::All).unwrap();
    let doctor = team.iter().find(|m| m.role == Role::Doctor).unwrap();
    assert_eq!(doctor.person.name, "医生乙");
    let entries = store.audit_entries(&Scope::All, 5).unwrap();
    let last = entries
        .iter()
        .find(|e| e.action == Some(dutydesk::domain::audit::AuditAction::TeamAssigned))
        .unwrap();
    assert_eq!(last.before.as_ref().unwrap()["person"], old.name.as_str());
    assert_eq!(last.after.as_ref().unwrap()["person"], "医生乙");
}

#[test]
fn backup_is_a_consistent_copy_while_another_connection_writes() {
    let (db, pid) = one_patient_db();
    let path = db.path.clone();
    let writer = std::thread::spawn(move || {
        let mut s = dutydesk::store::Store::open(&path).unwrap();
        let t = tester(&mut s);
        for i in 0..200 {
            with_desk(&mut s, &t, |d| {
                d.report_alert(pid, Severity::P3, &format!("n{i}"))
            })
            .unwrap();
        }
    });
    let store = db.open();
    let dest = db.dir.path().join("copy.db");
    store.backup_to(&dest, false).unwrap();
    writer.join().unwrap();
    let copy = dutydesk::store::Store::open(&dest).unwrap();
    assert!(copy.integrity_problems().unwrap().is_empty());
    assert_eq!(copy.patient_count(&Scope::All).unwrap(), 1);
    // A second backup to the same file is refused rather than overwriting it.
    assert!(store.backup_to(&dest, false).is_err());
}

#[test]
fn newer_schema_is_refused_not_downgraded() {
    let db = TempDb::new();
    drop(db.open());
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    match dutydesk::store::Store::open(&db.path) {
        Err(dutydesk::store::StoreError::TooNew { found: 99, .. }) => {}
        other => panic!("expected TooNew, got {:?}", other.err()),
    }
}

#[test]
fn a_patient_is_found_by_an_id_number_typed_with_a_lowercase_check_letter() {
    let db = TempDb::new();
    let mut store = db.open();
    let with_x = (1..1000)
        .map(|seq| id("19800101", seq))
        .find(|n| n.ends_with('X'))
        .unwrap();
    assert!(import_csv(&mut store, &csv(&[row("测试甲", &with_x)]), false).committed);
    let typed = format!(" {} ", with_x.to_lowercase());
    let found = store
        .patient_by_id_number(&typed, &dutydesk::store::Scope::All)
        .unwrap();
    assert_eq!(found.map(|p| p.name), Some("测试甲".to_string()));
}
