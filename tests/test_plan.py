"""`clerk-lint plan`: risks with evidence, an effort/cost model driven by documented parameters,
steps that cover every finding, open questions; on every fixture app and on small projects
written here."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.cli import main
from clerk_lint.plan import ModelError, ModelParams, Pricing, build_plan
from clerk_lint.plan.facts import collect, locations
from clerk_lint.plan.model import ROLES, finding_hours
from clerk_lint.plan.render_markdown import render_markdown
from clerk_lint.plan.risks import SEVERITIES
from clerk_lint.scan.driver import run_scan
from clerk_lint.scan.per_file import ScanOptions
from cli_helpers import write

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def scans():
    catalog = load_catalog()
    return {app: run_scan([FIXTURES / app], catalog) for app in APPS}


def _plan(result, **kw):
    return build_plan(result, load_catalog(), **kw)


def _loc(f) -> str:
    return f"{f.location.path}:{f.location.line}"


def _risk(plan, key):
    return next((r for r in plan["risks"] if r["key"] == key), None)



# -- properties every fixture's plan must have ----------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_every_finding_is_covered_by_a_step(app, scans):
    result = scans[app]
    plan = _plan(result)
    assert result.findings, f"{app} has no findings"
    touched = {(l["location"], l["code"], l["symbol"]) for s in plan["steps"] for l in s["locations"]}
    primary = [(l["location"], l["code"], l["symbol"]) for s in plan["steps"] for l in s["locations"] if l["primary"]]
    for f in result.findings:
        assert (_loc(f), f.code, f.symbol) in touched, f"{app}: {_loc(f)} {f.code} is in no step"
    # each finding is priced exactly once: one primary location per finding
    assert sorted(primary) == sorted((_loc(f), f.code, f.symbol) for f in result.findings)


@pytest.mark.parametrize("app", APPS)
def test_risks_have_real_evidence_and_severity_order(app, scans):
    result = scans[app]
    plan = _plan(result)
    finding_locs = {_loc(f) for f in result.findings}
    problem_paths = {p.path for p in result.problems}
    ranks = [SEVERITIES.index(r["severity"]) for r in plan["risks"]]
    assert ranks == sorted(ranks)
    for risk in plan["risks"]:
        assert set(risk) >= {"severity", "title", "detail", "evidence"}
        assert risk["evidence"], f"{app}: risk {risk['key']} has no evidence"
        assert set(risk["evidence"]) <= finding_locs | problem_paths
    # what no scan can see is asked, not asserted
    dashboard = next(q for q in plan["open_questions"] if q["key"] == "dashboard-settings")
    assert dashboard["question"].endswith("?") and dashboard["evidence"] == []


@pytest.mark.parametrize("app", APPS)
def test_every_step_cites_file_line_evidence(app, scans):
    result = scans[app]
    plan = _plan(result)
    finding_locs = {_loc(f) for f in result.findings}
    for step in plan["steps"]:
        assert step["locations"], f"{app}: step {step['title']} cites nothing"
        assert {l["location"] for l in step["locations"]} <= finding_locs
    # a question is the only thing allowed without evidence
    for q in plan["open_questions"]:
        assert q["evidence"] or q["question"].rstrip(")").endswith("?") or "?" in q["question"]


@pytest.mark.parametrize("app", APPS)
def test_steps_are_ordered_and_priced_consistently(app, scans):
    params = ModelParams.load()
    plan = _plan(scans[app], params=params)
    steps = plan["steps"]
    assert [s["order"] for s in steps] == list(range(1, len(steps) + 1))
    for s in steps:
        assert all(d < s["order"] for d in s["depends_on"]), s
        assert s["hours"] > 0 and s["details"]
    ids = [s["id"] for s in steps]
    # the fixed skeleton of every migration, in this order
    skeleton = ["setup", "user-import", "session-cutover", "cleanup", "qa"]
    assert [i for i in ids if i in skeleton] == skeleton
    # the password step needs password evidence; else the plan asks
    facts = collect(scans[app])
    assert ("password-hasher" in ids) == facts.has("passwords")
    asked = any(q["key"] == "passwords" for q in plan["open_questions"])
    assert asked == (not facts.has("passwords"))
    effort = plan["effort"]
    likely = effort["hours"]["likely"]
    # every printed total is the sum of its printed rows
    assert sum(s["hours"] for s in steps) == pytest.approx(likely, abs=1e-9)
    assert sum(effort["roles"].values()) == pytest.approx(likely, abs=1e-9)
    assert sum(effort["by_category"].values()) + sum(effort["fixed_tasks"].values()) == pytest.approx(likely, abs=1e-9)
    assert effort["hours"]["low"] <= likely <= effort["hours"]["high"]
    assert effort["tshirt"] == params.tshirt_for(likely) or abs(likely - min(
        abs(likely - b) for b in params.tshirt.values())) <= params.round_to
    categories = {f.category for f in scans[app].findings}
    assert set(effort["by_category"]) <= categories


@pytest.mark.parametrize("app", APPS)
def test_markdown_renders_the_same_content(app, scans):
    plan = _plan(scans[app], mau=25_000)
    text = render_markdown(plan)
    for heading in ("## Risks", "## Effort", "## Cost", "## Steps", "## Open questions"):
        assert heading in text
    for risk in plan["risks"]:
        assert risk["title"] in text
    for step in plan["steps"]:
        assert f"### {step['order']}. {step['title']}" in text
    for q in plan["open_questions"]:
        assert q["question"] in text


# -- the fixture apps' real risks ----------------------------------------------------------------------------


def test_app_router_names_its_real_risks(scans):
    result = scans["nextjs-app-router"]
    plan = _plan(result)
    supabase = [f for f in result.findings if f.category == "jwt-template" and f.detail("template") == "supabase"]
    assert supabase
    risk = _risk(plan, "jwt-template:supabase")
    assert risk["severity"] == "blocker"
    assert set(locations(supabase)) <= set(risk["evidence"])
    plan_check = [f for f in result.findings if f.detail("plan")]
    assert plan_check and set(locations(plan_check)) <= set(_risk(plan, "billing")["evidence"])
    assert _risk(plan, "billing")["severity"] == "blocker"
    # hosted UI: the prebuilt components found, hard ones make it a blocker
    ui = _risk(plan, "hosted-ui")
    assert ui["severity"] == "blocker"
    for f in result.findings:
        if f.category == "ui-component" and f.symbol in ("SignIn", "OrganizationProfile", "PricingTable"):
            assert _loc(f) in ui["evidence"]
    # every permission checked in code is named in the organization risk
    perms = {f.detail("permission") for f in result.findings if f.detail("permission")}
    org = _risk(plan, "organizations")
    for perm in perms:
        feature, action = perm.split(":")[1:]
        assert feature in org["detail"] and action in org["detail"]
    events = {f.detail("event") for f in result.findings if f.category == "webhook" and f.detail("event")}
    assert events and all(e in _risk(plan, "webhooks")["detail"] for e in events)
    # the sessions risk always goes with a provider or middleware
    assert _risk(plan, "sessions") is not None
    assert not any(r["key"] == "social" for r in plan["risks"])  # no provider is named in this app's code


def test_pages_router_custom_role_and_template(scans):
    result = scans["nextjs-pages-router"]
    plan = _plan(result)
    roles = {f.detail("role") for f in result.findings if f.detail("role")}
    assert "org:guide" in roles
    org = _risk(plan, "organizations")
    assert "org:guide -> guide" in org["detail"] and "Custom roles" in org["detail"]
    template = _risk(plan, "jwt-template:trail-sync")
    assert template["severity"] == "warning"
    q = next(q for q in plan["open_questions"] if q["key"] == "roles-permissions")
    assert "org:guide" in q["question"]


def test_react_spa_social_provider_and_waitlist(scans):
    result = scans["react-spa"]
    plan = _plan(result)
    one_tap = [f for f in result.findings if f.symbol == "GoogleOneTap"]
    social = _risk(plan, "social")
    assert one_tap and set(locations(one_tap)) <= set(social["evidence"]) and "google" in social["detail"]
    waitlist = [f for f in result.findings if f.symbol == "Waitlist"]
    assert waitlist and set(locations(waitlist)) <= set(_risk(plan, "hosted-ui")["evidence"])
    social_step = next(s for s in plan["steps"] if s["id"] == "social")
    assert {_loc(f) for f in one_tap} <= {l["location"] for l in social_step["locations"]}
    assert "oneTap" in plan["summary"]["better_auth_plugins"]


# -- small projects: a risk appears only with its evidence ----------------------------------------------------


def test_minimal_project_has_only_evidenced_risks(tmp_path):
    root = write(tmp_path, {"src/Profile.tsx": (
        'import { useUser } from "@clerk/clerk-react";\n'
        "export function Profile() {\n"
        "  const { user } = useUser();\n"
        "  return <p>{user?.fullName}</p>;\n"
        "}\n")})
    result = run_scan([root], load_catalog())
    plan = _plan(result)
    keys = {r["key"] for r in plan["risks"]}
    assert keys <= {"sessions"}
    assert "dashboard-settings" in {q["key"] for q in plan["open_questions"]}
    for absent in ("billing", "organizations", "webhooks", "mfa", "social", "clerk-ids", "hosted-ui"):
        assert absent not in keys
    ids = [s["id"] for s in plan["steps"]]
    for absent in ("organizations", "billing", "webhooks", "tokens", "social", "mfa", "ui"):
        assert absent not in ids
    assert "client" in ids


def test_unscanned_files_become_an_unknown_risk(tmp_path):
    root = write(tmp_path, {
        "src/a.tsx": 'import { useUser } from "@clerk/clerk-react";\nexport const A = () => useUser();\n',
        "src/big.ts": "// padding\n" * 400,
    })
    result = run_scan([root], load_catalog(), ScanOptions(max_bytes=2000))
    assert any(p.path == "src/big.ts" for p in result.problems)
    plan = _plan(result)
    risk = _risk(plan, "unscanned-code")
    assert risk["severity"] == "unknown" and "src/big.ts" in risk["evidence"]
    params = ModelParams.load()
    base = _plan(run_scan([root], load_catalog()))
    assert plan["effort"]["range"]["high_factor"] == pytest.approx(
        base["effort"]["range"]["high_factor"] + params.high_per_problem * len(result.problems))


# -- the model ---------------------------------------------------------------------------------------------------


def test_repeated_uses_of_an_api_decay(tmp_path):
    params = ModelParams.load()
    body = "".join(f"export function C{i}() {{ const {{ user }} = useUser(); return user; }}\n" for i in range(4))
    root = write(tmp_path, {"src/c.tsx": 'import { useUser } from "@clerk/clerk-react";\n' + body})
    result = run_scan([root], load_catalog())
    uses = [f for f in result.findings if f.symbol == "useUser" and f.category == "hook"]
    assert len(uses) == 4
    hours = finding_hours(uses, params)
    base = uses[0].effort_hours
    assert hours == pytest.approx([base * max(params.repeat_floor, params.repeat_decay ** k) for k in range(4)])
    assert hours[0] > hours[1] > hours[2] >= hours[3]
    flat = ModelParams.from_dict({"effort": {"repeat_decay": 1.0}})
    assert finding_hours(uses, flat) == pytest.approx([base] * 4)


def test_fixed_tasks_and_qa_share(scans):
    params = ModelParams.load()
    plan = _plan(scans["nextjs-app-router"], params=params)
    fixed = plan["effort"]["fixed_tasks"]
    for name in ("setup", "user-import", "session-cutover", "cleanup", "qa"):
        assert fixed[params.fixed[name].title] == pytest.approx(params.fixed[name].hours, abs=params.round_to)
    without_qa = ModelParams.from_dict({"effort": {"qa_share": 0.0}})
    plan0 = _plan(scans["nextjs-app-router"], params=without_qa)
    assert plan0["effort"]["fixed_tasks"]["QA share: 0% of all other hours"] == 0
    likely0 = plan0["effort"]["hours"]["likely"]
    expected = likely0 + params.qa_share * (likely0 - params.fixed["qa"].hours)
    assert plan["effort"]["hours"]["likely"] == pytest.approx(expected, abs=params.round_to * 2)


def test_overrides_change_the_numbers(scans):
    result = scans["react-spa"]
    base = _plan(result)
    doubled = _plan(result, params=ModelParams.from_dict({"hourly-rate": 200}))
    assert doubled["cost"]["rates"] == {r: 200 for r in ROLES}
    hours = base["effort"]["roles"]
    assert doubled["cost"]["labor"]["high"] > base["cost"]["labor"]["high"]
    small_bounds = ModelParams.from_dict({"tshirt": {"XS": 1, "S": 2, "M": 3, "L": 4}})
    assert _plan(result, params=small_bounds)["effort"]["tshirt"] == "XL"
    # role split follows the category map
    moved = _plan(result, params=ModelParams.from_dict({"roles": {"by_category": {"ui-component": "backend"}}}))
    assert moved["effort"]["roles"]["frontend"] < hours["frontend"]
    with pytest.raises(ModelError):
        ModelParams.from_dict({"effort": {"no_such_knob": 1}})
    with pytest.raises(ModelError):
        ModelParams.from_dict({"roles": {"by_category": {"hook": "designer"}}})
    with pytest.raises(ModelError):
        ModelParams.from_dict({"tshirt": {"XS": 50, "S": 10}})


def test_labor_is_role_hours_times_rates(scans):
    params = ModelParams.load()
    plan = _plan(scans["nextjs-pages-router"], params=params)
    roles = plan["effort"]["roles"]
    rng = plan["effort"]["range"]
    # each role row is hours shown x rate, rounded once; the likely labor is their sum
    rows = plan["cost"]["labor_by_role"]
    assert [r["amount"] for r in rows] == [int(math.floor(roles[r] * params.rates[r] + 0.5)) for r in ROLES]
    labor_likely = sum(r["amount"] for r in rows)
    assert plan["cost"]["labor"]["likely"] == labor_likely
    assert plan["cost"]["labor"]["low"] == pytest.approx(labor_likely * params.low_factor, abs=0.5)
    assert plan["cost"]["labor"]["high"] == pytest.approx(labor_likely * rng["high_factor"], abs=0.5 + labor_likely * 5e-4)


# -- pricing and break-even ---------------------------------------------------------------------------------------


def _bill_by_hand(table: Pricing, mau: int) -> float:
    plan = next(p for p in table.plans if not p["max_mau"] or mau <= p["max_mau"])
    total, lower, left = float(plan["monthly"]), int(plan["included_mau"]), max(0, mau - int(plan["included_mau"]))
    for tier in plan.get("overage", ()):
        upper = int(tier["up_to"]) or math.inf
        take = min(left, upper - lower)
        total += take * float(tier["per_mau"])
        left -= take
        lower = upper
    return round(total, 2)


@pytest.mark.parametrize("mau", [0, 5_000, 10_000, 10_001, 50_000, 150_000, 2_500_000, 20_000_000])
def test_clerk_bill_follows_the_price_table(mau):
    table = Pricing.load()
    assert table.as_of and table.source.startswith("https://")
    bill = table.monthly_bill(mau, set())
    assert bill["monthly"] == pytest.approx(_bill_by_hand(table, mau), abs=0.01)
    assert bill["as_of"] == table.as_of


def test_addons_follow_findings(scans):
    table = Pricing.load()
    plan = _plan(scans["nextjs-app-router"], mau=50_000)
    addons = {a["name"] for a in plan["cost"]["clerk_monthly"]["addons"]}
    custom = next(a for a in table.addons if a["when"] == "custom-roles")
    assert custom["name"] in addons  # org:invoices:* are custom permissions
    minimal = _plan(run_scan([FIXTURES / "acme-monorepo"], load_catalog()), mau=50_000)
    facts = collect(run_scan([FIXTURES / "acme-monorepo"], load_catalog()))
    if not facts.custom_permissions and all(r in ("owner", "admin", "member") for r in facts.role_names.values()):
        assert custom["name"] not in {a["name"] for a in minimal["cost"]["clerk_monthly"]["addons"]}


def test_break_even_is_one_off_cost_over_savings(scans):
    params = ModelParams.load()
    plan = _plan(scans["react-spa"], params=params, mau=200_000)
    c = plan["cost"]
    savings = c["monthly_savings"]
    assert savings["high"] == pytest.approx(c["clerk_monthly"]["monthly"] - c["infrastructure_monthly"]["low"])
    assert savings["low"] == c["clerk_monthly"]["monthly"] - c["infrastructure_monthly"]["high"]
    assert c["break_even_months"]["low"] == pytest.approx(
        (c["labor"]["low"] + c["tooling"]["low"]) / savings["high"], abs=0.05)
    assert c["break_even_months"]["high"] == pytest.approx(
        (c["labor"]["high"] + c["tooling"]["high"]) / savings["low"], abs=0.05)
    emails = 200_000 * params.emails_per_mau / 1000
    assert c["infrastructure_monthly"]["high"] == pytest.approx(
        params.database.high + params.compute.high + emails * params.email_price_per_1000.high, abs=1.5)
    # below the free tier Clerk costs nothing: no break-even
    free = _plan(run_scan([FIXTURES / "acme-monorepo"], load_catalog()), mau=1_000)
    if not free["cost"]["clerk_monthly"]["addons"]:
        assert free["cost"]["break_even_months"] == {"low": None, "high": None}


def test_price_table_override(tmp_path, scans):
    table = {"source": "https://example.com/prices", "as_of": "2030-01-01", "currency": "USD",
             "plan": [{"name": "Flat", "monthly": 500.0, "included_mau": 0, "max_mau": 0}]}
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(table), encoding="utf-8")
    plan = _plan(scans["react-spa"], mau=123, pricing=Pricing.load(str(path)))
    assert plan["cost"]["clerk_monthly"]["monthly"] == 500.0
    assert plan["cost"]["clerk_monthly"]["as_of"] == "2030-01-01"
    with pytest.raises(ModelError):
        Pricing.from_dict({"source": "x", "as_of": "y", "currency": "USD", "plan": []})


# -- CLI -------------------------------------------------------------------------------------------------------------


def test_cli_plan_json_and_markdown(tmp_path):
    runner = CliRunner()
    app = str(FIXTURES / "nextjs-app-router")
    res = runner.invoke(main, ["plan", app, "--format", "json", "--mau", "40000", "--no-config"])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.output)
    assert set(plan) >= {"risks", "effort", "cost", "steps", "open_questions"}
    assert plan["cost"]["clerk_monthly"]["mau"] == 40000
    out = tmp_path / "plan.md"
    res = runner.invoke(main, ["plan", app, "--output", str(out), "--no-config"])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("# Clerk → Better Auth migration plan")


def test_cli_plan_reads_config_and_price_file(tmp_path):
    root = write(tmp_path / "app", {
        "src/a.tsx": 'import { useAuth } from "@clerk/clerk-react";\nexport const A = () => useAuth();\n',
        ".clerk-lint.toml": '[plan]\nhourly-rate = 10\nmau = 60000\n[plan.effort]\nqa-share = 0.5\n',
    })
    prices = tmp_path / "prices.toml"
    prices.write_text('source = "https://example.com"\nas_of = "2031-02-03"\ncurrency = "USD"\n'
                      '[[plan]]\nname = "Flat"\nmonthly = 99.0\nincluded_mau = 0\nmax_mau = 0\n', encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["plan", str(root), "--format", "json", "--pricing", str(prices)])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.output)
    assert plan["cost"]["rates"] == {r: 10 for r in ROLES}
    assert plan["cost"]["clerk_monthly"] == {**plan["cost"]["clerk_monthly"], "mau": 60000, "monthly": 99.0,
                                             "as_of": "2031-02-03"}
    assert plan["effort"]["fixed_tasks"]["QA share: 50% of all other hours"] > 0
    bad = tmp_path / "bad"
    write(bad, {"a.ts": 'import { auth } from "@clerk/nextjs/server";\nauth();\n',
                 ".clerk-lint.toml": "[plan]\nno-such-thing = 1\n"})
    res = runner.invoke(main, ["plan", str(bad)])
    assert res.exit_code == 2
    assert "no_such_thing" in res.output or "no-such-thing" in res.output


def test_trpc_context_auth_checks_are_an_authorization_risk(scans):
    # t3-clerk-app: routers read ctx.auth from a context built on getAuth() in another module.
    plan = _plan(scans["t3-clerk-app"])
    risk = _risk(plan, "context-authz")
    assert risk is not None and risk["severity"] == "warning"
    assert "src/server/api/routers/post.ts:13" in risk["evidence"]
    assert "src/server/api/routers/note.ts:16" in risk["evidence"]
    assert not any(e.startswith("src/server/legacy/") for e in risk["evidence"])  # next-auth context
    # An app reading Clerk's auth object directly has no such risk.
    assert _risk(_plan(scans["nextjs-app-router"]), "context-authz") is None
