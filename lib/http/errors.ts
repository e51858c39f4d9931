import { asHttpError, plainErrorBody, publicErrorBody } from "@/lib/errors";

import { json } from "./json";

export type ErrorStyle = "public" | "plain";

/**
 * Any thrown value as a response: HttpErrors as they are, the database being unavailable as a 503 with
 * Retry-After, anything else logged and answered 500 without details. Every 503 says when to retry.
 */
export function errorResponse(
  error: unknown,
  style: ErrorStyle,
  { headers = {}, label = "http" }: { headers?: Record<string, string>; label?: string } = {},
): Response {
  const known = asHttpError(error, label);
  const body = style === "public" ? publicErrorBody(known) : plainErrorBody(known);
  const retry: Record<string, string> = known.status === 503 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {};
  return json(body, { status: known.status, headers: { ...retry, ...headers, ...known.headers } });
}

/** How long a client should wait after a 503 (connections free up within seconds; a failover takes longer). */
export const RETRY_AFTER_SECONDS = 5;
