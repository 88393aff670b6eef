"""Map an import specifier to the project file it names, as a TypeScript/bundler build would.

``ModuleResolver(roots)`` answers two questions for cross-file analysis:

* ``resolve(importer, specifier)`` -> the absolute path of the project file the
  specifier refers to, or ``None`` (npm packages that are not part of the
  workspace, Node built-ins, URLs, virtual modules, anything not found).
* ``tokens(target)`` -> strings, at least one of which appears in the bytes of
  every file that imports ``target``: a cheap prefilter before parsing.

The order ``_resolve`` tries (each step's details are in its module's docstring)
-----------------------------------------------------------------------------------
* ``?query`` suffixes (Vite's ``?raw``) are dropped; relative and absolute specifiers are probed
  (`probing.py`: TypeScript's ``./x.js`` -> ``x.ts``, extensions, ``package.json`` entry,
  ``index``); an absolute one not found is tried against the project root (Vite).
* A specifier with a scheme (``node:``, ``https:``, ``virtual:``) names no file.
* The nearest ``tsconfig.json`` / ``jsconfig.json``'s ``paths`` (`tsconfig.py`), then the
  aliases a bundler or framework adds (`bundler_aliases.py`: Vite ``resolve.alias``, Nuxt's
  ``~`` / ``@``, SvelteKit's ``$lib``), then ``#`` specifiers through ``package.json``
  ``imports`` (`package_entries.py`), then ``baseUrl``.
* Node built-ins name no file. A bare specifier naming a workspace package
  (`workspace_packages.py`), the importer's own package, or a ``node_modules`` link into a
  scanned root (``link:``/``file:`` dependencies) resolves through that package's entries (`package_entries.py`).

The steps live beside this module, each a mixin of `ModuleResolver`. They call each other in
both directions (a tsconfig ``extends`` is resolved like a package; a package entry is probed
like a relative file), so the caches they share are all made here. The string work is
`specifiers.py` and `globs.py`, pnpm-workspace.yaml's list `pnpm_workspace.py`, the cached file
system `project_files.py`, the importers' prefilter ``tokens`` `import_tokens.py`.

Everything read from disk (directory listings, JSON files, configs, workspace
maps) is read once and cached; ``resolve`` is memoised per (folder, specifier).
Unreadable or malformed files are treated as absent; nothing here raises for
bad input.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Sequence

from .bundler_aliases import BundlerAliases
from .import_tokens import ImportTokens
from .package_entries import PackageEntries
from .probing import Probing
from .project_files import ProjectFiles
from .specifiers import SCHEME, split_bare
from .tsconfig import TsConfig, TsconfigPaths
from .workspace_packages import Workspace, WorkspacePackages


NODE_BUILTINS = frozenset(
    """assert async_hooks buffer child_process cluster console constants crypto dgram
    diagnostics_channel dns domain events fs http http2 https inspector module net os path
    perf_hooks process punycode querystring readline repl stream string_decoder sys timers tls
    trace_events tty url util v8 vm wasi worker_threads zlib""".split()
)


class ModuleResolver(ImportTokens, TsconfigPaths, BundlerAliases, WorkspacePackages, PackageEntries, Probing, ProjectFiles):
    """Resolve import specifiers to project files under (or around) ``roots``."""

    def __init__(self, roots: Sequence[Path]):
        ProjectFiles.__init__(self)
        self.roots: list[str] = [os.path.abspath(os.fspath(r)) for r in roots]
        # the same roots with links resolved, to map link targets back to scanned spellings
        self._root_reals: list[tuple[str, str]] = [(os.path.realpath(r), r) for r in self.roots]
        self._configs: dict[str, Optional[TsConfig]] = {}
        self._nearest_config: dict[str, Optional[TsConfig]] = {}
        self._options: dict[str, Optional[TsConfig]] = {}
        self._nearest_pkg: dict[str, Optional[str]] = {}
        self._workspace_of: dict[str, Optional[Workspace]] = {}
        self._probes: dict[tuple[str, bool, bool], Optional[str]] = {}
        self._entries: dict[tuple[str, str], Optional[str]] = {}
        self._memo: dict[tuple[str, str], Optional[str]] = {}
        self._token_memo: dict[str, frozenset[str]] = {}
        self._walked: Optional[tuple[list[str], list[str]]] = None  # (config files, package dirs)
        self._bundler_aliases: dict[str, list[tuple[str, str]]] = {}
        self.config_cycles: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------------ public API

    def resolve(self, importer: Path, specifier: str) -> Optional[Path]:
        """The project file ``specifier`` names when imported from ``importer``, or None."""
        folder = os.path.dirname(os.path.abspath(os.fspath(importer)))
        key = (folder, specifier)
        try:
            found = self._memo[key]
        except KeyError:
            try:
                found = self._resolve(folder, specifier)
            except (OSError, ValueError, TypeError, RecursionError):
                found = None
            self._memo[key] = found
        return Path(found) if found is not None else None
    def _resolve(self, folder: str, spec: str) -> Optional[str]:
        if not isinstance(spec, str) or not spec:
            return None
        q = spec.find("?")
        if q >= 0:
            spec = spec[:q]
            if not spec:
                return None
        if spec.startswith("./") or spec.startswith("../") or spec in (".", ".."):
            dir_only = spec.endswith(("/", "/.", "/..")) or spec in (".", "..")
            return self._probe(os.path.normpath(os.path.join(folder, spec)), dir_only=dir_only)
        if spec.startswith("/"):
            if spec.startswith("//"):
                return None
            dir_only = spec.endswith("/")
            found = self._probe(os.path.normpath(spec), dir_only=dir_only)
            if found is None:  # Vite's project-root-relative "/src/main.tsx"
                project = self._pkg_dir_of(folder)
                if project is not None:
                    found = self._probe(os.path.normpath(os.path.join(project, spec.lstrip("/"))), dir_only)
            return found
        if SCHEME.match(spec):
            return None
        cfg = self._options_for(folder)
        if cfg is not None and (cfg.exact or cfg.patterns):
            found = self._try_paths(cfg, spec)
            if found is not None:
                return found
        found = self._bundler_alias(folder, spec)
        if found is not None:
            return found
        if spec.startswith("#"):
            return self._package_imports(folder, spec)
        if cfg is not None and cfg.base_url is not None:
            found = self._probe(os.path.normpath(os.path.join(cfg.base_url, spec)), dir_only=spec.endswith("/"))
            if found is not None:
                return found
        name, sub = split_bare(spec)
        if name in NODE_BUILTINS:
            return None
        pkg_dir = self._workspace_package(folder, name)
        if pkg_dir is None:
            own = self._pkg_dir_of(folder)
            if own is not None and (self._pkg_json(own) or {}).get("name") == name:
                pkg_dir = own
        if pkg_dir is None:
            pkg_dir = self._linked_package(folder, name)
        if pkg_dir is None:
            return None
        return self._package_entry(pkg_dir, sub)
