"""Clerk's ids where apps keep them: columns and fields named after Clerk (`clerkId`,
`clerk_user_id`, `ClerkUserID`), asked by every reader that meets a schema (Prisma, SQL,
ORM schemas in code, Python models)."""
from __future__ import annotations

import re


def name_tokens(name: str) -> list[str]:
    """`clerkUserId` -> [clerk, user, id]; `clerk_org_id` -> [clerk, org, id]; `ClerkID` -> [clerk, id]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]


_GLUED = re.compile(r"^clerk(?:id|ids|userid|orgid|organizationid|uid|user|org|sub|sessionid)?$")


def is_clerk_column_name(name: str) -> bool:
    """A column or field named after Clerk: clerkId, clerk_user_id, clerkOrgId, clerkid,
    ClerkUserID, is_clerk_user ... (but not clerkenwell or bookclerk)."""
    return any(_GLUED.match(t) for t in name_tokens(name))


_CLERK_WORD = re.compile(r"\bclerk\b", re.IGNORECASE)


def comment_mentions_clerk(comment: str) -> bool:
    """Whether a text names Clerk as a word (a comment beside a column, a SQL file)."""
    return bool(_CLERK_WORD.search(comment))
