//! Import operations, as the CLI and the app call them: look at a file before importing it,
//! import files (each one its own all-or-nothing batch), list and undo imports, and read back the
//! rows an import refused. Options arrive as the user typed them (`interactions`, `dmy`,
//! `America/Chicago`, a saved mapping's name) and are parsed here once, so both shells accept and
//! refuse exactly the same input. Import errors keep the core's sentences, which name the file,
//! the row, the column and what was expected.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use qbr_core::import::value::DurationUnit;
use qbr_core::import::{
    self, ColumnMapping, DateOrder, DecimalMark, Detection, Format, HeadlineFigure, ImportError,
    ImportOptions, ImportReport, Kind, Mapping, MappingTemplate, MarkVerdict, OrderVerdict, Phase,
    Preset, Progress, Reading, Refusal,
};
use qbr_core::settings::parse_timezone;
use qbr_core::{Error, Workspace};

use crate::wire::*;
use crate::ApiResult;

impl From<ImportError> for ErrorView {
    fn from(e: ImportError) -> Self {
        let code = match e {
            // Transparent: the workspace's own code and sentence.
            ImportError::Workspace(inner) => return inner.into(),
            ImportError::Mapping { .. } => ErrorCode::MappingNeeded,
            ImportError::MappingProbablyWrong { .. } => ErrorCode::MappingProbablyWrong,
            ImportError::AmbiguousDates { .. } => ErrorCode::AmbiguousDates,
            ImportError::AmbiguousNumbers { .. } => ErrorCode::AmbiguousNumbers,
            ImportError::UnclearQuestion { .. } => ErrorCode::UnclearQuestion,
            ImportError::Cancelled { .. } => ErrorCode::Cancelled,
            ImportError::Unreadable { .. } | ImportError::Strict { .. } => ErrorCode::InvalidInput,
        };
        ErrorView {
            code,
            message: e.to_string(),
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ErrorView {
    Error::InvalidSetting {
        field: field.into(),
        message: message.into(),
    }
    .into()
}

/// Parses a kind of data: interactions, intervals, surveys, quality, workforce or finance.
pub fn parse_kind(text: &str) -> ApiResult<Kind> {
    text.parse::<Kind>().map_err(|m| invalid("kind", m))
}

/// Parses a vendor preset by the name imports are recorded with.
pub fn parse_preset(text: &str) -> ApiResult<Preset> {
    text.parse::<Preset>().map_err(|m| {
        let names: Vec<&str> = Preset::ALL.iter().map(|p| p.as_str()).collect();
        invalid(
            "preset",
            format!("{m}; expected one of {}", names.join(", ")),
        )
    })
}

/// Parses a date order: `dmy` (day first, 25/07/2026) or `mdy` (month first, 07/25/2026).
pub fn parse_date_order(text: &str) -> ApiResult<DateOrder> {
    match text.trim().to_ascii_lowercase().as_str() {
        "dmy" | "day_first" | "day-first" => Ok(DateOrder::DayFirst),
        "mdy" | "month_first" | "month-first" => Ok(DateOrder::MonthFirst),
        other => Err(invalid(
            "date_order",
            format!("{other:?} is not a date order; expected dmy (25/07/2026) or mdy (07/25/2026)"),
        )),
    }
}

/// Parses a decimal mark: `point` (1,234.5) or `comma` (1.234,5).
pub fn parse_decimal_mark(text: &str) -> ApiResult<DecimalMark> {
    match text.trim().to_ascii_lowercase().as_str() {
        "point" | "dot" | "." => Ok(DecimalMark::Point),
        "comma" | "," => Ok(DecimalMark::Comma),
        other => Err(invalid(
            "decimal_mark",
            format!("{other:?} is not a decimal mark; expected point (1,234.5) or comma (1.234,5)"),
        )),
    }
}

/// Looks at a file and says what an import would read: kind, preset, mapping with confidences,
/// and the first rows. A saved mapping whose columns are all in the file wins over guessing.
pub fn detect_file(workspace: &Path, file: &Path) -> ApiResult<DetectionView> {
    let ws = Workspace::open(workspace)?;
    let templates = ws.mapping_templates()?;
    let d = import::detect_with(file, &templates)?;
    Ok(detection_view(d))
}

fn detection_view(d: Detection) -> DetectionView {
    DetectionView {
        file_name: d.file_name,
        format: match d.format {
            Format::Delimited => "delimited",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Json => "json",
        }
        .into(),
        sheet: d.sheet,
        kind: d.kind.map(|k| k.as_str().into()),
        preset: d.preset.map(|p| p.as_str().into()),
        header: d.header,
        mapping: d
            .mapping
            .columns
            .into_iter()
            .map(|c| MappedColumnView {
                // Two decimals: an f32 0.8 should not reach the UI as 0.800000011920929.
                confidence: (f64::from(c.confidence) * 100.0).round() / 100.0,
                ..column_view(&c)
            })
            .collect(),
        readings: d.readings.iter().map(reading_view).collect(),
        encoding: d.encoding,
        unmapped: d.unmapped,
        preview: d.preview,
        date_order: match d.date_order {
            OrderVerdict::NotNeeded => "not_needed",
            OrderVerdict::Known(DateOrder::DayFirst) => "dmy",
            OrderVerdict::Known(DateOrder::MonthFirst) => "mdy",
            OrderVerdict::Ambiguous => "ambiguous",
            OrderVerdict::Mixed => "mixed",
        }
        .into(),
        template: d.template,
        decimal_mark: match d.decimal_mark {
            MarkVerdict::NotNeeded => "not_needed",
            MarkVerdict::Known(m) => m.as_str(),
            MarkVerdict::Ambiguous => "ambiguous",
            MarkVerdict::Mixed => "mixed",
        }
        .into(),
        questions: d
            .questions
            .into_iter()
            .map(|q| QuestionChoiceView {
                field: q.field,
                candidates: q
                    .candidates
                    .into_iter()
                    .map(|(header, text)| QuestionView { header, text })
                    .collect(),
            })
            .collect(),
        fields_by_kind: Kind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_string(),
                    k.fields().iter().map(|f| f.name.to_string()).collect(),
                )
            })
            .collect(),
    }
}

/// Turns a request as typed into the core's options. The mapping is a saved template's name
/// first, otherwise the path of a mapping JSON file (`{"columns": [{"field", "header", "unit"}]}`).
fn options(ws: &Workspace, req: &ImportRequest) -> ApiResult<ImportOptions> {
    let mut kind = req.kind.as_deref().map(parse_kind).transpose()?;
    let preset = req.preset.as_deref().map(parse_preset).transpose()?;
    if let (Some(k), Some(p)) = (kind, preset) {
        if p.kind() != k {
            return Err(invalid(
                "preset",
                format!("preset {p} reads {}, not {k}", p.kind()),
            ));
        }
    }
    let chosen = req.columns.as_ref().map(|cols| Mapping {
        columns: cols
            .iter()
            .map(|c| ColumnMapping {
                field: c.field.clone(),
                header: c.header.clone(),
                unit: c.unit.as_deref().and_then(DurationUnit::parse),
                confidence: 1.0,
                values: c
                    .values
                    .iter()
                    .map(|v| (v.value.clone(), v.means.clone()))
                    .collect(),
            })
            .collect(),
    });
    let mapping = match req.mapping.as_deref().map(str::trim) {
        _ if chosen.is_some() => chosen,
        None | Some("") => None,
        Some(name) => {
            let templates = ws.mapping_templates()?;
            if let Some(t) = templates.iter().find(|t| t.name == name) {
                kind = kind.or(Some(t.kind));
                Some(t.mapping.clone())
            } else if Path::new(name).is_file() {
                let text = std::fs::read_to_string(name).map_err(|e| {
                    invalid(
                        "mapping",
                        format!("the mapping file {name} cannot be read ({e})"),
                    )
                })?;
                Some(
                    Mapping::from_json(&text)
                        .map_err(|m| invalid("mapping", format!("{name}: {m}")))?,
                )
            } else {
                let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
                return Err(invalid(
                    "mapping",
                    format!(
                        "{name:?} is neither a saved mapping nor a mapping file; saved mappings: {}",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                ));
            }
        }
    };
    Ok(ImportOptions {
        kind,
        preset,
        mapping,
        program: req
            .program
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from),
        timezone: req.timezone.as_deref().map(parse_timezone).transpose()?,
        date_order: req
            .date_order
            .as_deref()
            .map(parse_date_order)
            .transpose()?,
        strict: req.strict,
        csat_column: chosen_question(&req.csat_column),
        ces_column: chosen_question(&req.ces_column),
        // Read from the workspace by the import itself.
        program_aliases: Default::default(),
        dry_run: req.dry_run,
        variants: None,
        decimal_mark: req
            .decimal_mark
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .map(parse_decimal_mark)
            .transpose()?,
        probe_numbers: false,
        earliest: req
            .earliest
            .as_deref()
            .map(|d| crate::metrics::parse_date(d, "earliest"))
            .transpose()?,
        latest: req
            .latest
            .as_deref()
            .map(|d| crate::metrics::parse_date(d, "latest"))
            .transpose()?,
    })
}

/// A question column as chosen; blank means "not chosen".
fn chosen_question(column: &Option<String>) -> Option<String> {
    column
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
}

/// Imports each file as its own batch, in order: a file is taken whole or not at all. On an
/// error, files before it stay imported (the message says which) and files after it are not read.
pub fn import_files(
    workspace: &Path,
    files: &[PathBuf],
    req: &ImportRequest,
    progress: &mut dyn FnMut(ImportProgressView),
    cancel: &AtomicBool,
    now: DateTime<Utc>,
) -> ApiResult<Vec<ImportReportView>> {
    let _span = tracing::info_span!("import", files = files.len(), dry_run = req.dry_run).entered();
    let mut ws = Workspace::open(workspace)?;
    let opts = options(&ws, req)?;
    let mut reports: Vec<ImportReportView> = Vec::new();
    let count = files.len() as u64;
    for (index, file) in files.iter().enumerate() {
        let file_name = import::read::file_label(file);
        let started = Instant::now();
        tracing::info!(file = %file_name, "import started");
        let result = if cancel.load(Ordering::Relaxed) {
            Err(ImportError::Cancelled {
                file: file_name.clone(),
            })
        } else {
            let mut report_progress = |p: Progress| {
                progress(progress_view(&file_name, index as u64, count, p));
            };
            ws.import_file(file, &opts, &mut report_progress, cancel, now)
        };
        match result {
            Ok(report) => {
                tracing::info!(
                    file = %file_name,
                    kind = report.kind.as_str(),
                    batch = ?report.batch_id,
                    already_imported = ?report.already_imported,
                    rows_read = report.rows_read,
                    rows_taken = report.rows_taken,
                    rows_refused = report.rows_refused,
                    rows_duplicate = report.rows_duplicate,
                    flags = report.flags.len(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "import finished"
                );
                let mut view = report_view(report);
                if index == 0 && !req.dry_run {
                    if let Some(name) = req.save_mapping_as.as_deref().map(str::trim) {
                        if !name.is_empty() {
                            save_used_mapping(&mut ws, file, name, &opts, &view.kind, now)?;
                            view.notes.push(format!(
                                "The mapping was saved as {name:?}: files with the same columns will be read the same way."
                            ));
                        }
                    }
                }
                reports.push(view)
            }
            Err(e) => {
                let mut err = ErrorView::from(e);
                // The message may quote the file's cells: only its code goes to the log.
                tracing::warn!(
                    file = %file_name,
                    code = ?err.code,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "import stopped"
                );
                let taken: Vec<String> = reports
                    .iter()
                    .filter_map(|r| {
                        r.batch_id
                            .map(|id| format!("{} as import {id}", r.file_name))
                    })
                    .collect();
                if !taken.is_empty() {
                    err.message
                        .push_str(&format!(" (imported before it: {})", taken.join(", ")));
                }
                return Err(err);
            }
        }
    }
    Ok(reports)
}

/// Saves the mapping an import read `file` with: the one given, or the one detection found.
fn save_used_mapping(
    ws: &mut Workspace,
    file: &Path,
    name: &str,
    opts: &ImportOptions,
    kind: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mapping = match &opts.mapping {
        Some(m) => m.clone(),
        None => import::detect_with(file, &ws.mapping_templates()?)?.mapping,
    };
    ws.save_mapping_template(
        &MappingTemplate {
            name: name.to_string(),
            kind: parse_kind(kind)?,
            mapping,
        },
        now,
    )?;
    Ok(())
}

/// The saved column mappings, by name.
pub fn list_mappings(workspace: &Path) -> ApiResult<Vec<SavedMappingView>> {
    let ws = Workspace::open(workspace)?;
    Ok(ws
        .mapping_templates()?
        .into_iter()
        .map(|t| SavedMappingView {
            name: t.name,
            kind: t.kind.as_str().into(),
            columns: t.mapping.columns.iter().map(column_view).collect(),
        })
        .collect())
}

fn column_view(c: &ColumnMapping) -> MappedColumnView {
    MappedColumnView {
        field: c.field.clone(),
        header: c.header.clone(),
        unit: c.unit.map(|u| u.as_str().to_string()),
        confidence: c.confidence as f64,
        values: c
            .values
            .iter()
            .map(|(value, means)| ValueMeaningView {
                value: value.clone(),
                means: means.clone(),
            })
            .collect(),
    }
}

fn reading_view(r: &Reading) -> ReadingView {
    ReadingView {
        topic: r.topic.as_str().into(),
        columns: r.columns.clone(),
        text: r.text.clone(),
        inferred: r.inferred,
    }
}

fn headline_view(h: HeadlineFigure) -> HeadlineFigureView {
    HeadlineFigureView {
        metric_id: h.metric_id,
        name: h.name,
        unit: h.unit.as_str().into(),
        value: h.value.value,
        numerator: h.value.numerator,
        denominator: h.value.denominator,
        n: h.value.n,
        flags: h.value.flags.iter().map(|f| f.as_str().into()).collect(),
        notes: h
            .value
            .flags
            .iter()
            .map(|f| f.words().to_string())
            .chain(h.value.coverage.as_ref().map(|c| c.text()))
            .chain(h.value.notes.iter().cloned())
            .collect(),
        reason: h.value.reason,
    }
}

fn progress_view(file_name: &str, index: u64, count: u64, p: Progress) -> ImportProgressView {
    let rows = qbr_format::thousands(p.rows_read);
    let (phase, status) = match p.phase {
        Phase::Fingerprint => ("fingerprint", "checking the file".to_string()),
        Phase::CheckingDates => ("checking_dates", "checking the dates".to_string()),
        Phase::Reading => ("reading", format!("reading: {rows} rows")),
        // Rows that came in no time order, stored day by day once the file is read.
        Phase::SortingDays => ("sorting_days", format!("placing the rows by day: {rows}")),
        Phase::Writing => ("writing", "saving".to_string()),
    };
    ImportProgressView {
        file_name: file_name.into(),
        file_index: index,
        file_count: count,
        phase: phase.into(),
        status,
        rows_read: p.rows_read,
        file_size: p.file_size,
    }
}

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn refusal_view(r: Refusal) -> RefusalView {
    RefusalView {
        row: r.row,
        column: r.column,
        value: r.value,
        expected: r.expected,
    }
}

fn report_view(r: ImportReport) -> ImportReportView {
    ImportReportView {
        file_name: r.file_name,
        sha256: r.sha256,
        batch_id: r.batch_id,
        already_imported: r.already_imported,
        kind: r.kind.as_str().into(),
        preset: r.preset.map(|p| p.as_str().into()),
        rows_read: r.rows_read,
        rows_taken: r.rows_taken,
        rows_refused: r.rows_refused,
        rows_duplicate: r.rows_duplicate,
        first_day: day(r.first_day),
        last_day: day(r.last_day),
        notes: r.notes,
        refusals: r.refusals.into_iter().map(refusal_view).collect(),
        readings: r.readings.iter().map(reading_view).collect(),
        headline: r.headline.into_iter().map(headline_view).collect(),
        flags: r
            .flags
            .into_iter()
            .map(|f| PlausibilityView {
                code: f.code,
                message: f.message,
            })
            .collect(),
        dry_run: r.dry_run,
    }
}

/// Every import of the workspace, oldest first, undone ones included.
pub fn list_imports(workspace: &Path) -> ApiResult<Vec<ImportView>> {
    Ok(crate::workspace_info(workspace)?.imports)
}

fn known_batch(workspace: &Path, batch_id: i64) -> ApiResult<ImportView> {
    list_imports(workspace)?
        .into_iter()
        .find(|b| b.id == batch_id)
        .ok_or_else(|| ErrorView {
            code: ErrorCode::NotFound,
            message: format!("there is no import {batch_id} in {}", workspace.display()),
        })
}

/// Takes an import back: its contacts and facts go, contacts it had replaced come back, and the
/// batch stays in the history marked undone.
pub fn undo_import(
    workspace: &Path,
    batch_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<UndoReportView> {
    known_batch(workspace, batch_id)?;
    let mut ws = Workspace::open(workspace)?;
    let u = ws.undo_import(batch_id, now)?;
    Ok(UndoReportView {
        batch_id: u.batch_id,
        facts_removed: u.facts_removed,
        contacts_removed: u.contacts_removed,
        contacts_restored: u.contacts_restored,
    })
}

/// Every row (or cell) an import refused, in file order.
pub fn import_refusals(workspace: &Path, batch_id: i64) -> ApiResult<Vec<RefusalView>> {
    known_batch(workspace, batch_id)?;
    let ws = Workspace::open(workspace)?;
    Ok(ws
        .import_refusals(batch_id)?
        .into_iter()
        .map(refusal_view)
        .collect())
}

/// One import and every row it refused.
pub fn import_detail(workspace: &Path, batch_id: i64) -> ApiResult<ImportDetailView> {
    Ok(ImportDetailView {
        import: known_batch(workspace, batch_id)?,
        refusals: import_refusals(workspace, batch_id)?,
    })
}

/// The refusals of an import as CSV (`row,column,value,expected`), safe to open in a spreadsheet:
/// a cell that would start a formula gets a leading apostrophe.
pub fn refusals_csv(workspace: &Path, batch_id: i64) -> ApiResult<String> {
    Ok(refusals_to_csv(&import_refusals(workspace, batch_id)?))
}

pub(crate) fn refusals_to_csv(refusals: &[RefusalView]) -> String {
    let mut out = String::from("row,column,value,expected\n");
    for r in refusals {
        let cells = [
            r.row.to_string(),
            csv_cell(r.column.as_deref().unwrap_or("")),
            csv_cell(&r.value),
            csv_cell(&r.expected),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// Text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return first),
/// defused with a leading apostrophe; other text unchanged. Every CSV and XLSX export uses it.
pub(crate) fn defuse_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// One CSV cell: formula starters defused, quoted when it holds a delimiter, quote or line end.
pub(crate) fn csv_cell(text: &str) -> String {
    let guarded = defuse_formula(text);
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Saved queue- and campaign-to-program mappings.
pub fn list_program_aliases(workspace: &Path) -> ApiResult<Vec<ProgramAliasView>> {
    let ws = Workspace::open(workspace)?;
    Ok(ws
        .program_aliases()?
        .into_iter()
        .map(|a| ProgramAliasView {
            source: a.source.as_str().into(),
            source_name: a.source_name,
            program: a.program,
        })
        .collect())
}

/// Saves the program of a queue or campaign: later imports put its rows in that program.
pub fn set_program_alias(
    workspace: &Path,
    alias: &ProgramAliasView,
) -> ApiResult<Vec<ProgramAliasView>> {
    let mut ws = Workspace::open(workspace)?;
    ws.set_program_alias(&qbr_core::store::ProgramAlias {
        source: qbr_core::store::AliasSource::parse(&alias.source)?,
        source_name: alias.source_name.clone(),
        program: alias.program.clone(),
    })?;
    drop(ws);
    list_program_aliases(workspace)
}

pub fn remove_program_alias(workspace: &Path, source: &str, source_name: &str) -> ApiResult<()> {
    let mut ws = Workspace::open(workspace)?;
    let source = qbr_core::store::AliasSource::parse(source)?;
    if ws.remove_program_alias(source, source_name)? {
        Ok(())
    } else {
        Err(ErrorView {
            code: ErrorCode::NotFound,
            message: format!("no saved program for {} {source_name:?}", source.as_str()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_says_where_the_import_is_in_words_with_its_rows() {
        let status = |phase, rows_read| {
            let p = Progress {
                phase,
                rows_read,
                file_size: 1_000_000,
            };
            let v = progress_view("calls.csv", 1, 3, p);
            (v.phase, v.status, v.file_index, v.file_count)
        };
        assert_eq!(
            status(Phase::Fingerprint, 0),
            ("fingerprint".into(), "checking the file".into(), 1, 3)
        );
        assert_eq!(
            status(Phase::Reading, 1_234_000).1,
            "reading: 1,234,000 rows"
        );
        assert_eq!(
            status(Phase::SortingDays, 65_536),
            (
                "sorting_days".into(),
                "placing the rows by day: 65,536".into(),
                1,
                3
            )
        );
        assert_eq!(status(Phase::Writing, 0).1, "saving");
    }
}
