"""In-source suppression comments.

A directive is recognised in any comment style the scanned languages use
(`//`, `/* */`, `{/* */}` in JSX, `<!-- -->` in Vue/Astro templates, `#` in Python,
TOML and .env files); both spellings work everywhere:

    // clerk-lint-ignore                    every finding on this line / the next line
    // clerk-lint-ignore CLK201, CLK3       only these codes (a code prefix covers a family)
    // clerk-lint-ignore CLK201 -- legacy page, removed in Q3
    # clerk-lint: ignore[CLK801]            the bracket form; rule names work here too
    # clerk-lint: ignore[use-user] -- reason

Scope:

* A directive on a line that holds code suppresses the findings that **start** on
  that line.
* A directive on a comment-only line suppresses the findings that start on that line
  or on the **line directly below** it.
* A file-level directive, `clerk-lint-ignore-file [CODES]` or
  `clerk-lint: ignore-file[CODES]`, on a comment-only line within the first
  ``FILE_DIRECTIVE_LINES`` lines suppresses the matching findings in the whole file.

Codes are matched case-insensitively as prefixes of the rule code (`CLK2` covers
CLK201..CLK2xx); inside brackets a rule's kebab-case name works too. Whatever follows
the codes (after an optional `--`) is the justification, which SARIF reports in the
result's `suppressions[0].justification`; without one the directive text is used.

Suppressed findings keep flowing through the pipeline with `Finding.suppression`
set: text, json, github and gitlab output leave them out, SARIF keeps them with a
`suppressions: [{"kind": "inSource"}]` entry so code scanning shows them as
suppressed rather than fixed.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from ..findings import Finding

MARKER = "clerk-lint"
FILE_DIRECTIVE_LINES = 10

# A comment opener somewhere before the directive on the same line.
_COMMENT = r"(?://|/\*|#|<!--)"
_DIRECTIVE = re.compile(
    _COMMENT + r"[^\n]*?(?<![\w-])clerk-lint(?:"
    r"-ignore(?P<dash_file>-file)?(?![\w-])(?P<dash_rest>[^\n]*)"
    r"|:[ \t]*ignore(?P<colon_file>-file)?(?![\w-])(?:\[(?P<bracket>[^\]\n]*)\])?(?P<colon_rest>[^\n]*)"
    r")",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Za-z]{3}\d+\Z")
_LEADING_CODES = re.compile(r"[ \t]*((?:[A-Za-z]{3}\d+)(?:[ \t]*,?[ \t]*[A-Za-z]{3}\d+)*)(?![\w-])")
_LINE_COMMENT = re.compile(r"[ \t]*(?://|#)")
_BLOCK_COMMENT = re.compile(r"[ \t]*(?:/\*|\{[ \t]*/\*|<!--)")
_CLOSERS = re.compile(r"[ \t]*(?:\*/[ \t]*\}?|-->)[ \t]*\Z")


@dataclass(frozen=True)
class Directive:
    line: int  # 1-based line of the comment
    file_level: bool
    codes: tuple[str, ...]  # upper-cased codes / prefixes and lower-cased rule names; () means all
    justification: str
    comment_only: bool  # the line holds nothing but the comment

    def matches(self, finding: Finding) -> bool:
        if not self.codes:
            return True
        code = finding.code.upper()
        return any(code.startswith(c) if _CODE.match(c) else finding.rule_name == c for c in self.codes)


def is_comment_only(text: str) -> bool:
    """True when the line holds a comment and no code: a line comment, or a block
    comment that either closes at the end of the line or does not close on it."""
    if _LINE_COMMENT.match(text):
        return True
    opener = _BLOCK_COMMENT.match(text)
    if opener is None:
        return False
    body = text[opener.end():]
    closer = body.find("-->") if text.lstrip().startswith("<!--") else body.find("*/")
    return closer < 0 or _CLOSERS.match(body[closer:]) is not None


def _justification(rest: str, directive: str) -> str:
    rest = re.split(r"\*/|-->", rest, maxsplit=1)[0].strip()
    rest = rest.lstrip("-:").strip()
    return rest or directive


def parse_line(text: str, line: int) -> Optional[Directive]:
    """The directive in one line of source, if any."""
    if MARKER not in text.lower():
        return None
    m = _DIRECTIVE.search(text)
    if m is None:
        return None
    file_level = bool(m.group("dash_file") or m.group("colon_file"))
    if m.group("dash_rest") is not None:
        rest = m.group("dash_rest") or ""
        lead = _LEADING_CODES.match(rest)
        codes = tuple(re.split(r"[ \t,]+", lead.group(1).upper())) if lead else ()
        rest = rest[lead.end():] if lead else rest
    else:
        raw = m.group("bracket") or ""
        codes = tuple(
            tok.upper() if _CODE.match(tok) else tok.lower()
            for tok in (t.strip() for t in raw.split(",")) if tok
        )
        rest = m.group("colon_rest") or ""
    start = text.lower().find(MARKER, m.start())
    directive = re.split(r"\*/|-->", text[start:len(text) - len(rest)], maxsplit=1)[0].strip()
    return Directive(
        line=line,
        file_level=file_level,
        codes=codes,
        justification=_justification(rest, directive),
        comment_only=is_comment_only(text),
    )


def parse_directives(text: str) -> list[Directive]:
    if MARKER not in text.lower():
        return []
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        directive = parse_line(line, number)
        if directive is not None:
            out.append(directive)
    return out


def _applicable(directives: Iterable[Directive]) -> tuple[list[Directive], dict[int, list[Directive]]]:
    file_level: list[Directive] = []
    by_line: dict[int, list[Directive]] = {}
    for d in directives:
        if d.file_level:
            if d.comment_only and d.line <= FILE_DIRECTIVE_LINES:
                file_level.append(d)
            continue
        by_line.setdefault(d.line, []).append(d)
        if d.comment_only:
            by_line.setdefault(d.line + 1, []).append(d)
    return file_level, by_line


def apply(findings: list[Finding], text: str) -> list[Finding]:
    """`findings` of one file with `suppression` set on those a directive in `text` covers."""
    if not findings or MARKER not in text.lower():
        return findings
    file_level, by_line = _applicable(parse_directives(text))
    if not file_level and not by_line:
        return findings
    out = []
    for f in findings:
        hit = next((d for d in (*by_line.get(f.location.line, ()), *file_level) if d.matches(f)), None)
        out.append(dataclasses.replace(f, suppression=hit.justification) if hit else f)
    return out
