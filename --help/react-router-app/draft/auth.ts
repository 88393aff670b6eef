// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { betterAuth } from "better-auth";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { admin, jwt, organization, twoFactor } from "better-auth/plugins";
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
  // TODO: auth.ts socialProviders: add the social connections enabled in the Clerk dashboard (no provider is named in code; prebuilt sign-in UI at app/root.tsx:41, app/routes/sign-in.tsx:6, app/routes/sign-up.tsx:6)
  socialProviders: {},
  plugins: [
    // Organizations: app/routes/notebook.tsx:15, app/routes/notebook.tsx:26, app/routes/notebooks.tsx:4, app/routes/notebooks.tsx:31 (+1 more).
    // Roles: org:admin -> admin (permissions.ts).
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
    // MFA (enrolment or second-factor flows at app/routes/sign-in.tsx:6); the import script
    // carries TOTP secrets over. Backup codes and passkeys cannot be exported.
    twoFactor(),
    // Backend API user management (app/routes/notebook.tsx:16): admin endpoints need an admin
    // session; app roles kept in Clerk publicMetadata.role go to user.role.
    admin(),
    // Replaces Clerk JWT templates tiles-service: tokens from authClient.token() or the set-auth-jwt header,
    // keys at <BETTER_AUTH_URL>/api/auth/jwks. One payload per instance: merge what the templates need.
    jwt({
      jwt: {
        definePayload: ({ user }) => ({
          sub: user.id,
          email: user.email,
          // TODO: auth.ts jwt definePayload: add the claims configured for JWT template(s) tiles-service in the Clerk dashboard
        }),
      },
    }),
  ],
});

export type Session = typeof auth.$Infer.Session;
