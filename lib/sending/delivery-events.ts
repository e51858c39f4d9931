import { db, type Tx } from "@/lib/db";
import type { EventHandler, HandlerOutcome, HandlerTable } from "@/lib/inbound/inbox";
import { metrics } from "@/lib/metrics";
import { SEND_ID_TAG } from "@/lib/mail/send-tag";
import { recordDeliveryOutcome } from "@/lib/suppressions";
import { emitEmailEventWebhooks } from "@/lib/webhooks/emit";

import { parseTime, pickDetail, tagValue, type EmailEvent, type EmailEventData } from "./delivery-event-fields";
import { recordRoutineEmailEvent } from "./delivery-events-routine";
import { markScheduledSendSent, sentBy } from "./sent-events";
import { isAccepted, STATUS_BY_EVENT } from "@/lib/mail/status";
import { supersedes } from "@/lib/mail/status-order";

/**
 * Resend's delivery webhooks (received by lib/inbound/resend.ts): each email.* event is recorded on its send's
 * timeline and moves the send's delivery status. The routine ones take an express path of one statement
 * (lib/sending/delivery-events-routine.ts) whenever it can do all that `apply` would.
 */

/** Bursts of webhooks queue behind sends on a busy database (PGlite runs one transaction at a time). */
export const DELIVERY_EVENT_TRANSACTION = { maxWait: 15_000, timeout: 15_000 };

/**
 * One email event. `applied`: the send's status moved; `recorded`: kept on the timeline only (older than what
 * we know, not a status event, or the send is not settled yet); `ignored`: not about a customer's send.
 * The send's row is locked (settling takes the same lock), so an event and the acceptance never miss each other.
 */
const recordEmailEvent: EventHandler<EmailEvent> = {
  express: recordRoutineEmailEvent,
  async apply(event, tx, receiptId) {
    const data: EmailEventData = event.data;
    const send = await findSend(tx, data);
    if (!send) return { outcome: "ignored" };

    const occurredAt = parseTime(event.created_at) ?? new Date();
    const { email_id: _id, created_at: _created, to, tags: _tags, ...detail } = event.data;
    // A scheduled send Resend has now sent: customers hear email.sent first (lib/sending/sent-events.ts).
    const sentNow = sentBy(event.type, send.status);
    const current = sentNow ? await markScheduledSendSent(tx, send, occurredAt) : send;
    await tx.emailEvent.create({
      data: {
        sendId: send.id,
        type: event.type,
        occurredAt,
        recipients: Array.isArray(to) ? to : [],
        detail: pickDetail(detail),
        webhookId: receiptId,
      },
    });
    // Hard bounces and complaints join the customer's suppression list; suppressed/failed emails are credited back.
    await recordDeliveryOutcome(tx, send.id, event);
    // The customer's own webhooks hear of it in this transaction (lib/webhooks). Not of email.sent: settling has
    // told them already (lib/sending/sent-events.ts); it arrives only from a webhook that still subscribes to it.
    if (event.type !== "email.sent")
      await emitEmailEventWebhooks(tx, send.id, event.type, occurredAt, Array.isArray(to) ? to : [], detail);

    const status = STATUS_BY_EVENT[event.type];
    if (!status) return { outcome: sentNow ? "applied" : "recorded" };
    if (!isAccepted(current.status)) {
      // Before the acceptance is recorded the event waits on the timeline; lastEventAt tells settling to apply it.
      await tx.emailSend.updateMany({
        where: { id: send.id, OR: [{ lastEventAt: null }, { lastEventAt: { lt: occurredAt } }] },
        data: { lastEventAt: occurredAt },
      });
      return { outcome: "recorded" };
    }
    // Webhooks arrive out of order: the one status order decides (lib/mail/status-order.ts); the row is locked.
    if (
      !supersedes(
        { status, at: occurredAt },
        { status: current.status, at: current.lastEventAt && new Date(current.lastEventAt) },
      )
    ) {
      if (!sentNow) return { outcome: "recorded" };
      metrics.deliveryEvents.inc({ status: current.status });
      return { outcome: "applied" };
    }
    await tx.emailSend.update({ where: { id: send.id }, data: { status, lastEventAt: occurredAt } });
    metrics.deliveryEvents.inc({ status });
    return { outcome: "applied" };
  },
};

export const emailEventHandlers: HandlerTable<EmailEvent> = {
  "email.sent": recordEmailEvent,
  "email.scheduled": recordEmailEvent,
  "email.delivered": recordEmailEvent,
  "email.delivery_delayed": recordEmailEvent,
  "email.complained": recordEmailEvent,
  "email.bounced": recordEmailEvent,
  "email.opened": recordEmailEvent,
  "email.clicked": recordEmailEvent,
  "email.failed": recordEmailEvent,
  "email.suppressed": recordEmailEvent,
};

type LockedSend = { id: string; status: string; lastEventAt: Date | null };

/**
 * The send an event is about, locked for this transaction: settling takes the same row lock, so an event and
 * the acceptance never miss each other (either the event sees "sent", or settling sees the stored event).
 */
async function findSend(tx: Tx, data: EmailEventData): Promise<LockedSend | null> {
  if (data.email_id) {
    const rows = await tx.$queryRawUnsafe<LockedSend[]>(
      `SELECT "id", "status", "lastEventAt" FROM "EmailSend" WHERE "resendId" = $1 FOR UPDATE`,
      data.email_id,
    );
    if (rows[0]) return rows[0];
  }
  // Events can arrive before the acceptance (and so the Resend id) is recorded: MailKit's tag names the send.
  const sendId = tagValue(data.tags, SEND_ID_TAG);
  if (!sendId) return null;
  const rows = await tx.$queryRawUnsafe<LockedSend[]>(
    `SELECT "id", "status", "lastEventAt" FROM "EmailSend" WHERE "id" = $1 FOR UPDATE`,
    sendId,
  );
  return rows[0] ?? null;
}

/**
 * An email event MailKit learned by asking Resend (lib/sending/reconcile.ts) rather than by webhook, applied
 * through the very handler a webhook uses, under a receipt of its own: applied at most once per `receiptId`.
 */
export async function applyReconciledEvent(
  event: EmailEvent,
  receiptId: string,
): Promise<HandlerOutcome | "duplicate"> {
  return db.$transaction(async (tx) => {
    const receipt = await tx.webhookReceipt.createMany({
      data: [{ id: receiptId, source: "resend", type: event.type }],
      skipDuplicates: true,
    });
    if (receipt.count === 0) return "duplicate" as const;
    return (await recordEmailEvent.apply(event, tx, receiptId)) ?? {};
  }, DELIVERY_EVENT_TRANSACTION);
}

export type { EmailEvent };
