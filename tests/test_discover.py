from __future__ import annotations

import os
from pathlib import Path

import pytest

from clerk_lint.discover.walk import LANGUAGES, Candidate, DiscoveryError, discover, language_for


def write(root: Path, rel: str, text: str = "export {};\n") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def rels(cands: list[Candidate]) -> list[str]:
    return [c.relpath for c in cands]


needs_symlink = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no os.symlink")


def symlink(target, link: Path, target_is_directory=False) -> None:
    try:
        os.symlink(target, link, target_is_directory=target_is_directory)
    except (OSError, NotImplementedError) as exc:  # e.g. Windows without privilege
        pytest.skip(f"cannot create symlinks: {exc}")


# --------------------------------------------------------------------------- basics


def test_languages_and_sorting(tmp_path):
    for rel in ["b.ts", "a.js", "c/d.tsx", "c/e.mjs", "f.cjs", "g.jsx", "h.mts", "i.cts", "README.md", "x.py"]:
        write(tmp_path, rel)
    cands, problems = discover([tmp_path])
    assert rels(cands) == ["a.js", "b.ts", "c/d.tsx", "c/e.mjs", "f.cjs", "g.jsx", "h.mts", "i.cts", "x.py"]
    langs = {c.relpath: c.language for c in cands}
    assert langs["a.js"] == "javascript" and langs["b.ts"] == "typescript" and langs["c/d.tsx"] == "tsx"
    assert langs["h.mts"] == "typescript" and langs["f.cjs"] == "javascript"
    assert problems == []
    c = cands[2]
    assert c.path == tmp_path / "c" / "d.tsx" and c.path.is_absolute()
    assert c.root == tmp_path


def test_language_table_is_extensible(tmp_path):
    write(tmp_path, "a.py")
    write(tmp_path, "package.json", "{}")
    write(tmp_path, "b.ts")
    table = {**LANGUAGES, ".py": "python", "package.json": "manifest"}
    cands, _ = discover([tmp_path], languages=table)
    assert {c.relpath: c.language for c in cands} == {
        "a.py": "python",
        "b.ts": "typescript",
        "package.json": "manifest",
    }
    assert language_for("X.TS") == "typescript"
    assert language_for(".ts") is None
    assert language_for(".eslintrc.js") == "javascript"


def test_missing_path_raises(tmp_path):
    with pytest.raises(DiscoveryError, match="path not found: .*nope"):
        discover([tmp_path / "nope"])


def test_file_argument_relpaths(tmp_path, monkeypatch):
    f = write(tmp_path, "src/app/page.tsx")
    outside = tmp_path / "elsewhere"
    other = write(outside, "lib/x.ts")
    monkeypatch.chdir(tmp_path / "src")
    cands, _ = discover([Path("app/page.tsx"), other])
    by_rel = {c.relpath: c for c in cands}
    # Under the cwd: relative to the cwd.
    assert by_rel["app/page.tsx"].root == tmp_path / "src"
    assert by_rel["app/page.tsx"].path == f
    # Not under the cwd: relative to its own folder.
    assert by_rel["x.ts"].root == outside / "lib"


def test_explicit_file_taken_even_if_ignored(tmp_path, monkeypatch):
    write(tmp_path, ".gitignore", "gen/\n*.min.js\n")
    write(tmp_path, "gen/a.ts")
    write(tmp_path, "dist/b.js")
    write(tmp_path, "c.min.js")
    monkeypatch.chdir(tmp_path)
    cands, _ = discover([Path("gen/a.ts"), Path("dist/b.js"), Path("c.min.js")])
    assert rels(cands) == ["c.min.js", "dist/b.js", "gen/a.ts"]
    # ... but not when walking.
    cands, _ = discover([tmp_path])
    assert rels(cands) == []


def test_explicit_unknown_file_is_reported(tmp_path, monkeypatch):
    write(tmp_path, "notes.txt")
    monkeypatch.chdir(tmp_path)
    cands, problems = discover([Path("notes.txt")])
    assert cands == []
    assert [(p.path, p.kind) for p in problems] == [("notes.txt", "skipped")]


def test_duplicates_across_arguments(tmp_path):
    write(tmp_path, "src/a.ts")
    cands, _ = discover([tmp_path, tmp_path / "src", tmp_path / "src" / "a.ts"])
    assert len(cands) == 1
    assert cands[0].relpath == "src/a.ts"


# --------------------------------------------------------------------------- ignoring


def test_default_skipped_dirs(tmp_path):
    skipped = [
        "node_modules", ".git", "dist", ".next", "coverage", ".turbo",
        ".vercel", ".svelte-kit", ".nuxt", ".output", ".expo", "__pycache__",
        ".venv", "venv",
    ]
    for d in skipped:
        write(tmp_path, f"{d}/x.js")
        write(tmp_path, f"pkg/{d}/y.js")
    write(tmp_path, "src/index.ts")
    write(tmp_path, "outlet/a.ts")  # exact names only
    write(tmp_path, "src/build.ts")  # a file called like a skipped dir is fine
    cands, _ = discover([tmp_path])
    assert rels(cands) == ["outlet/a.ts", "src/build.ts", "src/index.ts"]
    # The root itself is never skipped, even when it has such a name.
    cands, _ = discover([tmp_path / "dist"])
    assert rels(cands) == ["x.js"]
    cands, _ = discover([tmp_path], default_excludes=False)
    assert "pkg/node_modules/y.js" in rels(cands) and "dist/x.js" in rels(cands)
    assert not any(r.startswith(".git/") for r in rels(cands))


def test_build_out_vendor_skipped_only_where_they_hold_output(tmp_path):
    write(tmp_path, "web/package.json", "{}")
    for d in ("build", "out", "vendor"):
        write(tmp_path, f"web/{d}/server.js")  # beside package.json: the package's output
        write(tmp_path, f"web/app/{d}/page.tsx")  # a route folder
    write(tmp_path, "web/app/vendor/[id]/page.tsx")
    write(tmp_path, "web/src/build/asset-manifest.json", "{}")  # a bundler's manifest
    write(tmp_path, "web/src/build/main.js")
    write(tmp_path, "web/lib/out/chunk.js")
    write(tmp_path, "web/lib/out/chunk.js.map", "{}")  # source maps
    write(tmp_path, "api/vendor/modules.txt", "# go vendor\n")
    write(tmp_path, "api/vendor/x.js")
    cands, _ = discover([tmp_path])
    assert rels(cands) == ["web/app/build/page.tsx", "web/app/out/page.tsx", "web/app/vendor/[id]/page.tsx",
                           "web/app/vendor/page.tsx", "web/package.json"]
    every, _ = discover([tmp_path], default_excludes=False)
    assert {"web/build/server.js", "web/src/build/main.js", "web/lib/out/chunk.js", "api/vendor/x.js"} <= set(
        rels(every))


def test_minified_bundles_skipped(tmp_path):
    for rel in ["a.min.js", "b.min.mjs", "c-min.js", "d.bundle.js", "e.js", "f.minimal.js", "G.MIN.JS"]:
        write(tmp_path, rel)
    cands, problems = discover([tmp_path])
    assert rels(cands) == ["e.js", "f.minimal.js"]
    assert problems == []


def test_gitignore_nested_and_negation(tmp_path):
    write(tmp_path, ".gitignore", "*.gen.ts\n!keep.gen.ts\nsecret/\n/rootonly.ts\n# comment\n")
    write(tmp_path, "a.gen.ts")
    write(tmp_path, "keep.gen.ts")
    write(tmp_path, "rootonly.ts")
    write(tmp_path, "sub/rootonly.ts")  # anchored pattern: only at the root
    write(tmp_path, "secret/x.ts")
    write(tmp_path, "sub/secret/y.ts")
    write(tmp_path, "sub/b.gen.ts")
    # Nested file: patterns relative to its own folder, and it overrides the root.
    write(tmp_path, "sub/.gitignore", "/local.ts\n!b.gen.ts\n")
    write(tmp_path, "sub/local.ts")
    write(tmp_path, "sub/deeper/local.ts")
    write(tmp_path, "local.ts")
    write(tmp_path, "other/b.gen.ts")
    cands, _ = discover([tmp_path])
    assert rels(cands) == [
        "keep.gen.ts",
        "local.ts",
        "sub/b.gen.ts",
        "sub/deeper/local.ts",
        "sub/rootonly.ts",
    ]


def test_gitignore_whitelist_style(tmp_path):
    # Ignore everything, then re-include directories and TypeScript files.
    write(tmp_path, ".gitignore", "*\n!*/\n!*.ts\n")
    write(tmp_path, "a.ts")
    write(tmp_path, "b.js")
    write(tmp_path, "src/c.ts")
    write(tmp_path, "src/d.js")
    cands, _ = discover([tmp_path])
    assert rels(cands) == ["a.ts", "src/c.ts"]


def test_gitignore_dir_negation_reincludes(tmp_path):
    write(tmp_path, ".gitignore", "/pkgs/*\n!/pkgs/web/\n")
    write(tmp_path, "pkgs/api/a.ts")
    write(tmp_path, "pkgs/web/b.ts")
    write(tmp_path, "pkgs/web/sub/c.ts")
    cands, _ = discover([tmp_path])
    assert rels(cands) == ["pkgs/web/b.ts", "pkgs/web/sub/c.ts"]


def test_git_info_exclude_and_parent_gitignore(tmp_path):
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("*.local.ts\n")
    write(tmp_path, ".gitignore", "generated/\n")
    write(tmp_path, "apps/web/x.local.ts")
    write(tmp_path, "apps/web/generated/g.ts")
    write(tmp_path, "apps/web/page.tsx")
    # Scanning a sub-folder still honours the checkout's ignore files.
    cands, _ = discover([tmp_path / "apps" / "web"])
    assert rels(cands) == ["page.tsx"]
    cands, _ = discover([tmp_path])
    assert rels(cands) == ["apps/web/page.tsx"]


def test_include_exclude(tmp_path):
    for rel in ["src/a.ts", "src/a.test.ts", "src/legacy/b.ts", "lib/c.js", "d.tsx"]:
        write(tmp_path, rel)
    cands, _ = discover([tmp_path], exclude=["*.test.ts", "legacy/"])
    assert rels(cands) == ["d.tsx", "lib/c.js", "src/a.ts"]
    cands, _ = discover([tmp_path], include=["src/"])
    assert rels(cands) == ["src/a.test.ts", "src/a.ts", "src/legacy/b.ts"]
    cands, _ = discover([tmp_path], include=["*.tsx", "lib/**"])
    assert rels(cands) == ["d.tsx", "lib/c.js"]
    cands, _ = discover([tmp_path], include=["src/"], exclude=["**/legacy/**"])
    assert rels(cands) == ["src/a.test.ts", "src/a.ts"]
    # Negations in --exclude keep working (no directory pruning then).
    cands, _ = discover([tmp_path], exclude=["src/**", "!src/legacy/b.ts"])
    assert rels(cands) == ["d.tsx", "lib/c.js", "src/legacy/b.ts"]


def test_bad_patterns(tmp_path):
    write(tmp_path, ".gitignore", "!\n[z-a]\n\\\n*.gen.ts\n")  # broken lines are dropped
    write(tmp_path, "a.gen.ts")
    write(tmp_path, "b.ts")
    cands, _ = discover([tmp_path])
    assert rels(cands) == ["b.ts"]
    with pytest.raises(DiscoveryError, match="invalid --exclude pattern"):
        discover([tmp_path], exclude=["[z-a]"])


# --------------------------------------------------------------------------- odd files


@needs_symlink
def test_symlinks_not_followed_by_default(tmp_path):
    write(tmp_path, "real/a.ts")
    symlink(tmp_path / "real", tmp_path / "alias", target_is_directory=True)
    symlink(tmp_path / "real" / "a.ts", tmp_path / "b.ts")
    symlink(tmp_path / "real" / "a.ts", tmp_path / "README")  # unknown type: silent
    symlink(tmp_path / "node_modules", tmp_path / "real" / "node_modules")  # skipped name: silent
    cands, problems = discover([tmp_path])
    assert rels(cands) == ["real/a.ts"]
    assert sorted((p.path, p.kind, p.reason) for p in problems) == [
        ("alias", "skipped", "symbolic link not followed"),
        ("b.ts", "skipped", "symbolic link not followed"),
    ]


@needs_symlink
def test_symlink_loop_and_outside_link(tmp_path):
    root = tmp_path / "root"
    write(root, "src/a.ts")
    write(root, "lib/b.ts")
    outside = write(tmp_path, "outside/secret.ts")
    symlink(root, root / "src" / "loop", target_is_directory=True)  # points at the root
    symlink(root / "src", root / "src" / "self", target_is_directory=True)
    symlink(tmp_path / "outside", root / "out_dir", target_is_directory=True)
    symlink(outside, root / "out_file.ts")
    symlink(root / "lib", root / "alias", target_is_directory=True)  # sorts before lib
    symlink(root / "lib" / "b.ts", root / "link_b.ts")
    write(root, "pruned/.keep")
    write(root, ".gitignore", "pruned/\n")
    write(root, "pruned/c.ts")
    symlink(root / "pruned", root / "via", target_is_directory=True)

    cands, problems = discover([root], follow_symlinks=True)
    # Real locations win over aliases; a link to an otherwise ignored folder is followed.
    assert rels(cands) == ["lib/b.ts", "src/a.ts", "via/c.ts"]
    got = sorted((p.path, p.reason) for p in problems)
    assert got == [
        ("alias", "symbolic link target already scanned"),
        ("link_b.ts", "symbolic link target already scanned"),
        ("out_dir", "link points outside the scanned root"),
        ("out_file.ts", "link points outside the scanned root"),
        ("src/loop", "symbolic link target already scanned"),
        ("src/self", "symbolic link target already scanned"),
    ]
    assert all(p.kind == "skipped" for p in problems)

    # Without following, each link is reported once and nothing is walked twice.
    cands, problems = discover([root])
    assert rels(cands) == ["lib/b.ts", "src/a.ts"]
    assert sorted(p.path for p in problems) == [
        "alias", "link_b.ts", "out_dir", "out_file.ts", "src/loop", "src/self", "via",
    ]


@needs_symlink
def test_symlinked_root_is_walked(tmp_path):
    write(tmp_path, "real/a.ts")
    symlink(tmp_path / "real", tmp_path / "root", target_is_directory=True)
    cands, problems = discover([tmp_path / "root"])
    assert rels(cands) == ["a.ts"]
    assert cands[0].path == tmp_path / "root" / "a.ts"
    assert problems == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_reported(tmp_path):
    write(tmp_path, "a.ts")
    os.mkfifo(tmp_path / "pipe.ts")
    os.mkfifo(tmp_path / "ignored.ts")
    write(tmp_path, ".gitignore", "ignored.ts\n")
    cands, problems = discover([tmp_path])
    assert rels(cands) == ["a.ts"]
    assert [(p.path, p.kind, p.reason) for p in problems] == [
        ("pipe.ts", "skipped", "not a regular file")
    ]


def test_unreadable_directory(tmp_path, monkeypatch):
    write(tmp_path, "ok/a.ts")
    write(tmp_path, "locked/b.ts")
    real_scandir = os.scandir

    def fake_scandir(path):
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    cands, problems = discover([tmp_path])
    assert rels(cands) == ["ok/a.ts"]
    assert [(p.path, p.kind) for p in problems] == [("locked", "unreadable")]
    assert "Permission denied" in problems[0].reason


def test_many_files_quickly(tmp_path):
    import time

    write(tmp_path, ".gitignore", "\n".join(["*.log", "tmp/", "!important.log", "/generated", "**/fixtures/big"] * 6))
    for d in range(100):
        for f in range(40):
            write(tmp_path, f"pkg{d}/src/f{f}.ts", "")
    for f in range(2000):
        write(tmp_path, f"node_modules/m/f{f}.js", "")
    t = time.perf_counter()
    cands, _ = discover([tmp_path])
    elapsed = time.perf_counter() - t
    assert len(cands) == 4000
    assert elapsed < 5, elapsed


def test_package_folders_from_the_walk_listing_are_those_the_file_system_gives(tmp_path):
    """The walk notes the manifests of each folder it lists; package folders found from that
    note are those found by asking the file system: ignored manifests, a folder named
    package.json, links to manifests, nested packages, and every fixture app."""
    from clerk_lint.discover.kinds import DiscoveryStats
    from clerk_lint.discover.workspaces import package_folders

    root = tmp_path / "repo"
    (root / "apps/web/src").mkdir(parents=True)
    (root / "apps/web/package.json").write_text('{"name": "web"}')
    (root / "apps/web/src/page.tsx").write_text("export default 1;\n")
    (root / "services/api/app").mkdir(parents=True)
    (root / "services/api/pyproject.toml").write_text('[project]\nname = "api"\n')
    (root / "services/api/app/main.py").write_text("x = 1\n")
    (root / "odd/package.json").mkdir(parents=True)  # a folder, not a manifest
    (root / "odd/a.ts").write_text("export const a = 1;\n")
    (root / "linked").mkdir()
    (root / "linked/package.json").symlink_to(root / "apps/web/package.json")
    (root / "linked/b.ts").write_text("export const b = 1;\n")
    (root / "ignored").mkdir()
    (root / "ignored/package.json").write_text('{"name": "ignored-manifest"}')
    (root / "ignored/c.ts").write_text("export const c = 1;\n")
    (root / ".gitignore").write_text("ignored/package.json\n")
    (root / "package.json").write_text('{"name": "repo"}')
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    for tree in [root, *sorted(p for p in fixtures.iterdir() if p.is_dir())]:
        stats = DiscoveryStats()
        candidates, _ = discover([tree], stats=stats)
        assert package_folders(candidates, stats.listed) == package_folders(candidates)
    stats = DiscoveryStats()
    candidates, _ = discover([root], stats=stats)
    assert package_folders(candidates, stats.listed) == {
        "": "repo", "apps/web": "web", "services/api": "api", "linked": "web", "ignored": "ignored-manifest"}
