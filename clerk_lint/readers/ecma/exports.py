"""What a module exports that is Clerk-backed, so its importers can be resolved.

A module symbol is Clerk-backed when it
- re-exports a Clerk export (`export { auth } from "@clerk/nextjs/server"`, `export *`,
  `export { useUser }` of an import), or a Clerk-derived value (`export const client =
  createClerkClient()`);
- is a thin wrapper: a function or hook whose *result* comes from a Clerk call
  (`return (await auth()).orgId`, `const { user } = useUser(); return user`), a component
  that *renders* a Clerk component, or a guard that throws, redirects or returns early on a
  Clerk auth check (or calls `auth.protect()`).

A function that only takes a Clerk value as a parameter, or calls Clerk for something its
result does not depend on (logging, analytics), is not a wrapper: its callers do not change
in a migration, so they are not flagged.

Long because: one builder reads every export form (ESM, CommonJS, re-exports, wrappers, types)
against the same resolver state; its syntax helpers are the seam to split at next.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import tree_sitter as ts

from .bindings import Resolver, called_value, value_of
from .records import TRANSPARENT, Origin, Use, Wrapper, text
from ...findings import Finding, Location

MAX_WRAPPER_DEPTH = 5
THIN_COMPONENT_ELEMENTS = 3  # a component rendering a Clerk element and at most this many elements in all  # wrapper of a wrapper of ...: deeper chains are not followed
FUNCTION_NODES = frozenset({"function_declaration", "generator_function_declaration", "function_expression",
                            "function", "arrow_function", "generator_function"})
# Calls that end a request early: a guard's consequence calls one of these.
STOPPERS = frozenset({"redirect", "permanentRedirect", "notFound", "unauthorized", "forbidden",
                      "redirectToSignIn", "redirectToSignUp", "protect"})


@dataclass
class ModuleSummary:
    exports: dict[str, Origin] = field(default_factory=dict)
    # `export { a as b } from "./x"`: b -> (resolved target, a)
    forwards: dict[str, tuple[str, str]] = field(default_factory=dict)
    # `export * from "..."`: Clerk module specifiers or resolved local targets
    clerk_stars: tuple[str, ...] = ()
    local_stars: tuple[str, ...] = ()
    # `export * as ns from "./x"`: ns -> resolved target (its namespace, members looked up there)
    namespaces: dict[str, str] = field(default_factory=dict)
    # `module.exports = fn`: `require()` of the module is exports["default"] itself
    whole_default: bool = False
    # `export type Context = Awaited<ReturnType<typeof createContext>>` of a Clerk-backed
    # factory: the type names what calling it gives (a tRPC / GraphQL context)
    types: dict[str, Origin] = field(default_factory=dict)
    # request-scoped places the module stores Clerk values in (`c.set("userId", ...)`,
    # `res.locals.userId = ...`): value_stores.store_key -> the value, read back in any module
    stores: dict[str, Origin] = field(default_factory=dict)
    # Clerk values handed to other modules' functions and resolver maps (passing.Pass)
    passes: tuple = ()

    def is_empty(self) -> bool:
        return not (self.importable() or self.stores or self.passes)

    def importable(self) -> tuple:
        """What an import of the module can reach (empty when it only stores or passes values:
        those reach other modules without an import)."""
        parts = (self.exports, self.forwards, self.clerk_stars, self.local_stars, self.namespaces,
                 self.whole_default, self.types)
        return parts if any(parts) else ()


def _strip(node: ts.Node) -> ts.Node:
    while node.type in TRANSPARENT and node.named_children:
        node = node.named_children[0]
    return node


def _within(node: ts.Node, outer: ts.Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _own_descendants(fn: ts.Node):
    """Nodes inside `fn` that are not inside a nested function (iterative: input may nest deeply)."""
    stack = list(reversed(fn.named_children))
    while stack:
        node = stack.pop()
        yield node
        if node.type in FUNCTION_NODES:
            continue
        stack.extend(reversed(node.named_children))


def _returns_and_ifs(fn: ts.Node) -> tuple[list[ts.Node], list[ts.Node]]:
    """(returned expressions, if statements) of fn's own body, found in one walk."""
    body = fn.child_by_field_name("body")
    if body is not None and body.type != "statement_block":
        return [body], []  # arrow function with an expression body
    returns, ifs = [], []
    for node in _own_descendants(fn):
        kind = node.type
        if kind == "return_statement":
            if node.named_children:
                returns.append(node.named_children[0])
        elif kind == "if_statement":
            ifs.append(node)
    return returns, ifs


def _stops(node: ts.Node) -> bool:
    """A guard's consequence: throws or redirects (an early `return null` in a component is
    conditional rendering, not a guard)."""
    for inner in [node, *_own_descendants(node)]:
        if inner.type == "throw_statement":
            return True
        if inner.type == "call_expression":
            fn = inner.child_by_field_name("function")
            if fn is not None:
                name = fn.child_by_field_name("property") if fn.type == "member_expression" else fn
                if name is not None and text(name) in STOPPERS:
                    return True
    return False


def _has_jsx(expr: ts.Node) -> bool:
    return any(n.type in JSX_NODES for n in [expr, *_own_descendants(expr)])


JSX_NODES = frozenset({"jsx_element", "jsx_self_closing_element", "jsx_fragment"})


def _jsx_roots(expr: ts.Node) -> list[ts.Node]:
    """The outermost elements an expression renders, through parens, fragments, `a ? <X/> : <Y/>`
    and `cond && <X/>`. Identity is compared with `==` on nodes, so return nodes themselves."""
    out, stack = [], [expr]
    while stack:
        node = _strip(stack.pop())
        if node.type in ("jsx_element", "jsx_self_closing_element"):
            opening = node.named_children[0] if node.type == "jsx_element" and node.named_children else None
            if node.type == "jsx_element" and opening is not None and opening.child_by_field_name("name") is None:
                stack.extend(c for c in node.named_children if c.type in JSX_NODES)  # <>...</> fragment
            else:
                out.append(node)
        elif node.type == "jsx_fragment":
            stack.extend(c for c in node.named_children if c.type in JSX_NODES)
        elif node.type == "ternary_expression":
            stack.extend(c for c in (node.child_by_field_name("consequence"), node.child_by_field_name("alternative")) if c)
        elif node.type == "binary_expression":
            right = node.child_by_field_name("right")
            if right is not None:
                stack.append(right)
    return out


def _passes_through(element: ts.Node) -> bool:
    """`<SignedIn>{children}</SignedIn>` or `<SignIn {...props} />`."""
    for node in [element, *_own_descendants(element)]:
        if node.type in ("jsx_expression", "jsx_attribute", "spread_element") or node.type.endswith("spread_attribute"):
            for inner in [node, *_own_descendants(node)]:
                if inner.type == "identifier" and text(inner) in ("children", "props"):
                    return True
    return False


def type_query_name(node: ts.Node) -> Optional[ts.Node]:
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


def _element_of(tag: ts.Node) -> Optional[ts.Node]:
    """The element an opening or self-closing tag belongs to."""
    return tag if tag.type == "jsx_self_closing_element" else tag.parent


class SummaryBuilder:
    """Builds a module's summary from the uses and findings the analysis produced."""

    def __init__(self, relpath: str, resolver: Resolver, uses: list[Use], findings: dict[int, Finding],
                 locate: Callable[[ts.Node], Location]):
        self.relpath = relpath
        self.resolver = resolver
        self.uses = uses
        self.findings = findings  # id(use) -> its finding
        self.locate = locate
        self._use_by_def = resolver.binding_source

    # -- what a node holds ------------------------------------------------------

    def _origin_of_expression(self, expr: ts.Node) -> tuple[Optional[Origin], Optional[Use]]:
        outer = expr  # a chain's top may be `await auth()` itself (its use.top), not the call inside
        expr = _strip(expr)
        if expr.type == "binary_expression" and expr.child_by_field_name("operator") is not None \
                and text(expr.child_by_field_name("operator")) in ("??", "||", "&&"):
            # `user ?? null`, `has?.({...}) ?? false`: the Clerk operand is the result; `a && b` is
            # `b` whenever it matters (`isSignedIn && !!profile` is the app's own flag)
            sides = ("right",) if text(expr.child_by_field_name("operator")) == "&&" else ("left", "right")
            for side in sides:
                operand = expr.child_by_field_name(side)
                if operand is not None:
                    found = self._origin_of_expression(operand)
                    if found[0] is not None:
                        return found
            return None, None
        for use in self.uses:
            if use.top is not None and use.top.id in (expr.id, outer.id):
                return value_of(use), use
        if expr.type in ("identifier", "shorthand_property_identifier"):
            target = self.resolver.scopes.resolve(expr)
            if target is not None and target.id in self.resolver.bound:
                return self.resolver.bound[target.id], self._use_by_def.get(target.id)
        return None, None

    def _primary(self, use: Optional[Use]) -> Optional[Finding]:
        """The finding that stands for a use: its own, else the one of the use it derives from."""
        seen = 0
        while use is not None and seen < 50:
            finding = self.findings.get(id(use))
            if finding is not None:
                return finding
            target = self.resolver.scopes.resolve(use.ref)
            use = self._use_by_def.get(target.id) if target is not None else None
            seen += 1
        return None

    def _wrapper(self, name: str, name_node: ts.Node, finding: Finding, result: Optional[Origin],
                 fields: Optional[ts.Node] = None) -> Optional[Wrapper]:
        names = (name, *finding.via[:-1]) if finding.via else (name,)
        if len(names) > MAX_WRAPPER_DEPTH:
            return None
        definitions = (self.locate(name_node), *finding.related)
        if result is not None:
            result = Origin(result.module, result.export, result.path, names, definitions, fields=result.fields)
        return Wrapper(names, finding.code, finding.symbol, finding.package, result, definitions,
                       self._fields(name, name_node, fields) if fields is not None else ())

    def _fields(self, name: str, name_node: ts.Node, obj: ts.Node) -> tuple[tuple[str, Origin], ...]:
        """`return { userId, isAdmin: has(...) }`: each property whose value is a Clerk value,
        as that value reached through this wrapper (other properties are not followed)."""
        out = []
        for prop in obj.named_children:
            if prop.type == "shorthand_property_identifier":
                key, value = text(prop), prop
            elif prop.type == "pair" and prop.child_by_field_name("key") is not None \
                    and prop.child_by_field_name("key").type in ("property_identifier", "string"):
                key, value = text(prop.child_by_field_name("key")).strip("\"'"), prop.child_by_field_name("value")
            else:
                continue
            origin, source = self._origin_of_expression(value)
            finding = self._primary(source)
            if origin is None or finding is None or origin.wrapper is not None:
                continue
            names = (name, *finding.via[:-1]) if finding.via else (name,)
            if len(names) <= MAX_WRAPPER_DEPTH:
                out.append((key, Origin(origin.module, origin.export, origin.path, names,
                                        (self.locate(name_node), *finding.related), fields=origin.fields)))
        return tuple(out)

    def wrapper_of(self, name: str, name_node: ts.Node, fn: ts.Node) -> Optional[Wrapper]:
        inside = [u for u in self.uses if _within(u.ref, fn) and not self.resolver.from_parameter(u)]
        if not inside:
            return None
        # 1. The result comes from Clerk (components are judged by what they render instead).
        rendered, ifs = _returns_and_ifs(fn)
        returns = [] if any(_has_jsx(expr) for expr in rendered) else rendered
        for expr in returns:
            origin, source = self._origin_of_expression(expr)
            finding = self._primary(source)
            if origin is not None and finding is not None:
                return self._wrapper(name, name_node, finding, origin)
        for expr in returns:
            for use in inside:
                if _within(use.ref, expr) and use.jsx is None:
                    finding = self._primary(use)
                    if finding is not None:
                        obj = _strip(expr)
                        return self._wrapper(name, name_node, finding, None, obj if obj.type == "object" else None)
        # 2. A thin component: what it renders is a Clerk component (`<SignedIn>{children}</SignedIn>`).
        # Thin: every root is a Clerk element, and the component is small or passes its
        # children/props through (a page that happens to use Clerk UI is not a wrapper).
        roots = {(r.start_byte, r.end_byte): r for expr in rendered for r in _jsx_roots(expr)}
        clerk_roots = {}
        for use in inside:
            element = _element_of(use.jsx) if use.jsx is not None else None
            if element is not None and (element.start_byte, element.end_byte) in roots:
                clerk_roots.setdefault((element.start_byte, element.end_byte), use)
        if roots and len(clerk_roots) == len(roots):
            elements = sum(1 for expr in rendered for n in [expr, *_own_descendants(expr)]
                           if n.type in ("jsx_element", "jsx_self_closing_element"))
            passes_through = any(_passes_through(r) for r in roots.values())
            if elements <= THIN_COMPONENT_ELEMENTS or passes_through:
                first = min(clerk_roots.values(), key=lambda u: u.ref.start_byte)
                finding = self._primary(first)
                if finding is not None:
                    return self._wrapper(name, name_node, finding, None)
        # 3. A guard: stops on a Clerk check, or calls auth.protect().
        for node in ifs:
            condition = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if condition is None or consequence is None or not _stops(consequence):
                continue
            for use in inside:
                if _within(use.ref, condition):
                    finding = self._primary(use)
                    if finding is not None:
                        return self._wrapper(name, name_node, finding, None)
            for ident in [condition, *_own_descendants(condition)]:
                if ident.type == "identifier":
                    target = self.resolver.scopes.resolve(ident)
                    if target is not None and target.id in self.resolver.bound:
                        finding = self._primary(self._use_by_def.get(target.id))
                        if finding is not None:
                            return self._wrapper(name, name_node, finding, None)
        for use in inside:
            finding = self.findings.get(id(use))
            if finding is not None and use.steps and use.steps[-1].op == "()" and use.prefix_chain(len(use.steps)).endswith(".protect()"):
                return self._wrapper(name, name_node, finding, None)
        return None

    def returned_value(self, ident: ts.Node) -> Optional[Origin]:
        """What calling the function `ident` names gives, when it is a Clerk value or an object
        with Clerk fields: an imported wrapper, or a function of this file judged as one."""
        target = self.resolver.scopes.resolve(ident)
        if target is None:
            return None
        bound = self.resolver.bound.get(target.id)
        if bound is not None:
            return called_value(bound.wrapper) if bound.wrapper is not None else None
        name_node, value = self._definition(ident)
        if name_node is None or value is None:
            return None
        value = _strip(value)
        if value.type not in FUNCTION_NODES:
            return None
        wrapper = self.wrapper_of(text(name_node), name_node, value)
        return called_value(wrapper) if wrapper is not None else None

    def context_value(self, node: ts.Node) -> Optional[Origin]:
        """What a server's `context` option gives per request: an inline factory or a named one."""
        if node.type in FUNCTION_NODES:
            wrapper = self.wrapper_of("context", node, node)
            return called_value(wrapper) if wrapper is not None else None
        return self.returned_value(node) if node.type in ("identifier", "shorthand_property_identifier") else None

    def _type_alias(self, declaration: ts.Node, summary: ModuleSummary) -> None:
        """`export type Context = Awaited<ReturnType<typeof createContext>>`."""
        name, value = declaration.child_by_field_name("name"), declaration.child_by_field_name("value")
        function = type_query_name(value) if value is not None else None
        origin = self.returned_value(function) if function is not None else None
        if name is not None and origin is not None:
            summary.types[text(name)] = origin.through(self.relpath)

    # -- exports ----------------------------------------------------------------

    def _export_value(self, name: str, name_node: ts.Node, value: Optional[ts.Node]) -> Optional[Origin]:
        """What exporting the definition `name_node` (with initialiser `value`) means."""
        bound = self.resolver.bound.get(name_node.id)
        if bound is not None:
            return bound.through(self.relpath) if bound.wrapper is None else bound
        if value is None:
            return None
        value = _strip(value)
        if value.type in FUNCTION_NODES:
            wrapper = self.wrapper_of(name, name_node, value)
            if wrapper is not None:
                return Origin(wrapper.module, wrapper.symbol, (), wrapper.names, wrapper.definitions, wrapper)
        return None

    def _definition(self, ident: ts.Node) -> tuple[Optional[ts.Node], Optional[ts.Node]]:
        """(name node, value node) of the local declaration `ident` refers to."""
        target = self.resolver.scopes.resolve(ident)
        if target is None:
            return None, None
        parent = target.parent
        if parent is not None and parent.type == "variable_declarator":
            return target, parent.child_by_field_name("value")
        if parent is not None and parent.type in FUNCTION_NODES | {"function_declaration"}:
            return target, parent
        return target, None

    def build(self, root: ts.Node, resolve_local: Callable[[str], Optional[str]],
              is_clerk: Callable[[str], bool]) -> ModuleSummary:
        summary = ModuleSummary()
        clerk_stars, local_stars = [], []
        for stmt in root.named_children:
            if stmt.type == "expression_statement":
                self._commonjs(stmt, summary)
                continue
            if stmt.type != "export_statement":
                continue
            source = stmt.child_by_field_name("source")
            if source is not None:
                spec = text(source)[1:-1]
                self._reexport(stmt, spec, summary, clerk_stars, local_stars, resolve_local, is_clerk)
                continue
            is_default = any(not c.is_named and c.type == "default" for c in stmt.children)
            declaration = stmt.child_by_field_name("declaration")
            value = stmt.child_by_field_name("value")
            if declaration is not None and declaration.type == "type_alias_declaration":
                self._type_alias(declaration, summary)
            elif declaration is not None:
                self._declaration(declaration, summary, "default" if is_default else None)
            elif value is not None and is_default:
                value = _strip(value)
                if value.type == "identifier":
                    name_node, init = self._definition(value)
                    if name_node is not None:
                        origin = self._export_value(text(value), name_node, init)
                        if origin is not None:
                            summary.exports["default"] = origin
                elif value.type in FUNCTION_NODES:
                    wrapper = self.wrapper_of("default", value, value)
                    if wrapper is not None:
                        summary.exports["default"] = Origin(wrapper.module, wrapper.symbol, (), wrapper.names,
                                                            wrapper.definitions, wrapper)
            else:
                clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
                for spec in clause.named_children if clause is not None else ():
                    if spec.type != "export_specifier":
                        continue
                    local = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or local
                    if local is None or local.type != "identifier":
                        continue
                    name_node, init = self._definition(local)
                    if name_node is not None:
                        origin = self._export_value(text(alias), name_node, init)
                        if origin is not None:
                            summary.exports[text(alias)] = origin
        summary.clerk_stars = tuple(clerk_stars)
        summary.local_stars = tuple(local_stars)
        return summary

    def _value(self, name: str, key: ts.Node, value: ts.Node) -> Optional[Origin]:
        """What exporting the expression `value` under `name` means (`key`: where it is named)."""
        value = _strip(value)
        if value.type in ("identifier", "shorthand_property_identifier"):
            name_node, init = self._definition(value)
            return self._export_value(name, name_node, init) if name_node is not None else None
        if value.type in FUNCTION_NODES:
            wrapper = self.wrapper_of(name, key, value)
            return None if wrapper is None else Origin(wrapper.module, wrapper.symbol, (), wrapper.names,
                                                       wrapper.definitions, wrapper)
        origin, _ = self._origin_of_expression(value)  # `{ protect: clerk.requireAuth() }`
        return None if origin is None else origin.through(self.relpath) if origin.wrapper is None else origin

    def _commonjs(self, stmt: ts.Node, summary: ModuleSummary) -> None:
        """`module.exports = { a, b: c }`, `module.exports = fn`, `module.exports.a = ...`, `exports.a = ...`."""
        expr = stmt.named_children[0] if stmt.named_children else None
        if expr is None or expr.type != "assignment_expression":
            return
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        if left is None or right is None or left.type != "member_expression":
            return
        target = text(left)
        if target.startswith(("module.exports.", "exports.")) and target.count(".") == target.startswith("module.") + 1:
            name = text(left.child_by_field_name("property"))
            origin = self._value(name, left.child_by_field_name("property"), right)
            if origin is not None:
                summary.exports[name] = origin
            return
        if target != "module.exports":
            return
        right = _strip(right)
        if right.type != "object":
            origin = self._value("default", left, right)
            if origin is not None:
                summary.exports["default"] = origin
                summary.whole_default = True
            return
        for prop in right.named_children:
            if prop.type == "shorthand_property_identifier":
                key, value = prop, prop
            elif prop.type == "pair" and prop.child_by_field_name("key") is not None \
                    and prop.child_by_field_name("key").type in ("property_identifier", "string"):
                key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
            elif prop.type == "method_definition" and prop.child_by_field_name("name") is not None:
                key, value = prop.child_by_field_name("name"), prop
            else:
                continue
            name = text(key).strip("\"'")
            if value.type == "method_definition":
                wrapper = self.wrapper_of(name, key, value)
                origin = None if wrapper is None else Origin(wrapper.module, wrapper.symbol, (), wrapper.names,
                                                             wrapper.definitions, wrapper)
            else:
                origin = self._value(name, key, value)
            if origin is not None:
                summary.exports[name] = origin

    def _declaration(self, declaration: ts.Node, summary: ModuleSummary, default_name: Optional[str]) -> None:
        if declaration.type in ("function_declaration", "generator_function_declaration"):
            name_node = declaration.child_by_field_name("name")
            if name_node is None:
                return
            bound = self.resolver.bound.get(name_node.id)
            if bound is not None and bound.context is not None:  # a function returning a tRPC builder
                summary.exports[default_name or text(name_node)] = bound.through(self.relpath)
                return
            wrapper = self.wrapper_of(text(name_node), name_node, declaration)
            if wrapper is not None:
                summary.exports[default_name or text(name_node)] = Origin(
                    wrapper.module, wrapper.symbol, (), wrapper.names, wrapper.definitions, wrapper)
        elif declaration.type in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name_node = declarator.child_by_field_name("name")
                if name_node is None or name_node.type != "identifier":
                    continue
                origin = self._export_value(text(name_node), name_node, declarator.child_by_field_name("value"))
                if origin is not None:
                    summary.exports[text(name_node)] = origin

    def _reexport(self, stmt, spec, summary, clerk_stars, local_stars, resolve_local, is_clerk) -> None:
        clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
        namespace = next((c for c in stmt.named_children if c.type == "namespace_export"), None)
        clerk = is_clerk(spec)
        target = None if clerk else resolve_local(spec)
        if not clerk and target is None:
            return
        if clause is None and namespace is None:  # export * from
            (clerk_stars if clerk else local_stars).append(spec if clerk else target)
            return
        if clause is None:  # export * as ns from: its members are looked up when read (`ns.requireUser()`)
            alias = next((c for c in namespace.named_children), None)
            if alias is not None:
                if clerk:
                    summary.exports[text(alias)] = Origin(spec, "*").through(self.relpath, self.locate(stmt))
                else:
                    summary.namespaces[text(alias)] = target
            return
        for item in clause.named_children:
            if item.type != "export_specifier":
                continue
            name = item.child_by_field_name("name")
            alias = item.child_by_field_name("alias") or name
            if name is None:
                continue
            if clerk:
                summary.exports[text(alias)] = Origin(spec, text(name)).through(self.relpath, self.locate(item))
            else:
                summary.forwards[text(alias)] = (target, text(name))
