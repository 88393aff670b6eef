// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { betterAuth } from "better-auth";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { jwt, oneTap, organization, twoFactor } from "better-auth/plugins";
import { stripe } from "@better-auth/stripe";
import Stripe from "stripe";
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
  socialProviders: {
    // seen at src/components/TopBar.tsx:23
    google: {
      clientId: process.env.GOOGLE_CLIENT_ID as string,
      clientSecret: process.env.GOOGLE_CLIENT_SECRET as string,
    },
  },
  // Clerk metadata read in code: publicMetadata (src/pages/Board.tsx:29), unsafeMetadata (src/pages/Board.tsx:30, src/pages/Settings.tsx:31).
  // TODO: auth.ts user.additionalFields: one JSON field per Clerk metadata bag, or one typed field per key you actually use
  user: {
    additionalFields: {
      publicMetadata: { type: "json", required: false, input: false },
      unsafeMetadata: { type: "json", required: false, input: true },
    },
  },
  plugins: [
    // Organizations: src/components/TopBar.tsx:17, src/lib/lazyOrg.tsx:6, src/lib/lazyOrg.tsx:9, src/pages/Team.tsx:1 (+7 more).
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
    // MFA (enrolment or second-factor flows at src/components/DemoSignIn.tsx:7, src/pages/AuthPages.tsx:7, src/pages/Settings.tsx:58); the import script
    // carries TOTP secrets over. Backup codes and passkeys cannot be exported.
    twoFactor(),
    // Replaces Clerk JWT templates crewboard-api: tokens from authClient.token() or the set-auth-jwt header,
    // keys at <BETTER_AUTH_URL>/api/auth/jwks. One payload per instance: merge what the templates need.
    jwt({
      jwt: {
        definePayload: ({ user }) => ({
          sub: user.id,
          email: user.email,
          // TODO: auth.ts jwt definePayload: add the claims configured for JWT template(s) crewboard-api in the Clerk dashboard
        }),
      },
    }),
    stripe({
      stripeClient: new Stripe(process.env.STRIPE_SECRET_KEY as string),
      stripeWebhookSecret: process.env.STRIPE_WEBHOOK_SECRET as string,
      createCustomerOnSignUp: true,
      subscription: {
        enabled: true,
        // Plans checked with has({ plan }) at src/components/UpgradeBanner.tsx:8.
        // TODO: auth.ts stripe plans: Clerk Billing features csv_export become per-plan limits or your own plan -> feature table
        plans: [
          { name: "team", priceId: process.env.STRIPE_PRICE_TEAM as string },
        ],
      },
    }),
    oneTap({ clientId: process.env.GOOGLE_CLIENT_ID }),
  ],
});

export type Session = typeof auth.$Infer.Session;
