"""Clerk auth reached through framework objects (CLK311-CLK316): found only in packages that
depend on the matching Clerk SDK, only on the objects the framework hands over, and files of
other packages are never parsed for them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from clerk_lint.discover import project_sdks
from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.scan.driver import run_scan
from clerk_lint.scan.per_file import ScanOptions
from cli_helpers import fresh_scan

CATALOG = load_catalog()

EXPRESS_JWT_ROUTE = """import express from "express";
import { expressjwt } from "express-jwt";

const app = express();
app.use(expressjwt({ secret: process.env.JWT_SECRET!, algorithms: ["HS256"] }));
app.get("/me", (req, res) => {
  res.json({ sub: req.auth?.sub, scope: req.auth.scope });
});
"""


@pytest.fixture(autouse=True)
def fresh_manifests():
    project_sdks.clear_caches()
    yield
    project_sdks.clear_caches()


def write(root: Path, files: dict) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return root


def codes(root: Path, **options) -> list[tuple[str, int, str]]:
    result = run_scan([root], CATALOG, ScanOptions(**options))
    return sorted((f.location.path, f.location.line, f.code) for f in result.findings)


def test_express_jwt_req_auth_without_clerk_is_not_a_finding(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"express": "^4", "express-jwt": "^8"}},
                     "src/server.ts": EXPRESS_JWT_ROUTE})
    assert codes(tmp_path) == []


def test_the_same_route_in_a_clerk_express_package_is(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"express": "^4", "@clerk/express": "^1.7.0"}},
                     "src/server.ts": EXPRESS_JWT_ROUTE.replace('import { expressjwt } from "express-jwt";\n', "")})
    found = [(path, line, code) for path, line, code in codes(tmp_path) if path.endswith(".ts")]
    assert found == [("src/server.ts", 6, "CLK314")]  # two reads on the line: one change there


def test_nearest_package_decides_in_a_monorepo(tmp_path):
    write(tmp_path, {
        "package.json": {"private": True, "workspaces": ["apps/*"], "devDependencies": {"typescript": "^5"}},
        "apps/api/package.json": {"dependencies": {"@clerk/express": "^1.7.0", "express": "^5"}},
        "apps/api/src/me.ts": "export const me = (req, res) => res.json(req.auth());\n",
        "apps/partner/package.json": {"dependencies": {"express-oauth2-jwt-bearer": "^1.6.0", "express": "^4"}},
        "apps/partner/src/me.ts": "export const me = (req, res) => res.json(req.auth.payload.sub);\n",
    })
    assert [(p, c) for p, _, c in codes(tmp_path) if p.endswith(".ts")] == [("apps/api/src/me.ts", "CLK314")]


def test_only_handler_parameters_count(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"@clerk/express": "^1.7.0"}},
                     "src/seed.ts": "const req = { auth: { userId: 'u' } };\nexport const id = req.auth.userId;\n"
                                    "export function pick(req) { return req.auth; }\n"})
    assert [c for p, _, c in codes(tmp_path) if p.endswith(".ts")] == []


def test_legacy_node_sdk_property_form(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"@clerk/clerk-sdk-node": "^4.13.0"}},
                     "routes.js": "module.exports = (router) => {\n"
                                  "  router.get('/me', (req, res) => res.json({ id: req.auth.userId }));\n};\n"})
    result = run_scan([tmp_path], CATALOG)
    [finding] = [f for f in result.findings if f.location.path == "routes.js"]
    assert (finding.code, finding.package, finding.symbol) == ("CLK314", "@clerk/clerk-sdk-node", "req.auth")
    assert dict(finding.details) == {"form": "property", "member": "userId"}


def test_astro_page_without_clerk_import(tmp_path):
    page = "---\nconst { userId } = Astro.locals.auth();\n---\n<p>{userId}</p>\n"
    write(tmp_path, {"package.json": {"dependencies": {"astro": "^5", "@clerk/astro": "^2.9.0"}},
                     "src/pages/index.astro": page})
    # the body's {userId} is a read of the auth object too (CLK511)
    assert [(p, line, c) for p, line, c in codes(tmp_path) if p.endswith(".astro")] == \
        [("src/pages/index.astro", 2, "CLK311"), ("src/pages/index.astro", 4, "CLK511")]


def test_astro_page_of_another_auth_library(tmp_path):
    page = "---\nconst session = await Astro.locals.auth();\n---\n<p>{session?.user?.name}</p>\n"
    write(tmp_path, {"package.json": {"dependencies": {"astro": "^5", "auth-astro": "^4.2.0"}},
                     "src/pages/index.astro": page})
    assert codes(tmp_path) == []


def test_has_called_on_the_result_is_a_detail(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"nuxt": "^3", "@clerk/nuxt": "^1.7.0"}},
                     "server/api/x.ts": "export default defineEventHandler((event) => {\n"
                                        "  return event.context.auth().has({ role: 'org:admin' });\n});\n"})
    result = run_scan([tmp_path], CATALOG)
    [finding] = [f for f in result.findings if f.location.path == "server/api/x.ts"]
    assert finding.code == "CLK313" and finding.symbol == "event.context.auth()"
    assert dict(finding.details) == {"form": "call", "member": "has", "role": "org:admin"}


def test_cache_follows_the_dependency(tmp_path):
    app = write(tmp_path / "app", {"package.json": {"dependencies": {"@clerk/express": "^1.7.0"}},
                                   "src/a.ts": "// uses clerk via middleware\n"
                                               "export const me = (req, res) => res.json(req.auth());\n"})
    cache = str(tmp_path / "cache")
    assert [c for p, _, c in codes(app, cache_dir=cache) if p.endswith(".ts")] == ["CLK314"]
    write(app, {"package.json": {"dependencies": {"express-jwt": "^8"}}})
    project_sdks.clear_caches()  # a new process in real use
    assert [c for p, _, c in codes(app, cache_dir=cache) if p.endswith(".ts")] == []


def test_other_packages_are_not_parsed(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"express-jwt": "^8"}}, "a.ts": EXPRESS_JWT_ROUTE,
                     "b.ts": "export const b = (req, res) => res.json(req.auth);\n"})
    report, loaded = fresh_scan(tmp_path, ["."], ("tree_sitter_typescript", "clerk_lint.readers.ecma.analyzer",
                                                  "clerk_lint.readers.ecma.framework_reads"))
    assert report["findings"] == [] and loaded == []


def test_axios_interceptor_config_auth_is_not_a_request(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"@clerk/express": "^1.7.0", "axios": "^1.9.0"}},
                     "src/http.ts": "import axios from 'axios';\n"
                                    "axios.interceptors.request.use((config) => {\n"
                                    "  config.auth = { username: 'svc', password: process.env.SVC_PASSWORD! };\n"
                                    "  return config;\n});\n"})
    assert [c for p, _, c in codes(tmp_path) if p.endswith(".ts")] == []


def test_assigning_req_auth_is_not_a_read(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"@clerk/express": "^1.7.0"}},
                     "src/dev.ts": "export function devBypass(req, res, next) {\n"
                                   "  req.auth = () => ({ userId: 'user_dev' });\n  next();\n}\n"})
    assert [c for p, _, c in codes(tmp_path) if p.endswith(".ts")] == []


SVELTEKIT_HOOKS = """import { sequence } from "@sveltejs/kit/hooks";
import type { Handle } from "@sveltejs/kit";

export const handle: Handle = sequence(AUTH_HANDLE, async ({ event, resolve }) => {
  if (event.url.pathname.startsWith("/admin") && !event.locals.auth().userId) {
    return new Response(null, { status: 303, headers: { location: "/login" } });
  }
  return resolve(event);
});
"""
SVELTEKIT_LOAD = """import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const session = await event.locals.auth();
  return { user: session?.user ?? null };
};
"""


def test_sveltekit_reads_in_a_svelte_clerk_package(tmp_path):
    write(tmp_path, {"package.json": {"dependencies": {"@sveltejs/kit": "^2", "svelte-clerk": "^0.20.3"}},
                     "src/hooks.server.ts": SVELTEKIT_HOOKS.replace("AUTH_HANDLE", "clerk"),
                     "src/routes/+page.server.ts": SVELTEKIT_LOAD,
                     "src/lib/server/guard.ts": "import type { RequestEvent } from '@sveltejs/kit';\n"
                                                "export const orgOf = (e: RequestEvent) => e.locals.auth().orgId;\n"
                                                "export const notAnEvent = (x) => x.locals.auth();\n"})
    assert [(p, line, c) for p, line, c in codes(tmp_path) if p.startswith("src/")] == [
        ("src/hooks.server.ts", 5, "CLK316"), ("src/lib/server/guard.ts", 2, "CLK316"),
        ("src/routes/+page.server.ts", 4, "CLK316")]


@pytest.mark.parametrize("deps", [{"lucia": "^3.2.0", "@lucia-auth/adapter-drizzle": "^1.1.0"},
                                  {"@auth/sveltekit": "^1.9.0"}])
def test_sveltekit_locals_auth_of_lucia_or_authjs_is_not_clerk(tmp_path, deps):
    write(tmp_path, {"package.json": {"dependencies": {"@sveltejs/kit": "^2", **deps}},
                     "src/hooks.server.ts": SVELTEKIT_HOOKS.replace("AUTH_HANDLE", "authHandle"),
                     "src/routes/+page.server.ts": SVELTEKIT_LOAD})
    assert codes(tmp_path) == []


def test_sveltekit_untyped_hook_composed_by_name(tmp_path):
    hooks = ("import { sequence } from '@sveltejs/kit/hooks';\nimport { withClerkHandler } from 'svelte-clerk/server';\n"
             "async function guard({ event, resolve }) {\n  if (!event.locals.auth().userId) throw new Error('401');\n"
             "  return resolve(event);\n}\nexport const handle = sequence(withClerkHandler(), guard);\n"
             "const notAHook = ({ event }) => event.locals.auth();\n")
    write(tmp_path, {"package.json": {"dependencies": {"svelte-clerk": "^0.20.3"}}, "src/hooks.server.ts": hooks})
    assert [(line, c) for p, line, c in codes(tmp_path) if p.endswith(".ts")] == [(2, "CLK001"), (4, "CLK316"), (7, "CLK303")]


def test_auth_read_byte_test_equals_its_regex():
    """reads_auth is AUTH_READ.search, split for speed: the same answer on every fixture file
    and on the shapes where the split could differ."""
    import random

    from clerk_lint.discover.project_sdks import AUTH_READ, reads_auth

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    samples = [p.read_bytes() for p in fixtures.rglob("*") if p.is_file() and p.suffix in (
        ".ts", ".tsx", ".js", ".jsx", ".mjs", ".astro", ".vue")]
    samples += [b"x auth y, auth } = z", b"{auth}=", b"{ \n\tauth } = e", b"clerk'", b"'clerk", b'"clerkAuth"',
                b"clerkclerk'", b"a.authority", b"a.auth", b"b.currentUser", b"b.currentUsers", b"(auth) } =",
                b", auth ; } =", b"auth } =", b"", b"{auth", b"x,  auth.y } = q"]
    rng = random.Random(7)
    parts = [b"auth", b"{", b",", b" ", b"}", b"=", b"'", b'"', b"clerk", b"Auth", b".", b";", b"x", b"\n"]
    samples += [b"".join(rng.choice(parts) for _ in range(rng.randint(1, 12))) for _ in range(5000)]
    for data in samples:
        assert reads_auth(data) == (AUTH_READ.search(data) is not None), data[:200]


def test_nuxt_auto_import_byte_test_equals_its_regex():
    """nuxt._may_use is _MAY_USE.search, split for speed (the word boundary checked by hand)."""
    import random

    from clerk_lint.readers.ecma import nuxt

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    samples = [p.read_bytes() for p in fixtures.rglob("*") if p.is_file() and p.suffix in (
        ".ts", ".tsx", ".js", ".jsx", ".mjs", ".vue")]
    samples += [b"useAuth()", b"xuseAuth()", b"_useUser ()", b"$useClerk(", b"useSessionList\n(", b"useAuthx(",
                b"clerkClient(", b"myclerkClient(", b"createRouteMatcher  (", b"", b"useUseUser("]
    rng = random.Random(7)
    parts = [b"use", b"Auth", b"User", b"Session", b"List", b"clerkClient", b"createRouteMatcher", b"(", b" ",
             b"x", b"_", b".", b"\n", b"$"]
    samples += [b"".join(rng.choice(parts) for _ in range(rng.randint(1, 8))) for _ in range(5000)]
    for data in samples:
        assert nuxt._may_use(data) == (nuxt._MAY_USE.search(data) is not None), data[:200]
