"""Dependency manifests: package.json, requirements files, pyproject.toml, Pipfile."""
from __future__ import annotations

import pytest

from clerk_lint.discover.walk import language_for
from clerk_lint.readers.formats.jsonc import JsonError, parse_json
from clerk_lint.readers.manifest import (is_clerk_npm_package, is_clerk_python_package,
    requirements_dependencies, toml_dependencies)
from clerk_lint.scan.driver import run_scan
from scan_helpers import CATALOG, scan_snippet


def codes(result):
    return [(f.location.path, f.location.line, f.code, f.symbol) for f in result.findings]


@pytest.mark.parametrize("name,lang", [
    ("package.json", "package-json"), ("requirements.txt", "requirements"),
    ("requirements-dev.txt", "requirements"), ("dev-requirements.txt", "requirements"),
    ("requirements.in", "requirements"), ("pyproject.toml", "pyproject"), ("Pipfile", "pipfile"),
])
def test_manifest_names_are_discovered(name, lang):
    assert language_for(name) == lang


def test_notes_txt_is_not_a_manifest():
    assert language_for("notes.txt") is None
    assert language_for("Pipfile.lock") is None


def test_package_json_sections_and_positions(tmp_path):
    text = """{
  "name": "app",
  "dependencies": {
    "@clerk/nextjs": "^6.21.0",
    "next": "15.3.3"
  },
  "devDependencies": { "@clerk/testing": "^1.4.0" },
  "peerDependencies": { "svix": ">=1" },
  "optionalDependencies": { "vue-clerk": "0.10.1" },
  "scripts": { "clerk": "node x.js" },
  "description": "uses @clerk/nextjs"
}
"""
    result = scan_snippet(tmp_path, "package.json", text)
    assert codes(result) == [
        ("package.json", 4, "CLK701", "@clerk/nextjs"),
        ("package.json", 7, "CLK701", "@clerk/testing"),
        ("package.json", 8, "CLK702", "svix"),
        ("package.json", 9, "CLK701", "vue-clerk"),
    ]
    first = result.findings[0]
    assert (first.location.column, first.location.end_column) == (6, 6 + len("@clerk/nextjs"))
    assert first.detail("section") == "dependencies" and first.detail("version") == "^6.21.0"
    assert "better-auth/next-js" in first.message
    assert result.findings[1].detail("section") == "devDependencies"


def test_ui_only_packages_say_there_is_no_package(tmp_path):
    result = scan_snippet(tmp_path, "package.json", '{"dependencies": {"@clerk/themes": "2", "@clerk/types": "4"}}')
    themes, types = result.findings
    assert "no package" in themes.message and "UI" in themes.message
    assert "$Infer" in types.message


def test_expo_package_maps_to_expo_plugin(tmp_path):
    result = scan_snippet(tmp_path, "package.json", '{"dependencies": {"@clerk/clerk-expo": "^2.9.0"}}')
    assert "@better-auth/expo" in result.findings[0].message


def test_broken_package_json_is_still_read(tmp_path):
    result = scan_snippet(tmp_path, "package.json", '{\n  "dependencies": {\n    "@clerk/nextjs": "^6",\n')
    assert [(f.location.line, f.code) for f in result.findings] == [(3, "CLK701")]
    assert [p.kind for p in result.problems] == ["parse-partial"]
    assert "line 4" in result.problems[0].reason


def test_json_parser_positions_comments_and_errors():
    text = '{\n  // comment\n  "a": [1, "two", {"b": null}],\n  "c": "\\u00e9",\n}'
    root = parse_json(text)
    assert root.to_python() == {"a": [1, "two", {"b": None}], "c": "é"}
    key, value = root.pairs[0]
    assert text[key.start:key.end] == '"a"' and text[value.start:value.end] == '[1, "two", {"b": null}]'
    for bad in ('{"a": }', '{"a" 1}', '["a"', '{"a": "b\nc"}', "{} x"):
        with pytest.raises(JsonError):
            parse_json(bad)


def test_package_names():
    for name in ("@clerk/nextjs", "@clerk/backend", "vue-clerk", "svelte-clerk", "@hono/clerk-auth",
                 "clerk-solidjs", "ngx-clerk", "gatsby-plugin-clerk", "@mastra/auth-clerk"):
        assert is_clerk_npm_package(name), name
    for name in ("beanclerk", "clerkenwell", "better-auth", "svix"):
        assert not is_clerk_npm_package(name), name
    for name in ("clerk-backend-api", "Clerk_Backend_API", "fastapi-clerk-auth", "django-clerk", "clerk-django",
                 "django_clerk_users", "litestar-clerk"):
        assert is_clerk_python_package(name), name
    for name in ("clerk-api", "file-clerk", "email-clerk", "nyt-clerk", "clerk"):
        assert not is_clerk_python_package(name), name


def test_requirements_forms():
    text = "\n".join([
        "# comment clerk-backend-api",
        "clerk-backend-api[async]>=3.0 ; python_version >= '3.9'  # inline",
        "svix==1.66.0 \\",
        "    --hash=sha256:abc",
        "-r base.txt",
        "--index-url https://example.invalid/simple",
        "-e git+https://github.com/acme/fastapi-clerk-auth.git#egg=fastapi-clerk-auth",
        "fastapi-clerk-auth @ https://example.invalid/fastapi_clerk_auth-0.0.9.tar.gz",
    ])
    deps = list(requirements_dependencies(text))
    assert [(d.name, d.spec) for d in deps] == [
        ("clerk-backend-api", ">=3.0"), ("svix", "==1.66.0"), ("fastapi-clerk-auth", ""),
        ("fastapi-clerk-auth", "@ https://example.invalid/fastapi_clerk_auth-0.0.9.tar.gz"),
    ]
    for d in deps:
        assert text[d.start:d.end] == d.name


def test_requirements_findings(tmp_path):
    result = scan_snippet(tmp_path, "requirements/requirements-prod.txt",
                  "fastapi==0.115\nclerk-backend-api==3.0.3\nsvix==1.66.0\nclerk-api==0.1.1\n")
    assert [(f.location.line, f.code) for f in result.findings] == [(2, "CLK703"), (3, "CLK702")]
    assert "no Python SDK" in result.findings[0].message


def test_pyproject_pep621_groups_and_poetry():
    text = '''[project]
name = "svc"
description = "talks to clerk-backend-api"
dependencies = [
  "fastapi>=0.115",
  "clerk-backend-api>=3,<4",
]

[project.optional-dependencies]
hooks = ["svix>=1.66"]

[dependency-groups]
dev = ["pytest", "django-clerk-users>=0.4"]

[tool.poetry.dependencies]
python = "^3.11"
fastapi-clerk-auth = "^0.0.9"

[tool.poetry.group.dev.dependencies]
"clerk-django" = { version = "^1.0" }

[tool.other]
clerk-backend-api = "not a dependency table"
'''
    deps = [(d.name, d.section) for d in toml_dependencies(text, "pyproject")]
    assert ("clerk-backend-api", "project") in deps
    assert ("svix", "project.optional-dependencies") in deps
    assert ("django-clerk-users", "dependency-groups") in deps
    assert ("fastapi-clerk-auth", "tool.poetry.dependencies") in deps
    assert ("clerk-django", "tool.poetry.group.dev.dependencies") in deps
    assert not any(section == "tool.other" for _, section in deps)


def test_pipfile(tmp_path):
    text = '[packages]\nfastapi = "*"\nclerk-backend-api = "==3.0.3"\n\n[dev-packages]\nsvix = "*"\n'
    result = scan_snippet(tmp_path, "Pipfile", text)
    assert [(f.location.line, f.code, f.symbol) for f in result.findings] == [
        (3, "CLK703", "clerk-backend-api"), (6, "CLK702", "svix")]


def test_manifest_without_clerk_is_quiet(tmp_path):
    (tmp_path / "package.json").write_text('{"dependencies": {"next": "15"}}', encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("fastapi\n", encoding="utf-8")
    assert run_scan([tmp_path], CATALOG).findings == []
