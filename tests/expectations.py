"""Inline expectations: `// expect: CLK201` (or `# expect: ...`, `{/* expect: ... */}`) on a line
means a finding with that code starts on that line. Shared by the fixture and rule-example tests."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterable

from clerk_lint.findings import Finding

_EXPECT = re.compile(r"(?://|/\*|#|<!--|--)\s*expect:\s*((?:CLK\d{3})(?:\s*,\s*CLK\d{3})*)")


def expected_in_text(relpath: str, text: str) -> Counter:
    found: Counter = Counter()
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _EXPECT.finditer(line):
            for code in re.split(r"\s*,\s*", match.group(1).strip()):
                found[(relpath, number, code)] += 1
    return found


def expected_in_tree(root: Path, suffixes: Iterable[str]) -> Counter:
    found: Counter = Counter()
    wanted = tuple(suffixes)
    for path in sorted(root.rglob("*")):
        if path.is_file() and (path.name.endswith(wanted) or path.name.startswith(".env")) and "node_modules" not in path.parts:
            found += expected_in_text(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
    return found + expected_in_sidecars(root)


SIDECAR_SUFFIX = ".expect"


def expected_in_sidecars(root: Path) -> Counter:
    """Expectations for files that cannot hold comments (package.json, app.json): a sidecar
    `<name>.expect` next to the file lists `LINE CODE` pairs, one per line (`#` comments and
    blank lines allowed; `LINE CODE, CODE` for several findings on one line)."""
    found: Counter = Counter()
    for sidecar in sorted(root.rglob("*" + SIDECAR_SUFFIX)):
        if not sidecar.is_file() or "node_modules" in sidecar.parts:
            continue
        target = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
        relpath = target.relative_to(root).as_posix()
        for raw in sidecar.read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            number, codes = line.split(None, 1)
            for code in re.split(r"\s*,\s*", codes.strip()):
                found[(relpath, int(number), code)] += 1
    return found


def actual(findings: Iterable[Finding]) -> Counter:
    return Counter((f.location.path, f.location.line, f.code) for f in findings)


def diff_report(expected: Counter, got: Counter, findings: Iterable[Finding] = ()) -> str:
    missing = expected - got
    extra = got - expected
    lines = []
    for (path, line, code), n in sorted(missing.items()):
        lines.append(f"missing {path}:{line} {code}" + (f" x{n}" if n > 1 else ""))
    messages = {(f.location.path, f.location.line, f.code): f.message for f in findings}
    for key, n in sorted(extra.items()):
        path, line, code = key
        lines.append(f"unexpected {path}:{line} {code} {messages.get(key, '')}" + (f" x{n}" if n > 1 else ""))
    return "\n".join(lines)
