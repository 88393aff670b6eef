// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.
// Replaces Clerk's server-side session checks: the signed-in user of a request, or null.
import { auth } from "./auth";

export async function getSession(request: Request) {
  return auth.api.getSession({ headers: request.headers });
}

/** 401 unless signed in; otherwise the session ({ user, session }). */
export async function requireSession(request: Request) {
  const session = await getSession(request);
  if (!session) throw new Response("Unauthorized", { status: 401 });
  return session;
}
