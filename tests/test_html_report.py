"""The HTML reports of two fixture apps: every number is the JSON's, every finding is listed once
with its location and source line, nothing secret, nothing remote, headings in order, tables with
headers, AA contrast; then the same pages in a real headless Chromium (DOM after the script ran,
the filters, screenshots at desktop and mobile widths, light and dark). One file past 500 lines:
both halves share the module fixture that writes each app's pages once."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from clerk_lint.cli import main
from clerk_lint.report.html import style

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS = ["nextjs-app-router", "acme-monorepo"]
SECRET = re.compile(r"\b(?:sk|pk)_(?:live|test)_[A-Za-z0-9]{12,}|\bwhsec_[A-Za-z0-9+/=]{12,}|\beyJ[\w-]{10,}\.[\w-]{10,}\.")
URL_ATTRS = {"src", "href", "action", "srcset", "xlink:href", "data", "poster", "formaction", "background"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]


def _cli(*args: str) -> str:
    out = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert out.exit_code in (0, 1), out.output
    return out.stdout


@pytest.fixture(scope="module", params=APPS)
def reports(request, tmp_path_factory):
    app = str(FIXTURES / request.param)
    folder = tmp_path_factory.mktemp(request.param)
    docs = {"app": request.param, "scan_json": json.loads(_cli("scan", app, "--format", "json", "--exit-zero")),
            "plan_json": json.loads(_cli("plan", app, "--format", "json"))}
    for kind, extra in (("scan", ["--exit-zero"]), ("plan", [])):
        path = folder / f"{kind}.html"
        _cli(kind, app, "--format", "html", "-o", str(path), *extra)
        docs[kind] = path
    return docs


# -- reading a page ------------------------------------------------------------------------


class Page(HTMLParser):
    """What the tests need from a page: elements with their attributes, the text inside each
    element of interest, headings, and the inline script."""

    VOID = {"meta", "br", "input", "img", "link", "hr", "rect", "line", "source", "area", "wbr", "col", "base"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.open: list[tuple[str, dict, list[str]]] = []
        self.closed: list[tuple[str, dict, str]] = []   # (tag, attrs, text inside)
        self.headings: list[int] = []
        self.text_parts: list[str] = []
        self.feed(text)
        self.close()
        self.text = "".join(self.text_parts)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in self.VOID:
            self.open.append((tag, attrs, []))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                name, attrs, parts = self.open.pop(i)
                text = "".join(parts)
                self.closed.append((name, attrs, text))
                if name == "th" and attrs.get("scope") == "row":
                    rows = [a for t, a, _ in self.open if t == "tr"]
                    if rows:
                        rows[-1]["row-header"] = text  # the row's own header: its file:line
                if self.open:
                    self.open[-1][2].append(text)
                break

    def handle_data(self, data):
        self.text_parts.append(data)
        if self.open:
            self.open[-1][2].append(data)

    def find(self, tag=None, **attrs) -> list[tuple[str, dict, str]]:
        return [el for el in self.closed if (tag is None or el[0] == tag)
                and all((el[1].get(k.replace("_", "-")) == v) if v is not True else (k.replace("_", "-") in el[1])
                        for k, v in attrs.items())]


def _at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def _as_number(text: str):
    try:
        return float(text.replace(",", "").removesuffix(" h").strip())
    except ValueError:
        return None


def check_numbers(page: Page, doc: dict, scan_doc: dict) -> set[tuple]:
    """Every element naming its JSON path shows that value (in the page's own document, or the
    scan report's where `data-doc` says so); returns the page's own paths seen."""
    seen = set()
    for _, attrs, text in page.find(data_src=True):
        if "data-filtered" in attrs:  # a chart redrawn for filtered findings: checked by the filter tests
            continue
        path = tuple(json.loads(attrs["data-src"]))
        expected = _at(scan_doc if attrs.get("data-doc") == "scan" else doc, path)
        if isinstance(expected, (int, float)) and not isinstance(expected, bool):
            assert _as_number(text) == pytest.approx(expected, abs=1e-9), (path, text, expected)
        else:
            assert text == str(expected), (path, text, expected)
        if not attrs.get("data-doc"):
            seen.add(path)
    return seen


def check_findings(page: Page, scan_json: dict) -> list[tuple[str, dict, str]]:
    """One row per finding, at its file:line, with its source line, difficulty and category."""
    rows = [el for el in page.find("tr", data_difficulty=True)]
    expected = Counter(f"{f['location']['path']}:{f['location']['line']}" for f in scan_json["findings"])
    assert Counter(attrs["row-header"] for _, attrs, _ in rows) == expected
    for f in scan_json["findings"]:
        line = f["location"]["source_line"].strip()
        assert not line or line in page.text, f"source line of {f['location']['path']}:{f['location']['line']} missing"
    by_key = Counter((a["data-difficulty"], a["data-category"]) for _, a, _ in rows)
    assert by_key == Counter((f["difficulty"], f["category"]) for f in scan_json["findings"])
    return rows


def check_self_contained(page: Page, raw: str) -> None:
    ids = {attrs["id"] for _, attrs in page.elements if "id" in attrs}
    for tag, attrs in page.elements:
        assert tag not in ("link", "iframe", "object", "embed", "img", "base", "frame"), f"<{tag}> in the report"
        for name, value in attrs.items():
            if name in URL_ATTRS:
                assert value and value.startswith("#"), f"{tag} {name}={value!r} leaves the page"
                assert value[1:] in ids, f"{value} points at nothing"
    assert "@import" not in raw and not re.search(r"url\(", "".join(t for tag, _, t in page.closed if tag == "style"))
    csp = next(a["content"] for tag, a in page.elements if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for tag in ("script", "style"):
        texts = [t for name, _, t in page.closed if name == tag]
        assert len(texts) == 1
        digest = base64.b64encode(hashlib.sha256(texts[0].encode("utf-8")).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in csp, f"the CSP does not allow the page's own {tag}"
    assert not [a for _, a in page.elements if "style" in a or any(k.startswith("on") for k in a)]


def check_no_secret(text: str, app: str) -> None:
    assert not SECRET.search(text), "a secret value reached the HTML report"
    for path in (FIXTURES / app).rglob("*"):
        if path.is_file():
            for literal in SECRET.findall(path.read_text("utf-8", "replace")):
                assert literal not in text


# -- the pages as written -------------------------------------------------------------------


def test_plan_numbers_are_the_json_plans(reports):
    plan = reports["plan_json"]
    page = Page(reports["plan"].read_text("utf-8"))
    seen = check_numbers(page, plan, reports["scan_json"])
    required = {("summary", "findings"), ("summary", "files_scanned"), ("effort", "tshirt"),
                *(("effort", "hours", k) for k in ("low", "likely", "high")),
                *(("cost", "labor", k) for k in ("low", "likely", "high")),
                *(("steps", i, "hours") for i in range(len(plan["steps"]))),
                *(("effort", "by_directory", d) for d, h in plan["effort"]["by_directory"].items() if h),
                *(("effort", "by_package", i, "hours") for i, p in enumerate(plan["effort"]["by_package"]) if p["hours"]),
                *(("effort", "roles", r) for r, h in plan["effort"]["roles"].items() if h),
                *(("effort", "by_category", c) for c in plan["effort"]["by_category"]),
                *(("effort", "fixed_tasks", t) for t in plan["effort"]["fixed_tasks"])}
    assert required <= seen, required - seen
    for step in plan["steps"]:
        assert step["title"] in page.text
    for risk in plan["risks"]:
        assert risk["title"] in page.text and all(where in page.text for where in risk["evidence"])
    for question in plan["open_questions"]:
        assert question["question"].replace("`", "") in page.text


def test_plan_lists_every_finding_once_under_its_step(reports):
    page = Page(reports["plan"].read_text("utf-8"))
    rows = check_findings(page, reports["scan_json"])
    assert len(rows) == reports["plan_json"]["summary"]["findings"]
    sections = page.find("section", data_group=True)
    primary = Counter(loc["location"] for s in reports["plan_json"]["steps"] for loc in s["locations"] if loc["primary"])
    assert sum(primary.values()) == len(rows)
    assert {a["id"] for _, a, _ in sections} == {f"step-{s['order']}-findings" for s in reports["plan_json"]["steps"]
                                                if any(loc["primary"] for loc in s["locations"])}


def test_scan_numbers_and_findings_are_the_json_reports(reports):
    scan = reports["scan_json"]
    page = Page(reports["scan"].read_text("utf-8"))
    seen = check_numbers(page, scan, scan)
    assert {("summary", "findings"), ("summary", "files_scanned"), ("summary", "effort_hours")} <= seen
    assert {("summary", "by_category", c) for c in scan["summary"]["by_category"]} <= seen
    check_findings(page, scan)


@pytest.mark.parametrize("kind", ["scan", "plan"])
def test_page_is_self_contained_and_secret_free(reports, kind):
    raw = reports[kind].read_text("utf-8")
    check_self_contained(Page(raw), raw)
    check_no_secret(raw, reports["app"])


def test_every_finding_links_to_its_rule_docs(reports):
    page = Page(reports["plan"].read_text("utf-8"))
    for code in {f["code"] for f in reports["scan_json"]["findings"]}:
        section = page.find("section", id=f"rule-{code}")
        assert section and "Better Auth replacement" in section[0][2], code
        assert page.find("a", href=f"#rule-{code}")


@pytest.mark.parametrize("kind", ["scan", "plan"])
def test_page_is_accessible_in_shape(reports, kind):
    raw = reports[kind].read_text("utf-8")
    page = Page(raw)
    levels = page.headings
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"headings skip a level: {levels}"
    assert re.search(r'<html lang="en">', raw)
    tables = raw.count("<table")
    assert tables == raw.count("<caption>") == raw.count("<thead>") > 0
    for body in re.findall(r"<tbody>(.*?)</tbody>", raw, re.S):
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            assert row.startswith('<th scope="row">'), "a table row without a row header"
    for svg in re.findall(r"<svg[^>]*>", raw):
        assert 'role="img"' in svg and "aria-labelledby" in svg and "aria-describedby" in svg
    for _, attrs, text in page.find("span"):
        if "badge" in attrs.get("class", ""):
            assert text.strip(), "a badge with colour only"
    for _, attrs, text in page.find("label"):
        assert text.strip()
    # readable without JavaScript: the filters start hidden, no finding does
    form = page.find("form", id="filters")
    assert form and "hidden" in form[0][1]
    assert not [a for _, a, _ in page.find("tr") if "hidden" in a]
    assert "@media print" in raw and "prefers-color-scheme:dark" in raw


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratios_meet_wcag_aa_in_light_and_dark():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    for name, palette in (("light", style.LIGHT), ("dark", style.DARK)):
        for fg, bg, minimum in style.CONTRAST_PAIRS:
            ratio = contrast(palette[fg], palette[bg])
            assert ratio >= minimum, f"{name}: {fg} on {bg} is {ratio:.2f}:1, under {minimum}:1"
        for key, colour in palette.items():
            assert f"--{key}:{colour}" in style.CSS
    for tone in style.BADGE_TONES:
        assert f".t-{tone}{{background:var(--{tone})}}" in style.CSS


def test_plan_with_mau_shows_the_break_even(tmp_path):
    app = str(FIXTURES / "nextjs-app-router")
    plan = json.loads(_cli("plan", app, "--format", "json", "--mau", "40000"))
    scan = json.loads(_cli("scan", app, "--format", "json", "--exit-zero"))
    out = tmp_path / "plan.html"
    _cli("plan", app, "--format", "html", "--mau", "40000", "-o", str(out))
    page = Page(out.read_text("utf-8"))
    seen = check_numbers(page, plan, scan)
    assert plan["cost"]["break_even"]["verdict"] in page.text
    assert {("cost", "clerk_monthly", "monthly"), ("cost", "monthly_savings", "low"),
            ("cost", "monthly_savings", "high")} <= seen
    assert {("cost", "clerk_monthly", "rows", i, "amount") for i in range(len(plan["cost"]["clerk_monthly"]["rows"]))} <= seen


# -- in a real browser ----------------------------------------------------------------------


def _chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        if os.environ.get("CLERK_LINT_REQUIRE_BROWSER") == "1":
            pytest.fail("no Chromium, though this machine can install it (.ci/run: apt-get install chromium)")
        pytest.skip("no Chromium on this machine and none can be installed here (.ci/run installs Debian's "
                    "chromium where it runs as root with apt-get)")
    return browser


def _run_browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    browser = _chromium()
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=90, cwd=tmp_path)


def _dump(tmp_path: Path, url: str) -> str:
    dom = _run_browser(tmp_path, "--dump-dom", url).stdout
    assert "</html>" in dom, "Chromium printed no page"
    return dom


def test_browser_dom_of_both_pages(reports, tmp_path):
    for kind in ("scan", "plan"):
        dom = _dump(tmp_path, reports[kind].as_uri())
        page = Page(dom)
        doc = reports[f"{kind}_json"]
        check_numbers(page, doc, reports["scan_json"])
        check_findings(page, reports["scan_json"])
        check_self_contained(page, dom)
        check_no_secret(dom, reports["app"])
        # the script ran (the CSP let it): the filter form is shown and counts every finding
        form = page.find("form", id="filters")
        assert form and "hidden" not in form[0][1]
        total = len(reports["scan_json"]["findings"])
        assert page.find("p", id="filter-status")[0][2] == f"Showing {total} of {total} findings"
        assert not page.find(data_filtered=True), "a chart redrawn with no filter on"


def test_browser_filters_from_the_query_string(reports, tmp_path):
    findings = reports["scan_json"]["findings"]
    difficulty, category = Counter((f["difficulty"], f["category"]) for f in findings).most_common(1)[0][0]
    url = f"{reports['plan'].as_uri()}?difficulty={difficulty}&category={category}"
    page = Page(_dump(tmp_path, url))
    visible = [a for _, a, _ in page.find("tr", data_difficulty=True) if "hidden" not in a]
    expected = [f for f in findings if f["difficulty"] == difficulty and f["category"] == category]
    assert len(visible) == len(expected)
    assert all(a["data-difficulty"] == difficulty and a["data-category"] == category for a in visible)
    assert page.find("p", id="filter-status")[0][2] == f"Showing {len(expected)} of {len(findings)} findings"
    # a step or file left without a visible finding is hidden with it
    for _, attrs, _ in page.find("section", data_group=True):
        assert ("hidden" in attrs) == (attrs["id"] not in _steps_with(reports["plan_json"], expected))
    # the search box: every finding of the file searched for, and only rows that name it
    path = findings[-1]["location"]["path"]
    searched = Page(_dump(tmp_path, f"{reports['plan'].as_uri()}?q={quote(path)}"))
    shown = [(a, t) for _, a, t in searched.find("tr", data_difficulty=True) if "hidden" not in a]
    assert all(path.lower() in text.lower() for _, text in shown)
    assert {a["row-header"] for a, _ in shown} >= {f"{path}:{f['location']['line']}" for f in findings
                                                   if f["location"]["path"] == path}


class Charts(HTMLParser):
    """The bar charts of finding counts in a page: the attribute counted -> {bar key: [value
    shown, bar width, marked filtered]}."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.charts: dict[str, dict[str, list]] = {}
        self.chart, self.key, self.in_value = None, None, False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "data-counts" in attrs:
            self.chart = self.charts.setdefault(attrs["data-counts"], {})
        elif self.chart is not None and tag == "g":
            self.key = attrs["data-key"]
            self.chart[self.key] = ["", None, False]
        elif self.key is not None and tag == "rect":
            self.chart[self.key][1] = float(attrs["width"])
        elif self.key is not None and tag == "text" and "val" in (attrs.get("class") or ""):
            self.in_value = True
            self.chart[self.key][2] = "data-filtered" in attrs

    def handle_endtag(self, tag):
        if tag == "text":
            self.in_value = False
        elif tag == "g":
            self.key = None
        elif tag == "svg":
            self.chart = None

    def handle_data(self, data):
        if self.in_value:
            self.chart[self.key][0] += data

    def values(self, name: str) -> dict[str, int]:
        return {key: int(shown.replace(",", "")) for key, (shown, _, _) in self.charts[name].items()}


def test_pages_say_which_charts_follow_the_filters(reports):
    plan = Page(reports["plan"].read_text("utf-8"))
    note = next(t for _, a, t in plan.find("p") if a.get("class") == "note" and "hour charts" in t)
    assert "count the findings shown" in note and "cannot be summed" in note
    assert set(Charts(reports["plan"].read_text("utf-8")).charts) == {"difficulty", "category"}
    scan = Charts(reports["scan"].read_text("utf-8")).charts
    assert set(scan) == {"difficulty", "category"} | ({"package"} if reports["scan_json"]["summary"]["packages"] else set())


def test_browser_filter_redraws_the_count_charts(reports, tmp_path):
    findings = reports["scan_json"]["findings"]
    summary = reports["scan_json"]["summary"]
    difficulty = Counter(f["difficulty"] for f in findings).most_common(1)[0][0]
    chosen = [f for f in findings if f["difficulty"] == difficulty]
    assert 0 < len(chosen) < len(findings)
    written = Charts(reports["plan"].read_text("utf-8"))
    charts = Charts(_dump(tmp_path, f"{reports['plan'].as_uri()}?difficulty={difficulty}"))
    assert charts.values("difficulty") == {k: (len(chosen) if k == difficulty else 0) for k in written.charts["difficulty"]}
    expected = Counter(f["category"] for f in chosen)
    assert charts.values("category") == {k: expected.get(k, 0) for k in written.charts["category"]}
    assert charts.values("category") != summary["by_category"], "the filter changed no count"
    for name in ("difficulty", "category"):
        for key, (shown, width, filtered) in charts.charts[name].items():
            assert filtered, (name, key)
            before = written.charts[name][key][1]
            assert width == 0 if shown == "0" else 2 <= width <= before + 0.1, (name, key, shown, width, before)
    if len(summary["packages"]) > 1:  # the scan page's package chart, filtered by a package
        package = max((p for p in summary["packages"] if p["path"]), key=lambda p: p["findings"])
        scan = Charts(_dump(tmp_path, f"{reports['scan'].as_uri()}?package={quote(package['path'])}"))
        assert scan.values("package") == {p["path"]: (p["findings"] if p is package else 0) for p in summary["packages"]
                                          if p["findings"]}
        assert sum(scan.values("difficulty").values()) == package["findings"] < len(findings)


def _steps_with(plan: dict, findings: list[dict]) -> set[str]:
    wanted = {(f"{f['location']['path']}:{f['location']['line']}", f["code"], f["symbol"]) for f in findings}
    return {f"step-{s['order']}-findings" for s in plan["steps"]
            if any(loc["primary"] and (loc["location"], loc["code"], loc["symbol"]) in wanted for loc in s["locations"])}


def png_pixels(data: bytes, max_rows: int = 400) -> tuple[int, int, list[bytes]]:
    """Width, height and the first rows of an 8-bit RGB / RGBA PNG, unfiltered (stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(idat)
    assert len(raw) == height * (stride + 1), "the image data does not match its size"
    rows, previous = [], bytearray(stride)
    for y in range(min(height, max_rows)):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = previous[x]
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[x - bpp] if x >= bpp else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, [b"".join(r[i:i + 3] for i in range(0, len(r), bpp)) for r in rows]  # RGB


def _colours(rows: list[bytes]) -> Counter:
    return Counter(row[i:i + 3] for row in rows for i in range(0, len(row), 3))


@pytest.mark.parametrize("size, dark", [((1280, 900), False), ((390, 844), True)], ids=["desktop-light", "mobile-dark"])
def test_browser_screenshot(reports, tmp_path, size, dark):
    shot = tmp_path / "shot.png"
    _run_browser(tmp_path, f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}",
                 *(["--force-dark-mode"] if dark else []), reports["plan"].as_uri())
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == size
    colours = _colours(rows)
    background, count = colours.most_common(1)[0]
    assert len(colours) > 16 and count < 0.97 * sum(colours.values()), "the screenshot is blank"
    expected = style.DARK["bg"] if dark else style.LIGHT["bg"]
    assert background == bytes.fromhex(expected[1:]), f"background {background.hex()} is not the theme's {expected}"


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
