"""One-file HTML reports (inline CSS and SVG, no script, no network).

`render(result, catalog)` is the `scan --format html` reporter: it draws the JSON report's document,
so its numbers are the JSON's. `render_plan(plan)` draws the dict `build_plan` returns (the JSON plan).
Every category, difficulty and role comes from the data: nothing here lists them.
"""
from __future__ import annotations

import json

from ...concepts.catalog import Catalog
from ...findings import ScanResult
from .page import render_plan, render_scan_document


def render(result: ScanResult, catalog: Catalog, **_opts) -> str:
    from .. import json_report

    return render_scan_document(json.loads(json_report.render(result, catalog)))


__all__ = ["render", "render_plan"]
