import type { WebhookEventType, WebhookPayload } from "dodopayments/resources/webhook-events";
import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

/**
 * The events the emulator sends, typed against the SDK twice over: the envelope must be one of the SDK's
 * `UnwrapWebhookEvent`s and `data` must also be the SDK's `WebhookPayload.*` (which adds `payload_type`, the
 * literal the Next.js adapter requires). A field that drifts in the SDK fails to compile here.
 */
export type EmittedEventType =
  | "payment.succeeded"
  | "payment.failed"
  | "refund.succeeded"
  | "subscription.active"
  | "subscription.renewed"
  | "subscription.on_hold"
  | "subscription.cancelled"
  | "subscription.updated"
  | "credit.added"
  | "credit.deducted"
  | "credit.expired"
  | "credit.rolled_over"
  | "credit.rollover_forfeited"
  | "credit.overage_charged"
  | "credit.overage_reset"
  | "credit.manual_adjustment"
  | "credit.balance_low";

// Every emitted type must be a real one.
type AssertSubtype<T extends WebhookEventType & UnwrapWebhookEvent["type"]> = T;
type _EveryTypeIsReal = AssertSubtype<EmittedEventType>;

type PayloadOf<T extends EmittedEventType> = T extends `payment.${string}`
  ? WebhookPayload.Payment
  : T extends `refund.${string}`
    ? WebhookPayload.Refund
    : T extends `subscription.${string}`
      ? WebhookPayload.Subscription
      : T extends "credit.balance_low"
        ? WebhookPayload.CreditBalanceLow
        : WebhookPayload.CreditLedgerEntry;

export type EventData<T extends EmittedEventType> = Extract<UnwrapWebhookEvent, { type: T }>["data"] & PayloadOf<T>;

export type DodoWebhookEvent<T extends EmittedEventType = EmittedEventType> = T extends EmittedEventType
  ? Extract<UnwrapWebhookEvent, { type: T }> & { type: T; data: EventData<T> }
  : never;

/** Builds the envelope `{business_id, type, timestamp, data}`. */
export function envelope<T extends EmittedEventType>(
  businessId: string,
  type: T,
  timestamp: string,
  data: EventData<T>,
): DodoWebhookEvent<T> {
  return { business_id: businessId, type, timestamp, data } as DodoWebhookEvent<T>;
}

/** Ledger transaction types → their `credit.*` event (auto_top_up and refund are not produced here). */
export const LEDGER_EVENT = {
  credit_added: "credit.added",
  credit_deducted: "credit.deducted",
  credit_expired: "credit.expired",
  credit_rolled_over: "credit.rolled_over",
  rollover_forfeited: "credit.rollover_forfeited",
  overage_charged: "credit.overage_charged",
  overage_reset: "credit.overage_reset",
  manual_adjustment: "credit.manual_adjustment",
  auto_top_up: "credit.added",
  refund: "credit.added",
} as const satisfies Record<WebhookPayload.CreditLedgerEntry["transaction_type"], EmittedEventType>;
