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

import sys
from array import array
from itertools import accumulate
from typing import Iterable, Optional

_EOF = 65535
_BLOCK = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_UTF16_NATIVE = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"  # array("H") is native-endian
_PADDING = array("H", bytes(2 * _BLOCK))
_LF_UNIT = "\n".encode(_UTF16_NATIVE)  # zeros after the sentinel give the last lines a full window


def _units_and_starts(text: str, lines: Optional[int]) -> tuple[array, list[int]]:
    """The text as the action walks it (UTF-16 units, sentinel, padding) and the unit index
    where each line starts (of the first `lines` lines when given)."""
    # Line breaks as the action sees them: CRLF and lone CR become LF. It drops an LF only
    # right after a CR, so "\r \n" stays two breaks: replace before dropping blanks.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
    data = text.encode(_UTF16_NATIVE, "surrogatepass")
    units = array("H", data)
    units.append(_EOF)
    units.extend(_PADDING)
    starts = [0]  # a line starts at unit 0 and after every LF (the sentinel's slot included)
    if text.isascii():
        find, pos = text.find, text.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
    else:
        find, pos = data.find, data.find(_LF_UNIT)
        while pos != -1:
            if pos % 2 == 0:  # a whole code unit, not the middle of two
                starts.append(pos // 2 + 1)
            pos = find(_LF_UNIT, pos + 1)
    if lines is not None:
        del starts[max(lines, 0):]
    return units, starts


def line_hashes(text: str, lines: Optional[int] = None) -> list[str]:
    """Return the hash of every line (of the first `lines` lines when given: the
    others are not computed): element i belongs to line i + 1.

    Lines are counted as the action counts them: a file ending in a newline
    has one more (empty) line, so `line_hashes("")` and `line_hashes("a\\n")`
    have 1 and 2 entries. Pass the text decoded as UTF-8 without stripping a
    BOM (Node keeps it), e.g. `bytes.decode("utf-8", "replace")`.

    Same values as the action's character-by-character rolling hash, computed from
    prefix hashes: with H[i] the hash of the first i units, the 100-unit window that
    starts at unit s hashes to H[s + 100] - H[s] * 37**100 (mod 2**64).
    """
    units, starts = _units_and_starts(text, lines)
    mask, mod, first = _MASK, _MOD, _FIRST_MOD
    needed = units[: starts[-1] + _BLOCK] if starts else ()
    prefix = list(accumulate(needed, lambda h, c: (h * mod + c) & mask, initial=0))
    hashes: list[str] = []
    counts: dict[str, int] = {}
    for s in starts:
        key = format((prefix[s + _BLOCK] - prefix[s] * first) & mask, "x")
        counts[key] = counts.get(key, 0) + 1
        hashes.append(f"{key}:{counts[key]}")
    return hashes


def hashes_of_lines(text: str, wanted: Iterable[int]) -> dict[int, str]:
    """The hashes of the 1-based lines in `wanted` (a line past the end is left out): the
    values `line_hashes` gives them, at a fraction of the cost when a file has few findings.

    Only the wanted lines' windows are hashed; the `:k` counts come from comparing the raw
    windows of the earlier lines (equal windows have equal hashes; two different windows
    sharing a 64-bit hash would be counted apart here, which no real file meets)."""
    wanted = sorted(set(wanted))
    if not wanted:
        return {}
    units, starts = _units_and_starts(text, wanted[-1])
    mask, mod = _MASK, _MOD
    want = set(wanted)
    counts: dict[bytes, int] = {}
    out: dict[int, str] = {}
    for line, s in enumerate(starts, 1):
        window = units[s:s + _BLOCK]
        key = window.tobytes()
        counts[key] = counts.get(key, 0) + 1
        if line in want:
            h = 0
            for c in window:
                h = (h * mod + c) & mask
            out[line] = f"{h:x}:{counts[key]}"
    return out


def line_hash(hashes: list[str], line: int) -> str:
    """The hash for a 1-based line, or "" when the line is out of range."""
    return hashes[line - 1] if 1 <= line <= len(hashes) else ""
