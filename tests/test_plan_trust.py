"""A plan a tech lead can check by hand (issue 15, items 6, 7, 9): the rendered numbers add up
as printed, money is whole, no parameter ids leak, the break-even says what it means, every risk
and step cites file:line evidence, Clerk-id columns, authorization work and custom flows are named,
the files to change are pinned per fixture app, and the model orders the apps by size."""
from __future__ import annotations

import dataclasses
import json
import math
import re
import statistics
from pathlib import Path

import pytest

from clerk_lint.concepts.catalog import Catalog, load_catalog
from clerk_lint.plan import ModelParams, build_plan
from clerk_lint.plan.model import ROLES
from clerk_lint.plan.facts import authz_categories
from clerk_lint.plan.render_markdown import render_markdown
from clerk_lint.report.html import render_plan
from clerk_lint.scan.driver import run_scan
from cli_helpers import write
from expectations import expected_in_tree

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
SOURCE_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".py", ".vue", ".astro",
                   ".prisma", ".sql", ".toml", ".txt", ".yaml", ".yml", ".html", ".svelte")
MAUS = (1_000, 25_000, 400_000)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def scans(catalog):
    return {app: run_scan([FIXTURES / app], catalog) for app in APPS}


def _loc(f) -> str:
    return f"{f.location.path}:{f.location.line}"


# -- reading the rendered markdown back --------------------------------------------------------------


def _tables(text: str) -> dict[str, list[list[str]]]:
    """Markdown tables by their first header cell -> rows of cells (bold marks stripped)."""
    tables: dict[str, list[list[str]]] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            head = _cells(lines[i])
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            tables[head[0]] = [head] + rows
        else:
            i += 1
    return tables


def _cells(line: str) -> list[str]:
    return [c.strip().replace("**", "") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _n(cell: str) -> float:
    return float(cell.replace(",", "").replace(" h", "").replace("−", "-"))


def _table(tables, prefix: str):
    key = next(k for k in tables if k.startswith(prefix))
    return tables[key][1:]


@pytest.mark.parametrize("mau", MAUS)
@pytest.mark.parametrize("app", APPS)
def test_rendered_markdown_adds_up(app, mau, scans, catalog):
    plan = build_plan(scans[app], catalog, mau=mau)
    text = render_markdown(plan)
    t = _tables(text)
    likely = _n(_table(t, "low")[0][1])
    assert f"Effort **{_table(t, 'low')[0][1]}**" in text

    steps = _table(t, "#")
    assert steps[-1][1] == "total"
    assert sum(_n(r[2]) for r in steps[:-1]) == pytest.approx(_n(steps[-1][2])) == pytest.approx(likely)
    roles = _table(t, "role")
    assert roles[-1][0] == "total"
    assert sum(_n(r[1]) for r in roles[:-1]) == pytest.approx(_n(roles[-1][1])) == pytest.approx(likely)
    sources = _table(t, "where the hours come from")
    assert sources[-1][0] == "total"
    assert sum(_n(r[1]) for r in sources[:-1]) == pytest.approx(_n(sources[-1][1])) == pytest.approx(likely)
    for st, row in zip(plan["steps"], steps[:-1]):
        assert f"### {st['order']}. {st['title']} ({row[2]} h)" in text
    assert "rounded up to" in text and "sum of the rows shown" in text  # says how

    # money: whole units, and every total the sum of its rows
    labor = _table(t, "labor by role")
    for row in labor[:-1]:
        assert re.fullmatch(r"-?[\d,]+", row[3]), row
        assert _n(row[3]) == math.floor(_n(row[1]) * _n(row[2]) + 0.5)
    assert labor[-1][0] == "labor, likely"
    assert sum(_n(r[3]) for r in labor[:-1]) == _n(labor[-1][3])
    assert sum(_n(r[1]) for r in labor[:-1]) == pytest.approx(likely) == pytest.approx(_n(labor[-1][1]))
    items = _table(t, "item")
    infra = [r for r in items if r[0].endswith("(monthly)") and not r[0].startswith("self-hosted")]
    total = next(r for r in items if r[0].startswith("self-hosted infrastructure"))
    for col in (1, 2):
        assert sum(_n(r[col]) for r in infra) == _n(total[col])
    for row in items:
        assert all(re.fullmatch(r"-?[\d,]+", c) for c in row[1:]), row
    clerk = _table(t, "Clerk at")
    assert clerk[-1][0] == "Clerk (monthly)"
    assert sum(_n(r[1]) for r in clerk[:-1]) == _n(clerk[-1][1])
    comparison = _table(t, "comparison")
    savings = comparison[0]
    assert _n(savings[1]) == _n(clerk[-1][1]) - _n(total[2])
    assert _n(savings[2]) == _n(clerk[-1][1]) - _n(total[1])
    assert _n(savings[1]) == plan["cost"]["monthly_savings"]["low"]


@pytest.mark.parametrize("app", APPS)
def test_rendered_markdown_where_tables_add_up(app, scans, catalog):
    """Finding hours by package and by directory: the JSON's rows, summing to the total printed,
    which is the finding part of the "where the hours come from" table."""
    plan = build_plan(scans[app], catalog)
    effort = plan["effort"]
    t = _tables(render_markdown(plan))
    findings_total = sum(_n(r[1]) for r in _table(t, "where the hours come from") if r[0].startswith("findings: "))
    directories = _table(t, "finding hours by directory")
    assert directories[-1][0] == "total"
    assert [(r[0].strip("`"), _n(r[1])) for r in directories[:-1]] == list(effort["by_directory"].items())
    assert sum(_n(r[1]) for r in directories[:-1]) == pytest.approx(_n(directories[-1][1])) \
        == pytest.approx(findings_total)
    packages = effort["by_package"]
    if not packages:
        assert not any(k.startswith("finding hours by workspace package") for k in t)
        return
    rows = _table(t, "finding hours by workspace package")
    assert rows[-1][0] == "total" and len(rows) == len(packages) + 1
    for row, package in zip(rows, packages):
        assert _n(row[2]) == package["hours"]
        assert row[1] == (f"`{package['path']}`" if package["path"] else "(root)" if package["path"] == "" else "—")
    assert sum(_n(r[2]) for r in rows[:-1]) == pytest.approx(_n(rows[-1][2])) == pytest.approx(findings_total)


@pytest.mark.parametrize("app", APPS)
def test_json_plan_adds_up(app, scans, catalog):
    plan = json.loads(json.dumps(build_plan(scans[app], catalog, mau=50_000)))
    e, c = plan["effort"], plan["cost"]
    likely = e["hours"]["likely"]
    assert sum(s["hours"] for s in plan["steps"]) == pytest.approx(likely)
    assert sum(e["roles"].values()) == pytest.approx(likely)
    assert sum(e["by_category"].values()) + sum(e["fixed_tasks"].values()) == pytest.approx(likely)
    assert sum(r["amount"] for r in c["labor_by_role"]) == c["labor"]["likely"]
    for side in ("low", "high"):
        assert sum(r[side] for r in c["infrastructure_rows"]) == c["infrastructure_monthly"][side]
    assert sum(r["amount"] for r in c["clerk_monthly"]["rows"]) == c["clerk_monthly"]["monthly"]
    money = [c["labor"][k] for k in ("low", "likely", "high")] + [r["amount"] for r in c["labor_by_role"]]
    money += [c["tooling"]["low"], c["tooling"]["high"], c["clerk_monthly"]["monthly"]]
    money += [v for v in c["monthly_savings"].values()] + [v for v in c["infrastructure_monthly"].values()]
    assert all(isinstance(m, int) for m in money), money


@pytest.mark.parametrize("app", APPS)
def test_no_parameter_ids_in_any_output(app, scans, catalog):
    params = ModelParams.load()
    plan = build_plan(scans[app], catalog, params=params, mau=25_000)
    # JSON: the field names are the documented schema and `id` / `key` stable identifiers; every
    # text meant for people (titles, details, labels, assumptions) must be free of parameter ids
    shown = "\n".join(_texts(plan))
    markdown, html = render_markdown(plan), render_plan(plan)
    param_names = {f.name for f in dataclasses.fields(ModelParams) if "_" in f.name}
    for text in (shown, markdown, html):
        for name in param_names | {"qa-share"}:
            assert name not in text, name
    # the fixed tasks are named by their titles, in every format
    assert set(plan["effort"]["fixed_tasks"]).isdisjoint(params.fixed)
    for text in (markdown, html):
        for name in set(params.fixed) - set(ROLES):  # "qa" is also the role's name
            assert f"| {name} |" not in text and f"<td>{name}</td>" not in text


def _texts(node, key=""):
    if isinstance(node, dict):
        for k, v in node.items():
            if key in ("fixed_tasks",):
                yield k
            if k not in ("id", "key"):
                yield from _texts(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v, key)
    elif isinstance(node, str):
        yield node


def test_break_even_verdict_pays_back(scans, catalog):
    plan = build_plan(scans["nextjs-app-router"], catalog, mau=25_000)
    be = plan["cost"]["break_even"]
    m = re.fullmatch(r"Self-hosting pays back in about (\d+) months? at 25,000 MAU \(.*\)\.", be["verdict"])
    assert m and int(m.group(1)) == be["months"]
    low, high = plan["cost"]["break_even_months"]["low"], plan["cost"]["break_even_months"]["high"]
    assert math.floor(low) <= be["months"] <= math.ceil(high)
    assert be["verdict"] in render_markdown(plan) and be["verdict"] in render_plan(plan)


@pytest.mark.parametrize("app", ["react-spa", "django-app"])
def test_break_even_verdict_below_threshold(app, scans, catalog):
    plan = build_plan(scans[app], catalog, mau=1_000)
    be = plan["cost"]["break_even"]
    m = re.match(r"Self-hosting does not pay back below ([\d,]+) MAU", be["verdict"])
    assert m and be["months"] is None
    threshold = int(m.group(1).replace(",", ""))
    assert threshold == be["pays_back_from_mau"]
    # it is the first MAU at which the verdict turns
    at = build_plan(scans[app], catalog, mau=threshold)["cost"]["break_even"]
    before = build_plan(scans[app], catalog, mau=threshold - 1)["cost"]["break_even"]
    assert at["months"] is not None and before["months"] is None


# -- evidence -------------------------------------------------------------------------------------------


def test_clerk_id_risk_points_at_the_columns(scans, catalog):
    result = scans["saas-config"]
    plan = build_plan(result, catalog)
    risk = next(r for r in plan["risks"] if r["key"] == "clerk-ids")
    columns = [f for f in result.findings if f.category == "database"]
    assert {"CLK720", "CLK721"} <= {f.code for f in columns} <= {"CLK720", "CLK721", "CLK724"}
    locs = list(dict.fromkeys(_loc(f) for f in columns))
    assert risk["evidence"][:len(locs)] == locs  # columns first
    for f in columns:
        table, column = f.detail("table"), f.detail("column") or f.detail("field")
        if table and column:
            assert f"{table}.{column}" in risk["detail"]
        assert _loc(f) in risk["detail"]


def test_clerk_ids_without_columns_ask_where(scans, catalog):
    plan = build_plan(scans["nextjs-app-router"], catalog)
    risk = next(r for r in plan["risks"] if r["key"] == "clerk-ids")
    assert "Which columns store them?" in risk["detail"]


@pytest.mark.parametrize("app", APPS)
def test_authorization_checks_are_authorization_work(app, scans, catalog):
    result = scans[app]
    plan = build_plan(result, catalog)
    authz = authz_categories(catalog)
    checks = [f for f in result.findings if f.category in authz]
    risk = next((r for r in plan["risks"] if r["key"] == "authorization"), None)
    if not checks:
        assert risk is None
        return
    assert set(map(_loc, checks)) <= set(risk["evidence"])
    step = next((s for s in plan["steps"] if s["id"] == "authorization"), None)
    owners = {}
    for s in plan["steps"]:
        for l in s["locations"]:
            if l["primary"]:
                owners[(l["location"], l["code"], l["symbol"])] = s["id"]
    for f in checks:
        owner = owners[(_loc(f), f.code, f.symbol)]
        # role / permission checks are access-control work, checks in the middleware go with it
        assert owner in ("authorization", "organizations", "middleware"), (f, owner)
        if owner == "authorization":
            assert f.symbol in step["details"]


def test_authz_categories_come_from_the_catalog(tmp_path, catalog):
    # a new authz-family rule with a category of its own is authorization work without code changes
    base = catalog.by_code["CLK501"]
    context_rule = dataclasses.replace(base, code="CLK599", name="test-context-read", category="auth-context")
    token_rule = catalog.by_code["CLK504"]
    bigger = Catalog(list(catalog.rules) + [context_rule], catalog.surface)
    assert "auth-context" in authz_categories(bigger)
    assert token_rule.category not in authz_categories(bigger)
    assert authz_categories(catalog) >= {"authz-check"}


@pytest.mark.parametrize("app", ["expo-app", "react-spa", "vite-org-admin"])
def test_custom_flows_are_their_own_step_with_calls(app, scans, catalog):
    result = scans[app]
    plan = build_plan(result, catalog)
    flows = [f for f in result.findings if f.category == "custom-flow"]
    assert flows
    step = next(s for s in plan["steps"] if s["id"] == "custom-flows")
    primary = {(l["location"], l["code"]) for l in step["locations"] if l["primary"]}
    assert {(_loc(f), f.code) for f in flows} <= primary
    for f in flows:
        assert f.symbol in step["details"]
    # the hook that hands out the flow's resource is rewritten with it
    hooks = [f for f in result.findings if f.code == "CLK205" and f.symbol in ("useSignIn", "useSignUp")
             and any(g.location.path == f.location.path for g in flows)]
    assert {(_loc(f), f.code) for f in hooks} <= primary


# -- files to change ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_files_to_change_are_pinned(app, scans, catalog):
    plan = build_plan(scans[app], catalog)
    listed = [e["path"] for e in plan["files_to_change"]]
    # pinned by the fixture's own expectation comments, not by the scanner's output
    marked = sorted({path for path, _line, _code in expected_in_tree(FIXTURES / app, SOURCE_SUFFIXES)})
    named = {l["location"].rsplit(":", 1)[0] for s in plan["steps"] for l in s["locations"]}
    assert listed == sorted(set(marked) | named)
    assert named <= set(marked)  # the steps name no file without a finding
    for e in plan["files_to_change"]:
        assert e["findings"] == sum(1 for p, _l, _c in expected_in_tree(FIXTURES / app, SOURCE_SUFFIXES).elements()
                                    if p == e["path"])
        assert e["steps"] == sorted(s["order"] for s in plan["steps"] if e["path"] in s["files"])
    text = render_markdown(plan)
    assert f"## Files to change ({len(listed)})" in text
    for path in listed:
        assert f"| `{path}` |" in text


# -- the model orders apps by size ------------------------------------------------------------------------


def _ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def test_model_orders_apps_like_their_findings_and_files(scans, catalog):
    rows = []
    for app in APPS:
        plan = build_plan(scans[app], catalog)
        rows.append((app, plan["effort"]["hours"]["likely"], plan["summary"]["findings"],
                     len(plan["files_to_change"]), frozenset(step["title"] for step in plan["steps"])))
    hours = [r[1] for r in rows]
    findings = [r[2] for r in rows]
    files = [r[3] for r in rows]
    # rank agreement (Spearman): hours follow findings closely and files loosely (difficulty differs)
    assert statistics.correlation(_ranks(hours), _ranks(findings)) >= 0.7, rows
    assert statistics.correlation(_ranks(hours), _ranks(files)) >= 0.5, rows
    # an app with at least twice the findings and 1.5x the files of another, and every kind of
    # work the other needs, costs more (a prebuilt-UI rebuild in a small app may outweigh many reads)
    for a in rows:
        for b in rows:
            if a[2] >= 2 * b[2] and a[3] >= 1.5 * b[3] and a[4] >= b[4]:
                assert a[1] > b[1], (a[:4], b[:4])
    # the smallest app costs less than every app with twice its findings (an app only a little larger
    # may need fewer kinds of work: no MFA, no organizations)
    smallest = min(rows, key=lambda r: (r[2], r[3]))
    assert all(smallest[1] < r[1] for r in rows if r[2] >= 2 * smallest[2]), rows


def test_hours_grow_with_findings_on_one_app(tmp_path, catalog):
    # more call sites of the same APIs: more hours, but less than proportionally (repeat decay)
    def app(n):
        body = "".join(f"export function C{i}() {{ const {{ user }} = useUser(); return user; }}\n" for i in range(n))
        root = write(tmp_path / f"a{n}", {"src/c.tsx": 'import { useUser } from "@clerk/clerk-react";\n' + body})
        return build_plan(run_scan([root], catalog), catalog)["effort"]["hours"]["likely"]

    one, four, sixteen = app(1), app(4), app(16)
    assert one < four < sixteen
    assert sixteen - four < 4 * (four - one)
