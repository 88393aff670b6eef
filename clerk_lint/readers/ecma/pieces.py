"""A JS/TS file too large to hold as one syntax tree (a bundle scanned with a raised
--max-file-size: tree-sitter takes about 70 bytes of memory per byte of minified code, so a
50 MB bundle needed 3.4 GB) is parsed and analysed in pieces of about PIECE_BYTES, one tree at a
time. Each piece is cut at a line break where there is one near (else after a `;` or `}`), and
the file's leading import statements are put in front of every later piece so that names bound
by them are still known. A statement cut in two at a piece's edge may be missed, so the file is
reported as partly scanned. The file's exports are not summarised for the cross-file pass."""
from __future__ import annotations

from typing import Callable

from ... import time_budget
from ...findings import FileAnalysis, FileProblem
from .parse import parse

WHOLE_LIMIT = 4_000_000  # bytes: larger files are read in pieces
PIECE_BYTES = 2_000_000
_SEARCH_BACK = 64_000
_HEAD_BYTES = 256_000
_PREAMBLE = frozenset({"comment", "hash_bang_line"})


def cut_points(data: bytes) -> list[int]:
    """Piece boundaries [0, c1, c2, ..., len(data)]."""
    cuts = [0]
    while len(data) - cuts[-1] > PIECE_BYTES:
        target = cuts[-1] + PIECE_BYTES
        low = max(cuts[-1] + 1, target - _SEARCH_BACK)
        cut = data.rfind(b"\n", low, target) + 1
        if cut <= 0:
            cut = max(data.rfind(b";", low, target), data.rfind(b"}", low, target)) + 1
        cuts.append(cut if cut > 0 else target)
    cuts.append(len(data))
    return cuts


def import_prefix_end(data: bytes, lang: str) -> int:
    """End of the leading import statements (and the comments and directives among them)."""
    head = data[:_HEAD_BYTES]
    end = 0
    for node in parse(head, lang).root_node.children:
        if node.end_byte >= len(head):
            break
        if node.type == "import_statement":
            end = node.end_byte
        elif node.type not in _PREAMBLE and not (node.type == "expression_statement" and node.named_child_count
                                                  and node.named_children[0].type == "string"):
            break
    return end


def analyze_in_pieces(data: bytes, relpath: str, lang: str, catalog, location: Callable, analyze_js: Callable,
                      **options) -> FileAnalysis:
    """`analyze_js` over each piece (`options` as it takes them); `location(start, end)` gives
    the Location of a byte range of the whole file."""
    cuts = cut_points(data)
    prefix_end = import_prefix_end(data, lang)
    prefix = data[:prefix_end] + b"\n"
    result = FileAnalysis(problems=[FileProblem(
        relpath, f"{len(data) / 1_000_000:.0f} MB: parsed in {len(cuts) - 1} pieces of about "
        f"{PIECE_BYTES // 1_000_000} MB; a statement cut at a piece's edge may be missed", "parse-partial", partial=True)])
    seen: set[tuple] = set()  # the import findings of the prefix come again with every piece
    for n, (start, end) in enumerate(zip(cuts, cuts[1:])):
        try:
            time_budget.check()
        except time_budget.OverBudget:
            result.problems.append(FileProblem(relpath, time_budget.reason(), time_budget.KIND, partial=True))
            break
        lead = prefix if n > 0 and prefix_end < start else b""

        def to_file(offset: int, lead_len: int = len(lead), shift: int = start - len(lead)) -> int:
            return offset if offset < lead_len else offset + shift

        def locate(node, to_file=to_file):
            return location(to_file(node.start_byte), to_file(node.end_byte))

        part = analyze_js(lead + data[start:end], relpath, lang, catalog, locate, **options)
        for f in part.findings:
            key = (f.code, f.location.line, f.location.column, f.location.end_line, f.location.end_column)
            if key not in seen:
                seen.add(key)
                result.findings.append(f)
        reasons = {p.reason for p in result.problems}
        result.problems.extend(p for p in part.problems if p.reason not in reasons)
        result.id_writes.extend(part.id_writes)
        if any(p.kind == time_budget.KIND for p in part.problems):
            break
    return result
