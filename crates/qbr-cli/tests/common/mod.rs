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
