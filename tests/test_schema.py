"""Clerk ids in database schemas: Prisma, SQL migrations, ORM schemas in TS/JS; and Supabase
RLS policies that read Clerk's token claims."""
from __future__ import annotations

from clerk_lint.concepts.clerk_ids import is_clerk_column_name
from clerk_lint.readers.schema import (prisma_columns, split_sql, sql_columns,
    sql_jwt_uses)
from scan_helpers import scan_snippet


def found(result):
    return [(f.location.line, f.code, f.symbol) for f in result.findings]


def test_column_names():
    for name in ("clerkId", "clerk_id", "clerkUserId", "clerk_user_id", "ClerkOrgID", "clerkid", "CLERK_ORG_ID",
                 "is_clerk_user", "clerkUser"):
        assert is_clerk_column_name(name), name
    for name in ("clerkenwell", "bookclerk_id", "userId", "clerks", "clerkship"):
        assert not is_clerk_column_name(name), name


def test_prisma_fields():
    text = """model User {
  id        String  @id // the Clerk user id
  email     String  @unique
  clerkId   String? @unique
  ownerId   String  @map("clerk_owner_id")
  /// Clerk organization id (org_...)
  orgId     String
  note      String  // nothing about auth
  @@index([clerkId])
}

enum Role {
  clerk
}

model Post {
  id       Int    @id
  authorId String
}
"""
    cols = [(c.table, c.name, c.reason) for c in prisma_columns(text)]
    assert cols == [("User", "id", "comment"), ("User", "clerkId", "name"), ("User", "ownerId", "map"),
                    ("User", "orgId", "comment")]


def test_prisma_findings(tmp_path):
    result = scan_snippet(tmp_path, "prisma/schema.prisma",
                  'model Member {\n  id String @id\n  clerkUserId String @unique\n}\n')
    assert found(result) == [(3, "CLK720", "Member.clerkUserId")]
    f = result.findings[0]
    assert (f.location.column, f.location.end_column) == (3, 3 + len("clerkUserId"))
    assert f.detail("key") == "unique" and "user.id" in f.message


def test_sql_statement_splitter_keeps_bodies_whole():
    text = "create function f() returns text as $$ select 'a;b'; $$ language sql;\n-- x; y\nselect 1;"
    stmts = [s.text.strip() for s in split_sql(text)]
    assert len(stmts) == 2 and stmts[0].startswith("create function") and stmts[1] == "select 1"


def test_sql_columns():
    text = """create table if not exists "public"."users" (
  id uuid primary key default gen_random_uuid(),
  clerk_id text unique not null,
  "clerkOrgId" varchar(64),
  owner text default requesting_user_id(),
  email text, -- the Clerk primary email, not an id? still documented as Clerk
  constraint users_clerk_id_key unique (clerk_id)
);
create index users_clerk_id_idx on users (clerk_id);
alter table users add column clerk_session_id text, add column plan text;
alter table users rename column legacy_id to clerk_legacy_id;
alter table users add constraint clerk_fk foreign key (clerk_id) references accounts (id);
"""
    cols = [(c.table, c.name, c.reason) for c in sql_columns(text)]
    assert cols == [
        ("users", "clerk_id", "name"), ("users", "clerkOrgId", "name"), ("users", "owner", "jwt-default"),
        ("users", "email", "comment"), ("users", "clerk_session_id", "name"), ("users", "clerk_legacy_id", "name"),
    ]


def test_sql_policies_need_a_clerk_context():
    clerk = """-- Clerk third-party auth
create policy "own" on notes using ((auth.jwt() ->> 'org_id') = org_id);
create or replace function requesting_user_id() returns text language sql stable as $$
  select nullif(current_setting('request.jwt.claims', true)::json->>'sub', '')::text;
$$;
"""
    uses = [(u.kind, u.name, u.claims) for u in sql_jwt_uses(clerk)]
    assert uses == [("policy", "own", ("org_id",)), ("function", "requesting_user_id", ("sub",))]
    native = """create policy "own" on notes using (auth.uid() = owner);
create policy "admins" on notes using ((auth.jwt() -> 'app_metadata' ->> 'role') = 'admin');
"""
    assert list(sql_jwt_uses(native)) == []
    by_subject = "create policy \"own\" on notes using ((select auth.jwt() ->> 'sub') = user_id);"
    assert [u.claims for u in sql_jwt_uses(by_subject)] == [("sub",)]


def test_sql_findings(tmp_path):
    text = """create table notes (
  id bigint primary key,
  clerk_user_id text not null
);
create policy "owner reads" on notes for select using ((select auth.jwt() ->> 'sub') = clerk_user_id);
"""
    result = scan_snippet(tmp_path, "supabase/migrations/20240101_init.sql", text)
    assert found(result) == [(3, "CLK720", "notes.clerk_user_id"), (5, "CLK733", "owner reads")]
    assert "sub" in result.findings[1].message


def test_sql_without_clerk_is_quiet(tmp_path):
    result = scan_snippet(tmp_path, "schema.sql", "create table t (id int, user_id text);\n")
    assert result.findings == []


# --------------------------------------------------------------------------- ORM schemas in code


def test_drizzle_columns(tmp_path):
    text = """import { pgTable, text, varchar, index } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  clerkId: varchar("clerk_id", { length: 64 }).notNull().unique(),
  ownerId: text("clerk_owner_id"),
  name: text("name"),
}, (t) => ({ clerkIdx: index("users_clerk_idx").on(t.clerkId) }));

export const orgs = pgTable("orgs", (t) => ({
  clerkOrgId: t.text().notNull(),
}));
"""
    result = scan_snippet(tmp_path, "db/schema.ts", text)
    assert found(result) == [(5, "CLK720", "users.clerkId (column clerk_id)"),
                             (6, "CLK720", "users.ownerId (column clerk_owner_id)"),
                             (8, "CLK721", "index users_clerk_idx on clerkId"),
                             (11, "CLK720", "orgs.clerkOrgId")]
    assert result.findings[0].detail("column") == "clerk_id"


def test_convex_mongoose_and_entities(tmp_path):
    convex = """import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({
  users: defineTable({ clerkUserId: v.string(), name: v.optional(v.string()) }),
  memberships: defineTable({ clerkOrgId: v.optional(v.string()) }),
});
"""
    mongoose = """import mongoose, { Schema } from "mongoose";
const ProfileSchema = new Schema({
  clerkId: { type: String, required: true },
  clerkOrgIds: [String],
  clerkRole: mongoose.Schema.Types.String,
});
"""
    entity = """import { Column, Entity, PrimaryColumn } from "typeorm";
@Entity()
export class Account {
  @PrimaryColumn() id!: string;
  @Column({ name: "clerk_user_id" })
  userId!: string;
  @Column()
  clerkOrgId!: string;
  clerkCache?: string;
}
"""
    (tmp_path / "convex").mkdir()
    (tmp_path / "convex" / "schema.ts").write_text(convex, encoding="utf-8")
    (tmp_path / "profile.js").write_text(mongoose, encoding="utf-8")
    result = scan_snippet(tmp_path, "account.entity.ts", entity)
    got = [(f.location.path, f.location.line, f.symbol) for f in result.findings if f.code == "CLK720"]
    assert got == [
        ("account.entity.ts", 6, "Account.userId (column clerk_user_id)"),
        ("account.entity.ts", 8, "Account.clerkOrgId"),
        ("convex/schema.ts", 4, "users.clerkUserId"),
        ("convex/schema.ts", 5, "memberships.clerkOrgId"),
        ("profile.js", 3, "ProfileSchema.clerkId"),
        ("profile.js", 4, "ProfileSchema.clerkOrgIds"),
        ("profile.js", 5, "ProfileSchema.clerkRole"),
    ]


def test_writes_and_lookups_are_not_columns(tmp_path):
    text = """import { clerkClient } from "./clients";
export async function sync(db: any, evt: { data: { id: string } }) {
  await db.insert(users).values({ clerkId: evt.data.id, clerk_org_id: orgId() });
  return db.user.findUnique({ where: { clerkId: evt.data.id } });
}
"""
    result = scan_snippet(tmp_path, "sync.ts", text)
    assert [f for f in result.findings if f.code == "CLK720"] == []


def test_prisma_and_sql_indexes_over_clerk_columns(tmp_path):
    prisma = """model Member {
  id          String @id
  tenantRef   String // Clerk user id
  email       String
  @@index([tenantRef, email])
  @@index([email])
}
"""
    (tmp_path / "p").mkdir()
    (tmp_path / "s").mkdir()
    result = scan_snippet(tmp_path / "p", "schema.prisma", prisma)
    assert [(f.location.line, f.code) for f in result.findings] == [(3, "CLK720"), (5, "CLK721")]
    sql = """create table m (id int primary key, clerk_user_id text, email text, unique (clerk_user_id));
create unique index m_email on m (email);
create index concurrently if not exists m_clerk on public.m using btree (clerk_user_id);
"""
    result = scan_snippet(tmp_path / "s", "schema.sql", sql)
    assert sorted((f.location.line, f.code) for f in result.findings) == [(1, "CLK720"), (1, "CLK721"), (3, "CLK721")]
