/**
 * Import Clerk users into Better Auth (better-auth 1.7.x). Drafted by clerk-lint.
 *
 * Input 1 (required): the Clerk Dashboard CSV export (Dashboard -> Users -> Export users). It is the
 * only export that has password digests (password_digest, password_hasher) and TOTP secrets
 * (totp_secret); it has no images, OAuth accounts, metadata, bans or dates.
 * Input 2 (optional, recommended): the Clerk Backend API (GET /v1/users, 500 per page) when
 * CLERK_SECRET_KEY is set, joined with the CSV on the user id for everything the CSV lacks.
 *
 * Run (Node 20+), first against a staging database:
 *   npx tsx scripts/import-clerk-users.ts exported_users.csv
 * Re-runnable: users whose id already exists are skipped, so a second run at cutover only adds the
 * users created since.
 *
 * Clerk ids are kept as Better Auth ids (forceAllowId), so app tables that store Clerk user ids
 * keep pointing at the right user.
 *
 * Cannot be migrated (no Clerk export has them): sessions (everyone signs in again), MFA backup
 * codes, passkeys, OAuth provider access/refresh tokens.
 */
import { readFile } from "node:fs/promises";
//@@IMPORTS@@
import { auth } from "@@AUTH_IMPORT@@";

type CsvRow = Record<string, string>;

/** RFC 4180 CSV: quoted fields may contain commas, doubled quotes and line breaks. */
export function parseCsv(text: string): CsvRow[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
    } else {
      field += ch;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  if (!header) return [];
  const keys = header.map((h) => h.replace(/^\uFEFF/, "").trim());
  return body.map((cells) => Object.fromEntries(keys.map((key, n) => [key, (cells[n] ?? "").trim()])));
}

interface ClerkExternalAccount {
  provider: string;
  provider_user_id: string;
  approved_scopes?: string | null;
}

interface ClerkUser {
  id: string;
  image_url?: string | null;
  external_accounts?: ClerkExternalAccount[];
  public_metadata?: Record<string, unknown> | null;
  private_metadata?: Record<string, unknown> | null;
  unsafe_metadata?: Record<string, unknown> | null;
  banned?: boolean;
  lockout_expires_in_seconds?: number | null;
  created_at?: number;
  updated_at?: number;
}

const CLERK_API = "https://api.clerk.com/v1";

async function clerkGet<T>(path: string, secretKey: string): Promise<T> {
  const res = await fetch(`${CLERK_API}${path}`, { headers: { Authorization: `Bearer ${secretKey}` } });
  if (!res.ok) throw new Error(`Clerk Backend API ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every page of a Clerk list endpoint (bare arrays or { data, total_count }). */
async function clerkList<T>(path: string, secretKey: string, limit: number): Promise<T[]> {
  const all: T[] = [];
  for (let offset = 0; ; offset += limit) {
    const sep = path.includes("?") ? "&" : "?";
    const body = await clerkGet<T[] | { data: T[] }>(`${path}${sep}limit=${limit}&offset=${offset}`, secretKey);
    const page = Array.isArray(body) ? body : body.data;
    all.push(...page);
    if (page.length < limit) return all;
    await new Promise((resolve) => setTimeout(resolve, 100)); // stay under the Backend API rate limit
  }
}

/** Clerk external-account provider -> Better Auth providerId: strip "oauth_", then rename. */
const PROVIDER_IDS: Record<string, string> = {
@@PROVIDER_IDS@@
};

function providerId(provider: string): string {
  return PROVIDER_IDS[provider] ?? provider.replace(/^oauth_/, "");
}

function list(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,;|]+/).filter(Boolean);
}

function toDate(value: number | undefined, fallback: Date): Date {
  const date = value === undefined ? fallback : new Date(value);
  return Number.isNaN(date.getTime()) ? fallback : date;
}

/** Import every row of the CSV export at `file`; returns the counts it also prints. */
export async function main(file: string = process.argv[2] ?? "exported_users.csv"): Promise<Record<string, number>> {
  const rows = parseCsv(await readFile(file, "utf8"));
  const ctx = await auth.$context;
  const secretKey = process.env.CLERK_SECRET_KEY;
  const api = new Map<string, ClerkUser>();
  if (secretKey) {
    for (const user of await clerkList<ClerkUser>("/users?order_by=created_at", secretKey, 500)) api.set(user.id, user);
  } else {
    console.warn("CLERK_SECRET_KEY is not set: importing from the CSV only (no images, OAuth accounts, metadata or bans).");
  }
  const stats = { users: 0, skipped: 0, failed: 0, passwords: 0, passwordResets: 0, passwordsLeftOut: 0, oauthAccounts: 0, totp: 0, placeholderEmails: 0 };
  const now = new Date();

  for (const row of rows) {
    const id = row.id;
    if (!id) continue;
    const existing = await ctx.adapter.findOne({ model: "user", where: [{ field: "id", value: id }] });
    if (existing) {
      stats.skipped++;
      continue;
    }
    const full = api.get(id);
    const verified = list(row.verified_email_addresses);
    let email = row.primary_email_address || verified[0] || list(row.unverified_email_addresses)[0] || "";
    if (!email) {
      // Better Auth requires a unique email on every user. Phone-, username- or wallet-only Clerk users
      // get a placeholder. TODO: decide the placeholder domain (and how those users sign in).
      email = `${id}@users.invalid`;
      stats.placeholderEmails++;
    }
    const name = [row.first_name, row.last_name].filter(Boolean).join(" ") || row.username || email.split("@")[0];
    const user: Record<string, unknown> = {
      id,
      email: email.toLowerCase(),
      name,
      emailVerified: verified.includes(email),
      image: full?.image_url || null,
      createdAt: toDate(full?.created_at, now),
      updatedAt: toDate(full?.updated_at, now),
    };
@@USER_FIELDS@@
    try {
      await ctx.adapter.create({ model: "user", data: user, forceAllowId: true });
      stats.users++;

@@PASSWORDS@@
      for (const external of full?.external_accounts ?? []) {
        await ctx.adapter.create({
          model: "account",
          data: {
            userId: id,
            providerId: providerId(external.provider),
            accountId: external.provider_user_id,
            scope: external.approved_scopes || null,
            createdAt: now,
            updatedAt: now,
          },
        });
        stats.oauthAccounts++;
      }
@@TWO_FACTOR@@
    } catch (error) {
      stats.failed++;
      console.error(`${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
@@ORGANIZATIONS_CALL@@
  console.log(JSON.stringify(stats));
  return stats;
}
@@ORGANIZATIONS@@
// Run when executed as a script (npx tsx scripts/import-clerk-users.ts ...), not when imported.
if (/import-clerk-users\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
