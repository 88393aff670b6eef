"""Path aliases a bundler or framework adds without tsconfig `paths`: Vite's `resolve.alias`
(`"@": path.resolve(__dirname, "./src")`, `fileURLToPath(new URL("./src", import.meta.url))`,
`[{ find: "@", replacement: ... }]`), Nuxt's built-in `~` / `@` (the source folder: `app/` in
the Nuxt 4 layout, else the project) and `~~` / `@@` (the project), plus a Nuxt config's own
`alias: {...}`, and SvelteKit's `$lib` (`src/lib`). A mixin of `ModuleResolver`, asked after
tsconfig `paths`; the configs are read as text from the nearest package's folder, once.
"""
from __future__ import annotations

import os
import re
from typing import Optional

from .project_files import read_text

VITE_CONFIGS = ("vite.config.ts", "vite.config.mts", "vite.config.js", "vite.config.mjs", "vite.config.cjs",
                "vitest.config.ts", "vitest.config.js", "vitest.config.mts")
NUXT_CONFIGS = ("nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs", "nuxt.config.mts")
SVELTE_CONFIGS = ("svelte.config.js", "svelte.config.mjs", "svelte.config.ts")
_ALIAS_KEY = re.compile(r"\balias\s*:\s*([\[{])")
_STRING = re.compile(r"""(["'`])((?:(?!\1)[^\\\n]|\\.)*)\1""")
_CLOSE = {"{": "}", "[": "]", "(": ")"}


def _block(text: str, start: int) -> str:
    """The balanced bracket block opening at `start` (strings skipped), or the rest of the text."""
    depth, i = 0, start
    stack = []
    while i < len(text):
        ch = text[i]
        if ch in "\"'`":
            m = _STRING.match(text, i)
            i = m.end() if m else i + 1
            continue
        if ch in _CLOSE:
            stack.append(_CLOSE[ch])
            depth += 1
        elif stack and ch == stack[-1]:
            stack.pop()
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
        i += 1
    return text[start + 1:]


def _entries(body: str) -> list[str]:
    """Top-level comma-separated entries of a block's body."""
    out, depth, last, i = [], 0, 0, 0
    while i < len(body):
        ch = body[i]
        if ch in "\"'`":
            m = _STRING.match(body, i)
            i = m.end() if m else i + 1
            continue
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(body[last:i])
            last = i + 1
        i += 1
    out.append(body[last:])
    return [e.strip() for e in out if e.strip()]


def _path_string(value: str) -> Optional[str]:
    """The folder a value names: the last string literal that looks like a path."""
    strings = [m.group(2) for m in _STRING.finditer(value)]
    paths = [s for s in strings if s and not s.startswith(("node:", "http")) and re.fullmatch(r"[\w./@~$-]+", s)]
    return paths[-1] if paths else None


def config_aliases(text: str) -> list[tuple[str, str]]:
    """(alias, folder as written) pairs of every `alias: {...}` / `alias: [...]` in a config."""
    out: list[tuple[str, str]] = []
    for m in _ALIAS_KEY.finditer(text):
        body = _block(text, m.start(1))
        for entry in _entries(body):
            if m.group(1) == "{":
                key_match = re.match(r"""(["'`]?)([^"'`:\s]+)\1\s*:""", entry)
                if key_match is None:
                    continue
                target = _path_string(entry[key_match.end():])
                if target is not None:
                    out.append((key_match.group(2), target))
            else:
                find = re.search(r"""\bfind\s*:\s*(["'`])([^"'`]+)\1""", entry)
                replacement = re.search(r"\breplacement\s*:", entry)
                if find and replacement:
                    target = _path_string(entry[replacement.end():])
                    if target is not None:
                        out.append((find.group(2), target))
    return out


class BundlerAliases:
    """The bundler-alias step of `ModuleResolver` (it supplies the lookups used here)."""

    _bundler_aliases: dict[str, list[tuple[str, str]]]

    def _aliases_of(self, project: str) -> list[tuple[str, str]]:
        """(prefix, absolute folder) for the package at `project`, longest prefix first."""
        try:
            return self._bundler_aliases[project]
        except KeyError:
            pass
        found: list[tuple[str, str]] = []

        def add(prefix: str, folder: str) -> None:
            prefix = prefix.rstrip("/")
            if prefix and not prefix.startswith("."):
                folder = folder.lstrip("/")  # Vite's "/src" is relative to the project root
                found.append((prefix, os.path.normpath(os.path.join(project, folder))))

        for name in VITE_CONFIGS:
            path = os.path.join(project, name)
            if self._is_file(path):
                for prefix, folder in config_aliases(read_text(path) or ""):
                    add(prefix, folder)
        for name in NUXT_CONFIGS:
            path = os.path.join(project, name)
            if self._is_file(path):
                text = read_text(path) or ""
                for prefix, folder in config_aliases(text):
                    add(prefix.replace("~/", "~").replace("@/", "@"), folder)
                src = re.search(r"""\bsrcDir\s*:\s*(["'`])([^"'`]+)\1""", text)
                source = src.group(2) if src else ("app" if self._is_dir(os.path.join(project, "app"))
                                                    and not self._is_file(os.path.join(project, "app.vue")) else ".")
                for prefix, folder in (("~~", "."), ("@@", "."), ("~", source), ("@", source)):
                    add(prefix, folder)
                break
        if any(self._is_file(os.path.join(project, name)) for name in SVELTE_CONFIGS):
            add("$lib", "src/lib")
        found.sort(key=lambda pair: -len(pair[0]))
        self._bundler_aliases[project] = found
        return found

    def _bundler_alias(self, folder: str, spec: str) -> Optional[str]:
        """The file `spec` names through its package's bundler aliases, or None."""
        project = self._pkg_dir_of(folder)
        if project is None:
            return None
        for prefix, target in self._aliases_of(project):
            if spec == prefix or spec.startswith(prefix + "/"):
                rest = spec[len(prefix):].lstrip("/")
                found = self._probe(os.path.normpath(os.path.join(target, rest)), dir_only=spec.endswith("/"))
                if found is not None:
                    return found
        return None
