"""Gaps and noise found by scanning real public Clerk apps: each case is a probe of the shape
met there, and a look-alike that stays silent."""
from __future__ import annotations

from scan_helpers import scan_snippet


def codes(result, path=None) -> list[tuple[int, str]]:
    return sorted((f.location.line, f.code) for f in result.findings if path is None or f.location.path == path)


def test_svix_import_is_part_of_the_clerk_webhook(tmp_path):
    text = '''import { Webhook } from "svix";
import type { WebhookEvent } from "@clerk/nextjs/server";

export async function POST(req: Request) {
  const wh = new Webhook(process.env.WEBHOOK_SECRET!);
  const evt = wh.verify(await req.text(), Object.fromEntries(req.headers)) as WebhookEvent;
  return new Response(evt.type);
}
'''
    got = codes(scan_snippet(tmp_path, "app/api/hooks/route.ts", text))
    assert (1, "CLK601") in got and (1, "CLK001") not in got


def test_svix_for_another_sender_is_silent(tmp_path):
    text = '''import { Webhook } from "svix";

export async function POST(req: Request) {
  const wh = new Webhook(process.env.RESEND_WEBHOOK_SECRET!);
  const evt = wh.verify(await req.text(), {
    "svix-id": req.headers.get("svix-id")!,
    "svix-timestamp": req.headers.get("svix-timestamp")!,
    "svix-signature": req.headers.get("svix-signature")!,
  }) as { type: string };
  if (evt.type === "email.bounced" || evt.type === "subscription.created") return new Response("noted");
  return new Response("ok");
}
'''
    assert codes(scan_snippet(tmp_path, "app/api/resend/route.ts", text)) == []


def test_svix_with_a_clerk_event_and_no_clerk_name(tmp_path):
    text = '''import { Webhook } from "svix";

export async function POST(req: Request) {
  const evt = new Webhook(process.env.WEBHOOK_SECRET!).verify(await req.text(), Object.fromEntries(req.headers)) as any;
  if (evt.type === "user.created") await fetch("/internal/users", { method: "POST", body: evt.data.id });
  return new Response("ok");
}
'''
    got = codes(scan_snippet(tmp_path, "app/api/hooks/route.ts", text))
    assert (1, "CLK601") in got


def test_convex_function_args_carry_ids_not_columns(tmp_path):
    text = '''import { mutation } from "./_generated/server";
import { v } from "convex/values";

export const store = mutation({
  args: { clerkId: v.string(), profile: v.object({ clerkOrgId: v.optional(v.string()) }) },
  handler: async (ctx, args) => ctx.db.insert("users", { clerkId: args.clerkId }),
});
'''
    got = codes(scan_snippet(tmp_path, "convex/users.ts", text))
    assert "CLK720" not in {c for _, c in got}
    assert (5, "CLK726") in got


def test_convex_table_named_by_its_key_not_its_index(tmp_path):
    text = '''import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  members: defineTable({ clerkUserId: v.string() }).index("by_clerk_user", ["clerkUserId"]),
});
'''
    result = scan_snippet(tmp_path, "convex/schema.ts", text)
    column = [f for f in result.findings if f.code == "CLK720"]
    assert [f.detail("table") for f in column] == ["members"]


def test_one_finding_per_rule_per_line(tmp_path):
    text = '''import express from "express";
import { clerkMiddleware, clerkClient } from "@clerk/express";

const app = express();
app.use(clerkMiddleware());
app.get("/me", async (req, res) => {
  if (!req.auth.userId || req.auth().orgRole !== "org:admin") return res.status(403).end();
  const user = await clerkClient.users.getUser(req.auth.userId);
  res.json({ a: user.publicMetadata.a, b: user.publicMetadata.b, c: user.privateMetadata.c });
});
'''
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"@clerk/express": "^1.3.0"}}')
    got = codes(scan_snippet(tmp_path, "src/server.ts", text), "src/server.ts")
    assert got.count((7, "CLK314")) == 1
    assert got.count((9, "CLK505")) == 2  # public and private metadata: two decisions


CONVEX_FUNCTION = '''import { query } from "./_generated/server";

export const me = query({
  args: {},
  handler: async (ctx) => {
    const identity = await ctx.auth.getUserIdentity();
    return identity?.subject ?? null;
  },
});
'''


def test_convex_identity_with_clerk_config(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"convex": "^1.25.0"}}')
    scan_snippet(tmp_path, "convex/auth.config.ts",
                 'export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" }] };\n')
    got = codes(scan_snippet(tmp_path, "convex/me.ts", CONVEX_FUNCTION), "convex/me.ts")
    assert got == [(6, "CLK520"), (7, "CLK521")]


def test_convex_identity_with_clerk_sdk_and_no_config(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"convex": "^1.25.0", "@clerk/clerk-react": "^5.31.0"}}')
    got = codes(scan_snippet(tmp_path, "convex/me.ts", CONVEX_FUNCTION), "convex/me.ts")
    assert got == [(6, "CLK520"), (7, "CLK521")]


def test_convex_auth_config_without_clerk_is_silent(tmp_path):
    # Convex Auth (or Auth0) issues the token: same call, nothing of Clerk's, even beside a Clerk SDK.
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"convex": "^1.25.0", "@convex-dev/auth": "^0.0.80", '
                 '"@clerk/clerk-react": "^5.31.0"}}')
    scan_snippet(tmp_path, "convex/auth.config.ts",
                 'export default { providers: [{ domain: process.env.CONVEX_SITE_URL, applicationID: "convex" }] };\n')
    assert codes(scan_snippet(tmp_path, "convex/me.ts", CONVEX_FUNCTION), "convex/me.ts") == []


def test_convex_without_clerk_is_silent(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"convex": "^1.25.0"}}')
    assert codes(scan_snippet(tmp_path, "convex/me.ts", CONVEX_FUNCTION), "convex/me.ts") == []


NUXT_CONFIG = 'export default defineNuxtConfig({\n  modules: ["@clerk/nuxt"],\n  clerk: { signInUrl: "/sign-in" },\n});\n'
NUXT_COMPOSABLE = '''export function useGreeting() {
  const { user } = useUser();
  return computed(() => `Hello ${user.value?.firstName ?? "there"}`);
}
'''


def test_nuxt_auto_imports_in_ts_and_server(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"nuxt": "^3.17.0", "@clerk/nuxt": "^1.7.0"}}')
    scan_snippet(tmp_path, "nuxt.config.ts", NUXT_CONFIG)
    scan_snippet(tmp_path, "server/api/me.get.ts", '''export default defineEventHandler(async (event) => {
  const { userId } = event.context.auth();
  if (!userId) throw createError({ statusCode: 401 });
  return clerkClient(event).users.getUser(userId);
});
''')
    result = scan_snippet(tmp_path, "composables/useGreeting.ts", NUXT_COMPOSABLE)
    # user.value?.firstName: the auto-imported composable's ref is followed to a Clerk-only field
    assert codes(result, "composables/useGreeting.ts") == [(2, "CLK201"), (3, "CLK240")]
    assert codes(result, "nuxt.config.ts") == [(2, "CLK917"), (3, "CLK917")]
    assert codes(result, "server/api/me.get.ts") == [(2, "CLK313"), (3, "CLK511"), (4, "CLK402"), (4, "CLK511")]


def test_nuxt_without_clerk_module_or_with_own_import_is_silent(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"nuxt": "^3.17.0", "@sidebase/nuxt-auth": "^0.9.0"}}')
    scan_snippet(tmp_path, "nuxt.config.ts", 'export default defineNuxtConfig({ modules: ["@sidebase/nuxt-auth"] });\n')
    assert codes(scan_snippet(tmp_path, "composables/useGreeting.ts", NUXT_COMPOSABLE)) == []


def test_nuxt_own_composable_import_wins(tmp_path):
    scan_snippet(tmp_path, "nuxt.config.ts", NUXT_CONFIG)
    text = 'import { useUser } from "~/lib/session";\n' + NUXT_COMPOSABLE
    assert codes(scan_snippet(tmp_path, "composables/useGreeting.ts", text), "composables/useGreeting.ts") == []


def test_error_shape_only_where_a_clerk_call_failed(tmp_path):
    text = '''import { useSignIn } from "@clerk/nextjs";

export function useLogin(report: (m: string) => void) {
  const { signIn } = useSignIn();
  return async (identifier: string, password: string) => {
    try {
      await signIn!.create({ identifier, password });
    } catch (err: any) {
      if (err.errors?.[0]?.code === "form_password_incorrect") report("Wrong password");
    }
    try {
      await fetch("/api/audit", { method: "POST" });
    } catch (err: any) {
      report(err.errors?.[0]?.message ?? "audit failed");
    }
  };
}
'''
    result = scan_snippet(tmp_path, "src/useLogin.ts", text)
    shapes = [(f.location.line, f.detail("better_auth_code")) for f in result.findings if f.code == "CLK230"]
    assert shapes == [(9, "INVALID_EMAIL_OR_PASSWORD")]


def test_raw_sql_naming_a_clerk_id_column(tmp_path):
    text = '''import { sql } from "./db";

export const notesOf = (id: string) => sql.query("SELECT id, body FROM notes WHERE clerk_user_id = $1", [id]);
export const add = (id: string, body: string) =>
  sql.query(`INSERT INTO notes (clerk_user_id, body) VALUES ($1, $2)`, [id, body]);
export const hint = "Paste the clerk_user_id from the dashboard into the form";
'''
    result = scan_snippet(tmp_path, "src/notes.ts", text)
    assert codes(result) == [(3, "CLK726"), (5, "CLK726")]


def test_token_cache_of_another_provider_is_silent(tmp_path):
    text = '''import { AuthProvider } from "./auth";
import { tokenCache } from "./cache";

export const Root = () => <AuthProvider tokenCache={tokenCache} />;
'''
    assert codes(scan_snippet(tmp_path, "app/_layout.tsx", text)) == []


def test_prisma_user_id_filled_from_a_webhook_data_id(tmp_path):
    scan_snippet(tmp_path, "prisma/schema.prisma", '''model User {
  id    String @id
  email String @unique
}
''')
    text = '''import { Webhook } from "svix";
import type { WebhookEvent } from "@clerk/nextjs/server";
import { prisma } from "../../lib/db";

export async function POST(req: Request) {
  const evt = new Webhook(process.env.CLERK_WEBHOOK_SECRET!).verify(await req.text(), Object.fromEntries(req.headers)) as WebhookEvent;
  if (evt.type === "user.created") {
    const { id, email_addresses } = evt.data;
    await prisma.user.create({ data: { id, email: email_addresses[0].email_address } });
  }
  return new Response("ok");
}
'''
    result = scan_snippet(tmp_path, "app/api/webhooks/route.ts", text)
    column = [f for f in result.findings if f.location.path == "prisma/schema.prisma"]
    assert [(f.code, f.location.line) for f in column] == [("CLK724", 2)]
    assert "holds Clerk user ids" in column[0].message


def test_python_svix_for_another_sender_is_silent(tmp_path):
    text = '''import os
from svix.webhooks import Webhook


def handle(payload: bytes, headers: dict) -> None:
    event = Webhook(os.environ["RESEND_WEBHOOK_SECRET"]).verify(payload, headers)
    if event["type"] == "email.bounced":
        print("bounce", headers["svix-id"])
'''
    assert codes(scan_snippet(tmp_path, "app/resend.py", text)) == []


def test_vue_refs_of_clerk_composables_are_followed(tmp_path):
    text = '''<script setup lang="ts">
import { useAuth, useClerk } from "@clerk/vue";
import { ref } from "vue";

const { orgRole, has } = useAuth();
const clerk = useClerk();
const orgRoleDraft = ref("org:member");
const isAdmin = computed(() => orgRole.value === "org:admin");
const canBill = computed(() => has.value?.({ permission: "org:billing:manage" }));
orgRoleDraft.value = "viewer";
const leave = () => clerk.value?.signOut();
</script>
<template><p v-if="isAdmin">admin</p></template>
'''
    got = codes(scan_snippet(tmp_path, "src/Team.vue", text))
    assert (8, "CLK510") in got and (9, "CLK501") in got and (11, "CLK218") in got
    assert not [c for line, c in got if line == 10]


def test_nuxt_route_matcher_auto_import_and_destructured_event_context(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"nuxt": "^4.2.0", "@clerk/nuxt": "^1.13.0"}}')
    scan_snippet(tmp_path, "nuxt.config.ts", NUXT_CONFIG)
    scan_snippet(tmp_path, "server/api/me.ts", '''export default eventHandler((event) => {
  const { auth } = event.context
  if (!auth?.userId) return "no"
  return { user: auth.user }
})
''')
    result = scan_snippet(tmp_path, "app/middleware/auth.global.ts", '''const isProtected = createRouteMatcher(["/dashboard"])

export default defineNuxtRouteMiddleware((to) => {
  if (isProtected(to)) return navigateTo("/sign-in")
})
''')
    assert codes(result, "app/middleware/auth.global.ts") == [(1, "CLK304")]
    assert codes(result, "server/api/me.ts") == [(2, "CLK313"), (3, "CLK313"), (4, "CLK313")]


def test_nuxt_own_route_matcher_and_context_of_other_auth_are_silent(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"nuxt": "^4.2.0", "nuxt-auth-utils": "^0.5.0"}}')
    scan_snippet(tmp_path, "nuxt.config.ts", 'export default defineNuxtConfig({ modules: ["nuxt-auth-utils"] });\n')
    scan_snippet(tmp_path, "server/api/me.ts", '''export default eventHandler((event) => {
  const { auth } = event.context
  return { user: auth?.user }
})
''')
    result = scan_snippet(tmp_path, "app/middleware/auth.global.ts", '''const isProtected = createRouteMatcher(["/dashboard"])
''')
    assert codes(result) == []
    # a Clerk Nuxt app defining its own matcher
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"nuxt": "^4.2.0", "@clerk/nuxt": "^1.13.0"}}')
    scan_snippet(tmp_path, "nuxt.config.ts", NUXT_CONFIG)
    own = 'function createRouteMatcher(paths: string[]) {\n  return (to: { path: string }) => paths.includes(to.path)\n}\nconst isProtected = createRouteMatcher(["/dashboard"])\n'
    assert codes(scan_snippet(tmp_path, "app/middleware/auth.global.ts", own), "app/middleware/auth.global.ts") == []


def test_h3_clerk_middleware_and_helpers(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"nuxt": "^3.12.0", "h3-clerk": "^0.5.0"}}')
    scan_snippet(tmp_path, "server/middleware/clerk.ts", '''import { withClerkMiddleware } from "h3-clerk"

export default withClerkMiddleware({ secretKey: useRuntimeConfig().clerkSecretKey })
''')
    result = scan_snippet(tmp_path, "server/api/user.ts", '''import { clerkClient, getAuth } from "h3-clerk"

export default eventHandler(async (event) => {
  const { userId } = getAuth(event)
  if (!userId) throw createError({ statusCode: 401 })
  return clerkClient.users.getUser(userId)
})
''')
    assert codes(result, "server/middleware/clerk.ts") == [(1, "CLK001"), (3, "CLK309")]
    got = codes(result, "server/api/user.ts")
    assert (1, "CLK001") in got and (4, "CLK301") in got and (6, "CLK401") in got


def test_app_own_with_clerk_middleware_is_silent(tmp_path):
    scan_snippet(tmp_path, "package.json", '{"dependencies": {"nuxt": "^3.12.0", "h3": "^1.12.0"}}')
    result = scan_snippet(tmp_path, "server/middleware/auth.ts", '''import { withClerkMiddleware } from "~/server/utils/session"

export default withClerkMiddleware({ secretKey: useRuntimeConfig().sessionSecret })
''')
    assert codes(result) == []


def test_presence_checks_of_a_clerk_hook_resource(tmp_path):
    text = '''import { useOrganization, useUser } from "@clerk/clerk-react";

export function Profile() {
  const info = useUser();
  const { organization } = useOrganization();
  if (!info.user) return null;
  const label = organization ? organization.slug : "personal";
  return <p>{info.user && label}{sendTo(info.user)}</p>;
}
'''
    got = codes(scan_snippet(tmp_path, "src/Profile.tsx", text))
    assert [(line, code) for line, code in got if code == "CLK243"] == [(6, "CLK243"), (7, "CLK243"), (8, "CLK243")]


def test_presence_check_of_a_plain_user_is_silent(tmp_path):
    text = '''import { useAuth } from "@clerk/clerk-react";
import { useProfile } from "./profile";

export function Profile() {
  const { userId } = useAuth();
  const { user } = useProfile(userId);
  if (!user) return null;
  return <p>{user && user.name}</p>;
}
'''
    got = codes(scan_snippet(tmp_path, "src/Profile.tsx", text))
    assert (7, "CLK243") not in got and (8, "CLK243") not in got


def test_nuxt_runtime_config_keys_filled_from_clerk_variables(tmp_path):
    text = '''export default defineEventHandler(() => {
  const key = useRuntimeConfig().public.clerkPublishableKey
  const secret = useRuntimeConfig().clerkSecretKey
  const site = useRuntimeConfig().public.siteUrl
  const other = settings.public.clerkPublishableKey
  return { key, secret, site, other }
})
'''
    got = codes(scan_snippet(tmp_path, "server/api/keys.ts", text))
    assert [line for line, _ in got] == [2, 3]


def test_clerk_user_as_a_fallback_value_is_no_presence_check(tmp_path):
    text = '''import { useUser } from "@clerk/clerk-react";

export function useViewer(guest: object) {
  const { user } = useUser();
  const viewer = user || guest;
  if (!viewer || !user) return guest;
  return viewer;
}
'''
    got = codes(scan_snippet(tmp_path, "src/useViewer.ts", text))
    assert (5, "CLK243") not in got and (6, "CLK243") in got


def test_metadata_and_token_cache_candidates_are_those_of_a_walk_in_its_order():
    """clerk_arguments finds its candidates from where their words are in the bytes; the same
    nodes, in the same order, as walking every node of the tree (on every fixture file and
    on shapes that name the words elsewhere)."""
    from scan_helpers import ecma_sources

    from clerk_lint.readers.ecma import clerk_arguments
    from clerk_lint.readers.ecma.parse import parse
    from clerk_lint.readers.ecma.records import named_descendants

    def walked(root):
        for node in named_descendants(root):
            if node.type in ("pair", "shorthand_property_identifier") and clerk_arguments._key(node) in \
                    clerk_arguments.METADATA_KEYS and node.parent is not None and node.parent.type == "object":
                yield node
            elif node.type == "jsx_attribute" and node.named_children \
                    and clerk_arguments._text(node.named_children[0]) == "tokenCache":
                yield node

    shapes = [
        b'await user.update({ unsafeMetadata: { a: 1 }, "publicMetadata": p, \'privateMetadata\': q, publicMetadataX: 1 });\n'
        b"const { publicMetadata } = user; // publicMetadata in a comment\n"
        b'f({ publicMetadata, nested: { privateMetadata: { unsafeMetadata } } }, "unsafeMetadata");\n'
        b"const o = { [publicMetadata]: 1, publicMetadata() {}, ...unsafeMetadata };\n",
        b"export default () => <ClerkProvider tokenCache={tokenCache} publishableKey={k}>"
        b"<Inner tokenCache /><x.y tokenCache={c} /></ClerkProvider>;\nconst tokenCache = { publicMetadata: 1 };\n",
        b"const broken = { publicMetadata: (( };\nf({ privateMetadata: 1 }",
    ]
    compared = 0
    for data, lang in ecma_sources(*shapes):
        root = parse(data, lang).root_node
        want = [n.id for n in walked(root)]
        assert [n.id for n in clerk_arguments.candidates(root, data)] == want
        compared += bool(want)
    assert compared >= 10
