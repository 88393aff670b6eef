"""Output reporters. Each format lives in its own module exposing
`render(result, catalog, **opts) -> str`; reporters never read source files,
everything comes from the findings (including `line_hash`) and the catalog."""
from __future__ import annotations

import importlib
from typing import Optional

from ..concepts.catalog import Catalog
from ..findings import ScanResult

FORMATS = ("text", "json", "sarif", "github", "gitlab", "html")
_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github", "gitlab": "gitlab", "html": "html"}


def render(fmt: str, result: ScanResult, catalog: Catalog, *, color: bool = False,
           hidden: Optional[dict[str, int]] = None) -> str:
    """Render `result` in `fmt` (one of FORMATS). Only the text format uses `color` and
    `hidden` (findings left out of `result` and why: "in the baseline", "suppressed")."""
    if fmt not in _MODULES:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    module = importlib.import_module(f".{_MODULES[fmt]}", __name__)
    return module.render(result, catalog, color=color, hidden=hidden or {})
