"""Package entries as the resolver reads them, a mixin of `ModuleResolver`.

A package folder's ``exports`` (subpaths, ``*`` patterns, nested condition objects), then
``source``, ``module``, ``main``, ``types``; a subpath without an ``exports`` entry is taken
relative to the package folder (then to its ``src/``). As workspace packages often point at
build output that is not in the checkout, a missing ``dist/``/``build/``/``lib/``/``out/`` target
is mapped back to ``src/`` with a source extension, and ``src/index`` is the last resort for the
package root. ``#`` specifiers use the nearest ``package.json``'s ``imports``; a
``node_modules`` entry that links into a scanned root resolves like a workspace package.
"""
from __future__ import annotations

import os
from typing import Optional

from .project_files import FILE
from .specifiers import SCHEME, exports_map, is_dts, match_map, strip_code_ext, targets_for


# package.json fields naming the package's entry, in the order they are tried.
ENTRY_FIELDS: tuple[str, ...] = ("source", "module", "main", "types", "typings")
# Build-output folders mapped back to src/, and flavour folders under them
# (dist/esm/index.js, dist/types/index.d.ts) that are dropped too.
BUILDDIRS = frozenset({"dist", "build", "lib", "out"})
FLAVOURDIRS = frozenset({"esm", "cjs", "es", "mjs", "module", "modules", "commonjs", "types", "typings",
                          "umd", "node", "browser", "src"})


class PackageEntries:
    """Needs `ProjectFiles`' lookups, `Probing._probe` (an entry is probed like a relative file)
    and `ModuleResolver._resolve` (an ``imports`` target naming another package)."""

    _root_reals: list[tuple[str, str]]
    _nearest_pkg: dict[str, Optional[str]]
    _entries: dict[tuple[str, str], Optional[str]]

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
            if target.startswith(("./", "../", "/")) or not SCHEME.match(target):
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
