"""`--diff REF`: only findings whose start line changed since REF, in real git repositories."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from clerk_lint.filters.gitdiff import parse_diff, unquote_path
from cli_helpers import run

GIT_ID = ["-c", "user.name=clerk-lint tests", "-c", "user.email=tests@clerk-lint.invalid",
          "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]

PAGE = """import { useUser } from "@clerk/nextjs";

export default function Page() {
  const { user } = useUser();
  return user?.id;
}
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *GIT_ID, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def located(result) -> list[tuple[str, int, str]]:
    return [(f["location"]["path"], f["location"]["line"], f["code"]) for f in json.loads(result.stdout)["findings"]]


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/page.tsx").write_text(PAGE, encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored/\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


# --------------------------------------------------------------------------- parsing


def test_parse_diff_hunks():
    data = b"\n".join([
        b"diff --git a/x.ts b/x.ts",
        b"--- a/x.ts",
        b"+++ b/x.ts",
        b"@@ -3,0 +4,2 @@ function f() {",
        b"+a",
        b"+++ b/looks-like-a-header-but-is-content",
        b"@@ -10 +12 @@",
        b"-old",
        b"+new",
        b"@@ -20,3 +23,0 @@",
        b"-gone",
        b"-gone",
        b"-gone",
        b"diff --git a/gone.ts b/gone.ts",
        b"--- a/gone.ts",
        b"+++ /dev/null",
        b"@@ -1 +0,0 @@",
        b"-x",
        b'diff --git "a/caf\\303\\251 \\"q\\".ts" "b/caf\\303\\251 \\"q\\".ts"',
        b'--- "a/caf\\303\\251 \\"q\\".ts"',
        b'+++ "b/caf\\303\\251 \\"q\\".ts"',
        b"@@ -0,0 +1 @@",
        b"+x",
        b"\\ No newline at end of file",
        b"",
    ])
    assert parse_diff(data) == {"x.ts": {4, 5, 12}, 'café "q".ts': {1}}


def test_unquote_path():
    assert unquote_path(b"plain/path.ts") == "plain/path.ts"
    assert unquote_path(b'"tab\\there.ts"') == "tab\there.ts"


# --------------------------------------------------------------------------- CLI on a real repository


def test_unchanged_tree_reports_nothing(repo):
    result = run(repo, "scan", "--diff", "HEAD", "--format", "json")
    assert result.exit_code == 0
    assert located(result) == []


def test_only_changed_lines_are_reported(repo):
    assert len(located(run(repo, "scan", "--format", "json"))) == 2
    (repo / "app/page.tsx").write_text(PAGE.replace("  return user?.id;", "  const more = useUser();\n"
                                                    "  return user?.id;"), encoding="utf-8")
    result = run(repo, "scan", "--diff", "HEAD", "--format", "json")
    assert result.exit_code == 1
    assert located(result) == [("app/page.tsx", 5, "CLK201")]
    # Staged edits count too.
    git(repo, "add", "-A")
    assert located(run(repo, "scan", "--diff", "HEAD", "--format", "json")) == [("app/page.tsx", 5, "CLK201")]


def test_untracked_files_count_as_changed_and_ignored_ones_are_not_scanned(repo):
    (repo / "app/new.ts").write_text('import { auth } from "@clerk/nextjs/server";\nauth();\n', encoding="utf-8")
    (repo / "ignored").mkdir()
    (repo / "ignored/x.ts").write_text('import { auth } from "@clerk/nextjs/server";\n', encoding="utf-8")
    assert [loc[:2] for loc in located(run(repo, "scan", "--diff", "HEAD", "--format", "json"))] == [
        ("app/new.ts", 1), ("app/new.ts", 2)]


def test_since_a_branch_point(repo):
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "app/page.tsx").write_text(PAGE + "export const x = () => useUser();\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "feature")
    result = run(repo, "scan", "--diff", "main...HEAD", "--format", "json")
    assert located(result) == [("app/page.tsx", 7, "CLK201")]
    assert located(run(repo, "scan", "--diff", "main", "--format", "json")) == [("app/page.tsx", 7, "CLK201")]


def test_subfolder_and_file_arguments(repo):
    (repo / "app/page.tsx").write_text(PAGE + "export const x = () => useUser();\n", encoding="utf-8")
    assert located(run(repo / "app", "scan", "--diff", "HEAD", "--format", "json")) == [("page.tsx", 7, "CLK201")]
    assert located(run(repo, "scan", "app", "--diff", "HEAD", "--format", "json")) == [("page.tsx", 7, "CLK201")]
    assert located(run(repo, "scan", "app/page.tsx", "--diff", "HEAD", "--format", "json")) == [
        ("app/page.tsx", 7, "CLK201")]
    # Run from outside the repository on a file inside it.
    assert located(run(repo.parent, "scan", f"{repo.name}/app/page.tsx", "--diff", "HEAD", "--format", "json")) \
        == [(f"{repo.name}/app/page.tsx", 7, "CLK201")]


def test_diff_with_baseline_uses_the_whole_file_for_matching(repo):
    """A baselined call and a new identical one: the new one is reported, the old absorbed."""
    assert run(repo, "baseline").exit_code == 0
    (repo / "app/page.tsx").write_text(PAGE + "function Other() {\n  const { user } = useUser();\n}\n",
                                       encoding="utf-8")
    result = run(repo, "scan", "--diff", "HEAD", "--baseline", "clerk-lint-baseline.json", "--format", "json")
    assert located(result) == [("app/page.tsx", 8, "CLK201")]


@pytest.mark.parametrize("ref", ["no-such-ref", "HEAD~3"])
def test_unknown_ref_is_a_one_line_error(repo, ref):
    result = run(repo, "scan", "--diff", ref)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("clerk-lint: error: --diff: git diff failed") and ref in lines[0]


def test_outside_a_repository_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "page.tsx").write_text(PAGE, encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # never find a repository above
    result = run(tmp_path, "scan", "--diff", "HEAD")
    assert result.exit_code == 2
    assert "not a git repository" in result.stderr
