"""Run the whole pipeline: discover -> read -> analyze each file -> one sorted ScanResult."""
from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from . import secrets, suppressions
from .catalog import Catalog
from .discover import Candidate, discover
from .findings import FileAnalysis, FileProblem, Finding, ScanResult
from .fingerprints import hashes_of_lines
from .source import SourceText, clip_line, decode_source, is_plain_ascii, read_bytes, read_source
from .workspaces import package_folders

# language -> module (in this package) exposing
#   analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context) -> FileAnalysis
# Modules are imported on first use so a scan only loads the grammars it needs.
ANALYZERS: dict[str, str] = {
    "javascript": "js_analyzer",
    "typescript": "js_analyzer",
    "tsx": "js_analyzer",
    "vue": "sfc_analyzer",
    "astro": "sfc_analyzer",
    "svelte": "sfc_analyzer",
    "python": "py_analyzer",
    "package-json": "manifest_analyzer",
    "requirements": "manifest_analyzer",
    "pyproject": "manifest_analyzer",
    "pipfile": "manifest_analyzer",
    "dotenv": "env_analyzer",
    "prisma": "schema_analyzer",
    "sql": "schema_analyzer",
    "json-config": "config_analyzer",
    "toml-config": "config_analyzer",
    "github-actions": "deploy_env_analyzer",
    "gitlab-ci": "deploy_env_analyzer",
    "docker-compose": "deploy_env_analyzer",
    "dockerfile": "deploy_env_analyzer",
    "render-yaml": "deploy_env_analyzer",
    "fly-toml": "deploy_env_analyzer",
}


@dataclass(frozen=True)
class ScanOptions:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = 2_000_000
    follow_symlinks: bool = False
    jobs: Optional[int] = 1  # worker processes for the per-file pass; None or 0: automatic (parallel.py)
    cache_dir: Optional[str] = None  # reuse per-file results across runs (cache.py)
    progress: bool = False  # "scanned n/N files" on stderr for long scans, when it is a terminal


def _with_line_hashes(findings: list[Finding], text: str) -> list[Finding]:
    if not findings:
        return findings
    hashes = hashes_of_lines(text, {f.location.line for f in findings})
    return [dataclasses.replace(f, line_hash=hashes.get(f.location.line, "")) for f in findings]


def _analyzer(language: str):
    name = ANALYZERS.get(language)
    return importlib.import_module(f".{name}", __package__) if name else None


def _internal_error(path: str, exc: Exception, where: str = "") -> FileProblem:
    """A bug met on one file, as one line: the exception's type and message, no traceback."""
    # A RecursionError's own message depends on the stack depth it hit: keep reports reproducible.
    message = "nested too deep" if isinstance(exc, RecursionError) else " ".join(str(exc).split())[:200]
    return FileProblem(path, f"internal error{where}: {type(exc).__name__}" + (f": {message}" if message else ""),
                       "internal-error")


def _analyze(analyzer, source: SourceText, candidate: Candidate, catalog: Catalog, context) -> FileAnalysis:
    try:
        return analyzer.analyze(source, candidate, catalog, context)
    except Exception as exc:  # a bug met on one file must not end the run or lose the others
        return FileAnalysis(problems=[_internal_error(candidate.relpath, exc)])


def _clipped(finding: Finding) -> Finding:
    line = clip_line(finding.location.source_line, finding.location.column)
    if line == finding.location.source_line:
        return finding
    return dataclasses.replace(finding, location=dataclasses.replace(finding.location, source_line=line))


def _finish(analysis: FileAnalysis, source: SourceText, problems: list[FileProblem]) -> tuple[list[Finding], list[FileProblem]]:
    """Per-file post-processing once the analysis is final: fingerprints, suppressions."""
    findings = suppressions.apply(_with_line_hashes(analysis.findings, source.text), source.text)
    findings = [secrets.redact_finding(f) for f in findings]  # no report may repeat a secret
    findings = [_clipped(f) for f in findings]  # after redaction: a clipped secret would escape it
    return findings, merge_problems(problems + analysis.problems)


def scan_file(candidate: Candidate, catalog: Catalog, options: ScanOptions,
              context: object = None) -> tuple[list[Finding], list[FileProblem]]:
    analyzer = _analyzer(candidate.language)
    if analyzer is None:
        return [], []
    problems: list[FileProblem] = []
    try:
        raw, problem = read_bytes(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
        may_matter = getattr(analyzer, "may_matter", None)  # the analyzer's own first test, on bytes
        if raw is not None and may_matter is not None and is_plain_ascii(raw) and not may_matter(raw):
            return [], []  # nothing to decode, nothing the analyzer could report
        source, problem = decode_source(raw, candidate.relpath) if raw is not None else (None, problem)
        problems += [problem] if problem is not None else []
        if source is None:
            return [], problems
        return _finish(_analyze(analyzer, source, candidate, catalog, context), source, problems)
    except Exception as exc:  # reading or post-processing; same rule as _analyze
        return [], merge_problems(problems + [_internal_error(candidate.relpath, exc)])


def _scan_js_project(candidates: list[Candidate], catalog: Catalog, options: ScanOptions,
                     result: ScanResult, first: Optional[dict] = None, run_round=None, project=None) -> None:
    """The JS/TS family is analyzed as a project, so wrappers in the app's own modules are followed."""
    from .crossfile import analyze_project

    def read(candidate: Candidate):
        return read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)

    def analyze(candidate: Candidate, source: SourceText, context) -> FileAnalysis:
        from . import js_analyzer  # loaded only when a file needs the parser

        return _analyze(js_analyzer, source, candidate, catalog, context)

    try:
        outcomes = analyze_project(candidates, catalog, read, analyze, first, options.max_bytes, run_round, project)
    except Exception as exc:  # a bug in the project pass: fall back to one file at a time
        result.problems.append(_internal_error(".", exc, " in the cross-file pass"))
        for candidate in candidates:
            findings, problems = scan_file(candidate, catalog, options)
            result.findings.extend(findings)
            result.problems.extend(problems)
        return
    finished = getattr(first, "finished", {})
    for candidate in candidates:
        key = str(candidate.path)
        analysis, problems = outcomes[key]
        try:
            if key in finished and analysis is finished[key][0]:  # post-processed where it was analyzed
                findings, problems = finished[key][1]
            elif analysis.findings:
                source, problem = read(candidate)  # read again: it may have changed or gone since
                if source is None:
                    findings, problems = [], merge_problems(problems + [problem])
                else:
                    findings, problems = _finish(analysis, source, problems)
            else:
                findings, problems = [], merge_problems(problems + analysis.problems)
        except Exception as exc:
            findings, problems = [], merge_problems(problems + [_internal_error(candidate.relpath, exc)])
        result.findings.extend(findings)
        result.problems.extend(problems)


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


def run_scan(paths: Sequence[Path], catalog: Catalog, options: ScanOptions = ScanOptions()) -> ScanResult:
    candidates, problems = discover(paths, include=options.include, exclude=options.exclude,
                                    follow_symlinks=options.follow_symlinks)
    result = ScanResult(root=".", problems=list(problems))
    from .parallel import Session

    js_family = [c for c in candidates if ANALYZERS.get(c.language) == "js_analyzer"]
    project = None
    if js_family:
        from .crossfile import Project

        project = Project(js_family, catalog)

    packages: list = []

    def meanwhile() -> None:
        """The parent's own one-off work, done while the workers run the per-file pass."""
        packages.append(package_folders(candidates))
        if project is not None:
            try:
                project.prepare()
            except Exception:  # it runs again when needed, inside the project pass's guard
                pass

    with Session(candidates, catalog, options, project) as session:  # worker processes, when worth it
        first = session.first_pass(meanwhile)  # per-file work
        if js_family:
            _scan_js_project(js_family, catalog, options, result, first, session.run_round, project)
    for candidate in candidates:
        if ANALYZERS.get(candidate.language) != "js_analyzer":
            findings, file_problems = first.get(str(candidate.path), ([], []))
            result.findings.extend(findings)
            result.problems.extend(file_problems)
    result.files_scanned = len(candidates)
    result.packages = packages[0] if packages else package_folders(candidates)
    return result.sorted()
