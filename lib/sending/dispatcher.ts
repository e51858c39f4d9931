import { randomUUID } from "node:crypto";
import type { CreateEmailOptions } from "resend";

import { db } from "@/lib/db";
import { sleep } from "@/lib/runtime/loops";

import { learnResendLimit, pauseResendBudget, takeResendSlot } from "./budget";
import { deliveryLeaseMs, getSendingConfig } from "./config";
import { batchIdempotencyKey, deliverToResend, sendIdempotencyKey, type CallMode } from "./provider";
import { settleBatch, type ClaimedBatch } from "./settle";

/**
 * The dispatcher: every instance runs it (lib/background.ts) and they share the work through the database.
 * A worker takes a call to make — a call whose earlier outcome was unknown and is due again, or a new one
 * packed from the queue — waits for a slot of the platform-wide Resend budget, calls Resend, and settles.
 *
 * Packing is fair across customers: each customer's oldest queued sends are ranked 1, 2, 3 … and a call takes
 * rank 1 of every waiting customer before anyone's rank 2, so one customer's 50,000-email burst delays another
 * customer's single email by at most the calls already packed. A new call's members and idempotency key are
 * recorded (DeliveryBatch) before the first attempt; an unknown outcome repeats that very call.
 */

export const DISPATCHER_LOOP = "dispatcher";

/**
 * One pass: a first call (an idle pass costs just that one look), then — if there was work — every worker keeps
 * calling until nothing is due. Returns how many calls were made.
 */
export async function dispatchPass(): Promise<number> {
  if (!(await dispatchSafely())) return 0;
  const workers = Array.from({ length: getSendingConfig().dispatchConcurrency }, async () => {
    let calls = 0;
    while (await dispatchSafely()) calls++;
    return calls;
  });
  return 1 + (await Promise.all(workers)).reduce((a, b) => a + b, 0);
}

async function dispatchSafely(): Promise<boolean> {
  try {
    return await dispatchOne();
  } catch (error) {
    // e.g. the database is busy: what this worker claimed stays leased and is taken over after the lease.
    console.error("[dispatcher]", (error as Error).message);
    return false;
  }
}

/** Claims one call, makes it within the budget and settles it. Returns false when there was nothing to do. */
export async function dispatchOne(): Promise<boolean> {
  const batch = (await claimDueBatch()) ?? (await packNewBatch());
  if (!batch) return false;
  const emails = await loadPayloads(batch);
  if (!emails) {
    // Every member was settled already (another dispatcher got there first): nothing to send again.
    await db.deliveryBatch.updateMany({ where: { id: batch.id }, data: { status: "done", completedAt: new Date() } });
    return true;
  }
  // The slot is taken last, so the call leaves as close to its slot as possible.
  const wait = await takeResendSlot();
  if (wait > 0) {
    // The lease covers the wait (after a 429 it can be long), so no other dispatcher takes this call meanwhile.
    await extendLease(batch.id, wait);
    await sleep(wait);
  }
  const answer = await deliverToResend({ idempotencyKey: batch.idempotencyKey, emails, mode: batch.mode as CallMode });
  await learnResendLimit(answer.limitPerSecond);
  if (answer.kind === "unknown" && answer.rateLimited) await pauseResendBudget(answer.retryAfterMs ?? 1000);
  await settleBatch(batch, answer);
  return true;
}

// ---- claiming -------------------------------------------------------------------------------------------------

const CLAIM_DUE_SQL = `
UPDATE "DeliveryBatch" SET "leaseUntil" = now() + $1 * interval '1 millisecond', "attempts" = "attempts" + 1
WHERE "id" = (
  SELECT "id" FROM "DeliveryBatch"
  WHERE "status" = 'pending' AND "nextAttemptAt" <= now() AND ("leaseUntil" IS NULL OR "leaseUntil" < now())
  ORDER BY "nextAttemptAt" LIMIT 1
  FOR UPDATE SKIP LOCKED)
RETURNING "id", "idempotencyKey", "mode", "sendIds", "attempts", "createdAt"`;

/** A call that is due again (unknown outcome, 429) or whose dispatcher died mid-call (its lease expired). */
async function claimDueBatch(): Promise<ClaimedBatch | null> {
  const rows = await db.$queryRawUnsafe<ClaimedBatch[]>(CLAIM_DUE_SQL, deliveryLeaseMs());
  return rows[0] ?? null;
}

// Customers with queued sends (a loose index scan: one probe per customer), then each customer's oldest
// unpacked sends, ranked within the customer. Rows being packed by another worker are skipped.
const FAIR_CANDIDATES_SQL = `
WITH RECURSIVE customers AS (
  (SELECT "customerId" FROM "EmailSend" WHERE "status" = 'queued' ORDER BY "status", "customerId" LIMIT 1)
  UNION ALL
  SELECT (SELECT e."customerId" FROM "EmailSend" e
          WHERE e."status" = 'queued' AND e."customerId" > c."customerId" ORDER BY e."status", e."customerId" LIMIT 1)
  FROM customers c WHERE c."customerId" IS NOT NULL
), waiting AS (
  SELECT "customerId" FROM customers WHERE "customerId" IS NOT NULL
), share AS (
  SELECT LEAST($1::int, GREATEST(2, ceil(10.0 * $1 / GREATEST(1, (SELECT count(*) FROM waiting)))))::int AS n
)
SELECT s."id", s."customerId", s."batchable",
       row_number() OVER (PARTITION BY s."customerId" ORDER BY s."createdAt", s."id")::int AS "rank", s."createdAt"
FROM waiting w CROSS JOIN LATERAL (
  SELECT e."id", e."customerId", e."batchable", e."createdAt" FROM "EmailSend" e
  WHERE e."status" = 'queued' AND e."customerId" = w."customerId" AND e."deliveryBatchId" IS NULL
  ORDER BY e."createdAt", e."id"
  LIMIT (SELECT n FROM share)
  FOR UPDATE SKIP LOCKED
) s
ORDER BY "rank", s."createdAt", s."id"
LIMIT $1`;

type Candidate = { id: string; customerId: string; batchable: boolean; rank: number; createdAt: Date };

/**
 * Packs the next call from the queue: a batch of up to `batchSize` batchable sends, fairly across customers, or
 * — when the longest-waiting candidate cannot go in a batch (attachments) — that send alone.
 */
async function packNewBatch(): Promise<ClaimedBatch | null> {
  const { batchSize } = getSendingConfig();
  return db.$transaction(async (tx) => {
    const candidates = await tx.$queryRawUnsafe<Candidate[]>(FAIR_CANDIDATES_SQL, batchSize);
    if (candidates.length === 0) return null;
    const first = candidates[0]!;
    const members = first.batchable ? candidates.filter((c) => c.batchable).slice(0, batchSize) : [first];
    const id = randomUUID();
    const mode: CallMode = first.batchable ? "batch" : "single";
    const sendIds = members.map((m) => m.id);
    const batch = await tx.deliveryBatch.create({
      data: {
        id,
        idempotencyKey: mode === "single" ? sendIdempotencyKey(first.id) : batchIdempotencyKey(id),
        mode,
        sendIds,
        attempts: 1,
        leaseUntil: new Date(Date.now() + deliveryLeaseMs()),
      },
    });
    await tx.emailSend.updateMany({ where: { id: { in: sendIds } }, data: { deliveryBatchId: id } });
    return {
      id,
      idempotencyKey: batch.idempotencyKey,
      mode,
      sendIds,
      attempts: 1,
      createdAt: batch.createdAt,
    };
  }, TX_OPTIONS);
}

// Webhook bursts can hold the connection pool for a moment: wait for a connection rather than fail.
const TX_OPTIONS = { maxWait: 20_000, timeout: 20_000 };

async function extendLease(batchId: string, waitMs: number): Promise<void> {
  await db.deliveryBatch.updateMany({
    where: { id: batchId, status: "pending" },
    data: { leaseUntil: new Date(Date.now() + waitMs + deliveryLeaseMs()) },
  });
}

/** The members' stored Resend payloads in call order; null when none of them is open any more. */
async function loadPayloads(batch: ClaimedBatch): Promise<CreateEmailOptions[] | null> {
  const rows = await db.emailSend.findMany({
    where: { id: { in: batch.sendIds } },
    select: { id: true, payload: true, status: true },
  });
  if (!rows.some((r) => r.status === "queued" || r.status === "unknown")) return null;
  const byId = new Map(rows.map((r) => [r.id, r.payload as unknown as CreateEmailOptions]));
  return batch.sendIds.map((id) => {
    const payload = byId.get(id);
    if (!payload) throw new Error(`Delivery ${batch.id}: send ${id} is missing`);
    return payload;
  });
}

/** Runs passes until nothing is due (tests and scripts). Returns the calls made. */
export async function drainDispatcher(maxPasses = 50): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    const calls = await dispatchPass();
    if (calls === 0) break;
    total += calls;
  }
  return total;
}
