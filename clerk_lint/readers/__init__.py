"""Readers: one per file kind, side by side. Each turns one file into findings.

A reader is a module (in this package) with
    analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context) -> FileAnalysis
and, when its first step is a byte test that ends the analysis, also
    may_matter(data: bytes) -> bool
so the scan skips plain-ASCII files that fail it without decoding them. Readers never import
each other; what they share is asked from `concepts/` (env variables, Clerk ids, hosts,
secrets, packages) or read with `formats/` (positions in JSON, YAML, dotenv ...). The one
exception is by design: single-file components hand their scripts to `ecma/`. A file kind
two readers understand lists both (vercel.json is an app config and a deploy env map): each
reads the file on its own and the findings are joined, in the order listed.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Union

# language (discover.kinds) -> reader module in this package. Modules are imported on first
# use, so a scan only loads the grammars it needs.
READERS: dict[str, Union[str, tuple[str, ...]]] = {
    "javascript": "ecma.analyzer",
    "typescript": "ecma.analyzer",
    "tsx": "ecma.analyzer",
    "vue": "sfc.analyzer",
    "astro": "sfc.analyzer",
    "svelte": "sfc.analyzer",
    "python": "python.analyzer",
    "package-json": "manifest",
    "requirements": "manifest",
    "pyproject": "manifest",
    "pipfile": "manifest",
    "dotenv": "dotenv",
    "prisma": "schema",
    "sql": "schema",
    "json-config": ("app_config", "deploy_env"),  # deploy_env: vercel.json's env map
    "toml-config": ("app_config", "deploy_env"),  # deploy_env: netlify.toml's [*.environment]
    "github-actions": "deploy_env",
    "gitlab-ci": "deploy_env",
    "docker-compose": "deploy_env",
    "dockerfile": "deploy_env",
    "render-yaml": "deploy_env",
    "fly-toml": "deploy_env",
    "dynaconf-toml": "deploy_env",
    "turbo-json": "build_config",
    "wrangler": "build_config",
    "eas-json": "build_config",
}
# The JS/TS family is read as one project: wrappers in the app's own modules are followed
# across files (resolve/crossfile.py).
PROJECT_READER = "ecma.analyzer"


def _names(language: str) -> tuple[str, ...]:
    names = READERS.get(language, ())
    return (names,) if isinstance(names, str) else names


def readers_for(language: str) -> list[ModuleType]:
    """The reader modules of a file kind, in the order their findings are joined."""
    return [importlib.import_module(f".{name}", __name__) for name in _names(language)]


def in_project(language: str) -> bool:
    """Whether files of this language are read as one project (cross-file)."""
    return PROJECT_READER in _names(language)
