"""Same input, same bytes: every output format is reproducible.

A tree made of fixture apps plus a few troublesome files (binary, undecodable,
syntax errors, too large, a symbolic link) is scanned several ways: twice in
process, through the console script under different hash seeds, by absolute and by
relative path, and with its files created in a different order. Every format must
come out byte-identical each time, and hold neither a timestamp nor the absolute
path of the scanned folder.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.cli import printable
from clerk_lint.report import FORMATS, render
from clerk_lint.scan.driver import run_scan
from clerk_lint.scan.per_file import ScanOptions
from cli_helpers import cli_command

CATALOG = load_catalog()
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS = [app for app in ("nextjs-app-router", "react-spa", "saas-config", "django-app") if (FIXTURES / app).is_dir()]
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")



def build(root: Path, reverse: bool = False) -> Path:
    """The fixture apps and some trouble, written in sorted or reversed order."""
    files: list[tuple[str, bytes]] = []
    for app in APPS:
        for path in sorted((FIXTURES / app).rglob("*")):
            if path.is_file():
                files.append((f"{app}/{path.relative_to(FIXTURES / app).as_posix()}", path.read_bytes()))
    clerk = b'import { useUser } from "@clerk/nextjs";\nexport const P = () => useUser();\n'
    files += [
        ("trouble/blob.ts", b"\x00\x01\x02" + clerk),
        ("trouble/latin1.ts", b"// caf\xe9\n" + clerk),
        ("trouble/broken.tsx", b"const = ;\n" + clerk),
        ("trouble/big.js", clerk + b"//" + b"x" * 150_000 + b"\n"),
        ("trouble/été page.tsx", clerk),
    ]
    for rel, data in (reversed(files) if reverse else files):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    os.symlink("latin1.ts", root / "trouble" / "alias.ts")
    return root


OPTIONS = ScanOptions(max_bytes=100_000)


def render_all(paths: list[Path]) -> dict[str, str]:
    result = run_scan(paths, CATALOG, OPTIONS)
    return {fmt: printable(render(fmt, result, CATALOG)) for fmt in FORMATS}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("determinism") / "tree")


@pytest.fixture(scope="module")
def reports(tree) -> dict[str, str]:
    return render_all([tree])


def test_the_tree_exercises_findings_and_problems(reports):
    doc = json.loads(reports["json"])
    assert len(doc["findings"]) > 20
    kinds = {e["kind"] for e in doc["errors"]}
    assert {"binary", "too-large", "skipped"} <= kinds
    assert {e["path"] for e in doc["errors"]} >= {"trouble/blob.ts", "trouble/big.js", "trouble/alias.ts"}


def test_in_process_runs_are_byte_identical(tree, reports):
    assert render_all([tree]) == reports


def test_no_absolute_path_and_no_timestamp(tree, reports):
    machine = {str(tree), str(tree.resolve()), str(tree.parent), tree.as_posix(), str(Path.home())}
    for fmt, text in reports.items():
        for needle in machine:
            if len(needle) > 1:
                assert needle not in text, (fmt, needle)
        assert not TIMESTAMP.search(text), fmt
    sarif = json.loads(reports["sarif"])
    invocation = sarif["runs"][0]["invocations"][0]
    assert not {"startTimeUtc", "endTimeUtc", "commandLine", "workingDirectory", "machine", "account"} & set(invocation)
    assert "uri" not in sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]


def test_absolute_and_relative_paths_give_the_same_report(tree, reports, monkeypatch):
    monkeypatch.chdir(tree.parent)
    assert render_all([Path(tree.name)]) == reports
    monkeypatch.chdir(tree)
    assert render_all([Path(".")]) == reports


def test_file_creation_order_does_not_matter(tmp_path, reports):
    assert render_all([build(tmp_path / "tree", reverse=True)]) == reports


def console_report(tree: Path, fmt: str, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([*cli_command(), "scan", str(tree), "--format", fmt, "--max-file-size", "100000"],
                          capture_output=True, env=env, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr
    assert str(tree).encode() not in proc.stdout and str(tree).encode() not in proc.stderr
    return proc.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_console_script_matches_in_process_under_another_hash_seed(fmt, tree, reports):
    """Set and dict order must not leak into the output: each run has its own PYTHONHASHSEED."""
    seed = str(1 + FORMATS.index(fmt) * 7919)
    assert console_report(tree, fmt, seed) == reports[fmt].encode("utf-8")


def test_console_script_is_reproducible_across_hash_seeds(tree):
    assert console_report(tree, "sarif", "0") == console_report(tree, "sarif", "4242")
