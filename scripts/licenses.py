#!/usr/bin/env python3
"""Writes the licence notices of everything the app ships (THIRD-PARTY-NOTICES.txt): every crate
compiled into qbr-desk on Linux (from `cargo metadata`: its normal dependencies, transitively;
build and dev dependencies are not shipped and not listed, procedural macros are listed too),
the npm packages bundled into the web view, and the bundled fonts (Lato, Noto Sans Arabic and
Hebrew, Droid Sans Fallback). For each: name, version, licence
expression, where it comes from, and the licence files it ships (LICENSE*, LICENCE*, COPYING*,
NOTICE*, or the manifest's license-file). A crate that ships no licence file is listed with its
licence expression and says so.

Usage: scripts/licenses.py OUT_FILE      (scripts/package.sh puts it in the .deb and the AppImage
as /usr/share/doc/qbr-desk/THIRD-PARTY-NOTICES.txt)
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LICENCE_PREFIXES = ("license", "licence", "copying", "notice", "unlicense")
# The npm packages whose code ends up in ui/dist (the rest are build tools).
BUNDLED_NPM = ["svelte", "@tauri-apps/api", "esm-env", "clsx"]


def licence_files(folder, extra=None):
    names = []
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return []
    for name in entries:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and name.lower().startswith(LICENCE_PREFIXES):
            names.append(path)
    if extra:
        path = os.path.join(folder, extra)
        if os.path.isfile(path) and path not in names:
            names.append(path)
    return names


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().strip()


def shipped_crates():
    meta = json.loads(
        subprocess.check_output(
            ["cargo", "metadata", "--format-version", "1", "--locked",
             "--filter-platform", "x86_64-unknown-linux-gnu"],
            cwd=ROOT,
        )
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    members = set(meta["workspace_members"])
    start = next(p["id"] for p in meta["packages"] if p["name"] == "qbr-desk")
    seen, todo = set(), [start]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(k["kind"] is None for k in dep["dep_kinds"]):
                todo.append(dep["pkg"])
    return sorted(
        (packages[p] for p in seen if p not in members),
        key=lambda p: (p["name"], p["version"]),
    )


def section(out, title, licence, source, files):
    out.append("=" * 78)
    out.append(title)
    out.append(f"Licence: {licence or 'not stated'}")
    if source:
        out.append(f"Source: {source}")
    out.append("=" * 78)
    if files:
        for path in files:
            out.append(f"--- {os.path.basename(path)}")
            out.append(read(path))
    else:
        out.append("(This package ships no licence file; its licence is the expression above,")
        out.append(" whose standard text is at https://spdx.org/licenses/.)")
    out.append("")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = [
        "QBR Desk: third-party notices",
        "",
        "QBR Desk is MIT-licensed. It contains the software listed below, each under its own",
        "licence, whose text follows its name.",
        "",
    ]
    crates = shipped_crates()
    for p in crates:
        folder = os.path.dirname(p["manifest_path"])
        section(out, f"{p['name']} {p['version']} (Rust crate)", p.get("license"),
                p.get("repository"), licence_files(folder, p.get("license_file")))
    for name in BUNDLED_NPM:
        folder = os.path.join(ROOT, "ui", "node_modules", name)
        manifest = os.path.join(folder, "package.json")
        if not os.path.isfile(manifest):
            continue
        with open(manifest, encoding="utf-8") as f:
            pkg = json.load(f)
        repo = pkg.get("repository")
        if isinstance(repo, dict):
            repo = repo.get("url")
        section(out, f"{name} {pkg.get('version')} (npm package, in the web view)",
                pkg.get("license"), repo, licence_files(folder))
    fonts = os.path.join(ROOT, "crates", "qbr-render", "fonts")
    font = lambda name: [os.path.join(fonts, name)]
    section(out, "Lato (font, in the PDF pack and charts)", "OFL-1.1",
            "https://www.latofonts.com/", font("OFL.txt"))
    section(out, "Noto Sans Arabic and Noto Sans Hebrew (fonts, in the PDF pack)", "OFL-1.1",
            "https://github.com/notofonts", font("OFL-Noto.txt"))
    section(out, "Droid Sans Fallback (font, CJK text in the PDF pack)", "Apache-2.0",
            "the Android Open Source Project (as Debian 12 fonts-droid-fallback ships it)",
            font("Apache-2.0.txt"))
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"{sys.argv[1]}: {len(crates)} crates, the web view's npm packages and the fonts")


if __name__ == "__main__":
    main()
