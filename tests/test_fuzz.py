"""Property-based fuzzing of the scanner's front end: no input makes an exception escape.

Fed with random bytes, random text, token soup and mutations of a realistic Clerk TSX
file (byte ranges deleted, duplicated, swapped; random unicode and bytes inserted;
truncation; re-encoding as UTF-16 or with CR / CRLF line endings):

* ``decode_source`` / ``read_source`` turn any bytes into a SourceText or a FileProblem;
* the JS analyzer, given any SourceText, returns a FileAnalysis whose locations lie in
  the file;
* ``scan_file`` on such a file reports no ``internal-error`` (its guard would hide a
  crash, so this checks the layers behind the guard too), and every reporter renders
  the result.

The default run is short (100 examples per test). For a long fuzz run set
CLERK_LINT_FUZZ_EXAMPLES, e.g.::

    CLERK_LINT_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py -q

(``--hypothesis-seed=N`` replays a run; ``--hypothesis-show-statistics`` prints the
number of examples and their timing). Hypothesis keeps failing examples in
``.hypothesis/`` and replays them first next time.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk_lint.readers.ecma import analyzer as js_analyzer
from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.discover.walk import Candidate
from clerk_lint.findings import FileAnalysis, ScanResult
from clerk_lint.report import FORMATS, render
from clerk_lint.scan.per_file import ScanOptions, scan_file
from clerk_lint.readers.source import LineIndex, SourceText, decode_source, read_source

CATALOG = load_catalog()
EXAMPLES = int(os.environ.get("CLERK_LINT_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
LANGUAGES = {"javascript": "f.jsx", "typescript": "f.ts", "tsx": "f.tsx"}
WORKDIR = Path(tempfile.mkdtemp(prefix="clerk-lint-fuzz-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)

BASE = '''\
"use client";
import { useUser, useAuth, useOrganization, SignedIn, SignedOut, SignInButton, UserButton,
  Protect, ClerkProvider } from "@clerk/nextjs";
import * as Clerk from "@clerk/clerk-react";
import type { User } from "@clerk/nextjs/server";
import { auth, currentUser, clerkClient, clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";
import { Webhook } from "svix";
const { getAuth } = require("@clerk/express");

export function useMe() {
  const { user, isLoaded } = useUser();
  return isLoaded ? user : null;
}

export default function Page({ children }: { children: React.ReactNode }) {
  const { getToken, has, orgId } = useAuth();
  const { organization } = useOrganization();
  const me = useMe();
  const canEdit = has?.({ permission: "org:invoices:edit" });
  const label = `Hi ${me?.firstName ?? "there"} — 名前 😀`;
  return (
    <ClerkProvider publishableKey={process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY}>
      <SignedIn>
        <UserButton afterSignOutUrl="/" />
        <Protect role="org:admin" fallback={<p>no</p>}>{children}</Protect>
        <Clerk.OrganizationSwitcher />
      </SignedIn>
      <SignedOut><SignInButton mode="modal">{label}</SignInButton></SignedOut>
      {canEdit && organization ? <a href={`/org/${orgId}`}>edit</a> : null}
      <button onClick={async () => fetch("/api", { headers: { Authorization: `Bearer ${await getToken({ template: "supabase" })}` } })} />
    </ClerkProvider>
  );
}

export async function loader(req: Request) {
  const { userId, sessionClaims, protect } = await auth();
  protect({ role: "org:admin" });
  const user: User | null = await currentUser();
  const client = await clerkClient();
  const list = await client.users.getUserList({ limit: 10 });
  await client.organizations.createOrganization({ name: "Acme", createdBy: userId! });
  return { user, list, plan: sessionClaims?.metadata?.plan, legacy: getAuth(req) };
}

const isPublic = createRouteMatcher(["/", "/sign-in(.*)"]);
export const middleware = clerkMiddleware(async (auth, req) => {
  if (!isPublic(req)) await auth.protect();
});

export async function POST(req: Request) {
  const wh = new Webhook(process.env.CLERK_WEBHOOK_SECRET!);
  const evt = wh.verify(await req.text(), Object.fromEntries(req.headers)) as { type: string };
  if (evt.type === "user.created" || evt.type === "session.ended") return new Response("ok");
  return new Response("ignored", { status: 400 });
}
'''
BASE_BYTES = BASE.encode("utf-8")

TOKENS = [
    "import", "export", "default", "from", "const", "let", "var", "function", "async", "await", "return",
    "if", "else", "new", "class", "extends", "type", "interface", "as", "satisfies", "typeof",
    "{", "}", "(", ")", "[", "]", "<", ">", "</", "/>", "=>", "=", ";", ",", ".", "?.", "!", "...",
    ":", "?", "`", "${", "'", '"', "//", "/*", "*/", "\n", " ",
    '"@clerk/nextjs"', '"@clerk/nextjs/server"', '"@clerk/clerk-react"', '"@clerk/express"', '"svix"',
    "useUser", "useAuth", "auth", "currentUser", "clerkClient", "clerkMiddleware", "SignedIn", "UserButton",
    "protect", "has", "getToken", "users", "getUserList", "Webhook", "verify", "require", "user", "x",
    "{ useUser }", "* as Clerk", "Clerk", "evt.type", '"user.created"', "sessionClaims", "名前", "😀",
]


@st.composite
def mutated_source(draw) -> bytes:
    """The realistic file, mangled by a few random edits, maybe re-encoded."""
    data = bytearray(BASE_BYTES)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "text", "bytes", "truncate", "byte"]))
        n = len(data)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 400)))
        if op == "delete":
            del data[i:j]
        elif op == "duplicate":
            data[j:j] = data[i:j] * draw(st.integers(1, 20))
        elif op == "swap" and n:
            k = draw(st.integers(0, n))
            l = draw(st.integers(k, min(n, k + 400)))
            a, b = bytes(data[i:j]), bytes(data[k:l])
            if j <= k:
                data[:] = data[:i] + b + data[j:k] + a + data[l:]
            elif l <= i:
                data[:] = data[:k] + a + data[l:i] + b + data[j:]
        elif op == "text":
            data[i:i] = draw(st.text(max_size=40)).encode("utf-8", "surrogatepass")
        elif op == "bytes":
            data[i:i] = draw(st.binary(max_size=40))
        elif op == "truncate":
            del data[i:]
        elif op == "byte" and n:
            data[min(i, n - 1)] = draw(st.integers(0, 255))
    raw = bytes(data)
    wrap = draw(st.sampled_from(["none", "none", "utf-8-sig", "utf-16", "crlf", "cr"]))
    if wrap == "utf-8-sig":
        raw = b"\xef\xbb\xbf" + raw
    elif wrap == "utf-16":
        raw = raw.decode("utf-8", "replace").encode("utf-16")  # with a BOM
    elif wrap == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif wrap == "cr":
        raw = raw.replace(b"\n", b"\r")
    return raw


token_soup = st.lists(st.sampled_from(TOKENS), max_size=300).map(" ".join)


def check_analysis(source: SourceText, language: str) -> FileAnalysis:
    candidate = Candidate(WORKDIR / LANGUAGES[language], LANGUAGES[language], WORKDIR, language)
    analysis = js_analyzer.analyze(source, candidate, CATALOG)
    assert isinstance(analysis, FileAnalysis)
    index = LineIndex(source)
    for f in analysis.findings:
        loc = f.location
        assert loc.path == candidate.relpath
        assert 1 <= loc.line <= loc.end_line <= index.line_count, loc
        assert loc.column >= 1 and loc.end_column >= 1
        assert (loc.line, loc.column) <= (loc.end_line, loc.end_column), loc
        assert loc.source_line == index.line_text(loc.line)
    for problem in analysis.problems:
        assert problem.kind != "internal-error" and "\n" not in problem.reason
    return analysis


def check_source(source, problem, raw: bytes) -> None:
    assert source is not None or problem is not None
    if source is not None:
        assert "\r" not in source.text
        assert source.data == source.text.encode("utf-8")
    if problem is not None:
        assert problem.reason and problem.kind in ("binary", "decode", "too-large", "unreadable", "skipped")


@FUZZ
@given(st.binary(max_size=4096))
def test_decode_source_never_raises(raw):
    source, problem = decode_source(raw, "f.ts")
    check_source(source, problem, raw)


@FUZZ
@given(mutated_source(), st.integers(1, 8000))
def test_read_source_never_raises(raw, limit):
    path = WORKDIR / "read.ts"
    path.write_bytes(raw)
    source, problem = read_source(path, "read.ts", max_bytes=limit)
    check_source(source, problem, raw)
    if len(raw) > limit:
        assert source is None and problem.kind == "too-large"


@FUZZ
@given(mutated_source(), st.sampled_from(sorted(LANGUAGES)))
def test_analyzer_survives_mutated_clerk_source(raw, language):
    source, _ = decode_source(raw, LANGUAGES[language])
    if source is not None:
        check_analysis(source, language)


@FUZZ
@given(st.text(max_size=2000), st.sampled_from(sorted(LANGUAGES)))
def test_analyzer_survives_random_text(text, language):
    check_analysis(SourceText.from_text('import { useUser } from "@clerk/nextjs";\n' + text), language)


@FUZZ
@given(token_soup, st.sampled_from(sorted(LANGUAGES)))
def test_analyzer_survives_token_soup(text, language):
    check_analysis(SourceText.from_text(text), language)


@FUZZ
@given(mutated_source(), st.sampled_from(sorted(LANGUAGES)))
def test_scan_file_and_reporters_survive_mutated_source(raw, language):
    name = LANGUAGES[language]
    (WORKDIR / name).write_bytes(raw)
    candidate = Candidate(WORKDIR / name, name, WORKDIR, language)
    findings, problems = scan_file(candidate, CATALOG, ScanOptions())
    assert not [p for p in problems if p.kind == "internal-error"], problems
    assert len({p.path for p in problems}) == len(problems)  # one report per file
    result = ScanResult(root=".", findings=findings, problems=problems, files_scanned=1).sorted()
    for fmt in FORMATS:
        assert isinstance(render(fmt, result, CATALOG), str)


def test_the_unmutated_base_file_is_rich():
    """The seed the mutations start from exercises many rules (or the fuzzing is shallow)."""
    analysis = check_analysis(SourceText.from_text(BASE), "tsx")
    assert len({f.code for f in analysis.findings}) >= 12, sorted({f.code for f in analysis.findings})
    assert not analysis.problems
