"""Clerk's ids where apps keep them: columns and fields named after Clerk (`clerkId`,
`clerk_user_id`, `ClerkUserID`), asked by every reader that meets a schema (Prisma, SQL,
ORM schemas in code, Python models)."""
from __future__ import annotations

import re
from dataclasses import dataclass


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


# --------------------------------------------------------------------------- Clerk ids as values
# Columns named neutrally (`userId`, `ownerId`, `tenant_id`) hold Clerk ids when code writes a
# Clerk id into them: the schema does not say so, the writer does. Readers record each such
# write (or equality filter) as a StoredIdWrite; a project pass (resolve/stored_ids.py) finds the
# column's declaration and reports it (CLK724) naming the writers. Every language's reader makes
# the same records, so a Python write (`Post(owner_id=claims["sub"])`) can name a SQL column.

NEUTRAL_COLUMN_RULE = "CLK724"
# Code that only carries Clerk ids around (variables, fields, filters named after them).
CARRY_RULE = "CLK726"

# What kind of Clerk id the last member read of a value names: `auth().userId`, `ctx.auth.orgId`,
# `currentUser().id`, `claims.sub`, Convex's `identity.subject` (Clerk's user id when Convex
# trusts Clerk's tokens), a webhook payload's `evt.data.id`.
_ID_MEMBERS = {"userId": "user", "orgId": "organization", "sessionId": "session", "sub": "user",
               "subject": "user", "user_id": "user", "org_id": "organization", "session_id": "session"}
_OWNER_WORDS = (("organization", "organization"), ("org", "organization"), ("session", "session"),
                ("user", "user"), ("membership", "membership"), ("invitation", "invitation"))


def id_kind(chain: str) -> str:
    """The kind of Clerk id a value read ends in ("user", "organization", "session", "id"),
    or "" when the read is not an id: `auth().userId` -> user; `currentUser().id` -> user;
    `useOrganization().organization.id` -> organization; `auth().has()` -> ""."""
    steps = [s for s in re.split(r"(?=[.(\[])", chain) if s]
    if not steps:
        return ""
    last = steps[-1].lstrip(".")
    if last in _ID_MEMBERS:
        return _ID_MEMBERS[last]
    if last != "id":
        return ""
    owner = "".join(steps[:-1]).lower()
    return next((kind for word, kind in _OWNER_WORDS if word in owner), "id")


def is_clerk_id_name(name: str) -> bool:
    """A name saying it holds Clerk ids (clerkId, clerk_user_id, clerkOrgIds, getUserByClerkId),
    not only Clerk things (ClerkProvider, clerkClient, clerkUser)."""
    if "clerk" not in name.lower():  # every such name has a token starting with it (most names: no split)
        return False
    tokens = name_tokens(name)
    for i, token in enumerate(tokens):
        if re.fullmatch(r"clerk(?:user|org|organization|session)?(?:id|ids|uid)", token):
            return True
        if token == "clerk" and any(t in ("id", "ids", "uid") for t in tokens[i + 1:i + 4]):
            return True
    return False


@dataclass(frozen=True)
class StoredIdWrite:
    """Code putting a Clerk id into a column, or comparing a column with one.

    `orm` says how the table is named: "drizzle" (`table` is the export name of the table
    object in `module`, a resolved file path, "" for the writer's own file), "prisma" (model
    accessor, `db.post` -> `post`), "prisma-relation" (`table` the model accessor, `module` its
    relation field, `column` the related model's field: `data: { author: { connect: { id } } }`),
    "convex" (table key of defineSchema), "convex-fn" (`table` a Convex function's path,
    `users.upsert`, under the functions folder `module`; `column` its argument) or "sql" (the
    table's SQL name, from Supabase `.from("t")`, Kysely `insertInto("t")`, Knex `knex("t")` or
    a Python client)."""

    orm: str
    table: str
    column: str  # as the writer names it
    kind: str  # id_kind()
    value: str  # the expression written, as source text (never a literal: no secret to leak)
    path: str  # the writer's file (relative, as in findings)
    line: int
    mode: str = "write"  # "write" | "filter"
    module: str = ""
    # "clerk": read from Clerk's SDK; "convex-identity": Convex's `getUserIdentity().subject`, a
    # Clerk user id only in a project whose Convex trusts Clerk's tokens (CONVEX_CLERK_CODES).
    source: str = "clerk"


# Findings that say a project's Convex takes Clerk's tokens (auth.config.ts, ConvexProviderWithClerk).
CONVEX_CLERK_CODES = frozenset({"CLK731", "CLK936", "CLK520"})


def writers_detail(writes: "list[StoredIdWrite]", limit: int = 3) -> str:
    """`written at src/a.ts:12 (ctx.auth.userId); compared at src/b.ts:4 (userId)`, the first
    `limit` places and a count of the others."""
    ordered = sorted(set(writes), key=lambda w: (w.mode != "write", w.path, w.line, w.value))
    parts = [f"{'written' if w.mode == 'write' else 'compared'} at {w.path}:{w.line} ({w.value})"
             for w in ordered[:limit]]
    more = len(ordered) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def kinds_label(writes: "list[StoredIdWrite]") -> str:
    """"user", "user / organization" ...: the kinds of Clerk id written, id-kind "id" last."""
    kinds = sorted({w.kind for w in writes if w.kind}, key=lambda k: (k == "id", k))
    return " / ".join(kinds) if kinds else "id"
