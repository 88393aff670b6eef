"""Our SARIF, checked by Microsoft's SARIF Multitool (`validate --rule-kind "Sarif;Gh"`: the
SARIF spec rules plus GitHub code scanning's ingestion rules), and stable across runs.

The multitool is installed from npm (`@microsoft/sarif-multitool`, a self-contained .NET
binary in a per-platform optional dependency) once into pytest's cache folder and reused.
It always exits 0, so the tests read the validation log it writes. The native binary is
run directly: the package's npm wrapper spawns through a shell, which would split the
`Sarif;Gh` argument at the semicolon.
"""
from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk_lint.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "nextjs-app-router"
MULTITOOL = "@microsoft/sarif-multitool@5.7.0"


def run(cwd: Path, *args: str):
    kwargs = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner(**kwargs).invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="session")
def multitool(request) -> Path:
    """The Sarif.Multitool executable, installed from npm on first use."""
    if not (shutil.which("npm") and shutil.which("node")):
        pytest.skip("npm and node are needed to install the SARIF multitool")
    folder = Path(request.config.cache.mkdir("sarif-multitool-5.7.0"))
    if not (folder / "node_modules/@microsoft/sarif-multitool/package.json").is_file():
        (folder / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        proc = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error",
                               MULTITOOL], cwd=folder, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, f"npm install {MULTITOOL} failed:\n{proc.stdout}\n{proc.stderr}"
    resolved = subprocess.run(["node", "-p", "require('@microsoft/sarif-multitool')"], cwd=folder,
                              capture_output=True, text=True, check=True).stdout.strip()
    binary = Path(resolved)
    assert binary.is_file(), resolved
    if not os.access(binary, os.X_OK):  # npm may skip the package's `chmod u+x` postinstall
        binary.chmod(binary.stat().st_mode | 0o100)
    return binary


def validate(multitool: Path, sarif: Path) -> list[dict]:
    """The multitool's findings on `sarif` as (level, ruleId, message) dicts."""
    log = sarif.with_suffix(".validation.sarif")
    proc = subprocess.run([str(multitool), "validate", str(sarif), "--rule-kind", "Sarif;Gh",
                           "--output", str(log), "--log", "ForceOverwrite"],
                          capture_output=True, text=True, timeout=600)
    assert log.is_file(), proc.stdout + proc.stderr
    data = json.loads(log.read_text(encoding="utf-8-sig"))
    (tool_run,) = data["runs"]
    assert "Multitool" in tool_run["tool"]["driver"]["name"] or "SARIF" in tool_run["tool"]["driver"]["name"]
    assert all(inv.get("executionSuccessful", True) for inv in tool_run.get("invocations", [])), proc.stdout
    return [{"level": r.get("level", "warning"), "ruleId": r.get("ruleId"),
             "message": json.dumps(r.get("message"))} for r in tool_run.get("results", [])]


def scan_sarif(app: Path, out: Path, *args: str) -> dict:
    result = run(app, "scan", "--format", "sarif", "--output", str(out), *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_fixture_sarif_passes_sarif_and_github_rules(tmp_path, multitool):
    app = shutil.copytree(FIXTURE, tmp_path / "app")
    doc = scan_sarif(app, tmp_path / "app.sarif")
    assert len(doc["runs"][0]["results"]) > 10
    assert validate(multitool, tmp_path / "app.sarif") == []


def test_sarif_with_baseline_states_and_suppressions_passes(tmp_path, multitool):
    app = shutil.copytree(FIXTURE, tmp_path / "app")
    assert run(app, "baseline", "--output", str(tmp_path / "baseline.json")).exit_code == 0
    page = app / "middleware.ts"
    text = page.read_text(encoding="utf-8")
    page.write_text("// clerk-lint-ignore-file -- middleware is rewritten separately\n" + text, encoding="utf-8")
    (app / "lib/extra.ts").write_text('import { auth } from "@clerk/nextjs/server";\n'
                                      "export const who = async () => (await auth()).userId;\n", encoding="utf-8")
    doc = scan_sarif(app, tmp_path / "app.sarif", "--baseline", str(tmp_path / "baseline.json"))
    results = doc["runs"][0]["results"]
    states = {r["baselineState"] for r in results}
    assert states == {"new", "unchanged"}
    assert any(r.get("suppressions") == [{"kind": "inSource",
                                          "justification": "middleware is rewritten separately"}] for r in results)
    assert validate(multitool, tmp_path / "app.sarif") == []


def test_the_multitool_does_report_broken_sarif(tmp_path, multitool):
    """Control: the same output with a dangling ruleIndex and no rules is flagged."""
    app = shutil.copytree(FIXTURE, tmp_path / "app")
    doc = scan_sarif(app, tmp_path / "good.sarif")
    driver = doc["runs"][0]["tool"]["driver"]
    driver.pop("rules")
    doc["runs"][0]["results"][0]["ruleIndex"] = 999
    (tmp_path / "bad.sarif").write_text(json.dumps(doc), encoding="utf-8")
    found = validate(multitool, tmp_path / "bad.sarif")
    assert {"GH1018", "SARIF1009"} <= {r["ruleId"] for r in found}, found
    assert any(r["level"] == "error" for r in found)


def test_sarif_is_byte_identical_across_runs_and_fingerprints_survive_moved_lines(tmp_path):
    app = shutil.copytree(FIXTURE, tmp_path / "app")
    first = run(app, "scan", "--format", "sarif").stdout
    assert run(app, "scan", "--format", "sarif").stdout == first
    page = app / "app/dashboard/page.tsx"
    page.write_text("// a new header comment\n\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    moved = json.loads(run(app, "scan", "--format", "sarif").stdout)["runs"][0]["results"]

    def hashes(results, shift=0):
        out = {}
        for r in results:
            loc = r["locations"][0]["physicalLocation"]
            if loc["artifactLocation"]["uri"] == "app/dashboard/page.tsx":
                key = (r["ruleId"], loc["region"]["startLine"] - shift, loc["region"]["startColumn"])
                out[key] = r["partialFingerprints"]["primaryLocationLineHash"]
        return out

    before = hashes(json.loads(first)["runs"][0]["results"])
    assert before and hashes(moved, shift=2) == before
