"""SQL text split into statements, offsets kept: comments blanked to spaces, quotes, quoted
identifiers and dollar-quoted bodies kept whole. Read by the schema reader (columns, indexes,
row-level security policies of migrations).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator


_SQL_SPECIAL = re.compile(r"--|/\*|['\"`$;]")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_]\w*)?\$")


@dataclass(frozen=True)
class Statement:
    text: str  # with comments blanked out (same length as the source slice)
    start: int  # str offset in the file


def split_sql(text: str) -> Iterator[Statement]:
    """Statements separated by top-level semicolons. Comments are blanked (replaced by spaces,
    so offsets still match the source); quotes, quoted identifiers and dollar-quoted bodies are
    kept whole."""
    out = []
    i = 0
    n = len(text)
    start = 0
    while i < n:
        special = _SQL_SPECIAL.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        if special.start() > i:  # ordinary text up to the next quote, comment, dollar or semicolon
            out.append(text[i:special.start()])
            i = special.start()
        ch = text[i]
        if text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j == -1 else j
            out.append(" " * (j - i))
            i = j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j == -1 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if ch in ("'", '"', "`"):
            j = i + 1
            while True:
                j = text.find(ch, j)
                if j == -1:
                    j = n
                    break
                if j + 1 < n and text[j + 1] == ch:  # a doubled quote inside the literal
                    j += 2
                    continue
                j += 1
                break
            out.append(text[i:j])
            i = j
            continue
        if ch == "$":
            m = _DOLLAR_TAG.match(text, i)
            if m:
                tag = m.group(0)
                j = text.find(tag, i + len(tag))
                j = n if j == -1 else j + len(tag)
                out.append(text[i:j])
                i = j
                continue
        if ch == ";":
            body = "".join(out)
            if body.strip():
                yield Statement(body, start)
            out = []
            i += 1
            start = i
            continue
        out.append(ch)
        i += 1
    body = "".join(out)
    if body.strip():
        yield Statement(body, start)
