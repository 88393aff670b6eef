"""Checks the ECMAScript reader runs on captures of queries/ecma/env.scm and strings.scm: reads
of Clerk variables in code and secret literals written into source. Each returns "" (no hit)
or (detail, node to report, details)."""
from __future__ import annotations

import re

from ...concepts.catalog import Catalog
from ...concepts.env_vars import (NAMED_RULE, READ_ADVICE, advice_for, classify, is_clerk_env_name, named_detail,
    named_variables, unprefixed)
from ...concepts.secret_literals import SECRET_LITERAL, SECRET_PREFIXES, secret_literals
from ...findings import Finding


def _text(node) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def _read_target(node):
    """The expression that reads the variable, for the finding's span."""
    parent = node.parent
    if node.type == "string_fragment" and parent is not None:
        up = parent.parent  # string -> subscript_expression | arguments
        if up is not None and up.type == "subscript_expression":
            return up
        if up is not None and up.type == "arguments" and up.parent is not None:
            return up.parent
        return parent
    if node.type in ("shorthand_property_identifier_pattern",):
        return node
    return parent if parent is not None else node


def _runtime_config_variable(node) -> str:
    """`useRuntimeConfig().clerkSecretKey` -> NUXT_CLERK_SECRET_KEY, `.public.clerkPublishableKey`
    -> NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY (Nuxt fills runtime config keys from those variables)."""
    read = node.parent
    target = read.child_by_field_name("object") if read is not None and read.type == "member_expression" else None
    public = target is not None and target.type == "member_expression" and _text(target.child_by_field_name("property")) == "public"
    if public:
        target = target.child_by_field_name("object")
    if target is None or target.type != "call_expression" or _text(target.child_by_field_name("function")) != "useRuntimeConfig":
        return ""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", _text(node)).upper()
    return ("NUXT_PUBLIC_" if public else "NUXT_") + words


def js_env_read(node, catalog: Catalog):
    """`env.clerk-env-read`: process.env.X / import.meta.env.X / env.X / process.env["X"] /
    const { X } = process.env / import { X } from "$env/static/private" / Deno.env.get("X") /
    Nuxt's useRuntimeConfig().clerkX (named after the variable that fills it)."""
    name = _text(node)
    if name[:1].islower():
        name = _runtime_config_variable(node) or name
    if not is_clerk_env_name(name, catalog):
        return ""
    code = classify(name, "", catalog, file_has_clerk=True)
    advice = READ_ADVICE.get(code) or advice_for(unprefixed(name))
    return (f"{name}: {advice}", _read_target(node), (("variable", name), ("kind", code or "")))


def _context_name(string_node) -> str:
    """The name the literal is bound to: object key, variable, assignment target, JSX attribute."""
    node = string_node
    for _ in range(4):
        parent = node.parent
        if parent is None:
            return ""
        if parent.type == "pair":
            return _text(parent.child_by_field_name("key")).strip("\"'`")
        if parent.type == "variable_declarator":
            return _text(parent.child_by_field_name("name"))
        if parent.type in ("assignment_expression", "augmented_assignment_expression"):
            return _text(parent.child_by_field_name("left"))
        if parent.type == "jsx_attribute":
            return _text(parent.named_children[0]) if parent.named_children else ""
        if parent.type in ("arguments", "call_expression", "new_expression"):
            call = parent if parent.type != "arguments" else parent.parent
            if call is None:
                return ""
            return _text(call.child_by_field_name("function") or call.child_by_field_name("constructor"))
        node = parent
    return ""


def js_secret_literal(node, catalog: Catalog):
    """`strings.secret-literal`: an sk_live_/sk_test_ key, whsec_ secret or PEM private key
    written into source, in a file that concerns Clerk (the JS analyzer only calls this for
    files that mention clerk or svix), unless its name says another vendor."""
    text = _text(node)
    target = node.parent if node.parent is not None else node
    if not SECRET_LITERAL.search(text):
        if not text.endswith(SECRET_PREFIXES):
            return ""
        # `"sk_live_" + "…"`: the key split over a concatenation, reported once on the whole of it
        target, text = _joined_strings(target)
        if target is None or not SECRET_LITERAL.search(text):
            return ""
    hit = next(secret_literals(text, _context_name(target)), None)
    return "" if hit is None else (hit[2], target, hit[3])


def _joined_strings(string_node):
    """(the `+` expression, its text) when `string_node` is the first string of a chain of
    string literals joined by `+`; else (None, "")."""
    top = string_node
    while (top.parent is not None and top.parent.type == "binary_expression"
           and _text(top.parent.child_by_field_name("operator")) == "+"):
        top = top.parent
    if top == string_node:  # (tree-sitter makes a new Node object on each access: compare, not `is`)
        return None, ""
    parts, stack = [], [top]
    while stack:
        node = stack.pop()
        if node.type == "binary_expression":
            stack += [node.child_by_field_name("right"), node.child_by_field_name("left")]
        elif node.type == "string" or (node.type == "template_string" and not any(
                c.type == "template_substitution" for c in node.children)):
            parts.append(node)
        else:
            return None, ""
    if not parts or parts[0] != string_node:
        return None, ""
    return top, "".join(_text(p)[1:-1] for p in parts)


def may_name_variable(lowered: bytes) -> bool:
    return b"clerk_" in lowered


def js_env_named(node, catalog: Catalog):
    """`strings.clerk-env-named`: a string spelling out a Clerk variable (`throw new Error("Missing
    CLERK_SECRET_KEY")`, `requireEnv("CLERK_SECRET_KEY")`). A string on a line that holds another
    finding (the read it explains, an env schema key) is dropped with drop_nested_reads."""
    names = [name for _, _, name in named_variables(_text(node), catalog)]
    if not names:
        return ""
    string = node.parent if node.parent is not None else node
    shown = ", ".join(dict.fromkeys(names))
    return (named_detail(names, catalog), string, (("variable", shown),))


ENV_READ_RULE = "CLK714"
# Findings that only restate what another finding on their line says.
_LINE_FOLLOWERS = frozenset({NAMED_RULE})


def drop_nested_reads(findings: list[Finding]) -> list[Finding]:
    """Env reads that are part of a reported Clerk expression (`<ClerkProvider publishableKey=
    {import.meta.env.X}>`, `createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY })`,
    `app.use(clerkPlugin, { publishableKey: ... })`) go away with it, so only the reads that
    outlive the Clerk code (startup checks, env schemas, config modules) are reported. Part of
    means: on the line where another finding starts. A read on a line of its own inside a
    multi-line expression (`publishableKey={...}` under `<ClerkProvider`, `secretKey: c.env.X`
    in `clerkMiddleware({`) stays: that line is edited too (the variable is renamed or dropped)."""
    busy = {(f.location.path, f.location.line) for f in findings
            if f.code != ENV_READ_RULE and f.code not in _LINE_FOLLOWERS}
    if not busy:
        return findings
    return [f for f in findings if f.code != ENV_READ_RULE or (f.location.path, f.location.line) not in busy]


def drop_line_followers(findings: list[Finding]) -> list[Finding]:
    """A Clerk variable named in a string (CLK719) on a line another finding holds is part of it."""
    busy = {f.location.line for f in findings if f.code not in _LINE_FOLLOWERS}
    return [f for f in findings if f.code not in _LINE_FOLLOWERS or f.location.line not in busy]

