"""Cross-file resolution on small generated projects: what counts as a Clerk-backed wrapper."""
from __future__ import annotations

import json
from pathlib import Path

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.report import render
from clerk_lint.scan.driver import run_scan
from cli_helpers import write



def scan(root: Path):
    return run_scan([root], load_catalog())


def codes_at(result, path: str, imports: bool = False) -> list[tuple[int, str, tuple]]:
    """Findings at `path`; the import lines of Clerk-backed app modules (CLK006) only with `imports`."""
    return [(f.location.line, f.code, f.via) for f in result.findings
            if f.location.path == path and (imports or f.code != "CLK006")]


def test_wrapper_result_two_hops_and_component(tmp_path):
    write(tmp_path, {
        "lib/session.ts": (
            'import { auth } from "@clerk/nextjs/server";\n'
            "export const getUserId = async () => (await auth()).userId;\n"
        ),
        "lib/account.ts": (
            'import { getUserId } from "./session";\n'
            "export async function requireUserId() {\n"
            "  const id = await getUserId();\n"
            '  if (!id) throw new Error("signed out");\n'
            "  return id;\n"
            "}\n"
        ),
        "components/Gate.tsx": (
            'import { SignedIn } from "@clerk/nextjs";\n'
            "export const Gate = ({ children }) => <SignedIn>{children}</SignedIn>;\n"
        ),
        "app/page.tsx": (
            'import { requireUserId } from "../lib/account";\n'
            'import { Gate } from "../components/Gate";\n'
            "export default async function Page() {\n"
            "  const id = await requireUserId();\n"
            "  return <Gate><p>{id}</p></Gate>;\n"
            "}\n"
        ),
    })
    result = scan(tmp_path)
    page = codes_at(result, "app/page.tsx")
    assert (4, "CLK301", ("requireUserId", "getUserId", "auth")) in page
    assert (5, "CLK108", ("Gate", "SignedIn")) in page
    assert len(page) == 2
    # Each import of a Clerk-backed app module is itself a finding, with the wrapper chain.
    assert [c for c in codes_at(result, "app/page.tsx", imports=True) if c[1] == "CLK006"] == [
        (1, "CLK006", ("requireUserId", "getUserId", "requireUserId")), (2, "CLK006", ("Gate", "Gate"))]
    # The wrapper definitions are the related locations, outermost first.
    call = next(f for f in result.findings if f.location.path == "app/page.tsx" and f.code == "CLK301")
    assert [r.path for r in call.related] == ["lib/account.ts", "lib/session.ts"]
    sarif = json.loads(render("sarif", result, load_catalog()))
    indirect = [r for r in sarif["runs"][0]["results"] if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/page.tsx"]
    assert all(r.get("relatedLocations") for r in indirect)


def test_parameters_and_unrelated_results_are_not_wrappers(tmp_path):
    write(tmp_path, {
        "lib/format.ts": (
            'import type { User } from "@clerk/nextjs/server";\n'
            "export function displayName(user: User) { return user.firstName ?? user.id; }\n"
        ),
        "lib/log.ts": (
            'import { auth } from "@clerk/nextjs/server";\n'
            "export async function track(event: string) {\n"
            "  const { userId } = await auth();\n"
            "  console.log(userId, event);\n"
            "  return event.length;\n"
            "}\n"
        ),
        "lib/tenant.ts": "export function getTenantId(host: string) { return host.split('.')[0]; }\n",
        "app/page.ts": (
            'import { displayName } from "../lib/format";\n'
            'import { track } from "../lib/log";\n'
            'import { getTenantId } from "../lib/tenant";\n'
            "export async function handler(user: any, host: string) {\n"
            '  await track("view");\n'
            "  return displayName(user) + getTenantId(host);\n"
            "}\n"
        ),
    })
    result = scan(tmp_path)
    assert codes_at(result, "app/page.ts") == []
    assert [c for _, c, _ in codes_at(result, "lib/log.ts")] == ["CLK001", "CLK301", "CLK511"]
    assert codes_at(result, "app/page.ts", imports=True) == []  # imports of non-wrappers are no findings


def test_workspace_package_with_star_reexport_and_path_alias(tmp_path):
    write(tmp_path, {
        "package.json": '{"name": "root", "private": true, "workspaces": ["packages/*", "apps/*"]}',
        "packages/auth/package.json": '{"name": "@acme/auth", "main": "dist/index.js"}',
        "packages/auth/src/index.ts": 'export * from "@clerk/clerk-react";\n',
        "apps/web/package.json": '{"name": "web"}',
        "apps/web/tsconfig.json": '{"compilerOptions": {"paths": {"~/*": ["./src/*"]}}}',
        "apps/web/src/hooks/useMe.ts": (
            'import { useUser } from "@acme/auth";\n'
            "export function useMe() { const { user } = useUser(); return user; }\n"
        ),
        "apps/web/src/App.tsx": (
            'import { useMe } from "~/hooks/useMe";\n'
            "export function App() {\n"
            "  const me = useMe();\n"
            "  return <p>{String(me?.unsafeMetadata.theme)}</p>;\n"
            "}\n"
        ),
    })
    result = scan(tmp_path)
    assert [(line, code) for line, code, _ in codes_at(result, "apps/web/src/App.tsx")] == [(3, "CLK201"), (4, "CLK505")]
    hook = codes_at(result, "apps/web/src/hooks/useMe.ts")
    assert hook == [(2, "CLK201", ("packages/auth/src/index.ts", "useUser"))]


def test_import_cycle_terminates(tmp_path):
    write(tmp_path, {
        "a.ts": 'import { b } from "./b";\nimport { auth } from "@clerk/nextjs/server";\nexport const a = async () => (await auth()).userId ?? b();\n',
        "b.ts": 'import { a } from "./a";\nexport const b = () => a();\n',
        "c.ts": 'import { b } from "./b";\nexport const c = () => b();\n',
    })
    result = scan(tmp_path)
    assert ("CLK301" in [code for _, code, _ in codes_at(result, "c.ts")])


def test_results_are_summarised_per_workspace_package(tmp_path):
    write(tmp_path, {
        "package.json": '{"name": "root", "private": true, "workspaces": ["apps/*"]}',
        "apps/a/package.json": '{"name": "@x/a"}',
        "apps/a/page.tsx": 'import { useUser } from "@clerk/nextjs";\nexport const P = () => useUser();\n',
        "apps/b/package.json": '{"name": "@x/b"}',
        "apps/b/page.tsx": "export const Q = () => 1;\n",
    })
    result = scan(tmp_path)
    doc = json.loads(render("json", result, load_catalog()))
    packages = {p["name"]: p["findings"] for p in doc["summary"]["packages"]}
    assert packages == {"root": 0, "@x/a": 2, "@x/b": 0}
    assert "@x/a (apps/a): 2 findings" in render("text", result, load_catalog())


def test_namespace_imports_of_app_modules(tmp_path):
    write(tmp_path, {
        "tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./*"]}}}',
        "lib/auth.ts": (
            'import { auth } from "@clerk/nextjs/server";\n'
            'import { redirect } from "next/navigation";\n'
            "export async function requireUser() {\n"
            "  const { userId } = await auth();\n"
            '  if (!userId) redirect("/sign-in");\n'
            "  return userId;\n"
            "}\n"
            "export const formatDate = (d: Date) => d.toISOString();\n"
        ),
        "lib/index.ts": 'export * as session from "./auth";\n',
        "lib/clerk.ts": 'export * as clerk from "@clerk/nextjs";\n',
        "components/Guards.tsx": (
            'import { SignedIn } from "@clerk/nextjs";\n'
            "export const SignedInOnly = ({ children }) => <SignedIn>{children}</SignedIn>;\n"
            "export const Box = ({ children }) => <div>{children}</div>;\n"
        ),
        "app/page.tsx": (
            'import * as auth from "@/lib/auth";\n'
            'import * as Guards from "@/components/Guards";\n'
            "export default async function Page() {\n"
            "  const id = await auth.requireUser();\n"
            "  const when = auth.formatDate(new Date());\n"
            "  return <Guards.SignedInOnly><Guards.Box>{id}{when}</Guards.Box></Guards.SignedInOnly>;\n"
            "}\n"
            "function local(auth: { requireUser(): void }) { auth.requireUser(); }\n"
        ),
        "app/two.ts": (
            'import { session } from "../lib/index";\n'
            'import { clerk } from "../lib/clerk";\n'
            "export const id = () => session.requireUser();\n"
            "export const u = () => clerk.useUser();\n"
        ),
        "app/plain.ts": (
            'import * as auth from "@/lib/auth";\n'
            "export const when = auth.formatDate(new Date());\n"
        ),
        "app/nested.ts": (
            'import * as lib from "../lib/index";\n'
            "export const id = () => lib.session.requireUser();\n"
            "export const other = () => lib.session.formatDate(new Date());\n"
        ),
    })
    result = scan(tmp_path)
    # Exactly what a named import of the same exports gives; the shadowed `auth` is not one.
    assert codes_at(result, "app/page.tsx") == [(4, "CLK301", ("requireUser", "auth")),
                                                (6, "CLK108", ("SignedInOnly", "SignedIn"))]
    call = next(f for f in result.findings if f.location.path == "app/page.tsx" and f.code == "CLK301")
    assert [r.path for r in call.related] == ["lib/auth.ts"]
    two = codes_at(result, "app/two.ts")
    assert (3, "CLK301", ("requireUser", "auth")) in two
    assert [c for c in two if c[0] == 4 and c[1] == "CLK201"]
    assert len(two) == 2
    assert codes_at(result, "app/plain.ts") == []
    assert codes_at(result, "app/nested.ts") == [(2, "CLK301", ("requireUser", "auth"))]


def test_commonjs_facades(tmp_path):
    write(tmp_path, {
        "package.json": '{"name": "api", "dependencies": {"@clerk/express": "^1.0.0", "express": "^4.0.0"}}',
        "src/middleware/auth.js": (
            'const { getAuth, clerkClient } = require("@clerk/express");\n'
            "function getUserId(req) {\n"
            "  return getAuth(req).userId;\n"
            "}\n"
            "function formatName(user) { return user.name; }\n"
            "module.exports = { getUserId, formatName, client: clerkClient };\n"
            "exports.requireAdmin = function requireAdmin(req) {\n"
            '  if (!getAuth(req).has({ role: "org:admin" })) throw new Error("forbidden");\n'
            "};\n"
        ),
        "src/middleware/user-id.js": (
            'const { getAuth } = require("@clerk/express");\n'
            "module.exports = (req) => getAuth(req).userId;\n"
        ),
        "src/lib/ids.js": (
            'const { getUserId } = require("../middleware/auth");\n'
            "module.exports.currentId = (req) => getUserId(req);\n"
        ),
        "src/lib/plain.js": (
            "function userName(req) { return req.user; }\n"
            "module.exports = { userName };\n"
        ),
        "src/routes/me.js": (
            'const { getUserId, formatName } = require("../middleware/auth");\n'
            'const auth = require("../middleware/auth");\n'
            'const userId = require("../middleware/user-id");\n'
            'const { currentId } = require("../lib/ids");\n'
            'const { userName } = require("../lib/plain");\n'
            "module.exports = async (req, res) => {\n"
            "  const id = getUserId(req);\n"
            "  const user = await auth.client.users.getUser(id);\n"
            "  auth.requireAdmin(req);\n"
            "  res.json({ a: userId(req), b: currentId(req), c: formatName(user), d: auth.formatName(user), e: userName(req) });\n"
            "};\n"
        ),
    })
    result = scan(tmp_path)
    me = codes_at(result, "src/routes/me.js")
    assert (7, "CLK301", ("getUserId", "getAuth")) in me
    assert [c for c in me if c[0] == 8 and c[1] == "CLK402"]
    assert (9, "CLK501", ("requireAdmin", "getAuth().has()")) in me
    # `module.exports = fn` is what require() returns; two hops through module.exports.x.
    assert (10, "CLK301", ("default", "getAuth")) in me
    assert (10, "CLK301", ("currentId", "getUserId", "getAuth")) in me
    assert len(me) == 5
    assert codes_at(result, "src/lib/plain.js") == []


def test_object_fields_returned_by_wrappers(tmp_path):
    write(tmp_path, {
        "lib/me.ts": (
            'import { useUser, useAuth } from "@clerk/nextjs";\n'
            "export function useMe() {\n"
            "  const { user, isLoaded } = useUser();\n"
            '  return { user, isLoaded, plan: "free" };\n'
            "}\n"
            "export function useAuthInfo() {\n"
            "  const { userId, orgId, has } = useAuth();\n"
            '  return { userId, orgId, isAdmin: has?.({ role: "org:admin" }) ?? false };\n'
            "}\n"
        ),
        "lib/profile.ts": (
            'import { useMe } from "./me";\n'
            "export const useProfile = () => useMe().user;\n"
        ),
        "app/page.tsx": (
            'import { useMe } from "../lib/me";\n'
            'import { useProfile } from "../lib/profile";\n'
            "export function Page() {\n"
            "  const { user, plan } = useMe();\n"
            "  const me = useMe();\n"
            "  const profile = useProfile();\n"
            "  return <p>{String(user?.publicMetadata?.role)}{plan}{me.plan}{me.user?.unsafeMetadata?.x}"
            "{profile?.privateMetadata?.y}{useMe().user?.publicMetadata?.z}</p>;\n"
            "}\n"
        ),
    })
    result = scan(tmp_path)
    page = codes_at(result, "app/page.tsx")
    assert (4, "CLK201", ("useMe", "useUser")) in page
    assert (5, "CLK201", ("useMe", "useUser")) in page
    metadata = sorted(f.symbol for f in result.findings if f.location.path == "app/page.tsx" and f.location.line == 7)
    # Two reads of publicMetadata through the same wrapper on one line are one change there.
    assert metadata == ["useUser().user.privateMetadata", "useUser().user.publicMetadata",
                        "useUser().user.unsafeMetadata"]
    assert (6, "CLK201", ("useProfile", "useMe", "useUser")) in page
    # `plan` is no Clerk value: neither its destructuring nor `me.plan` is a finding.
    assert len(page) == 6
