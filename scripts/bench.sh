#!/usr/bin/env bash
# Runs the performance benchmarks in release and prints their tables.
#   QBR_BENCH_CONTACTS  contacts (import: 1,000,000; metrics: 10,000,000)
#   QBR_BENCH_CHUNK     contacts per imported CSV when building the metrics workspace (1,000,000)
#   QBR_BENCH_DIR       where generated files go (/tmp/qbr-bench); removed afterwards
#   QBR_BENCH_WORKSPACE metrics: reuse (or build and keep) this workspace
#   pack                a 20-page PDF pack with 40 charts (crates/qbr-render/benches/pack.rs)
# Usage: scripts/bench.sh [import|metrics|pack]...   (all by default)
set -euo pipefail
cd "$(dirname "$0")/.."
benches=("$@")
[ ${#benches[@]} -eq 0 ] && benches=(import metrics pack)
command -v sqlite3 >/dev/null || echo "note: no sqlite3 shell on PATH; the import comparison is skipped" >&2
for b in "${benches[@]}"; do
    if [ "$b" = pack ]; then
        cargo bench -p qbr-render --bench pack
    else
        cargo bench -p qbr-core --bench "$b"
    fi
done
