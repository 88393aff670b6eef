"""Hostile CLI cases from issue 14 (item 8): each runs the real CLI in a subprocess with a time limit."""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

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


# --------------------------------------------------------------------------- item 2: --output never damages its target

def _app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    _put(app, "page.tsx", CLERK_PAGE)
    return app


def _report_to(app: Path, target: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clerk_lint", "scan", "--no-config", "--exit-zero", "--format",
                           "json", "-o", target, "."], cwd=app, capture_output=True, text=True, timeout=TIMEOUT,
                          **kwargs)


def test_output_keeps_mode_links_and_honours_umask(tmp_path):
    app = _app(tmp_path)
    real = tmp_path / "real.json"
    real.write_text("old\n")
    real.chmod(0o644)
    link = tmp_path / "link.json"
    link.symlink_to("real.json")
    assert _report_to(app, str(link)).returncode == 0
    assert link.is_symlink() and json.loads(real.read_text())["summary"]["files_scanned"] == 1
    assert stat.S_IMODE(real.stat().st_mode) == 0o644
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text("old\n")
    os.link(first, second)
    assert _report_to(app, str(first)).returncode == 0
    assert first.stat().st_ino == second.stat().st_ino and json.loads(second.read_text())
    new = tmp_path / "new.json"
    assert _report_to(app, str(new), preexec_fn=lambda: os.umask(0o027)).returncode == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "app", "b.json", "link.json", "new.json",
                                                          "real.json"]


def test_output_writes_through_fifos_devices_and_stdout(tmp_path):
    app = _app(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the writer's open does not wait
    try:
        proc = _report_to(app, str(fifo))
        got = b""
        while True:
            try:
                chunk = os.read(reader, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            got += chunk
    finally:
        os.close(reader)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode) and json.loads(got)
    # a link to this process's stdout, as /dev/stdout is
    to_stdout = tmp_path / "stdout"
    to_stdout.symlink_to("/proc/self/fd/1")
    proc = _report_to(app, str(to_stdout))
    assert json.loads(proc.stdout)["summary"]["files_scanned"] == 1 and to_stdout.is_symlink()
    proc = _report_to(app, "/dev/stdout")
    assert json.loads(proc.stdout)["summary"]["files_scanned"] == 1
    if stat.S_ISCHR(os.stat("/dev/null").st_mode):
        assert _report_to(app, "/dev/null").returncode == 0
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if os.geteuid() == 0:  # a character device of our own: /dev/null's numbers
        device = tmp_path / "null"
        try:
            os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except OSError:
            return
        assert _report_to(app, str(device)).returncode == 0
        assert stat.S_ISCHR(device.stat().st_mode)


_SLOW_REPLACE = """
import os, sys, time
real = os.replace
def slow(src, dst):
    print("writing", flush=True)
    time.sleep(30)
    real(src, dst)
os.replace = slow
from clerk_lint.cli import main
main(["scan", "--no-config", "--exit-zero", "--format", "json", "-o", sys.argv[1], "."])
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_while_writing_leaves_no_temp_file(tmp_path, signum):
    app = _app(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_REPLACE, str(out / "report.json")], cwd=app,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        proc.send_signal(signum)
        proc.wait(TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode != 0
    assert list(out.iterdir()) == []


# --------------------------------------------------------------------------- item 4: workers die with the parent

_SLOW_WORKERS = """
import sys, time
import clerk_lint.scan.parallel as parallel
real = parallel._work
def slow(bounds):
    time.sleep(120)
    return real(bounds)
slow.__qualname__ = slow.__name__ = "_work"  # pickled by name: the workers run this one
slow.__module__ = parallel.__name__
parallel._work = slow
from clerk_lint.cli import main
main(["scan", "--no-config", "--jobs", "2", "--format", "json", "."])
"""


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _start_slow_scan(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    app = tmp_path / "app"
    for i in range(120):
        _put(app, f"src/m{i}.ts", f"export const m{i} = {i};\n")
    _put(app, "src/page.tsx", CLERK_PAGE)
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WORKERS], cwd=app, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    import time

    deadline = time.monotonic() + TIMEOUT
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert len(workers) >= 2, (workers, proc.poll())
    time.sleep(0.3)  # past the workers' start-up
    return proc, workers


def _reap(proc: subprocess.Popen, workers: list[int]) -> list[int]:
    import time

    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [w for w in workers if _alive(w)]
    for w in left:  # the test's own clean-up
        os.kill(w, signal.SIGKILL)
    return left


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_killed_parent_leaves_no_workers(tmp_path):
    proc, workers = _start_slow_scan(tmp_path)
    proc.kill()
    try:
        proc.communicate(timeout=20)  # the pipes close: no worker holds them
        hung = False
    except subprocess.TimeoutExpired:
        hung = True
    left = _reap(proc, workers)
    proc.communicate()
    assert not hung and not left


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_sigint_exits_130_with_one_line(tmp_path):
    proc, workers = _start_slow_scan(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole process group
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"still running after SIGINT: {err}")
    finally:
        left = _reap(proc, workers)
    assert proc.returncode == 130, (proc.returncode, err)
    assert len(err.strip().splitlines()) == 1, err
    assert out == "" and not left


# --------------------------------------------------------------------------- item 8: small ones

def test_cyclic_tsconfig_extends_is_reported_and_the_scan_goes_on(tmp_path):
    app = tmp_path / "app"
    _put(app, "tsconfig.json", '{"extends": "./tsconfig.base.json", "compilerOptions": {"paths": {"@/*": ["./src/*"]}}}')
    _put(app, "tsconfig.base.json", '{"extends": "./tsconfig.json"}')
    _put(app, "src/lib/session.ts", 'import { auth } from "@clerk/nextjs/server";\n'
                                    'export async function session() { return auth(); }\n')
    _put(app, "src/app/page.tsx", 'import { session } from "@/lib/session";\n'
                                  'export default async function Page() { await session(); }\n')
    proc = _run("scan", "--no-config", "--format", "json", ".", cwd=app)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert {f["location"]["path"] for f in doc["findings"]} >= {"src/lib/session.ts", "src/app/page.tsx"}
    cycles = [line for line in proc.stderr.splitlines() if "extends" in line and "cycle" in line]
    assert len(cycles) == 1, proc.stderr
    assert "tsconfig.json -> tsconfig.base.json -> tsconfig.json" in cycles[0]
    assert [e["path"] for e in doc["errors"]] == ["tsconfig.json"]


PEM_BODY = ("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
            "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u")


def test_block_scalar_pem_in_a_workflow_is_a_value_never_printed(tmp_path):
    app = tmp_path / "app"
    body = "".join(f"        {line}\n" for line in PEM_BODY.split("\n"))
    _put(app, ".github/workflows/ci.yml",
         "name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n"
         "      CLERK_JWT_KEY: |\n        -----BEGIN PUBLIC KEY-----\n" + body +
         "        -----END PUBLIC KEY-----\n    steps:\n      - run: npm run build\n")
    for fmt in ("text", "json", "sarif"):
        proc = _run("scan", "--no-config", "--exit-zero", "--format", fmt, ".", cwd=app)
        assert "CLERK_JWT_KEY" in proc.stdout, proc.stderr
        assert "empty" not in proc.stdout
        assert "PEM PUBLIC KEY" in proc.stdout
        for line in PEM_BODY.split("\n"):
            assert line[:12] not in proc.stdout and line[:12] not in proc.stderr
