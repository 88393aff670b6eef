"""Find the source files to scan (file kinds and default skips: `kinds.py`; .gitignore and
--include / --exclude: `ignore_rules.py`).

``discover()`` turns the paths given on the command line into a sorted list of
``Candidate`` files plus the ``FileProblem``s met on the way (symbolic links not
followed, FIFOs, unreadable directories ...).

What is walked and what is left out
-----------------------------------
* A path given explicitly that is a *file* is always taken when its language is
  known, even if a .gitignore, the default skip list or the minified-bundle rule
  would leave it out; only ``--include`` / ``--exclude`` still apply to it. An
  explicit file of an unknown type is reported as ``skipped``.
* A *directory* is walked with ``os.scandir``. Left out, and never descended into:
  the directories in ``DEFAULT_SKIP_DIRS`` (exact folder names, at any depth,
  except the root you named), those in ``OUTPUT_DIR_NAMES`` where ``holds_output``
  says they hold generated output (``default_excludes=False`` walks all of these),
  whatever the .gitignore files say is ignored (counted in ``DiscoveryStats``), and
  directories matched by an ``--exclude`` pattern.
* .gitignore files are honoured at every level of the walk, with git's
  precedence: a deeper file overrides a shallower one, and within a file the last
  matching pattern wins. When the root lies inside a git checkout, the
  .gitignore files of the folders between the checkout's top and the root, and
  ``.git/info/exclude``, apply as well (like git and ripgrep), except the patterns
  that cover the named root itself: a root you name is always walked. Matching uses the
  ``pathspec`` library's ``GitIgnoreSpec``.
* Minified bundles (``MINIFIED_SUFFIXES``) are left out silently.
* ``include`` / ``exclude`` are gitignore-style patterns matched against the
  relpath: exclude drops matches; include, when given, keeps only files matching
  at least one include pattern.

Relative paths
--------------
For a directory argument the root is that directory; for a file argument it is
the current working directory when the file lies under it, else the file's
folder. Relpaths are always '/'-separated. With several arguments the
candidates are de-duplicated by absolute path (first argument wins).

Symbolic links
--------------
By default links are not followed; a link that would otherwise have been scanned
(a link to a directory, or to a file of a known language) is reported once as
``skipped`` / "symbolic link not followed". With ``follow_symlinks=True`` links are
followed after the real tree has been walked (so real paths win over aliases),
never twice to the same directory or file (no loops), and never outside the
scanned root ("link points outside the scanned root").
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Mapping, Optional, Sequence

from ..findings import FileProblem
from .ignore_rules import PathFilters, initial_levels, is_ignored, IgnoreLevel, load_level, uncover
from .kinds import (DEFAULT_SKIP_DIRS, LANGUAGES, MANIFEST_NAMES, OUTPUT_DIR_NAMES, Candidate, DiscoveryError,
                    DiscoveryStats, holds_output, is_minified, language_for)

REASON_SYMLINK = "symbolic link not followed"
REASON_SYMLINK_OUTSIDE = "link points outside the scanned root"
REASON_SYMLINK_SEEN = "symbolic link target already scanned"
REASON_SYMLINK_BROKEN = "broken symbolic link"
REASON_NOT_REGULAR = "not a regular file"
REASON_UNKNOWN_TYPE = "not a supported source file type"




# --------------------------------------------------------------------------- walk


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Walker:
    def __init__(
        self,
        root: str,
        filters: PathFilters,
        languages: Mapping[str, str],
        follow_symlinks: bool,
        candidates: list[Candidate],
        problems: list[FileProblem],
        seen_paths: set[str],
        stats: DiscoveryStats,
        default_excludes: bool = True,
    ):
        self.root = root
        self.root_path = Path(root)
        self.root_real = os.path.realpath(root)
        self.filters = filters
        self.languages = languages
        self.follow = follow_symlinks
        self.candidates = candidates
        self.problems = problems
        self.seen_paths = seen_paths  # absolute candidate paths (across roots)
        self.visited_dirs: set[str] = set()  # real paths
        self.seen_files: set[str] = set()  # real paths
        self.stats = stats
        self.default_excludes = default_excludes
        self.prefix, levels = initial_levels(root)
        self.base_levels, covered = uncover(levels, self.prefix)
        if covered:
            stats.covered_roots.append(root)
        # Links met while walking, followed afterwards: (relpath, abs path, levels)
        self.pending_links: list[tuple[str, str, tuple[IgnoreLevel, ...]]] = []

    # -- helpers
    def _ignored(self, levels, rel: str, is_dir: bool) -> bool:
        return bool(levels) and is_ignored(levels, self.prefix + rel, is_dir)

    def _problem(self, rel: str, reason: str, kind: str = "skipped") -> None:
        self.problems.append(FileProblem(path=rel, reason=reason, kind=kind))

    def _add(self, abspath: str, rel: str, lang: str) -> None:
        if abspath in self.seen_paths:
            return
        self.seen_paths.add(abspath)
        self.candidates.append(Candidate(Path(abspath), rel, self.root_path, lang))

    def _wanted_file(self, levels, name: str, rel: str, count: bool = True) -> Optional[str]:
        lang = language_for(name, self.languages, path=rel)
        if lang is None or (self.default_excludes and is_minified(name)):
            return None
        if self._ignored(levels, rel, False):
            self.stats.ignored_files += count
            return None
        if not self.filters.keep_file(rel):
            return None
        return lang

    def _wanted_dir(self, levels, name: str, rel: str, path: str, siblings=None) -> bool:
        if name == ".git" or (self.default_excludes and self._default_skip(name, path, siblings)):
            return False
        if self._ignored(levels, rel, True):
            self.stats.ignored_folders += 1
            return False
        return not self.filters.prune_dir(rel)

    @staticmethod
    def _default_skip(name: str, path: str, siblings) -> bool:
        if name in DEFAULT_SKIP_DIRS:
            return True
        if name not in OUTPUT_DIR_NAMES:
            return False
        if siblings is None:
            try:
                siblings = os.listdir(os.path.dirname(path))
            except OSError:
                siblings = ()
        return holds_output(path, siblings)

    # -- walking
    def run(self) -> None:
        self.visited_dirs.add(self.root_real)
        self._walk(self.root, self.root_real, "", self.base_levels)
        # Follow links breadth-first, in relpath order, after the real tree:
        # aliases never win over the real location of a directory or file.
        while self.pending_links:
            batch = sorted(self.pending_links, key=lambda t: t[0])
            self.pending_links = []
            for rel, abspath, levels in batch:
                self._follow_link(rel, abspath, levels)

    def _walk(self, start: str, start_real: str, start_rel: str, levels) -> None:
        stack = [(start, start_real, start_rel, levels)]
        while stack:
            dirpath, dirreal, prefix, levels = stack.pop()
            try:
                with os.scandir(dirpath) as it:
                    entries = list(it)
            except OSError as exc:
                self._problem(
                    prefix.rstrip("/") or ".",
                    f"cannot list directory: {exc.strerror or exc}",
                    "unreadable",
                )
                continue
            for entry in entries:
                if entry.name == ".gitignore":
                    try:
                        regular = entry.is_file()
                    except OSError:
                        regular = False
                    if regular:
                        lvl = load_level(entry.path, self.prefix + prefix)
                        if lvl is not None:
                            levels = (*levels, lvl)
                    break
            manifests = [e.name for e in entries if e.name in MANIFEST_NAMES and _is_file(e)]
            self.stats.listed[dirpath] = frozenset(manifests)
            siblings = None  # the names in this folder, listed for a folder called build/out/vendor
            for entry in entries:
                name = entry.name
                rel = prefix + name
                if siblings is None and name in OUTPUT_DIR_NAMES:
                    siblings = {e.name for e in entries}
                try:
                    if entry.is_symlink():
                        self._symlink(entry.path, name, rel, levels)
                    elif entry.is_dir(follow_symlinks=False):
                        if self._wanted_dir(levels, name, rel, entry.path, siblings):
                            real = os.path.join(dirreal, name)
                            if real in self.visited_dirs:
                                continue
                            self.visited_dirs.add(real)
                            stack.append((entry.path, real, rel + "/", levels))
                    elif entry.is_file(follow_symlinks=False):
                        lang = self._wanted_file(levels, name, rel)
                        if lang is not None:
                            if self.follow:
                                real = os.path.join(dirreal, name)
                                if real in self.seen_files:
                                    continue
                                self.seen_files.add(real)
                            self._add(entry.path, rel, lang)
                    else:
                        if not self._ignored(levels, rel, False) and self.filters.keep_file(rel):
                            self._problem(rel, REASON_NOT_REGULAR)
                except OSError as exc:  # entry vanished or cannot be stat'ed
                    self._problem(rel, f"cannot read: {exc.strerror or exc}", "unreadable")

    def _symlink(self, abspath: str, name: str, rel: str, levels) -> None:
        try:
            st = os.stat(abspath)
        except OSError:
            st = None
        if st is None:
            if self._wanted_file(levels, name, rel, count=False) is not None:
                self._problem(rel, REASON_SYMLINK_BROKEN)
            return
        if stat.S_ISDIR(st.st_mode):
            if not self._wanted_dir(levels, name, rel, abspath):
                return
        elif stat.S_ISREG(st.st_mode):
            if self._wanted_file(levels, name, rel) is None:
                return
        else:
            if self._ignored(levels, rel, False) or not self.filters.keep_file(rel):
                return
            self._problem(rel, REASON_NOT_REGULAR)
            return
        if not self.follow:
            self._problem(rel, REASON_SYMLINK)
            return
        self.pending_links.append((rel, abspath, levels))

    def _follow_link(self, rel: str, abspath: str, levels) -> None:
        real = os.path.realpath(abspath)
        if not _within(real, self.root_real):
            self._problem(rel, REASON_SYMLINK_OUTSIDE)
            return
        try:
            st = os.stat(real)
        except OSError:
            self._problem(rel, REASON_SYMLINK_BROKEN)
            return
        if stat.S_ISDIR(st.st_mode):
            if real in self.visited_dirs:
                self._problem(rel, REASON_SYMLINK_SEEN)
                return
            self.visited_dirs.add(real)
            self._walk(abspath, real, rel + "/", levels)
        else:
            if real in self.seen_files:
                self._problem(rel, REASON_SYMLINK_SEEN)
                return
            self.seen_files.add(real)
            lang = language_for(os.path.basename(rel), self.languages, path=rel)
            if lang is not None:
                self._add(abspath, rel, lang)


# --------------------------------------------------------------------------- entry


def holds_files(paths: Sequence[Path]) -> bool:
    """Whether any file lies under `paths` (outside .git; links not followed). Asked only when a
    scan found nothing to scan, so it stops at the first file."""
    for p in paths:
        if not os.path.isdir(p):
            if os.path.lexists(p):
                return True
            continue
        stack = [os.path.abspath(p)]
        while stack:
            try:
                with os.scandir(stack.pop()) as it:
                    for entry in it:
                        if not entry.is_dir(follow_symlinks=False):
                            return True
                        if entry.name != ".git":
                            stack.append(entry.path)
            except OSError:
                continue
    return False


def _file_root(abspath: str) -> tuple[str, str]:
    """(root, relpath) for a file argument: relative to the cwd when the file is
    under it, else to the file's own folder."""
    cwd = os.getcwd()
    if _within(abspath, cwd) and abspath != cwd:
        return cwd, os.path.relpath(abspath, cwd).replace(os.sep, "/")
    # The file may be under the cwd through a symlinked spelling of either.
    real = os.path.realpath(abspath)
    cwd_real = os.path.realpath(cwd)
    if _within(real, cwd_real) and real != cwd_real:
        return cwd_real, os.path.relpath(real, cwd_real).replace(os.sep, "/")
    return os.path.dirname(abspath), os.path.basename(abspath)


def discover(
    paths: Sequence[Path],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
    languages: Mapping[str, str] = LANGUAGES,
    default_excludes: bool = True,
    stats: Optional[DiscoveryStats] = None,
) -> tuple[list[Candidate], list[FileProblem]]:
    """Collect the files to scan under ``paths``.

    Returns the candidates sorted by relpath (then root) and the problems sorted
    by ``FileProblem.sort_key``. Raises ``DiscoveryError`` for a missing path."""
    for p in paths:
        if not os.path.exists(p):
            raise DiscoveryError(f"path not found: {p}")

    filters = PathFilters(include, exclude)
    candidates: list[Candidate] = []
    problems: list[FileProblem] = []
    seen_paths: set[str] = set()
    stats = stats if stats is not None else DiscoveryStats()

    for p in paths:
        abspath = os.path.abspath(p)
        try:
            st = os.stat(abspath)
        except OSError as exc:
            problems.append(
                FileProblem(path=str(p), reason=f"cannot read: {exc.strerror or exc}", kind="unreadable")
            )
            continue
        if stat.S_ISDIR(st.st_mode):
            _Walker(
                abspath, filters, languages, follow_symlinks, candidates, problems, seen_paths, stats,
                default_excludes,
            ).run()
            continue
        root, rel = _file_root(abspath)
        if not filters.keep_file(rel):
            continue
        if not stat.S_ISREG(st.st_mode):
            problems.append(FileProblem(path=rel, reason=REASON_NOT_REGULAR, kind="skipped"))
            continue
        lang = language_for(os.path.basename(abspath), languages, path=abspath.replace(os.sep, "/"))
        if lang is None:
            problems.append(FileProblem(path=rel, reason=REASON_UNKNOWN_TYPE, kind="skipped"))
            continue
        if abspath in seen_paths:
            continue
        seen_paths.add(abspath)
        candidates.append(Candidate(Path(abspath), rel, Path(root), lang))

    candidates.sort(key=lambda c: (c.relpath, str(c.root)))
    # The same problem can be met from two arguments; keep one of each.
    problems = sorted(set(problems), key=FileProblem.sort_key)
    return candidates, problems


def _is_file(entry: os.DirEntry) -> bool:
    """A regular file or a link to one (as os.path.isfile says)."""
    try:
        return entry.is_file()
    except OSError:
        return False
