"""Clerk values the app keeps (CLK512) and request-scoped copies read back in other modules
(CLK513, or the rule of what is read); plain values under the same names stay silent."""
from __future__ import annotations

from cli_helpers import write
from scan_helpers import CATALOG

from clerk_lint.scan.driver import run_scan

HONO_PACKAGE = '{"name": "api", "dependencies": {"@hono/clerk-auth": "^2.0.0", "hono": "^4.7.0"}}'


def by_file(root):
    out: dict[str, list] = {}
    for f in run_scan([root], CATALOG).findings:
        out.setdefault(f.location.path, []).append((f.location.line, f.code))
    return {k: sorted(v) for k, v in out.items()}


def test_hono_context_values_across_modules(tmp_path):
    got = by_file(write(tmp_path, {
        "package.json": HONO_PACKAGE,
        "src/app.ts": (
            'import { Hono } from "hono";\n'
            'import { clerkMiddleware, getAuth } from "@hono/clerk-auth";\n'
            'import { billing } from "./billing";\n'
            "const app = new Hono();\n"
            'app.use("*", clerkMiddleware());\n'
            'app.use("/api/*", async (c, next) => {\n'
            "  const auth = getAuth(c);\n"
            '  c.set("userId", auth?.userId ?? null);\n'
            '  c.set("requestId", crypto.randomUUID());\n'
            "  await next();\n"
            "});\n"
            'app.route("/api/billing", billing);\n'
        ),
        "src/billing.ts": (
            'import { Hono } from "hono";\n'
            "export const billing = new Hono();\n"
            'billing.get("/", (c) => {\n'
            '  const owner = c.get("userId");\n'
            '  const requestId = c.get("requestId");\n'
            '  const org = c.get("clerkAuth")?.orgId;\n'
            '  const clerk = c.get("clerk");\n'
            "  return c.json({ owner, requestId, org });\n"
            "});\n"
        ),
    }))
    assert got["src/app.ts"] == [(2, "CLK001"), (5, "CLK303"), (7, "CLK301"), (8, "CLK511"), (8, "CLK512")]
    assert got["src/billing.ts"] == [(4, "CLK511"), (6, "CLK511"), (7, "CLK513")]


def test_express_locals_object_read_field_by_field(tmp_path):
    got = by_file(write(tmp_path, {
        "package.json": '{"name": "api", "dependencies": {"@clerk/express": "^1.7.0", "express": "^4.21.0"}}',
        "src/auth.ts": (
            'import { getAuth } from "@clerk/express";\n'
            'import type { NextFunction, Request, Response } from "express";\n'
            "export function requireUser(req: Request, res: Response, next: NextFunction) {\n"
            "  const { userId, orgId } = getAuth(req);\n"
            "  res.locals.caller = { userId, orgId, locale: req.headers[\"accept-language\"] };\n"
            "  res.locals.theme = \"dark\";\n"
            "  req.session.clerkUserId = userId;\n"
            "  next();\n"
            "}\n"
        ),
        "src/routes.ts": (
            'import { Router } from "express";\n'
            "export const router = Router();\n"
            'router.get("/", (_req, res) => {\n'
            "  const caller = res.locals.caller;\n"
            "  res.json({ owner: caller.orgId ?? caller.userId, locale: caller.locale, theme: res.locals.theme });\n"
            "});\n"
        ),
    }))
    assert got["src/auth.ts"] == [(1, "CLK001"), (4, "CLK301"), (5, "CLK511"), (5, "CLK511"), (5, "CLK512"),
                                  (7, "CLK511"), (7, "CLK512")]
    assert got["src/routes.ts"] == [(5, "CLK511"), (5, "CLK511")]


def test_client_state_and_module_variables(tmp_path):
    got = by_file(write(tmp_path, {
        "src/Sync.tsx": (
            'import { useAuth, useUser } from "@clerk/clerk-react";\n'
            'import { useEffect, useState } from "react";\n'
            'import { useStore } from "./store";\n'
            "let currentUserId: string | null = null;\n"
            "const cache = new Map<string, unknown>();\n"
            "export function Sync() {\n"
            "  const { userId, isLoaded } = useAuth();\n"
            "  const { user } = useUser();\n"
            "  const [profile, setProfile] = useState<unknown>(null);\n"
            "  const [ready, setReady] = useState(false);\n"
            "  useEffect(() => {\n"
            "    currentUserId = userId ?? null;\n"
            "    useStore.setState({ userId });\n"
            "    setProfile(user);\n"
            "    localStorage.setItem(\"uid\", userId!);\n"
            "    setReady(isLoaded);\n"
            "    cache.set(\"me\", user);\n"
            "    currentUserId = \"guest\";\n"
            "    setDisplayName(user?.fullName ?? \"\");\n"
            "  }, [userId, user]);\n"
            "  return null;\n"
            "}\n"
        ),
    }))
    assert [line for line, code in got["src/Sync.tsx"] if code == "CLK512"] == [12, 13, 14, 15]


def test_same_shapes_without_clerk_are_silent(tmp_path):
    got = by_file(write(tmp_path, {
        "package.json": HONO_PACKAGE,
        "src/app.ts": (
            'import { Hono } from "hono";\n'
            "const app = new Hono();\n"
            'app.use("*", async (c, next) => {\n'
            '  c.set("userId", c.req.header("x-user-id"));\n'
            "  await next();\n"
            "});\n"
            'app.get("/", (c) => c.json({ id: c.get("userId"), auth: c.get("auth") }));\n'
        ),
        "src/Local.tsx": (
            'import { useState } from "react";\n'
            'import { useUser } from "./hooks/useUser";\n'
            "export function Local() {\n"
            "  const { user } = useUser();\n"
            "  const [u, setU] = useState(user);\n"
            "  setU(user);\n"
            "  return null;\n"
            "}\n"
        ),
    }))
    assert "src/app.ts" not in got and "src/Local.tsx" not in got


def _reads_by_walk(root, scopes, keys):
    """The specification `value_stores.reads` is checked against: every named node, visited by
    a stack walk (parents first, last sibling first)."""
    from clerk_lint.readers.ecma import value_stores as vs
    from clerk_lint.readers.ecma.records import named_descendants, text

    context = {k.split(":", 1)[1]: o for k, o in keys.items() if k.startswith("context:")}
    locals_ = {k.split(":", 1)[1]: o for k, o in keys.items() if k.startswith("locals:")}
    request = {k.split(":", 1)[1]: o for k, o in keys.items() if k.startswith("request:")}
    for node in named_descendants(root):
        if node.type == "call_expression":
            callee, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            if callee is None or callee.type != "member_expression" or arguments is None:
                continue
            prop, receiver = callee.child_by_field_name("property"), callee.child_by_field_name("object")
            if prop is None or text(prop) != "get" or receiver is None or receiver.type != "identifier":
                continue
            key = vs._string(arguments.named_children[0]) if len(arguments.named_children) == 1 else None
            if key in context and vs._context_param(scopes.resolve(receiver)):
                yield node, context[key], f'{text(receiver)}.get("{key}")'
        elif node.type == "member_expression":
            parent = node.parent
            if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == node:
                continue
            found = vs._member_read(node, scopes, locals_, request)
            if found is not None:
                yield found


def test_reads_found_from_the_bytes_are_those_of_a_walk_in_the_same_order():
    """`reads` finds its candidates from where the property names are in the bytes and sorts
    them into a walk's order (the order decides how what is read merges): the same reads as
    walking every node, on every fixture file and on hostile shapes, with keys named the way
    handlers name them."""
    from scan_helpers import ecma_sources

    from clerk_lint.readers.ecma import value_stores as vs
    from clerk_lint.readers.ecma.parse import parse
    from clerk_lint.readers.ecma.records import Origin
    from clerk_lint.readers.ecma.scopes import ScopeIndex

    origin = Origin("@clerk/express", "getAuth", ("()",))
    keys = {f"{kind}:{name}": origin for kind in ("context", "locals", "request")
            for name in ("userId", "auth", "user", "claims", "caller", "orgId", "clerkAuth", "clerk", "session")}
    hostile = [
        b"app.get('/', (c) => c.get('userId') + c.get('auth').orgId + c.get('user', 1));\n",
        b"function h(req, res) { return [req.user.id, req.auth?.userId, res.locals.caller.orgId,"
        b" req.claims().userId, (req.user).id, req['user'], res.locals.caller.user.id]; }\n",
        b"function h(req, res, c) { return [req\n  .user\n  .id, req . /* a */ auth, res\n.locals\n.caller, c\n.get(\n'userId'),"
        b" c.get, get.user, user.get('auth'), req.$user, req.user$, req.userx, $req.user, \\u0072eq.user]; }\n",
        b"function h(req) { return " + b"(" * 300 + b"req.user.id" + b")" * 300 + b"; }\n",
        b"function h(req) { return " + b" + ".join(b"req.auth.userId" for _ in range(400)) + b"; }\n",
    ]
    compared = 0
    for data, lang in ecma_sources(*hostile):
        root = parse(data, lang).root_node
        scopes = ScopeIndex(lang, root)
        got = [(n.id, o, place) for n, o, place in vs.reads(root, data, scopes, keys, lambda n: False)]
        want = [(n.id, o, place) for n, o, place in _reads_by_walk(root, scopes, keys)]
        assert got == want
        compared += bool(want)
    assert compared >= 15
