"""Columns with neutral names that code fills with Clerk ids (CLK724, indexes CLK721), found on
their declaration in another file, and code that only carries Clerk ids around (CLK726)."""
from __future__ import annotations

import json

from cli_helpers import run, write
from scan_helpers import CATALOG

from clerk_lint.concepts.clerk_ids import id_kind, is_clerk_id_name
from clerk_lint.scan.driver import run_scan

ACTIONS = '''"use server";
import { auth, currentUser } from "@clerk/nextjs/server";
import { prisma } from "@/lib/prisma";
import { createClient } from "@supabase/supabase-js";

const supabase = createClient("", "");

export async function create(name: string) {
  const { userId, orgId } = await auth();
  await prisma.project.create({ data: { name, ownerId: userId!, tenant: orgId ?? "" } });
  const user = await currentUser();
  await prisma.project.findMany({ where: { ownerId: user!.id } });
  await supabase.from("invoices").insert({ customer_id: userId, amount: 1 });
  await prisma.project.update({ where: { id: "1" }, data: { name: "x" } });
  await prisma.membership.findUnique({ where: { memberId_teamId: { memberId: userId!, teamId: "t" } } });
  await prisma.membership.findMany({ where: { OR: [{ invitedBy: userId! }, { NOT: { teamId: "t" } }] } });
}
'''
PRISMA = '''model Project {
  id        String   @id @default(cuid())
  ownerId   String
  tenant    String   @map("tenant_id")
  name      String
  email     String

  @@index([ownerId])
  @@index([email])
}

model Invoice {
  id         String @id
  customerId String @map("customer_id")
  @@map("invoices")
}

model Membership {
  memberId  String
  teamId    String
  invitedBy String?
  @@id([memberId, teamId])
}
'''
SQL = '''create table payouts (
  id bigint primary key,
  customer_id text not null,
  amount int
);
create index payouts_customer_idx on payouts (customer_id);
'''


def _codes(result, path):
    return sorted((f.location.line, f.code) for f in result.findings if f.location.path == path)


def test_prisma_and_sql_declarations_named_by_their_writers(tmp_path):
    root = write(tmp_path, {"src/app/actions.ts": ACTIONS, "prisma/schema.prisma": PRISMA,
                            "supabase/migrations/001.sql": SQL.replace("payouts", "invoices")})
    result = run_scan([root], CATALOG)
    # ownerId (create + where), tenant (@map), the @@index over ownerId; not name/email/@@index([email]);
    # invoices.customer_id through the Supabase writer, in the model (@@map) and the migration.
    # membership.memberId (a compound key's filter), invitedBy (in OR), their @@id; not teamId.
    assert _codes(result, "prisma/schema.prisma") == [(3, "CLK724"), (4, "CLK724"), (8, "CLK721"), (14, "CLK724"),
                                                      (19, "CLK724"), (21, "CLK724"), (22, "CLK721")]
    assert _codes(result, "supabase/migrations/001.sql") == [(3, "CLK724"), (6, "CLK721")]
    owner = next(f for f in result.findings if f.symbol == "Project.ownerId")
    assert "written at src/app/actions.ts:10 (userId)" in owner.message
    assert "compared at src/app/actions.ts:12 (user!.id)" in owner.message
    assert dict(owner.details)["writers"] == "src/app/actions.ts:10, src/app/actions.ts:12"
    tenant = next(f for f in result.findings if f.symbol == "Project.tenant")
    assert "Clerk organization ids" in tenant.message


def test_a_table_written_with_other_values_stays_silent(tmp_path):
    root = write(tmp_path, {
        "src/app/actions.ts": ACTIONS.replace("userId!", "name").replace("orgId ?? \"\"", "name")
                                     .replace("user!.id", "name").replace("customer_id: userId", "customer_id: name"),
        "prisma/schema.prisma": PRISMA, "db/001.sql": SQL})
    result = run_scan([root], CATALOG)
    assert not [f for f in result.findings if f.code in ("CLK724", "CLK721")]


def test_drizzle_table_through_a_namespace_and_a_wrapper_and_a_local_table(tmp_path):
    root = write(tmp_path, {
        "src/lib/session.ts": '''import { auth } from "@clerk/nextjs/server";
export async function requireUserId() {
  const { userId } = await auth();
  if (!userId) throw new Error("unauthorized");
  return userId;
}
''',
        "src/db/schema.ts": '''import * as p from "drizzle-orm/pg-core";
export const teams = p.pgTable("teams", (d) => ({
  id: d.serial().primaryKey(),
  createdBy: d.text("created_by"),
  slug: d.text(),
}));
''',
        "src/lib/teams.ts": '''import * as schema from "../db/schema";
import { db } from "./db";
import { requireUserId } from "./session";
import { pgTable, text } from "drizzle-orm/pg-core";
import { auth } from "@clerk/nextjs/server";

const audit = pgTable("audit", { actor: text("actor"), action: text("action") });

export async function rename(slug: string) {
  const me = await requireUserId();
  await db.update(schema.teams).set({ createdBy: me, slug });
  const { sessionId } = await auth();
  await db.insert(audit).values([{ actor: sessionId, action: "rename" }]);
}
''',
    })
    result = run_scan([root], CATALOG)
    assert _codes(result, "src/db/schema.ts") == [(4, "CLK724")]
    audit = [f for f in result.findings if f.code == "CLK724" and f.location.path == "src/lib/teams.ts"]
    assert [f.symbol for f in audit] == ["audit.actor"]
    assert "session ids" in audit[0].message and "Better Auth's sessions have ids of their own" in audit[0].message


CONVEX_SCHEMA = '''import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({
  notes: defineTable({ owner: v.string(), body: v.string() }).index("by_owner", ["owner"]).index("by_body", ["body"]),
});
'''
CONVEX_NOTES = '''import { mutation } from "./_generated/server";
import { v } from "convex/values";
export const add = mutation({
  args: { body: v.string() },
  handler: async (ctx, { body }) => {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) throw new Error("unauthenticated");
    await ctx.db.insert("notes", { owner: identity.subject, body });
  },
});
'''


def test_convex_identity_counts_only_where_convex_takes_clerk_tokens(tmp_path):
    root = write(tmp_path, {"convex/schema.ts": CONVEX_SCHEMA, "convex/notes.ts": CONVEX_NOTES})
    assert not [f for f in run_scan([root], CATALOG).findings if f.code in ("CLK724", "CLK721")]
    write(tmp_path, {"convex/auth.config.ts": 'export default { providers: [{ domain: process.env.'
                                              'CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" }] };\n'})
    result = run_scan([root], CATALOG)
    assert _codes(result, "convex/schema.ts") == [(4, "CLK721"), (4, "CLK724")]
    owner = next(f for f in result.findings if f.code == "CLK724")
    assert "written at convex/notes.ts:8 (identity.subject)" in owner.message


def test_id_kinds_and_id_names():
    assert id_kind("auth().userId") == "user"
    assert id_kind("auth.orgId") == "organization"
    assert id_kind("currentUser().id") == "user"
    assert id_kind("useOrganization().organization.id") == "organization"
    assert id_kind("auth().has()") == ""
    assert id_kind("auth().sessionClaims") == ""
    assert all(is_clerk_id_name(n) for n in ("clerkId", "clerk_user_id", "clerkOrgIds", "getUserByClerkId", "CLERK_ID"))
    assert not any(is_clerk_id_name(n) for n in ("ClerkProvider", "clerkClient", "clerkUser", "clerkshipYear"))


CARRIER = '''import { eq } from "drizzle-orm";
export async function getUserByClerkId(clerkId: string) {
  return db.query.users.findFirst({ where: eq(users.clerkId, clerkId) });
}
'''


def test_carried_ids_are_informational(tmp_path):
    write(tmp_path, {"users.ts": CARRIER, "other.ts": "export const f = (clerkUserId: string) => clerkUserId;\n"})
    text = run(tmp_path, "scan", "--no-color")
    assert text.exit_code == 0  # informational findings do not fail the run by default
    assert "carries Clerk ids: 2 files" in text.output
    assert "  users.ts:2, 3 (getUserByClerkId, clerkId)" in text.output
    assert "users.ts:2:" not in text.output  # grouped, not listed one by one
    assert run(tmp_path, "scan", "--fail-on-informational").exit_code == 1
    (tmp_path / ".clerk-lint.toml").write_text("fail-on-informational = true\n", encoding="utf-8")
    assert run(tmp_path, "scan").exit_code == 1
    sarif = json.loads(run(tmp_path, "scan", "--format", "sarif", "--no-config").output)
    assert {r["level"] for r in sarif["runs"][0]["results"]} == {"note"}


def test_informational_findings_beside_others_still_fail_on_the_others(tmp_path):
    write(tmp_path, {"users.ts": CARRIER, "app.ts": 'import { useUser } from "@clerk/nextjs";\n'})
    result = run(tmp_path, "scan", "--no-color")
    assert result.exit_code == 1
    assert "app.ts (1 finding)" in result.output and "carries Clerk ids: 1 file" in result.output
    assert "Found 3 findings in 2 files" in result.output


def test_python_names_carrying_clerk_ids(tmp_path):
    write(tmp_path, {"app/users.py": '''"""Looks users up by their Clerk id (request.clerk_user_id)."""
from app.db import Account


def get_by_clerk_id(session, clerk_id: str):
    return session.query(Account).filter_by(clerk_user_id=clerk_id).first()


def label(clerkship_year: int, clerk_client_name: str) -> str:
    return f"{clerkship_year} {clerk_client_name}"
'''})
    result = run_scan([tmp_path], CATALOG)
    assert [(f.location.line, f.code, f.symbol) for f in result.findings] == [
        (5, "CLK726", "get_by_clerk_id, clerk_id"), (6, "CLK726", "clerk_user_id, clerk_id")]


def test_python_messages_naming_clerk_variables(tmp_path):
    write(tmp_path, {"app/config.py": '''import os

SECRET = os.environ.get("APP_SECRET")
if not SECRET:
    raise RuntimeError("CLERK_SECRET_KEY is not set: copy it from the Clerk dashboard")
NAME = "CLERK_SECRET_KEY"
print("Write to SUPPORT_CLERK_EMAIL")
'''})
    result = run_scan([tmp_path], CATALOG)
    assert [(f.location.line, f.code, f.symbol) for f in result.findings] == [(5, "CLK719", "CLERK_SECRET_KEY")]


def test_convex_filters_names_helpers_and_functions_called_with_clerk_ids(tmp_path):
    root = write(tmp_path, {
        "convex/schema.ts": '''import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({
  votes: defineTable({ voter: v.string(), kind: v.string() }).index("by_voter", ["voter"]),
  notes: defineTable({ owner: v.union(v.string(), v.null()), topic: v.string() }).index("by_topic", ["topic"]),
  accounts: defineTable({ subjectId: v.string(), customer: v.string() }).index("by_customer", ["customer"]),
});
''',
        "convex/votes.ts": '''import { query } from "./_generated/server";
import type { Auth } from "convex/server";
const me = async (ctx: { auth: Auth }) => (await ctx.auth.getUserIdentity())?.subject;
export const mine = query({
  args: {},
  handler: async (ctx) => {
    const voter = (await me(ctx)) ?? null;
    const identity = await ctx.auth.getUserIdentity();
    const owner = identity ? identity.subject : null;
    await ctx.db.query("notes").filter((q) => q.eq(q.field("owner"), owner)).collect();
    await ctx.db.query("notes").withIndex("by_topic", (q) => q.eq("topic", "news")).collect();
    return await ctx.db.query("votes").withIndex("by_voter", (q) => q.eq("voter", voter!)).collect();
  },
});
''',
        "convex/http.ts": '''import { httpAction } from "./_generated/server";
import { internal } from "./_generated/api";
import { Webhook } from "svix";
export const clerkHook = httpAction(async (ctx, request) => {
  const evt = new Webhook(process.env.CLERK_WEBHOOK_SECRET!).verify(await request.text(), {}) as any;
  if (evt.type === "user.created") {
    const { id: clerkUser } = evt.data;
    await ctx.runMutation(internal.accounts.create, { subjectId: clerkUser, customer: evt.data.stripe });
  }
  return new Response(null);
});
''',
        "convex/accounts.ts": '''import { internalMutation } from "./_generated/server";
export const create = internalMutation({
  handler: async (ctx, { subjectId, customer }: { subjectId: string; customer: string }) => {
    await ctx.db.insert("accounts", { subjectId, customer });
  },
});
'''})
    # Without Convex taking Clerk's tokens, only the webhook's id (a Clerk id anyway) counts.
    result = run_scan([root], CATALOG)
    assert _codes(result, "convex/schema.ts") == [(6, "CLK724")]
    account = next(f for f in result.findings if f.code == "CLK724")
    assert "accounts.subjectId holds Clerk user ids: written at convex/accounts.ts:4 (subjectId)" in account.message
    write(tmp_path, {"convex/auth.config.ts": 'export default { providers: [{ domain: process.env.'
                                              'CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" }] };\n'})
    result = run_scan([root], CATALOG)
    assert _codes(result, "convex/schema.ts") == [(4, "CLK721"), (4, "CLK724"), (5, "CLK724"), (6, "CLK724")]
    notes = next(f for f in result.findings if f.symbol == "notes.owner")
    assert "compared at convex/votes.ts:10 (owner)" in notes.message


PRISMA_USERS = '''model User {
  id    String @id
  email String
  posts Post[]
}

model Post {
  id       String @id @default(cuid())
  authorId String
  author   User   @relation(fields: [authorId], references: [id])
  @@index([authorId])
}

model Customer {
  id     String @id
  userId String
}
'''


def test_prisma_key_from_a_clerk_webhook_carries_to_its_foreign_keys(tmp_path):
    root = write(tmp_path, {"prisma/schema.prisma": PRISMA_USERS, "src/app/api/clerk/route.ts": '''
import { verifyWebhook } from "@clerk/nextjs/webhooks";
import { db } from "@/server/db";
import Stripe from "stripe";

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);

export async function POST(req: Request) {
  const evt = await verifyWebhook(req);
  if (evt.type === "user.created") {
    await db.user.create({ data: { id: evt.data.id, email: "" } });
    const customer = await stripe.customers.create({});
    await db.customer.create({ data: { id: customer.id, userId: "" } });
  }
  return new Response("ok");
}
'''})
    result = run_scan([root], CATALOG)
    assert _codes(result, "prisma/schema.prisma") == [(2, "CLK724"), (9, "CLK724"), (11, "CLK721")]
    author = next(f for f in result.findings if f.symbol == "Post.authorId")
    assert "Post.authorId holds Clerk user ids (a relation links it to User.id): written at " \
           "src/app/api/clerk/route.ts:11 (evt.data.id)" in author.message
    assert dict(author.details)["reason"] == "relation"


def test_prisma_writes_through_a_trpc_context_built_from_clerk(tmp_path):
    root = write(tmp_path, {"prisma/schema.prisma": PRISMA_USERS, "src/server/trpc.ts": '''
import { initTRPC, TRPCError } from "@trpc/server";
import { getAuth } from "@clerk/nextjs/server";
import type { CreateNextContextOptions } from "@trpc/server/adapters/next";
import { prisma } from "./db";

export const createContext = ({ req }: CreateNextContextOptions) => ({ prisma, userId: getAuth(req).userId });
const t = initTRPC.context<typeof createContext>().create();
export const router = t.router;
export const privateProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { userId: ctx.userId } });
});
''', "src/server/routers/posts.ts": '''
import { router, privateProcedure } from "../trpc";
export const postsRouter = router({
  create: privateProcedure.mutation(async ({ ctx }) => {
    const authorId = ctx.userId;
    return ctx.prisma.post.create({ data: { authorId } });
  }),
  mine: privateProcedure.query(({ ctx }) => ctx.prisma.post.findMany({ where: { authorId: ctx.userId } })),
});
'''})
    result = run_scan([root], CATALOG)
    # authorId (written and compared), the key it references, the index over it
    assert _codes(result, "prisma/schema.prisma") == [(2, "CLK724"), (9, "CLK724"), (11, "CLK721")]
    author = next(f for f in result.findings if f.symbol == "Post.authorId")
    assert "written at src/server/routers/posts.ts:6 (authorId)" in author.message


def test_drizzle_key_from_a_verified_webhook_carries_to_its_foreign_keys(tmp_path):
    root = write(tmp_path, {"src/db/schema.ts": '''import { index, pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
});

export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  authorId: text("author_id").notNull().references(() => users.id),
  editorId: text("editor_id").references(() => editors.id),
}, (t) => [index("posts_author_idx").on(t.authorId)]);

export const editors = pgTable("editors", { id: text("id").primaryKey() });
''', "src/app/api/webhooks/route.ts": '''import { Webhook } from "svix";
import type { WebhookEvent } from "@clerk/nextjs/server";
import { db } from "../../../db";
import { editors, users } from "../../../db/schema";

export async function POST(req: Request) {
  const body = await req.text();
  const evt = new Webhook(process.env.CLERK_WEBHOOK_SECRET!).verify(body, Object.fromEntries(req.headers)) as WebhookEvent;
  switch (evt.type) {
    case "user.created": {
      const { id, email_addresses } = evt.data;
      await db.insert(users).values({ id, email: email_addresses[0]?.email_address ?? "" });
      await db.insert(editors).values({ id: crypto.randomUUID() });
      break;
    }
  }
  return new Response("ok");
}
'''})
    result = run_scan([root], CATALOG)
    assert _codes(result, "src/db/schema.ts") == [(4, "CLK724"), (10, "CLK724"), (12, "CLK721")]
    author = next(f for f in result.findings if f.symbol == "posts.authorId")
    assert "(a relation links it to users.id): written at src/app/api/webhooks/route.ts:12 (id)" in author.message


def test_prisma_relation_writes_and_filters_name_the_related_key(tmp_path):
    schema = PRISMA_USERS.replace("model Customer {", '''model Team {
  id      String   @id
  members Member[]
}

model Member {
  id     String @id
  userId String
  teamId String
  team   Team   @relation(fields: [teamId], references: [id])
}

model Customer {''')
    root = write(tmp_path, {"prisma/schema.prisma": schema, "src/app/actions.ts": '''"use server";
import { auth } from "@clerk/nextjs/server";
import { db } from "~/server/db";

export async function publish(title: string) {
  const { userId } = await auth();
  await db.post.create({ data: { title, author: { connect: { id: userId! } } } });
  await db.team.findMany({ where: { members: { some: { userId: userId! } } } });
  await db.post.findMany({ where: { author: { email: title } } });
}
'''})
    result = run_scan([root], CATALOG)
    # User.id (connected), Post.authorId (its foreign key) and the index; Member.userId (relation filter)
    assert _codes(result, "prisma/schema.prisma") == [(2, "CLK724"), (9, "CLK724"), (11, "CLK721"), (21, "CLK724")]
