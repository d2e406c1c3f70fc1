//! One import, start to end, in five stages that read top to bottom:
//!
//! 1. [`open`]: the file as it is when the import begins (a regular file, its size, change time
//!    and inode) and its fingerprint started on a thread of its own.
//! 2. [`plan`]: each table's kind, preset and mapping, refused when no table can be read right.
//! 3. [`probe`]: a file imported before ends here; otherwise what the rows cannot say alone is
//!    settled first (Qualtrics questions, the zone, slashed dates' order, decimal marks), reading
//!    the file through once more where the first rows show it is needed.
//! 4. [`stream`]: the batch begun in the sink, rows read on one thread, parsed on workers and
//!    handed to the sink in file order.
//! 5. [`finish`]: the contacts the sink kept waiting taken, the facts of other kinds written, the
//!    fingerprint recorded, the file checked unchanged, the batch closed and the report written.
//!
//! The caller owns the sink and commits (or drops) its work: [`crate::Workspace::import_file`]
//! for a workspace.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sha2::{Digest, Sha256};

use super::mapping::{match_columns, normalise, Kind, Mapping, Preset};
use super::read::{self, file_label, open_tables, Table};
use super::readings::{self, Reading};
use super::record::{self, parse_row, Columns, Parsed, RecordContext};
use super::value::{
    DateOrder, DateOrderProbe, DecimalMark, MarkVerdict, OrderVerdict, TimeContext,
};
use super::{
    check_question_choice, feed_probe, pipeline, plan_table, qualtrics_zone, timestamp_fields,
    unclear_questions, Counts, ImportError, ImportOptions, ImportReport, NewContact, NumberProbes,
    Phase, Progress, Refusal, Sink, GENERIC_SOURCE, MAX_REFUSED_SHARE, REPORT_REFUSALS,
};
use crate::model::rollup::{self, Facts};
use crate::model::NewBatch;
use crate::settings::Settings;

/// Rows a parse worker takes at a time.
pub(super) const PARSE_CHUNK: usize = 1024;
/// Threads parsing rows while one reads them and the caller writes them.
const PARSE_WORKERS: usize = 2;

#[cfg(test)]
thread_local! {
    /// Tests cut files into small chunks to cross chunk boundaries with few rows.
    pub(super) static TEST_PARSE_CHUNK: std::cell::Cell<usize> = const { std::cell::Cell::new(PARSE_CHUNK) };
}

fn parse_chunk() -> usize {
    #[cfg(test)]
    return TEST_PARSE_CHUNK.with(|c| c.get());
    #[cfg(not(test))]
    PARSE_CHUNK
}

/// One row as the parsing thread hands it over: read or not, then parsed or refused.
type ParsedRow = Result<Result<Option<Parsed>, Vec<Refusal>>, ImportError>;

/// Imports `path` into any sink, stage by stage. The caller commits (or drops) the sink's work.
pub fn run_into(
    sink: &mut dyn Sink,
    settings: &Settings,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let mut file = open(path, progress, cancel)?;
    let mut plan = plan(&file, path, opts, settings)?;
    let probed = match probe(
        sink, &mut file, &mut plan, path, opts, settings, progress, cancel,
    )? {
        Probe::ImportedBefore(report) => return Ok(report),
        Probe::New(probed) => probed,
    };
    let streamed = stream(
        sink, &file, &mut plan, &probed, settings, opts, progress, cancel, now,
    )?;
    finish(
        sink, file, plan, probed, streamed, path, settings, opts, progress, cancel, now,
    )
}

/// The file as the import found it.
struct Opened {
    label: String,
    file_size: u64,
    /// What the file is now: if it is anything else at the end, the rows read and the bytes
    /// fingerprinted may not be one file.
    as_read: FileState,
    fingerprinting: Fingerprinting,
}

/// Stage 1, open: a regular file, as it is now, its fingerprint under way.
fn open(
    path: &Path,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Opened, ImportError> {
    let label = file_label(path);
    if cancel.load(Ordering::Relaxed) {
        return Err(ImportError::Cancelled { file: label });
    }
    let file_size = read::regular_file_len(path)?;
    let as_read = FileState::of(path, &label)?;
    let fingerprinting = Fingerprinting::start(path, &label, file_size);
    progress(Progress {
        phase: Phase::Fingerprint,
        rows_read: 0,
        file_size,
    });
    Ok(Opened {
        label,
        file_size,
        as_read,
        fingerprinting,
    })
}

/// How the file's tables are read.
struct Plan {
    /// The tables taken, each with its kind, preset and mapping; the first one's decide.
    plans: Vec<(Table, Kind, Option<Preset>, Mapping)>,
    kind: Kind,
    preset: Option<Preset>,
    every_contact_handled: bool,
    file_readings: Vec<Reading>,
    notes: Vec<String>,
}

/// Stage 2, plan: each table's kind, preset and mapping, the checks a mapping must pass,
/// and how the figures' foundations are read.
fn plan(
    file: &Opened,
    path: &Path,
    opts: &ImportOptions,
    settings: &Settings,
) -> Result<Plan, ImportError> {
    let label = &file.label;
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
            label,
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
        check_averages(label, kind, mapping)?;
        check_duplicate_columns(label, &table.header, mapping)?;
        readings::check_flag_headings(label, mapping)?;
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
    Ok(Plan {
        plans,
        kind,
        preset,
        every_contact_handled,
        file_readings,
        notes,
    })
}

/// What the rows cannot say alone, settled before they are read.
struct Probed {
    /// The file's SHA-256 when it was awaited (a file the size of one imported before).
    sha256: Option<String>,
    zone: Tz,
    order: Option<DateOrder>,
    marks: HashMap<(Option<String>, String), DecimalMark>,
}

enum Probe {
    /// This exact file was imported before: nothing is done.
    ImportedBefore(ImportReport),
    New(Probed),
}

/// Stage 3, probe: whether the file was imported before, then the Qualtrics questions, the zone,
/// the order of slashed dates and the decimal marks.
#[allow(clippy::too_many_arguments)]
fn probe(
    sink: &mut dyn Sink,
    file: &mut Opened,
    plan: &mut Plan,
    path: &Path,
    opts: &ImportOptions,
    settings: &Settings,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Probe, ImportError> {
    let (label, file_size) = (file.label.clone(), file.file_size);
    let (kind, preset) = (plan.kind, plan.preset);
    let (plans, notes) = (&plan.plans, &mut plan.notes);
    let file_readings = plan.file_readings.clone();
    let (as_read, fingerprinting) = (&file.as_read, &mut file.fingerprinting);
    // Only a file the size of one imported before can be that file again: then its fingerprint
    // is awaited before anything is written. Otherwise it is taken at the end, having been
    // computed while the rows were read.
    let mut sha256 = None;
    if sink.imported_size(file_size, kind)? {
        let sha = fingerprinting.wait(cancel)?;
        if let Some(batch) = sink.already_imported(&sha, kind)? {
            as_read.unchanged(path, &label)?;
            return Ok(Probe::ImportedBefore(ImportReport {
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
            }));
        }
        sha256 = Some(sha);
    }

    // Asked only of a file not imported before: a byte-identical file stays a no-op.
    for (table, _, _, _) in plans {
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
        None => date_order(path, &label, opts, plans, cancel, progress, file_size)?,
    };
    let marks = number_marks(path, &label, opts, plans, cancel)?;
    Ok(Probe::New(Probed {
        sha256,
        zone,
        order,
        marks,
    }))
}

/// What streaming the rows gave.
struct Streamed {
    ctx: RecordContext,
    counts: Counts,
    /// Survey responses matched to their contact.
    counts_linked: u64,
    refusals: Vec<Refusal>,
    /// Facts of kinds other than interactions and intervals, summed per key for the whole file.
    facts: Facts,
}

/// Stage 4, stream: the batch begun, then one thread splitting the file into rows, two
/// parsing them, and this one handing them to the sink in file order.
#[allow(clippy::too_many_arguments)]
fn stream(
    sink: &mut dyn Sink,
    file: &Opened,
    plan: &mut Plan,
    probed: &Probed,
    settings: &Settings,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    now: DateTime<Utc>,
) -> Result<Streamed, ImportError> {
    let (label, file_size) = (file.label.clone(), file.file_size);
    let cancelled = || ImportError::Cancelled {
        file: label.clone(),
    };
    let (kind, preset, every_contact_handled) =
        (plan.kind, plan.preset, plan.every_contact_handled);
    let plans = std::mem::take(&mut plan.plans);
    let (sha256, zone, order, marks) = (&probed.sha256, probed.zone, probed.order, &probed.marks);
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
    Ok(Streamed {
        ctx,
        counts,
        counts_linked,
        refusals,
        facts,
    })
}

/// Stage 5, finish: the waiting contacts taken day by day, the other kinds' facts
/// written, the fingerprint recorded, the file checked unchanged, the batch closed, and the
/// report with its headline figures, flags and notes.
#[allow(clippy::too_many_arguments)]
fn finish(
    sink: &mut dyn Sink,
    file: Opened,
    plan: Plan,
    probed: Probed,
    streamed: Streamed,
    path: &Path,
    settings: &Settings,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let Opened {
        label,
        file_size,
        as_read,
        mut fingerprinting,
    } = file;
    let cancelled = || ImportError::Cancelled {
        file: label.clone(),
    };
    let Plan {
        kind,
        preset,
        file_readings,
        mut notes,
        ..
    } = plan;
    let Streamed {
        ctx,
        counts,
        counts_linked,
        refusals,
        facts,
    } = streamed;
    let sha256 = probed.sha256;
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

/// The file's fingerprint, computed on a thread of its own while the import goes on; the
/// thread stops when this is dropped (the import ended, failed or was cancelled).
pub(super) struct Fingerprinting {
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
    pub(super) fn start(path: &Path, label: &str, len: u64) -> Fingerprinting {
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
    pub(super) fn wait(&mut self, cancel: &AtomicBool) -> Result<String, ImportError> {
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
