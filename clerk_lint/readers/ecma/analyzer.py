"""The per-file pipeline for JavaScript and TypeScript: parse, match, resolve, classify."""
from __future__ import annotations

import re
from pathlib import Path

from typing import Callable, Optional, Protocol, Union

import tree_sitter as ts

from . import (carried_ids, clerk_arguments, config_checks, env_checks, env_schema, error_shapes, framework_reads, nuxt, passing, payload_fields,
    pieces, role_keys, schema_checks, stored_ids, trpc_context, type_uses, value_reads, value_stores, verified_tokens, webhook_payloads)
from .value_flow import ValueFlow, annotated_seeds, use_facts
from ...classify.value_uses import (context_finding, drop_covered_role_keys, listed_only, merge_field_reads, read_finding, store_finding,
    value_findings)
from ...concepts.clerk_ids import CARRY_RULE
from ...concepts.secret_literals import may_hold_secret_literal
from ...concepts.webhook_events import is_svix_module, svix_serves_clerk
from .bindings import Resolver, value_of
from .records import Origin, Use, text
from ...concepts.catalog import Catalog, is_clerk_module
from ...discover.kinds import Candidate
from ...classify.classifier import Classifier
from ... import time_budget
from ...findings import FileAnalysis, FileProblem, Finding, Location
from .exports import ModuleSummary, SummaryBuilder
from .imports import find_imports
from .parse import parse
from ..prefilter import JS_MARKERS, mentions_clerk  # MARKERS.search as substring tests
from ...discover.project_sdks import may_read_framework_auth
from .queries import captures
from .scopes import ScopeIndex
from ..source import LineIndex, SourceText


def _event_name(node: ts.Node, catalog: Catalog) -> str:
    name = text(node)
    return name if name in catalog.webhook_events else ""


# Checks for rules driven by a query capture: given the captured node, the finding's
# detail, or "" when the capture is not a hit. A check may instead return a tuple
# (detail, node to report, details) to choose the span and the details itself.
QUERY_CHECKS: dict[str, Callable[[ts.Node, Catalog], Union[str, tuple]]] = {
    "webhooks.event-comparison": _event_name,
    "env.clerk-env-read": env_checks.js_env_read,
    "env.clerk-env-schema-key": env_schema.js_env_schema_key,
    "strings.secret-literal": env_checks.js_secret_literal,
    "strings.clerk-env-named": env_checks.js_env_named,
    "strings.clerk-domain": config_checks.js_clerk_domain,
    "database.clerk-id-column": schema_checks.js_clerk_id_column,
    "database.clerk-id-index": schema_checks.js_clerk_id_index,
    "config.convex-provider": config_checks.js_convex_issuer,
    "config.expo-plugin": config_checks.js_expo_plugin,
    "config.nuxt-clerk": config_checks.js_nuxt_clerk,
    "strings.role-key": role_keys.js_role_key,
    "globals.clerk-global": lambda node, catalog: (text(node.parent), node.parent, ()) if node.parent is not None else "",
}
# Byte tests a file must pass for a check to have anything to find in it (most files of a
# Clerk app hold many strings and none of them is a Clerk host or key).
# Each takes the file's bytes lower-cased.
QUERY_GATES: dict[str, Callable[[bytes], bool]] = {
    "strings.secret-literal": may_hold_secret_literal,
    "strings.clerk-domain": config_checks.may_name_clerk_host,
    "strings.role-key": role_keys.may_hold_role_key,
    "strings.clerk-env-named": env_checks.may_name_variable,
}
# Query purposes whose rules need no Clerk import in the file (env reads, Clerk-id columns,
# Clerk hosts and keys in configs): run on every file that mentions clerk or svix.
STANDALONE_PURPOSES = frozenset({"env", "strings", "database", "config", "globals"})


def _query_findings(lang: str, root: ts.Node, catalog: Catalog, classifier: Classifier, *,
                    standalone_only: bool = False) -> list[Finding]:
    out = []
    lowered: Optional[bytes] = None
    for purpose, rules in catalog.query_rules.items():
        if standalone_only and purpose not in STANDALONE_PURPOSES:
            continue
        found = captures(lang, purpose, root)
        for rule in rules:
            gate = QUERY_GATES.get(rule.query)
            if gate is not None:
                if lowered is None:
                    lowered = (root.text or b"").lower()
                if not gate(lowered):
                    continue
            check = QUERY_CHECKS[rule.query]
            for node in found.get(rule.query.split(".", 1)[1], []):
                time_budget.check()
                hit = check(node, catalog)
                if not hit:
                    continue
                if isinstance(hit, tuple):
                    detail, target, details = hit
                    symbol = detail.split(":", 1)[0]
                else:
                    detail, target, details = hit, node.parent if node.parent is not None else node, (("event", hit),)
                    symbol = detail
                package = next((v for k, v in details if k == "package"), "")  # a check that knows it names it
                out.append(classifier.finding(rule, target, symbol=symbol, module=package, detail=detail, details=details))
    return out


def _payload_findings(result: FileAnalysis, lang: str, root: ts.Node, relpath: str, data: bytes,
                      catalog: Catalog, classifier: Classifier) -> None:
    """Clerk webhook payloads handled without Clerk's helpers (webhook_payloads); a comparison
    CLK602 already reports stays its finding."""
    helper_spans = {(f.location.line, f.location.column) for f in result.findings if f.code == "CLK602"}

    def taken(node: ts.Node) -> bool:
        where = classifier.locate(node) if helper_spans else None  # most files have none: no locating
        return where is not None and (where.line, where.column) in helper_spans

    verified = any(f.code == "CLK601" for f in result.findings)
    branches: list[ts.Node] = []
    result.findings.extend(webhook_payloads.findings(lang, root, relpath, data, catalog, classifier, taken, verified,
                                                     branches))
    result.findings.extend(payload_fields.findings(lang, root, branches, catalog, classifier))


def _carried_findings(result: FileAnalysis, root: ts.Node, data: bytes, catalog: Catalog,
                      classifier: Classifier) -> None:
    """Names that carry Clerk ids (CLK726), on lines no other finding holds."""
    rule = catalog.rule(CARRY_RULE)

    def finding(node: ts.Node, names: str) -> Finding:
        return classifier.finding(rule, node, symbol=names, module="", detail=names, details=(("names", names),))

    result.findings = env_checks.drop_line_followers(result.findings)
    taken = {f.location.line for f in result.findings}
    result.findings.extend(carried_ids.carried_ids(root, data, finding, taken, lambda node: classifier.locate(node).line))


def _handled_events(result: FileAnalysis) -> set[str]:
    """The Clerk webhook events the file branches on (CLK602 after a Svix check, CLK604 raw)."""
    return {f.detail("event") or "" for f in result.findings if f.code in (webhook_payloads.PAYLOAD_EVENT, "CLK602")} - {""}


# Files that never say "clerk" or "svix" cannot import a Clerk module (cheap byte test).
MARKERS = JS_MARKERS  # defined in prefilter.py, which scans read before loading this module


class ModuleContext(Protocol):
    """What a file's analysis may ask about the rest of the project (cross-file resolution)."""

    def resolve(self, specifier: str) -> Optional[str]: ...  # the project module it names, or None
    def lookup(self, module: str, name: str) -> Optional[Origin]: ...  # a Clerk-backed export of it
    def lookup_type(self, module: str, name: str) -> Optional[Origin]: ...  # the context a type of it names
    # request-scoped keys other modules store Clerk values in that `data` names, but `own`
    def store_keys(self, data: bytes, own: frozenset = frozenset()) -> dict[str, Origin]: ...
    def incoming(self) -> list: ...  # Clerk values other modules pass to this one (passing.Pass)


def _reads_clerk_member(data: bytes, local: ts.Node, statement: ts.Node, origin: Origin,
                        context: ModuleContext) -> bool:
    """Byte test before an app namespace (`import * as auth`) costs a scope walk: the file reads
    `auth.<a Clerk-backed export>`, or uses `auth` bare (passed on, destructured, re-exported)."""
    pattern = rb"(?<![\w$./])" + re.escape(local.text) + rb"(?![\w$])(?:\s*\??\.\s*([A-Za-z_$][\w$]*))?"
    for match in re.finditer(pattern, data):
        if statement.start_byte <= match.start() < statement.end_byte:
            continue
        member = match.group(1)
        if member is None or context.lookup(origin.module, member.decode("utf-8", "replace")) is not None:
            return True
    return False


APP_IMPORT_RULE = "CLK006"


def _app_import_findings(imports: list, local_seeds: list[tuple[ts.Node, Origin]], classifier: Classifier,
                         catalog: Catalog, found: list[Finding]) -> list[Finding]:
    """The import line of an app module's Clerk-backed export (a wrapper, a re-export, a tRPC
    procedure of a Clerk context): the file changes when that module does. A tRPC procedure
    counts only where this file reads Clerk values from its context (`found`: the file's
    findings so far); a router reading only `ctx.db` does not change."""
    if not local_seeds:
        return []
    read_through = {f.via[0] for f in found if f.via}
    seeded = {ident.id: origin for ident, origin in local_seeds
              if origin.context is None or origin.via[:1] and origin.via[0] in read_through}
    rule = catalog.rule(APP_IMPORT_RULE)
    out = []
    for decl in imports:
        names = [(n, seeded[n.local.id]) for n in decl.names if n.local is not None and n.local.id in seeded]
        if not names:
            continue
        first = next((o for _, o in names if not o.app), names[0][1])
        symbols = ", ".join(n.imported if n.imported != "*" else text(n.local) for n, _ in names)
        out.append(classifier.finding(rule, decl.node, symbol=symbols, module=decl.source, detail=symbols,
                                      via=first.via, related=first.related))
    return out


def _store_keys(data: bytes, context: Optional[ModuleContext], sdks: frozenset[str],
                clerk_imports: list, own: frozenset = frozenset()) -> dict[str, Origin]:
    """Request-scoped keys holding Clerk values this file may read back (value_stores): those
    other modules store, where the file's bytes name them, but `own` (the file's own copy
    wins), and what @hono/clerk-auth's middleware stores."""
    keys: dict[str, Origin] = dict(context.store_keys(data, own)) if context is not None else {}
    if value_stores.HONO_MODULE in sdks or any(d.source == value_stores.HONO_MODULE for d in clerk_imports):
        for (kind, name), origin in value_stores.HONO_KEYS.items():
            keys.setdefault(value_stores.store_key(kind, name), origin)
    return keys


def _store_pass(root: ts.Node, data: bytes, uses: list, resolver: Resolver, classifier: Classifier,
                keys_for: Callable[[frozenset], dict[str, Origin]],
                result: FileAnalysis, role_comparisons: list) -> tuple[dict[str, Origin], list]:
    """Clerk values the file keeps (CLK512) and request-scoped copies it reads back (CLK513 or
    the read's own rule); returns the keys this file stores, for other modules, and the uses
    of what it read back. `keys_for(own)`: the keys it may read back, but those it stores."""
    stores = value_stores.Stores(resolver.scopes, resolver.bound)
    kept: dict[str, Origin] = {}
    written: set[int] = set()

    def writes(found: list) -> None:
        for use in found:
            value = value_of(use)
            stored = stores.stored(use, value)
            if stored is None:
                continue
            if stored.node.id not in written:
                written.add(stored.node.id)
                result.findings.append(store_finding(classifier, stored, use))
            if stored.key is not None:
                key = value_stores.store_key(*stored.key)
                value = value.through(stored.place, classifier.locate(stored.node))
                kept[key] = value_stores.merged(kept.get(key), stored.path, value)

    def report(use: Use, finding) -> None:
        if finding is not None:
            result.findings.append(finding)
        result.findings.extend(value_findings(classifier, use, use_facts(use), finding, role_comparisons))

    writes(uses)
    read_uses: list = []
    for node, origin, place in value_stores.reads(root, data, resolver.scopes, {**keys_for(frozenset(kept)), **kept},
                                                  _assigned):
        use = resolver._use(node, origin)  # an object stored whole: only its Clerk fields are followed
        if use is None:
            continue
        if not origin.fields:
            use.destructured = True  # `c.get("userId")` reads what was stored: a read of userId
        finding = classifier.use_finding(use)
        if finding is None and (not origin.fields or not use.steps and value_stores.taken_apart(use.top, use.up)):
            # a stored object taken apart here (`const { userId } = req.auth`); `req.auth.userId` has its own
            finding = read_finding(classifier, node, place, origin)
        report(use, finding)
        derived = {ident.id: (ident, o) for ident, o in resolver._derived(use) if ident.id not in resolver.bound}
        more = resolver.uses(derived) if derived else []
        for found in more:
            report(found, classifier.use_finding(found))
        read_uses += [use, *more]
    writes(read_uses)  # `res.locals.orgId = c.get("clerkAuth").orgId`
    return kept, read_uses


def _passes(uses: list, imported, maps, scopes: ScopeIndex, relpath: str,
            locate: Callable[[ts.Node], Location]) -> tuple:
    """Clerk values this file hands to functions and resolver maps of other app modules (passing.Pass)."""
    out = set(maps.passes)
    for use in uses:
        value = value_of(use)
        if value is None or use.top is None or use.jsx is not None or value.app or value.context is not None:
            continue
        found = passing.argument_pass(use.top, value, imported, scopes,
                                      lambda call, value=value: value.through(relpath, locate(call)))
        if found is not None:
            out.add(found)
    return tuple(sorted(out, key=lambda p: (p.target, p.name, p.kind, p.index, p.value.chain)))


def _assigned(node: ts.Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type in ("assignment_expression", "augmented_assignment_expression") \
        and parent.child_by_field_name("left") == node


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: Optional[ModuleContext] = None) -> FileAnalysis:
    sdks = may_read_framework_auth(candidate.path, source.data)
    # Nuxt with Clerk's module: composables (and `clerkClient` in server code) need no import.
    auto = nuxt.auto_import_line(Path(candidate.path) if candidate.path is not None else None, source.data, catalog)
    if context is None and not sdks and not auto and not mentions_clerk(source.data):
        return FileAnalysis()
    index = LineIndex(source)
    locate = index.locator(candidate.relpath)
    data = source.data
    if len(data) > pieces.WHOLE_LIMIT:  # one tree would take gigabytes
        return pieces.analyze_in_pieces(data, candidate.relpath, candidate.language, catalog,
                                        lambda start, end: index.location(candidate.relpath, start, end), analyze_js,
                                        context=context, sdks=sdks)
    if auto:
        limit, base, synthetic = len(data), locate, Location(candidate.relpath, 0, 0, 0, 0, "")
        data += b"\n;" + auto.encode("utf-8") + b"\n"

        def locate(node: ts.Node) -> Location:  # bytes past the end are the auto-import line
            return synthetic if node.start_byte >= limit else base(node)
    result = analyze_js(data, candidate.relpath, candidate.language, catalog, locate, context=context, sdks=sdks)
    if auto:
        result.findings = [f for f in result.findings if f.location.line > 0]
    return result


def analyze_js(data: bytes, relpath: str, lang: str, catalog: Catalog,
               locate: Callable[[ts.Node], Location], *, context: Optional[ModuleContext] = None,
               sdks: frozenset[str] = frozenset(), astro_global: bool = False) -> FileAnalysis:
    """`sdks`: the Clerk framework SDKs the file's package depends on (project_sdks), whose
    auth reads through framework objects are looked for; `astro_global`: the code is `.astro`
    frontmatter, where `Astro` is in scope. A file over the time budget keeps what was found."""
    result = FileAnalysis()
    try:
        return _analyze_js(result, data, relpath, lang, catalog, locate, context, sdks, astro_global)
    except time_budget.OverBudget:
        result.problems.append(FileProblem(relpath, time_budget.reason(), time_budget.KIND, partial=True))
        return result


def _analyze_js(result: FileAnalysis, data: bytes, relpath: str, lang: str, catalog: Catalog,
                locate: Callable[[ts.Node], Location], context: Optional[ModuleContext],
                sdks: frozenset[str], astro_global: bool) -> FileAnalysis:
    tree = parse(data, lang)
    root = tree.root_node
    if root.has_error:
        result.problems.append(FileProblem(relpath, "syntax errors: scanned the parts the parser recovered",
                                           "parse-partial", partial=True))
    imports = find_imports(lang, root)
    clerk_imports = [d for d in imports if is_clerk_module(d.source)]
    other_svix = any(is_svix_module(d.source) for d in clerk_imports) and not svix_serves_clerk(
        relpath, data.decode("utf-8", "replace"), catalog.webhook_events)
    if other_svix:
        # svix verifying another sender's webhooks (Resend, billing): nothing of Clerk's, and
        # its Svix headers are that sender's, no context for a generic event name.
        clerk_imports = [d for d in clerk_imports if not is_svix_module(d.source)]
    local_seeds: list[tuple[ts.Node, Origin]] = []
    local_reexports = False
    type_contexts: dict[bytes, Origin] = {}  # imported type name -> the Clerk-backed context it names
    if context is not None:
        for decl in imports:
            if is_clerk_module(decl.source):
                continue
            target = context.resolve(decl.source)
            if target is None:
                continue
            for name in decl.names:
                found = context.lookup_type(target, name.imported) if name.local is not None else None
                if found is not None:
                    type_contexts[name.local.text] = found
            if decl.type_only:
                continue
            local_reexports |= decl.kind == "reexport"
            for name in decl.names:
                if name.local is None or name.is_type:
                    continue
                origin = context.lookup(target, name.imported)
                if origin is not None and (not origin.app or _reads_clerk_member(data, name.local, decl.node, origin, context)):
                    local_seeds.append((name.local, origin))
    roots = framework_reads.roots(root, sdks, astro_global=astro_global) if sdks else []
    incoming = context.incoming() if context is not None else []
    if not clerk_imports and not local_seeds and not local_reexports and not roots and not type_contexts \
            and not incoming and not verified_tokens.may_verify(data) \
            and not _store_keys(data, context, sdks, clerk_imports):
        if mentions_clerk(data):
            classifier = Classifier(catalog, locate)
            result.findings.extend(_query_findings(lang, root, catalog, classifier, standalone_only=True))
            if type_uses.may_augment_clerk_globals(data):
                result.findings.extend(type_uses.global_augmentation_findings(lang, root, classifier))
            result.findings = env_checks.drop_nested_reads(result.findings)
            if not other_svix:
                _payload_findings(result, lang, root, relpath, data, catalog, classifier)
                result.findings = merge_field_reads(result.findings)
            _carried_findings(result, root, data, catalog, classifier)
        result.id_writes = stored_ids.id_writes([], imports, context.resolve if context is not None else None, relpath,
                                                lambda node: locate(node).line, root, data, _handled_events(result))
        return result
    classifier = Classifier(catalog, locate)
    result.findings.extend(classifier.import_finding(d) for d in clerk_imports)

    scopes = ScopeIndex(lang, root)
    seeds: dict[int, tuple[ts.Node, Origin]] = {}
    for decl in clerk_imports:
        if decl.type_only:
            continue
        for name in decl.names:
            if name.local is not None and not name.is_type and scopes.is_definition(name.local):
                seeds[name.local.id] = (name.local, Origin(decl.source, name.imported))
    for ident, origin in local_seeds:
        if scopes.is_definition(ident):
            seeds[ident.id] = (ident, origin)
    seeds.update({k: v for k, v in verified_tokens.seeds(data, root, imports, scopes).items() if k not in seeds})
    type_imports = {n.local.text: (d.source, n.imported) for d in clerk_imports for n in d.names
                     if n.local is not None and n.imported != "*"}
    for ident_id, seed in annotated_seeds(lang, root, type_imports, scopes).items():
        seeds.setdefault(ident_id, seed)
    imported = passing.Imported(imports, context.resolve, is_clerk_module) if context is not None else None
    maps = passing.ResolverMaps(scopes, imported or passing.Imported([], lambda s: None, is_clerk_module))
    passing.incoming_seeds(root, scopes, incoming, maps)
    passing.typed_context_seeds(root, scopes, type_contexts, maps)
    for ident_id, seed in maps.seeds.items():
        seeds.setdefault(ident_id, seed)
    resolver = Resolver(lang, root, scopes)
    resolver.destructured |= maps.destructured
    resolver.parameters = set(maps.seeds)  # values other modules pass in: no wrapper returns them (exports.py)
    if context is not None:
        resolver.lookup = context.lookup
    resolver.flow = ValueFlow(scopes).bindings
    resolver.builder = trpc_context.Builders(resolver)
    uses = resolver.uses(seeds)
    findings_by_use: dict[int, Finding] = {}
    role_comparisons: list[Location] = []  # compared with a reported role read: their role keys are named

    def classify(found: list) -> None:
        for use in found:
            time_budget.check()
            if use.origin.app or use.origin.context is not None:
                continue  # an app namespace or a tRPC builder itself: its members and callbacks are the uses
            finding = classifier.use_finding(use)
            finding = None if finding is not None and listed_only(finding, lambda: value_reads.in_dependency_list(use.ref, use.up)) else finding
            if finding is not None:
                result.findings.append(finding)
                # A read of a bound value does not stand for it: a wrapper returning it wraps the call.
                if not catalog.rule(finding.code).after_binding:
                    findings_by_use[id(use)] = finding
            result.findings.extend(value_findings(classifier, use, use_facts(use), finding, role_comparisons))

    classify(uses)
    # tRPC builders of a Clerk-backed context defined here (their factory judged like a wrapper).
    wired: list = []  # (where a request context built from Clerk is wired in, the context)
    builders = trpc_context.builder_seeds(data, root, imports, resolver,
                                          SummaryBuilder(relpath, resolver, uses, findings_by_use, locate),
                                          type_contexts, wired)
    if builders:
        more = resolver.uses({k: v for k, v in builders.items() if k not in resolver.bound})
        classify(more)
        uses = sorted(uses + more, key=lambda u: (u.ref.start_byte, u.origin.chain))
    if passing.serves_graphql(imports):  # resolvers of a GraphQL server whose context is Clerk-backed
        judge = SummaryBuilder(relpath, resolver, uses, findings_by_use, locate)
        for option, server_context in passing.server_contexts(root, judge.context_value):
            wired.append((option, server_context))
            for value in passing.server_resolvers(root):
                maps.bind(value, server_context)
        more = resolver.uses({k: v for k, v in maps.seeds.items() if k not in resolver.bound})
        resolver.destructured |= maps.destructured
        classify(more)
        uses = sorted(uses + more, key=lambda u: (u.ref.start_byte, u.origin.chain))
    result.findings.extend(context_finding(classifier, node, wired_context) for node, wired_context in wired)
    result.findings.extend(_app_import_findings(imports, local_seeds, classifier, catalog, result.findings))
    result.findings.extend(type_uses.type_use_findings(lang, root, clerk_imports, scopes, classifier))
    if type_uses.may_augment_clerk_globals(data):
        result.findings.extend(type_uses.global_augmentation_findings(lang, root, classifier))
    # An app namespace seeded for a member that turned out shadowed is no Clerk use.
    # Values other modules pass in make no Clerk module of this one (an analytics `track(name, props)`).
    if clerk_imports or any(not o.app for _, o in local_seeds) \
            or any(not u.origin.app and not resolver.from_parameter(u) for u in uses):
        result.findings.extend(_query_findings(lang, root, catalog, classifier))
    elif mentions_clerk(data):
        result.findings.extend(_query_findings(lang, root, catalog, classifier, standalone_only=True))
    result.findings = env_checks.drop_nested_reads(result.findings)
    if mentions_clerk(data) and not other_svix:
        _payload_findings(result, lang, root, relpath, data, catalog, classifier)
    if context is not None:
        builder = SummaryBuilder(relpath, resolver, uses, findings_by_use, locate)
        summary = builder.build(root, context.resolve, is_clerk_module)
        result.summary = None if summary.is_empty() else summary
    framework_uses = resolver.framework_uses(roots) if roots else []
    # After the summary: a handler reading `req.auth` is not a wrapper its callers inherit.
    for use in framework_uses:
        finding = classifier.use_finding(use)
        if finding is not None:
            result.findings.append(finding)
        result.findings.extend(value_findings(classifier, use, use_facts(use), finding, role_comparisons))
    kept, read_uses = _store_pass(root, data, uses + framework_uses, resolver, classifier,
                                  lambda own: _store_keys(data, context, sdks, clerk_imports, own), result,
                                  role_comparisons)
    passes = _passes(uses + framework_uses + read_uses, imported, maps, scopes, relpath, locate) \
        if imported is not None else ()
    if (kept or passes) and context is not None:
        summary = result.summary if result.summary is not None else ModuleSummary()
        summary.stores = {**kept, **summary.stores}
        summary.passes = passes
        result.summary = summary
    result.findings = merge_field_reads(drop_covered_role_keys(result.findings, role_comparisons))
    if b"Metadata" in data or b"tokenCache" in data:
        def argument_finding(code: str, node: ts.Node, symbol: str, package: str, details: tuple) -> Finding:
            return classifier.finding(catalog.rule(code), node, symbol=symbol, module=package, details=details)
        result.findings.extend(clerk_arguments.findings(root, data, result.findings, argument_finding, classifier.locate))
    if b".errors" in data:
        error_rule = catalog.rule(error_shapes.ERROR_SHAPE_RULE)

        def error_finding(node: ts.Node, symbol: str, detail: str, details: tuple) -> Finding:
            return classifier.finding(error_rule, node, symbol=symbol, module="", detail=detail, details=details)
        result.findings.extend(error_shapes.findings(root, data, result.findings, error_finding,
                                                     lambda node: classifier.locate(node).line))
    _carried_findings(result, root, data, catalog, classifier)
    typed_events = frozenset(f.detail("event") or "" for f in result.findings if f.code == "CLK602") - {""}
    result.id_writes = stored_ids.id_writes(uses + read_uses, imports, context.resolve if context is not None else None,
                                            relpath, lambda node: locate(node).line, root, data, _handled_events(result),
                                            typed_events)
    return result
