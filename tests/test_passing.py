"""Clerk values passed to the app's functions in other modules, and GraphQL resolvers whose
server context is built from Clerk auth; the same shapes without Clerk stay silent."""
from __future__ import annotations

from cli_helpers import write
from scan_helpers import CATALOG

from clerk_lint.scan.driver import run_scan


def by_file(root):
    out: dict[str, list] = {}
    for f in run_scan([root], CATALOG).findings:
        out.setdefault(f.location.path, []).append((f.location.line, f.code, f.via[:1]))
    return {k: sorted(v) for k, v in out.items()}


MEMBERS = (
    "export async function removeMember(m) {\n"
    "  await m.destroy();\n"
    "}\n"
    "export function MemberRow({ membership }) {\n"
    "  return <button onClick={() => membership.update({ role: \"basic_member\" })}>demote</button>;\n"
    "}\n"
    "export function createApi({ tokenProvider }) {\n"
    "  return async (path: string) => fetch(path, { headers: { Authorization: `Bearer ${await tokenProvider()}` } });\n"
    "}\n"
)


def test_values_passed_to_functions_of_other_modules(tmp_path):
    got = by_file(write(tmp_path, {
        "src/lib/members.tsx": MEMBERS,
        "src/Admin.tsx": (
            'import { useAuth, useOrganization } from "@clerk/clerk-react";\n'
            'import { removeMember, MemberRow, createApi } from "./lib/members";\n'
            "export function Admin() {\n"
            "  const { getToken } = useAuth();\n"
            "  const api = createApi({ tokenProvider: getToken });\n"
            "  const { memberships } = useOrganization({ memberships: true });\n"
            "  return memberships?.data?.map((m) => (\n"
            "    <div key={m.id} onClick={() => removeMember(m)}><MemberRow membership={m} /></div>\n"
            "  ));\n"
            "}\n"
        ),
    }))
    members = got["src/lib/members.tsx"]
    assert [(line, code) for line, code, _ in members] == [(2, "CLK217"), (5, "CLK217"), (8, "CLK504")]
    assert all(via == ("src/Admin.tsx",) for _, _, via in members)


def test_plain_values_passed_to_the_same_functions_stay_silent(tmp_path):
    got = by_file(write(tmp_path, {
        "src/lib/members.tsx": MEMBERS,
        "src/Admin.tsx": (
            'import { useAuth } from "@clerk/clerk-react";\n'
            'import { removeMember, MemberRow, createApi } from "./lib/members";\n'
            'import { useTeam } from "./team";\n'
            "export function Admin() {\n"
            "  const { isSignedIn } = useAuth();\n"
            "  const { members, token } = useTeam();\n"
            "  const api = createApi({ tokenProvider: async () => token });\n"
            "  return isSignedIn && members.map((m) => <MemberRow key={m.id} membership={m} onClick={() => removeMember(m)} />);\n"
            "}\n"
        ),
    }))
    assert "src/lib/members.tsx" not in got


SERVER = (
    'import { ApolloServer } from "@apollo/server";\n'
    'import { expressMiddleware } from "@apollo/server/express4";\n'
    'import express from "express";\n'
    'import { buildContext } from "./context";\n'
    'import { resolvers } from "./resolvers";\n'
    'import * as billing from "./billing";\n'
    "const server = new ApolloServer({ typeDefs: \"\", resolvers: [resolvers, billing] });\n"
    "await server.start();\n"
    'express().use("/graphql", expressMiddleware(server, { context: buildContext }));\n'
)
RESOLVERS = {
    "src/resolvers.ts": (
        'import { projectResolvers } from "./projects";\n'
        "export const resolvers = {\n"
        "  Query: {\n"
        "    me: (_p: unknown, _a: unknown, context: any) => context.auth.userId,\n"
        "    org: (_p: unknown, _a: unknown, { auth }: any) => auth.orgId,\n"
        "    plain: (_p: unknown, _a: unknown, context: any) => context.db.ping(),\n"
        "    ...projectResolvers.Query,\n"
        "  },\n"
        "};\n"
    ),
    "src/projects.ts": (
        "export const projectResolvers = {\n"
        "  Query: { projects: async (_: unknown, __: unknown, ctx: any) => ctx.db.projects.find(ctx.auth.orgId) },\n"
        "};\n"
    ),
    "src/billing.ts": (
        "export const Query = {\n"
        "  invoices(_: unknown, __: unknown, { auth }: any) {\n"
        "    return auth.has({ permission: \"org:billing:read\" });\n"
        "  },\n"
        "};\n"
    ),
}


def test_graphql_resolvers_across_modules_read_a_clerk_context(tmp_path):
    got = by_file(write(tmp_path, {
        "src/context.ts": (
            'import { getAuth } from "@clerk/express";\n'
            "export async function buildContext({ req }: { req: any }) {\n"
            "  return { auth: getAuth(req), db: {} as any };\n"
            "}\n"
        ),
        "src/server.ts": SERVER,
        **RESOLVERS,
    }))
    assert [(line, code) for line, code, _ in got["src/resolvers.ts"]] == [(4, "CLK511"), (5, "CLK511")]
    assert [(line, code) for line, code, _ in got["src/projects.ts"]] == [(2, "CLK511")]
    assert [(line, code) for line, code, _ in got["src/billing.ts"]] == [(3, "CLK501")]
    assert all(via == ("buildContext",) for f in RESOLVERS for _, _, via in got[f])
    assert (9, "CLK514", ("buildContext",)) in got["src/server.ts"]  # where the context is wired in


def test_yoga_inline_context_and_a_context_not_from_clerk(tmp_path):
    got = by_file(write(tmp_path, {
        "yoga/server.ts": (
            'import { createYoga, createSchema } from "graphql-yoga";\n'
            'import { createClerkClient } from "@clerk/backend";\n'
            'import { resolvers } from "./resolvers";\n'
            "const clerk = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY });\n"
            "export const yoga = createYoga({\n"
            "  schema: createSchema({ typeDefs: \"type Query { me: String }\", resolvers }),\n"
            "  context: async ({ request }) => {\n"
            "    const state = await clerk.authenticateRequest(request);\n"
            "    return { auth: state.toAuth() };\n"
            "  },\n"
            "});\n"
        ),
        "yoga/resolvers.ts": "export const resolvers = { Query: { me: (_: unknown, __: unknown, ctx: any) => ctx.auth?.userId } };\n",
        "plain/context.ts": "export async function buildContext({ req }: { req: any }) {\n  return { auth: req.session, db: {} };\n}\n",
        "plain/server.ts": SERVER,
        **{"plain/" + k[4:]: v for k, v in RESOLVERS.items()},
    }))
    assert [(line, code) for line, code, _ in got["yoga/resolvers.ts"]] == [(1, "CLK511")]
    assert (7, "CLK514") in [(line, code) for line, code, _ in got["yoga/server.ts"]]
    assert not any(path.startswith("plain/") for path in got)
