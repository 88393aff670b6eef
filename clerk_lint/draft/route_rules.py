"""What the app's Clerk middleware protects, read from its source so the draft middleware can keep
the same meaning: the `createRouteMatcher` lists, the conditions under which `auth.protect()` runs
in `clerkMiddleware` (public by default), `authMiddleware`'s `publicRoutes` / `ignoredRoutes`
(protected by default) and `afterAuth`, and the `config.matcher` that decides where the middleware
runs at all. Route patterns are path-to-regexp 6 strings (what Clerk compiles them with); they are
compiled here to the same regular expressions for the draft."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import tree_sitter as ts

from ..readers.ecma.records import text
from ..readers.ecma.parse import parse

# authMiddleware's ignoredRoutes when the app gives none: Next.js internals and static files.
DEFAULT_IGNORED_ROUTES = ["/((?!api|trpc))(_next.*|.+\\.[\\w]+$)", "/((?!api|trpc))(_vercel.*)"]
# A condition: ("call", matcher name) | ("not", c) | ("and", [c]) | ("or", [c]) | ("true",)
Cond = tuple


@dataclass
class RouteRules:
    path: str                                   # the middleware file, relative to the root
    kind: str                                   # clerkMiddleware | authMiddleware
    matchers: dict[str, list[str]] = field(default_factory=dict)  # name -> path-to-regexp patterns
    matcher_lines: dict[str, int] = field(default_factory=dict)
    protect: Optional[Cond] = None              # when a signed-out request is stopped; None: never
    config_matcher: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # what could not be read (the draft says so)


# -- path-to-regexp 6 -----------------------------------------------------------------------------

def _escape(s: str) -> str:
    return re.sub(r"([.+*?=^!:${}()\[\]|/\\])", r"\\\1", s)


def _lex(s: str) -> list[tuple[str, str]]:
    tokens, i = [], 0
    while i < len(s):
        c = s[i]
        if c in "*+?":
            tokens.append(("MODIFIER", c)); i += 1
        elif c == "\\":
            tokens.append(("ESCAPED_CHAR", s[i + 1] if i + 1 < len(s) else "")); i += 2
        elif c == "{":
            tokens.append(("OPEN", c)); i += 1
        elif c == "}":
            tokens.append(("CLOSE", c)); i += 1
        elif c == ":":
            m = re.match(r"[0-9A-Za-z_]+", s[i + 1:])
            if not m:
                raise ValueError(f"missing parameter name at {i}")
            tokens.append(("NAME", m.group(0))); i += 1 + len(m.group(0))
        elif c == "(":
            count, j, pattern = 1, i + 1, ""
            if j < len(s) and s[j] == "?":
                raise ValueError(f'pattern cannot start with "?" at {j}')
            while j < len(s):
                if s[j] == "\\":
                    pattern += s[j:j + 2]; j += 2
                    continue
                if s[j] == ")":
                    count -= 1
                    if count == 0:
                        j += 1
                        break
                elif s[j] == "(":
                    count += 1
                    if j + 1 >= len(s) or s[j + 1] != "?":
                        raise ValueError(f"capturing groups are not allowed at {j}")
                pattern += s[j]; j += 1
            if count or not pattern:
                raise ValueError(f"unbalanced or missing pattern at {i}")
            tokens.append(("PATTERN", pattern)); i = j
        else:
            tokens.append(("CHAR", c)); i += 1
    tokens.append(("END", ""))
    return tokens


def path_to_regexp(path: str) -> str:
    """The source of the RegExp path-to-regexp 6 builds for `path` with its defaults (not strict,
    anchored at both ends, case-insensitive: the caller adds the "i" flag)."""
    tokens, i, out, buf = _lex(path), 0, "^", ""
    default = "[^\\/#\\?]+?"

    def take(kind: str) -> Optional[str]:
        nonlocal i
        if tokens[i][0] == kind:
            i += 1
            return tokens[i - 1][1]
        return None

    def text_run() -> str:
        r = ""
        while True:
            v = take("CHAR")
            if v is None:
                v = take("ESCAPED_CHAR")
            if v is None:
                return r
            r += v

    def token(prefix: str, suffix: str, pattern: str, modifier: str) -> str:
        p, s = _escape(prefix), _escape(suffix)
        if not pattern:
            return f"(?:{p}{s}){modifier}"
        if p or s:
            if modifier in ("+", "*"):
                mod = "?" if modifier == "*" else ""
                return f"(?:{p}((?:{pattern})(?:{s}{p}(?:{pattern}))*){s}){mod}"
            return f"(?:{p}({pattern}){s}){modifier}"
        if modifier in ("+", "*"):
            raise ValueError("cannot repeat a parameter without a prefix and suffix")
        return f"({pattern}){modifier}"

    while i < len(tokens):
        char, name, pattern = take("CHAR"), take("NAME"), take("PATTERN")
        if name or pattern:
            prefix = char or ""
            if prefix not in ("", ".", "/"):
                buf += prefix
                prefix = ""
            out += _escape(buf)
            buf = ""
            out += token(prefix, "", pattern or default, take("MODIFIER") or "")
            continue
        value = char if char is not None else take("ESCAPED_CHAR")
        if value is not None:
            buf += value
            continue
        out += _escape(buf)
        buf = ""
        if take("OPEN") is not None:
            prefix, name, pattern = text_run(), take("NAME") or "", take("PATTERN") or ""
            suffix = text_run()
            if take("CLOSE") is None:
                raise ValueError("expected }")
            out += token(prefix, suffix, pattern or (default if name else ""), take("MODIFIER") or "")
            continue
        if take("END") is None:
            raise ValueError(f"unexpected {tokens[i][0]}")
    return out + "[\\/#\\?]?$"


# -- reading the middleware -----------------------------------------------------------------------

def _strings(node: Optional[ts.Node], root: Optional[ts.Node] = None) -> Optional[list[str]]:
    """The strings of an array literal (or one string), following `...name` and a bare `name` to a
    top-level array of the file; None when anything else is in it."""
    if node is not None and node.type in ("identifier", "shorthand_property_identifier") and root is not None:
        node = _array_of(root, text(node))
    if node is None:
        return None
    items = node.named_children if node.type == "array" else [node]
    out = []
    for item in items:
        if item.type == "comment":
            continue
        if item.type == "spread_element" and root is not None:
            inner = _strings(item.named_children[0] if item.named_children else None, root)
            if inner is None:
                return None
            out += inner
            continue
        if item.type != "string":
            return None
        out.append(text(item)[1:-1].encode("utf-8").decode("unicode_escape"))
    return out


def _callee(call: ts.Node) -> str:
    fn = call.child_by_field_name("function")
    return text(fn) if fn is not None else ""


def _walk(node: ts.Node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def _condition(node: ts.Node, matchers: dict[str, list[str]], req: str) -> Optional[Cond]:
    t = node.type
    if t == "parenthesized_expression":
        return _condition(node.named_children[0], matchers, req)
    if t == "unary_expression" and text(node).startswith("!"):
        inner = _condition(node.named_children[0], matchers, req)
        return ("not", inner) if inner else None
    if t == "binary_expression":
        op = text(node.child_by_field_name("operator"))
        if op in ("&&", "||"):
            a = _condition(node.child_by_field_name("left"), matchers, req)
            b = _condition(node.child_by_field_name("right"), matchers, req)
            return ("and" if op == "&&" else "or", [a, b]) if a and b else None
    if t == "call_expression" and _callee(node) in matchers:
        return ("call", _callee(node))
    return None


def _protects(node: ts.Node) -> bool:
    """`auth.protect()` / `auth().protect()` / `(await auth()).protect()` inside `node`."""
    return any(n.type == "call_expression" and _callee(n).replace(" ", "").endswith(".protect") for n in _walk(node))


def _returns(node: Optional[ts.Node]) -> bool:
    """A branch that always leaves the handler: `return ...;` or a block ending in one."""
    if node is None:
        return False
    if node.type == "return_statement":
        return True
    if node.type == "statement_block":
        statements = [c for c in node.named_children if c.type != "comment"]
        return bool(statements) and statements[-1].type == "return_statement"
    return False


def _protect_conditions(body: ts.Node, matchers: dict[str, list[str]], req: str,
                        unknown: list[str]) -> list[Cond]:
    """Each condition under which the handler calls protect(): `if (cond) auth.protect()`,
    `cond && auth.protect()`, and after `if (cond) return ...;` early exits."""
    conds: list[Cond] = []
    for n in _walk(body):
        if n.type != "call_expression" or not _callee(n).replace(" ", "").endswith(".protect"):
            continue
        parts: list[Cond] = []
        child = n
        while child is not body and child.parent is not None:
            parent = child.parent
            cond: Optional[Cond] = None
            guarded = None
            if parent.type == "if_statement" and child != parent.child_by_field_name("condition"):
                consequence = parent.child_by_field_name("consequence")
                in_then = consequence is not None and consequence.start_byte <= child.start_byte < consequence.end_byte
                guarded = _condition(parent.child_by_field_name("condition"), matchers, req)
                cond = guarded if in_then or guarded is None else ("not", guarded)
                if guarded is None:
                    unknown.append(f"the condition around protect() at line {n.start_point[0] + 1}")
                    return []
                parts.append(cond)
            elif parent.type == "binary_expression" and text(parent.child_by_field_name("operator")) == "&&" \
                    and child == parent.child_by_field_name("right"):
                guarded = _condition(parent.child_by_field_name("left"), matchers, req)
                if guarded is None:
                    unknown.append(f"the condition before protect() at line {n.start_point[0] + 1}")
                    return []
                parts.append(guarded)
            if parent.type == "statement_block":
                for sibling in parent.named_children:
                    if sibling.start_byte >= child.start_byte:
                        break
                    if sibling.type == "if_statement" and sibling.child_by_field_name("alternative") is None \
                            and _returns(sibling.child_by_field_name("consequence")):
                        early = _condition(sibling.child_by_field_name("condition"), matchers, req)
                        if early is None:
                            unknown.append(f"the early return at line {sibling.start_point[0] + 1}")
                            return []
                        parts.append(("not", early))
            child = parent
        conds.append(("and", parts) if len(parts) > 1 else parts[0] if parts else ("true",))
    return conds


def _array_of(root: ts.Node, name: str) -> Optional[ts.Node]:
    """The array a top-level `const name = [...]` holds (route lists kept in a variable)."""
    for n in _walk(root):
        if n.type == "variable_declarator" and text(n.child_by_field_name("name") or n) == name:
            value = n.child_by_field_name("value")
            while value is not None and value.type in ("as_expression", "satisfies_expression"):
                value = value.named_children[0]
            return value if value is not None and value.type == "array" else None
    return None


def read_route_rules(root: Path, relpath: str) -> Optional[RouteRules]:
    try:
        data = (root / relpath).read_bytes()
        tree = parse(data, "tsx" if relpath.endswith((".tsx", ".jsx")) else "typescript")
    except (OSError, ValueError):
        return None
    rules: Optional[RouteRules] = None
    matchers: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    config: list[str] = []
    calls = [n for n in _walk(tree.root_node) if n.type == "call_expression"]
    unknown: list[str] = []
    for call in calls:
        if _callee(call) == "createRouteMatcher" and call.parent is not None and call.parent.type == "variable_declarator":
            name = call.parent.child_by_field_name("name")
            args = call.child_by_field_name("arguments")
            arg = args.named_children[0] if args is not None and args.named_children else None
            pats = _strings(arg, tree.root_node)
            if name is not None and pats is not None:
                matchers[text(name)] = pats
                lines[text(name)] = call.start_point[0] + 1
            elif name is not None:
                unknown.append(f"the routes of {text(name)} (line {call.start_point[0] + 1}) are not a list of strings")
    for n in _walk(tree.root_node):
        if n.type == "pair" and text(n.child_by_field_name("key")) == "matcher":
            config = _strings(n.child_by_field_name("value"), tree.root_node) or []
    for call in calls:
        name = _callee(call)
        args = call.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if name == "clerkMiddleware":
            rules = RouteRules(relpath, name)
            if first is not None and first.type in ("arrow_function", "function_expression", "function"):
                params = first.child_by_field_name("parameters")
                req = text(params.named_children[1]) if params is not None and len(params.named_children) > 1 else "req"
                conds = _protect_conditions(first.child_by_field_name("body"), matchers, req, unknown)
                rules.protect = None if not conds else conds[0] if len(conds) == 1 else ("or", conds)
            break
        if name == "authMiddleware":
            rules = RouteRules(relpath, name)
            members = first.named_children if first is not None and first.type == "object" else []
            opts = {text(p.child_by_field_name("key")): p.child_by_field_name("value")
                    for p in members if p.type == "pair"}
            opts.update({text(p): p for p in members if p.type == "shorthand_property_identifier"})
            public = _strings(opts.get("publicRoutes"), tree.root_node) if "publicRoutes" in opts else []
            ignored = (_strings(opts.get("ignoredRoutes"), tree.root_node) if "ignoredRoutes" in opts
                       else DEFAULT_IGNORED_ROUTES)
            for key, got in (("publicRoutes", public), ("ignoredRoutes", ignored)):
                if got is None:
                    unknown.append(f"{key} is not a list of strings")
            parts: list[Cond] = []
            for var, key, pats in (("isPublicRoute", "publicRoutes", public), ("isIgnoredRoute", "ignoredRoutes", ignored)):
                if pats:
                    matchers[var] = pats
                    lines[var] = (opts[key] if key in opts else call).start_point[0] + 1
                    parts.append(("not", ("call", var)))
            rules.protect = ("and", parts) if len(parts) > 1 else parts[0] if parts else ("true",)
            after = next((p for p in (first.named_children if first is not None and first.type == "object" else [])
                          if p.type == "method_definition" and text(p.child_by_field_name("name")) == "afterAuth"), None)
            after = after or opts.get("afterAuth")
            # afterAuth replaces the default redirect; the usual body keeps it: `!auth.userId && !auth.isPublicRoute`.
            if after is not None and "isPublicRoute" not in text(after):
                unknown.append("afterAuth decides on its own which signed-out requests go on")
            break
    if rules is None:
        return None
    rules.matchers, rules.matcher_lines, rules.config_matcher, rules.unknown = matchers, lines, config, unknown
    return rules


def evaluate(cond: Optional[Cond], matches: dict[str, bool]) -> bool:
    """A condition, given whether each matcher matches the path."""
    if cond is None:
        return False
    op = cond[0]
    if op == "true":
        return True
    if op == "call":
        return matches[cond[1]]
    if op == "not":
        return not evaluate(cond[1], matches)
    if op == "and":
        return all(evaluate(c, matches) for c in cond[1])
    return any(evaluate(c, matches) for c in cond[1])


def to_js(cond: Union[Cond, None], arg: str = "pathname") -> str:
    if cond is None:
        return "false"
    op = cond[0]
    if op == "true":
        return "true"
    if op == "call":
        return f"{cond[1]}({arg})"
    if op == "not":
        inner = to_js(cond[1], arg)
        return f"!{inner}" if cond[1][0] in ("call", "true") else f"!({inner})"
    joiner = " && " if op == "and" else " || "
    return joiner.join(f"({to_js(c, arg)})" if c[0] in ("and", "or") else to_js(c, arg) for c in cond[1])
