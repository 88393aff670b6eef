"""The parts of a single-file component: Vue blocks, Astro frontmatter and scripts, Svelte
scripts; and the byte masks that keep the offsets of the original file."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional



# Block scanning is linear: each opening is paired with the next closing by `find`, never by a
# backtracking regex (a file of unclosed `<script` or `<!--` must not cost quadratic time).
_OPEN = {b"script": re.compile(rb"<script\b", re.IGNORECASE), b"style": re.compile(rb"<style\b", re.IGNORECASE)}
_CLOSE = {b"script": re.compile(rb"</script\s*>", re.IGNORECASE), b"style": re.compile(rb"</style\s*>", re.IGNORECASE)}
_TEMPLATE_OPEN = re.compile(rb"<template\b(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
_TEMPLATE_CLOSE = re.compile(rb"</template\s*>", re.IGNORECASE)
_ATTR = re.compile(rb"""([:@\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_FRONTMATTER = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*---[ \t]*\r?\n(?P<body>.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE)
_FRONTMATTER_OPEN = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*---[ \t]*\r?\n")
TAG_START = re.compile(rb"<(?P<name>[A-Za-z][A-Za-z0-9_.-]*)")

_VUE_LANGS = {"ts": "typescript", "typescript": "typescript", "tsx": "tsx", "js": "javascript",
              "javascript": "javascript", "jsx": "javascript", "": "javascript"}


@dataclass(frozen=True)
class Block:
    start: int  # byte offsets of the block's body in the file
    end: int
    lang: str
    unclosed: bool = False  # never closed: the body runs to the end of the file


def unclosed_reason(data: bytes, blocks: Iterable[Block], what: str) -> str:
    """The partial-scan reason for the first block never closed, or ""."""
    first = next((b for b in blocks if b.unclosed), None)
    if first is None:
        return ""
    line = data.count(b"\n", 0, first.start) + (0 if what == "frontmatter" else 1)
    opened = "`---` frontmatter opened on line 1" if what == "frontmatter" else f"`<script>` opened on line {line}"
    if first.end >= len(data):
        return f"{opened} is never closed: read as code to the end of the file"
    last = data.count(b"\n", 0, first.end)
    return f"{opened} is never closed: read as code up to line {last}, the markup after it as the template"


@dataclass(frozen=True)
class TagNode:
    """Enough of a tree-sitter node for a locator and a Classifier: a byte range."""

    start_byte: int
    end_byte: int


def _attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(raw):
        value = next((g for g in m.groups()[1:] if g is not None), b"")
        out[m.group(1).decode("ascii", "replace").lower()] = value.decode("utf-8", "replace")
    return out


def blank_outside(data: bytes, spans: Iterable[tuple[int, int]]) -> bytes:
    """`data` with every byte outside `spans` replaced by a space (newlines kept)."""
    out = bytearray(b" " * len(data))
    for start, end in spans:
        out[start:end] = data[start:end]
    for index in _newlines(data):
        out[index] = 0x0A
    return bytes(out)


def _newlines(data: bytes) -> list[int]:
    out, pos = [], data.find(b"\n")
    while pos != -1:
        out.append(pos)
        pos = data.find(b"\n", pos + 1)
    return out


_NOT_NEWLINE = re.compile(rb"[^\n]")


def mask_spans(data: bytes, spans: Iterable[tuple[int, int]]) -> bytes:
    """`data` with the bytes inside `spans` replaced by spaces (newlines kept)."""
    out = bytearray(data)
    for start, end in spans:
        out[start:end] = _NOT_NEWLINE.sub(b" ", data[start:end])
    return bytes(out)


def comment_spans(data: bytes, start: int = 0, end: Optional[int] = None) -> list[tuple[int, int]]:
    """`<!-- ... -->` ranges in [start, end); an unclosed comment runs to `end`."""
    end = len(data) if end is None else end
    out = []
    pos = data.find(b"<!--", start, end)
    while pos != -1:
        close = data.find(b"-->", pos + 4, end)
        if close == -1:
            out.append((pos, end))
            break
        out.append((pos, close + 3))
        pos = data.find(b"<!--", close + 3, end)
    return out


@dataclass(frozen=True)
class Element:
    start: int  # `<`
    body_start: int  # after the opening tag's `>`
    body_end: int  # the closing tag's `<`
    end: int  # after the closing tag
    attrs: bytes
    closed: bool = True


def elements(data: bytes, tag: bytes, start: int = 0, end: Optional[int] = None,
             open_ended: bool = False) -> list[Element]:
    """`<tag ...>...</tag>` elements in [start, end) whose body is raw text (script, style).
    `open_ended`: a last element never closed runs to `end` (closed=False) instead of being dropped."""
    end = len(data) if end is None else end
    out = []
    pos = start
    while True:
        opening = _OPEN[tag].search(data, pos, end)
        if opening is None:
            break
        head_end = tag_end(data, opening.end(), end)
        if head_end > end or data[head_end - 1:head_end] != b">":
            break
        closing = _CLOSE[tag].search(data, head_end, end)
        if closing is None:  # no later element can be closed either
            if open_ended:  # up to the first line of markup or another opening, whichever is first
                again = _OPEN[tag].search(data, head_end, end)
                stop = markup_line(data, head_end, again.start() if again else end)
                out.append(Element(opening.start(), head_end, stop, stop, data[opening.end():head_end - 1], False))
            break
        out.append(Element(opening.start(), head_end, closing.start(), closing.end(),
                           data[opening.end():head_end - 1]))
        pos = closing.end()
    return out


_MARKUP_LINE = re.compile(rb"^<[A-Za-z]", re.MULTILINE)


def markup_line(data: bytes, start: int, end: int) -> int:
    """Where a block that was never closed most likely ends: the first line starting with a
    tag (`<template>`, `<div>`: script code does not start a line with `<` and a letter), else `end`."""
    m = _MARKUP_LINE.search(data, start, end)
    return m.start() if m else end


def vue_blocks(data: bytes) -> tuple[list[Block], Optional[tuple[int, int]]]:
    """The script blocks of a Vue SFC and the byte range of its template (or None)."""
    plain = mask_spans(data, comment_spans(data))
    blocks: list[Block] = []
    taken: list[tuple[int, int]] = []
    for element in elements(plain, b"script", open_ended=True):
        attrs = _attrs(element.attrs)
        taken.append((element.start, element.end))
        if "src" in attrs:
            continue
        lang = _VUE_LANGS.get(attrs.get("lang", "").strip().lower())
        if lang is not None:
            blocks.append(Block(element.body_start, element.body_end, lang, not element.closed))
    langs = {b.lang for b in blocks}
    if len(langs) > 1:  # Vue requires one lang for both blocks; parse all as the richest one
        shared = "tsx" if "tsx" in langs else "typescript"
        blocks = [Block(b.start, b.end, shared, b.unclosed) for b in blocks]
    taken += [(e.start, e.end) for e in elements(plain, b"style")]
    outside = mask_spans(plain, taken)
    opening = _TEMPLATE_OPEN.search(outside)
    if opening is None or _attrs(opening.group("attrs")).get("lang", "html") not in ("html", ""):
        return blocks, None
    closings = list(_TEMPLATE_CLOSE.finditer(outside, opening.end()))
    end = closings[-1].start() if closings else len(data)
    return blocks, (opening.end(), end)


def astro_blocks(data: bytes) -> tuple[list[Block], list[Block], tuple[int, int]]:
    """(frontmatter block(s), template <script> blocks, template range) of an Astro file."""
    front: list[Block] = []
    template_start = 0
    m = _FRONTMATTER.match(data)
    if m is not None:
        front.append(Block(m.start("body"), m.end("body"), "typescript"))
        template_start = m.end()
    else:
        opened = _FRONTMATTER_OPEN.match(data)
        if opened is not None:  # never closed: frontmatter up to the first line of markup
            template_start = markup_line(data, opened.end(), len(data))
            front.append(Block(opened.end(), template_start, "typescript", True))
    plain = mask_spans(data, comment_spans(data, template_start))
    scripts: list[Block] = []
    for element in elements(plain, b"script", template_start):
        attrs = _attrs(element.attrs)
        if "src" in attrs:
            continue
        kind = attrs.get("type", "module").strip().lower()
        if kind not in ("module", "text/javascript", "application/javascript", "text/typescript", ""):
            continue  # JSON, templates, ...
        lang = "javascript" if "is:inline" in attrs else "typescript"
        scripts.append(Block(element.body_start, element.body_end, lang))
    return front, scripts, (template_start, len(data))


_SVELTE_HEAD = (re.compile(rb"<svelte:head\b", re.IGNORECASE), re.compile(rb"</svelte:head\s*>", re.IGNORECASE))
_SCRIPT_TYPES = ("", "module", "text/javascript", "application/javascript", "text/typescript", "text/ts")


def svelte_blocks(data: bytes) -> tuple[list[Block], list[tuple[int, int]]]:
    """The component script blocks of a Svelte file (one module) and the spans the template
    scan skips (every script and style element)."""
    plain = mask_spans(data, comment_spans(data))
    # Scripts inside <svelte:head> are the page's own browser scripts, not the component's.
    heads = []
    for opening in _SVELTE_HEAD[0].finditer(plain):
        closing = _SVELTE_HEAD[1].search(plain, opening.end())
        heads.append((opening.start(), closing.end() if closing else len(plain)))
    blocks: list[Block] = []
    hidden: list[tuple[int, int]] = []
    for element in elements(plain, b"script", open_ended=True):
        hidden.append((element.start, element.end))
        attrs = _attrs(element.attrs)
        kind = attrs.get("type", "").strip().lower()
        if "src" in attrs or kind not in _SCRIPT_TYPES or any(s <= element.start < e for s, e in heads):
            continue
        ts = attrs.get("lang", "").strip().lower() in ("ts", "typescript") or kind in ("text/typescript", "text/ts")
        blocks.append(Block(element.body_start, element.body_end, "typescript" if ts else "javascript",
                            not element.closed))
    if any(b.lang == "typescript" for b in blocks):  # TS is a superset: parse both as TS
        blocks = [Block(b.start, b.end, "typescript", b.unclosed) for b in blocks]
    hidden += [(e.start, e.end) for e in elements(plain, b"style")]
    return blocks, hidden

MAX_TAG_BYTES = 20_000
# The rest of an opening tag: attribute text, quoted values and `{...}` expressions (two levels
# of nesting), up to the `>` that closes it. A bare `<` means the tag was never closed.
# Possessive repeats: no backtracking on bad input.
TAG_REST = re.compile(
    rb"""(?:[^<>"'`{]++|"[^"]*+"|'[^']*+'|`[^`]*+`|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+>""")


def tag_end(data: bytes, index: int, end: Optional[int] = None) -> int:
    """One past the `>` that closes the opening tag whose name ends at `index` (quotes and
    `{...}` attribute expressions skipped); the end of the line when the tag is not closed
    within MAX_TAG_BYTES."""
    limit = min(len(data) if end is None else end, index + MAX_TAG_BYTES)
    m = TAG_REST.match(data, index, limit)
    if m is not None:
        return m.end()
    line_end = data.find(b"\n", index, limit)
    return line_end if line_end != -1 else limit
