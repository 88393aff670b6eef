"""Findings for what a file does with Clerk values (readers/ecma/value_flow): Clerk methods
called on them, Clerk functions handed on, role comparisons, role keys in code."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Optional

from ..concepts import clerk_fields
from ..findings import Finding, Location
from ..readers.ecma import value_flow, value_reads
from ..readers.ecma.bindings import Use
from .classifier import Classifier

ROLE_CHECK_RULE, ROLE_KEY_RULE = "CLK510", "CLK509"
FIELD_RULE, PAYLOAD_RULE, TOKEN_RULE = "CLK240", "CLK241", "CLK242"
MERGED_RULES = frozenset({FIELD_RULE, PAYLOAD_RULE})
TOKEN_CALL_RULES = frozenset({"CLK503", "CLK504"})


def _span(location: Location) -> tuple:
    return (location.line, location.column, location.end_line, location.end_column)


def _within(inner: Location, outer: Location) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) \
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


def value_findings(classifier: Classifier, use: Use, existing: Optional[Finding],
                   covered: list[Location]) -> list[Finding]:
    """New findings for one use; `existing` is the finding the use already produced, whose
    span a typed call does not repeat (`getToken()` is CLK503/CLK504 already). A role
    comparison already reported as a role read (CLK507) goes to `covered` instead."""
    catalog = classifier.catalog
    module = use.origin.module
    out: list[Finding] = []
    taken = {_span(existing.location)} if existing is not None else set()
    for call in value_flow.member_calls(use):
        rule = catalog.rule_for_member(module, call.owner, call.member, "call")
        if rule is None:
            continue
        finding = classifier.finding(rule, call.node, symbol=f"{call.member}()", module=module, detail=call.owner,
                                     details=(("type", call.owner), ("member", call.member)),
                                     via=use.origin.via, related=use.origin.related)
        if _span(finding.location) not in taken:
            taken.add(_span(finding.location))
            out.append(finding)
    passed = value_flow.handed_on(use)
    if passed is not None and existing is None:
        rule = catalog.rule_for_member(module, passed.owner, passed.member, "reference")
        if rule is not None:
            out.append(classifier.finding(rule, passed.node, symbol=passed.member, module=module, detail=passed.owner,
                                          details=(("type", passed.owner), ("member", passed.member)),
                                          via=use.origin.via, related=use.origin.related))
    read = value_reads.field_read(use)
    if read is not None and (existing is None or existing.code != FIELD_RULE):
        counterpart = clerk_fields.counterpart(read.owner, read.field) or ""
        symbol = f"{read.owner}.{read.field}"
        out.append(classifier.finding(catalog.rule(FIELD_RULE), read.node, symbol=symbol, module=module,
                                      detail=counterpart, details=(("field", symbol), ("better_auth", counterpart)),
                                      via=use.origin.via, related=use.origin.related))
    payload = value_reads.payload_read(use)
    if payload is not None:
        out.append(classifier.finding(catalog.rule(PAYLOAD_RULE), payload.node, symbol=payload.field, module=module,
                                      detail=payload.field, details=(("field", payload.field),),
                                      via=use.origin.via, related=use.origin.related))
    sent = value_reads.token_sent(use)
    if sent is not None:
        finding = classifier.finding(catalog.rule(TOKEN_RULE), sent.node, symbol="getToken()", module=module,
                                     detail=sent.how, details=(("sent", sent.how),),
                                     via=use.origin.via, related=use.origin.related)
        out.append(finding)
    comparison = value_flow.role_comparison(use)
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


def merge_field_reads(findings: Iterable[Finding]) -> list[Finding]:
    """One field finding per rule and line: `${u.firstName} ${u.lastName}` is one line to
    rewrite. The first keeps its span and names every field of the line."""
    findings = list(findings)
    # A token sent on the line of its own getToken() call is that call's finding already.
    token_lines = {(f.location.path, f.location.line) for f in findings if f.code in TOKEN_CALL_RULES}
    out: list[Finding] = []
    first: dict[tuple[str, int], int] = {}
    for finding in findings:
        if finding.code == TOKEN_RULE and (finding.location.path, finding.location.line) in token_lines:
            continue
        if finding.code not in MERGED_RULES:
            out.append(finding)
            continue
        key = (finding.code, finding.location.path, finding.location.line)
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
