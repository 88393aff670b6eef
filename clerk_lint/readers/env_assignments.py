"""`NAME=value` assignments (from .env files, CI workflows, compose files, Dockerfiles) turned
into env findings: one shared step for every reader that finds assignments, so a variable is
reported the same way wherever it is set. Values are never shown; the line is masked."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..classify.classifier import Classifier
from ..concepts.catalog import Catalog, Rule
from ..concepts.env_vars import (OTHER_RULE, PREFIXES, PUBLISHABLE_RULE, advice_for, classify, display_value,
    instance_kind, is_clerk_env_name, looks_opaque, publishable_key_host, unprefixed)
from ..concepts.secrets import is_secret_name, looks_secret, mask_span, redact_line
from ..findings import Finding
from .text_analysis import text_span


@dataclass(frozen=True)
class Assignment:
    name: str
    value: str
    name_start: int  # str offsets in the text
    name_end: int
    value_start: int
    value_end: int  # of the value's first line
    line: int  # 1-based
    label: str = ""  # the key as the file writes it, when `name` is its env spelling (Expo `extra`)



def _masked_line(line_text: str, a: Assignment, line_start: int) -> str:
    """The assignment's line with its value masked when the value may be secret."""
    masked = line_text
    if is_secret_name(a.name) or looks_secret(a.value) or looks_opaque(a.value.strip()):
        start = a.value_start - line_start
        end = min(a.value_end - line_start, len(line_text))
        if 0 <= start < end:
            masked = mask_span(masked, start, end)
    return redact_line(masked)


def env_findings(text: str, catalog: Catalog, classifier: Classifier, assignments: list[Assignment]) -> list[Finding]:
    file_has_clerk = any(is_clerk_env_name(a.name, catalog) for a in assignments)
    lines = text.split("\n")
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    out = []
    for a in assignments:
        code = classify(a.name, a.value, catalog, file_has_clerk=file_has_clerk)
        if code is None:
            continue
        rule: Rule = catalog.rule(code)
        shown = display_value(a.name, a.value)
        details = [("variable", a.name), ("value", shown)]
        instance = instance_kind(a.value)
        if code == PUBLISHABLE_RULE:
            host = publishable_key_host(a.value)
            if host:
                details.append(("frontend_api", host))
                instance = instance + (f", Frontend API {host}" if instance else f"Frontend API {host}")
        if instance:
            details.append(("instance", instance))
        detail = shown + (f", {instance}" if instance else "")
        if code == OTHER_RULE:
            tip = advice_for(unprefixed(a.name))
            details.append(("advice", tip))
            detail = f"{shown}: {tip}"
        exposed = next((p for p in PREFIXES if a.name.startswith(p)), "")
        if exposed:
            details.append(("exposed_prefix", exposed))
        span = text_span(text, a.name_start, a.name_end)
        finding = classifier.finding(rule, span, symbol=a.label or a.name, module="", detail=detail,
                                     details=tuple(details))
        line_text = lines[a.line - 1]
        loc = dataclasses.replace(finding.location, source_line=_masked_line(line_text, a, line_starts[a.line - 1]))
        out.append(dataclasses.replace(finding, location=loc))
    return out

