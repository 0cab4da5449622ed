//! Writing reports: the statistical report laid out like the paper form (title, unit, date,
//! sections, hand-entry rows marked), and plain sheets; xlsx or CSV (UTF-8 with BOM) by the
//! file's extension. Every file goes through `files` (0600, new or replaced atomically).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use std::path::Path;

use super::stats::StatRow;
use crate::export::{Sheet, save_xlsx, write_csv_file, write_xlsx_file};
use crate::files::{Existing, FileError};

pub const MANUAL_MARK: &str = "手工填报";

/// The statistical report as a sheet: section, item, sub-item, figure, definition.
pub fn stats_sheet(rows: &[StatRow]) -> Sheet {
    Sheet {
        name: "统计表".into(),
        headers: ["类别", "项目", "细项", "数值", "统计口径"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.section.to_string(),
                    r.label.to_string(),
                    r.sub.to_string(),
                    if r.is_manual() {
                        MANUAL_MARK.to_string()
                    } else {
                        r.value_text()
                    },
                    r.definition_zh.to_string(),
                ]
            })
            .collect(),
    }
}

pub fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Writes a plain sheet as xlsx or csv by the extension.
pub fn sheet(sheet: &Sheet, path: &Path, existing: Existing) -> Result<(), FileError> {
    if is_xlsx(path) {
        write_xlsx_file(sheet, path, existing)
    } else {
        write_csv_file(sheet, path, existing)
    }
}

/// Writes the statistical report; xlsx is laid out like the paper form.
pub fn stats(
    rows: &[StatRow],
    title: &str,
    unit: &str,
    date: &str,
    path: &Path,
    existing: Existing,
) -> Result<(), FileError> {
    if is_xlsx(path) {
        let mut book = stats_xlsx(rows, title, unit, date).map_err(|e| FileError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        save_xlsx(&mut book, path, existing)
    } else {
        write_csv_file(&stats_sheet(rows), path, existing)
    }
}

fn stats_xlsx(
    rows: &[StatRow],
    title: &str,
    unit: &str,
    date: &str,
) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("统计表")?;
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let section = Format::new()
        .set_border(FormatBorder::Thin)
        .set_bold()
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let number = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Right);
    let amount = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0000");
    let manual = Format::new()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xFFF2CC))
        .set_font_color(Color::Gray);
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 30)?;
    ws.set_column_width(2, 10)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(4, 48)?;
    ws.merge_range(0, 0, 0, 4, title, &title_fmt)?;
    ws.write_string(1, 0, format!("报表填报单位：{unit}"))?;
    ws.write_string(1, 3, format!("填表时间：{date}"))?;
    for (c, h) in ["类别", "项目", "细项", "数值", "统计口径"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(2, c as u16, *h, &head)?;
    }
    let first = 3u32;
    let mut start = first;
    for (i, r) in rows.iter().enumerate() {
        let row = first + i as u32;
        ws.write_string_with_format(row, 1, r.label, &cell)?;
        ws.write_string_with_format(row, 2, r.sub, &cell)?;
        match r.value {
            None => ws.write_string_with_format(row, 3, MANUAL_MARK, &manual)?,
            Some(v) if r.amount => ws.write_number_with_format(row, 3, v, &amount)?,
            Some(v) => ws.write_number_with_format(row, 3, v, &number)?,
        };
        ws.write_string_with_format(row, 4, r.definition_zh, &cell)?;
        // The section cell spans its rows, as on the paper form.
        let last_of_section = rows.get(i + 1).is_none_or(|n| n.section != r.section);
        if last_of_section {
            if row > start {
                ws.merge_range(start, 0, row, 0, r.section, &section)?;
            } else {
                ws.write_string_with_format(row, 0, r.section, &section)?;
            }
            start = row + 1;
        }
    }
    let note = first + rows.len() as u32 + 1;
    ws.write_string(
        note,
        0,
        "说明：标“手工填报”的各行不由本系统统计，请相关部门填写。",
    )?;
    Ok(book)
}
