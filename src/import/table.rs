//! Reading a roster file into a plain table of cells: xlsx (first sheet) or CSV in UTF-8 (with
//! or without BOM) or GBK/GB18030, as Excel in China saves it.

use calamine::{Data, DataType, Reader};
use chrono::NaiveDate;
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text, as an operator would read it in the sheet.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A sheet: the header row and the data rows, each with its row number in the file.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<Cell>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path} has no sheet")]
    NoSheet { path: String },
    #[error("{path} is empty")]
    Empty { path: String },
    #[error("unsupported file type: {path} (use .xlsx or .csv)")]
    UnsupportedType { path: String },
}

pub fn read(path: &Path) -> Result<Table, TableError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" => read_workbook(path),
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| TableError::Unreadable {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            read_csv(&bytes, &path.display().to_string())
        }
        _ => Err(TableError::UnsupportedType {
            path: path.display().to_string(),
        }),
    }
}

fn read_workbook(path: &Path) -> Result<Table, TableError> {
    let p = path.display().to_string();
    let unreadable = |e: &dyn std::fmt::Display| TableError::Unreadable {
        path: p.clone(),
        reason: e.to_string(),
    };
    let mut book = calamine::open_workbook_auto(path).map_err(|e| unreadable(&e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| TableError::NoSheet { path: p.clone() })?
        .map_err(|e| unreadable(&e))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate();
    let headers = loop {
        match rows.next() {
            // Skip blank lines above the header, as hand-made ledgers often have a title row
            // merged above; a row with a single filled cell is taken as such a title.
            Some((_, r)) if r.iter().filter(|c| !matches!(c, Data::Empty)).count() <= 1 => {
                continue;
            }
            Some((_, r)) => break r.iter().map(|c| cell_from(c).text()).collect::<Vec<_>>(),
            None => return Err(TableError::Empty { path: p }),
        }
    };
    let mut table = Table {
        headers,
        rows: Vec::new(),
    };
    for (i, r) in rows {
        let cells: Vec<Cell> = r.iter().map(cell_from).collect();
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        table.rows.push((first_row as usize + i + 1, cells));
    }
    Ok(table)
}

fn cell_from(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        Data::DateTime(_) => match d.as_datetime() {
            Some(dt) => Cell::Date(dt.date()),
            None => Cell::Text(d.to_string()),
        },
        Data::DateTimeIso(s) => Cell::Text(s.clone()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// Decodes CSV bytes: UTF-8 with or without BOM, else GB18030 (a superset of GBK).
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

pub fn read_csv(bytes: &[u8], path: &str) -> Result<Table, TableError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut found_header = false;
    for rec in reader.records() {
        let rec = rec.map_err(|e| TableError::Unreadable {
            path: path.into(),
            reason: e.to_string(),
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let cells: Vec<Cell> = rec
            .iter()
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect();
        if !found_header {
            if cells.iter().filter(|c| !c.is_blank()).count() <= 1 {
                continue;
            }
            table.headers = cells.iter().map(Cell::text).collect();
            found_header = true;
            continue;
        }
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        table.rows.push((line, cells));
    }
    if !found_header {
        return Err(TableError::Empty { path: path.into() });
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_is_read_as_utf8() {
        let t = read_csv("\u{feff}姓名,身份证号\n张三,1\n".as_bytes(), "x").unwrap();
        assert_eq!(t.headers, vec!["姓名", "身份证号"]);
        assert_eq!(t.rows[0].0, 2);
    }

    #[test]
    fn csv_in_gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,诊断\n李四,精神分裂症\n");
        let t = read_csv(&bytes, "x").unwrap();
        assert_eq!(t.headers, vec!["姓名", "诊断"]);
        assert_eq!(t.rows[0].1[1], Cell::Text("精神分裂症".into()));
    }

    #[test]
    fn blank_lines_and_a_title_line_above_the_header_are_skipped() {
        let t = read_csv(
            "花名册\n\n姓名,诊断\n,\n王五,癫痫所致精神障碍\n".as_bytes(),
            "x",
        )
        .unwrap();
        assert_eq!(t.headers, vec!["姓名", "诊断"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].0, 5);
    }
}
