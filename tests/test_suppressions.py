"""In-source suppressions: `// clerk-lint-ignore [CODES]`, `# clerk-lint: ignore[CODES]`,
file-level `clerk-lint-ignore-file`; left out of text/json/github/gitlab, kept in SARIF
with an inSource suppression."""
from __future__ import annotations

import json

import pytest

from clerk_lint.findings import BetterAuth, Finding, Location
from clerk_lint.readers import READERS
from clerk_lint.filters.suppressions import FILE_DIRECTIVE_LINES, apply, is_comment_only, parse_line
from cli_helpers import run


def finding(line: int, code: str = "CLK201", name: str = "use-user") -> Finding:
    return Finding(code=code, rule_name=name, symbol="useUser", package="@clerk/nextjs", category="hook",
                   difficulty="moderate", better_auth=BetterAuth("authClient.useSession()"), effort_hours=1.0,
                   message="useUser()", location=Location("a.tsx", line, 1, line, 8, ""))


@pytest.mark.parametrize("text, codes, justification", [
    ("  const u = useUser(); // clerk-lint-ignore", (), "clerk-lint-ignore"),
    ("// clerk-lint-ignore CLK201, clk3 -- legacy page", ("CLK201", "CLK3"), "legacy page"),
    ("{/* clerk-lint-ignore CLK104 -- menu */}", ("CLK104",), "menu"),
    ("# clerk-lint: ignore[CLK801, use-user] -- env", ("CLK801", "use-user"), "env"),
    ("<!-- clerk-lint-ignore CLK1 -->", ("CLK1",), "clerk-lint-ignore CLK1"),
    ("x = 1  # clerk-lint: ignore", (), "clerk-lint: ignore"),
    ("// clerk-lint-ignore legacy code", (), "legacy code"),
])
def test_directive_forms(text, codes, justification):
    d = parse_line(text, 3)
    assert d is not None and not d.file_level
    assert d.codes == codes
    assert d.justification == justification


@pytest.mark.parametrize("text", ["// clerk-lint-ignored", 'const s = "clerk-lint-ignore";', "// eslint-disable",
                                  "clerk-lint-ignore"])
def test_not_directives(text):
    assert parse_line(text, 1) is None


def test_file_level_forms():
    assert parse_line("// clerk-lint-ignore-file", 1).file_level
    d = parse_line("# clerk-lint: ignore-file[CLK8]", 1)
    assert d.file_level and d.codes == ("CLK8",)


@pytest.mark.parametrize("text, expected", [
    ("// note", True), ("  # note", True), ("/* a */", True), ("{/* a */}", True), ("<!-- a -->", True),
    ("/* open", True), ("/* a */ useUser()", False), ("useUser() // x", False),
])
def test_comment_only(text, expected):
    assert is_comment_only(text) is expected


def test_scope_same_line_and_line_below():
    text = "\n".join([
        "useUser(); // clerk-lint-ignore",     # 1: own line only
        "useUser();",                          # 2
        "// clerk-lint-ignore CLK201",         # 3: applies to 4
        "useUser();",                          # 4
        "useUser();",                          # 5
        "// clerk-lint-ignore CLK301",         # 6: other code
        "useUser();",                          # 7
    ])
    out = apply([finding(n) for n in (1, 2, 4, 5, 7)], text)
    assert [(f.location.line, bool(f.suppression)) for f in out] == [
        (1, True), (2, False), (4, True), (5, False), (7, False)]


def test_code_prefixes_and_rule_names():
    text = "// clerk-lint-ignore CLK2\nx\n# clerk-lint: ignore[use-user]\nx\n# clerk-lint: ignore[other-rule]\nx"
    out = apply([finding(2), finding(4), finding(6)], text)
    assert [bool(f.suppression) for f in out] == [True, True, False]


def test_file_level_only_near_the_top():
    head = "'use client';\n// clerk-lint-ignore-file CLK201 -- generated\n"
    out = apply([finding(30), finding(31, code="CLK001", name="clerk-import")], head + "x\n" * 40)
    assert [f.suppression for f in out] == ["generated", ""]
    late = "x\n" * FILE_DIRECTIVE_LINES + "// clerk-lint-ignore-file\n"
    assert not apply([finding(1)], late)[0].suppression


PAGE = """import { useUser } from "@clerk/nextjs"; // clerk-lint-ignore CLK001

export default function Page() {
  // clerk-lint-ignore CLK201 -- migrated in the next release
  const { user } = useUser();
  const again = useUser();
  return user?.id;
}
"""


def test_cli_leaves_suppressed_findings_out_except_in_sarif(tmp_path):
    (tmp_path / "page.tsx").write_text(PAGE, encoding="utf-8")
    text = run(tmp_path, "scan", "--no-color")
    assert text.exit_code == 1
    lines = [line for line in text.stdout.splitlines() if ": CLK" in line]
    assert len(lines) == 1 and lines[0].startswith("page.tsx:6:17: CLK201 "), lines
    assert "not shown: 2 suppressed" in text.stderr

    for fmt in ("json", "github", "gitlab"):
        out = run(tmp_path, "scan", "--format", fmt).stdout
        assert out.count("CLK201") >= 1 and "CLK001" not in out, fmt
    doc = json.loads(run(tmp_path, "scan", "--format", "json").stdout)
    assert [f["location"]["line"] for f in doc["findings"]] == [6]

    sarif = json.loads(run(tmp_path, "scan", "--format", "sarif").stdout)
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r
               for r in sarif["runs"][0]["results"]}
    assert results[("CLK001", 1)]["suppressions"] == [{"kind": "inSource", "justification": "clerk-lint-ignore CLK001"}]
    assert results[("CLK201", 5)]["suppressions"] == [
        {"kind": "inSource", "justification": "migrated in the next release"}]
    assert "suppressions" not in results[("CLK201", 6)]


def test_all_suppressed_exits_0(tmp_path):
    (tmp_path / "page.tsx").write_text("// clerk-lint-ignore-file\n" + PAGE, encoding="utf-8")
    result = run(tmp_path, "scan")
    assert result.exit_code == 0
    assert "not shown: 3 suppressed" in result.stderr


@pytest.mark.skipif("python" not in READERS, reason="no Python analyzer registered")
def test_python_comment_form(tmp_path):
    source = "from clerk_backend_api import Clerk  # clerk-lint: ignore\nclerk = Clerk(bearer_auth='x')\n"
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    doc = json.loads(run(tmp_path, "scan", "--format", "json").stdout)
    assert doc["findings"] and all(f["location"]["line"] == 2 for f in doc["findings"])
    sarif = json.loads(run(tmp_path, "scan", "--format", "sarif").stdout)
    suppressed = [r["locations"][0]["physicalLocation"]["region"]["startLine"]
                  for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert suppressed == [1]
