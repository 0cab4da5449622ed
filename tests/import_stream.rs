//! A roster read as it is written: a CSV file's rows are checked and written a batch at a
//! time in one transaction, yet the import still writes all rows or none, reports problems by
//! the spreadsheet's row numbers, rolls a dry run back, and leaves audit rows that hold what
//! was given (new patients) or what changed (re-imported ones) on a chain that verifies.

mod common;

use common::*;
use dutydesk::domain::audit::AuditAction;
use dutydesk::import::RosterRows;
use dutydesk::import::rows::{Level, Reason};
use dutydesk::import::table::CsvRoster;
use dutydesk::store::audit::AuditQuery;
use dutydesk::store::patients::PatientQuery;

/// More rows than one batch holds (4096), so that every rule is seen across batches.
const MANY: u32 = 9_000;

fn many_rows() -> Vec<Vec<String>> {
    (0..MANY)
        .map(|i| {
            // Births spread over the years so that the ID numbers differ.
            let birth = format!("19{:02}0101", 40 + i % 50);
            let mut r = row(&format!("测试{i}"), &id(&birth, i / 50));
            // Every seventh is long overdue, so that each batch opens alerts (and audits that).
            if i % 7 == 0 {
                r[13] = "2024-01-02".into();
            }
            r
        })
        .collect()
}

/// Audit rows of committed imports (registering the test operator writes one of its own).
fn imported_rows(store: &dutydesk::store::Store) -> usize {
    store
        .audit(&AuditQuery::default())
        .unwrap()
        .iter()
        .filter(|e| e.action == Some(AuditAction::RosterImported))
        .count()
}

fn roster_file(db: &TempDb, rows: &[Vec<String>]) -> std::path::PathBuf {
    let path = db.dir.path().join("roster.csv");
    std::fs::write(&path, csv(rows)).unwrap();
    path
}

#[test]
fn a_csv_roster_is_read_a_batch_at_a_time_with_its_own_row_numbers() {
    let text = format!("花名册\n\n{}", csv(&many_rows()));
    let roster = CsvRoster::from_text(text, "r.csv").unwrap();
    assert_eq!(roster.header_row(), 3);
    assert_eq!(roster.row_count(), MANY as usize);
    let mut batches = Vec::new();
    let mut first_rows = Vec::new();
    roster
        .each_batch(4096, &mut |b| {
            batches.push(b.len());
            first_rows.push(b[0].0);
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(batches, vec![4096, 4096, MANY as usize - 8192]);
    assert_eq!(first_rows, vec![4, 4 + 4096, 4 + 8192]);
}

#[test]
fn rows_are_checked_alike_on_one_thread_and_on_several() {
    let mut rows = many_rows();
    rows[10][1] = "990101199001011234".into(); // a wrong check digit
    rows[8_000][1] = rows[3][1].clone(); // a duplicate, across the threads' parts
    let roster = CsvRoster::from_text(csv(&rows), "r.csv").unwrap();
    let mut cells = Vec::new();
    roster
        .each_batch(usize::MAX, &mut |b| {
            cells.extend_from_slice(b);
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    let today = now().date_naive();
    let check = |threads: usize| {
        let (checker, _) =
            dutydesk::import::rows::Checker::new(roster.headers(), roster.header_row(), today);
        checker.unwrap().batch_on(&cells, threads)
    };
    let (one, found_one) = check(1);
    let (three, found_three) = check(3);
    assert_eq!(one.len(), MANY as usize - 2);
    assert_eq!(found_one.errors, 2, "{:?}", found_one.listed);
    assert!(one == three, "the same rows in the same order");
    assert_eq!(found_one, found_three);
}

#[test]
fn a_roster_of_many_batches_imports_every_row_in_one_commit() {
    let db = TempDb::new();
    let mut store = db.open();
    // A console's connection keeps a small cache of its own.
    store.set_page_cache_kib(2048).unwrap();
    let cache = store.page_cache().unwrap();
    let path = roster_file(&db, &many_rows());
    let r = import_file_at(&mut store, &path, now());
    assert!(r.committed, "{:?}", r.problems);
    assert_eq!(r.rows, MANY as usize);
    assert_eq!(r.counts.added, MANY as usize);
    // The same team serves every row: its five persons are created once, not once a batch.
    assert_eq!(r.counts.persons_created, 5);
    assert_eq!(
        store.patients(&PatientQuery::default()).unwrap().len(),
        MANY as usize
    );
    let alerts = r.alerts.expect("refreshed with the commit");
    assert!(alerts.opened >= MANY as usize / 7, "{alerts:?}");
    let chain = store.verify_audit_chain(None).unwrap();
    assert_eq!(chain.first_break, None);
    // The bulk write did without SQLite's parent look-ups and with a page cache for its
    // size; the connection enforces them again, with its own cache, for what it writes next.
    assert!(store.enforces_foreign_keys().unwrap());
    assert_eq!(store.page_cache().unwrap(), cache);
}

#[test]
fn an_error_in_the_last_batch_writes_nothing_and_is_reported_by_its_row() {
    let db = TempDb::new();
    let mut store = db.open();
    let mut rows = many_rows();
    let last = rows.len() - 1;
    rows[last][1] = "990101199001011234".into(); // a wrong check digit
    let path = roster_file(&db, &rows);
    let triggers = trigger_sql(&db);
    let r = import_file_at(&mut store, &path, now());
    assert!(!r.committed);
    assert_eq!(r.errors, 1);
    assert_eq!(r.problems[0].row, MANY as usize + 1, "header is row 1");
    assert!(matches!(r.problems[0].reason, Reason::IdNumber(_)));
    assert_eq!(r.counts.added, 0, "a file with errors reports no writes");
    assert!(store.patients(&PatientQuery::default()).unwrap().is_empty());
    assert_eq!(imported_rows(&store), 0);
    assert_eq!(
        trigger_sql(&db),
        triggers,
        "the bookkeeping set aside is back"
    );
    assert!(store.enforces_foreign_keys().unwrap());
}

#[test]
fn an_id_number_repeated_in_a_later_batch_names_its_first_row() {
    let db = TempDb::new();
    let mut store = db.open();
    let mut rows = many_rows();
    let last = rows.len() - 1;
    rows[last][1] = rows[0][1].clone();
    let path = roster_file(&db, &rows);
    let r = import_file_at(&mut store, &path, now());
    assert!(!r.committed);
    let dup = r.problems.iter().find(|p| p.level == Level::Error).unwrap();
    assert_eq!(dup.row, MANY as usize + 1);
    assert_eq!(dup.reason, Reason::DuplicateId { first_row: 2 });
    assert!(store.patients(&PatientQuery::default()).unwrap().is_empty());
}

#[test]
fn a_dry_run_over_many_batches_counts_and_writes_nothing() {
    let db = TempDb::new();
    let mut store = db.open();
    let path = roster_file(&db, &many_rows());
    let roster = dutydesk::import::read(&path).unwrap();
    let session = tester(&mut store);
    let triggers = trigger_sql(&db);
    let r = with_desk(&mut store, &session, |d| d.import_roster(&roster, true)).unwrap();
    assert!(!r.committed && r.dry_run);
    assert_eq!(r.counts.added, MANY as usize);
    assert!(store.patients(&PatientQuery::default()).unwrap().is_empty());
    assert_eq!(imported_rows(&store), 0);
    assert_eq!(
        trigger_sql(&db),
        triggers,
        "the bookkeeping set aside is back"
    );
    assert!(store.enforces_foreign_keys().unwrap());
}

/// The added patient's own audit entry, read as the console and `audit list --patient` do.
fn imported_entry(
    store: &dutydesk::store::Store,
    name: &str,
) -> dutydesk::store::audit::AuditEntry {
    let patient = store
        .patients(&PatientQuery::default())
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap();
    store
        .audit(&AuditQuery {
            patient_id: Some(patient.id),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .find(|e| e.action == Some(AuditAction::PatientImported))
        .expect("the patient's audit names the import that added them")
}

#[test]
fn an_import_is_one_audit_row_and_each_new_patient_reads_the_kept_roster_row_that_gave_them() {
    let db = TempDb::new();
    let mut store = db.open();
    let first = row("测试甲", &id("19800101", 123));
    let second = row("测试乙", &id("19810101", 124));
    let r = import_csv(&mut store, &csv(&[first.clone(), second]), false);
    assert!(r.committed, "{:?}", r.problems);
    // One row for the import, none copying a record.
    let all = store.audit(&AuditQuery::default()).unwrap();
    let imports: Vec<_> = all
        .iter()
        .filter(|e| e.action == Some(AuditAction::RosterImported))
        .collect();
    assert_eq!(imports.len(), 1);
    assert!(
        all.iter()
            .all(|e| e.action != Some(AuditAction::PatientImported)),
        "no per-patient copy in the log"
    );
    let import = imports[0].after.as_ref().unwrap();
    assert_eq!(import["file"], "test.csv");
    assert_eq!(import["rows"], 2);
    assert_eq!(import["added"], 2);
    // The patient's own entry: the import's operator and time, the file and its row.
    let e = imported_entry(&store, "测试甲");
    assert_eq!(e.hash, imports[0].hash);
    assert!(e.before.is_none());
    let after = e.after.as_ref().unwrap();
    assert_eq!(after["file"], "test.csv");
    assert_eq!(after["line"], 2, "the header is row 1");
    // The kept roster gives back what that row said, cell for cell.
    let sha = import["sha256"].as_str().unwrap();
    let (name, text) = store.kept_roster(&sha[..12]).unwrap().expect("kept");
    assert_eq!(name, "test.csv");
    let text = String::from_utf8(text).unwrap();
    let kept_row = text.lines().nth(1).unwrap();
    assert_eq!(kept_row, format!("2,{}", first.join(",")));
    let chain = store.verify_audit_chain(None).unwrap();
    assert_eq!(chain.first_break, None);
}

#[test]
fn a_link_added_by_hand_or_a_kept_roster_changed_breaks_the_chain_at_the_import() {
    let db = TempDb::new();
    let mut store = db.open();
    import_csv(
        &mut store,
        &csv(&[row("测试甲", &id("19800101", 123))]),
        false,
    );
    let import_id = store
        .audit(&AuditQuery::default())
        .unwrap()
        .into_iter()
        .find(|e| e.action == Some(AuditAction::RosterImported))
        .unwrap()
        .id;
    drop(store);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    // The kept file and the links cannot be changed or removed...
    assert!(
        conn.execute("UPDATE roster_files SET name = 'x.csv'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM audit_patients", []).is_err());
    // ...and a link slipped in is found by the chain.
    conn.execute(
        "INSERT INTO audit_patients (patient_id, audit_id, line) VALUES (999, ?1, 7)",
        [import_id],
    )
    .unwrap();
    drop(conn);
    let store = db.open();
    let chain = store.verify_audit_chain(None).unwrap();
    assert_eq!(chain.first_break.map(|b| b.id()), Some(import_id));
}

#[test]
fn a_reimported_patients_audit_row_holds_only_the_fields_that_changed() {
    let db = TempDb::new();
    let mut store = db.open();
    let first = row("测试甲", &id("19800101", 123));
    import_csv(&mut store, &csv(std::slice::from_ref(&first)), false);
    let mut second = first.clone();
    second[3] = "13900001111".into();
    let r = import_csv(&mut store, &csv(&[second]), false);
    assert_eq!(r.counts.updated, 1);
    let rows = store.audit(&AuditQuery::default()).unwrap();
    let again = rows
        .iter()
        .find(|e| e.action == Some(AuditAction::PatientReimported))
        .unwrap();
    let keys = |v: &Option<serde_json::Value>| -> Vec<String> {
        let mut k: Vec<String> = v
            .as_ref()
            .and_then(|v| v.as_object())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    };
    assert_eq!(keys(&again.after), vec!["phone", "source"]);
    assert_eq!(keys(&again.before), vec!["phone"]);
    assert_eq!(again.after.as_ref().unwrap()["phone"], "13900001111");
    // The row names the file row that changed the patient; the changes list the field alone.
    assert_eq!(
        again.after.as_ref().unwrap()["source"],
        serde_json::json!({"file": "test.csv", "line": 2})
    );
    let lang = dutydesk::i18n::Lang::Zh;
    assert!(
        lang.audit_sentence(again)
            .contains("按名册 test.csv 第 2 行导入更新了 测试甲（1 项变化）"),
        "{}",
        lang.audit_sentence(again)
    );
    assert_eq!(lang.audit_changes(again).len(), 1);
    assert_eq!(store.verify_audit_chain(None).unwrap().first_break, None);
}

/// The kinds of change rows written after `seq`, leaving out registering the test operator.
fn change_kinds_after(db: &TempDb, seq: i64) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT kind, count(*) FROM changes WHERE seq > ?1 AND kind <> 'operator'
             GROUP BY kind ORDER BY kind",
        )
        .unwrap();
    stmt.query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Every trigger of the database by name, with its SQL.
fn trigger_sql(db: &TempDb) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_large_import_records_one_reload_whole_change_instead_of_a_row_per_write() {
    let db = TempDb::new();
    let mut store = db.open();
    let triggers = trigger_sql(&db);
    tester(&mut store); // registered (and audited) before the sequence is read
    let seq = store.last_change().unwrap();
    let path = roster_file(&db, &many_rows());
    assert!(import_file_at(&mut store, &path, now()).committed);
    // One row for the whole reload, and the import's own audit row (the audit view reloads).
    assert_eq!(
        change_kinds_after(&db, seq),
        vec![("audit".to_string(), 1), ("reload".to_string(), 1)]
    );
    // The bookkeeping set aside for the bulk write is back as it was, and the import did its
    // work: every patient it added has its alert-due instant.
    assert_eq!(trigger_sql(&db), triggers);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let (patients, due): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM patients), (SELECT count(*) FROM alert_due)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((patients, due), (many_rows().len() as i64, patients));
    match store.changes_since(seq, 100_000).unwrap() {
        dutydesk::store::changes::Since::Changes(set) => assert!(set.control, "{set:?}"),
        other => panic!("{other:?}"),
    }
    // The same roster again changes nothing: no console is made to reload, only the audit
    // view learns of the import.
    let seq = store.last_change().unwrap();
    let again = import_file_at(&mut store, &path, now());
    assert_eq!(again.counts.unchanged, MANY as usize);
    assert_eq!(change_kinds_after(&db, seq), vec![("audit".to_string(), 1)]);
    // Later writes are recorded row by row again.
    let one = csv(&[row("测试丙", &id("19800101", 55))]);
    let seq = store.last_change().unwrap();
    assert!(import_csv(&mut store, &one, false).committed);
    let kinds = change_kinds_after(&db, seq);
    assert!(kinds.iter().any(|(k, _)| k == "patient"), "{kinds:?}");
    assert!(kinds.iter().all(|(k, _)| k != "reload"), "{kinds:?}");
}

#[test]
fn added_and_registered_patients_interleaved_share_persons_the_batch_registered() {
    let db = TempDb::new();
    let mut store = db.open();
    let all = many_rows();
    // The even rows are registered first; the second roster alternates an added patient with
    // a registered one, both naming a guardian the added one's row registers: the registered
    // patient's seat refers to a person added a row before.
    let registered: Vec<Vec<String>> = all.iter().step_by(2).cloned().collect();
    assert!(import_file_at(&mut store, &roster_file(&db, &registered), now()).committed);
    let mut rows = Vec::new();
    for (k, pair) in all.chunks(2).enumerate() {
        for i in [1, 0] {
            let mut r = pair[i].clone();
            r[15] = format!("新监护{k}");
            r[16] = format!("139{k:08}");
            rows.push(r);
        }
    }
    let r = import_file_at(&mut store, &roster_file(&db, &rows), now());
    assert!(r.committed, "{:?}", r.problems);
    let half = MANY as usize / 2;
    assert_eq!((r.counts.added, r.counts.updated), (half, half));
    assert_eq!(r.counts.persons_created, half);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count(
            "SELECT count(*) FROM team_assignments t JOIN persons g ON g.id = t.person_id
             WHERE t.role = 5 AND g.name LIKE '新监护%'"
        ),
        MANY as i64,
        "every patient's guardian is the person their row named"
    );
    assert_eq!(
        count("SELECT count(*) FROM persons WHERE name LIKE '新监护%'"),
        half as i64
    );
    // Every patient has its first history row and its alert-due instant; every reference
    // holds.
    assert_eq!(
        count("SELECT count(DISTINCT patient_id) FROM patient_history"),
        MANY as i64
    );
    assert_eq!(count("SELECT count(*) FROM alert_due"), MANY as i64);
    let broken: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    assert_eq!(store.verify_audit_chain(None).unwrap().first_break, None);
}
