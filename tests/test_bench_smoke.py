"""The benchmark scripts work: a tiny tree, one run. semgrep and ast-grep are not test
dependencies; when they are missing the runner skips them and says so."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_generator_is_deterministic(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        import generate
    finally:
        sys.path.remove(str(BENCH))
    a = generate.generate(tmp_path / "a", 60, seed=3)
    b = generate.generate(tmp_path / "b", 60, seed=3)
    assert a == b and a["source_files"] == 60
    assert a["clerk_direct"] > 0

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and ".git" not in p.relative_to(root).parts}

    files_a = tree(tmp_path / "a")
    assert files_a == tree(tmp_path / "b")
    assert any(name.startswith("node_modules/") for name in files_a)  # noise the scanners must skip
    assert "node_modules/\ngenerated/" in files_a[".gitignore"].decode()
    assert any(b'from "@/lib/auth"' in data or b'from "../../lib/auth"' in data for data in files_a.values())


def test_runner_smoke(tmp_path):
    results = tmp_path / "RESULTS.md"
    raw = tmp_path / "raw.json"
    out = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "50", "--runs", "1", "--no-warmup",
         "--tree-dir", str(tmp_path / "trees"), "--write-results", "--results-file", str(results),
         "--json", str(raw), "--quiet"],
        capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    text = results.read_text()
    assert "<!-- bench:results:begin -->" in text and "<!-- bench:results:end -->" in text
    assert "| 50 | clerk-lint |" in text
    assert "Ten explicit files" in text
    data = json.loads(raw.read_text())
    ours = data["sizes"]["50"]["clerk-lint"]
    assert ours["findings"] and ours["findings"] > 0
    assert ours["samples"][0]["wall"] > 0 and ours["samples"][0]["cpu"] > 0
    for peer in ("ast-grep", "semgrep"):
        if shutil.which(peer) is None and not (Path(sys.executable).parent / peer).exists():
            assert f"{peer}: not installed" in text
    peers = {t: s["findings"] for t, s in data["sizes"]["50"].items() if t != "clerk-lint"}
    if len(peers) == 2:  # both installed: the two rule sets do the same work
        assert peers["ast-grep"] == peers["semgrep"]

    # A second run keeps the hand-written part of the results file.
    results.write_text(text + "\n## Commentary\n\nkept\n")
    again = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "50", "--runs", "1", "--no-warmup", "--tools",
         "clerk-lint", "--no-precommit", "--tree-dir", str(tmp_path / "trees"), "--write-results",
         "--results-file", str(results), "--quiet"],
        capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "kept" in results.read_text() and results.read_text().count("bench:results:begin") == 1
