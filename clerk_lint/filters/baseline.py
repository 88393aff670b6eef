'''Baselines: record today's findings so that only new ones are reported.

`clerk-lint baseline` writes the findings of a scan to a JSON file;
`clerk-lint scan --baseline FILE` then reports only the findings that are not in it.

Fingerprint
-----------
A finding is identified by its rule code, its Clerk symbol, its path and its source line
with runs of whitespace collapsed to one space (and trimmed): the line number is not part
of it, so a finding keeps its identity when lines are inserted or removed above it, and
when the line is re-indented. The first 16 hex digits of the SHA-256 of those four fields
(joined with NUL) are followed by ``:k``, k counting identical keys in one file in scan
order, so two identical calls on identical lines get ``…:1`` and ``…:2``.

Matching is by key, with counts: a baseline holding a key twice absorbs at most two
current findings with that key; a third one is new. A finding that moves to another file,
changes its line text or its rule is new.

The file (schema version 1), sorted by path, line, column, code and fingerprint, written
as ``json.dumps(indent=2, ensure_ascii=False)`` plus a newline, so the same tree always
gives byte-for-byte the same file::

    {
      "version": 1,
      "tool": "clerk-lint",
      "findings": [
        {"fingerprint": "3f2a9c0d1e4b5a67:1", "code": "CLK201", "symbol": "useUser",
         "path": "app/page.tsx", "line": 3, "source": "const { user } = useUser();"}
      ]
    }

``line`` and ``source`` are there for people reading the file; matching uses only
``fingerprint`` (minus its ``:k``). Paths are relative to the scan root, as in every other
report: create and use a baseline from the same directory (the repository root).

Reporting
---------
With a baseline every finding gets ``baseline_state`` "new" or "unchanged". Text, json,
github and gitlab output list only the new ones (and the exit status counts only them);
SARIF lists both, with ``baselineState``, so code scanning can show what is old.
Baseline entries no longer found are not reported ("absent" is not emitted).
'''
from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from ..findings import Finding

BASELINE_VERSION = 1
NEW = "new"
UNCHANGED = "unchanged"


class BaselineError(Exception):
    """The baseline file is missing, unreadable or not a clerk-lint baseline (exit 2)."""


def normalise_line(text: str) -> str:
    return " ".join(text.split())


def finding_key(f: Finding) -> str:
    """The fingerprint without its occurrence counter."""
    raw = "\0".join((f.code, f.symbol, f.location.path, normalise_line(f.location.source_line)))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """`key:k` for each finding, k counting equal keys in the given (scan) order."""
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        key = finding_key(f)
        seen[key] += 1
        out.append(f"{key}:{seen[key]}")
    return out


def to_document(findings: Iterable[Finding]) -> dict:
    """The baseline of `findings` (suppressed findings are left out: they are not reported)."""
    kept = sorted((f for f in findings if not f.suppression), key=Finding.sort_key)
    entries = [
        {
            "fingerprint": fp,
            "code": f.code,
            "symbol": f.symbol,
            "path": f.location.path,
            "line": f.location.line,
            "source": normalise_line(f.location.source_line),
            "_sort": (*f.location.sort_key()[:3], f.code, fp),
        }
        for f, fp in zip(kept, fingerprints(kept))
    ]
    entries.sort(key=lambda e: e["_sort"])
    for e in entries:
        del e["_sort"]
    return {"version": BASELINE_VERSION, "tool": "clerk-lint", "findings": entries}


def render(findings: Iterable[Finding]) -> str:
    return json.dumps(to_document(findings), indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Counter[str]:
    """The fingerprint keys of a baseline file, with their counts."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline file {path} not found (create it with `clerk-lint baseline`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline file {path} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("tool") != "clerk-lint" or "findings" not in data:
        raise BaselineError(f"{path} is not a clerk-lint baseline file")
    if data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"baseline file {path} has version {data.get('version')!r}; "
                            f"this clerk-lint reads version {BASELINE_VERSION}")
    keys: Counter[str] = Counter()
    findings = data["findings"]
    if not isinstance(findings, list):
        raise BaselineError(f"baseline file {path}: 'findings' is not a list")
    for i, entry in enumerate(findings):
        fp = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fp, str) or not fp:
            raise BaselineError(f"baseline file {path}: finding {i} has no fingerprint")
        keys[fp.rsplit(":", 1)[0]] += 1
    return keys


def mark(findings: list[Finding], baseline: Counter[str]) -> list[Finding]:
    """Each finding with `baseline_state` "unchanged" while the baseline still holds its
    key, else "new". Findings are consumed in scan order."""
    remaining = Counter(baseline)
    out = []
    for f in findings:
        key = finding_key(f)
        if remaining[key] > 0:
            remaining[key] -= 1
            state = UNCHANGED
        else:
            state = NEW
        out.append(dataclasses.replace(f, baseline_state=state))
    return out
