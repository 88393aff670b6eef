"""What Clerk's client hooks return and what their results' members are, from
`data/clerk_resources.json` (built from Clerk's published `.d.ts` by scripts/build_resources.py).

`walk` follows a usage chain (`useSignIn()`, `.signIn`, `.create`, `()`) through those
types and names every Clerk method the chain calls (`SignInResource.create`), so rules can
be written against Clerk's own interfaces instead of lists of names.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

# Entry points whose hooks Clerk's React-based SDKs re-export (Next.js, Remix, React Router,
# TanStack Start ...): hooks imported from any other `@clerk/*` module are looked up here.
# Core 2 and core 3 type some hooks differently (`useSignIn()` returns `{ signIn, setActive }`
# in core 2, a signal in core 3): every generation is tried, the one the chain fits wins.
REACT_ENTRYPOINTS = ("@clerk/clerk-react", "@clerk/react/legacy", "@clerk/react", "@clerk/shared/react",
                     "@clerk/clerk-expo", "@clerk/expo")
# Array methods whose callback receives each element first (`data.map((m) => m.destroy())`).
ELEMENT_CALLBACKS = frozenset({"map", "forEach", "filter", "find", "findLast", "some", "every", "flatMap",
                               "sort", "toSorted"})
ELEMENT = "[]"  # the chain op for "an element of this array"
# Array methods whose result is the same kind of array, or one element of it.
SAME_ARRAY = frozenset({"filter", "slice", "sort", "toSorted", "toReversed", "reverse", "concat"})
ONE_ELEMENT = frozenset({"find", "findLast", "at", "pop", "shift"})
# The chain op after a type name: a value annotated with that Clerk type (`m: MembershipResource`).
ANNOTATED = ""


@dataclass(frozen=True)
class TypeRef:
    name: str
    args: tuple["TypeRef", ...] = ()
    array: bool = False


@dataclass(frozen=True)
class Member:
    """A method read off a Clerk value, not yet called."""

    owner: TypeRef
    name: str
    returns: Optional[TypeRef]


@dataclass(frozen=True)
class Function:
    """A hook, or a function value a hook returns (`useReverification(fn)`)."""

    name: str
    returns: Optional[TypeRef]


State = object  # TypeRef | Member | Function


@dataclass(frozen=True)
class Call:
    """A Clerk method called along a chain: `owner.member()` at chain step `index`."""

    owner: str
    member: str
    index: int


@lru_cache(maxsize=1)
def _data() -> dict:
    path = resources.files("clerk_lint") / "data" / "clerk_resources.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _ref(spec: Optional[dict], bindings: dict[str, TypeRef]) -> Optional[TypeRef]:
    if not spec or "type" not in spec:
        return None
    name = spec["type"]
    if name in bindings:
        bound = bindings[name]
        return TypeRef(bound.name, bound.args, bound.array or bool(spec.get("array")))
    args = tuple(a for a in (_ref(s, bindings) for s in spec.get("args", ())) if a is not None)
    return TypeRef(name, args, bool(spec.get("array")))


def _function_returns(spec: dict, bindings: dict[str, TypeRef]) -> State:
    returns = spec.get("returns")
    if isinstance(returns, dict) and returns.get("type") == "function":
        return Function("", _ref(returns.get("returns"), bindings))
    return _ref(returns, bindings)


def hooks(module: str, export: str) -> list[Function]:
    """The typings of hook `export` of `module` (one per Clerk generation that has it)."""
    return list(_hooks(module, export))


@lru_cache(maxsize=4096)  # asked for every use of every Clerk value
def _hooks(module: str, export: str) -> tuple[Function, ...]:
    table = _data()["hooks"]
    specs = [table.get(module, {}).get(export)]
    if module.startswith("@clerk/"):
        specs += [table.get(m, {}).get(export) for m in REACT_ENTRYPOINTS if m != module]
    out: list[Function] = []
    for spec in specs:
        if spec is None:
            continue
        result = _function_returns(spec, {})
        function = Function(export, result.returns if isinstance(result, Function) else result)
        if function not in out:
            out.append(function)
    return tuple(out)


def _declaration(name: str) -> Optional[dict]:
    return _data()["types"].get(name)


def _member_spec(owner: TypeRef, name: str, kind: str) -> Optional[dict]:
    """`kind` ("methods" / "properties") entry `name` of `owner`, through `extends`."""
    seen: set[str] = set()
    pending = [owner.name]
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.add(current)
        decl = _declaration(current)
        if decl is None:
            continue
        found = decl.get(kind, {}).get(name)
        if found is not None:
            return found
        pending.extend(decl.get("extends", ()))
    return None


def _bindings(owner: TypeRef) -> dict[str, TypeRef]:
    decl = _declaration(owner.name) or {}
    params = decl.get("type_params", ())
    if not isinstance(params, list):
        return {}
    return {p: a for p, a in zip(params, owner.args)}


def step(state: State, op: str) -> Optional[State]:
    """The state after one chain op, or None when the chain leaves what the types describe."""
    if op == "()":
        if isinstance(state, Member):
            return state.returns
        if isinstance(state, Function):
            return state.returns
        return None
    if not isinstance(state, TypeRef):
        return None
    if op == ELEMENT or state.array and op[1:].isdigit():  # `data.map((m) => ...)`, `data[0]`
        return TypeRef(state.name, state.args) if state.array else None
    if state.array and op.startswith("."):
        if op[1:] in SAME_ARRAY:
            return Function(op[1:], state)
        if op[1:] in ONE_ELEMENT:
            return Function(op[1:], TypeRef(state.name, state.args))
        return None
    if not op.startswith("."):
        return None
    name = op[1:]
    bindings = _bindings(state)
    prop = _member_spec(state, name, "properties")
    if prop is not None:
        return _ref(prop, bindings)
    method = _member_spec(state, name, "methods")
    if method is not None:
        returns = _function_returns(method, bindings)
        return Member(state, name, returns if isinstance(returns, TypeRef) else None)
    return None


def _walk(state: Optional[State], ops: Iterable[str]) -> Optional[State]:
    for op in ops:
        if state is None:
            return None
        state = step(state, op)
    return state


def declared(type_name: str) -> bool:
    """Clerk declares this interface (a resource or object type, not a primitive)."""
    return _declaration(type_name) is not None


def annotated(type_name: str) -> Optional[TypeRef]:
    """A value annotated with Clerk type `type_name` ("X" or "X[]"), when Clerk declares X."""
    array = type_name.endswith("[]")
    name = type_name[:-2] if array else type_name
    return TypeRef(name, (), array) if _declaration(name) is not None else None


def _starts(module: str, export: str, ops: tuple[str, ...]) -> tuple[list[State], tuple[str, ...]]:
    if ops[:1] == (ANNOTATED,):
        start = annotated(export)
        return ([start] if start is not None else []), ops[1:]
    return list(hooks(module, export)), ops


def state_of(module: str, export: str, ops: Iterable[str]) -> Optional[State]:
    """The typed state of `export` of `module` after `ops`, or None when untyped."""
    return _state_of(module, export, tuple(ops))


@lru_cache(maxsize=65536)  # the same few chains in file after file
def _state_of(module: str, export: str, ops: tuple[str, ...]) -> Optional[State]:
    starts, ops = _starts(module, export, ops)
    return next((s for s in (_walk(h, ops) for h in starts) if s is not None), None)


def calls(module: str, export: str, before: Iterable[str], ops: list[str]) -> list[Call]:
    """Clerk methods the ops call, after the value reached by `before` (already reported)."""
    best: list[Call] = []
    starts, before = _starts(module, export, tuple(before))
    for typing in starts:
        state = _walk(typing, before)
        found: list[Call] = []
        for index, op in enumerate(ops):
            if state is None:
                break
            if op == "()" and isinstance(state, Member):
                found.append(Call(state.owner.name, state.name, index))
            state = step(state, op)
        if len(found) > len(best):
            best = found
    return best


def is_array(state: Optional[State]) -> bool:
    return isinstance(state, TypeRef) and state.array
