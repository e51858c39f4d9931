import { NextResponse } from "next/server";

import { auth } from "@/lib/auth";

/**
 * Sends signed-out visitors of the dashboard to sign in. This is a convenience, not the security boundary:
 * every page, route handler and server action checks the session again.
 */
export default auth((request) => {
  if (!request.auth && request.nextUrl.pathname.startsWith("/dashboard")) {
    const url = new URL("/signin", request.nextUrl.origin);
    url.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
});

export const config = { matcher: ["/dashboard/:path*"] };
