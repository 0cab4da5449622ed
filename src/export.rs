//! Writing plain tables out: CSV in UTF-8 with a BOM (so Excel in China opens Chinese text
//! correctly) and xlsx with a bold header row.

use rust_xlsxwriter::{Format, Workbook};
use std::io::Write;
use std::path::Path;

/// A sheet of text cells with its header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn write_csv(sheet: &Sheet, out: impl Write) -> std::io::Result<()> {
    let mut out = out;
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&sheet.headers)?;
    for r in &sheet.rows {
        w.write_record(r)?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_csv_file(sheet: &Sheet, path: &Path) -> std::io::Result<()> {
    let f = std::fs::File::create(path)?;
    write_csv(sheet, std::io::BufWriter::new(f))
}

pub fn write_xlsx_file(sheet: &Sheet, path: &Path) -> Result<(), rust_xlsxwriter::XlsxError> {
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
    book.save(path)
}
