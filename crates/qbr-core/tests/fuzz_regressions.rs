//! Replays every input the fuzzers ever crashed or hung on (`fixtures/fuzz-regressions/<target>/`)
//! through the same target bodies `cargo fuzz` runs (`fuzz/src/lib.rs`, compiled in here), plus
//! the import fixtures (the file targets' seed corpus), so a fixed crash stays fixed without a
//! fuzzer in CI.

#[path = "../../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_committed_fuzz_input_runs_without_a_panic() {
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/fuzz-regressions");
    let mut replayed = 0;
    for (name, target) in targets::TARGETS {
        for input in inputs(&regressions.join(name)) {
            let data = std::fs::read(&input).unwrap();
            // A panic after this line names the input: the crash it was committed for is back.
            eprintln!("replaying {}", input.display());
            target(&data);
            replayed += 1;
        }
    }
    // Every regression folder belongs to a target (a typo would silently replay nothing).
    for dir in std::fs::read_dir(&regressions).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                targets::TARGETS.iter().any(|(t, _)| *t == name),
                "fixtures/fuzz-regressions/{name} is not a fuzz target"
            );
        }
    }
    eprintln!("{replayed} regression inputs replayed");
}

#[test]
fn the_import_fixtures_run_through_the_file_targets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/import");
    let mut n = 0;
    for input in inputs(&dir) {
        let data = std::fs::read(&input).unwrap();
        match input.extension().and_then(|e| e.to_str()) {
            Some("csv") => targets::delimited(&data),
            Some("xlsx") => targets::xlsx(&data),
            Some("json") | Some("jsonl") => targets::json(&data),
            _ => continue,
        }
        n += 1;
    }
    assert!(
        n >= 20,
        "the import fixtures are the seed corpus ({n} found)"
    );
}

#[test]
fn the_text_targets_accept_their_documented_examples() {
    // The targets' own assertions (a period starts before it ends, a mapping's JSON reads back)
    // hold on the documented examples, so they are not vacuous.
    targets::period(b"\x002026-Q3");
    targets::period(b"\x03FY27-Q1");
    targets::formula(b"transferred / handled");
    targets::values(b"01:02:03");
    targets::mapping(br#"{"columns":[{"field":"wait","header":"Wait (s)","unit":"s"}]}"#);
}
