"""Each fixture app, scanned as a whole, yields exactly the findings marked inline."""
from __future__ import annotations

from pathlib import Path

import pytest

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.scan.driver import run_scan

from expectations import actual, diff_report, expected_in_tree

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCE_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".py", ".vue", ".astro",
                   ".prisma", ".sql", ".toml", ".txt", ".yaml", ".yml", ".html", ".svelte")
APPS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("app", APPS)
def test_fixture_matches_inline_expectations(app):
    root = FIXTURES / app
    result = run_scan([root], load_catalog())
    expected = expected_in_tree(root, SOURCE_SUFFIXES)
    got = actual(result.findings)
    assert expected, f"{app} marks no expected findings"
    assert got == expected, diff_report(expected, got, result.findings)
