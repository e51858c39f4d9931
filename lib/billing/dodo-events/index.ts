import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import type { HandlerTable } from "@/lib/inbound/inbox";

import { creditEvents } from "./credit";
import { paymentEvents } from "./payment";
import { subscriptionEvents } from "./subscription";

export { dodoEnvelope } from "./shapes";

/**
 * What billing does with Dodo Payments' webhooks (received by lib/inbound/dodo.ts): payments are the billing
 * history, subscriptions the plan, credit events a re-read of the balance. Other families are recorded and ignored.
 */
export const dodoEventHandlers: HandlerTable<UnwrapWebhookEvent> = {
  ...paymentEvents,
  ...subscriptionEvents,
  ...creditEvents,
};
