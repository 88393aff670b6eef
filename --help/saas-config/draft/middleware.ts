// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.
// Optimistic check only: a session cookie is present (not validated). Pages, route handlers and
// server actions must still call auth.api.getSession({ headers: await headers() }).
import { NextResponse, type NextRequest } from "next/server";
import { getSessionCookie } from "better-auth/cookies";

// TODO: middleware.ts publicRoutes: copy the public routes of the old middleware
const publicRoutes = [/^\/$/, /^\/sign-in/, /^\/sign-up/, /^\/api\/auth\//];

export function middleware(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (publicRoutes.some((route) => route.test(pathname))) return NextResponse.next();
  if (!getSessionCookie(request)) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("callbackURL", pathname);
    return NextResponse.redirect(signIn);
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/((?!_next|.*\\..*).*)", "/(api|trpc)(.*)"],
};
