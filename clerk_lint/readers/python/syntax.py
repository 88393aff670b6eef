"""Small facts about ``ast`` nodes the Python reader's passes share: the imported API a name
stands for (``Val``), dotted names, import bindings, call arguments, children in source order."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

@dataclass(frozen=True)
class Val:
    """An imported API: the module it came from and the chain applied to it."""

    module: str  # the module named in the import, e.g. clerk_backend_api or jose
    chain: str = ""  # "" for the module itself; e.g. "Clerk().users.list()"

    @property
    def path(self) -> str:
        return f"{self.module}.{self.chain}" if self.chain else self.module

    @property
    def top(self) -> str:
        return self.module.lstrip(".").split(".", 1)[0]

    def attr(self, name: str) -> "Val":
        return Val(self.module, f"{self.chain}.{name}" if self.chain else name)

    def call(self) -> Optional["Val"]:
        return Val(self.module, self.chain + "()") if self.chain else None

    def item(self) -> Optional["Val"]:
        return Val(self.module, self.chain + "[]") if self.chain else None


def dotted(node) -> str:
    """`a.b.c` for a Name / Attribute chain, else "" (a loop: chains can be thousands deep)."""
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def import_module(node: ast.ImportFrom) -> str:
    return "." * node.level + (node.module or "")


def import_bindings(node) -> list[tuple[str, Val, ast.alias]]:
    """(bound name, value, alias) for each name an import statement binds."""
    out: list[tuple[str, Val, ast.alias]] = []
    if type(node) is ast.Import:
        for alias in node.names:
            if alias.asname:
                out.append((alias.asname, Val(alias.name), alias))
            else:
                top = alias.name.split(".", 1)[0]  # `import a.b` binds `a`
                out.append((top, Val(top), alias))
    elif type(node) is ast.ImportFrom:
        module = import_module(node)
        for alias in node.names:
            if alias.name != "*":
                out.append((alias.asname or alias.name, Val(module, alias.name), alias))
    return out


def call_args(call: ast.Call) -> tuple[list, dict]:
    positional = [a for a in call.args if type(a) is not ast.Starred]
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    return positional, keywords



FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
# Fields holding no node of interest: contexts and operators are shared singletons in CPython.
_SKIP_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "type_ignores"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(t: type) -> tuple[str, ...]:
    fields = _FIELDS.get(t)
    if fields is None:
        fields = _FIELDS[t] = tuple(f for f in t._fields if f not in _SKIP_FIELDS)
    return fields


def children(node) -> list:
    """Child nodes in source order (ast's field order differs for a few node types)."""
    t = type(node)
    if t is ast.IfExp:
        return [node.body, node.test, node.orelse]
    if t is ast.Dict:
        out = []
        for k, v in zip(node.keys, node.values):
            if k is not None:
                out.append(k)
            out.append(v)
        return out
    out = []
    for f in _fields(t):
        v = getattr(node, f, None)
        if type(v) is list:
            out.extend(x for x in v if isinstance(x, ast.AST))
        elif isinstance(v, ast.AST):
            out.append(v)
    return out
