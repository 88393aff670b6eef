// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { betterAuth } from "better-auth";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { nextCookies } from "better-auth/next-js";
import bcrypt from "bcryptjs";
import { Pool } from "pg";

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
  plugins: [
    nextCookies(), // keep last: lets server actions set auth cookies
  ],
});

export type Session = typeof auth.$Infer.Session;
