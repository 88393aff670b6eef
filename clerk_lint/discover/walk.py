"""Find the source files to scan.

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
  except the root you named), whatever the .gitignore files say is ignored, and
  directories matched by an ``--exclude`` pattern.
* .gitignore files are honoured at every level of the walk, with git's
  precedence: a deeper file overrides a shallower one, and within a file the last
  matching pattern wins. When the root lies inside a git checkout, the
  .gitignore files of the folders between the checkout's top and the root, and
  ``.git/info/exclude``, apply as well (like git and ripgrep). Matching uses the
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

import fnmatch
import re
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from ..findings import FileProblem


class _LazyPathspec:
    """``pathspec``, imported on first use: explicit file arguments need no ignore files."""

    def __getattr__(self, name: str):
        import pathspec as module

        globals()["pathspec"] = module
        return getattr(module, name)


pathspec = _LazyPathspec()

# --------------------------------------------------------------------------- tables

# Keys starting with "." are file extensions (matched case-insensitively); any
# other key is an exact file name (for manifests such as "package.json").
LANGUAGES: dict[str, str] = {
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".vue": "vue",
    ".astro": "astro",
    ".svelte": "svelte",
    ".py": "python",
    # Non-code places a migration touches: manifests, env files, schemas, configs.
    "package.json": "package-json",
    "pyproject.toml": "pyproject",
    "Pipfile": "pipfile",
    ".prisma": "prisma",
    ".sql": "sql",
    "app.json": "json-config",
    "vercel.json": "json-config",
    "config.toml": "toml-config",
    "netlify.toml": "toml-config",
}

# File-name patterns (fnmatch, lower-cased name), tried after exact names and extensions.
LANGUAGE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("*requirements*.txt", "requirements"),
    ("requirements*.in", "requirements"),
    (".env", "dotenv"),
    (".env.*", "dotenv"),
    ("*.env", "dotenv"),
    (".envrc", "dotenv"),
    # Where deployments provide env variables (readers/deploy_env.py); generic .yml is not read.
    ("*.gitlab-ci.yml", "gitlab-ci"),
    ("*.gitlab-ci.yaml", "gitlab-ci"),
    ("docker-compose*.yml", "docker-compose"),
    ("docker-compose*.yaml", "docker-compose"),
    ("compose*.yml", "docker-compose"),
    ("compose*.yaml", "docker-compose"),
    ("dockerfile", "dockerfile"),
    ("*.dockerfile", "dockerfile"),
    ("dockerfile.*", "dockerfile"),
    ("render.yaml", "render-yaml"),
    ("fly.toml", "fly-toml"),
)

# Kinds known by their folder, matched against the '/'-separated path.
PATH_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?:^|/)\.github/workflows/[^/]+\.ya?ml$"), "github-actions"),
    (re.compile(r"(?:^|/)action\.ya?ml$"), "github-actions"),
)

DEFAULT_SKIP_DIRS: frozenset[str] = frozenset(
    {
        "node_modules",
        ".git",
        "dist",
        "build",
        ".next",
        "out",
        "coverage",
        ".turbo",
        ".vercel",
        "vendor",
        ".svelte-kit",
        ".nuxt",
        ".output",
        ".expo",
        "__pycache__",
        ".venv",
        "venv",
        "site-packages",  # any virtualenv, whatever its folder is called (env/lib/python3.x/...)
        ".tox",
        ".nox",
    }
)

# Matched against the end of the (lower-cased) file name.
MINIFIED_SUFFIXES: tuple[str, ...] = (".min.js", ".min.mjs", "-min.js", ".bundle.js")

REASON_SYMLINK = "symbolic link not followed"
REASON_SYMLINK_OUTSIDE = "link points outside the scanned root"
REASON_SYMLINK_SEEN = "symbolic link target already scanned"
REASON_SYMLINK_BROKEN = "broken symbolic link"
REASON_NOT_REGULAR = "not a regular file"
REASON_UNKNOWN_TYPE = "not a supported source file type"


class DiscoveryError(Exception):
    """A path given to discover() does not exist (the CLI exits with code 2)."""


@dataclass(frozen=True)
class Candidate:
    path: Path  # absolute (symbolic links in it are kept, not resolved)
    relpath: str  # '/'-separated, relative to root
    root: Path
    language: str


def language_for(name: str, languages: Mapping[str, str] = LANGUAGES,
                 patterns: Sequence[tuple[str, str]] = LANGUAGE_PATTERNS, path: str = "") -> Optional[str]:
    """The language of a file name (or of its `path`, for PATH_PATTERNS), or None when it is not scanned."""
    if path and name.endswith((".yml", ".yaml")):
        lang = next((lang for rx, lang in PATH_PATTERNS if rx.search(path)), None)
        if lang is not None:
            return lang
    if not name.startswith("."):  # exact-name keys never start with a dot
        lang = languages.get(name)
        if lang is not None:
            return lang
    dot = name.rfind(".")
    if dot > 0:  # not a bare dot-file such as ".ts"
        lang = languages.get(name[dot:].lower())
        if lang is not None:
            return lang
    lower = name.lower()
    return next((lang for pattern, lang in patterns if fnmatch.fnmatchcase(lower, pattern)), None)


def is_minified(name: str) -> bool:
    return name.lower().endswith(MINIFIED_SUFFIXES)


# --------------------------------------------------------------------------- ignore


class _Level:
    """The patterns of one ignore file; ``base`` is its folder relative to the
    anchor ('' or 'some/dir/')."""

    __slots__ = ("base", "spec", "patterns", "any_match")

    def __init__(self, base: str, spec: pathspec.GitIgnoreSpec):
        self.base = base
        self.spec = spec
        self.patterns = [p for p in spec.patterns if p.include is not None]
        self.any_match = _any_match(self.patterns)


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _any_match(patterns) -> Optional[re.Pattern]:
    """One regex that matches where any of the patterns does: most paths match no pattern of
    a level, and one search tells so (pathspec tries the patterns one by one). None when the
    patterns cannot be joined; then every path takes the full test."""
    regexes = [getattr(p, "regex", None) for p in patterns]
    if not regexes or any(r is None or not isinstance(r.pattern, str) for r in regexes):
        return None
    if len({r.flags for r in regexes}) != 1:
        return None
    try:  # named groups would clash once joined; only the full test reads them
        return re.compile("|".join("(?:" + _NAMED_GROUP.sub("(?:", r.pattern) + ")" for r in regexes),
                          regexes[0].flags)
    except re.error:
        return None


def _read_ignore_lines(path: str) -> Optional[list[str]]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(4_000_000)
    except OSError:
        return None
    text = raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.splitlines()


def _load_level(path: str, base: str) -> Optional[_Level]:
    lines = _read_ignore_lines(path)
    if not lines:
        return None
    try:
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # a malformed pattern must not stop the scan
        spec = pathspec.GitIgnoreSpec.from_lines(_valid_lines(lines))
    level = _Level(base, spec)
    return level if level.patterns else None


def _valid_lines(lines: Iterable[str]) -> list[str]:
    good = []
    for line in lines:
        try:
            pathspec.GitIgnoreSpec.from_lines([line])
        except Exception:
            continue
        good.append(line)
    return good


def _is_ignored(levels: Sequence[_Level], path: str, is_dir: bool) -> bool:
    """``path`` is relative to the anchor, without a trailing slash.

    Deeper levels win. For files pathspec's GitIgnoreSpec decides within a level
    (it mirrors git's handling of files under re-included directories). For
    directories the last pattern matching "dir/" wins, so that ``*`` followed by
    ``!*/`` keeps directories walkable as it does in git."""
    for level in reversed(levels):
        base = level.base
        if base:
            if not path.startswith(base):
                continue
            sub = path[len(base):]
        else:
            sub = path
        if is_dir:
            sub += "/"
        if level.any_match is not None and level.any_match.search(sub) is None:
            continue  # no pattern of this level matches: it has no say
        if is_dir:
            for pat in reversed(level.patterns):
                if pat.match_file(sub) is not None:
                    return bool(pat.include)
        else:
            include = level.spec.check_file(sub).include
            if include is not None:
                return include
    return False


def _git_anchor(root: str) -> tuple[Optional[str], Optional[str]]:
    """(top of the enclosing git checkout, its git dir), or (None, None)."""
    cur = root
    while True:
        dotgit = os.path.join(cur, ".git")
        if os.path.isdir(dotgit):
            return cur, dotgit
        if os.path.isfile(dotgit):  # worktree / submodule: "gitdir: <path>"
            gitdir = None
            try:
                with open(dotgit, encoding="utf-8", errors="replace") as fh:
                    first = fh.readline().strip()
                if first.startswith("gitdir:"):
                    gitdir = os.path.normpath(os.path.join(cur, first[7:].strip()))
                    common = os.path.join(gitdir, "commondir")
                    if os.path.isfile(common):
                        with open(common, encoding="utf-8", errors="replace") as fh:
                            gitdir = os.path.normpath(os.path.join(gitdir, fh.readline().strip()))
            except OSError:
                gitdir = None
            return cur, gitdir
        parent = os.path.dirname(cur)
        if parent == cur:
            return None, None
        cur = parent


def _initial_levels(root: str) -> tuple[str, tuple[_Level, ...]]:
    """The ignore levels that apply above the walk, and the root's prefix
    relative to the anchor the levels are expressed in."""
    top, gitdir = _git_anchor(root)
    if top is None:
        return "", ()
    rel = os.path.relpath(root, top)
    prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
    levels: list[_Level] = []
    if gitdir:
        lvl = _load_level(os.path.join(gitdir, "info", "exclude"), "")
        if lvl:
            levels.append(lvl)
    # .gitignore files of the folders from the checkout top down to (but not
    # including) the root; the root's own one is read by the walk.
    parts = prefix.split("/")[:-1]
    for i in range(len(parts)):
        folder = os.path.join(top, *parts[:i])
        base = "".join(part + "/" for part in parts[:i])
        lvl = _load_level(os.path.join(folder, ".gitignore"), base)
        if lvl:
            levels.append(lvl)
    return prefix, tuple(levels)


# --------------------------------------------------------------------------- filters


class _Filters:
    def __init__(self, include: Sequence[str], exclude: Sequence[str]):
        self.include = self._compile("--include", include)
        self.exclude = self._compile("--exclude", exclude)
        # A directory can only be pruned by --exclude when no pattern re-includes.
        self.prune_dirs = bool(self.exclude) and not any(
            p.include is False for p in self.exclude.patterns
        )

    @staticmethod
    def _compile(option: str, patterns: Sequence[str]) -> Optional[pathspec.GitIgnoreSpec]:
        if not patterns:
            return None
        for pattern in patterns:
            try:
                pathspec.GitIgnoreSpec.from_lines([pattern])
            except Exception as exc:
                raise DiscoveryError(f"invalid {option} pattern {pattern!r}: {exc}") from None
        return pathspec.GitIgnoreSpec.from_lines(list(patterns))

    def keep_file(self, relpath: str) -> bool:
        if self.exclude is not None and self.exclude.match_file(relpath):
            return False
        if self.include is not None and not self.include.match_file(relpath):
            return False
        return True

    def prune_dir(self, relpath: str) -> bool:
        return self.prune_dirs and self.exclude.match_file(relpath + "/")  # type: ignore[union-attr]


# --------------------------------------------------------------------------- walk


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Walker:
    def __init__(
        self,
        root: str,
        filters: _Filters,
        languages: Mapping[str, str],
        follow_symlinks: bool,
        candidates: list[Candidate],
        problems: list[FileProblem],
        seen_paths: set[str],
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
        self.prefix, self.base_levels = _initial_levels(root)
        # Links met while walking, followed afterwards: (relpath, abs path, levels)
        self.pending_links: list[tuple[str, str, tuple[_Level, ...]]] = []

    # -- helpers
    def _ignored(self, levels, rel: str, is_dir: bool) -> bool:
        return bool(levels) and _is_ignored(levels, self.prefix + rel, is_dir)

    def _problem(self, rel: str, reason: str, kind: str = "skipped") -> None:
        self.problems.append(FileProblem(path=rel, reason=reason, kind=kind))

    def _add(self, abspath: str, rel: str, lang: str) -> None:
        if abspath in self.seen_paths:
            return
        self.seen_paths.add(abspath)
        self.candidates.append(Candidate(Path(abspath), rel, self.root_path, lang))

    def _wanted_file(self, levels, name: str, rel: str) -> Optional[str]:
        lang = language_for(name, self.languages, path=rel)
        if lang is None or is_minified(name):
            return None
        if self._ignored(levels, rel, False) or not self.filters.keep_file(rel):
            return None
        return lang

    def _wanted_dir(self, levels, name: str, rel: str) -> bool:
        if name in DEFAULT_SKIP_DIRS:
            return False
        if self._ignored(levels, rel, True) or self.filters.prune_dir(rel):
            return False
        return True

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
                        lvl = _load_level(entry.path, self.prefix + prefix)
                        if lvl is not None:
                            levels = (*levels, lvl)
                    break
            for entry in entries:
                name = entry.name
                rel = prefix + name
                try:
                    if entry.is_symlink():
                        self._symlink(entry.path, name, rel, levels)
                    elif entry.is_dir(follow_symlinks=False):
                        if self._wanted_dir(levels, name, rel):
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
            if self._wanted_file(levels, name, rel) is not None:
                self._problem(rel, REASON_SYMLINK_BROKEN)
            return
        if stat.S_ISDIR(st.st_mode):
            if not self._wanted_dir(levels, name, rel):
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
) -> tuple[list[Candidate], list[FileProblem]]:
    """Collect the files to scan under ``paths``.

    Returns the candidates sorted by relpath (then root) and the problems sorted
    by ``FileProblem.sort_key``. Raises ``DiscoveryError`` for a missing path."""
    for p in paths:
        if not os.path.exists(p):
            raise DiscoveryError(f"path not found: {p}")

    filters = _Filters(include, exclude)
    candidates: list[Candidate] = []
    problems: list[FileProblem] = []
    seen_paths: set[str] = set()

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
                abspath, filters, languages, follow_symlinks, candidates, problems, seen_paths
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
