"""GitHub code scanning's `primaryLocationLineHash`, computed exactly as
github/codeql-action does in `src/fingerprints.ts`.

Each line's hash is a base-37 rolling hash (mod 2**64) over the first 100
characters counted from the start of that line, where spaces and tabs are
skipped, CR and CRLF become LF, and the text is walked in UTF-16 code units.
A sentinel (65535) and zero padding after the last character give the final
lines a full window. The value is lowercase hex without leading zeros plus
`:k`, k counting earlier identical hashes in the same file.

Matching the action matters: when our value disagrees with the one it would
compute, alerts get duplicated or lose their dismissals across uploads.
"""
from __future__ import annotations

_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13
_EOF = 65535
_BLOCK = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)


def _utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def line_hashes(text: str) -> list[str]:
    """Return the hash of every line: element i belongs to line i + 1.

    Lines are counted as the action counts them: a file ending in a newline
    has one more (empty) line, so `line_hashes("")` and `line_hashes("a\\n")`
    have 1 and 2 entries. Pass the text decoded as UTF-8 without stripping a
    BOM (Node keeps it), e.g. `bytes.decode("utf-8", "replace")`.
    """
    window = [0] * _BLOCK
    starts_line = [False] * _BLOCK  # the action's lineNumbers[], as "slot starts a line"
    hashes: list[str] = []
    counts: dict[str, int] = {}
    value = index = 0
    line_start, prev_cr = True, False

    def emit() -> None:
        # Lines come out in order, so the slot's line number is len(hashes) + 1.
        key = format(value, "x")
        counts[key] = counts.get(key, 0) + 1
        hashes.append(f"{key}:{counts[key]}")
        starts_line[index] = False

    units = _utf16_units(text)
    units.append(_EOF)
    for current in units:
        # The action resets prev_cr on skipped characters too, so "\r \n" is two line breaks.
        if current == _SPACE or current == _TAB or (prev_cr and current == _LF):
            prev_cr = False
            continue
        prev_cr = current == _CR
        if prev_cr:
            current = _LF
        if starts_line[index]:
            emit()
        if line_start:
            line_start = False
            starts_line[index] = True
        line_start = current == _LF
        value = (_MOD * value + current - _FIRST_MOD * window[index]) & _MASK
        window[index] = current
        index = (index + 1) % _BLOCK
    for _ in range(_BLOCK):
        if starts_line[index]:
            emit()
        value = (_MOD * value - _FIRST_MOD * window[index]) & _MASK
        window[index] = 0
        index = (index + 1) % _BLOCK
    return hashes


def line_hash(hashes: list[str], line: int) -> str:
    """The hash for a 1-based line, or "" when the line is out of range."""
    return hashes[line - 1] if 1 <= line <= len(hashes) else ""
