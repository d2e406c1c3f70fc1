#!/usr/bin/env python3
"""Checks that the workspace's rust-version is honest: exactly the highest rust-version that any
crate in the build (Linux, every dependency kind) declares. Lower would promise a toolchain the
dependencies refuse; higher would ask for more than needed. Clippy's `incompatible_msrv` lint
(on in `cargo clippy`) checks that QBR Desk's own code uses nothing newer than it.

Only one toolchain can be installed on these machines, so the check reads the declarations rather
than building with the old toolchain; scripts/test.sh also runs `cargo +VERSION check` when that
toolchain happens to be installed.
"""
import json
import subprocess
import sys
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def key(v):
    return tuple(int(x) for x in (v.split(".") + ["0", "0"])[:3])


meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--format-version", "1", "--locked",
     "--filter-platform", "x86_64-unknown-linux-gnu"], cwd=ROOT))
members = set(meta["workspace_members"])
ours = {p["rust_version"] for p in meta["packages"] if p["id"] in members}
if len(ours) != 1 or None in ours:
    sys.exit(f"msrv: every workspace crate must take rust-version from the workspace; found {ours}")
ours = ours.pop()
deps = [p for p in meta["packages"] if p["id"] not in members and p.get("rust_version")]
top = max(key(p["rust_version"]) for p in deps)
needing = sorted(f"{p['name']} {p['version']}" for p in deps if key(p["rust_version"]) == top)
top_text = ".".join(str(x) for x in top).removesuffix(".0")
if key(ours) != top:
    sys.exit(f"msrv: rust-version is {ours}, but the highest a dependency declares is {top_text} "
             f"({', '.join(needing[:5])}): set rust-version = \"{top_text}\" in Cargo.toml")
print(f"rust-version {ours}: the highest any dependency declares ({', '.join(needing[:4])}"
      f"{', …' if len(needing) > 4 else ''})")
print(ours)
