"""Clerk role keys written in code: `"org:admin"`, `"org:member"`, custom `"org:billing_manager"`.
Better Auth roles carry no `org:` prefix, so every key changes. Permission keys
(`org:sys_memberships:manage`) have two colons and are not role keys."""
from __future__ import annotations

import re

import tree_sitter as ts

from ...concepts.catalog import Catalog

ROLE_KEY = re.compile(r"org:[a-z0-9][a-z0-9_-]*")


def may_hold_role_key(lowered: bytes) -> bool:
    return b"org:" in lowered


def js_role_key(node: ts.Node, catalog: Catalog):
    """A string literal whose whole text is a role key: (key, the literal, details), or ""."""
    value = (node.text or b"").decode("utf-8", "replace")
    literal = node.parent
    if literal is None or literal.type != "string" or not ROLE_KEY.fullmatch(value):
        return ""
    return value, literal, (("role", value),)
