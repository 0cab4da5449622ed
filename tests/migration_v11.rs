//! Migrating a version-10 database (one history row per field) to version 11 (one row per
//! change event) keeps every value and instant, so the timeline and the reports read the same.

use dutydesk::domain::history::HistoryField;
use dutydesk::store::{Scope, Store};

fn version_10_database(path: &std::path::Path) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    dutydesk::store::schema::migrations()
        .to_version(&mut conn, 10)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO patients (id, id_number, name, gender, township, village, station,
            diagnosis, risk_level, risk_highest, condition, guardianship, status,
            registered_on, updated_at)
         VALUES (1, '990101198001010011', '测试甲', 'male', '望江街道', '桃源社区',
            '望江派出所', 'schizophrenia', 3, 3, 'unstable', 'normal', 'in_hospital',
            '2026-01-01', 3000);
         DELETE FROM patient_history;
         INSERT INTO patient_history (patient_id, field, value, began_at) VALUES
            (1, 'status', 'managed', 1000), (1, 'risk', '1', 1000),
            (1, 'condition', 'stable', 1000), (1, 'treatment_place', '', 1000),
            (1, 'medication', '', 1000), (1, 'compliance', '', 1000),
            (1, 'township', '望江街道', 1000), (1, 'village', '桃源社区', 1000),
            (1, 'station', '望江派出所', 1000),
            (1, 'risk', '3', 2000), (1, 'condition', 'unstable', 2000),
            -- Two writes at one instant: the second value of the field must survive too.
            (1, 'status', 'missing', 3000), (1, 'status', 'in_hospital', 3000);",
    )
    .unwrap();
}

#[test]
fn a_version_10_history_migrates_to_events_keeping_every_value_and_instant() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v10.db");
    version_10_database(&path);
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        dutydesk::store::schema::CURRENT_VERSION
    );
    let h = store.patient_history(1, &Scope::All).unwrap();
    let read: Vec<(HistoryField, &str, i64)> = h
        .iter()
        .map(|e| (e.field, e.value.as_str(), e.began_at.timestamp_millis()))
        .collect();
    assert_eq!(
        read,
        vec![
            (HistoryField::Status, "managed", 1000),
            (HistoryField::Risk, "1", 1000),
            (HistoryField::Condition, "stable", 1000),
            (HistoryField::TreatmentPlace, "", 1000),
            (HistoryField::Medication, "", 1000),
            (HistoryField::Compliance, "", 1000),
            (HistoryField::Township, "望江街道", 1000),
            (HistoryField::Village, "桃源社区", 1000),
            (HistoryField::Station, "望江派出所", 1000),
            (HistoryField::Risk, "3", 2000),
            (HistoryField::Condition, "unstable", 2000),
            (HistoryField::Status, "missing", 3000),
            (HistoryField::Status, "in_hospital", 3000),
        ]
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let events: i64 = conn
        .query_row("SELECT count(*) FROM patient_history", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 4, "one row per event, the repeated field its own");
    let old: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name IN
                ('patient_history_v10', 'patient_history_began')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0);
}

#[test]
fn a_migrated_event_holds_only_the_fields_that_changed_then() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v10.db");
    version_10_database(&path);
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (status, risk): (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT status, risk FROM patient_history WHERE began_at = 2000",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status, risk.as_deref()), (None, Some("3")));
}
