"""Import specifiers and package.json entry points: the pure string work of resolution
(file extensions, TypeScript's ESM extension convention, `exports` / `imports` maps with
subpath patterns and conditions). No file system access here."""
from __future__ import annotations

import os
import re
from typing import Optional

from ..readers.formats.jsonc import Json

EXTENSIONS: tuple[str, ...] = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# What a compiled-extension specifier may stand for, TypeScript's ESM convention.
JS_TO_TS: dict[str, tuple[str, ...]] = {
    ".js": (".ts", ".tsx"),
    ".jsx": (".tsx",),
    ".mjs": (".mts",),
    ".cjs": (".cts",),
}
DTS_SUFFIXES: tuple[str, ...] = (".d.ts", ".d.mts", ".d.cts")
# Export conditions tried first, in this order; any other condition follows in
# the order the package lists it.
CONDITION_ORDER: tuple[str, ...] = ("source", "types", "typings", "import", "module", "default", "require")
# A specifier or target with a scheme names no project file.
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # node:, bun:, https:, data:, virtual:


def split_bare(spec: str) -> tuple[str, str]:
    """("@scope/name", "./sub/path") or ("name", ".")."""
    parts = spec.split("/")
    n = 2 if spec.startswith("@") and len(parts) > 1 else 1
    name = "/".join(parts[:n])
    rest = "/".join(parts[n:])
    return name, ("./" + rest) if rest else "."


def is_dts(name: str) -> bool:
    return name.lower().endswith(DTS_SUFFIXES)


def code_ext(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit(os.sep, 1)[-1]
    dot = base.rfind(".")
    return base[dot:] if dot > 0 else ""


def strip_code_ext(rel: str) -> str:
    low = rel.lower()
    for suffix in DTS_SUFFIXES:
        if low.endswith(suffix):
            return rel[: -len(suffix)]
    ext = code_ext(rel)
    if ext in EXTENSIONS:
        return rel[: -len(ext)]
    return rel


def file_stem(name: str) -> str:
    """The file name without its extension ("auth.server.ts" -> "auth.server", "x.d.ts" -> "x")."""
    if is_dts(name):
        return strip_code_ext(name)
    ext = code_ext(name)
    return name[: -len(ext)] if ext else name


def flatten_conditions(value: Json, out: list[str], depth: int = 0) -> None:
    """Every target string of an exports/imports entry, preferred conditions first."""
    if depth > 20:
        return
    if isinstance(value, str):
        if value not in out:
            out.append(value)
    elif isinstance(value, list):
        for item in value:
            flatten_conditions(item, out, depth + 1)
    elif isinstance(value, dict):
        keys = [k for k in CONDITION_ORDER if k in value]
        keys += [k for k in value if k not in CONDITION_ORDER]
        for key in keys:
            flatten_conditions(value[key], out, depth + 1)


def match_map(mapping: dict, key: str) -> Optional[tuple[Json, str]]:
    """Node's subpath matching in an exports/imports map: the exact key, else the
    ``*`` pattern with the longest prefix (then the longest key), else a legacy
    folder key ending in "/". Returns (entry, what ``*`` stands for)."""
    if key in mapping and "*" not in key:
        return mapping[key], ""
    best: Optional[tuple[str, str]] = None
    for k in mapping:
        if not isinstance(k, str):
            continue
        star = k.find("*")
        if star >= 0:
            if k.count("*") != 1:
                continue
            prefix, suffix = k[:star], k[star + 1:]
            # what "*" stands for is never empty (Node: the key must be at least as long)
            if key.startswith(prefix) and key.endswith(suffix) and len(key) > len(prefix) + len(suffix):
                if best is None or (len(prefix), len(k)) > (len(best[0]), len(best[1])):
                    best = (prefix, k)
    if best is not None:
        prefix, k = best
        suffix = k[k.find("*") + 1:]
        return mapping[k], key[len(prefix): len(key) - len(suffix)]
    folder = max((k for k in mapping if isinstance(k, str) and k.endswith("/") and key.startswith(k)),
                 key=len, default=None)
    if folder is not None:
        entry = mapping[folder]
        if isinstance(entry, str):
            return entry + key[len(folder):], ""
    return None


def targets_for(entry: Json, star: str) -> list[str]:
    flat: list[str] = []
    flatten_conditions(entry, flat)
    return [t.replace("*", star) for t in flat] if star else flat


def exports_map(exports: Json) -> Optional[dict]:
    """``exports`` as a {subpath: entry} map (sugar forms expanded)."""
    if isinstance(exports, (str, list)):
        return {".": exports}
    if isinstance(exports, dict):
        keys = [k for k in exports if isinstance(k, str)]
        if keys and all(k.startswith(".") for k in keys):
            return exports
        if keys and not any(k.startswith(".") for k in keys):
            return {".": exports}  # a conditions object for the root
        return {k: v for k, v in exports.items() if isinstance(k, str) and k.startswith(".")}
    return None
