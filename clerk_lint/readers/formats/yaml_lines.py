"""YAML read line by line, with positions, without a YAML library: the one YAML reader of
the readers (CI workflows, compose files, Render blueprints) and of the resolver
(pnpm-workspace.yaml). Why hand-written: docs/ARCHITECTURE.md, "One YAML reader".

`yaml_lines(text)` gives, for each line, the key it sets (`key: value`, `- key: value`,
`"quoted key": value`) or the list item it holds (`- value`), with columns, and the key of
the mapping it is nested in, found from the indentation; lines inside a block scalar
(`run: |`) are marked, not parsed. What a key or an item means is the caller's business.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

# `key: value`, `- key: value`, "quoted key": value (value without its comment).
_KEY = re.compile(r"^(?P<indent>[ \t]*(?:-[ \t]+)*)(?P<q>[\"']?)(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)(?P=q)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")
# `- value`: a sequence item that is not a mapping.
_ITEM = re.compile(r"^[ \t]*-[ \t]+(?=[^ \t])")
BLOCK_SCALAR = re.compile(r"^[|>][+-]?\d*$")


@dataclass(slots=True)
class YamlLine:
    """One line of a YAML file. Columns count characters of `code` (= of the line)."""
    index: int  # 0-based line number
    start: int  # offset of the line in the text
    text: str  # the line as written
    code: str  # the line without its trailing comment
    in_block: bool = False  # a line of a block scalar's text
    parent: str = ""  # the enclosing key (lower case), "" at the top level
    key: Optional[str] = None
    key_start: int = 0
    key_end: int = 0
    value: str = ""  # as written (quotes kept), "" when the key opens a nested block
    value_start: int = 0  # where the value starts (after the colon when there is none)
    item_start: Optional[int] = None  # a `- value` line: where the value starts


def yaml_lines(text: str) -> Iterator[YamlLine]:
    """Every line of `text` (split on "\\n"), in order."""
    stack: list[tuple[int, str]] = []  # (indent, key) of the enclosing mappings
    block_indent: Optional[int] = None  # inside `run: |` text deeper than this
    offset = 0
    for i, line in enumerate(text.split("\n")):
        base = offset
        offset += len(line) + 1
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                yield YamlLine(i, base, line, line, in_block=True)
                continue
            block_indent = None
        if not stripped or stripped.startswith("#"):
            yield YamlLine(i, base, line, line)
            continue
        code = strip_comment(line)
        m = _KEY.match(code)
        if m:
            key_indent = len(m.group("indent"))
            while stack and stack[-1][0] >= key_indent:
                stack.pop()
            parent = stack[-1][1] if stack else ""
            value = m.group("value") or ""
            if BLOCK_SCALAR.match(value):
                block_indent = indent
            key = m.group("key")
            stack.append((key_indent, key.lower()))
            yield YamlLine(i, base, line, code, parent=parent, key=key, key_start=m.start("key"),
                           key_end=m.end("key"), value=value,
                           value_start=m.start("value") if m.group("value") is not None else m.end())
            continue
        item = _ITEM.match(code)
        if item:
            while stack and stack[-1][0] > indent:  # an item closes the mappings nested deeper
                stack.pop()
            yield YamlLine(i, base, line, code, parent=stack[-1][1] if stack else "", item_start=item.end())
            continue
        yield YamlLine(i, base, line, code, parent=stack[-1][1] if stack else "")


def strip_comment(line: str) -> str:
    """A YAML line without its trailing `# comment`: a `#` at the start or after white
    space, outside quotes."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line


def strip_comments(text: str) -> str:
    """`strip_comment` on every line of `text`."""
    return "\n".join(strip_comment(line) for line in text.split("\n"))


def unquote(value: str, start: int) -> tuple[str, int]:
    """A value without its surrounding quotes, and where it then starts."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1], start + 1
    return value, start


def scalar(raw: str) -> str:
    """One plain, 'single' or "double" quoted YAML scalar, with a trailing comment dropped."""
    raw = raw.strip()
    if raw[:1] == "'":
        out, i = [], 1
        while i < len(raw):
            ch = raw[i]
            if ch == "'":
                if raw[i + 1:i + 2] == "'":
                    out.append("'")
                    i += 2
                    continue
                break
            out.append(ch)
            i += 1
        return "".join(out)
    if raw[:1] == '"':
        out, i = [], 1
        while i < len(raw):
            ch = raw[i]
            if ch == "\\" and i + 1 < len(raw):
                out.append(raw[i + 1])
                i += 2
                continue
            if ch == '"':
                break
            out.append(ch)
            i += 1
        return "".join(out)
    hash_at = re.search(r"(^|\s)#", raw)
    if hash_at:
        raw = raw[:hash_at.start()]
    return raw.strip()


def flow_items(body: str) -> list[str]:
    """The scalars of a flow sequence's body (between [ and ]), quotes respected."""
    items, cur, quote = [], [], ""
    for ch in body:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            cur.append(ch)
        elif ch == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    items.append("".join(cur))
    return [s for s in (scalar(i) for i in items) if s]


def block_scalar(lines: list[YamlLine], j: int) -> tuple[str, int, int]:
    """The text of the block scalar `lines[j]` opens (`KEY: |` / `KEY: >`), as YAML reads it
    (indentation of its first line removed; `>` folds lines into spaces), and the offsets of its
    first non-blank line in the text: (value, start, end). ("", 0, 0) when it holds nothing."""
    body: list[YamlLine] = []
    for y in lines[j + 1:]:
        if not y.in_block:
            break
        body.append(y)
    while body and not body[-1].text.strip():
        body.pop()
    first = next((y for y in body if y.text.strip()), None)
    if first is None:
        return "", 0, 0
    cut = len(first.text) - len(first.text.lstrip(" \t"))
    rows = [y.text[cut:] if y.text[:cut].strip() == "" else y.text.lstrip(" \t") for y in body
            if y.index >= first.index]
    value = (" " if lines[j].value.startswith(">") else "\n").join(r.rstrip("\r") for r in rows)
    return value, first.start + cut, first.start + len(first.text.rstrip("\r"))
