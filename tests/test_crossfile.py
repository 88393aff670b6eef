"""Cross-file resolution on small generated projects: what counts as a Clerk-backed wrapper."""
from __future__ import annotations

import json
from pathlib import Path

from clerk_lint.catalog import load_catalog
from clerk_lint.reporters import render
from clerk_lint.scan import run_scan


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def scan(root: Path):
    return run_scan([root], load_catalog())


def codes_at(result, path: str) -> list[tuple[int, str, tuple]]:
    return [(f.location.line, f.code, f.via) for f in result.findings if f.location.path == path]


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
    assert [c for _, c, _ in codes_at(result, "lib/log.ts")] == ["CLK001", "CLK301"]


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
