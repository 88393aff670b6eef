// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { createAuthClient } from "better-auth/react";
import { adminClient, customSessionClient, inferAdditionalFields, jwtClient, organizationClient, twoFactorClient } from "better-auth/client/plugins";
import { stripeClient } from "@better-auth/stripe/client";
import type { auth } from "./auth";
import { ac, roles } from "./permissions";

// Replaces ClerkProvider: no provider component, import authClient where it is needed.
export const authClient = createAuthClient({
  plugins: [
    inferAdditionalFields<typeof auth>(), // types of user.additionalFields
    organizationClient({ ac, roles }), // lets checkRolePermission run synchronously
    twoFactorClient({
      onTwoFactorRedirect() {
        // TODO: auth-client.ts: the page that asks for the second factor (authClient.twoFactor.verifyTotp)
        window.location.href = "/two-factor";
      },
    }),
    adminClient(),
    jwtClient(),
    stripeClient({ subscription: true }),
    customSessionClient<typeof auth>(),
  ],
});

export type Session = typeof authClient.$Infer.Session;
