"""Read a source file into text the parsers can use, and map byte offsets back
to the line/column positions editors show.

``read_source(path, relpath)`` returns a pair ``(source, problem)``:

* ``(SourceText, None)``          the file was read cleanly;
* ``(SourceText, FileProblem)``   it was read, but with a caveat the report should
  mention (kind "decode", ``partial=True``: undecodable bytes were replaced);
* ``(None, FileProblem)``         it was not read (kinds "too-large",
  "unreadable", "binary", "skipped").

Decoding: UTF-8 with or without a BOM (the BOM is dropped), UTF-16 and UTF-32
when they start with a BOM; anything else that is not valid UTF-8 is decoded with
replacement characters. A NUL byte in the first 8 KB marks the file as binary,
unless it starts with a UTF-16/UTF-32 BOM.

Line endings: CRLF and lone CR become LF in ``text`` (a lone CR is a line break
for editors and for JavaScript), so line numbers match what editors show. Only
line terminators change, so columns within a line are unaffected.

Positions: ``data`` is ``text`` encoded as UTF-8, which is what tree-sitter
parses; its byte offsets / byte columns convert to 1-based lines and 1-based
UTF-16 code-unit columns (the SARIF / LSP / VS Code convention) with
``LineIndex`` or ``utf16_column``.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union

from ..findings import FileProblem, Location

DEFAULT_MAX_BYTES = 2_000_000
MAX_SOURCE_LINE = 400  # characters of a finding's line kept for reports (minified lines can be megabytes)


def clip_line(text: str, column: int) -> str:
    """The line as reports show it: whole when short, else a window around `column` (UTF-16,
    1-based; close enough in code points for a window) marked with ellipses."""
    if len(text) <= MAX_SOURCE_LINE:
        return text
    start = max(0, min(column - 1 - MAX_SOURCE_LINE // 4, len(text) - MAX_SOURCE_LINE))
    clipped = text[start:start + MAX_SOURCE_LINE]
    return ("…" if start > 0 else "") + clipped + ("…" if start + MAX_SOURCE_LINE < len(text) else "")
BINARY_SNIFF_BYTES = 8192

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

REASON_INVALID_UTF8 = "not valid UTF-8; undecodable bytes replaced"


@dataclass(frozen=True)
class SourceText:
    text: str  # decoded, BOM removed, line endings normalised to "\n"
    data: bytes  # text encoded as UTF-8: what tree-sitter parses
    encoding: str  # utf-8 | utf-8-sig | utf-16-le | utf-16-be | utf-32-le | utf-32-be
    newline_normalised: bool  # True when CRLF or lone CR were turned into LF

    @classmethod
    def from_text(cls, text: str, encoding: str = "utf-8") -> "SourceText":
        """Build from an in-memory string (tests, stdin, generated code)."""
        norm = normalise_newlines(text)
        return cls(norm, norm.encode("utf-8"), encoding, norm != text)

    def line_index(self) -> "LineIndex":
        return LineIndex(self)


def normalise_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def human_size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.1f} KB"
    return f"{n / 1_000_000:.1f} MB"


def too_large_reason(size: int, limit: int) -> str:
    a, b = human_size(size), human_size(limit)
    if a == b:  # e.g. 2,000,001 vs 2,000,000 both round to "2.0 MB"
        a, b = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{a} exceeds the {b} limit (--max-file-size)"


def _has_bom_utf16_32(raw: bytes) -> bool:
    return raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))


def decode_source(raw: bytes, relpath: str) -> tuple[Optional[SourceText], Optional[FileProblem]]:
    """Decode file bytes (see the module docstring); same return as read_source."""
    if b"\x00" in raw[:BINARY_SNIFF_BYTES] and not _has_bom_utf16_32(raw):
        return None, FileProblem(relpath, "binary file (NUL bytes near the start)", "binary")

    encoding = "utf-8"
    body = raw
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, body = name, raw[len(bom):]
            break
    codec = "utf-8" if encoding == "utf-8-sig" else encoding

    problem: Optional[FileProblem] = None
    try:
        text = body.decode(codec)
    except UnicodeDecodeError:
        text = body.decode(codec, errors="replace")
        if codec == "utf-8":
            reason = REASON_INVALID_UTF8
        else:
            label = codec.upper().replace("-LE", "").replace("-BE", "")
            reason = f"not valid {label}; undecodable bytes replaced"
        problem = FileProblem(relpath, reason, "decode", partial=True)

    norm = normalise_newlines(text)
    if norm is text and codec == "utf-8" and problem is None and body is raw:
        data = raw  # already exactly the UTF-8 of text: skip re-encoding
    else:
        data = norm.encode("utf-8")
    return SourceText(norm, data, encoding, norm is not text), problem


def read_source(
    path: Union[Path, str], relpath: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Optional[SourceText], Optional[FileProblem]]:
    """Read and decode one file; see the module docstring for the return value.

    Never raises for file-system trouble: it becomes a FileProblem with the OS
    reason in words."""
    raw, problem = read_bytes(path, relpath, max_bytes=max_bytes)
    if raw is None:
        return None, problem
    return decode_source(raw, relpath)


def read_bytes(
    path: Union[Path, str], relpath: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Optional[bytes], Optional[FileProblem]]:
    """The file's bytes, undecoded, or (None, why not) as read_source reports it.

    One open, fstat and read on a descriptor: this runs for every file of a scan. The open
    does not block (a FIFO would), and what fstat says is not a regular file is not read."""
    try:
        fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
    except OSError as exc:
        return None, FileProblem(relpath, _os_reason(exc), "unreadable")
    try:
        mode, size = (st := os.fstat(fd)).st_mode, st.st_size
        if stat.S_ISDIR(mode):
            return None, FileProblem(relpath, _os_reason(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))),
                                     "unreadable")
        if not stat.S_ISREG(mode):  # devices, sockets and FIFOs are not source
            return None, FileProblem(relpath, "not a regular file", "skipped")
        if size > max_bytes:
            return None, FileProblem(relpath, too_large_reason(size, max_bytes), "too-large")
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        return None, FileProblem(relpath, _os_reason(exc), "unreadable")
    finally:
        os.close(fd)
    if len(raw) > max_bytes:  # grew since fstat
        return None, FileProblem(
            relpath, f"larger than the {human_size(max_bytes)} limit (--max-file-size)", "too-large"
        )
    return raw, None


_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def is_plain_ascii(raw: bytes) -> bool:
    """Bytes that decode_source would take as they are, with nothing to report: ASCII
    without NUL bytes (no BOM, no invalid UTF-8, not binary)."""
    return raw.isascii() and b"\x00" not in raw


def _os_reason(exc: OSError) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return f"cannot read file: {reason}"


# --------------------------------------------------------------------------- columns


def utf16_column(line_text: str, byte_col: int) -> int:
    """1-based UTF-16 code-unit column of a 0-based UTF-8 byte offset in a line.

    An offset inside a multi-byte character maps to that character; one past the
    end of the line maps to the column after its last character."""
    if byte_col <= 0:
        return 1
    if line_text.isascii():
        return min(byte_col, len(line_text)) + 1
    prefix = line_text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore")
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF) + 1


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class _LineCols:
    """Byte -> UTF-16 column conversion for one line with non-ASCII characters:
    for each such character, its byte start/end and the (bytes - utf16 units)
    difference accumulated up to its end."""

    __slots__ = ("starts", "ends", "deltas", "nbytes")

    def __init__(self, text: str):
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.deltas: list[int] = []
        extra_bytes = 0  # UTF-8 bytes beyond one per code point, so far
        delta = 0
        for m in _NON_ASCII.finditer(text):
            cp = ord(m.group())
            start = m.start() + extra_bytes
            n8 = 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
            n16 = 2 if cp > 0xFFFF else 1
            extra_bytes += n8 - 1
            delta += n8 - n16
            self.starts.append(start)
            self.ends.append(start + n8)
            self.deltas.append(delta)
        self.nbytes = len(text) + extra_bytes

    def column(self, byte_col: int) -> int:
        b = min(max(byte_col, 0), self.nbytes)
        i = bisect_right(self.ends, b)
        if i < len(self.starts) and self.starts[i] < b:
            b = self.starts[i]  # inside a multi-byte character: snap to its start
        return b - (self.deltas[i - 1] if i else 0) + 1


class LineIndex:
    """Maps byte offsets in ``SourceText.data`` to (1-based line, 1-based UTF-16
    column) and gives each line's text. Line starts are found once; each line's
    text and column table are computed on first use and cached."""

    def __init__(self, source: Union[SourceText, bytes]):
        data = source.data if isinstance(source, SourceText) else source
        self.data = data
        starts = [0]
        find = data.find
        pos = find(b"\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self.starts = starts
        self._text: dict[int, str] = {}
        self._cols: dict[int, Optional[_LineCols]] = {}

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """1-based line containing byte ``offset`` (clamped to the data)."""
        offset = min(max(offset, 0), len(self.data))
        return bisect_right(self.starts, offset)

    def line_text(self, line: int) -> str:
        """Text of 1-based ``line`` without its newline ('' when out of range)."""
        text = self._text.get(line)
        if text is None:
            if not 1 <= line <= len(self.starts):
                return ""
            start = self.starts[line - 1]
            end = self.starts[line] - 1 if line < len(self.starts) else len(self.data)
            text = self.data[start:end].decode("utf-8", errors="replace")
            self._text[line] = text
        return text

    def column(self, line: int, byte_col: int) -> int:
        """1-based UTF-16 column for a 0-based byte column in 1-based ``line``
        (tree-sitter's point (row, column) is (line - 1, byte_col))."""
        if line in self._cols:
            cols = self._cols[line]
        else:
            text = self.line_text(line)
            cols = None if text.isascii() else _LineCols(text)
            self._cols[line] = cols
        if cols is None:
            return min(max(byte_col, 0), len(self.line_text(line))) + 1
        return cols.column(byte_col)

    def position(self, offset: int) -> tuple[int, int]:
        """(1-based line, 1-based UTF-16 column) of byte ``offset`` in data."""
        offset = min(max(offset, 0), len(self.data))
        line = bisect_right(self.starts, offset)
        return line, self.column(line, offset - self.starts[line - 1])

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """(line, column, end_line, end_column) for the byte range [start, end);
        the end column is exclusive, as in findings.Location."""
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return line, col, end_line, end_col

    def location(self, relpath: str, start: int, end: int) -> Location:
        """A findings.Location for the byte range [start, end) of data, with the
        text of its first line as source_line."""
        line, col, end_line, end_col = self.span(start, end)
        return Location(relpath, line, col, end_line, end_col, self.line_text(line))

    def locator(self, relpath: str) -> Callable[[Any], Location]:
        """A function turning a tree-sitter node (anything with start_byte and
        end_byte) into its Location in ``relpath``."""

        def locate(node: Any) -> Location:
            return self.location(relpath, node.start_byte, node.end_byte)

        return locate
