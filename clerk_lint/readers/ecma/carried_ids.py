"""Code that only carries Clerk ids around (CLK726, informational): variables, parameters,
fields, object keys, query filters and column names in strings named after them (`clerkId`,
`clerk_user_id`, `getUserByClerkId`, `.eq("clerk_id", id)`), and the columns raw SQL strings name
(`"SELECT ... WHERE clerk_user_id = $1"`). One finding per line, and none
on a line that holds another finding (the column declaration, the webhook branch, the
auth read): what is left shows what renaming the column would touch."""
from __future__ import annotations

import re
from typing import Callable

import tree_sitter as ts

from ...concepts.clerk_ids import is_clerk_id_name
from ...findings import Finding

# Anchored on "clerk" and widened to the word around it: a pattern with a leading `[...]*`
# retries every start inside a long run of word characters (quadratic on minified lines).
_CLERK = re.compile(rb"[cC][lL][eE][rR][kK]")
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$")
_WORD_AFTER = re.compile(rb"[A-Za-z0-9_$]*")
_LOOK_BACK = 256  # longer names are not names anyone wrote by hand


def _candidates(data: bytes):
    """(start, end) of each word holding "clerk", once per word."""
    last_end = -1
    for hit in _CLERK.finditer(data):
        if hit.start() < last_end:
            continue
        start, floor = hit.start(), max(0, hit.start() - _LOOK_BACK)
        while start > floor and data[start - 1] in _WORD_BYTES:
            start -= 1
        end = _WORD_AFTER.match(data, hit.end()).end()
        last_end = end
        yield start, end


# Node kinds a name is carried in; strings count when the whole string is the name (a column
# named in a query builder: `.eq("clerk_id", id)`, `select("id, clerk_id")` does not).
_NAME_NODES = frozenset({"identifier", "property_identifier", "shorthand_property_identifier",
                         "shorthand_property_identifier_pattern", "type_identifier", "private_property_identifier",
                         "string_fragment"})


# Raw SQL in a string (`pool.query("SELECT ... WHERE clerk_user_id = $1")`, a template literal):
# the Clerk-id column named inside it is carried like a name.
_SQL_NODES = frozenset({"string_fragment", "template_string"})
_SQL = re.compile(rb"\b(?:select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|create\s+(?:unique\s+)?"
                  rb"(?:table|index)|alter\s+table)\b", re.IGNORECASE | re.DOTALL)


def carried_ids(root: ts.Node, data: bytes, finding: Callable[[ts.Node, str], Finding],
                taken_lines: set[int], line_of: Callable[[ts.Node], int]) -> list[Finding]:
    """`finding(node, names)` makes the finding for a line's first name."""
    by_line: dict[int, tuple[ts.Node, list[str]]] = {}
    for start, end in _candidates(data):
        word = data[start:end].decode("utf-8", "replace")
        if not is_clerk_id_name(word):
            continue
        node = root.descendant_for_byte_range(start, end)
        if node is None:
            continue
        if node.type in _SQL_NODES and (node.start_byte != start or node.end_byte != end):
            if not _SQL.search(node.text or b""):
                continue  # a column named inside raw SQL counts; inside prose it does not
        elif node.type not in _NAME_NODES or node.start_byte != start or node.end_byte != end:
            continue
        if node.type == "string_fragment" and node.parent is not None and node.parent.type == "string" \
                and node.parent.parent is not None and node.parent.parent.type == "import_statement":
            continue
        line = line_of(node)
        if line in taken_lines:
            continue
        held = by_line.setdefault(line, (node, []))
        if word not in held[1]:
            held[1].append(word)
    return [finding(node, ", ".join(names)) for _, (node, names) in sorted(by_line.items())]

