"""Workspace globs as npm, yarn and pnpm write them (`*`, `**`, `?`, `[..]`, `{a,b}`, `!`)."""
from __future__ import annotations

import re

def segment_regex(seg: str) -> str:
    out, i = [], 0
    while i < len(seg):
        ch = seg[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = seg.find("]", i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = seg[i + 1:end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif ch == "{":
            end = seg.find("}", i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                out.append("(?:" + "|".join(segment_regex(alt) for alt in seg[i + 1:end].split(",")) + ")")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def has_magic(seg: str) -> bool:
    return any(c in seg for c in "*?[{")


def glob_parts(pattern: str) -> list[str]:
    return [p for p in pattern.replace("\\", "/").split("/") if p not in ("", ".")]


def glob_regex(pattern: str) -> re.Pattern:
    """A regex matching '/'-separated relative paths against a workspace glob
    (``**`` spans any number of folders, including none)."""
    parts = glob_parts(pattern)
    rx = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            if last:
                rx = rx[:-1] + "(?:/.*)?" if rx.endswith("/") else ".*"
            else:
                rx += "(?:[^/]+/)*"
        else:
            rx += segment_regex(part) + ("" if last else "/")
    return re.compile(rx + r"\Z")
