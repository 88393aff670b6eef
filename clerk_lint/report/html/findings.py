"""The findings part of both pages: tables per file (one row per finding, with its source line,
difficulty, Better Auth replacement and a link to its rule's docs), the filter form the inline
script brings to life, and the in-page rule docs (the catalog's docs, as `clerk-lint explain`
prints them) that the links point at: the page has no network, so the docs travel with it."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ...concepts.catalog import Catalog
from ...discover.workspaces import package_of
from .markup import Raw, anchor, badge, codes, e, inline_markdown, table


def location_text(f: dict) -> str:
    loc = f.get("location") or {}
    return f"{loc.get('path', '')}:{loc.get('line', '')}"


def workspace_packages(scan_doc: dict) -> dict[str, str]:
    """Folder -> name of the scan's workspace packages (the JSON report's summary.packages)."""
    return {p.get("path", ""): p.get("name", "") for p in (scan_doc.get("summary") or {}).get("packages") or []}


class FindingTables:
    """Renders findings as per-file tables, each row tagged for the filters."""

    def __init__(self, packages: dict[str, str], documented: Iterable[str]):
        self.packages = packages
        self.documented = set(documented)

    def files(self, findings: list[dict]) -> str:
        by_file: dict[str, list[dict]] = {}
        for f in findings:
            by_file.setdefault((f.get("location") or {}).get("path", ""), []).append(f)
        return "".join(self._file_table(path, items) for path, items in by_file.items())

    def _file_table(self, path: str, items: list[dict]) -> str:
        caption = f"{path} · {len(items)} finding{'s' if len(items) != 1 else ''}"
        return ("<div data-group>" + table(caption, ["Location", "Rule", "Difficulty", "Source line and change",
                                                      "Better Auth"],
                                           (self._cells(f) for f in items), row_attrs=(self._attrs(f) for f in items),
                                           cls="findings")
                + "</div>")

    def _attrs(self, f: dict) -> str:
        folder = package_of((f.get("location") or {}).get("path", ""), self.packages) if self.packages else None
        return (f' data-package="{e(folder if folder is not None else "")}"'
                f' data-difficulty="{e(f.get("difficulty", ""))}" data-category="{e(f.get("category", ""))}"')

    def _cells(self, f: dict) -> list[Any]:
        code = f.get("code", "")
        rule = (f'<a href="#{anchor("rule-", code)}">{e(code)}</a>' if code in self.documented else str(e(code)))
        rule += f'<br><span class="meta">{e(f.get("category", ""))}</span>'
        source = (f.get("location") or {}).get("source_line", "")
        change = (f'<code class="src">{e(source.strip())}</code>' if source.strip() else "") + str(e(f.get("message", "")))
        if f.get("via"):
            change += f'<br><span class="meta">via {e(" -> ".join(map(str, f["via"])))}</span>'
        better = f.get("better_auth") or {}
        replacement = codes([better["api"]]) if better.get("api") else e("")
        return [location_text(f), Raw(rule), badge(f.get("difficulty", "")), Raw(change), replacement]


def filter_form(findings: list[dict], packages: dict[str, str], difficulty_order: Iterable[str],
                note: str = "") -> str:
    """The filters, hidden until the script shows them: without JavaScript every finding is listed.
    `note` says which charts follow them."""
    present = {key: {f.get(key, "") for f in findings} for key in ("difficulty", "category")}
    difficulties = [d for d in difficulty_order if d in present["difficulty"]]
    difficulties += sorted(present["difficulty"] - set(difficulties))
    fields = []
    if len(packages) > 1:
        used = {package_of((f.get("location") or {}).get("path", ""), packages) for f in findings}
        fields.append(_select("package", "Package", [(folder, f"{name or folder} ({folder or 'root'})")
                                                     for folder, name in packages.items() if folder in used]))
    fields.append(_select("difficulty", "Difficulty", [(d, d) for d in difficulties]))
    fields.append(_select("category", "Category", [(c, c) for c in sorted(present["category"])]))
    fields.append('<label>Search<input type="search" name="q" placeholder="file, rule, API or text"></label>')
    return ('<form id="filters" hidden role="search" aria-label="Filter the findings">' + "".join(fields)
            + '<button type="reset">Clear</button><p id="filter-status" role="status" aria-live="polite"></p>'
            + (f'<p class="note">{e(note)}</p>' if note else "") + "</form>")


def _select(name: str, label: str, options: list[tuple[str, str]]) -> str:
    opts = "".join(f'<option value="{e(v)}">{e(text)}</option>' for v, text in options)
    return f'<label>{e(label)}<select name="{name}"><option value="">All</option>{opts}</select></label>'


def rule_docs(codes_used: Iterable[str], catalog: Optional[Catalog], level: int = 2) -> tuple[str, set[str]]:
    """The docs of every rule used (the catalog's, as `clerk-lint explain` shows them), and the
    codes documented (the ones a finding may link to)."""
    if catalog is None:
        return "", set()
    h = f"h{level}"
    sub, subsub = f"h{level + 1}", f"h{level + 2}"
    out, documented = [], set()
    for code in sorted(set(codes_used)):
        rule = catalog.by_code.get(code)
        if rule is None:
            continue
        documented.add(code)
        d = rule.docs
        parts = [f'<section class="rule" id="{anchor("rule-", code)}"><{sub}>{e(code)} {e(rule.name)}</{sub}>',
                 f"<p>{e(rule.title)}</p>",
                 f'<p class="meta">Category {e(rule.category)} · difficulty {e(rule.difficulty)} · '
                 f"{e(f'{rule.effort_hours:g}')} h for the first use</p>",
                 f"<{subsub}>What it finds</{subsub}>{inline_markdown(d.what)}",
                 f"<{subsub}>Why it matters for the migration</{subsub}>{inline_markdown(d.why)}",
                 f"<{subsub}>Better Auth replacement</{subsub}><p>{codes([rule.better_auth.api])}"
                 + (f"<br>{codes([rule.better_auth.import_])}" if rule.better_auth.import_ else "") + "</p>"]
        if d.decide.strip():
            parts.append(f"<{subsub}>What you must decide</{subsub}>{inline_markdown(d.decide)}")
        if d.before.strip():
            parts.append(f"<{subsub}>Before (Clerk)</{subsub}><pre><code>{e(d.before.strip())}</code></pre>")
        if d.after.strip():
            parts.append(f"<{subsub}>After (Better Auth)</{subsub}><pre><code>{e(d.after.strip())}</code></pre>")
        out.append("".join(parts) + "</section>")
    if not out:
        return "", documented
    return (f'<{h} id="rule-docs">Rule docs</{h}><p class="note">The docs of every rule found, as '
            "<code>clerk-lint explain CODE</code> prints them.</p>" + "".join(out)), documented
