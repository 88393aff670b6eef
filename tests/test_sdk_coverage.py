"""Every app-facing value export of every Clerk JS/TS SDK maps to a specific rule.

Generated from the Clerk surface the scanner ships (`clerk_lint/data/clerk_surface.json`): for
each entry point of the packages below (current `entrypoints` plus the `legacy` names of older
majors), one file imports every value export and uses each on its own line the way its kind is
used (component -> `<X />`, hook / function / middleware -> call, class -> `new X()`, constant ->
a value read). The whole set is scanned once. Each usage line must carry a finding for that
export with a Better Auth replacement, from a rule that is not one of the kind fallbacks
(CLK119 / CLK209 / CLK319), unless the export is listed in EXCEPTIONS with a reason.

Run with `-s` to print the coverage numbers.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pytest

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.scan.driver import run_scan

CATALOG = load_catalog()
SURFACE = CATALOG.surface

# The packages of issue 5 ("Every Clerk SDK"): every entry point of each is covered.
PACKAGES = (
    "nextjs", "react", "clerk-react", "backend", "express", "clerk-sdk-node", "fastify", "hono", "remix",
    "react-router", "tanstack-react-start", "astro", "vue", "nuxt", "clerk-expo", "expo", "chrome-extension",
    "clerk-js", "elements", "themes", "testing", "localizations",
)

GENERIC = frozenset({"CLK119", "CLK209", "CLK319"})

# (module, export) -> why it is left to a generic kind-fallback rule. Keep this list short and
# justified; a stale entry (one that now has a specific rule) fails the suite.
EXCEPTIONS: dict[tuple[str, str], str] = {}

# Not covered at all by this test (outside the package list): @clerk/shared (internal
# helpers of the SDKs; its public hooks are re-exported by the framework packages and covered
# there), @clerk/types (types only), @clerk/ui (Core 3 UI bundle; its themes share CLK913).

_IDENT = re.compile(r"^[A-Za-z_$][\w$]*$")


def _in_scope(module: str) -> bool:
    return any(module == f"@clerk/{p}" or module.startswith(f"@clerk/{p}/") for p in PACKAGES)


@dataclass(frozen=True)
class Export:
    module: str
    name: str
    kind: str
    legacy: bool


def app_facing_exports() -> list[Export]:
    out: dict[tuple[str, str], Export] = {}
    for table, legacy in (("entrypoints", False), ("legacy", True)):
        for module, exports in SURFACE[table].items():
            if not _in_scope(module):
                continue
            for name, entry in exports.items():
                kind = entry[0]
                if kind == "type" or (module, name) in out:
                    continue
                out[(module, name)] = Export(module, name, kind, legacy)
    return sorted(out.values(), key=lambda e: (e.module, e.name))


def _local(export: Export) -> str:
    return "ClerkDefault" if export.name == "default" else export.name


def _usage(export: Export, index: int) -> str:
    local = _local(export)
    if export.kind == "component":
        return f"export const rendered{index} = <{local} />;"
    if export.kind == "class":
        return f"new {local}();"
    if export.kind == "constant":
        return f"console.log({local});"
    return f"{local}();"  # hook, function, middleware


def _file_name(module: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", module.strip("@")) + ".tsx"


def build_snippets(exports: list[Export]) -> dict[str, tuple[str, dict[int, Export]]]:
    """file name -> (source, line -> export used on that line)."""
    by_module: dict[str, list[Export]] = defaultdict(list)
    for export in exports:
        by_module[export.module].append(export)
    files = {}
    for module, items in sorted(by_module.items()):
        named = [e for e in items if e.name != "default"]
        assert all(_IDENT.match(e.name) for e in named), module
        default = next((e for e in items if e.name == "default"), None)
        clause = ", ".join(
            ([_local(default)] if default else []) + ([f"{{ {', '.join(e.name for e in named)} }}"] if named else [])
        )
        lines = [f'import {clause} from "{module}";', ""]
        where: dict[int, Export] = {}
        for index, export in enumerate(([default] if default else []) + named):
            lines.append(_usage(export, index))
            where[len(lines)] = export
        files[_file_name(module)] = ("\n".join(lines) + "\n", where)
    return files


EXPORTS = app_facing_exports()
SNIPPETS = build_snippets(EXPORTS)


@pytest.fixture(scope="module")
def findings_by_line(tmp_path_factory):
    root = tmp_path_factory.mktemp("sdk-surface")
    for name, (source, _) in SNIPPETS.items():
        (root / name).write_text(source, encoding="utf-8")
    result = run_scan([root], CATALOG)
    by_line = defaultdict(list)
    for f in result.findings:
        by_line[(f.location.path, f.location.line)].append(f)
    return by_line


def _matches(symbol: str, export: Export) -> bool:
    name = export.name
    return symbol == name or symbol.startswith((name + "(", name + "."))


def _finding_for(by_line, file_name: str, line: int, export: Export):
    candidates = [f for f in by_line.get((file_name, line), []) if f.code != "CLK001"]
    return next((f for f in candidates if _matches(f.symbol, export)), None)


def coverage(by_line) -> tuple[int, int, list[Export], list[Export]]:
    """(specific, total, generic exports, exports without any finding)."""
    specific, generic, missing = 0, [], []
    for file_name, (_, where) in SNIPPETS.items():
        for line, export in where.items():
            f = _finding_for(by_line, file_name, line, export)
            if f is None:
                missing.append(export)
            elif f.code in GENERIC:
                generic.append(export)
            else:
                specific += 1
    return specific, len(EXPORTS), generic, missing


@pytest.mark.parametrize("file_name", sorted(SNIPPETS))
def test_every_export_has_a_specific_rule(findings_by_line, file_name):
    source, where = SNIPPETS[file_name]
    problems = []
    for line, export in sorted(where.items()):
        f = _finding_for(findings_by_line, file_name, line, export)
        label = f"{export.module} {export.name} ({export.kind}{', legacy' if export.legacy else ''})"
        if f is None:
            got = [(x.code, x.symbol) for x in findings_by_line.get((file_name, line), [])]
            problems.append(f"{label}: no finding on line {line} {got}")
            continue
        if not f.better_auth.api.strip():
            problems.append(f"{label}: {f.code} has no Better Auth replacement")
        if "{symbol}" in f.message or "{package}" in f.message:
            problems.append(f"{label}: {f.code} message template was not filled in: {f.message}")
        exception = EXCEPTIONS.get((export.module, export.name))
        if f.code in GENERIC and exception is None:
            problems.append(f"{label}: only the generic {f.code}")
        if f.code not in GENERIC and exception is not None:
            problems.append(f"{label}: listed as an exception but {f.code} covers it now")
    assert not problems, "\n".join(problems) + "\n\n" + source


def test_report_coverage(findings_by_line):
    specific, total, generic, missing = coverage(findings_by_line)
    print(f"\nClerk SDK surface: {specific}/{total} value exports have a specific rule "
          f"({100.0 * specific / total:.1f}%); {len(generic)} on a generic fallback; {len(missing)} without a finding")
    for export in generic:
        print(f"  generic: {export.module} {export.name}: {EXCEPTIONS.get((export.module, export.name), '?')}")
    assert total > 1000  # the surface file was read
    assert not missing
    assert specific + len(generic) == total


# --------------------------------------------------------------------------- framework shapes

SHAPES = [
    pytest.param(  # clerkClient is an instance in Express / Fastify / the old Node SDK ...
        'import { clerkClient } from "@clerk/express";\nawait clerkClient.users.getUser("u");\n', 2, "CLK402",
        id="express-clerkClient-instance"),
    pytest.param(  # ... and a function in Next.js >= 6, React Router, TanStack, Astro, Nuxt
        'import { clerkClient } from "@clerk/nextjs/server";\nawait (await clerkClient()).users.getUser("u");\n', 2,
        "CLK402", id="nextjs-clerkClient-function"),
    pytest.param(
        'import { clerkClient } from "@clerk/react-router/server";\n'
        'export const loader = async (args: any) => (await clerkClient(args).users.getUserList()).data;\n', 2, "CLK402",
        id="react-router-clerkClient-function"),
    pytest.param('import { clerkPlugin } from "@clerk/vue";\napp.use(clerkPlugin, { publishableKey });\n', 2, "CLK916",
                 id="vue-plugin"),
    pytest.param('import { clerkPlugin } from "@clerk/fastify";\nfastify.register(clerkPlugin);\n', 2, "CLK303",
                 id="fastify-plugin"),
    pytest.param('import { createClerkClient } from "@clerk/chrome-extension/client";\n'
                 'const clerk = await createClerkClient({ publishableKey });\n', 2, "CLK912", id="chrome-extension-client"),
    pytest.param('import { createClerkClient } from "@clerk/backend";\n'
                 'const clerk = createClerkClient({ secretKey });\n', 2, "CLK401", id="backend-client"),
    pytest.param('import { getAuth } from "@hono/clerk-auth";\napp.get("/", (c) => c.json(getAuth(c)));\n', 2, "CLK301",
                 id="hono-community-getAuth"),
    pytest.param('import { clerkMiddleware } from "@hono/clerk-auth";\napp.use("*", clerkMiddleware());\n', 2, "CLK303",
                 id="hono-community-middleware"),
    pytest.param('import { useUser } from "vue-clerk";\nconst { user } = useUser();\n', 2, "CLK201", id="vue-clerk-useUser"),
    pytest.param('import { getAuth } from "@clerk/express";\napp.get("/me", (req, res) => res.json(getAuth(req)));\n', 2,
                 "CLK301", id="express-getAuth"),
    pytest.param('import { requireAuth } from "@clerk/express";\napp.get("/me", requireAuth(), handler);\n', 2, "CLK309",
                 id="express-requireAuth"),
    pytest.param('import { ClerkExpressRequireAuth } from "@clerk/clerk-sdk-node";\n'
                 'app.use(ClerkExpressRequireAuth());\n', 2, "CLK309", id="sdk-node-require-auth"),
    pytest.param('import { dark } from "@clerk/themes";\n<ClerkProvider appearance={{ baseTheme: dark }} />;\n', 2,
                 "CLK913", id="theme-in-appearance"),
    pytest.param('import { Clerk } from "@clerk/clerk-js";\nconst clerk = new Clerk(key);\n', 2, "CLK910",
                 id="clerk-js-new"),
    pytest.param('import type { Clerk } from "@clerk/types";\nconst c = (window as any).Clerk as Clerk;\n', 2, "CLK911",
                 id="window-clerk-as-any"),
    pytest.param('import "@clerk/clerk-js";\nwindow["Clerk"]?.openSignIn();\n', 2, "CLK911", id="window-clerk-subscript"),
]


@pytest.mark.parametrize("source,line,code", SHAPES)
def test_framework_shapes(tmp_path, source, line, code):
    (tmp_path / "shape.tsx").write_text(source, encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    got = [(f.location.line, f.code) for f in result.findings]
    assert (line, code) in got, got


def test_window_clerk_without_any_clerk_import(tmp_path):
    (tmp_path / "analytics.js").write_text(
        'export async function identify() {\n  const user = window.Clerk?.user;\n  return user?.id;\n}\n', encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    assert [(f.location.line, f.code) for f in result.findings] == [(2, "CLK911")]
