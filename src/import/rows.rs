//! One roster row checked field by field: either a `RosterRow` ready to write, or the problems
//! with it as row, column, value and reason. Text that could drive a terminal (control
//! characters, escapes, bidi overrides), absurd lengths and numbers nobody can call are refused
//! here, so nothing hostile reaches the store or a screen. Nothing here touches the store.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

use super::columns::{ColumnMap, Field};
use super::phone::{self, PhoneProblem};
use super::table::{Cell, Table};
use super::values::{self, DateProblem};
use crate::domain::id_number::{IdNumber, IdNumberError};
use crate::domain::patient::*;
use crate::domain::risk::RiskLevel;
use crate::domain::team::{AssignmentRefusal, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Warning,
}

/// Why a cell or a column is wrong; each maps to a sentence in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    MissingColumn,
    UnknownColumn,
    DuplicateColumn,
    Required,
    IdNumber(IdNumberError),
    GenderMismatch {
        from_id: Gender,
    },
    UnknownGender,
    BadDate,
    FutureDate,
    UnknownDiagnosis,
    UnknownLevel,
    HighestBelowCurrent,
    UnknownCondition,
    UnknownStatus,
    UnknownGuardianship,
    UnknownTreatment,
    UnknownMedication,
    UnknownCompliance,
    BadFlag,
    DuplicateId {
        first_row: usize,
    },
    RiskConditionMismatch {
        risk: u8,
        condition: Condition,
    },
    PhoneWithoutName,
    /// 外出 with no destination or no departure date: the receiving area cannot be told.
    AwayWithoutDestination,
    AwayWithoutDate,
    OutsideJurisdiction(AssignmentRefusal),
    /// A control character, escape or bidi override (see `values::forbidden_char`).
    ControlCharacter(char),
    TooLong {
        max: usize,
        length: usize,
    },
    DateBeforeBirth {
        birth: NaiveDate,
    },
    SerialNumberDate {
        as_date: NaiveDate,
    },
    BadPhone(PhoneProblem),
}

/// How many problems a report lists; the rest are counted. Ten thousand bad rows are fixed at
/// the source, not read line by line on a terminal.
pub const MAX_LISTED_PROBLEMS: usize = 200;

/// The problems of a file: the first `MAX_LISTED_PROBLEMS` in file order, and how many
/// errors and warnings there are in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Problems {
    pub listed: Vec<Problem>,
    pub errors: usize,
    pub warnings: usize,
}

impl Problems {
    pub fn push(&mut self, p: Problem) {
        match p.level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
        }
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.listed.push(p);
        }
    }

    pub fn append(&mut self, other: Problems) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        let room = MAX_LISTED_PROBLEMS.saturating_sub(self.listed.len());
        self.listed.extend(other.listed.into_iter().take(room));
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Problems counted but not listed.
    pub fn omitted(&self) -> usize {
        self.errors + self.warnings - self.listed.len()
    }
}

/// The longest text each free-text field takes, in characters.
fn max_chars(f: Field) -> Option<usize> {
    match f {
        Field::Name | Field::MemberName(_) => Some(64),
        Field::Township | Field::Village | Field::Station => Some(64),
        Field::Address | Field::AwayDestination => Some(200),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row number in the file (the header is usually row 1); 0 for the whole file.
    pub row: usize,
    pub column: String,
    pub value: String,
    pub reason: Reason,
    pub level: Level,
}

/// A person named in a team column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCell {
    pub role: Role,
    pub name: String,
    pub phone: String,
}

/// A checked row. `None` means the file did not say (column absent or cell blank): a new
/// patient takes the default, an existing one keeps what it has.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    pub line: usize,
    pub id_number: IdNumber,
    pub name: String,
    pub gender: Option<Gender>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub jurisdiction: Jurisdiction,
    pub diagnosis: Diagnosis,
    pub risk_level: RiskLevel,
    pub risk_highest: Option<RiskLevel>,
    pub condition: Condition,
    pub status: Option<Status>,
    pub away_destination: Option<String>,
    pub away_since: Option<NaiveDate>,
    pub discharged_on: Option<NaiveDate>,
    pub guardianship: Option<Guardianship>,
    pub treatment_place: Option<TreatmentPlace>,
    pub medication: Option<Medication>,
    pub compliance: Option<Compliance>,
    pub police_listed: Option<bool>,
    pub incident_history: Option<bool>,
    pub floating: Option<bool>,
    pub vagrant: Option<bool>,
    pub special_team: Option<bool>,
    pub ever_missing: Option<bool>,
    pub last_followup: Option<NaiveDate>,
    pub last_visit: Option<NaiveDate>,
    pub members: Vec<MemberCell>,
}

impl RosterRow {
    /// The patient this row describes: `existing` updated with what the row says, or a new
    /// patient registered on `today` with defaults where the row is silent.
    pub fn merge_into(&self, existing: Option<&Patient>, today: NaiveDate) -> Patient {
        let mut p = existing.cloned().unwrap_or_else(|| Patient {
            id: 0,
            id_number: self.id_number.clone(),
            name: String::new(),
            gender: self.id_number.gender(),
            phone: String::new(),
            address: String::new(),
            jurisdiction: Jurisdiction::default(),
            diagnosis: self.diagnosis,
            risk_level: self.risk_level,
            risk_highest: self.risk_level,
            condition: self.condition,
            guardianship: Guardianship::Normal,
            status: Status::Managed,
            away_destination: String::new(),
            treatment_place: None,
            medication: None,
            compliance: None,
            flags: PatientFlags::default(),
            last_followup: None,
            last_visit: None,
            registered_on: today,
            basic_stable_streak: 0,
            not_reached_streak: 0,
            relapses: 0,
            away_since: None,
            discharged_on: None,
            earlier_missing: false,
            reassess_since: None,
        });
        let was_missing = existing.is_some_and(|e| e.status == Status::Missing);
        p.name = self.name.clone();
        p.gender = self.id_number.gender();
        p.jurisdiction = self.jurisdiction.clone();
        p.diagnosis = self.diagnosis;
        p.risk_level = self.risk_level;
        p.risk_highest = self
            .risk_highest
            .unwrap_or(p.risk_highest)
            .max(self.risk_level);
        p.condition = self.condition;
        fn set<T: Clone>(slot: &mut T, v: &Option<T>) {
            if let Some(v) = v {
                *slot = v.clone();
            }
        }
        set(&mut p.phone, &self.phone);
        set(&mut p.address, &self.address);
        set(&mut p.status, &self.status);
        set(&mut p.away_destination, &self.away_destination);
        set(&mut p.guardianship, &self.guardianship);
        if self.treatment_place.is_some() {
            p.treatment_place = self.treatment_place;
        }
        if self.medication.is_some() {
            p.medication = self.medication;
        }
        if self.compliance.is_some() {
            p.compliance = self.compliance;
        }
        set(&mut p.flags.police_listed, &self.police_listed);
        set(&mut p.flags.incident_history, &self.incident_history);
        set(&mut p.flags.floating, &self.floating);
        set(&mut p.flags.vagrant, &self.vagrant);
        set(&mut p.flags.special_team, &self.special_team);
        set(&mut p.flags.ever_missing, &self.ever_missing);
        // 曾失访=是 on a patient who is 失访 now means an earlier episode; so does an episode
        // that this roster ends.
        if self.ever_missing == Some(true) && p.status == Status::Missing && !was_missing {
            p.earlier_missing = true;
        }
        if self.ever_missing == Some(true) && p.status != Status::Missing {
            p.earlier_missing = true;
        }
        if was_missing && p.status != Status::Missing {
            p.earlier_missing = true;
        }
        if p.status == Status::Missing {
            p.flags.ever_missing = true;
        }
        let was = existing.map(|e| e.status);
        if p.status == Status::Away {
            if self.away_since.is_some() {
                p.away_since = self.away_since;
            } else if was != Some(Status::Away) {
                // Left no later than the day the roster says so: away_long never fires early.
                p.away_since = Some(today);
            }
        } else {
            p.away_since = None;
            if p.status != Status::Away && self.away_destination.is_none() {
                p.away_destination.clear();
            }
        }
        if self.discharged_on.is_some() {
            p.discharged_on = self.discharged_on;
        } else if was == Some(Status::InHospital) && p.status != Status::InHospital {
            // Out of hospital by this roster: discharged no later than today.
            p.discharged_on = Some(today);
        }
        if self.last_followup.is_some() {
            p.last_followup = self.last_followup;
        }
        if self.last_visit.is_some() {
            p.last_visit = self.last_visit;
        }
        p
    }
}

/// Checks every row of `table`. Returns the rows that passed and the problems found; a
/// caller writes nothing if any problem is an error.
pub fn check(table: &Table, today: NaiveDate) -> (Vec<RosterRow>, Problems) {
    let (checker, mut problems) = Checker::new(&table.headers, table.header_row, today);
    let Some(mut checker) = checker else {
        return (Vec::new(), problems);
    };
    let (rows, found) = checker.batch(&table.rows);
    problems.append(found);
    (rows, problems)
}

/// Checks a roster a batch of rows at a time, so that an import can write each batch as it
/// is checked: the header once, each batch's rows spread over the cores, and ID numbers that
/// repeat found across the whole file, in file order.
pub struct Checker {
    map: ColumnMap,
    today: NaiveDate,
    /// Each ID number seen so far and its first row.
    seen: HashMap<IdNumber, usize>,
}

impl Checker {
    /// The header's problems, and a checker for the rows unless the header is unusable (a
    /// required column missing, a column twice).
    pub fn new(
        headers: &[String],
        header_row: usize,
        today: NaiveDate,
    ) -> (Option<Checker>, Problems) {
        let map = ColumnMap::new(headers);
        let mut problems = Problems::default();
        let header_row = header_row.max(1);
        let header_problem = |column: String, reason: Reason, level: Level| Problem {
            row: header_row,
            column: values::visible(&column),
            value: String::new(),
            reason,
            level,
        };
        for f in map.missing_required() {
            problems.push(header_problem(
                f.header().into(),
                Reason::MissingColumn,
                Level::Error,
            ));
        }
        for (_, h) in &map.unknown {
            problems.push(header_problem(
                h.clone(),
                Reason::UnknownColumn,
                Level::Warning,
            ));
        }
        for (_, h) in &map.duplicated {
            problems.push(header_problem(
                h.clone(),
                Reason::DuplicateColumn,
                Level::Error,
            ));
        }
        if problems.has_errors() {
            return (None, problems);
        }
        let checker = Checker {
            map,
            today,
            seen: HashMap::new(),
        };
        (Some(checker), problems)
    }

    /// Checks one batch of rows; returns those that passed and the problems found. Rows are
    /// checked independently, so the work is spread over the cores but one: the import's
    /// writer holds that one (on two cores the batch is checked here, with no thread to start
    /// and end for it).
    pub fn batch(&mut self, batch: &[(usize, Vec<Cell>)]) -> (Vec<RosterRow>, Problems) {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .saturating_sub(1)
            .clamp(1, 8);
        self.batch_on(batch, threads)
    }

    /// `batch` on up to `threads` threads (batches of a thousand rows or fewer on one): the
    /// same rows and problems on any number. Duplicates are found afterwards, in file order.
    pub fn batch_on(
        &mut self,
        batch: &[(usize, Vec<Cell>)],
        threads: usize,
    ) -> (Vec<RosterRow>, Problems) {
        let mut problems = Problems::default();
        let chunk = batch.len().div_ceil(threads).max(1000);
        let today = self.today;
        let map = &self.map;
        let check = |part: &[(usize, Vec<Cell>)]| {
            let mut ok = Vec::with_capacity(part.len());
            let mut found = Problems::default();
            for (line, cells) in part {
                let mut c = RowChecker {
                    map,
                    cells,
                    line: *line,
                    problems: Vec::new(),
                    tainted: Vec::new(),
                    birth: None,
                    today,
                };
                let row = c.row();
                for p in c.problems {
                    found.push(p);
                }
                if let Some(row) = row {
                    ok.push(row);
                }
            }
            (ok, found)
        };
        let checked: Vec<(Vec<RosterRow>, Problems)> = if batch.len() <= chunk {
            vec![check(batch)]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = batch
                    .chunks(chunk)
                    .map(|part| scope.spawn(move || check(part)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("row checking does not panic"))
                    .collect()
            })
        };
        let mut rows = Vec::with_capacity(batch.len());
        for (ok, found) in checked {
            problems.append(found);
            for row in ok {
                if let Some(first) = self.seen.get(&row.id_number) {
                    problems.push(Problem {
                        row: row.line,
                        column: Field::IdNumber.header().into(),
                        value: row.id_number.to_string(),
                        reason: Reason::DuplicateId { first_row: *first },
                        level: Level::Error,
                    });
                    continue;
                }
                self.seen.insert(row.id_number.clone(), row.line);
                rows.push(row);
            }
        }
        (rows, problems)
    }
}

struct RowChecker<'a> {
    map: &'a ColumnMap,
    cells: &'a [Cell],
    line: usize,
    problems: Vec<Problem>,
    /// Fields already refused for what their text holds; read as absent from then on, so one
    /// bad cell gives one problem.
    tainted: Vec<Field>,
    /// From the ID number, once it is read: no date of the patient's can be before it.
    birth: Option<NaiveDate>,
    today: NaiveDate,
}

impl RowChecker<'_> {
    fn cell(&self, f: Field) -> Option<&Cell> {
        if self.tainted.contains(&f) {
            return None;
        }
        self.map
            .position(f)
            .and_then(|i| self.cells.get(i))
            .filter(|c| !c.is_blank())
    }

    /// Refuses, before any field is read, what no field may hold: control characters and
    /// escapes, text longer than the field takes, and phone numbers that cannot be dialled.
    fn screen(&mut self) {
        for &(f, _) in &self.map.positions {
            let Some(cell) = self.cell(f) else {
                continue;
            };
            let v = values::text(cell);
            let reason = if let Some(c) = values::forbidden_char(&v) {
                Some(Reason::ControlCharacter(c))
            } else if let Some(max) = max_chars(f)
                && v.chars().count() > max
            {
                Some(Reason::TooLong {
                    max,
                    length: v.chars().count(),
                })
            } else if matches!(f, Field::Phone | Field::MemberPhone(_)) {
                phone::check(&v).err().map(Reason::BadPhone)
            } else {
                None
            };
            if let Some(reason) = reason {
                self.error(f, v, reason);
                self.tainted.push(f);
            }
        }
    }

    /// A required field the file left blank; one already refused for its text is not
    /// reported twice.
    fn missing(&mut self, f: Field) {
        if !self.tainted.contains(&f) {
            self.error(f, String::new(), Reason::Required);
        }
    }

    fn raw(&self, f: Field) -> String {
        self.cell(f).map(values::text).unwrap_or_default()
    }

    fn push(&mut self, f: Field, value: String, reason: Reason, level: Level) {
        let column = self
            .map
            .position(f)
            .map(|_| f.header().to_string())
            .unwrap_or_else(|| f.header().to_string());
        self.problems.push(Problem {
            row: self.line,
            column,
            value: values::visible(&value),
            reason,
            level,
        });
    }

    fn error(&mut self, f: Field, value: String, reason: Reason) {
        self.push(f, value, reason, Level::Error);
    }

    fn required_text(&mut self, f: Field) -> Option<String> {
        let v = self.raw(f);
        if v.is_empty() {
            self.missing(f);
            None
        } else {
            Some(v)
        }
    }

    fn optional_text(&self, f: Field) -> Option<String> {
        self.cell(f).map(values::text)
    }

    fn vocab<T: Vocabulary>(&mut self, f: Field, reason: Reason) -> Option<Option<T>> {
        let Some(cell) = self.cell(f) else {
            return Some(None);
        };
        let v = values::text(cell);
        match T::parse_zh(&v) {
            Some(t) => Some(Some(t)),
            None => {
                self.error(f, v, reason);
                None
            }
        }
    }

    fn required_vocab<T: Vocabulary>(&mut self, f: Field, reason: Reason) -> Option<T> {
        match self.vocab(f, reason) {
            Some(Some(t)) => Some(t),
            Some(None) => {
                self.missing(f);
                None
            }
            None => None,
        }
    }

    fn level(&mut self, f: Field) -> Option<Option<RiskLevel>> {
        let Some(cell) = self.cell(f) else {
            return Some(None);
        };
        let v = values::text(cell);
        match RiskLevel::parse(&v) {
            Some(l) => Some(Some(l)),
            None => {
                self.error(f, v, Reason::UnknownLevel);
                None
            }
        }
    }

    fn date(&mut self, f: Field) -> Option<Option<NaiveDate>> {
        let Some(cell) = self.cell(f) else {
            return Some(None);
        };
        // The cell as written, for a problem's report (most dates have none).
        let v = || cell.text();
        match values::date_checked(cell) {
            Ok(d) if d > self.today => {
                self.error(f, v(), Reason::FutureDate);
                None
            }
            Ok(d) if self.birth.is_some_and(|b| d < b) => {
                let birth = self.birth.unwrap_or(d);
                self.error(f, v(), Reason::DateBeforeBirth { birth });
                None
            }
            Ok(d) => Some(Some(d)),
            Err(DateProblem::SerialNumber(as_date)) => {
                self.error(f, v(), Reason::SerialNumberDate { as_date });
                None
            }
            Err(DateProblem::Unreadable) => {
                self.error(f, v(), Reason::BadDate);
                None
            }
        }
    }

    fn flag(&mut self, f: Field) -> Option<Option<bool>> {
        let Some(cell) = self.cell(f) else {
            return Some(None);
        };
        match values::flag(cell) {
            Some(b) => Some(Some(b)),
            None => {
                let v = values::text(cell);
                self.error(f, v, Reason::BadFlag);
                None
            }
        }
    }

    /// Checks every field even after an error, so one pass reports all of a row's problems.
    fn row(&mut self) -> Option<RosterRow> {
        self.screen();
        let name = self.required_text(Field::Name);
        let id_number = match self.required_text(Field::IdNumber) {
            Some(raw) => match IdNumber::parse_as_of(&raw, self.today) {
                Ok(id) => {
                    self.birth = Some(id.birth_date());
                    Some(id)
                }
                Err(e) => {
                    self.error(Field::IdNumber, raw, Reason::IdNumber(e));
                    None
                }
            },
            None => None,
        };
        let gender = self.vocab::<Gender>(Field::Gender, Reason::UnknownGender);
        if let (Some(id), Some(Some(g))) = (&id_number, gender)
            && id.gender() != g
        {
            let v = self.raw(Field::Gender);
            self.error(
                Field::Gender,
                v,
                Reason::GenderMismatch {
                    from_id: id.gender(),
                },
            );
        }
        let diagnosis =
            self.required_vocab::<Diagnosis>(Field::Diagnosis, Reason::UnknownDiagnosis);
        let risk_level = match self.level(Field::RiskLevel) {
            Some(Some(l)) => Some(l),
            Some(None) => {
                self.missing(Field::RiskLevel);
                None
            }
            None => None,
        };
        let risk_highest = self.level(Field::RiskHighest);
        if let (Some(now), Some(Some(ever))) = (risk_level, risk_highest)
            && ever < now
        {
            let v = self.raw(Field::RiskHighest);
            self.error(Field::RiskHighest, v, Reason::HighestBelowCurrent);
        }
        let condition =
            self.required_vocab::<Condition>(Field::Condition, Reason::UnknownCondition);
        let status = self.vocab::<Status>(Field::Status, Reason::UnknownStatus);
        let guardianship =
            self.vocab::<Guardianship>(Field::Guardianship, Reason::UnknownGuardianship);
        let township = self.required_text(Field::Township);
        let village = self.required_text(Field::Village);
        let station = self.required_text(Field::Station);
        let last_followup = self.date(Field::LastFollowUp);
        let last_visit = self.date(Field::LastVisit);
        let away_since = self.date(Field::AwayDate);
        let discharged_on = self.date(Field::DischargeDate);
        if let Some(Some(Status::Away)) = status {
            if self.optional_text(Field::AwayDestination).is_none() {
                self.push(
                    Field::AwayDestination,
                    String::new(),
                    Reason::AwayWithoutDestination,
                    Level::Warning,
                );
            }
            // A roster that keeps departure dates must give one; older ledgers without the
            // column are not blamed row by row.
            if let (Some(None), Some(_)) = (away_since, self.map.position(Field::AwayDate)) {
                self.push(
                    Field::AwayDate,
                    String::new(),
                    Reason::AwayWithoutDate,
                    Level::Warning,
                );
            }
        }
        let treatment_place =
            self.vocab::<TreatmentPlace>(Field::TreatmentPlace, Reason::UnknownTreatment);
        let medication = self.vocab::<Medication>(Field::Medication, Reason::UnknownMedication);
        let compliance = self.vocab::<Compliance>(Field::Compliance, Reason::UnknownCompliance);
        let police_listed = self.flag(Field::PoliceListed);
        let incident_history = self.flag(Field::IncidentHistory);
        let floating = self.flag(Field::Floating);
        let vagrant = self.flag(Field::Vagrant);
        let special_team = self.flag(Field::SpecialTeam);
        let ever_missing = self.flag(Field::EverMissing);
        let mut members = Vec::new();
        for role in <Role as Vocabulary>::ALL {
            let name = self
                .optional_text(Field::MemberName(*role))
                .unwrap_or_default();
            let phone = self
                .optional_text(Field::MemberPhone(*role))
                .unwrap_or_default();
            if name.is_empty() {
                if !phone.is_empty() {
                    self.push(
                        Field::MemberPhone(*role),
                        phone,
                        Reason::PhoneWithoutName,
                        Level::Warning,
                    );
                }
                continue;
            }
            members.push(MemberCell {
                role: *role,
                name,
                phone,
            });
        }
        if let (Some(r), Some(c)) = (risk_level, condition) {
            let contradicts = (r.is_high() && c != Condition::Unstable)
                || (r.value() > 0 && c == Condition::Stable);
            if contradicts {
                let v = format!("{} / {}", r.value(), c.zh());
                self.push(
                    Field::Condition,
                    v,
                    Reason::RiskConditionMismatch {
                        risk: r.value(),
                        condition: c,
                    },
                    Level::Warning,
                );
            }
        }
        let has_error = self.problems.iter().any(|p| p.level == Level::Error);
        if has_error {
            return None;
        }
        Some(RosterRow {
            line: self.line,
            id_number: id_number?,
            name: name?,
            gender: gender?,
            phone: self.optional_text(Field::Phone),
            address: self.optional_text(Field::Address),
            jurisdiction: Jurisdiction {
                township: township?,
                village: village?,
                station: station?,
            },
            diagnosis: diagnosis?,
            risk_level: risk_level?,
            risk_highest: risk_highest?,
            condition: condition?,
            status: status?,
            away_destination: self.optional_text(Field::AwayDestination),
            away_since: away_since?,
            discharged_on: discharged_on?,
            guardianship: guardianship?,
            treatment_place: treatment_place?,
            medication: medication?,
            compliance: compliance?,
            police_listed: police_listed?,
            incident_history: incident_history?,
            floating: floating?,
            vagrant: vagrant?,
            special_team: special_team?,
            ever_missing: ever_missing?,
            last_followup: last_followup?,
            last_visit: last_visit?,
            members,
        })
    }
}
