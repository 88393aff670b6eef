"""Run the whole pipeline: discover -> read -> analyze each file -> one sorted ScanResult."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .catalog import Catalog
from .discover import Candidate, discover
from .findings import FileProblem, Finding, ScanResult
from .fingerprints import line_hashes
from .js_analyzer import analyze_js
from .source import LineIndex, read_source

JS_FAMILY = frozenset({"javascript", "typescript", "tsx"})
# Cheap byte-level test before parsing: a file that never says "clerk" or "svix"
# cannot import a Clerk module.
_MARKERS = re.compile(rb"clerk|svix", re.IGNORECASE)


@dataclass(frozen=True)
class ScanOptions:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = 2_000_000
    follow_symlinks: bool = False


def _with_line_hashes(findings: list[Finding], text: str) -> list[Finding]:
    if not findings:
        return findings
    hashes = line_hashes(text)
    return [dataclasses.replace(f, line_hash=hashes[f.location.line - 1] if f.location.line <= len(hashes) else "")
            for f in findings]


def scan_file(candidate: Candidate, catalog: Catalog, options: ScanOptions) -> tuple[list[Finding], list[FileProblem]]:
    source, problem = read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
    problems = [problem] if problem is not None else []
    if source is None:
        return [], problems
    if candidate.language in JS_FAMILY:
        if not _MARKERS.search(source.data):
            return [], problems
        index = LineIndex(source)
        analysis = analyze_js(source.data, candidate.relpath, candidate.language, catalog,
                              lambda relpath: index.locator(relpath))
        return _with_line_hashes(analysis.findings, source.text), problems + analysis.problems
    return [], problems


def run_scan(paths: Sequence[Path], catalog: Catalog, options: ScanOptions = ScanOptions()) -> ScanResult:
    candidates, problems = discover(paths, include=options.include, exclude=options.exclude,
                                    follow_symlinks=options.follow_symlinks)
    result = ScanResult(root=".", problems=list(problems))
    for candidate in candidates:
        findings, file_problems = scan_file(candidate, catalog, options)
        result.findings.extend(findings)
        result.problems.extend(file_problems)
        result.files_scanned += 1
    return result.sorted()
