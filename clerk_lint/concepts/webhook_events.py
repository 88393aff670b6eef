"""Clerk's webhooks as an app meets them without Clerk's helpers: the event names Clerk
sends (which only Clerk sends, which other services send too), the fields of Clerk's
payloads, Svix's headers. Asked by the JavaScript and the Python readers alike."""
from __future__ import annotations

import fnmatch
import re
from typing import AbstractSet, Optional

# Event families no other common service sends under these names: one is enough to say
# "this handler takes Clerk's payloads" (Clerk's webhook_events in clerk_surface.json).
CLERK_ONLY_PREFIXES = (
    "organizationMembership.", "organizationInvitation.", "organizationDomain.", "session.",
    "waitlistEntry.", "role.", "permission.", "paymentAttempt.", "subscriptionItem.",
)
CLERK_ONLY_EVENTS = frozenset({"email.created", "sms.created"})

# Fields of Clerk's webhook payloads (snake_case, as Clerk sends them) that other services'
# user objects do not use: they tie a generic `user.created` to Clerk.
CLERK_PAYLOAD_FIELDS = frozenset({
    "email_addresses", "primary_email_address_id", "primary_phone_number_id", "primary_web3_wallet_id",
    "phone_numbers", "web3_wallets", "external_accounts", "public_metadata", "private_metadata",
    "unsafe_metadata", "password_enabled", "two_factor_enabled", "last_sign_in_at",
})
# Where a verified Clerk webhook event comes from, as (module glob, export, call ops) of a value
# chain: svix's `new Webhook(secret).verify(...)` and Clerk's own `verifyWebhook(req)`. A value
# annotated with a Clerk `*WebhookEvent` type is one too (the annotation op, ""), and one typed
# with a Clerk `*JSON` type (`UserJSON`) is an event's `data`.
EVENT_SOURCES = (("svix", "Webhook", ("()", ".verify", "()")), ("@clerk/*", "verifyWebhook", ("()",)))


def event_rest(module: str, export: str, path: tuple[str, ...]) -> Optional[tuple[str, ...]]:
    """The ops read past a verified Clerk webhook event (`.data`, `.data.first_name` ...) when
    `export` + `path` of `module` is one, else None."""
    for pattern, name, ops in EVENT_SOURCES:
        if export == name and path[:len(ops)] == ops and fnmatch.fnmatchcase(module, pattern):
            return path[len(ops):]
    if module.startswith("@clerk/") and path[:1] == ("",):
        if export.endswith("WebhookEvent"):
            return path[1:]
        if export.endswith("JSON"):  # `data: UserJSON`: an event's data, typed with Clerk's JSON shape
            return (".data", *path[1:])
    return None


# Svix's signature headers (Clerk signs its webhooks with Svix), and Django's META spelling.
SVIX_HEADERS = frozenset({"svix-id", "svix-timestamp", "svix-signature"})
SVIX_META_HEADERS = frozenset({"http_svix_id", "http_svix_timestamp", "http_svix_signature"})
# Prefix of a Svix signing secret (`whsec_<base64>`): code that strips it decodes the key itself.
SECRET_PREFIX = "whsec_"

# Queued or forwarded events named after Clerk's: Inngest `clerk/user.created`, `clerk:user.created`.
_QUEUED = re.compile(r"^clerk[/:.](?P<event>[A-Za-z]+\.[A-Za-z]+)$", re.IGNORECASE)

# Byte test for a file that may handle Clerk's payloads without naming Clerk or svix (readers'
# prefilters add it to their own markers). Lower-case words: substring_test keeps its fast path.
PAYLOAD_MARKERS = re.compile(
    rb"organizationmembership|organizationinvitation|organizationdomain|waitlistentry"
    rb"|email_addresses|primary_email_address_id|public_metadata|whsec_"
    # the other Clerk-only event names (a handler may name nothing else of Clerk's)
    rb"|session\.created|session\.ended|session\.removed|session\.revoked|email\.created|sms\.created"
    rb"|role\.created|role\.updated|role\.deleted|permission\.created|permission\.updated|permission\.deleted"
    rb"|paymentattempt|subscriptionitem", re.IGNORECASE)

# clerk, ClerkWebhook, clerkId, clerk_id, CLERK_SECRET_KEY; not clerkenwell or bookclerk.
_CLERK_WORD = re.compile(r"(?<![a-z])[cC]lerk(?![a-z]{3})|(?<![A-Z])CLERK")


def is_clerk_only(event: str) -> bool:
    """An event name only Clerk sends (`session.ended`, `organizationMembership.created`)."""
    return event in CLERK_ONLY_EVENTS or event.startswith(CLERK_ONLY_PREFIXES)


def queued_event(value: str, events: AbstractSet[str]) -> Optional[str]:
    """`clerk/user.created` -> `user.created` when the part after the prefix is a Clerk event."""
    match = _QUEUED.match(value)
    if match and match.group("event") in events:
        return match.group("event")
    return None


def names_clerk(text: str) -> bool:
    """A path, identifier or text naming Clerk (`api/webhooks/clerk`, `handleClerkEvent`)."""
    return bool(_CLERK_WORD.search(text))


def has_payload_context(text: str) -> bool:
    """Whether a source text reads Clerk payload fields or Svix headers (lower-cased text)."""
    return any(field in text for field in CLERK_PAYLOAD_FIELDS) or any(h in text for h in SVIX_HEADERS) \
        or any(h in text for h in SVIX_META_HEADERS)


# A quoted `family.action` literal: the event names a file may branch on.
_EVENT_LITERAL = re.compile(r"""["'`]([A-Za-z]+\.[A-Za-z]+)["'`]""")


# Generic families that, in a file verifying with svix, point at Clerk (billing's `subscription.*`
# is what Svix's other senders send too).
_SVIX_CLERK_FAMILIES = ("user.", "organization.")


def is_svix_module(specifier: str) -> bool:
    """`svix` and its subpaths: Svix's own library, which many webhook senders use besides Clerk."""
    return specifier == "svix" or specifier.startswith("svix/")


def svix_serves_clerk(relpath: str, text: str, events: AbstractSet[str]) -> bool:
    """Whether a file using svix verifies Clerk's webhooks: its path or text names Clerk, it
    reads Clerk's payload fields, or it names a Clerk event (with svix, even `user.created`:
    Resend's `email.bounced` or a billing `subscription.created` are not). Svix headers alone do not
    count: every Svix sender has them."""
    if names_clerk(relpath) or names_clerk(text):
        return True
    lowered = text.lower()
    if any(field in lowered for field in CLERK_PAYLOAD_FIELDS):
        return True
    for m in _EVENT_LITERAL.finditer(text):
        name = m.group(1)
        if queued_event(name, events) or is_clerk_only(name) and name in events \
                or name in events and name.startswith(_SVIX_CLERK_FAMILIES):
            return True
    return False


class EventGate:
    """The precision gate for event names met outside Clerk's helpers: a Clerk-only name is
    enough on its own; a generic one (`user.created`, `organization.updated`) counts only with
    Clerk context in the file: its path or text naming Clerk, Clerk payload fields, Svix
    headers, or another, Clerk-only, event name."""

    def __init__(self, events: AbstractSet[str], relpath: str, text: str, candidates: list[str]):
        self.events = events
        lowered = text.lower()
        self.context = (names_clerk(relpath) or names_clerk(text) or has_payload_context(lowered)
                        or any(is_clerk_only(c) or queued_event(c, events) for c in candidates
                               if c in events or queued_event(c, events)))

    def event(self, value: str) -> Optional[str]:
        """The Clerk event a literal names, when the gate lets it count, else None."""
        queued = queued_event(value, self.events)
        if queued is not None:
            return queued
        if value not in self.events:
            return None
        return value if is_clerk_only(value) or self.context else None
