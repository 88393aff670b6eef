"""Clerk organization roles in Python code, with the JS rules' meanings: a comparison of a role
value Clerk returned (CLK510: `claims.get("org_role") != "org:admin"`, `user["role"] == ...`
where the app's dependency returned `claims["org_role"]` under that key, an SDK membership's
`.role`) and, elsewhere, string literals that are exactly a role key (CLK509: `"org:admin"`,
custom `"org:billing_manager"`; one colon, so permission keys are not role keys)."""
from __future__ import annotations

import ast
import re

from .labels import string_value
from .vocabulary import SDK_MODULES

ROLE_KEY, ROLE_CHECK = "CLK509", "CLK510"
_ROLE_KEY = re.compile(r"org:[A-Za-z0-9_-]+\Z")
_ROLE_CLAIMS = frozenset({"org_role", "role", "orgRole"})


def _role_value(flow, expr) -> bool:
    found = flow.claim_of(expr)
    if found is not None:
        return found[1] in _ROLE_CLAIMS
    val = flow.b.value(expr)
    return val is not None and val.top in SDK_MODULES and val.chain.endswith(".role")


def _strings(expr) -> list:
    if string_value(expr) is not None:
        return [expr]
    if type(expr) in (ast.Tuple, ast.List, ast.Set):
        return [s for e in expr.elts for s in _strings(e)]
    return []


def role_findings(f, flow) -> None:
    checked: set[int] = set()
    for node in f.b.nodes:
        if type(node) is not ast.Compare:
            continue
        operands = [node.left, *node.comparators]
        role = next((o for o in operands if _role_value(flow, o)), None)
        if role is None:
            continue
        keys = [s for o in operands if o is not role for s in _strings(o)]
        checked.update(id(s) for s in keys)
        shown = ", ".join(dict.fromkeys(s.value for s in keys))
        f.add(ROLE_CHECK, node, symbol=f.b.code(role)[:80], package="", detail=shown,
              details=(("role", shown),) if shown else ())
    for node in f.b.nodes:
        if type(node) is ast.Constant and type(node.value) is str and id(node) not in checked \
                and _ROLE_KEY.match(node.value):
            f.add(ROLE_KEY, node, symbol=node.value, package="", detail=node.value, details=(("role", node.value),))
