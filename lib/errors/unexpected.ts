import { logger } from "@/lib/runtime/log";

import { HttpError } from "./http-error";

/** PostgreSQL's "come back later" errors: too many connections (53300), out of resources (53400), starting up or
 * shutting down (57P03, 57P01), cannot connect now; and Prisma's codes for them (P1001 unreachable, P1008
 * timeout, P1017 connection closed, P2024 pool timeout, P2028 transaction could not start in time, P2037 too many
 * connections). */
const UNAVAILABLE_CODES = new Set([
  "53300",
  "53400",
  "57P01",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "P1001",
  "P1008",
  "P1017",
  "P2024",
  "P2028",
  "P2037",
]);
const UNAVAILABLE_KINDS = new Set(["TooManyConnections", "DatabaseNotReachable", "SocketTimeout", "ConnectionClosed"]);
// node-postgres's pool and client say these in words only.
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated (unexpectedly|due to connection timeout)|Unable to start a transaction in the given time|too many (database )?connections/i;

/** The database cannot serve this request now (saturated, starting, unreachable): a retry later can succeed. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  // Driver errors arrive wrapped (Prisma → adapter → pg): look through the causes.
  for (let e = error; e && typeof e === "object" && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code, originalCode, kind, message } = e as Record<string, unknown>;
    if ([code, originalCode].some((c) => typeof c === "string" && UNAVAILABLE_CODES.has(c))) return true;
    if (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return true;
  }
  return false;
}

const UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Retry after a few seconds.";

const INTERNAL_MESSAGE =
  "An unexpected error occurred. Retry with the same Idempotency-Key to get the original result without sending twice.";

export function asHttpError(error: unknown, label: string): HttpError {
  if (error instanceof HttpError) return error;
  if (isDatabaseUnavailable(error)) {
    // One line, no stack: a saturated database makes many of these at once.
    logger(label).warn({ reason: (error as Error).message?.slice(0, 200) }, "database unavailable");
    return new HttpError("unavailable", UNAVAILABLE_MESSAGE);
  }
  logger(label).error({ err: error }, "request failed");
  return new HttpError("internal_server_error", INTERNAL_MESSAGE);
}
