#!/usr/bin/env bash
# Installs what is missing, builds QBR Desk, creates the demo workspace and opens it in the app.
set -euo pipefail
cd "$(dirname "$0")/.."
# The build folder test.sh uses too (scripts/env.sh): run one after the other, they build once.
source scripts/env.sh

scripts/setup.sh
build_ui
build_app_and_cli
target_dir="$QBR_TARGET_DIR"
"$target_dir/debug/qbr" demo "$target_dir/demo" --force
workspace="$target_dir/demo/northwind-mobile.qbr"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting the app under Xvfb (nothing will be visible)." >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$target_dir/debug/qbr-desk" "$workspace"
fi
exec "$target_dir/debug/qbr-desk" "$workspace"
