"""Build and deploy configs declaring Clerk's variables (readers/build_config.py)."""
from __future__ import annotations

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.scan.driver import run_scan

CATALOG = load_catalog()


def _codes(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    return sorted((f.location.line, f.code, f.symbol) for f in result.findings), result


def test_wrangler_jsonc_vars_and_env_vars(tmp_path):
    text = '''{
  // worker
  "name": "api",
  "vars": { "CLERK_SIGN_IN_URL": "/sign-in", "API_VERSION": "v2" },
  "env": { "staging": { "vars": { "CLERK_JWT_KEY": "-----BEGIN PUBLIC KEY-----" } } },
}
'''
    codes, _ = _codes(tmp_path, "wrangler.jsonc", text)
    assert [(line, symbol) for line, _, symbol in codes] == [(4, "CLERK_SIGN_IN_URL"), (5, "CLERK_JWT_KEY")]


def test_wrangler_toml_inline_env_vars(tmp_path):
    text = 'name = "api"\n[env.production]\nvars = { CLERK_SIGN_IN_URL = "/sign-in", API = "v2" }\n'
    codes, _ = _codes(tmp_path, "wrangler.toml", text)
    assert [(line, symbol) for line, _, symbol in codes] == [(3, "CLERK_SIGN_IN_URL")]


def test_lookalikes_stay_silent(tmp_path):
    codes, _ = _codes(tmp_path, "eas.json", '{"build": {"prod": {"env": {"SUPPORT_CLERK_EMAIL": "a@b.c"}}}}')
    assert codes == []
    codes, _ = _codes(tmp_path / "t", "turbo.json", '{"globalEnv": ["!CLERK_DEBUG", "CLERKENWELL_X"]}')
    assert codes == []


def test_broken_config_is_a_problem_not_a_crash(tmp_path):
    codes, result = _codes(tmp_path, "turbo.json", '{"globalEnv": ["CLERK_SECRET_KEY", ')
    assert codes == []
    assert any(p.path == "turbo.json" for p in result.problems)
