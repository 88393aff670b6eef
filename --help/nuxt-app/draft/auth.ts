// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { betterAuth } from "better-auth";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { organization, twoFactor } from "better-auth/plugins";
import bcrypt from "bcryptjs";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { drizzle } from "drizzle-orm/node-postgres";
import { ac, roles } from "./permissions";

// Reuse your app's drizzle instance (with its schema); `npx auth generate` writes the auth tables.
const db = drizzle(process.env.DATABASE_URL as string);

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
  database: drizzleAdapter(db, { provider: "pg" }),
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
  // TODO: auth.ts socialProviders: add the social connections enabled in the Clerk dashboard (no provider is named in code; prebuilt sign-in UI at layouts/default.vue:24, pages/sign-in/[...slug].vue:7)
  socialProviders: {},
  // Clerk metadata read in code: publicMetadata (pages/account.vue:6).
  // TODO: auth.ts user.additionalFields: one JSON field per Clerk metadata bag, or one typed field per key you actually use
  user: {
    additionalFields: {
      publicMetadata: { type: "json", required: false, input: false },
    },
  },
  plugins: [
    // Organizations: layouts/default.vue:20, pages/teams/new.vue:2, pages/teams/new.vue:4, pages/teams/new.vue:10 (+1 more).
    organization({
      ac,
      roles,
      creatorRole: "admin", // Clerk makes the creator org:admin (Better Auth default: owner)
      sendInvitationEmail: async ({ email, organization, id }) => {
        // TODO: auth.ts sendInvitationEmail: build the accept-invitation page (authClient.organization.acceptInvitation({ invitationId }))
        const url = `${process.env.BETTER_AUTH_URL}/accept-invitation/${id}`;
        await sendEmail(email, `Join ${organization.name}`, `Accept the invitation: ${url}`);
      },
    }),
    // MFA (enrolment or second-factor flows at pages/account.vue:19, pages/sign-in/[...slug].vue:7); the import script
    // carries TOTP secrets over. Backup codes and passkeys cannot be exported.
    twoFactor(),
  ],
});

export type Session = typeof auth.$Infer.Session;
