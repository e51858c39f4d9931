import type { DomainUpdatedEvent } from "resend";

import type { Tx } from "@/lib/db";
import type { Prisma } from "@/prisma/generated/client";
import { customerTags } from "@/lib/mail/send-tag";

import {
  emailEventPayload,
  isWebhookEventType,
  type CustomerWebhookEvent,
  type EmailEventType,
  type SendForEvent,
} from "./events";
import { newEventId } from "./signing";

/**
 * Fan-out: one WebhookDelivery per enabled endpoint of the customer subscribed to the event's type, written in
 * the caller's transaction, so a delivery exists exactly when the change it reports was committed. The delivery
 * loop (delivery.ts) takes it from there. Returns how many deliveries were created.
 */
export async function emitWebhookEvent(
  tx: Tx,
  userId: string,
  event: CustomerWebhookEvent,
  subscribed?: { id: string }[],
): Promise<number> {
  const endpoints =
    subscribed ??
    (await tx.webhookEndpoint.findMany({
      where: { userId, status: "enabled", eventTypes: { has: event.type } },
      select: { id: true },
    }));
  if (!endpoints.length) return 0;
  const eventId = newEventId();
  const { count } = await tx.webhookDelivery.createMany({
    data: endpoints.map((endpoint) => ({
      endpointId: endpoint.id,
      eventType: event.type,
      eventId,
      payload: event as unknown as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
  });
  return count;
}

const SEND_FIELDS = {
  id: true,
  userId: true,
  fromAddress: true,
  to: true,
  subject: true,
  createdAt: true,
  payload: true,
  lastError: true,
} as const;

type SendRow = Prisma.EmailSendGetPayload<{ select: typeof SEND_FIELDS }>;

function forEvent(send: SendRow): SendForEvent {
  return { ...send, tags: customerTags(send.payload) };
}

/**
 * Hook for lib/sending/delivery-events.ts: a Resend delivery event recorded on a send becomes the customer's event of the
 * same type (with MailKit's email id). Types customers cannot subscribe to (opened, clicked …) emit nothing.
 */
export async function emitEmailEventWebhooks(
  tx: Tx,
  sendId: string,
  type: string,
  occurredAt: Date,
  recipients: string[],
  detail: Record<string, unknown> = {},
): Promise<number> {
  if (!isWebhookEventType(type) || !type.startsWith("email.")) return 0;
  // One indexed query decides: most customers have no endpoint for this type, and then nothing more is read.
  const subscribed = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT e."id" FROM "WebhookEndpoint" e JOIN "EmailSend" s ON s."userId" = e."userId"
     WHERE s."id" = $1 AND e."status" = 'enabled' AND $2 = ANY(e."eventTypes")`,
    sendId,
    type,
  );
  if (!subscribed.length) return 0;
  const send = await tx.emailSend.findUnique({ where: { id: sendId }, select: SEND_FIELDS });
  if (!send) return 0;
  const payload = emailEventPayload(type as EmailEventType, forEvent(send), occurredAt, {
    to: recipients,
    bounce: detail.bounce,
    suppressed: detail.suppressed,
    failed: detail.failed as { reason: string } | undefined,
  });
  return emitWebhookEvent(tx, send.userId, payload, subscribed);
}

/** Hook for lib/sending/settle.ts: sends Resend refused (status `failed`) → `email.failed`. */
export async function emitEmailFailed(tx: Tx, failed: { id: string }[]): Promise<number> {
  if (!failed.length) return 0;
  // One query decides: usually nobody among these senders subscribes, and then nothing more is read.
  const subscribed = await tx.$queryRawUnsafe<{ id: string; userId: string }[]>(
    `SELECT e."id", e."userId" FROM "WebhookEndpoint" e
     WHERE e."status" = 'enabled' AND 'email.failed' = ANY(e."eventTypes")
       AND e."userId" IN (SELECT s."userId" FROM "EmailSend" s WHERE s."id" = ANY($1::text[]))`,
    failed.map((f) => f.id),
  );
  if (!subscribed.length) return 0;
  const users = new Set(subscribed.map((e) => e.userId));
  const sends = await tx.emailSend.findMany({
    where: { id: { in: failed.map((f) => f.id) }, userId: { in: [...users] } },
    select: SEND_FIELDS,
  });
  let count = 0;
  for (const send of sends) {
    const reason = send.lastError ?? "The email could not be sent.";
    const endpoints = subscribed.filter((e) => e.userId === send.userId);
    const event = emailEventPayload("email.failed", forEvent(send), new Date(), { failed: { reason } });
    count += await emitWebhookEvent(tx, send.userId, event, endpoints);
  }
  return count;
}

/** Hook for lib/billing/low-balance.ts: the balance crossed below the warning level. */
export function emitCreditBalanceLow(
  tx: Tx,
  userId: string,
  data: { available: number; threshold: number; allowance: number; topUpUrl: string },
): Promise<number> {
  return emitWebhookEvent(tx, userId, {
    type: "credit.balance_low",
    created_at: new Date().toISOString(),
    data: {
      available: data.available,
      threshold: data.threshold,
      allowance: data.allowance,
      top_up_url: data.topUpUrl,
    },
  });
}

/** For the sender-domains module: a customer's domain changed status (Resend's domain.updated shape). */
export function emitDomainUpdated(tx: Tx, userId: string, domain: DomainUpdatedEvent["data"]): Promise<number> {
  return emitWebhookEvent(tx, userId, { type: "domain.updated", created_at: new Date().toISOString(), data: domain });
}
