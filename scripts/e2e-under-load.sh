#!/usr/bin/env bash
# Runs the whole end-to-end suite N times in a row (3 by default) with a CPU hog beside it: one busy
# process per core (stress-ng --cpu <cores> when installed, else a shell loop per core), at the
# same priority as the suite. A test that reads the page before what it reads is there fails under
# this load; issue 27 asks for three passing runs in a row.
#
# Each run takes /tmp/qbr-e2e.lock (one e2e run at a time on the machine) and starts the hog only
# once it holds the lock; the hog ends with the run. Stops at the first run that fails.
#   QBR_UNDER_LOAD_BUILD=0  use the app and CLI already built (default: build them first, as
#                           scripts/test.sh does)
#   QBR_UNDER_LOAD_HOGS     busy processes (default: the number of cores)
# Logs: tests/e2e/artifacts/under-load/run-<i>.log (each run's TAP output) and summary.md (one row
# per run: start, duration, tests passed and failed, load average at the end).
# Usage: scripts/e2e-under-load.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs="${1:-3}"
hogs="${QBR_UNDER_LOAD_HOGS:-$(nproc)}"
lock=/tmp/qbr-e2e.lock

# One run, inside the lock: the hog, the suite at 1920x1080 (scripts/test.sh's last step), the
# hog stopped whatever happens.
if [ "${1:-}" = "--one" ]; then
  log="$2"
  pids=()
  stop_hog() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
  }
  trap stop_hog EXIT
  if command -v stress-ng >/dev/null; then
    stress-ng --cpu "$hogs" --quiet &
    pids+=($!)
  else
    for _ in $(seq "$hogs"); do
      nice -n 0 sh -c 'while :; do :; done' &
      pids+=($!)
    done
  fi
  rm -rf tests/e2e/artifacts/*.png
  cd tests/e2e
  xvfb-run -a -s "-screen 0 1920x1080x24" npm test >"$log" 2>&1
  exit $?
fi

source scripts/env.sh
if [ "${QBR_UNDER_LOAD_BUILD:-1}" != 0 ]; then
  build_ui
  build_app_and_cli
fi
out="$root/tests/e2e/artifacts/under-load"
mkdir -p "$out"
summary="$out/summary.md"
hog_desc=$(command -v stress-ng >/dev/null && echo "stress-ng --cpu $hogs" || echo "$hogs × sh busy loop")
{
  echo "End-to-end suite under load: $runs runs, hog: $hog_desc, $(nproc) cores, $(date -u +%FT%TZ)"
  echo
  echo "| run | started (UTC) | duration | passed | failed | load average at the end |"
  echo "|---|---|---|---|---|---|"
} >"$summary"
status=0
for i in $(seq "$runs"); do
  log="$out/run-$i.log"
  started=$(date -u +%T)
  t0=$(date +%s)
  rc=0
  flock "$lock" "$0" --one "$log" || rc=$?
  secs=$(($(date +%s) - t0))
  pass=$(sed -n 's/^# pass //p' "$log" | tail -n1)
  fail=$(sed -n 's/^# fail //p' "$log" | tail -n1)
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "| $i | $started | $((secs / 60)) min $((secs % 60)) s | ${pass:-?} | ${fail:-?} | $load |" >>"$summary"
  if [ "$rc" -ne 0 ]; then
    echo "run $i failed (exit $rc); its log: $log" >&2
    grep -n "^not ok\|^    not ok\|error:" "$log" | head -n 20 >&2 || true
    status=1
    break
  fi
done
cat "$summary"
exit "$status"
