"""`clerk-lint draft`: Better Auth starter files tailored to the scan, type-checked with `tsc`
against the real better-auth 1.7 packages (installed with npm once per test session).

The drafts of every fixture app with a package.json, plus projects written here for the
frameworks and databases the fixtures do not cover (Express + Prisma, Express 4 + Drizzle/MySQL,
Vue + MongoDB, plain Node + mysql2, Expo + Drizzle/pg), are compiled in one `tsc` program;
each test checks its own draft's diagnostics.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.cli import main
from clerk_lint.draft import DraftError, build_draft, detect, write_draft
from clerk_lint.draft.packages import NPM_INSTALL_FLAGS, PACKAGES, TYPECHECK_ONLY
from clerk_lint.draft.client_ts import CLIENT_PLUGINS
from clerk_lint.plan.facts import better_auth_plugins, collect
from clerk_lint.readers.formats.jsonc import loads_jsonc
from clerk_lint.scan.driver import run_scan
from cli_helpers import write

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
JS_APPS = sorted(p.name for p in FIXTURES.iterdir() if (p / "package.json").is_file())
NPM = shutil.which("npm")

# Projects for the frameworks / databases the fixture apps do not use: package.json + real source.
VARIANTS: dict[str, dict[str, str]] = {
    "express-prisma": {
        "package.json": json.dumps({"dependencies": {"@clerk/express": "^1.4.0", "express": "^5.1.0",
                                                     "@prisma/client": "^6.5.0"}}),
        "src/server.ts": '''import express from "express";
import { clerkClient, clerkMiddleware, getAuth, requireAuth } from "@clerk/express";

const app = express();
app.use(clerkMiddleware());

app.get("/reports", requireAuth(), async (req, res) => {
  const { userId, has } = getAuth(req);
  if (!has({ permission: "org:reports:read" })) {
    res.sendStatus(403);
    return;
  }
  const user = await clerkClient.users.getUser(userId!);
  res.json(user.publicMetadata);
});
''',
    },
    "express4-drizzle-mysql": {
        "package.json": json.dumps({"dependencies": {"@clerk/express": "^1.4.0", "express": "^4.21.2",
                                                     "drizzle-orm": "^0.45.2", "mysql2": "^3.11.0", "svix": "^1.40.0"}}),
        "src/webhooks.ts": '''import { Webhook } from "svix";
import type { WebhookEvent } from "@clerk/express";

export function handle(payload: string, headers: Record<string, string>) {
  const evt = new Webhook(process.env.CLERK_WEBHOOK_SECRET!).verify(payload, headers) as WebhookEvent;
  if (evt.type === "user.created") return "created";
  if (evt.type === "organization.created") return "org";
  if (evt.type === "organizationMembership.deleted") return "left";
  return null;
}
''',
    },
    "vue-mongodb": {
        "package.json": json.dumps({"dependencies": {"@clerk/vue": "^1.8.0", "vue": "^3.5.0", "mongodb": "^6.10.0"}}),
        "src/useProfile.ts": '''import { useAuth, useOrganization, useUser } from "@clerk/vue";

export function useProfile() {
  const { user } = useUser();
  const { getToken, has } = useAuth();
  const { organization } = useOrganization();
  const canEdit = has.value?.({ role: "org:editor" });
  return { user, getToken, organization, canEdit };
}
''',
    },
    "node-mysql": {
        "package.json": json.dumps({"dependencies": {"@clerk/backend": "^2.4.0", "mysql2": "^3.11.0"}}),
        "src/admin.ts": '''import { createClerkClient, verifyToken } from "@clerk/backend";

const clerk = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY });

export async function check(token: string) {
  const claims = await verifyToken(token, { secretKey: process.env.CLERK_SECRET_KEY });
  await clerk.users.createUser({ username: "ops", emailAddress: ["ops@example.com"] });
  await clerk.samlConnections.getSamlConnectionList();
  await clerk.phoneNumbers.getPhoneNumber("idn_1");
  return claims.sub;
}
''',
    },
    "expo-drizzle-pg": {
        "package.json": json.dumps({"dependencies": {"@clerk/clerk-expo": "^2.9.0", "react": "^19.0.0",
                                                     "drizzle-orm": "^0.45.2", "pg": "^8.13.0"}}),
        "src/SignIn.tsx": '''import { APIKeys, useOAuth, useUser } from "@clerk/clerk-expo";
import { usePasskeys } from "@clerk/clerk-expo/passkeys";
import { useEmailLink } from "@clerk/clerk-react";

export function SignIn() {
  const { startOAuthFlow } = useOAuth({ strategy: "oauth_apple" });
  const { user } = useUser();
  const passkeys = usePasskeys;
  const { startEmailLinkFlow } = useEmailLink();
  return <APIKeys key={String(!!user) + String(!!passkeys) + String(!!startOAuthFlow) + String(!!startEmailLinkFlow)} />;
}
''',
    },
    # A custom flow with password sign-in and a TOTP second factor: the evidence for bcrypt and twoFactor.
    "react-password-mfa": {
        "package.json": json.dumps({"dependencies": {"@clerk/clerk-react": "^5.31.0", "react": "^19.0.0",
                                                     "pg": "^8.13.0"}}),
        "src/SignInForm.tsx": '''import { useState, type FormEvent } from "react";
import { useOrganization, useSignIn } from "@clerk/clerk-react";

export function SignInForm() {
  const { isLoaded, signIn, setActive } = useSignIn();
  const { organization } = useOrganization();
  const [needsCode, setNeedsCode] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isLoaded) return;
    const form = new FormData(event.currentTarget);
    if (needsCode) {
      const attempt = await signIn.attemptSecondFactor({ strategy: "totp", code: String(form.get("code")) });
      if (attempt.status === "complete") await setActive({ session: attempt.createdSessionId });
      return;
    }
    await signIn.create({ identifier: String(form.get("email")) });
    const attempt = await signIn.attemptFirstFactor({ strategy: "password", password: String(form.get("password")) });
    if (attempt.status === "needs_second_factor") setNeedsCode(true);
    else if (attempt.status === "complete") await setActive({ session: attempt.createdSessionId });
  }

  return <form onSubmit={submit} data-org={organization?.id} />;
}
''',
    },
    # Prisma on SQLite, the client exported as a singleton; a pg devDependency for a seed script.
    "next-prisma-sqlite": {
        "package.json": json.dumps({"dependencies": {"@clerk/nextjs": "^6.20.0", "next": "^15.3.0",
                                                     "@prisma/client": "^6.9.0"},
                                    "devDependencies": {"prisma": "^6.9.0", "pg": "^8.13.0"}}),
        "prisma/schema.prisma": 'datasource db {\n  provider = "sqlite"\n  url      = env("DATABASE_URL")\n}\n',
        "lib/prisma.ts": '''import { PrismaClient } from "@prisma/client";

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const prisma = globalForPrisma.prisma ?? new PrismaClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;
''',
        "scripts/seed.ts": 'import { Client } from "pg";\n\nexport const legacy = new Client();\n',
        "app/page.tsx": '''import { currentUser } from "@clerk/nextjs/server";

export default async function Home() {
  const user = await currentUser();
  return <p>{user?.id}</p>;
}
''',
    },
    # drizzle.config says Postgres, the db module runs libSQL: the draft follows the code and says so.
    "drizzle-conflict": {
        "package.json": json.dumps({"dependencies": {"@clerk/express": "^1.4.0", "express": "^5.1.0",
                                                     "drizzle-orm": "^0.44.0", "@libsql/client": "^0.15.0"}}),
        "drizzle.config.ts": 'export default { schema: "./src/schema.ts", dialect: "postgresql" };\n',
        "src/db.ts": '''import { drizzle } from "drizzle-orm/libsql";

export const client = drizzle({ connection: { url: process.env.DATABASE_URL ?? "file:dev.db" } });
''',
        "src/server.ts": '''import express from "express";
import { clerkMiddleware, requireAuth } from "@clerk/express";

const app = express();
app.use(clerkMiddleware());
app.get("/me", requireAuth(), (_req, res) => {
  res.sendStatus(200);
});
''',
    },
}


@pytest.fixture(scope="session")
def projects(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("projects")
    found = {name: FIXTURES / name for name in JS_APPS}
    for name, files in VARIANTS.items():
        found[name] = write(base / name, files)
    return found


@pytest.fixture(scope="session")
def drafts(projects) -> dict[str, dict[str, str]]:
    catalog = load_catalog()
    out = {}
    for name, root in projects.items():
        result = run_scan([root], catalog)
        out[name] = build_draft(result, catalog, [root])
    return out


def _typecheck_cache() -> Path:
    """One install of the check packages per package set, kept across test sessions (the drafts are
    written into a fresh folder each session): CLERK_LINT_TYPECHECK_CACHE, else the user cache."""
    base = os.environ.get("CLERK_LINT_TYPECHECK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "clerk-lint-typecheck")
    return Path(base)


@pytest.fixture(scope="session")
def ts_env(tmp_path_factory) -> Path:
    """A folder with better-auth 1.7, its plugins, the drivers the drafts import and TypeScript."""
    if NPM is None:
        pytest.skip("npm is not installed")
    manifest = json.dumps({"name": "clerk-lint-draft-typecheck", "private": True,
                           "dependencies": {**PACKAGES, **TYPECHECK_ONLY}}, indent=2, sort_keys=True)
    key = hashlib.sha256((manifest + " ".join(NPM_INSTALL_FLAGS)).encode()).hexdigest()[:16]
    cached = _typecheck_cache() / key
    if not (cached / "node_modules" / ".package-lock.json").is_file():
        building = tmp_path_factory.mktemp("better-auth-typecheck")
        (building / "package.json").write_text(manifest, encoding="utf-8")
        proc = subprocess.run([NPM, "install", *NPM_INSTALL_FLAGS], cwd=building, capture_output=True, text=True,
                              timeout=1200)
        assert proc.returncode == 0, f"npm install failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(building, cached.with_name(cached.name + f".tmp{os.getpid()}"), symlinks=True)
            os.replace(cached.with_name(cached.name + f".tmp{os.getpid()}"), cached)
        except OSError:  # another session finished first, or the cache is read-only: use this install
            return building
    # A session's own folder: the drafts and the tsconfig go next to a link to the shared node_modules.
    root = tmp_path_factory.mktemp("better-auth-typecheck")
    (root / "package.json").write_text(manifest, encoding="utf-8")
    (root / "node_modules").symlink_to(cached / "node_modules", target_is_directory=True)
    return root


APP_IMPORT = re.compile(r"""(?:from|import)\s+["'](\.{1,2}/[^"']+)["']""")
CODE_EXTS = ("", ".ts", ".tsx", ".js", "/index.ts", "/index.tsx", "/index.js")


def copy_app_modules(files: dict[str, str], root: Path, target: Path) -> set[str]:
    """Copy the app's modules a draft imports (its exported db instance) and their relative imports
    next to the draft, so tsc checks the draft against the app's real types. Returns what it copied."""
    copied: set[str] = set()
    todo = [(rel, text) for rel, text in files.items() if rel.endswith((".ts", ".tsx"))]
    while todo:
        rel, text = todo.pop()
        for spec in APP_IMPORT.findall(text):
            base = os.path.normpath(os.path.join(os.path.dirname(rel), spec)).replace(os.sep, "/")
            for ext in CODE_EXTS:
                candidate = base + ext
                if candidate in files or candidate in copied:
                    break
                source = root / candidate
                if source.is_file():
                    dest = target / candidate
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, dest)
                    copied.add(candidate)
                    todo.append((candidate, source.read_text(encoding="utf-8")))
                    break
    return copied


TSCONFIG = {
    "compilerOptions": {
        "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler", "strict": True, "noEmit": True,
        "skipLibCheck": True, "esModuleInterop": True, "jsx": "preserve", "lib": ["ES2022", "DOM"],
        "types": ["node"], "forceConsistentCasingInFileNames": True,
    },
    "include": ["drafts/**/*.ts", "drafts/**/*.tsx"],
}


# Each draft is checked under its app's own compilerOptions plus these (real apps turn them on; the
# drafts must not be what breaks their build).
FORCED = {"strict": True, "noUncheckedIndexedAccess": True, "exactOptionalPropertyTypes": True}
# Flags where `true` only adds checks: a draft that passes with every app's `true`s passes with any one
# app's, so one program per module system checks all the apps that share it.
STRICTER = {"strict", "noImplicitAny", "strictNullChecks", "strictFunctionTypes", "strictBindCallApply",
            "strictPropertyInitialization", "noImplicitThis", "useUnknownInCatchVariables", "alwaysStrict",
            "noUnusedLocals", "noUnusedParameters", "exactOptionalPropertyTypes", "noImplicitReturns",
            "noFallthroughCasesInSwitch", "noUncheckedIndexedAccess", "noImplicitOverride",
            "noPropertyAccessFromIndexSignature", "verbatimModuleSyntax", "isolatedModules",
            "forceConsistentCasingInFileNames", "esModuleInterop", "resolveJsonModule"}


def _app_options(root: Path) -> tuple[dict, str]:
    """(the app's own compilerOptions, its package.json "type"); `extends` of packages not installed
    here (astro, expo, .nuxt) are not followed."""
    found = []
    for name in ("tsconfig.json", "package.json"):
        try:
            data = loads_jsonc((root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        found.append(data if isinstance(data, dict) else {})
    options = found[0].get("compilerOptions") if isinstance(found[0].get("compilerOptions"), dict) else {}
    return options, str(found[1].get("type", ""))


def _module_system(options: dict) -> str:
    resolution = str(options.get("moduleResolution", "")).lower()
    return "nodenext" if resolution in ("node16", "nodenext") else "bundler"


@pytest.fixture(scope="session")
def tsc_errors(ts_env, drafts, projects) -> dict[str, list[str]]:
    """Write every draft under drafts/<name>/ and run `tsc --noEmit` once per module system over them."""
    target = ts_env / "drafts"
    shutil.rmtree(target, ignore_errors=True)
    copied: dict[str, set[str]] = {}
    groups: dict[str, list[str]] = {}
    strict: dict[str, dict] = {}
    for name, files in drafts.items():
        write_draft(files, target / name)
        copied[name] = copy_app_modules(files, projects[name], target / name)
        options, package_type = _app_options(projects[name])
        if package_type:  # Node decides a file's module format from the nearest package.json
            (target / name / "package.json").write_text(json.dumps({"type": package_type}), encoding="utf-8")
        system = _module_system(options)
        groups.setdefault(system, []).append(name)
        strict.setdefault(system, {}).update({k: True for k, v in options.items() if k in STRICTER and v is True})
    started = time.monotonic()
    output = ""
    for system, names in sorted(groups.items()):
        config = json.loads(json.dumps(TSCONFIG))
        config["compilerOptions"].update(strict[system])
        config["compilerOptions"].update(FORCED)
        if system == "nodenext":
            config["compilerOptions"].update({"module": "NodeNext", "moduleResolution": "NodeNext"})
        config["include"] = [f"drafts/{n}/**/*.{ext}" for n in names for ext in ("ts", "tsx")]
        (ts_env / f"tsconfig.{system}.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        proc = subprocess.run([NPM, "exec", "--no", "--", "tsc", "--noEmit", "-p", f"tsconfig.{system}.json"],
                              cwd=ts_env, capture_output=True, text=True, timeout=1200)
        output += proc.stdout + proc.stderr
    elapsed = time.monotonic() - started
    errors: dict[str, list[str]] = {name: [] for name in drafts}
    other: list[str] = []
    for line in output.splitlines():
        m = re.match(r"drafts/([^/]+)/([^(]+)\(", line)
        if m and m.group(1) in errors:
            if m.group(2) not in copied[m.group(1)]:  # the app's own modules are not the draft's to fix
                errors[m.group(1)].append(line)
        elif "error" in line:
            other.append(line)
    assert not other, "\n".join(other)
    print(f"\ntsc over {len(drafts)} drafts in {len(groups)} programs: {elapsed:.1f}s")
    return errors


def test_type_check_uses_the_apps_options(tsc_errors, ts_env):
    bundler = json.loads((ts_env / "tsconfig.bundler.json").read_text(encoding="utf-8"))["compilerOptions"]
    assert all(bundler[k] is True for k in FORCED)
    assert bundler["noUnusedLocals"] and bundler["verbatimModuleSyntax"]  # react-spa, next-trpc-turso
    node = json.loads((ts_env / "tsconfig.nodenext.json").read_text(encoding="utf-8"))
    assert node["compilerOptions"]["moduleResolution"] == "NodeNext" and "drafts/express-api/**/*.ts" in node["include"]


ALL = JS_APPS + sorted(VARIANTS)


@pytest.mark.parametrize("name", ALL)
def test_draft_type_checks_against_better_auth(name, tsc_errors):
    assert tsc_errors[name] == [], "\n".join(tsc_errors[name])


@pytest.mark.parametrize("name", ALL)
def test_draft_is_tailored_to_the_findings(name, projects, drafts):
    root = projects[name]
    result = run_scan([root], load_catalog())
    facts = collect(result)
    files = drafts[name]
    for required in ("auth.ts", "auth-client.ts", ".env.example", "scripts/import-clerk-users.ts", "README.md"):
        assert required in files
    auth, client = files["auth.ts"], files["auth-client.ts"]
    plugins = better_auth_plugins(facts)
    for plugin in plugins:
        assert re.search(rf"\b{plugin}\(", auth), f"{name}: plugin {plugin} missing from auth.ts"
        assert re.search(rf"\b{CLIENT_PLUGINS[plugin]}\b", client), f"{name}: {CLIENT_PLUGINS[plugin]} missing"
    assert ("permissions.ts" in files) == ("organization" in plugins)
    # migrated users keep their bcrypt passwords (only where the code shows password sign-in); new
    # ones use Better Auth's scrypt
    bcrypt = facts.has("passwords")
    assert ("bcrypt.compare(password, hash)" in auth) == bcrypt and ("hashPassword(password)" in auth) == bcrypt
    assert ('providerId: "credential"' in files["scripts/import-clerk-users.ts"]) == bcrypt
    assert ("Do users sign in with a password?" in files["README.md"]) == (not bcrypt)
    env = files[".env.example"]
    for var in ("BETTER_AUTH_SECRET=", "BETTER_AUTH_URL=", "DATABASE_URL="):
        assert var in env
    for provider in facts.providers:
        assert f"{provider}: {{" in auth and f"{provider.upper()}_CLIENT_ID=" in env
    script = files["scripts/import-clerk-users.ts"]
    assert "forceAllowId: true" in script
    assert "issuer" not in script  # the 1.7.25 account table has no issuer column
    if "twoFactor" in plugins:
        assert "`base32:${row.totp_secret}`" in script and "ctx.secretConfig" in script
    else:
        assert 'model: "twoFactor"' not in script
    # every webhook event with a hook counterpart lands in a hook with its location
    for event, evidence in facts.webhook_events.items():
        if event.startswith(("user.", "session.", "organization")):
            loc = f"{evidence[0].location.path}:{evidence[0].location.line}"
            assert event in auth and loc in auth, f"{name}: webhook {event} not moved"
    for text in files.values():
        assert str(root) not in text and str(FIXTURES) not in text


def test_framework_and_database_detection(projects, drafts):
    expect = {
        "express-prisma": ("express", "prisma", "better-auth/react" if False else "better-auth/client"),
        "express4-drizzle-mysql": ("express", "drizzle", "better-auth/client"),
        "vue-mongodb": ("generic", "mongodb", "better-auth/vue"),
        "node-mysql": ("generic", "mysql", "better-auth/client"),
        "expo-drizzle-pg": ("generic", "drizzle", "better-auth/react"),
    }
    catalog = load_catalog()
    for name, (server, database, client) in expect.items():
        result = run_scan([projects[name]], catalog)
        project = detect(result.findings, [projects[name]])
        assert (project.server, project.database, project.client_module) == (server, database, client), name
        assert f'from "{client}"' in drafts[name]["auth-client.ts"]
    assert 'prismaAdapter(prisma, { provider: "postgresql" })' in drafts["express-prisma"]["auth.ts"]
    assert '"/api/auth/*splat"' in drafts["express-prisma"]["auth-routes.ts"]
    assert '"/api/auth/*"' in drafts["express4-drizzle-mysql"]["auth-routes.ts"]
    assert 'drizzleAdapter(db, { provider: "mysql" })' in drafts["express4-drizzle-mysql"]["auth.ts"]
    assert "mongodbAdapter(client.db(), { client })" in drafts["vue-mongodb"]["auth.ts"]
    assert 'createPool(process.env.DATABASE_URL as string)' in drafts["node-mysql"]["auth.ts"]
    assert 'drizzleAdapter(db, { provider: "pg" })' in drafts["expo-drizzle-pg"]["auth.ts"]
    assert "apple: {" in drafts["expo-drizzle-pg"]["auth.ts"]  # useOAuth({ strategy: "oauth_apple" })


# app -> (orm, dialect, the adapter line of auth.ts, the app module auth.ts imports the instance from)
DATABASES = {
    "next-trpc-turso": ("drizzle", "sqlite", 'drizzleAdapter(db, { provider: "sqlite" })', "./src/server/db"),
    "t3-clerk-app": ("drizzle", "pg", 'drizzleAdapter(db, { provider: "pg" })', "./src/server/db"),
    "react-router-app": ("drizzle", "pg", 'drizzleAdapter(db, { provider: "pg" })', "./app/lib/db.server"),
    "turbo-monorepo": ("drizzle", "pg", 'drizzleAdapter(db, { provider: "pg" })', "./packages/db/src"),
    "nuxt-app": ("drizzle", "pg", 'drizzleAdapter(db, { provider: "pg" })', None),
    "astro-site": ("sqlite", "sqlite", '{ dialect: new LibsqlDialect(connection), type: "sqlite" }', None),
    "express-api": ("pg", "pg", "new Pool({ connectionString: process.env.DATABASE_URL })", None),
    "saas-config": ("drizzle", "pg", 'drizzleAdapter(db, { provider: "pg" })', None),
    "next-prisma-sqlite": ("prisma", "sqlite", 'prismaAdapter(prisma, { provider: "sqlite" })', "./lib/prisma"),
    "drizzle-conflict": ("drizzle", "sqlite", 'drizzleAdapter(client, { provider: "sqlite" })', "./src/db"),
    "express4-drizzle-mysql": ("drizzle", "mysql", 'drizzleAdapter(db, { provider: "mysql" })', None),
}


@pytest.mark.parametrize("name", sorted(DATABASES))
def test_draft_uses_the_database_the_app_runs(name, projects, drafts):
    orm, dialect, adapter, module = DATABASES[name]
    project = detect(run_scan([projects[name]], load_catalog()).findings, [projects[name]])
    assert (project.database, project.db.dialect) == (orm, dialect)
    auth, readme = drafts[name]["auth.ts"], drafts[name]["README.md"]
    assert f"  database: {adapter}," in auth
    if module:  # the app's exported instance, not a second client
        assert re.search(rf'^import {{ \w+ }} from "{re.escape(module)}";$', auth, re.M)
        assert "drizzle(process.env" not in auth and "new PrismaClient()" not in auth
    conflicted = name in ("saas-config", "drizzle-conflict")
    assert ("Which database does the app run on?" in readme) == conflicted
    assert ("evidence about the app's database disagrees" in auth) == conflicted


def test_dev_dependency_does_not_decide(projects, drafts):
    readme = drafts["next-trpc-turso"]["README.md"]
    assert "mysql2/promise imported by scripts/import-legacy.ts:3 is only a devDependency" in readme
    assert "mysql" not in drafts["next-trpc-turso"]["auth.ts"]
    assert "pg imported by scripts/seed.ts:1 is only a devDependency" in drafts["next-prisma-sqlite"]["README.md"]


def test_plan_asks_about_conflicting_database(projects):
    from clerk_lint.plan import build_plan
    catalog = load_catalog()
    asked = {}
    for name in ("drizzle-conflict", "next-trpc-turso"):
        plan = build_plan(run_scan([projects[name]], catalog), catalog, roots=[projects[name]])
        asked[name] = [q for q in plan["open_questions"] if q["key"] == "database"]
    assert asked["next-trpc-turso"] == []
    assert 'drizzle.config dialect "postgresql"' in asked["drizzle-conflict"][0]["question"]


def test_fixture_apps_get_their_framework_files(drafts):
    app = drafts["nextjs-app-router"]
    assert "toNextJsHandler(auth)" in app["app/api/auth/[...all]/route.ts"]
    assert "getSessionCookie(request)" in app["middleware.ts"]
    assert "nextCookies()" in app["auth.ts"] and 'from "better-auth/react"' in app["auth-client.ts"]
    assert "invoices:" in app["permissions.ts"]  # org:invoices:* permissions seen in has() checks
    pages = drafts["nextjs-pages-router"]
    assert "toNodeHandler(auth.handler)" in pages["pages/api/auth/[...all].ts"]
    assert "guideRole" in pages["permissions.ts"]  # org:guide role
    assert 'guide: guideRole' in pages["permissions.ts"]
    spa = drafts["react-spa"]
    assert "nextCookies" not in spa["auth.ts"] and "auth-handler.ts" in spa
    assert "google: {" in spa["auth.ts"] and "oneTap(" in spa["auth.ts"]
    assert "trustedOrigins" in spa["auth.ts"] and "baseURL" in spa["auth-client.ts"]


def test_write_draft_refuses_to_overwrite(tmp_path, drafts):
    files = drafts["react-spa"]
    written = write_draft(files, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == sorted(files)
    with pytest.raises(DraftError):
        write_draft(files, tmp_path / "out")
    write_draft(files, tmp_path / "out", force=True)


def test_cli_draft(tmp_path):
    runner = CliRunner()
    out = tmp_path / "draft"
    res = runner.invoke(main, ["draft", str(FIXTURES / "nextjs-app-router"), "--out", str(out), "--no-config"])
    assert res.exit_code == 0, res.output
    assert (out / "auth.ts").is_file() and (out / "app/api/auth/[...all]/route.ts").is_file()
    res = runner.invoke(main, ["draft", str(FIXTURES / "nextjs-app-router"), "--out", str(out), "--no-config"])
    assert res.exit_code == 2 and "--force" in res.output
    res = runner.invoke(main, ["draft", str(FIXTURES / "nextjs-app-router"), "--out", str(out), "--force",
                               "--no-config"])
    assert res.exit_code == 0


# -- the import script against a running better-auth ------------------------------------------------

HARNESS = r'''
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import bcrypt from "bcryptjs";
import { auth, memoryDb } from "./auth";
import { main } from "./scripts/import-clerk-users";

// RFC 6238 TOTP computed independently of Better Auth.
function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of text.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret: string): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, "0");
}

async function run() {
  const input = JSON.parse(process.env.HARNESS_INPUT as string);
  const rows = input.rows.map((r: string[]) => r.map((v: string) => (v.startsWith("bcrypt:") ? bcrypt.hashSync(v.slice(7), 10) : v)));
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  writeFileSync("users.csv", [input.header, ...rows.map((r: string[]) => r.map(quote).join(","))].join("\r\n") + "\r\n");
  const out: Record<string, unknown> = {};
  out.first = await main("users.csv");
  out.second = await main("users.csv");
  const signIns: Record<string, string> = {};
  for (const [email, password] of input.passwords as [string, string][]) {
    try {
      const res = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
      const body = await res.json();
      if (body.twoFactorRedirect) {
        const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
        const wrong = String((Number(totp(input.totp)) + 1) % 1_000_000).padStart(6, "0");
        let wrongResult = "accepted";
        try { await auth.api.verifyTOTP({ body: { code: wrong }, headers: new Headers({ cookie }) }); } catch { wrongResult = "rejected"; }
        const ok = await auth.api.verifyTOTP({ body: { code: totp(input.totp) }, headers: new Headers({ cookie }) });
        signIns[`${email}:${password}`] = `totp:${ok.user.id}:wrong-code-${wrongResult}`;
      } else {
        signIns[`${email}:${password}`] = res.ok ? `ok:${body.user.id}` : `status:${res.status}`;
      }
    } catch (error) {
      signIns[`${email}:${password}`] = "error";
    }
  }
  out.signIns = signIns;
  await auth.api.signUpEmail({ body: { email: "new@example.com", password: "brand new pass", name: "New" } });
  const fresh = await auth.api.signInEmail({ body: { email: "new@example.com", password: "brand new pass" } });
  out.newUserHash = String(memoryDb.account.find((a) => a.userId === fresh.user.id)?.password).slice(0, 3);
  out.users = Object.fromEntries(memoryDb.user.map((u) => [u.id, { email: u.email, name: u.name, twoFactorEnabled: u.twoFactorEnabled ?? null }]));
  out.accounts = memoryDb.account.map((a) => `${a.userId}:${a.providerId}`).sort();
  out.twoFactorRows = memoryDb.twoFactor.map((t) => t.userId);
  console.log("RESULT " + JSON.stringify(out));
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
'''

MODELS = ["user", "session", "account", "verification", "twoFactor", "organization", "member", "invitation", "team",
          "teamMember", "jwks", "subscription", "rateLimit", "passkey", "apikey", "ssoProvider"]


def test_import_script_runs_against_better_auth(ts_env, drafts):
    """A draft with password and TOTP evidence (twoFactor, organization) on Better Auth's memory
    adapter: imported bcrypt passwords sign in, imported TOTP secrets pass verifyTOTP, re-runs skip."""
    files = dict(drafts["react-password-mfa"])
    assert "twoFactor(" in files["auth.ts"]
    auth, count = re.subn(r"(?m)^  database: .*,$", "  database: memoryAdapter(memoryDb),", files["auth.ts"], count=1)
    assert count == 1
    files["auth.ts"] = ('import { memoryAdapter } from "better-auth/adapters/memory";\n'
                        f"export const memoryDb: Record<string, any[]> = {{ {', '.join(f'{m}: []' for m in MODELS)} }};\n"
                        + auth)
    files["harness.ts"] = HARNESS
    target = ts_env / "runtime"
    shutil.rmtree(target, ignore_errors=True)
    write_draft(files, target)
    secret = "JBSWY3DPEHPK3PXP"
    header = ("id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,"
              "unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,"
              "password_hasher")
    rows = [
        ["user_ada", "Ada", "Lovelace, Countess", "", "ada@example.com", "", "ada@example.com", "", "", "", secret,
         "bcrypt:analytical engine", "bcrypt"],
        ["user_bob", "Bob", "", "", "bob@example.com", "", "bob@example.com", "", "", "", "", "bcrypt:hunter22", "bcrypt"],
        ["user_phone", "", "", "", "", "+15550100", "", "", "+15550100", "", "", "", ""],
        ["user_argon", "Al", "", "", "al@example.com", "", "al@example.com", "", "", "", "",
         "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "argon2id"],
    ]
    passwords = [["bob@example.com", "hunter22"], ["bob@example.com", "wrong"], ["ada@example.com", "analytical engine"],
                 ["al@example.com", "anything"]]
    env = {**os.environ, "BETTER_AUTH_SECRET": "a-test-secret-that-is-long-enough-0123456789",
           "BETTER_AUTH_URL": "http://localhost:3000", "STRIPE_SECRET_KEY": "sk_test_placeholder",
           "HARNESS_INPUT": json.dumps({"header": header, "rows": rows, "passwords": passwords, "totp": secret})}
    env.pop("CLERK_SECRET_KEY", None)
    proc = subprocess.run([NPM, "exec", "--no", "--", "tsx", "harness.ts"], cwd=target, capture_output=True,
                          text=True, timeout=600, env=env)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    assert line, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = json.loads(line[len("RESULT "):])
    first = out["first"]
    assert (first["users"], first["passwords"], first["passwordResets"], first["totp"], first["placeholderEmails"],
            first["failed"]) == (4, 2, 1, 1, 1, 0)
    assert out["second"]["users"] == 0 and out["second"]["skipped"] == 4
    signs = out["signIns"]
    assert signs["bob@example.com:hunter22"] == "ok:user_bob"        # Clerk id kept, bcrypt digest verified
    assert signs["bob@example.com:wrong"] in ("error", "status:401")
    assert signs["ada@example.com:analytical engine"] == "totp:user_ada:wrong-code-rejected"
    assert signs["al@example.com:anything"] in ("error", "status:401")  # argon2 digest: needs a reset
    assert out["users"]["user_ada"] == {"email": "ada@example.com", "name": "Ada Lovelace, Countess",
                                        "twoFactorEnabled": True}
    assert out["users"]["user_phone"]["email"] == "user_phone@users.invalid"
    assert out["accounts"].count("user_ada:credential") == 1 and "user_argon:credential" not in out["accounts"]
    assert out["twoFactorRows"] == ["user_ada"]
    assert out["newUserHash"] != "$2a"  # new passwords use Better Auth's scrypt


# -- route protection: the draft middleware protects what the Clerk middleware protected -----------

ROUTE_HARNESS = r'''
import { NextRequest } from "next/server";
import { pathToRegexp } from "next/dist/compiled/path-to-regexp";

type Cond = ["true"] | ["call", string] | ["not", Cond] | ["and", Cond[]] | ["or", Cond[]];
type App = { name: string; module: string; matchers: Record<string, string[]>; protect: Cond | null;
             configMatcher: string[]; paths: string[] };

// Next.js compiles config.matcher entries with path-to-regexp (strict, case-insensitive).
const runs = (matcher: string[], path: string) =>
  matcher.some((m) => pathToRegexp(m, [], { delimiter: "/", sensitive: false, strict: true }).test(path));

function holds(cond: Cond | null, path: string, matchers: Record<string, string[]>): boolean {
  if (!cond) return false;
  switch (cond[0]) {
    case "true": return true;
    case "call": return (matchers[cond[1]] ?? []).some((p) => pathToRegexp(p).test(path));  // as createRouteMatcher
    case "not": return !holds(cond[1], path, matchers);
    case "and": return cond[1].every((c) => holds(c, path, matchers));
    case "or": return cond[1].some((c) => holds(c, path, matchers));
  }
}

async function main() {
  const apps: App[] = JSON.parse(process.env.ROUTE_INPUT as string);
  const out: Record<string, Record<string, [boolean, boolean]> | Record<string, string>> = {};
  const compiled: Record<string, string> = {};
  for (const pattern of JSON.parse(process.env.ROUTE_PATTERNS as string) as string[]) {
    compiled[pattern] = pathToRegexp(pattern).source;
  }
  out["compiled"] = compiled;
  for (const app of apps) {
    const mod = await import(app.module);
    out[app.name] = {};
    for (const path of app.paths) {
      const clerk = runs(app.configMatcher, path) && holds(app.protect, path, app.matchers);
      let draft = false;
      if (runs(mod.config.matcher, path)) {
        const res = mod.middleware(new NextRequest(new URL(path, "http://localhost:3000")));
        draft = res.status === 401 || (res.status >= 300 && res.status < 400 && /\/sign-in\?/.test(res.headers.get("location") ?? ""));
      }
      out[app.name][path] = [clerk, draft];
    }
  }
  console.log("RESULT " + JSON.stringify(out));
}

main().catch((error) => { console.error(error); process.exit(1); });
'''

SAMPLE_PATHS = ["/", "/dashboard", "/dashboard/links/42", "/settings", "/settings/profile", "/team/acme", "/notes",
                "/pricing", "/Pricing", "/pricing/", "/blog", "/blog/hello-world", "/admin", "/admin/users",
                "/api/trpc/link.recent", "/api/trpc/link.recent,link.mine", "/api/trpc/link.mine",
                "/api/trpc/post.list", "/api/trpc/post.create", "/api/webhooks/clerk", "/api/webhooks/stripe",
                "/api/health", "/api/cron/digest", "/api/invoices", "/trpc/x", "/favicon.ico", "/logo.png",
                "/_next/static/chunks/main.js", "/robots.txt", "/data.json"]
AUTH_ROUTE = re.compile(r"^/(api/auth|sign-in|sign-up)(/|$)")  # the draft's own pages and endpoints


def _route_paths(rules) -> list[str]:
    """The sample paths, and for each route pattern its literal part with and without a tail."""
    paths = list(SAMPLE_PATHS)
    for patterns in rules.matchers.values():
        for pattern in patterns:
            literal = re.split(r"[(:{*?+]", pattern, maxsplit=1)[0].rstrip("/") or "/"
            paths += [literal, literal.rstrip("/") + "/deep/path", literal.upper()]
    return sorted({p for p in paths if not AUTH_ROUTE.match(p)})


# path-to-regexp 6 syntax the compiler must reproduce byte for byte (Clerk's own matchers compile with it).
PATTERNS = ["/", "/blog(.*)", "/(api|trpc)(.*)", "/((?!api|trpc))(_next.*|.+\\.[\\w]+$)", "/users/:id",
            "/files/:path*", "/files/:path+", "/{about}?", "/:lang(en|de)/docs", "/a.b", "/shop/:id?",
            "/org/:slug/settings(.*)", "/api/trpc/link.recent(.*)", "/((?!_next|[^?]*\\.(?:html?|css)).*)"]

NEXT_APPS = ["next-trpc-turso", "t3-clerk-app", "nextjs-app-router", "nextjs-pages-router"]


@pytest.fixture(scope="session")
def route_tables(ts_env, projects, drafts) -> dict[str, dict[str, list[bool]]]:
    apps = []
    for name in NEXT_APPS:
        project = detect(run_scan([projects[name]], load_catalog()).findings, [projects[name]])
        rules = project.route_rules
        assert rules is not None and not rules.unknown, (name, rules)
        target = ts_env / "routes" / name
        shutil.rmtree(target, ignore_errors=True)
        write_draft(drafts[name], target)
        middleware = next(rel for rel in drafts[name] if rel.endswith("middleware.ts"))
        apps.append({"name": name, "module": f"./{name}/{middleware}",  # from routes/harness.ts
                     "matchers": rules.matchers, "protect": rules.protect, "configMatcher": rules.config_matcher,
                     "paths": _route_paths(rules)})
    (ts_env / "routes" / "harness.ts").write_text(ROUTE_HARNESS, encoding="utf-8")
    proc = subprocess.run([NPM, "exec", "--no", "--", "tsx", "routes/harness.ts"], cwd=ts_env, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "ROUTE_INPUT": json.dumps(apps),
                                                       "ROUTE_PATTERNS": json.dumps(PATTERNS)})
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    assert line, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(line[len("RESULT "):])


def test_path_patterns_compile_like_path_to_regexp(route_tables):
    from clerk_lint.draft.route_rules import path_to_regexp
    assert {p: path_to_regexp(p) for p in PATTERNS} == route_tables["compiled"]


@pytest.mark.parametrize("name", NEXT_APPS)
def test_draft_middleware_protects_what_clerk_protected(name, route_tables):
    table = route_tables[name]
    differ = {path: f"clerk {'protected' if c else 'public'}, draft {'protected' if d else 'public'}"
              for path, (c, d) in table.items() if c != d}
    assert not differ, differ
    assert any(c for c, _ in table.values()) and not all(c for c, _ in table.values())


# Read by hand from each app's middleware (independent of the reading the draft does).
HAND_TABLES = {
    "next-trpc-turso": {"/": False, "/pricing": False, "/blog/hello-world": False, "/dashboard": True,
                        "/api/trpc/link.mine": True, "/api/trpc/link.recent": False, "/favicon.ico": False},
    "t3-clerk-app": {"/": False, "/settings": True, "/api/trpc/post.list": False, "/api/trpc/post.create": True},
    "nextjs-app-router": {"/": False, "/admin/users": True, "/api/webhooks/stripe": False, "/dashboard": True},
    "nextjs-pages-router": {"/": False, "/notes": True, "/api/health": False, "/api/cron/digest": False,
                            "/api/webhooks/clerk": False, "/api/invoices": True, "/logo.png": False},
}


@pytest.mark.parametrize("name", sorted(HAND_TABLES))
def test_route_table_matches_the_app_as_written(name, route_tables):
    got = {path: route_tables[name][path][0] for path in HAND_TABLES[name]}
    assert got == HAND_TABLES[name]


# -- sign-in pages when Clerk hosted them ----------------------------------------------------------

def test_hosted_sign_in_gets_pages_and_a_plan_step(projects, drafts):
    from clerk_lint.plan import build_plan
    turso = drafts["next-trpc-turso"]  # Account Portal URLs, <SignInButton/>, redirectToSignIn()
    page = turso["src/app/sign-in/page.tsx"]
    assert page.startswith('"use client";') and "authClient.signIn.email(" in page
    assert 'from "../../../auth-client"' in page and "authClient.signUp.email(" in turso["src/app/sign-up/page.tsx"]
    # an app that rendered <SignIn/> in its own route gets the page at the same route
    assert "authClient.signIn.email(" in drafts["nextjs-app-router"]["app/sign-in/[[...sign-in]]/page.tsx"]
    # <UserProfile/> at pages/user: an account page at the same route
    account = drafts["nextjs-pages-router"]["pages/user/[[...index]].tsx"]
    assert "authClient.updateUser(" in account and "authClient.signOut()" in account
    # a custom flow keeps its own form: no page drafted
    assert not any("sign-in" in path for path in drafts["react-spa"])
    catalog = load_catalog()
    plan = build_plan(run_scan([projects["next-trpc-turso"]], catalog), catalog)
    step = next(s for s in plan["steps"] if s["id"] == "sign-in-pages")
    assert step["hours"] >= 3 and "email + password" not in step["details"]  # no password evidence


# -- only what the app uses -------------------------------------------------------------------------

def test_password_and_mfa_steps_only_with_evidence(projects, drafts):
    from clerk_lint.plan import build_plan
    catalog = load_catalog()
    with_evidence = drafts["react-password-mfa"]
    assert "bcrypt.compare(password, hash)" in with_evidence["auth.ts"] and "twoFactor(" in with_evidence["auth.ts"]
    assert "Do users sign in with a password?" not in with_evidence["README.md"]
    # <SignIn/> alone: MFA and passwords are questions, not plugins or steps
    app = drafts["nextjs-app-router"]
    assert "bcrypt.compare" not in app["auth.ts"] and "twoFactor" not in app["auth.ts"]
    assert "Is MFA enabled in the Clerk dashboard?" in app["README.md"]
    assert "passwordsLeftOut++" in app["scripts/import-clerk-users.ts"]
    for name, steps_expected in (("react-password-mfa", {"password-hasher", "mfa"}), ("nextjs-app-router", set())):
        plan = build_plan(run_scan([projects[name]], catalog), catalog)
        steps = {s["id"] for s in plan["steps"]}
        assert steps & {"password-hasher", "mfa"} == steps_expected, name
        keys = {q["key"] for q in plan["open_questions"]}
        assert ("passwords" in keys) == (name != "react-password-mfa")
    assert "mfa-usage" in keys  # nextjs-app-router: asked, not assumed
