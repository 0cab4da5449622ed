//! The audit log as an investigator meets it: it reads in words with names, it is scoped like
//! everything else, and it proves itself: a row changed, replaced or removed by hand, or a
//! protecting trigger dropped, is found by `check` and `audit verify`, which name the row.

mod common;

use common::*;
use std::process::{Command, Output};

fn demo() -> TempDb {
    let db = TempDb::new();
    let o = cli(&db, &["init", "--demo"]);
    assert!(o.status.success(), "{}", text(&o));
    db
}

fn cli(db: &TempDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dutydesk"))
        .env("HOME", db.dir.path())
        .env("XDG_DATA_HOME", db.dir.path().join("data"))
        .env("DUTYDESK_DB", &db.path)
        .env_remove("DUTYDESK_LANG")
        .env_remove("DUTYDESK_OPERATOR")
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_audit_log_reads_in_words_with_names_and_never_codes() {
    let db = demo();
    let o = cli(&db, &["--operator", "center", "alert", "ack", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(
        &db,
        &[
            "--operator",
            "center",
            "audit",
            "list",
            "--limit",
            "5",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let first = rows[0]["text"].as_str().unwrap();
    // "综治中心值班员 签收了 <name> 的 <kind> 预警"
    assert!(first.starts_with("综治中心值班员 签收了 "), "{first}");
    assert!(first.ends_with(" 预警"), "{first}");
    for r in &rows {
        let t = r["text"].as_str().unwrap();
        assert!(!t.contains("alert.") && !t.contains('_'), "a code in {t}");
        assert!(!t.contains("person_id") && !t.contains("="), "{t}");
    }
    // Beside the operator, the OS user who ran the command.
    let identity = rows[0]["identity"].as_str().unwrap();
    assert!(!identity.is_empty() && identity != "center", "{identity}");
    let en = cli(
        &db,
        &[
            "--lang",
            "en",
            "--operator",
            "center",
            "audit",
            "list",
            "--limit",
            "1",
        ],
    );
    assert!(text(&en).contains("acknowledged"), "{}", text(&en));
    // A station desk reads only its station's rows.
    let o = cli(
        &db,
        &[
            "--operator",
            "xingang",
            "audit",
            "list",
            "--json",
            "--limit",
            "500",
        ],
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| !r["text"].as_str().unwrap().contains("望江派出所值班室")),
        "another station's desk shows in xingang's log"
    );
}

fn conn(db: &TempDb) -> rusqlite::Connection {
    rusqlite::Connection::open(&db.path).unwrap()
}

#[test]
fn a_whole_log_verifies_and_every_handover_and_report_pins_its_head() {
    let db = demo();
    let o = cli(&db, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("审计日志末行"), "{}", text(&o));
    let o = cli(&db, &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("哈希链完整"), "{}", text(&o));
    // The demo's roster import: its kept file and links were checked too, and it says so.
    assert!(text(&o).contains("含 1 次导入所存的名册"), "{}", text(&o));
    let out = db.dir.path().join("stats.xlsx");
    let o = cli(
        &db,
        &[
            "--operator",
            "center",
            "report",
            "stats",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("审计日志末行"), "{}", text(&o));
    assert!(
        cli(&db, &["--operator", "center", "shift", "take-over"])
            .status
            .success()
    );
    let o = cli(
        &db,
        &[
            "--operator",
            "center",
            "shift",
            "hand-over",
            "--note",
            "平稳",
        ],
    );
    assert!(text(&o).contains("审计日志至 #"), "{}", text(&o));
}

#[test]
fn a_row_changed_by_hand_is_found_and_named() {
    let db = demo();
    let c = conn(&db);
    // The triggers refuse it...
    assert!(
        c.execute("UPDATE audit_log SET operator = 'x' WHERE id = 5", [])
            .is_err()
    );
    // ...so an attacker with the file drops them first, edits, and puts them back.
    c.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET after = '{\"note\":\"改过\"}' WHERE id = 5;",
    )
    .unwrap();
    c.execute_batch(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
    )
    .unwrap();
    drop(c);
    let o = cli(&db, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("第 5 行"), "{}", text(&o));
    let o = cli(&db, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("第 5 行"), "{}", text(&o));
}

#[test]
fn a_replaced_or_removed_row_or_a_dropped_trigger_is_found() {
    let db = demo();
    let c = conn(&db);
    // INSERT OR REPLACE over an existing row is refused by the chain trigger.
    let replaced = c.execute(
        "INSERT OR REPLACE INTO audit_log (id, at, operator, action, entity, prev_hash, hash)
         VALUES (3, 0, 'x', 'alert.report', 'alert', '', '')",
        [],
    );
    assert!(replaced.is_err());
    // Removing a row with the triggers dropped breaks the chain at the row after it.
    c.execute_batch(
        "DROP TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE id = 7;",
    )
    .unwrap();
    drop(c);
    let o = cli(&db, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let t = text(&o);
    assert!(t.contains("audit_log_no_delete"), "{t}");
    assert!(t.contains("第 8 行"), "{t}");
}

#[test]
fn an_auditor_checks_and_verifies_the_log_but_a_station_desk_does_not() {
    let db = demo();
    let o = cli(&db, &["--operator", "auditor", "audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(&db, &["--operator", "auditor", "check"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(&db, &["--operator", "wangjiang", "audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    // The auditor reads every desk's rows; --by narrows to one operator.
    let o = cli(
        &db,
        &[
            "--operator",
            "auditor",
            "audit",
            "list",
            "--json",
            "--limit",
            "50",
        ],
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(rows.len() >= 20, "{}", rows.len());
    let o = cli(
        &db,
        &[
            "--operator",
            "auditor",
            "audit",
            "list",
            "--json",
            "--by",
            "wangjiang",
        ],
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["login"] == "wangjiang"));
}
