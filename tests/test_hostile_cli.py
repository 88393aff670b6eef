"""Hostile CLI cases from issue 14 (item 8): each runs the real CLI in a subprocess with a time limit."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TIMEOUT = 60


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clerk_lint", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=TIMEOUT)


def test_usage_error_is_one_line(tmp_path):
    for args in (["scan", "--bogus", "."], ["scan", "--format", "nope", "."], ["no-such-command"]):
        proc = _run(*args, cwd=tmp_path)
        assert proc.returncode == 2, args
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, (args, proc.stderr)
        assert "error" in lines[0].lower()


def test_text_report_escapes_newline_in_file_name(tmp_path):
    (tmp_path / "package.json").write_text('{"dependencies": {"@clerk/nextjs": "^5.0.0"}}')
    odd = tmp_path / "evil\nname.ts"
    odd.write_text('import { auth } from "@clerk/nextjs/server";\nexport const a = auth();\n')
    proc = _run("scan", "--no-config", "--exit-zero", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "evil\\nname.ts" in proc.stdout
    # no report line starts with the tail of the split name
    assert not any(line.startswith("name.ts") for line in proc.stdout.splitlines()), proc.stdout
