"""Cheap prefilter tokens for cross-file analysis: strings at least one of which occurs in
every file that imports a given project file, so importers are found without parsing the
project. A mixin of `ModuleResolver`: the tokens follow the same tsconfig `paths`, package
`exports` / `imports` and workspace maps the resolver reads.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional

from ..discover.kinds import LISTING_SKIP_DIRS as DEFAULT_SKIP_DIRS
from .project_files import CONFIG_NAMES, DIR, FILE
from .specifiers import EXTENSIONS, JS_TO_TS, code_ext, exports_map, file_stem, flatten_conditions, is_dts, \
    strip_code_ext, targets_for

_QUOTES = ('"', "'", "`")
# Every specifier made only of dots and slashes (".", "..", "./", "../..", "../../"),
# quoted, contains one of these.
DOTS_TOKENS = frozenset(t for q in _QUOTES for t in (q + "." + q, q + ".." + q, "/.." + q, "/." + q, "./" + q))


def _segment_tokens(name: str) -> set[str]:
    """A name that starts a path segment of the specifier: after "/" or the opening quote."""
    return {"/" + name, *(q + name for q in _QUOTES)}


def _prefix_tokens(spec: str) -> set[str]:
    """A string the specifier starts with."""
    return {q + spec for q in _QUOTES}


class ImportTokens:
    """The ``tokens`` half of `ModuleResolver` (it supplies the lookups used here)."""

    _token_memo: dict[str, frozenset[str]]
    _walked: Optional[tuple[list[str], list[str]]]

    def prepare_tokens(self) -> None:
        """Walk the roots for tokens() now (one directory walk), e.g. while workers are busy."""
        self._walk_roots()

    def tokens(self, target: Path) -> frozenset[str]:
        """Strings at least one of which occurs in every file that imports ``target``.

        Tokens are anchored to the specifier's quotes and slashes so they stay
        selective in a Clerk codebase where "auth" is everywhere: for
        ``lib/auth.ts`` they are ``/auth``, ``"auth``, ``'auth`` and
        ```auth``. An index file (or a package entry) adds its folder's name the
        same way, and the quoted forms of dots-only specifiers (``"."``,
        ``".."``, ``../"`` ...); a package entry or ``exports`` target adds the
        quoted package name (``"@acme/auth``); an alias that does not spell the
        file's name (``"@auth": ["./src/lib/session.ts"]``) adds the quoted
        alias. An empty string in the set means no cheap test is possible
        (every file passes)."""
        path = os.path.abspath(os.fspath(target))
        try:
            return self._token_memo[path]
        except KeyError:
            pass
        try:
            toks = frozenset(self._tokens(path))
        except (OSError, ValueError, TypeError, RecursionError):
            toks = frozenset({""})
        self._token_memo[path] = toks
        return toks


    def _walk_roots(self) -> tuple[list[str], list[str]]:
        """Every tsconfig/jsconfig and package.json folder under the roots (plus
        the configs and workspace roots above them), found once."""
        if self._walked is not None:
            return self._walked
        configs: list[str] = []
        pkgs: list[str] = []
        seen: set[str] = set()
        for root in self.roots:
            start = root if self._is_dir(root) else os.path.dirname(root)
            above = self._options_for(start)
            if above is not None:
                configs.append(above.path)
            near = self._upward(start, self._nearest_config, self._config_in)
            if near is not None:
                configs.append(near.path)
            ws = self._workspace(start)
            if ws is not None:
                pkgs.append(ws.root)
                pkgs += self._packages(ws).values()
            stack = [start]
            while stack:
                folder = stack.pop()
                if folder in seen:
                    continue
                seen.add(folder)
                listing = self._ls(folder) or {}
                for name, kind in listing.items():
                    if kind == DIR:
                        if name not in DEFAULT_SKIP_DIRS and name != ".git":
                            child = os.path.join(folder, name)
                            if not os.path.islink(child):
                                stack.append(child)
                    elif name in CONFIG_NAMES:
                        configs.append(os.path.join(folder, name))
                    elif name == "package.json":
                        pkgs.append(folder)
        self._walked = (list(dict.fromkeys(configs)), list(dict.fromkeys(pkgs)))
        return self._walked

    def _forms(self, target: str, entry_dirs: Iterable[str]) -> set[str]:
        """Paths a resolution may start from and end at ``target``."""
        forms = {target}
        name = os.path.basename(target)
        ext = code_ext(name)
        if is_dts(name):
            forms.add(strip_code_ext(target))
        elif ext in EXTENSIONS:
            bare = target[: -len(ext)]
            forms.add(bare)
            for js_ext, ts_exts in JS_TO_TS.items():
                if ext in ts_exts:
                    forms.add(bare + js_ext)
            if os.path.basename(bare) == "index":
                folder = os.path.dirname(target)
                forms.update((folder, folder + os.sep))
        for folder in entry_dirs:
            forms.update((folder, folder + os.sep))
        return forms

    def _tokens(self, target: str) -> set[str]:
        name = os.path.basename(target)
        folder = os.path.dirname(target)
        tokens: set[str] = set()
        stem = file_stem(name)
        if stem:
            tokens |= _segment_tokens(stem)
        index_like = stem == "index"
        if index_like:
            tokens |= _segment_tokens(os.path.basename(folder))
        entry_dirs: list[str] = []
        # Packages (or package-like folders) the file is an entry of.
        cur = folder
        while True:
            listing = self._ls(cur)
            if listing and listing.get("package.json") == FILE:
                pj = self._pkg_json(cur) or {}
                pkg_name = pj.get("name") if isinstance(pj.get("name"), str) else ""
                if self._package_entry(cur, ".") == target or self._package_entry(cur, ".", False) == target:
                    entry_dirs.append(cur)
                    index_like = True
                    tokens |= _segment_tokens(os.path.basename(cur))
                    if pkg_name:
                        tokens |= _prefix_tokens(pkg_name)
                if pkg_name and self._exported(cur, pj, target):
                    tokens |= _prefix_tokens(pkg_name)
            if self._is_boundary(cur):
                break
            parent = os.path.dirname(cur)
            if parent == cur:
                break
            cur = parent
        if index_like:
            tokens |= DOTS_TOKENS  # "." / ".." / "../" from inside the folder

        base = frozenset(tokens)

        def covered(spec: str) -> bool:
            return all(any(t in q + spec + q for t in base) for q in _QUOTES)

        extra: set[str] = set()
        forms = self._forms(target, entry_dirs)
        config_paths, pkg_dirs = self._walk_roots()
        configs: dict = {}  # path -> the config loaded from it
        for path in config_paths:
            cfg = self._load_config(path)
            if cfg is None:
                continue
            configs[cfg.path] = cfg
            for ref in cfg.references:
                rcfg = self._load_config(ref)
                if rcfg is not None:
                    configs[rcfg.path] = rcfg
        for cfg in list(self._configs.values()):
            if cfg is not None:
                configs.setdefault(cfg.path, cfg)
        for cfg in configs.values():
            root = cfg.paths_root
            for key, targets in (cfg.paths or {}).items():
                if isinstance(key, str) and isinstance(targets, list):
                    self._alias_tokens(key, [os.path.normpath(os.path.join(root, t)) for t in targets
                                             if isinstance(t, str) and t], forms, covered, extra)
        for pkg_dir in pkg_dirs:
            imports = (self._pkg_json(pkg_dir) or {}).get("imports")
            if not isinstance(imports, dict):
                continue
            for key, entry in imports.items():
                if not isinstance(key, str):
                    continue
                flat: list[str] = []
                flatten_conditions(entry, flat)
                rel = [os.path.normpath(os.path.join(pkg_dir, t)) for t in flat if t.startswith("./")]
                self._alias_tokens(key, rel, forms, covered, extra)
                for t in flat:
                    if t.startswith(("./", "../", "/", "#")):
                        continue
                    if "*" in key or "*" in t:
                        kpre = key.split("*", 1)[0]
                        extra.update(_prefix_tokens(kpre) if kpre else {""})
                    elif self._resolve(pkg_dir, t) == target and not covered(key):
                        extra |= _prefix_tokens(key)
        return tokens | extra

    def _exported(self, pkg_dir: str, pj: dict, target: str) -> bool:
        """Whether a subpath in the package's exports map names ``target``."""
        emap = exports_map(pj.get("exports"))
        if not emap or not target.startswith(pkg_dir.rstrip(os.sep) + os.sep):
            return False
        forms: Optional[set[str]] = None
        for key, entry in emap.items():
            if key == ".":
                continue
            if "*" not in key and not key.endswith("/"):
                if self._package_entry(pkg_dir, key) == target:
                    return True
                continue
            if forms is None:
                forms = self._forms(target, ())
            for pattern in targets_for(entry, ""):
                if key.endswith("/") and "*" not in key:
                    pattern += "*"  # legacy folder export: "./": "./src/"
                if pattern.count("*") != 1:
                    continue
                # the target itself, or the source a missing build output came from
                for guess in [pattern, *self._source_guesses(pattern)]:
                    pre, suf = os.path.normpath(os.path.join(pkg_dir, guess)).split("*")
                    if any(len(f) > len(pre) + len(suf) and f.startswith(pre) and f.endswith(suf) for f in forms):
                        return True
        return False

    @staticmethod
    def _alias_tokens(key: str, targets: list[str], forms: set[str], covered, out: set[str]) -> None:
        """Add the specifier(s) through which alias ``key`` reaches one of ``forms``
        when they do not already contain a token."""
        key_star = key.count("*") == 1
        for full in targets:
            if key_star and full.count("*") == 1:
                kpre, ksuf = key.split("*")
                tpre, tsuf = full.split("*")
                for form in forms:
                    if (len(form) >= len(tpre) + len(tsuf) and form.startswith(tpre) and form.endswith(tsuf)):
                        captured = form[len(tpre): len(form) - len(tsuf)].replace(os.sep, "/")
                        spec = kpre + captured + ksuf
                        if not covered(spec):
                            out |= _prefix_tokens(spec)
            elif key_star:
                if full in forms:  # every specifier the key matches lands on the target
                    kpre, ksuf = key.split("*")
                    # "" when the key is a bare "*": no cheap test is possible
                    out.update(_prefix_tokens(kpre) if kpre else {ksuf})
            elif full in forms and not covered(key):
                out |= _prefix_tokens(key)
