#!/usr/bin/env bash
# Builds QBR Desk's Linux packages with the Tauri CLI (ui's devDependency @tauri-apps/cli) and checks
# what is inside them. The results go to packages/:
#   packages/qbr-desk_VERSION_amd64.deb        sudo apt install ./packages/qbr-desk_*.deb
#   packages/qbr-desk_VERSION_amd64.AppImage   chmod +x, then run it
#
# Usage: scripts/package.sh [--deb-only] [--install]
#   --deb-only  skip the AppImage (its bundler needs linuxdeploy, see README "Install")
#   --install   also install the .deb with apt, check the installed app, file type and menu entry,
#               then remove it again (needs root or sudo; for a throwaway machine or container)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

want_appimage=1
install=0
for arg in "$@"; do
  case "$arg" in
    --deb-only) want_appimage=0 ;;
    --install) install=1 ;;
    *) echo "usage: scripts/package.sh [--deb-only] [--install]" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf 'package.sh: %s\n' "$*" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

scripts/setup.sh
if ! command -v desktop-file-validate >/dev/null || ! command -v update-mime-database >/dev/null; then
  say "Installing desktop-file-utils and shared-mime-info (to check the desktop entry and file type)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    desktop-file-utils shared-mime-info >/dev/null
fi

target_dir="${CARGO_TARGET_DIR:-$root/target}"
bundle_dir="$target_dir/release/bundle"
version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' src-tauri/tauri.conf.json | head -n1)
arch=$(dpkg --print-architecture)
out="$root/packages"
mkdir -p "$out"
tauri="$root/ui/node_modules/.bin/tauri"
[ -x "$tauri" ] || fail "the Tauri CLI is missing: run 'npm ci' in ui/"

started=$(date +%s)
say "Building the web view (ui/dist)"
(cd ui && npm run --silent build)

say "Writing the licence notices of what the app ships (scripts/licenses.py)"
mkdir -p src-tauri/gen/licenses
python3 scripts/licenses.py src-tauri/gen/licenses/THIRD-PARTY-NOTICES.txt

say "Building the release binary and the Debian package (tauri build --bundles deb)"
"$tauri" build --ci --bundles deb -- --locked
built_deb=$(ls -t "$bundle_dir"/deb/*_"$version"_"$arch".deb | head -n1)
deb="$out/qbr-desk_${version}_${arch}.deb"
cp "$built_deb" "$deb"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Checks an unpacked package (a .deb's data or an AppImage's AppDir) rooted at $1.
check_tree() {
  local top=$1 what=$2
  local entry="$top/usr/share/applications/QBR Desk.desktop"
  [ -x "$top/usr/bin/qbr-desk" ] || fail "$what: no executable usr/bin/qbr-desk"
  [ -f "$entry" ] || fail "$what: no desktop entry at usr/share/applications/QBR Desk.desktop"
  desktop-file-validate "$entry" || fail "$what: desktop-file-validate refused the desktop entry"
  grep -qx 'Exec=qbr-desk %f' "$entry" || fail "$what: the desktop entry does not pass the file (Exec=qbr-desk %f)"
  grep -qx 'MimeType=application/x-qbr-workspace;' "$entry" || fail "$what: the desktop entry does not list application/x-qbr-workspace"
  grep -qx 'Icon=qbr-desk' "$entry" || fail "$what: the desktop entry names no qbr-desk icon"
  for size in 32x32 128x128 512x512; do
    [ -f "$top/usr/share/icons/hicolor/$size/apps/qbr-desk.png" ] || fail "$what: no $size icon"
  done
  local mime="$top/usr/share/mime/packages/qbr-desk.xml"
  [ -f "$mime" ] || fail "$what: no usr/share/mime/packages/qbr-desk.xml"
  # The file type, as the file manager will see it: a MIME database built from the system's types
  # plus ours must map *.qbr to application/x-qbr-workspace.
  local db="$tmp/mime-$what"
  mkdir -p "$db/packages"
  cp /usr/share/mime/packages/freedesktop.org.xml "$mime" "$db/packages/"
  update-mime-database "$db" >"$tmp/mime.log" 2>&1 || { cat "$tmp/mime.log" >&2; fail "$what: update-mime-database refused qbr-desk.xml"; }
  grep -q '^[0-9]*:application/x-qbr-workspace:\*\.qbr$' "$db/globs2" || fail "$what: *.qbr is not mapped to application/x-qbr-workspace"
  grep -q '^application/x-qbr-workspace application/vnd.sqlite3$' "$db/subclasses" || fail "$what: the workspace type is not a kind of SQLite file"
  local notices="$top/usr/share/doc/qbr-desk/THIRD-PARTY-NOTICES.txt"
  [ -f "$notices" ] || fail "$what: no licence notices at usr/share/doc/qbr-desk/THIRD-PARTY-NOTICES.txt"
  grep -q '^tauri [0-9.]* (Rust crate)$' "$notices" || fail "$what: the licence notices do not name tauri"
  grep -q '^Lato (font' "$notices" || fail "$what: the licence notices do not name the Lato font"
  "$top/usr/bin/qbr-desk" --version | grep -qx "qbr-desk $version" || fail "$what: qbr-desk --version does not print qbr-desk $version"
  "$top/usr/bin/qbr-desk" --help | grep -q '^Usage: qbr-desk \[WORKSPACE\]' || fail "$what: qbr-desk --help prints no usage"
}

say "Checking $deb"
dpkg-deb -I "$deb" > "$tmp/info"
dpkg-deb -c "$deb" > "$tmp/contents"
cat "$tmp/info"
grep -q '^ Package: qbr-desk$' "$tmp/info" || fail "the package is not named qbr-desk"
depends=$(sed -n 's/^ Depends: //p' "$tmp/info")
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  [[ ", $depends," == *", $dep,"* ]] || fail "Depends does not list $dep: '$depends'"
done
# The paths of the listing: after mode, owner, size, date and time, without a leading "./".
sed -E 's/^([^ ]+ +){5}//; s#^\./##' "$tmp/contents" > "$tmp/paths"
for f in usr/bin/qbr-desk "usr/share/applications/QBR Desk.desktop" \
  usr/share/mime/packages/qbr-desk.xml usr/share/icons/hicolor/128x128/apps/qbr-desk.png \
  usr/share/doc/qbr-desk/THIRD-PARTY-NOTICES.txt; do
  grep -qxF "$f" "$tmp/paths" || fail "the package lacks $f"
done
dpkg-deb -x "$deb" "$tmp/deb"
check_tree "$tmp/deb" deb
say "The Debian package is complete: $(du -h "$deb" | cut -f1)"

if [ "$install" = 1 ]; then
  say "Installing the Debian package with apt (it is removed again below)"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >/dev/null
  qbr-desk --version | grep -qx "qbr-desk $version" || fail "the installed qbr-desk does not run"
  [ "$(command -v qbr-desk)" = /usr/bin/qbr-desk ] || fail "qbr-desk is not installed in /usr/bin"
  grep -q 'application/x-qbr-workspace:\*\.qbr' /usr/share/mime/globs2 \
    || fail "the system's MIME database does not know *.qbr after installing"
  grep -q '^application/x-qbr-workspace=QBR Desk.desktop' /usr/share/applications/mimeinfo.cache \
    || fail "the menu database does not list QBR Desk for .qbr files after installing"
  say "Installed: /usr/bin/qbr-desk runs, *.qbr is a QBR Desk workspace, QBR Desk opens it"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq qbr-desk >/dev/null
fi

appimage=""
if [ "$want_appimage" = 1 ]; then
  say "Building the AppImage (tauri build --bundles appimage)"
  if ! "$tauri" build --ci --bundles appimage -- --locked; then
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/tauri"
    fail "the AppImage could not be made. Tauri's AppImage bundler runs linuxdeploy, which it downloads
from GitHub on first use into $cache (AppRun-x86_64, linuxdeploy-x86_64.AppImage,
linuxdeploy-plugin-gtk.sh, linuxdeploy-plugin-gstreamer.sh). Without access to GitHub, copy those
files there from a machine that has them, or run scripts/package.sh --deb-only.
The Debian package was made and checked: $deb"
  fi
  built=$(ls -t "$bundle_dir"/appimage/*_"$version"_*.AppImage | head -n1)
  appimage="$out/qbr-desk_${version}_${arch}.AppImage"
  cp "$built" "$appimage"
  chmod +x "$appimage"
  say "Checking $appimage"
  (cd "$tmp" && "$appimage" --appimage-extract >/dev/null)
  check_tree "$tmp/squashfs-root" appimage
  say "The AppImage is complete: $(du -h "$appimage" | cut -f1)"
fi

say "Done in $(( $(date +%s) - started )) s:"
ls -l "$deb" ${appimage:+"$appimage"}
