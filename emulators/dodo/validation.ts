import { z } from "zod";

import type { BalanceCreateLedgerEntryParams } from "dodopayments/resources/credit-entitlements/balances";
import type {
  CreditEntitlementCreateParams,
  CreditEntitlementUpdateParams,
} from "dodopayments/resources/credit-entitlements/credit-entitlements";
import type { CheckoutSessionCreateParams } from "dodopayments/resources/checkout-sessions";
import type { RefundCreateParams } from "dodopayments/resources/refunds";
import type { CustomerCreateParams, CustomerUpdateParams } from "dodopayments/resources/customers/customers";
import type { CountryCode, Currency } from "dodopayments/resources/misc";
import type { ProductCreateParams, ProductUpdateParams } from "dodopayments/resources/products/products";
import type { SubscriptionUpdateParams } from "dodopayments/resources/subscriptions";

import { unprocessable } from "./errors";

/**
 * Request bodies as the real API validates them (422 naming the field). Each schema's output is assigned to
 * the SDK's own params type in `parse*` below, so a schema that drifts from the SDK fails to compile.
 */
const currency = z.custom<Currency>((v) => typeof v === "string" && /^[A-Z]{3}$/.test(v), "unknown currency");
const country = z.custom<CountryCode>((v) => typeof v === "string" && /^[A-Z]{2}$/.test(v), "unknown country code");
const interval = z.enum(["Day", "Week", "Month", "Year"]);
const overageBehavior = z.enum(["forgive_at_reset", "invoice_at_billing", "carry_deficit", "carry_deficit_auto_repay"]);
const decimal = z.string().regex(/^\d+(\.\d+)?$/, "invalid decimal");

export const metadataSchema = z
  .record(
    z.string().max(40, "metadata keys are at most 40 characters"),
    z.union([z.string().max(500, "metadata values are at most 500 characters"), z.number(), z.boolean()]),
  )
  .refine((m) => Object.keys(m).length <= 50, "at most 50 metadata pairs");

const billingAddress = z.object({
  country,
  city: z.string().nullish(),
  state: z.string().nullish(),
  street: z.string().nullish(),
  zipcode: z.string().nullish(),
});

const entitlementFields = {
  currency: currency.nullish(),
  description: z.string().max(1000).nullish(),
  expires_after_days: z.number().int().min(1).nullish(),
  max_rollover_count: z.number().int().min(0).nullish(),
  overage_behavior: overageBehavior.nullish(),
  overage_limit: z.number().int().min(0).nullish(),
  price_per_unit: decimal.nullish(),
  rollover_percentage: z.number().int().min(0).max(100).nullish(),
  rollover_timeframe_count: z.number().int().min(1).nullish(),
  rollover_timeframe_interval: interval.nullish(),
};

const entitlementCreate = z.object({
  name: z.string().min(1).max(255),
  overage_enabled: z.boolean(),
  precision: z.number().int().min(0).max(10),
  rollover_enabled: z.boolean(),
  unit: z.string().min(1).max(50),
  ...entitlementFields,
});

const entitlementUpdate = z.object({
  name: z.string().min(1).max(255).nullish(),
  unit: z.string().min(1).max(50).nullish(),
  overage_enabled: z.boolean().nullish(),
  rollover_enabled: z.boolean().nullish(),
  ...entitlementFields,
});

const attachCreditEntitlement = z.object({
  credit_entitlement_id: z.string(),
  credits_amount: decimal,
  currency: currency.nullish(),
  expires_after_days: z.number().int().min(1).nullish(),
  low_balance_threshold_percent: z.number().int().min(0).max(100).nullish(),
  max_rollover_count: z.number().int().min(0).nullish(),
  overage_behavior: overageBehavior.nullish(),
  overage_enabled: z.boolean().nullish(),
  overage_limit: decimal.nullish(),
  price_per_unit: decimal.nullish(),
  proration_behavior: z.enum(["prorate", "no_prorate"]).nullish(),
  rollover_enabled: z.boolean().nullish(),
  rollover_percentage: z.number().int().min(0).max(100).nullish(),
  rollover_timeframe_count: z.number().int().min(1).nullish(),
  rollover_timeframe_interval: interval.nullish(),
  trial_credits: decimal.nullish(),
  trial_credits_expire_after_trial: z.boolean().nullish(),
});

const priceCommon = {
  currency,
  discount: z.number().optional(),
  discount_bps: z.number().int().nullish(),
  purchasing_power_parity: z.boolean().optional(),
  tax_inclusive: z.boolean().nullish(),
};
const price = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("one_time_price"),
    price: z.number().int().min(0),
    pay_what_you_want: z.boolean().optional(),
    suggested_price: z.number().int().nullish(),
    ...priceCommon,
  }),
  z.object({
    type: z.literal("recurring_price"),
    price: z.number().int().min(0),
    payment_frequency_count: z.number().int().min(1),
    payment_frequency_interval: interval,
    subscription_period_count: z.number().int().min(1),
    subscription_period_interval: interval,
    trial_period_days: z.number().int().min(0).optional(),
    ...priceCommon,
  }),
  z.object({
    type: z.literal("usage_based_price"),
    fixed_price: z.number().int().min(0),
    payment_frequency_count: z.number().int().min(1),
    payment_frequency_interval: interval,
    subscription_period_count: z.number().int().min(1),
    subscription_period_interval: interval,
    ...priceCommon,
  }),
]);

const taxCategory = z.enum(["digital_products", "saas", "e_book", "edtech", "live_tutoring"]);

const productCreate = z.object({
  name: z.string().min(1),
  price,
  tax_category: taxCategory,
  brand_id: z.string().nullish(),
  credit_entitlements: z.array(attachCreditEntitlement).max(5).nullish(),
  description: z.string().nullish(),
  metadata: metadataSchema.optional(),
});

const productUpdate = z.object({
  name: z.string().min(1).nullish(),
  price: price.nullish(),
  tax_category: taxCategory.nullish(),
  credit_entitlements: z.array(attachCreditEntitlement).max(5).nullish(),
  description: z.string().nullish(),
  metadata: metadataSchema.nullish(),
});

const email = z.string().regex(/^[^@\s]+@[^@\s]+$/, "invalid email address");

const customerCreate = z.object({
  email,
  name: z.string(),
  metadata: metadataSchema.optional(),
  phone_number: z.string().nullish(),
});
const customerUpdate = z.object({
  email: email.nullish(),
  name: z.string().nullish(),
  metadata: metadataSchema.nullish(),
  phone_number: z.string().nullish(),
});

const checkoutCreate = z.object({
  product_cart: z.array(
    z.object({
      product_id: z.string(),
      quantity: z.number().int(),
      amount: z.number().int().min(0).nullish(),
      credit_entitlements: z.array(z.object({ credit_entitlement_id: z.string(), credits_amount: decimal })).nullish(),
    }),
  ),
  customer: z
    .union([
      z.object({ customer_id: z.string() }),
      z.object({
        email,
        name: z.string().nullish(),
        phone_number: z.string().nullish(),
        create_new_customer: z.boolean().optional(),
      }),
    ])
    .nullish(),
  billing_address: billingAddress.nullish(),
  return_url: z.string().nullish(),
  cancel_url: z.string().nullish(),
  metadata: metadataSchema.nullish(),
  feature_flags: z
    .object({ always_create_new_customer: z.boolean().optional(), redirect_immediately: z.boolean().optional() })
    .optional(),
  confirm: z.boolean().optional(),
  payment_method_id: z.string().nullish(),
  short_link: z.boolean().optional(),
  discount_codes: z.array(z.string()).nullish(),
});

const subscriptionUpdate = z.object({
  status: z.enum(["pending", "active", "on_hold", "paused", "cancelled", "failed", "expired", "past_due"]).nullish(),
  cancel_at_next_billing_date: z.boolean().nullish(),
  cancel_reason: z
    .enum([
      "cancelled_by_customer",
      "cancelled_by_merchant",
      "cancelled_by_merchant_send_dunning",
      "cancelled_by_merchant_grace_period_expired",
      "dodo_team",
    ])
    .nullish(),
  cancellation_comment: z.string().nullish(),
  cancellation_feedback: z
    .enum([
      "too_expensive",
      "missing_features",
      "switched_service",
      "unused",
      "customer_service",
      "low_quality",
      "too_complex",
      "other",
    ])
    .nullish(),
  metadata: metadataSchema.nullish(),
  billing: billingAddress.nullish(),
  next_billing_date: z.string().nullish(),
  customer_name: z.string().nullish(),
});

const ledgerEntry = z.object({
  amount: z.string(),
  entry_type: z.enum(["credit", "debit"]),
  expires_at: z.string().nullish(),
  idempotency_key: z.string().min(1).max(255).nullish(),
  metadata: metadataSchema.nullish(),
  reason: z.string().max(1000).nullish(),
});

/** Zod issue → a serde-like message that names the field. */
function check<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? undefined);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".");
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
    throw unprocessable(field ? `missing field \`${field}\`` : "missing request body");
  }
  throw unprocessable(field ? `${field}: ${issue.message}` : issue.message);
}

export const parseEntitlementCreate = (b: unknown): CreditEntitlementCreateParams => {
  const body: CreditEntitlementCreateParams = check(entitlementCreate, b);
  if (body.overage_enabled && !body.price_per_unit)
    throw unprocessable("price_per_unit: required when overage_enabled is true");
  if (body.price_per_unit && !body.currency) throw unprocessable("currency: required when price_per_unit is set");
  if ((body.rollover_timeframe_count == null) !== (body.rollover_timeframe_interval == null)) {
    throw unprocessable("rollover_timeframe_count and rollover_timeframe_interval must both be set or both be null");
  }
  return body;
};
export const parseEntitlementUpdate = (b: unknown): CreditEntitlementUpdateParams => {
  if (b && typeof b === "object" && "precision" in b)
    throw unprocessable("precision: cannot be changed after creation");
  return check(entitlementUpdate, b);
};
export const parseProductCreate = (b: unknown): ProductCreateParams => check(productCreate, b);
export const parseProductUpdate = (b: unknown): ProductUpdateParams => check(productUpdate, b);
export const parseCustomerCreate = (b: unknown): CustomerCreateParams => check(customerCreate, b);
export const parseCustomerUpdate = (b: unknown): CustomerUpdateParams => check(customerUpdate, b);
export const parseCheckoutCreate = (b: unknown): CheckoutSessionCreateParams => check(checkoutCreate, b);
export const parseSubscriptionUpdate = (b: unknown): SubscriptionUpdateParams => check(subscriptionUpdate, b);
const refundCreate = z.object({
  payment_id: z.string().min(1),
  items: z
    .array(z.object({ item_id: z.string(), amount: z.number().int().nullish(), tax_inclusive: z.boolean().optional() }))
    .nullish(),
  metadata: metadataSchema.optional(),
  reason: z.string().max(3000).nullish(),
});
export const parseRefundCreate = (b: unknown): RefundCreateParams => check(refundCreate, b);
export const parseLedgerEntry = (b: unknown): Omit<BalanceCreateLedgerEntryParams, "credit_entitlement_id"> =>
  check(ledgerEntry, b);

/** page_size (default 10, max 100) and zero-based page_number, as the real list endpoints validate them. */
export function parsePage(query: URLSearchParams): { size: number; number: number } {
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === "") return fallback;
    if (!/^\d+$/.test(raw)) throw unprocessable(`${name}: invalid digit found in string`);
    const value = Number(raw);
    if (value < min) throw unprocessable(`${name}: must be at least ${min}`);
    if (value > max) throw unprocessable(`${name}: must be at most ${max}`);
    return value;
  };
  return { size: read("page_size", 10, 1, 100), number: read("page_number", 0, 0, Number.MAX_SAFE_INTEGER) };
}

export function page<T>(items: T[], query: URLSearchParams): { items: T[] } {
  const { size, number } = parsePage(query);
  return { items: items.slice(number * size, number * size + size) };
}

export function parseBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw !== "true" && raw !== "false") throw unprocessable(`${name}: provided string was not \`true\` or \`false\``);
  return raw === "true";
}

export function parseDate(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw unprocessable(`${name}: invalid datetime`);
  return ms;
}
