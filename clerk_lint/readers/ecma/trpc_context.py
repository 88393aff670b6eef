"""tRPC contexts built from Clerk auth.

`const t = initTRPC.context<typeof createContext>().create()` where `createContext` returns
`{ auth: getAuth(req) }` / `{ auth: await auth() }` / `{ userId }` (from Clerk, here or through
an imported wrapper): `t` becomes a builder origin (`Origin.context`), so the `{ ctx }` of every
procedure and middleware built from it is bound to that context (bindings._context_params), in
this file and, through the exported `protectedProcedure` / `createTRPCRouter`, in its importers.
"""
from __future__ import annotations

from typing import Optional

import tree_sitter as ts

from .bindings import Origin, Resolver, called_value
from .imports import ImportDecl, TRANSPARENT, text

TRPC_MODULES = frozenset({"@trpc/server"})


def _type_query_name(node: ts.Node) -> Optional[ts.Node]:
    """The identifier of the first `typeof X` inside a type (iterative)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "type_query":
            inner = current.named_children[0] if current.named_children else None
            if inner is not None and inner.type == "identifier":
                return inner
        stack.extend(reversed(current.named_children))
    return None


def _alias_value(root: ts.Node, name: bytes) -> Optional[ts.Node]:
    """`type Context = Awaited<ReturnType<typeof createContext>>` at the top level."""
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
        if decl is not None and decl.type == "type_alias_declaration":
            alias = decl.child_by_field_name("name")
            if alias is not None and alias.text == name:
                return decl.child_by_field_name("value")
    return None


def _context_function(root: ts.Node, call: ts.Node) -> Optional[ts.Node]:
    """The `X` of `initTRPC.context<typeof X>()` or of `.context<Alias>()`."""
    arguments = call.child_by_field_name("type_arguments")
    if arguments is None:
        return None
    found = _type_query_name(arguments)
    if found is not None:
        return found
    for child in arguments.named_children:
        if child.type == "type_identifier":
            value = _alias_value(root, child.text)
            if value is not None:
                return _type_query_name(value)
    return None


def _context_origin(ident: ts.Node, resolver: Resolver, builder) -> Optional[Origin]:
    """What calling the context factory gives, when it is a Clerk value or an object with
    Clerk fields (`builder`: exports.SummaryBuilder, which judges wrappers)."""
    target = resolver.scopes.resolve(ident)
    if target is None:
        return None
    bound = resolver.bound.get(target.id)
    if bound is not None:  # an imported wrapper: `import { createContext } from "./context"`
        return called_value(bound.wrapper) if bound.wrapper is not None else None
    name_node, value = builder._definition(ident)
    if name_node is None or value is None:
        return None
    from .exports import FUNCTION_NODES, _strip
    value = _strip(value)
    if value.type not in FUNCTION_NODES:
        return None
    wrapper = builder.wrapper_of(text(name_node), name_node, value)
    return called_value(wrapper) if wrapper is not None else None


def builder_seeds(data: bytes, root: ts.Node, imports: list[ImportDecl], resolver: Resolver,
                  builder) -> dict[int, tuple[ts.Node, Origin]]:
    """Definitions holding a tRPC builder of a Clerk-backed context: id -> (name, builder origin)."""
    seeds: dict[int, tuple[ts.Node, Origin]] = {}
    if b"initTRPC" not in data:
        return seeds
    locals_ = [n.local for d in imports if d.source in TRPC_MODULES for n in d.names
               if n.imported == "initTRPC" and n.local is not None]
    for local in locals_:
        for ref in resolver.refs(text(local)):
            member = ref.parent
            if member is None or member.type != "member_expression" or member.child_by_field_name("object") != ref:
                continue
            prop = member.child_by_field_name("property")
            call = member.parent
            if prop is None or text(prop) != "context" or call is None or call.type != "call_expression":
                continue
            factory = _context_function(root, call)
            context = _context_origin(factory, resolver, builder) if factory is not None else None
            if context is None:
                continue
            top = call  # up the `.create()` chain to the declaration
            while top.parent is not None and (top.parent.type in ("member_expression", "call_expression")
                                              or top.parent.type in TRANSPARENT):
                top = top.parent
            declarator = top.parent
            if declarator is None or declarator.type != "variable_declarator":
                continue
            name = declarator.child_by_field_name("name")
            if name is not None and name.type == "identifier" and resolver.scopes.is_definition(name):
                seeds[name.id] = (name, Origin(context.module, context.export, (), context.via, context.related,
                                               context=context))
    return seeds
