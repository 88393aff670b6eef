"""Expressions that hand a value on unchanged, between where a Clerk value is produced and
where it is bound: `(await auth()) ?? null`, `user || fallback`, `ok ? user : null`, and array
literals the app reads back by position (`const [a, b] = await Promise.all([auth(), currentUser()])`,
`const items = [user]; items[0]`).
"""
from __future__ import annotations

from typing import Callable, Optional

import tree_sitter as ts

from .records import TRANSPARENT, plain_parent, text

# `a ?? b`, `a || b`: either side may be the result; `a && b`: only the right side is.
FALLBACKS = frozenset({"??", "||"})
# `await Promise.all([a, b])` resolves to the array of their results, in order.
ARRAY_COMBINATORS = frozenset({"Promise.all"})
# Carriers stacked deeper than this are not followed: real code chains a few fallbacks, and each
# step up the tree costs (a parent is found from the root), so hostile input stays linear.
MAX_STEPS = 24


def _position(array: ts.Node, node: ts.Node) -> Optional[int]:
    position = 0
    for child in array.named_children:
        if child.type == "comment":
            continue
        if child == node:
            return position
        if child.type == "spread_element":
            return None  # positions after a spread are unknown
        position += 1
    return None


def carried(top: ts.Node, up=plain_parent) -> tuple[ts.Node, tuple[str, ...]]:
    """(the outermost expression still holding `top`'s value, where in it: `.0` per array
    position, outermost first). Iterative: expressions nest arbitrarily deep. `up`: the
    tree's parent lookup (ScopeIndex.parent)."""
    node, index = top, ()
    for _ in range(MAX_STEPS):
        parent = up(node)
        if parent is None:
            return node, index
        kind = parent.type
        if kind in TRANSPARENT:
            pass
        elif kind == "binary_expression":
            operator = parent.child_by_field_name("operator")
            op = operator.type if operator is not None else ""  # the token's kind is its text
            if not (op in FALLBACKS or op == "&&" and parent.child_by_field_name("right") == node):
                return node, index
        elif kind == "ternary_expression":
            if parent.child_by_field_name("condition") == node:
                return node, index
        elif kind == "array":
            position = _position(parent, node)
            if position is None:
                return node, index
            index = (f".{position}", *index)
        elif kind == "arguments" and index:
            call = up(parent)
            callee = call.child_by_field_name("function") if call is not None else None
            if callee is None or text(callee) not in ARRAY_COMBINATORS or len(parent.named_children) != 1:
                return node, index
            parent = call
        else:
            return node, index
        node = parent
    return node, index


def split(path: tuple[str, ...], index: tuple[str, ...]) -> Optional[tuple[tuple[str, ...], tuple[str, ...]]]:
    """A pattern path against the value's position: (the path past the value, the positions
    still to wrap the value in), or None when the path reads another element."""
    if path[:len(index)] == index:
        return path[len(index):], ()
    if index[:len(path)] == path:
        return (), index[len(path):]
    return None


def object_path(node: ts.Node, up: Callable[[ts.Node], Optional[ts.Node]], max_depth: int,
                keys: tuple[str, ...] = ("property_identifier",)) -> Optional[tuple[ts.Node, list[str], ts.Node]]:
    """Out of the object literals holding `node` (`f({ membership: m })`, `set({ id: user.id })`):
    (the outermost holder, the keys on the way, what holds it). None at the root, past
    `max_depth` keys, or at a key whose node type is not in `keys` (a computed key)."""
    path: list[str] = []
    parent = up(node)
    while parent is not None and len(path) <= max_depth:
        if node.type == "shorthand_property_identifier" and parent.type == "object":
            path.insert(0, text(node))
            node = parent
        elif parent.type == "pair" and parent.child_by_field_name("value") == node \
                and (outer := up(parent)) is not None and outer.type == "object":
            key = parent.child_by_field_name("key")
            if key is None or key.type not in keys:
                return None
            path.insert(0, text(key).strip("\"'"))
            node = outer
        elif parent.type in TRANSPARENT:
            node = parent
        else:
            break
        parent = up(node)
    if parent is None or len(path) > max_depth:
        return None
    return node, path, parent
