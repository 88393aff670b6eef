"""The `packages` list of pnpm-workspace.yaml (block and flow sequences), without a YAML library."""
from __future__ import annotations

import re

from ..readers.formats.yaml_lines import strip_comments

def yaml_scalar(raw: str) -> str:
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


def split_flow(body: str) -> list[str]:
    """The items of a YAML flow sequence body (between [ and ]), quotes respected."""
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
    return [s for s in (yaml_scalar(i) for i in items) if s]


def parse_pnpm_packages(text: str) -> list[str]:
    """The globs of the top-level ``packages:`` list of a pnpm-workspace.yaml
    (block or flow style, quoted or plain, comments allowed)."""
    lines = text.lstrip("\ufeff").splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"""packages\s*:(.*)$|["']packages["']\s*:(.*)$""", line)
        if not m:
            continue
        rest = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        if rest.startswith("["):
            body = rest[1:]
            j = i
            while "]" not in strip_comments(body) and j + 1 < len(lines):
                j += 1
                body += "\n" + lines[j]
            body = strip_comments(body)
            return split_flow(body[:body.rfind("]")] if "]" in body else body)
        if rest and not rest.startswith("#"):
            return []
        out = []
        for follow in lines[i + 1:]:
            stripped = follow.strip()
            if not stripped or stripped.startswith("#"):
                continue
            item = re.match(r"\s*-(?:\s+(.*)|\s*)$", follow)
            if not item:
                break
            value = yaml_scalar(item.group(1) or "")
            if value:
                out.append(value)
        return out
    return []
