"""The Clerk middleware's route rules as the draft reads them (draft/route_rules.py): which
signed-out requests it stopped, for the shapes real middleware files take."""
from __future__ import annotations

import re

import pytest

from clerk_lint.draft.route_rules import evaluate, path_to_regexp, read_route_rules, to_js

HEAD = 'import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";\n'
CASES = {
    "early-return": (HEAD + '''const isPublicRoute = createRouteMatcher(["/", "/blog(.*)"]);
export default clerkMiddleware(async (auth, req) => {
  if (isPublicRoute(req)) return;
  await auth.protect();
});
''', {"/": False, "/blog/x": False, "/app": True}),
    "and-chain": (HEAD + '''const isProtectedRoute = createRouteMatcher(["/dashboard(.*)", "/api/private(.*)"]);
export default clerkMiddleware((auth, req) => isProtectedRoute(req) && auth.protect());
''', {"/": False, "/dashboard": True, "/DASHBOARD/x": True, "/api/private/1": True, "/api/public": False}),
    "routes-in-a-variable": (HEAD + '''const publicRoutes = ["/", "/sign-in(.*)", "/shop/:id"] as const;
const isPublic = createRouteMatcher([...publicRoutes]);
const isPublicToo = createRouteMatcher(publicRoutes);
export default clerkMiddleware(async (auth, req) => {
  if (!isPublicToo(req)) await auth.protect();
});
''', {"/": False, "/shop/42": False, "/shop/42/edit": True, "/account": True}),
    "no-protect": (HEAD + '''export default clerkMiddleware();
''', {"/": False, "/anything": False}),
    "auth-middleware-variable": ('''import { authMiddleware } from "@clerk/nextjs";
const publicRoutes = ["/", "/api/health"];
export default authMiddleware({ publicRoutes });
''', {"/": False, "/api/health": False, "/notes": True, "/logo.png": False}),
}


def _protected(rules, path: str) -> bool:
    matches = {name: any(re.search(path_to_regexp(p), path, re.I) for p in pats) for name, pats in rules.matchers.items()}
    return evaluate(rules.protect, matches)


@pytest.mark.parametrize("case", sorted(CASES))
def test_route_rules(case, tmp_path):
    source, table = CASES[case]
    (tmp_path / "middleware.ts").write_text(source, encoding="utf-8")
    rules = read_route_rules(tmp_path, "middleware.ts")
    assert rules is not None and not rules.unknown, rules
    assert {path: _protected(rules, path) for path in table} == table
    assert to_js(rules.protect)  # renders


def test_unreadable_conditions_are_reported(tmp_path):
    (tmp_path / "middleware.ts").write_text(HEAD + '''const isPublic = createRouteMatcher((req) => req.nextUrl.pathname === "/");
export default clerkMiddleware(async (auth, req) => {
  if (req.headers.get("x-internal") !== "1") await auth.protect();
});
''', encoding="utf-8")
    rules = read_route_rules(tmp_path, "middleware.ts")
    assert rules is not None and len(rules.unknown) == 2
