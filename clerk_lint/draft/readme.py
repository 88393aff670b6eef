"""README.md of the draft: what was detected, the files, what to install, the steps and every TODO."""
from __future__ import annotations

from ..resolve.app_database import database_questions
from .context import Ctx
from .packages import BETTER_AUTH_VERSION, PACKAGES


def render_readme(ctx: Ctx, files: list[str]) -> str:
    p = ctx.project
    packages = sorted(ctx.packages)
    deps = [f"{name}@{PACKAGES[name]}" for name in packages if name in PACKAGES and not name.startswith("@types/")]
    dev = [f"{name}@{PACKAGES[name]}" for name in packages if name.startswith("@types/")]
    lines = ["# Better Auth draft", "",
             f"Starter files for better-auth {BETTER_AUTH_VERSION}, drafted by `clerk-lint draft` from the Clerk "
             "usage found in this codebase. They type-check against the published packages; everything a "
             "person has to decide is marked TODO.", "",
             "## Detected", ""]
    lines += [f"- {r}" for r in p.reasons]
    lines.append(f"- client: `{p.client_module}`")
    lines.append("- plugins: " + (", ".join(f"`{x}`" for x in ctx.plugins) or "none beyond the core"))
    lines += ["", "## Files", ""]
    lines += [f"- `{f}`" for f in files]
    lines += ["", "## Install", "", "```sh",
              "npm install " + " ".join(deps) + " --legacy-peer-deps"]
    if dev:
        lines.append("npm install -D " + " ".join(dev))
    lines += ["```", "",
              "(`--legacy-peer-deps`: the separately versioned @better-auth/* plugins pin older peers than "
              f"better-auth {BETTER_AUTH_VERSION}.)", "",
              "## Then", "",
              "1. Fill in `.env` from `.env.example`.",
              "2. Create the tables: `npx auth migrate` (pg / mysql pool) or `npx auth generate` (Prisma, Drizzle).",
              "3. Export users from the Clerk dashboard (CSV) and run `npx tsx scripts/import-clerk-users.ts "
              "exported_users.csv` against staging; check the counts it prints.",
              "4. Replace the Clerk calls step by step (`clerk-lint plan` lists every location).", "",
              "## TODO", ""]
    lines += [f"- [ ] {t}" for t in ctx.todos]
    questions = database_questions(p.db) + ctx.questions
    if questions:
        lines += ["", "## Open questions", ""] + [f"- {q}" for q in questions]
    return "\n".join(lines) + "\n"
