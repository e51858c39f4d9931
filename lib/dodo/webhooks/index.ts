import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { db, Prisma } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";
import { metrics } from "@/lib/metrics";

import { handleCreditEvent } from "./credit";
import { handlePaymentEvent } from "./payment";
import { handleSubscriptionEvent } from "./subscription";

export type WebhookOutcome = {
  status: number;
  body: { received: boolean; duplicate?: boolean; ignored?: string; error?: string };
};

/**
 * POST /api/webhooks/dodo, minus HTTP: verify the Standard Webhooks signature over the raw body, skip a
 * delivery already processed (webhook-id), then apply the event. Handlers record the webhook-id in the
 * same transaction as their effects. Throws on a processing error, so the route answers 5xx and Dodo retries.
 */
export async function processDodoWebhook(rawBody: string, headers: Headers): Promise<WebhookOutcome> {
  try {
    const outcome = await applyDodoWebhook(rawBody, headers);
    const label =
      outcome.status !== 200
        ? "rejected"
        : outcome.body.duplicate
          ? "duplicate"
          : outcome.body.ignored
            ? "ignored"
            : "applied";
    metrics.webhooks.inc({ source: "dodo", outcome: label });
    return outcome;
  } catch (error) {
    metrics.webhooks.inc({ source: "dodo", outcome: "error" });
    throw error;
  }
}

async function applyDodoWebhook(rawBody: string, headers: Headers): Promise<WebhookOutcome> {
  let event: UnwrapWebhookEvent;
  try {
    event = getDodo().webhooks.unwrap(rawBody, { headers: Object.fromEntries(headers.entries()) });
  } catch (error) {
    // unwrap verifies first, then parses: a SyntaxError means a correctly signed body that is not JSON.
    if (error instanceof SyntaxError)
      return { status: 400, body: { received: false, error: "Webhook body is not valid JSON" } };
    return { status: 401, body: { received: false, error: `Invalid webhook signature: ${(error as Error).message}` } };
  }
  const webhookId = headers.get("webhook-id")!;
  if (!event || typeof event.type !== "string" || typeof event.data !== "object" || event.data === null) {
    return { status: 400, body: { received: false, error: "Webhook payload has no type or data" } };
  }

  if (await db.webhookReceipt.findUnique({ where: { id: webhookId } })) {
    return { status: 200, body: { received: true, duplicate: true } };
  }

  const receipt = { id: webhookId, source: "dodo", type: event.type };
  let ignored: string | undefined;
  try {
    if (event.type.startsWith("payment.")) ignored = await handlePaymentEvent(event, receipt);
    else if (event.type.startsWith("subscription.")) ignored = await handleSubscriptionEvent(event, receipt);
    else if (event.type.startsWith("credit.")) ignored = await handleCreditEvent(event, receipt);
    else {
      await db.webhookReceipt.create({ data: receipt });
      ignored = `unhandled event type ${event.type}`;
    }
  } catch (error) {
    // Another delivery of the same webhook won the race: it is processed, so this one is a duplicate.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const exists = await db.webhookReceipt.findUnique({ where: { id: webhookId } });
      if (exists) return { status: 200, body: { received: true, duplicate: true } };
    }
    throw error;
  }
  return { status: 200, body: { received: true, ...(ignored ? { ignored } : {}) } };
}

export type Receipt = { id: string; source: string; type: string };
