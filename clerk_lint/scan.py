"""Run the whole pipeline: discover -> read -> analyze each file -> one sorted ScanResult."""
from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from . import suppressions
from .catalog import Catalog
from .discover import Candidate, discover
from .findings import FileProblem, Finding, ScanResult
from .fingerprints import line_hashes
from .source import read_source

# language -> module (in this package) exposing
#   analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context) -> FileAnalysis
# Modules are imported on first use so a scan only loads the grammars it needs.
ANALYZERS: dict[str, str] = {
    "javascript": "js_analyzer",
    "typescript": "js_analyzer",
    "tsx": "js_analyzer",
}


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


def _analyzer(language: str):
    name = ANALYZERS.get(language)
    return importlib.import_module(f".{name}", __package__) if name else None


def scan_file(candidate: Candidate, catalog: Catalog, options: ScanOptions,
              context: object = None) -> tuple[list[Finding], list[FileProblem]]:
    analyzer = _analyzer(candidate.language)
    if analyzer is None:
        return [], []
    source, problem = read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
    problems = [problem] if problem is not None else []
    if source is None:
        return [], problems
    analysis = analyzer.analyze(source, candidate, catalog, context)
    findings = suppressions.apply(_with_line_hashes(analysis.findings, source.text), source.text)
    return findings, problems + analysis.problems


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
