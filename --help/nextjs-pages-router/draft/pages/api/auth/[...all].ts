// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.
// Mounts Better Auth at /api/auth/* in the pages router.
import { toNodeHandler } from "better-auth/node";
import { auth } from "../../../auth";

// Better Auth reads the raw body itself.
export const config = { api: { bodyParser: false } };

export default toNodeHandler(auth.handler);
