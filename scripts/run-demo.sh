#!/usr/bin/env bash
# Installs what is missing, builds QBR Desk, creates the demo workspace and opens it in the app.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh
(cd ui && npm run --silent build)
cargo build --locked -p qbr-desk -p qbr-cli
target_dir="${CARGO_TARGET_DIR:-target}"
"$target_dir/debug/qbr" demo "$target_dir/demo" --force
workspace="$target_dir/demo/northwind-mobile.qbr"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting the app under Xvfb (nothing will be visible)." >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$target_dir/debug/qbr-desk" "$workspace"
fi
exec "$target_dir/debug/qbr-desk" "$workspace"
