"""Whether Clerk configuration is in a literal or a name: the labels of ``Bindings.taint``.

    ``url:backend``  a Backend API URL (api.clerk.com) in a literal
    ``url:frontend`` a Frontend API / JWKS / account portal URL in a literal
    ``name:jwt``     a Clerk name about token verification (JWKS, JWT_KEY, PEM, ISSUER ...)
    ``name:secret``  a Clerk secret / API key name
    ``name:backend`` a Clerk API URL name
    ``name:webhook`` a Clerk webhook secret name
    ``name:clerk``   any other Clerk name
    ``svix:header``  an svix-id / svix-timestamp / svix-signature header name
    ``svix:secret``  a ``whsec_`` webhook secret literal
"""
from __future__ import annotations

import ast
import re
from typing import Optional

BACKEND_URL = re.compile(r"\bapi\.clerk\.(?:com|dev)\b", re.IGNORECASE)
FRONTEND_URL = re.compile(
    r"\b[\w-]+\.clerk\.accounts\.dev\b"  # development Frontend API
    r"|\b[\w-]+\.accounts\.dev\b"  # development Account Portal
    r"|\bhttps?://clerk\.[\w-]+(?:\.[\w-]+)+"  # production Frontend API: clerk.<your domain>
    r"|\b[\w-]+\.lcl\.dev\b|\blclclerk\.com\b",  # older development hosts
    re.IGNORECASE,
)
SVIX_HEADERS = frozenset({
    "svix-id", "svix-timestamp", "svix-signature",
    "http_svix_id", "http_svix_timestamp", "http_svix_signature",  # Django request.META keys
})
# A name that says "Clerk" as a word: CLERK_SECRET_KEY, clerk_jwks_url, NEXT_PUBLIC_CLERK_X.
CLERK_WORD = re.compile(r"(?:^|_)clerk(?:_|$)", re.IGNORECASE)
# Clerk's variables: CLERK_*, optionally behind a framework's public prefix (not SUPPORT_CLERK_NAME).
CLERK_ENV_NAME = re.compile(
    r"^(?:(?:NEXT_PUBLIC|NUXT_PUBLIC|NUXT|VITE|EXPO_PUBLIC|REACT_APP|GATSBY|PUBLIC)_)?CLERK_[A-Z0-9_]+$")

_JWT_WORDS = ("JWKS", "JWT", "PEM", "PUBLIC_KEY", "ISSUER", "FRONTEND_API", "FAPI", "AUTHORIZED_PART", "AUDIENCE")
_SECRET_WORDS = ("SECRET_KEY", "API_KEY", "SECRET")
_BACKEND_WORDS = ("API_URL", "API_BASE", "BACKEND", "API_HOST", "API_VERSION")
_WEBHOOK_WORDS = ("WEBHOOK", "SVIX", "SIGNING_SECRET")


def name_labels(name: str) -> frozenset[str]:
    """Labels for an identifier or environment variable name."""
    if not CLERK_WORD.search(name):
        return frozenset()
    upper = name.upper()
    labels = set()
    if any(w in upper for w in _WEBHOOK_WORDS):
        labels.add("name:webhook")
    else:
        if any(w in upper for w in _JWT_WORDS):
            labels.add("name:jwt")
        if any(w in upper for w in _SECRET_WORDS):
            labels.add("name:secret")
        if any(w in upper for w in _BACKEND_WORDS):
            labels.add("name:backend")
    return frozenset(labels or {"name:clerk"})


def literal_labels(text: str) -> frozenset[str]:
    labels = set()
    if BACKEND_URL.search(text):
        labels.add("url:backend")
    if FRONTEND_URL.search(text):
        labels.add("url:frontend")
    low = text.strip().lower()
    if low in SVIX_HEADERS:
        labels.add("svix:header")
    if low.startswith("whsec_"):
        labels.add("svix:secret")
    if CLERK_ENV_NAME.match(text):
        labels |= name_labels(text)
    return frozenset(labels)


def string_value(node) -> Optional[str]:
    """The value of a plain (non-f, non-bytes) string literal, else None (``ast`` has already
    joined implicit concatenations)."""
    if type(node) is ast.Constant and type(node.value) is str:
        return node.value
    return None
