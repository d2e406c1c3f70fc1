//! End-to-end import tests over the committed fixtures (fixtures/import/README.md). Expected
//! measures are worked out by hand from the fixture rows; each assertion says how.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::*;
use crate::measure::{Measure, Measures};
use crate::store::Workspace;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-08-03T09:00:00Z")
        .unwrap()
        .into()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/import")
        .join(name)
}

/// Tests import through the store as the app does ([`crate::Workspace::import_file`]).
pub(super) fn run(
    ws: &mut Workspace,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let report = ws.import_file(path, opts, progress, cancel, now);
    if let Ok(r) = &report {
        assert_headline_is_the_facts(ws, r, opts);
    }
    report
}

fn workspace(dir: &Path, zone: Tz) -> Workspace {
    let settings = Settings {
        client_name: "Fixture Client".into(),
        timezone: zone,
        ..Settings::default()
    };
    Workspace::create(&dir.join("client.qbr"), &settings, now()).unwrap()
}

fn import(
    ws: &mut Workspace,
    name: &str,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let never = AtomicBool::new(false);
    let report = run(ws, &fixture(name), opts, &mut |_| {}, &never, now());
    assert_rollup_is_the_facts(ws);
    report
}

/// Whatever an import or undo did, `fact_rollup` is the facts grouped, row for row.
fn assert_rollup_is_the_facts(ws: &Workspace) {
    assert!(ws.rollup_is_current().unwrap());
    assert_eq!(
        ws.test_rollup_differences(),
        0,
        "the rollup is the facts grouped"
    );
}

/// The headline figures an import reported are those of its batch's facts as committed,
/// grouped in SQL (the report sums them from memory when it can). [`run`] checks it after every
/// test import, the real public files' among them.
fn assert_headline_is_the_facts(ws: &Workspace, report: &ImportReport, opts: &ImportOptions) {
    let Some(batch) = report.batch_id else {
        return;
    };
    let variants = match &opts.variants {
        Some(v) => *v,
        None => ws.metric_variants().unwrap(),
    };
    let want = readings::headline(&ws.test_batch_parts(batch), &variants);
    assert_eq!(want.len(), report.headline.len());
    let close = |what: &str, w: Option<f64>, g: Option<f64>| match (w, g) {
        (Some(w), Some(g)) => assert!(
            (w - g).abs() <= 1e-9 * w.abs().max(1.0),
            "{what}: the facts give {w}, the report {g}"
        ),
        (w, g) => assert_eq!(w, g, "{what}"),
    };
    for (w, g) in want.iter().zip(&report.headline) {
        let id = &w.metric_id;
        assert_eq!(id, &g.metric_id);
        close(id, w.value.value, g.value.value);
        close(id, w.value.numerator, g.value.numerator);
        close(id, w.value.denominator, g.value.denominator);
        assert_eq!(
            (w.value.n, &w.value.flags, &w.value.reason),
            (g.value.n, &g.value.flags, &g.value.reason),
            "{id}"
        );
    }
}

/// Imports a file with the default options, never cancelled.
fn import_file(ws: &mut Workspace, path: &Path) -> Result<ImportReport, ImportError> {
    let never = AtomicBool::new(false);
    let report = run(
        ws,
        path,
        &ImportOptions::default(),
        &mut |_| {},
        &never,
        now(),
    );
    assert_rollup_is_the_facts(ws);
    report
}

fn import_ok(ws: &mut Workspace, name: &str) -> ImportReport {
    import(ws, name, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Asserts several measure totals at once: `(measure, expected, why)`.
fn expect(totals: &Measures, cases: &[(Measure, f64, &str)]) {
    for (m, want, why) in cases {
        let got = totals.get(*m);
        assert!(
            got.is_some_and(|g| (g - want).abs() < 1e-6),
            "{m}: got {got:?}, want {want} ({why})",
            m = m.as_str()
        );
    }
}

#[test]
fn generic_interactions_roll_up_to_hand_worked_measures() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), chrono_tz::America::New_York);
    let report = import_ok(&mut ws, "interactions_generic.csv");
    assert_eq!(report.kind, Kind::Interactions);
    assert_eq!(
        (report.rows_read, report.rows_taken, report.rows_refused),
        (6, 6, 0)
    );
    let day = NaiveDate::from_ymd_opt(2026, 7, 1);
    assert_eq!(
        (report.first_day, report.last_day),
        (day, day),
        "C5 at 02:30Z on 2 July is 22:30 on 1 July in New York"
    );
    let t = ws.test_fact_totals();
    expect(
        &t,
        &[
            (Measure::Offered, 6.0, "4 handled + 2 abandoned"),
            (Measure::Handled, 4.0, "C1, C2, C3, C6"),
            (Measure::Abandoned, 2.0, "C4, C5"),
            (Measure::ShortAbandoned, 1.0, "C4 waited 3 s ≤ 5 s"),
            (
                Measure::AnsweredInThreshold,
                3.0,
                "C1 12 s, C3 5 s ≤ 20 s voice; C6 50 s ≤ 60 s chat",
            ),
            (
                Measure::AbandonedInThreshold,
                1.0,
                "C4 3 s ≤ 20 s; C5 40 s is not",
            ),
            (Measure::AnswerWaitS, 92.0, "12 + 25 + 5 + 50"),
            (
                Measure::HandleS,
                1512.0,
                "380 + 240 + 292 + 600, talk + hold + wrap",
            ),
            (Measure::TalkS, 1350.0, "300 + 200 + 250 + 600"),
            (Measure::HoldS, 32.0, "20 + 12"),
            (Measure::WrapS, 130.0, "60 + 40 + 30"),
            (Measure::Transferred, 1.0, "C2"),
            (Measure::FcrEligible, 3.0, "C1, C2, C3 say Y or N"),
            (Measure::FcrResolved, 2.0, "C1, C3"),
            (Measure::CsatResponses, 3.0, "C1 5, C2 3, C6 4"),
            (Measure::CsatSatisfied, 2.0, "5 and 4 are top-two-box"),
            (Measure::CsatSum, 12.0, "5 + 3 + 4"),
        ],
    );
    assert_eq!(ws.overview().unwrap().counts.interactions, 6);
}

#[test]
fn days_are_cut_in_the_workspace_zone() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "interactions_generic.csv");
    assert_eq!(
        report.last_day,
        NaiveDate::from_ymd_opt(2026, 7, 2),
        "in UTC, C5 (02:30Z) falls on 2 July"
    );
}

#[test]
fn the_memory_sink_sees_the_same_measures_as_the_store() {
    let settings = Settings {
        timezone: chrono_tz::America::New_York,
        ..Settings::default()
    };
    let mut sink = MemorySink::new(settings.clone());
    let never = AtomicBool::new(false);
    let report = run_into(
        &mut sink,
        &settings,
        &fixture("interactions_generic.csv"),
        &ImportOptions::default(),
        &mut |_| {},
        &never,
        now(),
    )
    .unwrap();
    assert_eq!(report.rows_taken, 6);
    let t = rollup::totals(sink.facts().values());
    expect(
        &t,
        &[
            (Measure::Handled, 4.0, "as in the store test"),
            (Measure::HandleS, 1512.0, "as in the store test"),
            (Measure::AnsweredInThreshold, 3.0, "as in the store test"),
        ],
    );
}

/// SHA-256 in lower-case hex, as batches record it, computed here independently of the import.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn every_batch_records_its_files_fingerprint_whether_awaited_first_or_taken_at_the_end() {
    let sha = |path: &Path| sha256_hex(&std::fs::read(path).unwrap());
    let recorded = |ws: &Workspace, batch: Option<i64>| -> String {
        ws.test_text(
            "SELECT sha256 FROM import_batch WHERE id = ?1",
            [batch.unwrap()],
        )
        .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    // No earlier file has its size: the fingerprint is computed beside the import and recorded
    // at the end.
    let a = dir.path().join("a.csv");
    let text = std::fs::read_to_string(fixture("interactions_generic.csv")).unwrap();
    std::fs::write(&a, &text).unwrap();
    let first = import_file(&mut ws, &a).unwrap();
    assert_eq!(first.sha256, sha(&a));
    assert_eq!(recorded(&ws, first.batch_id), sha(&a));
    // The same size, other bytes (contact C1 becomes C9): awaited before writing, not the same
    // file, so imported, with its own fingerprint.
    let b = dir.path().join("b.csv");
    std::fs::write(&b, text.replacen("C1,", "C9,", 1)).unwrap();
    assert_eq!(
        std::fs::metadata(&a).unwrap().len(),
        std::fs::metadata(&b).unwrap().len()
    );
    let second = import_file(&mut ws, &b).unwrap();
    assert_eq!(second.already_imported, None, "same size, other content");
    assert_eq!(
        second.rows_taken, 1,
        "C9 is new; the other rows were in a.csv"
    );
    assert_eq!(recorded(&ws, second.batch_id), sha(&b));
    // And a.csv again, under another name: the same bytes, so the same file.
    let c = dir.path().join("c.csv");
    std::fs::write(&c, &text).unwrap();
    let again = import_file(&mut ws, &c).unwrap();
    assert_eq!(again.already_imported, first.batch_id);
}

/// A fingerprint still being read is awaited until the import is cancelled, and no longer. The
/// file is a named pipe, so the hashing thread waits for its writer as long as the test likes.
#[cfg(unix)]
#[test]
fn waiting_for_a_fingerprint_stops_at_a_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("export.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    let feed = |bytes: &'static [u8]| {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::write(pipe, bytes))
    };

    // Cancelled while the file is still being read: the wait ends at once.
    let mut f = Fingerprinting::start(&pipe, "export.csv", u64::MAX);
    let err = f.wait(&AtomicBool::new(true)).unwrap_err();
    assert!(matches!(err, ImportError::Cancelled { .. }), "{err}");
    // Opening the pipe for writing lets the hashing thread's open return, so that it can stop.
    // It may stop before reading a byte and close its end: the write may then fail (EPIPE).
    let writer = feed(b"a,b\n1,2\n");
    drop(f);
    let _ = writer.join().unwrap();

    // Not cancelled: the wait lasts until the last byte and gives the file's SHA-256.
    let mut f = Fingerprinting::start(&pipe, "export.csv", u64::MAX);
    let writer = feed(b"a,b\n1,2\n");
    let sha = f.wait(&AtomicBool::new(false)).unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(sha, sha256_hex(b"a,b\n1,2\n"));
}

#[test]
fn importing_the_same_file_again_is_a_reported_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let first = import_ok(&mut ws, "interactions_generic.csv");
    let before = ws.test_dump(&[]);
    let again = import_ok(&mut ws, "interactions_generic.csv");
    assert_eq!(
        again.already_imported, first.batch_id,
        "the report names the earlier import"
    );
    assert_eq!(again.batch_id, None, "no new batch");
    assert!(
        again.notes[0].contains("imported before"),
        "{:?}",
        again.notes
    );
    assert_eq!(ws.test_dump(&[]), before, "nothing at all was written");
}

#[test]
fn overlapping_exports_count_each_contact_once_and_undo_restores_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    import_ok(&mut ws, "interactions_overlap_a.csv");
    let after_a = ws.test_dump(&["import_batch", "import_refusal"]);
    let b = import_ok(&mut ws, "interactions_overlap_b.csv");
    assert_eq!(
        (b.rows_read, b.rows_taken, b.rows_duplicate),
        (3, 2, 1),
        "A3 is in both exports"
    );
    let t = ws.test_fact_totals();
    expect(
        &t,
        &[
            (Measure::Offered, 5.0, "A1..A5, A3 once"),
            (Measure::Abandoned, 1.0, "A3 once"),
            (Measure::ShortAbandoned, 1.0, "A3 waited 4 s"),
            (Measure::Handled, 4.0, "A1, A2, A4, A5"),
            (Measure::HandleS, 1012.0, "300 + 200 + 412 + 100"),
            (
                Measure::AnsweredInThreshold,
                3.0,
                "A1 10 s, A4 15 s, A5 8 s; A2 30 s is late",
            ),
        ],
    );
    assert_eq!(ws.overview().unwrap().counts.interactions, 5);

    let undo = ws.undo_import(b.batch_id.unwrap(), now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    assert_eq!(
        undo.contacts_removed, 2,
        "A4 and A5; A3 stays with the first import"
    );
    assert_eq!(
        ws.test_dump(&["import_batch", "import_refusal"]),
        after_a,
        "undo restores every fact, contact and dimension member as they were"
    );
    let err = ws.undo_import(b.batch_id.unwrap(), now()).unwrap_err();
    assert!(err.to_string().contains("already undone"), "{err}");
    // Once undone, the same file can come in again.
    let again = import_ok(&mut ws, "interactions_overlap_b.csv");
    assert_eq!(again.already_imported, None);
    assert_eq!(again.rows_taken, 2);
}

#[test]
fn a_strict_failure_on_row_5_leaves_the_workspace_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    import_ok(&mut ws, "interactions_generic.csv");
    let before = ws.test_dump(&[]);
    let strict = ImportOptions {
        strict: true,
        ..ImportOptions::default()
    };
    match import(&mut ws, "interactions_one_bad_row.csv", &strict) {
        Err(ImportError::Strict {
            row, column, value, ..
        }) => {
            assert_eq!(row, 5, "the header is line 1, R4 is line 5");
            assert_eq!((column.as_str(), value.as_str()), ("wait_s", "abc"));
        }
        other => panic!("strict mode should refuse the file: {other:?}"),
    }
    assert_eq!(
        ws.test_dump(&[]),
        before,
        "a failed import leaves every table as it was, batches included"
    );
    let counts = ws.overview().unwrap().counts;
    assert_eq!((counts.interactions, counts.imports), (6, 1));
}

/// An import runs with the rollup's insert trigger suspended in its transaction. Committed or
/// failed, the workspace has the trigger back exactly as it was, and the facts of a later write
/// reach the rollup through it.
#[test]
fn an_import_gives_back_the_rollup_trigger_it_suspends_whether_it_commits_or_fails() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let trigger = |ws: &Workspace| {
        ws.test_text(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'fact_rollup_insert'",
            [],
        )
    };
    let before = trigger(&ws);
    assert!(before
        .as_deref()
        .is_some_and(|s| s.contains("rollup_dirty")));
    import_ok(&mut ws, "interactions_generic.csv");
    assert_eq!(trigger(&ws), before, "back after a commit");
    let strict = ImportOptions {
        strict: true,
        ..ImportOptions::default()
    };
    assert!(import(&mut ws, "interactions_one_bad_row.csv", &strict).is_err());
    assert_eq!(trigger(&ws), before, "back after a failure");

    // A write outside an import: only the trigger marks the day of the fact it inserts.
    let mut tx = ws.write().unwrap();
    let batch = tx
        .new_batch(&crate::store::NewBatch::test("finance", "by-hand.csv"))
        .unwrap();
    let mut m = Measures::default();
    m.set(Measure::Offered, 5.0);
    let key = crate::store::FactKey {
        day: chrono::NaiveDate::from_ymd_opt(2026, 8, 15),
        monthly: false,
        members: vec![(crate::Dimension::Program, "Retail".into())],
    };
    tx.insert_fact(batch, &key, &m).unwrap();
    let marked: bool = tx
        .conn()
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM rollup_dirty WHERE day = '2026-08-15')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(marked, "the trigger marked the day");
    tx.commit().unwrap();
    assert_rollup_is_the_facts(&ws);
}

#[test]
fn bad_rows_are_refused_and_kept_with_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "interactions_one_bad_row.csv");
    assert_eq!(
        (report.rows_read, report.rows_taken, report.rows_refused),
        (10, 9, 1),
        "one bad row never sinks a file"
    );
    let refusals = ws.import_refusals(report.batch_id.unwrap()).unwrap();
    assert_eq!(refusals.len(), 1);
    let r = &refusals[0];
    assert_eq!(
        (r.row, r.column.as_deref(), r.value.as_str()),
        (5, Some("wait_s"), "abc")
    );
    assert!(r.expected.contains("duration"), "{}", r.expected);
    assert_eq!(
        report.refusals, refusals,
        "the report carries the same refusals"
    );
    expect(
        &ws.test_fact_totals(),
        &[(Measure::Handled, 9.0, "R4 is left out")],
    );
}

#[test]
fn a_file_mostly_refused_is_taken_as_a_wrong_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let before = ws.test_dump(&[]);
    let err = import(
        &mut ws,
        "interactions_mostly_bad.csv",
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::MappingProbablyWrong {
                read: 5,
                refused: 4,
                ..
            }
        ),
        "4 of 5 start times are queue names: {err}"
    );
    assert!(
        err.to_string().contains("interactions_mostly_bad.csv"),
        "{err}"
    );
    assert_eq!(ws.test_dump(&[]), before, "nothing is taken");
}

#[test]
fn a_cancelled_import_changes_nothing_and_progress_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let before = ws.test_dump(&[]);
    let cancel = AtomicBool::new(true);
    let err = run(
        &mut ws,
        &fixture("interactions_generic.csv"),
        &ImportOptions::default(),
        &mut |_| {},
        &cancel,
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Cancelled { .. }), "{err}");
    assert_eq!(ws.test_dump(&[]), before);

    let never = AtomicBool::new(false);
    let mut phases = Vec::new();
    run(
        &mut ws,
        &fixture("interactions_generic.csv"),
        &ImportOptions::default(),
        &mut |p| phases.push(p.phase),
        &never,
        now(),
    )
    .unwrap();
    assert_eq!(phases.first(), Some(&Phase::Fingerprint));
    assert_eq!(phases.last(), Some(&Phase::Writing), "{phases:?}");
}

#[test]
fn interval_averages_are_turned_back_into_sums() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "intervals_generic.csv");
    assert_eq!(report.kind, Kind::Intervals);
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Offered, 150.0, "100 + 50"),
            (Measure::Handled, 135.0, "90 + 45"),
            (Measure::Abandoned, 15.0, "10 + 5"),
            (Measure::AnsweredInThreshold, 112.0, "72 + 40"),
            (Measure::AnswerWaitS, 1800.0, "ASA 15 × 90 + 10 × 45"),
            (Measure::HandleS, 41400.0, "AHT 300 × 90 + 320 × 45"),
        ],
    );
    let err = import(
        &mut ws,
        "intervals_average_without_count.csv",
        &ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("aht")
            && err.contains("handled")
            && err.contains("intervals_average_without_count.csv"),
        "an average without its count is refused with a reason: {err}"
    );
}

#[test]
fn amazon_connect_keeps_the_latest_delivery_and_undo_gives_back_the_older() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let first = import_ok(&mut ws, "amazon_connect_ctr.jsonl");
    assert_eq!(first.preset, Some(Preset::AmazonConnectContacts));
    assert_eq!(
        (first.rows_read, first.rows_taken, first.rows_duplicate),
        (7, 5, 2),
        "c-2 arrives three times; the 13:30 delivery wins"
    );
    let t = ws.test_fact_totals();
    expect(
        &t,
        &[
            (Measure::Offered, 4.0, "c-1..c-4; c-5 is outbound"),
            (Measure::Handled, 3.0, "c-1, c-2, c-4"),
            (
                Measure::Abandoned,
                1.0,
                "c-3 queued and never reached an agent",
            ),
            (Measure::ShortAbandoned, 1.0, "c-3 waited 4 s"),
            (
                Measure::AnsweredInThreshold,
                2.0,
                "c-1 12 s (voice 20 s), c-4 45 s (chat 60 s)",
            ),
            (Measure::AnswerWaitS, 87.0, "Queue.Duration 12 + 30 + 45"),
            (Measure::HandleS, 1230.0, "380 + 250 (latest ACW 50) + 600"),
        ],
    );
    let after_first = ws.test_dump(&["import_batch", "import_refusal"]);

    let update = import_ok(&mut ws, "amazon_connect_ctr_update.jsonl");
    assert_eq!(
        (update.rows_taken, update.rows_duplicate),
        (2, 1),
        "c-1 is newer and takes over; c-3 is the same delivery; c-6 is new"
    );
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Handled, 4.0, "c-1 counted once, plus c-6"),
            (
                Measure::HandleS,
                1380.0,
                "410 (c-1 with ACW 90) + 250 + 600 + 120",
            ),
            (Measure::Abandoned, 1.0, "c-3 once"),
        ],
    );
    ws.undo_import(update.batch_id.unwrap(), now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    assert_eq!(
        ws.test_dump(&["import_batch", "import_refusal"]),
        after_first,
        "undo brings back the older c-1 in the first import and its facts"
    );
}

#[test]
fn amazon_connect_json_arrays_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "amazon_connect_ctr_array.json");
    assert_eq!(report.preset, Some(Preset::AmazonConnectContacts));
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Handled, 1.0, "j-1"),
            (Measure::Abandoned, 1.0, "j-2 has no Agent at all"),
            (Measure::HandleS, 312.0, "300 + 0 + 12"),
        ],
    );
}

#[test]
fn genesys_durations_are_milliseconds_and_non_acd_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "genesys_interactions.csv");
    assert_eq!(report.preset, Some(Preset::GenesysInteractions));
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Offered, 4.0, "g-4 is non-ACD"),
            (Measure::Handled, 3.0, "g-1, g-3, g-5"),
            (Measure::Abandoned, 1.0, "g-2"),
            (Measure::ShortAbandoned, 0.0, "g-2 waited 8 s > 5 s"),
            (Measure::AbandonedInThreshold, 1.0, "8 s ≤ 20 s"),
            (
                Measure::AnsweredInThreshold,
                2.0,
                "g-1 15 s voice; g-5 120 s ≤ 300 s messaging; g-3 40 s late",
            ),
            (
                Measure::AnswerWaitS,
                175.0,
                "Total Queue 15 + 40 + 120 s; alert time is not wait",
            ),
            (Measure::HandleS, 1220.0, "Total Handle 380 + 240 + 600 s"),
            (Measure::Transferred, 1.0, "g-3"),
        ],
    );
}

#[test]
fn five9_clock_durations_placeholders_and_account_zone() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), chrono_tz::America::New_York);
    let report = import_ok(&mut ws, "five9_call_log.csv");
    assert_eq!(report.preset, Some(Preset::Five9CallLog));
    assert_eq!(
        report.last_day,
        NaiveDate::from_ymd_opt(2026, 7, 2),
        "23:30 in the account zone stays on 2 July"
    );
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Offered, 3.0, "f-4 is outbound"),
            (Measure::Handled, 2.0, "f-1, f-3"),
            (Measure::Abandoned, 1.0, "f-2 ABANDONED 1"),
            (Measure::ShortAbandoned, 1.0, "f-2 waited 3 s"),
            (
                Measure::AnsweredInThreshold,
                1.0,
                "f-1 12 s; f-3 25 s is late",
            ),
            (
                Measure::AnswerWaitS,
                37.0,
                "QUEUE WAIT 12 + 25; ring and IVR are not wait",
            ),
            (Measure::HandleS, 592.0, "(300 + 20 + 60) + (180 + 0 + 32)"),
            (Measure::Transferred, 1.0, "f-3 TRANSFERS 1"),
        ],
    );
    let agents = ws.overview().unwrap().counts.agents;
    assert_eq!(
        agents, 2,
        "[None] is a placeholder, not an agent called [None]"
    );
}

#[test]
fn qualtrics_three_header_rows_and_nps_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "qualtrics_survey.csv");
    assert_eq!(report.preset, Some(Preset::Qualtrics));
    assert_eq!(
        report.rows_read, 4,
        "the question-text and import-id rows are not responses"
    );
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::CsatResponses, 3.0, "R_4 left Q1 blank"),
            (Measure::CsatSatisfied, 2.0, "5 and 4"),
            (Measure::CsatSum, 11.0, "5 + 4 + 2"),
            (
                Measure::NpsResponses,
                4.0,
                "Q2 is the NPS question (Q2_NPS_GROUP)",
            ),
            (Measure::NpsPromoters, 2.0, "10, 9"),
            (Measure::NpsDetractors, 1.0, "3"),
            (Measure::CesResponses, 3.0, "Q3 asks how easy"),
            (Measure::CesSum, 15.0, "7 + 6 + 2"),
        ],
    );
}

#[test]
fn amazon_connect_historical_metrics_with_dashes() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "amazon_connect_historical.csv");
    assert_eq!(report.preset, Some(Preset::AmazonConnectHistorical));
    assert_eq!(report.rows_refused, 0, "a dash means no data, not an error");
    assert!(
        report.notes.is_empty(),
        "20 seconds is the workspace's voice threshold: {:?}",
        report.notes
    );
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Offered, 120.0, "contacts queued"),
            (Measure::Handled, 110.0, ""),
            (Measure::AnsweredInThreshold, 90.0, "answered in 20 seconds"),
            (Measure::AnswerWaitS, 1540.0, "14 × 110"),
            (Measure::HandleS, 34100.0, "310 × 110"),
            (Measure::HoldS, 1320.0, "12 × 110"),
        ],
    );
}

#[test]
fn other_encodings_and_decimal_commas() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    import_ok(&mut ws, "interactions_utf16le_tab.csv");
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Handled, 1.0, "U1"),
            (Measure::Abandoned, 1.0, "U2"),
        ],
    );
    import_ok(&mut ws, "interactions_cp1252_semicolon.csv");
    import_ok(&mut ws, "interactions_utf8_bom_crlf.csv");
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Handled, 4.0, "U1, W1, W2, B1"),
            (Measure::HandleS, 1900.5, "300 + 300.5 + 1,200.0 + 100"),
            (Measure::AnswerWaitS, 40.0, "10 + 12.5 + 7.5 + 10"),
        ],
    );
    let names = ws.test_dump(&[]);
    assert!(
        names.contains("Renée Müller") && names.contains("Zoë Ó Briain"),
        "names are decoded"
    );
}

#[test]
fn duration_spellings_in_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    import_ok(&mut ws, "interactions_duration_spellings.csv");
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::AnswerWaitS, 20.5, "wait_ms 12500 + 8000"),
            (Measure::TalkS, 330.0, "talk (min) 2,5 + 3"),
            (Measure::HoldS, 30.0, "00:00:20 + 0:10"),
            (Measure::WrapS, 90.0, "1:00 + 0:30"),
            (Measure::HandleS, 500.0, "00d 00h 04m 10s + 04:10"),
        ],
    );
}

#[test]
fn slashed_dates_are_read_from_the_whole_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "interactions_dmy_dates.csv");
    assert_eq!(
        (report.first_day, report.last_day),
        (
            NaiveDate::from_ymd_opt(2026, 7, 1),
            NaiveDate::from_ymd_opt(2026, 7, 25)
        ),
        "25/07 on the last row makes the whole column day-first"
    );
    let err = import(
        &mut ws,
        "interactions_ambiguous_dates.csv",
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "ambiguous_dates", "{err}");
    let told = ImportOptions {
        date_order: Some(DateOrder::MonthFirst),
        ..ImportOptions::default()
    };
    let report = import(&mut ws, "interactions_ambiguous_dates.csv", &told).unwrap();
    assert_eq!(
        report.last_day,
        NaiveDate::from_ymd_opt(2026, 2, 7),
        "month-first as told"
    );
}

#[test]
fn a_clock_time_skipped_by_daylight_saving_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), chrono_tz::America::New_York);
    let report = import_ok(&mut ws, "interactions_dst_gap.csv");
    assert_eq!((report.rows_taken, report.rows_refused), (4, 1));
    let r = &report.refusals[0];
    assert_eq!((r.row, r.value.as_str()), (3, "2026-03-08 02:30:00"));
    assert!(r.expected.contains("skipped"), "{}", r.expected);
}

#[test]
fn workbooks_skip_titles_and_totals_and_read_every_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let report = import_ok(&mut ws, "intervals_workbook.xlsx");
    assert_eq!(report.kind, Kind::Intervals);
    assert_eq!(
        report.rows_read, 3,
        "two July rows and one August row; the totals row is not data"
    );
    assert_eq!(
        (report.first_day, report.last_day),
        (
            NaiveDate::from_ymd_opt(2026, 7, 1),
            NaiveDate::from_ymd_opt(2026, 8, 1)
        ),
        "date cells are read as dates"
    );
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Offered, 160.0, "100 + 50 + 10"),
            (
                Measure::Abandoned,
                16.0,
                "cached formula values 10 + 5, plus 1",
            ),
            (Measure::AnsweredInThreshold, 120.0, "72 + 40 + 8"),
            (
                Measure::HandleS,
                44100.0,
                "[h]:mm:ss cells 7:30 + 4:00 + 0:45",
            ),
        ],
    );
}

#[test]
fn unusable_files_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    // A workspace that already holds an import, so "nothing changes" means something.
    import_ok(&mut ws, "interactions_generic.csv");
    let before = ws.test_dump(&[]);
    let cases = [
        ("xlsx_zip_bomb.xlsx", "inflates"),
        ("empty.csv", "the file is empty"),
        ("empty.xlsx", "the file is empty"),
        ("truncated.xlsx", "truncated.xlsx"),
        ("header_only.csv", "no data rows"),
        ("no_usable_columns.csv", "no column"),
    ];
    for (name, reason) in cases {
        let err = import(&mut ws, name, &ImportOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains(name) && err.contains(reason), "{name}: {err}");
    }
    // The wrong kind: a finance import of a contact file has no month or money columns.
    let finance = ImportOptions {
        kind: Some(Kind::Finance),
        ..ImportOptions::default()
    };
    let err = import(&mut ws, "interactions_overlap_a.csv", &finance)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no usable column"), "{err}");
    assert_eq!(
        ws.test_dump(&[]),
        before,
        "no refused file changed anything"
    );
    assert_eq!(ws.overview().unwrap().counts.imports, 1);
}

#[test]
fn quality_workforce_and_finance_measures() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    assert_eq!(
        import_ok(&mut ws, "quality_evaluations.csv").kind,
        Kind::Quality
    );
    assert_eq!(
        import_ok(&mut ws, "workforce_agent_days.csv").kind,
        Kind::Workforce
    );
    assert_eq!(
        import_ok(&mut ws, "finance_monthly.csv").kind,
        Kind::Finance
    );
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::QaEvaluations, 3.0, ""),
            (Measure::QaScoreSum, 250.5, "92 + 70 + 88,5"),
            (Measure::QaFailed, 1.0, "Bob's critical error"),
            (Measure::PaidS, 57_600.0, "8 h + 8 h"),
            (Measure::ScheduledS, 54_000.0, "7.5 h × 2"),
            (Measure::AdherentS, 48_600.0, "7 h + 6.5 h"),
            (Measure::AgentHandleS, 37_800.0, "5.5 h + 5 h"),
            (Measure::Revenue, 255_000.5, "125.000,50 + 130.000,00"),
            (Measure::Cost, 197_500.25, "98.000,00 + 99.500,25"),
            (Measure::Investment, 5_000.0, "August only"),
        ],
    );
}

#[test]
fn detect_proposes_kind_preset_and_mapping_with_confidence() {
    let d = detect(&fixture("interactions_generic.csv")).unwrap();
    assert_eq!((d.kind, d.preset), (Some(Kind::Interactions), None));
    assert_eq!(d.preview.len(), 6);
    let wait = d.mapping.get("wait").unwrap();
    assert_eq!(
        (wait.header.as_str(), wait.unit),
        ("wait_s", Some(DurationUnit::Seconds))
    );
    assert_eq!(wait.confidence, 1.0);
    assert!(d.unmapped.is_empty(), "every column maps: {:?}", d.unmapped);

    let g = detect(&fixture("genesys_interactions.csv")).unwrap();
    assert_eq!(g.preset, Some(Preset::GenesysInteractions));
    assert!(
        g.unmapped.contains(&"Total Alert".to_string()),
        "{:?}",
        g.unmapped
    );

    let x = detect(&fixture("intervals_workbook.xlsx")).unwrap();
    assert_eq!(
        (x.kind, x.sheet.as_deref()),
        (Some(Kind::Intervals), Some("Jul"))
    );
    assert_eq!(x.format, Format::Xlsx);

    let a = detect(&fixture("interactions_ambiguous_dates.csv")).unwrap();
    assert_eq!(a.date_order, OrderVerdict::Ambiguous, "the UI must ask");
}

#[test]
fn survey_responses_are_counted_under_their_contact() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    import_ok(&mut ws, "interactions_generic.csv");
    let report = import_ok(&mut ws, "qualtrics_survey.csv");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("3 responses were matched")),
        "R_1..R_3 name contacts C1..C3: {:?}",
        report.notes
    );
    assert!(
        report.notes.iter().any(|n| n.contains("America/Denver")),
        "Qualtrics states its zone in the import-id row: {:?}",
        report.notes
    );
    let ann = ws.test_fact_totals_in(crate::Dimension::Agent, "Ann");
    expect(
        &ann,
        &[
            (
                Measure::NpsResponses,
                2.0,
                "R_1 (C1) and R_2 (C2) were Ann's contacts",
            ),
            (Measure::NpsPromoters, 2.0, "10 and 9"),
            (
                Measure::CsatResponses,
                4.0,
                "C1 and C2 carried CSAT inline, and R_1, R_2 add theirs",
            ),
        ],
    );
}

#[test]
fn a_large_file_streams_through_with_progress() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big_export.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "contact_id,started_at,queue,outcome,wait_s,handle_s").unwrap();
    let rows = 20_000u64;
    for i in 0..rows {
        // Every tenth contact abandons after 3 s; the rest wait 10 s and take 100 s.
        let day = 1 + (i % 28);
        if i % 10 == 0 {
            writeln!(f, "B{i},2026-07-{day:02} 10:00:00,Billing,abandoned,3,").unwrap();
        } else {
            writeln!(f, "B{i},2026-07-{day:02} 10:00:00,Billing,handled,10,100").unwrap();
        }
    }
    drop(f);
    let mut ws = workspace(dir.path(), Tz::UTC);
    let never = AtomicBool::new(false);
    let mut ticks = 0;
    let report = run(
        &mut ws,
        &path,
        &ImportOptions::default(),
        &mut |p| ticks += (p.phase == Phase::Reading) as u32,
        &never,
        now(),
    )
    .unwrap();
    assert_eq!(report.rows_taken, rows);
    assert_eq!(ticks, 20, "one progress report per 1,000 rows read");
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Offered, rows as f64, "every row is offered"),
            (Measure::Abandoned, 2_000.0, "every tenth"),
            (Measure::HandleS, 1_800_000.0, "18,000 × 100 s"),
        ],
    );
}

#[test]
fn a_saved_mapping_is_reused_for_next_quarters_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    // Headers no synonym knows: the user maps them once and saves the mapping.
    let path = dir.path().join("q3_export.csv");
    std::fs::write(
        &path,
        "Ref,When,Fate,Queue secs,Work secs\nX1,2026-07-01 09:00,handled,10,100\nX2,2026-07-01 09:05,abandoned,2,\n",
    )
    .unwrap();
    let col = |field: &str, header: &str, unit: Option<DurationUnit>| ColumnMapping {
        field: field.into(),
        header: header.into(),
        unit,
        confidence: 1.0,
        values: Vec::new(),
    };
    let template = MappingTemplate {
        name: "Contoso dialler".into(),
        kind: Kind::Interactions,
        mapping: Mapping {
            columns: vec![
                col("contact_id", "Ref", None),
                col("started_at", "When", None),
                col("outcome", "Fate", None),
                col("wait", "Queue secs", Some(DurationUnit::Seconds)),
                col("handle", "Work secs", Some(DurationUnit::Seconds)),
            ],
        },
    };
    ws.save_mapping_template(&template, now()).unwrap();
    let saved = ws.mapping_templates().unwrap();
    assert_eq!(
        saved,
        vec![template.clone()],
        "the template round-trips through the workspace"
    );

    let d = detect_with(&path, &saved).unwrap();
    assert_eq!(d.template.as_deref(), Some("Contoso dialler"));
    assert_eq!(d.kind, Some(Kind::Interactions));
    let opts = ImportOptions {
        kind: d.kind,
        mapping: Some(d.mapping),
        ..ImportOptions::default()
    };
    let never = AtomicBool::new(false);
    let report = run(&mut ws, &path, &opts, &mut |_| {}, &never, now()).unwrap();
    assert_eq!(report.rows_taken, 2);
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Handled, 1.0, "X1"),
            (Measure::ShortAbandoned, 1.0, "X2 after 2 s"),
            (Measure::HandleS, 100.0, "Work secs"),
        ],
    );
}

#[test]
fn undoing_the_first_of_two_overlapping_exports_hands_shared_contacts_to_the_second() {
    let dir = tempfile::tempdir().unwrap();
    let alone = tempfile::tempdir().unwrap();
    let mut only_b = workspace(alone.path(), Tz::UTC);
    import_ok(&mut only_b, "interactions_overlap_b.csv");
    let want = only_b.test_fact_totals();

    let mut ws = workspace(dir.path(), Tz::UTC);
    let a = import_ok(&mut ws, "interactions_overlap_a.csv");
    import_ok(&mut ws, "interactions_overlap_b.csv");
    let undo = ws.undo_import(a.batch_id.unwrap(), now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    assert_eq!(
        undo.contacts_restored, 1,
        "A3 was in both files: it now belongs to the second import"
    );
    assert_eq!(ws.overview().unwrap().counts.interactions, 3, "A3, A4, A5");
    assert_eq!(
        ws.test_fact_totals(),
        want,
        "the workspace now measures exactly what the second export alone would"
    );
    // And that is, by hand from interactions_overlap_b.csv: A3 abandoned after 4 s (short, within
    // 20 s), A4 handled after 15 s in 412 s, A5 handled after 8 s in 100 s.
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::Offered, 3.0, "A3, A4, A5"),
            (Measure::Handled, 2.0, "A4, A5"),
            (Measure::Abandoned, 1.0, "A3"),
            (Measure::ShortAbandoned, 1.0, "A3 after 4 s"),
            (
                Measure::AnsweredInThreshold,
                2.0,
                "15 s and 8 s are within 20 s",
            ),
            (Measure::AnswerWaitS, 23.0, "15 + 8"),
            (Measure::HandleS, 512.0, "412 + 100"),
        ],
    );
}

#[test]
fn undoing_a_middle_delivery_keeps_the_newest_and_the_oldest_behind_it() {
    // c-1 arrives three times over three imports, each newer than the last.
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let delivery = |acw: u32, updated: &str| {
        format!(
            "{{\"ContactId\":\"c-1\",\"Channel\":\"VOICE\",\"InitiationMethod\":\"INBOUND\",\"InitiationTimestamp\":\"2026-07-01T13:00:00Z\",\"Queue\":{{\"Name\":\"Billing\",\"Duration\":12}},\"Agent\":{{\"Username\":\"ann\",\"ConnectedToAgentTimestamp\":\"2026-07-01T13:00:12Z\",\"AgentInteractionDuration\":300,\"CustomerHoldDuration\":0,\"AfterContactWorkDuration\":{acw}}},\"LastUpdateTimestamp\":\"{updated}\"}}\n"
        )
    };
    let mut ids = Vec::new();
    for (i, (acw, at)) in [
        (10, "2026-07-01T13:10:00Z"),
        (20, "2026-07-01T13:20:00Z"),
        (30, "2026-07-01T13:30:00Z"),
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.path().join(format!("ctr_{i}.jsonl"));
        std::fs::write(&path, delivery(acw, at)).unwrap();
        let r = import_file(&mut ws, &path).unwrap();
        ids.push(r.batch_id.unwrap());
    }
    let handle = |ws: &Workspace| ws.test_fact_totals().get(Measure::HandleS);
    assert_eq!(
        handle(&ws),
        Some(330.0),
        "the newest delivery (ACW 30) counts, once"
    );
    ws.undo_import(ids[1], now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    assert_eq!(
        handle(&ws),
        Some(330.0),
        "the newest still holds the contact"
    );
    ws.undo_import(ids[2], now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    assert_eq!(
        handle(&ws),
        Some(310.0),
        "with the later two undone, the first delivery (ACW 10) is back"
    );
    assert_eq!(ws.overview().unwrap().counts.interactions, 1);
}

#[test]
fn a_source_threshold_unlike_the_workspace_one_is_pointed_out() {
    let mut settings = Settings::default();
    settings.thresholds.voice_s = 30;
    let mut sink = MemorySink::new(settings.clone());
    let never = AtomicBool::new(false);
    let report = run_into(
        &mut sink,
        &settings,
        &fixture("amazon_connect_historical.csv"),
        &ImportOptions::default(),
        &mut |_| {},
        &never,
        now(),
    )
    .unwrap();
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("within 20 s") && n.contains("30 s")),
        "the file counts at 20 s, the workspace asks 30 s: {:?}",
        report.notes
    );
}

#[test]
fn saved_queue_and_campaign_mappings_give_rows_their_program() {
    use crate::metrics::ScorecardRequest;
    use crate::period::Period;
    use crate::store::{AliasSource, ProgramAlias};
    use crate::Dimension;

    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    // The generic fixture names queues (all "Billing") but no program.
    ws.set_program_alias(&ProgramAlias {
        source: AliasSource::Queue,
        source_name: "billing ".into(),
        program: "Customer Care".into(),
    })
    .unwrap();
    // The Five9 log's CAMPAIGN column is read as the program; "Billing Inbound" is a campaign.
    ws.set_program_alias(&ProgramAlias {
        source: AliasSource::Campaign,
        source_name: "Billing Inbound".into(),
        program: "Customer Care".into(),
    })
    .unwrap();
    assert_eq!(ws.program_aliases().unwrap().len(), 2);
    import_ok(&mut ws, "interactions_generic.csv");
    import_ok(&mut ws, "five9_call_log.csv");

    let card = ws
        .scorecard(&ScorecardRequest {
            period: Period::range(
                chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 7, 31).unwrap(),
            ),
            metrics: vec!["offered".into()],
            group_by: vec![Dimension::Program],
            filters: vec![],
            compare: false,
        })
        .unwrap();
    let care = card
        .groups
        .iter()
        .find(|g| g.key.get(Dimension::Program) == Some(Some("Customer Care")))
        .expect("rows mapped to Customer Care");
    // All 6 generic contacts (queue "Billing", matched ignoring case and spaces) and the Five9
    // log's 3 inbound calls of campaign "Billing Inbound" (fixtures/import/README.md) land there.
    assert_eq!(care.metric("offered").unwrap().value.value, Some(9.0));
    assert!(
        card.groups
            .iter()
            .all(|g| g.key.get(Dimension::Program) != Some(Some("Billing Inbound"))),
        "the campaign name is not kept as a program"
    );

    assert!(ws
        .remove_program_alias(AliasSource::Queue, "billing")
        .unwrap());
    assert!(!ws
        .remove_program_alias(AliasSource::Queue, "billing")
        .unwrap());
}

#[test]
fn a_file_without_waits_or_durations_leaves_those_metrics_without_value() {
    use crate::metrics::ScorecardRequest;
    use crate::period::Period;

    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    import_ok(&mut ws, "interactions_no_waits.csv");
    let card = ws
        .scorecard(&ScorecardRequest {
            period: Period::parse("2026-07", 1).unwrap(),
            metrics: [
                "offered",
                "handled",
                "service_level",
                "asa",
                "aht",
                "abandon_rate",
            ]
            .map(String::from)
            .to_vec(),
            group_by: vec![],
            filters: vec![],
            compare: false,
        })
        .unwrap();
    let g = &card.groups[0];
    let value = |id: &str| g.metric(id).unwrap().value.value;
    assert_eq!(value("offered"), Some(4.0));
    assert_eq!(value("handled"), Some(3.0));
    // Unknown waits and durations are not zero waits and durations.
    // Each says which measure the file lacks, not a misleading "no contacts".
    for (id, missing) in [
        ("service_level", "answered_in_threshold"),
        ("asa", "answer_wait_s"),
        ("aht", "handle_s"),
    ] {
        let e = g.metric(id).unwrap();
        assert_eq!(
            e.value.value, None,
            "{id} has no value without waits or durations"
        );
        assert_eq!(
            e.value.reason.as_deref(),
            Some(format!("{missing} is not in the data for this scope").as_str()),
            "{id}"
        );
    }
    // Abandonment needs no waits: 1 of the 4 offered, with short abandons (which need waits)
    // taken as none and said so.
    let ab = &g.metric("abandon_rate").unwrap().value;
    assert_eq!(ab.value, Some(0.25));
    assert_eq!(
        ab.notes,
        vec!["short abandons are not in the data, so none could be excluded".to_string()]
    );
}

#[test]
fn qualtrics_asks_which_question_is_csat_when_two_read_as_satisfaction() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let name = "qualtrics_two_satisfaction.csv";

    let d = detect(&fixture(name)).unwrap();
    assert_eq!(
        d.questions,
        vec![QuestionChoice {
            field: "csat".into(),
            candidates: vec![
                ("Q1".into(), "How satisfied were you with the agent?".into()),
                (
                    "Q3".into(),
                    "How satisfied are you with our products overall?".into()
                ),
            ],
        }],
        "two questions read as satisfaction; the one about effort is clearly CES"
    );
    assert!(
        !d.mapping.has("csat") && d.mapping.get("ces").is_some_and(|c| c.header == "Q4"),
        "{:?}",
        d.mapping
    );

    let before = ws.test_dump(&[]);
    match import(&mut ws, name, &ImportOptions::default()) {
        Err(ImportError::UnclearQuestion {
            field, candidates, ..
        }) => {
            assert_eq!(field, "csat");
            assert!(
                candidates.contains("Q1") && candidates.contains("Q3"),
                "the message names both candidates: {candidates}"
            );
        }
        other => panic!("expected the import to ask for the CSAT question, got {other:?}"),
    }
    assert_eq!(ws.test_dump(&[]), before, "asking changes nothing");
    match import(
        &mut ws,
        name,
        &ImportOptions {
            csat_column: Some("Q9".into()),
            ..ImportOptions::default()
        },
    ) {
        Err(ImportError::Mapping { message, .. }) => {
            assert!(message.contains("\"Q9\""), "{message}")
        }
        other => panic!("a column the file lacks is refused, got {other:?}"),
    }

    let q3 = ImportOptions {
        csat_column: Some("Q3".into()),
        ..ImportOptions::default()
    };
    let batch = import(&mut ws, name, &q3).unwrap().batch_id.unwrap();
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::CsatResponses, 3.0, "Q3 answered by all three"),
            (Measure::CsatSatisfied, 1.0, "only R_3's 5 is 4 or more"),
            (Measure::CsatSum, 10.0, "2 + 3 + 5"),
            (Measure::CesResponses, 2.0, "R_3 left Q4 blank"),
            (Measure::CesSum, 8.0, "3 + 5"),
            (Measure::NpsResponses, 3.0, "10, 6, 8"),
            (Measure::NpsPromoters, 1.0, "10"),
            (Measure::NpsDetractors, 1.0, "6"),
        ],
    );
    ws.undo_import(batch, now()).unwrap();
    assert_rollup_is_the_facts(&ws);

    let q1 = ImportOptions {
        csat_column: Some("q1".into()),
        ..ImportOptions::default()
    };
    let batch = import(&mut ws, name, &q1).unwrap().batch_id.unwrap();
    expect(
        &ws.test_fact_totals(),
        &[
            (Measure::CsatResponses, 3.0, "Q1 answered by all three"),
            (Measure::CsatSatisfied, 2.0, "5 and 4"),
            (Measure::CsatSum, 10.0, "5 + 4 + 1"),
        ],
    );
    ws.undo_import(batch, now()).unwrap();
    assert_rollup_is_the_facts(&ws);

    let none = ImportOptions {
        csat_column: Some("none".into()),
        ..ImportOptions::default()
    };
    import(&mut ws, name, &none).unwrap();
    let t = ws.test_fact_totals();
    assert_eq!(
        t.get(Measure::CsatResponses),
        None,
        "no question is CSAT: CSAT stays unmeasured"
    );
    assert_eq!(t.get(Measure::NpsResponses), Some(3.0));

    let again = import(&mut ws, name, &ImportOptions::default()).unwrap();
    assert!(
        again.already_imported.is_some(),
        "the same file again is a no-op, not a question"
    );
}

#[test]
fn overlapping_interval_exports_count_each_interval_once_and_undo_either() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let offered = |ws: &Workspace| ws.test_fact_totals().get(Measure::Offered);
    let a = import_ok(&mut ws, "intervals_overlap_a.csv")
        .batch_id
        .unwrap();
    assert_eq!(offered(&ws), Some(60.0), "A alone: 10 + 20 + 30");
    let after_a = ws.test_dump(&[]);

    let b_report = import_ok(&mut ws, "intervals_overlap_b.csv");
    let b = b_report.batch_id.unwrap();
    assert_eq!(
        offered(&ws),
        Some(152.0),
        "2 July 09:00 is in both: B's 32 replaces A's 30, so 10 + 20 + 32 + 40 + 50"
    );
    expect(
        &ws.test_fact_totals(),
        &[
            (
                Measure::Handled,
                9.0 + 18.0 + 29.0 + 36.0 + 45.0,
                "B's 29 replaces A's 27",
            ),
            (
                Measure::Abandoned,
                1.0 + 2.0 + 3.0 + 4.0 + 5.0,
                "B's 3 replaces A's 3",
            ),
        ],
    );
    let day2 = ws.test_number("SELECT sum(offered) FROM fact WHERE day = '2026-07-02'", []);
    assert_eq!(
        day2,
        Some(72.0),
        "2 July: B's 32 (09:00) + 40 (09:30), A's 30 no longer"
    );
    let by_batch = |ws: &Workspace, batch: i64| {
        ws.test_number("SELECT sum(offered) FROM fact WHERE batch_id = ?1", [batch])
    };
    assert_eq!(by_batch(&ws, a), Some(30.0), "A keeps 1 July: 10 + 20");
    assert_eq!(by_batch(&ws, b), Some(122.0), "B: 32 + 40 + 50");
    let after_a_b = ws.test_dump(&[]);

    ws.undo_import(b, now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    assert_eq!(
        offered(&ws),
        Some(60.0),
        "undoing B gives A its 2 July interval back"
    );
    assert_eq!(
        ws.test_dump(&["import_batch"]),
        strip_table(&after_a, "import_batch"),
        "undoing B restores exactly the state after A"
    );

    // Again, undoing the earlier import instead: the later one's intervals stand alone.
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let a = import_ok(&mut ws, "intervals_overlap_a.csv")
        .batch_id
        .unwrap();
    import_ok(&mut ws, "intervals_overlap_b.csv");
    assert_eq!(
        ws.test_dump(&[]),
        after_a_b,
        "the same state, built the same way"
    );
    ws.undo_import(a, now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    assert_eq!(offered(&ws), Some(122.0), "B alone: 32 + 40 + 50");
    let a_again = import(
        &mut ws,
        "intervals_overlap_a.csv",
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(
        a_again.batch_id.is_some(),
        "an undone file can be imported again"
    );
    assert_eq!(
        offered(&ws),
        Some(60.0 + 122.0 - 32.0),
        "now A is the later import: its 30 replaces B's 32 on 2 July 09:00"
    );
}

/// `dump` without the section of `table`.
fn strip_table(dump: &str, table: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for line in dump.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            skip = name == table;
        }
        if !skip {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Writes a generic interactions export of `rows` contacts whose days jump back and forth over
/// 20 days (so days are written out of memory and met again), with every 50th contact on two
/// rows in a row, customers on most contacts and CSAT on some. `offset` shifts the contact
/// keys, so two such files with offsets closer than `rows` overlap.
fn write_mixed_export(path: &Path, rows: u64, offset: u64) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        f,
        "contact_id,started_at,channel,queue,agent,customer_id,outcome,wait_s,handle_s,resolved,csat"
    )
    .unwrap();
    for i in 0..rows {
        let n = i + offset;
        let day = 1 + (n * 7 % 20);
        let hour = 8 + n % 10;
        let queue = ["Billing", "Sales", "Tech"][(n % 3) as usize];
        let agent = format!("Agent {}", n % 17);
        let customer = if n.is_multiple_of(4) {
            String::new()
        } else {
            format!("K{}", n % 900)
        };
        let (outcome, handle) = if n.is_multiple_of(9) {
            ("abandoned", String::new())
        } else {
            ("handled", format!("{}", 60 + n % 300))
        };
        let csat = if n.is_multiple_of(5) {
            format!("{}", 1 + n % 5)
        } else {
            String::new()
        };
        let line = format!(
            "M{n},2026-07-{day:02} {hour:02}:{:02}:00,voice,{queue},{agent},{customer},{outcome},{},{handle},{},{csat}",
            n % 60,
            n % 40,
            if n.is_multiple_of(3) { "N" } else { "Y" },
        );
        writeln!(f, "{line}").unwrap();
        if n.is_multiple_of(50) {
            // The same contact again, later in the file: counted once.
            writeln!(f, "{line}").unwrap();
        }
    }
}

/// The schema (tables and indexes with their SQL) of a workspace.
fn schema(ws: &Workspace) -> String {
    let mut out = String::new();
    let conn = rusqlite::Connection::open(ws.path()).unwrap();
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?.unwrap_or_default()
            ))
        })
        .unwrap();
    for row in rows {
        out.push_str(&row.unwrap());
        out.push('\n');
    }
    out
}

#[test]
fn small_blocks_and_a_small_window_store_exactly_what_large_ones_store() {
    let files = tempfile::tempdir().unwrap();
    let (a, b) = (files.path().join("q3_a.csv"), files.path().join("q3_b.csv"));
    write_mixed_export(&a, 3_000, 0);
    // Overlaps the first export's last 1,000 contacts.
    write_mixed_export(&b, 2_000, 2_000);
    let mut states = Vec::new();
    for small in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = workspace(dir.path(), Tz::UTC);
        let fresh = (ws.test_dump(&[]), schema(&ws));
        crate::store::SMALL_BLOCKS.with(|f| f.set(small));
        let ra = import_file(&mut ws, &a);
        let rb = import_file(&mut ws, &b);
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(
            (ra.rows_read, ra.rows_taken, ra.rows_duplicate),
            (3_060, 3_000, 60),
            "60 contacts (every 50th) are twice in the first file"
        );
        assert_eq!(
            (rb.rows_read, rb.rows_taken, rb.rows_duplicate),
            (2_040, 1_000, 1_040),
            "the second file's first 1,000 contacts are held by the first import, and 40 of its \
             contacts are twice in it"
        );
        assert_eq!(
            ws.overview().unwrap().counts.interactions,
            4_000,
            "M0..M3999 once each"
        );
        expect(
            &ws.test_fact_totals(),
            &[
                (Measure::Offered, 4_000.0, "every contact once"),
                (
                    Measure::Abandoned,
                    445.0,
                    "n % 9 == 0 for n in 0..4000: 445",
                ),
            ],
        );
        assert_eq!(schema(&ws), fresh.1, "the schema is as it was");
        let blocks = ws
            .test_number("SELECT count(*) FROM contact_block", [])
            .unwrap();
        let both = ws.test_dump(&[]);
        ws.undo_import(rb.batch_id.unwrap(), now()).unwrap();
        assert_rollup_is_the_facts(&ws);
        let undone_b = ws.test_dump(&["import_batch"]);
        ws.undo_import(ra.batch_id.unwrap(), now()).unwrap();
        assert_rollup_is_the_facts(&ws);
        crate::store::SMALL_BLOCKS.with(|f| f.set(false));
        assert_eq!(
            ws.test_dump(&["import_batch"]),
            strip_table(&fresh.0, "import_batch"),
            "undoing both imports gives the fresh workspace back"
        );
        states.push((both, blocks, undone_b));
    }
    assert_eq!(
        states[0].0, states[1].0,
        "7-contact blocks with days leaving the window and coming back store the same contacts \
         and facts as 4,096-contact blocks"
    );
    assert!(
        states[0].1 >= 4_000.0 / 7.0 && states[1].1 < 100.0,
        "{} small blocks, {} large ones",
        states[0].1,
        states[1].1
    );
    assert_eq!(states[0].2, states[1].2, "and undo the same way");
}

#[test]
fn writes_after_an_import_check_foreign_keys_and_check_constraints_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let batch = import_ok(&mut ws, "interactions_generic.csv")
        .batch_id
        .unwrap();
    let tx = ws.write().unwrap();
    let insert = |batch: i64, grain: &str| {
        tx.conn().execute(
            "INSERT INTO fact (batch_id, day, grain) VALUES (?1, '2026-07-01', ?2)",
            rusqlite::params![batch, grain],
        )
    };
    let bad_grain = insert(batch, "week").unwrap_err();
    assert!(
        bad_grain.to_string().contains("CHECK constraint failed"),
        "{bad_grain}"
    );
    let no_batch = insert(batch + 100, "day").unwrap_err();
    assert!(
        no_batch
            .to_string()
            .contains("FOREIGN KEY constraint failed"),
        "{no_batch}"
    );
    insert(batch, "day").expect("a valid row is taken");
}

/// A copy of a committed workspace fixture, opened (and so upgraded).
fn open_fixture_workspace(name: &str) -> (tempfile::TempDir, Workspace) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/workspaces")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("client.qbr");
    std::fs::copy(&fixture, &copy).unwrap();
    let ws = Workspace::open(&copy).unwrap();
    assert_eq!(ws.format_version().unwrap(), crate::store::FORMAT_VERSION);
    (dir, ws)
}

/// Asserts that `ws` holds the very contacts and measures a fresh workspace with its settings
/// holds after importing `files` (fixtures/import) in order.
fn holds_as_if_imported(ws: &Workspace, files: &[&str], what: &str) {
    let fresh_dir = tempfile::tempdir().unwrap();
    let mut fresh = Workspace::create(
        &fresh_dir.path().join("fresh.qbr"),
        &ws.settings().unwrap(),
        now(),
    )
    .unwrap();
    for name in files {
        import_ok(&mut fresh, name);
    }
    assert_eq!(
        ws.overview().unwrap().counts.interactions,
        fresh.overview().unwrap().counts.interactions,
        "{what}"
    );
    assert_eq!(
        format!("{:?}", ws.test_fact_totals()),
        format!("{:?}", fresh.test_fact_totals()),
        "{what}: every measure"
    );
    // Contacts with their members by name and without their batch ids (the fresh workspace
    // numbers its imports and members anew).
    // Format-6 and 7 imports predate reading Amazon Connect's TransferCompletedTimestamp, whose
    // absence now says "not transferred": compare the rest.
    let contacts = |ws: &Workspace| {
        held(&ws.test_logical_dump(), &["contact_block"])
            .lines()
            .map(|l| match l.contains("|amazon_connect|") {
                true => l.replace("transferred: Some(false)", "transferred: None"),
                false => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        contacts(ws).lines().count() > 1,
        "the comparison is not of nothing"
    );
    assert_eq!(
        contacts(ws),
        contacts(&fresh),
        "{what}: the very same contacts"
    );
}

#[test]
fn a_format_6_workspace_keeps_its_contacts_in_blocks() {
    // Written by the format-6 build (fixtures/README.md): Amazon Connect records and a later
    // delivery of two of them (one replaces the first import's copy, one is a duplicate), two
    // overlapping generic exports, the generic fixture and a Qualtrics survey.
    let (_dir, mut ws) = open_fixture_workspace("format-6.qbr");
    assert_eq!(
        ws.overview().unwrap().counts.interactions,
        17,
        "the 17 rows of `interaction` are now in blocks"
    );
    assert_eq!(
        ws.test_number(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('interaction', 'interaction_duplicate')",
            []
        ),
        Some(0.0),
        "the old tables are gone"
    );
    assert_eq!(
        ws.test_number("SELECT sum(contacts) FROM duplicate_block", []),
        Some(2.0),
        "the two duplicates are in blocks"
    );
    assert_eq!(
        ws.test_number(
            "SELECT count(*) FROM interaction_superseded WHERE block_id IS NULL",
            []
        ),
        Some(1.0),
        "the contact the update took over is kept, without a block to go back to"
    );

    // Undo the update: its replacement and duplicate go back to the first Amazon Connect import,
    // read from the moved blocks. The result must equal importing everything but the update.
    ws.undo_import(2, now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    holds_as_if_imported(
        &ws,
        &[
            "amazon_connect_ctr.jsonl",
            "interactions_overlap_a.csv",
            "interactions_overlap_b.csv",
            "interactions_generic.csv",
            "qualtrics_survey.csv",
        ],
        "as if the update had never been imported",
    );
}

#[test]
fn a_format_7_workspace_keeps_its_duplicates_in_blocks() {
    // Written by the format-7 build (fixtures/README.md), the same imports as format-6.qbr: two
    // duplicates as rows of `interaction_duplicate` (the update's copy of c-3, the second
    // overlapping export's copy of A3), one contact superseded by the update.
    let (_dir, mut ws) = open_fixture_workspace("format-7.qbr");
    assert_eq!(ws.overview().unwrap().counts.interactions, 17);
    assert_eq!(
        ws.test_number(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'interaction_duplicate'",
            []
        ),
        Some(0.0),
        "the old table is gone"
    );
    let copies = |ws: &Workspace| {
        let dump = ws.test_logical_dump();
        let section = dump
            .split("## ")
            .find(|s| s.starts_with("duplicate_block"))
            .unwrap()
            .to_string();
        section
            .lines()
            .skip(1)
            .map(|l| {
                let cells: Vec<&str> = l.split('|').collect();
                // batch, source and the contact (its key opens its fields).
                format!(
                    "{} {} {}",
                    cells[0],
                    cells[2],
                    cells[9].split(',').next().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        copies(&ws),
        [
            "2 amazon_connect StoredContact { contact_key: \"c-3\"",
            "4 generic StoredContact { contact_key: \"A3\""
        ],
        "the two rows of `interaction_duplicate` are in blocks, with their batches"
    );
    // Undo the first overlapping export: the second one's copy of A3 takes its place, read from
    // the moved block; the same as never importing the first.
    ws.undo_import(3, now()).unwrap();
    assert_rollup_is_the_facts(&ws);
    holds_as_if_imported(
        &ws,
        &[
            "amazon_connect_ctr.jsonl",
            "amazon_connect_ctr_update.jsonl",
            "interactions_overlap_b.csv",
            "interactions_generic.csv",
            "qualtrics_survey.csv",
        ],
        "as if the first overlapping export had never been imported",
    );
    assert_eq!(
        copies(&ws),
        ["2 amazon_connect StoredContact { contact_key: \"c-3\""],
        "the copy handed over left its block"
    );
}

/// A generic interactions file of `rows` contacts whose data lines in `bad` hold `abc` as their
/// wait; line 1 is the header, so the first contact is line 2.
fn many_rows(dir: &Path, rows: u64, bad: &[u64]) -> PathBuf {
    let mut text =
        String::from("contact_id,started_at,channel,queue,agent,outcome,wait_s,talk_s\n");
    for i in 0..rows {
        let line = i + 2;
        let wait = if bad.contains(&line) {
            "abc".to_string()
        } else {
            (i % 50).to_string()
        };
        text.push_str(&format!(
            "C{i},2026-07-01T{:02}:{:02}:{:02}Z,voice,Billing,Ann,handled,{wait},100\n",
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60
        ));
    }
    let path = dir.join(format!("many_{rows}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `f` with files cut into chunks of `rows` rows for the parse workers.
fn with_chunks<T>(rows: usize, f: impl FnOnce() -> T) -> T {
    TEST_PARSE_CHUNK.with(|c| c.set(rows));
    let out = f();
    TEST_PARSE_CHUNK.with(|c| c.set(PARSE_CHUNK));
    out
}

#[test]
fn bad_rows_in_different_chunks_are_refused_with_their_lines_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let path = many_rows(dir.path(), 30, &[3, 12, 27]);
    let report = with_chunks(4, || import_file(&mut ws, &path)).unwrap();
    assert_eq!(
        (report.rows_read, report.rows_taken, report.rows_refused),
        (30, 27, 3),
        "30 contacts over 8 chunks of 4; 3 have a wait of abc"
    );
    let rows: Vec<u64> = report.refusals.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![3, 12, 27], "chunks 1, 3 and 7, in file order");
    assert!(report
        .refusals
        .iter()
        .all(|r| r.column.as_deref() == Some("wait_s") && r.value == "abc"));
    assert_eq!(ws.overview().unwrap().counts.interactions, 27);
}

#[test]
fn strict_mode_reports_the_first_bad_row_of_the_file_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let before = ws.test_dump(&[]);
    let path = many_rows(dir.path(), 40, &[14, 23, 38]);
    let strict = ImportOptions {
        strict: true,
        ..ImportOptions::default()
    };
    let never = AtomicBool::new(false);
    // Chunks of 3: line 14 is in the fifth chunk, 23 in the eighth; two workers parse them.
    let err = with_chunks(3, || {
        run(&mut ws, &path, &strict, &mut |_| {}, &never, now())
    })
    .unwrap_err();
    match err {
        ImportError::Strict {
            row, column, value, ..
        } => {
            assert_eq!(
                (row, column.as_str(), value.as_str()),
                (14, "wait_s", "abc")
            );
        }
        other => panic!("strict mode should refuse the file: {other:?}"),
    }
    assert_eq!(ws.test_dump(&[]), before, "nothing is taken");
}

#[test]
fn an_import_cancelled_after_some_chunks_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    import_ok(&mut ws, "interactions_generic.csv");
    let before = ws.test_dump(&[]);
    let path = many_rows(dir.path(), 3000, &[]);
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    // Progress comes every 1000 rows; the user cancels at the first.
    let err = with_chunks(64, || {
        run(
            &mut ws,
            &path,
            &ImportOptions::default(),
            &mut |p| {
                if p.phase == Phase::Reading {
                    seen.push(p.rows_read);
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
            now(),
        )
    })
    .unwrap_err();
    assert!(matches!(err, ImportError::Cancelled { .. }), "{err}");
    assert_eq!(seen, vec![1000], "no row is taken after the cancel");
    assert_eq!(ws.test_dump(&[]), before, "the workspace is as it was");
}

/// An export's row: when it starts, its contact id, and its line.
type Row = (String, String, String);

/// The rows of a quarter's export of `contacts` contacts (`Q00000`…) over 20 days, each on its
/// own line, as (started_at, contact id, line). Every 40th contact is on two identical rows;
/// every 70th of the second half (contacts the base file below does not hold) also has an
/// older delivery (updated an hour earlier, another outcome), which the later one replaces
/// whichever comes first; of the first half, every 3rd is a newer delivery (another queue) of
/// the base file's copy. Durations are whole seconds, so sums are exact in any order; every 17th
/// handled contact has no wait.
fn quarter_rows(contacts: u64, base: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    let upto = if base { contacts / 2 } else { contacts };
    for n in 0..upto {
        let day = 1 + n * 7 % 20;
        let at = format!(
            "2026-07-{day:02} {:02}:{:02}:{:02}",
            8 + n * 3 % 11,
            n % 60,
            n * 7 % 60
        );
        let newer = !base && n < contacts / 2 && n % 3 == 0;
        let queue = ["Billing", "Sales", "Tech"][((n + newer as u64) % 3) as usize];
        let customer = if n % 4 == 0 {
            String::new()
        } else {
            format!("K{}", n % 500)
        };
        let line = |outcome: &str, updated: &str| {
            let handled = outcome == "handled";
            format!(
                "Q{n:05},{at},{},{queue},{},{customer},{outcome},{},{},{},{},{updated}",
                ["voice", "chat", "email"][(n % 3) as usize],
                if handled {
                    format!("Agent {}", n % 13)
                } else {
                    String::new()
                },
                // Every 17th handled contact has no wait: its day's wait and in-threshold
                // count are unknown (NULL in its fact), whatever the order.
                if handled && n % 17 == 0 {
                    String::new()
                } else {
                    format!("{}", n % 120)
                },
                if handled {
                    format!("{}", 60 + n % 300)
                } else {
                    String::new()
                },
                if handled {
                    ["Y", "N", ""][(n % 3) as usize]
                } else {
                    ""
                },
                if handled && n % 5 == 0 {
                    format!("{}", 1 + n % 5)
                } else {
                    String::new()
                },
            )
        };
        let updated = |time: &str| format!("2026-07-{day:02} {time}");
        let outcome = if n % 9 == 0 { "abandoned" } else { "handled" };
        let main = line(
            outcome,
            &updated(if newer { "23:30:00" } else { "23:00:00" }),
        );
        let id = format!("Q{n:05}");
        rows.push((at.clone(), id.clone(), main.clone()));
        if n % 40 == 0 {
            rows.push((at.clone(), id.clone(), main));
        }
        if !base && n >= contacts / 2 && n % 70 == 0 {
            let older = if outcome == "handled" {
                "abandoned"
            } else {
                "handled"
            };
            let older = line(older, &updated("22:00:00"));
            rows.push((at, id, older));
        }
    }
    rows
}

/// Writes `rows` (their lines) under a header, in the order given.
fn write_rows(path: &Path, rows: &[Row]) {
    let mut text = String::from(
        "contact_id,started_at,channel,queue,agent,customer_id,outcome,wait_s,handle_s,resolved,csat,updated_at\n",
    );
    for (_, _, line) in rows {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// The same rows in time order, in a random order, by contact id, and in time order backwards.
fn in_four_orders(rows: &[Row]) -> Vec<(&'static str, Vec<Row>)> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut time = rows.to_vec();
    // Stable: the two rows of a contact keep their order (which does not matter: see above).
    time.sort_by(|a, b| a.0.cmp(&b.0));
    let mut shuffled = rows.to_vec();
    shuffled.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(23));
    let mut by_id = rows.to_vec();
    by_id.sort_by(|a, b| a.1.cmp(&b.1));
    let mut backwards = time.clone();
    backwards.reverse();
    vec![
        ("time", time),
        ("shuffled", shuffled),
        ("by contact id", by_id),
        ("backwards", backwards),
    ]
}

/// Imports `file`, noting whether contacts waited to be taken day by day.
fn import_noting_the_sort(ws: &mut Workspace, file: &Path) -> (ImportReport, bool) {
    let mut sorted_days = false;
    let never = AtomicBool::new(false);
    let report = run(
        ws,
        file,
        &ImportOptions::default(),
        &mut |p| sorted_days |= p.phase == Phase::SortingDays,
        &never,
        now(),
    )
    .unwrap();
    assert_rollup_is_the_facts(ws);
    (report, sorted_days)
}

#[test]
fn every_order_of_the_rows_gives_the_same_workspace_imports_and_undo() {
    let contacts = 3_000;
    let files = tempfile::tempdir().unwrap();
    let base = files.path().join("q3_first_half.csv");
    let mut base_rows = quarter_rows(contacts, true);
    base_rows.sort();
    write_rows(&base, &base_rows);
    let rows = quarter_rows(contacts, false);
    for small in [false, true] {
        let mut results: Vec<(&str, Vec<String>)> = Vec::new();
        for (order, rows) in in_four_orders(&rows) {
            let dir = files.path().join(format!("{order} {small}"));
            std::fs::create_dir(&dir).unwrap();
            // The same name in every folder: the name is part of what a workspace records.
            let file = dir.join("q3_full.csv");
            write_rows(&file, &rows);
            crate::store::SMALL_BLOCKS.with(|f| f.set(small));
            crate::store::SPILLS.with(|s| s.set(0));
            let in_order = order == "time" || order == "backwards";
            let mut dumps = Vec::new();

            // Alone in a fresh workspace.
            let ws_dir = tempfile::tempdir().unwrap();
            let mut ws = workspace(ws_dir.path(), Tz::UTC);
            let from_memory = || crate::store::BATCH_PARTS_FROM_MEMORY.with(|n| n.get());
            let before = from_memory();
            let (alone, sorted_days) = import_noting_the_sort(&mut ws, &file);
            assert_eq!(
                from_memory() - before,
                1,
                "{order}: the report's figures are summed as the facts are written"
            );
            assert_eq!(
                sorted_days, !in_order,
                "{order}: rows in no time order wait and are taken day by day; rows in time \
                 order (either way) are taken as they come"
            );
            assert_eq!(
                (alone.rows_read, alone.rows_taken, alone.rows_duplicate),
                (3_000 + 75 + 21, 3_000, 75 + 21),
                "{order}: 75 contacts (every 40th) are on two identical rows, 21 (every 70th of \
                 1,500 to 2,999) have an older delivery too; each contact counts once"
            );
            let unknown_waits = ws
                .test_number(
                    "SELECT count(*) FROM fact WHERE handled > 0 AND answer_wait_s IS NULL",
                    [],
                )
                .unwrap();
            assert!(
                unknown_waits > 0.0,
                "{order}: facts holding a handled contact without a wait leave the wait unknown"
            );
            dumps.push(ws.test_logical_dump());
            drop(ws);

            // The base file alone, to compare with the re-import undone.
            let ws_dir = tempfile::tempdir().unwrap();
            let mut ws = workspace(ws_dir.path(), Tz::UTC);
            import_noting_the_sort(&mut ws, &base);
            let base_alone = ws.test_logical_dump();
            drop(ws);

            // After the base file (the first half, in time order): a re-import of the grown file.
            let ws_dir = tempfile::tempdir().unwrap();
            let mut ws = workspace(ws_dir.path(), Tz::UTC);
            let (first, _) = import_noting_the_sort(&mut ws, &base);
            let before = from_memory();
            let (again, _) = import_noting_the_sort(&mut ws, &file);
            assert_eq!(
                from_memory(),
                before,
                "{order}: newer deliveries moved the base file's contacts, so their days' facts \
                 were rewritten and the report's figures are grouped in SQL"
            );
            assert_eq!(
                (again.rows_taken, again.rows_duplicate),
                (1_500 + 500, 1_500 - 500 + 75 + 21),
                "{order}: the second half is new; of the first half, every 3rd contact is a \
                 newer delivery that takes the base file's copy over, the rest are already held"
            );
            dumps.push(ws.test_logical_dump());
            let fresh_after_undo = {
                let ws_dir = tempfile::tempdir().unwrap();
                let mut ws2 = workspace(ws_dir.path(), Tz::UTC);
                let (first2, _) = import_noting_the_sort(&mut ws2, &base);
                import_noting_the_sort(&mut ws2, &file);
                // Undo the base file: the re-import's copies of its contacts take their place.
                ws2.undo_import(first2.batch_id.unwrap(), now()).unwrap();
                assert_rollup_is_the_facts(&ws2);
                ws2.test_logical_dump()
            };
            dumps.push(fresh_after_undo);
            assert_eq!(
                held(&dumps[2], &["contact_block", "fact", "fact_rollup"]),
                held(&dumps[0], &["contact_block", "fact", "fact_rollup"]),
                "{order}: with the base file undone, the re-import holds what it holds alone: \
                 its copies of the base file's contacts were handed over"
            );
            // Undo the re-import: the base file's contacts it took over come back.
            ws.undo_import(again.batch_id.unwrap(), now()).unwrap();
            assert_rollup_is_the_facts(&ws);
            dumps.push(ws.test_logical_dump());
            assert_eq!(
                held(
                    &dumps[3],
                    &["contact_block", "fact", "fact_rollup", "duplicate_block"]
                ),
                held(
                    &base_alone,
                    &["contact_block", "fact", "fact_rollup", "duplicate_block"]
                ),
                "{order}: with the re-import undone, the base file's contacts are back as they \
                 were, and none of the re-import's copies is left"
            );
            ws.undo_import(first.batch_id.unwrap(), now()).unwrap();
            assert_rollup_is_the_facts(&ws);
            assert_eq!(ws.overview().unwrap().counts.interactions, 0);
            dumps.push(ws.test_logical_dump());
            if small && !in_order {
                assert!(
                    crate::store::SPILLS.with(|s| s.get()) > 0,
                    "{order}: with a small backlog the waiting contacts went to its file"
                );
            }
            crate::store::SMALL_BLOCKS.with(|f| f.set(false));
            results.push((order, dumps));
        }
        let (first_order, expected) = &results[0];
        assert!(
            expected[0].contains("|Q02999|") || expected[0].contains("Q02999"),
            "the dumps hold the contacts"
        );
        for (order, dumps) in &results[1..] {
            for (i, what) in [
                "the file alone",
                "the re-import",
                "the re-import with the base file undone",
                "the re-import undone",
                "both undone",
            ]
            .iter()
            .enumerate()
            {
                assert!(
                    dumps[i] == expected[i],
                    "small blocks {small}: {what}: {order} differs from {first_order}:\n{}",
                    first_difference(&expected[i], &dumps[i])
                );
            }
        }
    }
}

#[test]
fn contacts_in_no_time_order_are_not_looked_for_where_nothing_can_be_found() {
    let files = tempfile::tempdir().unwrap();
    let base = files.path().join("q3_first_half.csv");
    let mut base_rows = quarter_rows(3_000, true);
    base_rows.sort();
    write_rows(&base, &base_rows);
    let rows = quarter_rows(3_000, false);
    let skipped = || crate::store::SKIPPED_LOOK_UPS.with(|n| n.get());
    for (order, rows) in in_four_orders(&rows) {
        let dir = files.path().join(order);
        std::fs::create_dir(&dir).unwrap();
        let file = dir.join("q3_full.csv");
        write_rows(&file, &rows);
        let in_order = order == "time" || order == "backwards";

        let ws_dir = tempfile::tempdir().unwrap();
        let mut ws = workspace(ws_dir.path(), Tz::UTC);
        let before = skipped();
        let (report, _) = import_noting_the_sort(&mut ws, &file);
        assert_eq!(report.rows_duplicate, 96, "{order}");
        assert_eq!(
            skipped() - before,
            if in_order { 0 } else { 3_000 },
            "{order}: into a fresh workspace, the first row of each of the 3,000 contacts is \
             taken without a look-up, and the 96 later copies (75 identical rows, 21 other \
             deliveries) are looked for and found; rows in time order wait for nothing"
        );

        // Over the base file, which holds contacts on every one of the 20 days: every contact
        // is looked for.
        let ws_dir = tempfile::tempdir().unwrap();
        let mut ws = workspace(ws_dir.path(), Tz::UTC);
        import_noting_the_sort(&mut ws, &base);
        let before = skipped();
        import_noting_the_sort(&mut ws, &file);
        assert_eq!(
            skipped() - before,
            0,
            "{order}: a re-import looks every contact up"
        );
    }
}

/// The lines of `tables` in a logical dump, without the batch that holds each (the first cell):
/// the same contacts and facts held by another import compare equal.
fn held(dump: &str, tables: &[&str]) -> String {
    let mut out = Vec::new();
    let (mut keep, mut strip) = (false, false);
    for line in dump.lines() {
        if let Some(t) = line.strip_prefix("## ") {
            keep = tables.contains(&t);
            // The rollup has no batch: it is kept whole.
            strip = t != "fact_rollup";
            if keep {
                out.push(line.to_string());
            }
            continue;
        }
        if keep && strip {
            out.push(
                line.split_once('|')
                    .map_or(line, |(_, rest)| rest)
                    .to_string(),
            );
        } else if keep {
            out.push(line.to_string());
        }
    }
    // Within a table, in order without the batch.
    let mut sections: Vec<Vec<String>> = Vec::new();
    for l in out {
        if l.starts_with("## ") {
            sections.push(vec![l]);
        } else if let Some(s) = sections.last_mut() {
            s.push(l);
        }
    }
    for s in &mut sections {
        s[1..].sort();
    }
    sections.concat().join("\n")
}

/// The first line where two dumps differ, with its table.
fn first_difference(a: &str, b: &str) -> String {
    let mut table = "";
    for (x, y) in a.lines().zip(b.lines()) {
        if let Some(t) = x.strip_prefix("## ") {
            table = t;
        }
        if x != y {
            return format!("in {table}:\n  {x}\n  {y}");
        }
    }
    format!(
        "one is longer ({} and {} lines)",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn an_import_cancelled_while_sorting_days_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    import_ok(&mut ws, "interactions_generic.csv");
    let before = ws.test_dump(&[]);
    let mut rows = quarter_rows(3_000, false);
    rows.reverse();
    rows.swap(0, 1_500);
    // Not in time order: the rows wait and are taken day by day once the file is read.
    let file = dir.path().join("q3_shuffled.csv");
    let (time, rest) = rows.split_at_mut(1_500);
    time.sort();
    rest.sort_by(|a, b| b.1.cmp(&a.1));
    write_rows(&file, &rows);
    let cancel = AtomicBool::new(false);
    let mut phases = Vec::new();
    let err = run(
        &mut ws,
        &file,
        &ImportOptions::default(),
        &mut |p| {
            if p.phase == Phase::SortingDays {
                cancel.store(true, Ordering::Relaxed);
            }
            phases.push(p.phase);
        },
        &cancel,
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Cancelled { .. }), "{err}");
    assert!(
        phases.contains(&Phase::SortingDays) && !phases.contains(&Phase::Writing),
        "cancelled while sorting days, before writing: {phases:?}"
    );
    assert_eq!(ws.test_dump(&[]), before, "the workspace is as it was");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "client.qbr",
            "client.qbr-shm",
            "client.qbr-wal",
            "q3_shuffled.csv"
        ],
        "nothing left beside the workspace but its own files"
    );
}

#[test]
fn an_import_cancelled_halfway_through_the_days_taken_on_two_threads_changes_nothing() {
    let files = tempfile::tempdir().unwrap();
    let dir = files.path().join("ws");
    std::fs::create_dir(&dir).unwrap();
    let mut ws = workspace(&dir, Tz::UTC);
    // The first half of the quarter's contacts already there: the second import finds half of
    // its contacts held (duplicates kept for undo) and adds the rest.
    let base = files.path().join("q3_first_half.csv");
    let mut base_rows = quarter_rows(3_000, true);
    base_rows.sort();
    write_rows(&base, &base_rows);
    import_file(&mut ws, &base).unwrap();
    let before = ws.test_dump(&[]);
    let (_, shuffled) = in_four_orders(&quarter_rows(3_000, false)).remove(1);
    let file = files.path().join("q3_shuffled.csv");
    write_rows(&file, &shuffled);
    // Small blocks and a small backlog: the waiting rows go to the backlog's file, and the
    // thread reading them back is a few pieces ahead when the cancel comes.
    crate::store::SMALL_BLOCKS.with(|f| f.set(true));
    let cancel = AtomicBool::new(false);
    let mut taken_at_cancel = None;
    let mut phases = Vec::new();
    let err = run(
        &mut ws,
        &file,
        &ImportOptions::default(),
        &mut |p| {
            // Each day taken reports how many waiting contacts are done: stop after a third.
            if p.phase == Phase::SortingDays && p.rows_read >= 1_000 && taken_at_cancel.is_none() {
                taken_at_cancel = Some(p.rows_read);
                cancel.store(true, Ordering::Relaxed);
            }
            phases.push(p.phase);
        },
        &cancel,
        now(),
    )
    .unwrap_err();
    crate::store::SMALL_BLOCKS.with(|f| f.set(false));
    assert!(matches!(err, ImportError::Cancelled { .. }), "{err}");
    let taken = taken_at_cancel.expect("cancelled while taking the days");
    assert!(
        (1_000..2_000).contains(&taken),
        "cancelled with {taken} of about 3,100 waiting contacts taken, in the middle"
    );
    assert!(!phases.contains(&Phase::Writing), "{phases:?}");
    assert_eq!(ws.test_dump(&[]), before, "the workspace is as it was");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["client.qbr", "client.qbr-shm", "client.qbr-wal"],
        "nothing left beside the workspace but its own files"
    );
    // The same file imported to the end afterwards: as if nothing had been tried.
    let report = run(
        &mut ws,
        &file,
        &ImportOptions::default(),
        &mut |_| {},
        &AtomicBool::new(false),
        now(),
    )
    .unwrap();
    assert_eq!(
        (report.rows_read, report.rows_taken, report.rows_duplicate),
        (3_000 + 75 + 21, 1_500 + 500, 1_500 - 500 + 75 + 21),
        "the counts of the same re-import never cancelled (see the four-orders test)"
    );
    assert_rollup_is_the_facts(&ws);
}

/// Chat contacts waiting 10, 30, 45 and 70 s (handled) and 4 and 50 s (abandoned), voice
/// contacts waiting 15 and 25 s (handled), and one interval file counted by its source.
fn threshold_workspace(dir: &Path) -> Workspace {
    let mut ws = workspace(dir, Tz::UTC);
    let csv = dir.join("contacts.csv");
    std::fs::write(
        &csv,
        "contact_id,started_at,channel,queue,outcome,wait_s,talk_s\n\
         C1,2026-07-01T10:00:00Z,chat,Web,handled,10,100\n\
         C2,2026-07-01T10:05:00Z,chat,Web,handled,30,100\n\
         C3,2026-07-02T10:00:00Z,chat,Web,handled,45,100\n\
         C4,2026-07-02T10:05:00Z,chat,Web,handled,70,100\n\
         C5,2026-07-02T10:10:00Z,chat,Web,abandoned,4,\n\
         C6,2026-07-03T10:00:00Z,chat,Web,abandoned,50,\n\
         V1,2026-07-03T11:00:00Z,voice,Phone,handled,15,200\n\
         V2,2026-07-03T11:05:00Z,voice,Phone,handled,25,200\n",
    )
    .unwrap();
    import_file(&mut ws, &csv).unwrap();
    let intervals = dir.join("intervals.csv");
    std::fs::write(
        &intervals,
        "interval_start,queue,channel,offered,handled,abandoned,answered_in_threshold\n\
         2026-07-04 09:00,Web,chat,100,90,10,80\n",
    )
    .unwrap();
    import_file(&mut ws, &intervals).unwrap();
    ws
}

fn service_levels(ws: &Workspace) -> (Option<f64>, Option<f64>) {
    let card = ws
        .scorecard(&crate::metrics::ScorecardRequest {
            period: crate::period::Period::parse("2026-07-01..2026-07-03", 1).unwrap(),
            metrics: vec!["service_level".into(), "abandon_rate".into()],
            group_by: vec![],
            filters: vec![],
            compare: false,
        })
        .unwrap();
    let g = &card.groups[0];
    (
        g.metric("service_level").unwrap().value.value,
        g.metric("abandon_rate").unwrap().value.value,
    )
}

#[test]
fn a_threshold_change_reaches_every_imported_day_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = threshold_workspace(dir.path());
    // Chat at 60 s, voice at 20 s, short abandons at 5 s (the defaults): C1 and V1 are in the
    // threshold; C5 (4 s) is a short abandon. Service level = 2 + ... by hand:
    // answered within T: C1, C2, C3 (≤ 60), V1 → 4; offered 8, short 1 → 4 / 7.
    // Abandonment: (2 − 1) / (8 − 1) = 1 / 7.
    let (sl, ab) = service_levels(&ws);
    assert_eq!(sl, Some(4.0 / 7.0));
    assert_eq!(ab, Some(1.0 / 7.0));
    let before = ws.content_digest().unwrap();
    let mut s = ws.settings().unwrap();
    s.thresholds.set(crate::settings::Channel::Chat, 20);
    s.short_abandon_s = 3;
    let mut calls = Vec::new();
    let changed = ws
        .change_settings(&s, now(), &mut |done, total| {
            calls.push((done, total));
            true
        })
        .unwrap();
    // Every day holding contacts (1, 2 and 3 July) is recomputed, since the short-abandon
    // threshold applies to every channel.
    assert_eq!(changed.days_recomputed, 3);
    assert_eq!(calls.last(), Some(&(3, 3)), "progress ends at the total");
    assert_eq!(
        changed.kept_by_source,
        vec!["intervals.csv (import 2)".to_string()]
    );
    // Chat at 20 s: C1 alone of the chat contacts; V1 → 2 answered within T. No short abandon
    // under 3 s: 2 / 8. Abandonment 2 / 8.
    let (sl, ab) = service_levels(&ws);
    assert_eq!(sl, Some(2.0 / 8.0));
    assert_eq!(ab, Some(2.0 / 8.0));
    // The interval file's day (4 July) keeps its source's count, and says so.
    let card = ws
        .scorecard(&crate::metrics::ScorecardRequest {
            period: crate::period::Period::parse("2026-07", 1).unwrap(),
            metrics: vec!["service_level".into()],
            group_by: vec![],
            filters: vec![],
            compare: false,
        })
        .unwrap();
    let v = &card.groups[0].metrics[0].value;
    assert_eq!(v.value, Some((2.0 + 80.0) / (8.0 + 100.0)));
    assert_eq!(
        v.notes,
        vec![
            "short abandons could not be excluded for 100 of the 108 contacts".to_string(),
            "100 of the contacts come from interval files, counted by their source at its own \
             threshold"
                .to_string()
        ]
    );
    assert_rollup_is_the_facts(&ws);
    // Changed back, the figures and the facts are what they were.
    let mut back = ws.settings().unwrap();
    back.thresholds.set(crate::settings::Channel::Chat, 60);
    back.short_abandon_s = 5;
    ws.update_settings(&back, now()).unwrap();
    assert_eq!(service_levels(&ws), (Some(4.0 / 7.0), Some(1.0 / 7.0)));
    let after = ws.content_digest().unwrap();
    assert_ne!(before, after, "the settings history grew");
    assert_eq!(
        ws.test_fact_digest(),
        {
            let dir2 = tempfile::tempdir().unwrap();
            threshold_workspace(dir2.path()).test_fact_digest()
        },
        "the facts are exactly those of a workspace that never changed"
    );
}

#[test]
fn a_cancelled_threshold_change_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = threshold_workspace(dir.path());
    let before = ws.content_digest().unwrap();
    let mut s = ws.settings().unwrap();
    s.thresholds.set(crate::settings::Channel::Chat, 20);
    let err = ws
        .change_settings(&s, now(), &mut |done, _| done < 1)
        .unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(ws.content_digest().unwrap(), before);
    assert_eq!(
        ws.settings()
            .unwrap()
            .thresholds
            .get(crate::settings::Channel::Chat),
        60
    );
    // Only chat changed: voice-only days are left alone (1 and 2 July hold chat; 3 July both).
    let changed = ws.change_settings(&s, now(), &mut |_, _| true).unwrap();
    assert_eq!(changed.days_recomputed, 3);
    let mut v = ws.settings().unwrap();
    v.thresholds.set(crate::settings::Channel::Voice, 10);
    let changed = ws.change_settings(&v, now(), &mut |_, _| true).unwrap();
    assert_eq!(changed.days_recomputed, 1, "voice contacts only on 3 July");
}

mod thresholds_property {
    //! After any sequence of threshold and service-level variant changes, every scorecard figure
    //! equals a straightforward recomputation from the raw contacts under the settings in force.

    use proptest::prelude::*;

    use super::*;
    use crate::metrics::variant::ServiceLevelVariant as V;
    use crate::settings::Channel;

    #[derive(Debug, Clone)]
    struct Contact {
        day: u32,
        channel: Channel,
        handled: bool,
        wait: u32,
        talk: u32,
    }

    #[derive(Debug, Clone)]
    enum Change {
        Threshold(Channel, u32),
        Short(u32),
        Variant(V),
    }

    fn contact() -> impl Strategy<Value = Contact> {
        (
            1u32..5,
            prop::sample::select(vec![Channel::Voice, Channel::Chat, Channel::Email]),
            any::<bool>(),
            0u32..400,
            1u32..900,
        )
            .prop_map(|(day, channel, handled, wait, talk)| Contact {
                day,
                channel,
                handled,
                wait,
                talk,
            })
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            (
                prop::sample::select(vec![Channel::Voice, Channel::Chat, Channel::Email]),
                11u32..300
            )
                .prop_map(|(c, t)| Change::Threshold(c, t)),
            (0u32..=10).prop_map(Change::Short),
            prop::sample::select(vec![
                V::ShortAbandonsExcluded,
                V::AbandonsIgnored,
                V::AbandonsCountAgainst,
                V::AbandonsInThresholdExcluded,
                V::AbandonsInThresholdMet,
            ])
            .prop_map(Change::Variant),
        ]
    }

    fn ratio(num: f64, den: f64) -> Option<f64> {
        (den > 0.0).then(|| num / den)
    }

    fn same(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            (None, None) => true,
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn scorecards_follow_every_threshold_and_variant_change(
            contacts in prop::collection::vec(contact(), 1..30),
            changes in prop::collection::vec(change(), 1..5),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut ws = workspace(dir.path(), Tz::UTC);
            // Email's export has no waits: it is left out of the figures that need them.
            let mut csv = String::from("contact_id,started_at,channel,outcome,wait_s,talk_s\n");
            for (i, c) in contacts.iter().enumerate() {
                let wait = if c.channel == Channel::Email { String::new() } else { c.wait.to_string() };
                let talk = if c.handled { c.talk.to_string() } else { String::new() };
                csv.push_str(&format!(
                    "K{i},2026-07-0{}T10:{:02}:00Z,{},{},{wait},{talk}\n",
                    c.day,
                    i % 60,
                    c.channel.as_str(),
                    if c.handled { "handled" } else { "abandoned" },
                ));
            }
            let file = dir.path().join("contacts.csv");
            std::fs::write(&file, csv).unwrap();
            import_file(&mut ws, &file).unwrap();
            for ch in &changes {
                match ch {
                    Change::Threshold(c, t) => {
                        let mut s = ws.settings().unwrap();
                        s.thresholds.set(*c, *t);
                        ws.update_settings(&s, now()).unwrap();
                    }
                    Change::Short(v) => {
                        let mut s = ws.settings().unwrap();
                        s.short_abandon_s = *v;
                        ws.update_settings(&s, now()).unwrap();
                    }
                    Change::Variant(v) => {
                        let mut mv = ws.metric_variants().unwrap();
                        mv.service_level = *v;
                        ws.set_metric_variants(&mv, now()).unwrap();
                    }
                }
            }
            let s = ws.settings().unwrap();
            let variant = ws.metric_variants().unwrap().service_level;
            // The plain way, contact by contact.
            let t = |c: &Contact| f64::from(s.thresholds.get(c.channel));
            let waited = |c: &&Contact| c.channel != Channel::Email;
            let count = |f: &dyn Fn(&Contact) -> bool| contacts.iter().filter(|c| f(c)).count() as f64;
            let offered_all = contacts.len() as f64;
            let abandoned_all = count(&|c| !c.handled);
            let handled_all = count(&|c| c.handled);
            let w: Vec<&Contact> = contacts.iter().filter(waited).collect();
            let _offered_w = w.len() as f64;
            let handled_w = w.iter().filter(|c| c.handled).count() as f64;
            let abandoned_w = w.iter().filter(|c| !c.handled).count() as f64;
            let ait = w.iter().filter(|c| c.handled && f64::from(c.wait) <= t(c)).count() as f64;
            let abt = w.iter().filter(|c| !c.handled && f64::from(c.wait) <= t(c)).count() as f64;
            let short = w
                .iter()
                .filter(|c| !c.handled && c.wait <= s.short_abandon_s)
                .count() as f64;
            let _ = (ait, abt, abandoned_w);
            // Service level, fact by fact (a day's contacts of one channel): a fact counts when
            // every contact in it knows the variant's measures. An abandoned contact was not
            // answered within the threshold whatever its wait; a handled contact without a wait
            // leaves its fact out; an abandoned one without a wait leaves out the variants that
            // need its short or in-threshold abandon (short abandons alone are optional).
            let (mut num, mut den) = (0.0, 0.0);
            for day in 1..5 {
                for ch in [Channel::Voice, Channel::Chat, Channel::Email] {
                    let f: Vec<&Contact> = contacts
                        .iter()
                        .filter(|c| c.day == day && c.channel == ch)
                        .collect();
                    if f.is_empty() {
                        continue;
                    }
                    let no_wait = ch == Channel::Email;
                    let ait_known = !(no_wait && f.iter().any(|c| c.handled));
                    let ab_known = !(no_wait && f.iter().any(|c| !c.handled));
                    let n = f.len() as f64;
                    let ait = f.iter().filter(|c| c.handled && !no_wait && f64::from(c.wait) <= t(c)).count() as f64;
                    let ab = f.iter().filter(|c| !c.handled).count() as f64;
                    let abt = f.iter().filter(|c| !c.handled && !no_wait && f64::from(c.wait) <= t(c)).count() as f64;
                    let short = f.iter().filter(|c| !c.handled && !no_wait && c.wait <= s.short_abandon_s).count() as f64;
                    let (counts, fnum, fden) = match variant {
                        V::ShortAbandonsExcluded => (ait_known, ait, n - short),
                        V::AbandonsIgnored => (ait_known, ait, n - ab),
                        V::AbandonsCountAgainst => (ait_known, ait, n),
                        V::AbandonsInThresholdExcluded => (ait_known && ab_known, ait, n - abt),
                        V::AbandonsInThresholdMet => (ait_known && ab_known, ait + abt, n),
                    };
                    if counts {
                        num += fnum;
                        den += fden;
                    }
                }
            }
            let sl = ratio(num, den);
            // Abandonment needs no waits; short abandons are known only where waits are.
            let abandon = ratio(abandoned_all - short, offered_all - short);
            let asa = ratio(
                w.iter().filter(|c| c.handled).map(|c| f64::from(c.wait)).sum(),
                handled_w,
            );
            let aht = ratio(
                contacts.iter().filter(|c| c.handled).map(|c| f64::from(c.talk)).sum(),
                handled_all,
            );
            let card = ws
                .scorecard(&crate::metrics::ScorecardRequest {
                    period: crate::period::Period::parse("2026-07", 1).unwrap(),
                    metrics: ["offered", "handled", "service_level", "abandon_rate", "asa", "aht"]
                        .map(String::from)
                        .to_vec(),
                    group_by: vec![],
                    filters: vec![],
                    compare: false,
                })
                .unwrap();
            let g = &card.groups[0];
            for (id, want) in [
                ("offered", Some(offered_all)),
                ("handled", Some(handled_all)),
                ("service_level", sl),
                ("abandon_rate", abandon),
                ("asa", asa),
                ("aht", aht),
            ] {
                let got = g.metric(id).unwrap().value.value;
                prop_assert!(
                    same(got, want),
                    "{} after {:?}: engine {:?}, by hand {:?}",
                    id, changes, got, want
                );
            }
        }
    }
}

/// Exports joined with `cat` carry a byte-order mark at the start of each part: the contact that
/// both parts hold is one contact, not two.
#[test]
fn a_contact_after_a_byte_order_mark_inside_the_file_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let header = "contact_id,started_at,channel,queue,agent,outcome,wait_s,talk_s,hold_s,wrap_s\n";
    let a = "C1,2026-07-01T13:00:00Z,voice,Billing,Ann,handled,12,300,20,60\n";
    let b = "C2,2026-07-01T14:00:00Z,voice,Billing,Ann,handled,25,200,0,40\n";
    // Part two repeats C1 (an overlapping export) behind its own mark, without a header.
    let joined = format!("\u{feff}{header}{a}{b}\u{feff}{a}");
    let p = dir.path().join("joined.csv");
    std::fs::write(&p, joined).unwrap();
    let r = import_file(&mut ws, &p).unwrap();
    assert_eq!(
        (r.rows_read, r.rows_taken, r.rows_duplicate, r.rows_refused),
        (3, 2, 1, 0),
        "the third row is C1 again: {:?}",
        r.refusals
    );
    let t = ws.test_fact_totals();
    expect(&t, &[(Measure::Offered, 2.0, "C1 and C2, once each")]);
}

/// Bidirectional controls in an imported name (here agent "\u{202e}nimda", which a screen shows
/// as "admin") are left out of the stored name, whatever the kind of file.
#[test]
fn bidirectional_controls_are_left_out_of_imported_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let p = dir.path().join("bidi.csv");
    std::fs::write(
        &p,
        "contact_id,started_at,channel,queue,agent,outcome,wait_s,talk_s,hold_s,wrap_s\n\
         C1,2026-07-01T13:00:00Z,voice,Bill\u{2066}ing\u{2069},\u{202e}nimda,handled,12,300,20,60\n",
    )
    .unwrap();
    import_file(&mut ws, &p).unwrap();
    let p = dir.path().join("bidi_intervals.csv");
    std::fs::write(
        &p,
        "interval_start,queue,offered,handled,abandoned\n2026-07-02,\u{202d}Sales\u{202c},10,9,1\n",
    )
    .unwrap();
    import_file(&mut ws, &p).unwrap();
    let names = |table: &str| {
        ws.test_text(
            &format!(
                "SELECT group_concat(name, '|') FROM (SELECT name FROM {table} ORDER BY name)"
            ),
            [],
        )
        .unwrap_or_default()
    };
    assert_eq!(names("agent"), "nimda", "the override is gone");
    assert_eq!(
        names("queue"),
        "Billing|Sales",
        "isolates and embeddings are gone, from both kinds of file"
    );
}

/// Rows `from..to` of a generated interactions export, a week of days.
fn generated_rows(from: usize, to: usize) -> String {
    (from..to)
        .map(|i| {
            format!(
                "G{i},2026-07-0{}T{:02}:{:02}:00Z,voice,Billing,Ann,handled,{},200,0,30\n",
                1 + i % 7,
                i / 60 % 24,
                i % 60,
                i % 50
            )
        })
        .collect()
}

const GENERATED_HEADER: &str =
    "contact_id,started_at,channel,queue,agent,outcome,wait_s,talk_s,hold_s,wrap_s\n";

/// Imports `p` while appending `extra` rows to it when the import reports `phase`; returns the
/// refusal.
fn import_while_it_grows(ws: &mut Workspace, p: &Path, phase: Phase, extra: usize) -> String {
    let mut grown = false;
    let never = AtomicBool::new(false);
    let result = run(
        ws,
        p,
        &ImportOptions::default(),
        &mut |progress: Progress| {
            // The exporting program is still writing.
            if progress.phase == phase && !grown {
                use std::io::Write;
                let mut f = std::fs::OpenOptions::new().append(true).open(p).unwrap();
                f.write_all(generated_rows(5000, 5000 + extra).as_bytes())
                    .unwrap();
                grown = true;
            }
        },
        &never,
        now(),
    );
    assert!(grown, "the file grew during the import");
    result.unwrap_err().to_string()
}

/// A file that grows while it is imported (an export still being written) is refused, whether
/// its fingerprint is taken at the end or awaited before writing, and nothing is written; the
/// finished file imports with the fingerprint of exactly its bytes.
#[test]
fn a_file_that_grows_while_it_is_imported_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), Tz::UTC);
    let p = dir.path().join("growing.csv");
    let start = format!("{GENERATED_HEADER}{}", generated_rows(0, 2500));

    // No earlier file has its size: fingerprinted beside the rows, taken at the end.
    std::fs::write(&p, &start).unwrap();
    let before = ws.test_dump(&[]);
    let err = import_while_it_grows(&mut ws, &p, Phase::Reading, 100);
    assert!(
        err.contains("growing.csv") && err.contains("changed while it was being imported"),
        "{err}"
    );
    assert_eq!(ws.test_dump(&[]), before, "nothing was written");

    // An earlier import of the same size: the fingerprint is awaited before writing.
    let same_size = dir.path().join("same_size.csv");
    std::fs::write(&same_size, start.replace('G', "H")).unwrap();
    import_file(&mut ws, &same_size).unwrap();
    std::fs::write(&p, &start).unwrap();
    let before = ws.test_dump(&[]);
    let err = import_while_it_grows(&mut ws, &p, Phase::Fingerprint, 7);
    assert!(err.contains("changed while it was being imported"), "{err}");
    assert_eq!(ws.test_dump(&[]), before, "nothing was written");

    // Finished, the file imports, fingerprinted over exactly its bytes.
    let report = import_file(&mut ws, &p).unwrap();
    assert_eq!(report.sha256, sha256_hex(&std::fs::read(&p).unwrap()));
    assert_eq!(report.rows_read, 2507);
}
