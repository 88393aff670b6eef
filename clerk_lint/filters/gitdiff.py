"""`--diff REF`: keep only the findings on lines changed since a git ref.

For each scanned root, in the git checkout that holds it:

* ``git diff --unified=0 REF --`` lists the changed hunks between REF and the working
  tree (staged and unstaged edits both count). REF is passed to git as one argument,
  so anything ``git diff`` takes works: a branch (``origin/main``), a commit, or
  ``origin/main...HEAD`` for "what this branch changed since it left main" (a
  commit-to-commit comparison that leaves out uncommitted edits).
* A line counts as changed when the diff adds it (context and deleted lines do not);
  a file git reports as renamed without edits has no changed lines.
* Untracked files that are not ignored (``git ls-files --others --exclude-standard``)
  count as changed on every line.

A finding is kept when its **start line** is a changed line, the line code review tools
(and GitHub's pull request annotations) anchor it to.

A REF git does not know, or a root outside any git checkout, is a fatal error (exit 2).
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..findings import Finding

_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


class DiffError(Exception):
    """git could not produce the diff (exit 2)."""


@dataclass
class ChangedLines:
    """Changed lines per real absolute path; a path in `whole` changed entirely."""

    lines: dict[str, set[int]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)

    def changed(self, path: str, line: int) -> bool:
        return path in self.whole or line in self.lines.get(path, ())


def _git(cwd: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise DiffError("--diff needs git, which is not on PATH") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        first = next((line for line in message if line.strip()), f"git {args[0]} failed")
        raise DiffError(f"--diff: git {args[0]} failed in {cwd}: {first.removeprefix('fatal: ')}")
    return proc.stdout


def unquote_path(raw: bytes) -> str:
    """A path as git prints it in a diff header: plain, or C-quoted when it holds
    special characters ("a\\tb", octal escapes for non-UTF-8 or control bytes)."""
    if not raw.startswith(b'"'):
        return raw.decode("utf-8", "surrogateescape")
    body = raw[1:-1] if raw.endswith(b'"') else raw[1:]
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == 0x5C and i + 1 < len(body):  # backslash
            nxt = chr(body[i + 1])
            if nxt in "01234567":
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out.append(ch)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def parse_diff(data: bytes) -> dict[str, set[int]]:
    """Added line numbers (new side) per path from `git diff --unified=0` output
    produced with `--dst-prefix=b/`. Paths are as git prints them (repository-relative)."""
    result: dict[str, set[int]] = {}
    current: Optional[str] = None
    pending = 0  # hunk body lines still to skip (so "+++"-looking content is not a header)
    for line in data.split(b"\n"):
        if pending:
            if line[:1] in (b"+", b"-", b" "):
                pending -= 1
                continue
            if line.startswith(b"\\"):  # "\ No newline at end of file"
                continue
            pending = 0
        if line.startswith(b"diff --git "):
            current = None
        elif line.startswith(b"+++ "):
            target = line[4:].rstrip(b"\r")
            if target == b"/dev/null":
                current = None
            else:
                path = unquote_path(target)
                current = path[2:] if path.startswith("b/") else path
                result.setdefault(current, set())
        elif line.startswith(b"@@ ") and current is not None:
            m = _HUNK.match(line.decode("ascii", "replace"))
            if not m:
                continue
            old_count = int(m.group(1)) if m.group(1) is not None else 1
            start = int(m.group(2))
            count = int(m.group(3)) if m.group(3) is not None else 1
            result[current].update(range(start, start + count))
            pending = old_count + count
    return result


def _toplevel(directory: Path) -> Path:
    out = _git(directory, "rev-parse", "--show-toplevel")
    return Path(os.fsdecode(out.strip()))


def changed_lines(directories: Iterable[Path], ref: str) -> ChangedLines:
    """The lines changed since `ref` in the checkouts holding `directories`."""
    changed = ChangedLines()
    done: set[str] = set()
    for directory in directories:
        top = _toplevel(directory)
        top_real = os.path.realpath(top)
        if top_real in done:
            continue
        done.add(top_real)
        diff = _git(top, "diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv",
                    "--src-prefix=a/", "--dst-prefix=b/", ref, "--")
        for rel, lines in parse_diff(diff).items():
            changed.lines.setdefault(os.path.join(top_real, rel), set()).update(lines)
        untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
        for rel in untracked.split(b"\0"):
            if rel:
                changed.whole.add(os.path.join(top_real, os.fsdecode(rel)))
    return changed


def scan_roots(paths: Sequence[Path], cwd: Optional[Path] = None) -> list[Path]:
    """The folders the findings' relative paths can be relative to: each directory
    argument, and for a file argument the working directory when the file lies under
    it, else the file's folder (the rule discover.py applies)."""
    cwd = Path(cwd or os.getcwd()).absolute()
    roots: list[Path] = []
    for p in paths or [Path(".")]:
        absolute = (cwd / p).absolute()
        if absolute.is_dir():
            root = absolute
        elif _is_under(absolute, cwd):
            root = cwd
        else:
            root = absolute.parent
        if root not in roots:
            roots.append(root)
    return roots


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def filter_findings(findings: Sequence[Finding], roots: Sequence[Path], changed: ChangedLines) -> list[Finding]:
    """The findings whose start line changed, trying each root for the relative path."""
    real_roots = [os.path.realpath(r) for r in roots]
    kept = []
    for f in findings:
        parts = f.location.path.split("/")
        if any(changed.changed(os.path.realpath(os.path.join(root, *parts)), f.location.line) for root in real_roots):
            kept.append(f)
    return kept


def filter_to_diff(findings: Sequence[Finding], paths: Sequence[Path], ref: str) -> list[Finding]:
    """`findings` of a scan over `paths` reduced to those on lines changed since `ref`."""
    cwd = Path(os.getcwd())
    folders = [(cwd / p) if (cwd / p).is_dir() else (cwd / p).parent for p in (paths or [Path(".")])]
    return filter_findings(findings, scan_roots(paths, cwd), changed_lines(folders, ref))
