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
        let conn = Connection::open(&path).unwrap();
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
