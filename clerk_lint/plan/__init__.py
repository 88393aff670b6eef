"""`clerk-lint plan`: risks, effort, cost, ordered steps and open questions for a Clerk -> Better
Auth migration, computed from a `ScanResult` and the rule `Catalog` only (never from source text).

    plan = build_plan(result, catalog, ModelParams.load(), mau=25_000)
    plan["risks"], plan["effort"], plan["cost"], plan["steps"], plan["open_questions"]
"""
from __future__ import annotations

from typing import Optional

from .. import __version__
from ..concepts.catalog import Catalog
from ..findings import ScanResult
from .facts import DEFAULT_ORG_ROLES, Facts, better_auth_plugins, collect
from .model import ROLES, ModelError, ModelParams, Pricing
from .questions import build_questions
from .risks import build_risks
from .steps import build_steps

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
               mau: Optional[int] = None, pricing: Optional[Pricing] = None) -> dict:
    params = params or ModelParams.load()
    facts = collect(result)
    risks = build_risks(facts)
    steps = build_steps(facts, params)
    questions = build_questions(facts)
    effort, role_hours, high_mult = _effort(facts, steps, risks, params)
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
    }


def _effort(facts: Facts, steps, risks, params: ModelParams) -> tuple[dict, dict[str, float], float]:
    """The effort section, plus the unrounded role hours and the high multiplier the cost uses."""
    likely = sum(s.hours for s in steps)
    roles = {r: 0.0 for r in ROLES}
    by_category: dict[str, float] = {}
    fixed: dict[str, float] = {}
    for s in steps:
        for role, h in s.role_hours.items():
            roles[role] = roles.get(role, 0.0) + h
        for cat, h in s.category_hours.items():
            by_category[cat] = by_category.get(cat, 0.0) + h
        for name, h in s.fixed_hours.items():
            fixed[name] = fixed.get(name, 0.0) + h
    indirect = sum(1 for f in facts.findings if f.indirect)
    blockers = sum(1 for r in risks if r.severity == "blocker")
    high_mult = params.high_multiplier(len(facts.problems), indirect, blockers)
    effort = {
        "hours": {"low": params.round(likely * params.low_factor), "likely": params.round(likely),
                  "high": params.round(likely * high_mult)},
        "tshirt": params.tshirt_for(likely),
        "roles": {r: params.round(h) for r, h in roles.items()},
        "by_category": {c: params.round(h) for c, h in sorted(by_category.items())},
        "fixed_tasks": {n: params.round(h) for n, h in fixed.items()},
        "range": {"low_factor": params.low_factor, "high_factor": round(high_mult, 3),
                  "problems": len(facts.problems), "indirect_findings": indirect, "blocker_risks": blockers},
    }
    return effort, roles, high_mult


def _money(x: float) -> float:
    return round(x, 2)


def _cost(facts: Facts, role_hours: dict[str, float], high_mult: float, params: ModelParams, mau: Optional[int],
          pricing: Optional[Pricing]) -> dict:
    labor_likely = sum(h * params.rates[r] for r, h in role_hours.items())
    labor = {"low": _money(labor_likely * params.low_factor), "high": _money(labor_likely * high_mult)}
    infra_low = params.database.low + params.compute.low
    infra_high = params.database.high + params.compute.high
    assumptions = [
        "Hourly rates (" + params.currency + "): "
        + ", ".join(f"{r} {params.rates[r]:g}" for r in ROLES) + "; labor = role hours x rate, "
        f"low x{params.low_factor:g}, high x{high_mult:.2f} (the effort range).",
        f"Database for the auth tables {params.database.low:g}-{params.database.high:g}/month (the app's own "
        "database vs a small managed Postgres); compute "
        f"{params.compute.low:g}-{params.compute.high:g}/month (inside the app vs extra headroom).",
        f"Tooling: one-off {params.tooling.low:g}-{params.tooling.high:g} (staging database, email provider "
        "tier during testing).",
    ]
    phone = facts.has("phone")
    if mau is not None:
        emails = mau * params.emails_per_mau
        infra_low += emails / 1000 * params.email_price_per_1000.low
        infra_high += emails / 1000 * params.email_price_per_1000.high
        assumptions.append(f"Email: {params.emails_per_mau:g} message(s) per MAU per month at "
                           f"{params.email_price_per_1000.low:g}-{params.email_price_per_1000.high:g} per 1,000.")
        if phone:
            sms = mau * params.sms_per_mau
            infra_low += sms * params.sms_price.low
            infra_high += sms * params.sms_price.high
            assumptions.append(f"SMS (phone flows found): {params.sms_per_mau:g} per MAU per month at "
                               f"{params.sms_price.low:g}-{params.sms_price.high:g} each.")
    else:
        assumptions.append("Per-user costs (email, SMS) and the Clerk comparison need --mau N.")
    cost = {
        "currency": params.currency,
        "rates": dict(params.rates),
        "labor": labor,
        "infrastructure_monthly": {"low": _money(infra_low), "high": _money(infra_high)},
        "tooling": params.tooling.to_dict(),
        "assumptions": assumptions,
    }
    if mau is not None:
        pricing = pricing or Pricing.load(params.pricing_file)
        bill = pricing.monthly_bill(mau, pricing_concerns(facts))
        if pricing.currency != params.currency:
            assumptions.append(f"The Clerk price table is in {pricing.currency}, the model in {params.currency}: "
                               "compare with care.")
        clerk = bill["monthly"]
        savings = {"low": _money(clerk - infra_high), "high": _money(clerk - infra_low)}
        one_off_low = labor["low"] + params.tooling.low
        one_off_high = labor["high"] + params.tooling.high
        cost["clerk_monthly"] = bill
        cost["self_hosted_monthly"] = cost["infrastructure_monthly"]
        cost["monthly_savings"] = savings
        cost["break_even_months"] = {
            "low": round(one_off_low / savings["high"], 1) if savings["high"] > 0 else None,
            "high": round(one_off_high / savings["low"], 1) if savings["low"] > 0 else None,
        }
        assumptions.append(f"Clerk list prices as of {pricing.as_of} ({pricing.source}); plan {bill['plan']}"
                           + (", add-ons " + ", ".join(a["name"] for a in bill["addons"]) if bill["addons"] else "")
                           + ". Break-even = (labor + tooling) / monthly savings; none when Clerk costs less.")
    return cost
