import type { CreateEmailOptions } from "resend";

import { captureCredits, releaseCredits } from "@/lib/credits";
import { DODO_DEBIT_JOB, type DebitPayload } from "@/lib/credits/debit";
import { db } from "@/lib/db";
import { enqueue, type Tx } from "@/lib/outbox";

import { getSendingConfig, retryDelayMs } from "./config";
import { batchIdempotencyKey, sendIdempotencyKey, type ProviderOutcome } from "./provider";
import { OPEN_STATUSES, STATUS_BY_EVENT } from "./status";

/**
 * Settling a send: the transitions out of the open states (queued, unknown), each in one transaction with its
 * money movement. The request path and the sweeper both end here; the status condition in each UPDATE makes
 * sure only the first of them moves credits.
 */

/** What goes to Resend in one call: a single send, or every send of a batch (settled together). */
export type DeliveryUnit = {
  customerId: string;
  batchId: string | null;
  /** In batch order. */
  sends: { id: string; cost: number; payload: CreateEmailOptions }[];
  /** Calls to Resend made for this unit before this one. */
  attempts: number;
  createdAt: Date;
};

export function unitIdempotencyKey(unit: Pick<DeliveryUnit, "batchId" | "sends">): string {
  return unit.batchId ? batchIdempotencyKey(unit.batchId) : sendIdempotencyKey(unit.sends[0]!.id);
}

export type Settlement = {
  /** Credits this unit was charged (0 when released; the held amount while unknown). */
  charged: number;
  /** The customer's credits available after settling. */
  available: number;
};

const TX_OPTIONS = { maxWait: 20_000, timeout: 20_000 };

export async function settle(unit: DeliveryUnit, outcome: ProviderOutcome): Promise<Settlement> {
  switch (outcome.kind) {
    case "accepted":
      return settleAccepted(unit, outcome.resendIds);
    case "rejected":
      return settleRejected(unit, `Resend refused: ${outcome.statusCode} ${outcome.code}: ${outcome.message}`);
    case "unknown":
      return settleUnknown(unit, outcome.reason);
  }
}

/**
 * Resend accepted: each send moves to sent, its hold is captured, and its Dodo debit is queued in the same
 * transaction (the outbox posts it; Dodo's idempotency_key is the Resend id, so it lands exactly once).
 * The capture updates the customer's account row, which serialises that customer's sends: it comes last,
 * so the row is locked only for the capture and the commit.
 */
export async function settleAccepted(unit: DeliveryUnit, resendIds: string[]): Promise<Settlement> {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const moved: DeliveryUnit["sends"] = [];
    let eventsWaiting = false;
    for (const [index, send] of unit.sends.entries()) {
      const resendId = resendIds[index]!;
      const rows = await tx.emailSend.updateManyAndReturn({
        where: { id: send.id, status: { in: [...OPEN_STATUSES] } },
        data: {
          status: "sent",
          resendId,
          acceptedAt: now,
          attempts: { increment: 1 },
          nextAttemptAt: null,
          leaseUntil: null,
          lastError: null,
        },
        select: { lastEventAt: true },
      });
      if (rows.length === 0) continue; // settled already (by the sweeper or the request): its money moved then
      moved.push(send);
      if (rows[0]!.lastEventAt) eventsWaiting = true;
      const payload: DebitPayload = {
        idempotencyKey: resendId,
        reason: debitReason(send.id, send.cost),
        sendId: send.id,
      };
      await enqueue(tx, {
        kind: DODO_DEBIT_JOB,
        key: `dodo.debit:${resendId}`,
        payload,
        customerId: unit.customerId,
        credits: send.cost,
      });
    }
    if (eventsWaiting)
      await applyEarlyEvents(
        tx,
        moved.map((s) => s.id),
      );
    let available: number | undefined;
    for (const send of moved) available = await captureCredits(tx, unit.customerId, send.cost, send.id);
    const charged = moved.length === unit.sends.length ? sumCost(moved) : await chargedFor(tx, unit);
    return { charged, available: available ?? (await availableCredits(tx, unit.customerId)) };
  }, TX_OPTIONS);
}

/** Resend definitely refused: the sends failed and their hold is released. */
export async function settleRejected(unit: DeliveryUnit, reason: string): Promise<Settlement> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.emailSend.updateMany({
      where: { id: { in: unit.sends.map((s) => s.id) }, status: { in: [...OPEN_STATUSES] } },
      data: {
        status: "failed",
        failedAt: new Date(),
        attempts: { increment: 1 },
        nextAttemptAt: null,
        leaseUntil: null,
        lastError: reason.slice(0, 1000),
      },
    });
    // A unit settles as a whole, so either every send moved now or none did (someone else settled it).
    if (count !== unit.sends.length)
      return { charged: await chargedFor(tx, unit), available: await availableCredits(tx, unit.customerId) };
    let available = 0;
    for (const send of unit.sends) available = await releaseCredits(tx, unit.customerId, send.cost, send.id);
    return { charged: 0, available };
  }, TX_OPTIONS);
}

/**
 * We cannot tell whether Resend sent it: keep the hold and let the sweeper retry the same request (same
 * idempotency key, same body) later. Past Resend's replay window a retry could send twice, so the sweeper
 * stops and leaves the send for a person (nextAttemptAt = null), still held: never free, never double.
 */
export async function settleUnknown(unit: DeliveryUnit, reason: string): Promise<Settlement> {
  const config = getSendingConfig();
  const attempts = unit.attempts + 1;
  const expired = Date.now() - unit.createdAt.getTime() + retryDelayMs(attempts, config) > config.resolveWithinMs;
  const nextAttemptAt = expired ? null : new Date(Date.now() + retryDelayMs(attempts, config));
  const lastError = expired
    ? `Unresolved before Resend's idempotency window ends; needs review. Last: ${reason}`
    : reason;
  if (expired) console.error(`[sending] ${unit.sends.map((s) => s.id).join(", ")}: ${lastError}`);
  await db.emailSend.updateMany({
    where: { id: { in: unit.sends.map((s) => s.id) }, status: { in: [...OPEN_STATUSES] } },
    data: {
      status: "unknown",
      attempts: { increment: 1 },
      nextAttemptAt,
      leaseUntil: null,
      lastError: lastError.slice(0, 1000),
    },
  });
  return { charged: await chargedFor(db, unit), available: await availableCredits(db, unit.customerId) };
}

export function debitReason(sendId: string, cost: number): string {
  return `MailKit send ${sendId} (${cost} recipient${cost === 1 ? "" : "s"})`;
}

const sumCost = (sends: { cost: number }[]) => sends.reduce((sum, s) => sum + s.cost, 0);

/** Credits held or captured by the unit's sends (released ones cost nothing). */
async function chargedFor(tx: Tx, unit: DeliveryUnit): Promise<number> {
  const rows = await tx.emailSend.findMany({
    where: { id: { in: unit.sends.map((s) => s.id) } },
    select: { status: true, cost: true },
  });
  return rows.filter((r) => r.status !== "failed").reduce((sum, r) => sum + r.cost, 0);
}

async function availableCredits(tx: Tx, customerId: string): Promise<number> {
  const account = await tx.creditAccount.findUnique({
    where: { customerId },
    select: { balance: true, reserved: true },
  });
  return account ? account.balance - account.reserved : 0;
}

/**
 * Resend's first webhooks can arrive before the request that sent the email has recorded the acceptance; they
 * were stored without moving the status (and marked the send through lastEventAt). Apply the newest now.
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
