"""The file system as the module resolver sees it: directory listings and JSON files, each
read once. A project with thousands of package.json files asks the same folders again and
again; every answer here is cached for the life of one resolver.

Unreadable or malformed files are treated as absent; nothing here raises for bad input.
"""
from __future__ import annotations

import os
from typing import Optional

from ..discover.upward import nearest_upward
from ..readers.formats.jsonc import Json, loads_jsonc

_MAX_JSON_BYTES = 8_000_000
DIR, FILE = 1, 2  # the kinds a listing records
CONFIG_NAMES: tuple[str, ...] = ("tsconfig.json", "jsconfig.json")


def read_text(path: str, limit: int = _MAX_JSON_BYTES) -> Optional[str]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except (OSError, ValueError):
        return None
    if len(raw) > limit:
        return None
    return raw.decode("utf-8", errors="replace")


class ProjectFiles:
    """Cached listings and JSON of the folders around the scanned roots."""

    def __init__(self) -> None:
        self._listings: dict[str, Optional[dict[str, int]]] = {}
        self._json: dict[str, Optional[Json]] = {}


    def _ls(self, folder: str) -> Optional[dict[str, int]]:
        try:
            return self._listings[folder]
        except KeyError:
            pass
        listing: Optional[dict[str, int]] = {}
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    try:
                        if entry.is_dir():
                            listing[entry.name] = DIR
                        elif entry.is_file():
                            listing[entry.name] = FILE
                    except OSError:
                        continue
        except (OSError, ValueError):
            listing = None
        self._listings[folder] = listing
        return listing

    def _kind(self, path: str) -> int:
        folder, name = os.path.split(path)
        if not name:
            return DIR if self._ls(path) is not None else 0
        listing = self._ls(folder)
        return listing.get(name, 0) if listing else 0

    def _is_file(self, path: str) -> bool:
        return self._kind(path) == FILE

    def _is_dir(self, path: str) -> bool:
        return self._kind(path) == DIR

    def _is_boundary(self, folder: str) -> bool:
        listing = self._ls(folder)
        return bool(listing) and ".git" in listing

    def _load_json(self, path: str) -> Optional[Json]:
        try:
            return self._json[path]
        except KeyError:
            pass
        data: Optional[Json] = None
        if self._is_file(path):
            text = read_text(path)
            if text is not None:
                try:
                    data = loads_jsonc(text)
                except (ValueError, RecursionError):
                    data = None
        self._json[path] = data
        return data

    def _pkg_json(self, folder: str) -> Optional[dict]:
        data = self._load_json(os.path.join(folder, "package.json"))
        return data if isinstance(data, dict) else None

    def _upward(self, folder: str, memo: dict, found) -> Optional[object]:
        """The first non-None ``found(dir)`` from ``folder`` up (memoised for every
        folder on the way; a folder holding .git is the last one asked)."""
        return nearest_upward(folder, memo, found, self._is_boundary)
