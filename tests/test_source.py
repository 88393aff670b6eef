from __future__ import annotations

import builtins
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk_lint.findings import Location
from clerk_lint.readers.source import (REASON_INVALID_UTF8, LineIndex, SourceText, decode_source,
    read_source, too_large_reason, utf16_column)


def put(tmp_path: Path, raw: bytes, name: str = "f.ts") -> Path:
    p = tmp_path / name
    p.write_bytes(raw)
    return p


def test_plain_utf8(tmp_path):
    src, problem = read_source(put(tmp_path, "const a = 'é';\n".encode()), "f.ts")
    assert problem is None
    assert src == SourceText("const a = 'é';\n", "const a = 'é';\n".encode(), "utf-8", False)


def test_empty_file(tmp_path):
    src, problem = read_source(put(tmp_path, b""), "f.ts")
    assert problem is None and src.text == "" and src.data == b""


def test_utf8_bom_stripped(tmp_path):
    src, problem = read_source(put(tmp_path, b"\xef\xbb\xbfimport x from 'y';\n"), "f.ts")
    assert problem is None
    assert src.text == "import x from 'y';\n"
    assert src.data == b"import x from 'y';\n"
    assert src.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    "codec,bom,name",
    [
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "utf-32-le"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "utf-32-be"),
    ],
)
def test_utf16_utf32_with_bom(tmp_path, codec, bom, name):
    text = "const u = useUser(); // 😀 é\r\nnext\n"
    src, problem = read_source(put(tmp_path, bom + text.encode(codec)), "f.ts")
    assert problem is None
    assert src.encoding == name
    assert src.text == "const u = useUser(); // 😀 é\nnext\n"
    assert src.data == src.text.encode("utf-8")
    assert src.newline_normalised


def test_binary(tmp_path):
    src, problem = read_source(put(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "img.js")
    assert src is None
    assert problem.kind == "binary" and problem.path == "img.js" and not problem.partial


def test_nul_after_8k_is_not_binary(tmp_path):
    src, problem = read_source(put(tmp_path, b"a" * 9000 + b"\x00"), "f.js")
    assert problem is None and src is not None


def test_invalid_utf8_is_replaced_and_flagged(tmp_path):
    raw = b"const a = '\xe9t\xe9';\nuseUser();\n"  # Latin-1 bytes
    src, problem = read_source(put(tmp_path, raw), "src/f.ts")
    assert src.text == "const a = '\ufffdt\ufffd';\nuseUser();\n"
    assert src.data == src.text.encode("utf-8")
    assert problem.kind == "decode" and problem.partial and problem.path == "src/f.ts"
    assert problem.reason == REASON_INVALID_UTF8 == "not valid UTF-8; undecodable bytes replaced"


def test_invalid_utf16_is_replaced_and_flagged():
    src, problem = decode_source(b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8", "f.ts")
    assert src.text.startswith("ab") and "\ufffd" in src.text
    assert problem.kind == "decode" and problem.partial
    assert "UTF-16" in problem.reason


def test_line_endings(tmp_path):
    src, _ = read_source(put(tmp_path, b"a\r\nb\rc\nd\r\r\ne"), "f.js")
    assert src.text == "a\nb\nc\nd\n\ne"
    assert src.newline_normalised
    idx = LineIndex(src)
    assert [idx.line_text(i) for i in range(1, idx.line_count + 1)] == ["a", "b", "c", "d", "", "e"]
    src, _ = read_source(put(tmp_path, b"a\nb\n"), "f.js")
    assert not src.newline_normalised


def test_crlf_keeps_columns():
    line = 'const s = "hé😀"; const u = useUser();'
    src = SourceText.from_text("// x\r\n" + line + "\r\n")
    idx = LineIndex(src)
    offset = src.data.index(b"useUser")
    assert idx.position(offset) == (2, 29)


def test_too_large_not_read(tmp_path, monkeypatch):
    p = put(tmp_path, b"x" * 3000)

    def no_open(*a, **k):  # the file must not even be opened
        raise AssertionError("opened")

    monkeypatch.setattr(builtins, "open", no_open)
    src, problem = read_source(p, "big.js", max_bytes=1000)
    assert src is None
    assert problem.kind == "too-large"
    assert problem.reason == "3.0 KB exceeds the 1.0 KB limit (--max-file-size)"


def test_too_large_wording():
    assert too_large_reason(12_000_000, 2_000_000) == "12.0 MB exceeds the 2.0 MB limit (--max-file-size)"
    assert too_large_reason(2_000_001, 2_000_000) == (
        "2,000,001 bytes exceeds the 2,000,000 bytes limit (--max-file-size)"
    )
    assert too_large_reason(150, 100) == "150 bytes exceeds the 100 bytes limit (--max-file-size)"


def test_unreadable_directory_path(tmp_path):
    (tmp_path / "d.ts").mkdir()
    src, problem = read_source(tmp_path / "d.ts", "d.ts")
    assert src is None
    assert problem.kind == "unreadable"
    assert "directory" in problem.reason.lower()
    assert "Traceback" not in problem.reason


def test_unreadable_permission(tmp_path, monkeypatch):
    p = put(tmp_path, b"x")
    real_open = os.open  # files are opened as descriptors (tests run as root: chmod would not deny)

    def deny(path, *a, **k):
        if os.fspath(path) == os.fspath(p):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "open", deny)
    src, problem = read_source(p, "f.ts")
    assert src is None
    assert problem.kind == "unreadable"
    assert problem.reason == "cannot read file: Permission denied"


def test_missing_file(tmp_path):
    src, problem = read_source(tmp_path / "gone.ts", "gone.ts")
    assert src is None and problem.kind == "unreadable"
    assert "No such file" in problem.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "p.ts")
    src, problem = read_source(tmp_path / "p.ts", "p.ts")
    assert src is None and problem.kind == "skipped"


# --------------------------------------------------------------------------- columns


def test_utf16_column_example():
    line = 'const s = "hé😀"; const u = useUser();'
    byte_col = line.encode("utf-8").index(b"useUser")
    assert byte_col == 31
    # 27 code points precede useUser; the emoji takes two UTF-16 code units.
    assert utf16_column(line, byte_col) == 29
    assert utf16_column(line, 0) == 1
    assert utf16_column("abc", 2) == 3
    # Inside a multi-byte character: the column of that character.
    assert utf16_column("é!", 1) == 1
    assert utf16_column("😀!", 3) == 1
    assert utf16_column("😀!", 4) == 3
    # Past the end: the column after the last character.
    assert utf16_column("ab", 10) == 3
    assert utf16_column("é", 10) == 2


def test_line_index_positions():
    src = SourceText.from_text('import { useUser } from "@clerk/nextjs";\n\nconst s = "hé😀"; useUser();\nlast')
    idx = LineIndex(src)
    assert idx.line_count == 4
    assert idx.position(0) == (1, 1)
    assert idx.position(src.data.index(b"useUser")) == (1, 10)
    third = src.data.index(b"const s")
    assert idx.position(third) == (3, 1)
    assert idx.position(src.data.index(b"useUser", third)) == (3, 19)
    assert idx.line_text(3) == 'const s = "hé😀"; useUser();'
    assert idx.line_text(2) == ""
    assert idx.line_text(4) == "last"
    assert idx.line_text(99) == ""
    # End of data and beyond clamp to the end of the last line.
    assert idx.position(len(src.data)) == (4, 5)
    assert idx.position(len(src.data) + 50) == (4, 5)
    # The newline itself sits after the line's last column.
    assert idx.position(src.data.index(b"\n")) == (1, 41)
    start = src.data.index(b"useUser", third)
    assert idx.span(start, start + len(b"useUser")) == (3, 19, 3, 26)
    # tree-sitter points: (row, byte column)
    assert idx.column(3, start - third) == 19


def test_locator_builds_locations():
    class Node:  # the shape of a tree-sitter node that the locator uses
        def __init__(self, start, end):
            self.start_byte, self.end_byte = start, end

    src = SourceText.from_text('x\r\nconst s = "hé😀"; const u = useUser();\r\n')
    idx = LineIndex(src)
    start = src.data.index(b"useUser()")
    loc = idx.locator("app/page.tsx")(Node(start, start + len(b"useUser()")))
    assert loc == Location(
        "app/page.tsx", 2, 29, 2, 38, 'const s = "hé😀"; const u = useUser();'
    )


def test_line_index_accepts_bytes():
    idx = LineIndex("a\né\nb".encode())
    assert idx.position(idx.data.index(b"b")) == (3, 1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n")), max_size=6))
def test_line_index_matches_utf16_reference(lines):
    text = "\n".join(lines)
    src = SourceText.from_text(text)
    idx = LineIndex(src)
    assert idx.line_count == len(lines) or (not lines and idx.line_count == 1)
    offset = 0
    for n, line in enumerate(lines, start=1):
        assert idx.line_text(n) == line
        for i in range(len(line) + 1):
            prefix = line[:i]
            nbytes = len(prefix.encode("utf-8"))
            expected = len(prefix.encode("utf-16-le")) // 2 + 1
            assert idx.position(offset + nbytes) == (n, expected)
            assert utf16_column(line, nbytes) == expected
        offset += len(line.encode("utf-8")) + 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "é", "😀", "\r", "\n", "中"])))
def test_decode_roundtrip_newlines(text):
    src, problem = decode_source(text.encode("utf-8"), "f.ts")
    assert problem is None
    assert "\r" not in src.text
    assert src.text == text.replace("\r\n", "\n").replace("\r", "\n")
    assert src.data == src.text.encode("utf-8")
    # Same number of lines as an editor shows.
    assert src.text.count("\n") == text.count("\n") + text.count("\r") - text.count("\r\n")
