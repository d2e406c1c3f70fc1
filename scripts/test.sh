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

say "Module circles (scripts/module-cycles.py: none between the file modules of any crate)"
python3 scripts/module-cycles.py --self-test
python3 scripts/module-cycles.py

say "Supply chain: rust-version, licences, bans, duplicates, sources (cargo deny)"
msrv=$(python3 scripts/msrv.py | tee /dev/stderr | tail -n1)
if rustup toolchain list 2>/dev/null | grep -q "^$msrv"; then
  cargo "+$msrv" check --workspace --locked
else
  echo "(toolchain $msrv is not installed: the dependencies' declarations and clippy's incompatible_msrv lint stand in for a build with it)"
fi
cargo deny --offline check licenses bans sources
if cargo deny fetch db >/dev/null 2>&1; then
  cargo deny check advisories
else
  echo "Advisories NOT checked: the RustSec advisory database cannot be fetched from this machine (no network beyond the package registries). Run 'cargo deny check advisories' where it can."
fi

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
