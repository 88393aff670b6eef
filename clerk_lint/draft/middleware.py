"""middleware.ts (Next.js) or require-session.ts (Express): the request gate that replaces Clerk's middleware."""
from __future__ import annotations

from .context import HEADER, Ctx, found_at
from .packages import BETTER_AUTH_VERSION


def next_middleware(ctx: Ctx, mw, protect) -> str:
    header = HEADER.format(version=BETTER_AUTH_VERSION)
    lines = [header.rstrip("\n")]
    if mw:
        lines.append(f"// Replaces the Clerk middleware at {found_at(mw)}.")
    lines += ["// Optimistic check only: a session cookie is present (not validated). Pages, route handlers and",
              "// server actions must still call auth.api.getSession({ headers: await headers() }).",
              'import { NextResponse, type NextRequest } from "next/server";',
              'import { getSessionCookie } from "better-auth/cookies";', ""]
    matchers = [f for f in mw if f.code == "CLK304"]
    todo = ("middleware.ts publicRoutes: copy the public routes of the old middleware"
            + (f" (createRouteMatcher at {found_at(matchers)})" if matchers else ""))
    lines += [f"// {ctx.todo(todo)}",
              'const publicRoutes = [/^\\/$/, /^\\/sign-in/, /^\\/sign-up/, /^\\/api\\/auth\\//];', ""]
    if protect:
        roles = sorted({dict(f.details).get("role", "") for f in protect} - {""})
        lines.append(f"// auth.protect() at {found_at(protect)}"
                     + (f" also checked roles ({', '.join(roles)}): check them where the data is served, with "
                        "auth.api.hasPermission / getActiveMemberRole" if roles else "") + ".")
    lines += ["export function middleware(request: NextRequest) {",
              "  const { pathname } = request.nextUrl;",
              "  if (publicRoutes.some((route) => route.test(pathname))) return NextResponse.next();",
              "  if (!getSessionCookie(request)) {",
              '    const signIn = new URL("/sign-in", request.url);',
              '    signIn.searchParams.set("callbackURL", pathname);',
              "    return NextResponse.redirect(signIn);",
              "  }",
              "  return NextResponse.next();",
              "}", "",
              "export const config = {",
              '  matcher: ["/((?!_next|.*\\\\..*).*)", "/(api|trpc)(.*)"],',
              "};"]
    return "\n".join(lines) + "\n"


def express_middleware(ctx: Ctx, mw) -> str:
    header = HEADER.format(version=BETTER_AUTH_VERSION)
    where = f"// Replaces the Clerk middleware at {found_at(mw)}.\n" if mw else ""
    return (header + where +
            'import type { NextFunction, Request, Response } from "express";\n'
            'import { fromNodeHeaders } from "better-auth/node";\n'
            'import { auth } from "./auth";\n\n'
            "/** 401 unless the request carries a valid session; the session goes to res.locals.session. */\n"
            "export async function requireSession(req: Request, res: Response, next: NextFunction): Promise<void> {\n"
            "  const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });\n"
            "  if (!session) {\n"
            '    res.status(401).json({ error: "unauthorized" });\n'
            "    return;\n"
            "  }\n"
            "  res.locals.session = session;\n"
            "  next();\n"
            "}\n")
