"""Keep secret values out of every report.

A scan reads `.env` files and source that may hold live keys. Findings carry the text of
their line (`Location.source_line`, shown by the JSON reporter and cut into SARIF
snippets), a message, a symbol and details; none of them may repeat a secret. This module
recognises secret-looking values and masks them:

* `redact_value(value)` -> what a message may show: at most the known, non-secret prefix
  (`sk_test_…(redacted)`, `whsec_…(redacted)`, `-----BEGIN PUBLIC KEY-----…(redacted)`).
* `redact_line(text)` -> the line with every secret masked by `*`, character for character,
  so the columns of spans on that line still point at the same text.
* `redact_finding(finding)` -> the finding with its source lines, message, symbol and detail
  values passed through the two functions above (the scan applies it to every finding).

What counts as secret: Clerk-style keys (`sk_live_`, `sk_test_`, `pk_live_`, `pk_test_`, and
`rk_` restricted keys), Clerk's legacy keys (`live_…` / `test_…`, 24+ letters and digits),
Svix/Standard Webhooks signing secrets (`whsec_`), JWTs (three base64url segments, the first a
JSON header `eyJ…`), the token after `Bearer `, PEM blocks (`-----BEGIN … KEY-----` …), and the
value assigned to a name that says SECRET, KEY, TOKEN, PASSWORD, PRIVATE, CREDENTIAL, SIGNING,
BEARER or DSN (`.env` lines, YAML/TOML keys, object keys). A key split across a concatenation of
string literals (`"sk_live_" + "…"`, Python's `"sk_" "live_…"`, over two lines too) is joined
before it is tested. Masking errs on the side of hiding: a publishable key is public by design
but is masked too.
"""
from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Optional

from ..findings import Finding, Location

MASK = "*"
ELLIPSIS = "…(redacted)"

# Token-shaped secrets, wherever they appear. Group "keep" is the non-secret prefix.
_TOKEN = re.compile(
    r"(?P<keep>\b(?:sk|pk|rk)_(?:live|test)_)[A-Za-z0-9_\-+/=]+"
    r"|(?P<keep2>\bwhsec_)[A-Za-z0-9+/=_\-]+"
)
_PREFIX = re.compile(r"(?:sk|pk|rk)_(?:live|test)_|whsec_")
# A PEM block header; everything after it on the line up to an END marker is masked.
_PEM_BEGIN = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]+)-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]+-----")

# Names whose value is a secret: any spelling of these words, a compound "...Key" that names
# a credential (apiKey, secretKey, SERVICE_ROLE_KEY), or an upper-case env name with a KEY part.
# A bare `key` (React's list key, a cache key) is not one.
SECRET_NAME = re.compile(
    r"SECRET|TOKEN|PASSW|PRIVATE|CREDENTIAL|SIGNING|DSN|SALT|BEARER"
    r"|(?:API|ACCESS|AUTH|SERVICE|MASTER|ENCRYPTION|JWT|PUBLISHABLE|CLIENT|SERVER|ADMIN|ROLE|ANON|LICENSE)_?KEY",
    re.IGNORECASE,
)
_ENV_KEY_NAME = re.compile(r"(?:^|_)KEY(?:_|$)")

# NAME=value / NAME: value / "name": "value" / name = 'value' (dotenv, YAML, TOML, JS objects).
# Quoted values are masked between their quotes; unquoted values up to whitespace, a
# trailing comment, or a delimiter.
_ASSIGN_QUOTED = re.compile(
    r"""(?<![A-Za-z0-9_.\-])(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,200})["']?\s*(?::|=|:=)\s*(?P<q>["'`])(?P<value>(?:\\.|(?!(?P=q)).)*)(?P=q)"""
)
_ASSIGN_BARE = re.compile(
    r"""^(?P<lead>\s*(?:export\s+|-\s+)?)(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,200})\s*(?:=|:)\s*(?P<value>[^\s"'`#,;{}\[\]()][^\s#,;]*)"""
)


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name) or _ENV_KEY_NAME.search(name))


def secret_prefix(value: str) -> str:
    """The known non-secret prefix of a secret value ('' when there is none)."""
    m = _PREFIX.match(value.strip().strip("\"'`"))
    if m:
        return m.group(0)
    m = _PEM_BEGIN.search(value)
    if m:
        return m.group(0)
    return ""


def looks_secret(value: str) -> bool:
    """A value that is secret by its shape alone (key prefixes, PEM blocks)."""
    return bool(_TOKEN.search(value) or _PEM_BEGIN.search(value))


def redact_value(value: str) -> str:
    """What a message may show for `value`: its known prefix and a marker, or '' for ''."""
    if not value:
        return ""
    pem = _PEM_BEGIN.search(value)
    if pem and not _PREFIX.match(value.strip().strip("\"'`")):
        return f"PEM {pem.group('label').strip()} {ELLIPSIS}"
    return secret_prefix(value) + ELLIPSIS


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + MASK * (end - start) + text[end:]


_TOKEN_MARKERS = ("_live_", "_test_", "whsec_")
_TOKEN_BODY = re.compile(r"[A-Za-z0-9_\-+/=]+")
_WHSEC_BODY = re.compile(r"[A-Za-z0-9+/=_\-]+")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _apply(text: str, spans: list[tuple[int, int]]) -> str:
    """Mask every [start, end) span in one pass (long lines get many spans)."""
    if not spans:
        return text
    parts = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        parts += [text[pos:start], MASK * (end - start)]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _mask_tokens(text: str) -> str:
    """Every secret recognised by its shape alone (see _shape_spans), keeping known prefixes."""
    return _apply(text, _shape_spans(text))


def _shape_spans(text: str) -> list[tuple[int, int]]:
    spans = _key_spans(text) + _jwt_spans(text) + _legacy_spans(text) + _bearer_spans(text)
    return spans + _joined_spans(text, spans)


def _key_spans(text: str) -> list[tuple[int, int]]:
    """sk_/pk_/rk_ live or test keys and whsec_ secrets, keeping the prefix. Found by plain
    substring search first: a minified bundle is one line of megabytes."""
    spans = []
    for marker in _TOKEN_MARKERS:
        p = text.find(marker)
        while p != -1:
            if marker == "whsec_":
                start, body = p, p + len(marker)
                ok = p == 0 or not _is_word(text[p - 1])
                pattern = _WHSEC_BODY
            else:
                start, body = p - 2, p + len(marker)
                ok = start >= 0 and text[start:p] in ("sk", "pk", "rk") and (start == 0 or not _is_word(text[start - 1]))
                pattern = _TOKEN_BODY
            if ok:
                m = pattern.match(text, body)
                if m:
                    spans.append((body, m.end()))
            p = text.find(marker, p + 1)
    return spans


# A JWT: header, payload and signature in base64url; a JSON header always encodes to "eyJ".
_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*")
# Clerk's keys before the sk_ prefix: live_/test_ and a long run of letters and digits.
_LEGACY = re.compile(r"(?:live|test)_(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{24,}(?![A-Za-z0-9_])")
_BEARER = re.compile(r"bearer[ \t]+(?P<token>[A-Za-z0-9._~+/=\-]{12,})", re.IGNORECASE)


def _jwt_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    p = text.find("eyJ")
    while p != -1:
        m = _JWT.match(text, p) if p == 0 or not _is_word(text[p - 1]) else None
        if m:
            spans.append((p + 3, m.end()))
        p = text.find("eyJ", m.end() if m else p + 3)
    return spans


def _legacy_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for marker in ("live_", "test_"):
        p = text.find(marker)
        while p != -1:
            m = _LEGACY.match(text, p) if p == 0 or not _is_word(text[p - 1]) else None
            if m:
                spans.append((p + len(marker), m.end()))
            p = text.find(marker, p + len(marker))
    return spans


def _bearer_spans(text: str) -> list[tuple[int, int]]:
    lower = text.lower()
    spans = []
    p = lower.find("bearer")
    while p != -1:
        m = _BEARER.match(text, p) if p == 0 or not _is_word(text[p - 1]) else None
        if m:
            spans.append((m.start("token"), m.end("token")))
        p = lower.find("bearer", p + 6)
    return spans


# String literals joined by `+` or by nothing but blanks (Python's implicit concatenation).
_LITERAL = re.compile(r"""(?P<q>["'`])(?P<body>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)""")
_JOIN = re.compile(r"""["'`]\s*\+?\s*["'`]""")
_JOIN_BETWEEN = re.compile(r"\s*\+?\s*")
_SPLIT_MARKERS = ("k_", "live_", "test_", "eyJ", "whsec")


def _joined_spans(text: str, known: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Secrets split over literals joined by `+`: each chain of literals is tested as one string
    and the spans found are mapped back onto the pieces. Only lines with a join and a marker
    are tried."""
    if not _JOIN.search(text) or not any(m in text for m in _SPLIT_MARKERS):
        return []
    spans: list[tuple[int, int]] = []
    chain: list[tuple[int, int]] = []  # (start, end) of each literal's body in `text`
    last_end = -1
    for m in _LITERAL.finditer(text):
        if chain and not _JOIN_BETWEEN.fullmatch(text, last_end, m.start()):
            spans += _chain_spans(text, chain)
            chain = []
        chain.append((m.start("body"), m.end("body")))
        last_end = m.end()
    spans += _chain_spans(text, chain)
    return spans


def _chain_spans(text: str, chain: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(chain) < 2:
        return []
    joined = "".join(text[a:b] for a, b in chain)
    found = _key_spans(joined) + _jwt_spans(joined) + _legacy_spans(joined)
    out = []
    for start, end in found:
        offset = 0
        for a, b in chain:  # the piece of [start, end) that falls in each literal
            lo, hi = max(start, offset), min(end, offset + b - a)
            if lo < hi:
                out.append((a + lo - offset, a + hi - offset))
            offset += b - a
    return out


def _mask_pem(text: str) -> str:
    out = text
    pos = 0
    while True:
        m = _PEM_BEGIN.search(out, pos)
        if not m:
            return out
        start = m.end()
        end_marker = _PEM_END.search(out, start)
        end = end_marker.start() if end_marker else len(out)
        # Keep a closing quote at the end of the line visible.
        while end > start and out[end - 1] in "\"'`,;":
            end -= 1
        out = _mask(out, start, end)
        pos = end_marker.end() if end_marker else len(out)


_NAME_KEYWORDS = ("secret", "token", "passw", "private", "credential", "signing", "dsn", "salt", "key", "bearer")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


def _mask_assignments(text: str) -> str:
    """Values assigned to secret-named keys. Only the places where a secret word occurs are
    tried (plain substring search), so the cost follows those, not the line's length."""
    lower = text.lower()
    starts = set()
    for word in _NAME_KEYWORDS:
        p = lower.find(word)
        while p != -1:
            b = p
            while b > 0 and p - b < 200 and text[b - 1] in _NAME_CHARS:
                b -= 1
            starts.add(b)
            p = lower.find(word, p + len(word))
    spans = []
    for b in sorted(starts):
        m = _ASSIGN_QUOTED.match(text, b)
        if m and is_secret_name(m.group("name")) and m.group("value"):
            keep = len(secret_prefix(m.group("value")))
            spans.append((m.start("value") + keep, m.end("value")))
    out = _apply(text, spans)
    m = _ASSIGN_BARE.match(out)
    if m and is_secret_name(m.group("name")):
        out = _mask_value(out, m.start("value"), m.end("value"))
    return out


def mask_span(text: str, start: int, end: int) -> str:
    """`text` with text[start:end] masked, keeping a known non-secret prefix visible."""
    return _mask_value(text, start, end)


def _mask_value(text: str, start: int, end: int) -> str:
    """Mask text[start:end], keeping a known non-secret prefix (sk_test_, whsec_ ...) visible."""
    keep = len(secret_prefix(text[start:end]))
    return _mask(text, start + keep, end)


@lru_cache(maxsize=512)  # findings on one line share its text (a minified bundle is one long line)
def redact_line(text: str) -> str:
    """`text` with every secret masked character for character (same length, same columns)."""
    if not text:
        return text
    return _mask_assignments(_mask_pem(_mask_tokens(text)))


def redact_text(text: str) -> str:
    """Every line of `text` redacted, plus whole PEM blocks that span several lines."""
    lines = text.split("\n")
    inside = False
    out = []
    for line in lines:
        if inside:
            end = _PEM_END.search(line)
            if end:
                out.append(MASK * end.start() + redact_line(line[end.start():]))
                inside = False
            else:
                out.append(MASK * len(line))
            continue
        red = redact_line(line)
        begin = _PEM_BEGIN.search(line)
        if begin and not _PEM_END.search(line, begin.end()):
            inside = True
        out.append(red)
    return _apply("\n".join(out), _joined_spans(text, []))  # keys split over two lines


def _continues(line: str) -> bool:
    """A line that ends or starts a concatenation carried to the next / from the previous line."""
    s = line.strip()
    return s.endswith("+") or s.startswith("+") or (s[:1] in "\"'`" and s[:1] != "")


def redact_line_in(lines: list[str], number: int) -> str:
    """Line `number` (1-based) of `lines` redacted with its neighbours in view, so a key whose
    second half is on this line and its prefix on the line before is masked too."""
    i = number - 1
    if not 0 <= i < len(lines):
        return ""
    line = lines[i]
    near = lines[max(0, i - 2):i + 3]
    if not any(_continues(n) for n in near) or len(line) > 4000:
        return redact_line(line)
    start = max(0, i - 2)
    return redact_text("\n".join(near)).split("\n")[i - start]


def _redact_location(loc: Location, lines: Optional[list[str]] = None) -> Location:
    if lines is not None and 0 < loc.line <= len(lines) and lines[loc.line - 1] == loc.source_line:
        red = redact_line_in(lines, loc.line)
    else:
        red = redact_line(loc.source_line)
    return loc if red == loc.source_line else dataclasses.replace(loc, source_line=red)


# Text holding none of these has no secret of any shape (_shape_spans, _joined_spans, PEM):
# most messages and symbols, tested in one search.
_SHAPE_WORDS = re.compile(r"live_|test_|whsec|eyJ|k_|-----BEGIN|bearer", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a report repeats its messages, symbols and details many times
def _redact_free_text(text: str) -> str:
    """Messages and symbols: secrets recognised by their shape (key prefixes, PEM blocks).
    The name-based rule of redact_line is left out: prose such as "CLERK_SECRET_KEY: add ..."
    is not an assignment."""
    return _mask_pem(_mask_tokens(text)) if text and _SHAPE_WORDS.search(text) else text


def redact_finding(finding: Finding, lines: Optional[list[str]] = None) -> Finding:
    """The finding with nothing secret left in its lines, message, symbol or details. With the
    file's `lines`, a line is redacted with its neighbours in view (keys split over lines)."""
    loc = _redact_location(finding.location, lines)
    related = tuple(_redact_location(r, lines if r.path == finding.location.path else None)
                    for r in finding.related)
    message = _redact_free_text(finding.message)
    symbol = _redact_free_text(finding.symbol)
    details = tuple(
        (k, _detail_value(k, v)) for k, v in finding.details
    )
    if (loc is finding.location and related == finding.related and message == finding.message
            and symbol == finding.symbol and details == finding.details):
        return finding
    return dataclasses.replace(finding, location=loc, related=related, message=message, symbol=symbol,
                               details=details)


@lru_cache(maxsize=4096)
def _detail_value(key: str, value: str) -> str:
    if not value:
        return value
    if looks_secret(value) and ELLIPSIS not in value:
        return redact_value(value) if _TOKEN.fullmatch(value.strip()) else _redact_free_text(value)
    if is_secret_name(key) and ELLIPSIS not in value and _opaque(value):
        return redact_value(value)
    return value


def _opaque(value: str) -> bool:
    """A value that could be a credential: one word of 16+ characters, not a name or a path."""
    v = value.strip()
    return len(v) >= 16 and not re.search(r"\s", v) and not v.startswith(("/", "http://", "https://", "$", "{"))


def env_assignment_name(line: str) -> Optional[str]:
    """The variable a dotenv-style line assigns, or None."""
    m = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=", line)
    return m.group(1) if m else None
