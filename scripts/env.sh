# Sourced by scripts/run-demo.sh, scripts/test.sh and scripts/bench.sh so that they build into one
# and the same folder: run one after the other, they build the project once. CI clones afresh each
# time, so there the build output lives outside the clone and survives between runs.
export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${CARGO_TARGET_DIR:-}" ] && [ "${CI:-}" = "true" ]; then
  export CARGO_TARGET_DIR="$HOME/.cache/qbr-desk/target"
fi
QBR_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# The web view the app embeds (ui/dist; src-tauri needs it to build at all).
build_ui() {
  (cd ui && npm run --silent build)
}
# The app and the CLI, built the same way by every script (the same packages, so the same features
# and the same artifacts).
build_app_and_cli() {
  cargo build --locked -p qbr-desk -p qbr-cli
}
