"""Broken and hostile input never crashes a scan and never costs a finding.

Every case builds a small tree in a temporary directory: two good files with known
Clerk usage, plus one kind of trouble (binary data, broken encodings, odd line
endings, a 12 MB bundle, 5,000-level nesting, syntax errors, symbolic link loops,
FIFOs, unreadable files, odd file names ...). The tree is scanned twice:

* through the installed console script in a subprocess (JSON on stdout, warnings on
  stderr), and
* in process with ``run_scan`` and every reporter,

and both must agree: exit code 0 or 1, no traceback, the good files' findings
exactly as when scanned alone, the expected findings in the hostile files that can
still be read, and every skipped or partly scanned file reported exactly once
(a warning line on stderr, an ``errors`` entry in JSON, a
``toolExecutionNotifications`` entry in SARIF with ``executionSuccessful`` true).
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import unquote_to_bytes

import pytest

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.cli import printable
from clerk_lint.findings import ScanResult
from clerk_lint.report import render
from clerk_lint.report.sarif import artifact_uri
from clerk_lint.scan.driver import run_scan
from clerk_lint.scan.per_file import ScanOptions
from cli_helpers import cli_command

CATALOG = load_catalog()
TIMEOUT = 300  # seconds per console-script run; a hang fails instead of blocking CI

# --------------------------------------------------------------------------- sources

GOOD = {
    "app/page.tsx": (
        'import { useUser, SignInButton } from "@clerk/nextjs";\n'
        "\n"
        "export default function Page() {\n"
        "  const { user } = useUser();\n"
        "  return <div>{user ? user.id : <SignInButton />}</div>;\n"
        "}\n"
    ),
    "lib/auth.ts": (
        'import { auth } from "@clerk/nextjs/server";\n'
        "\n"
        "export async function requireUser() {\n"
        "  const { userId } = await auth();\n"
        "  return userId;\n"
        "}\n"
    ),
}

# The Clerk usage planted in hostile files: an import on line 1, useUser() on line 3.
CLERK = (
    'import { useUser } from "@clerk/nextjs";\n'
    "export function Profile() {\n"
    "  const { user } = useUser();\n"
    "  return user;\n"
    "}\n"
)
USE_USER_COLUMN = CLERK.splitlines()[2].index("useUser") + 1



def write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


Spot = tuple[str, int, int]  # (code, line, column)


def spots(findings, path: str) -> set[Spot]:
    return {(f["code"], f["location"]["line"], f["location"]["column"])
            for f in findings if f["location"]["path"] == path}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Findings of a clean UTF-8, LF-only copy of some source: what a hostile copy
    that can still be read must yield too."""
    base = tmp_path_factory.mktemp("reference")
    cache: dict[str, set[Spot]] = {}

    def of(text: str, line_offset: int = 0) -> set[Spot]:
        if text not in cache:
            root = base / str(len(cache))
            write(root, "ref.tsx", text)
            result = run_scan([root], CATALOG)
            assert not result.problems, result.problems
            cache[text] = {(f.code, f.location.line, f.location.column) for f in result.findings}
        return {(code, line + line_offset, col) for code, line, col in cache[text]}

    return of


@pytest.fixture(scope="module")
def good_baseline(tmp_path_factory) -> list[dict]:
    root = tmp_path_factory.mktemp("good")
    for rel, text in GOOD.items():
        write(root, rel, text)
    doc = json.loads(render("json", run_scan([root], CATALOG), CATALOG))
    assert doc["errors"] == []
    assert {f["code"] for f in doc["findings"]} >= {"CLK001", "CLK201"}
    return doc["findings"]


# --------------------------------------------------------------------------- faults
# Faults a test cannot create on disk (we may run as root, who reads everything) are
# installed by a snippet defining install(setattr): run by the console-script
# subprocess before main(), and in process through monkeypatch.

UNREADABLE_PATCH = '''
import os
def install(setattr):
    real_open = os.open  # clerk_lint.readers.source opens files as descriptors
    def guarded_open(file, *args, **kwargs):
        if str(file).endswith("locked.ts"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    setattr(os, "open", guarded_open)
'''

CRASH_PATCH = '''
import clerk_lint.readers.ecma.analyzer as _js
def install(setattr):
    real = _js.analyze
    def exploding(source, candidate, *args, **kwargs):
        if candidate.relpath.endswith("boom.tsx"):
            raise RuntimeError("simulated analyzer bug\\non two lines")
        return real(source, candidate, *args, **kwargs)
    setattr(_js, "analyze", exploding)
'''


def install_in_process(patch: str, monkeypatch) -> None:
    namespace: dict = {}
    exec(patch, namespace)  # noqa: S102 - test-only fault injection
    namespace["install"](lambda obj, name, value: monkeypatch.setattr(obj, name, value, raising=False))


def console_command(patch: str) -> list[str]:
    if not patch:
        return cli_command()
    boot = patch + "\ninstall(setattr)\nfrom clerk_lint.cli import main\nmain(prog_name='clerk-lint')\n"
    return [sys.executable, "-c", boot]


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    name: str
    build: Callable[[Path, Path], None]  # (scan root, scratch folder outside the root)
    problems: dict[str, str] = field(default_factory=dict)  # relpath -> kind, each reported once
    maybe: dict[str, tuple[str, ...]] = field(default_factory=dict)  # relpath -> kinds allowed, at most once
    # relpath -> (clean text, line offset): the file must yield the clean text's findings
    same_as: dict[str, tuple[str, int]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)  # relpath -> codes it must yield
    exact: dict[str, set[Spot]] = field(default_factory=dict)  # relpath -> exact findings
    silent: tuple[str, ...] = ()  # path prefixes that must yield no finding
    args: tuple[str, ...] = (".",)
    patch: str = ""
    deep: bool = False  # also scanned in process under a shallow Python stack
    needs: Optional[Callable[[], Optional[str]]] = None  # -> reason to skip, or None


def _binary(root, _):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    write(root, "public/logo.ts", png + b'import { useUser } from "@clerk/nextjs";')
    write(root, "public/blob.tsx", os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00" + CLERK.encode())


def _invalid_utf8(root, _):
    write(root, "src/latin1.ts", b"// caf\xe9 cr\xe8me \xff\xfe\n" + CLERK.encode())


def _invalid_utf8_in_code(root, _):
    # The bad byte sits in code: undecodable AND a syntax error, still one report.
    write(root, "src/mangled.ts", b"const s = \xc3\x28 \xa0\xa1;\n" + CLERK.encode())


def _utf16(root, _):
    write(root, "src/wide_le.ts", b"\xff\xfe" + CLERK.encode("utf-16-le"))
    write(root, "src/wide_be.tsx", b"\xfe\xff" + CLERK.encode("utf-16-be"))
    write(root, "src/wide_32.ts", b"\xff\xfe\x00\x00" + CLERK.encode("utf-32-le"))


def _utf16_truncated(root, _):
    write(root, "src/odd.ts", b"\xff\xfe" + CLERK.encode("utf-16-le") + b"\x41")


def _nul_early(root, _):
    write(root, "src/nul.ts", CLERK.encode() + b"const x = '\x00';\n")


def _nul_late(root, _):
    padding = b"// " + b"x" * 9000 + b"\n"
    write(root, "src/late_nul.ts", CLERK.encode() + padding + b"const z = 1;\x00\n")


def _crlf(root, _):
    write(root, "src/crlf.ts", CLERK.replace("\n", "\r\n"))
    write(root, "src/cr.ts", CLERK.replace("\n", "\r"))
    lines = CLERK.split("\n")
    mixed = lines[0] + "\r\n" + lines[1] + "\r" + lines[2] + "\n" + lines[3] + "\r\n" + lines[4] + "\r"
    write(root, "src/mixed.ts", mixed)


BUNDLE_BYTES = 12_000_000


def _bundle(root, _):
    head = 'import { useUser } from "@clerk/nextjs";var u=useUser();'
    body = "var a=function(b){return b+1};" * ((BUNDLE_BYTES - len(head)) // 30 + 1)
    write(root, "public/app-bundle.js", (head + body)[:BUNDLE_BYTES])


def _over_limit(root, _):
    write(root, "src/big.ts", CLERK + "// padding\n" * 300)


DEEP = 5000
DEEP_SHAPES = {
    "arrays.ts": "const v = " + "[" * DEEP + "useUser()" + "]" * DEEP + ";\n",
    "parens.ts": "const v = " + "(" * DEEP + "useUser()" + ")" * DEEP + ";\n",
    "elements.tsx": "const v = " + "<div>" * DEEP + "{useUser()}" + "</div>" * DEEP + ";\n",
    "arrows.ts": "const v = " + "() => " * DEEP + "useUser();\n",
}
DEEP_IMPORT = 'import { useUser } from "@clerk/nextjs";\n'


def _deep(root, _):
    for name, body in DEEP_SHAPES.items():
        write(root, f"deep/{name}", DEEP_IMPORT + body)


def _syntax_errors(root, _):
    write(root, "src/broken.tsx", "const = = ;\n" + CLERK)
    write(root, "src/unterminated.ts", CLERK + "function oops( {\n  if (\n")


def _symlink_loops(root, _):
    os.symlink(".", root / "loop")
    write(root, "cyc/inside.ts", CLERK)
    os.symlink("../cyc", root / "cyc" / "again")
    os.symlink("self.ts", root / "self.ts")  # a link to itself: ELOOP


def _outside_links(root, scratch):
    outside = scratch / "elsewhere"
    write(outside, "secret.tsx", CLERK)
    os.symlink(outside / "secret.tsx", root / "ext.tsx")
    os.symlink(outside, root / "extdir")
    os.symlink(scratch / "missing.ts", root / "gone.ts")


def _unreadable(root, _):
    path = write(root, "src/locked.ts", CLERK)
    if not RUNNING_AS_ROOT:  # root reads everything: the fault is injected instead
        path.chmod(0)


RUNNING_AS_ROOT = getattr(os, "geteuid", lambda: 0)() == 0


def _dir_named_like_file(root, _):
    write(root, "weird.tsx/inner.ts", CLERK)


def _fifo(root, _):
    os.mkfifo(root / "pipe.ts")


def _devices_and_sockets(root, _):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cwd = os.getcwd()
    os.chdir(root)  # AF_UNIX paths are limited to ~100 bytes; bind a short relative one
    try:
        sock.bind("sock.ts")
    finally:
        os.chdir(cwd)
        sock.close()
    try:
        os.mknod(root / "null.ts", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError):
        os.symlink("/dev/null", root / "null.ts")  # no CAP_MKNOD: a link to a device instead


def _empty(root, _):
    write(root, "src/empty.ts", b"")
    write(root, "src/blank.tsx", " \n\t\r\n\n")
    write(root, "src/bom_only.ts", b"\xef\xbb\xbf")
    write(root, "src/wide_empty.ts", b"\xff\xfe")


LONG = 1_000_000


def _long_line(root, _):
    write(root, "src/long.ts", DEEP_IMPORT + "const pad = '" + "x" * LONG + "'; const me = useUser();\n")


NON_ASCII_LINE = 'const 𝒳 = "😀 café 名前"; /* ü */ const { user } = useUser(); // 🎉'


def _non_ascii(root, _):
    write(root, "src/intl.tsx", DEEP_IMPORT + "\n" + NON_ASCII_LINE + "\n")


def _odd_paths(root, _):
    write(root, "src/my app/página 😀.tsx", CLERK)
    write(root, "with space.ts", CLERK)
    write(root, "src/100%#?;,[x].ts", CLERK)


def _non_utf8_name(root, _):
    folder = os.fsencode(root / "src")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, b"bad\xffname.tsx"), "wb") as fh:
        fh.write(CLERK.encode())


def _non_utf8_names_supported() -> Optional[str]:
    if sys.platform == "darwin" or os.name == "nt":
        return "the file system rejects file names that are not valid UTF-8"
    return None


def _newline_name(root, _):
    write(root, "src/new\nline.tsx", "const = ;\n" + CLERK)


def _deep_manifests(root, _):
    nest = 5000
    write(root, "pkg/package.json", '{"dependencies": {"@clerk/nextjs": "^6"}, "x": '
          + "[" * nest + "1" + "]" * nest + "}")
    write(root, "pkg/app.json", '{"expo": {"plugins": [' + "[" * nest + '"@clerk/clerk-expo"' + "]" * nest + "]}}")
    write(root, "pkg/supabase/config.toml", "[auth.third_party.clerk]\nenabled = true\nx = "
          + "[" * nest + "1" + "]" * nest + "\n")


PY_BROKEN = (
    "from clerk_backend_api import Clerk\n"
    "import os\n"
    "\n"
    'clerk = Clerk(bearer_auth=os.environ["CLERK_SECRET_KEY"])\n'
    "\n"
    "\n"
    "def get_user(user_id):\n"
    "    return clerk.users.get(user_id=user_id)\n"
    "\n"
    "\n"
    "def broken(:\n"
    "    pass\n"
    "\n"
    "\n"
    "def ban(user_id):\n"
    "    return clerk.users.ban(user_id=user_id)\n"
)
TS_UNCLOSED = (
    'import { useUser, useAuth } from "@clerk/nextjs";\n'
    "export function A() {\n"
    "  const { user } = useUser();\n"
    "  const { userId } = useAuth();\n"
    "  return user;\n"
    "}\n"
    "export const broken = f" + "(" * 100 + "\n"
    "export function B() {\n"
    "  const { user } = useUser();\n"
    "  return user;\n"
    "}\n"
)


def _python_syntax_error(root, _):
    write(root, "api/users.py", PY_BROKEN)


def _unclosed_parens(root, _):
    write(root, "src/unclosed.ts", TS_UNCLOSED)


VUE_UNCLOSED = ('<script setup lang="ts">\nimport { useUser } from "@clerk/vue";\nconst { user } = useUser();\n\n'
                '<template>\n  <div>{{ user?.id }}</div>\n</template>\n')
SVELTE_UNCLOSED = ('<script lang="ts">\n  import { useClerkContext } from "svelte-clerk";\n'
                   "  const ctx = useClerkContext();\n\n<p>{ctx.user?.id}</p>\n")
ASTRO_UNCLOSED = ('---\nimport { SignedIn } from "@clerk/astro/components";\nconst title = "Account";\n\n'
                  "<SignedIn><p>{title}</p></SignedIn>\n")


def _unclosed_blocks(root, _):
    write(root, "src/components/Profile.vue", VUE_UNCLOSED)
    write(root, "src/lib/Profile.svelte", SVELTE_UNCLOSED)
    write(root, "src/pages/account.astro", ASTRO_UNCLOSED)


def _crash(root, _):
    write(root, "src/boom.tsx", CLERK)


def _not_linux_root_mknod() -> Optional[str]:
    return None if hasattr(socket, "AF_UNIX") and hasattr(os, "mkfifo") else "no FIFOs or unix sockets"


CASES = [
    Case("binary", _binary, problems={"public/logo.ts": "binary", "public/blob.tsx": "binary"},
         silent=("public/",)),
    Case("invalid-utf8", _invalid_utf8, problems={"src/latin1.ts": "decode"},
         same_as={"src/latin1.ts": (CLERK, 1)}),
    Case("invalid-utf8-in-code", _invalid_utf8_in_code, problems={"src/mangled.ts": "decode"},
         same_as={"src/mangled.ts": (CLERK, 1)}),
    Case("utf16-utf32-bom", _utf16,
         same_as={"src/wide_le.ts": (CLERK, 0), "src/wide_be.tsx": (CLERK, 0), "src/wide_32.ts": (CLERK, 0)}),
    Case("utf16-odd-length", _utf16_truncated, problems={"src/odd.ts": "decode"},
         same_as={"src/odd.ts": (CLERK, 0)}),
    Case("nul-near-start", _nul_early, problems={"src/nul.ts": "binary"}, silent=("src/nul.ts",)),
    Case("nul-past-sniff-window", _nul_late, problems={"src/late_nul.ts": "parse-partial"},
         same_as={"src/late_nul.ts": (CLERK, 0)}),
    Case("crlf-and-lone-cr", _crlf,
         same_as={"src/crlf.ts": (CLERK, 0), "src/cr.ts": (CLERK, 0), "src/mixed.ts": (CLERK, 0)}),
    Case("12mb-single-line-bundle", _bundle, problems={"public/app-bundle.js": "too-large"},
         silent=("public/",)),
    Case("over-max-file-size", _over_limit, problems={"src/big.ts": "too-large"}, silent=("src/big.ts",),
         args=(".", "--max-file-size", "1000")),
    Case("5000-level-nesting", _deep, deep=True,
         codes={f"deep/{name}": {"CLK001", "CLK201"} for name in DEEP_SHAPES}),
    Case("syntax-errors", _syntax_errors,
         problems={"src/broken.tsx": "parse-partial", "src/unterminated.ts": "parse-partial"},
         same_as={"src/broken.tsx": (CLERK, 1)},
         codes={"src/unterminated.ts": {"CLK001", "CLK201"}}),
    Case("symlink-loops", _symlink_loops,
         problems={"loop": "skipped", "cyc/again": "skipped", "self.ts": "skipped"},
         same_as={"cyc/inside.ts": (CLERK, 0)}, silent=("loop/", "cyc/again/")),
    Case("symlink-loops-followed", _symlink_loops, args=(".", "--follow-symlinks"),
         problems={"loop": "skipped", "cyc/again": "skipped", "self.ts": "skipped"},
         same_as={"cyc/inside.ts": (CLERK, 0)}, silent=("loop/", "cyc/again/")),
    Case("links-outside-root", _outside_links,
         problems={"ext.tsx": "skipped", "extdir": "skipped", "gone.ts": "skipped"},
         silent=("ext", "gone")),
    Case("links-outside-root-followed", _outside_links, args=(".", "--follow-symlinks"),
         problems={"ext.tsx": "skipped", "extdir": "skipped", "gone.ts": "skipped"},
         silent=("ext", "gone")),
    Case("unreadable-file", _unreadable, problems={"src/locked.ts": "unreadable"}, silent=("src/locked.ts",),
         patch=UNREADABLE_PATCH if RUNNING_AS_ROOT else ""),
    Case("directory-named-like-a-file", _dir_named_like_file, same_as={"weird.tsx/inner.ts": (CLERK, 0)}),
    Case("fifo", _fifo, problems={"pipe.ts": "skipped"}, needs=_not_linux_root_mknod),
    Case("fifo-given-explicitly", _fifo, problems={"pipe.ts": "skipped"}, args=(".", "pipe.ts"),
         needs=_not_linux_root_mknod),
    Case("device-and-socket", _devices_and_sockets, problems={"sock.ts": "skipped", "null.ts": "skipped"},
         needs=_not_linux_root_mknod),
    Case("empty-files", _empty),
    Case("very-long-line", _long_line, exact={"src/long.ts": {
        ("CLK001", 1, 1), ("CLK201", 2, len("const pad = '") + LONG + len("'; const me = ") + 1)}}),
    Case("non-ascii-before-finding", _non_ascii, exact={"src/intl.tsx": {
        ("CLK001", 1, 1),
        ("CLK201", 3, len(NON_ASCII_LINE[:NON_ASCII_LINE.index("useUser")].encode("utf-16-le")) // 2 + 1)}}),
    Case("paths-with-spaces-and-unicode", _odd_paths,
         same_as={"src/my app/página 😀.tsx": (CLERK, 0), "with space.ts": (CLERK, 0),
                  "src/100%#?;,[x].ts": (CLERK, 0)}),
    Case("file-name-not-utf8", _non_utf8_name, same_as={"src/bad\ufffdname.tsx": (CLERK, 0)},
         needs=_non_utf8_names_supported),
    Case("newline-in-file-name", _newline_name, problems={"src/new\nline.tsx": "parse-partial"},
         same_as={"src/new\nline.tsx": (CLERK, 1)}, needs=_non_utf8_names_supported),
    # Manifests and configs: the scan finishes; a file the analyzer cannot take is reported once.
    Case("5000-level-nesting-in-json-and-toml", _deep_manifests, silent=(),
         maybe={"pkg/package.json": ("internal-error", "parse-partial", "skipped"),
                "pkg/app.json": ("internal-error", "parse-partial", "skipped"),
                "pkg/supabase/config.toml": ("internal-error", "parse-partial", "skipped")}),
    # The statements before (and after) a Python syntax error are scanned, not only the imports.
    Case("python-syntax-error-mid-file", _python_syntax_error, problems={"api/users.py": "parse-partial"},
         exact={"api/users.py": {("CLK800", 1, 1), ("CLK802", 4, 9), ("CLK845", 4, 27), ("CLK803", 8, 12),
                                 ("CLK803", 16, 12)}}),
    # 100 unclosed parentheses: the parser's root is an ERROR node; the intact calls still count.
    Case("ts-100-unclosed-parens", _unclosed_parens, problems={"src/unclosed.ts": "parse-partial"},
         exact={"src/unclosed.ts": {("CLK001", 1, 1), ("CLK201", 3, 20), ("CLK202", 4, 22), ("CLK201", 9, 20)}}),
    # A component whose <script> (or Astro frontmatter) is never closed: code up to the first
    # line of markup, the rest as its template; the file is reported partly scanned.
    Case("unclosed-script-and-frontmatter", _unclosed_blocks,
         problems={"src/components/Profile.vue": "parse-partial", "src/lib/Profile.svelte": "parse-partial",
                   "src/pages/account.astro": "parse-partial"},
         exact={"src/components/Profile.vue": {("CLK001", 2, 1), ("CLK201", 3, 18)},
                "src/lib/Profile.svelte": {("CLK001", 2, 3), ("CLK937", 3, 15)},
                "src/pages/account.astro": {("CLK001", 2, 1), ("CLK108", 5, 1)}}),
    Case("analyzer-crash-on-one-file", _crash, problems={"src/boom.tsx": "internal-error"},
         silent=("src/boom.tsx",), patch=CRASH_PATCH),
]


# --------------------------------------------------------------------------- checks


def build_tree(case: Case, tmp_path: Path) -> Path:
    if case.needs is not None and (reason := case.needs()):
        pytest.skip(reason)
    root = tmp_path / "tree"
    for rel, text in GOOD.items():
        write(root, rel, text)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    case.build(root, scratch)
    return root


@contextlib.contextmanager
def shallow_stack(headroom: int = 250):
    """Allow only `headroom` more Python frames: a tree walk that recurses once per
    nesting level fails here with RecursionError instead of passing by luck."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + headroom)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def check_findings(case: Case, findings: list[dict], good_baseline: list[dict], reference) -> None:
    for rel in GOOD:
        assert [f for f in findings if f["location"]["path"] == rel] == \
               [f for f in good_baseline if f["location"]["path"] == rel], f"finding lost in good file {rel}"
    for rel, (text, offset) in case.same_as.items():
        want = reference(text, offset)
        assert want and spots(findings, rel) == want, rel
    for rel, codes in case.codes.items():
        assert codes <= {code for code, _, _ in spots(findings, rel)}, rel
    for rel, want in case.exact.items():
        assert spots(findings, rel) == want, rel
    for prefix in case.silent:
        assert not [f for f in findings if f["location"]["path"].startswith(prefix)], prefix
    expected_paths = set(GOOD) | set(case.same_as) | set(case.codes) | set(case.exact) | set(case.maybe)
    assert {f["location"]["path"] for f in findings} <= expected_paths


def check_errors(case: Case, errors: list[dict]) -> None:
    paths = [e["path"] for e in errors]
    assert len(paths) == len(set(paths)), errors  # each problem file exactly once
    assert set(case.problems) <= set(paths) <= set(case.problems) | set(case.maybe), errors
    for error in errors:
        assert error["kind"] in ((case.problems[error["path"]],) if error["path"] in case.problems
                                 else case.maybe[error["path"]]), error
        assert error["reason"] and "\n" not in error["reason"] and "Traceback" not in error["reason"]
        assert error["partial"] == (error["kind"] in ("decode", "parse-partial", "time-limit")), error


def check_warnings(case: Case, stderr: str, errors: list[dict]) -> None:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == len(errors), stderr
    assert all(line.startswith("clerk-lint: warning: ") for line in lines), stderr
    for rel in (e["path"] for e in errors):
        shown = printable(rel).replace("\n", "\\n")
        assert sum(line.startswith(f"clerk-lint: warning: {shown}: ") for line in lines) == 1, (rel, stderr)


def check_sarif(case: Case, doc: dict, result: ScanResult) -> None:
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = invocation.get("toolExecutionNotifications", [])
    by_path = {p.path: p for p in result.problems}
    assert len(notes) == len(result.problems) == len(by_path)
    assert set(case.problems) <= set(by_path)
    for note in notes:
        uri = note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        problem = next(p for p in result.problems if artifact_uri(p.path) == uri)
        assert note["message"]["text"] == problem.reason
        assert unquote_to_bytes(uri) == problem.path.encode("utf-8", "surrogateescape")
    for res in doc["runs"][0]["results"]:
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert unquote_to_bytes(uri).decode("utf-8", "replace") in {
            printable(f.location.path) for f in result.findings}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_input(case: Case, tmp_path, monkeypatch, good_baseline, reference):
    root = build_tree(case, tmp_path)

    # 1. The real console script.
    proc = subprocess.run([*console_command(case.patch), "scan", *case.args, "--format", "json"],
                          cwd=root, capture_output=True, timeout=TIMEOUT)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr  # an uncaught exception exits 1 too
    assert proc.returncode in (0, 1), stderr
    doc = json.loads(proc.stdout.decode("utf-8"))
    check_warnings(case, stderr, doc["errors"])
    check_findings(case, doc["findings"], good_baseline, reference)
    check_errors(case, doc["errors"])

    # 2. In process, every reporter; must agree with the console script byte for byte.
    if case.patch:
        install_in_process(case.patch, monkeypatch)
    monkeypatch.chdir(root)
    options = ScanOptions(follow_symlinks="--follow-symlinks" in case.args,
                          max_bytes=int(case.args[case.args.index("--max-file-size") + 1])
                          if "--max-file-size" in case.args else ScanOptions().max_bytes)
    paths = [Path(a) for a in case.args if not a.startswith("--") and not a.isdigit()]
    with shallow_stack() if case.deep else contextlib.nullcontext():
        result = run_scan(paths, CATALOG, options)
        rendered = {fmt: render(fmt, result, CATALOG) for fmt in ("json", "sarif", "github", "text")}
    assert printable(rendered["json"]).encode("utf-8") == proc.stdout
    check_sarif(case, json.loads(printable(rendered["sarif"])), result)
    for line in rendered["github"].splitlines():
        assert line.startswith(("::error ", "::warning ", "::notice ")), line
    text = rendered["text"]
    for f in doc["findings"]:
        loc = f["location"]
        if "\n" not in loc["path"]:
            assert f"{printable(loc['path'])}:{loc['line']}:{loc['column']}: {f['code']} " in printable(text)
    if result.problems:
        partial = sum(p.partial for p in result.problems)
        assert f"{len(result.problems) - partial} skipped, {partial} partly scanned" in text


# --------------------------------------------------------------------------- more


def test_12mb_bundle_is_scanned_when_the_limit_allows(tmp_path):
    """--max-file-size is the only thing between a bundle and the scanner: with the
    limit raised, a large single-line bundle is read and its Clerk import found."""
    head = 'import { useUser } from "@clerk/nextjs";var u=useUser();'
    write(tmp_path, "bundle.js", head + "var a=[1,2,3];" * 150_000)  # ~2.1 MB, one line
    result = run_scan([tmp_path], CATALOG, ScanOptions(max_bytes=3_000_000))
    assert {f.code for f in result.findings} >= {"CLK001", "CLK201"}
    assert not result.problems
    assert run_scan([tmp_path], CATALOG).problems[0].kind == "too-large"


def test_unreadable_file_via_os_error_in_process(tmp_path, monkeypatch, good_baseline):
    """The same fault through CliRunner, text format: one warning line, exit 1, report intact."""
    from click.testing import CliRunner

    from clerk_lint.cli import main

    for rel, text in GOOD.items():
        write(tmp_path, rel, text)
    write(tmp_path, "src/locked.ts", CLERK)
    install_in_process(UNREADABLE_PATCH, monkeypatch)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(**({"mix_stderr": False} if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else {}))
    outcome = runner.invoke(main, ["scan", "."])
    assert outcome.exit_code == 1, outcome.output
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit)
    assert outcome.stderr.splitlines() == ["clerk-lint: warning: src/locked.ts: cannot read file: Permission denied"]
    assert "app/page.tsx:4:20: CLK201" in outcome.stdout
    assert "1 file problem: 1 skipped, 0 partly scanned" in outcome.stdout


def test_file_vanishing_between_discovery_and_read(tmp_path, monkeypatch, good_baseline):
    """A file deleted after it was listed is reported unreadable; the rest is kept."""
    import clerk_lint.scan.driver as scan_module

    for rel, text in GOOD.items():
        write(tmp_path, rel, text)
    doomed = write(tmp_path, "src/doomed.ts", CLERK)
    real_discover = scan_module.discover

    def discover_then_delete(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        doomed.unlink()
        return found

    monkeypatch.setattr(scan_module, "discover", discover_then_delete)
    result = run_scan([tmp_path], CATALOG)
    assert [(p.path, p.kind) for p in result.problems] == [("src/doomed.ts", "unreadable")]
    doc = json.loads(render("json", result, CATALOG))
    assert doc["findings"] == good_baseline


# Every shape of deep nesting we know, each around a Clerk call. The scan must finish
# without RecursionError (checked under a shallow Python stack) and still find the call.
# Walking up from a node costs tree-sitter O(depth), so a few shapes are quadratic in
# the depth; they run at a smaller depth unless CLERK_LINT_DEEP is set (e.g. 5000).
ALL_DEEP_SHAPES: dict[str, Callable[[int], str]] = {
    "arrays.ts": lambda n: "const v = " + "[" * n + "useUser()" + "]" * n + ";\n",
    "parens.ts": lambda n: "const v = " + "(" * n + "useUser()" + ")" * n + ";\n",
    "elements.tsx": lambda n: "const v = " + "<div>" * n + "{useUser()}" + "</div>" * n + ";\n",
    "self-closing.tsx": lambda n: "const v = " + "<A b={" * n + "useUser()" + "} />" * n + ";\n",
    "arrows.ts": lambda n: "const v = " + "() => " * n + "useUser();\n",
    "blocks.ts": lambda n: "function g() " + "{" * n + "useUser();" + "}" * n + "\n",
    "ternaries.ts": lambda n: "const v = " + "c ? " * n + "useUser()" + " : 0" * n + ";\n",
    "binary.ts": lambda n: "const v = " + "1 + " * n + "useUser();\n",
    "awaits.ts": lambda n: "async function g() { return " + "await " * n + "useUser(); }\n",
    "else-if.ts": lambda n: "function g(c) { " + "if (c) {} else " * n + "{ useUser(); } }\n",
    "unary.ts": lambda n: "const v = " + "!" * n + "useUser();\n",
    "assignments.ts": lambda n: "let a; const v = " + "a = " * n + "useUser();\n",
    "sequence.ts": lambda n: "const v = (" + "0, " * n + "useUser());\n",
    "generics.ts": lambda n: "let v: " + "A<" * n + "B" + ">" * n + " = useUser();\n",
    "calls.ts": lambda n: "const v = " + "f(" * n + "useUser()" + ")" * n + ";\n",
    "objects.ts": lambda n: "const v = " + "{a: " * n + "useUser()" + "}" * n + ";\n",
    "members.ts": lambda n: "const v = useUser()" + ".a" * n + ";\n",
    "templates.ts": lambda n: "const v = " + "`${" * n + "useUser()" + "}`" * n + ";\n",
    "functions.ts": lambda n: "function f() { " * n + "return useUser();" + " }" * n + "\n",
    "classes.ts": lambda n: "const v = " + "class { m() { return " * n + "useUser()" + "; } }" * n + ";\n",
}
QUADRATIC = {"self-closing.tsx", "calls.ts", "objects.ts", "members.ts", "templates.ts", "functions.ts", "classes.ts"}


@pytest.mark.parametrize("name", sorted(ALL_DEEP_SHAPES))
def test_deep_nesting_shapes(name, tmp_path):
    depth = int(os.environ.get("CLERK_LINT_DEEP", "0")) or (1500 if name in QUADRATIC else DEEP)
    write(tmp_path, name, DEEP_IMPORT + ALL_DEEP_SHAPES[name](depth))
    with shallow_stack():  # (no time budget: this is about the stack; a slow shape would end partial)
        result = run_scan([tmp_path], CATALOG, ScanOptions(file_time_budget=None))
        for fmt in ("json", "sarif", "github", "text"):
            render(fmt, result, CATALOG)
    assert {f.code for f in result.findings} >= {"CLK001", "CLK201"}, name
    assert all(p.kind == "parse-partial" for p in result.problems), result.problems


@pytest.mark.parametrize("damage", ["garbage", "empty", "wrong-shape", "wrong-types", "truncated"])
def test_damaged_cache_entries_are_misses(damage, tmp_path, good_baseline):
    """A --cache-dir whose entries were damaged (or written by something else) gives the
    same report as a run without a cache."""
    import pickle

    root = tmp_path / "tree"
    for rel, text in GOOD.items():
        write(root, rel, text)
    write(root, "py/app.py", "from clerk_backend_api import Clerk\nclerk = Clerk(bearer_auth='x')\n")
    cache = tmp_path / "cache"
    command = [*cli_command(), "scan", str(root), "--format", "json"]
    clean = subprocess.run(command, capture_output=True, timeout=TIMEOUT)
    first = subprocess.run([*command, "--cache-dir", str(cache)], capture_output=True, timeout=TIMEOUT)
    assert first.stdout == clean.stdout
    entries = [p for p in cache.rglob("*") if p.is_file()]
    if not entries:
        pytest.skip("no cache entries written")
    payload = {
        "garbage": b"garbage\x00\x80",
        "empty": b"",
        "wrong-shape": pickle.dumps(("x",)),
        "wrong-types": pickle.dumps(([], 5)),
        "truncated": None,
    }[damage]
    for entry in entries:
        entry.write_bytes(payload if payload is not None else entry.read_bytes()[:10])
    second = subprocess.run([*command, "--cache-dir", str(cache)], capture_output=True, timeout=TIMEOUT)
    assert b"Traceback" not in second.stderr, second.stderr.decode()
    assert second.returncode == clean.returncode
    assert second.stdout == clean.stdout


def test_unlistable_directory_is_reported_once(tmp_path, monkeypatch, good_baseline):
    """A folder that cannot be listed (permissions; simulated, as root lists everything)."""
    import clerk_lint.discover.walk as discover_module

    for rel, text in GOOD.items():
        write(tmp_path, rel, text)
    write(tmp_path, "secret/page.tsx", CLERK)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(discover_module.os, "scandir", scandir)
    result = run_scan([tmp_path], CATALOG)
    assert [(p.path, p.kind, p.reason) for p in result.problems] == [
        ("secret", "unreadable", "cannot list directory: Permission denied")]
    assert json.loads(render("json", result, CATALOG))["findings"] == good_baseline


def _cached_tree(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    root = tmp_path / "tree"
    for rel, text in GOOD.items():
        write(root, rel, text)
    write(root, "py/app.py", "from clerk_backend_api import Clerk\nclerk = Clerk(bearer_auth='x')\n")
    write(root, "py/hooks.py", "from clerk_backend_api import Clerk\n\n\ndef users(sdk: Clerk):\n"
                               "    return sdk.users.list()\n")
    write(root, "app/other.tsx", CLERK)
    return root, tmp_path / "cache", [*cli_command(), "scan", str(root), "--format", "json"]


class _Planted:
    """A pickle that runs code when loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_planted_pickle_in_the_cache_never_runs(tmp_path):
    import pickle

    root, cache, command = _cached_tree(tmp_path)
    clean = subprocess.run(command, capture_output=True, timeout=TIMEOUT)
    subprocess.run([*command, "--cache-dir", str(cache)], capture_output=True, timeout=TIMEOUT)
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries
    marker = tmp_path / "pwned"
    for entry in entries:
        entry.write_bytes(pickle.dumps(_Planted(marker)))
    # planted where an older, pickle-based version kept its entries too
    old = cache / "v1" / "ab" / ("ab" + "0" * 62)
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(pickle.dumps(_Planted(marker)))
    again = subprocess.run([*command, "--cache-dir", str(cache)], capture_output=True, timeout=TIMEOUT)
    assert not marker.exists()
    assert again.stdout == clean.stdout


def test_swapped_cache_entry_is_not_served(tmp_path):
    root, cache, command = _cached_tree(tmp_path)
    clean = subprocess.run(command, capture_output=True, timeout=TIMEOUT)
    subprocess.run([*command, "--cache-dir", str(cache)], capture_output=True, timeout=TIMEOUT)
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    assert len(entries) >= 2
    contents = [p.read_bytes() for p in entries]
    for entry, content in zip(entries, contents[1:] + contents[:1]):  # every entry moved to another's key
        entry.write_bytes(content)
    again = subprocess.run([*command, "--cache-dir", str(cache)], capture_output=True, timeout=TIMEOUT)
    assert again.stdout == clean.stdout


def test_cache_codec_refuses_what_is_not_its_own():
    from clerk_lint.findings import FileProblem
    from clerk_lint.scan import cache_codec

    key = "ab" * 32
    value = ([FileProblem("a.ts", "why", "skipped")], ("x", {("k", 1): None}))
    assert cache_codec.loads(key, cache_codec.dumps(key, value)) == value
    with pytest.raises(cache_codec.CodecError):  # stored under another key
        cache_codec.loads("cd" * 32, cache_codec.dumps(key, value))
    for hostile in ('{"c":"Popen","f":[["args","id"]]}', '{"c":"FileProblem","f":[["path","a"]]}',
                    '{"__reduce__":1}', '{"d":[[[1],2]]}'):
        with pytest.raises(cache_codec.CodecError):
            cache_codec.loads(key, f'["clerk-lint-cache","{key}",{hostile}]'.encode())
    with pytest.raises(cache_codec.CodecError):
        cache_codec.dumps(key, object())


def test_cache_codec_names_each_class_where_it_lives():
    """A dataclass moved to another module must move in ALLOWED too, or its entries stop being stored."""
    import importlib

    from clerk_lint.scan import cache_codec

    for name, module in cache_codec.ALLOWED.items():
        assert getattr(importlib.import_module(module), name).__module__ == module, name


# --------------------------------------------------------------------------- pathological sizes
# Each case once took seconds to minutes (quadratic or worse); each has a time limit far above
# what it takes now and far below what it took.

def _timed_scan(root: Path, limit: float, **options) -> ScanResult:
    import time

    start = time.perf_counter()
    result = run_scan([root], CATALOG, ScanOptions(**options))
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"took {elapsed:.1f} s (limit {limit} s)"
    return result


PATHOLOGICAL = {
    # 40 KB, 20k terms: a query pass kept a pending match per enclosing `+` (65 s)
    "long-sum.ts": lambda: CLERK + "export const total = " + "1+" * 20_000 + "1;\n",
    # 1,500 nested elements, each reading the user: every reference walked up the whole tree
    "deep-jsx.tsx": lambda: (DEEP_IMPORT + "export const V = () => { const { user } = useUser(); return "
                             + "<div title={user.id}>" * 1500 + "x" + "</div>" * 1500 + "; };\n"),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_shapes_are_near_linear(name, tmp_path):
    write(tmp_path, name, PATHOLOGICAL[name]())
    result = _timed_scan(tmp_path, 12.0, file_time_budget=None)
    assert {f.code for f in result.findings} >= {"CLK001", "CLK201"}
    assert not result.problems


@pytest.mark.parametrize("name", sorted(ALL_DEEP_SHAPES))
@pytest.mark.parametrize("small_tree", [0, 2_000])
def test_windowed_query_captures_equal_one_pass(name, small_tree, monkeypatch):
    """The deep-tree windows find exactly what one unlimited query pass finds (small trees
    skip them, so they are made to take them too)."""
    import tree_sitter as ts

    from clerk_lint.readers.ecma import queries
    from clerk_lint.readers.ecma.parse import parse

    monkeypatch.setattr(queries, "SMALL_TREE", small_tree)

    lang = "tsx" if name.endswith(".tsx") else "typescript"
    data = (DEEP_IMPORT + ALL_DEEP_SHAPES[name](150) + 'if (evt.type === "user.created") {}\n').encode()
    root = parse(data, lang).root_node
    query = queries._merged(lang)

    def spans(found):
        return {k: sorted((n.start_byte, n.end_byte, n.type) for n in v) for k, v in found.items()}

    assert spans(queries._windowed_captures(query, lang, root)) == spans(ts.QueryCursor(query).captures(root))


SLOW_PATCH = '''
import time
import clerk_lint.readers.ecma.analyzer as _js
import clerk_lint.readers.python.walker as _py
from clerk_lint import time_budget
def wait_out_the_budget():  # late in the analysis: the earlier findings are in
    deadline = time_budget._deadline[0]
    if deadline is not None:
        time.sleep(max(0.0, deadline - time.monotonic()) + 0.05)
    time_budget.check()
def install(setattr):
    real = _js._carried_findings
    def slow(*args, **kwargs):
        wait_out_the_budget()
        return real(*args, **kwargs)
    setattr(_js, "_carried_findings", slow)
    real_events = _py.PyFile._events
    def slow_events(self):
        wait_out_the_budget()
        return real_events(self)
    setattr(_py.PyFile, "_events", slow_events)
'''


def test_file_over_the_time_budget_keeps_its_earlier_findings(tmp_path, monkeypatch):
    write(tmp_path, "src/profile.tsx", CLERK)
    write(tmp_path, "api/app.py", "from clerk_backend_api import Clerk\nclerk = Clerk(bearer_auth='x')\n")
    proc = subprocess.run([*console_command(SLOW_PATCH), "scan", ".", "--format", "json", "--file-time-budget", "1.5"],
                          cwd=tmp_path, capture_output=True, timeout=TIMEOUT)
    stderr = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in stderr, stderr
    doc = json.loads(proc.stdout)
    assert {(e["path"], e["kind"], e["partial"]) for e in doc["errors"]} == {
        ("src/profile.tsx", "time-limit", True), ("api/app.py", "time-limit", True)}
    assert len(stderr.splitlines()) == 2 and "per-file time budget (1.5 s" in stderr
    assert spots(doc["findings"], "src/profile.tsx") >= {("CLK001", 1, 1), ("CLK201", 3, USE_USER_COLUMN)}
    assert {f["code"] for f in doc["findings"] if f["location"]["path"] == "api/app.py"} >= {"CLK800", "CLK802"}
    # without the budget the same files are whole
    install_in_process(SLOW_PATCH, monkeypatch)
    result = run_scan([tmp_path], CATALOG, ScanOptions(file_time_budget=None))
    assert not result.problems


def test_sql_string_of_3000_lines_is_fast(tmp_path):
    rows = "".join(f"  INSERT INTO audit (clerk_user_id, note) VALUES ('user_{i}', 'n{i}');\n" for i in range(3000))
    write(tmp_path, "db/migrate.ts", 'import { clerkClient } from "@clerk/nextjs/server";\n'
          f"export const SQL = `\n{rows}`;\nexport const c = clerkClient;\n")
    write(tmp_path, "db/migrate.py", f'from clerk_backend_api import Clerk\nSQL = """\n{rows}"""\n')
    result = _timed_scan(tmp_path, 8.0)
    assert {f.code for f in result.findings} >= {"CLK001", "CLK800"}


BIG_BYTES = 16_000_000


def test_big_bundle_stays_under_a_gigabyte(tmp_path):
    """A 16 MB bundle scanned with a raised --max-file-size: one syntax tree of it took over a
    gigabyte (a 50 MB one 3.4 GB); read in pieces, memory stays bounded whatever the size."""
    head = 'import { useUser } from "@clerk/nextjs";var u=useUser();'
    write(tmp_path, "static/app.js", (head + "var a=function(b){return b+1};" * (BIG_BYTES // 30))[:BIG_BYTES])
    measure = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True); "
               "sys.stdout.write(p.stdout.decode() + '\\n@@' + str(p.returncode) + ' ' + "
               "str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))")
    proc = subprocess.run([sys.executable, "-c", measure, *cli_command(), "scan", ".", "--format", "json",
                           "--max-file-size", str(BIG_BYTES + 1), "--file-time-budget", "4"],
                          cwd=tmp_path, capture_output=True, timeout=TIMEOUT)
    out, _, tail = proc.stdout.decode().rpartition("\n@@")
    code, kilobytes = (int(x) for x in tail.split())
    assert code == 1, out
    assert kilobytes < 1_000_000, f"{kilobytes // 1024} MB"
    doc = json.loads(out)
    assert spots(doc["findings"], "static/app.js") >= {("CLK001", 1, 1)}
    assert [e["path"] for e in doc["errors"]] == ["static/app.js"] and doc["errors"][0]["partial"]
