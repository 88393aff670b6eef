"""GitHub Actions workflow commands, one annotation per finding:

    ::warning file=app/page.tsx,line=3,endLine=3,col=17,endColumn=26,title=CLK201 use-user::message

hard/blocker findings are ::error, moderate ::warning, trivial ::notice.
GitHub shows only a handful of annotations per step, so this is a fallback for
repositories without code scanning; SARIF is the main channel.
"""
from __future__ import annotations

from ..concepts.catalog import Catalog
from ..findings import Finding, ScanResult
from ._common import level, via_suffix

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(f: Finding) -> str:
    loc = f.location
    props = [("file", loc.path), ("line", str(loc.line)), ("endLine", str(loc.end_line))]
    # Annotations only accept columns on single-line spans.
    if loc.line == loc.end_line:
        props += [("col", str(loc.column)), ("endColumn", str(loc.end_column))]
    props.append(("title", f"{f.code} {f.rule_name}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_COMMANDS[level(f.difficulty)]} {rendered}::{escape_data(f.message + via_suffix(f))}"


def render(result: ScanResult, catalog: Catalog, **_: object) -> str:
    return "".join(command(f) + "\n" for f in result.findings)
