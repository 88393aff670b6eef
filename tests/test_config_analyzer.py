"""Clerk in configuration: hosts (CSP, image allow-lists, API URLs), Convex's issuer, Expo's
config plugin, Supabase's third-party auth."""
from __future__ import annotations

import pytest

from clerk_lint.concepts.clerk_hosts import clerk_hosts
from clerk_lint.discover.walk import language_for
from scan_helpers import scan_snippet


def found(result):
    return [(f.location.line, f.code) for f in result.findings]


@pytest.mark.parametrize("text,hosts", [
    ("script-src 'self' https://*.clerk.accounts.dev https://challenges.cloudflare.com", ["*.clerk.accounts.dev"]),
    ("img.clerk.com", ["img.clerk.com"]),
    ("https://api.clerk.com/v1/users?limit=10", ["api.clerk.com"]),
    ("connect-src https://clerk.example.co.uk wss://x.convex.cloud", ["clerk.example.co.uk"]),
    ("https://accounts.ledgerly.app https://happy-cat-1.accounts.dev/sign-in", ["happy-cat-1.accounts.dev"]),
    ("https://clerk-telemetry.com", ["clerk-telemetry.com"]),
    ("webcredentials:clerk.tallyhq.com", ["clerk.tallyhq.com"]),
])
def test_clerk_hosts(text, hosts):
    assert [h.host for h in clerk_hosts(text)] == hosts


@pytest.mark.parametrize("text", [
    "clerk.browser.js", "@clerk/nextjs", "https://cdn.jsdelivr.net/npm/@clerk/clerk-js@5/dist/clerk.browser.js",
    "see the clerk docs", "https://example.com/clerk.com-migration", "notclerk.com",
])
def test_not_clerk_hosts(text):
    assert clerk_hosts(text) == []


def test_config_names():
    assert language_for("app.json") == language_for("vercel.json") == "json-config"
    assert language_for("config.toml") == language_for("netlify.toml") == "toml-config"


def test_vercel_json_csp(tmp_path):
    text = """{
  "headers": [
    {
      "source": "/(.*)",
      "headers": [
        { "key": "Content-Security-Policy", "value": "default-src 'self'; script-src 'self' https://clerk.acme.dev https://*.clerk.accounts.dev" },
        { "key": "X-Frame-Options", "value": "DENY" }
      ]
    }
  ]
}
"""
    result = scan_snippet(tmp_path, "vercel.json", text)
    assert found(result) == [(6, "CLK730")]
    assert result.findings[0].detail("hosts") == "clerk.acme.dev, *.clerk.accounts.dev"
    assert "Frontend API" in result.findings[0].message


def test_expo_app_json_plugin_forms(tmp_path):
    text = """{
  "expo": {
    "plugins": [
      "expo-router",
      "@clerk/clerk-expo",
      ["@clerk/expo", { "appleSignIn": true }]
    ]
  }
}
"""
    result = scan_snippet(tmp_path, "mobile/app.json", text)
    assert found(result) == [(5, "CLK732"), (6, "CLK732")]
    assert result.findings[1].detail("options") == "appleSignIn"


def test_expo_app_config_ts(tmp_path):
    text = """import type { ExpoConfig } from "expo/config";
const config: ExpoConfig = {
  name: "crew",
  slug: "crew",
  plugins: ["expo-router", ["@clerk/expo", { appleSignIn: true }], "expo-secure-store"],
};
export default config;
"""
    result = scan_snippet(tmp_path, "app.config.ts", text)
    assert found(result) == [(5, "CLK732")]


def test_convex_issuer_literal_is_one_finding(tmp_path):
    text = """export default {
  providers: [
    { domain: "https://clean-mole-12.clerk.accounts.dev", applicationID: "convex" },
  ],
};
"""
    result = scan_snippet(tmp_path, "convex/auth.config.ts", text)
    assert found(result) == [(3, "CLK731")]
    assert result.findings[0].detail("issuer") == "clean-mole-12.clerk.accounts.dev"
    assert result.findings[0].detail("application_id") == "convex"


def test_convex_with_other_issuer_is_quiet(tmp_path):
    text = 'export default { providers: [{ domain: "https://auth.example.com", applicationID: "convex" }] };\n'
    assert scan_snippet(tmp_path, "convex/auth.config.ts", text).findings == []


def test_supabase_config_toml(tmp_path):
    text = """project_id = "app"

[auth]
enabled = true

[auth.third_party.clerk]
enabled = true
domain = "example.clerk.accounts.dev"

[auth.external.github]
enabled = false
redirect_uri = "https://clerk.example.com/callback"
"""
    result = scan_snippet(tmp_path, "supabase/config.toml", text)
    assert found(result) == [(6, "CLK733"), (12, "CLK730")]
    assert result.findings[0].detail("domain") == "example.clerk.accounts.dev"


def test_netlify_toml_headers(tmp_path):
    text = """[[headers]]
  for = "/*"
  [headers.values]
    Content-Security-Policy = "img-src 'self' https://img.clerk.com"
"""
    result = scan_snippet(tmp_path, "netlify.toml", text)
    assert found(result) == [(4, "CLK730")]
    assert "avatars" in result.findings[0].message


def test_unparsable_json_config_falls_back_to_strings(tmp_path):
    result = scan_snippet(tmp_path, "app.json", '{ "expo": { "extra": { "api": "https://api.clerk.com" }, }, oops }')
    assert found(result) == [(1, "CLK730")]
    assert [p.kind for p in result.problems] == ["parse-partial"]


def test_json_config_without_clerk_is_quiet(tmp_path):
    assert scan_snippet(tmp_path, "app.json", '{"expo": {"plugins": ["expo-router"]}}').findings == []
