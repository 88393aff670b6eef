"""The text of each draft file, built from the plan's facts and the detected project."""
from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from importlib import resources

from ..concepts.catalog import webhook_hook
from ..plan.facts import DEFAULT_ORG_ROLES, OAUTH_PROVIDERS, Facts, locations
from .detect import Project
from .packages import BETTER_AUTH_VERSION, PACKAGES, SEPARATE_PLUGINS

HEADER = ("// Drafted by clerk-lint from the Clerk usage it found (better-auth {version}).\n"
          "// A starting point: read every TODO, then move the file where your app keeps its auth code.\n")

CORE_PLUGIN_MODULE = "better-auth/plugins"
CLIENT_PLUGIN_MODULE = "better-auth/client/plugins"
CLIENT_PLUGINS = {
    "organization": "organizationClient", "twoFactor": "twoFactorClient", "passkey": "passkeyClient",
    "magicLink": "magicLinkClient", "emailOTP": "emailOTPClient", "phoneNumber": "phoneNumberClient",
    "username": "usernameClient", "admin": "adminClient", "jwt": "jwtClient", "apiKey": "apiKeyClient",
    "sso": "ssoClient", "stripe": "stripeClient", "oneTap": "oneTapClient", "customSession": "customSessionClient",
}
# Clerk env vars the new ones replace, for the .env.example comment.
CLERK_ENV_HINT = "CLERK_SECRET_KEY, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY / VITE_CLERK_PUBLISHABLE_KEY, CLERK_WEBHOOK_SECRET"


@dataclass
class Ctx:
    facts: Facts
    project: Project
    plugins: list[str]
    todos: list[str] = field(default_factory=list)
    packages: set[str] = field(default_factory=set)
    env: dict[str, str] = field(default_factory=dict)  # name -> comment

    def todo(self, text: str) -> str:
        if text not in self.todos:
            self.todos.append(text)
        return f"TODO: {text}"

    def need(self, package: str) -> None:
        self.packages.add(package)

    @property
    def client_only(self) -> bool:
        """A browser app with no server framework: the auth server is a separate service."""
        return self.project.server == "generic" and self.project.client_module != "better-auth/client"


def _ident(name: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_$]", "_", name)
    return ident if ident and not ident[0].isdigit() else f"_{ident}"


def _js(value) -> str:
    return json.dumps(value)


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name) else _js(name)


def _where(findings) -> str:
    locs = locations(findings)
    return ", ".join(locs[:4]) + (f" (+{len(locs) - 4} more)" if len(locs) > 4 else "")


def env_name(provider: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", provider.upper())


# -- permissions.ts -------------------------------------------------------------------------------


def role_identifier(role: str) -> str:
    return _ident(role) + "Role"


def render_permissions(ctx: Ctx) -> str:
    facts = ctx.facts
    perms = facts.custom_permissions
    roles = facts.role_names  # clerk key -> better auth name
    names = list(DEFAULT_ORG_ROLES) + sorted({r for r in roles.values() if r not in DEFAULT_ORG_ROLES})
    clerk_for = {}
    for clerk_key, name in roles.items():
        clerk_for.setdefault(name, []).append(clerk_key)
    lines = [HEADER.format(version=BETTER_AUTH_VERSION),
             "// Organization access control: Clerk's org roles and permissions as code, shared by the",
             "// organization() server plugin (auth.ts) and organizationClient() (auth-client.ts).",
             'import { createAccessControl } from "better-auth/plugins/access";',
             'import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";',
             ""]
    lines.append("// Statements: Better Auth's defaults (organization, member, invitation, team, ac) plus one per")
    lines.append("// Clerk permission feature (org:<feature>:<action> -> <feature>: [<action>]).")
    lines.append("export const statement = {")
    lines.append("  ...defaultStatements,")
    for feature, actions in perms.items():
        evidence = [f for p, ev in facts.permissions.items() if p.split(":")[-2:-1] == [feature] for f in ev]
        lines.append(f"  {_key(feature)}: {_js(actions)}, // checked at {_where(evidence)}")
    lines.append("} as const;")
    lines.append("")
    lines.append("export const ac = createAccessControl(statement);")
    lines.append("")
    if perms or any(r not in DEFAULT_ORG_ROLES for r in names):
        lines.append("// " + ctx.todo("permissions.ts: which role holds which permission is configured in the Clerk "
                                      "dashboard (Organizations -> Roles & Permissions); copy that assignment here."))
    all_custom = ", ".join(f"{_key(k)}: {_js(v)}" for k, v in perms.items())
    base = {"owner": "ownerAc", "admin": "adminAc", "member": "memberAc"}
    for name in names:
        spread = f"...{base.get(name, 'memberAc')}.statements"
        grants = all_custom if name in ("owner", "admin") else ""
        body = ", ".join(x for x in (spread, grants) if x)
        origin = ", ".join(clerk_for.get(name, []))
        if name == "owner":
            note = "Better Auth's creator role (Clerk makes the creator org:admin; auth.ts sets creatorRole)"
        elif origin:
            note = f"Clerk {origin}" + (f", seen at {_where(facts.roles[origin.split(', ')[0]])}"
                                        if origin.split(", ")[0] in facts.roles else "")
        else:
            note = "Clerk org:" + name
        if name not in base:
            note += "; custom role: grant its permissions"
        lines.append(f"// {note}")
        lines.append(f"export const {role_identifier(name)} = ac.newRole({{ {body} }});")
    lines.append("")
    lines.append("export const roles = {")
    for name in names:
        lines.append(f"  {_key(name)}: {role_identifier(name)},")
    lines.append("};")
    return "\n".join(lines) + "\n"


# -- auth.ts ------------------------------------------------------------------------------------------


def _database(ctx: Ctx) -> tuple[list[str], list[str], str]:
    """(imports, statements before betterAuth, the `database:` value)."""
    p = ctx.project
    ctx.env["DATABASE_URL"] = "connection string of the database that will hold the auth tables"
    if p.database == "prisma":
        ctx.need("@prisma/client")
        provider = {"pg": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}[p.db_provider]
        return (['import { prismaAdapter } from "better-auth/adapters/prisma";',
                 'import { PrismaClient } from "@prisma/client";'],
                ["// Reuse the PrismaClient your app already creates, if it has one; `npx auth generate` adds the",
                 "// auth models to schema.prisma (then run prisma migrate / generate).",
                 "const prisma = new PrismaClient();"],
                f'prismaAdapter(prisma, {{ provider: "{provider}" }})')
    if p.database == "drizzle":
        ctx.need("drizzle-orm")
        if p.db_provider == "mysql":
            ctx.need("mysql2")
            return (['import { drizzleAdapter } from "better-auth/adapters/drizzle";',
                     'import { drizzle } from "drizzle-orm/mysql2";'],
                    ["// Reuse your app's drizzle instance (with its schema); `npx auth generate` writes the auth tables.",
                     "const db = drizzle(process.env.DATABASE_URL as string);"],
                    'drizzleAdapter(db, { provider: "mysql" })')
        ctx.need("pg")
        return (['import { drizzleAdapter } from "better-auth/adapters/drizzle";',
                 'import { drizzle } from "drizzle-orm/node-postgres";'],
                ["// Reuse your app's drizzle instance (with its schema); `npx auth generate` writes the auth tables.",
                 "const db = drizzle(process.env.DATABASE_URL as string);"],
                'drizzleAdapter(db, { provider: "pg" })')
    if p.database == "mongodb":
        ctx.need("mongodb")
        return (['import { mongodbAdapter } from "better-auth/adapters/mongodb";',
                 'import { MongoClient } from "mongodb";'],
                ["const client = new MongoClient(process.env.DATABASE_URL as string);"],
                "mongodbAdapter(client.db(), { client })")
    if p.database == "mysql":
        ctx.need("mysql2")
        return (['import { createPool } from "mysql2/promise";'], [],
                "createPool(process.env.DATABASE_URL as string)")
    ctx.need("pg")
    ctx.need("@types/pg")
    return (['import { Pool } from "pg";'],
            ["// Better Auth's built-in Kysely adapter on a pg Pool; `npx auth migrate` creates the tables."],
            "new Pool({ connectionString: process.env.DATABASE_URL })")


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
            where = _where([f for e in evs for f in events[e]])
            lines.append(f"      {op}: {{")
            todo = ctx.todo(f"auth.ts databaseHooks.{model}.{op}.after: move the body of the Clerk "
                            f"{', '.join(evs)} handler here")
            lines += _hook("        ", f"after: async ({model})", f"Clerk webhook {', '.join(evs)} (handled at {where})",
                           [f"// {todo}", f"void {model};"])
            lines.append("      },")
        lines.append("    },")
    lines.append("  },")
    return lines


_ORG_HOOK_ARGS = {
    "afterCreateOrganization": "{ organization, member, user }",
    "afterUpdateOrganization": "{ organization, user, member }",
    "afterDeleteOrganization": "{ organization, user }",
    "afterAddMember": "{ member, user, organization }",
    "afterUpdateMemberRole": "{ member, previousRole, user, organization }",
    "afterRemoveMember": "{ member, user, organization }",
    "afterCreateInvitation": "{ invitation, inviter, organization }",
    "afterAcceptInvitation": "{ invitation, member, user, organization }",
    "afterCancelInvitation": "{ invitation, cancelledBy, organization }",
}


def _organization_hooks(ctx: Ctx) -> list[str]:
    events = ctx.facts.webhook_events
    groups: dict[str, list[str]] = {}
    for event in sorted(events):
        target = webhook_hook(event)
        if target.startswith("organizationHooks."):
            groups.setdefault(target.split(".", 1)[1], []).append(event)
    if not groups:
        return []
    lines = ["      organizationHooks: {"]
    for hook, evs in groups.items():
        args = _ORG_HOOK_ARGS.get(hook, "data")
        where = _where([f for e in evs for f in events[e]])
        lines.append(f"        // Clerk webhook {', '.join(evs)} (handled at {where})")
        lines.append(f"        {hook}: async ({args}) => {{")
        lines.append("          // " + ctx.todo(f"auth.ts organizationHooks.{hook}: move the body of the Clerk "
                                                f"{', '.join(evs)} handler here"))
        names = [a.strip() for a in args.strip("{} ").split(",")]
        lines.append("          void [" + ", ".join(names) + "];")
        lines.append("        },")
    lines.append("      },")
    return lines


def _jwt_payload(ctx: Ctx) -> list[str]:
    templates = sorted(ctx.facts.jwt_templates)
    names = ", ".join(t or "(no name)" for t in templates) or "(token verification)"
    lines = ["    // Replaces Clerk JWT templates " + names + ": tokens from authClient.token() or the set-auth-jwt header,",
             "    // keys at <BETTER_AUTH_URL>/api/auth/jwks. One payload per instance: merge what the templates need.",
             "    jwt({",
             "      jwt: {",
             "        definePayload: ({ user }) => ({",
             "          sub: user.id,",
             "          email: user.email,"]
    lower = " ".join(templates).lower()
    if "supabase" in lower:
        lines.append('          role: "authenticated", // Supabase RLS reads the role claim')
    if "hasura" in lower:
        lines += ['          "https://hasura.io/jwt/claims": {',
                  '            "x-hasura-user-id": user.id,',
                  '            "x-hasura-default-role": "user",',
                  '            "x-hasura-allowed-roles": ["user"],',
                  "          },"]
    lines.append("          // " + ctx.todo("auth.ts jwt definePayload: add the claims configured for JWT template(s) "
                                            f"{names} in the Clerk dashboard"))
    lines += ["        }),", "      },", "    }),"]
    return lines


def _stripe(ctx: Ctx) -> list[str]:
    ctx.need("stripe")
    ctx.env["STRIPE_SECRET_KEY"] = "Stripe secret key (billing moves from Clerk Billing to your Stripe account)"
    ctx.env["STRIPE_WEBHOOK_SECRET"] = "signing secret of the Stripe webhook pointed at <BETTER_AUTH_URL>/api/auth/stripe/webhook"
    plans = sorted(ctx.facts.plans) or ["pro"]
    lines = ["    stripe({",
             "      stripeClient: new Stripe(process.env.STRIPE_SECRET_KEY as string),",
             "      stripeWebhookSecret: process.env.STRIPE_WEBHOOK_SECRET as string,",
             "      createCustomerOnSignUp: true,",
             "      subscription: {",
             "        enabled: true,",
             f"        // Plans checked with has({{ plan }}) at {_where([f for p in ctx.facts.plans.values() for f in p]) or 'no location'}."]
    if ctx.facts.features:
        lines.append("        // " + ctx.todo("auth.ts stripe plans: Clerk Billing features "
                                              + ", ".join(sorted(ctx.facts.features))
                                              + " become per-plan limits or your own plan -> feature table"))
    lines.append("        plans: [")
    for plan in plans:
        var = f"STRIPE_PRICE_{env_name(plan)}"
        ctx.env[var] = f"Stripe price id of the '{plan}' plan"
        lines.append(f"          {{ name: {_js(plan)}, priceId: process.env.{var} as string }},")
    lines += ["        ],", "      },", "    }),"]
    return lines


def render_auth(ctx: Ctx) -> str:
    facts, p = ctx.facts, ctx.project
    plugins = ctx.plugins
    ctx.need("better-auth")
    ctx.need("bcryptjs")
    ctx.env["BETTER_AUTH_SECRET"] = "32+ random bytes: `npx auth secret` or `openssl rand -base64 32`; also encrypts imported TOTP secrets"
    ctx.env["BETTER_AUTH_URL"] = "the origin that serves /api/auth, e.g. http://localhost:3000"
    db_imports, db_setup, db_value = _database(ctx)
    imports = ['import { betterAuth } from "better-auth";',
               'import { hashPassword, verifyPassword } from "better-auth/crypto";']
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
    imports.append('import bcrypt from "bcryptjs";')
    imports += db_imports
    if "organization" in plugins:
        imports.append('import { ac, roles } from "./permissions";')

    sends_mail = bool(facts.findings)  # every Clerk app had Clerk's verification / reset emails
    out = [HEADER.format(version=BETTER_AUTH_VERSION)] + imports + [""]
    out += db_setup + ([""] if db_setup else [])
    if sends_mail:
        out += _email_sender(ctx)
    out += ["/** Clerk's password digests are bcrypt ($2a$ / $2b$); new passwords use Better Auth's scrypt. */",
            "function isBcrypt(hash: string): boolean {",
            "  return /^\\$2[aby]\\$/.test(hash);",
            "}", "",
            "export const auth = betterAuth({",
            f"  database: {db_value},"]
    if ctx.client_only:
        ctx.env["APP_ORIGIN"] = "origin of the browser app that calls this auth server, e.g. http://localhost:5173"
        out.append("  // The browser app is served from another origin: allow it (and keep its requests credentialed).")
        out.append('  trustedOrigins: [process.env.APP_ORIGIN ?? "http://localhost:5173"],')
    out += ["  emailAndPassword: {",
            "    enabled: true,",
            "    // Imported Clerk users keep their passwords: their bcrypt digests verify with bcrypt, every",
            "    // other hash with Better Auth's default scrypt (scripts/import-clerk-users.ts copies the digests).",
            "    password: {",
            "      hash: (password) => hashPassword(password),",
            "      verify: ({ hash, password }) =>",
            "        isBcrypt(hash) ? bcrypt.compare(password, hash) : verifyPassword({ hash, password }),",
            "    },"]
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
            f"{k} ({_where(v)})" for k, v in sorted(facts.metadata.items())) + ".")
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
        out += _plugin(ctx, name)
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
                                        + _where(sign_in) + ")"))
    if not facts.providers:
        lines.append("  socialProviders: {},")
    else:
        lines.append("  socialProviders: {")
    for provider in sorted(facts.providers):
        var = env_name(provider)
        ctx.env[f"{var}_CLIENT_ID"] = f"OAuth client id of your own {provider} app"
        ctx.env[f"{var}_CLIENT_SECRET"] = f"OAuth client secret of your own {provider} app"
        lines.append(f"    // seen at {_where(facts.providers[provider])}")
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


def _plugin(ctx: Ctx, name: str) -> list[str]:
    facts = ctx.facts
    if name == "organization":
        roles = facts.role_names
        lines = [f"    // Organizations: {_where(facts.evidence('organizations'))}.",
                 "    organization({",
                 "      ac,",
                 "      roles,",
                 '      creatorRole: "admin", // Clerk makes the creator org:admin (Better Auth default: owner)']
        if roles:
            lines.insert(1, "    // Roles: " + ", ".join(f"{k} -> {v}" for k, v in roles.items()) + " (permissions.ts).")
        if facts.has("invitations") or any(f.code in ("CLK106", "CLK107", "CLK403") for f in facts.findings):
            lines += ["      sendInvitationEmail: async ({ email, organization, id }) => {",
                      "        // " + ctx.todo("auth.ts sendInvitationEmail: build the accept-invitation page "
                                              "(authClient.organization.acceptInvitation({ invitationId }))"),
                      "        const url = `${process.env.BETTER_AUTH_URL}/accept-invitation/${id}`;",
                      "        await sendEmail(email, `Join ${organization.name}`, `Accept the invitation: ${url}`);",
                      "      },"]
        lines += _organization_hooks(ctx)
        lines.append("    }),")
        return lines
    if name == "twoFactor":
        return [f"    // MFA (enrolment or second-factor flows at {_where(facts.evidence('mfa'))}); the import script",
                "    // carries TOTP secrets over. Backup codes and passkeys cannot be exported.",
                "    twoFactor(),"]
    if name == "passkey":
        return [f"    // Passkeys ({_where(facts.evidence('passkeys'))}) cannot be exported from Clerk: users re-register.",
                "    passkey(),"]
    if name == "magicLink":
        return ["    magicLink({",
                "      sendMagicLink: async ({ email, url }) => {",
                '        await sendEmail(email, "Your sign-in link", `Sign in: ${url}`);',
                "      },",
                "    }),"]
    if name == "emailOTP":
        return ["    emailOTP({",
                "      sendVerificationOTP: async ({ email, otp, type }) => {",
                '        await sendEmail(email, "Your code", `Your ${type} code: ${otp}`);',
                "      },",
                "    }),"]
    if name == "phoneNumber":
        return ["    phoneNumber({",
                "      sendOTP: async ({ phoneNumber, code }) => {",
                "        // " + ctx.todo("auth.ts phoneNumber.sendOTP: send the code with your SMS provider"),
                "        throw new Error(`SMS not implemented (${phoneNumber}: ${code.length}-digit code)`);",
                "      },",
                "    }),"]
    if name == "username":
        return ["    username(),"]
    if name == "admin":
        return [f"    // Backend API user management ({_where(facts.evidence('admin'))}): admin endpoints need an admin",
                "    // session; app roles kept in Clerk publicMetadata.role go to user.role.",
                "    admin(),"]
    if name == "jwt":
        return _jwt_payload(ctx)
    if name == "apiKey":
        return ["    // API keys cannot be exported from Clerk: re-issue them.", "    apiKey(),"]
    if name == "sso":
        return ["    // Enterprise SSO: re-register each IdP connection (new ACS URL / redirect URI).", "    sso(),"]
    if name == "stripe":
        return _stripe(ctx)
    if name == "oneTap":
        if "google" not in facts.providers:
            ctx.env["GOOGLE_CLIENT_ID"] = "OAuth client id of your own Google app (One Tap)"
        return ["    oneTap({ clientId: process.env.GOOGLE_CLIENT_ID }),"]
    if name == "customSession":
        return [f"    // Clerk session claims read at {_where(facts.evidence('session-claims'))}.",
                "    customSession(async ({ user, session }) => ({",
                "      user,",
                "      session,",
                "      // " + ctx.todo("auth.ts customSession: return the claims your code read from sessionClaims"),
                "    })),"]
    return [f"    {name}(),"]


# -- auth-client.ts ---------------------------------------------------------------------------------


def render_client(ctx: Ctx) -> str:
    facts, p = ctx.facts, ctx.project
    plugins = ctx.plugins
    core, separate = [], []
    entries: list[str] = []
    needs_auth_type = False
    if facts.metadata:
        core.append("inferAdditionalFields")
        entries.append("    inferAdditionalFields<typeof auth>(), // types of user.additionalFields")
        needs_auth_type = True
    for name in plugins:
        client = CLIENT_PLUGINS[name]
        if name in SEPARATE_PLUGINS:
            separate.append((client, SEPARATE_PLUGINS[name][1]))
        else:
            core.append(client)
        if name == "organization":
            entries.append("    organizationClient({ ac, roles }), // lets checkRolePermission run synchronously")
        elif name == "twoFactor":
            entries += ["    twoFactorClient({",
                        "      onTwoFactorRedirect() {",
                        "        // " + ctx.todo("auth-client.ts: the page that asks for the second factor "
                                                "(authClient.twoFactor.verifyTotp)"),
                        '        window.location.href = "/two-factor";',
                        "      },",
                        "    }),"]
        elif name == "stripe":
            entries.append("    stripeClient({ subscription: true }),")
        elif name == "oneTap":
            if p.is_next:
                ctx.env["NEXT_PUBLIC_GOOGLE_CLIENT_ID"] = "the Google client id, exposed to the browser for One Tap"
                entries.append("    oneTapClient({ clientId: process.env.NEXT_PUBLIC_GOOGLE_CLIENT_ID as string }),")
            else:
                entries.append("    // " + ctx.todo("auth-client.ts oneTapClient: your Google OAuth client id"))
                entries.append('    oneTapClient({ clientId: "GOOGLE_CLIENT_ID" }),')
        elif name == "customSession":
            entries.append("    customSessionClient<typeof auth>(),")
            needs_auth_type = True
        else:
            entries.append(f"    {client}(),")
    lines = [HEADER.format(version=BETTER_AUTH_VERSION),
             f'import {{ createAuthClient }} from "{p.client_module}";']
    if core:
        lines.append(f"import {{ {', '.join(sorted(set(core)))} }} from \"{CLIENT_PLUGIN_MODULE}\";")
    for client, module in separate:
        lines.append(f"import {{ {client} }} from \"{module}\";")
    if needs_auth_type:
        lines.append('import type { auth } from "./auth";')
    if "organization" in plugins:
        lines.append('import { ac, roles } from "./permissions";')
    lines.append("")
    lines.append("// Replaces ClerkProvider: no provider component, import authClient where it is needed.")
    lines.append("export const authClient = createAuthClient({")
    if ctx.client_only:
        lines.append("  // " + ctx.todo("auth-client.ts baseURL: the origin of your Better Auth server"))
        lines.append('  baseURL: "http://localhost:3000",')
    lines.append("  plugins: [")
    lines += entries
    lines += ["  ],", "});", "",
              "export type Session = typeof authClient.$Infer.Session;"]
    return "\n".join(lines) + "\n"


# -- route handler and middleware ---------------------------------------------------------------


def _rel_import(from_file: str, target: str) -> str:
    rel = posixpath.relpath(target, posixpath.dirname(from_file) or ".")
    return rel if rel.startswith(".") else "./" + rel


def render_handlers(ctx: Ctx) -> dict[str, str]:
    p, facts = ctx.project, ctx.facts
    files: dict[str, str] = {}
    middleware_findings = [f for f in facts.findings if f.category == "middleware"]
    protect_in_mw = [f for f in facts.findings if f.code == "CLK305"
                     and f.location.path in {m.location.path for m in middleware_findings}]
    header = HEADER.format(version=BETTER_AUTH_VERSION)
    if p.is_next and p.router == "app":
        path = f"{p.app_dir}/api/auth/[...all]/route.ts"
        files[path] = (header + "// Mounts Better Auth at /api/auth/* (sign-in, callbacks, session, plugin endpoints).\n"
                       'import { toNextJsHandler } from "better-auth/next-js";\n'
                       f'import {{ auth }} from "{_rel_import(path, "auth")}";\n\n'
                       "export const { GET, POST } = toNextJsHandler(auth);\n")
    elif p.is_next:
        path = f"{p.pages_dir}/api/auth/[...all].ts"
        files[path] = (header + "// Mounts Better Auth at /api/auth/* in the pages router.\n"
                       'import { toNodeHandler } from "better-auth/node";\n'
                       f'import {{ auth }} from "{_rel_import(path, "auth")}";\n\n'
                       "// Better Auth reads the raw body itself.\n"
                       "export const config = { api: { bodyParser: false } };\n\n"
                       "export default toNodeHandler(auth.handler);\n")
    if p.is_next:
        base = p.app_dir if p.router == "app" else p.pages_dir
        src = base.rsplit("/", 1)[0] + "/" if "/" in base else ""
        path = f"{src}middleware.ts"
        files[path] = _next_middleware(ctx, middleware_findings, protect_in_mw)
    elif p.server == "express":
        pattern = "/api/auth/*splat" if p.express_major >= 5 else "/api/auth/*"
        files["auth-routes.ts"] = (
            header + "// Express: mount Better Auth before express.json() (it reads the raw body itself).\n"
            'import type { Express } from "express";\n'
            'import { toNodeHandler } from "better-auth/node";\n'
            'import { auth } from "./auth";\n\n'
            "export function mountAuth(app: Express): void {\n"
            f'  app.all("{pattern}", toNodeHandler(auth)); // Express {p.express_major}\n'
            "}\n")
        files["require-session.ts"] = _express_middleware(ctx, middleware_findings)
        ctx.need("express")
    else:
        files["auth-handler.ts"] = (
            header + "// No server framework was detected: mount Better Auth on whatever serves your API.\n"
            'import { createServer } from "node:http";\n'
            'import { toNodeHandler } from "better-auth/node";\n'
            'import { auth } from "./auth";\n\n'
            "/** Web-standard runtimes (Hono, Bun, Deno, Workers, Remix/React Router loaders): route /api/auth/* here. */\n"
            "export function handleAuthRequest(request: Request): Promise<Response> {\n"
            "  return auth.handler(request);\n"
            "}\n\n"
            "/** Plain Node: a server that answers /api/auth/* (or mount toNodeHandler(auth) in your own). */\n"
            "export function startAuthServer(port = Number(process.env.PORT ?? 3000)) {\n"
            "  return createServer(toNodeHandler(auth)).listen(port);\n"
            "}\n")
        files["require-session.ts"] = (
            header + "// Replaces Clerk's server-side session checks: the signed-in user of a request, or null.\n"
            'import { auth } from "./auth";\n\n'
            "export async function getSession(request: Request) {\n"
            "  return auth.api.getSession({ headers: request.headers });\n"
            "}\n\n"
            "/** 401 unless signed in; otherwise the session ({ user, session }). */\n"
            "export async function requireSession(request: Request) {\n"
            "  const session = await getSession(request);\n"
            "  if (!session) throw new Response(\"Unauthorized\", { status: 401 });\n"
            "  return session;\n"
            "}\n")
    return files


def _next_middleware(ctx: Ctx, mw, protect) -> str:
    header = HEADER.format(version=BETTER_AUTH_VERSION)
    lines = [header.rstrip("\n")]
    if mw:
        lines.append(f"// Replaces the Clerk middleware at {_where(mw)}.")
    lines += ["// Optimistic check only: a session cookie is present (not validated). Pages, route handlers and",
              "// server actions must still call auth.api.getSession({ headers: await headers() }).",
              'import { NextResponse, type NextRequest } from "next/server";',
              'import { getSessionCookie } from "better-auth/cookies";', ""]
    matchers = [f for f in mw if f.code == "CLK304"]
    todo = ("middleware.ts publicRoutes: copy the public routes of the old middleware"
            + (f" (createRouteMatcher at {_where(matchers)})" if matchers else ""))
    lines += [f"// {ctx.todo(todo)}",
              'const publicRoutes = [/^\\/$/, /^\\/sign-in/, /^\\/sign-up/, /^\\/api\\/auth\\//];', ""]
    if protect:
        roles = sorted({dict(f.details).get("role", "") for f in protect} - {""})
        lines.append(f"// auth.protect() at {_where(protect)}"
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


def _express_middleware(ctx: Ctx, mw) -> str:
    header = HEADER.format(version=BETTER_AUTH_VERSION)
    where = f"// Replaces the Clerk middleware at {_where(mw)}.\n" if mw else ""
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


# -- scripts/import-clerk-users.ts ----------------------------------------------------------------


def render_import_script(ctx: Ctx) -> str:
    facts = ctx.facts
    plugins = ctx.plugins
    text = (resources.files(__package__) / "templates" / "import-clerk-users.ts").read_text("utf-8")
    imports = []
    if "twoFactor" in plugins:
        imports.append('import { symmetricEncrypt } from "better-auth/crypto";')
    providers = dict(sorted({f"oauth_{k}": v for k, v in OAUTH_PROVIDERS.items()}.items()))
    provider_lines = "\n".join(f"  {k}: {_js(v)}," for k, v in providers.items())
    fields = []
    if "username" in plugins:
        fields += ["    if (row.username) {",
                   "      user.username = row.username.toLowerCase();",
                   "      user.displayUsername = row.username;",
                   "    }"]
    if "phoneNumber" in plugins:
        fields += ["    const phone = row.primary_phone_number || list(row.verified_phone_numbers)[0];",
                   "    if (phone) {",
                   "      user.phoneNumber = phone;",
                   "      user.phoneNumberVerified = list(row.verified_phone_numbers).includes(phone);",
                   "    }"]
    if "admin" in plugins:
        fields += ['    user.role = "user"; // ' + ctx.todo("import script: copy app roles kept in Clerk metadata into user.role"),
                   "    user.banned = Boolean(full?.banned);",
                   "    if (full?.lockout_expires_in_seconds) {",
                   "      user.banned = true;",
                   "      user.banExpires = new Date(Date.now() + full.lockout_expires_in_seconds * 1000);",
                   "    }"]
    if "twoFactor" in plugins:
        fields.append("    user.twoFactorEnabled = Boolean(row.totp_secret);")
    for kind, source in (("publicMetadata", "public_metadata"), ("privateMetadata", "private_metadata"),
                         ("unsafeMetadata", "unsafe_metadata")):
        if kind in facts.metadata:
            fields.append(f"    user.{kind} = full?.{source} ?? null; // only the Backend API export has metadata")
    two_factor = ""
    if "twoFactor" in plugins:
        two_factor = "\n".join([
            "",
            "      if (row.totp_secret) {",
            "        // better-auth 1.7 decrypts twoFactor.secret with the auth secret and decodes a \"base32:\"",
            "        // prefix: a raw Clerk secret would make verifyTOTP throw.",
            "        await ctx.adapter.create({",
            '          model: "twoFactor",',
            "          data: {",
            "            userId: id,",
            "            secret: await symmetricEncrypt({ key: ctx.secretConfig, data: `base32:${row.totp_secret}` }),",
            "            // Clerk backup codes cannot be exported: none until the user generates new ones.",
            "            backupCodes: await symmetricEncrypt({ key: ctx.secretConfig, data: JSON.stringify([]) }),",
            "            verified: true,",
            "          },",
            "        });",
            "        stats.totp++;",
            "      }"])
    org_call, org_fn = "", ""
    if "organization" in plugins:
        org_call = "\n".join([
            "  if (secretKey) Object.assign(stats, await importOrganizations(secretKey));",
            "  else console.warn(\"CLERK_SECRET_KEY is not set: organizations and memberships are not imported.\")"])
        roles = {"org:admin": "admin", "org:member": "member"} | facts.role_names
        role_lines = "\n".join(f"  {_js(k)}: {_js(v)}," for k, v in sorted(roles.items()))
        org_fn = ORG_IMPORT.replace("@@ROLES@@", role_lines)
    text = (text.replace("//@@IMPORTS@@\n", "".join(i + "\n" for i in imports))
            .replace("@@AUTH_IMPORT@@", "../auth")
            .replace("@@PROVIDER_IDS@@", provider_lines)
            .replace("@@USER_FIELDS@@\n", "".join(f + "\n" for f in fields))
            .replace("@@TWO_FACTOR@@\n", two_factor + "\n" if two_factor else "")
            .replace("@@ORGANIZATIONS_CALL@@\n", org_call + "\n" if org_call else "")
            .replace("@@ORGANIZATIONS@@\n", org_fn))
    return text


ORG_IMPORT = '''
interface ClerkOrganization {
  id: string;
  name: string;
  slug?: string | null;
  image_url?: string | null;
  public_metadata?: Record<string, unknown> | null;
  created_at?: number;
}

interface ClerkMembership {
  role: string;
  created_at?: number;
  public_user_data?: { user_id: string } | null;
}

/** Clerk role key -> Better Auth role (permissions.ts); others lose their "org:" prefix. */
const ROLES: Record<string, string> = {
@@ROLES@@
};

/** Organizations and memberships from the Backend API (the official guide does not cover them). */
async function importOrganizations(secretKey: string): Promise<{ organizations: number; members: number }> {
  const ctx = await auth.$context;
  const counts = { organizations: 0, members: 0 };
  const now = new Date();
  for (const org of await clerkList<ClerkOrganization>("/organizations", secretKey, 100)) {
    const existing = await ctx.adapter.findOne({ model: "organization", where: [{ field: "id", value: org.id }] });
    if (!existing) {
      await ctx.adapter.create({
        model: "organization",
        forceAllowId: true,
        data: {
          id: org.id,
          name: org.name,
          slug: org.slug || org.id,
          logo: org.image_url || null,
          metadata: org.public_metadata ? JSON.stringify(org.public_metadata) : null,
          createdAt: toDate(org.created_at, now),
        },
      });
      counts.organizations++;
    }
    for (const membership of await clerkList<ClerkMembership>(`/organizations/${org.id}/memberships`, secretKey, 100)) {
      const userId = membership.public_user_data?.user_id;
      if (!userId) continue;
      const member = await ctx.adapter.findOne({
        model: "member",
        where: [
          { field: "organizationId", value: org.id },
          { field: "userId", value: userId },
        ],
      });
      if (member) continue;
      await ctx.adapter.create({
        model: "member",
        data: {
          organizationId: org.id,
          userId,
          role: ROLES[membership.role] ?? membership.role.replace(/^org:/, ""),
          createdAt: toDate(membership.created_at, now),
        },
      });
      counts.members++;
    }
  }
  // Pending invitations are not copied: re-send them after cutover (authClient.organization.inviteMember).
  return counts;
}
'''


# -- .env.example and README ------------------------------------------------------------------------


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
    return "\n".join(lines) + "\n"
