/** Small helpers shared by MailKit's own route handlers (not the Resend-compatible public API). */

import { getEnv } from "@/lib/env";

export function jsonError(
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  return Response.json({ error, message, ...extra }, { status });
}

/** A plain HTML form post (no JavaScript) wants a redirect; fetch() callers want JSON. */
export function wantsRedirect(request: Request): boolean {
  const type = request.headers.get("content-type") ?? "";
  const accept = request.headers.get("accept") ?? "";
  return (
    type.includes("application/x-www-form-urlencoded") ||
    type.includes("multipart/form-data") ||
    (accept.includes("text/html") && !accept.includes("application/json"))
  );
}

export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}

/**
 * Session-authenticated POSTs from another site are refused (CSRF defence on top of SameSite=Lax cookies):
 * browsers send Origin on every cross-origin POST, and it must be MailKit's own.
 */
export function isCrossSiteRequest(request: Request): boolean {
  const origin = request.headers.get("origin");
  return origin !== null && origin !== new URL(getEnv().APP_URL).origin;
}

export const crossSiteRefused = () =>
  jsonError(403, "cross_site_request", "This request must come from MailKit's own pages.");
