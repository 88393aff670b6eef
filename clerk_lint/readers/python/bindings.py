"""What a Python expression is bound to, for the Python analyzer (standard library ``ast``).

Two questions are answered for any expression node, both memoised per file:

* ``value(node)`` -> ``Val`` or None: the imported API the expression evaluates to, as a
  dotted *path* made of the module it was imported from plus a chain of members, calls
  (``()``) and subscripts (``[]``): ``sdk.users.list()`` after ``sdk = Clerk(...)`` and
  ``from clerk_backend_api import Clerk`` is ``clerk_backend_api.Clerk().users.list()``.
  Names are resolved by the small scope resolver below (Python's rules: module, function,
  lambda, class and comprehension scopes, ``global`` / ``nonlocal``), so ``import x as y``
  aliases work and a parameter, local def or local assignment that shadows an import is not
  the import. Values flow through assignments, ``with ... as``, walrus, ``await``,
  parameters annotated with an imported class, and ``self.attr`` assigned anywhere in the
  same class.

* ``taint(node)`` -> frozenset of labels: whether Clerk configuration flows into the
  expression (Clerk URLs in string literals, ``CLERK_*`` names, svix headers), followed
  through the same bindings. Labels:
    ``url:backend``  a Backend API URL (api.clerk.com) in a literal
    ``url:frontend`` a Frontend API / JWKS / account portal URL in a literal
    ``name:jwt``     a Clerk name about token verification (JWKS, JWT_KEY, PEM, ISSUER ...)
    ``name:secret``  a Clerk secret / API key name
    ``name:backend`` a Clerk API URL name
    ``name:webhook`` a Clerk webhook secret name
    ``name:clerk``   any other Clerk name
    ``svix:header``  an svix-id / svix-timestamp / svix-signature header name
    ``svix:secret``  a ``whsec_`` webhook secret literal

A name's *referents* are all the bindings of that name in the scope it resolves to, in
document order (no flow analysis): the first one with a value wins in ``value``, the last
assignment wins in ``assigned_value``.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Iterable, Optional

# ----------------------------------------------------------------------------- literals

BACKEND_URL = re.compile(r"\bapi\.clerk\.(?:com|dev)\b", re.IGNORECASE)
FRONTEND_URL = re.compile(
    r"\b[\w-]+\.clerk\.accounts\.dev\b"  # development Frontend API
    r"|\b[\w-]+\.accounts\.dev\b"  # development Account Portal
    r"|\bhttps?://clerk\.[\w-]+(?:\.[\w-]+)+"  # production Frontend API: clerk.<your domain>
    r"|\b[\w-]+\.lcl\.dev\b|\blclclerk\.com\b",  # older development hosts
    re.IGNORECASE,
)
SVIX_HEADERS = frozenset({
    "svix-id", "svix-timestamp", "svix-signature",
    "http_svix_id", "http_svix_timestamp", "http_svix_signature",  # Django request.META keys
})
# A name that says "Clerk" as a word: CLERK_SECRET_KEY, clerk_jwks_url, NEXT_PUBLIC_CLERK_X.
CLERK_WORD = re.compile(r"(?:^|_)clerk(?:_|$)", re.IGNORECASE)
# Clerk's variables: CLERK_*, optionally behind a framework's public prefix (not SUPPORT_CLERK_NAME).
CLERK_ENV_NAME = re.compile(
    r"^(?:(?:NEXT_PUBLIC|NUXT_PUBLIC|NUXT|VITE|EXPO_PUBLIC|REACT_APP|GATSBY|PUBLIC)_)?CLERK_[A-Z0-9_]+$")

_JWT_WORDS = ("JWKS", "JWT", "PEM", "PUBLIC_KEY", "ISSUER", "FRONTEND_API", "FAPI", "AUTHORIZED_PART", "AUDIENCE")
_SECRET_WORDS = ("SECRET_KEY", "API_KEY", "SECRET")
_BACKEND_WORDS = ("API_URL", "API_BASE", "BACKEND", "API_HOST", "API_VERSION")
_WEBHOOK_WORDS = ("WEBHOOK", "SVIX", "SIGNING_SECRET")


def name_labels(name: str) -> frozenset[str]:
    """Labels for an identifier or environment variable name."""
    if not CLERK_WORD.search(name):
        return frozenset()
    upper = name.upper()
    labels = set()
    if any(w in upper for w in _WEBHOOK_WORDS):
        labels.add("name:webhook")
    else:
        if any(w in upper for w in _JWT_WORDS):
            labels.add("name:jwt")
        if any(w in upper for w in _SECRET_WORDS):
            labels.add("name:secret")
        if any(w in upper for w in _BACKEND_WORDS):
            labels.add("name:backend")
    return frozenset(labels or {"name:clerk"})


def literal_labels(text: str) -> frozenset[str]:
    labels = set()
    if BACKEND_URL.search(text):
        labels.add("url:backend")
    if FRONTEND_URL.search(text):
        labels.add("url:frontend")
    low = text.strip().lower()
    if low in SVIX_HEADERS:
        labels.add("svix:header")
    if low.startswith("whsec_"):
        labels.add("svix:secret")
    if CLERK_ENV_NAME.match(text):
        labels |= name_labels(text)
    return frozenset(labels)


def string_value(node) -> Optional[str]:
    """The value of a plain (non-f, non-bytes) string literal, else None (``ast`` has already
    joined implicit concatenations)."""
    if type(node) is ast.Constant and type(node.value) is str:
        return node.value
    return None


# ----------------------------------------------------------------------------- values


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


# ----------------------------------------------------------------------------- scopes


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


_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
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


class Bindings:
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
        # ast.arg (self / cls of a method) -> its ClassDef
        self.self_params: dict = {}
        # (ClassDef, attribute) -> expressions assigned to self.<attribute> / class attribute
        self.class_attrs: dict = {}
        self.module_scope = Scope("module", None)
        self._lookups: dict = {}
        self._walk(tree)
        self._values: dict = {}
        self._taints: dict = {}
        self._busy: set = set()

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
            if t in _FUNCS:
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
            elif t in _COMPS:
                inner = Scope("comprehension", scope)
                elts = [node.key, node.value] if t is ast.DictComp else [node.elt]
                kids = [(e, inner, None) for e in elts]
                for i, gen in enumerate(node.generators):
                    # the first iterable is evaluated in the enclosing scope
                    kids.append((gen, inner, scope if i == 0 else None))
            elif t is ast.comprehension:
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
                if isinstance(ref, _DEFS):
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
                elif ref in self.assigned:
                    val = self.value(self.assigned[ref])
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
                return base.attr(node.attr)
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
                return base.call()
            # A factory defined in this file: `def _client(): ... return Clerk(...)`.
            definition = self.definition(node.func)
            if isinstance(definition, _FUNCS):
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

    def returns(self, func) -> list:
        """The values of the function's own `return` statements (not those of nested defs)."""
        out = []
        stack = list(func.body)
        while stack:
            node = stack.pop()
            t = type(node)
            if t in _FUNCS or t is ast.ClassDef or t is ast.Lambda:
                continue
            if t is ast.Return and node.value is not None:
                out.append(node.value)
            elif isinstance(node, ast.stmt):  # expressions hold no return statement
                stack.extend(children(node))
            elif t is ast.ExceptHandler or t is ast.match_case:
                stack.extend(node.body)
        return out

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
            if isinstance(definition, _FUNCS):
                for ret in self.returns(definition):
                    labels |= self.taint(ret)
            return frozenset(labels)
        if t is ast.Lambda or t in _DEFS:
            return frozenset()
        if t in _COMPS:  # the element, not the `for` clauses
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

    # -- structure --------------------------------------------------------------------

    def ancestors(self, node) -> Iterable:
        parent = self.parents.get(node)
        while parent is not None:
            yield parent
            parent = self.parents.get(parent)
