"""`--format gitlab`: GitLab Code Quality JSON (the fields GitLab documents as read:
description, check_name, fingerprint, severity, location.path, location.lines.begin)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path


from clerk_lint.report import FORMATS
from clerk_lint.report.gitlab import SEVERITIES
from cli_helpers import run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "nextjs-app-router"
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_registered():
    assert "gitlab" in FORMATS
    assert set(SEVERITIES) == {"trivial", "moderate", "hard", "blocker"}
    assert set(SEVERITIES.values()) <= GITLAB_SEVERITIES


def test_fixture_report_has_the_fields_gitlab_reads(tmp_path):
    app = shutil.copytree(FIXTURE, tmp_path / "app")
    result = run(app, "scan", "--format", "gitlab")
    assert result.exit_code == 1
    raw = result.stdout.encode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf")
    issues = json.loads(raw)
    findings = json.loads(run(app, "scan", "--format", "json").stdout)["findings"]
    assert isinstance(issues, list) and len(issues) == len(findings) > 0
    for issue, finding in zip(issues, findings):
        assert issue["type"] == "issue"
        assert isinstance(issue["description"], str) and issue["description"].strip()
        assert "\n" not in issue["description"]
        assert issue["check_name"] == finding["code"]
        assert issue["severity"] == SEVERITIES[finding["difficulty"]]
        assert len(issue["fingerprint"]) == 32 and int(issue["fingerprint"], 16) >= 0
        assert issue["location"]["path"] == finding["location"]["path"]
        assert (app / issue["location"]["path"]).is_file()
        assert issue["location"]["lines"]["begin"] == finding["location"]["line"] >= 1
        assert issue["location"]["lines"]["end"] >= issue["location"]["lines"]["begin"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_fingerprints_survive_moved_lines_and_are_deterministic(tmp_path):
    page = 'import { useUser } from "@clerk/nextjs";\nexport const a = () => useUser();\nexport const b = () => useUser();\n'
    (tmp_path / "page.tsx").write_text(page, encoding="utf-8")
    first = run(tmp_path, "scan", "--format", "gitlab").stdout
    assert run(tmp_path, "scan", "--format", "gitlab").stdout == first
    (tmp_path / "page.tsx").write_text("// moved\n\n" + page, encoding="utf-8")
    moved = json.loads(run(tmp_path, "scan", "--format", "gitlab").stdout)
    before = json.loads(first)
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in before]
    assert [i["location"]["lines"]["begin"] for i in moved] == [i["location"]["lines"]["begin"] + 2 for i in before]


def test_empty_report_is_an_empty_array(tmp_path):
    (tmp_path / "x.ts").write_text("export const x = 1;\n", encoding="utf-8")
    result = run(tmp_path, "scan", "--format", "gitlab")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
