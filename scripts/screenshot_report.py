#!/usr/bin/env python3
"""Write the HTML plan of a fixture app and its screenshot (headless Chromium) for the README.

    python scripts/screenshot_report.py [APP] [OUT_PNG]   # defaults: nextjs-app-router, docs/report-screenshot.png

The plan is priced at 25,000 monthly active users (`--mau`), so the break-even verdict shows.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAU = "25000"
SIZE = "1280,1100"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--force-device-scale-factor=1"]


def main() -> int:
    app = sys.argv[1] if len(sys.argv) > 1 else "nextjs-app-router"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "docs" / "report-screenshot.png").resolve()
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        print("no Chromium found (apt-get install -y chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "plan.html"
        subprocess.run([sys.executable, "-m", "clerk_lint", "plan", str(ROOT / "fixtures" / app), "--mau", MAU,
                        "--format", "html", "-o", str(page)], check=True)
        subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp}/profile", f"--window-size={SIZE}",
                        f"--screenshot={out}", page.as_uri()], check=True, capture_output=True, cwd=tmp)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
