#!/usr/bin/env python3
"""Fails, listing them, when the modules of a crate depend on each other in a circle.

Reads every crate's non-test Rust code (a `#[cfg(test)]` item, and a file declared as a
`#[cfg(test)] mod`, are left out), and every path it names that starts with `crate::`, `super::`
or `self::` (in `use` trees and in code). Each path is taken to the file module it reaches
(`crate::import::rollup::Interaction` is import/rollup.rs; `crate::import::Interaction`, a
re-export, is import/mod.rs). An edge A -> B says A names something of B.

The graph is checked at every level of the module tree, as the files are laid out: an edge between
two file modules counts between the two children of their deepest common parent that hold them
(store/contacts.rs -> import/rollup.rs is store -> import; metrics/catalog.rs ->
metrics/formula.rs stays as it is). A module and its own parent are not a circle: a parent
declares and re-exports its children, and a child may use what its parent holds. Any other
circle is reported with the edges that make it (file, line and the path named), and the script
exits 1.

Python 3 standard library only. Usage: scripts/module-cycles.py [CRATE_SRC_DIR...]; with no
argument, every crates/*/src and src-tauri/src.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_comments_and_strings(text):
    """The code with comments, strings and char literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r"b?r(#*)\"", text[i:i + 40]) and (i == 0 or not re.match(r"[A-Za-z0-9_]", text[i - 1])):
            m = re.match(r"b?r(#*)\"", text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'\n])'", text[i:])
            if m:
                out.append(" " * m.end())
                i += m.end()
            else:  # a lifetime
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def item_end(code, start):
    """Where the item starting at `start` ends: after its first `;` outside brackets, or after
    the block its first `{` outside brackets opens."""
    depth = 0
    i = start
    while i < len(code):
        c = code[i]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == ";" and depth == 0:
            return i + 1
        elif c == "{" and depth == 0:
            level = 0
            while i < len(code):
                if code[i] == "{":
                    level += 1
                elif code[i] == "}":
                    level -= 1
                    if level == 0:
                        return i + 1
                i += 1
            return i
        i += 1
    return i


CFG_TEST = re.compile(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]")
ATTR = re.compile(r"\s*#\s*\[[^\]]*\]")


def without_tests(code):
    """The code with every `#[cfg(test)]` item blanked; and the modules declared `#[cfg(test)]
    mod name;` (files of test code)."""
    test_mods = []
    while True:
        m = CFG_TEST.search(code)
        if not m:
            return code, test_mods
        start = m.end()
        while True:  # other attributes of the same item
            a = ATTR.match(code, start)
            if not a:
                break
            start = a.end()
        end = item_end(code, start)
        d = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*;", code[start:end])
        if d:
            test_mods.append(d.group(1))
        code = code[: m.start()] + re.sub(r"[^\n]", " ", code[m.start():end]) + code[end:]


def module_files(src):
    """{module path (tuple of names; () is the crate root): file} for the crate under `src`."""
    mods = {}
    for f in sorted(src.rglob("*.rs")):
        rel = f.relative_to(src).with_suffix("").parts
        if rel in (("lib",), ("main",)):
            mods[()] = f
        elif rel[0] == "bin":
            continue
        elif rel[-1] == "mod":
            mods[tuple(rel[:-1])] = f
        else:
            mods[tuple(rel)] = f
    return mods


def expand_use_tree(tree):
    """The paths of a `use` tree: `a::{b, c::{d, e as f}, self}` -> a::b, a::c::d, a::c::e, a."""
    tree = re.sub(r"\s+as\s+(" + IDENT + ")", r"@\1", tree)
    tree = re.sub(r"\s+", "", tree)

    def expand(t):
        i = t.find("{")
        if i < 0:
            return [t]
        prefix, body = t[:i], t[i + 1:t.rfind("}")]
        parts, depth, cur = [], 0, ""
        for ch in body:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "{"
            depth -= ch == "}"
            cur += ch
        parts.append(cur)
        out = []
        for p in parts:
            if not p:
                continue
            for e in expand(p):
                out.append(prefix[:-2] if e == "self" else prefix + e)
        return out

    return expand(tree)


USE = re.compile(r"\b((?:pub(?:\([^)]*\))?\s+)?)use\s+([^;]*);")
PATH = re.compile(r"(?<![A-Za-z0-9_:])((?:crate|super|self)(?:\s*::\s*" + IDENT + r")+)")


def split_alias(path):
    """`a::b@c` (`a::b as c`) -> (['a', 'b'], 'c'); `a::b` -> (['a', 'b'], 'b')."""
    path, _, alias = path.partition("@")
    names = [x for x in path.split("::") if x]
    return names, alias or (names[-1] if names else "")


class Crate:
    def __init__(self, src):
        self.src = src
        self.mods = module_files(src)
        self.code, test_mods = {}, set()
        for mod, f in self.mods.items():
            code, tests = without_tests(strip_comments_and_strings(f.read_text(encoding="utf-8")))
            self.code[mod] = code
            test_mods.update(mod + (t,) for t in tests)
        # A test module's children are test code too.
        self.live = {m for m in self.mods if not any(m[: len(t)] == t for t in test_mods)}
        # What each module re-exports: {name: (module it was named from, path)}.
        self.exports = {m: {} for m in self.mods}
        self.globs = {m: [] for m in self.mods}
        for mod, code in self.code.items():
            for m in USE.finditer(code):
                if not m.group(1):
                    continue
                for p in expand_use_tree(m.group(2)):
                    names, alias = split_alias(p)
                    if alias == "*":
                        self.globs[mod].append(names[:-1])
                    else:
                        self.exports[mod][alias] = names

    def absolute(self, mod, names):
        """(base module, the names after it) for a path named in `mod`; None outside the crate."""
        if not names:
            return None
        if names[0] == "crate":
            return (), names[1:]
        if names[0] in ("super", "self"):
            base = list(mod)
            while names and names[0] in ("super", "self"):
                if names[0] == "super":
                    if not base:
                        return None
                    base.pop()
                names = names[1:]
            return tuple(base), names
        # A child module named without `self::` (`use mapping::normalise`).
        if mod + (names[0],) in self.mods:
            return mod, names
        return None

    def resolve(self, mod, names, depth=0):
        """The file module that defines what a path names, following re-exports."""
        start = self.absolute(mod, names)
        if start is None:
            return None
        base, rest = start
        if base not in self.mods:
            return None
        k = 0
        while k < len(rest) and base + (rest[k],) in self.mods:
            base, k = base + (rest[k],), k + 1
        rest = rest[k:]
        if rest and depth < 16 and not self.defines(base, rest[0]):
            again = self.exports[base].get(rest[0])
            if again is not None:
                found = self.resolve(base, again + rest[1:], depth + 1)
                if found is not None:
                    return found
            for names in self.globs[base]:
                found = self.resolve(base, names + rest, depth + 1)
                if found is not None and found != base:
                    return found
        return base

    def defines(self, mod, name):
        """Whether `mod`'s own code declares an item called `name`."""
        return re.search(
            r"\b(?:struct|enum|union|fn|type|const|static|trait|macro_rules!)\s+" + re.escape(name) + r"\b",
            self.code[mod],
        ) is not None

    def edges(self):
        """{(from, to): [(file, line, path), ...]} between non-test file modules, leaving out a
        module and its own ancestors, and the re-exports themselves (followed instead)."""
        out = {}
        for mod in sorted(self.live):
            code = self.code[mod]
            found = []
            for m in USE.finditer(code):
                if m.group(1):
                    continue
                for p in expand_use_tree(m.group(2)):
                    found.append((m.start(), split_alias(p)[0]))
            blanked = USE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)
            for m in PATH.finditer(blanked):
                found.append((m.start(), re.sub(r"\s+", "", m.group(1)).split("::")))
            for at, names in found:
                target = self.resolve(mod, names)
                if target is None or target not in self.live:
                    continue
                if mod[: len(target)] == target:
                    continue
                line = code.count("\n", 0, at) + 1
                out.setdefault((mod, target), []).append((self.mods[mod], line, "::".join(names)))
        return out


def cycles(nodes, graph):
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def check(src):
    src = src.resolve()
    crate = src.parent.name
    c = Crate(src)
    edges = c.edges()
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)

    def name(mod):
        return crate + ("::" + "::".join(mod) if mod else "")

    def where(f, line):
        return f"{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}:{line}"

    problems = []
    for comp in cycles(set(graph), graph):
        members = set(comp)
        lines = ["circle in " + crate + ": " + ", ".join(name(m) for m in comp)]
        for (a, b), found in sorted(edges.items()):
            if a in members and b in members:
                shown = sorted({p for _, _, p in found})
                lines.append(
                    f"  {name(a)} -> {name(b)} ({where(*found[0][:2])}): {', '.join(shown[:4])}"
                    + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")
                )
        problems.append("\n".join(lines))
    return problems


def self_test():
    """The check finds a circle planted through a re-export and a nested `use` tree, and not one
    that only test code closes, nor a child using its parent."""
    import tempfile

    def crate(files):
        d = Path(tempfile.mkdtemp()) / "planted" / "src"
        for rel, text in files.items():
            (d / rel).parent.mkdir(parents=True, exist_ok=True)
            (d / rel).write_text(text, encoding="utf-8")
        return check(d)

    base = {
        "lib.rs": "pub mod a;\npub mod b;\n",
        "a/mod.rs": "mod inner;\npub use inner::Thing;\npub struct Top;\n",
        "a/inner.rs": "use super::Top;\npub struct Thing(pub Top);\n",
    }
    planted = crate({**base, "b.rs": "use crate::a::{Thing as T};\npub struct B;\n",
                     "a/inner.rs": "use super::Top;\nuse crate::{b::B};\npub struct Thing(pub Top, B);\n"})
    assert len(planted) == 1 and "planted::a::inner, planted::b" in planted[0], planted
    in_tests = crate({**base, "b.rs": "use crate::a::Thing;\npub struct B;\n",
                      "a/inner.rs": "use super::Top;\npub struct Thing(pub Top);\n"
                      "#[cfg(test)]\nmod tests {\n    use crate::b::B; // \"crate::b\"\n}\n"})
    assert in_tests == [], in_tests
    in_text = crate({**base, "b.rs": "use crate::a::Thing;\npub struct B;\n",
                     "a/inner.rs": "use super::Top;\n/// crate::b::B\npub struct Thing(pub Top);\n"
                     "const S: &str = \"crate::b::B\";\n"})
    assert in_text == [], in_text
    print("self-test: a planted circle is found; test code, comments, strings and a parent are not circles")


def main(argv):
    if argv == ["--self-test"]:
        self_test()
        return 0
    if argv:
        srcs = [Path(a) for a in argv]
    else:
        srcs = sorted(ROOT.glob("crates/*/src")) + [ROOT / "src-tauri" / "src"]
    problems = []
    for src in srcs:
        if not (src / "lib.rs").is_file() and not (src / "main.rs").is_file():
            print(f"{src}: no lib.rs or main.rs", file=sys.stderr)
            return 2
        problems.extend(check(src))
    if problems:
        print("\n\n".join(problems))
        print(f"\n{len(problems)} module circle(s): move what both sides share to a module of its own")
        return 1
    print(f"no module circles in {len(srcs)} crate(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
