import { sql } from "@/lib/db";
import { VERIFIED_DOMAINS_SQL } from "@/lib/domains/sender";
import { rateLimitCte } from "@/lib/rate-limit";
import { GroupCommit } from "@/lib/runtime/group-commit";
import { processSingleton } from "@/lib/runtime/singleton";

/**
 * The API gate's statement: find each (unrevoked) key and its owner, count each request in its key's rate-limit
 * window, and read an earlier request with the same Idempotency-Key. Nothing is cached, so a revoked key stops
 * working on every instance at once.
 *
 * Requests that arrive while a gate statement runs are gated together by the next one (group commit,
 * lib/runtime/group-commit.ts): one round trip for the group, whatever keys it holds. A key's bucket grows by its
 * number of requests in the group, and each request gets the count it would have got alone, in arrival order; so
 * the rate limit and its headers are exactly those of one statement per request.
 */

export type GateRequest = {
  tokenHash: string;
  windowMs: number;
  /** The Idempotency-Key to look up ("" and "" when the request has none). */
  endpoint: string;
  idempotencyKey: string;
};

export type GateRow = {
  id: string;
  userId: string;
  permission: string;
  rateLimitPerSecond: number | null;
  lastUsedAt: Date | null;
  domain: string | null;
  dodoCustomerId: string | null;
  ownerEmail: string;
  verifiedDomains: string[];
  /** This request's place in its key's window. */
  count: number;
  resetInMs: number;
  requestHash: string | null;
  responseStatus: number | null;
  responseBody: Record<string, unknown> | null;
  expiresAt: Date | null;
};

// `n` is the request's place in the group. Each key's bucket grows by "requests"; the request ranked r of a key
// with k requests in the group is the bucket's final count − k + r.
const GATE_SQL = `
WITH input AS (
  SELECT i.* FROM jsonb_to_recordset($1::jsonb) AS i("n" int, "tokenHash" text, "endpoint" text, "idempotencyKey" text)
), key AS (
  SELECT k."id", k."userId", k."permission", k."rateLimitPerSecond", k."lastUsedAt", k."domain", u."dodoCustomerId",
         u."email" AS "ownerEmail", ${VERIFIED_DOMAINS_SQL('k."userId"')} AS "verifiedDomains",
         'apikey:' || k."id" AS "bucketKey", k."tokenHash",
         (SELECT count(*) FROM input i WHERE i."tokenHash" = k."tokenHash")::int AS "requests"
  FROM "ApiKey" k JOIN "User" u ON u."id" = k."userId"
  WHERE k."tokenHash" IN (SELECT "tokenHash" FROM input) AND k."revokedAt" IS NULL
), ${rateLimitCte("key", "$2::int", 'src."requests"')}, ranked AS (
  SELECT i."n", i."endpoint", i."idempotencyKey", key.*,
         row_number() OVER (PARTITION BY i."tokenHash" ORDER BY i."n")::int AS "rank"
  FROM input i JOIN key ON key."tokenHash" = i."tokenHash"
)
SELECT r."n", r."id", r."userId", r."permission", r."rateLimitPerSecond", r."lastUsedAt", r."domain", r."dodoCustomerId",
       r."ownerEmail", r."verifiedDomains", (b."count" - r."requests" + r."rank")::int AS "count", b."resetInMs",
       p."requestHash", p."responseStatus", p."responseBody", p."expiresAt"
FROM ranked r JOIN bucket b ON b."key" = r."bucketKey"
LEFT JOIN "ApiIdempotencyKey" p ON p."userId" = r."userId" AND p."endpoint" = r."endpoint" AND p."key" = r."idempotencyKey"`;

async function gateGroup(requests: GateRequest[]): Promise<(GateRow | null)[]> {
  const rows = await sql<GateRow & { n: number }>(GATE_SQL, [
    JSON.stringify(
      requests.map((r, n) => ({ n, tokenHash: r.tokenHash, endpoint: r.endpoint, idempotencyKey: r.idempotencyKey })),
    ),
    requests[0]!.windowMs,
  ]);
  const byN = new Map(rows.map((row) => [row.n, row]));
  return requests.map((_, n) => byN.get(n) ?? null);
}

// One queue per window length (every API request uses 1 s): a group's statement counts in one window. Two groups
// at once, so the next group's round trip overlaps the current one's.
const gates = processSingleton("api-key-gates", () => new Map<number, GroupCommit<GateRequest, GateRow | null>>());

/** The request's key, owner, place in the rate-limit window and earlier Idempotency-Key; null for no such key. */
export function gateRequest(request: GateRequest): Promise<GateRow | null> {
  let gate = gates.get(request.windowMs);
  if (!gate) {
    gate = new GroupCommit(gateGroup, { inFlight: 2, maxGroup: 200, busyRetryMs: 20 });
    gates.set(request.windowMs, gate);
  }
  return gate.submit(request);
}
