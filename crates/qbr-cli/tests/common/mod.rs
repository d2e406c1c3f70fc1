//! What every CLI test does: run the real `qbr` binary and read its `--json`.

#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `qbr` with `args` and returns what it printed and how it exited.
pub fn qbr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qbr"))
        .args(args)
        .output()
        .expect("qbr runs")
}

/// Runs a command that must succeed and parses its one JSON document.
pub fn ok_json(args: &[&str]) -> Value {
    let out = qbr(args);
    assert!(
        out.status.success(),
        "qbr {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints one JSON document")
}

pub fn arg(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Creates the demo workspace in `dir` (replacing one there) and returns its path.
pub fn demo_in(dir: &Path) -> std::path::PathBuf {
    let out = qbr(&["demo", arg(dir), "--force"]);
    assert!(
        out.status.success(),
        "the demo is created: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("northwind-mobile.qbr")
}

/// A fresh demo without the account team's causes and actions (`qbr demo --bare`), for a test
/// that annotates it and counts what it added.
pub fn bare_demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = qbr(&["demo", arg(dir.path()), "--bare"]);
    assert!(
        out.status.success(),
        "the demo is created: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("northwind-mobile.qbr");
    (dir, path)
}

/// A fresh demo in its own temporary folder, for a test that changes it.
pub fn fresh_demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_in(dir.path());
    (dir, path)
}

/// Runs a system tool (pdftotext, qpdf, …) and returns what it printed; it must succeed.
pub fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} runs (poppler-utils / qpdf installed): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
