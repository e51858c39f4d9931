import { db, Prisma } from "@/lib/db";
import { cleanedText } from "@/lib/text";

import { recordRequest } from "./buffer";
import { redactRequestBody } from "./redact";

/**
 * The API request log (every call a customer's code made with a valid key, answered or refused, kept 30 days): written
 * through the in-memory buffer (buffer.ts) by the public API's edge, read by the dashboard's Logs page.
 */

export { flushRequestLog, holdRequestLogFlushForTests } from "./buffer";

export const REQUEST_LOG_DAYS = 30;

export type ApiRequestFacts = {
  userId: string;
  apiKeyId: string;
  method: string;
  path: string;
  status: number;
  startedAt: number;
  /** The parsed JSON body, undefined when there was none (or it could not be read). */
  requestBody: unknown;
  /** The JSON answered: the error for a 4xx/5xx, the result (its email ids are kept) otherwise. */
  responseBody: unknown;
};

/** Called by lib/http/public-api.ts once a request with a known key is answered. Synchronous, no I/O. */
export function logApiRequest(facts: ApiRequestFacts): void {
  const failed = facts.status >= 400;
  recordRequest({
    userId: facts.userId,
    apiKeyId: facts.apiKeyId,
    method: facts.method,
    path: facts.path.slice(0, 300),
    status: facts.status,
    durationMs: Math.max(0, Math.round(performance.now() - facts.startedAt)),
    // A refused body may hold text jsonb cannot store; one such entry would lose its whole batch.
    requestBody: cleanedText(redactRequestBody(facts.requestBody)),
    errorBody: failed ? cleanedText(facts.responseBody ?? null) : null,
    emailIds: failed ? [] : createdEmailIds(facts.responseBody),
    createdAt: new Date(),
  });
}

/** `{ id }` of POST /emails, `{ data: [{ id }] }` of POST /emails/batch; other answers create no email. */
function createdEmailIds(body: unknown): string[] {
  if (!body || typeof body !== "object") return [];
  const { id, data, object } = body as { id?: unknown; data?: unknown; object?: unknown };
  if (object === undefined && typeof id === "string") return [id];
  if (object === undefined && Array.isArray(data))
    return data
      .flatMap((item) => (typeof (item as { id?: unknown })?.id === "string" ? [(item as { id: string }).id] : []))
      .slice(0, 100);
  return [];
}

export type RequestLogFilter = {
  /** "2xx" | "4xx" | "5xx" or an exact code such as "402". */
  status?: string;
  keyId?: string;
  /** A substring of the path. */
  path?: string;
  /** Only the request that created this email. */
  email?: string;
  /** Paging: entries older than this one's time. */
  before?: Date;
};

export const REQUEST_LOG_PAGE = 50;

export type RequestLogView = Awaited<ReturnType<typeof listRequestLog>>["entries"][number];

export async function listRequestLog(userId: string, filter: RequestLogFilter) {
  const where: Prisma.ApiRequestLogWhereInput = { userId };
  const range = statusRange(filter.status);
  if (range) where.status = range;
  if (filter.keyId) where.apiKeyId = filter.keyId;
  if (filter.path) where.path = { contains: filter.path, mode: "insensitive" };
  if (filter.email) where.emailIds = { has: filter.email };
  if (filter.before) where.createdAt = { lt: filter.before };
  const rows = await db.apiRequestLog.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: REQUEST_LOG_PAGE + 1,
  });
  const keyIds = [...new Set(rows.flatMap((row) => (row.apiKeyId ? [row.apiKeyId] : [])))];
  const keys = keyIds.length
    ? await db.apiKey.findMany({
        where: { id: { in: keyIds }, userId },
        select: { id: true, name: true, prefix: true },
      })
    : [];
  const byId = new Map(keys.map((key) => [key.id, key]));
  const entries = rows.slice(0, REQUEST_LOG_PAGE).map((row) => ({
    ...row,
    key: row.apiKeyId ? (byId.get(row.apiKeyId) ?? null) : null,
  }));
  return { entries, more: rows.length > REQUEST_LOG_PAGE };
}

/** "4xx" → 400–499, "402" → 402; anything else: no status filter. */
export function statusRange(status: string | undefined): Prisma.IntFilter | undefined {
  if (!status) return undefined;
  const klass = /^([1-5])xx$/i.exec(status);
  if (klass) return { gte: Number(klass[1]) * 100, lt: Number(klass[1]) * 100 + 100 };
  if (/^[1-5]\d\d$/.test(status)) return { equals: Number(status) };
  return undefined;
}

/** Requests per key over the log's 30 days (one grouped read for the keys page). */
export async function requestCountsByKey(userId: string): Promise<Map<string, { total: number; failed: number }>> {
  const since = new Date(Date.now() - REQUEST_LOG_DAYS * 24 * 3600_000);
  const [all, failed] = await Promise.all([
    db.apiRequestLog.groupBy({
      by: ["apiKeyId"],
      where: { userId, createdAt: { gte: since } },
      _count: { _all: true },
    }),
    db.apiRequestLog.groupBy({
      by: ["apiKeyId"],
      where: { userId, createdAt: { gte: since }, status: { gte: 400 } },
      _count: { _all: true },
    }),
  ]);
  const counts = new Map<string, { total: number; failed: number }>();
  for (const row of all) if (row.apiKeyId) counts.set(row.apiKeyId, { total: row._count._all, failed: 0 });
  for (const row of failed) {
    const entry = row.apiKeyId ? counts.get(row.apiKeyId) : undefined;
    if (entry) entry.failed = row._count._all;
  }
  return counts;
}

/** Forgets entries older than the log's 30 days (the hourly cleanup loop). */
export async function pruneRequestLog(days = REQUEST_LOG_DAYS): Promise<number> {
  const { count } = await db.apiRequestLog.deleteMany({
    where: { createdAt: { lt: new Date(Date.now() - days * 24 * 3600_000) } },
  });
  return count;
}
