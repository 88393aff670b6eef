"""tRPC contexts built from Clerk auth: the ctx reads of procedures in other modules."""
from __future__ import annotations

from pathlib import Path

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.scan.driver import run_scan
from cli_helpers import write

ROUTER = (
    'import { createTRPCRouter, protectedProcedure } from "./trpc";\n'
    "export const r = createTRPCRouter({\n"
    "  a: protectedProcedure.query(({ ctx }) => ctx.auth.userId),\n"
    "  b: protectedProcedure.query((opts) => opts.ctx.auth.orgId),\n"
    "  c: protectedProcedure.query(({ ctx: { auth } }) => auth.has({ role: \"org:admin\" })),\n"
    "  d: protectedProcedure.query(({ ctx }) => ctx.db.users.findMany()),\n"
    "});\n"
)


def findings_at(root: Path, path: str) -> list[tuple[int, str, tuple]]:
    result = run_scan([root], load_catalog())
    return [(f.location.line, f.code, f.via) for f in result.findings if f.location.path == path]


def test_context_from_another_module_and_awaited_auth(tmp_path):
    write(tmp_path, {
        "context.ts": (
            'import { auth } from "@clerk/nextjs/server";\n'
            'import { db } from "./db";\n'
            "export const createContext = async () => ({ auth: await auth(), db });\n"
        ),
        "db.ts": "export const db = {} as any;\n",
        "trpc.ts": (
            'import { initTRPC } from "@trpc/server";\n'
            'import { createContext } from "./context";\n'
            "type Context = Awaited<ReturnType<typeof createContext>>;\n"
            "const t = initTRPC.context<Context>().create();\n"
            "export const createTRPCRouter = t.router;\n"
            "export const protectedProcedure = t.procedure.use(({ ctx, next }) => next({ ctx: { auth: ctx.auth } }));\n"
        ),
        "router.ts": ROUTER,
    })
    got = findings_at(tmp_path, "router.ts")
    codes = [(line, code) for line, code, _ in got]
    assert codes == [(1, "CLK006"), (3, "CLK511"), (4, "CLK511"), (5, "CLK501")]
    assert all(via and via[0] == "trpc.ts" for _, _, via in got)
    # imports the Clerk-backed factory; wires the context in
    assert [c for _, c, _ in findings_at(tmp_path, "trpc.ts")] == ["CLK006", "CLK514"]


def test_context_fields_taken_from_clerk(tmp_path):
    write(tmp_path, {
        "trpc.ts": (
            'import { initTRPC } from "@trpc/server";\n'
            'import { getAuth } from "@clerk/nextjs/server";\n'
            "export function createTRPCContext({ req }: { req: any }) {\n"
            "  const { userId } = getAuth(req);\n"
            "  return { userId };\n"
            "}\n"
            "const t = initTRPC.context<typeof createTRPCContext>().create();\n"
            "export const createTRPCRouter = t.router;\n"
            "export const protectedProcedure = t.procedure;\n"
        ),
        "router.ts": (
            'import { createTRPCRouter, protectedProcedure } from "./trpc";\n'
            "export const r = createTRPCRouter({\n"
            "  me: protectedProcedure.query(({ ctx }) => ctx.userId),\n"
            "});\n"
        ),
    })
    assert [(line, code) for line, code, _ in findings_at(tmp_path, "router.ts")] == [(1, "CLK006"), (3, "CLK511")]


def test_contexts_not_built_from_clerk_are_silent(tmp_path):
    write(tmp_path, {
        "trpc.ts": (
            'import { initTRPC } from "@trpc/server";\n'
            'import { getServerSession } from "next-auth";\n'
            "export const createContext = async () => ({ auth: await getServerSession() });\n"
            "const t = initTRPC.context<typeof createContext>().create();\n"
            "export const createTRPCRouter = t.router;\n"
            "export const protectedProcedure = t.procedure;\n"
        ),
        "router.ts": ROUTER,
    })
    assert findings_at(tmp_path, "router.ts") == []
    assert findings_at(tmp_path, "trpc.ts") == []


TRPC_WITH_MIDDLEWARE = (
    'import { initTRPC, TRPCError } from "@trpc/server";\n'
    'import type { Context } from "./context";\n'
    "const t = initTRPC.context<Context>().create();\n"
    "export const router = t.router;\n"
    "export const publicProcedure = t.procedure;\n"
    "const isAuthed = t.middleware(({ ctx, next }) => {\n"
    "  if (!ctx.auth.userId) throw new TRPCError({ code: \"UNAUTHORIZED\" });\n"
    "  const { orgId } = ctx.auth;\n"
    "  return next({ ctx: { ...ctx, userId: ctx.auth.userId, orgId, requestId: crypto.randomUUID() } });\n"
    "});\n"
    "export const protectedProcedure = t.procedure.use(isAuthed);\n"
    "export const roleProcedure = (...roles: string[]) => protectedProcedure.use(({ next }) => next());\n"
    "export function planProcedure(plan: string) {\n"
    "  return t.procedure.use(isAuthed);\n"
    "}\n"
)
ROUTER_ON_MIDDLEWARE = (
    'import { router, protectedProcedure, roleProcedure, planProcedure, publicProcedure } from "./trpc";\n'
    "export const postRouter = router({\n"
    "  mine: protectedProcedure.query(({ ctx }) => ctx.userId),\n"
    "  org: protectedProcedure.query(({ ctx: { orgId } }) => orgId),\n"
    "  admin: roleProcedure(\"admin\").mutation(({ ctx }) => ctx.auth.userId),\n"
    "  pro: planProcedure(\"pro\").query(({ ctx }) => ctx.userId),\n"
    "  trace: protectedProcedure.query(({ ctx }) => ctx.requestId),\n"
    "  pub: publicProcedure.query(({ ctx }) => ctx.userId),\n"
    "});\n"
)


def test_middleware_fields_factories_and_an_imported_context_type(tmp_path):
    write(tmp_path, {
        "context.ts": (
            'import { auth } from "@clerk/nextjs/server";\n'
            "export const createContext = async () => ({ auth: await auth() });\n"
            "export type Context = Awaited<ReturnType<typeof createContext>>;\n"
        ),
        "trpc.ts": TRPC_WITH_MIDDLEWARE,
        "router.ts": ROUTER_ON_MIDDLEWARE,
    })
    assert [(line, code) for line, code, _ in findings_at(tmp_path, "trpc.ts")] == [
        (3, "CLK514"), (7, "CLK511"), (9, "CLK511"), (9, "CLK511")]  # `const { orgId } = ctx.auth` binds; its read reports
    got = findings_at(tmp_path, "router.ts")
    assert [(line, code) for line, code, _ in got] == [
        (1, "CLK006"), (3, "CLK511"), (4, "CLK511"), (5, "CLK511"), (6, "CLK511")]
    assert all(via[:1] == ("trpc.ts",) for _, _, via in got)


def test_same_middleware_over_a_context_not_from_clerk_is_silent(tmp_path):
    write(tmp_path, {
        "context.ts": (
            'import { getServerSession } from "next-auth";\n'
            "export const createContext = async () => ({ auth: await getServerSession() });\n"
            "export type Context = Awaited<ReturnType<typeof createContext>>;\n"
        ),
        "trpc.ts": TRPC_WITH_MIDDLEWARE,
        "router.ts": ROUTER_ON_MIDDLEWARE,
    })
    assert findings_at(tmp_path, "trpc.ts") == []
    assert findings_at(tmp_path, "router.ts") == []


HANDOFF = (
    'import { initTRPC } from "@trpc/server";\n'
    'import { getAuth } from "{module}";\n'
    'import { prisma } from "./db";\n'
    "export const createContextInner = ({ auth }: { auth: any }) => ({ auth, prisma });\n"
    "export const createTRPCContext = async (opts: { req: any }) => {\n"
    "  const auth = getAuth(opts.req);\n"
    "  return createContextInner({ auth });\n"
    "};\n"
    "const t = initTRPC.context<typeof createTRPCContext>().create();\n"
    "export const createTRPCRouter = t.router;\n"
    "export const protectedProcedure = t.procedure.use(({ ctx, next }) => {\n"
    "  if (!ctx.auth.userId) throw new Error(\"UNAUTHORIZED\");\n"
    "  return next({ ctx: { auth: ctx.auth } });\n"
    "});\n"
)


def test_context_handed_to_an_inner_factory(tmp_path):
    write(tmp_path, {"db.ts": "export const prisma = {} as any;\n",
                     "trpc.ts": HANDOFF.replace("{module}", "@clerk/nextjs/server"), "router.ts": ROUTER})
    assert [(line, code) for line, code, _ in findings_at(tmp_path, "trpc.ts")] == [
        (2, "CLK001"), (6, "CLK301"), (9, "CLK514"), (12, "CLK511")]
    assert [(line, code) for line, code, _ in findings_at(tmp_path, "router.ts")] == [
        (1, "CLK006"), (3, "CLK511"), (4, "CLK511"), (5, "CLK501")]


def test_inner_factory_given_another_auth_is_silent(tmp_path):
    write(tmp_path, {"db.ts": "export const prisma = {} as any;\n",
                     "trpc.ts": HANDOFF.replace("{module}", "./session"),
                     "session.ts": "export const getAuth = (req: any) => ({ userId: req.headers.get(\"x-user\") });\n",
                     "router.ts": ROUTER})
    assert findings_at(tmp_path, "trpc.ts") == [] and findings_at(tmp_path, "router.ts") == []
