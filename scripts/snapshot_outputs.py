"""Write every output of every fixture app into one folder, to compare two versions of the code.

    python scripts/snapshot_outputs.py /tmp/before      # on the old commit
    python scripts/snapshot_outputs.py /tmp/after       # on the new one
    diff -r /tmp/before /tmp/after                      # a refactor must print nothing

Per app: the scan in every format, `rules` / `explain`, the plan (markdown, JSON and HTML, with
and without --mau) and the draft's files. Runs the installed `clerk-lint` from the fixture's
folder so paths in the outputs are the same whatever the checkout's location.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SCAN_FORMATS = ("text", "json", "sarif", "github", "gitlab", "html")


def run(args: list[str], cwd: Path, out: Path, hide: str = "") -> None:
    """Run the CLI, keeping stdout, stderr and the exit status; `hide` (a path) is blanked out."""
    done = subprocess.run([sys.executable, "-m", "clerk_lint", *args], cwd=cwd, capture_output=True)
    text = done.stdout + b"\n--- stderr ---\n" + done.stderr + f"\n--- exit {done.returncode}\n".encode()
    out.write_bytes(text.replace(hide.encode(), b"<snapshot>") if hide else text)


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    dest = Path(sys.argv[1]).resolve()
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    run(["rules"], ROOT, dest / "rules.txt")
    for app in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        out = dest / app.name
        out.mkdir()
        for fmt in SCAN_FORMATS:
            run(["scan", ".", "--no-config", "--format", fmt], app, out / f"scan.{fmt}")
        run(["scan", ".", "--no-config", "--format", "json", "--jobs", "2"], app, out / "scan.jobs2.json")
        for fmt in ("markdown", "json", "html"):
            run(["plan", ".", "--no-config", "--format", fmt], app, out / f"plan.{fmt}")
            run(["plan", ".", "--no-config", "--format", fmt, "--mau", "25000"], app, out / f"plan.mau.{fmt}")
        # The draft goes straight into the snapshot: the paths it prints are the same every run.
        run(["draft", ".", "--no-config", "--out", str(out / "draft")], app, out / "draft.log", hide=str(dest))
    codes = subprocess.run([sys.executable, "-m", "clerk_lint", "rules"], capture_output=True, text=True).stdout
    with (dest / "explain.txt").open("w") as fh:
        for line in codes.splitlines():
            code = line.split()[0] if line.strip() else ""
            if code.startswith("CLK"):
                fh.write(subprocess.run([sys.executable, "-m", "clerk_lint", "explain", code],
                                        capture_output=True, text=True).stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
