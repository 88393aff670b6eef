"""Which workspace package each scanned file belongs to, for per-package summaries.

A package is the nearest folder (at or below the scan root) holding a package.json or a
pyproject.toml; its name is the manifest's name, else the folder's path.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Iterable, Optional

from .discover import Candidate

_PYPROJECT_NAME = re.compile(r'^\s*name\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)


def _manifest_name(folder: Path) -> Optional[str]:
    package_json = folder / "package.json"
    if package_json.is_file():
        try:
            data = json.loads(package_json.read_text(encoding="utf-8"))
            name = data.get("name") if isinstance(data, dict) else None
            return name if isinstance(name, str) and name else folder.name
        except (OSError, ValueError, RecursionError):  # unreadable, not JSON, nested too deep
            return folder.name
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            match = _PYPROJECT_NAME.search(pyproject.read_text(encoding="utf-8"))
        except OSError:
            match = None
        return match.group(1) if match else folder.name
    return None


def package_folders(candidates: Iterable[Candidate]) -> dict[str, str]:
    """relpath of each package folder ('' for the root) -> package name."""
    seen: dict[str, Optional[tuple[str, str]]] = {}  # absolute folder -> (rel, name) of its package
    packages: dict[str, str] = {}
    for candidate in candidates:
        root = str(candidate.root)
        folder = candidate.path.parent
        trail = []
        found: Optional[tuple[str, str]] = None
        while True:
            key = str(folder)
            if key in seen:
                found = seen[key]
                break
            trail.append(key)
            name = _manifest_name(folder)
            if name is not None:
                rel = os.path.relpath(key, root).replace(os.sep, "/")
                found = ("" if rel == "." else rel, name)
                break
            if key == root or folder.parent == folder or not key.startswith(root):
                break
            folder = folder.parent
        for key in trail:
            seen[key] = found
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
