"""``--cache-dir``: per-file results kept across runs, for the analyses that cost the most
(JS/TS round 1, Python).

An entry is found by a key made of the tool's fingerprint (its version, the hash of its own
code, queries, rules and data, the versions of the parsers it uses and of Python: any
change starts afresh), the file's relpath and language, and a hash of what the analysis reads of the
file. An entry also records what the result depended on outside the file, and is used only
when that is still the same:

* JS/TS (round 1 of the cross-file pass, which sees no other module's summary): each
  import specifier the analysis resolved and the project file it named (or none). The
  resolver is asked again; one different answer and the file is analyzed afresh. The Clerk
  framework SDKs the package depends on are part of the key (project_sdks.py).
* Python: the names in the file's folder and in every folder above it up to the scan root
  (an import is the project's own module when such a name matches it).

Other analyzers are cheap, or read other files (Vue/Astro component folders), and are not
cached. Entries are JSON (cache_codec.py: plain data and a fixed list of the project's own
dataclasses, never pickle, so a planted entry cannot run code), each recording the key it was
stored under, which must be the key asked for (an entry moved or copied to another key is a
miss). They are written atomically, one file each under ``<dir>/v2/``, so parallel workers
and concurrent runs never see half an entry; delete the folder to start over.
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Optional

from ..discover.kinds import Candidate
from ..findings import FileAnalysis, FileProblem, Finding
from . import cache_codec

FORMAT = "v3"  # v1 held pickles, v2 no questions asked (crossfile.FileContext.asked): never read again
PARSERS = ("tree-sitter", "tree-sitter-javascript", "tree-sitter-typescript", "libcst")
JS_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})


def tool_fingerprint() -> str:
    """Hash of everything that decides a file's result besides the file itself."""
    from importlib import metadata

    from .. import __version__
    from ..readers.ecma.queries import queries_dir

    h = hashlib.sha256(f"clerk-lint {__version__} {FORMAT}\n".encode())
    # The Python analyzer parses with this interpreter's `ast`: which syntax it accepts (and
    # so which statements a file keeps) depends on the Python version.
    h.update(f"python {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for name in PARSERS:
        try:
            h.update(f"{name} {metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} -\n".encode())
    package = Path(__file__).resolve().parents[1]  # clerk_lint/
    files = [p for p in package.rglob("*") if p.suffix in (".py", ".toml", ".json", ".scm") and p.is_file()]
    queries = queries_dir()
    if not str(queries).startswith(str(package)):
        files += [p for p in queries.rglob("*.scm") if p.is_file()]
    for path in sorted(files):
        h.update(str(path.relative_to(path.anchor)).encode("utf-8", "surrogateescape") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


class Recorder:
    """A round-1 context that notes every specifier resolved through it."""

    def __init__(self, context):
        self.context = context
        self.resolved: dict[str, Optional[str]] = {}

    def resolve(self, specifier: str) -> Optional[str]:
        found = self.context.resolve(specifier)
        self.resolved[specifier] = found
        return found

    def lookup(self, module: str, name: str):
        return self.context.lookup(module, name)

    def lookup_type(self, module: str, name: str):
        return self.context.lookup_type(module, name)

    def store_keys(self, data: bytes, own: frozenset = frozenset()):
        return self.context.store_keys(data, own)

    def incoming(self):
        return self.context.incoming()


class Cache:
    def __init__(self, directory, fingerprint: Optional[str] = None):
        self.root = Path(directory) / FORMAT
        self.fingerprint = fingerprint or tool_fingerprint()
        self.hits = self.misses = 0
        self._listings: dict[str, tuple] = {}

    # ------------------------------------------------------------------ storage

    def _key(self, candidate: Candidate, *parts: bytes) -> str:
        h = hashlib.sha256(self.fingerprint.encode())
        for part in (candidate.relpath.encode("utf-8", "surrogateescape"), candidate.language.encode(), *parts):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def _load(self, key: str):
        try:
            with open(self._path(key), "rb") as fh:
                return cache_codec.loads(key, fh.read())
        except Exception:  # missing, unreadable, truncated by a crash, another key's, not an entry
            return None

    def _store(self, key: str, value) -> None:
        path = self._path(key)
        try:
            data = cache_codec.dumps(key, value)
        except (cache_codec.CodecError, RecursionError):
            return  # a value outside the format: analyzed afresh next time
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a cache that cannot be written is only a slower run

    # ------------------------------------------------------------------ JS/TS round 1

    def js_analysis(self, candidate: Candidate, source, context, analyze):
        """``analyze(candidate, source, context)`` through the cache."""
        from ..discover.project_sdks import may_read_framework_auth

        # `req.auth` / `Astro.locals.auth()` are findings only while the package depends on the SDK.
        sdks = ",".join(sorted(may_read_framework_auth(candidate.path, source.data))).encode()
        key = self._key(candidate, source.data, source.encoding.encode(), bytes([source.newline_normalised]), sdks)
        entry = self._load(key)
        if entry is not None:
            try:
                resolved, analysis, asked = entry
                fresh = isinstance(analysis, FileAnalysis) and isinstance(asked, dict) and all(
                    context.resolve(spec) == found for spec, found in resolved)
            except Exception:  # not an entry this version wrote (damaged, tampered with)
                fresh = False
            if fresh:
                self.hits += 1
                if isinstance(getattr(context, "asked", None), dict):
                    context.asked.update(asked)  # what round 1 asked, for the later rounds
                return analysis
        self.misses += 1
        recorder = Recorder(context)
        analysis = analyze(candidate, source, recorder)
        if not any(p.kind == "internal-error" for p in analysis.problems):
            self._store(key, (tuple(recorder.resolved.items()), analysis, dict(getattr(context, "asked", {}))))
        return analysis

    # ------------------------------------------------------------------ Python

    def _folder_names(self, folder: str) -> tuple:
        names = self._listings.get(folder)
        if names is None:
            try:
                with os.scandir(folder) as it:
                    names = tuple(sorted((e.name, e.is_dir()) for e in it))
            except OSError:
                names = ()
            self._listings[folder] = names
        return names

    def _surroundings(self, candidate: Candidate) -> bytes:
        root = os.path.abspath(candidate.root)
        folder = os.path.dirname(os.path.abspath(candidate.path))
        h = hashlib.sha256()
        while True:
            h.update(folder.encode("utf-8", "surrogateescape") + b"\0")
            h.update(repr(self._folder_names(folder)).encode("utf-8", "surrogateescape"))
            parent = os.path.dirname(folder)
            if folder == root or parent == folder or not folder.startswith(root):
                break
            folder = parent
        return h.digest()

    def file_result(self, candidate: Candidate, max_bytes: int, compute):
        """``compute()`` (scan_file's (findings, problems)) through the cache."""
        try:
            with open(candidate.path, "rb") as fh:
                raw = fh.read(max_bytes + 1)
        except OSError:
            return compute()
        key = self._key(candidate, raw, str(max_bytes).encode(), self._surroundings(candidate))
        entry = self._load(key)
        if (isinstance(entry, tuple) and len(entry) == 2 and all(isinstance(part, list) for part in entry)
                and all(isinstance(f, Finding) for f in entry[0])
                and all(isinstance(p, FileProblem) for p in entry[1])):
            self.hits += 1
            return entry
        self.misses += 1
        findings, problems = compute()
        if not any(p.kind in ("internal-error", "time-limit") for p in problems):  # (time depends on the run)
            self._store(key, (findings, problems))
        return findings, problems
