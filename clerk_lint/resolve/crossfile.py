"""Project-wide pass for the JS/TS family: Clerk reached through the app's own modules.

Round 1 analyzes every file that mentions Clerk. Each analysis yields a summary of what
the module exports that is Clerk-backed. A later round re-analyzes only the files that can
import a module whose summary changed (a cheap byte test on the module's tokens, then real
import resolution), so a wrapper of a wrapper is found one round later, and the work stays
proportional to the Clerk-touching part of the repo rather than to the whole repo.

Round 1 sees no other module's summary (``first_round``): its outcome for a file depends on
that file and the module resolver only, so it can run in worker processes, in any order,
and the later rounds start from the same state whichever way it ran.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from .. import progress, time_budget
from ..concepts.catalog import Catalog, is_clerk_module
from ..discover.kinds import Candidate
from ..findings import FileAnalysis, FileProblem
from ..readers.prefilter import mentions_clerk  # js_analyzer.MARKERS as a substring test
from ..discover.project_sdks import may_read_framework_auth
from ..readers.ecma.nuxt import may_auto_import

if TYPE_CHECKING:  # the parsers load only when a file needs them
    from ..readers.ecma.records import Origin
    from ..readers.ecma.exports import ModuleSummary

MAX_ROUNDS = 6  # a wrapper chain deeper than this many modules is not followed
# Problems after which an analysis may not be what a full one gives: it is not kept across rounds.
UNSURE_KINDS = frozenset({"internal-error", time_budget.KIND})
Reader = Callable[[Candidate], tuple[Optional[object], Optional[FileProblem]]]
Analyze = Callable[[Candidate, object, Optional["FileContext"]], FileAnalysis]


class Project:
    def __init__(self, candidates: Sequence[Candidate], catalog: Catalog):
        self.catalog = catalog
        self.by_path = {str(c.path): c for c in candidates}
        self.roots = sorted({str(c.root) for c in candidates})
        self._resolver = None
        self.summaries: dict[str, ModuleSummary] = {}
        self._stores_of: Optional[dict] = None  # the summaries `_stores` was computed from
        self._stores: dict[str, Origin] = {}
        self._passes_of: Optional[dict] = None
        self._passes: dict[str, list] = {}

    @property
    def resolver(self):
        """The ModuleResolver, made (and its module imported) on first use."""
        if self._resolver is None:
            from .module_resolver import ModuleResolver

            self._resolver = ModuleResolver([Path(r) for r in self.roots])
        return self._resolver

    def config_problems(self) -> list:
        """tsconfig problems the resolver met; none when nothing needed resolving (a scan of
        files without Clerk never makes the resolver)."""
        return self._resolver.config_problems() if self._resolver is not None else []

    def prepare(self) -> None:
        """Do now the one-off work later rounds would start with (see ModuleResolver.prepare_tokens)."""
        self.resolver.prepare_tokens()

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
        if summary is None or depth > MAX_ROUNDS or not summary.importable():
            return None  # (a module that only stores or passes values exports nothing of Clerk's)
        if name == "*":  # `import * as m`, `const m = require()`: members are looked up when read
            if summary.whole_default:
                return summary.exports["default"]
            from ..readers.ecma.records import Origin

            return Origin(module, "*", app=True)
        if name in summary.exports:
            return summary.exports[name]
        display = self.by_path[module].relpath
        if name in summary.namespaces:
            return _reexported(self.lookup(summary.namespaces[name], "*", depth + 1), display)
        if name in summary.forwards:
            target, original = summary.forwards[name]
            return _reexported(self.lookup(target, original, depth + 1), display)
        for spec in summary.clerk_stars:
            if self.catalog.export_info(spec, name) is not None:
                from ..readers.ecma.records import Origin

                return Origin(spec, name).through(display)
        for target in summary.local_stars:
            found = self.lookup(target, name, depth + 1)
            if found is not None:
                return _reexported(found, display)
        return None

    def lookup_type(self, module: str, name: str) -> Optional[Origin]:
        """The Clerk-backed context a type `name` exported by `module` names (ModuleSummary.types)."""
        summary = self.summaries.get(module)
        return summary.types.get(name) if summary is not None else None

    def incoming(self, module: str) -> list:
        """What other modules pass to `module` (passing.Pass), one value per receiving parameter:
        the first caller in path order wins."""
        if self._passes_of is not self.summaries:
            by_target: dict[str, dict[tuple, object]] = {}
            for path in sorted(self.summaries):
                for item in self.summaries[path].passes:
                    by_target.setdefault(item.target, {}).setdefault((item.name, item.kind, item.index), item)
            self._passes_of, self._passes = self.summaries, {k: list(v.values()) for k, v in by_target.items()}
        return self._passes.get(module, [])

    def store_keys(self, data: bytes, own: frozenset = frozenset()) -> dict[str, Origin]:
        """Request-scoped keys any module stores a Clerk value in (ModuleSummary.stores) that
        `data` names, but `own` (what the file stores itself: its own copy wins); the first
        module in path order names a key stored in several."""
        from ..readers.ecma.value_stores import key_tokens

        return {key: origin for key, origin in self._all_store_keys().items() if key not in own and any(
            token.encode("utf-8", "surrogateescape") in data for token in key_tokens(key))}

    def _all_store_keys(self) -> dict[str, Origin]:
        if self._stores_of is not self.summaries:
            keys: dict[str, Origin] = {}
            for path in sorted(self.summaries):
                for key, origin in self.summaries[path].stores.items():
                    keys.setdefault(key, origin)
            self._stores_of, self._stores = self.summaries, keys
        return self._stores


    def answers_as_before(self, asked: Optional[dict], path: str, data: bytes) -> bool:
        """Whether every question an analysis of `path` asked (FileContext.asked) gets the same
        answer now: the analysis would come out the same, so a later round keeps it. None
        (not known) is never the same."""
        if asked is None:
            return False
        for question, answer in asked.items():
            kind = question[0]
            if kind == "lookup":
                now = self.lookup(question[1], question[2])
            elif kind == "type":
                now = self.lookup_type(question[1], question[2])
            elif kind == "keys":
                now = self.store_keys(data, frozenset(question[1]))
            elif kind == "incoming":
                now = self.incoming(path)
            else:
                return False
            if now != answer:
                return False
        return True


def stored_tokens(summary: Optional[ModuleSummary]) -> set[str]:
    """Bytes of the files that may read back what the module stores (`"userId"`, `locals.userId`);
    the modules it passes values to are re-read by path (`analyze_project`)."""
    if summary is None or not summary.stores:
        return set()
    from ..readers.ecma.value_stores import key_tokens

    return {token for key in summary.stores for token in key_tokens(key)}


def _reexported(found: Optional[Origin], display: str) -> Optional[Origin]:
    """`found` re-exported by the module `display`; a wrapper stays as it is (its findings show the wrapper chain)."""
    return found.through(display) if found is not None and found.wrapper is None else found


class FileContext:
    """The project as one file's analysis sees it. It notes each question asked of the other
    modules with its answer (`asked`), so a later round can tell the analysis would not change
    (Project.answers_as_before); which module a specifier names never changes within a scan."""

    def __init__(self, project: Project, candidate: Candidate):
        self.project = project
        self.candidate = candidate
        self.asked: dict[tuple, object] = {}

    def resolve(self, specifier: str) -> Optional[str]:
        return self.project.resolve(self.candidate, specifier)

    def lookup(self, module: str, name: str) -> Optional[Origin]:
        found = self.asked[("lookup", module, name)] = self._lookup(module, name)
        return found

    def lookup_type(self, module: str, name: str) -> Optional[Origin]:
        found = self.asked[("type", module, name)] = self._lookup_type(module, name)
        return found

    def store_keys(self, data: bytes, own: frozenset = frozenset()) -> dict[str, Origin]:
        found = self.asked[("keys", tuple(sorted(own)))] = self._store_keys(data, own)
        return found

    def incoming(self) -> list:
        found = self.asked[("incoming",)] = self._incoming()
        return found

    def _lookup(self, module: str, name: str) -> Optional[Origin]:
        return self.project.lookup(module, name)

    def _lookup_type(self, module: str, name: str) -> Optional[Origin]:
        return self.project.lookup_type(module, name)

    def _store_keys(self, data: bytes, own: frozenset) -> dict[str, Origin]:
        return self.project.store_keys(data, own)

    def _incoming(self) -> list:
        return self.project.incoming(str(self.candidate.path))


class FirstRoundContext(FileContext):
    """Round 1: imports resolve, but no module is known to be Clerk-backed yet."""

    def _lookup(self, module: str, name: str) -> Optional[Origin]:
        return None

    def _lookup_type(self, module: str, name: str) -> Optional[Origin]:
        return None

    def _store_keys(self, data: bytes, own: frozenset) -> dict[str, Origin]:
        return {}

    def _incoming(self) -> list:
        return []


def analyze_in(context: FileContext, candidate: Candidate, source, analyze: Analyze) -> FileAnalysis:
    """`analyze` under `context`, the analysis keeping the questions it asked (None when it
    stopped short: an internal error or the time budget, analyzed afresh whenever it may matter)."""
    analysis = analyze(candidate, source, context)
    whole = not any(p.kind in UNSURE_KINDS for p in analysis.problems)
    analysis.asked = dict(context.asked) if whole else None
    return analysis


FirstRound = tuple[Optional[FileAnalysis], list[FileProblem]]
RunRound = Callable[[re.Pattern, dict, dict], Optional[dict]]


def first_round(project: Project, candidate: Candidate, read: Reader, analyze: Analyze) -> FirstRound:
    """Read one file and, when it mentions Clerk, analyze it for round 1: (analysis or None,
    read problems)."""
    source, problem = read(candidate)
    problems = [problem] if problem is not None else []
    if source is None or not may_matter(candidate, source.data):
        return None, problems
    return analyze_in(FirstRoundContext(project, candidate), candidate, source, analyze), problems


def may_matter(candidate: Candidate, data: bytes) -> bool:
    """Round 1's byte test: the file mentions Clerk, reads a framework's auth object in a
    package that depends on a Clerk framework SDK, or calls a Nuxt auto-import of Clerk's
    module (no import needed there)."""
    return mentions_clerk(data) or bool(may_read_framework_auth(candidate.path, data)) \
        or may_auto_import(candidate.path, data)


def _peek(candidate: Candidate, max_bytes: int) -> Optional[bytes]:
    """The file's bytes for the token test of later rounds: no decoding, as tokens are
    parts of import specifiers. UTF-16/32 files are decoded so they can match too."""
    from ..readers.source import decode_source, read_bytes

    raw, _ = read_bytes(candidate.path, candidate.relpath, max_bytes=max_bytes)
    if raw is None:
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        source, _ = decode_source(raw, candidate.relpath)
        return source.data if source is not None else None
    return raw


def _token_pattern(tokens: set[str]) -> Optional[re.Pattern]:
    if not tokens:
        return None
    # A file name that is not valid UTF-8 comes with surrogate escapes: encode them back to its bytes.
    return re.compile(_trie_regex([t.encode("utf-8", "surrogateescape") for t in tokens]))


def _trie_regex(words: list[bytes]) -> bytes:
    """One regex matching any of `words`, its alternatives factored by common prefix: a flat
    alternation of hundreds of literals tries each one at every byte (13x slower on a round's
    few hundred tokens)."""
    trie: dict = {}
    for word in words:
        node = trie
        for byte in word:
            node = node.setdefault(byte, {})
        node[None] = True  # a word ends here

    def emit(node: dict) -> bytes:
        branches = [re.escape(bytes([byte])) + emit(child) for byte, child in sorted(
            ((b, c) for b, c in node.items() if b is not None))]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        return b"(?:" + body + b")?" if None in node else body  # a word ending here: longer ones optional

    return emit(trie)


def analyze_project(candidates: Sequence[Candidate], catalog: Catalog, read: Reader,
                    analyze: Analyze, first: Optional[dict[str, FirstRound]] = None,
                    max_bytes: int = 2_000_000,
                    run_round: Optional[RunRound] = None,
                    project: Optional[Project] = None) -> dict[str, tuple[FileAnalysis, list[FileProblem]]]:
    """Analyze the JS/TS candidates; returns path -> (latest analysis, read problems).

    ``first``: round 1's outcome by path when it was computed elsewhere (worker processes);
    a path missing from it had nothing to report (no problem, no Clerk mention).
    ``run_round(pattern, summaries, previous)``: a later round computed elsewhere, path ->
    analysis of each file whose bytes match the token pattern, but those whose last analysis
    asked questions (`previous`, by path) that get the same answers; None when it could not
    (then it runs here).

    Every analysis of a round sees the summaries as they were when the round began, and the
    new summaries apply together at its end: the outcome does not depend on the order files
    are analyzed in, nor on where.

    ``project``: a Project made earlier over the same candidates (say, prepared while round 1
    ran elsewhere); without it one is made here."""
    project = project if project is not None else Project(candidates, catalog)
    results: dict[str, tuple[FileAnalysis, list[FileProblem]]] = {}

    changed: set[str] = set()  # modules whose summary changed
    imported: set[str] = set()  # those of them whose importers see a change
    pushed: set[str] = set()  # modules other modules pass Clerk values to, whose passes changed
    for candidate in candidates:
        key = str(candidate.path)
        if first is None:
            analysis, problems = first_round(project, candidate, read, analyze)
        else:
            analysis, problems = first.get(key, (None, []))
        results[key] = (analysis or FileAnalysis(), problems)
        if analysis is not None and analysis.summary is not None:
            project.summaries[key] = analysis.summary
            changed.add(key)
            if analysis.summary.importable():
                imported.add(key)
            pushed |= {p.target for p in analysis.summary.passes}
    for n in range(MAX_ROUNDS):
        if not changed:
            break
        tokens: set[str] = set()
        for key in imported:  # (the specifiers that can name the module: resolving them is costly)
            tokens |= set(project.resolver.tokens(Path(key)))
        for key in changed:
            tokens |= stored_tokens(project.summaries.get(key))
        pattern = _token_pattern(tokens)
        changed, imported = set(), set()
        if pattern is None and not pushed:
            break
        with progress.phase(f"cross-file round {n + 2}"):  # round 1 is the per-file scan
            previous = {key: analysis.asked for key, (analysis, _) in results.items() if analysis.asked is not None}
            analyses = run_round(pattern, project.summaries, previous) \
                if run_round is not None and pattern is not None else None
            if analyses is None:
                analyses = {}
                for candidate in candidates if pattern is not None else ():
                    key = str(candidate.path)
                    data = _peek(candidate, max_bytes)
                    if data is not None and pattern.search(data) \
                            and not project.answers_as_before(results[key][0].asked, key, data):
                        source, _ = read(candidate)
                        if source is not None:
                            analyses[key] = analyze_in(FileContext(project, candidate), candidate, source, analyze)
            # The modules receiving values by name: few, read here whatever their bytes.
            for key in sorted(pushed - set(analyses)):
                candidate = project.by_path.get(key)
                data = _peek(candidate, max_bytes) if candidate is not None else None
                if data is None or project.answers_as_before(results[key][0].asked, key, data):
                    continue
                source = read(candidate)[0]
                if source is not None:
                    analyses[key] = analyze_in(FileContext(project, candidate), candidate, source, analyze)
        pushed = set()
        summaries = dict(project.summaries)
        for key, analysis in analyses.items():
            results[key] = (analysis, results[key][1])
            new = analysis.summary
            old = project.summaries.get(key)
            if new != old:
                if new is None:
                    summaries.pop(key, None)
                else:
                    summaries[key] = new
                changed.add(key)
                if (old.importable() if old is not None else ()) != (new.importable() if new is not None else ()):
                    imported.add(key)
                old_passes = set(old.passes) if old is not None else set()
                new_passes = set(new.passes) if new is not None else set()
                pushed |= {p.target for p in old_passes ^ new_passes}
        project.summaries = summaries
    return results
