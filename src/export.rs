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
    let mut w = csv_writer(&sheet.headers, out)?;
    for r in &sheet.rows {
        csv_row(&mut w, r)?;
    }
    w.flush()?;
    Ok(())
}

/// A CSV writer with the BOM and the header row written.
fn csv_writer<W: Write>(headers: &[String], mut out: W) -> std::io::Result<csv::Writer<W>> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(out);
    csv_row(&mut w, headers)?;
    Ok(w)
}

fn csv_row<W: Write>(w: &mut csv::Writer<W>, cells: &[String]) -> std::io::Result<()> {
    for c in cells {
        w.write_field(csv_safe(c).as_bytes())?;
    }
    // An empty record ends the one the fields above began.
    w.write_record(None::<&[u8]>)?;
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

/// Writes one row of a streamed sheet; an error is a sentence for the operator.
pub type PutRow<'a> = dyn FnMut(&[String]) -> Result<(), String> + 'a;

/// Writes a sheet whose rows come one at a time (`rows` is handed the function that writes
/// one), as xlsx or CSV by the file's extension: CSV row by row through a buffered writer,
/// xlsx into the workbook's own cells (never a table of rows beside them).
pub fn write_rows_file(
    name: &str,
    headers: &[String],
    path: &Path,
    existing: Existing,
    rows: impl FnOnce(&mut PutRow) -> Result<(), String>,
) -> Result<(), FileError> {
    let failed = |reason: String| FileError::Write {
        path: path.to_path_buf(),
        reason,
    };
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        return files::write_private(path, existing, |f| {
            let text = |e: std::io::Error| e.to_string();
            let mut w = csv_writer(headers, std::io::BufWriter::new(f)).map_err(text)?;
            rows(&mut |r| csv_row(&mut w, r).map_err(text))?;
            w.flush().map_err(text)
        });
    }
    // rust_xlsxwriter's constant-memory worksheet needs a newer tempfile than the one locked
    // here; the workbook holds the cells until it is saved, but no second copy is made.
    let mut book = Workbook::new();
    {
        let xlsx = |e: rust_xlsxwriter::XlsxError| e.to_string();
        let ws = book.add_worksheet();
        start_sheet(ws, name, headers).map_err(|e| failed(e.to_string()))?;
        let mut next = 1u32;
        rows(&mut |r| {
            for (c, v) in r.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(next, c as u16, v).map_err(xlsx)?;
                }
            }
            next += 1;
            Ok(())
        })
        .map_err(failed)?;
    }
    save_xlsx(&mut book, path, existing)
}

/// Saves a workbook through `files`, so an xlsx is as private as a CSV.
pub fn save_xlsx(book: &mut Workbook, path: &Path, existing: Existing) -> Result<(), FileError> {
    files::write_private(path, existing, |f| {
        book.save_to_writer(f).map_err(|e| e.to_string())
    })
}

/// The sheet's name, its bold header row with widths to fit, and the header frozen.
fn start_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    name: &str,
    headers: &[String],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    if !name.is_empty() {
        ws.set_name(name)?;
    }
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.2).max(10.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn xlsx_book(sheet: &Sheet) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    start_sheet(ws, &sheet.name, &sheet.headers)?;
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
    }
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
