"""A plain (non-editable) install ships the queries and rules and runs from any folder."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_scans_from_another_directory(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(REPO)],
                   check=True, cwd=tmp_path)
    (wheel,) = wheels.glob("clerk_lint-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
                   check=True, cwd=tmp_path)
    installed = target / "clerk_lint"
    assert (installed / "queries" / "ecma" / "imports.scm").is_file()
    assert list((installed / "rules").glob("*.toml"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "clerk_lint", "scan", str(REPO / "fixtures" / "react-spa"), "--format", "json"],
                         cwd=elsewhere, env=env, capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    assert doc["summary"]["findings"] > 50
    probe = subprocess.run([sys.executable, "-c", "import clerk_lint.readers.ecma.queries as q; print(q.queries_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()).resolve().is_relative_to(target.resolve())
