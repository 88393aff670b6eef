"""middleware.ts (Next.js) or require-session.ts (Express): the request gate that replaces Clerk's middleware."""
from __future__ import annotations

from typing import Optional

from .context import HEADER, Ctx, found_at, js
from .route_rules import RouteRules, path_to_regexp, to_js
from .packages import BETTER_AUTH_VERSION

DEFAULT_MATCHER = ["/((?!_next|.*\\..*).*)", "/(api|trpc)(.*)"]


AUTH_ROUTES = ("/api/auth", "/sign-in", "/sign-up")


def _regexp(pattern: str) -> str:
    return f"new RegExp({js(path_to_regexp(pattern))}, \"i\")"


def _route_lines(ctx: Ctx, rules: Optional[RouteRules]) -> list[str]:
    """The app's route matchers and `isProtectedRoute`, or the generic list when its middleware
    could not be read."""
    if rules is None or rules.unknown:
        why = ("; ".join(rules.unknown) if rules else "no Clerk middleware was read")
        todo = ctx.todo(f"middleware.ts isProtectedRoute: decide which routes need a session ({why})")
        return [f"// {todo}", "const isPublicRoute = routeMatcher([/^\\/$/]);", "",
                "export function isProtectedRoute(pathname: string): boolean {",
                "  return !isPublicRoute(pathname);", "}", ""]
    lines = ["// Clerk's route patterns (path-to-regexp 6, case-insensitive), compiled to the same expressions."]
    for name, patterns in rules.matchers.items():
        where = f"{rules.path}:{rules.matcher_lines.get(name, 1)}"
        lines.append(f"// {', '.join(js(p) for p in patterns)} ({where})")
        lines.append(f"const {name} = routeMatcher([{', '.join(_regexp(p) for p in patterns)}]);")
    default = ("public unless listed" if rules.kind == "clerkMiddleware" else "protected unless public or ignored")
    lines += ["",
              f"/** Whether the Clerk middleware ({rules.kind} at {rules.path}) stopped a signed-out request here: "
              f"{default}. */",
              "export function isProtectedRoute(pathname: string): boolean {",
              f"  return {to_js(rules.protect)};", "}", ""]
    return lines


def next_middleware(ctx: Ctx, mw, protect) -> str:
    header = HEADER.format(version=BETTER_AUTH_VERSION)
    rules = ctx.project.route_rules
    lines = [header.rstrip("\n")]
    if mw:
        lines.append(f"// Replaces the Clerk middleware at {found_at(mw)}.")
    lines += ["// Optimistic check only: a session cookie is present (not validated). Pages, route handlers and",
              "// server actions must still call auth.api.getSession({ headers: await headers() }).",
              'import { NextResponse, type NextRequest } from "next/server";',
              'import { getSessionCookie } from "better-auth/cookies";', "",
              "function routeMatcher(patterns: RegExp[]): (pathname: string) => boolean {",
              "  return (pathname) => patterns.some((pattern) => pattern.test(pathname));", "}", "",
              "// Better Auth's endpoints and the sign-in / sign-up pages never need a session.",
              "const isAuthRoute = routeMatcher([" + ", ".join(
                  f"/^{r.replace('/', chr(92) + '/')}(?:\\/|$)/" for r in AUTH_ROUTES) + "]);", ""]
    lines += _route_lines(ctx, rules)
    if protect:
        roles = sorted({dict(f.details).get("role", "") for f in protect} - {""})
        lines.append(f"// auth.protect() at {found_at(protect)}"
                     + (f" also checked roles ({', '.join(roles)}): check them where the data is served, with "
                        "auth.api.hasPermission / getActiveMemberRole" if roles else "") + ".")
    matcher = rules.config_matcher if rules and rules.config_matcher else DEFAULT_MATCHER
    lines += ["export function middleware(request: NextRequest) {",
              "  const { pathname } = request.nextUrl;",
              "  if (isAuthRoute(pathname) || !isProtectedRoute(pathname)) return NextResponse.next();",
              "  if (!getSessionCookie(request)) {",
              "    // Clerk answered signed-out API requests without a redirect.",
              '    if (/^\\/(api|trpc)(\\/|$)/.test(pathname)) return NextResponse.json({ error: "unauthorized" }, { status: 401 });',
              '    const signIn = new URL("/sign-in", request.url);',
              '    signIn.searchParams.set("callbackURL", pathname);',
              "    return NextResponse.redirect(signIn);",
              "  }",
              "  return NextResponse.next();",
              "}", "",
              "// Where the middleware runs: " + ("the Clerk middleware's own matcher." if rules and rules.config_matcher
                                                  else "Next.js internals and static files skipped."),
              "export const config = {",
              "  matcher: [" + ", ".join(js(m) for m in matcher) + "],",
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
