//! Backups and restores as the night meets them: a backup appears whole and owner-only and
//! can be checked before it is trusted; a restore checks the file first, refuses while any
//! console or server has the database open, and keeps the database it replaces.

mod common;

use common::*;
use dutydesk::store::Store;
use dutydesk::store::backup::{self, CopyError};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn db_with(names: &[&str]) -> TempDb {
    let db = TempDb::new();
    let mut store = db.open();
    let rows: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| row(n, &id("19800101", 11 + 2 * i as u32)))
        .collect();
    assert!(import_csv(&mut store, &csv(&rows), false).committed);
    db
}

fn patients(path: &std::path::Path) -> i64 {
    Store::open(path)
        .unwrap()
        .patient_count(&Default::default())
        .unwrap()
}

/// The binary as the test's center operator `tester` (the test process owns the database
/// file, so it administers it and may act as a registered operator); `--operator` in `args`
/// names another.
fn cli(db: &TempDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dutydesk"))
        .env("DUTYDESK_OPERATOR", "tester")
        .env("HOME", db.dir.path())
        .env("XDG_DATA_HOME", db.dir.path().join("data"))
        .env("XDG_CONFIG_HOME", db.dir.path().join("config"))
        .env("DUTYDESK_DB", &db.path)
        .env_remove("DUTYDESK_LANG")
        .env_remove("DUTYDESK_CONFIG")
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
fn backup_verify_checks_the_copy_and_the_copy_is_owner_only_and_self_contained() {
    let db = db_with(&["甲", "乙"]);
    let dest = db.dir.path().join("nightly.db");
    let o = cli(&db, &["backup", "--verify", dest.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("校验通过"), "{}", text(&o));
    assert!(text(&o).contains("患者 2 名"), "{}", text(&o));
    assert_eq!(mode(&dest), 0o600);
    let mut wal = dest.clone().into_os_string();
    wal.push("-wal");
    assert!(!std::path::Path::new(&wal).exists());
    assert_eq!(backup::verify_file(&dest).unwrap().patients, 2);
    // The same name again is refused, the first copy untouched.
    let o = cli(&db, &["backup", dest.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("备份目标已存在，未覆盖"), "{}", text(&o));
    assert!(
        !text(&o).contains("--force"),
        "backup has no --force: {}",
        text(&o)
    );
    assert_eq!(backup::verify_file(&dest).unwrap().patients, 2);
}

#[test]
fn backup_is_owner_only_under_umask_000() {
    let db = db_with(&["甲"]);
    let dest = db.dir.path().join("open.db");
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; exec '{}' --db '{}' backup '{}'",
            env!("CARGO_BIN_EXE_dutydesk"),
            db.path.display(),
            dest.display()
        ))
        .env("HOME", db.dir.path())
        .env("XDG_DATA_HOME", db.dir.path().join("data"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&dest), 0o600);
}

#[test]
fn backup_never_writes_onto_the_database_or_through_a_symlink() {
    let db = db_with(&["甲"]);
    let before = dump(&db.path);
    let o = cli(&db, &["backup", db.path.to_str().unwrap()]);
    assert!(!o.status.success());
    let link = db.dir.path().join("link.db");
    std::os::unix::fs::symlink(db.dir.path().join("elsewhere.db"), &link).unwrap();
    let o = cli(&db, &["backup", link.to_str().unwrap()]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(!db.dir.path().join("elsewhere.db").exists());
    assert_eq!(dump(&db.path), before);
}

#[test]
fn restore_replaces_the_database_and_keeps_the_old_one() {
    let db = db_with(&["甲", "乙"]);
    let copy = db.dir.path().join("copy.db");
    db.open().backup_to(&copy, false).unwrap();
    let saved = dump(&db.path);
    // The night goes on after the backup: a third patient arrives.
    {
        let mut store = db.open();
        let r = import_csv(&mut store, &csv(&[row("丙", &id("19800101", 51))]), false);
        assert!(r.committed);
    }
    assert_eq!(patients(&db.path), 3);
    let o = cli(&db, &["restore", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("原数据库保留为"), "{}", text(&o));
    // The restored database is the backup, plus one audit row saying who restored it (and
    // the change row that shows it in every console's audit view).
    let now_rows = dump(&db.path);
    let (added, bookkeeping): (Vec<_>, Vec<_>) = now_rows
        .iter()
        .filter(|r| !saved.contains(r))
        .partition(|r| !r.starts_with("changes:") && !r.starts_with("sqlite_sequence:"));
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(added[0].contains("database.restore"), "{added:?}");
    assert!(
        bookkeeping
            .iter()
            .any(|r| r.starts_with("changes:") && r.contains("Text(\"audit\")")),
        "{bookkeeping:?}"
    );
    // Everything saved is back; the change sequence only moved on.
    assert!(
        saved
            .iter()
            .filter(|r| !r.starts_with("sqlite_sequence: Text(\"changes\")"))
            .all(|r| now_rows.contains(r))
    );
    assert_eq!(mode(&db.path), 0o600);
    let kept: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("test.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(patients(&db.dir.path().join(&kept[0])), 3);
}

#[test]
fn restore_is_refused_while_another_program_has_the_database_open() {
    let db = db_with(&["甲"]);
    let copy = db.dir.path().join("copy.db");
    db.open().backup_to(&copy, false).unwrap();
    let console = db.open(); // a console left open on the desk
    let err = backup::restore(&db.path, &copy, "20250310-090000").unwrap_err();
    assert!(matches!(err, CopyError::InUse(_)), "{err}");
    drop(console);
    let o = {
        let _console = db.open();
        cli(&db, &["restore", copy.to_str().unwrap()])
    };
    assert!(!o.status.success());
    assert!(text(&o).contains("正被其他程序"), "{}", text(&o));
    assert!(backup::restore(&db.path, &copy, "20250310-090000").is_ok());
}

#[test]
fn restore_refuses_a_damaged_or_foreign_file_and_changes_nothing() {
    let db = db_with(&["甲"]);
    let before = dump(&db.path);
    let listing = || {
        let mut v: Vec<String> = std::fs::read_dir(db.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let files_before = listing();
    // Not a database at all.
    let junk = db.dir.path().join("junk.db");
    std::fs::write(&junk, "姓名,身份证号\n").unwrap();
    assert!(matches!(
        backup::restore(&db.path, &junk, "s").unwrap_err(),
        CopyError::NotDatabase(_)
    ));
    // A database, but not dutydesk's.
    let foreign = db.dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    assert!(matches!(
        backup::restore(&db.path, &foreign, "s").unwrap_err(),
        CopyError::Unsound { .. }
    ));
    // A dutydesk backup whose audit log lost its guard.
    let tampered = db.dir.path().join("tampered.db");
    db.open().backup_to(&tampered, false).unwrap();
    rusqlite::Connection::open(&tampered)
        .unwrap()
        .execute_batch("DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    match backup::restore(&db.path, &tampered, "s").unwrap_err() {
        CopyError::Unsound { problems, .. } => {
            assert!(problems.iter().any(|p| p.contains("audit_log_no_delete")))
        }
        other => panic!("{other}"),
    }
    // A file that stops half-way.
    let bytes = std::fs::read(&tampered).unwrap();
    let cut = db.dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert!(backup::restore(&db.path, &cut, "s").is_err());
    // A FIFO or a folder is never read.
    let dir = db.dir.path().join("folder.db");
    std::fs::create_dir(&dir).unwrap();
    assert!(matches!(
        backup::restore(&db.path, &dir, "s").unwrap_err(),
        CopyError::NotRegular(_)
    ));
    assert!(matches!(
        backup::restore(&db.path, &db.path, "s").unwrap_err(),
        CopyError::SameFile(_)
    ));
    std::fs::remove_dir(&dir).unwrap();
    for f in ["junk.db", "foreign.db", "tampered.db", "cut.db"] {
        std::fs::remove_file(db.dir.path().join(f)).unwrap();
    }
    assert_eq!(dump(&db.path), before);
    assert_eq!(listing(), files_before, "no temporary file is left behind");
}

#[test]
fn restore_onto_a_standby_machine_creates_the_database() {
    let db = db_with(&["甲", "乙"]);
    let copy = db.dir.path().join("copy.db");
    db.open().backup_to(&copy, true).unwrap();
    let standby = TempDb::new();
    let o = cli(&standby, &["restore", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(patients(&standby.path), 2);
    assert_eq!(mode(&standby.path), 0o600);
}

#[test]
fn only_the_center_restores() {
    let db = db_with(&["甲"]);
    let copy = db.dir.path().join("copy.db");
    db.open().backup_to(&copy, false).unwrap();
    let o = cli(
        &db,
        &[
            "operator",
            "add",
            "wj",
            "--name",
            "望江值班",
            "--role",
            "station",
            "--station",
            "望江派出所",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(
        &db,
        &["--operator", "wj", "restore", copy.to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("无权"), "{}", text(&o));
}

#[test]
fn a_backup_killed_at_any_moment_leaves_a_sound_backup_or_none() {
    let db = TempDb::new();
    let o = cli(&db, &["init", "--demo"]);
    assert!(o.status.success(), "{}", text(&o));
    let mut sound = 0;
    for round in 0..20 {
        let dest = db.dir.path().join(format!("kill-{round}.db"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_dutydesk"))
            .env("HOME", db.dir.path())
            .env("XDG_DATA_HOME", db.dir.path().join("data"))
            .args(["--db", db.path.to_str().unwrap(), "backup", "--verify"])
            .arg(&dest)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(fastrand::u64(0..80)));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        if dest.exists() {
            let v = backup::verify_file(&dest).unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(v.patients, 360, "round {round}");
            sound += 1;
        }
    }
    eprintln!("{sound} of 20 backups finished before the kill");
    // Whatever was killed left the live database sound.
    assert!(
        Store::open(&db.path)
            .unwrap()
            .integrity_problems()
            .unwrap()
            .is_empty()
    );
}
