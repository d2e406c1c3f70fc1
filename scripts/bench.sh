#!/usr/bin/env bash
# Runs the performance benchmarks in release and prints their tables.
#   QBR_BENCH_CONTACTS  contacts (import: the sizes, comma-separated, 1000000,10000000; metrics:
#                       10,000,000)
#   QBR_BENCH_ORDERS    import: the orders of rows (time,shuffled,by-id,re-import)
#   QBR_BENCH_RUNS      import: runs of each side per order, alternating with sqlite3 (3)
#   QBR_BENCH_CHUNK     contacts per imported CSV when building the metrics workspace (1,000,000)
#   QBR_BENCH_DIR       where generated files go (/tmp/qbr-bench); removed afterwards
#   QBR_BENCH_WORKSPACE metrics: reuse (or build and keep) this workspace
#   pack                a 20-page PDF pack with 40 charts (crates/qbr-render/benches/pack.rs), and the
#                       time a chart against reportlab drawing a comparable one (scripts/bench_reportlab.py;
#                       needs python3 with reportlab: pip install reportlab; skipped and said so without)
#   app                 the release app under Xvfb through WebDriver (tests/e2e/app.bench.mjs): cold
#                       start, period and grouping switches, resident memory (QBR_BENCH_WORKSPACE
#                       names the workspace to open for it, e.g. a 10M-contact one; else the demo)
#   switch              what the app's period and grouping switches cost in the backend: the same
#                       qbr-api calls on the demo, CPU time beside wall-clock (crates/qbr-api/benches/switch.rs)
#   parse               parsing alone: the import's CSV into a sink that keeps nothing (kept in QBR_BENCH_DIR)
# Usage: scripts/bench.sh [import|parse|metrics|pack|switch|app]...   (all by default)
set -euo pipefail
cd "$(dirname "$0")/.."
benches=("$@")
[ ${#benches[@]} -eq 0 ] && benches=(import parse metrics pack switch app)
command -v sqlite3 >/dev/null || echo "note: no sqlite3 shell on PATH; the import comparison is skipped" >&2
for b in "${benches[@]}"; do
    if [ "$b" = app ]; then
        (cd ui && npm run build >/dev/null)
        cargo build --release -p qbr-desk
        target="${CARGO_TARGET_DIR:-$PWD/target}"
        (cd tests/e2e && QBR_DESK_APP="$target/release/qbr-desk" \
            xvfb-run -a -s "-screen 0 1280x800x24" node app.bench.mjs)
    elif [ "$b" = switch ]; then
        cargo bench -p qbr-api --bench switch
    elif [ "$b" = pack ]; then
        cargo bench -p qbr-render --bench pack
    else
        cargo bench -p qbr-core --bench "$b"
    fi
done
