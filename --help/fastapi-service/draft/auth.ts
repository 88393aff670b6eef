// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { betterAuth } from "better-auth";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { jwt, organization } from "better-auth/plugins";
import bcrypt from "bcryptjs";
import { Pool } from "pg";
import { ac, roles } from "./permissions";

// Better Auth's built-in Kysely adapter on a pg Pool; `npx auth migrate` creates the tables.

/** Clerk sent these emails for you; now your email provider does. */
async function sendEmail(to: string, subject: string, text: string): Promise<void> {
  // TODO: auth.ts sendEmail: send with your email provider (Resend, SES, Postmark, SMTP ...).
  throw new Error(`sendEmail not implemented (to ${to}: ${subject}: ${text.length} chars)`);
}

/** Clerk's password digests are bcrypt ($2a$ / $2b$); new passwords use Better Auth's scrypt. */
function isBcrypt(hash: string): boolean {
  return /^\$2[aby]\$/.test(hash);
}

export const auth = betterAuth({
  database: new Pool({ connectionString: process.env.DATABASE_URL }),
  emailAndPassword: {
    enabled: true,
    // Imported Clerk users keep their passwords: their bcrypt digests verify with bcrypt, every
    // other hash with Better Auth's default scrypt (scripts/import-clerk-users.ts copies the digests).
    password: {
      hash: (password) => hashPassword(password),
      verify: ({ hash, password }) =>
        isBcrypt(hash) ? bcrypt.compare(password, hash) : verifyPassword({ hash, password }),
    },
    sendResetPassword: async ({ user, url }) => {
      await sendEmail(user.email, "Reset your password", `Reset your password: ${url}`);
    },
  },
  emailVerification: {
    sendVerificationEmail: async ({ user, url }) => {
      await sendEmail(user.email, "Verify your email", `Verify your email: ${url}`);
    },
  },
  // Clerk webhook handlers become in-process hooks (they run for writes made through Better Auth).
  databaseHooks: {
    user: {
      create: {
        // Clerk webhook user.created (handled at app/identity_events.py:31, app/webhooks.py:27)
        after: async (user) => {
          // TODO: auth.ts databaseHooks.user.create.after: move the body of the Clerk user.created handler here
          void user;
        },
      },
      update: {
        // Clerk webhook user.updated (handled at app/identity_events.py:31, app/webhooks.py:27)
        after: async (user) => {
          // TODO: auth.ts databaseHooks.user.update.after: move the body of the Clerk user.updated handler here
          void user;
        },
      },
      delete: {
        // Clerk webhook user.deleted (handled at app/webhooks.py:29)
        after: async (user) => {
          // TODO: auth.ts databaseHooks.user.delete.after: move the body of the Clerk user.deleted handler here
          void user;
        },
      },
    },
  },
  plugins: [
    // Organizations: app/clerk_client.py:28, app/clerk_client.py:57.
    organization({
      ac,
      roles,
      creatorRole: "admin", // Clerk makes the creator org:admin (Better Auth default: owner)
    }),
    // Replaces Clerk JWT templates (token verification): tokens from authClient.token() or the set-auth-jwt header,
    // keys at <BETTER_AUTH_URL>/api/auth/jwks. One payload per instance: merge what the templates need.
    jwt({
      jwt: {
        definePayload: ({ user }) => ({
          sub: user.id,
          email: user.email,
          // TODO: auth.ts jwt definePayload: add the claims configured for JWT template(s) (token verification) in the Clerk dashboard
        }),
      },
    }),
  ],
});

export type Session = typeof auth.$Infer.Session;
