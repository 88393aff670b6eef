"""Helpers shared by the CLI tests: run the click app in a folder, write a small project."""
from __future__ import annotations

import inspect
import os
from pathlib import Path

from click.testing import CliRunner

from clerk_lint.cli import main


def run(cwd: Path, *args: str):
    """`clerk-lint ARGS` in `cwd`, with stderr kept apart from stdout."""
    kwargs = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner(**kwargs).invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root
