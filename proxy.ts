import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";

import { auth } from "@/lib/auth";
import { getEnv } from "@/lib/env";
import { commonSecurityHeaders, newNonce, pageCsp } from "@/lib/http/security-headers";
import { isCleanText } from "@/lib/text";

/**
 * Every page request, and every /api path with a percent sign, passes here (other route handlers do not: see `config`):
 * - paths Next.js itself would answer with a 500 (malformed percent-encoding in any route's path, cross-origin
 *   server actions) get a 404 (JSON under /api, the 404 page elsewhere) or 403 instead; so do paths that decode to
 *   NUL or a lone surrogate;
 * - a page's query string must be clean text (lib/text.ts): pages read their parameters as they are;
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
    // A server action reads the session itself and shows its own error state when the database cannot answer
    // (lib/http/server-action.ts); a redirect here would send that user to sign in instead.
    if (request.headers.has("next-action")) return securePage(request);
    const middleware = await (redirectSignedOut as unknown as Promise<Middleware>);
    return middleware(request, event);
  }
  return securePage(request);
}

function refuseWhatNextWouldFailOn(request: NextRequest): Response | undefined {
  const { pathname, searchParams } = request.nextUrl;
  if (!decodesToCleanText(new URL(request.url).pathname)) {
    if (pathname.startsWith("/api/"))
      return Response.json({ statusCode: 404, name: "not_found", message: "Not found" }, { status: 404 });
    // A person's browser gets the app's 404 page: rendered for a path no page matches, which Next.js answers 404.
    return securePage(request, new URL(NOT_FOUND_PATH, request.url));
  }
  if (!pathname.startsWith("/api/")) {
    for (const [name, value] of searchParams) {
      if (isCleanText(name) && isCleanText(value)) continue;
      const shown = name.replace(/[^\x20-\x7e]/g, "?").slice(0, 100);
      return Response.json(
        {
          error: "invalid_parameter",
          message: `The \`${shown}\` parameter must not contain NUL characters or unpaired UTF-16 surrogates.`,
        },
        { status: 400 },
      );
    }
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

/** The path's percent-encoding is well-formed UTF-8 and decodes to clean text (what every dynamic route reads). */
function decodesToCleanText(pathname: string): boolean {
  try {
    return isCleanText(decodeURIComponent(pathname));
  } catch {
    return false;
  }
}

function sameHost(origin: string, host: string | null): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A path no page matches (rendered by app/not-found.tsx with status 404). */
export const NOT_FOUND_PATH = "/_not-found";

/**
 * Continues to a page (or to `rewrite`'s page instead) with this request's nonce in the CSP that Next.js reads
 * and the browser gets.
 */
function securePage(request: NextRequest, rewrite?: URL): NextResponse {
  const csp = pageCsp(newNonce(), { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  const response = rewrite
    ? NextResponse.rewrite(rewrite, { request: { headers } })
    : NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return withSecurityHeaders(response);
}

function withSecurityHeaders<T extends Response>(response: T): T {
  const https = new URL(getEnv().APP_URL).protocol === "https:";
  for (const [name, value] of Object.entries(commonSecurityHeaders({ https }))) response.headers.set(name, value);
  return response;
}

// Route handlers under /api stay out unless their path has a percent sign (every dynamic route's malformed path then
// gets its 404 here, before Next.js fails decoding it): Next.js buffers the body of every route the proxy matches
// (up to 10 MB) before the handler runs, and these handlers bound their bodies themselves while streaming
// (lib/http/body.ts). No route's own path has a percent sign. Their headers come from next.config.ts.
export const config = {
  matcher: ["/((?!_next/static/|_next/image/|favicon\\.ico$|api/(?![^?#]*%)).*)"],
};
