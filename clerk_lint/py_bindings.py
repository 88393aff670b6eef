"""What a Python expression is bound to, for the Python analyzer (libcst based).

Two questions are answered for any expression node, both memoised per file:

* ``value(node)`` -> ``Val`` or None: the imported API the expression evaluates to, as a
  dotted *path* made of the module it was imported from plus a chain of members, calls
  (``()``) and subscripts (``[]``): ``sdk.users.list()`` after ``sdk = Clerk(...)`` and
  ``from clerk_backend_api import Clerk`` is ``clerk_backend_api.Clerk().users.list()``.
  Names are resolved through libcst's scope analysis, so ``import x as y`` aliases work and
  a parameter, local def or local assignment that shadows an import is not the import.
  Values flow through assignments, ``with ... as``, walrus, ``await``, parameters annotated
  with an imported class, and ``self.attr`` assigned anywhere in the same class.

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
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

import libcst as cst
from libcst.metadata import ByteSpanPositionProvider, ScopeProvider
from libcst.metadata.scope_provider import Assignment, ImportAssignment

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


def string_value(node: cst.CSTNode) -> Optional[str]:
    """The value of a plain (non-f, non-bytes) string literal, else None."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # pragma: no cover - malformed escapes
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
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


def dotted(node: Optional[cst.CSTNode]) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def import_module(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    return dots + dotted(node.module)


def import_bindings(node) -> list[tuple[str, Val]]:
    """(bound name, value) for each name an import statement binds."""
    out: list[tuple[str, Val]] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                out.append((alias.asname.name.value, Val(full)))
            else:
                top = full.split(".", 1)[0]
                out.append((top, Val(top)))
    elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        module = import_module(node)
        for alias in node.names:
            name = dotted(alias.name)
            bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            out.append((bound, Val(module, name)))
    return out


class _Collector(cst.CSTVisitor):
    """Every node in document order, and each node's parent (one traversal; cheaper than
    libcst's ParentNodeProvider)."""

    def __init__(self):
        self.nodes: list[cst.CSTNode] = []
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parents[node] = self._stack[-1]
        self.nodes.append(node)
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()


class Bindings:
    """Per-file resolution over a libcst MetadataWrapper."""

    MAX_DEPTH = 40

    def __init__(self, wrapper):
        self.module: cst.Module = wrapper.module
        resolved = wrapper.resolve_many([ScopeProvider, ByteSpanPositionProvider])
        self.scopes = resolved[ScopeProvider]
        self.spans = resolved[ByteSpanPositionProvider]  # node -> CodeSpan(start, length) in UTF-8 bytes
        collector = _Collector()
        wrapper.module.visit(collector)
        self.nodes = collector.nodes
        self.parents = collector.parents
        self.order = {node: i for i, node in enumerate(self.nodes)}
        # target Name node -> the expression assigned to it
        self.assigned: dict[cst.CSTNode, cst.BaseExpression] = {}
        # Param node (self / cls of a method) -> its ClassDef
        self.self_params: dict[cst.Param, cst.ClassDef] = {}
        # (ClassDef, attribute) -> expressions assigned to self.<attribute> / class attribute
        self.class_attrs: dict[tuple[cst.ClassDef, str], list[cst.BaseExpression]] = {}
        self._index_assignments()
        self._values: dict[cst.CSTNode, Optional[Val]] = {}
        self._taints: dict[cst.CSTNode, frozenset[str]] = {}
        self._busy: set[cst.CSTNode] = set()

    # -- indexing ---------------------------------------------------------------------

    def _bind_target(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if value is None:
            return
        if isinstance(target, cst.Name):
            self.assigned[target] = value
        elif isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            if len(target.elements) == len(value.elements):
                for t, v in zip(target.elements, value.elements):
                    if not isinstance(t, cst.StarredElement) and not isinstance(v, cst.StarredElement):
                        self._bind_target(t.value, v.value)

    def _index_assignments(self) -> None:
        for node in self.nodes:
            if isinstance(node, cst.Assign):
                for target in node.targets:
                    self._bind_target(target.target, node.value)
            elif isinstance(node, cst.AnnAssign):
                self._bind_target(node.target, node.value)
            elif isinstance(node, cst.NamedExpr):
                self._bind_target(node.target, node.value)
            elif isinstance(node, cst.WithItem) and node.asname is not None:
                # `with Clerk(...) as sdk`: Clerk.__enter__ returns the client itself, and so do
                # the HTTP clients; treat the bound name as the context manager's value.
                self._bind_target(node.asname.name, node.item)
            elif isinstance(node, cst.ClassDef):
                self._index_class(node)

    def _index_class(self, cls: cst.ClassDef) -> None:
        body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign):
                        for t in small.targets:
                            if isinstance(t.target, cst.Name):
                                self.class_attrs.setdefault((cls, t.target.value), []).append(small.value)
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value:
                        self.class_attrs.setdefault((cls, small.target.value), []).append(small.value)
            elif isinstance(stmt, cst.FunctionDef):
                if any(dotted(d.decorator) == "staticmethod" for d in stmt.decorators):
                    continue
                params = list(stmt.params.posonly_params) + list(stmt.params.params)
                if not params:
                    continue
                first = params[0]
                self.self_params[first] = cls
                self_name = first.name.value
                for node in _walk(stmt.body):
                    targets: list[tuple[cst.BaseExpression, Optional[cst.BaseExpression]]] = []
                    if isinstance(node, cst.Assign):
                        targets = [(t.target, node.value) for t in node.targets]
                    elif isinstance(node, cst.AnnAssign):
                        targets = [(node.target, node.value)]
                    for target, value in targets:
                        if (value is not None and isinstance(target, cst.Attribute)
                                and isinstance(target.value, cst.Name) and target.value.value == self_name):
                            self.class_attrs.setdefault((cls, target.attr.value), []).append(value)

    # -- helpers ----------------------------------------------------------------------

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def referents(self, name: cst.Name) -> list:
        scope = self.scopes.get(name)
        if scope is None:
            return []
        try:
            accesses = scope.accesses[name]
            # `import a.b` then `a.b.c()`: libcst records the access on the `a.b` Attribute
            node = name
            while not accesses and isinstance(self.parents.get(node), cst.Attribute) \
                    and self.parents[node].value is node:
                node = self.parents[node]
                accesses = scope.accesses[node]
        except Exception:  # pragma: no cover - defensive: libcst raises on odd nodes
            return []
        out = []
        for access in accesses:
            out.extend(sorted(access.referents, key=lambda a: self._order(a)))
        return out

    def _order(self, assignment) -> int:
        node = getattr(assignment, "node", None)
        return self.order.get(node, -1) if node is not None else -1

    def self_class(self, node: cst.BaseExpression) -> Optional[cst.ClassDef]:
        """The class of `self` / `cls` when node is that parameter's name in a method."""
        if not isinstance(node, cst.Name):
            return None
        for ref in self.referents(node):
            if isinstance(ref, Assignment) and isinstance(ref.node, cst.Param) and ref.node in self.self_params:
                return self.self_params[ref.node]
        return None

    def import_value(self, assignment: ImportAssignment) -> Optional[Val]:
        for bound, val in import_bindings(assignment.node):
            # libcst names `import a.b` by its dotted name; it binds `a`
            if bound == assignment.name or assignment.name.startswith(bound + "."):
                return val
        return None

    def definition(self, node: cst.BaseExpression) -> Optional[cst.CSTNode]:
        """The FunctionDef / ClassDef a name refers to in this file, if any."""
        if isinstance(node, cst.Name):
            for ref in self.referents(node):
                if isinstance(ref, Assignment) and isinstance(ref.node, (cst.FunctionDef, cst.ClassDef)):
                    return ref.node
        return None

    def assigned_value(self, node: cst.BaseExpression, depth: int = 0) -> Optional[cst.BaseExpression]:
        """Follow a name through plain assignments to the expression it was last bound from."""
        while isinstance(node, cst.Name) and depth < self.MAX_DEPTH:
            nxt = None
            for ref in self.referents(node):
                if isinstance(ref, Assignment) and ref.node in self.assigned:
                    nxt = self.assigned[ref.node]
            if nxt is None:
                return node
            node, depth = nxt, depth + 1
        return node

    # -- values -----------------------------------------------------------------------

    def value(self, node: cst.CSTNode) -> Optional[Val]:
        if node in self._values:
            return self._values[node]
        if node in self._busy or len(self._busy) > self.MAX_DEPTH:
            return None
        self._busy.add(node)
        try:
            result = self._value(node)
        finally:
            self._busy.discard(node)
        self._values[node] = result
        return result

    def _value(self, node: cst.CSTNode) -> Optional[Val]:
        if isinstance(node, cst.Name):
            for ref in self.referents(node):
                if isinstance(ref, ImportAssignment):
                    val = self.import_value(ref)
                elif isinstance(ref, Assignment) and ref.node in self.assigned:
                    val = self.value(self.assigned[ref.node])
                elif isinstance(ref, Assignment) and isinstance(ref.node, cst.Param):
                    val = self._param_value(ref.node)
                else:
                    val = None
                if val is not None:
                    return val
            return None
        if isinstance(node, cst.Attribute):
            base = self.value(node.value)
            if base is not None:
                return base.attr(node.attr.value)
            cls = self.self_class(node.value)
            if cls is not None:
                for expr in self.class_attrs.get((cls, node.attr.value), ()):
                    val = self.value(expr)
                    if val is not None:
                        return val
            return None
        if isinstance(node, cst.Call):
            base = self.value(node.func)
            if base is not None:
                return base.call()
            # A factory defined in this file: `def _client(): ... return Clerk(...)`.
            definition = self.definition(node.func)
            if isinstance(definition, cst.FunctionDef):
                for ret in self._returns(definition):
                    val = self.value(ret)
                    if val is not None:
                        return val
            return None
        if isinstance(node, cst.Subscript):
            base = self.value(node.value)
            return base.item() if base is not None else None
        if isinstance(node, cst.Await):
            return self.value(node.expression)
        return None

    def _returns(self, func: cst.FunctionDef) -> list[cst.BaseExpression]:
        out = []
        stack = list(func.body.children)
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                continue
            if isinstance(node, cst.Return) and node.value is not None:
                out.append(node.value)
            stack.extend(node.children)
        return out

    def _param_value(self, param: cst.Param) -> Optional[Val]:
        # `def handler(sdk: Clerk)`: an instance of an imported class.
        if param.annotation is None:
            return None
        ann = param.annotation.annotation
        if isinstance(ann, (cst.Name, cst.Attribute)):
            val = self.value(ann)
            if val is not None and val.chain and "(" not in val.chain:
                return val.call()
        return None

    # -- taint ------------------------------------------------------------------------

    def taint(self, node: Optional[cst.CSTNode]) -> frozenset[str]:
        if node is None:
            return frozenset()
        if node in self._taints:
            return self._taints[node]
        if node in self._busy or len(self._busy) > self.MAX_DEPTH:
            return frozenset()
        self._busy.add(node)
        try:
            result = self._taint(node)
        finally:
            self._busy.discard(node)
        self._taints[node] = result
        return result

    def _taint(self, node: cst.CSTNode) -> frozenset[str]:
        if isinstance(node, cst.SimpleString):
            value = string_value(node)
            return literal_labels(value) if value is not None else frozenset()
        if isinstance(node, cst.FormattedStringText):
            return literal_labels(node.value)
        if isinstance(node, cst.Name):
            labels = set(name_labels(node.value))
            for ref in self.referents(node):
                if isinstance(ref, Assignment) and ref.node in self.assigned:
                    labels |= self.taint(self.assigned[ref.node])
            return frozenset(labels)
        if isinstance(node, cst.Attribute):
            labels = set(self.taint(node.value)) | name_labels(node.attr.value)
            cls = self.self_class(node.value)
            if cls is not None:
                for expr in self.class_attrs.get((cls, node.attr.value), ()):
                    labels |= self.taint(expr)
            return frozenset(labels)
        if isinstance(node, cst.Arg):
            return self.taint(node.value)
        if isinstance(node, cst.Call):
            labels = set()
            for child in node.children:
                if isinstance(child, (cst.BaseExpression, cst.Arg)):
                    labels |= self.taint(child)
            # a helper of this file: what it returns (`jwks = await get_jwks()`)
            definition = self.definition(node.func)
            if isinstance(definition, cst.FunctionDef):
                for ret in self._returns(definition):
                    labels |= self.taint(ret)
            return frozenset(labels)
        if isinstance(node, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            return frozenset()
        labels: set[str] = set()
        for child in node.children:
            if isinstance(child, (cst.BaseExpression, cst.Arg, cst.Element, cst.BaseDictElement,
                                  cst.SubscriptElement, cst.Index, cst.BaseFormattedStringContent,
                                  cst.ComparisonTarget, cst.Slice)):
                labels |= self.taint(child)
        return frozenset(labels)

    # -- rendering --------------------------------------------------------------------

    def render(self, node: Optional[cst.CSTNode], depth: int = 0) -> str:
        """A string expression as text, constants substituted, other parts as {code}."""
        if node is None:
            return ""
        if depth > 8:
            return "{" + self.code(node) + "}"
        value = string_value(node)
        if value is not None:
            return value
        if isinstance(node, cst.FormattedString):
            parts = []
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    parts.append(part.value)
                elif isinstance(part, cst.FormattedStringExpression):
                    parts.append(self.render(part.expression, depth + 1))
            return "".join(parts)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self.render(node.left, depth + 1) + self.render(node.right, depth + 1)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            # `os.getenv("CLERK_API_URL") or "https://api.clerk.com/v1"`: the literal fallback
            if string_value(node.right) is not None:
                return self.render(node.right, depth + 1)
        if isinstance(node, cst.Call):
            # `os.getenv(NAME, "https://...")` / `os.environ.get(NAME, default)`: the default
            val = self.value(node)
            positional, keywords = call_args(node)
            default = positional[1] if len(positional) > 1 else keywords.get("default")
            if val is not None and val.chain.endswith(("getenv()", "get()")) and default is not None:
                return self.render(default, depth + 1)
        if isinstance(node, cst.Name):
            target = self.assigned_value(node)
            if target is not None and target is not node and isinstance(
                    target, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
                             cst.BinaryOperation, cst.BooleanOperation, cst.Call)):
                text = self.render(target, depth + 1)
                if not (text.startswith("{") and text.endswith("}")):
                    return text
        if isinstance(node, cst.Attribute):
            cls = self.self_class(node.value)
            if cls is not None:
                exprs = self.class_attrs.get((cls, node.attr.value), ())
                if len(exprs) == 1 and (string_value(exprs[0]) is not None
                                        or isinstance(exprs[0], (cst.FormattedString, cst.BinaryOperation))):
                    return self.render(exprs[0], depth + 1)
        return "{" + self.code(node) + "}"

    # -- structure --------------------------------------------------------------------

    def ancestors(self, node: cst.CSTNode) -> Iterable[cst.CSTNode]:
        parent = self.parents.get(node)
        while parent is not None:
            yield parent
            parent = self.parents.get(parent)


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def call_args(call: cst.Call) -> tuple[list[cst.BaseExpression], dict[str, cst.BaseExpression]]:
    positional, keywords = [], {}
    for arg in call.args:
        if arg.keyword is not None:
            keywords[arg.keyword.value] = arg.value
        elif not arg.star:
            positional.append(arg.value)
    return positional, keywords
