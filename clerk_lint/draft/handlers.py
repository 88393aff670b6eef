"""The route handler that mounts Better Auth (Next.js app or pages router, Express, or a plain
handler), and the middleware file next to it (`middleware.py`)."""
from __future__ import annotations

import posixpath

from .context import HEADER, Ctx
from .middleware import express_middleware, next_middleware
from .packages import BETTER_AUTH_VERSION


def _rel_import(from_file: str, target: str) -> str:
    rel = posixpath.relpath(target, posixpath.dirname(from_file) or ".")
    return rel if rel.startswith(".") else "./" + rel


def render_handlers(ctx: Ctx) -> dict[str, str]:
    p, facts = ctx.project, ctx.facts
    files: dict[str, str] = {}
    middleware_findings = [f for f in facts.findings if f.category == "middleware"]
    protect_in_mw = [f for f in facts.findings if f.code == "CLK305"
                     and f.location.path in {m.location.path for m in middleware_findings}]
    header = HEADER.format(version=BETTER_AUTH_VERSION)
    if p.is_next and p.router == "app":
        path = f"{p.app_dir}/api/auth/[...all]/route.ts"
        files[path] = (header + "// Mounts Better Auth at /api/auth/* (sign-in, callbacks, session, plugin endpoints).\n"
                       'import { toNextJsHandler } from "better-auth/next-js";\n'
                       f'import {{ auth }} from "{_rel_import(path, "auth")}";\n\n'
                       "export const { GET, POST } = toNextJsHandler(auth);\n")
    elif p.is_next:
        path = f"{p.pages_dir}/api/auth/[...all].ts"
        files[path] = (header + "// Mounts Better Auth at /api/auth/* in the pages router.\n"
                       'import { toNodeHandler } from "better-auth/node";\n'
                       f'import {{ auth }} from "{_rel_import(path, "auth")}";\n\n'
                       "// Better Auth reads the raw body itself.\n"
                       "export const config = { api: { bodyParser: false } };\n\n"
                       "export default toNodeHandler(auth.handler);\n")
    if p.is_next:
        base = p.app_dir if p.router == "app" else p.pages_dir
        src = base.rsplit("/", 1)[0] + "/" if "/" in base else ""
        path = f"{src}middleware.ts"
        files[path] = next_middleware(ctx, middleware_findings, protect_in_mw)
    elif p.server == "express":
        pattern = "/api/auth/*splat" if p.express_major >= 5 else "/api/auth/*"
        files["auth-routes.ts"] = (
            header + "// Express: mount Better Auth before express.json() (it reads the raw body itself).\n"
            'import type { Express } from "express";\n'
            'import { toNodeHandler } from "better-auth/node";\n'
            'import { auth } from "./auth";\n\n'
            "export function mountAuth(app: Express): void {\n"
            f'  app.all("{pattern}", toNodeHandler(auth)); // Express {p.express_major}\n'
            "}\n")
        files["require-session.ts"] = express_middleware(ctx, middleware_findings)
        ctx.need("express")
    else:
        files["auth-handler.ts"] = (
            header + "// No server framework was detected: mount Better Auth on whatever serves your API.\n"
            'import { createServer } from "node:http";\n'
            'import { toNodeHandler } from "better-auth/node";\n'
            'import { auth } from "./auth";\n\n'
            "/** Web-standard runtimes (Hono, Bun, Deno, Workers, Remix/React Router loaders): route /api/auth/* here. */\n"
            "export function handleAuthRequest(request: Request): Promise<Response> {\n"
            "  return auth.handler(request);\n"
            "}\n\n"
            "/** Plain Node: a server that answers /api/auth/* (or mount toNodeHandler(auth) in your own). */\n"
            "export function startAuthServer(port = Number(process.env.PORT ?? 3000)) {\n"
            "  return createServer(toNodeHandler(auth)).listen(port);\n"
            "}\n")
        files["require-session.ts"] = (
            header + "// Replaces Clerk's server-side session checks: the signed-in user of a request, or null.\n"
            'import { auth } from "./auth";\n\n'
            "export async function getSession(request: Request) {\n"
            "  return auth.api.getSession({ headers: request.headers });\n"
            "}\n\n"
            "/** 401 unless signed in; otherwise the session ({ user, session }). */\n"
            "export async function requireSession(request: Request) {\n"
            "  const session = await getSession(request);\n"
            "  if (!session) throw new Response(\"Unauthorized\", { status: 401 });\n"
            "  return session;\n"
            "}\n")
    return files
