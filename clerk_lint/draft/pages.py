"""Sign-in / sign-up pages on authClient, for apps that signed in on Clerk's hosted pages (Account
Portal, redirectToSignIn, sign-in buttons) or its prebuilt <SignIn/> / <SignUp/>: after the move
nothing renders a form unless the app has one. One form per method the app shows evidence of
(email + password, email code, email link, the OAuth providers named in code); React apps only."""
from __future__ import annotations

import posixpath
from typing import Optional

from .context import HEADER, Ctx, js
from .packages import BETTER_AUTH_VERSION

SIGN_IN_SYMBOLS = {"SignIn": "sign-in", "SignUp": "sign-up"}
PROVIDER_LABELS = {"github": "GitHub", "gitlab": "GitLab", "linkedin": "LinkedIn", "tiktok": "TikTok"}


def _methods(ctx: Ctx) -> tuple[bool, list[str], list[str]]:
    """(password form, email flows, OAuth providers)."""
    facts = ctx.facts
    flows = [m for m in ("emailOTP", "magicLink") if m in ctx.plugins]
    providers = sorted(facts.providers)
    password = ctx.passwords != "none"
    if ctx.passwords == "assumed":
        ctx.todo("sign-in pages: no sign-in method is named in code, so they offer email + password; keep only "
                 "the methods enabled in the Clerk dashboard (README, Open questions)")
    return password, flows, providers


def _existing(ctx: Ctx, symbol: str) -> Optional[str]:
    """The app's own page that rendered <SignIn/> or <SignUp/>, which the draft page replaces."""
    paths = sorted({f.location.path for f in ctx.facts.findings if f.code == "CLK102" and f.symbol == symbol})
    return paths[0] if paths else None


def _targets(ctx: Ctx) -> dict[str, str]:
    p = ctx.project
    out = {}
    for symbol, route in SIGN_IN_SYMBOLS.items():
        existing = _existing(ctx, symbol)
        if existing and existing.endswith(".tsx") and p.is_next:  # file-based routes: same URL
            out[route] = existing
        elif p.is_next and p.router == "app":
            out[route] = f"{p.app_dir}/{route}/page.tsx"
        elif p.is_next:
            out[route] = f"{p.pages_dir}/{route}.tsx"
        else:
            out[route] = f"auth-pages/{'SignInPage' if route == 'sign-in' else 'SignUpPage'}.tsx"
    return out


def _rel(from_file: str, target: str) -> str:
    rel = posixpath.relpath(target, posixpath.dirname(from_file) or ".")
    return rel if rel.startswith(".") else "./" + rel


def _page(ctx: Ctx, path: str, route: str, password: bool, flows: list[str], providers: list[str]) -> str:
    p = ctx.project
    sign_up = route == "sign-up"
    component = "SignUpPage" if sign_up else "SignInPage"
    lines = []
    if p.is_next and p.router == "app":
        lines.append('"use client";')
        lines.append("")
    lines += [HEADER.format(version=BETTER_AUTH_VERSION).rstrip("\n"),
              f"// Replaces Clerk's {'sign-up' if sign_up else 'sign-in'} page: one form per sign-in method the app uses.",
              'import { useState, type FormEvent } from "react";',
              f'import {{ authClient }} from "{_rel(path, "auth-client")}";', "",
              "/** Where to go after signing in: the page the middleware redirected from. */",
              "function callbackURL(): string {",
              '  const next = new URLSearchParams(window.location.search).get("callbackURL");',
              '  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";',
              "}", "",
              "function field(form: FormData, name: string): string {",
              "  const value = form.get(name);",
              '  return typeof value === "string" ? value : "";',
              "}", ""]
    export = "export default function" if p.is_next else "export function"
    lines += [f"{export} {component}() {{",
              "  const [error, setError] = useState<string | null>(null);",
              "  const [pending, setPending] = useState(false);"]
    if "emailOTP" in flows and not sign_up:
        lines.append("  const [codeSentTo, setCodeSentTo] = useState<string | null>(null);")
    if "magicLink" in flows and not sign_up:
        lines.append("  const [linkSent, setLinkSent] = useState(false);")
    lines += ["",
              "  async function run(action: () => Promise<{ error: { message?: string | undefined } | null }>, "
              "onDone?: () => void) {",
              "    setPending(true);",
              "    setError(null);",
              "    const { error } = await action();",
              "    setPending(false);",
              '    if (error) setError(error.message ?? "Something went wrong");',
              "    else if (onDone) onDone();",
              "  }", ""]
    body: list[str] = []
    if password:
        if sign_up:
            lines += ["  function signUp(event: FormEvent<HTMLFormElement>) {",
                      "    event.preventDefault();",
                      "    const form = new FormData(event.currentTarget);",
                      "    void run(",
                      "      () => authClient.signUp.email({ name: field(form, \"name\"), email: field(form, \"email\"), "
                      "password: field(form, \"password\") }),",
                      "      () => window.location.assign(callbackURL()),",
                      "    );",
                      "  }", ""]
            body += ["      <form onSubmit={signUp}>",
                     '        <input name="name" placeholder="Name" autoComplete="name" required />',
                     '        <input name="email" type="email" placeholder="Email" autoComplete="email" required />',
                     '        <input name="password" type="password" placeholder="Password" autoComplete="new-password" '
                     "minLength={8} required />",
                     "        <button type=\"submit\" disabled={pending}>Create account</button>",
                     "      </form>"]
        else:
            lines += ["  function signInWithPassword(event: FormEvent<HTMLFormElement>) {",
                      "    event.preventDefault();",
                      "    const form = new FormData(event.currentTarget);",
                      "    void run(",
                      "      () => authClient.signIn.email({ email: field(form, \"email\"), password: field(form, \"password\") }),",
                      "      () => window.location.assign(callbackURL()),",
                      "    );",
                      "  }", ""]
            body += ["      <form onSubmit={signInWithPassword}>",
                     '        <input name="email" type="email" placeholder="Email" autoComplete="email" required />',
                     '        <input name="password" type="password" placeholder="Password" '
                     'autoComplete="current-password" required />',
                     "        <button type=\"submit\" disabled={pending}>Sign in</button>",
                     "      </form>"]
    if "emailOTP" in flows and not sign_up:
        lines += ["  function sendCode(event: FormEvent<HTMLFormElement>) {",
                  "    event.preventDefault();",
                  '    const email = field(new FormData(event.currentTarget), "email");',
                  '    void run(() => authClient.emailOtp.sendVerificationOtp({ email, type: "sign-in" }), () => setCodeSentTo(email));',
                  "  }", "",
                  "  function verifyCode(event: FormEvent<HTMLFormElement>) {",
                  "    event.preventDefault();",
                  '    const otp = field(new FormData(event.currentTarget), "otp");',
                  "    void run(() => authClient.signIn.emailOtp({ email: codeSentTo ?? \"\", otp }), "
                  "() => window.location.assign(callbackURL()));",
                  "  }", ""]
        body += ["      {codeSentTo ? (",
                 "        <form onSubmit={verifyCode}>",
                 '          <input name="otp" inputMode="numeric" autoComplete="one-time-code" placeholder="Code" required />',
                 "          <button type=\"submit\" disabled={pending}>Verify</button>",
                 "        </form>",
                 "      ) : (",
                 "        <form onSubmit={sendCode}>",
                 '          <input name="email" type="email" placeholder="Email" autoComplete="email" required />',
                 "          <button type=\"submit\" disabled={pending}>Email me a code</button>",
                 "        </form>",
                 "      )}"]
    if "magicLink" in flows and not sign_up:
        lines += ["  function sendLink(event: FormEvent<HTMLFormElement>) {",
                  "    event.preventDefault();",
                  '    const email = field(new FormData(event.currentTarget), "email");',
                  "    void run(() => authClient.signIn.magicLink({ email, callbackURL: callbackURL() }), () => setLinkSent(true));",
                  "  }", ""]
        body += ["      {linkSent ? <p>Check your email for a sign-in link.</p> : (",
                 "        <form onSubmit={sendLink}>",
                 '          <input name="email" type="email" placeholder="Email" autoComplete="email" required />',
                 "          <button type=\"submit\" disabled={pending}>Email me a link</button>",
                 "        </form>",
                 "      )}"]
    for provider in providers:
        label = PROVIDER_LABELS.get(provider, provider.capitalize())
        body.append(f"      <button type=\"button\" disabled={{pending}} onClick={{() => void run(() => "
                    f"authClient.signIn.social({{ provider: {js(provider)}, callbackURL: callbackURL() }}))}}>"
                    f"Continue with {label}</button>")
    other = ("<p>Already have an account? <a href=\"/sign-in\">Sign in</a></p>" if sign_up else
             "<p>No account yet? <a href=\"/sign-up\">Sign up</a></p>" if password else "")
    lines += ["  return (",
              "    <main>",
              f"      <h1>{'Create your account' if sign_up else 'Sign in'}</h1>",
              *body,
              "      {error ? <p role=\"alert\">{error}</p> : null}",
              *([f"      {other}"] if other else []),
              "    </main>",
              "  );",
              "}"]
    return "\n".join(lines) + "\n"


def _account_target(ctx: Ctx) -> Optional[str]:
    """Where <UserProfile/> was rendered (the account page replaces it), or None without one."""
    p = ctx.project
    paths = sorted({f.location.path for f in ctx.facts.findings if f.code == "CLK105"})
    if not paths:
        return None
    if p.is_next and paths[0].endswith(".tsx") and paths[0].startswith((p.app_dir + "/", p.pages_dir + "/")):
        return paths[0]
    if p.is_next:
        return f"{p.app_dir}/account/page.tsx" if p.router == "app" else f"{p.pages_dir}/account.tsx"
    return "auth-pages/AccountPage.tsx"


def _account_page(ctx: Ctx, path: str, password: bool) -> str:
    p = ctx.project
    lines = (['"use client";', ""] if p.is_next and p.router == "app" and not path.startswith(p.pages_dir + "/")
             else [])
    lines += [HEADER.format(version=BETTER_AUTH_VERSION).rstrip("\n"),
              "// Replaces Clerk's <UserProfile/>: the signed-in user's name"
              + (", password" if password else "") + " and sign-out.",
              "// " + ctx.todo("account page: add what <UserProfile/> showed that the app relies on (email "
                               "addresses, connected accounts, sessions, MFA enrolment when enabled)"),
              'import { useState, type FormEvent } from "react";',
              f'import {{ authClient }} from "{_rel(path, "auth-client")}";', ""]
    export = "export default function" if p.is_next else "export function"
    lines += [f"{export} AccountPage() {{",
              "  const { data: session, isPending } = authClient.useSession();",
              "  const [message, setMessage] = useState<string | null>(null);",
              "  if (isPending) return <p>Loading...</p>;",
              '  if (!session) return <p><a href="/sign-in">Sign in</a> to see your account.</p>;', "",
              "  function saved(error: { message?: string | undefined } | null, done: string) {",
              '    setMessage(error ? (error.message ?? "Something went wrong") : done);',
              "  }", "",
              "  async function rename(event: FormEvent<HTMLFormElement>) {",
              "    event.preventDefault();",
              '    const name = new FormData(event.currentTarget).get("name");',
              '    const { error } = await authClient.updateUser({ name: typeof name === "string" ? name : "" });',
              '    saved(error, "Name saved.");',
              "  }", ""]
    if password:
        lines += ["  async function changePassword(event: FormEvent<HTMLFormElement>) {",
                  "    event.preventDefault();",
                  "    const form = new FormData(event.currentTarget);",
                  '    const read = (key: string) => { const value = form.get(key); return typeof value === "string" ? value : ""; };',
                  "    const { error } = await authClient.changePassword({",
                  '      currentPassword: read("currentPassword"),',
                  '      newPassword: read("newPassword"),',
                  "      revokeOtherSessions: true,",
                  "    });",
                  '    saved(error, "Password changed; other sessions were signed out.");',
                  "  }", ""]
    lines += ["  return (",
              "    <main>",
              "      <h1>Account</h1>",
              "      <p>{session.user.email}</p>",
              "      <form onSubmit={rename}>",
              '        <input name="name" defaultValue={session.user.name} autoComplete="name" required />',
              '        <button type="submit">Save</button>',
              "      </form>"]
    if password:
        lines += ["      <form onSubmit={changePassword}>",
                  '        <input name="currentPassword" type="password" placeholder="Current password" '
                  'autoComplete="current-password" required />',
                  '        <input name="newPassword" type="password" placeholder="New password" '
                  'autoComplete="new-password" minLength={8} required />',
                  '        <button type="submit">Change password</button>',
                  "      </form>"]
    lines += ['      <button type="button" onClick={() => void authClient.signOut().then(() => window.location.assign("/"))}>',
              "        Sign out",
              "      </button>",
              '      {message ? <p role="status">{message}</p> : null}',
              "    </main>",
              "  );",
              "}"]
    return "\n".join(lines) + "\n"


def render_pages(ctx: Ctx) -> dict[str, str]:
    """The pages, when the app signed in on Clerk's pages or components and is a React app."""
    if not ctx.facts.has("sign-in-pages") or ctx.project.client_module != "better-auth/react":
        if ctx.facts.has("sign-in-pages"):
            ctx.todo("sign-in pages: build sign-in and sign-up pages on authClient (Clerk's hosted or prebuilt "
                     "pages did this; no page is drafted for this framework)")
        return {}
    password, flows, providers = _methods(ctx)
    files = {}
    for route, path in _targets(ctx).items():
        if route == "sign-up" and not password:
            continue  # OAuth and email codes create the account on first sign-in
        files[path] = _page(ctx, path, route, password, flows, providers)
    account = _account_target(ctx)
    if account is not None:
        files[account] = _account_page(ctx, account, password)
    return files
