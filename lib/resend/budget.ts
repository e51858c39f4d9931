import { db } from "@/lib/db";
import { sleep } from "@/lib/runtime/loops";
import { processSingleton } from "@/lib/runtime/singleton";
import { getTuning } from "@/lib/runtime/tuning";

/**
 * Resend's rate limit is per team — every API key, every MailKit instance — so the budget lives in the
 * database: calls are spaced by taking the next free slot of one shared row (a GCRA-style schedule, no burst).
 * The spacing is 1/limit plus 5 % (210 ms at 5/s): a call leaves 1.05 s after the one `limit` calls before it,
 * so no one-second window at Resend sees more than `limit` calls unless the network delays one call 50 ms more
 * than another. A 429 pushes every instance's next slot past its `retry-after`, and Resend's own
 * `ratelimit-limit` lowers the rate if it is below the configured one.
 */

const RESEND_BUDGET = "resend";
const JITTER_MARGIN = 1.05;

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

/** One Resend call in the next slot of the budget (sender-domain calls, MailKit's own emails). */
export async function paceResendCall<T>(call: () => Promise<T>): Promise<T> {
  const wait = await takeResendSlot();
  if (wait > 0) await sleep(wait);
  return call();
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
