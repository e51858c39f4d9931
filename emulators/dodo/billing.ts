import type { CheckoutSessionCreateParams, CheckoutSessionResponse } from "dodopayments/resources/checkout-sessions";
import type { Customer } from "dodopayments/resources/customers/customers";
import type { BillingAddress, IntentStatus, Payment } from "dodopayments/resources/payments";
import type { Subscription, SubscriptionUpdateParams } from "dodopayments/resources/subscriptions";

import { units } from "./amounts";
import { creditConfig, endCycle, expireAllDue, grant, grantSubscriptionCycle } from "./credits";
import type { DodoEngine } from "./engine";
import { ApiError, notFound, unprocessable } from "./errors";
import { customerDetails, fullBilling, toSubscription, wireSubscription } from "./shapes";
import { addInterval, newId, type CheckoutRecord, type ProductRecord, type SubscriptionRecord } from "./state";
import { applyTax } from "./tax";

/**
 * Money side of the emulator: checkout sessions, payments and the subscription lifecycle (activation,
 * renewal, on_hold, cancellation), each firing the webhooks Dodo fires, in the order Dodo documents (README.md).
 */

/** Dodo's test cards (Dodo's documented test cards): this Visa succeeds; `4242…` and everything else is declined. */
export const TEST_CARDS = { success: "4576238912771450", declined: "4000000000000002" } as const;

const CHECKOUT_TTL_MS = 24 * 3600_000;

export type CheckoutOutcome = {
  status: "succeeded" | "failed";
  redirect_url: string | null;
  payment_id: string;
  subscription_id: string | null;
  customer_id: string;
};

type CartLine = {
  product: ProductRecord;
  quantity: number;
  amount: number;
  credits: Array<{ credit_entitlement_id: string; credits_amount: string }>;
};

/** POST /checkouts */
export function createCheckout(engine: DodoEngine, params: CheckoutSessionCreateParams): CheckoutSessionResponse {
  const lines = cartLines(engine, params);
  if (lines.filter((l) => l.product.is_recurring).length > 1) {
    throw unprocessable("product_cart: the emulator supports at most one subscription product per checkout");
  }
  let email: string | null = null;
  let name: string | null = null;
  const customer = params.customer;
  if (customer && "customer_id" in customer) {
    const existing = engine.state.customers[customer.customer_id];
    if (!existing) throw notFound(`Customer ${customer.customer_id} not found`);
    ({ email, name } = existing);
  } else if (customer && "email" in customer) {
    if (!/^[^@\s]+@[^@\s]+$/.test(customer.email)) throw unprocessable("customer.email: invalid email address");
    email = customer.email;
    name = customer.name ?? null;
  }
  if (params.return_url) assertUrl(params.return_url, "return_url");
  if (params.cancel_url) assertUrl(params.cancel_url, "cancel_url");
  const record: CheckoutRecord = {
    id: newId("cks_"),
    created_at: engine.nowIso(),
    request: params,
    status: "open",
    payment_id: null,
    payment_status: null,
    customer_id: customer && "customer_id" in customer ? customer.customer_id : null,
    customer_email: email,
    customer_name: name,
    subscription_id: null,
  };
  engine.state.checkouts[record.id] = record;
  engine.save();
  if (params.payment_method_id && !params.confirm)
    throw unprocessable("payment_method_id: only allowed when confirm is true");
  return {
    session_id: record.id,
    checkout_url: `${engine.config.publicUrl}/checkout/session/${record.id}`,
    client_secret: null,
    payment_id: null,
    publishable_key: null,
  };
}

function assertUrl(value: string, field: string): void {
  try {
    new URL(value);
  } catch {
    throw unprocessable(`${field}: relative URL without a base`);
  }
}

export function cartLines(engine: DodoEngine, params: Pick<CheckoutSessionCreateParams, "product_cart">): CartLine[] {
  if (params.product_cart.length === 0) throw unprocessable("product_cart: must contain at least one product");
  if (params.product_cart.length > 20) throw unprocessable("product_cart: at most 20 items");
  return params.product_cart.map((item, i) => {
    const product = engine.state.products[item.product_id];
    if (!product || product.archived) throw notFound(`Product ${item.product_id} not found`);
    if (!Number.isInteger(item.quantity) || item.quantity < 1)
      throw unprocessable(`product_cart[${i}].quantity: must be a positive integer`);
    const unit = product.price.type === "usage_based_price" ? product.price.fixed_price : product.price.price;
    const credits = product.credit_entitlements.map((m) => {
      const override = item.credit_entitlements?.find((c) => c.credit_entitlement_id === m.credit_entitlement_id);
      return {
        credit_entitlement_id: m.credit_entitlement_id,
        credits_amount: override?.credits_amount ?? m.credits_amount,
      };
    });
    for (const c of item.credit_entitlements ?? []) {
      if (!credits.some((x) => x.credit_entitlement_id === c.credit_entitlement_id)) {
        throw unprocessable(
          `product_cart[${i}].credit_entitlements: ${c.credit_entitlement_id} is not attached to ${product.product_id}`,
        );
      }
      const e = engine.state.entitlements[c.credit_entitlement_id];
      if (e) units(c.credits_amount, e.precision); // throws AmountError (→ 422) for a bad amount
    }
    return { product, quantity: item.quantity, amount: (item.amount ?? unit) * item.quantity, credits };
  });
}

/** Dodo keeps the card of a returning customer's successful checkout (listed at GET /customers/{id}/payment-methods). */
export function saveMethod(engine: DodoEngine, customerId: string, card: string): void {
  const methods = (engine.state.savedMethods[customerId] ??= []);
  const now = engine.nowIso();
  const existing = methods.find((m) => m.card === card);
  if (existing) {
    existing.last_used_at = now;
    return;
  }
  methods.push({
    payment_method_id: newId("pm_"),
    card,
    last4: card.slice(-4),
    network: card.startsWith("4") ? "VISA" : card.startsWith("5") ? "MASTERCARD" : null,
    created_at: now,
    last_used_at: now,
  });
  engine.save();
}

/** Finds the customer by email (oldest first), or creates one. */
export function findOrCreateCustomer(
  engine: DodoEngine,
  email: string,
  name: string | null,
  alwaysCreate: boolean,
): Customer {
  const lower = email.toLowerCase();
  const found = alwaysCreate
    ? undefined
    : Object.values(engine.state.customers).find((c) => c.email.toLowerCase() === lower);
  if (found) return found;
  return createCustomer(engine, { email, name: name ?? email.split("@")[0] ?? email });
}

export function createCustomer(
  engine: DodoEngine,
  input: { email: string; name: string; phone_number?: string | null; metadata?: Customer["metadata"] },
): Customer {
  const customer: Customer = {
    business_id: engine.config.businessId,
    created_at: engine.nowIso(),
    customer_id: newId("cus_"),
    email: input.email,
    name: input.name,
    metadata: input.metadata ?? {},
    phone_number: input.phone_number ?? null,
  };
  engine.state.customers[customer.customer_id] = customer;
  engine.save();
  return customer;
}

export type CompleteInput = { card: string; email?: string; name?: string; billing?: Partial<BillingAddress> };

/** Pays a checkout session as the hosted page does; returns where the browser goes next. */
export function completeCheckout(engine: DodoEngine, sessionId: string, input: CompleteInput): CheckoutOutcome {
  const checkout = engine.state.checkouts[sessionId];
  if (!checkout) throw notFound(`Checkout session ${sessionId} not found`);
  if (checkout.status === "completed")
    throw new ApiError(409, "CHECKOUT_SESSION_CONSUMED", "Checkout session has already been consumed", {
      "x-should-retry": "false",
    });
  if (engine.nowMs() - Date.parse(checkout.created_at) > CHECKOUT_TTL_MS)
    throw new ApiError(400, "CHECKOUT_SESSION_EXPIRED", "Checkout session has expired");
  const request = checkout.request;
  const email = (checkout.customer_email ?? input.email ?? "").trim();
  if (!email) throw unprocessable("email: required");
  const name = checkout.customer_name ?? input.name?.trim() ?? null;
  const requested = request.customer;
  const customer =
    checkout.customer_id !== null
      ? engine.state.customers[checkout.customer_id]!
      : findOrCreateCustomer(
          engine,
          email,
          name || null,
          !!request.feature_flags?.always_create_new_customer ||
            !!(requested && "create_new_customer" in requested && requested.create_new_customer),
        );
  checkout.customer_id = customer.customer_id;
  checkout.customer_email = customer.email;
  checkout.customer_name = customer.name;

  const lines = cartLines(engine, request);
  const recurring = lines.find((l) => l.product.is_recurring);
  const billing = fullBilling({ country: "US", ...request.billing_address, ...input.billing } as BillingAddress);
  const card = input.card.replace(/\D/g, "");
  const succeeded = card === TEST_CARDS.success;
  const subscriptionId = succeeded && recurring ? newId("sub_") : null;
  const taxed = lines.map((l) => applyTax(l.amount, billing, l.product.price.tax_inclusive ?? false));
  const payment = makePayment(engine, {
    customerId: customer.customer_id,
    billing,
    metadata: request.metadata ?? {},
    status: succeeded ? "succeeded" : "failed",
    total: taxed.reduce((sum, t) => sum + t.total, 0),
    tax: taxed.reduce((sum, t) => sum + t.tax, 0),
    currency: (recurring ?? lines[0]!).product.price.currency,
    subscriptionId,
    checkoutSessionId: checkout.id,
    productCart: lines.map((l) => ({ product_id: l.product.product_id, quantity: l.quantity })),
    card,
  });
  checkout.payment_id = payment.payment_id;
  checkout.payment_status = payment.status ?? null;
  engine.save();

  if (!succeeded) {
    engine.emit("payment.failed", { ...payment, payload_type: "Payment" });
    return {
      status: "failed",
      redirect_url: returnUrl(request.return_url, {
        payment_id: payment.payment_id,
        status: "failed",
        email: customer.email,
      }),
      payment_id: payment.payment_id,
      subscription_id: null,
      customer_id: customer.customer_id,
    };
  }

  checkout.status = "completed";
  checkout.subscription_id = subscriptionId;
  saveMethod(engine, customer.customer_id, card);
  engine.emit("payment.succeeded", { ...payment, payload_type: "Payment" });
  if (recurring && subscriptionId) {
    const sub = createSubscription(
      engine,
      subscriptionId,
      recurring,
      customer.customer_id,
      billing,
      request.metadata ?? {},
    );
    emitSubscription(engine, "subscription.active", sub);
    if (engine.settings.renewedOnFirstCharge) emitSubscription(engine, "subscription.renewed", sub);
    grantSubscriptionCycle(engine, sub);
  }
  for (const line of lines.filter((l) => !l.product.is_recurring))
    grantOneTime(engine, line, customer.customer_id, payment, request.metadata ?? {});
  engine.save();
  const params: Record<string, string> = subscriptionId
    ? { subscription_id: subscriptionId, status: "active", email: customer.email }
    : { payment_id: payment.payment_id, status: "succeeded", email: customer.email };
  return {
    status: "succeeded",
    redirect_url: returnUrl(request.return_url, params),
    payment_id: payment.payment_id,
    subscription_id: subscriptionId,
    customer_id: customer.customer_id,
  };
}

function returnUrl(base: string | null | undefined, params: Record<string, string>): string | null {
  if (!base) return null;
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

function grantOneTime(
  engine: DodoEngine,
  line: CartLine,
  customerId: string,
  payment: Payment,
  metadata: Record<string, string | number | boolean>,
): void {
  for (const c of line.credits) {
    const e = engine.state.entitlements[c.credit_entitlement_id];
    if (!e) continue;
    const mapping = line.product.credit_entitlements.find((m) => m.credit_entitlement_id === e.id);
    const config = creditConfig(e, mapping);
    grant(engine, {
      entitlement: e,
      customerId,
      amount: units(c.credits_amount, e.precision) * BigInt(line.quantity),
      sourceType: "one_time",
      sourceId: payment.payment_id,
      expiresAt: null,
      expiresAfterDays: config.expiresAfterDays,
      grantMetadata: metadata,
      entryMetadata: metadata,
      transactionType: "credit_added",
      description: "Credits granted for OneTime payment", // Dodo's own words, seen on the live wire
      origin: "system",
      overageBehavior: config.overageBehavior,
    });
  }
}

type PaymentInput = {
  customerId: string;
  billing: BillingAddress;
  metadata: Payment["metadata"];
  status: IntentStatus;
  /** Charged, tax included. */
  total: number;
  tax: number;
  currency: Payment["currency"];
  subscriptionId: string | null;
  checkoutSessionId: string | null;
  productCart: Array<{ product_id: string; quantity: number }>;
  card: string;
};

function makePayment(engine: DodoEngine, input: PaymentInput): Payment {
  const now = engine.nowIso();
  const failed = input.status === "failed";
  const paymentId = newId("pay_");
  const payment: Payment = {
    billing: input.billing,
    brand_id: engine.config.brandId,
    business_id: engine.config.businessId,
    created_at: now,
    currency: input.currency,
    customer: customerDetails(engine, input.customerId),
    digital_products_delivered: false,
    disputes: [],
    is_multi_subscription: false,
    is_update_payment_method: false,
    metadata: input.metadata,
    payment_id: paymentId,
    payment_provider: "dodo",
    refunds: [],
    retry_attempt: 0,
    settlement_amount: input.total,
    settlement_currency: input.currency,
    subscription_ids: input.subscriptionId ? [input.subscriptionId] : [],
    total_amount: input.total,
    card_holder_name: null,
    card_issuing_country: input.billing.country,
    card_last_four: input.card.slice(-4) || null,
    card_network: input.card.startsWith("4") ? "VISA" : input.card.startsWith("5") ? "MASTERCARD" : null,
    card_type: "CREDIT",
    checkout_session_id: input.checkoutSessionId,
    discount_id: null,
    error_code: failed ? "CARD_DECLINED" : null,
    error_message: failed ? "Your card was declined." : null,
    invoice_url: failed ? null : `${engine.config.publicUrl}/invoices/payments/${paymentId}`,
    payment_method: "card",
    payment_method_type: "credit",
    product_cart: input.productCart,
    settlement_tax: input.tax,
    status: input.status,
    subscription_id: input.subscriptionId,
    tax: input.tax,
    updated_at: now,
  };
  engine.state.payments[payment.payment_id] = payment;
  engine.save();
  return payment;
}

function createSubscription(
  engine: DodoEngine,
  id: string,
  line: CartLine,
  customerId: string,
  billing: BillingAddress,
  metadata: SubscriptionRecord["metadata"],
): SubscriptionRecord {
  const price = line.product.price;
  if (price.type === "one_time_price") throw new Error("not a recurring product");
  const now = engine.nowIso();
  const sub: SubscriptionRecord = {
    subscription_id: id,
    product_id: line.product.product_id,
    customer_id: customerId,
    quantity: line.quantity,
    status: "active",
    created_at: now,
    previous_billing_date: now,
    next_billing_date: addInterval(now, price.payment_frequency_interval, price.payment_frequency_count),
    cancel_at_next_billing_date: false,
    cancelled_at: null,
    cancel_reason: null,
    cancellation_feedback: null,
    cancellation_comment: null,
    metadata,
    billing,
    currency: price.currency,
    recurring_pre_tax_amount: line.amount,
    payment_frequency_count: price.payment_frequency_count,
    payment_frequency_interval: price.payment_frequency_interval,
    subscription_period_count: price.subscription_period_count,
    subscription_period_interval: price.subscription_period_interval,
    tax_inclusive: price.tax_inclusive ?? false,
    credits: line.credits,
    payment_method_id: newId("pm_"),
    fail_next_renewal: false,
  };
  engine.state.subscriptions[id] = sub;
  engine.save();
  return sub;
}

type SubscriptionEvent =
  | "subscription.active"
  | "subscription.renewed"
  | "subscription.on_hold"
  | "subscription.cancelled"
  | "subscription.updated";

function emitSubscription(engine: DodoEngine, type: SubscriptionEvent, sub: SubscriptionRecord): void {
  engine.emit(type, {
    ...wireSubscription(engine, toSubscription(engine, sub)),
    payload_type: "Subscription",
    past_due_ends_at: null,
  });
}

export function subscriptionOr404(engine: DodoEngine, id: string): SubscriptionRecord {
  const sub = engine.state.subscriptions[id];
  if (!sub) throw notFound(`Subscription ${id} not found`);
  return sub;
}

/**
 * The next renewal of a subscription, now: moves the emulator clock to `next_billing_date`, charges, and on
 * success sends payment.succeeded → subscription.renewed (subscription.active after on_hold) → the old
 * cycle's credits expire / roll over → credit.added for the new cycle. A failing charge (failNextRenewal)
 * sends payment.failed → subscription.on_hold and issues no credits. cancel_at_next_billing_date cancels.
 */
export function renewSubscription(engine: DodoEngine, id: string): SubscriptionRecord {
  const sub = subscriptionOr404(engine, id);
  if (sub.status !== "active" && sub.status !== "on_hold") {
    throw new ApiError(
      409,
      "SUBSCRIPTION_NOT_ACTIVE",
      `Subscription ${id} is ${sub.status}; only active or on_hold subscriptions renew`,
    );
  }
  engine.advanceTo(sub.next_billing_date);
  if (sub.cancel_at_next_billing_date) {
    sub.status = "cancelled";
    sub.cancelled_at = engine.nowIso();
    engine.save();
    emitSubscription(engine, "subscription.cancelled", sub);
    expireAllDue(engine);
    return sub;
  }
  const product = engine.state.products[sub.product_id];
  const failing = sub.fail_next_renewal;
  sub.fail_next_renewal = false;
  const taxed = applyTax(sub.recurring_pre_tax_amount, sub.billing, sub.tax_inclusive);
  const payment = makePayment(engine, {
    customerId: sub.customer_id,
    billing: fullBilling(sub.billing),
    metadata: sub.metadata,
    status: failing ? "failed" : "succeeded",
    total: taxed.total,
    tax: taxed.tax,
    currency: sub.currency,
    subscriptionId: sub.subscription_id,
    checkoutSessionId: null,
    productCart: [{ product_id: sub.product_id, quantity: sub.quantity }],
    card: TEST_CARDS.success,
  });
  if (failing) {
    sub.status = "on_hold";
    engine.save();
    engine.emit("payment.failed", { ...payment, payload_type: "Payment" });
    emitSubscription(engine, "subscription.on_hold", sub);
    expireAllDue(engine);
    return sub;
  }
  const recovering = sub.status === "on_hold";
  sub.status = "active";
  sub.previous_billing_date = sub.next_billing_date;
  sub.next_billing_date = addInterval(
    sub.next_billing_date,
    sub.payment_frequency_interval,
    sub.payment_frequency_count,
  );
  engine.save();
  engine.emit("payment.succeeded", { ...payment, payload_type: "Payment" });
  emitSubscription(engine, recovering ? "subscription.active" : "subscription.renewed", sub);
  for (const line of sub.credits) {
    const e = engine.state.entitlements[line.credit_entitlement_id];
    if (e)
      endCycle(
        engine,
        e,
        sub,
        product?.credit_entitlements.find((m) => m.credit_entitlement_id === e.id),
      );
  }
  grantSubscriptionCycle(engine, sub);
  expireAllDue(engine);
  return sub;
}

/** PATCH /subscriptions/{id}: cancel now (`status: "cancelled"`) or at period end, metadata, billing. */
export function updateSubscription(engine: DodoEngine, id: string, params: SubscriptionUpdateParams): Subscription {
  const sub = subscriptionOr404(engine, id);
  let changed = false;
  let cancelledNow = false;
  if (params.status != null && params.status !== sub.status) {
    if (params.status !== "cancelled") throw unprocessable("status: only `cancelled` can be set through this endpoint");
    sub.status = "cancelled";
    sub.cancelled_at = engine.nowIso();
    changed = cancelledNow = true;
  }
  if (
    params.cancel_at_next_billing_date != null &&
    params.cancel_at_next_billing_date !== sub.cancel_at_next_billing_date
  ) {
    if (sub.status === "cancelled" && !cancelledNow)
      throw new ApiError(409, "SUBSCRIPTION_CANCELLED", `Subscription ${id} is already cancelled`);
    sub.cancel_at_next_billing_date = params.cancel_at_next_billing_date;
    changed = true;
  }
  if (params.metadata != null) {
    sub.metadata = params.metadata;
    changed = true;
  }
  if (params.billing != null) {
    sub.billing = params.billing;
    changed = true;
  }
  if (params.next_billing_date != null) {
    if (Number.isNaN(Date.parse(params.next_billing_date))) throw unprocessable("next_billing_date: invalid datetime");
    sub.next_billing_date = new Date(params.next_billing_date).toISOString();
    changed = true;
  }
  if (params.cancel_reason !== undefined) sub.cancel_reason = params.cancel_reason;
  if (params.cancellation_feedback !== undefined) sub.cancellation_feedback = params.cancellation_feedback;
  if (params.cancellation_comment !== undefined) sub.cancellation_comment = params.cancellation_comment;
  engine.save();
  if (cancelledNow) emitSubscription(engine, "subscription.cancelled", sub);
  if (changed) emitSubscription(engine, "subscription.updated", sub);
  return toSubscription(engine, sub);
}
