"""Small helpers shared by several reporters."""
from __future__ import annotations

import json
import math
from collections import Counter
from typing import Iterable

from ..findings import DIFFICULTIES, Finding, ScanResult

# SARIF level per difficulty; the GitHub reporter maps it to ::error/::warning/::notice.
LEVELS = {"trivial": "note", "moderate": "warning", "hard": "error", "blocker": "error"}


def level(difficulty: str) -> str:
    return LEVELS.get(difficulty, "warning")


def by_difficulty(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts for all four difficulties, in DIFFICULTIES order (zeros included)."""
    counts = Counter(f.difficulty for f in findings)
    return {d: counts.get(d, 0) for d in DIFFICULTIES}


def by_category(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts per category that occurs, sorted by category name."""
    counts = Counter(f.category for f in findings)
    return {c: counts[c] for c in sorted(counts)}


def effort_hours(result: ScanResult) -> float:
    return round(sum(f.effort_hours for f in result.findings), 2)


def via_suffix(finding: Finding) -> str:
    return f" (via {' -> '.join(finding.via)})" if finding.via else ""


def utf16_slice(text: str, start_column: int, end_column: int) -> str | None:
    """The part of `text` between 1-based UTF-16 columns (end exclusive), or None
    when the columns do not fit the text."""
    data = text.encode("utf-16-le", "surrogatepass")
    start, end = 2 * (start_column - 1), 2 * (end_column - 1)
    if not 0 <= start < end <= len(data):
        return None
    return data[start:end].decode("utf-16-le", "replace")


def per_package(result: ScanResult) -> dict[str, dict]:
    """Findings, difficulty counts and effort per workspace package folder (sorted by folder)."""
    from ..discover.workspaces import package_of

    groups: dict[str, list[Finding]] = {folder: [] for folder in sorted(result.packages)}
    for finding in result.findings:
        folder = package_of(finding.location.path, result.packages)
        if folder is not None:
            groups[folder].append(finding)
    return {
        folder: {"findings": len(items), "by_difficulty": by_difficulty(items),
                 "effort_hours": round(sum(f.effort_hours for f in items), 2)}
        for folder, items in groups.items()
    }


def json_text(document) -> str:
    """``json.dumps(document, indent=2, ensure_ascii=False)``, byte for byte, about 3x faster:
    with an indent the standard library falls back to its pure-Python encoder, which calls a
    generator per value; a report with thousands of findings spends most of its time there."""
    from json.encoder import encode_basestring  # the C implementation when available

    out: list[str] = []
    append = out.append
    scalars = {True: "true", False: "false"}

    def value(obj, indent: str) -> None:
        if isinstance(obj, str):
            append(encode_basestring(obj))
        elif obj is None:
            append("null")
        elif obj is True or obj is False:
            append(scalars[obj])
        elif isinstance(obj, int):
            append(int.__repr__(obj))
        elif isinstance(obj, float):
            append(float.__repr__(obj) if math.isfinite(obj) else json.dumps(obj))
        elif isinstance(obj, dict):
            if not obj:
                append("{}")
                return
            inner = indent + "  "
            first = True
            for key, item in obj.items():
                if not isinstance(key, str):
                    raise TypeError  # json.dumps's own key rules apply: fall back to it
                head = ("{\n" if first else ",\n") + inner + encode_basestring(key) + ": "
                first = False
                kind = type(item)  # the common scalars written here: one call less per value
                if kind is str:
                    append(head + encode_basestring(item))
                elif item is None:
                    append(head + "null")
                elif kind is int:
                    append(head + int.__repr__(item))
                else:
                    append(head)
                    value(item, inner)
            append("\n" + indent + "}")
        elif isinstance(obj, (list, tuple)):
            if not obj:
                append("[]")
                return
            inner = indent + "  "
            first = True
            for item in obj:
                head = ("[\n" if first else ",\n") + inner
                first = False
                if type(item) is str:
                    append(head + encode_basestring(item))
                else:
                    append(head)
                    value(item, inner)
            append("\n" + indent + "]")
        else:
            raise TypeError

    try:
        value(document, "")
    except (TypeError, RecursionError):
        return json.dumps(document, indent=2, ensure_ascii=False)
    return "".join(out)
