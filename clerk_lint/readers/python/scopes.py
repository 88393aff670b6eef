"""Which binding a Python name refers to: one iterative pre-order pass over an ``ast`` tree
builds parent links, the scope of each name read, the binding tables and the assignment
indexes, following Python's rules (module, function, lambda, class and comprehension scopes,
``global`` / ``nonlocal``). ``bindings.Bindings`` asks these tables what values flow where.

A name's *referents* are all the bindings of that name in the scope it resolves to, in
document order (no flow analysis).
"""
from __future__ import annotations

import ast
from typing import Iterable, Optional

from .syntax import COMPS, DEFS, FUNCS, children, dotted, import_bindings

class TooDeep(Exception):
    """The tree nests deeper than Bindings.MAX_NESTING (the caller falls back to imports)."""


class Scope:
    __slots__ = ("kind", "parent", "names", "globals", "nonlocals", "methods")

    def __init__(self, kind: str, parent: Optional["Scope"]):
        self.kind = kind  # module | function | class | comprehension
        self.parent = parent
        self.names: dict[str, list] = {}  # name -> binding nodes, in document order
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        # (ClassDef, name of the self parameter) of each enclosing method, for `self.x = ...`
        self.methods: tuple = parent.methods if parent is not None else ()




class ScopeTables:
    """Per-file resolution over an ``ast`` tree: one iterative pre-order pass builds parent
    links, the scope of each name read, the binding tables and the assignment indexes."""

    MAX_DEPTH = 40  # recursion budget of value / taint
    MAX_NESTING = 800  # deeper trees are refused (TooDeep); counts BoolOp / Compare operands

    def __init__(self, tree: ast.Module, data: bytes, line_starts: list[int]):
        self.data = data
        self.starts = line_starts
        self.nodes: list = []
        self.parents: dict = {}
        self.name_scope: dict = {}  # Name read -> the scope it is read in
        self.import_vals: dict = {}  # ast.alias -> Val
        # target Name node -> the expression assigned to it
        self.assigned: dict = {}
        # loop target Name node -> the iterable it takes its elements from
        self.iterated: dict = {}
        # ast.arg (self / cls of a method) -> its ClassDef
        self.self_params: dict = {}
        # (ClassDef, attribute) -> expressions assigned to self.<attribute> / class attribute
        self.class_attrs: dict = {}
        self.module_scope = Scope("module", None)
        self._lookups: dict = {}
        self._walk(tree)

    # -- the one pass -----------------------------------------------------------------

    def _bind(self, scope: Scope, name: str, node) -> None:
        if name in scope.globals:
            scope = self.module_scope
        elif name in scope.nonlocals:
            scope = self._nonlocal_home(scope, name)
        scope.names.setdefault(name, []).append(node)

    def _nonlocal_home(self, scope: Scope, name: str) -> Scope:
        s = scope.parent
        first = None
        while s is not None and s.kind != "module":
            if s.kind != "class":
                first = first or s
                if name in s.names and name not in s.nonlocals:
                    return s
            s = s.parent
        return first or self.module_scope

    def _bind_target(self, target, value) -> None:
        if value is None:
            return
        t = type(target)
        if t is ast.Name:
            self.assigned[target] = value
        elif t in (ast.Tuple, ast.List) and type(value) in (ast.Tuple, ast.List):
            if len(target.elts) == len(value.elts):
                for tv, vv in zip(target.elts, value.elts):
                    if type(tv) is not ast.Starred and type(vv) is not ast.Starred:
                        self._bind_target(tv, vv)

    def _walk(self, tree) -> None:
        Name, Load, Attribute = ast.Name, ast.Load, ast.Attribute
        nodes, parents, name_scope = self.nodes, self.parents, self.name_scope
        bind = self._bind
        limit = self.MAX_NESTING
        # (node, parent, scope its expressions are evaluated in, depth, scope its arg binds in)
        stack: list = [(tree, None, self.module_scope, 0, None)]
        pop, push = stack.pop, stack.append
        while stack:
            node, parent, scope, depth, aux = pop()
            nodes.append(node)
            if parent is not None:
                parents[node] = parent
            t = type(node)
            if t is Name:
                if type(node.ctx) is Load:
                    name_scope[node] = scope
                else:
                    bind(scope, node.id, node)
                continue
            depth += 1
            if t is ast.BoolOp:
                depth += len(node.values)
            elif t is ast.Compare:
                depth += len(node.ops)
            if depth > limit:
                raise TooDeep(f"expressions nested more than {limit} deep")
            kids = None  # [(child, scope, aux)] in source order; None: children(node) in `scope`
            if t in FUNCS:
                inner = Scope("function", scope)
                if type(parent) is ast.ClassDef:
                    self._method(node, parent, inner)
                bind(scope, node.name, node)
                kids = [(d, scope, None) for d in node.decorator_list]
                kids.append((node.args, scope, inner))
                if node.returns is not None:
                    kids.append((node.returns, scope, None))
                kids.extend((s, inner, None) for s in node.body)
            elif t is ast.ClassDef:
                inner = Scope("class", scope)
                bind(scope, node.name, node)
                kids = [(d, scope, None) for d in node.decorator_list]
                kids.extend((b, scope, None) for b in node.bases)
                kids.extend((k, scope, None) for k in node.keywords)
                kids.extend((s, inner, None) for s in node.body)
            elif t is ast.Lambda:
                inner = Scope("function", scope)
                kids = [(node.args, scope, inner), (node.body, inner, None)]
            elif t is ast.arguments:
                kids = []
                positional = node.posonlyargs + node.args
                defaults = [None] * (len(positional) - len(node.defaults)) + node.defaults
                for a, d in zip(positional, defaults):
                    kids.append((a, scope, aux))
                    if d is not None:
                        kids.append((d, scope, None))
                if node.vararg is not None:
                    kids.append((node.vararg, scope, aux))
                for a, d in zip(node.kwonlyargs, node.kw_defaults):
                    kids.append((a, scope, aux))
                    if d is not None:
                        kids.append((d, scope, None))
                if node.kwarg is not None:
                    kids.append((node.kwarg, scope, aux))
            elif t is ast.arg:
                if aux is not None:
                    bind(aux, node.arg, node)
            elif t in COMPS:
                inner = Scope("comprehension", scope)
                elts = [node.key, node.value] if t is ast.DictComp else [node.elt]
                kids = [(e, inner, None) for e in elts]
                for i, gen in enumerate(node.generators):
                    # the first iterable is evaluated in the enclosing scope
                    kids.append((gen, inner, scope if i == 0 else None))
            elif t is ast.comprehension:
                if type(node.target) is Name:
                    self.iterated[node.target] = node.iter
                kids = [(node.target, scope, None), (node.iter, aux or scope, None)]
                kids.extend((c, scope, None) for c in node.ifs)
            elif t is ast.NamedExpr:
                home = scope  # walrus binds in the enclosing function, not the comprehension
                while home.kind == "comprehension":
                    home = home.parent
                kids = [(node.target, home, None), (node.value, scope, None)]
                self._bind_target(node.target, node.value)
            elif t is ast.Assign:
                for target in node.targets:
                    self._bind_target(target, node.value)
                self._attr_assign(node, node.targets, node.value, parent, scope)
            elif t is ast.AnnAssign:
                self._bind_target(node.target, node.value)
                if node.value is not None:
                    self._attr_assign(node, (node.target,), node.value, parent, scope)
            elif (t is ast.For or t is ast.AsyncFor) and type(node.target) is Name:
                self.iterated[node.target] = node.iter  # `for m in page.data`: m is an element
            elif t is ast.withitem:
                if node.optional_vars is not None:
                    # `with Clerk(...) as sdk`: Clerk.__enter__ returns the client itself, and so
                    # do the HTTP clients; treat the bound name as the context manager's value.
                    self._bind_target(node.optional_vars, node.context_expr)
            elif t is ast.Import or t is ast.ImportFrom:
                for name, val, alias in import_bindings(node):
                    self.import_vals[alias] = val
                    bind(scope, name, alias)
            elif t is ast.Global:
                scope.globals.update(node.names)
            elif t is ast.Nonlocal:
                scope.nonlocals.update(node.names)
            elif t is ast.ExceptHandler or t is ast.MatchAs or t is ast.MatchStar:
                if node.name:
                    bind(scope, node.name, node)
            elif t is ast.MatchMapping:
                if node.rest:
                    bind(scope, node.rest, node)
            elif t is Attribute:
                # the common case, kept short: one child
                push((node.value, node, scope, depth, None))
                continue
            if kids is None:
                kids = children(node)
                for i in range(len(kids) - 1, -1, -1):
                    push((kids[i], node, scope, depth, None))
            else:
                for i in range(len(kids) - 1, -1, -1):
                    child, child_scope, child_aux = kids[i]
                    push((child, node, child_scope, depth, child_aux))

    def _method(self, func, cls, inner: Scope) -> None:
        if any(dotted(d) == "staticmethod" for d in func.decorator_list):
            return
        params = func.args.posonlyargs + func.args.args
        if params:
            self.self_params[params[0]] = cls
            inner.methods = inner.methods + ((cls, params[0].arg),)

    def _attr_assign(self, node, targets, value, parent, scope: Scope) -> None:
        if type(parent) is ast.ClassDef and scope.kind == "class":
            for target in targets:
                if type(target) is ast.Name:
                    self.class_attrs.setdefault((parent, target.id), []).append(value)
        if scope.methods:
            for target in targets:
                if type(target) is ast.Attribute and type(target.value) is ast.Name:
                    for cls, self_name in scope.methods:
                        if target.value.id == self_name:
                            self.class_attrs.setdefault((cls, target.attr), []).append(value)

    # -- positions ----------------------------------------------------------------------

    def span(self, node) -> tuple[int, int]:
        """[start, end) in UTF-8 bytes of the source (ast columns are UTF-8 byte offsets)."""
        starts = self.starts
        return (starts[node.lineno - 1] + node.col_offset,
                starts[node.end_lineno - 1] + node.end_col_offset)

    def code(self, node) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode("utf-8", errors="replace")

    # -- helpers ----------------------------------------------------------------------

    def referents(self, name) -> list:
        """The binding nodes a Name read refers to, in document order ([] for other nodes)."""
        scope = self.name_scope.get(name)
        if scope is None:
            return []
        key = (scope, name.id)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = self._lookup(scope, name.id)
        return found

    def _lookup(self, scope: Scope, name: str) -> list:
        s, first = scope, True
        while s is not None:
            if s.kind == "class" and not first:
                s = s.parent  # class bodies are not visible from nested scopes
                continue
            if name in s.globals:
                return self.module_scope.names.get(name, [])
            if name not in s.nonlocals and name in s.names:
                return s.names[name]
            s, first = s.parent, False
        return []

    def self_class(self, node) -> Optional[ast.ClassDef]:
        """The class of `self` / `cls` when node is that parameter's name in a method."""
        if type(node) is not ast.Name:
            return None
        for ref in self.referents(node):
            if ref in self.self_params:
                return self.self_params[ref]
        return None

    def definition(self, node) -> Optional[ast.AST]:
        """The FunctionDef / ClassDef a name refers to in this file, if any."""
        if type(node) is ast.Name:
            for ref in self.referents(node):
                if isinstance(ref, DEFS):
                    return ref
        return None

    def assigned_value(self, node, depth: int = 0):
        """Follow a name through plain assignments to the expression it was last bound from."""
        while type(node) is ast.Name and depth < self.MAX_DEPTH:
            nxt = None
            for ref in self.referents(node):
                if ref in self.assigned:
                    nxt = self.assigned[ref]
            if nxt is None:
                return node
            node, depth = nxt, depth + 1
        return node


    def returns(self, func) -> list:
        """The values of the function's own `return` statements (not those of nested defs)."""
        out = []
        stack = list(func.body)
        while stack:
            node = stack.pop()
            t = type(node)
            if t in FUNCS or t is ast.ClassDef or t is ast.Lambda:
                continue
            if t is ast.Return and node.value is not None:
                out.append(node.value)
            elif isinstance(node, ast.stmt):  # expressions hold no return statement
                stack.extend(children(node))
            elif t is ast.ExceptHandler or t is ast.match_case:
                stack.extend(node.body)
        return out


    # -- structure --------------------------------------------------------------------

    def ancestors(self, node) -> Iterable:
        parent = self.parents.get(node)
        while parent is not None:
            yield parent
            parent = self.parents.get(parent)
