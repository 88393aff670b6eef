""".env.example: the variables the draft's files read, each with what to put in it."""
from __future__ import annotations

import re

from .context import Ctx

# Clerk env vars the new ones replace, for the .env.example comment.
CLERK_ENV_HINT = "CLERK_SECRET_KEY, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY / VITE_CLERK_PUBLISHABLE_KEY, CLERK_WEBHOOK_SECRET"


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def replaced_variables(findings) -> list[str]:
    """The Clerk variable names env findings are about: a name only, never a finding's text (a
    committed-secret finding's symbol describes the literal, not a variable)."""
    names = set()
    for f in findings:
        if f.category != "env":
            continue
        for name in dict(f.details).get("variable", "").split(","):
            if _NAME.fullmatch(name.strip()):
                names.add(name.strip())
    return sorted(names)


def render_env(ctx: Ctx) -> str:
    replaced = replaced_variables(ctx.facts.findings)
    lines = ["# Better Auth environment, drafted by clerk-lint.",
             "# Replaces the Clerk variables " + (", ".join(replaced) if replaced else f"({CLERK_ENV_HINT})") + "."]
    order = ["BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "DATABASE_URL"]
    names = order + sorted(k for k in ctx.env if k not in order)
    for name in names:
        if name not in ctx.env:
            continue
        lines.append("")
        lines.append(f"# {ctx.env[name]}")
        value = {"BETTER_AUTH_URL": "http://localhost:3000"}.get(name, "")
        lines.append(f"{name}={value}")
    lines += ["", "# Only for scripts/import-clerk-users.ts (Backend API: images, OAuth accounts, metadata, organizations).",
              "# Remove after the migration together with the other Clerk variables.", "CLERK_SECRET_KEY="]
    return "\n".join(lines) + "\n"
