"""Resolve every use of a Clerk-bound name in one JS/TS file.

Input: the file's imports that lead to Clerk (directly, or later through the app's own
modules) and its scope index. Output: `Use` records, one per place a Clerk-bound value is
read, each with the chain of calls and member reads around it. Values computed from
Clerk (`const c = createClerkClient()`, `const { has } = await auth()`) become bindings
too, so their later uses are found the same way.
"""
from __future__ import annotations

from typing import Callable, Optional

import tree_sitter as ts

from .carriers import carried, split
from .imports import pattern_names
from .records import NAMESPACE, TRANSPARENT, Origin, Step, Use, Wrapper, plain_parent, text
from .queries import captures
from .scopes import ScopeIndex
from ... import time_budget

# Clerk APIs that call back into app code with Clerk values: (module, chain) -> the
# callback's parameter at this index is bound to this export of the same module.
# `clerkMiddleware((auth, req) => ...)` hands the handler Clerk's `auth` (with `.protect()`)
# in Next.js and Astro; other SDKs' handlers receive the request or event first.
CALLBACK_PARAMS: dict[tuple[str, str], dict[int, str]] = {
    ("@clerk/nextjs/server", "clerkMiddleware()"): {0: "auth"},
    ("@clerk/nextjs", "clerkMiddleware()"): {0: "auth"},
    ("@clerk/astro/server", "clerkMiddleware()"): {0: "auth"},
}
# The same for handlers given as properties of an options object: v4
# `authMiddleware({ afterAuth(auth, req) {...} })` hands them the auth object.
OPTION_CALLBACKS: dict[tuple[str, str], dict[str, dict[int, str]]] = {
    (module, "authMiddleware()"): {"afterAuth": {0: "auth"}, "beforeAuth": {0: "auth"}}
    for module in ("@clerk/nextjs", "@clerk/nextjs/server")
}


ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression"})


def _walk_chain(ref: ts.Node, up=plain_parent) -> tuple[list[Step], Optional[ts.Node], ts.Node]:
    """Member reads and calls applied to `ref`, outward, until the value leaves the chain."""
    steps: list[Step] = []
    node = ref
    while True:
        parent = up(node)
        if parent is None:
            break
        kind = parent.type
        if kind in TRANSPARENT:
            node = parent
            continue
        if kind == "member_expression" and parent.child_by_field_name("object") == node:
            prop = parent.child_by_field_name("property")
            name = text(prop) if prop is not None else "?"
            if name == "value" and not _is_assigned(parent, up):
                # a Vue ref (`@clerk/vue` / `@clerk/nuxt` composables return refs): `orgRole.value`
                # is `orgRole`; Clerk's own values have no `value` member
                node = parent
                continue
            steps.append(Step(parent, "." + name))
        elif kind == "subscript_expression" and parent.child_by_field_name("object") == node:
            index = parent.child_by_field_name("index")
            if index is None or index.type not in ("string", "number") or not text(index).strip("\"'`"):
                break
            steps.append(Step(parent, "." + text(index).strip("\"'`")))  # `[0]` is `.0`: a position
        elif kind == "call_expression" and parent.child_by_field_name("function") == node:
            steps.append(Step(parent, "()", parent.child_by_field_name("arguments")))
        elif kind == "new_expression" and parent.child_by_field_name("constructor") == node:
            steps.append(Step(parent, "()", parent.child_by_field_name("arguments")))
        elif kind in ("jsx_opening_element", "jsx_self_closing_element") and parent.child_by_field_name("name") == node:
            return steps, parent, node
        elif kind == "jsx_closing_element":
            return steps, parent, node  # the caller drops closing tags: the opening tag is the use
        else:
            break
        node = parent
    return steps, None, node


def _is_assigned(member: ts.Node, up=plain_parent) -> bool:
    parent = up(member)
    return parent is not None and parent.type in ("assignment_expression", "augmented_assignment_expression") \
        and parent.child_by_field_name("left") == member


def _imported_name(ident: ts.Node, up=plain_parent) -> bool:
    """`useUser` in `import { useUser as useAppUser } from "./hooks"`: the other module's
    name, not a read of a binding here."""
    parent = up(ident)
    return parent is not None and parent.type == "import_specifier" and parent.child_by_field_name("alias") is not None \
        and parent.child_by_field_name("name") == ident


def _function_params(fn: ts.Node) -> list[ts.Node]:
    single = fn.child_by_field_name("parameter")
    if single is not None:
        return [single]
    params = fn.child_by_field_name("parameters")
    if params is None:
        return []
    out = []
    for p in params.named_children:
        if p.type in ("required_parameter", "optional_parameter"):
            p = p.child_by_field_name("pattern") or p
        out.append(p)
    return out


def _option_functions(obj: ts.Node) -> list[tuple[str, ts.Node]]:
    """`{ afterAuth(auth) {}, beforeAuth: (auth) => {} }`: (property name, function)."""
    out = []
    for prop in obj.named_children:
        if prop.type == "method_definition":
            name = prop.child_by_field_name("name")
            if name is not None:
                out.append((text(name), prop))
        elif prop.type == "pair":
            key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
            if key is not None and value is not None and value.type in ("arrow_function", "function_expression", "function"):
                out.append((text(key).strip("\"'"), value))
    return out


def in_positions(value: Origin, positions: tuple[str, ...]) -> Origin:
    """An array literal holding `value` at `positions` (`.0` each, outermost first), as an
    object origin whose only Clerk field is that position."""
    for op in reversed(positions):
        value = Origin(value.module, value.export, value.path, value.via, value.related, fields=((op[1:], value),))
    return value


def value_of(use: Use) -> Optional[Origin]:
    """The Clerk value at the top of a use's chain, or None when it is not one we follow
    (a wrapper whose result is not a Clerk value)."""
    wrapper = use.origin.wrapper
    if wrapper is None:
        return use.origin.extend(step.op for step in use.steps)
    if not use.steps:
        return use.origin
    if use.steps[0].op == "()":
        result = called_value(wrapper)
        if result is not None:
            return result.extend(step.op for step in use.steps[1:])
    return None


def called_value(wrapper: Wrapper) -> Optional[Origin]:
    """What calling a wrapper returns: its Clerk result, or the object of its Clerk fields."""
    if wrapper.result is not None or not wrapper.fields:
        return wrapper.result
    return Origin(wrapper.module, wrapper.symbol, ("()",), wrapper.names, wrapper.definitions, fields=wrapper.fields)


class Resolver:
    """Finds the uses of Clerk-bound definitions in one parsed file."""

    def __init__(self, lang: str, root: ts.Node, scopes: ScopeIndex):
        self.scopes = scopes
        self.bound: dict[int, Origin] = {}  # definition id -> what it holds
        self.binding_source: dict[int, Use] = {}  # derived definition id -> the use it was computed from
        self.destructured: set[int] = set()  # definitions bound from a pattern path (Use.destructured)
        self.parameters: set[int] = set()  # parameters bound to what another module passes in (passing.py)
        # Every identifier by its bytes; a name's list is sorted out (declarations dropped) the
        # first time that name is bound, which is for a handful of names per file.
        self._by_text: dict[bytes, list[ts.Node]] = {}
        for ref in captures(lang, "references", root).get("reference", []):
            self._by_text.setdefault(ref.text, []).append(ref)
        self._refs_by_name: dict[str, list[ts.Node]] = {}
        # module path, export name -> Clerk-backed export of an app module (cross-file only)
        self.lookup: Optional[Callable[[str, str], Optional[Origin]]] = None
        # (use, its value) -> further bindings of that value (value_flow.ValueFlow.bindings)
        self.flow: Optional[Callable[["Use", Origin], list[tuple[ts.Node, Origin]]]] = None
        # a use of a tRPC builder -> (the builder after its steps, bindings of its callbacks) (trpc_context)
        self.builder: Optional[Callable[["Use"], tuple[Origin, list[tuple[ts.Node, Origin]]]]] = None

    def from_parameter(self, use: "Use") -> bool:
        """The use reads a value another module passed in (`parameters`), or one derived from it."""
        seen = 0
        while use is not None and self.parameters and seen < 50:
            target = self.scopes.resolve(use.ref)
            if target is None:
                return False
            if target.id in self.parameters:
                return True
            use = self.binding_source.get(target.id)
            seen += 1
        return False

    def refs(self, name: str) -> list[ts.Node]:
        """The identifiers named `name` that are references (not declarations), in document order."""
        found = self._refs_by_name.get(name)
        if found is None:
            is_definition = self.scopes.is_definition
            found = [r for r in self._by_text.get(name.encode("utf-8", "surrogateescape"), ())
                     if not is_definition(r) and not _imported_name(r, self.scopes.parent)]
            self._refs_by_name[name] = found
        return found

    def uses(self, seeds: dict[int, tuple[ts.Node, Origin]]) -> list[Use]:
        """All uses of the seeded definitions (def node id -> (def node, origin)), following
        values derived from them to a fixed point."""
        bound = self.bound
        work = list(seeds.values())
        found: list[Use] = []
        while work:
            definition, origin = work.pop()
            if definition.id in bound:
                continue
            bound[definition.id] = origin
            name = definition.text.decode("utf-8", "replace")
            for ref in self.refs(name):
                time_budget.check()
                target = self.scopes.resolve(ref)
                if target is None or target.id != definition.id or self.scopes.in_type_context(ref):
                    continue
                use = self._use(ref, origin)
                if use is None or use.jsx is not None and use.jsx.type == "jsx_closing_element":
                    continue
                use.destructured = use.destructured or definition.id in self.destructured
                found.append(use)
                work.extend(self._derived(use))
        found.sort(key=lambda u: (u.ref.start_byte, u.origin.chain))
        return found

    def framework_uses(self, roots) -> list[Use]:
        """Reads of Clerk's value through framework objects (framework_reads.Root): one `Use`
        per `<object><path>` read (`Astro.locals.auth`, `req.auth`), whose origin is named after
        the code that reads it, plus the uses of values derived from those reads."""
        derived: dict[int, tuple[ts.Node, Origin]] = {}
        work: list[tuple[Optional[ts.Node], str, str, frozenset]] = []  # (definition or None, name, module, paths)
        for root in roots:
            if root.node is None:
                work.append((None, root.name, root.module, root.paths))
            else:
                self._bind_framework(root.node, root.module, root.paths, "", work, derived)
        seen: set[int] = set()
        found: list[Use] = []
        while work:
            definition, name, module, paths = work.pop()
            if definition is not None:
                if definition.id in seen:
                    continue
                seen.add(definition.id)
            for ref in self.refs(name):
                time_budget.check()
                target = self.scopes.resolve(ref)
                if (target.id if target is not None else None) != (definition.id if definition is not None else None):
                    continue
                if self.scopes.in_type_context(ref):
                    continue
                steps, _, top = _walk_chain(ref, self.scopes.parent)
                ops = tuple(step.op for step in steps)
                hit = next((p for p in paths if ops[:len(p)] == p), None)
                if hit is not None:
                    read = steps[len(hit) - 1].node
                    holder = self.scopes.parent(read)
                    if holder is not None and holder.type in ASSIGNMENTS and holder.child_by_field_name("left") == read:
                        continue  # `req.auth = ...`: the app's own value (a test double, a dev bypass)
                    use = Use(read, Origin(module, name + "".join(hit)), steps[len(hit):],
                              None, top, framework=True, up=self.scopes.parent)
                    found.append(use)
                    for ident, origin in self._derived(use):
                        derived.setdefault(ident.id, (ident, origin))
                    continue
                rest = frozenset(p[len(ops):] for p in paths if len(ops) < len(p) and p[:len(ops)] == ops)
                parent = self.scopes.parent(top)
                if rest and parent is not None and parent.type == "variable_declarator" \
                        and parent.child_by_field_name("value") == top:
                    pattern = parent.child_by_field_name("name")
                    if pattern is not None:  # const { locals } = context; const { auth } = req
                        self._bind_framework(pattern, module, rest, name + "".join(ops), work, derived)
                        # `const { auth } = event.context`: the auth object itself is taken here
                        hit = next((p for p in rest for path, _ in pattern_names(pattern) if path == p), None)
                        if hit is not None:
                            found.append(Use(ref, Origin(module, name + "".join(ops + hit)), (), None, top,
                                             framework=True, up=self.scopes.parent))
        found += self.uses({k: v for k, v in derived.items() if v[0].id not in self.bound})
        found.sort(key=lambda u: (u.ref.start_byte, u.origin.chain))
        return found

    def _bind_framework(self, pattern: ts.Node, module: str, paths: frozenset, base: str,
                        work: list, derived: dict) -> None:
        """Bind what a pattern takes from a framework object (`base` is how the code names the
        object, "" for a parameter): the Clerk value itself, or an object still on the way to it."""
        for path, ident in pattern_names(pattern):
            if not self.scopes.is_definition(ident):
                continue
            hit = next((p for p in paths if path[:len(p)] == p), None)
            if hit is not None:
                origin = Origin(module, (base + "".join(hit)).lstrip("."), path[len(hit):])
                derived.setdefault(ident.id, (ident, origin))
                continue
            rest = frozenset(p[len(path):] for p in paths if len(path) < len(p) and p[:len(path)] == path)
            if rest:
                work.append((ident, text(ident), module, rest))

    def _use(self, ref: ts.Node, origin: Origin) -> Optional[Use]:
        """The use `ref` makes of `origin`; None when it reads a member of an app namespace
        or returned object that is not Clerk-backed (`auth.formatDate()`, `info.label`)."""
        up = self.scopes.parent
        parent = up(ref)
        if parent is not None and parent.type == "export_specifier":
            return Use(ref, origin, top=ref, reexport=True, up=up)
        steps, jsx, top = _walk_chain(ref, up)
        read_here = False  # `ctx.userId` of a returned object / context: that member is read here
        if origin.app or origin.fields:
            while (origin.app or origin.fields) and steps:  # `lib.session.requireUser()`
                read_here = not origin.app
                origin = self.member(origin, steps[0].op)
                if origin is None:
                    return None
                steps = steps[1:]
        elif origin.export == NAMESPACE and not origin.path and steps and steps[0].op.startswith("."):
            origin = origin.extend([steps[0].op])
            steps = steps[1:]
        return Use(ref, origin, steps, jsx, top, destructured=read_here, up=up)

    def member(self, origin: Origin, op: str) -> Optional[Origin]:
        """`.name` of an app namespace (the module's Clerk-backed export, as a named import of it
        would give) or of a returned object (its Clerk field)."""
        if not origin.app:
            return origin.field(op)
        if not op.startswith(".") or self.lookup is None:
            return None
        found = self.lookup(origin.module, op[1:])
        if found is not None and found.wrapper is None and origin.via:
            found = Origin(found.module, found.export, found.path, origin.via + found.via,
                           origin.related + found.related, None, found.app, found.fields)
        return found

    def _derived(self, use: Use) -> list[tuple[ts.Node, Origin]]:
        """Bindings whose value comes from this use: declarations and callback parameters."""
        out: list[tuple[ts.Node, Origin]] = []
        if use.jsx is not None or use.reexport:
            return out
        top = use.top
        full = value_of(use)
        if full is None:
            return out
        if use.origin.context is not None and self.builder is not None:
            # A tRPC builder: its callbacks' `{ ctx }`, and the builder its middlewares leave.
            full, params = self.builder(use)
            out += params
        holder, index = carried(top, use.up) if top is not None else (top, ())
        parent = use.up(holder) if holder is not None else None
        if parent is not None and parent.type == "variable_declarator" and parent.child_by_field_name("value") == holder:
            pattern = parent.child_by_field_name("name")
            if pattern is not None:
                for path, ident in pattern_names(pattern, arrays=True):
                    parts = split(path, index)
                    if parts is None or not self.scopes.is_definition(ident):
                        continue
                    path, wrap = parts
                    if wrap:  # `const items = [user]`: an array the value sits in
                        out.append((ident, in_positions(full, wrap)))
                        self.binding_source[ident.id] = use
                        continue
                    value = full.extend(path) if not (full.app and path) else self.member(full, path[0])
                    if value is not None and full.app and len(path) > 1:
                        value = value.extend(path[1:]) if value.wrapper is None else None
                    if value is None:
                        continue
                    out.append((ident, value))
                    self.binding_source[ident.id] = use
                    if path:
                        self.destructured.add(ident.id)
        # Callback parameters (clerkMiddleware((auth, req) => ...)).
        for index, step in enumerate(use.steps):
            if step.op != "()" or step.arguments is None:
                continue
            key = (use.origin.module, use.prefix_chain(index + 1))
            binder = CALLBACK_PARAMS.get(key)
            options = OPTION_CALLBACKS.get(key)
            if not binder and not options:
                continue
            callbacks = []
            for arg in step.arguments.named_children:
                if binder and arg.type in ("arrow_function", "function_expression", "function"):
                    callbacks.append((arg, binder))
                elif options and arg.type == "object":
                    callbacks += [(fn, options[name]) for name, fn in _option_functions(arg) if name in options]
            for arg, binder in callbacks:
                params = _function_params(arg)
                for position, export in binder.items():
                    if position < len(params) and params[position].type == "identifier":
                        ident = params[position]
                        if self.scopes.is_definition(ident):
                            out.append((ident, Origin(use.origin.module, export, (), use.origin.via, use.origin.related)))
        if self.flow is not None:
            out += self.flow(use, full)
        return out
