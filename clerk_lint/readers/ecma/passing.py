"""Clerk values that cross into another module of the app as arguments, and GraphQL resolvers
receiving a context built from Clerk auth.

Outgoing (`Passes`): a Clerk value passed to a function imported from the app
(`removeMember(membership)`, `createApi(getToken)`, `<MemberRow membership={m} />`) and a
resolver map handed to a GraphQL server whose `context` is built from Clerk
(`createYoga({ schema: createSchema({ resolvers }), context: async ({ request }) => ({ auth }) })`,
`expressMiddleware(server, { context: buildContext })`). They go into the module's summary
(`Pass` records); the scan hands each target module the passes made to it (`incoming`),
which binds the callee's parameter, or every resolver's third parameter (`context`), to the
value: what the callee then does with it is found as in the caller's own file.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import tree_sitter as ts

from .bindings import _function_params
from .records import TRANSPARENT, ImportDecl, Origin, argument_index, named_descendants, text
from .carriers import carried, object_path
from .imports import pattern_names
from .scopes import ScopeIndex

ARG, RESOLVERS = "arg", "resolvers"
FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration",
                       "generator_function_declaration", "method_definition"})
# Packages whose servers take `{ resolvers, context }` (Apollo, Yoga, graphql-http, Mercurius ...).
GRAPHQL_SERVERS = ("graphql-yoga", "@graphql-yoga/", "@apollo/server", "apollo-server", "@as-integrations/",
                   "graphql-http", "express-graphql", "mercurius", "@graphql-tools/schema")
CONTEXT_PARAM = 2  # resolver(parent, args, context, info)
MAX_DEPTH = 8


@dataclass(frozen=True)
class Pass:
    target: str  # the module the value goes to (a resolved project path)
    name: str  # its export that receives it; "*" for every export (a namespace import)
    kind: str  # ARG: the function's parameter `index`; RESOLVERS: a resolver map with context `value`
    index: int
    value: Origin


def _strip(node: ts.Node) -> ts.Node:
    while node.type in TRANSPARENT and node.named_children:
        node = node.named_children[0]
    return node


class Imported:
    """The app-module imports of a file: local definition id -> (target module, export name).
    Specifiers are resolved when a Clerk value meets the name (most files pass none on)."""

    def __init__(self, imports: list[ImportDecl], resolve: Callable[[str], Optional[str]], is_clerk):
        self._resolve = resolve
        self._targets: dict[str, Optional[str]] = {}
        self._names: dict[int, tuple[str, str]] = {}  # local id -> (specifier, export name)
        for decl in imports:
            if decl.type_only or decl.kind == "reexport" or is_clerk(decl.source):
                continue
            for name in decl.names:
                if name.local is not None and not name.is_type:
                    self._names[name.local.id] = (decl.source, name.imported)

    def local(self, definition_id: int) -> Optional[tuple[str, str]]:
        found = self._names.get(definition_id)
        if found is None:
            return None
        if found[0] not in self._targets:
            self._targets[found[0]] = self._resolve(found[0])
        target = self._targets[found[0]]
        return (target, found[1]) if target is not None else None

    def of(self, ident: Optional[ts.Node], scopes: ScopeIndex) -> Optional[tuple[str, str]]:
        if ident is None or ident.type != "identifier":
            return None
        target = scopes.resolve(ident)
        return self.local(target.id) if target is not None else None


def argument_pass(top: ts.Node, value: Origin, imported: Imported, scopes: ScopeIndex,
                  through: Callable[[ts.Node], Origin]) -> Optional[Pass]:
    """The pass a Clerk value makes when it is an argument (or a prop, or a property of an
    object argument) of a function imported from the app. `through(call)`: the value as
    reached through this call (its via)."""
    up = scopes.parent
    held = object_path(carried(top, up)[0], up, MAX_DEPTH)  # `f({ membership: m })`: the object holding it
    if held is None:
        return None
    node, path, parent = held
    outer = up(parent)
    if parent.type == "arguments" and outer is not None and outer.type == "call_expression":
        call = outer
        found = imported.of(call.child_by_field_name("function"), scopes)
        index = argument_index(parent, node)
        if found is None or index < 0:
            return None
        return Pass(found[0], found[1], ARG, index, _wrap(through(call), path))
    if parent.type == "jsx_expression" and not path and outer is not None \
            and outer.type == "jsx_attribute":  # `<MemberRow membership={m} />`: props.membership
        attribute = outer
        element = up(attribute)
        name = attribute.named_children[0] if attribute.named_children else None
        if element is None or name is None or element.type not in ("jsx_opening_element", "jsx_self_closing_element"):
            return None
        found = imported.of(element.child_by_field_name("name"), scopes)
        if found is None:
            return None
        return Pass(found[0], found[1], ARG, 0, _wrap(through(element), [text(name)]))
    return None


def _wrap(value: Origin, path: list[str]) -> Origin:
    for key in reversed(path):
        value = Origin(value.module, value.export, value.path, value.via, value.related, fields=((key, value),))
    return value


# -- GraphQL servers ---------------------------------------------------------------------

def serves_graphql(imports: list[ImportDecl]) -> bool:
    return any(d.source.startswith(GRAPHQL_SERVERS) for d in imports)


def _option_pairs(root: ts.Node, key: str) -> Iterable[ts.Node]:
    """`key: value` pairs of object literals passed to calls (`createYoga({ context })`, `new ApolloServer({ resolvers })`)."""
    for node in named_descendants(root):
        if node.type == "pair":
            name, value = node.child_by_field_name("key"), node.child_by_field_name("value")
        elif node.type == "shorthand_property_identifier":  # `{ resolvers }`
            name, value = node, node
        else:
            continue
        obj = node.parent
        holder = obj.parent if obj is not None and obj.type == "object" else None
        if name is not None and value is not None and text(name).strip("\"'") == key \
                and holder is not None and holder.type == "arguments":
            yield value


def server_contexts(root: ts.Node, context_of: Callable[[ts.Node], Optional[Origin]]) -> list[tuple[ts.Node, Origin]]:
    """The Clerk-backed contexts of the file's GraphQL servers, each with the option that wires
    it in: `context: buildContext` or an inline factory."""
    out = []
    for value in _option_pairs(root, "context"):
        found = context_of(_strip(value))
        if found is not None and (found.fields or found.wrapper is None):
            option = value.parent if value.parent is not None and value.parent.type == "pair" else value
            out.append((option, found))
    return out


def server_resolvers(root: ts.Node) -> list[ts.Node]:
    return list(_option_pairs(root, "resolvers"))


class ResolverMaps:
    """Binds the `context` parameter of every resolver in a resolver map, following local names,
    spreads and arrays, and records the maps imported from other modules (`passes`)."""

    def __init__(self, scopes: ScopeIndex, imported: Imported):
        self.scopes = scopes
        self.imported = imported
        self.seeds: dict[int, tuple[ts.Node, Origin]] = {}
        self.destructured: set[int] = set()
        self.passes: list[Pass] = []
        self._seen: set[int] = set()

    def bind(self, node: ts.Node, context: Origin, depth: int = 0) -> None:
        node = _strip(node)
        if depth > MAX_DEPTH or node.id in self._seen:
            return
        self._seen.add(node.id)
        kind = node.type
        if kind == "object":
            for prop in node.named_children:
                if prop.type == "method_definition":
                    self._resolver(prop, context)
                elif prop.type == "pair":
                    value = prop.child_by_field_name("value")
                    if value is not None and _strip(value).type in FUNCTIONS:
                        self._resolver(_strip(value), context)
                    elif value is not None:
                        self.bind(value, context, depth + 1)
                elif prop.type == "spread_element" and prop.named_children:
                    self.bind(prop.named_children[0], context, depth + 1)
                elif prop.type == "shorthand_property_identifier":
                    self._name(prop, context, depth)
        elif kind == "array":
            for element in node.named_children:
                self.bind(element.named_children[0] if element.type == "spread_element" and element.named_children
                          else element, context, depth + 1)
        elif kind == "call_expression":  # mergeResolvers([a, b]), merge({}, a, b)
            arguments = node.child_by_field_name("arguments")
            for arg in arguments.named_children if arguments is not None else ():
                self.bind(arg, context, depth + 1)
        elif kind == "member_expression":  # `...projectResolvers.Query`: the map it belongs to
            root = node
            while root.type == "member_expression":
                root = root.child_by_field_name("object")
            self.bind(root, context, depth + 1)
        elif kind in ("identifier", "shorthand_property_identifier"):
            self._name(node, context, depth)

    def _name(self, ident: ts.Node, context: Origin, depth: int) -> None:
        found = self.imported.of(ident, self.scopes) if ident.type == "identifier" else None
        if found is None and ident.type == "shorthand_property_identifier":
            target = self.scopes.resolve(ident)
            found = self.imported.local(target.id) if target is not None else None
        if found is not None:
            self.passes.append(Pass(found[0], found[1], RESOLVERS, CONTEXT_PARAM, context))
            return
        target = self.scopes.resolve(ident)
        declarator = target.parent if target is not None else None
        if declarator is not None and declarator.type == "variable_declarator" \
                and declarator.child_by_field_name("name") == target and declarator.child_by_field_name("value"):
            self.bind(declarator.child_by_field_name("value"), context, depth + 1)

    def _resolver(self, fn: ts.Node, context: Origin) -> None:
        params = _function_params(fn)
        if len(params) > CONTEXT_PARAM:
            bind_pattern(params[CONTEXT_PARAM], context, self.scopes, self.seeds, self.destructured)


def bind_pattern(pattern: ts.Node, value: Origin, scopes: ScopeIndex, seeds: dict, destructured: set) -> None:
    if pattern.type == "assignment_pattern":
        pattern = pattern.child_by_field_name("left") or pattern
    for path, ident in pattern_names(pattern):
        if not scopes.is_definition(ident):
            continue
        bound = value.extend(path)
        if bound is not None:
            seeds.setdefault(ident.id, (ident, bound))
            if path:
                destructured.add(ident.id)


# -- passes made to this module ------------------------------------------------------------

def _exported(root: ts.Node) -> dict[str, ts.Node]:
    """Export name -> the function or value node it names, for the module's own declarations."""
    out: dict[str, ts.Node] = {}
    locals_: dict[str, ts.Node] = {}
    for stmt in root.named_children:
        declaration = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
        exported = stmt.type == "export_statement"
        default = exported and any(not c.is_named and c.type == "default" for c in stmt.children)
        if declaration is None and exported and stmt.child_by_field_name("value") is not None:
            if default:
                out["default"] = stmt.child_by_field_name("value")
            continue
        if declaration is None:
            continue
        found: list[tuple[str, ts.Node]] = []
        if declaration.type in ("function_declaration", "generator_function_declaration"):
            name = declaration.child_by_field_name("name")
            if name is not None:
                found.append((text(name), declaration))
        elif declaration.type in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
                if declarator.type == "variable_declarator" and name is not None and name.type == "identifier" \
                        and value is not None:
                    found.append((text(name), value))
        for name, node in found:
            locals_[name] = node
            if exported:
                out["default" if default else name] = node
    for stmt in root.named_children:  # export { a as b }
        if stmt.type != "export_statement" or stmt.child_by_field_name("source") is not None:
            continue
        clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
        for spec in clause.named_children if clause is not None else ():
            local = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias") or local
            if local is not None and text(local) in locals_:
                out[text(alias)] = locals_[text(local)]
    if "default" in out and _strip(out["default"]).type == "identifier":
        out["default"] = locals_.get(text(_strip(out["default"])), out["default"])
    return out


def incoming_seeds(root: ts.Node, scopes: ScopeIndex, passes: list[Pass], maps: ResolverMaps) -> None:
    """Bind what other modules pass to this one: a function's parameter, or each resolver's context."""
    if not passes:
        return
    exported = _exported(root)
    for item in passes:
        nodes = list(exported.values()) if item.name == "*" else [exported[item.name]] if item.name in exported else []
        for node in nodes:
            node = _strip(node)
            if item.kind == RESOLVERS:
                maps.bind(node, item.value)
            elif node.type in FUNCTIONS:
                params = _function_params(node)
                if item.index < len(params):
                    bind_pattern(params[item.index], item.value, scopes, maps.seeds, maps.destructured)


def typed_context_seeds(root: ts.Node, scopes: ScopeIndex, types: dict[bytes, Origin], maps: ResolverMaps) -> None:
    """Parameters annotated with a type naming a Clerk-backed context (`ctx: GraphQLContext`)."""
    if not types:
        return
    for node in named_descendants(root):
        if node.type not in ("required_parameter", "optional_parameter"):
            continue
        annotation = node.child_by_field_name("type")
        inner = annotation.named_children[0] if annotation is not None and annotation.named_children else None
        pattern = node.child_by_field_name("pattern")
        if inner is not None and inner.type == "type_identifier" and inner.text in types and pattern is not None:
            bind_pattern(pattern, types[inner.text], scopes, maps.seeds, maps.destructured)
