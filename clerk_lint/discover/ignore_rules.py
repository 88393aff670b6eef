"""What a walk leaves out by the user's rules: .gitignore files at every level (with git's
precedence, and the checkout's files above the root) and the --include / --exclude patterns."""
from __future__ import annotations

import os
import re
from typing import Iterable, Optional, Sequence

from .kinds import DiscoveryError

class _LazyPathspec:
    """``pathspec``, imported on first use: explicit file arguments need no ignore files."""

    def __getattr__(self, name: str):
        import pathspec as module

        globals()["pathspec"] = module
        return getattr(module, name)


pathspec = _LazyPathspec()


class IgnoreLevel:
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


def load_level(path: str, base: str) -> Optional[IgnoreLevel]:
    lines = _read_ignore_lines(path)
    if not lines:
        return None
    try:
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # a malformed pattern must not stop the scan
        spec = pathspec.GitIgnoreSpec.from_lines(_valid_lines(lines))
    level = IgnoreLevel(base, spec)
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


def is_ignored(levels: Sequence[IgnoreLevel], path: str, is_dir: bool) -> bool:
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


def initial_levels(root: str) -> tuple[str, tuple[IgnoreLevel, ...]]:
    """The ignore levels that apply above the walk, and the root's prefix
    relative to the anchor the levels are expressed in."""
    top, gitdir = _git_anchor(root)
    if top is None:
        return "", ()
    rel = os.path.relpath(root, top)
    prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
    levels: list[IgnoreLevel] = []
    if gitdir:
        lvl = load_level(os.path.join(gitdir, "info", "exclude"), "")
        if lvl:
            levels.append(lvl)
    # .gitignore files of the folders from the checkout top down to (but not
    # including) the root; the root's own one is read by the walk.
    parts = prefix.split("/")[:-1]
    for i in range(len(parts)):
        folder = os.path.join(top, *parts[:i])
        base = "".join(part + "/" for part in parts[:i])
        lvl = load_level(os.path.join(folder, ".gitignore"), base)
        if lvl:
            levels.append(lvl)
    return prefix, tuple(levels)


def uncover(levels: Sequence[IgnoreLevel], prefix: str) -> tuple[tuple[IgnoreLevel, ...], bool]:
    """A root named on the command line is scanned even where an enclosing repository's ignore
    rules cover it (as ripgrep and ruff do): drop the patterns that match the root or a folder
    above it, keep the others (`*.log` still applies inside). Returns (levels, whether covered)."""
    folders = [part for part in prefix.split("/") if part]
    ancestors = ["/".join(folders[:i + 1]) for i in range(len(folders))]
    if not levels or not any(is_ignored(levels, a, True) for a in ancestors):
        return tuple(levels), False
    kept: list[IgnoreLevel] = []
    for level in levels:
        subs = [a[len(level.base):] + "/" for a in ancestors if a.startswith(level.base) and a != level.base]
        patterns = [p for p in level.spec.patterns
                    if not (p.include and any(p.match_file(sub) is not None for sub in subs))]
        if len(patterns) == len(level.spec.patterns):
            kept.append(level)
        elif any(p.include is not None for p in patterns):
            kept.append(IgnoreLevel(level.base, pathspec.GitIgnoreSpec(patterns)))
    return tuple(kept), True


class PathFilters:
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
