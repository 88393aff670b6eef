"""The pre-commit hook, run by the real pre-commit framework (`pre-commit try-repo`,
`pre-commit run` with a config naming the hook repository, and `pre-commit install` +
`git commit`) against throwaway git repositories.

The hook repository is a snapshot of this checkout's working tree (tracked and
untracked, not ignored, files) committed once per session, so pre-commit builds the
hook's virtualenv once (keyed by repository and rev) and every test reuses it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from clerk_lint.discover import walk as discover

ROOT = Path(__file__).resolve().parents[1]
GIT_ID = ["-c", "user.name=clerk-lint tests", "-c", "user.email=tests@clerk-lint.invalid",
          "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]

PAGE = """import { useUser } from "@clerk/nextjs";

export default function Page() {
  const { user } = useUser();
  return user?.id;
}
"""
CLEAN = """export function add(a: number, b: number): number {
  return a + b;
}
"""


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *GIT_ID, *args], cwd=cwd, check=check, capture_output=True, text=True)


def clerk_lint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clerk_lint", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """A git repository holding this checkout's working tree, and its commit."""
    repo = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        rel = os.fsdecode(raw)
        source = ROOT / rel
        if not source.is_file() or source.is_symlink():
            continue  # deleted in the working tree, or a link
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory) -> dict[str, str]:
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    env["PRE_COMMIT_COLOR"] = "never"
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    return env


def make_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    for rel, text in files.items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git(path, "add", "-A")
    return path


def try_repo(target: Path, hook_repo: tuple[Path, str], env: dict, *extra: str) -> subprocess.CompletedProcess:
    repo, rev = hook_repo
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(repo), "clerk-lint", "--ref", rev, *extra],
        cwd=target, env=env, capture_output=True, text=True, timeout=900,
    )


def run_hook(target: Path, hook_repo: tuple[Path, str], env: dict, *extra: str) -> subprocess.CompletedProcess:
    """`pre-commit run` with a config naming the hook repository at its commit: the hook's
    environment is built once per session (try-repo clones and rebuilds it on every call)."""
    repo, rev = hook_repo
    config = target.parent / f"{target.name}.pre-commit-config.yaml"  # outside the repository
    config.write_text(f"repos:\n  - repo: {json.dumps(str(repo))}\n    rev: {rev}\n"
                      "    hooks:\n      - id: clerk-lint\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "clerk-lint", "--config", str(config), *extra],
        cwd=target, env=env, capture_output=True, text=True, timeout=900,
    )


def finding_lines(output: str) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: CLK\d+ .*$", output, flags=re.M)


# --------------------------------------------------------------------------- the manifest


def test_manifest_is_valid_for_pre_commit(pre_commit_env):
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
                          cwd=ROOT, env=pre_commit_env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "clerk-lint"
    assert hook["language"] == "python"
    assert hook["entry"].startswith("clerk-lint scan")


def _hook_filter():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return re.compile(hook["files"]), re.compile(hook["exclude"])


@pytest.mark.parametrize("name", [
    "app/page.mts", "lib/server.cts", "src/App.vue", "src/pages/index.astro", "src/Nav.svelte",
    "backend/app.py", "a.js", "b.jsx", "c.mjs", "d.cjs", "e.ts", "f.tsx",
    ".env", ".env.local", "apps/web/.env.production", "package.json", "apps/api/pyproject.toml",
    "requirements.txt", "requirements-dev.in", "prisma/schema.prisma",
    "turbo.json", "apps/worker/wrangler.toml", "wrangler.jsonc", "apps/mobile/app.json", "apps/mobile/eas.json",
    "apps/mobile/app.config.ts", "apps/api/settings.py",
])
def test_hook_selects_every_kind_of_file_clerk_lint_scans(name):
    files, exclude = _hook_filter()
    assert files.search(name) and not exclude.search(name)


def test_hook_selects_every_name_discover_knows():
    """Keeps the hook's `files` regex in step with discover.LANGUAGES."""
    files, _ = _hook_filter()
    names = [f"src/x{key}" if key.startswith(".") else f"src/{key}" for key in discover.LANGUAGES]
    names += [f"src/{pattern.replace('*', 'x')}" for pattern, _ in getattr(discover, "LANGUAGE_PATTERNS", ())]
    missing = [n for n in names if discover.language_for(n.rsplit("/", 1)[-1]) and not files.search(n)]
    assert missing == []


@pytest.mark.parametrize("name", ["README.md", "logo.png", "styles.css", "node_modules/x/index.js",
                                  "public/app.min.js", "dist/index.js"])
def test_hook_leaves_out_other_files(name):
    files, exclude = _hook_filter()
    assert not files.search(name) or exclude.search(name)


# --------------------------------------------------------------------------- pre-commit try-repo / run


def test_try_repo_fails_on_clerk_usage_and_prints_the_finding(tmp_path, hook_repo, pre_commit_env):
    target = make_repo(tmp_path / "app", {"app/page.tsx": PAGE, "README.md": "# app\n"})
    proc = try_repo(target, hook_repo, pre_commit_env, "--all-files")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert re.search(r"clerk-lint \(Clerk usage\)\.+Failed", out), out
    lines = finding_lines(out)
    assert "app/page.tsx:4:20: CLK201 useUser() from @clerk/nextjs: read the user from " \
           "authClient.useSession().data.user" in lines, out
    assert any(line.startswith("app/page.tsx:1:1: CLK001 ") for line in lines), out


def test_hook_passes_on_a_clean_repository(tmp_path, hook_repo, pre_commit_env):
    target = make_repo(tmp_path / "app", {"src/math.ts": CLEAN, "README.md": "# app\n"})
    proc = run_hook(target, hook_repo, pre_commit_env, "--all-files")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"clerk-lint \(Clerk usage\)\.+Passed", out), out


def test_hook_passes_with_a_baseline_and_fails_on_one_new_finding(tmp_path, hook_repo, pre_commit_env):
    target = make_repo(tmp_path / "app", {"app/page.tsx": PAGE, "src/math.ts": CLEAN,
                                          ".clerk-lint.toml": 'baseline = "clerk-lint-baseline.json"\n'})
    made = clerk_lint(target, "baseline")
    assert made.returncode == 0, made.stderr
    assert len(json.loads((target / "clerk-lint-baseline.json").read_text())["findings"]) == 2
    git(target, "add", "-A")

    proc = run_hook(target, hook_repo, pre_commit_env, "--all-files")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"clerk-lint \(Clerk usage\)\.+Passed", out), out

    # Lines moving above the old findings do not make them new ...
    (target / "app/page.tsx").write_text("// header\n\n" + PAGE, encoding="utf-8")
    # ... one more use of a Clerk API does.
    (target / "src/math.ts").write_text(
        CLEAN + 'import { auth } from "@clerk/nextjs/server";\nexport const me = async () => (await auth()).userId;\n',
        encoding="utf-8")
    git(target, "add", "-A")
    proc = run_hook(target, hook_repo, pre_commit_env, "--all-files")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    lines = finding_lines(out)
    assert lines and all(line.startswith("src/math.ts:") for line in lines), out
    assert any(" CLK301 " in line or " CLK001 " in line for line in lines), out
    assert not any(line.startswith("app/page.tsx") for line in lines), out


def test_hook_on_staged_files_covers_extensions_identify_does_not_tag(tmp_path, hook_repo, pre_commit_env):
    """.mts/.cts get no identify tag; the hook's `files` regex still hands them over,
    and every staged file reaches clerk-lint exactly as a direct run would see it."""
    ts = 'import { currentUser } from "@clerk/nextjs/server";\nexport const me = () => currentUser();\n'
    files = {
        "lib/me.mts": ts,
        "lib/me.cts": ts,
        "src/App.vue": '<script setup lang="ts">\nimport { useUser } from "@clerk/vue";\n'
                       'const { user } = useUser();\n</script>\n',
        "src/pages/index.astro": '---\nconst { userId } = Astro.locals.auth();\n---\n<p>{userId}</p>\n',
        "backend/app.py": "from clerk_backend_api import Clerk\nclerk = Clerk(bearer_auth='x')\n",
        "notes.md": "useUser()\n",
    }
    target = make_repo(tmp_path / "app", {})
    git(target, "commit", "-q", "--allow-empty", "-m", "empty")
    for rel, text in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text, encoding="utf-8")
    git(target, "add", "-A")  # staged, not committed: what `git commit` would run the hook on

    proc = run_hook(target, hook_repo, pre_commit_env, "--verbose")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    lines = finding_lines(out)
    assert any(line.startswith("lib/me.mts:") for line in lines), out
    assert any(line.startswith("lib/me.cts:") for line in lines), out

    # The same files, given to clerk-lint directly (notes.md is not one the hook takes).
    selected = sorted(rel for rel in files if rel != "notes.md")
    direct = clerk_lint(target, "scan", "--no-color", *selected)
    for line in (direct.stdout + direct.stderr).splitlines():
        if line.strip():
            assert line in out, f"{line!r} missing from the hook's output:\n{out}"


def test_hook_on_staged_build_configs_and_informational_findings(tmp_path, hook_repo, pre_commit_env):
    """turbo.json, wrangler, Expo's app.json / app.config.ts and eas.json reach clerk-lint when
    staged; a commit whose only findings are informational (CLK726) passes."""
    files = {
        "turbo.json": '{ "globalEnv": ["CLERK_SECRET_KEY", "DATABASE_URL"], "tasks": { "build": {} } }\n',
        "apps/worker/wrangler.toml": 'name = "w"\n[vars]\nCLERK_SIGN_IN_URL = "/sign-in"\n',
        "apps/mobile/app.json": '{ "expo": { "name": "m", "extra": { "clerkSignInUrl": "/sign-in" } } }\n',
        "apps/mobile/eas.json": '{ "build": { "production": { "env": { "CLERK_SIGN_UP_URL": "/sign-up" } } } }\n',
        "apps/mobile/app.config.ts": 'export default { extra: { key: process.env.EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY } };\n',
    }
    target = make_repo(tmp_path / "app", {})
    git(target, "commit", "-q", "--allow-empty", "-m", "empty")
    for rel, text in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text, encoding="utf-8")
    git(target, "add", "-A")
    proc = run_hook(target, hook_repo, pre_commit_env, "--verbose")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    found = {line.split(":", 1)[0] for line in finding_lines(out)}
    assert found == set(files), out

    carrier = make_repo(tmp_path / "carrier", {})
    git(carrier, "commit", "-q", "--allow-empty", "-m", "empty")
    (carrier / "users.ts").write_text("export const byClerkId = (clerkId: string) => clerkId;\n", encoding="utf-8")
    git(carrier, "add", "-A")
    proc = run_hook(carrier, hook_repo, pre_commit_env, "--verbose")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "carries Clerk ids: 1 file" in out, out


def test_installed_hook_blocks_a_commit_until_the_finding_is_baselined(tmp_path, hook_repo, pre_commit_env):
    repo, rev = hook_repo
    target = make_repo(tmp_path / "app", {"src/math.ts": CLEAN})
    config = f"repos:\n  - repo: {json.dumps(str(repo))}\n    rev: {rev}\n    hooks:\n      - id: clerk-lint\n"
    (target / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(target, "add", "-A")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=target,
                               env=pre_commit_env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    first = subprocess.run(["git", *GIT_ID, "commit", "-q", "-m", "clean"], cwd=target, env=pre_commit_env,
                           capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stdout + first.stderr

    (target / "app").mkdir()
    (target / "app/page.tsx").write_text(PAGE, encoding="utf-8")
    git(target, "add", "-A")
    blocked = subprocess.run(["git", *GIT_ID, "commit", "-q", "-m", "clerk"], cwd=target, env=pre_commit_env,
                             capture_output=True, text=True, timeout=900)
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert "app/page.tsx:4:20: CLK201 " in out, out
    assert git(target, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    assert clerk_lint(target, "baseline", "--output", "clerk-lint-baseline.json").returncode == 0
    (target / ".clerk-lint.toml").write_text('baseline = "clerk-lint-baseline.json"\n', encoding="utf-8")
    git(target, "add", "-A")
    allowed = subprocess.run(["git", *GIT_ID, "commit", "-q", "-m", "clerk, baselined"], cwd=target,
                             env=pre_commit_env, capture_output=True, text=True, timeout=900)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert git(target, "rev-list", "--count", "HEAD").stdout.strip() == "2"
