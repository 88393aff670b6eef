"""The per-file pipeline for Python backends: parse with ``ast``, resolve bindings, classify.

Python rules live in ``rules/python.toml`` (codes CLK800-CLK849). Most of them match the
dotted *path* of a call or subscript (see ``py_bindings.Val``) against the rule's ``chains``
globs: ``*`` matches within one name, ``**`` matches across dots (never across a call), so
``clerk_backend_api**.Clerk().users.*()`` matches ``sdk.users.list()`` for a client made by
``Clerk(...)`` imported from ``clerk_backend_api`` or any of its submodules. Some of these
rules add a condition (a Clerk URL or key flowing into ``jwt.decode``; a Clerk env var name
read from ``os.environ``); the rest are found by walking the tree (imports, string
literals, webhook event comparisons, wrappers used as FastAPI dependencies).

Files are parsed with the standard library's ``ast`` (about 100x cheaper than libcst with its
scope metadata). libcst is imported only for a file the running interpreter cannot parse:
it still parses syntax of newer Pythons, which lets the statements this interpreter does
understand be analysed (see ``_newer_syntax``).
"""
from __future__ import annotations

import ast
import os
import re
import sys
import warnings
from functools import lru_cache
from typing import Optional

from ...concepts.catalog import Catalog, Rule, webhook_hook
from ...concepts.webhook_events import PAYLOAD_MARKERS
from ...discover.kinds import Candidate
from ...findings import FileAnalysis, FileProblem, Finding, Location
from ..prefilter import substring_test
from ..source import LineIndex, SourceText

# A file that mentions none of these cannot match any Python rule (cheap byte test).
# Also the words of Clerk's webhook payloads: a handler of them may name neither Clerk nor svix.
MARKERS = re.compile(rb"clerk|svix|jwks|jose|jwt|" + PAYLOAD_MARKERS.pattern, re.IGNORECASE)
# Files without a marker hold nothing to report; scan.scan_file asks this before decoding.
may_matter = substring_test(MARKERS)
CLERK_MENTION = re.compile(rb"clerk", re.IGNORECASE)

IMPORT, COMMUNITY_IMPORT = "CLK800", "CLK801"
JWT_DECODE, JWKS, CLERK_URL = "CLK820", "CLK821", "CLK822"
HTTP_BACKEND = "CLK830"
SVIX_VERIFY, SVIX_HMAC, WEBHOOK_EVENT = "CLK840", "CLK841", "CLK842"
ENV_READ = "CLK845"
AUTH_DEPENDENCY, AUTH_MIDDLEWARE = "CLK846", "CLK847"
COMMUNITY_USE = "CLK815"

# Findings that mean "this function authenticates a request with Clerk".
AUTH_CODES = frozenset({"CLK810", "CLK811", COMMUNITY_USE, JWT_DECODE, JWKS, AUTH_DEPENDENCY})
# Clerk's own Python SDK, and svix (Clerk's webhook signature library), as in the JS catalog.
SDK_MODULES = frozenset({"clerk_backend_api", "svix"})
# Community packages people run in front of Clerk (PyPI clerk-django, fastapi-clerk-auth ...).
KNOWN_COMMUNITY = frozenset({"clerk_django", "fastapi_clerk_auth", "django_clerk", "flask_clerk", "clerk"})
HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"})
BACKEND_LABELS = frozenset({"url:backend", "name:backend", "name:secret"})
FRONTEND_LABELS = frozenset({"url:frontend", "name:jwt"})
WEBHOOK_LABELS = frozenset({"svix:header", "svix:secret", "name:webhook"})
SETTINGS_BASES = re.compile(r"^pydantic(?:_settings|\.v1)?(?:\.[\w.]+)?\.BaseSettings$")
MIDDLEWARE_METHODS = frozenset({"__call__", "__acall__", "process_request", "process_view", "dispatch",
                                "authenticate", "authenticate_credentials", "has_permission"})
MIDDLEWARE_BASES = re.compile(r"(Middleware|MiddlewareMixin|Authentication|AuthenticationBackend|HTTPBearer|Permission)$")
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# Package names that mean Clerk even as a bare string (`INSTALLED_APPS = ["clerk_django"]`).
NAMED_MODULES = frozenset({"clerk_backend_api", "clerk_django", "fastapi_clerk_auth", "django_clerk", "flask_clerk"})


def env_advice(name: str) -> str:
    upper = name.upper()
    if "WEBHOOK" in upper or "SIGNING_SECRET" in upper:
        return "no webhooks with Better Auth: drop it once handlers move into databaseHooks"
    if "PUBLISHABLE" in upper:
        return "not needed: the Better Auth client only needs the server's base URL"
    if any(w in upper for w in ("JWT_KEY", "PEM", "JWKS", "ISSUER", "FRONTEND_API", "FAPI")):
        return "point verification at the Better Auth JWKS (<BETTER_AUTH_URL>/api/auth/jwks) instead"
    if "SECRET_KEY" in upper or "MACHINE_SECRET" in upper:
        return "replace with BETTER_AUTH_SECRET on the auth server and BETTER_AUTH_URL here"
    if "API_URL" in upper or "DOMAIN" in upper or "PROXY_URL" in upper:
        return "replace with BETTER_AUTH_URL"
    return "remove, or map to the Better Auth server's configuration"


# ----------------------------------------------------------------------------- rule globs


def _glob(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(r"[^()]*")
            i += 2
        elif pattern[i] == "*":
            out.append(r"[^.()\[\]]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def is_python_rule(rule: Rule) -> bool:
    return rule.code[3:].isdigit() and 800 <= int(rule.code[3:]) <= 849


@lru_cache(maxsize=8)
def _path_rules(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, tuple[re.Pattern, ...]], ...]:
    return tuple((r, tuple(_glob(p) for p in r.chains)) for r in rules if is_python_rule(r) and r.chains)


def _matches(patterns, path: str) -> bool:
    return any(p.match(path) for p in patterns)


class _PathRules:
    """The catalog's path rules, and for each path seen the rules it matches (in catalog
    order). Paths repeat across files (the same SDK calls), so matching is memoised."""

    MAX_CACHED = 20_000

    def __init__(self, rules: list[Rule]):
        self.source, self.count = rules, len(rules)
        self.rules = _path_rules(tuple(rules))
        self._memo: dict[str, tuple[Rule, ...]] = {}

    def matching(self, path: str) -> tuple[Rule, ...]:
        found = self._memo.get(path)
        if found is None:
            if len(self._memo) > self.MAX_CACHED:
                self._memo.clear()
            found = self._memo[path] = tuple(r for r, patterns in self.rules if _matches(patterns, path))
        return found


_PATH_RULES: list[_PathRules] = []


def _path_rules_of(catalog: Catalog) -> _PathRules:
    for known in _PATH_RULES:
        if known.source is catalog.rules and len(known.source) == known.count:
            return known
    known = _PathRules(catalog.rules)
    _PATH_RULES[:] = [known, *_PATH_RULES[:3]]
    return known


@lru_cache(maxsize=256)
def _is_local_module(root: str, start_dir: str, name: str) -> bool:
    """True when `name` is a module or package of the project itself (a sibling of the
    importing file or of one of its parent folders up to the scan root)."""
    folder = start_dir
    root = os.path.abspath(root)
    while True:
        if os.path.exists(os.path.join(folder, name + ".py")) or os.path.isdir(os.path.join(folder, name)):
            return True
        if os.path.abspath(folder) == root or os.path.dirname(folder) == folder:
            return False
        folder = os.path.dirname(folder)


# ----------------------------------------------------------------------------- entry point


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    if not may_matter(source.data):
        return FileAnalysis()
    index = LineIndex(source)
    depth = _bracket_depth(source.data)
    if depth > MAX_BRACKET_DEPTH:
        # CPython's tokenizer refuses these itself; say why in words rather than its message.
        return _fallback(source, candidate, catalog, index,
                         f"brackets nested {depth} deep (Python allows {MAX_BRACKET_DEPTH}): "
                         "only import lines were scanned")
    problems: list[FileProblem] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes is not ours to print
            tree = ast.parse(source.text, type_comments=False)
    except (RecursionError, MemoryError):
        return _fallback(source, candidate, catalog, index,
                         "expressions nested too deeply to parse: only import lines were scanned")
    except (SyntaxError, ValueError) as exc:
        tree, reason = _newer_syntax(source, getattr(exc, "lineno", None))
        if tree is None:
            return _fallback(source, candidate, catalog, index, reason)
        if reason:
            problems.append(FileProblem(candidate.relpath, reason, "parse-partial", partial=True))
    from .bindings import TooDeep
    try:
        result = _PyFile(tree, source, candidate, catalog, index).run()
    except TooDeep as exc:
        return _fallback(source, candidate, catalog, index, f"{exc}: only import lines were scanned")
    except RecursionError:
        return _fallback(source, candidate, catalog, index,
                         "too deeply nested to analyse: only import lines were scanned")
    result.problems[:0] = problems
    return result


MAX_BRACKET_DEPTH = 200  # CPython's tokenizer limit (MAXLEVEL)
_BRACKETS = re.compile(rb"[()\[\]{}]")


def _bracket_depth(data: bytes) -> int:
    """Deepest bracket nesting in the file (brackets inside strings and comments count too,
    which only errs on the side of the import-only fallback)."""
    opens = data.count(b"(") + data.count(b"[") + data.count(b"{")
    if opens <= MAX_BRACKET_DEPTH:
        return opens
    depth = deepest = 0
    for m in _BRACKETS.finditer(data):
        if m.group() in b"([{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


_LONG_LINE = 5000


def _newer_syntax(source: SourceText, error_line: Optional[int]) -> tuple[Optional[ast.Module], str]:
    """(tree, problem reason) for a file `ast` rejected, or (None, fallback reason).

    CPython parses only its own grammar, so a file using a newer Python's syntax (PEP 695
    `type X = ...`, PEP 701 f-strings under 3.11) fails as a whole. libcst parses every
    Python 3 grammar: it splits the module into top-level statements, each of which `ast`
    parses on its own, padded with newlines so that line numbers stay the file's."""
    text = source.text
    if any(len(line) > _LONG_LINE for line in text.splitlines()):
        # libcst's native parser can overflow the C stack (killing the process) on an
        # expression chain deep enough to fit on such a line.
        return None, (f"not valid Python for this interpreter, with lines over {_LONG_LINE} characters: "
                      "only import lines were scanned")
    try:
        import libcst as cst
    except ImportError:  # pragma: no cover - libcst is a dependency
        return None, "not valid Python for this interpreter (libcst is not installed): only import lines were scanned"
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        line = error_line or exc.raw_line  # CPython's line is the more precise one (indent limits ...)
        return None, f"not valid Python 3 (syntax error at line {line}): only import lines were scanned"
    except (RecursionError, MemoryError, ValueError) as exc:
        return None, f"libcst could not parse the file ({type(exc).__name__}): only import lines were scanned"
    chunks = [module.code_for_node(stmt) for stmt in module.body]
    header = "".join(module.code_for_node(line) for line in module.header)
    whole = header + "".join(chunks) + "".join(module.code_for_node(line) for line in module.footer)
    if whole != text and whole != text + "\n":  # (libcst adds the missing final newline)
        return None, "not valid Python for this interpreter: only import lines were scanned"
    body: list[ast.stmt] = []
    skipped: list[tuple[int, int]] = []
    line = 1 + header.count("\n")
    for stmt, chunk in zip(module.body, chunks):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                body.extend(ast.parse("\n" * (line - 1) + chunk, type_comments=False).body)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            first = line + len(stmt.leading_lines)
            skipped.append((first, max(first, line + chunk.rstrip("\n").count("\n"))))
        line += chunk.count("\n")
    if not skipped:
        return ast.Module(body=body, type_ignores=[]), ""
    where = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in skipped)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    plural = "s" if len(skipped) > 1 or skipped[0][0] != skipped[0][1] else ""
    return ast.Module(body=body, type_ignores=[]), (
        f"uses syntax newer than Python {version} (or invalid) on line{plural} {where}: "
        "those statements were skipped")


def _module_code(top: str, candidate: Candidate) -> Optional[str]:
    """CLK800 for Clerk's SDK / svix, CLK801 for community Clerk packages, else None."""
    if top in SDK_MODULES:
        return IMPORT
    if top in KNOWN_COMMUNITY - {"clerk"}:
        return COMMUNITY_IMPORT
    if top and re.search(r"(?:^|_)clerk(?:_|$)", top, re.IGNORECASE):
        try:
            local = _is_local_module(str(candidate.root), str(candidate.path.parent), top)
        except OSError:  # pragma: no cover
            local = False
        return None if local else COMMUNITY_IMPORT
    return None


_IMPORT_LINE = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<from>[\w.]+)[ \t]+import\b(?P<names>[^\n#;]*)"
    r"|import[ \t]+(?P<mods>[\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*))",
    re.MULTILINE,
)


def _fallback(source: SourceText, candidate: Candidate, catalog: Catalog, index: LineIndex,
              reason: str) -> FileAnalysis:
    """Imports only, found line by line, for files that cannot be parsed (or are too deep)."""
    result = FileAnalysis(problems=[FileProblem(candidate.relpath, reason, "parse-partial", partial=True)])
    text = source.text
    for m in _IMPORT_LINE.finditer(text):
        if m.group("from"):
            modules = [m.group("from")]
            names = m.group("names").strip().strip("()").strip()
        else:
            modules = [part.split()[0] for part in m.group("mods").split(",")]
            names = ""
        for module in modules:
            code = _module_code(module.split(".", 1)[0], candidate)
            if code is None:
                continue
            rule = catalog.rule(code)
            detail = names or module
            start = len(text[:m.start()].encode("utf-8"))
            start += len(m.group(0)) - len(m.group(0).lstrip())
            end = len(text[:m.end()].encode("utf-8"))
            result.findings.append(Finding(
                code=rule.code, rule_name=rule.name, symbol=detail, package=module, category=rule.category,
                difficulty=rule.difficulty, better_auth=rule.better_auth, effort_hours=rule.effort_hours,
                message=rule.format_message(symbol=detail, package=module, detail=detail),
                location=index.location(candidate.relpath, start, end), details=(("names", detail),),
            ))
            break
    return result


# ----------------------------------------------------------------------------- one file


class _Decorator:
    """A decorator as a finding's node: its location starts at the `@`, which ast omits."""

    __slots__ = ("decorator", "start", "end")

    def __init__(self, decorator, start: int, end: int):
        self.decorator, self.start, self.end = decorator, start, end


_CLASS_KEYWORD = re.compile(rb"class(?:[ \t\f]|\\\r?\n)+")


class _PyFile:
    def __init__(self, tree: ast.Module, source: SourceText, candidate: Candidate, catalog: Catalog,
                 index: LineIndex):
        from .bindings import Bindings

        self.b = Bindings(tree, source.data, index.starts)
        self.source = source
        self.candidate = candidate
        self.relpath = candidate.relpath
        self.catalog = catalog
        self.index = index
        self.path_rules = _path_rules_of(catalog)
        self.found: list[tuple[object, Finding]] = []
        self._seen: set[tuple[str, int]] = set()
        self.site_spans: list[tuple[int, int]] = []
        self.site_codes: list[str] = []
        self.depends_sites: list = []
        self._local_calls: Optional[list] = None
        self.has_svix = False
        self.clerk_signal = bool(CLERK_MENTION.search(source.data))

    # -- plumbing ---------------------------------------------------------------------

    def span(self, node) -> tuple[int, int]:
        """[start, end) in UTF-8 bytes of SourceText.data."""
        if type(node) is _Decorator:
            return node.start, node.end
        return self.b.span(node)

    def locate(self, node) -> Location:
        start, end = self.span(node)
        return self.index.location(self.relpath, start, end)

    def add(self, code: str, node, *, symbol: str, package: str, detail: str = "", details: tuple = (),
            via: tuple = (), related: tuple = (), span: Optional[tuple[int, int]] = None) -> Optional[Finding]:
        key = (code, id(node))
        if key in self._seen:
            return None
        self._seen.add(key)
        rule = self.catalog.rule(code)
        message = rule.format_message(symbol=symbol, package=package, detail=detail)
        location = self.index.location(self.relpath, *span) if span is not None else self.locate(node)
        finding = Finding(
            code=rule.code, rule_name=rule.name, symbol=symbol, package=package, category=rule.category,
            difficulty=rule.difficulty, better_auth=rule.better_auth, effort_hours=rule.effort_hours,
            message=message, location=location, via=via, related=related, details=details,
        )
        self.found.append((node, finding))
        return finding

    def _decorators(self) -> list[_Decorator]:
        data = self.source.data
        out = []
        for node in self.b.nodes:
            if isinstance(node, _DEFS):
                for expr in node.decorator_list:
                    start, end = self.b.span(expr)
                    at = data.rfind(b"@", 0, start)  # only blanks (or a paren) stand between
                    out.append(_Decorator(expr, at if at >= 0 else start, end))
        return out

    def _name_span(self, definition) -> tuple[int, int]:
        """The span of a class's name (ast gives only the `class` keyword's position)."""
        start = self.b.span(definition)[0]
        m = _CLASS_KEYWORD.match(self.source.data, start)
        start = m.end() if m else start
        return start, start + len(definition.name.encode("utf-8"))

    # -- passes -----------------------------------------------------------------------

    def run(self) -> FileAnalysis:
        self._imports()
        self._sites()
        self._strings()
        self._events()
        self._settings_classes()
        from .models import ModelFields
        ModelFields(self.b.nodes, self.b.parents, self.b.value, self.add).run()
        self._wrappers()
        return FileAnalysis(findings=[f for _, f in self.found])

    def _imports(self) -> None:
        from .bindings import import_module

        for node in self.b.nodes:
            t = type(node)
            if t is ast.Import:
                modules = [a.name for a in node.names]
                names_for = {m: m for m in modules}
            elif t is ast.ImportFrom:
                module = import_module(node)
                if module.startswith("."):
                    continue
                modules = [module]
                names_for = {module: ", ".join(a.name for a in node.names)}  # "*" for a star import
            else:
                continue
            for module in modules:
                top = module.split(".", 1)[0]
                code = _module_code(top, self.candidate)
                if code is None:
                    continue
                if top == "svix":
                    self.has_svix = True
                detail = names_for[module]
                self.add(code, node, symbol=detail, package=module, detail=detail, details=(("names", detail),))
                break

    def _sites(self) -> None:
        b = self.b
        for node in b.nodes:
            t = type(node)
            if t is ast.Call or t is ast.Subscript:
                val = b.value(node)
                if val is None:
                    if t is ast.Call:
                        self._unresolved_http(node)
                elif t is ast.Subscript or b.value(node.func) is not None:
                    # (a call of a local factory returning a Clerk value is not itself a use:
                    # the factory's own body is)
                    self._match_site(node, val)
            elif t is ast.Name or t is ast.Attribute:
                self._bare_reference(node)

    def _match_site(self, node, val) -> None:
        path = val.path
        for rule in self.path_rules.matching(path):
            if rule.code == AUTH_DEPENDENCY:
                self.depends_sites.append((node, val))
                return
            if rule.code == JWKS and self._inside(node, (JWT_DECODE, JWKS)):
                return  # `import_key_set(requests.get(url).json())`: one finding for the key source
            check = getattr(self, f"_check_{rule.code}", None)
            result = check(node, val) if check is not None else self._sdk_detail(node, rule)
            if result is None:
                continue
            symbol, detail, details = result
            if self.add(rule.code, node, symbol=symbol or self._symbol(val), package=val.module,
                        detail=detail, details=details) and rule.code != ENV_READ:
                self.site_spans.append(self.span(node))
                self.site_codes.append(rule.code)
            return

    def _inside(self, node, codes) -> bool:
        start, end = self.span(node)
        return any(s <= start and end <= e and code in codes
                   for (s, e), code in zip(self.site_spans, self.site_codes))

    def _symbol(self, val) -> str:
        return val.chain if val.top in SDK_MODULES | KNOWN_COMMUNITY else val.path

    def _sdk_detail(self, node, rule: Rule):
        if type(node) is ast.Call:
            from .bindings import call_args
            _, keywords = call_args(node)
            keys = ", ".join(keywords)
            if rule.code == "CLK812" and not keys:
                keys = "no options"
            return "", keys, ((("keywords", keys),) if keywords else ())
        return "", "", ()

    def _bare_reference(self, node) -> None:
        """A Clerk export used without a call (`permission_classes = [ClerkAuthenticated]`)."""
        parent = self.b.parents.get(node)
        pt = type(parent)
        if pt is ast.Attribute or pt is ast.Subscript:
            if parent.value is node:
                return
        elif pt is ast.Call and parent.func is node:
            return
        val = self.b.value(node)
        if val is None or not val.chain or "(" in val.chain or "[" in val.chain:
            return
        for rule in self.path_rules.matching(val.path):
            if rule.code != AUTH_DEPENDENCY:
                self.add(rule.code, node, symbol=val.chain, package=val.module, detail="")
                return

    # -- conditional path rules (method name = _check_<code>) ------------------------------

    def _labels_of_args(self, call) -> frozenset[str]:
        labels: set[str] = set()
        if type(call) is ast.Call:
            for arg in call.args:
                labels |= self.b.taint(arg)
            for kw in call.keywords:
                labels |= self.b.taint(kw.value)
        return frozenset(labels)

    def _check_CLK820(self, node, val):
        """jwt.decode & co: only when a Clerk key / JWKS / issuer flows into the arguments."""
        labels = self._labels_of_args(node) - WEBHOOK_LABELS
        if not labels:
            return None
        return "", val.top, (("library", val.top),)

    def _is_http(self, path: str) -> bool:
        return any(r.code == HTTP_BACKEND for r in self.path_rules.matching(path))

    def _http_parts(self, node, val):
        """(method, url expression, labels of url + headers + receiver) of an HTTP client call."""
        from .bindings import call_args, string_value
        if type(node) is not ast.Call:
            return None
        m = re.search(r"([A-Za-z_]\w*)\(\)$", val.chain)
        verb = m.group(1) if m else ""
        positional, keywords = call_args(node)
        if val.top == "urllib":
            # urllib.request.Request(url, data=None, headers={}, method=None) / urlopen(url_or_request)
            if verb not in ("Request", "urlopen"):
                return None
            url = keywords.get("url", positional[0] if positional else None)
            origin = self.b.assigned_value(url) if url is not None else None
            if verb == "urlopen" and type(origin) is ast.Call:
                inner = self.b.value(origin)
                if inner is not None and inner.chain.endswith("Request()"):
                    return None  # reported at the Request(...) itself
            method_expr = keywords.get("method")
            if method_expr is not None:
                method = string_value(method_expr) or "?"
            else:
                method = "POST" if "data" in keywords or len(positional) > 1 else "GET"
        elif verb.lower() not in HTTP_VERBS:
            return None
        elif verb.lower() in ("request", "stream"):
            method_expr = keywords.get("method", positional[0] if positional else None)
            method = (string_value(method_expr) or "?") if method_expr is not None else "?"
            url = keywords.get("url", positional[1] if len(positional) > 1 else None)
        else:
            method = verb
            url = keywords.get("url", positional[0] if positional else None)
        labels = set(self.b.taint(url))
        for key in ("headers", "auth"):
            if key in keywords:
                labels |= self.b.taint(keywords[key])
        receiver = node.func.value if type(node.func) is ast.Attribute else None
        base = ""
        if receiver is not None:
            labels |= self.b.taint(receiver)
            origin = self.b.assigned_value(receiver)
            if type(origin) is ast.Call:
                base_expr = call_args(origin)[1].get("base_url")
                if base_expr is not None:
                    base = self.b.render(base_expr)
        return method.upper(), url, frozenset(labels), base

    def _url_detail(self, method: str, url, base: str, backend: bool = True) -> str:
        text = self.b.render(url) if url is not None else ""
        if not re.match(r"[a-z]+://", text) and base:
            text = base.rstrip("/") + "/" + text.lstrip("/")
        host = re.search(r"api\.clerk\.(?:com|dev)(?:/v1)?", text)
        if not backend:
            return f"{method} {text.split('?', 1)[0]}".strip()
        if host:
            path = text[host.end():] or "/"
        else:
            # `{CLERK_API_URL}/users/...`: an unresolved base; keep the path after it
            path = re.sub(r"^[a-z]+://", "", re.sub(r"^\{[^{}]*\}(?=/)", "", text))
        path = path.split("?", 1)[0]
        if path and not path.startswith("/") and host:
            path = "/" + path
        return f"{method} {path}".strip()

    def _check_CLK821(self, node, val):
        """A JWKS client built from a Clerk URL, or a hand-written fetch of Clerk's JWKS."""
        if self._is_http(val.path):
            parts = self._http_parts(node, val)
            if parts is None:
                return None
            method, url, labels, base = parts
            if labels & BACKEND_LABELS or not labels & FRONTEND_LABELS:
                return None
            detail = self._url_detail(method, url, base, backend=False)
            return "", detail, (("request", detail),)
        labels = self._labels_of_args(node) - WEBHOOK_LABELS
        if not labels:
            return None
        from .bindings import call_args
        positional, keywords = call_args(node)
        source = positional[0] if positional else next(iter(keywords.values()), None)
        detail = self.b.render(source).split("?", 1)[0] if source is not None else val.top
        return "", detail, (("source", detail),)

    def _check_CLK830(self, node, val):
        parts = self._http_parts(node, val)
        if parts is None:
            return None
        method, url, labels, base = parts
        if not labels & BACKEND_LABELS:
            return None
        detail = self._url_detail(method, url, base)
        return "", detail, (("request", detail),)

    def _unresolved_http(self, node) -> None:
        """`session.get(url)` on a receiver we cannot resolve: only a literal Clerk URL counts."""
        func = node.func
        if type(func) is not ast.Attribute or func.attr not in HTTP_VERBS - {"request", "stream"}:
            return
        from .bindings import call_args
        positional, keywords = call_args(node)
        url = keywords.get("url", positional[0] if positional else None)
        if url is None:
            return
        labels = self.b.taint(url)
        method = func.attr.upper()
        if "url:backend" in labels:
            code = HTTP_BACKEND
        elif "url:frontend" in labels and method == "GET":
            code = JWKS
        else:
            return
        detail = self._url_detail(method, url, "", backend=code == HTTP_BACKEND)
        if code == JWKS and self._inside(node, (JWT_DECODE, JWKS)):
            return
        if self.add(code, node, symbol=self.b.code(func), package="", detail=detail,
                    details=(("request", detail),)):
            self.site_spans.append(self.span(node))
            self.site_codes.append(code)

    def _check_CLK841(self, node, val):
        from . import webhooks
        if not webhooks.has_clerk_context(self.relpath, self.source.text, self.clerk_signal):
            return None
        if not self._labels_of_args(node) & WEBHOOK_LABELS:
            return None
        return "", "", ()

    def _check_CLK845(self, node, val):
        from .bindings import CLERK_ENV_NAME, call_args, string_value
        if type(node) is ast.Subscript:
            key = node.slice
            if type(key) in (ast.Tuple, ast.Slice):
                return None
        else:
            positional, keywords = call_args(node)
            key = positional[0] if positional else keywords.get("key")
        name = string_value(key) if key is not None else None
        if not name or not (CLERK_ENV_NAME.match(name) or name in self.catalog.env_vars):
            return None
        return name, env_advice(name), (("env", name),)

    # -- string literals ----------------------------------------------------------------

    def _strings(self) -> None:
        b = self.b
        from .bindings import literal_labels
        for node in b.nodes:
            t = type(node)
            if t is ast.Constant:
                value = node.value
                if type(value) is not str:
                    continue
            elif t is ast.JoinedStr:
                value = None
            else:
                continue
            parent = b.parents.get(node)
            pt = type(parent)
            if pt is ast.Expr or pt is ast.JoinedStr or pt is ast.FormattedValue:
                continue  # docstrings and bare string statements; parts of an f-string
            if value is not None and (DOTTED.fullmatch(value) or value in NAMED_MODULES):
                self._dotted_string(node, value)
                continue
            if value is None:
                labels = set()
                for part in node.values:
                    if type(part) is ast.Constant and type(part.value) is str:
                        labels |= literal_labels(part.value)
            else:
                labels = literal_labels(value)
            if not labels & {"url:backend", "url:frontend"}:
                continue
            start, end = self.span(node)
            if any(s <= start and end <= e for s, e in self.site_spans):
                continue
            url = b.render(node).split("?", 1)[0]
            self.add(CLERK_URL, node, symbol=url, package="", detail=url, details=(("url", url),))

    def _dotted_string(self, node, value: str) -> None:
        """`"clerk_django.middlewares.clerk.ClerkAuthMiddleware"` in settings (MIDDLEWARE,
        INSTALLED_APPS, REST_FRAMEWORK classes): an import by name."""
        top = value.split(".", 1)[0]
        code = _module_code(top, self.candidate)
        if code is None or top == "svix":
            return
        for rule in self.path_rules.matching(value):
            if rule.code != AUTH_DEPENDENCY:
                self.add(rule.code, node, symbol=value.rsplit(".", 1)[-1], package=value.rsplit(".", 1)[0])
                return
        self.add(code, node, symbol=value, package=value, detail=value, details=(("names", value),))

    # -- webhook events -----------------------------------------------------------------

    def _events(self) -> None:
        from . import webhooks
        from .bindings import string_value
        events = self.catalog.webhook_events
        positions = []  # the string nodes at places a handler checks an event name

        def collect(expr) -> None:
            if type(expr) in (ast.Tuple, ast.List, ast.Set):
                for element in expr.elts:
                    collect(element)
            elif string_value(expr) is not None:
                positions.append(expr)

        for node in self.b.nodes:
            t = type(node)
            if t is ast.Compare:
                collect(node.left)
                for comparator in node.comparators:
                    collect(comparator)
            elif t is ast.MatchValue:
                collect(node.value)
            elif t is ast.Dict:
                for key in node.keys:
                    if key is not None:
                        collect(key)
            elif t is ast.Subscript:
                positions.extend(webhooks.literal_values(node))  # Literal["user.created"] payload models
            elif t is ast.Constant and type(node.value) is str and node.value[:6].lower() == "clerk/":
                positions.append(node)  # queued under Clerk's name: clerk/user.created
        event_of = webhooks.event_filter(events, self.relpath, self.source.text, self.clerk_signal or self.has_svix,
                                         [string_value(p) for p in positions]) if positions else None
        for expr in positions:
            value = string_value(expr)
            event = event_of(value)
            if event is not None:
                self.add(WEBHOOK_EVENT, expr, symbol=value, package="", detail=webhook_hook(event),
                         details=(("event", event),))
        if not self.has_svix and webhooks.has_clerk_context(self.relpath, self.source.text, self.clerk_signal
                                                            or any(f.code == WEBHOOK_EVENT for _, f in self.found)):
            webhooks.svix_pieces(self.b.nodes, self.b.parents, self.add)

    # -- pydantic settings --------------------------------------------------------------

    def _settings_classes(self) -> None:
        from .bindings import CLERK_ENV_NAME
        for node in self.b.nodes:
            if type(node) is not ast.ClassDef:
                continue
            bases = [self.b.value(base) for base in node.bases]
            if not any(v is not None and SETTINGS_BASES.match(v.path) for v in bases):
                continue
            for stmt in node.body:
                if type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name:
                    name = stmt.target.id.upper()
                    if CLERK_ENV_NAME.match(name) or name in self.catalog.env_vars:
                        self.add(ENV_READ, stmt.target, symbol=name, package="pydantic-settings",
                                 detail=env_advice(name), details=(("env", name),))

    # -- wrappers: FastAPI dependencies, decorators, middleware classes -------------------

    def _wrappers(self) -> None:
        b = self.b
        decorators = self._decorators()
        done: set[int] = set()
        for _ in range(8):
            wrappers = self._wrapper_map()
            added = False
            for node, val in self.depends_sites:
                if id(node) in done:
                    continue
                from .bindings import call_args
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
                if definition is not None and definition in wrappers:
                    done.add(id(dec))
                    added |= self._indirect(dec, wrappers[definition], "") is not None
            if not added:
                break
        wrappers = self._wrapper_map()
        for definition, info in wrappers.items():
            if type(definition) is ast.ClassDef and self._middleware_like(definition):
                name, via, location, package = info
                self.add(AUTH_MIDDLEWARE, definition, symbol=name, package=package, detail=via[-1],
                         via=via, related=(location,), span=self._name_span(definition))

    def _wrapper_map(self) -> dict:
        """FunctionDef / ClassDef -> (name, via chain, location of the Clerk call, package):
        the definitions that contain a Clerk auth finding, or call such a function of this file."""
        wrappers: dict = {}
        ancestors = self.b.ancestors

        def mark(node, inner: tuple, location, package) -> bool:
            grew = False
            if type(node) is _Decorator:
                node = node.decorator  # its parent is the decorated definition, as for libcst
            for anc in ancestors(node):
                if isinstance(anc, _DEFS) and anc not in wrappers:
                    name = anc.name
                    via = inner if inner and inner[0] == name else (name, *inner)
                    wrappers[anc] = (name, via, location, package)
                    grew = True
            return grew

        for node, finding in self.found:
            if finding.code in AUTH_CODES:
                mark(node, finding.via or (finding.symbol,), finding.location, finding.package)
        if self._local_calls is None:
            self._local_calls = [(n, d) for n in self.b.nodes if type(n) is ast.Call
                                 for d in [self.b.definition(n.func)] if isinstance(d, _FUNCS)]
        grew = True
        while grew:
            grew = False
            for call, definition in self._local_calls:
                if definition in wrappers:
                    _, via, location, package = wrappers[definition]
                    grew |= mark(call, via, location, package)
        return wrappers

    def _wrapper_for(self, target, wrappers):
        b = self.b
        expr = target.func if type(target) is ast.Call else target
        definition = b.definition(expr)
        if definition is not None:
            return wrappers.get(definition)
        # A module-level guard: `clerk_auth_guard = ClerkHTTPBearer(config)`.
        origin = b.assigned_value(target) if type(target) is ast.Name else target
        if type(origin) is ast.Call:
            definition = b.definition(origin.func)
            if definition is not None and definition in wrappers:
                name, via, location, package = wrappers[definition]
                return (name, via, location, package)
            for node, finding in self.found:
                if node is origin and finding.code in AUTH_CODES:
                    name = target.id if type(target) is ast.Name else finding.symbol
                    return (name, (name, finding.symbol) if name != finding.symbol else (name,),
                            finding.location, finding.package)
        return None

    def _indirect(self, node, info, package: str) -> Optional[Finding]:
        name, via, location, inner_package = info
        return self.add(AUTH_DEPENDENCY, node, symbol=name, package=inner_package or package,
                        detail=via[-1], via=via, related=(location,))

    def _middleware_like(self, cls) -> bool:
        from .bindings import dotted
        if any(MIDDLEWARE_BASES.search(dotted(base) or "") for base in cls.bases):
            return True
        return any(isinstance(s, _FUNCS) and s.name in MIDDLEWARE_METHODS for s in cls.body)


_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
