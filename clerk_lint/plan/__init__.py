"""`clerk-lint plan`: risks, effort, cost, ordered steps and open questions for a Clerk -> Better
Auth migration, computed from a `ScanResult` and the rule `Catalog` (plus, given the scanned roots, the app's
database as `resolve/app_database.py` reads it).

    plan = build_plan(result, catalog, ModelParams.load(), mau=25_000)
    plan["risks"], plan["effort"], plan["cost"], plan["steps"], plan["open_questions"], plan["files_to_change"]
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

from .. import __version__
from ..concepts.catalog import Catalog
from ..findings import ScanResult
from ..resolve.app_database import Database, find_database
from .facts import DEFAULT_ORG_ROLES, Facts, better_auth_plugins, collect
from .model import ROLES, ModelError, ModelParams, Pricing, share_out, whole
from .questions import build_questions
from .risks import build_risks
from .steps import QA_SHARE, build_steps
from .where import where_effort

__all__ = ["build_plan", "ModelParams", "ModelError", "Pricing", "collect"]

SCHEMA_VERSION = 1


def pricing_concerns(facts: Facts) -> set[str]:
    """Concerns with evidence, plus the ones the price table's add-ons are keyed on."""
    concerns = {name for name, ev in facts.concerns.items() if ev}
    if facts.custom_permissions or any(r not in DEFAULT_ORG_ROLES for r in facts.role_names.values()):
        concerns.add("custom-roles")
    if facts.has("sso"):
        concerns.add("enterprise-auth")
    return concerns


def build_plan(result: ScanResult, catalog: Catalog, params: Optional[ModelParams] = None,
               mau: Optional[int] = None, pricing: Optional[Pricing] = None,
               roots: Optional[list[Path]] = None, database: Optional[Database] = None) -> dict:
    """The plan of a scan; with `roots` (the scanned folders), or the `database` already read from
    them, its questions include the app's database when the evidence disagrees or is missing."""
    params = params or ModelParams.load()
    facts = collect(result, catalog)
    risks = build_risks(facts)
    steps = build_steps(facts, params)
    if database is None and roots:
        database = find_database(roots)
    questions = build_questions(facts, database)
    effort, role_hours, high_mult = _effort(facts, steps, risks, params)
    effort.update(where_effort(facts.findings, result.packages, params, round(sum(effort["by_category"].values()), 2)))
    cost = _cost(facts, role_hours, high_mult, params, mau, pricing)
    rules_used = sorted({f.code for f in facts.findings})
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "clerk-lint", "version": __version__},
        "summary": {
            "files_scanned": result.files_scanned,
            "findings": len(facts.findings),
            "problems": len(facts.problems),
            "rules": {code: catalog.by_code[code].title for code in rules_used if code in catalog.by_code},
            "better_auth_plugins": better_auth_plugins(facts),
        },
        "risks": [r.to_dict() for r in risks],
        "effort": effort,
        "cost": cost,
        "steps": [s.to_dict(params) for s in steps],
        "open_questions": [q.to_dict() for q in questions],
        "files_to_change": files_to_change(facts, steps),
    }


def files_to_change(facts: Facts, steps) -> list[dict]:
    """Every file with a finding plus every file a step names, with its findings and steps."""
    files: dict[str, dict] = {}
    for f in facts.findings:
        files.setdefault(f.location.path, {"path": f.location.path, "findings": 0, "steps": []})["findings"] += 1
    for s in steps:
        for path in s.files:
            entry = files.setdefault(path, {"path": path, "findings": 0, "steps": []})
            if s.order not in entry["steps"]:
                entry["steps"].append(s.order)
    return [files[p] for p in sorted(files)]


ROUNDING_NOTE = ("Each step's hours are rounded up to {unit:g} h once, at the step; every total is the sum of the "
                 "rows shown (roles and sources share the same total out in {unit:g} h units, largest remainder "
                 "first); money is in whole {currency}, each row rounded once and the totals summed from the rows.")


def _effort(facts: Facts, steps, risks, params: ModelParams) -> tuple[dict, dict[str, float], float]:
    """The effort section (rows that add up to the printed total), plus the printed role hours
    and the high multiplier the cost uses."""
    likely = round(sum(params.round(s.hours) for s in steps), 2)  # the sum of the step rows as printed
    roles = {r: 0.0 for r in ROLES}
    sources: dict[str, float] = {}   # finding categories, then fixed tasks (by title)
    by_category: dict[str, float] = {}
    fixed: dict[str, float] = {}
    for s in steps:
        for role, h in s.role_hours.items():
            roles[role] = roles.get(role, 0.0) + h
        for cat, h in s.category_hours.items():
            by_category[cat] = by_category.get(cat, 0.0) + h
        for name, h in s.fixed_hours.items():
            title = _fixed_title(name, params)
            fixed[title] = fixed.get(title, 0.0) + h
    sources = {**{("category", c): h for c, h in sorted(by_category.items())},
               **{("fixed", t): h for t, h in fixed.items()}}
    shared = share_out(likely, {f"{k}\0{n}": h for (k, n), h in sources.items()}, params.round_to)
    role_rows = share_out(likely, roles, params.round_to)
    indirect = sum(1 for f in facts.findings if f.indirect)
    blockers = sum(1 for r in risks if r.severity == "blocker")
    high_mult = params.high_multiplier(len(facts.problems), indirect, blockers)
    effort = {
        "hours": {"low": params.round(likely * params.low_factor), "likely": likely,
                  "high": params.round(likely * high_mult)},
        "tshirt": params.tshirt_for(likely),
        "roles": role_rows,
        "by_category": {k.split("\0", 1)[1]: h for k, h in shared.items() if k.startswith("category\0")},
        "fixed_tasks": {k.split("\0", 1)[1]: h for k, h in shared.items() if k.startswith("fixed\0")},
        "range": {"low_factor": params.low_factor, "high_factor": round(high_mult, 3),
                  "problems": len(facts.problems), "indirect_findings": indirect, "blocker_risks": blockers},
        "rounding": ROUNDING_NOTE.format(unit=params.round_to or 0.01, currency=params.currency),
    }
    return effort, role_rows, high_mult


def _fixed_title(name: str, params: ModelParams) -> str:
    """A fixed task's printed name: its title, never the parameter key."""
    if name == QA_SHARE:
        return f"QA share: {params.qa_share:.0%} of all other hours"
    task = params.fixed.get(name)
    return task.title if task else name.replace("-", " ")


def _rows_total(rows: list[dict]) -> dict:
    return {"low": sum(r["low"] for r in rows), "high": sum(r["high"] for r in rows)}


def _infrastructure(facts: Facts, params: ModelParams, mau: Optional[int]) -> list[dict]:
    """Self-hosted monthly cost rows (whole units, rounded per row), unrounded values beside."""
    rows = [("database for the auth tables", params.database.low, params.database.high),
            ("compute headroom", params.compute.low, params.compute.high)]
    if mau is not None:
        emails = mau * params.emails_per_mau / 1000
        rows.append((f"email, {_count(mau * params.emails_per_mau)} messages",
                     emails * params.email_price_per_1000.low, emails * params.email_price_per_1000.high))
        if facts.has("phone"):
            sms = mau * params.sms_per_mau
            rows.append((f"SMS, {_count(sms)} messages", sms * params.sms_price.low, sms * params.sms_price.high))
    return [{"item": name, "low": whole(lo), "high": whole(hi)} for name, lo, hi in rows]


def _count(x: float) -> str:
    return f"{whole(x):,}"


def _infra_exact(facts: Facts, params: ModelParams, mau: int) -> tuple[float, float]:
    low = params.database.low + params.compute.low + mau * params.emails_per_mau / 1000 * params.email_price_per_1000.low
    high = (params.database.high + params.compute.high
            + mau * params.emails_per_mau / 1000 * params.email_price_per_1000.high)
    if facts.has("phone"):
        low += mau * params.sms_per_mau * params.sms_price.low
        high += mau * params.sms_per_mau * params.sms_price.high
    return low, high


MAX_MAU = 100_000_000  # where the break-even search stops


def _verdict(facts: Facts, params: ModelParams, pricing: Pricing, concerns: set[str], mau: int,
             one_off: float) -> tuple[str, Optional[int], Optional[int]]:
    """One line on the break-even at the likely numbers (likely labor, mid tooling and mid
    infrastructure), the months it takes and the smallest MAU at which self-hosting saves."""
    def saving(n: int) -> float:
        low, high = _infra_exact(facts, params, n)
        return pricing.monthly_bill(n, concerns)["monthly"] - (low + high) / 2

    here = saving(mau)
    if here > 0:
        months = max(1, math.ceil(one_off / here))
        return (f"Self-hosting pays back in about {months} month{'s' if months != 1 else ''} at {mau:,} MAU "
                f"(likely one-off cost {params.currency} {whole(one_off):,} over {params.currency} "
                f"{whole(here):,} saved a month).", months, None)
    lo, hi = mau, MAX_MAU
    if saving(hi) <= 0:
        return (f"Self-hosting does not pay back below {MAX_MAU:,} MAU: Clerk's bill stays under the cost of "
                "running Better Auth yourself.", None, None)
    while hi - lo > 1:  # the bill and the email cost both grow with MAU: the first saving MAU
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if saving(mid) <= 0 else (lo, mid)
    return (f"Self-hosting does not pay back below {hi:,} MAU (at {mau:,} MAU Clerk costs less than running "
            "Better Auth yourself).", None, hi)


def _cost(facts: Facts, role_hours: dict[str, float], high_mult: float, params: ModelParams, mau: Optional[int],
          pricing: Optional[Pricing]) -> dict:
    labor_rows = [{"role": r, "hours": role_hours[r], "rate": params.rates[r],
                   "amount": whole(role_hours[r] * params.rates[r])} for r in ROLES]
    labor_likely = sum(r["amount"] for r in labor_rows)
    labor = {"low": whole(labor_likely * params.low_factor), "likely": labor_likely,
             "high": whole(labor_likely * high_mult)}
    infra_rows = _infrastructure(facts, params, mau)
    infra = _rows_total(infra_rows)
    tooling = {"low": whole(params.tooling.low), "high": whole(params.tooling.high)}
    assumptions = [
        "Hourly rates (" + params.currency + "): "
        + ", ".join(f"{r} {params.rates[r]:g}" for r in ROLES) + "; labor = the role hours shown x rate, "
        f"low x{params.low_factor:g}, high x{high_mult:.2f} (the effort range).",
        f"Database for the auth tables {params.database.low:g}-{params.database.high:g}/month (the app's own "
        "database vs a small managed Postgres); compute "
        f"{params.compute.low:g}-{params.compute.high:g}/month (inside the app vs extra headroom).",
        f"Tooling: one-off {params.tooling.low:g}-{params.tooling.high:g} (staging database, email provider "
        "tier during testing).",
    ]
    if mau is not None:
        assumptions.append(f"Email: {params.emails_per_mau:g} message(s) per MAU per month at "
                           f"{params.email_price_per_1000.low:g}-{params.email_price_per_1000.high:g} per 1,000.")
        if facts.has("phone"):
            assumptions.append(f"SMS (phone flows found): {params.sms_per_mau:g} per MAU per month at "
                               f"{params.sms_price.low:g}-{params.sms_price.high:g} each.")
    else:
        assumptions.append("Per-user costs (email, SMS) and the Clerk comparison need --mau N.")
    cost = {
        "currency": params.currency,
        "rates": dict(params.rates),
        "labor_by_role": labor_rows,
        "labor": labor,
        "infrastructure_rows": infra_rows,
        "infrastructure_monthly": infra,
        "tooling": tooling,
        "assumptions": assumptions,
    }
    if mau is not None:
        pricing = pricing or Pricing.load(params.pricing_file)
        concerns = pricing_concerns(facts)
        bill = pricing.monthly_bill(mau, concerns)
        if pricing.currency != params.currency:
            assumptions.append(f"The Clerk price table is in {pricing.currency}, the model in {params.currency}: "
                               "compare with care.")
        bill_rows = [{"item": f"plan {bill['plan']}", "amount": whole(bill["base"])}]
        bill_rows += [{"item": f"{t['mau']:,} MAU over the plan at {t['per_mau']:g}", "amount": whole(t["cost"])}
                      for t in bill["overage_tiers"]]
        bill_rows += [{"item": f"add-on {a['name']}", "amount": whole(a["monthly"])} for a in bill["addons"]]
        clerk = sum(r["amount"] for r in bill_rows)
        bill = {**bill, "rows": bill_rows, "monthly": clerk}
        savings = {"low": clerk - infra["high"], "high": clerk - infra["low"]}
        one_off_low = labor["low"] + tooling["low"]
        one_off_high = labor["high"] + tooling["high"]
        cost["clerk_monthly"] = bill
        cost["self_hosted_monthly"] = infra
        cost["monthly_savings"] = savings
        cost["break_even_months"] = {
            "low": round(one_off_low / savings["high"], 1) if savings["high"] > 0 else None,
            "high": round(one_off_high / savings["low"], 1) if savings["low"] > 0 else None,
        }
        verdict, months, threshold = _verdict(facts, params, pricing, concerns, mau,
                                              labor_likely + (tooling["low"] + tooling["high"]) / 2)
        cost["break_even"] = {"verdict": verdict, "months": months, "pays_back_from_mau": threshold}
        assumptions.append(f"Clerk list prices as of {pricing.as_of} ({pricing.source}); plan {bill['plan']}"
                           + (", add-ons " + ", ".join(a["name"] for a in bill["addons"]) if bill["addons"] else "")
                           + ". Break-even = (labor + tooling) / monthly savings; none when Clerk costs less. The "
                           "verdict uses the likely labor and the middle of the tooling and infrastructure ranges.")
    return cost
