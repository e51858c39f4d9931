import { db, type Tx } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import { logger } from "@/lib/runtime/log";
import { isAccepted } from "@/lib/mail/status";
import { enqueue } from "@/lib/outbox";
import { learnResendLimit, pauseResendBudget, takeResendSlot } from "@/lib/resend/budget";
import { getResend } from "@/lib/resend/client";
import { sleep } from "@/lib/runtime/loops";
import { getTuning, TX_OPTIONS } from "@/lib/runtime/tuning";
import { CREDIT_BACK_JOB, creditBackKey } from "@/lib/suppressions/credit-back";

/**
 * Cancelling a scheduled email (Resend's `emails.cancel`). Only an email with a `scheduled_at` can be cancelled,
 * and only before it is sent. Its credits come back exactly once:
 *
 * - still in MailKit's queue (no Resend call claimed it): one statement moves it to `canceled` and releases its
 *   hold. It is conditional on `deliveryBatchId IS NULL`, and the dispatcher packs rows `FOR UPDATE SKIP LOCKED`
 *   with the same condition, so exactly one of them gets the row.
 * - in a Resend call being made (or repeated): the cancel waits for that call to settle, then goes on.
 * - scheduled at Resend (its hold was captured at acceptance): Resend cancels it first (`emails.cancel`, within
 *   the shared Resend budget); then one transaction moves it to `canceled` and returns the captured credits:
 *   while its Dodo debit is not cut yet (an `UnbilledSend` row), the capture is undone in MailKit's view; once
 *   cut, a `CreditBack` (reason `canceled`) credits it in Dodo through the outbox. The `UnbilledSend` row is
 *   taken first, as the debit cutter takes it, so the two never wait on each other in opposite orders.
 *
 * A second cancel of a cancelled email answers the same and moves nothing.
 */

export type CancelOutcome = {
  id: string;
  /** Credits returned by this call (0 when the email was already cancelled). */
  creditsReturned: number;
  /** How they come back: the hold released, the capture undone, or a credit-back in Dodo. */
  via: "released" | "uncaptured" | "credit_back" | "already_canceled";
};

export const CANCEL_WAIT_MS = 10_000;

type SendState = {
  id: string;
  status: string;
  customerId: string;
  cost: number;
  resendId: string | null;
  deliveryBatchId: string | null;
  scheduledAt: string | null;
};

const SEND_STATE_SQL = `
SELECT "id", "status", "customerId", "cost", "resendId", "deliveryBatchId", "payload"->>'scheduledAt' AS "scheduledAt"
FROM "EmailSend" WHERE "id" = $1 AND "userId" = $2`;

export const cancelErrors = {
  notScheduled: () =>
    new HttpError("validation_error", "Only scheduled emails can be canceled. This email has no `scheduled_at`."),
  alreadySent: () => new HttpError("validation_error", "This email was already sent; it can no longer be canceled."),
  failed: () => new HttpError("validation_error", "This email was not sent (it failed); there is nothing to cancel."),
  busy: () =>
    new HttpError(
      "conflict",
      "This email is being handed to Resend right now. Nothing was canceled; try again in a few seconds.",
    ),
  providerUnavailable: () =>
    new HttpError(
      "provider_unavailable",
      "Resend did not confirm the cancellation. The email is still scheduled; try again in a moment.",
    ),
};

/** Cancels one of this user's scheduled emails. Throws an HttpError (404, 409, 422, 502) when it cannot. */
export async function cancelScheduledEmail(
  userId: string,
  id: string,
  options: { waitMs?: number } = {},
): Promise<CancelOutcome> {
  const deadline = Date.now() + (options.waitMs ?? CANCEL_WAIT_MS);
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    const [send] = await db.$queryRawUnsafe<SendState[]>(SEND_STATE_SQL, id, userId);
    if (!send) throw new HttpError("not_found", "Email not found");
    if (send.status === "canceled") return { id, creditsReturned: 0, via: "already_canceled" };
    if (!send.scheduledAt) throw cancelErrors.notScheduled();
    if (send.status === "failed") throw cancelErrors.failed();
    if (send.status === "scheduled") return cancelAtResend(userId, send);
    if (isAccepted(send.status)) throw cancelErrors.alreadySent();
    if (send.status === "queued" && send.deliveryBatchId === null) {
      const released = await releaseQueued(send);
      if (released) return released;
      continue; // the dispatcher took it a moment ago: it is in a call now
    }
    // In a Resend call right now (or one whose answer was unknown and is being repeated).
    if (Date.now() + pause > deadline) throw cancelErrors.busy();
    await sleep(pause);
  }
}

// The send leaves the queue and its hold is released, in one statement (no Resend call was ever made for it).
const RELEASE_QUEUED_SQL = `
WITH moved AS (
  UPDATE "EmailSend" SET "status" = 'canceled', "nextAttemptAt" = NULL, "updatedAt" = now()
  WHERE "id" = $1 AND "status" = 'queued' AND "deliveryBatchId" IS NULL
  RETURNING "id", "customerId", "cost"
), account AS (
  UPDATE "CreditAccount" a SET "reserved" = a."reserved" - m."cost", "updatedAt" = now()
  FROM moved m WHERE a."customerId" = m."customerId"
  RETURNING a."customerId", a."balance", a."reserved", m."cost"
), journal AS (
  INSERT INTO "CreditEntry" ("id", "customerId", "kind", "amount", "balanceAfter", "reservedAfter", "reference",
                             "idempotencyKey", "createdAt")
  SELECT gen_random_uuid()::text, a."customerId", 'release', -a."cost", a."balance", a."reserved", 'cancel:' || $1,
         'release:cancel:' || $1, now()
  FROM account a
  RETURNING 1
), timeline AS (
  INSERT INTO "EmailEvent" ("id", "sendId", "type", "occurredAt", "recipients", "createdAt")
  SELECT gen_random_uuid()::text, m."id", 'email.canceled', now(), '{}', now() FROM moved m
  RETURNING 1
)
SELECT (SELECT count(*) FROM moved)::int AS "moved", (SELECT count(*) FROM account)::int AS "accounts",
       (SELECT count(*) FROM journal)::int AS "entries", (SELECT count(*) FROM timeline)::int AS "events",
       (SELECT "cost" FROM moved) AS "cost"`;

async function releaseQueued(send: SendState): Promise<CancelOutcome | null> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<{ moved: number; accounts: number; cost: number | null }[]>(
      RELEASE_QUEUED_SQL,
      send.id,
    );
    if (!row?.moved) return null;
    // A held send always has its account; without one the hold cannot be released, so nothing moves.
    if (!row.accounts) throw new Error(`No credit account for ${send.customerId}`);
    return { id: send.id, creditsReturned: Number(row.cost), via: "released" as const };
  });
}

type ResendAnswer = "canceled" | "sent" | "unavailable";

/** Asks Resend to cancel; a refusal is checked against the email's `last_event` (a cancel that already landed). */
async function cancelAtResend(userId: string, send: SendState): Promise<CancelOutcome> {
  const answer = await askResendToCancel(send.resendId!);
  if (answer === "unavailable") throw cancelErrors.providerUnavailable();
  if (answer === "sent") throw cancelErrors.alreadySent();
  const settled = await settleCanceled(send.id);
  if (settled) return settled;
  // Another cancel settled it meanwhile (or a webhook moved it): answer from what the row says now.
  const [now] = await db.$queryRawUnsafe<SendState[]>(SEND_STATE_SQL, send.id, userId);
  if (now?.status === "canceled") return { id: send.id, creditsReturned: 0, via: "already_canceled" };
  logger("cancel").error(
    { sendId: send.id, status: now?.status },
    "Resend cancelled an email MailKit saw leave `scheduled`",
  );
  throw cancelErrors.alreadySent();
}

async function askResendToCancel(resendId: string): Promise<ResendAnswer> {
  const resend = getResend();
  const cancel = await withinBudget((signal) => resend.emails.cancel(resendId, { signal }));
  if (cancel && !cancel.error) return "canceled";
  if (!cancel || cancel.error.statusCode === null || cancel.error.statusCode >= 500 || cancel.error.statusCode === 429)
    return "unavailable";
  // Refused: either it is no longer scheduled at Resend (sent, or cancelled by an earlier attempt of ours).
  const found = await withinBudget((signal) => resend.emails.get(resendId, { signal }));
  const lastEvent = found && !found.error ? found.data?.last_event : undefined;
  if (lastEvent === "canceled") return "canceled";
  if (lastEvent && lastEvent !== "scheduled") return "sent";
  return "unavailable";
}

type SdkResult = {
  error: { statusCode: number | null; message: string } | null;
  headers?: Record<string, string> | null;
};

/** One Resend call in a slot of the shared budget, bounded by the provider timeout; null when no answer came. */
async function withinBudget<T extends SdkResult>(call: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
  const wait = await takeResendSlot();
  if (wait > 0) await sleep(wait);
  try {
    const result = await call(AbortSignal.timeout(getTuning().providerTimeoutMs));
    const limit = Number(result.headers?.["ratelimit-limit"]);
    await learnResendLimit(Number.isInteger(limit) && limit > 0 ? limit : undefined);
    if (result.error?.statusCode === 429)
      await pauseResendBudget((Number(result.headers?.["retry-after"]) || 1) * 1000);
    return result;
  } catch (error) {
    logger("cancel").warn({ reason: (error as Error).message }, "Resend call for a cancel got no answer");
    return null;
  }
}

/** Resend cancelled it: `scheduled` → `canceled` and the captured credits come back, once. */
async function settleCanceled(sendId: string): Promise<CancelOutcome | null> {
  return db.$transaction(async (tx) => {
    // The UnbilledSend row first, in the debit cutter's order (it locks UnbilledSend, then EmailSend).
    const unbilled = await tx.$queryRawUnsafe<{ credits: number }[]>(
      `DELETE FROM "UnbilledSend" WHERE "sendId" = $1 RETURNING "credits"`,
      sendId,
    );
    const moved = await tx.$queryRawUnsafe<{ customerId: string; cost: number }[]>(
      `UPDATE "EmailSend" SET "status" = 'canceled', "updatedAt" = now()
       WHERE "id" = $1 AND "status" = 'scheduled' RETURNING "customerId", "cost"`,
      sendId,
    );
    const send = moved[0];
    if (!send) {
      if (unbilled.length) throw new Error(`UnbilledSend of ${sendId} taken for a send that is not scheduled`);
      return null;
    }
    await tx.emailEvent.create({
      data: { sendId, type: "email.canceled", occurredAt: new Date(), recipients: [] },
    });
    if (unbilled[0]) {
      await uncapture(tx, sendId, send.customerId, unbilled[0].credits);
      return { id: sendId, creditsReturned: unbilled[0].credits, via: "uncaptured" as const };
    }
    await creditBack(tx, sendId, send.customerId, send.cost);
    return { id: sendId, creditsReturned: send.cost, via: "credit_back" as const };
  }, TX_OPTIONS);
}

// Not billed yet: the capture is undone in MailKit's view (Dodo never heard of it). Journalled as a capture of the
// opposite sign, so the captured total over any period stays what was really spent.
const UNCAPTURE_SQL = `
WITH account AS (
  UPDATE "CreditAccount" SET "balance" = "balance" + $2::int, "updatedAt" = now()
  WHERE "customerId" = $1::text RETURNING "balance", "reserved"
)
INSERT INTO "CreditEntry" ("id", "customerId", "kind", "amount", "balanceAfter", "reservedAfter", "reference",
                           "idempotencyKey", "createdAt")
SELECT gen_random_uuid()::text, $1::text, 'capture', $2::int, a."balance", a."reserved", 'cancel:' || $3::text,
       'uncapture:cancel:' || $3::text, now()
FROM account a`;

async function uncapture(tx: Tx, sendId: string, customerId: string, credits: number): Promise<void> {
  const inserted = await tx.$executeRawUnsafe(UNCAPTURE_SQL, customerId, credits, sendId);
  if (inserted !== 1) throw new Error(`No credit account for ${customerId}`);
}

/** Already in a Dodo debit: a credit of the same amount in Dodo, posted by the outbox (lib/suppressions). */
async function creditBack(tx: Tx, sendId: string, customerId: string, credits: number): Promise<void> {
  const key = creditBackKey(sendId);
  const created = await tx.creditBack.createMany({
    data: [{ sendId, customerId, credits, reason: "canceled", idempotencyKey: key }],
    skipDuplicates: true,
  });
  if (created.count === 1) await enqueue(tx, { kind: CREDIT_BACK_JOB, key, payload: { sendId }, customerId, credits });
}
