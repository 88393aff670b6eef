"""An app function returning a Clerk Backend API client, called in another module: the calls on
its result are Backend API calls there (indirect, via the factory), and their results' fields
are followed; the app's own look-alike factory stays silent."""
from __future__ import annotations

from cli_helpers import write

from scan_helpers import CATALOG
from clerk_lint.scan.driver import run_scan

FACTORY = """import { createClerkClient } from "@clerk/backend";
import type { Context } from "hono";

export type Ctx = Context<{ Bindings: { CLERK_SECRET_KEY: string } }>;

export const getClerkClient = (c: Ctx) => createClerkClient({ secretKey: c.env.CLERK_SECRET_KEY });

// Not Clerk: the app's own mailer, built the same way.
export const getMailer = (c: Ctx) => ({ users: { getUser: async (id: string) => ({ id, fullName: "" }) } });
"""

USER_DETAIL = """import { getClerkClient, getMailer, type Ctx } from "../lib/clients";

export const getClerkUserDetail = async (c: Ctx, userId: string) => {
  const clerk = await getClerkClient(c);
  const clerkUser = await clerk.users.getUser(userId);
  const mailer = getMailer(c);
  const contact = await mailer.users.getUser(userId);
  return {
    name: clerkUser.fullName ?? undefined,
    email: clerkUser.primaryEmailAddress?.emailAddress,
    contact: contact.fullName,
  };
};
"""


def test_calls_on_a_client_from_an_app_factory_are_backend_calls(tmp_path):
    root = write(tmp_path, {
        "package.json": '{ "name": "w", "dependencies": { "@clerk/backend": "^2.0.0", "hono": "^4.7.0" } }',
        "src/lib/clients.ts": FACTORY,
        "src/api/users.ts": USER_DETAIL,
    })
    result = run_scan([root], CATALOG)
    found = {(f.location.line, f.code): f for f in result.findings if f.location.path == "src/api/users.ts"}
    assert (5, "CLK402") in found and "getClerkClient" in found[(5, "CLK402")].via
    assert (9, "CLK240") in found and (10, "CLK240") in found
    assert not any(line in (6, 7, 11) for line, _ in found)
