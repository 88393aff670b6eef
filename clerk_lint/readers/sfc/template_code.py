"""The JavaScript of a Vue or Astro template: `{{ user?.fullName }}`, `:src="user?.imageUrl"`,
`v-if="isSignedIn"`, `@click="signOut()"`. Each expression is written into the script's padded
copy of the file at its own offset, turned into a statement of the same byte length (`{{ x }}`
-> `;( x );`, `:a="x"` -> `:a;(x)`; every statement starts with `;`, so the one before it ends
even across a line break), so the script's bindings reach it and its findings point
at the template line. Astro's `{user?.firstName}` becomes `;user?.firstName;` (the innermost
braces only: `{user && <p>{user.firstName}</p>}` gives the inner one). Expressions that do not parse on their own are left out: a template is
not a module, and a half-parsed statement would hide the script's own findings."""
from __future__ import annotations

import re
from typing import Iterable

from ..ecma.parse import parse
from .blocks import comment_spans

_MUSTACHE = re.compile(rb"\{\{(?P<expr>.+?)\}\}", re.DOTALL)
# Bound attributes and directives whose value is an expression (not v-slot patterns or plain
# attributes): `:src`, `v-bind:src`, `v-if`, `v-show`, `v-for`, `v-model`, `@click`, `v-on:click`.
_DIRECTIVE = re.compile(
    rb"(?<=[\s\"'])(?::|v-bind:|@|v-on:|v-(?:if|else-if|show|for|model|html|text)\b)[\w.:\-\[\]]*"
    rb"(?P<eq>=)\"(?P<expr>[^\"]*)\"")
_FOR = re.compile(rb"^\s*(?P<alias>.+?)\s+(?:in|of)\s+(?P<source>.+)$", re.DOTALL)


def _parses(expression: bytes, lang: str) -> bool:
    return bool(expression.strip()) and not parse(b"(" + expression + b");", lang).root_node.has_error


def overlay(padded: bytes, data: bytes, template: tuple[int, int], hidden: Iterable[tuple[int, int]],
            lang: str) -> bytes:
    """`padded` (the script blocks of `data`, the rest blanked) with the template's expressions
    written in as statements. `hidden`: spans inside the template that are not template (blocks)."""
    start, end = template
    hidden = list(hidden) + comment_spans(data, start, end)
    out = bytearray(padded)

    def free(a: int, b: int) -> bool:
        return start <= a and b <= end and not any(h0 < b and a < h1 for h0, h1 in hidden)

    for match in _MUSTACHE.finditer(data, start, end):
        expr = match.group("expr")
        if free(match.start(), match.end()) and _parses(expr, lang):
            out[match.start():match.end()] = b";(" + expr + b");"
    for match in _DIRECTIVE.finditer(data, start, end):
        expr = match.group("expr")
        loop = _FOR.match(expr) if match.group(0).startswith(b"v-for") else None
        if loop is not None:  # `v-for="m in memberships"`: the source is the read (`in` would be a key test)
            at = match.start("expr") + loop.start("source")
            expr, first = loop.group("source"), at
        else:
            first = match.start("expr")
        if not free(match.start("eq"), match.end()) or not _parses(expr, lang):
            continue
        out[match.start("eq")] = ord(";")
        out[match.start("eq") + 1] = ord("(")
        out[first:first + len(expr)] = expr
        out[match.end("expr")] = ord(")")
    index = data.find(b"\n", start, end)
    while index != -1:  # keep every line where it is
        out[index] = 0x0A
        index = data.find(b"\n", index + 1, end)
    return bytes(out)


_BRACES = re.compile(rb"\{(?P<expr>[^{}<>]+)\}")


def overlay_braces(padded: bytes, data: bytes, template: tuple[int, int], hidden: Iterable[tuple[int, int]],
                   lang: str) -> bytes:
    """An Astro body's `{expression}`s written into `padded` as `;expression;`."""
    start, end = template
    hidden = list(hidden)
    out = bytearray(padded)
    for match in _BRACES.finditer(data, start, end):
        a, b = match.span()
        expr = match.group("expr")
        if any(h0 < b and a < h1 for h0, h1 in hidden) or not expr.strip() \
                or parse(b";" + expr + b";", lang).root_node.has_error:
            continue
        out[a:b] = b";" + expr + b";"
    return bytes(out)
