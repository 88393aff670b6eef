"""Hostile CLI cases from issue 14 (item 8): each runs the real CLI in a subprocess with a time limit."""
from __future__ import annotations

import json
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


# --------------------------------------------------------------------------- item 1: never silently clean

CLERK_PAGE = 'import { auth } from "@clerk/nextjs/server";\nexport default async function P() { await auth(); }\n'


def _git_repo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True, timeout=TIMEOUT)
    return folder


def _put(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_named_root_covered_by_enclosing_ignore_is_scanned(tmp_path):
    outer = _git_repo(tmp_path / "outer")
    _put(outer, ".gitignore", "vendor/\n*.log.ts\n")
    app = outer / "vendor" / "app"
    _put(app, "page.tsx", CLERK_PAGE)
    _put(app, "trace.log.ts", CLERK_PAGE)  # the enclosing rules that do not cover the root still apply
    _put(app, ".gitignore", "generated/\n")  # the root's own ignore file still applies
    _put(app, "generated/client.ts", CLERK_PAGE)
    proc = _run("scan", "--no-config", "--format", "json", ".", cwd=app)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert sorted({f["location"]["path"] for f in doc["findings"]}) == ["page.tsx"]
    covered = [line for line in proc.stderr.splitlines() if "scanned anyway" in line]
    assert len(covered) == 1, proc.stderr
    assert doc["summary"]["skipped_by_ignore_rules"] == {"files": 1, "folders": 1}
    assert "1 file and 1 folder skipped by ignore rules" in proc.stderr


def test_skipped_by_ignore_rules_is_counted_in_every_output(tmp_path):
    repo = _git_repo(tmp_path / "repo")
    _put(repo, ".gitignore", "legacy/\n")
    _put(repo, "app/page.tsx", CLERK_PAGE)
    _put(repo, "legacy/old.ts", CLERK_PAGE)
    _put(repo, "app/old.gen.ts", CLERK_PAGE)
    _put(repo, "app/.gitignore", "*.gen.ts\n")
    text = _run("scan", "--no-config", "--exit-zero", ".", cwd=repo)
    assert "1 file and 1 folder skipped by ignore rules" in text.stderr, text.stderr
    sarif = _run("scan", "--no-config", "--exit-zero", "--format", "sarif", ".", cwd=repo)
    notes = json.loads(sarif.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("1 file and 1 folder skipped by ignore rules" in n["message"]["text"] for n in notes), notes


def test_zero_files_scanned_while_files_exist_is_an_error(tmp_path):
    repo = _git_repo(tmp_path / "repo")
    _put(repo, ".gitignore", "*.ts\n")
    _put(repo, "src/a.ts", CLERK_PAGE)
    proc = _run("scan", "--no-config", ".", cwd=repo)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "0 files scanned" in proc.stderr and "ignore rules" in proc.stderr, proc.stderr
    # A folder with nothing in it is still a clean, empty scan.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run("scan", "--no-config", ".", cwd=empty).returncode == 0


def test_route_folders_named_build_or_vendor_are_scanned(tmp_path):
    app = _git_repo(tmp_path / "web")
    _put(app, "package.json", '{"dependencies": {"@clerk/nextjs": "^5.0.0"}}')
    _put(app, "app/build/page.tsx", CLERK_PAGE)
    _put(app, "app/vendor/[id]/page.tsx", CLERK_PAGE)
    _put(app, "build/server.js", CLERK_PAGE)  # at the package root beside package.json: output
    _put(app, "src/out/asset-manifest.json", "{}")  # a bundler's manifest: output
    _put(app, "src/out/main.js", CLERK_PAGE)
    proc = _run("scan", "--no-config", "--format", "json", "--exit-zero", ".", cwd=app)
    paths = {f["location"]["path"] for f in json.loads(proc.stdout)["findings"]}
    assert {"app/build/page.tsx", "app/vendor/[id]/page.tsx"} <= paths, paths
    assert not paths & {"build/server.js", "src/out/main.js"}, paths
    every = _run("scan", "--no-config", "--format", "json", "--exit-zero", "--no-default-excludes", ".", cwd=app)
    paths = {f["location"]["path"] for f in json.loads(every.stdout)["findings"]}
    assert {"build/server.js", "src/out/main.js"} <= paths, every.stderr
