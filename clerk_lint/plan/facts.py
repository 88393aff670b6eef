"""What the findings say about the app, in the terms the plan and the draft reason with.

Everything here is derived from `Finding` fields (code, category, symbol, package, details,
location, via) and never from source text: the roles and permissions a `has()` call names, the
JWT templates `getToken({ template })` asks for, the webhook events a handler compares against,
the OAuth providers a strategy string names, and which migration concerns have evidence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Optional

from ..findings import FileProblem, Finding, ScanResult

if TYPE_CHECKING:
    from ..concepts.catalog import Catalog

# Rule codes grouped by the migration concern they are evidence for. Codes are stable (never
# reused), so a concern keeps its meaning when rules are added; new rules are picked up through
# their category where a concern is defined by category.
HOSTED_UI_CODES = frozenset({"CLK102", "CLK104", "CLK105", "CLK106", "CLK107", "CLK112", "CLK114", "CLK115", "CLK119",
                             "CLK927", "CLK928", "CLK935"})
ORG_CODES = frozenset({"CLK106", "CLK107", "CLK109", "CLK206", "CLK403", "CLK507"})
BILLING_CODES = frozenset({"CLK114", "CLK208", "CLK502"})
SESSION_CODES = frozenset({"CLK101", "CLK204", "CLK303", "CLK307", "CLK309", "CLK404"})
MFA_CODES = frozenset({"CLK207", "CLK922"})  # where users pass or manage a second factor in code
# <UserProfile/> (MFA enrolment lives there when enabled), useSignIn() (a custom flow handles a second
# factor only if its code says so: the words below)
PROFILE_UI_CODES = frozenset({"CLK105", "CLK205"})
SIGN_IN_UI_SYMBOLS = frozenset({"SignIn", "AuthView"})
SIGN_IN_UI_CODES = frozenset({"CLK102", "CLK103"})    # <SignIn/> / <SignUp/>, sign-in buttons
HOSTED_UI_SIGN_IN_CODES = frozenset({"CLK111"})       # redirect callbacks of hosted sign-in
# The app signs in on Clerk's pages or components: <SignIn/> / <SignUp/>, sign-in buttons and
# redirects to the Account Portal, <UserProfile/>, SSO callbacks, a sign-in URL setting.
SIGN_IN_PAGE_CODES = frozenset({"CLK102", "CLK103", "CLK105", "CLK111", "CLK308"})
_SIGN_IN_URL = re.compile(r"SIGN_(?:IN|UP)_URL", re.I)
SERVER_IDENTITY_CODES = frozenset({"CLK301", "CLK302", "CLK306"})  # hand out userId / orgId
BACKEND_API_CATEGORY = "backend-api"
TOKEN_VERIFY_CODES = frozenset({"CLK307", "CLK504", "CLK811", "CLK820", "CLK821"})
ADMIN_CODES = frozenset({"CLK402"})
WAITLIST_CODES = frozenset({"CLK112", "CLK931"})
INVITATION_CODES = frozenset({"CLK405"})
API_KEY_CODES = frozenset({"CLK115"})
ONE_TAP_CODES = frozenset({"CLK113"})
SSO_CALLBACK_CODES = frozenset({"CLK111", "CLK902"})  # OAuth redirect flows
METADATA_CATEGORY = "metadata"
AUTHZ_CATEGORY = "authz-check"  # auth reads, has(), role checks
STORED_VALUE_CODES = frozenset({"CLK512", "CLK513"})  # copies of Clerk values in state, stores, request context
CONTEXT_CODES = frozenset({"CLK514"})  # a tRPC / GraphQL request context built from Clerk
CLERK_ID_COLUMN_CODES = frozenset({"CLK720", "CLK722", "CLK724"})  # database columns holding Clerk ids
ID_CARRY_CATEGORY = "id-carry"  # code moving Clerk ids around (CLK726): touched only by a column rename
SUPABASE_RLS_CODES = frozenset({"CLK733"})         # Supabase policies reading Clerk token claims
# Third parties configured to trust Clerk-issued tokens (besides JWT templates).
THIRD_PARTY_CODES = {"CLK733": "supabase", "CLK731": "convex", "CLK936": "convex"}
MAGIC_LINK_CODES = frozenset({"CLK930"})
JWT_VERIFY_CODES = frozenset({"CLK307", "CLK811", "CLK820", "CLK821"})
DATA_CATEGORIES = ("schema", "database", "data")
# Authorization work: categories the catalog's authz family defines, minus the token / metadata /
# billing ones it also holds (those have steps of their own). Read from the catalog so new authz
# rules (tRPC / context checks) land here without a code list.
AUTHZ_FAMILY = "authz_tokens"
NOT_AUTHZ_CATEGORIES = frozenset({"jwt-template", "session-token", "metadata", "billing", "import", "type",
                                  "hook", "server-helper", "ui-component", "backend-api", "middleware",
                                  "session-copy"})
DEFAULT_AUTHZ_CATEGORIES = frozenset({"authz-check"})
SESSION_CLAIMS_CODES = frozenset({"CLK506"})

# Clerk's system roles and the Better Auth organization plugin's defaults.
SYSTEM_ROLES = {"org:admin": "admin", "org:member": "member"}
DEFAULT_ORG_ROLES = ("owner", "admin", "member")

# Clerk external-account provider -> Better Auth providerId (reference section 10).
OAUTH_PROVIDERS = {
    "google": "google", "github": "github", "microsoft": "microsoft", "apple": "apple",
    "facebook": "facebook", "discord": "discord", "linkedin_oidc": "linkedin", "linkedin": "linkedin",
    "x": "twitter", "twitter": "twitter", "gitlab": "gitlab", "twitch": "twitch", "tiktok": "tiktok",
    "slack": "slack", "notion": "notion", "linear": "linear", "spotify": "spotify", "dropbox": "dropbox",
    "atlassian": "atlassian", "huggingface": "huggingface", "line": "line",
}
_OAUTH = re.compile(r"\boauth_([a-z0-9_]+)\b")
_STRATEGY_WORDS = {
    "email_link": "magic-link", "email_code": "email-otp", "phone_code": "phone",
    "passkey": "passkey", "totp": "totp", "backup_code": "backup-code", "username": "username",
    "enterprise_sso": "sso", "saml": "sso", "web3": "web3",
}


def loc(finding: Finding) -> str:
    return f"{finding.location.path}:{finding.location.line}"


def locations(findings: Iterable[Finding]) -> list[str]:
    seen: dict[str, None] = {}
    for f in findings:
        seen.setdefault(loc(f), None)
    return list(seen)


def _texts(f: Finding) -> list[str]:
    return [f.symbol, *(k for k, _ in f.details), *(v for _, v in f.details if v)]


def _mentions(f: Finding, pattern: re.Pattern) -> bool:
    return any(pattern.search(t) for t in _texts(f))


_MFA_WORDS = re.compile(r"totp|two.?factor|backup.?code|mfa|second.?factor|passkey", re.I)
_PASSKEY = re.compile(r"passkey", re.I)
_SSO = re.compile(r"saml|enterprise.?(sso|connection)|samlConnections|enterpriseConnections", re.I)
_API_KEYS = re.compile(r"apiKeys|api_key|APIKeys", re.I)
_PHONE = re.compile(r"phone", re.I)
_BILLING = re.compile(r"\.billing\.|Billing")
_PASSWORD = re.compile(r"password", re.I)


def authz_categories(catalog: Optional["Catalog"]) -> frozenset[str]:
    """Finding categories that are authorization work, from the rule catalog's authz family."""
    if catalog is None:
        return DEFAULT_AUTHZ_CATEGORIES
    cats = {r.category for r in catalog.rules
            if r.source_file.rsplit("/", 1)[-1].split(".")[0] == AUTHZ_FAMILY or r.category.startswith("authz")}
    return frozenset(cats - NOT_AUTHZ_CATEGORIES) | DEFAULT_AUTHZ_CATEGORIES


def role_name(clerk_role: str) -> str:
    """Clerk role key -> Better Auth role name: org:admin -> admin, org:guide -> guide."""
    if clerk_role in SYSTEM_ROLES:
        return SYSTEM_ROLES[clerk_role]
    name = clerk_role.split(":", 1)[1] if clerk_role.startswith("org:") else clerk_role
    return re.sub(r"[^A-Za-z0-9_]", "_", name) or "role"


def permission_parts(permission: str) -> Optional[tuple[str, str]]:
    """org:<feature>:<action> -> (feature, action); system permissions (org:sys_*) -> None."""
    parts = permission.split(":")
    if len(parts) == 3 and parts[0] == "org":
        feature, action = parts[1], parts[2]
    elif len(parts) == 2:
        feature, action = parts
    else:
        return None
    if feature.startswith("sys_") or not feature or not action:
        return None
    return feature, action


@dataclass
class Facts:
    findings: list[Finding]
    problems: list[FileProblem]
    roles: dict[str, list[Finding]] = field(default_factory=dict)          # Clerk role key -> evidence
    permissions: dict[str, list[Finding]] = field(default_factory=dict)    # Clerk permission -> evidence
    plans: dict[str, list[Finding]] = field(default_factory=dict)
    features: dict[str, list[Finding]] = field(default_factory=dict)       # billing features
    jwt_templates: dict[str, list[Finding]] = field(default_factory=dict)  # template name ("" = unnamed)
    webhook_events: dict[str, list[Finding]] = field(default_factory=dict)
    providers: dict[str, list[Finding]] = field(default_factory=dict)      # Better Auth providerId -> evidence
    generic_providers: dict[str, list[Finding]] = field(default_factory=dict)  # Clerk provider with no built-in
    strategies: dict[str, list[Finding]] = field(default_factory=dict)     # magic-link, email-otp, passkey ...
    metadata: dict[str, list[Finding]] = field(default_factory=dict)       # publicMetadata / privateMetadata / unsafeMetadata
    concerns: dict[str, list[Finding]] = field(default_factory=dict)       # concern name -> evidence
    packages: set[str] = field(default_factory=set)
    authz: frozenset[str] = DEFAULT_AUTHZ_CATEGORIES                      # authorization categories

    def is_authz(self, f: Finding) -> bool:
        return f.category in self.authz

    @property
    def clerk_id_columns(self) -> list[Finding]:
        """Findings of schema columns / indexes holding Clerk ids (CLK720, CLK721 ...)."""
        return [f for f in self.findings if f.code in CLERK_ID_COLUMN_CODES or f.category in DATA_CATEGORIES]

    def has(self, concern: str) -> bool:
        return bool(self.concerns.get(concern))

    def evidence(self, concern: str) -> list[Finding]:
        return self.concerns.get(concern, [])

    @property
    def clerk_id_column_names(self) -> dict[str, list[str]]:
        """`table.column` (else the finding's symbol) -> the file:line locations naming it."""
        named: dict[str, list[str]] = {}
        for f in self.clerk_id_columns:
            d = dict(f.details)
            table, column = d.get("table", ""), d.get("column", "") or d.get("field", "")
            named.setdefault(f"{table}.{column}" if table and column else f.symbol, []).append(loc(f))
        return named

    @property
    def custom_permissions(self) -> dict[str, list[str]]:
        """feature -> actions, from the non-system permissions seen in code (sorted)."""
        out: dict[str, set[str]] = {}
        for perm in self.permissions:
            parts = permission_parts(perm)
            if parts:
                out.setdefault(parts[0], set()).add(parts[1])
        return {k: sorted(v) for k, v in sorted(out.items())}

    @property
    def role_names(self) -> dict[str, str]:
        """Clerk role key -> Better Auth role name, for every role seen in code."""
        return {r: role_name(r) for r in sorted(self.roles)}


# (table, key, finding) triples already recorded: a set, so collecting stays linear
# in the number of findings instead of scanning each bucket list (quadratic on big apps).
_Seen = set[tuple[int, str, Finding]]


def _add(table: dict[str, list[Finding]], key: str, f: Finding, seen: _Seen) -> None:
    marker = (id(table), key, f)
    if marker not in seen:
        seen.add(marker)
        table.setdefault(key, []).append(f)


def collect(result: ScanResult, catalog: Optional["Catalog"] = None) -> Facts:
    facts = Facts(findings=list(result.findings), problems=list(result.problems), authz=authz_categories(catalog))
    seen: _Seen = set()
    c = facts.concerns
    for f in result.findings:
        facts.packages.add(f.package)
        details = dict(f.details)
        for key, value in f.details:
            if not value:
                continue
            if key == "role":
                _add(facts.roles, value, f, seen)
            elif key == "permission":
                _add(facts.permissions, value, f, seen)
            elif key == "plan":
                _add(facts.plans, value, f, seen)
            elif key == "feature":
                _add(facts.features, value, f, seen)
            elif key == "event" and f.category == "webhook":
                _add(facts.webhook_events, value, f, seen)
        for text in _texts(f):
            for match in _OAUTH.finditer(text):
                name = match.group(1)
                if name in OAUTH_PROVIDERS:
                    _add(facts.providers, OAUTH_PROVIDERS[name], f, seen)
                else:
                    _add(facts.generic_providers, name, f, seen)
            low = text.lower()
            for word, strategy in _STRATEGY_WORDS.items():
                if word in low:
                    _add(facts.strategies, strategy, f, seen)
        if f.code in ONE_TAP_CODES:
            _add(facts.providers, "google", f, seen)
        if f.category == "jwt-template":
            _add(facts.jwt_templates, details.get("template", ""), f, seen)
        if f.category == METADATA_CATEGORY:
            _add(facts.metadata, f.symbol.rsplit(".", 1)[-1], f, seen)

        # -- concerns ---------------------------------------------------------------
        if f.code in HOSTED_UI_CODES:
            _add(c, "hosted-ui", f, seen)
        if f.code in SESSION_CODES or f.category in ("middleware", "session-token"):
            _add(c, "sessions", f, seen)
        if f.code in MFA_CODES or _mentions(f, _MFA_WORDS):
            _add(c, "mfa", f, seen)
        elif (f.code == "CLK102" and f.symbol in SIGN_IN_UI_SYMBOLS) or f.code in PROFILE_UI_CODES:
            # Prebuilt sign-in / profile UI runs MFA only if the dashboard enables it: a question, not a step.
            _add(c, "mfa-possible", f, seen)
        if _mentions(f, _PASSKEY):
            _add(c, "passkeys", f, seen)
        if f.category == "jwt-template":
            _add(c, "jwt-templates", f, seen)
        if f.code in THIRD_PARTY_CODES:
            _add(c, THIRD_PARTY_CODES[f.code], f, seen)
        if f.code in MAGIC_LINK_CODES or re.search(r"email.?link", f.symbol, re.I):
            _add(facts.strategies, "magic-link", f, seen)
        if f.code in TOKEN_VERIFY_CODES:
            _add(c, "token-verification", f, seen)
        if f.category == "webhook":
            _add(c, "webhooks", f, seen)
        event = details.get("event", "")
        if (f.code in SERVER_IDENTITY_CODES or f.category == BACKEND_API_CATEGORY
                or f.code in CLERK_ID_COLUMN_CODES or f.category in DATA_CATEGORIES
                or (f.category == "webhook" and event.startswith(("user.", "organization")))):
            _add(c, "clerk-ids", f, seen)
        role_or_perm = any(k in details for k in ("role", "permission")) and f.category != "billing"
        if (f.code in ORG_CODES or (f.category == "authz-check" and role_or_perm)
                or event.startswith("organization") or "organization" in f.symbol.lower()):
            _add(c, "organizations", f, seen)
        if f.code in BILLING_CODES or f.category == "billing" or _BILLING.search(f.symbol):
            _add(c, "billing", f, seen)
        if f.code in ADMIN_CODES:
            _add(c, "admin", f, seen)
        if f.code in WAITLIST_CODES:
            _add(c, "waitlist", f, seen)
        if f.code in INVITATION_CODES:
            _add(c, "invitations", f, seen)
        if f.code in API_KEY_CODES or _mentions(f, _API_KEYS):
            _add(c, "api-keys", f, seen)
        if _mentions(f, _SSO):
            _add(c, "sso", f, seen)
        if f.category == METADATA_CATEGORY:
            _add(c, "metadata", f, seen)
        if f.code in SESSION_CLAIMS_CODES:
            _add(c, "session-claims", f, seen)
        if f.code in ONE_TAP_CODES:
            _add(c, "one-tap", f, seen)
        if f.code in STORED_VALUE_CODES:
            _add(c, "stored-values", f, seen)
        if f.code in CONTEXT_CODES:
            _add(c, "context-authz", f, seen)
            _add(c, "request-contexts", f, seen)
        if f.code == "CLK512" and dict(f.details).get("key"):  # a middleware storing Clerk values on the request
            _add(c, "request-contexts", f, seen)
        if f.indirect:
            _add(c, "indirect", f, seen)
            if f.category == AUTHZ_CATEGORY:  # `ctx.auth.userId` in a tRPC router, a wrapper's has()
                _add(c, "context-authz", f, seen)
        if _mentions(f, _PHONE):
            _add(c, "phone", f, seen)
        if f.code in SSO_CALLBACK_CODES:
            _add(c, "social", f, seen)
        if _mentions(f, _PASSWORD):
            _add(c, "passwords", f, seen)
        if f.category in facts.authz:
            _add(c, "authorization", f, seen)
        if f.category == "custom-flow" or f.code in SIGN_IN_UI_CODES or f.code in HOSTED_UI_SIGN_IN_CODES:
            _add(c, "sign-in", f, seen)
    for evidence in facts.providers.values():
        for f in evidence:
            _add(c, "social", f, seen)
    for evidence in facts.generic_providers.values():
        for f in evidence:
            _add(c, "social", f, seen)
    for strategy, evidence in facts.strategies.items():
        concern = {"passkey": "passkeys", "totp": "mfa", "backup-code": "mfa", "sso": "sso",
                   "phone": "phone"}.get(strategy)
        if concern:
            for f in evidence:
                _add(c, concern, f, seen)
    if "custom-flow" not in {f.category for f in result.findings}:
        # No sign-in form of its own (custom flows rewrite theirs): Better Auth needs pages built.
        for f in result.findings:
            if f.code in SIGN_IN_PAGE_CODES or (f.category == "env" and _SIGN_IN_URL.search(f.symbol)):
                _add(c, "sign-in-pages", f, seen)
    if "sessions" not in c:
        # No provider, middleware or session API found: the server helpers are where sessions are read.
        for f in result.findings:
            if f.category == "server-helper" or f.category == "hook":
                _add(c, "sessions", f, seen)
    return facts


# Better Auth server plugins the findings call for, in the order the draft registers them, each
# with the concern (or strategy) that is its evidence.
PLUGIN_EVIDENCE = (
    ("organization", "organizations"),
    ("twoFactor", "mfa"),
    ("passkey", "passkeys"),
    ("magicLink", "strategy:magic-link"),
    ("emailOTP", "strategy:email-otp"),
    ("phoneNumber", "phone"),
    ("username", "strategy:username"),
    ("admin", "admin"),
    ("jwt", "jwt"),
    ("apiKey", "api-keys"),
    ("sso", "sso"),
    ("stripe", "billing"),
    ("oneTap", "one-tap"),
    ("customSession", "session-claims"),
)


def plugin_evidence(facts: Facts, plugin: str) -> list[Finding]:
    concern = dict(PLUGIN_EVIDENCE)[plugin]
    if concern.startswith("strategy:"):
        return facts.strategies.get(concern.split(":", 1)[1], [])
    if concern == "jwt":
        # JWT templates, and services that verify Clerk JWTs themselves (verifyToken, PyJWT + JWKS):
        # they verify jwt-plugin tokens against <baseURL>/api/auth/jwks instead
        return facts.evidence("jwt-templates") + [f for f in facts.findings if f.code in JWT_VERIFY_CODES]
    return facts.evidence(concern)


def better_auth_plugins(facts: Facts) -> list[str]:
    """Server plugin names (as exported by better-auth / @better-auth/*) the findings need."""
    return [name for name, _ in PLUGIN_EVIDENCE if plugin_evidence(facts, name)]
