// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.
// Express: mount Better Auth before express.json() (it reads the raw body itself).
import type { Express } from "express";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./auth";

export function mountAuth(app: Express): void {
  app.all("/api/auth/*splat", toNodeHandler(auth)); // Express 5
}
