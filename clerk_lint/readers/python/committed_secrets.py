"""Secret-shaped literals written into Python source (CLK715): a Clerk secret key, a Svix
signing secret or a PEM private key in a string, or split over strings joined by `+`. The
shapes and the other-vendor test are the ECMAScript reader's (`concepts.secret_literals`)."""
from __future__ import annotations

import ast

from ...concepts.secret_literals import SECRET_LITERAL, SECRET_PREFIXES, may_hold_secret_literal, secret_literals

LITERAL_RULE = "CLK715"


def _name(node) -> str:
    """What the literal is bound to: keyword, assignment target, dict key, called function."""
    if type(node) is ast.Name:
        return node.id
    if type(node) is ast.Attribute:
        return node.attr
    if type(node) is ast.Constant and type(node.value) is str:
        return node.value
    return ""


def _context_name(node, parents) -> str:
    child = node
    for _ in range(4):
        parent = parents.get(child)
        t = type(parent)
        if parent is None:
            return ""
        if t is ast.keyword:
            return parent.arg or ""
        if t is ast.Assign:
            return _name(parent.targets[0]) if parent.targets else ""
        if t is ast.AnnAssign or t is ast.AugAssign:
            return _name(parent.target)
        if t is ast.Dict:
            for key, value in zip(parent.keys, parent.values):
                if value is child:
                    return _name(key)
            return ""
        if t is ast.Call:
            return _name(parent.func)
        child = parent
    return ""


def _joined(node, parents):
    """(the `+` expression, its text) when `node` is the first string of a chain of string
    constants joined by `+`; else (None, "")."""
    top = node
    while type(parents.get(top)) is ast.BinOp and type(parents[top].op) is ast.Add:
        top = parents[top]
    if top is node:
        return None, ""
    parts, stack = [], [top]
    while stack:
        item = stack.pop()
        if type(item) is ast.BinOp and type(item.op) is ast.Add:
            stack += [item.right, item.left]
        elif type(item) is ast.Constant and type(item.value) is str:
            parts.append(item)
        else:
            return None, ""
    if parts[0] is not node:
        return None, ""
    return top, "".join(p.value for p in parts)


def secret_literal_findings(walk) -> None:
    """Add a CLK715 finding to `walk` (the walker's PyFile) for each secret literal."""
    if not may_hold_secret_literal(walk.source.data.lower()):
        return
    parents = walk.b.parents
    for node in walk.b.nodes:
        if type(node) is not ast.Constant or type(node.value) is not str:
            continue
        target, text = node, node.value
        if not SECRET_LITERAL.search(text):
            if not text.endswith(SECRET_PREFIXES):
                continue
            target, text = _joined(node, parents)
            if target is None or not SECRET_LITERAL.search(text):
                continue
        hit = next(secret_literals(text, _context_name(target, parents)), None)
        if hit is not None:
            walk.add(LITERAL_RULE, target, symbol=hit[2], package="", detail=hit[2], details=hit[3])
