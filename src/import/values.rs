//! Reading one cell as the value its column wants, the way rosters really write them:
//! `2025/3/5`, `2025年3月5日`, Excel date cells, full-width digits, `三级`, 是/否.

use chrono::NaiveDate;
use std::borrow::Cow;

use super::table::Cell;

/// Full-width ASCII (as Chinese input methods type it) to ASCII, ideographic space to space,
/// then trimmed.
pub fn normalize(s: &str) -> String {
    // Most cells hold neither (a roster has millions of them): trimmed without a second copy.
    if s.chars().all(|c| narrow(c) == c) {
        return s.trim().to_string();
    }
    s.chars().map(narrow).collect::<String>().trim().to_string()
}

/// A full-width ASCII character as ASCII, the ideographic space as a space, any other as is.
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        other => other,
    }
}

/// Excel's day zero for serial dates (1900 system, after its leap-year bug).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// Why a date cell was not read as a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    Unreadable,
    /// Digits that are an Excel serial date (the number of days since 1899-12-30) written as
    /// text, as a CSV saved from a date column without its format has them: what date it would
    /// be is shown, but a bare count of days is too easily a typo to take.
    SerialNumber(NaiveDate),
}

/// The date a cell holds, if it holds one.
pub fn date(cell: &Cell) -> Option<NaiveDate> {
    date_checked(cell).ok()
}

/// The date a cell holds, or why it holds none.
pub fn date_checked(cell: &Cell) -> Result<NaiveDate, DateProblem> {
    match cell {
        Cell::Date(d) => Ok(*d),
        // 20250305 typed as a number is a date written without separators.
        Cell::Number(n) if (19_000_101.0..=99_991_231.0).contains(n) && n.fract() == 0.0 => {
            NaiveDate::parse_from_str(&format!("{}", *n as i64), "%Y%m%d")
                .map_err(|_| DateProblem::Unreadable)
        }
        // Otherwise a number in a workbook's date column is an Excel serial date whose cell
        // lost its date format.
        Cell::Number(n) if (1.0..2_958_466.0).contains(n) => excel_epoch()
            .checked_add_days(chrono::Days::new(n.trunc() as u64))
            .ok_or(DateProblem::Unreadable),
        Cell::Text(s) => date_text(s),
        _ => Err(DateProblem::Unreadable),
    }
}

fn date_text(raw: &str) -> Result<NaiveDate, DateProblem> {
    let s = normalize(raw);
    // Five digits are the serial numbers of the years 1927 to 2173.
    if s.len() == 5 && s.chars().all(|c| c.is_ascii_digit()) {
        let n: u64 = s.parse().unwrap_or(0);
        return Err(DateProblem::SerialNumber(
            excel_epoch() + chrono::Days::new(n),
        ));
    }
    date_words(&s).ok_or(DateProblem::Unreadable)
}

/// The date `s` (normalized) writes in words or digits.
fn date_words(s: &str) -> Option<NaiveDate> {
    // A time part after the date ("2025-03-05 00:00:00", "2025-03-05T08:00") is dropped.
    let s = s.split([' ', 'T']).next().unwrap_or("");
    let s = s.trim_end_matches('日');
    let unified: String = s
        .chars()
        .map(|c| {
            if matches!(c, '年' | '月' | '/' | '.') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let parts: Vec<&str> = unified.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => {
            NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        [one] if one.len() == 8 => NaiveDate::parse_from_str(one, "%Y%m%d").ok(),
        _ => None,
    }
}

/// The first character that has no place in roster text: C0 and C1 control characters (the
/// escape that starts terminal sequences, NUL, line breaks inside a cell, DEL), bidirectional
/// overrides, embeddings and isolates that make text display in another order than stored, and
/// line/paragraph separators.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|c| {
        c.is_control()
            || matches!(
                c,
                '\u{061C}'
                    | '\u{200E}'
                    | '\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{2028}'
                    | '\u{2029}'
            )
    })
}

/// Text safe to print on a terminal in a message about it: forbidden characters written as
/// `<U+001B>`, and anything past 40 characters cut, with the full length said.
pub fn visible(s: &str) -> String {
    const SHOWN: usize = 40;
    let mut out = String::new();
    for c in s.chars().take(SHOWN) {
        if forbidden_char(c.encode_utf8(&mut [0; 4])).is_some() {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    let n = s.chars().count();
    if n > SHOWN {
        out.push_str(&format!("…({n})"));
    }
    out
}

/// 是/否 and the other ways a yes/no is written; `None` for anything else.
pub fn flag(cell: &Cell) -> Option<bool> {
    match normalize(&cell_text(cell)).to_ascii_lowercase().as_str() {
        "是" | "有" | "y" | "yes" | "true" | "1" | "√" | "✓" => Some(true),
        "否" | "无" | "n" | "no" | "false" | "0" | "×" | "" => Some(false),
        _ => None,
    }
}

/// Text as stored: normalized, with Excel's `13800000000.0` turned back into digits.
pub fn text(cell: &Cell) -> String {
    normalize(&cell_text(cell))
}

/// A cell's text, borrowed when it is text already.
fn cell_text(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Text(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn dates_are_accepted_in_every_roster_form() {
        let t = |s: &str| date(&Cell::Text(s.into()));
        assert_eq!(t("2025-03-05"), Some(d("2025-03-05")));
        assert_eq!(t("2025/3/5"), Some(d("2025-03-05")));
        assert_eq!(t("2025年3月5日"), Some(d("2025-03-05")));
        assert_eq!(t(" ２０２５年３月５日 "), Some(d("2025-03-05")));
        assert_eq!(t("2025.03.05"), Some(d("2025-03-05")));
        assert_eq!(t("20250305"), Some(d("2025-03-05")));
        assert_eq!(t("2025-03-05 00:00:00"), Some(d("2025-03-05")));
        assert_eq!(t("2025-02-30"), None);
        assert_eq!(t("昨天"), None);
    }

    #[test]
    fn an_excel_serial_number_written_as_text_is_refused_with_the_date_it_would_be() {
        assert_eq!(
            date_checked(&Cell::Text("45721".into())),
            Err(DateProblem::SerialNumber(d("2025-03-05")))
        );
        assert_eq!(
            date_checked(&Cell::Text("2025".into())),
            Err(DateProblem::Unreadable)
        );
    }

    #[test]
    fn excel_date_cells_and_workbook_numbers_are_dates() {
        assert_eq!(date(&Cell::Date(d("2025-03-05"))), Some(d("2025-03-05")));
        assert_eq!(date(&Cell::Number(45721.0)), Some(d("2025-03-05")));
        assert_eq!(date(&Cell::Number(20250305.0)), Some(d("2025-03-05")));
    }

    #[test]
    fn control_characters_escapes_and_bidi_overrides_are_found() {
        assert_eq!(forbidden_char("李\u{1b}[2J红"), Some('\u{1b}'));
        assert_eq!(forbidden_char("a\0b"), Some('\0'));
        assert_eq!(forbidden_char("一\n二"), Some('\n'));
        assert_eq!(forbidden_char("x\u{9b}y"), Some('\u{9b}'));
        assert_eq!(forbidden_char("abc\u{202E}def"), Some('\u{202E}'));
        assert_eq!(forbidden_char("\u{2067}x"), Some('\u{2067}'));
        assert_eq!(forbidden_char("阿依古丽·买买提"), None);
        assert_eq!(forbidden_char("𠀀𪚥"), None);
    }

    #[test]
    fn problem_values_are_shown_without_their_escapes_and_cut() {
        assert_eq!(
            visible("李\u{1b}]0;PWNED\u{7}红"),
            "李<U+001B>]0;PWNED<U+0007>红"
        );
        let long = "名".repeat(1000);
        let v = visible(&long);
        assert!(v.ends_with("…(1000)"));
        assert_eq!(v.chars().filter(|c| *c == '名').count(), 40);
    }

    #[test]
    fn yes_no_flags_are_read() {
        assert_eq!(flag(&Cell::Text("是".into())), Some(true));
        assert_eq!(flag(&Cell::Text(" 否 ".into())), Some(false));
        assert_eq!(flag(&Cell::Empty), Some(false));
        assert_eq!(flag(&Cell::Text("也许".into())), None);
    }

    #[test]
    fn full_width_text_is_normalized() {
        assert_eq!(normalize("　１３８０００００００１ "), "13800000001");
        // Text with no full-width character is only trimmed; with one, it is read as ASCII.
        assert_eq!(normalize(" 王五\t"), "王五");
        assert_eq!(normalize("王五"), "王五");
        assert_eq!(normalize("张\u{3000}三（１）"), "张 三(1)");
        assert_eq!(text(&Cell::Number(13800000001.0)), "13800000001");
    }
}
