//! Writing plain tables out: CSV in UTF-8 with a BOM (so Excel in China opens Chinese text
//! correctly) and xlsx with a bold header row. CSV cells that a spreadsheet would run as a
//! formula are neutralised; files are created through `files` (0600, never over a link or a
//! database).

use rust_xlsxwriter::{Format, Workbook};
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use crate::files::{self, Existing, FileError};

/// A sheet of text cells with its header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A cell as a spreadsheet may safely read it: text starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be taken as a formula (`=cmd|' /C calc'!A0` runs a program in
/// Excel), so it gets a leading `'`, which the spreadsheet shows as text.
pub fn csv_safe(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

pub fn write_csv(sheet: &Sheet, out: impl Write) -> std::io::Result<()> {
    let mut out = out;
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(sheet.headers.iter().map(|c| csv_safe(c).into_owned()))?;
    for r in &sheet.rows {
        w.write_record(r.iter().map(|c| csv_safe(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_csv_file(sheet: &Sheet, path: &Path, existing: Existing) -> Result<(), FileError> {
    files::write_private(path, existing, |f| {
        write_csv(sheet, std::io::BufWriter::new(f)).map_err(|e| e.to_string())
    })
}

pub fn write_xlsx_file(sheet: &Sheet, path: &Path, existing: Existing) -> Result<(), FileError> {
    let mut book = xlsx_book(sheet).map_err(|e| FileError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    save_xlsx(&mut book, path, existing)
}

/// Saves a workbook through `files`, so an xlsx is as private as a CSV.
pub fn save_xlsx(book: &mut Workbook, path: &Path, existing: Existing) -> Result<(), FileError> {
    files::write_private(path, existing, |f| {
        book.save_to_writer(f).map_err(|e| e.to_string())
    })
}

fn xlsx_book(sheet: &Sheet) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    if !sheet.name.is_empty() {
        ws.set_name(&sheet.name)?;
    }
    let bold = Format::new().set_bold();
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.2).max(10.0))?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(book)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_get_a_leading_quote() {
        for bad in [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(csv_safe(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["陈德红", "138****5678", "2025-03-05", "3级", "", "a=b"] {
            assert_eq!(csv_safe(fine), fine);
        }
    }

    #[test]
    fn any_text_comes_back_from_the_csv_whole_and_never_as_a_formula() {
        let mut rng = fastrand::Rng::with_seed(13);
        let starts = [
            '=', '+', '-', '@', '\t', '\r', '\'', '"', ',', '\n', '陈', 'a', ' ',
        ];
        for _ in 0..500 {
            let cell: String = std::iter::once(starts[rng.usize(0..starts.len())])
                .chain((0..rng.usize(0..12)).map(|_| starts[rng.usize(0..starts.len())]))
                .collect();
            let sheet = Sheet {
                name: String::new(),
                headers: vec!["h".into()],
                rows: vec![vec![cell.clone()]],
            };
            let mut out = Vec::new();
            write_csv(&sheet, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
            let back = r.records().next().unwrap().unwrap()[0].to_string();
            assert!(
                !back.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
            let unquoted = back
                .strip_prefix('\'')
                .filter(|_| back != cell)
                .unwrap_or(&back);
            assert_eq!(unquoted, cell);
        }
    }

    #[test]
    fn a_written_csv_holds_no_formula_cell() {
        let sheet = Sheet {
            name: String::new(),
            headers: vec!["姓名".into(), "监护人".into()],
            rows: vec![vec!["=HYPERLINK(\"http://x\")".into(), "@cmd".into()]],
        };
        let mut out = Vec::new();
        write_csv(&sheet, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "'=HYPERLINK(\"http://x\")");
        assert_eq!(&row[1], "'@cmd");
    }
}
