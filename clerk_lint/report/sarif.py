"""SARIF 2.1.0 output shaped for GitHub code scanning.

One run; `tool.driver.rules` lists every catalog rule (not only those that
fired) so `ruleIndex` is stable across scans. Paths are relative URIs under
`%SRCROOT%`, whose `originalUriBaseIds` entry carries no `uri`, so the file
holds no machine paths and is byte-for-byte reproducible.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import attr
import sarif_om as so

from .. import __version__
from ..concepts.catalog import Catalog, Rule
from ..findings import FileProblem, Finding, Location, ScanResult
from ._common import json_text, level, utf16_slice

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/clerk-lint/clerk-lint"
SRCROOT = "%SRCROOT%"
_MAX_DESCRIPTION = 1024  # GitHub's limit for short/full descriptions
# GitHub's problem.severity has no "note"; its counterpart is "recommendation".
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
# RFC 3986 pchar minus ":" (which would read as a scheme in a relative reference's first segment).
_URI_SAFE = "/!$&'()*+,;=@"


def to_json_value(value: Any) -> Any:
    """Turn sarif-om objects into JSON data under the schema's property names.

    Fields that are None or hold their attrs default are dropped (sarif-om
    defaults such as `kind: "fail"` or `index: -1` are the schema's own defaults
    or "unset" sentinels), except `level`, which is always written so readers
    never have to infer it.
    """
    if attr.has(type(value)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            if item is None:
                continue
            default = field.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if field.name != "level" and default is not attr.NOTHING and item == default:
                continue
            out[field.metadata.get("schema_property_name", field.name)] = to_json_value(item)
        return out
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    return value


def artifact_uri(path: str) -> str:
    """A scan-relative '/'-separated path as a relative URI reference (the bytes of a
    file name that is not valid UTF-8, kept as surrogate escapes, are percent-encoded)."""
    return quote(path.encode("utf-8", "surrogateescape"), safe=_URI_SAFE)


def _physical(loc: Location, *, snippet: bool) -> so.PhysicalLocation:
    region = so.Region(
        start_line=loc.line,
        start_column=loc.column,
        end_line=loc.end_line,
        end_column=loc.end_column,
    )
    clipped = loc.source_line.startswith("…") or loc.source_line.endswith("…")  # columns no longer line up
    if snippet and loc.line == loc.end_line and loc.source_line and not clipped:
        text = utf16_slice(loc.source_line, loc.column, loc.end_column)
        if text:
            region.snippet = so.ArtifactContent(text=text)
    return so.PhysicalLocation(
        artifact_location=so.ArtifactLocation(uri=artifact_uri(loc.path), uri_base_id=SRCROOT),
        region=region,
    )


def _descriptor(rule: Rule) -> so.ReportingDescriptor:
    lvl = level(rule.difficulty)
    ba = rule.better_auth
    help_text = f"{rule.docs.what.strip()}\n\n{rule.docs.why.strip()}\n\nBetter Auth replacement: {ba.api}"
    if ba.import_:
        help_text += f"\n{ba.import_}"
    return so.ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=so.MultiformatMessageString(text=rule.title[:_MAX_DESCRIPTION]),
        full_description=so.MultiformatMessageString(text=rule.docs.what.strip()[:_MAX_DESCRIPTION]),
        help=so.MultiformatMessageString(text=help_text, markdown=rule.help_markdown()),
        default_configuration=so.ReportingConfiguration(level=lvl),
        properties={
            "tags": ["clerk", "migration", rule.category],
            "precision": "high",
            "problem.severity": _PROBLEM_SEVERITY[lvl],
        },
    )


def _result(f: Finding, rule_index: dict[str, int]) -> so.Result:
    notes = [" -> ".join(f.via)] if f.via else []
    related = None
    if f.related:
        # GitHub only links related locations that the message references as [text](id).
        notes += [f"[wrapper definition]({i})" for i in range(1, len(f.related) + 1)]
        related = [
            so.Location(
                id=i,
                physical_location=_physical(loc, snippet=False),
                message=so.Message(text="wrapper definition"),
            )
            for i, loc in enumerate(f.related, start=1)
        ]
    return so.Result(
        rule_id=f.code,
        rule_index=rule_index.get(f.code),
        level=level(f.difficulty),
        message=so.Message(text=f.message + (f" (via {'; '.join(notes)})" if notes else "")),
        locations=[so.Location(physical_location=_physical(f.location, snippet=True))],
        partial_fingerprints={"primaryLocationLineHash": f.line_hash} if f.line_hash else None,
        baseline_state=f.baseline_state or None,
        suppressions=[so.Suppression(kind="inSource", justification=f.suppression)] if f.suppression else None,
        related_locations=related,
        properties={
            "clerkSymbol": f.symbol,
            "clerkPackage": f.package,
            "category": f.category,
            "difficulty": f.difficulty,
            "betterAuth": f.better_auth.to_dict(),
            "effortHours": f.effort_hours,
        },
    )


def _notification(p: FileProblem) -> so.Notification:
    return so.Notification(
        level="warning",
        message=so.Message(text=p.reason),
        locations=[
            so.Location(
                physical_location=so.PhysicalLocation(
                    artifact_location=so.ArtifactLocation(uri=artifact_uri(p.path), uri_base_id=SRCROOT)
                )
            )
        ],
    )


def build_log(result: ScanResult, catalog: Catalog) -> so.SarifLog:
    rule_index = {rule.code: i for i, rule in enumerate(catalog.rules)}
    driver = so.ToolComponent(
        name="clerk-lint",
        semantic_version=__version__,
        information_uri=INFORMATION_URI,
        rules=[_descriptor(rule) for rule in catalog.rules],
    )
    run = so.Run(
        tool=so.Tool(driver=driver),
        automation_details=so.RunAutomationDetails(id="clerk-lint/"),
        column_kind="utf16CodeUnits",
        original_uri_base_ids={
            SRCROOT: so.ArtifactLocation(description=so.Message(text="The scanned root")),
        },
        invocations=[
            so.Invocation(
                execution_successful=True,
                tool_execution_notifications=[_notification(p) for p in result.problems] + (
                    [so.Notification(level="note", message=so.Message(text=result.ignore_note()))]
                    if result.ignore_note() else []) or None,
            )
        ],
        results=[_result(f, rule_index) for f in result.findings],
    )
    return so.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])


def to_document(result: ScanResult, catalog: Catalog) -> dict:
    data = to_json_value(build_log(result, catalog))
    # Readers expect $schema and version first; attrs lists required fields first.
    return {"$schema": data.pop("$schema"), "version": data.pop("version"), **data}


def render(result: ScanResult, catalog: Catalog, **_: object) -> str:
    return json_text(to_document(result, catalog)) + "\n"
