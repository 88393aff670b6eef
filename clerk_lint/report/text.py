"""Human-readable output: findings grouped by file, then a summary.

    app/page.tsx (2 findings)
    app/page.tsx:3:17: CLK201 useUser() from @clerk/nextjs: ...
    app/page.tsx:9:5: CLK201 useMe() from @clerk/nextjs: ... (via useMe -> useUser)

Findings of informational rules (CLK726, code carrying Clerk ids) come after the others in a
group of their own, one line per file:

    carries Clerk ids: 2 files
      lib/users.ts:4, 12, 20 (clerkId, getUserByClerkId)

File problems are not listed here (the CLI prints them to stderr); the summary
only counts them.
"""
from __future__ import annotations

from typing import Optional

import click

from ..concepts.catalog import Catalog
from ..findings import Finding, ScanResult
from ._common import by_category, by_difficulty, effort_hours, per_package, via_suffix

# click.style arguments; a difficulty not listed here (added later) is printed plain.
_BOLD = {"bold": True}
_COLORS = {"trivial": {"fg": "green"}, "moderate": {"fg": "yellow"}, "hard": {"fg": "red"},
           "blocker": {"fg": "magenta", "bold": True}}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _escape_path(path: str) -> str:
    """A file name holding a newline or other control character would split or forge report lines."""
    # only control characters: surrogate escapes of non-UTF-8 names are left to printable()
    return "".join(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 32 or ord(ch) == 127 else ch
                   for ch in path)


def _informational(catalog: Catalog, code: str) -> str:
    """The group title of an informational rule, "" for every other rule."""
    try:
        return catalog.rule(code).informational
    except KeyError:
        return ""


def render(result: ScanResult, catalog: Catalog, *, color: bool = False,
           hidden: Optional[dict[str, int]] = None, **_: object) -> str:
    def paint(text: str, style: dict) -> str:
        return click.style(text, **style) if color and style else text

    groups: dict[str, list[Finding]] = {}
    informational: dict[str, dict[str, list[Finding]]] = {}  # rule title -> path -> findings
    for finding in result.findings:
        group = _informational(catalog, finding.code)
        if group:
            informational.setdefault(group, {}).setdefault(finding.location.path, []).append(finding)
        else:
            groups.setdefault(finding.location.path, []).append(finding)

    lines: list[str] = []
    for raw_path, findings in groups.items():
        path = _escape_path(raw_path)
        lines.append(paint(f"{path} ({_plural(len(findings), 'finding')})", _BOLD))
        for f in findings:
            loc = f.location
            code = paint(f.code, _COLORS.get(f.difficulty, {}))
            message = " ".join(f.message.splitlines())  # one finding, one line
            lines.append(f"{path}:{loc.line}:{loc.column}: {code} {message}{via_suffix(f)}")
        lines.append("")
    for title, files in informational.items():
        lines.append(paint(f"{title}: {_plural(len(files), 'file')}", _BOLD))
        for raw_path, findings in files.items():
            where = ", ".join(dict.fromkeys(str(f.location.line) for f in findings))
            names = ", ".join(dict.fromkeys(n for f in findings for n in f.symbol.split(", ")))
            lines.append(f"  {_escape_path(raw_path)}:{where} ({names})")
        lines.append("")

    total = len(result.findings)
    all_files = {f.location.path for f in result.findings}
    scanned = _plural(result.files_scanned, "file")
    if total:
        lines.append(f"Found {_plural(total, 'finding')} in {_plural(len(all_files), 'file')} ({scanned} scanned).")
        difficulty = ", ".join(
            f"{paint(name, _COLORS.get(name, {}))} {n}" for name, n in by_difficulty(result.findings).items()
        )
        category = ", ".join(f"{name} {n}" for name, n in by_category(result.findings).items())
        lines.append(f"  by difficulty: {difficulty}")
        lines.append(f"  by category:   {category}")
        lines.append(f"  estimated effort: {effort_hours(result):g} h")
        if len(result.packages) > 1:
            lines.append("  by package:")
            for folder, stats in per_package(result).items():
                name = result.packages[folder]
                lines.append(f"    {name} ({folder or '.'}): {_plural(stats['findings'], 'finding')}, "
                             f"{stats['effort_hours']:g} h")
    elif hidden and any(hidden.values()):  # Clerk is there, only not new: never say it is gone
        left_out = ", ".join(f"{n} {why}" for why, n in hidden.items() if n)
        lines.append(f"No new Clerk usage ({left_out}; {scanned} scanned).")
    else:
        lines.append(f"No Clerk usage found ({scanned} scanned).")
    if result.problems:
        partial = sum(p.partial for p in result.problems)
        lines.append(
            f"  {_plural(len(result.problems), 'file problem')}: "
            f"{len(result.problems) - partial} skipped, {partial} partly scanned"
        )
    return "\n".join(lines) + "\n"
