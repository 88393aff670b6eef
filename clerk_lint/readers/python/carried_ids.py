"""Names in Python code that a migration touches although nothing there calls Clerk, one finding
per line and none on a line another finding holds (the model field, the webhook branch, the env
read):

- CLK726 (informational): code that only carries Clerk ids around: variables, parameters,
  attributes, keyword arguments, functions and query filters named after them (`clerk_id`,
  `clerk_user_id`, `get_user_by_clerk_id`, `filter(clerk_id=...)`, `.eq("clerk_id", id)`);
- CLK719: messages spelling out a Clerk variable (`raise RuntimeError("CLERK_SECRET_KEY is not
  set")`). A string that is only the name is an env read (`os.environ["CLERK_SECRET_KEY"]`,
  `env.str("CLERK_SECRET_KEY")`), reported as such, not here."""
from __future__ import annotations

import ast
import re

from ...concepts.catalog import Catalog
from ...concepts.clerk_ids import CARRY_RULE, is_clerk_id_name
from ...concepts.env_vars import NAMED_RULE, named_detail, named_variables
from ...findings import Finding
from ..source import LineIndex, SourceText


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _names(node: ast.AST) -> list[str]:
    t = type(node)
    if t is ast.Name:
        return [node.id]
    if t is ast.Attribute:
        return [node.attr]
    if t is ast.arg or t is ast.keyword:
        return [node.arg] if node.arg else []
    if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        return [node.name]
    if t is ast.Constant and isinstance(node.value, str) and _IDENTIFIER.fullmatch(node.value):
        return [node.value]  # a column named in a query (`.eq("clerk_id", id)`), not a sentence
    if t is ast.alias:
        return [node.asname or node.name.rsplit(".", 1)[-1]]
    return []


def carried_ids(tree: ast.AST, source: SourceText, relpath: str, catalog: Catalog, index: LineIndex,
                taken_lines: set[int]) -> list[Finding]:
    lines = source.data.split(b"\n")
    # Every Clerk-id name says "clerk" (is_clerk_id_name) on its own line: a file whose such
    # lines all hold other findings has none to walk for.
    if not any(b"clerk" in line.lower() for n, line in enumerate(lines, 1) if n not in taken_lines):
        return []
    rule = catalog.rule(CARRY_RULE)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    by_line: dict[int, tuple[tuple[int, int], list[str]]] = {}  # line -> (span of its first name, names)
    for node in ast.walk(tree):
        lineno = getattr(node, "lineno", None)
        if lineno is None or lineno in taken_lines or lineno > len(lines):
            continue
        for name in _names(node):
            if not is_clerk_id_name(name):
                continue
            found = re.search(rb"(?<![\w])" + re.escape(name.encode("utf-8")) + rb"(?![\w])", lines[lineno - 1])
            if found is None:  # spread over lines (a call's keyword on the next one): its own line has it
                continue
            span = (starts[lineno - 1] + found.start(), starts[lineno - 1] + found.end())
            first, names = by_line.setdefault(lineno, (span, []))
            by_line[lineno] = (min(first, span), names)
            if name not in names:
                names.append(name)
    out = []
    for lineno, (span, names) in sorted(by_line.items()):
        shown = ", ".join(sorted(names, key=lambda n: lines[lineno - 1].find(n.encode("utf-8"))))
        out.append(Finding(
            code=rule.code, rule_name=rule.name, symbol=shown, package="", category=rule.category,
            difficulty=rule.difficulty, better_auth=rule.better_auth, effort_hours=rule.effort_hours,
            message=rule.format_message(symbol=shown, package="", detail=shown),
            location=index.location(relpath, *span), details=(("names", shown),)))
    return out


def named_in_messages(tree: ast.AST, source: SourceText, relpath: str, catalog: Catalog, index: LineIndex,
                      taken_lines: set[int]) -> list[Finding]:
    if b"CLERK" not in source.data:  # (the test each string below must pass)
        return []
    rule = catalog.rule(NAMED_RULE)
    lines = source.data.split(b"\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    seen: set[int] = set()
    out = []
    for node in ast.walk(tree):
        if type(node) is not ast.Constant or not isinstance(node.value, str) or "CLERK" not in node.value:
            continue
        lineno = node.lineno
        named = named_variables(node.value, catalog)
        if not named or lineno in taken_lines or lineno in seen or _IDENTIFIER.fullmatch(node.value):
            continue
        seen.add(lineno)
        names = [name for _, _, name in named]
        found = lines[lineno - 1].find(names[0].encode("utf-8")) if lineno <= len(lines) else -1
        if found < 0:  # a string over several lines: its first line
            found = 0
        start = starts[lineno - 1] + found
        out.append(Finding(
            code=rule.code, rule_name=rule.name, symbol=names[0], package="", category=rule.category,
            difficulty=rule.difficulty, better_auth=rule.better_auth, effort_hours=rule.effort_hours,
            message=rule.format_message(symbol=names[0], package="", detail=named_detail(names, catalog)),
            location=index.location(relpath, start, start + len(names[0])),
            details=(("variable", ", ".join(dict.fromkeys(names))),)))
    return sorted(out, key=lambda f: f.location.line)
