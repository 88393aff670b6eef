"""The plain records the ECMAScript reader hands on: an import statement, a Clerk-bound value's
origin and each use of it. Pure data (no parsing, no queries), so the classifier reads them
without importing the reader's machinery.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from ...findings import Location

if TYPE_CHECKING:
    import tree_sitter as ts

NAMESPACE = "*"
DEFAULT = "default"
# Expression wrappers that do not change which value flows through.
TRANSPARENT = frozenset(
    {"parenthesized_expression", "await_expression", "non_null_expression", "as_expression",
     "satisfies_expression", "type_assertion"}
)
# A tRPC builder's steps that end it: a router holds no ctx of its own (Origin.extend).
ROUTER_STEPS = frozenset({".router", ".mergeRouters", ".createCallerFactory"})


@dataclass
class ImportedName:
    imported: str  # the export it names: a name, "default" or "*"
    local: Optional[ts.Node]  # the identifier it is bound to here (None for re-exports)
    is_type: bool = False
    exported_as: str = ""  # re-exports: the name this module exports it under


@dataclass
class ImportDecl:
    node: ts.Node  # the statement (or call) to report
    source: str
    kind: str  # import | require | dynamic | reexport
    names: list[ImportedName] = field(default_factory=list)
    type_only: bool = False

    @property
    def all_types(self) -> bool:
        return self.type_only or (bool(self.names) and all(n.is_type for n in self.names))


def text(node: ts.Node) -> str:
    return node.text.decode("utf-8", "replace")


def plain_parent(node: ts.Node) -> Optional[ts.Node]:
    """`node.parent`: fine on a shallow tree (ScopeIndex.parent is the lookup for any tree)."""
    return node.parent


def named_descendants(root: ts.Node) -> Iterable[ts.Node]:
    """`root` and every named node under it, each before its children, last sibling first (a
    stack walk, no recursion: trees may be thousands of levels deep)."""
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        yield node


def word_nodes(root: ts.Node, data: bytes, words: bytes) -> Iterable[ts.Node]:
    """The named nodes under `root` that are exactly a whole word of `data` (the bytes `root` was
    parsed from) matching the regex `words`: a lookup per occurrence instead of a walk over every
    node. In document order."""
    for m in re.finditer(rb"(?<![\w$])(?:" + words + rb")(?![\w$])", data):
        node = root.named_descendant_for_byte_range(m.start(), m.end())
        if node is not None and node.start_byte == m.start() and node.end_byte == m.end():
            yield node


def property_nodes(root: ts.Node, data: bytes, name: str) -> Iterable[ts.Node]:
    """The property names `name` of member expressions (`x.name`, `x?.name`) under `root`."""
    for node in word_nodes(root, data, re.escape(name.encode("utf-8", "surrogateescape"))):
        parent = node.parent
        if node.type == "property_identifier" and parent is not None and parent.type == "member_expression" \
                and parent.child_by_field_name("property") == node:
            yield node


def argument_index(arguments: ts.Node, node: ts.Node) -> int:
    """Where `node` stands among the arguments (or elements), comments left out; -1 if not there."""
    named = [c for c in arguments.named_children if c.type != "comment"]
    return named.index(node) if node in named else -1


def declared_by(expr: ts.Node) -> Optional[ts.Node]:
    """The declarator pattern an expression's value is stored in (`const x = await (expr)`)."""
    node = expr
    while node.parent is not None and node.parent.type in TRANSPARENT:
        node = node.parent
    parent = node.parent
    if parent is not None and parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
        return parent.child_by_field_name("name")
    return None


@dataclass(frozen=True)
class Wrapper:
    """An app function, hook or component whose result (or rendering, or guarding) comes
    from a Clerk API: calling it is using that API (cross-file resolution)."""

    names: tuple[str, ...]  # wrapper names, outermost first
    code: str  # rule of the wrapped Clerk API
    symbol: str  # the Clerk API as its direct finding names it
    module: str  # the Clerk module it comes from
    result: Optional["Origin"]  # what a call returns, when it is a Clerk value we can follow
    definitions: tuple[Location, ...]  # where each wrapper is defined, outermost first
    # `return { userId, isAdmin: has(...) }`: the returned object's Clerk-valued properties
    fields: tuple[tuple[str, "Origin"], ...] = ()


@dataclass(frozen=True)
class Origin:
    """What a binding holds: an export of a Clerk module, maybe called and dereferenced."""

    module: str
    export: str  # export name, "default", or "*" for the module namespace
    path: tuple[str, ...] = ()  # "()" per call, ".name" per member read
    via: tuple[str, ...] = ()  # app modules / wrappers crossed on the way (cross-file resolution)
    related: tuple[Location, ...] = ()  # where those are defined, for reporters
    wrapper: Optional[Wrapper] = None  # set when the binding is an app wrapper of a Clerk API
    # Only their Clerk-backed members are followed (`_use` folds them, others are no use):
    # `app`: `module` is an app module's path and the value its namespace (`import * as a`);
    # `fields`: the value is an object a wrapper returned, with these Clerk-valued properties.
    app: bool = False
    fields: tuple[tuple[str, "Origin"], ...] = ()
    # A tRPC builder (`t`, `t.procedure.use(...)`, an imported `protectedProcedure`) whose
    # callbacks receive `{ ctx }` holding this Clerk-backed context (trpc_context.py).
    context: Optional["Origin"] = None

    @property
    def chain(self) -> str:
        return self.export + "".join(self.path)

    @property
    def direct(self) -> bool:
        return not self.path

    def extend(self, steps: Iterable[str]) -> Optional["Origin"]:
        steps = tuple(steps)
        if self.context is not None:
            # `t.procedure.use(mw).input(schema)`: still a builder of the same context; a router
            # (`t.router`, `t.mergeRouters`) holds no ctx of its own, its procedures are the uses.
            return None if any(step in ROUTER_STEPS for step in steps) else self
        if self.app or self.fields:
            # An app namespace's members are looked up by Resolver; an unknown field is no Clerk value.
            if not steps:
                return self
            inner = None if self.app else self.field(steps[0])
            return None if inner is None else inner.extend(steps[1:])
        if self.export == NAMESPACE and not self.path and steps and steps[0].startswith("."):
            return Origin(self.module, steps[0][1:], steps[1:], self.via, self.related)
        return Origin(self.module, self.export, self.path + steps, self.via, self.related)

    def through(self, name: str, where: Optional[Location] = None) -> "Origin":
        """The same value reached through one more app module or wrapper."""
        related = ((where,) if where is not None else ()) + self.related
        context = None
        if self.context is not None:  # its fields carry their own via: reached through `name` too
            context = self.context.through(name, where)
            context = Origin(context.module, context.export, context.path, context.via, context.related,
                             fields=tuple((k, o.through(name, where)) for k, o in self.context.fields))
        return Origin(self.module, self.export, self.path, (name,) + self.via, related, self.wrapper,
                      self.app, self.fields, context)

    def field(self, op: str) -> Optional["Origin"]:
        """The Clerk value an object origin holds at `.name` (`fields`), or None."""
        return next((o for n, o in self.fields if "." + n == op), None)


@dataclass
class Step:
    node: ts.Node  # the expression this step produces
    op: str  # "()" or ".name"
    arguments: Optional[ts.Node] = None  # for calls


@dataclass
class Use:
    ref: ts.Node  # the identifier read
    origin: Origin  # already normalised for namespace members
    steps: list[Step] = field(default_factory=list)  # steps past the origin (namespace member folded in)
    jsx: Optional[ts.Node] = None  # the opening tag when the value is rendered as a component
    top: Optional[ts.Node] = None  # outermost expression of the chain
    reexport: bool = False  # `export { name }` of the binding
    framework: bool = False  # a read of the auth value a framework object carries (framework_reads.py)
    # The name was destructured here (`const { userId } = await auth()`): a bare read of it is a
    # read of that member; `const id = await requireUserId()` only holds what the wrapper read.
    destructured: bool = False
    # The tree's parent lookup (ScopeIndex.parent): walks up from a use go through it, since
    # `.parent` walks down from the root and a use thousands of levels deep pays that per step.
    up: Callable[[ts.Node], Optional[ts.Node]] = field(default=plain_parent, repr=False, compare=False)

    def prefix_chain(self, count: int) -> str:
        return self.origin.chain + "".join(step.op for step in self.steps[:count])


# What a reader saw a use do (value_flow.py, value_reads.py); classify/value_uses.py reports them.
@dataclass(frozen=True)
class MemberCall:
    owner: str  # the Clerk type, e.g. "SignInResource"
    member: str
    node: ts.Node  # the call expression


@dataclass(frozen=True)
class HandedOn:
    owner: str
    member: str
    node: ts.Node  # the reference passed on


@dataclass(frozen=True)
class FieldRead:
    owner: str  # clerk_fields.USER, ORGANIZATION, ...
    field: str
    node: ts.Node  # the member expression


@dataclass(frozen=True)
class PayloadRead:
    field: str  # "first_name", or the names a pattern takes ("id, first_name")
    node: ts.Node  # the member read, or the declaration that destructures the payload


@dataclass(frozen=True)
class TokenSent:
    how: str  # "Authorization header", "passed to fetchApi", "prop authToken"
    node: ts.Node


@dataclass(frozen=True)
class UseFacts:
    member_calls: list[MemberCall]  # Clerk methods called on the value
    handed_on: Optional[HandedOn]  # a Clerk function passed on by reference
    field_reads: list[FieldRead]
    presence: Optional[tuple[str, ts.Node]]  # a hook's resource tested for presence: (its chain, the test)
    payload: Optional[PayloadRead]  # a webhook payload field read
    token_sent: Optional[TokenSent]
    role_comparison: Optional[tuple[ts.Node, str]]  # the comparison and the other side's text
