import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";

import { auth } from "@/lib/auth";

/**
 * Sends signed-out visitors of the dashboard to sign in. This is a convenience, not the security boundary:
 * every page, route handler and server action checks the session again.
 */
const redirectSignedOut = auth((request) => {
  if (!request.auth) {
    const url = new URL("/signin", request.nextUrl.origin);
    url.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
});

// With a lazily built config (lib/auth reads the environment per request), auth(fn) resolves to the wrapper.
type Middleware = (request: NextRequest, event: NextFetchEvent) => Promise<Response>;

export async function proxy(request: NextRequest, event: NextFetchEvent) {
  const middleware = await (redirectSignedOut as unknown as Promise<Middleware>);
  return middleware(request, event);
}

export const config = { matcher: ["/dashboard/:path*"] };
