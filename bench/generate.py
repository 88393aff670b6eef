"""Deterministic synthetic monorepo for benchmarks.

    python bench/generate.py OUT_DIR --files 10000 [--seed 7] [--clerk-share 0.15] [--python-share 0.18]

The tree looks like a mid-size product monorepo: several Next.js apps (``apps/web-NN``,
TSX/TS, a ``tsconfig.json`` with the ``"@/*"`` alias), Node services (``services/node-NN``,
JS), FastAPI services (``services/api-NN``, Python) and shared packages
(``packages/*``, TS). About ``clerk_share`` of the source files depend on Clerk: most import
``@clerk/*`` (or ``clerk_backend_api`` in Python) directly, the rest only through the
app's own wrapper (``src/lib/auth.ts``, imported by relative path or through the alias;
``app/auth.py`` in a FastAPI service).
Plain files are realistic too: React components, hooks, utilities, route handlers, Pydantic
models; many mention words such as "author" or "authorization", as real code does.

Noise the scanners must not read: ``node_modules/`` (Clerk's own dist files included) and a
``generated/`` folder, both listed in the root ``.gitignore``; the tree is made a git
checkout (``git init``, nothing committed) when git is available, so every tool applies
the same ignore rules. A few large files (100 KB to 1 MB) are mixed in.

Output is a pure function of (files, seed, clerk_share): same arguments, same bytes. The
root holds ``.bench-tree.json`` with those parameters, so a runner can reuse a tree.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

GENERATOR_VERSION = 5
META = ".bench-tree.json"

WORDS = ("account", "activity", "archive", "asset", "audit", "badge", "billing", "board", "budget", "calendar",
         "campaign", "card", "cart", "catalog", "channel", "chart", "checkout", "comment", "contact", "coupon",
         "dashboard", "deal", "device", "digest", "document", "draft", "event", "export", "feed", "file", "filter",
         "folder", "form", "goal", "import", "inbox", "invoice", "issue", "item", "label", "lead", "ledger", "list",
         "log", "media", "member", "message", "metric", "milestone", "note", "notice", "order", "page", "payment",
         "plan", "playlist", "post", "price", "product", "project", "quote", "rating", "receipt", "refund", "report",
         "review", "room", "schedule", "search", "segment", "shipment", "sprint", "stock", "story", "survey", "tag",
         "task", "team", "template", "thread", "ticket", "timeline", "topic", "track", "upload", "vendor", "video",
         "widget", "workflow", "workspace")
ADJ = ("active", "archived", "basic", "compact", "custom", "daily", "default", "detailed", "draft", "empty",
       "featured", "filtered", "global", "hidden", "inline", "latest", "local", "main", "monthly", "new", "open",
       "pending", "primary", "public", "recent", "remote", "shared", "simple", "sorted", "weekly")
VERBS = ("load", "fetch", "format", "parse", "build", "render", "compute", "update", "create", "remove", "sync",
         "merge", "filter", "sort", "group", "validate", "normalize", "resolve", "track", "export")

REACT_HOOKS = ("useUser", "useAuth", "useOrganization", "useClerk", "useSession", "useOrganizationList")
CLERK_COMPONENTS = ("SignedIn", "SignedOut", "UserButton", "SignInButton", "OrganizationSwitcher", "SignOutButton",
                    "Protect")
SERVER_HELPERS = ("auth", "currentUser")


def cap(word: str) -> str:
    return word[:1].upper() + word[1:]


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def name(self) -> str:
        return self.pick(ADJ) + cap(self.pick(WORDS))

    # ------------------------------------------------------------------ shared fillers

    def ts_helpers(self, count: int, typed: bool = True) -> str:
        out = []
        for i in range(count):
            verb, noun = self.pick(VERBS), self.pick(WORDS)
            fn = f"{verb}{cap(noun)}{i}"
            t = ": " + cap(noun) + "Record[]" if typed else ""
            rt = ": number" if typed else ""
            kind = self.r.randrange(4)
            if kind == 0:
                out.append(
                    f"export function {fn}(items{t}, limit = {self.r.randrange(5, 100)}){rt} {{\n"
                    f"  let total = 0;\n"
                    f"  for (const item of items.slice(0, limit)) {{\n"
                    f"    if (item.status === \"{self.pick(ADJ)}\") total += item.amount ?? 0;\n"
                    f"    else total -= {self.r.randrange(1, 9)};\n"
                    f"  }}\n"
                    f"  return Math.round(total * 100) / 100;\n"
                    f"}}\n")
            elif kind == 1:
                out.append(
                    f"export const {fn} = (items{t}) =>\n"
                    f"  items\n"
                    f"    .filter((x) => x.{self.pick(ADJ)} !== undefined && x.owner !== \"system\")\n"
                    f"    .map((x) => ({{ ...x, label: `${{x.name}} ({self.pick(WORDS)})` }}))\n"
                    f"    .sort((a, b) => a.name.localeCompare(b.name));\n")
            elif kind == 2:
                out.append(
                    f"export async function {fn}(id{': string' if typed else ''}) {{\n"
                    f"  const res = await fetch(`/api/{noun}s/${{id}}`, {{\n"
                    f"    headers: {{ \"content-type\": \"application/json\" }},\n"
                    f"  }});\n"
                    f"  if (!res.ok) throw new Error(`{verb} {noun} failed: ${{res.status}}`);\n"
                    f"  return res.json();\n"
                    f"}}\n")
            else:
                out.append(
                    f"// {cap(verb)} the {noun} table; keeps the {self.pick(ADJ)} rows first.\n"
                    f"export const {fn.upper()}_OPTIONS = {{\n"
                    f"  pageSize: {self.r.randrange(10, 200)},\n"
                    f"  sortBy: \"{self.pick(WORDS)}\",\n"
                    f"  columns: [{', '.join(repr(self.pick(WORDS)) for _ in range(self.r.randrange(2, 7)))}],\n"
                    f"}};\n")
        return "\n".join(out)

    def types_block(self) -> str:
        noun = cap(self.pick(WORDS))
        fields = "\n".join(f"  {self.pick(WORDS)}{i}: {self.pick(('string', 'number', 'boolean', 'Date'))};"
                           for i in range(self.r.randrange(3, 9)))
        return (f"export interface {noun}Record {{\n  id: string;\n  name: string;\n  status: string;\n"
                f"  amount?: number;\n{'  author?: string;' + chr(10) if self.r.random() < 0.25 else ''}{fields}\n}}\n")

    def jsx_body(self, depth: int = 2) -> str:
        tags = ("div", "section", "ul", "header", "footer", "article", "nav")
        lines = []
        for i in range(self.r.randrange(2, 6)):
            tag = self.pick(tags)
            lines.append(f'{"  " * depth}<{tag} className="{self.pick(ADJ)}-{self.pick(WORDS)}">')
            lines.append(f'{"  " * (depth + 1)}<span>{{props.title ?? "{cap(self.pick(WORDS))}"}}</span>')
            lines.append(f'{"  " * (depth + 1)}{{items.map((it) => <Row key={{it.id}} item={{it}} />)}}')
            lines.append(f'{"  " * depth}</{tag}>')
        return "\n".join(lines)

    # ------------------------------------------------------------------ TSX / TS

    def component(self, clerk: str, alias_import: str) -> str:
        """clerk: '' (none), 'direct' or 'wrapper'."""
        comp = cap(self.name())
        head = ['"use client";' if self.r.random() < 0.4 else "", 'import { useState, useMemo } from "react";',
                'import { Button, Card } from "@acme/ui";',
                f'import {{ format{cap(self.pick(WORDS))} }} from "{alias_import}/format";']
        pre = []
        inside = ""
        if clerk == "direct":
            hooks = self.r.sample(REACT_HOOKS[:3], self.r.randrange(1, 3))
            comps = self.r.sample(CLERK_COMPONENTS, self.r.randrange(1, 3))
            head.append(f'import {{ {", ".join(sorted(hooks + comps))} }} from "@clerk/nextjs";')
            for h in hooks:
                var = {"useUser": "{ user, isLoaded }", "useAuth": "{ userId, isSignedIn, getToken }",
                       "useOrganization": "{ organization }"}[h]
                pre.append(f"  const {var} = {h}();")
            inside = "\n".join(f"      <{c}>\n        <span>{cap(self.pick(WORDS))}</span>\n      </{c}>"
                               if c in ("SignedIn", "SignedOut", "Protect") else f"      <{c} />" for c in comps)
        elif clerk == "wrapper":
            spec = self.pick((f"{alias_import}/auth", "../../lib/auth"))
            head.append(f'import {{ useCurrentUser, RequireSignIn }} from "{spec}";')
            pre.append("  const user = useCurrentUser();")
            inside = "      <RequireSignIn>\n        <span>{user?.fullName}</span>\n      </RequireSignIn>"
        body = self.jsx_body(3)
        return "\n".join(h for h in head if h) + "\n\n" + self.types_block() + "\n" + (
            f"type {comp}Props = {{ id: string; title?: string; items: Item[] }};\n"
            f"type Item = {{ id: string; name: string }};\n\n"
            f"function Row({{ item }}: {{ item: Item }}) {{\n  return <li>{{item.name}}</li>;\n}}\n\n"
            f"export function {comp}(props: {comp}Props) {{\n"
            f"  const [open, setOpen] = useState(false);\n"
            f"  const items = useMemo(() => props.items.filter((i) => i.name), [props.items]);\n"
            + "\n".join(pre) + "\n"
            f"  return (\n    <Card onClick={{() => setOpen(!open)}}>\n{inside}\n{body}\n"
            f"      <Button disabled={{!open}}>Save</Button>\n    </Card>\n  );\n}}\n\n"
        ) + self.ts_helpers(self.r.randrange(2, 10))

    def module_ts(self, clerk: str, alias_import: str) -> str:
        head = [f'import type {{ Metadata }} from "next";' if self.r.random() < 0.3 else "",
                f'import {{ db }} from "{alias_import}/db";']
        extra = ""
        if clerk == "direct":
            helpers = self.r.sample(SERVER_HELPERS, self.r.randrange(1, 3))
            backend = self.r.random() < 0.4
            head.append(f'import {{ {", ".join(sorted(helpers + (["clerkClient"] if backend else [])))} }} '
                        f'from "@clerk/nextjs/server";')
            lines = []
            if "auth" in helpers:
                lines.append("  const { userId, orgId } = await auth();\n  if (!userId) return new Response(null, "
                             "{ status: 401 });")
            if "currentUser" in helpers:
                lines.append("  const user = await currentUser();\n  const email = "
                             "user?.emailAddresses[0]?.emailAddress;")
            if backend:
                lines.append("  const client = await clerkClient();\n  const members = await "
                             "client.users.getUserList({ limit: 20 });")
            extra = ("export async function GET(req: Request) {\n" + "\n".join(lines) +
                     "\n  const rows = await db.query(\"select * from t where owner = $1\", [req.url]);\n"
                     "  return Response.json(rows);\n}\n\n")
        elif clerk == "wrapper":
            spec = self.pick((f"{alias_import}/auth", "../../lib/auth"))
            head.append(f'import {{ requireUserId }} from "{spec}";')
            extra = ("export async function POST(req: Request) {\n  const userId = await requireUserId();\n"
                     "  const body = await req.json();\n  await db.insert(\"audit\", { userId, body });\n"
                     "  return Response.json({ ok: true });\n}\n\n")
        return "\n".join(h for h in head if h) + "\n\n" + self.types_block() + "\n" + extra + \
            self.ts_helpers(self.r.randrange(3, 14))

    def auth_wrapper(self) -> str:
        return ('import { useUser, SignedIn } from "@clerk/nextjs";\n'
                'import { auth } from "@clerk/nextjs/server";\n\n'
                "// The app's own auth helpers: every page goes through these.\n"
                "export function useCurrentUser() {\n  const { user, isLoaded } = useUser();\n"
                "  return isLoaded ? user : null;\n}\n\n"
                "export async function requireUserId() {\n  const { userId } = await auth();\n"
                "  if (!userId) throw new Error(\"not signed in\");\n  return userId;\n}\n\n"
                "export const RequireSignIn = SignedIn;\n")

    # ------------------------------------------------------------------ JS

    def module_js(self, clerk: str) -> str:
        cjs = self.r.random() < 0.5
        head = ['const express = require("express");' if cjs else 'import express from "express";',
                'const { z } = require("zod");' if cjs else 'import { z } from "zod";']
        route = ""
        if clerk:
            if cjs:
                head.append('const { createClerkClient, verifyToken } = require("@clerk/backend");')
            else:
                head.append('import { createClerkClient, verifyToken } from "@clerk/backend";')
            route = ("const clerk = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY });\n\n"
                     "async function requireUser(req, res, next) {\n"
                     "  const token = (req.headers.authorization || \"\").replace(\"Bearer \", \"\");\n"
                     "  try {\n    req.claims = await verifyToken(token, { secretKey: process.env.CLERK_SECRET_KEY });\n"
                     "    req.user = await clerk.users.getUser(req.claims.sub);\n    next();\n"
                     "  } catch (err) {\n    res.status(401).json({ error: \"unauthorized\" });\n  }\n}\n\n")
        noun = self.pick(WORDS)
        router = (f"const router = express.Router();\n\n"
                  f"router.get(\"/{noun}s\", {'requireUser, ' if clerk else ''}async (req, res) => {{\n"
                  f"  const page = Number(req.query.page || 1);\n"
                  f"  const rows = await req.app.locals.db.list(\"{noun}s\", {{ page{', author: req.query.author' if self.r.random() < 0.3 else ''} }});\n"
                  f"  res.json(rows);\n}});\n\n")
        tail = "module.exports = router;\n" if cjs else "export default router;\n"
        return "\n".join(head) + "\n\n" + route + router + self.ts_helpers(self.r.randrange(3, 12), typed=False) + \
            "\n" + tail

    # ------------------------------------------------------------------ Python

    def module_py(self, clerk: str) -> str:
        noun = self.pick(WORDS)
        model = cap(noun)
        head = ["from __future__ import annotations", "", "import os", "from datetime import datetime",
                "from typing import Optional", "", "from fastapi import APIRouter, Depends, HTTPException, Header",
                "from pydantic import BaseModel"]
        dep = ""
        if clerk == "wrapper":
            head.append("from app.auth import current_user")
        elif clerk:
            head.append("from clerk_backend_api import Clerk")
            dep = ("\nsdk = Clerk(bearer_auth=os.environ[\"CLERK_SECRET_KEY\"])\n\n\n"
                   "def current_user(authorization: str = Header(...)) -> str:\n"
                   "    user_id = authorization.removeprefix(\"Bearer \")\n"
                   "    user = sdk.users.get(user_id=user_id)\n"
                   "    if user is None:\n        raise HTTPException(status_code=401)\n    return user.id\n")
        fields = "\n".join(f"    {self.pick(WORDS)}_{i}: {self.pick(('str', 'int', 'float', 'bool', 'Optional[str] = None'))}"
                           for i in range(self.r.randrange(3, 8)))
        routes = []
        for i in range(self.r.randrange(3, 10)):
            verb = self.pick(VERBS)
            routes.append(
                f"@router.get(\"/{noun}s/{{item_id}}/{verb}\")\n"
                f"async def {verb}_{noun}_{i}(item_id: int{', user_id: str = Depends(current_user)' if clerk else ''})"
                f" -> {model}:\n"
                f"    \"\"\"{cap(verb)} one {noun}{'; the author sees drafts too' if self.r.random() < 0.2 else ''}.\"\"\"\n"
                f"    if item_id < 0:\n        raise HTTPException(status_code=404, detail=\"no such {noun}\")\n"
                f"    return {model}(id=item_id, name=f\"{noun}-{{item_id}}\", created=datetime.utcnow())\n")
        return "\n".join(head) + "\n" + dep + (
            f"\nrouter = APIRouter(prefix=\"/{noun}s\", tags=[\"{noun}\"])\n\n\n"
            f"class {model}(BaseModel):\n    id: int\n    name: str\n    created: datetime\n{fields}\n\n\n"
        ) + "\n\n".join(routes)

    # ------------------------------------------------------------------ large files

    def large_ts(self, target_bytes: int) -> str:
        parts = ["// Generated lookup tables: kept in the repo for offline builds.\n"]
        size = 0
        i = 0
        while size < target_bytes:
            row = (f"  {{ id: {i}, code: \"{self.pick(WORDS)[:3].upper()}{i}\", name: \"{cap(self.name())}\", "
                   f"weight: {self.r.random():.4f}, tags: [\"{self.pick(ADJ)}\", \"{self.pick(WORDS)}\"] }},\n")
            if i % 500 == 0:
                row = (("];\n\n" if i else "") + f"export const TABLE_{i // 500} = [\n") + row
            parts.append(row)
            size += len(row)
            i += 1
        parts.append("];\n")
        return "".join(parts)


PYTHON_SHARE = 0.18


def shares(python_share: float) -> dict[str, float]:
    """Share of the source files in each kind of unit."""
    rest = (1 - python_share) / 0.82
    return {"web": 0.55 * rest, "node": 0.12 * rest, "api": python_share, "pkg": 0.15 * rest}


def plan_layout(n: int, python_share: float = PYTHON_SHARE) -> dict[str, int]:
    """How many units of each kind: Next.js apps, node services, python services, packages."""
    share = shares(python_share)
    return {"web": max(1, round(n * share["web"] / 1000)), "node": max(1, round(n * share["node"] / 600)),
            "api": max(1, round(n * python_share / 600)) if python_share > 0 else 0,
            "pkg": max(1, round(n * share["pkg"] / 500))}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def generate(out: Path, files: int, seed: int = 7, clerk_share: float = 0.15, quiet: bool = True,
             python_share: float = PYTHON_SHARE) -> dict:
    """Write the tree into ``out`` (emptied first). Returns its metadata."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    g = Gen(seed)
    r = g.r
    layout = plan_layout(files, python_share)
    units: list[tuple[str, str]] = [(f"apps/web-{i:02d}", "web") for i in range(layout["web"])]
    units += [(f"services/node-{i:02d}", "node") for i in range(layout["node"])]
    units += [(f"services/api-{i:02d}", "api") for i in range(layout["api"])]
    pkg_names = ["ui", "utils", "config", "analytics", "forms", "charts", "i18n", "icons", "data", "email"]
    units += [(f"packages/{pkg_names[i % len(pkg_names)]}{'' if i < len(pkg_names) else i}", "pkg")
              for i in range(layout["pkg"])]
    weight = {k: v / layout[k] for k, v in shares(python_share).items() if layout[k]}
    # Fixed per-unit file budgets that add up to exactly `files` source files.
    budgets = [max(3, int(files * weight[k])) for _, k in units]
    i = 0
    while sum(budgets) != files:
        j = i % len(budgets)
        if sum(budgets) < files:
            budgets[j] += 1
        elif budgets[j] > 3:
            budgets[j] -= 1
        i += 1

    n_large = max(3, files // 2000) if files >= 2000 else files // 1000  # none in tiny smoke-test trees
    large_slots = set(r.sample(range(files), n_large))
    counts = {"source_files": 0, "clerk_direct": 0, "clerk_wrapper": 0, "large": 0}
    index = 0
    ws_packages = []
    write(out / ".gitignore", "node_modules/\ngenerated/\n*.log\n.env.local\n")
    for (unit, kind), budget in zip(units, budgets):
        base = out / unit
        pname = "@acme/" + unit.rsplit("/", 1)[1]
        ws_packages.append(unit)
        made = 0
        if kind == "web":
            write(base / "package.json", json.dumps({"name": pname, "private": True, "dependencies": {
                "@clerk/nextjs": "^6.9.0", "next": "15.1.0", "react": "19.0.0", "@acme/ui": "workspace:*"}},
                indent=2) + "\n")
            write(base / "tsconfig.json", json.dumps({"compilerOptions": {
                "target": "ES2022", "jsx": "preserve", "module": "esnext", "moduleResolution": "bundler",
                "strict": True, "paths": {"@/*": ["./src/*"]}}, "include": ["src"]}, indent=2) + "\n")
            write(base / "src/lib/auth.ts", g.auth_wrapper())
            write(base / "src/lib/format.ts", g.ts_helpers(4))
            write(base / "src/lib/db.ts", "export const db = { query: async (..._a: unknown[]) => [], "
                                          "insert: async (..._a: unknown[]) => undefined };\n")
            write(base / "src/middleware.ts",
                  'import { clerkMiddleware } from "@clerk/nextjs/server";\n\nexport default clerkMiddleware();\n\n'
                  'export const config = { matcher: ["/((?!_next|.*\\\\..*).*)"] };\n')
            made += 4
            counts["clerk_direct"] += 2
        elif kind == "node":
            write(base / "package.json", json.dumps({"name": pname, "private": True, "dependencies": {
                "@clerk/backend": "^1.21.0", "express": "^4.21.0", "zod": "^3.23.0"}}, indent=2) + "\n")
        elif kind == "api":
            write(base / "requirements.txt", "fastapi==0.115.6\npydantic==2.10.4\nclerk-backend-api==1.5.0\n")
            write(base / "app/auth.py", g.module_py("direct"))
            made += 1
            counts["clerk_direct"] += 1
        else:
            write(base / "package.json", json.dumps({"name": pname, "private": True, "main": "src/index.ts"},
                                                    indent=2) + "\n")
            write(base / "src/index.ts", 'export * from "./components";\n')
            made += 1
        folder_no = 0
        in_folder = 0
        folder_size = 40
        while made < budget:
            if in_folder >= folder_size:
                folder_no += 1
                in_folder = 0
                folder_size = r.randrange(15, 60)
            in_folder += 1
            made += 1
            roll = r.random()
            clerk = ""
            if kind != "pkg" and roll < clerk_share:
                clerk = "direct" if roll < clerk_share * 0.65 or kind == "node" else "wrapper"
            stem = f"{g.name()}{index}"
            if index in large_slots:
                ext = ".py" if kind == "api" else ".js" if kind == "node" else ".ts"
                if ext == ".py":
                    text = "TABLE = [\n" + "".join(f"    ({k}, {g.name()!r}, {r.random():.4f}),\n"
                                                   for k in range(r.randrange(4000, 20000))) + "]\n"
                else:
                    text = g.large_ts(r.randrange(100_000, 1_000_000))
                write(base / f"src/data/{stem}{ext}", text)
                counts["large"] += 1
            elif kind == "web":
                group = f"src/{g.pick(('components', 'features', 'app', 'hooks', 'lib'))}/{g.pick(WORDS)}{folder_no}"
                # wrapper imports use "../../lib/auth" or the alias: place files two levels below src
                if r.random() < 0.55:
                    write(base / f"{group}/{cap(stem)}.tsx", g.component(clerk, "@/lib"))
                else:
                    write(base / f"{group}/{stem}.ts", g.module_ts(clerk, "@/lib"))
            elif kind == "node":
                ext = g.pick((".js", ".js", ".mjs", ".cjs"))
                write(base / f"src/routes{folder_no}/{stem}{ext}", g.module_js(clerk))
            elif kind == "api":
                write(base / f"app/{g.pick(('routers', 'services', 'models'))}{folder_no}/{stem.lower()}.py",
                      g.module_py(clerk))
            else:
                sub = "components" if r.random() < 0.5 else "utils"
                ext = ".tsx" if sub == "components" else ".ts"
                text = g.component("", "../../lib") if ext == ".tsx" else g.module_ts("", "../lib")
                write(base / f"src/{sub}/{g.pick(WORDS)}{folder_no}/{stem}{ext}", text)
            if clerk:
                counts["clerk_" + clerk] += 1
            index += 1
        counts["source_files"] += made
        if kind == "pkg":
            write(base / "src/components.ts", "export const VERSION = \"1.0.0\";\n")
        if kind == "api":
            for folder in sorted({p.parent for p in (base / "app").rglob("*.py")}):
                write(folder / "__init__.py", "")
    write(out / "package.json", json.dumps({"name": "acme", "private": True, "workspaces": ["apps/*", "packages/*",
                                                                                          "services/*"]},
                                           indent=2) + "\n")
    # Noise that every scanner must skip: installed packages and build output.
    for k in range(max(20, files // 50)):
        write(out / f"node_modules/@clerk/nextjs/dist/chunk-{k}.js",
              f'"use strict";\nconst clerk = require("@clerk/shared");\nexports.useUser{k} = () => clerk.useUser();\n'
              + g.ts_helpers(3, typed=False))
    for k in range(max(10, files // 200)):
        write(out / f"generated/client{k}.ts", 'import { auth } from "@clerk/nextjs/server";\nexport const a = auth;\n')
    meta = {"generator": GENERATOR_VERSION, "files": files, "seed": seed, "clerk_share": clerk_share,
            "python_share": python_share, **counts}
    write(out / META, json.dumps(meta, indent=2, sort_keys=True) + "\n")
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(out)], check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    if not quiet:
        print(json.dumps(meta, sort_keys=True), file=sys.stderr)
    return meta


def ensure(out: Path, files: int, seed: int = 7, clerk_share: float = 0.15,
           python_share: float = PYTHON_SHARE) -> dict:
    """Reuse the tree in ``out`` when it was generated with the same parameters."""
    try:
        meta = json.loads((Path(out) / META).read_text())
        if (meta.get("generator"), meta.get("files"), meta.get("seed"), meta.get("clerk_share"),
                meta.get("python_share", PYTHON_SHARE)) == (GENERATOR_VERSION, files, seed, clerk_share, python_share):
            return meta
    except (OSError, ValueError):
        pass
    return generate(out, files, seed, clerk_share, python_share=python_share)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--clerk-share", type=float, default=0.15)
    ap.add_argument("--python-share", type=float, default=PYTHON_SHARE,
                    help="share of the files in FastAPI services (0: a JS/TS-only tree)")
    ap.add_argument("--reuse", action="store_true", help="keep OUT_DIR when it holds a tree made with these arguments")
    args = ap.parse_args(argv)
    if args.reuse:
        ensure(args.out, args.files, args.seed, args.clerk_share, args.python_share)
    else:
        generate(args.out, args.files, args.seed, args.clerk_share, quiet=False, python_share=args.python_share)
    return 0


if __name__ == "__main__":
    sys.exit(main())
