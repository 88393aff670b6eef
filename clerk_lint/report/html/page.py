"""The page shell and the two documents (scan, plan). Every string shown passes through
`concepts.secrets.redact_text` before HTML escaping, so no format shows a secret another hides."""
from __future__ import annotations

from html import escape
from typing import Any, Iterable

from ...concepts.secrets import redact_text
from .charts import bar_chart
from .style import CSS


def _e(value: Any) -> str:
    return escape(redact_text(str(value)))


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>\n")


def _table(caption: str, head: Iterable[str], rows: Iterable[Iterable[Any]], numeric: frozenset = frozenset()) -> str:
    head = list(head)
    out = [f"<div class=\"scroll\"><table><caption>{_e(caption)}</caption><thead><tr>"]
    out += [f"<th scope=\"col\">{_e(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = list(row)
        out.append("<tr>" + "".join(
            (f"<th scope=\"row\">{_e(c)}</th>" if i == 0 else
             f"<td{_NUM if i in numeric else ''}>{c if isinstance(c, _Raw) else _e(c)}</td>")
            for i, c in enumerate(cells)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


_NUM = ' class="num"'


class _Raw(str):
    """Already-escaped HTML for a table cell."""


def _badge(difficulty: str) -> _Raw:
    # The word is always written: the colour only repeats it.
    return _Raw(f"<span class=\"badge d-{_e(difficulty)}\">{_e(difficulty)}</span>")


def _stats(items: list[tuple[str, Any]]) -> str:
    return "<dl class=\"stats\">" + "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in items) + "</dl>"


def render_scan_document(doc: dict) -> str:
    """HTML for the JSON scan report's document (`report/json_report.py`)."""
    summary = doc.get("summary", {})
    findings = doc.get("findings", [])
    body = [f"<h1>clerk-lint scan report</h1><p class=\"sub\">Root {_e(doc.get('root', '.'))} · "
            f"clerk-lint {_e(doc.get('tool', {}).get('version', ''))}</p>",
            _stats([("Files scanned", summary.get("files_scanned", 0)), ("Findings", summary.get("findings", 0)),
                    ("Effort (hours)", summary.get("effort_hours", 0))]),
            "<h2>Overview</h2>",
            bar_chart("Findings by difficulty", list(summary.get("by_difficulty", {}).items())),
            bar_chart("Findings by category", list(summary.get("by_category", {}).items()))]
    if summary.get("packages"):
        body.append(_table("Workspace packages", ["Folder", "Name", "Findings", "Effort (h)"],
                           ([p.get("path", ""), p.get("name", ""), p.get("findings", 0), p.get("effort_hours", 0)]
                            for p in summary["packages"]), frozenset({2, 3})))
    body.append("<h2>Findings</h2>")
    body.append(_table(f"{len(findings)} findings", ["Location", "Code", "Difficulty", "Category", "Message", "Better Auth"],
                       ([f"{f['location']['path']}:{f['location']['line']}", f.get("code", ""),
                         _badge(f.get("difficulty", "")), f.get("category", ""), f.get("message", ""),
                         (f.get("better_auth") or {}).get("api", "")] for f in findings)))
    if doc.get("errors"):
        body.append("<h2>Files not fully scanned</h2>")
        body.append(_table("Scan problems", ["Path", "Kind", "Reason"],
                           ([e.get("path", ""), e.get("kind", ""), e.get("reason", "")] for e in doc["errors"])))
    return _page("clerk-lint scan report", "".join(body))


def render_plan(plan: dict) -> str:
    """HTML for the dict `plan.build_plan` returns (the same dict `plan --format json` prints)."""
    summary, effort, cost = plan.get("summary", {}), plan.get("effort", {}), plan.get("cost", {})
    hours = effort.get("hours", {})
    currency = cost.get("currency", "")
    labor = cost.get("labor", {})
    body = [f"<h1>Clerk → Better Auth migration plan</h1><p class=\"sub\">clerk-lint "
            f"{_e(plan.get('tool', {}).get('version', ''))}</p>",
            _stats([("Files scanned", summary.get("files_scanned", 0)), ("Findings", summary.get("findings", 0)),
                    ("Effort (likely hours)", hours.get("likely", "")),
                    ("Effort range (hours)", f"{hours.get('low', '')} – {hours.get('high', '')}"),
                    ("Size", effort.get("tshirt", "")),
                    (f"Labor ({currency})", f"{labor.get('low', '')} – {labor.get('high', '')}")])]
    risks = plan.get("risks", [])
    body.append("<h2>Risks</h2>")
    body.append(_table(f"{len(risks)} risks", ["Risk", "Severity", "Detail", "Evidence"],
                       ([r.get("title", ""), _badge(r.get("severity", "")), r.get("detail", ""),
                         _locations(r.get("evidence", []))] for r in risks)) if risks else "<p>No risks found.</p>")
    body.append("<h2>Effort</h2>")
    for key, title in (("roles", "Hours by role"), ("by_category", "Finding hours by category"),
                       ("fixed_tasks", "Fixed task hours")):
        table = effort.get(key, {})
        if table:
            body.append(f"<h3>{_e(title)}</h3>" + bar_chart(title, list(table.items()), " h")
                        + _table(title, ["Name", "Hours"], table.items(), frozenset({1})))
    body.append("<h2>Cost</h2>")
    cost_rows = [(name.replace("_", " "), f"{v.get('low', '')} – {v.get('high', '')}")
                 for name, v in cost.items() if isinstance(v, dict) and {"low", "high"} <= set(v)]
    body.append(_table(f"Cost ({currency})", ["Item", "Low – high"], cost_rows))
    if effort.get("rounding"):
        body.append(f"<p>{_e(effort['rounding'])}</p>")
    if cost.get("break_even", {}).get("verdict"):
        body.append(f"<p><strong>{_e(cost['break_even']['verdict'])}</strong></p>")
    if cost.get("assumptions"):
        body.append("<h3>Assumptions</h3><ul>" + "".join(f"<li>{_e(a)}</li>" for a in cost["assumptions"]) + "</ul>")
    steps = plan.get("steps", [])
    body.append("<h2>Steps</h2><ol class=\"steps\">")
    for step in steps:
        deps = ", ".join(str(d) for d in step.get("depends_on", []))
        body.append(f"<li><h3>{_e(step.get('title', ''))}</h3><p class=\"meta\">{_e(step.get('hours', ''))} h"
                    + (f" · after {_e(deps)}" if deps else "") + f"</p><p>{_e(step.get('details', ''))}</p>"
                    + (f"<p class=\"locs\">{_locations(step.get('locations', []))}</p>" if step.get("locations") else "")
                    + "</li>")
    body.append("</ol>")
    questions = plan.get("open_questions", [])
    if questions:
        body.append("<h2>Open questions</h2><ul>")
        body += [f"<li><p><strong>{_e(q.get('question', ''))}</strong></p><p>{_e(q.get('why', ''))}</p>"
                 f"<p class=\"locs\">{_locations(q.get('evidence', []))}</p></li>" for q in questions]
        body.append("</ul>")
    files = plan.get("files_to_change", [])
    if files:
        body.append("<h2>Files to change</h2>" + _table(f"{len(files)} files", ["File", "Findings", "Steps"],
                    ([f.get("path", ""), f.get("findings", 0), ", ".join(map(str, f.get("steps", [])))] for f in files),
                    frozenset({1})))
    rules = summary.get("rules", {})
    if rules:
        body.append("<h2>Rules found</h2>" + _table("Rules", ["Code", "Title"], rules.items()))
    return _page("Clerk to Better Auth migration plan", "".join(body))


def _locations(items: list) -> _Raw:
    return _Raw(" ".join(f"<code>{_e(item)}</code>" for item in items))
