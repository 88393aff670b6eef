"""Project pass for Python: Clerk reached through the app's own modules.

The per-file pass reads each Python file alone. This pass takes the files it found Clerk in,
analyses them again with a context that resolves their imports to project files, and keeps
what each module offers its importers (readers/python/summary.py: a Clerk client made there,
a function that authenticates with Clerk, the Clerk data a function returns). A later round
re-reads the files that may import a module whose summary changed (a byte test on the
module's name, then real resolution), so a wrapper of a wrapper is found one round later.
Each round sees the summaries as they were when it began: the outcome does not depend on the
order files are read in. The analyses also carry the Clerk ids the files write into model
columns (StoredIdWrite), resolved to the file declaring the model.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional, Sequence

from ..discover.kinds import Candidate
from ..findings import FileAnalysis

MAX_ROUNDS = 6
Analyze = Callable[[Candidate, object], Optional[FileAnalysis]]  # (candidate, context) -> analysis
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class PyModules:
    """Import names -> project files, the way Python finds them from the importing file:
    relative imports from its package; absolute ones from the nearest folder above it (up to
    the scan root) that holds the module, else from any folder holding it (src layouts)."""

    def __init__(self, candidates: Sequence[Candidate]):
        self.files = {str(c.path): c for c in candidates}
        self._by_parts: Optional[dict[tuple[str, ...], list[str]]] = None
        self._memo: dict[tuple[str, str], Optional[str]] = {}

    def _file(self, base: Path, parts: list[str]) -> Optional[str]:
        target = base.joinpath(*parts) if parts else base
        for option in ((str(target) + ".py") if parts else None, str(target / "__init__.py")):
            if option is not None and option in self.files:
                return option
        return None

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
        path = Path(importer)
        if level:
            base = path.parent
            for _ in range(level - 1):
                base = base.parent
            return self._file(base, parts)
        if not parts:
            return None
        root = Path(candidate.root)
        folder = path.parent
        while True:
            found = self._file(folder, parts)
            if found is not None:
                return found
            if folder == root or folder.parent == folder or root not in folder.parents:
                break
            folder = folder.parent
        options = self._suffixes().get(tuple(parts), [])
        if not options:
            return None
        # the one sharing the longest folder prefix with the importer
        return max(options, key=lambda o: (len(_common(o, importer)), o))


def _common(a: str, b: str) -> str:
    import os

    return os.path.commonpath([a, b]) if Path(a).anchor == Path(b).anchor else ""


class PyProject:
    def __init__(self, candidates: Sequence[Candidate]):
        self.modules = PyModules(candidates)
        self.summaries: dict[str, tuple] = {}

    def export(self, importer: str, module: str, name: str):
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

    def tokens(self, key: str) -> set[str]:
        """Words an importer of this module must contain: its name (a package's folder name)."""
        path = Path(key)
        name = path.parent.name if path.name == "__init__.py" else path.stem
        return {name} if name else set()


class PyContext:
    """One file's view of the project (what readers/python asks: summary.py)."""

    def __init__(self, project: PyProject, candidate: Candidate):
        self.project = project
        self.key = str(candidate.path)

    def python_export(self, module: str, name: str):
        return self.project.export(self.key, module, name)

    def python_module(self, module: str) -> Optional[str]:
        return self.project.modules.resolve(self.key, module)


def analyze_python_project(candidates: Sequence[Candidate], start: Sequence[Candidate], peek: Callable[[Candidate], Optional[bytes]],
                           analyze: Analyze, project: Optional[PyProject] = None) -> dict[str, FileAnalysis]:
    """path -> the analysis of every Python file read with the project's context: the files
    in `start` (those the per-file pass found Clerk in) and the importers of Clerk-backed
    modules. ``peek(candidate)`` gives a file's bytes for the importer test."""
    project = project if project is not None else PyProject(candidates)
    results: dict[str, FileAnalysis] = {}
    todo = list(start)
    for _ in range(MAX_ROUNDS + 1):
        if not todo:
            break
        snapshot = PyProject.__new__(PyProject)
        snapshot.modules, snapshot.summaries = project.modules, dict(project.summaries)
        changed = set()
        for candidate in todo:
            key = str(candidate.path)
            analysis = analyze(candidate, PyContext(snapshot, candidate))
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
        tokens: set[str] = set()
        for key in changed:
            tokens |= project.tokens(key)
        pattern = re.compile(b"|".join(re.escape(t.encode("utf-8", "surrogateescape"))
                                       for t in sorted(tokens, key=len, reverse=True))) if tokens else None
        todo = []
        if pattern is None:
            break
        for candidate in candidates:
            data = peek(candidate)
            if data is not None and b"import" in data and pattern.search(data):
                todo.append(candidate)
    return results
