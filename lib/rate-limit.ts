import { db } from "@/lib/db";

/**
 * A fixed-window request counter, kept in the database so that every app instance shares it (per API key for
 * the public API; other callers pick their own key and window). One upsert per request: the first request of
 * a window resets the counter, later ones increment it. Answers with the IETF draft headers Resend uses
 * (`ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset`, and `retry-after` on a 429).
 */

/** The headers every rate-limited answer carries (`retryAfter` on a 429 only). */
export const RATE_LIMIT_HEADERS = {
  limit: "ratelimit-limit",
  remaining: "ratelimit-remaining",
  reset: "ratelimit-reset",
  retryAfter: "retry-after",
} as const;

export type RateLimitDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  headers: Record<string, string>;
};

/**
 * The counting upsert, as a CTE named `bucket` over a row source `$source` (aliased `src`) that yields the bucket
 * key as "bucketKey" (so the API gate can count in the same statement that finds the key). $W is the window in
 * ms; `requests` is the SQL for how many requests each row counts (the gate counts a group of them at once).
 * The window comes from the database clock, so instances with skewed clocks still agree on it.
 */
export function rateLimitCte(source: string, windowParam: string, requests = "1"): string {
  return `now_ms AS (SELECT floor(extract(epoch from clock_timestamp()) * 1000) AS ms),
bucket AS (
  INSERT INTO "RateLimitBucket" ("key", "windowStart", "count")
  SELECT src."bucketKey", to_timestamp(floor(ms / ${windowParam}::float8) * ${windowParam}::float8 / 1000.0) AT TIME ZONE 'UTC', ${requests}
  FROM ${source} src, now_ms
  ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN "RateLimitBucket"."windowStart" >= EXCLUDED."windowStart" THEN "RateLimitBucket"."count" + EXCLUDED."count" ELSE EXCLUDED."count" END,
    "windowStart" = GREATEST("RateLimitBucket"."windowStart", EXCLUDED."windowStart")
  RETURNING "key", "count", (extract(epoch from "windowStart") * 1000 + ${windowParam}::float8 - (SELECT ms FROM now_ms))::float8 AS "resetInMs"
)`;
}

const TAKE_SQL = `WITH src AS (SELECT $1::text AS "bucketKey"), ${rateLimitCte("src", "$2")}
SELECT "count", "resetInMs" FROM bucket`;

export async function takeRateLimit(key: string, limit: number, windowMs = 1000): Promise<RateLimitDecision> {
  const rows = await db.$queryRawUnsafe<{ count: number; resetInMs: number }[]>(TAKE_SQL, key, windowMs);
  return rateLimitDecision(Number(rows[0]!.count), Number(rows[0]!.resetInMs), limit);
}

/** The decision for the `count`-th request of a window that resets in `resetInMs`. */
export function rateLimitDecision(count: number, resetInMs: number, limit: number): RateLimitDecision {
  const resetSeconds = Math.max(1, Math.ceil(resetInMs / 1000));
  const allowed = count <= limit;
  const remaining = Math.max(0, limit - count);
  const headers: Record<string, string> = {
    [RATE_LIMIT_HEADERS.limit]: String(limit),
    [RATE_LIMIT_HEADERS.remaining]: String(remaining),
    [RATE_LIMIT_HEADERS.reset]: String(resetSeconds),
  };
  if (!allowed) headers[RATE_LIMIT_HEADERS.retryAfter] = String(resetSeconds);
  return { allowed, limit, remaining, resetSeconds, headers };
}
