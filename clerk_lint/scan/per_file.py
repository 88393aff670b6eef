"""One file through its reader, guarded: read, byte test, analyze, then post-process (line
hashes, suppressions, redaction). Used by the driver and by the worker processes alike."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

from .. import time_budget
from ..concepts import secrets
from ..concepts.catalog import Catalog
from ..discover.kinds import Candidate
from ..filters import suppressions
from ..findings import FileAnalysis, FileProblem, Finding
from ..readers import readers_for
from ..readers.source import SourceText, clip_line, decode_source, is_plain_ascii, read_bytes
from .fingerprints import hashes_of_lines


@dataclass(frozen=True)
class ScanOptions:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = 2_000_000
    follow_symlinks: bool = False
    default_excludes: bool = True  # skip node_modules, dist, generated build/out/vendor ... (discover/kinds.py)
    jobs: Optional[int] = 1  # worker processes for the per-file pass; None or 0: automatic (parallel.py)
    cache_dir: Optional[str] = None  # reuse per-file results across runs (cache.py)
    file_time_budget: Optional[float] = time_budget.DEFAULT_SECONDS  # seconds per file; None: no limit
    # GitHub's line hash of each finding (Finding.line_hash), which only SARIF reports carry
    # and a cache keeps: 3% of a scan's time where nothing shows it.
    line_hashes: bool = True


def with_line_hashes(findings: list[Finding], text: str) -> list[Finding]:
    if not findings:
        return findings
    hashes = hashes_of_lines(text, {f.location.line for f in findings})
    return [dataclasses.replace(f, line_hash=hashes.get(f.location.line, "")) for f in findings]


def internal_error(path: str, exc: Exception, where: str = "") -> FileProblem:
    """A bug met on one file, as one line: the exception's type and message, no traceback."""
    # A RecursionError's own message depends on the stack depth it hit: keep reports reproducible.
    message = "nested too deep" if isinstance(exc, RecursionError) else " ".join(str(exc).split())[:200]
    return FileProblem(path, f"internal error{where}: {type(exc).__name__}" + (f": {message}" if message else ""),
                       "internal-error")


def analyze_safely(analyzer, source: SourceText, candidate: Candidate, catalog: Catalog, context) -> FileAnalysis:
    try:
        with time_budget.per_file():
            return analyzer.analyze(source, candidate, catalog, context)
    except time_budget.OverBudget:  # a reader that could not keep its findings so far
        return FileAnalysis(problems=[FileProblem(candidate.relpath, time_budget.reason(), time_budget.KIND,
                                                  partial=True)])
    except Exception as exc:  # a bug met on one file must not end the run or lose the others
        return FileAnalysis(problems=[internal_error(candidate.relpath, exc)])


def _clipped(finding: Finding) -> Finding:
    line = clip_line(finding.location.source_line, finding.location.column)
    if line == finding.location.source_line:
        return finding
    return dataclasses.replace(finding, location=dataclasses.replace(finding.location, source_line=line))


def one_per_line(findings: list[Finding]) -> list[Finding]:
    """One finding per rule, line and what it says (`req.auth` and `req.auth()` are one): two
    reads of `user.publicMetadata` or `req.auth.userId && req.auth.orgId` on a line are one change
    there; three role keys or two env variables, whose messages name each, stay apart. The
    leftmost is kept."""
    kept: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.code, f.location.path, f.location.line, f.via, f.message.replace("()", ""))
        held = kept.get(key)
        if held is None or f.location.column < held.location.column:
            kept[key] = f
    if len(kept) == len(findings):
        return findings
    chosen = {id(f) for f in kept.values()}
    return [f for f in findings if id(f) in chosen]


def finish(analysis: FileAnalysis, source: SourceText, problems: list[FileProblem],
           line_hashes: bool = True) -> tuple[list[Finding], list[FileProblem]]:
    """Per-file post-processing once the analysis is final: repeats, fingerprints, suppressions."""
    findings = one_per_line(analysis.findings)
    if line_hashes:
        findings = with_line_hashes(findings, source.text)
    findings = suppressions.apply(findings, source.text)
    lines = source.text.split("\n") if findings else []
    findings = [secrets.redact_finding(f, lines) for f in findings]  # no report may repeat a secret
    findings = [_clipped(f) for f in findings]  # after redaction: a clipped secret would escape it
    return findings, merge_problems(problems + analysis.problems)


def scan_file(candidate: Candidate, catalog: Catalog, options: ScanOptions,
              context: object = None, extras: Optional[list] = None) -> tuple[list[Finding], list[FileProblem]]:
    """(findings, problems) of one file; `extras`, when given, receives the analysis' module
    summary and Clerk-id writes (summary, id_writes) for the project passes."""
    readers = readers_for(candidate.language)
    if not readers:
        return [], []
    problems: list[FileProblem] = []
    try:
        raw, problem = read_bytes(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
        if raw is not None and is_plain_ascii(raw):
            # each reader's own first test, on bytes: nothing to decode for a reader that says no
            readers = [r for r in readers if getattr(r, "may_matter", None) is None or r.may_matter(raw)]
            if not readers:
                return [], []
        source, problem = decode_source(raw, candidate.relpath) if raw is not None else (None, problem)
        problems += [problem] if problem is not None else []
        if source is None:
            return [], problems
        analysis = FileAnalysis()
        for reader in readers:
            part = analyze_safely(reader, source, candidate, catalog, context)
            analysis.findings.extend(part.findings)
            analysis.problems.extend(part.problems)
            if extras is not None and (part.summary or part.id_writes):
                extras.append((part.summary, list(part.id_writes)))
        return finish(analysis, source, problems, options.line_hashes)
    except Exception as exc:  # reading or post-processing; same rule as _analyze
        return [], merge_problems(problems + [internal_error(candidate.relpath, exc)])


def merge_problems(problems: list[FileProblem]) -> list[FileProblem]:
    """One problem per file: several (say undecodable bytes and then syntax errors) are
    joined, keeping the kind of the first that stopped the scan, else of the first."""
    by_path: dict[str, list[FileProblem]] = {}
    for p in problems:
        by_path.setdefault(p.path, []).append(p)
    merged = []
    for path, group in by_path.items():
        if len(group) == 1:
            merged.append(group[0])
            continue
        reasons = list(dict.fromkeys(p.reason for p in group))
        kind = next((p.kind for p in group if not p.partial), group[0].kind)
        merged.append(FileProblem(path, "; ".join(reasons), kind, partial=all(p.partial for p in group)))
    return merged
