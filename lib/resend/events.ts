import type { WebhookEventPayload } from "resend";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

import { db, Prisma } from "@/lib/db";
import { applyDomainEvent } from "@/lib/domains/sync";
import { getEnv } from "@/lib/env";
import { metrics } from "@/lib/metrics";
import { isAccepted, STATUS_BY_EVENT } from "@/lib/sending/status";
import { SEND_ID_TAG } from "@/lib/validations/email";

/**
 * Resend's delivery webhooks (Svix): verify the signature over the raw body, then record the event on its
 * send and move the send's delivery status. A redelivery (same svix-id) is recognised by the WebhookReceipt
 * inserted in the same transaction as the effect, and changes nothing.
 */

export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}

/** Verifies a Svix-signed body (Svix uses the Standard Webhooks scheme under `svix-*` header names). */
export function verifyResendWebhook(
  rawBody: string,
  headers: Headers,
): { webhookId: string; event: WebhookEventPayload } {
  const secret = getEnv().resend.webhookSecret;
  if (!secret) throw new WebhookSignatureError("RESEND_WEBHOOK_SECRET is not configured");
  const webhookId = headers.get("svix-id") ?? headers.get("webhook-id");
  const mapped = {
    "webhook-id": webhookId ?? "",
    "webhook-timestamp": headers.get("svix-timestamp") ?? headers.get("webhook-timestamp") ?? "",
    "webhook-signature": headers.get("svix-signature") ?? headers.get("webhook-signature") ?? "",
  };
  try {
    const event = new Webhook(secret).verify(rawBody, mapped) as WebhookEventPayload;
    if (!webhookId || !event || typeof event !== "object" || typeof event.type !== "string")
      throw new WebhookSignatureError("Malformed event");
    return { webhookId, event };
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new WebhookSignatureError(error.message);
    throw error;
  }
}

export type EventOutcome = "applied" | "recorded" | "duplicate" | "ignored";

type EmailEventData = {
  email_id?: string;
  created_at?: string;
  to?: string[];
  tags?: Record<string, string> | { name: string; value: string }[];
};

/**
 * Applies one verified event. `applied`: the send's status moved; `recorded`: kept on the timeline only
 * (older than what we know, not a status event, or the send is not settled yet); `ignored`: not about a
 * customer's send (MailKit's own emails, other event families); `duplicate`: seen before.
 */
export async function handleResendEvent(webhookId: string, event: WebhookEventPayload): Promise<EventOutcome> {
  const outcome = await applyResendEvent(webhookId, event);
  metrics.webhooks.inc({ source: "resend", outcome });
  const status = STATUS_BY_EVENT[event.type];
  if (outcome === "applied" && status) metrics.deliveryEvents.inc({ status });
  return outcome;
}

async function applyResendEvent(webhookId: string, event: WebhookEventPayload): Promise<EventOutcome> {
  return db.$transaction(async (tx) => {
    const receipt = await tx.webhookReceipt.createMany({
      data: [{ id: webhookId, source: "resend", type: event.type }],
      skipDuplicates: true,
    });
    if (receipt.count === 0) return "duplicate";
    if (event.type.startsWith("domain.")) return applyDomainEvent(tx, event);
    if (!event.type.startsWith("email.")) return "ignored";

    const data = event.data as EmailEventData;
    const send = await findSend(tx, data);
    if (!send) return "ignored";

    const occurredAt = parseTime(event.created_at) ?? new Date();
    const {
      email_id: _id,
      created_at: _created,
      to,
      tags: _tags,
      ...detail
    } = data as EmailEventData & Record<string, unknown>;
    await tx.emailEvent.create({
      data: {
        sendId: send.id,
        type: event.type,
        occurredAt,
        recipients: Array.isArray(to) ? to : [],
        detail: pickDetail(detail),
        webhookId,
      },
    });

    const status = STATUS_BY_EVENT[event.type];
    if (!status) return "recorded";
    if (!isAccepted(send.status)) {
      // Before the acceptance is recorded the event waits on the timeline; lastEventAt tells settling to apply it.
      await tx.emailSend.updateMany({
        where: { id: send.id, OR: [{ lastEventAt: null }, { lastEventAt: { lt: occurredAt } }] },
        data: { lastEventAt: occurredAt },
      });
      return "recorded";
    }
    // An event older than the newest one applied never overwrites it (webhooks can arrive out of order).
    const { count } = await tx.emailSend.updateMany({
      where: {
        id: send.id,
        status: { notIn: ["queued", "unknown", "failed"] },
        OR: [{ lastEventAt: null }, { lastEventAt: { lte: occurredAt } }],
      },
      data: { status, lastEventAt: occurredAt },
    });
    return count === 1 ? "applied" : "recorded";
  }, TX_OPTIONS);
}

// Bursts of webhooks queue behind sends on a busy database (PGlite runs one transaction at a time).
const TX_OPTIONS = { maxWait: 15_000, timeout: 15_000 };

/**
 * The send an event is about, locked for this transaction: settling takes the same row lock, so an event and
 * the acceptance never miss each other (either the event sees "sent", or settling sees the stored event).
 */
async function findSend(
  tx: Prisma.TransactionClient,
  data: EmailEventData,
): Promise<{ id: string; status: string } | null> {
  if (data.email_id) {
    const rows = await tx.$queryRawUnsafe<{ id: string; status: string }[]>(
      `SELECT "id", "status" FROM "EmailSend" WHERE "resendId" = $1 FOR UPDATE`,
      data.email_id,
    );
    if (rows[0]) return rows[0];
  }
  // Events can arrive before the acceptance (and so the Resend id) is recorded: MailKit's tag names the send.
  const sendId = tagValue(data.tags, SEND_ID_TAG);
  if (!sendId) return null;
  const rows = await tx.$queryRawUnsafe<{ id: string; status: string }[]>(
    `SELECT "id", "status" FROM "EmailSend" WHERE "id" = $1 FOR UPDATE`,
    sendId,
  );
  return rows[0] ?? null;
}

function tagValue(tags: EmailEventData["tags"], name: string): string | undefined {
  if (!tags) return undefined;
  if (Array.isArray(tags)) return tags.find((t) => t.name === name)?.value;
  return tags[name];
}

function parseTime(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

/** What is worth keeping for the timeline (bounce and suppression reasons, failures, clicks). */
function pickDetail(rest: Record<string, unknown>): Prisma.InputJsonValue | undefined {
  const keep: Record<string, unknown> = {};
  for (const field of ["bounce", "suppressed", "failed", "click"])
    if (rest[field] !== undefined) keep[field] = rest[field];
  return Object.keys(keep).length ? (keep as Prisma.InputJsonValue) : undefined;
}
