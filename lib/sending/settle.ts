import { db } from "@/lib/db";
import { metrics } from "@/lib/metrics";
import type { Tx } from "@/lib/outbox";

import { getSendingConfig, retryDelayMs } from "./config";
import type { ProviderOutcome } from "./provider";
import { STATUS_BY_EVENT } from "./status";
import { emitEmailFailed } from "@/lib/webhooks/emit";

/**
 * Settling a Resend call: each member send leaves the open states (queued, unknown) once, in one transaction
 * with its money: accepted → `sent`, hold captured and the send queued for a coalesced Dodo debit
 * (UnbilledSend); refused → `failed`, hold released. Every move is an UPDATE conditional on the open status,
 * so a call settled twice (two dispatchers after a lease expired) moves nothing the second time.
 */

export type ClaimedBatch = {
  id: string;
  idempotencyKey: string;
  mode: string;
  sendIds: string[];
  attempts: number;
  createdAt: Date;
};

type Moved = { id: string; customerId: string; cost: number; lastEventAt: Date | null };

const TX_OPTIONS = { maxWait: 20_000, timeout: 20_000 };

export async function settleBatch(batch: ClaimedBatch, outcome: ProviderOutcome): Promise<void> {
  if (outcome.kind === "unknown") return retryLater(batch, outcome.reason, outcome.retryAfterMs);
  const accepted: { id: string; resendId: string }[] = [];
  const refused: { id: string; error: string }[] = [];
  batch.sendIds.forEach((id, index) => {
    if (outcome.kind === "rejected") {
      refused.push({ id, error: `Resend refused: ${outcome.statusCode} ${outcome.code}: ${outcome.message}` });
      return;
    }
    const result = outcome.results[index]!;
    if ("id" in result) accepted.push({ id, resendId: result.id });
    else refused.push({ id, error: `Resend refused: ${result.error}` });
  });

  await db.$transaction(async (tx) => {
    const sent = accepted.length ? await markSent(tx, accepted) : [];
    const failed = refused.length ? await markFailed(tx, refused) : [];
    // Customers' webhooks (lib/webhooks) hear of the refusals in this transaction.
    if (failed.length) await emitEmailFailed(tx, failed);
    if (sent.length) {
      await tx.unbilledSend.createMany({
        data: sent.map((s) => ({ sendId: s.id, customerId: s.customerId, credits: s.cost, acceptedAt: new Date() })),
        skipDuplicates: true,
      });
    }
    const early = sent.filter((s) => s.lastEventAt).map((s) => s.id);
    if (early.length) await applyEarlyEvents(tx, early);
    await tx.deliveryBatch.updateMany({
      where: { id: batch.id, status: "pending" },
      data: { status: "done", completedAt: new Date(), leaseUntil: null, lastError: null },
    });
    // Last, so the customer's account row (which admission updates too) is locked only until the commit.
    await moveHolds(tx, batch.id, sent, failed);
    metrics.sendsSettled.inc({ outcome: "sent" }, sent.length);
    metrics.sendsSettled.inc({ outcome: "failed" }, failed.length);
  }, TX_OPTIONS);
}

function markSent(tx: Tx, accepted: { id: string; resendId: string }[]): Promise<Moved[]> {
  return tx.$queryRawUnsafe<Moved[]>(
    // A scheduled email is Resend's to send later: `scheduled` until its email.sent webhook.
    `UPDATE "EmailSend" e SET "resendId" = r."resendId", "acceptedAt" = now(),
       "status" = CASE WHEN (e."payload"->>'scheduledAt')::timestamptz > now()
                       THEN 'scheduled' ELSE 'sent' END,
       "attempts" = e."attempts" + 1, "lastError" = NULL, "nextAttemptAt" = NULL, "updatedAt" = now()
     FROM jsonb_to_recordset($1::jsonb) AS r("id" text, "resendId" text)
     WHERE e."id" = r."id" AND e."status" IN ('queued', 'unknown')
     RETURNING e."id", e."customerId", e."cost", e."lastEventAt"`,
    JSON.stringify(accepted),
  );
}

function markFailed(tx: Tx, refused: { id: string; error: string }[]): Promise<Moved[]> {
  return tx.$queryRawUnsafe<Moved[]>(
    `UPDATE "EmailSend" e SET "status" = 'failed', "failedAt" = now(), "attempts" = e."attempts" + 1,
       "lastError" = left(r."error", 1000), "nextAttemptAt" = NULL, "updatedAt" = now()
     FROM jsonb_to_recordset($1::jsonb) AS r("id" text, "error" text)
     WHERE e."id" = r."id" AND e."status" IN ('queued', 'unknown')
     RETURNING e."id", e."customerId", e."cost", e."lastEventAt"`,
    JSON.stringify(refused),
  );
}

/**
 * Captures (sent) and releases (failed) the holds, one customer at a time in a fixed order so that two
 * settlements never wait on each other's account rows in opposite orders: one statement per customer moves the
 * account and writes its journal entries (one per kind).
 */
async function moveHolds(tx: Tx, batchId: string, sent: Moved[], failed: Moved[]): Promise<void> {
  const byCustomer = new Map<string, { captured: number; released: number }>();
  const totals = (customerId: string) => {
    if (!byCustomer.has(customerId)) byCustomer.set(customerId, { captured: 0, released: 0 });
    return byCustomer.get(customerId)!;
  };
  for (const s of sent) totals(s.customerId).captured += s.cost;
  for (const f of failed) totals(f.customerId).released += f.cost;
  for (const customerId of [...byCustomer.keys()].sort()) {
    const { captured, released } = byCustomer.get(customerId)!;
    const rows = await tx.$queryRawUnsafe<{ accounts: number }[]>(
      MOVE_HOLDS_SQL,
      customerId,
      captured,
      released,
      batchId,
    );
    if (!rows[0]?.accounts) throw new Error(`No credit account for ${customerId}`);
  }
}

// capture: off the balance and the hold; release: off the hold. Journal amounts are negative (what left).
const MOVE_HOLDS_SQL = `
WITH account AS (
  UPDATE "CreditAccount" SET "reserved" = "reserved" - ($2::int + $3::int), "balance" = "balance" - $2::int,
    "updatedAt" = now()
  WHERE "customerId" = $1::text RETURNING "balance", "reserved"
), journal AS (
  INSERT INTO "CreditEntry" ("id", "customerId", "kind", "amount", "balanceAfter", "reservedAfter", "reference",
                             "idempotencyKey", "createdAt")
  SELECT gen_random_uuid()::text, $1::text, k."kind", -k."amount", a."balance", a."reserved", 'delivery:' || $4::text,
         k."kind" || ':delivery:' || $4::text || ':' || $1::text, now()
  FROM account a, (VALUES ('capture', $2::int), ('release', $3::int)) AS k("kind", "amount")
  WHERE k."amount" <> 0
  RETURNING 1
)
SELECT (SELECT count(*) FROM account)::int AS "accounts", (SELECT count(*) FROM journal)::int AS "entries"`;

/**
 * We cannot tell whether Resend sent it (or it asked us to slow down): keep the holds and repeat the same call
 * (same key, same members) later. Past Resend's replay window a repeat could send twice, so the call is left
 * `stuck` for a person, its sends still held: never free, never double.
 */
async function retryLater(batch: ClaimedBatch, reason: string, retryAfterMs?: number): Promise<void> {
  const config = getSendingConfig();
  const delay = retryAfterMs ?? retryDelayMs(batch.attempts, config);
  const expired = Date.now() - batch.createdAt.getTime() + delay > config.resolveWithinMs;
  const lastError = expired
    ? `Unresolved before Resend's idempotency window ends; needs review. Last: ${reason}`
    : reason;
  if (expired) console.error(`[dispatcher] delivery ${batch.id}: ${lastError}`);
  await db.deliveryBatch.updateMany({
    where: { id: batch.id, status: "pending" },
    data: {
      status: expired ? "stuck" : "pending",
      nextAttemptAt: new Date(Date.now() + delay),
      leaseUntil: null,
      lastError: lastError.slice(0, 1000),
    },
  });
  // The customer sees "Confirming" while Resend's answer is unknown (a 429 is simply still queued).
  if (retryAfterMs === undefined) {
    await db.emailSend.updateMany({
      where: { id: { in: batch.sendIds }, status: "queued" },
      data: { status: "unknown", lastError: reason.slice(0, 1000) },
    });
  }
}

/**
 * Resend's first webhooks can arrive before the acceptance is recorded; they were stored without moving the
 * status (and marked the send through lastEventAt). Apply the newest now.
 */
async function applyEarlyEvents(tx: Tx, sendIds: string[]): Promise<void> {
  const events = await tx.emailEvent.findMany({ where: { sendId: { in: sendIds } }, orderBy: { occurredAt: "asc" } });
  const latest = new Map<string, { status: string; at: Date }>();
  for (const event of events) {
    const status = STATUS_BY_EVENT[event.type];
    if (status) latest.set(event.sendId, { status, at: event.occurredAt });
  }
  for (const [id, { status, at }] of latest) {
    await tx.emailSend.update({ where: { id }, data: { status, lastEventAt: at } });
  }
}
