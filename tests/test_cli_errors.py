"""Fatal errors are one line and exit 2; a crash on one file is not fatal.

A missing path, an --output that cannot be written, a malformed configuration file:
exit status 2, exactly one line on stderr naming the cause, nothing on stdout and
nothing half-written (an existing output file is left as it was, no temporary file is
left behind). Checked through the installed console script and in process.

A bug met while analysing one file (simulated by making the analyzer raise) becomes a
FileProblem of kind "internal-error" naming the exception type and message, without a
traceback, and the rest of the run goes on.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import clerk_lint.readers.ecma.analyzer as js_analyzer
from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.cli import main
from clerk_lint.discover.walk import discover
from clerk_lint.scan.driver import run_scan
from clerk_lint.scan.per_file import ScanOptions, scan_file
from cli_helpers import cli_command

CATALOG = load_catalog()
PAGE = 'import { useUser } from "@clerk/nextjs";\nexport const P = () => useUser();\n'



def console(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*cli_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2 mixes stderr into output by default
    except TypeError:
        return CliRunner()


def in_process(*args: str, cwd: Path, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    outcome = runner().invoke(main, list(args))
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.exc_info
    return outcome.exit_code, outcome.stdout, outcome.stderr


def run_as(how: str, args: tuple, cwd: Path, monkeypatch) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `clerk-lint ARGS`, as the console script or in process."""
    if how == "console":
        proc = console(*args, cwd=cwd)
        return proc.returncode, proc.stdout, proc.stderr
    return in_process(*args, cwd=cwd, monkeypatch=monkeypatch)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A scan root with one finding and one file problem (a binary .ts file)."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "page.tsx").write_text(PAGE, encoding="utf-8")
    (root / "blob.ts").write_bytes(b"\x00\x01\x02 clerk")
    return root


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_one_line_error(code: int, stdout: str, stderr: str, *words: str) -> None:
    assert code == 2, (stdout, stderr)
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("clerk-lint: error: "), stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in stderr


# --------------------------------------------------------------------------- missing path


@pytest.mark.parametrize("how", ["console", "in-process"])
def test_missing_path_is_one_line_exit_2(how, tree, monkeypatch):
    args = ("scan", "app", "does-not-exist", "--format", "json")
    code, out, err = run_as(how, args, tree.parent, monkeypatch)
    assert_one_line_error(code, out, err, "does-not-exist", "not found")


def test_missing_path_leaves_an_existing_output_untouched(tree):
    report = tree.parent / "report.json"
    report.write_text("previous report\n", encoding="utf-8")
    before = report.stat().st_mtime_ns
    proc = console("scan", "app", "gone", "--format", "json", "-o", "report.json", cwd=tree.parent)
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, "gone")
    assert report.read_text(encoding="utf-8") == "previous report\n"
    assert report.stat().st_mtime_ns == before
    assert listing(tree.parent) == ["app", "report.json"]


# --------------------------------------------------------------------------- --output


@pytest.mark.parametrize("how", ["console", "in-process"])
def test_output_that_is_a_directory(how, tree, monkeypatch):
    target = tree.parent / "reports"
    target.mkdir()
    args = ("scan", "app", "--format", "sarif", "-o", "reports")
    code, out, err = run_as(how, args, tree.parent, monkeypatch)
    # The tree has a file problem too: its warning must not join the error line.
    assert_one_line_error(code, out, err, "--output reports")
    assert listing(target) == []
    assert listing(tree.parent) == ["app", "reports"]


@pytest.mark.parametrize("how", ["console", "in-process"])
def test_output_under_a_missing_directory(how, tree, monkeypatch):
    args = ("scan", "app", "-o", "no/such/dir/report.txt")
    code, out, err = run_as(how, args, tree.parent, monkeypatch)
    assert_one_line_error(code, out, err, "no/such/dir/report.txt")
    assert not (tree.parent / "no").exists()


def test_failed_write_keeps_the_old_report_and_leaves_no_temp_file(tree, monkeypatch):
    import clerk_lint.cli as cli

    report = tree.parent / "report.json"
    report.write_text("previous report\n", encoding="utf-8")

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.os, "replace", disk_full)
    code, out, err = in_process("scan", "app", "--format", "json", "-o", "report.json",
                                cwd=tree.parent, monkeypatch=monkeypatch)
    assert_one_line_error(code, out, err, "report.json", "No space left on device")
    assert report.read_text(encoding="utf-8") == "previous report\n"
    assert listing(tree.parent) == ["app", "report.json"]


def test_unexpected_write_error_leaves_no_temp_file(tree, monkeypatch):
    """Not an OSError: the exception propagates (a bug), but the temp file is still removed."""
    import clerk_lint.cli as cli

    report = tree.parent / "report.json"
    report.write_text("previous report\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli.os, "replace", broken_replace)
    with pytest.raises(RuntimeError):
        cli.write_output("new report\n", str(report))
    assert report.read_text(encoding="utf-8") == "previous report\n"
    assert listing(tree.parent) == ["app", "report.json"]


def test_successful_output_replaces_the_old_report(tree):
    report = tree.parent / "report.json"
    report.write_text("previous report\n", encoding="utf-8")
    proc = console("scan", "app", "--format", "json", "-o", "report.json", cwd=tree.parent)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == ["clerk-lint: warning: blob.ts: binary file (NUL bytes near the start)"]
    on_stdout = console("scan", "app", "--format", "json", cwd=tree.parent)
    assert report.read_text(encoding="utf-8") == on_stdout.stdout
    assert json.loads(on_stdout.stdout)["errors"][0]["path"] == "blob.ts"
    assert listing(tree.parent) == ["app", "report.json"]


# --------------------------------------------------------------------------- config


@pytest.mark.parametrize("content", ["include = [\n", "include = 3\n", "no-such-key = true\n"],
                         ids=["not-toml", "wrong-type", "unknown-key"])
def test_malformed_config_is_one_line_exit_2(content, tree):
    (tree / ".clerk-lint.toml").write_text(content, encoding="utf-8")
    proc = console("scan", ".", "--format", "json", cwd=tree)
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, ".clerk-lint.toml")


# --------------------------------------------------------------------------- exit codes


def test_file_problems_alone_do_not_fail_the_run(tmp_path):
    (tmp_path / "blob.ts").write_bytes(b"\x00clerk")
    (tmp_path / "plain.ts").write_text("export const x = 1;\n", encoding="utf-8")
    proc = console("scan", ".", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == ["clerk-lint: warning: blob.ts: binary file (NUL bytes near the start)"]
    assert "1 file problem: 1 skipped, 0 partly scanned" in proc.stdout


# --------------------------------------------------------------------------- crash guard


def _explode_on(name: str, exc: BaseException):
    real = js_analyzer.analyze

    def analyze(source, candidate, *args, **kwargs):
        if candidate.relpath.endswith(name):
            raise exc
        return real(source, candidate, *args, **kwargs)

    return analyze


@pytest.mark.parametrize("exc, reason", [
    (RuntimeError("simulated bug\n  on   two lines"), "internal error: RuntimeError: simulated bug on two lines"),
    (KeyError("CLK999"), "internal error: KeyError: 'CLK999'"),
    (RecursionError("maximum recursion depth exceeded while calling a Python object"),
     "internal error: RecursionError: nested too deep"),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
     "internal error: UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
])
def test_scan_file_turns_an_analyzer_crash_into_a_problem(exc, reason, tmp_path, monkeypatch):
    (tmp_path / "boom.tsx").write_text(PAGE, encoding="utf-8")
    monkeypatch.setattr(js_analyzer, "analyze", _explode_on("boom.tsx", exc))
    candidates, _ = discover([tmp_path])
    findings, problems = scan_file(candidates[0], CATALOG, ScanOptions())
    assert findings == []
    assert [(p.path, p.kind, p.reason, p.partial) for p in problems] == [("boom.tsx", "internal-error", reason, False)]


def test_a_crash_on_one_file_keeps_the_others(tmp_path, monkeypatch):
    for name in ("a.tsx", "boom.tsx", "z.tsx"):
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
    clean = run_scan([tmp_path], CATALOG)
    monkeypatch.setattr(js_analyzer, "analyze", _explode_on("boom.tsx", ValueError("bad node")))
    result = run_scan([tmp_path], CATALOG)
    assert [f for f in result.findings if f.location.path != "boom.tsx"] == \
           [f for f in clean.findings if f.location.path != "boom.tsx"]
    assert {f.location.path for f in clean.findings} == {"a.tsx", "boom.tsx", "z.tsx"}
    assert [(p.path, p.kind, p.reason) for p in result.problems] == \
           [("boom.tsx", "internal-error", "internal error: ValueError: bad node")]
    assert result.files_scanned == 3

    code, out, err = in_process("scan", str(tmp_path), cwd=tmp_path, monkeypatch=monkeypatch)
    assert code == 1
    assert err.splitlines() == ["clerk-lint: warning: boom.tsx: internal error: ValueError: bad node"]
    assert "a.tsx:2:" in out and "z.tsx:2:" in out and "boom.tsx:" not in out


def test_keyboard_interrupt_is_not_swallowed(tmp_path, monkeypatch):
    (tmp_path / "boom.tsx").write_text(PAGE, encoding="utf-8")
    monkeypatch.setattr(js_analyzer, "analyze", _explode_on("boom.tsx", KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        run_scan([tmp_path], CATALOG)



def test_a_file_gone_between_two_reads_is_reported_not_fatal(tmp_path, monkeypatch):
    """The project pass reads a file more than once; if it vanishes in between, that
    file is reported unreadable and every other finding is kept."""
    import clerk_lint.scan.driver as scan_module

    for name in ("a.tsx", "b.tsx"):
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
    clean = run_scan([tmp_path], CATALOG)
    real_read = scan_module.read_source
    reads: dict[str, int] = {}

    def flaky_read(path, relpath, **kwargs):
        reads[relpath] = reads.get(relpath, 0) + 1
        if relpath == "a.tsx" and reads[relpath] > 1:
            Path(path).unlink(missing_ok=True)
        return real_read(path, relpath, **kwargs)

    monkeypatch.setattr(scan_module, "read_source", flaky_read)
    result = run_scan([tmp_path], CATALOG)
    assert [f for f in result.findings if f.location.path == "b.tsx"] == \
           [f for f in clean.findings if f.location.path == "b.tsx"]
    a_findings = [f for f in result.findings if f.location.path == "a.tsx"]
    if result.problems:  # read again after it was gone: reported once, nothing half-done
        assert [(p.path, p.kind) for p in result.problems] == [("a.tsx", "unreadable")]
        assert a_findings == []
    else:  # or the first read was enough
        assert a_findings == [f for f in clean.findings if f.location.path == "a.tsx"]


def test_a_crash_in_the_cross_file_pass_falls_back_to_single_files(tmp_path, monkeypatch):
    import clerk_lint.resolve.crossfile as crossfile

    for name in ("a.tsx", "b.tsx"):
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
    clean = run_scan([tmp_path], CATALOG)

    def broken(*args, **kwargs):
        raise AssertionError("simulated bug in the project pass")

    monkeypatch.setattr(crossfile, "analyze_project", broken)
    result = run_scan([tmp_path], CATALOG)
    assert result.findings == clean.findings
    assert [(p.path, p.kind, p.reason) for p in result.problems] == [
        (".", "internal-error", "internal error in the cross-file pass: AssertionError: simulated bug in the project pass")]


def test_a_crash_after_the_analysis_is_per_file_too(tmp_path, monkeypatch):
    """Post-processing (fingerprints, suppressions, redaction) is guarded like the analysis."""
    import clerk_lint.scan.per_file as scan_module

    for name in ("a.tsx", "b.tsx"):
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
    clean = run_scan([tmp_path], CATALOG)
    real = scan_module.with_line_hashes

    def hashes(findings, text):
        if findings and findings[0].location.path == "a.tsx":
            raise IndexError("simulated")
        return real(findings, text)

    monkeypatch.setattr(scan_module, "with_line_hashes", hashes)
    result = run_scan([tmp_path], CATALOG)
    assert result.findings == [f for f in clean.findings if f.location.path == "b.tsx"]
    assert [(p.path, p.kind, p.reason) for p in result.problems] == [
        ("a.tsx", "internal-error", "internal error: IndexError: simulated")]
