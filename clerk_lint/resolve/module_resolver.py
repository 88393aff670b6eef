"""Map an import specifier to the project file it names, as a TypeScript/bundler build would.

``ModuleResolver(roots)`` answers two questions for cross-file analysis:

* ``resolve(importer, specifier)`` -> the absolute path of the project file the
  specifier refers to, or ``None`` (npm packages that are not part of the
  workspace, Node built-ins, URLs, virtual modules, anything not found).
* ``tokens(target)`` -> strings, at least one of which appears in the bytes of
  every file that imports ``target``: a cheap prefilter before parsing.

What is understood
------------------
* Relative and absolute specifiers: the exact file, then the extensions
  ``EXTENSIONS`` in order, then ``<dir>/package.json`` entry fields and
  ``<dir>/index.<ext>``. TypeScript's ESM convention is honoured: ``./x.js`` may
  name ``x.ts``/``x.tsx`` (``.jsx`` -> ``.tsx``, ``.mjs`` -> ``.mts``,
  ``.cjs`` -> ``.cts``), and like TypeScript the source file wins over a
  compiled ``.js`` next to it. Declaration files (``.d.ts``) are never picked
  by extension probing. ``?query`` suffixes (Vite's ``?raw``) are dropped.
* ``tsconfig.json`` / ``jsconfig.json``: the nearest one upward from the
  importer (a folder with ``.git`` is the last one looked at; a config that does
  not parse is treated as absent). Parsed as JSONC (comments, trailing commas);
  ``extends`` (a string or a list; relative paths or package specifiers found
  in ``node_modules`` or among the workspace packages) is followed and
  ``compilerOptions`` merged; ``baseUrl`` is relative to the config that sets
  it; ``paths`` (exact keys first, then the ``*`` pattern with the longest
  prefix, each mapped target tried in order) is relative to ``baseUrl``, or to
  the config that sets ``paths`` when there is no ``baseUrl``. A solution-style
  config (Vite: ``"references"`` to ``tsconfig.app.json``) without paths of its
  own lends the paths of the referenced config whose ``include`` covers the
  importer.
* Workspaces: the nearest folder upward whose ``package.json`` declares
  ``workspaces`` (a list, or ``{"packages": [...]}``), or that holds a
  ``pnpm-workspace.yaml`` (or a ``lerna.json`` with ``packages``), is the
  monorepo root. Its globs (``*``, ``**``, ``?``, ``[..]``, ``{a,b}``, ``!``
  negations) are expanded to the folders holding a ``package.json`` (never into
  ``node_modules``), and each package ``name`` is mapped to its folder. A bare
  specifier naming such a package resolves through ``exports`` (subpaths,
  ``*`` patterns, nested condition objects), then ``source``, ``module``,
  ``main``, ``types``; a subpath without an ``exports`` entry is taken relative
  to the package folder (then to its ``src/``). As workspace packages often
  point at build output that is not in the checkout, a missing
  ``dist/``/``build/``/``lib/``/``out/`` target is mapped back to ``src/`` with a
  source extension, and ``src/index`` is the last resort for the package root.
  A package may also import itself by name, and ``#`` specifiers use the
  nearest ``package.json``'s ``imports``. A ``node_modules`` entry that is a link
  into a scanned root (``link:``/``file:`` dependencies) resolves like a
  workspace package.

Everything read from disk (directory listings, JSON files, configs, workspace
maps) is read once and cached; ``resolve`` is memoised per (folder, specifier).
Unreadable or malformed files are treated as absent; nothing here raises for
bad input.

The string work lives beside it: `specifiers.py` (extensions, `exports` / `imports` maps),
`globs.py` (workspace globs), `pnpm_workspace.py` (pnpm-workspace.yaml's package list); the
cached file system is `project_files.py`, the importers' prefilter ``tokens`` `import_tokens.py`.

Over 500 lines on purpose: tsconfig loading, workspace maps, package entries and probing are
one resolution algorithm whose steps call each other in both directions (a tsconfig
``extends`` is resolved like a package; a package entry is probed like a relative file).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional, Sequence

from ..discover.kinds import LISTING_SKIP_DIRS as DEFAULT_SKIP_DIRS
from .globs import glob_parts, glob_regex, has_magic, segment_regex
from .import_tokens import ImportTokens
from .pnpm_workspace import parse_pnpm_packages
from .project_files import CONFIG_NAMES, DIR, FILE, ProjectFiles, read_text
from .specifiers import (EXTENSIONS, JS_TO_TS, code_ext, exports_map, is_dts, match_map, split_bare,
    strip_code_ext, targets_for)


# package.json fields naming the package's entry, in the order they are tried.
ENTRY_FIELDS: tuple[str, ...] = ("source", "module", "main", "types", "typings")
# Build-output folders mapped back to src/, and flavour folders under them
# (dist/esm/index.js, dist/types/index.d.ts) that are dropped too.
BUILDDIRS = frozenset({"dist", "build", "lib", "out"})
FLAVOURDIRS = frozenset({"esm", "cjs", "es", "mjs", "module", "modules", "commonjs", "types", "typings",
                          "umd", "node", "browser", "src"})

NODE_BUILTINS = frozenset(
    """assert async_hooks buffer child_process cluster console constants crypto dgram
    diagnostics_channel dns domain events fs http http2 https inspector module net os path
    perf_hooks process punycode querystring readline repl stream string_decoder sys timers tls
    trace_events tty url util v8 vm wasi worker_threads zlib""".split()
)

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # node:, bun:, https:, data:, virtual:

# --------------------------------------------------------------------------- records


class _Config:
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


class _Workspace:
    __slots__ = ("root", "globs", "packages")

    def __init__(self, root: str, globs: list[str]):
        self.root = root
        self.globs = globs
        self.packages: Optional[dict[str, str]] = None  # name -> folder, built lazily


# --------------------------------------------------------------------------- resolver


class ModuleResolver(ImportTokens, ProjectFiles):
    """Resolve import specifiers to project files under (or around) ``roots``."""

    def __init__(self, roots: Sequence[Path]):
        ProjectFiles.__init__(self)
        self.roots: list[str] = [os.path.abspath(os.fspath(r)) for r in roots]
        # the same roots with links resolved, to map link targets back to scanned spellings
        self._root_reals: list[tuple[str, str]] = [(os.path.realpath(r), r) for r in self.roots]
        self._configs: dict[str, Optional[_Config]] = {}
        self._nearest_config: dict[str, Optional[_Config]] = {}
        self._options: dict[str, Optional[_Config]] = {}
        self._nearest_pkg: dict[str, Optional[str]] = {}
        self._workspace_of: dict[str, Optional[_Workspace]] = {}
        self._probes: dict[tuple[str, bool, bool], Optional[str]] = {}
        self._entries: dict[tuple[str, str], Optional[str]] = {}
        self._memo: dict[tuple[str, str], Optional[str]] = {}
        self._token_memo: dict[str, frozenset[str]] = {}
        self._walked: Optional[tuple[list[str], list[str]]] = None  # (config files, package dirs)
        self.config_cycles: dict[str, tuple[str, ...]] = {}  # tsconfig -> its `extends` cycle, back to it

    def config_problems(self, files: Sequence[Path]) -> list[tuple[str, str]]:
        """(tsconfig path, reason) for each `extends` cycle among the configs that apply to `files`."""
        for folder in sorted({os.path.dirname(os.path.abspath(os.fspath(f))) for f in files}):
            try:
                self._options_for(folder)
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

    # ------------------------------------------------------------------ probing

    def _probe(self, path: str, dir_only: bool = False, use_pkg: bool = True) -> Optional[str]:
        """The file ``path`` names: TS equivalents of a .js name, the file itself,
        with an extension added, then as a folder (package.json entry, index)."""
        key = (path, dir_only, use_pkg)
        try:
            return self._probes[key]
        except KeyError:
            pass
        found = None
        if not dir_only:
            found = self._probe_file(path)
        if found is None and self._is_dir(path):
            if use_pkg and self._is_file(os.path.join(path, "package.json")):
                found = self._package_entry(path, ".", fallback_index=False)
            if found is None:
                index = os.path.join(path, "index")
                for ext in EXTENSIONS:
                    if self._is_file(index + ext):
                        found = index + ext
                        break
        self._probes[key] = found
        return found

    def _probe_file(self, path: str) -> Optional[str]:
        ext = code_ext(path)
        for ts_ext in JS_TO_TS.get(ext, ()):
            cand = path[: -len(ext)] + ts_ext
            if self._is_file(cand):
                return cand
        if self._is_file(path) and not is_dts(path):
            return path
        for e in EXTENSIONS:
            if self._is_file(path + e) and not is_dts(path + e):
                return path + e
        return None

    # ------------------------------------------------------------------ tsconfig

    def _load_config(self, path: str, seen: tuple[str, ...] = ()) -> Optional[_Config]:
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
        cfg = _Config(path)
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

    def _config_in(self, folder: str) -> Optional[_Config]:
        listing = self._ls(folder)
        if not listing:
            return None
        for name in CONFIG_NAMES:
            if listing.get(name) == FILE:
                cfg = self._load_config(os.path.join(folder, name))
                if cfg is not None:
                    return cfg
        return None

    def _options_for(self, folder: str) -> Optional[_Config]:
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
    def _includes(cfg: _Config, folder: str) -> bool:
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

    def _try_paths(self, cfg: _Config, spec: str) -> Optional[str]:
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

    # ------------------------------------------------------------------ packages and workspaces

    def _workspace_in(self, folder: str) -> Optional[_Workspace]:
        listing = self._ls(folder)
        if not listing:
            return None
        globs: list[str] = []
        marked = False
        if listing.get("package.json") == FILE:
            pj = self._pkg_json(folder) or {}
            ws = pj.get("workspaces")
            if isinstance(ws, dict):
                ws = ws.get("packages")
            if isinstance(ws, list):
                marked = True
                globs += [g for g in ws if isinstance(g, str)]
        if listing.get("pnpm-workspace.yaml") == FILE:
            text = read_text(os.path.join(folder, "pnpm-workspace.yaml"))
            if text is not None:
                marked = True
                globs += parse_pnpm_packages(text)
        if listing.get("lerna.json") == FILE:
            lerna = self._load_json(os.path.join(folder, "lerna.json"))
            if isinstance(lerna, dict) and isinstance(lerna.get("packages"), list):
                marked = True
                globs += [g for g in lerna["packages"] if isinstance(g, str)]
        return _Workspace(folder, globs) if marked else None

    def _workspace(self, folder: str) -> Optional[_Workspace]:
        return self._upward(folder, self._workspace_of, self._workspace_in)

    def _packages(self, ws: _Workspace) -> dict[str, str]:
        if ws.packages is not None:
            return ws.packages
        included: list[str] = []
        negated: list[re.Pattern] = []
        for glob in ws.globs:
            glob = glob.strip()
            if glob.startswith("!"):
                negated.append(glob_regex(glob[1:]))
            elif glob:
                included += self._expand(ws.root, glob)
        packages: dict[str, str] = {}
        seen: set[str] = set()
        for folder in sorted(included):
            if folder in seen or folder == ws.root:
                continue
            seen.add(folder)
            rel = os.path.relpath(folder, ws.root).replace(os.sep, "/")
            if any(rx.match(rel) for rx in negated):
                continue
            pj = self._pkg_json(folder)
            name = pj.get("name") if pj else None
            if isinstance(name, str) and name and name not in packages:
                packages[name] = folder
        ws.packages = packages
        return packages

    def _expand(self, root: str, glob: str) -> list[str]:
        """Folders under ``root`` matching a workspace glob (never inside node_modules)."""
        parts = glob_parts(glob)
        out: list[str] = []
        stack: list[tuple[str, int]] = [(root, 0)]
        visited: set[tuple[str, int]] = set()
        while stack:
            folder, i = stack.pop()
            if (folder, i) in visited:
                continue
            visited.add((folder, i))
            if i == len(parts):
                out.append(folder)
                continue
            part = parts[i]
            if part == "**":
                stack.append((folder, i + 1))
                listing = self._ls(folder) or {}
                if len(visited) > 200_000:
                    continue
                for name, kind in listing.items():
                    if kind == DIR and not name.startswith(".") and name not in DEFAULT_SKIP_DIRS:
                        child = os.path.join(folder, name)
                        if os.path.islink(child):
                            real = os.path.realpath(child)
                            if root == real or real.startswith(root.rstrip(os.sep) + os.sep):
                                continue  # a loop back into the tree
                        stack.append((child, i))
            elif has_magic(part):
                rx = re.compile(segment_regex(part) + r"\Z")
                for name, kind in (self._ls(folder) or {}).items():
                    if kind != DIR or name in ("node_modules", ".git"):
                        continue
                    if name.startswith(".") and not part.startswith("."):
                        continue
                    if rx.match(name):
                        stack.append((os.path.join(folder, name), i + 1))
            else:
                child = os.path.normpath(os.path.join(folder, part))
                if self._is_dir(child):
                    stack.append((child, i + 1))
        return out

    def _workspace_package(self, folder: str, name: str) -> Optional[str]:
        ws = self._workspace(folder)
        if ws is None:
            return None
        return self._packages(ws).get(name)

    def _pkg_dir_of(self, folder: str) -> Optional[str]:
        """The nearest folder upward holding a package.json."""
        def found(d: str) -> Optional[str]:
            listing = self._ls(d)
            return d if listing and listing.get("package.json") == FILE else None
        return self._upward(folder, self._nearest_pkg, found)

    def _node_modules_dir(self, folder: str, name: str) -> Optional[str]:
        cur = folder
        while True:
            cand = os.path.join(cur, "node_modules", name)
            if self._is_dir(cand):
                return cand
            parent = os.path.dirname(cur)
            if parent == cur:
                return None
            cur = parent

    def _linked_package(self, folder: str, name: str) -> Optional[str]:
        """A node_modules entry for ``name`` that links back into a scanned root."""
        cand = self._node_modules_dir(folder, name)
        if cand is None:
            return None
        real = os.path.realpath(cand)
        if real == cand or "node_modules" in real.split(os.sep):
            return None
        for root_real, root in self._root_reals:
            if real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep):
                return os.path.normpath(root + real[len(root_real):])
        return None

    def _package_entry(self, pkg_dir: str, subpath: str, fallback_index: bool = True) -> Optional[str]:
        """The file ``<package>/<subpath>`` names ("." for the package root)."""
        key = (pkg_dir, subpath if fallback_index else subpath + "\0")
        try:
            return self._entries[key]
        except KeyError:
            pass
        self._entries[key] = None  # guards against a package pointing back at itself
        found = self._package_entry_uncached(pkg_dir, subpath, fallback_index)
        self._entries[key] = found
        return found

    def _package_entry_uncached(self, pkg_dir: str, subpath: str, fallback_index: bool) -> Optional[str]:
        pj = self._pkg_json(pkg_dir) or {}
        targets: list[str] = []
        excluded = False
        emap = exports_map(pj.get("exports"))
        if emap:
            hit = match_map(emap, subpath)
            if hit is not None:
                targets = targets_for(*hit)
                excluded = not targets  # "./internal/*": null
        if subpath == ".":
            targets += [pj[f] for f in ENTRY_FIELDS if isinstance(pj.get(f), str) and pj[f] not in targets]
            found = self._resolve_targets(pkg_dir, targets)
            if found is None and fallback_index:
                found = (self._probe(pkg_dir, dir_only=True, use_pkg=False)
                         or self._probe(os.path.join(pkg_dir, "src", "index"), use_pkg=False))
            return found
        if targets:
            found = self._resolve_targets(pkg_dir, targets)
            if found is not None:
                return found
        if excluded:
            return None
        rel = subpath[2:]
        return (self._resolve_targets(pkg_dir, ["./" + rel])
                or self._probe(os.path.normpath(os.path.join(pkg_dir, "src", rel))))

    def _resolve_targets(self, pkg_dir: str, targets: list[str]) -> Optional[str]:
        """The first package target that exists; then the source a missing build
        output was compiled from; then, as a last resort, an existing .d.ts target."""
        paths = []
        for target in targets:
            if target.startswith(("./", "../", "/")) or not _SCHEME.match(target):
                full = os.path.normpath(os.path.join(pkg_dir, target))
                if full == pkg_dir or full.startswith(pkg_dir.rstrip(os.sep) + os.sep):
                    paths.append((target, full))
        for target, full in paths:
            found = self._probe(full, dir_only=target.endswith("/"), use_pkg=full != pkg_dir)
            if found is not None:
                return found
        for target, full in paths:
            for rel in self._source_guesses(os.path.relpath(full, pkg_dir)):
                found = self._probe(os.path.join(pkg_dir, rel), use_pkg=False)
                if found is not None:
                    return found
        for target, full in paths:
            if is_dts(full) and self._is_file(full):
                return full
        return None

    @staticmethod
    def _source_guesses(rel: str) -> list[str]:
        """Where the source of a build output path may live: dist/esm/x.js -> src/x."""
        parts = strip_code_ext(os.path.normpath(rel).replace(os.sep, "/")).split("/")
        out = []
        if len(parts) > 1 and parts[0] in BUILDDIRS:
            rest = parts[1:]
            out.append("/".join(["src", *rest]))
            if len(rest) > 1 and rest[0] in FLAVOURDIRS:
                out.append("/".join(["src", *rest[1:]]))
            out.append("/".join(rest))
        out.append("/".join(parts))
        return [os.path.join(*p.split("/")) for p in dict.fromkeys(out) if p and p != "."]

    def _package_imports(self, folder: str, spec: str) -> Optional[str]:
        pkg_dir = self._pkg_dir_of(folder)
        if pkg_dir is None:
            return None
        imports = (self._pkg_json(pkg_dir) or {}).get("imports")
        if not isinstance(imports, dict):
            return None
        hit = match_map(imports, spec)
        if hit is None:
            return None
        targets = targets_for(*hit)
        relative = [t for t in targets if t.startswith("./")]
        found = self._resolve_targets(pkg_dir, relative) if relative else None
        if found is None:
            for t in targets:
                if not t.startswith(("./", "../", "/", "#")):
                    found = self._resolve(pkg_dir, t)
                    if found is not None:
                        break
        return found

    # ------------------------------------------------------------------ resolution

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
        if _SCHEME.match(spec):
            return None
        cfg = self._options_for(folder)
        if cfg is not None and (cfg.exact or cfg.patterns):
            found = self._try_paths(cfg, spec)
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
