"""auth.ts: one block per Better Auth plugin in `plugins: [...]`, from what the scan found."""
from __future__ import annotations

from ..concepts.catalog import webhook_hook
from .context import Ctx, env_name, found_at, js


def plugin_block(ctx: Ctx, name: str) -> list[str]:
    facts = ctx.facts
    if name == "organization":
        roles = facts.role_names
        lines = [f"    // Organizations: {found_at(facts.evidence('organizations'))}.",
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
        return [f"    // MFA (enrolment or second-factor flows at {found_at(facts.evidence('mfa'))}); the import script",
                "    // carries TOTP secrets over. Backup codes and passkeys cannot be exported.",
                "    twoFactor(),"]
    if name == "passkey":
        return [f"    // Passkeys ({found_at(facts.evidence('passkeys'))}) cannot be exported from Clerk: users re-register.",
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
        return [f"    // Backend API user management ({found_at(facts.evidence('admin'))}): admin endpoints need an admin",
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
        return [f"    // Clerk session claims read at {found_at(facts.evidence('session-claims'))}.",
                "    customSession(async ({ user, session }) => ({",
                "      user,",
                "      session,",
                "      // " + ctx.todo("auth.ts customSession: return the claims your code read from sessionClaims"),
                "    })),"]
    return [f"    {name}(),"]


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
        where = found_at([f for e in evs for f in events[e]])
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
             f"        // Plans checked with has({{ plan }}) at {found_at([f for p in ctx.facts.plans.values() for f in p]) or 'no location'}."]
    if ctx.facts.features:
        lines.append("        // " + ctx.todo("auth.ts stripe plans: Clerk Billing features "
                                              + ", ".join(sorted(ctx.facts.features))
                                              + " become per-plan limits or your own plan -> feature table"))
    lines.append("        plans: [")
    for plan in plans:
        var = f"STRIPE_PRICE_{env_name(plan)}"
        ctx.env[var] = f"Stripe price id of the '{plan}' plan"
        lines.append(f"          {{ name: {js(plan)}, priceId: process.env.{var} as string }},")
    lines += ["        ],", "      },", "    }),"]
    return lines
