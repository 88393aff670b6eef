"""Run the whole pipeline: discover -> read -> analyze each file -> one sorted ScanResult."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from .. import progress, time_budget
from ..concepts.catalog import Catalog
from ..concepts.clerk_ids import CONVEX_CLERK_CODES
from ..discover.kinds import Candidate
from ..discover.walk import discover
from ..discover.workspaces import package_folders
from ..findings import FileAnalysis, ScanResult
from ..readers import in_project
from ..readers.source import SourceText, read_source
from .per_file import ScanOptions, analyze_safely, finish, internal_error, merge_problems, scan_file



def _scan_js_project(candidates: list[Candidate], catalog: Catalog, options: ScanOptions,
                     result: ScanResult, first: Optional[dict] = None, run_round=None, project=None) -> list:
    """The JS/TS family is analyzed as a project, so wrappers in the app's own modules are followed.
    Returns the Clerk ids the files write into table columns (StoredIdWrite)."""
    from ..resolve.crossfile import analyze_project

    def read(candidate: Candidate):
        return read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)

    def analyze(candidate: Candidate, source: SourceText, context) -> FileAnalysis:
        from ..readers.ecma import analyzer as js_analyzer  # loaded only when a file needs the parser

        return analyze_safely(js_analyzer, source, candidate, catalog, context)

    try:
        outcomes = analyze_project(candidates, catalog, read, analyze, first, options.max_bytes, run_round, project)
    except Exception as exc:  # a bug in the project pass: fall back to one file at a time
        result.problems.append(internal_error(".", exc, " in the cross-file pass"))
        for candidate in candidates:
            findings, problems = scan_file(candidate, catalog, options)
            result.findings.extend(findings)
            result.problems.extend(problems)
        return []
    writes: list = []
    finished = getattr(first, "finished", {})
    for candidate in candidates:
        key = str(candidate.path)
        analysis, problems = outcomes[key]
        writes.extend(analysis.id_writes)
        try:
            if key in finished and analysis is finished[key][0]:  # post-processed where it was analyzed
                findings, problems = finished[key][1]
            elif analysis.findings:
                source, problem = read(candidate)  # read again: it may have changed or gone since
                if source is None:
                    findings, problems = [], merge_problems(problems + [problem])
                else:
                    findings, problems = finish(analysis, source, problems)
            else:
                findings, problems = [], merge_problems(problems + analysis.problems)
        except Exception as exc:
            findings, problems = [], merge_problems(problems + [internal_error(candidate.relpath, exc)])
        result.findings.extend(findings)
        result.problems.extend(problems)
    return writes


def _stored_id_columns(writes: list, candidates: list[Candidate], catalog: Catalog, options: ScanOptions,
                       result: ScanResult, project=None) -> None:
    """The declarations of the columns code fills with Clerk ids (resolve/stored_ids.py)."""
    from ..resolve.stored_ids import declaration_findings

    def read(candidate: Candidate):
        return read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)

    # Convex's identity holds Clerk's user id only where Convex takes Clerk's tokens.
    if not any(f.code in CONVEX_CLERK_CODES for f in result.findings):
        writes = [w for w in writes if w.source != "convex-identity"]
    def resolve(importer: str, specifier: str):
        target = project.resolver.resolve(Path(importer), specifier) if project is not None else None
        return str(target) if target is not None else None

    try:
        for candidate, source, analysis in declaration_findings(writes, candidates, catalog, read, resolve):
            findings, problems = finish(analysis, source, [])
            result.findings.extend(findings)
    except Exception as exc:  # a bug here must not cost the findings of the scan
        result.problems.append(internal_error(".", exc, " in the stored-ids pass"))


def run_scan(paths: Sequence[Path], catalog: Catalog, options: ScanOptions = ScanOptions()) -> ScanResult:
    time_budget.set_limit(options.file_time_budget)
    with progress.phase("finding files"):
        candidates, problems = discover(paths, include=options.include, exclude=options.exclude,
                                        follow_symlinks=options.follow_symlinks)
    result = ScanResult(root=".", problems=list(problems))
    from .parallel import Session

    js_family = [c for c in candidates if in_project(c.language)]
    project = None
    if js_family:
        from ..resolve.crossfile import Project

        project = Project(js_family, catalog)

    packages: list = []
    writes: list = []

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
            with progress.phase("cross-file pass"):
                writes = _scan_js_project(js_family, catalog, options, result, first, session.run_round, project)
    for candidate in candidates:
        if not in_project(candidate.language):
            findings, file_problems = first.get(str(candidate.path), ([], []))
            result.findings.extend(findings)
            result.problems.extend(file_problems)
    if writes:
        _stored_id_columns(writes, candidates, catalog, options, result, project)
    result.files_scanned = len(candidates)
    result.packages = packages[0] if packages else package_folders(candidates)
    return result.sorted()
