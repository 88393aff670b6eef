"""Run the whole pipeline: discover -> read -> analyze each file -> one sorted ScanResult."""
from __future__ import annotations

import dataclasses
import gc
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Sequence

from .. import progress, time_budget
from ..concepts.catalog import Catalog
from ..concepts.clerk_ids import CONVEX_CLERK_CODES
from ..discover.kinds import Candidate, DiscoveryStats
from ..discover.walk import discover, holds_files
from ..discover.workspaces import package_folders
from ..findings import FileAnalysis, FileProblem, ScanResult
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
                    findings, problems = finish(analysis, source, problems, options.line_hashes)
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
            findings, problems = finish(analysis, source, [], options.line_hashes)
            result.findings.extend(findings)
    except Exception as exc:  # a bug here must not cost the findings of the scan
        result.problems.append(internal_error(".", exc, " in the stored-ids pass"))


def _config_problems(project, js_family: list[Candidate]) -> list[FileProblem]:
    """tsconfig problems met while resolving (an `extends` cycle), by the config's path under its root."""
    try:
        found = project.config_problems()
    except Exception as exc:  # a bug here must not cost the findings of the scan
        return [internal_error(".", exc, " reading tsconfig files")]
    roots = sorted({os.path.abspath(c.root) for c in js_family}, key=len, reverse=True)
    out = []
    for path, reason in found:
        root = next((r for r in roots if path.startswith(r.rstrip(os.sep) + os.sep)), None)
        rel = os.path.relpath(path, root).replace(os.sep, "/") if root else path
        out.append(FileProblem(rel, reason, "config"))
    return out


def nothing_scanned(paths: Sequence[Path], result: ScanResult, options: ScanOptions) -> str:
    """Why a scan that found no file to scan is not a clean result ('' when nothing is there)."""
    if not holds_files(paths):
        return ""
    why = [result.ignore_note()] if result.ignore_note() else []
    if result.problems:
        why.append(f"{len(result.problems)} skipped (see the warnings)")
    if options.include or options.exclude:
        why.append("--include / --exclude left the rest out")
    if not why:
        why.append("none is of a kind clerk-lint reads, or all are in folders skipped by default "
                   "(--no-default-excludes scans those)" if options.default_excludes
                   else "none is of a kind clerk-lint reads")
    where = ", ".join(str(p) for p in paths)
    return f"0 files scanned, but there are files under {where}: " + "; ".join(why)


class _NoWorkers(Exception):
    """The workers went away while the Python project pass ran beside the JS one."""


class _Beside(threading.Thread):
    """The Python project pass on a thread of its own while the JS cross-file pass runs: both
    hand their rounds to the same workers, which the parent's own part of each pass and the
    last task of a round would otherwise leave idle. Without workers it does not start: two
    analyses never run at once in one process (the time budget is per process)."""

    def __init__(self, work):
        super().__init__(name="clerk-lint-python-pass", daemon=True)  # (Ctrl-C does not wait for it)
        self.work, self.value, self.error = work, None, None

    def run(self) -> None:
        try:
            self.value = self.work()
        except BaseException as exc:  # handed to the caller of result()
            self.error = exc

    def result(self):
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


def _scan_python_project(python: list[Candidate], first: dict, catalog: Catalog, options: ScanOptions,
                         writes: list, result: ScanResult, session=None, workers_only: bool = False) -> dict:
    """Python files read again as a project (resolve/py_project.py): Clerk clients, auth wrappers
    and the data they return followed across modules. Returns path -> (findings, problems) of
    the files it read; adds the Clerk ids the files write into model columns to `writes`.
    `workers_only`: raise _NoWorkers rather than analyze here when the workers are gone."""
    from ..resolve.py_project import PyProject, analyze_python_project
    from ..readers.python.summary import UNRESOLVED
    from ..readers.source import read_bytes

    alone = getattr(first, "python", {})  # path -> (summary, writes) of files read alone
    # files with findings but nothing said alone (a cached result) are read in the first round
    start = [c for c in python if first.get(str(c.path), ([], []))[0] and str(c.path) not in alone]
    if not start and not alone:
        return {}
    sources: dict[str, SourceText] = {}

    def peek(candidate: Candidate):
        raw, _ = read_bytes(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
        return raw

    def analyze(candidate: Candidate, context):
        from ..readers.python import analyzer as py_analyzer

        source, _ = read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
        if source is None:
            return None
        sources[str(candidate.path)] = source
        return analyze_safely(py_analyzer, source, candidate, catalog, context)

    def on_workers(todo: list, summaries: dict):
        made = session.run_python_round(todo, summaries)
        if made is None and todo and workers_only:
            raise _NoWorkers()
        return made

    out: dict = {}
    project = PyProject(python)
    try:
        with progress.phase("python cross-module pass"):
            analyses = analyze_python_project(python, start, peek, analyze, project,
                                              seeds={k: v[0] for k, v in alone.items()},
                                              run_round=on_workers if session is not None else None)
    except _NoWorkers:
        raise
    except Exception as exc:  # a bug in the project pass: the per-file findings stand
        result.problems.append(internal_error(".", exc, " in the Python project pass"))
        return {}
    found = [w for key, (_, file_writes) in alone.items() if key not in analyses for w in file_writes]
    finished = session.python_finished if session is not None else {}
    for key, analysis in analyses.items():
        found.extend(analysis.id_writes)
        earlier = [p for p in first.get(key, ([], []))[1] if p.kind != "parse-partial"]
        if key in finished and finished[key][0] is analysis:  # post-processed on a worker
            findings, problems = finished[key][1]
            out[key] = (findings, merge_problems(earlier + problems))
            continue
        source = sources.get(key)
        if source is not None:
            out[key] = finish(analysis, source, earlier, options.line_hashes)
    by_relpath = {c.relpath: str(c.path) for c in python}
    for w in found:  # a model imported by a file read alone: the file declaring it
        if w.module.startswith(UNRESOLVED):
            importer = by_relpath.get(w.path)
            target = project.modules.resolve(importer, w.module[len(UNRESOLVED):]) if importer else None
            w = dataclasses.replace(w, module=target or "")
        writes.append(w)
    return out


# A scan keeps many objects to its end (trees while a file is read, analyses, findings, the
# workers' results); at the default thresholds (700, 10, 10) the cyclic collector traverses
# them again and again: 0.29 s of a 20,000-file scan in one process, 0.21 s in the parent of
# two workers, to free nothing (analyses make no reference cycles: tests/test_speed.py).
# Collections are made rarer while a scan runs, as mypy does for the same reason.
SCAN_GC_THRESHOLDS = (50_000, 20, 20)


@contextmanager
def fewer_collections():
    before = gc.get_threshold()
    gc.set_threshold(*SCAN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run_scan(paths: Sequence[Path], catalog: Catalog, options: ScanOptions = ScanOptions()) -> ScanResult:
    if options.cache_dir and not options.line_hashes:  # a cached result may serve a later SARIF report
        options = dataclasses.replace(options, line_hashes=True)
    with fewer_collections():
        return _run_scan(paths, catalog, options)


def _run_scan(paths: Sequence[Path], catalog: Catalog, options: ScanOptions) -> ScanResult:
    time_budget.set_limit(options.file_time_budget)
    with progress.phase("finding files"):
        stats = DiscoveryStats()
        candidates, problems = discover(paths, include=options.include, exclude=options.exclude,
                                        follow_symlinks=options.follow_symlinks,
                                        default_excludes=options.default_excludes, stats=stats)
    result = ScanResult(root=".", problems=list(problems), ignored_files=stats.ignored_files,
                        ignored_folders=stats.ignored_folders, covered_roots=list(stats.covered_roots))
    if not candidates:
        result.nothing_scanned = nothing_scanned(paths, result, options)
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
        packages.append(package_folders(candidates, stats.listed))
        if project is not None:
            try:
                project.prepare()
            except Exception:  # it runs again when needed, inside the project pass's guard
                pass

    python = [c for c in candidates if c.language == "python"]
    with Session(candidates, catalog, options, project) as session:  # worker processes, when worth it
        first = session.first_pass(meanwhile)  # per-file work
        beside, python_writes = None, []
        if python and js_family and session.pool is not None:
            beside = _Beside(lambda: _scan_python_project(python, first, catalog, options, python_writes, result,
                                                          session, workers_only=True))
            beside.start()
        if js_family:
            with progress.phase("cross-file pass"):
                writes = _scan_js_project(js_family, catalog, options, result, first, session.run_round, project)
        py_results: dict = {}
        if beside is not None:
            try:
                py_results = beside.result()
                writes.extend(python_writes)
            except _NoWorkers:  # again, here, now that the JS pass is done
                py_results = _scan_python_project(python, first, catalog, options, writes, result, session)
        elif python:
            py_results = _scan_python_project(python, first, catalog, options, writes, result, session)
    for candidate in candidates:
        if not in_project(candidate.language):
            findings, file_problems = py_results.get(str(candidate.path)) or first.get(str(candidate.path), ([], []))
            result.findings.extend(findings)
            result.problems.extend(file_problems)
    if writes:
        _stored_id_columns(writes, candidates, catalog, options, result, project)
    if project is not None:
        result.problems.extend(_config_problems(project, js_family))
    result.files_scanned = len(candidates)
    result.packages = packages[0] if packages else package_folders(candidates, stats.listed)
    return result.sorted()
