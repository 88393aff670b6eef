"""The effort and cost model: parameters as data, and the arithmetic that turns findings into hours
and money. docs/plan-model.md describes every parameter and formula.

`ModelParams.load()` reads the bundled defaults (model_defaults.toml); `ModelParams.from_dict(d)`
overlays a dict of the same shape (unknown keys are an error), which is how configuration files
feed the model.
"""
from __future__ import annotations

import copy
import fnmatch
import math
import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..findings import Finding

ROLES = ("frontend", "backend", "devops", "qa")
TSHIRT_ABOVE = "XL"


class ModelError(ValueError):
    """A parameter override or price table that does not fit the model."""


def _read_toml_resource(name: str) -> dict:
    return tomllib.loads((resources.files(__package__) / name).read_text("utf-8"))


def _merge(base: dict, override: Mapping, where: str = "") -> dict:
    """Deep-merge `override` into a copy of `base`; keys must already exist in `base`, except
    inside open tables (fixed tasks, rates, role maps) where new entries are allowed."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if key not in out and key.replace("-", "_") in out:
            key = key.replace("-", "_")  # configuration files spell keys in kebab-case
        path = f"{where}.{key}" if where else key
        if key not in out:
            if where in _OPEN_TABLES:
                out[key] = copy.deepcopy(value)
                continue
            raise ModelError(f"unknown model parameter '{path}'")
        if isinstance(out[key], dict) and isinstance(value, Mapping):
            out[key] = _merge(out[key], value, path)
        elif isinstance(out[key], dict) != isinstance(value, Mapping):
            raise ModelError(f"model parameter '{path}' must be {'a table' if isinstance(out[key], dict) else 'a value'}")
        else:
            out[key] = copy.deepcopy(value)
    return out


_OPEN_TABLES = {"fixed", "roles.by_category", "cost.rates", "tshirt"}


@dataclass(frozen=True)
class FixedTask:
    name: str
    title: str
    hours: float
    roles: dict[str, float]
    when: str = ""       # a concern that must have evidence; "" = always
    per: str = ""        # "providers" | "templates" | "contexts": hours are per item


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    def to_dict(self) -> dict:
        return {"low": self.low, "high": self.high}


@dataclass
class ModelParams:
    repeat_decay: float
    repeat_floor: float
    indirect_multiplier: float
    qa_share: float
    low_factor: float
    high_factor: float
    high_per_problem: float
    high_per_indirect: float
    high_per_blocker_risk: float
    high_cap: float
    round_to: float
    tshirt: dict[str, float]
    role_by_category: dict[str, str]
    default_role: str
    auto_default_role: str
    server_packages: tuple[str, ...]
    fixed: dict[str, FixedTask]
    currency: str
    rates: dict[str, float]
    database: Range
    compute: Range
    emails_per_mau: float
    email_price_per_1000: Range
    sms_per_mau: float
    sms_price: Range
    tooling: Range
    pricing_file: str = ""
    raw: dict = field(default_factory=dict, repr=False)

    # -- loading -------------------------------------------------------------------

    @classmethod
    def defaults_dict(cls) -> dict:
        return _read_toml_resource("model_defaults.toml")

    @classmethod
    def load(cls) -> "ModelParams":
        return cls.from_dict({})

    @classmethod
    def from_dict(cls, overrides: Optional[Mapping[str, Any]] = None) -> "ModelParams":
        """Defaults overlaid with `overrides` (same shape as model_defaults.toml; kebab-case keys
        accepted). Shorthands: `hourly_rate` sets every role's rate, `currency` the cost currency."""
        overrides = dict(overrides or {})
        rate = overrides.pop("hourly_rate", overrides.pop("hourly-rate", None))
        currency = overrides.pop("currency", None)
        if rate is not None or currency is not None:
            cost = dict(overrides.get("cost", {}))
            if rate is not None:
                if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate < 0:
                    raise ModelError("hourly_rate must be a non-negative number")
                cost["rates"] = {**{r: rate for r in ROLES}, **dict(cost.get("rates", {}))}
            if currency is not None:
                cost["currency"] = currency
            overrides["cost"] = cost
        data = _merge(cls.defaults_dict(), overrides)
        try:
            return cls._build(data)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelError):
                raise
            raise ModelError(f"invalid model parameters: {exc}") from None

    @classmethod
    def _build(cls, d: dict) -> "ModelParams":
        e, r, c = d["effort"], d["roles"], d["cost"]
        infra = c["infrastructure"]

        def rng(v) -> Range:
            low, high = float(v["low"]), float(v["high"])
            if low < 0 or high < low:
                raise ModelError(f"range {v} must have 0 <= low <= high")
            return Range(low, high)

        fixed = {}
        for name, t in d["fixed"].items():
            roles = {k: float(v) for k, v in t.get("roles", {}).items()}
            if not roles or any(k not in ROLES for k in roles):
                raise ModelError(f"fixed.{name}.roles must name roles among {', '.join(ROLES)}")
            total = sum(roles.values())
            if total <= 0:
                raise ModelError(f"fixed.{name}.roles shares must add up to more than 0")
            fixed[name] = FixedTask(name=name, title=t.get("title", name), hours=float(t["hours"]),
                                    roles={k: v / total for k, v in roles.items()},
                                    when=t.get("when", ""), per=t.get("per", ""))
        by_category = dict(r["by_category"])
        for cat, role in by_category.items():
            if role not in ROLES and role != "auto":
                raise ModelError(f"roles.by_category.{cat} must be one of {', '.join(ROLES)} or auto")
        for key in ("default", "auto_default"):
            if r[key] not in ROLES:
                raise ModelError(f"roles.{key} must be one of {', '.join(ROLES)}")
        rates = {k: float(v) for k, v in c["rates"].items()}
        missing = [k for k in ROLES if k not in rates]
        if missing:
            raise ModelError(f"cost.rates is missing {', '.join(missing)}")
        tshirt = {k: float(v) for k, v in d["tshirt"].items()}
        if list(tshirt.values()) != sorted(tshirt.values()):
            raise ModelError("tshirt bounds must increase")
        params = cls(
            repeat_decay=float(e["repeat_decay"]), repeat_floor=float(e["repeat_floor"]),
            indirect_multiplier=float(e["indirect_multiplier"]), qa_share=float(e["qa_share"]),
            low_factor=float(e["low_factor"]), high_factor=float(e["high_factor"]),
            high_per_problem=float(e["high_per_problem"]), high_per_indirect=float(e["high_per_indirect"]),
            high_per_blocker_risk=float(e["high_per_blocker_risk"]), high_cap=float(e["high_cap"]),
            round_to=float(e["round_to"]), tshirt=tshirt, role_by_category=by_category,
            default_role=r["default"], auto_default_role=r["auto_default"],
            server_packages=tuple(r["server_packages"]), fixed=fixed, currency=str(c["currency"]),
            rates=rates, database=rng(infra["database"]), compute=rng(infra["compute"]),
            emails_per_mau=float(infra["emails_per_mau"]), email_price_per_1000=rng(infra["email_price_per_1000"]),
            sms_per_mau=float(infra["sms_per_mau"]), sms_price=rng(infra["sms_price"]),
            tooling=rng(c["tooling"]), pricing_file=str(c["pricing"]["file"]), raw=d,
        )
        if not 0 < params.repeat_decay <= 1 or not 0 <= params.repeat_floor <= 1:
            raise ModelError("effort.repeat_decay must be in (0, 1] and effort.repeat_floor in [0, 1]")
        if not 0 < params.low_factor <= 1 <= params.high_factor <= params.high_cap:
            raise ModelError("effort factors must satisfy 0 < low_factor <= 1 <= high_factor <= high_cap")
        if params.round_to < 0:
            raise ModelError("effort.round_to must not be negative")
        return params

    # -- effort ----------------------------------------------------------------------

    def repeat_fraction(self, k: int) -> float:
        """Share of a rule's effort_hours the k-th repeat (k = 0 first use) of an API costs."""
        return max(self.repeat_floor, self.repeat_decay ** k)

    def role_for(self, finding: Finding) -> str:
        role = self.role_by_category.get(finding.category, self.default_role)
        if role != "auto":
            return role
        if re.match(r"^use[A-Z]", finding.symbol) or re.search(r"(^|\.)use[A-Z]\w*\(\)", finding.symbol):
            return "frontend"
        if any(fnmatch.fnmatchcase(finding.package, p) for p in self.server_packages):
            return "backend"
        return self.auto_default_role

    def tshirt_for(self, hours: float) -> str:
        for label, bound in self.tshirt.items():
            if hours <= bound:
                return label
        return TSHIRT_ABOVE

    def high_multiplier(self, problems: int, indirect: int, blocker_risks: int) -> float:
        return min(self.high_cap, self.high_factor + self.high_per_problem * problems
                   + self.high_per_indirect * indirect + self.high_per_blocker_risk * blocker_risks)

    def round(self, hours: float) -> float:
        if self.round_to <= 0:
            return round(hours, 2)
        return round(math.ceil(hours / self.round_to - 1e-9) * self.round_to, 2)


def finding_hours(findings: list[Finding], params: ModelParams) -> list[float]:
    """Hours per finding, in the order given: the first use of an API (rule code + symbol) costs
    the rule's effort_hours, the k-th repeat effort_hours * repeat_fraction(k); indirect findings
    are multiplied by indirect_multiplier."""
    seen: dict[tuple[str, str], int] = {}
    hours = []
    for f in findings:
        key = (f.code, f.symbol)
        k = seen.get(key, 0)
        seen[key] = k + 1
        h = f.effort_hours * params.repeat_fraction(k)
        if f.indirect:
            h *= params.indirect_multiplier
        hours.append(h)
    return hours


# -- Clerk pricing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pricing:
    source: str
    as_of: str
    currency: str
    note: str
    plans: tuple[dict, ...]
    addons: tuple[dict, ...]

    @classmethod
    def from_dict(cls, d: Mapping) -> "Pricing":
        for key in ("source", "as_of", "currency", "plan"):
            if key not in d:
                raise ModelError(f"price table is missing '{key}'")
        plans = tuple(d["plan"])
        if not plans:
            raise ModelError("price table has no [[plan]]")
        for p in plans:
            for key in ("name", "monthly", "included_mau", "max_mau"):
                if key not in p:
                    raise ModelError(f"price table plan {p.get('name', '?')} is missing '{key}'")
        return cls(source=str(d["source"]), as_of=str(d["as_of"]), currency=str(d["currency"]),
                   note=str(d.get("note", "")), plans=plans, addons=tuple(d.get("addon", ())))

    @classmethod
    def load(cls, path: str = "") -> "Pricing":
        if path:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                raise ModelError(f"cannot read price table {path}: {exc.strerror or exc}") from None
            if path.endswith(".json"):
                import json
                try:
                    return cls.from_dict(json.loads(text))
                except json.JSONDecodeError as exc:
                    raise ModelError(f"{path}: {exc}") from None
            try:
                return cls.from_dict(tomllib.loads(text))
            except tomllib.TOMLDecodeError as exc:
                raise ModelError(f"{path}: {exc}") from None
        return cls.from_dict(_read_toml_resource("pricing.toml"))

    def monthly_bill(self, mau: int, concerns: set[str]) -> dict:
        """Clerk's monthly list price for `mau` monthly active users, with the add-ons whose
        `when` concern is in `concerns`."""
        plan = next((p for p in self.plans if not p["max_mau"] or mau <= p["max_mau"]), self.plans[-1])
        base = float(plan["monthly"])
        billable = max(0, mau - int(plan["included_mau"]))
        overage = 0.0
        lines = []
        lower = int(plan["included_mau"])
        for tier in plan.get("overage", ()):
            if billable <= 0:
                break
            upper = int(tier["up_to"]) or None
            span = (upper - lower) if upper else billable
            take = max(0, min(billable, span))
            if take:
                cost = take * float(tier["per_mau"])
                overage += cost
                lines.append({"mau": take, "per_mau": float(tier["per_mau"]), "cost": round(cost, 2)})
                billable -= take
            if upper:
                lower = upper
        addons = [{"name": a["name"], "monthly": float(a["monthly"]), "gates": a.get("gates", "")}
                  for a in self.addons if a.get("when") in concerns]
        if addons and base == 0:
            # add-ons need a paid plan: the first plan with a base price (its included MAU cover N)
            paid_plan = next((p for p in self.plans if p["monthly"] and mau <= int(p["included_mau"])), None)
            if paid_plan is not None:
                plan, base = paid_plan, float(paid_plan["monthly"])
        total = base + overage + sum(a["monthly"] for a in addons)
        return {"mau": mau, "plan": plan["name"], "base": base, "overage": round(overage, 2),
                "overage_tiers": lines, "addons": addons, "monthly": round(total, 2),
                "currency": self.currency, "as_of": self.as_of, "source": self.source}


# -- printed numbers ---------------------------------------------------------------------------------


def whole(x: float) -> int:
    """Money in whole currency units, halves up (round() would send 0.5 to the even side)."""
    return int(math.floor(x + 0.5))


def share_out(total: float, weights: Mapping[str, float], unit: float) -> dict[str, float]:
    """Split `total` (a multiple of `unit`) over the rows of `weights` in proportion, in whole
    units, largest remainder first: each row is rounded once and the rows add up to `total`."""
    unit = unit if unit > 0 else 0.01
    units = int(round(total / unit))
    weight = sum(w for w in weights.values() if w > 0)
    if not weights:
        return {}
    if weight <= 0:
        return {k: 0.0 for k in weights}
    exact = {k: max(w, 0.0) / weight * units for k, w in weights.items()}
    out = {k: int(math.floor(v)) for k, v in exact.items()}
    left = units - sum(out.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), list(weights).index(k)))[:max(left, 0)]:
        out[k] += 1
    return {k: round(v * unit, 2) for k, v in out.items()}
