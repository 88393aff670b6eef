"""Which database and ORM the app really runs, from what runs rather than from package.json alone:
the `dialect` of drizzle.config.*, the drivers the app's own modules import (a package only in
devDependencies, say mysql2 for a script, never decides), Prisma's datasource provider, and the
module that exports the app's database instance (`export const db = drizzle(...)`), which the
draft reuses instead of opening a second client. Conflicting evidence is kept, not resolved
silently: the draft's README and the plan's questions say what disagreed."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import tree_sitter as ts

from ..readers.ecma.imports import find_imports
from ..readers.ecma.records import text
from ..readers.ecma.parse import parse

SKIP_DIRS = {"node_modules", ".git", "dist", "build", ".next", "out", "coverage", "vendor", ".turbo", ".vercel",
             ".output", ".nuxt", ".svelte-kit", ".wrangler"}
MANIFEST_SKIP = {"node_modules", ".git", "dist", "build", ".next", "out", "coverage", "vendor"}
CODE_LANGS = {".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
              ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript"}
MAX_FILES = 100_000
MAX_BYTES = 512 * 1024

# drizzle-orm/<driver> -> dialect (drizzle's own driver entry points).
DRIZZLE_DRIVERS = {
    "libsql": "sqlite", "libsql/web": "sqlite", "libsql/http": "sqlite", "libsql/node": "sqlite",
    "libsql/ws": "sqlite", "d1": "sqlite", "better-sqlite3": "sqlite", "bun-sqlite": "sqlite",
    "expo-sqlite": "sqlite", "op-sqlite": "sqlite", "sql-js": "sqlite", "durable-sqlite": "sqlite",
    "sqlite-proxy": "sqlite",
    "node-postgres": "pg", "postgres-js": "pg", "neon-http": "pg", "neon-serverless": "pg",
    "vercel-postgres": "pg", "pglite": "pg", "pg-proxy": "pg", "aws-data-api/pg": "pg", "xata-http": "pg",
    "mysql2": "mysql", "planetscale-serverless": "mysql", "tidb-serverless": "mysql", "mysql-proxy": "mysql",
}
DRIZZLE_SCHEMAS = {"drizzle-orm/pg-core": "pg", "drizzle-orm/mysql-core": "mysql", "drizzle-orm/sqlite-core": "sqlite"}
# Plain drivers (also what a Kysely dialect or a Drizzle client is built on).
DRIVERS = {
    "pg": "pg", "postgres": "pg", "@neondatabase/serverless": "pg", "@vercel/postgres": "pg",
    "mysql2": "mysql", "mysql2/promise": "mysql", "@planetscale/database": "mysql",
    "@libsql/client": "sqlite", "@libsql/client/web": "sqlite", "better-sqlite3": "sqlite", "sqlite3": "sqlite",
    "@libsql/kysely-libsql": "sqlite", "kysely-d1": "sqlite",
}
# drizzle.config `dialect` (drizzle-kit >= 0.21) and the older `driver` values.
CONFIG_DIALECTS = {"postgresql": "pg", "postgres": "pg", "pg": "pg", "mysql": "mysql", "mysql2": "mysql",
                   "singlestore": "mysql", "sqlite": "sqlite", "turso": "sqlite", "libsql": "sqlite",
                   "d1-http": "sqlite", "better-sqlite": "sqlite", "expo": "sqlite", "durable-sqlite": "sqlite"}
PRISMA_DIALECTS = {"postgresql": "pg", "postgres": "pg", "cockroachdb": "pg", "mysql": "mysql",
                   "sqlite": "sqlite", "mongodb": "mongodb", "sqlserver": "mssql"}
DIALECT_NAMES = {"pg": "PostgreSQL", "mysql": "MySQL", "sqlite": "SQLite / libSQL", "mongodb": "MongoDB",
                 "mssql": "SQL Server"}
# The byte test before parsing: a database module named by an import, export ... from or require.
MODULE_BYTES = re.compile(rb"""(?:from|require\(|import\()\s*["'](?:drizzle-orm/|@prisma/client|kysely|mongoose|"""
                          rb"""mongodb|pg|postgres|mysql2|@planetscale/database|@libsql/|better-sqlite3|sqlite3|"""
                          rb"""@neondatabase/serverless|@vercel/postgres|[^"'\n]*generated/prisma)""")
# Calls and constructors that create the ORM's instance, by the module their callee is imported from.
FACTORIES = {("drizzle", "drizzle"), ("PrismaClient", "prisma"), ("Kysely", "kysely")}


@dataclass(frozen=True)
class Evidence:
    orm: str          # drizzle | prisma | kysely | mongoose | mongodb | driver
    dialect: str      # pg | mysql | sqlite | mongodb | mssql | "" (not told)
    where: str        # path:line
    what: str         # what was seen, for the README
    runtime: bool = True  # False: drizzle.config / schema.prisma (what the app declares, not runs)


@dataclass
class Instance:
    path: str         # project-relative module that exports it
    name: str         # the exported binding
    orm: str
    line: int


@dataclass
class Database:
    orm: str = "pg"               # drizzle | prisma | kysely | mongodb | pg | mysql | sqlite
    dialect: str = "pg"           # pg | mysql | sqlite | mongodb
    driver: str = ""              # the drizzle driver entry (libsql, node-postgres ...) or plain driver package
    instance: Optional[Instance] = None
    evidence: list[Evidence] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # dev-only imports left out
    assumed: bool = False         # nothing told: Postgres assumed

    def reasons(self) -> list[str]:
        told = "; ".join(dict.fromkeys(f"{e.what} ({e.where})" for e in self.evidence[:6]))
        head = f"database: {self.orm_name()} on {DIALECT_NAMES.get(self.dialect, self.dialect)}"
        out = [head + (f" ({told})" if told else " (nothing in code or config tells; assumed)")]
        if self.instance:
            out.append(f"database instance reused: `{self.instance.name}` exported by "
                       f"{self.instance.path}:{self.instance.line}")
        out += [f"not counted: {x}" for x in self.ignored]
        return out

    def orm_name(self) -> str:
        return {"drizzle": "Drizzle", "prisma": "Prisma", "kysely": "Kysely", "mongodb": "MongoDB driver",
                "mongoose": "Mongoose", "pg": "pg Pool", "mysql": "mysql2 pool", "sqlite": "libSQL client"}.get(
            self.orm, self.orm)


def _files(roots: Iterable[Path]) -> Iterable[tuple[str, str, str]]:
    """(path, relative path, lower-case suffix) of the code and Prisma files under the roots, in a
    stable order; plain strings and scandir entries (this runs beside the scan on large trees)."""
    count = 0
    for root in roots:
        base = str(root if root.is_dir() else root.parent)
        stack = [(base, "")]
        while stack:
            folder, rel = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError:
                continue
            subdirs = []
            for entry in entries:
                name = entry.name
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_dir:
                    if name not in SKIP_DIRS and not name.startswith("."):
                        subdirs.append((entry.path, f"{rel}{name}/"))
                    continue
                suffix = os.path.splitext(name)[1].lower()
                if suffix in CODE_LANGS or suffix == ".prisma":
                    count += 1
                    if count > MAX_FILES:
                        return
                    yield entry.path, rel + name, suffix
            stack.extend(reversed(subdirs))


def _manifests(roots: Iterable[Path]) -> list[tuple[Path, str]]:
    """package.json at each root, and the ones up to two levels below it (a monorepo's apps), as
    (file, path relative to its root)."""
    found: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for root in roots:
        base = root if root.is_dir() else root.parent
        candidates = [base / "package.json"] + sorted(base.glob("*/package.json")) + sorted(base.glob("*/*/package.json"))
        for path in candidates:
            if not path.is_file():
                continue
            rel = path.relative_to(base)
            if any(part in MANIFEST_SKIP for part in rel.parts) or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            found.append((path, rel.as_posix()))
    return found


def read_dependencies(roots: Iterable[Path], dev_only: Optional[set[str]] = None) -> tuple[dict[str, str], list[str]]:
    """All dependencies of the package.json files found (the first version seen wins); names that
    only ever appear in devDependencies go to `dev_only` when it is given."""
    deps: dict[str, str] = {}
    names: list[str] = []
    runtime: set[str] = set()
    for manifest, rel in _manifests(roots):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        names.append(rel)
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            table = data.get(key)
            if isinstance(table, dict):
                for name, version in table.items():
                    if isinstance(name, str) and isinstance(version, str):
                        deps.setdefault(name, version)
                        if key != "devDependencies":
                            runtime.add(name)
    if dev_only is not None:
        dev_only.update(set(deps) - runtime)
    return deps, names


def _read(path: str) -> Optional[bytes]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_BYTES else None


def _may_import_database(data: bytes) -> bool:
    return MODULE_BYTES.search(data) is not None


def _line(node: ts.Node) -> int:
    return node.start_point[0] + 1


def _strip_quotes(node: ts.Node) -> str:
    return text(node).strip("'\"`")


def _config_dialect(root: ts.Node) -> Optional[tuple[str, int]]:
    """`dialect: "sqlite"` (or the older `driver: "turso"`) anywhere in a drizzle config."""
    stack = [root]
    found: dict[str, tuple[str, int]] = {}
    while stack:
        node = stack.pop()
        if node.type == "pair":
            key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
            if key is not None and value is not None and value.type == "string":
                name = _strip_quotes(key)
                if name in ("dialect", "driver") and _strip_quotes(value) in CONFIG_DIALECTS:
                    found.setdefault(name, (_strip_quotes(value), _line(value)))
        stack.extend(node.children)
    return found.get("dialect") or found.get("driver")


def _exported_instances(root: ts.Node, factories: dict[str, str]) -> list[tuple[str, str, int]]:
    """(exported name, orm, line) of `export const X = <... drizzle(...) / new PrismaClient() ...>`."""
    out = []
    for stmt in root.named_children:
        if stmt.type != "export_statement":
            continue
        decl = stmt.child_by_field_name("declaration")
        if decl is None or decl.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in decl.named_children:
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is None or value is None or name.type != "identifier":
                continue
            stack = [value]
            while stack:
                node = stack.pop()
                if node.type in ("call_expression", "new_expression"):
                    callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
                    if callee is not None and callee.type == "identifier" and text(callee) in factories:
                        out.append((text(name), factories[text(callee)], _line(name)))
                        break
                if node.type not in ("arrow_function", "function_expression", "function"):
                    stack.extend(node.named_children)
    return out


def _prisma_provider(data: str) -> Optional[tuple[str, int]]:
    m = re.search(r"(?ms)^\s*datasource\s+\w+\s*\{(.*?)^\s*\}", data)
    if not m:
        return None
    p = re.search(r'(?m)^\s*provider\s*=\s*"([^"]+)"', m.group(1))
    if not p or p.group(1) not in PRISMA_DIALECTS:
        return None
    return p.group(1), data.count("\n", 0, m.start(1) + p.start(1)) + 1


def _module_dialect(source: str) -> tuple[str, str, str]:
    """(orm, dialect, driver) an import specifier stands for; ("", "", "") for anything else."""
    if source.startswith("drizzle-orm/"):
        rest = source[len("drizzle-orm/"):]
        if rest in DRIZZLE_DRIVERS:
            return "drizzle", DRIZZLE_DRIVERS[rest], rest.split("/")[0]
        if source in DRIZZLE_SCHEMAS:
            return "drizzle-schema", DRIZZLE_SCHEMAS[source], ""
        return "", "", ""
    if source in ("@prisma/client", "@prisma/client/edge") or re.search(r"(^|/)generated/prisma(/client)?$", source):
        return "prisma", "", ""
    if source == "kysely":
        return "kysely", "", ""
    if source == "mongoose":
        return "mongoose", "mongodb", "mongoose"
    if source == "mongodb":
        return "mongodb", "mongodb", "mongodb"
    if source in DRIVERS:
        return "driver", DRIVERS[source], source
    return "", "", ""


def _package_of(source: str) -> str:
    parts = source.split("/")
    return "/".join(parts[:2]) if source.startswith("@") else parts[0]


def find_database(roots: list[Path], runtime_deps: Optional[set[str]] = None,
                  dev_deps: Optional[set[str]] = None) -> Database:
    if runtime_deps is None or dev_deps is None:
        dev_deps = set()
        deps, _ = read_dependencies(roots, dev_deps)
        runtime_deps = set(deps) - dev_deps
    db = Database()
    seen: list[Evidence] = []
    instances: list[Instance] = []
    drivers: dict[str, list[tuple[str, str]]] = {}  # orm -> [(driver, where)]
    for path, rel, suffix in _files(roots):
        name = rel.rsplit("/", 1)[-1]
        if suffix == ".prisma":
            data = _read(path)
            found = _prisma_provider(data.decode("utf-8", "replace")) if data else None
            if found:
                seen.append(Evidence("prisma", PRISMA_DIALECTS[found[0]], f"{rel}:{found[1]}",
                                     f'Prisma datasource provider "{found[0]}"', runtime=False))
            continue
        lang = CODE_LANGS.get(suffix)
        if lang is None:
            continue
        data = _read(path)
        if not data or not (name.startswith("drizzle.config.") or _may_import_database(data)):
            continue
        try:
            root = parse(data, lang).root_node
        except Exception:  # a file tree-sitter cannot take is no evidence
            continue
        if name.startswith("drizzle.config."):
            found = _config_dialect(root)
            if found:
                seen.append(Evidence("drizzle", CONFIG_DIALECTS[found[0]], f"{rel}:{found[1]}",
                                     f'drizzle.config dialect "{found[0]}"', runtime=False))
            continue
        factories: dict[str, str] = {}
        for decl in find_imports(lang, root):
            if decl.all_types:
                continue
            orm, dialect, driver = _module_dialect(decl.source)
            if not orm:
                continue
            package = _package_of(decl.source)
            if package in dev_deps and package not in runtime_deps:
                db.ignored.append(f"{decl.source} imported by {rel}:{_line(decl.node)} is only a devDependency")
                continue
            where = f"{rel}:{_line(decl.node)}"
            if orm == "drizzle-schema":
                seen.append(Evidence("drizzle", dialect, where, f"schema from {decl.source}", runtime=False))
                continue
            seen.append(Evidence(orm, dialect, where, f"imports {decl.source}"))
            if driver:
                drivers.setdefault(orm, []).append((driver, where))
            for imported in decl.names:
                for local_name, orm_name in FACTORIES:
                    if imported.imported == local_name and imported.local is not None and orm in (orm_name,):
                        factories[text(imported.local)] = orm
        for export, orm, line in _exported_instances(root, factories):
            instances.append(Instance(rel, export, orm, line))
    return _decide(db, seen, instances, drivers, runtime_deps)


def _decide(db: Database, seen: list[Evidence], instances: list[Instance],
            drivers: dict[str, list[tuple[str, str]]], runtime_deps: set[str]) -> Database:
    orms = [e.orm for e in seen if e.orm not in ("driver",)]
    counts = {orm: orms.count(orm) for orm in dict.fromkeys(orms)}
    if "mongoose" in counts:
        counts["mongodb"] = counts.get("mongodb", 0) + counts.pop("mongoose")
    if not counts:
        plain = [e for e in seen if e.orm == "driver"]
        if plain:
            dialect = plain[0].dialect
            db.orm = {"pg": "pg", "mysql": "mysql", "sqlite": "sqlite"}[dialect]
            db.dialect, db.driver, db.evidence = dialect, drivers["driver"][0][0], plain
            other = sorted({e.dialect for e in plain} - {dialect})
            if other:
                db.conflicts.append(f"drivers of different databases are imported: {dialect} and {', '.join(other)} "
                                    f"({', '.join(e.where for e in plain[:4])})")
            return db
        return _from_dependencies(db, runtime_deps)
    # The ORM whose instance the app exports decides; then the one most evidence names.
    exported = [i.orm for i in instances]
    orm = max(counts, key=lambda o: (exported.count(o) + exported.count("mongoose" if o == "mongodb" else o),
                                     counts[o], o == "drizzle"))
    db.orm = orm
    mine = [e for e in seen if e.orm == orm or (orm == "mongodb" and e.orm == "mongoose")]
    # Another ORM's declaration (a schema.prisma beside a Drizzle schema) disagrees as much as its imports.
    others = sorted({e.orm for e in seen if e.orm not in (orm, "driver") and
                     not (orm == "mongodb" and e.orm == "mongoose")})
    if others:
        where = ", ".join(e.where for e in seen if e.orm in others)[:200]
        names = ", ".join(Database(orm=o).orm_name() for o in others)
        db.conflicts.append(f"The app uses {db.orm_name()} and also {names} ({where}): the draft "
                            f"puts the auth tables in {db.orm_name()}'s database")
    db.instance = next((i for i in instances if i.orm == orm or (orm == "mongodb" and i.orm == "mongoose")), None)
    plain = [e for e in seen if e.orm == "driver"]
    dialects = [e.dialect for e in mine if e.dialect] + ([e.dialect for e in plain] if orm == "kysely" else [])
    if orm == "mongodb":
        db.dialect = "mongodb"
    elif dialects:
        runtime = [e.dialect for e in mine if e.dialect and e.runtime]
        db.dialect = max(dict.fromkeys(dialects), key=lambda d: (runtime.count(d), dialects.count(d)))
        differing = sorted(set(dialects) - {db.dialect})
        if differing:
            db.conflicts.append(
                f"{db.orm_name()} evidence names different databases: " + "; ".join(
                    f"{DIALECT_NAMES.get(e.dialect, e.dialect)}: {e.what} ({e.where})"
                    for e in mine + (plain if orm == "kysely" else []) if e.dialect)[:400])
    else:
        db.dialect = "pg"
        db.assumed = True
    driver_list = [d for d, _ in drivers.get(orm, []) if DRIZZLE_DRIVERS.get(d, db.dialect) == db.dialect] \
        if orm == "drizzle" else [d for d, _ in drivers.get("driver", []) if DRIVERS.get(d) == db.dialect]
    db.driver = driver_list[0] if driver_list else ""
    db.evidence = sorted(mine, key=lambda e: (not e.runtime, e.where)) + (plain if orm == "kysely" else [])
    return db


def _from_dependencies(db: Database, runtime_deps: set[str]) -> Database:
    """No code or config told: the runtime dependencies (never devDependencies) decide."""
    def has(*names: str) -> bool:
        return any(n in runtime_deps for n in names)
    sqlite = has("@libsql/client", "better-sqlite3", "sqlite3")
    db.dialect = "mysql" if has("mysql2", "@planetscale/database") else "sqlite" if sqlite else "pg"
    if has("@prisma/client"):
        db.orm = "prisma"
    elif has("drizzle-orm"):
        db.orm = "drizzle"
    elif has("mongodb", "mongoose"):
        db.orm, db.dialect = "mongodb", "mongodb"
    elif has("kysely"):
        db.orm = "kysely"
    else:
        db.orm = {"pg": "pg", "mysql": "mysql", "sqlite": "sqlite"}[db.dialect]
    told = sorted(n for n in runtime_deps if n in DRIVERS or n in ("@prisma/client", "drizzle-orm", "mongodb",
                                                                    "mongoose", "kysely"))
    if told:
        db.evidence = [Evidence(db.orm, db.dialect, "package.json", "dependencies: " + ", ".join(told))]
    else:
        db.assumed = True
    return db


def database_questions(db: Database) -> list[str]:
    """What a person has to answer before the auth tables get a home."""
    out = [f"Which database does the app run on? {c}." for c in db.conflicts]
    if db.assumed:
        out.append("Which database does the app run on? Nothing in its code, config or dependencies says; "
                   "the draft assumes PostgreSQL.")
    return out
