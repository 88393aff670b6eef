"""Path probing, a mixin of `ModuleResolver`: the file a path names as a build would find it.

TypeScript's ESM convention first (``./x.js`` may name ``x.ts``; the source wins over a compiled
``.js`` beside it), then the file itself, then ``EXTENSIONS`` in order (never a ``.d.ts``), then
the path as a folder: its ``package.json`` entry, then ``index.<ext>``.
"""
from __future__ import annotations

import os
from typing import Optional

from .specifiers import EXTENSIONS, JS_TO_TS, code_ext, is_dts


class Probing:
    """Needs `ProjectFiles`' lookups and `PackageEntries._package_entry` (a folder's package.json)."""

    _probes: dict[tuple[str, bool, bool], Optional[str]]

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
