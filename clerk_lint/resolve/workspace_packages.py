"""Monorepo workspaces as the resolver reads them, a mixin of `ModuleResolver`.

The nearest folder upward whose ``package.json`` declares ``workspaces`` (a list, or
``{"packages": [...]}``), or that holds a ``pnpm-workspace.yaml`` (or a ``lerna.json`` with
``packages``), is the monorepo root. Its globs (``*``, ``**``, ``?``, ``[..]``, ``{a,b}``, ``!``
negations) are expanded to the folders holding a ``package.json`` (never into
``node_modules``), and each package ``name`` is mapped to its folder.
"""
from __future__ import annotations

import os
import re
from typing import Optional

from ..discover.kinds import LISTING_SKIP_DIRS as DEFAULT_SKIP_DIRS
from .globs import glob_parts, glob_regex, has_magic, segment_regex
from .pnpm_workspace import parse_pnpm_packages
from .project_files import DIR, FILE, read_text


class Workspace:
    __slots__ = ("root", "globs", "packages")

    def __init__(self, root: str, globs: list[str]):
        self.root = root
        self.globs = globs
        self.packages: Optional[dict[str, str]] = None  # name -> folder, built lazily



class WorkspacePackages:
    """Needs `ProjectFiles`' lookups."""

    _workspace_of: dict[str, Optional[Workspace]]

    def _workspace_in(self, folder: str) -> Optional[Workspace]:
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
        return Workspace(folder, globs) if marked else None

    def _workspace(self, folder: str) -> Optional[Workspace]:
        return self._upward(folder, self._workspace_of, self._workspace_in)

    def _packages(self, ws: Workspace) -> dict[str, str]:
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
