import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { getDodo } from "@/lib/dodo/client";
import { WebhookSignatureError, type HandlerTable, type WebhookSource } from "@/lib/http/webhook-inbox";

import { creditEvents } from "./credit";
import { paymentEvents } from "./payment";
import { dodoEnvelope } from "./shapes";
import { subscriptionEvents } from "./subscription";

/**
 * Dodo Payments' webhooks (Standard Webhooks signatures), for lib/http/webhook-inbox.ts: payments are the
 * billing history, subscriptions the plan, credit events a re-read of the balance. Other families are recorded
 * and ignored.
 */
const handlers: HandlerTable<UnwrapWebhookEvent> = {
  ...paymentEvents,
  ...subscriptionEvents,
  ...creditEvents,
};

export const dodoWebhooks: WebhookSource<UnwrapWebhookEvent> = {
  name: "dodo",
  verify(rawBody, headers) {
    let event: UnwrapWebhookEvent;
    try {
      event = getDodo().webhooks.unwrap(rawBody, { headers: Object.fromEntries(headers.entries()) });
    } catch (error) {
      // unwrap verifies first, then parses: a SyntaxError is a correctly signed body that is not JSON.
      if (error instanceof SyntaxError) throw error;
      throw new WebhookSignatureError((error as Error).message);
    }
    return { id: headers.get("webhook-id")!, event };
  },
  envelope: dodoEnvelope,
  handlers,
  // A webhook waits for a busy pool rather than fail (Prisma's defaults give up after 2 s).
  transaction: { maxWait: 15_000, timeout: 15_000 },
};
