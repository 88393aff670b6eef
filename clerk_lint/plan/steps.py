"""The ordered steps of a Clerk -> Better Auth migration, restricted to what this codebase needs.

Every finding gets exactly one *primary* step, which carries its hours; some steps also list the
findings of their concern as *related* locations (the organization step lists every
organization finding, cleanup every Clerk import), so a location may appear in several steps
but is only counted once. A step is included when it has primary findings or a fixed task that
applies (docs/plan-model.md).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from ..concepts.catalog import webhook_hook
from ..findings import Finding
from .facts import (BILLING_CODES, CLERK_ID_COLUMN_CODES, DATA_CATEGORIES, HOSTED_UI_CODES, ID_CARRY_CATEGORY, ONE_TAP_CODES,
    SSO_CALLBACK_CODES, THIRD_PARTY_CODES, TOKEN_VERIFY_CODES, Facts, better_auth_plugins, loc)
from .model import ModelParams, finding_hours


@dataclass(frozen=True)
class StepDef:
    id: str
    title: str
    depends_on: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()      # fixed task names (model_defaults.toml [fixed.*])
    always: bool = False             # included even with no findings / fixed task
    related: str = ""                # concern whose findings are listed as related locations


STEP_DEFS: tuple[StepDef, ...] = (
    StepDef("setup", "Set up Better Auth, its database adapter and schema", (), ("setup",), always=True),
    # only with password evidence (fixed task `when`); otherwise an open question asks
    StepDef("password-hasher", "Verify imported Clerk password digests with bcrypt", ("setup",),
            ("password-hasher",), related="passwords"),
    StepDef("user-import", "Export users from Clerk and import users, accounts and metadata", ("password-hasher",),
            ("user-import",), always=True, related="clerk-ids"),
    StepDef("organizations", "Enable the organization plugin, map roles to access control, import organizations",
            ("user-import",), ("organizations",), related="organizations"),
    StepDef("server-auth", "Replace server-side auth helpers and Backend API calls", ("setup",)),
    StepDef("middleware", "Replace the Clerk middleware", ("server-auth",)),
    # Checks that gate a request on the session (auth.protect(), has() without a role, tRPC /
    # API context guards): authorization work, re-done on the Better Auth session.
    StepDef("authorization", "Re-implement authorization checks (route guards, API / tRPC / GraphQL context) on the "
            "Better Auth session", ("server-auth",), ("request-contexts",), related="authorization"),
    StepDef("client", "Replace the provider, client hooks and control components", ("setup",)),
    StepDef("ui", "Rebuild the prebuilt Clerk UI", ("client",)),
    # Hosted (Account Portal) or prebuilt sign-in: the app has no form of its own to keep.
    StepDef("sign-in-pages", "Build sign-in, sign-up and account pages on authClient", ("client",),
            ("sign-in-pages",), related="sign-in-pages"),
    # Custom sign-in / sign-up flows (CLK210-CLK213, CLK221, CLK222): each call is one step
    # of a Clerk state machine that Better Auth replaces with direct client calls.
    StepDef("custom-flows", "Rewrite the custom sign-in / sign-up flows against authClient", ("client",)),
    StepDef("tokens", "Replace session tokens, session claims and JWT templates", ("server-auth",), ("tokens",)),
    StepDef("webhooks", "Move Clerk webhook handlers into Better Auth hooks", ("setup",), ("webhooks",)),
    StepDef("billing", "Rebuild billing on @better-auth/stripe", ("server-auth", "ui"), ("billing",)),
    StepDef("social", "Re-register social providers with Better Auth callback URLs", ("setup",), ("social",),
            related="social"),
    StepDef("mfa", "Carry over TOTP secrets and plan MFA / passkey re-enrolment", ("user-import",), ("mfa",),
            related="mfa"),
    StepDef("session-cutover", "Cut over: every Clerk session ends, users sign in again",
            ("user-import", "organizations", "server-auth", "middleware", "authorization", "client", "ui",
             "sign-in-pages", "custom-flows", "tokens",
             "webhooks", "billing", "social", "mfa"), ("session-cutover",), always=True, related="sessions"),
    StepDef("cleanup", "Remove Clerk packages, imports and environment variables", ("session-cutover",),
            ("cleanup",), always=True),
    StepDef("qa", "QA: verify every flow against the migrated data", ("cleanup",), ("qa",), always=True),
)
STEP_BY_ID = {s.id: s for s in STEP_DEFS}
IMPORT_CATEGORIES = ("import", "type")
DEVOPS_CATEGORIES = ("env", "config", "manifest", "dependency")
QA_CATEGORIES = ("testing",)
UI_CATEGORIES = ("theming", "localization")
CLIENT_CATEGORIES = ("ui-component", "hook", "platform", "resource-method")
MANIFEST_CATEGORIES = ("dependency", "manifest")


def primary_step(f: Finding, params: ModelParams, middleware_files: set[str],
                 authz: frozenset[str] = frozenset({"authz-check"})) -> str:
    """The step whose work removes this finding (imports are decided per file afterwards)."""
    cat = f.category
    details = dict(f.details)
    # specific rules first
    if f.code in BILLING_CODES or cat == "billing" or ".billing." in f.symbol:
        return "billing"
    if f.code in ONE_TAP_CODES or f.code in SSO_CALLBACK_CODES:
        return "social"
    if f.code in THIRD_PARTY_CODES or f.code in TOKEN_VERIFY_CODES:
        return "tokens"
    if f.code in CLERK_ID_COLUMN_CODES or cat in DATA_CATEGORIES or cat == ID_CARRY_CATEGORY:
        return "user-import"
    # then categories
    if cat == "webhook":
        return "webhooks"
    if cat in ("jwt-template", "session-token"):
        return "tokens"
    if cat == "metadata":
        return "user-import"
    if cat in DEVOPS_CATEGORIES:
        return "cleanup"
    if cat in QA_CATEGORIES:
        return "qa"
    if cat in UI_CATEGORIES:
        return "ui"
    if cat == "middleware" or (f.location.path in middleware_files and (cat in authz or cat == "server-helper")):
        return "middleware"
    if f.code in ("CLK109", "CLK507") or (cat in authz and ("role" in details or "permission" in details)):
        return "organizations"
    if cat == "session-copy":  # a copy of a Clerk value: request-scoped ones feed the guards that read them
        if "key" in details:
            return "authorization"
        return "client" if params.role_for(f) == "frontend" else "server-auth"
    if cat in authz:
        return "authorization"
    if f.code in HOSTED_UI_CODES:
        return "ui"
    if cat == "custom-flow":
        return "custom-flows"
    if cat in CLIENT_CATEGORIES:
        return "client"
    if cat in ("server-helper", "backend-api"):
        return "server-auth"
    return "client" if params.role_for(f) == "frontend" else "server-auth"


@dataclass
class StepLocation:
    location: str
    code: str
    symbol: str
    change: str
    primary: bool

    def to_dict(self) -> dict:
        return {"location": self.location, "code": self.code, "symbol": self.symbol, "change": self.change,
                "primary": self.primary}


@dataclass
class Step:
    id: str
    title: str
    order: int = 0
    hours: float = 0.0                  # unrounded
    fixed_hours: dict[str, float] = field(default_factory=dict)
    role_hours: dict[str, float] = field(default_factory=dict)
    category_hours: dict[str, float] = field(default_factory=dict)
    depends_on: list[int] = field(default_factory=list)
    locations: list[StepLocation] = field(default_factory=list)
    details: str = ""

    @property
    def files(self) -> list[str]:
        """The files this step names (its locations), in order."""
        return list(dict.fromkeys(l.location.rsplit(":", 1)[0] for l in self.locations))

    def to_dict(self, params: ModelParams) -> dict:
        return {"order": self.order, "id": self.id, "title": self.title, "hours": params.round(self.hours),
                "depends_on": list(self.depends_on), "locations": [l.to_dict() for l in self.locations],
                "files": self.files, "details": self.details}


def _fixed_count(task_per: str, facts: Facts) -> int:
    if task_per == "providers":
        return max(1, len(facts.providers) + len(facts.generic_providers))
    if task_per == "templates":
        return max(1, len(facts.jwt_templates))
    if task_per == "contexts":  # one per wired context, one per file storing Clerk values on the request
        return max(1, len({(f.location.path, f.location.line if f.code == "CLK514" else 0)
                           for f in facts.evidence("request-contexts")}))
    return 1


def _add_role(target: dict[str, float], role: str, hours: float) -> None:
    target[role] = target.get(role, 0.0) + hours


def build_steps(facts: Facts, params: ModelParams) -> list[Step]:
    findings = facts.findings
    hours = finding_hours(findings, params)
    middleware_files = {f.location.path for f in findings if f.category == "middleware"}
    flow_hooks = _flow_hooks(findings)
    primary: dict[int, str] = {}
    for i, f in enumerate(findings):
        if f.category not in IMPORT_CATEGORIES:
            primary[i] = primary_step(f, params, middleware_files, facts.authz)
            if primary[i] == "client" and (f.location.path, f.symbol) in flow_hooks:
                primary[i] = "custom-flows"  # the hook that hands out the flow is rewritten with it
    # An import is rewritten together with the code that uses it: the step that owns most of the
    # file's other findings (earliest step on a tie); a file of imports only goes to cleanup.
    order_index = {s.id: n for n, s in enumerate(STEP_DEFS)}
    per_file: dict[str, Counter] = {}
    for i, step_id in primary.items():
        per_file.setdefault(findings[i].location.path, Counter())[step_id] += 1
    for i, f in enumerate(findings):
        if i in primary:
            continue
        counts = per_file.get(f.location.path)
        if counts:
            primary[i] = min(counts, key=lambda s: (-counts[s], order_index[s]))
        else:
            primary[i] = "cleanup"

    steps: dict[str, Step] = {d.id: Step(d.id, d.title) for d in STEP_DEFS}
    for i, f in enumerate(findings):
        step = steps[primary[i]]
        step.hours += hours[i]
        _add_role(step.role_hours, params.role_for(f), hours[i])
        step.category_hours[f.category] = step.category_hours.get(f.category, 0.0) + hours[i]
        step.locations.append(StepLocation(loc(f), f.code, f.symbol, f.message, True))

    included: list[StepDef] = []
    for d in STEP_DEFS:
        step = steps[d.id]
        related = facts.evidence(d.related) if d.related else []
        if d.id == "cleanup":
            related = [f for f in findings if f.category in IMPORT_CATEGORIES + DEVOPS_CATEGORIES]
        elif d.id == "setup":
            # the Clerk packages are what the Better Auth instance replaces
            related = [f for f in findings if f.category in MANIFEST_CATEGORIES]
        if not related and not step.locations:
            related = _fallback_evidence(facts)
        seen = {(l.location, l.code, l.symbol) for l in step.locations}
        for f in related:
            key = (loc(f), f.code, f.symbol)
            if key not in seen:
                seen.add(key)
                step.locations.append(StepLocation(loc(f), f.code, f.symbol, f.message, False))
        step.locations.sort(key=lambda l: (l.location.rsplit(":", 1)[0], int(l.location.rsplit(":", 1)[1]),
                                           l.code, not l.primary))
        applicable_fixed = [name for name in d.fixed if name in params.fixed and
                            (not params.fixed[name].when or facts.has(params.fixed[name].when))]
        if not (d.always or applicable_fixed or any(l.primary for l in step.locations)):
            continue
        if d.id == "qa":
            continue  # priced below from the others
        for name in applicable_fixed:
            task = params.fixed[name]
            h = task.hours * _fixed_count(task.per, facts)
            step.fixed_hours[name] = h
            step.hours += h
            for role, share in task.roles.items():
                _add_role(step.role_hours, role, h * share)
        included.append(d)

    qa_def = STEP_BY_ID["qa"]
    qa = steps["qa"]
    others = sum(steps[d.id].hours for d in included)
    if "qa" in params.fixed:
        task = params.fixed["qa"]
        qa.fixed_hours["qa"] = task.hours
        qa.hours += task.hours
        for role, share in task.roles.items():
            _add_role(qa.role_hours, role, task.hours * share)
    qa.fixed_hours[QA_SHARE] = params.qa_share * others
    qa.hours += params.qa_share * others
    _add_role(qa.role_hours, "qa", params.qa_share * others)
    seen = {(l.location, l.code, l.symbol) for l in qa.locations}
    for f in findings:
        if f.difficulty in ("hard", "blocker") and (loc(f), f.code, f.symbol) not in seen:
            qa.locations.append(StepLocation(loc(f), f.code, f.symbol, "test this flow end to end after the change",
                                             False))
    if not qa.locations:
        qa.locations = [StepLocation(loc(f), f.code, f.symbol, "test this flow end to end after the change", False)
                        for f in _fallback_evidence(facts)]
    included.append(qa_def)

    ids = [d.id for d in included]
    order = {step_id: n + 1 for n, step_id in enumerate(ids)}
    result = []
    for d in included:
        step = steps[d.id]
        step.order = order[d.id]
        step.depends_on = sorted({order[x] for x in _resolve_deps(d.id, set(ids))})
        step.details = _details(d.id, step, facts)
        result.append(step)
    return result


QA_SHARE = "qa-share"  # the fixed-hours key of QA's share of the other steps


def _flow_hooks(findings: list[Finding]) -> set[tuple[str, str]]:
    """(file, hook) pairs whose returned value a custom flow in that file drives: the `type` of a
    custom-flow call names it (UseSignInReturn -> useSignIn, useSSO() -> useSSO)."""
    out: set[tuple[str, str]] = set()
    for f in findings:
        if f.category != "custom-flow":
            continue
        t = dict(f.details).get("type", "")
        if t.startswith("Use") and t.endswith("Return"):
            out.add((f.location.path, "use" + t[3:-len("Return")]))
        elif t.startswith("use") and t.endswith("()"):
            out.add((f.location.path, t[:-2]))
    return out


def _fallback_evidence(facts: Facts) -> list[Finding]:
    """What a step that every migration has cites when its own concern has no finding: where the
    app reads the Clerk session or user, else every finding."""
    return facts.evidence("sessions") or facts.findings


def _resolve_deps(step_id: str, present: set[str]) -> set[str]:
    """Dependencies among the included steps; an absent dependency is replaced by its own."""
    out: set[str] = set()
    stack = list(STEP_BY_ID[step_id].depends_on)
    seen: set[str] = set()
    while stack:
        dep = stack.pop()
        if dep in seen:
            continue
        seen.add(dep)
        if dep in present:
            out.add(dep)
        else:
            stack.extend(STEP_BY_ID[dep].depends_on)
    return out


# -- what each step means for this codebase --------------------------------------------------

def _details(step_id: str, step: Step, facts: Facts) -> str:
    plugins = better_auth_plugins(facts)
    builders: dict[str, Callable[[], str]] = {
        "setup": lambda: (
            "Install better-auth 1.7.x, create the betterAuth() instance with the app's database adapter and "
            "BETTER_AUTH_SECRET / BETTER_AUTH_URL, mount the handler under /api/auth, and create the tables with "
            "`npx auth generate` (Prisma/Drizzle) or `npx auth migrate` (built-in Kysely). "
            + (f"Plugins the findings need: {', '.join(plugins)}. " if plugins else "No plugins needed beyond the core. ")
            + "`clerk-lint draft` writes a starting auth.ts, auth-client.ts and handler."),
        "password-hasher": lambda: (
            "Clerk stores bcrypt digests ($2a$/$2b$). Set emailAndPassword.password.verify to check bcrypt for "
            "those digests (and Better Auth's scrypt verifyPassword otherwise) so migrated users keep their "
            "passwords; users whose password_hasher is not bcrypt need a reset."),
        "user-import": lambda: (
            "Export the Dashboard CSV (password digests, TOTP secrets) and join it with the Backend API user list "
            "(metadata, external accounts, images, bans) on the user id. Insert users keeping Clerk ids "
            "(forceAllowId), "
            + ("a 'credential' account per password digest, " if facts.has("passwords") else
               "a 'credential' account per password digest if users have passwords (an open question), ")
            + "and one account per external account. "
            "Dry-run on staging, then re-run at cutover for users created since."
            + (f" Metadata read in code: {', '.join(sorted(facts.metadata))} -> user.additionalFields."
               if facts.metadata else "")
            + _id_columns(facts)),
        "organizations": lambda: _org_details(facts),
        "server-auth": lambda: ("Replace auth()/currentUser()/getAuth() with auth.api.getSession({ headers }) and "
                                "clerkClient calls with auth.api endpoints (admin / organization plugins); each "
                                "location below names the replacement."),
        "authorization": lambda: _authz_details(facts),
        "middleware": lambda: ("Replace the Clerk middleware with an optimistic getSessionCookie() check "
                               "(better-auth/cookies) and keep real checks (auth.api.getSession) in pages and "
                               "route handlers; public/protected route lists become your own matcher."),
        "client": lambda: ("Remove ClerkProvider (no provider needed), create one authClient with "
                           "createAuthClient and replace hooks and control components with authClient.useSession() "
                           "and the plugin hooks."),
        "ui": lambda: ("Build pages/components for each prebuilt Clerk component below on authClient, or mount "
                       "the @daveyplate/better-auth-ui equivalents."),
        "sign-in-pages": lambda: ("Sign-in ran on Clerk's hosted pages or prebuilt components: build sign-in and "
                                  "sign-up pages (and an account page where <UserProfile/> was used) on authClient "
                                  "for each method users have: " + _methods(facts) + ". `clerk-lint draft` writes "
                                  "minimal working pages to start from."),
        "custom-flows": lambda: _custom_flow_details(facts),
        "tokens": lambda: _token_details(facts),
        "webhooks": lambda: ("Move each handled event into an in-process hook, then delete the webhook route: "
                             + "; ".join(f"{e} -> {webhook_hook(e)}" for e in sorted(facts.webhook_events))
                             + "." if facts.webhook_events else
                             "Move the handler bodies into databaseHooks / organizationHooks and delete the route."),
        "billing": lambda: ("Add stripe() + stripeClient({ subscription: true }), define plans "
                            + (f"({', '.join(sorted(facts.plans))}) " if facts.plans else "")
                            + "with Stripe price ids and limits"
                            + (f" (features {', '.join(sorted(facts.features))} -> plan limits)" if facts.features else "")
                            + ", replace has({ plan }) with subscription checks and the pricing UI with your own."),
        "social": lambda: ("Create an OAuth app per provider and register <baseURL>/api/auth/callback/<provider>; "
                           "configure socialProviders. "
                           + (f"Providers seen in code: {', '.join(sorted(facts.providers) + sorted(facts.generic_providers))}."
                              if facts.providers or facts.generic_providers else
                              "No provider is named in code: take the list from the Clerk dashboard.")),
        "mfa": lambda: ("Enable twoFactor(); import totp_secret from the Dashboard CSV as the encryption of "
                        "'base32:<secret>' and set user.twoFactorEnabled. Backup codes and passkeys cannot be "
                        "exported: tell affected users to generate new backup codes and re-register passkeys."),
        "session-cutover": lambda: ("Freeze Clerk sign-ups, run the final import, deploy, and announce that everyone "
                                    "signs in again (or dual-run Clerk for existing sessions until they expire)."),
        "cleanup": lambda: ("Remove every Clerk import listed below, then the @clerk/* "
                            + ("(and svix) " if "svix" in facts.packages else "")
                            + "packages and the CLERK_* / NEXT_PUBLIC_CLERK_* environment variables"
                            + (", and the Clerk webhook endpoint in the dashboard." if facts.has("webhooks") else ".")),
        "qa": lambda: _qa_details(facts),
    }
    return builders[step_id]()


def _methods(facts: Facts) -> str:
    methods = []
    if facts.has("passwords"):
        methods.append("email + password")
    for strategy, label in (("email-otp", "email code"), ("magic-link", "email link"), ("passkey", "passkey")):
        if strategy in facts.strategies:
            methods.append(label)
    providers = sorted(facts.providers) + sorted(facts.generic_providers)
    if providers:
        methods.append("OAuth (" + ", ".join(providers) + ")")
    return ", ".join(methods) if methods else "none is named in code (see the open question on sign-in methods)"


# What QA tests, each only when its concern has evidence (sign-in and sessions always).
_QA_CHECKS = (
    ("passwords", "the password of a migrated user"), ("social", "social sign-in"),
    ("mfa", "MFA of a migrated user"), ("organizations", "organization roles and permissions"),
    ("authorization", "every authorization check, allowed and denied"), ("billing", "subscriptions and plan checks"),
    ("webhooks", "what the old webhook handlers did, now from hooks"),
    ("token-verification", "services that receive tokens"),
)


def _qa_details(facts: Facts) -> str:
    checks = ["sign-up", "sign-in with every enabled method"]
    checks += [text for concern, text in _QA_CHECKS if facts.has(concern)]
    checks += ["session expiry and sign-out"]
    hard = any(f.difficulty in ("hard", "blocker") for f in facts.findings)
    return "Test " + ", ".join(checks) + ("; the hard changes below first." if hard else "; at the places below.")


def _custom_flow_details(facts: Facts) -> str:
    calls = Counter(f"{dict(f.details).get('type', f.package)}.{f.symbol}" for f in facts.findings
                    if f.category == "custom-flow")
    listed = ", ".join(f"{name} x{n}" if n > 1 else name for name, n in sorted(calls.items()))
    return ("Clerk's custom flows drive one SignIn / SignUp resource through create, prepare and attempt steps, "
            "then setActive; Better Auth has one client call per step (signIn.email, emailOtp, signIn.social, "
            "twoFactor) and activates the session itself, so each flow is rewritten as a whole."
            + (f" Calls: {listed}." if listed else ""))


def _id_columns(facts: Facts) -> str:
    names = list(facts.clerk_id_column_names)
    return (f" Columns holding Clerk ids keep their values (ids kept as primary keys): {', '.join(names)}."
            if names else "")


def _authz_details(facts: Facts) -> str:
    checks = Counter(f.symbol for f in facts.evidence("authorization") if f.category in facts.authz)
    listed = ", ".join(f"{name} x{n}" if n > 1 else name for name, n in sorted(checks.items()))
    return ("Each check below gates a request on the Clerk session; re-implement it on "
            "auth.api.getSession({ headers }) (in a tRPC / API context: put the session on the context and keep "
            "the guard in the procedure or middleware that read it), returning the same 401/403 or redirect."
            + (f" Checks: {listed}." if listed else ""))


def _org_details(facts: Facts) -> str:
    roles = facts.role_names
    perms = facts.custom_permissions
    text = ("Add organization({ ac, roles }) and organizationClient({ ac, roles }); copy organizations, "
            "memberships (role strings renamed) and pending invitations from the Backend API.")
    if roles:
        text += " Roles: " + ", ".join(f"{k} -> {v}" for k, v in roles.items()) + "."
    if perms:
        text += " createAccessControl statements: " + "; ".join(f"{k}: [{', '.join(v)}]" for k, v in perms.items()) + "."
    return text


def _token_details(facts: Facts) -> str:
    parts = []
    if facts.jwt_templates:
        names = ", ".join(t or "(no name)" for t in sorted(facts.jwt_templates))
        parts.append(f"JWT templates {names}: add jwt({{ jwt: {{ definePayload }} }}) with the claims each consumer "
                     "expects and point consumers at <baseURL>/api/auth/jwks.")
    if facts.has("token-verification"):
        parts.append("Session tokens sent as bearer tokens: same-origin calls drop getToken() (cookie); other "
                     "services verify jwt-plugin tokens or use the bearer plugin.")
    if facts.has("supabase"):
        parts.append("Supabase policies that read Clerk claims: rewrite them for the new token source (or call "
                     "Supabase from the server after auth.api.getSession).")
    if facts.has("session-claims"):
        parts.append("Session claims: customSession() (and customSessionClient) returns the extra fields.")
    return " ".join(parts) or "Replace Clerk token calls as listed below."
