use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

use super::*;
use crate::measure::{Dimension, Measure, Measures};
use crate::settings::{Channel, Settings};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
        .unwrap()
        .into()
}

fn later() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T14:00:00Z")
        .unwrap()
        .into()
}

fn sample_settings() -> Settings {
    Settings {
        client_name: "Contoso Energy".into(),
        timezone: chrono_tz::America::Chicago,
        fiscal_year_start_month: 4,
        currency: "USD".into(),
        ..Settings::default()
    }
}

fn new_workspace(dir: &Path) -> PathBuf {
    let path = dir.join("contoso.qbr");
    Workspace::create(&path, &sample_settings(), now()).unwrap();
    path
}

/// A connection to a workspace file with no checks of ours, writing pages with their checksums
/// as QBR Desk does (another program's writes would leave them stale: the file reads as damaged).
fn raw_connection(path: &Path) -> Connection {
    super::checksum::register().unwrap();
    Connection::open_with_flags(
        format!(
            "{}?vfs={}",
            super::file_uri(path),
            super::checksum::VFS_NAME
        ),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap()
}

fn expect_not_workspace(path: &Path, reason_part: &str) {
    let before = std::fs::read(path).unwrap();
    match Workspace::open(path) {
        Err(Error::NotAWorkspace { reason, .. }) => assert!(
            reason.contains(reason_part),
            "reason {reason:?} should mention {reason_part:?}"
        ),
        other => panic!(
            "expected NotAWorkspace for {}, got {other:?}",
            path.display()
        ),
    }
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "a refused file must not be changed"
    );
}

#[test]
fn create_writes_current_format_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.format_version().unwrap(), FORMAT_VERSION);
    assert_eq!(ws.settings().unwrap(), sample_settings());
    let mode: String = ws
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "workspaces use the WAL journal");
    let page_size: i64 = ws
        .conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap();
    assert_eq!(page_size, 65_536, "contact blocks span few pages");
    let fk: i64 = ws
        .conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1, "foreign keys are enforced on every connection");
    ws.integrity_check().unwrap();
    // No temporary files are left beside the workspace.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "leftover temporary files: {names:?}");
}

#[test]
fn create_refuses_existing_path_and_bad_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    assert!(matches!(
        Workspace::create(&path, &sample_settings(), now()),
        Err(Error::AlreadyExists { .. })
    ));
    let bad = Settings {
        fiscal_year_start_month: 0,
        ..sample_settings()
    };
    let other = dir.path().join("other.qbr");
    assert!(matches!(
        Workspace::create(&other, &bad, now()),
        Err(Error::InvalidSetting { .. })
    ));
    assert!(!other.exists(), "invalid settings create nothing");
}

#[test]
fn migrates_an_empty_workspace_file_from_format_zero() {
    // A file that carries our application id but no schema yet: format 0.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.qbr");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.execute_batch("CREATE TABLE placeholder (x); DROP TABLE placeholder;")
            .unwrap();
    }
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.format_version().unwrap(), FORMAT_VERSION);
    let tables: i64 = ws
        .conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('fact', 'contact_block', 'import_batch', 'target', 'root_cause', 'action', 'mapping', 'pack_snapshot')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 8, "migration 1 creates every core table");
    // Settings missing from the file take their defaults rather than failing.
    assert_eq!(ws.settings().unwrap(), Settings::default());
}

#[test]
fn opens_the_committed_format_1_fixture() {
    // fixtures/workspaces/format-1.qbr was written by format 1; later formats must keep opening it.
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/workspaces/format-1.qbr");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("format-1.qbr");
    std::fs::copy(&fixture, &copy).unwrap();
    let ws = Workspace::open(&copy).unwrap();
    assert_eq!(ws.format_version().unwrap(), FORMAT_VERSION);
    let s = ws.settings().unwrap();
    assert_eq!(s.client_name, "Fixture Telecom");
    assert_eq!(s.timezone, chrono_tz::Europe::Berlin);
    let o = ws.overview().unwrap();
    assert_eq!(o.counts.facts, 2, "the fixture holds two fact rows");
    assert_eq!(o.daily_offered, vec![("2026-07-01".to_string(), 150)]);
    ws.integrity_check().unwrap();
}

#[test]
fn refuses_a_newer_format_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    {
        let conn = raw_connection(&path);
        conn.pragma_update(None, "user_version", FORMAT_VERSION + 1)
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Workspace::open(&path) {
        Err(Error::NewerVersion {
            found, supported, ..
        }) => {
            assert_eq!(found, FORMAT_VERSION + 1);
            assert_eq!(supported, FORMAT_VERSION);
        }
        other => panic!("expected NewerVersion, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "refused file unchanged"
    );
    let msg = Workspace::open(&path).unwrap_err().to_string();
    assert!(
        msg.contains("newer version") && msg.contains("not changed"),
        "{msg}"
    );
}

#[test]
fn refuses_files_that_are_not_workspaces() {
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("notes.qbr");
    std::fs::write(&text, "client,csat\nContoso,0.9\n".repeat(20)).unwrap();
    expect_not_workspace(&text, "not an SQLite database");

    let empty = dir.path().join("empty.qbr");
    std::fs::write(&empty, b"").unwrap();
    expect_not_workspace(&empty, "empty");

    let other_db = dir.path().join("other.sqlite");
    {
        let conn = Connection::open(&other_db).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    expect_not_workspace(&other_db, "another program");

    let good = new_workspace(dir.path());
    let bytes = std::fs::read(&good).unwrap();
    assert!(bytes.len() > 8192, "a fresh workspace spans several pages");
    let truncated = dir.path().join("truncated.qbr");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    expect_not_workspace(&truncated, "truncated");
    // The same short file beside a write-ahead log is what a process killed in mid-checkpoint
    // leaves: the log holds the missing pages, so the header check lets SQLite finish it.
    std::fs::write(dir.path().join("truncated.qbr-wal"), [1u8; 32]).unwrap();
    assert!(super::check_header(&truncated).is_ok());

    let header_only = dir.path().join("header-only.qbr");
    std::fs::write(&header_only, &bytes[..60]).unwrap();
    expect_not_workspace(&header_only, "truncated");

    assert!(matches!(
        Workspace::open(&dir.path().join("missing.qbr")),
        Err(Error::NotFound { .. })
    ));
    assert!(
        !dir.path().join("missing.qbr").exists(),
        "opening never creates"
    );
}

#[test]
fn settings_round_trip_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    let mut ws = Workspace::open(&path).unwrap();
    let mut s = ws.settings().unwrap();
    s.client_name = "Contoso Energy Ltd".into();
    s.thresholds.set(Channel::Chat, 90);
    s.short_abandon_s = 3;
    let changes = ws.update_settings(&s, later()).unwrap();
    let keys: Vec<&str> = changes.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        ["client_name", "short_abandon_s", "threshold_chat_s"],
        "only changed keys are recorded"
    );
    drop(ws);

    let ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.settings().unwrap(), s, "settings survive a reopen");
    let history = ws.settings_history().unwrap();
    let chat: Vec<_> = history
        .iter()
        .filter(|c| c.key == "threshold_chat_s")
        .collect();
    assert_eq!(chat.len(), 2, "initial value and the change");
    assert_eq!(chat[1].old_value.as_deref(), Some("60"));
    assert_eq!(chat[1].new_value, "90");
    assert_eq!(chat[1].changed_at, "2026-12-01T14:00:00Z");

    // Saving the same settings again records nothing.
    let mut ws = ws;
    assert!(ws.update_settings(&s, later()).unwrap().is_empty());
}

#[test]
fn a_second_writer_waits_then_reports_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    let mut holder = Workspace::open(&path).unwrap();
    let tx = holder.write().unwrap();
    let mut other = Workspace::open(&path).expect("readers open while a writer works");
    assert_eq!(other.settings().unwrap().client_name, "Contoso Energy");
    let s = Settings {
        client_name: "Changed".into(),
        ..sample_settings()
    };
    let err = other.update_settings(&s, later()).unwrap_err();
    assert!(matches!(err, Error::Busy { .. }), "got {err:?}");
    assert!(err.to_string().contains("another program"));
    drop(tx);
    other.update_settings(&s, later()).unwrap();
    assert_eq!(holder.settings().unwrap().client_name, "Changed");
}

#[test]
fn facts_keep_unmeasured_apart_from_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    let mut ws = Workspace::open(&path).unwrap();
    let mut tx = ws.write().unwrap();
    let batch = tx
        .new_batch(&NewBatch {
            kind: "intervals".into(),
            file_name: "q3.csv".into(),
            file_size: 10,
            sha256: "ab".into(),
            preset: None,
            mapping: None,
            source_timezone: "UTC".into(),
            started_at: now(),
            app_version: "test".into(),
        })
        .unwrap();
    let key = FactKey {
        day: NaiveDate::from_ymd_opt(2026, 7, 1),
        monthly: false,
        members: vec![(Dimension::Program, "Billing".into())],
    };
    tx.insert_fact(
        batch,
        &key,
        &Measures::default()
            .with(Measure::Offered, 100.0)
            .with(Measure::Abandoned, 0.0),
    )
    .unwrap();
    tx.finish_batch(batch, 1, 1, 0, 0, now()).unwrap();
    tx.commit().unwrap();
    let (abandoned, csat): (Option<i64>, Option<i64>) = ws
        .conn
        .query_row(
            "SELECT sum(abandoned), sum(csat_responses) FROM fact",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(abandoned, Some(0), "a measured zero stays zero");
    assert_eq!(csat, None, "an unmeasured value stays absent");
    let o = ws.overview().unwrap();
    assert_eq!(o.imports.len(), 1);
    assert_eq!(o.imports[0].first_day.as_deref(), Some("2026-07-01"));
    assert_eq!(o.counts.programs, 1);
}

#[test]
fn the_rollup_answers_exactly_as_the_facts_do() {
    use crate::metrics::ScorecardRequest;
    use crate::period::Period;

    let dir = tempfile::tempdir().unwrap();
    let spec = crate::demo::DemoSpec {
        first_day: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        ..crate::demo::DemoSpec::default()
    };
    let (ws, _) = crate::demo::create(&dir.path().join("demo.qbr"), &spec, now()).unwrap();
    assert!(
        ws.rollup_is_current().unwrap(),
        "the demo's write rolled up its days"
    );
    let rollup_rows: i64 = ws
        .conn
        .query_row("SELECT count(*) FROM fact_rollup", [], |r| r.get(0))
        .unwrap();
    let fact_rows: i64 = ws
        .conn
        .query_row("SELECT count(*) FROM fact", [], |r| r.get(0))
        .unwrap();
    // Rollup rows are also split by the measures their facts carry (coverage), so a little
    // more than a third.
    assert!(
        rollup_rows * 2 < fact_rows,
        "without agents the rollup is much smaller: {rollup_rows} of {fact_rows}"
    );
    for group_by in [
        vec![],
        vec![Dimension::Program],
        vec![Dimension::Queue, Dimension::Site],
    ] {
        let req = ScorecardRequest {
            period: Period::parse("2026-Q3", 1).unwrap(),
            metrics: vec![],
            group_by: group_by.clone(),
            filters: vec![(Dimension::Channel, "voice".into())],
            compare: true,
        };
        let from_rollup = ws.scorecard(&req).unwrap();
        // A dirty day sends every read back to the facts.
        ws.conn
            .execute("INSERT INTO rollup_dirty (day) VALUES ('2026-07-01')", [])
            .unwrap();
        assert!(!ws.rollup_is_current().unwrap());
        let from_facts = ws.scorecard(&req).unwrap();
        ws.conn.execute("DELETE FROM rollup_dirty", []).unwrap();
        assert_eq!(
            from_rollup, from_facts,
            "every metric, group and comparison is the same by {group_by:?}"
        );
    }
}

#[test]
fn facts_written_many_to_a_statement_read_back_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&new_workspace(dir.path())).unwrap();
    let mut tx = ws.write().unwrap();
    let batch = tx
        .new_batch(&NewBatch::test("interactions", "many.csv"))
        .unwrap();
    // 70 rows: two statements of 32, then 6 alone. Row i: agent i, i offered, 1.5 × i seconds,
    // CSAT measured (as i responses) on odd rows only.
    let mut rows = Vec::new();
    for i in 1..=70i64 {
        let mut ids = [None; 6];
        ids[Dimension::Agent.index()] =
            Some(tx.member_id(Dimension::Agent, &format!("a{i}")).unwrap());
        let mut m = Measures::default()
            .with(Measure::Offered, i as f64)
            .with(Measure::HandleS, 1.5 * i as f64);
        if i % 2 == 1 {
            m.set(Measure::CsatResponses, i as f64);
        }
        rows.push((ids, m));
    }
    let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    tx.insert_day_facts(batch, day, false, rows.iter().map(|(ids, m)| (ids, m)))
        .unwrap();
    tx.commit().unwrap();
    let read: Vec<(String, String, i64, i64, f64, Option<i64>)> = ws
        .conn
        .prepare(
            "SELECT f.day, f.grain, f.batch_id, f.offered, f.handle_s, f.csat_responses
               FROM fact f JOIN agent a ON a.id = f.agent_id ORDER BY f.offered",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(read.len(), 70);
    for (i, row) in (1..=70i64).zip(&read) {
        let csat = (i % 2 == 1).then_some(i);
        assert_eq!(
            row,
            &(
                "2026-07-01".to_string(),
                "day".to_string(),
                batch,
                i,
                1.5 * i as f64,
                csat
            ),
            "row {i}"
        );
    }
    let agents: Vec<String> = ws
        .conn
        .prepare("SELECT a.name FROM fact f JOIN agent a ON a.id = f.agent_id ORDER BY f.offered")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(agents[0], "a1");
    assert_eq!(agents[69], "a70", "each row keeps its own member ids");
    assert_eq!(ws.test_rollup_differences(), 0);
}

#[test]
fn the_rollup_takes_the_inserted_sums_only_for_days_that_hold_nothing_else() {
    // Commits; how many dirty days came from memory and how many were grouped in SQL.
    fn refreshed(tx: WriteTx<'_>) -> (usize, usize) {
        let r = tx.commit_counting().unwrap();
        (r.from_memory, r.rebuilt)
    }

    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&new_workspace(dir.path())).unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2026, 7, d).unwrap();
    let new_batch = |tx: &mut WriteTx<'_>, name: &str| {
        tx.new_batch(&NewBatch::test("interactions", name)).unwrap()
    };
    let m = |offered: f64, handle_s: f64| {
        Measures::default()
            .with(Measure::Offered, offered)
            .with(Measure::HandleS, handle_s)
    };
    let rolled = |ws: &Workspace, d: NaiveDate| -> Vec<(Option<i64>, i64, f64)> {
        let mut stmt = ws
            .conn
            .prepare(
                "SELECT queue_id, offered, handle_s FROM fact_rollup WHERE day = ?1
                  ORDER BY queue_id",
            )
            .unwrap();
        let rows = stmt
            .query_map([d.format("%Y-%m-%d").to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };

    // A fresh day takes the sums as inserted: two agents of one queue make one group; the
    // agent and team are not rollup dimensions.
    let mut tx = ws.write().unwrap();
    let a = new_batch(&mut tx, "a");
    let billing = tx.member_id(Dimension::Queue, "Billing").unwrap();
    let sales = tx.member_id(Dimension::Queue, "Sales").unwrap();
    let (ann, bob) = (
        tx.member_id(Dimension::Agent, "Ann").unwrap(),
        tx.member_id(Dimension::Agent, "Bob").unwrap(),
    );
    let ids = |queue: i64, agent: i64| {
        let mut ids = [None; 6];
        ids[Dimension::Queue.index()] = Some(queue);
        ids[Dimension::Agent.index()] = Some(agent);
        ids
    };
    let (billing_ann, billing_bob, sales_ann) =
        (ids(billing, ann), ids(billing, bob), ids(sales, ann));
    tx.insert_day_facts(
        a,
        day(1),
        false,
        [
            (&billing_ann, &m(10.0, 600.0)),
            (&billing_bob, &m(20.0, 1_500.5)),
            (&sales_ann, &m(5.0, 250.0)),
        ],
    )
    .unwrap();
    tx.insert_day_facts(a, day(2), false, [(&sales_ann, &m(7.0, 70.0))])
        .unwrap();
    assert_eq!(refreshed(tx), (2, 0), "days from memory, days rebuilt");
    assert_eq!(
        rolled(&ws, day(1)),
        vec![(Some(billing), 30, 2_100.5), (Some(sales), 5, 250.0)]
    );
    assert_eq!(ws.test_rollup_differences(), 0);

    // A day that already held facts is grouped in SQL; a new one still comes from memory.
    let mut tx = ws.write().unwrap();
    let b = new_batch(&mut tx, "b");
    tx.insert_day_facts(b, day(1), false, [(&billing_ann, &m(1.0, 60.0))])
        .unwrap();
    tx.insert_day_facts(b, day(3), false, [(&billing_bob, &m(2.0, 90.0))])
        .unwrap();
    assert_eq!(refreshed(tx), (1, 1), "days from memory, days rebuilt");
    assert_eq!(
        rolled(&ws, day(1)),
        vec![(Some(billing), 31, 2_160.5), (Some(sales), 5, 250.0)]
    );
    assert_eq!(ws.test_rollup_differences(), 0);

    // The count alone would be fooled: day 2 holds a's one fact; c inserts one, deletes it and
    // inserts another, so the day holds two facts and two were inserted, but not the same two.
    let mut tx = ws.write().unwrap();
    let c = new_batch(&mut tx, "c");
    tx.insert_day_facts(c, day(2), false, [(&sales_ann, &m(100.0, 1_000.0))])
        .unwrap();
    tx.conn()
        .execute("DELETE FROM fact WHERE batch_id = ?1", [c])
        .unwrap();
    tx.insert_day_facts(c, day(2), false, [(&sales_ann, &m(3.0, 30.0))])
        .unwrap();
    assert_eq!(refreshed(tx), (0, 1), "days from memory, days rebuilt");
    assert_eq!(rolled(&ws, day(2)), vec![(Some(sales), 10, 100.0)]);
    assert_eq!(ws.test_rollup_differences(), 0);

    // Facts of a batch undone in the same transaction stay out of the rollup.
    let mut tx = ws.write().unwrap();
    let d = new_batch(&mut tx, "d");
    tx.insert_day_facts(d, day(4), false, [(&sales_ann, &m(9.0, 90.0))])
        .unwrap();
    tx.conn()
        .execute(
            "UPDATE import_batch SET undone_at = '2026-11-24T10:00:00Z' WHERE id = ?1",
            [d],
        )
        .unwrap();
    assert_eq!(refreshed(tx), (0, 1), "days from memory, days rebuilt");
    assert_eq!(rolled(&ws, day(4)), vec![]);
    assert_eq!(ws.test_rollup_differences(), 0);
    assert!(ws.rollup_is_current().unwrap());
}

fn file_sha(path: &Path) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn an_upgrade_writes_a_backup_beside_the_file_first() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/workspaces/format-1.qbr");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("client.qbr");
    std::fs::copy(&fixture, &copy).unwrap();
    Workspace::open(&copy).unwrap();
    let backup = dir.path().join("client.qbr.bak-format1");
    assert_eq!(super::backup_path(&copy, 1), backup, "the documented name");
    // The backup is the format-1 file as it was: version 1, the two fact rows, the client.
    let conn = Connection::open(&backup).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "the backup keeps the old format");
    let facts: i64 = conn
        .query_row("SELECT count(*) FROM fact", [], |r| r.get(0))
        .unwrap();
    assert_eq!(facts, 2, "the fixture's two fact rows");
    // A current workspace needs no upgrade, so no backup.
    let current = new_workspace(dir.path());
    Workspace::open(&current).unwrap();
    assert!(!super::backup_path(&current, FORMAT_VERSION).exists());
}

#[test]
fn a_failed_upgrade_leaves_the_original_untouched() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/workspaces/format-1.qbr");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("client.qbr");
    std::fs::copy(&fixture, &copy).unwrap();
    let before = file_sha(&copy);
    // A next format whose migration breaks halfway: its first statement succeeds.
    let mut list = super::migrations::MIGRATIONS.to_vec();
    list.push(super::migrations::Migration::sql(
        "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);",
    ));
    let err = Workspace::open_with(&copy, &list).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, Error::UpgradeFailed { from: 1, to, .. } if to == FORMAT_VERSION + 1),
        "{message}"
    );
    for words in [
        "client.qbr",
        "format 1",
        "not changed",
        "client.qbr.bak-format1",
    ] {
        assert!(message.contains(words), "{words:?} in {message}");
    }
    assert_eq!(
        file_sha(&copy),
        before,
        "the file is byte for byte as it was"
    );
    // And the real upgrade still works on it afterwards.
    let ws = Workspace::open(&copy).unwrap();
    assert_eq!(ws.format_version().unwrap(), FORMAT_VERSION);
    assert_eq!(ws.overview().unwrap().counts.facts, 2);
}

#[test]
fn an_upgrade_that_frees_most_pages_gives_them_back() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/workspaces/format-1.qbr");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("client.qbr");
    std::fs::copy(&fixture, &copy).unwrap();
    // A next format that moves data out of a large table, as format 7 moves contacts into blocks.
    let mut list = super::migrations::MIGRATIONS.to_vec();
    list.push(super::migrations::Migration::sql(
        "CREATE TABLE moved AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
         WHERE i < 20000) SELECT i, printf('%.200c', 'x') AS pad FROM n;
         DROP TABLE moved;",
    ));
    let ws = Workspace::open_with(&copy, &list).unwrap();
    let pragma = |name: &str| -> i64 {
        ws.conn
            .pragma_query_value(None, name, |r| r.get(0))
            .unwrap()
    };
    assert_eq!(pragma("freelist_count"), 0, "the freed pages are gone");
    assert!(
        pragma("page_count") < 200,
        "{} pages: the 20,000 rows of 200 bytes (about 1,000 pages) are not kept",
        pragma("page_count")
    );
    assert_eq!(ws.overview().unwrap().counts.facts, 2, "the data is intact");
}

impl Workspace {
    /// Rows of `fact_rollup` that differ from the facts of batches not undone grouped in SQL,
    /// both ways, every measure compared exactly.
    /// A digest of the live facts (what figures are computed from), independent of row ids.
    pub(crate) fn test_fact_digest(&self) -> String {
        let names: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT day, grain, program_id, queue_id, channel_id, site_id, team_id, agent_id, {}
                   FROM fact
                  WHERE batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL)
                  ORDER BY 1, 2, 3, 4, 5, 6, 7, 8",
                names.join(", ")
            ))
            .unwrap();
        let n = 8 + names.len();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut out = String::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    out.push_str(&format!("{v:?}|"));
                }
                Ok(out)
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.join("\n")
    }

    pub(crate) fn test_rollup_differences(&self) -> i64 {
        let cols = "day, grain, program_id, queue_id, channel_id, site_id";
        let names: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
        let sums: Vec<String> = names.iter().map(|m| format!("sum({m})")).collect();
        let grouped = format!(
            "SELECT {cols}, {} FROM fact
              WHERE batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL)
              GROUP BY {cols}, {known}",
            sums.join(", "),
            known = crate::measure::known_mask_sql("", Measure::ALL)
        );
        let stored = format!("SELECT {cols}, {} FROM fact_rollup", names.join(", "));
        self.conn
            .query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM ({stored} EXCEPT {grouped}))
                          + (SELECT count(*) FROM ({grouped} EXCEPT {stored}))"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap()
    }
}

/// Plants `sql` in a closed copy of a fresh workspace with another SQLite connection (as a
/// received file would carry it) and returns the refusal of opening it; the file must be byte
/// for byte as it was after the attempt, and no backup made.
fn open_planted(dir: &Path, name: &str, sql: &str) -> String {
    let path = dir.join(format!("{name}.qbr"));
    Workspace::create(&path, &sample_settings(), now()).unwrap();
    {
        let conn = raw_connection(&path);
        conn.execute_batch(sql).unwrap();
    }
    let before = file_sha(&path);
    let err = match Workspace::open(&path) {
        Ok(_) => panic!("{name}: a file with a changed schema was opened"),
        Err(e) => e,
    };
    assert!(matches!(err, Error::NotAWorkspace { .. }), "{name}: {err}");
    assert_eq!(file_sha(&path), before, "{name}: the file was not changed");
    assert!(
        std::fs::read_dir(dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".bak")),
        "{name}: no backup was written"
    );
    err.to_string()
}

#[test]
fn a_file_whose_schema_is_not_the_formats_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    // The trigger: runs on the next `cause add`, empties the targets and copies the
    // cause's text into a table that travels back with the file.
    let message = open_planted(
        dir.path(),
        "trigger",
        "CREATE TABLE loot (t TEXT);
         CREATE TRIGGER steal AFTER INSERT ON root_cause BEGIN
           DELETE FROM target; INSERT INTO loot SELECT NEW.title;
         END;",
    );
    for words in [
        "trigger.qbr",
        &format!("format {FORMAT_VERSION}"),
        "trigger \"steal\"",
        "table \"loot\"",
        "not changed",
    ] {
        assert!(message.contains(words), "{words:?} in {message}");
    }
    // A view in place of the rollup table, doubling every figure.
    let message = open_planted(
        dir.path(),
        "view",
        "ALTER TABLE fact_rollup RENAME TO fact_rollup_real;
         CREATE VIEW fact_rollup AS SELECT * FROM fact_rollup_real
           UNION ALL SELECT * FROM fact_rollup_real;",
    );
    assert!(
        message.contains("\"fact_rollup\" is a view instead of a table"),
        "{message}"
    );
    // One of the format's own triggers, rewritten under its own name.
    let sql: String = {
        let path = new_workspace(dir.path());
        let conn = raw_connection(&path);
        let sql = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'fact_rollup_insert'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        drop(conn);
        std::fs::remove_file(&path).unwrap();
        sql
    };
    let message = open_planted(
        dir.path(),
        "rewritten",
        &format!(
            "DROP TRIGGER fact_rollup_insert; {}",
            sql.replace("BEGIN", "BEGIN DELETE FROM target;")
        ),
    );
    assert!(
        message
            .contains("the trigger \"fact_rollup_insert\" is not defined as the format defines it"),
        "{message}"
    );
    // Statistics SQLite would keep (ANALYZE) are a table the format does not have, too.
    let message = open_planted(dir.path(), "analyzed", "ANALYZE;");
    assert!(message.contains("sqlite_stat1"), "{message}");
    // A message is a sentence, not a dump of SQL.
    assert!(
        !message.contains("CREATE") && message.len() < 400,
        "{message}"
    );
}

#[test]
fn an_older_file_is_checked_against_its_own_formats_schema_before_its_upgrade() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/workspaces/format-1.qbr");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("client.qbr");
    std::fs::copy(&fixture, &copy).unwrap();
    {
        let conn = Connection::open(&copy).unwrap();
        conn.execute_batch("CREATE TRIGGER t AFTER INSERT ON fact BEGIN DELETE FROM target; END;")
            .unwrap();
    }
    let before = file_sha(&copy);
    let message = Workspace::open(&copy).unwrap_err().to_string();
    assert!(
        message.contains("format 1") && message.contains("trigger \"t\""),
        "{message}"
    );
    assert_eq!(file_sha(&copy), before, "not upgraded, not changed");
    assert!(!super::backup_path(&copy, 1).exists(), "no backup either");
    // The fixture itself, as committed, has exactly format 1's schema and upgrades.
    std::fs::copy(&fixture, &copy).unwrap();
    assert_eq!(
        Workspace::open(&copy).unwrap().format_version().unwrap(),
        FORMAT_VERSION
    );
}

#[test]
fn a_workspace_is_read_in_defensive_mode_with_an_untrusted_schema() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(&new_workspace(dir.path())).unwrap();
    let trusted: i64 = ws
        .conn
        .pragma_query_value(None, "trusted_schema", |r| r.get(0))
        .unwrap();
    assert_eq!(trusted, 0, "trusted_schema is off");
    // Defensive mode: the schema cannot be written behind SQLite's back.
    ws.conn
        .execute_batch("PRAGMA writable_schema = ON")
        .unwrap();
    let planted = ws.conn.execute(
        "UPDATE sqlite_schema SET sql = 'CREATE TABLE x (y)' WHERE name = 'target'",
        [],
    );
    assert!(
        planted.is_err(),
        "sqlite_schema is not writable: {planted:?}"
    );
}

#[test]
fn a_file_with_the_mark_tables_and_no_format_is_refused_in_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.qbr");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.execute_batch("CREATE TABLE fact (x); CREATE TABLE target (y);")
            .unwrap();
    }
    let before = file_sha(&path);
    let message = Workspace::open(&path).unwrap_err().to_string();
    assert!(
        message.contains("odd.qbr") && message.contains("no workspace format"),
        "{message}"
    );
    assert!(
        message.len() < 250 && !message.contains("CREATE"),
        "one short sentence: {message}"
    );
    assert_eq!(file_sha(&path), before, "not changed");
    assert!(
        !super::backup_path(&path, 0).exists(),
        "no .bak-format0 left"
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_the_workspace_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.qbr");
    assert!(std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap()
        .success());
    // Opening a pipe waits for a writer; the refusal must come without one.
    let (tx, rx) = std::sync::mpsc::channel();
    let p = pipe.clone();
    std::thread::spawn(move || {
        let _ = tx.send(Workspace::open(&p).map(|_| ()).map_err(|e| e.to_string()));
    });
    let result = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("opening a named pipe as a workspace returns, without a writer");
    let message = result.unwrap_err();
    assert!(
        message.contains("pipe.qbr") && message.contains("not a regular file"),
        "{message}"
    );
    // Unblock the thread if it is still waiting (it is not, when the test passes).
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags_nonblock()
        .open(&pipe);
}

trait NonBlock {
    fn custom_flags_nonblock(&mut self) -> &mut Self;
}

impl NonBlock for std::fs::OpenOptions {
    fn custom_flags_nonblock(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK on Linux.
        self.custom_flags(0o4000)
    }
}

/// A user copies the `.qbr` file alone while QBR Desk holds the workspace open: committed
/// changes must be in the file itself, not waiting in the write-ahead log beside it. Another
/// connection (the app's next command, a `qbr` reading it) keeps SQLite from checkpointing when
/// the writer closes, so the checkpoint must come after the commit.
#[test]
fn a_copy_of_the_file_alone_holds_every_committed_change_while_it_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    let held = Workspace::open(&path).unwrap();
    assert_eq!(held.settings().unwrap().client_name, "Contoso Energy");
    let changed = Settings {
        client_name: "Contoso Power".into(),
        ..sample_settings()
    };
    for (round, name) in ["Contoso Power", "Contoso Gas"].iter().enumerate() {
        let mut ws = Workspace::open(&path).unwrap();
        ws.update_settings(
            &Settings {
                client_name: name.to_string(),
                ..changed.clone()
            },
            later(),
        )
        .unwrap();
        // The first round copies while the writer is still open, the second after it closed.
        if round == 1 {
            drop(ws);
        }
        let copy = dir.path().join(format!("copy{round}.qbr"));
        std::fs::copy(&path, &copy).unwrap();
        assert_eq!(
            Workspace::open(&copy)
                .unwrap()
                .settings()
                .unwrap()
                .client_name,
            *name,
            "round {round}: the copied file alone holds the change"
        );
    }
    drop(held);
}

/// Copies of a workspace with one bit flipped at seeded positions all over the file: each copy
/// either reads exactly as the original (a bit in a part no read touches) or is refused as
/// damaged, never different figures without an error. And another program writing the file
/// without the checksums leaves pages that read as damaged.
#[test]
fn a_flipped_bit_anywhere_is_refused_as_damage_or_changes_nothing() {
    use rand::{RngExt, SeedableRng};
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    {
        let mut ws = Workspace::open(&path).unwrap();
        let mut tx = ws.write().unwrap();
        let batch = tx
            .new_batch(&NewBatch::test("interactions", "flips.csv"))
            .unwrap();
        for d in 1..=60u32 {
            let mut m = Measures::default();
            m.set(Measure::Offered, (100 + d) as f64);
            m.set(Measure::Handled, (90 + d % 7) as f64);
            tx.insert_fact(
                batch,
                &FactKey {
                    day: NaiveDate::from_ymd_opt(2026, 7, 1)
                        .map(|s| s + chrono::Days::new(d as u64)),
                    monthly: false,
                    members: vec![(Dimension::Queue, format!("Queue {}", d % 5))],
                },
                &m,
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let original = std::fs::read(&path).unwrap();
    let digest = Workspace::open(&path).unwrap().content_digest().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(26);
    let (mut refused, mut same) = (0, 0);
    for i in 0..120 {
        let mut bytes = original.clone();
        // Past the 100-byte header, whose fields are checked on their own.
        let at = rng.random_range(100..bytes.len());
        bytes[at] ^= 1 << rng.random_range(0..8);
        let copy = dir.path().join(format!("flipped{i}.qbr"));
        std::fs::write(&copy, &bytes).unwrap();
        match Workspace::open(&copy).and_then(|ws| ws.content_digest()) {
            Ok(d) => {
                assert_eq!(
                    d, digest,
                    "copy {i} (byte {at}): read differently without an error"
                );
                same += 1;
            }
            Err(e) => {
                let m = e.to_string();
                assert!(m.contains("damaged"), "copy {i} (byte {at}): {m}");
                refused += 1;
            }
        }
    }
    eprintln!("flipped bits: {refused} refused as damaged, {same} read as the original");
    assert!(refused > 0 && same + refused == 120);

    // Another program changes a value in place without the checksums.
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute("UPDATE fact SET offered = offered * 2", [])
            .unwrap();
    }
    let err = Workspace::open(&path)
        .and_then(|ws| ws.content_digest())
        .unwrap_err()
        .to_string();
    assert!(err.contains("damaged") && err.contains("checksum"), "{err}");
}

/// A long value spans overflow pages, which SQLite would read directly and in parts: those
/// pages are checked too (the VFS does not offer reads of less than a page).
#[test]
fn damage_in_an_overflow_page_of_a_long_value_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    // A value of 300 kB: five 64 KiB pages, four of them overflow pages.
    let marker = "overflow-marker-";
    let long: String = (0..20_000).map(|i| format!("{marker}{i:05}")).collect();
    let definition = format!("{{\"note\":\"{long}\"}}");
    {
        let mut ws = Workspace::open(&path).unwrap();
        ws.save_pack_template("Long", &definition, None, now())
            .unwrap();
    }
    let read = |p: &Path| -> Result<String> {
        let ws = Workspace::open(p)?;
        Ok(ws.pack_template("Long")?.unwrap().definition)
    };
    assert_eq!(read(&path).unwrap(), definition);
    let bytes = std::fs::read(&path).unwrap();
    // A byte of the value far into it: on an overflow page, not the table's leaf page.
    let needle = format!("{marker}15000");
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap();
    let mut damaged = bytes.clone();
    damaged[at + 3] ^= 0x01;
    let copy = dir.path().join("damaged.qbr");
    std::fs::write(&copy, &damaged).unwrap();
    let err = match read(&copy) {
        Ok(v) => panic!(
            "the damaged value was read without an error ({} bytes)",
            v.len()
        ),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("damaged") && err.contains("checksum"), "{err}");
}

/// An older workspace larger than the page cache gets its checksums on upgrade: the VACUUM that
/// writes it again spills pages of the new layout before page 1 says what the layout is. Every
/// page must then carry its checksum (integrity_check reads them all) and the data be intact.
#[test]
fn a_large_older_workspace_is_given_checksums_on_its_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("format7.qbr");
    {
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        super::migrations::migrate_with(&mut conn, 0, &super::migrations::MIGRATIONS[..7]).unwrap();
        // 26 MB of templates: more than the 16 MiB page cache.
        let tx = conn.transaction().unwrap();
        for i in 0..100 {
            let text: String = (0..65_536)
                .map(|k| format!("{:04x}", (i * 7 + k) % 65_536))
                .collect();
            tx.execute(
                "INSERT INTO pack_template (name, definition, created_at, updated_at) VALUES (?1, ?2, 'x', 'x')",
                rusqlite::params![format!("t{i}"), text],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let want: Vec<String> = {
        let conn = Connection::open(&path).unwrap();
        let mut stmt = conn
            .prepare("SELECT definition FROM pack_template ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.format_version().unwrap(), FORMAT_VERSION);
    drop(ws);
    let header = std::fs::read(&path).unwrap();
    assert_eq!(
        header[20], 8,
        "the pages now keep 8 bytes for their checksum"
    );
    let ws = Workspace::open(&path).unwrap();
    ws.integrity_check().unwrap();
    let got: Vec<String> = {
        let mut t = ws.pack_templates().unwrap();
        t.sort_by(|a, b| a.name.cmp(&b.name));
        t.into_iter().map(|t| t.definition).collect()
    };
    assert!(
        got == want,
        "the data read back through the checksums are the data"
    );
}

#[test]
fn a_workspace_from_before_locales_reads_en_gb_and_a_stored_locale_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_workspace(dir.path());
    {
        let mut ws = Workspace::open(&path).unwrap();
        let s = Settings {
            locale: "en-US".into(),
            ..sample_settings()
        };
        let changes = ws.update_settings(&s, later()).unwrap();
        assert_eq!(changes.len(), 1, "only the locale changed");
        assert_eq!(changes[0].key, "locale");
        assert_eq!(changes[0].old_value.as_deref(), Some("en-GB"));
        assert_eq!(
            Workspace::open(&path).unwrap().settings().unwrap().locale,
            "en-US"
        );
    }
    // Settings are key/value rows: a file written before the setting existed has no row and
    // reads as the default, with no schema change.
    let conn = raw_connection(&path);
    conn.execute("DELETE FROM setting WHERE key = 'locale'", [])
        .unwrap();
    drop(conn);
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.settings().unwrap().locale, "en-GB");
    drop(ws);
    // A received file with a tag outside the list is refused, naming the setting.
    let conn = raw_connection(&path);
    conn.execute(
        "INSERT INTO setting (key, value) VALUES ('locale', 'tlh-QO')",
        [],
    )
    .unwrap();
    drop(conn);
    let err = Workspace::open(&path)
        .unwrap()
        .settings()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("setting locale") && err.contains("tlh-QO"),
        "{err}"
    );
}

/// A scorecard's comparisons are read on a second connection when this one is between
/// transactions; inside one, that connection would miss the transaction's own changes, so they
/// are read on this one.
#[test]
fn comparisons_see_the_changes_of_the_transaction_they_run_in() {
    use crate::metrics::ScorecardRequest;
    use crate::period::Period;

    let dir = tempfile::tempdir().unwrap();
    let (ws, _) = crate::demo::create(
        &dir.path().join("demo.qbr"),
        &crate::demo::DemoSpec::default(),
        now(),
    )
    .unwrap();
    let offered = |ws: &Workspace| {
        let card = ws
            .scorecard(&ScorecardRequest {
                period: Period::parse("2026-Q2", 1).unwrap(),
                metrics: vec!["offered".into()],
                group_by: Vec::new(),
                filters: Vec::new(),
                compare: true,
            })
            .unwrap();
        let e = &card.groups[0].metrics[0];
        (
            e.value.value.unwrap(),
            e.previous.unwrap(),
            e.year_ago.unwrap(),
        )
    };
    let before = offered(&ws);
    // 1,000 more contacts offered on a day of the previous quarter and of the year before,
    // not committed.
    ws.conn.execute_batch("BEGIN").unwrap();
    for day in ["2026-02-10", "2025-05-12"] {
        let changed = ws
            .conn
            .execute(
                "UPDATE fact_rollup SET offered = offered + 1000 WHERE rowid = (
                     SELECT rowid FROM fact_rollup
                     WHERE day = ?1 AND grain = 'day' AND offered IS NOT NULL LIMIT 1)",
                [day],
            )
            .unwrap();
        assert_eq!(changed, 1, "{day} has contacts in the demo");
    }
    let inside = offered(&ws);
    ws.conn.execute_batch("ROLLBACK").unwrap();
    assert_eq!(inside.0, before.0, "the period itself is untouched");
    assert_eq!(
        inside.1,
        before.1 + 1000.0,
        "the previous quarter sees the change"
    );
    assert_eq!(
        inside.2,
        before.2 + 1000.0,
        "the year before sees the change"
    );
    assert_eq!(
        offered(&ws),
        before,
        "rolled back, and read beside this connection again"
    );
}

/// A workspace told when to stop ends its computation with `Error::Cancelled`, on its own
/// connection and on the one it opens beside it for the comparisons; told nothing, or told
/// "not yet", it gives the same figures as ever.
#[test]
fn a_computation_stops_once_it_is_replaced_on_every_connection_it_reads_with() {
    use crate::metrics::ScorecardRequest;
    use crate::period::Period;
    use std::collections::HashSet;
    use std::sync::{Arc, Mutex};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.qbr");
    drop(crate::demo::create(&path, &crate::demo::DemoSpec::default(), now()).unwrap());
    let request = ScorecardRequest {
        period: Period::parse("2026-Q2", 1).unwrap(),
        metrics: Vec::new(),
        group_by: Vec::new(),
        filters: Vec::new(),
        compare: true,
    };
    let aht = |card: &crate::metrics::Scorecard| {
        let e = card.groups[0]
            .metrics
            .iter()
            .find(|e| e.metric_id == "aht")
            .unwrap();
        (
            e.value.value.unwrap(),
            e.previous.unwrap(),
            e.year_ago.unwrap(),
        )
    };
    let expected = aht(&Workspace::open(&path).unwrap().scorecard(&request).unwrap());

    // Not replaced: asked on both connections (two threads), the same figures.
    let threads = Arc::new(Mutex::new(HashSet::new()));
    let mut ws = Workspace::open(&path).unwrap();
    let seen = Arc::clone(&threads);
    ws.stop_when(Arc::new(move || {
        seen.lock().unwrap().insert(std::thread::current().id());
        false
    }))
    .unwrap();
    assert_eq!(aht(&ws.scorecard(&request).unwrap()), expected);
    assert_eq!(threads.lock().unwrap().len(), 2, "both connections ask");

    // Replaced: the computation stops.
    let mut ws = Workspace::open(&path).unwrap();
    ws.stop_when(Arc::new(|| true)).unwrap();
    let e = ws.scorecard(&request).unwrap_err();
    assert!(matches!(e, Error::Cancelled(_)), "{e:?}");
    let e = ws.attention(&request.period).unwrap_err();
    assert!(matches!(e, Error::Cancelled(_)), "{e:?}");

    // Replaced only on the comparisons' connection: the whole computation stops all the same.
    let mut ws = Workspace::open(&path).unwrap();
    let main = std::thread::current().id();
    ws.stop_when(Arc::new(move || std::thread::current().id() != main))
        .unwrap();
    let e = ws.scorecard(&request).unwrap_err();
    assert!(matches!(e, Error::Cancelled(_)), "{e:?}");
}
