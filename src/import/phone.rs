//! Whether a roster's phone cell is a Chinese phone number: a mobile (11 digits starting with
//! a 1) or a landline with its area code (starting with a 0, 10 to 12 digits), optionally
//! after the country code, with spaces, hyphens or brackets between groups; several numbers
//! may be separated by a slash, `、`, `;` or `，`. A number that cannot be called at night is
//! worse than none.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneProblem {
    /// A character that is no part of a phone number.
    BadCharacter(char),
    /// Starts with 1 like a mobile, but has this many digits instead of 11.
    MobileLength(usize),
    /// Starts with 0 like a landline, but has this many digits instead of 10 to 12.
    LandlineLength(usize),
    /// Seven or eight digits: a local number without its area code.
    NoAreaCode,
    /// Neither a mobile nor a landline.
    NotAPhone,
}

/// Checks every number in the cell; the first problem found is returned.
pub fn check(raw: &str) -> Result<(), PhoneProblem> {
    for part in raw
        .split(['/', '、', ';', '；', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        check_one(part)?;
    }
    Ok(())
}

fn check_one(raw: &str) -> Result<(), PhoneProblem> {
    // An extension after the number ("转 123", "ext 123") is not dialled first.
    let base = ["转", "分机", "ext", "EXT", "Ext"]
        .iter()
        .filter_map(|m| raw.find(m))
        .min()
        .map(|i| &raw[..i])
        .unwrap_or(raw);
    let base = base.trim();
    let base = base
        .strip_prefix("+86")
        .or_else(|| base.strip_prefix("(+86)"))
        .or_else(|| base.strip_prefix("（+86）"))
        .unwrap_or(base);
    let mut digits = String::with_capacity(base.len());
    for c in base.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '（' | '）' => {}
            other => return Err(PhoneProblem::BadCharacter(other)),
        }
    }
    let n = digits.len();
    match digits.chars().next() {
        Some('1') if n == 11 => Ok(()),
        Some('1') => Err(PhoneProblem::MobileLength(n)),
        Some('0') if (10..=12).contains(&n) => Ok(()),
        Some('0') => Err(PhoneProblem::LandlineLength(n)),
        Some(_) if n == 7 || n == 8 => Err(PhoneProblem::NoAreaCode),
        _ => Err(PhoneProblem::NotAPhone),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines_with_area_code_are_phones() {
        for ok in [
            "13800000001",
            "138 0000 0001",
            "138-0000-0001",
            "+86 13800000001",
            "010-12345678",
            "0731-1234567",
            "(0731)12345678",
            "0731-12345678转123",
            "13800000001/0731-1234567",
            "13800000001、13800000002",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn a_phone_says_what_is_wrong_with_it() {
        assert_eq!(check("1380000001"), Err(PhoneProblem::MobileLength(10)));
        assert_eq!(check("138000000012"), Err(PhoneProblem::MobileLength(12)));
        assert_eq!(check("073112"), Err(PhoneProblem::LandlineLength(6)));
        assert_eq!(check("12345678").map_err(|_| ()), Err(()));
        assert_eq!(check("85123456"), Err(PhoneProblem::NoAreaCode));
        assert_eq!(check("无"), Err(PhoneProblem::BadCharacter('无')));
        assert_eq!(check("138o0000001"), Err(PhoneProblem::BadCharacter('o')));
        assert_eq!(check("999"), Err(PhoneProblem::NotAPhone));
        assert_eq!(
            check("13800000001/1380"),
            Err(PhoneProblem::MobileLength(4))
        );
    }
}
