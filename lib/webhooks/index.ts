/**
 * Customer webhooks: endpoints customers register (endpoints.ts), events fanned out to them in the
 * transaction that learns the event (emit.ts), and the signed, retried delivery loop (delivery.ts).
 * See the README's "Customer webhooks".
 */
export * from "./emit";
export * from "./endpoints";
export { WEBHOOK_EVENT_TYPES, WEBHOOK_EVENT_DESCRIPTIONS, type WebhookEventType } from "./events";
export { WEBHOOK_DELIVERY_LOOP, webhookDeliveryPass, drainWebhookDeliveries } from "./delivery";
export { configureWebhooks, getWebhookConfig } from "./config";
export { maskSecret } from "./signing";
