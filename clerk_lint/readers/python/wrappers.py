"""Wrappers of Clerk auth in one Python file: a function or class that contains a Clerk auth
finding (or calls one of this file's such functions) is a wrapper; using it as a FastAPI
dependency (``Depends(require_user)``) or a decorator is CLK846, and a middleware-like class
among them is CLK847, each with the chain down to the Clerk call."""
from __future__ import annotations

import ast
import re
from typing import Optional

from ...findings import Finding
from .syntax import DEFS, FUNCS, call_args, dotted
from .vocabulary import AUTH_CODES, AUTH_DEPENDENCY, AUTH_MIDDLEWARE, MIDDLEWARE_BASES, MIDDLEWARE_METHODS


class Decorator:
    """A decorator as a finding's node: its location starts at the `@`, which ast omits."""

    __slots__ = ("decorator", "start", "end")

    def __init__(self, decorator, start: int, end: int):
        self.decorator, self.start, self.end = decorator, start, end


CLASS_KEYWORD = re.compile(rb"class(?:[ \t\f]|\\\r?\n)+")


class WrapperPass:
    """Runs after every other pass of a file (``walker.PyFile``): it reads their findings."""

    def __init__(self, f):
        self.f = f
        self._local_calls: Optional[list] = None
        self.wrappers: dict = {}

    def _decorators(self) -> list[Decorator]:
        f = self.f
        data = f.source.data
        out = []
        for node in f.b.nodes:
            if isinstance(node, DEFS):
                for expr in node.decorator_list:
                    start, end = f.b.span(expr)
                    at = data.rfind(b"@", 0, start)  # only blanks (or a paren) stand between
                    out.append(Decorator(expr, at if at >= 0 else start, end))
        return out

    def _name_span(self, definition) -> tuple[int, int]:
        """The span of a class's name (ast gives only the `class` keyword's position)."""
        start = self.f.b.span(definition)[0]
        m = CLASS_KEYWORD.match(self.f.source.data, start)
        start = m.end() if m else start
        return start, start + len(definition.name.encode("utf-8"))

    def run(self) -> None:
        f = self.f
        b = f.b
        decorators = self._decorators()
        done: set[int] = set()
        for _ in range(8):
            wrappers = self._wrapper_map()
            added = False
            for node, val in f.depends_sites:
                if id(node) in done:
                    continue
                if type(node) is not ast.Call:
                    continue
                positional, keywords = call_args(node)
                target = positional[0] if positional else keywords.get("dependency")
                info = self._wrapper_for(target, wrappers) if target is not None else None
                if info is not None:
                    done.add(id(node))
                    added |= self._indirect(node, info, val.module) is not None
            for dec in decorators:
                if id(dec) in done:
                    continue
                expr = dec.decorator.func if type(dec.decorator) is ast.Call else dec.decorator
                definition = b.definition(expr)
                info = wrappers.get(definition) if definition is not None else self._imported(expr)
                if info is not None:
                    done.add(id(dec))
                    added |= self._indirect(dec, info, "") is not None
            for call in self._imported_calls():
                if id(call) not in done:
                    done.add(id(call))
                    added |= self._indirect(call, self._imported(call.func), "") is not None
            if not added:
                break
        wrappers = self.wrappers = self._wrapper_map()
        for definition, info in wrappers.items():
            if type(definition) is ast.ClassDef and self._middleware_like(definition):
                name, via, location, package = info
                f.add(AUTH_MIDDLEWARE, definition, symbol=name, package=package, detail=via[-1],
                      via=via, related=(location,), span=self._name_span(definition))

    def _wrapper_map(self) -> dict:
        """FunctionDef / ClassDef -> (name, via chain, location of the Clerk call, package):
        the definitions that contain a Clerk auth finding, or call such a function of this file."""
        f = self.f
        wrappers: dict = {}
        ancestors = f.b.ancestors

        def mark(node, inner: tuple, location, package) -> bool:
            grew = False
            if type(node) is Decorator:
                node = node.decorator  # its parent is the decorated definition, as for libcst
            for anc in ancestors(node):
                if isinstance(anc, DEFS) and anc not in wrappers:
                    name = anc.name
                    via = inner if inner and inner[0] == name else (name, *inner)
                    wrappers[anc] = (name, via, location, package)
                    grew = True
            return grew

        for node, finding in f.found:
            if finding.code in AUTH_CODES:
                mark(node, finding.via or (finding.symbol,), finding.location, finding.package)
        if self._local_calls is None:
            self._local_calls = [(n, d) for n in f.b.nodes if type(n) is ast.Call
                                 for d in [f.b.definition(n.func)] if isinstance(d, FUNCS)]
        grew = True
        while grew:
            grew = False
            for call, definition in self._local_calls:
                if definition in wrappers:
                    _, via, location, package = wrappers[definition]
                    grew |= mark(call, via, location, package)
        return wrappers

    def _imported(self, expr):
        """The wrapper info of a function imported from the app's own Clerk-backed module."""
        flow = getattr(self.f, "flow", None)
        export = flow._export(expr) if flow is not None and self.f.context is not None else None
        return export.wrapper if export is not None else None

    def _imported_calls(self) -> list:
        """Direct calls of imported wrappers (`state = authenticate(request)`), not inside
        a Depends(...) or a decorator (those are reported there)."""
        if self.f.context is None:
            return []
        out = []
        for node in self.f.b.nodes:
            if type(node) is ast.Call and type(node.func) in (ast.Name, ast.Attribute) \
                    and self._imported(node.func) is not None:
                parent = self.f.b.parents.get(node)
                if isinstance(parent, DEFS) and node in parent.decorator_list:
                    continue
                out.append(node)
        return out

    def _wrapper_for(self, target, wrappers):
        b = self.f.b
        expr = target.func if type(target) is ast.Call else target
        definition = b.definition(expr)
        if definition is not None:
            return wrappers.get(definition)
        imported = self._imported(expr)
        if imported is not None:
            return imported
        # A module-level guard: `clerk_auth_guard = ClerkHTTPBearer(config)`.
        origin = b.assigned_value(target) if type(target) is ast.Name else target
        if type(origin) is ast.Call:
            definition = b.definition(origin.func)
            if definition is not None and definition in wrappers:
                name, via, location, package = wrappers[definition]
                return (name, via, location, package)
            for node, finding in self.f.found:
                if node is origin and finding.code in AUTH_CODES:
                    name = target.id if type(target) is ast.Name else finding.symbol
                    return (name, (name, finding.symbol) if name != finding.symbol else (name,),
                            finding.location, finding.package)
        return None

    def _indirect(self, node, info, package: str) -> Optional[Finding]:
        name, via, location, inner_package = info
        return self.f.add(AUTH_DEPENDENCY, node, symbol=name, package=inner_package or package,
                          detail=via[-1], via=via, related=(location,))

    def _middleware_like(self, cls) -> bool:
        if any(MIDDLEWARE_BASES.search(dotted(base) or "") for base in cls.bases):
            return True
        return any(isinstance(s, FUNCS) and s.name in MIDDLEWARE_METHODS for s in cls.body)
