"""HTML building blocks shared by the pages: escaping (after redaction), numbers, tables, badges,
and the page shell with its Content-Security-Policy.

Every string shown passes through `concepts.secrets.redact_text` before HTML escaping, so no
format shows a secret another hides. A number drawn from a report dict carries `data-src`, the
JSON path it came from, so a test can check every shown number against the JSON output.
"""
from __future__ import annotations

import json
from html import escape
from typing import Any, Iterable, Optional, Sequence

from ...concepts.secrets import redact_text
from .script import SCRIPT, SCRIPT_HASH, sha256
from .style import CSS

# The page's own stylesheet and script are allowed by their hashes; nothing else runs or loads.
CSP = (f"default-src 'none'; style-src '{sha256(CSS)}'; img-src data:; "
       f"script-src '{SCRIPT_HASH}'; connect-src 'none'; form-action 'none'; base-uri 'none'")


class Raw(str):
    """Already-escaped HTML."""


def e(value: Any) -> Raw:
    """Text for HTML: redacted, then escaped. Raw HTML passes through."""
    if isinstance(value, Raw):
        return value
    return Raw(escape(redact_text("" if value is None else str(value))))


def num(value: Any) -> str:
    """A count or an amount as people read it: 13,357 / 172 / 249.5."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def src_attr(path: Optional[Sequence], doc: str = "") -> str:
    """`data-src`: the JSON path of a shown value; `data-doc` names the document when a page
    shows values of two (the plan page draws the scan report's counts too)."""
    if path is None:
        return ""
    return f' data-src="{escape(json.dumps(list(path)))}"' + (f' data-doc="{doc}"' if doc else "")


def value(doc: dict, *path) -> Raw:
    """The value at `path` of `doc`, formatted, in a span that names its JSON path."""
    node: Any = doc
    for key in path:
        node = node.get(key) if isinstance(node, dict) else (
            node[key] if isinstance(node, list) and isinstance(key, int) and key < len(node) else None)
    return Raw(f"<span{src_attr(path)}>{e(num(node))}</span>")


def page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            f"<title>{e(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main><script>{SCRIPT}</script></body></html>\n")


def table(caption: str, head: Iterable[str], rows: Iterable[Iterable[Any]], numeric: frozenset = frozenset(),
          row_attrs: Optional[Iterable[str]] = None, cls: str = "") -> str:
    """A table with a caption, column headers and the first cell of each row as its row header."""
    head = list(head)
    klass = f' class="{cls}"' if cls else ""
    out = [f"<div class=\"scroll\"><table{klass}><caption>{e(caption)}</caption><thead><tr>"]
    out += [f"<th scope=\"col\"{_NUM if i in numeric else ''}>{e(h)}</th>" for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    attrs = iter(row_attrs) if row_attrs is not None else None
    for row in rows:
        cells = list(row)
        out.append(f"<tr{next(attrs) if attrs else ''}>" + "".join(
            (f"<th scope=\"row\">{e(c)}</th>" if i == 0 else f"<td{_NUM if i in numeric else ''}>{e(c)}</td>")
            for i, c in enumerate(cells)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


_NUM = ' class="num"'


def badge(word: Any) -> Raw:
    """A difficulty or severity: the word is always written, the colour only repeats it."""
    word = "" if word is None else str(word)
    tone = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in word)
    return Raw(f"<span class=\"badge t-{tone}\">{e(word)}</span>")


def stats(items: list[tuple[str, Any]]) -> str:
    return "<dl class=\"stats\">" + "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in items) + "</dl>"


def codes(items: Iterable[Any]) -> Raw:
    return Raw(" ".join(f"<code>{e(item)}</code>" for item in items))


def anchor(prefix: str, text: str) -> str:
    """An in-page id from any text (ids stay ASCII and readable)."""
    return prefix + "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text)


def prose(text: Any) -> Raw:
    """One paragraph's text with its `code` spans (the only markup the docs and plan texts use)."""
    pieces = e(text).split("`")
    if len(pieces) % 2 == 0:  # an unmatched backtick stays a backtick
        pieces[-2:] = [pieces[-2] + "`" + pieces[-1]]
    return Raw("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces)))


def inline_markdown(text: str) -> Raw:
    """Rule docs prose: paragraphs of `prose`."""
    return Raw("".join(f"<p>{prose(p.strip())}</p>" for p in text.strip().split("\n\n") if p.strip()))
