"""One-file HTML reports: inline CSS, SVG charts and one small script (filters), nothing from the network.

`render(result, catalog)` is the `scan --format html` reporter: it draws the JSON report's document,
so its numbers are the JSON's. `render_plan(plan, scan_doc, catalog)` draws the dict `build_plan`
returns (the JSON plan), with the JSON report's document of the same scan for the findings' source
lines and the catalog for the in-page rule docs.
"""
from __future__ import annotations

from ...concepts.catalog import Catalog
from ...findings import ScanResult
from .page import render_plan, render_scan_document


def render(result: ScanResult, catalog: Catalog, **_opts) -> str:
    from ..json_report import to_document

    return render_scan_document(to_document(result), catalog)


__all__ = ["render", "render_plan", "render_scan_document"]
