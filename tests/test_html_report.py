"""The HTML reports: numbers equal the JSON ones, every finding shown, nothing secret or remote;
then rendered by a real headless Chromium (DOM dump and screenshots at two widths)."""
from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk_lint.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS = ["nextjs-app-router", "django-app"]
SECRET = re.compile(r"\b(?:sk|pk)_(?:live|test)_[A-Za-z0-9]{12,}|\bwhsec_[A-Za-z0-9+/=]{12,}|\beyJ[\w-]{10,}\.[\w-]{10,}\.")
REMOTE = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.I)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _cli(*args: str) -> str:
    out = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert out.exit_code in (0, 1), out.output
    return out.stdout


@pytest.fixture(scope="module", params=APPS)
def reports(request, tmp_path_factory):
    app = str(FIXTURES / request.param)
    folder = tmp_path_factory.mktemp(request.param)
    docs = {"scan_json": json.loads(_cli("scan", app, "--format", "json", "--exit-zero")),
            "plan_json": json.loads(_cli("plan", app, "--format", "json"))}
    for kind in ("scan", "plan"):
        extra = ["--exit-zero"] if kind == "scan" else []
        path = folder / f"{kind}.html"
        _cli(kind, app, "--format", "html", "-o", str(path), *extra)
        docs[kind] = path
    return docs


def _check_page(text: str, scan_json: dict, plan_json: dict, kind: str) -> None:
    assert not SECRET.search(text), "a secret value reached the HTML report"
    assert not REMOTE.search(text), "the report loads something from the network"
    if kind == "scan":
        for f in scan_json["findings"]:
            assert f"{f['location']['path']}:{f['location']['line']}" in text
        assert f"<dd>{scan_json['summary']['findings']}</dd>" in text
        assert f"<dd>{scan_json['summary']['effort_hours']}</dd>" in text
    else:
        assert f"<dd>{plan_json['summary']['findings']}</dd>" in text
        assert f"<dd>{plan_json['effort']['hours']['likely']}</dd>" in text
        for risk in plan_json["risks"]:
            for where in risk["evidence"]:
                assert where in text.replace("&amp;", "&")


def test_html_matches_the_json_numbers(reports):
    for kind in ("scan", "plan"):
        _check_page(reports[kind].read_text("utf-8"), reports["scan_json"], reports["plan_json"], kind)


def test_html_is_accessible_in_shape(reports):
    text = reports["plan"].read_text("utf-8")
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", text)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), "headings skip a level"
    assert "<th scope=\"col\">" in text and "<caption>" in text
    assert "<script" not in text and "prefers-color-scheme:dark" in text and "@media print" in text


def _chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    return browser


def _run_browser(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)


def test_browser_dom_dump(reports, tmp_path):
    browser = _chromium()
    for kind in ("scan", "plan"):
        dom = _run_browser(browser, tmp_path, "--dump-dom", reports[kind].as_uri()).stdout
        assert "</html>" in dom
        _check_page(dom, reports["scan_json"], reports["plan_json"], kind)


def png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height, and how many distinct byte values the decoded rows hold (1 = blank)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    return width, height, len(set(raw[: 200_000]))


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "mobile"])
def test_browser_screenshot(reports, tmp_path, size):
    browser = _chromium()
    shot = tmp_path / "shot.png"
    _run_browser(browser, tmp_path, f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}",
                 "--hide-scrollbars", reports["plan"].as_uri())
    width, height, colours = png_size_and_colours(shot.read_bytes())
    assert (width, height) == size
    assert colours > 8, "the screenshot is blank"


@pytest.mark.parametrize("env, tty, expected", [
    ({}, False, False), ({}, True, True), ({"NO_COLOR": "1"}, True, False), ({"FORCE_COLOR": "1"}, False, True),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False), ({"NO_COLOR": ""}, True, True)])
def test_color_follows_no_color_and_force_color(monkeypatch, env, tty, expected):
    from clerk_lint.cli import color_wanted

    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert color_wanted(type("Stream", (), {"isatty": lambda self: tty})()) is expected
