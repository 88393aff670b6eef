"""Env files (.env*) and env reads in JS/TS code."""
from __future__ import annotations

import pytest

from clerk_lint.discover.walk import language_for
from clerk_lint.concepts.env_vars import classify, is_clerk_env_name, publishable_key_host
from clerk_lint.readers.dotenv import parse_dotenv
from scan_helpers import CATALOG, scan_snippet

PK = "pk_test_Y2xlYW4tbW9sZS0xMi5jbGVyay5hY2NvdW50cy5kZXYk"  # clean-mole-12.clerk.accounts.dev$
SK = "sk_test_4fJ2kQ9vR7xW1mT8bN3cY6hL0pA5sD2gE9uI7oK1"


def found(result):
    return [(f.location.line, f.code, f.symbol) for f in result.findings]


@pytest.mark.parametrize("name", [".env", ".env.local", ".env.example", ".env.production.local", "prod.env",
                                  ".envrc"])
def test_env_file_names(name):
    assert language_for(name) == "dotenv"


def test_env_like_names_that_are_code_stay_code():
    assert language_for(".env.d.ts") == "typescript"
    assert language_for("env.ts") == "typescript"
    assert language_for("environment.txt") is None


def test_parse_dotenv_forms():
    text = "\n".join([
        "# comment",
        "A=plain # trailing comment",
        "export B='single # not a comment'",
        'C="double \\" quote"',
        'D="line one',
        "line two",
        'end"',
        "E=",
        "not an assignment",
        "F = spaced",
    ])
    got = {a.name: (a.value, a.line) for a in parse_dotenv(text)}
    assert got == {
        "A": ("plain", 2), "B": ("single # not a comment", 3), "C": ('double \\" quote', 4),
        "D": ("line one\nline two\nend", 5), "E": ("", 8), "F": ("spaced", 10),
    }


def test_classification():
    def code(name, value="", has_clerk=True):
        return classify(name, value, CATALOG, file_has_clerk=has_clerk)

    assert code("CLERK_SECRET_KEY") == "CLK710"
    assert code("NUXT_CLERK_SECRET_KEY") == "CLK710"
    assert code("CLERK_API_KEY") == "CLK710"  # @clerk/nextjs 4.x
    assert code("CLERK_PRODUCTION_SECRET_KEY") == "CLK710"
    assert code("VITE_CLERK_PK") == "CLK711"
    assert code("MY_CLERK_KEY", SK) == "CLK710"  # by its value
    assert code("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY") == "CLK711"
    assert code("EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY") == "CLK711"
    assert code("NEXT_PUBLIC_CLERK_FRONTEND_API") == "CLK713"
    assert code("PUBLIC_KEY", PK) == "CLK711"  # a Clerk key under any name
    assert code("CLERK_WEBHOOK_SIGNING_SECRET") == "CLK712"
    assert code("CLERK_WEBHOOK_SECRET") == "CLK712"
    assert code("WEBHOOK_SECRET", "whsec_abc") == "CLK712"
    assert code("WEBHOOK_SECRET", "whsec_abc", has_clerk=False) is None
    assert code("CLERK_JWT_KEY") == "CLK713"
    assert code("VITE_CLERK_SIGN_IN_URL", "/sign-in") == "CLK713"
    assert code("STRIPE_SECRET_KEY", "sk_test_51H8") is None
    assert code("CLERKENWELL_ID", "1") is None


def test_names_and_keys():
    assert is_clerk_env_name("CLERK_JWT_ISSUER_DOMAIN") and is_clerk_env_name("VITE_CLERK_PUBLISHABLE_KEY")
    assert not is_clerk_env_name("CLERKENWELL") and not is_clerk_env_name("BOOKCLERK_ID")
    assert publishable_key_host(PK) == "clean-mole-12.clerk.accounts.dev"
    assert publishable_key_host("pk_test_51H8cL2CzKl0m9NnOoPpQqRrSsTt") == ""


def test_env_file_findings_point_at_names(tmp_path):
    text = f"""# Clerk
NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY={PK}
  export CLERK_SECRET_KEY="{SK}"
CLERK_WEBHOOK_SIGNING_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
NEXT_PUBLIC_CLERK_SIGN_IN_FALLBACK_REDIRECT_URL=/dashboard
DATABASE_URL=postgres://x:y@localhost/app
"""
    result = scan_snippet(tmp_path, ".env.local", text)
    assert found(result) == [
        (2, "CLK711", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"),
        (3, "CLK710", "CLERK_SECRET_KEY"),
        (4, "CLK712", "CLERK_WEBHOOK_SIGNING_SECRET"),
        (5, "CLK713", "NEXT_PUBLIC_CLERK_SIGN_IN_FALLBACK_REDIRECT_URL"),
    ]
    pk, sk, wh, redirect = result.findings
    assert pk.detail("frontend_api") == "clean-mole-12.clerk.accounts.dev"
    assert pk.detail("exposed_prefix") == "NEXT_PUBLIC_"
    assert "development instance" in sk.message
    assert (sk.location.column, sk.location.end_column) == (10, 10 + len("CLERK_SECRET_KEY"))
    assert SK not in sk.location.source_line and SK[8:] not in sk.message
    assert "callbackURL" in redirect.message and "/dashboard" in redirect.message


def test_live_key_says_production(tmp_path):
    result = scan_snippet(tmp_path, ".env.production", "CLERK_SECRET_KEY=sk_live_" + "a1B2" * 10 + "\n")
    assert "production instance" in result.findings[0].message


def test_env_file_without_clerk_is_quiet(tmp_path):
    result = scan_snippet(tmp_path, ".env", "DATABASE_URL=postgres://localhost/app\nRESEND_WEBHOOK_SECRET=whsec_abc\n")
    assert result.findings == []


def test_multiline_pem_value(tmp_path):
    text = 'CLERK_JWT_KEY="-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\n-----END PUBLIC KEY-----"\nCLERK_SECRET_KEY=\n'
    result = scan_snippet(tmp_path, ".env", text)
    assert found(result) == [(1, "CLK713", "CLERK_JWT_KEY"), (4, "CLK710", "CLERK_SECRET_KEY")]
    assert "MIIB" not in result.findings[0].message + result.findings[0].location.source_line
    assert "(empty" in result.findings[1].message


# --------------------------------------------------------------------------- reads in code


def test_env_reads_in_every_form(tmp_path):
    text = """import { CLERK_SECRET_KEY } from "$env/static/private";
const a = process.env.CLERK_SECRET_KEY;
const b = import.meta.env.VITE_CLERK_PUBLISHABLE_KEY;
const c = process.env["NEXT_PUBLIC_CLERK_SIGN_IN_URL"];
const { CLERK_WEBHOOK_SECRET, DATABASE_URL } = process.env;
const d = Deno.env.get("CLERK_JWT_KEY");
const e = c.env.CLERK_PUBLISHABLE_KEY;
const f = process.env.DATABASE_URL;
const g = process.env.CLERKENWELL;
"""
    result = scan_snippet(tmp_path, "env.ts", text)
    assert [(line, code) for line, code, _ in found(result)] == [
        (1, "CLK714"), (2, "CLK714"), (3, "CLK714"), (4, "CLK714"), (5, "CLK714"), (6, "CLK714"), (7, "CLK714")]
    by_line = {f.location.line: f for f in result.findings}
    assert by_line[2].detail("kind") == "CLK710" and "BETTER_AUTH_SECRET" in by_line[2].message
    assert by_line[3].detail("kind") == "CLK711" and "baseURL" in by_line[3].message
    assert by_line[2].location.source_line[by_line[2].location.column - 1:by_line[2].location.end_column - 1] \
        == "process.env.CLERK_SECRET_KEY"
    assert by_line[4].location.column == len("const c = ") + 1  # the whole process.env[...] expression


def test_reads_inside_clerk_calls_go_with_them(tmp_path):
    text = """import { ClerkProvider } from "@clerk/clerk-react";
import { createClerkClient } from "@clerk/backend";

if (!import.meta.env.VITE_CLERK_PUBLISHABLE_KEY) throw new Error("missing key");

export const client = createClerkClient({
  secretKey: process.env.CLERK_SECRET_KEY,
});

export function App() {
  return <ClerkProvider publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY}>hi</ClerkProvider>;
}

export function Shell({ children }) {
  return (
    <ClerkProvider
      publishableKey={process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY}
    >
      {children}
    </ClerkProvider>
  );
}
"""
    result = scan_snippet(tmp_path, "main.tsx", text)
    reads = [f.location.line for f in result.findings if f.code == "CLK714"]
    # The startup check outlives the Clerk code; a read on the line of a Clerk call or element is
    # part of that finding; one on a line of its own inside it (7, 17) is a line edited too.
    assert reads == [4, 7, 17]


def test_files_without_clerk_are_not_read(tmp_path):
    result = scan_snippet(tmp_path, "env.ts", "export const url = process.env.DATABASE_URL;\n")
    assert result.findings == []


def test_secret_literal(tmp_path):
    key = "sk_live_" + "Zx9" * 14
    text = f"""import {{ Webhook }} from "svix";
const wh = new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
const clerkKey = "{key}";
const stripeKey = "sk_live_51H8cL2CzKl0m9NnOoPpQqRrSsTtUuVvWwXxYyZz";
const short = "sk_test_abc";
"""
    result = scan_snippet(tmp_path, "keys.ts", text)
    literals = [(f.location.line, f.detail("kind")) for f in result.findings if f.code == "CLK715"]
    assert literals == [(2, "webhook signing secret"), (3, "secret key")]
    assert all(key not in f.message + f.location.source_line for f in result.findings)


def test_clerk_after_another_word_must_name_a_clerk_setting():
    from clerk_lint.concepts.env_vars import is_clerk_env_name

    assert not is_clerk_env_name("SUPPORT_CLERK_EMAIL")  # a clerk (a person), not Clerk
    assert not is_clerk_env_name("BILLING_CLERK_NAME")
    assert is_clerk_env_name("MY_APP_CLERK_KEY")
    assert is_clerk_env_name("E2E_CLERK_USER_PASSWORD")  # Clerk's testing docs
    assert is_clerk_env_name("NEXT_PUBLIC_CLERK_AFTER_SIGN_OUT_URL")  # a framework prefix: always
    assert is_clerk_env_name("CLERK_TELEMETRY_DISABLED")
