//! The binary as scripts and cron jobs meet it: commands, JSON, languages, exit codes.

mod common;

use common::*;
use dutydesk::store::Scope;
use std::collections::BTreeSet;
use std::process::{Command, Output, Stdio};

struct Cli {
    db: TempDb,
    /// The operator commands run as (`--operator`), unless a test names one itself.
    operator: Option<&'static str>,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            db: TempDb::new(),
            operator: None,
        }
    }

    /// A demo database; commands run as its center operator (the test process owns the file,
    /// so it administers the database and may act as a registered operator).
    fn demo() -> Cli {
        let cli = Cli {
            db: TempDb::new(),
            operator: Some("center"),
        };
        let o = cli.run(&["init", "--demo"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("演示数据库"));
        cli
    }

    /// A new database whose first operator is the OS user running the test.
    fn init() -> Cli {
        let cli = Cli::new();
        let o = cli.run(&["init"]);
        assert!(o.status.success(), "{}", stderr(&o));
        cli
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_dutydesk"));
        if let Some(op) = self.operator {
            c.env("DUTYDESK_OPERATOR", op);
        } else {
            c.env_remove("DUTYDESK_OPERATOR");
        }
        c.env("HOME", self.db.dir.path())
            .env("XDG_DATA_HOME", self.db.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.db.dir.path().join("config"))
            .env("DUTYDESK_DB", &self.db.path)
            .env_remove("DUTYDESK_LANG")
            .env_remove("DUTYDESK_CONFIG");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.db.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn init_demo_then_alerts_json_shows_every_alert_kind() {
    let cli = Cli::demo();
    let o = cli.run(&["alerts", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let alerts: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let kinds: BTreeSet<&str> = alerts.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    let every = [
        "missing",
        "left_area",
        "unstable",
        "followup_overdue",
        "visit_overdue",
        "team_incomplete",
        "guardianship",
        "guidance_needed",
        "reported",
        "refused",
    ];
    assert_eq!(kinds, every.into_iter().collect());
    let severities: Vec<&str> = alerts
        .iter()
        .map(|a| a["severity"].as_str().unwrap())
        .collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted, "sorted by severity");
    for a in &alerts {
        for key in [
            "status",
            "patient_name",
            "risk_level",
            "condition",
            "raised_at",
        ] {
            assert!(!a[key].is_null(), "{key} missing in {a}");
        }
        assert!(
            a["id_number"].as_str().unwrap().contains("********"),
            "masked"
        );
        let overdue = matches!(
            a["kind"].as_str(),
            Some("followup_overdue" | "visit_overdue")
        );
        assert_eq!(a["days_overdue"].is_i64(), overdue, "{a}");
    }
    let statuses: BTreeSet<&str> = alerts
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains("new") && statuses.contains("acknowledged"));
}

#[test]
fn alerts_as_of_derives_at_that_instant_without_writing() {
    let cli = Cli::init();
    let text = csv(&[row("测试甲", &id("19800101", 123))]);
    let f = cli.file("r.csv", &text);
    // Import happens now (2026+), so the 2025-03-01 follow-up is long overdue today...
    assert!(cli.run(&["import", "roster", &f]).status.success());
    let before = dump(&cli.db.path);
    // ...but on 2025-06-11 it is exactly 10 days overdue, and on 2025-05-01 not at all.
    let o = cli.run(&["alerts", "--json", "--as-of", "2025-06-11T09:00:00+08:00"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let f = v.iter().find(|a| a["kind"] == "followup_overdue").unwrap();
    assert_eq!(f["days_overdue"], 10);
    let o = cli.run(&["alerts", "--json", "--as-of", "2025-05-01T09:00:00+08:00"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.iter().all(|a| a["kind"] != "followup_overdue"));
    assert_eq!(dump(&cli.db.path), before, "--as-of writes nothing");
    let bad = cli.run(&["alerts", "--as-of", "yesterday"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("RFC 3339"));
}

#[test]
fn broken_roster_exits_1_with_row_messages_in_chinese_and_english() {
    let cli = Cli::init();
    let mut r = row("测试甲", &id("19800101", 123));
    r[1].pop();
    r[1].push('Y');
    let f = cli.file("bad.csv", &csv(&[r]));
    let o = cli.run(&["import", "roster", &f]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("错误 第2行 [身份证号]"), "{out}");
    assert!(out.contains("导入被拒绝"), "{out}");
    // Nothing was written: no counts of zero that read as a result.
    assert!(out.contains("bad.csv：共 1 行"), "{out}");
    assert!(!out.contains("新增 0"), "{out}");
    let o = cli.run(&["--lang", "en", "import", "roster", &f]);
    assert!(
        stdout(&o).contains("error row 2 [身份证号]"),
        "{}",
        stdout(&o)
    );
    let o = cli
        .cmd()
        .env("DUTYDESK_LANG", "en")
        .args(["import", "roster", &f])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("Import refused"));
    let o = cli.run(&["import", "roster", &f, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    assert_eq!(v["problems"][0]["row"], 2);
    assert_eq!(v["problems"][0]["column"], "身份证号");
    assert_eq!(v["committed"], false);
}

#[test]
fn import_dry_run_then_real_import_then_patients_filtered() {
    let cli = Cli::init();
    let mut high = row("测试乙", &id("19800101", 125));
    high[5] = "4".into();
    high[6] = "不稳定".into();
    let f = cli.file("ok.csv", &csv(&[row("测试甲", &id("19800101", 123)), high]));
    let o = cli.run(&["import", "roster", &f, "--dry-run", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["added"].as_i64(), v["committed"].as_bool()),
        (Some(2), Some(false))
    );
    let o = cli.run(&["patients", "--json"]);
    assert_eq!(
        serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout)
            .unwrap()
            .len(),
        0
    );
    assert!(cli.run(&["import", "roster", &f]).status.success());
    let o = cli.run(&["patients", "--json", "--risk-min", "3"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["name"], "测试乙");
    assert!(
        v[0]["key_population"]
            .as_array()
            .unwrap()
            .contains(&"high_risk".into())
    );
    let o = cli.run(&["patients", "--json", "--station", "新港派出所"]);
    assert_eq!(
        serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout)
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn usage_errors_exit_2_and_bad_input_exits_1() {
    let cli = Cli::new();
    assert_eq!(cli.run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        cli.run(&["patients", "--risk-min", "9"]).status.code(),
        Some(2)
    );
    assert_eq!(cli.run(&["--lang", "fr", "check"]).status.code(), Some(2));
    let o = cli.run(&["import", "roster", "/nonexistent/roster.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("无法读取"), "{}", stderr(&o));
    assert!(!cli.db.path.exists(), "a bad file path creates no database");
    let o = cli.run(&["import", "roster", &cli.file("x.pdf", "")]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn usage_errors_are_said_in_the_operators_language() {
    let cli = Cli::new();
    let o = cli.run(&["alert", "resolve"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("缺少必填的参数：<ID>"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("用法：dutydesk alert resolve"),
        "{}",
        stderr(&o)
    );
    let o = cli.run(&["alerts", "--nope"]);
    assert!(
        stderr(&o).contains("不认识的参数：--nope"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("error:"), "{}", stderr(&o));
    let o = cli.run(&["--lang", "en", "alert", "resolve"]);
    assert!(stderr(&o).contains("required arguments"), "{}", stderr(&o));
}

#[test]
fn bad_configuration_is_refused_with_its_line() {
    let cli = Cli::new();
    let conf = cli.file("c.toml", "[followup]\nstable_months = 3\nstable_dayz = 5\n");
    let o = cli.run(&["--config", &conf, "check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("第3行"), "{}", stderr(&o));
    let o = cli.run(&["--lang", "en", "--config", &conf, "check"]);
    assert!(stderr(&o).contains("line 3"), "{}", stderr(&o));
}

#[test]
fn check_and_backup() {
    let cli = Cli::demo();
    let o = cli.run(&["check"]);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("正常")
            && stdout(&o).contains(&format!(
                "架构版本 {}",
                dutydesk::store::schema::CURRENT_VERSION
            )),
        "{}",
        stdout(&o)
    );
    let dest = cli.db.dir.path().join("backup.db");
    let o = cli.run(&["backup", dest.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let copy = dutydesk::store::Store::open(&dest).unwrap();
    assert_eq!(copy.patient_count(&Default::default()).unwrap(), 360);
    assert_eq!(
        cli.run(&["backup", dest.to_str().unwrap()]).status.code(),
        Some(1)
    );
    // A second init --demo refuses to mix demo patients into a filled register.
    assert_eq!(cli.run(&["init", "--demo"]).status.code(), Some(1));
}

#[test]
fn demo_builds_once_and_reuses_its_database() {
    // Without a terminal the console itself refuses, after the database is ready.
    let cli = Cli::new();
    let o = cli.run(&["demo"]);
    assert!(stdout(&o).contains("已生成演示数据库"), "{}", stdout(&o));
    assert!(stderr(&o).contains("终端"), "{}", stderr(&o));
    let o = cli.run(&["demo"]);
    assert!(stdout(&o).contains("使用已有的演示数据库"));
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let cli = Cli::demo();
    let mut child = cli
        .cmd()
        .args(["alerts"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once, like `| head -0`
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn operators_are_added_listed_and_disabled_and_the_console_refuses_strangers() {
    let cli = Cli::init();
    // A station operator's station must be in the register (an import or `place add`).
    assert_eq!(
        cli.run(&[
            "operator",
            "add",
            "li",
            "--name",
            "李值班",
            "--role",
            "station",
            "--station",
            "望江派出所",
        ])
        .status
        .code(),
        Some(1)
    );
    assert!(
        cli.run(&["place", "add", "station", "望江派出所"])
            .status
            .success()
    );
    assert_eq!(
        cli.run(&[
            "operator",
            "add",
            "li",
            "--name",
            "李值班",
            "--role",
            "station"
        ])
        .status
        .code(),
        Some(1)
    );
    let o = cli.run(&[
        "operator",
        "add",
        "li",
        "--name",
        "李值班",
        "--role",
        "station",
        "--station",
        "望江派出所",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cli.run(&["operator", "list", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let li = v.iter().find(|o| o["login"] == "li").unwrap();
    assert_eq!(li["station"], "望江派出所");
    // Without a terminal the console says so instead of drawing garbage into a pipe.
    let o = cli.run(&["--operator", "li", "console"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("终端"), "{}", stderr(&o));
    let o = cli.run(&["--operator", "stranger", "console"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("未登记"), "{}", stderr(&o));
    assert!(cli.run(&["operator", "disable", "li"]).status.success());
    let o = cli.run(&["--operator", "li", "console"]);
    assert!(stderr(&o).contains("已停用"), "{}", stderr(&o));
}

#[test]
fn reports_from_the_command_line_and_unmasked_exports_are_audited() {
    let cli = Cli::demo();
    let out = cli.db.dir.path().join("stats.xlsx");
    let o = cli.run(&[
        "report",
        "stats",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.exists());
    let o = cli.run(&[
        "report",
        "stats",
        "--from",
        "2025-03-31",
        "--to",
        "2025-03-01",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = cli.run(&["report", "exchange", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v.iter()
            .all(|r| r["身份证号"].as_str().unwrap().contains("****"))
    );
    let before = dutydesk::store::Store::open(&cli.db.path)
        .unwrap()
        .audit_count()
        .unwrap();
    let o = cli.run(&["report", "exchange", "--unmasked", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v.iter()
            .all(|r| !r["身份证号"].as_str().unwrap().contains("****"))
    );
    let store = dutydesk::store::Store::open(&cli.db.path).unwrap();
    assert_eq!(store.audit_count().unwrap(), before + 1);
    assert_eq!(
        store.audit_entries(&Scope::All, 1).unwrap()[0].operator,
        "center"
    );
    assert_eq!(
        store.audit_entries(&Scope::All, 1).unwrap()[0].action,
        Some(dutydesk::domain::audit::AuditAction::ReportExported)
    );
    let o = cli.run(&["report", "rewards", "--month", "2025-13"]);
    assert_eq!(o.status.code(), Some(2));
    let o = cli.run(&["report", "rewards", "--month", "2026-11", "--json"]);
    assert!(o.status.success());
    let help = cli.run(&["report", "stats", "--help"]);
    assert!(
        stdout(&help).contains("目前新发"),
        "definitions are in --help"
    );
}

#[test]
fn a_station_operator_reaches_only_its_station_from_the_command_line() {
    let cli = Cli::demo();
    let as_desk = |args: &[&str]| {
        let mut all = vec!["--operator", "wangjiang"];
        all.extend_from_slice(args);
        cli.run(&all)
    };
    let o = as_desk(&["patients", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v.is_empty() && v.iter().all(|p| p["station"] == "望江派出所"));
    // Asking for another station by name gives nothing rather than its patients.
    let o = as_desk(&["patients", "--json", "--station", "青石派出所"]);
    assert_eq!(
        serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout)
            .unwrap()
            .len(),
        0
    );
    let o = as_desk(&["alerts", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.iter().all(|a| a["station"] == "望江派出所"));
    let o = as_desk(&["report", "exchange", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v.is_empty() && v.iter().all(|r| r["派出所"] == "望江派出所"));
    let o = as_desk(&[
        "report",
        "stats",
        "--from",
        "2020-01-01",
        "--to",
        "2030-12-31",
        "--json",
    ]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let total = rows
        .iter()
        .find(|r| r["label"] == "患者总数(≤系统中在册患者总数)")
        .unwrap()["value"]
        .as_f64()
        .unwrap();
    let center = cli.run(&[
        "report",
        "stats",
        "--from",
        "2020-01-01",
        "--to",
        "2030-12-31",
        "--json",
    ]);
    let crow: Vec<serde_json::Value> = serde_json::from_slice(&center.stdout).unwrap();
    let all = crow
        .iter()
        .find(|r| r["label"] == "患者总数(≤系统中在册患者总数)")
        .unwrap()["value"]
        .as_f64()
        .unwrap();
    assert!(total < all, "{total} < {all}");
    // Another station's patient cannot be given an incident by ID number.
    let other = cli.run(&["patients", "--json", "--station", "青石派出所"]);
    let ps: Vec<serde_json::Value> = serde_json::from_slice(&other.stdout).unwrap();
    let pid = ps[0]["id"].as_i64().unwrap();
    let full: String = rusqlite::Connection::open(&cli.db.path)
        .unwrap()
        .query_row("SELECT id_number FROM patients WHERE id = ?1", [pid], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        as_desk(&["incident", "open", "--patient", &full, "--location", "x"])
            .status
            .code(),
        Some(1)
    );
    // Import, backup and operators are the center's.
    let f = cli.file("r.csv", &csv(&[row("测试甲", &id("19800101", 123))]));
    assert_eq!(as_desk(&["import", "roster", &f]).status.code(), Some(1));
    assert_eq!(
        as_desk(&["operator", "add", "x", "--name", "x", "--role", "center"])
            .status
            .code(),
        Some(1)
    );
    // An auditor reads alerts without writing anything.
    let before = dutydesk::store::Store::open(&cli.db.path)
        .unwrap()
        .audit_count()
        .unwrap();
    let o = cli.run(&["--operator", "auditor", "alerts", "--json"]);
    assert!(o.status.success());
    assert_eq!(
        dutydesk::store::Store::open(&cli.db.path)
            .unwrap()
            .audit_count()
            .unwrap(),
        before
    );
    assert_eq!(
        cli.run(&[
            "--operator",
            "auditor",
            "incident",
            "open",
            "--unknown",
            "--location",
            "x"
        ])
        .status
        .code(),
        Some(1)
    );
    // A named operator nobody registered is refused.
    assert_eq!(
        cli.run(&["--operator", "nobody", "patients"]).status.code(),
        Some(1)
    );
}

#[test]
fn patients_and_incidents_as_json_lines_are_the_json_lists_one_object_a_line() {
    let cli = Cli::demo();
    for list in ["patients", "incidents"] {
        let whole = cli.run(&[list, "--json"]);
        assert!(whole.status.success(), "{}", stderr(&whole));
        let array: Vec<serde_json::Value> = serde_json::from_slice(&whole.stdout).unwrap();
        let lines = cli.run(&[list, "--jsonl"]);
        assert!(lines.status.success(), "{}", stderr(&lines));
        let each: Vec<serde_json::Value> = stdout(&lines)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(each, array, "{list}");
        assert!(
            !array.is_empty() || list == "incidents",
            "the demo has patients"
        );
        assert_eq!(cli.run(&[list, "--json", "--jsonl"]).status.code(), Some(2));
    }
}

#[test]
fn a_reader_that_closes_the_pipe_ends_patients_json_quietly() {
    use std::process::Stdio;
    let cli = Cli::demo();
    let mut child = cli
        .cmd()
        .args(["patients", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The demo's list is far larger than a pipe holds: the writer meets the closed end.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_patient_named_by_something_not_an_id_number_is_told_so() {
    let cli = Cli::demo();
    let o = cli.run(&[
        "alert",
        "report",
        "--patient",
        "16",
        "--severity",
        "P1",
        "--note",
        "来电",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("身份证号应为18位，此处为2位"),
        "{}",
        stderr(&o)
    );
    // A well-formed number outside the register is still "not found", masked.
    let o = cli.run(&[
        "alert",
        "report",
        "--patient",
        "990909199001010013",
        "--severity",
        "P1",
        "--note",
        "来电",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("未找到"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("990909199001010013"), "{}", stderr(&o));
}

#[test]
fn an_import_keeps_its_roster_which_an_auditor_lists_and_writes_out_again_audited() {
    let cli = Cli::init();
    let text = csv(&[
        row("测试甲", &id("19800101", 123)),
        row("测试乙", &id("19810101", 124)),
    ]);
    let f = cli.file("花名册.csv", &text);
    assert!(cli.run(&["import", "roster", &f]).status.success());
    let o = cli.run(&["audit", "rosters"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = stdout(&o);
    assert!(
        listed.contains("花名册.csv") && listed.contains("2 行：新增 2，更新 0，未变 0"),
        "{listed}"
    );
    let sha = listed.split_whitespace().last().unwrap().to_string();
    assert_eq!(sha.len(), 12);
    // A prefix nobody's SHA-256 starts with is told so, and nothing is written.
    let out = cli.db.dir.path().join("kept.csv");
    let o = cli.run(&[
        "audit",
        "rosters",
        "--sha",
        "0000zz",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("没有唯一以 0000zz 开头的已存名册"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = cli.run(&[
        "audit",
        "rosters",
        "--sha",
        &sha,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // Writing it out is in the log, as an unmasked export; the patients' own audit names
    // the row of the file that added them.
    let o = cli.run(&["audit", "list", "--limit", "3"]);
    let log = stdout(&o);
    assert!(
        log.contains("导出了已存名册（2 行，含完整身份证号与电话）"),
        "{log}"
    );
    assert!(log.contains("导入了名册 花名册.csv：2 行，新增 2"), "{log}");
    let o = cli.run(&["audit", "list", "--patient", &id("19810101", 124)]);
    assert!(
        stdout(&o).contains("从名册 花名册.csv 第 3 行导入了新患者 测试乙"),
        "{}",
        stdout(&o)
    );
    // A second import of the same file keeps it once.
    assert!(cli.run(&["import", "roster", &f]).status.success());
    let store = dutydesk::store::Store::open(&cli.db.path).unwrap();
    assert_eq!(store.kept_rosters().unwrap().len(), 2);
    assert!(
        store
            .verify_audit_chain(None)
            .unwrap()
            .first_break
            .is_none()
    );
}

#[test]
fn a_patients_follow_ups_are_listed_by_their_form_and_none_is_said_so() {
    let cli = Cli::demo();
    let conn = rusqlite::Connection::open(&cli.db.path).unwrap();
    let id_of = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let visited = id_of(
        "SELECT p.id_number FROM followups f JOIN patients p ON p.id = f.patient_id
         WHERE f.form = 'home_visit' LIMIT 1",
    );
    let none = id_of(
        "SELECT id_number FROM patients WHERE id NOT IN (SELECT patient_id FROM followups)
         LIMIT 1",
    );
    let o = cli.run(&["followup", "list", &visited]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A home visit is named as one, not as the treatment place that shares its code.
    assert!(stdout(&o).contains("家庭访视"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("居家"), "{}", stdout(&o));
    let o = cli.run(&["followup", "list", &none.to_lowercase()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("没有随访记录"), "{}", stdout(&o));
}
