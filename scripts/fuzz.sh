#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for SECONDS each (default 60) and prints the
# runs and crashes per target. Only the stable toolchain is needed: RUSTC_BOOTSTRAP=1 lets it
# take the sanitizer flags cargo-fuzz passes. A crash, hang (over 10 s per input) or out-of-memory
# (over 2 GB) is saved by libFuzzer under fuzz/artifacts/<target>/; fix it, then commit the
# input under fixtures/fuzz-regressions/<target>/, which `cargo test -p qbr-core --test
# fuzz_regressions` replays.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#   QBR_FUZZ_JOBS   parallel fuzzing processes per target (1)
# The last line reads "fuzz total: runs N, crashes M" (scripts/reliability.sh reads it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(delimited xlsx json mapping period formula values)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
export QBR_FUZZ_TMP=${QBR_FUZZ_TMP:-$(mktemp -d)}
trap 'rm -rf "$QBR_FUZZ_TMP"' EXIT

cd fuzz
# -a: debug assertions on, so an arithmetic overflow is a crash, as in a debug build.
cargo fuzz build -a >&2

seed_dir() {
    # The committed inputs every run starts from: import fixtures of the target's format and the
    # earlier regressions.
    local t=$1 seeds="corpus-seed/$1"
    rm -rf "$seeds" && mkdir -p "$seeds"
    case $t in
        delimited) cp "$root"/fixtures/import/*.csv "$seeds"/ ;;
        xlsx) cp "$root"/fixtures/import/*.xlsx "$seeds"/ ;;
        json) cp "$root"/fixtures/import/*.json* "$seeds"/ ;;
        period) printf '\0002026-Q3' > "$seeds/q"; printf '\003FY27-Q1' > "$seeds/fy"; printf '\0002026-07-01..2026-09-30' > "$seeds/r"; printf '\0002026-W31' > "$seeds/w" ;;
        formula) printf 'transferred / handled' > "$seeds/a"; printf '(talk + hold + wrap) / handled' > "$seeds/b"; printf '100 * csat_top_two / csat_responses' > "$seeds/c" ;;
        values) for v in '01:02:03' '2026-07-01T08:30:00Z' '07/01/2026 09:30' '1,234.5' '45%' 'N/A' 'Thu, 27 Oct 2016 14:51:34' '46000.5' '2026-07' 'true'; do printf '%s' "$v" > "$seeds/$(printf '%s' "$v" | md5sum | cut -c1-8)"; done ;;
        mapping) printf '{"columns":[{"field":"wait","header":"Wait (s)","unit":"s"},{"field":"contact_id","header":"ID"}]}' > "$seeds/m"; head -1 "$root"/fixtures/import/genesys_interactions.csv > "$seeds/h" ;;
    esac
    if [ -d "$root/fixtures/fuzz-regressions/$t" ]; then
        cp "$root/fixtures/fuzz-regressions/$t"/* "$seeds"/ 2>/dev/null || true
    fi
    echo "$seeds"
}

total_runs=0
total_crashes=0
printf '%-10s %12s %8s\n' target runs crashes > fuzz-summary.txt
for t in "${targets[@]}"; do
    seeds=$(seed_dir "$t")
    mkdir -p "corpus/$t" "artifacts/$t"
    before=$(find "artifacts/$t" -type f | wc -l)
    log="artifacts/$t.log"
    cargo fuzz run -a "$t" "corpus/$t" "$seeds" -- \
        -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -jobs="${QBR_FUZZ_JOBS:-1}" -workers="${QBR_FUZZ_JOBS:-1}" \
        >"$log" 2>&1 || true
    runs=$(grep -h 'stat::number_of_executed_units' "$log" fuzz-*.log 2>/dev/null | awk '{s+=$2} END {print s+0}')
    rm -f fuzz-*.log
    crashes=$(( $(find "artifacts/$t" -type f | wc -l) - before ))
    total_runs=$((total_runs + runs))
    total_crashes=$((total_crashes + crashes))
    printf '%-10s %12d %8d\n' "$t" "$runs" "$crashes" | tee -a fuzz-summary.txt >&2
done
echo
cat fuzz-summary.txt
[ "$total_crashes" -eq 0 ] || echo "new crash inputs are under fuzz/artifacts/<target>/ (logs: fuzz/artifacts/<target>.log)"
echo "fuzz total: runs $total_runs, crashes $total_crashes"
