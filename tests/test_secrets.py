"""No report may repeat a secret: the saas-config fixture's .env files and its committed key
are scanned and rendered in every format, and none of their secret values may appear."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.readers.dotenv import parse_dotenv
from clerk_lint.report import FORMATS, render
from clerk_lint.scan.driver import run_scan
from clerk_lint.concepts.secrets import redact_finding, redact_line, redact_text, redact_value

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "saas-config"
CATALOG = load_catalog()
PUBLIC_NAME = re.compile(r"URL|DEPLOYMENT|DOMAIN", re.IGNORECASE)


def _env_secrets() -> list[str]:
    """Every value in the fixture's env files that is not a plain URL / path / deployment name,
    plus the pieces of multi-part values (PEM bodies)."""
    values: list[str] = []
    for path in sorted(FIXTURE.glob(".env*")):
        for a in parse_dotenv(path.read_text(encoding="utf-8")):
            v = a.value.strip()
            if not v or PUBLIC_NAME.search(a.name) and not re.search(r"SECRET|KEY", a.name):
                continue
            values.append(v)
            # The part after a known prefix (sk_test_..., whsec_...) is the secret proper.
            m = re.match(r"^(?:sk|pk)_(?:live|test)_|^whsec_", v)
            if m and len(v) > m.end():
                values.append(v[m.end():])
            values += [piece for piece in re.split(r"\\n|\n|-----[A-Z ]+-----", v) if len(piece) >= 12]
    return sorted(set(values), key=len, reverse=True)


def _code_secrets() -> list[str]:
    text = (FIXTURE / "scripts" / "export-users.ts").read_text(encoding="utf-8")
    return re.findall(r"sk_(?:live|test)_[A-Za-z0-9]+", text)


@pytest.fixture(scope="module")
def result():
    return run_scan([FIXTURE], CATALOG)


def test_fixture_holds_real_looking_secrets():
    secrets = _env_secrets()
    # Guard against a vacuous test: the fixture has keys of realistic length in it.
    assert any(s.startswith("sk_test_") and len(s) >= 40 for s in secrets)
    assert any(s.startswith("whsec_") and len(s) >= 30 for s in secrets)
    assert any("MIIBIjAN" in s for s in secrets)
    assert _code_secrets()


def test_env_findings_exist(result):
    env_codes = {f.code for f in result.findings if f.location.path.startswith(".env")}
    assert {"CLK710", "CLK711", "CLK712", "CLK713"} <= env_codes
    assert any(f.code == "CLK715" for f in result.findings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_in_any_format(result, fmt):
    output = render(fmt, result, CATALOG)
    assert "CLERK_SECRET_KEY" in output  # the variable is named ...
    for secret in _env_secrets() + _code_secrets():
        assert secret not in output, f"{fmt} output repeats a secret value ({secret[:8]}...)"
    if fmt == "json":  # the escaped form of every value too
        for secret in _env_secrets():
            assert json.dumps(secret)[1:-1] not in output


def test_secret_findings_show_only_the_prefix(result):
    by_name = {f.symbol: f for f in result.findings if f.location.path == ".env.local"}
    secret = by_name["CLERK_SECRET_KEY"]
    assert "sk_test_…(redacted)" in secret.message
    assert secret.detail("value") == "sk_test_…(redacted)"
    # The span covers the variable name only, and the line keeps its columns but not its value.
    loc = secret.location
    assert (loc.line, loc.column, loc.end_line, loc.end_column) == (3, 1, 3, 1 + len("CLERK_SECRET_KEY"))
    raw = (FIXTURE / ".env.local").read_text(encoding="utf-8").splitlines()[2]
    assert len(loc.source_line) == len(raw)
    assert loc.source_line.startswith("CLERK_SECRET_KEY=sk_test_****")
    webhook = by_name["CLERK_WEBHOOK_SIGNING_SECRET"]
    assert "whsec_…(redacted)" in webhook.message
    pem = by_name["CLERK_JWT_KEY"]
    assert "PEM PUBLIC KEY" in pem.message and "MIIB" not in pem.message + pem.location.source_line


def test_plain_settings_are_shown(result):
    sign_in = next(f for f in result.findings
                   if f.location.path == ".env.local" and f.symbol == "NEXT_PUBLIC_CLERK_SIGN_IN_URL")
    assert "/sign-in" in sign_in.message
    assert sign_in.location.source_line == "NEXT_PUBLIC_CLERK_SIGN_IN_URL=/sign-in # expect: CLK713"


def test_secret_literal_in_code_is_masked(result):
    literal = next(f for f in result.findings if f.code == "CLK715")
    assert literal.location.path == "scripts/export-users.ts"
    assert "sk_test_…(redacted)" in literal.message
    assert "sk_test_****" in literal.location.source_line
    for secret in _code_secrets():
        assert secret not in literal.location.source_line


def test_other_rules_findings_on_a_secret_line_are_redacted(tmp_path):
    key = "sk_live_" + "Qm7Tz2Lw9Xc4Vb8Nn1Rr5Ee3Aa6Ss0Dd2Ff4Gg7Hh"
    (tmp_path / "clerk.ts").write_text(
        'import { createClerkClient } from "@clerk/backend";\n'
        f'export const clerk = createClerkClient({{ secretKey: "{key}", apiUrl: "https://api.clerk.com" }});\n',
        encoding="utf-8",
    )
    result = run_scan([tmp_path], CATALOG)
    assert any(f.location.line == 2 and f.code != "CLK715" for f in result.findings)
    for fmt in FORMATS:
        output = render(fmt, result, CATALOG)
        assert key not in output and key[8:] not in output, fmt


# --------------------------------------------------------------------------- helpers


def test_redact_line_keeps_length_and_prefix():
    cases = [
        "CLERK_SECRET_KEY=sk_test_4fJ2kQ9vR7xW1mT8bN3cY6hL0pA5sD2gE9uI7oK1",
        'export CLERK_WEBHOOK_SIGNING_SECRET="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"',
        '  secretKey: "sk_live_9bQ2kV7xR1mT8nW3cY6hL0pA5sD2gE9uI7oK1fJ4",',
        "DB_PASSWORD: hunter2hunter2",
        'CLERK_JWT_KEY="-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqh\\n-----END PUBLIC KEY-----"',
    ]
    for line in cases:
        red = redact_line(line)
        assert len(red) == len(line)
        assert "4fJ2kQ9v" not in red and "MfKQ9r8G" not in red and "9bQ2kV7x" not in red
        assert "hunter2" not in red and "MIIBIjAN" not in red
    assert redact_line(cases[0]).startswith("CLERK_SECRET_KEY=sk_test_*")
    assert redact_line(cases[1]).startswith('export CLERK_WEBHOOK_SIGNING_SECRET="whsec_*')


def test_redact_line_leaves_ordinary_code_alone():
    for line in ['<li key="settings-row">', "const { userId } = await auth();",
                 'NEXT_PUBLIC_CLERK_SIGN_IN_URL=/sign-in', 'template: "supabase"']:
        assert redact_line(line) == line


def test_redact_text_masks_multiline_pem_blocks():
    text = 'K="-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"\nNEXT=1'
    red = redact_text(text)
    assert "MIIEvQIB" not in red and red.endswith("NEXT=1") and red.count("\n") == text.count("\n")


def test_redact_value_shows_at_most_the_prefix():
    assert redact_value("sk_live_abcdef") == "sk_live_…(redacted)"
    assert redact_value("whsec_abcdef") == "whsec_…(redacted)"
    assert redact_value("hunter2") == "…(redacted)"
    assert redact_value("") == ""
    assert "abc" not in redact_value("-----BEGIN RSA PRIVATE KEY-----abc")


def test_redact_finding_cleans_details(result):
    finding = next(f for f in result.findings if f.code == "CLK710")
    import dataclasses

    leaky = dataclasses.replace(finding, details=finding.details + (("secretKey", "sk_live_" + "x" * 40),
                                                                    ("apiKey", "A" * 32)))
    clean = redact_finding(leaky)
    assert clean.detail("secretKey") == "sk_live_…(redacted)"
    assert clean.detail("apiKey") == "…(redacted)"


def test_a_long_line_is_clipped_after_redaction_so_no_secret_piece_escapes(tmp_path):
    """Reports keep a window of a long line; the window is cut from the redacted line."""
    from clerk_lint.concepts.catalog import load_catalog
    from clerk_lint.report import render
    from clerk_lint.scan.driver import run_scan

    key = "sk_live_" + "Zq8" * 20
    filler = "x" * 390
    (tmp_path / "bundle.js").write_text(
        f'import {{ createClerkClient }} from "@clerk/backend"; const a = "{filler}"; '
        f'const c = createClerkClient({{ secretKey: "{key}" }});\n', encoding="utf-8")
    result = run_scan([tmp_path], load_catalog())
    assert result.findings
    assert all(len(f.location.source_line) <= 402 for f in result.findings)
    for fmt in ("text", "json", "sarif", "github"):
        out = render(fmt, result, load_catalog())
        assert key[8:20] not in out and key[20:40] not in out


# --------------------------------------------------------------------------- CI / Docker files

_SK = "sk_live_" + "Vb8Nn1Rr5Ee3Aa6Ss0Dd2Ff4Gg7HhQm7Tz2Lw9Xc4"
_WH = "whsec_" + "Pq4Rs8Tu2Vw6Xy0Za3Bc7De1Fg5Hi9"
_JWT = "Zk3Lm7Np1Qr5St9Uv2Wx6Yz0Ab4Cd8Ef"  # an opaque value under a secret-looking Clerk name
DEPLOY_FILES = {
    ".github/workflows/deploy.yml": f"""on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      CLERK_SECRET_KEY: {_SK}
      CLERK_WEBHOOK_SIGNING_SECRET: "{_WH}"
    steps:
      - run: |
          CLERK_SECRET_KEY={_SK} npm run migrate-users
      - uses: ./.github/actions/e2e
        with:
          clerk-secret: '{_SK}'
""",
    ".gitlab-ci.yml": f"""variables:
  CLERK_SECRET_KEY: "{_SK}"
  CLERK_ENCRYPTION_KEY: {_JWT}
build:
  script:
    - echo "CLERK_WEBHOOK_SECRET={_WH}" >> .env
""",
    "docker-compose.yml": f"""services:
  web:
    environment:
      - CLERK_SECRET_KEY={_SK}
      - "CLERK_WEBHOOK_SECRET={_WH}"
  worker:
    environment:
      CLERK_SECRET_KEY: '{_SK}'
      CLERK_ENCRYPTION_KEY: {_JWT}
""",
    "Dockerfile": f"""FROM node:20
ENV CLERK_SECRET_KEY={_SK} CLERK_WEBHOOK_SECRET="{_WH}"
ENV CLERK_ENCRYPTION_KEY {_JWT}
ARG CLERK_API_KEY={_SK}
RUN CLERK_SECRET_KEY={_SK} node scripts/export-users.js
""",
    "render.yaml": f"""services:
  - type: web
    envVars:
      - key: CLERK_SECRET_KEY
        value: {_SK}
""",
    "fly.toml": f"""app = "ledgerly"
[env]
  CLERK_SECRET_KEY = "{_SK}"
  CLERK_ENCRYPTION_KEY = "{_JWT}"
""",
}


@pytest.fixture(scope="module")
def deploy_result(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy")
    for name, text in DEPLOY_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return run_scan([root], CATALOG)


def test_ci_and_docker_files_report_their_literal_secrets(deploy_result):
    by_file = {name: {f.code for f in deploy_result.findings if f.location.path == name} for name in DEPLOY_FILES}
    for name, codes in by_file.items():
        assert "CLK715" in codes and "CLK710" in codes, (name, codes)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_from_ci_or_docker_files_in_any_format(deploy_result, fmt):
    output = render(fmt, deploy_result, CATALOG)
    assert "CLERK_SECRET_KEY" in output
    for secret in (_SK, _SK[8:], _WH, _WH[6:], _JWT):
        assert secret not in output, f"{fmt} output repeats a secret value ({secret[:8]}...)"
