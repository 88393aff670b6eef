"""Which workspace package each scanned file belongs to, for per-package summaries.

A package is the nearest folder (at or below the scan root) holding a package.json or a
pyproject.toml; its name is the manifest's name, else the folder's path.
"""
from __future__ import annotations

import json
import os
import re
from typing import Iterable, Optional

from .walk import Candidate
from .upward import nearest_upward

_PYPROJECT_NAME = re.compile(r'^\s*name\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)


def _manifest_name(folder: str, listed: Optional[dict[str, frozenset]] = None) -> Optional[str]:
    """`listed`: folder -> the manifest files it holds, as the walk saw them (a folder not
    there is asked of the file system)."""
    held = listed.get(folder) if listed is not None else None

    def holds(name: str) -> bool:
        return name in held if held is not None else os.path.isfile(os.path.join(folder, name))

    package_json = os.path.join(folder, "package.json")
    if holds("package.json"):
        try:
            with open(package_json, encoding="utf-8") as fh:
                data = json.load(fh)
            name = data.get("name") if isinstance(data, dict) else None
            return name if isinstance(name, str) and name else os.path.basename(folder)
        except (OSError, ValueError, RecursionError):  # unreadable, not JSON, nested too deep
            return os.path.basename(folder)
    pyproject = os.path.join(folder, "pyproject.toml")
    if holds("pyproject.toml"):
        try:
            with open(pyproject, encoding="utf-8") as fh:
                match = _PYPROJECT_NAME.search(fh.read())
        except (OSError, ValueError):
            match = None
        return match.group(1) if match else os.path.basename(folder)
    return None


def package_folders(candidates: Iterable[Candidate], listed: Optional[dict[str, frozenset]] = None) -> dict[str, str]:
    """relpath of each package folder ('' for the root) -> package name. `listed`: the
    manifests of the folders discovery listed (DiscoveryStats.listed)."""
    # Plain strings, not Path objects: this runs once per scanned file.
    memo: dict[str, Optional[tuple[str, str]]] = {}  # absolute folder -> (rel, name) of its package
    packages: dict[str, str] = {}
    for candidate in candidates:
        root = str(candidate.root)

        def package_in(folder: str) -> Optional[tuple[str, str]]:
            name = _manifest_name(folder, listed)
            if name is None:
                return None
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            return ("" if rel == "." else rel, name)

        found = nearest_upward(os.path.dirname(str(candidate.path)), memo, package_in,
                               lambda folder: folder == root or not folder.startswith(root))
        if found is not None:
            packages[found[0]] = found[1]
    return packages


def package_of(path: str, packages: dict[str, str]) -> Optional[str]:
    """The package folder (a key of `packages`) a relpath belongs to: the longest prefix."""
    best = None
    for folder in packages:
        if folder == "" or path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best
