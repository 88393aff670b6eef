"""Reporters: text, JSON, SARIF (validated against the official schema) and
GitHub workflow commands, on a hand-built ScanResult."""
from __future__ import annotations

import json

import click
import re
from pathlib import Path

import pytest

from clerk_lint import __version__
from clerk_lint.concepts.catalog import Catalog, Rule, RuleDocs, RuleExamples, load_catalog
from clerk_lint.findings import BetterAuth, FileProblem, Finding, Location, ScanResult
from clerk_lint.report import FORMATS, render
from clerk_lint.report.github import escape_data, escape_property
from clerk_lint.report.sarif import to_document

# The official OASIS SARIF 2.1.0 schema (errata01), vendored so every checkout validates against it.
SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
ANSI = re.compile(r"\x1b\[")


def _rule(code: str, name: str, category: str, difficulty: str) -> Rule:
    return Rule(
        code=code,
        name=name,
        title=f"{name} title",
        category=category,
        difficulty=difficulty,
        effort_hours=1.5,
        message="{symbol} from {package}",
        better_auth=BetterAuth(api=f"{name}-api", import_='import { x } from "better-auth"'),
        docs=RuleDocs(what=f"What {name} finds.", why="Why it matters.", before="a()", after="b()"),
        examples=RuleExamples(),
    )


RULES = [
    _rule("CLK001", "clerk-import", "import", "trivial"),
    _rule("CLK201", "use-user", "hook", "moderate"),
    _rule("CLK301", "auth-helper", "server-helper", "hard"),
    _rule("CLK601", "webhook-verify", "webhook", "blocker"),
]
CATALOG = Catalog(RULES, {})


def _finding(code: str, loc: Location, message: str, **kw) -> Finding:
    rule = CATALOG.rule(code)
    return Finding(
        code=code,
        rule_name=rule.name,
        symbol=kw.pop("symbol", "useUser"),
        package="@clerk/nextjs",
        category=rule.category,
        difficulty=rule.difficulty,
        better_auth=rule.better_auth,
        effort_hours=rule.effort_hours,
        message=message,
        location=loc,
        **kw,
    )


UNICODE_PATH = "app/(auth)/mon compte/café.tsx"


def make_result() -> ScanResult:
    wrapper = Location("lib/use-me.ts", 4, 10, 4, 17, "  return useUser();")
    findings = [
        _finding("CLK001", Location(UNICODE_PATH, 1, 1, 1, 42, 'import { useUser } from "@clerk/nextjs";'),
                 "import from @clerk/nextjs", symbol="@clerk/nextjs", line_hash="abc123:1"),
        _finding("CLK201", Location(UNICODE_PATH, 3, 29, 3, 38, 'const s = "hé😀"; const u = useUser();'),
                 "useUser() from @clerk/nextjs: use authClient.useSession()", line_hash="def456:1",
                 details=(("z", "last"), ("a", "first"))),
        _finding("CLK201", Location("app/page.tsx", 7, 14, 7, 21, "  const me = useMe();"),
                 "useMe() wraps useUser()", via=("useMe", "useUser"), related=(wrapper,), line_hash="0123:2"),
        _finding("CLK301", Location("app/api/route.ts", 2, 3, 5, 4, "  await auth()"),
                 "auth(): 100% server,\nmulti-line: yes\r", symbol="auth"),
        _finding("CLK601", Location("app/api/route.ts", 9, 1, 9, 10, "verify();"), "verifyWebhook()", symbol="verify"),
    ]
    problems = [
        FileProblem("vendor/big.js", "file is larger than 2 MB", "too-large"),
        FileProblem("app/broken.tsx", "syntax error at 3:4; scanned the rest", "parse-partial", partial=True),
    ]
    return ScanResult(root="/abs/machine/path", findings=findings, problems=problems, files_scanned=7)


# -- dispatch / determinism -----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_is_deterministic_and_newline_terminated(fmt: str) -> None:
    first = render(fmt, make_result(), CATALOG)
    assert first == render(fmt, make_result(), CATALOG)
    assert first.endswith("\n")
    assert "/abs/machine" not in first


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render("xml", make_result(), CATALOG)


# -- text -----------------------------------------------------------------------


def test_text_groups_by_file_and_summarises() -> None:
    out = render("text", make_result(), CATALOG)
    assert not ANSI.search(out)
    lines = out.splitlines()
    assert lines[0] == f"{UNICODE_PATH} (2 findings)"
    assert lines[1] == f"{UNICODE_PATH}:1:1: CLK001 import from @clerk/nextjs"
    assert lines[2].startswith(f"{UNICODE_PATH}:3:29: CLK201 useUser()")
    assert "app/page.tsx (1 finding)" in lines
    assert "app/page.tsx:7:14: CLK201 useMe() wraps useUser() (via useMe -> useUser)" in lines
    # file headers appear once each, in first-appearance order
    headers = [line for line in lines if re.match(r"^\S.* \(\d+ findings?\)$", line)]
    assert headers == [f"{UNICODE_PATH} (2 findings)", "app/page.tsx (1 finding)", "app/api/route.ts (2 findings)"]
    assert "Found 5 findings in 3 files (7 files scanned)." in lines
    assert "  by difficulty: trivial 1, moderate 2, hard 1, blocker 1" in lines
    assert "  by category:   hook 2, import 1, server-helper 1, webhook 1" in lines
    assert "  estimated effort: 7.5 h" in lines
    assert "  2 file problems: 1 skipped, 1 partly scanned" in lines
    assert "app/api/route.ts:2:3: CLK301 auth(): 100% server, multi-line: yes" in lines
    # problems themselves go to stderr (the CLI's job), not into the report
    assert "vendor/big.js" not in out


def test_text_color() -> None:
    out = render("text", make_result(), CATALOG, color=True)
    assert "\x1b[33mCLK201\x1b[0m" in out  # moderate: yellow
    assert click.style("CLK601", fg="magenta", bold=True) in out  # blocker


def test_text_empty() -> None:
    out = render("text", ScanResult(root=".", files_scanned=3), CATALOG)
    assert out == "No Clerk usage found (3 files scanned).\n"


# -- json -----------------------------------------------------------------------


def test_json_document() -> None:
    doc = json.loads(render("json", make_result(), CATALOG))
    assert list(doc) == ["schema_version", "tool", "root", "summary", "findings", "errors"]
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "clerk-lint", "version": __version__}
    assert doc["root"] == "."  # absolute roots are not written out
    assert doc["summary"] == {
        "files_scanned": 7,
        "skipped_by_ignore_rules": {"files": 0, "folders": 0},
        "findings": 5,
        "by_difficulty": {"trivial": 1, "moderate": 2, "hard": 1, "blocker": 1},
        "by_category": {"hook": 2, "import": 1, "server-helper": 1, "webhook": 1},
        "effort_hours": 7.5,
        "packages": [],  # no workspace packages in a hand-built result
    }
    assert [f["location"]["line"] for f in doc["findings"]] == [1, 3, 7, 2, 9]
    first, _, indirect = doc["findings"][:3]
    assert list(first) == [
        "code", "rule", "symbol", "package", "category", "difficulty", "better_auth",
        "effort_hours", "message", "indirect", "via", "location", "related", "details",
    ]
    assert list(first["location"]) == ["path", "line", "column", "end_line", "end_column", "source_line"]
    assert first["better_auth"] == {"api": "clerk-import-api", "import": 'import { x } from "better-auth"'}
    assert first["indirect"] is False and first["via"] == [] and first["related"] == []
    assert list(doc["findings"][1]["details"]) == ["a", "z"]
    assert indirect["indirect"] is True and indirect["via"] == ["useMe", "useUser"]
    assert indirect["related"][0]["path"] == "lib/use-me.ts"
    assert doc["errors"] == [
        {"path": "vendor/big.js", "kind": "too-large", "reason": "file is larger than 2 MB", "partial": False},
        {"path": "app/broken.tsx", "kind": "parse-partial", "reason": "syntax error at 3:4; scanned the rest",
         "partial": True},
    ]


def test_json_is_not_ascii_escaped_and_keeps_relative_root() -> None:
    result = make_result()
    result.root = "apps/web"
    out = render("json", result, CATALOG)
    assert "café" in out
    assert json.loads(out)["root"] == "apps/web"


# -- sarif ----------------------------------------------------------------------


def _sarif(result: ScanResult | None = None, catalog: Catalog = CATALOG) -> dict:
    return json.loads(render("sarif", result or make_result(), catalog))


def test_sarif_validates_against_official_schema() -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    for doc in (_sarif(), _sarif(ScanResult(root=".")), _sarif(catalog=load_catalog())):
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == []


def test_sarif_run_shape() -> None:
    doc = _sarif()
    assert list(doc)[:2] == ["$schema", "version"]
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"description": {"text": "The scanned root"}}}
    assert run["automationDetails"] == {"id": "clerk-lint/"}
    driver = run["tool"]["driver"]
    assert driver["name"] == "clerk-lint"
    assert driver["semanticVersion"] == __version__
    assert driver["informationUri"] == "https://github.com/clerk-lint/clerk-lint"
    # sarif-om defaults that carry no information are dropped
    assert "language" not in run and "newlineSequences" not in run and "contents" not in driver


def test_sarif_rules_cover_the_whole_catalog() -> None:
    catalog = load_catalog()
    rules = _sarif(ScanResult(root="."), catalog)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in catalog.rules]
    for descriptor, rule in zip(rules, catalog.rules):
        assert descriptor["help"]["markdown"] == rule.help_markdown()
        assert descriptor["name"] == rule.name


def test_sarif_rule_descriptors() -> None:
    rules = _sarif()["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["CLK001", "CLK201", "CLK301", "CLK601"]
    levels = [r["defaultConfiguration"]["level"] for r in rules]
    assert levels == ["note", "warning", "error", "error"]
    use_user = rules[1]
    assert use_user["name"] == "use-user"
    assert use_user["shortDescription"] == {"text": "use-user title"}
    assert use_user["fullDescription"] == {"text": "What use-user finds."}
    assert use_user["help"]["markdown"] == RULES[1].help_markdown()
    assert use_user["help"]["text"]
    assert use_user["properties"] == {"tags": ["clerk", "migration", "hook"], "precision": "high",
                                      "problem.severity": "warning"}
    assert rules[0]["properties"]["problem.severity"] == "recommendation"
    assert all("security-severity" not in r["properties"] for r in rules)


def test_sarif_results() -> None:
    run = _sarif()["runs"][0]
    rules, results = run["tool"]["driver"]["rules"], run["results"]
    assert len(results) == 5
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert set(res["properties"]) == {
            "clerkSymbol", "clerkPackage", "category", "difficulty", "betterAuth", "effortHours"}
        assert len(res["locations"]) == 1
    assert [r["level"] for r in results] == ["note", "warning", "warning", "error", "error"]

    first = results[0]
    art = first["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art == {"uri": "app/(auth)/mon%20compte/caf%C3%A9.tsx", "uriBaseId": "%SRCROOT%"}
    assert first["partialFingerprints"] == {"primaryLocationLineHash": "abc123:1"}
    assert first["properties"]["betterAuth"] == {"api": "clerk-import-api",
                                                 "import": 'import { x } from "better-auth"'}

    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 29, "endLine": 3, "endColumn": 38,
                      "snippet": {"text": "useUser()"}}  # columns are UTF-16 units

    indirect = results[2]
    assert indirect["message"]["text"] == "useMe() wraps useUser() (via useMe -> useUser; [wrapper definition](1))"
    assert indirect["locations"][0]["physicalLocation"]["region"]["snippet"] == {"text": "useMe()"}
    (related,) = indirect["relatedLocations"]
    assert related["id"] == 1
    assert related["message"] == {"text": "wrapper definition"}
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "lib/use-me.ts"

    multi_line = results[3]
    assert "partialFingerprints" not in multi_line  # no line_hash on the finding
    assert "snippet" not in multi_line["locations"][0]["physicalLocation"]["region"]


def test_sarif_notifications_for_file_problems() -> None:
    (invocation,) = _sarif()["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == ["file is larger than 2 MB", "syntax error at 3:4; scanned the rest"]
    assert {n["level"] for n in notes} == {"warning"}
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "vendor/big.js", "uriBaseId": "%SRCROOT%"}


def test_sarif_to_document_matches_render() -> None:
    assert json.loads(render("sarif", make_result(), CATALOG)) == to_document(make_result(), CATALOG)


# -- github ---------------------------------------------------------------------


def test_github_escaping_helpers() -> None:
    assert escape_data("100%\r\nok: a,b") == "100%25%0D%0Aok: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_commands() -> None:
    lines = render("github", make_result(), CATALOG).splitlines()
    assert len(lines) == 5
    assert lines[0] == (
        f"::notice file={UNICODE_PATH},line=1,endLine=1,col=1,endColumn=42,"
        "title=CLK001 clerk-import::import from @clerk/nextjs"
    )
    assert lines[1].startswith("::warning file=")
    assert lines[2].endswith("::useMe() wraps useUser() (via useMe -> useUser)")
    # multi-line span: columns omitted; message newlines, CR and % escaped
    assert lines[3] == (
        "::error file=app/api/route.ts,line=2,endLine=5,title=CLK301 auth-helper"
        "::auth(): 100%25 server,%0Amulti-line: yes%0D"
    )
    assert lines[4].startswith("::error ")


def test_github_escapes_properties() -> None:
    result = ScanResult(root=".", findings=[
        _finding("CLK201", Location("a,b:c%.tsx", 1, 1, 1, 2), "m")])
    assert render("github", result, CATALOG) == (
        "::warning file=a%2Cb%3Ac%25.tsx,line=1,endLine=1,col=1,endColumn=2,title=CLK201 use-user::m\n"
    )


def test_github_empty() -> None:
    assert render("github", ScanResult(root="."), CATALOG) == ""


def test_json_text_is_byte_identical_to_json_dumps():
    """The reporters' fast JSON writer must give exactly json.dumps(indent=2, ensure_ascii=False)."""
    import json
    import random

    from clerk_lint.report._common import json_text

    import enum

    class Name(str):
        pass

    class Level(enum.IntEnum):
        HIGH = 3

    rng = random.Random(5)
    leaves = ["", "a\"b\\c", "é\u2028😀\ud800", "\x00\n\t", 0, -7, 2**70, 1.5, -0.0, 1e300, float("inf"), float("nan"),
              True, False, None, Name("sub\"class"), Level.HIGH]

    def make(depth: int):
        roll = rng.random()
        if depth > 4 or roll < 0.4:
            return rng.choice(leaves)
        if roll < 0.7:
            return [make(depth + 1) for _ in range(rng.randrange(0, 4))]
        return {rng.choice(["k", "é", "a b", "\"q\"", str(rng.random())]): make(depth + 1) for _ in range(rng.randrange(0, 4))}

    for _ in range(2000):
        doc = make(0)
        assert json_text(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
    # keys json.dumps converts itself (not str) take its own path
    assert json_text({1: [True]}) == json.dumps({1: [True]}, indent=2, ensure_ascii=False)
