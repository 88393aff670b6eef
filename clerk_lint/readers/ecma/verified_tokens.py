"""Clerk session tokens an app verifies with a generic JWT library and a Clerk key.

`jwt.verify(token, process.env.CLERK_PEM_PUBLIC_KEY)` (jsonwebtoken) and
`jwtVerify(token, key)` (jose, with `key = await importSPKI(process.env.CLERK_JWT_KEY, ...)`)
return the claims of a Clerk session token, the same value `verifyToken()` of @clerk/backend
returns: its `sub`, `sid`, `org_id` are what the app reads and stores (`req.auth = { userId:
decoded.sub }`). Output: seeds binding the declared result to that value. A verification with a
key that names no Clerk variable is someone else's token and stays silent.
"""
from __future__ import annotations

import re
from typing import Iterable

import tree_sitter as ts

from .records import ImportDecl, Origin, declared_by, named_descendants, text
from .scopes import ScopeIndex

# A Clerk key variable: CLERK_PEM_PUBLIC_KEY, CLERK_JWT_KEY, VITE_CLERK_..._KEY (a word of its name)
CLERK_KEY = re.compile(r"(?<![A-Za-z0-9])CLERK_(?:[A-Z0-9]+_)*(?:KEY|PEM)(?![A-Za-z0-9])|(?<=_)CLERK_[A-Z0-9_]*KEY\b")
# library -> the export that verifies, and whether its result holds the claims under `.payload`
VERIFIERS = {"jsonwebtoken": ("verify", False), "jose": ("jwtVerify", True)}
CLAIMS = Origin("@clerk/backend", "verifyToken", ("()",))
MAX_KEY_HOPS = 4  # `const key = await importSPKI(PEM)`, `const PEM = process.env...`: a few names deep


def may_verify(data: bytes) -> bool:
    return (b"jsonwebtoken" in data or b"jose" in data) and b"CLERK_" in data


def _verifier_names(imports: Iterable[ImportDecl]) -> tuple[dict[str, bool], dict[str, bool]]:
    """Local names that call a verifier: `verify` / `jwtVerify` (called bare), and namespaces
    or default imports (`jwt.verify`, `jose.jwtVerify`)."""
    bare: dict[str, bool] = {}
    spaces: dict[str, bool] = {}
    for decl in imports:
        found = VERIFIERS.get(decl.source)
        if found is None or decl.type_only:
            continue
        export, nested = found
        for name in decl.names:
            if name.local is None or name.is_type:
                continue
            if name.imported == export:
                bare[text(name.local)] = nested
            elif name.imported in ("default", "*"):
                spaces[text(name.local)] = nested
    return bare, spaces


def _names_clerk_key(node: ts.Node, scopes: ScopeIndex, hops: int = 0) -> bool:
    """The key argument reads a Clerk key variable, here or through a few local names."""
    if CLERK_KEY.search(text(node)):
        return True
    if hops >= MAX_KEY_HOPS:
        return False
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            target = scopes.resolve(current)
            declarator = target.parent if target is not None else None
            value = declarator.child_by_field_name("value") if declarator is not None \
                and declarator.type == "variable_declarator" and declarator.child_by_field_name("name") == target else None
            if value is not None and _names_clerk_key(value, scopes, hops + 1):
                return True
        stack.extend(current.named_children)
    return False


def seeds(data: bytes, root: ts.Node, imports: Iterable[ImportDecl],
          scopes: ScopeIndex) -> dict[int, tuple[ts.Node, Origin]]:
    """The names the claims of a Clerk token verified here are declared as."""
    if not may_verify(data):
        return {}
    bare, spaces = _verifier_names(imports)
    if not bare and not spaces:
        return {}
    out: dict[int, tuple[ts.Node, Origin]] = {}
    for node in named_descendants(root):
        if node.type != "call_expression":
            continue
        callee = node.child_by_field_name("function")
        nested = None
        if callee is not None and callee.type == "identifier":
            nested = bare.get(text(callee))
        elif callee is not None and callee.type == "member_expression":
            receiver, prop = callee.child_by_field_name("object"), callee.child_by_field_name("property")
            if receiver is not None and prop is not None and receiver.type == "identifier":
                library = spaces.get(text(receiver))
                wanted = "jwtVerify" if library else "verify"
                nested = library if library is not None and text(prop) == wanted else None
        arguments = node.child_by_field_name("arguments")
        if nested is None or arguments is None or len(arguments.named_children) < 2 \
                or not _names_clerk_key(arguments.named_children[1], scopes):
            continue
        name = declared_by(node)
        if name is None:
            continue
        if name.type == "identifier" and scopes.is_definition(name):
            value = Origin(CLAIMS.module, CLAIMS.export, CLAIMS.path, fields=(("payload", CLAIMS),)) if nested else CLAIMS
            out[name.id] = (name, value)
        elif name.type == "object_pattern" and nested:  # `const { payload } = await jwtVerify(...)`
            for child in name.named_children:
                if child.type == "shorthand_property_identifier_pattern" and text(child) == "payload" \
                        and scopes.is_definition(child):
                    out[child.id] = (child, CLAIMS)
    return out
