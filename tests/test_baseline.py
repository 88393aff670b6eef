"""Baselines: `clerk-lint baseline` records findings; `scan --baseline` reports only new ones,
matching by a fingerprint that survives moved and re-indented lines."""
from __future__ import annotations

import json

import pytest

from clerk_lint.filters.baseline import (BaselineError, finding_key, fingerprints, load, mark,
    normalise_line, to_document)
from clerk_lint.findings import BetterAuth, Finding, Location
from cli_helpers import run, write

PAGE = """import { useUser } from "@clerk/nextjs";

export default function Page() {
  const { user } = useUser();
  return user?.id;
}
"""


def finding(path="app/page.tsx", line=4, source="  const { user } = useUser();", code="CLK201",
            symbol="useUser", **kw) -> Finding:
    return Finding(code=code, rule_name="use-user", symbol=symbol, package="@clerk/nextjs", category="hook",
                   difficulty="moderate", better_auth=BetterAuth("authClient.useSession()"), effort_hours=1.0,
                   message="useUser()", location=Location(path, line, 20, line, 27, source), **kw)


# --------------------------------------------------------------------------- fingerprints


def test_fingerprint_ignores_line_numbers_and_whitespace():
    base = finding_key(finding())
    assert finding_key(finding(line=40)) == base
    assert finding_key(finding(source="\tconst  {  user }\t=   useUser();   ")) == base
    assert normalise_line("  a \t b  ") == "a b"


@pytest.mark.parametrize("change", [
    {"path": "app/other.tsx"},
    {"code": "CLK202"},
    {"symbol": "useAuth"},
    {"source": "  const { user: u } = useUser();"},
])
def test_fingerprint_changes_with_rule_symbol_path_or_text(change):
    assert finding_key(finding(**change)) != finding_key(finding())


def test_duplicates_get_occurrence_counters_and_match_by_count(tmp_path):
    dupes = [finding(line=n) for n in (3, 9, 12)]
    key = finding_key(dupes[0])
    assert fingerprints(dupes) == [f"{key}:1", f"{key}:2", f"{key}:3"]
    # A baseline that held two of them absorbs two; the third is new.
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(to_document(dupes[:2])), encoding="utf-8")
    assert load(path) == {key: 2}
    assert [f.baseline_state for f in mark(dupes, load(path))] == ["unchanged", "unchanged", "new"]


def test_document_is_sorted_and_leaves_out_suppressed_findings():
    findings = [finding(path="b.tsx", line=2), finding(path="a.tsx", line=9), finding(path="a.tsx", line=1),
                finding(path="a.tsx", line=5, suppression="legacy")]
    doc = to_document(findings)
    assert doc["version"] == 1 and doc["tool"] == "clerk-lint"
    assert [(e["path"], e["line"]) for e in doc["findings"]] == [("a.tsx", 1), ("a.tsx", 9), ("b.tsx", 2)]
    assert set(doc["findings"][0]) == {"fingerprint", "code", "symbol", "path", "line", "source"}


@pytest.mark.parametrize("content, message", [
    (None, "not found"),
    ("{nope", "not valid JSON"),
    ('{"version": 1, "findings": []}', "not a clerk-lint baseline"),
    ('{"version": 7, "tool": "clerk-lint", "findings": []}', "version 7"),
    ('{"version": 1, "tool": "clerk-lint", "findings": [{"code": "CLK201"}]}', "no fingerprint"),
])
def test_bad_baseline_files_are_errors(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=message):
        load(path)


# --------------------------------------------------------------------------- CLI


def test_baseline_command_is_deterministic(tmp_path):
    write(tmp_path, {"app/page.tsx": PAGE, "app/b.ts": 'import { auth } from "@clerk/nextjs/server";\n'})
    first = run(tmp_path, "baseline")
    assert first.exit_code == 0, first.stderr
    assert "recorded 3 findings in clerk-lint-baseline.json" in first.stderr
    data = (tmp_path / "clerk-lint-baseline.json").read_bytes()
    assert run(tmp_path, "baseline", "-o", "again.json").exit_code == 0
    assert (tmp_path / "again.json").read_bytes() == data
    doc = json.loads(data)
    assert [(e["path"], e["line"], e["code"]) for e in doc["findings"]] == [
        ("app/b.ts", 1, "CLK001"), ("app/page.tsx", 1, "CLK001"), ("app/page.tsx", 4, "CLK201")]
    assert doc["findings"][2]["source"] == "const { user } = useUser();"
    stdout = run(tmp_path, "baseline", "-o", "-")
    assert stdout.stdout.encode() == data


def test_scan_with_baseline_reports_only_new_findings(tmp_path):
    write(tmp_path, {"app/page.tsx": PAGE})
    assert run(tmp_path, "baseline").exit_code == 0

    unchanged = run(tmp_path, "scan", "--baseline", "clerk-lint-baseline.json")
    assert unchanged.exit_code == 0, unchanged.stdout
    assert "CLK" not in unchanged.stdout
    assert "not shown: 2 in the baseline" in unchanged.stderr
    # The report itself must not claim the code is free of Clerk.
    assert unchanged.stdout.startswith("No new Clerk usage (2 in the baseline; 1 file scanned)."), unchanged.stdout

    # Moved down, re-indented: still the same findings. One more call: new.
    moved = "// a comment\n\n" + PAGE.replace("  const { user } = useUser();",
                                             "    const { user } = useUser();\n  const again = useUser();")
    write(tmp_path, {"app/page.tsx": moved})
    text = run(tmp_path, "scan", "--baseline", "clerk-lint-baseline.json", "--no-color")
    assert text.exit_code == 1
    lines = [line for line in text.stdout.splitlines() if ": CLK" in line]
    assert len(lines) == 1 and lines[0].startswith("app/page.tsx:7:17: CLK201 useUser() from @clerk/nextjs"), lines

    for fmt in ("json", "github", "gitlab"):
        out = run(tmp_path, "scan", "--baseline", "clerk-lint-baseline.json", "--format", fmt)
        assert out.exit_code == 1
        assert out.stdout.count("CLK201") >= 1 and "CLK001" not in out.stdout, fmt

    sarif = json.loads(run(tmp_path, "scan", "--baseline", "clerk-lint-baseline.json", "--format", "sarif").stdout)
    states = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r["baselineState"])
              for r in sarif["runs"][0]["results"]]
    assert states == [("CLK001", 3, "unchanged"), ("CLK201", 6, "unchanged"), ("CLK201", 7, "new")]


def test_sarif_without_baseline_has_no_baseline_state(tmp_path):
    write(tmp_path, {"app/page.tsx": PAGE})
    sarif = json.loads(run(tmp_path, "scan", "--format", "sarif").stdout)
    assert all("baselineState" not in r for r in sarif["runs"][0]["results"])


def test_baseline_from_config_is_relative_to_the_config_file(tmp_path):
    write(tmp_path, {"web/app/page.tsx": PAGE, "web/.clerk-lint.toml": 'baseline = "ci/clerk.json"\n'})
    (tmp_path / "web/ci").mkdir()
    made = run(tmp_path / "web", "baseline")
    assert made.exit_code == 0, made.stderr
    assert (tmp_path / "web/ci/clerk.json").is_file()
    # From elsewhere, scanning the folder: the config and its baseline still apply.
    assert run(tmp_path, "scan", "web").exit_code == 0
    assert run(tmp_path, "scan", "web", "--no-baseline").exit_code == 1


@pytest.mark.parametrize("content", [None, "{broken"])
def test_scan_with_a_missing_or_broken_baseline_exits_2(tmp_path, content):
    write(tmp_path, {"app/page.tsx": PAGE})
    if content is not None:
        (tmp_path / "b.json").write_text(content, encoding="utf-8")
    result = run(tmp_path, "scan", "--baseline", "b.json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "b.json" in result.stderr
