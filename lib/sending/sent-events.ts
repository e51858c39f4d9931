import type { Tx } from "@/lib/db";
import type { Prisma } from "@/prisma/generated/client";
import { customerTags } from "@/lib/mail/send-tag";
import { emailEventPayload } from "@/lib/webhooks/events";
import { newEventId } from "@/lib/webhooks/signing";

/**
 * `email.sent` for customers' webhook endpoints, emitted by MailKit when Resend accepted the call: that is all
 * Resend's own `email.sent` says ("the API request was successful"), so MailKit's Resend webhook does not subscribe
 * to it (lib/resend/webhook-subscription.ts). The payload is Resend's, with MailKit's email id, as for every email
 * event. Called by settle.ts in the transaction that marks the sends `sent`, so each is emitted exactly once.
 * A scheduled send is not sent yet: its email.sent comes with its first later event (markScheduledSendSent).
 */
export async function emitEmailSent(
  tx: Tx,
  sent: { id: string }[],
  acceptedAt = new Date(),
  dueAt?: Date,
): Promise<number> {
  if (!sent.length) return 0;
  const ids = sent.map((s) => s.id);
  // One query decides: usually none of these senders has an endpoint for email.sent, and nothing more is read.
  const endpoints = await tx.$queryRawUnsafe<{ id: string; userId: string }[]>(
    `SELECT e."id", e."userId" FROM "WebhookEndpoint" e
     WHERE e."status" = 'enabled' AND 'email.sent' = ANY(e."eventTypes")
       AND e."userId" IN (SELECT s."userId" FROM "EmailSend" s WHERE s."id" = ANY($1::text[]))`,
    ids,
  );
  if (!endpoints.length) return 0;
  const sends = await tx.emailSend.findMany({
    where: { id: { in: ids }, status: "sent", userId: { in: [...new Set(endpoints.map((e) => e.userId))] } },
    select: { id: true, userId: true, fromAddress: true, to: true, subject: true, createdAt: true, payload: true },
  });
  const rows = sends.flatMap((send) => {
    const event = emailEventPayload("email.sent", { ...send, tags: customerTags(send.payload) }, acceptedAt);
    const eventId = newEventId();
    return endpoints
      .filter((e) => e.userId === send.userId)
      .map((e) => ({
        endpointId: e.id,
        eventType: "email.sent",
        eventId,
        ...(dueAt && { nextAttemptAt: dueAt }),
        payload: event as unknown as Prisma.InputJsonValue,
      }));
  });
  if (!rows.length) return 0;
  const { count } = await tx.webhookDelivery.createMany({ data: rows, skipDuplicates: true });
  return count;
}

/** Events that only come after Resend sent the email: all but its scheduling and a failure to send. */
export const AFTER_SENDING = [
  "email.sent",
  "email.delivered",
  "email.delivery_delayed",
  "email.bounced",
  "email.complained",
  "email.suppressed",
  "email.opened",
  "email.clicked",
] as const;

/** Whether an event for a send still `scheduled` means Resend has sent it (the one-statement path leaves it to `apply`). */
export function sentBy(eventType: string, status: string): boolean {
  return status === "scheduled" && (AFTER_SENDING as readonly string[]).includes(eventType);
}

/**
 * A scheduled send's first event after Resend sent it: the send becomes `sent` and customers get `email.sent`
 * before that event's own webhook. The caller holds the send's row lock, and the status leaves `scheduled` here,
 * so this happens once per send. Returns the send's state now.
 */
export async function markScheduledSendSent(
  tx: Tx,
  send: { id: string; lastEventAt: Date | null },
  at: Date,
): Promise<{ status: "sent"; lastEventAt: Date }> {
  // Stamped with this event's time, so a late email.scheduled (older) cannot bring the send back to `scheduled`.
  const previous = send.lastEventAt && new Date(send.lastEventAt);
  const lastEventAt = previous && previous > at ? previous : at;
  await tx.emailSend.update({ where: { id: send.id }, data: { status: "sent", lastEventAt } });
  // Due since that event's time (never later than now): first in each endpoint's line, ahead of the event itself.
  await emitEmailSent(tx, [send], at, new Date(Math.min(at.getTime(), Date.now() - 1)));
  return { status: "sent", lastEventAt };
}
