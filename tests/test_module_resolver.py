from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import pytest

from clerk_lint.resolve import import_tokens, project_files, workspace_packages
from clerk_lint.resolve.globs import glob_regex
from clerk_lint.readers.formats.jsonc import loads_jsonc, parse_json
from clerk_lint.resolve.module_resolver import ModuleResolver
from clerk_lint.resolve.pnpm_workspace import parse_pnpm_packages


def write(root: Path, rel: str, text: str = "export {};\n") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def write_json(root: Path, rel: str, data) -> Path:
    return write(root, rel, json.dumps(data, indent=2) + "\n")


PNPM_WORKSPACE = """\
# pnpm workspace layout
packages:
  - 'apps/*'
  - "packages/**"   # nested packages too
  - tooling/*
  - '!**/test/**'
  - "!packages/legacy"

catalog:
  react: ^19.0.0
"""

TOOLING_BASE = """\
{
  // Shared compiler settings for every package.
  "$schema": "https://json.schemastore.org/tsconfig",
  "compilerOptions": {
    "target": "ES2022",
    "strict": true, /* keep it strict */
    "moduleResolution": "Bundler",
    "skipLibCheck": true,
  },
}
"""

TOOLING_NEXTJS = """\
{
  "extends": "./base.json", // relative extends
  "compilerOptions": {
    "jsx": "preserve",
    "plugins": [{ "name": "next" }],
    /* paths are relative to this file when no baseUrl is set */
    "paths": {
      "@shared/*": ["../../packages/shared/src/*"],
    },
  },
}
"""

WEB_TSCONFIG = """\
{
  "extends": "@acme/tsconfig/nextjs.json",
  "compilerOptions": {
    // app sources
    "paths": {
      "@/*": ["./src/*"],
      "~/*": ["./src/*"],
      "@auth": ["./src/lib/session.ts"],
    },
  },
  "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
  "exclude": ["node_modules"],
}
"""


def build_monorepo(root: Path, kind: str) -> Path:
    """A Turborepo-style monorepo: two Next.js-ish apps, a Vite SPA, an API, shared packages."""
    if kind == "pnpm":
        write_json(root, "package.json", {"name": "acme", "private": True, "packageManager": "pnpm@9.15.0"})
        write(root, "pnpm-workspace.yaml", PNPM_WORKSPACE)
    elif kind == "npm":
        write_json(root, "package.json", {
            "name": "acme", "private": True,
            "workspaces": ["apps/*", "packages/*", "packages/nested/*", "tooling/*", "!packages/legacy"],
        })
    else:  # yarn classic object form
        write_json(root, "package.json", {
            "name": "acme", "private": True,
            "workspaces": {"packages": ["apps/*", "packages/*", "packages/nested/*", "tooling/*",
                                        "!packages/legacy"],
                           "nohoist": ["**/react-native"]},
        })
    write(root, ".gitignore", "node_modules\ndist\n")
    (root / ".git").mkdir()

    # tooling/tsconfig: a config package consumed through `extends`
    write_json(root, "tooling/tsconfig/package.json", {"name": "@acme/tsconfig", "private": True,
                                                        "files": ["*.json"]})
    write(root, "tooling/tsconfig/base.json", TOOLING_BASE)
    write(root, "tooling/tsconfig/nextjs.json", TOOLING_NEXTJS)

    # apps/web: Next.js with "@/*" and "~/*"
    write_json(root, "apps/web/package.json", {"name": "@acme/web", "private": True,
                                                "dependencies": {"@acme/auth": "workspace:*", "next": "15.1.0"}})
    write(root, "apps/web/tsconfig.json", WEB_TSCONFIG)
    write(root, "apps/web/src/lib/auth.ts", "export { auth } from '@clerk/nextjs/server';\n")
    write(root, "apps/web/src/lib/session.ts", "export const getSession = () => null;\n")
    write(root, "apps/web/src/lib/helpers.ts")
    write(root, "apps/web/src/server/db.ts")
    write(root, "apps/web/src/server/queue.mts")
    write(root, "apps/web/src/server/legacy.cts")
    write(root, "apps/web/src/components/Button/index.tsx", "export default function Button() {}\n")
    write(root, "apps/web/src/components/Card.tsx")
    write(root, "apps/web/src/components/Card.stories.tsx")
    write(root, "apps/web/src/components/Badge.js")  # plain JS file in a TS app
    write(root, "apps/web/src/types/clerk.d.ts", "declare global {}\n")
    write(root, "apps/web/src/app/page.tsx")
    write(root, "apps/web/src/app/dashboard/page.tsx")
    write(root, "apps/web/src/index.ts")
    write(root, "apps/web/middleware.ts")

    # apps/docs: extends the shared nextjs config and keeps its paths
    write_json(root, "apps/docs/package.json", {"name": "@acme/docs", "private": True})
    write(root, "apps/docs/tsconfig.json", '{ "extends": "@acme/tsconfig/nextjs.json" }\n')
    write(root, "apps/docs/pages/index.tsx")

    # apps/admin: plain JS with jsconfig baseUrl imports and a missing extends
    write_json(root, "apps/admin/package.json", {"name": "@acme/admin", "private": True})
    write(root, "apps/admin/jsconfig.json", """{
      "extends": "@acme/does-not-exist/base.json",
      "compilerOptions": { "baseUrl": "." }
    }""")
    write(root, "apps/admin/components/Button.jsx")
    write(root, "apps/admin/lib/clerk/index.js")
    write(root, "apps/admin/pages/_app.jsx")

    # apps/spa: Vite solution-style tsconfig with references
    write_json(root, "apps/spa/package.json", {"name": "@acme/spa", "private": True, "type": "module"})
    write(root, "apps/spa/tsconfig.json", """{
      "files": [],
      "references": [{ "path": "./tsconfig.node.json" }, { "path": "./tsconfig.app.json" }]
    }""")
    write(root, "apps/spa/tsconfig.app.json", """{
      "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] } },
      "include": ["src"]
    }""")
    write(root, "apps/spa/tsconfig.node.json", """{
      "compilerOptions": { "paths": { "@/*": ["./node-only/*"] } },
      "include": ["vite.config.ts"]
    }""")
    write(root, "apps/spa/src/main.tsx")
    write(root, "apps/spa/src/lib/clerk.ts")

    # apps/api: extends an array (a package in node_modules + a local file), baseUrl ./src
    write_json(root, "apps/api/package.json", {
        "name": "@acme/api", "private": True,
        "imports": {"#config": "./src/config/load.ts", "#db/*": "./src/db/*.ts",
                    "#auth": "@acme/auth/server"},
    })
    write(root, "apps/api/tsconfig.json", """{
      // array extends (TS 5.0+)
      "extends": ["@tsconfig/node20/tsconfig.json", "./tsconfig.paths.json"],
    }""")
    write(root, "apps/api/tsconfig.paths.json", """{
      "compilerOptions": { "baseUrl": "./src", "paths": { "@api/*": ["*"] } }
    }""")
    write(root, "apps/api/src/server.ts")
    write(root, "apps/api/src/routes/users.ts")
    write(root, "apps/api/src/config/load.ts")
    write(root, "apps/api/src/db/client.ts")
    write_json(root, "node_modules/@tsconfig/node20/package.json", {"name": "@tsconfig/node20"})
    write(root, "node_modules/@tsconfig/node20/tsconfig.json",
          '{ "compilerOptions": { "lib": ["es2023"], "module": "node16" } }')

    # packages/auth: main/exports point at a dist/ that is not in the checkout
    write_json(root, "packages/auth/package.json", {
        "name": "@acme/auth", "version": "0.0.0", "private": True,
        "main": "dist/index.js", "types": "dist/index.d.ts",
        "exports": {
            ".": {"types": "./dist/index.d.ts", "import": "./dist/index.mjs", "require": "./dist/index.js"},
            "./server": {"types": "./dist/server.d.ts", "default": "./dist/server.js"},
            "./session": {"import": {"types": "./dist/esm/clerk-session.d.ts",
                                     "default": "./dist/esm/clerk-session.js"}},
            "./utils/*": "./dist/utils/*.js",
            "./internal/*": None,
            "./package.json": "./package.json",
        },
    })
    write(root, "packages/auth/tsconfig.json", """{
      "extends": "../../tooling/tsconfig/base.json",
      "compilerOptions": { "baseUrl": "./src", "outDir": "dist", },
      "include": ["src"],
    }""")
    write(root, "packages/auth/src/index.ts", "export * from './server';\n")
    write(root, "packages/auth/src/server.ts")
    write(root, "packages/auth/src/clerk-session.ts")
    write(root, "packages/auth/src/helpers/clerk.ts")
    write(root, "packages/auth/src/utils/roles.ts")
    write(root, "packages/auth/src/internal/secret.ts")
    write_json(root, "packages/auth/test/fixture-pkg/package.json", {"name": "@acme/test-fixture"})
    write(root, "packages/auth/test/fixture-pkg/index.js")

    # packages/ui: main points straight at the source
    write_json(root, "packages/ui/package.json", {"name": "@acme/ui", "main": "./src/index.ts",
                                                   "types": "./src/index.ts"})
    write(root, "packages/ui/src/index.ts")
    write(root, "packages/ui/src/button.tsx")

    # packages/shared: only reachable through the tooling config's paths (and by name)
    write_json(root, "packages/shared/package.json", {"name": "@acme/shared", "module": "./build/esm/index.mjs"})
    write(root, "packages/shared/src/index.ts")
    write(root, "packages/shared/src/format.ts")

    write_json(root, "packages/nested/deep/package.json", {"name": "@acme/deep", "source": "lib/main.ts"})
    write(root, "packages/nested/deep/lib/main.ts")
    write_json(root, "packages/legacy/package.json", {"name": "@acme/legacy", "main": "index.js"})
    write(root, "packages/legacy/index.js")
    write(root, "packages/broken/package.json", '{ "name": "@acme/broken", ')  # bad JSON
    write(root, "packages/broken/index.ts")

    # an installed npm package, and the workspace link npm/pnpm create
    write_json(root, "node_modules/react/package.json", {"name": "react", "main": "index.js"})
    write(root, "node_modules/react/index.js")
    return root


@pytest.fixture(scope="module", params=["pnpm", "npm", "yarn"])
def repo(request, tmp_path_factory) -> Path:
    """Built once per layout; tests only read it (each makes its own resolver)."""
    return build_monorepo(tmp_path_factory.mktemp(request.param) / "acme", request.param)


def rel(root: Path, found: Optional[Path]) -> Optional[str]:
    return None if found is None else found.relative_to(root).as_posix()


# (importer, specifier, expected target) -- shared by the resolve and tokens tests
CASES = [
    # relative: extensions, index files, "."/"..", trailing slash, TS-ESM .js -> .ts
    ("apps/web/src/app/page.tsx", "../lib/auth", "apps/web/src/lib/auth.ts"),
    ("apps/web/src/lib/helpers.ts", "./auth", "apps/web/src/lib/auth.ts"),
    ("apps/web/src/lib/helpers.ts", "./auth.ts", "apps/web/src/lib/auth.ts"),
    ("apps/web/src/lib/helpers.ts", "./auth.js", "apps/web/src/lib/auth.ts"),
    ("apps/web/src/app/page.tsx", "../components/Card.jsx", "apps/web/src/components/Card.tsx"),
    ("apps/web/src/app/page.tsx", "../components/Card.js", "apps/web/src/components/Card.tsx"),
    ("apps/web/src/app/page.tsx", "../components/Card.stories", "apps/web/src/components/Card.stories.tsx"),
    ("apps/web/src/app/page.tsx", "../components/Badge", "apps/web/src/components/Badge.js"),
    ("apps/web/src/app/page.tsx", "../components/Badge.js", "apps/web/src/components/Badge.js"),
    ("apps/web/src/lib/auth.ts", "../server/db.js", "apps/web/src/server/db.ts"),
    ("apps/web/src/lib/auth.ts", "../server/queue.mjs", "apps/web/src/server/queue.mts"),
    ("apps/web/src/lib/auth.ts", "../server/legacy.cjs", "apps/web/src/server/legacy.cts"),
    ("apps/web/src/app/page.tsx", "../components/Button", "apps/web/src/components/Button/index.tsx"),
    ("apps/web/src/app/page.tsx", "../components/Button/", "apps/web/src/components/Button/index.tsx"),
    ("apps/web/src/app/page.tsx", "../components/Button/index.js", "apps/web/src/components/Button/index.tsx"),
    ("apps/web/src/app/page.tsx", "..", "apps/web/src/index.ts"),
    ("apps/web/src/app/dashboard/page.tsx", "../..", "apps/web/src/index.ts"),
    ("apps/web/src/components/Button/index.tsx", "../../", "apps/web/src/index.ts"),
    ("apps/web/src/lib/helpers.ts", "./auth?raw", "apps/web/src/lib/auth.ts"),
    # tsconfig paths (own config overrides the base's paths)
    ("apps/web/src/app/page.tsx", "@/lib/auth", "apps/web/src/lib/auth.ts"),
    ("apps/web/src/app/dashboard/page.tsx", "~/lib/auth", "apps/web/src/lib/auth.ts"),
    ("apps/web/middleware.ts", "@/lib/auth", "apps/web/src/lib/auth.ts"),
    ("apps/web/src/app/page.tsx", "@/components/Button", "apps/web/src/components/Button/index.tsx"),
    ("apps/web/src/app/page.tsx", "@auth", "apps/web/src/lib/session.ts"),
    ("apps/web/src/app/page.tsx", "@/", "apps/web/src/index.ts"),
    # paths inherited from a package config through `extends`, relative to that config
    ("apps/docs/pages/index.tsx", "@shared/format", "packages/shared/src/format.ts"),
    # jsconfig baseUrl-only imports
    ("apps/admin/pages/_app.jsx", "components/Button", "apps/admin/components/Button.jsx"),
    ("apps/admin/pages/_app.jsx", "lib/clerk", "apps/admin/lib/clerk/index.js"),
    # Vite references: the app config covering src/ lends its paths
    ("apps/spa/src/main.tsx", "@/lib/clerk", "apps/spa/src/lib/clerk.ts"),
    # array extends, baseUrl ./src and a "*" mapping
    ("apps/api/src/server.ts", "@api/routes/users", "apps/api/src/routes/users.ts"),
    ("apps/api/src/server.ts", "routes/users", "apps/api/src/routes/users.ts"),
    # package.json "imports"
    ("apps/api/src/server.ts", "#config", "apps/api/src/config/load.ts"),
    ("apps/api/src/routes/users.ts", "#db/client", "apps/api/src/db/client.ts"),
    ("apps/api/src/server.ts", "#auth", "packages/auth/src/server.ts"),
    # workspace packages: dist -> src, exports subpaths, patterns, nested conditions
    ("apps/web/src/lib/auth.ts", "@acme/auth", "packages/auth/src/index.ts"),
    ("apps/web/src/lib/auth.ts", "@acme/auth/server", "packages/auth/src/server.ts"),
    ("apps/web/src/lib/auth.ts", "@acme/auth/session", "packages/auth/src/clerk-session.ts"),
    ("apps/web/src/lib/auth.ts", "@acme/auth/utils/roles", "packages/auth/src/utils/roles.ts"),
    ("apps/api/src/server.ts", "@acme/auth", "packages/auth/src/index.ts"),
    ("apps/web/src/app/page.tsx", "@acme/ui", "packages/ui/src/index.ts"),
    ("apps/web/src/app/page.tsx", "@acme/ui/button", "packages/ui/src/button.tsx"),
    ("apps/web/src/app/page.tsx", "@acme/shared", "packages/shared/src/index.ts"),
    ("apps/web/src/app/page.tsx", "@acme/deep", "packages/nested/deep/lib/main.ts"),
    # per-package tsconfig: the nearest config wins
    ("packages/auth/src/server.ts", "helpers/clerk", "packages/auth/src/helpers/clerk.ts"),
    ("packages/auth/src/index.ts", "./server.js", "packages/auth/src/server.ts"),
    # relative import of a package folder goes through its package.json
    ("apps/web/src/lib/auth.ts", "../../../../packages/auth", "packages/auth/src/index.ts"),
]


@pytest.mark.parametrize("importer,spec,expected", CASES)
def test_resolves(repo, importer, spec, expected):
    r = ModuleResolver([repo])
    assert rel(repo, r.resolve(repo / importer, spec)) == expected


NOT_PROJECT = [
    ("apps/web/src/app/page.tsx", "react"),  # installed npm package
    ("apps/web/src/app/page.tsx", "react/jsx-runtime"),
    ("apps/web/src/app/page.tsx", "next/navigation"),  # not installed at all
    ("apps/web/src/app/page.tsx", "@clerk/nextjs"),
    ("apps/web/src/app/page.tsx", "@clerk/nextjs/server"),
    ("apps/web/src/lib/auth.ts", "fs"),
    ("apps/web/src/lib/auth.ts", "node:fs"),
    ("apps/web/src/lib/auth.ts", "fs/promises"),
    ("apps/web/src/lib/auth.ts", "node:test"),
    ("apps/web/src/lib/auth.ts", "https://esm.sh/react@19"),
    ("apps/web/src/lib/auth.ts", "//cdn.example.com/x.js"),
    ("apps/web/src/lib/auth.ts", "virtual:pwa-register"),
    ("apps/web/src/lib/auth.ts", "./missing"),
    ("apps/web/src/lib/auth.ts", "../types/clerk"),  # .d.ts is never picked by probing
    ("apps/web/src/lib/auth.ts", ""),
    ("apps/web/src/app/page.tsx", "@/lib/nope"),
    ("apps/web/src/app/page.tsx", "@shared/format"),  # own paths replace the base config's
    ("apps/web/src/lib/auth.ts", "helpers/clerk"),  # only packages/auth has baseUrl ./src
    ("apps/web/src/lib/auth.ts", "@acme/auth/internal/secret"),  # exports: null
    ("apps/web/src/lib/auth.ts", "@acme/legacy"),  # negated workspace glob
    ("apps/web/src/lib/auth.ts", "@acme/test-fixture"),  # negated in pnpm; not a workspace dir in npm
    ("apps/web/src/lib/auth.ts", "@acme/broken"),  # bad package.json
    ("apps/web/src/lib/auth.ts", "#config"),  # imports of another package
    ("apps/api/src/server.ts", "#nope"),
]


@pytest.mark.parametrize("importer,spec", NOT_PROJECT)
def test_not_project_files(repo, importer, spec):
    r = ModuleResolver([repo])
    assert r.resolve(repo / importer, spec) is None


def test_nested_workspace_glob_only_where_declared(tmp_path):
    # pnpm's "packages/**" reaches packages/nested/deep; npm lists it explicitly; both resolve
    for kind in ("pnpm", "npm"):
        root = build_monorepo(tmp_path / kind, kind)
        r = ModuleResolver([root])
        assert rel(root, r.resolve(root / "apps/web/src/index.ts", "@acme/deep")) == "packages/nested/deep/lib/main.ts"
    root = tmp_path / "narrow"
    build_monorepo(root, "npm")
    write_json(root, "package.json", {"name": "acme", "workspaces": ["apps/*", "packages/*"]})
    r = ModuleResolver([root])
    assert r.resolve(root / "apps/web/src/index.ts", "@acme/deep") is None
    assert rel(root, r.resolve(root / "apps/web/src/index.ts", "@acme/legacy")) == "packages/legacy/index.js"


def test_workspace_link_in_node_modules_is_not_needed_but_harmless(tmp_path):
    repo = build_monorepo(tmp_path / "acme", "pnpm")
    link = repo / "node_modules/@acme/auth"
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(repo / "packages/auth", link, target_is_directory=True)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"cannot create symlinks: {exc}")
    r = ModuleResolver([repo])
    assert rel(repo, r.resolve(repo / "apps/web/src/lib/auth.ts", "@acme/auth")) == "packages/auth/src/index.ts"


def test_linked_dependency_outside_workspaces(tmp_path):
    """A `link:`/`file:` dependency: node_modules/<name> is a link into the scanned tree."""
    root = tmp_path / "repo"
    write_json(root, "app/package.json", {"name": "app", "dependencies": {"shared-auth": "link:../shared"}})
    write(root, "app/src/index.ts")
    write_json(root, "shared/package.json", {"name": "shared-auth", "main": "dist/index.js"})
    write(root, "shared/src/index.ts")
    (root / "app/node_modules").mkdir(parents=True)
    try:
        os.symlink("../../shared", root / "app/node_modules/shared-auth", target_is_directory=True)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"cannot create symlinks: {exc}")
    r = ModuleResolver([root])
    assert rel(root, r.resolve(root / "app/src/index.ts", "shared-auth")) == "shared/src/index.ts"
    assert "'shared-auth" in r.tokens(root / "shared/src/index.ts")
    # scanning only the app: the link points outside the roots -> not a project file
    r2 = ModuleResolver([root / "app"])
    assert r2.resolve(root / "app/src/index.ts", "shared-auth") is None


def test_single_package_self_reference_and_paths_to_package_source(tmp_path):
    root = tmp_path / "lib"
    write_json(root, "package.json", {"name": "@acme/sdk", "type": "module",
                                      "exports": {".": "./dist/index.js", "./clerk": "./dist/clerk/index.js"}})
    write(root, "tsconfig.json", '{"compilerOptions": {"paths": {"@acme/sdk/*": ["./src/*"]}}}')
    write(root, "src/index.ts")
    write(root, "src/clerk/index.ts")
    write(root, "src/clerk/provider.tsx")
    write(root, "test/sdk.test.ts")
    r = ModuleResolver([root])
    imp = root / "test/sdk.test.ts"
    assert rel(root, r.resolve(imp, "@acme/sdk")) == "src/index.ts"
    assert rel(root, r.resolve(imp, "@acme/sdk/clerk")) == "src/clerk/index.ts"
    assert rel(root, r.resolve(imp, "@acme/sdk/clerk/provider")) == "src/clerk/provider.tsx"
    assert r.resolve(imp, "@acme/other") is None


def test_paths_longest_prefix_and_fallback_targets(tmp_path):
    root = tmp_path / "app"
    write(root, "tsconfig.json", """{
      "compilerOptions": {
        "baseUrl": "src",
        "paths": {
          "*": ["*", "generated/*"],
          "@app/*": ["app/*"],
          "@app/components/*": ["ui/components/*", "legacy/components/*"],
          "env": ["config/env.ts"],
        },
      },
    }""")
    write(root, "src/app/components/Header.tsx")
    write(root, "src/ui/components/Header.tsx")
    write(root, "src/legacy/components/Footer.tsx")
    write(root, "src/generated/graphql.ts")
    write(root, "src/config/env.ts")
    write(root, "src/main.ts")
    r = ModuleResolver([root])
    imp = root / "src/main.ts"
    assert rel(root, r.resolve(imp, "@app/components/Header")) == "src/ui/components/Header.tsx"
    assert rel(root, r.resolve(imp, "@app/components/Footer")) == "src/legacy/components/Footer.tsx"
    assert rel(root, r.resolve(imp, "graphql")) == "src/generated/graphql.ts"
    assert rel(root, r.resolve(imp, "env")) == "src/config/env.ts"
    assert r.resolve(imp, "react") is None


def test_extends_cycle_and_broken_configs_never_raise(tmp_path):
    root = tmp_path / "app"
    write(root, "tsconfig.json", '{"extends": "./tsconfig.a.json", "compilerOptions": {"paths": {"@/*": ["./src/*"]}}}')
    write(root, "tsconfig.a.json", '{"extends": "./tsconfig.b.json", "compilerOptions": {"baseUrl": "."}}')
    write(root, "tsconfig.b.json", '{"extends": "./tsconfig.a.json"}')
    write(root, "src/lib/auth.ts")
    write(root, "sub/tsconfig.json", "{ this is not json")  # treated as absent
    write(root, "sub/page.ts")
    write(root, "other/tsconfig.json", '{"compilerOptions": {"paths": "nope", "baseUrl": 3}, "extends": 7}')
    write(root, "other/page.ts")
    write(root, "package.json", '{"name": "x", "workspaces": "apps/*", "exports": 5}')
    r = ModuleResolver([root])
    assert rel(root, r.resolve(root / "src/lib/x.ts", "@/lib/auth")) == "src/lib/auth.ts"
    assert rel(root, r.resolve(root / "sub/page.ts", "@/lib/auth")) == "src/lib/auth.ts"
    assert r.resolve(root / "other/page.ts", "@/lib/auth") is None
    assert r.resolve(root / "other/page.ts", "x") is None
    assert r.tokens(root / "src/lib/auth.ts")


def test_reads_each_file_once(repo, monkeypatch):
    reads: list[str] = []
    real = project_files.read_text

    def counting(path, *args, **kwargs):
        reads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(project_files, "read_text", counting)  # JSON files
    monkeypatch.setattr(workspace_packages, "read_text", counting)  # pnpm-workspace.yaml
    r = ModuleResolver([repo])
    for _ in range(3):
        for importer, spec, expected in CASES:
            assert rel(repo, r.resolve(repo / importer, spec)) == expected
        for importer, spec, _ in CASES:
            r.tokens(repo / importer)
    assert reads and len(reads) == len(set(reads))


# --------------------------------------------------------------------------- tokens


def importer_source(spec: str, style: int) -> str:
    return [
        f'import {{ auth }} from "{spec}";\n',
        f"import x from '{spec}'\n",
        f"export * from \"{spec}\";\n",
        f"const m = require('{spec}');\n",
        f"const m = await import(`{spec}`);\n",
    ][style % 5]


@pytest.mark.parametrize("importer,spec,expected", CASES)
def test_tokens_never_miss_a_real_importer(repo, importer, spec, expected):
    r = ModuleResolver([repo])
    target = r.resolve(repo / importer, spec)
    assert target is not None
    for style in range(5):
        text = ("// header\n" + importer_source(spec, style) + "export const n = 1;\n").encode()
        toks = r.tokens(target)
        assert any(t.encode() in text for t in toks), (spec, style, sorted(toks))


def seg(name: str) -> set[str]:
    return {"/" + name, '"' + name, "'" + name, "`" + name}


def test_tokens_contents(repo):
    r = ModuleResolver([repo])
    auth = r.tokens(repo / "apps/web/src/lib/auth.ts")
    assert auth == frozenset(seg("auth"))
    # selective: a file that only calls Clerk's auth() does not pass the prefilter
    clerk_only = b'import { auth } from "@clerk/nextjs/server";\nconst { userId } = await auth();\n'
    assert not any(t.encode() in clerk_only for t in auth)
    button = r.tokens(repo / "apps/web/src/components/Button/index.tsx")
    assert seg("Button") | seg("index") | set(import_tokens.DOTS_TOKENS) <= button
    entry = r.tokens(repo / "packages/auth/src/index.ts")
    assert {'"@acme/auth', "'@acme/auth"} <= entry
    assert seg("auth") <= entry  # the package folder, for "../../packages/auth"
    session = r.tokens(repo / "packages/auth/src/clerk-session.ts")
    assert '"@acme/auth' in session  # exported as "@acme/auth/session"
    # "./utils/*" -> "./dist/utils/*.js", built from src/utils/
    assert '"@acme/auth' in r.tokens(repo / "packages/auth/src/utils/roles.ts")
    # neither exported nor an entry: the package name is no evidence of an import
    assert not any("@acme" in t for t in r.tokens(repo / "packages/auth/src/helpers/clerk.ts"))
    assert not any("@acme" in t for t in r.tokens(repo / "packages/auth/src/internal/secret.ts"))
    assert '"@auth' in r.tokens(repo / "apps/web/src/lib/session.ts")
    assert "'#config" in r.tokens(repo / "apps/api/src/config/load.ts")
    assert "'#auth" in r.tokens(repo / "packages/auth/src/server.ts")
    # a plain module that no alias renames gets only its stem
    assert r.tokens(repo / "apps/web/src/server/db.ts") == frozenset(seg("db"))


def test_dots_tokens_cover_every_dots_only_specifier():
    for spec in (".", "..", "./", "../", "./.", "../..", "../../", "../../..", "./..", "../../../"):
        for q in ('"', "'", "`"):
            assert any(t in q + spec + q for t in import_tokens.DOTS_TOKENS), (spec, q)
    for text in ('"Loading..."', "'and so on.'", '"a/b/"', "'https://x.dev/'"):
        assert not any(t in text for t in import_tokens.DOTS_TOKENS), text


def test_tokens_for_alias_whose_capture_skips_the_name(tmp_path):
    root = tmp_path / "app"
    write(root, "tsconfig.json", """{"compilerOptions": {"paths": {
      "@feature/*": ["./src/features/*/entry.ts"],
      "@all/*": ["./src/all.ts"],
    }}}""")
    write(root, "src/features/billing/entry.ts")
    write(root, "src/all.ts")
    write(root, "src/main.ts")
    r = ModuleResolver([root])
    target = r.resolve(root / "src/main.ts", "@feature/billing")
    assert rel(root, target) == "src/features/billing/entry.ts"
    assert '"@feature/billing' in r.tokens(target)
    assert rel(root, r.resolve(root / "src/main.ts", "@all/anything")) == "src/all.ts"
    assert '"@all/' in r.tokens(root / "src/all.ts")


# --------------------------------------------------------------------------- parsers


def test_loads_jsonc():
    text = """\ufeff{
      // line comment with "quotes"
      "a": "http://example.com/*not-a-comment*/", /* block
      comment */ "b": [1, 2, 3,],
      "c": {"d": "x,]",},
    }"""
    assert loads_jsonc(text) == {"a": "http://example.com/*not-a-comment*/", "b": [1, 2, 3], "c": {"d": "x,]"}}
    with pytest.raises(ValueError):
        loads_jsonc("{ nope")
    # The reader with positions speaks the same dialect.
    assert parse_json(text).to_python() == loads_jsonc(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        (PNPM_WORKSPACE, ["apps/*", "packages/**", "tooling/*", "!**/test/**", "!packages/legacy"]),
        ("packages: ['apps/*', \"packages/*\"]  # flow\n", ["apps/*", "packages/*"]),
        ("packages: [\n  'apps/*', # web\n  'libs/*'\n]\nonlyBuiltDependencies: [esbuild]\n", ["apps/*", "libs/*"]),
        ("packages:\n- apps/*\n- 'it''s/*'\nfoo: bar\n", ["apps/*", "it's/*"]),
        ("catalog:\n  packages: 1\n", []),
        ("", []),
    ],
)
def test_parse_pnpm_packages(text, expected):
    assert parse_pnpm_packages(text) == expected


@pytest.mark.parametrize(
    "glob,path,hit",
    [
        ("**/test/**", "packages/auth/test/fixture-pkg", True),
        ("**/test/**", "packages/test", True),
        ("**/test/**", "packages/testing", False),
        ("packages/legacy", "packages/legacy", True),
        ("packages/legacy", "packages/legacy-ui", False),
        ("packages/*", "packages/a/b", False),
        ("packages/{ui,auth}", "packages/ui", True),
    ],
)
def test_glob_regex(glob, path, hit):
    assert bool(glob_regex(glob).match(path)) is hit


def spellings(importer: Path, target: Path, repo: Path) -> list[str]:
    """Ways a developer may write an import of `target` from `importer`."""
    rel_path = os.path.relpath(target, importer.parent).replace(os.sep, "/")
    if not rel_path.startswith("."):
        rel_path = "./" + rel_path
    stem_path, ext = os.path.splitext(rel_path)
    out = [rel_path, stem_path]
    swap = {".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs"}.get(ext)
    if swap:
        out.append(stem_path + swap)
    if os.path.basename(stem_path) == "index":
        folder = os.path.dirname(stem_path) or "."
        out += [folder, folder + "/"]
    web_src = repo / "apps/web/src"
    if web_src in target.parents:
        inner = target.relative_to(web_src).with_suffix("").as_posix()
        out += ["@/" + inner, "~/" + inner]
        if inner.endswith("/index") or inner == "index":
            out += ["@/" + inner[: -len("index")].rstrip("/"), "@/" + inner[: -len("index")]]
    return out


def test_tokens_cover_every_spelling_that_resolves(repo):
    """For every pair of source files in two packages and every way of writing the
    import that really resolves, the target's tokens occur in the importer."""
    r = ModuleResolver([repo])
    files = sorted(p for base in ("apps/web", "packages/auth", "apps/api") for p in (repo / base).rglob("*")
                   if p.is_file() and p.suffix in {".ts", ".tsx", ".js", ".mts", ".cts"})
    checked = 0
    for importer in files:
        for target in files:
            toks = r.tokens(target)
            for spec in spellings(importer, target, repo):
                if r.resolve(importer, spec) != target:
                    continue
                checked += 1
                for q in ('"', "'", "`"):
                    text = f"import {{ x }} from {q}{spec}{q};\n".encode()
                    assert any(t.encode() in text for t in toks), (importer, spec, sorted(toks))
    assert checked > 500


# ---------------------------------------------------------------- bundler / framework aliases

def test_config_aliases_read_every_vite_form():
    from clerk_lint.resolve.bundler_aliases import config_aliases

    text = '''import { fileURLToPath, URL } from "node:url";
import path from "node:path";
export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./src", import.meta.url)),
      "~components": path.resolve(__dirname, "src/components"),
      react: "preact/compat",
    },
  },
  test: { alias: [{ find: "@lib", replacement: path.resolve(__dirname, "./src/lib") }] },
});
'''
    assert config_aliases(text) == [("@", "./src"), ("~components", "src/components"), ("react", "preact/compat"),
                                    ("@lib", "./src/lib")]


def test_vite_nuxt_and_sveltekit_aliases_without_tsconfig_paths(tmp_path):
    write_json(tmp_path, "vite-app/package.json", {"name": "v"})
    write(tmp_path, "vite-app/vite.config.ts",
          'export default { resolve: { alias: { "@": path.resolve(__dirname, "./src") } } };\n')
    target = write(tmp_path, "vite-app/src/lib/session.ts")
    write_json(tmp_path, "nuxt4/package.json", {"name": "n"})
    write(tmp_path, "nuxt4/nuxt.config.ts", "export default defineNuxtConfig({});\n")
    nuxt_target = write(tmp_path, "nuxt4/app/composables/member.ts")
    shared = write(tmp_path, "nuxt4/shared/roles.ts")
    write_json(tmp_path, "kit/package.json", {"name": "k"})
    write(tmp_path, "kit/svelte.config.js", "export default { kit: {} };\n")
    kit_target = write(tmp_path, "kit/src/lib/server/auth.ts")
    r = ModuleResolver([tmp_path])
    assert r.resolve(tmp_path / "vite-app/src/pages/Home.tsx", "@/lib/session") == target
    assert r.resolve(tmp_path / "vite-app/src/pages/Home.tsx", "@clerk/clerk-react") is None
    assert r.resolve(tmp_path / "nuxt4/app/pages/index.vue", "~/composables/member") == nuxt_target
    assert r.resolve(tmp_path / "nuxt4/app/pages/index.vue", "~~/shared/roles") == shared
    assert r.resolve(tmp_path / "kit/src/routes/+page.server.ts", "$lib/server/auth") == kit_target
