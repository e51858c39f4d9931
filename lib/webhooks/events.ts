import type {
  EmailBouncedEvent,
  EmailComplainedEvent,
  EmailDeliveredEvent,
  EmailDeliveryDelayedEvent,
  EmailFailedEvent,
  EmailSentEvent,
  EmailSuppressedEvent,
  DomainUpdatedEvent,
} from "resend";

/**
 * The events MailKit pushes to customers' endpoints. Email and domain events have Resend's webhook shapes
 * (as typed by the `resend` SDK) with MailKit's ids: `data.email_id` is the id MailKit's API returned for the
 * send. `credit.balance_low` is MailKit's own.
 */

export const WEBHOOK_EVENT_TYPES = [
  "email.sent",
  "email.delivered",
  "email.delivery_delayed",
  "email.bounced",
  "email.complained",
  "email.suppressed",
  "email.failed",
  "domain.updated",
  "credit.balance_low",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  "email.sent": "Resend accepted the email for delivery",
  "email.delivered": "the recipient's server accepted it",
  "email.delivery_delayed": "delivery is being retried",
  "email.bounced": "the recipient's server refused it",
  "email.complained": "the recipient marked it as spam",
  "email.suppressed": "the address is on a suppression list",
  "email.failed": "the email could not be sent",
  "domain.updated": "a sender domain's status changed",
  "credit.balance_low": "your credit balance fell below the warning level",
};

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

export type CreditBalanceLowEvent = {
  type: "credit.balance_low";
  created_at: string;
  data: { available: number; threshold: number; allowance: number; top_up_url: string };
};

export type CustomerWebhookEvent =
  | EmailSentEvent
  | EmailDeliveredEvent
  | EmailDeliveryDelayedEvent
  | EmailBouncedEvent
  | EmailComplainedEvent
  | EmailSuppressedEvent
  | EmailFailedEvent
  | DomainUpdatedEvent
  | CreditBalanceLowEvent;

export type EmailEventType = Extract<WebhookEventType, `email.${string}`>;

/** What MailKit knows of a send, for an email.* payload. */
export type SendForEvent = {
  id: string;
  fromAddress: string;
  to: string[];
  subject: string;
  createdAt: Date;
  tags?: Record<string, string>;
};

/** Resend's email event body, with MailKit's send id as email_id (and as message_id: MailKit has no other). */
export function emailEventPayload(
  type: EmailEventType,
  send: SendForEvent,
  occurredAt: Date,
  detail: { to?: string[]; bounce?: unknown; suppressed?: unknown; failed?: { reason: string } } = {},
): CustomerWebhookEvent {
  const data: EmailSentEvent["data"] = {
    created_at: send.createdAt.toISOString(),
    email_id: send.id,
    message_id: `<${send.id}@mailkit>`,
    from: send.fromAddress,
    to: detail.to?.length ? detail.to : send.to,
    subject: send.subject,
    ...(send.tags && Object.keys(send.tags).length ? { tags: send.tags } : {}),
  };
  const created_at = occurredAt.toISOString();
  switch (type) {
    case "email.bounced":
      return { type, created_at, data: { ...data, bounce: detail.bounce as EmailBouncedEvent["data"]["bounce"] } };
    case "email.suppressed":
      return {
        type,
        created_at,
        data: { ...data, suppressed: detail.suppressed as EmailSuppressedEvent["data"]["suppressed"] },
      };
    case "email.failed":
      return {
        type,
        created_at,
        data: { ...data, failed: detail.failed ?? { reason: "The email could not be sent." } },
      };
    default:
      return { type, created_at, data };
  }
}

/** The event as sent: `type`, `created_at`, `data` first, as Resend orders them (stored JSONB sorts keys). */
export function eventBody(payload: unknown): unknown {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return payload;
  const { type, created_at, data, ...rest } = payload as Record<string, unknown>;
  return { type, created_at, data, ...rest };
}
