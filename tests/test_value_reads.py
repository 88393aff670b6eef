"""CLK240-CLK242: fields read off Clerk users / organizations / sessions, webhook payload fields,
session tokens sent on; and the look-alikes that must stay silent."""
from __future__ import annotations

from clerk_lint.concepts import clerk_fields
from scan_helpers import scan_snippet

FIELD, PAYLOAD, TOKEN = "CLK240", "CLK241", "CLK242"


def lines(result, code):
    return [f.location.line for f in result.findings if f.code == code]


def by_line(result, code):
    return {f.location.line: f for f in result.findings if f.code == code}


def test_field_table_leaves_same_named_fields_alone():
    for owner in (clerk_fields.USER, clerk_fields.ORGANIZATION, clerk_fields.SESSION):
        for same in ("id", "createdAt", "updatedAt", "publicMetadata"):
            assert clerk_fields.counterpart(owner, same) is None
    assert clerk_fields.counterpart(clerk_fields.USER, "fullName") == "user.name"
    assert clerk_fields.counterpart(clerk_fields.ORGANIZATION, "imageUrl") == "organization.logo"
    assert clerk_fields.counterpart(clerk_fields.SESSION, "expireAt") == "session.expiresAt"


def test_backend_users_lists_and_annotations(tmp_path):
    text = """import { clerkClient, currentUser, type User } from "@clerk/nextjs/server";

export const toAuthor = (user: User) => ({ id: user.id, avatar: user.profileImageUrl });

export async function authors(ids: string[]) {
  const users = await clerkClient.users.getUserList({ userId: ids });
  const gh = users.find((u) => u.externalAccounts.find((a) => a.provider === "oauth_github"));
  const me = await currentUser();
  const one = await clerkClient.users.getUser(ids[0]);
  return [gh, me?.id, me?.createdAt, `${one.firstName} ${one.lastName}`, users.map(toAuthor)];
}
"""
    result = scan_snippet(tmp_path, "authors.ts", text)
    found = by_line(result, FIELD)
    assert sorted(found) == [3, 7, 10]
    assert found[3].detail("field") == "user.profileImageUrl" and "user.image" in found[3].message
    assert "user.firstName" in found[10].message and "user.lastName" in found[10].message  # one per line


def test_client_hooks_vue_refs_and_then(tmp_path):
    tsx = """import { useUser, useOrganization, useSession } from "@clerk/clerk-react";

export function Card() {
  const { user } = useUser();
  const { organization } = useOrganization();
  const { session } = useSession();
  if (!user) return null;
  const { username, id } = user;
  return (
    <div>
      <img src={organization?.imageUrl} alt={user.fullName ?? ""} />
      <span>{session?.expireAt.toISOString()}</span>
      <span>{organization?.name} {user.id}</span>
    </div>
  );
}
"""
    vue = """<script setup lang="ts">
import { useUser } from "@clerk/vue";
const { user } = useUser();
const name = computed(() => user.value?.firstName ?? "");
</script>
"""
    result = scan_snippet(tmp_path, "Card.tsx", tsx)
    assert lines(result, FIELD) == [8, 11, 12]  # the destructuring declaration reads `username`
    result = scan_snippet(tmp_path / "vue", "Name.vue", vue)
    assert lines(result, FIELD) == [4]


def test_look_alikes_stay_silent(tmp_path):
    text = """import { useUser } from "./hooks/useUser";
import { useAuth } from "@clerk/nextjs";
import { getToken } from "next-auth/jwt";

export function Header({ user }: { user: { fullName: string; imageUrl: string } }) {
  const { isSignedIn } = useAuth();
  const me = useUser();
  return <p>{isSignedIn && user.fullName} {me.user?.imageUrl}</p>;
}

export async function handler(req: Request) {
  const token = await getToken({ req });
  return fetch("/api", { headers: { Authorization: `Bearer ${token}` } });
}

export function Shadow() {
  const { user } = { user: { firstName: "local" } };
  return user.firstName;
}
"""
    result = scan_snippet(tmp_path, "Header.tsx", text)
    assert lines(result, FIELD) == [] and lines(result, TOKEN) == []


def test_webhook_payload_reads(tmp_path):
    text = """import { Webhook } from "svix";

async function onUser(data) {
  const email = data.email_addresses?.[0]?.email_address;
  return { email, name: `${data.first_name} ${data.last_name}`, image: data.image_url };
}

export async function handle(req, res) {
  let evt;
  try {
    evt = new Webhook(process.env.CLERK_WEBHOOK_SECRET).verify(req.body, req.headers);
  } catch {
    return res.status(400).end();
  }
  const { type, data } = evt;
  if (type === "user.created") await onUser(data);
  const { id, public_metadata } =
    evt.data;
  console.log("user", evt.data.id);
  return res.json({ id, role: public_metadata?.role });
}
"""
    result = scan_snippet(tmp_path, "webhook.js", text)
    found = by_line(result, PAYLOAD)
    assert sorted(found) == [4, 5, 15, 17, 20]
    assert found[5].detail("field") == "first_name" and "last_name" in found[5].message
    assert found[17].symbol == "id, public_metadata"


def test_payload_typed_with_clerk_json(tmp_path):
    text = """import type { UserJSON } from "@clerk/backend";

export function toRow(data: UserJSON) {
  return { id: data.id, email: data.email_addresses[0]?.email_address };
}
"""
    result = scan_snippet(tmp_path, "rows.ts", text)
    assert lines(result, PAYLOAD) == [4]


def test_payload_switched_on_clerk_event_names(tmp_path):
    text = """async function validate(req) {
  return JSON.parse(await req.text());
}

export async function POST(req) {
  const payload = await validate(req);
  const eventType = payload.type;
  switch (eventType) {
    case "user.created": {
      const { id, email_addresses } = payload.data;
      await save(id, email_addresses[0].email_address, payload.data.first_name);
      break;
    }
    case "organizationMembership.created":
      await addMember(payload.data.organization.id);
  }
  console.log(payload.data.id);
  return new Response("ok");
}
"""
    result = scan_snippet(tmp_path, "route.js", text)
    assert lines(result, PAYLOAD) == [7, 10, 11, 15]


def test_payload_of_another_sender_is_not_clerks(tmp_path):
    text = """import { Webhook } from "svix";

export function handle(body, headers) {
  const evt = new Webhook(process.env.RESEND_WEBHOOK_SECRET).verify(body, headers);
  if (evt.type === "email.bounced") return evt.data.email_id;
}
"""
    result = scan_snippet(tmp_path, "resend.js", text)
    assert lines(result, PAYLOAD) == []


def test_tokens_sent_on(tmp_path):
    text = """import { useAuth } from "@clerk/clerk-expo";
import React, { useEffect, useState } from "react";
import { createTRPCClient, httpBatchLink } from "@trpc/client";

function Provider({ token, children }) {
  const client = createTRPCClient({
    links: [httpBatchLink({ url: "/trpc", headers: () => ({ Authorization: token ?? "" }) })],
  });
  return children;
}

export function Root({ children }) {
  const { getToken } = useAuth();
  const [token, setToken] = useState(null);
  useEffect(() => {
    getToken().then((t) => setToken(t));
  }, []);
  if (!token) return null;
  const headers = new Headers();
  headers.set("Authorization", "Bearer " + token);
  return <Provider token={token}>{children}</Provider>;
}
"""
    result = scan_snippet(tmp_path, "Root.jsx", text)
    found = by_line(result, TOKEN)
    assert sorted(found) == [7, 20, 21]
    assert found[7].detail("sent") == "Authorization header"
    assert found[21].detail("sent") == "prop token"


def test_vue_template_expressions_join_the_script(tmp_path):
    vue = """<script setup lang="ts">
import { useUser, useOrganization } from "@clerk/vue";
import { useProfile } from "@/composables/profile";
const { user } = useUser();
const { organization } = useOrganization();
const profile = useProfile();
</script>

<template>
  <img :src="user?.imageUrl" :alt="profile.fullName" />
  <p v-if="organization">{{ organization.membersCount }} members</p>
  <li v-for="(account, i) in user?.externalAccounts" :key="i">{{ account.provider }}</li>
  <p>{{ profile.imageUrl }} {{ }} {{ user?.id }}</p>
</template>
"""
    result = scan_snippet(tmp_path, "Card.vue", vue)
    assert lines(result, FIELD) == [10, 11, 12]
    assert not result.problems


def test_astro_body_expressions_read_frontmatter_values(tmp_path):
    astro = """---
import { clerkClient } from "@clerk/astro/server";
const user = await Astro.locals.currentUser();
const owner = await clerkClient(Astro).users.getUser("user_1");
const local = { firstName: "Ada" };
---
<h1>{user?.firstName} and {local.firstName}</h1>
{user && <img src={user.imageUrl} alt={owner.fullName} />}
<div style={{ color: "red" }} {...Astro.props}>{user?.id}</div>
<script>
  const user = { imageUrl: "x" };
  console.log(user.imageUrl);
</script>
"""
    (tmp_path / "package.json").write_text('{"dependencies": {"@clerk/astro": "^2.0.0"}}')
    result = scan_snippet(tmp_path, "src/pages/me.astro", astro)
    assert lines(result, FIELD) == [7, 8]
    assert "user.fullName" in by_line(result, FIELD)[8].message and not result.problems
