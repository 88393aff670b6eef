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
