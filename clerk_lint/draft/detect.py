"""Which framework, client flavour and database access the project uses: from the Clerk packages
in the findings and from package.json dependencies (the only file the draft reads itself)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..findings import Finding
from ..readers.formats.jsonc import loads_jsonc
from ..resolve.app_database import Database, find_database, read_dependencies
from .route_rules import RouteRules, read_route_rules, to_js

# Clerk SDK -> framework. The first match in this order wins (a Next.js app also imports
# @clerk/clerk-react through wrappers, an Express API also imports @clerk/backend).
CLERK_FRAMEWORKS = (
    ("@clerk/nextjs", "next"),
    ("@clerk/tanstack-react-start", "tanstack-start"),
    ("@clerk/remix", "remix"),
    ("@clerk/react-router", "react-router"),
    ("@clerk/astro", "astro"),
    ("@clerk/nuxt", "nuxt"),
    ("@clerk/vue", "vue"),
    ("vue-clerk", "vue"),
    ("svelte-clerk", "svelte"),
    ("@clerk/express", "express"),
    ("@clerk/clerk-sdk-node", "express"),
    ("@clerk/fastify", "fastify"),
    ("@hono/clerk-auth", "hono"),
    ("@clerk/clerk-expo", "expo"),
    ("@clerk/expo", "expo"),
    ("@clerk/chrome-extension", "react"),
    ("@clerk/clerk-react", "react"),
    ("@clerk/react", "react"),
    ("@clerk/clerk-js", "vanilla"),
    ("@clerk/backend", "node"),
)
# package.json dependency -> framework, when no Clerk package decides it.
DEPENDENCY_FRAMEWORKS = (
    ("next", "next"), ("nuxt", "nuxt"), ("@remix-run/react", "remix"), ("astro", "astro"),
    ("@sveltejs/kit", "svelte"), ("express", "express"), ("fastify", "fastify"), ("hono", "hono"),
    ("vue", "vue"), ("react", "react"),
)
REACT_CLIENTS = {"next", "react", "remix", "react-router", "tanstack-start", "expo"}
VUE_CLIENTS = {"vue", "nuxt"}


@dataclass
class Project:
    framework: str = "node"            # next | express | react | vue | ... | node
    server: str = "generic"            # next | express | generic: which handler the draft mounts
    router: str = ""                   # next: "app" | "pages"
    app_dir: str = "app"               # next app router: "app" or "src/app"
    pages_dir: str = "pages"
    client_module: str = "better-auth/client"
    database: str = "pg"               # prisma | drizzle | kysely | mongodb | pg | mysql | sqlite
    db_provider: str = "pg"            # pg | mysql | sqlite
    db: Database = field(default_factory=Database)
    route_rules: Optional[RouteRules] = None  # what the Clerk middleware protected (Next.js)
    tsconfig: dict = field(default_factory=dict)  # the app's own compilerOptions (tsconfig.json at the root)
    package_type: str = ""                    # package.json "type" at the root

    @property
    def node_esm(self) -> bool:
        """Relative imports need their .js name: Node's own ESM resolution."""
        return str(self.tsconfig.get("moduleResolution", self.tsconfig.get("module", ""))).lower() in (
            "node16", "nodenext")
    express_major: int = 5
    dependencies: dict[str, str] = field(default_factory=dict)
    manifests: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def is_next(self) -> bool:
        return self.server == "next"


def _major(spec: str) -> Optional[int]:
    m = re.search(r"(\d+)", spec or "")
    return int(m.group(1)) if m else None


def _route_dir(paths: list[str], name: str) -> Optional[str]:
    """The most used folder called `name` (Next.js app/ or pages/) among the finding paths:
    "app", "src/app", "apps/web/app" ..."""
    counts: dict[str, int] = {}
    for path in paths:
        parts = path.split("/")[:-1]
        if name in parts:
            prefix = "/".join(parts[:parts.index(name) + 1])
            counts[prefix] = counts.get(prefix, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda d: (-counts[d], d.count("/"), d))


def detect(findings: list[Finding], roots: Iterable[Path]) -> Project:
    roots = list(roots)
    dev_only: set[str] = set()
    deps, manifests = read_dependencies(roots, dev_only)
    p = Project(dependencies=deps, manifests=manifests)
    packages = {f.package for f in findings}
    packages |= {name for name in deps if name.startswith("@clerk/") or name in ("vue-clerk", "svelte-clerk",
                                                                                  "@hono/clerk-auth")}
    framework = None
    for prefix, fw in CLERK_FRAMEWORKS:
        if any(pkg == prefix or pkg.startswith(prefix + "/") for pkg in packages):
            framework = fw
            p.reasons.append(f"framework {fw}: Clerk package {prefix}")
            break
    dep_framework = next((fw for dep, fw in DEPENDENCY_FRAMEWORKS if dep in deps), None)
    if framework is None or (framework in ("react", "vanilla", "node") and dep_framework in ("next", "remix")):
        if dep_framework:
            p.reasons.append(f"framework {dep_framework}: package.json dependency")
        framework = dep_framework or framework
    p.framework = framework or "node"
    if not manifests:
        p.reasons.append("no package.json: Better Auth runs as its own Node service next to the app, which "
                         "verifies sessions through it (jwt plugin + JWKS, or GET /api/auth/get-session)")

    if p.framework == "next":
        p.server = "next"
    elif p.framework == "express" or "express" in deps:
        p.server = "express"
        p.express_major = _major(deps.get("express", "")) or 5
    else:
        p.server = "generic"

    if p.server == "next":
        paths = [f.location.path for f in findings]
        app, pages = _route_dir(paths, "app"), _route_dir(paths, "pages")
        p.router = "app" if app or not pages else "pages"
        p.app_dir = app or "app"
        p.pages_dir = pages or "pages"
        p.reasons.append(f"Next.js {p.router} router ({p.app_dir if p.router == 'app' else p.pages_dir}/)")
    if p.framework in REACT_CLIENTS or "react" in deps:
        p.client_module = "better-auth/react"
    elif p.framework in VUE_CLIENTS or "vue" in deps:
        p.client_module = "better-auth/vue"
    else:
        p.client_module = "better-auth/client"

    if p.server == "next":
        middleware = sorted({f.location.path for f in findings if f.code in ("CLK303", "CLK309")})
        for rel in middleware:
            base = next((r if r.is_dir() else r.parent for r in roots
                         if ((r if r.is_dir() else r.parent) / rel).is_file()), None)
            if base is not None:
                p.route_rules = read_route_rules(base, rel)
                if p.route_rules is not None:
                    rules = p.route_rules
                    p.reasons.append(f"route protection: {rules.kind} at {rules.path}, "
                                     + ("could not be read fully: " + "; ".join(rules.unknown) if rules.unknown
                                        else f"protected when {to_js(rules.protect, 'path')}"))
                    break
    base = next((r if r.is_dir() else r.parent for r in roots), None)
    if base is not None:
        for name, attr in (("tsconfig.json", "tsconfig"), ("package.json", "package_type")):
            try:
                data = loads_jsonc((base / name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(data, dict):
                continue
            if attr == "tsconfig" and isinstance(data.get("compilerOptions"), dict):
                p.tsconfig = data["compilerOptions"]
            elif attr == "package_type" and isinstance(data.get("type"), str):
                p.package_type = data["type"]
    p.db = find_database(list(roots), set(deps) - dev_only, dev_only)
    p.database = p.db.orm
    p.db_provider = p.db.dialect if p.db.dialect in ("pg", "mysql", "sqlite") else "pg"
    p.reasons += p.db.reasons()
    return p
