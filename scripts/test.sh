#!/usr/bin/env bash
# Runs every check QBR Desk has: formatting, lints, Rust tests, the UI's type check and unit tests,
# and the end-to-end tests that drive the real app under Xvfb. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
# The build folder run-demo.sh uses too (scripts/env.sh).
source scripts/env.sh
export CARGO_TERM_COLOR=never

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

scripts/setup.sh

say "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

say "UI: type check, unit tests, build"
(cd ui && npm run --silent check && npm run --silent test)
build_ui

say "Lints (cargo clippy --all-targets -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "Rust tests"
cargo test --workspace --locked

say "End-to-end tests (real app, tauri-driver, WebKitWebDriver, Xvfb)"
build_app_and_cli
rm -rf tests/e2e/artifacts
(cd tests/e2e && xvfb-run -a -s "-screen 0 1920x1080x24" npm test)
echo "Screenshots: tests/e2e/artifacts/"
