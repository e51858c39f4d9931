/** Small helpers shared by MailKit's own route handlers (not the Resend-compatible public API). */

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
