"""The per-file part of a scan, in worker processes for large scans, and the progress line.

Most of a scan is per file: read it, apply the byte prefilter, analyze it on its own. For
the JS/TS family that is round 1 of the cross-file pass (``crossfile.first_round``, which
sees no other module's summary); every other analyzer is per file anyway. ``first_pass``
runs that part over all candidates, in chunks on a process pool when ``jobs`` > 1, and
returns the outcomes by path; the later cross-file rounds and the sorting stay in the
parent. The outcome of a file does not depend on which process computed it, so the report
is byte-identical whatever the number of workers.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Optional, Sequence, TextIO

from .discover import Candidate

# Automatic --jobs: one process below this many files (starting workers, which each load
# the grammars and compile the queries they need, costs more than it saves on small trees).
PARALLEL_MIN_FILES = 1500
CHUNK_FILES = 48  # files per task: small enough to balance, large enough to amortise IPC
PROGRESS_MIN_FILES = 500
PROGRESS_INTERVAL = 0.2  # seconds between progress line updates

# In a worker: (candidates, catalog, options, project() maker, cache or None), set by _init.
_STATE: Optional[tuple] = None


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def effective_jobs(requested: Optional[int], n_files: int) -> int:
    """``requested`` workers (None or 0: automatic), never more than there are chunks."""
    if requested is None or requested <= 0:
        jobs = available_cpus() if n_files >= PARALLEL_MIN_FILES else 1
    else:
        jobs = requested
    return max(1, min(jobs, -(-n_files // CHUNK_FILES)))


class Progress:
    """One updating stderr line, "scanned 1234/20000 files", for long scans on a terminal."""

    def __init__(self, total: int, stream: Optional[TextIO] = None, enabled: bool = True):
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.active = bool(enabled and total > PROGRESS_MIN_FILES and _isatty(self.stream))
        self.last = 0.0
        self.shown = False

    def update(self, done: int) -> None:
        if not self.active:
            return
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL and done < self.total:
            return
        self.last = now
        self.stream.write(f"\rscanned {done}/{self.total} files")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")  # erase the line: the report starts clean
            self.stream.flush()
            self.shown = False


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --------------------------------------------------------------------------- per file


class FirstPass(dict):
    """path -> outcome: for the JS family round 1's (analysis or None, read problems), else
    scan_file's (findings, problems). ``finished``: path -> (findings, problems) of a JS
    file's round-1 analysis already post-processed (line hashes, suppressions) where it ran,
    for the files no later round analyzes again (their analysis keeps no findings here)."""

    def __init__(self):
        super().__init__()
        self.finished: dict[str, tuple] = {}

    def add(self, path: str, outcome: tuple) -> None:
        if len(outcome) == 3:  # JS: (analysis, problems, finished or None)
            analysis, problems, finished = outcome
            self[path] = (analysis, problems)
            if finished is not None:
                self.finished[path] = finished
        else:
            self[path] = outcome


def _outcome(candidate: Candidate, catalog, options, project, cache=None):
    """What the parent needs about one file (see FirstPass); None when there is nothing."""
    from . import scan

    if scan.ANALYZERS.get(candidate.language) == "js_analyzer":
        import dataclasses

        from .prefilter import mentions_clerk
        from .source import read_source

        source, problem = read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
        if source is None or not mentions_clerk(source.data):  # crossfile.first_round's test, before any import
            return (None, [problem], None) if problem is not None else None
        from . import crossfile, js_analyzer

        def read(c: Candidate):
            return source, problem

        def analyze(c: Candidate, source, context):
            return scan._analyze(js_analyzer, source, c, catalog, context)

        def analyze_cached(c: Candidate, source, context):
            return cache.js_analysis(c, source, context, analyze)

        analysis, problems = crossfile.first_round(project(), candidate, read,
                                                   analyze if cache is None else analyze_cached)
        finished = None
        if analysis is not None and analysis.findings:
            try:
                finished = scan._finish(analysis, source, problems)
                analysis = dataclasses.replace(analysis, findings=[])
            except Exception:  # the parent finishes it again and reports the error as usual
                finished = None
        return (analysis, problems, finished) if analysis is not None or problems else None
    if cache is not None and candidate.language == "python" and _worth_caching(candidate, options):
        findings, problems = cache.file_result(candidate, options.max_bytes,
                                               lambda: scan.scan_file(candidate, catalog, options))
    else:
        findings, problems = scan.scan_file(candidate, catalog, options)
    return (findings, problems) if findings or problems else None


def _worth_caching(candidate: Candidate, options) -> bool:
    """Only files past the Python analyzer's own byte test cost enough to cache."""
    from .py_analyzer import MARKERS

    try:
        with open(candidate.path, "rb") as fh:
            return MARKERS.search(fh.read(options.max_bytes + 1)) is not None
    except OSError:
        return False


def _js_project(candidates: Sequence[Candidate], catalog):
    """A function returning the JS family's crossfile.Project, made on first use."""
    made: list = []

    def project():
        if not made:
            from . import scan
            from .crossfile import Project

            made.append(Project([c for c in candidates if scan.ANALYZERS.get(c.language) == "js_analyzer"], catalog))
        return made[0]

    return project


def _init(candidates: Sequence[Candidate], catalog, options, cache) -> None:
    global _STATE
    _STATE = (candidates, catalog, options, _js_project(candidates, catalog), cache)


def _work(bounds: tuple[int, int]) -> list[tuple[int, object]]:
    candidates, catalog, options, project, cache = _STATE  # type: ignore[misc]
    out = []
    for i in range(*bounds):
        outcome = _outcome(candidates[i], catalog, options, project, cache)
        if outcome is not None:
            out.append((i, outcome))
    return out


# --------------------------------------------------------------------------- entry


def first_pass(candidates: Sequence[Candidate], catalog, options) -> FirstPass:
    """The outcome of every candidate that has one (see FirstPass)."""
    n = len(candidates)
    jobs = effective_jobs(getattr(options, "jobs", None), n)
    progress = Progress(n, enabled=getattr(options, "progress", False))
    cache = None
    if getattr(options, "cache_dir", None):
        from .cache import Cache

        cache = Cache(options.cache_dir)
    try:
        if jobs > 1:
            try:
                pairs = _parallel(candidates, catalog, options, jobs, progress, cache)
            except (OSError, NotImplementedError, ImportError, RuntimeError):
                pairs = None  # no process pool here (sandbox, no semaphores): one process
            if pairs is not None:
                results = FirstPass()
                for i, outcome in pairs:
                    results.add(str(candidates[i].path), outcome)
                return results
        project = _js_project(candidates, catalog)
        results = FirstPass()
        for i, candidate in enumerate(candidates):
            outcome = _outcome(candidate, catalog, options, project, cache)
            if outcome is not None:
                results.add(str(candidate.path), outcome)
            progress.update(i + 1)
        return results
    finally:
        progress.close()


def _parallel(candidates, catalog, options, jobs: int, progress: Progress, cache):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # fork: workers start with the parent's modules loaded and nothing to pickle up front.
    # Elsewhere (macOS, Windows) the platform default, spawn, pickles the arguments once.
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    n = len(candidates)
    chunks = [(a, min(a + CHUNK_FILES, n)) for a in range(0, n, CHUNK_FILES)]
    pairs: list[tuple[int, object]] = []
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init,
                                 initargs=(list(candidates), catalog, options, cache)) as pool:
            futures = {pool.submit(_work, chunk): chunk for chunk in chunks}
            for future in as_completed(futures):
                pairs.extend(future.result())
                a, b = futures[future]
                done += b - a
                progress.update(done)
    except BrokenProcessPool:
        return None  # a worker died (out of memory, a crash in a parser): redo in one process
    pairs.sort(key=lambda pair: pair[0])
    return pairs
