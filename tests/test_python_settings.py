"""Clerk's variables where a Python app declares its settings: pydantic-settings fields (env
prefix, aliases), literal values in settings modules, Dynaconf settings files."""
from __future__ import annotations

import textwrap

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.scan.driver import run_scan

from expectations import actual, diff_report, expected_in_tree

CATALOG = load_catalog()


def check(root, files):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    result = run_scan([root], CATALOG)
    expected = expected_in_tree(root, (".py", ".toml"))
    got = actual(result.findings)
    assert got == expected, diff_report(expected, got, result.findings)
    return result


def test_pydantic_settings_prefix_and_alias(tmp_path):
    result = check(tmp_path, {"conf.py": '''\
        from pydantic import AliasChoices, Field
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="BILLING_")

            clerk_secret_key: str  # expect: CLK845
            signing: str = Field(validation_alias=AliasChoices("CLERK_WEBHOOK_SECRET", "SIGNING"))  # expect: CLK845
            clerk: str = "front desk"
            support_clerk_email: str = ""
            database_url: str = ""
        '''})
    names = sorted(f.symbol for f in result.findings)
    assert names == ["BILLING_CLERK_SECRET_KEY", "CLERK_WEBHOOK_SECRET"]


def test_literal_values_in_settings_modules(tmp_path):
    result = check(tmp_path, {"settings.py": '''\
        import os

        CLERK_SECRET_KEY = "sk_live_9bQ2kV7xR1mT8nW3cY6hL0pA5sD2gE9uI7oK1fJ4"  # expect: CLK710, CLK715
        CLERK_PUBLISHABLE_KEY = os.environ["CLERK_PUBLISHABLE_KEY"]  # expect: CLK845
        CLERK_SIGN_IN_URL = "/login"  # expect: CLK713
        SUPPORT_CLERK_EMAIL = "desk@example.com"
        CLERK_NAME = "Bob from accounting"
        STRIPE_SECRET_KEY = "sk_live_51H8cL2CzKl0m9NnOoPpQqRrSsTtUuVvWwXxYyZz"


        def view():
            CLERK_LOCAL = "inside a function: not a setting"
            return CLERK_LOCAL
        '''})
    secret = next(f for f in result.findings if f.code == "CLK710")
    assert "9bQ2kV7x" not in secret.message and "9bQ2kV7x" not in secret.location.source_line


def test_dynaconf_settings_file(tmp_path):
    check(tmp_path, {"settings.toml": '''\
        [default]
        clerk_publishable_key = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k"  # expect: CLK711
        support_clerk_email = "desk@example.com"
        debug = false

        [production]
        CLERK_SECRET_KEY = "@vault path/to/secret"  # expect: CLK710
        ''', "config.toml": '''\
        [default]
        clerk_publishable_key = "not a dynaconf file"
        '''})
