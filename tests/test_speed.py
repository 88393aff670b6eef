"""The speed machinery must not change a single byte of output: worker processes, the
content-hash cache, the merged queries, the byte prefilter and the fast line fingerprints."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from clerk_lint.scan import parallel
from clerk_lint.scan.cache import Cache
from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.readers.prefilter import substring_test
from clerk_lint.report import render
from clerk_lint.scan.driver import run_scan
from clerk_lint.scan.per_file import ScanOptions
from cli_helpers import fresh_scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

PROJECT = {
    "package.json": '{"name": "app", "dependencies": {"@clerk/nextjs": "^6.0.0"}}\n',
    "tsconfig.json": '{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}\n',
    "src/lib/session.ts": (
        'import { auth } from "@clerk/nextjs/server";\n'
        "export const getUserId = async () => (await auth()).userId;\n"
    ),
    "src/lib/account.ts": (
        'import { getUserId } from "./session";\n'
        "export async function requireUserId() {\n"
        "  const id = await getUserId();\n"
        '  if (!id) throw new Error("signed out");\n'
        "  return id;\n"
        "}\n"
    ),
    "src/components/Gate.tsx": (
        'import { SignedIn, useUser } from "@clerk/nextjs";\n'
        "export const Gate = ({ children }) => <SignedIn>{children}</SignedIn>;\n"
        "export function Name() {\n  const { user } = useUser(); // clerk-lint-ignore: shown elsewhere\n"
        "  return <b>{user?.firstName}</b>;\n}\n"
    ),
    "src/app/page.tsx": (
        'import { requireUserId } from "@/lib/account";\n'
        'import { Gate } from "../components/Gate";\n'
        "export default async function Page() {\n"
        "  const id = await requireUserId();\n"
        "  return <Gate><p>{id}</p></Gate>;\n"
        "}\n"
    ),
    "src/app/plain.ts": "export const author = 'x';\nexport function f(a: number) { return a + 1; }\n",
    "src/app/utf16.ts": "\ufeffimport { useAuth } from '@clerk/clerk-react';\r\nexport const h = () => useAuth();\r\n",
    "api/app/main.py": (
        "import os\nimport clerk_utils\nfrom clerk_backend_api import Clerk\n\n"
        'sdk = Clerk(bearer_auth=os.environ["CLERK_SECRET_KEY"])\n\n'
        "def users():\n    return sdk.users.list()\n"
    ),
    "api/app/plain.py": "def add(a, b):\n    return a + b\n",
    ".env": "CLERK_SECRET_KEY=sk_test_0123456789abcdef0123456789abcdef\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith("utf16.ts"):
            path.write_bytes(content.encode("utf-16"))
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


def report(root: Path, **options) -> str:
    catalog = load_catalog()
    result = run_scan([root], catalog, ScanOptions(**options))
    problems = "\n".join(f"{p.path}|{p.reason}|{p.kind}" for p in result.problems)
    return render("json", result, catalog) + render("sarif", result, catalog) + problems


@pytest.fixture
def small_chunks(monkeypatch):
    """Several chunks even for a handful of files, so jobs > 1 really uses workers."""
    monkeypatch.setattr(parallel, "CHUNK_FILES", 2)


@pytest.mark.parametrize("app", ["acme-monorepo", "nextjs-app-router", "fastapi-service", "express-api", "astro-site"])
def test_workers_give_byte_identical_reports_on_fixtures(app, small_chunks, monkeypatch):
    root = FIXTURES / app
    if not root.is_dir():
        pytest.skip(f"no fixture {app}")
    monkeypatch.chdir(root)
    one = report(Path("."), jobs=1)
    assert one == report(Path("."), jobs=2)
    assert one == report(Path("."), jobs=3)


def test_workers_and_cache_give_byte_identical_reports(tmp_path, small_chunks, monkeypatch):
    root = write(tmp_path / "app", PROJECT)
    monkeypatch.chdir(root)
    expected = report(Path("."), jobs=1)
    assert '"CLK301"' in expected and "requireUserId" in expected  # the wrapper chain is followed
    assert report(Path("."), jobs=2) == expected
    cache = tmp_path / "cache"
    assert report(Path("."), jobs=2, cache_dir=str(cache)) == expected  # cold
    assert any(cache.rglob("*"))
    assert report(Path("."), jobs=1, cache_dir=str(cache)) == expected  # warm, other worker count
    assert report(Path("."), jobs=2, cache_dir=str(cache)) == expected


def test_cache_follows_changes_in_other_files(tmp_path, monkeypatch):
    root = write(tmp_path / "app", PROJECT)
    monkeypatch.chdir(root)
    cache = str(tmp_path / "cache")
    report(Path("."), cache_dir=cache)

    # A module appears where an import found nothing: the importer's cached round-1 entry
    # recorded "nothing", so it is analyzed again.
    (root / "src/app/extra.ts").write_text('import { who } from "./who";\nexport const w = () => who();\n')
    report(Path("."), cache_dir=cache)
    (root / "src/app/who.ts").write_text('import { currentUser } from "@clerk/nextjs/server";\n'
                                          "export const who = () => currentUser();\n")
    assert report(Path("."), cache_dir=cache) == report(Path("."))

    # The wrapper changes: its importers' results follow (later rounds are never cached).
    (root / "src/lib/session.ts").write_text("export const getUserId = async () => 'anonymous';\n")
    assert report(Path("."), cache_dir=cache) == report(Path("."))

    # A local module named like a Clerk package turns a community-package import into the
    # project's own: the Python entry depends on the names in the folders above the file.
    with_package = report(Path("."), cache_dir=cache)
    (root / "api/app/clerk_utils.py").write_text("def helper():\n    return 1\n")
    fresh = report(Path("."))
    assert fresh != with_package
    assert report(Path("."), cache_dir=cache) == fresh


def test_cache_entries_belong_to_one_tool_fingerprint(tmp_path, monkeypatch):
    root = write(tmp_path / "app", {"src/a.ts": PROJECT["src/lib/session.ts"]})
    monkeypatch.chdir(root)
    cache_dir = tmp_path / "cache"
    report(Path("."), cache_dir=str(cache_dir))
    entries = sorted(p.name for p in cache_dir.rglob("*") if p.is_file())
    assert entries
    other = Cache(cache_dir, fingerprint="another version")
    from clerk_lint.discover.walk import discover
    from clerk_lint.readers.source import read_source

    (candidate,), _ = discover([Path("src/a.ts")])
    source, _ = read_source(candidate.path, candidate.relpath)
    calls = []

    def analyze(c, s, context):
        calls.append(c.relpath)
        from clerk_lint.findings import FileAnalysis
        return FileAnalysis()

    class NoContext:
        def resolve(self, specifier):
            return None

        def lookup(self, module, name):
            return None

    other.js_analysis(candidate, source, NoContext(), analyze)
    assert calls == ["src/a.ts"] and other.misses == 1  # the entry of the real fingerprint is not used


def test_a_corrupt_cache_entry_is_a_miss(tmp_path, monkeypatch):
    root = write(tmp_path / "app", PROJECT)
    monkeypatch.chdir(root)
    cache = tmp_path / "cache"
    expected = report(Path("."))
    report(Path("."), cache_dir=str(cache))
    for entry in cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert report(Path("."), cache_dir=str(cache)) == expected


# --------------------------------------------------------------------------- prefilter


def test_substring_test_agrees_with_the_regex():
    rng = random.Random(3)
    alphabet = [b"c", b"l", b"e", b"r", b"k", b"C", b"L", b"E", b"R", b"K", b"s", b"v", b"i", b"x", b"X", b"\xc3",
                b"\xa9", b" ", b"clerk", b"SVIX", b"Clerk"]
    for pattern in (re.compile(rb"clerk|svix", re.IGNORECASE), re.compile(rb"clerk|svix|jwks|jose|jwt", re.I),
                    re.compile(rb"cl.rk", re.IGNORECASE), re.compile(rb"clerk")):
        test = substring_test(pattern)
        for _ in range(3000):
            data = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
            assert test(data) == (pattern.search(data) is not None), (pattern, data)


# --------------------------------------------------------------------------- jobs (progress: test_progress.py)


def test_automatic_jobs():
    assert parallel.effective_jobs(None, 10) == 1
    assert parallel.effective_jobs(0, parallel.PARALLEL_MIN_FILES - 1) == 1
    assert parallel.effective_jobs(None, 100_000) == parallel.available_cpus()
    assert parallel.effective_jobs(8, 3 * parallel.CHUNK_FILES) == 3  # never more workers than chunks
    assert parallel.effective_jobs(2, 1) == 1


def test_broken_worker_pool_falls_back_to_one_process(tmp_path, small_chunks, monkeypatch):
    root = write(tmp_path / "app", PROJECT)
    monkeypatch.chdir(root)
    expected = report(Path("."), jobs=1)
    real_map = parallel.Session._map

    def broken(self, fn, tasks, progress=None, sizes=None, meanwhile=None):
        self.close()  # what _map does when a worker died (here before the parent's own work ran)
        return None

    monkeypatch.setattr(parallel.Session, "_map", broken)
    assert report(Path("."), jobs=2) == expected

    def broken_later(self, fn, tasks, progress=None, sizes=None, meanwhile=None):  # round 1 on workers, round 2 not
        return broken(self, fn, tasks) if fn is parallel._work_round else real_map(self, fn, tasks, progress, sizes,
                                                                                  meanwhile)

    monkeypatch.setattr(parallel.Session, "_map", broken_later)
    assert report(Path("."), jobs=2) == expected


def test_later_rounds_run_on_the_workers(tmp_path, small_chunks, monkeypatch):
    root = write(tmp_path / "app", PROJECT)
    monkeypatch.chdir(root)
    rounds = []
    real = parallel.Session.run_round

    def counting(self, pattern, summaries, previous):
        analyses = real(self, pattern, summaries, previous)
        rounds.append(None if analyses is None else sorted(analyses))
        return analyses

    monkeypatch.setattr(parallel.Session, "run_round", counting)
    assert report(Path("."), jobs=2) == report(Path("."), jobs=1)
    on_workers = [keys for keys in rounds if keys is not None]  # jobs=1 has no workers: None
    assert on_workers and any(key.endswith("page.tsx") for key in on_workers[0])


STORES = {
    "package.json": '{"name": "api", "dependencies": {"@clerk/express": "^1.0.0", "express": "^4.0.0"}}\n',
    **{f"src/routes/{name}.ts": (
        'import { clerkClient, getAuth } from "@clerk/express";\n'
        "export async function handler(req, res) {\n"
        "  req.claims = getAuth(req);\n"
        "  req.user = await clerkClient.users.getUser(req.claims.userId);\n"
        f"  res.json({{ who: req.user.id, org: req.claims.orgId, name: '{name}' }});\n"
        "}\n") for name in ("orders", "invoices", "teams")},
    "src/routes/audit.ts": (  # stores nothing: reads what the handlers stored
        "export function audit(req, res) {\n  res.json({ by: req.claims.userId });\n}\n"),
}


@pytest.mark.parametrize("jobs", [1, 2])
def test_later_rounds_keep_analyses_whose_questions_get_the_same_answers(tmp_path, small_chunks, monkeypatch, jobs):
    """Handlers that store `req.user` match each other's store tokens, but each reads back its
    own copy: round 2 keeps their analyses and reads only the module that reads theirs."""
    from clerk_lint.resolve import crossfile

    root = write(tmp_path / "api", STORES)
    monkeypatch.chdir(root)
    analyzed: list[str] = []
    real = crossfile.analyze_in

    def counting(context, candidate, source, analyze):
        if not isinstance(context, crossfile.FirstRoundContext):
            analyzed.append(candidate.relpath)
        return real(context, candidate, source, analyze)

    monkeypatch.setattr(crossfile, "analyze_in", counting)
    kept = report(Path("."), jobs=jobs)
    if jobs == 1:  # (workers count in their own process)
        assert analyzed == ["src/routes/audit.ts"]
    assert '"CLK513"' in kept  # audit.ts reads what the handlers stored
    monkeypatch.setattr(crossfile.Project, "answers_as_before", lambda self, asked, path, data: False)
    analyzed.clear()
    assert report(Path("."), jobs=jobs) == kept  # everything analyzed again: the same report
    if jobs == 1:
        assert sorted(analyzed) == ["src/routes/audit.ts", "src/routes/invoices.ts", "src/routes/orders.ts",
                                    "src/routes/teams.ts"]


def test_a_module_that_only_stores_values_is_not_sought_among_importers(tmp_path, monkeypatch):
    """Request-scoped stores reach readers without an import: the importers of a module that
    only stores (its middleware, `import * as m`) are not read again and say nothing."""
    from clerk_lint.resolve import crossfile
    from clerk_lint.resolve.module_resolver import ModuleResolver

    root = write(tmp_path / "api", {
        "package.json": STORES["package.json"],
        "src/middleware.ts": (
            'import { getAuth } from "@clerk/express";\n'
            "export function requireUser(req, res, next) {\n"
            "  req.claims = getAuth(req);\n  next();\n}\n"),
        "src/server.ts": (
            'import express from "express";\n'
            'import { requireUser } from "./middleware";\n'
            'import * as middleware from "./middleware";\n'
            "export const app = express().use(requireUser).use(middleware.requireUser);\n"),
        "src/audit.ts": "export function audit(req, res) {\n  res.json({ by: req.claims.userId });\n}\n",
    })
    monkeypatch.chdir(root)
    analyzed, tokens_of = [], []
    real_analyze, real_tokens = crossfile.analyze_in, ModuleResolver.tokens

    def counting(context, candidate, source, analyze):
        if not isinstance(context, crossfile.FirstRoundContext):
            analyzed.append(candidate.relpath)
        return real_analyze(context, candidate, source, analyze)

    def tokens(self, path):
        tokens_of.append(Path(path).name)
        return real_tokens(self, path)

    monkeypatch.setattr(crossfile, "analyze_in", counting)
    monkeypatch.setattr(ModuleResolver, "tokens", tokens)
    found = run_scan([Path(".")], load_catalog(), ScanOptions(jobs=1)).findings
    assert analyzed == ["src/audit.ts"] and tokens_of == []
    assert {f.location.path for f in found} == {"package.json", "src/middleware.ts", "src/audit.ts"}


@pytest.mark.parametrize("app", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_kept_analyses_give_the_report_of_analyzing_again(app, monkeypatch):
    from clerk_lint.resolve import crossfile

    monkeypatch.chdir(FIXTURES / app)
    kept = report(Path("."), jobs=1)
    monkeypatch.setattr(crossfile.Project, "answers_as_before", lambda self, asked, path, data: False)
    assert report(Path("."), jobs=1) == kept


def test_python_project_rounds_run_on_the_workers(small_chunks, monkeypatch):
    monkeypatch.chdir(FIXTURES / "fastapi-service")
    made = []
    real = parallel.Session.run_python_round

    def counting(self, todo, summaries):
        analyses = real(self, todo, summaries)
        made.append(None if analyses is None else sorted(analyses))
        return analyses

    monkeypatch.setattr(parallel.Session, "run_python_round", counting)
    one = report(Path("."), jobs=1)
    assert made and all(keys is None for keys in made)  # no workers: analyzed in the parent
    made.clear()
    assert report(Path("."), jobs=2) == one
    assert any(made)  # the rounds' files were analyzed on the workers


def test_python_project_pass_runs_beside_the_js_pass_and_without_workers_again(tmp_path, small_chunks, monkeypatch):
    """With workers, the Python project pass runs on a thread of its own while the JS rounds
    run; when the workers go away meanwhile it runs again in the scan's process: the report
    is the one process's either way."""
    import shutil
    import threading

    root = write(tmp_path / "mixed", PROJECT)
    shutil.copytree(FIXTURES / "fastapi-service", root / "services" / "api")
    monkeypatch.chdir(root)
    one = report(Path("."), jobs=1)
    threads = []
    real_round, real_map = parallel.Session.run_python_round, parallel.Session._map

    def recording(self, todo, summaries):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_round(self, todo, summaries)

    monkeypatch.setattr(parallel.Session, "run_python_round", recording)
    assert report(Path("."), jobs=2) == one
    assert threads and not any(threads)  # on the other thread

    def broken_python(self, fn, tasks, progress=None, sizes=None, meanwhile=None):
        if fn is parallel._work_python:
            self.close()  # a worker died during the Python pass
            return None
        return real_map(self, fn, tasks, progress, sizes, meanwhile)

    threads.clear()
    monkeypatch.setattr(parallel.Session, "_map", broken_python)
    assert report(Path("."), jobs=2) == one
    assert threads[0] is False and threads[-1] is True  # tried beside, done again here


def test_a_map_whose_pool_another_thread_closes_gives_none():
    """The JS rounds and the Python project pass map on the same workers from two threads; when
    one of them closes the pool (a worker died), the other's map answers None (run it here)."""
    import threading
    import time

    session = parallel.Session([], load_catalog(), ScanOptions(jobs=2))
    session.jobs = 2
    assert session._start()
    got = []
    mapping = threading.Thread(target=lambda: got.append(session._map(time.sleep, [(0.2,)] * 20)))
    mapping.start()
    time.sleep(0.3)
    session.close()
    mapping.join(10)
    assert got == [None] and session.pool is None
    assert session._map(time.sleep, [(0,)]) is None  # closed: nothing is submitted


def test_nothing_heavy_is_imported_for_files_without_clerk(tmp_path):
    write(tmp_path, {"a.ts": "export const a = 1;\n", "b.tsx": "export const B = () => <b />;\n",
                     "c.py": "def c():\n    return 1\n"})
    report, loaded = fresh_scan(tmp_path, ["a.ts", "b.tsx", "c.py"],
                                ("tree_sitter", "libcst", "pathspec", "sarif_om", "clerk_lint.readers.ecma.analyzer",
                                 "clerk_lint.resolve.module_resolver", "clerk_lint.filters.gitdiff"))
    assert report["findings"] == [] and loaded == []


def test_tool_fingerprint_depends_on_the_python_version(monkeypatch):
    """The Python analyzer parses with this interpreter's `ast`, whose grammar depends on its
    version: a cache shared between Python versions must not mix their results."""
    import sys as sys_module
    from collections import namedtuple

    from clerk_lint.scan import cache

    here = cache.tool_fingerprint()
    Version = namedtuple("Version", "major minor micro releaselevel serial")
    monkeypatch.setattr(sys_module, "version_info", Version(3, 99, 0, "final", 0))
    assert cache.tool_fingerprint() != here


def test_analyses_leave_no_reference_cycles(monkeypatch):
    """An analysis must not tie its objects into cycles: the file's tree would then stay alive
    until the cyclic garbage collector traverses it (it cost a scan 8% of its time). Every
    fixture file's analysis, alone and in the project passes, leaves nothing for it."""
    import gc

    from clerk_lint.scan import driver, per_file

    real = per_file.analyze_safely
    left: dict[str, int] = {}

    def counting(module, source, candidate, catalog, context=None):
        gc.collect()
        analysis = real(module, source, candidate, catalog, context)
        found = gc.collect()
        if found:
            left[f"{candidate.relpath} ({type(context).__name__})"] = found
        return analysis

    apps = ["t3-clerk-app", "vite-org-admin", "express-api", "hono-graphql-api", "fastapi-service", "django-app"]
    monkeypatch.chdir(FIXTURES / apps[0])
    report(Path("."), jobs=1)  # what a scan loads on first use, loaded
    monkeypatch.setattr(per_file, "analyze_safely", counting)
    monkeypatch.setattr(driver, "analyze_safely", counting)
    for app in apps:
        monkeypatch.chdir(FIXTURES / app)
        report(Path("."), jobs=1)
    assert left == {}


def test_a_scan_collects_garbage_rarely_and_restores_the_thresholds(tmp_path, small_chunks, monkeypatch):
    import gc

    from clerk_lint.scan import driver, per_file

    root = write(tmp_path / "app", PROJECT)
    monkeypatch.chdir(root)
    seen = []
    real = per_file.analyze_safely

    def recording(module, source, candidate, catalog, context=None):
        seen.append(gc.get_threshold())
        return real(module, source, candidate, catalog, context)

    monkeypatch.setattr(per_file, "analyze_safely", recording)
    before = gc.get_threshold()
    report(Path("."), jobs=1)
    assert seen and set(seen) == {driver.SCAN_GC_THRESHOLDS}
    assert gc.get_threshold() == before
    monkeypatch.setattr(parallel, "_STATE", parallel._STATE)  # (_init sets the worker's state here)
    try:  # a worker started by spawn gets them from the parent
        gc.set_threshold(*before)
        parallel._init([], load_catalog(), ScanOptions(), None, gc_thresholds=driver.SCAN_GC_THRESHOLDS)
        assert gc.get_threshold() == driver.SCAN_GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)


def test_line_hashes_are_computed_only_for_reports_that_show_them(tmp_path, monkeypatch):
    """GitHub's line hash of each finding only reaches SARIF: other reports are the same without
    it, and a scan with a cache computes it anyway (a cached result may serve a SARIF report)."""
    import dataclasses

    from clerk_lint.report import FORMATS

    monkeypatch.chdir(FIXTURES / "t3-clerk-app")
    catalog = load_catalog()
    with_hashes = run_scan([Path(".")], catalog, ScanOptions(jobs=1))
    without = run_scan([Path(".")], catalog, ScanOptions(jobs=1, line_hashes=False))
    assert with_hashes.findings and all(f.line_hash for f in with_hashes.findings)
    assert not any(f.line_hash for f in without.findings)
    assert [dataclasses.replace(f, line_hash="") for f in with_hashes.findings] == without.findings
    shown = [fmt for fmt in FORMATS if render(fmt, with_hashes, catalog) != render(fmt, without, catalog)]
    assert shown == ["sarif"]
    cached = run_scan([Path(".")], catalog, ScanOptions(jobs=1, line_hashes=False, cache_dir=str(tmp_path / "c")))
    assert cached.findings == with_hashes.findings
