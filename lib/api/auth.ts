import { getSendingConfig } from "@/lib/sending/config";

import { apiErrors } from "./errors";
import { findCallerByToken, type ApiCaller } from "./keys";
import { takeRateLimit } from "./rate-limit";
import { errorResponse } from "./respond";

/**
 * The gate every public API request passes: Bearer key → caller, permission, per-key rate limit. The
 * handler's response (or error) carries the rate-limit headers.
 */

export type Access = "sending" | "full";

export async function withApiKey(
  request: Request,
  access: Access,
  handler: (caller: ApiCaller) => Promise<Response>,
): Promise<Response> {
  let rateHeaders: Record<string, string> = {};
  try {
    const caller = await authenticate(request);
    if (access === "full" && caller.permission !== "full_access") throw apiErrors.restrictedApiKey();
    const decision = await takeRateLimit(
      `apikey:${caller.keyId}`,
      caller.rateLimitPerSecond ?? getSendingConfig().rateLimitPerSecond,
    );
    rateHeaders = decision.headers;
    if (!decision.allowed) throw apiErrors.rateLimited(decision.headers);
    const response = await handler(caller);
    for (const [name, value] of Object.entries(rateHeaders)) response.headers.set(name, value);
    return response;
  } catch (error) {
    return errorResponse(error, rateHeaders);
  }
}

async function authenticate(request: Request): Promise<ApiCaller> {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw apiErrors.missingApiKey();
  const caller = await findCallerByToken(match[1]!);
  if (!caller) throw apiErrors.invalidApiKey();
  return caller;
}
