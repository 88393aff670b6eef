"""Clerk data a middleware puts on the request for the views: `request.clerk_user_id =
state.payload.get("sub")` (Django), `request.state.user = claims` (Starlette / FastAPI),
`request.auth_claims = claims`. The views read it without importing the middleware (settings
name it by a dotted string), so the project pass hands every file the stores of all modules
(``python_request()`` of its context), and ``flow.Flow`` reads `request.<attribute>` (and
`self.request.<attribute>`) as the Clerk claim or data stored there."""
from __future__ import annotations

import ast

from .summary import Data
from .syntax import DEFS

_CONTAINERS = frozenset({"claims", "state", "auth"})


def stores(flow) -> list[tuple[str, str, tuple]]:
    """(attribute, claim or "=kind", via) for each `request.x = <Clerk data>` of the file;
    "state.x" for `request.state.x`."""
    out = []
    b = flow.b
    for node in b.nodes:
        if type(node) is not ast.Assign or len(node.targets) != 1 or type(node.targets[0]) is not ast.Attribute:
            continue
        target = node.targets[0]
        owner = target.value
        if type(owner) is ast.Name and owner.id == "request":
            attr = target.attr
        elif type(owner) is ast.Attribute and owner.attr == "state" and type(owner.value) is ast.Name \
                and owner.value.id == "request":
            attr = "state." + target.attr
        else:
            continue
        value = node.value.body if type(node.value) is ast.IfExp else node.value
        found = flow.claim_of(value)
        if found is not None:
            claim = found[1]
        else:
            data = flow.data(value)
            if data is None or data.kind not in _CONTAINERS:
                continue
            claim = "=" + data.kind
        holder = next((a.name for a in b.ancestors(node) if isinstance(a, DEFS) and type(a) is ast.ClassDef), "") or \
            next((a.name for a in b.ancestors(node) if isinstance(a, DEFS)), "")
        out.append((attr, claim, (holder,) if holder else ()))
    return out


def request_shapes(stores) -> dict[str, Data]:
    """{"": what is on `request`, "state": on `request.state`} from the project's stores
    ((attribute, claim or "=kind", via) triples; "state.x" for request.state.x)."""
    keys: dict[str, list] = {"": [], "state": []}
    via: dict[str, tuple] = {}
    for attr, claim, chain in stores:
        where, _, name = attr.rpartition(".")
        if where in keys:
            keys[where].append((name, claim))
            via.setdefault(where, chain)
    out = {}
    if keys["state"]:
        keys[""].append(("state", "=state"))
    for where, pairs in keys.items():
        if pairs:
            out[where] = Data("shape", via.get(where) or via.get("state", ()), tuple(pairs))
    return out
