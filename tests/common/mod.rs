//! Helpers shared by the integration tests: a temporary database, a fixed instant, and small
//! fictional rosters written as CSV text.
#![allow(dead_code)]

pub mod pty;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dutydesk::config::Config;
use dutydesk::desk::{Desk, Session};
use dutydesk::domain::clock::FixedClock;
use dutydesk::domain::clock::{beijing_date, beijing_midnight};
use dutydesk::domain::id_number::check_char;
use dutydesk::import::table::read_csv;
use dutydesk::store::Store;
use dutydesk::store::operators::{Operator, OperatorRole};
use dutydesk::store::places::PlaceKind;
use std::path::PathBuf;

/// 2025-03-10 09:00 Beijing time: the instant every test lives at unless it says otherwise.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 10, 1, 0, 0).unwrap()
}

pub fn today() -> NaiveDate {
    beijing_date(now())
}

pub fn at(date: &str, hour: i64) -> DateTime<Utc> {
    beijing_midnight(date.parse().unwrap()) + chrono::Duration::hours(hour)
}

/// A valid fictional ID number (region 99xxxx) for a birth date and a sequence number; odd
/// sequence digits are men.
pub fn id(birth: &str, seq: u32) -> String {
    let first17 = format!("990101{birth}{seq:03}");
    format!("{first17}{}", check_char(&first17))
}

pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl TempDb {
    pub fn new() -> TempDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        TempDb { dir, path }
    }

    pub fn open(&self) -> Store {
        Store::open(&self.path).unwrap()
    }
}

pub const HEADER: &str = "姓名,身份证号,性别,联系电话,诊断,危险性评估,病情,管理状态,外出去向,\
监护情况,乡镇街道,村居,派出所,末次随访日期,末次面访日期,监护人,监护人电话,精防医生,精防医生电话,\
包村干部,包村干部电话,包村民警,包村民警电话,村干部,村干部电话";

/// One CSV row in `HEADER`'s order with a full team and recent dates; fields are replaced by
/// position where a test needs something else.
pub fn row(name: &str, id_number: &str) -> Vec<String> {
    [
        name,
        id_number,
        "",
        "13800009999",
        "精神分裂症",
        "0",
        "稳定",
        "在管",
        "",
        "有",
        "望江街道",
        "桃源社区",
        "望江派出所",
        "2025-03-01",
        "2025-03-01",
        "监护甲",
        "13800005001",
        "医生甲",
        "13800004001",
        "干部甲",
        "13800001001",
        "民警甲",
        "13800002001",
        "村干甲",
        "13800003001",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

pub fn csv(rows: &[Vec<String>]) -> String {
    let mut s = String::from(HEADER);
    s.push('\n');
    for r in rows {
        s.push_str(&r.join(","));
        s.push('\n');
    }
    s
}

/// The center operator the tests act as (`tester`), registered as the database's first
/// operator when it has none.
pub fn tester(store: &mut Store) -> Session {
    let op = Operator {
        login: "tester".into(),
        display_name: "测试值班员".into(),
        role: OperatorRole::Center,
        station: None,
        disabled: false,
    };
    if store.operator("tester").unwrap().is_none() {
        let first =
            dutydesk::desk::admin::bootstrap_operator(store, &op, "test-os-user", now()).unwrap();
        if !first {
            // A database with operators already (the demo's): its center registers tester.
            let center = store
                .operators(&dutydesk::store::Scope::All)
                .unwrap()
                .into_iter()
                .find(|o| o.role == OperatorRole::Center && !o.disabled)
                .expect("a center operator");
            let center = Session::new(center, "test-os-user");
            with_desk(store, &center, |d| d.add_operator(&op)).unwrap();
        }
    }
    Session::new(store.operator("tester").unwrap().unwrap(), "test-os-user")
}

/// An operator of the given role (a station desk's station is registered if it is not),
/// registered by `tester` unless present.
pub fn operator(
    store: &mut Store,
    login: &str,
    role: OperatorRole,
    station: Option<&str>,
) -> Session {
    let admin = tester(store);
    if store.operator(login).unwrap().is_none() {
        let config = Config::default();
        let clock = FixedClock(now());
        let mut desk = Desk::new(store, &admin, &config, &clock);
        if let Some(s) = station
            && !desk
                .store()
                .place_exists(PlaceKind::Station, s, "")
                .unwrap()
        {
            desk.add_place(PlaceKind::Station, s, None).unwrap();
        }
        desk.add_operator(&Operator {
            login: login.into(),
            display_name: format!("{login}值班员"),
            role,
            station: station.map(str::to_string),
            disabled: false,
        })
        .unwrap();
    }
    Session::new(store.operator(login).unwrap().unwrap(), "test-os-user")
}

/// Runs `f` with the one-door API as `session` at the fixed instant.
pub fn with_desk<T>(store: &mut Store, session: &Session, f: impl FnOnce(&mut Desk) -> T) -> T {
    with_desk_at(store, session, now(), f)
}

pub fn with_desk_at<T>(
    store: &mut Store,
    session: &Session,
    at: DateTime<Utc>,
    f: impl FnOnce(&mut Desk) -> T,
) -> T {
    let config = Config::default();
    let clock = FixedClock(at);
    let mut desk = Desk::new(store, session, &config, &clock);
    f(&mut desk)
}

/// Imports CSV text at the fixed instant as `tester`; panics if the store fails (not if rows
/// are bad).
pub fn import_csv(
    store: &mut Store,
    text: &str,
    dry_run: bool,
) -> dutydesk::desk::roster::ImportReport {
    let table = read_csv(text.as_bytes(), "test.csv").unwrap();
    let session = tester(store);
    with_desk(store, &session, |d| d.import_roster(&table, dry_run)).unwrap()
}

/// Imports a roster file as `tester`, the clock at `at`.
pub fn import_file_at(
    store: &mut Store,
    path: &std::path::Path,
    at: DateTime<Utc>,
) -> dutydesk::desk::roster::ImportReport {
    let table = dutydesk::import::read(path).unwrap();
    let session = tester(store);
    with_desk_at(store, &session, at, |d| d.import_roster(&table, false)).unwrap()
}

/// The deriver's own bookkeeping (its lease, last run, patients' next due instants): a
/// console that starts takes the lease and writes these whatever the operator does.
const DERIVER_TABLES: [&str; 3] = ["alert_due", "deriver_lease", "deriver_runs"];

/// Every row of every table, as text, in a stable order: "the content" of a database (the
/// deriver's bookkeeping aside).
pub fn dump(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    tables.sort();
    tables.retain(|t| !DERIVER_TABLES.contains(&t.as_str()));
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut cells = Vec::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(cells.join("|"))
            })
            .unwrap();
        for r in rows {
            out.push(format!("{t}: {}", r.unwrap()));
        }
    }
    out
}
