"""The Python analyzer (stdlib ast): fixture apps, scoping, flows, positions, robustness."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.discover.walk import Candidate
from clerk_lint.readers.python import analyzer as py_analyzer
from clerk_lint.readers.python.analyzer import analyze
from clerk_lint.readers.python.path_rules import _glob, is_python_rule
from clerk_lint.scan.driver import run_scan
from clerk_lint.readers.source import SourceText
from cli_helpers import fresh_scan

from expectations import actual, diff_report, expected_in_tree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CATALOG = load_catalog()
PY_FIXTURES = ["fastapi-service", "django-app"]


def scan_text(tmp_path: Path, code: str, name: str = "mod.py"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return run_scan([tmp_path], CATALOG)


def codes(result) -> list[tuple[int, str]]:
    return sorted((f.location.line, f.code) for f in result.findings)


# ----------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("name", PY_FIXTURES)
def test_fixture_python_files_match_expectations(name):
    root = FIXTURES / name
    result = run_scan([root], CATALOG)
    # requirements.txt belongs to the manifest analyzer; this test owns the .py files.
    py_findings = [f for f in result.findings if f.location.path.endswith(".py")]
    expected = expected_in_tree(root, (".py",))
    got = actual(py_findings)
    assert got == expected, diff_report(expected, got, py_findings)
    assert not [p for p in result.problems if p.path.endswith(".py")]


@pytest.mark.parametrize("name", PY_FIXTURES)
def test_fixture_covers_every_python_family(name):
    root = FIXTURES / name
    found = {f.code for f in run_scan([root], CATALOG).findings}
    assert {"CLK800", "CLK802", "CLK803", "CLK804", "CLK810" if name == "django-app" else "CLK805",
            "CLK820", "CLK821", "CLK822", "CLK842", "CLK845", "CLK846"} <= found


def test_fixture_details_carry_method_path_event_and_env_name():
    result = run_scan([FIXTURES / "fastapi-service"], CATALOG)
    http = [f for f in result.findings if f.code == "CLK830"]
    assert [f.detail("request") for f in http] == ["POST /users/{user_id}/ban"]
    # The handler in app/webhooks.py only; identity_events.py declares its own Literal events.
    events = sorted(f.detail("event") for f in result.findings
                    if f.code == "CLK842" and f.location.path.endswith("webhooks.py"))
    assert events == ["user.created", "user.deleted", "user.updated"]
    envs = sorted(f.detail("env") for f in result.findings if f.code == "CLK845")
    assert envs == ["CLERK_API_URL", "CLERK_JWKS_URL", "CLERK_SECRET_KEY", "CLERK_SECRET_KEY", "CLERK_WEBHOOK_SECRET"]


def test_indirect_findings_name_the_wrapper_chain():
    result = run_scan([FIXTURES / "fastapi-service"], CATALOG)
    deps = {(f.location.path, f.location.line): f for f in result.findings if f.code == "CLK846"}
    org = deps[("app/routes/admin.py", 19)]
    assert org.via == ("current_org", "clerk_guard", "ClerkHTTPBearer()")
    assert org.indirect and org.related and org.related[0].path == "app/routes/admin.py"
    admin = deps[("app/auth.py", 42)]
    assert admin.via == ("get_current_user", "jwt.decode()")
    assert admin.related[0].line == 26  # the jwt.decode call inside get_current_user


# ----------------------------------------------------------------------------- surface coverage


def test_every_python_sdk_resource_method_has_exactly_one_rule():
    client = CATALOG.surface["python"]["clerk-backend-api"]["client"]
    rules = [(r, [_glob(p) for p in r.chains]) for r in CATALOG.rules if is_python_rule(r) and r.chains]
    missing, ambiguous = [], []
    for resource, info in client["resources"].items():
        for method in info["methods"]:
            path = f"clerk_backend_api.Clerk().{resource}.{method}()"
            hits = [r.code for r, pats in rules if any(p.match(path) for p in pats)]
            if not hits:
                missing.append(path)
            elif len(hits) > 1:
                ambiguous.append((path, hits))
    assert not missing and not ambiguous, (missing[:5], ambiguous[:5])
    for method in ("authenticate_request", "authenticate_request_async"):
        path = f"clerk_backend_api.Clerk().{method}()"
        assert [r.code for r, pats in rules if any(p.match(path) for p in pats)] == ["CLK810"]


def test_python_rules_never_answer_js_lookups():
    # The JS classifier asks the catalog with npm specifiers; no Python rule may match them.
    for module in ("svix", "@clerk/backend", "@clerk/nextjs/server", "@hono/clerk-auth"):
        for chain in ("Webhook().verify()", "createClerkClient().users.getUserList()", "verifyToken()"):
            rule = CATALOG.rule_for_chain(module, chain, frozenset())
            assert rule is None or not is_python_rule(rule)
        for name in ("Webhook", "verifyToken", "Clerk", "authenticate_request"):
            rule = CATALOG.rule_for_export(module, name)
            assert rule is None or not is_python_rule(rule)


def test_glob_star_stays_within_a_name_and_double_star_never_crosses_a_call():
    users = _glob("clerk_backend_api**.Clerk().users.*()")
    assert users.match("clerk_backend_api.Clerk().users.list()")
    assert users.match("clerk_backend_api.sdk.Clerk().users.get_async()")
    assert not users.match("clerk_backend_api.Clerk().users.list().data.pop()")
    verify = _glob("clerk_backend_api**.verify_token()")
    assert verify.match("clerk_backend_api.security.verify_token()")
    assert not verify.match("clerk_backend_api.Clerk().m2m.verify_token()")


# ----------------------------------------------------------------------------- bindings and scope


def test_aliases_submodules_and_context_managers(tmp_path):
    result = scan_text(tmp_path, """
        import clerk_backend_api as cba
        import clerk_backend_api.security
        from clerk_backend_api import Clerk as C

        async def run(key, req, opts):
            async with cba.Clerk(bearer_auth=key) as sdk:
                await sdk.users.list_async()
            c = C(bearer_auth=key)
            c.organizations.create(request={})
            return clerk_backend_api.security.authenticate_request(c, req, opts)
    """)
    assert codes(result) == [(2, "CLK800"), (3, "CLK800"), (4, "CLK800"), (7, "CLK802"), (8, "CLK803"),
                             (9, "CLK802"), (10, "CLK804"), (11, "CLK810")]


def test_shadowing_by_params_locals_and_defs_is_not_clerk(tmp_path):
    result = scan_text(tmp_path, """
        from clerk_backend_api import Clerk

        sdk = Clerk(bearer_auth="k")

        def by_param(sdk):
            return sdk.users.list()

        def by_local():
            sdk = make_fake()
            return sdk.users.list()

        def Clerk_factory():
            def Clerk(**kw):
                return kw
            return Clerk(bearer_auth="x")

        def real():
            return sdk.users.list()
    """)
    assert codes(result) == [(2, "CLK800"), (4, "CLK802"), (19, "CLK803")]


def test_self_attribute_factory_and_annotated_parameter(tmp_path):
    result = scan_text(tmp_path, """
        from clerk_backend_api import Clerk

        _client = None

        def client():
            global _client
            if _client is None:
                _client = Clerk(bearer_auth="k")
            return _client

        class Repo:
            def __init__(self):
                self.sdk = Clerk(bearer_auth="k")

            def one(self, uid):
                return self.sdk.users.get(user_id=uid)

        def count(api: Clerk):
            return api.users.count()

        def via_factory():
            return client().sessions.list()
    """)
    assert codes(result) == [(2, "CLK800"), (9, "CLK802"), (14, "CLK802"), (17, "CLK803"), (20, "CLK803"),
                             (23, "CLK805")]


def test_jwt_decode_follows_clerk_values_only(tmp_path):
    result = scan_text(tmp_path, """
        import os
        import jwt
        from jwt import PyJWKClient
        from django.conf import settings

        CLERK_PEM = os.environ.get("CLERK_PEM_PUBLIC_KEY")
        jwks = PyJWKClient(settings.CLERK_JWKS_URL)
        INTERNAL = os.environ["INTERNAL_SECRET"]

        def clerk_claims(token):
            key = jwks.get_signing_key_from_jwt(token).key
            return jwt.decode(token, key, algorithms=["RS256"])

        def pem_claims(token):
            return jwt.decode(token, CLERK_PEM, algorithms=["RS256"])

        def internal_claims(token):
            return jwt.decode(token, INTERNAL, algorithms=["HS256"])
    """)
    assert codes(result) == [(7, "CLK845"), (8, "CLK821"), (13, "CLK820"), (16, "CLK820")]


def test_http_calls_to_the_backend_api(tmp_path):
    result = scan_text(tmp_path, """
        import os
        import requests
        import aiohttp

        API = "https://api.clerk.com/v1"
        HEADERS = {"Authorization": f"Bearer {os.environ['CLERK_SECRET_KEY']}"}

        def user(uid):
            return requests.get(f"{API}/users/{uid}", headers=HEADERS).json()

        def raw(method, path):
            return requests.request(method="DELETE", url=API + "/sessions/" + path)

        async def orgs():
            async with aiohttp.ClientSession() as session:
                async with session.get(url="https://api.clerk.com/v1/organizations", headers=HEADERS) as r:
                    return await r.json()

        def unknown(client):
            return client.post("https://api.clerk.com/v1/invitations", json={})

        def weather():
            data = requests.get("https://api.weather.example/now").json()
            return data.get("temp")
    """)
    http = [(f.location.line, f.detail("request")) for f in result.findings if f.code == "CLK830"]
    assert http == [(10, "GET /users/{uid}"), (13, "DELETE /sessions/{path}"), (17, "GET /organizations"),
                    (21, "POST /invitations")]
    assert [f.location.line for f in result.findings if f.code == "CLK822"] == [6]


def test_webhook_events_need_a_comparison_and_a_clerk_file(tmp_path):
    clerk = scan_text(tmp_path / "a", """
        # handles Clerk events
        def route(evt):
            if evt["type"] == "user.created" or evt["type"] != "session.ended":
                pass
            print("user.created")
            notify(kind="user.updated")
            return {"organization.deleted": drop}.get(evt["type"])
    """)
    assert [(f.location.line, f.detail("event")) for f in clerk.findings] == [
        (4, "user.created"), (4, "session.ended"), (8, "organization.deleted")]
    other = scan_text(tmp_path / "b", """
        # WorkOS directory sync events (jwt-signed)
        def route(evt):
            if evt["event"] == "user.created":
                pass
    """)
    assert other.findings == []


def test_svix_import_from_root_and_hmac_needs_svix_data(tmp_path):
    result = scan_text(tmp_path, """
        import hashlib, hmac, os
        from svix import Webhook

        SECRET = os.environ["CLERK_WEBHOOK_SECRET"]

        def check(body, headers):
            Webhook(SECRET).verify(body, headers)
            key = SECRET.removeprefix("whsec_")
            return hmac.new(key.encode(), (headers["svix-id"] + body).encode(), hashlib.sha256)

        def github(secret, body):
            return hmac.new(secret, body, hashlib.sha256)
    """)
    # the svix import is part of the Clerk webhook (CLK840), not a Clerk import
    assert codes(result) == [(3, "CLK840"), (5, "CLK845"), (8, "CLK840"), (10, "CLK841")]


def test_env_reads_report_names_never_values(tmp_path):
    secret = "sk_test_" + "Zx9" * 12
    result = scan_text(tmp_path, f"""
        import os
        import environ
        from decouple import config

        env = environ.Env()
        A = os.environ.get("CLERK_SECRET_KEY", "{secret}")
        B = config("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY")
        C = env("CLERK_JWT_KEY")
        D = env.str("CLERK_WEBHOOK_SIGNING_SECRET")
        E = os.environ["SUPPORT_CLERK_NAME"]
        F = os.environ.setdefault("CLERK_DOMAIN", "x")
    """)
    assert [f.detail("env") for f in result.findings if f.code != "CLK715"] == [
        "CLERK_SECRET_KEY", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_JWT_KEY",
        "CLERK_WEBHOOK_SIGNING_SECRET", "CLERK_DOMAIN"]
    # the key written in as a default is a committed secret
    assert [(f.location.line, f.code) for f in result.findings if f.code == "CLK715"] == [(7, "CLK715")]
    for f in result.findings:
        assert secret not in f.message + f.symbol + repr(f.details)


def test_community_packages_and_local_modules(tmp_path):
    (tmp_path / "clerk_utils.py").write_text("def helper():\n    return 1\n", encoding="utf-8")
    result = scan_text(tmp_path, """
        import clerk_utils
        import flask_clerk
        from clerk_django.client import ClerkClient

        client = ClerkClient()
        user = client.users.getUser("user_1")
        claims = client.decode_jwt(token="t")
    """, name="app.py")
    assert codes(result) == [(3, "CLK801"), (4, "CLK801"), (6, "CLK815"), (7, "CLK803"), (8, "CLK815")]


def test_django_middleware_class_and_decorator_uses(tmp_path):
    result = scan_text(tmp_path, """
        import functools
        from clerk_backend_api.security import verify_token

        def clerk_required(view):
            @functools.wraps(view)
            def inner(request):
                verify_token(request.COOKIES["__session"], None)
                return view(request)
            return inner

        @clerk_required
        def page(request):
            return "ok"

        class ClerkMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                verify_token(request.COOKIES["__session"], None)
                return self.get_response(request)

        class Helper:
            def check(self, token):
                return verify_token(token, None)
    """)
    assert codes(result) == [(3, "CLK800"), (8, "CLK811"), (12, "CLK846"), (16, "CLK847"), (21, "CLK811"),
                             (26, "CLK811")]


# ----------------------------------------------------------------------------- positions, robustness


def test_columns_are_utf16_units(tmp_path):
    result = scan_text(tmp_path, """
        from clerk_backend_api import Clerk
        note = "😀é"; sdk = Clerk(bearer_auth="k")
    """)
    client = next(f for f in result.findings if f.code == "CLK802")
    line = client.location.source_line
    prefix = line[: line.index("Clerk(")]
    assert client.location.column == len(prefix.encode("utf-16-le")) // 2 + 1
    assert client.location.column == 21  # 😀 is two UTF-16 units (code points would give 20)
    assert client.location.end_column == client.location.column + len('Clerk(bearer_auth="k")')


def test_syntax_error_falls_back_to_imports_and_is_marked_partial(tmp_path):
    result = scan_text(tmp_path, """
        from clerk_backend_api import Clerk
        import os, svix

        print "python 2"
    """)
    assert codes(result) == [(2, "CLK800"), (3, "CLK840")]  # svix beside the Clerk SDK: its webhook import
    [problem] = [p for p in result.problems if p.path == "mod.py"]
    assert problem.kind == "parse-partial" and problem.partial and "line 5" in problem.reason


HOSTILE = {
    # libcst's native parser kills the process on chains ~10,000 deep; each must fall back.
    "parens": "x = " + "(" * 3000 + "1" + ")" * 3000,
    "or-chain": "x = " + " or ".join(["a"] * 12000),
    "attribute-chain": "x = a" + ".b" * 12000,
    "binop-chain": "x = (\n" + "\n+ ".join(["1"] * 12000) + "\n)",
    "unary-chain": "x = " + "-" * 12000 + "1",
    "comparisons": "x = " + " < ".join(["a"] * 3000),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_nesting_falls_back_without_crashing(tmp_path, name):
    code = "import clerk_backend_api\n" + HOSTILE[name] + "\n"
    (tmp_path / "deep.py").write_text(code, encoding="utf-8")
    # In a child process: if the parser crashed, only that process would die.
    script = (
        "import sys; from pathlib import Path; from clerk_lint.concepts.catalog import load_catalog; "
        "from clerk_lint.scan.driver import run_scan; r = run_scan([Path(sys.argv[1])], load_catalog()); "
        "print([f.code for f in r.findings], [(p.kind, p.partial) for p in r.problems])"
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip() == "['CLK800'] [('parse-partial', True)]"


def test_prefilter_skips_files_without_markers():
    source = SourceText.from_text("import os\nprint(os.getcwd())\n")
    candidate = Candidate(Path("/nonexistent/a.py"), "a.py", Path("/nonexistent"), "python")
    analysis = analyze(source, candidate, CATALOG)
    assert analysis.findings == [] and analysis.problems == []


def test_js_only_scans_never_import_libcst(tmp_path):
    (tmp_path / "a.ts").write_text('import { auth } from "@clerk/nextjs/server";\nauth();\n', encoding="utf-8")
    (tmp_path / "b.py").write_text("print('no markers here')\n", encoding="utf-8")
    report, loaded = fresh_scan(tmp_path, ["."], ("libcst",))
    assert report["findings"] and loaded == []


def test_speed_on_a_large_file(tmp_path):
    body = "\n".join(
        f"def f{i}(uid):\n    x{i} = sdk.users.get(user_id=uid)\n    return jwt.decode(uid, KEY{i % 7}, algorithms=['RS256'])\n"
        for i in range(1500)
    )
    code = "import jwt\nfrom clerk_backend_api import Clerk\nsdk = Clerk(bearer_auth='k')\n" + body
    (tmp_path / "big.py").write_text(code, encoding="utf-8")
    start = time.process_time()  # CPU time: wall time depends on what else the machine runs
    result = run_scan([tmp_path], CATALOG)
    elapsed = time.process_time() - start
    assert Counter(f.code for f in result.findings)["CLK803"] == 1500
    assert elapsed < 25, elapsed


def test_authlib_jose_starlette_middleware_through_a_local_function(tmp_path):
    result = scan_text(tmp_path, """
        import os
        import requests
        from authlib.jose import JsonWebKey, JsonWebToken
        from jose import jwt as jose_jwt
        from starlette.middleware.base import BaseHTTPMiddleware

        JWKS_URL = os.environ["CLERK_JWKS_URL"]
        keyset = JsonWebKey.import_key_set(requests.get(JWKS_URL).json())
        jwt = JsonWebToken(["RS256"])


        def verify(token):
            return jwt.decode(token, keyset)


        class ClerkAuth(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next):
                request.state.user = verify(request.cookies.get("__session"))
                return await call_next(request)


        def legacy(token):
            return jose_jwt.decode(token, requests.get(JWKS_URL).json(), algorithms=["RS256"])
    """)
    # one finding for the key set (not another for the fetch inside it), none for the fetch
    # inside a decode; the middleware is found through verify()
    assert codes(result) == [(8, "CLK845"), (9, "CLK821"), (14, "CLK820"), (17, "CLK847"), (24, "CLK820")]
    middleware = next(f for f in result.findings if f.code == "CLK847")
    assert middleware.via == ("ClerkAuth", "verify", "authlib.jose.JsonWebToken().decode()")


def test_urllib_guard_invocation_and_helper_return_values(tmp_path):
    result = scan_text(tmp_path, """
        import os, urllib.request
        import httpx
        from jose import jwt
        from fastapi import Depends
        from fastapi_clerk_auth import ClerkConfig, ClerkHTTPBearer

        SK = os.getenv("CLERK_SECRET_KEY", "")
        guard = ClerkHTTPBearer(config=ClerkConfig(jwks_url=os.environ["JWKS"]))


        def role(sub):
            req = urllib.request.Request(f"https://api.clerk.com/v1/users/{sub}",
                                         headers={"Authorization": f"Bearer {SK}"})
            with urllib.request.urlopen(req, timeout=3) as r:
                return r.read()


        async def dependency(request):
            return await guard(request)


        def route(x=Depends(dependency)):
            return x


        async def get_jwks(settings):
            async with httpx.AsyncClient() as client:
                resp = await client.get(f"{settings.clerk_issuer}/.well-known/jwks.json")
                return resp.json()


        async def claims(token, settings):
            return jwt.decode(token, await get_jwks(settings), algorithms=["RS256"])
    """)
    assert codes(result) == [(6, "CLK801"), (8, "CLK845"), (9, "CLK815"), (13, "CLK830"), (20, "CLK815"),
                             (23, "CLK846"), (29, "CLK821"), (34, "CLK820")]
    by_code = {f.code: f for f in result.findings}
    assert by_code["CLK830"].detail("request") == "GET /users/{sub}"
    assert by_code["CLK821"].detail("request") == "GET {settings.clerk_issuer}/.well-known/jwks.json"


def test_installed_packages_in_a_virtualenv_are_not_scanned(tmp_path):
    # A virtualenv not called .venv / venv (and no .gitignore): the SDK's own source must
    # not be reported as the app's usage.
    sdk = tmp_path / "env" / "lib" / "python3.12" / "site-packages" / "clerk_backend_api"
    sdk.mkdir(parents=True)
    (sdk / "sdk.py").write_text("from clerk_backend_api.users import Users\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("from clerk_backend_api import Clerk\n", encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    assert [f.location.path for f in result.findings] == ["app.py"]


def test_coding_declaration_keeps_utf8_byte_columns(tmp_path):
    code = '# -*- coding: latin-1 -*-\nfrom clerk_backend_api import Clerk\nx = "ééé"; sdk = Clerk(bearer_auth="k")\n'
    (tmp_path / "m.py").write_text(code, encoding="utf-8")
    result = run_scan([tmp_path], CATALOG)
    client = next(f for f in result.findings if f.code == "CLK802")
    assert (client.location.line, client.location.column) == (3, 18)


def test_scope_rules_class_bodies_comprehensions_walrus_nonlocal_global_lambda(tmp_path):
    result = scan_text(tmp_path, """
        from clerk_backend_api import Clerk
        import clerk_backend_api.models

        sdk = Clerk(bearer_auth="k")


        class Service:
            sdk = make_fake()
            api = Clerk(bearer_auth="k")

            def run(self):
                api.users.list()  # class bodies are not visible from methods
                return sdk.users.list()  # the module's sdk


        def comprehensions(fakes, ids):
            shadowed = [sdk.users.list() for sdk in fakes]
            outer = [sdk.users.get(user_id=i) for i in ids]
            made = [(c := Clerk()) for _ in ids]
            return c.users.list()  # the walrus bound c in this function


        def outer():
            client = None

            def inner():
                nonlocal client
                client = Clerk()

            def reader():
                return client.users.list()

            return reader


        def glob():
            global late
            late = Clerk()


        def later():
            return late.users.list()


        def lam():
            f = lambda sdk: sdk.users.list()
            g = lambda: sdk.users.list()
            return clerk_backend_api.models.User
    """)
    assert codes(result) == [(2, "CLK800"), (3, "CLK800"), (5, "CLK802"), (10, "CLK802"), (14, "CLK803"),
                             (19, "CLK803"), (20, "CLK802"), (21, "CLK803"), (29, "CLK802"), (32, "CLK803"),
                             (39, "CLK802"), (43, "CLK803"), (48, "CLK803")]


def test_python_scans_never_import_libcst(tmp_path):
    (tmp_path / "app.py").write_text(
        "import os\nfrom clerk_backend_api import Clerk\n\nsdk = Clerk(bearer_auth=os.environ['CLERK_SECRET_KEY'])\n"
        "print(sdk.users.list())\n", encoding="utf-8")
    (tmp_path / "broken.py").write_text("from clerk_backend_api import Clerk\nx = " + "(" * 300 + "\n",
                                        encoding="utf-8")
    report, loaded = fresh_scan(tmp_path, ["."], ("libcst",))
    assert len(report["findings"]) >= 4 and loaded == []


NEWER_SYNTAX = """\
import os
from clerk_backend_api import Clerk

type UserId = str

sdk = Clerk(bearer_auth=os.environ["CLERK_SECRET_KEY"])


def first[T](items: list[T]) -> T:
    return items[0]


def get(uid: UserId):
    return sdk.users.get(user_id=uid)
"""
NEWER_FINDINGS = [(2, 1, "CLK800"), (6, 7, "CLK802"), (6, 25, "CLK845"), (14, 12, "CLK803")]


def _newer_syntax_result(monkeypatch):
    if sys.version_info >= (3, 12):
        # This interpreter parses PEP 695: make `ast` refuse it as 3.11 does.
        real = ast.parse

        def parse(text, *args, **kwargs):
            if "type UserId" in text or "def first[" in text:
                raise SyntaxError("invalid syntax")
            return real(text, *args, **kwargs)

        monkeypatch.setattr(py_analyzer.ast, "parse", parse)
    source = SourceText.from_text(NEWER_SYNTAX)
    return analyze(source, Candidate(Path("/nonexistent/app.py"), "app.py", Path("/nonexistent"), "python"), CATALOG)


def test_syntax_newer_than_the_interpreter_skips_only_those_statements(monkeypatch):
    result = _newer_syntax_result(monkeypatch)
    assert sorted((f.location.line, f.location.column, f.code) for f in result.findings) == NEWER_FINDINGS
    [problem] = result.problems
    assert problem.kind == "parse-partial" and problem.partial
    assert "newer than Python" in problem.reason and "lines 4, 9-10" in problem.reason
    assert "skipped" in problem.reason


@pytest.mark.skipif(sys.version_info < (3, 12), reason="needs an interpreter that parses PEP 695")
def test_syntax_newer_than_3_11_is_analysed_whole_where_the_interpreter_parses_it():
    source = SourceText.from_text(NEWER_SYNTAX)
    result = analyze(source, Candidate(Path("/nonexistent/app.py"), "app.py", Path("/nonexistent"), "python"),
                     CATALOG)
    assert sorted((f.location.line, f.location.column, f.code) for f in result.findings) == NEWER_FINDINGS
    assert result.problems == []


PY_DEEP_SHAPES = {
    "nested-ifs": lambda n: "".join("    " * i + "if x:\n" for i in range(min(n, 95))) + "    " * min(n, 95) + "sdk()\n",
    "too-many-indents": lambda n: "".join("    " * i + "if x:\n" for i in range(150)) + "    " * 150 + "sdk()\n",
    "lambdas": lambda n: "v = " + "lambda: " * n + "sdk()\n",
    "nots": lambda n: "v = " + "not " * n + "sdk()\n",
    "minus-signs": lambda n: "v = " + "-" * n + "sdk()\n",
    "conditionals": lambda n: "v = " + "a if b else " * n + "sdk()\n",
    "attributes": lambda n: "v = sdk()" + ".a" * n + "\n",
    "string-sums": lambda n: "v = sdk(" + " + ".join(["'a'"] * n) + ")\n",
    "nested-defs": lambda n: "".join("    " * i + "def f():\n" for i in range(min(n, 95))) + "    " * min(n, 95) + "sdk()\n",
}


@pytest.mark.parametrize("depth", [150, 900, 4000])
@pytest.mark.parametrize("name", sorted(PY_DEEP_SHAPES))
def test_deep_python_shapes_under_a_shallow_stack(tmp_path, name, depth):
    """Never an exception: the file is analysed, or its imports are (a parse-partial problem)."""
    from test_hostile_inputs import shallow_stack

    code = "from clerk_backend_api import Clerk\nsdk = Clerk()\n" + PY_DEEP_SHAPES[name](depth)
    source = SourceText.from_text(code)
    candidate = Candidate(tmp_path / "deep.py", "deep.py", tmp_path, "python")
    with shallow_stack():
        result = analyze(source, candidate, CATALOG)
    found = {f.code for f in result.findings}
    assert "CLK800" in found
    assert result.problems == [] and "CLK802" in found or [p.kind for p in result.problems] == ["parse-partial"]
