//! What an administrator meets on a fresh server: `init` registers the first center operator,
//! commands print one human line (JSON only with `--json`), help speaks the chosen language,
//! completions for every shell, and a private log that never holds ID numbers or phones.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Server {
    db: TempDb,
}

impl Server {
    fn new() -> Server {
        Server { db: TempDb::new() }
    }

    fn data_dir(&self) -> PathBuf {
        self.db.dir.path().join("data")
    }

    /// The binary as the OS user `user`, outside systemd, with its data directory in the test's.
    fn cmd(&self, user: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_dutydesk"));
        c.env("HOME", self.db.dir.path())
            .env("XDG_DATA_HOME", self.data_dir())
            .env("XDG_CONFIG_HOME", self.db.dir.path().join("config"))
            .env("DUTYDESK_DB", &self.db.path)
            .env("USER", user)
            .env_remove("LOGNAME")
            .env_remove("DUTYDESK_LANG")
            .env_remove("DUTYDESK_CONFIG")
            .env_remove("DUTYDESK_OPERATOR")
            .env_remove("INVOCATION_ID")
            .env_remove("JOURNAL_STREAM");
        c
    }

    fn run(&self, user: &str, args: &[&str]) -> Output {
        self.cmd(user).args(args).output().unwrap()
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.db.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

/// This test runs as a system account (uid 1–999), as `init` sees it.
fn running_as_service_account() -> bool {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").unwrap().uid();
    uid != 0 && uid < 1000
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn init_registers_the_os_user_as_first_center_operator_and_the_console_knows_them() {
    let s = Server::new();
    let o = s.run("zhangsan", &["init"]);
    if running_as_service_account() {
        // A service account is not a person: it must name the first operator.
        assert_eq!(o.status.code(), Some(1), "{}", out(&o));
        assert!(err(&o).contains("--admin"), "{}", err(&o));
        assert!(!s.db.path.exists(), "a refusal creates nothing");
        return;
    }
    assert!(o.status.success(), "{}", err(&o));
    let said = out(&o);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("zhangsan") && said.contains("第一位中心操作员"),
        "{said}"
    );
    let o = s.run("zhangsan", &["operator", "list", "--json"]);
    let ops: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0]["login"], "zhangsan");
    assert_eq!(ops[0]["role"], "center");
    // The roster goes in, then the console opens for that user: here without a terminal it
    // says so, instead of refusing an unregistered login.
    let roster = s.file("r.csv", &csv(&[row("测试甲", &id("19800101", 123))]));
    let o = s.run("zhangsan", &["import", "roster", &roster]);
    assert!(o.status.success(), "{}", err(&o));
    let o = s.run("zhangsan", &[]);
    assert!(!err(&o).contains("未登记"), "{}", err(&o));
    assert!(err(&o).contains("终端"), "{}", err(&o));
    // Running init again changes nothing.
    let o = s.run("zhangsan", &["init"]);
    assert!(o.status.success());
    assert!(out(&o).contains("数据库已存在"), "{}", out(&o));
}

#[test]
fn init_admin_names_the_first_operator_once() {
    let s = Server::new();
    let o = s.run(
        "dutydesk",
        &[
            "--lang", "en", "init", "--admin", "wangli", "--name", "王丽",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("wangli is registered as its first center operator"));
    let o = s.run("dutydesk", &["operator", "list", "--json"]);
    let ops: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(
        (ops[0]["login"].as_str(), ops[0]["display_name"].as_str()),
        (Some("wangli"), Some("王丽"))
    );
    // A second first operator is refused and nothing is written.
    let o = s.run("dutydesk", &["init", "--admin", "other"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("operator add"), "{}", err(&o));
    let o = s.run("dutydesk", &["operator", "list", "--json"]);
    let ops: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ops.len(), 1);
    // A blank login is no login.
    let fresh = Server::new();
    let o = fresh.run("dutydesk", &["init", "--admin", " "]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!fresh.db.path.exists(), "a refusal creates nothing");
}

#[test]
fn incident_open_prints_one_human_line_and_json_only_when_asked() {
    let s = Server::new();
    assert!(s.run("zhangsan", &["init"]).status.success());
    // An unknown person's incident names the station of the location (r2).
    assert!(
        s.run("zhangsan", &["place", "add", "station", "车站派出所"])
            .status
            .success()
    );
    let open = |extra: &[&str]| {
        let mut args = vec![
            "incident",
            "open",
            "--unknown",
            "--station",
            "车站派出所",
            "--location",
            "车站广场",
        ];
        args.extend_from_slice(extra);
        s.run("zhangsan", &args)
    };
    let o = open(&[]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(out(&o).lines().count(), 1, "{}", out(&o));
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_err());
    let o = open(&["--json"]);
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], 2);
    assert_eq!(v["location"], "车站广场");
    assert_eq!(v["state"], "open");
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn help_speaks_chinese_by_default_and_english_when_asked() {
    let s = Server::new();
    let zh = out(&s.run("x", &["import", "roster", "--help"]));
    assert!(
        zh.contains("用法") && zh.contains("选项") && zh.contains("花名册"),
        "{zh}"
    );
    assert!(
        !zh.contains("Options") && !zh.contains("OPTIONS") && !zh.contains("Print help"),
        "{zh}"
    );
    for o in [
        s.run("x", &["--lang", "en", "import", "roster", "--help"]),
        s.cmd("x")
            .env("DUTYDESK_LANG", "en")
            .args(["import", "roster", "--help"])
            .output()
            .unwrap(),
    ] {
        let en = out(&o);
        assert!(
            en.contains("Usage:") && en.contains("import a patient roster"),
            "{en}"
        );
        assert!(!has_cjk(&en), "{en}");
    }
    // The top-level summary (`-h`, the manual's NAME line) is the one bilingual text.
    let top = out(&s.run("x", &["--lang", "en", "-h"]));
    assert!(top.lines().next().is_some_and(has_cjk), "{top}");
}

#[test]
fn completions_are_printed_for_every_shell() {
    let s = Server::new();
    for (shell, mark) in [
        ("bash", "complete -F _dutydesk"),
        ("zsh", "#compdef dutydesk"),
        ("fish", "complete -c dutydesk"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = s.run("x", &["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", err(&o));
        let text = out(&o);
        assert!(text.contains(mark), "{shell}");
        assert!(
            text.contains("roster") && text.contains("quick-response"),
            "{shell}"
        );
    }
    assert_eq!(s.run("x", &["completions", "tcsh"]).status.code(), Some(2));
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_log_is_private_and_names_commands_but_never_id_numbers_or_phones() {
    let s = Server::new();
    assert!(s.run("zhangsan", &["init"]).status.success());
    let patient = id("19800101", 123);
    let mut bad = row("测试乙", &id("19790202", 456));
    bad[1] = "990101197902024560".into(); // wrong check digit: refused with row and column
    let good = s.file("r.csv", &csv(&[row("测试甲", &patient)]));
    let broken = s.file("b.csv", &csv(&[bad]));
    assert!(
        s.run("zhangsan", &["import", "roster", &good])
            .status
            .success()
    );
    assert_eq!(
        s.run("zhangsan", &["import", "roster", &broken])
            .status
            .code(),
        Some(1)
    );
    for args in [
        vec![
            "incident",
            "open",
            "--patient",
            patient.as_str(),
            "--location",
            "桃源社区三组",
        ],
        vec![
            "incident",
            "open",
            "--patient",
            "990101190001010000",
            "--location",
            "x",
        ],
        vec!["report", "exchange", "--unmasked"],
        vec!["patients"],
    ] {
        s.run("zhangsan", &args);
    }
    let dir = s.data_dir().join("dutydesk/logs");
    assert_eq!(mode(&dir), 0o700);
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&files[0]), 0o600);
    let log = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        log.contains("import roster") && log.contains("incident open"),
        "{log}"
    );
    assert!(log.contains("report exchange"), "{log}");
    // No number in full, and nothing that had to be masked on the way out either.
    assert!(
        !log.contains("19800101") && !log.contains("1380000"),
        "{log}"
    );
    assert!(
        !log.contains("****"),
        "a log call carried personal data: {log}"
    );
    assert!(
        !log.contains("桃源社区三组") && !log.contains("测试甲"),
        "{log}"
    );
}
