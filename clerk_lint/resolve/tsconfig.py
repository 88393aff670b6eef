"""tsconfig.json / jsconfig.json as the resolver reads them, a mixin of `ModuleResolver`.

The nearest config upward from the importer (a folder with ``.git`` is the last one looked at; a
config that does not parse is treated as absent), read as JSONC; ``extends`` (a string or a list;
relative paths or package specifiers found in ``node_modules`` or among the workspace packages)
is followed and ``compilerOptions`` merged; ``baseUrl`` is relative to the config that sets it;
``paths`` (exact keys first, then the ``*`` pattern with the longest prefix, each mapped target
tried in order) is relative to ``baseUrl``, or to the config that sets ``paths`` when there is
no ``baseUrl``. A solution-style config (``"references"``) without paths of its own lends the
paths of the referenced config whose ``include`` covers the importer.
"""
from __future__ import annotations

import os
from typing import Optional

from .globs import glob_parts, has_magic
from .project_files import CONFIG_NAMES, FILE
from .specifiers import exports_map, match_map, split_bare, targets_for


class TsConfig:
    """A tsconfig/jsconfig with its ``extends`` chain merged; paths made absolute."""

    __slots__ = ("path", "dir", "base_url", "paths", "paths_base", "include", "include_base",
                 "references", "exact", "patterns")

    def __init__(self, path: str):
        self.path = path
        self.dir = os.path.dirname(path)
        self.base_url: Optional[str] = None
        self.paths: Optional[dict] = None
        self.paths_base: str = self.dir
        self.include: Optional[list[str]] = None
        self.include_base: str = self.dir
        self.references: list[str] = []
        self.exact: dict[str, list[str]] = {}
        self.patterns: list[tuple[str, str, list[str]]] = []

    @property
    def paths_root(self) -> str:
        return self.base_url if self.base_url is not None else self.paths_base

    @property
    def has_mapping(self) -> bool:
        return bool(self.paths) or self.base_url is not None

    def compile(self) -> None:
        self.exact, self.patterns = {}, []
        for key, targets in (self.paths or {}).items():
            if not isinstance(key, str) or not isinstance(targets, list):
                continue
            targets = [t for t in targets if isinstance(t, str) and t]
            stars = key.count("*")
            if stars == 0:
                self.exact[key] = targets
            elif stars == 1:
                prefix, suffix = key.split("*")
                self.patterns.append((prefix, suffix, targets))
        # The pattern with the longest prefix wins; ties keep the listed order.
        self.patterns.sort(key=lambda p: -len(p[0]))



class TsconfigPaths:
    """Needs `ProjectFiles`' lookups, `Probing._probe` (a mapped target is probed like a relative
    file) and the package lookups of `PackageEntries` / `WorkspacePackages` (for ``extends``)."""

    _configs: dict[str, Optional[TsConfig]]
    _nearest_config: dict[str, Optional[TsConfig]]
    _options: dict[str, Optional[TsConfig]]
    config_cycles: dict[str, tuple[str, ...]]  # tsconfig -> its `extends` cycle, back to it

    def config_problems(self) -> list[tuple[str, str]]:
        """(tsconfig path, reason) for each `extends` cycle among the project's configs (those under
        the roots and above them: `ImportTokens._walk_roots`, found once, for the import tokens too)."""
        try:
            configs = self._walk_roots()[0]
        except (OSError, ValueError, TypeError, RecursionError):
            configs = []
        for path in configs:
            try:
                self._load_config(path)
            except (OSError, ValueError, TypeError, RecursionError):
                continue
        out, reported = [], set()
        for first, chain in sorted(self.config_cycles.items()):
            if frozenset(chain) in reported:  # one report per cycle, wherever it was entered
                continue
            reported.add(frozenset(chain))
            names = " -> ".join(os.path.relpath(p, os.path.dirname(first)).replace(os.sep, "/") for p in chain)
            out.append((first, f"tsconfig `extends` cycle: {names}; the repeated link is ignored"))
        return out

    def _load_config(self, path: str, seen: tuple[str, ...] = ()) -> Optional[TsConfig]:
        if path in self._configs:
            return self._configs[path]
        if path in seen:  # an extends cycle: the repeated link is treated as absent, and reported
            chain = seen[seen.index(path):] + (path,)
            self.config_cycles.setdefault(chain[0], chain)
            return None
        data = self._load_json(path)
        if not isinstance(data, dict):
            if not seen:
                self._configs[path] = None
            return None
        cfg = TsConfig(path)
        extends = data.get("extends")
        bases = [extends] if isinstance(extends, str) else [e for e in extends if isinstance(e, str)] \
            if isinstance(extends, list) else []
        for spec in bases:
            base_path = self._extends_path(cfg.dir, spec)
            base = self._load_config(base_path, (*seen, path)) if base_path else None
            if base is None:
                continue
            if base.base_url is not None:
                cfg.base_url = base.base_url
            if base.paths is not None:
                cfg.paths, cfg.paths_base = base.paths, base.paths_base
            if base.include is not None:
                cfg.include, cfg.include_base = base.include, base.include_base
        options = data.get("compilerOptions")
        if isinstance(options, dict):
            base_url = options.get("baseUrl")
            if isinstance(base_url, str):
                cfg.base_url = os.path.normpath(os.path.join(cfg.dir, base_url))
            paths = options.get("paths")
            if isinstance(paths, dict):
                cfg.paths, cfg.paths_base = paths, cfg.dir
        include = data.get("include")
        if isinstance(include, list):
            cfg.include = [i for i in include if isinstance(i, str)]
            cfg.include_base = cfg.dir
        refs = data.get("references")
        if isinstance(refs, list):
            for ref in refs:
                ref_path = ref.get("path") if isinstance(ref, dict) else None
                if isinstance(ref_path, str):
                    full = os.path.normpath(os.path.join(cfg.dir, ref_path))
                    if self._is_dir(full):
                        full = os.path.join(full, "tsconfig.json")
                    cfg.references.append(full)
        cfg.compile()
        if not seen:
            self._configs[path] = cfg
        return cfg

    def _extends_path(self, folder: str, spec: str) -> Optional[str]:
        if spec.startswith(("./", "../")) or spec in (".", "..") or os.path.isabs(spec):
            return self._config_file(os.path.normpath(os.path.join(folder, spec)))
        name, sub = split_bare(spec)
        pkg_dir = self._node_modules_dir(folder, name) or self._workspace_package(folder, name)
        if pkg_dir is None:
            return None
        pj = self._pkg_json(pkg_dir) or {}
        if sub == ".":
            field = pj.get("tsconfig")
            rel = field if isinstance(field, str) else "tsconfig.json"
            targets = [rel]
        else:
            targets = []
            emap = exports_map(pj.get("exports"))
            if emap:
                hit = match_map(emap, sub) or (match_map(emap, sub + ".json") if not sub.endswith(".json")
                                                else None)
                if hit is not None:
                    targets = targets_for(*hit)
            targets.append(sub)
        for rel in targets:
            found = self._config_file(os.path.normpath(os.path.join(pkg_dir, rel)))
            if found is not None:
                return found
        return None

    def _config_file(self, full: str) -> Optional[str]:
        """The tsconfig an `extends` path names: the file, the file with .json added, or the
        folder's tsconfig.json."""
        if self._is_file(full):
            return full
        if not full.endswith(".json") and self._is_file(full + ".json"):
            return full + ".json"
        if self._is_dir(full) and self._is_file(os.path.join(full, "tsconfig.json")):
            return os.path.join(full, "tsconfig.json")
        return None

    def _config_in(self, folder: str) -> Optional[TsConfig]:
        listing = self._ls(folder)
        if not listing:
            return None
        for name in CONFIG_NAMES:
            if listing.get(name) == FILE:
                cfg = self._load_config(os.path.join(folder, name))
                if cfg is not None:
                    return cfg
        return None

    def _options_for(self, folder: str) -> Optional[TsConfig]:
        """The config whose baseUrl/paths apply to files in ``folder``."""
        try:
            return self._options[folder]
        except KeyError:
            pass
        cfg = self._upward(folder, self._nearest_config, self._config_in)
        chosen = cfg
        if cfg is not None and not cfg.has_mapping and cfg.references:
            refs = [r for r in (self._load_config(p) for p in cfg.references) if r is not None and r.has_mapping]
            chosen = next((r for r in refs if self._includes(r, folder)), refs[0] if refs else cfg)
        self._options[folder] = chosen
        return chosen

    @staticmethod
    def _includes(cfg: TsConfig, folder: str) -> bool:
        if cfg.include is None:
            return True
        for pattern in cfg.include:
            static = []
            for part in glob_parts(pattern):
                if has_magic(part):
                    break
                static.append(part)
            else:
                if static and "." in static[-1]:  # names a file, not a folder
                    continue
            base = os.path.normpath(os.path.join(cfg.include_base, *static))
            if folder == base or folder.startswith(base.rstrip(os.sep) + os.sep):
                return True
        return False

    def _try_paths(self, cfg: TsConfig, spec: str) -> Optional[str]:
        targets = cfg.exact.get(spec)
        star = ""
        if targets is None:
            for prefix, suffix, pattern_targets in cfg.patterns:
                if spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
                    targets, star = pattern_targets, spec[len(prefix): len(spec) - len(suffix)]
                    break
        if not targets:
            return None
        root = cfg.paths_root
        for target in targets:
            rel = target.replace("*", star, 1) if "*" in target else target
            full = os.path.normpath(os.path.join(root, rel))
            found = self._probe(full, dir_only=rel.endswith("/"))
            if found is not None:
                return found
        return None
