"""Where the finding hours fall: per workspace package and per directory.

Both tables share out the same total as the plan's `by_category` table (the finding part of the
likely hours, fixed tasks excluded), in the same `round_to` units, so each adds up to it and a
report can draw them without computing hours of its own.
"""
from __future__ import annotations

from posixpath import dirname

from ..discover.workspaces import package_of
from ..findings import Finding
from .model import ModelParams, finding_hours, share_out

OUTSIDE = "\0outside"  # findings in no workspace package, when the scan found packages


def where_effort(findings: list[Finding], packages: dict[str, str], params: ModelParams,
                 finding_total: float) -> dict:
    """`by_package` (a row per workspace package, by folder) and `by_directory` (the folder of
    each file with findings, most hours first), each adding up to `finding_total`."""
    hours = finding_hours(findings, params)
    per_package: dict[str, float] = {folder: 0.0 for folder in sorted(packages)}
    per_directory: dict[str, float] = {}
    for finding, h in zip(findings, hours):
        if packages:
            folder = package_of(finding.location.path, packages)
            key = OUTSIDE if folder is None else folder
            per_package[key] = per_package.get(key, 0.0) + h
        directory = dirname(finding.location.path) or "."
        per_directory[directory] = per_directory.get(directory, 0.0) + h
    package_rows = share_out(finding_total, per_package, params.round_to)
    directory_rows = share_out(finding_total, dict(sorted(per_directory.items())), params.round_to)
    return {
        "by_package": [{"path": None if key == OUTSIDE else key, "name": packages.get(key), "hours": h}
                       for key, h in package_rows.items()],
        "by_directory": dict(sorted(directory_rows.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
