import { randomUUID } from "node:crypto";

import { sql } from "@/lib/db";
import { logger } from "@/lib/runtime/log";
import { processSingleton } from "@/lib/runtime/singleton";

/**
 * The request log's write side. A request only appends its entry to this process's memory (no database round
 * trip on the send path); a timer inserts what is buffered in one statement shortly after, and shutdown flushes
 * the rest. The buffer is bounded in total and per customer: a customer hammering the API fills only their own
 * share (their further entries are dropped and counted), and each flush takes customers round robin, so one
 * customer's backlog never delays another's entries.
 */

export type RequestLogEntry = {
  userId: string;
  apiKeyId: string | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  requestBody: unknown;
  errorBody: unknown;
  emailIds: string[];
  createdAt: Date;
};

export const REQUEST_LOG_LIMITS = {
  /** Entries buffered per customer; beyond it their entries are dropped until a flush makes room. */
  perCustomer: 1_000,
  /** Entries buffered in all (a few MB at most: bodies are bounded by redact.ts). */
  total: 10_000,
  /** Rows per INSERT. */
  batch: 500,
  /** How soon after the first buffered entry the flush runs (a refused call shows in the dashboard within it). */
  flushDelayMs: 300,
};

type Buffer = {
  queues: Map<string, Array<RequestLogEntry & { id: string }>>;
  size: number;
  dropped: Map<string, number>;
  timer?: NodeJS.Timeout;
  /** Settles the promise a request's after() waits on, when the timer is cleared without flushing (tests). */
  timerCleared?: () => void;
  flushing?: Promise<void>;
  paused: boolean;
};

const buffer = processSingleton("request-log-buffer", (): Buffer => ({
  queues: new Map(),
  size: 0,
  dropped: new Map(),
  paused: false,
}));

/** Buffers one entry (synchronous, never throws) and makes sure a flush is coming. */
export function recordRequest(entry: RequestLogEntry): void {
  const queue = buffer.queues.get(entry.userId) ?? [];
  if (queue.length >= REQUEST_LOG_LIMITS.perCustomer || buffer.size >= REQUEST_LOG_LIMITS.total) {
    buffer.dropped.set(entry.userId, (buffer.dropped.get(entry.userId) ?? 0) + 1);
    scheduleFlush();
    return;
  }
  queue.push({ ...entry, id: randomUUID() });
  buffer.queues.set(entry.userId, queue);
  buffer.size++;
  scheduleFlush();
}

function scheduleFlush(): void {
  if (buffer.timer || buffer.paused) return;
  let done!: () => void;
  const flushed = new Promise<void>((resolve) => (done = resolve));
  buffer.timerCleared = done;
  buffer.timer = setTimeout(() => {
    buffer.timer = undefined;
    buffer.timerCleared = undefined;
    flushRequestLog()
      .catch((error) => logger("request-log").error({ err: error }, "request log flush failed"))
      .finally(done);
  }, REQUEST_LOG_LIMITS.flushDelayMs);
  buffer.timer.unref?.();
  // Inside a request, Next's after() keeps a serverless function alive until the flush ran (after the response).
  void import("next/server").then(({ after }) => after(flushed)).catch(() => undefined);
}

/** Writes everything buffered (in batches, customers round robin). Concurrent calls share one flush. */
export async function flushRequestLog(): Promise<void> {
  while (buffer.flushing) await buffer.flushing;
  if (buffer.size === 0) return reportDropped();
  buffer.flushing = (async () => {
    while (buffer.size > 0 && !buffer.paused) {
      const batch = takeRoundRobin(REQUEST_LOG_LIMITS.batch);
      try {
        await insertBatch(batch);
      } catch (error) {
        // The log is best effort: a failed insert is reported, never retried forever or surfaced to a request.
        logger("request-log").error({ err: error, entries: batch.length }, "request log entries lost");
      }
    }
    reportDropped();
  })().finally(() => (buffer.flushing = undefined));
  await buffer.flushing;
}

function takeRoundRobin(limit: number): Array<RequestLogEntry & { id: string }> {
  const taken: Array<RequestLogEntry & { id: string }> = [];
  while (taken.length < limit && buffer.size > 0) {
    for (const [userId, queue] of buffer.queues) {
      const entry = queue.shift();
      if (entry) {
        taken.push(entry);
        buffer.size--;
      }
      if (queue.length === 0) buffer.queues.delete(userId);
      if (taken.length >= limit) break;
    }
  }
  return taken;
}

function reportDropped(): void {
  if (buffer.dropped.size === 0) return;
  const dropped = Object.fromEntries(buffer.dropped);
  buffer.dropped.clear();
  logger("request-log").warn({ dropped }, "request log buffer full: entries dropped");
}

// One statement for the whole batch: the rows travel as one JSON parameter.
const INSERT_SQL = `
INSERT INTO "ApiRequestLog" ("id", "userId", "apiKeyId", "method", "path", "status", "durationMs", "requestBody",
                             "errorBody", "emailIds", "createdAt")
SELECT x."id", x."userId", x."apiKeyId", x."method", x."path", x."status", x."durationMs", x."requestBody",
       x."errorBody", COALESCE(x."emailIds", ARRAY[]::text[]), x."createdAt"
  FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "userId" text, "apiKeyId" text, "method" text, "path" text,
       "status" int, "durationMs" int, "requestBody" jsonb, "errorBody" jsonb, "emailIds" text[],
       "createdAt" timestamp(3))`;

async function insertBatch(batch: Array<RequestLogEntry & { id: string }>): Promise<void> {
  const rows = batch.map((entry) => ({ ...entry, createdAt: entry.createdAt.toISOString().replace("Z", "") }));
  await sql(INSERT_SQL, [JSON.stringify(rows)]);
}

/** Entries waiting in this process's buffer (tests, metrics). */
export function bufferedRequestCount(): number {
  return buffer.size;
}

/**
 * Tests that count the send path's statements hold the flush while they measure, then release it: the rows are
 * written afterwards, in one statement.
 */
export async function holdRequestLogFlushForTests(hold: boolean): Promise<void> {
  buffer.paused = hold;
  if (hold && buffer.timer) {
    clearTimeout(buffer.timer);
    buffer.timer = undefined;
    buffer.timerCleared?.();
    buffer.timerCleared = undefined;
  }
  if (hold) await buffer.flushing;
  else if (buffer.size > 0) scheduleFlush();
}
