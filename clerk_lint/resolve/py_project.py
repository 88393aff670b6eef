"""Project pass for Python: Clerk reached through the app's own modules.

The per-file pass reads each Python file alone and keeps what each module offers its
importers (readers/python/summary.py: a Clerk client made there, a function that
authenticates with Clerk, the Clerk data or SDK value a function returns). This pass re-reads,
with a context that resolves imports to project files, the files importing a module whose
summary is new or changed (each file's import lines resolved once per scan), round after
round, so a wrapper of a wrapper is found one round later.
Each round sees the summaries as they were when it began: the outcome does not depend on the
order files are read in. The analyses also carry the Clerk ids the files write into model
columns (StoredIdWrite), resolved to the file declaring the model.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from ..discover.kinds import Candidate
from ..findings import FileAnalysis

MAX_ROUNDS = 6
Analyze = Callable[[Candidate, object], Optional[FileAnalysis]]  # (candidate, context) -> analysis
RunRound = Callable[[Sequence[Candidate], dict], Optional[dict]]  # (files, summaries) -> path -> analysis
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Import statements, at the start of a line (`_at_line_start`): a pattern that starts with its
# keyword is searched for that word (fast), where `^[ \t]*` in MULTILINE mode is tried at every byte.
_FROM = re.compile(rb"from[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)")
_IMPORT = re.compile(rb"import[ \t]+([^\n#;]+)")


def _at_line_start(data: bytes, start: int) -> bool:
    i = start
    while i > 0 and data[i - 1] in b" \t":
        i -= 1
    return i == 0 or data[i - 1] == 10  # b"\n"


def _statements(pattern: re.Pattern, data: bytes):
    """The matches of `pattern` that start a line, as `^[ \t]*pattern` would find them."""
    pos = 0
    while True:
        m = pattern.search(data, pos)
        if m is None:
            return
        if _at_line_start(data, m.start()):
            yield m
            pos = m.end()
        else:
            pos = m.start() + 1


def imported_modules(data: bytes) -> set[str]:
    """The modules an import statement of the file names, and `pkg.name` for each `from pkg
    import name` (a submodule, maybe): what an importer test resolves."""
    return names_of(_statements(_FROM, data), _statements(_IMPORT, data))


def names_of(from_statements: Iterable[re.Match], import_statements: Iterable[re.Match]) -> set[str]:
    """The names `imported_modules` gives for the matches of `from ... import` and `import` lines."""
    out: set[str] = set()
    for m in from_statements:
        module = m.group(1).decode("utf-8", "replace")
        out.add(module)
        for part in m.group(2).strip(b"()").split(b","):
            name = part.split()[0].decode("utf-8", "replace") if part.split() else ""
            if name and name != "*":
                out.add(module + name if module.endswith(".") else f"{module}.{name}")
    for m in import_statements:
        for part in m.group(1).split(b","):
            words = part.split()
            if words:
                out.add(words[0].decode("utf-8", "replace"))
    return out


class PyModules:
    """Import names -> project files, the way Python finds them from the importing file:
    relative imports from its package; absolute ones from the nearest folder above it (up to
    the scan root) that holds the module, else from any folder holding it (src layouts)."""

    def __init__(self, candidates: Sequence[Candidate]):
        self.files = {str(c.path): c for c in candidates}
        # every folder and module name of the project: an absolute import starting elsewhere is not ours
        self.names = {part for c in candidates for part in Path(c.relpath).parent.parts} | {
            Path(c.relpath).stem for c in candidates}
        self._by_parts: Optional[dict[tuple[str, ...], list[str]]] = None
        self._memo: dict[tuple[str, str], Optional[str]] = {}

    def _file(self, base: str, parts: list[str]) -> Optional[str]:
        target = os.path.join(base, *parts) if parts else base
        if parts and target + ".py" in self.files:
            return target + ".py"
        init = os.path.join(target, "__init__.py")
        return init if init in self.files else None

    def _suffixes(self) -> dict[tuple[str, ...], list[str]]:
        if self._by_parts is None:
            index: dict[tuple[str, ...], list[str]] = {}
            for key, c in self.files.items():
                rel = Path(c.relpath)
                parts = list(rel.parts[:-1]) + ([] if rel.name == "__init__.py" else [rel.stem])
                for i in range(len(parts)):
                    tail = tuple(parts[i:])
                    if all(_IDENT.match(p) for p in tail):
                        index.setdefault(tail, []).append(key)
            self._by_parts = index
        return self._by_parts

    def resolve(self, importer: str, module: str) -> Optional[str]:
        key = (importer, module)
        if key not in self._memo:
            self._memo[key] = self._resolve(importer, module)
        return self._memo[key]

    def _resolve(self, importer: str, module: str) -> Optional[str]:
        candidate = self.files.get(importer)
        if candidate is None:
            return None
        level = len(module) - len(module.lstrip("."))
        parts = [p for p in module.lstrip(".").split(".") if p]
        if level:
            base = os.path.dirname(importer)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return self._file(base, parts)
        if not parts or parts[0] not in self.names:
            return None  # not a folder or module of the project (fastapi, typing ...)
        root = str(candidate.root)
        folder = os.path.dirname(importer)
        while True:
            found = self._file(folder, parts)
            if found is not None:
                return found
            parent = os.path.dirname(folder)
            if folder == root or parent == folder or not folder.startswith(root):
                break
            folder = parent
        options = self._suffixes().get(tuple(parts), [])
        if not options:
            return None
        # the one sharing the longest folder prefix with the importer
        return max(options, key=lambda o: (len(_common(o, importer)), o))


def _common(a: str, b: str) -> str:
    return os.path.commonpath([a, b]) if Path(a).anchor == Path(b).anchor else ""


class PyProject:
    def __init__(self, candidates: Sequence[Candidate]):
        self.modules = PyModules(candidates)
        self.summaries: dict[str, tuple] = {}
        self._exports: dict = {}  # (importer, module, name) -> Export (the summaries are fixed meanwhile)
        self.imports: dict[str, frozenset] = {}  # path -> the module names its import lines give
        self._request: Optional[tuple] = None  # request_stores(), made on first use

    def export(self, importer: str, module: str, name: str):
        key = (importer, module, name)
        if key not in self._exports:
            self._exports[key] = self._export(importer, module, name)
        return self._exports[key]

    def _export(self, importer: str, module: str, name: str):
        from ..readers.python.summary import Export

        target = self.modules.resolve(importer, module)
        if target is None:
            return None
        summary = self.summaries.get(target)
        if summary:
            for key, export in summary:
                if key == name:
                    return export
        sub = module + name if module.endswith(".") else f"{module}.{name}"
        inner = self.modules.resolve(importer, sub)
        if inner is not None and inner != target and self.summaries.get(inner):
            return Export(module=inner)
        return None


def request_stores(summaries: dict[str, tuple]) -> tuple:
    """(attribute, claim, via) of every `request.x = <Clerk data>` of the project's modules."""
    out = []
    for key in sorted(summaries):
        for name, export in summaries[key]:
            if name.startswith("request.") and export.returns is not None:
                out.extend((attr, claim, export.returns.via) for attr, claim in export.returns.keys)
    return tuple(out)


def _stored_attrs(summary) -> set[str]:
    return {name.split(".")[-1] for name, _ in summary or () if name.startswith("request.")}


class PyContext:
    """One file's view of the project (what readers/python asks: summary.py)."""

    def __init__(self, project: PyProject, candidate: Candidate):
        self.project = project
        self.key = str(candidate.path)

    def python_export(self, module: str, name: str):
        return self.project.export(self.key, module, name)

    def python_module(self, module: str) -> Optional[str]:
        return self.project.modules.resolve(self.key, module)

    def python_request(self) -> tuple:
        if self.project._request is None:
            self.project._request = request_stores(self.project.summaries)
        return self.project._request


def analyze_python_project(candidates: Sequence[Candidate], start: Sequence[Candidate], peek: Callable[[Candidate], Optional[bytes]],
                           analyze: Analyze, project: Optional[PyProject] = None,
                           seeds: Optional[dict[str, tuple]] = None,
                           run_round: Optional[RunRound] = None) -> dict[str, FileAnalysis]:
    """path -> the analysis of every Python file read with the project's context: the files
    in `start` (those the per-file pass found Clerk in but gave no summary for: cached) and
    the importers of Clerk-backed modules. ``seeds``: path -> the summary a file gave when read
    alone (the per-file pass); its importers are read in the first round. ``peek(candidate)``
    gives a file's bytes for the importer test. ``run_round(todo, summaries)``: a round's
    analyses made elsewhere (worker processes), path -> analysis; None when it could not."""
    project = project if project is not None else PyProject(candidates)
    results: dict[str, FileAnalysis] = {}
    todo = list(start)
    seeded = {key: summary for key, summary in (seeds or {}).items() if summary}
    project.summaries.update(seeded)
    if seeded:
        todo += [c for c in importers(candidates, project, set(seeded), peek) if c not in todo]
        attrs = set().union(*(_stored_attrs(v) for v in seeded.values()))
        todo += [c for c in readers_of(candidates, attrs, peek) if c not in todo]
    for _ in range(MAX_ROUNDS + 1):
        if not todo:
            break
        snapshot = PyProject.__new__(PyProject)
        snapshot.modules, snapshot.summaries, snapshot._exports = project.modules, dict(project.summaries), {}
        snapshot.imports, snapshot._request = project.imports, None
        changed = set()
        previous = dict(project.summaries)
        made = run_round(todo, snapshot.summaries) if run_round is not None else None
        for candidate in todo:
            key = str(candidate.path)
            analysis = made.get(key) if made is not None else analyze(candidate, PyContext(snapshot, candidate))
            if analysis is None:
                continue
            results[key] = analysis
            summary = analysis.summary or ()
            if summary != project.summaries.get(key, ()):
                if summary:
                    project.summaries[key] = summary
                else:
                    project.summaries.pop(key, None)
                changed.add(key)
        if not changed:
            break
        todo = importers(candidates, project, changed, peek)
        attrs = set().union(*(_stored_attrs(previous.get(k)) | _stored_attrs(project.summaries.get(k)) for k in changed))
        todo += [c for c in readers_of(candidates, attrs, peek) if c not in todo]
    return results


def importers(candidates: Sequence[Candidate], project: PyProject, changed: set[str],
              peek: Callable[[Candidate], Optional[bytes]]) -> list[Candidate]:
    """The files importing one of the `changed` modules (or a name of one). Each file's import
    lines are read once per scan (the project's files do not move between rounds), and only
    the names that can be one of them are resolved: a module's name ends with its file's stem
    (`app.deps`, `.deps`), a package's with its folder's name, or is dots alone (`from . import x`)."""
    stems = {_last_part(key) for key in changed}
    package = any(os.path.basename(key) == "__init__.py" for key in changed)
    out = []
    for candidate in candidates:
        key = str(candidate.path)
        names = project.imports.get(key)
        if names is None:
            data = peek(candidate)
            names = frozenset(imported_modules(data)) if data is not None and b"import" in data else frozenset()
            project.imports[key] = names
        for name in names:
            last = name.rsplit(".", 1)[-1]
            if (last in stems if last else package) and project.modules.resolve(key, name) in changed:
                out.append(candidate)
                break
    return out


def _last_part(path: str) -> str:
    """The last part of the names importing the module at `path`: its stem, or its folder's name
    for a package's `__init__.py`."""
    stem = Path(path).stem
    return os.path.basename(os.path.dirname(path)) if stem == "__init__" else stem


def readers_of(candidates: Sequence[Candidate], attrs: set[str], peek: Callable[[Candidate], Optional[bytes]]) -> list[Candidate]:
    """The files that may read what a middleware put on the request (`request.<attr>`)."""
    if not attrs:
        return []
    pattern = re.compile(rb"request(?:\.state)?\.(?:" + b"|".join(re.escape(a.encode()) for a in sorted(attrs)) + rb")\b")
    out = []
    for candidate in candidates:
        data = peek(candidate)
        if data is not None and pattern.search(data):
            out.append(candidate)
    return out
