import { db } from "@/lib/db";

/**
 * A fixed-window request limit per API key, counted in the database so that every app instance shares it.
 * One upsert per request: the first request of a window resets the counter, later ones increment it.
 * Answers with the IETF draft headers Resend uses (`ratelimit-limit`, `ratelimit-remaining`,
 * `ratelimit-reset`, and `retry-after` on a 429).
 */

export type RateLimitDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  headers: Record<string, string>;
};

// The window is computed from the database clock, so instances with skewed clocks still agree on it.
const TAKE_SQL = `
WITH now_ms AS (SELECT floor(extract(epoch from clock_timestamp()) * 1000) AS ms)
INSERT INTO "RateLimitBucket" ("key", "windowStart", "count")
SELECT $1, to_timestamp(floor(ms / $2::float8) * $2::float8 / 1000.0) AT TIME ZONE 'UTC', 1 FROM now_ms
ON CONFLICT ("key") DO UPDATE SET
  "count" = CASE WHEN "RateLimitBucket"."windowStart" >= EXCLUDED."windowStart" THEN "RateLimitBucket"."count" + 1 ELSE 1 END,
  "windowStart" = GREATEST("RateLimitBucket"."windowStart", EXCLUDED."windowStart")
RETURNING "count", (extract(epoch from "windowStart") * 1000 + $2::float8 - (SELECT ms FROM now_ms))::float8 AS "resetInMs"`;

export async function takeRateLimit(key: string, limit: number, windowMs = 1000): Promise<RateLimitDecision> {
  const rows = await db.$queryRawUnsafe<{ count: number; resetInMs: number }[]>(TAKE_SQL, key, windowMs);
  const count = Number(rows[0]!.count);
  const resetSeconds = Math.max(1, Math.ceil(Number(rows[0]!.resetInMs) / 1000));
  const allowed = count <= limit;
  const remaining = Math.max(0, limit - count);
  const headers: Record<string, string> = {
    "ratelimit-limit": String(limit),
    "ratelimit-remaining": String(remaining),
    "ratelimit-reset": String(resetSeconds),
  };
  if (!allowed) headers["retry-after"] = String(resetSeconds);
  return { allowed, limit, remaining, resetSeconds, headers };
}
