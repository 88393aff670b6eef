"""Environment files (.env, .env.local, .env.example, *.env, .envrc).

Each Clerk variable is a deployment setting the migration removes or replaces: the secret key
(server), the publishable key (client), the webhook signing secret, and the URL / domain /
JWT settings. Findings point at the variable's *name*; values are never shown: a message
carries at most the known, non-secret prefix (`sk_test_…(redacted)`), and the finding's
source line has every secret masked (see `concepts/secrets.py`).

Rules: CLK710-CLK713 (which variable is which: `concepts/env_vars.py`); the findings are made
by `env_assignments.env_findings`, shared with the CI / compose / Dockerfile reader.
"""
from __future__ import annotations

import re
from typing import Iterator, Optional

from ..concepts.catalog import Catalog
from ..discover.kinds import Candidate
from ..findings import FileAnalysis
from .env_assignments import Assignment, env_findings
from .source import SourceText
from .text_analysis import marked_classifier


# --------------------------------------------------------------------------- parsing

_LINE = re.compile(r"^(?P<lead>[ \t]*(?:export[ \t]+)?)(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*(?P<rest>.*)$")


def parse_dotenv(text: str) -> Iterator[Assignment]:
    """Assignments of a dotenv file: `NAME=value`, `export NAME=value`, quoted values
    ('single', "double", `backtick`) that may span lines, `# comments`."""
    lines = text.split("\n")
    offset = 0
    i = 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    while i < len(lines):
        line = lines[i]
        m = _LINE.match(line)
        if not m:
            i += 1
            continue
        base = starts[i]
        rest = m.group("rest")
        value_start = base + m.start("rest")
        consumed = 1
        if rest[:1] in ("'", '"', "`"):
            quote = rest[0]
            close = _closing_quote(rest, 1, quote)
            if close is not None:
                value = rest[1:close]
                value_end = value_start + close
            else:  # a multi-line quoted value: up to the line that closes it
                parts = [rest[1:]]
                j = i + 1
                while j < len(lines):
                    close = _closing_quote(lines[j], 0, quote)
                    if close is not None:
                        parts.append(lines[j][:close])
                        break
                    parts.append(lines[j])
                    j += 1
                value = "\n".join(parts)
                value_end = base + len(line)
                consumed = j - i + 1
            value_start += 1
        else:
            value = re.split(r"[ \t]+#", rest, maxsplit=1)[0].strip()
            value_end = value_start + len(value)
        yield Assignment(m.group("name"), value, base + m.start("name"), base + m.end("name"), value_start,
                         value_end, i + 1)
        i += consumed


def _closing_quote(s: str, start: int, quote: str) -> Optional[int]:
    j = start
    while j < len(s):
        if s[j] == "\\" and quote == '"':
            j += 2
            continue
        if s[j] == quote:
            return j
        j += 1
    return None



_MARKERS = re.compile(r"clerk|whsec_|pk_(?:live|test)_", re.IGNORECASE)


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    result = FileAnalysis()
    classifier = marked_classifier(source, candidate, catalog, _MARKERS)
    if classifier is None:
        return result
    assignments = list(parse_dotenv(source.text))
    result.findings.extend(env_findings(source.text, catalog, classifier, assignments))
    return result

