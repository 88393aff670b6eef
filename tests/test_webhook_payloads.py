"""Clerk webhook payloads handled without Clerk's helpers: the event gate, Convex routes,
queued names; look-alikes stay silent."""
from __future__ import annotations

from cli_helpers import write
from scan_helpers import CATALOG

from clerk_lint.scan.driver import run_scan


def _found(root):
    return sorted((f.location.path, f.location.line, f.code, f.symbol) for f in run_scan([root], CATALOG).findings)


def test_a_clerk_only_event_in_a_type_union_is_context_for_the_generic_ones(tmp_path):
    # Nothing in the file says clerk or svix: the Clerk-only `session.created` is enough.
    write(tmp_path, {"src/app/api/hooks/route.ts": '''import { z } from "zod";
type EventType = "user.created" | "user.deleted" | "session.created";
const Evt = z.discriminatedUnion("type", [
  z.object({ type: z.literal("user.created"), data: z.object({ id: z.string() }) }),
]);
export async function POST(req: Request) {
  const evt = Evt.parse(await req.json());
  return new Response(String(evt.type as EventType));
}
'''})
    got = _found(tmp_path)
    assert [(line, code) for _, line, code, _ in got] == [(2, "CLK604"), (2, "CLK604"), (2, "CLK604"), (4, "CLK604"),
                                                          (6, "CLK606")]


def test_generic_events_alone_stay_silent(tmp_path):
    write(tmp_path, {"convex/http.ts": '''import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";
const http = httpRouter();
http.route({ path: "/hooks", method: "POST", handler: httpAction(async (ctx, request) => {
  const event = await request.json();
  if (event.type === "user.created") await ctx.runMutation("users:add", event.data);
  return new Response(null);
}) });
export default http;
''', "src/analytics.ts": '''import { track } from "@vercel/analytics";
export const signedUp = (kind: string) => { track("user.created"); if (kind === "customer.created") track("x"); };
''', "src/stripe.ts": '''import Stripe from "stripe";
export function handle(event: Stripe.Event) {
  switch (event.type) {
    case "customer.created":
    case "customer.subscription.updated":
      return;
  }
}
'''})
    assert _found(tmp_path) == []


def test_a_convex_route_whose_named_handler_takes_clerk_payloads(tmp_path):
    write(tmp_path, {"convex/http.ts": '''import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";

const http = httpRouter();

const handleUsers = httpAction(async (ctx, request) => {
  const event = await request.json();
  switch (event.type) {
    case "user.created":
      await ctx.runMutation("users:upsert", { email: event.data.email_addresses[0].email_address });
      break;
  }
  return new Response(null, { status: 200 });
});
const health = httpAction(async () => new Response("ok"));

http.route({ path: "/users", method: "POST", handler: handleUsers });
http.route({ path: "/health", method: "GET", handler: health });
export default http;
'''})
    got = [(line, code, symbol) for _, line, code, symbol in _found(tmp_path)]
    # the payload field read in the user.created branch is CLK241
    assert got == [(9, "CLK604", "user.created"), (10, "CLK241", "email_addresses"), (17, "CLK606", "/users")]


def test_queued_events_under_clerk_names(tmp_path):
    write(tmp_path, {"src/inngest/functions.ts": '''import { inngest } from "./client";
export const a = inngest.createFunction({ id: "a" }, { event: "clerk/user.created" }, async () => {});
export const b = inngest.createFunction({ id: "b" }, { event: "app/user.created" }, async () => {});
'''})
    assert [(line, code) for _, line, code, _ in _found(tmp_path)] == [(2, "CLK604")]
