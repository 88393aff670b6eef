"""Webhook handlers that take Clerk's payloads without svix or Clerk's helpers (CLK604-CLK606):
event names a handler branches on or validates (comparisons, `switch` cases, zod / valibot
literals and enums, TypeScript literal types, dispatch-map keys, queued `clerk/user.created`
names), a hand-rolled Svix check (header reads, `whsec_` handling, HMAC and compare), and the
route that receives them. Event names follow the gate of concepts/webhook_events."""
from __future__ import annotations

from typing import Callable, Optional

import tree_sitter as ts

from ...classify.classifier import Classifier
from ...concepts.catalog import Catalog, webhook_hook
from ...concepts.webhook_events import SECRET_PREFIX, SVIX_HEADERS, EventGate, has_payload_context, names_clerk, queued_event
from ...findings import Finding
from .queries import captures

PAYLOAD_EVENT, HAND_ROLLED_SVIX, WEBHOOK_ROUTE = "CLK604", "CLK605", "CLK606"
# Calls whose string arguments are the values a schema accepts (zod, valibot, yup, arktype).
_SCHEMA_CALLS = frozenset({"literal", "enum", "picklist", "oneOf", "nativeEnum", "union", "includes"})
_COMPARISONS = frozenset({"===", "==", "!==", "!="})
# String methods that cut the `whsec_` prefix off to decode the key (not an env schema's startsWith).
_STRIPPING = frozenset({"replace", "replaceAll", "split", "slice", "substring", "substr"})


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _callee_name(call: ts.Node) -> str:
    fn = call.child_by_field_name("function")
    if fn is None:
        return ""
    if fn.type == "member_expression":
        return _text(fn.child_by_field_name("property"))
    return _text(fn)


def _is_event_position(string: ts.Node) -> bool:
    """Where a string is an event name a handler checks: compared, a `case`, a schema's
    literal, a literal type, a dispatch-map key, or an element of an array such a call takes."""
    parent = string.parent
    if parent is None:
        return False
    kind = parent.type
    if kind == "binary_expression":
        return _text(parent.child_by_field_name("operator")) in _COMPARISONS
    if kind in ("switch_case", "literal_type"):
        return True
    if kind == "pair":
        return parent.child_by_field_name("key") == string
    holder = parent
    if holder.type == "array":  # z.enum(["user.created", ...]), [...].includes(evt.type)
        up = holder.parent
        if up is not None and up.type == "member_expression" and _text(up.child_by_field_name("property")) == "includes":
            return True
        holder = up
    if holder is not None and holder.type == "arguments":
        call = holder.parent
        return call is not None and call.type == "call_expression" and _callee_name(call) in _SCHEMA_CALLS
    return False


def _is_header_read(string: ts.Node) -> bool:
    """`headers.get("svix-id")`, `req.headers["svix-signature"]`, `header("svix-timestamp")`."""
    parent = string.parent
    if parent is None:
        return False
    if parent.type == "subscript_expression":
        return True
    return parent.type == "arguments"


def findings(lang: str, root: ts.Node, relpath: str, data: bytes, catalog: Catalog,
             classifier: Classifier, taken: Callable[[ts.Node], bool], verified: bool,
             branched: Optional[list[ts.Node]] = None) -> list[Finding]:
    """The file's CLK604-CLK606 findings; `taken(node)` says a span already holds a finding of
    Clerk's own helpers (CLK602 on the same comparison), which wins; `verified`: the file
    verifies with svix or Clerk's helper (CLK601), so its Svix header reads feed that.
    `branched` receives the Clerk event names the file branches on (payload_fields)."""
    strings = [n.parent for n in captures(lang, "strings", root).get("secret-literal", [])
               if n.parent is not None and n.parent.type == "string"]
    values = [(_text(s)[1:-1], s) for s in strings]
    events = catalog.webhook_events
    text = data.decode("utf-8", "replace")
    gate = EventGate(events, relpath, text, [v for v, s in values if _is_event_position(s)])
    out: list[Finding] = []
    handled: list[int] = []  # where the reported event names are
    event_rule = catalog.rule(PAYLOAD_EVENT)
    branches: list[ts.Node] = []  # Clerk event names the file branches on: their payload's reads
    for value, node in values:
        queued = queued_event(value, events)  # `clerk/user.created` names Clerk wherever it is
        if taken(node):
            branches.append(node)
            continue
        if queued is None and not _is_event_position(node):
            continue
        event = queued or gate.event(value)
        if event is None:
            continue
        branches.append(node)
        out.append(classifier.finding(event_rule, node, symbol=value, module="", detail=webhook_hook(event),
                                      details=(("event", event),)))
        handled.append(node.start_byte)
    clerk_context = names_clerk(relpath) or names_clerk(text) or bool(out) or has_payload_context(
        text.lower().replace("svix-", ""))  # Svix signs other services' webhooks too (Resend ...)
    svix_rule = catalog.rule(HAND_ROLLED_SVIX)
    reads_headers = False
    if clerk_context and not verified:
        for value, node in values:
            low = value.lower()
            if low in SVIX_HEADERS and _is_header_read(node):
                reads_headers = True
                out.append(classifier.finding(svix_rule, node, symbol=value, module="",
                                              detail=f"reads the {low} header", details=(("svix", low),)))
            elif (low == SECRET_PREFIX and node.parent is not None and node.parent.type == "arguments"
                  and _callee_name(node.parent.parent) in _STRIPPING):
                out.append(classifier.finding(svix_rule, node.parent.parent, symbol=SECRET_PREFIX, module="",
                                              detail="strips the whsec_ prefix of the signing secret",
                                              details=(("svix", "secret-prefix"),)))
    found = captures(lang, "webhooks", root)
    if reads_headers:
        for name in found.get("signing-call", []):
            call = name.parent.parent if name.parent is not None and name.parent.type == "member_expression" else name.parent
            if call is None or call.type != "call_expression":
                continue
            callee = _text(name)
            if callee in ("sign", "importKey") and "hmac" not in _text(call.child_by_field_name("arguments")).lower():
                continue  # crypto.subtle.sign("HMAC", ...) / importKey(..., { name: "HMAC" }, ...)
            what = "compares the signature" if callee == "timingSafeEqual" else "computes the signed-content HMAC"
            out.append(classifier.finding(svix_rule, call, symbol=callee, module="", detail=what,
                                          details=(("svix", callee),)))
    if found.get("route-call") or out:
        out.extend(_routes(root, found.get("route-call", []), catalog, classifier, has_handler=bool(out),
                           handled=handled))
    if branched is not None:
        branched.extend(branches)
    return out


def _declarations(root: ts.Node) -> dict[str, ts.Node]:
    """Top-level functions and constants by name (a route's handler given by name)."""
    out: dict[str, ts.Node] = {}
    for statement in root.named_children:
        node = statement.child_by_field_name("declaration") if statement.type == "export_statement" else statement
        if node is None:
            continue
        if node.type == "function_declaration":
            out[_text(node.child_by_field_name("name"))] = node
        elif node.type in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                if declarator.type == "variable_declarator":
                    out[_text(declarator.child_by_field_name("name"))] = declarator
    return out


def _handlers(call: ts.Node, items: list[ts.Node]) -> list[ts.Node]:
    """What a route call hands the request to: Convex `{ handler }`, Express / Hono later arguments."""
    if items and items[0].type == "object":
        return [pair.child_by_field_name("value") for pair in items[0].named_children
                if pair.type == "pair" and _text(pair.child_by_field_name("key")).strip("\"'") == "handler"]
    return items[1:]


def _routes(root: ts.Node, calls: list[ts.Node], catalog: Catalog, classifier: Classifier,
            has_handler: bool, handled: list[int] = ()) -> list[Finding]:
    """The registration of a route that receives Clerk's webhooks: a route call whose path names
    Clerk or webhooks, whose handler (inline, or a function of this file given by name) holds a
    reported event branch, or (in a file holding the handler) an exported POST handler."""
    rule = catalog.rule(WEBHOOK_ROUTE)
    out = []
    declared: Optional[dict[str, ts.Node]] = None
    for call in calls:
        args = call.child_by_field_name("arguments")
        items = [c for c in args.named_children if c.type != "comment"] if args is not None else []
        first = items[0] if items else None
        handles = False
        for handler in _handlers(call, items) if handled else ():
            if handler is not None and handler.type == "identifier":
                if declared is None:
                    declared = _declarations(root)
                handler = declared.get(_text(handler))
            if handler is not None and any(handler.start_byte <= start < handler.end_byte for start in handled):
                handles = True
        path = ""
        if first is not None and first.type == "string":
            path = _text(first)[1:-1]
        elif first is not None and first.type == "object":
            for pair in first.named_children:
                if pair.type == "pair" and _text(pair.child_by_field_name("key")).strip("\"'") in ("path", "pathPrefix"):
                    value = pair.child_by_field_name("value")
                    path = _text(value)[1:-1] if value is not None and value.type == "string" else ""
        if not path.startswith("/") or not (handles or names_clerk(path) or (has_handler and "webhook" in path.lower())):
            continue
        out.append(classifier.finding(rule, call, symbol=path, module="", detail=path, details=(("route", path),)))
    if has_handler and not out:
        for statement in root.named_children:
            if statement.type != "export_statement":
                continue
            declaration = statement.child_by_field_name("declaration")
            name = ""
            if declaration is not None and declaration.type == "function_declaration":
                name = _text(declaration.child_by_field_name("name"))
            elif declaration is not None and declaration.type == "lexical_declaration":
                declarator = next((c for c in declaration.named_children if c.type == "variable_declarator"), None)
                name = _text(declarator.child_by_field_name("name")) if declarator is not None else ""
            if name == "POST":
                out.append(classifier.finding(rule, declaration, symbol="POST", module="",
                                              detail="exported POST handler", details=(("route", "POST"),)))
    return out
