import type { WebhookEventPayload } from "resend";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { z } from "zod";

import { sql, type Prisma } from "@/lib/db";
import { applyDomainEvent } from "@/lib/domains/sync";
import { getEnv } from "@/lib/env";
import {
  WebhookSignatureError,
  type EventHandler,
  type HandlerOutcome,
  type HandlerTable,
  type WebhookSource,
} from "@/lib/http/webhook-inbox";
import { metrics } from "@/lib/metrics";
import { SEND_ID_TAG } from "@/lib/sending/email-schema";
import { ACCEPTED_STATUSES, isAccepted, STATUS_BY_EVENT } from "@/lib/sending/status";
import { recordDeliveryOutcome } from "@/lib/suppressions";
import { emitEmailEventWebhooks } from "@/lib/webhooks/emit";

/**
 * Resend's delivery webhooks (Svix), for lib/http/webhook-inbox.ts: each email.* event is recorded on its send's
 * timeline and moves the send's delivery status. Events about anything else are recorded and ignored.
 */

/** Verifies a Svix-signed body (Svix uses the Standard Webhooks scheme under `svix-*` header names). */
function verifyResendWebhook(rawBody: string, headers: Headers): { id: string; event: WebhookEventPayload } {
  const secret = getEnv().resend.webhookSecret;
  if (!secret) throw new WebhookSignatureError("RESEND_WEBHOOK_SECRET is not configured");
  const id = headers.get("svix-id") ?? headers.get("webhook-id");
  const mapped = {
    "webhook-id": id ?? "",
    "webhook-timestamp": headers.get("svix-timestamp") ?? headers.get("webhook-timestamp") ?? "",
    "webhook-signature": headers.get("svix-signature") ?? headers.get("webhook-signature") ?? "",
  };
  try {
    const event = new Webhook(secret).verify(rawBody, mapped) as WebhookEventPayload;
    return { id: id!, event };
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new WebhookSignatureError(error.message);
    throw error;
  }
}

/** The parts of a Resend event MailKit reads: a signed event without them is a 400, not a crash. */
const resendEnvelope = z.object({
  type: z.string().min(1).max(100),
  created_at: z.string().max(100).optional(),
  data: z.looseObject({
    email_id: z.string().max(256).optional(),
    created_at: z.string().max(100).optional(),
    to: z.array(z.string()).optional(),
    tags: z
      .union([z.record(z.string(), z.string()), z.array(z.object({ name: z.string(), value: z.string() }))])
      .optional(),
  }),
});

/** Events about an email MailKit sent (`email.received` is inbound mail, not a send). */
type EmailEvent = Exclude<Extract<WebhookEventPayload, { type: `email.${string}` }>, { type: "email.received" }>;

type EmailEventData = {
  email_id?: string;
  created_at?: string;
  to?: string[];
  tags?: Record<string, string> | { name: string; value: string }[];
};

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
    // The customer's own webhooks hear of it in this transaction (lib/webhooks).
    await emitEmailEventWebhooks(tx, send.id, event.type, occurredAt, Array.isArray(to) ? to : [], detail);

    const status = STATUS_BY_EVENT[event.type];
    if (!status) return { outcome: "recorded" };
    if (!isAccepted(send.status)) {
      // Before the acceptance is recorded the event waits on the timeline; lastEventAt tells settling to apply it.
      await tx.emailSend.updateMany({
        where: { id: send.id, OR: [{ lastEventAt: null }, { lastEventAt: { lt: occurredAt } }] },
        data: { lastEventAt: occurredAt },
      });
      return { outcome: "recorded" };
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
    if (count === 0) return { outcome: "recorded" };
    metrics.deliveryEvents.inc({ status });
    return { outcome: "applied" };
  },
};

/** Events with no outcome beyond the timeline and the status: no suppression, no credit back. */
const ROUTINE_EMAIL_EVENTS = new Set([
  "email.sent",
  "email.delivered",
  "email.delivery_delayed",
  "email.opened",
  "email.clicked",
  "email.scheduled",
]);

// Every routine event of every email comes through here (two per email at least: sent, delivered), so they cost
// one statement instead of a transaction of seven: lock the send, and, unless its owner has a webhook endpoint
// for this type (that fan-out builds its payload in `apply`), record the receipt, add the timeline entry and move
// the status exactly as `apply` does. Nothing is written when the statement answers "use apply".
const ROUTINE_EVENT_SQL = `
WITH target AS (
  SELECT s."id", s."status", s."userId" FROM "EmailSend" s
  WHERE s."id" = COALESCE((SELECT x."id" FROM "EmailSend" x WHERE x."resendId" = $1::text LIMIT 1), $2::text)
  FOR UPDATE
), eligible AS (
  SELECT t.* FROM target t
  WHERE NOT EXISTS (SELECT 1 FROM "WebhookEndpoint" e
                    WHERE e."userId" = t."userId" AND e."status" = 'enabled' AND $3::text = ANY(e."eventTypes"))
), receipt AS (
  INSERT INTO "WebhookReceipt" ("id", "source", "type") SELECT $4::text, 'resend', $3::text FROM eligible
  ON CONFLICT ("id") DO NOTHING
  RETURNING "id"
), timeline AS (
  INSERT INTO "EmailEvent" ("id", "sendId", "type", "occurredAt", "recipients", "detail", "webhookId")
  SELECT gen_random_uuid()::text, e."id", $3::text, $5::timestamp(3), $6::text[], $7::jsonb, r."id"
  FROM eligible e, receipt r
  RETURNING 1
), moved AS (
  UPDATE "EmailSend" s
  SET "status" = CASE WHEN s."status" = ANY($9::text[]) THEN $8::text ELSE s."status" END,
      "lastEventAt" = $5::timestamp(3)
  FROM eligible e, receipt r
  WHERE s."id" = e."id" AND $8::text IS NOT NULL AND (s."lastEventAt" IS NULL OR s."lastEventAt" <= $5::timestamp(3))
  RETURNING (e."status" = ANY($9::text[])) AS "applied"
)
SELECT (SELECT count(*) FROM target)::int AS "found", (SELECT count(*) FROM eligible)::int AS "eligible",
       (SELECT count(*) FROM receipt)::int AS "recorded", (SELECT bool_or("applied") FROM moved) AS "applied",
       (SELECT count(*) FROM timeline)::int AS "timeline"`;

async function recordRoutineEmailEvent(
  event: EmailEvent,
  receiptId: string,
): Promise<HandlerOutcome | "duplicate" | null> {
  if (!ROUTINE_EMAIL_EVENTS.has(event.type)) return null;
  const data: EmailEventData = event.data;
  const sendId = tagValue(data.tags, SEND_ID_TAG) ?? null;
  if (!data.email_id && !sendId) return null;
  const occurredAt = parseTime(event.created_at) ?? new Date();
  const { email_id: _id, created_at: _created, to, tags: _tags, ...detail } = event.data;
  const status = STATUS_BY_EVENT[event.type] ?? null;
  const detailJson = pickDetail(detail);
  const [row] = await sql<{ found: number; eligible: number; recorded: number; applied: boolean | null }>(
    ROUTINE_EVENT_SQL,
    [
      data.email_id ?? null,
      sendId,
      event.type,
      receiptId,
      occurredAt.toISOString(),
      Array.isArray(to) ? to : [],
      detailJson === undefined ? null : JSON.stringify(detailJson),
      status,
      ACCEPTED_STATUSES,
    ],
  );
  // Not a send of ours, or its owner listens for this type: the full transaction decides.
  if (!row || row.found === 0 || row.eligible === 0) return null;
  if (row.recorded === 0) return "duplicate";
  if (!row.applied) return { outcome: "recorded" };
  metrics.deliveryEvents.inc({ status: status! });
  return { outcome: "applied" };
}

type DomainEvent = Extract<WebhookEventPayload, { type: `domain.${string}` }>;

/** A customer's sender domain changed in Resend (lib/domains): status and DNS records follow it. */
const recordDomainEvent: EventHandler<DomainEvent> = {
  async apply(event, tx) {
    return { outcome: await applyDomainEvent(tx, event) };
  },
};

const handlers: HandlerTable<WebhookEventPayload> = {
  "domain.created": recordDomainEvent,
  "domain.updated": recordDomainEvent,
  "domain.deleted": recordDomainEvent,
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

export const resendWebhooks: WebhookSource<WebhookEventPayload> = {
  name: "resend",
  verify: verifyResendWebhook,
  envelope: resendEnvelope,
  handlers,
  // Bursts of webhooks queue behind sends on a busy database (PGlite runs one transaction at a time).
  transaction: { maxWait: 15_000, timeout: 15_000 },
};

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

/** Years 0000–9999 only: JavaScript reads "+210043-06-24T…", PostgreSQL's timestamp input does not. */
const LATEST_TIME = Date.parse("9999-12-31T23:59:59.999Z");

/** The event's time, or null when it is missing or not a time a timestamp column holds (then: now). */
function parseTime(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const time = Date.parse(value);
  return Number.isNaN(time) || time < 0 || time > LATEST_TIME ? null : new Date(time);
}

/** What is worth keeping for the timeline (bounce and suppression reasons, failures, clicks). */
function pickDetail(rest: Record<string, unknown>): Prisma.InputJsonValue | undefined {
  const keep: Record<string, unknown> = {};
  for (const field of ["bounce", "suppressed", "failed", "click"])
    if (rest[field] !== undefined) keep[field] = rest[field];
  return Object.keys(keep).length ? (keep as Prisma.InputJsonValue) : undefined;
}
