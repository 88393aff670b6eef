"""Python across modules (resolve/py_project.py): Clerk clients, auth wrappers and the data
they return followed into the modules that import them; look-alikes stay silent."""
from __future__ import annotations

import textwrap
from pathlib import Path

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.discover.kinds import Candidate
from clerk_lint.resolve.py_project import PyModules
from clerk_lint.scan.driver import run_scan

from expectations import actual, diff_report, expected_in_tree

CATALOG = load_catalog()


def scan_tree(root: Path, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return run_scan([root], CATALOG)


def check(root: Path, files: dict[str, str]):
    result = scan_tree(root, files)
    expected = expected_in_tree(root, (".py",))
    got = actual(result.findings)
    assert got == expected, diff_report(expected, got, result.findings)
    return result


CLIENT = '''\
import os

from clerk_backend_api import Clerk  # expect: CLK800

clerk = Clerk(bearer_auth=os.environ["CLERK_SECRET_KEY"])  # expect: CLK802, CLK845
'''


def test_client_made_in_another_module(tmp_path):
    check(tmp_path, {
        "app/__init__.py": "",
        "app/clerk.py": CLIENT,
        "app/directory.py": '''\
            class Directory:
                def __init__(self):
                    self.users = {}


            directory = Directory()
            ''',
        "app/routes/__init__.py": "",
        "app/routes/users.py": '''\
            from app.clerk import clerk  # expect: CLK006
            from app import clerk as clerk_module
            from app.directory import directory


            def profile(user_id: str):
                user = clerk.users.get(user_id=user_id)  # expect: CLK803
                directory.users.get(user_id)  # a dict named users: not Clerk
                return clerk_module.clerk.organizations.list()  # expect: CLK804


            def audit(clerk, user_id: str):
                return clerk.users.get(user_id)  # a parameter shadows the import
            ''',
    })


def test_relative_imports_and_wrapper_returning_request_state(tmp_path):
    check(tmp_path, {
        "svc/__init__.py": "",
        "svc/clerk.py": CLIENT,
        "svc/auth.py": '''\
            from clerk_backend_api import AuthenticateRequestOptions  # expect: CLK800

            from .clerk import clerk  # expect: CLK006


            def get_current_user(request):
                return clerk.authenticate_request(request, AuthenticateRequestOptions())  # expect: CLK810, CLK812
            ''',
        "svc/views.py": '''\
            from .auth import get_current_user  # expect: CLK006


            def me(request):
                state = get_current_user(request)  # expect: CLK846
                if not state.is_signed_in:  # expect: CLK850
                    return None
                return {"id": state.payload["sub"], "status": "ok"}  # expect: CLK850
            ''',
    })


def test_fastapi_dependency_from_another_module(tmp_path):
    result = check(tmp_path, {
        "app/__init__.py": "",
        "app/deps.py": '''\
            import jwt
            from fastapi import Header

            JWKS = jwt.PyJWKClient("https://clerk.example.com/.well-known/jwks.json")  # expect: CLK821


            def require_user(authorization: str = Header()) -> dict:
                token = authorization.removeprefix("Bearer ")
                claims = jwt.decode(token, JWKS.get_signing_key_from_jwt(token).key, algorithms=["RS256"])  # expect: CLK820
                return {"user_id": claims["sub"], "role": claims.get("org_role")}  # expect: CLK850


            def get_db():
                return {"id": 1}


            ADMIN_ROLES = ("org:admin", "org:billing_manager")  # expect: CLK509, CLK509
            PERMISSION = "org:sys_memberships:manage"
            ''',
        "app/items.py": '''\
            from typing import Annotated

            from fastapi import APIRouter, Depends

            from app.deps import get_db, require_user  # expect: CLK006

            router = APIRouter()


            @router.get("/items")
            def items(user: Annotated[dict, Depends(require_user)], db: dict = Depends(get_db)):  # expect: CLK846
                if user["role"] != "org:admin":  # expect: CLK510, CLK850
                    return []
                return [db["id"], user["user_id"]]  # expect: CLK850
            ''',
    })
    reads = [f for f in result.findings if f.code == "CLK850" and f.location.path == "app/items.py"]
    assert reads[0].via[:1] == ("require_user",)
    assert "org_role" in reads[0].message


def test_look_alikes_stay_silent(tmp_path):
    result = scan_tree(tmp_path, {
        "app/__init__.py": "",
        "app/partner.py": '''\
            import jwt


            def partner_claims(token: str, key: str) -> dict:
                return jwt.decode(token, key, algorithms=["RS256"])
            ''',
        "app/billing.py": '''\
            import stripe

            from app.partner import partner_claims


            def webhook(payload, sig, secret):
                event = stripe.Webhook.construct_event(payload, sig, secret)
                if event["type"] == "customer.created":
                    return event["data"]["object"]["id"]
                claims = partner_claims(sig, secret)
                return claims["sub"]
            ''',
    })
    assert result.findings == []


def test_modules_resolve_like_python(tmp_path):
    files = ["src/app/__init__.py", "src/app/auth.py", "src/app/api/__init__.py", "src/app/api/routes.py",
             "tests/test_auth.py", "other/app/auth.py"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    candidates = [Candidate(path=tmp_path / n, relpath=n, root=tmp_path, language="python") for n in files]
    modules = PyModules(candidates)
    routes = str(tmp_path / "src/app/api/routes.py")
    assert modules.resolve(routes, "..auth") == str(tmp_path / "src/app/auth.py")
    assert modules.resolve(routes, ".") == str(tmp_path / "src/app/api/__init__.py")
    assert modules.resolve(routes, "app.auth") == str(tmp_path / "src/app/auth.py")
    # from tests/ (src layout): the file with the longest shared folder, never a crash
    assert modules.resolve(str(tmp_path / "tests/test_auth.py"), "app.auth") is not None
    assert modules.resolve(routes, "requests") is None


def test_clerk_ids_written_into_neutral_model_columns(tmp_path):
    result = check(tmp_path, {
        "shop/__init__.py": "",
        "shop/models.py": '''\
            from django.db import models


            class Order(models.Model):
                owner_id = models.CharField(max_length=64)  # expect: CLK724
                team = models.ForeignKey("Team", on_delete=models.CASCADE)  # expect: CLK724
                note = models.TextField()
                reviewer = models.CharField(max_length=64)
            ''',
        "shop/views.py": '''\
            import jwt
            from django.conf import settings

            from shop.models import Order


            def create(request, note: str):
                claims = jwt.decode(request.headers["Authorization"], settings.CLERK_PEM_PUBLIC_KEY, algorithms=["RS256"])  # expect: CLK820
                owner = claims["sub"]  # expect: CLK850
                Order.objects.create(owner_id=owner, note=note, reviewer=request.user.username)
                return Order.objects.filter(team_id=claims.get("org_id")).count()  # expect: CLK850
            ''',
    })
    columns = {f.symbol: f for f in result.findings if f.code == "CLK724"}
    assert set(columns) == {"Order.owner_id", "Order.team"}
    assert "shop/views.py:10" in columns["Order.owner_id"].message
    assert "organization" in columns["Order.team"].message


def test_sqlalchemy_writes_and_look_alike_values(tmp_path):
    result = check(tmp_path, {
        "db.py": '''\
            from sqlalchemy import String
            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


            class Base(DeclarativeBase):
                pass


            class Doc(Base):
                __tablename__ = "docs"
                id: Mapped[int] = mapped_column(primary_key=True)
                author: Mapped[str] = mapped_column(String(64))  # expect: CLK724
                editor: Mapped[str] = mapped_column(String(64))
            ''',
        "api.py": '''\
            import os

            from clerk_backend_api import Clerk  # expect: CLK800
            from sqlalchemy import insert, select

            from db import Doc

            clerk = Clerk(bearer_auth=os.environ["CLERK_SECRET_KEY"])  # expect: CLK802, CLK845


            def save(session, user_id: str, editor_id: str):
                user = clerk.users.get(user_id=user_id)  # expect: CLK803
                session.execute(insert(Doc).values(author=user.id, editor=editor_id))
                return session.scalars(select(Doc).where(Doc.editor == editor_id)).all()
            ''',
    })
    assert [f.symbol for f in result.findings if f.code == "CLK724"] == ["Doc.author"]


def test_flask_webhook_without_svix_and_a_stripe_look_alike(tmp_path):
    result = check(tmp_path, {
        "models.py": '''\
            from flask_sqlalchemy import SQLAlchemy

            db = SQLAlchemy()


            class Profile(db.Model):
                id = db.Column(db.Integer, primary_key=True)
                owner = db.Column(db.String(64), unique=True)  # expect: CLK724
                customer = db.Column(db.String(64))
                email = db.Column(db.String(320))
            ''',
        "hooks.py": '''\
            from flask import Flask, request

            from models import Profile, db

            app = Flask(__name__)


            @app.post("/webhooks/users")  # expect: CLK606
            def users_webhook():
                payload = request.get_json()
                data = payload["data"]
                if payload["type"] == "user.created":  # expect: CLK842
                    email = data["email_addresses"][0]["email_address"]
                    db.session.add(Profile(owner=data["id"], email=email))
                elif payload["type"] == "user.deleted":  # expect: CLK842
                    Profile.query.filter_by(owner=data["id"]).delete()
                return "", 204
            ''',
        "stripe_hooks.py": '''\
            from flask import Flask, request

            from models import Profile, db

            app = Flask(__name__)


            @app.post("/webhooks/stripe")
            def stripe_webhook():
                event = request.get_json()
                data = event["data"]["object"]
                if event["type"] == "customer.created":
                    db.session.add(Profile(customer=data["id"], email=data["email"]))
                return "", 204
            ''',
    })
    column = next(f for f in result.findings if f.code == "CLK724")
    assert "hooks.py:14" in column.message and "stripe" not in column.message


def test_resources_through_loops_and_the_auth_object(tmp_path):
    result = check(tmp_path, {
        "models.py": '''\
            from django.db import models


            class Seat(models.Model):
                holder = models.CharField(max_length=64)  # expect: CLK724
                team = models.CharField(max_length=64)  # expect: CLK724
                label = models.CharField(max_length=64)
            ''',
        "sync.py": '''\
            import os

            from clerk_backend_api import Clerk  # expect: CLK800

            from models import Seat

            clerk = Clerk(bearer_auth=os.environ["CLERK_SECRET_KEY"])  # expect: CLK802, CLK845


            def sync(org_id: str):
                page = clerk.organization_memberships.list(organization_id=org_id)  # expect: CLK804
                for m in page.data:
                    Seat.objects.create(holder=m.public_user_data.user_id, team=m.organization.id, label=m.role)
                return [s.id for s in ["a", "b"]]


            def whoami(request):
                auth = clerk.authenticate_request(request).to_auth()  # expect: CLK810
                return auth.user_id, auth.org_id  # expect: CLK850
            ''',
    })
    kinds = {f.symbol: f.detail("kind") for f in result.findings if f.code == "CLK724"}
    assert kinds == {"Seat.holder": "user", "Seat.team": "organization"}


def test_what_a_middleware_puts_on_the_request(tmp_path):
    check(tmp_path, {
        "svc/__init__.py": "",
        "svc/middleware.py": '''\
            import os

            from clerk_backend_api import Clerk  # expect: CLK800
            from starlette.middleware.base import BaseHTTPMiddleware

            clerk = Clerk(bearer_auth=os.environ["CLERK_SECRET_KEY"])  # expect: CLK802, CLK845


            class ClerkAuth(BaseHTTPMiddleware):  # expect: CLK847
                async def dispatch(self, request, call_next):
                    state = clerk.authenticate_request(request)  # expect: CLK810
                    request.state.user_id = state.payload["sub"] if state.is_signed_in else None  # expect: CLK850
                    return await call_next(request)
            ''',
        "svc/views.py": '''\
            def me(request):
                if request.state.user_id is None:  # expect: CLK850
                    return {"error": "signed out"}
                return {"id": request.state.user_id, "path": request.url.path}  # expect: CLK850
            ''',
    })


def test_request_attributes_without_a_clerk_middleware(tmp_path):
    result = scan_tree(tmp_path, {
        "svc/views.py": '''\
            import jwt


            def me(request):
                request.state.user_id = jwt.decode(request.headers["x"], "k", algorithms=["HS256"])["sub"]
                return {"id": request.state.user_id}
            ''',
    })
    assert result.findings == []


def test_import_statements_are_those_multiline_anchors_find():
    """`imported_modules` searches for the keyword and checks the line start itself; the names
    are those of `^[ \\t]*from ...` / `^[ \\t]*import ...` in MULTILINE mode, on every fixture
    Python file and on shapes where the words appear elsewhere."""
    import random
    import re
    from pathlib import Path

    from clerk_lint.resolve.py_project import imported_modules, names_of

    from_line = re.compile(rb"^[ \t]*from[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.MULTILINE)
    import_line = re.compile(rb"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)

    def by_anchors(data: bytes) -> set[str]:  # the same names, from the statements anchors find
        return names_of(from_line.finditer(data), import_line.finditer(data))

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    sources = [p.read_bytes() for p in sorted(fixtures.rglob("*.py"))]
    rng = random.Random(3)
    pieces = [b"from", b"import", b" ", b"\t", b"\n", b"a", b".b", b".", b"(", b")", b",", b"#", b";", b"x = ",
              b"'from a import (b'", b"\n    import c", b"fromage", b"imports", b"*", b" as d"]
    sources += [b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(5000)]
    sources += [b"x = 'from a import (b'\nfrom c import d)\n", b"# see: import x\n import y, z as w\n"]
    assert sum(bool(by_anchors(d)) for d in sources) > 1000
    for data in sources:
        assert imported_modules(data) == by_anchors(data)
