import { NextRequest } from "next/server";

import { clientAddress, takeSignInAllowance } from "@/lib/auth/throttle";
import { BODY_LIMITS, BodyTooLargeError, readBodyText } from "@/lib/http/body";

const { handlers } = await import("@/lib/auth");

export const GET = handlers.GET;

// Auth.js's own POST /api/auth/signin/resend sends a link too: it gets the sign-in page's throttle.
export async function POST(request: Request): Promise<Response> {
  if (!new URL(request.url).pathname.endsWith("/signin/resend")) return handlers.POST(request as NextRequest);
  let body: string;
  try {
    body = await readBodyText(request, { limitBytes: BODY_LIMITS.form });
  } catch (error) {
    if (error instanceof BodyTooLargeError) return Response.json({ error: "payload_too_large" }, { status: 413 });
    throw error;
  }
  const email = new URLSearchParams(body).get("email") ?? "";
  const allowance = await takeSignInAllowance(email, clientAddress(request.headers));
  if (!allowance.allowed) {
    return new Response(null, {
      status: 303,
      headers: { location: "/signin?error=rate_limited", "retry-after": String(allowance.retryAfterSeconds) },
    });
  }
  return handlers.POST(new NextRequest(request.url, { method: "POST", headers: request.headers, body }));
}
