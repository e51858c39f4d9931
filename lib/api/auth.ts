import { getSendingConfig } from "@/lib/sending/config";

import { apiErrors } from "./errors";
import { authorizeToken, type ApiCaller, type IdempotencyRow } from "./keys";
import { rateLimitDecision } from "./rate-limit";
import { errorResponse } from "./respond";

/**
 * The gate every public API request passes: Bearer key → caller, permission, per-key rate limit, and (for the
 * send endpoints) the earlier request with the same Idempotency-Key — all in one database round trip. The
 * handler's response (or error) carries the rate-limit headers.
 */

export type Access = "sending" | "full";

export type GateContext = {
  caller: ApiCaller;
  /** The earlier request with this request's Idempotency-Key, when the route asked for it and there is one. */
  prior: IdempotencyRow | null;
};

export async function withApiKey(
  request: Request,
  access: Access,
  handler: (caller: ApiCaller, context: GateContext) => Promise<Response>,
  options: { idempotency?: { endpoint: string; key: string } | null } = {},
): Promise<Response> {
  let rateHeaders: Record<string, string> = {};
  try {
    const header = request.headers.get("authorization");
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw apiErrors.missingApiKey();
    const authorization = await authorizeToken(match[1]!, { windowMs: 1000, idempotency: options.idempotency });
    if (!authorization) throw apiErrors.invalidApiKey();
    const { caller } = authorization;
    if (access === "full" && caller.permission !== "full_access") throw apiErrors.restrictedApiKey();
    const decision = rateLimitDecision(
      authorization.requestCount,
      authorization.windowResetInMs,
      caller.rateLimitPerSecond ?? getSendingConfig().rateLimitPerSecond,
    );
    rateHeaders = decision.headers;
    if (!decision.allowed) throw apiErrors.rateLimited(decision.headers);
    const response = await handler(caller, { caller, prior: authorization.prior });
    for (const [name, value] of Object.entries(rateHeaders)) response.headers.set(name, value);
    return response;
  } catch (error) {
    return errorResponse(error, rateHeaders);
  }
}
