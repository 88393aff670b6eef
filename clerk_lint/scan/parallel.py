"""The per-file part of a scan, in worker processes for large scans.

Most of a scan is per file: read it, apply the byte prefilter, analyze it on its own. For
the JS/TS family that is round 1 of the cross-file pass (``crossfile.first_round``, which
sees no other module's summary); every other analyzer is per file anyway. ``Session.first_pass``
runs that part over all candidates, in chunks on a process pool when ``jobs`` > 1, and
returns the outcomes by path. The later cross-file rounds run on the same workers
(``Session.run_round``): each analyzes the files that may import a module whose summary
changed, against the summaries as they were when the round began. The parent only merges.
The outcome of a file does not depend on which process computed it, so the report is
byte-identical whatever the number of workers.
"""
from __future__ import annotations

import gc
import os
import sys
from typing import Callable, Optional, Sequence

from .. import progress as progress_line
from .. import time_budget
from ..discover.kinds import Candidate
from ..readers import in_project
from . import per_file

# Automatic --jobs: one process below this many files (starting workers, which each load
# the grammars and compile the queries they need, costs more than it saves on small trees).
PARALLEL_MIN_FILES = 1500
CHUNK_FILES = 48  # files per task: small enough to balance, large enough to amortise IPC
CLOSED_POLL = 0.5  # seconds a map waits on its tasks before it looks whether the pool was closed

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


# --------------------------------------------------------------------------- per file


class FirstPass(dict):
    """path -> outcome: for the JS family round 1's (analysis or None, read problems), else
    scan_file's (findings, problems). ``finished``: path -> (analysis, (findings, problems)):
    a JS analysis already post-processed (line hashes, suppressions) in the worker that made
    it; used while that analysis is the file's last (it keeps no findings of its own)."""

    def __init__(self):
        super().__init__()
        self.finished: dict[str, tuple] = {}
        self.python: dict[str, tuple] = {}  # path -> (summary, id_writes) of a Python file read alone

    def add(self, path: str, outcome: tuple) -> None:
        if len(outcome) == 4:  # Python: (findings, problems, module summary, Clerk-id writes)
            self[path] = outcome[:2]
            self.python[path] = (outcome[2], outcome[3])
        elif len(outcome) == 3:  # JS: (analysis, problems, finished or None)
            analysis, problems, finished = outcome
            self[path] = (analysis, problems)
            if finished is not None:
                self.finished[path] = (analysis, finished)
        else:
            self[path] = outcome


def _finished(analysis, source, problems, line_hashes: bool = True):
    """(analysis without its findings, post-processed (findings, problems)), or (analysis, None)."""
    import dataclasses

    if analysis is None or not analysis.findings:
        return analysis, None
    try:
        return dataclasses.replace(analysis, findings=[]), per_file.finish(analysis, source, problems, line_hashes)
    except Exception:  # the parent finishes it again and reports the error as usual
        return analysis, None


def _outcome(candidate: Candidate, catalog, options, project, cache=None):
    """What the parent needs about one file (see FirstPass); None when there is nothing."""
    if in_project(candidate.language):
        from ..resolve import crossfile  # light: the parsers load only for files that pass its byte test
        from ..readers.source import decode_source, is_plain_ascii, read_bytes

        raw, problem = read_bytes(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
        if raw is not None and is_plain_ascii(raw) and not crossfile.may_matter(candidate, raw):
            return None  # most files of a repo: nothing to decode, nothing to report
        source, problem = decode_source(raw, candidate.relpath) if raw is not None else (None, problem)
        if source is None or not crossfile.may_matter(candidate, source.data):
            return (None, [problem], None) if problem is not None else None
        from ..readers.ecma import analyzer as js_analyzer

        def read(c: Candidate):
            return source, problem

        def analyze(c: Candidate, source, context):
            return per_file.analyze_safely(js_analyzer, source, c, catalog, context)

        def analyze_cached(c: Candidate, source, context):
            return cache.js_analysis(c, source, context, analyze)

        analysis, problems = crossfile.first_round(project(), candidate, read,
                                                   analyze if cache is None else analyze_cached)
        analysis, finished = _finished(analysis, source, problems, options.line_hashes)
        return (analysis, problems, finished) if analysis is not None or problems else None
    if cache is not None and candidate.language == "python" and _worth_caching(candidate, options):
        findings, problems = cache.file_result(candidate, options.max_bytes,
                                               lambda: per_file.scan_file(candidate, catalog, options))
    else:
        extras: list = []
        findings, problems = per_file.scan_file(candidate, catalog, options, extras=extras)
        if extras:  # a Python module's summary and Clerk-id writes (resolve/py_project.py)
            return (findings, problems, extras[0][0], extras[0][1])
    return (findings, problems) if findings or problems else None


def _worth_caching(candidate: Candidate, options) -> bool:
    """Only files past the Python analyzer's own byte test cost enough to cache."""
    from ..readers.python.analyzer import MARKERS

    try:
        with open(candidate.path, "rb") as fh:
            return MARKERS.search(fh.read(options.max_bytes + 1)) is not None
    except OSError:
        return False


def _js_project(candidates: Sequence[Candidate], catalog, made_already=None):
    """A function returning the JS family's crossfile.Project, made on first use (or the
    one the parent made, which forked workers share instead of each building their own)."""
    made: list = [made_already] if made_already is not None else []

    def project():
        if not made:
            from ..resolve.crossfile import Project

            made.append(Project([c for c in candidates if in_project(c.language)], catalog))
        return made[0]

    return project


# --------------------------------------------------------------------------- worker side


def _die_with_parent(parent: int) -> None:
    """A worker ends when the scan's process does, however that ends (SIGKILL too): no orphan keeps
    running or holds the stdout / stderr a pipe is reading. Linux: the kernel's parent-death
    signal; elsewhere a thread watching the parent's pid."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent answers it
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            PR_SET_PDEATHSIG = 1
            armed = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(1)
    if not armed:
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()


def _init(candidates: Sequence[Candidate], catalog, options, cache, project=None, parent: int = 0,
          gc_thresholds: tuple = ()) -> None:
    global _STATE
    if parent:
        _die_with_parent(parent)
    if gc_thresholds:  # the scan's (a forked worker has them already; a spawned one not)
        gc.set_threshold(*gc_thresholds)
    time_budget.set_limit(getattr(options, "file_time_budget", None))
    _STATE = (candidates, catalog, options, _js_project(candidates, catalog, project), cache)


def _work(bounds: tuple[int, int]) -> list[tuple[int, object]]:
    """Round 1 (and every other analyzer) for candidates[a:b]."""
    candidates, catalog, options, project, cache = _STATE  # type: ignore[misc]
    out = []
    for i in range(*bounds):
        outcome = _outcome(candidates[i], catalog, options, project, cache)
        if outcome is not None:
            out.append((i, outcome))
    return out


_ROUND: list = [None]  # the round whose summaries the worker's project holds


def _work_round(indices: list[int], round_no: int, pattern: bytes, summaries: bytes,
                previous: dict[int, dict]) -> list[tuple]:
    """A later cross-file round for some JS candidates: the ones whose bytes pass the token
    test are analyzed against the summaries as they were when the round began, but those whose
    last analysis's questions (`previous`, by index) get the same answers."""
    import pickle
    import re

    from ..resolve import crossfile
    from ..readers.ecma import analyzer as js_analyzer
    from ..readers.source import read_source

    candidates, catalog, options, project, _ = _STATE  # type: ignore[misc]
    proj = project()
    if _ROUND[0] != round_no:
        proj.summaries = pickle.loads(summaries)
        _ROUND[0] = round_no
    test = re.compile(pattern)
    out = []
    for i in indices:
        candidate = candidates[i]
        data = crossfile._peek(candidate, options.max_bytes)
        if data is None or not test.search(data) or proj.answers_as_before(previous.get(i), str(candidate.path), data):
            continue
        source, problem = read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
        if source is None:
            continue
        analysis = crossfile.analyze_in(crossfile.FileContext(proj, candidate), candidate, source,
                                        lambda c, s, context: per_file.analyze_safely(js_analyzer, s, c, catalog, context))
        analysis, finished = _finished(analysis, source, [problem] if problem is not None else [], options.line_hashes)
        out.append((i, analysis, finished))
    return out


_PY: list = [None, None]  # the worker's PyProject for the Python project pass, and its round


def _work_python(indices: list[int], round_no: int, summaries: bytes) -> list[tuple]:
    """A round of the Python project pass (resolve/py_project.py) for some Python candidates:
    each is analyzed against the summaries as they were when the round began, and
    post-processed here: (index, analysis without findings, (findings, the analysis' problems))."""
    import dataclasses
    import pickle

    from ..resolve import py_project
    from ..readers.python import analyzer as py_analyzer
    from ..readers.source import read_source

    candidates, catalog, options, _, _ = _STATE  # type: ignore[misc]
    if _PY[0] is None:
        _PY[0] = py_project.PyProject([c for c in candidates if c.language == "python"])
    project = _PY[0]
    if _PY[1] != round_no:
        project.summaries, project._exports, project._request = pickle.loads(summaries), {}, None
        _PY[1] = round_no
    out = []
    for i in indices:
        candidate = candidates[i]
        source, _ = read_source(candidate.path, candidate.relpath, max_bytes=options.max_bytes)
        if source is None:
            continue
        analysis = per_file.analyze_safely(py_analyzer, source, candidate, catalog,
                                           py_project.PyContext(project, candidate))
        findings, _ = per_file.finish(analysis, source, [], options.line_hashes)
        out.append((i, dataclasses.replace(analysis, findings=[]), (findings, list(analysis.problems))))
    return out


# --------------------------------------------------------------------------- parent side


class Session:
    """The worker processes of one scan, from round 1 to the last cross-file round (none
    when ``jobs`` is 1). Use as a context manager: leaving it stops the workers."""

    def __init__(self, candidates: Sequence[Candidate], catalog, options, project=None):
        self.candidates = list(candidates)
        self.project = project  # the parent's crossfile.Project over the JS candidates, if made
        self.catalog = catalog
        self.options = options
        self.jobs = effective_jobs(getattr(options, "jobs", None), len(self.candidates))
        self.cache = None
        if getattr(options, "cache_dir", None):
            from .cache import Cache

            self.cache = Cache(options.cache_dir)
        self.pool = None
        self.first: Optional[FirstPass] = None
        self.rounds = 0
        self.python_rounds = 0
        self.python_finished: dict[str, tuple] = {}  # path -> (analysis, (findings, problems)) of run_python_round

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, exc_type, *_) -> None:
        self.close(stop_now=exc_type is not None)

    def close(self, stop_now: bool = False) -> None:
        """Stop the workers: after their current task, or at once (Ctrl-C, an error: nobody waits
        for what they are doing)."""
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        if stop_now:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                try:
                    process.kill()
                except (OSError, ValueError, AttributeError):
                    pass
        pool.shutdown(wait=not stop_now, cancel_futures=True)

    def _start(self) -> bool:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork: workers start with the parent's modules loaded and nothing to pickle up front.
        # Elsewhere (macOS, Windows) the platform default, spawn, pickles the arguments once.
        method = "fork" if sys.platform.startswith("linux") else None
        try:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context(method),
                                            initializer=_init,
                                            initargs=(self.candidates, self.catalog, self.options, self.cache,
                                                      self.project if method == "fork" else None, os.getpid(),
                                                      gc.get_threshold()))
        except (OSError, NotImplementedError, ImportError, RuntimeError, ValueError):
            self.pool = None  # no process pool here (sandbox, no semaphores): one process
        return self.pool is not None

    def _map(self, fn, tasks: list[tuple], progress: Optional[progress_line.Phase] = None, sizes: Optional[list[int]] = None,
             meanwhile: Optional[Callable[[], None]] = None):
        """fn(*task) for every task on the pool, results in task order; None when the pool broke.
        ``meanwhile()`` runs here once the tasks are submitted."""
        from concurrent.futures import TimeoutError as Waited, as_completed
        from concurrent.futures.process import BrokenProcessPool

        results: list = [None] * len(tasks)
        done = 0
        # The Python project pass maps from a thread of its own: the other thread may close the
        # pool meanwhile, and the tasks it cancels never complete (their waiters are not told).
        pool = self.pool
        if pool is None:
            return None
        try:
            futures = {pool.submit(fn, *task): n for n, task in enumerate(tasks)}
            if meanwhile is not None:
                meanwhile()
            pending = set(futures)
            while pending:
                try:
                    for future in as_completed(pending, timeout=CLOSED_POLL):
                        pending.discard(future)
                        n = futures[future]
                        results[n] = future.result()
                        if progress is not None:
                            done += sizes[n] if sizes else 1
                            progress.update(done)
                except Waited:
                    if self.pool is not pool:
                        return None
        except BrokenProcessPool:
            self.close()  # a worker died (out of memory, a crash in a parser): one process from here on
            return None
        except RuntimeError:
            if self.pool is pool:
                raise  # not the pool closed by the other thread: a real error
            return None
        return results

    def first_pass(self, meanwhile: Optional[Callable[[], None]] = None) -> FirstPass:
        """The outcome of every candidate that has one (see FirstPass). ``meanwhile()``: the
        caller's own work, run once while workers are busy; never in one process, where it
        would only come first (the caller does it afterwards if it still needs it)."""
        n = len(self.candidates)
        results = FirstPass()
        with progress_line.phase("scanning files", n) as progress:
            if self.jobs > 1 and self._start():
                chunks = [(a, min(a + CHUNK_FILES, n)) for a in range(0, n, CHUNK_FILES)]
                done = self._map(_work, [(chunk,) for chunk in chunks], progress, [b - a for a, b in chunks],
                                 meanwhile)
                if done is not None:
                    for pairs in done:
                        for i, outcome in pairs:
                            results.add(str(self.candidates[i].path), outcome)
                    self.first = results
                    return results
            project = _js_project(self.candidates, self.catalog, self.project)
            for i, candidate in enumerate(self.candidates):
                outcome = _outcome(candidate, self.catalog, self.options, project, self.cache)
                if outcome is not None:
                    results.add(str(candidate.path), outcome)
                progress.update(i + 1)
            self.first = results
            return results

    def run_round(self, pattern, summaries: dict, previous: dict[str, dict]) -> Optional[dict]:
        """A later cross-file round on the workers (see crossfile.analyze_project): path ->
        analysis of every JS candidate that passes the token test, but those whose last
        analysis (its questions by path in `previous`) would not change; None without workers."""
        if self.pool is None:
            return None
        import pickle

        self.rounds += 1
        js = [i for i, c in enumerate(self.candidates) if in_project(c.language)]
        per_task = max(CHUNK_FILES, -(-len(js) // (self.jobs * 8)))
        blob = pickle.dumps(summaries, protocol=pickle.HIGHEST_PROTOCOL)
        asked = {i: previous[str(self.candidates[i].path)] for i in js if str(self.candidates[i].path) in previous}
        tasks = [(js[a:a + per_task], self.rounds, pattern.pattern, blob,
                  {i: asked[i] for i in js[a:a + per_task] if i in asked}) for a in range(0, len(js), per_task)]
        return self._by_path(self._map(_work_round, tasks), self.first.finished if self.first is not None else None)

    def _by_path(self, done: Optional[list], finished: Optional[dict]) -> Optional[dict]:
        """The workers' (index, analysis, post-processed or None) triples as path -> analysis;
        what was post-processed goes to `finished` as path -> (analysis, it)."""
        if done is None:
            return None
        analyses = {}
        for triples in done:
            for i, analysis, post in triples:
                key = str(self.candidates[i].path)
                analyses[key] = analysis
                if post is not None and finished is not None:
                    finished[key] = (analysis, post)
        return analyses

    def run_python_round(self, todo: Sequence[Candidate], summaries: dict) -> Optional[dict]:
        """A round of the Python project pass on the workers (see py_project.analyze_python_project):
        path -> analysis of each file of `todo` (its post-processed findings and problems in
        ``python_finished``); None without workers."""
        if self.pool is None or not todo:
            return None
        import pickle

        self.python_rounds += 1
        index = {str(c.path): i for i, c in enumerate(self.candidates)}
        wanted = [index[str(c.path)] for c in todo if str(c.path) in index]
        per_task = max(1, -(-len(wanted) // (self.jobs * 4)))
        blob = pickle.dumps(summaries, protocol=pickle.HIGHEST_PROTOCOL)
        done = self._map(_work_python, [(wanted[a:a + per_task], self.python_rounds, blob)
                                        for a in range(0, len(wanted), per_task)])
        return self._by_path(done, self.python_finished)


def first_pass(candidates: Sequence[Candidate], catalog, options) -> FirstPass:
    """Round 1 alone, its workers stopped when it is done (see Session)."""
    with Session(candidates, catalog, options) as session:
        return session.first_pass()
