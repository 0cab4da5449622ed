//! Exports are safe to open and to leave on a desk: no CSV cell that a spreadsheet would run
//! as a formula, in every report that writes CSV (stats, exchange, rewards, the shift
//! handover, the console's reports export); every file owner-only whatever the umask; an
//! existing file replaced only when asked (`--force`), never the database, never through a
//! symbolic link.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The names of people an attacker (or a clumsy ledger) could put in a roster.
const FORMULA_PATIENT: &str = "=cmd|' /C calc'!A0";
const FORMULA_GUARDIAN: &str = "+1+1";
const FORMULA_NOTE: &str = "@SUM(1+1)*cmd|' /C calc'!A0";

struct Desk {
    db: TempDb,
}

impl Desk {
    /// A database with two high-risk, unstable patients whose names and guardians are
    /// formulas, and a center operator whose display name is one.
    fn new() -> Desk {
        let db = TempDb::new();
        let mut a = row(FORMULA_PATIENT, &id("19800101", 11));
        a[5] = "3".into();
        a[6] = "不稳定".into();
        a[15] = FORMULA_GUARDIAN.into();
        let mut b = row("-陈德红", &id("19800101", 13));
        b[5] = "4".into();
        b[6] = "不稳定".into();
        b[15] = "@监护人".into();
        b[16] = "13800005002".into();
        let mut store = db.open();
        let r = import_csv(&mut store, &csv(&[a, b]), false);
        assert!(r.committed, "{:?}", r.problems);
        drop(store);
        let desk = Desk { db };
        desk.ok(&[
            "operator",
            "add",
            "duty",
            "--name",
            "=HYPERLINK(\"x\")",
            "--role",
            "center",
        ]);
        desk
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_dutydesk"));
        // As the test's center operator (the test process owns the database file).
        c.env("DUTYDESK_OPERATOR", "tester")
            .env("HOME", self.db.dir.path())
            .env("XDG_DATA_HOME", self.db.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.db.dir.path().join("config"))
            .env("DUTYDESK_DB", &self.db.path)
            .env_remove("DUTYDESK_LANG")
            .env_remove("DUTYDESK_CONFIG")
            .args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> Output {
        let o = self.run(args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        o
    }

    /// Runs under umask 000, as a careless service unit would.
    fn ok_umask_000(&self, args: &[&str]) {
        let quoted: Vec<String> = args
            .iter()
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect();
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 000; exec '{}' {}",
                env!("CARGO_BIN_EXE_dutydesk"),
                quoted.join(" ")
            ))
            .env("DUTYDESK_OPERATOR", "tester")
            .env("HOME", self.db.dir.path())
            .env("XDG_DATA_HOME", self.db.dir.path().join("data"))
            .env("DUTYDESK_DB", &self.db.path)
            .env_remove("DUTYDESK_LANG")
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }

    fn out(&self, name: &str) -> PathBuf {
        self.db.dir.path().join(name)
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every cell of a CSV file as a spreadsheet reads it.
fn cells(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("UTF-8 BOM");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    r.records()
        .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn assert_no_formula(path: &Path) {
    for c in cells(path) {
        assert!(
            !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{}: a spreadsheet would run {c:?}",
            path.display()
        );
    }
}

fn has_cell_containing(path: &Path, needle: &str) -> bool {
    cells(path).iter().any(|c| c.contains(needle))
}

#[test]
fn every_csv_report_neutralises_formula_cells_and_is_owner_only_under_umask_000() {
    let desk = Desk::new();
    let exchange = desk.out("exchange.csv");
    let unmasked = desk.out("exchange-unmasked.csv");
    let rewards = desk.out("rewards.csv");
    let stats = desk.out("stats.csv");
    let handover = desk.out("handover.csv");
    desk.ok_umask_000(&["report", "exchange", "--out", exchange.to_str().unwrap()]);
    desk.ok_umask_000(&[
        "report",
        "exchange",
        "--unmasked",
        "--out",
        unmasked.to_str().unwrap(),
    ]);
    desk.ok_umask_000(&[
        "report",
        "rewards",
        "--month",
        "2025-02",
        "--out",
        rewards.to_str().unwrap(),
    ]);
    desk.ok_umask_000(&[
        "report",
        "stats",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--out",
        stats.to_str().unwrap(),
    ]);
    desk.ok(&["--operator", "duty", "shift", "take-over"]);
    desk.ok(&[
        "--operator",
        "duty",
        "shift",
        "hand-over",
        "--note",
        FORMULA_NOTE,
    ]);
    desk.ok_umask_000(&[
        "--operator",
        "duty",
        "shift",
        "last",
        "--out",
        handover.to_str().unwrap(),
    ]);
    for f in [&exchange, &unmasked, &rewards, &stats, &handover] {
        assert_eq!(mode(f), 0o600, "{}", f.display());
        assert_no_formula(f);
    }
    // The text is all there, only made inert.
    assert!(has_cell_containing(
        &exchange,
        &format!("'{FORMULA_PATIENT}")
    ));
    assert!(has_cell_containing(&exchange, "'-陈德红"));
    assert!(has_cell_containing(
        &unmasked,
        &format!("'{FORMULA_GUARDIAN}")
    ));
    assert!(has_cell_containing(
        &rewards,
        &format!("'{FORMULA_PATIENT}")
    ));
    assert!(has_cell_containing(&handover, &format!("'{FORMULA_NOTE}")));
    assert!(has_cell_containing(&handover, "'=HYPERLINK"));
}

#[test]
fn the_xlsx_export_keeps_formula_names_as_text() {
    let desk = Desk::new();
    let x = desk.out("exchange.xlsx");
    desk.ok(&["report", "exchange", "--out", x.to_str().unwrap()]);
    assert_eq!(mode(&x), 0o600);
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(&x).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let names: Vec<&Data> = sheet.rows().map(|r| &r[0]).collect();
    assert!(names.contains(&&Data::String(FORMULA_PATIENT.into())));
    let formulas = book.worksheet_formula(&book.sheet_names()[0]).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

#[test]
fn out_onto_an_existing_file_is_refused_unless_forced_and_then_replaced_whole() {
    let desk = Desk::new();
    let target = desk.out("exchange.csv");
    std::fs::write(&target, "yesterday's list").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = desk.run(&["report", "exchange", "--out", target.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("已存在"), "{}", text(&o));
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "yesterday's list"
    );
    desk.ok(&[
        "report",
        "exchange",
        "--force",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert!(has_cell_containing(&target, "'=cmd"));
    assert_eq!(mode(&target), 0o600);
}

#[test]
fn out_never_writes_onto_the_database_its_wal_or_through_a_symlink() {
    let desk = Desk::new();
    let before = dump(&desk.db.path);
    let db = desk.db.path.to_str().unwrap().to_string();
    for target in [db.clone(), format!("{db}-wal"), format!("{db}-shm")] {
        for force in [false, true] {
            let mut args = vec!["report", "exchange", "--out", target.as_str()];
            if force {
                args.push("--force");
            }
            let o = desk.run(&args);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        }
    }
    let o = desk.run(&[
        "--lang", "en", "report", "exchange", "--force", "--out", &db,
    ]);
    assert!(text(&o).contains("database file"), "{}", text(&o));
    let victim = desk.out("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    let link = desk.out("link.csv");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    for force in [false, true] {
        let mut args = vec!["report", "exchange", "--out", link.to_str().unwrap()];
        if force {
            args.push("--force");
        }
        let o = desk.run(&args);
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o).contains("符号链接"), "{}", text(&o));
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert_eq!(dump(&desk.db.path), before);
}

const CONSOLE_CHILD: &str = "DUTYDESK_EXPORT_CHILD_DB";

/// The child: the console's store thread asked to export the reports view, as `w` does.
/// Runs in its own process so that its data directory can be set.
#[test]
fn console_export_child() {
    let Ok(db) = std::env::var(CONSOLE_CHILD) else {
        return;
    };
    use dutydesk::app::action::{Reply, Request};
    let store = dutydesk::store::Store::open(Path::new(&db)).unwrap();
    let operator = store.operator("duty").unwrap().unwrap();
    drop(store);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let requests = dutydesk::console::worker::spawn(
        PathBuf::from(&db),
        dutydesk::desk::Session::new(operator, "test-os-user"),
        dutydesk::config::Config::default(),
        dutydesk::i18n::Lang::Zh,
        std::sync::Arc::new(dutydesk::domain::clock::FixedClock(now())),
        tx,
    );
    requests.send(Request::ExportReport).unwrap();
    loop {
        match rx.blocking_recv().expect("the store thread answers") {
            Reply::Info(text) => {
                println!("exported {text}");
                break;
            }
            Reply::Failed(text) => panic!("{text}"),
            _ => {}
        }
    }
}

#[test]
fn the_console_reports_export_is_private_and_neutralised() {
    if std::env::var(CONSOLE_CHILD).is_ok() {
        return;
    }
    let desk = Desk::new();
    let data = desk.db.dir.path().join("data");
    let o = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "console_export_child", "--nocapture"])
        .env(CONSOLE_CHILD, &desk.db.path)
        .env("HOME", desk.db.dir.path())
        .env("XDG_DATA_HOME", &data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let reports = data.join("dutydesk").join("reports");
    assert_eq!(mode(&reports), 0o700);
    let written: Vec<PathBuf> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
    for f in &written {
        assert_eq!(mode(f), 0o600, "{}", f.display());
        if f.extension().is_some_and(|e| e == "csv") {
            assert_no_formula(f);
        }
    }
}
