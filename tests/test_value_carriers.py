"""Clerk values handed on unchanged: `??` / `||` fallbacks, ternaries, array literals and
`Promise.all`, numeric indexes; a plain value with the same names stays silent."""
from __future__ import annotations

from scan_helpers import scan_snippet


def lines_of(tmp_path, name, text):
    result = scan_snippet(tmp_path, name, text)
    return sorted((f.location.line, f.code) for f in result.findings if f.location.path == name)


def test_fallbacks_and_positions_carry_clerk_values(tmp_path):
    got = lines_of(tmp_path, "page.tsx", (
        'import { auth, currentUser } from "@clerk/nextjs/server";\n'
        "export async function load() {\n"
        "  const session = (await auth()) ?? null;\n"
        "  if (!session?.userId) return null;\n"
        "  const [{ orgId }, user] = await Promise.all([auth(), currentUser()]);\n"
        "  const items = [await auth()];\n"
        "  return { orgId, user, first: items[0].userId };\n"
        "}\n"
    ))
    assert (4, "CLK511") in got
    assert got.count((7, "CLK511")) == 2  # orgId and items[0].userId


def test_fallback_resources_and_typed_arrays(tmp_path):
    got = lines_of(tmp_path, "org.tsx", (
        'import { useUser, useOrganization } from "@clerk/clerk-react";\n'
        "export function Org() {\n"
        "  const { user } = useUser();\n"
        "  const { memberships } = useOrganization({ memberships: true });\n"
        "  const current = user ?? undefined;\n"
        "  const list = memberships?.data ?? [];\n"
        "  const first = list[0];\n"
        "  return <button onClick={() => { current?.reload(); first.destroy(); list.map((m) => m.destroy()); }} />;\n"
        "}\n"
    ))
    # first.destroy() and m.destroy() on one line are one change there (one finding per rule and line).
    assert [code for line, code in got if line == 8] == ["CLK214", "CLK217"]


def test_plain_values_with_the_same_shapes_stay_silent(tmp_path):
    got = lines_of(tmp_path, "plain.ts", (
        'import { auth } from "@clerk/nextjs/server";\n'
        'import { getSession } from "./session";\n'
        "export async function load() {\n"
        "  const session = (await getSession()) ?? null;\n"
        "  const [a, b] = [await getSession(), 1];\n"
        "  const flag = (await auth()) ? 1 : 0;\n"
        "  return [session?.userId, a.userId, b, flag];\n"
        "}\n"
    ))
    assert got == [(1, "CLK001"), (6, "CLK301")]
