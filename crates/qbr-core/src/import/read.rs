//! Readers: a file on disk to tables of text cells (a header and rows), whatever its format.
//! Delimited text streams record by record through the `csv` crate after decoding (UTF-8 with or
//! without BOM, UTF-16 with BOM or by its NULs, otherwise the encoding `chardetng` (Firefox's
//! detector) finds in the first 64 KB, decoded streaming by `encoding_rs_io`); spreadsheets come sheet by sheet through
//! `calamine` after a size check of the zip (declared sizes, then actual inflated bytes); JSON arrays, JSON Lines and concatenated objects come
//! through `serde_json`, nested objects flattened to dotted names (`Queue.Duration`).
//!
//! Promises: a delimited file is never held in memory whole; every refusal names the file; title
//! rows above a header and a totals row below the data are left out.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use super::error::ImportError;
use super::mapping::{detect_preset, normalise, Kind};

/// Spreadsheets larger than this once unzipped are refused: a workbook of a quarter's intervals
/// is a few MB, and calamine holds a sheet in memory.
pub const MAX_XLSX_UNCOMPRESSED: u64 = 512 * 1024 * 1024;
/// A zip entry that inflates more than this many times its size is a zip bomb, not a report.
pub const MAX_XLSX_RATIO: u64 = 200;
/// JSON arrays are parsed whole; larger ones should be exported as JSON Lines.
pub const MAX_JSON_ARRAY: u64 = 256 * 1024 * 1024;
/// How many records of a JSON file are read to learn its field names.
const JSON_HEADER_SAMPLE: usize = 1000;
/// How many leading rows are searched for the header.
const HEADER_SEARCH_ROWS: usize = 20;
/// Rows wider than this are refused: the widest real export (a survey with every question) has
/// a few hundred columns, and each column costs memory in every row.
pub const MAX_COLUMNS: usize = 5_000;
/// A value longer than this many characters is refused: no field of an export (a name, an id, a
/// time) comes near it, and such a value would otherwise be stored as, say, an agent's name.
pub const MAX_CELL_CHARS: usize = 100_000;

/// One row of cells, with where it sits in the file for refusals.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line (delimited text), row (spreadsheet) or record (JSON) number.
    pub line: u64,
    pub cells: Cells,
}

/// The cells of a row in one buffer: a row costs two allocations rather than one per cell, which
/// matters when one thread splits a file into rows for the parse workers.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cells {
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl Cells {
    /// The fields of a CSV record, trimmed; UTF-8 by now (other encodings are transcoded on the
    /// way in), a stray invalid byte read as U+FFFD rather than failing the row.
    fn from_record(rec: &csv::ByteRecord) -> Cells {
        let mut cells = Cells {
            text: String::with_capacity(rec.as_slice().len()),
            ends: Vec::with_capacity(rec.len()),
        };
        // One check for the whole row: fields split at ASCII delimiters, so when the row is
        // valid UTF-8 every field is.
        if let Ok(all) = std::str::from_utf8(rec.as_slice()) {
            // The usual row: no cell to trim, so the record's bytes are the cells' text.
            let mut end = 0;
            let untrimmed = rec.iter().all(|field| {
                end += field.len();
                cells.ends.push(end);
                match (field.first(), field.last()) {
                    (Some(a), Some(b)) => a.is_ascii_graphic() && b.is_ascii_graphic(),
                    _ => true,
                }
            });
            if untrimmed {
                cells.text.push_str(all);
                return cells;
            }
            cells.ends.clear();
            let mut start = 0;
            for (i, field) in rec.iter().enumerate() {
                let end = start + field.len();
                let text = all.get(start..end).unwrap_or("");
                cells.push(if i == 0 { without_bom(text) } else { text });
                start = end;
            }
            return cells;
        }
        for (i, f) in rec.iter().enumerate() {
            let text = String::from_utf8_lossy(f);
            cells.push(if i == 0 { without_bom(&text) } else { &text });
        }
        cells
    }

    /// Appends a cell, trimmed.
    pub fn push(&mut self, cell: &str) {
        self.text.push_str(super::value::trim(cell));
        self.ends.push(self.text.len());
    }

    /// Every cell one after the other.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }

    pub fn first(&self) -> Option<&str> {
        self.get(0)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

/// A row's first cell without the byte-order mark that starts a file: exports joined with `cat`
/// carry one at the start of each part, which would otherwise stay in a contact id (and count
/// the contact twice). A quoted value after the mark (`\u{feff}"C1"`, which the CSV reader did
/// not see as quoted) loses its quotes as it would have without the mark.
fn without_bom(cell: &str) -> &str {
    let Some(rest) = cell.strip_prefix('\u{feff}') else {
        return cell;
    };
    match rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner,
        _ => rest,
    }
}

impl From<Vec<String>> for Cells {
    /// Cells as given (spreadsheets and JSON keep their text untrimmed, as they did).
    fn from(cells: Vec<String>) -> Cells {
        let mut out = Cells {
            text: String::with_capacity(cells.iter().map(String::len).sum()),
            ends: Vec::with_capacity(cells.len()),
        };
        for c in &cells {
            out.text.push_str(c);
            out.ends.push(out.text.len());
        }
        out
    }
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

pub type Rows = Box<dyn Iterator<Item = Result<Row, ImportError>> + Send>;

/// One table of a file: a delimited file has one, a workbook one per sheet.
pub struct Table {
    pub sheet: Option<String>,
    pub header: Vec<String>,
    /// Extra header rows under the names (Qualtrics' question text), kept for mapping.
    pub header_notes: Vec<Vec<String>>,
    pub rows: Rows,
    /// The encoding delimited text was decoded from when it is not UTF-8 (`Shift_JIS`,
    /// `UTF-16LE`, `windows-1252`…), for the report to say.
    pub encoding: Option<String>,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("sheet", &self.sheet)
            .field("header", &self.header)
            .finish()
    }
}

/// The container format of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Delimited,
    Xlsx,
    Xls,
    Json,
}

/// The display name used in messages: the file name without its folder.
pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn open_file(path: &Path) -> Result<(File, u64), ImportError> {
    let label = file_label(path);
    let len = regular_file_len(path)?;
    let file = File::open(path)
        .map_err(|e| ImportError::unreadable(&label, format!("the file cannot be opened ({e})")))?;
    Ok((file, len))
}

/// The size of `path`, refusing what is not a regular file before opening it: opening a named
/// pipe waits for a writer for ever, and a device (`/dev/zero`, `/dev/urandom`) never ends.
/// Both report a size of 0, which is not "empty".
pub fn regular_file_len(path: &Path) -> Result<u64, ImportError> {
    let label = file_label(path);
    let meta = std::fs::metadata(path)
        .map_err(|e| ImportError::unreadable(&label, format!("the file cannot be opened ({e})")))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "a named pipe, a device or a socket"
        };
        return Err(ImportError::unreadable(
            &label,
            format!("it is not a regular file but {what}, which has no end to read to; save the export as a file and import that"),
        ));
    }
    if meta.len() == 0 {
        return Err(ImportError::unreadable(&label, "the file is empty"));
    }
    Ok(meta.len())
}

/// Tells the format from the first bytes, then the extension.
pub fn sniff_format(path: &Path) -> Result<Format, ImportError> {
    let (mut file, _) = open_file(path)?;
    let mut head = [0u8; 8];
    let n = read_up_to(&mut file, &mut head).map_err(|e| {
        ImportError::unreadable(&file_label(path), format!("the file cannot be read ({e})"))
    })?;
    let head = &head[..n];
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(Format::Xls);
    }
    if matches!(ext.as_str(), "json" | "jsonl" | "ndjson") {
        return Ok(Format::Json);
    }
    let first = head
        .iter()
        .copied()
        .skip_while(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0xEF | 0xBB | 0xBF));
    if matches!(first.clone().next(), Some(b'{') | Some(b'[')) && ext != "csv" {
        return Ok(Format::Json);
    }
    Ok(Format::Delimited)
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Opens every table of `path`.
pub fn open_tables(path: &Path) -> Result<Vec<Table>, ImportError> {
    match sniff_format(path)? {
        Format::Delimited => Ok(vec![open_delimited(path)?]),
        Format::Xlsx | Format::Xls => open_workbook(path),
        Format::Json => Ok(vec![open_json(path)?]),
    }
}

// ---------------------------------------------------------------------------------------------
// Delimited text

/// The encoding of a text file: a BOM says so; otherwise valid UTF-8 is UTF-8, text with NULs
/// in every other byte is BOM-less UTF-16, and anything else is what `chardetng` finds in the
/// sample (Shift_JIS, GBK, windows-1252…). `complete` says the sample is the whole file.
fn sniff_encoding(sample: &[u8], complete: bool) -> (&'static Encoding, usize) {
    if let Some((enc, bom)) = Encoding::for_bom(sample) {
        return (enc, bom);
    }
    let pairs = sample.len() / 2;
    if pairs >= 4 {
        let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd_nul = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        if odd_nul * 10 > pairs * 4 && even_nul == 0 {
            return (UTF_16LE, 0);
        }
        if even_nul * 10 > pairs * 4 && odd_nul == 0 {
            return (UTF_16BE, 0);
        }
    }
    match std::str::from_utf8(sample) {
        Ok(_) => (UTF_8, 0),
        // A multi-byte character cut by the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() && sample.len() - e.valid_up_to() < 4 => (UTF_8, 0),
        Err(_) => {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(sample, complete);
            (detector.guess(None, false), 0)
        }
    }
}

/// The delimiter among `,` `;` TAB `|` that splits the first lines most consistently.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let count = |line: &str, d: char| -> usize {
        let mut quoted = false;
        let mut n = 0;
        for c in line.chars() {
            if c == '"' {
                quoted = !quoted;
            } else if c == d && !quoted {
                n += 1;
            }
        }
        n
    };
    let mut best = (b',', 0usize, 0usize);
    for d in [',', ';', '\t', '|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count(l, d)).collect();
        let Some(&mode) = counts.iter().max() else {
            continue;
        };
        // Lines agreeing with the most common non-zero count; title lines may disagree.
        let agreeing = counts.iter().filter(|&&c| c == mode && c > 0).count();
        if (agreeing, mode) > (best.1, best.2) {
            best = (d as u8, agreeing, mode);
        }
    }
    best.0
}

/// A buffered peek at the start of a text file: its encoding and delimiter.
/// A text file decoded to UTF-8, its delimiter, and the encoding it was decoded from when not UTF-8.
type OpenText = (Box<dyn Read + Send>, u8, Option<String>);

fn open_text(path: &Path) -> Result<OpenText, ImportError> {
    let label = file_label(path);
    let (mut file, _) = open_file(path)?;
    let mut sample = vec![0u8; 64 * 1024];
    let n = read_up_to(&mut file, &mut sample)
        .map_err(|e| ImportError::unreadable(&label, format!("the file cannot be read ({e})")))?;
    sample.truncate(n);
    if sample.starts_with(&[0xFF, 0xFE, 0, 0]) || sample.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(ImportError::unreadable(
            &label,
            "the file is UTF-32 text, which no export uses; save it as UTF-8, UTF-16 or Windows-1252 text and import it again",
        ));
    }
    let complete = sample.len() < 64 * 1024;
    let (encoding, bom) = sniff_encoding(&sample, complete);
    if encoding != UTF_16LE && encoding != UTF_16BE {
        if let Some(at) = sample.iter().position(|&b| b == 0) {
            let line = sample[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(ImportError::unreadable(
                &label,
                format!(
                    "line {line} holds a NUL byte, which text never does: the file is damaged or is not a CSV export (expected text in UTF-8, UTF-16 or Windows-1252)"
                ),
            ));
        }
    }
    let decoded_sample = encoding
        .decode_without_bom_handling(&sample[bom..])
        .0
        .into_owned();
    if decoded_sample.trim().is_empty() {
        return Err(ImportError::unreadable(&label, "the file holds no text"));
    }
    let delimiter = sniff_delimiter(&decoded_sample);
    let rest = Cursor::new(sample[bom..].to_vec()).chain(file);
    let reader: Box<dyn Read + Send> = if encoding == UTF_8 {
        Box::new(rest)
    } else {
        // Decoded as it is read, so that a large file is never converted whole.
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_override(false)
                .build(rest),
        )
    };
    let used = (encoding != UTF_8).then(|| encoding.name().to_string());
    Ok((reader, delimiter, used))
}

fn open_delimited(path: &Path) -> Result<Table, ImportError> {
    let label = file_label(path);
    let (reader, delimiter, encoding) = open_text(path)?;
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(256 * 1024, reader));
    let mut records = Vec::new();
    let mut byte_record = csv::ByteRecord::new();
    let read_err =
        |e: csv::Error| ImportError::unreadable(&label, format!("the text cannot be read ({e})"));
    let mut exhausted = false;
    while records.len() < HEADER_SEARCH_ROWS {
        if !csv.read_byte_record(&mut byte_record).map_err(read_err)? {
            exhausted = true;
            break;
        }
        let line = byte_record.position().map(|p| p.line()).unwrap_or(0);
        check_width(&label, line, byte_record.len())?;
        records.push(Row {
            line,
            cells: Cells::from_record(&byte_record),
        });
    }
    // A file cut short (an interrupted download) ends inside its last row: no line end, and
    // fewer columns than the rows before it.
    let width = records.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let truncation = Truncation {
        label: label.clone(),
        width,
        ends_cleanly: ends_with_line_end(path),
    };
    if exhausted {
        if let Some(last) = records.last() {
            truncation.check(last)?;
        }
    }
    let lead: VecDeque<Row> = records.into();
    let label2 = label.clone();
    let mut ahead: Option<Result<Row, ImportError>> = None;
    // One record buffer for the whole file: only the cells are allocated per row.
    let mut rec = csv::ByteRecord::new();
    let mut read_one = move || -> Option<Result<Row, ImportError>> {
        match csv.read_byte_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map(|p| p.line()).unwrap_or(0);
                Some(check_width(&label2, line, rec.len()).map(|_| Row {
                    line,
                    cells: Cells::from_record(&rec),
                }))
            }
            Ok(false) => None,
            Err(e) => Some(Err(ImportError::unreadable(
                &label2,
                format!("the text cannot be read ({e})"),
            ))),
        }
    };
    let mut started = false;
    let rest = std::iter::from_fn(move || {
        let current = if started { ahead.take() } else { read_one() };
        started = true;
        let current = current?;
        ahead = read_one();
        match (current, &ahead) {
            (Ok(row), None) => Some(truncation.check(&row).map(|_| row)),
            (other, _) => Some(other),
        }
    });
    let mut table = table_from(&label, None, lead, Box::new(rest))?;
    table.encoding = encoding;
    Ok(table)
}

fn check_width(label: &str, line: u64, width: usize) -> Result<(), ImportError> {
    if width > MAX_COLUMNS {
        return Err(ImportError::unreadable(
            label,
            format!(
                "line {line} has {width} columns, but an export has at most {MAX_COLUMNS}: the file is damaged or is not an export"
            ),
        ));
    }
    Ok(())
}

/// Whether the file's last bytes hold a line end (in any of the encodings read).
fn ends_with_line_end(path: &Path) -> bool {
    use std::io::{Seek, SeekFrom};
    let Ok(mut file) = File::open(path) else {
        return true;
    };
    let mut tail = [0u8; 4];
    if file.seek(SeekFrom::End(-4)).is_err() && file.seek(SeekFrom::Start(0)).is_err() {
        return true;
    }
    let n = read_up_to(&mut file, &mut tail).unwrap_or(0);
    tail[..n].iter().any(|&b| b == b'\n' || b == b'\r')
}

/// Refuses a last row that stops short without a line end.
struct Truncation {
    label: String,
    width: usize,
    ends_cleanly: bool,
}

impl Truncation {
    fn check(&self, last: &Row) -> Result<(), ImportError> {
        if self.ends_cleanly || last.cells.len() >= self.width {
            return Ok(());
        }
        Err(ImportError::unreadable(
            &self.label,
            format!(
                "line {} stops after {} of the {} columns, with no line end: the file looks truncated (an interrupted download or copy); export or download it again",
                last.line,
                last.cells.len(),
                self.width
            ),
        ))
    }
}

/// Refuses rows holding a value no export field has: longer than [`MAX_CELL_CHARS`], or a
/// spreadsheet formula such as `=HYPERLINK("http://…","click")`, which would be stored as a
/// name and come back out as a live formula in someone's spreadsheet.
fn check_cells(label: &str, header: &[String], row: &Row) -> Result<(), ImportError> {
    // The usual row: too short to hold a value that long, and no formula anywhere.
    let text = row.cells.text();
    if text.len() <= MAX_CELL_CHARS && !text.contains('=') {
        return Ok(());
    }
    let column = |i: usize| {
        header
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("column {}", i + 1))
    };
    for (i, cell) in row.cells.iter().enumerate() {
        if cell.len() > MAX_CELL_CHARS && cell.chars().count() > MAX_CELL_CHARS {
            return Err(ImportError::unreadable(
                label,
                format!(
                    "line {}, column {:?} holds a value of {} characters, but a field of an export has at most {MAX_CELL_CHARS}: the file is damaged or is not an export",
                    row.line,
                    column(i),
                    cell.chars().count()
                ),
            ));
        }
        if is_formula(cell) {
            let shown: String = cell.chars().take(60).collect();
            return Err(ImportError::unreadable(
                label,
                format!(
                    "line {}, column {:?} holds the spreadsheet formula {shown}, not a value; export the values, not the formulas, and import again",
                    row.line,
                    column(i)
                ),
            ));
        }
    }
    Ok(())
}

/// `=NAME(` at the start of a cell: a spreadsheet function call.
fn is_formula(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix('=') else {
        return false;
    };
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    name_len > 0
        && rest.as_bytes()[0].is_ascii_alphabetic()
        && rest[name_len..].trim_start().starts_with('(')
}

/// Finds the header among the leading rows, drops title rows above it and a totals row at the
/// end, and sets aside extra header rows (Qualtrics).
fn table_from(
    label: &str,
    sheet: Option<String>,
    mut lead: VecDeque<Row>,
    rest: Rows,
) -> Result<Table, ImportError> {
    let lead_cells: Vec<Vec<String>> = lead.iter().map(|r| r.cells.to_vec()).collect();
    let at = best_header_row(lead_cells.iter().map(Vec::as_slice));
    let Some(at) = at else {
        let where_ = sheet
            .as_ref()
            .map(|s| format!(" (sheet {s:?})"))
            .unwrap_or_default();
        return Err(ImportError::unreadable(
            label,
            format!("no header row was found{where_}: the file holds no rows with column names"),
        ));
    };
    lead.drain(..at);
    let header_row = lead
        .pop_front()
        .expect("best_header_row returns an index in range");
    check_width(label, header_row.line, header_row.cells.len())?;
    let mut header: Vec<String> = header_row.cells.to_vec();
    while header.last().is_some_and(|h| h.is_empty()) {
        header.pop();
    }
    // Unnamed columns still need a unique name to be mapped by hand.
    for (i, h) in header.iter_mut().enumerate() {
        if h.is_empty() {
            *h = format!("column {}", i + 1);
        }
    }
    let mut header_notes = Vec::new();
    if header.iter().any(|h| normalise(h) == "responseid") {
        // Qualtrics: question text, then import ids, before the data.
        while let Some(row) = lead.front() {
            let first = row.cells.first().unwrap_or("");
            let looks_like_header = first.starts_with("{\"ImportId")
                || normalise(first) == "startdate"
                || normalise(first).starts_with("start date");
            if !looks_like_header || header_notes.len() >= 2 {
                break;
            }
            header_notes.push(lead.pop_front().expect("front exists").cells.to_vec());
        }
    }
    let rows: Rows = Box::new(DropTotals {
        inner: checked(
            label,
            &header,
            Box::new(lead.into_iter().map(Ok).chain(rest)),
        ),
        pending: None,
    });
    Ok(Table {
        sheet,
        header,
        header_notes,
        rows,
        encoding: None,
    })
}

/// `rows` with each row's values checked by [`check_cells`].
fn checked(label: &str, header: &[String], rows: Rows) -> Rows {
    let (label, header) = (label.to_string(), header.to_vec());
    Box::new(rows.map(move |r| r.and_then(|row| check_cells(&label, &header, &row).map(|_| row))))
}

/// How much a row looks like a header: named cells that map to known fields count most. A row
/// with one named cell is a header only in a table of one column (`one_column`); elsewhere it is
/// a title.
fn header_strength(cells: &[String], one_column: bool) -> f32 {
    // Column names are short; a row with a long value is data (and matching it would be slow).
    if cells.iter().any(|c| c.len() > 1000) {
        return 0.0;
    }
    let named: Vec<String> = cells.iter().filter(|c| !c.is_empty()).cloned().collect();
    if named.is_empty() || (named.len() < 2 && !one_column) {
        return 0.0;
    }
    let textual = named
        .iter()
        .filter(|c| c.chars().any(|ch| ch.is_alphabetic()))
        .count() as f32;
    let known = if detect_preset(&named).is_some() {
        10.0
    } else {
        Kind::ALL
            .iter()
            .map(|&k| {
                super::mapping::match_columns(k, &named)
                    .columns
                    .iter()
                    .map(|c| c.confidence)
                    .sum::<f32>()
            })
            .fold(0.0, f32::max)
    };
    known * 3.0 + textual
}

fn best_header_row<'a>(rows: impl Iterator<Item = &'a [String]> + Clone) -> Option<usize> {
    let one_column = rows
        .clone()
        .all(|cells| cells.iter().filter(|c| !c.is_empty()).count() <= 1);
    let mut best: Option<(usize, f32)> = None;
    for (i, cells) in rows.enumerate() {
        let s = header_strength(cells, one_column);
        if s > 0.0 && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| i)
}

/// Leaves out the last row when it is a totals row ("Total", "Grand total", "Sum").
struct DropTotals {
    inner: Rows,
    pending: Option<Row>,
}

impl Iterator for DropTotals {
    type Item = Result<Row, ImportError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let current = match self.pending.take() {
                Some(r) => r,
                None => match self.inner.next()? {
                    Ok(r) => r,
                    Err(e) => return Some(Err(e)),
                },
            };
            if current.cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            match self.inner.next() {
                Some(Ok(next)) => {
                    self.pending = Some(next);
                    return Some(Ok(current));
                }
                Some(Err(e)) => return Some(Err(e)),
                None => {
                    return if is_totals(&current) {
                        None
                    } else {
                        Some(Ok(current))
                    }
                }
            }
        }
    }
}

fn is_totals(row: &Row) -> bool {
    let first = row.cells.iter().find(|c| !c.is_empty());
    first.is_some_and(|c| {
        let n = normalise(c);
        n == "total" || n == "totals" || n == "grandtotal" || n == "sum" || n == "summary"
    })
}

// ---------------------------------------------------------------------------------------------
// Spreadsheets

/// Refuses workbooks whose parts inflate beyond [`MAX_XLSX_UNCOMPRESSED`] or by more than
/// [`MAX_XLSX_RATIO`] according to the zip directory, before anything is inflated; then proves
/// the directory true by inflating each part with a cap at its declared size, before calamine
/// reads it.
fn check_zip(path: &Path) -> Result<(), ImportError> {
    let label = file_label(path);
    let (file, _) = open_file(path)?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        ImportError::unreadable(
            &label,
            format!("the workbook is damaged or truncated: an .xlsx file is a zip archive, and this one is not complete ({e}); save or download it again"),
        )
    })?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| {
            ImportError::unreadable(&label, format!("the workbook is damaged ({e})"))
        })?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > 10 * 1024 * 1024 && size / packed > MAX_XLSX_RATIO {
            return Err(ImportError::unreadable(
                &label,
                format!(
                    "the workbook part {} inflates {}-fold to {} MB, which no export does; it was not opened",
                    entry.name().unwrap_or_default(),
                    size / packed,
                    size / 1_048_576
                ),
            ));
        }
    }
    if total > MAX_XLSX_UNCOMPRESSED {
        return Err(ImportError::unreadable(
            &label,
            format!(
                "the workbook unpacks to {} MB, more than the {} MB a spreadsheet import allows; export it as CSV instead",
                total / 1_048_576,
                MAX_XLSX_UNCOMPRESSED / 1_048_576
            ),
        ));
    }
    // The directory may lie: a crafted archive declares small sizes while its deflate streams
    // inflate to far more. Each part is inflated once through a reader that stops one byte past
    // its declared size (8 KB of buffer, at most `total` bytes inflated in all), so what calamine
    // reads next is known to be what the directory declared.
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| {
            ImportError::unreadable(&label, format!("the workbook is damaged ({e})"))
        })?;
        if entry.is_dir() {
            continue;
        }
        let declared = entry.size();
        let name = entry.name().unwrap_or_default().into_owned();
        let inflated = std::io::copy(
            &mut (&mut entry).take(declared.saturating_add(1)),
            &mut std::io::sink(),
        );
        // Fewer bytes, more bytes, a checksum that does not match, a broken stream (the zip
        // crate stops at the declared size itself, as an error): the part is not what the
        // directory says.
        let found = match inflated {
            Ok(n) if n == declared => continue,
            Ok(n) if n > declared => "more".to_string(),
            Ok(n) => format!("only {n} bytes"),
            Err(e) => format!("something else ({e})"),
        };
        return Err(ImportError::unreadable(
            &label,
            format!(
                "the workbook part {name} declares {declared} bytes in its zip directory but unpacks to {found}, which no export does: the file is damaged or crafted; it was not opened"
            ),
        ));
    }
    Ok(())
}

/// Text of a spreadsheet cell. Formulas arrive as their cached values; date cells become ISO
/// text and duration cells `hh:mm:ss`, so that one set of value parsers serves every format.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        // A duration cell, or a time cell with no date part (`h:mm:ss` formats of a fraction of
        // a day): a clock time, which reads as a duration or as a time of day.
        Data::DateTime(d) if d.is_duration() || (0.0..1.0).contains(&d.as_f64()) => {
            let secs = (d.as_f64() * 86_400.0).round() as i64;
            format!(
                "{:02}:{:02}:{:02}",
                secs / 3600,
                secs % 3600 / 60,
                secs % 60
            )
        }
        Data::DateTime(d) => {
            let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
            if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{da:02}")
            } else {
                format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}")
            }
        }
    }
}

fn open_workbook(path: &Path) -> Result<Vec<Table>, ImportError> {
    let label = file_label(path);
    match sniff_format(path)? {
        Format::Xlsx => check_zip(path)?,
        _ => {
            // Legacy .xls is read whole; a real one of this size does not exist.
            let (_, len) = open_file(path)?;
            if len > MAX_XLSX_UNCOMPRESSED {
                return Err(ImportError::unreadable(
                    &label,
                    format!(
                        "the workbook is {} MB, more than a spreadsheet import allows; export it as CSV instead",
                        len / 1_048_576
                    ),
                ));
            }
        }
    }
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        ImportError::unreadable(&label, format!("the spreadsheet cannot be read ({e})"))
    })?;
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            ImportError::unreadable(&label, format!("sheet {name:?} cannot be read ({e})"))
        })?;
        if range.is_empty() {
            continue;
        }
        let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
        let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        check_width(
            &label,
            first_row + 1,
            range.end().map(|(_, c)| c as usize + 1).unwrap_or(0),
        )?;
        let rows: Vec<Row> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                // Keep columns where the sheet has them, so a sheet starting at column C still
                // lines up with what the user sees.
                let mut text = vec![String::new(); first_col];
                text.extend(cells.iter().map(cell_text));
                Row {
                    line: first_row + i as u64 + 1,
                    cells: text.into(),
                }
            })
            .collect();
        let mut all: VecDeque<Row> = rows.into();
        let lead: VecDeque<Row> = all.drain(..all.len().min(HEADER_SEARCH_ROWS)).collect();
        match table_from(
            &label,
            Some(name.clone()),
            lead,
            Box::new(all.into_iter().map(Ok)),
        ) {
            Ok(t) => tables.push(t),
            // A sheet of notes or a chart has no header; other sheets may still hold data.
            Err(ImportError::Unreadable { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    if tables.is_empty() {
        return Err(ImportError::unreadable(
            &label,
            "no sheet of the workbook has a header row with column names",
        ));
    }
    Ok(tables)
}

// ---------------------------------------------------------------------------------------------
// JSON

/// One JSON value read strictly: an object naming a field twice is refused (a map keeps the
/// last one silently, and which one the export meant cannot be told), and so is a NUL character
/// in a key or a string (text in an export never holds one; CSV refuses it too). Otherwise the
/// `serde_json::Value` it would be, so that a Genesys Cloud response can be read as a tree.
struct StrictValue(serde_json::Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Strict {
            path: String::new(),
        })
        .map(StrictValue)
    }
}

/// Builds a value, knowing its dotted path for messages.
struct Strict {
    path: String,
}

fn no_nul<E: serde::de::Error>(field: &str, text: &str) -> Result<(), E> {
    if text.contains('\0') {
        return Err(E::custom(format!(
            "the field {field:?} holds a NUL character (\\u0000), which text in an export never does: the file is damaged or is not an export"
        )));
    }
    Ok(())
}

impl<'de> serde::de::DeserializeSeed<'de> for Strict {
    type Value = serde_json::Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        no_nul(&self.path, v)?;
        Ok(v.into())
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        no_nul(&self.path, &v)?;
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict {
            path: self.path.clone(),
        })? {
            items.push(v);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let key = if self.path.is_empty() {
                k.clone()
            } else {
                format!("{}.{k}", self.path)
            };
            no_nul(&key, &key)?;
            if out.contains_key(&k) {
                return Err(serde::de::Error::custom(format!(
                    "the field {key:?} is given twice in one object, and which value the export meant cannot be told: the file is damaged or was not written by a JSON library"
                )));
            }
            let v = map.next_value_seed(Strict { path: key })?;
            out.insert(k, v);
        }
        Ok(serde_json::Value::Object(out))
    }
}

/// A JSON array of records, counting those read so that a refusal can name its record.
struct RecordArray<'a>(&'a std::cell::Cell<usize>);

impl<'de> serde::de::DeserializeSeed<'de> for RecordArray<'_> {
    type Value = Vec<serde_json::Value>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RecordArray<'_> {
    type Value = Vec<serde_json::Value>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut records = Vec::new();
        while let Some(r) = seq.next_element::<StrictValue>()? {
            records.push(r.0);
            self.0.set(records.len());
        }
        Ok(records)
    }
}

/// Flattens nested objects to dotted keys; arrays stay as JSON text.
fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Bool(b) => out.push((prefix.to_string(), b.to_string())),
        Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
        Value::Array(_) => out.push((prefix.to_string(), value.to_string())),
    }
}

type JsonRecords = Box<dyn Iterator<Item = Result<Vec<(String, String)>, String>> + Send>;

/// One JSON record as (column, text) pairs: a Genesys Cloud conversation as its contact's row
/// (`genesys.rs`), a Zendesk ticket with its channel read (`zendesk.rs`), anything else
/// flattened.
fn record(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if super::genesys::is_conversation(v) {
        super::genesys::flatten(v, &mut out);
    } else if super::zendesk::is_ticket(v) {
        super::zendesk::flatten(v, &mut out);
    } else {
        flatten("", v, &mut out);
    }
    out
}

/// The file positioned after a UTF-8 BOM, which JSON parsers do not accept.
fn open_without_bom(path: &Path) -> Result<std::io::Chain<Cursor<Vec<u8>>, File>, ImportError> {
    let (mut file, _) = open_file(path)?;
    let mut head = [0u8; 3];
    let n = read_up_to(&mut file, &mut head).map_err(|e| {
        ImportError::unreadable(&file_label(path), format!("the file cannot be read ({e})"))
    })?;
    let keep = if head[..n] == [0xEF, 0xBB, 0xBF] {
        Vec::new()
    } else {
        head[..n].to_vec()
    };
    Ok(Cursor::new(keep).chain(file))
}

fn open_json(path: &Path) -> Result<Table, ImportError> {
    let label = file_label(path);
    let (mut file, len) = open_file(path)?;
    let mut first = [0u8; 4096];
    let n = read_up_to(&mut file, &mut first)
        .map_err(|e| ImportError::unreadable(&label, format!("the file cannot be read ({e})")))?;
    let body = &first[..n];
    let body = body.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(body);
    let is_array = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'[');
    let bad = |e: serde_json::Error| {
        let text = e.to_string();
        match text.strip_prefix("recursion limit exceeded") {
            Some(at) => format!(
                "the JSON is nested more than 128 levels deep{at}, which no export is; it is damaged or is not an export"
            ),
            // Refused by `FlatRecord`: the message names the field.
            None if e.is_data() => text,
            None => format!("the JSON is not valid ({e})"),
        }
    };
    let records: JsonRecords = if is_array {
        if len > MAX_JSON_ARRAY {
            return Err(ImportError::unreadable(
                &label,
                format!(
                    "a JSON array of {} MB is too large to read at once; export JSON Lines (one object per line) instead",
                    len / 1_048_576
                ),
            ));
        }
        let file = open_without_bom(path)?;
        let read = std::cell::Cell::new(0);
        let mut de = serde_json::Deserializer::from_reader(BufReader::new(file));
        let items = serde::de::DeserializeSeed::deserialize(RecordArray(&read), &mut de)
            .and_then(|items| de.end().map(|_| items))
            .map_err(|e| {
                let message = if e.is_data() {
                    format!("record {}: {}", read.get() + 1, bad(e))
                } else {
                    bad(e)
                };
                ImportError::unreadable(&label, message)
            })?;
        Box::new(items.into_iter().map(|v| Ok(record(&v))))
    } else {
        let file = open_without_bom(path)?;
        let stream =
            serde_json::Deserializer::from_reader(BufReader::with_capacity(256 * 1024, file))
                .into_iter::<StrictValue>();
        // A Genesys Cloud query response (`{"conversations": [...]}`) and a Zendesk ticket
        // list or incremental export (`{"tickets": [...]}`) are one value holding many records.
        Box::new(
            stream.flat_map(move |r| -> Vec<Result<Vec<(String, String)>, String>> {
                match r {
                    Ok(StrictValue(v)) => {
                        match super::genesys::conversations(v).or_else(super::zendesk::tickets) {
                            Ok(list) => list.iter().map(|c| Ok(record(c))).collect(),
                            Err(v) => vec![Ok(record(&v))],
                        }
                    }
                    Err(e) => vec![Err(bad(e))],
                }
            }),
        )
    };
    let mut records = records;
    let mut sample: VecDeque<Vec<(String, String)>> = VecDeque::new();
    let mut header: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    while sample.len() < JSON_HEADER_SAMPLE {
        match records.next() {
            Some(Ok(rec)) => {
                for (k, _) in &rec {
                    if !index.contains_key(k) {
                        index.insert(k.clone(), header.len());
                        header.push(k.clone());
                    }
                }
                sample.push_back(rec);
            }
            Some(Err(e)) => {
                let n = sample.len() + 1;
                return Err(ImportError::unreadable(&label, format!("record {n}: {e}")));
            }
            None => break,
        }
    }
    if sample.is_empty() {
        return Err(ImportError::unreadable(&label, "the JSON holds no records"));
    }
    // Fields a vendor documents may be absent from the first records (no agent on abandons).
    if let Some(preset) = detect_preset(&header) {
        for extra in super::mapping::preset_headers(preset) {
            if !index.contains_key(*extra) {
                index.insert(extra.to_string(), header.len());
                header.push(extra.to_string());
            }
        }
    }
    let width = header.len();
    check_width(&label, 1, width)?;
    let label2 = label.clone();
    let mut number = 0u64;
    let rows = sample.into_iter().map(Ok).chain(records).map(move |r| {
        number += 1;
        let rec =
            r.map_err(|e| ImportError::unreadable(&label2, format!("record {number}: {e}")))?;
        let mut cells = vec![String::new(); width];
        for (k, v) in rec {
            // Fields first seen after the sample are not in the header; they are ignored, as
            // unknown vendor fields should be.
            if let Some(&i) = index.get(&k) {
                cells[i] = v;
            }
        }
        Ok(Row {
            line: number,
            cells: cells.into(),
        })
    });
    Ok(Table {
        sheet: None,
        rows: checked(&label, &header, Box::new(rows)),
        header,
        header_notes: Vec::new(),
        encoding: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn all_rows(t: Table) -> Vec<Vec<String>> {
        t.rows.map(|r| r.unwrap().cells.to_vec()).collect()
    }

    #[test]
    fn delimiters_are_sniffed() {
        let dir = tempfile::tempdir().unwrap();
        for (d, name) in [(",", "comma"), (";", "semi"), ("\t", "tab"), ("|", "pipe")] {
            let text =
                format!("contact_id{d}started_at{d}wait_s\r\nA1{d}2026-07-01 09:00{d}12\r\n");
            let p = write(dir.path(), &format!("{name}.csv"), text.as_bytes());
            let mut tables = open_tables(&p).unwrap();
            let t = tables.remove(0);
            assert_eq!(t.header, ["contact_id", "started_at", "wait_s"], "{name}");
            assert_eq!(
                all_rows(t),
                [["A1", "2026-07-01 09:00", "12"]],
                "{name}: CRLF is one line end"
            );
        }
    }

    #[test]
    fn encodings_are_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let text = "agent;queue\nZoë Ó Briain;Café\n";
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(text.as_bytes());
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        for (name, bytes) in [
            ("utf8.csv", text.as_bytes().to_vec()),
            ("utf8bom.csv", bom8),
            ("utf16le.csv", le),
            ("utf16be.csv", be),
            ("cp1252.csv", cp1252.into_owned()),
        ] {
            let p = write(dir.path(), name, &bytes);
            let t = open_tables(&p).unwrap().remove(0);
            assert_eq!(
                t.header,
                ["agent", "queue"],
                "{name}: the BOM is not part of the first header"
            );
            assert_eq!(all_rows(t), [["Zoë Ó Briain", "Café"]], "{name}");
        }
    }

    #[test]
    fn a_byte_order_mark_inside_the_file_leaves_the_first_cell() {
        // Two UTF-8 exports with BOMs joined by `cat`: the second part's rows start with the
        // mark, wherever the join put it, plain or before a quoted value.
        let dir = tempfile::tempdir().unwrap();
        let bom = "\u{feff}";
        let text = format!(
            "{bom}contact_id,queue\nC1,Billing\n{bom}C2,Billing\n{bom}\"C3\",Sales\n{bom}  C4 ,Sales\nC5,{bom}Sales\n"
        );
        let p = write(dir.path(), "joined.csv", text.as_bytes());
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(t.header, ["contact_id", "queue"]);
        assert_eq!(
            all_rows(t),
            [
                ["C1", "Billing"],
                ["C2", "Billing"],
                ["C3", "Sales"],
                ["C4", "Sales"],
                // Only a row's start is a file's start: a mark elsewhere is the data's.
                ["C5", "\u{feff}Sales"],
            ],
            "the mark is not part of a contact id"
        );
    }

    #[test]
    fn a_table_of_one_column_has_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "ids.csv", b"contact_id\nC1\nC2\n");
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(t.header, ["contact_id"], "the one name is the header");
        assert_eq!(all_rows(t), [["C1"], ["C2"]]);
        // Above a wider header, one named cell is still a title.
        let p = write(
            dir.path(),
            "titled.csv",
            b"Queue report\nqueue,offered\nBilling,3\n",
        );
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(t.header, ["queue", "offered"]);
    }

    #[test]
    fn title_rows_and_totals_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Weekly queue report\nGenerated 2026-07-08\n\ninterval_start,queue,offered,handled\n2026-07-01,Billing,10,9\n2026-07-02,Billing,12,11\nTotal,,22,20\n";
        let p = write(dir.path(), "titled.csv", text.as_bytes());
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(t.header, ["interval_start", "queue", "offered", "handled"]);
        let rows = all_rows(t);
        assert_eq!(rows.len(), 2, "the totals row is not data: {rows:?}");
    }

    #[test]
    fn empty_files_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "nothing.csv", b"");
        let err = open_tables(&p).unwrap_err().to_string();
        assert!(
            err.contains("nothing.csv") && err.contains("empty"),
            "{err}"
        );
        let p = write(dir.path(), "blank.csv", b"\n\n  \n");
        let err = open_tables(&p).unwrap_err().to_string();
        assert!(err.contains("blank.csv"), "{err}");
    }

    #[test]
    fn json_lines_and_arrays_flatten_nested_objects() {
        let dir = tempfile::tempdir().unwrap();
        let lines = b"{\"ContactId\":\"a\",\"Queue\":{\"Name\":\"Q\",\"Duration\":12}}\n{\"ContactId\":\"b\",\"Queue\":null,\"New\":1}\n";
        let p = write(dir.path(), "ctr.jsonl", lines);
        let t = open_tables(&p).unwrap().remove(0);
        let col = |name: &str| {
            t.header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{name} should be a column: {:?}", t.header))
        };
        let (id, name, duration) = (col("ContactId"), col("Queue.Name"), col("Queue.Duration"));
        let rows = all_rows(t);
        assert_eq!(
            (
                rows[0][id].as_str(),
                rows[0][name].as_str(),
                rows[0][duration].as_str()
            ),
            ("a", "Q", "12"),
            "nested fields are flattened with dots"
        );
        assert_eq!(rows[1][id], "b");
        assert_eq!(rows[1][name], "", "a null object leaves its fields blank");
        let p = write(
            dir.path(),
            "arr.json",
            b"\xEF\xBB\xBF[{\"id\":1,\"x\":\"y\"},{\"id\":2}]",
        );
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(t.header, ["id", "x"]);
        assert_eq!(all_rows(t), [vec!["1", "y"], vec!["2", ""]]);
    }

    #[test]
    fn json_refuses_a_nul_or_a_field_given_twice_and_names_the_record_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let ok = r#"{"ContactId":"a","Queue":{"Name":"Q"}}"#;
        for (name, second, record, field, what) in [
            (
                "nul_value",
                r#"{"ContactId":"b","Queue":{"Name":"Q\u0000x"}}"#,
                2,
                "Queue.Name",
                "NUL",
            ),
            (
                "nul_key",
                r#"{"ContactId":"b","Qu\u0000eue":1}"#,
                2,
                "Qu\0eue",
                "NUL",
            ),
            (
                "twice",
                r#"{"ContactId":"b","Agent":"x","ContactId":"c"}"#,
                2,
                "ContactId",
                "twice",
            ),
            (
                "twice_nested",
                r#"{"ContactId":"b","Queue":{"Name":"Q","Name":"R"}}"#,
                2,
                "Queue.Name",
                "twice",
            ),
        ] {
            for array in [false, true] {
                let text = if array {
                    format!("[{ok},\n{ok},\n{second}]")
                } else {
                    format!("{ok}\n{ok}\n{second}\n")
                };
                let record = record + 1;
                let file = format!("{name}.{}", if array { "json" } else { "jsonl" });
                let p = write(dir.path(), &file, text.as_bytes());
                let err = match open_tables(&p) {
                    Ok(mut t) => t
                        .remove(0)
                        .rows
                        .find_map(Result::err)
                        .unwrap_or_else(|| panic!("{file}: taken"))
                        .to_string(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    err.contains(&file)
                        && err.contains(&format!("record {record}:"))
                        && err.contains(&format!("{field:?}"))
                        && err.contains(what),
                    "{file}: the refusal names the file, record {record}, the field {field:?} and {what}: {err}"
                );
            }
        }
    }

    #[test]
    fn json_fields_keep_the_order_of_a_parsed_object() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "order.jsonl",
            br#"{"b":1.5,"Queue-A":true,"Queue":{"z":null,"y":[1,"a"]},"a":10.0}"#,
        );
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(
            t.header,
            ["Queue", "Queue-A", "a", "b"]
                .iter()
                .flat_map(|k| match *k {
                    "Queue" => vec!["Queue.y", "Queue.z"],
                    k => vec![k],
                })
                .collect::<Vec<_>>(),
            "each object's keys sorted, nested ones under their parent (as serde_json's map)"
        );
        assert_eq!(
            all_rows(t),
            [["[1,\"a\"]", "", "true", "10.0", "1.5"]],
            "values written as serde_json::Value wrote them"
        );
    }

    #[test]
    fn a_row_keeps_its_cells_in_one_buffer_trimmed_and_in_order() {
        let mut rec = csv::ByteRecord::new();
        for f in [&b" C1 "[..], b"", b"caf\xc3\xa9", b"bad \xff byte", b"  "] {
            rec.push_field(f);
        }
        let cells = Cells::from_record(&rec);
        assert_eq!(cells.len(), 5);
        assert_eq!(
            cells.to_vec(),
            vec!["C1", "", "café", "bad \u{fffd} byte", ""],
            "trimmed; invalid UTF-8 reads as U+FFFD"
        );
        assert_eq!((cells.get(2), cells.get(5)), (Some("café"), None));
        // Valid UTF-8 with nothing to trim (read as it is), then with a cell to trim.
        for (fields, want) in [
            (vec!["C1", "", "café", "x y"], vec!["C1", "", "café", "x y"]),
            (
                vec!["C1", "", "café ", "\u{a0}x"],
                vec!["C1", "", "café", "x"],
            ),
            (vec!["C1", " ", "é", "z"], vec!["C1", "", "é", "z"]),
        ] {
            let rec = csv::ByteRecord::from(fields.clone());
            let cells = Cells::from_record(&rec);
            assert_eq!(cells.to_vec(), want, "{fields:?}");
            assert_eq!(cells.text(), want.concat());
        }
        let given = Cells::from(vec![" a ".to_string(), String::new(), "b".into()]);
        assert_eq!(given.iter().collect::<Vec<_>>(), vec![" a ", "", "b"]);
        assert_eq!(format!("{given:?}"), r#"[" a ", "", "b"]"#);
    }
}
