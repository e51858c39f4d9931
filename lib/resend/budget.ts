import { randomUUID } from "node:crypto";

import { db } from "@/lib/db";
import { logger } from "@/lib/runtime/log";
import { sleep } from "@/lib/runtime/loops";
import { processSingleton } from "@/lib/runtime/singleton";
import { getTuning } from "@/lib/runtime/tuning";

/**
 * Resend's rate limit is per team — every API key, every MailKit instance — so the budget lives in the
 * database: calls are spaced by taking the next free slot of one shared row (a GCRA-style schedule, no burst).
 * The spacing is 1/limit plus 5 % (210 ms at 5/s). A caller wakes for its slot late when its event loop is busy
 * (by 100 ms while a burst is being accepted), which would crowd the calls after it into one of Resend's seconds;
 * so every call also passes a departure gate (`withinResendWindow`) that counts the calls Resend may have seen in
 * its last second, each until its answer came back. A 429 pushes every instance's next slot past its
 * `retry-after`, and Resend's own `ratelimit-limit` lowers the rate if it is below the configured one.
 */

const RESEND_BUDGET = "resend";
const JITTER_MARGIN = 1.05;
const GATE_RECHECK_MS = 25;

const learned = processSingleton("resend-budget", () => ({ limit: undefined as number | undefined }));

/** The calls per second every Resend call (emails and domains) is paced to. */
export function effectiveRatePerSecond(): number {
  const configured = getTuning().resendRatePerSecond;
  return learned.limit ? Math.min(configured, learned.limit) : configured;
}

const TAKE_SLOT_SQL = `
INSERT INTO "ProviderBudget" ("name", "nextSlotAt", "updatedAt")
VALUES ($1, clock_timestamp()::timestamp + $2 * interval '1 millisecond', now())
ON CONFLICT ("name") DO UPDATE SET
  "nextSlotAt" = GREATEST("ProviderBudget"."nextSlotAt", clock_timestamp()::timestamp) + $2 * interval '1 millisecond',
  "updatedAt" = now()
RETURNING GREATEST(0, extract(epoch from ("nextSlotAt" - $2 * interval '1 millisecond' - clock_timestamp()::timestamp)) * 1000)::float8 AS "waitMs",
          "learnedLimit"`;

/** Takes the next call slot; resolves with how long to wait (ms) before making the call. */
export async function takeResendSlot(): Promise<number> {
  const spacingMs = (1000 / effectiveRatePerSecond()) * JITTER_MARGIN;
  const rows = await db.$queryRawUnsafe<{ waitMs: number; learnedLimit: number | null }[]>(
    TAKE_SLOT_SQL,
    RESEND_BUDGET,
    spacingMs,
  );
  learned.limit = rows[0]?.learnedLimit ?? undefined;
  return Number(rows[0]?.waitMs ?? 0);
}

// The departure gate (`withinResendWindow`). The budget row keeps the calls of the last window: call id → the time
// (epoch ms) by which Resend has counted it — its answer's time, or while it has none its departure plus the timeout.
// A call leaves only while fewer than $2 calls may have been counted within the last $3 ms; entries older than
// that are dropped as it is recorded.
const DEPART_SQL = `
WITH clock AS (SELECT extract(epoch from clock_timestamp()) * 1000 AS "nowMs")
UPDATE "ProviderBudget" SET
  "recentCalls" = COALESCE((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each("recentCalls") e
                            WHERE e.value::float8 > clock."nowMs" - $3), '{}'::jsonb)
                  || jsonb_build_object($4::text, clock."nowMs" + $5),
  "updatedAt" = now()
FROM clock
WHERE "name" = $1
  AND (SELECT count(*) FROM jsonb_each("recentCalls") e WHERE e.value::float8 > clock."nowMs" - $3) < $2
RETURNING 1 AS "departed"`;

// How long until one of the $2 latest-counted calls falls out of the window, and whether that call is still in flight
// (counted until a time still to come: its timeout, not an answer).
const DEPARTURE_WAIT_SQL = `
SELECT GREATEST(1, x."countedUntil" + $3 - x."nowMs")::float8 AS "waitMs", x."countedUntil" > x."nowMs" AS "inFlight"
FROM (SELECT (SELECT e.value::float8 FROM jsonb_each(b."recentCalls") e ORDER BY e.value::float8 DESC OFFSET $2 - 1 LIMIT 1)
               AS "countedUntil",
             extract(epoch from clock_timestamp())::float8 * 1000 AS "nowMs"
      FROM "ProviderBudget" b WHERE b."name" = $1) x`;

const ANSWERED_SQL = `
UPDATE "ProviderBudget" SET "recentCalls" = "recentCalls" || jsonb_build_object($2::text, extract(epoch from clock_timestamp()) * 1000)
WHERE "name" = $1`;

/**
 * Makes one Resend call, after its slot's wait, through the departure gate: it leaves once fewer than `limit`
 * calls may have been counted by Resend within the last window (`limit` ÷ rate: 1 s at 5/s). A call counts until
 * its answer came back (Resend counted it by then, however late its request reached Resend), or its timeout. So a
 * caller that woke late for its slot, or a request slowed on its way (a busy event loop, a slow network), never
 * crowds the calls after it into one of Resend's windows.
 */
export async function withinResendWindow<T>(call: () => Promise<T>): Promise<T> {
  const rate = effectiveRatePerSecond();
  const limit = Math.max(1, Math.floor(rate));
  const windowMs = (limit * 1000) / rate;
  const callId = randomUUID();
  for (;;) {
    const args = [RESEND_BUDGET, limit, windowMs];
    const departed = await db.$queryRawUnsafe<unknown[]>(DEPART_SQL, ...args, callId, getTuning().providerTimeoutMs);
    if (departed.length > 0) break;
    const [row] = await db.$queryRawUnsafe<{ waitMs: number; inFlight: boolean | null }[]>(DEPARTURE_WAIT_SQL, ...args);
    if (!row) break; // no budget row yet: no call has left before this one
    // A call in flight counts until its timeout, but its answer may come any moment: then look again soon.
    await sleep(row.inFlight ? Math.min(Number(row.waitMs), GATE_RECHECK_MS) : Number(row.waitMs));
  }
  try {
    return await call();
  } finally {
    // Advisory: failing to record the answer's time leaves the call counted until its timeout.
    await db
      .$executeRawUnsafe(ANSWERED_SQL, RESEND_BUDGET, callId)
      .catch((error: Error) => logger("resend-budget").warn({ err: error }, "recording a Resend answer failed"));
  }
}

/** One Resend call in the next slot of the budget and through the departure gate (domain calls, MailKit's own emails). */
export async function paceResendCall<T>(call: () => Promise<T>): Promise<T> {
  const wait = await takeResendSlot();
  if (wait > 0) await sleep(wait);
  return withinResendWindow(call);
}

const BACKLOG_SQL = `
SELECT GREATEST(0, extract(epoch from ("nextSlotAt" - clock_timestamp()::timestamp)) * 1000)::float8 AS "backlogMs"
FROM "ProviderBudget" WHERE "name" = $1`;

/**
 * How far ahead of now the budget's next free slot lies (ms): above 0 while a call waits for its slot, has just
 * been made, or a 429 pause runs. Work that should only use idle capacity (e.g. background polling) checks it.
 */
export async function resendBacklogMs(): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ backlogMs: number }[]>(BACKLOG_SQL, RESEND_BUDGET);
  return Number(rows[0]?.backlogMs ?? 0);
}

/** Resend said 429: no instance calls again before `retryAfterMs` from now. */
export async function pauseResendBudget(retryAfterMs: number): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE "ProviderBudget" SET "nextSlotAt" = GREATEST("nextSlotAt", clock_timestamp()::timestamp + $2 * interval '1 millisecond'), "updatedAt" = now() WHERE "name" = $1`,
    RESEND_BUDGET,
    retryAfterMs,
  );
}

/** Remembers Resend's own limit (its `ratelimit-limit` header) for every instance. */
export async function learnResendLimit(limitPerSecond: number | undefined): Promise<void> {
  if (!limitPerSecond || limitPerSecond === learned.limit) return;
  learned.limit = limitPerSecond;
  await db.$executeRawUnsafe(
    `UPDATE "ProviderBudget" SET "learnedLimit" = $2, "updatedAt" = now() WHERE "name" = $1`,
    RESEND_BUDGET,
    limitPerSecond,
  );
}
