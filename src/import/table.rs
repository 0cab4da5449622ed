//! Reading a roster file into a plain table of cells: xlsx (first sheet) or CSV in UTF-8 (with
//! or without BOM) or GBK/GB18030, as Excel in China saves it. A hostile or broken file is
//! refused with what is wrong (not a regular file, too large, too many rows or columns,
//! another delimiter or encoding) before it can exhaust memory.

use calamine::{DataRef, DataType, Reader, Xlsx};
use chrono::NaiveDate;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::ops::ControlFlow;
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

/// A sheet: the header row and the data rows, each with its row number as the spreadsheet
/// shows it (the first line of the file is row 1).
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The file's name (without its folder), as the import's audit names it.
    pub name: String,
    pub headers: Vec<String>,
    pub header_row: usize,
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// The largest roster file read at all: a province's million patients in CSV are about
/// 350 MB (a county's register is a few megabytes).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// The most a workbook may unpack to (its zip parts' declared sizes), against zip bombs.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// The most data rows one file may hold: a province registers a few hundred thousand.
pub const MAX_ROWS: usize = 1_000_000;
/// The most columns; the roster has about forty.
pub const MAX_COLUMNS: usize = 128;

/// Encodings recognised only to say what to do with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignEncoding {
    Utf16,
    Big5,
    /// Neither UTF-8 nor GBK: Latin-1 or another Western code page.
    Other,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path} has no sheet")]
    NoSheet { path: String },
    #[error("{path} is empty")]
    Empty { path: String },
    #[error("{path} has a header (row {header_row}) but no rows")]
    NoRows { path: String, header_row: usize },
    #[error("unsupported file type: {path} (use .xlsx or .csv)")]
    UnsupportedType { path: String },
    #[error("{path} is an old Excel or other workbook format; save it as .xlsx")]
    OldWorkbook { path: String },
    #[error("{path} is not a regular file")]
    NotRegular { path: String },
    #[error("{path} is larger than {max} bytes")]
    TooLarge { path: String, max: u64 },
    #[error("{path} has more than {max} rows")]
    TooManyRows { path: String, max: usize },
    #[error("{path}: row {row} has a value in column {column}, beyond the first {max}")]
    TooManyColumns {
        path: String,
        row: usize,
        column: String,
        max: usize,
    },
    #[error("{path} is separated by {delimiter:?}, not commas")]
    Delimiter { path: String, delimiter: char },
    #[error("{path} is not UTF-8 or GBK ({encoding:?})")]
    Encoding {
        path: String,
        encoding: ForeignEncoding,
    },
}

/// Reads a roster file: the first sheet of an xlsx, or a CSV. Anything that is not a regular
/// file (a FIFO, a device such as /dev/zero, a folder) is refused before a byte is read, and
/// so is a file too large to be a roster.
pub fn read(path: &Path) -> Result<Table, TableError> {
    open(path)?.into_table()
}

/// Opens a roster file for the import: an xlsx's first sheet read whole, a CSV's text read
/// (and checked) whole but its rows parsed only as they are asked for. Refused as `read`
/// refuses.
pub fn open(path: &Path) -> Result<Roster, TableError> {
    let p = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "csv" | "txt" => {}
        "xls" | "xlsb" | "ods" | "et" => return Err(TableError::OldWorkbook { path: p }),
        _ => return Err(TableError::UnsupportedType { path: p }),
    }
    let file = open_regular(path)?;
    if ext.starts_with("xls") {
        return read_xlsx(file, &p).map(Roster::Sheet);
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| TableError::Unreadable {
            path: p.clone(),
            reason: e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(TableError::TooLarge {
            path: p,
            max: MAX_FILE_BYTES,
        });
    }
    let text = decode_owned(bytes).map_err(|encoding| TableError::Encoding {
        path: p.clone(),
        encoding,
    })?;
    CsvRoster::from_text(text, &p).map(Roster::Csv)
}

/// The header of the row-number column a sheet kept as CSV starts with.
pub const ROW_NUMBER: &str = "行号";

fn file_name(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Opens without blocking (a FIFO would wait for a writer) and checks what was opened, so a
/// name swapped after a check cannot slip through.
fn open_regular(path: &Path) -> Result<File, TableError> {
    let p = path.display().to_string();
    let unreadable = |e: std::io::Error| TableError::Unreadable {
        path: p.clone(),
        reason: e.to_string(),
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(TableError::NotRegular { path: p });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(TableError::TooLarge {
            path: p,
            max: MAX_FILE_BYTES,
        });
    }
    Ok(file)
}

/// Refuses a workbook whose parts would unpack to more than `MAX_UNPACKED_BYTES`.
fn check_unpacked_size(file: &mut File, path: &str) -> Result<(), TableError> {
    let unreadable = |e: &dyn std::fmt::Display| TableError::Unreadable {
        path: path.into(),
        reason: e.to_string(),
    };
    let mut zip = zip::ZipArchive::new(&mut *file).map_err(|e| unreadable(&e))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| unreadable(&e))?;
        total = total.saturating_add(entry.size());
    }
    drop(zip);
    if total > MAX_UNPACKED_BYTES {
        return Err(TableError::TooLarge {
            path: path.into(),
            max: MAX_UNPACKED_BYTES,
        });
    }
    file.seek(SeekFrom::Start(0)).map_err(|e| unreadable(&e))?;
    Ok(())
}

/// Spreadsheet column letters for a 0-based index: 0 → A, 16383 → XFD.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The first sheet, cell by cell: memory follows the cells that hold something, never the
/// sheet's declared or apparent size (one cell at XFD1048576 must not allocate a grid).
fn read_xlsx(mut file: File, path: &str) -> Result<Table, TableError> {
    let unreadable = |e: &dyn std::fmt::Display| TableError::Unreadable {
        path: path.into(),
        reason: e.to_string(),
    };
    check_unpacked_size(&mut file, path)?;
    let mut book: Xlsx<_> = Xlsx::new(BufReader::new(file)).map_err(|e| unreadable(&e))?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(TableError::NoSheet { path: path.into() });
    };
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(&e))?;
    let mut grid: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
    while let Some(c) = reader.next_cell().map_err(|e| unreadable(&e))? {
        let value = cell_from_ref(c.get_value());
        if value.is_blank() {
            continue;
        }
        let (r, col) = c.get_position();
        let col = col as usize;
        if col >= MAX_COLUMNS {
            return Err(TableError::TooManyColumns {
                path: path.into(),
                row: r as usize + 1,
                column: column_letters(col),
                max: MAX_COLUMNS,
            });
        }
        if !grid.contains_key(&r) && grid.len() > MAX_ROWS {
            return Err(TableError::TooManyRows {
                path: path.into(),
                max: MAX_ROWS,
            });
        }
        let cells = grid.entry(r).or_default();
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = value;
    }
    let mut rows = grid.into_iter().map(|(r, cells)| (r as usize + 1, cells));
    let (header_row, header) = loop {
        match rows.next() {
            // A title row merged above the header holds a single filled cell.
            Some((_, cells)) if cells.iter().filter(|c| !c.is_blank()).count() <= 1 => continue,
            Some(found) => break found,
            None => return Err(TableError::Empty { path: path.into() }),
        }
    };
    let table = Table {
        name: file_name(path),
        headers: header.iter().map(Cell::text).collect(),
        header_row,
        rows: rows.collect(),
    };
    if table.rows.is_empty() {
        return Err(TableError::NoRows {
            path: path.into(),
            header_row,
        });
    }
    Ok(table)
}

fn cell_from_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        DataRef::DateTime(x) => match d.as_datetime() {
            Some(dt) => Cell::Date(dt.date()),
            None => Cell::Number(x.as_f64()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// `decode_text` of bytes the caller gives up: UTF-8 (the usual case) becomes the text in
/// place, without a second copy of the file.
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<String, ForeignEncoding> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => decode_text(e.as_bytes()),
    }
}

/// Decodes CSV bytes: UTF-8 with or without BOM, else GBK/GB18030 as Excel in China saves it.
/// UTF-16, Big5 and Western code pages are recognised only to say how to save the file.
pub fn decode_text(bytes: &[u8]) -> Result<String, ForeignEncoding> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ForeignEncoding::Utf16);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    if looks_like_gbk(bytes) {
        return Ok(encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned());
    }
    let (big5, errors) = encoding_rs::BIG5.decode_without_bom_handling(bytes);
    let traditional = [
        "姓名",
        "身份證",
        "診斷",
        "派出所",
        "電話",
        "監護",
        "鄉鎮",
        "住址",
    ];
    if !errors && traditional.iter().any(|w| big5.contains(w)) {
        return Err(ForeignEncoding::Big5);
    }
    Err(ForeignEncoding::Other)
}

/// GBK text is mostly GB2312 characters, both of whose bytes are 0xA1..=0xFE; Big5 and
/// Latin-1 put ASCII after most of their high bytes.
fn looks_like_gbk(bytes: &[u8]) -> bool {
    let (mut pairs, mut gb2312) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        pairs += 1;
        if (0xA1..=0xFE).contains(&b) && (0xA1..=0xFE).contains(&next) {
            gb2312 += 1;
        }
        i += 2;
    }
    pairs > 0 && gb2312 * 10 >= pairs * 7
}

/// Where each row of CSV text starts, as a spreadsheet counts rows: a line ends at CRLF, LF
/// or a lone CR, except inside a quoted cell; a blank line is a row too. A quote opens a
/// quoted cell only at a cell's start (after a comma or a line end); inside one, `""` is a
/// quote and the next lone `"` closes it. It jumps from one line end or quote to the next:
/// everything between is plain text.
fn row_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while let Some(k) = memchr::memchr3(b'\n', b'\r', b'"', &bytes[i..]) {
        let at = i + k;
        if bytes[at] == b'"' {
            let opens = at == 0 || matches!(bytes[at - 1], b',' | b'\n' | b'\r');
            i = at + 1;
            if opens {
                // To the quote that closes the cell; an unclosed one runs to the end.
                loop {
                    let Some(q) = memchr::memchr(b'"', &bytes[i..]) else {
                        return starts;
                    };
                    i += q + 1;
                    if bytes.get(i) != Some(&b'"') {
                        break;
                    }
                    i += 1;
                }
            }
            continue;
        }
        i = at + 1;
        if bytes[at] == b'\r' && bytes.get(i) == Some(&b'\n') {
            i += 1;
        }
        if i < bytes.len() {
            starts.push(i);
        }
    }
    starts
}

/// Reads CSV bytes into a whole table (every row parsed); the import reads a file through
/// `open`, which parses rows as they are written instead.
pub fn read_csv(bytes: &[u8], path: &str) -> Result<Table, TableError> {
    let text = decode_text(bytes).map_err(|encoding| TableError::Encoding {
        path: path.into(),
        encoding,
    })?;
    CsvRoster::from_text(text, path)?.into_table()
}

/// A CSV roster held as its text: the header and the number of data rows are known once it
/// is read (every structural problem found then), and the data rows are parsed a batch at a
/// time as they are asked for, so the parsed cells of the whole file never exist at once.
#[derive(Debug, Clone)]
pub struct CsvRoster {
    path: String,
    text: String,
    /// Where each line starts, for the spreadsheet's row numbers.
    starts: Vec<usize>,
    headers: Vec<String>,
    header_row: usize,
    rows: usize,
}

impl CsvRoster {
    /// Reads the whole text once without keeping what it parses: the header, the row count,
    /// and every refusal `read_csv` makes (too many rows or columns, another delimiter, no
    /// rows), so that reading the rows later cannot fail.
    pub fn from_text(text: String, path: &str) -> Result<CsvRoster, TableError> {
        let starts = row_starts(&text);
        let mut roster = CsvRoster {
            path: path.into(),
            text,
            starts,
            headers: Vec::new(),
            header_row: 0,
            rows: 0,
        };
        let mut scan = roster.scan();
        let mut rows = 0usize;
        while scan.next_row()?.is_some() {
            if rows >= MAX_ROWS {
                return Err(TableError::TooManyRows {
                    path: path.into(),
                    max: MAX_ROWS,
                });
            }
            rows += 1;
        }
        let header = scan.header.take();
        drop(scan);
        let Some((header_row, headers)) = header else {
            // One cell per line: the file is separated by something other than commas.
            let first = roster
                .text
                .split(['\n', '\r'])
                .find(|r| !r.trim().is_empty())
                .unwrap_or("");
            for delimiter in [';', '\t', '|'] {
                if first.contains(delimiter) {
                    return Err(TableError::Delimiter {
                        path: path.into(),
                        delimiter,
                    });
                }
            }
            return Err(TableError::Empty { path: path.into() });
        };
        if rows == 0 {
            return Err(TableError::NoRows {
                path: path.into(),
                header_row,
            });
        }
        roster.headers = headers;
        roster.header_row = header_row;
        roster.rows = rows;
        Ok(roster)
    }

    fn scan(&self) -> CsvScan<'_> {
        CsvScan {
            text: &self.text,
            starts: &self.starts,
            path: &self.path,
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(self.text.as_bytes()),
            record: csv::ByteRecord::new(),
            header: None,
        }
    }

    /// Every row parsed at once (small files, tests).
    pub fn into_table(self) -> Result<Table, TableError> {
        let mut rows = Vec::with_capacity(self.rows);
        self.each_batch(usize::MAX, &mut |batch| {
            rows.extend_from_slice(batch);
            ControlFlow::Continue(())
        })?;
        Ok(Table {
            name: file_name(&self.path),
            headers: self.headers,
            header_row: self.header_row,
            rows,
        })
    }

    /// Hands the data rows to `f` in file order, at most `size` at a time.
    pub fn each_batch(&self, size: usize, f: &mut BatchFn) -> Result<(), TableError> {
        let size = size.clamp(1, self.rows.max(1));
        let mut batch: Vec<(usize, Vec<Cell>)> = Vec::with_capacity(size);
        let mut scan = self.scan();
        while let Some(row) = scan.next_row()? {
            batch.push((row, cells_of(&scan.record)));
            if batch.len() == size {
                if f(&batch).is_break() {
                    return Ok(());
                }
                batch.clear();
            }
        }
        if !batch.is_empty() {
            let _ = f(&batch);
        }
        Ok(())
    }
}

fn cells_of(rec: &csv::ByteRecord) -> Vec<Cell> {
    rec.iter()
        .map(|field| {
            let s = field_text(field);
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.into_owned())
            }
        })
        .collect()
}

/// A cell of the roster's text. Cells are read as bytes, so that the pass that only counts
/// rows does not check each one's UTF-8 again; they are cut from valid UTF-8 at ASCII commas,
/// quotes and line ends, so they are valid UTF-8 themselves.
fn field_text(field: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(field)
}

/// Whether a cell holds nothing but white space (also full-width), as `str::trim` sees it.
fn blank(field: &[u8]) -> bool {
    match field.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b) if b.is_ascii() => false,
        Some(_) => field_text(field).trim().is_empty(),
    }
}

/// One pass over CSV text: finds the header (the first line with more than one filled cell)
/// and then yields the data rows that hold anything, each with its row number.
struct CsvScan<'a> {
    text: &'a str,
    starts: &'a [usize],
    path: &'a str,
    reader: csv::Reader<&'a [u8]>,
    record: csv::ByteRecord,
    header: Option<(usize, Vec<String>)>,
}

impl CsvScan<'_> {
    /// The next data row's number, its cells left in `self.record`; `None` at the end.
    fn next_row(&mut self) -> Result<Option<usize>, TableError> {
        loop {
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| TableError::Unreadable {
                    path: self.path.into(),
                    reason: e.to_string(),
                })?;
            if !more {
                return Ok(None);
            }
            let rec = &self.record;
            // The reader may place a record at the line end before it (the LF of a CRLF, a
            // blank line it skipped); a record itself never starts with one unquoted.
            let mut byte = rec.position().map(|p| p.byte() as usize).unwrap_or(0);
            while matches!(self.text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
                byte += 1;
            }
            let row = match self.starts.binary_search(&byte) {
                Ok(i) => i + 1,
                Err(i) => i.max(1),
            };
            if rec.len() > MAX_COLUMNS
                && let Some(col) = (0..rec.len()).rev().find(|&i| !blank(&rec[i]))
                && col >= MAX_COLUMNS
            {
                return Err(TableError::TooManyColumns {
                    path: self.path.into(),
                    row,
                    column: column_letters(col),
                    max: MAX_COLUMNS,
                });
            }
            if self.header.is_none() {
                if rec.iter().filter(|c| !blank(c)).count() <= 1 {
                    continue;
                }
                let headers = rec
                    .iter()
                    .map(|c| {
                        if blank(c) {
                            String::new()
                        } else {
                            field_text(c).into_owned()
                        }
                    })
                    .collect();
                self.header = Some((row, headers));
                continue;
            }
            if rec.iter().all(blank) {
                continue;
            }
            return Ok(Some(row));
        }
    }
}

/// Takes one batch of data rows (row number, cells); breaks to stop the reading.
pub type BatchFn<'a> = dyn FnMut(&[(usize, Vec<Cell>)]) -> ControlFlow<()> + 'a;

/// A roster's rows as the import reads them: the header, then the data rows in file order a
/// batch at a time, so that a source able to parse as it goes never holds every row parsed.
pub trait RosterRows: Sync {
    /// The file's name, without its folder.
    fn name(&self) -> String;
    /// The roster as it was read, as text the import keeps for its audit: a CSV file's text
    /// as decoded, a sheet written as CSV with the sheet's row number first.
    fn as_read(&self) -> Cow<'_, [u8]>;
    fn headers(&self) -> &[String];
    /// The header's row number in the file (1 for the first line).
    fn header_row(&self) -> usize;
    fn row_count(&self) -> usize;
    /// Hands the data rows to `f` in file order, at most `size` at a time, until `f` breaks.
    fn each_batch(&self, size: usize, f: &mut BatchFn) -> Result<(), TableError>;
}

impl RosterRows for Table {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn as_read(&self) -> Cow<'_, [u8]> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let head = std::iter::once(ROW_NUMBER.to_string()).chain(self.headers.iter().cloned());
        // Writing to memory cannot fail but for a record of another length, which `flexible`
        // allows.
        let _ = w.write_record(head);
        for (line, cells) in &self.rows {
            let _ = w.write_record(
                std::iter::once(line.to_string()).chain(cells.iter().map(Cell::text)),
            );
        }
        Cow::Owned(w.into_inner().unwrap_or_default())
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn header_row(&self) -> usize {
        self.header_row
    }

    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn each_batch(&self, size: usize, f: &mut BatchFn) -> Result<(), TableError> {
        for batch in self.rows.chunks(size.max(1)) {
            if f(batch).is_break() {
                break;
            }
        }
        Ok(())
    }
}

impl RosterRows for CsvRoster {
    fn name(&self) -> String {
        file_name(&self.path)
    }

    fn as_read(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(self.text.as_bytes())
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn header_row(&self) -> usize {
        self.header_row
    }

    fn row_count(&self) -> usize {
        self.rows
    }

    fn each_batch(&self, size: usize, f: &mut BatchFn) -> Result<(), TableError> {
        CsvRoster::each_batch(self, size, f)
    }
}

/// A roster file as read: a workbook's sheet (calamine holds it whole anyway) or CSV text
/// whose rows are parsed as the import asks for them.
#[derive(Debug, Clone)]
pub enum Roster {
    Sheet(Table),
    Csv(CsvRoster),
}

impl Roster {
    /// Every row parsed at once.
    pub fn into_table(self) -> Result<Table, TableError> {
        match self {
            Roster::Sheet(t) => Ok(t),
            Roster::Csv(c) => c.into_table(),
        }
    }

    fn inner(&self) -> &dyn RosterRows {
        match self {
            Roster::Sheet(t) => t,
            Roster::Csv(c) => c,
        }
    }
}

impl RosterRows for Roster {
    fn name(&self) -> String {
        self.inner().name()
    }

    fn as_read(&self) -> Cow<'_, [u8]> {
        self.inner().as_read()
    }

    fn headers(&self) -> &[String] {
        self.inner().headers()
    }

    fn header_row(&self) -> usize {
        self.inner().header_row()
    }

    fn row_count(&self) -> usize {
        self.inner().row_count()
    }

    fn each_batch(&self, size: usize, f: &mut BatchFn) -> Result<(), TableError> {
        self.inner().each_batch(size, f)
    }
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
    fn row_numbers_are_the_spreadsheets_for_every_line_ending() {
        for eol in ["\n", "\r\n", "\r"] {
            let text = ["姓名,诊断", "甲,\"多\n行\"", "", "乙,癫痫"].join(eol) + eol;
            let t = read_csv(text.as_bytes(), "x").unwrap();
            let rows: Vec<usize> = t.rows.iter().map(|(n, _)| *n).collect();
            assert_eq!(rows, vec![2, 4], "{eol:?}");
            assert_eq!(t.header_row, 1);
        }
    }

    #[test]
    fn a_workbook_that_would_unpack_past_the_cap_is_refused_unread() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("xl/sharedStrings.xml", stored).unwrap();
        zip.write_all(b"<sst/>").unwrap();
        let mut bytes = zip.finish().unwrap().into_inner();
        // Declare 2 GB unpacked in the central directory, as a zip bomb does.
        let at = bytes
            .windows(4)
            .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
            .unwrap();
        bytes[at + 24..at + 28].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        match read(&path) {
            Err(TableError::TooLarge { max, .. }) => assert_eq!(max, MAX_UNPACKED_BYTES),
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    #[test]
    fn a_line_ends_a_row_only_outside_a_quoted_cell() {
        let cases: [(&str, &[usize]); 9] = [
            ("a,b\nc,d\n", &[0, 4]),
            ("a\r\nb\rc\n\nd", &[0, 3, 5, 7, 8]),
            ("\"x\ny\",1\nz", &[0, 8]),
            // An escaped quote does not close the cell; the line end inside it is no row's.
            ("\"a\"\"\nb\",1\nc", &[0, 10]),
            // A quote inside a plain cell is text, and so is what follows it.
            ("ab\"c\nd", &[0, 5]),
            ("a,\"\"\nb", &[0, 5]),
            // After a closed quoted cell, a quote in the same cell is text again.
            ("\"a\"b\"\nc", &[0, 6]),
            ("a,\"open\nnever closed", &[0]),
            ("\n\r\n", &[0, 1]),
        ];
        for (text, want) in cases {
            assert_eq!(row_starts(text), want, "{text:?}");
        }
    }

    #[test]
    fn column_letters_are_the_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
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
