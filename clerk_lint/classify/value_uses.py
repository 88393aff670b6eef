"""Findings for what a file does with Clerk values (the reader's UseFacts, readers/ecma/value_flow):
Clerk methods called on them, Clerk functions handed on, role comparisons, role keys in code."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable, Optional

from ..concepts import clerk_fields
from ..findings import Finding, Location
from ..readers.ecma.records import Use, UseFacts
from .classifier import Classifier

ROLE_CHECK_RULE, ROLE_KEY_RULE = "CLK510", "CLK509"
FIELD_RULE, PAYLOAD_RULE, TOKEN_RULE = "CLK240", "CLK241", "CLK242"
MERGED_RULES = frozenset({FIELD_RULE, PAYLOAD_RULE})
STATE_RULE = "CLK243"  # client auth-state reads: `if (!isLoaded || !userLoaded)` is one line to rewrite
# Findings that already name where a token goes on their line: its getToken() call, or its
# copy into state / a store (CLK512).
TOKEN_CALL_RULES = frozenset({"CLK503", "CLK504", "CLK512"})


def _span(location: Location) -> tuple:
    return (location.line, location.column, location.end_line, location.end_column)


def _within(inner: Location, outer: Location) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) \
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


def _call_options(call_node) -> tuple:
    """What a custom-flow call's options object says about the sign-in method: its `strategy` string
    ("password", "email_code", "totp" ...) and whether it passes a password. Evidence for the plan."""
    args = call_node.child_by_field_name("arguments") if call_node is not None else None
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is None or first.type != "object":
        return ()
    out = []
    for pair in first.named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else pair
        name = key.text.decode("utf-8", "replace").strip("'\"") if key is not None else ""
        value = pair.child_by_field_name("value") if pair.type == "pair" else None
        if name == "strategy" and value is not None and value.type == "string":
            out.append(("strategy", value.text.decode("utf-8", "replace")[1:-1]))
        elif name == "password" and ("credential", "password") not in out:
            out.append(("credential", "password"))
    return tuple(out)


def _inline_read(classifier: Classifier, use: Use, existing: Optional[Finding]) -> Optional[Finding]:
    """`getAuth(req)\n    .userId`: a read written on the call (reported with the call) that sits on
    a line of its own gets the read rule there too, the line a migration edits."""
    origin = use.origin
    if existing is None or not origin.direct or len(use.steps) < 2 or use.steps[0].op != "()" \
            or not use.steps[1].op.startswith("."):
        return None
    chain = use.prefix_chain(2)
    rule = classifier.catalog.rule_for_chain(origin.module, chain, frozenset())
    member = use.steps[1].node.child_by_field_name("property") if use.steps[1].node.type == "member_expression" else None
    if rule is None or not rule.after_binding or member is None \
            or member.start_point[0] + 1 == existing.location.line:
        return None
    return classifier.finding(rule, member, symbol=chain, module=origin.module, detail="", details=(),
                              via=origin.via, related=origin.related)


def value_findings(classifier: Classifier, use: Use, facts: UseFacts, existing: Optional[Finding],
                   covered: list[Location]) -> list[Finding]:
    """New findings for one use from what the reader saw it do; `existing` is the finding the use already produced, whose
    span a typed call does not repeat (`getToken()` is CLK503/CLK504 already). A role
    comparison already reported as a role read (CLK507) goes to `covered` instead."""
    catalog = classifier.catalog
    module = use.origin.module
    out: list[Finding] = []
    taken = {_span(existing.location)} if existing is not None else set()
    for call in facts.member_calls:
        rule = catalog.rule_for_member(module, call.owner, call.member, "call")
        if rule is None:
            continue
        finding = classifier.finding(rule, call.node, symbol=f"{call.member}()", module=module, detail=call.owner,
                                     details=(("type", call.owner), ("member", call.member))
                                     + _call_options(call.node),
                                     via=use.origin.via, related=use.origin.related)
        if _span(finding.location) not in taken:
            taken.add(_span(finding.location))
            out.append(finding)
    inline = _inline_read(classifier, use, existing)
    if inline is not None:
        out.append(inline)
    passed = facts.handed_on
    if passed is not None and existing is None:
        rule = catalog.rule_for_member(module, passed.owner, passed.member, "reference")
        if rule is not None:
            out.append(classifier.finding(rule, passed.node, symbol=passed.member, module=module, detail=passed.owner,
                                          details=(("type", passed.owner), ("member", passed.member)),
                                          via=use.origin.via, related=use.origin.related))
    for read in facts.field_reads:
        counterpart = clerk_fields.counterpart(read.owner, read.field) or ""
        symbol = f"{read.owner}.{read.field}"
        out.append(classifier.finding(catalog.rule(FIELD_RULE), read.node, symbol=symbol, module=module,
                                      detail=counterpart, details=(("field", symbol), ("better_auth", counterpart)),
                                      via=use.origin.via, related=use.origin.related))
    presence = facts.presence
    if presence is not None and catalog.rule(STATE_RULE).applies_to_module(module):
        out.append(classifier.finding(catalog.rule(STATE_RULE), presence[1], symbol=presence[0], module=module,
                                      detail="", details=(), via=use.origin.via, related=use.origin.related))
    payload = facts.payload
    if payload is not None:
        out.append(classifier.finding(catalog.rule(PAYLOAD_RULE), payload.node, symbol=payload.field, module=module,
                                      detail=payload.field, details=(("field", payload.field),),
                                      via=use.origin.via, related=use.origin.related))
    sent = facts.token_sent
    if sent is not None:
        finding = classifier.finding(catalog.rule(TOKEN_RULE), sent.node, symbol="getToken()", module=module,
                                     detail=sent.how, details=(("sent", sent.how),),
                                     via=use.origin.via, related=use.origin.related)
        out.append(finding)
    comparison = facts.role_comparison
    if comparison is not None and existing is not None:
        covered.append(classifier.locate(comparison[0]))
    elif comparison is not None:
        node, other = comparison
        rule = catalog.rule(ROLE_CHECK_RULE)
        literal = other.strip("\"'`") if other[:1] in "\"'`" else ""
        out.append(classifier.finding(rule, node, symbol=use.prefix_chain(len(use.steps)), module=module,
                                      detail=literal, details=(("role", literal),) if literal else (),
                                      via=use.origin.via, related=use.origin.related))
    return out


def listed_only(finding: Finding, in_dependency_list: Callable[[], bool]) -> bool:
    """An auth-state read that only names the value in a React hook's dependency list (the
    reader's check, asked only for such a read): the reads inside the hook are the ones reported."""
    return finding.code == STATE_RULE and in_dependency_list()


def merge_field_reads(findings: Iterable[Finding]) -> list[Finding]:
    """One field (or auth-state, CLK243) finding per rule and line: `${u.firstName} ${u.lastName}` is one line to
    rewrite. The first keeps its span and names every field of the line."""
    findings = list(findings)
    # A token sent on the line of its own getToken() call or of its copy into state is that finding already.
    token_lines = {(f.location.path, f.location.line) for f in findings if f.code in TOKEN_CALL_RULES}
    out: list[Finding] = []
    first: dict[tuple[str, int], int] = {}
    for finding in findings:
        if finding.code == TOKEN_RULE and (finding.location.path, finding.location.line) in token_lines:
            continue
        key = (finding.code, finding.location.path, finding.location.line)
        if finding.code == STATE_RULE and key not in first:
            first[key] = len(out)
        elif finding.code == STATE_RULE:
            continue
        if finding.code not in MERGED_RULES:
            out.append(finding)
            continue
        if key not in first:
            first[key] = len(out)
            out.append(finding)
            continue
        kept = out[first[key]]
        fields = [v for k, v in kept.details if k == "field"]
        symbol = finding.symbol
        if symbol in fields:
            continue
        message = kept.message + (f"; {symbol}: {finding.detail('better_auth') or ''}" if finding.code == FIELD_RULE
                                  else f"; {symbol}")
        out[first[key]] = replace(kept, message=message, details=kept.details + (("field", symbol),))
    return out


def drop_covered_role_keys(findings: Iterable[Finding], covered: Iterable[Location] = ()) -> list[Finding]:
    """A role key inside a finding that already names it (a role check, `has({ role })`) or
    inside a comparison with a reported role read is not reported twice."""
    findings = list(findings)
    covering = [f.location for f in findings if f.code != ROLE_KEY_RULE and f.details
                and any(k == "role" for k, _ in f.details)] + list(covered)
    return [f for f in findings if f.code != ROLE_KEY_RULE or not any(_within(f.location, c) for c in covering)]


STORE_RULE, STORE_READ_RULE = "CLK512", "CLK513"


def store_finding(classifier: Classifier, stored, use: Use) -> Finding:
    """A Clerk value kept in a store, state, module variable or request-scoped place
    (readers/ecma/value_stores.Stored)."""
    value = use.prefix_chain(len(use.steps))
    origin = use.origin
    details = (("place", stored.place), ("value", value)) + ((("key", stored.key[1]),) if stored.key else ())
    return classifier.finding(classifier.catalog.rule(STORE_RULE), stored.node, symbol=stored.place,
                              module=origin.module, detail=value, details=details, via=origin.via,
                              related=origin.related)


def read_finding(classifier: Classifier, node, place: str, origin) -> Finding:
    """A Clerk value read back from a request-scoped place (`c.get("clerkAuth")`, `res.locals.auth`)
    where no rule of the value itself applies."""
    return classifier.finding(classifier.catalog.rule(STORE_READ_RULE), node, symbol=place, module=origin.module,
                              detail=origin.chain, details=(("place", place), ("value", origin.chain)),
                              via=origin.via, related=origin.related)


CONTEXT_RULE = "CLK514"


def context_finding(classifier: Classifier, node, context) -> Finding:
    """Where a request context built from Clerk auth is wired into a tRPC builder or a GraphQL
    server: every procedure and resolver reading it depends on its shape."""
    fields = ", ".join(name for name, _ in context.fields) or context.chain
    factory = next((name for name in context.via if name.isidentifier()), context.chain)  # createContext
    return classifier.finding(classifier.catalog.rule(CONTEXT_RULE), node, symbol=factory, module=context.module,
                              detail=fields, details=(("fields", fields),), via=context.via, related=context.related)
