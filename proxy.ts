import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";

import { auth } from "@/lib/auth";
import { getEnv } from "@/lib/env";
import { commonSecurityHeaders, newNonce, pageCsp } from "@/lib/http/security-headers";

/**
 * Every page request, and GET /api/emails/{id}, passes here (route handlers that read bodies do not: see `config`):
 * - paths Next.js itself would answer with a 500 (malformed percent-encoding, cross-origin server actions) get a
 *   404 or 403 instead;
 * - pages get a Content-Security-Policy with a fresh nonce, which Next.js puts on its own scripts;
 * - signed-out visitors of the dashboard are sent to sign in. That is a convenience, not the security boundary:
 *   every page, route handler and server action checks the session again.
 */

const redirectSignedOut = auth((request) => {
  if (request.auth) return securePage(request);
  const url = new URL("/signin", request.nextUrl.origin);
  url.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return withSecurityHeaders(NextResponse.redirect(url));
});

// With a lazily built config (lib/auth reads the environment per request), auth(fn) resolves to the wrapper.
type Middleware = (request: NextRequest, event: NextFetchEvent) => Promise<Response>;

export async function proxy(request: NextRequest, event: NextFetchEvent) {
  const refused = refuseWhatNextWouldFailOn(request);
  if (refused) return withSecurityHeaders(refused);
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/api/")) return withSecurityHeaders(NextResponse.next());
  if (pathname === "/dashboard" || pathname.startsWith("/dashboard/")) {
    const middleware = await (redirectSignedOut as unknown as Promise<Middleware>);
    return middleware(request, event);
  }
  return securePage(request);
}

function refuseWhatNextWouldFailOn(request: NextRequest): Response | undefined {
  try {
    decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return Response.json({ statusCode: 404, name: "not_found", message: "Not found" }, { status: 404 });
  }
  // Next.js answers a server action (any POST to a page) from another origin with a 500; it is a refused request.
  // The same comparison as Next.js: Origin's host against X-Forwarded-Host (first entry) or Host.
  const action = request.headers.has("next-action") || !request.nextUrl.pathname.startsWith("/api/");
  if (request.method === "POST" && action) {
    const origin = request.headers.get("origin");
    const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
    if (origin !== null && (origin === "null" || !sameHost(origin, host))) {
      return Response.json(
        { error: "cross_site_request", message: "This request must come from MailKit's own pages." },
        { status: 403 },
      );
    }
  }
  return undefined;
}

function sameHost(origin: string, host: string | null): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Continues to a page with this request's nonce in the CSP that Next.js reads and the browser gets. */
function securePage(request: NextRequest): NextResponse {
  const csp = pageCsp(newNonce(), { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return withSecurityHeaders(response);
}

function withSecurityHeaders<T extends Response>(response: T): T {
  const https = new URL(getEnv().APP_URL).protocol === "https:";
  for (const [name, value] of Object.entries(commonSecurityHeaders({ https }))) response.headers.set(name, value);
  return response;
}

// Route handlers under /api stay out (except GET /api/emails/{id}, so a malformed id path still gets a 404 here):
// Next.js buffers the body of every route the proxy matches (up to 10 MB) before the handler runs, and these
// handlers bound their bodies themselves while streaming (lib/http/body.ts). Their headers come from next.config.ts.
export const config = {
  matcher: ["/((?!_next/static/|_next/image/|favicon\\.ico$|api/(?!emails/(?!batch/?$)[^/]+/?$)).*)"],
};
