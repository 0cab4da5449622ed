//! Hostile and broken rosters: every file of the corpus in `tests/fixtures/hostile/` (made by
//! its `make.py`, listed with the message it must produce in `EXPECTED`) is refused with that
//! message, exit code 1, nothing written and no terminal escape replayed; files that are not
//! files, too many rows and floods of errors are handled without blocking or flooding.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// A database holding one patient, so that "nothing written" is a real claim.
fn seeded() -> TempDb {
    let db = TempDb::new();
    let mut store = db.open();
    assert!(
        import_csv(
            &mut store,
            &csv(&[row("已在册", &id("19700101", 1))]),
            false
        )
        .committed
    );
    db
}

fn dutydesk(db: &TempDb, lang: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dutydesk"));
    // The test's center operator imports (the test process owns the database file).
    c.env("DUTYDESK_OPERATOR", "tester")
        .env("HOME", db.dir.path())
        .env("XDG_DATA_HOME", db.dir.path().join("data"))
        .env("DUTYDESK_DB", &db.path)
        .env_remove("DUTYDESK_CONFIG")
        .args(["--lang", lang])
        .args(args);
    c
}

/// Runs to the end, or fails the test if the command hangs (a FIFO read would).
fn finish(mut c: Command) -> Output {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the import hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn import(db: &TempDb, lang: &str, file: &Path) -> (Option<i32>, String) {
    let o = finish(dutydesk(
        db,
        lang,
        &["import", "roster", file.to_str().unwrap()],
    ));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), text)
}

fn expected() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(fixtures().join("EXPECTED")).unwrap();
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (file, message) = line.split_once('\t').expect("file<TAB>message");
        map.entry(file.into()).or_default().push(message.into());
    }
    map
}

#[test]
fn every_file_of_the_hostile_corpus_is_refused_with_its_message_and_writes_nothing() {
    let db = seeded();
    let before = dump(&db.path);
    let corpus = expected();
    let on_disk = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "EXPECTED" && n != "make.py")
        .count();
    assert_eq!(corpus.len(), on_disk, "every fixture is listed in EXPECTED");
    for (file, messages) in &corpus {
        let (code, text) = import(&db, "en", &fixtures().join(file));
        assert_eq!(code, Some(1), "{file}: {text}");
        for m in messages {
            assert!(text.contains(m.as_str()), "{file}: wanted {m:?} in\n{text}");
        }
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\0']),
            "{file}: the message replays a control character: {text:?}"
        );
        assert!(
            text.len() < 20_000,
            "{file}: {} bytes of messages",
            text.len()
        );
    }
    assert_eq!(
        dump(&db.path),
        before,
        "a refused file changed the database"
    );
}

#[test]
fn the_messages_are_in_chinese_by_default() {
    let db = seeded();
    for (file, want) in [
        ("semicolon.csv", "用分号（;）分隔各列"),
        ("tab.csv", "制表符"),
        ("big5.csv", "繁体中文 Big5 编码"),
        ("latin1.csv", "既不是 UTF-8 也不是 GBK"),
        ("utf16.csv", "UTF-16"),
        ("header_only.csv", "只有表头（第1行），没有任何患者行"),
        ("escape_in_name.csv", "含有控制字符（U+001B）"),
        ("bidi_override.csv", "不可见的格式控制符"),
        ("long_name.csv", "超过该列上限 64 个字"),
        ("date_before_birth.csv", "早于患者出生日期"),
        ("serial_date.csv", "Excel 日期序号（相当于 2025-02-28）"),
        ("bad_phones.csv", "手机号应为11位"),
        ("far_cell.xlsx", "第1048576行 XFD 列有内容"),
        ("old_format.xls", "另存为 .xlsx"),
    ] {
        let (code, text) = import(&db, "zh", &fixtures().join(file));
        assert_eq!(code, Some(1), "{file}");
        assert!(text.contains(want), "{file}: wanted {want:?} in\n{text}");
    }
}

#[test]
fn a_fifo_a_device_and_a_folder_are_refused_before_anything_is_read() {
    let db = seeded();
    let fifo = db.dir.path().join("roster.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let folder = db.dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    let zero = db.dir.path().join("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    for f in [&fifo, &folder, &zero] {
        let (code, text) = import(&db, "en", f);
        assert_eq!(code, Some(1), "{}: {text}", f.display());
        assert!(text.contains("is not a regular file"), "{text}");
    }
}

#[test]
fn a_flood_of_bad_rows_lists_the_first_200_problems_and_counts_the_rest() {
    let db = seeded();
    let rows: Vec<Vec<String>> = (0..500)
        .map(|i| {
            let mut r = row(&format!("测试{i}"), &id("19800101", 100 + i));
            r[4] = "感冒".into();
            r
        })
        .collect();
    let file = db.dir.path().join("flood.csv");
    std::fs::write(&file, csv(&rows)).unwrap();
    let (code, text) = import(&db, "en", &file);
    assert_eq!(code, Some(1));
    let listed = text.lines().filter(|l| l.starts_with("error row")).count();
    assert_eq!(listed, 200, "{text}");
    assert!(text.contains("and 300 more problems not listed"), "{text}");
    assert!(text.contains("500 errors"), "{text}");
    // The first ones, in file order.
    assert!(text.contains("error row 2 [诊断]"), "{text}");
    let o = finish(dutydesk(
        &db,
        "en",
        &["import", "roster", file.to_str().unwrap(), "--json"],
    ));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 500);
    assert_eq!(v["problems_omitted"], 300);
    assert_eq!(v["problems"].as_array().unwrap().len(), 200);
}

#[test]
fn more_rows_than_the_cap_are_refused_as_a_whole() {
    use dutydesk::import::table::{MAX_ROWS, TableError, read_csv};
    let mut text = String::from(HEADER);
    text.push('\n');
    // Any filled line is a row; the cap is met before any row is checked.
    let line = "测试,1";
    for _ in 0..=MAX_ROWS {
        text.push_str(line);
        text.push('\n');
    }
    match read_csv(text.as_bytes(), "big.csv") {
        Err(TableError::TooManyRows { max, .. }) => assert_eq!(max, MAX_ROWS),
        other => panic!(
            "expected TooManyRows, got {:?}",
            other.map(|t| t.rows.len())
        ),
    }
}

#[test]
fn a_good_roster_with_cr_only_line_ends_and_a_bom_still_imports() {
    let db = seeded();
    let text = format!(
        "\u{feff}{}",
        csv(&[
            row("测试甲", &id("19800101", 11)),
            row("测试乙", &id("19800101", 13))
        ])
        .replace('\n', "\r")
    );
    let file = db.dir.path().join("cr.csv");
    std::fs::write(&file, text).unwrap();
    let (code, text) = import(&db, "en", &file);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("2 rows, 2 added"), "{text}");
}
