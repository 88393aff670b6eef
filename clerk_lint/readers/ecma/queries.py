"""Load and run the tree-sitter queries in `queries/`.

`queries/ecma/<purpose>.scm` holds patterns every JS-family grammar understands;
`queries/<language>/<purpose>.scm` adds what only that grammar has (tsx uses typescript's).
Queries are compiled once per (language, purpose) and reused across files.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

import tree_sitter as ts

from .parse import language
from ... import time_budget

_FAMILY = {"javascript": ("ecma", "javascript"), "typescript": ("ecma", "typescript"), "tsx": ("ecma", "typescript")}


def queries_dir() -> Path:
    package = Path(__file__).resolve().parents[2]  # clerk_lint/
    installed = package / "queries"
    if installed.is_dir():
        return installed
    return package.parent / "queries"  # source checkout


def query_source(lang: str, purpose: str) -> str:
    parts = []
    for folder in _FAMILY.get(lang, (lang,)):
        path = queries_dir() / folder / f"{purpose}.scm"
        if path.is_file():
            parts.append(path.read_text(encoding="utf-8"))
    if not parts:
        raise FileNotFoundError(f"no query '{purpose}' for {lang}")
    return "\n".join(parts)


@lru_cache(maxsize=None)
def compiled(lang: str, purpose: str) -> ts.Query:
    return ts.Query(language(lang), query_source(lang, purpose))


# Purposes an analysis runs with captures() over a whole tree. They are compiled into one
# query per language and run in one pass over the tree (about 3x cheaper than one pass each);
# the result is kept for the tree most recently seen, so each purpose reads its share.
TREE_PURPOSES = ("imports", "locals", "references", "env", "strings", "webhooks", "globals", "config", "database",
                 "types")
_SEP = "__"  # purpose + _SEP + capture name, in the merged query
_CAPTURE_OR_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"|;[^\n]*|@([\w.-]+)')


def _has_query(lang: str, purpose: str) -> bool:
    return any((queries_dir() / folder / f"{purpose}.scm").is_file() for folder in _FAMILY.get(lang, (lang,)))


@lru_cache(maxsize=None)
def _merged(lang: str) -> Optional[ts.Query]:
    parts = []
    for purpose in TREE_PURPOSES:
        if _has_query(lang, purpose):  # captures inside strings and comments stay as they are
            parts.append(_CAPTURE_OR_SKIP.sub(
                lambda m: m.group(0) if m.group(1) is None else f"@{purpose}{_SEP}{m.group(1)}",
                query_source(lang, purpose)))
    return ts.Query(language(lang), "\n".join(parts)) if parts else None


_last: list = [None, None, {}, False]  # [root node, lang, {purpose: {capture: nodes}}, deep]; holding the node keeps its tree alive

# Deep trees. A query cursor keeps a pending match for every ancestor that may still start one
# (`(binary_expression operator: … right: (string))` waits through the whole left operand), so
# on a tree nested N deep (`1+1+…`, 20k terms: 65 s) one pass costs N² steps. The cursor is
# limited to patterns starting at most WINDOW levels below the node it runs on, which bounds the
# pending matches; the nodes just below that window each run the same query as the root of the
# next window. Every pattern starts in exactly one window, so the captures are those of one
# unlimited pass, in linear time. Whether the tree is deeper than one window at all is asked of
# a probe pattern WINDOW+1 levels deep (native, no Python walk over an ordinary file's nodes).
WINDOW = 32
# A tree this small costs one unlimited pass little even at its worst (a 2,000-node chain,
# about 0.08 s), less than the probe costs on ordinary files: it takes that pass unprobed.
SMALL_TREE = 2_000


def _probe(depth: int) -> str:
    return "(_ " * depth + f"(_) @{_SEP}deep" + ")" * depth


@lru_cache(maxsize=None)
def _window_probe(lang: str) -> ts.Query:
    return ts.Query(language(lang), _probe(WINDOW))


def _below(node: ts.Node, depth: int) -> list[ts.Node]:
    """The nodes exactly `depth` levels below `node` (a walk that never goes deeper)."""
    out: list[ts.Node] = []
    cursor = node.walk()
    level = 0
    while True:
        if level < depth and cursor.goto_first_child():
            level += 1
        elif level == 0:
            return out
        else:
            while not cursor.goto_next_sibling():
                if level <= 1 or not cursor.goto_parent():
                    return out
                level -= 1
        if level == depth:
            out.append(cursor.node)


def is_deep(lang: str, node: ts.Node) -> bool:
    """Whether the tree under `node` is deeper than one window (the probe's answer); a small
    tree is never asked (deep or not, it takes one unlimited pass)."""
    if _last[0] is not None and _last[1] == lang and _last[0] == node:
        return _last[3]
    if node.descendant_count <= SMALL_TREE:
        return False
    probe = ts.QueryCursor(_window_probe(lang))
    probe.set_max_start_depth(0)
    return bool(probe.captures(node).get(f"{_SEP}deep"))


def _windowed_captures(query: ts.Query, lang: str, root: ts.Node, deep: Optional[bool] = None) -> dict[str, list[ts.Node]]:
    if root.descendant_count <= SMALL_TREE:
        return ts.QueryCursor(query).captures(root)
    roots = [root]
    if deep is None:
        deep = is_deep(lang, root)
    found: dict[str, list[ts.Node]] = {}
    windows = 0
    while roots:
        if windows:  # from the second window on (the first holds the imports)
            time_budget.check()
        windows += 1
        node = roots.pop()
        cursor = ts.QueryCursor(query)
        cursor.set_max_start_depth(WINDOW)
        for name, nodes in cursor.captures(node).items():
            found.setdefault(name, []).extend(nodes)
        if deep:  # (only a tree deeper than one window takes the walk)
            roots += _below(node, WINDOW + 1)
    return found


def _tree_captures(lang: str, root: ts.Node) -> dict[str, dict[str, list[ts.Node]]]:
    if _last[0] is None or _last[1] != lang or _last[0] != root:
        by_purpose: dict[str, dict[str, list[ts.Node]]] = {}
        query = _merged(lang)
        deep = is_deep(lang, root)
        if query is not None:
            for name, nodes in _windowed_captures(query, lang, root, deep).items():
                purpose, _, capture = name.partition(_SEP)
                by_purpose.setdefault(purpose, {})[capture] = sorted(nodes, key=lambda n: n.start_byte)
        _last[:] = [root, lang, by_purpose, deep]
    return _last[2]


def captures(lang: str, purpose: str, node: ts.Node) -> dict[str, list[ts.Node]]:
    """All captures of one query over `node`, by capture name, in document order."""
    if purpose in TREE_PURPOSES and node.parent is None:
        return {name: list(nodes) for name, nodes in _tree_captures(lang, node).get(purpose, {}).items()}
    found = _windowed_captures(compiled(lang, purpose), lang, node)
    return {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in found.items()}


def matches(lang: str, purpose: str, node: ts.Node) -> list[dict[str, list[ts.Node]]]:
    return [m for _, m in ts.QueryCursor(compiled(lang, purpose)).matches(node)]
