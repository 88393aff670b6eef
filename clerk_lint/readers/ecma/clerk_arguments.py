"""What the app hands to Clerk calls, where the call's own finding does not say it:

* metadata written through a Clerk call (CLK505): `clerkClient.users.updateUser(id, {
  publicMetadata })`, `updateUserMetadata(id, { privateMetadata })`, `user.update({
  unsafeMetadata })`, `signUp.create({ unsafeMetadata })`, organization metadata alike; the
  key is the finding (the write is metadata work, not only a user update);
* the token cache handed to a Clerk provider (CLK901): `<ClerkProvider tokenCache={cache}>`
  with the app's own SecureStore cache (Clerk's own `tokenCache` export is found at its use).
Both are asked only at calls and elements that already hold a Clerk finding."""
from __future__ import annotations

from typing import Callable

import tree_sitter as ts

from ...findings import Finding, Location
from .records import word_nodes

METADATA_RULE, TOKEN_CACHE_RULE, PROVIDER_RULE = "CLK505", "CLK901", "CLK101"
METADATA_KEYS = frozenset({"publicMetadata", "privateMetadata", "unsafeMetadata"})
# Findings of calls that write what they are given to Clerk.
WRITING = frozenset({"backend-api", "resource-method", "custom-flow"})
_TRANSPARENT = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression", "await_expression"})


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _key(pair: ts.Node) -> str:
    if pair.type == "shorthand_property_identifier":
        return _text(pair)
    return _text(pair.child_by_field_name("key")).strip("\"'")


def _enclosing_call(obj: ts.Node):
    """The call an object literal is an argument of (`f(id, { ... })`), else None."""
    node = obj
    while node.parent is not None and node.parent.type in _TRANSPARENT:
        node = node.parent
    args = node.parent
    if args is None or args.type != "arguments" or args.parent is None or args.parent.type != "call_expression":
        return None
    return args.parent


def candidates(root: ts.Node, data: bytes, metadata: bool = True, cache: bool = True) -> list[ts.Node]:
    """The metadata keys of object literals (`{ publicMetadata }`, `"privateMetadata": x`) and the
    `tokenCache` attributes of JSX elements, found from where their words are in the bytes, in
    the order of a walk of the tree (parents first, last sibling first)."""
    out: dict[int, ts.Node] = {}
    if metadata:
        for node in word_nodes(root, data, rb"(?:public|private|unsafe)Metadata"):
            if node.type == "string_fragment":
                node = node.parent
            if node.type in ("string", "property_identifier"):
                pair = node.parent
                node = pair if pair is not None and pair.type == "pair" and pair.child_by_field_name("key") == node else None
            elif node.type != "shorthand_property_identifier":
                node = None
            if node is not None and _key(node) in METADATA_KEYS and node.parent is not None \
                    and node.parent.type == "object":
                out[node.id] = node
    if cache:
        for node in word_nodes(root, data, rb"tokenCache"):
            attribute = node.parent
            if attribute is not None and attribute.type == "jsx_attribute" and attribute.named_children[0] == node:
                out[attribute.id] = attribute
    return sorted(out.values(), key=lambda n: (-n.end_byte, n.start_byte))


def findings(root: ts.Node, data: bytes, found: list[Finding], make: Callable[[str, ts.Node, str, str, tuple], Finding],
             locate: Callable[[ts.Node], Location]) -> list[Finding]:
    """`make(code, node, symbol, package, details)` builds a finding."""
    out: list[Finding] = []
    want_metadata = b"Metadata" in data
    want_cache = b"tokenCache" in data
    if not (want_metadata or want_cache):
        return out
    at = {(f.location.line, f.location.column): f for f in found}
    for node in candidates(root, data, want_metadata, want_cache):
        if node.type != "jsx_attribute":
            call = _enclosing_call(node.parent)
            if call is None:
                continue
            where = locate(call)
            write = at.get((where.line, where.column))
            if write is None:
                fn = call.child_by_field_name("function")
                where = locate(fn.child_by_field_name("property")) if fn is not None and fn.type == "member_expression" \
                    and fn.child_by_field_name("property") is not None else where
                write = at.get((where.line, where.column))
            if write is None or write.category not in WRITING:
                continue
            key = _key(node)
            symbol = f"{write.symbol.removesuffix('()')}({{ {key} }})"
            out.append(make(METADATA_RULE, node, symbol, write.package, (("write", write.symbol), ("metadata", key))))
        else:
            element = node.parent
            if element is None:
                continue
            where = locate(element)
            provider = at.get((where.line, where.column))
            if provider is None and element.parent is not None:
                where = locate(element.parent)
                provider = at.get((where.line, where.column))
            if provider is None or provider.code != PROVIDER_RULE:
                continue
            value = node.named_children[-1] if len(node.named_children) > 1 else None
            if value is not None and value.type == "jsx_expression" and value.named_children:
                value = value.named_children[0]
            if value is not None:
                spot = locate(value)
                if any(f.code == TOKEN_CACHE_RULE for f in found if (f.location.line, f.location.column)
                       == (spot.line, spot.column)):
                    continue  # Clerk's own tokenCache export: reported where it is used
            shown = _text(value) if value is not None else ""
            out.append(make(TOKEN_CACHE_RULE, node, "tokenCache", provider.package, (("value", shown),)))
    return out
