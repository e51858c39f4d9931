import type { WebhookEventPayload } from "resend";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { z } from "zod";

import { domainEventHandlers } from "@/lib/domains/events";
import { getEnv } from "@/lib/env";
import { WebhookSignatureError } from "@/lib/errors/webhooks";
import { DELIVERY_EVENT_TRANSACTION, emailEventHandlers } from "@/lib/sending/delivery-events";

import type { HeaderReader, WebhookSource } from "./inbox";

/**
 * Resend's webhooks (Svix): email.* events are sending's (lib/sending/delivery-events.ts), domain.* events the
 * sender domains' (lib/domains/events.ts). Events about anything else are recorded and ignored.
 */

/** Verifies a Svix-signed body (Svix uses the Standard Webhooks scheme under `svix-*` header names). */
function verifyResendWebhook(rawBody: string, headers: HeaderReader): { id: string; event: WebhookEventPayload } {
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

export const resendWebhooks: WebhookSource<WebhookEventPayload> = {
  name: "resend",
  verify: verifyResendWebhook,
  envelope: resendEnvelope,
  handlers: { ...domainEventHandlers, ...emailEventHandlers },
  transaction: DELIVERY_EVENT_TRANSACTION,
};
