"""Configuration: `[tool.clerk-lint]` in pyproject.toml or `.clerk-lint.toml`, found upwards
from the scanned paths; command-line flags win; bad files are one-line exit-2 errors."""
from __future__ import annotations

import json

import pytest

from clerk_lint import config as cfgmod
from clerk_lint.config import ConfigError, find, load, select_findings, selected
from clerk_lint.findings import BetterAuth, Finding, Location
from cli_helpers import run, write

PAGE = """import { useUser } from "@clerk/nextjs";

export default function Page() {
  const { user } = useUser();
  return user?.id;
}
"""
SERVER = """import { auth } from "@clerk/nextjs/server";

export async function GET() {
  const { userId } = await auth();
  return Response.json({ userId });
}
"""


def codes(result) -> list[str]:
    return sorted(f["code"] for f in json.loads(result.stdout)["findings"])


def finding(code: str, name: str = "rule") -> Finding:
    return Finding(code=code, rule_name=name, symbol="x", package="@clerk/nextjs", category="hook",
                   difficulty="moderate", better_auth=BetterAuth("x"), effort_hours=1.0, message="m",
                   location=Location("a.ts", 1, 1, 1, 2))


# --------------------------------------------------------------------------- finding the file


def test_found_upwards_and_dot_file_wins(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.clerk-lint]\nfail-on = "hard"\n', "app/src/x.ts": ""})
    assert find(tmp_path / "app/src") == tmp_path / "pyproject.toml"
    write(tmp_path, {"app/.clerk-lint.toml": 'fail-on = "moderate"\n'})
    assert find(tmp_path / "app/src") == tmp_path / "app/.clerk-lint.toml"
    write(tmp_path, {".clerk-lint.toml": "", })
    assert find(tmp_path) == tmp_path / ".clerk-lint.toml"


def test_pyproject_without_the_table_is_passed_over(tmp_path):
    write(tmp_path, {".clerk-lint.toml": 'select = ["CLK2"]\n', "pkg/pyproject.toml": '[project]\nname = "x"\n'})
    assert find(tmp_path / "pkg") == tmp_path / ".clerk-lint.toml"
    assert load([tmp_path / "pkg"]).select == ("CLK2",)


def test_all_keys_parse(tmp_path):
    write(tmp_path, {"pyproject.toml": """
[tool.clerk-lint]
include = ["app/**"]
exclude = ["**/*.test.ts"]
select = ["CLK2", "CLK301"]
ignore = ["CLK0"]
fail-on = "moderate"
baseline = "ci/baseline.json"
max-file-size = 5000
file-time-budget = 2.5
follow-symlinks = true

[tool.clerk-lint.plan]
hourly-rate = 120
team = { size = 3 }
"""})
    c = load([tmp_path])
    assert c.path == tmp_path / "pyproject.toml"
    assert c.include == ("app/**",) and c.exclude == ("**/*.test.ts",)
    assert c.select == ("CLK2", "CLK301") and c.ignore == ("CLK0",)
    assert c.fail_on == "moderate" and c.max_file_size == 5000 and c.follow_symlinks is True
    assert c.file_time_budget == 2.5
    assert c.baseline == tmp_path / "ci/baseline.json"
    assert c.plan == {"hourly-rate": 120, "team": {"size": 3}}


@pytest.mark.parametrize("body, message", [
    ("colour = 1\n", "unknown key 'colour'"),
    ("fail_on = 'hard'\n", "unknown key 'fail_on' (did you mean 'fail-on'?)"),
    ("fail-on = 'severe'\n", "'fail-on' must be one of"),
    ("select = 'CLK2'\n", "'select' must be a list of strings"),
    ("max-file-size = 0\n", "'max-file-size' must be a positive integer"),
    ("file-time-budget = -1\n", "'file-time-budget' must be a number of seconds"),
    ("follow-symlinks = 'yes'\n", "'follow-symlinks' must be true or false"),
    ("plan = 3\n", "'plan' must be a table"),
])
def test_bad_values(tmp_path, body, message):
    write(tmp_path, {".clerk-lint.toml": body})
    with pytest.raises(ConfigError) as caught:
        load([tmp_path])
    assert message in str(caught.value) and ".clerk-lint.toml" in str(caught.value)


# --------------------------------------------------------------------------- rule selection


@pytest.mark.parametrize("select, ignore, code, kept", [
    ((), (), "CLK201", True),
    (("CLK2",), (), "CLK201", True),
    (("CLK2",), (), "CLK301", False),
    ((), ("CLK2",), "CLK201", False),
    (("CLK2",), ("CLK201",), "CLK201", False),   # more specific ignore wins
    (("CLK201",), ("CLK2",), "CLK201", True),    # more specific select wins
    (("CLK2",), ("CLK2",), "CLK201", False),     # tie: ignore
    (("use-user",), (), "CLK201", True),         # rule names
])
def test_selection(select, ignore, code, kept):
    assert selected(finding(code, "use-user"), select, ignore) is kept


def test_select_findings_keeps_order():
    fs = [finding("CLK201"), finding("CLK001"), finding("CLK202")]
    assert [f.code for f in select_findings(fs, ("CLK2",), ())] == ["CLK201", "CLK202"]


# --------------------------------------------------------------------------- CLI


def test_config_applies_and_flags_override(tmp_path):
    write(tmp_path, {"app/page.tsx": PAGE, "app/api/route.ts": SERVER,
                     "pyproject.toml": '[tool.clerk-lint]\nignore = ["CLK0"]\nfail-on = "hard"\n'})
    result = run(tmp_path, "scan", "--format", "json")
    assert codes(result) == ["CLK201", "CLK301", "CLK511"]
    assert result.exit_code == 0  # nothing hard: fail-on from the config
    assert run(tmp_path, "scan", "--fail-on", "moderate").exit_code == 1
    assert codes(run(tmp_path, "scan", "--format", "json", "--ignore", "CLK3")) == ["CLK001", "CLK001", "CLK201",
                                                                                          "CLK511"]
    assert codes(run(tmp_path, "scan", "--format", "json", "--select", "CLK001,CLK201")) == ["CLK001", "CLK001",
                                                                                            "CLK201"]
    assert codes(run(tmp_path, "scan", "--format", "json", "--no-config")) == ["CLK001", "CLK001", "CLK201",
                                                                              "CLK301", "CLK511"]


def test_include_exclude_and_max_file_size_from_config(tmp_path):
    write(tmp_path, {"app/page.tsx": PAGE, "app/api/route.ts": SERVER, "big/huge.ts": PAGE + "//" + "x" * 5000,
                     ".clerk-lint.toml": 'exclude = ["app/api/**"]\nmax-file-size = 4000\n'})
    result = run(tmp_path, "scan", "--format", "json")
    doc = json.loads(result.stdout)
    assert {f["location"]["path"] for f in doc["findings"]} == {"app/page.tsx"}
    assert [e["kind"] for e in doc["errors"]] == ["too-large"]
    # --exclude on the command line replaces the configured one.
    paths = {f["location"]["path"] for f in json.loads(run(tmp_path, "scan", "--format", "json", "--exclude",
                                                           "big/**").stdout)["findings"]}
    assert paths == {"app/page.tsx", "app/api/route.ts"}


def test_explicit_config_file(tmp_path):
    write(tmp_path, {"app/page.tsx": PAGE, "ci/strict.toml": 'select = ["CLK0"]\n',
                     ".clerk-lint.toml": 'select = ["CLK2"]\n'})
    assert codes(run(tmp_path, "scan", "--format", "json")) == ["CLK201"]
    assert codes(run(tmp_path, "scan", "--format", "json", "--config", "ci/strict.toml")) == ["CLK001"]


@pytest.mark.parametrize("name, body, expect", [
    ("pyproject.toml", "[tool.clerk-lint]\nsevertiy = 'hard'\n", "unknown key 'severtiy'"),
    ("pyproject.toml", "[tool.clerk-lint\n", "invalid TOML"),
    (".clerk-lint.toml", "select = [\n", "invalid TOML"),
    (".clerk-lint.toml", "select = ['CLK999']\n", "'CLK999' matches no rule"),
])
def test_bad_config_is_one_line_exit_2_naming_the_file(tmp_path, name, body, expect):
    write(tmp_path, {"app/page.tsx": PAGE, name: body})
    for command in ("scan", "baseline"):
        result = run(tmp_path, command)
        assert result.exit_code == 2, result.stdout
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("clerk-lint: error: ") and name in lines[0] and expect in lines[0]
    assert not (tmp_path / "clerk-lint-baseline.json").exists()


def test_unknown_selector_on_the_command_line(tmp_path):
    write(tmp_path, {"app/page.tsx": PAGE})
    result = run(tmp_path, "scan", "--select", "CLK2,nonsense")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("clerk-lint: error: --select: 'nonsense' matches no rule code, code prefix or "
                                     "rule name (see `clerk-lint rules`)")


def test_plan_table_is_passed_through(tmp_path):
    write(tmp_path, {".clerk-lint.toml": '[plan]\nhourly-rate = 95.5\nroles = ["dev"]\n'})
    assert cfgmod.load([tmp_path]).plan == {"hourly-rate": 95.5, "roles": ["dev"]}
