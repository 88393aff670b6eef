"""Every rule's own examples are its tests (Fixit style): each snippet, scanned alone, must
produce exactly the findings its `// expect:` marks name; valid snippets must not name
the rule itself."""
from __future__ import annotations

import pytest

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.scan.driver import run_scan

from expectations import actual, diff_report, expected_in_text

# A value starting with "." is an extension (the file is example<ext>); any other value is the
# whole file name, for kinds recognised by name (package.json, requirements.txt ...).
EXTENSIONS = {"tsx": ".tsx", "ts": ".ts", "jsx": ".jsx", "js": ".js", "py": ".py", "astro": ".astro", "vue": ".vue",
              "package-json": "package.json", "requirements": "requirements.txt", "pyproject": "pyproject.toml",
              "env": ".env", "prisma": ".prisma", "sql": ".sql", "app-json": "app.json",
              "toml-config": "config.toml", "yaml": ".yml"}
CATALOG = load_catalog()
CASES = [
    pytest.param(rule, kind, index, snippet, id=f"{rule.code}-{kind}{index}")
    for rule in CATALOG.rules
    for kind in ("invalid", "valid")
    for index, snippet in enumerate(getattr(rule.examples, kind))
]


@pytest.mark.parametrize("rule,kind,index,snippet", CASES)
def test_rule_example(rule, kind, index, snippet, tmp_path):
    ext = EXTENSIONS[rule.examples.lang]
    name = rule.examples.file or (f"example{ext}" if ext.startswith(".") else ext)
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(snippet, encoding="utf-8")
    if rule.examples.package_json:  # the project the snippet lives in; its own findings are not the rule's
        (tmp_path / "package.json").write_text(rule.examples.package_json, encoding="utf-8")
    for other, source in rule.examples.files:
        (tmp_path / other).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / other).write_text(source, encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    if rule.examples.package_json or rule.examples.files:
        result.findings = [f for f in result.findings if f.location.path == name]
    expected = expected_in_text(name, snippet)
    if kind == "invalid":
        assert any(code == rule.code for (_, _, code) in expected), "an invalid example must mark its own rule"
    else:
        assert all(code != rule.code for (_, _, code) in expected), "a valid example must not expect its own rule"
    got = actual(result.findings)
    assert got == expected, diff_report(expected, got, result.findings)


def test_every_rule_has_examples():
    for rule in CATALOG.rules:
        assert rule.examples.invalid, f"{rule.code} has no invalid example"


@pytest.mark.parametrize("rule", CATALOG.rules, ids=lambda r: r.code)
def test_message_placeholders_format(rule):
    # A literal brace left unescaped makes str.format fail and the raw template is printed.
    rule.message.format(symbol="x", package="p", detail="d")
