//! The hostile-file corpus (fixtures/hostile/, README there): each file is imported through
//! `qbr_api::import::import_files` into a workspace that already holds data, as the app and the
//! CLI do. Each must be refused with a message naming the file, where the problem is and what
//! was expected; the workspace's content digest must be the same after as before; and the run
//! must stay within bounded memory (the zip bomb is refused from its declared sizes, before
//! anything is inflated; the bomb whose directory lies is refused once a part inflates past its
//! declared size). The big files are generated here, not committed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{TimeZone, Utc};
use qbr_api::import::import_files;
use qbr_api::{create_workspace, ImportRequest, NewWorkspaceRequest};
use qbr_core::Workspace;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A workspace holding one real import, so "unchanged" is about data, not an empty file.
fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("client.qbr");
    create_workspace(
        &ws,
        &NewWorkspaceRequest {
            client_name: "Hostile Test".into(),
            timezone: "America/New_York".into(),
            fiscal_year_start_month: 1,
            currency: "USD".into(),
            locale: None,
        },
        now(),
    )
    .unwrap();
    let good = repo().join("fixtures/import/interactions_generic.csv");
    import_files(
        &ws,
        &[good],
        &ImportRequest::default(),
        &mut |_| {},
        &AtomicBool::new(false),
        now(),
    )
    .expect("the generic fixture imports");
    ws
}

fn digest(ws: &Path) -> String {
    let w = Workspace::open(ws).unwrap();
    w.integrity_check().unwrap();
    w.content_digest().unwrap()
}

/// Peak resident memory of this process so far, in MB (Linux).
fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb / 1024)
        .unwrap_or(0)
}

struct Case {
    file: PathBuf,
    /// Words the message must hold besides the file name: where, and what was expected.
    words: &'static [&'static str],
}

fn generated(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();

    // 100,000 columns: a header no export has.
    let p = dir.join("columns_100k.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    let header: Vec<String> = (1..=100_000).map(|i| format!("col{i}")).collect();
    writeln!(f, "{}", header.join(",")).unwrap();
    writeln!(f, "{}", vec!["1"; 100_000].join(",")).unwrap();
    drop(f);
    cases.push(Case {
        file: p,
        words: &["100000 columns", "at most"],
    });

    // A 10-million-character cell where an agent name should be.
    let p = dir.join("cell_10m.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(
        f,
        "contact_id,started_at,channel,queue,agent,outcome,wait_s"
    )
    .unwrap();
    writeln!(
        f,
        "X1,2026-08-03T13:00:00Z,voice,Billing,{},handled,12",
        "a".repeat(10_000_000)
    )
    .unwrap();
    drop(f);
    cases.push(Case {
        file: p,
        words: &["line 2", "\"agent\"", "10000000 characters", "at most"],
    });

    // 100,000 levels of nested JSON arrays.
    let p = dir.join("deep.json");
    let mut text = "[".repeat(100_000);
    text.push_str(&"]".repeat(100_000));
    std::fs::write(&p, text).unwrap();
    cases.push(Case {
        file: p,
        words: &["nested", "levels", "line 1"],
    });

    // Deep objects in JSON Lines.
    let p = dir.join("deep.jsonl");
    let mut text = "{\"a\":".repeat(50_000);
    text.push('1');
    text.push_str(&"}".repeat(50_000));
    std::fs::write(&p, text).unwrap();
    cases.push(Case {
        file: p,
        words: &["nested", "levels", "record 1"],
    });

    // A JSON Lines record of 20 MB (one value): refused when its first 8 MB are read.
    let p = dir.join("record_20mb.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(f, "{{\"ContactId\": \"c-1\", \"Channel\": \"VOICE\"}}").unwrap();
    writeln!(
        f,
        "{{\"ContactId\": \"c-2\", \"Channel\": \"{}\"}}",
        "V".repeat(20_000_000)
    )
    .unwrap();
    drop(f);
    cases.push(Case {
        file: p,
        words: &["record 2", "larger than 8 MB"],
    });

    // JSON a CSV would refuse: a NUL character in a value, a field given twice in one object.
    let record = |i: usize, agent: &str| {
        format!(
            "{{\"ContactId\":\"c{i}\",\"Channel\":\"VOICE\",\"InitiationTimestamp\":\"2026-08-03T13:00:00Z\",\"Agent\":{{\"Username\":\"{agent}\"}}}}"
        )
    };
    let p = dir.join("nul.jsonl");
    let lines: Vec<String> = (0..40)
        .map(|i| record(i, if i == 17 { "Ann\\u0000x" } else { "Ann" }))
        .collect();
    std::fs::write(&p, lines.join("\n")).unwrap();
    cases.push(Case {
        file: p,
        words: &["record 18", "\"Agent.Username\"", "NUL"],
    });
    let p = dir.join("twice.json");
    let mut items: Vec<String> = (0..40).map(|i| record(i, "Ann")).collect();
    items[29] = items[29].replacen("{", "{\"ContactId\":\"other\",", 1);
    std::fs::write(&p, format!("[{}]", items.join(",\n"))).unwrap();
    cases.push(Case {
        file: p,
        words: &["record 30", "\"ContactId\"", "twice"],
    });

    // What is not a file: a named pipe (waits for a writer for ever) and devices that never end.
    let p = dir.join("export.csv");
    assert!(std::process::Command::new("mkfifo")
        .arg(&p)
        .status()
        .unwrap()
        .success());
    cases.push(Case {
        file: p,
        words: &["not a regular file", "named pipe"],
    });
    for device in ["/dev/zero", "/dev/urandom"] {
        cases.push(Case {
            file: PathBuf::from(device),
            words: &["not a regular file", "device"],
        });
    }
    cases
}

fn committed() -> Vec<Case> {
    let dir = repo().join("fixtures/hostile");
    let at = |name: &str| dir.join(name);
    vec![
        Case {
            file: at("truncated.csv"),
            words: &["line 5", "4 of the 8 columns", "truncated"],
        },
        Case {
            file: at("utf32.csv"),
            words: &["UTF-32", "UTF-8, UTF-16 or Windows-1252"],
        },
        Case {
            file: at("nul_bytes.csv"),
            words: &["NUL", "line 2", "text"],
        },
        Case {
            file: at("formula_cells.csv"),
            words: &["line 4", "\"agent\"", "formula", "=HYPERLINK", "values"],
        },
        Case {
            file: at("duplicate_headers.csv"),
            words: &["\"agent\"", "columns 4 and 5", "rename"],
        },
        Case {
            file: at("empty_headers.csv"),
            words: &["column", "known field"],
        },
        Case {
            file: at("empty.xlsx"),
            words: &["empty"],
        },
        Case {
            file: at("truncated.xlsx"),
            words: &["damaged", "truncated", "zip"],
        },
        Case {
            file: at("truncated.jsonl"),
            words: &["record 2", "line 2", "not valid"],
        },
        Case {
            file: repo().join("fixtures/import/xlsx_zip_bomb.xlsx"),
            words: &["inflates", "not opened"],
        },
        Case {
            file: at("xlsx_lying_sizes.xlsx"),
            words: &[
                "xl/worksheets/sheet1.xml",
                "declares 4096 bytes",
                "not opened",
            ],
        },
    ]
}

#[test]
fn every_hostile_file_is_refused_clearly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let base = workspace(dir.path());
    let before = digest(&base);
    let mut cases = committed();
    cases.extend(generated(dir.path()));
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // Each file gets its own copy of the workspace, so one wrongly taken file cannot hide
        // behind another.
        let ws = dir.path().join(format!("{name}.qbr"));
        std::fs::copy(&base, &ws).unwrap();
        let started = std::time::Instant::now();
        let result = import_files(
            &ws,
            std::slice::from_ref(&case.file),
            &ImportRequest::default(),
            &mut |_| {},
            &AtomicBool::new(false),
            now(),
        );
        let message = match result {
            Ok(r) => {
                failures.push(format!(
                    "{name}: was imported ({} rows taken, {} refused)",
                    r[0].rows_taken, r[0].rows_refused
                ));
                continue;
            }
            Err(e) => e.message,
        };
        // A message is a sentence for a person: it names the file and stays short enough to read
        // (a 10-million-character value or 100,000 headers are not echoed back).
        let mut missing: Vec<&str> = case
            .words
            .iter()
            .copied()
            .filter(|w| !message.contains(w))
            .collect();
        if !message.contains(&name) {
            missing.push("the file name");
        }
        if !missing.is_empty() || message.len() > 600 {
            failures.push(format!(
                "{name}: message lacks {missing:?} or is longer than 600 characters: {}",
                &message[..message.len().min(800)]
            ));
        }
        assert_eq!(
            digest(&ws),
            before,
            "{name}: a refused import must leave the workspace exactly as it was"
        );
        eprintln!(
            "{name} ({} ms, peak so far {} MB): {message}",
            started.elapsed().as_millis(),
            peak_rss_mb()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Nothing was inflated or held whole: the biggest input is 10 MB, the bomb inflates to 20 MB
    // per part. A reader that held every cell of the 100,000 columns as headers of many rows, or
    // inflated the bomb, would pass this.
    let peak = peak_rss_mb();
    assert!(
        peak < 512,
        "peak memory {peak} MB: something was held whole"
    );
    eprintln!(
        "{} hostile files refused; peak memory {peak} MB",
        cases.len()
    );
}

/// A workbook of one column under a header is read as a table with that header (it was refused
/// as having no header row).
#[test]
fn a_one_column_workbook_is_read_with_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let p = dir.path().join("ids.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "contact_id").unwrap();
    for i in 1..=5u32 {
        sheet.write_string(i, 0, format!("C{i}")).unwrap();
    }
    book.save(&p).unwrap();
    let d = qbr_api::import::detect_file(&ws, &p).unwrap();
    assert_eq!(d.header, ["contact_id"]);
    assert_eq!(d.preview.len(), 5, "{:?}", d.preview);
    // Importing it says what is missing for a kind, not that there is no header.
    let err = import_files(
        &ws,
        &[p],
        &ImportRequest::default(),
        &mut |_| {},
        &AtomicBool::new(false),
        now(),
    )
    .unwrap_err();
    assert!(!err.message.contains("no header"), "{}", err.message);
}
