import { NextRequest } from "next/server";

import { takeSignInAllowance } from "@/lib/auth/throttle";

import { BODY_LIMITS, BodyTooLargeError, readBodyText } from "./body";
import { clientAddress } from "./client-address";
import { errorResponse } from "./errors";
import { HttpError } from "@/lib/errors";

type AuthHandlers = {
  GET: (request: NextRequest) => Promise<Response>;
  POST: (request: NextRequest) => Promise<Response>;
};

/**
 * Auth.js's routes, with its own `POST /api/auth/signin/resend` (which sends a link, like the sign-in page) under
 * the sign-in page's throttle: per address and per client, shared by every instance through the database.
 */
export function authRoutes(handlers: AuthHandlers) {
  async function POST(request: NextRequest): Promise<Response> {
    try {
      return await throttledPost(request);
    } catch (error) {
      return errorResponse(error, "plain", { label: "auth" });
    }
  }

  async function throttledPost(request: NextRequest): Promise<Response> {
    if (!new URL(request.url).pathname.endsWith("/signin/resend")) return handlers.POST(request);
    let body: string;
    try {
      body = await readBodyText(request, { limitBytes: BODY_LIMITS.form });
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return errorResponse(new HttpError("payload_too_large", error.message), "plain");
      throw error;
    }
    const form = new URLSearchParams(body);
    const allowance = await takeSignInAllowance(form.get("email") ?? "", clientAddress(request.headers));
    if (!allowance.allowed) {
      const headers: Record<string, string> = { location: `/signin?error=${allowance.reason}` };
      if (allowance.reason === "rate_limited") headers["retry-after"] = String(allowance.retryAfterSeconds);
      return new Response(null, { status: 303, headers });
    }
    // Auth.js gets the very address that was counted (its own normaliser is MailKit's: lib/auth/identifier.ts).
    form.set("email", allowance.email);
    return handlers.POST(
      new NextRequest(request.url, { method: "POST", headers: request.headers, body: form.toString() }),
    );
  }
  return { GET: handlers.GET, POST };
}
