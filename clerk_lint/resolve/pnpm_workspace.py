"""The `packages` list of pnpm-workspace.yaml (block and flow sequences), read with the shared
YAML line reader's scalars."""
from __future__ import annotations

import re

from ..readers.formats.yaml_lines import flow_items, scalar, strip_comments


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
            return flow_items(body[:body.rfind("]")] if "]" in body else body)
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
            value = scalar(item.group(1) or "")
            if value:
                out.append(value)
        return out
    return []
