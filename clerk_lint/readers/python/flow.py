"""Clerk auth data followed through one Python file, and into the modules that import it.

Sources are the nodes other passes found: ``authenticate_request`` (a RequestState),
``verify_token`` / a ``jwt.decode`` of a Clerk token (claims), a fastapi-clerk-auth guard
(credentials, claims under ``.decoded``), a Clerk webhook payload (the variable a handler
compares with Clerk event names). From there values flow through assignments, ``await``,
the file's own functions (what they return), ``Depends(...)`` parameters, dicts and objects
built from claims (``{"id": claims["sub"]}``), and functions imported from other modules
(their summary). Reads of that data are CLK850 (one per line); a Clerk id written into a
model column is recorded as a StoredIdWrite for the project's CLK724.
"""
from __future__ import annotations

import ast
from typing import Optional

from ...concepts.clerk_ids import StoredIdWrite, id_kind
from .labels import string_value
from .request_attrs import request_shapes
from .summary import Data, export_of, raw_import
from .syntax import FUNCS, call_args
from .vocabulary import (AUTH_DEPENDENCY, CLAIM_ADVICE, CLAIM_READ, SDK_MODULES, STATE_FIELDS, WEBHOOK_EVENT,
                         claim_advice)

# Which kind of Clerk id a claim holds.
CLAIM_IDS = {"sub": "user", "user_id": "user", "userId": "user", "org_id": "organization",
             "orgId": "organization", "sid": "session", "session_id": "session"}
_SOURCES = {"CLK810": "state", "CLK811": "claims", "CLK820": "claims", "CLK815": "guard"}
_EVENT_OWNERS = (("organizationMembership", "membership"), ("organizationInvitation", "invitation"),
                 ("organization", "organization"), ("session", "session"), ("user", "user"))


class Flow:
    MAX_DEPTH = 30

    def __init__(self, f):
        self.f = f
        self.b = f.b
        self.sources: dict[int, Data] = {}
        for node, finding in f.found:
            kind = _SOURCES.get(finding.code)
            if kind is not None and type(node) is ast.Call and id(node) not in self.sources:
                self.sources[id(node)] = Data(kind)
        self.events: dict = {}  # binding node of a webhook payload variable -> Data("event")
        self._event_roots()
        self._memo: dict[int, Optional[Data]] = {}
        self._busy: set[int] = set()
        # what the project's Clerk middlewares put on the request (request.clerk_user_id ...)
        self.request_shapes = request_shapes(getattr(f.context, "python_request", lambda: ())())

    # -- webhook payloads ----------------------------------------------------------------

    def _event_roots(self) -> None:
        """The variable each Clerk event comparison reads (`event["type"] == "user.created"`,
        `match event["type"]`, `if event_type == ...` after `event_type = event["type"]`)."""
        b = self.b
        by_root: dict = {}
        for node, finding in self.f.found:
            if finding.code != WEBHOOK_EVENT:
                continue
            event = finding.detail("event") or ""
            parent = b.parents.get(node)
            while type(parent) in (ast.Tuple, ast.List, ast.Set):
                parent = b.parents.get(parent)
            subject = None
            if type(parent) is ast.Compare:
                subject = parent.left if parent.left is not node else (parent.comparators[0] if parent.comparators else None)
            elif type(parent) in (ast.MatchValue, ast.MatchOr):
                case = parent
                while case is not None and type(case) is not ast.match_case:
                    case = b.parents.get(case)
                match = b.parents.get(case) if case is not None else None
                subject = match.subject if type(match) is ast.Match else None
            root = self._payload_root(subject)
            if root is not None:
                by_root.setdefault(root, []).append(event)
        for root, events in by_root.items():
            self.events[root] = Data("event", events=tuple(dict.fromkeys(events)))
        if not self.events and self.f.has_svix:
            for node, finding in self.f.found:
                if finding.code == "CLK840" and type(node) is ast.Call:
                    self.sources[id(node)] = Data("event")

    def _payload_root(self, subject):
        """`event["type"]` / `event.type` / `event.get("type")` -> the binding of `event`."""
        for _ in range(4):
            if type(subject) is ast.Name:
                target = self.b.assigned_value(subject)
                if target is subject or target is None:
                    refs = [r for r in self.b.referents(subject) if type(r) in (ast.Name, ast.arg)]
                    return refs[0] if refs else None
                subject = target
                continue
            if type(subject) is ast.Subscript and string_value(subject.slice) == "type":
                subject = subject.value
            elif type(subject) is ast.Attribute and subject.attr == "type":
                subject = subject.value
            elif type(subject) is ast.Call and type(subject.func) is ast.Attribute and subject.func.attr == "get" \
                    and subject.args and string_value(subject.args[0]) == "type":
                subject = subject.func.value
            else:
                return None
            if type(subject) is ast.Name:
                refs = [r for r in self.b.referents(subject) if type(r) in (ast.Name, ast.arg)]
                return refs[0] if refs else None
        return None

    # -- what a node holds ---------------------------------------------------------------

    def data(self, node) -> Optional[Data]:
        key = id(node)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy or len(self._busy) > self.MAX_DEPTH:
            return None
        self._busy.add(key)
        try:
            result = self._data(node)
        finally:
            self._busy.discard(key)
        self._memo[key] = result
        return result

    def _data(self, node) -> Optional[Data]:
        t = type(node)
        if t is ast.Await:
            return self.data(node.value)
        if t is ast.IfExp:  # `state if state.is_signed_in else None`
            return self.data(node.body) or self.data(node.orelse)
        if t is ast.Name:
            if node.id == "request" and self.request_shapes:
                return self.request_shapes.get("")
            for ref in self.b.referents(node):
                if ref in self.events:
                    return self.events[ref]
                if ref in self.b.assigned:
                    found = self.data(self.b.assigned[ref])
                    if found is not None:
                        return found
                elif type(ref) is ast.arg:
                    found = self._param(ref)
                    if found is not None:
                        return found
            return None
        if t is ast.Attribute:
            if self.request_shapes and node.attr == "request" and type(node.value) is ast.Name \
                    and node.value.id == "self":
                return self.request_shapes.get("")  # class-based views: self.request
            base = self.data(node.value)
            if base is None:
                return None
            if base.kind == "shape" and base.key(node.attr) is not None and base.key(node.attr).startswith("="):
                inner = base.key(node.attr)[1:]  # request.state (Starlette), request.claims = claims
                return self.request_shapes.get(inner) if inner == "state" else Data(inner, base.via)
            if base.kind == "state" and node.attr == "payload":
                return Data("claims", base.via)
            if base.kind == "credentials" and node.attr == "decoded":
                return Data("claims", base.via)
            if base.kind == "event" and node.attr == "data":
                return Data("event-data", base.via, events=base.events)
            return None
        if t is ast.Subscript:
            base = self.data(node.value)
            if base is not None and base.kind == "event" and string_value(node.slice) == "data":
                return Data("event-data", base.via, events=base.events)
            return None
        if t is ast.Call:
            found = self.sources.get(id(node))
            if found is not None:
                return found if found.kind != "guard" else None
            func = node.func
            if type(func) is ast.Attribute and func.attr == "to_auth":
                base = self.data(func.value)
                if base is not None and base.kind == "state":  # RequestState.to_auth(): Clerk's auth object
                    return Data("auth", base.via)
            if type(func) is ast.Attribute and func.attr == "get" and node.args \
                    and string_value(node.args[0]) == "data":
                base = self.data(func.value)
                if base is not None and base.kind == "event":
                    return Data("event-data", base.via, events=base.events)
            definition = self.b.definition(func)
            if isinstance(definition, FUNCS):
                return self.returns(definition)
            export = self._export(func)
            if export is not None and export.returns is not None:
                return export.returns
            return self._shape_of(node.keywords, lambda k: k.arg, lambda k: k.value)
        if t is ast.Dict:
            return self._shape_of(list(zip(node.keys, node.values)), lambda kv: string_value(kv[0]) if kv[0] is not None else None,
                                  lambda kv: kv[1])
        return None

    def _shape_of(self, items, key_of, value_of) -> Optional[Data]:
        keys = []
        via: tuple = ()
        for item in items:
            key = key_of(item)
            if not key:
                continue
            found = self.claim_of(value_of(item))
            if found is not None:
                keys.append((key, found[1]))
                via = via or found[0].via
        return Data("shape", via, tuple(keys)) if keys else None

    def returns(self, func) -> Optional[Data]:
        for ret in self.b.returns(func):
            found = self.data(ret)
            if found is not None:
                return found.through(func.name)
        return None

    def _export(self, node):
        """The Export an imported name (or `module.name`) stands for, if any."""
        context = self.f.context
        if context is None:
            return None
        raw = self.raw_import(node)
        return export_of(context, *raw) if raw is not None else None

    def raw_import(self, node) -> Optional[tuple[str, str]]:
        return raw_import(self.b, node)

    def _param(self, arg: ast.arg) -> Optional[Data]:
        target = self._dependency(arg)
        if target is None:
            return None
        expr = target.func if type(target) is ast.Call else target
        definition = self.b.definition(expr)
        if isinstance(definition, FUNCS):
            return self.returns(definition)
        origin = self.b.assigned_value(target) if type(target) is ast.Name else target
        if type(origin) is ast.Call and self.sources.get(id(origin), Data("")).kind == "guard":
            return Data("credentials")
        export = self._export(expr)
        if export is not None:
            if export.returns is not None:
                return export.returns
            if export.val is not None and export.wrapper is not None:
                return Data("credentials", (export.wrapper[0],))
        return None

    def _dependency(self, arg: ast.arg):
        """The `x` of a parameter's `= Depends(x)` / `Security(x)` default or `Annotated[T, Depends(x)]`."""
        args = self.b.parents.get(arg)
        if type(args) is not ast.arguments:
            return None
        default = None
        positional = args.posonlyargs + args.args
        if arg in positional:
            offset = len(positional) - len(args.defaults)
            i = positional.index(arg)
            default = args.defaults[i - offset] if i >= offset else None
        elif arg in args.kwonlyargs:
            default = args.kw_defaults[args.kwonlyargs.index(arg)]
        calls = [default] if type(default) is ast.Call else []
        ann = arg.annotation
        if type(ann) is ast.Subscript and type(ann.slice) is ast.Tuple:
            calls.extend(e for e in ann.slice.elts[1:] if type(e) is ast.Call)
        for call in calls:
            val = self.b.value(call.func)
            if val is not None and any(r.code == AUTH_DEPENDENCY for r in self.f.path_rules.matching(val.path + "()")):
                positional_args, keywords = call_args(call)
                return positional_args[0] if positional_args else keywords.get("dependency")
        return None

    # -- reads -----------------------------------------------------------------------------

    def claim_read(self, node) -> Optional[tuple[Data, str, str]]:
        """(container, key as written, claim) when node reads one field of Clerk auth data."""
        t = type(node)
        if t is ast.Subscript:
            base, key = self.data(node.value), string_value(node.slice)
        elif t is ast.Call and type(node.func) is ast.Attribute and node.func.attr == "get" and node.args:
            base, key = self.data(node.func.value), string_value(node.args[0])
        elif t is ast.Attribute:
            base, key = self.data(node.value), node.attr
            if base is not None and base.kind == "claims":
                return None  # a dict's methods, not claims
        else:
            return None
        if base is None or not key:
            return None
        if base.kind == "claims" and t is not ast.Attribute:
            return base, key, key
        if base.kind == "state" and t is ast.Attribute and key in STATE_FIELDS:
            return base, key, key
        if base.kind == "auth" and t is ast.Attribute and not key.startswith("_"):
            return base, key, key  # user_id, org_id, org_role, session_id ... of Clerk's auth object
        if base.kind == "shape":
            claim = base.key(key)
            if claim is not None and not claim.startswith("="):
                return base, key, claim
        return None

    def claim_of(self, expr, depth: int = 0) -> Optional[tuple[Data, str]]:
        """(container, claim) when expr is (a name bound to) a read of one claim."""
        if expr is None or depth > 8:
            return None
        if type(expr) is ast.Await:
            expr = expr.value
        found = self.claim_read(expr)
        if found is not None:
            return found[0], found[2]
        if type(expr) is ast.Name:
            target = self.b.assigned_value(expr)
            if target is not expr and target is not None:
                return self.claim_of(target, depth + 1)
        return None

    def id_kind(self, expr, depth: int = 0) -> str:
        """The kind of Clerk id expr holds ("user", "organization" ...), or ""."""
        if expr is None or depth > 8:
            return ""
        t = type(expr)
        if t is ast.Await:
            return self.id_kind(expr.value, depth + 1)
        found = self.claim_read(expr)
        if found is not None:
            return CLAIM_IDS.get(found[2], "")
        if t is ast.Name:
            target = self.b.assigned_value(expr)
            return self.id_kind(target, depth + 1) if target is not expr and target is not None else ""
        key = None
        if t is ast.Subscript:
            key, inner = string_value(expr.slice), expr.value
        elif t is ast.Attribute:
            key, inner = expr.attr, expr.value
        elif t is ast.Call and type(expr.func) is ast.Attribute and expr.func.attr == "get" and expr.args:
            key, inner = string_value(expr.args[0]), expr.func.value
        if key is None:
            return ""
        base = self.data(inner)
        if base is not None and base.kind == "event-data":
            if key == "id":
                return _event_owner(self._branch_events(expr) or base.events)
            return "user" if key == "user_id" else ""
        if key in ("id", "user_id"):
            # data["public_user_data"]["user_id"], data["organization"]["id"]
            outer_key = None
            if type(inner) is ast.Subscript:
                outer_key, outer = string_value(inner.slice), inner.value
            elif type(inner) is ast.Attribute:
                outer_key, outer = inner.attr, inner.value
            if outer_key:
                base = self.data(outer)
                if base is not None and base.kind == "event-data":
                    return "user" if key == "user_id" or "user" in outer_key else (
                        "organization" if "organization" in outer_key else "")
        if key == "id" or key in CLAIM_IDS:  # an SDK resource's `.id`, a membership's `.public_user_data.user_id`
            val = self.b.value(expr)
            if val is not None and val.top in SDK_MODULES:
                kind = id_kind(val.chain)
                return kind if kind != "id" else ""
        return ""

    def _branch_events(self, node) -> tuple[str, ...]:
        """The Clerk events of the innermost `case` / `if` around node that names some."""
        events_at = {id(n): f.detail("event") for n, f in self.f.found if f.code == WEBHOOK_EVENT}
        for anc in self.b.ancestors(node):
            t = type(anc)
            if t is ast.match_case:
                part = anc.pattern
            elif t is ast.If:
                part = anc.test
            else:
                continue
            found = tuple(events_at[id(n)] for n in ast.walk(part) if id(n) in events_at)
            if found:
                return found
        return ()

    def report_reads(self) -> None:
        by_line: dict[int, list] = {}
        for node in self.b.nodes:
            t = type(node)
            if t is not ast.Subscript and t is not ast.Call and t is not ast.Attribute:
                continue
            if t is not ast.Call and type(node.ctx) is not ast.Load:
                continue  # `request.clerk_user_id = ...` stores, it does not read
            found = self.claim_read(node)
            if found is None:
                continue
            parent = self.b.parents.get(node)
            if t is ast.Attribute and type(parent) is ast.Call and parent.func is node:
                if node.attr == "get":
                    continue
            by_line.setdefault(node.lineno, []).append((node, found))
        for line, reads in sorted(by_line.items()):
            node, (data, _, _) = reads[0]
            keys = list(dict.fromkeys(key for _, (_, key, _) in reads))
            claims = list(dict.fromkeys(claim for _, (_, _, claim) in reads))
            via = next((d.via for _, (d, _, _) in reads if d.via), ())
            symbol = ", ".join(keys)
            shown = ", ".join(f"{k} ({c})" if k != c else k for k, c in zip(keys, claims)) if len(keys) == len(claims) else symbol
            detail = "; ".join(f"{c} -> {claim_advice(c)}" for c in claims)
            names = {"state": "request state", "claims": "session claims", "shape": "session claims",
                     "auth": "auth object"}
            source = " / ".join(dict.fromkeys(names.get(d.kind, "auth data") for _, (d, _, _) in reads))
            self.f.add(CLAIM_READ, node, symbol=shown, package="", detail=f"{source} {shown}: {detail}",
                       details=(("claims", ", ".join(claims)),), via=via)

    # -- Clerk ids written into model columns ----------------------------------------------

    def id_writes(self, model_module) -> list[StoredIdWrite]:
        """Clerk ids passed as a model's column: `Member.objects.create(clerk_id=...)`,
        `.filter(owner_id=...)` / `.update(...)`, `Post(owner_id=...)`, `insert(Post).values(...)`,
        `select(Post).where(Post.owner_id == ...)`."""
        out = []
        b = self.b
        for node in b.nodes:
            t = type(node)
            if t is ast.Call and node.keywords:
                target, mode = self._written_model(node)
                if target is None:
                    continue
                for kw in node.keywords:
                    if kw.arg is None:
                        continue
                    column = kw.arg.split("__", 1)[0]  # Django lookups: owner_id__in
                    kind = self.id_kind(kw.value)
                    if kind:
                        out.append(self._write(target, column, kind, kw.value, mode, model_module))
            elif t is ast.Compare and len(node.ops) == 1 and type(node.ops[0]) is ast.Eq:
                for col, value in ((node.left, node.comparators[0]), (node.comparators[0], node.left)):
                    if type(col) is ast.Attribute and type(col.value) is ast.Name:
                        kind = self.id_kind(value)
                        if kind and self._model_name(col.value):
                            out.append(self._write(col.value, col.attr, kind, value, "filter", model_module))
                            break
        return out

    def _write(self, model: ast.Name, column: str, kind: str, value, mode: str, model_module) -> StoredIdWrite:
        name, module = self._model_name(model), ""
        raw = self.raw_import(model)
        if raw is not None:
            module = model_module(raw[0])
        return StoredIdWrite(orm="python", table=name, column=column, kind=kind, value=self.b.code(value)[:80],
                             path=self.f.relpath, line=value.lineno, mode=mode, module=module)

    def _model_name(self, node) -> str:
        if type(node) is not ast.Name or not node.id[:1].isupper():
            return ""
        for ref in self.b.referents(node):
            if type(ref) is ast.ClassDef or type(ref) is ast.alias:
                return node.id
        return ""

    def _written_model(self, call: ast.Call):
        """(the model class node, "write" | "filter") a call with keywords writes or filters."""
        func = call.func
        if type(func) is ast.Name and self._model_name(func):
            return func, "write"  # Post(owner_id=...)
        if type(func) is not ast.Attribute:
            return None, ""
        method = func.attr
        receiver = func.value
        # Member.objects.create / .filter(...).update / .get_or_create
        node = receiver
        while True:
            if type(node) is ast.Attribute:
                if node.attr == "objects" and type(node.value) is ast.Name and self._model_name(node.value):
                    return node.value, "filter" if method in _FILTERS else "write"
                node = node.value
            elif type(node) is ast.Call and type(node.func) is ast.Attribute:
                node = node.func.value
            elif type(node) is ast.Call and type(node.func) is ast.Name and node.func.id in ("insert", "update", "select"):
                # SQLAlchemy / SQLModel: insert(Post).values(...), select(Post).filter_by(...)
                arg = node.args[0] if node.args else None
                if type(arg) is ast.Name and self._model_name(arg):
                    return arg, "filter" if method in _FILTERS else "write"
                return None, ""
            else:
                break
        if method in ("filter_by",) and type(receiver) is ast.Call and type(receiver.func) is ast.Attribute \
                and receiver.func.attr == "query" and receiver.args and type(receiver.args[0]) is ast.Name:
            model = receiver.args[0]
            return (model, "filter") if self._model_name(model) else (None, "")
        return None, ""


_FILTERS = frozenset({"filter", "filter_by", "get", "exclude", "exists", "where", "first", "one"})


def _event_owner(events: tuple[str, ...]) -> str:
    kinds = set()
    for event in events:
        head = event.split(".", 1)[0]
        kinds.add(next((kind for word, kind in _EVENT_OWNERS if head == word), ""))
    kinds.discard("")
    return kinds.pop() if len(kinds) == 1 else ""


__all__ = ["Flow", "CLAIM_IDS", "CLAIM_ADVICE"]

