"""Load and run the tree-sitter queries in `queries/`.

`queries/ecma/<purpose>.scm` holds patterns every JS-family grammar understands;
`queries/<language>/<purpose>.scm` adds what only that grammar has (tsx uses typescript's).
Queries are compiled once per (language, purpose) and reused across files.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import tree_sitter as ts

from .parse import language

_FAMILY = {"javascript": ("ecma", "javascript"), "typescript": ("ecma", "typescript"), "tsx": ("ecma", "typescript")}


def queries_dir() -> Path:
    installed = Path(__file__).resolve().parent / "queries"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "queries"  # source checkout


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


def captures(lang: str, purpose: str, node: ts.Node) -> dict[str, list[ts.Node]]:
    """All captures of one query over `node`, by capture name, in document order."""
    found = ts.QueryCursor(compiled(lang, purpose)).captures(node)
    return {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in found.items()}


def matches(lang: str, purpose: str, node: ts.Node) -> list[dict[str, list[ts.Node]]]:
    return [m for _, m in ts.QueryCursor(compiled(lang, purpose)).matches(node)]
