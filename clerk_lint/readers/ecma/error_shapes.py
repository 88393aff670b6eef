"""Clerk's error shape read where a Clerk call failed (CLK230): `err.errors[0].longMessage`,
`err.errors[0].code === "form_identifier_exists"`, `(e as ClerkAPIResponseError).errors` in the
`catch` of a `try` that calls a custom flow, a resource method or the Backend API, in a
`.catch((err) => ...)` on such a call, or wherever the caught value was checked with
`isClerkAPIResponseError(err)`. The caught value is followed by name inside the handler; a
`catch` around code with no Clerk call (a fetch helper reading another API's `errors`) is silent."""
from __future__ import annotations

from typing import Callable, Iterable, Optional

import tree_sitter as ts

from ...concepts.clerk_errors import better_auth_code
from ...findings import Finding
from .records import named_descendants

ERROR_SHAPE_RULE = "CLK230"
# Categories of the findings whose calls throw Clerk's API errors when they fail.
THROWING = frozenset({"custom-flow", "resource-method", "backend-api", "server-helper"})
_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression",
                       "type_assertion"})
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})


def _text(node: Optional[ts.Node]) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _handlers(root: ts.Node) -> Iterable[tuple[str, ts.Node, ts.Node]]:
    """(caught name, handler body, what it guards) of each `catch (err) {}` and `.catch((err) => ...)`."""
    for node in named_descendants(root):
        if node.type == "catch_clause":
            param, body = node.child_by_field_name("parameter"), node.child_by_field_name("body")
            guarded = node.parent.child_by_field_name("body") if node.parent is not None else None
            if param is not None and param.type == "identifier" and body is not None and guarded is not None:
                yield _text(param), body, guarded
        elif node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is None or fn.type != "member_expression" or _text(fn.child_by_field_name("property")) != "catch" \
                    or args is None:
                continue
            callback = next((a for a in args.named_children if a.type in _FUNCTIONS), None)
            if callback is None:
                continue
            params = callback.child_by_field_name("parameter") or callback.child_by_field_name("parameters")
            first = params if params is not None and params.type == "identifier" else \
                next((p for p in (params.named_children if params is not None else [])), None)
            if first is not None and first.type in ("required_parameter", "optional_parameter"):
                first = first.child_by_field_name("pattern")
            body = callback.child_by_field_name("body")
            guarded = fn.child_by_field_name("object")
            if first is not None and first.type == "identifier" and body is not None and guarded is not None:
                yield _text(first), body, guarded


def _outer(node: ts.Node) -> ts.Node:
    while node.parent is not None and node.parent.type in _WRAPPERS:
        node = node.parent
    return node


def _reads(body: ts.Node, name: str) -> Iterable[ts.Node]:
    """The outermost member chains `<name>.errors...` in `body` (`err.errors[0]?.longMessage`)."""
    for node in named_descendants(body):
        if node.type != "identifier" or _text(node) != name:
            continue
        head = _outer(node)
        member = head.parent
        if member is None or member.type != "member_expression" or member.child_by_field_name("object") != head \
                or _text(member.child_by_field_name("property")) != "errors":
            continue
        chain = member
        while chain.parent is not None and (
                chain.parent.type in ("member_expression", "subscript_expression")
                and chain.parent.child_by_field_name("object") == chain):
            chain = chain.parent
        if chain is not member and chain.type == "member_expression" and chain.parent is not None \
                and chain.parent.type == "call_expression" and chain.parent.child_by_field_name("function") == chain:
            chain = chain.child_by_field_name("object")  # `err.errors.map(...)`: the array, not its method
        yield chain


def _compared_code(chain: ts.Node) -> str:
    """The string an error code is compared with: `err.errors[0].code === "form_identifier_exists"`."""
    parent = _outer(chain).parent
    if parent is None or parent.type != "binary_expression" or _text(parent.child_by_field_name("operator")) \
            not in ("===", "==", "!==", "!="):
        return ""
    for side in (parent.child_by_field_name("left"), parent.child_by_field_name("right")):
        if side is not None and side.type == "string":
            return _text(side)[1:-1]
    return ""


def _symbol(chain: ts.Node, name: str) -> str:
    """`err.errors[0]?.longMessage` -> `err.errors[0].longMessage` (index literals kept)."""
    parts: list[str] = []
    node = chain
    while node.type in ("member_expression", "subscript_expression"):
        if node.type == "member_expression":
            parts.append("." + _text(node.child_by_field_name("property")))
        else:
            parts.append("[" + _text(node.child_by_field_name("index")) + "]")
        node = node.child_by_field_name("object")
        while node is not None and node.type in _WRAPPERS:
            node = node.named_children[0] if node.named_children else None
        if node is None:
            break
    return name + "".join(reversed(parts))


def findings(root: ts.Node, data: bytes, found: list[Finding], make: Callable[[ts.Node, str, str, tuple], Finding], line_of: Callable[[ts.Node], int]) -> list[Finding]:
    """CLK230 findings: `found` are the file's findings so far (what marks a guarded call as
    Clerk's); `make(node, symbol, detail, details)` builds one."""
    if b".errors" not in data:
        return []
    throwing = sorted({f.location.line for f in found if f.category in THROWING})
    narrowed = sorted({f.location.line for f in found if f.category == "error-handling"})
    if not throwing:
        return []
    out: list[Finding] = []
    lines: set[int] = set()
    for name, body, guarded in _handlers(root):
        start, end = line_of(guarded), guarded.end_point[0] + 1
        body_start, body_end = line_of(body), body.end_point[0] + 1
        clerk = any(start <= line <= end for line in throwing) or any(body_start <= line <= body_end for line in narrowed)
        if not clerk:
            continue
        for chain in _reads(body, name):
            line = line_of(chain)
            if line in lines:
                continue
            lines.add(line)
            code = _compared_code(chain)
            symbol = _symbol(chain, name)
            details: tuple = (("clerk_code", code), ("better_auth_code", better_auth_code(code))) if code else ()
            replacement = better_auth_code(code)
            detail = f"; Clerk error code {code}" + (f" is Better Auth's {replacement}" if replacement else
                                                     " has no Better Auth counterpart: check error.code / error.status") \
                if code else ""
            out.append(make(chain, symbol, detail, details))
    return out
