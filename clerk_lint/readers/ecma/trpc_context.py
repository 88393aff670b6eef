"""tRPC contexts built from Clerk auth.

`const t = initTRPC.context<typeof createContext>().create()` where `createContext` returns
`{ auth: getAuth(req) }` / `{ auth: await auth() }` / `{ userId }` (from Clerk, here or through
an imported wrapper, or handed to an inner factory: `return createContextInner({ auth })`):
`t` becomes a builder origin (`Origin.context`), so the `{ ctx }` of every
procedure and middleware built from it is bound to that context (bindings._context_params), in
this file and, through the exported `protectedProcedure` / `createTRPCRouter`, in its importers.
"""
from __future__ import annotations

import weakref
from typing import Optional

import tree_sitter as ts

from .bindings import Resolver, _function_params
from .records import TRANSPARENT, ImportDecl, Origin, text
from .exports import _returns_and_ifs, _strip, type_query_name
from .imports import pattern_names

TRPC_MODULES = frozenset({"@trpc/server"})


def _alias_value(root: ts.Node, name: bytes) -> Optional[ts.Node]:
    """`type Context = Awaited<ReturnType<typeof createContext>>` at the top level."""
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
        if decl is not None and decl.type == "type_alias_declaration":
            alias = decl.child_by_field_name("name")
            if alias is not None and alias.text == name:
                return decl.child_by_field_name("value")
    return None


def _context(root: ts.Node, call: ts.Node, builder, types: dict[bytes, Origin]) -> Optional[Origin]:
    """The context of `initTRPC.context<typeof X>()`, of `.context<Alias>()` with a local alias,
    or of an alias imported from the app's own module (`types`: local name -> its context)."""
    arguments = call.child_by_field_name("type_arguments")
    if arguments is None:
        return None
    found = type_query_name(arguments)
    if found is not None:
        return builder.returned_value(found) or handed_off(builder, found)
    for child in arguments.named_children:
        if child.type == "type_identifier":
            value = _alias_value(root, child.text)
            function = type_query_name(value) if value is not None else None
            if function is not None:
                return builder.returned_value(function) or handed_off(builder, function)
            if child.text in types:
                return types[child.text]
    return None


def handed_off(builder, ident: ts.Node) -> Optional[Origin]:
    """The context a factory builds by handing Clerk's values to another function of the file:
    `createContext = (opts) => { const auth = getAuth(opts.req); return createContextInner({ auth }) }`
    with `createContextInner = ({ auth }) => ({ auth, prisma })`. The inner function's returned
    object, each property that is one of its parameters taking what the call hands it (only
    Clerk values with a finding; the inner function alone is no wrapper, its input is the app's)."""
    _, outer = builder._definition(ident)
    outer = _strip(outer) if outer is not None else None
    if outer is None or outer.type not in FUNCTIONS:
        return None
    fields: dict[str, Origin] = {}
    for expr in _returns_and_ifs(outer)[0]:
        call = _strip(expr)
        callee = call.child_by_field_name("function") if call.type == "call_expression" else None
        arguments = call.child_by_field_name("arguments") if callee is not None else None
        if callee is None or callee.type != "identifier" or arguments is None:
            continue
        name_node, inner = builder._definition(callee)
        inner = _strip(inner) if inner is not None else None
        if inner is None or inner.type not in FUNCTIONS or inner == outer:
            continue
        handed: dict[int, ts.Node] = {}  # parameter definition id -> the expression handed to it
        for param, arg in zip(_function_params(inner), arguments.named_children):
            arg = _strip(arg)
            if param.type == "identifier":
                handed[param.id] = arg
            elif arg.type == "object":
                for path, name in pattern_names(param):
                    value = _pair_value(arg, path[0][1:]) if len(path) == 1 else None
                    if value is not None:
                        handed[name.id] = value
        for returned in _returns_and_ifs(inner)[0]:
            obj = _strip(returned)
            if obj.type != "object":
                continue
            for key, value in _properties(obj):
                target = builder.resolver.scopes.resolve(value) if value.type in (
                    "identifier", "shorthand_property_identifier") else None
                arg = handed.get(target.id) if target is not None else None
                origin, source = builder._origin_of_expression(arg) if arg is not None else (None, None)
                finding = builder._primary(source)
                if origin is None or finding is None or origin.wrapper is not None or origin.context is not None:
                    continue
                names = (text(ident), text(name_node), *finding.via[:-1])
                fields.setdefault(key, Origin(origin.module, origin.export, origin.path, names,
                                              (builder.locate(name_node), *finding.related), fields=origin.fields))
    if not fields:
        return None
    first = next(iter(fields.values()))
    return Origin(first.module, first.export, ("()",), first.via, first.related, fields=tuple(sorted(fields.items())))


def builder_seeds(data: bytes, root: ts.Node, imports: list[ImportDecl], resolver: Resolver,
                  builder, types: dict[bytes, Origin],
                  wired: Optional[list] = None) -> dict[int, tuple[ts.Node, Origin]]:
    """Definitions holding a tRPC builder of a Clerk-backed context: id -> (name, builder origin).
    `wired` receives (the `initTRPC.context<...>()` call, the context) of each."""
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
            context = _context(root, call, builder, types)
            if context is None:
                continue
            if wired is not None:
                wired.append((call, context))
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


# -- what a builder's steps do with its context -------------------------------------------

CALLBACKS = frozenset({"arrow_function", "function_expression", "function"})
FUNCTIONS = CALLBACKS | {"function_declaration"}
MIDDLEWARE_STEPS = frozenset({".use", ".unstable_pipe", ".pipe"})
MAX_EVAL_DEPTH = 6


def _callbacks(step) -> list[ts.Node]:
    if step.op != "()" or step.arguments is None:
        return []
    return [a for a in step.arguments.named_children if a.type in CALLBACKS]


def _own_calls(fn: ts.Node):
    """Call expressions inside `fn`, nested callbacks included (`next` is often called in one)."""
    stack = [fn.child_by_field_name("body")] if fn.child_by_field_name("body") is not None else []
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            yield node
        stack.extend(node.named_children)


class Builders:
    """Follows a tRPC builder through its steps (`Resolver.builder`): `.use(mw)` adds the
    fields the middleware passes on (`next({ ctx: { ...ctx, userId: ctx.auth.userId } })`),
    callbacks receive the context as it is at their step, and a function returning a builder
    (`const roleProcedure = (...roles) => protectedProcedure.use(...)`) is that builder."""

    def __init__(self, resolver: Resolver):
        # (weak: the resolver holds this object, and a cycle would keep the file's tree alive
        # until the cyclic garbage collector runs)
        self.resolver = weakref.proxy(resolver)
        self.scopes = resolver.scopes

    def __call__(self, use) -> tuple[Origin, list[tuple[ts.Node, Origin]]]:
        context = use.origin.context
        out: list[tuple[ts.Node, Origin]] = []
        previous = ""
        for step in use.steps:
            for callback in _callbacks(step):
                out += self._params(callback, context)
            if step.op == "()" and previous in MIDDLEWARE_STEPS and step.arguments is not None:
                for arg in step.arguments.named_children:
                    middleware = self._middleware(arg)
                    if middleware is not None:
                        context = self._extended(context, middleware)
            previous = step.op
        origin = use.origin  # not a router: `Resolver` stops at `t.router` (Origin.extend)
        full = Origin(origin.module, origin.export, origin.path, origin.via, origin.related, context=context)
        name = self._returned_by(use.top)
        if name is not None:
            out.append((name, full))
        return full, out

    def _params(self, callback: ts.Node, context: Origin) -> list[tuple[ts.Node, Origin]]:
        """`.query(({ ctx }) => ...)`, `.use((opts) => ...)`: the first parameter holds the context at `.ctx`."""
        params = _function_params(callback)
        if not params:
            return []
        if params[0].type == "identifier":
            if not self.scopes.is_definition(params[0]):
                return []
            return [(params[0], Origin(context.module, context.export, context.path, context.via,
                                       context.related, fields=(("ctx", context),)))]
        out = []
        for path, ident in pattern_names(params[0]):
            if path[:1] == (".ctx",) and self.scopes.is_definition(ident):
                bound = context.extend(path[1:])
                if bound is not None:
                    out.append((ident, bound))
                    if len(path) > 2 or len(path) == 2 and context.fields:
                        self.resolver.destructured.add(ident.id)  # `{ ctx: { orgId } }`: a read of it is a read of orgId
        return out

    def _middleware(self, arg: ts.Node) -> Optional[ts.Node]:
        """The function of a middleware argument: inline, or a name bound to `t.middleware(fn)` / a function."""
        if arg.type in CALLBACKS:
            return arg
        if arg.type != "identifier":
            return None
        target = self.scopes.resolve(arg)
        declarator = target.parent if target is not None else None
        if declarator is None or declarator.type != "variable_declarator":
            return declarator if declarator is not None and declarator.type == "function_declaration" else None
        value = declarator.child_by_field_name("value")
        while value is not None and value.type in TRANSPARENT and value.named_children:
            value = value.named_children[0]
        if value is None:
            return None
        if value.type in CALLBACKS:
            return value
        if value.type == "call_expression" and value.child_by_field_name("arguments") is not None:
            return next((a for a in value.child_by_field_name("arguments").named_children if a.type in CALLBACKS), None)
        return None

    def _extended(self, context: Origin, middleware: ts.Node) -> Origin:
        """The context after `middleware`: its own fields and those it hands to `next({ ctx })`."""
        known = {ident.id: origin for ident, origin in self._params(middleware, context)}
        added: dict[str, Origin] = {}
        for call in _own_calls(middleware):
            callee = call.child_by_field_name("function")
            name = callee.child_by_field_name("property") if callee is not None and callee.type == "member_expression" else callee
            if name is None or text(name) != "next":
                continue
            arguments = call.child_by_field_name("arguments")
            first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
            ctx = _pair_value(first, "ctx") if first is not None and first.type == "object" else None
            if ctx is None or ctx.type != "object":
                continue
            for key, value in _properties(ctx):
                found = self._eval(value, known, 0)
                if found is not None and found.wrapper is None and found.context is None:
                    added.setdefault(key, found)
        if not added:
            return context
        fields = tuple((k, o) for k, o in context.fields if k not in added) + tuple(sorted(added.items()))
        return Origin(context.module, context.export, context.path, context.via, context.related, fields=fields)

    def _eval(self, expr: ts.Node, known: dict[int, Origin], depth: int) -> Optional[Origin]:
        """The Clerk value an expression inside a middleware holds: a chain from its `ctx`, or a
        name bound to one (`const { orgId } = ctx.auth`)."""
        if depth > MAX_EVAL_DEPTH:
            return None
        node, ops = expr, []
        while True:
            while node.type in TRANSPARENT and node.named_children:
                node = node.named_children[0]
            if node.type == "binary_expression":
                for side in ("left", "right"):
                    operand = node.child_by_field_name(side)
                    found = self._eval(operand, known, depth + 1) if operand is not None else None
                    if found is not None:
                        return found.extend(ops) if ops else found
                return None
            if node.type == "member_expression":
                prop = node.child_by_field_name("property")
                ops.insert(0, "." + (text(prop) if prop is not None else "?"))
                node = node.child_by_field_name("object")
                continue
            break
        if node.type not in ("identifier", "shorthand_property_identifier"):
            return None
        target = self.scopes.resolve(node)
        if target is None:
            return None
        base = known.get(target.id) or self.resolver.bound.get(target.id)
        if base is None:
            base = self._declared(target, known, depth)
        return base.extend(ops) if base is not None else None

    def _declared(self, target: ts.Node, known: dict[int, Origin], depth: int) -> Optional[Origin]:
        """`const { orgId } = ctx.auth` / `const uid = ctx.auth.userId`: the value a local name took."""
        declarator = target.parent
        while declarator is not None and declarator.type not in ("variable_declarator", "program", "statement_block"):
            declarator = declarator.parent
        if declarator is None or declarator.type != "variable_declarator":
            return None
        pattern, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if pattern is None or value is None:
            return None
        for path, ident in pattern_names(pattern):
            if ident == target:
                base = self._eval(value, known, depth + 1)
                return base.extend(path) if base is not None else None
        return None

    def _returned_by(self, top: Optional[ts.Node]) -> Optional[ts.Node]:
        """The name of a function whose result is this expression (`(...roles) => builder`, `return builder`)."""
        if top is None:
            return None
        node = top
        while node.parent is not None and node.parent.type in TRANSPARENT:
            node = node.parent
        parent = node.parent
        if parent is not None and parent.type == "return_statement":
            fn = parent.parent
            while fn is not None and fn.type not in FUNCTIONS:
                fn = fn.parent
        elif parent is not None and parent.type in CALLBACKS and parent.child_by_field_name("body") == node:
            fn = parent
        else:
            return None
        if fn is None:
            return None
        if fn.type == "function_declaration":
            name = fn.child_by_field_name("name")
        else:
            holder = fn.parent
            name = holder.child_by_field_name("name") if holder is not None and holder.type == "variable_declarator" else None
        return name if name is not None and name.type == "identifier" and self.scopes.is_definition(name) else None


def _pair_value(obj: ts.Node, key: str) -> Optional[ts.Node]:
    for name, value in _properties(obj):
        if name == key:
            return value
    return None


def _properties(obj: ts.Node) -> list[tuple[str, ts.Node]]:
    """(key, value) of an object literal's plain properties; `{ orgId }` is its own value."""
    out = []
    for prop in obj.named_children:
        if prop.type == "shorthand_property_identifier":
            out.append((text(prop), prop))
        elif prop.type == "pair":
            key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
            if key is not None and value is not None and key.type in ("property_identifier", "string"):
                out.append((text(key).strip("\"'"), value))
    return out
