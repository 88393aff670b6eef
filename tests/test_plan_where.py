"""The plan's effort by workspace package and by directory: each table adds up to the finding
categories' total, and every row is a package the scan found or a folder holding findings."""
from __future__ import annotations

import json
from pathlib import Path
from posixpath import dirname

import pytest
from click.testing import CliRunner

from clerk_lint.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _json(*args: str) -> dict:
    out = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert out.exit_code in (0, 1), out.output
    return json.loads(out.stdout)


@pytest.mark.parametrize("app", ["acme-monorepo", "nextjs-app-router", "django-app"])
def test_package_and_directory_hours_add_up(app):
    path = str(FIXTURES / app)
    plan = _json("plan", path, "--format", "json")
    scan = _json("scan", path, "--format", "json", "--exit-zero")
    effort = plan["effort"]
    total = sum(effort["by_category"].values())
    assert sum(effort["by_directory"].values()) == pytest.approx(total, abs=1e-9)
    assert set(effort["by_directory"]) == {dirname(f["location"]["path"]) or "." for f in scan["findings"]}
    hours = list(effort["by_directory"].values())
    assert hours == sorted(hours, reverse=True)
    packages = scan["summary"]["packages"]
    assert [(r["path"], r["name"]) for r in effort["by_package"]] == [(p["path"], p["name"]) for p in packages]
    if packages:
        assert sum(r["hours"] for r in effort["by_package"]) == pytest.approx(total, abs=1e-9)
        for row, package in zip(effort["by_package"], packages):
            assert (row["hours"] > 0) == (package["findings"] > 0), row


def test_findings_outside_every_package_get_their_own_row(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "package.json").write_text('{"name": "web", "dependencies": {"@clerk/nextjs": "6.0.0"}}')
    (tmp_path / "web" / "page.tsx").write_text('import { useUser } from "@clerk/nextjs";\nexport const A = () => useUser();\n')
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "sync.ts").write_text('import { clerkClient } from "@clerk/nextjs/server";\n'
                                                  "await (await clerkClient()).users.getUserList();\n")
    plan = _json("plan", str(tmp_path), "--format", "json", "--no-config")
    rows = {r["path"]: r for r in plan["effort"]["by_package"]}
    assert rows["web"]["name"] == "web" and rows["web"]["hours"] > 0
    assert rows[None]["name"] is None and rows[None]["hours"] > 0
    assert set(plan["effort"]["by_directory"]) == {"web", "scripts"}
