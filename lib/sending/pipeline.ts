import { randomUUID } from "node:crypto";
import type { CreateEmailOptions } from "resend";

import { hasLivePlan, pendingDebits, requestCreditSync } from "@/lib/credits";
import { db } from "@/lib/db";
import { assertSendersAllowed, type SenderPolicy } from "@/lib/domains/sender";
import { costOf } from "@/lib/mail/recipients";
import { SEND_ID_TAG } from "@/lib/mail/send-tag";
import type { SendStatus } from "@/lib/mail/status";
import { metrics } from "@/lib/metrics";
import { wakeLoop } from "@/lib/runtime/loops";
import { getTuning } from "@/lib/runtime/tuning";
import type { OutgoingEmail } from "@/lib/sending/outgoing-email";
import { withoutSuppressed } from "@/lib/suppressions/recipients";

import { admit, type IdempotencyRecord, type SendRowInput } from "./admission";
import { DISPATCHER_LOOP } from "./dispatcher";
import { AllRecipientsSuppressedError, IdempotencyConflictError, InsufficientCreditsError } from "./errors";

/**
 * The one send pipeline, used by the public API and the dashboard composer. On the request path it only
 * admits: cost = distinct recipients; one SQL statement holds the credits and records the sends as `queued`
 * (lib/sending/admission.ts), or the request is refused with InsufficientCreditsError (402), holding nothing.
 * No Dodo or Resend call happens here. The dispatcher (lib/sending/dispatcher.ts) later packs queued sends
 * into Resend batch calls under one platform-wide budget, captures or releases each hold, and coalesced Dodo
 * debits (lib/credits/debits.ts) bill what Resend accepted.
 */

export type Sender = {
  userId: string;
  /** The Dodo customer whose credits pay; null when the user never got one (then there is nothing to spend). */
  customerId: string | null;
  apiKeyId?: string | null;
  source: "api" | "dashboard";
  /** The sender's owner address and verified domains, when the caller already read them (the API key gate). */
  senderPolicy?: SenderPolicy;
};

export type SendOptions = {
  /** Emails of one request that belong together (the API's batch endpoint): they share a batchId. */
  batch?: boolean;
  /** The public API's Idempotency-Key: recorded with its answer in the admitting statement. */
  idempotency?: Omit<IdempotencyRecord, "responseBody" | "expiresAt"> & {
    respond: (result: Pick<SendResult, "emails" | "creditsCharged" | "suppressed">) => Record<string, unknown>;
  };
};

export type SentEmail = {
  id: string;
  cost: number;
  status: SendStatus;
  /** Recipients taken out because they are on the customer's suppression list (not sent, not charged). */
  suppressed?: string[];
};

export type SendResult = {
  emails: SentEmail[];
  /** Credits held for this request (captured once Resend accepts, released if it refuses). */
  creditsCharged: number;
  /** Credits the customer can still spend. */
  creditsRemaining: number;
  /** Every distinct recipient taken out as suppressed (lib/suppressions). */
  suppressed: string[];
};

export async function sendEmails(
  sender: Sender,
  original: OutgoingEmail[],
  options: SendOptions = {},
): Promise<SendResult> {
  if (original.length === 0) throw new Error("sendEmails needs at least one email");
  // `from` must be on one of the sender's verified domains (or the onboarding rule): 403 before anything is held.
  await assertSendersAllowed(sender.userId, original, sender.senderPolicy);
  const batchId = (options.batch ?? original.length > 1) ? randomUUID() : null;
  let emails = original;
  let suppressed: string[][] = original.map(() => []);
  for (let attempt = 1; ; attempt++) {
    const rows = toRows(sender, emails, batchId);
    const required = rows.reduce((sum, row) => sum + row.cost, 0);
    if (!sender.customerId) throw new InsufficientCreditsError(required, 0, false);
    const customerId = sender.customerId;

    const queued: SentEmail[] = rows.map((row, i) => ({
      id: row.id,
      cost: row.cost,
      status: "queued",
      ...(suppressed[i]!.length ? { suppressed: suppressed[i] } : {}),
    }));
    const allSuppressed = [...new Set(suppressed.flat())];
    const answer = { emails: queued, creditsCharged: required, suppressed: allSuppressed };
    const idempotency: IdempotencyRecord | undefined = options.idempotency && {
      userId: options.idempotency.userId,
      endpoint: options.idempotency.endpoint,
      key: options.idempotency.key,
      requestHash: options.idempotency.requestHash,
      responseBody: options.idempotency.respond(answer),
      expiresAt: new Date(Date.now() + getTuning().idempotencyTtlMs),
    };

    const result = await admit({ customerId, rows, idempotency });
    // Suppressed recipients (lib/suppressions) are taken out before anything is held; the rest is admitted.
    if ("suppressed" in result && attempt < 3) {
      const stripped = withoutSuppressed(original, [...suppressed.flat(), ...result.suppressed]);
      if (!stripped.ok) throw new AllRecipientsSuppressedError(stripped.addresses, batchId ? stripped.index : null);
      emails = stripped.emails;
      suppressed = stripped.suppressed;
      continue;
    }
    if ("suppressed" in result) throw new Error("suppressed recipients kept changing during admission");
    // MailKit's view may lag Dodo (a missed top-up webhook): ask the sync loop to re-read the live balance, so a
    // retry seconds later sees it. No Dodo call on the request path.
    if (!result.admitted && !("idempotencyConflict" in result)) await requestResyncIfIdle(customerId);
    if ("idempotencyConflict" in result) throw new IdempotencyConflictError();
    if ("suppressed" in result) throw new Error("a recipient was suppressed during admission; try again");
    if (!result.admitted) {
      metrics.sendsRefused.inc(rows.length);
      throw new InsufficientCreditsError(required, result.available, await hasLivePlan(customerId));
    }
    metrics.sendsAccepted.inc({ source: sender.source }, rows.length);
    wakeLoop(DISPATCHER_LOOP);
    return { ...answer, creditsRemaining: Math.max(0, result.available) };
  }
}

function toRows(sender: Sender, emails: OutgoingEmail[], batchId: string | null): SendRowInput[] {
  return emails.map((email, index) => {
    const id = randomUUID();
    return {
      id,
      userId: sender.userId,
      customerId: sender.customerId ?? "",
      apiKeyId: sender.apiKeyId ?? null,
      source: sender.source,
      batchId,
      batchIndex: batchId ? index : null,
      fromAddress: email.from,
      to: email.to,
      cc: email.cc,
      bcc: email.bcc,
      subject: email.subject,
      payload: toResendPayload(email, id),
      cost: costOf(email),
      // Resend's batch endpoint takes no attachments and no schedule: those emails go one call each.
      batchable: !email.attachments?.length && !email.scheduledAt,
    };
  });
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
    ...(email.scheduledAt ? { scheduledAt: email.scheduledAt } : {}),
    tags: [...(email.tags ?? []), { name: SEND_ID_TAG, value: sendId }],
  };
  return payload as CreateEmailOptions;
}

/**
 * After a refusal, requests a re-sync of MailKit's view from Dodo's live balance (lib/credits' coalesced sync
 * loop), but only when nothing is in flight for the customer (no holds, no debits waiting for Dodo) and the last
 * sync is not recent: a refusal during a burst of sends is simply a refusal.
 */
async function requestResyncIfIdle(customerId: string): Promise<void> {
  const account = await db.creditAccount.findUnique({ where: { customerId } });
  if (!account || account.reserved > 0 || account.syncRequestedAt) return;
  if (account.syncedAt && Date.now() - account.syncedAt.getTime() < getTuning().resyncAfterMs) return;
  if ((await pendingDebits(db, customerId)) > 0) return;
  await requestCreditSync(db, customerId);
}
