"""Where the app keeps a Clerk value, and where a request-scoped copy is read back.

Writes (`stored`): a Clerk value (or an object holding one) handed to a state setter
(`setProfile(user)`, a store's `setUserId(userId)`, `useStore.setState({ userId })`,
`localStorage.setItem("uid", userId)`), assigned to a module variable from inside a function,
to a global (`window.uid = userId`), or to a request-scoped place other handlers read:
Hono's `c.set("userId", auth.userId)`, Express `res.locals.userId = ...`, `req.userId = ...`.
Those three are keyed (`StoreKey`): the scan shares them across files, and `reads` finds
`c.get("userId")`, `res.locals.userId`, `req.userId` on the request objects of other handlers
(`req.auth = { userId: decoded.sub }` after the app's own verifyToken: `const { userId } = req.auth`).
@hono/clerk-auth's own middleware stores the auth object as `clerkAuth` and the Backend API
client as `clerk`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import tree_sitter as ts

from ...concepts import clerk_resources
from .records import TRANSPARENT, Origin, Use, argument_index, plain_parent, property_nodes, text
from .carriers import carried, object_path
from .scopes import ScopeIndex

STATE_SETTER = re.compile(r"^set[A-Z]")
STORAGE_METHODS = frozenset({"setItem", "setState", "setQueryData"})
GLOBALS = frozenset({"window", "globalThis", "self", "global"})
PARAMETER_NODES = frozenset({"formal_parameters", "required_parameter", "optional_parameter", "arrow_function"})
FUNCTION_NODES = frozenset({"arrow_function", "function_expression", "function", "function_declaration",
                            "method_definition", "generator_function_declaration"})
# Values whose copy is a migration item: who is signed in and where (a plain field of a resource,
# `user.fullName`, is data like any other and stays silent, as its read does).
# A verified token's claims name them too: `sub` (the user), `sid` (the session), `org_id`.
IDENTITY = frozenset({".userId", ".orgId", ".orgSlug", ".orgRole", ".orgPermissions", ".sessionId",
                      ".sessionClaims", ".id", ".actor", ".sub", ".sid", ".org_id"})
# Hono's handler context (`c.set` / `c.get`) and the request objects handlers decorate.
CONTEXT_NAMES = frozenset({"c", "ctx", "context"})
CONTEXT_TYPES = re.compile(r"\bContext\b")
REQUEST_NAMES = frozenset({"req", "request"})
REQUEST_TYPES = re.compile(r"\b(?:Request|FastifyRequest|WithAuthProp|RequireAuthProp|LooseAuthProp)\b")
HONO_MODULE = "@hono/clerk-auth"
MAX_NESTING = 16  # object literals deeper than this around a value are not followed (hostile input)
# What @hono/clerk-auth's clerkMiddleware() sets on the context (`c.get("clerkAuth")`).
HONO_KEYS = {
    ("context", "clerkAuth"): Origin(HONO_MODULE, "getAuth", ("()",)),
    ("context", "clerk"): Origin("@clerk/backend", "createClerkClient", ("()",)),
}


@dataclass(frozen=True)
class Stored:
    node: ts.Node  # the call or assignment that stores the value
    place: str  # how the code names the place: `c.set("userId")`, `res.locals.userId`, `setProfile`
    key: Optional[tuple[str, str]] = None  # ("context" | "locals" | "request", name): read back elsewhere
    path: tuple[str, ...] = ()  # where the value sits in the object stored (`{ caller: { userId } }`)


def _worth_keeping(value: Origin) -> bool:
    """An identity value, or a whole Clerk object (the auth object, a user, a resource, an array of them)."""
    if value.fields:
        return True
    last = value.path[-1] if value.path else ""
    if last == "()" or last in IDENTITY:
        return True
    state = clerk_resources.state_of(value.module, value.export, value.path)
    return isinstance(state, clerk_resources.TypeRef) and (state.array or clerk_resources.declared(state.name))


def merged(held: Optional[Origin], path: tuple[str, ...], value: Origin) -> Origin:
    """What a store holds once `value` is put at `path` of the object stored (`res.locals.caller =
    { userId, orgId }` is one object with two Clerk fields); a value stored whole replaces nothing."""
    if not path:
        return held if held is not None and not held.fields else value
    inner = held.field("." + path[0]) if held is not None and held.fields else None
    field = merged(inner, path[1:], value)
    fields = tuple((k, o) for k, o in (held.fields if held is not None else ()) if k != path[0]) + ((path[0], field),)
    return Origin(value.module, value.export, value.path, value.via, value.related, fields=tuple(sorted(fields)))


def store_key(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def key_tokens(key: str) -> tuple[str, ...]:
    """Bytes a file reading this key back must contain (cross-file rounds)."""
    kind, name = key.split(":", 1)
    if kind == "context":
        return (f'"{name}"', f"'{name}'")
    if kind == "locals":
        return (f"locals.{name}",)
    return tuple(f"{param}.{name}" for param in sorted(REQUEST_NAMES))  # reads on `req` / `request`


def _is_param(definition: Optional[ts.Node]) -> bool:
    parent = definition.parent if definition is not None else None
    return parent is not None and parent.type in PARAMETER_NODES


def _param_like(definition: Optional[ts.Node], names: frozenset[str], types: re.Pattern) -> bool:
    """A handler parameter by its conventional name or its type (`c`, `c: Context`; `req: Request`)."""
    if not _is_param(definition):
        return False
    if text(definition) in names:
        return True
    annotation = definition.parent.child_by_field_name("type") if definition.parent.type != "arrow_function" else None
    return annotation is not None and types.search(text(annotation)) is not None


def _context_param(definition: Optional[ts.Node]) -> bool:
    return _param_like(definition, CONTEXT_NAMES, CONTEXT_TYPES)


def _request_param(definition: Optional[ts.Node]) -> bool:
    return _param_like(definition, REQUEST_NAMES, REQUEST_TYPES)


def _enclosing_function(node: ts.Node, up=plain_parent) -> Optional[ts.Node]:
    node = up(node)
    while node is not None and node.type not in FUNCTION_NODES:
        node = up(node)
    return node


def _module_level(definition: ts.Node, up=plain_parent) -> bool:
    """Declared outside every function (a module variable)."""
    return _enclosing_function(definition, up) is None


def _string(node: Optional[ts.Node]) -> Optional[str]:
    if node is None or node.type != "string":
        return None
    return text(node)[1:-1]


def _member_chain(node: ts.Node) -> tuple[Optional[ts.Node], tuple[str, ...]]:
    """`res.locals.userId` -> (res, (".locals", ".userId"))."""
    ops: list[str] = []
    while node.type == "member_expression":
        prop = node.child_by_field_name("property")
        ops.insert(0, "." + (text(prop) if prop is not None else "?"))
        node = node.child_by_field_name("object")
        while node is not None and node.type in TRANSPARENT and node.named_children:
            node = node.named_children[0]
        if node is None:
            return None, ()
    return (node if node.type in ("identifier", "this") else None), tuple(ops)


class Stores:
    def __init__(self, scopes: ScopeIndex, bound: dict[int, Origin]):
        self.scopes = scopes
        self.bound = bound

    def stored(self, use: Use, value: Optional[Origin]) -> Optional[Stored]:
        """Where this use's value is kept, if it is kept in a store, state or request-scoped place."""
        if value is None or use.top is None or use.jsx is not None or use.reexport or value.context is not None \
                or value.app or value.wrapper is not None and not use.steps:
            return None
        up = self.scopes.parent
        held = object_path(carried(use.top, up)[0], up, MAX_NESTING, ("property_identifier", "string"))
        if held is None:  # `{ userId }`, `{ id: user.id }`: the object holding it
            return None
        node, path, parent = held
        found = None
        call = up(parent)
        if parent.type == "arguments" and call is not None and call.type == "call_expression":
            found = self._call_sink(call, parent, node, bool(path))
        elif parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
            found = self._assignment_sink(parent)
        if found is None or not _worth_keeping(value):
            return None
        return Stored(found.node, found.place, found.key, tuple(path))

    def _clerk_bound(self, ident: Optional[ts.Node]) -> bool:
        target = self.scopes.resolve(ident) if ident is not None and ident.type == "identifier" else None
        return target is not None and target.id in self.bound

    def _call_sink(self, call: ts.Node, arguments: ts.Node, node: ts.Node, wrapped: bool) -> Optional[Stored]:
        callee = call.child_by_field_name("function")
        if callee is None:
            return None
        if callee.type == "identifier":
            name = text(callee)
            if STATE_SETTER.match(name) and not self._clerk_bound(callee):
                return Stored(call, name)
            return None
        if callee.type != "member_expression":
            return None
        prop = callee.child_by_field_name("property")
        receiver = callee.child_by_field_name("object")
        name = text(prop) if prop is not None else ""
        root, _ = _member_chain(callee)
        if root is not None and self._clerk_bound(root):
            return None  # a Clerk method (`setActive`, `user.update`) takes the value: that call is the finding
        if name == "set" and receiver is not None and receiver.type == "identifier":
            key = _string(arguments.named_children[0]) if arguments.named_children else None
            if key and argument_index(arguments, node) == 1 and _context_param(self.scopes.resolve(receiver)):
                return Stored(call, f'{text(receiver)}.set("{key}")', ("context", key))
            return None
        if name in STORAGE_METHODS or STATE_SETTER.match(name):
            return Stored(call, text(callee))
        return None

    def _assignment_sink(self, assignment: ts.Node) -> Optional[Stored]:
        left = assignment.child_by_field_name("left")
        if left is None or _enclosing_function(assignment, self.scopes.parent) is None:
            return None  # top-level code initialises, it does not keep a request's value
        if left.type == "identifier":
            target = self.scopes.resolve(left)
            if target is not None and _module_level(target, self.scopes.parent) and target.id not in self.bound:
                return Stored(assignment, text(left))
            return None
        if left.type != "member_expression":
            return None
        root, ops = _member_chain(left)
        if root is None:
            return None
        if root.type == "this":
            return Stored(assignment, text(left))
        target = self.scopes.resolve(root)
        if _is_param(target):
            if len(ops) == 2 and ops[0] == ".locals":
                return Stored(assignment, text(left), ("locals", ops[1][1:]))
            if len(ops) == 1 and _request_param(target):
                return Stored(assignment, text(left), ("request", ops[0][1:]))
            if len(ops) == 2 and ops[0] == ".session" and _request_param(target):
                return Stored(assignment, text(left))  # express-session: kept across requests
            return None
        if target is None and text(root) in GLOBALS or target is not None and _module_level(target, self.scopes.parent) \
                and target.id not in self.bound:
            return Stored(assignment, text(left))
        return None


def taken_apart(node: Optional[ts.Node], up=plain_parent) -> bool:
    """`const { userId } = req.auth`: a stored object taken apart into named fields where it is read."""
    parent = up(node) if node is not None else None
    while parent is not None and parent.type in TRANSPARENT:
        node, parent = parent, up(parent)
    pattern = parent.child_by_field_name("name") if parent is not None and parent.type == "variable_declarator" else None
    return pattern is not None and pattern.type == "object_pattern" and parent.child_by_field_name("value") == node


def reads(root: ts.Node, data: bytes, scopes: ScopeIndex, keys: dict[str, Origin],
          skip: Callable[[ts.Node], bool]) -> Iterable[tuple[ts.Node, Origin, str]]:
    """(the read expression, the value it gives, how the code names it) for each read of a
    request-scoped key on a handler's parameter: `c.get("userId")`, `res.locals.userId`, `req.userId`.
    `skip`: nodes that are writes (the left side of an assignment is not a read).
    Candidates are found from where the property names (`get`, `locals`, the keys) are in the
    bytes; they are visited parents first, last sibling first (the order of a walk of the
    tree), as the merges of what is read depend on it."""
    if not keys:
        return
    context = {k.split(":", 1)[1]: o for k, o in keys.items() if k.startswith("context:")}
    locals_ = {k.split(":", 1)[1]: o for k, o in keys.items() if k.startswith("locals:")}
    request = {k.split(":", 1)[1]: o for k, o in keys.items() if k.startswith("request:")}
    candidates: dict[int, ts.Node] = {}
    if context:
        for prop in property_nodes(root, data, "get"):
            member = prop.parent
            call = member.parent
            receiver = member.child_by_field_name("object")
            if receiver is not None and receiver.type == "identifier" and call is not None \
                    and call.type == "call_expression" and call.child_by_field_name("function") == member \
                    and call.child_by_field_name("arguments") is not None:
                candidates[call.id] = call
    for name in sorted(({"locals"} if locals_ else set()) | set(request)):
        for prop in property_nodes(root, data, name):
            node = prop.parent
            receiver = node.child_by_field_name("object")
            if receiver is None or receiver.type != "identifier":
                continue  # not the first link of a chain on a plain name
            parent = node.parent
            while parent is not None and parent.type == "member_expression" \
                    and parent.child_by_field_name("object") == node:
                node, parent = parent, parent.parent  # the outermost read of a chain decides
            candidates[node.id] = node
    for node in sorted(candidates.values(), key=lambda n: (-n.end_byte, n.start_byte)):
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            receiver = callee.child_by_field_name("object")
            key = _string(arguments.named_children[0]) if len(arguments.named_children) == 1 else None
            if key in context and _context_param(scopes.resolve(receiver)):
                yield node, context[key], f'{text(receiver)}.get("{key}")'
        else:
            read = _member_read(node, scopes, locals_, request)
            if read is not None and not skip(read[0]):
                yield read


def _member_read(node: ts.Node, scopes: ScopeIndex, locals_: dict, request: dict):
    """`res.locals.userId(.more)` / `req.userId(.more)`: the read of the key, its value, its name."""
    chain = []
    current = node
    while current.type == "member_expression":
        chain.insert(0, current)
        current = current.child_by_field_name("object")
        if current is None:
            return None
    if current.type != "identifier":
        return None
    props = [text(c.child_by_field_name("property")) for c in chain if c.child_by_field_name("property") is not None]
    if len(props) != len(chain):
        return None
    local = len(props) >= 2 and props[0] == "locals" and props[1] in locals_
    if not local and not (props and props[0] in request):
        return None  # no key named: the receiver is not resolved (most member chains)
    definition = scopes.resolve(current)
    if not _is_param(definition):
        return None
    if local:
        return chain[1], locals_[props[1]], f"{text(current)}.locals.{props[1]}"
    if _request_param(definition):
        return chain[0], request[props[0]], f"{text(current)}.{props[0]}"
    return None
