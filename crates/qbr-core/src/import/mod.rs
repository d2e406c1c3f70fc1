//! Importing contact-center exports into a workspace (formats.md): readers turn a file into rows
//! of text, the mapping says which column is which field, record parsing turns a row into a
//! contact or measures, and a [`Sink`] receives them. Parsing knows nothing of SQLite.
//!
//! Promises:
//! - One import is one transaction: it is taken whole or, on an error, a cancel or a strict-mode
//!   refusal, not at all.
//! - One bad row never sinks a file (unless `strict`): it is refused with its row, column, value
//!   and what was expected. When more than 20% of rows are refused the mapping is probably wrong
//!   and nothing is taken.
//! - A byte-identical file imported again is a no-op, reported as such; the same contact in two
//!   overlapping exports counts once.
//! - The clock and the zones are passed in; nothing is read from the environment.

mod error;
mod genesys;
pub mod mapping;
mod pipeline;
pub mod read;
mod readings;
mod record;
pub mod sink;
pub mod value;
mod zendesk;

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sha2::{Digest, Sha256};

pub use crate::model::rollup::{self, DayKey, Facts, Interaction, Outcome};
pub use crate::model::NewBatch;
pub use error::ImportError;
pub use mapping::{ColumnMapping, FieldType, Kind, Mapping, Preset};
pub use read::Format;
pub use readings::{HeadlineFigure, Plausibility, Reading, ReadingTopic};
pub use sink::{Counts, Finished, MemorySink, NewContact, Sink};
pub use value::{DateOrder, DecimalMark, DurationUnit, MarkVerdict, OrderVerdict};

use crate::settings::Settings;
use mapping::{detect_kind, detect_preset, match_columns, normalise, preset_mapping};
use read::{file_label, open_tables, Table};
use record::{parse_row, Columns, Parsed, RecordContext};
use value::{DateOrderProbe, TimeContext};

/// The share of refused rows above which the mapping is taken to be wrong.
pub const MAX_REFUSED_SHARE: f64 = 0.20;
/// How many refusals an [`ImportReport`] carries; all are stored with the batch.
pub const REPORT_REFUSALS: usize = 200;
/// The source of contacts from files without a vendor preset; contact keys are unique per source.
pub const GENERIC_SOURCE: &str = "generic";

/// Rows a parse worker takes at a time.
const PARSE_CHUNK: usize = 1024;
/// Threads parsing rows while one reads them and the caller writes them.
const PARSE_WORKERS: usize = 2;

#[cfg(test)]
thread_local! {
    /// Tests cut files into small chunks to cross chunk boundaries with few rows.
    static TEST_PARSE_CHUNK: std::cell::Cell<usize> = const { std::cell::Cell::new(PARSE_CHUNK) };
}

fn parse_chunk() -> usize {
    #[cfg(test)]
    return TEST_PARSE_CHUNK.with(|c| c.get());
    #[cfg(not(test))]
    PARSE_CHUNK
}

/// One row as the parsing thread hands it over: read or not, then parsed or refused.
type ParsedRow = Result<Result<Option<Parsed>, Vec<Refusal>>, ImportError>;

/// Rows shown in a [`Detection`] preview.
pub const PREVIEW_ROWS: usize = 20;

/// A row (or one cell of it) an import did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The line, spreadsheet row or JSON record number.
    pub row: u64,
    /// The column as the file names it; `None` when the whole row is at fault.
    pub column: Option<String>,
    pub value: String,
    pub expected: String,
}

/// What a file looks like, before anything is imported.
#[derive(Debug, Clone)]
pub struct Detection {
    pub file_name: String,
    pub format: Format,
    /// The sheet the preview comes from (spreadsheets); every sheet is imported.
    pub sheet: Option<String>,
    pub kind: Option<Kind>,
    pub preset: Option<Preset>,
    pub mapping: Mapping,
    pub header: Vec<String>,
    /// Headers no field took.
    pub unmapped: Vec<String>,
    pub preview: Vec<Vec<String>>,
    /// What the preview says about slashed dates; `Ambiguous` means the user must choose.
    pub date_order: OrderVerdict,
    /// What the preview's numbers say about the decimal mark (all columns together);
    /// `Ambiguous` means the user may have to choose.
    pub decimal_mark: MarkVerdict,
    /// The saved template the mapping comes from, if one fits.
    pub template: Option<String>,
    /// Survey questions the file does not make clear (Qualtrics): the user must choose.
    pub questions: Vec<QuestionChoice>,
    /// How the figures' foundations would be read (contact key, handled or abandoned, wait,
    /// handle time), each saying whether a preset or the user named it or it was inferred.
    pub readings: Vec<Reading>,
    /// The text encoding a delimited file was decoded from, when it had to be detected
    /// (neither UTF-8 nor UTF-16): `Shift_JIS`, `windows-1252`…
    pub encoding: Option<String>,
}

/// A rating (CSAT or CES) that more than one question of a survey export could be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionChoice {
    /// `csat` or `ces`.
    pub field: String,
    /// The candidate columns: (header, question text).
    pub candidates: Vec<(String, String)>,
}

/// How to import a file. Everything left `None` is detected.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub kind: Option<Kind>,
    pub preset: Option<Preset>,
    pub mapping: Option<Mapping>,
    /// The program of every row, for files that name none.
    pub program: Option<String>,
    /// The zone offset-less times are written in; the workspace's by default.
    pub timezone: Option<Tz>,
    /// For `01/02/2026`-style dates that the column cannot tell.
    pub date_order: Option<DateOrder>,
    /// Refuse the whole file on any bad row.
    pub strict: bool,
    /// The column holding the CSAT (or CES) rating, when the file does not make it clear
    /// (Qualtrics questions); `none` when the file has no such question.
    pub csat_column: Option<String>,
    pub ces_column: Option<String>,
    /// Saved queue- and campaign-to-program mappings; `run` fills them from the workspace.
    pub program_aliases: ProgramAliases,
    /// Read and check the file, work out its figures, then roll everything back.
    pub dry_run: bool,
    /// The decimal mark of every numeric column, for numbers such as `1.234` that the columns
    /// cannot tell; by default each column decides from its own values.
    pub decimal_mark: Option<DecimalMark>,
    /// Read every numeric column before importing, even when its first rows show no
    /// separator (`run` sets it when a value further down needs it).
    pub probe_numbers: bool,
    /// The metric definitions the headline figures use; `run` reads the workspace's.
    pub variants: Option<crate::metrics::MetricVariants>,
    /// Rows dated before `earliest` or after `latest` are refused as misread; by default from
    /// 1990-01-01 to a year after today.
    pub earliest: Option<NaiveDate>,
    pub latest: Option<NaiveDate>,
}

/// Saved mappings that give a row its program: a row whose program column names a campaign takes
/// that campaign's program; a row without a program takes its queue's. Names match ignoring case
/// and surrounding spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramAliases {
    by_queue: std::collections::HashMap<String, String>,
    by_campaign: std::collections::HashMap<String, String>,
}

impl ProgramAliases {
    /// Rows without a program whose queue is `queue` belong to `program`.
    pub fn add_queue(&mut self, queue: &str, program: &str) {
        self.by_queue.insert(Self::key(queue), program.to_string());
    }

    /// Rows whose program column names `campaign` belong to `program`.
    pub fn add_campaign(&mut self, campaign: &str, program: &str) {
        self.by_campaign
            .insert(Self::key(campaign), program.to_string());
    }

    pub fn is_empty(&self) -> bool {
        self.by_queue.is_empty() && self.by_campaign.is_empty()
    }

    fn key(name: &str) -> String {
        name.trim().to_lowercase()
    }

    /// The program of a row from what its columns say.
    pub fn program_for(&self, program: Option<String>, queue: Option<&str>) -> Option<String> {
        match program {
            Some(p) => Some(self.by_campaign.get(&Self::key(&p)).cloned().unwrap_or(p)),
            None => queue.and_then(|q| self.by_queue.get(&Self::key(q)).cloned()),
        }
    }
}

/// Where a running import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Fingerprint,
    CheckingDates,
    Reading,
    /// Rows that came in no time order are stored day by day; `rows_read` counts those done.
    SortingDays,
    Writing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub phase: Phase,
    pub rows_read: u64,
    pub file_size: u64,
}

/// What an import took and refused.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub file_name: String,
    pub sha256: String,
    pub kind: Kind,
    pub preset: Option<Preset>,
    /// The new batch; `None` when the file had been imported before.
    pub batch_id: Option<i64>,
    /// The batch that already holds this exact file: the import was a no-op.
    pub already_imported: Option<i64>,
    pub rows_read: u64,
    pub rows_taken: u64,
    pub rows_refused: u64,
    pub rows_duplicate: u64,
    /// The first [`REPORT_REFUSALS`] refusals; `Workspace::import_refusals` has them all.
    pub refusals: Vec<Refusal>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub notes: Vec<String>,
    /// How the file was read where it decides the figures.
    pub readings: Vec<Reading>,
    /// What the file itself brought, for its own span: offered, handled, abandonment, ASA, AHT,
    /// service level, FCR and CSAT, so that a wrong reading shows at once.
    pub headline: Vec<HeadlineFigure>,
    /// What looks implausible in those figures; the app asks before committing when any is set.
    pub flags: Vec<Plausibility>,
    /// A dry run: everything was read and checked, and nothing was kept.
    pub dry_run: bool,
}

/// A column mapping the user saved under a name, reused for next quarter's file.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingTemplate {
    pub name: String,
    pub kind: Kind,
    pub mapping: Mapping,
}

/// Looks at a file and proposes its kind, preset and mapping, with a preview.
pub fn detect(path: &Path) -> Result<Detection, ImportError> {
    detect_with(path, &[])
}

/// Like [`detect`], but a saved template whose columns are all in the file wins over guessing.
pub fn detect_with(path: &Path, templates: &[MappingTemplate]) -> Result<Detection, ImportError> {
    let label = file_label(path);
    let format = read::sniff_format(path)?;
    let mut tables = open_tables(path)?;
    // The first sheet whose headers mean something leads the preview.
    let pick = tables
        .iter()
        .position(|t| detect_preset(&t.header).is_some() || detect_kind(&t.header).is_some())
        .unwrap_or(0);
    let mut table = tables.swap_remove(pick);
    let template = templates.iter().find(|t| t.mapping.fits(&table.header));
    let opts = match template {
        Some(t) => ImportOptions {
            kind: Some(t.kind),
            mapping: Some(t.mapping.clone()),
            ..ImportOptions::default()
        },
        None => ImportOptions::default(),
    };
    let (kind, preset, mapping) = plan_table(&table, &opts);
    let questions = if preset == Some(Preset::Qualtrics) && template.is_none() {
        unclear_questions(&table, &opts)
    } else {
        Vec::new()
    };
    let mut preview = Vec::new();
    let mut probe = DateOrderProbe::default();
    let mut numbers = NumberProbes::default();
    for row in table.rows.by_ref().take(PREVIEW_ROWS) {
        let row = row?;
        feed_probe(&mut probe, &row, &mapping, &table.header, kind);
        numbers.feed(&row, &mapping, &table.header, kind, None);
        preview.push(row.cells.to_vec());
    }
    let unmapped = table
        .header
        .iter()
        .filter(|h| !mapping.columns.iter().any(|c| &c.header == *h))
        .cloned()
        .collect();
    let source = match (template, preset) {
        (Some(_), _) => readings::Source::User,
        (None, Some(p)) => readings::Source::Preset(p),
        (None, None) => readings::Source::Guessed,
    };
    let readings = kind
        .map(|k| {
            readings::readings(
                k,
                source,
                &mapping,
                preset.is_some_and(Preset::every_contact_handled),
            )
        })
        .unwrap_or_default();
    Ok(Detection {
        readings,
        encoding: table.encoding.clone(),
        file_name: label,
        format,
        sheet: table.sheet.clone(),
        kind,
        preset,
        mapping,
        header: table.header.clone(),
        unmapped,
        preview,
        date_order: probe.verdict(),
        decimal_mark: numbers.overall(),
        template: template.map(|t| t.name.clone()),
        questions,
    })
}

/// The kind, preset and mapping for one table under `opts`.
fn plan_table(table: &Table, opts: &ImportOptions) -> (Option<Kind>, Option<Preset>, Mapping) {
    let preset = opts.preset.or_else(|| {
        detect_preset(&table.header).filter(|p| opts.kind.is_none_or(|k| k == p.kind()))
    });
    let kind = opts
        .kind
        .or(preset.map(Preset::kind))
        .or_else(|| detect_kind(&table.header).map(|(k, _)| k));
    let mapping = match (&opts.mapping, preset, kind) {
        (Some(m), _, _) => m.clone(),
        (None, Some(Preset::Qualtrics), _) => qualtrics_mapping(table, opts),
        (None, Some(p), _) => preset_mapping(p, &table.header),
        (None, None, Some(k)) => match_columns(k, &table.header),
        (None, None, None) => Mapping::default(),
    };
    (kind, preset, mapping)
}

/// Qualtrics names questions `Q1`, `Q2`…: the NPS question is the one with a `_NPS_GROUP`
/// companion, and CSAT and CES are found by their question text in the second header row when
/// exactly one question reads as each; otherwise the user's choice (`csat_column`, `ces_column`)
/// decides, and without one the import asks ([`unclear_questions`]).
fn qualtrics_mapping(table: &Table, opts: &ImportOptions) -> Mapping {
    let mut m = preset_mapping(Preset::Qualtrics, &table.header);
    let take = |m: &mut Mapping, field: &str, header: &str, confidence: f32| {
        if !m.has(field) && !m.columns.iter().any(|c| c.header == header) {
            m.columns.push(ColumnMapping {
                field: field.into(),
                header: header.into(),
                unit: None,
                confidence,
                values: Vec::new(),
            });
        }
    };
    for h in &table.header {
        if let Some(q) = h.strip_suffix("_NPS_GROUP") {
            if table.header.iter().any(|x| x == q) {
                take(&mut m, "nps", q, 1.0);
            }
        }
    }
    for (field, chosen) in [("csat", &opts.csat_column), ("ces", &opts.ces_column)] {
        match chosen.as_deref().map(str::trim) {
            Some(c) if c.eq_ignore_ascii_case("none") => {}
            Some(c) => {
                if let Some(h) = table.header.iter().find(|h| normalise(h) == normalise(c)) {
                    m.columns.retain(|x| x.header != *h);
                    take(&mut m, field, h, 1.0);
                }
            }
            None => {
                if let [(h, _)] = question_candidates(table, field).as_slice() {
                    take(&mut m, field, h, 0.8);
                }
            }
        }
    }
    if let Some(questions) = table.header_notes.first() {
        for (i, text) in questions.iter().enumerate() {
            let Some(h) = table.header.get(i) else {
                continue;
            };
            if !h.ends_with("_NPS_GROUP") && text.to_lowercase().contains("resolved") {
                take(&mut m, "resolved", h, 0.8);
            }
        }
    }
    m
}

/// The questions whose text reads as `field` (`csat`: satisfaction; `ces`: effort or ease),
/// as (header, question text).
fn question_candidates(table: &Table, field: &str) -> Vec<(String, String)> {
    let Some(questions) = table.header_notes.first() else {
        return Vec::new();
    };
    questions
        .iter()
        .zip(&table.header)
        .filter(|(_, h)| !h.ends_with("_NPS_GROUP"))
        .filter(|(text, _)| {
            let t = text.to_lowercase();
            match field {
                "csat" => t.contains("satisf"),
                "ces" => t.contains("effort") || t.contains("easy") || t.contains("difficult"),
                _ => false,
            }
        })
        .map(|(text, h)| (h.clone(), text.clone()))
        .collect()
}

/// CSAT and CES questions a Qualtrics export leaves unclear (more than one question reads as
/// the same rating) and that `opts` does not settle.
fn unclear_questions(table: &Table, opts: &ImportOptions) -> Vec<QuestionChoice> {
    [("csat", &opts.csat_column), ("ces", &opts.ces_column)]
        .into_iter()
        .filter(|(_, chosen)| chosen.is_none())
        .filter_map(|(field, _)| {
            let candidates = question_candidates(table, field);
            (candidates.len() > 1).then(|| QuestionChoice {
                field: field.into(),
                candidates,
            })
        })
        .collect()
}

/// A chosen question column must be one of the file's.
fn check_question_choice(
    label: &str,
    table: &Table,
    field: &str,
    chosen: Option<&str>,
) -> Result<(), ImportError> {
    let Some(c) = chosen.map(str::trim) else {
        return Ok(());
    };
    if c.eq_ignore_ascii_case("none") || table.header.iter().any(|h| normalise(h) == normalise(c)) {
        return Ok(());
    }
    Err(ImportError::mapping(
        label,
        format!(
            "the {} column {c:?} is not in the file; its columns are {}",
            field.to_uppercase(),
            table.header.join(", ")
        ),
    ))
}

/// The zone Qualtrics states for its dates in the import-id row
/// (`{"ImportId":"recordedDate","timeZone":"America/Denver"}`).
fn qualtrics_zone(table: &Table, mapping: &Mapping) -> Option<Tz> {
    let ids = table.header_notes.get(1)?;
    let column = mapping.get("responded_at")?;
    let i = table.header.iter().position(|h| *h == column.header)?;
    let spec: serde_json::Value = serde_json::from_str(ids.get(i)?).ok()?;
    spec.get("timeZone")?.as_str()?.parse::<Tz>().ok()
}

fn timestamp_fields(kind: Option<Kind>) -> Vec<&'static str> {
    kind.map(|k| {
        k.fields()
            .iter()
            .filter(|f| matches!(f.ty, FieldType::Timestamp | FieldType::Month))
            .map(|f| f.name)
            .collect()
    })
    .unwrap_or_default()
}

fn feed_probe(
    probe: &mut DateOrderProbe,
    row: &read::Row,
    mapping: &Mapping,
    header: &[String],
    kind: Option<Kind>,
) {
    for field in timestamp_fields(kind) {
        if let Some(c) = mapping.get(field) {
            if let Some(i) = header
                .iter()
                .position(|h| normalise(h) == normalise(&c.header))
            {
                if let Some(v) = row.cells.get(i) {
                    probe.feed(v);
                }
            }
        }
    }
}

/// Imports `path` into any sink. The caller commits (or drops) the sink's work.
pub fn run_into(
    sink: &mut dyn Sink,
    settings: &Settings,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let label = file_label(path);
    let cancelled = || ImportError::Cancelled {
        file: label.clone(),
    };
    if cancel.load(Ordering::Relaxed) {
        return Err(cancelled());
    }
    let file_size = read::regular_file_len(path)?;
    // What the file is now: if it is anything else at the end, the rows read and the bytes
    // fingerprinted may not be one file.
    let as_read = FileState::of(path, &label)?;
    let mut fingerprinting = Fingerprinting::start(path, &label, file_size);
    progress(Progress {
        phase: Phase::Fingerprint,
        rows_read: 0,
        file_size,
    });

    let tables = open_tables(path)?;
    let mut plans = Vec::new();
    let mut notes = Vec::new();
    let mut first_problem: Option<String> = None;
    for table in tables {
        let (kind, preset, mapping) = plan_table(&table, opts);
        let where_ = table
            .sheet
            .as_ref()
            .map(|s| format!("sheet {s:?}"))
            .unwrap_or_else(|| "the file".into());
        let Some(kind) = kind else {
            let counts = match_columns(Kind::Intervals, &table.header);
            let named: Vec<&str> = ["offered", "handled", "abandoned"]
                .iter()
                .filter_map(|f| counts.get(f).map(|c| c.header.as_str()))
                .collect();
            // Two or more count columns make it a totals file (one may be a stray word).
            first_problem.get_or_insert_with(|| match named.len() < 2 {
                false => format!(
                    "{where_} has contact counts ({}) but no date or interval column, so its rows cannot be placed in time (headers: {}); export it with the date of each row",
                    named.join(", "),
                    headers_text(&table.header)
                ),
                true => format!(
                    "no column of {where_} matches a known field (headers: {}); map the columns by hand",
                    headers_text(&table.header)
                ),
            });
            continue;
        };
        if let Some(group) = mapping.missing_required(kind) {
            first_problem.get_or_insert_with(|| {
                format!(
                    "{where_} has no usable column for {} ({kind} need one; headers: {})",
                    group.join(" or "),
                    headers_text(&table.header)
                )
            });
            if table.sheet.is_some() {
                notes.push(format!(
                    "{where_} was skipped: it has no column for {}",
                    group.join(" or ")
                ));
            }
            continue;
        }
        plans.push((table, kind, preset, mapping));
    }
    if plans.is_empty() {
        return Err(ImportError::mapping(
            &label,
            first_problem.unwrap_or_else(|| "the file holds no table".into()),
        ));
    }
    let kind = plans[0].1;
    let preset = plans[0].2;
    plans.retain(|(t, k, _, _)| {
        if *k != kind {
            notes.push(format!(
                "sheet {:?} holds {k}, not {kind}; import it on its own",
                t.sheet.as_deref().unwrap_or("")
            ));
        }
        *k == kind
    });
    for (table, _, _, mapping) in &plans {
        check_averages(&label, kind, mapping)?;
        check_duplicate_columns(&label, &table.header, mapping)?;
        readings::check_flag_headings(&label, mapping)?;
    }
    let source = match (&opts.mapping, preset) {
        (Some(_), _) => readings::Source::User,
        (None, Some(p)) => readings::Source::Preset(p),
        (None, None) => readings::Source::Guessed,
    };
    let every_contact_handled = preset.is_some_and(Preset::every_contact_handled);
    let file_readings = readings::readings(kind, source, &plans[0].3, every_contact_handled);
    if let Some(encoding) = &plans[0].0.encoding {
        notes.push(format!(
            "the text is not UTF-8: it was read as {encoding}, the encoding its bytes show"
        ));
    }
    if let Some(note) = threshold_note(kind, &plans[0].3, settings) {
        notes.push(note);
    }

    // Only a file the size of one imported before can be that file again: then its fingerprint
    // is awaited before anything is written. Otherwise it is taken at the end, having been
    // computed while the rows were read.
    let mut sha256 = None;
    if sink.imported_size(file_size, kind)? {
        let sha = fingerprinting.wait(cancel)?;
        if let Some(batch) = sink.already_imported(&sha, kind)? {
            as_read.unchanged(path, &label)?;
            return Ok(ImportReport {
                file_name: label,
                sha256: sha,
                kind,
                preset,
                batch_id: None,
                already_imported: Some(batch),
                rows_read: 0,
                rows_taken: 0,
                rows_refused: 0,
                rows_duplicate: 0,
                refusals: Vec::new(),
                first_day: None,
                last_day: None,
                notes: vec![format!(
                    "this exact file was imported before (import {batch}); nothing was changed"
                )],
                readings: file_readings,
                headline: Vec::new(),
                flags: Vec::new(),
                dry_run: opts.dry_run,
            });
        }
        sha256 = Some(sha);
    }

    // Asked only of a file not imported before: a byte-identical file stays a no-op.
    for (table, _, _, _) in &plans {
        if preset == Some(Preset::Qualtrics) && opts.mapping.is_none() {
            check_question_choice(&label, table, "csat", opts.csat_column.as_deref())?;
            check_question_choice(&label, table, "ces", opts.ces_column.as_deref())?;
            if let Some(q) = unclear_questions(table, opts).into_iter().next() {
                return Err(ImportError::UnclearQuestion {
                    file: label.clone(),
                    what: q.field.to_uppercase(),
                    candidates: q
                        .candidates
                        .iter()
                        .map(|(h, text)| format!("{h} ({text:?})"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    field: q.field,
                });
            }
        }
    }

    let stated_zone = match preset {
        Some(Preset::Qualtrics) => qualtrics_zone(&plans[0].0, &plans[0].3),
        _ => None,
    };
    if let (None, Some(z)) = (opts.timezone, stated_zone) {
        notes.push(format!(
            "times were read in {} as the export states",
            z.name()
        ));
    }
    let zone = opts.timezone.or(stated_zone).unwrap_or(settings.timezone);
    let order = match opts.date_order.or(preset.and_then(Preset::date_order)) {
        Some(o) => Some(o),
        None => date_order(path, &label, opts, &plans, cancel, progress, file_size)?,
    };
    let marks = number_marks(path, &label, opts, &plans, cancel)?;
    let mapping_text = plans
        .iter()
        .map(|(_, _, _, m)| m.describe())
        .collect::<Vec<_>>()
        .join(" | ");
    sink.begin(&NewBatch {
        kind: kind.as_str().into(),
        file_name: label.clone(),
        file_size,
        // Recorded at the end when it is not known yet (`Sink::fingerprinted`).
        sha256: sha256.clone().unwrap_or_default(),
        preset: preset.map(|p| p.as_str().to_string()),
        mapping: Some(mapping_text),
        source_timezone: zone.name().into(),
        started_at: now,
        app_version: crate::APP_VERSION.into(),
    })?;

    let ctx = RecordContext {
        kind,
        source: preset.map(|p| p.source()).unwrap_or(GENERIC_SOURCE).into(),
        time: TimeContext { zone, order },
        workspace_zone: settings.timezone,
        program: opts.program.clone(),
        aliases: opts.program_aliases.clone(),
        label: label.clone(),
        every_contact_handled,
        default_channel: match every_contact_handled {
            true => crate::settings::Channel::Email,
            false => crate::settings::Channel::Voice,
        },
        zero_ratings: Default::default(),
        window: {
            let default = record::DateWindow::around(now.date_naive());
            record::DateWindow {
                earliest: opts.earliest.unwrap_or(default.earliest),
                latest: opts.latest.unwrap_or(default.latest),
            }
        },
    };
    let mut counts = Counts::default();
    let mut counts_linked = 0u64;
    let mut refusals = Vec::new();
    let mut facts = Facts::new();
    for (table, _, _, mapping) in plans {
        let sheet = table.sheet.clone();
        let mark_of = |header: &str| {
            opts.decimal_mark
                .or_else(|| marks.get(&(sheet.clone(), header.to_string())).copied())
        };
        let (cols, missing) = Columns::resolve_marked(&mapping, &table.header, &mark_of);
        if !missing.is_empty() {
            return Err(ImportError::mapping(
                &label,
                format!(
                    "the mapping names columns the file does not have: {}",
                    missing.join(", ")
                ),
            ));
        }
        // One thread splits the file into rows, two parse them, and this one writes them in
        // file order: bounded channels keep memory flat whatever the file size.
        let rows = table.rows;
        let (cols, ctx_ref) = (&cols, &ctx);
        let mut contacts = Vec::with_capacity(PARSE_CHUNK);
        pipeline::map_in_order(
            rows,
            parse_chunk(),
            PARSE_WORKERS,
            cancel,
            |row| row.is_err(),
            |row| row.and_then(|row| parse_row(&row, cols, ctx_ref)),
            |chunk: Vec<ParsedRow>| -> Result<Vec<Box<NewContact>>, ImportError> {
                for item in chunk {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(cancelled());
                    }
                    let parsed = item?;
                    counts.read += 1;
                    match parsed {
                        // Boxed as parsed: moved here by pointer, freed by the worker.
                        Ok(Some(Parsed::Contact(contact))) => contacts.push(contact),
                        Ok(Some(Parsed::Interval(interval))) => {
                            let (start, key, m) = *interval;
                            sink.interval(start, &key, &m)?;
                            counts.taken += 1;
                        }
                        Ok(Some(Parsed::Fact(fact))) => {
                            let (key, m) = *fact;
                            rollup::accumulate(&mut facts, key, &m);
                            counts.taken += 1;
                        }
                        Ok(Some(Parsed::Survey(survey))) => {
                            let (mut key, m, contact) = *survey;
                            if let Some(members) = match contact {
                                Some(c) => sink.contact_members(&c, key.day)?,
                                None => None,
                            } {
                                // The survey's own dimensions win; the contact fills the gaps.
                                for (slot, member) in key.members.iter_mut().zip(members) {
                                    if slot.is_none() {
                                        *slot = member;
                                    }
                                }
                                counts_linked += 1;
                            }
                            rollup::accumulate(&mut facts, key, &m);
                            counts.taken += 1;
                        }
                        Ok(None) => counts.taken += 1,
                        Err(problems) => {
                            counts.refused += 1;
                            if opts.strict {
                                let p = &problems[0];
                                return Err(ImportError::Strict {
                                    file: label.clone(),
                                    row: p.row,
                                    column: p.column.clone().unwrap_or_default(),
                                    value: p.value.clone(),
                                    expected: p.expected.clone(),
                                });
                            }
                            for p in problems {
                                sink.refusal(&p)?;
                                if refusals.len() < REPORT_REFUSALS {
                                    refusals.push(p);
                                }
                            }
                            // Stop early on a large file whose mapping is clearly wrong.
                            if counts.read >= 1000 && too_many_refused(&counts) {
                                return Err(probably_wrong(&label, &counts, &refusals));
                            }
                        }
                    }
                    if counts.read % 1000 == 0 {
                        progress(Progress {
                            phase: Phase::Reading,
                            rows_read: counts.read,
                            file_size,
                        });
                    }
                }
                // The chunk's contacts, in file order, in one go: the sink counts what became
                // of them.
                sink.contacts(&mut contacts)?;
                // What the sink left is freed by the worker that parsed it: freeing a million
                // contacts' names and keys here would hold up the writing.
                Ok(match contacts.is_empty() {
                    true => Vec::new(),
                    false => std::mem::replace(&mut contacts, Vec::with_capacity(PARSE_CHUNK)),
                })
            },
        )?;
    }
    // Reading stops at a cancel: what was read is not the file.
    if cancel.load(Ordering::Relaxed) {
        return Err(cancelled());
    }
    if counts.read == 0 {
        return Err(ImportError::unreadable(
            &label,
            "the file has a header but no data rows",
        ));
    }
    if too_many_refused(&counts) {
        return Err(probably_wrong(&label, &counts, &refusals));
    }
    // Contacts the sink kept waiting (rows in no time order) are taken now, day by day.
    let settled = sink.settle(cancel, &mut |done, _of| {
        progress(Progress {
            phase: Phase::SortingDays,
            rows_read: done,
            file_size,
        })
    })?;
    if !settled {
        return Err(cancelled());
    }
    progress(Progress {
        phase: Phase::Writing,
        rows_read: counts.read,
        file_size,
    });
    for (key, m) in &facts {
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        sink.fact(key, m)?;
    }
    let sha256 = match sha256 {
        Some(sha) => sha,
        None => {
            let sha = fingerprinting.wait(cancel)?;
            sink.fingerprinted(&sha)?;
            sha
        }
    };
    as_read.unchanged(path, &label)?;
    let finished = sink.finish(&counts, now)?;
    let counts = finished.counts;
    let variants = opts.variants.unwrap_or_default();
    let headline = match sink.batch_measures()? {
        Some(parts) => readings::headline(&parts, &variants),
        None => Vec::new(),
    };
    let flags = readings::plausibility(
        &headline,
        &readings::Spread {
            kind,
            counts,
            first_day: finished.first_day,
            last_day: finished.last_day,
            today: now.with_timezone(&settings.timezone).date_naive(),
            redelivers: matches!(
                preset,
                Some(Preset::AmazonConnectContacts | Preset::ZendeskTickets)
            ),
        },
    );
    let zero_ratings = ctx.zero_ratings.load(Ordering::Relaxed);
    if zero_ratings > 0 {
        notes.push(format!(
            "{zero_ratings} ratings of 0 on a scale that starts at 1 were read as no rating"
        ));
    }

    if counts_linked > 0 {
        notes.push(format!(
            "{counts_linked} responses were matched to their contact, whose queue, agent and channel they are counted under"
        ));
    }
    if counts.duplicate > 0 {
        notes.push(format!(
            "{} contacts were already in the workspace (or twice in the file) and were counted once",
            counts.duplicate
        ));
    }
    Ok(ImportReport {
        file_name: label,
        sha256,
        kind,
        preset,
        batch_id: Some(finished.batch_id),
        already_imported: None,
        rows_read: counts.read,
        rows_taken: counts.taken,
        rows_refused: counts.refused,
        rows_duplicate: counts.duplicate,
        refusals,
        first_day: finished.first_day,
        last_day: finished.last_day,
        notes,
        readings: file_readings,
        headline,
        flags,
        dry_run: opts.dry_run,
    })
}

/// The first headers of a file, for a message a person reads.
fn headers_text(header: &[String]) -> String {
    let shown: Vec<String> = header
        .iter()
        .take(20)
        .map(|h| h.chars().take(40).collect())
        .collect();
    match header.len() {
        n if n > 20 => format!("{} and {} more", shown.join(", "), n - 20),
        _ => shown.join(", "),
    }
}

fn too_many_refused(c: &Counts) -> bool {
    c.read > 0 && c.refused as f64 > c.read as f64 * MAX_REFUSED_SHARE
}

fn probably_wrong(label: &str, counts: &Counts, refusals: &[Refusal]) -> ImportError {
    let first = refusals.first().cloned().unwrap_or(Refusal {
        row: 0,
        column: None,
        value: String::new(),
        expected: String::new(),
    });
    ImportError::MappingProbablyWrong {
        file: label.into(),
        read: counts.read,
        refused: counts.refused,
        row: first.row,
        column: first.column.unwrap_or_default(),
        value: first.value,
        expected: first.expected,
    }
}

/// An average cannot be re-aggregated without its count (formats.md): refuse the mapping.
fn check_averages(label: &str, kind: Kind, mapping: &Mapping) -> Result<(), ImportError> {
    if kind != Kind::Intervals || mapping.has("handled") {
        return Ok(());
    }
    for avg in ["asa", "aht", "avg_talk", "avg_hold", "avg_wrap"] {
        if let Some(c) = mapping.get(avg) {
            return Err(ImportError::mapping(
                label,
                format!(
                    "column {:?} is an average, and without a handled count beside it cannot be turned back into a sum; add the handled column or leave {:?} unmapped",
                    c.header, c.header
                ),
            ));
        }
    }
    Ok(())
}

/// Two columns of the same name, one of them mapped: which one holds the field is a guess, so
/// the file is refused rather than read from whichever comes first.
fn check_duplicate_columns(
    label: &str,
    header: &[String],
    mapping: &Mapping,
) -> Result<(), ImportError> {
    for c in &mapping.columns {
        let at: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| normalise(h) == normalise(&c.header))
            .map(|(i, _)| i + 1)
            .collect();
        if at.len() > 1 {
            return Err(ImportError::mapping(
                label,
                format!(
                    "columns {} and {} are both named {:?}, so which one holds the {} is not clear; rename or remove one and import again",
                    at[0], at[1], header[at[0] - 1], c.field
                ),
            ));
        }
    }
    Ok(())
}

/// Interval sources count "answered in N seconds" at their own N; say so when it is not the
/// workspace's voice threshold, since the service level then follows the source's N.
fn threshold_note(kind: Kind, mapping: &Mapping, settings: &Settings) -> Option<String> {
    if kind != Kind::Intervals {
        return None;
    }
    let header = &mapping.get("answered_in_threshold")?.header;
    let n: u32 = header
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())?
        .parse()
        .ok()?;
    let t = settings.thresholds.voice_s;
    (n != t).then(|| {
        format!(
            "column {header:?} counts contacts answered within {n} s, but the workspace's voice threshold is {t} s; service level from this file follows the source's {n} s"
        )
    })
}

/// The file's fingerprint, computed on a thread of its own while the import goes on; the
/// thread stops when this is dropped (the import ended, failed or was cancelled).
/// What an import file is on disk: its size, last change and identity (device and inode), so
/// that a file growing, rewritten or replaced while it is imported is noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileState {
    len: u64,
    modified: Option<std::time::SystemTime>,
    dev: u64,
    ino: u64,
}

impl FileState {
    fn of(path: &Path, label: &str) -> Result<FileState, ImportError> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).map_err(|e| {
            ImportError::unreadable(label, format!("the file cannot be read ({e})"))
        })?;
        Ok(FileState {
            len: m.len(),
            modified: m.modified().ok(),
            dev: m.dev(),
            ino: m.ino(),
        })
    }

    /// Refuses the import when the file is no longer what it was when the import began: what
    /// was read and what was fingerprinted may then be parts of different files.
    fn unchanged(&self, path: &Path, label: &str) -> Result<(), ImportError> {
        let now = FileState::of(path, label)?;
        if now == *self {
            return Ok(());
        }
        let how = if now.dev != self.dev || now.ino != self.ino {
            "was replaced by another file".to_string()
        } else if now.len != self.len {
            format!("went from {} to {} bytes", self.len, now.len)
        } else {
            "was rewritten".to_string()
        };
        Err(ImportError::unreadable(
            label,
            format!("the file changed while it was being imported (it {how}), so what was read is not one version of it; nothing was imported: import it again once whatever writes it has finished"),
        ))
    }
}

struct Fingerprinting {
    path: std::path::PathBuf,
    label: String,
    /// How many bytes are fingerprinted: the file's size when the import began.
    len: u64,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<Result<(String, u64), ImportError>>>,
}

impl Fingerprinting {
    /// Fingerprints the first `len` bytes of `path` (its size when the import began) on a
    /// thread of its own.
    fn start(path: &Path, label: &str, len: u64) -> Fingerprinting {
        let stop = Arc::new(AtomicBool::new(false));
        let (file, name, flag) = (path.to_path_buf(), label.to_string(), Arc::clone(&stop));
        let thread = std::thread::Builder::new()
            .name("qbr-fingerprint".into())
            .spawn(move || fingerprint(&file, &name, &flag, len))
            .ok();
        Fingerprinting {
            path: path.to_path_buf(),
            label: label.to_string(),
            len,
            stop,
            thread,
        }
    }

    /// The file's SHA-256, waiting for it while `cancel` is not set (computed here if no thread
    /// could be started).
    fn wait(&mut self, cancel: &AtomicBool) -> Result<String, ImportError> {
        let fingerprinted = match self.thread.take() {
            Some(t) => {
                while !t.is_finished() {
                    if cancel.load(Ordering::Relaxed) {
                        // Dropping `self` stops the thread.
                        self.thread = Some(t);
                        return Err(ImportError::Cancelled {
                            file: self.label.clone(),
                        });
                    }
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                t.join().map_err(|_| {
                    ImportError::unreadable(&self.label, "the file's fingerprint was not computed")
                })?
            }
            None => fingerprint(&self.path, &self.label, cancel, self.len),
        };
        fingerprinted.map(|(sha, _)| sha)
    }
}

impl Drop for Fingerprinting {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// SHA-256 and size of the file's first `len` bytes, read in chunks.
fn fingerprint(
    path: &Path,
    label: &str,
    cancel: &AtomicBool,
    len: u64,
) -> Result<(String, u64), ImportError> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| ImportError::unreadable(label, format!("the file cannot be opened ({e})")))?
        .take(len);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled { file: label.into() });
        }
        let n = file.read(&mut buf).map_err(|e| {
            ImportError::unreadable(label, format!("the file cannot be read ({e})"))
        })?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    if size == 0 {
        return Err(ImportError::unreadable(label, "the file is empty"));
    }
    let digest = hasher.finalize();
    Ok((digest.iter().map(|b| format!("{b:02x}")).collect(), size))
}

/// Numeric columns' decimal-mark probes, by (sheet, header).
#[derive(Default)]
struct NumberProbes {
    by_column: std::collections::HashMap<(Option<String>, String), value::NumberProbe>,
}

impl NumberProbes {
    fn feed(
        &mut self,
        row: &read::Row,
        mapping: &Mapping,
        header: &[String],
        kind: Option<Kind>,
        sheet: Option<&String>,
    ) {
        let Some(kind) = kind else {
            return;
        };
        for c in &mapping.columns {
            let Some(spec) = kind.field(&c.field) else {
                continue;
            };
            let count = match spec.ty {
                FieldType::Count => true,
                FieldType::Duration | FieldType::Number => false,
                _ => continue,
            };
            let Some(i) = header
                .iter()
                .position(|h| normalise(h) == normalise(&c.header))
            else {
                continue;
            };
            if let Some(v) = row.cells.get(i) {
                self.by_column
                    .entry((sheet.cloned(), header[i].clone()))
                    .or_default()
                    .feed(v, count);
            }
        }
    }

    fn any_separator(&self) -> bool {
        self.by_column
            .values()
            .any(|p| p.point + p.comma + p.ambiguous > 0)
    }

    /// All columns together: known when they agree, ambiguous when one cannot tell.
    fn overall(&self) -> MarkVerdict {
        let verdicts: Vec<MarkVerdict> = self.by_column.values().map(|p| p.verdict()).collect();
        if verdicts.contains(&MarkVerdict::Mixed) {
            return MarkVerdict::Mixed;
        }
        if verdicts.contains(&MarkVerdict::Ambiguous) {
            return MarkVerdict::Ambiguous;
        }
        let known: Vec<DecimalMark> = verdicts
            .iter()
            .filter_map(|v| match v {
                MarkVerdict::Known(m) => Some(*m),
                _ => None,
            })
            .collect();
        match known.as_slice() {
            [] => MarkVerdict::NotNeeded,
            [first, rest @ ..] if rest.iter().all(|m| m == first) => MarkVerdict::Known(*first),
            _ => MarkVerdict::Mixed,
        }
    }
}

/// Decides each numeric column's decimal mark from all its values, as date order is decided:
/// `3,5` or `1.234,5` says comma, `12.75` or `1,234.5` says point, and `1.234` alone cannot
/// tell. Files whose first rows show no separator skip the pass (unless `probe_numbers`).
fn number_marks(
    path: &Path,
    label: &str,
    opts: &ImportOptions,
    plans: &[(Table, Kind, Option<Preset>, Mapping)],
    cancel: &AtomicBool,
) -> Result<std::collections::HashMap<(Option<String>, String), DecimalMark>, ImportError> {
    let mut out = std::collections::HashMap::new();
    if opts.decimal_mark.is_some() {
        return Ok(out);
    }
    if !opts.probe_numbers {
        let mut first = NumberProbes::default();
        for mut t in open_tables(path)? {
            let Some((_, kind, _, mapping)) = plans.iter().find(|(p, ..)| p.sheet == t.sheet)
            else {
                continue;
            };
            let header = t.header.clone();
            for row in t.rows.by_ref().take(200) {
                first.feed(&row?, mapping, &header, Some(*kind), t.sheet.as_ref());
            }
        }
        if !first.any_separator() {
            return Ok(out);
        }
    }
    let mut probes = NumberProbes::default();
    for t in open_tables(path)? {
        let Some((_, kind, _, mapping)) = plans.iter().find(|(p, ..)| p.sheet == t.sheet) else {
            continue;
        };
        let header = t.header.clone();
        let sheet = t.sheet.clone();
        for row in t.rows {
            if cancel.load(Ordering::Relaxed) {
                return Err(ImportError::Cancelled { file: label.into() });
            }
            probes.feed(&row?, mapping, &header, Some(*kind), sheet.as_ref());
        }
    }
    for ((sheet, column), probe) in probes.by_column {
        match probe.verdict() {
            MarkVerdict::NotNeeded => {}
            MarkVerdict::Known(m) => {
                out.insert((sheet, column), m);
            }
            MarkVerdict::Ambiguous => {
                return Err(ImportError::AmbiguousNumbers {
                    file: label.into(),
                    column,
                    example: probe.example.unwrap_or_default(),
                    whole_column: true,
                })
            }
            MarkVerdict::Mixed => {
                return Err(ImportError::mapping(
                    label,
                    format!(
                        "column {column:?} mixes decimal points and decimal commas ({} values read one way, {} the other), so no single reading is right",
                        probe.point, probe.comma
                    ),
                ))
            }
        }
    }
    Ok(out)
}

/// Reads every date column of the file once to learn whether `01/02/2026` is month-first or
/// day-first. Files without slashed dates in their first rows skip the extra pass.
fn date_order(
    path: &Path,
    label: &str,
    opts: &ImportOptions,
    plans: &[(Table, Kind, Option<Preset>, Mapping)],
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
    file_size: u64,
) -> Result<Option<DateOrder>, ImportError> {
    // A first look at the start of each table.
    let mut any_slashed = false;
    let mut tables = open_tables(path)?;
    for t in tables.iter_mut() {
        let (kind, _, mapping) = plan_table(t, opts);
        let mut probe = DateOrderProbe::default();
        let header = t.header.clone();
        for row in t.rows.by_ref().take(200) {
            feed_probe(&mut probe, &row?, &mapping, &header, kind);
        }
        any_slashed |= probe.slashed > 0;
    }
    if !any_slashed {
        return Ok(None);
    }
    progress(Progress {
        phase: Phase::CheckingDates,
        rows_read: 0,
        file_size,
    });
    let mut probe = DateOrderProbe::default();
    let mut column = String::new();
    for t in open_tables(path)? {
        let Some((_, kind, _, mapping)) = plans.iter().find(|(p, ..)| p.sheet == t.sheet) else {
            continue;
        };
        if column.is_empty() {
            column = timestamp_fields(Some(*kind))
                .iter()
                .find_map(|f| mapping.get(f).map(|c| c.header.clone()))
                .unwrap_or_default();
        }
        let header = t.header.clone();
        for row in t.rows {
            if cancel.load(Ordering::Relaxed) {
                return Err(ImportError::Cancelled { file: label.into() });
            }
            feed_probe(&mut probe, &row?, mapping, &header, Some(*kind));
        }
    }
    match probe.verdict() {
        OrderVerdict::NotNeeded => Ok(None),
        OrderVerdict::Known(o) => Ok(Some(o)),
        OrderVerdict::Ambiguous => Err(ImportError::AmbiguousDates {
            file: label.into(),
            column,
            example: probe.example.unwrap_or_default(),
        }),
        OrderVerdict::Mixed => Err(ImportError::mapping(
            label,
            format!(
                "column {column:?} mixes month-first and day-first dates ({} look day-first, {} month-first), so no single reading is right",
                probe.day_first_evidence, probe.month_first_evidence
            ),
        )),
    }
}

/// Tests import through the store as the app does ([`crate::Workspace::import_file`]).
#[cfg(test)]
fn run(
    ws: &mut crate::store::Workspace,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    ws.import_file(path, opts, progress, cancel, now)
}

#[cfg(test)]
mod real_tests;
#[cfg(test)]
mod tests;
