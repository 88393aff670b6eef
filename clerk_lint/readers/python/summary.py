"""What a Python module offers other modules that is Clerk-backed, and how a file asks for it.

A module's summary maps its top-level names to an ``Export``: a Clerk API value it holds (the
client made by ``clerk = Clerk(...)``, a fastapi-clerk-auth guard), a function that
authenticates with Clerk (a wrapper, with the chain down to the Clerk call), and what Clerk
data a function returns (a request state, token claims, or a dict / object built from them).
The project pass (``resolve/py_project.py``) hands each file a context answering
``python_export(module, name)`` from the summaries of the modules it imports, and
``python_module(module)``: the project file an import names (for model classes).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from .syntax import Val


@dataclass(frozen=True)
class Data:
    """Clerk auth data a value holds.

    kind: "state" (``authenticate_request``'s RequestState), "claims" (a verified session
    token's claims), "credentials" (fastapi-clerk-auth's, claims under ``.decoded``),
    "shape" (a dict or object the app built from claims: ``keys`` maps each of its keys to the
    claim it holds), "event" (a Clerk webhook payload), "event-data" (its ``data``).
    via: the functions the value came through, outermost first (empty in the file that
    reads Clerk itself)."""

    kind: str
    via: tuple[str, ...] = ()
    keys: tuple[tuple[str, str], ...] = ()
    events: tuple[str, ...] = ()  # "event" / "event-data": the Clerk events the handler takes

    def key(self, name: str) -> Optional[str]:
        for k, claim in self.keys:
            if k == name:
                return claim
        return None

    def through(self, name: str) -> "Data":
        return Data(self.kind, (name, *self.via) if not self.via or self.via[0] != name else self.via,
                    self.keys, self.events)


@dataclass(frozen=True)
class Export:
    val: Optional[Val] = None  # a Clerk API value (client instance, guard)
    wrapper: Optional[tuple] = None  # (name, via, Location of the Clerk call, package)
    returns: Optional[Data] = None  # the Clerk data a function returns
    module: str = ""  # the name is a submodule: its file (the project's key)
    result: Optional[Val] = None  # the Clerk SDK value a function returns (`return clerk.users.get(...)`)
    calls: tuple[str, ...] = ()  # (function, Clerk API) for a function returning an SDK call's result


# StoredIdWrite.module of a model imported by a file read alone: the import, to be resolved.
UNRESOLVED = "import:"

ModuleSummary = tuple  # ((name, Export), ...) sorted by name: comparable, hashable


def export_of(context, module: str, name: str) -> Optional[Export]:
    ask = getattr(context, "python_export", None)
    return ask(module, name) if ask is not None else None


def module_of(context, module: str) -> str:
    ask = getattr(context, "python_module", None)
    return (ask(module) or "") if ask is not None else ""


def raw_import(b, node) -> Optional[tuple[str, str]]:
    """(module as imported, name) for a name bound by an import, or `module_alias.name`
    (`b`: the file's bindings.Bindings)."""
    if type(node) is ast.Name:
        for ref in b.referents(node):
            if type(ref) is ast.alias:
                val = b.import_vals.get(ref)
                if val is not None and val.chain and "." not in val.chain:
                    return val.module, val.chain
        return None
    if type(node) is ast.Attribute and type(node.value) is ast.Name:
        for ref in b.referents(node.value):
            if type(ref) is ast.alias:
                val = b.import_vals.get(ref)
                if val is not None:
                    module = f"{val.module}.{val.chain}" if val.chain else (ref.name if ref.asname else val.module)
                    return module, node.attr
    return None
