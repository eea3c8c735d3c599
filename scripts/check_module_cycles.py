#!/usr/bin/env python3
"""Fails when modules of a Rust crate import each other in a cycle.

The rule: at every level of a crate's module tree, sibling modules form a
directed acyclic graph. A reference from module `a::x` to `b::y` (a `use`
or an inline path through `crate::`, `super::` or `self::`) is an edge
`a -> b` between the siblings `a` and `b` under their common parent. A
module may use what its ancestors define, and a parent may use its own
children: neither is an edge. Test code (`#[cfg(test)]` items and files
named `tests.rs`) is left out, since tests may reach anywhere.

Usage: check_module_cycles.py CRATE_DIR [CRATE_DIR ...]
Each CRATE_DIR holds `src/lib.rs` and/or `src/main.rs` (or is that `src`); each root is its
own module tree. Exits 1 and names every cycle with one reference per edge.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
INLINE_PATH = re.compile(r"(?<![\w$:])((?:crate|super|self)(?:::(?:" + IDENT + r"|\*))+)")
MOD_DECL = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*;", re.M)
USE_STMT = re.compile(r"(?<![\w])use\s+([^;]*);", re.S)


@dataclass
class Module:
    """One module: its path below the crate root and the file it lives in."""

    path: tuple[str, ...]
    file: Path
    refs: list[tuple[tuple[str, ...], int]] = field(default_factory=list)


def strip_comments_and_strings(text: str) -> str:
    """Blanks comments, string and char literals, keeping line breaks."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
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
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 8]) and (i == 0 or not re.match(r"\w", text[i - 1])):
            hashes = re.match(r"r(#*)\"", text[i:]).group(1)
            end = text.find('"' + hashes, i + len(hashes) + 2)
            end = n if end < 0 else end + 1 + len(hashes)
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]) or re.match(r"'\\u\{[0-9a-fA-F]+\}'", text[i:i + 12]):
            j = text.find("'", i + 2) + 1
            out.append("' '")
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def skip_block(text: str, start: int) -> int:
    """The index after the item that begins at `start` (to its `;` or matching `}`)."""
    depth = 0
    for j in range(start, len(text)):
        ch = text[j]
        if ch == ";" and depth == 0:
            return j + 1
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


def drop_test_items(text: str) -> tuple[str, set[str]]:
    """Blanks `#[cfg(test)]` items; returns the text and the test-only child modules."""
    test_mods: set[str] = set()
    pattern = re.compile(r"#\[cfg\(test\)\]")
    while True:
        m = pattern.search(text)
        if not m:
            return text, test_mods
        end = skip_block(text, m.end())
        item = text[m.end():end]
        decl = re.match(r"\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*;", item)
        if decl:
            test_mods.add(decl.group(1))
        text = text[:m.start()] + "\n" * text.count("\n", m.start(), end) + text[end:]


def expand_use_tree(tree: str) -> list[str]:
    """`a::{b, c::{d, e}}` -> [`a::b`, `a::c::d`, `a::c::e`]."""
    tree = re.sub(r"\s+as\s+" + IDENT, "", tree)
    tree = re.sub(r"\s+", "", tree)
    brace = tree.find("{")
    if brace < 0:
        return [tree]
    prefix, inner = tree[:brace], tree[brace + 1:tree.rfind("}")]
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    paths = []
    for part in filter(None, parts):
        for sub in expand_use_tree(part):
            paths.append(prefix + sub if sub != "self" else prefix.rstrip(":"))
    return paths


def load_tree(root_file: Path) -> dict[tuple[str, ...], Module]:
    """Reads the module tree that starts at a crate root."""
    modules: dict[tuple[str, ...], Module] = {}
    pending = [((), root_file)]
    while pending:
        path, file = pending.pop()
        raw = file.read_text(encoding="utf-8")
        text, test_mods = drop_test_items(strip_comments_and_strings(raw))
        module = Module(path, file)
        modules[path] = module
        own_dir = file.parent if file.name in ("lib.rs", "main.rs", "mod.rs") else file.with_suffix("")
        for decl in MOD_DECL.finditer(text):
            name = decl.group(1)
            if name in test_mods or name == "tests":
                continue
            for candidate in (own_dir / f"{name}.rs", own_dir / name / "mod.rs"):
                if candidate.exists():
                    pending.append((path + (name,), candidate))
                    break
        for use in USE_STMT.finditer(text):
            line = text.count("\n", 0, use.start()) + 1
            for target in expand_use_tree(use.group(1)):
                module.refs.append((tuple(s for s in target.split("::") if s), line))
        without_uses = USE_STMT.sub(lambda u: "\n" * u.group(0).count("\n"), text)
        for inline in INLINE_PATH.finditer(without_uses):
            line = without_uses.count("\n", 0, inline.start()) + 1
            module.refs.append((tuple(inline.group(1).split("::")), line))
    return modules


def resolve(source: tuple[str, ...], segments: tuple[str, ...], known) -> tuple[str, ...] | None:
    """The module a path names (its longest prefix that is a module), or None."""
    if not segments:
        return None
    if segments[0] == "crate":
        base, rest = (), segments[1:]
    elif segments[0] in ("super", "self"):
        base, rest = source, segments
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
    else:
        return None
    target = base
    for seg in rest:
        if target + (seg,) in known:
            target = target + (seg,)
        else:
            break
    return target


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                result.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return result


def check_root(root_file: Path) -> list[str]:
    """The cycles in one crate root's tree, described for a person."""
    modules = load_tree(root_file)
    edges: dict[tuple[str, ...], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    examples: dict[tuple[tuple[str, ...], str, str], str] = {}
    for module in modules.values():
        if module.file.name == "tests.rs":
            continue
        for segments, line in module.refs:
            target = resolve(module.path, segments, modules)
            if target is None:
                continue
            common = 0
            while common < min(len(target), len(module.path)) and target[common] == module.path[common]:
                common += 1
            if common in (len(target), len(module.path)):
                continue  # an ancestor, a descendant or itself
            parent, a, b = target[:common], module.path[common], target[common]
            edges[parent][a].add(b)
            examples.setdefault((parent, a, b), f"{module.file}:{line} uses {'::'.join(segments)}")
    problems = []
    for parent, graph in sorted(edges.items()):
        for cycle in find_cycles(graph):
            where = "::".join(("crate",) + parent)
            lines = [f"{root_file}: modules under {where} import each other in a cycle: {', '.join(cycle)}"]
            for a in cycle:
                for b in sorted(graph[a] & set(cycle)):
                    lines.append(f"    {a} -> {b}: {examples[(parent, a, b)]}")
            problems.append("\n".join(lines))
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems, roots = [], 0
    for crate in argv[1:]:
        src = Path(crate) / "src" if (Path(crate) / "src").is_dir() else Path(crate)
        for name in ("lib.rs", "main.rs"):
            root = src / name
            if root.exists():
                roots += 1
                problems.extend(check_root(root))
    if roots == 0:
        print("check_module_cycles: no src/lib.rs or src/main.rs in " + " ".join(argv[1:]), file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"module cycles: none in {roots} crate roots")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
