// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

import { createAuthClient } from "better-auth/react";
import { inferAdditionalFields, organizationClient } from "better-auth/client/plugins";
import type { auth } from "./auth";
import { ac, roles } from "./permissions";

// Replaces ClerkProvider: no provider component, import authClient where it is needed.
export const authClient = createAuthClient({
  plugins: [
    inferAdditionalFields<typeof auth>(), // types of user.additionalFields
    organizationClient({ ac, roles }), // lets checkRolePermission run synchronously
  ],
});

export type Session = typeof authClient.$Infer.Session;
