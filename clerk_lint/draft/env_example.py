""".env.example: the variables the draft's files read, each with what to put in it."""
from __future__ import annotations

from .context import Ctx

# Clerk env vars the new ones replace, for the .env.example comment.
CLERK_ENV_HINT = "CLERK_SECRET_KEY, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY / VITE_CLERK_PUBLISHABLE_KEY, CLERK_WEBHOOK_SECRET"


def render_env(ctx: Ctx) -> str:
    env_findings = [f for f in ctx.facts.findings if f.category == "env"]
    replaced = sorted({f.symbol for f in env_findings}) if env_findings else []
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
