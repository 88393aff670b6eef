"""Follow Clerk values within one JS/TS file past where the binding layer stops, and say
what the code does with them.

Bindings (`Resolver._derived` asks `ValueFlow.bindings`): the parameter of a `.then(cb)` on a
Clerk value, the element parameter of an array callback on a typed Clerk array
(`memberships.data.map((m) => m.destroy())`), `for (const m of ...)`, and the parameters of a
function or component of the same file a Clerk value is passed to (`remove(membership)`,
`<Row membership={m} />`), a `let` declared empty and assigned the value later
(`evt = wh.verify(...)` inside `try`), and React state set to it (`setToken(token)` -> `token`).

Uses (`member_calls`, `handed_on`, `role_comparison`): Clerk methods called on those values,
typed by Clerk's own interfaces (concepts/clerk_resources), Clerk functions passed on by
reference (`createApi(getToken)`), and comparisons of a Clerk role (`membership.role === ...`).
"""
from __future__ import annotations

from typing import Optional

import tree_sitter as ts

from ...concepts import clerk_fields, clerk_resources
from ...concepts.clerk_resources import ELEMENT, ELEMENT_CALLBACKS, Member, TypeRef
from .bindings import _function_params
from . import value_reads
from .records import TRANSPARENT, HandedOn, MemberCall, Origin, Use, UseFacts, argument_index, plain_parent, text
from .imports import pattern_names
from .scopes import ScopeIndex

FUNCTION_NODES = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
COMPARISONS = frozenset({"===", "!==", "==", "!="})
STATE_HOOKS = frozenset({"useState", "React.useState"})
# Server helpers are not typed by clerk_resources; their role reads are named by the chain.
ROLE_MEMBERS = frozenset({".orgRole"})


def _ops(use: Use) -> list[str]:
    return [step.op for step in use.steps]


def _typed(use: Use) -> bool:
    return use.origin.wrapper is None and not use.origin.app and not use.origin.fields and not use.framework


def _function_node(definition: ts.Node, up=plain_parent) -> Optional[ts.Node]:
    """The function a declared name stands for: `function f() {}` or `const f = () => {}`."""
    parent = up(definition)
    if parent is None:
        return None
    if parent.type in ("function_declaration", "generator_function_declaration") \
            and parent.child_by_field_name("name") == definition:
        return parent
    if parent.type == "variable_declarator" and parent.child_by_field_name("name") == definition:
        value = parent.child_by_field_name("value")
        if value is not None and value.type in FUNCTION_NODES:
            return value
    return None


class ValueFlow:
    def __init__(self, scopes: ScopeIndex):
        self.scopes = scopes

    # -- bindings ------------------------------------------------------------------

    def bindings(self, use: Use, full: Origin) -> list[tuple[ts.Node, Origin]]:
        if not _typed(use):
            return []
        out: list[tuple[ts.Node, Origin]] = []
        origin = use.origin
        ops = _ops(use)
        for index, step in enumerate(use.steps[:-1]):
            call = use.steps[index + 1]
            if call.op != "()" or call.arguments is None:
                continue
            member = step.op[1:] if step.op.startswith(".") else ""
            if member == "then":
                value = origin.extend(ops[:index])
            elif member in ELEMENT_CALLBACKS and self._is_array(origin, ops[:index]):
                value = origin.extend(ops[:index] + [ELEMENT])
            else:
                continue
            callback = next((a for a in call.arguments.named_children if a.type in FUNCTION_NODES), None)
            if value is not None and callback is not None:
                out += self._bind_params(callback, [value])
        top = use.top
        parent = self.scopes.parent(top) if top is not None else None
        if parent is None:
            return out
        if parent.type == "for_in_statement" and parent.child_by_field_name("right") == top \
                and self._is_array(origin, ops):
            left = parent.child_by_field_name("left")
            element = origin.extend(ops + [ELEMENT])
            if left is not None and element is not None:
                out += self._bind_pattern(left, element)
        elif parent.type == "arguments":
            out += self._bind_argument(parent, top, full)
        elif parent.type == "jsx_expression":
            out += self._bind_prop(parent, full)
        else:
            out += self._bind_assignment(top, full)
        return out

    def _bind_assignment(self, top: ts.Node, value: Origin) -> list[tuple[ts.Node, Origin]]:
        """`let evt; try { evt = wh.verify(...) } catch ...`: a name declared empty and given
        the value later holds it from then on (the usual shape around a throwing verify)."""
        up = self.scopes.parent
        node, assignment = top, up(top)
        while assignment is not None and assignment.type in TRANSPARENT:
            node, assignment = assignment, up(assignment)
        if assignment is None or assignment.type != "assignment_expression" \
                or assignment.child_by_field_name("right") != node:
            return []
        left = assignment.child_by_field_name("left")
        definition = self.scopes.resolve(left) if left is not None and left.type == "identifier" else None
        declarator = up(definition) if definition is not None else None
        if declarator is None or declarator.type != "variable_declarator" \
                or declarator.child_by_field_name("name") != definition or declarator.child_by_field_name("value"):
            return []
        return [(definition, value)]

    def _is_array(self, origin: Origin, ops: list[str]) -> bool:
        state = clerk_resources.state_of(origin.module, origin.export, (*origin.path, *ops))
        return clerk_resources.is_array(state) or clerk_fields.is_array(origin.module, origin.export,
                                                                         (*origin.path, *ops))

    def _bind_pattern(self, pattern: ts.Node, value: Origin) -> list[tuple[ts.Node, Origin]]:
        out = []
        for path, ident in pattern_names(pattern):
            if self.scopes.is_definition(ident):
                bound = value.extend(path)
                if bound is not None:
                    out.append((ident, bound))
        return out

    def _bind_params(self, function: ts.Node, values: list[Optional[Origin]]) -> list[tuple[ts.Node, Origin]]:
        out = []
        for param, value in zip(_function_params(function), values):
            if value is not None:
                out += self._bind_pattern(param, value)
        return out

    def _local_function(self, callee: Optional[ts.Node]) -> Optional[ts.Node]:
        if callee is None or callee.type != "identifier":
            return None
        definition = self.scopes.resolve(callee)
        return _function_node(definition, self.scopes.parent) if definition is not None else None

    def _bind_argument(self, arguments: ts.Node, argument: ts.Node, value: Origin) -> list[tuple[ts.Node, Origin]]:
        call = self.scopes.parent(arguments)
        if call is None or call.type != "call_expression":
            return []
        callee = call.child_by_field_name("function")
        function = self._local_function(callee)
        index = argument_index(arguments, argument)
        if function is None and index == 0:
            return self._bind_state(callee, value)
        if function is None or index < 0:
            return []
        return self._bind_params(function, [None] * index + [value])

    def _bind_state(self, setter: Optional[ts.Node], value: Origin) -> list[tuple[ts.Node, Origin]]:
        """`const [token, setToken] = useState(...)` then `setToken(clerkValue)`: `token` holds it."""
        definition = self.scopes.resolve(setter) if setter is not None and setter.type == "identifier" else None
        pattern = self.scopes.parent(definition) if definition is not None else None
        if pattern is None or pattern.type != "array_pattern":
            return []
        names = [c for c in pattern.named_children if c.type != "comment"]
        declarator = self.scopes.parent(pattern)
        init = declarator.child_by_field_name("value") if declarator is not None and declarator.type == "variable_declarator" else None
        hook = init.child_by_field_name("function") if init is not None and init.type == "call_expression" else None
        if len(names) < 2 or names[1] != definition or names[0].type != "identifier" or hook is None \
                or text(hook) not in STATE_HOOKS or not self.scopes.is_definition(names[0]):
            return []
        return [(names[0], value)]

    def _bind_prop(self, expression: ts.Node, value: Origin) -> list[tuple[ts.Node, Origin]]:
        """`<Row membership={m} />` with `function Row({ membership })` in the same file."""
        attribute = self.scopes.parent(expression)
        if attribute is None or attribute.type != "jsx_attribute":
            return []
        name = attribute.named_children[0] if attribute.named_children else None
        element = self.scopes.parent(attribute)
        if name is None or element is None or element.type not in ("jsx_opening_element", "jsx_self_closing_element"):
            return []
        function = self._local_function(element.child_by_field_name("name"))
        params = _function_params(function) if function is not None else []
        if not params:
            return []
        prop = "." + text(name)
        if params[0].type == "identifier":  # (props) => props.membership.destroy()
            if not self.scopes.is_definition(params[0]):
                return []
            holder = Origin(value.module, value.export, value.path, value.via, value.related,
                            fields=((prop[1:], value),))
            return [(params[0], holder)]
        out = []
        for path, ident in pattern_names(params[0]):
            if path[:1] == (prop,) and self.scopes.is_definition(ident):
                bound = value.extend(path[1:])
                if bound is not None:
                    out.append((ident, bound))
        return out


# -- what a use does with a Clerk value ------------------------------------------------

def member_calls(use: Use) -> list[MemberCall]:
    """Clerk methods this use calls, past the point its value was bound."""
    if not _typed(use) or not use.steps:
        return []
    origin = use.origin
    found = clerk_resources.calls(origin.module, origin.export, origin.path, _ops(use))
    return [MemberCall(c.owner, c.member, use.steps[c.index].node) for c in found]


def _passing_position(top: ts.Node, up=plain_parent) -> bool:
    """`f(x)`, `<C prop={x} />`, `f({ key: x })`, `f({ x })`: the value is handed to other code.
    An object literal counts only as an argument or prop (a hook returning `{ signOut }` is a
    wrapper, which cross-file analysis follows). Iterative: objects nest arbitrarily deep."""
    node = top
    while True:
        parent = up(node)
        if parent is None:
            return False
        if node.type == "shorthand_property_identifier":
            if parent.type != "object":
                return False
            node = parent
            continue
        if parent.type == "arguments":
            return True
        if parent.type == "jsx_expression":
            attribute = up(parent)
            return attribute is not None and attribute.type == "jsx_attribute"
        if parent.type == "pair" and parent.child_by_field_name("value") == node:
            holder = up(parent)
            if holder is None or holder.type != "object":
                return False
            node = holder
            continue
        return False


def handed_on(use: Use) -> Optional[HandedOn]:
    """A Clerk method passed on uncalled (`tokenProvider: getToken`, `onClick={signOut}`)."""
    if not _typed(use) or use.top is None or not _passing_position(use.top, use.up):
        return None
    origin = use.origin
    state = clerk_resources.state_of(origin.module, origin.export, (*origin.path, *_ops(use)))
    if not isinstance(state, Member):
        return None
    return HandedOn(state.owner.name, state.name, use.top)


def role_comparison(use: Use) -> Optional[tuple[ts.Node, str]]:
    """`membership.role === "org:admin"`, `orgRole !== role`: (the comparison, the other side's text)."""
    if use.top is None or use.origin.wrapper is not None or use.origin.app:
        return None
    parent = use.up(use.top)
    if parent is None or parent.type != "binary_expression":
        return None
    operator = parent.child_by_field_name("operator")
    if operator is None or text(operator) not in COMPARISONS:
        return None
    ops = (*use.origin.path, *_ops(use))
    if not ops or not _is_role(use.origin, ops):
        return None
    other = parent.child_by_field_name("right" if parent.child_by_field_name("left") == use.top else "left")
    return parent, text(other) if other is not None else ""


def _is_role(origin: Origin, ops: tuple[str, ...]) -> bool:
    if ops[-1] in ROLE_MEMBERS:
        return True
    if ops[-1] != ".role":
        return False
    holder = clerk_resources.state_of(origin.module, origin.export, ops[:-1])
    return isinstance(holder, TypeRef)


# -- values typed by a Clerk type annotation ----------------------------------------------

def _annotated_binding(type_node: ts.Node) -> Optional[tuple[ts.Node, tuple[str, ...], bool]]:
    """The name a type annotation types: `(m: T)`, `const m: T[] = ...`, or a destructured
    prop `({ m }: { m: T })`; with the member path into the pattern and whether it is an array."""
    node, array = type_node, False
    parent = node.parent
    if parent is not None and parent.type == "array_type":
        node, parent, array = parent, parent.parent, True
    if parent is None or parent.type != "type_annotation":
        return None
    holder = parent.parent
    if holder is None:
        return None
    if holder.type in ("required_parameter", "optional_parameter"):
        pattern = holder.child_by_field_name("pattern")
        return (pattern, (), array) if pattern is not None and pattern.type == "identifier" else None
    if holder.type == "variable_declarator":
        name = holder.child_by_field_name("name")
        return (name, (), array) if name is not None and name.type == "identifier" else None
    if holder.type == "property_signature":  # ({ m }: { m: T }) => ...
        key = holder.child_by_field_name("name")
        object_type = holder.parent
        annotation = object_type.parent if object_type is not None and object_type.type == "object_type" else None
        param = annotation.parent if annotation is not None and annotation.type == "type_annotation" else None
        if key is None or param is None or param.type not in ("required_parameter", "optional_parameter"):
            return None
        pattern = param.child_by_field_name("pattern")
        if pattern is None or pattern.type != "object_pattern":
            return None
        for path, ident in pattern_names(pattern):
            if path == ("." + text(key),):
                return ident, (), array
    return None


def annotated_seeds(lang: str, root: ts.Node, type_imports: dict[bytes, tuple[str, str]],
                    scopes: ScopeIndex) -> dict[int, tuple[ts.Node, Origin]]:
    """Names declared with a Clerk resource type (`invitation: OrganizationInvitationResource`),
    bound as values of that type so their method calls are found like those of a hook's result.
    `type_imports`: local type name -> (Clerk module, exported type name)."""
    from .queries import captures
    seeds: dict[int, tuple[ts.Node, Origin]] = {}
    if not type_imports:
        return seeds
    for node in captures(lang, "types", root).get("type-name", ()):
        imported = type_imports.get(node.text)
        if imported is None or (clerk_resources.annotated(imported[1]) is None
                                 and imported[1] not in clerk_fields.ANNOTATED_TYPES
                                 and not imported[1].endswith(("WebhookEvent", "JSON"))):
            continue
        found = _annotated_binding(node)
        if found is None:
            continue
        ident, _, array = found
        if scopes.is_definition(ident):
            export = imported[1] + ("[]" if array else "")
            seeds.setdefault(ident.id, (ident, Origin(imported[0], export, (clerk_resources.ANNOTATED,))))
    return seeds


def use_facts(use: Use) -> UseFacts:
    """Everything this file does with one use's value, for classify/value_uses.value_findings."""
    return UseFacts(member_calls(use), handed_on(use), value_reads.field_reads(use), value_reads.presence_check(use),
                    value_reads.payload_read(use), value_reads.token_sent(use), role_comparison(use))
