import { asHttpError, plainErrorBody, publicErrorBody } from "@/lib/errors";

import { jsonAnswer, toWebResponse, type EdgeAnswer } from "./edge";

export type ErrorStyle = "public" | "plain";

type ErrorOptions = { headers?: Record<string, string>; label?: string };

/**
 * Any thrown value as an answer: HttpErrors as they are, the database being unavailable as a 503 with
 * Retry-After, anything else logged and answered 500 without details. Every 503 says when to retry.
 */
export function errorAnswer(
  error: unknown,
  style: ErrorStyle,
  { headers = {}, label = "http" }: ErrorOptions = {},
): EdgeAnswer {
  const known = asHttpError(error, label);
  const body = style === "public" ? publicErrorBody(known) : plainErrorBody(known);
  const retry: Record<string, string> = known.status === 503 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {};
  return jsonAnswer(body, { status: known.status, headers: { ...retry, ...headers, ...known.headers } });
}

/** errorAnswer as a web Response. */
export function errorResponse(error: unknown, style: ErrorStyle, options: ErrorOptions = {}): Response {
  return toWebResponse(errorAnswer(error, style, options));
}

/** How long a client should wait after a 503 (connections free up within seconds; a failover takes longer). */
export const RETRY_AFTER_SECONDS = 5;
