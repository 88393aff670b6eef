"""The two documents: the scan report (the JSON report's document) and the migration plan (the
dict `plan --format json` prints, with the scan's findings for their source lines).

Every number written is read from those dicts, never recomputed; the charts only lay them out
(the script redraws the finding-count charts for filtered findings, in the browser).
Difficulties, categories, severities and roles come from the data: nothing here lists them.
"""
from __future__ import annotations

from collections import defaultdict, deque
from typing import Any, Optional

from ...concepts.catalog import Catalog
from .charts import bar_chart, timeline
from .findings import FindingTables, filter_form, location_text, rule_docs, workspace_packages
from .markup import Raw, anchor, badge, codes, e, page, prose, stats, table, value

DIFFICULTY_ORDER_KEY = ("summary", "by_difficulty")


def _chart_section(title: str, chart: str, extra: str = "") -> str:
    return f"<section><h3>{e(title)}</h3>{chart}{extra}</section>" if chart else ""


def _overview_charts(scan_doc: dict, doc: str = "") -> list[str]:
    """Findings by difficulty and by category, the JSON report's counts (`doc`: see `src_attr`);
    the filters redraw them for the findings shown."""
    summary = scan_doc.get("summary") or {}
    return [
        _chart_section("Findings by difficulty", bar_chart(
            "Findings by difficulty", [(k, v, ["summary", "by_difficulty", k], k)
                                       for k, v in (summary.get("by_difficulty") or {}).items()], doc=doc,
            counts="difficulty")),
        _chart_section("Findings by category", bar_chart(
            "Findings by category", sorted(((k, v, ["summary", "by_category", k], k)
                                            for k, v in (summary.get("by_category") or {}).items()),
                                           key=lambda row: (-row[1], row[0])), doc=doc, counts="category")),
    ]


def render_scan_document(doc: dict, catalog: Optional[Catalog] = None) -> str:
    """HTML for the JSON scan report's document (`report/json_report.py`)."""
    summary = doc.get("summary") or {}
    findings = doc.get("findings") or []
    packages = workspace_packages(doc)
    docs_html, documented = rule_docs((f.get("code", "") for f in findings), catalog)
    body = [f"<h1>clerk-lint scan report</h1><p class=\"sub\">{_root(doc)}"
            f"clerk-lint {e((doc.get('tool') or {}).get('version', ''))}</p>",
            _toc([("overview", "Overview"), ("findings", "Findings"), ("problems", "Files not fully scanned")
                  if doc.get("errors") else None, ("rule-docs", "Rule docs") if docs_html else None]),
            stats([("Files scanned", value(doc, "summary", "files_scanned")),
                   ("Findings", value(doc, "summary", "findings")),
                   ("Effort (rule hours)", value(doc, "summary", "effort_hours"))]),
            "<h2 id=\"overview\">Overview</h2><div class=\"grid\">", *_overview_charts(doc)]
    rows = summary.get("packages") or []
    if rows:
        body.append(_chart_section("Findings by workspace package", bar_chart(
            "Findings by workspace package", [(_package_label(p), p.get("findings", 0),
                                               ["summary", "packages", i, "findings"], p.get("path") or "")
                                              for i, p in enumerate(rows)], counts="package")))
    body.append("</div>")
    if rows:
        body.append("<div class=\"narrow\">" + table(
            "Workspace packages", ["Folder", "Name", "Findings", "Effort (h)"],
            ([p.get("path") or "(root)", p.get("name", ""), value(doc, "summary", "packages", i, "findings"),
              value(doc, "summary", "packages", i, "effort_hours")] for i, p in enumerate(rows)), frozenset({2, 3}))
            + "</div>")
    body.append("<h2 id=\"findings\">Findings</h2>")
    if findings:
        body.append(filter_form(findings, packages, summary.get("by_difficulty") or {},
                                "The charts above count the findings shown."))
        body.append(FindingTables(packages, documented).files(findings))
    else:
        body.append("<p>No Clerk usage found.</p>")
    if doc.get("errors"):
        body.append("<h2 id=\"problems\">Files not fully scanned</h2>")
        body.append(table("Scan problems", ["Path", "Kind", "Reason"],
                          ([p.get("path", ""), p.get("kind", ""), p.get("reason", "")] for p in doc["errors"])))
    body.append(docs_html)
    return page("clerk-lint scan report", "".join(body))


def _root(doc: dict) -> str:
    root = doc.get("root") or "."
    return f"Root <code>{e(root)}</code> · " if root != "." else ""


def _package_label(row: dict) -> str:
    name, path = row.get("name"), row.get("path")
    if path is None:
        return "outside any package"
    return f"{name} ({path or 'root'})" if name else (path or "(root)")


def _toc(items: list[Optional[tuple[str, str]]]) -> str:
    links = "".join(f'<li><a href="#{ident}">{e(text)}</a></li>' for item in items if item for ident, text in [item])
    return f'<nav class="toc" aria-label="Sections"><ul>{links}</ul></nav>'


def _range(doc: dict, *path) -> Raw:
    return Raw(f"{value(doc, *path, 'low')} – {value(doc, *path, 'high')}")


def render_plan(plan: dict, scan_doc: Optional[dict] = None, catalog: Optional[Catalog] = None) -> str:
    """HTML for the dict `plan.build_plan` returns (the same dict `plan --format json` prints).
    `scan_doc`, the JSON report's document of the same scan, brings each finding's source line,
    difficulty and category; without it the findings are the steps' own locations."""
    summary, effort, cost = plan.get("summary") or {}, plan.get("effort") or {}, plan.get("cost") or {}
    steps = plan.get("steps") or []
    findings = (scan_doc or {}).get("findings")
    if findings is None:
        findings = [_finding_from_location(loc) for s in steps for loc in s.get("locations") or [] if loc.get("primary")]
    packages = workspace_packages(scan_doc or {})
    docs_html, documented = rule_docs((f.get("code", "") for f in findings), catalog)
    currency = cost.get("currency", "")
    body = [f"<h1>Clerk → Better Auth migration plan</h1><p class=\"sub\">"
            + _root(scan_doc or {})
            + f"clerk-lint {e((plan.get('tool') or {}).get('version', ''))}</p>",
            _toc([("effort", "Effort"), ("timeline", "Steps"), ("risks", "Risks"),
                  ("questions", "Open questions") if plan.get("open_questions") else None, ("cost", "Cost"),
                  ("findings", "Findings by step"), ("files", "Files to change") if plan.get("files_to_change") else None,
                  ("rule-docs", "Rule docs") if docs_html else None])]
    items = [("Findings", value(plan, "summary", "findings")), ("Files scanned", value(plan, "summary", "files_scanned")),
             ("Effort, likely (h)", value(plan, "effort", "hours", "likely")),
             ("Effort range (h)", _range(plan, "effort", "hours")), ("Size", value(plan, "effort", "tshirt")),
             (f"Labor ({currency})", _range(plan, "cost", "labor"))]
    if "clerk_monthly" in cost:
        items += [(f"Clerk bill ({currency}/month)", value(plan, "cost", "clerk_monthly", "monthly")),
                  (f"Saved ({currency}/month)", _range(plan, "cost", "monthly_savings"))]
    body.append(stats(items))
    verdict = (cost.get("break_even") or {}).get("verdict")
    body.append("<div class=\"verdict\"><p><strong>Break-even:</strong> "
                + (f"{e(verdict)}" if verdict else "run <code>clerk-lint plan --mau N</code> (monthly active users) "
                   "to price Clerk and compare it with running Better Auth yourself.") + "</p>"
                + (f"<p>Better Auth plugins: {codes(summary['better_auth_plugins'])}</p>"
                   if summary.get("better_auth_plugins") else "") + "</div>")
    body.append(_effort_section(plan, scan_doc))
    body.append(_steps_section(plan))
    body.append(_risks_section(plan))
    body.append(_questions_section(plan))
    body.append(_cost_section(plan))
    body.append(_findings_section(plan, findings, packages, documented, scan_doc))
    files = plan.get("files_to_change") or []
    if files:
        body.append("<h2 id=\"files\">Files to change</h2>" + table(
            f"{len(files)} files", ["File", "Findings", "Steps"],
            ([f.get("path", ""), value(plan, "files_to_change", i, "findings"),
              Raw(", ".join(f'<a href="#{anchor("step-", str(n))}">{e(n)}</a>' for n in f.get("steps") or []))]
             for i, f in enumerate(files)), frozenset({1})))
    body.append(docs_html)
    return page("Clerk to Better Auth migration plan", "".join(body))


def _finding_from_location(loc: dict) -> dict:
    path, _, line = str(loc.get("location", "")).rpartition(":")
    return {"code": loc.get("code", ""), "symbol": loc.get("symbol", ""), "message": loc.get("change", ""),
            "location": {"path": path, "line": int(line) if line.isdigit() else line}}


def _effort_section(plan: dict, scan_doc: Optional[dict]) -> str:
    effort = plan.get("effort") or {}
    out = ["<h2 id=\"effort\">Where the effort goes</h2><div class=\"grid\">"]
    packages = effort.get("by_package") or []
    if packages:
        out.append(_chart_section("Finding hours by workspace package", bar_chart(
            "Finding hours by workspace package", [(_package_label(p), p.get("hours", 0),
                                                    ["effort", "by_package", i, "hours"])
                                                   for i, p in enumerate(packages)], " h"),
            ""))
    directories = effort.get("by_directory") or {}
    if directories:
        shown = f"the {TOP_DIRECTORIES} with most hours" if len(directories) > TOP_DIRECTORIES else "all"
        out.append(_chart_section("Finding hours by directory", bar_chart(
            f"Finding hours by directory ({shown})",
            [(_directory_label(k), v, ["effort", "by_directory", k]) for k, v in directories.items()], " h",
            limit=TOP_DIRECTORIES)))
    if scan_doc:
        out += _overview_charts(scan_doc, doc="scan")
    roles = effort.get("roles") or {}
    out.append(_chart_section("Hours by role", bar_chart(
        "Hours by role", [(k, v, ["effort", "roles", k]) for k, v in roles.items()], " h")))
    sources = [(k, "by_category") for k in effort.get("by_category") or {}]
    sources += [(k, "fixed_tasks") for k in effort.get("fixed_tasks") or {}]
    out.append("</div>")
    if len(directories) > TOP_DIRECTORIES:
        out.append(f"<h3>All {len(directories)} directories with findings</h3><div class=\"narrow\">" + table(
            "Finding hours by directory", ["Directory", "Hours"],
            ([_directory_label(k), value(plan, "effort", "by_directory", k)] for k in directories), frozenset({1}))
            + "</div>")
    if sources:
        out.append("<h3>Where the hours come from</h3><div class=\"narrow\">" + table(
            "Finding categories, then fixed tasks", ["Source", "Hours"],
            ([k, value(plan, "effort", table_key, k)] for k, table_key in sources), frozenset({1})) + "</div>")
    if effort.get("rounding"):
        out.append(f"<p class=\"note\">{e(effort['rounding'])} Package and directory hours share out the finding "
                   "categories' total the same way; fixed tasks belong to no file.</p>")
    return "".join(out)


TOP_DIRECTORIES = 12  # bars in the directory chart; a table lists them all when there are more


def _directory_label(directory: str) -> str:
    return "(top folder)" if directory in (".", "") else directory


def _steps_section(plan: dict) -> str:
    steps = plan.get("steps") or []
    out = ["<h2 id=\"timeline\">Steps</h2>"]
    if not steps:
        return out[0] + "<p>No steps.</p>"
    out.append("<p class=\"note\">Each bar starts when the steps it depends on end; its length is the step's "
               "hours.</p>")
    out.append(f"<div class=\"scroll\">{timeline(steps, 'Steps in order, with their hours')}</div>")
    out.append("<ol class=\"steps\">")
    for i, step in enumerate(steps):
        deps = step.get("depends_on") or []
        after = ", ".join(f'<a href="#{anchor("step-", str(d))}">{e(d)}</a>' for d in deps)
        out.append(f"<li id=\"{anchor('step-', str(step.get('order', i + 1)))}\"><h3>{e(step.get('title', ''))}</h3><p class=\"meta\">{value(plan, 'steps', i, 'hours')} h"
                   + (f" · after step {after}" if after else "")
                   + (f" · <a href=\"#{anchor('step-', str(step.get('order', i + 1)))}-findings\">its findings</a>"
                      if any(loc.get("primary") for loc in step.get("locations") or []) else "")
                   + f"</p><p>{prose(step.get('details', ''))}</p>" + _related(step) + "</li>")
    out.append("</ol>")
    return "".join(out)


def _related(step: dict) -> str:
    """Locations a step names without owning their hours (they are counted in their own step)."""
    related = dict.fromkeys(loc.get("location", "") for loc in step.get("locations") or [] if not loc.get("primary"))
    return f"<p class=\"locs\">Also touches: {codes(related)}</p>" if related else ""


def _risks_section(plan: dict) -> str:
    risks = plan.get("risks") or []
    out = ["<h2 id=\"risks\">Risks</h2>"]
    if not risks:
        return out[0] + "<p>No risks found.</p>"
    counts: dict[str, int] = {}
    for r in risks:  # the plan lists risks by severity, most severe first
        counts[r.get("severity", "")] = counts.get(r.get("severity", ""), 0) + 1
    caption = f"{len(risks)} risks by severity: " + ", ".join(f"{n} {s}" for s, n in counts.items())
    out.append(table(caption, ["Risk", "Severity", "Detail", "Evidence"],
                     ([r.get("title", ""), badge(r.get("severity", "")), prose(r.get("detail", "")),
                       codes(r.get("evidence") or [])] for r in risks)))
    return "".join(out)


def _questions_section(plan: dict) -> str:
    questions = plan.get("open_questions") or []
    if not questions:
        return ""
    return ("<h2 id=\"questions\">Open questions</h2><ol>"
            + "".join(f"<li><p><strong>{prose(q.get('question', ''))}</strong></p><p>{prose(q.get('why', ''))}</p>"
                      + (f"<p class=\"locs\">{codes(q.get('evidence') or [])}</p>" if q.get("evidence") else "")
                      + "</li>" for q in questions) + "</ol>")


def _cost_section(plan: dict) -> str:
    cost = plan.get("cost") or {}
    currency = cost.get("currency", "")
    out = ["<h2 id=\"cost\">Cost</h2>"]
    labor = cost.get("labor_by_role") or []
    if labor:
        out.append(table(f"Labor by role ({currency})", ["Role", "Hours", "Rate", "Amount"],
                         ([r.get("role", ""), value(plan, "cost", "labor_by_role", i, "hours"),
                           value(plan, "cost", "labor_by_role", i, "rate"),
                           value(plan, "cost", "labor_by_role", i, "amount")] for i, r in enumerate(labor)),
                         frozenset({1, 2, 3})))
    rows: list[list[Any]] = []
    if "labor" in cost:
        rows.append(["Labor (one-off)", _range(plan, "cost", "labor"), value(plan, "cost", "labor", "likely")])
    if "tooling" in cost:
        rows.append(["Tooling (one-off)", _range(plan, "cost", "tooling"), ""])
    for i, r in enumerate(cost.get("infrastructure_rows") or []):
        rows.append([f"{r.get('item', '')} (monthly)", _range(plan, "cost", "infrastructure_rows", i), ""])
    if "infrastructure_monthly" in cost:
        rows.append(["Self-hosted, all monthly", _range(plan, "cost", "infrastructure_monthly"), ""])
    if "monthly_savings" in cost:
        rows.append(["Saved a month against Clerk", _range(plan, "cost", "monthly_savings"), ""])
    if "break_even_months" in cost:
        months = cost["break_even_months"]
        rows.append(["Break-even (months)", Raw(" – ".join(
            str(value(plan, "cost", "break_even_months", k)) if months.get(k) is not None else "none"
            for k in ("low", "high"))), ""])
    out.append(table(f"Costs ({currency})", ["Item", "Low – high", "Likely"], rows, frozenset({1, 2})))
    bill = cost.get("clerk_monthly") or {}
    if bill.get("rows"):
        out.append(table(f"Clerk's monthly bill ({currency})", ["Item", "Amount"],
                         [*([r.get("item", ""), value(plan, "cost", "clerk_monthly", "rows", i, "amount")]
                            for i, r in enumerate(bill["rows"])),
                          ["Total", value(plan, "cost", "clerk_monthly", "monthly")]], frozenset({1})))
    verdict = (cost.get("break_even") or {}).get("verdict")
    if verdict:
        out.append(f"<p><strong>{e(verdict)}</strong></p>")
    if cost.get("assumptions"):
        out.append("<h3>Assumptions</h3><ul>" + "".join(f"<li>{e(a)}</li>" for a in cost["assumptions"]) + "</ul>")
    return "".join(out)


def _findings_section(plan: dict, findings: list[dict], packages: dict[str, str], documented: set[str],
                      scan_doc: Optional[dict]) -> str:
    out = ["<h2 id=\"findings\">Findings by step</h2>"]
    if not findings:
        return out[0] + "<p>No Clerk usage found.</p>"
    out.append("<p class=\"note\">Each finding is listed once, under the step whose work removes it, then by file.</p>")
    order = ((scan_doc or {}).get("summary") or {}).get("by_difficulty") or {}
    out.append(filter_form(findings, packages, order, (
        "The findings by difficulty and by category charts count the findings shown. " if scan_doc else "")
        + "The hour charts (by package, directory and role, and the steps) stay the whole plan's: its hours are "
        "rounded once per step and shared out, so they cannot be summed from a part of the findings."))
    pending: dict[tuple, deque] = defaultdict(deque)
    for f in findings:
        pending[(location_text(f), f.get("code", ""), f.get("symbol", ""))].append(f)
    tables = FindingTables(packages, documented)
    without = []
    for i, step in enumerate(plan.get("steps") or []):
        mine = []
        for loc in step.get("locations") or []:
            queue = pending.get((loc.get("location", ""), loc.get("code", ""), loc.get("symbol", "")))
            if loc.get("primary") and queue:
                mine.append(queue.popleft())
        number = str(step.get("order", i + 1))
        if not mine:
            without.append(f"{number}. {step.get('title', '')}")
            continue
        out.append(f"<section data-group id=\"{anchor('step-', number)}-findings\"><h3>{e(number)}. {e(step.get('title', ''))}"
                   f"</h3><p class=\"meta\">{value(plan, 'steps', i, 'hours')} h · {len(mine)} "
                   f"finding{'s' if len(mine) != 1 else ''}</p>{tables.files(mine)}</section>")
    if without:
        out.append("<p class=\"note\">Steps with no finding of their own (fixed tasks only): "
                   + "; ".join(str(e(t)) for t in without) + ".</p>")
    rest = [f for queue in pending.values() for f in queue]
    if rest:  # a finding no step claims would otherwise be missing from the page
        out.append(f"<section data-group id=\"step-other-findings\"><h3>Not in any step</h3>{tables.files(rest)}</section>")
    return "".join(out)
