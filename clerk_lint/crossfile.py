"""Project-wide pass for the JS/TS family: Clerk reached through the app's own modules.

Round 1 analyzes every file that mentions Clerk. Each analysis yields a summary of what
the module exports that is Clerk-backed. A later round re-analyzes only the files that can
import a module whose summary changed (a cheap byte test on the module's tokens, then real
import resolution), so a wrapper of a wrapper is found one round later, and the work stays
proportional to the Clerk-touching part of the repo rather than to the whole repo.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional, Sequence

from .bindings import Origin
from .catalog import Catalog, is_clerk_module
from .discover import Candidate
from .findings import FileAnalysis, FileProblem
from .js_analyzer import MARKERS
from .js_exports import ModuleSummary
from .module_resolver import ModuleResolver

MAX_ROUNDS = 6  # a wrapper chain deeper than this many modules is not followed
Reader = Callable[[Candidate], tuple[Optional[object], Optional[FileProblem]]]
Analyze = Callable[[Candidate, object, Optional["FileContext"]], FileAnalysis]


class Project:
    def __init__(self, candidates: Sequence[Candidate], catalog: Catalog):
        self.catalog = catalog
        self.by_path = {str(c.path): c for c in candidates}
        roots = sorted({str(c.root) for c in candidates})
        self.resolver = ModuleResolver([Path(r) for r in roots])
        self.summaries: dict[str, ModuleSummary] = {}

    def resolve(self, importer: Candidate, specifier: str) -> Optional[str]:
        if is_clerk_module(specifier):
            return None
        target = self.resolver.resolve(importer.path, specifier)
        if target is None:
            return None
        key = str(target)
        return key if key in self.by_path else None

    def lookup(self, module: str, name: str, depth: int = 0) -> Optional[Origin]:
        """The Clerk-backed value `name` exported by `module`, following forwards and stars."""
        summary = self.summaries.get(module)
        if summary is None or depth > MAX_ROUNDS:
            return None
        if name in summary.exports:
            return summary.exports[name]
        display = self.by_path[module].relpath
        if name in summary.forwards:
            target, original = summary.forwards[name]
            found = self.lookup(target, original, depth + 1)
            return found.through(display) if found is not None and found.wrapper is None else found
        for spec in summary.clerk_stars:
            if self.catalog.export_info(spec, name) is not None:
                return Origin(spec, name).through(display)
        for target in summary.local_stars:
            found = self.lookup(target, name, depth + 1)
            if found is not None:
                return found.through(display) if found.wrapper is None else found
        return None


class FileContext:
    """The project as one file's analysis sees it."""

    def __init__(self, project: Project, candidate: Candidate):
        self.project = project
        self.candidate = candidate

    def resolve(self, specifier: str) -> Optional[str]:
        return self.project.resolve(self.candidate, specifier)

    def lookup(self, module: str, name: str) -> Optional[Origin]:
        return self.project.lookup(module, name)


def _token_pattern(tokens: set[str]) -> Optional[re.Pattern]:
    if not tokens:
        return None
    # A file name that is not valid UTF-8 comes with surrogate escapes: encode them back to its bytes.
    return re.compile(b"|".join(re.escape(t.encode("utf-8", "surrogateescape"))
                                for t in sorted(tokens, key=len, reverse=True)))


def analyze_project(candidates: Sequence[Candidate], catalog: Catalog, read: Reader,
                    analyze: Analyze) -> dict[str, tuple[FileAnalysis, list[FileProblem]]]:
    """Analyze the JS/TS candidates; returns path -> (latest analysis, read problems)."""
    project = Project(candidates, catalog)
    results: dict[str, tuple[FileAnalysis, list[FileProblem]]] = {}

    def run(candidate: Candidate, source) -> None:
        analysis = analyze(candidate, source, FileContext(project, candidate))
        key = str(candidate.path)
        results[key] = (analysis, results.get(key, (None, []))[1])
        new = analysis.summary
        if new != project.summaries.get(key):
            if new is None:
                project.summaries.pop(key, None)
            else:
                project.summaries[key] = new
            changed.add(key)

    changed: set[str] = set()
    for candidate in candidates:
        source, problem = read(candidate)
        results[str(candidate.path)] = (FileAnalysis(), [problem] if problem is not None else [])
        if source is not None and MARKERS.search(source.data):
            run(candidate, source)
    for _ in range(MAX_ROUNDS):
        if not changed:
            break
        tokens: set[str] = set()
        for key in changed:
            tokens |= set(project.resolver.tokens(Path(key)))
        pattern = _token_pattern(tokens)
        changed = set()
        if pattern is None:
            break
        for candidate in candidates:
            source, _ = read(candidate)
            if source is not None and pattern.search(source.data):
                run(candidate, source)
    return results
