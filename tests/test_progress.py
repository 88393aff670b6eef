"""The progress line: on a terminal only (tested through a real pseudo-terminal), for every
phase of scan / plan / draft that runs past the delay, never in piped output, off with --quiet
or TERM=dumb, uncoloured under NO_COLOR."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clerk_lint import progress

pty = pytest.importorskip("pty")  # POSIX only

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "nextjs-app-router"


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", progress.DELAY_ENV)}
    env.update(TERM="xterm", **extra)
    return env


def _run(args: list[str], env: dict, tty: bool, cwd: Path) -> tuple[int, bytes, bytes]:
    """`clerk-lint ARGS`; stderr on a pseudo-terminal when `tty`, else a pipe. (rc, stdout, stderr)."""
    command = [sys.executable, "-m", "clerk_lint", *args]
    if not tty:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    try:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=follower)
    finally:
        os.close(follower)
    out = []
    reader = threading.Thread(target=lambda: out.append(child.stdout.read()))  # stdout may outgrow a pipe
    reader.start()
    err = b""
    while True:  # drain the terminal while the child runs, or a full buffer would block it
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        err += chunk
    reader.join(timeout=120)
    child.wait(timeout=120)
    os.close(leader)
    return child.returncode, out[0], err


PHASES = {
    "scan": [b"finding files", b"scanning files", b"cross-file pass", b"cross-file round 2", b"writing the report"],
    "plan": [b"finding files", b"scanning files", b"cross-file pass", b"building the plan", b"writing the plan"],
}


@pytest.mark.parametrize("command", ["scan", "plan"])
def test_every_phase_shows_on_a_terminal_and_none_in_a_pipe(command, tmp_path):
    args = [command, str(FIXTURE), "--format", "json"]
    env = _env(**{progress.DELAY_ENV: "0"})  # every phase counts as long, so each must draw its line
    rc, out, err = _run(args, env, tty=True, cwd=tmp_path)
    for label in PHASES[command]:
        assert b"clerk-lint: " + label in err, (label, err)
    assert b"scanning files 0/" in err  # the per-file phase counts its files
    assert err.endswith(b" \r")  # the last line was erased
    assert b"\x1b[2m" in err  # dim, as colour is allowed here

    piped_rc, piped_out, piped_err = _run(args, env, tty=False, cwd=tmp_path)
    assert (piped_rc, piped_out) == (rc, out)  # the report itself is the same either way
    assert b"clerk-lint: " not in piped_err and b"\r" not in piped_err


def test_quiet_term_dumb_and_no_color(tmp_path):
    args = ["plan", str(FIXTURE), "--format", "json"]
    fast = {progress.DELAY_ENV: "0"}
    assert _run(args + ["--quiet"], _env(**fast), tty=True, cwd=tmp_path)[2] == b""
    assert _run(args, dict(_env(**fast), TERM="dumb"), tty=True, cwd=tmp_path)[2] == b""
    err = _run(args, _env(NO_COLOR="1", **fast), tty=True, cwd=tmp_path)[2]
    assert b"clerk-lint: building the plan" in err and b"\x1b" not in err


def test_a_quick_run_on_a_terminal_prints_nothing(tmp_path):
    """With the default delay a phase that ends within it draws nothing."""
    small = tmp_path / "app"
    small.mkdir()
    (small / "a.ts").write_text('import { auth } from "@clerk/nextjs/server";\nexport const u = auth();\n')
    rc, out, err = _run(["scan", str(small), "--format", "json"], _env(), tty=True, cwd=tmp_path)
    assert rc == 1 and b"CLK" in out
    assert err == b""


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_phase_is_redrawn_with_its_time_without_updates(monkeypatch):
    monkeypatch.setattr(progress, "INTERVAL", 0.02)
    monkeypatch.setenv(progress.DELAY_ENV, "0.1")
    stream = _Tty()
    with progress.showing(True, stream=stream):
        with progress.phase("building the plan"):
            time.sleep(0.4)  # a phase with no counter: the display's own thread draws it
        with progress.phase("writing the plan"):
            pass  # over before the delay: never drawn
    text = stream.getvalue()
    assert "\rclerk-lint: building the plan · 0 s" in text
    assert "writing the plan" not in text
    assert text.endswith(" \r")  # erased, with spaces rather than escape codes


def test_counts_and_nothing_without_a_display():
    with progress.phase("scanning files", 10) as phase:  # no display started: a no-op
        phase.update(3)
    assert progress.wanted(io.StringIO()) is False
    assert progress.wanted(_Tty(), quiet=True) is False
    stream = _Tty()
    with progress.showing(True, stream=stream):
        display = progress._display
        display.delay = 0.0
        with progress.phase("scanning files", 10) as phase:
            phase.update(7)
            display.draw()
    assert "clerk-lint: scanning files 7/10 · 0 s" in stream.getvalue()
