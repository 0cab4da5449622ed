//! Migrating a version-10 database (one history row per field) to version 11 (one row per
//! change event) keeps every value and instant, so the timeline and the reports read the same;
//! and its audit rows (hashes as hex text, the previous one repeated) verify on one chain with
//! the rows written after (hash as 32 bytes, the previous one not repeated), tampering with
//! either being found.

mod common;

use common::*;
use dutydesk::domain::history::HistoryField;
use dutydesk::store::audit::ChainBreak;
use dutydesk::store::{Scope, Store};
use sha2::{Digest, Sha256};

/// The chain's hash as version 10 wrote it: SHA-256 over the previous hash and the fields,
/// each with its length, as hex text.
fn v10_hash(prev: &str, id: i64, at: i64, action: &str, after: &str) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    for f in [
        prev,
        &id.to_string(),
        &at.to_string(),
        "center",
        "os",
        action,
        "settings",
        "-",
        "-",
        "-",
        "-",
        &format!("+{after}"),
    ] {
        field(f);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

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
    let mut prev = String::new();
    for id in 1..=2i64 {
        let after = format!("{{\"n\":{id}}}");
        let hash = v10_hash(&prev, id, 1000 * id, "settings.change", &after);
        conn.execute(
            "INSERT INTO audit_log (id, at, operator, os_user, action, entity, after,
                prev_hash, hash) VALUES (?1, ?2, 'center', 'os', 'settings.change', 'settings',
                ?3, ?4, ?5)",
            rusqlite::params![id, 1000 * id, after, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn old_and_new_audit_rows_verify_on_one_chain_and_new_rows_store_a_short_hash() {
    let db = TempDb::new();
    version_10_database(&db.path);
    let mut store = db.open();
    assert_eq!(store.verify_audit_chain(None).unwrap().first_break, None);
    let r = import_csv(
        &mut store,
        &csv(&[row("测试乙", &id("19800101", 123))]),
        false,
    );
    assert!(r.committed, "{:?}", r.problems);
    let chain = store.verify_audit_chain(None).unwrap();
    assert_eq!(chain.first_break, None);
    assert!(chain.rows_checked > 3, "{chain:?}");
    assert_eq!(chain.head_hash, store.audit_head().unwrap().1);
    assert_eq!(
        chain.head_hash.len(),
        64,
        "shown as hex whatever the storage"
    );
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let (kind, len, prev): (String, i64, String) = conn
        .query_row(
            "SELECT typeof(hash), length(hash), prev_hash FROM audit_log WHERE id = 3",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), len, prev.as_str()), ("blob", 32, ""));
    // A new row cannot be inserted out of the chain.
    let forged = conn.execute(
        "INSERT INTO audit_log (id, at, operator, action, entity, prev_hash, hash)
         VALUES (99, 0, 'x', 'alert.report', 'alert', 'beef', X'00')",
        [],
    );
    assert!(forged.is_err());
}

#[test]
fn a_new_or_an_old_audit_row_changed_by_hand_is_found() {
    for id in [1i64, 4] {
        let db = TempDb::new();
        version_10_database(&db.path);
        let mut store = db.open();
        import_csv(&mut store, &csv(&[row("测试乙", &id_of(123))]), false);
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.execute_batch("DROP TRIGGER audit_log_no_update;")
            .unwrap();
        conn.execute(
            "UPDATE audit_log SET after = '{\"note\":\"改过\"}' WHERE id = ?1",
            [id],
        )
        .unwrap();
        assert_eq!(
            store.verify_audit_chain(None).unwrap().first_break,
            Some(ChainBreak::Altered { id }),
        );
    }
}

fn id_of(seq: u32) -> String {
    id("19800101", seq)
}

#[test]
fn a_version_10_history_migrates_to_events_keeping_every_value_and_instant() {
    let db = TempDb::new();
    let path = db.path.clone();
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
    let db = TempDb::new();
    let path = db.path.clone();
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
