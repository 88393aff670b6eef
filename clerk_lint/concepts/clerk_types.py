"""What Clerk's client values are: the type a hook returns, and the type of each member read or
method called on it, from Clerk's published declarations (`data/clerk_resources.json`, built by
`scripts/build_resources.py`).

The binding layer follows a value as a chain of steps (`useOrganization()`, `.memberships`,
`.data`, `[]`, `.destroy`, `()`); `ClerkTypes.walk` turns such a chain into the type at each
step, so a rule can say "a method of `OrganizationMembershipResource` was called" instead of
listing the spellings an app may use.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

# Entry points whose hooks are React's (the framework SDKs re-export @clerk/clerk-react or
# @clerk/react): when a module has no table of its own, these answer, Core 2 first (most apps
# in the field), then Core 3 (`signIn` became SignInFutureResource there).
FALLBACK_HOOK_TABLES = ("@clerk/clerk-react", "@clerk/react", "@clerk/shared/react", "@clerk/clerk-expo", "@clerk/expo")
# Array methods whose callback gets one element as its first parameter.
ELEMENT_CALLBACKS = frozenset({"map", "forEach", "filter", "find", "findLast", "some", "every", "flatMap",
                               "sort", "reduce"})
ELEMENT = "[]"  # the step from an array to one of its elements


@dataclass(frozen=True)
class ClerkType:
    """A value of a Clerk type: `name` is a key of the types table (or a primitive / external
    name), `env` binds the type's parameters, `array` when it is a list of such values.
    `method` is set when the value is a method not yet called: (owner type, method name)."""

    name: str
    env: tuple[tuple[str, "ClerkType"], ...] = ()
    array: bool = False
    method: Optional[tuple[str, str]] = None
    returns: Optional["ClerkType"] = None  # what calling it gives (methods, function types)


@dataclass(frozen=True)
class MethodCall:
    owner: str  # declaring type as Clerk names it (UserResource, UseAuthReturn, LoadedClerk ...)
    method: str
    step: int  # index of the "()" step that calls it


class ClerkTypes:
    def __init__(self, data: dict):
        self.types: dict[str, dict] = data.get("types", {})
        self.hooks: dict[str, dict] = data.get("hooks", {})

    # -- entry ---------------------------------------------------------------------

    def hook_results(self, module: str, hook: str) -> list[ClerkType]:
        """What calling `hook` of `module` may return: the module's own declaration first, then
        the other generations' (an app's Clerk major is not known from an import)."""
        tables = [module] if module in self.hooks else []
        tables += [m for m in FALLBACK_HOOK_TABLES if m not in tables]
        out: list[ClerkType] = []
        for table in tables:
            entry = self.hooks.get(table, {}).get(hook)
            found = self._from_ref(entry.get("returns"), ()) if entry is not None else None
            if found is not None and found not in out:
                out.append(found)
        return out

    def hook_method_calls(self, module: str, hook: str, ops: list[str], first: int = 0) -> list[MethodCall]:
        """`method_calls` on what `hook` returns, trying each generation's type; per call step
        the first generation that knows the method answers."""
        by_step: dict[int, MethodCall] = {}
        for start in self.hook_results(module, hook):
            for call in self.method_calls(start, ops, first):
                by_step.setdefault(call.step, call)
        return [by_step[i] for i in sorted(by_step)]

    def walk(self, start: ClerkType, ops: Iterable[str]) -> list[Optional[ClerkType]]:
        """The type after each op ("()", ".name", "[]"); None from the first unknown step on."""
        out: list[Optional[ClerkType]] = []
        current: Optional[ClerkType] = start
        for op in ops:
            current = self.step(current, op) if current is not None else None
            out.append(current)
        return out

    def method_calls(self, start: ClerkType, ops: list[str], first: int = 0) -> list[MethodCall]:
        """Each call, at op index >= first, of a method declared by a Clerk type."""
        types = [start] + self.walk(start, ops)
        calls = []
        for i, op in enumerate(ops):
            before = types[i]
            if i >= first and op == "()" and before is not None and before.method is not None \
                    and before.method[0] in self.types:
                calls.append(MethodCall(before.method[0], before.method[1], i))
        return calls

    def hook_value_method(self, module: str, hook: str, ops: list[str]) -> Optional[tuple[str, str]]:
        """(owner, method) when the value at the end of `ops` on what `hook` returns is a Clerk
        method not called there (`const { getToken } = useAuth()` then `getToken` passed on)."""
        for start in self.hook_results(module, hook):
            walked = self.walk(start, ops)
            end = walked[-1] if walked else start
            if end is not None and end.method is not None and end.method[0] in self.types:
                return end.method
        return None

    # -- one step ------------------------------------------------------------------

    def step(self, value: ClerkType, op: str) -> Optional[ClerkType]:
        if op == "()":
            return value.returns
        if op == ELEMENT:
            return ClerkType(value.name, value.env) if value.array else None
        if not op.startswith(".") or value.array or value.method is not None:
            return None
        return self.member(value, op[1:])

    def member(self, value: ClerkType, name: str) -> Optional[ClerkType]:
        decl = self._declaration(value.name)
        if decl is None:
            return None
        env = dict(value.env)
        prop = decl.get("properties", {}).get(name)
        if prop is not None:
            return self._from_ref(prop, env)
        method = decl.get("methods", {}).get(name)
        if method is not None:
            owner = method.get("from") or value.name
            returns = self._from_ref(method.get("returns"), env)
            return ClerkType(name, method=(owner if owner in self.types else value.name, name), returns=returns)
        return None

    def _declaration(self, name: str, depth: int = 0) -> Optional[dict]:
        decl = self.types.get(name)
        if decl is not None and "alias_of" in decl and depth < 8 and not decl.get("properties") \
                and not decl.get("methods"):
            return self._declaration(decl["alias_of"], depth + 1)
        return decl

    def _from_ref(self, ref: Optional[dict], env) -> Optional[ClerkType]:
        if not isinstance(ref, dict):
            return None
        env = dict(env)
        name = ref.get("type", "")
        if name in env and not ref.get("args"):
            bound = env[name]
            return ClerkType(bound.name, bound.env, ref.get("array", False) or bound.array, bound.method,
                             bound.returns)
        if name == "function":
            return ClerkType("function", returns=self._from_ref(ref.get("returns"), env))
        decl = self.types.get(name)
        args = [self._from_ref(a, env) for a in ref.get("args", ())]
        params = decl.get("type_params", []) if decl else []
        bound_env = tuple((p, a) for p, a in zip(params, args) if a is not None)
        returns = None
        if decl is not None and "call" in decl:
            returns = self._from_ref(decl["call"].get("returns"), dict(bound_env))
        return ClerkType(name, bound_env, bool(ref.get("array")), None, returns)


@lru_cache(maxsize=1)
def clerk_types() -> ClerkTypes:
    data = json.loads((resources.files("clerk_lint") / "data" / "clerk_resources.json").read_text(encoding="utf-8"))
    return ClerkTypes(data)
