// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { betterAuth } from "better-auth";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { admin, customSession, jwt, organization, twoFactor } from "better-auth/plugins";
import { stripe } from "@better-auth/stripe";
import Stripe from "stripe";
import { nextCookies } from "better-auth/next-js";
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
  // Register <BETTER_AUTH_URL>/api/auth/callback/<provider> as the redirect URI of each OAuth app.
  // TODO: auth.ts socialProviders: add the social connections enabled in the Clerk dashboard (no provider is named in code; prebuilt sign-in UI at app/sign-in/[[...sign-in]]/page.tsx:6, app/sign-up/[[...sign-up]]/page.tsx:6, components/site-header.tsx:28)
  socialProviders: {},
  // Clerk metadata read in code: publicMetadata (app/dashboard/page.tsx:12, app/dashboard/settings/page.tsx:29), unsafeMetadata (components/invoice-actions.tsx:16).
  // TODO: auth.ts user.additionalFields: one JSON field per Clerk metadata bag, or one typed field per key you actually use
  user: {
    additionalFields: {
      publicMetadata: { type: "json", required: false, input: false },
      unsafeMetadata: { type: "json", required: false, input: true },
    },
  },
  // Clerk webhook handlers become in-process hooks (they run for writes made through Better Auth).
  databaseHooks: {
    user: {
      create: {
        // Clerk webhook user.created (handled at app/api/webhooks/clerk/route.ts:32)
        after: async (user) => {
          // TODO: auth.ts databaseHooks.user.create.after: move the body of the Clerk user.created handler here
          void user;
        },
      },
      update: {
        // Clerk webhook user.updated (handled at app/api/webhooks/clerk/route.ts:33)
        after: async (user) => {
          // TODO: auth.ts databaseHooks.user.update.after: move the body of the Clerk user.updated handler here
          void user;
        },
      },
      delete: {
        // Clerk webhook user.deleted (handled at app/api/webhooks/clerk/route.ts:37)
        after: async (user) => {
          // TODO: auth.ts databaseHooks.user.delete.after: move the body of the Clerk user.deleted handler here
          void user;
        },
      },
    },
    session: {
      create: {
        // Clerk webhook session.created (handled at app/api/webhooks/clerk/route.ts:26)
        after: async (session) => {
          // TODO: auth.ts databaseHooks.session.create.after: move the body of the Clerk session.created handler here
          void session;
        },
      },
    },
  },
  plugins: [
    // Organizations: app/admin/page.tsx:2, app/admin/page.tsx:9, app/admin/page.tsx:29, app/api/invoices/route.ts:27 (+12 more).
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
      organizationHooks: {
        // Clerk webhook organizationMembership.created (handled at app/api/webhooks/clerk/route.ts:48)
        afterAddMember: async ({ member, user, organization }) => {
          // TODO: auth.ts organizationHooks.afterAddMember: move the body of the Clerk organizationMembership.created handler here
          void [member, user, organization];
        },
      },
    }),
    // MFA (enrolment or second-factor flows at app/sign-in/[[...sign-in]]/page.tsx:6); the import script
    // carries TOTP secrets over. Backup codes and passkeys cannot be exported.
    twoFactor(),
    // Backend API user management (app/dashboard/settings/page.tsx:12, app/dashboard/settings/page.tsx:28): admin endpoints need an admin
    // session; app roles kept in Clerk publicMetadata.role go to user.role.
    admin(),
    // Replaces Clerk JWT templates supabase: tokens from authClient.token() or the set-auth-jwt header,
    // keys at <BETTER_AUTH_URL>/api/auth/jwks. One payload per instance: merge what the templates need.
    jwt({
      jwt: {
        definePayload: ({ user }) => ({
          sub: user.id,
          email: user.email,
          role: "authenticated", // Supabase RLS reads the role claim
          // TODO: auth.ts jwt definePayload: add the claims configured for JWT template(s) supabase in the Clerk dashboard
        }),
      },
    }),
    stripe({
      stripeClient: new Stripe(process.env.STRIPE_SECRET_KEY as string),
      stripeWebhookSecret: process.env.STRIPE_WEBHOOK_SECRET as string,
      createCustomerOnSignUp: true,
      subscription: {
        enabled: true,
        // Plans checked with has({ plan }) at app/dashboard/page.tsx:14.
        plans: [
          { name: "pro", priceId: process.env.STRIPE_PRICE_PRO as string },
        ],
      },
    }),
    // Clerk session claims read at app/api/invoices/route.ts:53.
    customSession(async ({ user, session }) => ({
      user,
      session,
      // TODO: auth.ts customSession: return the claims your code read from sessionClaims
    })),
    nextCookies(), // keep last: lets server actions set auth cookies
  ],
});

export type Session = typeof auth.$Infer.Session;
