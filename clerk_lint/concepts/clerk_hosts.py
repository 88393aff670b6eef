"""Clerk's hosts: the Frontend API, the Account Portal, the Backend API, image and telemetry
hosts, and custom `clerk.<your domain>` Frontend API domains, found in any string (URLs, CSP
source lists, image allow-lists), with what replaces each kind."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator


# (host suffix, what it is). A host equal to the suffix or ending in "." + suffix matches.
CLERK_HOSTS: tuple[tuple[str, str], ...] = (
    ("img.clerk.com", "images"),
    ("images.clerk.com", "images"),
    ("images.clerk.dev", "images"),
    ("api.clerk.com", "backend-api"),
    ("api.clerk.dev", "backend-api"),
    ("clerk.accounts.dev", "frontend-api"),
    ("accounts.dev", "account-portal"),
    ("clerk-telemetry.com", "telemetry"),
    ("clerkstage.dev", "frontend-api"),
    ("clerk.services", "frontend-api"),
    ("clerk.com", "clerk"),
    ("clerk.dev", "clerk"),
)
HOST_ADVICE = {
    "images": "user avatars are served by Clerk: copy them to your own storage during the data migration, then drop the host",
    "backend-api": "direct calls to Clerk's Backend API: replace them with auth.api.* on your Better Auth server",
    "frontend-api": "Clerk's Frontend API (scripts, sessions, token issuer): Better Auth is served from your own origin, remove it",
    "account-portal": "Clerk's hosted Account Portal: sign-in/up pages become your own routes",
    "telemetry": "Clerk's telemetry endpoint: remove it",
    "clerk": "a Clerk host: remove it once nothing loads from Clerk",
}
_KIND_ORDER = ("images", "backend-api", "frontend-api", "account-portal", "telemetry", "clerk")

# A host-like token, optionally with a scheme and a leading wildcard label.
_HOST_TOKEN = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)?(?P<host>(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![a-z0-9-])",
    re.IGNORECASE,
)
_FILE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".json", ".css", ".map", ".html", ".md")


@dataclass(frozen=True)
class HostHit:
    host: str
    kind: str


# Every Clerk host contains one of these; no other text needs the host regex.
_HOST_HINT = re.compile(r"clerk|accounts\.dev", re.IGNORECASE)
# The characters a host token can hold: a match never spans anything else.
_TOKEN_CHARS = re.compile(r"[a-z0-9+.:/*-]+", re.IGNORECASE)
_WINDOW = 256  # around a mention of Clerk in a long token: room for a scheme and any real host
# Searched only where a name can start (not after a letter, digit or hyphen): on a long run
# of letters _HOST_TOKEN alone retries every position, and a 1 MB string took minutes.
_HOST_AT_BOUNDARY = re.compile(r"(?<![a-z0-9-])" + _HOST_TOKEN.pattern, re.IGNORECASE)


def _host_matches(text: str) -> Iterator[re.Match]:
    """Host-like matches in the tokens of `text` that mention Clerk; in a long token only
    around each mention, so the work stays linear in the length of the text."""
    if not _HOST_HINT.search(text):
        return
    for token in _TOKEN_CHARS.finditer(text):
        start, end = token.span()
        pos = start
        while (hint := _HOST_HINT.search(text, pos, end)) is not None:
            lo, pos = max(pos, hint.start() - _WINDOW // 2), min(end, hint.end() + _WINDOW // 2)
            yield from _HOST_AT_BOUNDARY.finditer(text, lo, pos)  # windows never overlap


def clerk_hosts(text: str) -> list[HostHit]:
    """Clerk hosts named in a string: URLs, CSP source lists, bare host names, wildcards.
    A custom Frontend API domain (Clerk's production setup, `clerk.<your domain>`) counts
    when it is written as a URL, a wildcard or a host of three labels or more, never as a
    file name such as clerk.browser.js."""
    hits: list[HostHit] = []
    for m in _host_matches(text):
        host = m.group("host").lower()
        before = text[max(0, m.start() - 1):m.start()]
        if before in ("@", "/") and not m.group("scheme"):
            continue  # a path segment or an npm scope, not a host
        bare = host[2:] if host.startswith("*.") else host
        kind = next((k for suffix, k in CLERK_HOSTS if bare == suffix or bare.endswith("." + suffix)), "")
        if not kind and bare.startswith("clerk.") and not bare.endswith(_FILE_SUFFIXES) \
                and (m.group("scheme") or host.startswith("*.") or bare.count(".") >= 2):
            kind = "frontend-api"
        if kind and all(h.host != host for h in hits):
            hits.append(HostHit(host, kind))
    return hits


def host_detail(hits: list[HostHit]) -> tuple[str, str]:
    """(hosts joined, advice for the most pressing kind)."""
    kinds = {h.kind for h in hits}
    kind = next(k for k in _KIND_ORDER if k in kinds)
    return ", ".join(h.host for h in hits), HOST_ADVICE[kind]

