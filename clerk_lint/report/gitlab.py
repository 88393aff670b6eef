"""GitLab Code Quality report (the Code Climate subset GitLab reads), one issue per finding:

    [{
      "type": "issue",
      "check_name": "CLK201",
      "description": "CLK201 useUser() from @clerk/nextjs: replace with authClient.useSession()",
      "content": {"body": "Better Auth: authClient.useSession()"},
      "categories": ["Compatibility"],
      "fingerprint": "5d41402abc4b2a76b9719d911017c592",
      "severity": "minor",
      "location": {"path": "app/page.tsx", "lines": {"begin": 3, "end": 3}}
    }]

severity by difficulty: trivial -> info, moderate -> minor, hard -> major,
blocker -> blocker (GitLab's `critical` is not used). The fingerprint is the MD5 of
the baseline fingerprint (rule, symbol, path, whitespace-collapsed line, occurrence
counter; see baseline.py), so it stays the same when lines move and is unique per
finding. Paths are relative to the scan root: run from the repository root.

Declare it in `.gitlab-ci.yml` with `artifacts: reports: codequality: <file>`.
"""
from __future__ import annotations

import hashlib

from ..filters.baseline import fingerprints
from ..concepts.catalog import Catalog
from ..findings import Finding, ScanResult
from ._common import json_text, via_suffix

SEVERITIES = {"trivial": "info", "moderate": "minor", "hard": "major", "blocker": "blocker"}


def issue(f: Finding, fingerprint: str) -> dict:
    message = " ".join(f"{f.message}{via_suffix(f)}".split())
    body = f"Better Auth: {f.better_auth.api}"
    if f.better_auth.import_:
        body += f"\n\n{f.better_auth.import_}"
    return {
        "type": "issue",
        "check_name": f.code,
        "description": f"{f.code} {message}",
        "content": {"body": body},
        "categories": ["Compatibility"],
        "fingerprint": hashlib.md5(fingerprint.encode("utf-8"), usedforsecurity=False).hexdigest(),
        "severity": SEVERITIES.get(f.difficulty, "minor"),
        "location": {"path": f.location.path, "lines": {"begin": f.location.line, "end": f.location.end_line}},
    }


def render(result: ScanResult, catalog: Catalog, **_: object) -> str:
    issues = [issue(f, fp) for f, fp in zip(result.findings, fingerprints(result.findings))]
    return json_text(issues) + "\n"
