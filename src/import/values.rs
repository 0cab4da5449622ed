//! Reading one cell as the value its column wants, the way rosters really write them:
//! `2025/3/5`, `2025年3月5日`, Excel date cells, full-width digits, `三级`, 是/否.

use chrono::NaiveDate;

use super::table::Cell;

/// Full-width ASCII (as Chinese input methods type it) to ASCII, ideographic space to space,
/// then trimmed.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Excel's day zero for serial dates (1900 system, after its leap-year bug).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

pub fn date(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => Some(*d),
        // 20250305 typed as a number is a date written without separators.
        Cell::Number(n) if (19_000_101.0..=99_991_231.0).contains(n) && n.fract() == 0.0 => {
            NaiveDate::parse_from_str(&format!("{}", *n as i64), "%Y%m%d").ok()
        }
        // Otherwise a number in a date column is an Excel serial date.
        Cell::Number(n) if (1.0..2_958_466.0).contains(n) => {
            excel_epoch().checked_add_days(chrono::Days::new(n.trunc() as u64))
        }
        Cell::Text(s) => date_text(s),
        _ => None,
    }
}

fn date_text(raw: &str) -> Option<NaiveDate> {
    let s = normalize(raw);
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
        [one] if !one.is_empty() && one.chars().all(|c| c.is_ascii_digit()) => {
            // An Excel serial number that arrived as text (CSV exported from a date column).
            let n: u64 = one.parse().ok()?;
            (20_000..80_000)
                .contains(&n)
                .then(|| excel_epoch() + chrono::Days::new(n))
        }
        _ => None,
    }
}

/// 是/否 and the other ways a yes/no is written; `None` for anything else.
pub fn flag(cell: &Cell) -> Option<bool> {
    match normalize(&cell.text()).to_ascii_lowercase().as_str() {
        "是" | "有" | "y" | "yes" | "true" | "1" | "√" | "✓" => Some(true),
        "否" | "无" | "n" | "no" | "false" | "0" | "×" | "" => Some(false),
        _ => None,
    }
}

/// Text as stored: normalized, with Excel's `13800000000.0` turned back into digits.
pub fn text(cell: &Cell) -> String {
    normalize(&cell.text())
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
        assert_eq!(t("45721"), Some(d("2025-03-05")));
        assert_eq!(t("2025-02-30"), None);
        assert_eq!(t("昨天"), None);
    }

    #[test]
    fn excel_date_cells_and_serial_numbers_are_dates() {
        assert_eq!(date(&Cell::Date(d("2025-03-05"))), Some(d("2025-03-05")));
        assert_eq!(date(&Cell::Number(45721.0)), Some(d("2025-03-05")));
        assert_eq!(date(&Cell::Number(20250305.0)), Some(d("2025-03-05")));
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
        assert_eq!(text(&Cell::Number(13800000001.0)), "13800000001");
    }
}
