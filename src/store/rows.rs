//! Mapping between domain values and their columns. Enums are stored by their stable codes.

use chrono::NaiveDate;
use rusqlite::Row;

use crate::domain::id_number::IdNumber;
use crate::domain::patient::*;
use crate::domain::risk::RiskLevel;

pub const PATIENT_COLUMNS: &str = "id, id_number, name, gender, phone, address, township, \
    village, station, diagnosis, risk_level, risk_highest, condition, guardianship, status, \
    away_destination, treatment_place, medication, compliance, police_listed, incident_history, \
    floating, vagrant, special_team, ever_missing, last_followup, last_visit, registered_on, \
    basic_stable_streak, not_reached_streak, relapses, away_since, discharged_on, earlier_missing, \
    reassess_since";

fn bad(col: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        format!("unknown value for {what}").into(),
    )
}

// Codes and dates are read in place (`get_ref`): a register is read row by row, and a
// string allocated for each of them would be thrown away at once.

fn vocab<T: Vocabulary>(r: &Row, col: usize, what: &str) -> rusqlite::Result<T> {
    opt_vocab(r, col, what)?.ok_or_else(|| bad(col, what))
}

fn opt_vocab<T: Vocabulary>(r: &Row, col: usize, what: &str) -> rusqlite::Result<Option<T>> {
    match r.get_ref(col)?.as_str_or_null()? {
        None => Ok(None),
        Some(c) => T::from_code(c).map(Some).ok_or_else(|| bad(col, what)),
    }
}

fn date(r: &Row, col: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get_ref(col)?.as_str_or_null()? {
        None => Ok(None),
        Some(s) => parse_date(s).map(Some).ok_or_else(|| bad(col, "date")),
    }
}

/// A stored `YYYY-MM-DD`, read without chrono's general format parser.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0_u32, |v, d| {
            d.is_ascii_digit().then(|| v * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        // Anything else a hand-edited database might hold gets the general parser.
        return s.parse().ok();
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

fn risk(r: &Row, col: usize) -> rusqlite::Result<RiskLevel> {
    let v: u8 = r.get(col)?;
    RiskLevel::new(v).ok_or_else(|| bad(col, "risk level"))
}

/// Reads a row selected with `PATIENT_COLUMNS`.
pub fn patient(r: &Row) -> rusqlite::Result<Patient> {
    let id_text: String = r.get(1)?;
    Ok(Patient {
        id: r.get(0)?,
        id_number: IdNumber::parse(&id_text).map_err(|_| bad(1, "id number"))?,
        name: r.get(2)?,
        gender: vocab(r, 3, "gender")?,
        phone: r.get(4)?,
        address: r.get(5)?,
        jurisdiction: Jurisdiction {
            township: r.get(6)?,
            village: r.get(7)?,
            station: r.get(8)?,
        },
        diagnosis: vocab(r, 9, "diagnosis")?,
        risk_level: risk(r, 10)?,
        risk_highest: risk(r, 11)?,
        condition: vocab(r, 12, "condition")?,
        guardianship: vocab(r, 13, "guardianship")?,
        status: vocab(r, 14, "status")?,
        away_destination: r.get(15)?,
        treatment_place: opt_vocab(r, 16, "treatment")?,
        medication: opt_vocab(r, 17, "medication")?,
        compliance: opt_vocab(r, 18, "compliance")?,
        flags: PatientFlags {
            police_listed: r.get(19)?,
            incident_history: r.get(20)?,
            floating: r.get(21)?,
            vagrant: r.get(22)?,
            special_team: r.get(23)?,
            ever_missing: r.get(24)?,
        },
        last_followup: date(r, 25)?,
        last_visit: date(r, 26)?,
        registered_on: date(r, 27)?.ok_or_else(|| bad(27, "registered_on"))?,
        basic_stable_streak: r.get(28)?,
        not_reached_streak: r.get(29)?,
        relapses: r.get(30)?,
        away_since: date(r, 31)?,
        discharged_on: date(r, 32)?,
        earlier_missing: r.get(33)?,
        reassess_since: date(r, 34)?,
    })
}

pub fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use chrono::NaiveDate;

    #[test]
    fn stored_dates_read_as_the_general_parser_reads_them() {
        for s in [
            "2026-11-23",
            "2024-02-29",
            "2023-02-29",
            "2026-13-01",
            "2026-1-05",
            "20261123",
            "abcd-ef-gh",
            "+2026-11-23",
            "",
        ] {
            assert_eq!(parse_date(s), s.parse::<NaiveDate>().ok(), "{s:?}");
        }
    }
}
