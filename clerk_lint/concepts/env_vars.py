"""Clerk's environment variables: which names are Clerk's, what each one is, what replaces it.

Every reader that meets a variable (an .env file, a CI workflow, a compose file, a config
object, `process.env.X` in code, a settings class) asks this module, so the naming rules
are the same everywhere: `CLERK` as a whole word, after a framework prefix or followed by
one of Clerk's settings (`SUPPORT_CLERK_EMAIL` is about a clerk, not Clerk).

Rules: CLK710 clerk-secret-key-env, CLK711 clerk-publishable-key-env,
CLK712 clerk-webhook-secret-env, CLK713 other-clerk-env.
"""
from __future__ import annotations

import base64
import binascii
import re
from typing import Optional

from .catalog import Catalog
from .secrets import is_secret_name, looks_secret, redact_value

SECRET_RULE, PUBLISHABLE_RULE, WEBHOOK_RULE, OTHER_RULE = "CLK710", "CLK711", "CLK712", "CLK713"

# Framework prefixes that expose a variable to client bundles (or name it for a framework).
PREFIXES = ("NEXT_PUBLIC_", "VITE_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "NUXT_", "PUBLIC_", "REACT_APP_",
            "GATSBY_", "STORYBOOK_", "PLASMO_PUBLIC_", "SVELTEKIT_")

# "CLERK" as a whole underscore-separated word: CLERK_SECRET_KEY, NEXT_PUBLIC_CLERK_*, the
# CLERK_JWT_ISSUER_DOMAIN of Convex's docs, MY_APP_CLERK_KEY ...
_CLERK_WORD = re.compile(r"(?:^|_)CLERK(?:_|$)", re.IGNORECASE)
_SK = re.compile(r"^sk_(live|test)_")
_PK = re.compile(r"^pk_(live|test)_([A-Za-z0-9+/=_-]+)$")
_WHSEC = re.compile(r"^whsec_")

# Advice for the other Clerk variables, by what follows CLERK_ (first match wins).
OTHER_ADVICE: tuple[tuple[str, str], ...] = (
    (r"SIGN_(IN|UP)_URL", "point your own sign-in / sign-up pages at authClient.signIn.* / signUp.*"),
    (r"(AFTER_SIGN_(IN|UP)|FALLBACK_REDIRECT|FORCE_REDIRECT|AFTER_SIGN_OUT)", "pass callbackURL / newUserCallbackURL to the authClient call instead"),
    (r"JWT_ISSUER|ISSUER", "the issuer becomes the auth server's baseURL (jwt() plugin); update every JWT consumer"),
    (r"(^|_)(DOMAIN|PROXY_URL|IS_SATELLITE|SYNC_HOST)$", "same parent domain: advanced.crossSubDomainCookies; otherwise trustedOrigins"),
    (r"JWT_KEY|JWKS", "networkless verification uses the jwt() plugin's JWKS at <baseURL>/api/auth/jwks"),
    (r"ENCRYPTION_KEY", "Better Auth encrypts with BETTER_AUTH_SECRET"),
    (r"FRONTEND_API", "legacy Frontend API setting; the client needs only the auth server's URL"),
    (r"TESTING_TOKEN|FAPI", "Clerk testing setup: sign test users in through authClient instead"),
)
DEFAULT_ADVICE = "no Better Auth counterpart: delete it once nothing reads it"



# After another word (SUPPORT_CLERK_EMAIL is about a clerk, not Clerk), CLERK names Clerk only
# when what follows is one of its settings (MY_APP_CLERK_KEY, E2E_CLERK_USER_PASSWORD).
_CLERK_SETTING = re.compile(
    r"(?:^|_)(?:KEYS?|SECRET|PUBLISHABLE|PK|SK|WEBHOOK|SIGNING|SVIX|JWT|JWKS|ISSUER|DOMAIN|PROXY|SATELLITE"
    r"|FRONTEND|API|SIGN_(?:IN|UP|OUT)|REDIRECT|INSTANCE|TOKEN|USER|PASSWORD|HOST|SESSION|ORG)(?:_|$)",
    re.IGNORECASE,
)


def is_clerk_env_name(name: str, catalog: Optional[Catalog] = None) -> bool:
    if catalog is not None and name in catalog.env_vars:
        return True
    m = _CLERK_WORD.search(name)
    if not m:
        return False
    head = name[:m.start() + 1].upper() if m.group(0).startswith("_") else ""
    return not head or head in PREFIXES or bool(_CLERK_SETTING.search(name[m.end():]))


def unprefixed(name: str) -> str:
    """CLERK_SECRET_KEY for NEXT_PUBLIC_CLERK_SECRET_KEY; the part from CLERK_ on."""
    m = _CLERK_WORD.search(name)
    if m:
        return name[m.start() + (1 if m.group(0).startswith("_") else 0):].upper()
    return name.upper()


def publishable_key_host(value: str) -> str:
    """The Frontend API host a Clerk publishable key encodes (base64 of "<host>$"), or ''."""
    m = _PK.match(value.strip())
    if not m:
        return ""
    payload = m.group(2)
    try:
        decoded = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
    if not decoded.endswith("$"):
        return ""
    host = decoded[:-1]
    return host if re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", host) else ""


def classify(name: str, value: str, catalog: Catalog, *, file_has_clerk: bool) -> Optional[str]:
    """The rule code for one assignment, or None."""
    v = value.strip()
    clerk = is_clerk_env_name(name, catalog)
    tail = unprefixed(name) if clerk else ""
    if clerk:
        if re.search(r"WEBHOOK|SIGNING_SECRET|SVIX", tail) or _WHSEC.match(v):
            return WEBHOOK_RULE
        # CLERK_SECRET_KEY, CLERK_MACHINE_SECRET_KEY, legacy CLERK_API_KEY, and per-instance
        # spellings such as CLERK_PRODUCTION_SECRET_KEY.
        if re.search(r"(?:^|_)(?:SECRET_KEY|API_KEY)$", tail) or tail == "CLERK_SECRET" or _SK.match(v):
            return SECRET_RULE
        if re.search(r"(?:^|_)(?:PUBLISHABLE_KEY|PUBLISHABLE|PK)$", tail) or _PK.match(v):
            return PUBLISHABLE_RULE
        return OTHER_RULE
    # Names that do not say Clerk but hold a Clerk credential by its shape.
    if publishable_key_host(v) and _clerk_host(publishable_key_host(v)):
        return PUBLISHABLE_RULE
    if file_has_clerk and _WHSEC.match(v) and re.search(r"WEBHOOK|SIGNING", name, re.IGNORECASE):
        return WEBHOOK_RULE
    return None


def _clerk_host(host: str) -> bool:
    h = host.lower()
    return (h.endswith((".clerk.accounts.dev", ".accounts.dev", ".clerk.com", ".clerkstage.dev"))
            or h.startswith("clerk."))


def display_value(name: str, value: str) -> str:
    """What a message may say about a value: secrets redacted, plain settings shown."""
    v = value.strip()
    if not v:
        return "empty"
    if _REFERENCE.fullmatch(v):  # ${CLERK_SECRET_KEY}, ${{ secrets.X }}: a name, not a value
        return f"from {v}"
    if is_secret_name(name) or looks_secret(v) or looks_opaque(v):
        return redact_value(v)
    return v if len(v) <= 80 else v[:77] + "..."


# A value that only names where it comes from (compose / shell / GitHub expression).
_REFERENCE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}")


def looks_opaque(v: str) -> bool:
    return len(v) >= 20 and not re.search(r"[\s/:.]", v)


def advice_for(tail: str) -> str:
    for pattern, advice in OTHER_ADVICE:
        if re.search(pattern, tail):
            return advice
    return DEFAULT_ADVICE


def instance_kind(value: str) -> str:
    m = re.match(r"^(?:sk|pk)_(live|test)_", value.strip())
    return {"live": "production instance", "test": "development instance"}.get(m.group(1), "") if m else ""



# What replaces a variable where code reads it.
READ_ADVICE = {
    SECRET_RULE: "Better Auth reads BETTER_AUTH_SECRET itself (betterAuth({ secret }) only to override)",
    PUBLISHABLE_RULE: "the client needs only the auth server's URL: createAuthClient({ baseURL })",
    WEBHOOK_RULE: "goes with the webhook route: handlers move to databaseHooks",
}



# --------------------------------------------------------------------------- named in text
NAMED_RULE = "CLK719"
# Upper-case words holding CLERK: the spelling of an env variable in a message or a script.
_UPPER_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]*(?![A-Za-z0-9_])")
# What a message or script names instead, by kind of Clerk variable.
NAMED_ADVICE = {
    SECRET_RULE: "name BETTER_AUTH_SECRET (and BETTER_AUTH_URL) instead",
    PUBLISHABLE_RULE: "name the client's auth URL instead (e.g. NEXT_PUBLIC_BETTER_AUTH_URL), or drop it",
    WEBHOOK_RULE: "goes with the webhook route",
}


def named_variables(text: str, catalog: Optional[Catalog] = None) -> list[tuple[int, int, str]]:
    """(start, end, name) of each Clerk variable a text spells out in capitals: `Missing
    CLERK_SECRET_KEY`, `test -n "$NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"` (not `SUPPORT_CLERK_EMAIL`,
    nor prose saying Clerk)."""
    if "CLERK" not in text:
        return []
    return [(m.start(), m.end(), m.group(0)) for m in _UPPER_WORD.finditer(text)
            if "CLERK" in m.group(0) and is_clerk_env_name(m.group(0), catalog)]


def named_detail(names: list[str], catalog: Catalog) -> str:
    """`CLERK_SECRET_KEY: name BETTER_AUTH_SECRET ... instead; ...` for the names a text spells."""
    parts = []
    for name in dict.fromkeys(names):
        code = classify(name, "", catalog, file_has_clerk=True)
        parts.append(f"{name}: {NAMED_ADVICE.get(code) or advice_for(unprefixed(name))}")
    return "; ".join(parts)
