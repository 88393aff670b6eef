"""One Python file, walked: the passes over its ``ast`` nodes that find Clerk uses (imports,
call and subscript sites matched against the path rules, bare references, string literals,
webhook event names, pydantic settings, model columns), then the wrappers pass.

Conditional path rules (a Clerk value must flow into the call) are in ``checks.py``.
"""
from __future__ import annotations

import ast
from typing import Optional

from ... import time_budget
from ...concepts.catalog import Catalog, Rule, webhook_hook
from ...concepts.webhook_events import svix_serves_clerk
from ...discover.kinds import Candidate
from ...findings import FileAnalysis, FileProblem, Finding, Location
from ..source import LineIndex, SourceText
from . import webhooks
from .bindings import Bindings
from .checks import CHECKS, unresolved_http
from .committed_secrets import secret_literal_findings
from .labels import literal_labels, string_value
from .models import ModelFields
from .path_rules import path_rules_of
from .syntax import call_args, import_module
from .vocabulary import (APP_IMPORT, AUTH_CODES, AUTH_DEPENDENCY, CLERK_MENTION, CLERK_URL, DOTTED, ENV_READ, JWKS, JWT_DECODE,
                         KNOWN_COMMUNITY, NAMED_MODULES, SDK_MODULES, SVIX_VERIFY, WEBHOOK_EVENT,
                         module_code)
from .flow import Flow
from .request_attrs import stores
from .roles import role_findings
from .settings import literal_settings, settings_fields
from .summary import UNRESOLVED, Data, Export, export_of, module_of, raw_import
from .syntax import Val
from .wrappers import Decorator, WrapperPass


class PyFile:
    """One file's findings as the passes add them (``add`` keeps one per rule and node); the
    checks and the wrappers pass are handed this object and use ``b``, ``add``, ``span``."""

    def __init__(self, tree: ast.Module, source: SourceText, candidate: Candidate, catalog: Catalog,
                 index: LineIndex, context: object = None):
        self.b = Bindings(tree, source.data, index.starts)
        # The project pass's view of the modules this one imports (summary.py); None alone.
        self.context = context if getattr(context, "python_export", None) is not None else None
        if self.context is not None:
            self.b.rebind = self._rebind
            self.b.rebind_call = self._rebind_call
        self.source = source
        self.candidate = candidate
        self.relpath = candidate.relpath
        self.catalog = catalog
        self.index = index
        self.path_rules = path_rules_of(catalog)
        self.found: list[tuple[object, Finding]] = []
        self._seen: set[tuple[str, int]] = set()
        self.site_spans: list[tuple[int, int]] = []
        self.site_codes: list[str] = []
        self.depends_sites: list = []
        self.has_svix = False
        self._svix_clerk: Optional[bool] = None  # whether svix here verifies Clerk's webhooks (lazy)
        self.clerk_signal = bool(CLERK_MENTION.search(source.data))

    # -- plumbing ---------------------------------------------------------------------

    def span(self, node) -> tuple[int, int]:
        """[start, end) in UTF-8 bytes of SourceText.data."""
        if type(node) is Decorator:
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

    # -- passes -----------------------------------------------------------------------

    def run(self) -> FileAnalysis:
        """Every pass in turn; a file over the time budget keeps the findings of the passes
        (and the part of the pass) done before."""
        try:
            return self._run()
        finally:
            # The flow and the import hooks link back to this object: unlinked, the file's tree
            # is freed as the analysis returns, not later by the cyclic garbage collector.
            self.flow = None
            self.b.rebind = self.b.rebind_call = None

    def _run(self) -> FileAnalysis:
        passes = (self._imports, self._sites, self._strings, lambda: secret_literal_findings(self), self._events,
                  lambda: settings_fields(self),
                  lambda: ModelFields(self.b.nodes, self.b.parents, self.b.value, self.add).run(),
                  lambda: webhooks.routes(self))
        try:
            for run_pass in passes:
                time_budget.check()
                run_pass()
            time_budget.check()
            self.flow = Flow(self)
            wrappers = WrapperPass(self)
            wrappers.run()
            self.flow.report_reads()
            role_findings(self, self.flow)
            if self.context is not None:
                self._app_imports()
        except time_budget.OverBudget:
            problem = FileProblem(self.relpath, time_budget.reason(), time_budget.KIND, partial=True)
            return FileAnalysis(findings=[f for _, f in self.found], problems=[problem])
        # (alone, the summary and the writes are what the file shows by itself: the project
        # pass seeds its rounds with them, and resolves the writes' model modules)
        summary = self._summary(wrappers.wrappers)
        writes = self.flow.id_writes(self._model_module)
        findings = [f for _, f in self.found] + literal_settings(self)
        if self._svix_clerk is False:  # another sender's svix webhooks: its verification is not Clerk's
            findings = [f for f in findings if f.package.split(".", 1)[0] != "svix"]
        return FileAnalysis(findings=findings, summary=summary, id_writes=writes)

    # -- across modules ---------------------------------------------------------------

    def _rebind(self, val: Val) -> Optional[Val]:
        """`clerk` imported from the app's own module that made it with `Clerk(...)`: that value."""
        chain = val.chain
        if not chain or "(" in chain or "[" in chain:
            return None
        module = val.module
        parts = chain.split(".")
        for i, name in enumerate(parts):
            export = export_of(self.context, module, name)
            if export is None:
                return None
            if export.val is not None:
                rest = ".".join(parts[i + 1:])
                return Val(export.val.module, f"{export.val.chain}.{rest}" if rest else export.val.chain)
            if not export.module:
                return None
            module = module + name if module.endswith(".") else f"{module}.{name}"
        return None

    def _rebind_call(self, val: Val) -> Optional[Val]:
        """`get_user(uid)` where the app's `get_user` returns `clerk.users.get(...)`: that value."""
        chain = val.chain
        if not chain or "(" in chain or "[" in chain or "." in chain:
            return None
        export = export_of(self.context, val.module, chain)
        return export.result if export is not None else None

    def _app_imports(self) -> None:
        """CLK006: `from app.auth import get_current_user` where the app's module is Clerk-backed."""
        for node in self.b.nodes:
            if type(node) is not ast.ImportFrom:
                continue
            module = import_module(node)
            if module_code(module.lstrip(".").split(".", 1)[0], self.candidate) is not None and not module.startswith("."):
                continue  # Clerk's own packages: CLK800 / CLK801
            if module_of(self.context, module) == str(self.candidate.path):
                continue  # a module importing itself
            names, via = [], ()
            for alias in node.names:
                export = export_of(self.context, module, alias.name) if alias.name != "*" else None
                if export is None or export.module:
                    continue  # (a submodule: its users are found where they read its names)
                names.append(alias.name)
                if not via:
                    via = export.wrapper[1] if export.wrapper else (
                        export.returns.via if export.returns is not None and export.returns.via
                        else export.calls or (alias.name,))
            if names:
                shown = ", ".join(names)
                self.add(APP_IMPORT, node, symbol=shown, package=module, detail=shown,
                         details=(("names", shown),), via=via)

    def _result(self, func) -> tuple[Optional[Val], tuple]:
        """The Clerk SDK value a function returns, and its via chain (function, Clerk API)."""
        for ret in self.b.returns(func):
            val = self.b.value(ret)
            if val is not None and val.top in SDK_MODULES and "(" in val.chain:
                return val, (func.name, self._symbol(val))
        return None, ()

    def _model_module(self, module: str) -> str:
        """The file declaring an imported model; alone, the import itself (UNRESOLVED + module),
        for the project pass to resolve."""
        return module_of(self.context, module) if self.context is not None else UNRESOLVED + module

    def _summary(self, wrappers: dict) -> tuple:
        """What this module offers its importers (summary.Export by top-level name)."""
        out: dict[str, Export] = {}
        tree_body = [n for n in self.b.nodes if self.b.parents.get(n) is not None
                     and type(self.b.parents[n]) is ast.Module]
        found_at = {id(node): finding for node, finding in self.found}
        for stmt in tree_body:
            t = type(stmt)
            if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                wrapper = wrappers.get(stmt)
                returns = self.flow.returns(stmt) if t is not ast.ClassDef else None
                # (an auth wrapper's callers are CLK846, not the Clerk call again)
                result, calls = self._result(stmt) if t is not ast.ClassDef and wrapper is None else (None, ())
                if wrapper is not None or returns is not None or result is not None:
                    out[stmt.name] = Export(wrapper=wrapper, returns=returns, result=result, calls=calls)
            elif t is ast.Assign or t is ast.AnnAssign:
                targets = stmt.targets if t is ast.Assign else [stmt.target]
                if stmt.value is None:
                    continue
                val = self.b.value(stmt.value)
                if val is None or val.top not in SDK_MODULES | KNOWN_COMMUNITY or not val.chain:
                    continue
                guard = found_at.get(id(stmt.value))
                for target in targets:
                    if type(target) is ast.Name:
                        wrapper = None
                        if guard is not None and guard.code in AUTH_CODES:
                            wrapper = (target.id, (target.id, guard.symbol), guard.location, guard.package)
                        out[target.id] = Export(val=val, wrapper=wrapper)
            elif t is ast.ImportFrom:
                module = import_module(stmt)
                for alias in stmt.names:
                    export = export_of(self.context, module, alias.name) if alias.name != "*" else None
                    if export is not None:
                        out[alias.asname or alias.name] = export
        for attr, claim, via in stores(self.flow):  # what a middleware puts on the request
            out.setdefault("request." + attr, Export(returns=Data("store", via, ((attr, claim),))))
        return tuple(sorted(out.items(), key=lambda kv: kv[0]))

    def _imports(self) -> None:
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
                code = module_code(top, self.candidate)
                if code is None:
                    continue
                detail = names_for[module]
                if top == "svix":
                    # Svix's library, not Clerk's: part of the webhook (SVIX_VERIFY) where it verifies
                    # Clerk's webhooks, nothing where it verifies another sender's.
                    if not self._svix_serves_clerk():
                        continue
                    self.has_svix = True
                    code = SVIX_VERIFY
                self.add(code, node, symbol=detail, package=module, detail=detail, details=(("names", detail),))
                break

    def _svix_serves_clerk(self) -> bool:
        if self._svix_clerk is None:
            self._svix_clerk = svix_serves_clerk(self.relpath, self.source.text, self.catalog.webhook_events)
        return self._svix_clerk

    def _sites(self) -> None:
        b = self.b
        for i, node in enumerate(b.nodes):
            if not i & 1023:
                time_budget.check()
            t = type(node)
            if t is ast.Call or t is ast.Subscript:
                val = b.value(node)
                if val is None:
                    if t is ast.Call:
                        unresolved_http(self, node)
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
            if rule.code == JWKS and self.inside(node, (JWT_DECODE, JWKS)):
                return  # `import_key_set(requests.get(url).json())`: one finding for the key source
            check = CHECKS.get(rule.code)
            result = check(self, node, val) if check is not None else self._sdk_detail(node, rule)
            if result is None:
                continue
            symbol, detail, details = result
            via = self._imported_via(node)
            if self.add(rule.code, node, symbol=symbol or self._symbol(val), package=val.module,
                        detail=detail, details=details, via=via) and rule.code != ENV_READ:
                self.site_spans.append(self.span(node))
                self.site_codes.append(rule.code)
            return

    def _imported_via(self, node) -> tuple:
        """(function, Clerk API) when node calls an imported function of the app returning a Clerk call."""
        if self.context is None or type(node) is not ast.Call:
            return ()
        raw = raw_import(self.b, node.func)
        export = export_of(self.context, *raw) if raw is not None else None
        return export.calls if export is not None and export.result is not None else ()

    def inside(self, node, codes) -> bool:
        start, end = self.span(node)
        return any(s <= start and end <= e and code in codes
                   for (s, e), code in zip(self.site_spans, self.site_codes))

    def _symbol(self, val) -> str:
        return val.chain if val.top in SDK_MODULES | KNOWN_COMMUNITY else val.path

    def _sdk_detail(self, node, rule: Rule):
        if type(node) is ast.Call:
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

    # -- string literals ----------------------------------------------------------------

    def _strings(self) -> None:
        b = self.b
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
        code = module_code(top, self.candidate)
        if code is None or top == "svix":
            return
        for rule in self.path_rules.matching(value):
            if rule.code != AUTH_DEPENDENCY:
                self.add(rule.code, node, symbol=value.rsplit(".", 1)[-1], package=value.rsplit(".", 1)[0])
                return
        self.add(code, node, symbol=value, package=value, detail=value, details=(("names", value),))

    # -- webhook events -----------------------------------------------------------------

    def _events(self) -> None:
        events = self.catalog.webhook_events
        positions: list = []  # the string nodes at places a handler checks an event name
        for node in self.b.nodes:
            t = type(node)
            if t is ast.Compare:
                _strings_in(node.left, positions)
                for comparator in node.comparators:
                    _strings_in(comparator, positions)
            elif t is ast.MatchValue:
                _strings_in(node.value, positions)
            elif t is ast.Dict:
                for key in node.keys:
                    if key is not None:
                        _strings_in(key, positions)
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


def _strings_in(expr, out: list) -> None:
    """The string literals `expr` is or holds in a tuple, list or set literal (`in ("a", "b")`)."""
    if type(expr) in (ast.Tuple, ast.List, ast.Set):
        for element in expr.elts:
            _strings_in(element, out)
    elif string_value(expr) is not None:
        out.append(expr)
