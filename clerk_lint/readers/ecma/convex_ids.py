"""Clerk ids on their way through a file, for the writes of readers/ecma/stored_ids.py: the
names a value is kept under, the app's own helpers returning it, Convex's index and filter
expressions comparing a field with it, and Convex functions called with it.

- aliases: `const userId = identity?.subject ?? null` -> every later read of `userId`;
- helpers: `const getUserId = async (ctx) => (await ctx.auth.getUserIdentity())?.subject` ->
  every `getUserId(ctx)` call in the file;
- Convex filters: `ctx.db.query("votes").withIndex("by_user", (q) => q.eq("userId", id))` and
  `.filter((q) => q.eq(q.field("userId"), id))` compare the field of the queried table;
- Convex function calls: `ctx.runMutation(internal.users.upsert, { userId: id })` passes the id
  to the argument of a function declared in `convex/users.ts`, whose handler is read again by
  the project pass (resolve/stored_ids.py -> stored_ids.handler_writes).
"""
from __future__ import annotations

import posixpath
from typing import Iterable, Optional

import tree_sitter as ts

from .records import ImportDecl, text

Value = tuple[ts.Node, str, str]  # (node, id kind, source text shown)
_WRAPPERS = frozenset({"non_null_expression", "parenthesized_expression", "as_expression", "satisfies_expression",
                       "await_expression", "type_assertion"})
_FUNCTIONS = ("arrow_function", "function_declaration", "function_expression", "method_definition",
              "generator_function_declaration")
# Convex: calling another function with arguments -> the index of the function reference.
_CONVEX_CALLS = {"runMutation": 0, "runQuery": 0, "runAction": 0, "runAfter": 1, "runAt": 1}
_CONVEX_DEFINERS = frozenset({"mutation", "query", "action", "internalMutation", "internalQuery", "internalAction",
                              "httpAction"})
MAX_ROUNDS = 4  # alias of an alias of a helper's result ...


def _outer(node: ts.Node) -> ts.Node:
    """The outermost expression that still holds the same value: `await x!`, `x ?? null`,
    `cond ? x : null`."""
    while node.parent is not None:
        parent = node.parent
        if parent.type in _WRAPPERS:
            node = parent
        elif parent.type == "binary_expression" and text(parent.child_by_field_name("operator")) in ("??", "||") \
                and parent.child_by_field_name("left") == node:
            node = parent
        elif parent.type == "ternary_expression" and parent.child_by_field_name("condition") != node:
            node = parent
        else:
            return node
    return node


def scope_of(node: ts.Node) -> ts.Node:
    while node.parent is not None and node.type not in _FUNCTIONS:
        node = node.parent
    return node


def reads_of(scope: ts.Node, name: str, skip: Optional[ts.Node] = None) -> Iterable[ts.Node]:
    """Identifiers reading `name` in `scope` (object shorthands included), not inside `skip`."""
    stack = [scope]
    while stack:
        node = stack.pop()
        if skip is not None and node.id == skip.id:
            continue
        if node.type in ("identifier", "shorthand_property_identifier") and text(node) == name:
            parent = node.parent
            if not (parent is not None and parent.type == "member_expression"
                    and parent.child_by_field_name("property") == node):
                yield node
        stack.extend(node.named_children)


def _aliases(node: ts.Node, kind: str) -> Iterable[Value]:
    """Reads of the variable a value is kept in (`const userId = <value>`)."""
    top = _outer(node)
    declarator = top.parent
    if declarator is None or declarator.type != "variable_declarator" or declarator.child_by_field_name("value") != top:
        return
    name = declarator.child_by_field_name("name")
    if name is None or name.type != "identifier":
        return
    for read in reads_of(scope_of(declarator), text(name), skip=name):
        yield read, kind, text(name)


def _helper_name(node: ts.Node) -> str:
    """The name of the file's function returning the value (`return identity.subject`, or an
    arrow function's expression body), or ''."""
    top = _outer(node)
    parent = top.parent
    function = None
    if parent is not None and parent.type == "return_statement":
        function = scope_of(parent)
    elif parent is not None and parent.type == "arrow_function" and parent.child_by_field_name("body") == top:
        function = parent
    if function is None or function.type not in _FUNCTIONS:
        return ""
    if function.type == "function_declaration":
        found = function.child_by_field_name("name")
        return text(found) if found is not None else ""
    holder = function.parent
    if holder is not None and holder.type == "variable_declarator":
        found = holder.child_by_field_name("name")
        return text(found) if found is not None and found.type == "identifier" else ""
    return ""


def _calls_of(root: ts.Node, name: str) -> Iterable[ts.Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and text(fn) == name:
                yield node
        stack.extend(node.named_children)


def spread(root: ts.Node, values: dict[int, Value], origin: Optional[dict[int, int]] = None) -> dict[int, Value]:
    """`values` with the reads of the variables they are kept in and the calls of the file's
    helpers returning them (a few rounds: an alias of a helper's result). `origin` gets, for
    each value added, the key of the value in `values` it comes from."""
    out = dict(values)
    origin = {} if origin is None else origin
    fresh = list(values.values())
    helpers: set[str] = set()
    for _ in range(MAX_ROUNDS):
        found: list[tuple[int, Value]] = []
        for node, kind, _shown in fresh:
            source = origin.get(node.id, node.id)
            found.extend((source, v) for v in _aliases(node, kind))
            helper = _helper_name(node)
            if helper and helper not in helpers:
                helpers.add(helper)
                found.extend((source, (call, kind, text(call))) for call in _calls_of(root, helper))
        fresh = []
        for source, value in found:
            if value[0].id not in out:
                out[value[0].id] = value
                origin[value[0].id] = source
                fresh.append(value)
        if not fresh:
            break
    return out


def _callee(call: ts.Node) -> tuple[str, Optional[ts.Node]]:
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return "", None
    return text(fn.child_by_field_name("property")), fn.child_by_field_name("object")


def _args(call: ts.Node) -> list[ts.Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def _string(node: Optional[ts.Node]) -> str:
    return text(node)[1:-1] if node is not None and node.type == "string" else ""


def _queried_table(call: ts.Node) -> str:
    """`ctx.db.query("votes").withIndex(...)`: the table down the builder chain, or ''."""
    node = _callee(call)[1]
    while node is not None:
        if node.type == "call_expression":
            method, receiver = _callee(node)
            if method == "query":
                return _string((_args(node) or [None])[0])
            node = receiver
        elif node.type in _WRAPPERS:
            node = node.named_children[0] if node.named_children else None
        else:
            return ""
    return ""


def _callback_call(node: ts.Node, methods: tuple[str, ...]) -> Optional[ts.Node]:
    """The `.withIndex(...)` / `.filter(...)` call whose callback holds `node`."""
    function = node
    while function is not None and function.type not in ("arrow_function", "function_expression"):
        function = function.parent
    if function is None or function.parent is None or function.parent.type != "arguments":
        return None
    call = function.parent.parent
    return call if call is not None and _callee(call)[0] in methods else None


def convex_filter(call: ts.Node, value: ts.Node) -> Optional[tuple[str, str]]:
    """`q.eq("userId", value)` in a `withIndex` callback, `q.eq(q.field("userId"), value)` in a
    `filter` callback of `ctx.db.query("t")`: (table, field)."""
    method, _ = _callee(call)
    args = _args(call)
    if method != "eq" or len(args) != 2 or args[1] != value:
        return None
    first = args[0]
    if first.type == "string":
        outer = _callback_call(call, ("withIndex", "withSearchIndex"))
        column = _string(first)
    elif first.type == "call_expression" and _callee(first)[0] == "field":
        outer = _callback_call(call, ("filter",))
        column = _string((_args(first) or [None])[0])
    else:
        return None
    table = _queried_table(outer) if outer is not None else ""
    return (table, column) if table and column else None


def convex_api_dirs(imports: list[ImportDecl], relpath: str) -> dict[str, str]:
    """Local names of Convex's generated `api` / `internal` objects -> the functions folder
    (relative, like `relpath`): `import { internal } from "./_generated/api"` in convex/http.ts."""
    out: dict[str, str] = {}
    for decl in imports:
        source = decl.source
        if not source.startswith(".") or posixpath.basename(posixpath.dirname(source)) != "_generated" \
                or posixpath.splitext(posixpath.basename(source))[0] != "api":
            continue
        folder = posixpath.normpath(posixpath.join(posixpath.dirname(relpath), source, "..", ".."))
        for name in decl.names:
            if name.local is not None and name.imported in ("api", "internal"):
                out[text(name.local)] = "" if folder == "." else folder
    return out


def _reference(node: ts.Node, api_dirs: dict[str, str]) -> Optional[tuple[str, str]]:
    """`internal.users.upsert` / `(internal as any).admin.users.upsert` -> (folder, "users.upsert")."""
    parts = []
    while node is not None:
        if node.type == "member_expression":
            parts.append(text(node.child_by_field_name("property")))
            node = node.child_by_field_name("object")
        elif node.type in _WRAPPERS:
            node = node.named_children[0] if node.named_children else None
        elif node.type == "identifier" and text(node) in api_dirs and len(parts) >= 2:
            return api_dirs[text(node)], ".".join(reversed(parts))
        else:
            return None
    return None


def convex_call_target(obj: ts.Node, call: ts.Node, api_dirs: dict[str, str]) -> Optional[tuple[str, str]]:
    """`ctx.runMutation(internal.users.upsert, obj)` -> (functions folder, "users.upsert")."""
    method, _ = _callee(call)
    at = _CONVEX_CALLS.get(method)
    args = _args(call)
    if at is None or len(args) < at + 2 or args[at + 1] != obj:
        return None
    return _reference(args[at], api_dirs)


def handler_params(root: ts.Node, export: str) -> Optional[tuple[ts.Node, ts.Node]]:
    """(handler function, its arguments parameter) of `export const <export> = mutation({ handler })`
    (or `internalMutation(async (ctx, args) => ...)`)."""
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else None
        if decl is None or decl.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in decl.named_children:
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is None or text(name) != export or value is None or value.type != "call_expression":
                continue
            fn = value.child_by_field_name("function")
            if fn is None or text(fn).split(".")[-1] not in _CONVEX_DEFINERS:
                return None
            handler = None
            for arg in _args(value):
                if arg.type in ("arrow_function", "function_expression"):
                    handler = arg
                elif arg.type == "object":
                    for pair in arg.named_children:
                        key = pair.child_by_field_name("key") if pair.type in ("pair", "method_definition") else None
                        if key is None or text(key) != "handler":
                            continue
                        handler = pair if pair.type == "method_definition" else pair.child_by_field_name("value")
            params = handler.child_by_field_name("parameters") if handler is not None else None
            named = [p for p in params.named_children if p.type != "comment"] if params is not None else []
            if len(named) < 2:
                return None
            param = named[1].child_by_field_name("pattern") or named[1]
            return handler, param
    return None


def argument_reads(handler: ts.Node, param: ts.Node, key: str) -> Iterable[ts.Node]:
    """Where the handler reads its argument `key`: `args.userId`, or `userId` of `{ userId }`."""
    body = handler.child_by_field_name("body")
    if body is None:
        return
    if param.type == "identifier":
        for read in reads_of(body, text(param)):
            parent = read.parent
            if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == read \
                    and text(parent.child_by_field_name("property")) == key:
                yield parent
    elif param.type == "object_pattern":
        for prop in param.named_children:
            if prop.type == "shorthand_property_identifier_pattern" and text(prop) == key:
                yield from reads_of(body, key)
            elif prop.type == "pair_pattern" and text(prop.child_by_field_name("key")) == key:
                alias = prop.child_by_field_name("value")
                if alias is not None and alias.type == "identifier":
                    yield from reads_of(body, text(alias))
