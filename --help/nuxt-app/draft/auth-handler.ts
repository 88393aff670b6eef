// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.
// No server framework was detected: mount Better Auth on whatever serves your API.
import { createServer } from "node:http";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./auth";

/** Web-standard runtimes (Hono, Bun, Deno, Workers, Remix/React Router loaders): route /api/auth/* here. */
export function handleAuthRequest(request: Request): Promise<Response> {
  return auth.handler(request);
}

/** Plain Node: a server that answers /api/auth/* (or mount toNodeHandler(auth) in your own). */
export function startAuthServer(port = Number(process.env.PORT ?? 3000)) {
  return createServer(toNodeHandler(auth)).listen(port);
}
