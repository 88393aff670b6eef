"""What clerk-lint reads: the file kinds (languages) by name, extension and path, the folders it
never walks into, and `Candidate`, one file to scan with its kind."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Sequence

# Keys starting with "." are file extensions (matched case-insensitively); any
# other key is an exact file name (for manifests such as "package.json").
LANGUAGES: dict[str, str] = {
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".vue": "vue",
    ".astro": "astro",
    ".svelte": "svelte",
    ".py": "python",
    # Non-code places a migration touches: manifests, env files, schemas, configs.
    "package.json": "package-json",
    "pyproject.toml": "pyproject",
    "Pipfile": "pipfile",
    ".prisma": "prisma",
    ".sql": "sql",
    "app.json": "json-config",
    "vercel.json": "json-config",
    "config.toml": "toml-config",
    "netlify.toml": "toml-config",
    # Build and deploy configs that declare env variables (readers/build_config.py).
    "turbo.json": "turbo-json",
    "wrangler.toml": "wrangler",
    "wrangler.json": "wrangler",
    "wrangler.jsonc": "wrangler",
    "eas.json": "eas-json",
}

# File-name patterns (fnmatch, lower-cased name), tried after exact names and extensions.
LANGUAGE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("*requirements*.txt", "requirements"),
    ("requirements*.in", "requirements"),
    (".env", "dotenv"),
    (".env.*", "dotenv"),
    ("*.env", "dotenv"),
    (".envrc", "dotenv"),
    # Where deployments provide env variables (readers/deploy_env.py); generic .yml is not read.
    ("*.gitlab-ci.yml", "gitlab-ci"),
    ("*.gitlab-ci.yaml", "gitlab-ci"),
    ("docker-compose*.yml", "docker-compose"),
    ("docker-compose*.yaml", "docker-compose"),
    ("compose*.yml", "docker-compose"),
    ("compose*.yaml", "docker-compose"),
    ("dockerfile", "dockerfile"),
    ("*.dockerfile", "dockerfile"),
    ("dockerfile.*", "dockerfile"),
    ("render.yaml", "render-yaml"),
    ("fly.toml", "fly-toml"),
    # Dynaconf (Python settings): settings.toml, settings.local.toml, .secrets.toml ...
    ("settings.toml", "dynaconf-toml"),
    ("settings.*.toml", "dynaconf-toml"),
    (".secrets.toml", "dynaconf-toml"),
    (".secrets.*.toml", "dynaconf-toml"),
)

# Kinds known by their folder, matched against the '/'-separated path.
PATH_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?:^|/)\.github/workflows/[^/]+\.ya?ml$"), "github-actions"),
    (re.compile(r"(?:^|/)action\.ya?ml$"), "github-actions"),
)

DEFAULT_SKIP_DIRS: frozenset[str] = frozenset(
    {
        "node_modules",
        ".git",
        "dist",
        ".next",
        "coverage",
        ".turbo",
        ".vercel",
        ".svelte-kit",
        ".nuxt",
        ".output",
        ".expo",
        "__pycache__",
        ".venv",
        "venv",
        "site-packages",  # any virtualenv, whatever its folder is called (env/lib/python3.x/...)
        ".tox",
        ".nox",
    }
)

# Names that are build output in most apps but also real source folders in some (a Next.js route
# `app/build/page.tsx`, `app/vendor/[id]/page.tsx`): skipped only where `holds_output` says so.
OUTPUT_DIR_NAMES: frozenset[str] = frozenset({"build", "out", "vendor"})
# Beside one of these the folder is a package's own output (or its vendored dependencies).
PACKAGE_FILES: frozenset[str] = frozenset(
    {"package.json", "composer.json", "go.mod", "Gemfile", "pyproject.toml", "setup.py", "Cargo.toml"})
# Inside the folder: what bundlers, exporters and package managers leave there.
OUTPUT_MARKERS: frozenset[str] = frozenset(
    {"asset-manifest.json", "manifest.json", "build-manifest.json", "webpack-stats.json", ".vite", "_next",
     "modules.txt", "autoload.php", "bundle"})
OUTPUT_SUFFIXES: tuple[str, ...] = (".map", ".chunk.js")


def holds_output(folder: str, siblings) -> bool:
    """Whether a folder named in OUTPUT_DIR_NAMES holds generated output: it sits at a package root
    (`siblings`, the names beside it, include a package file) or holds a bundler's manifest, a
    package manager's marker, minified files or source maps."""
    if not PACKAGE_FILES.isdisjoint(siblings):
        return True
    import os

    try:
        with os.scandir(folder) as it:
            names = [entry.name for entry in it]
    except OSError:
        return False
    return any(name in OUTPUT_MARKERS or is_minified(name) or name.lower().endswith(OUTPUT_SUFFIXES)
               for name in names)

# Folder listings outside the walk (config and workspace lookups) skip both kinds, as before.
LISTING_SKIP_DIRS: frozenset[str] = DEFAULT_SKIP_DIRS | OUTPUT_DIR_NAMES


@dataclass
class DiscoveryStats:
    """What a walk left out, for the run's summary: files of a kind clerk-lint reads skipped by
    ignore rules, folders skipped by them, and the named roots an enclosing repository ignores."""
    ignored_files: int = 0
    ignored_folders: int = 0
    covered_roots: list[str] = field(default_factory=list)
    # The folders the walk listed, and which manifest files (MANIFEST_NAMES) each holds: what
    # workspaces.package_folders would otherwise ask the file system again, folder by folder.
    listed: dict[str, frozenset] = field(default_factory=dict)


MANIFEST_NAMES = frozenset({"package.json", "pyproject.toml"})


# Matched against the end of the (lower-cased) file name.
MINIFIED_SUFFIXES: tuple[str, ...] = (".min.js", ".min.mjs", "-min.js", ".bundle.js")


class DiscoveryError(Exception):
    """A path given to discover() does not exist, or a pattern is invalid (the CLI exits with code 2)."""


@dataclass(frozen=True)
class Candidate:
    path: Path  # absolute (symbolic links in it are kept, not resolved)
    relpath: str  # '/'-separated, relative to root
    root: Path
    language: str



def language_for(name: str, languages: Mapping[str, str] = LANGUAGES,
                 patterns: Sequence[tuple[str, str]] = LANGUAGE_PATTERNS, path: str = "") -> Optional[str]:
    """The language of a file name (or of its `path`, for PATH_PATTERNS), or None when it is not scanned."""
    if path and name.endswith((".yml", ".yaml")):
        lang = next((lang for rx, lang in PATH_PATTERNS if rx.search(path)), None)
        if lang is not None:
            return lang
    if not name.startswith("."):  # exact-name keys never start with a dot
        lang = languages.get(name)
        if lang is not None:
            return lang
    dot = name.rfind(".")
    if dot > 0:  # not a bare dot-file such as ".ts"
        lang = languages.get(name[dot:].lower())
        if lang is not None:
            return lang
    lower = name.lower()
    return next((lang for pattern, lang in patterns if fnmatch.fnmatchcase(lower, pattern)), None)


def is_minified(name: str) -> bool:
    return name.lower().endswith(MINIFIED_SUFFIXES)
