// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.
// Replaces the Clerk middleware at src/legacy/clerk-auth.cjs:4, src/routes/admin.ts:9, src/server.ts:20.
import type { NextFunction, Request, Response } from "express";
import { fromNodeHeaders } from "better-auth/node";
import { auth } from "./auth";

/** 401 unless the request carries a valid session; the session goes to res.locals.session. */
export async function requireSession(req: Request, res: Response, next: NextFunction): Promise<void> {
  const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
  if (!session) {
    res.status(401).json({ error: "unauthorized" });
    return;
  }
  res.locals.session = session;
  next();
}
