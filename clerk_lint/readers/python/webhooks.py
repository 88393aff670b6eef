"""Clerk webhooks a Python service takes without svix or Clerk's SDK: which event names count
(concepts/webhook_events gate), `Literal["user.created"]` payload models, queued
`clerk/user.created` names, and a hand-rolled Svix check's header reads, `whsec_` handling
and constant-time compare (CLK607; the HMAC itself is CLK841)."""
from __future__ import annotations

import ast
from typing import Callable, Iterator, Optional

from ...concepts.webhook_events import (SECRET_PREFIX, SVIX_HEADERS, SVIX_META_HEADERS, EventGate,
                                        has_payload_context, names_clerk, queued_event)

SVIX_PIECE = "CLK607"
# String methods that cut the `whsec_` prefix off to decode the key (not a settings validator).
_STRIPPING = frozenset({"removeprefix", "replace", "split", "partition", "lstrip"})
_LITERAL = frozenset({"Literal", "typing.Literal", "typing_extensions.Literal", "t.Literal"})


def event_filter(events, relpath: str, text: str, clerk_file: bool,
                 candidates: list[str]) -> Callable[[str], Optional[str]]:
    """value -> the Clerk event it names, or None. A file that mentions Clerk or imports svix
    takes every Clerk event name (as before); any other file goes through the gate."""
    if clerk_file:
        return lambda value: value if value in events else queued_event(value, events)
    gate = EventGate(events, relpath, text, candidates)
    return gate.event


def literal_values(node: ast.AST) -> Iterator[ast.AST]:
    """The string elements of `Literal["user.created", "user.updated"]`."""
    if type(node) is not ast.Subscript:
        return
    head = node.value
    name = head.id if type(head) is ast.Name else (
        f"{head.value.id}.{head.attr}" if type(head) is ast.Attribute and type(head.value) is ast.Name else "")
    if name not in _LITERAL:
        return
    inner = node.slice
    for element in (inner.elts if type(inner) is ast.Tuple else [inner]):
        if type(element) is ast.Constant and type(element.value) is str:
            yield element


def has_clerk_context(relpath: str, text: str, clerk_signal: bool) -> bool:
    """Svix also signs other services' webhooks: its headers alone are no Clerk context."""
    return clerk_signal or names_clerk(relpath) or has_payload_context(
        text.lower().replace("svix-", "").replace("http_svix_", ""))


def svix_pieces(nodes, parents: dict, add) -> bool:
    """CLK607 for header reads (`request.headers["svix-id"]`, `.get("svix-signature")`,
    `META["HTTP_SVIX_ID"]`) and `whsec_` handling; then, when headers were read, the
    `hmac.compare_digest` of the signature. Returns whether any piece was found."""
    found = False
    compares = []
    for node in nodes:
        t = type(node)
        if t is ast.Call:
            func = node.func
            if type(func) is ast.Attribute and func.attr == "compare_digest" or type(func) is ast.Name and func.id == "compare_digest":
                compares.append(node)
            continue
        if t is not ast.Constant or type(node.value) is not str:
            continue
        low = node.value.lower()
        parent = parents.get(node)
        if low in SVIX_HEADERS or low in SVIX_META_HEADERS:
            if type(parent) is ast.Subscript and parent.slice is node or type(parent) is ast.Call and node in parent.args:
                add(SVIX_PIECE, node, symbol=node.value, package="", detail=f"reads the {low} header",
                    details=(("svix", low),))
                found = True
        elif (low == SECRET_PREFIX and type(parent) is ast.Call and node in parent.args
              and type(parent.func) is ast.Attribute and parent.func.attr in _STRIPPING):
            add(SVIX_PIECE, parent, symbol=SECRET_PREFIX, package="",
                detail="strips the whsec_ prefix of the signing secret", details=(("svix", "secret-prefix"),))
            found = True
    if found:
        for call in compares:
            add(SVIX_PIECE, call, symbol="compare_digest", package="", detail="compares the signature",
                details=(("svix", "compare_digest"),))
    return found


WEBHOOK_ROUTE = "CLK606"
# Findings that make a function a Clerk webhook handler.
_HANDLER_CODES = frozenset({"CLK840", "CLK841", "CLK842", SVIX_PIECE})
_ROUTE_DECORATORS = frozenset({"post", "route", "api_route", "put", "add_url_rule"})
_ROUTE_CALLS = frozenset({"path", "re_path", "url", "add_url_rule", "add_api_route", "add_route", "post", "route"})


def routes(f) -> None:
    """CLK606: the route receiving Clerk's webhooks: the route decorator of a function that
    handles them (`@router.post("/webhooks/users")` over a handler comparing Clerk event names
    or checking the Svix signature, itself or through a helper of the file), and route calls
    whose path names Clerk (Django `path("webhooks/clerk/", views.clerk_webhook)`)."""
    from .syntax import FUNCS

    b = f.b
    handlers = set()
    for node, finding in f.found:
        if finding.code in _HANDLER_CODES:
            for anc in b.ancestors(node):
                if isinstance(anc, FUNCS):
                    handlers.add(anc)
    if handlers:  # a function calling a handler helper of this file (`if not _verified(...)`)
        for node in b.nodes:
            if type(node) is ast.Call and b.definition(node.func) in handlers:
                for anc in b.ancestors(node):
                    if isinstance(anc, FUNCS):
                        handlers.add(anc)
                        break
    for func in handlers:
        for dec in func.decorator_list:
            if type(dec) is ast.Call and type(dec.func) is ast.Attribute and dec.func.attr in _ROUTE_DECORATORS \
                    and dec.args and type(dec.args[0]) is ast.Constant and isinstance(dec.args[0].value, str):
                path = dec.args[0].value
                f.add(WEBHOOK_ROUTE, dec, symbol=path, package="", detail=func.name,
                      details=(("route", path), ("handler", func.name)))
    for node in b.nodes:
        if type(node) is not ast.Call or not node.args:
            continue
        func = node.func
        name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
        first = node.args[0]
        if name not in _ROUTE_CALLS or type(first) is not ast.Constant or not isinstance(first.value, str):
            continue
        path = first.value
        if names_clerk(path) and "webhook" in path.lower() or any(
                b.definition(a) in handlers for a in node.args[1:2] if type(a) is ast.Name):
            f.add(WEBHOOK_ROUTE, node, symbol=path, package="", detail=path, details=(("route", path),))
