/**
 * Customer webhooks: endpoints customers register (endpoints.ts), events fanned out to them in the
 * transaction that learns the event (emit.ts), the signed, retried delivery pool (delivery.ts, post.ts,
 * outcome.ts) and replay (replay.ts).
 * See the README's "Customer webhooks".
 */
export * from "./emit";
export * from "./endpoints";
export * from "./replay";
export { WEBHOOK_EVENT_TYPES, WEBHOOK_EVENT_DESCRIPTIONS, type WebhookEventType } from "./events";
export { WEBHOOK_DELIVERY_LOOP, webhookDeliveryPass, drainWebhookDeliveries } from "./delivery";
export { configureWebhooks, getWebhookConfig } from "./config";
export { maskSecret } from "./signing";
