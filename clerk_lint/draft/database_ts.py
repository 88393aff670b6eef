"""The `database:` part of auth.ts, for the database the app really runs (resolve/app_database.py):
the app's exported instance when it has one, else a client on the same driver."""
from __future__ import annotations

import posixpath

from .context import Ctx

ADAPTER_PROVIDER = {"pg": "pg", "mysql": "mysql", "sqlite": "sqlite"}
PRISMA_PROVIDER = {"pg": "postgresql", "mysql": "mysql", "sqlite": "sqlite", "mongodb": "mongodb"}
KYSELY_TYPE = {"pg": "postgres", "mysql": "mysql", "sqlite": "sqlite"}
# Drizzle driver entries the draft can build a client for: entry -> the package it needs.
DRIZZLE_CLIENTS = {"node-postgres": "pg", "postgres-js": "postgres", "neon-http": "@neondatabase/serverless",
                   "mysql2": "mysql2", "planetscale-serverless": "@planetscale/database", "libsql": "@libsql/client"}
DEFAULT_DRIZZLE = {"pg": "node-postgres", "mysql": "mysql2", "sqlite": "libsql"}
REUSE = "// The app's own database instance: the auth tables live next to its data, on one connection pool."


def instance_import(path: str) -> str:
    """Import specifier of the app's module from the draft root (the draft mirrors the app's layout)."""
    stem, ext = posixpath.splitext(path)
    if ext in (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"):
        path = stem
    if path.endswith("/index"):
        path = path[: -len("/index")]
    return "./" + path


def _libsql_env(ctx: Ctx) -> list[str]:
    ctx.env["DATABASE_AUTH_TOKEN"] = "libSQL / Turso auth token (empty for a local file: URL)"
    return ['const authToken = process.env.DATABASE_AUTH_TOKEN;',
            '// Spread, not `authToken: undefined`: the client\'s option is optional, not nullable.',
            'const connection = { url: process.env.DATABASE_URL ?? "file:local.db", ...(authToken ? { authToken } : {}) };']


def render_database(ctx: Ctx) -> tuple[list[str], list[str], str]:
    """(imports, statements before betterAuth, the `database:` value)."""
    imports, setup, value = _render(ctx)
    if ctx.project.db.conflicts:
        setup = ["// " + ctx.todo("auth.ts database: the evidence about the app's database disagrees "
                                  "(README, Open questions): check this is the database the app runs on")] + setup
    return imports, setup, value


def _render(ctx: Ctx) -> tuple[list[str], list[str], str]:
    p = ctx.project
    db = p.db
    dialect = db.dialect
    ctx.env["DATABASE_URL"] = "connection string of the database that will hold the auth tables"
    inst = db.instance if db.instance and db.instance.orm in (db.orm, "mongoose") else None
    reuse_import = [f'import {{ {inst.name} }} from "{instance_import(inst.path)}";'] if inst else []
    if db.orm == "prisma":
        ctx.need("@prisma/client")
        provider = PRISMA_PROVIDER.get(dialect, "postgresql")
        imports = ['import { prismaAdapter } from "better-auth/adapters/prisma";']
        if inst:
            return (imports + reuse_import, [REUSE, "// `npx auth generate` adds the auth models to schema.prisma."],
                    f'prismaAdapter({inst.name}, {{ provider: "{provider}" }})')
        return (imports + ['import { PrismaClient } from "@prisma/client";'],
                ["// `npx auth generate` adds the auth models to schema.prisma (then prisma migrate / generate).",
                 "const prisma = new PrismaClient();"],
                f'prismaAdapter(prisma, {{ provider: "{provider}" }})')
    if db.orm == "drizzle":
        ctx.need("drizzle-orm")
        provider = ADAPTER_PROVIDER.get(dialect, "pg")
        imports = ['import { drizzleAdapter } from "better-auth/adapters/drizzle";']
        value = f'drizzleAdapter(db, {{ provider: "{provider}" }})'
        if inst:
            value = f'drizzleAdapter({inst.name}, {{ provider: "{provider}" }})'
            return (imports + reuse_import,
                    [REUSE, "// `npx auth generate` writes the auth tables into your Drizzle schema; the instance "
                     "must be created with that schema."], value)
        entry = db.driver if db.driver in DRIZZLE_CLIENTS else DEFAULT_DRIZZLE.get(dialect, "node-postgres")
        ctx.need(DRIZZLE_CLIENTS[entry])
        if DRIZZLE_CLIENTS[entry] == "pg":
            ctx.need("@types/pg")
        setup = ["// Reuse your app's drizzle instance if it creates one (export it and import it here);",
                 "// `npx auth generate` writes the auth tables."]
        if db.driver and db.driver != entry:
            setup.append("// " + ctx.todo(f"auth.ts database: the app uses drizzle-orm/{db.driver}; create the "
                                          "client the way the app does (this draft uses "
                                          f"drizzle-orm/{entry})"))
        if entry == "libsql":
            setup += _libsql_env(ctx) + ["const db = drizzle({ connection });"]
        elif entry == "planetscale-serverless":
            setup.append("const db = drizzle({ connection: { url: process.env.DATABASE_URL as string } });")
        else:
            setup.append("const db = drizzle(process.env.DATABASE_URL as string);")
        return (imports + [f'import {{ drizzle }} from "drizzle-orm/{entry}";'], setup, value)
    if db.orm == "kysely" and inst:
        return (reuse_import, [REUSE], f'{{ db: {inst.name}, type: "{KYSELY_TYPE.get(dialect, "postgres")}" }}')
    if db.orm == "mongodb":
        ctx.need("mongodb")
        return (['import { mongodbAdapter } from "better-auth/adapters/mongodb";',
                 'import { MongoClient } from "mongodb";'],
                (["// " + ctx.todo("auth.ts database: the app connects with Mongoose; pass its "
                                   "connection's client (mongoose.connection.getClient()) instead of a second one")]
                 if any(e.orm == "mongoose" for e in db.evidence) else [])
                + ["const client = new MongoClient(process.env.DATABASE_URL as string);"],
                "mongodbAdapter(client.db(), { client })")
    if dialect == "mysql":
        ctx.need("mysql2")
        return (['import { createPool } from "mysql2/promise";'], [],
                "createPool(process.env.DATABASE_URL as string)")
    if dialect == "sqlite":
        ctx.need("@libsql/kysely-libsql")
        return (['import { LibsqlDialect } from "@libsql/kysely-libsql";'],
                ["// Better Auth's built-in Kysely adapter on libSQL (Turso, or a file: URL locally); "
                 "`npx auth migrate` creates the tables."] + _libsql_env(ctx),
                '{ dialect: new LibsqlDialect(connection), type: "sqlite" }')
    ctx.need("pg")
    ctx.need("@types/pg")
    return (['import { Pool } from "pg";'],
            ["// Better Auth's built-in Kysely adapter on a pg Pool; `npx auth migrate` creates the tables."],
            "new Pool({ connectionString: process.env.DATABASE_URL })")
