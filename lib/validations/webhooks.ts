import { z } from "zod";

/**
 * The parts of a Resend delivery event that lib/resend/events.ts reads, so a signed but malformed event is a 400
 * instead of a crash. Other fields pass through untouched.
 */
export const resendEventShape = z.object({
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

// ---- Dodo Payments -----------------------------------------------------------------------------------------

const dodoId = z.string().min(1).max(256);
const timestamp = z
  .string()
  .max(100)
  .refine((v) => !Number.isNaN(Date.parse(v)), { error: "not a date" });
const customer = z.looseObject({ customer_id: dodoId });

/** What lib/dodo/webhooks/payment.ts reads of a payment.* event; a signed event without it is logged and ignored. */
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

/** What lib/dodo/webhooks/subscription.ts reads of a subscription.* event. */
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

/** The first problem of a signed Dodo event against `shape`, as a log line; undefined when it fits. */
export function dodoEventProblem(shape: z.ZodType, event: unknown): string | undefined {
  const parsed = shape.safeParse(event);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `malformed event: ${issue.path.join(".") || "(root)"} ${issue.message}`;
}
