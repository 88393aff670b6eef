"""JSON as hand-edited configs write it (JSONC: // and /* */ comments, trailing commas, a BOM),
the one dialect every reader and the module resolver parse: package.json, tsconfig.json,
app.json, vercel.json, turbo.json, wrangler.jsonc.

Two entry points over the same dialect: `parse_json` keeps the text offsets of every value
(findings point at a key or a string), `loads_jsonc` returns plain Python values through the
standard library's parser (the resolver reads thousands of package.json files and needs no
positions).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Optional, Union

Json = Union[dict, list, str, int, float, bool, None]


class JsonError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} at offset {offset}")
        self.offset = offset


@dataclass
class JsonNode:
    """A JSON value with the str offsets of its text. Objects keep (key node, value node)
    pairs in order (duplicates included); arrays keep their items."""

    kind: str  # object | array | string | number | literal
    start: int
    end: int
    value: object = None  # for string / number / literal
    pairs: list[tuple["JsonNode", "JsonNode"]] = field(default_factory=list)
    items: list["JsonNode"] = field(default_factory=list)

    def get(self, key: str) -> Optional["JsonNode"]:
        found = None
        for k, v in self.pairs:
            if k.value == key:
                found = v  # the last duplicate wins, as in JSON.parse
        return found

    def to_python(self):
        if self.kind == "object":
            return {k.value: v.to_python() for k, v in self.pairs}
        if self.kind == "array":
            return [i.to_python() for i in self.items]
        return self.value


_WS = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)+", re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def parse_json(text: str) -> JsonNode:
    """Parse JSON, tolerating what hand-edited configs contain: // and /* */ comments and
    trailing commas (JSONC, as in tsconfig.json). Raises JsonError."""
    parser = _JsonParser(text)
    node = parser.value()
    parser.skip()
    if parser.pos != len(text):
        raise JsonError("unexpected text after the JSON value", parser.pos)
    return node


class _JsonParser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 1 if text.startswith("\ufeff") else 0

    def skip(self) -> None:
        m = _WS.match(self.text, self.pos)
        if m:
            self.pos = m.end()

    def value(self, depth: int = 0) -> JsonNode:
        if depth > 500:
            raise JsonError("nesting too deep", self.pos)
        self.skip()
        if self.pos >= len(self.text):
            raise JsonError("unexpected end of input", self.pos)
        ch = self.text[self.pos]
        if ch == "{":
            return self._object(depth)
        if ch == "[":
            return self._array(depth)
        if ch == '"':
            return self._string()
        m = _NUMBER.match(self.text, self.pos)
        if m:
            self.pos = m.end()
            raw = m.group(0)
            return JsonNode("number", m.start(), m.end(), float(raw) if any(c in raw for c in ".eE") else int(raw))
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                start = self.pos
                self.pos += len(word)
                return JsonNode("literal", start, self.pos, val)
        raise JsonError(f"unexpected character {ch!r}", self.pos)

    def _object(self, depth: int) -> JsonNode:
        node = JsonNode("object", self.pos, self.pos)
        self.pos += 1
        while True:
            self.skip()
            if self.text.startswith("}", self.pos):
                self.pos += 1
                node.end = self.pos
                return node
            if self.pos >= len(self.text) or self.text[self.pos] != '"':
                raise JsonError("expected a string key", self.pos)
            key = self._string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise JsonError("expected ':'", self.pos)
            self.pos += 1
            node.pairs.append((key, self.value(depth + 1)))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("}", self.pos):
                raise JsonError("expected ',' or '}'", self.pos)

    def _array(self, depth: int) -> JsonNode:
        node = JsonNode("array", self.pos, self.pos)
        self.pos += 1
        while True:
            self.skip()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                node.end = self.pos
                return node
            node.items.append(self.value(depth + 1))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("]", self.pos):
                raise JsonError("expected ',' or ']'", self.pos)

    def _string(self) -> JsonNode:
        start = self.pos
        self.pos += 1
        out = []
        text = self.text
        while True:
            if self.pos >= len(text):
                raise JsonError("unterminated string", start)
            ch = text[self.pos]
            if ch == '"':
                self.pos += 1
                return JsonNode("string", start, self.pos, "".join(out))
            if ch == "\\":
                esc = text[self.pos + 1:self.pos + 2]
                if esc == "u":
                    try:
                        out.append(chr(int(text[self.pos + 2:self.pos + 6], 16)))
                    except ValueError:
                        raise JsonError("bad \\u escape", self.pos) from None
                    self.pos += 6
                    continue
                if esc not in _ESCAPES:
                    raise JsonError("bad escape", self.pos)
                out.append(_ESCAPES[esc])
                self.pos += 2
                continue
            if ch == "\n":
                raise JsonError("newline in string", self.pos)
            out.append(ch)
            self.pos += 1


_JSONC_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?(?:\*/|\Z)', re.S)
_JSONC_COMMA = re.compile(r'"(?:[^"\\]|\\.)*"|,(?=\s*[\]}])', re.S)


def loads_jsonc(text: str) -> Json:
    """JSON with // and /* */ comments and trailing commas (tsconfig's dialect).
    Raises ValueError when the text is not valid even so."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _JSONC_COMMENT.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else " ", text)
    text = _JSONC_COMMA.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else "", text)
    return json.loads(text, strict=False)
