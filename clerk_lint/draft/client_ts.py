"""auth-client.ts: the Better Auth client and its plugins (replaces ClerkProvider and the hooks' context)."""
from __future__ import annotations

from .context import HEADER, Ctx
from .packages import BETTER_AUTH_VERSION, SEPARATE_PLUGINS

CLIENT_PLUGIN_MODULE = "better-auth/client/plugins"
CLIENT_PLUGINS = {
    "organization": "organizationClient", "twoFactor": "twoFactorClient", "passkey": "passkeyClient",
    "magicLink": "magicLinkClient", "emailOTP": "emailOTPClient", "phoneNumber": "phoneNumberClient",
    "username": "usernameClient", "admin": "adminClient", "jwt": "jwtClient", "apiKey": "apiKeyClient",
    "sso": "ssoClient", "stripe": "stripeClient", "oneTap": "oneTapClient", "customSession": "customSessionClient",
}


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
