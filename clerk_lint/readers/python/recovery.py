"""A Python file with a syntax error, read as far as it goes: the top-level statements before
the error (and those after it that parse on their own) are analysed as usual, so a half-edited
file keeps the findings of its intact part; only the statement holding the error is lost.

A cut is tried only where a line starts at column 0 with code (a top-level statement starts
there); a cut inside a multi-line string or bracket does not parse and the one before is tried.
The number of tries is bounded, each one parse of a part of the file."""
from __future__ import annotations

import ast
import warnings
from typing import Optional

MAX_TRIES = 12
# Lines at column 0 that continue the statement before them rather than start one.
_CONTINUATIONS = (")", "]", "}", "#", "else", "elif", "except", "finally")


def _starts(lines: list[str]) -> list[int]:
    """0-based indexes of lines where a top-level statement may start."""
    return [i for i, line in enumerate(lines)
            if line[:1] not in ("", " ", "\t", "\f") and not line.startswith(_CONTINUATIONS)]


def _parse(text: str) -> Optional[list[ast.stmt]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, type_comments=False).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def recover(text: str, error_line: Optional[int]) -> tuple[Optional[ast.Module], str]:
    """(module of the statements that parse, the lines skipped as "a-b") or (None, "")."""
    if not error_line or error_line < 1:
        return None, ""
    lines = text.split("\n")
    starts = _starts(lines)
    err = min(error_line, len(lines)) - 1
    tries = 0
    body: list[ast.stmt] = []
    cut = 0  # lines [0, cut) parsed
    before = [s for s in starts if s <= err]
    for start in reversed(before):
        if tries >= MAX_TRIES:
            break
        tries += 1
        part = _parse("\n".join(lines[:start]))
        if part is not None:
            body, cut = part, start
            break
    # After the error: the rest from each later top-level start, first one that parses.
    resume = None
    for start in (s for s in starts if s > err):
        if tries >= MAX_TRIES:
            break
        tries += 1
        part = _parse("\n" * start + "\n".join(lines[start:]))
        if part is not None:
            body += part
            resume = start
            break
    if not body:
        return None, ""
    last = (resume if resume is not None else len(lines))
    while last > cut + 1 and not lines[last - 1].strip():
        last -= 1
    skipped = f"{cut + 1}" if last <= cut + 1 else f"{cut + 1}-{last}"
    return ast.Module(body=body, type_ignores=[]), skipped
