import { randomUUID } from "node:crypto";
import type { CreateEmailOptions } from "resend";

import { db, sql } from "@/lib/db";
import { learnResendLimit, pauseResendBudget, takeResendSlot } from "@/lib/resend/budget";
import { dropLease, holdLease } from "@/lib/runtime/leases";
import { loopsStopped, sleep } from "@/lib/runtime/loops";
import { processSingleton } from "@/lib/runtime/singleton";
import { logger } from "@/lib/runtime/log";
import { getTuning, TX_OPTIONS } from "@/lib/runtime/tuning";

import { batchIdempotencyKey, deliverToResend, sendIdempotencyKey, type CallMode } from "./provider";
import { planCalls, type Candidate } from "./packing";
import { retryLater } from "./retry";
import { factsOf, settleBatch, type ClaimedBatch } from "./settle";

/**
 * The dispatcher: every instance runs it (lib/background.ts) and they share the work through the database.
 * A worker takes a call to make — a call whose earlier outcome was unknown and is due again, or a new one
 * packed from the queue — waits for a slot of the platform-wide Resend budget, calls Resend, and settles.
 *
 * Packing is fair across customers: each customer's oldest queued sends are ranked 1, 2, 3 … and a call takes
 * rank 1 of every waiting customer before anyone's rank 2, so one customer's 50,000-email burst delays another
 * customer's single email by at most the calls already packed; calls are sized and single calls taken in turn
 * (packing.ts). A new call's members and idempotency key are recorded (DeliveryBatch) before the first attempt;
 * an unknown outcome repeats that very call, a failed settlement is retried from Resend's kept answer (settle.ts).
 */

export const DISPATCHER_LOOP = "dispatcher";

/**
 * One pass: a first look for a call to make (an idle pass costs just that one look), then — if there was one —
 * every worker keeps calling until nothing is due, the first worker starting with that call. A worker settles each
 * call while it packs and makes its next one (at most one call of each worker is being settled), so calls leave at
 * the budget's pace when the queue is deep, from the pass's first call on. Returns how many calls were made, all of
 * them settled.
 */
export async function dispatchPass(): Promise<number> {
  const first = await claimSafely();
  if (!first) return 0;
  const workers = Array.from({ length: getTuning().dispatchConcurrency }, async (_, index) => {
    let calls = 0;
    let settling: Promise<void> = Promise.resolve();
    for (let batch = index === 0 ? first : null; ; batch = null) {
      const call = await startSafely(batch);
      if (!call) break;
      calls++;
      await settling;
      settling = call.settled.catch(logFailure);
    }
    await settling;
    return calls;
  });
  return (await Promise.all(workers)).reduce((a, b) => a + b, 0);
}

async function claimSafely(): Promise<ClaimedBatch | null> {
  try {
    return await claimCall();
  } catch (error) {
    logFailure(error);
    return null;
  }
}

/** Makes `claimed`, or else the next call claimed now; null when there was nothing to do (or claiming failed). */
async function startSafely(claimed: ClaimedBatch | null): Promise<MadeCall | null> {
  try {
    const batch = claimed ?? (await claimCall());
    return batch ? await startCall(batch) : null;
  } catch (error) {
    logFailure(error);
    return null;
  }
}

function logFailure(error: unknown): void {
  // e.g. the database is busy: what this worker claimed stays leased and is taken over after the lease.
  logger("dispatcher").error({ err: error }, "dispatch failed");
}

/** Claims one call, makes it within the budget and settles it. Returns false when there was nothing to do. */
export async function dispatchOne(): Promise<boolean> {
  const batch = await claimCall();
  if (!batch) return false;
  const made = await startCall(batch);
  await made.settled;
  return true;
}

/** A call Resend answered (or that needed no call), with its settling under way. */
type MadeCall = { settled: Promise<void> };

/** The next call to make, leased to this worker: one due again, or a new one packed from the queue. */
async function claimCall(): Promise<ClaimedBatch | null> {
  if (loopsStopped()) return null; // shutting down: claim nothing new (lib/runtime/shutdown.ts)
  return (await claimDueBatch()) ?? (await packNewBatch());
}

/** Makes a claimed call within the budget; its settling goes on in the returned promise. */
async function startCall(batch: ClaimedBatch): Promise<MadeCall> {
  // Held while this process works on the call, settling included, so a graceful shutdown can hand its lease back.
  holdLease(batch.id);
  let made: MadeCall;
  try {
    made = await makeCall(batch);
  } catch (error) {
    dropLease(batch.id);
    throw error;
  }
  return { settled: made.settled.finally(() => dropLease(batch.id)) };
}

const NOTHING_TO_SETTLE: MadeCall = { settled: Promise.resolve() };

async function makeCall(batch: ClaimedBatch): Promise<MadeCall> {
  // Resend answered already and only settling failed: settle from its answer, without calling again.
  if (batch.outcome) return { settled: settleBatch(batch, batch.outcome) };
  let emails: CreateEmailOptions[] | null;
  try {
    emails = await loadPayloads(batch);
  } catch (error) {
    await retryLater(batch, (error as Error).message);
    return NOTHING_TO_SETTLE;
  }
  if (!emails) {
    // Every member was settled already (another dispatcher got there first): nothing to send again.
    await db.deliveryBatch.updateMany({ where: { id: batch.id }, data: { status: "done", completedAt: new Date() } });
    return NOTHING_TO_SETTLE;
  }
  // The slot is taken last, so the call leaves as close to its slot as possible.
  const wait = await takeResendSlot();
  if (wait > 0) {
    // The lease covers the wait (after a 429 it can be long), so no other dispatcher takes this call meanwhile.
    await extendLease(batch.id, wait);
    await sleep(wait);
  }
  const answer = await deliverToResend({ idempotencyKey: batch.idempotencyKey, emails, mode: batch.mode as CallMode });
  // Advisory: a failure to record Resend's limit must not keep the answer from being settled.
  await learnResendLimit(answer.limitPerSecond).catch((error: Error) =>
    logger("dispatcher").warn({ err: error }, "recording Resend's rate limit failed"),
  );
  if (answer.kind === "unknown") {
    if (answer.rateLimited) await pauseResendBudget(answer.retryAfterMs ?? 1000);
    await retryLater(batch, answer.reason, answer.retryAfterMs);
    return NOTHING_TO_SETTLE;
  }
  const facts = factsOf(answer, emails);
  emails = null; // the payloads are not needed any more: let them go before settling
  return { settled: settleBatch(batch, facts) };
}

// ---- claiming -------------------------------------------------------------------------------------------------

const CLAIM_DUE_SQL = `
UPDATE "DeliveryBatch" SET "leaseUntil" = now() + $1::int * interval '1 millisecond', "attempts" = "attempts" + 1
WHERE "id" = (
  SELECT "id" FROM "DeliveryBatch"
  WHERE "status" = 'pending' AND "nextAttemptAt" <= now() AND ("leaseUntil" IS NULL OR "leaseUntil" < now())
  ORDER BY "nextAttemptAt" LIMIT 1
  FOR UPDATE SKIP LOCKED)
RETURNING "id", "idempotencyKey", "mode", "sendIds", "attempts", "createdAt", "outcome"`;

/** A call that is due again (unknown outcome, 429) or whose dispatcher died mid-call (its lease expired). */
async function claimDueBatch(): Promise<ClaimedBatch | null> {
  const rows = await sql<ClaimedBatch>(CLAIM_DUE_SQL, [deliveryLeaseMs()]);
  return rows[0] ?? null;
}

// Whether a queued send waits to be packed. Most looks find nothing (an idle tick, each worker's last look at the
// end of a pass): this one short read spares them the packing transaction.
const WAITING_SQL = `
SELECT EXISTS (SELECT 1 FROM "EmailSend" WHERE "status" = 'queued' AND "deliveryBatchId" IS NULL) AS "waiting"`;

async function sendsWaiting(): Promise<boolean> {
  const [row] = await sql<{ waiting: boolean }>(WAITING_SQL);
  return row?.waiting === true;
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
SELECT s."id", s."customerId", s."batchable", s."payloadBytes",
       row_number() OVER (PARTITION BY s."customerId" ORDER BY s."createdAt", s."id")::int AS "rank", s."createdAt"
FROM waiting w CROSS JOIN LATERAL (
  SELECT e."id", e."customerId", e."batchable", e."payloadBytes", e."createdAt" FROM "EmailSend" e
  WHERE e."status" = 'queued' AND e."customerId" = w."customerId" AND e."deliveryBatchId" IS NULL
  ORDER BY e."createdAt", e."id"
  LIMIT (SELECT n FROM share)
  FOR UPDATE SKIP LOCKED
) s
ORDER BY "rank", s."createdAt", s."id"
LIMIT $1`;

// A new call: its members and idempotency key, recorded before the first attempt (leased to this worker when
// $6, the lease in ms, is given), and its members marked as packed. Fixed SQL text whatever the number of members.
const RECORD_CALL_SQL = `
WITH batch AS (
  INSERT INTO "DeliveryBatch" ("id", "idempotencyKey", "mode", "sendIds", "status", "attempts", "nextAttemptAt",
                               "leaseUntil", "createdAt")
  VALUES ($1::text, $2::text, $3::text, $4::text[], 'pending', $5::int, now(),
          now() + $6::int * interval '1 millisecond', now())
  RETURNING "id", "idempotencyKey", "mode", "sendIds", "attempts", "createdAt"
), members AS (
  UPDATE "EmailSend" SET "deliveryBatchId" = $1::text, "updatedAt" = now() WHERE "id" = ANY($4::text[])
)
SELECT * FROM batch`;

// Whose single call went last from this instance: customers take turns (packing.ts).
const turns = processSingleton("dispatcher-turns", () => ({ lastSingleCustomer: undefined as string | undefined }));

/**
 * Packs the next calls from the queue (packing.ts): a batch of small batchable sends, fairly across customers,
 * and a single call for the customer whose turn it is. Both are recorded; the first is returned leased to this
 * worker, the second is left due at once for the next free worker.
 */
async function packNewBatch(): Promise<ClaimedBatch | null> {
  if (!(await sendsWaiting())) return null;
  const config = getTuning();
  return db.$transaction(async (tx) => {
    const candidates = await tx.$queryRawUnsafe<Candidate[]>(FAIR_CANDIDATES_SQL, config.batchSize);
    const calls = planCalls(candidates, config, turns.lastSingleCustomer);
    if (calls.length === 0) return null;
    const claimed: ClaimedBatch[] = [];
    for (const [index, call] of calls.entries()) {
      const id = randomUUID();
      const leased = index === 0;
      const [batch] = await tx.$queryRawUnsafe<Omit<ClaimedBatch, "outcome">[]>(
        RECORD_CALL_SQL,
        id,
        call.mode === "single" ? sendIdempotencyKey(call.sendIds[0]!) : batchIdempotencyKey(id),
        call.mode,
        call.sendIds,
        leased ? 1 : 0,
        leased ? deliveryLeaseMs() : null,
      );
      if (call.customerId) turns.lastSingleCustomer = call.customerId;
      claimed.push({ ...batch!, outcome: null });
    }
    return claimed[0]!;
  }, TX_OPTIONS);
}

/**
 * A Resend call is leased this long: its timeout plus a margin for the settling transaction. A dispatcher that
 * died is taken over after it, within 15 s with the default 10 s timeout (the dispatch loop looks every 250 ms).
 */
function deliveryLeaseMs(tuning = getTuning()): number {
  return tuning.providerTimeoutMs + 4_000;
}

async function extendLease(batchId: string, waitMs: number): Promise<void> {
  await sql(
    `UPDATE "DeliveryBatch" SET "leaseUntil" = now() + $2::int * interval '1 millisecond'
     WHERE "id" = $1::text AND "status" = 'pending'`,
    [batchId, Math.ceil(waitMs) + deliveryLeaseMs()],
  );
}

/** The members' stored Resend payloads in call order; null when none of them is open any more. */
async function loadPayloads(batch: ClaimedBatch): Promise<CreateEmailOptions[] | null> {
  const rows = await sql<{ id: string; payload: unknown; status: string }>(
    `SELECT "id", "payload", "status" FROM "EmailSend" WHERE "id" = ANY($1::text[])`,
    [batch.sendIds],
  );
  if (!rows.some((r) => r.status === "queued" || r.status === "unknown")) return null;
  const byId = new Map(rows.map((r) => [r.id, r.payload as CreateEmailOptions]));
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
