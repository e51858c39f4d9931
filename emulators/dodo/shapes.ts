import type { CreditLedgerEntry, CustomerCreditBalance } from "dodopayments/resources/credit-entitlements/balances";
import type { CheckoutSessionStatus } from "dodopayments/resources/checkout-sessions";
import type { CustomerListCreditEntitlementsResponse } from "dodopayments/resources/customers/customers";
import type { BillingAddress, CustomerLimitedDetails } from "dodopayments/resources/payments";
import type { Product, ProductListResponse } from "dodopayments/resources/products/products";
import type {
  CreditEntitlementCartResponse,
  Subscription,
  SubscriptionListResponse,
} from "dodopayments/resources/subscriptions";

import type { DodoEngine } from "./engine";
import {
  balanceKey,
  type CheckoutRecord,
  type LedgerRecord,
  type ProductRecord,
  type SubscriptionRecord,
} from "./state";

/**
 * Records → the SDK's response types. Everything the API or a webhook returns goes through one of these, so a
 * field the SDK adds or retypes fails to compile here rather than drifting silently.
 */

/** Billing with all five keys present (the Next.js adapter's zod requires them, nullable). */
export function fullBilling(billing: BillingAddress): BillingAddress {
  return {
    country: billing.country,
    city: billing.city ?? null,
    state: billing.state ?? null,
    street: billing.street ?? null,
    zipcode: billing.zipcode ?? null,
  };
}

export function customerDetails(engine: DodoEngine, customerId: string): CustomerLimitedDetails {
  const c = engine.state.customers[customerId];
  return {
    customer_id: customerId,
    email: c?.email ?? "",
    name: c?.name ?? "",
    metadata: c?.metadata ?? {},
    phone_number: c?.phone_number ?? null,
  };
}

export function toProduct(engine: DodoEngine, p: ProductRecord): Product {
  const { archived: _archived, credit_entitlements, ...rest } = p;
  return {
    ...rest,
    credit_entitlements: credit_entitlements.map((m) => {
      const e = engine.state.entitlements[m.credit_entitlement_id];
      return {
        id: m.mapping_id,
        credit_entitlement_id: m.credit_entitlement_id,
        credit_entitlement_name: e?.name ?? "",
        credit_entitlement_unit: e?.unit ?? "",
        credits_amount: m.credits_amount,
        overage_behavior: m.overage_behavior ?? e?.overage_behavior ?? "forgive_at_reset",
        overage_enabled: m.overage_enabled ?? e?.overage_enabled ?? false,
        proration_behavior: m.proration_behavior ?? "prorate",
        rollover_enabled: m.rollover_enabled ?? e?.rollover_enabled ?? false,
        trial_credits_expire_after_trial: m.trial_credits_expire_after_trial ?? false,
        currency: m.currency ?? e?.currency ?? null,
        expires_after_days: m.expires_after_days ?? e?.expires_after_days ?? null,
        low_balance_threshold_percent: m.low_balance_threshold_percent ?? null,
        max_rollover_count: m.max_rollover_count ?? e?.max_rollover_count ?? null,
        overage_limit: m.overage_limit ?? (e?.overage_limit != null ? String(e.overage_limit) : null),
        price_per_unit: m.price_per_unit ?? e?.price_per_unit ?? null,
        rollover_percentage: m.rollover_percentage ?? e?.rollover_percentage ?? null,
        rollover_timeframe_count: m.rollover_timeframe_count ?? e?.rollover_timeframe_count ?? null,
        rollover_timeframe_interval: m.rollover_timeframe_interval ?? e?.rollover_timeframe_interval ?? null,
        trial_credits: m.trial_credits ?? null,
      };
    }),
  };
}

export function toProductListItem(p: ProductRecord): ProductListResponse {
  const price = p.price;
  return {
    business_id: p.business_id,
    created_at: p.created_at,
    entitlements: p.entitlements,
    is_recurring: p.is_recurring,
    metadata: p.metadata,
    product_id: p.product_id,
    tax_category: p.tax_category,
    updated_at: p.updated_at,
    currency: price.currency,
    description: p.description ?? null,
    image: p.image ?? null,
    name: p.name ?? null,
    price: price.type === "usage_based_price" ? price.fixed_price : price.price,
    price_detail: price,
    pricing_mode: p.pricing_mode ?? null,
    tax_inclusive: price.tax_inclusive ?? false,
  };
}

export function creditCart(engine: DodoEngine, s: SubscriptionRecord): CreditEntitlementCartResponse[] {
  const product = engine.state.products[s.product_id];
  return s.credits.map((line) => {
    const e = engine.state.entitlements[line.credit_entitlement_id];
    const m = product?.credit_entitlements.find((x) => x.credit_entitlement_id === line.credit_entitlement_id);
    const balance = engine.state.balances[balanceKey(line.credit_entitlement_id, s.customer_id)];
    return {
      credit_entitlement_id: line.credit_entitlement_id,
      credit_entitlement_name: e?.name ?? "",
      credits_amount: line.credits_amount,
      overage_balance: balance?.overage ?? "0",
      overage_behavior: m?.overage_behavior ?? e?.overage_behavior ?? "forgive_at_reset",
      overage_enabled: m?.overage_enabled ?? e?.overage_enabled ?? false,
      product_id: s.product_id,
      remaining_balance: balance?.balance ?? "0",
      rollover_enabled: m?.rollover_enabled ?? e?.rollover_enabled ?? false,
      unit: e?.unit ?? "",
      expires_after_days: m?.expires_after_days ?? e?.expires_after_days ?? null,
      low_balance_threshold_percent: m?.low_balance_threshold_percent ?? null,
      max_rollover_count: m?.max_rollover_count ?? e?.max_rollover_count ?? null,
      overage_limit: m?.overage_limit ?? (e?.overage_limit != null ? String(e.overage_limit) : null),
      rollover_percentage: m?.rollover_percentage ?? e?.rollover_percentage ?? null,
      rollover_timeframe_count: m?.rollover_timeframe_count ?? e?.rollover_timeframe_count ?? null,
      rollover_timeframe_interval: m?.rollover_timeframe_interval ?? e?.rollover_timeframe_interval ?? null,
    };
  });
}

export function toSubscription(engine: DodoEngine, s: SubscriptionRecord): Subscription {
  return {
    addons: [],
    billing: fullBilling(s.billing),
    brand_id: engine.config.brandId,
    cancel_at_next_billing_date: s.cancel_at_next_billing_date,
    created_at: s.created_at,
    credit_entitlement_cart: creditCart(engine, s),
    currency: s.currency,
    customer: customerDetails(engine, s.customer_id),
    has_payment_method: true,
    metadata: s.metadata,
    meter_credit_entitlement_cart: [],
    meters: [],
    next_billing_date: s.next_billing_date,
    on_demand: false,
    payment_frequency_count: s.payment_frequency_count,
    payment_frequency_interval: s.payment_frequency_interval,
    previous_billing_date: s.previous_billing_date,
    product_id: s.product_id,
    quantity: s.quantity,
    recurring_pre_tax_amount: s.recurring_pre_tax_amount,
    status: s.status,
    subscription_id: s.subscription_id,
    subscription_period_count: s.subscription_period_count,
    subscription_period_interval: s.subscription_period_interval,
    tax_inclusive: s.tax_inclusive,
    trial_period_days: 0,
    cancellation_comment: s.cancellation_comment,
    cancellation_feedback: s.cancellation_feedback,
    cancelled_at: s.cancelled_at,
    customer_business_name: null,
    discount_cycles_remaining: null,
    discount_id: null,
    discounts: [],
    expires_at: null,
    paused_at: null,
    payment_method_id: s.payment_method_id,
    scheduled_change: null,
    tax_id: null,
    trial_amount: null,
  };
}

export function toSubscriptionListItem(engine: DodoEngine, s: SubscriptionRecord): SubscriptionListResponse {
  const full = toSubscription(engine, s);
  return {
    billing: full.billing,
    cancel_at_next_billing_date: full.cancel_at_next_billing_date,
    created_at: full.created_at,
    currency: full.currency,
    customer: full.customer,
    discounts: [],
    has_payment_method: full.has_payment_method,
    metadata: full.metadata,
    next_billing_date: full.next_billing_date,
    on_demand: full.on_demand,
    payment_frequency_count: full.payment_frequency_count,
    payment_frequency_interval: full.payment_frequency_interval,
    previous_billing_date: full.previous_billing_date,
    product_id: full.product_id,
    quantity: full.quantity,
    recurring_pre_tax_amount: full.recurring_pre_tax_amount,
    status: full.status,
    subscription_id: full.subscription_id,
    subscription_period_count: full.subscription_period_count,
    subscription_period_interval: full.subscription_period_interval,
    tax_inclusive: full.tax_inclusive,
    trial_period_days: full.trial_period_days,
    cancelled_at: full.cancelled_at ?? null,
    payment_method_id: full.payment_method_id ?? null,
    product_name: engine.state.products[s.product_id]?.name ?? null,
  };
}

export function toLedgerEntry(r: LedgerRecord): CreditLedgerEntry {
  return {
    id: r.id,
    amount: r.amount,
    balance_after: r.balance_after,
    balance_before: r.balance_before,
    brand_id: r.brand_id,
    business_id: r.business_id,
    created_at: r.created_at,
    credit_entitlement_id: r.credit_entitlement_id,
    customer_id: r.customer_id,
    is_credit: r.is_credit,
    metadata: r.metadata,
    overage_after: r.overage_after,
    overage_before: r.overage_before,
    transaction_type: r.transaction_type,
    description: r.description ?? null,
    grant_id: r.grant_id ?? null,
    reference_id: r.reference_id ?? null,
    reference_type: r.reference_type ?? null,
  };
}

export function toCheckoutStatus(c: CheckoutRecord): CheckoutSessionStatus {
  return {
    id: c.id,
    created_at: c.created_at,
    customer_email: c.customer_email,
    customer_name: c.customer_name,
    payment_id: c.payment_id,
    payment_status: c.payment_status,
  };
}

/**
 * What a balance looks like on the wire. With `wireAmounts: "numbers"` the emulator sends `balance` and
 * `overage` as JSON numbers, as a real test-mode capture did (the SDK types say strings).
 */
export type WireBalance =
  CustomerCreditBalance | (Omit<CustomerCreditBalance, "balance" | "overage"> & { balance: number; overage: number });

export function wireBalance(engine: DodoEngine, b: CustomerCreditBalance): WireBalance {
  return engine.settings.wireAmounts === "numbers"
    ? { ...b, balance: Number(b.balance), overage: Number(b.overage) }
    : b;
}

export type WireCustomerCreditItem =
  | CustomerListCreditEntitlementsResponse.Item
  | (Omit<CustomerListCreditEntitlementsResponse.Item, "balance" | "overage"> & { balance: number; overage: number });

/** Subscription payloads: with `wireAmounts: "numbers"`, the credit cart amounts are numbers (dodo-adapters#128). */
export function wireSubscription<T extends { credit_entitlement_cart?: CreditEntitlementCartResponse[] }>(
  engine: DodoEngine,
  s: T,
): T {
  if (engine.settings.wireAmounts !== "numbers" || !s.credit_entitlement_cart) return s;
  const cart = s.credit_entitlement_cart.map((line) => ({
    ...line,
    credits_amount: Number(line.credits_amount),
    remaining_balance: Number(line.remaining_balance),
    overage_balance: Number(line.overage_balance),
  }));
  return { ...s, credit_entitlement_cart: cart as unknown as CreditEntitlementCartResponse[] };
}
