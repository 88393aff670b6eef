"""Env places outside .env files (deploy_env_analyzer): which files are read, how each form of
assignment is parsed, and what is deliberately not reported."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.discover.walk import discover, language_for
from clerk_lint.scan.driver import run_scan

from expectations import actual, diff_report, expected_in_text

CATALOG = load_catalog()
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path,lang", [
    (".github/workflows/ci.yml", "github-actions"),
    ("apps/web/.github/workflows/deploy.yaml", "github-actions"),
    (".github/actions/e2e/action.yml", "github-actions"),
    (".gitlab-ci.yml", "gitlab-ci"),
    ("ci/deploy.gitlab-ci.yml", "gitlab-ci"),
    ("docker-compose.yml", "docker-compose"),
    ("docker-compose.prod.yaml", "docker-compose"),
    ("compose.yaml", "docker-compose"),
    ("Dockerfile", "dockerfile"),
    ("docker/web.Dockerfile", "dockerfile"),
    ("Dockerfile.dev", "dockerfile"),
    ("render.yaml", "render-yaml"),
    ("fly.toml", "fly-toml"),
])
def test_known_places_are_discovered(tmp_path, path, lang):
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text("x\n", encoding="utf-8")
    candidates, _ = discover([tmp_path])
    assert [(c.relpath, c.language) for c in candidates] == [(path, lang)]


@pytest.mark.parametrize("path", ["config.yml", ".github/dependabot.yml", "k8s/deployment.yaml",
                                  "workflows/ci.yml", ".github/workflows/README.md", "docs/docker.md"])
def test_generic_yaml_is_not_read(tmp_path, path):
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text("env:\n  CLERK_SECRET_KEY: ${{ secrets.CLERK_SECRET_KEY }}\n", encoding="utf-8")
    candidates, _ = discover([tmp_path])
    assert candidates == []


def test_an_explicit_workflow_file_is_known_by_its_folder(tmp_path, monkeypatch):
    wf = tmp_path / ".github" / "workflows" / "ci.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text("env:\n  CLERK_SECRET_KEY: ${{ secrets.CLERK_SECRET_KEY }}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    candidates, problems = discover([Path(".github/workflows/ci.yml")])
    assert [c.language for c in candidates] == ["github-actions"] and problems == []
    assert language_for("ci.yml") is None


CASES = {
    "gitlab": (".gitlab-ci.yml", """variables:
  NODE_ENV: production
  NEXT_PUBLIC_CLERK_SIGN_IN_URL: /sign-in # expect: CLK713
  CLERK_SECRET_KEY: $CLERK_SECRET_KEY_PRODUCTION # expect: CLK716
build:
  stage: build
  script:
    - npm ci
    - echo "VITE_CLERK_PUBLISHABLE_KEY=$VITE_CLERK_PUBLISHABLE_KEY" >> .env # expect: CLK716
    - echo $NEXT_PUBLIC_CLERK_SIGN_IN_URL # expect: CLK719
    - echo $CI_COMMIT_SHA
"""),
    "compose-map": ("compose.yaml", """services:
  api:
    image: api
    environment:
      CLERK_SECRET_KEY: ${CLERK_SECRET_KEY} # expect: CLK710
      AUTH_PUBLISHABLE_KEY: ${VITE_CLERK_PUBLISHABLE_KEY:-} # expect: CLK711
      "CLERK_JWT_ISSUER_DOMAIN": https://clerk.example.com # expect: CLK713
      SUPPORT_CLERK_EMAIL: help@example.com
    labels:
      clerk: "not a variable"
"""),
    "dockerfile-forms": ("Dockerfile", """FROM node:20
ARG VITE_CLERK_PUBLISHABLE_KEY NODE_VERSION=20
ENV A=1 CLERK_SIGN_IN_URL=/sign-in B=2
ENV CLERK_WEBHOOK_SECRET whsec_placeholder
ENV NEXT_PUBLIC_CLERK_DOMAIN="clerk.example.com" \\
    PORT=3000
ENV SUPPORT_CLERK_EMAIL=help@example.com
RUN echo building
"""),
    "render": ("render.yaml", """services:
  - type: web
    name: web
    envVars:
      - key: CLERK_SECRET_KEY # expect: CLK710
        sync: false
      - key: SUPPORT_CLERK_EMAIL
        value: help@example.com
"""),
    "fly": ("fly.toml", """app = "clerk-demo"
[env]
  CLERK_PUBLISHABLE_KEY = "pk_test_Y2xlYW4tbW9sZS0xMi5jbGVyay5hY2NvdW50cy5kZXYk" # expect: CLK711
  PORT = "8080"
"""),
    "action": (".github/actions/e2e/action.yml", """name: e2e
inputs:
  clerk-secret-key:
    required: true
runs:
  using: composite
  steps:
    - run: npx playwright test
      shell: bash
      env:
        CLERK_SECRET_KEY: ${{ inputs.clerk-secret-key }} # expect: CLK710
"""),
    "workflow-call": (".github/workflows/reusable.yml", """on:
  workflow_call:
    secrets:
      CLERK_SECRET_KEY: # expect: CLK710
        required: true
jobs:
  e2e:
    uses: ./.github/workflows/e2e.yml
    secrets:
      CLERK_SECRET_KEY: ${{ secrets.CLERK_SECRET_KEY }} # expect: CLK716
      OTHER: ${{ secrets.OTHER }}
"""),
}
# Dockerfile lines cannot hold trailing comments: its expectations are listed here.
DOCKERFILE_EXPECT = {2: "CLK711", 3: "CLK713", 4: "CLK712", 5: "CLK713"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_place_reports_exactly_its_clerk_variables(tmp_path, case):
    name, text = CASES[case]
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    expected = expected_in_text(name, text)
    if name == "Dockerfile":
        expected.update({(name, line, code): 1 for line, code in DOCKERFILE_EXPECT.items()})
    got = actual(result.findings)
    assert got == expected, diff_report(expected, got, result.findings)


def test_findings_say_where_the_value_lives(tmp_path):
    name, text = CASES["gitlab"]
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    store = next(f for f in result.findings if f.code == "CLK716" and f.symbol == "CLERK_SECRET_KEY")
    assert store.detail("store") == "GitLab CI/CD variable"
    assert store.detail("stored_as") == "CLERK_SECRET_KEY_PRODUCTION"
    assert "BETTER_AUTH_SECRET" in store.message
    plain = next(f for f in result.findings if f.code == "CLK713")
    assert plain.detail("place") == "GitLab CI config"


def test_a_file_without_clerk_or_secrets_is_not_analyzed(tmp_path, monkeypatch):
    from clerk_lint.readers import deploy_env as deploy_env_analyzer

    (tmp_path / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres\n", encoding="utf-8")
    monkeypatch.setattr(deploy_env_analyzer, "_lines", lambda *a: pytest.fail("parsed a file with no marker"))
    assert run_scan([tmp_path], CATALOG).findings == []


def test_a_stripe_key_in_compose_is_not_clerk(tmp_path):
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  web:\n    environment:\n      STRIPE_SECRET_KEY: sk_live_51H8cL2CzKl0m9NnOoPpQqRrSsTtUuVvWwXx\n",
        encoding="utf-8")
    assert run_scan([tmp_path], CATALOG).findings == []


@pytest.mark.parametrize("path", [".github/workflows/ci.yml", "apps/web/.github/workflows/release.yaml",
                                  ".github/actions/setup/action.yml", ".gitlab-ci.yml", "docker-compose.yml",
                                  "compose.prod.yaml", "Dockerfile", "docker/api.Dockerfile", "Dockerfile.prod",
                                  "render.yaml", "fly.toml"])
def test_pre_commit_hook_selects_the_new_places(path):
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert re.search(hook["files"], path)


def test_vercel_json_and_netlify_toml_env_maps(tmp_path):
    (tmp_path / "vercel.json").write_text(
        '{\n  "env": {\n    "CLERK_SECRET_KEY": "@clerk-secret-key",\n    "SUPPORT_CLERK_EMAIL": "a@b.c"\n  },\n'
        '  "build": { "env": { "NEXT_PUBLIC_CLERK_SIGN_IN_URL": "/sign-in" } }\n}\n', encoding="utf-8")
    (tmp_path / "netlify.toml").write_text(
        '[build]\n  command = "npm run build"\n[build.environment]\n  NODE_VERSION = "20"\n'
        '  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY = "pk_test_Y2xlYW4tbW9sZS0xMi5jbGVyay5hY2NvdW50cy5kZXYk"\n'
        '[context.production.environment]\n  CLERK_WEBHOOK_SIGNING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"\n',
        encoding="utf-8")
    got = sorted((f.location.path, f.location.line, f.code) for f in run_scan([tmp_path], CATALOG).findings)
    assert got == [("netlify.toml", 5, "CLK711"), ("netlify.toml", 7, "CLK712"), ("netlify.toml", 7, "CLK715"),
                   ("vercel.json", 3, "CLK710"), ("vercel.json", 6, "CLK713")]


def test_vercel_json_that_does_not_parse_is_one_parse_problem_not_an_internal_error(tmp_path):
    # Two readers read vercel.json: the config one reports the parse problem and keeps the Clerk
    # hosts it finds in strings; the env-map one steps aside instead of failing a second time.
    (tmp_path / "vercel.json").write_text(
        '{\n  "env": {\n    "CLERK_SECRET_KEY": "@clerk-secret-key",\n  }\n  "oops"\n'
        '  "rewrites": [{ "source": "/auth", "destination": "https://accounts.clerk.dev" }]\n}\n',
        encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    assert [(p.path, p.kind) for p in result.problems] == [("vercel.json", "parse-partial")]
    assert "internal error" not in result.problems[0].reason
    assert {f.location.line for f in result.findings} == {6}


def test_shared_yaml_reader_gives_keys_items_nesting_and_positions():
    from clerk_lint.readers.formats.yaml_lines import yaml_lines

    text = ("services:\n"
            "  web:\n"
            "    environment:\n"
            "      - CLERK_SECRET_KEY  # from the host\n"
            "    command: |\n"
            "      CLERK_X=1 node server.js\n"
            "  \"worker\": {}\n")
    lines = list(yaml_lines(text))
    assert [(y.key, y.parent) for y in lines if y.key] == [
        ("services", ""), ("web", "services"), ("environment", "web"), ("command", "web"), ("worker", "services")]
    item = lines[3]
    assert item.parent == "environment" and item.code == "      - CLERK_SECRET_KEY"
    assert text[item.start + item.item_start:].startswith("CLERK_SECRET_KEY  #")
    assert lines[5].in_block and lines[5].key is None  # a block scalar's text is not parsed
    worker = lines[6]
    assert text[worker.start + worker.key_start:worker.start + worker.key_end] == "worker"
    assert worker.value == "{}" and text[worker.start + worker.value_start:].startswith("{}")
