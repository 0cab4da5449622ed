//! Resident ID numbers (公民身份号码, GB 11643-1999): 18 characters, a checksum, a birth date and
//! a sequence digit whose parity gives the gender. Also the masking used in every list.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::vocabulary::{Vocabulary, vocabulary};

vocabulary!(Gender {
    Male => "male", "男", ["男性"];
    Female => "female", "女", ["女性"];
});

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A validated ID number. The only way to get one is `IdNumber::parse`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

/// Why a string is not a valid ID number; each maps to a sentence in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdNumberError {
    WrongLength(usize),
    BadCharacter { position: usize, found: char },
    BadBirthDate(String),
    BirthDateInFuture(NaiveDate),
    BadChecksum { expected: char, found: char },
}

impl IdNumber {
    /// Accepts surrounding spaces, full-width digits and a lower-case `x`, as rosters carry them.
    pub fn parse(raw: &str) -> Result<Self, IdNumberError> {
        let raw = raw.trim();
        // Every stored number and most roster cells are already 18 plain ASCII characters:
        // they are checked as they are, without rewriting them character by character.
        let s: String = if raw.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
            raw.to_owned()
        } else {
            raw.chars()
                .map(|c| match c {
                    '０'..='９' => {
                        char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
                    }
                    'x' | 'Ｘ' | 'ｘ' => 'X',
                    other => other,
                })
                .collect()
        };
        let len = s.chars().count();
        if len != 18 {
            return Err(IdNumberError::WrongLength(len));
        }
        for (i, c) in s.chars().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && c == 'X');
            if !ok {
                return Err(IdNumberError::BadCharacter {
                    position: i + 1,
                    found: c,
                });
            }
        }
        // All 18 are ASCII from here on.
        let birth = &s[6..14];
        match birth_of(birth) {
            Some(date) if date.year() >= 1900 => {}
            _ => return Err(IdNumberError::BadBirthDate(birth.to_string())),
        }
        let expected = check_char(&s[..17]);
        let found = s.as_bytes()[17] as char;
        if found != expected {
            return Err(IdNumberError::BadChecksum { expected, found });
        }
        Ok(IdNumber(s))
    }

    /// Like `parse`, and also refuses a birth date after `today`.
    pub fn parse_as_of(raw: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let id = Self::parse(raw)?;
        let birth = id.birth_date();
        if birth > today {
            return Err(IdNumberError::BirthDateInFuture(birth));
        }
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_of(&self.0[6..14]).expect("validated on parse")
    }

    /// The 17th character: odd for men, even for women.
    pub fn gender(&self) -> Gender {
        let d = self.0.as_bytes()[16] - b'0';
        if d % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// `420102********1234`: region kept, birth date and sequence hidden, last four kept.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }
}

/// The checksum character for the first 17 digits.
/// The date in eight ASCII digits `YYYYMMDD`, if it is one.
fn birth_of(digits: &str) -> Option<NaiveDate> {
    let b = digits.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n =
        |r: std::ops::Range<usize>| b[r].iter().fold(0_u32, |v, d| v * 10 + u32::from(d - b'0'));
    NaiveDate::from_ymd_opt(n(0..4) as i32, n(4..6), n(6..8))
}

pub fn check_char(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// An ID number as text, masked: a valid one as `masked`, anything else all stars.
pub fn mask_id_text(id: &str) -> String {
    IdNumber::parse(id)
        .map(|i| i.masked())
        .unwrap_or_else(|_| "*".repeat(id.chars().count().min(18)))
}

/// `138****5678`; short or odd numbers keep only their last two characters.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        n if n >= 11 => {
            let head: String = chars[..3].iter().collect();
            let tail: String = chars[n - 4..].iter().collect();
            format!("{head}****{tail}")
        }
        n if n > 2 => {
            let tail: String = chars[n - 2..].iter().collect();
            format!("{}{tail}", "*".repeat(n - 2))
        }
        _ => "*".repeat(chars.len()),
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IdNumber::parse(&s).map_err(|e| format!("{e:?}"))
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17))
    }

    #[test]
    fn checksum_follows_gb11643_weights_mod_11() {
        // The standard's worked example: 11010519491231002X.
        assert_eq!(check_char("11010519491231002"), 'X');
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert_eq!(check_char("44052418800101001"), '4');
    }

    #[test]
    fn wrong_checksum_is_refused_with_expected_character() {
        let err = IdNumber::parse("110105194912310021").unwrap_err();
        assert_eq!(
            err,
            IdNumberError::BadChecksum {
                expected: 'X',
                found: '1'
            }
        );
    }

    #[test]
    fn wrong_length_and_bad_characters_are_refused() {
        assert_eq!(
            IdNumber::parse("1234").unwrap_err(),
            IdNumberError::WrongLength(4)
        );
        assert!(matches!(
            IdNumber::parse("11010519491231A02X").unwrap_err(),
            IdNumberError::BadCharacter {
                position: 15,
                found: 'A'
            }
        ));
    }

    #[test]
    fn impossible_birth_date_is_refused() {
        let id = with_check("42010219900230123");
        assert_eq!(
            IdNumber::parse(&id).unwrap_err(),
            IdNumberError::BadBirthDate("19900230".into())
        );
    }

    #[test]
    fn birth_date_after_today_is_refused() {
        let id = with_check("42010220300101123");
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert!(matches!(
            IdNumber::parse_as_of(&id, today).unwrap_err(),
            IdNumberError::BirthDateInFuture(_)
        ));
    }

    #[test]
    fn gender_comes_from_parity_of_seventeenth_digit() {
        let man = IdNumber::parse(&with_check("42010219800101123")).unwrap();
        let woman = IdNumber::parse(&with_check("42010219800101124")).unwrap();
        assert_eq!(man.gender(), Gender::Male);
        assert_eq!(woman.gender(), Gender::Female);
        assert_eq!(
            man.birth_date(),
            NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()
        );
    }

    #[test]
    fn a_birth_year_before_1900_is_refused() {
        let old = with_check("42010218991231123");
        assert_eq!(
            IdNumber::parse(&old),
            Err(IdNumberError::BadBirthDate("18991231".into()))
        );
        assert!(IdNumber::parse(&with_check("42010219000101123")).is_ok());
    }

    #[test]
    fn full_width_digits_spaces_and_lower_x_are_accepted() {
        let id = IdNumber::parse(" １１０１０５１９４９１２３１００２x ").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn id_numbers_and_phones_are_masked_in_lists() {
        let id = IdNumber::parse(&with_check("42010219800101123")).unwrap();
        assert_eq!(
            id.masked(),
            format!("420102********123{}", &id.as_str()[17..])
        );
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("027-8888"), "******88");
    }
}
