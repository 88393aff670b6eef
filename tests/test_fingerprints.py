"""clerk_lint.scan.fingerprints against github/codeql-action's own test vectors
(src/fingerprints.test.ts and src/testdata) plus a naive reference."""
from __future__ import annotations

import random
import re

import pytest

from clerk_lint.scan.fingerprints import hashes_of_lines, line_hash, line_hashes

EMPTY = "c129715d7a2bc9a3:1"
GREETINGS = [
    "e9496ae3ebfced30:1",
    "fb7c023a8b9ccb3f:1",
    "ce8ba1a563dcdaca:1",
    "e20e36e16fcb0cc8:1",
    "b3edc88f2938467e:1",
    "c8e28b0b4002a3a0:1",
    EMPTY,
]

VECTORS = [
    ("", [EMPTY]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", GREETINGS),
    (" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", GREETINGS),
    (" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", GREETINGS),
    (" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", GREETINGS),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        ["a7f2ff13bc495cf2:%d" % k for k in range(1, 7)]
        + ["a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", EMPTY],
    ),
]


@pytest.mark.parametrize("text,expected", VECTORS)
def test_codeql_action_vectors(text: str, expected: list[str]) -> None:
    hashes = line_hashes(text)
    assert hashes == expected
    # The action's test also checks one hash per line, counted this way.
    assert len(hashes) == len(re.split(r"\r\n|\r|\n", text))


def test_codeql_action_testdata_files() -> None:
    # src/testdata/testFile1.js line 1 and testFile2.js line 2 in fingerprinting.expected.sarif
    assert line_hashes("var a = 0;\nvar b = 0;\nvar c = 0;\nvar d = 0;\n")[0] == "5e4d5a9cf1294ad9:1"
    assert line_hashes("var foo = 0;\nvar bar = 0;\nvar baz = 0;\nvar qux = 0;\n")[1] == "f7592a95a9381ac0:1"


def test_line_hash_lookup() -> None:
    hashes = line_hashes("a\nb\n")
    assert line_hash(hashes, 1) == hashes[0]
    assert line_hash(hashes, 3) == EMPTY
    assert line_hash(hashes, 0) == line_hash(hashes, 4) == ""


def _naive(text: str) -> list[str]:
    """Straight from the description: normalise to UTF-16 units, then hash the
    100 units starting at each line start (EOF sentinel, then zeros)."""
    units: list[int] = []
    starts: list[int] = []
    data = text.encode("utf-16-le", "surrogatepass")
    raw = [data[i] | data[i + 1] << 8 for i in range(0, len(data), 2)] + [65535]
    at_start, prev_cr = True, False
    for u in raw:
        if u in (9, 32) or (prev_cr and u == 10):
            prev_cr = False
            continue
        prev_cr = u == 13
        u = 10 if u == 13 else u
        if at_start:
            starts.append(len(units))
        at_start = u == 10
        units.append(u)
    units += [0] * 100
    out, seen = [], {}
    for s in starts:
        h = 0
        for u in units[s : s + 100]:
            h = (h * 37 + u) % 2**64
        key = format(h, "x")
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{key}:{seen[key]}")
    return out


def test_matches_naive_reference_on_random_text() -> None:
    """Whole files, the first n lines, and only some lines (as a scan asks for the lines
    that have findings, and one past the end) all agree with the reference."""
    pieces = ["a", "b", " ", "\t", "\n", "\r", "\r\n", "é", "😀", "\ud800", "xxxxx", "\ufeff", "\u0a00", "\x00",
              "\n\n", "{", "}", "useUser()"]
    rng = random.Random(2)
    for i in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 400 if i % 10 else 2500)))
        expected = _naive(text)
        assert line_hashes(text) == expected, repr(text)
        n = rng.randrange(0, len(expected) + 2)
        assert line_hashes(text, n) == expected[:n], (repr(text), n)
        wanted = {rng.randrange(1, len(expected) + 2) for _ in range(rng.randrange(1, 6))}
        assert hashes_of_lines(text, wanted) == {line: expected[line - 1] for line in wanted if line <= len(expected)}


def test_non_bmp_characters_count_as_two_units() -> None:
    # The window is 100 UTF-16 units: 50 astral characters fill it, so what
    # follows them must not change the first line's hash.
    astral = "😀" * 50
    assert line_hashes(astral + "\nx")[0] == line_hashes(astral + "\ny")[0]
    bmp = "é" * 50
    assert line_hashes(bmp + "\nx")[0] != line_hashes(bmp + "\ny")[0]
