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


def cli_command() -> list[str]:
    """The console script of the environment running the tests (CI's own venv too)."""
    import shutil
    import sys

    script = Path(sys.executable).with_name("clerk-lint")
    if script.is_file():
        return [str(script)]
    found = shutil.which("clerk-lint")
    return [found] if found else [sys.executable, "-m", "clerk_lint"]


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def fresh_scan(cwd: Path, args: list[str], modules: tuple[str, ...]) -> tuple[dict, list[str]]:
    """`clerk-lint scan ARGS --format json` in a new interpreter (lazy imports only show in a
    clean process): (the JSON report, which of `modules` the run loaded)."""
    import ast
    import json
    import subprocess
    import sys
    import tempfile

    code = ("import sys\nfrom clerk_lint.cli import main\n"
            "try:\n    main(['scan', *sys.argv[2:], '--exit-zero', '--format', 'json', '-o', sys.argv[1]])\n"
            "except SystemExit:\n    pass\n"
            f"print(sorted(m for m in {tuple(modules)!r} if m in sys.modules))\n")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        out = subprocess.run([sys.executable, "-c", code, str(report), *args], cwd=cwd, capture_output=True,
                             text=True, check=True)
        document = json.loads(report.read_text(encoding="utf-8"))
    return document, ast.literal_eval(out.stdout.strip().splitlines()[-1])
