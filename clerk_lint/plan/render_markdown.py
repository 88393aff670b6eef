"""The plan as Markdown (a PR description or wiki page): the same content as the JSON, in tables."""
from __future__ import annotations

MAX_EVIDENCE = 8  # locations shown inline per risk/question; the rest are counted


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _evidence(items: list[str]) -> str:
    if not items:
        return "—"
    shown = ", ".join(f"`{_cell(e)}`" for e in items[:MAX_EVIDENCE])
    more = len(items) - MAX_EVIDENCE
    return shown + (f" (+{more} more)" if more > 0 else "")


def _num(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"
    if isinstance(x, bool):
        return str(x)
    return f"{x:,}" if isinstance(x, int) else str(x)


def _where_tables(e: dict) -> list[str]:
    """The finding hours by workspace package and by directory (`effort.by_package`,
    `effort.by_directory`): rows already rounded, each table's total the sum of its rows, which
    is the finding categories' total (fixed tasks belong to no file)."""
    out: list[str] = []
    packages, directories = e.get("by_package") or [], e.get("by_directory") or {}
    if packages:
        out += ["", "| finding hours by workspace package | folder | hours |", "|---|---|---|"]
        for row in packages:
            if row["path"] is None:
                out.append(f"| outside any package | — | {_num(row['hours'])} |")
            else:
                folder = f"`{_cell(row['path'])}`" if row["path"] else "(root)"
                out.append(f"| {_cell(row['name'] or '—')} | {folder} | {_num(row['hours'])} |")
        out.append(f"| **total** | | **{_num(round(sum(r['hours'] for r in packages), 2))}** |")
    if directories:
        out += ["", "| finding hours by directory | hours |", "|---|---|"]
        for directory, hours in directories.items():
            out.append(f"| `{_cell(directory)}` | {_num(hours)} |")
        out.append(f"| **total** | **{_num(round(sum(directories.values()), 2))}** |")
    if packages or directories:
        out += ["", "Package and directory hours share out the finding categories' total above the same way; "
                "fixed tasks belong to no file."]
    return out


def render_markdown(plan: dict) -> str:
    out: list[str] = []
    s, e, c = plan["summary"], plan["effort"], plan["cost"]
    h = e["hours"]
    out.append("# Clerk → Better Auth migration plan")
    out.append("")
    out.append(f"{s['findings']} findings in {s['files_scanned']} files"
               + (f", {s['problems']} file(s) not fully scanned" if s["problems"] else "")
               + f". Effort **{_num(h['likely'])} h** (range {_num(h['low'])}–{_num(h['high'])} h), "
               f"size **{e['tshirt']}**; labor {c['currency']} {_num(c['labor']['low'])}–{_num(c['labor']['high'])}.")
    if s.get("better_auth_plugins"):
        out.append("")
        out.append("Better Auth plugins needed: " + ", ".join(f"`{p}`" for p in s["better_auth_plugins"]) + ".")

    out += ["", "## Risks", "", "| severity | risk | detail | evidence |", "|---|---|---|---|"]
    for r in plan["risks"]:
        out.append(f"| {r['severity']} | {_cell(r['title'])} | {_cell(r['detail'])} | {_evidence(r['evidence'])} |")

    out += ["", "## Effort", "", "| low | likely | high | t-shirt |", "|---|---|---|---|",
            f"| {_num(h['low'])} h | {_num(h['likely'])} h | {_num(h['high'])} h | {e['tshirt']} |",
            "", e["rounding"], "", "| role | hours |", "|---|---|"]
    for role, hours in e["roles"].items():
        out.append(f"| {role} | {_num(hours)} |")
    out.append(f"| **total** | **{_num(h['likely'])}** |")
    out += ["", "| where the hours come from | hours |", "|---|---|"]
    for cat, hours in e["by_category"].items():
        out.append(f"| findings: {_cell(cat)} | {_num(hours)} |")
    for name, hours in e["fixed_tasks"].items():
        out.append(f"| {_cell(name)} | {_num(hours)} |")
    out.append(f"| **total** | **{_num(h['likely'])}** |")
    out += _where_tables(e)
    rng = e["range"]
    out += ["", f"Range: low = likely × {rng['low_factor']}, high = likely × {rng['high_factor']} "
            f"({rng['problems']} file problem(s), {rng['indirect_findings']} indirect finding(s), "
            f"{rng['blocker_risks']} blocker risk(s))."]

    cur = c["currency"]
    out += ["", "## Cost", "", f"| labor by role | hours | rate ({cur}/h) | {cur} |", "|---|---|---|---|"]
    for row in c["labor_by_role"]:
        out.append(f"| {row['role']} | {_num(row['hours'])} | {_num(row['rate'])} | {_num(row['amount'])} |")
    lab = c["labor"]
    out.append(f"| **labor, likely** | **{_num(h['likely'])}** | | **{_num(lab['likely'])}** |")
    out += ["", f"| item | low ({cur}) | high ({cur}) |", "|---|---|---|",
            f"| labor (one-off: likely × {rng['low_factor']} / × {rng['high_factor']}) | {_num(lab['low'])} | "
            f"{_num(lab['high'])} |",
            f"| tooling (one-off) | {_num(c['tooling']['low'])} | {_num(c['tooling']['high'])} |"]
    for row in c["infrastructure_rows"]:
        out.append(f"| {_cell(row['item'])} (monthly) | {_num(row['low'])} | {_num(row['high'])} |")
    infra = c["infrastructure_monthly"]
    out.append(f"| **self-hosted infrastructure (monthly)** | **{_num(infra['low'])}** | **{_num(infra['high'])}** |")
    if "clerk_monthly" in c:
        bill = c["clerk_monthly"]
        out += ["", f"| Clerk at {_num(bill['mau'])} MAU (monthly) | {cur} |", "|---|---|"]
        for row in bill["rows"]:
            out.append(f"| {_cell(row['item'])} | {_num(row['amount'])} |")
        out.append(f"| **Clerk (monthly)** | **{_num(bill['monthly'])}** |")
        be = c["break_even_months"]
        out += ["", f"| comparison | low ({cur}) | high ({cur}) |", "|---|---|---|",
                f"| monthly savings (Clerk − self-hosted high / low) | {_num(c['monthly_savings']['low'])} | "
                f"{_num(c['monthly_savings']['high'])} |",
                f"| break-even (months: one-off low / high ÷ savings high / low) | {_num(be['low'])} | "
                f"{_num(be['high'])} |",
                "", f"**{c['break_even']['verdict']}**"]
    out += [""] + [f"- {_cell(a)}" for a in c["assumptions"]]

    out += ["", "## Steps", "", "| # | step | hours | after | locations |", "|---|---|---|---|---|"]
    for st in plan["steps"]:
        after = ", ".join(str(d) for d in st["depends_on"]) or "—"
        out.append(f"| {st['order']} | {_cell(st['title'])} | {_num(st['hours'])} | {after} | {len(st['locations'])} |")
    out.append(f"| | **total** | **{_num(h['likely'])}** | | |")
    for st in plan["steps"]:
        out += ["", f"### {st['order']}. {st['title']} ({_num(st['hours'])} h)", "", st["details"]]
        if st["locations"]:
            out.append("")
            for loc in st["locations"]:
                mark = "" if loc["primary"] else " _(related)_"
                out.append(f"- `{loc['location']}` {loc['code']}: {loc['change']}{mark}")

    out += ["", f"## Files to change ({len(plan['files_to_change'])})", "",
            "Every file with a finding and every file a step names.", "",
            "| file | findings | steps |", "|---|---|---|"]
    for entry in plan["files_to_change"]:
        out.append(f"| `{_cell(entry['path'])}` | {entry['findings']} | {', '.join(map(str, entry['steps'])) or '—'} |")

    out += ["", "## Open questions", ""]
    for n, q in enumerate(plan["open_questions"], 1):
        out.append(f"{n}. **{q['question']}** {q['why']}" + (f" Evidence: {_evidence(q['evidence'])}."
                                                              if q["evidence"] else ""))
    return "\n".join(out) + "\n"
