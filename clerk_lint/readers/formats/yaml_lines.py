"""YAML read line by line, without a YAML library (pnpm-workspace.yaml, CI and compose
files): only what those readers need."""
from __future__ import annotations


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
