"""Migration risks, each backed by the findings (or file problems) that show it.

A risk is listed only when it has evidence (file:line of findings, or the path of a file that
could not be read); what no scan can see (dashboard-only settings) is an open question instead. Severity: `blocker` = must be solved before cutover and has no
ready-made Better Auth equivalent; `warning` = known work with a documented path; `unknown` =
something the scan could not see.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Union

from ..findings import Finding
from .facts import DEFAULT_ORG_ROLES, Facts, locations

SEVERITIES = ("blocker", "warning", "unknown")
HARD = ("hard", "blocker")


@dataclass
class Risk:
    key: str
    severity: str
    title: str
    detail: str
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"key": self.key, "severity": self.severity, "title": self.title, "detail": self.detail,
                "evidence": list(self.evidence)}


def _names(findings: list[Finding]) -> str:
    seen: dict[str, None] = {}
    for f in findings:
        seen.setdefault(f.symbol.split("(")[0] if f.category == "ui-component" else f.symbol, None)
    return ", ".join(seen)


def _hosted_ui_severity(ev: list[Finding]) -> str:
    return "blocker" if any(f.difficulty in HARD for f in ev) else "warning"


def _hosted_ui(facts: Facts, ev: list[Finding]) -> str:
    hard = [f for f in ev if f.difficulty in HARD]
    components = _names(ev)
    detail = (f"Clerk renders {components} for you; Better Auth ships no UI. Each needs a page or component "
              "built on authClient (sign-in per enabled strategy, profile, security, organization screens), or the "
              "community kit @daveyplate/better-auth-ui, which has counterparts for most of them.")
    if hard:
        detail += f" Hardest: {_names(hard)} (many screens each, or no counterpart at all)."
    return detail


def _mfa(facts: Facts, ev: list[Finding]) -> str:
    passkeys = facts.evidence("passkeys")
    detail = ("Users may have enrolled a second factor through Clerk here. TOTP secrets can move, but only "
              "through the Dashboard CSV export (column totp_secret), stored as the encryption of "
              "'base32:<secret>' with the auth secret. Backup codes cannot be exported: migrated users get new "
              "ones or none. Passkeys cannot be exported (and their relying-party id changes to your domain): "
              "users re-enrol.")
    if passkeys:
        detail += f" Passkey flows are used in code ({_names(passkeys)})."
    return detail


_JWT_CONSUMERS = {
    "supabase": ("blocker", "Supabase's third-party auth supports Clerk but not Better Auth: RLS policies that read "
                 "Clerk claims need a redesign (server-side Supabase calls with your own row filtering, "
                 "self-minted Supabase JWTs, or Better Auth on the Supabase Postgres)."),
    "convex": ("warning", "Convex has a Better Auth component (@convex-dev/better-auth); users must be imported there."),
    "hasura": ("warning", "Emit the https://hasura.io/jwt/claims object from the jwt plugin's definePayload and point "
               "Hasura at <baseURL>/api/auth/jwks."),
}


def _jwt_templates(facts: Facts) -> list[Risk]:
    risks = []
    # Third parties set up to trust Clerk's own session tokens (Supabase third-party auth, Convex's
    # Clerk issuer): merged into the risk of a JWT template of the same name, else a risk of their own.
    for consumer in ("supabase", "convex"):
        ev = facts.evidence(consumer)
        if ev and not any(consumer in t.lower() for t in facts.jwt_templates):
            severity, how = _JWT_CONSUMERS[consumer]
            risks.append(Risk(consumer, severity, f"{consumer.capitalize()} trusts Clerk-issued tokens",
                              f"{consumer.capitalize()} is configured to accept Clerk's tokens. {how}", locations(ev)))
    for template, ev in sorted(facts.jwt_templates.items()):
        for consumer in ("supabase", "convex"):
            if consumer in template.lower():
                ev = ev + [f for f in facts.evidence(consumer) if f not in ev]
        name = template or "(no name)"
        consumer = next((k for k in _JWT_CONSUMERS if k in template.lower()), None)
        if consumer:
            severity, how = _JWT_CONSUMERS[consumer]
        else:
            severity, how = "warning", ("Whoever verifies these tokens must trust the new issuer and JWKS "
                                        "(<baseURL>/api/auth/jwks); the claims configured for the template in the "
                                        "Clerk dashboard must be rebuilt in jwt({ jwt: { definePayload } }).")
        risks.append(Risk(f"jwt-template:{name}", severity,
                          f"JWT template '{name}' is consumed outside this app",
                          f"getToken({{ template: '{name}' }}) mints a Clerk-signed JWT for a third party. {how} "
                          "Better Auth's jwt plugin has one payload per instance: several templates merge into one "
                          "payload or use auth.api.signJWT per audience.", locations(ev)))
    return risks


_NO_COUNTERPART_EVENTS = ("waitlistEntry.", "email.", "sms.")


def _webhooks(facts: Facts, ev: list[Finding]) -> str:
    events = sorted(facts.webhook_events)
    detail = ("The Clerk webhook endpoint (Svix-signed) goes away: its handlers move into Better Auth's "
              "databaseHooks and organizationHooks, which run in-process. Systems outside this codebase that "
              "subscribed to Clerk webhooks must be fed from those hooks.")
    if events:
        detail += f" Events handled: {', '.join(events)}."
    odd = [e for e in events if e.startswith(_NO_COUNTERPART_EVENTS)]
    if odd:
        detail += f" No hook counterpart (your code sends these now / no feature): {', '.join(odd)}."
    return detail


def _organizations(facts: Facts, ev: list[Finding]) -> str:
    roles = facts.role_names
    custom_roles = sorted({v for v in roles.values() if v not in DEFAULT_ORG_ROLES})
    perms = facts.custom_permissions
    detail = ("Organizations, memberships and invitations must be copied from the Backend API (the official guide "
              "does not cover them) and roles/permissions move from the Clerk dashboard into "
              "createAccessControl code passed to organization() and organizationClient(). Better Auth makes an "
              "organization's creator 'owner' (Clerk: org:admin).")
    if roles:
        detail += " Roles seen: " + ", ".join(f"{k} -> {v}" for k, v in roles.items()) + "."
    if custom_roles:
        detail += f" Custom roles need ac.newRole definitions: {', '.join(custom_roles)}."
    if perms:
        detail += " Permissions seen: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in perms.items()) + "."
    return detail


def _billing(facts: Facts, ev: list[Finding]) -> str:
    plans, feats = sorted(facts.plans), sorted(facts.features)
    detail = ("Clerk Billing (PricingTable, has({ plan }) / has({ feature }), billing hooks) has no Better Auth "
              "counterpart; @better-auth/stripe supplies subscriptions in your own Stripe account, and the pricing "
              "UI, plan-to-feature mapping and entitlement checks are yours. Existing subscriptions must be "
              "re-created or linked in Stripe.")
    if plans:
        detail += f" Plans checked: {', '.join(plans)}."
    if feats:
        detail += f" Features checked: {', '.join(feats)}."
    return detail


def _social(facts: Facts, ev: list[Finding]) -> str:
    names = sorted(facts.providers) + sorted(f"{g} (genericOAuth)" for g in facts.generic_providers)
    detail = ("Each OAuth provider needs your own OAuth app (Clerk development instances use shared credentials) "
              "with the redirect URI <baseURL>/api/auth/callback/<provider>; linked accounts are imported as "
              "account rows, but provider tokens are not exported, so scoped API access needs re-consent.")
    if names:
        detail += f" Providers seen in code: {', '.join(names)}."
    return detail


def _metadata(facts: Facts, ev: list[Finding]) -> str:
    kinds = ", ".join(sorted(facts.metadata))
    return (f"Code reads {kinds}. The CSV (passwords, TOTP) has no metadata; only the Backend API or the Clerk "
            "CLI export carries it, so the import must join both on the user id. Each key becomes a "
            "user.additionalFields column (input: false for public, returned: false for private).")


def _indirect(facts: Facts, ev: list[Finding]) -> str:
    chains = sorted({" -> ".join(f.via) for f in ev})
    return (f"These call sites use Clerk through wrappers ({'; '.join(chains[:6])}); the wrapper changes once, "
            "but its callers may depend on Clerk-shaped return values.")


def _context_authz(facts: Facts, ev: list[Finding]) -> str:
    wired = [f for f in ev if f.code == "CLK514"]
    checks = [f for f in ev if f.code != "CLK514"]
    files = sorted({f.location.path for f in checks})
    chains = sorted({f.via[0] for f in checks if f.via})
    contexts = sorted({f"{f.symbol} ({f.location.path}:{f.location.line})" for f in wired})
    lead = (f"Request contexts built from Clerk auth: {', '.join(contexts[:4])}. " if contexts else "")
    return (f"{lead}{len(checks)} authorization check(s) in {len(files)} file(s) read Clerk's auth object through "
            f"the app's own request context or wrappers ({', '.join(chains[:4])}): tRPC procedures and middlewares "
            "reading ctx.auth.userId / orgId / has(), GraphQL resolvers reading context.auth, handlers reading "
            "values a middleware stored (c.get(...), res.locals). Load the Better Auth session once in the context "
            "(auth.api.getSession({ headers })) and rewrite each check against it (session.user.id, "
            "session.session.activeOrganizationId, auth.api.hasPermission); a null session is the signed-out case.")


def _stored_values(facts: Facts, ev: list[Finding]) -> str:
    places = sorted({f.symbol for f in ev if f.code == "CLK512"})
    reads = sum(1 for f in ev if f.code == "CLK513")
    request = sorted({f.symbol for f in ev if f.code == "CLK512" and dict(f.details).get("key")})
    text = (f"{len(places)} place(s) keep a copy of a Clerk value ({', '.join(places[:5])})"
            + (f", {len(request)} of them request-scoped and read back by other handlers" if request else "")
            + (f"; {reads} read(s) of Clerk's own auth object from the request" if reads else "") + ". ")
    return text + ("Fill each copy from the Better Auth session in the same shape (session.user.id for userId, "
                   "session.session.activeOrganizationId for orgId) or drop it and read the session where it is "
                   "needed (useSession() is reactive); a stored Clerk id no longer matches once users are imported "
                   "under new ids unless the import keeps them.")


def _problems(facts: Facts) -> list[Risk]:
    if not facts.problems:
        return []
    partial = [p for p in facts.problems if p.partial]
    skipped = [p for p in facts.problems if not p.partial]
    parts = []
    if partial:
        parts.append(f"{len(partial)} file(s) parsed only partly")
    if skipped:
        parts.append(f"{len(skipped)} file(s) skipped")
    reasons = "; ".join(f"{p.path}: {p.reason}" for p in facts.problems[:5])
    return [Risk("unscanned-code", "unknown", "Code the scanner could not read fully",
                 f"{' and '.join(parts)}: Clerk usage there is not in this plan. Review by hand. {reasons}",
                 [p.path for p in facts.problems])]


def _clerk_ids(facts: Facts, ev: list[Finding]) -> str:
    named = facts.clerk_id_column_names
    detail = ("userId / orgId from Clerk (user_..., org_...) key the app's own rows, webhook mirrors and "
              "Backend API calls. Keep them as Better Auth primary keys (adapter.create with forceAllowId, as "
              "the import script does) so existing foreign keys stay valid, or map old ids to new ones in every "
              "table and external system.")
    if named:
        detail += " Columns holding Clerk ids: " + ", ".join(f"{n} ({', '.join(l)})" for n, l in named.items()) + "."
    else:
        detail += (" Which columns store them? No schema column holding a Clerk id was found in the scanned files "
                   "(the evidence is where the app reads or passes the ids).")
    return detail


def _authorization(facts: Facts, ev: list[Finding]) -> str:
    checks: dict[str, None] = {}
    for f in ev:
        checks.setdefault(f.symbol, None)
    return ("These checks decide who may do what from the Clerk session (route guards, API / tRPC / GraphQL context, "
            "has() / protect()); each must be re-implemented on the Better Auth session with the same outcome "
            "(401/403, redirect), and tested per role: a check that silently passes is an authorization hole. "
            f"Checks: {', '.join(checks)}.")


@dataclass(frozen=True)
class _Row:
    """A risk listed when `concern` has evidence; severity and detail are text, or functions of
    the evidence (and facts) for the parts that depend on what the scan saw."""
    key: str
    concern: str
    severity: Union[str, Callable[[list[Finding]], str]]
    title: str
    detail: Union[str, Callable[[Facts, list[Finding]], str]]
    lead: Optional[Callable[[Facts], list[Finding]]] = None  # evidence listed first (e.g. the id columns)

    def __call__(self, facts: Facts) -> list[Risk]:
        ev = facts.evidence(self.concern)
        if not ev:
            return []
        if self.lead:
            first = self.lead(facts)
            ev = first + [f for f in ev if f not in set(first)]
        severity = self.severity if isinstance(self.severity, str) else self.severity(ev)
        detail = self.detail if isinstance(self.detail, str) else self.detail(facts, ev)
        return [Risk(self.key, severity, self.title, detail, locations(ev))]


# In listing order within a severity: rows, and functions for the risks that are not one per concern.
_BUILDERS: tuple[Callable[[Facts], list[Risk]], ...] = (
    _Row("hosted-ui", "hosted-ui", _hosted_ui_severity, "Prebuilt Clerk UI has no drop-in replacement", _hosted_ui),
    _Row("billing", "billing", "blocker", "Clerk Billing must be rebuilt on Stripe", _billing),
    _jwt_templates,
    _Row("sessions", "sessions", "warning", "Active Clerk sessions cannot carry over",
         "Clerk session tokens and cookies are not exportable, so every signed-in user is signed out at "
         "cutover. Either announce a forced re-authentication, or dual-run (Clerk keeps serving existing "
         "sessions while new sign-ins go to Better Auth) until Clerk sessions expire. Code that reads or "
         "revokes sessions must be switched in the same release."),
    _Row("mfa", "mfa", "warning", "MFA and passkeys: only TOTP secrets move", _mfa),
    _Row("clerk-ids", "clerk-ids", "warning", "Clerk user and organization ids are stored in the app's data",
         _clerk_ids, lead=lambda facts: facts.clerk_id_columns),
    _Row("authorization", "authorization", "warning", "Authorization checks read the Clerk session",
         _authorization),
    _Row("organizations", "organizations", "warning", "Organization roles and permissions move into code",
         _organizations),
    _Row("webhooks", "webhooks", "warning", "Webhook consumers must become Better Auth hooks", _webhooks),
    _Row("social", "social", "warning", "Social providers must be re-registered with new callback URLs", _social),
    _Row("metadata", "metadata", "warning", "User metadata is not in the Dashboard CSV export", _metadata),
    _Row("token-verification", "token-verification", "warning",
         "Clerk session tokens are sent to or verified by other code",
         "Bearer tokens from getToken() and verifyToken()/authenticateRequest() verification depend on "
         "Clerk's keys. Same-origin calls can rely on the session cookie; other services need the bearer "
         "plugin or jwt plugin tokens verified against <baseURL>/api/auth/jwks."),
    _Row("invitations", "invitations", "warning", "Pending Clerk invitations and allow/block lists do not move",
         "Application invitations, allowlists and blocklists live in Clerk; rebuild them with "
         "databaseHooks.user.create.before (or disableSignUp + admin-created users) and re-send pending "
         "invitations after cutover."),
    _Row("context-authz", "context-authz", "warning", "Authorization checks read Clerk auth through the app's context",
         _context_authz),
    _Row("stored-values", "stored-values", "warning",
         "Clerk values are copied into app state, stores and request context", _stored_values),
    _problems,
    _Row("wrappers", "indirect", "unknown", "Clerk APIs reached through the app's own wrappers", _indirect),
)


def build_risks(facts: Facts) -> list[Risk]:
    risks: list[Risk] = []
    for builder in _BUILDERS:
        risks.extend(builder(facts))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(risks, key=lambda r: order[r.severity])  # stable: builder order within a severity
