//! The importer under arbitrary and mutated input: random bytes as CSV and as xlsx, and real
//! (synthetic, fictional) rosters truncated, with shuffled columns, random cell edits, odd line
//! endings and flipped bytes. Whatever comes in: no panic, at most `MAX_LISTED_PROBLEMS`
//! problems listed and the rest counted, no control character in a message, and an import
//! with an error leaves the database exactly as it was.
//!
//! `DUTYDESK_FUZZ_SEED=n` replays a run; the `#[ignore]`d long version runs 40 times as many
//! cases: `cargo test --test fuzz_import -- --ignored`.

mod common;

use common::*;
use dutydesk::export::{Sheet, write_csv};
use dutydesk::import::rows::MAX_LISTED_PROBLEMS;
use dutydesk::import::table;
use dutydesk::import::values::forbidden_char;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Values a clumsy or hostile ledger puts in a cell.
const PALETTE: &[&str] = &[
    "",
    " ",
    "三级",
    "5级",
    "-1",
    "6",
    "45716",
    "1e309",
    "NaN",
    "2025-02-30",
    "1899-12-31",
    "9999-12-31",
    "2025年13月1日",
    "=cmd|' /C calc'!A0",
    "李\u{1b}[2J\u{1b}]0;PWNED\u{7}红",
    "a\0b",
    "abc\u{202e}def",
    "\u{9b}31m",
    "一\n二",
    "是",
    "否",
    "也许",
    "不稳定",
    "失访",
    "精神分裂症",
    "感冒",
    "13800000001",
    "1380000",
    "无",
    "990101198001010011",
    "99010119800101001X",
    "𠀀𪚥·买买提",
    "\"",
    ",",
    "\r",
];

struct Fuzz {
    rng: fastrand::Rng,
    seed: u64,
    db: TempDb,
    roster: Sheet,
    /// The last case was imported (the database changed, rightly).
    committed: bool,
}

/// A database with five patients, so that "nothing changed" is a real claim.
fn seeded_db() -> TempDb {
    let db = TempDb::new();
    let mut store = db.open();
    let rows: Vec<Vec<String>> = (0..5)
        .map(|i| row(&format!("在册{i}"), &id("19700101", 1 + 2 * i)))
        .collect();
    assert!(import_csv(&mut store, &csv(&rows), false).committed);
    db
}

impl Fuzz {
    fn new(seed: u64) -> Fuzz {
        Fuzz {
            rng: fastrand::Rng::with_seed(seed),
            seed,
            db: seeded_db(),
            roster: dutydesk::demo::roster(60, seed, today()),
            committed: false,
        }
    }

    fn reset(&mut self) {
        self.db = seeded_db();
        self.committed = false;
    }

    fn text(&mut self) -> String {
        let n = self.rng.usize(0..40);
        (0..n)
            .map(|_| match self.rng.u8(0..6) {
                0 => char::from(self.rng.u8(0..0x80)),
                1 => self.rng.char('\u{4e00}'..='\u{9fa5}'),
                2 => self.rng.char('\u{80}'..='\u{a0}'),
                3 => self.rng.char('\u{2000}'..='\u{206f}'),
                4 => self.rng.char(..),
                _ => ',',
            })
            .collect()
    }

    fn cell(&mut self) -> String {
        match self.rng.u8(0..10) {
            0 => self.text(),
            1 => "名".repeat(self.rng.usize(60..3000)),
            _ => PALETTE[self.rng.usize(0..PALETTE.len())].to_string(),
        }
    }

    /// A real roster changed the ways rosters really go wrong (and some they should not).
    fn mutated_sheet(&mut self) -> Sheet {
        let mut s = self.roster.clone();
        let cols = s.headers.len();
        for _ in 0..self.rng.usize(0..4) {
            let kind = self.rng.u8(0..7);
            if s.rows.is_empty() && kind != 0 && kind != 2 {
                continue;
            }
            match kind {
                0 => {
                    // Shuffle the columns, header and cells alike.
                    let mut order: Vec<usize> = (0..cols).collect();
                    self.rng.shuffle(&mut order);
                    s.headers = order.iter().map(|&i| s.headers[i].clone()).collect();
                    for r in &mut s.rows {
                        *r = order
                            .iter()
                            .map(|&i| r.get(i).cloned().unwrap_or_default())
                            .collect();
                    }
                }
                1 => {
                    for _ in 0..self.rng.usize(1..20) {
                        let r = self.rng.usize(0..s.rows.len());
                        let c = self.rng.usize(0..cols);
                        let v = self.cell();
                        if let Some(cell) = s.rows[r].get_mut(c) {
                            *cell = v;
                        }
                    }
                }
                2 => {
                    let c = self.rng.usize(0..cols);
                    s.headers[c] = self.cell();
                }
                3 => {
                    let r = self.rng.usize(0..s.rows.len());
                    let copy = s.rows[r].clone();
                    s.rows.push(copy);
                }
                4 => s.rows.truncate(self.rng.usize(0..s.rows.len())),
                5 => {
                    let r = self.rng.usize(0..s.rows.len());
                    let keep = self.rng.usize(0..cols);
                    s.rows[r].truncate(keep);
                }
                _ => {
                    let r = self.rng.usize(0..s.rows.len());
                    let extra: Vec<String> =
                        (0..self.rng.usize(1..5)).map(|_| self.cell()).collect();
                    s.rows[r].extend(extra);
                }
            }
        }
        s
    }

    fn csv_bytes(&mut self, sheet: &Sheet) -> Vec<u8> {
        // Written raw (not neutralised) so that formula text reaches the importer as typed.
        let mut text = String::new();
        let quote = |c: &str| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.to_string()
            }
        };
        let eol = ["\n", "\r\n", "\r"][self.rng.usize(0..3)];
        if self.rng.bool() {
            text.push('\u{feff}');
        }
        for r in std::iter::once(&sheet.headers).chain(sheet.rows.iter()) {
            text.push_str(&r.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
            text.push_str(eol);
        }
        let mut bytes = if self.rng.u8(0..8) == 0 {
            encoding_rs::GBK.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        self.damage(&mut bytes);
        bytes
    }

    /// Flips, drops or cuts bytes, sometimes.
    fn damage(&mut self, bytes: &mut Vec<u8>) {
        match self.rng.u8(0..5) {
            0 if !bytes.is_empty() => bytes.truncate(self.rng.usize(0..bytes.len())),
            1 => {
                for _ in 0..self.rng.usize(1..10) {
                    if bytes.is_empty() {
                        break;
                    }
                    let i = self.rng.usize(0..bytes.len());
                    bytes[i] = self.rng.u8(..);
                }
            }
            _ => {}
        }
    }

    fn random_bytes(&mut self) -> Vec<u8> {
        let n = self.rng.usize(0..4096);
        let mut b: Vec<u8> = (0..n).map(|_| self.rng.u8(..)).collect();
        if self.rng.bool() {
            // Random bytes behind a plausible header reach the row checks.
            let mut h = HEADER.as_bytes().to_vec();
            h.push(b'\n');
            h.append(&mut b);
            b = h;
        }
        b
    }

    /// One file through the importer, with every property checked.
    fn run(&mut self, case: usize, name: &str, bytes: &[u8]) {
        let path = self.db.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        // The importing operator exists before the file is tried.
        tester(&mut dutydesk::store::Store::open(&self.db.path).unwrap());
        let before = dump(&self.db.path);
        let outcome = catch_unwind(AssertUnwindSafe(|| import(&self.db.path, &path)));
        let report = match outcome {
            Ok(r) => r,
            Err(_) => {
                let keep =
                    std::env::temp_dir().join(format!("dutydesk-fuzz-{}-{case}-{name}", self.seed));
                std::fs::write(&keep, bytes).unwrap();
                panic!(
                    "seed {} case {case}: the importer panicked on {}",
                    self.seed,
                    keep.display()
                );
            }
        };
        let Some(r) = report else {
            assert_eq!(
                dump(&self.db.path),
                before,
                "seed {} case {case}",
                self.seed
            );
            return;
        };
        self.committed = r.committed;
        assert!(
            r.problems.len() <= MAX_LISTED_PROBLEMS,
            "seed {} case {case}",
            self.seed
        );
        assert_eq!(
            r.problems.len() + r.problems_omitted,
            r.errors + r.warnings,
            "seed {} case {case}",
            self.seed
        );
        for p in &r.problems {
            assert!(
                forbidden_char(&p.value).is_none() && forbidden_char(&p.column).is_none(),
                "seed {} case {case}: raw control character in {p:?}",
                self.seed
            );
        }
        if r.errors > 0 {
            assert!(!r.committed, "seed {} case {case}", self.seed);
            assert_eq!(
                dump(&self.db.path),
                before,
                "seed {} case {case}: a refused import changed the database",
                self.seed
            );
        }
    }
}

/// Reads and imports `file`; `None` when the file is refused as a whole.
fn import(db: &Path, file: &Path) -> Option<dutydesk::desk::roster::ImportReport> {
    let table = table::read(file).ok()?;
    let mut store = dutydesk::store::Store::open(db).unwrap();
    let t = tester(&mut store);
    Some(with_desk(&mut store, &t, |d| d.import_roster(&table, false)).unwrap())
}

fn fuzz(rounds: usize) {
    let seed = std::env::var("DUTYDESK_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_251_123);
    eprintln!("fuzz seed {seed} ({rounds} rounds)");
    let mut f = Fuzz::new(seed);
    let mut committed_once = false;
    for case in 0..rounds {
        match case % 5 {
            0 => {
                let b = f.random_bytes();
                f.run(case, "random.csv", &b);
            }
            1 => {
                let b = f.random_bytes();
                f.run(case, "random.xlsx", &b);
            }
            2 | 3 => {
                let sheet = f.mutated_sheet();
                let b = f.csv_bytes(&sheet);
                f.run(case, "mutated.csv", &b);
            }
            _ => {
                let sheet = f.mutated_sheet();
                let path = f.db.dir.path().join("sheet.xlsx");
                dutydesk::export::write_xlsx_file(
                    &sheet,
                    &path,
                    dutydesk::files::Existing::Replace,
                )
                .unwrap();
                let mut b = std::fs::read(&path).unwrap();
                f.damage(&mut b);
                f.run(case, "mutated.xlsx", &b);
            }
        }
        if f.committed {
            // Start again from the small database, so that comparing stays cheap.
            committed_once = true;
            f.reset();
        }
    }
    // The mutations leave some rosters valid: the property is not met by refusing everything.
    assert!(committed_once, "no mutated roster was ever accepted");
}

#[test]
fn the_importer_survives_arbitrary_and_mutated_rosters_and_a_refusal_changes_nothing() {
    fuzz(100);
}

#[test]
#[ignore = "long run: cargo test --test fuzz_import -- --ignored"]
fn the_importer_survives_a_long_fuzz_run() {
    fuzz(4000);
}

#[test]
fn the_unmutated_roster_imports_cleanly() {
    // The baseline the mutations start from is itself a good roster.
    let f = Fuzz::new(7);
    let mut bytes = Vec::new();
    write_csv(&f.roster, &mut bytes).unwrap();
    let path = f.db.dir.path().join("good.csv");
    std::fs::write(&path, &bytes).unwrap();
    let r = import(&f.db.path, &path).unwrap();
    assert!(r.committed, "{:?}", r.problems);
    assert_eq!(r.counts.added, 60);
}
