"""`clerk-lint draft`: Better Auth starter files tailored to what the scan found.

Consumes a `ScanResult` (through the plan's facts) and the package.json files of the scanned
project (for the framework and the database driver); never the source files themselves.

    files = build_draft(result, catalog, [Path("app")])   # {relative path: text}
    write_draft(files, Path("better-auth-draft"))
"""
from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Iterable

from ..concepts.catalog import Catalog
from ..findings import ScanResult
from ..plan.facts import better_auth_plugins, collect
from .auth_ts import render_auth
from .client_ts import render_client
from .context import Ctx
from .detect import Project, detect
from .env_example import render_env
from .handlers import render_handlers
from .import_script import render_import_script
from .pages import render_pages
from .permissions_ts import render_permissions
from .readme import render_readme

__all__ = ["build_draft", "write_draft", "DraftError", "Project", "detect"]


class DraftError(Exception):
    pass


def build_draft(result: ScanResult, catalog: Catalog, roots: Iterable[Path]) -> dict[str, str]:
    """The draft files, keyed by their path relative to the output folder ('/'-separated)."""
    facts = collect(result)
    project = detect(facts.findings, roots)
    ctx = Ctx(facts=facts, project=project, plugins=better_auth_plugins(facts))
    files: dict[str, str] = {}
    files["auth.ts"] = render_auth(ctx)
    if "organization" in ctx.plugins:
        files["permissions.ts"] = render_permissions(ctx)
    files["auth-client.ts"] = render_client(ctx)
    files.update(render_handlers(ctx))
    files.update(render_pages(ctx))
    files["scripts/import-clerk-users.ts"] = render_import_script(ctx)
    files[".env.example"] = render_env(ctx)
    files["README.md"] = render_readme(ctx, sorted(files))
    if project.node_esm:
        files = {rel: _with_extensions(rel, text, files, project) if rel.endswith((".ts", ".tsx")) else text
                 for rel, text in files.items()}
    return files


_RELATIVE = re.compile(r"""((?:from|import)\s+["'])(\.{1,2}/[^"']+)(["'])""")


def _with_extensions(rel: str, text: str, files: dict[str, str], project: Project) -> str:
    """Node ESM resolution (module node16 / nodenext) needs the runtime file name of every relative
    import: `./auth` -> `./auth.js`, a folder's module -> `./db/index.js`."""
    app_modules = {project.db.instance.path} if project.db.instance else set()

    def fix(m: re.Match) -> str:
        spec = m.group(2)
        base = posixpath.normpath(posixpath.join(posixpath.dirname(rel), spec))
        for suffix, runtime in ((".ts", ".js"), (".tsx", ".js"), ("/index.ts", "/index.js"), ("/index.tsx", "/index.js")):
            if base + suffix in files or base + suffix in app_modules:
                return m.group(1) + spec + runtime + m.group(3)
        return m.group(0)
    return _RELATIVE.sub(fix, text)


def write_draft(files: dict[str, str], out: Path, force: bool = False) -> list[Path]:
    """Write the files under `out`; existing files are only replaced with `force`."""
    targets = [(out / rel, text) for rel, text in sorted(files.items())]
    if not force:
        existing = [str(path) for path, _ in targets if path.exists()]
        if existing:
            raise DraftError(f"{existing[0]} exists (use --force to overwrite)")
    written = []
    for path, text in targets:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
            tmp.write_text(text, encoding="utf-8", newline="\n")
            os.replace(tmp, path)
        except OSError as exc:
            raise DraftError(f"cannot write {path}: {exc.strerror or exc}") from None
        written.append(path)
    return written
