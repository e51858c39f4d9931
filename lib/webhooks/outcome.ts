import { db, sql } from "@/lib/db";
import type { Prisma } from "@/prisma/generated/client";
import { enqueue } from "@/lib/outbox";

import type { WebhookConfig } from "./config";
import type { AttemptResult } from "./post";

/**
 * Recording what an attempt did, and an endpoint's failure state. Locks are always taken in one order —
 * a delivery row, then its endpoint's row — and nothing that holds an endpoint row waits for a delivery row, so
 * any number of concurrent outcomes cannot deadlock. An endpoint that has failed continuously for
 * `disableAfterMs` is disabled; its pending deliveries are kept (they resume when it is enabled again).
 */

export const WEBHOOK_DISABLED_EMAIL_JOB = "email.webhook_disabled";

/** A delivery as the loop claimed it: `lease` (its leaseUntil as text) identifies this claim. */
export type ClaimedAttempt = { id: string; endpointId: string; attempts: number; lease: string };

/** When the attempt started and how long the endpoint took to answer (or to fail). */
export type AttemptTiming = { startedAt: Date; durationMs: number };

// The attempt's own record (response code, first KB of the body, duration), inserted by the same statement as
// the outcome and only if this claim still held the delivery. Parameters: $1 id, $3 status, $4 body, then
// `first` = the number of the timing parameters, error in the one after them.
const attemptCte = (first: number) => `
logged AS (
  INSERT INTO "WebhookAttempt" ("id", "deliveryId", "attempt", "startedAt", "durationMs", "responseStatus",
                                "responseBody", "error")
  SELECT gen_random_uuid()::text, outcome."id", $${first}::int,
         ($${first + 1}::timestamptz AT TIME ZONE 'UTC'), $${first + 2}::int, $3, $4, $${first + 3}::text
    FROM outcome)`;

// One statement each: the delivery's outcome (only while this claim still holds it), the attempt's record and
// the endpoint's state.
const SUCCEEDED_SQL = `
WITH outcome AS (
  UPDATE "WebhookDelivery" SET "status" = 'succeeded', "completedAt" = now(), "leaseUntil" = NULL,
         "lastError" = NULL, "lastResponseStatus" = $3, "lastResponseBody" = $4
   WHERE "id" = $1 AND "status" = 'pending' AND "leaseUntil"::text = $2
  RETURNING "id", "endpointId"), ${attemptCte(5)}
UPDATE "WebhookEndpoint" e SET "failureStreak" = 0, "failingSince" = NULL, "updatedAt" = now()
  FROM outcome WHERE e."id" = outcome."endpointId" AND e."failingSince" IS NOT NULL`;

const FAILED_SQL = `
WITH outcome AS (
  UPDATE "WebhookDelivery" SET "leaseUntil" = NULL, "lastError" = $5, "lastResponseStatus" = $3,
         "lastResponseBody" = $4,
         "status" = CASE WHEN $6::int IS NULL THEN 'failed' ELSE 'pending' END,
         "completedAt" = CASE WHEN $6::int IS NULL THEN now() END,
         "nextAttemptAt" = COALESCE(now() + $6::int * interval '1 millisecond', "nextAttemptAt")
   WHERE "id" = $1 AND "status" = 'pending' AND "leaseUntil"::text = $2
  RETURNING "id", "endpointId"), ${attemptCte(8)}
UPDATE "WebhookEndpoint" e SET "failureStreak" = e."failureStreak" + 1,
       "failingSince" = COALESCE(e."failingSince", now()), "updatedAt" = now()
  FROM outcome WHERE e."id" = outcome."endpointId" AND e."status" = 'enabled'
RETURNING (e."failingSince" <= now() - $7::int * interval '1 millisecond') AS "disableDue",
          floor(extract(epoch FROM now() - e."failingSince") / 3600)::int AS "failingHours"`;

/** Records an attempt's outcome exactly once (a claim that lost its lease records nothing). */
export async function recordOutcome(
  delivery: ClaimedAttempt,
  result: AttemptResult,
  config: WebhookConfig,
  timing: AttemptTiming,
): Promise<void> {
  const attempt = [delivery.attempts, timing.startedAt.toISOString(), Math.max(0, Math.round(timing.durationMs))];
  if (result.ok) {
    await withConflictRetry(() =>
      sql(SUCCEEDED_SQL, [delivery.id, delivery.lease, result.status, result.excerpt, ...attempt, null]),
    );
    return;
  }
  const delay = config.retryDelaysMs[delivery.attempts - 1];
  const rows = await withConflictRetry(() =>
    sql<{ disableDue: boolean; failingHours: number }>(FAILED_SQL, [
      delivery.id,
      delivery.lease,
      result.status,
      result.excerpt,
      result.error,
      delay ?? null,
      config.disableAfterMs,
      ...attempt,
      result.error,
    ]),
  );
  const row = rows[0];
  if (row?.disableDue)
    await disableFailingEndpoint(delivery.endpointId, config, `Disabled after failing for ${row.failingHours} hours.`);
}

/** Disables an endpoint that is still failing past the limit, and emails its owner (once). */
async function disableFailingEndpoint(endpointId: string, config: WebhookConfig, reason: string): Promise<void> {
  await withConflictRetry(() =>
    db.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ disabledAt: Date }[]>(
        `UPDATE "WebhookEndpoint" SET "status" = 'disabled', "disabledReason" = $2, "disabledAt" = now(),
           "updatedAt" = now()
         WHERE "id" = $1 AND "status" = 'enabled' AND "failingSince" <= now() - $3::int * interval '1 millisecond'
         RETURNING "disabledAt"`,
        endpointId,
        reason,
        config.disableAfterMs,
      );
      if (!rows[0]) return;
      await enqueue(tx, {
        kind: WEBHOOK_DISABLED_EMAIL_JOB,
        key: `webhook-disabled/${endpointId}/${new Date(rows[0].disabledAt).getTime()}`,
        payload: { endpointId, reason },
      });
    }),
  );
}

/** The owner disables an endpoint: nothing more is attempted, and what is pending waits for it. */
export async function disableEndpoint(tx: Prisma.TransactionClient, endpointId: string): Promise<void> {
  await tx.webhookEndpoint.updateMany({
    where: { id: endpointId, status: "enabled" },
    data: { status: "disabled", disabledReason: null, disabledAt: new Date() },
  });
}

/**
 * The owner enables an endpoint: its failure record is cleared and its pending deliveries are due now, on a fresh
 * retry schedule. Deliveries first, then the endpoint (the order every outcome takes its locks in).
 */
export async function enableEndpoint(tx: Prisma.TransactionClient, endpointId: string): Promise<void> {
  const now = new Date();
  await tx.webhookDelivery.updateMany({
    where: { endpointId, status: "pending", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    data: { nextAttemptAt: now, attempts: 0, leaseUntil: null },
  });
  await tx.webhookEndpoint.updateMany({
    where: { id: endpointId, status: "disabled" },
    data: { status: "enabled", disabledReason: null, disabledAt: null, failureStreak: 0, failingSince: null },
  });
}

const CONFLICT_CODES = new Set(["40P01", "40001", "P2034"]);

/** A deadlock or serialization failure (PostgreSQL, or as Prisma reports it): the work can simply run again. */
export function isConflict(error: unknown): boolean {
  const e = error as { code?: string; meta?: { code?: string }; message?: string } | null;
  if (CONFLICT_CODES.has(e?.code ?? "") || CONFLICT_CODES.has(e?.meta?.code ?? "")) return true;
  return typeof e?.message === "string" && /\b40P01\b|\b40001\b|deadlock detected|could not serialize/.test(e.message);
}

/** Runs `work`, again after a short random pause when PostgreSQL aborted it for a deadlock or serialization failure. */
export async function withConflictRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
