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
/// A workbook's shared strings (every text of its cells, once each) are held in memory while it
/// is read, about 32 bytes a string beside its text: a table that would take more than this is
/// refused. 27 million one-letter strings took 844 MB.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 64 << 20;
/// A JSON Lines record (or one of a file of objects one after the other, or one element of a
/// JSON array) longer than this many
/// bytes is refused as soon as this many are read, before it is parsed whole: a record of an
/// export is a few KB (an Amazon Connect contact record) to some hundreds of KB (a Genesys
/// conversation with many segments). A 500 MB line took 2.5 GB before the value limit refused it.
pub const MAX_JSON_RECORD: usize = 8 << 20;
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
        let mut strings = StringCount::default();
        let inflated = std::io::copy(
            &mut (&mut entry).take(declared.saturating_add(1)),
            &mut strings,
        );
        if name.eq_ignore_ascii_case("xl/sharedStrings.xml") {
            // Each string as calamine holds it: its text (at most the part's bytes) and about
            // 32 bytes beside.
            let held = strings.count.saturating_mul(32).saturating_add(declared);
            if held > MAX_SHARED_STRINGS_BYTES {
                return Err(ImportError::unreadable(
                    &label,
                    format!(
                        "the workbook's table of texts holds {} strings ({} MB unpacked), which would take about {} MB to read, more than a spreadsheet import allows ({} MB); export it as CSV instead",
                        strings.count,
                        declared / 1_048_576,
                        held / 1_048_576,
                        MAX_SHARED_STRINGS_BYTES / 1_048_576
                    ),
                ));
            }
        }
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

/// Counts the strings (`<si>` elements) of a shared-strings part written through it.
#[derive(Debug, Default)]
struct StringCount {
    count: u64,
    /// The last bytes of the previous write, for an element split between two.
    carry: [u8; 3],
}

impl std::io::Write for StringCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // `<si` then `>`, white space or `/`: not `<sinfo`, nor `<sheet`.
        let at = |w: &[u8]| {
            w.starts_with(b"<si") && matches!(w[3], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
        };
        // Elements starting in the carry, then those starting in `buf`.
        let mut head = self.carry.to_vec();
        head.extend_from_slice(&buf[..buf.len().min(3)]);
        self.count += head.windows(4).filter(|w| at(w)).count() as u64;
        self.count += buf.windows(4).filter(|w| at(w)).count() as u64;
        let mut all = self.carry.to_vec();
        all.extend_from_slice(&buf[buf.len().saturating_sub(3)..]);
        self.carry.copy_from_slice(&all[all.len() - 3..]);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
        Format::Xlsx => {
            check_zip(path)?;
            return open_xlsx(path);
        }
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
        push_sheet(
            &mut tables,
            table_from(
                &label,
                Some(name.clone()),
                lead,
                Box::new(all.into_iter().map(Ok)),
            ),
        )?;
    }
    workbook_tables(&label, tables)
}

/// Keeps a sheet read as a table; a sheet of notes or a chart has no header (unreadable), and
/// other sheets may still hold data, so it is left out rather than refusing the workbook.
fn push_sheet(
    tables: &mut Vec<Table>,
    sheet: Result<Table, ImportError>,
) -> Result<(), ImportError> {
    match sheet {
        Ok(t) => tables.push(t),
        Err(ImportError::Unreadable { .. }) => {}
        Err(e) => return Err(e),
    }
    Ok(())
}

/// A workbook's tables, refused when no sheet had a header row.
fn workbook_tables(label: &str, tables: Vec<Table>) -> Result<Vec<Table>, ImportError> {
    if tables.is_empty() {
        return Err(ImportError::unreadable(
            label,
            "no sheet of the workbook has a header row with column names",
        ));
    }
    Ok(tables)
}

/// The sheets of an .xlsx workbook, each read as a stream of rows: the first rows (for the
/// header) here, the rest by [`SheetRows`] when they are asked for. Only the workbook's shared
/// strings (bounded by [`check_zip`]) and a few rows are held at once: calamine's
/// `worksheet_range` made a grid of every cell from the first to the last, 32 bytes each, so a
/// sheet of a quarter's contacts took hundreds of MB, and two cells far apart (A1 and
/// XFD1048576) asked for 550 GB.
fn open_xlsx(path: &Path) -> Result<Vec<Table>, ImportError> {
    let label = file_label(path);
    let mut book: calamine::Xlsx<BufReader<File>> = calamine::open_workbook(path).map_err(|e| {
        ImportError::unreadable(&label, format!("the spreadsheet cannot be read ({e})"))
    })?;
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        let mut lead: VecDeque<Row> = VecDeque::new();
        match book.worksheet_cells_reader(&name) {
            Ok(mut cells) => each_sheet_row(&label, &name, &mut cells, &mut |row| {
                lead.push_back(row);
                lead.len() < HEADER_SEARCH_ROWS
            })?,
            // A chart sheet holds no cells.
            Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => {
                return Err(ImportError::unreadable(
                    &label,
                    format!("sheet {name:?} cannot be read ({e})"),
                ))
            }
        }
        if lead.is_empty() {
            continue;
        }
        let rest = SheetRows {
            path: path.to_path_buf(),
            label: label.clone(),
            sheet: name.clone(),
            skip: lead.len(),
            rows: None,
            thread: None,
            done: false,
        };
        push_sheet(
            &mut tables,
            table_from(&label, Some(name.clone()), lead, Box::new(rest)),
        )?;
    }
    workbook_tables(&label, tables)
}

/// Gives `each` the rows of a sheet in order, until it returns `false`: a row's cells at their
/// columns (a sheet starting at column C still lines up with what the user sees), the empty
/// rows between rows with cells, nothing before the first row with a cell. A row wider than
/// [`MAX_COLUMNS`] is refused as soon as its cell beyond is read.
fn each_sheet_row<RS: Read + std::io::Seek>(
    label: &str,
    sheet: &str,
    cells: &mut calamine::XlsxCellReader<'_, RS>,
    each: &mut dyn FnMut(Row) -> bool,
) -> Result<(), ImportError> {
    // The row being gathered (its index and texts) and the last row given.
    let mut current: Option<(u32, Vec<String>)> = None;
    let mut last: Option<u32> = None;
    let mut give = |at: u32, texts: Vec<String>, last: &mut Option<u32>| -> bool {
        if let Some(l) = *last {
            for empty in l.saturating_add(1)..at {
                let row = Row {
                    line: u64::from(empty) + 1,
                    cells: Cells::default(),
                };
                if !each(row) {
                    return false;
                }
            }
        }
        *last = Some(at);
        each(Row {
            line: u64::from(at) + 1,
            cells: texts.into(),
        })
    };
    loop {
        let cell = cells.next_cell().map_err(|e| {
            ImportError::unreadable(label, format!("sheet {sheet:?} cannot be read ({e})"))
        })?;
        let Some(cell) = cell else { break };
        if matches!(cell.get_value(), calamine::DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        check_width(label, u64::from(row) + 1, col as usize + 1)?;
        let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
        if current.as_ref().is_some_and(|(r, _)| *r != row) {
            let (r, texts) = current.take().expect("checked above");
            if !give(r, texts, &mut last) {
                return Ok(());
            }
        }
        let texts = &mut current.get_or_insert_with(|| (row, Vec::new())).1;
        if texts.len() <= col as usize {
            texts.resize(col as usize + 1, String::new());
        }
        texts[col as usize] = text;
    }
    if let Some((r, texts)) = current {
        give(r, texts, &mut last);
    }
    Ok(())
}

/// A sheet's rows after the first `skip`, read on a thread of its own from the workbook opened
/// again, started when they are first asked for; a few rows wait in a bounded channel. Dropping
/// it stops the thread.
struct SheetRows {
    path: std::path::PathBuf,
    label: String,
    sheet: String,
    skip: usize,
    rows: Option<std::sync::mpsc::Receiver<Result<Row, ImportError>>>,
    thread: Option<std::thread::JoinHandle<()>>,
    done: bool,
}

impl SheetRows {
    fn start(&mut self) -> Result<(), ImportError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(256);
        let (path, label, sheet, skip) = (
            self.path.clone(),
            self.label.clone(),
            self.sheet.clone(),
            self.skip,
        );
        let thread = std::thread::Builder::new()
            .name("qbr-sheet".into())
            .spawn(move || {
                let read = (|| -> Result<(), ImportError> {
                    let mut book: calamine::Xlsx<BufReader<File>> = calamine::open_workbook(&path)
                        .map_err(|e| {
                            ImportError::unreadable(
                                &label,
                                format!("the spreadsheet cannot be read ({e})"),
                            )
                        })?;
                    let mut cells = book.worksheet_cells_reader(&sheet).map_err(|e| {
                        ImportError::unreadable(
                            &label,
                            format!("sheet {sheet:?} cannot be read ({e})"),
                        )
                    })?;
                    let mut seen = 0usize;
                    each_sheet_row(&label, &sheet, &mut cells, &mut |row| {
                        seen += 1;
                        // Nobody listens any more: the import stopped.
                        seen <= skip || tx.send(Ok(row)).is_ok()
                    })
                })();
                if let Err(e) = read {
                    let _ = tx.send(Err(e));
                }
            })
            .map_err(|e| {
                ImportError::unreadable(
                    &self.label,
                    format!("the spreadsheet cannot be read (no thread to read it: {e})"),
                )
            })?;
        self.rows = Some(rx);
        self.thread = Some(thread);
        Ok(())
    }
}

impl Iterator for SheetRows {
    type Item = Result<Row, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.rows.is_none() {
            if let Err(e) = self.start() {
                self.done = true;
                return Some(Err(e));
            }
        }
        match self.rows.as_ref()?.recv() {
            Ok(Ok(row)) => Some(Ok(row)),
            Ok(Err(e)) => {
                self.done = true;
                Some(Err(e))
            }
            Err(_) => {
                self.done = true;
                None
            }
        }
    }
}

impl Drop for SheetRows {
    fn drop(&mut self) {
        // The thread stops at its next row, when it finds nobody to hand it to.
        self.rows = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
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

/// Records of a JSON array handed from the thread that parses them to the reader at once, at
/// most: the parser stops after this many, or after [`ARRAY_BATCH_BYTES`] of their text.
const ARRAY_BATCH_RECORDS: usize = 256;
/// Bytes of flattened text a batch of a JSON array's records holds before it is handed over
/// (and the record that passed it).
const ARRAY_BATCH_BYTES: usize = 1 << 20;

/// A batch of records (or the error that ended the array) on its way to the reader.
type RecordBatch = Vec<Result<Vec<(String, String)>, String>>;

/// The elements of a JSON array, parsed one at a time by serde's `SeqAccess` (serde_json's
/// reader `Deserializer` has no iterator over an array's elements: serde-rs/json#404; a visitor
/// is its maintainers' way) and handed over in small batches through a channel holding one.
/// The array is never held whole: the parser holds one record (refused past
/// [`MAX_JSON_RECORD`] bytes by `RecordLimit`, as a JSON Lines record is), the batch it fills,
/// and the batch waiting.
struct RecordArray<'a> {
    to: &'a std::sync::mpsc::SyncSender<RecordBatch>,
    batch: RecordBatch,
    bytes: usize,
    /// The reader went away (the import ended or was cancelled): the parser stops.
    gone: bool,
}

impl RecordArray<'_> {
    /// Hands the batch over; `false` when nobody reads any more.
    fn send(&mut self) -> bool {
        self.bytes = 0;
        if self.batch.is_empty() {
            return !self.gone;
        }
        let batch = std::mem::take(&mut self.batch);
        if self.to.send(batch).is_err() {
            self.gone = true;
        }
        !self.gone
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut RecordArray<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut RecordArray<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while let Some(r) = seq.next_element::<StrictValue>()? {
            let fields = record(&r.0);
            drop(r);
            self.bytes += fields.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
            self.batch.push(Ok(fields));
            if (self.batch.len() >= ARRAY_BATCH_RECORDS || self.bytes >= ARRAY_BATCH_BYTES)
                && !self.send()
            {
                return Err(serde::de::Error::custom("the import stopped reading"));
            }
        }
        Ok(())
    }
}

/// The records of a JSON array, parsed on a thread of their own one element at a time (see
/// [`RecordArray`]); the thread ends with the array, at its first error, or when the records
/// are no longer read.
fn json_array(reader: impl Read + Send + 'static) -> JsonRecords {
    let (to, from) = std::sync::mpsc::sync_channel::<RecordBatch>(1);
    let parse = move || {
        let limited = RecordLimit::in_array(reader, MAX_JSON_RECORD);
        let mut de =
            serde_json::Deserializer::from_reader(BufReader::with_capacity(256 * 1024, limited));
        let mut array = RecordArray {
            to: &to,
            batch: Vec::new(),
            bytes: 0,
            gone: false,
        };
        let read =
            serde::de::DeserializeSeed::deserialize(&mut array, &mut de).and_then(|()| de.end());
        if array.gone {
            return;
        }
        if let Err(e) = read {
            array.batch.push(Err(json_error(e)));
        }
        array.send();
    };
    if let Err(e) = std::thread::Builder::new()
        .name("qbr-json-array".into())
        .spawn(parse)
    {
        return Box::new(std::iter::once(Err(format!(
            "the JSON cannot be read (no thread to parse it: {e})"
        ))));
    }
    Box::new(from.into_iter().flatten())
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

/// What a person reads when a JSON file cannot be parsed.
fn json_error(e: serde_json::Error) -> String {
    if e.io_error_kind() == Some(std::io::ErrorKind::InvalidData) {
        // The reader's own words, without the parser's position in the file.
        let text = std::io::Error::from(e).to_string();
        return match text.strip_prefix(RECORD_TOO_LARGE) {
            Some(rest) => format!("it is {}", rest.trim()),
            None => format!("the JSON cannot be read ({text})"),
        };
    }
    let text = e.to_string();
    match text.strip_prefix("recursion limit exceeded") {
        Some(at) => format!(
            "the JSON is nested more than 128 levels deep{at}, which no export is; it is damaged or is not an export"
        ),
        // Refused by `StrictValue`: the message names the field.
        None if e.is_data() => text,
        None => format!("the JSON is not valid ({e})"),
    }
}

/// The records of JSON Lines (or objects one after the other), read one at a time, each
/// refused as soon as it passes [`MAX_JSON_RECORD`] bytes.
fn json_lines(reader: impl Read + Send + 'static) -> JsonRecords {
    let limited = RecordLimit::new(reader, MAX_JSON_RECORD);
    let stream =
        serde_json::Deserializer::from_reader(BufReader::with_capacity(256 * 1024, limited))
            .into_iter::<StrictValue>();
    // A Genesys Cloud query response (`{"conversations": [...]}`) and a Zendesk ticket list or
    // incremental export (`{"tickets": [...]}`) are one value holding many records (and one
    // record for the limit).
    Box::new(
        stream.flat_map(move |r| -> Vec<Result<Vec<(String, String)>, String>> {
            match r {
                Ok(StrictValue(v)) => {
                    match super::genesys::conversations(v).or_else(super::zendesk::tickets) {
                        Ok(list) => list.iter().map(|c| Ok(record(c))).collect(),
                        Err(v) => vec![Ok(record(&v))],
                    }
                }
                Err(e) => vec![Err(json_error(e))],
            }
        }),
    )
}

/// How the error of a record too large starts (`json_error` finds it by this).
const RECORD_TOO_LARGE: &str = "a JSON record too large:";

/// Reads a stream of JSON values and fails as soon as one of them (a record) has taken more
/// than `limit` bytes, following strings and nesting on the way: the parser above never holds
/// more of one record than the limit and a buffer's worth. Whitespace between records, where
/// one record ends and the next begins, is not counted.
struct RecordLimit<R> {
    inner: R,
    limit: usize,
    /// Bytes of the record being read so far.
    bytes: usize,
    depth: u64,
    /// The depth records are at: 0 for JSON Lines, 1 for the elements of an array.
    base: u64,
    in_string: bool,
    escaped: bool,
}

impl<R: Read> RecordLimit<R> {
    fn new(inner: R, limit: usize) -> RecordLimit<R> {
        RecordLimit {
            inner,
            limit,
            bytes: 0,
            depth: 0,
            base: 0,
            in_string: false,
            escaped: false,
        }
    }

    /// The limit on each element of a JSON array (the array's brackets, and the commas and
    /// whitespace between its elements, belong to none).
    fn in_array(inner: R, limit: usize) -> RecordLimit<R> {
        RecordLimit {
            base: 1,
            ..RecordLimit::new(inner, limit)
        }
    }

    /// Follows one byte; `true` when the record it belongs to passed the limit.
    fn follow(&mut self, b: u8) -> bool {
        let ends = if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            !self.in_string && self.depth == self.base
        } else {
            match b {
                b'"' => {
                    self.in_string = true;
                    false
                }
                b'{' | b'[' if self.depth < self.base => {
                    // The array holding the records.
                    self.depth += 1;
                    self.bytes = 0;
                    return false;
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    false
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.depth <= self.base
                }
                b' ' | b'\n' | b'\r' | b'\t' if self.depth <= self.base => {
                    // Between records (or right after a bare value).
                    self.bytes = 0;
                    return false;
                }
                b',' if self.depth == self.base && self.base > 0 => {
                    // Between the elements of an array.
                    self.bytes = 0;
                    return false;
                }
                _ => false,
            }
        };
        self.bytes += 1;
        if self.bytes > self.limit {
            return true;
        }
        if ends {
            self.bytes = 0;
        }
        false
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if self.follow(b) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{RECORD_TOO_LARGE} larger than {} MB, which no record of an export is (an API's page of results, Genesys Cloud's or Zendesk's, counts as one: export smaller pages): the file is damaged or is not an export",
                        self.limit >> 20
                    ),
                ));
            }
        }
        Ok(n)
    }
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
    let (mut file, _) = open_file(path)?;
    let mut first = [0u8; 4096];
    let n = read_up_to(&mut file, &mut first)
        .map_err(|e| ImportError::unreadable(&label, format!("the file cannot be read ({e})")))?;
    let body = &first[..n];
    let body = body.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(body);
    let is_array = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'[');
    let records: JsonRecords = if is_array {
        json_array(open_without_bom(path)?)
    } else {
        json_lines(open_without_bom(path)?)
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

    /// Writes a one-sheet .xlsx (parts stored, not deflated) whose sheet's `<sheetData>` and
    /// shared strings' `<sst>` contents `sheet` and `strings` write.
    fn write_xlsx(
        path: &Path,
        sheet: impl FnOnce(&mut dyn std::io::Write),
        strings: impl FnOnce(&mut dyn std::io::Write),
    ) {
        use std::io::Write;
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let pkg = "http://schemas.openxmlformats.org/package/2006";
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        let mut part = |name: &str, text: &dyn Fn(&mut dyn Write)| {
            zip.start_file(name, stored).unwrap();
            text(&mut zip);
        };
        part("[Content_Types].xml", &|w| {
            write!(w, r#"<Types xmlns="{pkg}/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#).unwrap()
        });
        part("_rels/.rels", &|w| {
            write!(w, r#"<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#).unwrap()
        });
        part("xl/workbook.xml", &|w| {
            write!(w, r#"<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>"#).unwrap()
        });
        part("xl/_rels/workbook.xml.rels", &|w| {
            write!(w, r#"<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#).unwrap()
        });
        zip.start_file("xl/worksheets/sheet1.xml", stored).unwrap();
        let mut w = std::io::BufWriter::new(&mut zip);
        write!(w, r#"<worksheet xmlns="{main}"><sheetData>"#).unwrap();
        sheet(&mut w);
        write!(w, "</sheetData></worksheet>").unwrap();
        drop(w);
        zip.start_file("xl/sharedStrings.xml", stored).unwrap();
        let mut w = std::io::BufWriter::new(&mut zip);
        write!(w, r#"<sst xmlns="{main}">"#).unwrap();
        strings(&mut w);
        write!(w, "</sst>").unwrap();
        drop(w);
        zip.finish().unwrap();
    }

    #[test]
    fn a_workbook_whose_table_of_texts_is_too_large_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("many_strings.xlsx");
        // 1.5 million distinct two-letter strings (27 MB of XML): about 75 MB to hold.
        write_xlsx(
            &p,
            |w| write!(w, r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#).unwrap(),
            |w| {
                for i in 0..1_500_000u32 {
                    write!(w, "<si><t>{}</t></si>", i % 1296).unwrap();
                }
            },
        );
        let err = open_tables(&p).unwrap_err().to_string();
        assert!(
            err.contains("many_strings.xlsx")
                && err.contains("1500000 strings")
                && err.contains("export it as CSV"),
            "{err}"
        );
        // Under the limit: the same workbook with 100,000 strings reads.
        write_xlsx(
            &p,
            |w| {
                write!(
                    w,
                    r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#
                )
                .unwrap();
                write!(w, r#"<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>99999</v></c></row>"#)
                    .unwrap();
            },
            |w| {
                write!(w, "<si><t>contact_id</t></si><si><t>queue</t></si>").unwrap();
                for i in 2..100_000u32 {
                    write!(w, "<si><t>s{i}</t></si>").unwrap();
                }
            },
        );
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(t.header, ["contact_id", "queue"]);
        assert_eq!(all_rows(t), [["s2", "s99999"]]);
    }

    #[test]
    fn a_sheet_is_read_as_a_stream_whatever_its_extent() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("far_cells.xlsx");
        // A header, two rows, then a row a million rows down in column D, and one in column
        // XFD: a reader that made a grid of the sheet would ask for 17 billion cells.
        let strings = |w: &mut dyn std::io::Write| {
            for s in ["contact_id", "queue", "C1", "Billing", "C2", "Sales", "far"] {
                write!(w, "<si><t>{s}</t></si>").unwrap();
            }
        };
        let sheet = |far: &'static str| {
            move |w: &mut dyn std::io::Write| {
                write!(
                    w,
                    r#"<row r="3"><c r="B3" t="s"><v>0</v></c><c r="C3" t="s"><v>1</v></c></row>"#
                )
                .unwrap();
                write!(
                    w,
                    r#"<row r="4"><c r="B4" t="s"><v>2</v></c><c r="C4" t="s"><v>3</v></c></row>"#
                )
                .unwrap();
                write!(
                    w,
                    r#"<row r="5"><c r="B5" t="s"><v>4</v></c><c r="C5" t="s"><v>5</v></c></row>"#
                )
                .unwrap();
                write!(
                    w,
                    r#"<row r="1048576"><c r="{far}1048576" t="s"><v>6</v></c></row>"#
                )
                .unwrap();
            }
        };
        write_xlsx(&p, sheet("D"), strings);
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(
            t.header,
            ["column 1", "contact_id", "queue"],
            "columns where the sheet has them: the header starts in column B"
        );
        let rows: Vec<Row> = t.rows.map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3, "empty rows between are left out: {rows:?}");
        assert_eq!(rows[0].line, 4, "rows keep their numbers");
        assert_eq!(rows[0].cells.to_vec(), ["", "C1", "Billing"]);
        assert_eq!(rows[2].line, 1_048_576);
        assert_eq!(rows[2].cells.to_vec(), ["", "", "", "far"]);

        write_xlsx(&p, sheet("XFD"), strings);
        let err = match open_tables(&p) {
            Err(e) => e.to_string(),
            Ok(mut tables) => tables
                .remove(0)
                .rows
                .find_map(Result::err)
                .expect("the far row is refused")
                .to_string(),
        };
        assert!(
            err.contains("line 1048576 has 16384 columns") && err.contains("far_cells.xlsx"),
            "{err}"
        );
    }

    /// Counts the bytes taken from `inner`, and ends after `cap` of them.
    struct Counted<R> {
        inner: R,
        taken: std::sync::Arc<std::sync::atomic::AtomicU64>,
        cap: u64,
    }

    impl<R: Read> Read for Counted<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            use std::sync::atomic::Ordering;
            let taken = self.taken.load(Ordering::Relaxed);
            let room = (self.cap - taken).min(buf.len() as u64) as usize;
            let n = self.inner.read(&mut buf[..room])?;
            self.taken.fetch_add(n as u64, Ordering::Relaxed);
            Ok(n)
        }
    }

    #[test]
    fn a_json_lines_record_is_refused_before_it_is_read_whole() {
        // A first record, then one whose string never ends: a reader that read a record whole
        // before looking at its size would read all 64 MB the source gives and fail for want of
        // an end instead.
        let taken = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let source = Counted {
            inner: Cursor::new(b"{\"id\": \"C1\"}\n{\"id\": \"".to_vec())
                .chain(std::io::repeat(b'x')),
            taken: std::sync::Arc::clone(&taken),
            cap: 64 << 20,
        };
        let mut records = json_lines(source);
        assert_eq!(
            records.next().unwrap().unwrap(),
            vec![("id".to_string(), "C1".to_string())],
            "the first record is read"
        );
        let err = records.next().unwrap().unwrap_err();
        assert_eq!(
            err,
            "it is larger than 8 MB, which no record of an export is (an API's page of results, Genesys Cloud's or Zendesk's, counts as one: export smaller pages): the file is damaged or is not an export"
        );
        let read = taken.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            read <= MAX_JSON_RECORD as u64 + (512 << 10),
            "{read} bytes read: the limit and a buffer or two, not the record"
        );
    }

    /// An endless JSON array of records numbered from 1 (`{"id":"C1","wait_s":1},` ...), made
    /// as it is read: a file of any size without one on disk.
    struct EndlessArray {
        next: u64,
        pending: Vec<u8>,
        at: usize,
    }

    impl EndlessArray {
        fn new() -> EndlessArray {
            EndlessArray {
                next: 1,
                pending: b"[\n".to_vec(),
                at: 0,
            }
        }

        /// The bytes of record `n` and the comma and line end after it.
        fn record(n: u64) -> String {
            format!("{{\"id\":\"C{n}\",\"wait_s\":{}}},\n", n % 600)
        }
    }

    impl Read for EndlessArray {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.at == self.pending.len() {
                self.pending = EndlessArray::record(self.next).into_bytes();
                self.next += 1;
                self.at = 0;
            }
            let n = buf.len().min(self.pending.len() - self.at);
            buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn a_json_array_is_read_one_record_at_a_time_never_whole() {
        // An array of a gigabyte (four times what was once parsed whole), never ended: a reader
        // that parsed it whole before giving its first record would read the whole gigabyte and
        // then fail for want of its end.
        let taken = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let source = Counted {
            inner: EndlessArray::new(),
            taken: std::sync::Arc::clone(&taken),
            cap: 1 << 30,
        };
        let mut records = json_array(source);
        // What the parser may be ahead of the records taken, at any moment: the batch being
        // taken, the one in the channel and the one it is handing over (256 records of at most
        // 40 bytes each), its 256 KB buffer, and the record it is in.
        let ahead = 3 * 256 * 40 + (256 << 10) + 64;
        let mut bytes = 2u64;
        let mut most_ahead = 0;
        for n in 1..=300_000u64 {
            let r = records.next().unwrap().unwrap();
            assert_eq!(
                r,
                vec![
                    ("id".to_string(), format!("C{n}")),
                    ("wait_s".to_string(), (n % 600).to_string())
                ],
                "record {n}, in order"
            );
            bytes += EndlessArray::record(n).len() as u64;
            let read = taken.load(std::sync::atomic::Ordering::Relaxed);
            most_ahead = most_ahead.max(read.saturating_sub(bytes));
        }
        assert!(
            bytes > MAX_JSON_RECORD as u64,
            "{bytes} bytes of records taken, more than one record may hold: each is measured alone"
        );
        assert!(
            most_ahead <= ahead,
            "the parser ran {most_ahead} bytes ahead of the records taken, at most {ahead} expected"
        );
        drop(records);
    }

    #[test]
    fn a_json_array_record_over_the_limit_is_refused_by_number_before_it_is_read_whole() {
        let taken = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let source = Counted {
            inner: Cursor::new(b"[{\"id\": \"C1\"},\n {\"id\": \"C2\"}, {\"id\": \"".to_vec())
                .chain(std::io::repeat(b'x')),
            taken: std::sync::Arc::clone(&taken),
            cap: 64 << 20,
        };
        let mut records = json_array(source);
        for id in ["C1", "C2"] {
            assert_eq!(
                records.next().unwrap().unwrap(),
                vec![("id".to_string(), id.to_string())]
            );
        }
        let err = records.next().unwrap().unwrap_err();
        assert_eq!(
            err,
            "it is larger than 8 MB, which no record of an export is (an API's page of results, Genesys Cloud's or Zendesk's, counts as one: export smaller pages): the file is damaged or is not an export"
        );
        assert!(records.next().is_none(), "nothing after the refusal");
        let read = taken.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            read <= 38 + MAX_JSON_RECORD as u64 + (512 << 10),
            "{read} bytes read: the first records (38 bytes), the limit and a buffer or two, not the record"
        );

        // From a file, the refusal names the file and the record by its number.
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("[{\"id\":\"C1\"},{\"id\":\"C2\"},{\"id\":\"");
        text.push_str(&"x".repeat(MAX_JSON_RECORD));
        text.push_str("\"},{\"id\":\"C4\"}]");
        let p = write(dir.path(), "big_record.json", text.as_bytes());
        // Among the first records, which a header is read from: refused on opening.
        let Err(err) = open_tables(&p) else {
            panic!("refused")
        };
        let err = err.to_string();
        assert!(
            err.contains("big_record.json") && err.contains("record 3: it is larger than 8 MB"),
            "{err}"
        );
    }

    #[test]
    fn a_json_array_keeps_its_grammar_and_names_the_record_that_breaks_it() {
        let dir = tempfile::tempdir().unwrap();
        let ok = r#"{"id":"C1"}"#;
        for (name, text, record) in [
            ("no_comma", format!("[{ok},{ok} {ok}]"), 3),
            ("trailing_comma", format!("[{ok},{ok},]"), 3),
            ("two_commas", format!("[{ok},,{ok}]"), 2),
            ("unended", format!("[{ok},{ok}"), 3),
            ("after_the_end", format!("[{ok},{ok}] {ok}"), 3),
        ] {
            let file = format!("{name}.json");
            let p = write(dir.path(), &file, text.as_bytes());
            // Refused on opening: the records before are among the first a header is read from.
            let err = open_tables(&p)
                .err()
                .unwrap_or_else(|| panic!("{file}: taken"));
            let err = err.to_string();
            assert!(
                err.contains(&file)
                    && err.contains(&format!("record {record}:"))
                    && err.contains("the JSON is not valid"),
                "{file}: {err}"
            );
        }
        let p = write(
            dir.path(),
            "fine.json",
            format!(" [ {ok} ,\n{ok}\t]\n ").as_bytes(),
        );
        let t = open_tables(&p).unwrap().remove(0);
        assert_eq!(all_rows(t), [vec!["C1"], vec!["C1"]]);
        let p = write(dir.path(), "empty.json", b"[]");
        let Err(err) = open_tables(&p) else {
            panic!("refused")
        };
        let err = err.to_string();
        assert!(err.contains("holds no records"), "{err}");
    }

    #[test]
    fn a_record_is_measured_through_strings_nesting_and_escapes() {
        // Records of exactly 64 bytes pass a 64-byte limit, whatever they hold; whitespace
        // between records is not counted; 65 bytes do not pass.
        let check = |input: &str| {
            let mut limit = RecordLimit::new(input.as_bytes(), 64);
            let mut out = Vec::new();
            limit.read_to_end(&mut out).map(|_| ())
        };
        // Braces and brackets in strings, escaped quotes, nesting: each padded to `len` bytes.
        let shapes = [
            (r#"{"a":"}}}}]]]]{{{{[[[[","b":[1,2],"p":""#, r#""}"#),
            (r#"{"a":"\"{\"{\"{\"{\"{\"","b":"\\","p":""#, r#""}"#),
            (r#"[{"a":1},{"b":2},{"c":""#, r#""}]"#),
        ];
        let padded = |(head, tail): (&str, &str), len: usize| {
            format!("{head}{}{tail}", "x".repeat(len - head.len() - tail.len()))
        };
        for shape in shapes {
            let r = padded(shape, 64);
            assert!(
                serde_json::from_str::<serde_json::Value>(&r).is_ok(),
                "{r} is JSON"
            );
            assert!(check(&r).is_ok(), "64 bytes: {r}");
            let many = format!("{r}\n  {r}\r\n\t{r}{r}\n");
            assert!(check(&many).is_ok(), "records one after the other: {many}");
            let longer = padded(shape, 65);
            assert!(check(&longer).is_err(), "65 bytes: {longer}");
            let unended = format!("{} {r}", &r[..r.len() - 1]);
            assert!(
                check(&unended).is_err(),
                "a record without its last bracket runs on into the next: {unended}"
            );
        }
        // The elements of an array are measured one by one, as records are.
        let in_array = |input: &str| {
            let mut limit = RecordLimit::in_array(input.as_bytes(), 64);
            let mut out = Vec::new();
            limit.read_to_end(&mut out).map(|_| ())
        };
        for shape in shapes {
            let r = padded(shape, 64);
            let array = format!("[{r},{r} ,\n {r}]");
            assert!(in_array(&array).is_ok(), "elements of 64 bytes: {array}");
            let longer = format!("[{r},{}]", padded(shape, 65));
            assert!(
                in_array(&longer).is_err(),
                "an element of 65 bytes: {longer}"
            );
        }
        let strings = format!("[\"{}\",\"{}\"]", "x".repeat(62), "y".repeat(62));
        assert!(in_array(&strings).is_ok(), "strings of 64 bytes: {strings}");
        let string = format!("[\"{}\"]", "x".repeat(63));
        assert!(in_array(&string).is_err(), "a string of 65 bytes");
        assert!(
            check(&format!("\"{}\"", "x".repeat(63))).is_err(),
            "a bare string of 65 bytes"
        );
        assert!(
            check(&"1".repeat(65)).is_err(),
            "a bare number of 65 digits"
        );
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
