import type { CreateEmailOptions } from "resend";

import { db, type Tx } from "@/lib/db";
import { STATUS_BY_EVENT } from "@/lib/mail/status";
import { metrics } from "@/lib/metrics";
import { TX_OPTIONS } from "@/lib/runtime/tuning";

import type { ProviderOutcome } from "./provider";
import { retryDelayMs } from "./retry";
import { emitEmailFailed } from "@/lib/webhooks/emit";
import { logger } from "@/lib/runtime/log";
import { emitEmailSent } from "./sent-events";

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
  /** Resend's answer, kept when settling it failed: the retry settles from it without calling Resend. */
  outcome: SettleFacts | null;
};

/** What Resend answered, reduced to what settling needs (stored as DeliveryBatch.outcome). */
export type SettleFacts = { kind: "accepted"; members: MemberFact[] } | { kind: "rejected"; reason: string };
type MemberFact = { resendId: string; scheduled: boolean } | { error: string };
type Member = { id: string; fact: MemberFact };

type Moved = { id: string; customerId: string; cost: number; lastEventAt: Date | null };

/** The facts of a definite answer; `emails` are the payloads sent, in call order. */
export function factsOf(outcome: DefiniteOutcome, emails: CreateEmailOptions[]): SettleFacts {
  if (outcome.kind === "rejected")
    return { kind: "rejected", reason: `Resend refused: ${outcome.statusCode} ${outcome.code}: ${outcome.message}` };
  const now = Date.now();
  return {
    kind: "accepted",
    members: outcome.results.map((result, index) => {
      if (!("id" in result)) return { error: `Resend refused: ${result.error}` };
      // A scheduled email is Resend's to send later; the time was validated at admission, read here as a value.
      const at = Date.parse(String(emails[index]?.scheduledAt ?? ""));
      return { resendId: result.id, scheduled: Number.isFinite(at) && at > now };
    }),
  };
}

type DefiniteOutcome = Exclude<ProviderOutcome, { kind: "unknown" }>;

/**
 * Settles a call Resend accepted or refused. If the call's one transaction fails (whatever the cause: one member's
 * data, a constraint), Resend's answer is kept and each member is settled on its own, so the others go on; a
 * member that still fails is settled with its money alone (status, capture or release, UnbilledSend). Whatever
 * stays open is retried later from the kept answer, with backoff: Resend is never called again for it.
 */
export async function settleBatch(batch: ClaimedBatch, facts: SettleFacts): Promise<void> {
  if (facts.kind === "rejected" && batch.sendIds.length > 1) {
    try {
      return await retryMembersAlone(batch, facts.reason);
    } catch (error) {
      return settleLater(batch, facts, `Queueing the members alone failed: ${messageOf(error)}`);
    }
  }
  const members: Member[] = batch.sendIds.map((id, index) => ({
    id,
    fact: facts.kind === "rejected" ? { error: facts.reason } : facts.members[index]!,
  }));
  try {
    await settleMembers(batch.id, members, { whole: true, extras: true });
    return;
  } catch (error) {
    logger("dispatcher").warn(
      { batchId: batch.id, reason: messageOf(error) },
      "settling a delivery call failed; settling its members one by one",
    );
  }
  await db.deliveryBatch.updateMany({ where: { id: batch.id, status: "pending" }, data: { outcome: facts } });
  let failure: string | undefined;
  for (const member of members) {
    try {
      await settleMembers(batch.id, [member], { whole: false, extras: true });
    } catch {
      try {
        await settleMembers(batch.id, [member], { whole: false, extras: false });
      } catch (error) {
        failure ??= `Settling ${member.id} failed: ${messageOf(error)}`;
      }
    }
  }
  if (failure === undefined) {
    await db.deliveryBatch.updateMany({
      where: { id: batch.id, status: "pending" },
      data: { status: "done", completedAt: new Date(), leaseUntil: null, lastError: null },
    });
    return;
  }
  await settleLater(batch, facts, failure);
}

/** Keeps Resend's answer on the call and settles it again after the usual backoff (never calling Resend again). */
async function settleLater(batch: ClaimedBatch, facts: SettleFacts, failure: string): Promise<void> {
  logger("dispatcher").error({ batchId: batch.id, reason: failure }, "delivery call failed");
  await db.deliveryBatch.updateMany({
    where: { id: batch.id, status: "pending" },
    data: {
      outcome: facts,
      nextAttemptAt: new Date(Date.now() + retryDelayMs(batch.attempts)),
      leaseUntil: null,
      lastError: failure.slice(0, 1000),
    },
  });
}

/**
 * Moves members out of the open states with their money, in one transaction. `whole`: the call is done with it
 * (the journal entries are the call's); otherwise the entries are the member's own. `extras`: customers' webhooks
 * and early delivery events too — a member settled without them still has its status and money right.
 */
async function settleMembers(
  batchId: string,
  members: Member[],
  options: { whole: boolean; extras: boolean },
): Promise<void> {
  const accepted = members.flatMap((m) =>
    "resendId" in m.fact
      ? [{ id: m.id, resendId: m.fact.resendId, status: m.fact.scheduled ? "scheduled" : "sent" }]
      : [],
  );
  const refused = members.flatMap((m) => ("error" in m.fact ? [{ id: m.id, error: m.fact.error }] : []));
  await db.$transaction(async (tx) => {
    const sent = accepted.length ? await markSent(tx, accepted) : [];
    const failed = refused.length ? await markFailed(tx, refused) : [];
    // Customers' webhooks (lib/webhooks) hear of the refusals in this transaction.
    if (failed.length && options.extras) await emitEmailFailed(tx, failed);
    // …and of the acceptances, as Resend's email.sent (MailKit's Resend webhook does not subscribe to it).
    if (sent.length && options.extras) await emitEmailSent(tx, sent);
    if (sent.length) {
      await tx.$executeRawUnsafe(
        UNBILLED_SQL,
        JSON.stringify(sent.map((s) => ({ sendId: s.id, customerId: s.customerId, credits: s.cost }))),
      );
    }
    const early = sent.filter((s) => s.lastEventAt).map((s) => s.id);
    if (early.length && options.extras) await applyEarlyEvents(tx, early);
    if (options.whole) {
      await tx.deliveryBatch.updateMany({
        where: { id: batchId, status: "pending" },
        data: { status: "done", completedAt: new Date(), leaseUntil: null, lastError: null },
      });
    }
    // Last, so the customer's account row (which admission updates too) is locked only until the commit.
    await moveHolds(tx, options.whole ? batchId : `${batchId}:${members[0]!.id}`, sent, failed);
    metrics.sendsSettled.inc({ outcome: "sent" }, sent.length);
    metrics.sendsSettled.inc({ outcome: "failed" }, failed.length);
  }, TX_OPTIONS);
}

/**
 * Resend refused a multi-email call as a whole (e.g. its size): nothing of it was sent, and the reason may be
 * one member's or the call's. Each member goes back to the queue to be tried in a call of its own (a new key).
 */
async function retryMembersAlone(batch: ClaimedBatch, reason: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.emailSend.updateMany({
      where: { id: { in: batch.sendIds }, status: { in: ["queued", "unknown"] }, deliveryBatchId: batch.id },
      data: { status: "queued", batchable: false, deliveryBatchId: null, lastError: reason.slice(0, 1000) },
    });
    await tx.deliveryBatch.updateMany({
      where: { id: batch.id, status: "pending" },
      data: {
        status: "done",
        completedAt: new Date(),
        leaseUntil: null,
        lastError: `${reason} — each email is tried alone`.slice(0, 1000),
      },
    });
  }, TX_OPTIONS);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function markSent(tx: Tx, accepted: { id: string; resendId: string; status: string }[]): Promise<Moved[]> {
  return tx.$queryRawUnsafe<Moved[]>(
    `UPDATE "EmailSend" e SET "resendId" = r."resendId", "acceptedAt" = now(), "status" = r."status",
       "attempts" = e."attempts" + 1, "lastError" = NULL, "nextAttemptAt" = NULL, "updatedAt" = now()
     FROM jsonb_to_recordset($1::jsonb) AS r("id" text, "resendId" text, "status" text)
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
async function moveHolds(tx: Tx, reference: string, sent: Moved[], failed: Moved[]): Promise<void> {
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
      reference,
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

// Each accepted send waits in UnbilledSend for its coalesced debit (lib/credits/debits.ts); a send already there
// (a settlement repeated) is left as it is.
const UNBILLED_SQL = `
INSERT INTO "UnbilledSend" ("sendId", "customerId", "credits", "acceptedAt")
SELECT u."sendId", u."customerId", u."credits", now()
FROM jsonb_to_recordset($1::jsonb) AS u("sendId" text, "customerId" text, "credits" int)
ON CONFLICT ("sendId") DO NOTHING`;

/**
 * Resend's first webhooks can arrive before the acceptance is recorded; they were stored without moving the
 * status (and marked the send through lastEventAt). Apply the newest now.
 */
async function applyEarlyEvents(tx: Tx, sendIds: string[]): Promise<void> {
  await tx.$executeRawUnsafe(EARLY_EVENTS_SQL, sendIds, JSON.stringify(STATUS_BY_EVENT));
}

// One statement for the whole call: each send takes the status of its newest status-moving event.
const EARLY_EVENTS_SQL = `
UPDATE "EmailSend" s SET "status" = l."status", "lastEventAt" = l."occurredAt"
FROM (
  SELECT DISTINCT ON (ev."sendId") ev."sendId", m."status", ev."occurredAt"
  FROM "EmailEvent" ev JOIN jsonb_each_text($2::jsonb) AS m("type", "status") ON m."type" = ev."type"
  WHERE ev."sendId" = ANY($1::text[])
  ORDER BY ev."sendId", ev."occurredAt" DESC, ev."createdAt" DESC
) l
WHERE s."id" = l."sendId"`;
