"""The catalog's Python path rules: each rule's ``chains`` globs compiled, and for each dotted
path seen the rules it matches (memoised: the same SDK calls repeat across files).

``*`` matches within one name, ``**`` matches across dots (never across a call), so
``clerk_backend_api**.Clerk().users.*()`` matches ``sdk.users.list()`` for a client made by
``Clerk(...)`` imported from ``clerk_backend_api`` or any of its submodules.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ...concepts.catalog import Catalog, Rule

def _glob(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(r"[^()]*")
            i += 2
        elif pattern[i] == "*":
            out.append(r"[^.()\[\]]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def is_python_rule(rule: Rule) -> bool:
    return rule.code[3:].isdigit() and 800 <= int(rule.code[3:]) <= 849


@lru_cache(maxsize=8)
def _path_rules(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, tuple[re.Pattern, ...]], ...]:
    return tuple((r, tuple(_glob(p) for p in r.chains)) for r in rules if is_python_rule(r) and r.chains)


def _matches(patterns, path: str) -> bool:
    return any(p.match(path) for p in patterns)


class PathRules:
    """The catalog's path rules, and for each path seen the rules it matches (in catalog
    order). Paths repeat across files (the same SDK calls), so matching is memoised."""

    MAX_CACHED = 20_000

    def __init__(self, rules: list[Rule]):
        self.source, self.count = rules, len(rules)
        self.rules = _path_rules(tuple(rules))
        self._memo: dict[str, tuple[Rule, ...]] = {}

    def matching(self, path: str) -> tuple[Rule, ...]:
        found = self._memo.get(path)
        if found is None:
            if len(self._memo) > self.MAX_CACHED:
                self._memo.clear()
            found = self._memo[path] = tuple(r for r, patterns in self.rules if _matches(patterns, path))
        return found


_PATH_RULES: list[PathRules] = []


def path_rules_of(catalog: Catalog) -> PathRules:
    for known in _PATH_RULES:
        if known.source is catalog.rules and len(known.source) == known.count:
            return known
    known = PathRules(catalog.rules)
    _PATH_RULES[:] = [known, *_PATH_RULES[:3]]
    return known
