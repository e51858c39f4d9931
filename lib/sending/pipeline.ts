import { randomUUID } from "node:crypto";
import type { CreateEmailOptions } from "resend";

import { pendingDebits, reserveCredits, syncCreditsFromDodo } from "@/lib/credits";
import { db, Prisma } from "@/lib/db";
import type { Tx } from "@/lib/outbox";
import { SEND_ID_TAG, type OutgoingEmail } from "@/lib/validations/email";

import { getSendingConfig } from "./config";
import { InsufficientCreditsError, ProviderRejectedError } from "./errors";
import { deliverToResend } from "./provider";
import { costOf } from "./recipients";
import { settle, unitIdempotencyKey, type DeliveryUnit } from "./settle";
import type { SendStatus } from "./status";

/**
 * The one send pipeline, used by the public API and the dashboard composer:
 *
 *   1. cost = distinct recipients of each email
 *   2. one transaction: hold the credits (lib/credits.reserveCredits, one conditional UPDATE) and insert the
 *      send rows, or refuse with InsufficientCreditsError, holding nothing
 *   3. hand the email(s) to Resend with an idempotency key derived from the send (or batch) id
 *   4. settle: accepted → capture + queue the Dodo debit; refused → release; unknown → keep the hold for the
 *      sweeper (lib/sending/sweeper.ts), which repeats step 3 with the same key and then settles
 *
 * No database lock is held during the network call: the hold is what keeps two sends from spending the
 * same credit, in one instance or many.
 */

export type Sender = {
  userId: string;
  /** The Dodo customer whose credits pay; null when the user never got one (then there is nothing to spend). */
  customerId: string | null;
  apiKeyId?: string | null;
  source: "api" | "dashboard";
};

export type SendOptions = {
  /** Send through Resend's batch endpoint (all-or-nothing), even for a single email. */
  batch?: boolean;
  /**
   * Runs inside the transaction that holds the credits, before the hold (the API records its Idempotency-Key
   * there, so the key exists exactly when its sends do). Throwing aborts the send, holding nothing.
   */
  beforeHold?: (tx: Tx, sendIds: string[]) => Promise<void>;
};

export type SentEmail = { id: string; cost: number; status: SendStatus };

export type SendResult = {
  /** false: Resend's answer is unknown (timeout, 5xx); the credits stay held and the sweeper finishes the send. */
  settled: boolean;
  emails: SentEmail[];
  /** Credits taken by this request: captured, or still held while unsettled. */
  creditsCharged: number;
  /** Credits the customer can still spend. */
  creditsRemaining: number;
};

const TX_OPTIONS = { maxWait: 20_000, timeout: 20_000 };

export async function sendEmails(
  sender: Sender,
  emails: OutgoingEmail[],
  options: SendOptions = {},
): Promise<SendResult> {
  if (emails.length === 0) throw new Error("sendEmails needs at least one email");
  const batch = options.batch ?? emails.length > 1;
  const batchId = batch ? randomUUID() : null;
  const drafts = emails.map((email, index) => {
    const id = randomUUID();
    return { id, email, index, cost: costOf(email), payload: toResendPayload(email, id) };
  });
  const required = drafts.reduce((sum, d) => sum + d.cost, 0);
  if (!sender.customerId) throw new InsufficientCreditsError(required, 0);
  const customerId = sender.customerId;

  const rows: Prisma.EmailSendCreateManyInput[] = drafts.map((d) => ({
    id: d.id,
    userId: sender.userId,
    customerId,
    apiKeyId: sender.apiKeyId ?? null,
    source: sender.source,
    batchId,
    batchIndex: batch ? d.index : null,
    fromAddress: d.email.from,
    to: d.email.to,
    cc: d.email.cc,
    bcc: d.email.bcc,
    subject: d.email.subject,
    payload: d.payload as unknown as Prisma.InputJsonValue,
    cost: d.cost,
    status: "queued",
  }));
  const holdReference = batchId ? `batch:${batchId}` : drafts[0]!.id;
  const hold = () =>
    db.$transaction(async (tx) => {
      await options.beforeHold?.(
        tx,
        drafts.map((d) => d.id),
      );
      await tx.emailSend.createMany({ data: rows });
      // Last, so the customer's account row stays locked only for the hold and the commit.
      const admission = await reserveCredits(tx, customerId, required, holdReference);
      if (!admission.admitted) throw new InsufficientCreditsError(required, admission.available);
    }, TX_OPTIONS);

  try {
    await hold();
  } catch (error) {
    // MailKit's view may lag Dodo (a missed top-up webhook): re-read the live balance once, then try again.
    if (!(error instanceof InsufficientCreditsError) || !(await resyncIfIdle(customerId))) throw error;
    await hold();
  }

  const unit: DeliveryUnit = {
    customerId,
    batchId,
    sends: drafts.map((d) => ({ id: d.id, cost: d.cost, payload: d.payload })),
    attempts: 0,
    createdAt: new Date(),
  };
  const outcome = await deliverToResend({
    idempotencyKey: unitIdempotencyKey(unit),
    emails: unit.sends.map((s) => s.payload),
    batch,
  });
  const settlement = await settle(unit, outcome);
  if (outcome.kind === "rejected") {
    throw new ProviderRejectedError(
      outcome.statusCode,
      outcome.code,
      outcome.message,
      drafts.map((d) => d.id),
    );
  }
  const status: SendStatus = outcome.kind === "accepted" ? "sent" : "unknown";
  return {
    settled: outcome.kind === "accepted",
    emails: drafts.map((d) => ({ id: d.id, cost: d.cost, status })),
    creditsCharged: settlement.charged,
    creditsRemaining: Math.max(0, settlement.available),
  };
}

/** The options given to Resend's SDK, with MailKit's send id as a tag (delivery webhooks find the send by it). */
export function toResendPayload(email: OutgoingEmail, sendId: string): CreateEmailOptions {
  const payload = {
    from: email.from,
    to: email.to,
    ...(email.cc.length ? { cc: email.cc } : {}),
    ...(email.bcc.length ? { bcc: email.bcc } : {}),
    ...(email.replyTo.length ? { replyTo: email.replyTo } : {}),
    subject: email.subject,
    ...(email.html ? { html: email.html } : {}),
    ...(email.text ? { text: email.text } : {}),
    ...(email.headers ? { headers: email.headers } : {}),
    ...(email.attachments ? { attachments: email.attachments } : {}),
    tags: [...(email.tags ?? []), { name: SEND_ID_TAG, value: sendId }],
  };
  return payload as CreateEmailOptions;
}

/**
 * Re-syncs MailKit's view from Dodo's live balance after a refusal, but only when nothing is in flight for
 * the customer (no holds, no debits waiting for Dodo) and the last sync is not recent: a refusal during a
 * burst of sends is simply a refusal. Returns whether a sync happened.
 */
async function resyncIfIdle(customerId: string): Promise<boolean> {
  const account = await db.creditAccount.findUnique({ where: { customerId } });
  if (!account || account.reserved > 0) return false;
  if (account.syncedAt && Date.now() - account.syncedAt.getTime() < getSendingConfig().resyncAfterMs) return false;
  if ((await pendingDebits(db, customerId)) > 0) return false;
  try {
    const result = await syncCreditsFromDodo(customerId, "admission refused");
    return result.synced && result.available > account.balance - account.reserved;
  } catch (error) {
    console.error(`[sending] re-sync from Dodo failed for ${customerId}: ${(error as Error).message}`);
    return false;
  }
}
