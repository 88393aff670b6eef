"""Fields of a Clerk webhook payload read in a handler that branches on Clerk's event names
(CLK241), found from the branch back to the payload's binding: `switch (payload.type) { case
"user.created": ... payload.data.email_addresses }`, `if (evt.type === "user.deleted")`, also
through `const { type, data } = evt` and `const eventType = evt.type`. Catches the payloads
that value flow does not hold (a `req.json()` body, a local `validateRequest()` result); the
analyzer's merge keeps one finding per line where both see the same read."""
from __future__ import annotations

from typing import Optional

import tree_sitter as ts

from ...classify.classifier import Classifier
from ...concepts.catalog import Catalog
from ...findings import Finding
from .bindings import _walk_chain
from .imports import pattern_names
from .records import TRANSPARENT, text
from .scopes import ScopeIndex
from .value_reads import in_log_call

PAYLOAD_RULE = "CLK241"


def _inner(node: Optional[ts.Node]) -> Optional[ts.Node]:
    while node is not None and node.type in TRANSPARENT:
        node = node.named_children[0] if node.named_children else None
    return node


def _discriminant(event: ts.Node) -> Optional[ts.Node]:
    """The expression an event-name string is compared with."""
    parent = event.parent
    if parent is None:
        return None
    if parent.type == "binary_expression":
        left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
        return _inner(right if left == event else left)
    if parent.type == "switch_case":
        switch = parent.parent.parent if parent.parent is not None else None
        return _inner(switch.child_by_field_name("value")) if switch is not None and switch.type == "switch_statement" else None
    return None


def _declarator_value(definition: ts.Node) -> tuple[Optional[ts.Node], tuple[str, ...]]:
    """(the value a name was declared from, the member path the pattern took from it)."""
    node, path = definition, ()
    for _ in range(_UP):  # out of a destructuring pattern, at most a few levels
        if node.parent is None or node.parent.type == "variable_declarator":
            break
        node = node.parent
    declarator = node.parent
    if declarator is None or declarator.type != "variable_declarator":
        return None, ()
    pattern = declarator.child_by_field_name("name")
    if pattern is not None and pattern.type == "object_pattern":
        path = next((p for p, ident in pattern_names(pattern) if ident == definition), ())
    return _inner(declarator.child_by_field_name("value")), path


def _payload_of(expression: Optional[ts.Node], scopes: ScopeIndex) -> Optional[ts.Node]:
    """The definition of the payload whose `.type` the expression is: `evt.type`, or a name
    declared from it (`const { type } = evt`, `const eventType = evt.type`)."""
    if expression is None:
        return None
    if expression.type == "member_expression":
        prop, obj = expression.child_by_field_name("property"), _inner(expression.child_by_field_name("object"))
        if prop is None or text(prop) != "type" or obj is None or obj.type != "identifier":
            return None
        return scopes.resolve(obj)
    if expression.type == "identifier":
        definition = scopes.resolve(expression)
        if definition is None:
            return None
        value, path = _declarator_value(definition)
        if value is None:
            return None
        if path == (".type",) and value.type == "identifier":
            return scopes.resolve(value)
        if not path and value.type == "member_expression":
            return _payload_of(value, scopes)
    return None


def _references(root: ts.Node, definition: ts.Node, scopes: ScopeIndex) -> list[ts.Node]:
    name = definition.text
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and node.text == name and node != definition and scopes.resolve(node) == definition:
            out.append(node)
        stack.extend(node.children)
    return out


_UP = 8  # levels walked up from a name or read (each .parent walks from the root: keep it bounded)


def findings(lang: str, root: ts.Node, events: list[ts.Node], catalog: Catalog,
             classifier: Classifier) -> list[Finding]:
    """`events`: the Clerk event-name strings the file branches on."""
    scopes: Optional[ScopeIndex] = None
    payloads: dict[int, ts.Node] = {}
    typed: dict[int, ts.Node] = {}  # declarations that take the event's type
    for event in events:
        expression = _discriminant(event)
        if expression is None or expression.type not in ("member_expression", "identifier"):
            continue
        if scopes is None:
            scopes = ScopeIndex(lang, root)
        definition = _payload_of(expression, scopes)
        if definition is not None:
            payloads[definition.id] = definition
            if expression.type == "identifier":  # const eventType = evt.type: that line reads the type
                named = scopes.resolve(expression)
                if named is not None and named.parent is not None and named.parent.type == "variable_declarator":
                    typed[named.id] = named.parent.parent or named.parent
    if scopes is None or not payloads:
        return []
    rule = catalog.rule(PAYLOAD_RULE)
    out: list[Finding] = [classifier.finding(rule, node, symbol="type", module="", detail="type",
                                             details=(("field", "type"),)) for node in typed.values()]
    work = [(d, ()) for d in payloads.values()]
    seen: set[int] = set()
    while work:
        definition, prefix = work.pop()
        if definition.id in seen:
            continue
        seen.add(definition.id)
        for ref in _references(root, definition, scopes):
            steps, _, top = _walk_chain(ref)
            ops = (*prefix, *(s.op for s in steps))
            if in_log_call(ref, depth=_UP) or ops[:1] != (".data",) and ops:
                continue
            if len(ops) >= 2:
                step = steps[1 - len(prefix)]
                field = step.op[1:]
                out.append(classifier.finding(rule, step.node, symbol=field, module="", detail=field,
                                              details=(("field", field),)))
                continue
            holder = top
            while holder.parent is not None and holder.parent.type in TRANSPARENT:
                holder = holder.parent
            declarator = holder.parent
            if declarator is None or declarator.type != "variable_declarator" \
                    or declarator.child_by_field_name("value") != holder:
                continue
            pattern = declarator.child_by_field_name("name")
            if pattern is not None and pattern.type == "identifier" and ops == (".data",):
                work.append((pattern, ops))  # const data = payload.data
            elif pattern is not None and pattern.type == "object_pattern":
                names = [(p, ident) for p, ident in pattern_names(pattern) if p]
                if not ops:  # const { type, data } = payload: follow `data`
                    work += [(ident, p[:1]) for p, ident in names if p[:1] == (".data",) and len(p) == 1]
                    names = [(p, ident) for p, ident in names if p[:1] == (".data",)]
                if names:
                    shown = ", ".join(dict.fromkeys(p[-1][1:] for p, _ in names))
                    statement = declarator.parent if declarator.parent is not None else declarator
                    out.append(classifier.finding(rule, statement, symbol=shown, module="", detail=shown,
                                                  details=(("field", shown),)))
    return out
