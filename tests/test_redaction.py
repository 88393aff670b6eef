"""Secrets in shapes other than a plain `sk_live_...` literal never reach any output: JWT
literals (`verifyToken("eyJ...")`, `Bearer eyJ...`), legacy Clerk keys (`live_...`), publishable
keys, and keys split across a concatenation (on one line or over two). Every scan format, the
plan in every format and the draft's files are checked; the draft's .env.example lists
variable names only."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.concepts.secrets import redact_line, redact_text
from clerk_lint.report import FORMATS, render
from clerk_lint.scan.driver import run_scan
from cli_helpers import run

CATALOG = load_catalog()

# Realistic shapes, none of them a real credential.
JWT = ("eyJhbGciOiJSUzI1NiIsImtpZCI6Imluc18yYWJjIiwidHlwIjoiSldUIn0"
       ".eyJzdWIiOiJ1c2VyXzJhYmNkZWYiLCJpc3MiOiJodHRwczovL2NsZXJrLmV4YW1wbGUuY29tIn0"
       ".QmFkU2lnbmF0dXJlQmFkU2lnbmF0dXJlQmFkU2lnbmF0dXJlQmFk")
LEGACY = "live_Zq8Xv2Lm9Np4Rt6Wy1Bc3Df5Gh7Jk0Ms"
SPLIT_BODY = "Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc"
NEXT_LINE_BODY = "Mn2Bv4Cx6Zl8Kj0Hg1Fd3Sa5Po7Iu9Yt"
SECOND_HALF = "live_Rt5Yu7Io9Pa1Sd3Fg5Hj7Kl9Zx2Cv"
PK = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20kYWJjZGVmZ2hpams"
PY_KEY = "sk_live_Hy6Gt5Fr4De3Sw2Aq1Zx9Cv8Bn7Mk0Lp"
TS_KEY = "sk_test_Ui8Yt6Re4We2Qa1Sz3Xd5Cf7Vg9Bh0Nj"

SECRETS = [JWT, *JWT.split("."), LEGACY, LEGACY[5:], SPLIT_BODY, NEXT_LINE_BODY, SECOND_HALF, PK[8:], PY_KEY[8:], TS_KEY[8:]]

ROUTE = f'''import {{ verifyToken, createClerkClient }} from "@clerk/backend";

export async function GET(request: Request) {{
  const claims = await verifyToken("{JWT}", {{ secretKey: process.env.CLERK_SECRET_KEY }});
  const res = await fetch("https://api.clerk.com/v1/users", {{ headers: {{ Authorization: "Bearer {JWT}" }} }});
  const clerk = createClerkClient({{ secretKey: "sk_live_" + "{SPLIT_BODY}" }});
  const other = createClerkClient({{ secretKey: "sk_" + "{SECOND_HALF}", publishableKey: "{PK}" }});
  const third = createClerkClient({{ secretKey: "sk_test_" +
    "{NEXT_LINE_BODY}" }});
  return Response.json({{ claims, res, clerk, other, third }});
}}
'''

PYTHON = f'''from clerk_backend_api import Clerk

legacy = Clerk(bearer_auth="{LEGACY}")
current = Clerk(bearer_auth="{PY_KEY}")
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("redaction")
    (root / "package.json").write_text('{"dependencies": {"@clerk/backend": "^1", "@clerk/nextjs": "^6"}}\n')
    (root / "app" / "api" / "users").mkdir(parents=True)
    (root / "app" / "api" / "users" / "route.ts").write_text(ROUTE)
    (root / "lib").mkdir()
    (root / "lib" / "admin.ts").write_text(
        'import { createClerkClient } from "@clerk/backend";\n'
        f'export const admin = createClerkClient({{ secretKey: "{TS_KEY}" }});\n')
    (root / "worker").mkdir()
    (root / "worker" / "sync.py").write_text(PYTHON)
    (root / ".env").write_text("CLERK_SECRET_KEY=\nNEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=\n")
    return root


@pytest.fixture(scope="module")
def result(project):
    return run_scan([project], CATALOG)


def assert_clean(output: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in output, f"{where} repeats a secret ({secret[:10]}...)"
        assert json.dumps(secret)[1:-1] not in output, where


def test_the_tree_is_found(result):
    lines = {(f.location.path, f.location.line) for f in result.findings}
    # every secret line holds a finding, so its source line is in the reports
    assert {("app/api/users/route.ts", n) for n in (4, 5, 6, 7, 8)} <= lines
    assert {("worker/sync.py", 3), ("worker/sync.py", 4)} <= lines


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_in_scan_output(result, fmt):
    assert_clean(render(fmt, result, CATALOG), fmt)


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
def test_no_secret_in_plan(project, tmp_path, fmt):
    out = tmp_path / f"plan.{fmt}"
    outcome = run(project, "plan", ".", "--format", fmt, "-o", str(out), "-q")
    assert outcome.exit_code == 0, outcome.output
    assert_clean(out.read_text(encoding="utf-8") + outcome.output, f"plan {fmt}")


def test_no_secret_in_draft_and_env_example_lists_names(project, tmp_path):
    out = tmp_path / "draft"
    outcome = run(project, "draft", ".", "--out", str(out), "-q")
    assert outcome.exit_code == 0, outcome.output
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert_clean(path.read_text(encoding="utf-8"), f"draft {path.name}")
    env = (out / ".env.example").read_text(encoding="utf-8")
    replaced = next(line for line in env.splitlines() if line.startswith("# Replaces the Clerk variables"))
    names = replaced[len("# Replaces the Clerk variables "):].rstrip(".").split(", ")
    assert names and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) for n in names), replaced
    assert "CLERK_SECRET_KEY" in names


def test_python_committed_secret_is_clk715(result):
    hits = [f for f in result.findings if f.code == "CLK715" and f.location.path == "worker/sync.py"]
    assert [f.location.line for f in hits] == [4]
    assert "sk_live_…(redacted)" in hits[0].message


def test_split_key_in_code_is_clk715(result):
    lines = {f.location.line for f in result.findings
             if f.code == "CLK715" and f.location.path == "app/api/users/route.ts"}
    assert {6, 8} <= lines


@pytest.mark.parametrize("line", [
    f'verifyToken("{JWT}")',
    f"Authorization: Bearer {JWT}",
    f'headers["authorization"] = f"Bearer {{token}}" if token else "Bearer {LEGACY[5:]}"',
    f'Clerk(bearer_auth="{LEGACY}")',
    f'const k = "sk_live_" + "{SPLIT_BODY}";',
    f"key = 'sk_test_' '{SPLIT_BODY}'",
    f'const k = "sk_" + "{SECOND_HALF}";',
    f'const k = `{PK}`;',
])
def test_redact_line_masks_each_shape(line):
    red = redact_line(line)
    assert len(red) == len(line)
    for secret in SECRETS:
        assert secret not in red, red


def test_redact_text_masks_a_key_continued_on_the_next_line():
    text = f'const k = "sk_live_" +\n  "{NEXT_LINE_BODY}";\n'
    assert NEXT_LINE_BODY not in redact_text(text)


@pytest.mark.parametrize("line", [
    "const total = a.b.c + this.items.length;",
    'const live_updates = "enabled";',
    "def test_live_reload_works_without_a_server(): pass",
    'import { verifyToken } from "@clerk/backend";',
    'const s = "eyJ" + "hello";',
    "const t = `Bearer ${token}`;",
])
def test_redact_line_leaves_ordinary_code_alone(line):
    assert redact_line(line) == line


def test_free_text_without_a_shape_word_is_left_as_it_is_by_the_full_test_too():
    """Messages and symbols skip the shape tests when none of their words is there: on every
    fixture line, every test secret, and text made of the words' pieces, the full tests agree."""
    import random

    from clerk_lint.concepts import secrets

    def full(text):
        return secrets._mask_pem(secrets._mask_tokens(text))

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    lines = [line for p in sorted(fixtures.rglob("*")) if p.is_file() and p.stat().st_size < 200_000
             for line in p.read_text("utf-8", "replace").splitlines()]
    lines += [f"use {s} here" for s in SECRETS]
    rng = random.Random(7)
    pieces = ["sk", "pk", "_live_", "_test_", "live", "test", "_", "whsec", "ey", "J", "eyJ", "Bearer ", "BEARER ",
              "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", '"', "+", " ", "k_", "abc",
              "0123456789abcdefABCDEF", ".", "\n"]
    lines += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(5000)]
    masked = 0
    for line in lines:
        assert secrets._redact_free_text(line) == full(line)
        masked += full(line) != line
    assert masked > 100
