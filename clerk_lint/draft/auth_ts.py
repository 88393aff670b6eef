"""auth.ts: the Better Auth server (database, passwords and emails, social providers, metadata
fields, webhook handlers as database hooks, then the plugins of `auth_plugins.py`)."""
from __future__ import annotations

import re

from ..concepts.catalog import webhook_hook
from .auth_plugins import plugin_block
from .context import HEADER, Ctx, env_name, found_at
from .database_ts import render_database
from .packages import BETTER_AUTH_VERSION, SEPARATE_PLUGINS

CORE_PLUGIN_MODULE = "better-auth/plugins"
PASSWORD_QUESTION = ("Do users sign in with a password? No code here shows it (the sign-in methods enabled in the "
                     "Clerk dashboard decide). If they do, the draft needs the bcrypt verify for Clerk's password "
                     "digests and the import script copies them; if not, leave both out.")


def _email_sender(ctx: Ctx) -> list[str]:
    return ["/** Clerk sent these emails for you; now your email provider does. */",
            "async function sendEmail(to: string, subject: string, text: string): Promise<void> {",
            f"  // {ctx.todo('auth.ts sendEmail: send with your email provider (Resend, SES, Postmark, SMTP ...).')}",
            "  throw new Error(`sendEmail not implemented (to ${to}: ${subject}: ${text.length} chars)`);",
            "}", ""]


def _hook(indent: str, signature: str, comment: str, body: list[str]) -> list[str]:
    return ([f"{indent}// {comment}", f"{indent}{signature} => {{"]
            + [f"{indent}  {b}" for b in body] + [f"{indent}}},"])


def _database_hooks(ctx: Ctx) -> list[str]:
    events = ctx.facts.webhook_events
    groups: dict[tuple[str, str], list[str]] = {}
    for event in sorted(events):
        target = webhook_hook(event)
        m = re.fullmatch(r"databaseHooks\.(user|session)\.(create|update|delete)\.after", target)
        if m:
            groups.setdefault((m.group(1), m.group(2)), []).append(event)
    if not groups:
        return []
    lines = ["  // Clerk webhook handlers become in-process hooks (they run for writes made through Better Auth).",
             "  databaseHooks: {"]
    for model in ("user", "session"):
        ops = [(op, groups[(model, op)]) for op in ("create", "update", "delete") if (model, op) in groups]
        if not ops:
            continue
        lines.append(f"    {model}: {{")
        for op, evs in ops:
            where = found_at([f for e in evs for f in events[e]])
            lines.append(f"      {op}: {{")
            todo = ctx.todo(f"auth.ts databaseHooks.{model}.{op}.after: move the body of the Clerk "
                            f"{', '.join(evs)} handler here")
            lines += _hook("        ", f"after: async ({model})", f"Clerk webhook {', '.join(evs)} (handled at {where})",
                           [f"// {todo}", f"void {model};"])
            lines.append("      },")
        lines.append("    },")
    lines.append("  },")
    return lines


def render_auth(ctx: Ctx) -> str:
    facts, p = ctx.facts, ctx.project
    plugins = ctx.plugins
    ctx.need("better-auth")
    bcrypt = ctx.passwords == "evidence"  # Clerk's digests are verified only where users have passwords
    if bcrypt:
        ctx.need("bcryptjs")
    else:
        ctx.ask(PASSWORD_QUESTION)
    if facts.has("mfa-possible") and "twoFactor" not in plugins:
        ctx.ask("Is MFA enabled in the Clerk dashboard? The prebuilt sign-in / profile UI "
                f"({found_at(facts.evidence('mfa-possible'))}) runs it only when it is; if so, add twoFactor() "
                "and twoFactorClient() and import the TOTP secrets (clerk-lint plan lists the step).")
    ctx.env["BETTER_AUTH_SECRET"] = "32+ random bytes: `npx auth secret` or `openssl rand -base64 32`; also encrypts imported TOTP secrets"
    ctx.env["BETTER_AUTH_URL"] = "the origin that serves /api/auth, e.g. http://localhost:3000"
    db_imports, db_setup, db_value = render_database(ctx)
    imports = ['import { betterAuth } from "better-auth";']
    if bcrypt:
        imports.append('import { hashPassword, verifyPassword } from "better-auth/crypto";')
    core = [n for n in plugins if n not in SEPARATE_PLUGINS]
    if core:
        imports.append(f"import {{ {', '.join(sorted(core))} }} from \"{CORE_PLUGIN_MODULE}\";")
    for name in plugins:
        if name in SEPARATE_PLUGINS:
            module = SEPARATE_PLUGINS[name][0]
            ctx.need(module)
            imports.append(f"import {{ {name} }} from \"{module}\";")
    if "stripe" in plugins:
        imports.append('import Stripe from "stripe";')
    if p.is_next:
        imports.append('import { nextCookies } from "better-auth/next-js";')
    if bcrypt:
        imports.append('import bcrypt from "bcryptjs";')
    imports += db_imports
    if "organization" in plugins:
        imports.append('import { ac, roles } from "./permissions";')

    sends_mail = bool(facts.findings)  # every Clerk app had Clerk's verification / reset emails
    out = [HEADER.format(version=BETTER_AUTH_VERSION)] + imports + [""]
    out += db_setup + ([""] if db_setup else [])
    if sends_mail:
        out += _email_sender(ctx)
    if bcrypt:
        out += ["/** Clerk's password digests are bcrypt ($2a$ / $2b$); new passwords use Better Auth's scrypt. */",
                "function isBcrypt(hash: string): boolean {",
                "  return /^\\$2[aby]\\$/.test(hash);",
                "}", ""]
    out += ["export const auth = betterAuth({",
            f"  database: {db_value},"]
    if ctx.client_only:
        ctx.env["APP_ORIGIN"] = "origin of the browser app that calls this auth server, e.g. http://localhost:5173"
        out.append("  // The browser app is served from another origin: allow it (and keep its requests credentialed).")
        out.append('  trustedOrigins: [process.env.APP_ORIGIN ?? "http://localhost:5173"],')
    if bcrypt:
        out += ["  emailAndPassword: {",
                "    enabled: true,",
                "    // Imported Clerk users keep their passwords: their bcrypt digests verify with bcrypt, every",
                "    // other hash with Better Auth's default scrypt (scripts/import-clerk-users.ts copies the digests).",
                f"    // Password sign-in seen at {found_at(facts.evidence('passwords'))}.",
                "    password: {",
                "      hash: (password) => hashPassword(password),",
                "      verify: ({ hash, password }) =>",
                "        isBcrypt(hash) ? bcrypt.compare(password, hash) : verifyPassword({ hash, password }),",
                "    },"]
    elif ctx.passwords == "assumed":
        out += ["  emailAndPassword: {",
                "    enabled: true,",
                "    // " + ctx.todo("auth.ts emailAndPassword: no password sign-in is seen in code (README, Open "
                                    "questions); if Clerk users have passwords, verify their bcrypt digests here "
                                    "(password.verify) and let the import script copy them"),]
    if bcrypt or ctx.passwords == "assumed":
        if sends_mail:
            out += ["    sendResetPassword: async ({ user, url }) => {",
                    '      await sendEmail(user.email, "Reset your password", `Reset your password: ${url}`);',
                    "    },"]
        out.append("  },")
    if sends_mail:
        out += ["  emailVerification: {",
                "    sendVerificationEmail: async ({ user, url }) => {",
                '      await sendEmail(user.email, "Verify your email", `Verify your email: ${url}`);',
                "    },",
                "  },"]
    out += _social(ctx)
    if facts.metadata:
        out.append("  // Clerk metadata read in code: " + ", ".join(
            f"{k} ({found_at(v)})" for k, v in sorted(facts.metadata.items())) + ".")
        out.append("  // " + ctx.todo("auth.ts user.additionalFields: one JSON field per Clerk metadata bag, or one "
                                      "typed field per key you actually use"))
        out.append("  user: {")
        out.append("    additionalFields: {")
        spec = {"publicMetadata": "input: false", "privateMetadata": "input: false, returned: false",
                "unsafeMetadata": "input: true"}
        for kind in sorted(facts.metadata):
            if kind in spec:
                out.append(f"      {kind}: {{ type: \"json\", required: false, {spec[kind]} }},")
        out += ["    },", "  },"]
    out += _database_hooks(ctx)
    out.append("  plugins: [")
    for name in plugins:
        out += plugin_block(ctx, name)
    if p.is_next:
        out.append("    nextCookies(), // keep last: lets server actions set auth cookies")
    out += ["  ],", "});", "", "export type Session = typeof auth.$Infer.Session;"]
    return "\n".join(out) + "\n"


def _social(ctx: Ctx) -> list[str]:
    facts = ctx.facts
    sign_in = [f for f in facts.findings if f.code in ("CLK102", "CLK103", "CLK205", "CLK111")]
    if not facts.providers and not facts.generic_providers and not sign_in:
        return []
    lines = ["  // Register <BETTER_AUTH_URL>/api/auth/callback/<provider> as the redirect URI of each OAuth app."]
    if not facts.providers:
        lines.append("  // " + ctx.todo("auth.ts socialProviders: add the social connections enabled in the Clerk "
                                        "dashboard (no provider is named in code; prebuilt sign-in UI at "
                                        + found_at(sign_in) + ")"))
    if not facts.providers:
        lines.append("  socialProviders: {},")
    else:
        lines.append("  socialProviders: {")
    for provider in sorted(facts.providers):
        var = env_name(provider)
        ctx.env[f"{var}_CLIENT_ID"] = f"OAuth client id of your own {provider} app"
        ctx.env[f"{var}_CLIENT_SECRET"] = f"OAuth client secret of your own {provider} app"
        lines.append(f"    // seen at {found_at(facts.providers[provider])}")
        lines.append(f"    {provider}: {{")
        lines.append(f"      clientId: process.env.{var}_CLIENT_ID as string,")
        lines.append(f"      clientSecret: process.env.{var}_CLIENT_SECRET as string,")
        lines.append("    },")
    if facts.providers:
        lines.append("  },")
    if facts.generic_providers:
        lines.append("  // " + ctx.todo("auth.ts: providers without a built-in ("
                                        + ", ".join(sorted(facts.generic_providers))
                                        + ") need genericOAuth({ config: [...] }) from better-auth/plugins"))
    return lines
