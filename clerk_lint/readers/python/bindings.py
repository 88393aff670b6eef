"""What a Python expression is bound to, for the Python analyzer (standard library ``ast``).

Two questions are answered for any expression node, both memoised per file:

* ``value(node)`` -> ``Val`` or None: the imported API the expression evaluates to, as a
  dotted *path* made of the module it was imported from plus a chain of members, calls
  (``()``) and subscripts (``[]``): ``sdk.users.list()`` after ``sdk = Clerk(...)`` and
  ``from clerk_backend_api import Clerk`` is ``clerk_backend_api.Clerk().users.list()``.
  Names are resolved by the scope resolver of ``scopes.py`` (Python's rules: module, function,
  lambda, class and comprehension scopes, ``global`` / ``nonlocal``), so ``import x as y``
  aliases work and a parameter, local def or local assignment that shadows an import is not
  the import. Values flow through assignments, ``with ... as``, walrus, ``await``,
  parameters annotated with an imported class, and ``self.attr`` assigned anywhere in the
  same class.

* ``taint(node)`` -> frozenset of labels: whether Clerk configuration flows into the
  expression (Clerk URLs in string literals, ``CLERK_*`` names, svix headers), followed
  through the same bindings (the labels are listed in ``labels.py``).

A name's *referents* are all the bindings of that name in the scope it resolves to, in
document order (no flow analysis): the first one with a value wins in ``value``, the last
assignment wins in ``assigned_value``.
"""
from __future__ import annotations

import ast
from typing import Optional

from .labels import literal_labels, name_labels, string_value
from .scopes import ScopeTables
from .syntax import COMPS, DEFS, FUNCS, Val, call_args, children


class Bindings(ScopeTables):
    """The scope tables of one file, asked what values and what Clerk configuration flow
    into each expression (memoised per node)."""

    def __init__(self, tree: ast.Module, data: bytes, line_starts: list[int]):
        super().__init__(tree, data, line_starts)
        self._values: dict = {}
        self._taints: dict = {}
        self._busy: set = set()
        # Val -> the value it stands for when imported from the app's own module (walker._rebind)
        self.rebind = None
        # Val of an imported function -> the Clerk value its call returns (walker._rebind_call)
        self.rebind_call = None

    # -- values -----------------------------------------------------------------------

    def _memoised(self, cache: dict, compute, node, default):
        """compute(node), once per node; `default` while the node is being computed (a
        binding cycle) or past MAX_DEPTH nested computations."""
        if node in cache:
            return cache[node]
        if node in self._busy or len(self._busy) > self.MAX_DEPTH:
            return default
        self._busy.add(node)
        try:
            result = compute(node)
        finally:
            self._busy.discard(node)
        cache[node] = result
        return result

    def value(self, node) -> Optional[Val]:
        return self._memoised(self._values, self._value, node, None)

    def _value(self, node) -> Optional[Val]:
        t = type(node)
        if t is ast.Name:
            for ref in self.referents(node):
                rt = type(ref)
                if rt is ast.alias:
                    val = self.import_vals.get(ref)
                    if val is not None and self.rebind is not None:
                        val = self.rebind(val) or val
                elif ref in self.assigned:
                    val = self.value(self.assigned[ref])
                elif ref in self.iterated:
                    inner = self.value(self.iterated[ref])
                    val = inner.item() if inner is not None else None
                elif rt is ast.arg:
                    val = self._param_value(ref)
                else:
                    val = None
                if val is not None:
                    return val
            return None
        if t is ast.Attribute:
            base = self.value(node.value)
            if base is not None:
                val = base.attr(node.attr)
                if self.rebind is not None and "(" not in base.chain and "[" not in base.chain:
                    return self.rebind(val) or val
                return val
            cls = self.self_class(node.value)
            if cls is not None:
                for expr in self.class_attrs.get((cls, node.attr), ()):
                    val = self.value(expr)
                    if val is not None:
                        return val
            return None
        if t is ast.Call:
            base = self.value(node.func)
            if base is not None:
                if self.rebind_call is not None:
                    result = self.rebind_call(base)
                    if result is not None:
                        return result
                return base.call()
            # A factory defined in this file: `def _client(): ... return Clerk(...)`.
            definition = self.definition(node.func)
            if isinstance(definition, FUNCS):
                for ret in self.returns(definition):
                    val = self.value(ret)
                    if val is not None:
                        return val
            return None
        if t is ast.Subscript:
            base = self.value(node.value)
            return base.item() if base is not None else None
        if t is ast.Await:
            return self.value(node.value)
        return None

    def _param_value(self, param: ast.arg) -> Optional[Val]:
        # `def handler(sdk: Clerk)`: an instance of an imported class.
        ann = param.annotation
        if type(ann) in (ast.Name, ast.Attribute):
            val = self.value(ann)
            if val is not None and val.chain and "(" not in val.chain:
                return val.call()
        return None

    # -- taint ------------------------------------------------------------------------

    def taint(self, node) -> frozenset[str]:
        if node is None:
            return frozenset()
        return self._memoised(self._taints, self._taint, node, frozenset())

    def _taint(self, node) -> frozenset[str]:
        t = type(node)
        if t is ast.Constant:
            value = node.value
            return literal_labels(value) if type(value) is str else frozenset()
        if t is ast.Name:
            labels = set(name_labels(node.id))
            for ref in self.referents(node):
                if ref in self.assigned:
                    labels |= self.taint(self.assigned[ref])
            return frozenset(labels)
        if t is ast.Attribute:
            labels = set(self.taint(node.value)) | name_labels(node.attr)
            cls = self.self_class(node.value)
            if cls is not None:
                for expr in self.class_attrs.get((cls, node.attr), ()):
                    labels |= self.taint(expr)
            return frozenset(labels)
        if t is ast.keyword:
            return self.taint(node.value)
        if t is ast.Call:
            labels = set(self.taint(node.func))
            for arg in node.args:
                labels |= self.taint(arg)
            for kw in node.keywords:
                labels |= self.taint(kw.value)
            # a helper of this file: what it returns (`jwks = await get_jwks()`)
            definition = self.definition(node.func)
            if isinstance(definition, FUNCS):
                for ret in self.returns(definition):
                    labels |= self.taint(ret)
            return frozenset(labels)
        if t is ast.Lambda or t in DEFS:
            return frozenset()
        if t in COMPS:  # the element, not the `for` clauses
            parts = [node.key, node.value] if t is ast.DictComp else [node.elt]
        else:
            parts = children(node)
        labels: set[str] = set()
        for child in parts:
            if isinstance(child, ast.expr):
                labels |= self.taint(child)
        return frozenset(labels)

    # -- rendering --------------------------------------------------------------------

    def render(self, node, depth: int = 0) -> str:
        """A string expression as text, constants substituted, other parts as {code}."""
        if node is None:
            return ""
        if depth > 8:
            return "{" + self.code(node) + "}"
        value = string_value(node)
        if value is not None:
            return value
        t = type(node)
        if t is ast.JoinedStr:
            parts = []
            for part in node.values:
                if type(part) is ast.Constant:
                    parts.append(str(part.value))
                elif type(part) is ast.FormattedValue:
                    parts.append(self.render(part.value, depth + 1))
            return "".join(parts)
        if t is ast.BinOp and type(node.op) is ast.Add:
            return self.render(node.left, depth + 1) + self.render(node.right, depth + 1)
        if t is ast.BoolOp and type(node.op) is ast.Or:
            # `os.getenv("CLERK_API_URL") or "https://api.clerk.com/v1"`: the literal fallback
            if string_value(node.values[-1]) is not None:
                return self.render(node.values[-1], depth + 1)
        if t is ast.Call:
            # `os.getenv(NAME, "https://...")` / `os.environ.get(NAME, default)`: the default
            val = self.value(node)
            positional, keywords = call_args(node)
            default = positional[1] if len(positional) > 1 else keywords.get("default")
            if val is not None and val.chain.endswith(("getenv()", "get()")) and default is not None:
                return self.render(default, depth + 1)
        if t is ast.Name:
            target = self.assigned_value(node)
            if target is not None and target is not node and type(target) in (
                    ast.Constant, ast.JoinedStr, ast.BinOp, ast.BoolOp, ast.Call):
                text = self.render(target, depth + 1)
                if not (text.startswith("{") and text.endswith("}")):
                    return text
        if t is ast.Attribute:
            cls = self.self_class(node.value)
            if cls is not None:
                exprs = self.class_attrs.get((cls, node.attr), ())
                if len(exprs) == 1 and (string_value(exprs[0]) is not None
                                        or type(exprs[0]) in (ast.JoinedStr, ast.BinOp)):
                    return self.render(exprs[0], depth + 1)
        return "{" + self.code(node) + "}"
