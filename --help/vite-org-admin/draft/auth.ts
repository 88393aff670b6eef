// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { betterAuth } from "better-auth";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { organization, twoFactor } from "better-auth/plugins";
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
  // The browser app is served from another origin: allow it (and keep its requests credentialed).
  trustedOrigins: [process.env.APP_ORIGIN ?? "http://localhost:5173"],
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
  // Register <BETTER_AUTH_URL>/api/auth/callback/<provider> as the redirect URI of each OAuth app.
  // TODO: auth.ts socialProviders: add the social connections enabled in the Clerk dashboard (no provider is named in code; prebuilt sign-in UI at src/pages/SignInEmailCode.tsx:8)
  socialProviders: {},
  plugins: [
    // Organizations: src/clerk-env.d.ts:8, src/components/Header.tsx:2, src/components/Header.tsx:8, src/components/Header.tsx:20 (+15 more).
    // Roles: org:admin -> admin, org:billing_manager -> billing_manager, org:member -> member (permissions.ts).
    organization({
      ac,
      roles,
      creatorRole: "admin", // Clerk makes the creator org:admin (Better Auth default: owner)
    }),
    // MFA (enrolment or second-factor flows at src/pages/SignInEmailCode.tsx:8); the import script
    // carries TOTP secrets over. Backup codes and passkeys cannot be exported.
    twoFactor(),
  ],
});

export type Session = typeof auth.$Infer.Session;
