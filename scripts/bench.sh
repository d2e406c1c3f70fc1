#!/usr/bin/env bash
# Runs the performance benchmarks in release and prints their tables.
#   QBR_BENCH_CONTACTS  contacts (import: 1,000,000; metrics: 10,000,000)
#   QBR_BENCH_CHUNK     contacts per imported CSV when building the metrics workspace (1,000,000)
#   QBR_BENCH_DIR       where generated files go (/tmp/qbr-bench); removed afterwards
#   QBR_BENCH_WORKSPACE metrics: reuse (or build and keep) this workspace
# Usage: scripts/bench.sh [import|metrics]...   (both by default)
set -euo pipefail
cd "$(dirname "$0")/.."
benches=("$@")
[ ${#benches[@]} -eq 0 ] && benches=(import metrics)
command -v sqlite3 >/dev/null || echo "note: no sqlite3 shell on PATH; the import comparison is skipped" >&2
for b in "${benches[@]}"; do
    cargo bench -p qbr-core --bench "$b"
done
