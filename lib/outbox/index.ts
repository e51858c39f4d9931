import { db, type Tx } from "@/lib/db";
import type { Prisma } from "@/prisma/generated/client";

/**
 * A transactional outbox. `enqueue` runs inside the caller's transaction, so a job exists exactly when the
 * change that needs it was committed; the worker (lib/outbox/worker.ts) runs jobs until they succeed.
 * Jobs are leased (FOR UPDATE SKIP LOCKED + lockedUntil), so several instances never run one job at once,
 * and a crashed instance's lease simply expires. Handlers must be idempotent: a job may run more than once.
 */

export type EnqueueInput = {
  kind: string;
  key: string;
  payload: Prisma.InputJsonValue;
  customerId?: string;
  credits?: number;
  runAt?: Date;
};

/**
 * Adds a job unless one with the same key exists. One INSERT … ON CONFLICT DO NOTHING, so two transactions
 * enqueueing the same key at once never fail with a unique violation. Returns whether this call added it.
 */
export async function enqueue(tx: Tx, input: EnqueueInput): Promise<boolean> {
  const { count } = await tx.outboxJob.createMany({
    data: [
      {
        kind: input.kind,
        key: input.key,
        payload: input.payload,
        customerId: input.customerId,
        credits: input.credits,
        runAt: input.runAt ?? new Date(),
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}

export type ClaimedJob = {
  id: string;
  kind: string;
  key: string;
  customerId: string | null;
  credits: number | null;
  payload: Prisma.JsonValue;
  attempts: number;
  /** The lease this run holds; completing or failing checks it, so a run whose lease expired changes nothing. */
  lockedUntil: Date | null;
};

/** Leases up to `limit` due jobs for `leaseMs`. */
export async function claimDueJobs(limit: number, leaseMs: number, kinds?: string[]): Promise<ClaimedJob[]> {
  const kindFilter = kinds?.length ? kinds : null;
  return db.$queryRawUnsafe<ClaimedJob[]>(
    `UPDATE "OutboxJob" SET "lockedUntil" = now() + ($2::int * interval '1 millisecond'), "attempts" = "attempts" + 1
     WHERE "id" IN (
       SELECT "id" FROM "OutboxJob"
       WHERE "status" = 'pending' AND "runAt" <= now() AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
         AND ($3::text[] IS NULL OR "kind" = ANY($3::text[]))
       ORDER BY "runAt" LIMIT $1
       FOR UPDATE SKIP LOCKED)
     RETURNING "id", "kind", "key", "customerId", "credits", "payload", "attempts", "lockedUntil"`,
    limit,
    leaseMs,
    kindFilter,
  );
}

type JobRef = string | Pick<ClaimedJob, "id" | "lockedUntil">;

/** The row a job run may still change: pending and, for a claimed run, still under its own lease. */
function ownRow(job: JobRef) {
  return typeof job === "string"
    ? { id: job, status: "pending" }
    : { id: job.id, status: "pending", lockedUntil: job.lockedUntil };
}

/**
 * Marks a job done, inside the transaction that records its result. Returns false (and changes nothing)
 * when the job is no longer this run's: already done, or re-leased by another instance after ours expired.
 */
export async function completeJob(tx: Tx, job: JobRef, result?: Prisma.InputJsonValue): Promise<boolean> {
  const { count } = await tx.outboxJob.updateMany({
    where: ownRow(job),
    data: { status: "done", completedAt: new Date(), lockedUntil: null, result: result ?? undefined, lastError: null },
  });
  return count === 1;
}

// Retry backoff: 1 s, 2 s, 4 s … capped at 5 minutes; after MAX_ATTEMPTS the job is dead (kept for a person),
// unless the job kind must never give up (Dodo debits: MailKit's credit view counts them until they post).
export const MAX_ATTEMPTS = 25;
export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}

/** Records a failed attempt: retried later, or dead when it cannot succeed or has run out of attempts. */
export async function failJob(
  job: Pick<ClaimedJob, "id" | "attempts"> & Partial<Pick<ClaimedJob, "lockedUntil">>,
  error: unknown,
  options: { permanent?: boolean; retryForever?: boolean } = {},
) {
  const message = error instanceof Error ? error.message : String(error);
  const dead = options.permanent || (!options.retryForever && job.attempts >= MAX_ATTEMPTS);
  await db.outboxJob.updateMany({
    where:
      job.lockedUntil !== undefined
        ? ownRow({ id: job.id, lockedUntil: job.lockedUntil })
        : { id: job.id, status: "pending" },
    data: {
      status: dead ? "dead" : "pending",
      lastError: message.slice(0, 2000),
      lockedUntil: null,
      runAt: new Date(Date.now() + backoffMs(job.attempts)),
    },
  });
}
