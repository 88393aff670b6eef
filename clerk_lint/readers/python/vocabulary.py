"""The words the Python rules match: rule codes, Clerk's packages, the taint label sets, the
base classes of settings and middleware, and which package an import line names."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Optional

from ...discover.kinds import Candidate

CLERK_MENTION = re.compile(rb"clerk", re.IGNORECASE)

IMPORT, COMMUNITY_IMPORT = "CLK800", "CLK801"
JWT_DECODE, JWKS, CLERK_URL = "CLK820", "CLK821", "CLK822"
HTTP_BACKEND = "CLK830"
SVIX_VERIFY, SVIX_HMAC, WEBHOOK_EVENT = "CLK840", "CLK841", "CLK842"
ENV_READ = "CLK845"
AUTH_DEPENDENCY, AUTH_MIDDLEWARE = "CLK846", "CLK847"
COMMUNITY_USE = "CLK815"
CLAIM_READ = "CLK850"
APP_IMPORT = "CLK006"  # an import of the app's own Clerk-backed module (shared with the JS reader)

# RequestState's fields (to_auth() gives Clerk's auth object: user_id, org_id, session_id ...) (clerk_backend_api.security.types) an app reads to decide.
STATE_FIELDS = frozenset({"is_signed_in", "is_authenticated", "status", "reason", "token", "message"})
# Clerk session token claims -> what a Better Auth session gives instead.
CLAIM_ADVICE = {
    "sub": "session.user.id",
    "user_id": "session.user.id",
    "sid": "session.session.id",
    "session_id": "session.session.id",
    "org_id": "session.session.activeOrganizationId (organization plugin)",
    "org_role": "the member's role (organization plugin getActiveMember; roles have no org: prefix)",
    "org_slug": "the active organization's slug (organization plugin)",
    "org_permissions": "hasPermission on the organization plugin",
    "o": "session.session.activeOrganizationId and the member's role (organization plugin)",
    "azp": "trustedOrigins on the auth server",
    "metadata": "fields of your own on the user table (additionalFields)",
    "public_metadata": "fields of your own on the user table (additionalFields)",
    "is_signed_in": "a session returned by /api/auth/get-session (None when signed out)",
    "is_authenticated": "a session returned by /api/auth/get-session (None when signed out)",
    "payload": "the session returned by /api/auth/get-session",
    "status": "whether /api/auth/get-session returned a session",
    "reason": "the status of the /api/auth/get-session response",
    "token": "the request's session cookie or bearer token",
    "to_auth": "the session returned by /api/auth/get-session",
}


def claim_advice(claim: str) -> str:
    return CLAIM_ADVICE.get(claim, "the matching field of the Better Auth session (or a claim of your jwt() plugin tokens)")

# Findings that mean "this function authenticates a request with Clerk".
AUTH_CODES = frozenset({"CLK810", "CLK811", COMMUNITY_USE, JWT_DECODE, JWKS, AUTH_DEPENDENCY})
# Clerk's own Python SDK, and svix (Clerk's webhook signature library), as in the JS catalog.
SDK_MODULES = frozenset({"clerk_backend_api", "svix"})
# Community packages people run in front of Clerk (PyPI clerk-django, fastapi-clerk-auth ...).
KNOWN_COMMUNITY = frozenset({"clerk_django", "fastapi_clerk_auth", "django_clerk", "flask_clerk", "clerk"})
HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"})
BACKEND_LABELS = frozenset({"url:backend", "name:backend", "name:secret"})
FRONTEND_LABELS = frozenset({"url:frontend", "name:jwt"})
WEBHOOK_LABELS = frozenset({"svix:header", "svix:secret", "name:webhook"})
SETTINGS_BASES = re.compile(r"^pydantic(?:_settings|\.v1)?(?:\.[\w.]+)?\.BaseSettings$")
MIDDLEWARE_METHODS = frozenset({"__call__", "__acall__", "process_request", "process_view", "dispatch",
                                "authenticate", "authenticate_credentials", "has_permission"})
MIDDLEWARE_BASES = re.compile(r"(Middleware|MiddlewareMixin|Authentication|AuthenticationBackend|HTTPBearer|Permission)$")
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# Package names that mean Clerk even as a bare string (`INSTALLED_APPS = ["clerk_django"]`).
NAMED_MODULES = frozenset({"clerk_backend_api", "clerk_django", "fastapi_clerk_auth", "django_clerk", "flask_clerk"})


def env_advice(name: str) -> str:
    upper = name.upper()
    if "WEBHOOK" in upper or "SIGNING_SECRET" in upper:
        return "no webhooks with Better Auth: drop it once handlers move into databaseHooks"
    if "PUBLISHABLE" in upper:
        return "not needed: the Better Auth client only needs the server's base URL"
    if any(w in upper for w in ("JWT_KEY", "PEM", "JWKS", "ISSUER", "FRONTEND_API", "FAPI")):
        return "point verification at the Better Auth JWKS (<BETTER_AUTH_URL>/api/auth/jwks) instead"
    if "SECRET_KEY" in upper or "MACHINE_SECRET" in upper:
        return "replace with BETTER_AUTH_SECRET on the auth server and BETTER_AUTH_URL here"
    if "API_URL" in upper or "DOMAIN" in upper or "PROXY_URL" in upper:
        return "replace with BETTER_AUTH_URL"
    return "remove, or map to the Better Auth server's configuration"


@lru_cache(maxsize=256)
def _is_local_module(root: str, start_dir: str, name: str) -> bool:
    """True when `name` is a module or package of the project itself (a sibling of the
    importing file or of one of its parent folders up to the scan root)."""
    folder = start_dir
    root = os.path.abspath(root)
    while True:
        if os.path.exists(os.path.join(folder, name + ".py")) or os.path.isdir(os.path.join(folder, name)):
            return True
        if os.path.abspath(folder) == root or os.path.dirname(folder) == folder:
            return False
        folder = os.path.dirname(folder)


def module_code(top: str, candidate: Candidate) -> Optional[str]:
    """CLK800 for Clerk's SDK / svix, CLK801 for community Clerk packages, else None."""
    if top in SDK_MODULES:
        return IMPORT
    if top in KNOWN_COMMUNITY - {"clerk"}:
        return COMMUNITY_IMPORT
    if top and re.search(r"(?:^|_)clerk(?:_|$)", top, re.IGNORECASE):
        try:
            local = _is_local_module(str(candidate.root), str(candidate.path.parent), top)
        except OSError:  # pragma: no cover
            local = False
        return None if local else COMMUNITY_IMPORT
    return None
