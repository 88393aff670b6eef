// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.
// Mounts Better Auth at /api/auth/* (sign-in, callbacks, session, plugin endpoints).
import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "../../../../auth";

export const { GET, POST } = toNextJsHandler(auth);
