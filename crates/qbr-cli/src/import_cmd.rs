//! The import commands of `qbr`: `import`, `imports`, `import-undo`, `import-report` and
//! `detect`. Each parses its arguments, calls one `qbr-api` operation and prints text or
//! `--json`; what a file means and whether a row is good is decided in the core, never here.
//! Progress goes to stderr, and only when stderr is a terminal, so scripts see clean output.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};
use clap::Args;
use qbr_api::{
    DetectionView, ErrorCode, ErrorView, HeadlineFigureView, ImportProgressView, ImportReportView,
    ImportRequest, ImportView, ReadingView, RefusalView,
};

use crate::format::{thousands, value};
use crate::print_json;

/// How many refusals the text output lists before pointing at `qbr import-report`.
const SHOWN_REFUSALS: usize = 10;

#[derive(Args)]
pub struct ImportArgs {
    workspace: PathBuf,
    /// Exports to import (CSV, TSV, XLSX, JSON or JSON Lines); each becomes its own import.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// interactions, intervals, surveys, quality, workforce or finance (detected by default).
    #[arg(long)]
    kind: Option<String>,
    /// A vendor preset such as genesys_cloud_interactions (recognised by default).
    #[arg(long)]
    preset: Option<String>,
    /// A saved mapping's name, or a mapping JSON file.
    #[arg(long, value_name = "NAME|FILE")]
    mapping: Option<String>,
    /// The program of every row, for files that name none.
    #[arg(long)]
    program: Option<String>,
    /// IANA zone of times written without an offset (the workspace's by default).
    #[arg(long)]
    timezone: Option<String>,
    /// dmy or mdy, for slashed dates such as 01/02/2026 that the file cannot tell.
    #[arg(long, value_name = "dmy|mdy")]
    date_order: Option<String>,
    /// Refuse a whole file on its first bad row instead of leaving the row out.
    #[arg(long)]
    strict: bool,
    /// The column of the CSAT question when a survey export leaves it unclear (`none`: no CSAT).
    #[arg(long, value_name = "COLUMN|none")]
    csat_column: Option<String>,
    /// The column of the CES question when a survey export leaves it unclear (`none`: no CES).
    #[arg(long, value_name = "COLUMN|none")]
    ces_column: Option<String>,
    /// Save the mapping the first file was read with under this name; next quarter's file with
    /// the same columns is then read the same way.
    #[arg(long, value_name = "NAME")]
    save_mapping: Option<String>,
    /// Read and check the files and show their figures, then keep nothing.
    #[arg(long)]
    dry_run: bool,
    /// point (1,234.5) or comma (1.234,5), for numbers such as 1.234 that a column cannot tell.
    #[arg(long, value_name = "point|comma")]
    decimal_mark: Option<String>,
    /// Refuse rows dated before this day as misread (default 1990-01-01).
    #[arg(long, value_name = "DATE")]
    earliest: Option<String>,
    /// Refuse rows dated after this day as misread (default: a year after today).
    #[arg(long, value_name = "DATE")]
    latest: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ImportsArgs {
    workspace: PathBuf,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ImportUndoArgs {
    workspace: PathBuf,
    /// The import's number, as `qbr imports` lists it.
    batch: i64,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ImportReportArgs {
    workspace: PathBuf,
    /// The import's number, as `qbr imports` lists it.
    batch: i64,
    /// Write every refused row to this CSV file (row, column, value, expected).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct DetectArgs {
    workspace: PathBuf,
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn import(args: ImportArgs, now: DateTime<Utc>) -> Result<(), ErrorView> {
    let req = ImportRequest {
        kind: args.kind,
        preset: args.preset,
        mapping: args.mapping,
        program: args.program,
        timezone: args.timezone,
        date_order: args.date_order,
        strict: args.strict,
        columns: None,
        save_mapping_as: args.save_mapping,
        csat_column: args.csat_column,
        ces_column: args.ces_column,
        dry_run: args.dry_run,
        decimal_mark: args.decimal_mark,
        earliest: args.earliest,
        latest: args.latest,
    };
    let terminal = std::io::stderr().is_terminal();
    let mut shown = false;
    let mut progress = |p: ImportProgressView| {
        if terminal {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2K{} ({}/{}): {}",
                crate::term::clean(&p.file_name),
                p.file_index + 1,
                p.file_count,
                p.status
            );
            let _ = err.flush();
            shown = true;
        }
    };
    let never = AtomicBool::new(false);
    let result = qbr_api::import::import_files(
        &args.workspace,
        &args.files,
        &req,
        &mut progress,
        &never,
        now,
    );
    if shown {
        eprint!("\r\x1b[2K");
    }
    let reports = result.map_err(|mut e| {
        if e.code == ErrorCode::AmbiguousNumbers {
            e.message.push_str(" (give --decimal-mark point or comma)");
        }
        if e.code == ErrorCode::UnclearQuestion {
            e.message.push_str(
                " (give --csat-column COLUMN or --ces-column COLUMN, or none; qbr detect lists the questions)",
            );
        }
        e
    })?;
    if args.json {
        return print_json(&reports);
    }
    let ws = args.workspace.display();
    for r in &reports {
        print_report(r, &ws.to_string());
    }
    Ok(())
}

fn period(first: &Option<String>, last: &Option<String>) -> String {
    match (first, last) {
        (Some(a), Some(z)) => format!("{a} to {z}"),
        _ => "no dated rows".into(),
    }
}

fn print_report(r: &ImportReportView, ws: &str) {
    match (r.batch_id, r.already_imported) {
        (_, None) if r.dry_run => println!(
            "Checked {} ({}{}): a dry run, nothing was kept",
            r.file_name,
            r.kind,
            r.preset
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default()
        ),
        (_, Some(earlier)) => {
            println!(
                "{} was imported before (import {earlier}); nothing was changed",
                r.file_name
            );
            return;
        }
        (Some(id), None) => println!(
            "Imported {} as import {id} ({}{})",
            r.file_name,
            r.kind,
            r.preset
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default()
        ),
        (None, None) => println!("Imported {} ({})", r.file_name, r.kind),
    }
    println!(
        "  {} rows read, {} taken, {} refused, {} duplicates; {}",
        thousands(r.rows_read),
        thousands(r.rows_taken),
        thousands(r.rows_refused),
        thousands(r.rows_duplicate),
        period(&r.first_day, &r.last_day)
    );
    for note in &r.notes {
        println!("  note: {note}");
    }
    print_readings(&r.readings);
    if !r.headline.is_empty() {
        println!("  figures of this file:");
        for h in &r.headline {
            println!("    {}", headline_line(h));
        }
    }
    for f in &r.flags {
        println!("  CHECK: {}", f.message);
    }
    print_refusals(&r.refusals, r.rows_refused);
    if r.rows_refused > 0 {
        if let Some(id) = r.batch_id {
            println!("  every refused row: qbr import-report {ws} {id} --csv refused.csv");
        }
    }
}

/// How the file was read, inferred readings marked for the reader to check.
fn print_readings(readings: &[ReadingView]) {
    for r in readings {
        let label = if r.inferred {
            "reading (check it)"
        } else {
            "reading"
        };
        println!("  {label}: {}", r.text);
    }
}

/// `Abandonment rate  18.9%  (946 of 5,000; short abandons could not be excluded)`.
fn headline_line(h: &HeadlineFigureView) -> String {
    let shown = match h.value {
        Some(v) => value(&h.unit, v, ""),
        None => "–".into(),
    };
    let mut notes = Vec::new();
    match (h.value, h.numerator, h.denominator) {
        (None, _, _) => notes.push(h.reason.clone().unwrap_or_else(|| "no value".into())),
        (Some(_), Some(num), Some(den)) if h.unit == "ratio" => {
            notes.push(format!("{} of {}", grouped0(num), grouped0(den)))
        }
        (Some(_), _, Some(den)) if h.unit == "seconds" => {
            notes.push(format!("over {} contacts", grouped0(den)))
        }
        _ => {}
    }
    notes.extend(h.notes.iter().cloned());
    let notes = match notes.is_empty() {
        true => String::new(),
        false => format!("  ({})", notes.join("; ")),
    };
    format!("{:<26} {shown}{notes}", h.name)
}

fn grouped0(v: f64) -> String {
    crate::format::grouped(v, 0)
}

fn print_refusals(refusals: &[RefusalView], total: u64) {
    for f in refusals.iter().take(SHOWN_REFUSALS) {
        match &f.column {
            Some(c) => println!(
                "  row {}, column {c:?}: {:?} is not {}",
                f.row, f.value, f.expected
            ),
            None => println!("  row {}: {:?}: {}", f.row, f.value, f.expected),
        }
    }
    let shown = refusals.len().min(SHOWN_REFUSALS) as u64;
    if total > shown {
        println!("  … and {} more", thousands(total - shown));
    }
}

pub fn imports(args: ImportsArgs) -> Result<(), ErrorView> {
    let list = qbr_api::import::list_imports(&args.workspace)?;
    if args.json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("No imports yet");
    }
    for b in &list {
        print_import_line(b);
    }
    Ok(())
}

fn print_import_line(b: &ImportView) {
    println!(
        "#{:<4} {:<12} {:<32} {:>10} taken {:>8} refused {:>8} dup  {}  {}{}",
        b.id,
        b.kind,
        b.file_name,
        thousands(b.rows_taken),
        thousands(b.rows_refused),
        thousands(b.rows_duplicate),
        period(&b.first_day, &b.last_day),
        b.imported_at,
        if b.undone { "  (undone)" } else { "" }
    );
}

pub fn undo(args: ImportUndoArgs, now: DateTime<Utc>) -> Result<(), ErrorView> {
    let u = qbr_api::import::undo_import(&args.workspace, args.batch, now)?;
    if args.json {
        return print_json(&u);
    }
    println!(
        "Undid import {}: {} contacts and {} fact rows removed, {} contacts counted again under other imports",
        u.batch_id,
        thousands(u.contacts_removed),
        thousands(u.facts_removed),
        thousands(u.contacts_restored)
    );
    Ok(())
}

pub fn report(args: ImportReportArgs) -> Result<(), ErrorView> {
    let detail = qbr_api::import::import_detail(&args.workspace, args.batch)?;
    if let Some(path) = &args.csv {
        let text = qbr_api::import::refusals_csv(&args.workspace, args.batch)?;
        std::fs::write(path, text).map_err(|e| ErrorView {
            code: ErrorCode::ReadOnly,
            message: format!("cannot write {}: {e}", path.display()),
        })?;
    }
    if args.json {
        return print_json(&detail);
    }
    print_import_line(&detail.import);
    if detail.refusals.is_empty() {
        println!("  no row was refused");
    } else {
        print_refusals(&detail.refusals, detail.refusals.len() as u64);
    }
    if let Some(path) = &args.csv {
        println!(
            "Wrote {} refused rows to {}",
            thousands(detail.refusals.len() as u64),
            path.display()
        );
    }
    Ok(())
}

pub fn detect(args: DetectArgs) -> Result<(), ErrorView> {
    let d = qbr_api::import::detect_file(&args.workspace, &args.file)?;
    if args.json {
        return print_json(&d);
    }
    print_detection(&d);
    Ok(())
}

fn print_detection(d: &DetectionView) {
    let sheet = d
        .sheet
        .as_deref()
        .map(|s| format!(", sheet {s:?}"))
        .unwrap_or_default();
    println!("{} ({}{sheet})", d.file_name, d.format);
    println!(
        "Kind        {}",
        d.kind
            .as_deref()
            .unwrap_or("not recognised: give --kind and --mapping")
    );
    println!("Preset      {}", d.preset.as_deref().unwrap_or("none"));
    if let Some(e) = &d.encoding {
        println!("Encoding    {e} (not UTF-8, detected from the bytes)");
    }
    if let Some(t) = &d.template {
        println!("Mapping     saved mapping {t:?}");
    }
    println!(
        "Date order  {}",
        match d.date_order.as_str() {
            "ambiguous" => "ambiguous: give --date-order dmy or mdy",
            "mixed" => "mixed: the column holds both orders",
            "dmy" => "day first (dmy)",
            "mdy" => "month first (mdy)",
            _ => "not needed",
        }
    );
    match d.decimal_mark.as_str() {
        "point" => println!("Decimals    point (1,234.5)"),
        "comma" => println!("Decimals    comma (1.234,5)"),
        "ambiguous" => println!(
            "Decimals    not clear from the first rows (1.234?): give --decimal-mark if asked"
        ),
        "mixed" => println!("Decimals    mixed: the columns disagree"),
        _ => {}
    }
    for q in &d.questions {
        println!(
            "Question    unclear which is {}: give --{}-column with one of",
            q.field.to_uppercase(),
            q.field
        );
        for c in &q.candidates {
            println!("              {} {:?}", c.header, c.text);
        }
    }
    if !d.readings.is_empty() {
        println!("Readings");
        for r in &d.readings {
            let mark = if r.inferred {
                "  [inferred: check it]"
            } else {
                ""
            };
            println!("  {}{mark}", r.text);
        }
    }
    println!("Columns");
    let width = d.mapping.iter().map(|c| c.field.len()).max().unwrap_or(0);
    for c in &d.mapping {
        let unit = c
            .unit
            .as_deref()
            .map(|u| format!(" [{u}]"))
            .unwrap_or_default();
        let values = match c.values.is_empty() {
            true => String::new(),
            false => format!(
                "  values {}",
                c.values
                    .iter()
                    .map(|v| format!("{}={}", v.value, v.means))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        println!(
            "  {:<width$} <- {:?}{unit}  confidence {:.2}{values}",
            c.field, c.header, c.confidence
        );
    }
    if !d.unmapped.is_empty() {
        println!("  not read: {}", d.unmapped.join(", "));
    }
    println!("Preview ({} rows)", d.preview.len());
    println!("  {}", d.header.join(" | "));
    for row in &d.preview {
        println!("  {}", row.join(" | "));
    }
}

/// `qbr program-map WORKSPACE list|set|rm`: saved queue- and campaign-to-program mappings.
#[derive(Args)]
pub struct ProgramMapArgs {
    /// The workspace file.
    workspace: PathBuf,
    #[command(subcommand)]
    action: ProgramMapAction,
}

#[derive(clap::Subcommand)]
enum ProgramMapAction {
    /// List the saved mappings.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Save the program of a queue (or, with --campaign, of a campaign such as Five9's).
    Set {
        /// The queue or campaign name as exports spell it (case and spaces do not matter).
        name: String,
        /// The program its rows belong to.
        #[arg(long)]
        program: String,
        /// NAME is a campaign, not a queue.
        #[arg(long)]
        campaign: bool,
        #[arg(long)]
        json: bool,
    },
    /// Remove a saved mapping.
    Rm {
        name: String,
        #[arg(long)]
        campaign: bool,
    },
}

pub fn program_map(args: ProgramMapArgs) -> Result<(), ErrorView> {
    let ws = &args.workspace;
    let source = |campaign: bool| if campaign { "campaign" } else { "queue" };
    let list = match args.action {
        ProgramMapAction::List { json } => (qbr_api::import::list_program_aliases(ws)?, json),
        ProgramMapAction::Set {
            name,
            program,
            campaign,
            json,
        } => (
            qbr_api::import::set_program_alias(
                ws,
                &qbr_api::ProgramAliasView {
                    source: source(campaign).into(),
                    source_name: name,
                    program,
                },
            )?,
            json,
        ),
        ProgramMapAction::Rm { name, campaign } => {
            qbr_api::import::remove_program_alias(ws, source(campaign), &name)?;
            println!("Removed the program of {} {name:?}", source(campaign));
            return Ok(());
        }
    };
    let (aliases, json) = list;
    if json {
        return print_json(&aliases);
    }
    if aliases.is_empty() {
        println!("No saved mappings: rows take their program from the file or --program.");
    }
    for a in &aliases {
        println!("{:<9} {:<32} → {}", a.source, a.source_name, a.program);
    }
    Ok(())
}

/// `qbr mappings WORKSPACE [--json]`: the saved column mappings.
#[derive(Args)]
pub struct MappingsArgs {
    /// The workspace file.
    workspace: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn mappings(args: MappingsArgs) -> Result<(), ErrorView> {
    let saved = qbr_api::import::list_mappings(&args.workspace)?;
    if args.json {
        return print_json(&saved);
    }
    if saved.is_empty() {
        println!("No saved mappings: import with --save-mapping NAME to keep one.");
    }
    for m in &saved {
        let columns: Vec<String> = m
            .columns
            .iter()
            .map(|c| format!("{} ← {}", c.field, c.header))
            .collect();
        println!("{} ({}): {}", m.name, m.kind, columns.join(", "));
    }
    Ok(())
}
