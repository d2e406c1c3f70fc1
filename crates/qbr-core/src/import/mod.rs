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
mod run;
pub mod sink;
pub mod value;
mod zendesk;

use std::path::Path;

use chrono::NaiveDate;
use chrono_tz::Tz;

pub use crate::model::rollup::{self, DayKey, Facts, Interaction, Outcome};
pub use crate::model::NewBatch;
pub use error::ImportError;
pub use mapping::{ColumnMapping, FieldType, Kind, Mapping, Preset};
pub use read::Format;
pub use readings::{HeadlineFigure, Plausibility, Reading, ReadingTopic};
pub use run::run_into;
#[cfg(test)]
use run::{Fingerprinting, PARSE_CHUNK, TEST_PARSE_CHUNK};
pub use sink::{Counts, Finished, MemorySink, NewContact, Sink};
pub use value::{DateOrder, DecimalMark, DurationUnit, MarkVerdict, OrderVerdict};

use mapping::{detect_kind, detect_preset, match_columns, normalise, preset_mapping};
use read::{file_label, open_tables, Table};
use value::DateOrderProbe;

/// The share of refused rows above which the mapping is taken to be wrong.
pub const MAX_REFUSED_SHARE: f64 = 0.20;
/// How many refusals an [`ImportReport`] carries; all are stored with the batch.
pub const REPORT_REFUSALS: usize = 200;
/// The source of contacts from files without a vendor preset; contact keys are unique per source.
pub const GENERIC_SOURCE: &str = "generic";

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

// What the tests (`use super::*`) took from this module before the stages moved to run.rs.
#[cfg(test)]
use {crate::settings::Settings, std::sync::atomic::Ordering};

#[cfg(test)]
mod real_tests;
#[cfg(test)]
mod tests;
