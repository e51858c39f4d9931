import { z } from "zod";

/**
 * What MailKit's Dodo webhook handlers read of each event (lib/inbound/inbox.ts checks it before the handler
 * runs): the whole envelope, and per family the fields the handler uses.
 */

export const dodoEnvelope = z.object({
  type: z.string().min(1).max(100),
  timestamp: z.string().max(100).optional(),
  // Each handler checks the fields it reads (a signed event with odd data is logged and ignored, not refused).
  data: z.custom<object>((value) => typeof value === "object" && value !== null, { error: "data must be an object" }),
});
const dodoId = z.string().min(1).max(256);
const timestamp = z
  .string()
  .max(100)
  .refine((v) => !Number.isNaN(Date.parse(v)), { error: "not a date" });
const customer = z.looseObject({ customer_id: dodoId });

/** What lib/billing/dodo-events/payment.ts reads of a payment.* event; a signed event without it is logged and ignored. */
export const dodoPaymentEventShape = z.object({
  timestamp,
  data: z.looseObject({
    payment_id: dodoId,
    customer,
    subscription_id: dodoId.nullish(),
    total_amount: z.number().int().min(0).max(2_147_483_647).nullish(),
    currency: z.string().max(16).nullish(),
    created_at: timestamp.nullish(),
  }),
});

/** What lib/billing/dodo-events/subscription.ts reads of a subscription.* event. */
export const dodoSubscriptionEventShape = z.object({
  timestamp,
  data: z.looseObject({
    subscription_id: dodoId,
    customer,
    product_id: dodoId,
    status: z.string().min(1).max(64),
    next_billing_date: timestamp.nullish(),
    previous_billing_date: timestamp.nullish(),
    cancelled_at: timestamp.nullish(),
    cancel_at_next_billing_date: z.boolean().nullish(),
    credit_entitlement_cart: z
      .array(
        z.looseObject({
          credit_entitlement_id: z.string(),
          credits_amount: z.union([z.number().int().min(0), z.string().regex(/^\d{1,15}(\.\d+)?$/)]),
        }),
      )
      .nullish(),
  }),
});

/** What lib/billing/dodo-events/credit.ts reads of a credit.* event. */
export const dodoCreditEventShape = z.object({
  data: z.looseObject({
    customer_id: dodoId,
    credit_entitlement_id: dodoId,
    id: dodoId.nullish(),
    is_credit: z.boolean().nullish(),
    description: z.string().max(10_000).nullish(),
  }),
});
